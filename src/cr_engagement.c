/*
 * cr_engagement.c
 *	  Engagement features from raw activity events, as aggregates:
 *	  engagement_summary (the composite `engagement`) and engagement_decay.
 *
 * engagement_summary keeps, per group, a bitmap of the member's active local
 * calendar days (session TimeZone, as date_trunc('day', ts) would give) plus
 * a few sums; everything else (windows, streaks, gaps, trend) is read from
 * the bitmap by the plain-C kernel in cr_daybits.c at the end.  Memory per
 * group is bounded by the member's active span (one bit a day, at most
 * CR_MAX_SPAN_DAYS days).
 */
#include "community_retention.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "common/int.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "utils/array.h"
#include "pgtime.h"
#include "port/pg_bitutils.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/float.h"
#include "utils/timestamp.h"

#include "cr_daybits.h"
#include "cr_engagement.h"

/* About 100 years of days: the widest span of active days one group may hold. */
#define CR_MAX_SPAN_DAYS 36600

/* Half-life of decayed_activity, in microseconds (14 days). */
#define CR_SUMMARY_HALF_LIFE ((double) 14 * USECS_PER_DAY)

#define CR_LN2 0.69314718055994530942

typedef struct EngState
{
	TimestampTz as_of;
	TimestampTz first_seen;
	TimestampTz last_seen;
	int64		events;
	double		decayed;
	double		amount_total;
	double		amount_30;
	int32		asof_day;		/* local day number of as_of */
	int32		min_day;		/* smallest active day (valid if events > 0) */
	int32		max_day;
	int32		base;			/* day of bit 0, a multiple of 64 */
	int32		nwords;			/* words in bits (0 until the first event) */
	bool		has_amount;		/* the 3-argument form */
	uint64		zone_hash;		/* cr_zone_hash of the zone of the first row */
	uint64	   *bits;
	/* not serialized: the TimeZone of the group's first row (NULL once deserialized) */
	pg_tz	   *tz;
} EngState;

/* Serialized header: the fixed fields, then nwords uint64 words. */
#define ENG_SER_FIXED (offsetof(EngState, bits))

/*
 * Local calendar day number (days since 2000-01-01) of a finite timestamptz
 * in the time zone zone: the day date_trunc('day', ts) would give with
 * zone as the session TimeZone.
 */
static int32
cr_local_day(TimestampTz ts, pg_tz *zone)
{
	struct pg_tm tm;
	fsec_t		fsec;
	int			tz;

	if (timestamp2tm(ts, &tz, &tm, &fsec, NULL, zone) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("timestamp out of range")));
	return date2j(tm.tm_year, tm.tm_mon, tm.tm_mday) - POSTGRES_EPOCH_JDATE;
}

/*
 * The same, faster: a per-call-site cache (fn_extra) of a few intervals of
 * UTC time over which the zone's UTC offset is constant.  A miss asks the
 * time zone library for the offset at ts and the next transition after it,
 * which gives the interval [ts, next transition); an interval already cached
 * with the same end and offset is extended down to ts instead.  With events
 * in any order, each offset regime is then missed about log(n) times.
 */
#define CR_TZ_SLOTS 4
#define CR_UNIX_EPOCH_SECS ((int64) (POSTGRES_EPOCH_JDATE - UNIX_EPOCH_JDATE) * SECS_PER_DAY)

typedef struct CrTzCache
{
	pg_tz	   *tz;				/* the zone the intervals belong to */
	int			used;
	int			victim;			/* next slot to replace */
	TimestampTz lo[CR_TZ_SLOTS];	/* intervals [lo, hi) */
	TimestampTz hi[CR_TZ_SLOTS];
	int64		off[CR_TZ_SLOTS];	/* UTC offset, microseconds east */
} CrTzCache;

int32
cr_local_day_cached(FunctionCallInfo fcinfo, TimestampTz ts)
{
	return cr_local_day_cached_tz(fcinfo, ts, session_timezone);
}

