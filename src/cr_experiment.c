/*
 * cr_experiment.c
 *	  Experiments on incentives: incentive_assign (deterministic randomised
 *	  assignment), the incentive_ab and incentive_ab_cuped aggregates (the
 *	  effect on retention, with CUPED variance reduction), and
 *	  incentive_sample_size / incentive_power for planning.  The statistics
 *	  are plain C in cr_abtest.c; this file validates and converts.
 *
 * The A/B aggregates share one small concrete state, a float8[] of 14
 * numbers, so that parallel workers and Citus workers can each build a
 * partial state where the rows are:
 *   [0] rows skipped (a NULL arm, outcome or covariate)
 *   [1] the confidence level of the group (0 until a row sets it)
 *   [2..7]  the control arm: n, retained, mean_x, m2_x, c_xy, mean_x_lo
 *           (CrAbArm; the mean of x is mean_x + mean_x_lo)
 *   [8..13] the treated arm, likewise
 * It is updated in place while aggregating, as float8_accum does, and
 * checked (length, finite, counts >= 0) wherever it may come from a caller.
 */
#include "community_retention.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"

#include "cr_abtest.h"
#include "cr_assign.h"
#include "cr_engagement.h"

#define AB_STATE_LEN 14
#define AB_ARM_LEN 6
#define AB_DEFAULT_CONFIDENCE 0.95
#define ASSIGN_MAX_ARMS 1000
/* counts beyond this are not exact in a float8, nor would fit the bigint fields */
#define AB_MAX_COUNT 9007199254740992.0

/* ---------------------------------------------------------------- incentive_assign */

/*
 * The weights as a checked C array: one dimension, 1 to 1000 elements, no
 * NULL, each finite and >= 0, a positive finite sum.
 */
static double *
assign_weights(ArrayType *a, int *narms, double *total)
{
	int			n;
	double	   *w;
	double		sum = 0.0;

	if (ARR_NDIM(a) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("weights must be a one-dimensional array")));
	n = ARR_DIMS(a)[0];
	if (n < 1 || n > ASSIGN_MAX_ARMS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("weights must have between 1 and %d elements, got %d", ASSIGN_MAX_ARMS, n)));
	if (array_contains_nulls(a))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("weights must not contain NULL")));
	w = (double *) CR_ARR_DATA_NONULLS(a);
	for (int i = 0; i < n; i++)
	{
		if (isnan(w[i]) || isinf(w[i]) || w[i] < 0.0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("weights must be finite and not negative"),
					 errdetail("Weight %d is %s.", i + 1, cr_float_text(w[i]))));
		sum += w[i];
	}
	if (!(sum > 0.0) || isinf(sum))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("weights must have a positive, finite sum")));
	*narms = n;
	*total = sum;
	return w;
}

/* Arm (1-based) of a key: see cr_assign.h for the specification. */
static int32
assign_arm(const unsigned char *key, size_t keylen, text *experiment, ArrayType *weights)
{
	int			narms;
	double		total;
	double	   *w = assign_weights(weights, &narms, &total);
	int			len = VARSIZE_ANY_EXHDR(experiment);
	char	   *name = pg_server_to_any(VARDATA_ANY(experiment), len, PG_UTF8);

	if (name != VARDATA_ANY(experiment))
		len = strlen(name);
	return cr_assign_arm(cr_assign_u(key, keylen, name, (size_t) len), w, narms, total);
}

PG_FUNCTION_INFO_V1(incentive_assign_int8);
Datum
incentive_assign_int8(PG_FUNCTION_ARGS)
{
	unsigned char bytes[8];

	cr_assign_int8_bytes(PG_GETARG_INT64(0), bytes);
	PG_RETURN_INT32(assign_arm(bytes, 8, PG_GETARG_TEXT_PP(1), PG_GETARG_ARRAYTYPE_P(2)));
}

PG_FUNCTION_INFO_V1(incentive_assign_text);
Datum
incentive_assign_text(PG_FUNCTION_ARGS)
{
	text	   *key = PG_GETARG_TEXT_PP(0);
	int			len = VARSIZE_ANY_EXHDR(key);
	char	   *utf8 = pg_server_to_any(VARDATA_ANY(key), len, PG_UTF8);

	if (utf8 != VARDATA_ANY(key))
		len = strlen(utf8);
	PG_RETURN_INT32(assign_arm((const unsigned char *) utf8, (size_t) len,
							   PG_GETARG_TEXT_PP(1), PG_GETARG_ARRAYTYPE_P(2)));
}

