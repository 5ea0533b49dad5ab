/*
 * cr_uplift.h
 *	  Evaluating an uplift model on experiment data: the Qini curve and
 *	  coefficient, the uplift curve and its normalised area, and uplift at
 *	  the top k, as scikit-uplift (sklift.metrics) defines them.  Plain C (no
 *	  backend calls), unit-tested under test/unit.
 *
 * Rows are split into four classes by (treated, retained); each class's
 * predicted uplifts are given as order-preserving keys (cr_auc_key) sorted
 * ascending, so one merge walk from the top visits the distinct uplift values
 * from the highest down, as the curves need.
 */
#ifndef CR_UPLIFT_H
#define CR_UPLIFT_H

#include <stddef.h>
#include <stdint.h>

/* classes: index = 2 * treated + retained */
#define CR_UP_CTRL_LOST		0
#define CR_UP_CTRL_KEPT		1
#define CR_UP_TRT_LOST		2
#define CR_UP_TRT_KEPT		3

typedef struct CrUpliftPoint
{
	double		n_targeted;		/* members with the highest uplift taken */
	double		qini;			/* Qini curve: Y_t - Y_c N_t / N_c */
	double		uplift;			/* uplift curve: (Y_t/N_t - Y_c/N_c) N */
} CrUpliftPoint;

typedef struct CrUpliftResult
{
	double		n,
				n_treated;
	double		qini_coefficient;	/* sklift qini_auc_score (negative_effect) */
	double		uplift_auc;		/* sklift uplift_auc_score */
	double		uplift_at_k;	/* sklift uplift_at_k, strategy 'overall' */
	/* chart points: the origin, then the first threshold reaching each
	 * i/npoints of the rows, i = 1..npoints (fewer when thresholds are few) */
	CrUpliftPoint *points;
	int			npoints;
} CrUpliftResult;

/*
 * keys[c] holds n[c] sorted keys of class c.  k in (0, 1); points has room
 * for max_points + 1 entries.  Undefined results are NaN.
 */
extern void cr_uplift_evaluate(uint64_t *const keys[4], const size_t n[4], double k,
							   CrUpliftPoint *points, int max_points,
							   CrUpliftResult *r);

#endif							/* CR_UPLIFT_H */
