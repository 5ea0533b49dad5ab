/*
 * link: src/cr_daybits.c
 *
 * Unit tests of the day bitmap kernel: every statistic is compared with a
 * brute-force computation over a plain array of days, on random bitmaps
 * (fixed seed) with negative and positive day numbers.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_daybits.h"
#include "tap.h"

static uint64_t rng = 88172645463325252ULL;
static uint32_t
next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t) (rng >> 11);
}

/* Brute force over a boolean array a[0..len-1] where a[i] is day lo + i. */
static void
brute(const unsigned char *a, int lo, int len, int ref, CrDayStats *s)
{
	int			i, prev = 0, have = 0, run = 0, w;
	double		gaps[4096];
	int			ng = 0;

	memset(s, 0, sizeof(*s));
	for (i = 0; i < len; i++)
	{
		int			d = lo + i;

		if (!a[i] || d > ref)
			continue;
		s->active_days++;
		if (d > ref - 7)
			s->active_days_7++;
		if (d > ref - 30)
			s->active_days_30++;
		if (d > ref - 90)
			s->active_days_90++;
		for (w = 0; w < CR_TREND_WEEKS; w++)
		{
			int			wlo = ref - 7 * (CR_TREND_WEEKS - w) + 1;

			if (d >= wlo && d < wlo + 7)
				s->weekly[w] += 1;
		}
		if (have)
		{
			gaps[ng++] = d - prev;
			run = (d - prev == 1) ? run + 1 : 1;
		}
		else
		{
			s->first_day = d;
			run = 1;
		}
		if (run > s->longest_streak)
			s->longest_streak = run;
		prev = d;
		have = 1;
	}
	if (!have)
		return;
	s->last_day = prev;
	s->current_streak = prev >= ref - 1 ? run : 0;
	if (ng >= 1)
	{
		double		m = 0, v = 0;

		for (i = 0; i < ng; i++)
			m += gaps[i];
		m /= ng;
		s->mean_gap = m;
		for (i = 0; i < ng; i++)
			v += (gaps[i] - m) * (gaps[i] - m);
		v /= ng;
		if (ng >= 2)
			s->gap_cv = sqrt(v) / m;
	}
	{
		/* slope by the textbook formula */
		double		sx = 0, sy = 0, sxx = 0, sxy = 0;
		int			n = CR_TREND_WEEKS;

		for (w = 0; w < n; w++)
		{
			sx += w + 1;
			sy += s->weekly[w];
			sxx += (w + 1) * (w + 1);
			sxy += (w + 1) * s->weekly[w];
		}
		s->trend = (n * sxy - sx * sy) / (n * sxx - sx * sx);
	}
}

static int
same(const CrDayStats *a, const CrDayStats *b)
{
	int			w;

	if (a->active_days != b->active_days || a->active_days_7 != b->active_days_7 ||
		a->active_days_30 != b->active_days_30 || a->active_days_90 != b->active_days_90 ||
		a->current_streak != b->current_streak || a->longest_streak != b->longest_streak)
		return 0;
	if (a->active_days == 0)
		return 1;
	if (a->first_day != b->first_day || a->last_day != b->last_day)
		return 0;
	if (fabs(a->mean_gap - b->mean_gap) > 1e-9 * (1 + fabs(b->mean_gap)))
		return 0;
	if (fabs(a->gap_cv - b->gap_cv) > 1e-9)
		return 0;
	for (w = 0; w < CR_TREND_WEEKS; w++)
		if (a->weekly[w] != b->weekly[w])
			return 0;
	return fabs(a->trend - b->trend) < 1e-9;
}

int
main(void)
{
	int			iter;
	int			all_ok = 1;
	CrDayStats	s, t;

	ok(cr_floor_div(-1, 64) == -1 && cr_floor_div(-64, 64) == -1 &&
	   cr_floor_div(-65, 64) == -2 && cr_floor_div(63, 64) == 0, "floor division");
	ok(cr_daybits_align(-1) == -64 && cr_daybits_align(64) == 64 &&
	   cr_daybits_align(127) == 64 && cr_daybits_align(0) == 0, "alignment");

	{
		uint64_t	w[2] = {0, 0};

		cr_daybits_stats(w, 2, -64, 10, &s);
		ok(s.active_days == 0 && s.current_streak == 0 && s.longest_streak == 0 &&
		   s.trend == 0, "empty bitmap");
		cr_daybits_set(w, -64, 5);
		cr_daybits_stats(w, 2, -64, 5, &s);
		ok(s.active_days == 1 && s.active_days_7 == 1 && s.current_streak == 1 &&
		   s.longest_streak == 1 && s.first_day == 5 && s.last_day == 5, "one day at ref");
		cr_daybits_stats(w, 2, -64, 6, &s);
		ok(s.current_streak == 1, "streak ending the day before ref counts");
		cr_daybits_stats(w, 2, -64, 7, &s);
		ok(s.current_streak == 0 && s.active_days_7 == 1, "streak broken two days before ref");
		cr_daybits_stats(w, 2, -64, 4, &s);
		ok(s.active_days == 0, "days after ref ignored");
		cr_daybits_stats(w, 2, -64, 5 + 6, &s);
		ok(s.active_days_7 == 1, "7-day window includes ref - 6");
		cr_daybits_stats(w, 2, -64, 5 + 7, &s);
		ok(s.active_days_7 == 0, "7-day window excludes ref - 7");
		ok(cr_daybits_test(w, 2, -64, 5) && !cr_daybits_test(w, 2, -64, 4) &&
		   !cr_daybits_test(w, 2, -64, 1000) && !cr_daybits_test(w, 2, -64, -1000), "bit test");
	}
	{
		double		y[8] = {1, 2, 3, 4, 5, 6, 7, 8};
		double		z[8] = {3, 3, 3, 3, 3, 3, 3, 3};

		ok(fabs(cr_ols_slope(y, 8) - 1.0) < 1e-12, "slope of a line is 1");
		ok(cr_ols_slope(z, 8) == 0.0, "slope of a constant is 0");
	}
	{
		/* OR of two bitmaps with different bases */
		uint64_t	a[4] = {0}, b[1] = {0};

		cr_daybits_set(a, -128, -100);
		cr_daybits_set(b, 64, 70);
		cr_daybits_or(a, -128, 4, b, 64, 1);
		ok(cr_daybits_test(a, 4, -128, 70) && cr_daybits_test(a, 4, -128, -100) &&
		   !cr_daybits_test(a, 4, -128, 69), "or merges at the right offset");
	}

	/* random bitmaps against brute force */
	for (iter = 0; iter < 3000; iter++)
	{
		int			nwords = 1 + next_rand() % 6;
		int			base = cr_daybits_align((int) (next_rand() % 2000) - 1000);
		int			len = nwords * 64;
		unsigned char a[6 * 64];
		uint64_t	words[6];
		int			density = 1 + next_rand() % 100;
		int			ref = base + (int) (next_rand() % (len + 40)) - 20;
		int			i;

		memset(words, 0, sizeof(words));
		for (i = 0; i < len; i++)
		{
			a[i] = (next_rand() % 100) < (unsigned) density;
			if (a[i])
				cr_daybits_set(words, base, base + i);
		}
		cr_daybits_stats(words, nwords, base, ref, &s);
		brute(a, base, len, ref, &t);
		if (!same(&s, &t))
		{
			all_ok = 0;
			printf("# mismatch at iteration %d (base %d, ref %d)\n", iter, base, ref);
			break;
		}
	}
	ok(all_ok, "3000 random bitmaps match the brute-force statistics");

	return tap_done();
}
