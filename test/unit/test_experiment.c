/*
 * test_experiment.c: unit tests of the experiment kernels: the normal
 * quantile, the A/B statistics (against statsmodels values from
 * test/reference/experiment_reference.py), planning, the Qini and uplift
 * curves on hand-checked data, assignment and the demo experiment.
 * link: src/cr_stats.c src/cr_abtest.c src/cr_uplift.c src/cr_auc.c src/cr_demo_gen.c src/cr_demo_exp_gen.c
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_abtest.h"
#include "cr_assign.h"
#include "cr_auc.h"
#include "cr_demo_exp_gen.h"
#include "cr_stats.h"
#include "cr_uplift.h"
#include "tap.h"

/* tap.h's relative-or-absolute closeness */
#define rel tap_near

static void
test_normal(void)
{
	/* scipy.stats.norm.ppf */
	ok(rel(cr_norm_ppf(0.975), 1.959963984540054, 1e-15), "ppf(0.975)");
	ok(rel(cr_norm_ppf(0.5), 0.0, 1e-300), "ppf(0.5) = 0");
	ok(rel(cr_norm_ppf(1e-10), -6.361340902404056, 1e-14), "ppf(1e-10), far tail");
	ok(rel(cr_norm_ppf(0.2), -0.8416212335729143, 1e-15), "ppf(0.2)");
	ok(rel(cr_norm_ppf(1e-300), -37.0471, 1e-5), "ppf(1e-300), beyond exp(-25)");
	ok(isinf(cr_norm_ppf(0.0)) && isinf(cr_norm_ppf(1.0)) && isnan(cr_norm_ppf(1.5)), "ppf at 0, 1 and outside");
	/* the two-sided critical value; at 5e-324, alpha / 2 rounds to zero (mpmath) */
	ok(cr_norm_crit2(0.05) == -cr_norm_ppf(0.025), "crit2(0.05) = -ppf(0.025)");
	ok(rel(cr_norm_crit2(5e-324), 38.485408335567342, 1e-15), "crit2 at the smallest subnormal alpha");
	ok(rel(cr_ab_sample_size(0.3, 0.05, 5e-324, 0.8), 271064.75444650419, 1e-12),
	   "sample size at the smallest subnormal alpha");
	/* an odd multiple of it: alpha / 2 would round to the even one (mpmath) */
	ok(rel(cr_norm_crit2(1.5e-323), 38.45687080043705, 1e-15), "crit2 at 3 times the smallest subnormal");
	ok(rel(cr_norm_crit2(5e-322), 38.365383517621643, 1e-15), "crit2 at 101 times the smallest subnormal");
	ok(rel(cr_norm_sf(1.8257418583505527) * 2, 0.06788915486182917, 1e-13), "two-sided p from sf");
	for (double p = 0.001; p < 1.0; p += 0.0123)
		if (!rel(cr_norm_cdf(cr_norm_ppf(p)), p, 1e-13))
		{
			ok(0, "cdf(ppf(p)) = p");
			return;
		}
	ok(1, "cdf(ppf(p)) = p over (0, 1)");
}

static void
arm(CrAbArm *a, double retained, double n)
{
	memset(a, 0, sizeof(*a));
	a->n = n;
	a->retained = retained;
}

