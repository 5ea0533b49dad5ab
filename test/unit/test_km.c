/*
 * test_km.c: unit tests of the survival kernel and the demo spells.
 * link: src/cr_km.c src/cr_chi2.c src/cr_stats.c src/cr_demo_gen.c src/cr_demo_spells_gen.c
 */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_km.h"
#include "cr_demo_spells_gen.h"
#include "cr_stats.h"
#include "tap.h"

/* tap.h's relative-or-absolute closeness */
#define close_to tap_near

/* the ten rows of the pgTAP data set "ties" */
static const double tt[] = {1, 2, 2, 2, 3, 4, 5, 5, 6, 7};
static const int ee[] = {1, 0, 1, 1, 1, 0, 1, 0, 1, 0};
static const int gg[] = {0, 0, 1, 0, 1, 1, 0, 1, 0, 1};

static size_t
load(CrSurvObs *o, int groups)
{
	/* in reverse order, so compaction has to sort */
	for (int i = 0; i < 10; i++)
	{
		o[i].t = tt[9 - i];
		o[i].g = groups ? gg[9 - i] : 0;
		o[i].ev = ee[9 - i];
		o[i].cens = 1 - ee[9 - i];
	}
	return cr_surv_compact(o, 10);
}

static void
test_curve(void)
{
	CrSurvObs	o[10];
	CrKmPoint	p[10];
	size_t		n = load(o, 0);
	size_t		np = cr_km_curve(o, n, cr_norm_two_sided(0.95), p);
	double		q,
				lo,
				hi,
				r,
				se;

	ok(n == 7 && np == 7, "ties merge: seven distinct times");
	ok(p[0].at_risk == 10 && p[1].at_risk == 9 && p[1].ev == 2 && p[1].cens == 1,
	   "at risk includes those censored at the event time");
	ok(close_to(p[0].surv, 0.9, 1e-15) && close_to(p[1].surv, 0.7, 1e-15)
	   && close_to(p[2].surv, 0.7 * 5 / 6, 1e-15), "product-limit survival");
	ok(close_to(p[0].se, 0.9 * sqrt(1.0 / 90), 1e-15)
	   && close_to(p[1].se, 0.7 * sqrt(1.0 / 90 + 2.0 / 63), 1e-15), "Greenwood standard error");
	ok(p[3].ev == 0 && p[3].surv == p[2].surv && p[3].se == p[2].se, "censor-only time keeps the curve");
	ok(p[0].lower < p[0].surv && p[0].surv < p[0].upper && p[0].upper < 1, "interval around survival");
	cr_km_quantile(p, np, 0.5, cr_norm_two_sided(0.95), &q, &lo, &hi);
	ok(q == 5 && lo == 1 && isinf(hi), "median 5, interval [1, inf)");
	cr_km_quantile(p, np, 0.9, cr_norm_two_sided(0.95), &q, &lo, &hi);
	ok(isnan(q), "a quantile below the last survival is not reached");
	ok(cr_km_rmst(p, np, 1, &r, &se) == 0 && r == 1 && se == 0, "RMST up to the first event is tau");
	ok(cr_km_rmst(p, np, 2, &r, &se) == 0 && close_to(r, 1.9, 1e-15)
	   && close_to(se, 0.9 * sqrt(1.0 / 90), 1e-15), "RMST up to 2 by hand");
	ok(cr_km_rmst(p, np, 7.5, &r, &se) == -1, "RMST beyond the curve is refused");
}

/*
 * n members, no censoring, leaving at times 1..n: after n/2 of them survival
 * is exactly 0.5 (as exp of a sum of logs often a hair below: n = 12 gives
 * 0.49999999999999994), so the median is time n/2 + 1, the first time below
 * 0.5; the first quartile likewise time n/4 + 1 for n a multiple of 4.
 */
static void
test_exact_targets(void)
{
	int			wrong = 0;

	for (int n = 4; n <= 400; n += 4)
	{
		CrSurvObs	o[400];
		CrKmPoint	p[400];
		size_t		np;
		double		q,
					q4,
					lo,
					hi;

		for (int i = 0; i < n; i++)
			o[i] = (CrSurvObs) {i + 1, 0, 1, 0};
		np = cr_km_curve(o, (size_t) n, cr_norm_two_sided(0.95), p);
		cr_km_quantile(p, np, 0.5, cr_norm_two_sided(0.95), &q, &lo, &hi);
		cr_km_quantile(p, np, 0.25, cr_norm_two_sided(0.95), &q4, &lo, &hi);
		wrong += q != n / 2 + 1 || q4 != n / 4 + 1;
	}
	ok(wrong == 0, "survival exactly at 1 - p is not below it: medians and quartiles of n = 4..400");
}

static void
test_dead_end(void)
{
	CrSurvObs	o[2] = {{2, 0, 3, 0}, {1, 0, 0, 1}};
	CrKmPoint	p[2];
	size_t		n = cr_surv_compact(o, 2);
	size_t		np = cr_km_curve(o, n, 1.96, p);

	ok(np == 2 && p[1].surv == 0 && isnan(p[1].se) && isnan(p[1].lower),
	   "everyone churns at the last time: survival 0, SE undefined");
	ok(p[0].surv == 1 && p[0].se == 0 && isnan(p[0].lower), "before any event: survival 1, no interval");
}

/*
 * Mass churn: the product-limit factor 1 - d/n taken as (n - d)/n in
 * integers once more than half churn, and as log1p(-d/n) below.  By hand:
 * 16 of 156,025,000,000 staying is survival 16/156,025,000,000 (1 - d/n in
 * doubles gave 1.025476370e-10, 3.1e-7 off); one of 10^17 staying is 10^-17
 * (the old cut-off at 1e-16 called it zero); one of 10^15 churning at each
 * of 1000 times telescopes to (n - 1000)/n (1 - d/n rounded every factor the
 * same way: 1 - survival was 8e-4 relative off, now only survival's own
 * rounding, 1.1e-16 of 1e-12).
 */
