/*
 * cr_demo_exp_gen.c
 *	  The demo incentive experiment (see cr_demo_exp_gen.h and the README).
 */
#include "cr_demo_exp_gen.h"

#include <math.h>
#include <string.h>

#include "cr_assign.h"
#include "cr_random.h"

#define EFFECT_FADING	2.5
#define REACHABLE_DAYS	28
#define EFFECT_ANNOYED	(-1.2)
#define P_ANNOYED		0.08

void
cr_demo_experiment(const CrDemoMember *m, CrDemoExperiment *e)
{
	static const double halves[2] = {0.5, 0.5};
	unsigned char key[8];
	CrRng		rng;
	double		v,
				logit_c;

	cr_assign_int8_bytes(m->member_id, key);
	e->treated = cr_assign_arm(cr_assign_u(key, 8, CR_DEMO_EXPERIMENT_NAME,
										   strlen(CR_DEMO_EXPERIMENT_NAME)),
							   halves, 2, 1.0) == 2;

	/* the experiment's own stream, so the member's other draws are untouched */
	cr_rng_seed(&rng, cr_mix64(m->key ^ UINT64_C(0x6A09E667F3BCC909)));
	e->annoyed = cr_rng_uniform(&rng) < P_ANNOYED;
	v = cr_rng_uniform(&rng);

	/* a coupon reaches a member whose fade began at most 28 days ago */
	e->effect = EFFECT_FADING * (m->fading && m->fade_days <= REACHABLE_DAYS)
		+ EFFECT_ANNOYED * e->annoyed;
	e->p_control = m->p_renew;
	logit_c = log(m->p_renew / (1.0 - m->p_renew));
	/*
	 * No effect: the same probability, not its round trip through the
	 * logit, which is off in the last bit for some p and would make
	 * true_uplift a nonzero 1e-17 where the coupon changes nothing.
	 */
	e->p_treated = e->effect == 0.0 ? e->p_control
		: 1.0 / (1.0 + exp(-(logit_c + e->effect)));

	e->renewed_if_control = m->renewed;
	if (e->effect > 0.0)
		e->renewed_if_treated = m->renewed ||
			v < (e->p_treated - e->p_control) / (1.0 - e->p_control);
	else if (e->effect < 0.0)
		e->renewed_if_treated = m->renewed && v < e->p_treated / e->p_control;
	else
		e->renewed_if_treated = m->renewed;
	e->renewed = e->treated ? e->renewed_if_treated : e->renewed_if_control;
}
