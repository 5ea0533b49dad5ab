/*
 * link: src/cr_daybits.c
 *
 * Fuzz the day bitmap kernel: bytes 0-3 choose the base (aligned to 64),
 * bytes 4-7 the reference day, the rest are the bitmap words (at most 600,
 * about the 36600-day cap of engagement_summary).  The statistics must obey
 * their invariants and match a bit-by-bit recount of the windows.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cr_daybits.h"

#define MAX_WORDS 600

int			LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t	words[MAX_WORDS];
	int32_t		nwords,
				base,
				ref,
				a7 = 0,
				a30 = 0,
				a90 = 0,
				all = 0;
	int16_t		b16,
				r16;
	int64_t		d;
	CrDayStats	s;
	double		wsum = 0;
	int			w;

	if (size < 8)
		return 0;
	memcpy(&b16, data, 2);
	memcpy(&r16, data + 4, 2);
	base = cr_daybits_align((int32_t) b16 * 37);
	nwords = (int32_t) ((size - 8) / 8);
	if (nwords > MAX_WORDS)
		nwords = MAX_WORDS;
	memset(words, 0, sizeof(words));
	memcpy(words, data + 8, (size_t) nwords * 8);
	ref = base + (int32_t) r16 % (nwords * 64 + 200);

	cr_daybits_stats(words, nwords, base, ref, &s);

	for (d = base; d < (int64_t) base + nwords * 64; d++)
	{
		if (d > ref || !cr_daybits_test(words, nwords, base, (int32_t) d))
			continue;
		all++;
		a7 += d > ref - 7;
		a30 += d > ref - 30;
		a90 += d > ref - 90;
	}
	for (w = 0; w < CR_TREND_WEEKS; w++)
	{
		if (s.weekly[w] < 0 || s.weekly[w] > 7)
			abort();
		wsum += s.weekly[w];
	}
	if (s.active_days != all || s.active_days_7 != a7 || s.active_days_30 != a30 ||
		s.active_days_90 != a90)
		abort();
	if (s.current_streak > s.longest_streak || s.longest_streak > s.active_days)
		abort();
	if (wsum > 56 || wsum < s.active_days_7)
		abort();
	if (s.active_days >= 2 && !(s.mean_gap >= 1.0))
		abort();
	if (s.active_days >= 3 && !(s.gap_cv >= 0.0 && isfinite(s.gap_cv)))
		abort();
	if (!isfinite(s.trend) || fabs(s.trend) > 4.0 / 3.0 + 1e-12)
		abort();
	return 0;
}
