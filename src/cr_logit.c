/*
 * cr_logit.c
 *	  Penalised logistic regression by Newton-Raphson (IRLS), plain C.
 *
 * Objective, with per-row weights w_i (sample weight times class weight):
 *
 *	  f(beta) = -sum_i w_i [y_i eta_i - log(1 + exp(eta_i))] + (l2/2) sum_{j>=1} beta_j^2
 *
 * which is scikit-learn's LogisticRegression(C = 1/l2) and, for l2 = 0,
 * statsmodels' Logit maximum likelihood fit.
 *
 * What each Newton step has to touch.  A full step needs the gradient
 * (O(n d)) and the Hessian (O(n d^2)) over every row.  Far from the optimum
 * that precision is wasted, so the solver works in three phases:
 *
 *	1. On large inputs, Newton on an evenly spaced sample of about 65 000 rows
 *	   until it converges.  This costs next to nothing and lands within
 *	   sampling error of the answer.
 *	2. Gradient-only passes over all rows (O(n d) each) using the sample's
 *	   Hessian, scaled to the full size, as a fixed preconditioner.  The
 *	   sample Hessian is within a fraction of a percent of the true one, so
 *	   each pass gains two to three digits.
 *	3. Exact Newton steps over all rows until the step is below tol.  From
 *	   phase 2's start this is usually one or two Hessian passes, and the last
 *	   Hessian is the one the standard errors need anyway.
 *
 * Small inputs go straight to phase 3 from zero.  Every phase uses
 * step-halving, so f never increases.
 *
 * Features are centred on their weighted means inside the solver (the
 * intercept absorbs the shift) and divided by their weighted standard
 * deviations (root mean square without an intercept), which keeps the
 * Hessian well conditioned when features sit far from zero or come in large
 * or tiny units; coefficients and covariance are mapped back to the original
 * scale at the end.  The penalty stays on the original-scale coefficients
 * (l2 / sd_j^2 on the scaled ones), so scaling does not change the l2
 * solution, and the convergence test on the scaled step does not depend on
 * the features' units.
 *
 * Separation.  Without a penalty, the maximum likelihood estimate does not
 * exist exactly when some direction b != 0 has (2 y_i - 1) x_i'b >= 0 for
 * every row (complete or quasi-complete separation).  Newton then walks off
 * along such a direction with steps that stop shrinking.  When the steps
 * stop shrinking, the solver checks whether the current step direction is
 * such a certificate on every row; only then does it report separation.
 */
#include "cr_logit.h"
#include "cr_logit_rows.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SAMPLE_ROWS			65536
#define COLLINEAR_REL_TOL	1e-11
#define SEPARATION_REL_TOL	1e-9	/* certificate: min margin >= -this * max */
#define MAX_PENALTY			1e300	/* l2 / sd^2 for tiny units, kept finite */
#define MAX_INV_SCALE		1e300	/* 1 / sd for subnormal spreads, kept finite */
#define REFRESH_STEP		1e-10	/* a last step above this: Hessian taken again */

typedef struct Solver
{
	const CrRows *rows;
	const CrFitOptions *opt;
	int			d;
	int			D;				/* d + 1 */
	double		cw[2];			/* class weights: [0] lapsed, [1] retained */
	double	   *mu;				/* centring: feature means (zeros without intercept) */
	double	   *sd;				/* weighted standard deviations */
	double	   *sc;				/* scale: sd, or the root mean square without intercept */
	double	   *isc;			/* 1 / sc */
	double	   *pen;			/* penalty factor of scaled coefficient j: 1 / sc^2 */
	double	   *xr;				/* work: 4 rows (1, (x - mu) / sc) */
	double	   *xb;				/* CR_HESS_BLOCK queued rows (1, (x - mu) / sc) */
	double	   *hb;				/* their weights w p (1 - p) */
	CrFitResult *res;			/* pass counters */
	CrFrame		frame;			/* mu, isc and cw for the passes */
	CrPasses	passes;			/* passes over every row (rows or the caller's) */
} Solver;

static void
tick(const Solver *s)
{
	if (s->opt->tick)
		s->opt->tick();
}

/*
 * Loop over every stride-th row (global index 0, stride, 2*stride ...),
 * of the solver's rows, calling tick() once per block.  Used as
 *	  FOR_EACH_ROW(solver, stride, r) { ... r[j] ... } END_FOR_EACH_ROW;
 */
#define FOR_EACH_ROW(solver_, stride_, r_) \
	do { \
		int64_t		fe_first_ = 0; \
		int			fe_b_; \
		for (fe_b_ = 0; fe_b_ < (solver_)->rows->nblocks; fe_b_++) \
		{ \
			int64_t		fe_n_ = (solver_)->rows->block_n[fe_b_]; \
			int64_t		fe_off_ = (fe_first_ % (stride_)) == 0 ? 0 : (stride_) - fe_first_ % (stride_); \
			fe_first_ += fe_n_; \
			tick(solver_); \
			for (; fe_off_ < fe_n_; fe_off_ += (stride_)) \
			{ \
				const double *r_ = (solver_)->rows->blocks[fe_b_] + fe_off_ * (int64_t) ((solver_)->rows->d + 1);
#define END_FOR_EACH_ROW \
			} \
		} \
	} while (0)

