/*
 * cr_demo_experiment.c
 *	  retention_demo_experiment(): the demo community's randomised incentive
 *	  experiment, one row per member.  The generative model is plain C in
 *	  cr_demo_exp_gen.c.
 */
#include "community_retention.h"

#include "funcapi.h"
#include "miscadmin.h"
#include "utils/tuplestore.h"

#include "cr_demo_exp_gen.h"

/*
 * retention_demo_experiment(n_members int, seed int)
 *	  -> (member_id bigint, treated boolean, renewed boolean,
 *		  renewed_if_treated boolean, renewed_if_control boolean,
 *		  true_uplift float8)
 */
PG_FUNCTION_INFO_V1(retention_demo_experiment);
Datum
retention_demo_experiment(PG_FUNCTION_ARGS)
{
	int32		n_members = PG_GETARG_INT32(0);
	int32		seed = PG_GETARG_INT32(1);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum		values[6];
	bool		nulls[6] = {false, false, false, false, false, false};

	cr_demo_check_members(n_members);
	InitMaterializedSRF(fcinfo, 0);

	for (int64 id = 1; id <= n_members; id++)
	{
		CrDemoMember m;
		CrDemoExperiment e;

		CHECK_FOR_INTERRUPTS();
		cr_demo_member(&m, seed, id);
		cr_demo_experiment(&m, &e);
		values[0] = Int64GetDatum(id);
		values[1] = BoolGetDatum(e.treated != 0);
		values[2] = BoolGetDatum(e.renewed != 0);
		values[3] = BoolGetDatum(e.renewed_if_treated != 0);
		values[4] = BoolGetDatum(e.renewed_if_control != 0);
		values[5] = Float8GetDatum(e.p_treated - e.p_control);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}
