/*
 * cr_chi2.c
 *	  Upper tail of the chi-square distribution (see cr_chi2.h): Q(a, x),
 *	  the regularized upper incomplete gamma function, at a = df / 2 and
 *	  x = chi2 / 2.
 *
 * The prefactor x^a e^-x / Gamma(a) is where the digits go: as
 * exp(a log x - x - lgamma(a)) its exponent runs to hundreds, and each
 * unit of its rounding error (1e-16 of the exponent) is an error of its
 * size in the result (8e-13 relative at 999 df, as this function once
 * computed it).  Here it is a product of factors each within an ulp, kept
 * as a mantissa and a binary exponent so that none overflows or underflows
 * and the result is rounded once at the end (also where it is subnormal):
 *
 *	 a < 16:	x^a (pow of x's mantissa, exact powers of 2 apart) times e^-x
 *				(exp of a reduced argument, exact powers of 2 apart) over
 *				Gamma(a) (an exact product times sqrt(pi) at half-integers);
 *	 a >= 16:	sqrt(a / 2 pi) (x/a)^a e^(a - x) e^-s(a), Stirling's formula
 *				Gamma(a) = sqrt(2 pi / a) (a/e)^a e^s(a) with its series s(a),
 *				(x/a)^a as q^a (1 + a d) with q = x / a rounded and d its
 *				relative rounding error (exact through fma), a - x as a
 *				double-double.
 *
 * The rest follows from a being an integer or half an odd integer:
 *
 *	 x < a:		Q = 1 - P with P's power series (positive terms; Q > 0.3);
 *	 x >= a:	the finite sum Q(a, x) = sum of the terms x^(b-1) e^-x / Gamma(b)
 *				for b = a, a - 1, ..., down to 1 or 3/2 (positive and falling,
 *				each from the last), plus Q(1/2, x) = erfc(sqrt(x)) at
 *				half-integers: erfc below x = 50, above it the term of b = 3/2
 *				times Legendre's continued fraction, scaled with the rest.
 *
 * df = 2 is exp(-x); df = 1 is erfc(sqrt(x)) corrected for the rounding of
 * the square root (it would otherwise cost x ulp), and the continued
 * fraction above x = 50.  The sums carry their terms and themselves as
 * double-doubles (Chain).  Against mpmath the error is below 1e-15 up to
 * 2000 df (test/reference/chi2_sf_reference.py; the unit test asks 2e-15).
 */
#include "cr_chi2.h"

#include <math.h>
#include <stdint.h>

#define CHI2_SQRT_PI 1.7724538509055160272981674833411452
#define CHI2_INV_SQRT_PI 0.56418958354775628694807945156077259
#define CHI2_INV_SQRT_2PI 0.39894228040143267793994605993438187
#define CHI2_LOG2E 1.4426950408889634073599246810018921
/* ln 2 in two parts, the first with 32 significant bits (fdlibm's) */
#define CHI2_LN2_HI 6.93147180369123816490e-01
#define CHI2_LN2_LO 1.90821492927058770002e-10

/* past x = 2a + this, Q(a, x) is below half the smallest subnormal */
#define CHI2_X_TAIL 2000.0
/* where Q(1/2, x) changes from erfc to the continued fraction */
#define CHI2_X_CF 50.0

/* m 2^e: a value whatever its exponent (m in [0.5, 1), or 0) */
typedef struct Scaled
{
	double		m;
	int64_t		e;
} Scaled;

static Scaled
sc_make(double m, int64_t e)
{
	Scaled		r;
	int			k;

	r.m = frexp(m, &k);
	r.e = r.m == 0 ? 0 : e + k;
	return r;
}

static Scaled
sc_mul(Scaled a, Scaled b)
{
	return sc_make(a.m * b.m, a.e + b.e);
}

static Scaled
sc_scale(Scaled a, double b)
{
	return sc_make(a.m * b, a.e);
}

/* rounded once, to a subnormal or 0 where that small */
static double
sc_value(Scaled a)
{
	if (a.m == 0 || a.e < -1100)
		return 0;
	return ldexp(a.m, a.e > 1100 ? 1100 : (int) a.e);
}

/*
 * y^(df / 2) for y >= 0 finite: y = f 2^(2k), f in [0.5, 2), so
 * y^(df / 2) = f^(df / 2) 2^(k df) with f^(df / 2) in range (df <=
 * CR_CHI2_MAX_DF = 2000), one pow within an ulp.
 */
static Scaled
sc_pow(double y, int df)
{
	int			ey;
	double		f = frexp(y, &ey);
	Scaled		r;

	if (ey % 2 != 0)
	{
		f *= 2;
		ey--;
	}
	r = sc_make(pow(f, df * 0.5), 0);
	r.e += (int64_t) (ey / 2) * df;
	return r;
}

/*
 * exp(hi + lo) for |hi| < 1.4e6 and |lo| <= ulp(hi): hi = k ln 2 + r with
 * k ln2_hi exact and the subtraction exact (Sterbenz), then one exp within
 * an ulp of r (|r| <= 0.35).
 */
static Scaled
sc_exp(double hi, double lo)
{
	double		k = rint(hi * CHI2_LOG2E),
				r = (hi - k * CHI2_LN2_HI) - k * CHI2_LN2_LO + lo;

	return sc_make(exp(r), (int64_t) k);
}

/* Gamma(df / 2) for df < 32: an exact product (times sqrt(pi) at half-integers) */
static double
gamma_small(int df)
{
	double		g = 1;

	for (double t = df % 2 ? 0.5 : 1; t < df * 0.5; t += 1)
		g *= t;
	return df % 2 ? g * CHI2_SQRT_PI : g;
}

