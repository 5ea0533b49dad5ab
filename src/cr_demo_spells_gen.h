/*
 * cr_demo_spells_gen.h
 *	  Membership spells of a demo member (plain C, unit-tested in
 *	  test/unit/test_km.c).  See cr_demo_spells_gen.c for the story.
 */
#ifndef CR_DEMO_SPELLS_GEN_H
#define CR_DEMO_SPELLS_GEN_H

#include "cr_demo_gen.h"

typedef struct CrDemoSpell
{
	int64_t		started_at;		/* timestamp, microseconds */
	int64_t		ended_at;		/* timestamp; meaningless when active */
	int			active;			/* 1: still a member (no end) */
} CrDemoSpell;

/* Spells of member m in time order; returns their count (1 or 2). */
extern int	cr_demo_member_spells(const CrDemoMember *m, CrDemoSpell out[2]);

#endif							/* CR_DEMO_SPELLS_GEN_H */
