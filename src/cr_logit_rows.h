/*
 * cr_logit_rows.h
 *	  The row loops of the logistic solver's passes (cr_logit_rows.c): the
 *	  gradient, log-likelihood and queued Hessian update of a run of rows,
 *	  in portable C and, chosen once at run time on x86-64 CPUs with AVX2
 *	  and FMA, four rows at a time with a vectorised exp and log1p.
 *
 * Plain C without backend calls, like cr_logit.h.
 */
#ifndef CR_LOGIT_ROWS_H
#define CR_LOGIT_ROWS_H

#include <stdbool.h>
#include <stdint.h>

#define CR_HESS_BLOCK		32		/* rows per Hessian update (a multiple of 4) */
#define CR_HESS_TICK_WORK	4194304.0	/* multiply-adds of Hessian updates per tick */

/*
 * One pass in progress.  A row is d feature values and the signed weight
 * v (see cr_logit.h); in solver coordinates it is x = (1, (r - mu) * isc).
 * Per row: eta = beta'x, p = sigmoid(eta), w = |v| cw[v > 0], y = v > 0;
 * grad += w (y - p) x, ll += w (y eta - log(1 + exp(eta))) when want_ll,
 * and with hess, x and w p (1 - p) are queued (xb, hb, nb) and added to the
 * upper triangle of hess (D*D, row-major) CR_HESS_BLOCK rows at a time.
 * Those updates cost D (D + 1) / 2 multiply-adds a row, most of a pass when
 * D is large (0.14 s of CPU for an 8 MB block of rows at D = 1001, where
 * the caller ticks between blocks): tick, when not NULL, is called after an
 * update once they add up to CR_HESS_TICK_WORK since the last call (a few
 * milliseconds; after every update from D = 512), so that the caller can
 * cancel between updates.
 */
typedef struct CrRowPass
{
	int			d;
	const double *mu;
	const double *isc;
	double		cw[2];
	const double *beta;			/* d + 1 */
	double	   *grad;			/* d + 1, added to */
	double		ll;				/* added to when want_ll */
	bool		want_ll;
	double	   *hess;			/* NULL: no Hessian */
	double	   *xb;				/* CR_HESS_BLOCK * (d + 1) queued rows */
	double	   *hb;				/* CR_HESS_BLOCK weights w p (1 - p) */
	int			nb;				/* rows queued */
	double	   *xr;				/* work: 4 * (d + 1) */
	void		(*tick) (void); /* NULL: none */
	double		work;			/* multiply-adds of updates since the last tick */
} CrRowPass;

/* n rows from rows, stride rows apart (stride * (d + 1) doubles). */
extern void cr_rows_pass(CrRowPass *rp, const double *rows, int64_t n, int64_t stride);

/*
 * hp, the packed upper triangle of a D x D matrix (its row j holds entries
 * j .. D-1, one row after the other), += h x x' for one row x: the Newton
 * pass of the retention_newton_step aggregate, which gets its rows one at
 * a time.  With AVX2, four entries per fused multiply-add.
 */
extern void cr_rows_packed_update(double *hp, const double *x, double h, int D);

/*
 * One row of a Newton pass in solver coordinates: xr = (1, (x - mu) * isc)
 * (d + 1 values); returns eta = beta'xr.
 */
extern double cr_rows_scale_row(const double *x, const double *mu, const double *isc,
								const double *beta, double *xr, int d);

/*
 * The terms of n <= 4 queued rows (xq: n rows of D values; eta, class-
 * weighted weights wc and labels y of each, 4 values with the lanes past n
 * ignored), in row order: *ll += wc (y eta - log(1 + exp(eta))), grad +=
 * wc (y - p) x, and the packed upper triangle hp += wc p (1 - p) x x'.
 */
extern void cr_rows_newton4(double *grad, double *hp, double *ll, const double *xq,
							const double *eta, const double *wc, const double *y,
							int n, int D);

/*
 * For four linear predictors eta: p = sigmoid(eta) and l = log(1 + exp(eta)),
 * from one exp(-|eta|) each, as the row passes compute them (a lane's
 * result does not depend on the other lanes).
 */
extern void cr_rows_logit4(const double *eta, double *p, double *l);

/*
 * The same for four rows (xb: 4 rows of D values, hb: their h), added to
 * each entry in row order: one load and store of an entry for the four.
 */
extern void cr_rows_packed_update4(double *hp, const double *xb, const double *hb, int D);

/* Add the queued rows to the Hessian (end of a pass). */
extern void cr_rows_pass_end(CrRowPass *rp);

/*
 * Scores p_i = sigmoid(beta[0] + sum_j beta[j+1] r_ij) of n rows (stride
 * apart) at original-scale coefficients beta; with ll not NULL, also adds
 * the weighted log-likelihood (class weights cw) to *ll.  A row's score
 * does not depend on its position in the run.
 */
extern void cr_rows_scores(const double *rows, int64_t n, int64_t stride, int d,
						   const double *beta, const double *cw, double *p, double *ll);

/*
 * cr_rows_scores always a row at a time with libm, each score bit for bit
 * cr_sigmoid(cr_linear_predictor(...)) as retention_score computes it: the
 * final pass's decile edges and shares must bin the training rows as
 * retention_score_drift will (ties sit on the edges).
 */
extern void cr_rows_scores_scalar(const double *rows, int64_t n, int64_t stride, int d,
								  const double *beta, const double *cw, double *p, double *ll);

/*
 * The moments pass's sums (see feature_moments in cr_logit.c): per feature
 * j, with t = x_j - first_j, amax the largest |t| so far, and the weighted
 * sums s1 of t / amax and s2 of (t / amax)^2, rescaled when amax grows.
 * The caller zeroes it.
 */
typedef struct CrMomentSums
{
	int			d;
	const double *first;
	double	   *amax;
	double	   *s1;
	double	   *s2;
	double		sw;				/* sum of the weights */
	double		sw1;			/* of the retained rows */
	double		npos;			/* rows retained */
	double		nneg;			/* rows lapsed */
} CrMomentSums;

extern void cr_rows_moments(CrMomentSums *m, const double *rows, int64_t n);

/*
 * Whether the vector kernels are used (AVX2 and FMA present); tests may
 * turn them off to compare with the portable code (returns the old value).
 */
extern bool cr_rows_simd(void);
extern bool cr_rows_set_simd(bool on);

/*
 * The vector kernels' exp (any double) and log1p (0 <= x <= 1) on n values,
 * exported for the unit tests; libm's where the vector kernels are off.
 */
extern void cr_rows_exp(const double *x, double *y, int n);
extern void cr_rows_log1p(const double *x, double *y, int n);

#endif							/* CR_LOGIT_ROWS_H */