int32
cr_local_day_cached_tz(FunctionCallInfo fcinfo, TimestampTz ts, pg_tz *zone)
{
	CrTzCache  *c = (CrTzCache *) fcinfo->flinfo->fn_extra;
	pg_time_t	t,
				boundary;
	long int	before_off,
				after_off;
	int			before_dst,
				after_dst,
				r,
				i;
	TimestampTz hi;
	int64		off;

	if (c == NULL || c->tz != zone)
	{
		if (c == NULL)
			c = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(CrTzCache));
		memset(c, 0, sizeof(CrTzCache));
		c->tz = zone;
		fcinfo->flinfo->fn_extra = c;
	}
	for (i = 0; i < c->used; i++)
		if (ts >= c->lo[i] && ts < c->hi[i])
			return (int32) cr_floor_div(ts + c->off[i], USECS_PER_DAY);

	t = (pg_time_t) (cr_floor_div(ts, USECS_PER_SEC) + CR_UNIX_EPOCH_SECS);
	r = pg_next_dst_boundary(&t, &before_off, &before_dst, &boundary,
							 &after_off, &after_dst, zone);
	if (r < 0)
		return cr_local_day(ts, zone);
	if (r == 0)
	{
		/*
		 * No boundary after t, or t exactly on the last transition of the
		 * zone's table, where pg_next_dst_boundary also answers 0 although
		 * the zone's rule goes on (America/New_York on 2769-11-02 06:00
		 * UTC): ask again a second later, keeping t's own offset.
		 */
		pg_time_t	t1 = t + 1;
		long int	off1;
		int			dst1;

		r = pg_next_dst_boundary(&t1, &off1, &dst1, &boundary,
								 &after_off, &after_dst, zone);
		if (r < 0)
			return cr_local_day(ts, zone);
	}
	hi = (r == 0 || boundary - CR_UNIX_EPOCH_SECS >= (END_TIMESTAMP / USECS_PER_SEC))
		? DT_NOEND : (TimestampTz) (boundary - CR_UNIX_EPOCH_SECS) * USECS_PER_SEC;
	off = (int64) before_off * USECS_PER_SEC;

	for (i = 0; i < c->used; i++)
		if (c->hi[i] == hi && c->off[i] == off)
			break;
	if (i == c->used)
	{
		if (c->used < CR_TZ_SLOTS)
			i = c->used++;
		else
		{
			i = c->victim;
			c->victim = (c->victim + 1) % CR_TZ_SLOTS;
		}
		c->lo[i] = ts;
		c->hi[i] = hi;
		c->off[i] = off;
	}
	else if (ts < c->lo[i])
		c->lo[i] = ts;
	return (int32) cr_floor_div(ts + off, USECS_PER_DAY);
}

/*
 * as_of - ts in microseconds, as a double.  Two finite timestamps can be
 * further apart than int64 holds (4713 BC to 294276 AD), so an overflowing
 * difference is taken in doubles instead of wrapping around.
 */
static double
cr_age_usecs(TimestampTz as_of, TimestampTz ts)
{
	int64		d;

	if (pg_sub_s64_overflow(as_of, ts, &d))
		return (double) as_of - (double) ts;
	return (double) d;
}

/*
 * a + b for sums of amounts, raising 22003 when finite amounts overflow to
 * infinity, as sum(float8) does; NaN and infinite amounts propagate as there.
 */
static inline double
cr_sum_add(double a, double b)
{
	double		r = a + b;

	if (unlikely(isinf(r)) && !isinf(a) && !isinf(b))
		float_overflow_error();
	return r;
}

MemoryContext
cr_agg_context(FunctionCallInfo fcinfo, const char *name)
{
	MemoryContext aggctx;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s called in non-aggregate context", name)));
	return aggctx;
}