static void
test_ab(void)
{
	CrAbArm		c,
				t;
	CrAbResult	r;

	arm(&t, 420, 1000);
	arm(&c, 380, 1000);
	cr_ab_compute(&c, &t, 0.95, 0, &r);
	ok(rel(r.wald_lower, -0.0029048606439483343, 1e-12) && rel(r.wald_upper, 0.0829048606439483, 1e-12),
	   "Wald interval (statsmodels)");
	ok(rel(r.newcombe_lower, -0.002933400969236881, 1e-12) && rel(r.newcombe_upper, 0.08272594997503191, 1e-12),
	   "Newcombe interval (statsmodels)");
	ok(rel(r.lift_lower, -0.007464169893081407, 1e-12) && rel(r.lift_upper, 0.23079349998664633, 1e-12),
	   "log-ratio lift interval (statsmodels)");
	ok(rel(r.z, 1.8257418583505527, 1e-13) && rel(r.p_value, 0.06788915486182917, 1e-12), "pooled z test (statsmodels)");
	ok(r.difference > 0 && isnan(r.theta), "treated minus control; no CUPED without a covariate");

	arm(&t, 5, 5);
	arm(&c, 0, 5);
	cr_ab_compute(&c, &t, 0.95, 0, &r);
	ok(r.difference == 1.0 && isnan(r.wald_lower) && isnan(r.relative_lift) && !isnan(r.newcombe_lower),
	   "rates 1 and 0: Wald variance 0 (NaN), lift undefined, Newcombe computed");
	arm(&t, 0, 0);
	cr_ab_compute(&c, &t, 0.95, 0, &r);
	ok(isnan(r.difference) && isnan(r.rate_treated) && r.rate_control == 0.0, "an empty arm");

	/* arms of 10^12 with rates near 1, 2e-12 apart (mpmath, experiment_edge_reference.py) */
	arm(&t, 999999999999.0, 1e12);
	arm(&c, 999999999997.0, 1e12);
	cr_ab_compute(&c, &t, 0.95, 0, &r);
	/* relative to values near 1e-12 (tap_near is absolute below 1) */
	ok(rel(r.difference / 2e-12, 1, 1e-14) && rel(r.wald_lower / -1.9199279690752077e-12, 1, 1e-13)
	   && rel(r.newcombe_lower / -3.0676364996526476e-12, 1, 1e-13)
	   && rel(r.newcombe_upper / 7.879144717938223e-12, 1, 1e-13)
	   && rel(r.relative_lift / 2.000000000006e-12, 1, 1e-14) && rel(r.lift_upper / 5.919927969106531e-12, 1, 1e-13)
	   && rel(r.z, 1.000000000001, 1e-14),
	   "10^12 members, rates near 1: every digit (from the rounded rates 4 or 5 of them)");

	/*
	 * 3 of 3 against 10^15 - 87 of 10^15 (mpmath, the README's Newcombe
	 * formula): the control's reach above its rate of 1 is 0, and its
	 * rounding residual as dist + shift (1e-17) outweighed the treated
	 * arm's reach of 1e-14 (1e-7 relative error at this confidence).
	 */
	arm(&t, 999999999999913.0, 1e15);
	arm(&c, 3.0, 3.0);
	cr_ab_compute(&c, &t, 0.65, 0, &r);
	ok(rel(r.newcombe_lower / -9.6164930178080859e-14, 1, 1e-14),
	   "Newcombe beside a rate of 1: the reach past it is 0, not its rounding");

	/* at a confidence of 1e-300 z^2 underflows: both reaches 0, no 0 / 0 */
	arm(&t, 3.0, 3.0);
	arm(&c, 1.0, 2.0);
	cr_ab_compute(&c, &t, 1e-300, 0, &r);
	ok(r.newcombe_lower == 0.5 && r.newcombe_upper == 0.5, "Newcombe at a confidence of 1e-300");

	/*
	 * 5 of 10 in each arm at a confidence of 1e-9 (mpmath): z = 1.25e-9
	 * from 1 - 1e-9, rounded, kept 7 digits; erf restores them.
	 */
	arm(&t, 5.0, 10.0);
	arm(&c, 5.0, 10.0);
	cr_ab_compute(&c, &t, 1e-9, 0, &r);
	ok(rel(r.wald_upper / 2.8024956081989645e-10, 1, 1e-14)
	   && rel(r.newcombe_lower / -2.8024956081989645e-10, 1, 1e-14),
	   "a confidence of 1e-9: every digit of z");
}

