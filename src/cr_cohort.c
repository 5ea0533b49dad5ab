/*
 * cr_cohort.c
 *	  Cohort retention and RFM segments: engagement_periods (per member, which
 *	  of n periods after a start held activity), retention_curve (per cohort,
 *	  the share of members retained in each period) and rfm_segment.
 */
#include "community_retention.h"

#include <math.h>

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/int.h"
#include "common/int128.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/timestamp.h"

#include "cr_daybits.h"
#include "cr_engagement.h"

/* The most periods engagement_periods accepts. */
#define CR_MAX_PERIODS 10000

typedef struct PeriodsState
{
	TimestampTz start;
	TimestampTz as_of;
	Interval	period;
	int32		n;
	int32		nwords;
	uint64		bounds_hash;	/* of bounds[0..n], as the transition made them */
	/* serialized up to here, then the words */
	uint64	   *bits;			/* bit k-1 set: activity in period k */
	TimestampTz *bounds;		/* start + k * period, k = 0..n; lazily built */
} PeriodsState;

/* Whether an event fell in period k (1-based) */
static inline bool
period_marked(const PeriodsState *st, int32 k)
{
	return (st->bits[(k - 1) / 64] >> ((k - 1) % 64)) & 1;
}

#define PERIODS_SER_FIXED (offsetof(PeriodsState, bits))

static void period_out_of_range(void) pg_attribute_noreturn();

static void
period_out_of_range(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
			 errmsg("timestamp out of range")));
}

/*
 * start + k * period, with timestamptz + interval semantics (session
 * TimeZone): the months, then the days, then the time part are added, as
 * PostgreSQL adds an interval.  k * period need not fit an interval: the
 * time part is added in 128 bits, so a bound is refused only when it (or,
 * as in PostgreSQL, the date reached after the months or the days) is
 * beyond the timestamptz range.  A product of months or days that leaves
 * int32 is beyond it anyway (2^31 days are 5.8 million years).
 */
static TimestampTz
period_bound(TimestampTz start, const Interval *period, int32 k)
{
	Interval	m;
	TimestampTz t;
	INT128		sum;

	if (pg_mul_s32_overflow(period->day, k, &m.day) ||
		pg_mul_s32_overflow(period->month, k, &m.month))
		period_out_of_range();
	m.time = 0;
	t = DatumGetTimestampTz(DirectFunctionCall2(timestamptz_pl_interval,
												TimestampTzGetDatum(start),
												IntervalPGetDatum(&m)));
	sum = int64_to_int128(t);
	int128_add_int64_mul_int64(&sum, period->time, (int64) k);
	if (int128_compare(sum, int64_to_int128(MIN_TIMESTAMP)) < 0 ||
		int128_compare(sum, int64_to_int128(END_TIMESTAMP)) >= 0)
		period_out_of_range();
	return (TimestampTz) int128_to_int64(sum);
}

/*
 * Julian day of the local date of start (tm) plus k * period's months (to
 * the month's last day where the day is past it, as PostgreSQL does) and
 * k * period's days: the date of bound k on the local calendar, before the
 * clocks' changes map it to an instant.
 */
static int64
period_local_day(const struct pg_tm *tm, const Interval *period, int32 k)
{
	int64		months = (int64) tm->tm_year * MONTHS_PER_YEAR + (tm->tm_mon - 1) +
		(int64) period->month * k;
	int			year = (int) cr_floor_div(months, MONTHS_PER_YEAR);
	int			mon = (int) (months - (int64) year * MONTHS_PER_YEAR) + 1;
	int			mday = Min(tm->tm_mday, day_tab[isleap(year)][mon - 1]);

	return (int64) date2j(year, mon, mday) + (int64) period->day * k;
}

/*
 * Whether bound k is after bound k - 1 on the local calendar (dates and
 * the time part, no clock changes).  Where a zone skipped a whole day, as
 * Pacific/Apia did on 2011-12-30, two bounds a day apart on the calendar
 * are the same instant: that period is empty, as it is in the SQL
 * start + k * period, not a period that does not advance.
 */
static bool
period_advances(TimestampTz start, const Interval *period, int32 k)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;
	INT128		d;

	if (timestamp2tm(start, &tz, &tm, &fsec, NULL, NULL) != 0)
		period_out_of_range();
	d = int64_to_int128(0);
	int128_add_int64_mul_int64(&d, period_local_day(&tm, period, k) -
							   period_local_day(&tm, period, k - 1), USECS_PER_DAY);
	int128_add_int64(&d, period->time);
	return int128_compare(d, int64_to_int128(0)) > 0;
}

