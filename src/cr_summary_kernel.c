/*
 * cr_summary_kernel.c
 *	  The member hash table and the grouping of purchase days of
 *	  lifetime_summaries (see cr_summary_kernel.h).  Plain C.
 */
#include <stdlib.h>
#include <string.h>

#include "cr_summary_kernel.h"

uint64_t
cr_keymap_slots_for(int64_t cap)
{
	uint64_t	s = 16;

	while (s < (uint64_t) cap * 2)
		s *= 2;
	return s;
}

void
cr_keymap_init(CrKeyMap *m, CrKeySlot *slots, uint64_t nslots, int64_t *keys, int64_t cap)
{
	memset(slots, 0, nslots * sizeof(CrKeySlot));
	m->slots = slots;
	m->nslots = nslots;
	m->keys = keys;
	m->cap = cap;
	m->n = 0;
}

void
cr_keymap_rehash(CrKeyMap *m, CrKeySlot *slots, uint64_t nslots, int64_t *keys, int64_t cap)
{
	uint64_t	mask = nslots - 1;
	int64_t		j;

	memset(slots, 0, nslots * sizeof(CrKeySlot));
	for (j = 0; j < m->n; j++)
	{
		uint64_t	i = cr_keymap_hash(keys[j]) & mask;

		while (slots[i].idx1 != 0)
			i = (i + 1) & mask;
		slots[i].key = keys[j];
		slots[i].idx1 = (uint32_t) (j + 1);
	}
	m->slots = slots;
	m->nslots = nslots;
	m->keys = keys;
	m->cap = cap;
}

void
cr_group_count(const int32_t *member, int64_t n, int64_t *start)
{
	int64_t		e;

	for (e = 0; e < n; e++)
		start[member[e] + 1]++;
}

/* start[i] becomes member i's beginning */
void
cr_group_prefix(int64_t *start, int64_t nmembers)
{
	int64_t		i,
				sum = 0;

	for (i = 0; i <= nmembers; i++)
	{
		sum += start[i];
		start[i] = sum;
	}
}

/* fill forward, in the events' order; start[i] moves to member i's end */
void
cr_group_scatter(const int32_t *member, const int32_t *day, int64_t n,
				 int64_t *start, int32_t *out)
{
	int64_t		e;

	for (e = 0; e < n; e++)
		out[start[member[e]]++] = day[e];
}

/* member i's end is member i + 1's beginning: shift back by one */
void
cr_group_finish(int64_t *start, int64_t nmembers)
{
	memmove(start + 1, start, (size_t) nmembers * sizeof(int64_t));
	start[0] = 0;
}

static int
int32_cmp(const void *a, const void *b)
{
	int32_t		x = *(const int32_t *) a,
				y = *(const int32_t *) b;

	return (x > y) - (x < y);
}

int32_t
cr_distinct_days(int32_t *days, int64_t k)
{
	int64_t		i,
				j;
	int32_t		distinct = 1;

	if (k <= 0)
		return 0;
	if (k <= 32)
	{
		/* insertion sort: members have few days, mostly in time order */
		for (i = 1; i < k; i++)
		{
			int32_t		d = days[i];

			for (j = i; j > 0 && days[j - 1] > d; j--)
				days[j] = days[j - 1];
			days[j] = d;
		}
	}
	else
		qsort(days, (size_t) k, sizeof(int32_t), int32_cmp);
	for (i = 1; i < k; i++)
		distinct += days[i] != days[i - 1];
	return distinct;
}

static int
keyidx_cmp(const void *a, const void *b)
{
	int64_t		x = ((const CrKeyIdx *) a)->key,
				y = ((const CrKeyIdx *) b)->key;

	return (x > y) - (x < y);
}

bool
cr_keymap_order(const int64_t *keys, int64_t n, CrKeyIdx *pairs)
{
	int64_t		i;
	bool		sorted = true;

	for (i = 0; i < n; i++)
	{
		pairs[i].key = keys[i];
		pairs[i].idx = i;
		if (i > 0 && keys[i] < keys[i - 1])
			sorted = false;
	}
	if (sorted)
		return false;
	qsort(pairs, (size_t) n, sizeof(CrKeyIdx), keyidx_cmp);
	return true;
}
