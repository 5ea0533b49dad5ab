/*
 * cr_engagement.h
 *	  Helpers shared by the engagement feature files (cr_engagement.c,
 *	  cr_cohort.c).
 */
#ifndef CR_ENGAGEMENT_H
#define CR_ENGAGEMENT_H

#include "fmgr.h"
#include "utils/timestamp.h"

/* The aggregate memory context, or an error naming the function. */
extern MemoryContext cr_agg_context(FunctionCallInfo fcinfo, const char *name);

/*
 * Local calendar day number (days since 2000-01-01, session TimeZone) of a
 * finite timestamptz, cached per call site in fn_extra (which it owns).
 */
extern int32 cr_local_day_cached(FunctionCallInfo fcinfo, TimestampTz ts);

/*
 * The same in the time zone zone.  engagement_summary reads every row of a
 * state in the zone of its first row, so that a window aggregate's state,
 * which lives across a cursor's FETCHes, keeps one calendar when TimeZone
 * changes between them.
 */
extern int32 cr_local_day_cached_tz(FunctionCallInfo fcinfo, TimestampTz ts, struct pg_tz *zone);

/* Error 22023 "<what> must be finite" for +-infinity. */
extern void cr_check_finite(TimestampTz ts, const char *what);

/* A hash of the name of a time zone, carried by partial states */
extern uint64 cr_zone_hash(struct pg_tz *zone);

/*
 * 22023 unless a group's partial states have as_of on the same local day
 * and were made in the same zone (of hashes zone_a and zone_b)
 */
extern void cr_check_asof_days(int32 a, int32 b, uint64 zone_a, uint64 zone_b);

/*
 * The most days a local day is from the UTC day: PostgreSQL takes POSIX
 * zones up to 167 hours from UTC ('UTC+167').
 */
#define CR_MAX_ZONE_DAYS 7

/* Whether asof_day is a local day that as_of has in some time zone */
extern bool cr_asof_day_possible(TimestampTz as_of, int32 asof_day);

/*
 * Serialized aggregate states: a fixed header then nwords 64-bit words.
 * cr_words_header copies the header out (error if too short); cr_words_body
 * returns a palloc'd copy of the words (NULL if none), error unless exactly
 * nwords follow.
 */
extern bytea *cr_words_serialize(const void *fixed, Size fixed_len,
								 const uint64 *words, int32 nwords);
extern void cr_words_header(bytea *in, void *fixed, Size fixed_len, const char *what);
extern uint64 *cr_words_body(bytea *in, Size fixed_len, int32 nwords, const char *what);

#endif							/* CR_ENGAGEMENT_H */
