/*
 * cr_optim.c
 *	  BFGS with backtracking line search, and numerical-Hessian standard
 *	  errors (see cr_optim.h).  Plain C.
 */
#include <float.h>
#include <math.h>
#include <string.h>

#include "cr_optim.h"

/*
 * The gradient (of a mean negative log-likelihood per member, in
 * log-parameters) accepted when f cannot be decreased any further within
 * floating point precision.
 */
#define CR_OPTIM_FLAT_GTOL 1e-5

static double
max_abs(const double *v, int k)
{
	double		m = 0.0;
	int			i;

	for (i = 0; i < k; i++)
		if (fabs(v[i]) > m || isnan(v[i]))
			m = isnan(v[i]) ? INFINITY : fabs(v[i]);
	return m;
}

static int
all_finite(const double *v, int k)
{
	int			i;

	for (i = 0; i < k; i++)
		if (!isfinite(v[i]))
			return 0;
	return 1;
}

/* BFGS update of the inverse Hessian approximation H with step s, gradient change y. */
static void
bfgs_update(double H[CR_OPTIM_MAXK][CR_OPTIM_MAXK], const double *s, const double *y, int k)
{
	double		sy = 0.0,
				yHy = 0.0,
				Hy[CR_OPTIM_MAXK];
	int			i,
				j;

	for (i = 0; i < k; i++)
		sy += s[i] * y[i];
	if (!(sy > 1e-300))
		return;					/* curvature condition fails: keep H */
	for (i = 0; i < k; i++)
	{
		Hy[i] = 0.0;
		for (j = 0; j < k; j++)
			Hy[i] += H[i][j] * y[j];
		yHy += y[i] * Hy[i];
	}
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++)
			H[i][j] += ((sy + yHy) * s[i] * s[j]) / (sy * sy)
				- (Hy[i] * s[j] + s[i] * Hy[j]) / sy;
}

static void
set_identity(double H[CR_OPTIM_MAXK][CR_OPTIM_MAXK], int k, double scale)
{
	int			i;

	memset(H, 0, sizeof(double) * CR_OPTIM_MAXK * CR_OPTIM_MAXK);
	for (i = 0; i < k; i++)
		H[i][i] = scale;
}

/*
 * Backtracking along d from x (value fx, gradient g): the first step
 * 1, 1/2, 1/4 ... with the Armijo decrease, steps capped so no coordinate
 * moves by more than 5 (a factor e^5 in the natural parameter).  Returns the
 * step taken, 0 when none decreases f.
 */
static double
line_search(cr_objective f, void *arg, int k, const double *x, double fx,
			const double *g, const double *d, double *xn, double *fn, double *gn)
{
	double		slope = 0.0,
				step = 1.0,
				dmax = max_abs(d, k);
	int			i,
				tries;

	for (i = 0; i < k; i++)
		slope += g[i] * d[i];
	if (dmax > 5.0)
		step = 5.0 / dmax;
	for (tries = 0; tries < 60; tries++, step *= 0.5)
	{
		for (i = 0; i < k; i++)
			xn[i] = x[i] + step * d[i];
		*fn = f(xn, gn, arg);
		if (isfinite(*fn) && all_finite(gn, k) && *fn <= fx + 1e-4 * step * slope)
			return step;
	}
	return 0.0;
}

