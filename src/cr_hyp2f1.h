/*
 * cr_hyp2f1.h
 *	  Special functions for the buyer models (BG/NBD, Gamma-Gamma): the
 *	  digamma function and the Gaussian hypergeometric function 2F1.
 *	  Plain C, no PostgreSQL includes: unit-tested under test/unit.
 */
#ifndef CR_HYP2F1_H
#define CR_HYP2F1_H

#include <math.h>

/* psi(x) = d/dx ln Gamma(x), for x > 0 (NaN otherwise). */
extern double cr_digamma(double x);

/* psi'(x), the trigamma function, for x > 0 (NaN otherwise). */
extern double cr_trigamma(double x);

/*
 * The Bernoulli-number parts of their asymptotic series, as fractions
 * {numerator, denominator}, the k-th (from 0) B_(2k+2) / (2k+2) in
 * magnitude for psi and B_(2k+2) for psi', their signs alternating from +:
 *   psi(x)  ~ ln x - 1/2x - sum_k (-1)^k CR_DIGAMMA_ASY[k] x^-(2k+2),
 *   psi'(x) ~ 1/x + 1/2x^2 + sum_k (-1)^k CR_TRIGAMMA_ASY[k] x^-(2k+3).
 * One table for the polynomials below and for the Gamma-Gamma fit's
 * differences of the series term by term (gg_psi_diffs); as fractions so
 * that a term divided by its denominator is the same double it was.
 */
#define CR_ASY_TERMS 7
static const double CR_DIGAMMA_ASY[CR_ASY_TERMS][2] = {
	{1, 12}, {1, 120}, {1, 252}, {1, 240}, {1, 132}, {691, 32760}, {1, 12}};
static const double CR_TRIGAMMA_ASY[CR_ASY_TERMS][2] = {
	{1, 6}, {1, 30}, {1, 42}, {1, 30}, {5, 66}, {691, 2730}, {7, 6}};

/* the k-th coefficient of a table above as one double */
#define CR_ASY(tab, k) ((tab)[k][0] / (tab)[k][1])

/*
 * Those sums at x >= 10 as polynomials in f = 1/x^2: psi(x) = ln x - 1/2x -
 * f cr_digamma_poly(f), psi'(x) = 1/x + 1/2x^2 + (f/x) cr_trigamma_poly(f).
 * Shared with the BG/NBD likelihood, which takes differences of the series'
 * values.
 */
static inline double
cr_asy_poly(const double (*tab)[2], double f)
{
	double		s = CR_ASY(tab, CR_ASY_TERMS - 1);
	int			k;

	for (k = CR_ASY_TERMS - 2; k >= 0; k--)
		s = CR_ASY(tab, k) - f * s;
	return s;
}

static inline double
cr_digamma_poly(double f)
{
	return cr_asy_poly(CR_DIGAMMA_ASY, f);
}

static inline double
cr_trigamma_poly(double f)
{
	return cr_asy_poly(CR_TRIGAMMA_ASY, f);
}

/*
 * ln B(a, b) = ln Gamma(a) + ln Gamma(b) - ln Gamma(a + b) for a, b > 0 (NaN
 * otherwise), without the cancellation of that difference when a or b is
 * large: Stirling's form with its remainders kept apart (as R's lbeta), so
 * that ln B(2, 1e16) keeps its digits where the lgamma difference is off by
 * about 64.
 */
extern double cr_lbeta(double a, double b);

/*
 * The sign of Gamma(x) (sign * exp(lgamma(x)) = Gamma(x)), for x not a
 * non-positive integer: by fmod, which has no integer conversion to
 * overflow however negative x is
 */
static inline double
cr_gamma_sign(double x)
{
	return x > 0.0 || fmod(floor(x), 2.0) == 0.0 ? 1.0 : -1.0;
}