static void
test_mass_churn(void)
{
	CrSurvObs	o[2];
	CrKmPoint	p[2];
	size_t		np;

	o[0] = (CrSurvObs) {1, 0, 156025000000 - 16, 0};
	o[1] = (CrSurvObs) {2, 0, 0, 16};
	np = cr_km_curve(o, 2, 1.96, p);
	ok(np == 2 && fabs(p[0].surv / (16.0 / 156025000000.0) - 1) < 1e-14,
	   "all but 16 of 1.56e11 churning: survival 16/n to 1e-14 relative (exp of a sum of logs)");
	o[0] = (CrSurvObs) {1, 0, 99999999999999999, 0};
	o[1] = (CrSurvObs) {2, 0, 0, 1};
	np = cr_km_curve(o, 2, 1.96, p);
	ok(np == 2 && fabs(p[0].surv / 1e-17 - 1) < 1e-14,
	   "one of 1e17 staying: survival 1e-17, not zero");
	{
		static CrSurvObs many[1001];
		static CrKmPoint mp[1001];

		for (int i = 0; i < 1000; i++)
			many[i] = (CrSurvObs) {i + 1, 0, 1, 0};
		many[1000] = (CrSurvObs) {1001, 0, 0, 1000000000000000 - 1000};
		np = cr_km_curve(many, 1001, 1.96, mp);
		ok(np == 1001 && fabs((1 - mp[999].surv) / 1e-12 - 1) < 1.2e-4,
		   "one of 1e15 churning at each of 1000 times: survival (n - 1000)/n");
	}
}

/*
 * The curve a point at a time (retention_km writes each point into its
 * array as it comes, computing the curve twice rather than keeping it):
 * the same points as cr_km_curve to the bit, again on a second run, over
 * ties, censor-only times, a prefix of survival 1 and a dead end (survival
 * 0, std_err NaN), and nothing for no observations.
 */
static void
test_iter(void)
{
	enum
	{
		N = 3000
	};
	static CrSurvObs o[N];
	static CrKmPoint whole[N];
	CrKmIter	it;
	CrKmPoint	pt;
	size_t		n,
				np,
				k;
	int			same = 1,
				again = 1;

	for (int i = 0; i < N; i++)
	{
		/* censored only for the first 100 times, ties of 1 to 3, everyone churns at the last */
		o[i].t = (double) ((i * 7919) % N / 3);
		o[i].g = 0;
		o[i].ev = o[i].t < 100 ? 0 : (i % 4 != 0);
		o[i].cens = o[i].t < 100 ? 1 : (i % 4 == 0);
		if (o[i].t == (N - 1) / 3)
		{
			o[i].ev = 2;
			o[i].cens = 0;
		}
	}
	n = cr_surv_compact(o, N);
	np = cr_km_curve(o, n, 1.96, whole);
	for (int run = 0; run < 2; run++)
	{
		cr_km_iter_start(&it, o, n, 1.96);
		for (k = 0; cr_km_iter_next(&it, &pt); k++)
		{
			int			eq = k < np && memcmp(&pt, &whole[k], sizeof pt) == 0;

			if (run == 0)
				same = same && eq;
			else
				again = again && eq;
		}
		if (run == 0)
			same = same && k == np;
		else
			again = again && k == np;
	}
	ok(np == (size_t) (N - 1) / 3 + 1 && whole[0].surv == 1 && whole[np - 1].surv == 0 &&
	   isnan(whole[np - 1].se), "iterator test data: survival 1 first, 0 at the end");
	ok(same, "iterator: the points of cr_km_curve, bit for bit");
	ok(again, "iterator started again: the same points");
	cr_km_iter_start(&it, o, 0, 1.96);
	ok(cr_km_iter_next(&it, &pt) == 0, "iterator over no observations: no point");
}

/*
 * RMST's standard error when survival falls to nearly 0 at the first time:
 * A_j, the area left after t_j, is tiny beside the whole area.  Taken as
 * their difference it cancelled: a standard error of 0 for 1 of 1e17
 * staying (n_j - d_j in doubles was 0 too), 1e-11 off for 10 of 1e9.
 * References: test/reference/km_rmst_tail_reference.py (mpmath).
 */
static void
test_rmst_tail(void)
{
	CrKmPoint	a[2] = {{1, 100000000000000000, 99999999999999999, 0, 1e-17, 1e-17, NAN, NAN},
	{2, 1, 0, 1, 1e-17, 1e-17, NAN, NAN}};
	CrKmPoint	b[2] = {{1, 1000000000, 999999990, 0, 1e-8, 0, NAN, NAN},
	{1000, 10, 0, 10, 1e-8, 0, NAN, NAN}};
	double		r,
				se;

	ok(cr_km_rmst(a, 2, 2, &r, &se) == 0 && r == 1 && fabs(se / 1.0000000000000001e-17 - 1) < 1e-14,
	   "RMST after all but 1 of 1e17 churned: standard error 1e-17, not 0");
	ok(cr_km_rmst(b, 2, 1000, &r, &se) == 0 && fabs(r / 1.0000099899999999 - 1) < 1e-15 &&
	   fabs(se / 3.1591153667126342e-06 - 1) < 1e-14,
	   "RMST after all but 10 of 1e9 churned: standard error to 1e-14");
}

/*
 * RMST over many times: the area of a curve flat at 2/3 over 100,000
 * censor-only times is a sum of 100,000 equal terms, which a naive sum
 * drifted 1.7e-12 relative off (and the standard error with it).
 * References: test/reference/km_rmst_sum_reference.py (mpmath).
 */
static void
test_rmst_sum(void)
{
	enum
	{
		K = 100000
	};
	static CrKmPoint p[K + 1];
	double		r,
				se;

	p[0] = (CrKmPoint) {1, 3 * K, K, 0, 2.0 / 3.0, 0, NAN, NAN};
	for (int i = 1; i <= K; i++)
		p[i] = (CrKmPoint) {i + 1, 2 * K - 2 * (i - 1), 0, 2, 2.0 / 3.0, 0, NAN, NAN};
	ok(cr_km_rmst(p, K + 1, K + 1, &r, &se) == 0 && fabs(r / 66667.666666666657 - 1) < 1e-15 &&
	   fabs(se / 86.066296582387039 - 1) < 1e-15,
	   "RMST over 100,000 times of equal survival: area and standard error to 1e-15");
}

/*
 * The z of every Kaplan-Meier interval (and of the quantiles' bands) against
 * mpmath: test/reference/km_z_reference.py, levels from the smallest
 * subnormal through 0.85 (the central approximation's end) to the largest
 * double below 1.  The Acklam quantile the curve once used formed
 * (1 - level) / 2 first: 8e-8 off at 1e-10, 0 below about 1e-16.
 */
