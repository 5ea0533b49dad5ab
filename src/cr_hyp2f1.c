/*
 * cr_hyp2f1.c
 *	  Digamma and the Gaussian hypergeometric function 2F1 (see cr_hyp2f1.h).
 *	  Plain C.
 */
#include <math.h>
#include <stdbool.h>
#include <stddef.h>

#include "cr_hyp2f1.h"

#define HYP_MAX_TERMS 100000
/*
 * Within 2 HYP_STEP of an integer c-a-b, 2F1 is interpolated (cubic in c)
 * from c-a-b = n - 2h, n - h, n + h, n + 2h: the connection formula's two
 * terms have poles at integers that cancel, and at a distance e from one
 * they lose 1e-16/e of their digits (hyp_upper).
 */
#define HYP_STEP 2e-4

double
cr_digamma(double x)
{
	double		r = 0.0,
				f;

	if (!(x > 0.0) || isinf(x))
		return isinf(x) && x > 0 ? x : NAN;
	/* recurrence psi(x) = psi(x+1) - 1/x up to where the asymptotic series is exact */
	while (x < 10.0)
	{
		r -= 1.0 / x;
		x += 1.0;
	}
	f = 1.0 / (x * x);
	/* Bernoulli-number series: ln x - 1/2x - sum B2k / (2k x^2k) */
	return r + log(x) - 0.5 / x - f * cr_digamma_poly(f);
}

double
cr_trigamma(double x)
{
	double		r = 0.0,
				ix,
				f;

	if (!(x > 0.0) || isinf(x))
		return isinf(x) && x > 0 ? 0.0 : NAN;
	/* recurrence psi'(x) = psi'(x+1) + 1/x^2, then the asymptotic series */
	while (x < 10.0)
	{
		r += 1.0 / (x * x);
		x += 1.0;
	}
	ix = 1.0 / x;
	f = ix * ix;
	/* 1/x + 1/2x^2 + sum B2k / x^(2k+1) */
	return r + ix + 0.5 * f + ix * f * cr_trigamma_poly(f);
}

static int
is_nonpos_int(double v)
{
	return v <= 0.0 && v == floor(v);
}

/*
 * A sum whose largest term (or part) was big: each carries a rounding error
 * of 1e-16 of it, so a sum below HYP_CANCEL * big has lost more than seven
 * of its sixteen digits to cancellation and is not returned (NaN): alternating
 * series with huge terms, and the two halves of the connection formula
 * cancelling (b in the hundreds, z near 1) gave 1e12 where 0.25 was right.
 */
#define HYP_CANCEL 1e-7

static double
hyp_sum(double sum, double big)
{
	return fabs(sum) >= HYP_CANCEL * big ? sum : NAN;
}

/*
 * Whether every ratio (a+m)(b+m) / ((c+m)(m+1)) z of the power series'
 * terms from m = n on is below 1/2 in magnitude: for m >= n, c + n > 0,
 * |a+m| / (m+1) <= max(1, (|a|+n) / (n+1)) and |b+m| / (c+m) <= max(1,
 * (|b|+n) / (c+n)), each side monotone in m.  Once a term is below 1e-17
 * of the sum, every later one is then smaller still, below half an ulp of
 * the sum, which it leaves as it is: the sum stops there with the bits it
 * would have had at n = max(|a|, |b|, -c), which it had waited for (4000
 * terms for b = 4000 at w = 1e-4, where 50 reach 1e-17: the BG/NBD series
 * at a = 40, b = 4000 and a horizon of 1000 years).  Not where the term
 * budget may end first (NaN there).
 */
static bool
hyp_falls(double a, double b, double c, double z, double n)
{
	return c + n > 0.0 && fmax(fmax(fabs(a), fabs(b)), -c) < HYP_MAX_TERMS - 3 &&
		fmax(1.0, (fabs(a) + n) / (n + 1.0)) * fmax(1.0, (fabs(b) + n) / (c + n)) * fabs(z) < 0.5;
}

/*
 * The power series, |z| < 1 (or a terminating polynomial); *err, its
 * rounding error, about 1e-15 of its largest term.
 */
