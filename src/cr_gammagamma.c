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

/*
 * An estimate 1e8 times above or below its start has run off: a backstop.
 * Whether the data have a maximum is decided by the faces (see
 * cr_gammagamma_faces), whatever the start.
 */
#define GG_LOG_BOUND 18.420680743952367
#define GG_MAXITER 1000
#define GG_NEWTON_MAXITER 100

/*
 * A maximum must lie above the faces' by more than this many units in the
 * last place of the sum of the |terms| of the two log-likelihoods (their
 * rounding: at q = 3e7 each lgamma(q) is 5e8, and the log-likelihood of
 * data running off there, -62.8 at the face, came out 1e-6 above it)
 */
#define GG_FACE_ULPS 64.0

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

/*
 * The log-likelihood with its gradient and Hessian in (p, q, gamma), for
 * Newton.  The trigammas depend on x alone: rows of the same x (sorted rows
 * come in runs) share them.
 */
static double
gg_loglik_hess(const double *p, double *grad, double hess[CR_OPTIM_MAXK][CR_OPTIM_MAXK],
			   void *arg)
{
	GgData	   *d = arg;
	CrGammaGamma m = {p[0], p[1], p[2]};
	double		ll = gg_loglik_scaled(&m, d->rows, d->n, d->scale, grad),
				tq = cr_trigamma(m.q),
				h[3][3] = {{0}},
				xprev = NAN,
				tpx = 0.0,
				tpq = 0.0;
	size_t		i;
	int			a,
				b;

	for (i = 0; i < d->n; i++)
	{
		double		x = d->rows[i].x,
					px = m.p * x,
					den = m.gamma + x * (d->rows[i].m * d->scale);

		if (x != xprev)
		{
			tpx = cr_trigamma(px);
			tpq = cr_trigamma(px + m.q);
			xprev = x;
		}
		h[0][0] += x * x * (tpq - tpx);
		h[0][1] += x * tpq;
		h[0][2] -= x / den;
		h[1][1] += tpq - tq;
		h[1][2] += 1.0 / m.gamma - 1.0 / den;
		h[2][2] += (px + m.q) / (den * den) - m.q / (m.gamma * m.gamma);
	}
	for (a = 0; a < 3; a++)
		for (b = 0; b < 3; b++)
			hess[a][b] = a <= b ? h[a][b] : h[b][a];
	return ll;
}

/*
 * The faces of the parameter space (see cr_gammagamma_faces).  Each face's
 * profile score in a log-parameter u is decreasing (the profile
 * log-likelihood is strictly concave); its root is found from a bracket by
 * Newton, bisecting where a step leaves the bracket.
 */
typedef double (*gg_score_fn) (double u, double *dscore, const GgData *d, const double *c);

/* face A's score in u = log p; c: sum x, sum x log(x m), log(sum x m) */
static double
gg_score_nu(double u, double *dscore, const GgData *d, const double *c)
{
	double		p = exp(u),
				spsi = 0.0,
				stri = 0.0,
				xprev = NAN,
				psi = 0.0,
				tri = 0.0;
	size_t		i;

	for (i = 0; i < d->n; i++)
	{
		double		x = d->rows[i].x;

		if (x != xprev)
		{
			psi = cr_digamma(p * x);
			tri = cr_trigamma(p * x);
			xprev = x;
		}
		spsi += x * psi;
		stri += x * x * tri;
	}
	*dscore = c[0] - p * stri;
	return c[0] * (u + log(c[0]) - c[2]) + c[1] - spsi;
}

/* face B's score in u = log q; c: n, sum log m, log(sum 1 / m) */
static double
gg_score_s(double u, double *dscore, const GgData *d, const double *c)
{
	double		q = exp(u);

	(void) d;
	*dscore = c[0] * (1.0 - q * cr_trigamma(q));
	return c[0] * (u + log(c[0]) - c[2] - cr_digamma(q)) - c[1];
}

