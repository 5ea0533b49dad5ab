/*
 * cr_score.c
 *	  Scoring and explaining members with a retention_model, and the score
 *	  drift aggregate.
 *
 *	  retention_score(model, float8[] | record | jsonb)   -> float8
 *	  retention_explain(model, float8[] | record | jsonb) -> SETOF (feature, value, coefficient, contribution)
 *	  retention_score_drift(model, score)                -> float8 (aggregate, PSI)
 *	  retention_baseline_drift(baseline float8[], score) -> float8 (the same, from
 *	                                                         retention_score_baseline(model))
 *
 * The model is decoded once per query (cr_model_cached), without its
 * covariance; a record argument's columns are bound to the model's features
 * once per (model, row type) and the binding is cached too, so scoring a
 * table costs one dot product per row.
 */
#include "community_retention.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "funcapi.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/typcache.h"

#include "cr_fncache.h"
#include "cr_logit.h"
#include "cr_model.h"
#include "cr_model_codec.h"

PG_FUNCTION_INFO_V1(retention_score_array);
PG_FUNCTION_INFO_V1(retention_score_record);
PG_FUNCTION_INFO_V1(retention_score_jsonb);
PG_FUNCTION_INFO_V1(retention_explain_array);
PG_FUNCTION_INFO_V1(retention_explain_record);
PG_FUNCTION_INFO_V1(retention_explain_jsonb);
PG_FUNCTION_INFO_V1(retention_score_drift_trans);
PG_FUNCTION_INFO_V1(retention_score_drift_combine);
PG_FUNCTION_INFO_V1(retention_score_drift_final);
PG_FUNCTION_INFO_V1(retention_score_baseline);
PG_FUNCTION_INFO_V1(retention_baseline_drift_trans);

/* ---------------------------------------------------------------- values */

static void
check_value(const CrModel *m, int j, double v)
{
	if (isnan(v) || isinf(v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("feature \"%s\" is %s", m->names[j],
						isnan(v) ? "NaN" : (v > 0 ? "Infinity" : "-Infinity")),
				 errhint("Scores need finite feature values; clean or filter the input.")));
}

/*
 * Feature values from an array: fills x (d values); returns false when an
 * element is NULL (the score is then NULL).
 */
static bool
values_from_array(const CrModel *m, ArrayType *arr, double *x, bool *isnull)
{
	bool		all = true;

	int			d = m->h.d;
	int			n,
				j;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("feature array must have one dimension, not %d", ARR_NDIM(arr))));
	n = ARR_NDIM(arr) == 0 ? 0 : ARR_DIMS(arr)[0];
	if (n != d)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("feature array has %d elements but the model has %d features", n, d),
				 errhint("Pass the features in the model's order: see retention_model_summary(model).")));
	if (ARR_HASNULL(arr))
	{
		Datum	   *elems;
		bool	   *nulls;
		int			cnt;

		deconstruct_array(arr, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE, &elems, &nulls, &cnt);
		for (j = 0; j < d; j++)
		{
			isnull[j] = nulls[j];
			x[j] = nulls[j] ? 0.0 : DatumGetFloat8(elems[j]);
			all &= !nulls[j];
		}
	}
	else
	{
		memcpy(x, CR_ARR_DATA_NONULLS(arr), sizeof(double) * d);
		memset(isnull, 0, sizeof(bool) * d);
	}
	for (j = 0; j < d; j++)
		if (!isnull[j])
			check_value(m, j, x[j]);
	return all;
}

/* Record binding: feature j is column attnum[j] (0-based) of the row type. */
typedef struct RecordBinding
{
	Oid			typid;
	int32		typmod;
	uint64		model_generation;
	uint64		rowtype_generation; /* cr_rowtype_generation() when bound */
	TupleDesc	tupdesc;
	int		   *attnum;
	Oid		   *basetype;
	Datum	   *values;
	bool	   *nulls;
} RecordBinding;

