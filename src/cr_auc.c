/*
 * cr_auc.c
 *	  Exact ROC AUC by sorting: each class is radix-sorted, then one merge
 *	  walk counts, for every positive, the negatives below it (1 each) and
 *	  tied with it (1/2 each).  The result is the Mann-Whitney U statistic
 *	  divided by npos * nneg, which equals the area under the ROC curve with
 *	  ties handled as scikit-learn's roc_auc_score does (the trapezoid over a
 *	  tied block is exactly one half per tied pair).
 *
 * Scores arrive as order-preserving 64-bit keys (cr_auc_key), so everything
 * here is integer work: eight counting passes of 8 bits (all eight histograms
 * built in one read), a pass skipped when every key shares its digit, and a
 * linear merge.
 */
#include "cr_auc.h"

#define RADIX_BITS 8
#define RADIX_SIZE (1 << RADIX_BITS)
#define RADIX_PASSES 8

void
cr_sort_keys(uint64_t *x, uint64_t *scratch, size_t n,
			 cr_auc_tick_fn tick, void *tick_arg)
{
	uint64_t   *src = x;
	uint64_t   *dst = scratch;
	size_t		counts[RADIX_PASSES][RADIX_SIZE];
	size_t		i;

	if (n < 2)
		return;

	memset(counts, 0, sizeof(counts));
	for (i = 0; i < n; i++)
	{
		uint64_t	k = x[i];

		for (int p = 0; p < RADIX_PASSES; p++)
			counts[p][(k >> (p * RADIX_BITS)) & (RADIX_SIZE - 1)]++;
		if (tick && (i & (CR_AUC_TICK - 1)) == 0)
			tick(tick_arg);
	}

	for (int p = 0; p < RADIX_PASSES; p++)
	{
		size_t	   *c = counts[p];
		size_t		sum = 0;
		int			shift = p * RADIX_BITS;
		uint64_t   *tmp;

		/* every key has the same digit here: the pass would be the identity */
		if (c[(src[0] >> shift) & (RADIX_SIZE - 1)] == n)
			continue;
		for (int b = 0; b < RADIX_SIZE; b++)
		{
			size_t		cnt = c[b];

			c[b] = sum;
			sum += cnt;
		}
		for (i = 0; i < n; i++)
		{
			uint64_t	k = src[i];

			dst[c[(k >> shift) & (RADIX_SIZE - 1)]++] = k;
			if (tick && (i & (CR_AUC_TICK - 1)) == 0)
				tick(tick_arg);
		}
		tmp = src;
		src = dst;
		dst = tmp;
	}
	if (src != x)
		memcpy(x, src, n * sizeof(uint64_t));
}

uint64_t
cr_auc_twice_u_sorted(const uint64_t *pos, size_t npos,
					  const uint64_t *neg, size_t nneg,
					  cr_auc_tick_fn tick, void *tick_arg)
{
	uint64_t	twice_u = 0;
	size_t		below = 0;		/* negatives strictly below the current score */
	size_t		p = 0;
	size_t		work = 0;

	while (p < npos)
	{
		uint64_t	s = pos[p];
		size_t		run = 1;
		size_t		tied;

		while (p + run < npos && pos[p + run] == s)
			run++;
		while (below < nneg && neg[below] < s)
			below++;
		tied = below;
		while (tied < nneg && neg[tied] == s)
			tied++;
		twice_u += (uint64_t) run * (2 * (uint64_t) below + (uint64_t) (tied - below));
		work += run + (tied - below);
		/* the next score is larger, so every tied negative is below it */
		below = tied;
		p += run;
		if (tick && work >= CR_AUC_TICK)
		{
			work = 0;
			tick(tick_arg);
		}
	}
	return twice_u;
}

void
cr_merge_keys(const uint64_t *a, size_t na, const uint64_t *b, size_t nb,
			  uint64_t *out, cr_auc_tick_fn tick, void *tick_arg)
{
	size_t		i = 0,
				j = 0,
				k = 0;

	while (i < na && j < nb)
	{
		out[k++] = (b[j] < a[i]) ? b[j++] : a[i++];
		if (tick && (k & (CR_AUC_TICK - 1)) == 0)
			tick(tick_arg);
	}
	if (i < na)
		memcpy(out + k, a + i, (na - i) * sizeof(uint64_t));
	if (j < nb)
		memcpy(out + k, b + j, (nb - j) * sizeof(uint64_t));
}

int
cr_auc_sorted(const uint64_t *pos, size_t npos, const uint64_t *neg, size_t nneg,
			  double *auc, cr_auc_tick_fn tick, void *tick_arg)
{
	uint64_t	twice_u;

	if (npos == 0 || nneg == 0)
		return -1;
	twice_u = cr_auc_twice_u_sorted(pos, npos, neg, nneg, tick, tick_arg);
	*auc = (double) twice_u / (2.0 * (double) npos * (double) nneg);
	return 0;
}

int
cr_auc(uint64_t *pos, size_t npos, uint64_t *neg, size_t nneg,
	   uint64_t *scratch, double *auc,
	   cr_auc_tick_fn tick, void *tick_arg)
{
	if (npos == 0 || nneg == 0)
		return -1;
	cr_sort_keys(pos, scratch, npos, tick, tick_arg);
	cr_sort_keys(neg, scratch, nneg, tick, tick_arg);
	return cr_auc_sorted(pos, npos, neg, nneg, auc, tick, tick_arg);
}
