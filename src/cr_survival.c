/*
 * cr_survival.c
 *	  Backend glue of the survival functions: the aggregates retention_km()
 *	  and retention_logrank() (one combinable state: per (time, group) counts
 *	  of churned and censored members, compacted as it grows), and the curve
 *	  functions retention_km_quantile() and retention_km_rmst().  The
 *	  numbers are computed by the plain-C kernel in cr_km.c.
 */
#include "community_retention.h"

#include <math.h>

#include "access/htup_details.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "fmgr.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/lsyscache.h"
#include "utils/typcache.h"

#include "cr_km.h"
#include "cr_stats.h"

PG_FUNCTION_INFO_V1(retention_km_trans);
PG_FUNCTION_INFO_V1(retention_logrank_trans);
PG_FUNCTION_INFO_V1(retention_surv_combine);
PG_FUNCTION_INFO_V1(retention_surv_serial);
PG_FUNCTION_INFO_V1(retention_surv_deserial);
PG_FUNCTION_INFO_V1(retention_km_final);
PG_FUNCTION_INFO_V1(retention_logrank_final);
PG_FUNCTION_INFO_V1(retention_km_quantile);
PG_FUNCTION_INFO_V1(retention_km_rmst);

/* The most groups retention_logrank() compares (its work is k^2 per time). */
#define SURV_MAX_GROUPS 1000
/* First capacity of a state: small, so a GROUP BY of many groups stays small. */
#define SURV_MIN_CAP 8

/*
 * The most points a retention_km curve array can hold: each element takes
 * at least 64 bytes (a 24-byte tuple header, five float8/bigint fields; the
 * other three NULL), and an array at most MaxAllocSize.  A retention_km state
 * with more distinct durations can never give a curve, so the aggregate
 * stops as soon as it has seen that many, not after gigabytes more rows.
 */
#define SURV_KM_MIN_POINT_BYTES (MAXALIGN(SizeofHeapTupleHeader + BITMAPLEN(8)) + 5 * sizeof(double))
#define SURV_KM_MAX_POINTS \
	((int64) ((MaxAllocSize - ARR_OVERHEAD_NONULLS(1)) / SURV_KM_MIN_POINT_BYTES))

typedef struct SurvState
{
	CrSurvObs  *obs;
	int64		nobs;
	int64		cap;
	int64		compacted;		/* obs[0..compacted) is sorted and merged */
	int64		skipped;		/* rows with a NULL argument */
	int64		members;		/* sum of ev + cens over obs: never overflows */
	double		confidence;		/* 0: not given */
	int32		weighting;		/* log-rank: 0 not given, else 1 + CrLogrankWeight */
	double		fh_p;			/* Fleming-Harrington exponent */
	int32		ngroups;
	char	  **names;			/* group names (log-rank only) */
	int32		names_cap;		/* room in names */
	int32		last_group;		/* index of the last group looked up */
	int32	   *slots;			/* hash of the names: index + 1, 0 empty */
	int32		nslots;			/* a power of 2, at least twice ngroups */
} SurvState;

static SurvState *
surv_new(MemoryContext ctx)
{
	SurvState  *s = MemoryContextAllocZero(ctx, sizeof(SurvState));

	s->cap = SURV_MIN_CAP;
	s->obs = MemoryContextAlloc(ctx, s->cap * sizeof(CrSurvObs));
	s->last_group = -1;
	return s;
}

static void
surv_too_many_points(size_t np, bool at_least)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("survival curve of %s%zu points is too large for an array",
					at_least ? "at least " : "", np),
			 errhint("Round the durations (for example to whole days) to get fewer distinct times.")));
}

/* The kernel's interrupt callback: a cancel or timeout leaves from here. */
static void
surv_interrupt(void)
{
	CHECK_FOR_INTERRUPTS();
}

/* Sort and merge; grow the array when merging did not free half of it. */
static void
surv_compact(SurvState *s)
{
	CrSurvObs  *scratch;

	CHECK_FOR_INTERRUPTS();
	if (s->compacted == s->nobs)
		return;
	scratch = palloc_extended(s->nobs * sizeof(CrSurvObs), MCXT_ALLOC_HUGE);
	s->nobs = (int64) cr_surv_compact_tail(s->obs, (size_t) s->nobs,
										   (size_t) s->compacted, scratch,
										   surv_interrupt);
	pfree(scratch);
	s->compacted = s->nobs;
	/* a retention_km state (no groups: a log-rank state with rows has some) */
	if (s->ngroups == 0 && s->nobs > SURV_KM_MAX_POINTS)
		surv_too_many_points((size_t) s->nobs, true);
}

static void
surv_reserve(SurvState *s, int64 extra)
{
	if (s->nobs + extra <= s->cap)
		return;
	surv_compact(s);
	if (s->nobs + extra <= s->cap && s->nobs < s->cap / 2)
		return;
	while (s->nobs + extra > s->cap / 2)
		s->cap *= 2;
	s->obs = repalloc_huge(s->obs, s->cap * sizeof(CrSurvObs));
}