static RecordBinding *
bind_record(FunctionCallInfo fcinfo, const CrModel *m, HeapTupleHeader rec)
{
	CrFnCache  *c = cr_fn_cache(fcinfo);
	RecordBinding *b = (RecordBinding *) c->extra;
	Oid			typid = HeapTupleHeaderGetTypeId(rec);
	int32		typmod = HeapTupleHeaderGetTypMod(rec);
	MemoryContext old;
	TupleDesc	td;
	int			d = m->h.d;
	int			j,
				k;

	if (b && b->typid == typid && b->typmod == typmod && b->model_generation == c->model_generation &&
		b->rowtype_generation == cr_rowtype_generation())
		return b;

	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	if (b == NULL)
		b = palloc0(sizeof(RecordBinding));
	else
	{
		if (b->tupdesc)
			FreeTupleDesc(b->tupdesc);
		if (b->attnum)
		{
			pfree(b->attnum);
			pfree(b->basetype);
			pfree(b->values);
			pfree(b->nulls);
		}
	}
	td = lookup_rowtype_tupdesc(typid, typmod);
	b->tupdesc = CreateTupleDescCopy(td);
	ReleaseTupleDesc(td);
	b->typid = typid;
	b->typmod = typmod;
	b->model_generation = c->model_generation;
	b->rowtype_generation = cr_rowtype_generation();
	b->attnum = palloc(sizeof(int) * d);
	b->basetype = palloc(sizeof(Oid) * d);
	b->values = palloc(sizeof(Datum) * b->tupdesc->natts);
	b->nulls = palloc(sizeof(bool) * b->tupdesc->natts);
	c->extra = b;
	MemoryContextSwitchTo(old);

	for (j = 0; j < d; j++)
	{
		b->attnum[j] = -1;
		for (k = 0; k < b->tupdesc->natts; k++)
		{
			Form_pg_attribute att = TupleDescAttr(b->tupdesc, k);

			if (!att->attisdropped && strcmp(NameStr(att->attname), m->names[j]) == 0)
			{
				/* two columns of one name ("SELECT m.*, s.*"): either could be meant */
				if (b->attnum[j] >= 0)
				{
					b->model_generation = 0;
					ereport(ERROR,
							(errcode(ERRCODE_AMBIGUOUS_COLUMN),
							 errmsg("retention model reads feature \"%s\", which is more than one column of %s",
									m->names[j], typid == RECORDOID ? "record" : format_type_be(typid)),
							 errhint("Give the columns distinct names in the query.")));
				}
				b->attnum[j] = k;
				b->basetype[j] = getBaseType(att->atttypid);
			}
		}
		if (b->attnum[j] < 0)
		{
			b->model_generation = 0;	/* do not trust this binding again */
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("row type %s has no column \"%s\"",
							format_type_be(typid), m->names[j]),
					 errdetail("The model reads the feature \"%s\".", m->names[j]),
					 errhint("Rename or add the column, or pass an array in the model's feature order.")));
		}
		switch (b->basetype[j])
		{
			case INT2OID:
			case INT4OID:
			case INT8OID:
			case FLOAT4OID:
			case FLOAT8OID:
			case NUMERICOID:
			case BOOLOID:
				break;
			default:
				b->model_generation = 0;
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("column \"%s\" of %s has type %s, not a number",
								m->names[j], format_type_be(typid),
								format_type_be(TupleDescAttr(b->tupdesc, b->attnum[j])->atttypid)),
						 errhint("Features must be smallint, integer, bigint, real, double precision, numeric or boolean; cast the column in a view.")));
		}
	}
	return b;
}

static double
datum_to_double(Datum v, Oid type)
{
	switch (type)
	{
		case INT2OID:
			return (double) DatumGetInt16(v);
		case INT4OID:
			return (double) DatumGetInt32(v);
		case INT8OID:
			return (double) DatumGetInt64(v);
		case FLOAT4OID:
			return (double) DatumGetFloat4(v);
		case FLOAT8OID:
			return DatumGetFloat8(v);
		case NUMERICOID:
			return DatumGetFloat8(DirectFunctionCall1(numeric_float8, v));
		case BOOLOID:
			return DatumGetBool(v) ? 1.0 : 0.0;
	}
	return 0.0;					/* not reached: bind_record checked the type */
}