/*
 * Build the bounds (once) and return their hash.  The bounds follow the
 * session TimeZone, so a partial state made before a SET TimeZone between a
 * cursor's FETCHes (a plan that aggregates partially, partitionwise) may
 * mark its periods on another calendar than a state of the same group made
 * after it, or than the bounds the final function rebuilds after
 * deserialization: the hash tells them apart.
 */
static uint64
periods_bounds(PeriodsState *st, MemoryContext ctx)
{
	int32		k;

	if (st->bounds != NULL)
		return st->bounds_hash;
	st->bounds = MemoryContextAlloc(ctx, ((Size) st->n + 1) * sizeof(TimestampTz));
	st->bounds[0] = st->start;
	for (k = 1; k <= st->n; k++)
	{
		st->bounds[k] = period_bound(st->start, &st->period, k);
		if (st->bounds[k] < st->bounds[k - 1] ||
			(st->bounds[k] == st->bounds[k - 1] &&
			 !period_advances(st->start, &st->period, k)))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("period must be positive"),
					 errdetail("Period %d would end at or before it starts.", k)));
		if (TIMESTAMP_NOT_FINITE(st->bounds[k]))
			period_out_of_range();
	}
	return hash_bytes_extended((const unsigned char *) st->bounds,
							   (int) (((Size) st->n + 1) * sizeof(TimestampTz)), 0);
}

/* 22023 unless two sets of a group's period bounds are the same */
static void
periods_check_calendar(uint64 a, uint64 b)
{
	if (a != b)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the period bounds of a group differ between its partial states"),
				 errdetail("TimeZone changed while the query ran."),
				 errhint("Set TimeZone before a query, or before a cursor's DECLARE, not between its FETCHes.")));
}

static void
periods_check_same(const PeriodsState *st, TimestampTz start, const Interval *period,
				   int32 n, TimestampTz as_of)
{
	if (st->start != start || st->as_of != as_of || st->n != n ||
		st->period.time != period->time || st->period.day != period->day ||
		st->period.month != period->month)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("start, period, n and as_of must be the same for every row of a group")));
}

