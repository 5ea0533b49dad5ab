/*
 * cr_hugemem.h
 *	  Large buffers that the kernel may back with transparent huge pages.
 *
 *	  On virtual machines a page fault costs far more than writing the 4 kB
 *	  page, and a new backend or parallel worker faults in every page of
 *	  memory it touches for the first time.  A buffer of megabytes written
 *	  once (the rows of retention_train, the keys of bgnbd_fit) is cheaper
 *	  in 2 MB pages: these functions place it on 2 MB boundaries and ask the
 *	  kernel for huge pages there (madvise MADV_HUGEPAGE, where the platform
 *	  has it; elsewhere they are plain allocations).  The slack before the
 *	  start is address space only, never touched.
 */
#ifndef CR_HUGEMEM_H
#define CR_HUGEMEM_H

#include "postgres.h"

/* Ask for huge pages on the whole 4 kB pages inside [p, p + len). */
extern void cr_advise_huge(void *p, Size len);

/*
 * len bytes in cxt; from CR_HUGE_MIN bytes on, starting on a 2 MB boundary
 * and advised for huge pages.  Free with cr_huge_free (not pfree); freed
 * with the context too.
 */
#define CR_HUGE_MIN (1024 * 1024)
extern void *cr_huge_alloc(MemoryContext cxt, Size len);
extern void cr_huge_free(void *p);

#endif							/* CR_HUGEMEM_H */
