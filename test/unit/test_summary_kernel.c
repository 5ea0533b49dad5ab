/*
 * link: src/cr_summary_kernel.c
 *
 * Unit tests of the purchase-summary kernel: the int64 hash table against a
 * brute-force search (random keys, clustered keys, extremes, growth by
 * rehashing), the grouping of days by member in batches against a direct
 * filter, the distinct-day count against a brute count, the key order, and
 * the running sums and summary against a direct computation.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cr_summary_kernel.h"
#include "tap.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t
next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* a key from one of several families: random, small consecutive, extremes */
static int64_t
some_key(int i)
{
	switch (next_rand() % 4)
	{
		case 0:
			return (int64_t) next_rand();
		case 1:
			return (int64_t) (next_rand() % 2000);
		case 2:
			return (int64_t) (next_rand() % 2000) << 32;
		default:
			return (i % 2) ? INT64_MAX - (int64_t) (next_rand() % 50) : INT64_MIN + (int64_t) (next_rand() % 50);
	}
}

static void
test_keymap(void)
{
	enum
	{
		N = 20000
	};
	int64_t    *input = malloc(N * sizeof(int64_t));
	int64_t    *want = malloc(N * sizeof(int64_t));	/* brute-force index */
	int64_t    *distinct = malloc(N * sizeof(int64_t));
	int64_t		ndistinct = 0;
	int64_t		cap = 4;
	uint64_t	nslots = cr_keymap_slots_for(cap);
	CrKeyMap	m;
	int			i,
				bad = 0,
				bad_added = 0,
				grew = 0;

	cr_keymap_init(&m, malloc(nslots * sizeof(CrKeySlot)), nslots, malloc(cap * sizeof(int64_t)), cap);
	for (i = 0; i < N; i++)
	{
		int64_t		j;
		bool		added,
					is_new;
		int64_t		got;

		input[i] = some_key(i);
		for (j = 0; j < ndistinct && distinct[j] != input[i]; j++)
			;
		want[i] = j;
		is_new = j == ndistinct;
		if (is_new)
			distinct[ndistinct++] = input[i];
		if (cr_keymap_full(&m))
		{
			int64_t		ncap = cap * 2;
			uint64_t	ns = cr_keymap_slots_for(ncap);
			int64_t    *keys = malloc(ncap * sizeof(int64_t));

			memcpy(keys, m.keys, m.n * sizeof(int64_t));
			free(m.keys);
			free(m.slots);
			cr_keymap_rehash(&m, malloc(ns * sizeof(CrKeySlot)), ns, keys, ncap);
			cap = ncap;
			grew++;
		}
		got = cr_keymap_get(&m, input[i], &added);
		bad += got != want[i];
		bad_added += added != is_new;
	}
	ok(bad == 0, "keymap: every key gets its first-appearance index (%d wrong of %d)", bad, N);
	ok(bad_added == 0, "keymap: added is set exactly for new keys");
	ok(m.n == ndistinct, "keymap: %lld distinct keys held", (long long) m.n);
	ok(grew > 5 && m.nslots >= (uint64_t) m.n * 2, "keymap: grew %d times, load at most 1/2", grew);
	for (i = 0, bad = 0; i < ndistinct; i++)
		bad += m.keys[i] != distinct[i];
	ok(bad == 0, "keymap: keys[] in order of first appearance");
	/* lookups after growth find the same indexes and add nothing */
	for (i = 0, bad = 0; i < N; i++)
	{
		bool		added;

		bad += cr_keymap_get(&m, input[i], &added) != want[i] || added;
	}
	ok(bad == 0 && m.n == ndistinct, "keymap: a second pass finds every key, adds none");
	{
		CrKeyIdx   *pairs = malloc(ndistinct * sizeof(CrKeyIdx));
		bool		sorted_ok = true;

		ok(cr_keymap_order(m.keys, m.n, pairs), "order: unsorted keys need sorting");
		for (i = 0; i < ndistinct; i++)
		{
			if (i > 0 && pairs[i - 1].key >= pairs[i].key)
				sorted_ok = false;
			if (m.keys[pairs[i].idx] != pairs[i].key)
				sorted_ok = false;
		}
		ok(sorted_ok, "order: ascending keys, each with its index");
		ok(!cr_keymap_order((const int64_t[]) {-5, 0, 7}, 3, pairs) && pairs[2].idx == 2,
		   "order: ascending keys are left as they are");
		free(pairs);
	}
	free(m.slots);
	free(m.keys);
	free(input);
	free(want);
	free(distinct);
}

static void
test_group(void)
{
	enum
	{
		N = 5000, M = 300, BATCH = 777
	};
	int32_t		member[N],
				day[N],
				out[N];
	int64_t		start[M + 1];
	int			i,
				b,
				bad = 0,
				bad_distinct = 0;

	for (i = 0; i < N; i++)
	{
		member[i] = (int32_t) (next_rand() % (i < 100 ? 3 : M - 1));	/* member M-1: none */
		day[i] = (int32_t) (next_rand() % 40) - 20;
	}
	memset(start, 0, sizeof(start));
	for (b = 0; b < N; b += BATCH)
		cr_group_count(member + b, b + BATCH <= N ? BATCH : N - b, start);
	cr_group_prefix(start, M);
	for (b = 0; b < N; b += BATCH)
		cr_group_scatter(member + b, day + b, b + BATCH <= N ? BATCH : N - b, start, out);
	cr_group_finish(start, M);
	ok(start[0] == 0 && start[M] == N, "group: the members' ranges cover every event");
	for (i = 0; i < M; i++)
	{
		int64_t		k = start[i];
		int			e;
		unsigned char seen[40];
		int32_t		nd = 0;

		memset(seen, 0, sizeof(seen));
		/* member i's days, in the events' order */
		for (e = 0; e < N; e++)
			if (member[e] == i)
			{
				if (k >= start[i + 1] || out[k] != day[e])
					bad++;
				k++;
				if (!seen[day[e] + 20]++)
					nd++;
			}
		if (k != start[i + 1])
			bad++;
		if (cr_distinct_days(out + start[i], start[i + 1] - start[i]) != nd)
			bad_distinct++;
	}
	ok(bad == 0, "group: each member's days in order, in batches (%d wrong)", bad);
	ok(bad_distinct == 0, "distinct days: as a brute count, long and short runs (%d wrong)", bad_distinct);
	ok(start[M - 1] == start[M], "group: a member without events has an empty range");
	{
		int32_t		d[] = {5, 5, 5};

		ok(cr_distinct_days(d, 3) == 1 && cr_distinct_days(d, 0) == 0, "distinct days: all equal, none");
	}
}