static const double z_reference[][2] = {
#include "../reference/km_z_reference.inc"
};

static void
test_z_reference(void)
{
	int			n = (int) (sizeof(z_reference) / sizeof(z_reference[0]));
	int			bad = 0;
	double		worst = 0;

	for (int i = 0; i < n; i++)
	{
		double		level = z_reference[i][0],
					want = z_reference[i][1],
					z = cr_norm_two_sided(level),
					err = fabs(z - want);

		/* relative, but a subnormal z is rounded to a multiple of 5e-324 */
		if (!(err <= 8e-16 * want + 0.5 * 4.9406564584124654e-324))
		{
			printf("# level %.17g: z %.17g, mpmath %.17g\n", level, z, want);
			bad++;
		}
		else if (want > 1e-300 && err / want > worst)
			worst = err / want;
	}
	ok(n > 90 && bad == 0, "z of %d levels from 5e-324 to 1 - 2^-53 within 8e-16 of mpmath (worst %.2g)",
	   n, worst);
	ok(cr_norm_two_sided(1e-20) > 0 && cr_norm_two_sided(5e-324) == 5e-324,
	   "z of a tiny level is positive, not 0 (the smallest subnormal's is itself)");
	ok(cr_norm_two_sided(0.0) == 0 && isinf(cr_norm_two_sided(1.0)) &&
	   isnan(cr_norm_two_sided(-0.5)) && isnan(cr_norm_two_sided(1.5)) &&
	   isnan(cr_norm_two_sided(NAN)), "z at 0, 1, outside [0, 1] and of NaN");
	ok(cr_norm_two_sided(0.95) == cr_norm_crit2(1.0 - 0.95) &&
	   cr_norm_two_sided(0.99) == cr_norm_crit2(1.0 - 0.99),
	   "above 0.85, the experiments' critical value of 1 - level, to the bit");
}

static void
test_distributions(void)
{
	ok(close_to(cr_norm_two_sided(0.95), 1.959963984540054, 1e-14), "z of 95%");
	ok(close_to(cr_norm_two_sided(0.9), 1.6448536269514722, 1e-14), "z of 90%");
	ok(close_to(cr_norm_two_sided(0.999999), 4.891638475671085, 1e-11), "z of 99.9999%");
	ok(close_to(cr_chi2_sf(3.841458820694124, 1), 0.05, 1e-12), "chi-square 1 df");
	ok(close_to(cr_chi2_sf(5.991464547107979, 2), 0.05, 1e-12), "chi-square 2 df");
	ok(close_to(cr_chi2_sf(7.814727903251178, 3), 0.05, 1e-12), "chi-square 3 df");
	ok(close_to(cr_chi2_sf(1.0, 3), 0.8012519569012008, 1e-12), "chi-square 3 df, small x (series)");
	ok(fabs(cr_chi2_sf(100, 10) / 5.4497019829205215e-17 - 1) < 1e-10,
	   "chi-square far tail, relative accuracy (continued fraction)");
	ok(cr_chi2_sf(0, 4) == 1.0, "chi-square at 0");
}

/*
 * The p-value of every log-rank test against mpmath:
 * test/reference/chi2_sf_reference.py, df 1 .. 2000 (the test has at most
 * 999), chi2 from 1e-300 through the mean (where the method changes) to the
 * far tail, where the value is subnormal and then 0.  The tail once came
 * from exp(-x + a log x - lgamma(a)), whose exponent's rounding cost up to
 * 1e-12 at 999 df (the reference script's sweep); then the sums' terms, each
 * from the last in a double, cost 2.5e-15 near the mean (NEAR_MEAN in the
 * script).  Within the 2e-15 that README.md states.
 */
static const struct
{
	double		chi2;
	int			df;
	double		q;
}			chi2_reference[] =
{
#include "../reference/chi2_sf_reference.inc"
};

static void
test_chi2_reference(void)
{
	int			n = (int) (sizeof(chi2_reference) / sizeof(chi2_reference[0]));
	int			bad = 0,
				subnormal = 0;
	double		worst = 0;

	for (int i = 0; i < n; i++)
	{
		double		want = chi2_reference[i].q,
					got = cr_chi2_sf(chi2_reference[i].chi2, chi2_reference[i].df),
					err = fabs(got - want);

		/* relative, and a subnormal is a multiple of 5e-324 (want rounded too) */
		if (!(err <= 2e-15 * want + 4.9406564584124654e-324))
		{
			printf("# df %d chi2 %.17g: %.17g, mpmath %.17g\n", chi2_reference[i].df,
				   chi2_reference[i].chi2, got, want);
			bad++;
		}
		else if (want >= DBL_MIN && err / want > worst)
			worst = err / want;
		if (want > 0 && want < DBL_MIN)
			subnormal++;
	}
	ok(n > 500 && subnormal > 100 && bad == 0,
	   "chi-square tail at %d points (%d subnormal), df 1 .. 2000, within 2e-15 of mpmath (worst %.2g)",
	   n, subnormal, worst);
}

/* what the p-value is at the edges of its domain */
static void
test_chi2_edges(void)
{
	int			bad = 0;

	for (int df = 1; df <= 1000; df++)
	{
		if (cr_chi2_sf(0, df) != 1 || cr_chi2_sf(-0.0, df) != 1 || cr_chi2_sf(-1, df) != 1 ||
			cr_chi2_sf(5e-324, df) != 1 || cr_chi2_sf(INFINITY, df) != 0 ||
			cr_chi2_sf(DBL_MAX, df) != 0 || !isnan(cr_chi2_sf(NAN, df)))
			bad++;
	}
	ok(bad == 0, "chi-square tail at 0, -0, -1, 5e-324 (1), Infinity, DBL_MAX (0) and NaN (NaN), df 1 .. 1000");
	/* 2001 df and more were once taken, 3.5e-14 off (x^(df/2) by squarings) */
	ok(isnan(cr_chi2_sf(1, 0)) && isnan(cr_chi2_sf(1, -1)) && CR_CHI2_MAX_DF == 2000 &&
	   isnan(cr_chi2_sf(1, CR_CHI2_MAX_DF + 1)) && isnan(cr_chi2_sf(2001, 2001)) &&
	   isnan(cr_chi2_sf(1e6, 1000000)) && !isnan(cr_chi2_sf(2000, 2000)),
	   "chi-square tail: NaN for df 0, -1 and past CR_CHI2_MAX_DF (2000, as far as it is measured)");
	/* the far tail falls through the subnormals to 0, never rising */
	for (int df = 1; df <= 1000; df += 37)
	{
		double		last = 1,
					lastx = 0;
		int			sub = 0;

		for (double x = 0; x <= 2.0 * (df + 2000) + 10; x += 0.25)
		{
			double		q = cr_chi2_sf(x, df);

			if (!(q <= last) || q < 0)
			{
				printf("# df %d: Q(%.17g) = %.17g, Q(%.17g) = %.17g\n", df, lastx, last, x, q);
				bad++;
			}
			if (q > 0 && q < DBL_MIN)
				sub++;
			last = q;
			lastx = x;
		}
		if (sub < 10 || last != 0)
		{
			printf("# df %d: %d subnormal values, the last %.17g\n", df, sub, last);
			bad++;
		}
	}
	ok(bad == 0, "chi-square tail falls through subnormal values to 0, never rising (steps of 0.25)");
}