static void
test_cuped_moments(void)
{
	/* merging two halves gives the moments of the whole, and theta = 0 gives Wald */
	CrAbArm		a = {0},
				b = {0},
				all = {0},
				c = {0};
	CrAbResult	r;
	double		xs[8] = {1, 4, 2, 8, 5, 7, 3, 6};
	double		ys[8] = {0, 1, 0, 1, 1, 1, 0, 0};

	for (int i = 0; i < 8; i++)
	{
		cr_ab_arm_add(i < 3 ? &a : &b, ys[i], xs[i], 1);
		cr_ab_arm_add(&all, ys[i], xs[i], 1);
	}
	cr_ab_arm_merge(&a, &b);
	ok(a.n == all.n && rel(a.mean_x, all.mean_x, 1e-15) && rel(a.m2_x, all.m2_x, 1e-14) && rel(a.c_xy, all.c_xy, 1e-14),
	   "pairwise merge = one pass");
	ok(rel(all.mean_x, 4.5, 1e-15) && rel(all.m2_x, 42.0, 1e-14) && rel(all.c_xy, 6.0, 1e-14),
	   "moments by hand: mean 4.5, sum of squares 42, co-moment 6");
	memset(&a, 0, sizeof(a));
	for (int i = 0; i < 8; i++)
	{
		cr_ab_arm_add(&c, ys[(i + 3) % 8], 1.0, 1);
		cr_ab_arm_add(&a, ys[i], 1.0, 1);
	}
	cr_ab_compute(&c, &a, 0.95, 1, &r);
	ok(isnan(r.theta) && isnan(r.cuped_difference), "a constant covariate: no CUPED");

	/*
	 * A covariate with the same mean in both arms and no co-moment with the
	 * outcome: theta is exactly 0, and the CUPED estimate and interval are
	 * the Wald ones to the last bit (the README says so).  The arms' y
	 * variance taken as (retained - retained^2 / n) / n differed from the
	 * Wald p (1 - p) in the last digits: variance_reduction was 1.7e-15 at
	 * 99 of 100, 1.7e-7 at 3999999999999 of 4e12, never 0.
	 */
	{
		double		cases[6][4] = {{99, 100, 101, 107}, {1, 3, 2, 5}, {333, 1000, 335, 1007},
								   {999999999, 1e9, 999999000, 1e9},
								   {3999999999999, 4e12, 3999999999000, 4e12}, {7, 9, 1, 11}};
		int			exact = 1;

		for (int i = 0; i < 6; i++)
		{
			CrAbArm		ct = {0},
						tt = {0};

			arm(&ct, cases[i][0], cases[i][1]);
			arm(&tt, cases[i][2], cases[i][3]);
			ct.mean_x = tt.mean_x = 5.0;
			ct.m2_x = ct.n;
			tt.m2_x = 3.0 * tt.n;
			cr_ab_compute(&ct, &tt, 0.95, 1, &r);
			exact &= r.theta == 0.0 && r.cuped_difference == r.difference &&
				r.cuped_lower == r.wald_lower && r.cuped_upper == r.wald_upper &&
				r.variance_reduction == 0.0;
		}
		ok(exact, "theta = 0: the CUPED estimate and interval are the Wald ones exactly, variance_reduction 0");
	}

	/*
	 * CUPED does not depend on the covariate's unit (theta scales with it)
	 * down to a spread of CR_AB_MIN_SD; below it the squared deviations
	 * underflow, and there is no CUPED rather than a wrong theta and NULL
	 * intervals.
	 */
	{
		double		scales[3] = {1.0, 1e-135, 1e-160};
		CrAbResult	rs[3];

		for (int k = 0; k < 3; k++)
		{
			CrAbArm		ct = {0},
						tt = {0};

			for (int i = 0; i < 8; i++)
				cr_ab_arm_add(i % 2 ? &tt : &ct, ys[i], xs[i] * scales[k], 1);
			cr_ab_compute(&ct, &tt, 0.95, 1, &rs[k]);
		}
		ok(rel(rs[1].theta * 1e-135, rs[0].theta, 1e-12) &&
		   rel(rs[1].cuped_difference, rs[0].cuped_difference, 1e-12) &&
		   rel(rs[1].cuped_lower, rs[0].cuped_lower, 1e-12) &&
		   rel(rs[1].variance_reduction, rs[0].variance_reduction, 1e-12),
		   "a covariate in units of 1e-135: the same CUPED estimate and interval");
		ok(isnan(rs[2].theta) && isnan(rs[2].cuped_difference) && isnan(rs[2].cuped_lower) &&
		   isnan(rs[2].variance_reduction) && !isnan(rs[2].difference),
		   "a covariate spread below 1e-140 (units of 1e-160): no CUPED, the rest computed");
	}
}

