/*
 * cr_daybits.c
 *	  Day bitmap kernel of the engagement features (see cr_daybits.h).
 *
 * One pass over the set bits, in day order, yields every statistic: counts
 * in the windows ending at the reference day, runs of consecutive days
 * (streaks), gaps between consecutive active days, and the active days of
 * each of the last eight weeks.  Gap moments are summed in 64-bit integers,
 * so the coefficient of variation does not suffer from cancellation.
 */
#include "cr_daybits.h"

#include <math.h>
#include <string.h>

int64_t
cr_floor_div(int64_t a, int64_t b)
{
	int64_t		q = a / b;

	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

int32_t
cr_daybits_align(int32_t day)
{
	return (int32_t) (cr_floor_div(day, 64) * 64);
}

void
cr_daybits_set(uint64_t *words, int32_t base, int32_t day)
{
	int64_t		off = (int64_t) day - base;

	words[off >> 6] |= UINT64_C(1) << (off & 63);
}

int
cr_daybits_test(const uint64_t *words, int32_t nwords, int32_t base, int32_t day)
{
	int64_t		off = (int64_t) day - base;

	if (off < 0 || off >= (int64_t) nwords * 64)
		return 0;
	return (words[off >> 6] >> (off & 63)) & 1;
}

void
cr_daybits_or(uint64_t *dst, int32_t dbase, int32_t dnwords,
			  const uint64_t *src, int32_t sbase, int32_t snwords)
{
	int64_t		shift = ((int64_t) sbase - dbase) / 64;	/* both aligned */
	int32_t		i;

	for (i = 0; i < snwords; i++)
	{
		int64_t		j = shift + i;

		if (src[i] == 0)
			continue;
		if (j >= 0 && j < dnwords)
			dst[j] |= src[i];
	}
}

double
cr_ols_slope(const double *y, int n)
{
	double		xbar = (n + 1) / 2.0;
	double		sxy = 0.0;
	double		sxx = 0.0;
	int			i;

	if (n < 2)
		return 0.0;
	for (i = 0; i < n; i++)
	{
		double		dx = (i + 1) - xbar;

		sxy += dx * y[i];
		sxx += dx * dx;
	}
	return sxy / sxx;
}

void
cr_daybits_stats(const uint64_t *words, int32_t nwords, int32_t base,
				 int32_t ref_day, CrDayStats *out)
{
	int64_t		ref = ref_day;
	int64_t		prev = 0;
	int64_t		run = 0;
	int64_t		gaps_n = 0;
	int64_t		gaps_sum = 0;
	int64_t		gaps_sumsq = 0;
	int64_t		week_lo = ref - 7 * CR_TREND_WEEKS + 1;	/* first day of week 1 */
	int			have_prev = 0;
	int32_t		w;

	memset(out, 0, sizeof(*out));

	for (w = 0; w < nwords; w++)
	{
		uint64_t	bits = words[w];

		while (bits != 0)
		{
			int			b = __builtin_ctzll(bits);
			int64_t		day = (int64_t) base + (int64_t) w * 64 + b;

			bits &= bits - 1;
			if (day > ref)
				goto done;

			out->active_days++;
			if (day > ref - 7)
				out->active_days_7++;
			if (day > ref - 30)
				out->active_days_30++;
			if (day > ref - 90)
				out->active_days_90++;
			if (day >= week_lo)
				out->weekly[(day - week_lo) / 7] += 1.0;

			if (have_prev)
			{
				int64_t		gap = day - prev;

				gaps_n++;
				gaps_sum += gap;
				gaps_sumsq += gap * gap;
				run = (gap == 1) ? run + 1 : 1;
			}
			else
			{
				out->first_day = (int32_t) day;
				run = 1;
			}
			if (run > out->longest_streak)
				out->longest_streak = (int32_t) run;
			prev = day;
			have_prev = 1;
		}
	}
done:
	if (!have_prev)
		return;
	out->last_day = (int32_t) prev;
	/* the last run is the current streak if it ends on ref_day or the day before */
	out->current_streak = (prev >= ref - 1) ? (int32_t) run : 0;
	if (gaps_n >= 1)
		out->mean_gap = (double) gaps_sum / (double) gaps_n;
	if (gaps_n >= 2)
	{
		/* n^2 * variance, exact in integers */
		int64_t		num = gaps_n * gaps_sumsq - gaps_sum * gaps_sum;
		double		sd = sqrt((double) num) / (double) gaps_n;

		out->gap_cv = sd / out->mean_gap;
	}
	out->trend = cr_ols_slope(out->weekly, CR_TREND_WEEKS);
}