/*
 * Dense grids: a p-value must not grow with chi2.  The method changes at
 * chi2 = df (Q = 1 - P below, the finite sum above), and for df = 1 at
 * chi2 = 100; steps of 1e-12 relative there (the error, below 2e-15, can
 * only show as a rise at steps of an ulp or two), 4000 steps across
 * [0, 2 df + 200] elsewhere.
 */
static void
test_chi2_monotone(void)
{
	int			bad = 0,
				n = 0;

	for (int df = 1; df <= 1000; df += (df < 40 ? 1 : 13))
	{
		double		centres[2] = {df, 100};
		double		last = 2,
					top = 2.0 * df + 200;

		for (int i = 0; i <= 4000; i++, n++)
		{
			double		q = cr_chi2_sf(top * i / 4000, df);

			if (q > last)
				bad++;
			last = q;
		}
		for (int c = 0; c < 2; c++)
		{
			last = 2;
			for (int i = -1000; i <= 1000; i++, n++)
			{
				double		q = cr_chi2_sf(centres[c] * (1 + i * 1e-12), df);

				if (q > last)
				{
					printf("# df %d: rises at chi2 = %.17g\n", df, centres[c] * (1 + i * 1e-12));
					bad++;
				}
				last = q;
			}
		}
	}
	ok(bad == 0, "chi-square tail never rises on %d points of dense grids", n);
}

static void
test_logrank(void)
{
	CrSurvObs	o[20];
	double		chi2 = -1;
	double		work[16];
	size_t		n = load(o, 1);

	ok(cr_logrank_work_size(2) <= 16 && cr_logrank_work_size(1) <= 16, "workspace of 2 groups");

	ok(cr_logrank(o, n, 2, CR_LR_PLAIN, 0, work, NULL, &chi2) == 0 && close_to(chi2, 1.1626373626373627, 1e-12),
	   "log-rank of the ties data (statsmodels survdiff)");
	ok(cr_logrank(o, n, 2, CR_LR_GEHAN_BRESLOW, 0, work, NULL, &chi2) == 0 && close_to(chi2, 0.6712328767123288, 1e-12),
	   "Gehan-Breslow (survdiff weight_type 'gb')");
	ok(cr_logrank(o, n, 2, CR_LR_TARONE_WARE, 0, work, NULL, &chi2) == 0 && close_to(chi2, 0.8532094410008749, 1e-12),
	   "Tarone-Ware (survdiff weight_type 'tw')");
	ok(cr_logrank(o, n, 2, CR_LR_FLEMING_HARRINGTON, 1.0, work, NULL, &chi2) == 0 && close_to(chi2, 0.9138347950276615, 1e-12),
	   "Fleming-Harrington p = 1 (survdiff weight_type 'fh')");
	ok(cr_logrank(o, n, 2, CR_LR_FLEMING_HARRINGTON, 0.5, work, NULL, &chi2) == 0 && close_to(chi2, 1.028698460780694, 1e-12),
	   "Fleming-Harrington p = 0.5");
	ok(cr_logrank(o, n, 2, CR_LR_FLEMING_HARRINGTON, 0, work, NULL, &chi2) == 0 && close_to(chi2, 1.1626373626373627, 1e-12),
	   "Fleming-Harrington p = 0 is the plain test");
	/* the same rows twice, once per group: no difference */
	for (int i = 0; i < 10; i++)
	{
		o[i] = (CrSurvObs) {tt[i], 0, ee[i], 1 - ee[i]};
		o[10 + i] = (CrSurvObs) {tt[i], 1, ee[i], 1 - ee[i]};
	}
	n = cr_surv_compact(o, 20);
	ok(cr_logrank(o, n, 2, CR_LR_PLAIN, 0, work, NULL, &chi2) == 0 && fabs(chi2) < 1e-12, "identical groups: chi-square 0");
	o[0] = (CrSurvObs) {1, 0, 0, 1};
	o[1] = (CrSurvObs) {2, 1, 0, 1};
	ok(cr_logrank(o, 2, 2, CR_LR_PLAIN, 0, work, NULL, &chi2) == -1, "no events: singular");
	ok(cr_logrank(o, 2, 1, CR_LR_PLAIN, 0, work, NULL, &chi2) == -1, "one group: no test");
}

/* chi-squares of test/reference/logrank_extreme_reference.py */
typedef struct LogrankRef
{
	double		big;
	CrLogrankWeight w;
	double		chi2;
} LogrankRef;

static const LogrankRef tiny_ref[] = {
	{1e7, CR_LR_PLAIN, 20571427.395102084},
	{1e7, CR_LR_GEHAN_BRESLOW, 20571427.395102069},
	{1e8, CR_LR_PLAIN, 205714284.53795919},
	{1e8, CR_LR_GEHAN_BRESLOW, 205714284.53795919},
};
static const LogrankRef two_big_ref[] = {
	{1e10, CR_LR_PLAIN, 1111111113.629204},
	{1e10, CR_LR_GEHAN_BRESLOW, 2000000001.5268571},
	{1e14, CR_LR_PLAIN, 11111111111113.629},
	{1e14, CR_LR_GEHAN_BRESLOW, 20000000000001.527},
};

