/*
 * cr_daybits.h
 *	  Plain-C kernel of the engagement features: a bitmap of active calendar
 *	  days (local day numbers) and the statistics read from it: active days in
 *	  windows ending at a reference day, streaks, gaps between active days and
 *	  the weekly trend.  No PostgreSQL includes, so it is unit-tested alone.
 *
 * Day numbers are signed 32-bit integers (any epoch); the bitmap covers the
 * days [base, base + 64 * nwords), base a multiple of 64.
 */
#ifndef CR_DAYBITS_H
#define CR_DAYBITS_H

#include <stdint.h>

/* Weeks in the trend regression and days per week. */
#define CR_TREND_WEEKS 8

typedef struct CrDayStats
{
	int32_t		active_days;	/* set bits at or before ref_day */
	int32_t		active_days_7;	/* set bits in (ref_day - 7, ref_day] */
	int32_t		active_days_30;
	int32_t		active_days_90;
	int32_t		current_streak; /* run ending on ref_day or ref_day - 1 */
	int32_t		longest_streak;
	int32_t		first_day;		/* first active day (valid if active_days > 0) */
	int32_t		last_day;
	double		mean_gap;		/* mean of the gaps, valid if active_days >= 2 */
	double		gap_cv;			/* stddev_pop / mean of gaps, valid if >= 3 */
	double		weekly[CR_TREND_WEEKS]; /* active days per week, oldest first */
	double		trend;			/* OLS slope of weekly[] on 1..8 */
} CrDayStats;

/* floor(a / b) for b > 0, correct for negative a. */
int64_t		cr_floor_div(int64_t a, int64_t b);

/* The word-aligned base (multiple of 64) of the word holding day. */
int32_t		cr_daybits_align(int32_t day);

/* Set or test the bit of day; day must lie inside the covered range. */
void		cr_daybits_set(uint64_t *words, int32_t base, int32_t day);
int			cr_daybits_test(const uint64_t *words, int32_t nwords, int32_t base, int32_t day);

/* OR src (covering [sbase, ...)) into dst; dst must cover all of src's set bits. */
void		cr_daybits_or(uint64_t *dst, int32_t dbase, int32_t dnwords,
						  const uint64_t *src, int32_t sbase, int32_t snwords);

/*
 * Statistics of the set days at or before ref_day (later bits are ignored).
 */
void		cr_daybits_stats(const uint64_t *words, int32_t nwords, int32_t base,
							 int32_t ref_day, CrDayStats *out);

/* Least-squares slope of y[0..n-1] against x = 1..n (0 when n < 2). */
double		cr_ols_slope(const double *y, int n);

#endif							/* CR_DAYBITS_H */
