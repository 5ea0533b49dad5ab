/*
 * cr_lifetime_summary.c
 *	  lifetime_summary(occurred_at, as_of, amount [, unit]): the per-member
 *	  summary the buyer models start from, with the definitions of lifetimes'
 *	  summary_data_from_transaction_data:
 *
 *	    frequency       distinct purchase days after the first one
 *	    recency         first to last purchase day
 *	    T               first purchase day to the day of as_of
 *	    monetary_value  mean per-day spend of the repeat purchase days (0 when
 *	                    frequency = 0): the later days' spend / frequency
 *
 *	  in units of `unit` (default 1 day; '7 days' gives weeks).  Days are
 *	  calendar days in the session TimeZone, like the engagement aggregates.
 *	  Purchases after as_of are ignored; rows with a NULL are skipped.
 *
 *	  State: the first/last day, the spend totals and the purchase days seen
 *	  (int32 each), sorted and deduplicated whenever the array fills up, so a
 *	  member costs 4 bytes per distinct purchase day.
 */
#include "community_retention.h"

#include <math.h>

#include "access/htup_details.h"
#include "common/int.h"
#include "fmgr.h"
#include "funcapi.h"
#include "pgtime.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/timestamp.h"

#include "cr_daybits.h"
#include "cr_engagement.h"
#include "cr_lifetime.h"
#include "cr_summary_kernel.h"

typedef struct LtState
{
	TimestampTz as_of;
	int64		unit_usecs;		/* the unit, microseconds */
	int32		asof_day;
	int32		ndays;			/* entries in days[] (sorted unique up to nsorted) */
	int32		nsorted;
	int32		cap;
	CrLtSums	s;				/* first/last day, spend totals (valid if ndays > 0) */
	uint64		zone_hash;		/* cr_zone_hash of the zone of the first row */
	int32	   *days;			/* cap + 1 entries (even padding for serialisation) */
	/* not serialized: the TimeZone of the group's first row (NULL once combined) */
	struct pg_tz *tz;
} LtState;

#define LT_SER_FIXED (offsetof(LtState, days))
#define LT_INLINE_CAP 6
#define LT_INLINE_DAYS(st) ((int32 *) ((char *) (st) + sizeof(LtState)))
#define LT_NFIELDS 4

static int
int32_cmp(const void *a, const void *b)
{
	int32		x = *(const int32 *) a,
				y = *(const int32 *) b;

	return (x > y) - (x < y);
}

/* Sort and deduplicate days[]. */
static void
lt_compact(LtState *st)
{
	int32		i,
				k = 0;

	if (st->nsorted == st->ndays)
		return;
	qsort(st->days, st->ndays, sizeof(int32), int32_cmp);
	for (i = 1; i < st->ndays; i++)
		if (st->days[i] != st->days[k])
			st->days[++k] = st->days[i];
	st->ndays = st->nsorted = st->ndays > 0 ? k + 1 : 0;
}

static void
lt_reserve(LtState *st, MemoryContext ctx, int32 more)
{
	int32		want = st->ndays + more;

	if (want <= st->cap)
		return;
	lt_compact(st);
	want = st->ndays + more;
	if (want <= st->cap && st->ndays <= st->cap / 2)
		return;
	st->cap = Max(Max(8, 2 * st->cap), want);
	if ((Size) st->cap + 2 >= MaxAllocSize / sizeof(int32))
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("lifetime_summary: too many purchase days in one group")));
	if (st->days == NULL || st->days == LT_INLINE_DAYS(st))
	{
		int32	   *days = MemoryContextAlloc(ctx, (st->cap + 2) * sizeof(int32));

		if (st->ndays > 0)
			memcpy(days, st->days, st->ndays * sizeof(int32));
		st->days = days;
	}
	else
		st->days = repalloc(st->days, (st->cap + 2) * sizeof(int32));
}

/*
 * A new state, with room for its first LT_INLINE_CAP days in the same
 * allocation (one palloc per member rather than two; most members have few
 * purchase days).
 */
static LtState *
lt_new(MemoryContext ctx)
{
	LtState    *st = MemoryContextAllocZero(ctx, sizeof(LtState) + (LT_INLINE_CAP + 2) * sizeof(int32));

	st->days = LT_INLINE_DAYS(st);
	st->cap = LT_INLINE_CAP;
	return st;
}

static void
lt_check_same(LtState *st, TimestampTz as_of, int64 unit)
{
	if (st->as_of != as_of)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of must be the same for every row of a group"),
				 errhint("Group by the cut-off too, for example GROUP BY member_id, as_of.")));
	if (st->unit_usecs != unit)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unit must be the same for every row of a group")));
}

