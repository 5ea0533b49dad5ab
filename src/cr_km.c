/*
 * cr_km.c
 *	  Survival analysis kernel (see cr_km.h).  The Kaplan-Meier estimate and
 *	  Greenwood's variance follow statsmodels' _calc_survfunc_right (the
 *	  product is taken as exp of a sum of logs, as there); the log-rank test
 *	  follows statsmodels' survdiff (event times with fewer than two members
 *	  at risk do not count), but leaves out the group of the largest variance
 *	  rather than the first (see cr_logrank).
 */
#include "cr_km.h"
#include "cr_sum.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int
obs_cmp(const void *a, const void *b)
{
	const CrSurvObs *x = (const CrSurvObs *) a;
	const CrSurvObs *y = (const CrSurvObs *) b;

	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return (x->g > y->g) - (x->g < y->g);
}

size_t
cr_surv_compact(CrSurvObs *o, size_t n)
{
	size_t		w = 0;

	if (n < 2)
		return n;
	qsort(o, n, sizeof(CrSurvObs), obs_cmp);
	for (size_t i = 1; i < n; i++)
	{
		if (o[i].t == o[w].t && o[i].g == o[w].g)
		{
			o[w].ev += o[i].ev;
			o[w].cens += o[i].cens;
		}
		else
			o[++w] = o[i];
	}
	return w + 1;
}

/* Merge sorted a[0..na) and b[0..nb) into out (no key merging here). */
static void
merge_runs(const CrSurvObs *a, size_t na, const CrSurvObs *b, size_t nb,
		   CrSurvObs *out, CrInterruptFn interrupt, size_t *done)
{
	size_t		i = 0,
				j = 0,
				w = 0;

	while (i < na || j < nb)
	{
		if (j >= nb || (i < na && obs_cmp(&a[i], &b[j]) <= 0))
			out[w++] = a[i++];
		else
			out[w++] = b[j++];
		if (interrupt && ++*done >= CR_SURV_SORT_RUN * 16)
		{
			interrupt();
			*done = 0;
		}
	}
}

size_t
cr_surv_compact_tail_run(CrSurvObs *o, size_t n, size_t sorted, CrSurvObs *scratch,
						 size_t run, CrInterruptFn interrupt)
{
	size_t		i = 0,
				j,
				w = 0,
				done = 0;
	size_t		tail;
	CrSurvObs  *src,
			   *dst;

	if (sorted > n)
		sorted = n;
	if (run < 1)
		run = 1;
	tail = n - sorted;

	/*
	 * Sort the tail as runs of at most run entries (one qsort each), then
	 * merge them pairwise, bottom up, between the tail and scratch: a
	 * single qsort of tens of millions of entries took seconds that nothing
	 * could interrupt.
	 */
	for (size_t r = 0; r < tail; r += run)
	{
		qsort(o + sorted + r, tail - r < run ? tail - r : run, sizeof(CrSurvObs), obs_cmp);
		if (interrupt)
			interrupt();
	}
	src = o + sorted;
	dst = scratch;
	for (size_t width = run; width < tail; width *= 2)
	{
		for (size_t r = 0; r < tail; r += 2 * width)
		{
			size_t		na = tail - r < width ? tail - r : width;
			size_t		nb = tail - r - na < width ? tail - r - na : width;

			merge_runs(src + r, na, src + r + na, nb, dst + r, interrupt, &done);
		}
		{
			CrSurvObs  *tmp = src;

			src = dst;
			dst = tmp;
		}
	}
	if (src != o + sorted)
		memcpy(o + sorted, src, tail * sizeof(CrSurvObs));

	/* merge the sorted tail with the prefix into scratch, adding equal keys */
	j = sorted;
	while (i < sorted || j < n)
	{
		const CrSurvObs *next;

		if (j >= n || (i < sorted && obs_cmp(&o[i], &o[j]) <= 0))
			next = &o[i++];
		else
			next = &o[j++];
		if (w > 0 && scratch[w - 1].t == next->t && scratch[w - 1].g == next->g)
		{
			scratch[w - 1].ev += next->ev;
			scratch[w - 1].cens += next->cens;
		}
		else
			scratch[w++] = *next;
		if (interrupt && ++done >= CR_SURV_SORT_RUN * 16)
		{
			interrupt();
			done = 0;
		}
	}
	memcpy(o, scratch, w * sizeof(CrSurvObs));
	return w;
}

