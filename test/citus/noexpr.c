/*
 * test/citus/noexpr.c
 *	  A test-only module (built by the noexpr suite, never installed): calls
 *	  an aggregate's final function the way Citus does, without an
 *	  expression node.
 *
 * Citus's coord_combine_agg_ffunc looks the final function up with
 * fmgr_info() and calls it on the combined state: flinfo->fn_expr is NULL, so
 * get_fn_expr_rettype() and friends have nothing to read.  The test wraps an
 * aggregate's transition function in a twin aggregate whose final function is
 * cr_test_final_noexpr: it calls the real final function named by the
 * setting cr_test.finalfn (a regprocedure) in exactly that way, inside the
 * same aggregate call context, and returns the result as text, so that SQL
 * can compare it with the real aggregate's result.
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"

PG_MODULE_MAGIC;

PG_FUNCTION_INFO_V1(cr_test_final_noexpr);

Datum
cr_test_final_noexpr(PG_FUNCTION_ARGS)
{
	const char *name = GetConfigOption("cr_test.finalfn", true, false);
	Oid			fn;
	FmgrInfo	flinfo;
	LOCAL_FCINFO(inner, 1);
	Datum		result;
	Oid			typoutput;
	bool		isvarlena;

	if (name == NULL || name[0] == '\0')
		elog(ERROR, "set cr_test.finalfn to the final function to call");
	fn = DatumGetObjectId(DirectFunctionCall1(regprocedurein, CStringGetDatum(name)));
	fmgr_info(fn, &flinfo);
	if (flinfo.fn_expr != NULL)
		elog(ERROR, "fmgr_info set an expression node");
	if (flinfo.fn_strict && PG_ARGISNULL(0))
		PG_RETURN_NULL();
	/* the caller's context (the Agg node), as Citus passes it through */
	InitFunctionCallInfoData(*inner, &flinfo, 1, fcinfo->fncollation, fcinfo->context, NULL);
	inner->args[0].value = PG_ARGISNULL(0) ? (Datum) 0 : PG_GETARG_DATUM(0);
	inner->args[0].isnull = PG_ARGISNULL(0);
	result = FunctionCallInvoke(inner);
	if (inner->isnull)
		PG_RETURN_NULL();
	getTypeOutputInfo(get_func_rettype(fn), &typoutput, &isvarlena);
	PG_RETURN_TEXT_P(cstring_to_text(OidOutputFunctionCall(typoutput, result)));
}
