/*
 * cr_abtest.h
 *	  The statistics of a two-arm experiment on a yes/no outcome (retention):
 *	  rates, the difference with Wald and Newcombe intervals, the relative
 *	  lift with a log-ratio interval, the pooled two-proportion z test, CUPED
 *	  variance reduction with a pre-experiment covariate, and sample size and
 *	  power for planning.  Plain C (no backend calls), unit-tested under
 *	  test/unit; every formula is the one statsmodels uses (see cr_abtest.c).
 *
 * Results that cannot be computed (an arm without rows, a zero variance, a
 * rate of 0 where a logarithm needs it) are NaN here; the SQL layer turns
 * them into NULL, so a NaN is never returned as if it were a result.
 */
#ifndef CR_ABTEST_H
#define CR_ABTEST_H

/*
 * The smallest standard deviation of a covariate that CUPED uses: below it
 * the squared deviations underflow, and the CUPED fields are NaN, as for a
 * constant covariate.
 */
#define CR_AB_MIN_SD 1e-140

/*
 * A CUPED arm variance at most this times sqrt(rows) times the size of its
 * terms (var(y) + theta^2 var(x)) is rounding, and counted as 0.
 */
#define CR_AB_CUPED_NOISE (32.0 * DBL_EPSILON)

/* One arm's running moments; the CUPED fields stay 0 without a covariate. */
typedef struct CrAbArm
{
	double		n;				/* rows */
	double		retained;		/* rows with outcome true */
	double		mean_x;			/* covariate mean, high part */
	double		m2_x;			/* sum of squared deviations of x */
	double		c_xy;			/* co-moment: sum of (x - mean_x)(y - mean_y) */
	double		mean_x_lo;		/* covariate mean, low part: mean_x + mean_x_lo
								 * is the mean in double-double precision */
} CrAbArm;

/*
 * Add one row (y is 0 or 1; x is ignored when with_x is 0).  The mean of x
 * is kept as an unevaluated sum of two doubles: rounded to one double at
 * each row, it would drift by about ulp(mean) * sqrt(n), which with a large
 * offset (x around 1e9, spread 10) swamps the difference of the arms' means
 * that the CUPED estimate subtracts.
 */
extern void cr_ab_arm_add(CrAbArm *a, double y, double x, int with_x);

/* Merge b into a (Chan, Golub and LeVeque's pairwise update). */
extern void cr_ab_arm_merge(CrAbArm *a, const CrAbArm *b);

typedef struct CrAbResult
{
	double		rate_control,
				rate_treated,
				difference,
				wald_lower,
				wald_upper,
				newcombe_lower,
				newcombe_upper,
				relative_lift,
				lift_lower,
				lift_upper,
				z,
				p_value;
	/* CUPED (NaN without a covariate) */
	double		theta,
				cuped_difference,
				cuped_lower,
				cuped_upper,
				variance_reduction;
} CrAbResult;

/*
 * Everything for one experiment at a confidence level in (0, 1); with_x
 * selects the CUPED fields.
 */
extern void cr_ab_compute(const CrAbArm *control, const CrAbArm *treated,
						  double confidence, int with_x, CrAbResult *r);

/*
 * The Wilson score interval of count/n (statsmodels proportion_confint
 * 'wilson') as its reach below and above count/n: count/n - lower and
 * upper - count/n, computed apart from count/n so that a rate near 1 keeps
 * their digits.
 */
extern void cr_wilson_reach(double count, double n, double z, double *below, double *above);

/*
 * Planning, as statsmodels' NormalIndPower with proportion_effectsize(base
 * + mde, base), equal arms, two-sided: the power with n members per arm, and
 * the (real-valued) n per arm that reaches a power.  Arguments must be
 * checked by the caller: 0 < base, base + mde < 1, mde != 0, 0 < alpha < 1,
 * 0 < power < 1, n > 0.
 */
extern double cr_ab_power(double base, double mde, double n, double alpha);
extern double cr_ab_sample_size(double base, double mde, double alpha, double power);

#endif							/* CR_ABTEST_H */
