/*
 * cr_abtest.c
 *	  Two-arm experiment statistics (see cr_abtest.h).
 *
 * With p_t, p_c the retention rates of n_t treated and n_c control members,
 * z = the standard normal quantile at (1 + confidence) / 2:
 *
 *   difference      p_t - p_c
 *   Wald            difference -/+ z sqrt(p_t(1-p_t)/n_t + p_c(1-p_c)/n_c)
 *                   (statsmodels confint_proportions_2indep, method 'wald',
 *                   compare 'diff'); NaN when that variance is 0
 *   Newcombe        the hybrid score interval from each arm's Wilson interval
 *                   [l, u]: difference - sqrt((p_t-l_t)^2 + (u_c-p_c)^2),
 *                   difference + sqrt((p_c-l_c)^2 + (u_t-p_t)^2)
 *                   (method 'newcomb')
 *   relative lift   p_t / p_c - 1, interval exp(log(p_t/p_c) -/+ z sqrt(1/y_t
 *                   - 1/n_t + 1/y_c - 1/n_c)) - 1 (method 'log', compare
 *                   'ratio'); NaN when a retained count is 0 or that
 *                   variance is 0 (both rates 1)
 *   z test          (p_t - p_c) / sqrt(p(1-p)(1/n_t + 1/n_c)) with the pooled
 *                   rate p, two-sided p-value (proportions_ztest); NaN when
 *                   p is 0 or 1
 *
 * The formulas are statsmodels', but they are evaluated from the counts
 * where a rate would cancel: the difference from yt nc - yc nt, each 1 - p
 * as (n - y) / n, the Wilson reach apart from the rate, log1p and expm1 for
 * the lift, so that arms of 10^12 members with rates near 1 or near each
 * other keep every digit (statsmodels, from the rounded rates, keeps 4 or 5
 * of them there; the two agree to 1e-12 elsewhere).
 *
 * CUPED (Deng, Xu, Kohavi and Walker, WSDM 2013): theta = cov(y, x) / var(x)
 * over all rows of both arms (the pooled regression of outcome on the
 * covariate), y' = y - theta (x - mean x); the estimate is the difference of
 * the arms' means of y', (p_t - p_c) - theta (mean x_t - mean x_c), with
 * variance var_t(y')/n_t + var_c(y')/n_c, var(y') = var(y) - 2 theta cov(x, y)
 * + theta^2 var(x) within each arm (population variances, as the Wald
 * interval uses, so theta = 0 gives the Wald interval exactly);
 * variance_reduction = 1 - that variance / the Wald variance.
 */
#include "cr_abtest.h"
#include "cr_stats.h"

#include <float.h>
#include <math.h>

/*
 * (hi, lo) += v, exactly up to the rounding of the low part (Knuth's TwoSum,
 * then renormalised so that |lo| <= ulp(hi) / 2).
 */
static void
dd_add(double *hi, double *lo, double v)
{
	double		s = *hi + v;
	double		bv = s - *hi;
	double		err = (*hi - (s - bv)) + (v - bv);
	double		l = *lo + err;

	*hi = s + l;
	*lo = l - (*hi - s);
}

/* x - (hi + lo), rounded once more than the exact difference. */
static inline double
dd_dev(double x, double hi, double lo)
{
	return (x - hi) - lo;
}

/*
 * count/n times its complement, (n - count)/n: the complement from the
 * counts, which are exact, so that a rate near 1 keeps its digits (1 - p of
 * a rounded p = 1 - 1e-12 has only 4 of them).
 */
static inline double
rate_var(double count, double n)
{
	return (count / n) * ((n - count) / n);
}

/*
 * yt/nt - yc/nc from the counts: the numerator yt nc - yc nt exactly (each
 * product as a double and its rounding error, by fma), so that two close
 * rates do not cancel to their rounding errors (rates of 1e12 members that
 * differ by 2e-12 kept 5 digits of their difference).
 */
static double
rate_difference(double yt, double nt, double yc, double nc)
{
	double		a = yt * nc,
				b = yc * nt;
	double		ea = fma(yt, nc, -a),
				eb = fma(yc, nt, -b);

	return ((a - b) + (ea - eb)) / nt / nc;
}