static void
surv_add(SurvState *s, double t, int32 g, int64 ev, int64 cens)
{
	CrSurvObs  *o;

	surv_reserve(s, 1);
	o = &s->obs[s->nobs++];
	s->members += ev + cens;
	o->t = t;
	o->g = g;
	o->ev = ev;
	o->cens = cens;
}

static double
surv_check_duration(double t)
{
	if (isnan(t))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("duration must not be NaN")));
	if (isinf(t))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("duration must be finite"),
				 errhint("A member who is still active is censored: pass the time so far with churned = false.")));
	if (t < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("duration must not be negative: %g", t)));
	return t == 0 ? 0.0 : t;	/* -0 and 0 are one time */
}

static void
surv_check_level(double level, const char *what)
{
	if (!(level > 0 && level < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be between 0 and 1 (exclusive), not %g", what, level)));
}

/* The state of an aggregate call, created in the aggregate context. */
static SurvState *
surv_state(FunctionCallInfo fcinfo, const char *fname)
{
	MemoryContext aggctx;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("%s called in non-aggregate context", fname)));
	if (PG_ARGISNULL(0))
		return surv_new(aggctx);
	return (SurvState *) PG_GETARG_POINTER(0);
}

/* retention_km transition: (state, duration, churned [, confidence]) */
Datum
retention_km_trans(PG_FUNCTION_ARGS)
{
	SurvState  *s = surv_state(fcinfo, "retention_km_trans");

	if (PG_NARGS() > 3 && !PG_ARGISNULL(3))
	{
		double		level = PG_GETARG_FLOAT8(3);

		surv_check_level(level, "confidence");
		if (s->confidence != 0 && s->confidence != level)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("confidence must be the same for every row of a group")));
		s->confidence = level;
	}
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
		s->skipped++;
	else if (PG_GETARG_BOOL(2))
		surv_add(s, surv_check_duration(PG_GETARG_FLOAT8(1)), 0, 1, 0);
	else
		surv_add(s, surv_check_duration(PG_GETARG_FLOAT8(1)), 0, 0, 1);
	PG_RETURN_POINTER(s);
}

/* Whether the stored (NUL-terminated) name is name (len bytes). */
static inline bool
surv_name_is(const char *stored, const char *name, int len)
{
	return strncmp(stored, name, len) == 0 && stored[len] == '\0';
}

/* The slot of name in the hash of the group names: its own, or an empty one. */
static int32 *
surv_slot(SurvState *s, const char *name, int len)
{
	uint32		mask = (uint32) s->nslots - 1;

	for (uint32 i = hash_bytes((const unsigned char *) name, len) & mask;; i = (i + 1) & mask)
		if (s->slots[i] == 0 || surv_name_is(s->names[s->slots[i] - 1], name, len))
			return &s->slots[i];
}

/* (Re)build the hash with room for want names at a load of at most 1/2. */
static void
surv_rehash(SurvState *s, int32 want, MemoryContext ctx)
{
	int32		n = 16;

	while (n < 2 * want)
		n *= 2;
	if (s->slots)
		pfree(s->slots);
	s->slots = MemoryContextAllocZero(ctx, n * sizeof(int32));
	s->nslots = n;
	for (int32 g = 0; g < s->ngroups; g++)
		*surv_slot(s, s->names[g], strlen(s->names[g])) = g + 1;
}

/*
 * Index of group name (len bytes), added when new.  Looked up in a hash:
 * with 1000 groups in random order, comparing with every name took ten times
 * as long as the rest of the aggregate.
 */
static int32
surv_group(SurvState *s, const char *name, int len, MemoryContext ctx)
{
	char	   *copy;
	int32	   *slot;

	if (s->last_group >= 0 && surv_name_is(s->names[s->last_group], name, len))
		return s->last_group;
	if (s->slots == NULL || 2 * (s->ngroups + 1) > s->nslots)
		surv_rehash(s, s->ngroups + 1, ctx);
	slot = surv_slot(s, name, len);
	if (*slot != 0)
		return s->last_group = *slot - 1;
	if (s->ngroups >= SURV_MAX_GROUPS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("retention_logrank compares at most %d groups", SURV_MAX_GROUPS)));
	if (s->ngroups == s->names_cap)
	{
		int32		cap = s->names_cap == 0 ? 4 : s->names_cap * 2;
		char	  **names = MemoryContextAlloc(ctx, cap * sizeof(char *));

		if (s->ngroups > 0)
			memcpy(names, s->names, s->ngroups * sizeof(char *));
		s->names = names;
		s->names_cap = cap;
	}
	copy = MemoryContextAlloc(ctx, len + 1);
	memcpy(copy, name, len);
	copy[len] = '\0';
	s->names[s->ngroups] = copy;
	*slot = s->ngroups + 1;
	return s->last_group = s->ngroups++;
}

