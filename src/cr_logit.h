/*
 * cr_logit.h
 *	  Plain-C numerical kernels of the logistic retention model: the
 *	  Newton-Raphson solver with Cholesky solves and step-halving
 *	  (cr_logit.c), the dense linear algebra it needs and small statistics
 *	  helpers (cr_linalg.c).
 *
 * Nothing here calls the backend, so test/unit and test/fuzz build it
 * outside the server.  The caller passes a "tick" callback that the long
 * loops call every block of rows and, in Hessian passes, every few
 * milliseconds of work (every 32 rows of 1000 features); in the server it is
 * CHECK_FOR_INTERRUPTS(), so training answers cancel requests promptly.
 *
 * Training rows live in blocks of any size.  A row is d+1 doubles:
 * the d feature values, then one signed value v holding label and weight:
 * v = +w for a retained member, v = -w for a lapsed one (w > 0).  That is the
 * 8*(d+1) bytes per row the documentation promises.
 */
#ifndef CR_LOGIT_H
#define CR_LOGIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CR_MAX_FEATURES 1000

typedef void (*cr_tick_fn) (void);

typedef struct CrRows
{
	int			d;				/* number of features */
	int64_t		n;				/* rows in all blocks */
	int			nblocks;
	double	  **blocks;			/* rows, block after block */
	int64_t    *block_n;		/* rows in each block */
} CrRows;

typedef struct CrFitOptions
{
	double		l2;				/* ridge penalty on the coefficients, >= 0 */
	bool		intercept;		/* fit an (unpenalised) intercept */
	int			max_iter;		/* Newton iterations on all rows */
	double		tol;			/* converged when every Newton step component, in
								 * standardised units, is <= tol*(1+|coef|) */
	bool		balanced;		/* class_weight "balanced" (scikit-learn's rule) */
	cr_tick_fn	tick;			/* called every few milliseconds; may be NULL */
	bool		exact_only;		/* skip the sample warm start (tests compare both) */
	const double *start;		/* cr_logit_fit_passes: d+1 raw-scale coefficients
								 * to start Newton from (intercept first; ignored
								 * without an intercept), NULL: from zero */
} CrFitOptions;

typedef enum CrFitStatus
{
	CR_FIT_OK = 0,
	CR_FIT_ONE_CLASS,			/* only retained or only lapsed rows */
	CR_FIT_CONSTANT,			/* feature bad_feature has one value */
	CR_FIT_COLLINEAR,			/* feature bad_feature is a combination of earlier ones */
	CR_FIT_SEPARATION,			/* (quasi-)complete separation shown on every row;
								 * bad_feature leads the separating direction */
	CR_FIT_NO_CONVERGENCE
} CrFitStatus;

typedef struct CrFitResult
{
	CrFitStatus status;
	int			bad_feature;	/* 0-based feature index for the statuses above, -1 = intercept */
	int			iterations;		/* Newton iterations over all rows */
	int			passes;			/* gradient passes over all rows */
	int			hessian_passes; /* of which also accumulated the Hessian */
	bool		converged;
	double	   *beta;			/* d+1: intercept, then coefficients */
	double	   *cov;			/* (d+1)^2, row-major, intercept first */
	double	   *means;			/* d weighted feature means */
	double		loglik;			/* at beta, unpenalised, with the class weights */
	double		null_loglik;	/* intercept-only model */
	double		condition_number;
	double		n_retained;		/* rows with label true */
	double		weight_sum;		/* sum of the row weights (set once the
								 * rows have two classes) */
	double		deciles[11];	/* training score decile edges (min ... max) */
	double		shares[10];		/* share of training rows in each decile bin */
	double	   *sd;				/* d weighted feature standard deviations */
	double	   *direction;		/* d: CR_FIT_SEPARATION's separating direction,
								 * per unit of each feature's spread, scaled so
								 * that its largest component (intercept
								 * included) is 1 in magnitude; only
								 * bad_feature's (+-1) when that feature
								 * separates alone */
} CrFitResult;

/*
 * Memory for the result arrays: fn(cxt, size), e.g. an allocation in the
 * memory context cxt.  The context travels with the call, not in a global.
 */
typedef struct CrAlloc
{
	void	   *(*fn) (void *cxt, size_t size);
	void	   *cxt;
} CrAlloc;

