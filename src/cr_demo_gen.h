/*
 * cr_demo_gen.h
 *	  The generative model behind retention_demo_members() and
 *	  retention_demo_activity().  Plain C (no backend calls), so it can be
 *	  unit-tested outside the server.
 *
 * Times are PostgreSQL timestamps: microseconds since 2000-01-01 00:00:00 UTC.
 * Everything is fixed relative to the reference date CR_DEMO_REF_USEC
 * (2026-01-01 00:00:00 UTC), so outputs never depend on the clock.
 *
 * Member i draws all of its member-level values from its own random stream,
 * keyed by (seed, i), and each of its days draws from a stream keyed by
 * (member, day); hence member i's rows never depend on how many members or
 * how many days were asked for.
 */
#ifndef CR_DEMO_GEN_H
#define CR_DEMO_GEN_H

#include <stdint.h>

/* 2026-01-01 00:00:00 UTC: 9497 days after 2000-01-01. */
#define CR_DEMO_USEC_PER_DAY	INT64_C(86400000000)
#define CR_DEMO_REF_USEC		(INT64_C(9497) * CR_DEMO_USEC_PER_DAY)

/* Limits of the SQL functions' arguments. */
#define CR_DEMO_MAX_MEMBERS		100000000
#define CR_DEMO_MAX_DAYS		3650

/* Upper bound on the events one member produces in one day. */
#define CR_DEMO_MAX_EVENTS_PER_DAY 48

typedef enum CrDemoKind
{
	CR_DEMO_LESSON_VIEWED = 0,
	CR_DEMO_LESSON_COMPLETED,
	CR_DEMO_LIVE_SESSION,
	CR_DEMO_POST,
	CR_DEMO_COMMENT,
	CR_DEMO_LIKE,
	CR_DEMO_QUIZ,
	CR_DEMO_CHECK_IN,
	CR_DEMO_NKINDS
} CrDemoKind;

extern const char *const cr_demo_kind_names[CR_DEMO_NKINDS];

/* Hidden and visible member-level values. */
typedef struct CrDemoMember
{
	int64_t		member_id;
	uint64_t	key;			/* base of the member's per-day streams */
	double		propensity;		/* hidden engagement z ~ N(0, 1) */
	int			annual;			/* 1: annual plan, 0: monthly */
	int64_t		joined_at;		/* timestamp, microseconds */
	int			fading;			/* 1: disengaging before the end */
	int			fade_days;		/* length of that fade, in days */
	double		rate;			/* base events per day */
	double		p_renew;		/* the logistic link's probability */
	int			renewed;		/* outcome at the reference date */
} CrDemoMember;

typedef struct CrDemoEvent
{
	int64_t		at;				/* timestamp, microseconds */
	int			kind;			/* CrDemoKind */
	double		minutes;
	double		rating;			/* 1..5, or negative when it does not apply */
} CrDemoEvent;

/* Compute member member_id (>= 1) of community seed. */
extern void cr_demo_member(CrDemoMember *m, int32_t seed, int64_t member_id);

/*
 * Events of member m on the day [REF - day_back days, REF - day_back + 1 days),
 * day_back >= 1, sorted by time; returns how many were written to out
 * (which has room for CR_DEMO_MAX_EVENTS_PER_DAY).
 */
extern int	cr_demo_member_day(const CrDemoMember *m, int64_t day_back,
							   CrDemoEvent *out);

#endif							/* CR_DEMO_GEN_H */