/*
 * A covariate of 1e9 + k/100 (spread 10): the arms' means must not drift.
 * Rounded to one double at each row, a mean of 1e9 drifts by about
 * 1e-7 * sqrt(n), as much as the difference of the arms' means CUPED
 * subtracts here.  The same rows shifted by 1e9 (exact) are the reference,
 * in one pass and merged from three partial states (parallel workers).
 */
static void
test_cuped_offset(void)
{
	CrAbArm		c = {0},
				t = {0},
				cs = {0},
				ts = {0},
				pc[3] = {{0}},
				pt[3] = {{0}};
	CrAbResult	r,
				rs,
				rp;

	for (long i = 1; i <= 400000; i++)
	{
		long		k = (i * 7919) % 1000;
		double		x = 1e9 + k / 100.0;
		double		y = ((i * 31) % 10 < 3 || k > 800) ? 1.0 : 0.0;
		int			treated = (i * 104729) % 7 < 3;

		cr_ab_arm_add(treated ? &t : &c, y, x, 1);
		cr_ab_arm_add(treated ? &ts : &cs, y, x - 1e9, 1);
		cr_ab_arm_add(treated ? &pt[i % 3] : &pc[i % 3], y, x, 1);
	}
	for (int j = 1; j < 3; j++)
	{
		cr_ab_arm_merge(&pc[0], &pc[j]);
		cr_ab_arm_merge(&pt[0], &pt[j]);
	}
	cr_ab_compute(&c, &t, 0.95, 1, &r);
	cr_ab_compute(&cs, &ts, 0.95, 1, &rs);
	cr_ab_compute(&pc[0], &pt[0], 0.95, 1, &rp);
	/* exact rational arithmetic (test/reference/experiment_reference.py) */
	ok(fabs(rs.cuped_difference - -2.4000491405213383e-05) <= 1e-10 * 2.4000491405213383e-05 &&
	   rel(rs.theta, 0.0675360675694777, 1e-12),
	   "CUPED on the shifted covariate = the exact reference");
	ok(fabs(r.cuped_difference - rs.cuped_difference) <= 1e-9 * fabs(rs.cuped_difference) &&
	   rel(r.theta, rs.theta, 1e-9) && rel(r.cuped_lower, rs.cuped_lower, 1e-12),
	   "CUPED with a covariate offset of 1e9 = on the shifted covariate, one pass");
	ok(fabs(rp.cuped_difference - rs.cuped_difference) <= 1e-9 * fabs(rs.cuped_difference) &&
	   rel(rp.theta, rs.theta, 1e-9),
	   "CUPED with a covariate offset of 1e9 = on the shifted covariate, three merged partial states");
}