/* ---------------------------------------------------------------- A/B state */

/* the errhint of a state that is not one (cr_bad_array_state) */
#define AB_STATE_HINT "The state is built by the incentive_ab and incentive_ab_cuped aggregates; do not make it by hand."

static void
ab_check_confidence(double c)
{
	if (isnan(c) || c <= 0.0 || c >= 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence must be between 0 and 1 (exclusive)"),
				 errdetail("The confidence was %s.", cr_float_text(c))));
}

/* Bounds on the covariate moments: covariates are at most 1e100 in magnitude */
#define AB_MAX_MEAN 1e100
#define AB_MAX_MOMENT 1e300

/*
 * The state's numbers, checked: 14 finite numbers, counts whole, >= 0 and at
 * most 2^53, moments within what real rows can produce.
 */
static double *
ab_state_data(ArrayType *a)
{
	double	   *d;

	if (ARR_NDIM(a) != 1 || ARR_DIMS(a)[0] != AB_STATE_LEN || array_contains_nulls(a) ||
		ARR_ELEMTYPE(a) != FLOAT8OID)
		cr_bad_array_state("incentive_ab", AB_STATE_HINT,
						   "It must be a float8[] of 14 numbers without NULLs.");
	d = (double *) CR_ARR_DATA_NONULLS(a);
	for (int i = 0; i < AB_STATE_LEN; i++)
		if (!isfinite(d[i]))
			cr_bad_array_state("incentive_ab", AB_STATE_HINT,
							   "It holds a value that is not finite.");
	if (d[1] != 0.0)
		ab_check_confidence(d[1]);
	for (int arm = 0; arm < 2; arm++)
	{
		const double *x = d + 2 + AB_ARM_LEN * arm;

		if (x[0] < 0 || x[1] < 0 || x[1] > x[0] || x[3] < 0 || x[0] > AB_MAX_COUNT ||
			x[0] != floor(x[0]) || x[1] != floor(x[1]))
			cr_bad_array_state("incentive_ab", AB_STATE_HINT,
							   "Its counts are not whole numbers with 0 <= retained <= n <= 2^53, or a variance is negative.");
		if (fabs(x[2]) > AB_MAX_MEAN || x[3] > AB_MAX_MOMENT || fabs(x[4]) > AB_MAX_MOMENT ||
			fabs(x[5]) > AB_MAX_MEAN)
			cr_bad_array_state("incentive_ab", AB_STATE_HINT,
							   "Its covariate moments are larger than covariates of at most 1e100 can produce.");
	}
	if (d[0] < 0 || d[0] > AB_MAX_COUNT || d[0] != floor(d[0]))
		cr_bad_array_state("incentive_ab", AB_STATE_HINT,
						   "Its count of skipped rows is not a whole number between 0 and 2^53.");
	return d;
}

static void
ab_arm_get(const double *d, int arm, CrAbArm *a)
{
	const double *x = d + 2 + AB_ARM_LEN * arm;

	a->n = x[0];
	a->retained = x[1];
	a->mean_x = x[2];
	a->m2_x = x[3];
	a->c_xy = x[4];
	a->mean_x_lo = x[5];
}

static void
ab_arm_put(double *d, int arm, const CrAbArm *a)
{
	double	   *x = d + 2 + AB_ARM_LEN * arm;

	x[0] = a->n;
	x[1] = a->retained;
	x[2] = a->mean_x;
	x[3] = a->m2_x;
	x[4] = a->c_xy;
	x[5] = a->mean_x_lo;
}

/*
 * The transition step of both aggregates.  covarg is the argument number of
 * the covariate (0: none); confarg that of the confidence (0: not given).
 */