size_t
cr_surv_compact_tail(CrSurvObs *o, size_t n, size_t sorted, CrSurvObs *scratch,
					 CrInterruptFn interrupt)
{
	return cr_surv_compact_tail_run(o, n, sorted, scratch, CR_SURV_SORT_RUN, interrupt);
}

/* log(-log) interval around s with standard error se; NaN where undefined. */
static void
loglog_ci(double s, double se, double z, double *lo, double *hi)
{
	double		theta,
				sd;

	if (!(s > 0 && s < 1) || !isfinite(se))
	{
		*lo = *hi = NAN;
		return;
	}
	theta = log(-log(s));
	sd = se / (s * fabs(log(s)));
	*lo = exp(-exp(theta + z * sd));
	*hi = exp(-exp(theta - z * sd));
}

void
cr_km_iter_start(CrKmIter *it, const CrSurvObs *o, size_t n, double z)
{
	it->o = o;
	it->n = n;
	it->i = 0;
	it->at_risk = 0;
	it->logs = (CrSum) {0, 0};
	it->gw = (CrSum) {0, 0};
	it->z = z;
	it->dead = 0;
	for (size_t i = 0; i < n; i++)
		it->at_risk += o[i].ev + o[i].cens;
}

int
cr_km_iter_next(CrKmIter *it, CrKmPoint *p)
{
	const CrSurvObs *o = it->o;
	size_t		n = it->n,
				i = it->i;
	int64_t		at_risk = it->at_risk;
	int64_t		d = 0,
				c = 0;
	double		t;

	if (i >= n)
		return 0;
	t = o[i].t;
	for (; i < n && o[i].t == t; i++)
	{
		d += o[i].ev;
		c += o[i].cens;
	}
	p->t = t;
	p->at_risk = at_risk;
	p->ev = d;
	p->cens = c;
	if (d > 0)
	{
		/*
		 * log(1 - d/n) without cancelling: log1p(-d/n) while at most half
		 * churn, else log((n - d)/n) with n - d exact in integers.  Once
		 * everyone at risk churns, survival is exactly zero.  Both sums
		 * are compensated: over a million event times a naive sum of the
		 * logs drifted by up to an ulp a term, survival 7e-13 off after
		 * 1e8 churned one by one (exactly (N - j) / N there).
		 */
		if (d == at_risk)
			it->dead = 1;
		else
		{
			if (d <= at_risk - d)
				crsum_add(&it->logs, log1p(-(double) d / (double) at_risk));
			else
				crsum_add(&it->logs, log((double) (at_risk - d) / (double) at_risk));
			crsum_add(&it->gw, (double) d / ((double) at_risk * (double) (at_risk - d)));
		}
	}
	p->surv = it->dead ? 0.0 : exp(crsum_value(&it->logs));
	p->se = p->surv > 0 ? p->surv * sqrt(crsum_value(&it->gw)) : NAN;
	loglog_ci(p->surv, p->se, it->z, &p->lower, &p->upper);
	it->at_risk = at_risk - (d + c);
	it->i = i;
	return 1;
}

size_t
cr_km_curve(const CrSurvObs *o, size_t n, double z, CrKmPoint *out)
{
	CrKmIter	it;
	size_t		np = 0;

	cr_km_iter_start(&it, o, n, z);
	while (cr_km_iter_next(&it, &out[np]))
		np++;
	return np;
}

/* survival within this (relative) of the target is at it, not below */
#define KM_TARGET_TOL 1e-12