/* The unit in microseconds (NULL: 1 day): a positive interval without months. */
int64
cr_lt_unit(const Interval *iv)
{
	int64		us;

	if (iv == NULL)
		return USECS_PER_DAY;
	if (iv->month != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unit must not have months or years"),
				 errhint("Use a fixed length such as '1 day' or '7 days' (a month is '30 days' in lifetimes' convention).")));
	/* checked arithmetic: '2147483647 days' overflows int64 microseconds */
	if (pg_mul_s64_overflow((int64) iv->day, USECS_PER_DAY, &us) ||
		pg_add_s64_overflow(us, iv->time, &us))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("unit is out of range")));
	if (us <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unit must be positive")));
	return us;
}

void
cr_lt_check_amount(double amount)
{
	if (isnan(amount) || isinf(amount))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("amount must be finite")));
}

PG_FUNCTION_INFO_V1(lifetime_summary_transfn);
Datum
lifetime_summary_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = cr_agg_context(fcinfo, "lifetime_summary_transfn");
	LtState    *st = PG_ARGISNULL(0) ? NULL : (LtState *) PG_GETARG_POINTER(0);
	TimestampTz ts,
				as_of;
	int64		unit;
	double		amount;
	int32		day;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	ts = PG_GETARG_TIMESTAMPTZ(1);
	as_of = PG_GETARG_TIMESTAMPTZ(2);
	amount = PG_GETARG_FLOAT8(3);
	unit = cr_lt_unit(PG_NARGS() < 5 || PG_ARGISNULL(4) ? NULL : PG_GETARG_INTERVAL_P(4));
	if (st == NULL)
	{
		cr_check_finite(as_of, "as_of");
		st = lt_new(aggctx);
		st->as_of = as_of;
		st->unit_usecs = unit;
		st->tz = session_timezone;
		st->zone_hash = cr_zone_hash(st->tz);
		st->asof_day = cr_local_day_cached_tz(fcinfo, as_of, st->tz);
	}
	else
		lt_check_same(st, as_of, unit);
	if (ts > as_of)
		PG_RETURN_POINTER(st);	/* after the cut-off, including +infinity */
	cr_check_finite(ts, "occurred_at");
	cr_lt_check_amount(amount);

	/*
	 * A purchase at or before as_of is on as_of's local day at the latest,
	 * as engagement_summary counts it: local days run backwards where the
	 * clocks went back across midnight (St. John's until 2010: 00:01 back to
	 * 23:01), and a purchase in the minute before such a change is on a
	 * later day than an as_of in the hour after it (it gave a recency beyond
	 * T, which bgnbd_fit refuses, and a partial state that
	 * lifetime_summary_deserialfn refuses).
	 */
	day = Min(cr_local_day_cached_tz(fcinfo, ts, st->tz), st->asof_day);
	lt_reserve(st, aggctx, 1);
	if (!cr_lt_add(&st->s, st->ndays == 0, day, amount))
		float_overflow_error();
	if (st->ndays == 0 || st->days[st->ndays - 1] != day)
	{
		/* purchases in time order (the usual case) keep days[] sorted and distinct */
		if (st->nsorted == st->ndays && (st->ndays == 0 || day > st->days[st->ndays - 1]))
			st->nsorted++;
		st->days[st->ndays++] = day;
	}
	PG_RETURN_POINTER(st);
}

PG_FUNCTION_INFO_V1(lifetime_summary_combinefn);
Datum
lifetime_summary_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = cr_agg_context(fcinfo, "lifetime_summary_combinefn");
	LtState    *a = PG_ARGISNULL(0) ? NULL : (LtState *) PG_GETARG_POINTER(0);
	LtState    *b = PG_ARGISNULL(1) ? NULL : (LtState *) PG_GETARG_POINTER(1);

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
	{
		/* b's as_of and unit; nothing counted yet (b's sums are added below) */
		a = lt_new(aggctx);
		memcpy(a, b, LT_SER_FIXED);
		a->ndays = a->nsorted = 0;
		a->cap = LT_INLINE_CAP;
		memset(&a->s, 0, sizeof(a->s));
	}
	else
	{
		lt_check_same(a, b->as_of, b->unit_usecs);
		cr_check_asof_days(a->asof_day, b->asof_day, a->zone_hash, b->zone_hash);
	}
	if (b->ndays == 0)
		PG_RETURN_POINTER(a);
	if (!cr_lt_merge(&a->s, a->ndays == 0, &b->s))
		float_overflow_error();
	lt_reserve(a, aggctx, b->ndays);
	memcpy(a->days + a->ndays, b->days, b->ndays * sizeof(int32));
	a->ndays += b->ndays;
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(lifetime_summary_serialfn);
Datum
lifetime_summary_serialfn(PG_FUNCTION_ARGS)
{
	LtState    *st = (LtState *) PG_GETARG_POINTER(0);

	lt_compact(st);
	if (st->ndays % 2 == 1)
		st->days[st->ndays] = 0;	/* padding of the last word */
	PG_RETURN_BYTEA_P(cr_words_serialize(st, LT_SER_FIXED, (const uint64 *) st->days,
										 (st->ndays + 1) / 2));
}

