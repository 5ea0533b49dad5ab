/*
 * cr_newton.c
 *	  The sums of one Newton pass over rows that arrive one at a time (the
 *	  retention_newton_step aggregate), and the Newton iteration that
 *	  retention_fit drives with one such pass per step.  Plain C.
 *
 * The iteration is the exact phase of cr_logit_fit (cr_logit.c) started
 * from zero: the same centring, penalty, Cholesky solves with the same
 * collinearity tolerance, step-halving, convergence and separation rules,
 * so retention_fit and retention_train reach the same optimum and reject
 * the same data.  retention_train additionally warm-starts large inputs on
 * a sample; that changes its iteration count, not the optimum.
 */
#include "cr_newton.h"

#include <math.h>
#include <string.h>

#define COLLINEAR_REL_TOL	1e-11	/* as in cr_logit.c */
#define SEPARATION_SCALE	25.0	/* as in cr_logit.c */

/* ---------------------------------------------------------------- layout */

int
cr_point_len(int d, bool final)
{
	return d == 0 ? 2 : 4 + (d + 1) + d + (final ? 11 : 0);
}

int
cr_state_sx(int plen)
{
	return CR_ST_HEADER + plen;
}

int
cr_state_sxx(int d, int plen)
{
	return cr_state_sx(plen) + d;
}

int
cr_state_grad(int d, int plen)
{
	return cr_state_sxx(d, plen) + d;
}

int
cr_state_hess(int d, int plen)
{
	return cr_state_grad(d, plen) + d + 1;
}

int
cr_state_bins(int d, int plen)
{
	return cr_state_hess(d, plen) + (d + 1) * (d + 2) / 2;
}

int
cr_state_len(int d, int plen)
{
	return d == 0 ? CR_ST_HEADER + plen : cr_state_bins(d, plen) + 10;
}

static bool
integral_in(double v, double lo, double hi)
{
	return v >= lo && v <= hi && v == floor(v);
}

bool
cr_state_valid(const double *st, int len)
{
	const double *pt = st + CR_ST_HEADER;
	int			d,
				plen,
				pd;

	if (len < CR_ST_HEADER + 2 ||
		!integral_in(st[CR_ST_D], 0, CR_MAX_FEATURES) ||
		!integral_in(st[CR_ST_PLEN], 2, cr_point_len(CR_MAX_FEATURES, true)))
		return false;
	d = (int) st[CR_ST_D];
	plen = (int) st[CR_ST_PLEN];
	if (len != cr_state_len(d, plen) ||
		!integral_in(pt[CR_PT_FLAGS], 0, 7) || !integral_in(pt[CR_PT_D], 0, CR_MAX_FEATURES))
		return false;
	pd = (int) pt[CR_PT_D];
	/* a counting point ({flags, 0}) grows to the rows' d; others fix it */
	return plen == cr_point_len(pd, ((int) pt[CR_PT_FLAGS] & (int) CR_PT_FINAL) != 0) &&
		(pd == 0 || pd == d);
}

void
cr_state_init(double *st, int d, const double *point, int plen)
{
	memset(st, 0, sizeof(double) * cr_state_len(d, plen));
	st[CR_ST_D] = d;
	st[CR_ST_PLEN] = plen;
	st[CR_ST_PARTS] = 1;
	memcpy(st + CR_ST_HEADER, point, sizeof(double) * plen);
}

static bool
flag(double flags, double bit)
{
	return ((int) flags & (int) bit) != 0;
}

/*
 * 20 bits of a hash of the row: sums of these detect rows that changed.
 * Each value is mixed on its own (independent multiplications), then the
 * sum once, so the hash costs little next to the Hessian update.
 */