/* Make the bitmap cover the days [lo, hi]; grows geometrically. */
static void
eng_cover(EngState *st, MemoryContext ctx, int32 lo, int32 hi)
{
	int64		cur_lo = st->base;
	int64		cur_hi = (int64) st->base + (int64) st->nwords * 64;	/* exclusive */
	int64		new_lo,
				new_hi;
	int64		span_lo = Min((int64) lo, st->events > 0 ? (int64) st->min_day : (int64) lo);
	int64		span_hi = Max((int64) hi, st->events > 0 ? (int64) st->max_day : (int64) hi);
	uint64	   *nb;

	if (span_hi - span_lo + 1 > CR_MAX_SPAN_DAYS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("activity of one group spans more than %d days", CR_MAX_SPAN_DAYS),
				 errdetail("The first and last active days are %lld days apart.",
						   (long long) (span_hi - span_lo)),
				 errhint("Check for placeholder timestamps such as 1900-01-01 or 0001-01-01, or filter events by date.")));

	if (st->nwords > 0 && lo >= cur_lo && hi < cur_hi)
		return;

	if (st->nwords == 0)
	{
		new_lo = cr_daybits_align(lo);
		new_hi = (int64) cr_daybits_align(hi) + 64;
		if (new_hi - new_lo < 128)
			new_hi = new_lo + 128;
	}
	else
	{
		int64		width = cur_hi - cur_lo;

		new_lo = Min(cur_lo, (int64) cr_daybits_align(lo));
		new_hi = Max(cur_hi, (int64) cr_daybits_align(hi) + 64);
		/* grow at least to double the width, on the side that grew */
		if (new_hi - new_lo < 2 * width)
		{
			if (new_lo < cur_lo)
				new_lo = new_hi - 2 * width;
			else
				new_hi = new_lo + 2 * width;
		}
		/* keep the allocation itself bounded too */
		if (new_hi - new_lo > CR_MAX_SPAN_DAYS + 192)
		{
			new_lo = Max(new_lo, (int64) cr_daybits_align((int32) span_lo));
			new_hi = Min(new_hi, (int64) cr_daybits_align((int32) span_hi) + 64);
		}
		if (new_lo < PG_INT32_MIN + 64 || new_hi > PG_INT32_MAX - 64)
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("timestamp out of range")));
	}

	nb = MemoryContextAllocZero(ctx, (Size) ((new_hi - new_lo) / 64) * sizeof(uint64));
	if (st->nwords > 0)
	{
		cr_daybits_or(nb, (int32) new_lo, (int32) ((new_hi - new_lo) / 64),
					  st->bits, st->base, st->nwords);
		pfree(st->bits);
	}
	st->bits = nb;
	st->base = (int32) new_lo;
	st->nwords = (int32) ((new_hi - new_lo) / 64);
}

void
cr_check_finite(TimestampTz ts, const char *what)
{
	if (TIMESTAMP_NOT_FINITE(ts))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be finite", what)));
}

static void
eng_check_as_of(EngState *st, TimestampTz as_of)
{
	char	   *was,
			   *now;

	if (st->as_of == as_of)
		return;
	/* timestamptz_to_str returns a static buffer */
	was = pstrdup(timestamptz_to_str(st->as_of));
	now = pstrdup(timestamptz_to_str(as_of));
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("as_of must be the same for every row of a group"),
			 errdetail("Found %s and %s.", was, now),
			 errhint("Group by the cut-off too, for example GROUP BY member_id, as_of.")));
}

static EngState *
eng_new(MemoryContext ctx, TimestampTz as_of, bool has_amount)
{
	EngState   *st = MemoryContextAllocZero(ctx, sizeof(EngState));

	cr_check_finite(as_of, "as_of");
	st->as_of = as_of;
	st->tz = session_timezone;
	st->zone_hash = cr_zone_hash(st->tz);
	st->asof_day = cr_local_day(as_of, st->tz);
	st->has_amount = has_amount;
	return st;
}