/*
 * The root of a decreasing score, or NaN when there is none within
 * |u| <= 700; tick (when not NULL) before each pass over the rows.
 */
static double
gg_score_root(gg_score_fn score, const GgData *d, const double *c, cr_optim_tick tick,
			  void *tick_arg)
{
	double		lo = 0.0,
				hi = 0.0,
				u,
				s,
				ds;
	int			it;

	/* a bracket: score(lo) > 0 > score(hi) */
	for (it = 0; !((s = score(lo, &ds, d, c)) > 0.0); it++)
	{
		if (tick)
			tick(tick_arg);
		if (isnan(s) || (lo -= ldexp(1.0, it)) < -700.0)
			return NAN;
	}
	for (it = 0; !((s = score(hi, &ds, d, c)) < 0.0); it++)
	{
		if (tick)
			tick(tick_arg);
		if (isnan(s) || (hi += ldexp(1.0, it)) > 700.0)
			return NAN;
	}
	u = 0.5 * (lo + hi);
	for (it = 0; it < 200; it++)
	{
		double		un;

		if (tick)
			tick(tick_arg);
		s = score(u, &ds, d, c);
		if (isnan(s))
			return NAN;
		if (s == 0.0)
			return u;
		if (s > 0.0)
			lo = u;
		else
			hi = u;
		un = isfinite(s) && ds < 0.0 ? u - s / ds : NAN;
		if (!(un > lo && un < hi))
			un = 0.5 * (lo + hi);
		if (fabs(un - u) <= 4.0 * DBL_EPSILON * fmax(1.0, fabs(u)) || un == lo || un == hi)
			return un;
		u = un;
	}
	return u;
}

/*
 * The two faces' maximum log-likelihoods (-infinity where not found) and
 * each one's sum of |terms|, the scale of its rounding, over d's scaled
 * spends.
 */
static void
gg_faces(const GgData *d, cr_optim_tick tick, void *tick_arg, double ll[2], double mag[2])
{
	double		ca[3] = {0, 0, 0},
				cb[3] = {(double) d->n, 0, 0},
				sxm = 0.0,
				sinv = 0.0,
				u;
	size_t		i;

	ll[0] = ll[1] = -INFINITY;
	mag[0] = mag[1] = 0.0;
	if (d->n == 0)
		return;
	for (i = 0; i < d->n; i++)
	{
		double		x = d->rows[i].x,
					m = d->rows[i].m * d->scale;

		ca[0] += x;
		ca[1] += x * log(x * m);
		sxm += x * m;
		cb[1] += log(m);
		sinv += 1.0 / m;
	}
	ca[2] = log(sxm);
	cb[2] = log(sinv);
	/* A: Gamma(p x, nu x) spends, nu = p sum x / sum x m at its maximum */
	if (isfinite(sxm) && isfinite(u = gg_score_root(gg_score_nu, d, ca, tick, tick_arg)))
	{
		double		p = exp(u),
					nu = p * ca[0] / sxm,
					l = 0.0,
					g = 0.0;

		for (i = 0; i < d->n; i++)
		{
			double		x = d->rows[i].x,
						m = d->rows[i].m * d->scale,
						t[4] = {p * x * log(nu * x), lgamma(p * x), (p * x - 1.0) * log(m),
				nu * x * m};

			l += t[0] - t[1] + t[2] - t[3];
			g += fabs(t[0]) + fabs(t[1]) + fabs(t[2]) + fabs(t[3]);
		}
		if (isfinite(l))
		{
			ll[0] = l;
			mag[0] = g;
		}
	}
	/* B: inverse Gamma(q, s) spends, s = q n / sum (1 / m) at its maximum */
	if (isfinite(sinv) && isfinite(u = gg_score_root(gg_score_s, d, cb, tick, tick_arg)))
	{
		double		q = exp(u),
					s = q * cb[0] / sinv,
					qls = q * log(s),
					lgq = lgamma(q),
					l = 0.0,
					g = 0.0;

		for (i = 0; i < d->n; i++)
		{
			double		m = d->rows[i].m * d->scale,
						t[2] = {(q + 1.0) * log(m), s / m};

			l += qls - lgq - t[0] - t[1];
			g += fabs(qls) + fabs(lgq) + fabs(t[0]) + fabs(t[1]);
		}
		if (isfinite(l))
		{
			ll[1] = l;
			mag[1] = g;
		}
	}
}

