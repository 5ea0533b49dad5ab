/*
 * cr_auc.c
 *	  Exact ROC AUC by sorting: each class is radix-sorted, then one merge
 *	  walk counts, for every positive, the negatives below it (1 each) and
 *	  tied with it (1/2 each).  The result is the Mann-Whitney U statistic
 *	  divided by npos * nneg, which equals the area under the ROC curve with
 *	  ties handled as scikit-learn's roc_auc_score does (the trapezoid over a
 *	  tied block is exactly one half per tied pair).
 *
 * The sort works on 64-bit keys that order like the doubles: for a
 * non-negative double the sign bit is set, for a negative one every bit is
 * flipped.  Keys are formed in place, sorted by six passes of 11 bits (a
 * pass is skipped when every key has the same digit there), and turned back
 * into doubles, so the caller's array ends up holding its own values sorted.
 */
#include "cr_auc.h"

#include <string.h>

#define RADIX_BITS 11
#define RADIX_SIZE (1 << RADIX_BITS)
#define RADIX_PASSES 6			/* 6 * 11 = 66 >= 64 */

static inline uint64_t
double_to_key(double d)
{
	uint64_t	u;

	if (d == 0.0)
		d = 0.0;				/* -0.0 and +0.0 are one value */
	memcpy(&u, &d, sizeof(u));
	return (u & UINT64_C(0x8000000000000000)) ? ~u : (u | UINT64_C(0x8000000000000000));
}

static inline double
key_to_double(uint64_t k)
{
	uint64_t	u = (k & UINT64_C(0x8000000000000000)) ? (k & ~UINT64_C(0x8000000000000000)) : ~k;
	double		d;

	memcpy(&d, &u, sizeof(d));
	return d;
}

void
cr_sort_doubles(double *x, double *scratch, size_t n,
				cr_auc_tick_fn tick, void *tick_arg)
{
	/* doubles and uint64_t have the same size; work on the bit patterns */
	uint64_t   *src = (uint64_t *) x;
	uint64_t   *dst = (uint64_t *) scratch;
	static const int shifts[RADIX_PASSES] = {0, 11, 22, 33, 44, 55};
	size_t		counts[RADIX_PASSES][RADIX_SIZE];
	size_t		i;

	if (n < 2)
	{
		if (n == 1 && x[0] == 0.0)
			x[0] = 0.0;
		return;
	}

	memset(counts, 0, sizeof(counts));
	for (i = 0; i < n; i++)
	{
		double		d;
		uint64_t	k;

		memcpy(&d, &src[i], sizeof(d));
		k = double_to_key(d);
		src[i] = k;
		for (int p = 0; p < RADIX_PASSES; p++)
			counts[p][(k >> shifts[p]) & (RADIX_SIZE - 1)]++;
		if (tick && (i & (CR_AUC_TICK - 1)) == 0)
			tick(tick_arg);
	}

	for (int p = 0; p < RADIX_PASSES; p++)
	{
		size_t	   *c = counts[p];
		size_t		sum = 0;
		int			shift = shifts[p];
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

	/* back to doubles, into the caller's array (in place when src is x) */
	for (i = 0; i < n; i++)
	{
		double		d = key_to_double(src[i]);

		memcpy(&x[i], &d, sizeof(d));
	}
}

uint64_t
cr_auc_twice_u_sorted(const double *pos, size_t npos,
					  const double *neg, size_t nneg,
					  cr_auc_tick_fn tick, void *tick_arg)
{
	uint64_t	twice_u = 0;
	size_t		below = 0;		/* negatives strictly below the current score */
	size_t		p = 0;
	size_t		work = 0;

	while (p < npos)
	{
		double		s = pos[p];
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

int
cr_auc(double *pos, size_t npos, double *neg, size_t nneg,
	   double *scratch, double *auc,
	   cr_auc_tick_fn tick, void *tick_arg)
{
	uint64_t	twice_u;

	if (npos == 0 || nneg == 0)
		return -1;
	cr_sort_doubles(pos, scratch, npos, tick, tick_arg);
	cr_sort_doubles(neg, scratch, nneg, tick, tick_arg);
	twice_u = cr_auc_twice_u_sorted(pos, npos, neg, nneg, tick, tick_arg);
	*auc = (double) twice_u / (2.0 * (double) npos * (double) nneg);
	return 0;
}
