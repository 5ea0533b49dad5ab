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

/* a product that neither overflowed nor lost digits to underflow */
static int
gg_whole(double v)
{
	return v == 0.0 || (isfinite(v) && fabs(v) >= DBL_MIN);
}

double
cr_gammagamma_expected_spend(const CrGammaGamma *m, double x, double mean)
{
	double		px = m->p * x,
				pg = m->p * m->gamma,
				xm = x * mean,
				den = px + (m->q - 1.0),	/* q - 1 exact near 1: p x keeps its digits */
				r;
	long double lden;

	if (!(den > 0.0))
		return NAN;
	r = x == 0.0 ? pg / den		/* the prior mean: mean is not used */
		: m->p * (m->gamma + xm) / den;
	if (gg_whole(px) && gg_whole(pg) && gg_whole(xm) && gg_whole(r) &&
		(x == 0.0 || gg_whole(m->p * (m->gamma + xm))))
		return r;

	/*
	 * A product left the double range (p = 1e300 and x = 1e10, say) while
	 * the answer, a weighted mean of m and the prior mean, may not have:
	 * the same formula in long double, whose exponent range holds every
	 * product of two doubles where long double is wider (x86-64, aarch64);
	 * elsewhere this gives what double gave.
	 */
	lden = (long double) m->p * x + (long double) (m->q - 1.0);
	if (x == 0.0)
		return (double) ((long double) m->p * m->gamma / lden);
	return (double) ((long double) m->p * ((long double) m->gamma + (long double) x * mean) / lden);
}