/* The weightings of retention_logrank, by name (any case). */
static const struct
{
	const char *name;
	CrLogrankWeight weight;
}			surv_weightings[] =
{
	{"logrank", CR_LR_PLAIN},
	{"gehan-breslow", CR_LR_GEHAN_BRESLOW},
	{"gb", CR_LR_GEHAN_BRESLOW},
	{"tarone-ware", CR_LR_TARONE_WARE},
	{"tw", CR_LR_TARONE_WARE},
	{"fleming-harrington", CR_LR_FLEMING_HARRINGTON},
	{"fh", CR_LR_FLEMING_HARRINGTON},
};

/* Set the state's weighting from the arguments weighting [, p] of a row. */
static void
surv_set_weighting(FunctionCallInfo fcinfo, SurvState *s)
{
	text	   *name = PG_GETARG_TEXT_PP(4);
	const char *str = VARDATA_ANY(name);
	int			len = VARSIZE_ANY_EXHDR(name);
	int			w = -1;
	double		p = 0;

	for (int i = 0; i < (int) lengthof(surv_weightings); i++)
		if ((int) strlen(surv_weightings[i].name) == len &&
			pg_strncasecmp(surv_weightings[i].name, str, len) == 0)
			w = surv_weightings[i].weight;
	if (w < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("unknown log-rank weighting \"%.*s\"", pg_mbcliplen(str, len, 64), str),
				 errhint("Use 'logrank', 'gehan-breslow', 'tarone-ware' or 'fleming-harrington' (with its exponent p).")));
	if (w == CR_LR_FLEMING_HARRINGTON)
	{
		if (PG_NARGS() < 6 || PG_ARGISNULL(5))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("the fleming-harrington weighting needs its exponent p"),
					 errhint("Call retention_logrank(duration, churned, grp, 'fleming-harrington', p) with p >= 0.")));
		p = PG_GETARG_FLOAT8(5);
		if (!(p >= 0) || isinf(p))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("fleming-harrington exponent p must be finite and at least 0, not %g", p)));
	}
	else if (PG_NARGS() >= 6 && !PG_ARGISNULL(5))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("an exponent p applies only to the fleming-harrington weighting")));
	if (s->weighting != 0 && (s->weighting != w + 1 || s->fh_p != p))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("weighting must be the same for every row of a group")));
	s->weighting = w + 1;
	s->fh_p = p;
}

/*
 * Groups are told apart by their bytes.  Under a nondeterministic collation
 * (case- or accent-insensitive) GROUP BY would take 'a' and 'A' as one
 * group, so such a collation is refused rather than silently ignored, as
 * PostgreSQL 15 refuses it for LIKE.  Checked once per group state.
 */
static void
surv_check_collation(Oid collid)
{
	if (OidIsValid(collid) && !get_collation_isdeterministic(collid))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("nondeterministic collations are not supported for retention_logrank groups"),
				 errdetail("Groups are compared byte by byte."),
				 errhint("Give the group a deterministic collation (grp COLLATE \"C\"), or fold it first, e.g. lower(grp).")));
}

/* retention_logrank transition: (state, duration, churned, grp text [, weighting text [, p float8]]) */
Datum
retention_logrank_trans(PG_FUNCTION_ARGS)
{
	SurvState  *s;
	MemoryContext aggctx;
	text	   *grp;
	int32		g;

	if (PG_ARGISNULL(0))
		surv_check_collation(PG_GET_COLLATION());
	s = surv_state(fcinfo, "retention_logrank_trans");

	if (PG_NARGS() > 4 && !PG_ARGISNULL(4))
		surv_set_weighting(fcinfo, s);
	if (PG_ARGISNULL(1) || PG_ARGISNULL(2) || PG_ARGISNULL(3))
	{
		s->skipped++;
		PG_RETURN_POINTER(s);
	}
	AggCheckCallContext(fcinfo, &aggctx);
	grp = PG_GETARG_TEXT_PP(3);
	g = surv_group(s, VARDATA_ANY(grp), VARSIZE_ANY_EXHDR(grp), aggctx);
	if (PG_GETARG_BOOL(2))
		surv_add(s, surv_check_duration(PG_GETARG_FLOAT8(1)), g, 1, 0);
	else
		surv_add(s, surv_check_duration(PG_GETARG_FLOAT8(1)), g, 0, 1);
	PG_RETURN_POINTER(s);
}

/*
 * Add b's counts to a (whose memory lives in ctx), mapping group names.
 * Members (or skipped rows) of both together past PG_INT64_MAX, which only
 * forged partial states hold, would overflow the sums of counts at one
 * (time, group) and the numbers at risk: refused, before a is changed.
 */