PG_FUNCTION_INFO_V1(engagement_periods_transfn);
Datum
engagement_periods_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = cr_agg_context(fcinfo, "engagement_periods_transfn");
	PeriodsState *st = PG_ARGISNULL(0) ? NULL : (PeriodsState *) PG_GETARG_POINTER(0);
	TimestampTz start,
				as_of,
				ts;
	Interval   *period;
	int32		n,
				lo,
				hi;

	/* rows without the member's parameters are skipped */
	if (PG_ARGISNULL(2) || PG_ARGISNULL(3) || PG_ARGISNULL(4) || PG_ARGISNULL(5))
	{
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	start = PG_GETARG_TIMESTAMPTZ(2);
	period = PG_GETARG_INTERVAL_P(3);
	n = PG_GETARG_INT32(4);
	as_of = PG_GETARG_TIMESTAMPTZ(5);

	if (st == NULL)
	{
		if (n < 1 || n > CR_MAX_PERIODS)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("n must be between 1 and %d", CR_MAX_PERIODS)));
		cr_check_finite(start, "start");
		cr_check_finite(as_of, "as_of");
		st = MemoryContextAllocZero(aggctx, sizeof(PeriodsState));
		st->start = start;
		st->as_of = as_of;
		st->period = *period;
		st->n = n;
		st->nwords = (n + 63) / 64;
		st->bits = MemoryContextAllocZero(aggctx, st->nwords * sizeof(uint64));
		st->bounds_hash = periods_bounds(st, aggctx);
	}
	else
		periods_check_same(st, start, period, n, as_of);

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(st);
	ts = PG_GETARG_TIMESTAMPTZ(1);
	periods_bounds(st, aggctx);
	if (ts > st->as_of || ts < st->bounds[0] || ts >= st->bounds[st->n])
		PG_RETURN_POINTER(st);

	/* the period k with bounds[k-1] <= ts < bounds[k] */
	lo = 1;
	hi = st->n;
	while (lo < hi)
	{
		int32		mid = lo + (hi - lo) / 2;

		if (ts < st->bounds[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	st->bits[(lo - 1) / 64] |= UINT64CONST(1) << ((lo - 1) % 64);
	PG_RETURN_POINTER(st);
}

static PeriodsState *
periods_copy(const PeriodsState *src, MemoryContext ctx)
{
	PeriodsState *st = MemoryContextAlloc(ctx, sizeof(PeriodsState));

	memcpy(st, src, PERIODS_SER_FIXED);
	st->bits = MemoryContextAlloc(ctx, src->nwords * sizeof(uint64));
	memcpy(st->bits, src->bits, src->nwords * sizeof(uint64));
	st->bounds = NULL;
	return st;
}

PG_FUNCTION_INFO_V1(engagement_periods_combinefn);
Datum
engagement_periods_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = cr_agg_context(fcinfo, "engagement_periods_combinefn");
	PeriodsState *a = PG_ARGISNULL(0) ? NULL : (PeriodsState *) PG_GETARG_POINTER(0);
	PeriodsState *b = PG_ARGISNULL(1) ? NULL : (PeriodsState *) PG_GETARG_POINTER(1);
	int32		i;

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
		return PointerGetDatum(periods_copy(b, aggctx));
	periods_check_same(a, b->start, &b->period, b->n, b->as_of);
	periods_check_calendar(a->bounds_hash, b->bounds_hash);
	for (i = 0; i < a->nwords; i++)
		a->bits[i] |= b->bits[i];
	PG_RETURN_POINTER(a);
}

PG_FUNCTION_INFO_V1(engagement_periods_serialfn);
Datum
engagement_periods_serialfn(PG_FUNCTION_ARGS)
{
	PeriodsState *st = (PeriodsState *) PG_GETARG_POINTER(0);

	PG_RETURN_BYTEA_P(cr_words_serialize(st, PERIODS_SER_FIXED, st->bits, st->nwords));
}

/*
 * A deserialized state as the transition function leaves it (a deserial
 * function may be handed any bytes, see cr_bad_state), as far as it can be
 * told without the period bounds: a finite start and as_of (the transition
 * function refuses others), no bit for a period after the n-th, and a bit
 * only if start <= as_of (a bit is an event in [start, as_of]).  The bounds
 * themselves, and the bits against them, are checked when the final
 * function builds them (periods_check_bits).
 */
static void
periods_check_state(const PeriodsState *st)
{
	int			tail = st->n % 64;
	bool		any = false;

	if (TIMESTAMP_NOT_FINITE(st->start) || TIMESTAMP_NOT_FINITE(st->as_of))
		cr_bad_state("engagement_periods", "Its start or as_of is not finite.");
	if (tail != 0 && (st->bits[st->nwords - 1] >> tail) != 0)
		cr_bad_state("engagement_periods", "It marks a period after the last of its %d.", st->n);
	for (int32 i = 0; i < st->nwords && !any; i++)
		any = st->bits[i] != 0;
	if (any && st->start > st->as_of)
		cr_bad_state("engagement_periods", "It marks a period although its start is after its as_of.");
}

PG_FUNCTION_INFO_V1(engagement_periods_deserialfn);
Datum
engagement_periods_deserialfn(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	PeriodsState *st = palloc0(sizeof(PeriodsState));

	cr_words_header(in, st, PERIODS_SER_FIXED, "engagement_periods");
	if (st->n < 1 || st->n > CR_MAX_PERIODS || st->nwords != (st->n + 63) / 64)
		cr_bad_state("engagement_periods", NULL);
	st->bits = cr_words_body(in, PERIODS_SER_FIXED, st->nwords, "engagement_periods");
	st->bounds = NULL;
	periods_check_state(st);
	PG_RETURN_POINTER(st);
}

/*
 * The rest of periods_check_state, once the bounds are known: a bit only
 * for a period an event at or before as_of can be in, not an empty one (a
 * day the clocks skipped) nor one starting after as_of.
 */
static void
periods_check_bits(const PeriodsState *st)
{
	for (int32 k = 1; k <= st->n; k++)
		if (period_marked(st, k) &&
			(st->bounds[k] == st->bounds[k - 1] || st->bounds[k - 1] > st->as_of))
			cr_bad_state("engagement_periods", "It marks period %d, which no event at or before its as_of can be in.", k);
}

PG_FUNCTION_INFO_V1(engagement_periods_finalfn);
Datum
engagement_periods_finalfn(PG_FUNCTION_ARGS)
{
	PeriodsState *st = PG_ARGISNULL(0) ? NULL : (PeriodsState *) PG_GETARG_POINTER(0);
	Datum	   *values;
	bool	   *nulls;
	int			dims[1];
	int			lbs[1] = {1};
	int32		k;

	if (st == NULL)
		PG_RETURN_NULL();
	/*
	 * The bounds live as long as the state; they are NULL only after
	 * deserialization (and the combine function's copy of such a state),
	 * so the bits are checked against them then, and the bounds against
	 * the hash of the ones the transition function marked the bits by.
	 */
	if (st->bounds == NULL)
	{
		MemoryContext aggctx;

		if (!AggCheckCallContext(fcinfo, &aggctx))
			aggctx = CurrentMemoryContext;
		periods_check_calendar(periods_bounds(st, aggctx), st->bounds_hash);
		periods_check_bits(st);
	}
	values = palloc(st->n * sizeof(Datum));
	nulls = palloc(st->n * sizeof(bool));
	for (k = 1; k <= st->n; k++)
	{
		nulls[k - 1] = st->bounds[k] > st->as_of;	/* not fully elapsed */
		values[k - 1] = BoolGetDatum(period_marked(st, k));
	}
	dims[0] = st->n;
	PG_RETURN_ARRAYTYPE_P(construct_md_array(values, nulls, 1, dims, lbs,
											 BOOLOID, 1, true, TYPALIGN_CHAR));
}

/* ------------------------------------------------------------------------
 * retention_curve(periods boolean[] [, unbounded boolean]) -> float8[]
 *
 * State float8[]: {mode, retained_1, elapsed_1, retained_2, elapsed_2, ...};
 * mode 0 = no member yet, 1 = "on" retention, 2 = "unbounded".
 * ------------------------------------------------------------------------
 */
#define RC_MAX_LEN CR_MAX_PERIODS

static ArrayType *
rc_make(int len)
{
	Size		nbytes = ARR_OVERHEAD_NONULLS(1) + (Size) (1 + 2 * len) * sizeof(float8);
	ArrayType  *a = palloc0(nbytes);

	SET_VARSIZE(a, nbytes);
	a->ndim = 1;
	a->dataoffset = 0;
	a->elemtype = FLOAT8OID;
	ARR_DIMS(a)[0] = 1 + 2 * len;
	ARR_LBOUND(a)[0] = 1;
	return a;
}

static void rc_invalid_state(void) pg_attribute_noreturn();

static void
rc_invalid_state(void)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("retention_curve: invalid state array")));
}

