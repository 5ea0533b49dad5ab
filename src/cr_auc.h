/*
 * cr_auc.h
 *	  Exact ROC AUC (the Mann-Whitney U statistic) from scores split by class.
 *	  Plain C, no PostgreSQL includes: unit-tested under test/unit.
 */
#ifndef CR_AUC_H
#define CR_AUC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/*
 * Optional progress callback, called every CR_AUC_TICK elements of work so a
 * server caller can check for interrupts.  It may not return (longjmp).
 */
typedef void (*cr_auc_tick_fn) (void *arg);

#define CR_AUC_TICK ((size_t) 1 << 20)

/*
 * The order-preserving 64-bit key of a double: a < b as doubles exactly when
 * key(a) < key(b) as unsigned integers, for every non-NaN value, with -0.0
 * and +0.0 mapped to one key.  The sign bit is set for non-negative values
 * and every bit is flipped for negative ones.  Scores are stored as keys, so
 * the sort and the merge walk work on integers only.  NaN must be rejected
 * before (its key would sort above +Infinity).
 */
static inline uint64_t
cr_auc_key(double d)
{
	uint64_t	u;

	if (d == 0.0)
		d = 0.0;				/* -0.0 and +0.0 are one value */
	memcpy(&u, &d, sizeof(u));
	return (u & UINT64_C(0x8000000000000000)) ? ~u : (u | UINT64_C(0x8000000000000000));
}

/*
 * The key -0.0 would have without the mapping to +0.0's: no score is stored
 * with it, and a forged state's key of it would split a tie at 0 into two
 * values (a deserial function refuses it).
 */
#define CR_AUC_KEY_NEG_ZERO (~UINT64_C(0x8000000000000000))

/* The double a key came from (for tests and diagnostics). */
static inline double
cr_auc_key_value(uint64_t k)
{
	uint64_t	u = (k & UINT64_C(0x8000000000000000)) ? (k & ~UINT64_C(0x8000000000000000)) : ~k;
	double		d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

/*
 * Sort keys ascending in place: an LSD radix sort, eight passes of 8 bits
 * (measured faster than six of 11 bits: 256 buckets keep the scatter in
 * cache), a pass skipped when every key has the same digit there.  scratch
 * must hold n keys.  tick may be NULL.
 */
extern void cr_sort_keys(uint64_t *x, uint64_t *scratch, size_t n,
						 cr_auc_tick_fn tick, void *tick_arg);

/*
 * Mann-Whitney count from two ascending key arrays: returns 2U, where U
 * counts the (positive, negative) pairs with positive > negative as 1 and
 * ties as one half.  Exact in 64-bit integers while npos * nneg < 2^62.
 */
extern uint64_t cr_auc_twice_u_sorted(const uint64_t *pos, size_t npos,
									  const uint64_t *neg, size_t nneg,
									  cr_auc_tick_fn tick, void *tick_arg);

/*
 * Merge two ascending key arrays into out (na + nb keys, not overlapping
 * either input).  Parallel workers sort their own partial states, and the
 * leader merges them instead of sorting everything again.
 */
extern void cr_merge_keys(const uint64_t *a, size_t na, const uint64_t *b, size_t nb,
						  uint64_t *out, cr_auc_tick_fn tick, void *tick_arg);

/*
 * ROC AUC = U / (npos * nneg) of two ascending key arrays.  Returns 0 and
 * stores the AUC in *auc, or returns -1 when a class is empty (undefined).
 */
extern int	cr_auc_sorted(const uint64_t *pos, size_t npos, const uint64_t *neg, size_t nneg,
						  double *auc, cr_auc_tick_fn tick, void *tick_arg);

/*
 * ROC AUC = U / (npos * nneg) of two key arrays, which it sorts in place
 * (the multisets are unchanged; scratch must hold max(npos, nneg) keys).
 * Returns 0 and stores the AUC in *auc, or returns -1 when a class is empty
 * (AUC undefined).
 */
extern int	cr_auc(uint64_t *pos, size_t npos, uint64_t *neg, size_t nneg,
				   uint64_t *scratch, double *auc,
				   cr_auc_tick_fn tick, void *tick_arg);

#endif							/* CR_AUC_H */