static void
surv_merge(SurvState *a, const SurvState *b, MemoryContext ctx)
{
	int32	   *map;

	if (b->members > PG_INT64_MAX - a->members ||
		b->skipped > PG_INT64_MAX - a->skipped)
		cr_bad_state("survival aggregate", NULL);
	map = palloc(sizeof(int32) * (b->ngroups > 0 ? b->ngroups : 1));
	for (int32 g = 0; g < b->ngroups; g++)
		map[g] = surv_group(a, b->names[g], strlen(b->names[g]), ctx);
	surv_reserve(a, b->nobs);
	for (int64 i = 0; i < b->nobs; i++)
	{
		CrSurvObs	o = b->obs[i];

		if (b->ngroups > 0)
			o.g = map[o.g];
		a->obs[a->nobs++] = o;
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
	}
	a->members += b->members;
	a->skipped += b->skipped;
	if (a->confidence == 0)
		a->confidence = b->confidence;
	else if (b->confidence != 0 && b->confidence != a->confidence)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence must be the same for every row of a group")));
	if (a->weighting == 0)
	{
		a->weighting = b->weighting;
		a->fh_p = b->fh_p;
	}
	else if (b->weighting != 0 && (b->weighting != a->weighting || b->fh_p != a->fh_p))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("weighting must be the same for every row of a group")));
	pfree(map);
}

Datum
retention_surv_combine(PG_FUNCTION_ARGS)
{
	MemoryContext aggctx;
	SurvState  *a;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		elog(ERROR, "retention_surv_combine called in non-aggregate context");
	if (PG_ARGISNULL(1))
		PG_RETURN_POINTER(PG_ARGISNULL(0) ? NULL : PG_GETARG_POINTER(0));
	a = PG_ARGISNULL(0) ? surv_new(aggctx) : (SurvState *) PG_GETARG_POINTER(0);
	surv_merge(a, (SurvState *) PG_GETARG_POINTER(1), aggctx);
	PG_RETURN_POINTER(a);
}

/* Bytes of a serialized state's header, and of each observation after it. */
#define SURV_STATE_HEADER (3 * sizeof(int64) + sizeof(int32) + sizeof(double) + sizeof(int32))
#define SURV_OBS_BYTES (sizeof(double) + sizeof(int32) + 2 * sizeof(int64))

/*
 * A serialized state is one bytea, built in a StringInfo: at most
 * MaxAllocSize - 1 bytes, about 38.3 million (time, group) pairs.  Past
 * that, a parallel worker's partial state cannot be passed on: said so, not
 * as enlargeStringInfo's "out of memory" once a gigabyte has been written
 * (retention_logrank over 40 million distinct durations, one worker).  The
 * bytea goes on in tuples, each one palloc of at most MaxAllocSize bytes:
 * the worker's minimal tuple to the leader (16 bytes more), and there the
 * Finalize Aggregate's copy of its first input row as a heap tuple
 * (HEAPTUPLESIZE and the header, 48 bytes more).  A bytea within 48 bytes
 * of the StringInfo's limit passed the check and failed there, "invalid
 * memory alloc request size" (38 347 920 pairs of groups 'a' and 'b' in the
 * worker, 38 347 919 in the leader), so that room is kept too; 38 347 918
 * pass.  A GROUP BY's keys ride in the same tuple: their bytes are not
 * counted, and a state that close to the limit with long keys still fails
 * there.  retention_km stops long before (an array holds fewer points).
 * (Citus gathers the rows of these aggregates: no state goes through it.)
 */
static void
surv_check_serial_size(const SurvState *s)
{
	Size		fixed = HEAPTUPLESIZE + MAXALIGN(SizeofHeapTupleHeader) +
		VARHDRSZ + SURV_STATE_HEADER;
	int64		most;

	for (int32 g = 0; g < s->ngroups; g++)
		fixed += sizeof(int32) + strlen(s->names[g]);
	/* the heap tuple's palloc (at most MaxAllocSize) binds, not the StringInfo's */
	most = (int64) ((MaxAllocSize - fixed) / SURV_OBS_BYTES);
	if (s->nobs > most)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("survival aggregate state of %lld (duration, group) pairs is too large to pass between processes",
						(long long) s->nobs),
				 errdetail("A partial aggregate's state is passed as one value of at most 1 GB: %lld pairs here.",
						   (long long) most),
				 errhint("Run the query without parallel workers (SET max_parallel_workers_per_gather = 0), or round the durations to get fewer distinct times.")));
}