void
cr_km_quantile(const CrKmPoint *pt, size_t n, double p, double z,
			   double *q, double *lo, double *hi)
{
	double		target = 1.0 - p;
	double		gt = log(-log(target));
	long		first = -1,
				last = -1;
	long		last_event = -1;

	*q = *lo = *hi = NAN;
	for (size_t i = 0; i < n; i++)
	{
		double		s = pt[i].surv,
					r;

		if (pt[i].ev <= 0)
			continue;
		last_event = (long) i;

		/*
		 * Below the target by more than rounding: the product is taken as
		 * exp of a sum of logs, which puts an exact 6/12 at
		 * 0.49999999999999994, and the median is the first time survival
		 * is below 0.5, not at it.
		 */
		if (isnan(*q) && s < target * (1.0 - KM_TARGET_TOL))
			*q = pt[i].t;
		/* (g(S) - g(1 - p)) / (g'(S) se), g = log(-log), g' = -1 / (S log S) */
		r = (log(-log(s)) - gt) / ((-1.0 / (s * log(s))) * pt[i].se);
		if (fabs(r) <= z)
		{
			if (first < 0)
				first = (long) i;
			last = (long) i;
		}
	}
	if (first < 0)
		return;
	*lo = pt[first].t;
	if (last == last_event)
		*hi = INFINITY;
	else
	{
		/* the next event time after the last accepted one */
		for (size_t i = (size_t) last + 1; i < n; i++)
			if (pt[i].ev > 0)
			{
				*hi = pt[i].t;
				break;
			}
	}
}

int
cr_km_rmst(const CrKmPoint *pt, size_t n, double tau, double *rmst, double *se)
{
	CrSum		area = {0, 0},
				var = {0, 0};
	double		prev_t = 0,
				prev_s = 1,
				whole;

	/*
	 * The sums here are compensated: a naive one drifts by up to an ulp a
	 * term, 1.7e-12 relative over 1e5 censor-only times of equal survival.
	 */
	if (n == 0 || tau > pt[n - 1].t)
		return -1;
	for (size_t i = 0; i < n && pt[i].t < tau; i++)
	{
		crsum_add(&area, prev_s * (pt[i].t - prev_t));
		prev_t = pt[i].t;
		prev_s = pt[i].surv;
	}
	crsum_add(&area, prev_s * (tau - prev_t));
	whole = crsum_value(&area);
	*rmst = whole;

	/*
	 * Second walk, from tau back: A_j, the integral of S on [t_j, tau], is
	 * summed from positive terms.  Taken as the area less the integral on
	 * [0, t_j], it cancelled where little area was left: 0 after all but 1
	 * of 1e17 churned at the first time (a standard error of 0 for 1e-17).
	 */
	{
		size_t		m = 0;
		CrSum		tail = {0, 0};

		while (m < n && pt[m].t <= tau)
			m++;
		for (size_t i = m; i-- > 0;)
		{
			double		nj = (double) pt[i].at_risk,
						dj = (double) pt[i].ev,
						a;

			crsum_add(&tail, pt[i].surv * ((i + 1 < m ? pt[i + 1].t : tau) - pt[i].t));
			a = crsum_value(&tail);

			/*
			 * Relative to the area: A_j^2 overflows for durations near
			 * 1e154.  n_j - d_j in integers, as the curve's Greenwood sum
			 * (in doubles it is 0 for 1 of 1e17 staying).
			 */
			if (dj > 0 && pt[i].at_risk > pt[i].ev && a > 0)
				crsum_add(&var, (a / whole) * (a / whole) * dj / (nj * (double) (pt[i].at_risk - pt[i].ev)));
		}
	}
	*se = whole > 0 ? whole * sqrt(crsum_value(&var)) : 0.0;
	return 0;
}

/*
 * (O - E)^T V^-1 (O - E) with V the covariance of the k groups but ref,
 * given as a graph Laplacian: w (k x k, row-major, overwritten) holds the
 * weights w[g][h] = -V[g][h] >= 0 of every pair of groups, V's diagonal
 * being the row sums (see cr_logrank).  Gaussian elimination in the manner
 * of Grassmann, Taksar and Heyman: eliminating group p adds
 * w[j][p] w[p][h] / D_p to w[j][h], and each pivot D_p is summed from what
 * is left of its row (ref's column standing for the groups eliminated into
 * it), never found by subtracting, so every number is a sum of positive
 * terms: accurate to rounding however close V is to singular.  A pivot of
 * 0 is a V singular exactly: returns -1.
 */
