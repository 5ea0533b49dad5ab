/*
 * cr_rule_jsonlogic_pg.c
 *	  incentive_condition_from_jsonlogic(jsonb) and
 *	  incentive_condition_to_jsonlogic(incentive_condition): the SQL side of
 *	  the JsonLogic front end (plain C in cr_rule_jsonlogic.c and
 *	  cr_rule_tojson.c), which reads jsonb's text form.
 */
#include "cr_rule_json.h"
#include "cr_rule_pg.h"

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"

PG_FUNCTION_INFO_V1(incentive_condition_from_jsonlogic);
PG_FUNCTION_INFO_V1(incentive_condition_to_jsonlogic);

Datum
incentive_condition_from_jsonlogic(PG_FUNCTION_ARGS)
{
	Jsonb	   *jb = PG_GETARG_JSONB_P(0);
	char	   *json = JsonbToCString(NULL, &jb->root, VARSIZE(jb));
	CrRuleMem	m = cr_rule_mem_in(CurrentMemoryContext);
	CrRuleError e;
	uint8_t    *bytes;
	size_t		len;
	bytea	   *result;

	/* the front end recurses along the JSON nesting, which it limits to 256 */
	check_stack_depth();
	if (cr_rule_from_jsonlogic(json, strlen(json), &m, &bytes, &len, &e) != CR_OK)
		cr_rule_raise(&e);
	result = (bytea *) palloc(VARHDRSZ + len);
	SET_VARSIZE(result, VARHDRSZ + len);
	memcpy(VARDATA(result), bytes, len);
	PG_RETURN_POINTER(result);
}

Datum
incentive_condition_to_jsonlogic(PG_FUNCTION_ARGS)
{
	struct varlena *v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
	CrRuleProg *prog = cr_rule_decode_stored(COND_BYTES(v), COND_LEN(v), CurrentMemoryContext);
	CrRuleMem	m = cr_rule_mem_in(CurrentMemoryContext);
	CrRuleError e;
	char	   *json;
	size_t		len;

	if (cr_rule_to_jsonlogic(prog, (const uint8_t *) COND_BYTES(v), COND_LEN(v), &m,
							 &json, &len, &e) != CR_OK)
	{
		if (e.code == CR_ERR_UNSUPPORTED)
		{
			/* cr_rule_raise cleans its own copy; this message is raised here */
			cr_drop_broken_chars(e.message);
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("%s", e.message),
					 strcmp(e.found, CR_JL_TOO_DEEP) == 0 ?
					 errhint("JsonLogic input reads at most %d levels of arrays and objects and compiles to at most %d levels of expressions: each link of a chain of \"-\" or \"/\" adds two levels of JSON, and null checks add levels. Use fewer links (x - a - b is x - (a + b)) or nest fewer levels.",
							 CJ_MAX_DEPTH, CR_RULE_MAX_DEPTH) :
					 errhint("JsonLogic has no abs, ln, exp, sqrt, floor, ceil or round, no least or greatest that skip NULL, no division by a feature, and reads < between two features as numbers. Conditions made from JsonLogic always convert back.")));
		}
		cr_rule_raise(&e);
	}
	PG_RETURN_DATUM(DirectFunctionCall1(jsonb_in, CStringGetDatum(json)));
}