static bool
values_from_record(FunctionCallInfo fcinfo, const CrModel *m, HeapTupleHeader rec,
				   double *x, bool *isnull)
{
	bool		all = true;
	RecordBinding *b = bind_record(fcinfo, m, rec);
	HeapTupleData tuple;
	int			j;

	tuple.t_len = HeapTupleHeaderGetDatumLength(rec);
	ItemPointerSetInvalid(&(tuple.t_self));
	tuple.t_tableOid = InvalidOid;
	tuple.t_data = rec;
	heap_deform_tuple(&tuple, b->tupdesc, b->values, b->nulls);
	for (j = 0; j < m->h.d; j++)
	{
		int			k = b->attnum[j];

		isnull[j] = b->nulls[k];
		if (isnull[j])
		{
			x[j] = 0.0;
			all = false;
			continue;
		}
		x[j] = datum_to_double(b->values[k], b->basetype[j]);
		check_value(m, j, x[j]);
	}
	return all;
}

static bool
values_from_jsonb(const CrModel *m, Jsonb *jb, double *x, bool *isnull)
{
	bool		all = true;
	int			j;

	if (!JB_ROOT_IS_OBJECT(jb))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("features must be a JSON object"),
				 errhint("For example '{\"recency_days\": 3, \"active_days_30\": 12}'.")));
	for (j = 0; j < m->h.d; j++)
	{
		JsonbValue *v = getKeyJsonValueFromContainer(&jb->root, m->names[j], strlen(m->names[j]), NULL);

		if (v == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("features object has no key \"%s\"", m->names[j]),
					 errhint("Give every feature of the model, or null for an unknown value.")));
		if (v == NULL)
			continue;			/* not reached */
		isnull[j] = false;
		switch (v->type)
		{
			case jbvNull:
				isnull[j] = true;
				x[j] = 0.0;
				all = false;
				break;
			case jbvNumeric:
				x[j] = DatumGetFloat8(DirectFunctionCall1(numeric_float8, NumericGetDatum(v->val.numeric)));
				check_value(m, j, x[j]);
				break;
			case jbvBool:
				x[j] = v->val.boolean ? 1.0 : 0.0;
				break;
			default:
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("features key \"%s\" does not hold a number", m->names[j]),
						 errhint("Feature values must be JSON numbers, booleans or null.")));
		}
	}
	return all;
}

static double
linear_predictor(const CrModel *m, const double *x)
{
	return cr_linear_predictor(m->intercept, m->coef, x, m->h.d);
}

/*
 * Scratch space for one row's feature values and null flags; it lives in
 * the model's cache context, so it is sized for and follows the model.
 */
typedef struct Scratch
{
	double	   *x;
	bool	   *isnull;
} Scratch;

static Scratch *
get_scratch(FunctionCallInfo fcinfo, CrModel *m)
{
	if (m->scratch == NULL)
	{
		MemoryContext cxt = cr_fn_cache(fcinfo)->model_cxt;
		Scratch    *s = MemoryContextAlloc(cxt, sizeof(Scratch));

		s->x = MemoryContextAllocZero(cxt, sizeof(double) * m->h.d);
		s->isnull = MemoryContextAllocZero(cxt, sizeof(bool) * m->h.d);
		m->scratch = s;
	}
	return (Scratch *) m->scratch;
}

Datum
retention_score_array(PG_FUNCTION_ARGS)
{
	CrModel    *m = cr_model_cached(fcinfo, 0, false);
	Scratch    *s = get_scratch(fcinfo, m);

	if (!values_from_array(m, PG_GETARG_ARRAYTYPE_P(1), s->x, s->isnull))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(cr_sigmoid(linear_predictor(m, s->x)));
}

