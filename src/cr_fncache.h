/*
 * cr_fncache.h
 *	  Per-call-site cache kept in fn_extra for the rest of a query: the
 *	  decoded model of a retention_model argument (see cr_model.h) and one
 *	  caller-owned slot, for instance a record binding (feature name ->
 *	  column position) of retention_score(model, record).
 */
#ifndef CR_FNCACHE_H
#define CR_FNCACHE_H

#include "community_retention.h"
#include "fmgr.h"

struct CrModel;

typedef struct CrFnCache
{
	MemoryContext model_cxt;	/* holds key and model; reset when it changes */
	char	   *key;			/* identity of the cached model argument */
	Size		keylen;
	struct CrModel *model;
	uint64		model_generation;	/* bumped each time the model changes */
	void	   *extra;			/* caller's slot, allocated in fn_mcxt */
} CrFnCache;

extern CrFnCache *cr_fn_cache(FunctionCallInfo fcinfo);

/*
 * Changes whenever a row type may have changed (any relcache invalidation):
 * a cache that binds columns of a row type by name keeps the value it was
 * bound under, and binds again when this differs.
 */
extern uint64 cr_rowtype_generation(void);

/* Set up a materialised set-returning function (works on PostgreSQL 13+). */
extern void cr_srf_init(FunctionCallInfo fcinfo);

#endif							/* CR_FNCACHE_H */