static Datum
ab_transition(FunctionCallInfo fcinfo, int covarg, int confarg)
{
	ArrayType  *a;
	double	   *d;
	CrAbArm		arm;
	int			which;

	/* callable from SQL (its state is a float8[]): a user error, not XX000 */
	(void) cr_agg_context(fcinfo, "incentive_ab transition function");
	if (PG_ARGISNULL(0))
		cr_bad_array_state("incentive_ab", AB_STATE_HINT,
						   "The state must not be null.");
	a = PG_GETARG_ARRAYTYPE_P(0);
	d = ab_state_data(a);

	if (confarg > 0)
	{
		double		c;

		if (PG_ARGISNULL(confarg))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("confidence must not be null")));
		c = PG_GETARG_FLOAT8(confarg);
		ab_check_confidence(c);
		if (d[1] != 0.0 && d[1] != c)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("confidence must be the same for every row of a group")));
		d[1] = c;
	}

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || (covarg > 0 && PG_ARGISNULL(covarg)))
	{
		d[0] += 1.0;
		PG_RETURN_ARRAYTYPE_P(a);
	}
	if (covarg > 0)
	{
		double		x = PG_GETARG_FLOAT8(covarg);

		if (!isfinite(x) || fabs(x) > 1e100)
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("covariate must be finite and at most 1e100 in magnitude"),
					 errdetail("The covariate was %s.", cr_float_text(x))));
	}
	which = PG_GETARG_BOOL(1) ? 1 : 0;
	ab_arm_get(d, which, &arm);
	cr_ab_arm_add(&arm, PG_GETARG_BOOL(2) ? 1.0 : 0.0,
				  covarg > 0 ? PG_GETARG_FLOAT8(covarg) : 0.0, covarg > 0);
	ab_arm_put(d, which, &arm);
	PG_RETURN_ARRAYTYPE_P(a);
}

/* incentive_ab(treated, retained [, confidence]) */
PG_FUNCTION_INFO_V1(incentive_ab_transfn);
Datum
incentive_ab_transfn(PG_FUNCTION_ARGS)
{
	return ab_transition(fcinfo, 0, PG_NARGS() > 3 ? 3 : 0);
}

/* incentive_ab_cuped(treated, retained, covariate [, confidence]) */
PG_FUNCTION_INFO_V1(incentive_ab_cuped_transfn);
Datum
incentive_ab_cuped_transfn(PG_FUNCTION_ARGS)
{
	return ab_transition(fcinfo, 3, PG_NARGS() > 4 ? 4 : 0);
}

PG_FUNCTION_INFO_V1(incentive_ab_combinefn);
Datum
incentive_ab_combinefn(PG_FUNCTION_ARGS)
{
	ArrayType  *a,
			   *b;
	double	   *da,
			   *db;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		cr_bad_array_state("incentive_ab", AB_STATE_HINT,
						   "The state must not be null.");
	a = AggCheckCallContext(fcinfo, NULL) ? PG_GETARG_ARRAYTYPE_P(0) : PG_GETARG_ARRAYTYPE_P_COPY(0);
	b = PG_GETARG_ARRAYTYPE_P(1);
	da = ab_state_data(a);
	db = ab_state_data(b);
	if (da[1] != 0.0 && db[1] != 0.0 && da[1] != db[1])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence must be the same for every row of a group")));
	if (da[1] == 0.0)
		da[1] = db[1];
	da[0] += db[0];
	for (int arm = 0; arm < 2; arm++)
	{
		CrAbArm		x,
					y;

		ab_arm_get(da, arm, &x);
		ab_arm_get(db, arm, &y);
		cr_ab_arm_merge(&x, &y);
		ab_arm_put(da, arm, &x);
	}
	PG_RETURN_ARRAYTYPE_P(a);
}

/*
 * NaN (cannot be computed) becomes NULL; so does an infinity, which only a
 * hand-made state near the bounds can produce.
 */
static void
ab_put(Datum *values, bool *nulls, int i, double v)
{
	nulls[i] = !isfinite(v);
	values[i] = Float8GetDatum(nulls[i] ? 0.0 : v);
}

/*
 * The incentive_ab_result row.  Its type is the function's declared result
 * type, read from the catalog (cr_result_rowdesc needs no expression
 * node, so this works when Citus calls the final function by itself).
 */
