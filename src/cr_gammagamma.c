/*
 * cr_gammagamma.c
 *	  Gamma-Gamma spend model (see cr_gammagamma.h).  Plain C.
 */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cr_gammagamma.h"
#include "cr_hyp2f1.h"

/* an estimate 1e8 times above or below its start has run off */
#define GG_LOG_BOUND 18.420680743952367
#define GG_MAXITER 1000

static int
spend_cmp(const void *pa, const void *pb)
{
	const CrSpendRow *a = pa,
			   *b = pb;

	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->m != b->m)
		return a->m < b->m ? -1 : 1;
	return 0;
}

void
cr_spend_rows_sort(CrSpendRow *rows, size_t n)
{
	if (n > 1)
		qsort(rows, n, sizeof(CrSpendRow), spend_cmp);
}

/*
 * The log-likelihood with every spend multiplied by scale (a power of two:
 * the products are exact).
 */
static double
gg_loglik_scaled(const CrGammaGamma *m, const CrSpendRow *rows, size_t n, double scale,
				 double *grad)
{
	double		ll = 0.0,
				g[3] = {0, 0, 0},
				lgq = lgamma(m->q),
				lgam = log(m->gamma),
				psiq = grad ? cr_digamma(m->q) : 0.0;
	size_t		i;

	for (i = 0; i < n; i++)
	{
		double		x = rows[i].x,
					mi = rows[i].m * scale,
					px = m->p * x,
					lm = log(mi),
					lx = log(x),
					den = m->gamma + x * mi,
					lden = log(den);

		ll += lgamma(px + m->q) - lgamma(px) - lgq + m->q * lgam
			+ (px - 1.0) * lm + px * lx - (px + m->q) * lden;
		if (grad)
		{
			double		psi_pq = cr_digamma(px + m->q);

			g[0] += x * (psi_pq - cr_digamma(px) + lm + lx - lden);
			g[1] += psi_pq - psiq + lgam - lden;
			g[2] += m->q / m->gamma - (px + m->q) / den;
		}
	}
	if (grad)
		memcpy(grad, g, sizeof(g));
	return ll;
}

double
cr_gammagamma_loglik(const CrGammaGamma *m, const CrSpendRow *rows, size_t n,
					 double *grad)
{
	return gg_loglik_scaled(m, rows, n, 1.0, grad);
}

typedef struct GgData
{
	const CrSpendRow *rows;
	size_t		n;
	double		scale;
} GgData;

static double
gg_loglik(const double *p, double *grad, void *arg)
{
	GgData	   *d = arg;
	CrGammaGamma m = {p[0], p[1], p[2]};

	return gg_loglik_scaled(&m, d->rows, d->n, d->scale, grad);
}

CrFitStatus
cr_gammagamma_fit(const CrSpendRow *rows, size_t n, cr_optim_tick tick,
				  void *tick_arg, CrGammaGammaFit *out)
{
	GgData		d = {rows, n, 1.0};
	CrMlFit		f;
	double		sm = 0.0,
				se = 0.0;
	int			varies = 0,
				diverged;
	size_t		i;
	CrOptimStatus st;

	memset(out, 0, sizeof(*out));
	out->n = (double) n;
	if (n == 0)
		return CR_FIT_NO_ROWS;
	for (i = 0; i < n; i++)
	{
		se += ilogb(rows[i].m);
		if (rows[i].m != rows[0].m)
			varies = 1;
	}
	if (!varies)
		return CR_FIT_NO_REPEAT;
	d.scale = cr_fit_scale(se / (double) n);
	for (i = 0; i < n; i++)
		sm += rows[i].m * d.scale;
	/* p = 1, q = 2 and gamma so that the population mean p gamma / (q - 1) is the mean spend */
	f.p[0] = 1.0;
	f.p[1] = 2.0;
	f.p[2] = sm / (double) n;
	st = cr_ml_fit(gg_loglik, &d, 3, (double) n, GG_LOG_BOUND, GG_MAXITER, tick,
				   tick_arg, &f, &diverged);
	out->iterations = f.iterations;
	if (diverged)
		return CR_FIT_DIVERGED;
	if (st != CR_OPTIM_CONVERGED)
		return CR_FIT_NOT_CONVERGED;
	/*
	 * Back to the spends' unit: gamma scales with them, and each member's
	 * density of its mean spend by 1 / scale.
	 */
	out->m.p = f.p[0];
	out->m.q = f.p[1];
	out->m.gamma = f.p[2] / d.scale;
	out->log_likelihood = f.log_likelihood + (double) n * log(d.scale);
	memcpy(out->se, f.se, sizeof(out->se));
	out->se[2] /= d.scale;
	for (i = 0; i < 3; i++)
		if (isnan(out->se[i]))
			return CR_FIT_FLAT;
	return CR_FIT_OK;
}