double
cr_row_hash(const double *x, int d, bool retained, double w)
{
	uint64_t	h = retained ? 0x9E3779B97F4A7C15ULL : 0xC2B2AE3D27D4EB4FULL;
	uint64_t	b;
	int			j;

	memcpy(&b, &w, sizeof(b));
	h += (b ^ (b >> 29)) * 0xBF58476D1CE4E5B9ULL;
	for (j = 0; j < d; j++)
	{
		memcpy(&b, &x[j], sizeof(b));
		h += (b ^ (b >> 29)) * (0x94D049BB133111EBULL + 2 * (uint64_t) j);
	}
	h ^= h >> 31;
	h *= 0xD6E8FEB86659FD93ULL;
	h ^= h >> 32;
	return (double) (h >> 44);
}

/* log(1 + exp(eta)) and sigmoid(eta) from one exp(), as cr_logit.c does */
static double
log1pexp(double eta, double *p)
{
	double		e = exp(-fabs(eta));

	*p = eta >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
	return log1p(e) + (eta >= 0 ? eta : 0.0);
}

/* Packed upper triangle += h x x' (restrict pointers: the rows vectorise). */
static void
hessian_row_update(double *restrict hp, const double *restrict x, double h, int D)
{
	int			j,
				k;

	for (j = 0; j < D; j++)
	{
		double		a = h * x[j];
		const double *restrict xj = x + j;
		int			len = D - j;

		for (k = 0; k < len; k++)
			hp[k] += a * xj[k];
		hp += len;
	}
}

void
cr_state_add_row(double *st, const double *x, bool retained, double w, double *xr)
{
	int			d = (int) st[CR_ST_D];
	int			plen = (int) st[CR_ST_PLEN];
	int			D = d + 1;
	const double *pt = st + CR_ST_HEADER;
	const double *beta = pt + CR_PT_BETA;
	double	   *sx = st + cr_state_sx(plen);
	double		wc,
				eta,
				p,
				l;
	int			j;

	st[CR_ST_ROWS] += 1;
	st[retained ? CR_ST_NPOS : CR_ST_NNEG] += 1;
	st[CR_ST_SW] += w;
	if (retained)
		st[CR_ST_SW1] += w;
	st[CR_ST_CHECK] += cr_row_hash(x, d, retained, w);
	if (plen == 2)
	{
		/* statistics pass: raw weighted sums for the means */
		for (j = 0; j < d; j++)
			sx[j] += w * x[j];
		return;
	}
	wc = w * pt[retained ? CR_PT_CW1 : CR_PT_CW0];
	if (flag(pt[CR_PT_FLAGS], CR_PT_FINAL))
	{
		/* final pass: log-likelihood and decile bins at the raw-scale beta */
		double	   *bins = st + cr_state_bins(d, plen);

		eta = beta[0];
		for (j = 0; j < d; j++)
			eta += beta[j + 1] * x[j];
		l = log1pexp(eta, &p);
		st[CR_ST_LL] += wc * ((retained ? eta : 0.0) - l);
		bins[cr_decile_bin(pt + CR_PT_BETA + D + d, p)] += 1;
		return;
	}
	else
	{
		const double *means = pt + CR_PT_BETA + D;
		bool		centre = flag(pt[CR_PT_FLAGS], CR_PT_INTERCEPT);
		double	   *sxx = st + cr_state_sxx(d, plen);
		double	   *grad = st + cr_state_grad(d, plen);
		double	   *hp = st + cr_state_hess(d, plen);
		double		res,
					h;

		xr[0] = 1.0;
		eta = beta[0];
		for (j = 0; j < d; j++)
		{
			double		c = x[j] - means[j];

			sx[j] += w * c;
			sxx[j] += w * c * c;
			xr[j + 1] = centre ? c : x[j];
			eta += beta[j + 1] * xr[j + 1];
		}
		l = log1pexp(eta, &p);
		st[CR_ST_LL] += wc * ((retained ? eta : 0.0) - l);
		res = wc * ((retained ? 1.0 : 0.0) - p);
		for (j = 0; j < D; j++)
			grad[j] += res * xr[j];
		h = wc * p * (1.0 - p);
		hessian_row_update(hp, xr, h, D);
	}
}