/* log1p(u) / u, 1 at u = 0 (u > -1) */
static inline double
cr_log1p_ratio(double u)
{
	return u == 0.0 ? 1.0 : log1p(u) / u;
}

/*
 * (ln Gamma(x + e) - ln Gamma(x)) / e, and psi(x) at e = 0, for x > 0 and
 * x + e > 0 (NaN otherwise): the recurrence up to 10, then Stirling's form
 * with the remainders' difference taken term by term, so that it keeps its
 * digits where e is tiny next to x (the difference of the lgammas of
 * 1e5 + 1e-10 and 1e5 is 1.15e-9 with an error of 1e-10) and where x + e
 * and x are far apart alike.
 */
extern double cr_lgamma_slope(double x, double e);

/*
 * The second divided difference of ln Gamma at x, x + h, x + k (psi'(x) / 2
 * at h = k = 0), for x, x + h, x + k > 0 (NaN otherwise, or where |h| or
 * |k| is beyond x / 100 + 10): Taylor's series at x, after the recurrence's
 * shift of x by up to 1000 where |h| or |k| is beyond x / 100.  It takes no difference
 * of slopes (which loses 1e-16 / h of it where h is tiny).
 */
extern double cr_lgamma_dd2(double x, double h, double k);

/*
 * ln of the Beta(a, b) density at its mean a / (a + b), for a, b > 0 (NaN
 * otherwise): for a, b >= 10 as 1/2 ln((a+b) / (c (1-c))) - ln sqrt(2 pi)
 * minus Stirling's remainders, where the direct form subtracts terms of
 * a ln(b) (1e7 for a = 3e5, b = 1e16) to get a number near 20.
 */
extern double cr_log_beta_pdf_at_mean(double a, double b);

/*
 * 2F1(a, b; c; z) for real parameters and real z < 1, or z = 1 when
 * c - a - b > 0 (Gauss's sum).  NaN when undefined (c a non-positive integer
 * that the series does not stop before, z > 1, z = 1 with c - a - b <= 0),
 * when the series does not converge within its term budget, or when more
 * than seven digits cancel (a series whose terms dwarf its sum, the two
 * halves of the connection formula nearly opposite).
 *
 *   |z| <= 0.9   the power series, directly;
 *   z < -0.9     Pfaff: (1-z)^-a 2F1(a, c-b; c; z/(z-1)), then as below;
 *   0.9 < z < 1  the z -> 1-z connection formula (Abramowitz & Stegun
 *                15.3.6); when c-a-b is within 1e-5 of an integer, where its
 *                two terms diverge, the mean of the values at c +- 1e-5
 *                (error O(1e-10), second order in the shift).
 */
extern double cr_hyp2f1(double a, double b, double c, double z);

/*
 * The same with w = 1 - z given by the caller, who may know it exactly where
 * 1.0 - z would lose its digits (z = t / (alpha + t) for t of 1e15: w is
 * alpha / (alpha + t), 1.0 - z only to 1e-16 absolutely, or 0).
 */
extern double cr_hyp2f1_w(double a, double b, double c, double z, double w);

/*
 * The same, with *err an estimate of its absolute rounding error: about
 * 1e-15 of the power series' largest term, or, by the connection formula,
 * 2.2e-16 times the log-gammas its gamma ratios cancel times its larger
 * term (with c near 6000, 2e-11 of the value: not the last digit).
 */
extern double cr_hyp2f1_w_err(double a, double b, double c, double z, double w,
							  double *err);

/*
 * ln |2F1(a, b; c; z) - 1| for a, b > 0, -1 < c != 0 and 0 < z <= 0.9 by the
 * power series from its second term on, whose terms then all have the sign
 * of c (no cancellation), rescaled as it goes so that it does not overflow
 * however large a and b are.  NaN outside that domain or when the series
 * does not converge within its term budget.
 */
extern double cr_log_hyp2f1_tail(double a, double b, double c, double z);

#endif							/* CR_HYP2F1_H */