void
cr_ab_arm_add(CrAbArm *a, double y, double x, int with_x)
{
	a->n += 1.0;
	a->retained += y;
	if (with_x)
	{
		double		dx = dd_dev(x, a->mean_x, a->mean_x_lo);

		dd_add(&a->mean_x, &a->mean_x_lo, dx / a->n);
		a->m2_x += dx * dd_dev(x, a->mean_x, a->mean_x_lo);
		/* co-moment update: (x - old mean x)(y - new mean y) */
		a->c_xy += dx * (y - a->retained / a->n);
	}
}

void
cr_ab_arm_merge(CrAbArm *a, const CrAbArm *b)
{
	double		n = a->n + b->n;
	double		dx,
				dy,
				w;

	if (b->n == 0.0)
		return;
	if (a->n == 0.0)
	{
		*a = *b;
		return;
	}
	dx = (b->mean_x - a->mean_x) + (b->mean_x_lo - a->mean_x_lo);
	dy = b->retained / b->n - a->retained / a->n;
	w = a->n * b->n / n;
	dd_add(&a->mean_x, &a->mean_x_lo, dx * b->n / n);
	a->m2_x += b->m2_x + dx * dx * w;
	a->c_xy += b->c_xy + dx * dy * w;
	a->retained += b->retained;
	a->n = n;
}

void
cr_wilson_reach(double count, double n, double z, double *below, double *above)
{
	double		z2 = z * z;
	double		denom = 1.0 + z2 / n;
	/* center - q = z^2 (1 - 2q) / (2n) / denom, 1 - 2q from the counts */
	double		shift = z2 * ((n - count) - count) / (2.0 * n * n) / denom;
	double		dist = z * sqrt(rate_var(count, n) / n + z2 / (4.0 * n * n)) / denom;

	/*
	 * The smaller reach is the difference of two near-equal terms (at a rate
	 * of 1, dist + shift is 0 less their rounding errors, which outweighed
	 * a Newcombe bound of 3 of 3 against 1e15 - 87 of 1e15); dist^2 - shift^2
	 * = z^2 q (1 - q) / (n denom) gives it without the cancellation, and 0
	 * exactly at a rate of 0 or 1 (or where z^2 underflows, both reaches 0).
	 */
	double		prod = z2 * rate_var(count, n) / n / denom;

	if (shift >= 0.0)
	{
		*above = dist + shift;
		*below = *above > 0.0 ? prod / *above : 0.0;
	}
	else
	{
		*below = dist - shift;
		*above = *below > 0.0 ? prod / *below : 0.0;
	}
}

static void
cuped(const CrAbArm *c, const CrAbArm *t, double z, double wald_var, CrAbResult *r)
{
	CrAbArm		all = *c;
	double		theta,
				var = 0.0;
	const CrAbArm *arms[2] = {t, c};

	cr_ab_arm_merge(&all, t);
	/*
	 * A constant covariate explains nothing.  Nor can one whose standard
	 * deviation is below CR_AB_MIN_SD be used: the squares of its deviations
	 * underflow (to subnormal numbers or 0) in the moments, so theta and the
	 * variance would be wrong (or Infinity), not merely rounded.
	 */
	if (!(all.m2_x / all.n >= CR_AB_MIN_SD * CR_AB_MIN_SD))
		return;
	theta = all.c_xy / all.m2_x;
	r->theta = theta;
	r->cuped_difference = r->difference -
		theta * ((t->mean_x - c->mean_x) + (t->mean_x_lo - c->mean_x_lo));
	/*
	 * var(y') = p(1 - p) + theta (theta m2_x - 2 c_xy) / n, the variance of
	 * y computed as the Wald interval computes it, and the arms added in its
	 * order, so that theta = 0 gives its variance to the last bit (from
	 * (retained - retained^2 / n) / n it differed in the last digits, and
	 * variance_reduction was 1e-15 rather than 0).
	 */
	for (int i = 0; i < 2; i++)
	{
		const CrAbArm *a = arms[i];
		double		py = rate_var(a->retained, a->n);
		double		v = py + theta * (theta * a->m2_x - 2.0 * a->c_xy) / a->n;

		/*
		 * The terms cancel where the covariate predicts the outcome exactly
		 * (x = 2y + 3): var(y') is 0, but the rounding of the moments, which
		 * grows as about DBL_EPSILON sqrt(n) of the terms (5e-13 of them at
		 * 10^6 rows), left a variance of 1e-19 and an interval of
		 * +/- 1e-9 in place of NULL, and variance_reduction 1 - 5e-13 in
		 * place of 1.  What lies within CR_AB_CUPED_NOISE sqrt(n) of the
		 * terms cannot be told from 0, and is 0.
		 */
		if (v <= CR_AB_CUPED_NOISE * sqrt(all.n) * (py + theta * theta * a->m2_x / a->n))
			v = 0.0;
		var += v / a->n;
	}
	if (var > 0.0)
	{
		r->cuped_lower = r->cuped_difference - z * sqrt(var);
		r->cuped_upper = r->cuped_difference + z * sqrt(var);
	}
	if (wald_var > 0.0)
		r->variance_reduction = 1.0 - var / wald_var;
}

