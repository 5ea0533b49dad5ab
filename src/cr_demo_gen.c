/*
 * cr_demo_gen.c
 *	  The demo community's generative story (see README, "A demo community").
 *
 * Member level, from the member's own stream (seed, member_id):
 *	 z          ~ N(0, 1), hidden engagement propensity
 *	 plan       annual with probability 0.30, else monthly
 *	 joined_at  REF - tenure; tenure uniform in [7, 180) days for 45 % of
 *	            members, in [180, 900) days for the others
 *	 fading     ~ Bernoulli(logistic(-1.3 - 0.7 z)): a member who disengages
 *	            over the last fade_days ~ U{14..42} days
 *	 renewed    ~ Bernoulli(logistic(1.3 + 0.9 z + 0.5 [annual] - 2.0 [fading]))
 *	 rate       = exp(-0.6 + 0.9 z) events per day (log-normal: heavy tail)
 *
 * Day level, from the stream (member, day): events ~ Poisson(lambda) with
 *	 lambda = rate * weekday * burst * decay, capped at 30, where
 *	 weekday = 0.6 on Saturdays and Sundays (UTC), else 1;
 *	 burst   = 1 + 2 (1 - t / 14) in the first 14 days after joining (t days);
 *	 decay   = exp(-(days into the fade) / 8) for fading members, and for the
 *	           other members who will not renew 0.5 + 0.5 d / 21 over the
 *	           last 21 days (d days before REF).
 * Each event gets a uniform time within the day (after joined_at), a kind by
 * fixed weights, minutes per kind (log-normal, likes take 0) and, for
 * lesson_completed and live_session only, a rating 1..5 that leans on z.
 */
#include "cr_demo_gen.h"

#include <math.h>

#include "cr_random.h"

const char *const cr_demo_kind_names[CR_DEMO_NKINDS] = {
	"lesson_viewed",
	"lesson_completed",
	"live_session",
	"post",
	"comment",
	"like",
	"quiz",
	"check_in"
};

/* Kind weights, percent; they sum to 100. */
static const int kind_weight[CR_DEMO_NKINDS] = {30, 12, 4, 5, 14, 22, 5, 8};

/* Minutes per kind: median and log-scale spread of a log-normal (0: none). */
static const double kind_minutes_median[CR_DEMO_NKINDS] = {8, 15, 50, 6, 2, 0, 5, 1.5};
static const double kind_minutes_sigma[CR_DEMO_NKINDS] = {0.6, 0.5, 0.3, 0.5, 0.6, 0, 0.4, 0.3};

/* The generative constants (documented in README). */
#define P_ANNUAL		0.30
#define P_SHORT_TENURE	0.45
#define FADE_A			(-1.3)
#define FADE_B			(-0.7)
#define RENEW_C0		1.3
#define RENEW_Z			0.9
#define RENEW_ANNUAL	0.5
#define RENEW_FADING	(-2.0)
#define RATE_A			(-0.6)
#define RATE_B			0.9
#define RATE_CAP		30.0
#define WEEKEND_FACTOR	0.6
#define BURST_DAYS		14.0
#define BURST_HEIGHT	2.0
#define FADE_SCALE		8.0
#define DRIFT_DAYS		21

static double
logistic(double x)
{
	return 1.0 / (1.0 + exp(-x));
}

void
cr_demo_member(CrDemoMember *m, int32_t seed, int64_t member_id)
{
	CrRng		rng;
	uint64_t	key;
	double		tenure_days;

	key = cr_mix64(cr_mix64((uint64_t) (uint32_t) seed ^ UINT64_C(0xD1B54A32D192ED03))
				   + (uint64_t) member_id);
	cr_rng_seed(&rng, key);

	m->member_id = member_id;
	m->key = key;
	m->propensity = cr_rng_normal(&rng);
	m->annual = cr_rng_uniform(&rng) < P_ANNUAL;
	if (cr_rng_uniform(&rng) < P_SHORT_TENURE)
		tenure_days = 7.0 + cr_rng_uniform(&rng) * (180.0 - 7.0);
	else
		tenure_days = 180.0 + cr_rng_uniform(&rng) * (900.0 - 180.0);
	/* whole seconds */
	m->joined_at = CR_DEMO_REF_USEC - (int64_t) (tenure_days * 86400.0) * INT64_C(1000000);
	m->fading = cr_rng_uniform(&rng) < logistic(FADE_A + FADE_B * m->propensity);
	m->fade_days = 14 + (int) (cr_rng_next(&rng) % 29);
	m->p_renew = logistic(RENEW_C0 + RENEW_Z * m->propensity
						  + RENEW_ANNUAL * m->annual + RENEW_FADING * m->fading);
	m->renewed = cr_rng_uniform(&rng) < m->p_renew;
	m->rate = exp(RATE_A + RATE_B * m->propensity);
}