Datum
retention_score_record(PG_FUNCTION_ARGS)
{
	CrModel    *m = cr_model_cached(fcinfo, 0, false);
	Scratch    *s = get_scratch(fcinfo, m);

	if (!values_from_record(fcinfo, m, PG_GETARG_HEAPTUPLEHEADER(1), s->x, s->isnull))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(cr_sigmoid(linear_predictor(m, s->x)));
}

Datum
retention_score_jsonb(PG_FUNCTION_ARGS)
{
	CrModel    *m = cr_model_cached(fcinfo, 0, false);
	Scratch    *s = get_scratch(fcinfo, m);

	if (!values_from_jsonb(m, PG_GETARG_JSONB_P(1), s->x, s->isnull))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(cr_sigmoid(linear_predictor(m, s->x)));
}

/* ---------------------------------------------------------------- explain */

typedef struct ExplainRow
{
	int			j;
	bool		null;
	double		contribution;
} ExplainRow;

static int
cmp_explain(const void *a, const void *b)
{
	const ExplainRow *x = a;
	const ExplainRow *y = b;
	double		ax,
				ay;

	if (x->null != y->null)
		return x->null ? 1 : -1;	/* unknown contributions last */
	ax = x->null ? 0 : fabs(x->contribution);
	ay = y->null ? 0 : fabs(y->contribution);
	if (ax != ay)
		return ax > ay ? -1 : 1;
	return x->j - y->j;			/* ties: the model's feature order */
}

/*
 * coef * (value - mean), for finite numbers.  A model given as text may hold
 * a mean near the float8 limit (training keeps features within 1e100), so
 * value - mean can overflow although the product is in range (a coefficient
 * of 1e-300, a mean of 1e308, a value of -1e308: -2e8): the difference is
 * then taken in halves, which is exact for such magnitudes, and the product
 * doubled.  A zero coefficient contributes nothing (0 * Infinity would be
 * NaN), and a contribution of -0 is given as 0.
 */
static double
contribution(double coef, double value, double mean)
{
	double		diff = value - mean;

	if (coef == 0)
		return 0;
	if (isinf(diff))
		return coef * (value * 0.5 - mean * 0.5) * 2 + 0.0;
	return coef * diff + 0.0;
}

/*
 * One row per feature: value, coefficient and contribution =
 * coefficient * (value - training mean), largest |contribution| first.
 * The contributions add up to logit(score) - logit(score at the means).
 */
static void
explain_rows(FunctionCallInfo fcinfo, CrModel *m, const double *x, const bool *isnull)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	int			d = m->h.d;
	ExplainRow *rows = palloc(sizeof(ExplainRow) * d);
	int			i;

	for (i = 0; i < d; i++)
	{
		rows[i].j = i;
		rows[i].null = isnull[i];
		rows[i].contribution = isnull[i] ? 0 : contribution(m->coef[i], x[i], m->means[i]);
	}
	qsort(rows, d, sizeof(ExplainRow), cmp_explain);
	for (i = 0; i < d; i++)
	{
		int			j = rows[i].j;
		Datum		values[4];
		bool		nulls[4] = {false, rows[i].null, false, rows[i].null};

		values[0] = CStringGetTextDatum(m->names[j]);
		values[1] = Float8GetDatum(x[j]);
		values[2] = Float8GetDatum(m->coef[j]);
		values[3] = Float8GetDatum(rows[i].contribution);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
}

Datum
retention_explain_array(PG_FUNCTION_ARGS)
{
	CrModel    *m;
	Scratch    *s;

	cr_srf_init(fcinfo);
	m = cr_model_cached(fcinfo, 0, false);
	s = get_scratch(fcinfo, m);
	(void) values_from_array(m, PG_GETARG_ARRAYTYPE_P(1), s->x, s->isnull);
	explain_rows(fcinfo, m, s->x, s->isnull);
	PG_RETURN_NULL();
}