/* s(a) = lgamma(a) - (a - 1/2) log a + a - log(2 pi) / 2 for a >= 16: Stirling's series */
static double
stirling_s(double a)
{
	double		z = 1 / (a * a);

	return (1.0 / 12 + z * (-1.0 / 360 + z * (1.0 / 1260 + z * (-1.0 / 1680 +
			z * (1.0 / 1188 + z * (-691.0 / 360360 + z / 156)))))) / a;
}

/* x^a e^-x / Gamma(a), a = df / 2, x > 0 */
static Scaled
prefix(int df, double x)
{
	double		a = df * 0.5,
				q,
				d,
				s,
				bb,
				lo;
	Scaled		p;

	if (df < 32)
		return sc_scale(sc_mul(sc_pow(x, df), sc_exp(-x, 0)), 1 / gamma_small(df));
	q = x / a;
	d = fma(-q, a, x) / x;		/* x / a = q (1 + d) */
	s = a - x;					/* a - x = s + lo exactly (TwoSum) */
	bb = s - a;
	lo = (a - (s - bb)) + (-x - bb);
	p = sc_mul(sc_pow(q, df), sc_exp(s, lo));
	p = sc_scale(p, (1 + a * d) * exp(-stirling_s(a)));
	return sc_scale(p, sqrt(a) * CHI2_INV_SQRT_2PI);
}

/*
 * Legendre's continued fraction Gamma(a, x) e^x x^-a, about 1 / x (modified
 * Lentz); used at a = 1/2, x >= CHI2_X_CF, where it takes some 10 steps.
 */
static double
legendre_cf(double a, double x)
{
	double		b = x + 1 - a,
				c = 1e300,
				d = 1 / b,
				h = d;

	for (int i = 1; i < 1000; i++)
	{
		double		an = -i * (i - a),
					del;

		b += 2;
		d = 1 / (an * d + b);
		c = b + an / c;
		del = d * c;
		h *= del;
		if (fabs(del - 1) < 0x1p-55)
			break;
	}
	return h;
}

/*
 * A term of a sum and the sum so far, each as a double-double (hi + lo):
 * the terms come each from the last, t *= n / d, and a double's chain would
 * carry the rounding of every step into the later terms (2.5e-15 in all
 * near the mean at 600 df, its rounding errors adding up over some 100
 * terms); this keeps them below 1e-16 of the sum.
 */
typedef struct Chain
{
	double		t,
				t_lo,
				sum,
				sum_lo;
} Chain;

/* t *= n / d, then sum += t */
static void
chain_step(Chain *c, double n, double d)
{
	double		r = n / d,
				r_lo = fma(-r, d, n) / d,	/* n / d = r + r_lo */
				p = c->t * r,
				p_lo = fma(c->t, r, -p) + (c->t * r_lo + c->t_lo * r),
				s,
				bb;

	c->t = p + p_lo;
	c->t_lo = p_lo - (c->t - p);
	s = c->sum + c->t;			/* TwoSum */
	bb = s - c->sum;
	c->sum_lo += (c->sum - (s - bb)) + (c->t - bb) + c->t_lo;
	c->sum = s;
}

/* P(a, x) for 0 < x < a, a = df / 2 >= 3/2: the power series */
static double
lower_p(int df, double x)
{
	double		a = df * 0.5;
	Chain		c = {1, 0, 1, 0};

	for (double ap = a + 1;; ap += 1)
	{
		chain_step(&c, x, ap);
		/* the rest is below t x / (ap + 1 - x) */
		if (c.t * x <= c.sum * 0x1p-56 * (ap + 1 - x))
			break;
	}
	return sc_value(sc_scale(prefix(df, x), (c.sum + c.sum_lo) / a));
}

/* Q(a, x) for x >= a, a = df / 2 >= 3/2: the finite sum, from its largest term */
static double
upper_q(int df, double x)
{
	double		a = df * 0.5;
	Chain		c = {1, 0, 1, 0};
	Scaled		top = sc_scale(prefix(df, x), 1 / x);

	for (double b = a - 1; b >= 1; b -= 1)
	{
		chain_step(&c, b, x);
		/* the rest (Q(1/2, x) too) is below t b / (x - b) */
		if (c.t * b <= c.sum * 0x1p-56 * (x - b))
			return sc_value(sc_scale(top, c.sum + c.sum_lo));
	}
	if (df % 2 == 0)
		return sc_value(sc_scale(top, c.sum + c.sum_lo));
	if (x < CHI2_X_CF)
		return sc_value(sc_scale(top, c.sum + c.sum_lo)) + erfc(sqrt(x));
	/* Q(1/2, x) = x^(1/2) e^-x / Gamma(1/2) cf = (the term of 3/2) cf / 2 */
	return sc_value(sc_scale(top, c.sum + (c.sum_lo + c.t * legendre_cf(0.5, x) * 0.5)));
}

double
cr_chi2_sf(double chi2, int df)
{
	double		x;

	if (isnan(chi2) || df < 1 || df > CR_CHI2_MAX_DF)
		return NAN;
	x = chi2 * 0.5;
	if (x <= 0)
		return 1;
	if (x > df + CHI2_X_TAIL)
		return 0;
	if (df == 2)
		return exp(-x);
	if (df == 1)
	{
		double		s,
					e;

		if (x >= CHI2_X_CF)
			return sc_value(sc_scale(prefix(1, x), legendre_cf(0.5, x)));
		/* erfc(sqrt(x)) with sqrt(x) = s + e / (2 s) */
		s = sqrt(x);
		e = fma(-s, s, x);
		return erfc(s) - e / s * CHI2_INV_SQRT_PI * exp(-x);
	}
	if (x < df * 0.5)
		return 1 - lower_p(df, x);
	return upper_q(df, x);
}
