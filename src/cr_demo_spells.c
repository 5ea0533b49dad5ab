/*
 * cr_demo_spells.c
 *	  retention_demo_spells(): membership spells of the demo community (the
 *	  story is in cr_demo_spells_gen.c), materialized into a tuplestore.
 */
#include "community_retention.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"
#include "utils/tuplestore.h"

#include "cr_demo_spells_gen.h"

PG_FUNCTION_INFO_V1(retention_demo_spells);

/*
 * retention_demo_spells(n_members int, seed int)
 *	  -> (member_id bigint, plan text, started_at timestamptz, ended_at timestamptz)
 */
Datum
retention_demo_spells(PG_FUNCTION_ARGS)
{
	int32		n_members = PG_GETARG_INT32(0);
	int32		seed = PG_GETARG_INT32(1);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		plan_text[2];

	cr_demo_check_members(n_members);
	InitMaterializedSRF(fcinfo, 0);
	plan_text[0] = PointerGetDatum(cstring_to_text("monthly"));
	plan_text[1] = PointerGetDatum(cstring_to_text("annual"));

	for (int64 id = 1; id <= n_members; id++)
	{
		CrDemoMember m;
		CrDemoSpell sp[2];
		int			ns;

		CHECK_FOR_INTERRUPTS();
		cr_demo_member(&m, seed, id);
		ns = cr_demo_member_spells(&m, sp);
		for (int i = 0; i < ns; i++)
		{
			Datum		values[4];
			bool		nulls[4] = {false, false, false, false};

			values[0] = Int64GetDatum(id);
			values[1] = plan_text[m.annual ? 1 : 0];
			values[2] = TimestampTzGetDatum((TimestampTz) sp[i].started_at);
			values[3] = TimestampTzGetDatum((TimestampTz) sp[i].ended_at);
			nulls[3] = sp[i].active != 0;
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
		}
	}
	return (Datum) 0;
}
