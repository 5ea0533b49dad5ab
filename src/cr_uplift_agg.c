/*
 * cr_uplift_agg.c
 *	  retention_uplift's evaluation: the incentive_uplift_eval aggregate over
 *	  (uplift, treated, retained) rows of an experiment.  The curves are plain
 *	  C in cr_uplift.c.
 *
 * The curves need the rows in uplift order, so the state keeps every row:
 * its uplift as an order-preserving 64-bit key (cr_auc_key) in one of four
 * growable arrays, one per (treated, retained) class: 8 bytes a row, bounded
 * by community_retention.max_train_memory like retention_auc.  The final
 * function sorts each array (radix sort) and walks them together once.
 * Partial states are serialised as a header and the four arrays.
 */
#include "community_retention.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/typcache.h"

#include "cr_auc.h"
#include "cr_uplift.h"

#define UPLIFT_DEFAULT_K 0.3
#define UPLIFT_CURVE_POINTS 100

typedef struct UpliftState
{
	int64		n[4];			/* rows per class (CR_UP_*) */
	int64		cap[4];
	uint64	   *keys[4];
	int64		skipped;		/* rows with a NULL uplift, arm or outcome */
	double		k;				/* 0 until a row sets it */
} UpliftState;

static int64
uplift_max_rows(void)
{
	Size		limit = (Size) cr_max_train_memory_kb * 1024;

	if (limit > MaxAllocSize - 64)
		limit = MaxAllocSize - 64;
	return (int64) (limit / sizeof(uint64));
}

static void
uplift_reserve(MemoryContext cxt, UpliftState *st, int c, int64 more)
{
	int64		total = st->n[0] + st->n[1] + st->n[2] + st->n[3] + more;
	int64		newcap;

	if (total > uplift_max_rows())
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("incentive_uplift_eval needs more memory than community_retention.max_train_memory allows"),
				 errdetail("It keeps 8 bytes per row; %lld rows are more than the limit of %lld rows.",
						   (long long) total, (long long) uplift_max_rows()),
				 errhint("Raise community_retention.max_train_memory (at most 1GB is usable), or evaluate a sample.")));
	if (st->n[c] + more <= st->cap[c])
		return;
	newcap = Max(Max(st->cap[c] * 2, 8), st->n[c] + more);
	/* never more room than the limit leaves after the other classes' rows */
	newcap = Min(newcap, uplift_max_rows() - (total - st->n[c] - more));
	st->keys[c] = st->keys[c] == NULL
		? MemoryContextAllocHuge(cxt, newcap * sizeof(uint64))
		: repalloc_huge(st->keys[c], newcap * sizeof(uint64));
	st->cap[c] = newcap;
}

static void
uplift_check_k(double k)
{
	if (isnan(k) || k <= 0.0 || k >= 1.0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be between 0 and 1 (exclusive)"),
				 errdetail("k was %s.", cr_float_text(k))));
}

static void
uplift_set_k(UpliftState *st, double k)
{
	if (st->k != 0.0 && st->k != k)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("k must be the same for every row of a group")));
	st->k = k;
}

