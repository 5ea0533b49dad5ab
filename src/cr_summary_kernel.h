/*
 * cr_summary_kernel.h
 *	  Plain-C kernel of the purchase summaries (lifetime_summary and
 *	  lifetime_summaries): a member's running sums, the finished summary, an
 *	  open-addressing hash table of int64 member ids and the grouping of
 *	  purchase days by member.  No PostgreSQL includes, so it is unit-tested
 *	  alone (test/unit/test_summary_kernel.c).
 *
 * Days are local calendar day numbers (int32, any epoch).
 */
#ifndef CR_SUMMARY_KERNEL_H
#define CR_SUMMARY_KERNEL_H

#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A member's sums: set by the first purchase added (first = true: nothing
 * needs zeroing before), valid from then on.  The spend of the first day and
 * of the later (repeat) days are kept apart, so that monetary_value never
 * subtracts: a large first-day amount cannot cancel the repeat amounts.
 */
typedef struct CrLtSums
{
	double		repeat_total;	/* spend of the days after min_day */
	double		first_total;	/* spend on min_day */
	int32_t		min_day;
	int32_t		max_day;
} CrLtSums;

/*
 * Add a purchase of amount on day (first: the member's first purchase).
 * False when the repeat days' sum left the float8 range (the caller raises
 * 22003).  The first day's sum may overflow without harm while it stays the
 * first day's (monetary_value does not read it); should that day become a
 * repeat day, its infinity or NaN makes the repeat sum non-finite then.
 */
static inline bool
cr_lt_add(CrLtSums *s, bool first, int32_t day, double amount)
{
	if (first)
	{
		s->repeat_total = 0.0;
		s->first_total = amount;
		s->min_day = s->max_day = day;
	}
	else if (day < s->min_day)
	{
		/* the old first day becomes a repeat day */
		s->repeat_total += s->first_total;
		s->first_total = amount;
		s->min_day = day;
	}
	else if (day == s->min_day)
		s->first_total += amount;
	else
		s->repeat_total += amount;
	if (day > s->max_day)
		s->max_day = day;
	return isfinite(s->repeat_total);
}

/*
 * Merge b into a (a_empty: a holds no purchase yet); false when the repeat
 * days' sum overflowed, as cr_lt_add.
 */
static inline bool
cr_lt_merge(CrLtSums *a, bool a_empty, const CrLtSums *b)
{
	if (a_empty)
		*a = *b;
	else if (b->min_day < a->min_day)
	{
		a->repeat_total += a->first_total + b->repeat_total;
		a->first_total = b->first_total;
		a->min_day = b->min_day;
	}
	else if (b->min_day == a->min_day)
	{
		a->first_total += b->first_total;
		a->repeat_total += b->repeat_total;
	}
	else
		a->repeat_total += b->first_total + b->repeat_total;
	if (b->max_day > a->max_day)
		a->max_day = b->max_day;
	return isfinite(a->repeat_total);
}

/* The summary's fields, as the composite type lifetime_summary has them. */
typedef struct CrLtSummary
{
	int32_t		frequency;
	double		recency;
	double		T;
	double		monetary_value;
} CrLtSummary;

/*
 * The summary of a member with ndistinct (>= 1) purchase days, as of
 * asof_day, in units of unit_days days.
 */
static inline void
cr_lt_finish(const CrLtSums *s, int32_t ndistinct, int32_t asof_day, double unit_days,
			 CrLtSummary *out)
{
	out->frequency = ndistinct - 1;
	out->recency = (double) (s->max_day - s->min_day) / unit_days;
	out->T = (double) (asof_day - s->min_day) / unit_days;
	out->monetary_value = out->frequency > 0
		? s->repeat_total / out->frequency : 0.0;
}

/*
 * Open addressing (linear probing) from int64 keys to dense indexes
 * 0 .. n-1 in order of first appearance.  slots[] (nslots, a power of 2)
 * holds the key and its index + 1 (0: empty), so that a lookup reads one
 * slot (one cache miss); keys[] (cap entries) the key of each index.  Both
 * arrays belong to the caller, who grows them: before adding, when
 * cr_keymap_full says so, give bigger arrays (keys copied) and call
 * cr_keymap_rehash.
 */
