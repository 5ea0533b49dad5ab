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

#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cr_optim.h"

/* One member, or w identical members. */
typedef struct CrBuyerRow
{
	double		x;				/* frequency: repeat purchase periods, integer >= 0 */
	double		tx;				/* recency: first to last purchase, 0 when x = 0 */
	double		T;				/* age: first purchase to the cut-off, >= tx */
	double		w;				/* how many members have this triple */
} CrBuyerRow;

/* The order of rows the fit keeps them in: by x, then t_x, then T. */
static inline int
cr_buyer_row_less(const CrBuyerRow *a, const CrBuyerRow *b)
{
	if (a->x != b->x)
		return a->x < b->x;
	if (a->tx != b->tx)
		return a->tx < b->tx;
	return a->T < b->T;
}

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
 * overlapping a or b), identical triples into one; returns the new count,
 * or SIZE_MAX when the counts (w) of a triple in both add up past
 * CR_BUYER_COUNT_MAX, 2^53 (only forged partial states combined: past it a
 * double does not hold the count exactly).
 */
extern size_t cr_buyer_rows_merge(const CrBuyerRow *a, size_t na, const CrBuyerRow *b,
								  size_t nb, CrBuyerRow *out);

/*
 * The number of distinct elements of two sorted arrays of distinct elements
 * (of size bytes each, in the order of cmp) together: na + nb less those in
 * both (inline: the BG/NBD and the Gamma-Gamma kernels are each unit-tested
 * without the other).
 */
static inline size_t
cr_sorted_union_count(const void *a, size_t na, const void *b, size_t nb, size_t size,
					  int (*cmp) (const void *, const void *))
{
	const char *pa = (const char *) a,
			   *pb = (const char *) b;
	size_t		i = 0,
				j = 0,
				common = 0;

	/* an element is at most once in a and once in b */
	while (i < na && j < nb)
	{
		int			c = cmp(pa + i * size, pb + j * size);

		if (c <= 0)
			i++;
		if (c >= 0)
			j++;
		common += c == 0;
	}
	return na + nb - common;
}

/*
 * The count cr_buyer_rows_merge returns for a and b, without merging: the
 * number of distinct triples in both (how large a state's rows become
 * before it is checked against its limit).
 */
extern size_t cr_buyer_rows_merge_count(const CrBuyerRow *a, size_t na, const CrBuyerRow *b,
										size_t nb);

/*
 * A member's (x, tx, T) as one 64-bit key whose order is that of the
 * triples, when they are a valid row (cr_buyer_row_problem) of whole numbers
 * below 2^16, 2^24 and 2^24 (as lifetime_summary gives them in days):
 * returns 0 when they are not.
 * Keys are 8 bytes a member rather than 32, and sort by radix (cr_sort_keys
 * of cr_auc.h).
 */
extern int	cr_buyer_key(double x, double tx, double T, uint64_t *key);

/*
 * Counted keys: sorted distinct keys, each with its number of members (how
 * a parallel worker hands its members over: 16 bytes a distinct row rather
 * than 32).  cr_buyer_keys_count turns n sorted keys into that form in
 * place (counts has room for n), returning the number of distinct keys;
 * cr_buyer_counted_merge merges two such lists into ko/co (room for
 * na + nb), adding the counts of equal keys, and returns SIZE_MAX when one
 * of those sums is beyond CR_BUYER_COUNT_MAX (only forged partial states
 * combined: 2048 of them counting 2^53 each wrapped around to 0);
 * cr_buyer_counted_rows gives their rows (w = count),
 * cr_buyer_rows_compact's result for those members; cr_buyer_counted_valid
 * checks a list read from outside (increasing keys of valid rows, counts
 * from 1 to CR_BUYER_COUNT_MAX).
 */
#define CR_BUYER_COUNT_MAX (UINT64_C(1) << 53)
extern size_t cr_buyer_keys_count(uint64_t *keys, size_t n, uint64_t *counts);
extern size_t cr_buyer_counted_merge(const uint64_t *ka, const uint64_t *ca, size_t na,
									 const uint64_t *kb, const uint64_t *cb, size_t nb,
									 uint64_t *ko, uint64_t *co);