/*
 * One member (group 2, churned first) among millions in groups 0 and 1.  With
 * group 0 left out, group 2's variance was 1e-14 of group 1's and the
 * elimination took the matrix for singular: no test, though chi-square is
 * 2e7.  References: test/reference/logrank_extreme_reference.py (exact
 * rational arithmetic).  Then singular cases a tolerance must not hide: a
 * group with nobody at risk at any event time, before the others or as the
 * group of the largest variance would be, and a reference group (the first)
 * with nobody at risk.
 */
static void
test_logrank_tiny_group(void)
{
	double		work[64],
				chi2;
	int			good = 1;

	for (size_t i = 0; i < sizeof(tiny_ref) / sizeof(tiny_ref[0]); i++)
	{
		int64_t		big = (int64_t) tiny_ref[i].big;
		CrSurvObs	o[] = {
			{1, 2, 1, 0},
			{2, 0, big / 2, 0}, {2, 1, big / 3, 0},
			{3, 0, big / 2, 0}, {3, 1, 2 * big / 3, 0},
		};

		chi2 = -1;
		good = good && cr_logrank(o, 5, 3, tiny_ref[i].w, 0, work, NULL, &chi2) == 0 &&
			close_to(chi2, tiny_ref[i].chi2, 1e-9);
	}
	ok(good, "one member among 1e7 and 1e8: the test (chi-square 2e7, 2e8), not a singular matrix");

	{
		/* group 0 censored before the first event; 1 and 2 churn */
		CrSurvObs	o[] = {{0.5, 0, 0, 1}, {1, 1, 1, 0}, {2, 2, 1, 0}, {3, 1, 1, 0}, {3, 2, 0, 1}};
		/* the same with the silent group last, and one with most members */
		CrSurvObs	o2[] = {{0.5, 2, 0, 100}, {1, 0, 1, 0}, {2, 1, 1, 0}, {3, 0, 1, 0}, {3, 1, 0, 1}};

		ok(cr_logrank(o, 5, 3, CR_LR_PLAIN, 0, work, NULL, &chi2) == -1 &&
		   cr_logrank(o, 5, 3, CR_LR_TARONE_WARE, 0, work, NULL, &chi2) == -1 &&
		   cr_logrank(o2, 5, 3, CR_LR_PLAIN, 0, work, NULL, &chi2) == -1 &&
		   cr_logrank(o2, 5, 3, CR_LR_GEHAN_BRESLOW, 0, work, NULL, &chi2) == -1,
		   "a group with nobody at risk at any event time: singular, whatever its place or size");
	}
}

/*
 * Two groups of big/2 members each are nearly everyone at risk at the first
 * churn time (a member of group 2's) and leave; groups 2 and 3 go on.  V's
 * smallest eigenvalue is 1/big of its largest: Gaussian elimination on V's
 * entries lost that many digits (4e-8 of chi-square with 1e10 members, 2e-4
 * with 1e14).  References: test/reference/logrank_extreme_reference.py (exact
 * rational arithmetic); the groups renumbered (another left out, another
 * order) give the same.
 */
static void
test_logrank_near_singular(void)
{
	static const int perm[][4] = {{0, 1, 2, 3}, {3, 2, 1, 0}, {2, 0, 3, 1}, {1, 3, 0, 2}};
	double		work[64],
				chi2;
	int			good = 1;

	for (size_t i = 0; i < sizeof(two_big_ref) / sizeof(two_big_ref[0]); i++)
		for (size_t q = 0; q < sizeof(perm) / sizeof(perm[0]); q++)
		{
			int64_t		half = (int64_t) two_big_ref[i].big / 2;
			const int  *p = perm[q];
			CrSurvObs	o[] = {
				{1, p[0], 0, half}, {1, p[1], 0, half}, {1, p[2], 1, 0},
				{2, p[2], 1, 0}, {2, p[3], 1, 0}, {3, p[2], 2, 0}, {3, p[3], 0, 1},
				{4, p[2], 1, 0}, {4, p[3], 2, 0},
			};

			cr_surv_compact(o, 9);	/* sorted by (time, group) */
			chi2 = -1;
			good = good && cr_logrank(o, 9, 4, two_big_ref[i].w, 0, work, NULL, &chi2) == 0 &&
				close_to(chi2, two_big_ref[i].chi2, 1e-13);
		}
	ok(good, "two groups of 5e9 and 5e13 members each leaving after the first churn: chi-square to 1e-13, whichever group is left out");

	/*
	 * One member alone with 8e7 or 8e12 others: 1 - r of the large group
	 * lost digits to cancellation (chi-square 6e-10 off, 2e-5).
	 */
	good = 1;
	for (int i = 0; i < 2; i++)
		for (int big_g = 0; big_g < 2; big_g++)
		{
			int64_t		big = i == 0 ? 10000000 : 1000000000000;
			double		want = i == 0 ? 3.2035584609875487 : 3.2035585272393914;
			CrSurvObs	o[7];

			for (int t = 1; t <= 6; t++)
				o[t - 1] = (CrSurvObs) {t, big_g, big * (t + 1) / 7, big * (7 - t) / 5};
			o[6] = (CrSurvObs) {3.5, 1 - big_g, 1, 0};
			cr_surv_compact(o, 7);
			chi2 = -1;
			good = good && cr_logrank(o, 7, 2, CR_LR_PLAIN, 0, work, NULL, &chi2) == 0 &&
				close_to(chi2, want, 1e-13);
		}
	ok(good, "one member alone with 8e7 and 8e12 others: chi-square to 1e-13, in either group order");

	/*
	 * Fleming-Harrington p = 1/2 when all but 16 of 1e8 (1e12) churn at the
	 * first churn time: 1 - d / n after rounding d / n put S, and the later
	 * weights, 1e-9 (1e-5) off (chi-square 1e-11, 1e-7).
	 */
	good = 1;
	for (int i = 0; i < 2; i++)
	{
		int64_t		big = i == 0 ? 100000000 : 1000000000000;
		double		want = i == 0 ? 33146475.166061562 : 331388880989.64709;
		CrSurvObs	o[] = {
			{2, 0, 5, 0}, {2, 1, big - 21, 0}, {3, 0, 2, 0}, {3, 1, 5, 0},
			{4, 0, 3, 4}, {4, 1, 2, 0},
		};

		chi2 = -1;
		good = good && cr_logrank(o, 6, 2, CR_LR_FLEMING_HARRINGTON, 0.5, work, NULL, &chi2) == 0 &&
			close_to(chi2, want, 1e-13);
	}
	ok(good, "fleming-harrington after all but 16 of 1e8 and 1e12 churned at once: chi-square to 1e-13");
}

