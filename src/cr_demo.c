/*
 * cr_demo.c
 *	  Demo data: retention_demo_members(), retention_demo_activity() and
 *	  retention_demo_reference_date().  The generative model itself is plain C
 *	  in cr_demo_gen.c; this file validates arguments and streams rows into a
 *	  tuplestore (materialize mode).
 */
#include "community_retention.h"

#include "access/htup_details.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "nodes/supportnodes.h"
#include "optimizer/optimizer.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "cr_demo_gen.h"

PG_FUNCTION_INFO_V1(retention_demo_members);
PG_FUNCTION_INFO_V1(retention_demo_activity);
PG_FUNCTION_INFO_V1(retention_demo_reference_date);
PG_FUNCTION_INFO_V1(retention_demo_support);

/*
 * Mean events per member and day of the generative model (539328 events for
 * 5000 members over 180 days), for the planner's row estimates.
 */
#define DEMO_EVENTS_PER_MEMBER_DAY 0.6
/* Members joined at most 900 days before the reference date. */
#define DEMO_MAX_ACTIVE_DAYS 900

/*
 * Prepare a materialize-mode result: check the caller accepts it, build the
 * tuplestore in the per-query context and return it with the result TupleDesc.
 */
static Tuplestorestate *
demo_begin_result(FunctionCallInfo fcinfo, int natts, TupleDesc *tupdesc)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	MemoryContext oldcontext;
	Tuplestorestate *tupstore;
	TupleDesc	desc;

	if (rsinfo == NULL || !IsA(rsinfo, ReturnSetInfo))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("set-valued function called in context that cannot accept a set")));
	if (!(rsinfo->allowedModes & SFRM_Materialize))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("materialize mode required, but it is not allowed in this context")));
	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	if (desc->natts != natts)
		elog(ERROR, "unexpected result row type: %d columns instead of %d",
			 desc->natts, natts);

	oldcontext = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	desc = CreateTupleDescCopy(desc);
	tupstore = tuplestore_begin_heap(rsinfo->allowedModes & SFRM_Materialize_Random,
									 false, work_mem);
	MemoryContextSwitchTo(oldcontext);

	rsinfo->returnMode = SFRM_Materialize;
	rsinfo->setResult = tupstore;
	rsinfo->setDesc = desc;
	*tupdesc = desc;
	return tupstore;
}

/* shared by every demo generator (declared in community_retention.h) */
void
cr_demo_check_members(int32 n_members)
{
	if (n_members < 0 || n_members > CR_DEMO_MAX_MEMBERS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n_members must be between 0 and %d, got %d",
						CR_DEMO_MAX_MEMBERS, n_members),
				 errhint("Ask for a few thousand members to try the extension; 5000 members give about 540000 activity rows over 180 days.")));
}

static void
demo_check_days(int32 days)
{
	if (days < 1 || days > CR_DEMO_MAX_DAYS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("days must be between 1 and %d, got %d",
						CR_DEMO_MAX_DAYS, days),
				 errhint("The activity window ends at retention_demo_reference_date(); 180 days is the default.")));
}

/*
 * retention_demo_members(n_members int, seed int)
 *	  -> (member_id bigint, joined_at timestamptz, plan text, renewed boolean)
 */
Datum
retention_demo_members(PG_FUNCTION_ARGS)
{
	int32		n_members = PG_GETARG_INT32(0);
	int32		seed = PG_GETARG_INT32(1);
	Tuplestorestate *tupstore;
	TupleDesc	tupdesc;
	Datum		plan_text[2];
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};

	cr_demo_check_members(n_members);
	tupstore = demo_begin_result(fcinfo, 4, &tupdesc);

	/* the two plan names, built once for the whole call */
	plan_text[0] = PointerGetDatum(cstring_to_text("monthly"));
	plan_text[1] = PointerGetDatum(cstring_to_text("annual"));

	for (int64 id = 1; id <= n_members; id++)
	{
		CrDemoMember m;

		CHECK_FOR_INTERRUPTS();
		cr_demo_member(&m, seed, id);
		values[0] = Int64GetDatum(id);
		values[1] = TimestampTzGetDatum((TimestampTz) m.joined_at);
		values[2] = plan_text[m.annual ? 1 : 0];
		values[3] = BoolGetDatum(m.renewed != 0);
		tuplestore_putvalues(tupstore, tupdesc, values, nulls);
	}

	return (Datum) 0;
}

/*
 * retention_demo_activity(n_members int, days int, seed int)
 *	  -> (member_id bigint, occurred_at timestamptz, kind text, minutes float8,
 *		  rating float8)
 */