/* Poisson by multiplication of uniforms (Knuth); lambda is at most RATE_CAP. */
static int
poisson(CrRng *rng, double lambda)
{
	double		limit = exp(-lambda);
	double		p = 1.0;
	int			k = 0;

	for (;;)
	{
		p *= cr_rng_uniform(rng);
		if (p <= limit || k >= CR_DEMO_MAX_EVENTS_PER_DAY)
			return k;
		k++;
	}
}

int
cr_demo_member_day(const CrDemoMember *m, int64_t day_back, CrDemoEvent *out)
{
	int64_t		day_start = CR_DEMO_REF_USEC - day_back * CR_DEMO_USEC_PER_DAY;
	int64_t		day_end = day_start + CR_DEMO_USEC_PER_DAY;
	int64_t		lo;
	int64_t		span_sec;
	int64_t		abs_day;
	int			dow;
	double		lambda;
	double		since_join;
	CrRng		rng;
	int			n;

	if (day_end <= m->joined_at)
		return 0;

	lambda = m->rate;

	/* 2000-01-01 was a Saturday: dow 0 = Sunday ... 6 = Saturday */
	abs_day = day_start / CR_DEMO_USEC_PER_DAY;
	dow = (int) ((abs_day % 7 + 7 + 6) % 7);
	if (dow == 0 || dow == 6)
		lambda *= WEEKEND_FACTOR;

	since_join = (double) (day_start - m->joined_at) / (double) CR_DEMO_USEC_PER_DAY;
	if (since_join < 0)
		since_join = 0;
	if (since_join < BURST_DAYS)
		lambda *= 1.0 + BURST_HEIGHT * (1.0 - since_join / BURST_DAYS);

	if (m->fading)
	{
		if (day_back <= m->fade_days)
			lambda *= exp(-(double) (m->fade_days - day_back + 1) / FADE_SCALE);
	}
	else if (!m->renewed && day_back <= DRIFT_DAYS)
		lambda *= 0.5 + 0.5 * (double) day_back / DRIFT_DAYS;

	if (lambda > RATE_CAP)
		lambda = RATE_CAP;

	cr_rng_seed(&rng, m->key ^ cr_mix64((uint64_t) day_back * UINT64_C(0x9E3779B97F4A7C15)));
	n = poisson(&rng, lambda);
	if (n == 0)
		return 0;

	lo = day_start > m->joined_at ? day_start : m->joined_at;
	span_sec = (day_end - lo) / INT64_C(1000000);
	if (span_sec < 1)
		span_sec = 1;

	for (int i = 0; i < n; i++)
	{
		CrDemoEvent *e = &out[i];
		int			w = (int) (cr_rng_next(&rng) % 100);
		int			kind = 0;
		double		med;

		while (w >= kind_weight[kind])
			w -= kind_weight[kind++];

		e->at = lo + (int64_t) (cr_rng_next(&rng) % (uint64_t) span_sec) * INT64_C(1000000);
		e->kind = kind;
		med = kind_minutes_median[kind];
		if (med > 0)
		{
			double		x = med * exp(kind_minutes_sigma[kind] * cr_rng_normal(&rng));

			e->minutes = rint(x * 10.0) / 10.0;
			if (e->minutes < 0.1)
				e->minutes = 0.1;
		}
		else
			e->minutes = 0;
		if (kind == CR_DEMO_LESSON_COMPLETED || kind == CR_DEMO_LIVE_SESSION)
		{
			double		r = rint(3.7 + 0.5 * m->propensity + 0.8 * cr_rng_normal(&rng));

			e->rating = r < 1 ? 1 : (r > 5 ? 5 : r);
		}
		else
			e->rating = -1;
	}

	/* insertion sort by time: n is small */
	for (int i = 1; i < n; i++)
	{
		CrDemoEvent tmp = out[i];
		int			j = i - 1;

		while (j >= 0 && out[j].at > tmp.at)
		{
			out[j + 1] = out[j];
			j--;
		}
		out[j + 1] = tmp;
	}
	return n;
}