PG_FUNCTION_INFO_V1(engagement_summary_transfn);
Datum
engagement_summary_transfn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = cr_agg_context(fcinfo, "engagement_summary_transfn");
	EngState   *st = PG_ARGISNULL(0) ? NULL : (EngState *) PG_GETARG_POINTER(0);
	bool		has_amount = PG_NARGS() > 3;
	TimestampTz ts,
				as_of;
	int32		day;

	if (PG_ARGISNULL(2))
	{
		if (st == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(st);
	}
	as_of = PG_GETARG_TIMESTAMPTZ(2);
	if (st == NULL)
		st = eng_new(aggctx, as_of, has_amount);
	else
		eng_check_as_of(st, as_of);

	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(st);
	ts = PG_GETARG_TIMESTAMPTZ(1);
	if (ts > as_of)
		PG_RETURN_POINTER(st);	/* the future, including +infinity */
	cr_check_finite(ts, "occurred_at");

	/*
	 * An event at or before as_of counts on as_of's local day at the latest.
	 * Local days can run backwards where the clocks went back across
	 * midnight (St. John's until 2010: 00:01 back to 23:01), and an event in
	 * the minute before such a change is then on a later day than an as_of
	 * in the hour after it.
	 */
	day = Min(cr_local_day_cached_tz(fcinfo, ts, st->tz), st->asof_day);
	eng_cover(st, aggctx, day, day);
	cr_daybits_set(st->bits, st->base, day);
	if (st->events == 0)
	{
		st->first_seen = st->last_seen = ts;
		st->min_day = st->max_day = day;
	}
	else
	{
		if (ts < st->first_seen)
			st->first_seen = ts;
		if (ts > st->last_seen)
			st->last_seen = ts;
		if (day < st->min_day)
			st->min_day = day;
		if (day > st->max_day)
			st->max_day = day;
	}
	st->events++;
	st->decayed += exp(-CR_LN2 * cr_age_usecs(as_of, ts) / CR_SUMMARY_HALF_LIFE);
	if (has_amount && !PG_ARGISNULL(3))
	{
		double		amount = PG_GETARG_FLOAT8(3);

		st->amount_total = cr_sum_add(st->amount_total, amount);
		if (day > st->asof_day - 30)
			st->amount_30 = cr_sum_add(st->amount_30, amount);
	}
	PG_RETURN_POINTER(st);
}

/*
 * A hash of the name of zone, which a partial state carries: the states a
 * leader's workers make have the same (they run in the leader's TimeZone).
 */
uint64
cr_zone_hash(pg_tz *zone)
{
	const char *name = pg_get_timezone_name(zone);

	return hash_bytes_extended((const unsigned char *) name, (int) strlen(name), 0);
}

/*
 * Two partial states of a group whose as_of is on local days a and b, made
 * in the zones of hashes zone_a and zone_b: the same day and zone, unless
 * TimeZone changed between a cursor's FETCHes (a plan that aggregates
 * partially, partitionwise, may make a group's partial states on both
 * sides of a SET TimeZone); their days are of two calendars then, even
 * where as_of is on the same local day in both.
 */
void
cr_check_asof_days(int32 a, int32 b, uint64 zone_a, uint64 zone_b)
{
	if (a != b)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of is on different local days in the partial states of a group"),
				 errdetail("as_of is day %d in one and day %d in the other: TimeZone changed while the query ran.",
						   a, b),
				 errhint("Set TimeZone before a query, or before a cursor's DECLARE, not between its FETCHes.")));
	if (zone_a != zone_b)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("the partial states of a group were made in different time zones"),
				 errdetail("TimeZone changed while the query ran."),
				 errhint("Set TimeZone before a query, or before a cursor's DECLARE, not between its FETCHes.")));
}

