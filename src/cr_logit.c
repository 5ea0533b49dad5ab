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
 * intercept absorbs the shift), which keeps the Hessian well conditioned when
 * features sit far from zero; coefficients and covariance are mapped back to
 * the original scale at the end.
 */
#include "cr_logit.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SAMPLE_ROWS			65536
#define HESS_BLOCK			32		/* rows per Hessian update */
#define COLLINEAR_REL_TOL	1e-11
#define SEPARATION_SCALE	25.0	/* |beta_j| * sd_j beyond this: separated */

typedef struct Solver
{
	const CrRows *rows;
	const CrFitOptions *opt;
	int			d;
	int			D;				/* d + 1 */
	double		cw[2];			/* class weights: [0] lapsed, [1] retained */
	double	   *mu;				/* centring: feature means (zeros without intercept) */
	double	   *sd;				/* weighted standard deviations */
	double	   *xr;				/* work: 1, x - mu */
	double	   *xb;				/* HESS_BLOCK queued rows (1, x - mu) */
	double	   *hb;				/* their weights w p (1 - p) */
	CrFitResult *res;			/* pass counters */
} Solver;

static void
tick(const Solver *s)
{
	if (s->opt->tick)
		s->opt->tick();
}

double
cr_sigmoid(double eta)
{
	if (eta >= 0)
		return 1.0 / (1.0 + exp(-eta));
	else
	{
		double		e = exp(eta);

		return e / (1.0 + e);
	}
}

/*
 * H += sum over the n queued rows of h_b * x_b x_b' (upper triangle).  Row j
 * of H stays in cache while the block's rows stream past it, so a Hessian
 * of a thousand features is read from memory once per block, not once per
 * row.  For each entry the rows are still added in input order, so the
 * result is the same as adding one row at a time.
 */
