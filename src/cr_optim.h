/*
 * cr_optim.h
 *	  A small quasi-Newton minimiser (BFGS with a backtracking Armijo line
 *	  search) for the buyer models' maximum likelihood fits, and standard
 *	  errors from a numerical Hessian.  Plain C, no PostgreSQL includes:
 *	  unit-tested under test/unit.
 */
#ifndef CR_OPTIM_H
#define CR_OPTIM_H

#define CR_OPTIM_MAXK 8

/*
 * Newton's tolerances on the rounding a cr_loglik_hess reports: this many
 * units in the last place of the sums of |terms| (see cr_ml_fit_newton)
 */
#define CR_OPTIM_ROUND_ULPS 16.0

/*
 * The objective: returns f(theta) and, when grad is not NULL, its gradient.
 * A non-finite return means "outside the domain"; the line search backs off.
 */
typedef double (*cr_objective) (const double *theta, double *grad, void *arg);

/* Called once per iteration (a server caller checks for interrupts there). */
typedef void (*cr_optim_tick) (void *arg);

typedef enum CrOptimStatus
{
	CR_OPTIM_CONVERGED = 0,
	CR_OPTIM_MAXITER,			/* iteration budget spent */
	CR_OPTIM_NONFINITE,			/* f or its gradient not finite at the start */
	CR_OPTIM_STALLED			/* the line search found no decrease */
} CrOptimStatus;

/*
 * Minimise f over R^k (k <= CR_OPTIM_MAXK) from theta (updated in place).
 * Converged when every |gradient component| <= gtol, or when f stops
 * decreasing (relative change below 1e-14 five steps running, or no step
 * decreases it) with every |gradient component| <= 1e-5.
 */
extern CrOptimStatus cr_bfgs(cr_objective f, void *arg, int k, double *theta,
							 double gtol, int maxiter, cr_optim_tick tick,
							 void *tick_arg, double *fmin, int *iterations);

/*
 * Standard errors of the natural parameters p = exp(theta) at a minimum of
 * f, where f is a negative log-likelihood in theta = log p: the square roots
 * of the diagonal of the inverse of the Hessian of f in p, by central
 * differences of the analytic gradient (step 1e-5 p_j, symmetrised).  se[j]
 * is NaN when the Hessian is not positive definite.  Returns 0, or -1 when
 * the gradient was not finite at a step.
 */
extern int	cr_log_param_se(cr_objective f, void *arg, int k, const double *theta,
							double *se);

/*
 * A log-likelihood in the natural parameters p (all > 0): returns LL(p) and,
 * when grad is not NULL, dLL/dp.
 */
typedef double (*cr_loglik) (const double *p, double *grad, void *arg);

typedef struct CrMlFit
{
	double		p[CR_OPTIM_MAXK];	/* in: the start; out: the estimate */
	double		log_likelihood;
	double		se[CR_OPTIM_MAXK];	/* NaN when not available */
	int			iterations;
} CrMlFit;

/*
 * Maximum likelihood with positive parameters: BFGS on -LL/n in
 * theta = log p (gtol 1e-10 on that scale), then cr_log_param_se.
 * *diverged is set (and CR_OPTIM_MAXITER returned) when a log-parameter
 * ends more than log_bound from its start: the estimate ran off to 0 or
 * infinity.
 */
extern CrOptimStatus cr_ml_fit(cr_loglik ll, void *arg, int k, double n,
							   double log_bound, int maxiter, cr_optim_tick tick,
							   void *tick_arg, CrMlFit *fit, int *diverged);

/*
 * A log-likelihood as cr_loglik, with its Hessian d2LL/dp2 (k x k) too, and
 * (mag, k + 1 entries, 0 on the call) the scales of the rounding of LL and
 * of each dLL/dp_j, the sums of the |terms| that make them up; a callback
 * that leaves them 0 gets Newton's fixed tolerances (see cr_ml_fit_newton).
 */
typedef double (*cr_loglik_hess) (const double *p, double *grad,
								  double hess[CR_OPTIM_MAXK][CR_OPTIM_MAXK], double *mag,
								  void *arg);

/*
 * Maximum likelihood by damped Newton (Levenberg-Marquardt) on -LL/n in
 * theta = log p, to the same gradient tolerance as cr_ml_fit, or to the
 * rounding of the gradient where that is larger (CR_OPTIM_ROUND_ULPS ulps
 * of the callback's mag: q dLL/dq with q at 1e4 and lgamma(q) 1e5 a term
 * carries 2e-10 of rounding); standard errors from the analytic Hessian at
 * the estimate.  Only a clean convergence (every gradient component within
 * its tolerance) is reported as
 * CR_OPTIM_CONVERGED (fit filled in); otherwise (a log-parameter more than
 * log_bound from its start, no decrease found, f no longer decreasing,
 * iteration budget spent) fit->p is left as it was and the caller falls back
 * to cr_ml_fit, whose diagnostics decide.
 */
extern CrOptimStatus cr_ml_fit_newton(cr_loglik_hess ll, void *arg, int k, double n,
									  double log_bound, int maxiter, cr_optim_tick tick,
									  void *tick_arg, CrMlFit *fit);

/*
 * The Cholesky factor L (lower triangle; the rest not set) of A + lambda I,
 * k x k, A symmetric (its lower triangle is read): 0, or -1 when it is not
 * positive definite (a pivot not positive or not finite).
 */
extern int	cr_optim_cholesky(double A[CR_OPTIM_MAXK][CR_OPTIM_MAXK], double lambda, int k,
							  double L[CR_OPTIM_MAXK][CR_OPTIM_MAXK]);

/* d = -(L L')^-1 g, L from cr_optim_cholesky: Newton's step for gradient g */
extern void cr_optim_cholesky_solve(double L[CR_OPTIM_MAXK][CR_OPTIM_MAXK], const double *g, int k,
									double *d);

#endif							/* CR_OPTIM_H */