static float8 *
rc_data(ArrayType *a, int *len)
{
	float8	   *s;

	if (ARR_NDIM(a) != 1 || array_contains_nulls(a) || ARR_ELEMTYPE(a) != FLOAT8OID ||
		ARR_DIMS(a)[0] < 1 || ARR_DIMS(a)[0] % 2 != 1 || ARR_DIMS(a)[0] > 1 + 2 * RC_MAX_LEN)
		rc_invalid_state();
	*len = (ARR_DIMS(a)[0] - 1) / 2;
	s = (float8 *) CR_ARR_DATA_NONULLS(a);
	if (s[0] != 0 && s[0] != 1 && s[0] != 2)
		rc_invalid_state();
	return s;
}

/*
 * A state at least len periods long: a itself, or a longer copy in the
 * current (per-call) memory context, which the executor copies into the
 * aggregate context as it does for any new transition value.
 */
static ArrayType *
rc_ensure(ArrayType *a, int len, bool copy)
{
	int			cur;
	float8	   *src = rc_data(a, &cur);
	ArrayType  *b;

	if (cur >= len && !copy)
		return a;
	b = rc_make(Max(cur, len));
	memcpy((char *) b + ARR_OVERHEAD_NONULLS(1), src, (Size) (1 + 2 * cur) * sizeof(float8));
	return b;
}

static void
rc_mode(float8 *s, float8 mode)
{
	if (s[0] == 0)
		s[0] = mode;
	else if (s[0] != mode)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unbounded must be the same for every row of a group")));
}

static Datum
rc_trans(FunctionCallInfo fcinfo, bool unbounded)
{
	bool		in_agg = AggCheckCallContext(fcinfo, NULL);
	/* NULL: no initial condition (a user's aggregate, or a direct call) */
	ArrayType  *state = PG_ARGISNULL(0) ? rc_make(0) : PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *periods;
	Datum	   *elems;
	bool	   *enulls;
	int			n,
				len,
				k;
	float8	   *s;
	bool		later = false;

	if (PG_ARGISNULL(1))
		PG_RETURN_ARRAYTYPE_P(in_agg ? state : rc_ensure(state, 0, true));
	periods = PG_GETARG_ARRAYTYPE_P(1);
	if (ARR_NDIM(periods) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("periods must be a one-dimensional array")));
	deconstruct_array(periods, BOOLOID, 1, true, TYPALIGN_CHAR, &elems, &enulls, &n);
	if (n > RC_MAX_LEN)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("periods may have at most %d elements", RC_MAX_LEN)));

	state = rc_ensure(state, n, !in_agg);
	s = rc_data(state, &len);
	rc_mode(s, unbounded ? 2 : 1);
	for (k = n - 1; k >= 0; k--)
	{
		if (enulls[k])
			continue;			/* not elapsed: neither retained nor counted */
		if (DatumGetBool(elems[k]))
			later = true;
		s[1 + 2 * k + 1] += 1;
		if (unbounded ? later : DatumGetBool(elems[k]))
			s[1 + 2 * k] += 1;
	}
	PG_RETURN_ARRAYTYPE_P(state);
}