/* Row r in solver coordinates: xr = (1, (x - mu) / sc). */
static inline void
scaled_row(const Solver *s, const double *r, double *xr)
{
	int			j;

	xr[0] = 1.0;
	for (j = 0; j < s->d; j++)
		xr[j + 1] = (r[j] - s->mu[j]) * s->isc[j];
}

/*
 * fn(ctx, rows, n, stride) on each block's run of every stride-th row
 * (global index 0, stride, 2*stride ...), calling tick() once per block.
 */
static void
block_runs(const Solver *s, int64_t stride,
		   void (*fn) (void *ctx, const double *rows, int64_t n, int64_t stride),
		   void *ctx)
{
	const CrRows *rows = s->rows;
	int64_t		first = 0;
	int			b;

	for (b = 0; b < rows->nblocks; b++)
	{
		int64_t		n = rows->block_n[b];
		int64_t		off = first % stride == 0 ? 0 : stride - first % stride;

		first += n;
		tick(s);
		if (off < n)
			fn(ctx, rows->blocks[b] + off * s->D, (n - off + stride - 1) / stride, stride);
	}
}

static void
pass_run(void *ctx, const double *rows, int64_t n, int64_t stride)
{
	cr_rows_pass((CrRowPass *) ctx, rows, n, stride);
}

/*
 * One pass over the rows (every stride-th row): returns the weighted
 * log-likelihood at beta (centred, scaled coordinates) and fills grad (its
 * gradient, D values) and, when hess is not NULL, the upper triangle of the
 * Fisher information sum_i w_i p_i (1-p_i) x_i x_i' (D*D, row-major).  The
 * row loops are cr_logit_rows.c's, a block at a time.
 */
static double
logit_pass(const Solver *s, const double *beta, int64_t stride,
		   double *grad, double *hess, bool want_ll)
{
	int			D = s->D;
	CrRowPass	rp;

	memset(grad, 0, sizeof(double) * D);
	if (hess)
		memset(hess, 0, sizeof(double) * D * D);
	if (stride == 1)
	{
		s->res->passes++;
		if (hess)
			s->res->hessian_passes++;
	}
	rp.d = s->d;
	rp.mu = s->mu;
	rp.isc = s->isc;
	rp.cw[0] = s->cw[0];
	rp.cw[1] = s->cw[1];
	rp.beta = beta;
	rp.grad = grad;
	rp.ll = 0.0;
	rp.want_ll = want_ll;
	rp.hess = hess;
	rp.xb = s->xb;
	rp.hb = s->hb;
	rp.nb = 0;
	rp.xr = s->xr;
	rp.tick = s->opt->tick;
	rp.work = 0.0;
	block_runs(s, stride, pass_run, &rp);
	cr_rows_pass_end(&rp);
	return rp.ll;
}

/*
 * Turn the log-likelihood, its gradient and information at beta into the
 * penalised objective f, its gradient (-grad + l2*beta) and Hessian, with
 * the intercept pinned at zero when the model has none.  Scale multiplies
 * the penalty (a sample of m rows gets l2 * m / n).
 */
static double
penalise(const Solver *s, const double *beta, double ll, double *grad,
		 double *hess, double scale)
{
	int			D = s->D;
	double		l2 = s->opt->l2 * scale;
	double		f = -ll;
	int			j,
				k;

	for (j = 0; j < D; j++)
		grad[j] = -grad[j];
	for (j = 1; j < D; j++)
	{
		double		lj = l2 == 0 ? 0.0 : fmin(l2 * s->pen[j - 1], MAX_PENALTY);

		f += 0.5 * lj * beta[j] * beta[j];
		grad[j] += lj * beta[j];
		if (hess)
			hess[(size_t) j * D + j] += lj;
	}
	if (hess)
	{
		/* mirror the upper triangle */
		for (j = 0; j < D; j++)
			for (k = 0; k < j; k++)
				hess[(size_t) j * D + k] = hess[(size_t) k * D + j];
	}
	if (!s->opt->intercept)
	{
		grad[0] = 0.0;
		if (hess)
		{
			for (k = 0; k < D; k++)
				hess[k] = hess[(size_t) k * D] = 0.0;
			hess[0] = 1.0;
		}
	}
	return f;
}

static bool
step_small(const double *beta, const double *step, int D, double tol)
{
	int			j;

	for (j = 0; j < D; j++)
		if (!(fabs(step[j]) <= tol * (1.0 + fabs(beta[j]))))
			return false;
	return true;
}

/* Largest |step_j| in scaled units (the intercept included). */
static double
step_norm(const double *step, int D)
{
	double		m = 0.0;
	int			j;

	for (j = 0; j < D; j++)
		m = fmax(m, fabs(step[j]));
	return m;
}