void
cr_gammagamma_faces(const CrSpendRow *rows, size_t n, double ll[2])
{
	GgData		d = {rows, n, 1.0};
	double		mag[2];

	gg_faces(&d, NULL, NULL, ll, mag);
}

/* the sum of |terms| of the log-likelihood at m: the scale of its rounding */
static double
gg_loglik_mag(const CrGammaGamma *m, const GgData *d)
{
	double		mag = 0.0,
				fixed = fabs(lgamma(m->q)) + fabs(m->q * log(m->gamma));
	size_t		i;

	for (i = 0; i < d->n; i++)
	{
		double		x = d->rows[i].x,
					mi = d->rows[i].m * d->scale,
					px = m->p * x;

		mag += fixed + fabs(lgamma(px + m->q)) + fabs(lgamma(px))
			+ fabs((px - 1.0) * log(mi)) + fabs(px * log(x))
			+ fabs((px + m->q) * log(m->gamma + x * mi));
	}
	return mag;
}

CrFitStatus
cr_gammagamma_fit(const CrSpendRow *rows, size_t n, cr_optim_tick tick,
				  void *tick_arg, CrGammaGammaFit *out)
{
	GgData		d = {rows, n, 1.0};
	CrMlFit		f;
	double		sl = 0.0,
				se = 0.0,
				start[3],
				face[2],
				face_mag[2];
	int			varies = 0,
				diverged = 0;
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
		sl += log(rows[i].m * d.scale);

	/*
	 * p = 1, q = 2 and gamma the geometric mean spend: the start moves with
	 * the spends' unit, and one outlier barely moves it (their arithmetic
	 * mean, the start once, went with an outlier of 1e12 so far from the
	 * maximum that the estimates "ran off" on the way back).  Newton with
	 * the analytic Hessian converges in a dozen passes over the rows; where
	 * it does not converge cleanly, BFGS from the same start decides.
	 */
	start[0] = 1.0;
	start[1] = 2.0;
	start[2] = exp(sl / (double) n);
	memcpy(f.p, start, sizeof(start));
	st = cr_ml_fit_newton(gg_loglik_hess, &d, 3, (double) n, GG_LOG_BOUND, GG_NEWTON_MAXITER,
						  tick, tick_arg, &f);
	if (st != CR_OPTIM_CONVERGED)
	{
		memcpy(f.p, start, sizeof(start));
		st = cr_ml_fit(gg_loglik, &d, 3, (double) n, GG_LOG_BOUND, GG_MAXITER, tick,
					   tick_arg, &f, &diverged);
	}
	out->iterations = f.iterations;
	if (diverged)
		return CR_FIT_DIVERGED;

	/*
	 * No maximum above the faces: the likelihood rises towards a face (where
	 * the optimiser ends far out on a ridge, its gradient faded, or stops
	 * short), and the data do not identify the model.  Above them by more
	 * than the rounding of the two log-likelihoods, an interior maximum
	 * exists; a search that stopped there did not converge.
	 */
	gg_faces(&d, tick, tick_arg, face, face_mag);
	{
		CrGammaGamma m = {f.p[0], f.p[1], f.p[2]};
		double		ll = st == CR_OPTIM_CONVERGED ? f.log_likelihood
			: gg_loglik_scaled(&m, rows, n, d.scale, NULL);
		int			k = face[1] > face[0];

		if (isfinite(ll) &&
			!(ll > face[k] + GG_FACE_ULPS * DBL_EPSILON * (gg_loglik_mag(&m, &d) + face_mag[k])))
			return CR_FIT_DIVERGED;
	}
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