PG_FUNCTION_INFO_V1(retention_curve_transfn);
Datum
retention_curve_transfn(PG_FUNCTION_ARGS)
{
	return rc_trans(fcinfo, false);
}

PG_FUNCTION_INFO_V1(retention_curve_unbounded_transfn);
Datum
retention_curve_unbounded_transfn(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(2))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("unbounded must not be null")));
	return rc_trans(fcinfo, PG_GETARG_BOOL(2));
}

PG_FUNCTION_INFO_V1(retention_curve_combinefn);
Datum
retention_curve_combinefn(PG_FUNCTION_ARGS)
{
	bool		in_agg = AggCheckCallContext(fcinfo, NULL);
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *b = PG_GETARG_ARRAYTYPE_P(1);
	int			la,
				lb,
				k;
	float8	   *sa,
			   *sb = rc_data(b, &lb);

	if (sb[0] == 0)
		PG_RETURN_ARRAYTYPE_P(in_agg ? a : rc_ensure(a, 0, true));
	a = rc_ensure(a, lb, !in_agg);
	sa = rc_data(a, &la);
	rc_mode(sa, sb[0]);
	for (k = 0; k < 2 * lb; k++)
		sa[1 + k] += sb[1 + k];
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(retention_curve_finalfn);
Datum
retention_curve_finalfn(PG_FUNCTION_ARGS)
{
	int			len,
				k;
	float8	   *s = rc_data(PG_GETARG_ARRAYTYPE_P(0), &len);
	Datum	   *values;
	bool	   *nulls;
	int			dims[1];
	int			lbs[1] = {1};

	if (s[0] == 0)
		PG_RETURN_NULL();
	values = palloc((len + 1) * sizeof(Datum));
	nulls = palloc((len + 1) * sizeof(bool));
	for (k = 0; k < len; k++)
	{
		float8		retained = s[1 + 2 * k],
					elapsed = s[1 + 2 * k + 1];

		/* only a state built by hand has other counts */
		if (!(elapsed >= 0 && elapsed <= 9007199254740992.0) || elapsed != floor(elapsed) ||
			!(retained >= 0 && retained <= elapsed) || retained != floor(retained))
			rc_invalid_state();
		nulls[k] = s[1 + 2 * k + 1] == 0;
		values[k] = Float8GetDatum(nulls[k] ? 0 : s[1 + 2 * k] / s[1 + 2 * k + 1]);
	}
	dims[0] = len;
	PG_RETURN_ARRAYTYPE_P(construct_md_array(values, nulls, 1, dims, lbs,
											 FLOAT8OID, 8, FLOAT8PASSBYVAL, TYPALIGN_DOUBLE));
}

/* ------------------------------------------------------------------------
 * rfm_segment(recency_score, frequency_score, monetary_score) -> text
 *
 * Rows: recency score R 1..5; columns: FM = round-half-up((F + M) / 2).
 * ------------------------------------------------------------------------
 */
static const char *const rfm_grid[5][5] = {
	/* R = 1 */ {"Lost", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"},
	/* R = 2 */ {"Hibernating", "Hibernating", "At Risk", "At Risk", "Can't Lose Them"},
	/* R = 3 */ {"About to Sleep", "About to Sleep", "Need Attention", "Loyal", "Loyal"},
	/* R = 4 */ {"Promising", "Potential Loyalist", "Potential Loyalist", "Loyal", "Loyal"},
	/* R = 5 */ {"New", "Potential Loyalist", "Potential Loyalist", "Champions", "Champions"},
};

PG_FUNCTION_INFO_V1(rfm_segment);
Datum
rfm_segment(PG_FUNCTION_ARGS)
{
	int32		r = PG_GETARG_INT32(0);
	int32		f = PG_GETARG_INT32(1);
	int32		m = PG_GETARG_INT32(2);
	int32		fm;

	if (r >= 1 && r <= 5 && f >= 1 && f <= 5 && m >= 1 && m <= 5)
	{
		fm = (f + m + 1) / 2;
		PG_RETURN_TEXT_P(cstring_to_text(rfm_grid[r - 1][fm - 1]));
	}
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("RFM scores must be between 1 and 5"),
			 errdetail("Got recency %d, frequency %d, monetary %d.", r, f, m),
			 errhint("Compute scores with ntile(5), recency reversed so that 5 is the most recent.")));
	PG_RETURN_NULL();
}