void
cr_state_add(double *a, const double *b)
{
	int			d = (int) a[CR_ST_D];
	int			plen = (int) a[CR_ST_PLEN];
	int			n = cr_state_len(d, plen);
	int			i;

	for (i = CR_ST_PARTS; i < CR_ST_HEADER; i++)
		a[i] += b[i];
	for (i = cr_state_sx(plen); i < n; i++)
		a[i] += b[i];
}

/* ---------------------------------------------------------------- Newton */

typedef struct Newton
{
	const CrNewtonSetup *s;
	int			D;
	cr_newton_pass_fn pass;
	void	   *ctx;
} Newton;

/*
 * The penalised objective, its gradient and Hessian from a pass at beta,
 * as penalise() in cr_logit.c with scale 1.
 */
static double
objective(const Newton *nt, const double *beta, double *grad, double *hess)
{
	int			D = nt->D;
	double		l2 = nt->s->l2;
	double		f = -nt->pass(nt->ctx, beta, grad, hess);
	int			j,
				k;

	for (j = 0; j < D; j++)
		grad[j] = -grad[j];
	for (j = 1; j < D; j++)
	{
		f += 0.5 * l2 * beta[j] * beta[j];
		grad[j] += l2 * beta[j];
		hess[(size_t) j * D + j] += l2;
	}
	for (j = 0; j < D; j++)
		for (k = 0; k < j; k++)
			hess[(size_t) j * D + k] = hess[(size_t) k * D + j];
	if (!nt->s->intercept)
	{
		grad[0] = 0.0;
		for (k = 0; k < D; k++)
			hess[k] = hess[(size_t) k * D] = 0.0;
		hess[0] = 1.0;
	}
	return f;
}

static bool
small_step(const double *beta, const double *step, int D, double tol)
{
	int			j;

	for (j = 0; j < D; j++)
		if (!(fabs(step[j]) <= tol * (1.0 + fabs(beta[j]))))
			return false;
	return true;
}

/* Largest |beta_j| * sd_j and its feature, for the separation check. */
static double
largest_scaled(const CrNewtonSetup *s, const double *beta, int *which)
{
	double		worst = 0.0;
	int			j;

	*which = 0;
	for (j = 0; j < s->d; j++)
	{
		double		t = fabs(beta[j + 1]) * s->sd[j];

		if (!(t <= worst))
		{
			worst = t;
			*which = j;
		}
	}
	return worst;
}

/*
 * Newton iterations from beta = 0; on return hess holds the penalised
 * Hessian of the last pass and hfac its factor at the final beta's
 * predecessor (what the covariance is taken from), like cr_logit_fit.
 * Returns false with res->status set when the fit failed.
 */