/*
 * CrPasses.margins over the rows in memory: the smallest and largest
 * u_i = (2 y_i - 1) x_i'dir (scaled coordinates, intercept first), the
 * smallest less the rounding of the sum, both starting from 0.
 */
static void
rows_margins(void *ctx, const CrFrame *fr, const double *dir, double *umin,
			 double *umax)
{
	Solver	   *s = (Solver *) ctx;
	int			d = s->d;
	int			j;

	(void) fr;
	*umin = *umax = 0.0;
	FOR_EACH_ROW(s, 1, r)
	{
		double		z = dir[0],
					a = fabs(dir[0]),
					u;

		scaled_row(s, r, s->xr);
		for (j = 0; j < d; j++)
		{
			z += dir[j + 1] * s->xr[j + 1];
			a += fabs(dir[j + 1] * s->xr[j + 1]);
		}
		u = r[d] > 0 ? z : -z;
		*umin = fmin(*umin, u + 1e-12 * a); /* rounding of the sum itself */
		*umax = fmax(*umax, u);
	}
	END_FOR_EACH_ROW;
}

/* CrPasses.pass over the rows in memory (all of them). */
static double
rows_pass(void *ctx, const CrFrame *fr, const double *beta, double *grad,
		  double *hess)
{
	(void) fr;
	return logit_pass((Solver *) ctx, beta, 1, grad, hess, true);
}

/*
 * Is dir (scaled coordinates, intercept first) a separating direction:
 * (2 y_i - 1) x_i'dir >= 0 on every row (up to rounding), > 0 on some?  Then
 * the log-likelihood keeps rising towards its supremum along dir
 * and no maximum likelihood estimate exists.  Sets *which to the feature
 * with the largest share of dir (-1 if only the intercept).
 */
static bool
separating_direction(const Solver *s, const double *dir, int *which)
{
	double		umin,
				umax,
				big = 0.0;
	int			j;

	s->passes.margins(s->passes.ctx, &s->frame, dir, &umin, &umax);
	*which = -1;
	for (j = 0; j < s->d; j++)
		if (fabs(dir[j + 1]) > big)
		{
			big = fabs(dir[j + 1]);
			*which = j;
		}
	return umax > 0 && umin >= -SEPARATION_REL_TOL * umax;
}

/*
 * Whether feature j alone, oriented by sign, separates (quasi-)completely:
 * some threshold t has sign * x_j >= t on every retained row and <= t on
 * every lapsed one.  The Newton step that showed separation mixes in other
 * features whatever the cause, so the detail would name them all.  Four
 * direction passes over the rows decide it, in scaled units x~ of the
 * feature: along (0, sign e_j), whose extremes bound |x~| by m; along
 * (K, sign e_j) and (-K, sign e_j) with K = 2m + 1, where every lapsed,
 * then every retained row's margin is the smallest, giving the largest
 * lapsed and the smallest retained value; then the certificate itself at
 * the threshold t halfway between them, under the same rule as the full
 * direction's (dir: D doubles of work).  A model without an intercept has
 * no threshold to shift: the feature separates alone only at 0, in one pass
 * along (0, sign e_j).  Only the message's feature is
 * tried: an error path, and the passes are retention_fit's queries.
 */
static bool
alone_separates(const Solver *s, int j, double sign, double *dir)
{
	double		umin,
				umax,
				k,
				lapsed_max,
				retained_min;
	int			which;

	memset(dir, 0, sizeof(double) * s->D);
	dir[j + 1] = sign;
	/* without an intercept the threshold is 0: no shift to search */
	if (!s->opt->intercept)
		return separating_direction(s, dir, &which);
	s->passes.margins(s->passes.ctx, &s->frame, dir, &umin, &umax);
	k = 2.0 * fmax(-umin, umax) + 1.0;
	if (!isfinite(k))
		return false;
	dir[0] = k;					/* lapsed rows: -(k + x~), the smallest */
	s->passes.margins(s->passes.ctx, &s->frame, dir, &umin, &umax);
	lapsed_max = -umin - k;
	dir[0] = -k;				/* retained rows: x~ - k, the smallest */
	s->passes.margins(s->passes.ctx, &s->frame, dir, &umin, &umax);
	retained_min = umin + k;
	if (!(retained_min >= lapsed_max - 1e-9 * k))
		return false;
	dir[0] = -0.5 * (lapsed_max + retained_min);
	return separating_direction(s, dir, &which);
}

/*
 * Phase 1: Newton on every stride-th row of s, scale = sample rows / all
 * rows.  (The rows are read where they are: a contiguous copy of the
 * sample would read memory in order, but its fresh pages cost more than
 * the six or so passes over the sample gain.)  Leaves beta at the
 * sample's optimum and the factorised, rescaled sample Hessian in hfac.
 * Returns false when the sample fit did not work out (then phase 3 starts
 * from zero).
 */