/* The count cr_buyer_counted_merge returns for two lists' keys, without merging */
extern size_t cr_buyer_counted_merge_count(const uint64_t *ka, size_t na, const uint64_t *kb,
										   size_t nb);
extern void cr_buyer_counted_rows(const uint64_t *keys, const uint64_t *counts, size_t n,
								  CrBuyerRow *out);
extern int	cr_buyer_counted_valid(const uint64_t *keys, const uint64_t *counts, size_t n);

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

/*
 * cr_bgnbd_fit over counted keys (cr_buyer_keys_count), read in place: the
 * same result as over their rows (cr_buyer_counted_rows), bit for bit,
 * without making them, BFGS's fallback included.
 */
extern CrFitStatus cr_bgnbd_fit_counted(const uint64_t *keys, const uint64_t *counts, size_t n,
										cr_optim_tick tick, void *tick_arg, CrBgnbdFit *out);

/* P(alive | x, tx, T) */
extern double cr_bgnbd_p_alive(const CrBgnbd *m, double x, double tx, double T);

/* ln of the odds of having left, for x > 0: P(alive) = 1 / (1 + exp of it) */
extern double cr_bgnbd_log_odds(const CrBgnbd *m, double x, double tx, double T);

/*
 * Past these log odds of having left, E[Y] is below the smallest subnormal
 * (e^-745) whatever E[Y] / P(alive) is: that factor is at most (r+x) k,
 * below e^(709 + 1455) for any doubles
 */
#define CR_BG_DEAD_LODDS 3000.0

/*
 * Whether E[Y] is 0 for a member whose P(alive) is palive: P(alive) 0 in
 * double and its log odds so large that no factor E[Y] / P(alive) makes up
 * for them (below that, a factor of 1e20 with P(alive) of 1e-330 is E[Y] of
 * 1e-310, and more).
 */
static inline bool
cr_bgnbd_surely_dead(const CrBgnbd *m, double x, double tx, double T, double palive)
{
	return palive == 0.0 && !(cr_bgnbd_log_odds(m, x, tx, T) <= CR_BG_DEAD_LODDS);
}

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

/*
 * log(alpha + v), log1p(v / alpha) and 1 / (alpha + v) for the recencies and
 * ages v of the rows, which take few distinct values in practice (whole days
 * or weeks): a direct-mapped cache keyed by v, valid for one alpha.  A miss
 * just computes them.
 */
#define CR_BG_LOG_SLOTS 4096

typedef struct CrBgLogSlot
{
	double		key;
	double		lg;				/* log(alpha + key) */
	double		l1p;			/* log1p(key / alpha) = lg - log(alpha), to its last digits */
	double		inv;			/* 1 / (alpha + key) */
} CrBgLogSlot;

typedef struct CrBgLogCache
{
	double		alpha;
	CrBgLogSlot slot[CR_BG_LOG_SLOTS];
} CrBgLogCache;

/* An empty cache for alpha. */
extern void cr_bg_log_cache_init(CrBgLogCache *c, double alpha);

static inline const CrBgLogSlot *
cr_bg_alpha_plus(CrBgLogCache *c, double v)
{
	uint64_t	bits;
	CrBgLogSlot *s;

	memcpy(&bits, &v, sizeof(bits));
	s = &c->slot[(bits * UINT64_C(0x9E3779B97F4A7C15)) >> 52];
	if (s->key != v)
	{
		s->key = v;
		s->lg = log(c->alpha + v);
		s->l1p = log1p(v / c->alpha);
		s->inv = 1.0 / (c->alpha + v);
	}
	return s;
}

/*
 * Scoring many members with one model: P(alive) and E[Y(t)] as
 * cr_bgnbd_p_alive and cr_bgnbd_expected compute them (the same values, bit
 * for bit), with log(a) and log(b+x-1) cached, and the factor
 * of E[Y(t)] that depends on (x, T) only (see cr_bgnbd_expected_factor)
 * memoised for one horizon t (the first one asked): members share
 * (frequency, T) pairs when T counts whole days or weeks.  Small whole x and
 * T index the memo's direct part (its hot part, a few cache lines per x);
 * the others go to a hash table in the caller's memory.
 */