Datum
retention_explain_record(PG_FUNCTION_ARGS)
{
	CrModel    *m;
	Scratch    *s;

	cr_srf_init(fcinfo);
	m = cr_model_cached(fcinfo, 0, false);
	s = get_scratch(fcinfo, m);
	(void) values_from_record(fcinfo, m, PG_GETARG_HEAPTUPLEHEADER(1), s->x, s->isnull);
	explain_rows(fcinfo, m, s->x, s->isnull);
	PG_RETURN_NULL();
}

Datum
retention_explain_jsonb(PG_FUNCTION_ARGS)
{
	CrModel    *m;
	Scratch    *s;

	cr_srf_init(fcinfo);
	m = cr_model_cached(fcinfo, 0, false);
	s = get_scratch(fcinfo, m);
	(void) values_from_jsonb(m, PG_GETARG_JSONB_P(1), s->x, s->isnull);
	explain_rows(fcinfo, m, s->x, s->isnull);
	PG_RETURN_NULL();
}

/* ---------------------------------------------------------------- drift */

/*
 * retention_score_drift state: a float8[] of DRIFT_LEN values
 *	 [0]        rows counted
 *	 [1..10]    rows per training decile bin
 *	 [11..21]   the model's 11 decile edges
 *	 [22..31]   the model's training shares
 * A plain array, so the aggregate needs no serial functions and its
 * partial states can travel (parallel query, Citus).
 *
 * The baseline, [11..31], is what retention_score_baseline(model) returns:
 * retention_baseline_drift(baseline, score) takes it instead of the
 * model, so that Citus, which packs every row's arguments into a ROW() for
 * worker_partial_agg, copies 21 numbers per row rather than the whole model.
 */
#define DRIFT_LEN 32
#define DRIFT_BASELINE_LEN 21

/*
 * A group's first state, in the per-row memory context, not in the
 * aggregate context: the executor copies any pass-by-reference state that
 * is not the one it passed in into the aggregate context itself
 * (ExecAggTransReparent), so a first state built there stayed behind,
 * unreferenced, until the end of the query.  A hash aggregate over many
 * groups held two states a group.  Later rows update the executor's copy
 * in place and return it, which is never copied again.
 */
static ArrayType *
drift_new_state(const double *deciles, const double *shares)
{
	Datum		init[DRIFT_LEN];
	ArrayType  *a;
	int			i;

	for (i = 0; i < DRIFT_LEN; i++)
		init[i] = Float8GetDatum(0.0);
	for (i = 0; i < 11; i++)
		init[11 + i] = Float8GetDatum(deciles[i]);
	for (i = 0; i < 10; i++)
		init[22 + i] = Float8GetDatum(shares[i]);
	a = construct_array(init, DRIFT_LEN, FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE);
	return a;
}

static double *
drift_values(ArrayType *a)
{
	if (ARR_NDIM(a) != 1 || ARR_DIMS(a)[0] != DRIFT_LEN || array_contains_nulls(a) ||
		ARR_ELEMTYPE(a) != FLOAT8OID)
		cr_bad_array_state("retention_score_drift", NULL, NULL);
	return (double *) CR_ARR_DATA_NONULLS(a);
}

/* A baseline (b[0..10] edges, b[11..20] shares) of a state or an argument. */
static void
drift_check_baseline(const double *b, const char *invalid)
{
	double		total = 0;
	int			i;

	for (i = 0; i < 11; i++)
		if (!(b[i] >= 0 && b[i] <= 1) || (i > 0 && b[i] < b[i - 1]))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s", invalid),
					 errdetail("The decile edges must be ascending within [0, 1].")));
	for (i = 11; i < DRIFT_BASELINE_LEN; i++)
		if (!(b[i] >= 0 && b[i] <= 1))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s", invalid),
					 errdetail("The training shares must be within [0, 1].")));
		else
			total += b[i];
	/* as a model's own shares must (cr_model_codec.c) */
	if (fabs(total - 1.0) > CR_CODEC_SHARES_SUM_TOL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s", invalid),
				 errdetail("The training shares must add up to 1; these add up to %.15g.", total)));
}