/* a value that neither overflowed nor lost digits to underflow (nor became 0) */
static int
gg_whole(double v)
{
	return isfinite(v) && fabs(v) >= DBL_MIN;
}

/*
 * p x + q - 1 as hi + *lo to about 2^-104 relative, however much p x and
 * q - 1 cancel (q < 1, p x near 1 - q, where p x + (q - 1) in double can be
 * off in every digit, or 0 for a positive value): p x = a + b exactly (fma),
 * q - 1 = c + d exactly (TwoSum), then their sum in double-double (Joldes,
 * Muller and Popescu 2017, AccurateDWPlusDW, whose relative error is bounded
 * whatever the cancellation).  p x must be at least 2^-969 (b exact).
 * volatile: a compiler that fuses a multiply and an add (GCC does on aarch64
 * by default) must not fuse p x into the sums, which need it rounded.
 */
static double
gg_den(double p, double x, double q, double *lo)
{
	volatile double px = p * x;
	double		a = px,
				b = fma(p, x, -a),
				c = q - 1.0,
				cv = c - q,
				d = (q - (c - cv)) + (-1.0 - cv),
				sh = a + c,
				sv = sh - a,
				sl = (a - (sh - sv)) + (c - sv),
				th = b + d,
				tv = th - b,
				tl = (b - (th - tv)) + (d - tv),
				vh,
				vl,
				zh;

	sl += th;
	vh = sh + sl;
	vl = sl - (vh - sh);
	vl += tl;
	zh = vh + vl;
	*lo = vl - (zh - vh);
	return zh;
}

/*
 * The expected spend in long double, whose exponent range holds every
 * product of two doubles where long double is wider (x86-64, aarch64);
 * elsewhere this gives what double gives.  den + lo: p x + q - 1 from
 * gg_den when it was needed, else den is not used.
 */
static long double
gg_spend_wide(const CrGammaGamma *m, double x, double mean, double den, double lo, int exact_den)
{
	long double lden = exact_den ? (long double) den + lo
		: (long double) m->p * x + ((long double) m->q - 1.0L);

	if (x == 0.0)
		return (long double) m->p * m->gamma / lden;
	return (long double) m->p * ((long double) m->gamma + (long double) x * mean) / lden;
}

/*
 * The expected spend, or NaN; *wide: whether the double formula lost the
 * answer and gg_spend_wide must give it.
 */
static double
gg_spend(const CrGammaGamma *m, double x, double mean, double *den, double *lo, int *exact_den,
		 int *wide)
{
	double		px = m->p * x,
				xm,
				num,
				r;

	*den = px + (m->q - 1.0);	/* q - 1 exact near 1 */
	*lo = 0.0;
	*exact_den = 0;
	/* p x near 1 - q: as computed here, its sign may even be wrong */
	if (m->q < 1.0 && gg_whole(px) && !(*den > 0.5 * px))
	{
		*den = gg_den(m->p, x, m->q, lo);
		*exact_den = 1;
	}
	*wide = 0;
	if (!(*den > 0.0))
		return NAN;
	if (x == 0.0)
	{
		/* the prior mean: mean is not used */
		double		pg = m->p * m->gamma;

		r = pg / *den;
		*wide = !(gg_whole(pg) && gg_whole(*den) && gg_whole(r));
		return r;
	}
	xm = x * mean;
	num = m->p * (m->gamma + xm);
	r = num / *den;

	/*
	 * A product or sum left the double range (p = 1e300 and x = 1e10, say)
	 * while the answer, a weighted mean of m and the prior mean, may not
	 * have; or the answer itself is beyond it, or subnormal.  (p, gamma > 0:
	 * a 0 is an underflow.)
	 */
	*wide = !(gg_whole(px) && gg_whole(xm) && gg_whole(num) &&
			  gg_whole(*den) && gg_whole(r));
	return r;
}

double
cr_gammagamma_expected_spend(const CrGammaGamma *m, double x, double mean)
{
	double		den,
				lo,
				r;
	int			exact_den,
				wide;

	r = gg_spend(m, x, mean, &den, &lo, &exact_den, &wide);
	return wide ? (double) gg_spend_wide(m, x, mean, den, lo, exact_den) : r;
}

double
cr_gammagamma_expected_spend_frexp(const CrGammaGamma *m, double x, double mean, int *e)
{
	double		den,
				lo,
				r;
	int			exact_den,
				wide;

	r = gg_spend(m, x, mean, &den, &lo, &exact_den, &wide);
	if (!wide || isnan(r))
		return frexp(r, e);
	return (double) frexpl(gg_spend_wide(m, x, mean, den, lo, exact_den), e);
}
