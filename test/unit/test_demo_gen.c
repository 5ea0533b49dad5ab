/*
 * test_demo_gen.c: unit tests of the demo community's generative model.
 * link: src/cr_demo_gen.c
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cr_demo_gen.h"
#include "tap.h"

/* this file's name for ok() (tap.h) */
#define check ok

static int
same_member(const CrDemoMember *a, const CrDemoMember *b)
{
	return a->member_id == b->member_id && a->key == b->key && a->propensity == b->propensity &&
		a->annual == b->annual && a->joined_at == b->joined_at && a->fading == b->fading &&
		a->fade_days == b->fade_days && a->rate == b->rate && a->p_renew == b->p_renew &&
		a->renewed == b->renewed;
}

static int
same_events(const CrDemoEvent *a, const CrDemoEvent *b, int k)
{
	for (int i = 0; i < k; i++)
		if (a[i].at != b[i].at || a[i].kind != b[i].kind || a[i].minutes != b[i].minutes ||
			a[i].rating != b[i].rating)
			return 0;
	return 1;
}

static double
logistic(double x)
{
	return 1.0 / (1.0 + exp(-x));
}

int
main(void)
{
	const int	n = 100000;
	CrDemoMember m,
				m2;
	CrDemoEvent ev[CR_DEMO_MAX_EVENTS_PER_DAY];
	double		sz = 0,
				szz = 0,
				annual = 0,
				renewed = 0,
				fading = 0;
	int			bounds_ok = 1,
				link_ok = 1,
				fade_ok = 1,
				events_ok = 1,
				sorted_ok = 1,
				rating_ok = 1,
				minutes_ok = 1;
	long		kind_count[CR_DEMO_NKINDS] = {0};
	long		nevents = 0;
	double		observed = 0,
				expected = 0;

	check(CR_DEMO_REF_USEC == INT64_C(820540800000000), "reference date is 2026-01-01 00:00:00 UTC");
	check(strcmp(cr_demo_kind_names[CR_DEMO_CHECK_IN], "check_in") == 0 &&
		  strcmp(cr_demo_kind_names[CR_DEMO_LESSON_VIEWED], "lesson_viewed") == 0, "kind names");

	cr_demo_member(&m, 42, 1);
	cr_demo_member(&m2, 42, 1);
	check(same_member(&m, &m2), "a member is computed the same way twice");
	cr_demo_member(&m2, 43, 1);
	check(m.key != m2.key && m.propensity != m2.propensity, "another seed gives another member");
	cr_demo_member(&m2, 42, 2);
	check(m.key != m2.key, "another member id gives another stream");
	cr_demo_member(&m2, -1, 1);
	check(m.key != m2.key, "negative seeds are seeds too");

	for (int id = 1; id <= n; id++)
	{
		cr_demo_member(&m, 42, id);
		sz += m.propensity;
		szz += m.propensity * m.propensity;
		annual += m.annual;
		renewed += m.renewed;
		fading += m.fading;
		if (m.joined_at > CR_DEMO_REF_USEC - 7 * CR_DEMO_USEC_PER_DAY ||
			m.joined_at < CR_DEMO_REF_USEC - 900 * CR_DEMO_USEC_PER_DAY ||
			m.joined_at % INT64_C(1000000) != 0)
			bounds_ok = 0;
		if (fabs(m.p_renew - logistic(1.3 + 0.9 * m.propensity + 0.5 * m.annual - 2.0 * m.fading)) > 1e-12)
			link_ok = 0;
		if (m.fade_days < 14 || m.fade_days > 42)
			fade_ok = 0;

		/* events of a sample of members over 60 days */
		if (id % 10 == 0)
		{
			for (int d = 60; d >= 1; d--)
			{
				int64_t		day_start = CR_DEMO_REF_USEC - d * CR_DEMO_USEC_PER_DAY;
				int			k = cr_demo_member_day(&m, d, ev);

				if (k < 0 || k > CR_DEMO_MAX_EVENTS_PER_DAY)
					events_ok = 0;
				for (int i = 0; i < k; i++)
				{
					if (ev[i].at < day_start || ev[i].at >= day_start + CR_DEMO_USEC_PER_DAY ||
						ev[i].at < m.joined_at || ev[i].kind < 0 || ev[i].kind >= CR_DEMO_NKINDS)
						events_ok = 0;
					if (i > 0 && ev[i].at < ev[i - 1].at)
						sorted_ok = 0;
					if ((ev[i].kind == CR_DEMO_LESSON_COMPLETED || ev[i].kind == CR_DEMO_LIVE_SESSION)
						? !(ev[i].rating >= 1 && ev[i].rating <= 5 && ev[i].rating == rint(ev[i].rating))
						: ev[i].rating >= 0)
						rating_ok = 0;
					if (ev[i].kind == CR_DEMO_LIKE ? ev[i].minutes != 0 : !(ev[i].minutes > 0))
						minutes_ok = 0;
					kind_count[ev[i].kind]++;
					nevents++;
				}
			}
		}

		/*
		 * The Poisson rate: long-standing members who neither fade nor leave,
		 * on weekdays well inside their membership, average their base rate.
		 */
		if (id % 10 == 1 && m.renewed && !m.fading &&
			m.joined_at < CR_DEMO_REF_USEC - 400 * CR_DEMO_USEC_PER_DAY && m.rate < 20)
		{
			for (int d = 60; d < 360; d++)
			{
				int64_t		abs_day = (CR_DEMO_REF_USEC - d * CR_DEMO_USEC_PER_DAY) / CR_DEMO_USEC_PER_DAY;
				int			dow = (int) ((abs_day + 6) % 7);

				if (dow == 0 || dow == 6)
					continue;
				observed += cr_demo_member_day(&m, d, ev);
				expected += m.rate;
			}
		}
	}

	check(fabs(sz / n) < 0.02, "propensity has mean 0");
	check(fabs(szz / n - 1.0) < 0.03, "propensity has variance 1");
	check(fabs(annual / n - 0.30) < 0.01, "30 % of members are annual");
	check(renewed / n > 0.60 && renewed / n < 0.75, "renewal rate is between 60 % and 75 %");
	check(fading / n > 0.15 && fading / n < 0.35, "a minority of members fade");
	check(bounds_ok, "members joined 7 to 900 days before the reference date, on whole seconds");
	check(link_ok, "renewal probability follows the documented logistic link");
	check(fade_ok, "fades last 14 to 42 days");
	check(events_ok, "events fall inside their day, after joining, with a valid kind");
	check(sorted_ok, "a day's events are sorted by time");
	check(rating_ok, "ratings 1..5 exactly for lesson_completed and live_session");
	check(minutes_ok, "likes take 0 minutes, other events a positive time");
	{
		int			all_kinds = 1;

		for (int k = 0; k < CR_DEMO_NKINDS; k++)
			if (kind_count[k] == 0)
				all_kinds = 0;
		check(all_kinds && nevents > 100000, "every kind occurs");
		check(fabs((double) kind_count[CR_DEMO_LESSON_VIEWED] / nevents - 0.30) < 0.01 &&
			  fabs((double) kind_count[CR_DEMO_LIKE] / nevents - 0.22) < 0.01,
			  "kind shares follow their weights");
	}
	check(expected > 10000 && fabs(observed / expected - 1.0) < 0.03,
		  "weekday event counts average the member's base rate");

	/* a day before joining has no events; a day's events do not depend on other days */
	cr_demo_member(&m, 42, 7);
	{
		int			days_before = (int) ((CR_DEMO_REF_USEC - m.joined_at) / CR_DEMO_USEC_PER_DAY) + 2;
		CrDemoEvent ev2[CR_DEMO_MAX_EVENTS_PER_DAY];
		int			k1,
					k2;

		check(cr_demo_member_day(&m, days_before, ev) == 0, "no events before joining");
		k1 = cr_demo_member_day(&m, 3, ev);
		(void) cr_demo_member_day(&m, 4, ev2);
		k2 = cr_demo_member_day(&m, 3, ev2);
		check(k1 == k2 && same_events(ev, ev2, k1),
			  "a day's events are the same whatever was generated before");
	}

	return tap_done();
}