/*
 * Full check of a state that did not come from our transition function
 * (the combine and final functions can be called from SQL with any
 * float8[]): whole, non-negative counts that add up, ascending edges in
 * [0, 1], shares in [0, 1] that add up to 1.
 */
static double *
drift_checked_values(ArrayType *a)
{
	double	   *v = drift_values(a);
	double		total = 0;
	int			i;

	for (i = 1; i <= 10; i++)
	{
		if (!(v[i] >= 0) || v[i] != floor(v[i]) || v[i] > 1e18)
			break;
		total += v[i];
	}
	if (i <= 10 || !(v[0] >= 0) || total != v[0])
		cr_bad_array_state("retention_score_drift", NULL,
						   "The bin counts must be whole non-negative numbers that add up to the row count.");
	drift_check_baseline(v + 11, "invalid retention_score_drift state");
	return v;
}

static void
drift_models_differ(const char *agg, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s needs the same %s for every row of a group", agg, what),
			 strcmp(what, "model") == 0 ?
			 errhint("Group by a column that identifies the model (retention_model has no equality operator, so GROUP BY cannot take the model itself), or pass it as a constant.") :
			 errhint("Group by the %s, or pass it as a constant.", what)));
}

/*
 * The score in shortest round-trip form: %g's six digits printed
 * 1.0000001 as "score 1 is outside [0, 1]".
 */
static void
drift_check_score(double score)
{
	if (isnan(score) || score < 0 || score > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("score %s is outside [0, 1]", cr_float_text(score)),
				 errhint("Pass probabilities, as retention_score() returns them.")));
}

static void
drift_check_model(const CrModel *m)
{
	if (!(m->h.flags & CR_MODEL_HAS_DECILES))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("this retention_model has no training score distribution"),
				 errdetail("Models written before score deciles were stored cannot measure drift."),
				 errhint("Retrain the model with retention_train() to record its score deciles.")));
}

/*
 * The start of both transition functions: true when the row is counted (its
 * score checked and in *score), false when a NULL argument skips it.
 */
static bool
drift_row(FunctionCallInfo fcinfo, const char *fname, double *score)
{
	if (!AggCheckCallContext(fcinfo, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s called in non-aggregate context", fname)));
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		return false;
	*score = PG_GETARG_FLOAT8(2);
	drift_check_score(*score);
	return true;
}

/* A skipped row: the state as it was. */
static Datum
drift_unchanged(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	PG_RETURN_DATUM(PG_GETARG_DATUM(0));
}

Datum
retention_score_drift_trans(PG_FUNCTION_ARGS)
{
	ArrayType  *state;
	double	   *v;
	double		score;
	CrModel    *m;
	int			i;

	if (!drift_row(fcinfo, "retention_score_drift_trans", &score))
		return drift_unchanged(fcinfo);
	m = cr_model_cached(fcinfo, 1, false);
	drift_check_model(m);
	if (PG_ARGISNULL(0))
		state = drift_new_state(m->deciles, m->shares);
	else
		state = PG_GETARG_ARRAYTYPE_P(0);	/* the executor's copy: updated in place */
	v = drift_values(state);
	/* the model's edges and shares, as the combine function compares them */
	for (i = 0; i < 11; i++)
		if (v[11 + i] != m->deciles[i])
			drift_models_differ("retention_score_drift", "model");
	for (i = 0; i < 10; i++)
		if (v[22 + i] != m->shares[i])
			drift_models_differ("retention_score_drift", "model");
	v[0] += 1;
	v[1 + cr_decile_bin(v + 11, score)] += 1;
	PG_RETURN_ARRAYTYPE_P(state);
}

Datum
retention_score_drift_combine(PG_FUNCTION_ARGS)
{
	ArrayType  *a,
			   *b;
	double	   *va,
			   *vb;
	int			i;

	if (!AggCheckCallContext(fcinfo, NULL))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("retention_score_drift_combine called in non-aggregate context")));
	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_DATUM(PG_GETARG_DATUM(0));
	}
	if (PG_ARGISNULL(0))
		PG_RETURN_DATUM(PG_GETARG_DATUM(1));
	a = PG_GETARG_ARRAYTYPE_P(0);
	b = PG_GETARG_ARRAYTYPE_P(1);
	va = drift_checked_values(a);
	vb = drift_checked_values(b);
	for (i = 11; i < DRIFT_LEN; i++)
		if (va[i] != vb[i])
			drift_models_differ("retention_score_drift", "model");
	for (i = 0; i < 11; i++)
		va[i] += vb[i];
	PG_RETURN_ARRAYTYPE_P(a);
}