static bool
sample_newton(const Solver *s, int64_t stride, double scale, double *beta,
			  double *hfac, double *grad, double *step, double *trial)
{
	int			D = s->D;
	double		f;
	int			it,
				j;

	memset(beta, 0, sizeof(double) * D);
	f = penalise(s, beta, logit_pass(s, beta, stride, grad, hfac, true), grad, hfac, scale);
	for (it = 0; it < 50; it++)
	{
		double		t = 1.0;
		int			half;
		bool		done;

		if (cr_cholesky(hfac, D, NULL, COLLINEAR_REL_TOL, s->opt->tick) >= 0)
			return false;
		for (j = 0; j < D; j++)
			step[j] = -grad[j];
		cr_cholesky_solve(hfac, D, step);
		done = step_small(beta, step, D, 1e-7);
		for (half = 0; half < 30; half++, t *= 0.5)
		{
			double		fn;

			for (j = 0; j < D; j++)
				trial[j] = beta[j] + t * step[j];
			fn = penalise(s, trial, logit_pass(s, trial, stride, grad, hfac, true), grad, hfac, scale);
			if (isfinite(fn) && fn <= f + 1e-12 * fabs(f))
			{
				f = fn;
				break;
			}
		}
		if (half == 30)
			return false;
		memcpy(beta, trial, sizeof(double) * D);
		if (done)
		{
			/* hfac holds the information at beta: factorise it, scaled to n rows */
			for (j = 0; j < D * D; j++)
				hfac[j] /= scale;
			if (!s->opt->intercept)
				hfac[0] = 1.0;
			return cr_cholesky(hfac, D, NULL, COLLINEAR_REL_TOL, s->opt->tick) < 0;
		}
	}
	return false;
}

/*
 * Phase 2: gradient-only passes over all rows with the fixed preconditioner
 * hfac (no log-likelihood needed).  A step is kept while the Newton
 * decrement -grad'step keeps shrinking; the phase ends once the step is
 * below tol (phase 3 then needs a single Hessian pass) or progress stalls.
 */
static void
preconditioned_passes(Solver *s, double *beta, const double *hfac,
					  double *grad, double *step, double *trial)
{
	int			D = s->D;
	double		decrement = INFINITY;
	int			it,
				j;

	double		target = fmin(s->opt->tol, REFRESH_STEP),
				prev = INFINITY;

	(void) penalise(s, beta, logit_pass(s, beta, 1, grad, NULL, false), grad, NULL, 1.0);
	for (it = 0; it < 20; it++)
	{
		double		dec = 0.0,
					size = 0.0;

		for (j = 0; j < D; j++)
			step[j] = -grad[j];
		cr_cholesky_solve(hfac, D, step);
		for (j = 0; j < D; j++)
		{
			dec -= grad[j] * step[j];
			size = fmax(size, fabs(step[j]) / (1.0 + fabs(beta[j])));
		}
		if (!(dec < decrement) || !isfinite(dec))
			return;				/* not improving: phase 3 takes over from here */
		decrement = dec;
		/* to REFRESH_STEP, so phase 3's Hessian is already at the optimum */
		if (step_small(beta, step, D, target))
			return;
		for (j = 0; j < D; j++)
			trial[j] = beta[j] + step[j];

		/*
		 * The steps shrink by a steady factor (the preconditioner's error).
		 * When the next one would be a tenth of the target, take this step
		 * and leave the check to phase 3's Hessian pass, which would
		 * otherwise follow a gradient pass at the same point.  Should the
		 * guess be wrong, phase 3 takes one more step (and Hessian).
		 */
		if (it > 0 && size * (size / prev) < 0.1 * target)
		{
			memcpy(beta, trial, sizeof(double) * D);
			return;
		}
		prev = size;
		(void) penalise(s, trial, logit_pass(s, trial, 1, grad, NULL, false), grad, NULL, 1.0);
		memcpy(beta, trial, sizeof(double) * D);
	}
}
/*
 * Pre-pass: class counts, weighted means and standard deviations.  The sums
 * run on x minus the first row's value, divided by the largest such
 * difference seen so far (rescaling the sums when it grows, as LAPACK's
 * dnrm2 does), so that neither tiny (1e-170) nor huge (1e100) values
 * underflow or overflow when squared.  Returns the sum of the weights.
 */
static void
moments_run(void *ctx, const double *rows, int64_t n, int64_t stride)
{
	(void) stride;
	cr_rows_moments((CrMomentSums *) ctx, rows, n);
}

static double
feature_moments(Solver *s, CrFitResult *res, double *sw1, double *nneg,
				double *work)
{
	int			d = s->d;
	CrMomentSums m;
	int			j;

	memset(work, 0, sizeof(double) * 3 * d);
	memset(&m, 0, sizeof(m));
	m.d = d;
	m.first = s->rows->blocks[0];
	m.amax = work;
	m.s1 = work + d;
	m.s2 = work + 2 * d;
	block_runs(s, 1, moments_run, &m);
	*sw1 = m.sw1;
	*nneg = m.nneg;
	res->n_retained = m.npos;
	for (j = 0; j < d; j++)
	{
		double		mean = m.s1[j] / m.sw;
		double		var = m.s2[j] / m.sw - mean * mean;

		res->means[j] = m.first[j] + m.amax[j] * mean;
		s->sd[j] = var > 0 ? m.amax[j] * sqrt(var) : 0.0;
	}
	return m.sw;
}