PG_FUNCTION_INFO_V1(engagement_summary_combinefn);
Datum
engagement_summary_combinefn(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx = cr_agg_context(fcinfo, "engagement_summary_combinefn");
	EngState   *a = PG_ARGISNULL(0) ? NULL : (EngState *) PG_GETARG_POINTER(0);
	EngState   *b = PG_ARGISNULL(1) ? NULL : (EngState *) PG_GETARG_POINTER(1);

	if (b == NULL)
	{
		if (a == NULL)
			PG_RETURN_NULL();
		PG_RETURN_POINTER(a);
	}
	if (a == NULL)
	{
		a = MemoryContextAlloc(aggctx, sizeof(EngState));
		memcpy(a, b, sizeof(EngState));
		a->bits = NULL;
		if (b->nwords > 0)
		{
			a->bits = MemoryContextAlloc(aggctx, b->nwords * sizeof(uint64));
			memcpy(a->bits, b->bits, b->nwords * sizeof(uint64));
		}
		PG_RETURN_POINTER(a);
	}
	eng_check_as_of(a, b->as_of);
	cr_check_asof_days(a->asof_day, b->asof_day, a->zone_hash, b->zone_hash);
	if (b->events == 0)
		PG_RETURN_POINTER(a);
	/* only forged partial states hold counts that overflow together */
	if (b->events > PG_INT64_MAX - a->events)
		cr_bad_state("engagement_summary",
					 "Its count of events and another partial state's add up to more than 2^63 - 1.");

	eng_cover(a, aggctx, b->min_day, b->max_day);
	cr_daybits_or(a->bits, a->base, a->nwords, b->bits, b->base, b->nwords);
	if (a->events == 0)
	{
		a->first_seen = b->first_seen;
		a->last_seen = b->last_seen;
		a->min_day = b->min_day;
		a->max_day = b->max_day;
	}
	else
	{
		a->first_seen = Min(a->first_seen, b->first_seen);
		a->last_seen = Max(a->last_seen, b->last_seen);
		a->min_day = Min(a->min_day, b->min_day);
		a->max_day = Max(a->max_day, b->max_day);
	}
	a->events += b->events;
	a->decayed += b->decayed;
	a->amount_total = cr_sum_add(a->amount_total, b->amount_total);
	a->amount_30 = cr_sum_add(a->amount_30, b->amount_30);
	PG_RETURN_POINTER(a);
}

/*
 * Serialized states are a fixed-size header (the leading fields of the state
 * struct, copied as they are: the state never leaves this server version)
 * followed by an array of 64-bit words.
 */
bytea *
cr_words_serialize(const void *fixed, Size fixed_len, const uint64 *words, int32 nwords)
{
	Size		len = fixed_len + (Size) nwords * sizeof(uint64);
	bytea	   *out = palloc(VARHDRSZ + len);

	SET_VARSIZE(out, VARHDRSZ + len);
	memcpy(VARDATA(out), fixed, fixed_len);
	if (nwords > 0)
		memcpy(VARDATA(out) + fixed_len, words, nwords * sizeof(uint64));
	return out;
}

void
cr_words_header(bytea *in, void *fixed, Size fixed_len, const char *what)
{
	if (VARSIZE_ANY_EXHDR(in) < fixed_len)
		cr_bad_state(what, NULL);
	memcpy(fixed, VARDATA_ANY(in), fixed_len);
}

uint64 *
cr_words_body(bytea *in, Size fixed_len, int32 nwords, const char *what)
{
	uint64	   *words;

	if (nwords < 0 || VARSIZE_ANY_EXHDR(in) != fixed_len + (Size) nwords * sizeof(uint64))
		cr_bad_state(what, NULL);
	if (nwords == 0)
		return NULL;
	words = palloc(nwords * sizeof(uint64));
	memcpy(words, VARDATA_ANY(in) + fixed_len, nwords * sizeof(uint64));
	return words;
}

PG_FUNCTION_INFO_V1(engagement_summary_serialfn);
Datum
engagement_summary_serialfn(PG_FUNCTION_ARGS)
{
	EngState   *st = (EngState *) PG_GETARG_POINTER(0);

	PG_RETURN_BYTEA_P(cr_words_serialize(st, ENG_SER_FIXED, st->bits, st->nwords));
}

/* The most words eng_cover gives a bitmap (it caps the width it grows to). */
#define ENG_MAX_WORDS ((CR_MAX_SPAN_DAYS + 192) / 64)

#define ENG_BAD_HEADER "Its header is not one the transition function writes."