/* chi-squares of test/reference/logrank_oe_reference.py, by weighting */
static const CrLogrankWeight oe_weights[] = {
	CR_LR_PLAIN, CR_LR_GEHAN_BRESLOW, CR_LR_TARONE_WARE, CR_LR_FLEMING_HARRINGTON
};
static const double oe_nearly_all_ref[] = {
	17070271.112955023, 17139557.255821373, 17139557.262547124, 17139557.256023955
};
static const double oe_like_odds_ref[] = {
	9.3389329686450364e-07, 8.0222363793418078e-07, 8.0223306249126047e-07,
	8.0222363801282451e-07
};

/* relative to want however small (tap_near is absolute below 1) */
static int
rel_close(double got, double want, double tol)
{
	return fabs(got - want) <= tol * fabs(want);
}

/* o's log-rank chi-square under oe_weights[w] is want to 1e-14 relative */
static int
oe_chi2_is(CrSurvObs *o, size_t n, int k, int w, double want)
{
	double		work[64],
				chi2 = -1;

	n = cr_surv_compact(o, n);
	return cr_logrank(o, n, k, oe_weights[w], 1.0, work, NULL, &chi2) == 0 &&
		rel_close(chi2, want, 1e-14);
}

/*
 * O - E when its terms d_g - n_g d / n cancel, under every weighting (p = 1
 * for Fleming-Harrington) and with the groups numbered in every order.
 * "Nearly all": 1.56e11 at risk, all but 16 staying churning at once; O - E
 * as a difference of rounded products, d_g (1 - r_g) - r_g d_o, put
 * chi-square 2.3e-12 off.  "Like odds": two groups of 4.5e8 churning at
 * nearly the same odds, the table's products d_a a_b and a_a d_b (4.5e16)
 * past 2^53 and nearly equal, chi-square 9e-7: 1.7e-9 off before, and
 * 1e-9 with those products rounded (taken with fma now).  References:
 * test/reference/logrank_oe_reference.py (exact rational arithmetic).
 */
static void
test_logrank_oe(void)
{
	static const int perm3[][3] = {{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}};
	int			good = 1;

	for (int w = 0; w < 4; w++)
		for (int q = 0; q < 6; q++)
		{
			const int  *p = perm3[q];
			int64_t		a0 = 439875408,
						n1 = (int64_t) 395000 * 395000;
			CrSurvObs	o[] = {
				{1, p[0], a0 - 47543, 47530}, {1, p[1], n1 - a0 - 1000 - 3, 0},
				{1, p[2], 990, 10}, {2, p[0], 8, 5}, {2, p[1], 3, 0},
			};

			good = good && oe_chi2_is(o, 5, 3, w, oe_nearly_all_ref[w]);
		}
	ok(good, "all but 16 of 1.56e11 churning at once: chi-square to 1e-14, every weighting and group order");

	good = 1;
	for (int w = 0; w < 4; w++)
		for (int q = 0; q < 2; q++)
		{
			CrSurvObs	o[] = {
				{1, q, 300000011, 10000}, {1, 1 - q, 300000001, 7588},
				{2, q, 149990004, 0}, {2, 1 - q, 149992392, 0},
				{3, q, 1, 1}, {3, 1 - q, 2, 0},
			};

			good = good && oe_chi2_is(o, 6, 2, w, oe_like_odds_ref[w]);
		}
	ok(good, "two groups of 4.5e8 churning at like odds (products past 2^53): chi-square 9e-7 to 1e-14, every weighting and group order");

	/*
	 * A product of 2^53 + 1 (321 x 28059810762433) rounds to 2^53, not
	 * past it: taken as exact, the determinant was 320 for 321 (chi-square
	 * 0.6% off).  One event time: every weighting has the same chi-square.
	 */
	good = 1;
	for (int w = 0; w < 4; w++)
		for (int q = 0; q < 2; q++)
		{
			int64_t		b = 28059810762433;
			CrSurvObs	o[] = {
				{1, q, 321, 0}, {1, 1 - q, b - 1, 0}, {2, q, 0, 321}, {2, 1 - q, 0, b},
			};

			good = good && oe_chi2_is(o, 4, 2, w, 2.0384758052654603e-25);
		}
	ok(good, "a product of 2^53 + 1, rounded to 2^53, is not taken as exact: chi-square to 1e-14");
}

/* chi-squares of test/reference/logrank_cancel_reference.py, by R and weighting */
static const CrLogrankWeight cancel_weights[] = {
	CR_LR_PLAIN, CR_LR_GEHAN_BRESLOW, CR_LR_FLEMING_HARRINGTON
};
static const double cancel_one_ref[2][3] = {
	{1.250000125000011e-15, 5.0000002500000126e-15, 5.0000002500000126e-15},
	{1.2500000012499999e-19, 5.0000000024999999e-19, 5.0000000024999999e-19},
};
static const double cancel_alt_ref[2][3] = {
	{3.7501125030938327e-13, 1.5000449258966433e-12, 1.5000449258966433e-12},
	{3.7500011250003091e-17, 1.5000004492500897e-16, 1.5000004492500897e-16},
};

/*
 * Two groups of R = 1e7 and 1e9 members churning alike: O - E, a sum over
 * times of terms +-1/2, cancels to 1e-8 of them and less.  "One churn
 * apart": b loses a member at time 1, a at time 2, the rest censored at 3.
 * "Alternating": b one at each odd time up to 599, a one at each even time
 * up to 600, the rest censored at 601.  With each term rounded to a double,
 * chi-square was 1e-9 (R = 1e7) and 1.7e-7 (R = 1e9) off.  References:
 * test/reference/logrank_cancel_reference.py (exact rational arithmetic).
 */
