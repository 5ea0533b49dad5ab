/*
 * cr_km.h
 *	  Survival analysis kernel: Kaplan-Meier curve with Greenwood standard
 *	  errors and log(-log) confidence intervals, quantiles with their
 *	  confidence interval, restricted mean survival time, and the log-rank
 *	  test for k groups.  Plain C (no backend calls), unit-tested in
 *	  test/unit/test_km.c.
 */
#ifndef CR_KM_H
#define CR_KM_H

#include <stddef.h>
#include <stdint.h>

#include "cr_chi2.h"		/* cr_chi2_sf: the log-rank test's p-value */
#include "cr_sum.h"

/* Counts at one (time, group): events (churned) and censored (still members). */
typedef struct CrSurvObs
{
	double		t;
	int32_t		g;
	int64_t		ev;
	int64_t		cens;
} CrSurvObs;

/* One row of a Kaplan-Meier curve; se, lower, upper are NaN when undefined. */
typedef struct CrKmPoint
{
	double		t;
	int64_t		at_risk;
	int64_t		ev;
	int64_t		cens;
	double		surv;
	double		se;
	double		lower;
	double		upper;
} CrKmPoint;

/* Sort by (t, g) and merge equal keys; returns the new length. */
extern size_t cr_surv_compact(CrSurvObs *o, size_t n);

/* Called now and then in long loops (the backend checks for a cancel there). */
typedef void (*CrInterruptFn) (void);

/* Entries sorted by one qsort call when compacting (see below). */
#define CR_SURV_SORT_RUN ((size_t) 65536)

/*
 * The same when o[0..sorted) is already compacted: only the tail is sorted,
 * then merged with the prefix through scratch (room for n entries).  The
 * tail is sorted in runs of CR_SURV_SORT_RUN entries merged bottom up, with
 * interrupt (may be NULL) called between runs and every million entries
 * merged, so a cancel is answered within a fraction of a second however
 * large the state.
 */
extern size_t cr_surv_compact_tail(CrSurvObs *o, size_t n, size_t sorted,
								   CrSurvObs *scratch, CrInterruptFn interrupt);

/* The same with runs of the given length (for tests of the merging). */
extern size_t cr_surv_compact_tail_run(CrSurvObs *o, size_t n, size_t sorted,
									   CrSurvObs *scratch, size_t run,
									   CrInterruptFn interrupt);

/*
 * Kaplan-Meier curve of compacted observations o[0..n) (groups pooled): one
 * point per distinct time, censor-only times included.  z is the normal
 * quantile of the confidence level.  Writes at most n points; returns the count.
 */
extern size_t cr_km_curve(const CrSurvObs *o, size_t n, double z, CrKmPoint *out);

/*
 * The same curve a point at a time, so a caller can write each point where
 * it goes without holding all of them (64 bytes a point): start, then next
 * until it returns 0.  cr_km_curve is this loop, so the points are the same
 * to the bit; starting again gives them again.
 */
typedef struct CrKmIter
{
	const CrSurvObs *o;
	size_t		n;
	size_t		i;				/* next observation */
	int64_t		at_risk;		/* at risk at o[i].t */
	CrSum		logs;			/* sum of log(1 - d/n) so far */
	CrSum		gw;				/* Greenwood's sum so far */
	double		z;
	int			dead;			/* everyone at risk churned at once */
} CrKmIter;

extern void cr_km_iter_start(CrKmIter *it, const CrSurvObs *o, size_t n, double z);
extern int	cr_km_iter_next(CrKmIter *it, CrKmPoint *p);

/*
 * Quantile p (0 < p < 1) of a curve and its confidence interval by inverting
 * z-tests on the log(-log) scale, as statsmodels' SurvfuncRight.quantile and
 * quantile_ci do (only points with events count).  NaN: not reached;
 * *hi = +inf: the upper limit is beyond the last event time.
 */
extern void cr_km_quantile(const CrKmPoint *pt, size_t n, double p, double z,
						   double *q, double *lo, double *hi);

/*
 * Restricted mean survival time up to tau (the area under the curve on
 * [0, tau]) and its standard error
 *   var = sum over event times t_j <= tau of A_j^2 d_j / (n_j (n_j - d_j)),
 *   A_j = integral of S from t_j to tau.
 * Returns -1 when tau is beyond the last time of the curve, else 0.
 */
extern int	cr_km_rmst(const CrKmPoint *pt, size_t n, double tau,
					   double *rmst, double *se);

/* Weights of the log-rank test at each event time (statsmodels' weight_type). */
typedef enum CrLogrankWeight
{
	CR_LR_PLAIN = 0,			/* 1: the log-rank test (None) */
	CR_LR_GEHAN_BRESLOW,		/* n, the number at risk ('gb') */
	CR_LR_TARONE_WARE,			/* sqrt(n) ('tw') */
	CR_LR_FLEMING_HARRINGTON	/* S(t-)^p, the pooled KM before t ('fh') */
} CrLogrankWeight;

/*
 * The most members cr_logrank takes: its counts are doubles, exact integers
 * up to 2^53 (callers refuse more).
 */
#define CR_LOGRANK_MAX_MEMBERS ((int64_t) 1 << 53)

/* Doubles of workspace cr_logrank needs for k groups. */
extern size_t cr_logrank_work_size(int k);

/*
 * Log-rank test of k groups (0..k-1) over compacted observations: the
 * chi-square statistic with k - 1 degrees of freedom, as statsmodels'
 * survdiff with the given weights (p: the Fleming-Harrington exponent,
 * ignored otherwise).  work: cr_logrank_work_size(k) doubles, so nothing is
 * allocated here and interrupt (may be NULL) may leave by longjmp.  Returns
 * 0, or -1 when the covariance matrix is singular: fewer than two groups,
 * no events, or a group with nobody at risk at any event time that counts
 * (with two or more at risk).  At most CR_LOGRANK_MAX_MEMBERS members in all.
 */
extern int	cr_logrank(const CrSurvObs *o, size_t n, int k,
					   CrLogrankWeight weight, double p, double *work,
					   CrInterruptFn interrupt, double *chi2);

#endif							/* CR_KM_H */