/*
 * A deserialized state's as_of day is the one of the TimeZone of the
 * session that made it, which need not be this one's: a cursor's partial
 * states of a group may be made before a SET TimeZone and combined after it
 * (the combine functions refuse two states whose as_of days differ).  So it
 * is checked against every zone: within CR_MAX_ZONE_DAYS of as_of's UTC day.
 */
bool
cr_asof_day_possible(TimestampTz as_of, int32 asof_day)
{
	int64		utc_day = cr_floor_div(as_of, USECS_PER_DAY);

	return asof_day >= utc_day - CR_MAX_ZONE_DAYS && asof_day <= utc_day + CR_MAX_ZONE_DAYS;
}

/*
 * A deserialized state as the transition and combine functions leave it (a
 * deserial function may be handed any bytes, see cr_bad_state): a finite
 * as_of on a local day it has in some zone; without events, nothing else
 * set; with events, first_seen <= last_seen <= as_of, min_day <= max_day
 * <= asof_day within CR_MAX_SPAN_DAYS, an aligned bitmap of at most
 * ENG_MAX_WORDS words whose first and last active days are min_day and
 * max_day, at most one active day an event, a decayed count from 0 to
 * events, and amounts only with has_amount.
 */
static void
eng_check_state(const EngState *st)
{
	const char *what = "engagement_summary";
	/* day numbers count from 2000-01-01: days before it are negative */
	int64		first = PG_INT64_MIN,
				last = PG_INT64_MIN,
				active = 0;

	if (TIMESTAMP_NOT_FINITE(st->as_of) || !cr_asof_day_possible(st->as_of, st->asof_day) ||
		st->events < 0 || !(st->decayed >= 0 && st->decayed <= (double) st->events) ||
		(!st->has_amount && (st->amount_total != 0 || st->amount_30 != 0)))
		cr_bad_state(what, ENG_BAD_HEADER);
	if (st->events == 0)
	{
		if (st->first_seen != 0 || st->last_seen != 0 || st->min_day != 0 ||
			st->max_day != 0 || st->base != 0 || st->nwords != 0 ||
			st->amount_total != 0 || st->amount_30 != 0)
			cr_bad_state(what, ENG_BAD_HEADER);
		return;
	}
	if (TIMESTAMP_NOT_FINITE(st->first_seen) || st->first_seen > st->last_seen ||
		st->last_seen > st->as_of || st->min_day > st->max_day ||
		st->max_day > st->asof_day ||
		(int64) st->max_day - st->min_day + 1 > CR_MAX_SPAN_DAYS ||
		st->nwords < 1 || st->nwords > ENG_MAX_WORDS ||
		st->base != cr_daybits_align(st->base))
		cr_bad_state(what, ENG_BAD_HEADER);
	for (int32 w = 0; w < st->nwords; w++)
	{
		if (st->bits[w] == 0)
			continue;
		if (first == PG_INT64_MIN)
			first = (int64) st->base + 64 * w + pg_rightmost_one_pos64(st->bits[w]);
		last = (int64) st->base + 64 * w + pg_leftmost_one_pos64(st->bits[w]);
		active += pg_popcount64(st->bits[w]);
	}
	if (first != st->min_day || last != st->max_day || active > st->events)
		cr_bad_state(what, "Its active days are not the ones its header gives.");
}

PG_FUNCTION_INFO_V1(engagement_summary_deserialfn);
Datum
engagement_summary_deserialfn(PG_FUNCTION_ARGS)
{
	bytea	   *in = PG_GETARG_BYTEA_PP(0);
	EngState   *st = palloc(sizeof(EngState));

	cr_words_header(in, st, ENG_SER_FIXED, "engagement_summary");
	/* a bool of another value than 0 or 1 is not even read */
	if (((const uint8 *) VARDATA_ANY(in))[offsetof(EngState, has_amount)] > 1)
		cr_bad_state("engagement_summary", ENG_BAD_HEADER);
	st->bits = cr_words_body(in, ENG_SER_FIXED, st->nwords, "engagement_summary");
	st->tz = NULL;
	eng_check_state(st);
	PG_RETURN_POINTER(st);
}