/*
 * Factorise the penalised Hessian hess into hfac (diag: work, D doubles).
 * False, with res->bad_feature set, when a feature is collinear.
 */
static bool
factorise(const Solver *s, const double *hess, double *hfac, double *diag)
{
	int			D = s->D;
	int			j,
				bad;

	for (j = 0; j < D; j++)
		diag[j] = hess[(size_t) j * D + j];
	memcpy(hfac, hess, sizeof(double) * D * D);
	bad = cr_cholesky(hfac, D, diag, COLLINEAR_REL_TOL, s->opt->tick);
	if (bad >= 0)
		s->res->bad_feature = bad - 1;
	return bad < 0;
}

/*
 * The penalised Hessian that factorise() factorised into hfac: cr_cholesky
 * writes only the lower triangle (and the diagonal, kept in diag), so the
 * upper triangle is still the Hessian's, which is symmetric.
 */
static void
restore_hessian(int D, const double *hfac, const double *diag, double *hess)
{
	int			j,
				k;

	for (j = 0; j < D; j++)
	{
		hess[(size_t) j * D + j] = diag[j];
		for (k = j + 1; k < D; k++)
			hess[(size_t) j * D + k] = hess[(size_t) k * D + j] = hfac[(size_t) j * D + k];
	}
}

/*
 * Exact Newton over all rows from beta (phase 3).  Returns the status; on
 * CR_FIT_OK, hfac holds the factorised penalised Hessian at beta and hess
 * the Hessian itself.
 */
static CrFitStatus
newton(Solver *s, double *beta, double *grad, double *hess, double *hfac,
	   double *step, double *trial, double *diag)
{
	const CrFitOptions *opt = s->opt;
	CrFitResult *res = s->res;
	int			D = s->D;
	double		f,
				prev = INFINITY;
	int			j,
				it;

	f = penalise(s, beta, s->passes.pass(s->passes.ctx, &s->frame, beta, grad, hess),
				 grad, hess, 1.0);
	for (it = 0;; it++)
	{
		double		t = 1.0,
					norm;
		int			half;

		if (!factorise(s, hess, hfac, diag))
			return CR_FIT_COLLINEAR;
		for (j = 0; j < D; j++)
			step[j] = -grad[j];
		cr_cholesky_solve(hfac, D, step);
		if (step_small(beta, step, D, opt->tol))
		{
			for (j = 0; j < D; j++)
				beta[j] += step[j];
			res->converged = true;

			/*
			 * The standard errors come from the Hessian, which so far is the
			 * one before this step: a step of 1e-8 would leave them off by
			 * about as much.  Unless the step was negligible, take the
			 * Hessian (and its factor) at the returned beta.
			 */
			if (!step_small(beta, step, D, REFRESH_STEP))
			{
				(void) penalise(s, beta, s->passes.pass(s->passes.ctx, &s->frame, beta, grad, hess),
								grad, hess, 1.0);
				if (!factorise(s, hess, hfac, diag))
					return CR_FIT_COLLINEAR;
			}
			return CR_FIT_OK;
		}

		/*
		 * Newton converges quadratically where an optimum exists; steps that
		 * stop shrinking (after a few iterations) may be a walk to infinity
		 * along a separating direction: check the step on every row.
		 */
		norm = step_norm(step, D);
		if (opt->l2 == 0 && it >= 3 && norm > 0.25 * prev &&
			separating_direction(s, step, &res->bad_feature))
		{
			/* the direction per feature, in units of its spread */
			for (j = 1; j < D; j++)
				res->direction[j - 1] = step[j] / norm;
			/* the leading feature alone may do: then it is the direction */
			if (res->bad_feature >= 0 && s->d > 1 &&
				alone_separates(s, res->bad_feature, step[res->bad_feature + 1] > 0 ? 1.0 : -1.0, trial))
			{
				memset(res->direction, 0, sizeof(double) * s->d);
				res->direction[res->bad_feature] = step[res->bad_feature + 1] > 0 ? 1.0 : -1.0;
			}
			return CR_FIT_SEPARATION;
		}
		prev = norm;
		if (it >= opt->max_iter)
		{
			res->iterations = it;
			return CR_FIT_NO_CONVERGENCE;
		}
		for (half = 0; half < 40; half++, t *= 0.5)
		{
			double		fn;

			for (j = 0; j < D; j++)
				trial[j] = beta[j] + t * step[j];
			fn = penalise(s, trial, s->passes.pass(s->passes.ctx, &s->frame, trial, grad, hess),
						  grad, hess, 1.0);
			if (isfinite(fn) && fn <= f + 1e-13 * fabs(f))
			{
				f = fn;
				break;
			}
		}
		res->iterations = it + 1;
		if (half == 40)
		{
			/*
			 * No descent along the Newton direction: as good as it gets.
			 * Stay at beta, which the last trial did not improve on: hfac
			 * and diag are its Hessian's factor, tested by factorise(),
			 * and its step is the one to judge.  The pass at the trial
			 * overwrote hess (the condition number reads it); factorise()
			 * left hess's upper triangle in hfac and its diagonal in diag,
			 * so beta's Hessian comes back, bit for bit, without a pass.
			 */
			restore_hessian(D, hfac, diag, hess);
			res->converged = step_small(beta, step, D, 1e-6);
			return res->converged ? CR_FIT_OK : CR_FIT_NO_CONVERGENCE;
		}
		memcpy(beta, trial, sizeof(double) * D);
	}
}

