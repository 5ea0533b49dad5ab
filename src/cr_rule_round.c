/*
 * cr_rule_round.c
 *	  round(x, n) of the incentive condition language, exactly as PostgreSQL's
 *	  round(x::numeric, n)::float8.
 *
 * Plain C, no PostgreSQL headers (see cr_rule.h).
 */
#include "cr_rule_int.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ evaluator */

/*
 * round(x, n) exactly as PostgreSQL computes round(x::numeric, n)::float8:
 * float8 to numeric keeps 15 significant digits (DBL_DIG), numeric rounding
 * is half away from zero, numeric to float8 is correctly rounded (strtod).
 */
/* The exact slow path: decimal digits through snprintf and strtod. */
double
cr_rule_round_slow(double x, int n)
{
	char		tmp[64];
	char		digits[32];
	int			nd = 0;
	int			exp10;
	int			keep;
	char	   *e;
	char		out[80];
	double		r;

	if (!isfinite(x) || x == 0)
		return x == 0 ? 0.0 : x;
	/* d.dddddddddddddde+XX: 15 significant digits */
	snprintf(tmp, sizeof(tmp), "%.14e", fabs(x));
	for (char *c = tmp; *c && *c != 'e'; c++)
		if (*c >= '0' && *c <= '9')
			digits[nd++] = *c;
	e = strchr(tmp, 'e');
	exp10 = atoi(e + 1) + 1;	/* value = 0.DIGITS x 10^exp10 */
	keep = exp10 + n;			/* digits that survive */
	if (keep < 0)
		return 0.0;
	if (keep < nd)
	{
		int			up = digits[keep] >= '5';

		nd = keep;
		if (up)
		{
			int			i = nd - 1;

			while (i >= 0 && digits[i] == '9')
				digits[i--] = '0';
			if (i >= 0)
				digits[i]++;
			else
			{
				/* all nines: 0.999 -> 1.000 */
				memmove(digits + 1, digits, (size_t) nd);
				digits[0] = '1';
				nd++;
				exp10++;
			}
		}
		if (nd == 0)
			return 0.0;
	}
	digits[nd] = '\0';
	snprintf(out, sizeof(out), "%s0.%se%d", x < 0 ? "-" : "", digits, exp10);
	r = strtod(out, NULL);
	return r == 0 ? 0.0 : r;
}

/*
 * The same result without formatting, for |x| in [1e-7, 1e15) and |n| <= 22
 * (returns 0 elsewhere): the 15-digit decimal mantissa M of x is
 * round-half-even(|x| * 10^k), decided exactly with fma; rounding M to n
 * decimals is integer arithmetic; the result q / 10^n has exact operands,
 * so IEEE division rounds it as strtod would.
 */
static const double pow10_exact[23] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22
};

static int
round_fast(double x, int n, double *out)
{
	double		ax = fabs(x);
	int			e10,
				k,
				drop;
	double		y,
				err,
				fl,
				frac,
				r;
	int64_t		m,
				q;

	if (!(ax >= 1e-7 && ax < 1e15) || n > 22 || n < -22)
		return 0;
	e10 = (int) floor(log10(ax));
	k = 14 - e10;
	if (k < 0 || k > 22)
		return 0;
	y = ax * pow10_exact[k];
	err = fma(ax, pow10_exact[k], -y);	/* ax * 10^k = y + err exactly */
	if (!(y >= 1e14 && y < 1e15))
		return 0;				/* log10 was off by one */
	fl = floor(y);
	frac = y - fl;
	m = (int64_t) fl;
	if (frac > 0.5 || (frac == 0.5 && (err > 0 || (err == 0 && (m & 1)))))
		m++;
	if (m >= INT64_C(1000000000000000))
		return 0;
	drop = k - n;				/* decimal digits of m rounded away */
	if (drop <= 0)
		r = (double) m / pow10_exact[k];
	else
	{
		if (drop > 15)
			q = 0;
		else
		{
			int64_t		p = 1;

			for (int i = 0; i < drop; i++)
				p *= 10;
			q = m / p;
			if (2 * (m % p) >= p)
				q++;
		}
		r = n >= 0 ? (double) q / pow10_exact[n] : (double) q * pow10_exact[-n];
	}
	if (r == 0)
		r = 0.0;
	else if (x < 0)
		r = -r;
	*out = r;
	return 1;
}

double
cr_rule_round(double x, int n)
{
	double		r;

	if (round_fast(x, n, &r))
		return r;
	return cr_rule_round_slow(x, n);
}