static void
hessian_update(double *restrict hess, const double *restrict xb,
			   const double *restrict hb, int n, int D)
{
	int			j,
				b,
				k;

	for (j = 0; j < D; j++)
	{
		double	   *restrict hj = hess + (size_t) j * D;

		for (b = 0; b < n; b++)
		{
			const double *restrict x = xb + (size_t) b * D;
			double		a = hb[b] * x[j];

			for (k = j; k < D; k++)
				hj[k] += a * x[k];
		}
	}
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

/*
 * One pass over the rows (every stride-th row): returns the weighted
 * log-likelihood at beta (centred coordinates) and fills grad (its
 * gradient, D values) and, when hess is not NULL, the upper triangle of the
 * Fisher information sum_i w_i p_i (1-p_i) x_i x_i' (D*D, row-major).
 */
static double
logit_pass(const Solver *s, const double *beta, int64_t stride,
		   double *grad, double *hess, bool want_ll)
{
	int			d = s->d;
	int			D = s->D;
	double	   *xr = s->xr;
	double		ll = 0.0;
	int			nb = 0;			/* rows queued for the Hessian */

	memset(grad, 0, sizeof(double) * D);
	if (hess)
		memset(hess, 0, sizeof(double) * D * D);
	xr[0] = 1.0;
	if (stride == 1)
	{
		s->res->passes++;
		if (hess)
			s->res->hessian_passes++;
	}

	FOR_EACH_ROW(s, stride, r)
	{
		double		v = r[d];
		int			y = v > 0;
		double		w = (y ? v : -v) * s->cw[y];
		double		eta = beta[0];
		double		e,
					p,
					log1pe,
					res;
		int			j;

		for (j = 0; j < d; j++)
		{
			xr[j + 1] = r[j] - s->mu[j];
			eta += beta[j + 1] * xr[j + 1];
		}
		/* p = sigmoid(eta) and log(1 + exp(eta)) from one exp() */
		e = exp(-fabs(eta));
		p = eta >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e);
		if (want_ll)
		{
			log1pe = log1p(e) + (eta >= 0 ? eta : 0.0);
			ll += w * ((y ? eta : 0.0) - log1pe);
		}
		res = w * ((double) y - p);
		for (j = 0; j < D; j++)
			grad[j] += res * xr[j];
		if (hess)
		{
			/* queue the row; the Hessian is updated a block at a time */
			memcpy(s->xb + (size_t) nb * D, xr, sizeof(double) * D);
			s->hb[nb++] = w * p * (1.0 - p);
			if (nb == HESS_BLOCK)
			{
				hessian_update(hess, s->xb, s->hb, nb, D);
				nb = 0;
			}
		}
	}
	END_FOR_EACH_ROW;
	if (hess && nb > 0)
		hessian_update(hess, s->xb, s->hb, nb, D);
	return ll;
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
		f += 0.5 * l2 * beta[j] * beta[j];
		grad[j] += l2 * beta[j];
	}
	if (hess)
	{
		for (j = 1; j < D; j++)
			hess[(size_t) j * D + j] += l2;
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

/*
 * In-place Cholesky factorisation A = L L' of a symmetric positive definite
 * n x n row-major matrix (the lower triangle receives L).  Returns -1 on
 * success, or the index of the first pivot that is not positive or is below
 * rel_tol times the matrix's original diagonal entry (orig_diag, or A's own
 * diagonal when NULL): that variable is a linear combination of the
 * earlier ones.
 */
int
cr_cholesky(double *a, int n, const double *orig_diag, double rel_tol)
{
	int			i,
				j,
				k;

	for (j = 0; j < n; j++)
	{
		double		diag = orig_diag ? orig_diag[j] : a[(size_t) j * n + j];
		double		sum = a[(size_t) j * n + j];

		for (k = 0; k < j; k++)
			sum -= a[(size_t) j * n + k] * a[(size_t) j * n + k];
		if (!(sum > 0.0) || !(sum > rel_tol * diag) || !isfinite(sum))
			return j;
		sum = sqrt(sum);
		a[(size_t) j * n + j] = sum;
		for (i = j + 1; i < n; i++)
		{
			double		t = a[(size_t) i * n + j];

			for (k = 0; k < j; k++)
				t -= a[(size_t) i * n + k] * a[(size_t) j * n + k];
			a[(size_t) i * n + j] = t / sum;
		}
	}
	return -1;
}

/* Solve L L' x = b in place, L from cr_cholesky. */
void
cr_cholesky_solve(const double *l, int n, double *b)
{
	int			i,
				k;

	for (i = 0; i < n; i++)
	{
		double		t = b[i];

		for (k = 0; k < i; k++)
			t -= l[(size_t) i * n + k] * b[k];
		b[i] = t / l[(size_t) i * n + i];
	}
	/*
	 * Back substitution with L' = U, column by column: once x_i is known,
	 * remove its share from the rows above.  This walks row i of L
	 * contiguously instead of column i, which matters for large d.
	 */
	for (i = n - 1; i >= 0; i--)
	{
		const double *row = l + (size_t) i * n;
		double		xi = b[i] / row[i];

		b[i] = xi;
		for (k = 0; k < i; k++)
			b[k] -= row[k] * xi;
	}
}

/* inv = (L L')^-1, column by column; work holds n doubles. */
void
cr_cholesky_inverse(const double *l, int n, double *inv, double *work)
{
	int			i,
				j;

	for (j = 0; j < n; j++)
	{
		for (i = 0; i < n; i++)
			work[i] = (i == j) ? 1.0 : 0.0;
		cr_cholesky_solve(l, n, work);
		for (i = 0; i < n; i++)
			inv[(size_t) i * n + j] = work[i];
	}
	/* symmetrise away rounding */
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
		{
			double		m = 0.5 * (inv[(size_t) i * n + j] + inv[(size_t) j * n + i]);

			inv[(size_t) i * n + j] = inv[(size_t) j * n + i] = m;
		}
}

/*
 * Condition number (largest / smallest eigenvalue) of a symmetric positive
 * definite matrix after scaling it to unit diagonal, estimated by power
 * iteration and inverse iteration.  work: 3*n + n*n doubles.  Returns
 * +Infinity when the matrix is singular.
 */
double
cr_condition_number(const double *a, int n, double *work)
{
	double	   *v = work;
	double	   *u = work + n;
	double	   *dsq = work + 2 * n;
	double	   *c = work + 3 * n;
	double		lmax = 0.0,
				lmin_inv = 0.0;
	int			i,
				j,
				it;

	for (i = 0; i < n; i++)
		dsq[i] = a[(size_t) i * n + i] > 0 ? 1.0 / sqrt(a[(size_t) i * n + i]) : 0.0;
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			c[(size_t) i * n + j] = a[(size_t) i * n + j] * dsq[i] * dsq[j];

	/* power iteration for the largest eigenvalue */
	for (i = 0; i < n; i++)
		v[i] = 1.0 / sqrt((double) n) * (1.0 + 0.01 * i);
	for (it = 0; it < 200; it++)
	{
		double		norm = 0.0;

		for (i = 0; i < n; i++)
		{
			double		t = 0.0;

			for (j = 0; j < n; j++)
				t += c[(size_t) i * n + j] * v[j];
			u[i] = t;
			norm += t * t;
		}
		norm = sqrt(norm);
		if (!(norm > 0))
			return INFINITY;
		lmax = norm;
		for (i = 0; i < n; i++)
			v[i] = u[i] / norm;
	}

	/* inverse iteration for the smallest: power iteration on C^-1 */
	if (cr_cholesky(c, n, NULL, 1e-15) >= 0)
		return INFINITY;
	for (i = 0; i < n; i++)
		v[i] = 1.0 / sqrt((double) n) * (1.0 - 0.01 * i);
	for (it = 0; it < 200; it++)
	{
		double		norm = 0.0;

		memcpy(u, v, sizeof(double) * n);
		cr_cholesky_solve(c, n, u);
		for (i = 0; i < n; i++)
			norm += u[i] * u[i];
		norm = sqrt(norm);
		if (!isfinite(norm) || !(norm > 0))
			return INFINITY;
		lmin_inv = norm;
		for (i = 0; i < n; i++)
			v[i] = u[i] / norm;
	}
	return lmax * lmin_inv;
}

/* Decile bin (0..9) of a score given the 11 training edges. */
int
cr_decile_bin(const double *edges, double score)
{
	int			lo = 0,
				hi = 9;

	/* number of interior edges edges[1..9] strictly below score */
	while (lo < hi)
	{
		int			mid = (lo + hi) / 2;

		if (edges[mid + 1] < score)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Population stability index sum (o - e) ln(o / e) over nbins shares; shares
 * below 1e-4 count as 1e-4 so that an empty bin gives a large but finite term.
 */
double
cr_psi(const double *expected, const double *observed, int nbins)
{
	double		psi = 0.0;
	int			i;

	for (i = 0; i < nbins; i++)
	{
		double		e = expected[i] < 1e-4 ? 1e-4 : expected[i];
		double		o = observed[i] < 1e-4 ? 1e-4 : observed[i];

		psi += (o - e) * log(o / e);
	}
	return psi;
}

double
cr_normal_two_sided_p(double z)
{
	return erfc(fabs(z) / sqrt(2.0));
}

static int
cmp_double(const void *a, const void *b)
{
	double		x = *(const double *) a;
	double		y = *(const double *) b;

	return (x > y) - (x < y);
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

/* Largest |beta_j| * sd_j, and which feature; for the separation check. */
static double
worst_scaled(const Solver *s, const double *beta, int *which)
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
 * Phase 1: Newton on every stride-th row.  Leaves beta at the sample's
 * optimum and the factorised, rescaled sample Hessian in hfac.  Returns
 * false when the sample fit did not work out (then phase 3 starts from
 * zero).
 */
static bool
sample_newton(Solver *s, int64_t stride, double *beta, double *hfac,
			  double *grad, double *step, double *trial)
{
	int			D = s->D;
	int64_t		m = (s->rows->n + stride - 1) / stride;
	double		scale = (double) m / (double) s->rows->n;
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

		if (cr_cholesky(hfac, D, NULL, COLLINEAR_REL_TOL) >= 0)
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
			int			w;

			if (s->opt->l2 == 0 && worst_scaled(s, beta, &w) > SEPARATION_SCALE)
				return false;
			/* hfac holds the information at beta: factorise it, scaled to n rows */
			for (j = 0; j < D * D; j++)
				hfac[j] /= scale;
			if (!s->opt->intercept)
				hfac[0] = 1.0;
			return cr_cholesky(hfac, D, NULL, COLLINEAR_REL_TOL) < 0;
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

	(void) penalise(s, beta, logit_pass(s, beta, 1, grad, NULL, false), grad, NULL, 1.0);
	for (it = 0; it < 20; it++)
	{
		double		dec = 0.0;

		for (j = 0; j < D; j++)
			step[j] = -grad[j];
		cr_cholesky_solve(hfac, D, step);
		for (j = 0; j < D; j++)
			dec -= grad[j] * step[j];
		if (!(dec < decrement) || !isfinite(dec))
			return;				/* not improving: phase 3 takes over from here */
		decrement = dec;
		if (step_small(beta, step, D, s->opt->tol))
			return;
		for (j = 0; j < D; j++)
			trial[j] = beta[j] + step[j];
		(void) penalise(s, trial, logit_pass(s, trial, 1, grad, NULL, false), grad, NULL, 1.0);
		memcpy(beta, trial, sizeof(double) * D);
	}
}

void
cr_logit_fit(const CrRows *rows, const CrFitOptions *opt, cr_alloc_fn alloc,
			 CrFitResult *res)
{
	Solver		s;
	int			d = rows->d;
	int			D = d + 1;
	double	   *beta,
			   *grad,
			   *hess,
			   *hfac,
			   *step,
			   *trial,
			   *diag,
			   *work;
	double		sw = 0.0,
				sw1 = 0.0,
				npos = 0.0,
				nneg = 0.0,
				w1,
				w0,
				f;
	double	   *shift,
			   *sx,
			   *sxx;
	bool		warm = false;
	int			j,
				k,
				it;

	memset(res, 0, sizeof(*res));
	res->bad_feature = -1;

	s.rows = rows;
	s.opt = opt;
	s.res = res;
	s.d = d;
	s.D = D;
	s.mu = alloc(sizeof(double) * d);
	s.sd = alloc(sizeof(double) * d);
	s.xr = alloc(sizeof(double) * D);
	s.xb = alloc(sizeof(double) * D * HESS_BLOCK);
	s.hb = alloc(sizeof(double) * HESS_BLOCK);
	beta = alloc(sizeof(double) * D);
	grad = alloc(sizeof(double) * D);
	step = alloc(sizeof(double) * D);
	trial = alloc(sizeof(double) * D);
	diag = alloc(sizeof(double) * D);
	hess = alloc(sizeof(double) * D * D);
	hfac = alloc(sizeof(double) * D * D);
	work = alloc(sizeof(double) * (3 * D + D * D));
	shift = alloc(sizeof(double) * d);
	sx = alloc(sizeof(double) * d);
	sxx = alloc(sizeof(double) * d);
	res->beta = alloc(sizeof(double) * D);
	res->cov = alloc(sizeof(double) * D * D);
	res->means = alloc(sizeof(double) * d);

	/* Pre-pass: class counts, weighted means and spreads (shifted sums). */
	memset(sx, 0, sizeof(double) * d);
	memset(sxx, 0, sizeof(double) * d);
	for (j = 0; j < d; j++)
		shift[j] = rows->blocks[0][j];
	FOR_EACH_ROW(&s, 1, r)
	{
		double		v = r[d];
		double		w = fabs(v);

		sw += w;
		if (v > 0)
		{
			sw1 += w;
			npos += 1;
		}
		else
			nneg += 1;
		for (j = 0; j < d; j++)
		{
			double		t = r[j] - shift[j];

			sx[j] += w * t;
			sxx[j] += w * t * t;
		}
	}
	END_FOR_EACH_ROW;
	res->n_retained = npos;
	for (j = 0; j < d; j++)
	{
		double		m = sx[j] / sw;
		double		var = sxx[j] / sw - m * m;

		res->means[j] = shift[j] + m;
		s.sd[j] = var > 0 ? sqrt(var) : 0.0;
	}
	if (npos == 0 || nneg == 0)
	{
		res->status = CR_FIT_ONE_CLASS;
		return;
	}
	for (j = 0; j < d; j++)
	{
		bool		constant = !(s.sd[j] > 1e-13 * fabs(res->means[j])) || s.sd[j] == 0.0;

		if (constant && (opt->intercept || res->means[j] == 0.0))
		{
			res->status = CR_FIT_CONSTANT;
			res->bad_feature = j;
			return;
		}
		s.mu[j] = opt->intercept ? res->means[j] : 0.0;
	}
	if (opt->balanced)
	{
		double		n = npos + nneg;

		s.cw[1] = n / (2.0 * npos);
		s.cw[0] = n / (2.0 * nneg);
	}
	else
		s.cw[0] = s.cw[1] = 1.0;

	/* The intercept-only model's log-likelihood. */
	w1 = sw1 * s.cw[1];
	w0 = (sw - sw1) * s.cw[0];
	if (opt->intercept)
		res->null_loglik = w1 * log(w1 / (w0 + w1)) + w0 * log(w0 / (w0 + w1));
	else
		res->null_loglik = (w0 + w1) * log(0.5);

	/* Phases 1 and 2 on large inputs. */
	memset(beta, 0, sizeof(double) * D);
	if (rows->n >= 4 * (int64_t) SAMPLE_ROWS && !opt->exact_only)
	{
		int64_t		stride = rows->n / SAMPLE_ROWS;

		warm = sample_newton(&s, stride, beta, hfac, grad, step, trial);
		if (warm)
			preconditioned_passes(&s, beta, hfac, grad, step, trial);
		else
			memset(beta, 0, sizeof(double) * D);
	}

	/* Phase 3: exact Newton over all rows. */
	f = penalise(&s, beta, logit_pass(&s, beta, 1, grad, hess, true), grad, hess, 1.0);
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
			return;
		}
		for (j = 0; j < D; j++)
			step[j] = -grad[j];
		cr_cholesky_solve(hfac, D, step);
		if (step_small(beta, step, D, opt->tol))
		{
			for (j = 0; j < D; j++)
				beta[j] += step[j];
			res->converged = true;
			break;
		}
		if (opt->l2 == 0 && it >= 8 && worst_scaled(&s, beta, &w) > SEPARATION_SCALE)
		{
			res->status = CR_FIT_SEPARATION;
			res->bad_feature = w;
			return;
		}
		if (it >= opt->max_iter)
		{
			res->status = CR_FIT_NO_CONVERGENCE;
			res->iterations = it;
			return;
		}
		for (half = 0; half < 40; half++, t *= 0.5)
		{
			double		fn;

			for (j = 0; j < D; j++)
				trial[j] = beta[j] + t * step[j];
			fn = penalise(&s, trial, logit_pass(&s, trial, 1, grad, hess, true), grad, hess, 1.0);
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
			res->converged = step_small(beta, step, D, 1e-6);
			if (!res->converged)
			{
				res->status = CR_FIT_NO_CONVERGENCE;
				return;
			}
			break;
		}
	}
	if (opt->l2 == 0)
	{
		int			w;

		if (worst_scaled(&s, beta, &w) > 2 * SEPARATION_SCALE)
		{
			res->status = CR_FIT_SEPARATION;
			res->bad_feature = w;
			return;
		}
	}

	/* Covariance: the inverse of the last penalised Hessian (centred). */
	cr_cholesky_inverse(hfac, D, res->cov, work);
	if (!opt->intercept)
		res->cov[0] = 0.0;
	res->condition_number = cr_condition_number(hess, D, work);

	/* Back to the original feature scale: beta0 -= sum beta_j mu_j, cov = T C T'. */
	memcpy(res->beta, beta, sizeof(double) * D);
	for (j = 0; j < d; j++)
		res->beta[0] -= beta[j + 1] * s.mu[j];
	if (opt->intercept)
	{
		double	   *c = res->cov;
		double		c00;

		/* row 0 := row 0 - sum_j mu_j row j (columns 1..d keep their values) */
		for (k = 1; k < D; k++)
		{
			double		t = c[k];

			for (j = 0; j < d; j++)
				t -= s.mu[j] * c[(size_t) (j + 1) * D + k];
			work[k] = t;
		}
		c00 = c[0];
		for (j = 0; j < d; j++)
			c00 -= 2.0 * s.mu[j] * c[j + 1];
		for (j = 0; j < d; j++)
			for (k = 0; k < d; k++)
				c00 += s.mu[j] * s.mu[k] * c[(size_t) (j + 1) * D + k + 1];
		c[0] = c00;
		for (k = 1; k < D; k++)
			c[k] = c[(size_t) k * D] = work[k];
	}

	/*
	 * Final pass: score deciles of the training rows (edges from an evenly
	 * spaced sample, shares over all rows) and the exact log-likelihood.
	 */
	{
		int64_t		stride = rows->n > SAMPLE_ROWS ? rows->n / SAMPLE_ROWS : 1;
		int64_t		m = 0;
		double	   *sc = alloc(sizeof(double) * ((rows->n + stride - 1) / stride));
		double		counts[10] = {0};
		double		ll = 0.0;

		FOR_EACH_ROW(&s, stride, r)
		{
			double		eta = res->beta[0];

			for (j = 0; j < d; j++)
				eta += res->beta[j + 1] * r[j];
			sc[m++] = cr_sigmoid(eta);
		}
		END_FOR_EACH_ROW;
		qsort(sc, m, sizeof(double), cmp_double);
		for (k = 0; k <= 10; k++)
			res->deciles[k] = sc[(int64_t) floor(k / 10.0 * (double) (m - 1) + 0.5)];
		FOR_EACH_ROW(&s, 1, r)
		{
			double		v = r[d];
			int			y = v > 0;
			double		w = (y ? v : -v) * s.cw[y];
			double		eta = res->beta[0];
			double		e;

			for (j = 0; j < d; j++)
				eta += res->beta[j + 1] * r[j];
			e = exp(-fabs(eta));
			ll += w * ((y ? eta : 0.0) - (log1p(e) + (eta >= 0 ? eta : 0.0)));
			counts[cr_decile_bin(res->deciles, eta >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e))] += 1;
		}
		END_FOR_EACH_ROW;
		res->loglik = ll;
		for (k = 0; k < 10; k++)
			res->shares[k] = counts[k] / (double) rows->n;
	}
	(void) warm;
	res->status = CR_FIT_OK;
}