Datum
retention_surv_serial(PG_FUNCTION_ARGS)
{
	SurvState  *s = (SurvState *) PG_GETARG_POINTER(0);
	StringInfoData buf;

	surv_compact(s);
	surv_check_serial_size(s);
	pq_begintypsend(&buf);
	pq_sendint64(&buf, s->nobs);
	pq_sendint64(&buf, s->skipped);
	pq_sendfloat8(&buf, s->confidence);
	pq_sendint32(&buf, s->weighting);
	pq_sendfloat8(&buf, s->fh_p);
	pq_sendint32(&buf, s->ngroups);
	for (int32 g = 0; g < s->ngroups; g++)
	{
		int			len = strlen(s->names[g]);

		pq_sendint32(&buf, len);
		pq_sendbytes(&buf, s->names[g], len);
	}
	for (int64 i = 0; i < s->nobs; i++)
	{
		pq_sendfloat8(&buf, s->obs[i].t);
		pq_sendint32(&buf, s->obs[i].g);
		pq_sendint64(&buf, s->obs[i].ev);
		pq_sendint64(&buf, s->obs[i].cens);
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/*
 * Observation i of a deserialized state is one retention_surv_serial can
 * write: a time the transition functions accept, counts not negative, at
 * least one member, a known group, and (t, g) after the one before (the
 * state is used as compacted).  A NaN time would make the kernel's loops
 * over equal times stall; a group index past the names, read out of bounds.
 */
static void
surv_check_obs(const SurvState *s, int64 i)
{
	const CrSurvObs *o = &s->obs[i];
	const CrSurvObs *prev = i > 0 ? &s->obs[i - 1] : NULL;

	if (!(o->t >= 0) || isinf(o->t) || o->ev < 0 || o->cens < 0 ||
		o->ev > PG_INT64_MAX - o->cens || o->ev + o->cens == 0 ||
		o->g < 0 || (o->g > 0 && o->g >= s->ngroups))
		cr_bad_state("survival aggregate", NULL);
	if (prev && !(o->t > prev->t || (o->t == prev->t && o->g > prev->g)))
		cr_bad_state("survival aggregate", NULL);
}

/*
 * Every length is checked before pq_getmsg* reads it: those report a message
 * cut short as 08P01, a protocol violation (clients may take it for a lost
 * connection), where a bad state is 22P03 like any invalid binary value.
 */
Datum
retention_surv_deserial(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	MemoryContext aggctx;
	StringInfoData buf;
	SurvState  *s;
	int64		n;
	int32		ng;

	if (!AggCheckCallContext(fcinfo, &aggctx))
		elog(ERROR, "retention_surv_deserial called in non-aggregate context");
	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	if (buf.len < (int) SURV_STATE_HEADER)
		cr_bad_state("survival aggregate", NULL);
	s = surv_new(aggctx);
	n = pq_getmsgint64(&buf);
	s->skipped = pq_getmsgint64(&buf);
	s->confidence = pq_getmsgfloat8(&buf);
	s->weighting = pq_getmsgint(&buf, 4);
	s->fh_p = pq_getmsgfloat8(&buf);
	ng = pq_getmsgint(&buf, 4);
	if (n < 0 || n > buf.len / (int) SURV_OBS_BYTES || ng < 0 || ng > SURV_MAX_GROUPS ||
		s->skipped < 0 ||
		!(s->confidence == 0 || (s->confidence > 0 && s->confidence < 1)) ||
		s->weighting < 0 || s->weighting > CR_LR_FLEMING_HARRINGTON + 1 ||
		!(s->fh_p >= 0) || isinf(s->fh_p))
		cr_bad_state("survival aggregate", NULL);
	for (int32 g = 0; g < ng; g++)
	{
		int			len;
		const char *name;

		if (buf.len - buf.cursor < (int) sizeof(int32))
			cr_bad_state("survival aggregate", NULL);
		len = pq_getmsgint(&buf, 4);
		if (len < 0 || len > buf.len - buf.cursor)
			cr_bad_state("survival aggregate", NULL);
		name = pq_getmsgbytes(&buf, len);
		/* text has no NUL; a repeated name would leave an index without one */
		if (memchr(name, '\0', len) != NULL ||
			surv_group(s, name, len, aggctx) != g)
			cr_bad_state("survival aggregate", NULL);
	}
	/* exactly n observations follow */
	if (buf.len - buf.cursor != n * (int64) SURV_OBS_BYTES)
		cr_bad_state("survival aggregate", NULL);
	surv_reserve(s, n);
	for (int64 i = 0; i < n; i++)
	{
		CrSurvObs  *o = &s->obs[s->nobs++];

		o->t = pq_getmsgfloat8(&buf);
		o->g = pq_getmsgint(&buf, 4);
		o->ev = pq_getmsgint64(&buf);
		o->cens = pq_getmsgint64(&buf);
		surv_check_obs(s, i);
		/* the members of all observations, the first number at risk */
		if (o->ev + o->cens > PG_INT64_MAX - s->members)
			cr_bad_state("survival aggregate", NULL);
		s->members += o->ev + o->cens;
		if ((i & 0xFFFF) == 0xFFFF)
			CHECK_FOR_INTERRUPTS();
	}
	pq_getmsgend(&buf);
	s->compacted = s->nobs;
	PG_RETURN_POINTER(s);
}

static Datum
float8_or_null(double x, bool *isnull)
{
	*isnull = isnan(x);
	return Float8GetDatum(*isnull ? 0 : x);
}

/*
 * The curve as an array of composites, written in one allocation, without a
 * palloc and a copy per point: the header (and null bitmap) of each element
 * is copied from a tuple heap_form_tuple() built once per pattern of NULLs,
 * so it is whatever this server puts there; the data is filled in place.
 * The points are computed twice, once to size the array and once to fill
 * it, rather than kept: 64 bytes a point, 1 GB near the most points an
 * array holds, on top of the state and the array (FAQ -> Survival).
 */
static ArrayType *
surv_km_array(TupleDesc desc, Oid elemtype, const SurvState *s, double z)
{
	Size		total = 0;
	size_t		np = 0;
	ArrayType  *arr = NULL;
	char	   *p = NULL;
	HeapTupleHeader tmpl[8] = {NULL};

	for (size_t pass = 0; pass < 2; pass++)
	{
		CrKmIter	it;
		CrKmPoint	pt;
		size_t		i = 0;

		if (pass == 1)
		{
			Size		nbytes = ARR_OVERHEAD_NONULLS(1) + total;

			if (nbytes > MaxAllocSize)
				surv_too_many_points(np, false);
			arr = palloc0(nbytes);
			SET_VARSIZE(arr, nbytes);
			arr->ndim = 1;
			arr->dataoffset = 0;
			arr->elemtype = elemtype;
			ARR_DIMS(arr)[0] = (int) np;
			ARR_LBOUND(arr)[0] = 1;
			p = CR_ARR_DATA_NONULLS(arr);
		}
		cr_km_iter_start(&it, s->obs, (size_t) s->nobs, z);
		for (; cr_km_iter_next(&it, &pt); i++)
		{
			Datum		v[8];
			bool		n[8] = {false};
			bool		hasnull;
			Size		hoff,
						len;

			v[0] = Float8GetDatum(pt.t);
			v[1] = Int64GetDatum(pt.at_risk);
			v[2] = Int64GetDatum(pt.ev);
			v[3] = Int64GetDatum(pt.cens);
			v[4] = Float8GetDatum(pt.surv);
			v[5] = float8_or_null(pt.se, &n[5]);
			v[6] = float8_or_null(pt.lower, &n[6]);
			v[7] = float8_or_null(pt.upper, &n[7]);
			hasnull = n[5] || n[6] || n[7];
			hoff = MAXALIGN(SizeofHeapTupleHeader + (hasnull ? BITMAPLEN(8) : 0));
			len = hoff + heap_compute_data_size(desc, v, n);
			if (pass == 0)
				total = att_align_nominal(total, TYPALIGN_DOUBLE) + len;
			else
			{
				HeapTupleHeader td;
				int			pattern = n[5] | (n[6] << 1) | (n[7] << 2);

				if (tmpl[pattern] == NULL)
					tmpl[pattern] = heap_form_tuple(desc, v, n)->t_data;
				p = (char *) att_align_nominal(p, TYPALIGN_DOUBLE);
				td = (HeapTupleHeader) p;
				if (i >= np || p + len > (char *) arr + VARSIZE(arr) ||
					tmpl[pattern]->t_hoff != hoff ||
					HeapTupleHeaderGetDatumLength(tmpl[pattern]) != len)
					elog(ERROR, "unexpected layout of a survival curve point");
				memcpy(td, tmpl[pattern], hoff);
				heap_fill_tuple(desc, v, n, p + hoff, len - hoff, &td->t_infomask,
								hasnull ? td->t_bits : NULL);
				p += len;
			}
			if ((i & 0xFFFF) == 0)
				CHECK_FOR_INTERRUPTS();
		}
		if (pass == 0)
			np = i;
		else if (i != np)
			elog(ERROR, "unexpected layout of a survival curve point");
	}
	return arr;
}

Datum
retention_km_final(PG_FUNCTION_ARGS)
{
	SurvState  *s;
	double		z;
	TupleDesc	desc;
	Oid			elemtype;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = (SurvState *) PG_GETARG_POINTER(0);
	surv_compact(s);
	if (s->nobs == 0)
		PG_RETURN_NULL();
	z = cr_norm_two_sided(s->confidence != 0 ? s->confidence : 0.95);
	desc = cr_result_rowdesc(fcinfo, true, 8, &elemtype);
	PG_RETURN_ARRAYTYPE_P(surv_km_array(desc, elemtype, s, z));
}

static int
surv_name_cmp(const void *a, const void *b, void *arg)
{
	char	  **names = (char **) arg;

	return strcmp(names[*(const int32 *) a], names[*(const int32 *) b]);
}

/*
 * Number the groups in the byte order of their names (as statsmodels'
 * np.unique), not in the order rows arrived: the reference group and the
 * order of the sums, hence the last digits of chi-square, would otherwise
 * depend on the plan (serial, parallel, a different scan order).
 */
static void
surv_sort_groups(SurvState *s)
{
	int32		k = s->ngroups;
	int32	   *order,
			   *rank;
	char	  **names;
	bool		same = true;

	if (k < 2)
		return;
	order = palloc(k * sizeof(int32));
	rank = palloc(k * sizeof(int32));
	names = palloc(k * sizeof(char *));
	for (int32 g = 0; g < k; g++)
		order[g] = g;
	qsort_arg(order, k, sizeof(int32), surv_name_cmp, s->names);
	for (int32 g = 0; g < k; g++)
	{
		rank[order[g]] = g;
		names[g] = s->names[order[g]];
		same = same && order[g] == g;
	}
	if (!same)
	{
		memcpy(s->names, names, k * sizeof(char *));
		for (int64 i = 0; i < s->nobs; i++)
			s->obs[i].g = rank[s->obs[i].g];
		s->last_group = -1;
		/* the hash holds the old indexes: rebuilt at the next lookup */
		if (s->slots)
			pfree(s->slots);
		s->slots = NULL;
		s->nslots = 0;
		s->compacted = 0;		/* sorted by (time, group) again below */
		surv_compact(s);
	}
	pfree(order);
	pfree(rank);
	pfree(names);
}

Datum
retention_logrank_final(PG_FUNCTION_ARGS)
{
	SurvState  *s;
	TupleDesc	desc;
	Datum		v[4];
	bool		n[4] = {false};
	double		chi2 = 0;
	double	   *work;
	int			rc;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	s = (SurvState *) PG_GETARG_POINTER(0);
	surv_compact(s);
	if (s->ngroups == 0)
	{
		/*
		 * Every row was skipped for a NULL argument: no test, but the count
		 * of skipped rows is the one thing to report (a NULL result would
		 * hide that every group or duration was NULL).
		 */
		if (s->skipped == 0)
			PG_RETURN_NULL();
		desc = cr_result_rowdesc(fcinfo, false, 4, NULL);
		n[0] = n[1] = n[2] = true;
		v[0] = v[1] = v[2] = (Datum) 0;
		v[3] = Int64GetDatum(s->skipped);
		PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, v, n)));
	}

	/*
	 * The kernel's sums are doubles: exact for counts up to 2^53, and the
	 * table's products d_g a_o, a_g d_o are taken exactly from there.  More
	 * members (only combined or forged partial states hold them: 2^53 rows
	 * is out of reach) round the counts themselves, and O - E with them (1e16
	 * members, all but 21 churning at once: chi-square 25% off): refused
	 * rather than a p-value no digit of which can be trusted.
	 */
	if (s->members > CR_LOGRANK_MAX_MEMBERS)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("retention_logrank counts at most 2^53 (%lld) members",
						(long long) CR_LOGRANK_MAX_MEMBERS),
				 errdetail("The aggregate's state holds %lld members: its counts are summed in double precision, exact only up to 2^53.",
						   (long long) s->members)));
	surv_sort_groups(s);
	work = palloc_extended(cr_logrank_work_size(s->ngroups) * sizeof(double), MCXT_ALLOC_HUGE);
	rc = cr_logrank(s->obs, (size_t) s->nobs, s->ngroups,
					s->weighting > 0 ? (CrLogrankWeight) (s->weighting - 1) : CR_LR_PLAIN,
					s->fh_p, work, surv_interrupt, &chi2);
	pfree(work);
	desc = cr_result_rowdesc(fcinfo, false, 4, NULL);
	v[0] = float8_or_null(rc == 0 ? chi2 : NAN, &n[0]);
	v[1] = Int32GetDatum(s->ngroups - 1);
	v[2] = float8_or_null(rc == 0 ? cr_chi2_sf(chi2, s->ngroups - 1) : NAN, &n[2]);
	v[3] = Int64GetDatum(s->skipped);
	PG_RETURN_DATUM(HeapTupleGetDatum(heap_form_tuple(desc, v, n)));
}