static void
test_planning(void)
{
	ok(ceil(cr_ab_sample_size(0.68, 0.03, 0.05, 0.8)) == 3696, "sample size 3696 (statsmodels 3695.236)");
	ok(ceil(cr_ab_sample_size(0.1, -0.02, 0.01, 0.9)) == 6076, "sample size 6076 (statsmodels 6075.301)");
	ok(rel(cr_ab_power(0.68, 0.03, 1000, 0.05), 0.307955634598193, 1e-12), "power at 1000 (statsmodels)");
	ok(rel(cr_ab_power(0.68, 0.03, cr_ab_sample_size(0.68, 0.03, 0.05, 0.8), 0.05), 0.8, 1e-10),
	   "power at the solved size is the target");
	/* an effect size below about 1e-154: the first guess overflows (the search never ended) */
	ok(cr_ab_sample_size(1e-310, 1e-310, 0.05, 0.8) > 9.2e18, "an effect of 1e-310 needs more than a bigint of members");
	ok(ceil(cr_ab_sample_size(1e-310, 1e-310, 0.5, 0.4)) == 1, "the same effect, alpha above power: 1 member");
	ok(ceil(cr_ab_sample_size(0.5, 1e-17, 0.5, 0.4)) == 1, "an effect that rounds to 0, alpha above power: 1 member");
	ok(cr_ab_sample_size(1e-310, 1e-20, 0.5, 0.5) == 1.0 &&
	   cr_ab_sample_size(0.5, 1e-20, 0.5, 0.5) == 1.0 &&
	   cr_ab_sample_size(1e-16, 1e-20, 0.5, 0.5) == 1.0 &&
	   cr_ab_sample_size(1e-310, 0.1, 1.0 - 0x1p-53, 1.0 - 0x1p-53) == 1.0,
	   "alpha equal to power: 1 member, whatever rounding does to the power at n = 1");
	/*
	 * The effect from mde itself, not a difference of arcsines (mpmath at 50
	 * digits, experiment_sample_size_reference.py): near a rate of 1 that
	 * difference gave 45746507698, and 39244302543 for a tiny effect.
	 */
	ok(ceil(cr_ab_sample_size(0.999999999, 5e-10, 0.05, 0.8)) == 45746509628.0,
	   "sample size near a rate of 1: 45746509628 (mpmath 45746509627.541)");
	ok(ceil(cr_ab_sample_size(0.5, 1e-5, 0.05, 0.8)) == 39244302542.0,
	   "sample size for an effect of 1e-5: 39244302542 (mpmath 39244302541.398)");
	ok(rel(cr_ab_power(0.999999999, 5e-10, 45746509628.0, 0.05), 0.80000000000393388676, 1e-14),
	   "power near a rate of 1 (mpmath)");
	/* near a power of 1 the miss is compared, not the power (mpmath) */
	ok(ceil(cr_ab_sample_size(0.5702805702451802, 0.00011131604404646129,
							  5.598778264793459e-20, 0.99999999998492)) == 9870887382.0 &&
	   ceil(cr_ab_sample_size(0.5, 0.005, 0.05, 0.999999999999)) == 1617950.0,
	   "sample size at a power within 1e-11 of 1: 9870887382 and 1617950 (mpmath), not 9870886705 and 1617947");
}

/*
 * A covariate that is a straight line of the outcome leaves y' constant:
 * the CUPED variance is 0 (rounding of the moments left 1e-19), so the
 * interval is NaN and variance_reduction 1.
 */
static void
test_cuped_exact_covariate(void)
{
	const double lines[4][2] = {{1, 0}, {2, 3}, {-1e6, 1e9}, {0.1, 0.7}};
	const int	sizes[2] = {1000, 1000000};
	int			good = 0;

	for (int l = 0; l < 4; l++)
		for (int s = 0; s < 2; s++)
		{
			CrAbArm		c = {0},
						t = {0};
			CrAbResult	r;

			for (int i = 1; i <= sizes[s]; i++)
			{
				double		y = (i * 7919L) % 10 < 4;

				cr_ab_arm_add(i % 3 == 0 ? &t : &c, y, lines[l][0] * y + lines[l][1], 1);
			}
			cr_ab_compute(&c, &t, 0.95, 1, &r);
			good += isnan(r.cuped_lower) && isnan(r.cuped_upper) && r.variance_reduction == 1.0 &&
				fabs(r.cuped_difference) < 1e-15 && rel(r.theta, 1.0 / lines[l][0], 1e-12);
		}
	ok(good == 8, "x = a y + b over 10^3 and 10^6 rows: CUPED interval NaN, variance_reduction 1, estimate 0");
}