static int
laplacian_chi2(double *w, double *oe, int k, int ref, CrInterruptFn interrupt,
			   double *chi2)
{
	double		sum = 0;

	for (int p = 0; p < k; p++)
	{
		double		d = 0,
					y = oe[p];

		if (p == ref)
			continue;
		if (interrupt && (p & 15) == 15)
			interrupt();
		for (int h = p + 1; h < k; h++)
			d += w[p * k + h];
		if (ref < p)
			d += w[p * k + ref];
		if (!(d > 0) || !isfinite(d))
			return -1;
		sum += y / d * y;
		for (int j = p + 1; j < k; j++)
		{
			double		f;

			if (j == ref || w[j * k + p] == 0)
				continue;
			f = w[j * k + p] / d;
			oe[j] += f * y;
			/* w[j][j] too: it is never read */
			for (int h = p + 1; h < k; h++)
				w[j * k + h] += f * w[p * k + h];
			if (ref < p)
				w[j * k + ref] += f * w[p * k + ref];
		}
	}
	*chi2 = sum;
	return 0;
}

/* Double-double helpers: s + e is a + b (a * b) exactly. */
static inline void
two_sum(double a, double b, double *s, double *e)
{
	double		x = a + b,
				bb = x - a;

	*e = (a - (x - bb)) + (b - bb);
	*s = x;
}

static inline void
two_prod(double a, double b, double *p, double *e)
{
	*p = a * b;
	*e = fma(a, b, -*p);
}

/* double-double a + b and a * b, normalised (|lo| at most half an ulp of hi) */
static inline void
dd_add(double ah, double al, double bh, double bl, double *h, double *l)
{
	double		s,
				e;

	two_sum(ah, bh, &s, &e);
	e += al + bl;
	*h = s + e;
	*l = e - (*h - s);
}

static inline void
dd_mul(double ah, double al, double bh, double bl, double *h, double *l)
{
	double		p,
				e;

	two_prod(ah, bh, &p, &e);
	e += ah * bl + al * bh;
	*h = p + e;
	*l = e - (*h - p);
}

/*
 * exp(xh + xl) as a double-double, to about 1e-31 relative: x = k ln 2 + r,
 * expm1(r / 2^20) by its Taylor series to r^5 (the next term is 1e-35 of
 * it), then doubled back 20 times as e -> 2 e + e^2.  For x below -700 it
 * is exp(xh), subnormal or 0 (a weight that small adds nothing).
 */
static void
dd_exp(double xh, double xl, double *h, double *l)
{
	static const double ln2_hi = 0x1.62e42fefa39efp-1,
				ln2_lo = 0x1.abc9e3b39803fp-56;
	double		k,
				rh,
				rl,
				th,
				tl,
				ph,
				pl;

	if (xh < -700)
	{
		*h = exp(xh);
		*l = 0;
		return;
	}
	k = nearbyint(xh / ln2_hi);
	dd_mul(ln2_hi, ln2_lo, -k, 0, &ph, &pl);
	dd_add(xh, xl, ph, pl, &rh, &rl);
	rh = ldexp(rh, -20);
	rl = ldexp(rl, -20);
	/* Horner: r (1 + r/2 (1 + r/3 (1 + r/4 (1 + r/5)))) */
	th = 1 + rh / 5;
	tl = 0;
	for (int j = 4; j >= 2; j--)
	{
		dd_mul(th, tl, rh, rl, &ph, &pl);
		/* / j: exact for 2 and 4, a remainder for 3 */
		th = ph / j;
		tl = (fma(-th, j, ph) + pl) / j;
		dd_add(th, tl, 1, 0, &th, &tl);
	}
	dd_mul(th, tl, rh, rl, &th, &tl);
	for (int j = 0; j < 20; j++)
	{
		dd_mul(th, tl, th, tl, &ph, &pl);
		dd_add(ph, pl, 2 * th, 2 * tl, &th, &tl);
	}
	dd_add(th, tl, 1, 0, &th, &tl);
	*h = ldexp(th, (int) k);
	*l = ldexp(tl, (int) k);
}

