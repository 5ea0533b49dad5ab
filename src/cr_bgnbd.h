/*
 * cr_bgnbd.h
 *	  The BG/NBD model of repeat buying (Fader, Hardie and Lee 2005,
 *	  "Counting your customers the easy way"): maximum likelihood fit from
 *	  (frequency x, recency t_x, age T) rows, P(alive), expected purchases,
 *	  and the discounted lifetime value.  Plain C, no PostgreSQL includes:
 *	  unit-tested under test/unit.
 */
#ifndef CR_BGNBD_H
#define CR_BGNBD_H

#include <stddef.h>

#include "cr_optim.h"

/* One member, or w identical members. */
typedef struct CrBuyerRow
{
	double		x;				/* frequency: repeat purchase periods, integer >= 0 */
	double		tx;				/* recency: first to last purchase, 0 when x = 0 */
	double		T;				/* age: first purchase to the cut-off, >= tx */
	double		w;				/* how many members have this triple */
} CrBuyerRow;

typedef struct CrBgnbd
{
	double		r,
				alpha,
				a,
				b;
} CrBgnbd;

typedef enum CrFitStatus
{
	CR_FIT_OK = 0,
	CR_FIT_NO_ROWS,				/* nothing to fit */
	CR_FIT_NO_REPEAT,			/* no member bought twice: nothing identifies the model */
	CR_FIT_DIVERGED,			/* a parameter ran off to 0 or infinity */
	CR_FIT_FLAT,				/* no proper maximum: the Hessian of the
								 * log-likelihood is not negative definite */
	CR_FIT_NOT_CONVERGED		/* the optimiser gave up */
} CrFitStatus;

typedef struct CrBgnbdFit
{
	CrBgnbd		m;
	double		log_likelihood;
	double		se[4];			/* r, alpha, a, b; NaN when not available */
	double		n;				/* members (sum of weights) */
	int			iterations;
} CrBgnbdFit;

/*
 * Why a row is invalid, or NULL when it is valid: x must be a finite
 * non-negative integer, 0 <= tx <= T finite, tx > 0 when x > 0 and tx = 0
 * when x = 0.
 */
extern const char *cr_buyer_row_problem(double x, double tx, double T);

/* Sort rows by (x, tx, T) and merge identical triples; returns the new count. */
extern size_t cr_buyer_rows_compact(CrBuyerRow *rows, size_t n);

/*
 * Merge two compacted row sets a and b into out (room for na + nb rows, not
 * overlapping a or b), identical triples into one; returns the new count.
 */
extern size_t cr_buyer_rows_merge(const CrBuyerRow *a, size_t na, const CrBuyerRow *b,
								  size_t nb, CrBuyerRow *out);

/*
 * Log-likelihood of the model over rows (FHL 2005 eq. 6), and its gradient
 * with respect to (r, alpha, a, b) when grad is not NULL.  Rows sorted by x
 * are faster (the Gamma function terms are shared per x).
 */
extern double cr_bgnbd_loglik(const CrBgnbd *m, const CrBuyerRow *rows, size_t n,
							  double *grad);

/* The same, with the gradient and the Hessian with respect to (r, alpha, a, b). */
extern double cr_bgnbd_loglik_hess(const CrBgnbd *m, const CrBuyerRow *rows, size_t n,
								   double grad[4], double hess[4][4]);

/*
 * Maximum likelihood fit (BFGS in log-parameters from r = a = b = 1 and
 * alpha = sum(T) / sum(x)); standard errors from the numerical Hessian of
 * -LL in the natural parameters.  rows should be compacted (sorted).
 */
extern CrFitStatus cr_bgnbd_fit(const CrBuyerRow *rows, size_t n,
								cr_optim_tick tick, void *tick_arg, CrBgnbdFit *out);

/* P(alive | x, tx, T) */
extern double cr_bgnbd_p_alive(const CrBgnbd *m, double x, double tx, double T);

/*
 * Expected purchases in the next t periods of a member with history
 * (x, tx, T) (FHL eq. 10); (0, 0, 0) gives E[X(t)] of a new member (eq. 9).
 * By 2F1 series, or, where they cancel, by quadrature over p ~ Beta(a, b+x).
 */
extern double cr_bgnbd_expected(const CrBgnbd *m, double t, double x, double tx, double T);

/*
 * Discounted lifetime value, lifetimes' customer_lifetime_value convention:
 *   sum_{i=1..periods} (E[Y(i L)] - E[Y((i-1) L)]) * spend / (1 + d)^i
 * with E[Y(t)] the conditional expectation above and L the period length
 * in the model's time unit (30 days a month, 4.345 weeks a month ...).
 */
extern double cr_bgnbd_clv(const CrBgnbd *m, double x, double tx, double T,
						   double spend, int periods, double d, double period_length);

/* The same, calling tick (when not NULL) once per period. */
extern double cr_bgnbd_clv_tick(const CrBgnbd *m, double x, double tx, double T,
								double spend, int periods, double d, double period_length,
								cr_optim_tick tick, void *tick_arg);

#endif							/* CR_BGNBD_H */