/* incentive_uplift_eval(uplift, treated, retained [, k]) */
PG_FUNCTION_INFO_V1(incentive_uplift_transfn);
Datum
incentive_uplift_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx;
	UpliftState *st;
	double		u;
	int			c;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		elog(ERROR, "incentive_uplift_transfn called in non-aggregate context");
	st = PG_ARGISNULL(0) ? NULL : (UpliftState *) PG_GETARG_POINTER(0);
	if (st == NULL)
		st = MemoryContextAllocZero(aggctx, sizeof(UpliftState));
	if (PG_NARGS() > 4)
	{
		if (PG_ARGISNULL(4))
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("k must not be null")));
		uplift_check_k(PG_GETARG_FLOAT8(4));
		uplift_set_k(st, PG_GETARG_FLOAT8(4));
	}
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		st->skipped++;
		PG_RETURN_POINTER(st);
	}
	u = PG_GETARG_FLOAT8(1);
	if (isnan(u))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("uplift must not be NaN")));
	c = 2 * (PG_GETARG_BOOL(2) ? 1 : 0) + (PG_GETARG_BOOL(3) ? 1 : 0);
	/*
	 * The limit counts the rows of all four classes, so it is checked on
	 * every row, not only when this class's array grows: a class may still
	 * have room it reserved while the others held fewer rows.
	 */
	if (st->n[c] >= st->cap[c] ||
		st->n[0] + st->n[1] + st->n[2] + st->n[3] >= uplift_max_rows())
		uplift_reserve(aggctx, st, c, 1);
	st->keys[c][st->n[c]++] = cr_auc_key(u);
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(incentive_uplift_combinefn);
Datum
incentive_uplift_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx;
	UpliftState *a,
			   *b;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		elog(ERROR, "incentive_uplift_combinefn called in non-aggregate context");
	a = PG_ARGISNULL(0) ? NULL : (UpliftState *) PG_GETARG_POINTER(0);
	b = PG_ARGISNULL(1) ? NULL : (UpliftState *) PG_GETARG_POINTER(1);
	if (b == NULL)
		PG_RETURN_POINTER(a);
	if (a == NULL)
		a = MemoryContextAllocZero(aggctx, sizeof(UpliftState));
	/* only forged partial states hold counts that overflow together */
	if (b->skipped > PG_INT64_MAX - a->skipped)
		cr_bad_state("incentive_uplift_eval",
					 "Its count of skipped rows and another partial state's add up to more than 2^63 - 1.");
	if (b->k != 0.0)
		uplift_set_k(a, b->k);
	a->skipped += b->skipped;
	for (int c = 0; c < 4; c++)
	{
		if (b->n[c] == 0)
			continue;
		uplift_reserve(aggctx, a, c, b->n[c]);
		memcpy(a->keys[c] + a->n[c], b->keys[c], b->n[c] * sizeof(uint64));
		a->n[c] += b->n[c];
	}
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(incentive_uplift_serialfn);
Datum
incentive_uplift_serialfn(PG_FUNCTION_ARGS)
{
	UpliftState *st = (UpliftState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	pq_sendint64(&buf, st->skipped);
	pq_sendfloat8(&buf, st->k);
	for (int c = 0; c < 4; c++)
		pq_sendint64(&buf, st->n[c]);
	for (int c = 0; c < 4; c++)
		pq_sendbytes(&buf, (const char *) st->keys[c], st->n[c] * sizeof(uint64));
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

PG_FUNCTION_INFO_V1(incentive_uplift_deserialfn);
Datum
incentive_uplift_deserialfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx;
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	UpliftState *st;
	int64		total = 0;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		elog(ERROR, "incentive_uplift_deserialfn called in non-aggregate context");
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	/* the header: skipped, k and four counts (pq_getmsg* would say 08P01) */
	if (buf.len < (int) (2 * sizeof(int64) + 4 * sizeof(int64)))
		cr_bad_state("incentive_uplift_eval",
					 "The state has %d bytes, fewer than its 48-byte header.", buf.len);
	st = MemoryContextAllocZero(aggctx, sizeof(UpliftState));
	st->skipped = pq_getmsgint64(&buf);
	st->k = pq_getmsgfloat8(&buf);
	for (int c = 0; c < 4; c++)
	{
		st->n[c] = pq_getmsgint64(&buf);
		if (st->n[c] < 0 || st->n[c] > uplift_max_rows())
			cr_bad_state("incentive_uplift_eval", NULL);
		total += st->n[c];
	}
	if (st->skipped < 0 || (st->k != 0.0 && (isnan(st->k) || st->k <= 0.0 || st->k >= 1.0)) ||
		(int64) (buf.len - buf.cursor) != total * (int64) sizeof(uint64))
		cr_bad_state("incentive_uplift_eval", NULL);
	for (int c = 0; c < 4; c++)
	{
		if (st->n[c] == 0)
			continue;
		st->keys[c] = MemoryContextAllocHuge(aggctx, st->n[c] * sizeof(uint64));
		st->cap[c] = st->n[c];
		memcpy(st->keys[c], pq_getmsgbytes(&buf, st->n[c] * sizeof(uint64)),
			   st->n[c] * sizeof(uint64));
		/*
		 * Keys of uplifts the transition function accepts: not NaN, whose
		 * keys sort beyond those of the infinities (cr_auc_key), and not
		 * -0.0's own key, which cr_auc_key never gives.
		 */
		for (int64 i = 0; i < st->n[c]; i++)
		{
			if (st->keys[c][i] < cr_auc_key(-INFINITY) || st->keys[c][i] > cr_auc_key(INFINITY))
				cr_bad_state("incentive_uplift_eval",
							 "It holds the key of a NaN uplift, which the transition function refuses.");
			if (st->keys[c][i] == CR_AUC_KEY_NEG_ZERO)
				cr_bad_state("incentive_uplift_eval",
							 "It holds a key of -0 apart from +0's, which the transition function never stores.");
			if ((i & 0xFFFFF) == 0xFFFFF)
				CHECK_FOR_INTERRUPTS();
		}
	}
	PG_RETURN_POINTER(st);
}

static void
uplift_tick(void *arg)
{
	CHECK_FOR_INTERRUPTS();
}

/* The curve's points as incentive_uplift_point[] (element type from the catalog). */
static Datum
uplift_points_array(Oid rowtype_oid, const CrUpliftResult *r)
{
	TupleDesc	pdesc = lookup_rowtype_tupdesc_copy(rowtype_oid, -1);
	Datum	   *elems = palloc(r->npoints * sizeof(Datum));
	int16		typlen;
	bool		typbyval;
	char		typalign;

	pdesc = BlessTupleDesc(pdesc);
	for (int i = 0; i < r->npoints; i++)
	{
		Datum		v[4];
		bool		nl[4] = {false, false, false, false};

		v[0] = Int64GetDatum((int64) r->points[i].n_targeted);
		v[1] = Float8GetDatum(r->n > 0 ? r->points[i].n_targeted / r->n : 0.0);
		v[2] = Float8GetDatum(r->points[i].qini);
		v[3] = Float8GetDatum(r->points[i].uplift);
		elems[i] = HeapTupleGetDatum(heap_form_tuple(pdesc, v, nl));
	}
	get_typlenbyvalalign(rowtype_oid, &typlen, &typbyval, &typalign);
	return PointerGetDatum(construct_array(elems, r->npoints, rowtype_oid, typlen, typbyval, typalign));
}

PG_FUNCTION_INFO_V1(incentive_uplift_finalfn);
Datum
incentive_uplift_finalfn(PG_FUNCTION_ARGS)
{
	UpliftState *st;
	TupleDesc	desc;
	CrUpliftResult r;
	CrUpliftPoint *points;
	size_t		n[4];
	uint64	   *scratch;
	int64		most = 0;
	double		k;
	Datum		values[8];
	bool		nulls[8] = {false, false, false, false, false, false, false, false};
	Oid			point_type;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	st = (UpliftState *) PG_GETARG_POINTER(0);
	if (st->n[0] + st->n[1] + st->n[2] + st->n[3] + st->skipped == 0)
		PG_RETURN_NULL();		/* no rows at all; only skipped rows still count */
	desc = cr_result_rowdesc(fcinfo, false, 8, NULL);

	/* sorting in place leaves the same rows in the state */
	for (int c = 0; c < 4; c++)
		most = Max(most, st->n[c]);
	scratch = MemoryContextAllocHuge(CurrentMemoryContext, Max(most, 1) * sizeof(uint64));
	for (int c = 0; c < 4; c++)
	{
		cr_sort_keys(st->keys[c], scratch, (size_t) st->n[c], uplift_tick, NULL);
		n[c] = (size_t) st->n[c];
	}
	pfree(scratch);
	k = st->k != 0.0 ? st->k : UPLIFT_DEFAULT_K;
	points = palloc((UPLIFT_CURVE_POINTS + 1) * sizeof(CrUpliftPoint));
	cr_uplift_evaluate(st->keys, n, k, points, UPLIFT_CURVE_POINTS, &r);

	values[0] = Int64GetDatum((int64) r.n);
	values[1] = Int64GetDatum((int64) r.n_treated);
	values[2] = Int64GetDatum(st->skipped);
	nulls[3] = isnan(r.qini_coefficient);
	values[3] = Float8GetDatum(nulls[3] ? 0.0 : r.qini_coefficient);
	nulls[4] = isnan(r.uplift_auc);
	values[4] = Float8GetDatum(nulls[4] ? 0.0 : r.uplift_auc);
	values[5] = Float8GetDatum(k);
	nulls[6] = isnan(r.uplift_at_k);
	values[6] = Float8GetDatum(nulls[6] ? 0.0 : r.uplift_at_k);
	point_type = get_element_type(TupleDescAttr(desc, 7)->atttypid);
	if (!OidIsValid(point_type))
		elog(ERROR, "incentive_uplift_eval: the curve column is not an array");
	values[7] = uplift_points_array(point_type, &r);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, values, nulls)));
}