/*
 * A first day of +1e17 and -1e17 and repeat days of 1 and 2: the repeat
 * spend is 3 in every order of the rows and every split into two merged
 * halves (a total minus the first day would give 0 or 16 here).
 */
static void
test_sums_no_cancellation(void)
{
	int32_t		days[] = {5, 1, 1, 7};
	double		amounts[] = {1, 1e17, -1e17, 2};
	int			perm[24][4],
				np = 0,
				bad = 0;
	int			p0,
				p1,
				p2,
				p3;

	for (p0 = 0; p0 < 4; p0++)
		for (p1 = 0; p1 < 4; p1++)
			for (p2 = 0; p2 < 4; p2++)
				for (p3 = 0; p3 < 4; p3++)
					if (p0 != p1 && p0 != p2 && p0 != p3 && p1 != p2 && p1 != p3 && p2 != p3)
					{
						perm[np][0] = p0;
						perm[np][1] = p1;
						perm[np][2] = p2;
						perm[np][3] = p3;
						np++;
					}
	for (p0 = 0; p0 < np; p0++)
		for (p1 = 0; p1 <= 4; p1++)
		{
			CrLtSums	a = {0},
						b = {0};	/* each set by its first row; zeroed for the compiler */
			CrLtSummary out;
			int			i;

			/* rows perm[0 .. p1-1] into a, the rest into b, then merge */
			for (i = 0; i < 4; i++)
			{
				int			k = perm[p0][i];

				if (i < p1)
					cr_lt_add(&a, i == 0, days[k], amounts[k]);
				else
					cr_lt_add(&b, i == p1, days[k], amounts[k]);
			}
			if (p1 == 0)
				a = b;
			else if (p1 < 4)
				cr_lt_merge(&a, false, &b);
			cr_lt_finish(&a, 3, 10, 1.0, &out);
			if (a.min_day != 1 || a.max_day != 7 || a.first_total != 0 || a.repeat_total != 3
				|| out.monetary_value != 1.5)
				bad++;
		}
	ok(np == 24 && bad == 0, "sums: a large first day does not cancel the repeat days (%d of %d orders wrong)",
	   bad, np * 5);
}

static void
test_sums(void)
{
	CrLtSums	s,
				a,
				b;
	CrLtSummary out;
	int32_t		days[] = {10, 3, 3, 12, 10, 3};
	double		amounts[] = {1.5, 2, 0.5, 4, 8, 16};
	int			i;

	s.repeat_total = s.first_total = 12345; /* garbage: the first purchase sets everything */
	for (i = 0; i < 6; i++)
		ok(cr_lt_add(&s, i == 0, days[i], amounts[i]), "sums: purchase %d", i);
	ok(s.min_day == 3 && s.max_day == 12 && s.repeat_total == 13.5 && s.first_total == 18.5,
	   "sums: first day 3, last 12, repeat days' 13.5, first day's 18.5");
	cr_lt_finish(&s, 3, 17, 7.0, &out);
	ok(out.frequency == 2 && tap_near(out.recency, 9.0 / 7, 1e-15) && tap_near(out.T, 2.0, 1e-15)
	   && out.monetary_value == (32 - 18.5) / 2, "summary: in weeks");
	cr_lt_finish(&s, 1, 17, 1.0, &out);
	ok(out.frequency == 0 && out.monetary_value == 0, "summary: no repeat day, no repeat spend");
	/* merge: halves in any split give the whole */
	memset(&a, 0, sizeof(a));
	cr_lt_add(&a, true, 10, 1.5);
	cr_lt_add(&a, false, 3, 2);
	cr_lt_add(&a, false, 3, 0.5);
	cr_lt_add(&b, true, 12, 4);
	cr_lt_add(&b, false, 10, 8);
	cr_lt_add(&b, false, 3, 16);
	ok(cr_lt_merge(&a, false, &b) && memcmp(&a, &s, sizeof(s)) == 0, "merge: two halves give the whole");
	memset(&a, 0, sizeof(a));
	ok(cr_lt_merge(&a, true, &s) && memcmp(&a, &s, sizeof(s)) == 0, "merge: into an empty state");
	ok(!cr_lt_add(&s, false, 20, 1.7e308) || !cr_lt_add(&s, false, 20, 1.7e308), "sums: overflow reported");
	/* the first day's spend alone overflowing is harmless until it is a repeat day's */
	ok(cr_lt_add(&a, true, 5, 1e308) && cr_lt_add(&a, false, 5, 1e308) && cr_lt_add(&a, false, 6, 5)
	   && a.repeat_total == 5, "sums: a first day beyond float8 is no error while it stays the first");
	ok(!cr_lt_add(&a, false, 4, 1), "sums: ... and is one once it becomes a repeat day");
	test_sums_no_cancellation();
}

int
main(void)
{
	test_keymap();
	test_group();
	test_sums();
	return tap_done();
}