static double
hyp_series_err(double a, double b, double c, double z, double *err)
{
	double		term = 1.0,
				sum = 1.0,
				big = 1.0;
	int			n,
				small = 0;

	/*
	 * The loop below ends only where a or b stops the series or past n =
	 * max(|a|, |b|, -c): beyond the term budget, it would spend all of it
	 * to return NaN (a = 3e9: 100000 terms, each time lifetime_value asks).
	 */
	if (fmax(fmax(fabs(a), fabs(b)), -c) >= HYP_MAX_TERMS - 1 &&
		!(is_nonpos_int(a) && -a < HYP_MAX_TERMS) && !(is_nonpos_int(b) && -b < HYP_MAX_TERMS))
		return NAN;
	for (n = 0; n < HYP_MAX_TERMS; n++)
	{
		if (a + n == 0.0 || b + n == 0.0)
		{
			*err = 1e-15 * big;
			return hyp_sum(sum, big);	/* the series stops */
		}
		if (c + n == 0.0)
			return NAN;
		term *= (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
		sum += term;
		big = fmax(big, fabs(term));
		if (!isfinite(sum))
			return NAN;
		/*
		 * two small terms in a row, past the point where terms can grow
		 * again: n beyond |a| and |b| (the numerator factors have stopped
		 * growing relative to n) and beyond -c (no sign change ahead), or
		 * where the ratios ahead are bounded below 1/2 (hyp_falls)
		 */
		if (fabs(term) <= 1e-17 * fabs(sum) &&
			((double) n > fmax(fmax(fabs(a), fabs(b)), -c) || hyp_falls(a, b, c, z, n + 1.0)))
		{
			if (++small >= 2)
			{
				*err = 1e-15 * big;
				return hyp_sum(sum, big);
			}
		}
		else
			small = 0;
	}
	return NAN;
}

/* Stirling's series of ln Gamma: the coefficient of x^-(2i+1) */
static const double stirling_c[] = {1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188,
-691.0 / 360360, 1.0 / 156, -3617.0 / 122400};

#define STIRLING_TERMS ((int) (sizeof(stirling_c) / sizeof(stirling_c[0])))

/*
 * ln Gamma(x) - ((x - 1/2) ln x - x + ln sqrt(2 pi)), x >= 10: Stirling's
 * series to x^-15, whose next term is below 1e-17 there.
 */
static double
lgamma_remainder(double x)
{
	double		r = 1.0 / x,
				r2 = r * r,
				s = 0.0;
	int			i;

	if (isinf(x))
		return 0.0;
	for (i = STIRLING_TERMS - 1; i >= 0; i--)
		s = s * r2 + stirling_c[i];
	return s * r;
}

/*
 * ln(1 + u) for u = e / x: as the difference of the logs of x + e and x
 * where 1 + u is below 1/2, to which the rounding of u to 1e-16 is a
 * relative error of 1e-16 / (1 + u) (x = 1e8, e = 5 - 1e8: 1e-9 of ln 5e-8)
 */
static double
log1p_of(double u, double x, double e)
{
	return u > -0.5 ? log1p(u) : log(x + e) - log(x);
}

/*
 * (ln(x + e) - ln x) / e, 1/x at e = 0: the step of cr_lgamma_slope's
 * recurrence and the first divided difference of cr_lgamma_dd2's logs
 */
static double
log_slope(double x, double e)
{
	double		u = e / x;

	return (u == 0.0 ? 1.0 : log1p_of(u, x, e) / u) / x;
}

double
cr_lgamma_slope(double x, double e)
{
	double		s = 0.0,
				u,
				l,
				ix,
				ix2,
				pw,
				r = 0.0;
	int			i;

	if (!(x > 0.0 && x + e > 0.0 && isfinite(x) && isfinite(x + e)))
		return NAN;
	/*
	 * x + e below 10 with x at 2^52 or more, where x += 1 below stops moving
	 * (x = 1e16, e = 5 - 1e16 looped for ever, uninterruptibly): e is about
	 * -x, so the slope is about ln x and the lgammas' difference loses
	 * nothing (ln Gamma(x + e) is below 13, ln Gamma(x) 3.5e17)
	 */
	if (x + e < 10.0 && x >= 4503599627370496.0)
		return (lgamma(x + e) - lgamma(x)) / e;
	/* ln Gamma(y) = ln Gamma(y + 1) - ln y: each step takes (ln(x+e) - ln x) / e off */
	while (x < 10.0 || x + e < 10.0)
	{
		s -= log_slope(x, e);
		x += 1.0;
	}
	/*
	 * (x+e-1/2) ln(x+e) - (x-1/2) ln x - e = (x-1/2) log1p(u) + e ln(x+e) - e,
	 * u = e / x, over e; the remainders' difference over e term by term,
	 * c_i x^-(2i+1) ((1+u)^-(2i+1) - 1) / e
	 */
	u = e / x;
	l = log1p_of(u, x, e);
	ix = 1.0 / x;
	ix2 = ix * ix;
	pw = ix2;
	for (i = 0; i < STIRLING_TERMS; i++)
	{
		/* ((1 + u)^-m - 1) / u, -m at u = 0 */
		r += stirling_c[i] * pw * (u == 0.0 ? -(2.0 * i + 1.0) : expm1(-(2.0 * i + 1.0) * l) / u);
		pw *= ix2;
	}
	return s + (1.0 - 0.5 * ix) * (u == 0.0 ? 1.0 : l / u) + log(x + e) - 1.0 + r;
}

/*
 * y^(q-1) zeta(q, y), zeta(q, y) = sum_{i >= 0} (y + i)^-q Hurwitz's zeta,
 * for a whole q from 2 to 7 and y >= 16: the Euler-Maclaurin tail, whose
 * terms to B14 leave below 1e-15 of it there
 */
static double
hurwitz_zeta_scaled(int q, double y)
{
	static const double b2j[] = {1.0 / 12, -1.0 / 720, 1.0 / 30240, -1.0 / 1209600,
	1.0 / 47900160, -691.0 / 1307674368000.0, 1.0 / 74724249600.0};
	double		iy = 1.0 / y,
				iy2 = iy * iy,
				pw = iy2,		/* y^-2j */
				poch = q,		/* q (q+1) ... (q+2j-2) */
				sum = 1.0 / (q - 1.0) + 0.5 * iy;
	int			i;

	for (i = 0; i < (int) (sizeof(b2j) / sizeof(b2j[0])); i++)
	{
		sum += b2j[i] * poch * pw;
		poch *= (q + 2.0 * i + 1.0) * (q + 2.0 * i + 2.0);
		pw *= iy2;
	}
	return sum;
}

/*
 * ln Gamma[x, x+h, x+k] by Taylor's series at x, for |h|, |k| <= x / 100:
 * x^n times the n-th term is of order (1/100)^(n-2), so to n = 11
 */
static double
lgamma_dd2_taylor(double x, double h, double k)
{
	double		sum = 0.0,
				u = h / x,
				v = k / x,
				um = 1.0,		/* u^(n-2) */
				uv = 1.0,		/* sum_{i+j = n-2} u^i v^j */
				y = x;
	int			n,
				i;

	/*
	 * ln Gamma's n-th derivative over n! is (-1)^n zeta(n, x) / n, x^(n-1)
	 * zeta(n, x) of order 1 (below x = 16 the recurrence's terms first, at
	 * most 16 of them)
	 */
	for (i = 0; y < 16.0; i++)
		y = x + (i + 1.0);
	for (n = 2; n <= 11; n++)
	{
		double		z = 0.0;	/* x^(n-1) zeta(n, x) */
		int			j;

		if (n > 2)
		{
			um *= u;
			uv = v * uv + um;
		}
		if (uv == 0.0)
			continue;
		for (j = 0; j < i; j++)
			z += pow(x / (x + j), n) / x;
		z += (i == 0 ? 1.0 : pow(x / y, n - 1.0)) * hurwitz_zeta_scaled(n, y);
		sum += (n % 2 == 0 ? 1.0 : -1.0) * z / n * uv;
	}
	return sum / x;
}

/*
 * ln[y, y+h, y+k], always negative (ln is concave): by the series of
 * ln(1 + e/y) where the points lie within y/2 of y, whose terms fall by
 * 1/2 at least (60 of them); else as the difference of first divided
 * differences over the points in order, which cancels by a factor of a
 * few at most there
 */
static double
log_dd2(double y, double h, double k)
{
	double		u = h / y,
				v = k / y,
				um = 1.0,
				uv = 1.0,
				sum = 0.0,
				p[3],
				t;
	int			n;

	if (fmax(fabs(u), fabs(v)) <= 0.5)
	{
		/* ln(y + e) = ln y + sum_{n >= 1} (-1)^(n+1) (e/y)^n / n */
		for (n = 2; n <= 62; n++)
		{
			if (n > 2)
			{
				um *= u;
				uv = v * uv + um;
			}
			sum += (n % 2 == 0 ? -1.0 : 1.0) / n * uv;
		}
		return sum / (y * y);
	}
	p[0] = y;
	p[1] = y + h;
	p[2] = y + k;
	if (p[0] > p[1])
	{
		t = p[0];
		p[0] = p[1];
		p[1] = t;
	}
	if (p[1] > p[2])
	{
		t = p[1];
		p[1] = p[2];
		p[2] = t;
	}
	if (p[0] > p[1])
	{
		t = p[0];
		p[0] = p[1];
		p[1] = t;
	}
	return (log_slope(p[1], p[2] - p[1]) - log_slope(p[0], p[1] - p[0])) / (p[2] - p[0]);
}

/* the shift cr_lgamma_dd2 takes at most */
#define LGAMMA_DD2_STEPS 1000

double
cr_lgamma_dd2(double x, double h, double k)
{
	double		span = fmax(fabs(h), fabs(k)),
				sum = 0.0;
	int			i;

	if (!(x > 0.0 && isfinite(x) && x + h > 0.0 && x + k > 0.0 && isfinite(span)))
		return NAN;
	/*
	 * ln Gamma(y) = ln Gamma(y + 1) - ln y: up to where the points are
	 * within 1/100 of their base, the second divided differences of the
	 * logs, all negative, so that nothing cancels
	 */
	for (i = 0; span > x / 100.0; i++)
	{
		if (i == LGAMMA_DD2_STEPS)
			return NAN;
		sum -= log_dd2(x, h, k);
		x += 1.0;
	}
	return sum + lgamma_dd2_taylor(x, h, k);
}

#define LN_SQRT_2PI 0.918938533204672741780329736406

double
cr_lbeta(double a, double b)
{
	double		p,
				q,
				ratio,
				frac,
				corr;

	if (!(a > 0.0 && b > 0.0 && isfinite(a) && isfinite(b)))
		return NAN;
	p = fmin(a, b);
	q = fmax(a, b);
	if (q < 10.0)
		return lgamma(p) + lgamma(q) - lgamma(p + q);
	ratio = p / q;				/* <= 1; p + q may overflow, p / q does not */
	frac = ratio / (1.0 + ratio);	/* p / (p + q) */
	if (p >= 10.0)
	{
		corr = lgamma_remainder(p) + lgamma_remainder(q) - lgamma_remainder(p + q);
		return -0.5 * log(q) + LN_SQRT_2PI + corr + (p - 0.5) * log(frac) + q * log1p(-frac);
	}
	/* p < 10 <= q */
	corr = lgamma_remainder(q) - lgamma_remainder(p + q);
	return lgamma(p) + corr + p - p * (log(q) + log1p(ratio)) + (q - 0.5) * log1p(-frac);
}

double
cr_log_beta_pdf_at_mean(double a, double b)
{
	double		lcl,
				lcu,
				big,
				small;

	if (!(a > 0.0 && b > 0.0 && isfinite(a) && isfinite(b)))
		return NAN;
	/* ln of the mean a / (a+b) and of 1 minus it, as log1p: 1 - 3e-16 keeps its digits */
	lcl = -log1p(b / a);
	lcu = -log1p(a / b);
	if (a < 10.0 || b < 10.0)
		return -cr_lbeta(a, b) + (a - 1.0) * lcl + (b - 1.0) * lcu;
	big = fmax(a, b);
	small = fmin(a, b);
	return 0.5 * (log(big) + log1p(small / big) - lcl - lcu) - LN_SQRT_2PI
		- (lgamma_remainder(a) + lgamma_remainder(b) - lgamma_remainder(a + b));
}

/*
 * Gamma(c) Gamma(d) / (Gamma(e) Gamma(f)), 0 when e or f is a pole.  When
 * mag is not NULL, *mag is raised to the sum of the |ln Gamma| it cancelled:
 * the exp() of that sum is off by about 1e-16 * *mag relatively.
 */
static double
gamma_ratio(double c, double d, double e, double f, double *mag)
{
	double		lc,
				ld,
				le,
				lf;

	if (is_nonpos_int(e) || is_nonpos_int(f))
		return 0.0;
	lc = lgamma(c);
	ld = lgamma(d);
	le = lgamma(e);
	lf = lgamma(f);
	if (mag)
		*mag = fmax(*mag, fabs(lc) + fabs(ld) + fabs(le) + fabs(lf));
	return cr_gamma_sign(c) * cr_gamma_sign(d) * cr_gamma_sign(e) * cr_gamma_sign(f) *
		exp(lc + ld - le - lf);
}

/* A&S 15.3.6, 0 < z < 1 given as w = 1 - z, c-a-b not an integer */
static double
hyp_near_one(double a, double b, double c, double w, double *err)
{
	double		s = c - a - b,
				mag = 1.0,
				t1,
				t2,
				e1 = 0.0,
				e2 = 0.0;

	t1 = gamma_ratio(c, s, c - a, c - b, &mag);
	if (t1 != 0.0)
	{
		double		f = hyp_series_err(a, b, 1.0 - s, w, &e1);

		e1 *= fabs(t1);
		t1 *= f;
	}
	t2 = gamma_ratio(c, -s, a, b, &mag);
	if (t2 != 0.0)
	{
		double		g = t2 * pow(w, s),
					f = hyp_series_err(c - a, c - b, 1.0 + s, w, &e2);

		e2 *= fabs(g);
		t2 = g * f;
	}
	/* the two terms carry relative errors of about 1e-16 mag */
	*err = 2.2e-16 * mag * fmax(fabs(t1), fabs(t2)) + e1 + e2;
	return hyp_sum(t1 + t2, mag * fmax(fabs(t1), fabs(t2)));
}

/*
 * The cubic through (e[i], f[i] exp(-lam e[i])), i = 0..3, at 0; *c3 is
 * its leading coefficient (the third divided difference), *err what the
 * errors fe[i] of the f[i] make of it.
 */
static double
hyp_cubic0(const double *e, const double *f, const double *fe, double lam, double *c3,
		   double *err)
{
	double		sum = 0.0;

	*c3 = 0.0;
	*err = 0.0;
	for (int i = 0; i < 4; i++)
	{
		double		x = exp(-lam * e[i]),
					l = 1.0,
					q = 1.0,
					fi = f[i] * x;

		for (int j = 0; j < 4; j++)
			if (j != i)
			{
				l *= e[j] / (e[j] - e[i]);	/* Lagrange weight at 0 */
				q *= e[i] - e[j];
			}
		sum += l * fi;
		*err += fabs(l * x) * fe[i];
		*c3 += fi / q;
	}
	return sum;
}

/*
 * 2F1 at z = 1 - w, w < 0.1.  Near an integer c-a-b = n + d, |d| < 2h, the
 * cubic through the four points at n + k h (k = -2, -1, 1, 2; c shifted by
 * k h - d) is evaluated at d.  Against mpmath (BG/NBD-like parameters up to
 * 200, w from 1e-5 to 0.1) its worst relative error was 3.6e-10, where the
 * mean of the two points at c +- 1e-5 used before reached 6.9e-9: a quadratic
 * error of that spacing, and poles only 1e-5 away.
 *
 * What is interpolated is 2F1 divided by what varies fast in c, else a
 * cubic 4e-4 wide misses it:
 * - Gamma(c), for c < HYP_REG_C: 2F1 has poles at c = 0, -1, ..., which
 *   2F1 / Gamma(c) has not (c = 0.001: 0.8% off; BG/NBD's Euler form with
 *   a + b = 1.01, x = 0, r = a: c = 0.01, 6e-7 off; c = 2e-4: 78%)
 * - w^(c-a-b), for n < 0, when the term with that factor dominates (1e-10
 *   to 3.5e-10 off at w = 1e-12..1e-15): of the cubics with and without it,
 *   the one with the smaller leading coefficient relative to its value.
 * The nodes' actual offsets ck - c (c + k h - d rounds when c is large) are
 * the abscissae.
 */
#define HYP_REG_C 10.0

static double
hyp_upper(double a, double b, double c, double w, double *err)
{
	static const double k[4] = {-2.0, -1.0, 1.0, 2.0};
	double		s = c - a - b,
				d = s - nearbyint(s),
				lgc = c < HYP_REG_C ? lgamma(c) : 0.0,
				e[4],
				f[4],
				v,
				c3,
				vw,
				c3w,
				ew,
				fe[4];

	if (!(fabs(d) < 2.0 * HYP_STEP))
		return hyp_near_one(a, b, c, w, err);
	for (int i = 0; i < 4; i++)
	{
		double		ck = c + (k[i] * HYP_STEP - d);

		e[i] = ck - c;
		f[i] = hyp_near_one(a, b, ck, w, &fe[i]);
		/* times Gamma(c) / Gamma(ck) */
		if (c < HYP_REG_C)
		{
			double		g = cr_gamma_sign(c) * cr_gamma_sign(ck) * exp(lgc - lgamma(ck));

			f[i] *= g;
			fe[i] *= fabs(g);
		}
	}
	v = hyp_cubic0(e, f, fe, 0.0, &c3, err);
	if (nearbyint(s) < 0.0)
	{
		vw = hyp_cubic0(e, f, fe, log(w), &c3w, &ew);
		if (fabs(c3w * v) < fabs(c3 * vw))
		{
			v = vw;
			*err = ew;
		}
	}
	/* the points' errors through the cubic, and the cubic's own, O(1e-10) */
	*err += 1e-10 * fabs(v);
	return v;
}

double
cr_hyp2f1(double a, double b, double c, double z)
{
	return cr_hyp2f1_w(a, b, c, z, 1.0 - z);
}

double
cr_hyp2f1_w(double a, double b, double c, double z, double w)
{
	double		err;

	return cr_hyp2f1_w_err(a, b, c, z, w, &err);
}

double
cr_hyp2f1_w_err(double a, double b, double c, double z, double w, double *err)
{
	double		v,
				e;

	*err = 0.0;
	if (isnan(a) || isnan(b) || isnan(c) || isnan(z) || isnan(w) || z > 1.0 || isinf(z) ||
		w < 0.0)
		return NAN;
	if (z == 0.0 || a == 0.0 || b == 0.0)
		return is_nonpos_int(c) && a != 0.0 && b != 0.0 ? NAN : 1.0;
	if (is_nonpos_int(c) && !(is_nonpos_int(a) && a > c) && !(is_nonpos_int(b) && b > c))
		return NAN;
	if (w == 0.0)
	{
		double		mag = 1.0;

		if (c - a - b <= 0.0)
			return NAN;
		v = gamma_ratio(c, c - a - b, c - a, c - b, &mag);
		*err = 2.2e-16 * mag * fabs(v);
		return v;
	}
	/* terminating series: a polynomial, exact for every z */
	if ((is_nonpos_int(a) || is_nonpos_int(b)) && fabs(z) <= 1.0)
		return hyp_series_err(a, b, c, z, err);
	if (fabs(z) <= 0.9)
		return hyp_series_err(a, b, c, z, err);
	if (z > 0.9)
		return hyp_upper(a, b, c, w, err);
	/* z < -0.9: Pfaff, onto v = z/(z-1) in (0.47, 1), 1 - v = 1/(1-z) */
	v = z / (z - 1.0);
	e = pow(w, -a);
	v = v <= 0.9 ? hyp_series_err(a, c - b, c, v, err)
		: hyp_upper(a, c - b, c, 1.0 / w, err);
	*err *= e;
	return e * v;
}

double
cr_log_hyp2f1_tail(double a, double b, double c, double z)
{
	double		term = 1.0,
				sum = 1.0,
				lscale;
	int			n;

	if (!(a > 0.0 && b > 0.0 && c > -1.0 && c != 0.0 && z > 0.0 && z <= 0.9) ||
		!isfinite(a) || !isfinite(b) || !isfinite(c))
		return NAN;
	/* the terms from n = 1 on, relative to the first, a b z / c */
	lscale = log(a) + log(b) + log(z) - log(fabs(c));
	for (n = 1; n < HYP_MAX_TERMS; n++)
	{
		double		rho = (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;

		term *= rho;
		sum += term;
		if (sum > 1e200)
		{
			sum *= 1e-200;
			term *= 1e-200;
			lscale += 460.51701859880914;	/* 200 ln 10 */
		}
		/*
		 * positive terms whose ratio, once below 1, keeps falling towards z
		 * (a + b > c + 1 past the peak, as in the BG/NBD): the tail is below
		 * term rho / (1 - rho)
		 */
		if (rho < 1.0 && term * rho <= 1e-17 * (1.0 - rho) * sum)
			return lscale + log(sum);
	}
	return NAN;
}