static inline void *
cr_alloc(const CrAlloc *a, size_t size)
{
	return a->fn(a->cxt, size);
}

extern void cr_logit_fit(const CrRows *rows, const CrFitOptions *opt,
						 const CrAlloc *alloc, CrFitResult *res);

/*
 * The solver's coordinates: row x becomes (1, (x_j - mu_j) * isc_j), each
 * feature centred (zeros without an intercept) and divided by its spread.
 * A row's weight in the likelihood is its weight times cw[label].
 */
typedef struct CrFrame
{
	int			d;
	const double *mu;
	const double *isc;
	double		cw[2];			/* class weights: [0] lapsed, [1] retained */
} CrFrame;

/* Coefficients gamma in fr's coordinates (d+1) on the original scale. */
extern void cr_frame_raw_beta(const CrFrame *fr, const double *gamma, double *beta);

/*
 * Passes over every row for cr_logit_fit_passes, for rows it does not hold
 * (retention_fit's aggregate passes).  pass() returns the weighted
 * log-likelihood at beta (solver coordinates, d+1 values) and fills grad
 * (d+1) and the upper triangle of the information sum w p (1-p) x x'
 * ((d+1)^2, row-major).  margins() gives the smallest and largest
 * u = (2y - 1) x'dir over the rows, the smallest less 1e-12 times the sum
 * of |dir_j x_j| (the rounding of the sum), both starting from 0.
 */
typedef struct CrPasses
{
	double		(*pass) (void *ctx, const CrFrame *fr, const double *beta,
						 double *grad, double *hess);
	void		(*margins) (void *ctx, const CrFrame *fr, const double *dir,
							double *umin, double *umax);
	void	   *ctx;
} CrPasses;

/* What a first look at the rows gives: counts, weight sums, means, spreads. */
typedef struct CrMoments
{
	int			d;
	double		npos;			/* rows retained */
	double		nneg;			/* rows lapsed */
	double		sw;				/* sum of the row weights */
	double		sw1;			/* of the retained rows */
	const double *means;		/* d weighted means */
	const double *sd;			/* d weighted standard deviations */
} CrMoments;

/*
 * cr_logit_fit's checks and exact Newton phase (the same scaling,
 * convergence, collinearity and separation rules) over the caller's passes,
 * from zero or from opt->start.  Fills everything but loglik, deciles and
 * shares.
 */
extern void cr_logit_fit_passes(const CrMoments *m, const CrFitOptions *opt,
								const CrPasses *passes, const CrAlloc *alloc,
								CrFitResult *res);

/* Dense kernels, exported for tests. */
extern int	cr_cholesky(double *a, int n, const double *orig_diag, double rel_tol,
						cr_tick_fn tick);
extern void cr_cholesky_solve(const double *l, int n, double *b);
extern void cr_cholesky_inverse(const double *l, int n, double *inv, double *work,
								cr_tick_fn tick);
extern double cr_condition_number(const double *a, int n, double *work, cr_tick_fn tick,
								   bool checked);

/* Score helpers shared by scoring, drift and training. */
extern double cr_sigmoid(double eta);
extern double cr_linear_predictor(double intercept, const double *coef,
								  const double *x, int d);
extern int	cr_decile_bin(const double *edges, double score);

/*
 * The training score decile edges of m >= 1 sample scores: the order
 * statistics of rank round(k/10 (m - 1)), k = 0 .. 10 (min ... max), as
 * retention_train and retention_fit take them.  Reorders scores.
 */
extern void cr_decile_edges(double *scores, int64_t m, double *edges);

/*
 * The interior edges edges[1..9] strictly below score: cr_decile_bin's bin
 * when the edges are sorted (a fit's own are), without its unpredictable
 * branches; any edges give a bin in 0..9.
 */
static inline int
cr_edges_below(const double *edges, double score)
{
	int			b = 0,
				k;

	for (k = 1; k <= 9; k++)
		b += edges[k] < score;
	return b;
}
extern double cr_psi(const double *expected, const double *observed, int nbins);

/* Two-sided normal p-value and the standard normal quantile 0.975. */
extern double cr_normal_two_sided_p(double z);
#define CR_Z_975 1.959963984540054

#endif							/* CR_LOGIT_H */
