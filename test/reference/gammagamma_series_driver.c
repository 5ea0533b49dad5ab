/*
 * gammagamma_series_driver: gg_eval's difference formulas for q >= 1e4
 * (cr_gammagamma.c, included whole for its static functions), for
 * gammagamma_series_check.py.  Lines on stdin:
 *   "d q a"                  prints q a lgamma_diff its_mag psi_diff psi1_diff
 *   "n z a"                  prints z a psi_diff psi1_diff (gg_psi_diffs_near)
 *   "e n x1 m1 .. xn mn p q gamma"
 *                            prints ll mag grad[3] gmag[3] h00 h01 h02 h11 h12 h22
 * all in hex.  Built by gammagamma_series_check.py with -I src.
 */
#include "cr_gammagamma.c"

#include <stdio.h>

int
main(void)
{
	char		c;

	while (scanf(" %c", &c) == 1)
	{
		if (c == 'd')
		{
			double		q,
						a,
						mag,
						d1,
						t1,
						l;

			if (scanf("%lf %lf", &q, &a) != 2)
				return 1;
			l = gg_lgamma_diff(q, a, &mag);
			gg_psi_diffs(q, a, &d1, &t1);
			printf("%a %a %a %a %a %a\n", q, a, l, mag, d1, t1);
		}
		else if (c == 'n')
		{
			double		z,
						a,
						d1,
						t1;

			if (scanf("%lf %lf", &z, &a) != 2)
				return 1;
			gg_psi_diffs_near(z, a, &d1, &t1);
			printf("%a %a %a %a\n", z, a, d1, t1);
		}
		else if (c == 'e')
		{
			size_t		n,
						i;
			CrSpendRow *r;
			GgData		d = {0};
			CrGammaGamma m;
			double		g[3],
						gm[3],
						h[3][3],
						mag,
						ll;

			if (scanf("%zu", &n) != 1 || (r = malloc(n * sizeof(*r))) == NULL)
				return 1;
			for (i = 0; i < n; i++)
			{
				memset(&r[i], 0, sizeof(r[i]));	/* one member a row */
				if (scanf("%lf %lf", &r[i].x, &r[i].m) != 2)
					return 1;
			}
			if (scanf("%lf %lf %lf", &m.p, &m.q, &m.gamma) != 3)
				return 1;
			cr_spend_rows_sort(r, n);
			d.rows = r;
			d.n = n;
			d.scale = 1.0;
			ll = gg_eval(&m, &d, g, h, &mag, gm);
			printf("%a %a %a %a %a %a %a %a %a %a %a %a %a %a\n", ll, mag, g[0], g[1], g[2],
				   gm[0], gm[1], gm[2], h[0][0], h[0][1], h[0][2], h[1][1], h[1][2], h[2][2]);
			free(r);
		}
		else
			return 1;
	}
	return 0;
}