static void
surv_bad_point(int i, const char *why)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("survival curve point %d is impossible: %s", i + 1, why),
			 errhint("Pass the array retention_km() returns, or points in its form.")));
}

/*
 * Point i of a curve (those before it checked) is one a Kaplan-Meier curve
 * can have: counts within those at risk, who only ever leave; times
 * increasing; survival in [0, 1], falling only where members churned.
 */
static void
surv_check_point(const CrKmPoint *pt, int i)
{
	const CrKmPoint *p = &pt[i];
	const CrKmPoint *prev = i > 0 ? &pt[i - 1] : NULL;

	if (!(p->t >= 0) || isinf(p->t))
		surv_bad_point(i, "time must be finite and not negative");
	if (prev && !(p->t > prev->t))
		surv_bad_point(i, "times must increase");
	if (p->at_risk < 1 || p->ev < 0 || p->cens < 0)
		surv_bad_point(i, "at_risk must be positive, churned and censored not negative");
	if (p->ev > p->at_risk || p->cens > p->at_risk - p->ev)
		surv_bad_point(i, "churned and censored must not exceed at_risk");
	if (prev && p->at_risk > prev->at_risk - prev->ev - prev->cens)
		surv_bad_point(i, "at_risk must not exceed at_risk - churned - censored of the point before");
	if (!(p->surv >= 0 && p->surv <= 1))
		surv_bad_point(i, "survival must be between 0 and 1");
	if (p->surv > (prev ? prev->surv : 1.0))
		surv_bad_point(i, "survival must not increase");
	if (p->ev == 0 && p->surv != (prev ? prev->surv : 1.0))
		surv_bad_point(i, "survival changes only where members churned");
	if (!isnan(p->se) && (p->se < 0 || isinf(p->se)))
		surv_bad_point(i, "std_err must be finite and not negative");
}

