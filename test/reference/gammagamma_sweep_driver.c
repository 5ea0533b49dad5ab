/*
 * gammagamma_sweep_driver FILE: gammagamma_fit on each line of FILE,
 * "n x1 m1 ... xn mn"; prints per set the status and p q gamma, the
 * log-likelihood, the three standard errors (hex) and the passes.  Built by
 * gammagamma_sweep.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_gammagamma.h"

int
main(int argc, char **argv)
{
	size_t		n,
				i,
				cap = 0;
	CrSpendRow *r = NULL;
	FILE	   *fp = argc > 1 ? fopen(argv[1], "r") : stdin;

	if (fp == NULL)
		return 1;
	while (fscanf(fp, "%zu", &n) == 1)
	{
		CrGammaGammaFit f;
		CrFitStatus st;

		if (n > cap)
		{
			cap = n;
			r = realloc(r, cap * sizeof(*r));
			if (r == NULL)
				return 1;
		}
		for (i = 0; i < n; i++)
		{
			memset(&r[i], 0, sizeof(r[i]));	/* one member a row */
			if (fscanf(fp, "%lf %lf", &r[i].x, &r[i].m) != 2)
				return 1;
		}
		cr_spend_rows_sort(r, n);
		st = cr_gammagamma_fit(r, n, NULL, NULL, &f);
		printf("%d %a %a %a %a %a %a %a %d\n", (int) st, f.m.p, f.m.q, f.m.gamma,
			   f.log_likelihood, f.se[0], f.se[1], f.se[2], f.iterations);
	}
	return 0;
}