/* Evaluate rows (uplift, treated, retained) through the kernel. */
static void
evaluate(const double *u, const int *t, const int *y, int n, double k, CrUpliftResult *r, CrUpliftPoint *pts)
{
	uint64_t   *keys[4];
	size_t		cnt[4] = {0, 0, 0, 0};
	uint64_t   *scratch = malloc((n + 1) * sizeof(uint64_t));

	for (int c = 0; c < 4; c++)
		keys[c] = malloc((n + 1) * sizeof(uint64_t));
	for (int i = 0; i < n; i++)
	{
		int			c = 2 * t[i] + y[i];

		keys[c][cnt[c]++] = cr_auc_key(u[i]);
	}
	for (int c = 0; c < 4; c++)
		cr_sort_keys(keys[c], scratch, cnt[c], NULL, NULL);
	cr_uplift_evaluate(keys, cnt, k, pts, 4, r);
	for (int c = 0; c < 4; c++)
		free(keys[c]);
	free(scratch);
}

static void
test_uplift(void)
{
	/*
	 * 8 rows, by hand.  Sorted by uplift: (0.9,T,1) (0.8,C,0) (0.7,T,1) (0.6,C,1)
	 * (0.5,T,0) (0.4,C,0) (0.3,T,0) (0.2,C,1).  Qini points (N, Y_t - Y_c N_t/N_c):
	 * (1,1) (2,1) (3,2) (4,1) (5,1/2) (6,1) (7,2/3) (8,0);
	 * area = 1/2 + 1 + 3/2 + 3/2 + 3/4 + 3/4 + 5/6 + 1/3 = 43/6; baseline 0;
	 * perfect: treated retained (2 rows), then the 4 not retained, then the
	 * 2 control retained: (2,2) (6,2) (8,0): area 2 + 8 + 2 = 12; coefficient
	 * 43/72 (the numpy reference agrees, and gives uplift_auc_score 2/3).
	 */
	double		u[8] = {0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2};
	int			t[8] = {1, 0, 1, 0, 1, 0, 1, 0};
	int			y[8] = {1, 0, 1, 1, 0, 0, 0, 1};
	CrUpliftResult r;
	CrUpliftPoint pts[5];

	evaluate(u, t, y, 8, 0.5, &r, pts);
	ok(rel(r.qini_coefficient, 43.0 / 72.0, 1e-15), "Qini coefficient 43/72 by hand");
	ok(rel(r.uplift_auc, 2.0 / 3.0, 1e-15), "uplift AUC 2/3 (numpy reference)");
	/* top 4: treated 2/2 retained, control 1/2: 0.5 */
	ok(rel(r.uplift_at_k, 0.5, 1e-15), "uplift at the top half = 1 - 1/2");
	ok(r.npoints == 5 && pts[0].n_targeted == 0 && pts[4].n_targeted == 8 && pts[2].n_targeted == 4
	   && rel(pts[2].qini, 1.0, 1e-15), "curve points at 0, 2, 4, 6, 8 members");

	/* all uplifts tied: one threshold, coefficient 0 (the curve is the baseline) */
	{
		double		same[8] = {1, 1, 1, 1, 1, 1, 1, 1};

		evaluate(same, t, y, 8, 0.5, &r, pts);
		ok(rel(r.qini_coefficient, 0.0, 1e-15), "tied uplifts: Qini coefficient 0");
		ok(rel(r.uplift_at_k, 0.0, 1e-15), "a tie straddling the cut counts in proportion (rates 1/2 and 1/2)");
	}
	{
		/*
		 * A tie of the 5 highest uplifts reaches 1/4, 2/4 (and more) of the
		 * rows at once: the points are the first thresholds reaching each
		 * quarter, 0, 5 (1/4 and 2/4), 6 (3/4), 8 (4/4), not 0, 5, 6, 7, 8.
		 */
		double		tie5[8] = {0.9, 0.9, 0.9, 0.9, 0.9, 0.4, 0.3, 0.2};

		evaluate(tie5, t, y, 8, 0.5, &r, pts);
		ok(r.npoints == 4 && pts[0].n_targeted == 0 && pts[1].n_targeted == 5
		   && pts[2].n_targeted == 6 && pts[3].n_targeted == 8,
		   "a tie jumping over several quarters gives one point; the next point is at the next quarter");
	}
	{
		int			all_t[8] = {1, 1, 1, 1, 1, 1, 1, 1};

		evaluate(u, all_t, y, 8, 0.5, &r, pts);
		ok(isnan(r.qini_coefficient) && isnan(r.uplift_auc) && isnan(r.uplift_at_k), "no control rows: NaN");
	}
}