static Datum
ab_final(FunctionCallInfo fcinfo, bool with_x)
{
	double	   *d;
	CrAbArm		c,
				t;
	CrAbResult	r;
	TupleDesc	desc;
	Datum		values[23];
	bool		nulls[23];
	double		conf;
	double		f[17];

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	d = ab_state_data(PG_GETARG_ARRAYTYPE_P(0));
	ab_arm_get(d, 0, &c);
	ab_arm_get(d, 1, &t);
	if (c.n + t.n + d[0] == 0.0)
		PG_RETURN_NULL();		/* no rows at all */
	conf = d[1] != 0.0 ? d[1] : AB_DEFAULT_CONFIDENCE;
	cr_ab_compute(&c, &t, conf, with_x, &r);

	desc = cr_result_rowdesc(fcinfo, false, 23, NULL);

	values[0] = Int64GetDatum((int64) c.n);
	values[1] = Int64GetDatum((int64) t.n);
	values[2] = Int64GetDatum((int64) c.retained);
	values[3] = Int64GetDatum((int64) t.retained);
	memset(nulls, 0, sizeof(nulls));
	f[0] = r.rate_control;
	f[1] = r.rate_treated;
	f[2] = r.difference;
	f[3] = r.wald_lower;
	f[4] = r.wald_upper;
	f[5] = r.newcombe_lower;
	f[6] = r.newcombe_upper;
	f[7] = r.relative_lift;
	f[8] = r.lift_lower;
	f[9] = r.lift_upper;
	f[10] = r.z;
	f[11] = r.p_value;
	f[12] = r.theta;
	f[13] = r.cuped_difference;
	f[14] = r.cuped_lower;
	f[15] = r.cuped_upper;
	f[16] = r.variance_reduction;
	for (int i = 0; i < 17; i++)
		ab_put(values, nulls, 4 + i, f[i]);
	values[21] = Float8GetDatum(conf);
	values[22] = Int64GetDatum((int64) d[0]);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}

PG_FUNCTION_INFO_V1(incentive_ab_finalfn);
Datum
incentive_ab_finalfn(PG_FUNCTION_ARGS)
{
	return ab_final(fcinfo, false);
}

PG_FUNCTION_INFO_V1(incentive_ab_cuped_finalfn);
Datum
incentive_ab_cuped_finalfn(PG_FUNCTION_ARGS)
{
	return ab_final(fcinfo, true);
}

/* ---------------------------------------------------------------- planning */

static void
plan_check(double base, double mde, double alpha)
{
	if (isnan(base) || base <= 0.0 || base >= 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("base_rate must be between 0 and 1 (exclusive)")));
	if (isnan(mde) || mde == 0.0 || base + mde <= 0.0 || base + mde >= 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("mde must not be 0, and base_rate + mde must be between 0 and 1 (exclusive)"),
				 errdetail("base_rate + mde was %s.", cr_float_text(base + mde))));
	if (isnan(alpha) || alpha <= 0.0 || alpha >= 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("alpha must be between 0 and 1 (exclusive)")));
}

/* incentive_sample_size(base_rate, mde, alpha, power) -> members per arm */
PG_FUNCTION_INFO_V1(incentive_sample_size);
Datum
incentive_sample_size(PG_FUNCTION_ARGS)
{
	double		base = PG_GETARG_FLOAT8(0),
				mde = PG_GETARG_FLOAT8(1),
				alpha = PG_GETARG_FLOAT8(2),
				power = PG_GETARG_FLOAT8(3),
				n;

	plan_check(base, mde, alpha);
	if (isnan(power) || power <= 0.0 || power >= 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("power must be between 0 and 1 (exclusive)")));
	n = ceil(cr_ab_sample_size(base, mde, alpha, power));
	if (!(n < 9.2e18))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("the sample size is out of range for bigint"),
				 base + mde == base ?
				 errdetail("base_rate + mde rounds to base_rate (%s): the effect is far too small to detect.",
						   cr_float_text(base)) : 0));
	PG_RETURN_INT64((int64) n);
}

/* incentive_power(base_rate, mde, n_per_arm, alpha) -> power */
PG_FUNCTION_INFO_V1(incentive_power);
Datum
incentive_power(PG_FUNCTION_ARGS)
{
	double		base = PG_GETARG_FLOAT8(0),
				mde = PG_GETARG_FLOAT8(1),
				n = PG_GETARG_FLOAT8(2),
				alpha = PG_GETARG_FLOAT8(3);

	plan_check(base, mde, alpha);
	if (isnan(n) || n <= 0.0 || isinf(n))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("n_per_arm must be positive and finite")));
	PG_RETURN_FLOAT8(cr_ab_power(base, mde, n, alpha));
}
