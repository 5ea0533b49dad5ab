/*
 * fuzz_common.h: a tracked malloc arena for the codec's allocator callback,
 * shared by the model codec's unit test and fuzz harnesses (header only).
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include <stdlib.h>
#include <string.h>

#include "cr_model_codec.h"

typedef struct ArenaBlock
{
	struct ArenaBlock *next;
	/* payload follows, max-aligned */
} ArenaBlock;

typedef struct Arena
{
	ArenaBlock *head;
	size_t		total;
	size_t		limit;			/* 0: none; else fail (return NULL) beyond it */
} Arena;

#define ARENA_HDR ((sizeof(ArenaBlock) + 15) & ~(size_t) 15)

static void *
arena_alloc(void *ctx, size_t size)
{
	Arena	   *a = ctx;
	ArenaBlock *b;

	if (a->limit && a->total + size > a->limit)
		return NULL;
	b = malloc(ARENA_HDR + size);
	if (b == NULL)
		return NULL;
	b->next = a->head;
	a->head = b;
	a->total += size;
	/* poison so that reads of unset memory show up in comparisons */
	memset((char *) b + ARENA_HDR, 0xA5, size);
	return (char *) b + ARENA_HDR;
}

static void
arena_free(Arena *a)
{
	while (a->head)
	{
		ArenaBlock *n = a->head->next;

		free(a->head);
		a->head = n;
	}
	a->total = 0;
}

/* bitwise equality of two decoded models */
static int
models_equal(const CrModelPlain *a, const CrModelPlain *b)
{
	size_t		d,
				D,
				j;

	if (a->version != b->version || a->flags != b->flags || a->d != b->d ||
		a->iterations != b->iterations || a->n_rows != b->n_rows ||
		a->n_skipped != b->n_skipped || a->n_retained != b->n_retained)
		return 0;
	if (memcmp(&a->loglik, &b->loglik, sizeof(double)) != 0 ||
		memcmp(&a->null_loglik, &b->null_loglik, sizeof(double)) != 0 ||
		memcmp(&a->l2, &b->l2, sizeof(double)) != 0 ||
		memcmp(&a->condition_number, &b->condition_number, sizeof(double)) != 0 ||
		memcmp(&a->intercept, &b->intercept, sizeof(double)) != 0)
		return 0;
	d = (size_t) a->d;
	D = d + 1;
	if (memcmp(a->coef, b->coef, d * sizeof(double)) != 0 ||
		memcmp(a->means, b->means, d * sizeof(double)) != 0 ||
		memcmp(a->cov, b->cov, D * D * sizeof(double)) != 0)
		return 0;
	if ((a->flags & CR_CODEC_HAS_DECILES) &&
		(memcmp(a->deciles, b->deciles, sizeof(a->deciles)) != 0 ||
		 memcmp(a->shares, b->shares, sizeof(a->shares)) != 0))
		return 0;
	for (j = 0; j < d; j++)
		if (strcmp(a->names[j], b->names[j]) != 0)
			return 0;
	return 1;
}

#endif							/* FUZZ_COMMON_H */