Datum
retention_demo_activity(PG_FUNCTION_ARGS)
{
	int32		n_members = PG_GETARG_INT32(0);
	int32		days = PG_GETARG_INT32(1);
	int32		seed = PG_GETARG_INT32(2);
	Tuplestorestate *tupstore;
	TupleDesc	tupdesc;
	Datum		kind_text[CR_DEMO_NKINDS];
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};
	CrDemoEvent events[CR_DEMO_MAX_EVENTS_PER_DAY];

	cr_demo_check_members(n_members);
	demo_check_days(days);
	tupstore = demo_begin_result(fcinfo, 5, &tupdesc);

	/* the kind names, built once for the whole call */
	for (int k = 0; k < CR_DEMO_NKINDS; k++)
		kind_text[k] = PointerGetDatum(cstring_to_text(cr_demo_kind_names[k]));

	for (int64 id = 1; id <= n_members; id++)
	{
		CrDemoMember m;

		CHECK_FOR_INTERRUPTS();
		cr_demo_member(&m, seed, id);
		values[0] = Int64GetDatum(id);

		/* oldest day first, so rows come out by member, then time */
		for (int64 d = days; d >= 1; d--)
		{
			int			n = cr_demo_member_day(&m, d, events);

			for (int i = 0; i < n; i++)
			{
				values[1] = TimestampTzGetDatum((TimestampTz) events[i].at);
				values[2] = kind_text[events[i].kind];
				values[3] = Float8GetDatum(events[i].minutes);
				if (events[i].rating >= 1)
				{
					values[4] = Float8GetDatum(events[i].rating);
					nulls[4] = false;
				}
				else
				{
					values[4] = (Datum) 0;
					nulls[4] = true;
				}
				tuplestore_putvalues(tupstore, tupdesc, values, nulls);
			}
		}
	}

	return (Datum) 0;
}

/* retention_demo_reference_date() -> timestamptz: 2026-01-01 00:00:00+00 */
Datum
retention_demo_reference_date(PG_FUNCTION_ARGS)
{
	PG_RETURN_TIMESTAMPTZ((TimestampTz) CR_DEMO_REF_USEC);
}

/*
 * The planner value of argument argno of a call, if it folds to a non-NULL
 * int4 constant; else dflt.
 */
static double
demo_const_arg(PlannerInfo *root, List *args, int argno, double dflt)
{
	Node	   *arg;

	if (list_length(args) <= argno)
		return dflt;
	arg = estimate_expression_value(root, (Node *) list_nth(args, argno));
	if (IsA(arg, Const) && !((Const *) arg)->constisnull &&
		((Const *) arg)->consttype == INT4OID)
		return (double) DatumGetInt32(((Const *) arg)->constvalue);
	return dflt;
}

/*
 * Planner support: row estimates from the arguments when they are constants
 * (n_members rows of members; about 0.6 events per member and day).
 */
Datum
retention_demo_support(PG_FUNCTION_ARGS)
{
	Node	   *rawreq = (Node *) PG_GETARG_POINTER(0);
	SupportRequestRows *req;
	FuncExpr   *fexpr;
	char	   *name;
	double		n;

	if (!IsA(rawreq, SupportRequestRows))
		PG_RETURN_POINTER(NULL);
	req = (SupportRequestRows *) rawreq;
	if (!is_funcclause(req->node))
		PG_RETURN_POINTER(NULL);
	fexpr = (FuncExpr *) req->node;
	name = get_func_name(fexpr->funcid);
	if (name == NULL)
		PG_RETURN_POINTER(NULL);

	n = demo_const_arg(req->root, fexpr->args, 0, -1);
	if (n < 0 || n > CR_DEMO_MAX_MEMBERS)
		PG_RETURN_POINTER(NULL);	/* unknown, or an error at run time */

	if (strcmp(name, "retention_demo_members") == 0)
		req->rows = n;
	else if (strcmp(name, "retention_demo_activity") == 0)
	{
		double		days = demo_const_arg(req->root, fexpr->args, 1, 180);

		if (days < 1 || days > CR_DEMO_MAX_DAYS)
			PG_RETURN_POINTER(NULL);
		if (days > DEMO_MAX_ACTIVE_DAYS)
			days = DEMO_MAX_ACTIVE_DAYS;
		req->rows = n * days * DEMO_EVENTS_PER_MEMBER_DAY;
	}
	else
		PG_RETURN_POINTER(NULL);

	/* the planner clamps to at least one row; an empty set stays cheap anyway */
	if (req->rows < 1)
		req->rows = 1;
	PG_RETURN_POINTER(req);
}