static void
test_logrank_cancel(void)
{
	enum {M = 300};
	CrSurvObs  *o = malloc((2 * M + 2) * sizeof(CrSurvObs));
	int			good = 1;

	for (int r = 0; r < 2; r++)
		for (int w = 0; w < 3; w++)
			for (int q = 0; q < 2; q++)
			{
				int64_t		big = r == 0 ? 10000000 : 1000000000;
				double		work[64],
							chi2 = -1;
				CrSurvObs	one[] = {
					{1, 1 - q, 1, 0}, {2, q, 1, 0}, {3, q, 0, big - 1}, {3, 1 - q, 0, big - 1},
				};
				size_t		n;

				n = cr_surv_compact(one, 4);
				good = good && cr_logrank(one, n, 2, cancel_weights[w], 1.0, work, NULL, &chi2) == 0 &&
					rel_close(chi2, cancel_one_ref[r][w], 1e-14);
				for (int j = 1; j <= M; j++)
				{
					o[2 * j - 2] = (CrSurvObs) {2 * j - 1, 1 - q, 1, 0};
					o[2 * j - 1] = (CrSurvObs) {2 * j, q, 1, 0};
				}
				o[2 * M] = (CrSurvObs) {2 * M + 1, q, 0, big - M};
				o[2 * M + 1] = (CrSurvObs) {2 * M + 1, 1 - q, 0, big - M};
				n = cr_surv_compact(o, 2 * M + 2);
				chi2 = -1;
				good = good && cr_logrank(o, n, 2, cancel_weights[w], 1.0, work, NULL, &chi2) == 0 &&
					rel_close(chi2, cancel_alt_ref[r][w], 1e-14);
			}
	free(o);
	ok(good, "two groups of 1e7 and 1e9 churning alike (O - E 1e-8 of its terms and less): chi-square to 1e-14, three weightings, either group order");
}

/* chi-squares of test/reference/logrank_cancel_power_reference.py */
static const double cancel_power_ref[3][2][4] = {
	{
		{2.8125000018750001e-19, 1.1250000003749999e-18, 2.7612500005875002e-18, 2.8125000018750001e-19},
		{2.8125000000018751e-25, 1.125000000000375e-24, 2.7612500000005879e-24, 2.8125000000018751e-25}
	},
	{
		{8.4375025284381162e-17, 3.375001010250075e-16, 8.2837524786031205e-16, 8.4375025284381162e-17},
		{8.437500002528437e-23, 3.3750000010102501e-22, 8.2837500024786046e-22, 8.437500002528437e-23}
	},
	{
		{1.5000000446666677e-17, 6.0000001773333345e-17, 1.4726667100737768e-16, 1.5000000446666677e-17},
		{1.5000000000446667e-23, 6.0000000001773328e-23, 1.4726666667100738e-22, 1.5000000000446667e-23}
	}
};

/*
 * The constructions of test_logrank_cancel, and three groups taking turns
 * (c, b, a one churn each at 3j + 1, 3j + 2, 3j + 3, j < 30, the rest
 * censored at 91), with weights that are not rational: Fleming-Harrington
 * S(t-)^p for p = 1/2, 2, 3.7 and Tarone-Ware sqrt(n).  With S^p rounded by
 * pow() chi-square was 1.9e-5 off (one churn apart, R = 1e12, p = 3.7) and
 * 1.9e-6 (three turns, R = 1e12, p = 3.7).  References:
 * test/reference/logrank_cancel_power_reference.py (mpmath, 60 digits).
 */
static void
test_logrank_cancel_power(void)
{
	enum {M = 300, M3 = 30};
	static const double ps[4] = {0.5, 2, 3.7, 0};
	CrSurvObs  *o = malloc((2 * M + 3) * sizeof(CrSurvObs));
	double		worst = 0;
	int			good = 1;

	for (int c = 0; c < 3; c++)
		for (int r = 0; r < 2; r++)
			for (int w = 0; w < 4; w++)
			{
				int64_t		big = r == 0 ? 1000000000 : INT64_C(1000000000000);
				double		work[64],
							chi2 = -1;
				size_t		n = 0;

				if (c == 0)
				{
					o[n++] = (CrSurvObs) {1, 1, 1, 0};
					o[n++] = (CrSurvObs) {2, 0, 1, 0};
					o[n++] = (CrSurvObs) {3, 0, 0, big - 1};
					o[n++] = (CrSurvObs) {3, 1, 0, big - 1};
				}
				else if (c == 1)
				{
					for (int j = 1; j <= M; j++)
					{
						o[n++] = (CrSurvObs) {2 * j - 1, 1, 1, 0};
						o[n++] = (CrSurvObs) {2 * j, 0, 1, 0};
					}
					o[n++] = (CrSurvObs) {2 * M + 1, 0, 0, big - M};
					o[n++] = (CrSurvObs) {2 * M + 1, 1, 0, big - M};
				}
				else
				{
					for (int j = 0; j < M3; j++)
						for (int g = 2; g >= 0; g--)
							o[n++] = (CrSurvObs) {3 * j + 3 - g, g, 1, 0};
					for (int g = 0; g < 3; g++)
						o[n++] = (CrSurvObs) {3 * M3 + 1, g, 0, big - M3};
				}
				n = cr_surv_compact(o, n);
				if (cr_logrank(o, n, c == 2 ? 3 : 2,
							   w == 3 ? CR_LR_TARONE_WARE : CR_LR_FLEMING_HARRINGTON,
							   ps[w], work, NULL, &chi2) != 0)
					good = 0;
				worst = fmax(worst, fabs(chi2 - cancel_power_ref[c][r][w]) / cancel_power_ref[c][r][w]);
			}
	free(o);
	ok(good && worst < 1e-14,
	   "groups of 1e9 and 1e12 churning alike, weights S(t-)^p (p = 1/2, 2, 3.7) and sqrt(n): chi-square to 1e-14 (worst %.2g)",
	   worst);
}

/*
 * Fleming-Harrington with p up to DBL_MAX: S(t-)^p is 1 at the first time
 * and 0 (underflowed) after, so p = 1e300 and DBL_MAX give one chi-square.
 * With S below 1/e (16 of 24 churn at the first time) dd_pow took p log S
 * as -Infinity for DBL_MAX, its exp NaN, and the test came out singular
 * (NULL) where its parent's pow() gave the value.
 */
static void
test_logrank_fh_huge_p(void)
{
	CrSurvObs	o[] = {
		{1, 0, 10, 0}, {1, 1, 6, 0}, {2, 0, 1, 1}, {2, 1, 1, 0}, {3, 0, 2, 0}, {3, 1, 0, 3},
	};
	double		work[64],
				a = -1,
				b = -2;
	int			ra = cr_logrank(o, 6, 2, CR_LR_FLEMING_HARRINGTON, 1e300, work, NULL, &a),
				rb = cr_logrank(o, 6, 2, CR_LR_FLEMING_HARRINGTON, DBL_MAX, work, NULL, &b);

	ok(ra == 0 && rb == 0 && isfinite(a) && a == b,
	   "Fleming-Harrington p = DBL_MAX: the chi-square of p = 1e300 (%.17g, %.17g)", a, b);
}

