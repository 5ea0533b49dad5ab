/*
 * cr_auc.h
 *	  Exact ROC AUC (the Mann-Whitney U statistic) from scores split by class.
 *	  Plain C, no PostgreSQL includes: unit-tested under test/unit.
 */
#ifndef CR_AUC_H
#define CR_AUC_H

#include <stddef.h>
#include <stdint.h>

/*
 * Optional progress callback, called every CR_AUC_TICK elements of work so a
 * server caller can check for interrupts.  It may not return (longjmp).
 */
typedef void (*cr_auc_tick_fn) (void *arg);

#define CR_AUC_TICK ((size_t) 1 << 20)

/*
 * Sort x[0..n) ascending in place, as doubles (an LSD radix sort on the
 * order-preserving 64-bit keys of the IEEE 754 bit patterns).  -0.0 becomes
 * +0.0 (they compare equal); the caller must not pass NaN.  scratch must hold
 * n doubles.  tick may be NULL.
 */
extern void cr_sort_doubles(double *x, double *scratch, size_t n,
							cr_auc_tick_fn tick, void *tick_arg);

/*
 * Mann-Whitney count from two ascending arrays: returns 2U, where U counts
 * the (positive, negative) pairs with positive > negative as 1 and ties as
 * one half.  Exact in 64-bit integers while npos * nneg < 2^62.
 */
extern uint64_t cr_auc_twice_u_sorted(const double *pos, size_t npos,
									  const double *neg, size_t nneg,
									  cr_auc_tick_fn tick, void *tick_arg);

/*
 * ROC AUC = U / (npos * nneg).  Sorts pos and neg in place (see
 * cr_sort_doubles; scratch must hold max(npos, nneg) doubles).  Returns 0 and
 * stores the AUC in *auc, or returns -1 when a class is empty (AUC undefined).
 */
extern int	cr_auc(double *pos, size_t npos, double *neg, size_t nneg,
				   double *scratch, double *auc,
				   cr_auc_tick_fn tick, void *tick_arg);

#endif							/* CR_AUC_H */
