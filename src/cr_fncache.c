/*
 * cr_fncache.c
 *	  The fn_extra cache shared by the model functions, and a small helper
 *	  for materialised set-returning functions.
 */
#include "community_retention.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/inval.h"
#include "utils/memutils.h"
#include "utils/tuplestore.h"

#include "cr_fncache.h"

/*
 * A cache bound to a row type can outlive a change of that type: PL/pgSQL
 * keeps a simple expression such as retention_score(model, r), and its
 * fn_extra, for the whole transaction, across an ALTER TABLE of r's type.
 * A composite type changes only with a relcache invalidation of its
 * relation (the type cache relies on the same), so every invalidation bumps
 * this counter, and a binding made under another value is made again.  It
 * is the backend's invalidation bookkeeping, like PostgreSQL's own caches.
 */
static uint64 rowtype_generation = 1;
static bool rowtype_callback = false;

static void
rowtype_inval(Datum arg, Oid relid)
{
	rowtype_generation++;
}

uint64
cr_rowtype_generation(void)
{
	if (!rowtype_callback)
	{
		CacheRegisterRelcacheCallback(rowtype_inval, (Datum) 0);
		rowtype_callback = true;
	}
	return rowtype_generation;
}

CrFnCache *
cr_fn_cache(FunctionCallInfo fcinfo)
{
	CrFnCache  *c = (CrFnCache *) fcinfo->flinfo->fn_extra;

	if (c == NULL)
	{
		c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, sizeof(CrFnCache));
		c->model_cxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt,
											 "retention_model cache",
											 ALLOCSET_SMALL_SIZES);
		fcinfo->flinfo->fn_extra = c;
	}
	return c;
}

void
cr_srf_init(FunctionCallInfo fcinfo)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	TupleDesc	tupdesc;
	MemoryContext old;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo) ||
		!(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("function returning record called in context that cannot accept type record")));
	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	rsinfo->setDesc = CreateTupleDescCopy(tupdesc);
	rsinfo->setResult = tuplestore_begin_heap(true, false, work_mem);
	rsinfo->returnMode = SFRM_Materialize;
	MemoryContextSwitchTo(old);
}