static bool
iterate(const Newton *nt, double *beta, double *hess, double *hfac, CrFitResult *res,
		cr_alloc_fn alloc)
{
	const CrNewtonSetup *s = nt->s;
	int			D = nt->D;
	double	   *grad = alloc(sizeof(double) * D);
	double	   *step = alloc(sizeof(double) * D);
	double	   *trial = alloc(sizeof(double) * D);
	double	   *diag = alloc(sizeof(double) * D);
	double		f;
	int			it,
				j;

	memset(beta, 0, sizeof(double) * D);
	f = objective(nt, beta, grad, hess);
	for (it = 0;; it++)
	{
		double		t = 1.0;
		int			half,
					bad,
					w;

		for (j = 0; j < D; j++)
			diag[j] = hess[(size_t) j * D + j];
		memcpy(hfac, hess, sizeof(double) * D * D);
		bad = cr_cholesky(hfac, D, diag, COLLINEAR_REL_TOL);
		if (bad >= 0)
		{
			res->status = CR_FIT_COLLINEAR;
			res->bad_feature = bad - 1;
			return false;
		}
		for (j = 0; j < D; j++)
			step[j] = -grad[j];
		cr_cholesky_solve(hfac, D, step);
		if (small_step(beta, step, D, s->tol))
		{
			for (j = 0; j < D; j++)
				beta[j] += step[j];
			res->converged = true;
			return true;
		}
		if (s->l2 == 0 && it >= 8 && largest_scaled(s, beta, &w) > SEPARATION_SCALE)
		{
			res->status = CR_FIT_SEPARATION;
			res->bad_feature = w;
			return false;
		}
		if (it >= s->max_iter)
		{
			res->status = CR_FIT_NO_CONVERGENCE;
			res->iterations = it;
			return false;
		}
		for (half = 0; half < 40; half++, t *= 0.5)
		{
			double		fn;

			for (j = 0; j < D; j++)
				trial[j] = beta[j] + t * step[j];
			fn = objective(nt, trial, grad, hess);
			if (isfinite(fn) && fn <= f + 1e-13 * fabs(f))
			{
				f = fn;
				break;
			}
		}
		memcpy(beta, trial, sizeof(double) * D);
		res->iterations = it + 1;
		if (half == 40)
		{
			/* no descent along the Newton direction: as good as it gets */
			res->converged = small_step(beta, step, D, 1e-6);
			if (!res->converged)
				res->status = CR_FIT_NO_CONVERGENCE;
			return res->converged;
		}
	}
}

/* res->cov = the covariance of res->beta on the original feature scale. */
static void
uncentre(const CrNewtonSetup *s, const double *beta, CrFitResult *res, double *work)
{
	int			d = s->d;
	int			D = d + 1;
	double	   *c = res->cov;
	double		c00;
	int			j,
				k;

	memcpy(res->beta, beta, sizeof(double) * D);
	for (j = 0; j < d; j++)
		res->beta[0] -= beta[j + 1] * s->mu[j];
	if (!s->intercept)
		return;
	/* row 0 := row 0 - sum_j mu_j row j (columns 1..d keep their values) */
	for (k = 1; k < D; k++)
	{
		double		t = c[k];

		for (j = 0; j < d; j++)
			t -= s->mu[j] * c[(size_t) (j + 1) * D + k];
		work[k] = t;
	}
	c00 = c[0];
	for (j = 0; j < d; j++)
		c00 -= 2.0 * s->mu[j] * c[j + 1];
	for (j = 0; j < d; j++)
		for (k = 0; k < d; k++)
			c00 += s->mu[j] * s->mu[k] * c[(size_t) (j + 1) * D + k + 1];
	c[0] = c00;
	for (k = 1; k < D; k++)
		c[k] = c[(size_t) k * D] = work[k];
}

void
cr_newton_run(const CrNewtonSetup *setup, cr_newton_pass_fn pass, void *ctx,
			  cr_alloc_fn alloc, CrFitResult *res)
{
	Newton		nt;
	int			D = setup->d + 1;
	double	   *beta = alloc(sizeof(double) * D);
	double	   *hess = alloc(sizeof(double) * D * D);
	double	   *hfac = alloc(sizeof(double) * D * D);
	double	   *work = alloc(sizeof(double) * (3 * D + D * D));
	int			w;

	nt.s = setup;
	nt.D = D;
	nt.pass = pass;
	nt.ctx = ctx;
	res->bad_feature = -1;
	if (!iterate(&nt, beta, hess, hfac, res, alloc))
		return;
	if (setup->l2 == 0 && largest_scaled(setup, beta, &w) > 2 * SEPARATION_SCALE)
	{
		res->status = CR_FIT_SEPARATION;
		res->bad_feature = w;
		return;
	}
	/* covariance: the inverse of the last penalised Hessian (centred) */
	cr_cholesky_inverse(hfac, D, res->cov, work);
	if (!setup->intercept)
		res->cov[0] = 0.0;
	res->condition_number = cr_condition_number(hess, D, work);
	uncentre(setup, beta, res, work);
	res->status = CR_FIT_OK;
}