typedef struct CrBgMemoEntry
{
	double		x1;				/* x + 1; 0 marks an empty slot */
	double		T;
	double		f;
} CrBgMemoEntry;

#define CR_BG_LBX 256			/* log(b+x-1) cached for x < this */
#define CR_BG_DIRECT_X 32
#define CR_BG_DIRECT_T 512

typedef struct CrBgnbdScorer
{
	CrBgnbd		m;
	double		la;				/* log(a) */
	double		memo_t;			/* the horizon of the memo's entries */
	size_t		memo_cap;		/* slots, a power of two (0: no memo) */
	size_t		memo_used;		/* entries; none are added past half full */
	CrBgMemoEntry *memo;
	double		lbx[CR_BG_LBX]; /* log(b+x-1), NaN until computed */
	/* the memo's most used part, by index: f of whole x, T below these (0: not yet) */
	double		direct[CR_BG_DIRECT_X][CR_BG_DIRECT_T];
} CrBgnbdScorer;

/* A scorer for m, with no memo. */
extern void cr_bgnbd_scorer_init(CrBgnbdScorer *s, const CrBgnbd *m);

/*
 * Give the scorer the memo `to` of cap slots (a power of two, zeroed),
 * moving the entries of its current memo there (cap must be at least twice
 * its memo_used); the caller then frees the old memo.
 */
extern void cr_bgnbd_scorer_set_memo(CrBgnbdScorer *s, CrBgMemoEntry *to, size_t cap);

extern double cr_bgnbd_scorer_p_alive(CrBgnbdScorer *s, double x, double tx, double T);
extern double cr_bgnbd_scorer_expected(CrBgnbdScorer *s, double t, double x, double tx,
									   double T);

/*
 * For a != 1 (|a - 1| >= 1e-6) and t > 0: the f with E[Y(t)] = f P(alive)
 * before rounding below 0 to 0 (NaN when no method reaches its accuracy).
 */
extern double cr_bgnbd_expected_factor(const CrBgnbd *m, double t, double x, double T);


/*
 * The power of two a fit multiplies its data by (times for BG/NBD, spends
 * for Gamma-Gamma), given the mean binary exponent of the data: 1 while
 * that mean lies in [-30, 40], else 2^-mean (rounded), so that the data
 * come near 1.  The models are equivariant in the unit (alpha and gamma
 * scale with it), but the optimiser's start, bounds and Hessian are not: at
 * times in units of 1e-20 or spends in units of 1e200 they under- or
 * overflow.  A power of two multiplies exactly, and data of sensible units
 * keep the unscaled arithmetic bit for bit.
 */
static inline double
cr_fit_scale(double mean_exponent)
{
	if (!(mean_exponent < -30.0 || mean_exponent > 40.0))
		return 1.0;
	return ldexp(1.0, -(int) fmax(fmin(nearbyint(mean_exponent), 1000.0), -1000.0));
}

/*
 * E[Y] as a count's mean: rounding below 0 (or to -0) is 0; -inf is no
 * rounding and stays, for the caller's range check.
 */
static inline double
cr_bgnbd_count_mean(double e)
{
	return e <= 0.0 && !isinf(e) ? 0.0 : e;
}

/*
 * E[Y(t)] from its factor f (cr_bgnbd_expected_factor, or E[Y] / P(alive)
 * however found) and P(alive): f P(alive) rounded as cr_bgnbd_count_mean
 * does; in logs (cr_bgnbd_times_p_alive_logs) where P(alive) is below the
 * normal range or f is infinite.
 */
extern double cr_bgnbd_times_p_alive_logs(const CrBgnbd *m, double t, double x, double tx,
										  double T, double f, double palive);

static inline double
cr_bgnbd_times_p_alive(const CrBgnbd *m, double t, double x, double tx, double T, double f,
					   double palive)
{
	if (palive >= DBL_MIN && !isinf(f))
		return cr_bgnbd_count_mean(f * palive);
	return cr_bgnbd_times_p_alive_logs(m, t, x, tx, T, f, palive);
}

#endif							/* CR_BGNBD_H */