Datum
retention_score_drift_final(PG_FUNCTION_ARGS)
{
	double	   *v;
	double		observed[10];
	int			i;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	v = drift_checked_values(PG_GETARG_ARRAYTYPE_P(0));
	if (v[0] <= 0)
		PG_RETURN_NULL();
	for (i = 0; i < 10; i++)
		observed[i] = v[1 + i] / v[0];
	PG_RETURN_FLOAT8(cr_psi(v + 22, observed, 10));
}

/*
 * retention_score_baseline(model) -> float8[]: the model's training score
 * distribution, its 11 decile edges then the 10 training shares.
 */
Datum
retention_score_baseline(PG_FUNCTION_ARGS)
{
	CrModel    *m = cr_model_cached(fcinfo, 0, false);
	Datum		d[DRIFT_BASELINE_LEN];
	int			i;

	drift_check_model(m);
	for (i = 0; i < 11; i++)
		d[i] = Float8GetDatum(m->deciles[i]);
	for (i = 0; i < 10; i++)
		d[11 + i] = Float8GetDatum(m->shares[i]);
	PG_RETURN_ARRAYTYPE_P(construct_array(d, DRIFT_BASELINE_LEN, FLOAT8OID, 8,
										  FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/*
 * The 21 numbers of a baseline argument (its shape only; the values are
 * checked once, when they start a state, and later rows must equal them).
 */
static const double *
drift_baseline_values(ArrayType *b)
{
	if (ARR_NDIM(b) != 1 || ARR_DIMS(b)[0] != DRIFT_BASELINE_LEN || array_contains_nulls(b) ||
		ARR_ELEMTYPE(b) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid baseline for retention_baseline_drift"),
				 errdetail("A baseline is an array of %d numbers without NULLs, as retention_score_baseline() returns it.",
						   DRIFT_BASELINE_LEN)));
	return (const double *) CR_ARR_DATA_NONULLS(b);
}

/* retention_baseline_drift(baseline float8[], score) transition: as retention_score_drift. */
Datum
retention_baseline_drift_trans(PG_FUNCTION_ARGS)
{
	ArrayType  *state;
	const double *b;
	double	   *v;
	double		score;

	if (!drift_row(fcinfo, "retention_baseline_drift_trans", &score))
		return drift_unchanged(fcinfo);
	b = drift_baseline_values(PG_GETARG_ARRAYTYPE_P(1));
	if (PG_ARGISNULL(0))
	{
		drift_check_baseline(b, "invalid baseline for retention_baseline_drift");
		state = drift_new_state(b, b + 11);
	}
	else
		state = PG_GETARG_ARRAYTYPE_P(0);	/* the executor's copy: updated in place */
	v = drift_values(state);
	for (int i = 0; i < DRIFT_BASELINE_LEN; i++)
		if (v[11 + i] != b[i])
			drift_models_differ("retention_baseline_drift", "baseline");
	v[0] += 1;
	v[1 + cr_decile_bin(v + 11, score)] += 1;
	PG_RETURN_ARRAYTYPE_P(state);
}
