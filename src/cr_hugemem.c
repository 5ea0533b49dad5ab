/*
 * cr_hugemem.c
 *	  Large buffers on 2 MB boundaries, advised for transparent huge pages
 *	  (see cr_hugemem.h).
 */
#include "postgres.h"

#include <sys/mman.h>

#include "cr_hugemem.h"

#define HUGE_PAGE (2 * 1024 * 1024)

void
cr_advise_huge(void *p, Size len)
{
#ifdef MADV_HUGEPAGE
	uintptr_t	start = ((uintptr_t) p + 4095) & ~(uintptr_t) 4095;
	uintptr_t	end = ((uintptr_t) p + len) & ~(uintptr_t) 4095;

	if (end > start)
		(void) madvise((void *) start, end - start, MADV_HUGEPAGE);
#endif
}

/*
 * The chunk that palloc returned is kept in the word before the buffer, so
 * that cr_huge_free can give it back.
 */
void *
cr_huge_alloc(MemoryContext cxt, Size len)
{
	char	   *raw;
	char	   *p;

#ifdef MADV_HUGEPAGE
	if (len >= CR_HUGE_MIN)
	{
		Size		span = TYPEALIGN(HUGE_PAGE, len);	/* whole huge pages */

		raw = MemoryContextAllocHuge(cxt, span + HUGE_PAGE + sizeof(void *));
		p = (char *) TYPEALIGN(HUGE_PAGE, raw + sizeof(void *));
		cr_advise_huge(p, span);
		((void **) p)[-1] = raw;
		return p;
	}
#endif
	raw = MemoryContextAllocHuge(cxt, len + MAXIMUM_ALIGNOF);
	p = raw + MAXIMUM_ALIGNOF;
	((void **) p)[-1] = raw;
	return p;
}

void
cr_huge_free(void *p)
{
	if (p != NULL)
		pfree(((void **) p)[-1]);
}