static void
test_assign(void)
{
	static const double w2[2] = {0.5, 0.5};
	static const double w3[3] = {0.2, 0.3, 0.5};
	static const int64_t keys[5] = {1, 2, 42, -7, INT64_C(9007199254740993)};
	static const int want2[5] = {2, 1, 2, 2, 2};
	static const int want3[5] = {3, 2, 3, 3, 3};
	int			good = 1;

	for (int i = 0; i < 5; i++)
	{
		unsigned char b[8];
		double		u;

		cr_assign_int8_bytes(keys[i], b);
		u = cr_assign_u(b, 8, "coupon_2026q1", 13);
		good &= cr_assign_arm(u, w2, 2, 1.0) == want2[i] && cr_assign_arm(u, w3, 3, 1.0) == want3[i];
	}
	ok(good, "assignment test vectors (README)");
	{
		static const double w0[3] = {0, 0, 2};

		ok(cr_assign_arm(0.0, w0, 3, 2.0) == 3 && cr_assign_arm(0.999999, w0, 3, 2.0) == 3, "zero weights are skipped");
	}
}

static void
test_demo(void)
{
	int			n = 20000,
				treated = 0,
				flips_up = 0,
				flips_down = 0,
				zero_effect_uplift = 0;
	double		uplift_fading = 0,
				nf = 0;

	for (int id = 1; id <= n; id++)
	{
		CrDemoMember m;
		CrDemoExperiment e;

		cr_demo_member(&m, 42, id);
		cr_demo_experiment(&m, &e);
		treated += e.treated;
		if (e.renewed_if_control != m.renewed)
			break;
		flips_up += e.renewed_if_treated > e.renewed_if_control;
		flips_down += e.renewed_if_treated < e.renewed_if_control;
		/* P(renewed_if_treated) - P(renewed_if_control) is exactly 0 without an effect */
		zero_effect_uplift += e.effect == 0.0 && e.p_treated - e.p_control != 0.0;
		if (m.fading && m.fade_days <= 28 && !e.annoyed)
		{
			uplift_fading += e.p_treated - e.p_control;
			nf++;
		}
	}
	ok(abs(treated - n / 2) < 400, "about half the members are treated");
	ok(flips_up > flips_down && flips_down > 0, "the coupon helps more members than it loses, and loses some");
	ok(zero_effect_uplift == 0, "members the coupon does not affect have a true uplift of exactly 0");
	ok(uplift_fading / nf > 0.2,"members whose fade began at most 28 days ago gain more than 20 points on average");
}

int
main(void)
{
	test_normal();
	test_ab();
	test_cuped_moments();
	test_cuped_offset();
	test_planning();
	test_cuped_exact_covariate();
	test_uplift();
	test_assign();
	test_demo();
	return tap_done();
}