CrOptimStatus
cr_bfgs(cr_objective f, void *arg, int k, double *theta, double gtol,
		int maxiter, cr_optim_tick tick, void *tick_arg, double *fmin,
		int *iterations)
{
	double		H[CR_OPTIM_MAXK][CR_OPTIM_MAXK];
	double		g[CR_OPTIM_MAXK],
				gn[CR_OPTIM_MAXK],
				d[CR_OPTIM_MAXK],
				xn[CR_OPTIM_MAXK],
				s[CR_OPTIM_MAXK],
				y[CR_OPTIM_MAXK];
	double		fx,
				fn,
				slope;
	int			it,
				i,
				j,
				restarted = 0,
				flat = 0;

	fx = f(theta, g, arg);
	*fmin = fx;
	*iterations = 0;
	if (!isfinite(fx) || !all_finite(g, k))
		return CR_OPTIM_NONFINITE;
	set_identity(H, k, 1.0);
	for (it = 1; it <= maxiter; it++)
	{
		if (tick)
			tick(tick_arg);
		*iterations = it;
		if (max_abs(g, k) <= gtol)
			return CR_OPTIM_CONVERGED;
		slope = 0.0;
		for (i = 0; i < k; i++)
		{
			d[i] = 0.0;
			for (j = 0; j < k; j++)
				d[i] -= H[i][j] * g[j];
			slope += d[i] * g[i];
		}
		if (!(slope < 0.0))
		{
			/* not a descent direction: restart from steepest descent */
			set_identity(H, k, 1.0);
			for (i = 0; i < k; i++)
				d[i] = -g[i];
		}
		if (line_search(f, arg, k, theta, fx, g, d, xn, &fn, gn) == 0.0)
		{
			if (max_abs(g, k) <= CR_OPTIM_FLAT_GTOL)
				return CR_OPTIM_CONVERGED;
			if (restarted)
				return CR_OPTIM_STALLED;
			restarted = 1;		/* one more try along the steepest descent */
			set_identity(H, k, 1.0 / fmax(1.0, max_abs(g, k)));
			continue;
		}
		restarted = 0;
		for (i = 0; i < k; i++)
		{
			s[i] = xn[i] - theta[i];
			y[i] = gn[i] - g[i];
		}
		if (it == 1)
		{
			/* scale the first inverse Hessian guess (Nocedal & Wright 6.20) */
			double		sy = 0.0,
						yy = 0.0;

			for (i = 0; i < k; i++)
			{
				sy += s[i] * y[i];
				yy += y[i] * y[i];
			}
			if (sy > 0.0 && yy > 0.0)
				set_identity(H, k, sy / yy);
		}
		bfgs_update(H, s, y, k);
		memcpy(theta, xn, sizeof(double) * k);
		memcpy(g, gn, sizeof(double) * k);
		/* f no longer moves: the gradient left is rounding noise, or a ridge */
		flat = fx - fn <= 1e-14 * fmax(1.0, fabs(fx)) ? flat + 1 : 0;
		fx = fn;
		*fmin = fx;
		if (flat >= 5)
			return max_abs(g, k) <= CR_OPTIM_FLAT_GTOL ? CR_OPTIM_CONVERGED : CR_OPTIM_STALLED;
	}
	return max_abs(g, k) <= gtol ? CR_OPTIM_CONVERGED : CR_OPTIM_MAXITER;
}

/* Invert the symmetric k x k matrix A in place (Gauss-Jordan, partial pivoting); -1 if singular. */
static int
invert(double A[CR_OPTIM_MAXK][CR_OPTIM_MAXK], int k)
{
	double		M[CR_OPTIM_MAXK][2 * CR_OPTIM_MAXK];
	int			i,
				j,
				col,
				piv;

	for (i = 0; i < k; i++)
		for (j = 0; j < 2 * k; j++)
			M[i][j] = j < k ? A[i][j] : (j - k == i ? 1.0 : 0.0);
	for (col = 0; col < k; col++)
	{
		piv = col;
		for (i = col + 1; i < k; i++)
			if (fabs(M[i][col]) > fabs(M[piv][col]))
				piv = i;
		if (!(fabs(M[piv][col]) > 0.0))
			return -1;
		if (piv != col)
			for (j = 0; j < 2 * k; j++)
			{
				double		t = M[col][j];

				M[col][j] = M[piv][j];
				M[piv][j] = t;
			}
		for (j = 2 * k - 1; j >= col; j--)
			M[col][j] /= M[col][col];
		for (i = 0; i < k; i++)
			if (i != col && M[i][col] != 0.0)
			{
				double		m = M[i][col];

				for (j = col; j < 2 * k; j++)
					M[i][j] -= m * M[col][j];
			}
	}
	for (i = 0; i < k; i++)
		for (j = 0; j < k; j++)
			A[i][j] = M[i][j + k];
	return 0;
}

/* gradient of f in the natural parameters p at p (= exp(theta)) */
static int
natural_grad(cr_objective f, void *arg, int k, const double *p, double *gp)
{
	double		th[CR_OPTIM_MAXK] = {0};
	int			i;

	for (i = 0; i < k; i++)
		th[i] = log(p[i]);
	if (!isfinite(f(th, gp, arg)))
		return -1;
	for (i = 0; i < k; i++)
		gp[i] /= p[i];
	return all_finite(gp, k) ? 0 : -1;
}