/*
 * (sh + sl)^p, 0 < sh <= 1, p > 0, as a double-double: exp(p log s), log s
 * from log(sh) by one Newton step, log(s) = y + log(s e^-y) with s e^-y - 1
 * about 1e-16 (its square left).  pow() rounded to a double was an error
 * of the size of O - E itself when the terms cancel (two groups of 1e12 one
 * churn apart, p = 3.7: chi-square 1.9e-5 off; three taking turns, 1.9e-6,
 * farther than with pow(exp(log sum)); 2e-16 now).  A weight below
 * e^-700 is pow()'s, whose error there is nothing beside the others.
 */
static void
dd_pow(double sh, double sl, double p, double *h, double *l)
{
	double		y = log(sh),
				eh,
				el,
				zh,
				zl;

	/* p log s below -700 (-Infinity for p up to DBL_MAX): pow's 0 or subnormal */
	if (!(p * y >= -700))
	{
		*h = pow(sh, p);
		*l = 0;
		return;
	}
	dd_exp(-y, 0, &eh, &el);
	dd_mul(sh, sl, eh, el, &zh, &zl);
	dd_add(zh, zl, -1, 0, &zh, &zl);
	dd_add(y, 0, zh, zl, &zh, &zl);
	dd_mul(zh, zl, p, 0, &zh, &zl);
	dd_exp(zh, zl, h, l);
}

/*
 * The weight of one time with nt at risk, as survdiff, as a double-double
 * *w + *w_lo: O - E is summed from terms w (d_g - n_g d / n) of both signs,
 * which cancel when the groups churn alike, so a weight rounded to a double
 * is an error of the whole sum's size (see cr_logrank).  Fleming-Harrington
 * takes S(t-)^p, S the pooled product-limit estimate over every earlier time,
 * kept as a double-double product of the factors (nt - dt) / nt (s, updated
 * here with this time's dt events: nt - dt is exact, so nearly everyone
 * churning loses nothing, as it did once with 1 - dt / nt: 2.6e11 at risk,
 * all but 14 churned, chi-square 7e-10 off).  S is at least 1 / members
 * while anyone is left, so the product never underflows.  S^p is exact for
 * p = 0 and 1, else a double-double dd_pow (only at event times: the weight
 * of a time nobody churns is not used).
 */
static void
logrank_weight(CrLogrankWeight weight, double p, double nt, double dt,
			   double *s, double *w, double *w_lo)
{
	*w = 1.0;
	*w_lo = 0.0;
	switch (weight)
	{
		case CR_LR_PLAIN:
			break;
		case CR_LR_GEHAN_BRESLOW:
			*w = nt;
			break;
		case CR_LR_TARONE_WARE:
			*w = sqrt(nt);
			*w_lo = fma(-*w, *w, nt) / (2 * *w);
			break;
		case CR_LR_FLEMING_HARRINGTON:
			if (p == 1)
			{
				*w = s[0];
				*w_lo = s[1];
			}
			else if (p != 0 && s[0] == 1 && s[1] == 0)
				;
			else if (p != 0 && s[0] > 0 && dt > 0)
				dd_pow(s[0], s[1], p, w, w_lo);
			else if (p != 0)
				*w = 0;
			if (dt > 0 && s[0] > 0)
			{
				double		f = (nt - dt) / nt,
							f_lo = fma(-f, nt, nt - dt) / nt,
							hi,
							lo;

				two_prod(s[0], f, &hi, &lo);
				lo += s[0] * f_lo + s[1] * f;
				two_sum(hi, lo, &s[0], &s[1]);
			}
			break;
	}
}

/*
 * a b - c d for doubles holding integers (the counts of cr_logrank) as a
 * double-double *hi + *lo, exactly: both products are split with fma (a
 * library call unless built with -mfma), so only products past 2^53 come
 * here.
 */
static void
diff_of_products(double a, double b, double c, double d, double *hi, double *lo)
{
	double		p1,
				e1,
				p2,
				e2,
				s,
				t;

	two_prod(a, b, &p1, &e1);
	two_prod(c, d, &p2, &e2);
	two_sum(p1, -p2, &s, &t);
	two_sum(s, t + (e1 - e2), hi, lo);
}

size_t
cr_logrank_work_size(int k)
{
	size_t		kk = k > 1 ? (size_t) k : 1;

	return 6 * kk + kk * kk;
}