void
cr_ab_compute(const CrAbArm *c, const CrAbArm *t, double confidence, int with_x,
			  CrAbResult *r)
{
	double		z = cr_norm_two_sided(confidence);
	double		pc,
				var,
				pooled;

	r->rate_control = c->n > 0.0 ? c->retained / c->n : NAN;
	r->rate_treated = t->n > 0.0 ? t->retained / t->n : NAN;
	r->difference = r->wald_lower = r->wald_upper = NAN;
	r->newcombe_lower = r->newcombe_upper = NAN;
	r->relative_lift = r->lift_lower = r->lift_upper = NAN;
	r->z = r->p_value = NAN;
	r->theta = r->cuped_difference = r->cuped_lower = r->cuped_upper = NAN;
	r->variance_reduction = NAN;
	if (c->n == 0.0 || t->n == 0.0)
		return;

	pc = r->rate_control;
	r->difference = rate_difference(t->retained, t->n, c->retained, c->n);

	var = rate_var(t->retained, t->n) / t->n + rate_var(c->retained, c->n) / c->n;
	if (var > 0.0)
	{
		r->wald_lower = r->difference - z * sqrt(var);
		r->wald_upper = r->difference + z * sqrt(var);
	}

	{
		double		bt,
					at,
					bc,
					ac;

		cr_wilson_reach(t->retained, t->n, z, &bt, &at);
		cr_wilson_reach(c->retained, c->n, z, &bc, &ac);
		r->newcombe_lower = r->difference - sqrt(bt * bt + ac * ac);
		r->newcombe_upper = r->difference + sqrt(bc * bc + at * at);
	}

	if (c->retained > 0.0)
	{
		/* p_t / p_c - 1 = difference / p_c, without the cancellation */
		r->relative_lift = r->difference / pc;
		if (t->retained > 0.0)
		{
			/* 1/y - 1/n = (n - y) / (y n), the same without cancellation */
			double		lv = (t->n - t->retained) / t->retained / t->n +
				(c->n - c->retained) / c->retained / c->n;
			double		lr = log1p(r->relative_lift);	/* log(p_t / p_c) */

			if (lv > 0.0)
			{
				r->lift_lower = expm1(lr - z * sqrt(lv));
				r->lift_upper = expm1(lr + z * sqrt(lv));
			}
		}
	}

	/* the pooled rate strictly between 0 and 1, from the counts */
	pooled = t->retained + c->retained;
	if (pooled > 0.0 && pooled < t->n + c->n)
	{
		r->z = r->difference / sqrt(rate_var(t->retained + c->retained, t->n + c->n) *
									(1.0 / t->n + 1.0 / c->n));
		r->p_value = 2.0 * cr_norm_sf(fabs(r->z));
	}

	if (with_x)
		cuped(c, t, z, var, r);
}

/*
 * Cohen's h, 2 asin(sqrt(a)) - 2 asin(sqrt(b)) for b = base and a = base +
 * mde (statsmodels' proportion_effectsize(base + mde, base)), as twice the
 * angle between the two: with sin and cos of the difference of the angles,
 *   sin = sqrt(a) sqrt(1 - b) - sqrt(b) sqrt(1 - a)
 *       = mde / (sqrt(a) sqrt(1 - b) + sqrt(b) sqrt(1 - a)),
 *   cos = sqrt(a) sqrt(b) + sqrt(1 - a) sqrt(1 - b),
 * h = 2 atan2(sin, cos).  The difference of the two arcsines cancelled
 * (and asin(sqrt(p)) lost digits near p = 1 to asin's slope): the sample
 * size for 0.999999999 -> 0.999999999 + 5e-10 was 45746507698, not
 * 45746509628, and sizes beyond 10^10 were off in their last digits for any
 * base rate (0.5 -> 0.5 + 1e-5: 39244302543, not 39244302542).  Here mde enters as it is given, and base + mde as an
 * exact sum (TwoSum) whose complement 1 - a is taken before rounding.
 */