int
cr_log_param_se(cr_objective f, void *arg, int k, const double *theta, double *se)
{
	double		Hm[CR_OPTIM_MAXK][CR_OPTIM_MAXK];
	double		p[CR_OPTIM_MAXK],
				q[CR_OPTIM_MAXK],
				gplus[CR_OPTIM_MAXK],
				gminus[CR_OPTIM_MAXK];
	int			i,
				j;

	for (i = 0; i < k; i++)
		p[i] = exp(theta[i]);
	for (j = 0; j < k; j++)
	{
		double		h = 1e-5 * p[j];

		memcpy(q, p, sizeof(double) * k);
		q[j] = p[j] + h;
		if (natural_grad(f, arg, k, q, gplus) != 0)
			return -1;
		q[j] = p[j] - h;
		if (natural_grad(f, arg, k, q, gminus) != 0)
			return -1;
		for (i = 0; i < k; i++)
			Hm[i][j] = (gplus[i] - gminus[i]) / (2.0 * h);
	}
	for (i = 0; i < k; i++)
		for (j = 0; j < i; j++)
			Hm[i][j] = Hm[j][i] = 0.5 * (Hm[i][j] + Hm[j][i]);
	if (invert(Hm, k) != 0)
	{
		for (i = 0; i < k; i++)
			se[i] = NAN;
		return 0;
	}
	for (i = 0; i < k; i++)
		se[i] = Hm[i][i] > 0.0 ? sqrt(Hm[i][i]) : NAN;
	return 0;
}

typedef struct MlObjective
{
	cr_loglik	ll;
	void	   *arg;
	int			k;
	double		scale;			/* -1/n while optimising, -1 for the Hessian */
	double		bound;
	double		theta0[CR_OPTIM_MAXK];	/* the start */
} MlObjective;

/* scale * LL in theta = log p, and its gradient in theta */
static double
ml_objective(const double *theta, double *grad, void *arg)
{
	MlObjective *o = arg;
	double		p[CR_OPTIM_MAXK],
				g[CR_OPTIM_MAXK],
				ll;
	int			i;

	for (i = 0; i < o->k; i++)
	{
		if (!(fabs(theta[i] - o->theta0[i]) <= o->bound + 10.0))
			return INFINITY;
		p[i] = exp(theta[i]);
	}
	ll = o->ll(p, grad ? g : NULL, o->arg);
	if (grad)
		for (i = 0; i < o->k; i++)
			grad[i] = o->scale * g[i] * p[i];
	return o->scale * ll;
}

CrOptimStatus
cr_ml_fit(cr_loglik ll, void *arg, int k, double n, double log_bound, int maxiter,
		  cr_optim_tick tick, void *tick_arg, CrMlFit *fit, int *diverged)
{
	MlObjective o = {ll, arg, k, -1.0 / n, log_bound, {0}};
	double		theta[CR_OPTIM_MAXK] = {0},
				fmin;
	CrOptimStatus st;
	int			j;

	*diverged = 0;
	for (j = 0; j < k; j++)
		o.theta0[j] = theta[j] = log(fit->p[j]);
	st = cr_bfgs(ml_objective, &o, k, theta, 1e-10, maxiter, tick, tick_arg,
				 &fmin, &fit->iterations);
	for (j = 0; j < k; j++)
	{
		if (fabs(theta[j] - o.theta0[j]) > log_bound)
			*diverged = 1;
		fit->p[j] = exp(theta[j]);
	}
	if (*diverged)
		return CR_OPTIM_MAXITER;
	if (st != CR_OPTIM_CONVERGED)
		return st;
	fit->log_likelihood = ll(fit->p, NULL, arg);
	o.scale = -1.0;
	if (cr_log_param_se(ml_objective, &o, k, theta, fit->se) != 0)
		for (j = 0; j < k; j++)
			fit->se[j] = NAN;
	return CR_OPTIM_CONVERGED;
}

/* ---------------------------------------------------------------- Newton */

/* see cr_optim.h */
int
cr_optim_cholesky(double A[CR_OPTIM_MAXK][CR_OPTIM_MAXK], double lambda, int k,
				  double L[CR_OPTIM_MAXK][CR_OPTIM_MAXK])
{
	int			i,
				j,
				m;

	for (j = 0; j < k; j++)
	{
		double		d = A[j][j] + lambda;

		for (m = 0; m < j; m++)
			d -= L[j][m] * L[j][m];
		if (!(d > 0.0) || !isfinite(d))
			return -1;
		L[j][j] = sqrt(d);
		for (i = j + 1; i < k; i++)
		{
			double		v = A[i][j];

			for (m = 0; m < j; m++)
				v -= L[i][m] * L[j][m];
			L[i][j] = v / L[j][j];
		}
	}
	return 0;
}