/*
 * A deserialized state as the transition, combine and serial functions
 * leave it (a deserial function may be handed any bytes, see cr_bad_state):
 * a finite as_of on a local day it has in some zone; its purchase days
 * sorted and distinct, from a finite timestamp's day to as_of's, the first
 * and last of them min_day and max_day; the repeat days' spend finite and
 * the first day's a number.  Forged ones gave a negative recency, a recency
 * beyond T or a NaN monetary_value.
 */
static void
lt_check_state(const LtState *st)
{
	const char *what = "lifetime_summary";
	int32		i;

	if (TIMESTAMP_NOT_FINITE(st->as_of) || st->as_of < MIN_TIMESTAMP || st->as_of >= END_TIMESTAMP)
		cr_bad_state(what, "Its as_of is not a finite timestamp.");
	if (!cr_asof_day_possible(st->as_of, st->asof_day))
		cr_bad_state(what, "Its day of as_of is not one as_of has in any time zone.");
	if (st->ndays == 0)
		return;
	if (st->s.min_day != st->days[0] || st->s.max_day != st->days[st->ndays - 1] ||
		st->s.max_day > st->asof_day ||
		st->s.min_day < cr_floor_div(MIN_TIMESTAMP, USECS_PER_DAY) - CR_MAX_ZONE_DAYS ||
		!isfinite(st->s.repeat_total) || isnan(st->s.first_total))
		cr_bad_state(what, "Its first and last purchase days or spends are not those of its days.");
	for (i = 1; i < st->ndays; i++)
		if (st->days[i] <= st->days[i - 1])
			cr_bad_state(what, "Its purchase days are not sorted and distinct.");
}

PG_FUNCTION_INFO_V1(lifetime_summary_deserialfn);
Datum
lifetime_summary_deserialfn(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	LtState		hdr;
	LtState    *st;
	int32	   *days;

	memset(&hdr, 0, sizeof(hdr));
	cr_words_header(in, &hdr, LT_SER_FIXED, "lifetime_summary");
	if (hdr.ndays < 0 || hdr.nsorted != hdr.ndays || hdr.unit_usecs <= 0)
		cr_bad_state("lifetime_summary", NULL);
	days = (int32 *) cr_words_body(in, LT_SER_FIXED, (hdr.ndays + 1) / 2, "lifetime_summary");
	/* the days in the state's own allocation, as lt_new does */
	st = palloc0(sizeof(LtState) + ((Size) hdr.ndays + 2) * sizeof(int32));
	memcpy(st, &hdr, LT_SER_FIXED);
	st->cap = st->ndays;
	st->days = LT_INLINE_DAYS(st);
	if (st->ndays > 0)
		memcpy(st->days, days, st->ndays * sizeof(int32));
	lt_check_state(st);
	PG_RETURN_POINTER(st);
}

/*
 * The blessed descriptor of a function's composite result type, cached in
 * fn_extra (which the caller must not use otherwise).
 */
TupleDesc
cr_result_tupdesc(FunctionCallInfo fcinfo, int natts, const char *type_name)
{
	TupleDesc	td;
	MemoryContext old;

	if (fcinfo->flinfo->fn_extra != NULL)
		return (TupleDesc) fcinfo->flinfo->fn_extra;
	if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("function returning record called in context that cannot accept type record")));
	if (td->natts != natts)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("type %s has %d attributes, expected %d", type_name, td->natts, natts)));
	old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
	td = BlessTupleDesc(CreateTupleDescCopy(td));
	MemoryContextSwitchTo(old);
	fcinfo->flinfo->fn_extra = td;
	return td;
}

PG_FUNCTION_INFO_V1(lifetime_summary_finalfn);
Datum
lifetime_summary_finalfn(PG_FUNCTION_ARGS)
{
	LtState    *st = PG_ARGISNULL(0) ? NULL : (LtState *) PG_GETARG_POINTER(0);
	TupleDesc	tupdesc;
	Datum		values[LT_NFIELDS];
	bool		nulls[LT_NFIELDS] = {false, false, false, false};
	CrLtSummary sum;

	if (st == NULL || st->ndays == 0)
		PG_RETURN_NULL();
	tupdesc = cr_result_tupdesc(fcinfo, LT_NFIELDS, "lifetime_summary");
	/* sorting and deduplicating the days leaves the state's meaning unchanged */
	lt_compact(st);
	cr_lt_finish(&st->s, st->ndays, st->asof_day,
				 (double) st->unit_usecs / (double) USECS_PER_DAY, &sum);
	values[0] = Int32GetDatum(sum.frequency);
	values[1] = Float8GetDatum(sum.recency);
	values[2] = Float8GetDatum(sum.T);
	values[3] = Float8GetDatum(sum.monetary_value);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}