/* The points of a curve array (retention_km_point[]); checks each. */
static CrKmPoint *
surv_curve_arg(ArrayType *arr, size_t *np)
{
	Oid			elemtype = ARR_ELEMTYPE(arr);
	TupleDesc	desc = lookup_rowtype_tupdesc(elemtype, -1);
	int16		typlen;
	bool		typbyval;
	char		typalign;
	Datum	   *elems;
	bool	   *nulls;
	int			n;
	CrKmPoint  *pt;

	/* a curve is a list: deconstruct_array would flatten a matrix of points */
	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("survival curve must have one dimension, not %d", ARR_NDIM(arr)),
				 errhint("Pass the array retention_km() returns, or points in its form.")));
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(arr, elemtype, typlen, typbyval, typalign, &elems, &nulls, &n);
	pt = palloc_extended(sizeof(CrKmPoint) * (n > 0 ? n : 1), MCXT_ALLOC_HUGE);
	for (int i = 0; i < n; i++)
	{
		HeapTupleData tup;
		Datum		v[8];
		bool		isn[8];

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("survival curve must not contain NULL points")));
		tup.t_data = DatumGetHeapTupleHeader(elems[i]);
		tup.t_len = HeapTupleHeaderGetDatumLength(tup.t_data);
		heap_deform_tuple(&tup, desc, v, isn);
		if (isn[0] || isn[1] || isn[2] || isn[4])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("survival curve point %d has a NULL time, at_risk, churned or survival", i + 1)));
		pt[i].t = DatumGetFloat8(v[0]);
		pt[i].at_risk = DatumGetInt64(v[1]);
		pt[i].ev = DatumGetInt64(v[2]);
		pt[i].cens = isn[3] ? 0 : DatumGetInt64(v[3]);
		pt[i].surv = DatumGetFloat8(v[4]);
		pt[i].se = isn[5] ? NAN : DatumGetFloat8(v[5]);
		if (!isn[5] && isnan(pt[i].se))
			surv_bad_point(i, "std_err must not be NaN (NULL where undefined)");
		surv_check_point(pt, i);
		if ((i & 0xFFFF) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	ReleaseTupleDesc(desc);
	*np = (size_t) n;
	return pt;
}