void
cr_optim_cholesky_solve(double L[CR_OPTIM_MAXK][CR_OPTIM_MAXK], const double *g, int k, double *d)
{
	double		y[CR_OPTIM_MAXK];
	int			i,
				m;

	for (i = 0; i < k; i++)
	{
		y[i] = -g[i];
		for (m = 0; m < i; m++)
			y[i] -= L[i][m] * y[m];
		y[i] /= L[i][i];
	}
	for (i = k - 1; i >= 0; i--)
	{
		d[i] = y[i];
		for (m = i + 1; m < k; m++)
			d[i] -= L[m][i] * d[m];
		d[i] /= L[i][i];
	}
}

/*
 * One evaluation of -LL/n in theta = log p: value, gradient and Hessian in
 * theta, and the rounding of the value and of each gradient component.
 */
typedef struct NewtonPoint
{
	double		theta[CR_OPTIM_MAXK],
				p[CR_OPTIM_MAXK],
				f,
				ll,
				g[CR_OPTIM_MAXK],
				H[CR_OPTIM_MAXK][CR_OPTIM_MAXK],
				hp[CR_OPTIM_MAXK][CR_OPTIM_MAXK],	/* d2 LL / dp2 */
				fround,			/* f's rounding: 0 when the callback gave none */
				gtol[CR_OPTIM_MAXK];	/* 1e-10, or g_i's rounding where larger */
} NewtonPoint;

static int
newton_eval(cr_loglik_hess ll, void *arg, int k, double n, NewtonPoint *pt)
{
	double		gp[CR_OPTIM_MAXK],
				mag[CR_OPTIM_MAXK + 1] = {0};
	int			i,
				j;

	for (i = 0; i < k; i++)
		pt->p[i] = exp(pt->theta[i]);
	pt->ll = ll(pt->p, gp, pt->hp, mag, arg);
	pt->f = -pt->ll / n;
	if (!isfinite(pt->f) || !all_finite(gp, k))
		return -1;
	pt->fround = CR_OPTIM_ROUND_ULPS * DBL_EPSILON * mag[0] / n;
	/* d/dtheta_i = p_i d/dp_i; d2/dtheta_i dtheta_j = p_i p_j d2/dp_i dp_j + [i = j] p_i d/dp_i */
	for (i = 0; i < k; i++)
	{
		pt->g[i] = -pt->p[i] * gp[i] / n;
		pt->gtol[i] = fmax(1e-10, CR_OPTIM_ROUND_ULPS * DBL_EPSILON * pt->p[i] * mag[1 + i] / n);
		for (j = 0; j < k; j++)
			pt->H[i][j] = -pt->p[i] * pt->p[j] * pt->hp[i][j] / n + (i == j ? pt->g[i] : 0.0);
		if (!all_finite(pt->H[i], k))
			return -1;
	}
	return 0;
}

/* whether every gradient component is within its tolerance */
static int
newton_converged(const NewtonPoint *pt, int k)
{
	int			i;

	for (i = 0; i < k; i++)
		if (!(fabs(pt->g[i]) <= pt->gtol[i]))
			return 0;
	return 1;
}

/*
 * The largest |g_i| in units of its tolerance, where the callback reported
 * its rounding; else the largest |g_i| (BG/NBD: the fixed tolerances, the
 * steps as they were)
 */
static double
newton_excess(const NewtonPoint *pt, int k)
{
	double		e = 0.0;
	int			i;

	if (pt->fround == 0.0)
		return max_abs(pt->g, k);
	for (i = 0; i < k; i++)
		e = fmax(e, fabs(pt->g[i]) / pt->gtol[i]);
	return e;
}

/*
 * Damped Newton (Levenberg-Marquardt) on -LL/n in theta = log p: the step
 * solves (H + lambda I) d = -g, lambda raised until H + lambda I is positive
 * definite and the step decreases f (Armijo), and lowered tenfold after a
 * step that does; near the maximum lambda is 0 and convergence quadratic.
 */
