/*
 * kernel_alloc.h: the allocator (CrAlloc) that the unit tests and fuzz
 * harnesses of the training kernels hand to them (test_logit.c,
 * test_newton.c, test/fuzz/fuzz_newton.c; header only).  Every allocation
 * is remembered and free_all() frees them all, as the server resets the
 * memory context; like palloc, the memory is not zeroed.  More than
 * KERNEL_ALLOC_MAX live allocations (define it before the #include to
 * change it) abort().
 */
#ifndef CR_TEST_KERNEL_ALLOC_H
#define CR_TEST_KERNEL_ALLOC_H

#include <stdlib.h>

#include "cr_logit.h"

#ifndef KERNEL_ALLOC_MAX
#define KERNEL_ALLOC_MAX 4096
#endif

static void *allocated[KERNEL_ALLOC_MAX];
static int	n_allocated = 0;

static inline void *
alloc(size_t size)
{
	void	   *p = malloc(size);

	if (!p || n_allocated == KERNEL_ALLOC_MAX)
		abort();
	allocated[n_allocated++] = p;
	return p;
}

/* the kernels' allocator (CrAlloc): alloc() above, no context */
static inline void *
alloc_cb(void *cxt, size_t size)
{
	(void) cxt;
	return alloc(size);
}

static const CrAlloc kalloc = {alloc_cb, NULL};

static inline void
free_all(void)
{
	while (n_allocated > 0)
		free(allocated[--n_allocated]);
}

#endif							/* CR_TEST_KERNEL_ALLOC_H */