/*
 * The covariance is V = sum over event times of c_t (diag(r) - r r^T) over
 * all k groups, r = risk / n_t and c_t = w_t^2 d_t (n_t - d_t) / (n_t - 1).
 * Its diagonal is summed time by time (O(k) a time, each term c r (1 - r)
 * without cancellation).  Its off-diagonal part, -sum_t beta_t u_t u_t^T
 * with u_t the risk vector and beta_t = c_t / n_t^2, would cost O(k^2) a
 * time (1000 groups, 150 000 event times: 3.5 minutes); since everyone at
 * risk leaves at some time s, u_t = sum over s >= t of l_s (l_s: who leaves
 * at s), and the sum is
 *   sum_s B_s (l_s l_s^T + l_s u_{s+1}^T + u_{s+1} l_s^T),
 * B_s = sum of beta_t over t <= s: O(k) for each group that loses members
 * at s.  Every term of it is non-negative, as the direct sum's are.
 *
 * V's rows sum to 0, so one group is left out (the statistic does not
 * depend on which).  statsmodels leaves out the first; here it is the group
 * with the largest variance.  V is singular exactly when a group has no
 * variance (nobody at risk at any counted event time): every group with
 * members at risk at some event time is at risk at the first one, with all
 * the others, so the groups are never split into unlinked sets.
 *
 * V can still be close to singular: when two large groups are nearly
 * everyone at risk at the first event time and then leave, V's smallest
 * eigenvalue is about the share of the others then.  Gaussian elimination on
 * V's entries lost that many digits to cancellation (two groups of 5e9
 * members: chi-square 1.1e9 4e-8 off; of 5e13, 2e-4 off; of 5e15, refused as
 * singular).  But V = sum_t c_t (diag(r) - r r^T) is a
 * Laplacian, -V[g][h] = sum_t c_t r_g r_h >= 0 the weight between two
 * groups and V[g][g] the sum of g's weights (sum_h r_h = 1), so it is
 * eliminated in the manner of Grassmann, Taksar and Heyman, with sums of
 * positive terms only (laplacian_chi2): to rounding, whatever the sizes.
 */