typedef struct CrKeySlot
{
	int64_t		key;
	uint32_t	idx1;			/* index + 1; 0: empty */
	uint32_t	pad;
} CrKeySlot;

typedef struct CrKeyMap
{
	CrKeySlot  *slots;
	int64_t    *keys;
	uint64_t	nslots;
	int64_t		n;				/* keys held */
	int64_t		cap;			/* room in keys[] */
} CrKeyMap;

/* The slots for cap keys (load at most 1/2), a power of 2. */
extern uint64_t cr_keymap_slots_for(int64_t cap);

/* Empty the map over slots (nslots entries, zeroed here) and keys. */
extern void cr_keymap_init(CrKeyMap *m, CrKeySlot *slots, uint64_t nslots,
						   int64_t *keys, int64_t cap);

/* No room for one more key: grow keys[] and slots[] first. */
static inline bool
cr_keymap_full(const CrKeyMap *m)
{
	return m->n >= m->cap || (uint64_t) (m->n + 1) * 2 > m->nslots;
}

/* Re-insert every key into new (zeroed here) slots; keys/cap may be new. */
extern void cr_keymap_rehash(CrKeyMap *m, CrKeySlot *slots, uint64_t nslots,
							 int64_t *keys, int64_t cap);

static inline uint64_t
cr_keymap_hash(int64_t key)
{
	uint64_t	h = (uint64_t) key;

	/* the finaliser of MurmurHash3: consecutive ids spread over the table */
	h ^= h >> 33;
	h *= UINT64_C(0xff51afd7ed558ccd);
	h ^= h >> 33;
	h *= UINT64_C(0xc4ceb9fe1a85ec53);
	h ^= h >> 33;
	return h;
}

/*
 * The index of key, added if new (*added set); the map must not be full
 * (cr_keymap_full) when the key may be new.
 */
static inline int64_t
cr_keymap_get(CrKeyMap *m, int64_t key, bool *added)
{
	uint64_t	mask = m->nslots - 1;
	uint64_t	i = cr_keymap_hash(key) & mask;

	for (;;)
	{
		const CrKeySlot *s = &m->slots[i];

		if (s->idx1 == 0)
			break;
		if (s->key == key)
		{
			*added = false;
			return (int64_t) s->idx1 - 1;
		}
		i = (i + 1) & mask;
	}
	m->keys[m->n] = key;
	m->slots[i].key = key;
	m->slots[i].idx1 = (uint32_t) (m->n + 1);
	*added = true;
	return m->n++;
}

/* Most indexes a map holds (slots hold index + 1 in 32 bits). */
#define CR_KEYMAP_MAX_KEYS ((int64_t) INT32_MAX)

/*
 * Group events by member (a counting sort, O(events + members)), the
 * events given in any number of batches, each as member[e] (0 ..
 * nmembers-1) and day[e]:
 *	  cr_group_count(batch) for every batch, after zeroing start[0 .. nmembers];
 *	  cr_group_prefix(start, nmembers);
 *	  cr_group_scatter(batch) for every batch, in the same order;
 *	  cr_group_finish(start, nmembers).
 * Then member i's days are out[start[i] .. start[i + 1]), in the events'
 * order; start has nmembers + 1 entries.
 */
extern void cr_group_count(const int32_t *member, int64_t n, int64_t *start);
extern void cr_group_prefix(int64_t *start, int64_t nmembers);
extern void cr_group_scatter(const int32_t *member, const int32_t *day, int64_t n,
							 int64_t *start, int32_t *out);
extern void cr_group_finish(int64_t *start, int64_t nmembers);

/* Sort days[0 .. k) in place and return how many distinct days there are. */
extern int32_t cr_distinct_days(int32_t *days, int64_t k);

/* A key and its index, for the output in key order. */
typedef struct CrKeyIdx
{
	int64_t		key;
	int64_t		idx;
} CrKeyIdx;

/*
 * pairs[0 .. n) = the (keys[i], i), sorted by key (keys distinct).  Returns
 * false when keys was already ascending (then nothing needed sorting).
 */
extern bool cr_keymap_order(const int64_t *keys, int64_t n, CrKeyIdx *pairs);

#endif							/* CR_SUMMARY_KERNEL_H */
