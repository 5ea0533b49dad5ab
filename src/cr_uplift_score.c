/*
 * cr_uplift_score.c
 *	  retention_uplift(model_treated, model_control, features): the
 *	  two-model (T-learner) estimate of a treatment's effect on retention,
 *	  the treated model's score minus the control model's score.
 *
 * It calls the scoring functions of cr_score.c directly, through one FmgrInfo
 * per model kept in fn_extra, so each model keeps its own decoded-model and
 * row-binding cache across rows, exactly as two retention_score calls in the
 * query would.
 */
#include "community_retention.h"

#include "fmgr.h"

extern Datum retention_score_array(PG_FUNCTION_ARGS);
extern Datum retention_score_record(PG_FUNCTION_ARGS);
extern Datum retention_score_jsonb(PG_FUNCTION_ARGS);

/* One model's score of the features, or false when it is NULL. */
static bool
score_with(FmgrInfo *f, Datum model, Datum features, double *score)
{
	LOCAL_FCINFO(call, 2);
	Datum		d;

	InitFunctionCallInfoData(*call, f, 2, InvalidOid, NULL, NULL);
	call->args[0].value = model;
	call->args[0].isnull = false;
	call->args[1].value = features;
	call->args[1].isnull = false;
	d = FunctionCallInvoke(call);
	if (call->isnull)
		return false;
	*score = DatumGetFloat8(d);
	return true;
}

static Datum
uplift(FunctionCallInfo fcinfo, PGFunction scorer)
{
	FmgrInfo   *f = (FmgrInfo *) fcinfo->flinfo->fn_extra;
	double		treated,
				control;

	if (f == NULL)
	{
		f = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt, 2 * sizeof(FmgrInfo));
		for (int i = 0; i < 2; i++)
		{
			f[i].fn_addr = scorer;
			f[i].fn_oid = InvalidOid;
			f[i].fn_nargs = 2;
			f[i].fn_strict = true;
			f[i].fn_mcxt = fcinfo->flinfo->fn_mcxt;
			f[i].fn_expr = NULL;
		}
		fcinfo->flinfo->fn_extra = f;
	}
	if (!score_with(&f[0], PG_GETARG_DATUM(0), PG_GETARG_DATUM(2), &treated) ||
		!score_with(&f[1], PG_GETARG_DATUM(1), PG_GETARG_DATUM(2), &control))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(treated - control);
}

PG_FUNCTION_INFO_V1(retention_uplift_array);
Datum
retention_uplift_array(PG_FUNCTION_ARGS)
{
	return uplift(fcinfo, retention_score_array);
}

PG_FUNCTION_INFO_V1(retention_uplift_record);
Datum
retention_uplift_record(PG_FUNCTION_ARGS)
{
	return uplift(fcinfo, retention_score_record);
}

PG_FUNCTION_INFO_V1(retention_uplift_jsonb);
Datum
retention_uplift_jsonb(PG_FUNCTION_ARGS)
{
	return uplift(fcinfo, retention_score_jsonb);
}