/* The coefficients part of map_back (cr_logit.h); retention_fit's bins pass uses it too. */
void
cr_frame_raw_beta(const CrFrame *fr, const double *gamma, double *beta)
{
	int			j;

	beta[0] = gamma[0];
	for (j = 0; j < fr->d; j++)
		beta[0] -= gamma[j + 1] * (fr->mu[j] * fr->isc[j]);
	for (j = 0; j < fr->d; j++)
		beta[j + 1] = gamma[j + 1] * fr->isc[j];
}

/*
 * Map the solver's coefficients (centred, scaled) and the inverse Hessian
 * cov (same coordinates) back to the original features:
 *	 beta_j = gamma_j / sc_j, beta_0 = gamma_0 - sum_j gamma_j mu_j / sc_j,
 * and cov = T C T' for that linear map.  m_j = mu_j / sc_j is formed first,
 * so no intermediate overflows for tiny or huge units.
 */
static void
map_back(const Solver *s, const double *gamma, double *beta, double *c,
		 double *work)
{
	int			d = s->d;
	int			D = s->D;
	double	   *m = work + D;
	int			j,
				k;

	cr_frame_raw_beta(&s->frame, gamma, beta);
	for (j = 0; j < d; j++)
		m[j] = s->mu[j] * s->isc[j];
	if (s->opt->intercept)
	{
		double		c00 = c[0];

		/* row 0 := row 0 - sum_j m_j row j (columns 1..d keep their values) */
		for (k = 1; k < D; k++)
		{
			double		t = c[k];

			for (j = 0; j < d; j++)
				t -= m[j] * c[(size_t) (j + 1) * D + k];
			work[k] = t;
		}
		for (j = 0; j < d; j++)
			c00 -= 2.0 * m[j] * c[j + 1];
		for (j = 0; j < d; j++)
			for (k = 0; k < d; k++)
				c00 += m[j] * m[k] * c[(size_t) (j + 1) * D + k + 1];
		c[0] = c00;
		for (k = 1; k < D; k++)
			c[k] = c[(size_t) k * D] = work[k];
	}
	/* undo the scaling: cov_jk /= sc_j sc_k (beta_j = gamma_j / sc_j above) */
	for (j = 1; j < D; j++)
	{
		for (k = 0; k < D; k++)
		{
			c[(size_t) j * D + k] *= s->isc[j - 1];
			c[(size_t) k * D + j] *= s->isc[j - 1];
		}
	}
}

/*
 * Put the k-th smallest of a[0..n-1] at a[k], smaller ones before it and
 * larger ones after (Hoare's selection, median-of-three pivots).
 */