/*
 * A million members churning one at a time: survival after j is exactly
 * (N - j) / N and Greenwood's std_err S sqrt(j / (N (N - j))) (the sum
 * telescopes).  A naive sum of the logs put survival 6e-14 off (7e-13
 * after 1e8).
 */
static void
test_km_long_product(void)
{
	enum {N = 1000000};
	CrSurvObs  *o = malloc(N * sizeof(CrSurvObs));
	CrKmIter	it;
	CrKmPoint	pt;
	double		worst_s = 0,
				worst_se = 0;
	size_t		j = 0;

	for (int i = 0; i < N; i++)
		o[i] = (CrSurvObs) {i + 1, 0, 1, 0};
	cr_km_iter_start(&it, o, N, 1.96);
	while (cr_km_iter_next(&it, &pt) && ++j < N)
	{
		double		s = (double) (N - j) / N,
					se = s * sqrt((double) j / ((double) N * (double) (N - j)));

		worst_s = fmax(worst_s, fabs(pt.surv - s) / s);
		worst_se = fmax(worst_se, fabs(pt.se - se) / se);
	}
	free(o);
	ok(j == N && pt.surv == 0 && worst_s < 4e-15 && worst_se < 4e-15,
	   "a million churning one by one: survival and std_err to 4e-15 throughout");
}

static int interrupts;

static void
count_interrupt(void)
{
	interrupts++;
}

/* compacting a sorted prefix plus a tail equals compacting everything */
static void
test_compact_tail(void)
{
	enum {N = 5000};
	CrSurvObs  *a = malloc(N * sizeof(CrSurvObs));
	CrSurvObs  *b = malloc(N * sizeof(CrSurvObs));
	CrSurvObs  *scratch = malloc(N * sizeof(CrSurvObs));
	size_t		na,
				nb = 0,
				sorted = 0;
	int			same = 1;
	uint64_t	x = 12345;

	for (int i = 0; i < N; i++)
	{
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		a[i] = (CrSurvObs) {(double) ((x >> 33) % 700) / 4, (int32_t) ((x >> 20) % 3),
			(int64_t) ((x >> 10) & 1), (int64_t) (((x >> 10) & 1) ^ 1)};
		b[i] = a[i];
	}
	na = cr_surv_compact(a, N);
	/* feed b in chunks of 700, compacting the tail each time */
	for (size_t start = 0; start < N; start += 700)
	{
		size_t		end = start + 700 < N ? start + 700 : N;

		memmove(b + nb, b + start, (end - start) * sizeof(CrSurvObs));
		nb += end - start;
		nb = cr_surv_compact_tail(b, nb, sorted, scratch, NULL);
		sorted = nb;
	}
	same = na == nb;
	for (size_t i = 0; same && i < na; i++)
		same = a[i].t == b[i].t && a[i].g == b[i].g && a[i].ev == b[i].ev && a[i].cens == b[i].cens;
	ok(same, "compacting in chunks (sorted prefix + tail) equals one compaction");

	/* the tail sorted in runs of 1..9 entries and merged: the same, interrupted */
	for (size_t run = 1; run <= 9 && same; run++)
	{
		for (int i = 0; i < N; i++)
		{
			x = x * 6364136223846793005ULL + 1442695040888963407ULL;
			b[i] = (CrSurvObs) {(double) ((x >> 33) % 700) / 4, (int32_t) ((x >> 20) % 3),
				(int64_t) ((x >> 10) & 1), (int64_t) (((x >> 10) & 1) ^ 1)};
		}
		memcpy(a, b, N * sizeof(CrSurvObs));
		na = cr_surv_compact(a, N);
		/* a sorted prefix of the first 1000, then 4000 more in runs */
		sorted = cr_surv_compact(b, 1000);
		memmove(b + sorted, b + 1000, (N - 1000) * sizeof(CrSurvObs));
		interrupts = 0;
		nb = cr_surv_compact_tail_run(b, sorted + N - 1000, sorted, scratch, run, count_interrupt);
		same = na == nb && (size_t) interrupts >= (N - 1000) / run;
		for (size_t i = 0; same && i < na; i++)
			same = a[i].t == b[i].t && a[i].g == b[i].g && a[i].ev == b[i].ev && a[i].cens == b[i].cens;
	}
	ok(same, "the tail sorted in short runs merged bottom up equals one compaction; interrupt called between runs");
	free(a);
	free(b);
	free(scratch);
}

static void
test_spells(void)
{
	int			prev = 0,
				bad = 0,
				open = 0;

	for (int64_t id = 1; id <= 5000; id++)
	{
		CrDemoMember m;
		CrDemoSpell s[2],
					s2[2];
		int			n;

		cr_demo_member(&m, 42, id);
		n = cr_demo_member_spells(&m, s);
		if (n != cr_demo_member_spells(&m, s2) || s[0].started_at != s2[0].started_at)
			bad++;
		if (s[n - 1].started_at != m.joined_at || s[n - 1].active != m.renewed)
			bad++;
		if (!s[n - 1].active && s[n - 1].ended_at != CR_DEMO_REF_USEC)
			bad++;
		if (n == 2)
		{
			prev++;
			if (!(s[0].started_at < s[0].ended_at && s[0].ended_at < m.joined_at) || s[0].active)
				bad++;
		}
		open += m.renewed;
	}
	ok(bad == 0, "spells: deterministic, current spell from joined_at, earlier spell before it");
	ok(prev > 500 && prev < 2500, "some members came back");
	ok(open > 2000, "most current spells are open");
}

int
main(void)
{
	test_curve();
	test_exact_targets();
	test_dead_end();
	test_mass_churn();
	test_iter();
	test_rmst_tail();
	test_rmst_sum();
	test_distributions();
	test_z_reference();
	test_chi2_reference();
	test_chi2_edges();
	test_chi2_monotone();
	test_logrank();
	test_logrank_tiny_group();
	test_logrank_near_singular();
	test_logrank_oe();
	test_logrank_cancel();
	test_logrank_cancel_power();
	test_logrank_fh_huge_p();
	test_km_long_product();
	test_compact_tail();
	test_spells();
	return tap_done();
}