#define ENG_NFIELDS 17

PG_FUNCTION_INFO_V1(engagement_summary_finalfn);
Datum
engagement_summary_finalfn(PG_FUNCTION_ARGS)
{
	EngState   *st = PG_ARGISNULL(0) ? NULL : (EngState *) PG_GETARG_POINTER(0);
	TupleDesc	tupdesc;
	Datum		values[ENG_NFIELDS];
	bool		nulls[ENG_NFIELDS];
	CrDayStats	s;
	int			i = 0;

	if (st == NULL || st->events == 0)
		PG_RETURN_NULL();

	if (fcinfo->flinfo->fn_extra == NULL)
	{
		TupleDesc	td;
		MemoryContext old;

		if (get_call_result_type(fcinfo, NULL, &td) != TYPEFUNC_COMPOSITE)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("function returning record called in context that cannot accept type record")));
		old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
		fcinfo->flinfo->fn_extra = BlessTupleDesc(CreateTupleDescCopy(td));
		MemoryContextSwitchTo(old);
	}
	tupdesc = (TupleDesc) fcinfo->flinfo->fn_extra;
	if (tupdesc->natts != ENG_NFIELDS)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("type engagement has %d attributes, expected %d",
						tupdesc->natts, ENG_NFIELDS)));

	cr_daybits_stats(st->bits, st->nwords, st->base, st->asof_day, &s);
	memset(nulls, 0, sizeof(nulls));

	values[i++] = TimestampTzGetDatum(st->first_seen);
	values[i++] = TimestampTzGetDatum(st->last_seen);
	values[i++] = Float8GetDatum(cr_age_usecs(st->as_of, st->first_seen) / USECS_PER_DAY);
	values[i++] = Float8GetDatum(cr_age_usecs(st->as_of, st->last_seen) / USECS_PER_DAY);
	values[i++] = Int64GetDatum(st->events);
	values[i++] = Int32GetDatum(s.active_days);
	values[i++] = Int32GetDatum(s.active_days_7);
	values[i++] = Int32GetDatum(s.active_days_30);
	values[i++] = Int32GetDatum(s.active_days_90);
	values[i++] = Int32GetDatum(s.current_streak);
	values[i++] = Int32GetDatum(s.longest_streak);
	if (s.active_days >= 2)
		values[i] = Float8GetDatum(s.mean_gap);
	else
		nulls[i] = true;
	i++;
	if (s.active_days >= 3)
		values[i] = Float8GetDatum(s.gap_cv);
	else
		nulls[i] = true;
	i++;
	values[i++] = Float8GetDatum(st->decayed);
	values[i++] = Float8GetDatum(s.trend);
	if (st->has_amount)
	{
		values[i++] = Float8GetDatum(st->amount_total);
		values[i++] = Float8GetDatum(st->amount_30);
	}
	else
	{
		nulls[i++] = true;
		nulls[i++] = true;
	}
	Assert(i == ENG_NFIELDS);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(tupdesc, values, nulls)));
}

/* ------------------------------------------------------------------------
 * engagement_decay(occurred_at, as_of, half_life [, amount]) -> float8
 *
 * State: float8[6] = {as_of seen (0/1), events, sum, as_of high, as_of low,
 * half-life in microseconds}.  as_of is split into two halves so that it
 * is held exactly in doubles.
 * ------------------------------------------------------------------------
 */
#define DECAY_NSTATE 6

static double *
decay_state(ArrayType *arr, const char *name)
{
	double	   *s;

	if (ARR_NDIM(arr) != 1 || ARR_DIMS(arr)[0] != DECAY_NSTATE ||
		array_contains_nulls(arr) || ARR_ELEMTYPE(arr) != FLOAT8OID)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: state must be a float8 array of %d elements without NULLs",
						name, DECAY_NSTATE)));
	s = (double *) CR_ARR_DATA_NONULLS(arr);
	/* a hand-made state (a user's INITCOND, a direct call) */
	if ((s[0] != 0 && s[0] != 1) || !(s[1] >= 0 && s[1] <= 9e15 && s[1] == floor(s[1])))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s: invalid state", name),
				 errdetail("The first element must be 0 or 1 and the event count a whole number >= 0.")));
	return s;
}

