/*
 * cr_stats.c
 *	  The standard normal distribution (see cr_stats.h).
 *
 * The quantile is Algorithm AS 241 (M. J. Wichura, "The percentage points of
 * the normal distribution", Applied Statistics 37, 1988), the PPND16 variant:
 * three rational approximations, for |p - 0.5| <= 0.425, for the tails down to
 * exp(-25), and beyond.  Its coefficients are the published ones.
 */
#include "cr_stats.h"

#include <float.h>
#include <math.h>

#define CR_SQRT2 1.41421356237309504880
#define CR_LN2 0.69314718055994530942

double
cr_norm_cdf(double x)
{
	return 0.5 * erfc(-x / CR_SQRT2);
}

double
cr_norm_sf(double x)
{
	return 0.5 * erfc(x / CR_SQRT2);
}

static double
poly(const double *c, int n, double x)
{
	double		s = c[n - 1];

	for (int i = n - 2; i >= 0; i--)
		s = s * x + c[i];
	return s;
}

/*
 * The lower tail's quantile magnitude: x > 0 with P(Z > x) = exp(-minus_logp),
 * for P below 0.075 (AS 241's two tail approximations in r = sqrt(-log p)).
 */
static double
tail_quantile(double minus_logp)
{
	static const double c[8] = {
		1.42343711074968357734e0, 4.63033784615654529590e0,
		5.76949722146069140550e0, 3.64784832476320460504e0,
		1.27045825245236838258e0, 2.41780725177450611770e-1,
		2.27238449892691845833e-2, 7.74545014278341407640e-4};
	static const double d[8] = {
		1.0, 2.05319162663775882187e0,
		1.67638483018380384940e0, 6.89767334985100004550e-1,
		1.48103976427480074590e-1, 1.51986665636164571966e-2,
		5.47593808499534494600e-4, 1.05075007164441684324e-9};
	static const double e[8] = {
		6.65790464350110377720e0, 5.46378491116411436990e0,
		1.78482653991729133580e0, 2.96560571828504891230e-1,
		2.65321895265761230930e-2, 1.24266094738807843860e-3,
		2.71155556874348757815e-5, 2.01033439929228813265e-7};
	static const double f[8] = {
		1.0, 5.99832206555887937690e-1,
		1.36929880922735805310e-1, 1.48753612908506148525e-2,
		7.86869131145613259100e-4, 1.84631831751005468180e-5,
		1.42151175831644588870e-7, 2.04426310338993978564e-15};
	double		r = sqrt(minus_logp);

	if (r <= 5.0)
	{
		r -= 1.6;
		return poly(c, 8, r) / poly(d, 8, r);
	}
	r -= 5.0;
	return poly(e, 8, r) / poly(f, 8, r);
}

/* AS 241's central approximation, for |p - 0.5| <= 0.425: x = q a(r) / b(r) */
static const double central_a[8] = {
	3.3871328727963666080e0, 1.3314166789178437745e+2,
	1.9715909503065514427e+3, 1.3731693765509461125e+4,
	4.5921953931549871457e+4, 6.7265770927008700853e+4,
	3.3430575583588128105e+4, 2.5090809287301226727e+3};
static const double central_b[8] = {
	1.0, 4.2313330701600911252e+1,
	6.8718700749205790830e+2, 5.3941960214247511077e+3,
	2.1213794301586595867e+4, 3.9307895800092710610e+4,
	2.8729085735721942674e+4, 5.2264952788528545610e+3};

static double
central_quantile(double q)
{
	double		r = 0.180625 - q * q;

	return q * poly(central_a, 8, r) / poly(central_b, 8, r);
}

double
cr_norm_ppf(double p)
{
	double		q,
				x;

	if (isnan(p) || p < 0.0 || p > 1.0)
		return NAN;
	if (p == 0.0)
		return -HUGE_VAL;
	if (p == 1.0)
		return HUGE_VAL;

	q = p - 0.5;
	if (fabs(q) <= 0.425)
		return central_quantile(q);
	x = tail_quantile(-log(q < 0.0 ? p : 1.0 - p));
	return q < 0.0 ? -x : x;
}

double
cr_norm_crit2(double alpha)
{
	/*
	 * Below 2 * DBL_MIN, alpha / 2 is subnormal and rounds: to zero at the
	 * smallest subnormal alpha, and to the nearest even multiple of it for
	 * an odd multiple (1.5e-323 / 2 becomes 1e-323, a third too much, and
	 * the sample size was then that of alpha 2e-323).  log(alpha) is exact
	 * enough there, and that half lies far in AS 241's outer tail.
	 */
	if (alpha > 0.0 && alpha < 2.0 * DBL_MIN)
		return tail_quantile(CR_LN2 - log(alpha));
	return -cr_norm_ppf(alpha / 2.0);
}

double
cr_norm_two_sided(double level)
{
	if (isnan(level) || level < 0.0 || level > 1.0)
		return NAN;
	if (level == 1.0)
		return HUGE_VAL;

	/*
	 * Up to 0.85 the quantile is AS 241's central one at p = 0.5 + level / 2,
	 * taken with q = p - 0.5 = level / 2, which is exact: forming 1 - level
	 * (or 0.5 + level / 2) first rounds away the digits of a small level (at
	 * 1e-10, z was 8e-8 off; below 1e-16 it was 0).  Below 2 * DBL_MIN,
	 * level / 2 would be subnormal and round: z is taken 2^52 times as
	 * large (the quantile is linear there) and scaled back, rounded once.
	 * Above 0.85, alpha = 1 - level is exact (level is at least half of 1)
	 * and the two-sided critical value of alpha is the tail's.
	 */
	if (level < 2.0 * DBL_MIN)
		return ldexp(central_quantile(ldexp(level, 51)), -52);
	if (level <= 0.85)
		return central_quantile(0.5 * level);
	return cr_norm_crit2(1.0 - level);
}