static void
select_kth(double *a, int64_t n, int64_t k)
{
	int64_t		lo = 0,
				hi = n - 1;

	while (lo < hi)
	{
		int64_t		i = lo,
					j = hi,
					mid = lo + (hi - lo) / 2;
		double		x = a[lo],
					y = a[mid],
					z = a[hi],
					pivot = x < y ? (y < z ? y : (x < z ? z : x)) : (x < z ? x : (y < z ? z : y));

		while (i <= j)
		{
			while (a[i] < pivot)
				i++;
			while (pivot < a[j])
				j--;
			if (i <= j)
			{
				double		t = a[i];

				a[i] = a[j];
				a[j] = t;
				i++;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return;
	}
}

/* The final pass's state: scores into p (stride > 1) or binned (stride 1). */
typedef struct FinalRun
{
	const Solver *s;
	const CrFitResult *res;
	double	   *p;				/* sample scores, or a chunk of scores */
	int64_t		m;				/* sample scores so far */
	double		ll;
	double		counts[10];
} FinalRun;

#define FINAL_CHUNK 1024

static void
final_sample_run(void *ctx, const double *rows, int64_t n, int64_t stride)
{
	FinalRun   *f = (FinalRun *) ctx;

	cr_rows_scores_scalar(rows, n, stride, f->s->d, f->res->beta, f->s->cw, f->p + f->m, NULL);
	f->m += n;
}

static void
final_all_run(void *ctx, const double *rows, int64_t n, int64_t stride)
{
	FinalRun   *f = (FinalRun *) ctx;
	int64_t		i,
				k;

	for (i = 0; i < n; i += FINAL_CHUNK)
	{
		int64_t		m = n - i < FINAL_CHUNK ? n - i : FINAL_CHUNK;

		cr_rows_scores_scalar(rows + i * stride * f->s->D, m, stride, f->s->d, f->res->beta,
							  f->s->cw, f->p, &f->ll);
		for (k = 0; k < m; k++)
			f->counts[cr_edges_below(f->res->deciles, f->p[k])] += 1;
	}
}

/* See cr_logit.h. */
void
cr_decile_edges(double *scores, int64_t m, double *edges)
{
	int64_t		prev = 0;
	int			k;

	/* the 11 order statistics, each selected among the values above the last */
	for (k = 0; k <= 10; k++)
	{
		int64_t		rank = (int64_t) floor(k / 10.0 * (double) (m - 1) + 0.5);

		select_kth(scores + prev, m - prev, rank - prev);
		edges[k] = scores[rank];
		prev = rank;
	}
}

/*
 * Final pass: score deciles of the training rows (edges from an evenly
 * spaced sample, shares over all rows) and the exact log-likelihood at the
 * original-scale coefficients res->beta.
 */
static void
final_pass(Solver *s, CrFitResult *res, const CrAlloc *alloc)
{
	const CrRows *rows = s->rows;
	int64_t		stride = rows->n > SAMPLE_ROWS ? rows->n / SAMPLE_ROWS : 1;
	FinalRun	f;
	int			k;

	memset(&f, 0, sizeof(f));
	f.s = s;
	f.res = res;
	f.p = cr_alloc(alloc, sizeof(double) * ((rows->n + stride - 1) / stride));
	block_runs(s, stride, final_sample_run, &f);
	cr_decile_edges(f.p, f.m, res->deciles);
	f.p = cr_alloc(alloc, sizeof(double) * FINAL_CHUNK);
	block_runs(s, 1, final_all_run, &f);
	res->loglik = f.ll;
	for (k = 0; k < 10; k++)
		res->shares[k] = f.counts[k] / (double) rows->n;
}

/* Work and result arrays for d features. */
static void
solver_init(Solver *s, int d, const CrFitOptions *opt, const CrAlloc *alloc,
			CrFitResult *res)
{
	int			D = d + 1;

	memset(res, 0, sizeof(*res));
	res->bad_feature = -1;
	s->rows = NULL;
	s->opt = opt;
	s->res = res;
	s->d = d;
	s->D = D;
	s->mu = cr_alloc(alloc, sizeof(double) * d);
	s->sd = res->sd = cr_alloc(alloc, sizeof(double) * d);
	s->sc = cr_alloc(alloc, sizeof(double) * d);
	s->isc = cr_alloc(alloc, sizeof(double) * d);
	s->pen = cr_alloc(alloc, sizeof(double) * d);
	s->xr = cr_alloc(alloc, sizeof(double) * 4 * D);
	s->xb = cr_alloc(alloc, sizeof(double) * D * CR_HESS_BLOCK);
	s->hb = cr_alloc(alloc, sizeof(double) * CR_HESS_BLOCK);
	res->beta = cr_alloc(alloc, sizeof(double) * D);
	res->cov = cr_alloc(alloc, sizeof(double) * D * D);
	res->means = cr_alloc(alloc, sizeof(double) * d);
	res->direction = cr_alloc(alloc, sizeof(double) * d);
	s->frame.d = d;
	s->frame.mu = s->mu;
	s->frame.isc = s->isc;
}

/*
 * From the class counts, weight sums and the feature means and spreads in
 * res: the one-class and constant-feature checks, the solver's centring and
 * scaling, class weights and the intercept-only log-likelihood.  Returns
 * false (res->status set) when there is nothing to fit.
 */
static bool
solver_setup(Solver *s, double sw, double sw1, double nneg)
{
	const CrFitOptions *opt = s->opt;
	CrFitResult *res = s->res;
	double		npos = res->n_retained,
				w1,
				w0;
	int			j;

	res->weight_sum = sw;
	if (npos == 0 || nneg == 0)
	{
		res->status = CR_FIT_ONE_CLASS;
		return false;
	}
	for (j = 0; j < s->d; j++)
	{
		bool		constant = !(s->sd[j] > 1e-13 * fabs(res->means[j])) || s->sd[j] == 0.0;

		if (constant && (opt->intercept || res->means[j] == 0.0))
		{
			res->status = CR_FIT_CONSTANT;
			res->bad_feature = j;
			return false;
		}
		s->mu[j] = opt->intercept ? res->means[j] : 0.0;
		/* without an intercept the columns are not centred: scale by the rms */
		s->sc[j] = opt->intercept ? s->sd[j] : hypot(s->sd[j], res->means[j]);
		/* kept finite for subnormal spreads (the caller then reports them) */
		s->isc[j] = fmin(1.0 / s->sc[j], MAX_INV_SCALE);
		s->pen[j] = s->isc[j] * s->isc[j];
	}
	if (opt->balanced)
	{
		double		n = npos + nneg;

		s->cw[1] = n / (2.0 * npos);
		s->cw[0] = n / (2.0 * nneg);
	}
	else
		s->cw[0] = s->cw[1] = 1.0;
	s->frame.cw[0] = s->cw[0];
	s->frame.cw[1] = s->cw[1];

	/*
	 * The intercept-only model's log-likelihood, also for a model fitted
	 * without an intercept (as statsmodels' llnull): McFadden's pseudo R²
	 * then compares with the same null model whatever the options.
	 */
	w1 = sw1 * s->cw[1];
	w0 = (sw - sw1) * s->cw[0];
	res->null_loglik = w1 * log(w1 / (w0 + w1)) + w0 * log(w0 / (w0 + w1));
	return true;
}

/*
 * A raw-scale start (intercept, coefficients) in solver coordinates: the
 * inverse of map_back, gamma_j = beta_j * sc_j, gamma_0 = beta_0 +
 * sum_j beta_j * mu_j.  A start that does not map to finite values is not
 * used (Newton then starts from zero).
 */
static void
start_point(const Solver *s, const double *raw, double *beta)
{
	double		b0 = s->opt->intercept ? raw[0] : 0.0;
	int			j;

	for (j = 0; j < s->d; j++)
	{
		beta[j + 1] = raw[j + 1] * s->sc[j];
		b0 += raw[j + 1] * s->mu[j];
	}
	beta[0] = b0;
	for (j = 0; j <= s->d; j++)
		if (!isfinite(beta[j]))
		{
			memset(beta, 0, sizeof(double) * s->D);
			return;
		}
}

/*
 * Newton over every row (phase 3) from beta, through s->passes, then the
 * covariance, condition number and coefficients on the original scale.
 * With warm (rows in memory only), phases 1 and 2 first.
 */
static void
solve(Solver *s, bool warm, const CrAlloc *alloc)
{
	CrFitResult *res = s->res;
	int			D = s->D;
	double	   *beta = cr_alloc(alloc, sizeof(double) * D),
			   *grad = cr_alloc(alloc, sizeof(double) * D),
			   *step = cr_alloc(alloc, sizeof(double) * D),
			   *trial = cr_alloc(alloc, sizeof(double) * D),
			   *diag = cr_alloc(alloc, sizeof(double) * D),
			   *hess = cr_alloc(alloc, sizeof(double) * D * D),
			   *hfac = cr_alloc(alloc, sizeof(double) * D * D),
			   *work = cr_alloc(alloc, sizeof(double) * (3 * D + D * D));

	memset(beta, 0, sizeof(double) * D);
	if (!warm && s->opt->start)
		start_point(s, s->opt->start, beta);
	if (warm && s->rows->n >= 4 * (int64_t) SAMPLE_ROWS && !s->opt->exact_only)
	{
		int64_t		stride = s->rows->n / SAMPLE_ROWS;
		double		scale = (double) ((s->rows->n + stride - 1) / stride) / (double) s->rows->n;

		if (sample_newton(s, stride, scale, beta, hfac, grad, step, trial))
			preconditioned_passes(s, beta, hfac, grad, step, trial);
		else
			memset(beta, 0, sizeof(double) * D);
	}

	res->status = newton(s, beta, grad, hess, hfac, step, trial, diag);
	if (res->status != CR_FIT_OK)
		return;

	/* Covariance: the inverse of the last penalised Hessian (solver coordinates). */
	cr_cholesky_inverse(hfac, D, res->cov, work, s->opt->tick);
	if (!s->opt->intercept)
		res->cov[0] = 0.0;
	/* hfac is hess factorised with a tolerance of COLLINEAR_REL_TOL */
	res->condition_number = cr_condition_number(hess, D, work, s->opt->tick, true);
	map_back(s, beta, res->beta, res->cov, work);
}

void
cr_logit_fit(const CrRows *rows, const CrFitOptions *opt, const CrAlloc *alloc,
			 CrFitResult *res)
{
	Solver		s;
	double		sw,
				sw1,
				nneg;

	solver_init(&s, rows->d, opt, alloc, res);
	s.rows = rows;
	s.passes.pass = rows_pass;
	s.passes.margins = rows_margins;
	s.passes.ctx = &s;
	sw = feature_moments(&s, res, &sw1, &nneg, cr_alloc(alloc, sizeof(double) * 3 * rows->d));
	if (!solver_setup(&s, sw, sw1, nneg))
		return;
	solve(&s, true, alloc);
	if (res->status == CR_FIT_OK)
		final_pass(&s, res, alloc);
}

void
cr_logit_fit_passes(const CrMoments *m, const CrFitOptions *opt,
					const CrPasses *passes, const CrAlloc *alloc, CrFitResult *res)
{
	Solver		s;

	solver_init(&s, m->d, opt, alloc, res);
	s.passes = *passes;
	res->n_retained = m->npos;
	memcpy(res->means, m->means, sizeof(double) * m->d);
	memcpy(res->sd, m->sd, sizeof(double) * m->d);
	if (!solver_setup(&s, m->sw, m->sw1, m->nneg))
		return;
	solve(&s, false, alloc);
}
