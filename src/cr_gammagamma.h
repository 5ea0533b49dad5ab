/*
 * cr_gammagamma.h
 *	  The Gamma-Gamma model of spend per transaction (Fader and Hardie 2013,
 *	  "The Gamma-Gamma model of monetary value"): maximum likelihood fit from
 *	  (frequency x > 0, mean repeat spend) rows and the conditional expected
 *	  spend.  Plain C, no PostgreSQL includes: unit-tested under test/unit.
 */
#ifndef CR_GAMMAGAMMA_H
#define CR_GAMMAGAMMA_H

#include <stddef.h>

#include "cr_bgnbd.h"

typedef struct CrSpendRow
{
	double		x;				/* repeat transactions, integer > 0 */
	double		m;				/* their mean spend, > 0 */
	double		more;			/* members beyond the first with this (x, m): the
								 * row stands for 1 + more of them (a whole
								 * number; 0, as a row of {x, m} leaves it) */
} CrSpendRow;

typedef struct CrGammaGamma
{
	double		p,
				q,
				gamma;
} CrGammaGamma;

typedef struct CrGammaGammaFit
{
	CrGammaGamma m;
	double		log_likelihood;
	double		se[3];			/* p, q, gamma; NaN when not available */
	double		n;
	int			iterations;
} CrGammaGammaFit;

/* the order of cr_spend_rows_sort: by x, then by m (qsort's sign convention) */
extern int	cr_spend_row_cmp(const CrSpendRow *a, const CrSpendRow *b);

/* the same, inline (for a sort that inlines its comparison) */
static inline int
cr_spend_row_cmp_inline(const CrSpendRow *a, const CrSpendRow *b)
{
	if (a->x != b->x)
		return a->x < b->x ? -1 : 1;
	if (a->m != b->m)
		return a->m < b->m ? -1 : 1;
	return 0;
}

/*
 * Sort rows by (x, m), so that a fit does not depend on the order rows
 * arrived in (floating point sums do).
 */
extern void cr_spend_rows_sort(CrSpendRow *rows, size_t n);

/*
 * Merge the identical (x, m) rows of sorted rows in place into one row each
 * (its count the sum of theirs); returns the new count.  The fit is the
 * same (see cr_gammagamma_fit).
 */
extern size_t cr_spend_rows_merge_equal(CrSpendRow *rows, size_t n);

/*
 * The count cr_spend_rows_merge_into leaves for sorted, merged rows a and b:
 * the distinct (x, m) pairs of both, without merging them.
 */
extern size_t cr_spend_rows_merge_count(const CrSpendRow *a, size_t na, const CrSpendRow *b,
										size_t nb);

/*
 * Merge sorted, merged rows b (not overlapping a) into sorted, merged rows
 * a[0..na) in place, identical (x, m) rows into one with their counts
 * added, from the end down: a has room for n = cr_spend_rows_merge_count(a,
 * na, b, nb) rows, which it then holds, as cr_spend_rows_sort and
 * cr_spend_rows_merge_equal leave the rows of both together.  Returns 0,
 * a merged part way, when a count of two rows together is beyond 2^53 (a
 * more of CR_SPEND_MORE_LIMIT or above, which a double does not hold
 * exactly: only forged partial states combined), else 1.
 */
#define CR_SPEND_MORE_LIMIT 9007199254740992.0
extern int	cr_spend_rows_merge_into(CrSpendRow *a, size_t na, const CrSpendRow *b, size_t nb,
									 size_t n);

/* The members rows stand for: n plus the sum of their counts beyond the first */
extern double cr_spend_rows_members(const CrSpendRow *rows, size_t n);

/* Log-likelihood over rows, and its gradient in (p, q, gamma) when grad is not NULL. */
extern double cr_gammagamma_loglik(const CrGammaGamma *m, const CrSpendRow *rows,
								   size_t n, double *grad);

/*
 * Maximum likelihood fit (Newton, else BFGS, in log-parameters from p = 1,
 * q = 2, gamma = the geometric mean spend).  CR_FIT_NO_ROWS without rows,
 * CR_FIT_NO_REPEAT when every spend is the same (nothing identifies the
 * spread), CR_FIT_DIVERGED when the maximum found does not lie above the
 * faces (cr_gammagamma_faces) beyond rounding, when an iterate reaches a
 * face below it (the faces are computed first; see gg_tick), or an estimate
 * ran 1e8 times from its start: the likelihood has no interior maximum, and
 * the result does not depend on the start or on the spends' unit.  Where a
 * maximum is known to exist (a point seen above both faces, or the higher
 * face's likelihood rising going inwards from it) and the search ended
 * elsewhere, it searches again from that point or from just inside that
 * face (the likelihood can have more than one local maximum).  Sorted
 * rows (cr_spend_rows_sort) are fastest: runs of one x share their Gamma
 * functions, runs of identical rows their whole term.  A row stands for
 * 1 + more members: sorted rows merged (cr_spend_rows_merge_equal) give the
 * fit of the rows unmerged to the bit, up to 2^28 members (the sums of the
 * start and of the faces are taken member by member, in the same order; w
 * times a term once moved the start's geometric mean spend in its last
 * bit, and the estimates on CDNOW by 1e-14, the standard errors by 1e-12).
 */
extern CrFitStatus cr_gammagamma_fit(const CrSpendRow *rows, size_t n,
									 cr_optim_tick tick, void *tick_arg,
									 CrGammaGammaFit *out);

/*
 * The suprema of the log-likelihood on the two faces of the parameter space
 * where it has a finite limit (p, q or gamma to 0, or gamma to infinity
 * with q fixed, send it to -infinity):
 * ll[0], q and gamma -> infinity with q / gamma = nu: the Gamma prior on
 *   nu is a point, and each mean spend is Gamma(p x, nu x), one nu for all;
 * ll[1], p -> infinity and gamma -> 0 with p gamma = s: a member's spends
 *   no longer vary, and each mean spend is inverse Gamma(q, s) whatever x.
 * Each face's profile log-likelihood (nu, s at their closed-form maxima) is
 * strictly concave in p, q: one maximum, found by Newton.  The likelihood
 * has an interior maximum if and only if some point lies above both (with
 * them, the parameter space closes, and the supremum is attained); data
 * whose likelihood keeps rising towards a face have none.  -infinity where
 * a face's maximum is not found (every spend the same).  Computed in logs:
 * finite for spends anywhere in the double range.
 */
extern void cr_gammagamma_faces(const CrSpendRow *rows, size_t n, double ll[2]);

/*
 * E[mean spend | x, m] = p (gamma + x m) / (p x + q - 1); for x = 0 the
 * population mean p gamma / (q - 1).  NaN when p x + q <= 1 (no finite mean).
 */
extern double cr_gammagamma_expected_spend(const CrGammaGamma *m, double x, double mean);

/*
 * The same as f * 2^*e, f in [0.5, 1) (or 0, or NaN): finite where the
 * spend is beyond the double range but not the long double range (x86-64,
 * aarch64), for lifetime value, which a spend beyond it need not overflow.
 */
extern double cr_gammagamma_expected_spend_frexp(const CrGammaGamma *m, double x, double mean,
												 int *e);

#endif							/* CR_GAMMAGAMMA_H */
