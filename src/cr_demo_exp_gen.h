/*
 * cr_demo_exp_gen.h
 *	  The demo community's randomised incentive experiment: a coupon offered
 *	  at the reference date to the members that incentive_assign puts in arm
 *	  2 of the experiment 'demo_coupon' (weights 0.5, 0.5).  Plain C.
 *
 * The coupon's true effect differs by member, on the logit of renewal:
 *   +2.5 for a member whose activity began fading at most 28 days ago (it
 *        reaches them while they are still around),
 *   -1.2 for the 8 % of members it annoys (added to the above),
 *    0   otherwise: members whose fade began longer ago are gone whatever
 *        they are offered, and the loyal renew without a coupon.
 * Both potential outcomes are drawn, coupled: renewed_if_control is the
 * member's `renewed` of retention_demo_members(); renewed_if_treated differs
 * from it only in the direction of the effect, with the probability that
 * makes P(renewed_if_treated) = logistic(logit(p_renew) + effect) exactly.
 */
#ifndef CR_DEMO_EXP_GEN_H
#define CR_DEMO_EXP_GEN_H

#include "cr_demo_gen.h"

#define CR_DEMO_EXPERIMENT_NAME "demo_coupon"

typedef struct CrDemoExperiment
{
	int			treated;		/* arm 2 of demo_coupon */
	int			annoyed;
	double		effect;			/* on the logit of renewal */
	double		p_control,
				p_treated;
	int			renewed_if_control,
				renewed_if_treated,
				renewed;		/* the one observed in the member's arm */
} CrDemoExperiment;

extern void cr_demo_experiment(const CrDemoMember *m, CrDemoExperiment *e);

#endif							/* CR_DEMO_EXP_GEN_H */
