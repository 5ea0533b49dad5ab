/*
 * cr_demo_spells_gen.c
 *	  Membership spells of the demo community, from the same member-level
 *	  values as retention_demo_members() (cr_demo_member) plus a stream of
 *	  their own, keyed by the member's key, so no existing output changes:
 *
 *	 current spell  joined_at until the reference date: it ends there when
 *	                the member did not renew (churned), else it is still
 *	                active (no end)
 *	 earlier spell  with probability logistic(-1.4 - 0.6 z) the member had
 *	                been a member before and left: it ended gap ~ U[30, 210)
 *	                days before joined_at and lasted whole billing periods
 *	                (30 days monthly, 365 days annual), 1 + Geometric(q)
 *	                periods (at most 36), where the per-period churn
 *	                probability q = logistic(-1.6 - 0.7 z) monthly and
 *	                logistic(-0.9 - 0.7 z) annual
 * Low propensity z: more often a returning member, shorter earlier spells
 * and (through renewed) a shorter current one.
 */
#include "cr_demo_spells_gen.h"

#include <math.h>

#include "cr_random.h"

#define SPELL_SALT		UINT64_C(0x5BD1E9955BD1E995)
#define PREV_A			(-1.4)
#define PREV_B			(-0.6)
#define CHURN_MONTHLY	(-1.6)
#define CHURN_ANNUAL	(-0.9)
#define CHURN_Z			(-0.7)
#define MAX_PERIODS		36

static double
logistic(double x)
{
	return 1.0 / (1.0 + exp(-x));
}

int
cr_demo_member_spells(const CrDemoMember *m, CrDemoSpell out[2])
{
	CrRng		rng;
	int			n = 0;

	cr_rng_seed(&rng, cr_mix64(m->key ^ SPELL_SALT));
	if (cr_rng_uniform(&rng) < logistic(PREV_A + PREV_B * m->propensity))
	{
		double		q = logistic((m->annual ? CHURN_ANNUAL : CHURN_MONTHLY)
								 + CHURN_Z * m->propensity);
		int64_t		period = (m->annual ? 365 : 30) * CR_DEMO_USEC_PER_DAY;
		int			periods = 1;
		int64_t		gap_sec = (int64_t) ((30.0 + cr_rng_uniform(&rng) * 180.0) * 86400.0);

		while (periods < MAX_PERIODS && cr_rng_uniform(&rng) >= q)
			periods++;
		out[n].ended_at = m->joined_at - gap_sec * INT64_C(1000000);
		out[n].started_at = out[n].ended_at - periods * period;
		out[n].active = 0;
		n++;
	}
	out[n].started_at = m->joined_at;
	out[n].ended_at = m->renewed ? 0 : CR_DEMO_REF_USEC;
	out[n].active = m->renewed != 0;
	return n + 1;
}