static Datum
surv_pair_result(FunctionCallInfo fcinfo, int nv, const double *x)
{
	TupleDesc	desc;
	Datum		v[3];
	bool		n[3];

	if (get_call_result_type(fcinfo, NULL, &desc) != TYPEFUNC_COMPOSITE)
		elog(ERROR, "return type must be a row type");
	desc = BlessTupleDesc(desc);
	for (int i = 0; i < nv; i++)
		v[i] = float8_or_null(x[i], &n[i]);
	return HeapTupleGetDatum(heap_form_tuple(desc, v, n));
}

/* retention_km_quantile(curve, p, confidence) -> (quantile, lower, upper) */
Datum
retention_km_quantile(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	double		p = PG_GETARG_FLOAT8(1);
	double		level = PG_GETARG_FLOAT8(2);
	double		x[3];
	size_t		np;
	CrKmPoint  *pt;

	surv_check_level(p, "p");
	surv_check_level(level, "confidence");
	pt = surv_curve_arg(arr, &np);
	cr_km_quantile(pt, np, p, cr_norm_two_sided(level), &x[0], &x[1], &x[2]);
	PG_RETURN_DATUM(surv_pair_result(fcinfo, 3, x));
}

/* retention_km_rmst(curve, tau) -> (rmst, std_err) */
Datum
retention_km_rmst(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	double		tau = PG_GETARG_FLOAT8(1);
	double		x[2];
	size_t		np;
	CrKmPoint  *pt;

	if (!(tau > 0) || isinf(tau))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tau must be positive and finite, not %g", tau)));
	pt = surv_curve_arg(arr, &np);
	if (np == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("survival curve is empty")));
	if (cr_km_rmst(pt, np, tau, &x[0], &x[1]) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tau %s is beyond the last time of the curve (%s)",
						cr_float_text(tau), cr_float_text(pt[np - 1].t)),
				 errdetail("The curve is not known after its last time.")));
	PG_RETURN_DATUM(surv_pair_result(fcinfo, 2, x));
}