static double
interval_usecs(const Interval *iv)
{
	return (double) iv->time + (double) iv->day * USECS_PER_DAY +
		(double) iv->month * DAYS_PER_MONTH * USECS_PER_DAY;
}

PG_FUNCTION_INFO_V1(engagement_decay_transfn);
Datum
engagement_decay_transfn(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	TimestampTz ts = PG_GETARG_TIMESTAMPTZ(1);
	TimestampTz as_of = PG_GETARG_TIMESTAMPTZ(2);
	Interval   *hl = PG_GETARG_INTERVAL_P(3);
	double		amount = (PG_NARGS() > 4) ? PG_GETARG_FLOAT8(4) : 1.0;
	double		hl_us = interval_usecs(hl);
	double		hi = (double) (as_of >> 32);
	double		lo = (double) (as_of & INT64CONST(0xFFFFFFFF));
	double	   *s;

	if (!AggCheckCallContext(fcinfo, NULL))
		arr = PG_GETARG_ARRAYTYPE_P_COPY(0);
	s = decay_state(arr, "engagement_decay");

	cr_check_finite(as_of, "as_of");
	if (!(hl_us > 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("half_life must be positive")));
	if (s[0] == 0)
	{
		s[0] = 1;
		s[3] = hi;
		s[4] = lo;
		s[5] = hl_us;
	}
	else if (s[3] != hi || s[4] != lo || s[5] != hl_us)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of and half_life must be the same for every row of a group")));
	if (ts > as_of)
		PG_RETURN_ARRAYTYPE_P(arr);
	cr_check_finite(ts, "occurred_at");
	s[1] += 1;

	/*
	 * An event's weight is positive however old it is, though it rounds to 0
	 * after some 1075 half-lives: an infinite amount adds itself, not
	 * Infinity * 0 = NaN.  +Infinity and -Infinity together still give NaN,
	 * as in sum(float8).
	 */
	if (isinf(amount))
		s[2] = cr_sum_add(s[2], amount);
	else
		s[2] = cr_sum_add(s[2], amount * exp(-CR_LN2 * cr_age_usecs(as_of, ts) / hl_us));
	PG_RETURN_ARRAYTYPE_P(arr);
}

PG_FUNCTION_INFO_V1(engagement_decay_combinefn);
Datum
engagement_decay_combinefn(PG_FUNCTION_ARGS)
{
	ArrayType  *a = PG_GETARG_ARRAYTYPE_P(0);
	ArrayType  *b = PG_GETARG_ARRAYTYPE_P(1);
	double	   *sa,
			   *sb;

	if (!AggCheckCallContext(fcinfo, NULL))
		a = PG_GETARG_ARRAYTYPE_P_COPY(0);
	sa = decay_state(a, "engagement_decay");
	sb = decay_state(b, "engagement_decay");
	if (sb[0] == 0)
		PG_RETURN_ARRAYTYPE_P(a);
	if (sa[0] == 0)
	{
		memcpy(sa, sb, DECAY_NSTATE * sizeof(double));
		PG_RETURN_ARRAYTYPE_P(a);
	}
	if (sa[3] != sb[3] || sa[4] != sb[4] || sa[5] != sb[5])
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("as_of and half_life must be the same for every row of a group")));
	sa[1] += sb[1];
	sa[2] = cr_sum_add(sa[2], sb[2]);
	PG_RETURN_ARRAYTYPE_P(a);
}

PG_FUNCTION_INFO_V1(engagement_decay_finalfn);
Datum
engagement_decay_finalfn(PG_FUNCTION_ARGS)
{
	double	   *s = decay_state(PG_GETARG_ARRAYTYPE_P(0), "engagement_decay");

	if (s[1] == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(s[2]);
}
