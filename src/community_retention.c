/*
 * community_retention.c
 *	  Module entry point: the module magic block, the GUCs and the helpers
 *	  every backend-facing file shares.
 *
 * Everything else lives in one file per concern (model type, training,
 * scoring, evaluation, engagement, condition parser and evaluator, demo data).
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "funcapi.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "community_retention.h"
#include "cr_rule_join.h"

PG_MODULE_MAGIC;

/* Default 1 GB: about 12 million rows of 10 features. */
int			cr_max_train_memory_kb = 1024 * 1024;

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomIntVariable("community_retention.max_train_memory",
							"Largest amount of memory one aggregate state that keeps its rows (retention_train, retention_auc, retention_metrics) may use.",
							"Training keeps about 8*(d+1) bytes per row, AUC about 8; past this limit the aggregate stops with an error.",
							&cr_max_train_memory_kb,
							1024 * 1024,
							1024,
							MAX_KILOBYTES,
							PGC_USERSET,
							GUC_UNIT_KB,
							NULL, NULL, NULL);

	cr_rules_join_register();

#if PG_VERSION_NUM >= 150000
	MarkGUCPrefixReserved("community_retention");
#else
	EmitWarningsOnPlaceholders("community_retention");
#endif
}

TupleDesc
cr_result_rowdesc(FunctionCallInfo fcinfo, bool elem, int natts, Oid *typid)
{
	Oid			t = get_func_rettype(fcinfo->flinfo->fn_oid);
	TupleDesc	desc;

	if (elem && OidIsValid(t))
		t = get_element_type(t);
	if (!OidIsValid(t) || !type_is_rowtype(t))
		elog(ERROR, "return type of function %u is not a row type%s",
			 fcinfo->flinfo->fn_oid, elem ? " array" : "");
	desc = lookup_rowtype_tupdesc_copy(t, -1);
	if (natts > 0 && desc->natts != natts)
		elog(ERROR, "return type of function %u has %d attributes, expected %d",
			 fcinfo->flinfo->fn_oid, desc->natts, natts);
	if (typid)
		*typid = t;
	return BlessTupleDesc(desc);
}