static double
effect_size(double base, double mde)
{
	double		a = base + mde;
	double		bv = a - base;
	double		a_lo = (base - (a - bv)) + (mde - bv);	/* base + mde = a + a_lo */
	double		ca = (1.0 - a) - a_lo,
				cb = 1.0 - base;
	double		sa = sqrt(a),
				sb = sqrt(base),
				sca = sqrt(ca),
				scb = sqrt(cb);

	return 2.0 * atan2(mde / (sa * scb + sb * sca), sa * sb + sca * scb);
}

/* The power at n members per arm of an effect es (|Cohen's h|), critical value crit */
static double
power_at(double es, double crit, double n)
{
	double		s = es * sqrt(n / 2.0);	/* equal arms: n1 n2 / (n1 + n2) */

	return cr_norm_sf(crit - s) + cr_norm_cdf(-crit - s);
}

double
cr_ab_power(double base, double mde, double n, double alpha)
{
	return power_at(fabs(effect_size(base, mde)), cr_norm_crit2(alpha), n);
}

/*
 * Whether n members per arm reach the power asked for, for an effect es
 * (|Cohen's h|) and a critical value crit that the search computes once.
 * Above a power of 1/2 the miss probability 1 - power(n) = Phi(c - s) -
 * Phi(-c - s) is compared with 1 - power (exact there): power(n) itself,
 * within 1e-16 of 1, keeps only the leading digits of what it misses, and
 * a power of 0.99999999998 gave 9870886705 members for
 * (0.5702805702451802, 0.00011131604404646129, 5.6e-20), not the exact
 * 9870887382.
 */
static int
reaches_power(double es, double crit, double n, double power)
{
	double		s;

	if (power <= 0.5)
		return power_at(es, crit, n) >= power;
	s = es * sqrt(n / 2.0);
	return cr_norm_cdf(crit - s) - cr_norm_cdf(-crit - s) <= 1.0 - power;
}

double
cr_ab_sample_size(double base, double mde, double alpha, double power)
{
	double		es = fabs(effect_size(base, mde));
	double		crit = cr_norm_crit2(alpha);
	double		guess = 2.0 * pow((crit + cr_norm_ppf(power)) / es, 2.0);
	double		lo,
				hi;

	/*
	 * The test rejects with probability alpha by chance alone, so where alpha
	 * is at or above the power asked for, one member per arm is enough.  Say
	 * so outright: with a tiny or zero effect, rounding leaves the computed
	 * power at n = 1 a hair below alpha, and the search below would answer a
	 * large n for alpha = power.
	 */
	if (alpha >= power)
		return 1.0;

	/*
	 * An effect too small for a finite guess (es below about 1e-154, as from
	 * base_rate 1e-310 and mde 1e-310) needs more members than any result can
	 * hold, unless alpha alone reaches the power; start the bracket at 1e300
	 * so that both cases end (an infinite lo halved stayed infinite, and the
	 * loop below never ended, nor could it be cancelled).
	 */
	if (!(guess <= 1e300))
		guess = 1e300;
	lo = guess / 2.0;
	hi = guess * 2.0 + 1.0;

	/* power grows with n: bracket the root, then bisect to full precision */
	while (lo > 1e-9 && reaches_power(es, crit, lo, power))
	{
		hi = lo;				/* lo has the power: the root is below it */
		lo /= 2.0;
	}
	while (!reaches_power(es, crit, hi, power) && hi < 1e300)
		hi *= 2.0;
	/*
	 * Bisect until lo and hi are neighbouring doubles (a relative tolerance
	 * of 1e-12 left sizes beyond 10^12 a few members off), and answer hi,
	 * the smallest n found to reach the power.
	 */
	for (int i = 0; i < 200; i++)
	{
		double		mid = lo + 0.5 * (hi - lo);

		if (mid <= lo || mid >= hi)
			break;
		if (!reaches_power(es, crit, mid, power))
			lo = mid;
		else
			hi = mid;
	}
	return hi;
}