CrOptimStatus
cr_ml_fit_newton(cr_loglik_hess ll, void *arg, int k, double n, double log_bound,
				 int maxiter, cr_optim_tick tick, void *tick_arg, CrMlFit *fit)
{
	NewtonPoint cur,
				next;
	double		L[CR_OPTIM_MAXK][CR_OPTIM_MAXK],
				d[CR_OPTIM_MAXK],
				theta0[CR_OPTIM_MAXK],
				lambda = 0.0;
	int			it,
				i,
				j,
				flat = 0;

	for (i = 0; i < k; i++)
		theta0[i] = cur.theta[i] = log(fit->p[i]);
	fit->iterations = 0;
	if (newton_eval(ll, arg, k, n, &cur) != 0)
		return CR_OPTIM_NONFINITE;
	for (it = 1; it <= maxiter; it++)
	{
		double		slope = 0.0,
					dmax;

		if (tick)
			tick(tick_arg);
		fit->iterations = it;
		if (newton_converged(&cur, k))
			break;
		while (cr_optim_cholesky(cur.H, lambda, k, L) != 0)
		{
			lambda = fmax(4.0 * lambda, 1e-6);
			if (!isfinite(lambda))
				return CR_OPTIM_STALLED;	/* a Hessian beyond damping */
		}
		cr_optim_cholesky_solve(L, cur.g, k, d);
		dmax = max_abs(d, k);
		for (i = 0; i < k; i++)
		{
			if (dmax > 5.0)
				d[i] *= 5.0 / dmax;
			next.theta[i] = cur.theta[i] + d[i];
			slope += cur.g[i] * d[i];
			if (!(fabs(next.theta[i] - theta0[i]) <= log_bound))
				return CR_OPTIM_STALLED;	/* running off: the caller's fallback decides */
		}
		/*
		 * Armijo; or, once the decrease predicted is below the rounding of
		 * f, a step that does not raise f beyond rounding and shrinks the
		 * gradient.  That rounding is the callback's where it is larger
		 * than 1e-12 |f|: at a maximum with q = 1e4, lgamma(q) 1e5 in every
		 * term, f came out up to 3e-11 (7e-12 |f|) above the value it had
		 * before a step that took the gradient from 1e-7 to 7e-11, and
		 * Newton, the step refused, went on refusing damped ones until
		 * f stopped moving, 25 passes over the rows, before BFGS.  The
		 * gradient shrinks in units of each component's tolerance: where
		 * f's rounding was 1.6e-4 (p = 1.4e5, lgamma(p x) 5e10) and a
		 * component within its tolerance of 1.7e-4 still held 1e-6 of
		 * noise, the largest |g_i| went up and down with that noise, and
		 * steps along the flat ridge (p's standard error 1.4e6) were taken
		 * and retaken for all 100 passes while q's and gamma's components
		 * stayed 30 times their tolerances: "did not converge", where the
		 * steps refused had let the fit settle at the maximum.
		 */
		if (newton_eval(ll, arg, k, n, &next) != 0 ||
			!(next.f <= cur.f + 1e-4 * slope ||
			  (next.f <= cur.f + fmax(1e-12 * fabs(cur.f), fmax(cur.fround, next.fround)) &&
			   newton_excess(&next, k) < newton_excess(&cur, k))))
		{
			lambda = fmax(8.0 * lambda, 1e-4 * fmax(1.0, max_abs(cur.g, k)));
			if (lambda > 1e12)
				return CR_OPTIM_STALLED;
			continue;
		}
		flat = cur.f - next.f <= 1e-14 * fmax(1.0, fabs(cur.f)) ? flat + 1 : 0;
		cur = next;
		lambda = lambda < 1e-8 ? 0.0 : 0.1 * lambda;
		/*
		 * f stopped moving before the gradient reached 1e-10: not a clean
		 * convergence.  Along a ridge running off to infinity (identical
		 * rows, no heterogeneity in the data) the gradient in log-parameters
		 * fades while f flattens, so this happens far short of log_bound;
		 * BFGS, with its divergence diagnostics, decides.
		 */
		if (flat >= 3)
			return CR_OPTIM_STALLED;
	}
	if (it > maxiter)
		return CR_OPTIM_MAXITER;
	for (i = 0; i < k; i++)
	{
		fit->p[i] = cur.p[i];
		for (j = 0; j < k; j++)
			L[i][j] = -cur.hp[i][j];
	}
	fit->log_likelihood = cur.ll;
	/* standard errors: the inverse of the observed information -d2 LL / dp2 */
	if (invert(L, k) != 0)
		for (i = 0; i < k; i++)
			fit->se[i] = NAN;
	else
		for (i = 0; i < k; i++)
			fit->se[i] = L[i][i] > 0.0 ? sqrt(L[i][i]) : NAN;
	return CR_OPTIM_CONVERGED;
}