int
cr_logrank(const CrSurvObs *o, size_t n, int k, CrLogrankWeight weight,
		   double p, double *work, CrInterruptFn interrupt, double *chi2)
{
	double		surv[2] = {1, 0},
				cum_beta = 0;
	CrSum		beta_sum = {0, 0};	/* cum_beta, compensated */
	double	   *risk = work;
	double	   *dg = risk + k;
	double	   *leave = dg + k;
	double	   *moved = leave + k;	/* groups (as doubles) with leave != 0 */
	double	   *oe = moved + k;
	double	   *oe_lo = oe + k;	/* O - E is oe + oe_lo (double-double) */
	double	   *v = oe_lo + k;	/* k x k, row-major */
	double		done = 0;
	int			ref = 0;

	if (k < 2)
		return -1;
	memset(work, 0, cr_logrank_work_size(k) * sizeof(double));
	for (size_t i = 0; i < n; i++)
		risk[o[i].g] += (double) (o[i].ev + o[i].cens);

	for (size_t i = 0; i < n;)
	{
		double		t = o[i].t,
					nt = 0,
					dt = 0,
					wt,
					wt_lo;
		int			nmoved = 0;

		for (int g = 0; g < k; g++)
			dg[g] = leave[g] = 0;
		for (; i < n && o[i].t == t; i++)
		{
			int			g = o[i].g;

			if (leave[g] == 0 && o[i].ev + o[i].cens > 0)
				moved[nmoved++] = g;
			dg[g] += (double) o[i].ev;
			leave[g] += (double) (o[i].ev + o[i].cens);
		}
		for (int g = 0; g < k; g++)
		{
			nt += risk[g];
			dt += dg[g];
		}
		logrank_weight(weight, p, nt, dt, surv, &wt, &wt_lo);
		if (nt > 1 && dt > 0)
		{
			double		c = wt * wt * dt * (nt - dt) / (nt - 1),
						inv = 1.0 / nt,
						cn2 = c * inv * inv,
						alive = nt - dt;

			/*
			 * d_g - r_g d = (d_g n - n_g d) / n, taken as the determinant
			 * of the 2 x 2 table (d_g a_o - a_g d_o) / n: churned and
			 * staying of g (d_g, a_g) and of the others (d_o, a_o), all
			 * exact integers.  Its products are exact below 2^53, so the
			 * difference is rounded once; a difference of rounded products
			 * (r_g d_o against d_g (1 - r_g)) lost digits when nearly
			 * everyone churned (1.56e11 at risk, all but 16 churning,
			 * Gehan-Breslow: chi-square 8.6e-13 off).  Products past 2^53
			 * (groups of 1e8 churning at like odds) take
			 * diff_of_products: a rounded product below 2^53 is exact,
			 * but one of 2^53 may be 2^53 + 1 rounded to even (321 x
			 * 28059810762433), so 2^53 itself goes there too.  V's
			 * diagonal n_g (n - n_g) / n^2 is a product of positives:
			 * rounding only.
			 *
			 * O - E is a sum over times of terms of both signs, and
			 * cancels when the groups churn alike: two groups of 1e9
			 * at risk, one churning at time 1 and one at time 2, give
			 * terms -1/2 and 1/2 - 1/(2 (2e9 - 1)), O - E 2.5e-10, and
			 * each term's rounding was an error 1e-7 of it (chi-square
			 * 1.6e-7 off, every weighting but Gehan-Breslow).  So each
			 * term w det / n is taken as a double-double (the quotient's
			 * remainder, the product's error, the weight's low part:
			 * logrank_weight) and summed as one: O - E is exact to about
			 * 1e-32 of the terms' size, rounded once at the end.
			 */
			for (int g = 0; g < k; g++)
			{
				double		dgg = dg[g],
							ag = risk[g] - dgg,
							x = dgg * (alive - ag),
							y = ag * (dt - dgg),
							det,
							det_lo = 0,
							q,
							q_lo,
							term,
							term_lo,
							e;

				if (x < 0x1p53 && y < 0x1p53)
					det = x - y;
				else
					diff_of_products(dgg, alive - ag, ag, dt - dgg, &det, &det_lo);
				/* det / n: the quotient and its exact remainder */
				q = det * inv;
				q_lo = (fma(-q, nt, det) + det_lo) * inv;
				if (wt == 1 && wt_lo == 0)
				{
					term = q;
					term_lo = q_lo;
				}
				else
				{
					two_prod(wt, q, &term, &term_lo);
					term_lo += wt * q_lo + wt_lo * q;
				}
				two_sum(oe[g], term, &oe[g], &e);
				oe_lo[g] += e + term_lo;
				v[g * k + g] += cn2 * (risk[g] * (nt - risk[g]));
			}
			crsum_add(&beta_sum, cn2);
			cum_beta = crsum_value(&beta_sum);
		}
		for (int g = 0; g < k; g++)
			risk[g] -= leave[g];
		/* the off-diagonal sum: risk is now u_{s+1} */
		if (cum_beta > 0)
			for (int j = 0; j < nmoved; j++)
			{
				int			g = (int) moved[j];
				double		bl = cum_beta * leave[g];

				for (int h = 0; h < k; h++)
				{
					if (h == g)
						continue;
					v[g * k + h] -= bl * (leave[h] + risk[h]);
					v[h * k + g] -= bl * risk[h];
				}
			}
		done += k + (double) nmoved * k;
		if (interrupt && done > 1e6)
		{
			interrupt();
			done = 0;
		}
	}

	/*
	 * The group left out: the largest variance (any would do).  A group
	 * with none is a V singular exactly, whatever its place.
	 */
	for (int g = 0; g < k; g++)
	{
		if (!(v[g * k + g] > 0))
			return -1;
		if (v[g * k + g] > v[ref * k + ref])
			ref = g;
	}
	for (int g = 0; g < k; g++)
		oe[g] += oe_lo[g];
	/* the pairs' weights, -V[g][h] (summed as positive terms above) */
	for (int g = 0; g < k; g++)
		for (int h = 0; h < k; h++)
			v[g * k + h] = g == h ? 0 : -v[g * k + h];
	return laplacian_chi2(v, oe, k, ref, interrupt, chi2);
}
