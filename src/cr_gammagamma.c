/*
 * cr_gammagamma.c
 *	  Gamma-Gamma spend model (see cr_gammagamma.h).  Plain C.
 */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cr_gammagamma.h"
#include "cr_hyp2f1.h"

/*
 * An estimate 1e8 times above or below its start has run off: a backstop.
 * Whether the data have a maximum is decided by the faces (see
 * cr_gammagamma_faces), whatever the start.
 */
#define GG_LOG_BOUND 18.420680743952367
#define GG_MAXITER 1000
#define GG_NEWTON_MAXITER 100
/* searches after the first, from a better start (see cr_gammagamma_fit) */
#define GG_RESTARTS 3

/*
 * A maximum must lie above the faces' by more than this many units in the
 * last place of the sum of the |terms| of the two log-likelihoods (their
 * rounding: at q = 3e7 each lgamma(q) is 5e8, and the log-likelihood of
 * data running off there, -62.8 at the face, came out 1e-6 above it)
 */
#define GG_FACE_ULPS 64.0

/*
 * An iterate is at a face when its running-off parameter (q for face A, p
 * for B) is past GG_FACE_NEAR and the other two are within a factor of 2
 * of the face's maximum (see gg_at_face).
 */
#define GG_FACE_NEAR 1e6
#define GG_LN2 0.69314718055994530942
#define GG_LN10 2.30258509299404568402

/* a face's first-order coefficient counts as negative below -this relative to its terms */
#define GG_FACE_SLOPE_REL 1e-9

int
cr_spend_row_cmp(const CrSpendRow *a, const CrSpendRow *b)
{
	return cr_spend_row_cmp_inline(a, b);
}

static int
spend_cmp(const void *pa, const void *pb)
{
	return cr_spend_row_cmp(pa, pb);
}

void
cr_spend_rows_sort(CrSpendRow *rows, size_t n)
{
	if (n > 1)
		qsort(rows, n, sizeof(CrSpendRow), spend_cmp);
}

size_t
cr_spend_rows_merge_equal(CrSpendRow *rows, size_t n)
{
	size_t		i,
				k = 0;

	if (n == 0)
		return 0;
	for (i = 1; i < n; i++)
	{
		if (rows[i].x == rows[k].x && rows[i].m == rows[k].m)
			rows[k].more += 1.0 + rows[i].more;
		else
			rows[++k] = rows[i];
	}
	return k + 1;
}

size_t
cr_spend_rows_merge_count(const CrSpendRow *a, size_t na, const CrSpendRow *b, size_t nb)
{
	/* each side is merged: a pair is at most once in a and once in b */
	return cr_sorted_union_count(a, na, b, nb, sizeof(CrSpendRow), spend_cmp);
}

int
cr_spend_rows_merge_into(CrSpendRow *a, size_t na, const CrSpendRow *b, size_t nb, size_t n)
{
	size_t		i = na,
				j = nb,
				k = n;

	/*
	 * a[k - 1] is written after a[i - 1] is read: k is the count of the
	 * pairs of a[0..i) and b[0..j) together, at least i
	 */
	while (j > 0)
	{
		int			c = i > 0 ? cr_spend_row_cmp(&a[i - 1], &b[j - 1]) : -1;

		if (c > 0)
			a[--k] = a[--i];
		else if (c == 0)
		{
			a[--k] = a[--i];
			/* each more below 2^53: the sum is exact until it reaches it */
			a[k].more += 1.0 + b[--j].more;
			if (a[k].more >= CR_SPEND_MORE_LIMIT)
				return 0;
		}
		else
			a[--k] = b[--j];
	}
	return 1;
}

double
cr_spend_rows_members(const CrSpendRow *rows, size_t n)
{
	double		w = (double) n;
	size_t		i;

	for (i = 0; i < n; i++)
		w += rows[i].more;
	return w;
}

/*
 * The end of the run of rows from i with the same x (and the same m too
 * when same_m), and in *w the members they stand for: sorted rows come in
 * runs, and a run's rows share their special functions (same x) or their
 * whole term (same row).  Unsorted rows make shorter runs, not wrong sums.
 */
static size_t
gg_run_end(const CrSpendRow *rows, size_t n, size_t i, int same_m, double *w)
{
	size_t		j = i + 1;
	double		more = rows[i].more;

	while (j < n && rows[j].x == rows[i].x && (!same_m || rows[j].m == rows[i].m))
		more += rows[j++].more;
	*w = (double) (j - i) + more;
	return j;
}

/*
 * log(gamma + x m) from lg = log(gamma) and lxm = log(x m) where the sum
 * (or x m) overflows (x = 2, m = 1.7e308); *den is the sum, infinite then.
 */
static inline double
gg_log_den(double gamma, double xm, double lg, double lxm, double *den)
{
	*den = gamma + xm;
	if (isfinite(*den))
		return log(*den);
	return fmax(lg, lxm) + log1p(exp(-fabs(lg - lxm)));
}

/*
 * p's score per member over x: dpsi + log(x m / (gamma + x m)), dpsi =
 * psi(p x + q) - psi(p x), lx = log x.  Where gamma < x m the log is
 * -log1p(gamma / x m): log(x m) and log(gamma + x m) cancel to gamma / x m
 * (near the ridge q / p x, small where p x >> q, and so is dpsi).
 */
static inline double
gg_score_p(double dpsi, double x, double mi, double gamma, double lx, double lm, double lden)
{
	double		xm = x * mi,
				r = gamma / xm;

	if (gamma < xm && isfinite(xm) && r > 0.0)
		return dpsi - log1p(r);
	return dpsi + lx + lm - lden;
}

/*
 * Where q is at least this, gg_eval computes the log-likelihood and the q
 * and gamma entries of the gradient and Hessian from difference formulas
 * (see gg_eval): at q = 1e4 the plain ones have lost 4 of their digits
 */
#define GG_SERIES_Q 1e4

/*
 * q^-k ((1 + a / q)^-k - 1): the difference of z^-k between q + a and q,
 * to rounding however small a / q is (l1u = log1p(a / q))
 */
static inline double
gg_pow_diff(double q, double l1u, int k)
{
	return pow(q, -k) * expm1(-k * l1u);
}

/*
 * lgamma(q + a) - lgamma(q) - a log q for q >= GG_SERIES_Q, a > 0, from
 * Stirling's series term by term (each term's difference by gg_pow_diff),
 * and in *mag the sum of the |terms| that make it up (its rounding): a
 * few times a, where lgamma(q) is q log q
 */
static double
gg_lgamma_diff(double q, double a, double *mag)
{
	double		l1u = log1p(a / q),
				lead = (q + a - 0.5) * l1u,
				s = gg_pow_diff(q, l1u, 1) / 12.0 - gg_pow_diff(q, l1u, 3) / 360.0
		+ gg_pow_diff(q, l1u, 5) / 1260.0;

	*mag = fabs(lead) + a + fabs(s);
	return lead - a + s;
}

/*
 * psi(q + a) - psi(q) and psi'(q + a) - psi'(q) for q >= GG_SERIES_Q, a > 0,
 * to rounding: the asymptotic series term by term, each term's difference
 * by gg_pow_diff (at q = 2e6 and a = 5 the plain differences keep 7 and 5
 * of their digits).  The terms left out are below 1e-18 of the answer.
 */
static void
gg_psi_diffs(double q, double a, double *d1, double *t1)
{
	double		l1u = log1p(a / q);

	/* (the coefficients' numerators here are 1: times 1 is exact) */
	if (d1)
		*d1 = l1u - 0.5 * gg_pow_diff(q, l1u, 1)
			- gg_pow_diff(q, l1u, 2) * CR_DIGAMMA_ASY[0][0] / CR_DIGAMMA_ASY[0][1]
			+ gg_pow_diff(q, l1u, 4) * CR_DIGAMMA_ASY[1][0] / CR_DIGAMMA_ASY[1][1]
			- gg_pow_diff(q, l1u, 6) * CR_DIGAMMA_ASY[2][0] / CR_DIGAMMA_ASY[2][1];
	if (t1)
		*t1 = gg_pow_diff(q, l1u, 1) + 0.5 * gg_pow_diff(q, l1u, 2)
			+ gg_pow_diff(q, l1u, 3) * CR_TRIGAMMA_ASY[0][0] / CR_TRIGAMMA_ASY[0][1]
			- gg_pow_diff(q, l1u, 5) * CR_TRIGAMMA_ASY[1][0] / CR_TRIGAMMA_ASY[1][1]
			+ gg_pow_diff(q, l1u, 7) * CR_TRIGAMMA_ASY[2][0] / CR_TRIGAMMA_ASY[2][1];
}

/*
 * psi(z + a) - psi(z) and psi'(z + a) - psi'(z) for z >= GG_PSI_SHIFT_Z,
 * a > 0: the asymptotic series to CR_ASY_TERMS terms (its first term left
 * out, 3617 / 8160 z^-16 in psi and 3617 / 510 z^-17 in psi', moves the
 * differences by less than 16 / z^16 and 120 / z^16 of themselves, 4e-19
 * and 7e-18 at z = 16), each term's difference u^k - v^k (u = 1 / (z + a),
 * v = 1 / z) as (u - v) S_k, S_k = sum_{j<k} u^j v^(k-1-j): terms of one
 * sign, without the pow and expm1 of gg_pow_diff.  psi' is (u - v) times a
 * sum of 1 and terms below 1 / z; psi is log1p(a / z) plus (u - v) times
 * one, both of the difference's sign.
 */
#define GG_PSI_SHIFT_Z 16.0

static void
gg_psi_diffs_asy(double z, double a, double *d1, double *t1)
{
	double		za = z + a,
				u = 1.0 / za,
				v = 1.0 / z,
				uv = -(a / z) / za,	/* u - v, z (z + a) may overflow */
				sk = 1.0,		/* S_k */
				vk = 1.0,		/* v^k */
				sd = -0.5,		/* psi's sum of S_k times coefficients */
				st = 1.0;		/* psi''s */
	int			k;

	/* and z + a (z = a = 1e308: psi' difference -5e-309, not 0; u is 0) */
	if (!isfinite(za))
		uv = -(a / z) / (1.0 + a / z) / z;

	/* S_{k+1} = u S_k + v^k; S_{2j+2} in psi's sum, S_{2j+3} in psi''s */
	for (k = 1; k <= 2 * CR_ASY_TERMS; k++)
	{
		vk *= v;
		sk = u * sk + vk;		/* S_{k+1} */
		if (k == 1)
			st += 0.5 * sk;
		if (k % 2 == 1)
			sd -= ((k / 2) % 2 ? -1.0 : 1.0) * CR_ASY(CR_DIGAMMA_ASY, k / 2) * sk;
		else
			st += ((k / 2 - 1) % 2 ? -1.0 : 1.0) * CR_ASY(CR_TRIGAMMA_ASY, k / 2 - 1) * sk;
	}
	*d1 = log1p(a / z) + uv * sd;
	*t1 = uv * st;
}

/*
 * psi(z + a) - psi(z) and psi'(z + a) - psi'(z) to rounding for any z > 0,
 * 0 < a <= z (where they cancel: a small, and z large or not): the
 * recurrence psi(w) = psi(w + N) - sum_{k<N} 1 / (w + k) takes z to
 * z + N >= GG_PSI_SHIFT_Z, where gg_psi_diffs_asy is exact to rounding,
 * and the recurrence's differences, t = a / ((z + k) (z + a + k)) and t (1
 * / (z + k) + 1 / (z + a + k)), each of one sign, are added without
 * cancelling (gammagamma_series_check.py, section 5).  The plain
 * differences lose the digits of psi(z) / (a / z): at p x = 1e8, q = 10,
 * eight of them in psi and seven in psi'.  Called per distinct x: the
 * shift to 16 (not 128, with the series' five terms) is 8 times fewer steps.
 */
static void
gg_psi_diffs_near(double z, double a, double *d1, double *t1)
{
	double		s1 = 0.0,
				s2 = 0.0;

	while (z < GG_PSI_SHIFT_Z)
	{
		double		za = z + a,
					t = a / z;

		if (t >= DBL_MIN || t == 0.0)
		{
			t /= za;			/* a / (z za), z za may underflow */
			s1 += t;
			s2 += t * (1.0 / z + 1.0 / za);
		}
		else
		{
			/*
			 * a / z subnormal (a is, and z > a / DBL_MIN > 2e-16): its
			 * digits are lost, while a / (z za) and its multiple in psi'
			 * may be normal (z 3e-8, a 1e-320: 5e-12 off)
			 */
			double		w = 1.0 / (z * za);

			s1 += a * w;
			s2 += a * (w * (1.0 / z + 1.0 / za));
		}
		z += 1.0;
	}
	gg_psi_diffs_asy(z, a, d1, t1);
	*d1 += s1;
	*t1 -= s2;
}

/* The faces' answers and the fit's progress towards them (see gg_tick). */
typedef enum GgVerdict
{
	GG_OPEN = 0,				/* not decided yet */
	GG_ABOVE,					/* a point lies above both faces: a maximum exists */
	GG_AT_FACE					/* the iterate is at a face, below it: no maximum */
} GgVerdict;

typedef struct GgData
{
	const CrSpendRow *rows;
	size_t		n;
	double		members;		/* the members the rows stand for */
	double		scale;			/* a power of two every spend is multiplied by */
	/* the faces (gg_faces): A (nu a point) and B (p infinite) */
	double		face[2],		/* their maximum log-likelihoods, -inf if not found */
				face_mag[2],	/* the sum of |terms| of each: its rounding */
				face_at[2][2];	/* their maxima: A log p, log nu; B log q, log s */
	int			face_dir[2];	/* going inwards from it the likelihood falls (-1), rises (1), or either (0) */
	/* the fit's progress */
	double		best_ll,		/* the highest log-likelihood evaluated, */
				best[3];		/* and where */
	GgVerdict	verdict;
	cr_optim_tick tick;
	void	   *tick_arg;
	double		adds;			/* gg_add_members' additions since its last tick */
} GgData;

/*
 * Up to this many members, a sum over members of a term of each is taken
 * member by member (a merged row's term added 1 + more times): the bits of
 * the sum over the rows unmerged, in the same order, so that merging
 * identical rows does not change a fit.  Beyond it (2^28 members), the term
 * times the count: a fit of more members may differ in its last bits from
 * the one over the same rows unmerged (states of rows unmerged, one per
 * member, held up to 536,870,911 of them).
 */
#define GG_ONE_BY_ONE 268435456.0

/*
 * The additions between two ticks in gg_add_members: 2^28 members took 4 s
 * over the faces' sums without one (and a cancel waited for them).
 */
#define GG_TICK_ADDS 16777216.0

/*
 * s plus v for each of the w members of a row (see GG_ONE_BY_ONE), with a
 * tick (when d has one) after every GG_TICK_ADDS additions
 */
static double
gg_add_members(GgData *d, double s, double v, double w)
{
	if (!(d->members <= GG_ONE_BY_ONE))
		return s + w * v;
	while (w > 0.0)
	{
		double		run = fmin(w, GG_TICK_ADDS - d->adds);

		w -= run;
		d->adds += run;
		for (; run > 0.0; run -= 1.0)
			s += v;
		if (d->adds >= GG_TICK_ADDS)
		{
			d->adds = 0.0;
			if (d->tick)
				d->tick(d->tick_arg);
		}
	}
	return s;
}

/*
 * The log-likelihood over d's scaled spends, and (when not NULL) its
 * gradient and Hessian in (p, q, gamma), the sum of the |terms| (the
 * scale of its rounding), and (gmag, with grad) the sum of the |terms| of
 * each gradient component.  The Gamma functions of p x and p x + q depend
 * on x alone, and identical rows share their whole term.
 */
static double
gg_eval(const CrGammaGamma *m, const GgData *d, double *grad, double hess[3][3], double *mag,
		double *gmag)
{
	double		ll = 0.0,
				g[3] = {0, 0, 0},
				h[3][3] = {{0}},
				mg = 0.0,
				gm[3] = {0, 0, 0},
				lgq = lgamma(m->q),
				lgam = log(m->gamma),
				psiq = grad ? cr_digamma(m->q) : 0.0,
				tq = hess ? cr_trigamma(m->q) : 0.0,
				fixed = fabs(lgq) + fabs(m->q * lgam),
				xprev = NAN,
				px = 0.0,
				lx = 0.0,
				lg_pq = 0.0,
				lg_px = 0.0,
				gx0 = 0.0,
				gx1 = 0.0,
				gm0 = 0.0,
				gm1 = 0.0,
				tpq = 0.0,
				dpx1 = 0.0,
				dpx2 = 0.0,
				dqn1 = 0.0,
				dqn2 = 0.0,
				dq1 = 0.0,
				dq2 = 0.0,
				dlg = 0.0,
				dlg_mag = 0.0,
				lqg = 0.0;
	size_t		i,
				j;
	int			a,
				b,
				near = 0,
				qnear = 0,
				series = m->q >= GG_SERIES_Q;

	if (series)
	{
		/* log(q / gamma), which the log-likelihood's terms hold a multiple of */
		lqg = m->q / m->gamma;
		lqg = isfinite(lqg) && lqg >= DBL_MIN ? log(lqg) : log(m->q) - lgam;
	}

	for (i = 0; i < d->n; i = j)
	{
		double		x = d->rows[i].x,
					mi = d->rows[i].m * d->scale,
					w,
					lm = log(mi),
					den,
					lden,
					t;

		j = gg_run_end(d->rows, d->n, i, 1, &w);
		if (x != xprev)
		{
			px = m->p * x;
			lx = log(x);
			lg_pq = lgamma(px + m->q);
			lg_px = lgamma(px);
			/*
			 * q <= p x: psi(p x + q) - psi(p x) and psi'(p x + q) -
			 * psi'(p x), p's score and Hessian entry, from differences
			 * computed as such (gg_psi_diffs_near); the plain ones lose
			 * the digits of psi(p x) / (q / p x)
			 */
			near = (grad || hess) && m->q <= px;
			if (near)
				gg_psi_diffs_near(px, m->q, &dpx1, &dpx2);

			/*
			 * p x <= q < GG_SERIES_Q: the same for q's, psi(p x + q) -
			 * psi(q) and psi'(p x + q) - psi'(q) (the series branch has
			 * gg_psi_diffs); the plain ones lose the digits of psi(q) /
			 * (p x / q), and their rounding set where Newton stopped along
			 * the ridge (q of 1e3, 1e-6 from mpmath's maximum)
			 */
			qnear = (grad || hess) && !series && px <= m->q;
			if (qnear)
				gg_psi_diffs_near(m->q, px, &dqn1, &dqn2);
			if (grad)
			{
				double		psi_pq = cr_digamma(px + m->q),
							psi_px = cr_digamma(px);

				gx0 = near ? dpx1 : psi_pq - psi_px;
				gx1 = qnear ? dqn1 : psi_pq - psiq;
				gm0 = fabs(psi_pq) + fabs(psi_px) + fabs(lx);
				gm1 = fabs(psi_pq) + fabs(psiq) + fabs(lgam);
			}
			if (hess)
			{
				tpq = cr_trigamma(px + m->q);
				dpx2 = near ? dpx2 : tpq - cr_trigamma(px);
			}
			if (series)
			{
				dlg = gg_lgamma_diff(m->q, px, &dlg_mag);
				if (grad || hess)
					gg_psi_diffs(m->q, px, grad ? &dq1 : NULL, hess ? &dq2 : NULL);
			}
			xprev = x;
		}
		lden = gg_log_den(m->gamma, x * mi, lgam, lx + lm, &den);
		if (series && isfinite(den))
		{
			/*
			 * q large: the terms in lgamma(q), q log gamma and q log den,
			 * q log q each, cancel to O(p x), and so do psi(p x + q) -
			 * psi(q) and log gamma - log den (to p x / q and -x m / gamma)
			 * in the gradient, and the q and gamma rows of the Hessian
			 * (psi'(p x + q) - psi'(q), 1 / gamma - 1 / den); along the
			 * ridge (q and gamma in proportion) the Hessian in the
			 * log-parameters is O(1 / q) of its entries, and at q = 2e6
			 * their rounding was larger than it (Newton never converged).
			 * The same quantities from differences computed as such
			 * (gg_lgamma_diff, gg_psi_diffs; l1y = log1p(x m / gamma) =
			 * log den - log gamma, t = x m / den, s = gamma / den):
			 *   term = (lgamma(p x + q) - lgamma(q) - p x log q)
			 *     + p x log(q / gamma) - (p x + q) l1y - lgamma(p x)
			 *     + (p x - 1) log m + p x log x,
			 *   dLL/dgamma = (q t - p x s) / gamma (not ((p x + q) t - p x) / gamma,
			 *     whose rounding is p x / q times the plain formula's where
			 *     x m >> gamma: 4e-14 of its terms at p x / q = 4e3),
			 *   1 / gamma - 1 / den = t / gamma,
			 *   (p x + q) / den^2 - q / gamma^2 = (p x s^2 - q t (1 + s)) / gamma^2.
			 * The gradient's tolerances (gmag) stay those of the plain
			 * formulas.
			 */
			double		l1y = x * mi / m->gamma,
						tr = x * mi / den,
						sr = m->gamma / den;

			/*
			 * x m / gamma can overflow where gamma + x m does not (x m of
			 * 1e300, gamma below 1e-8); log den - log gamma is then far
			 * from cancelling
			 */
			l1y = isfinite(l1y) ? log1p(l1y) : lden - lgam;

			t = dlg + px * lqg - (px + m->q) * l1y - lg_px + (px - 1.0) * lm + px * lx;
			ll += w * t;
			if (mag)
				mg += w * (dlg_mag + fabs(px * lqg) + fabs((px + m->q) * l1y) + fabs(lg_px)
						   + fabs((px - 1.0) * lm) + fabs(px * lx));
			if (grad)
			{
				g[0] += w * x * gg_score_p(gx0, x, mi, m->gamma, lx, lm, lden);
				g[1] += w * (dq1 - l1y);
				g[2] += w * (m->q * tr - px * sr) / m->gamma;
				if (gmag)
				{
					gm[0] += w * x * (gm0 + fabs(lm) + fabs(lden));
					gm[1] += w * (gm1 + fabs(lden));
					gm[2] += w * (m->q / m->gamma + (px + m->q) / den);
				}
			}
			if (hess)
			{
				h[0][0] += w * x * x * dpx2;
				h[0][1] += w * x * tpq;
				h[0][2] -= w * x / den;
				h[1][1] += w * dq2;
				h[1][2] += w * tr / m->gamma;
				h[2][2] += w * (px * sr * sr - m->q * tr * (1.0 + sr)) / (m->gamma * m->gamma);
			}
			continue;
		}
		t = lg_pq - lg_px - lgq + m->q * lgam + (px - 1.0) * lm + px * lx - (px + m->q) * lden;
		ll += w * t;
		if (mag)
			mg += w * (fixed + fabs(lg_pq) + fabs(lg_px) + fabs((px - 1.0) * lm)
					   + fabs(px * lx) + fabs((px + m->q) * lden));
		if (grad)
		{
			double		qg = m->q / m->gamma,
						r2 = (px + m->q) / den,
						l1y = x * mi / m->gamma;

			/* log(gamma / den) as in the series branch: -log1p(x m / gamma) */
			l1y = isfinite(l1y) ? log1p(l1y) : lden - lgam;
			g[0] += w * x * gg_score_p(gx0, x, mi, m->gamma, lx, lm, lden);
			g[1] += w * (gx1 - l1y);
			g[2] += w * (qg - r2);
			if (gmag)
			{
				gm[0] += w * x * (gm0 + fabs(lm) + fabs(lden));
				gm[1] += w * (gm1 + fabs(lden));
				gm[2] += w * (qg + r2);
			}
		}
		if (hess)
		{
			h[0][0] += w * x * x * dpx2;
			h[0][1] += w * x * tpq;
			h[0][2] -= w * x / den;
			h[1][1] += w * (qnear ? dqn2 : tpq - tq);

			/*
			 * still the plain difference: as x m / den / gamma (no
			 * cancelling where x m << gamma) gg_settled's tests passed at
			 * the point 0.5 from the maximum in log q of
			 * test_gammagamma_settled, and the fit was OK there
			 */
			h[1][2] += w * (1.0 / m->gamma - 1.0 / den);
			h[2][2] += w * ((px + m->q) / (den * den) - m->q / (m->gamma * m->gamma));
		}
	}
	if (grad)
		memcpy(grad, g, sizeof(g));
	if (grad && gmag)
		memcpy(gmag, gm, sizeof(gm));
	if (hess)
		for (a = 0; a < 3; a++)
			for (b = 0; b < 3; b++)
				hess[a][b] = a <= b ? h[a][b] : h[b][a];
	if (mag)
		*mag = mg;
	return ll;
}

double
cr_gammagamma_loglik(const CrGammaGamma *m, const CrSpendRow *rows, size_t n,
					 double *grad)
{
	GgData		d = {0};

	d.rows = rows;
	d.n = n;
	d.members = cr_spend_rows_members(rows, n);
	d.scale = 1.0;
	return gg_eval(m, &d, grad, NULL, NULL, NULL);
}

/*
 * An objective's evaluation ll at p, with the best point seen kept for
 * gg_tick.  (Once the fit is decided to be at a face, the objectives answer
 * NaN without evaluating, and the optimiser stops within a few cheap calls.)
 */
static double
gg_seen(GgData *d, const double *p, double ll)
{
	if (isfinite(ll) && ll > d->best_ll)
	{
		d->best_ll = ll;
		memcpy(d->best, p, sizeof(d->best));
	}
	return ll;
}

static double
gg_loglik(const double *p, double *grad, void *arg)
{
	GgData	   *d = arg;
	CrGammaGamma m = {p[0], p[1], p[2]};

	if (d->verdict == GG_AT_FACE)
		return NAN;
	return gg_seen(d, p, gg_eval(&m, d, grad, NULL, NULL, NULL));
}

/* the log-likelihood with its gradient and Hessian, for Newton */
static double
gg_loglik_hess(const double *p, double *grad, double hess[CR_OPTIM_MAXK][CR_OPTIM_MAXK],
			   double *mag, void *arg)
{
	GgData	   *d = arg;
	CrGammaGamma m = {p[0], p[1], p[2]};
	double		h[3][3],
				ll;
	int			a;

	if (d->verdict == GG_AT_FACE)
		return NAN;
	ll = gg_eval(&m, d, grad, h, &mag[0], &mag[1]);
	for (a = 0; a < 3; a++)
		memcpy(hess[a], h[a], sizeof(h[a]));
	return gg_seen(d, p, ll);
}

/*
 * The faces of the parameter space (see cr_gammagamma_faces).  Each face's
 * profile score in a log-parameter u is decreasing (the profile
 * log-likelihood is strictly concave); its root is found from a bracket by
 * Newton, bisecting where a step leaves the bracket.
 */
typedef double (*gg_score_fn) (double u, double *dscore, const GgData *d, const double *c);

/* face A's score in u = log p; c: sum x, sum x log(x m), log(sum x m) */
static double
gg_score_nu(double u, double *dscore, const GgData *d, const double *c)
{
	double		p = exp(u),
				spsi = 0.0,
				stri = 0.0;
	size_t		i,
				j;

	for (i = 0; i < d->n; i = j)
	{
		double		x = d->rows[i].x,
					w;

		j = gg_run_end(d->rows, d->n, i, 0, &w);
		spsi += w * x * cr_digamma(p * x);
		stri += w * x * x * cr_trigamma(p * x);
	}
	*dscore = c[0] - p * stri;
	return c[0] * (u + log(c[0]) - c[2]) + c[1] - spsi;
}

/* face B's score in u = log q; c: n, sum log m, log(sum 1 / m) */
static double
gg_score_s(double u, double *dscore, const GgData *d, const double *c)
{
	double		q = exp(u);

	(void) d;
	*dscore = c[0] * (1.0 - q * cr_trigamma(q));
	return c[0] * (u + log(c[0]) - c[2] - cr_digamma(q)) - c[1];
}

/*
 * The root of a decreasing score, or NaN when there is none within
 * |u| <= 700; tick (when not NULL) before each pass over the rows.
 */
static double
gg_score_root(gg_score_fn score, const GgData *d, const double *c, cr_optim_tick tick,
			  void *tick_arg)
{
	double		lo = 0.0,
				hi = 0.0,
				u,
				s,
				ds;
	int			it;

	/* a bracket: score(lo) > 0 > score(hi) */
	for (it = 0; !((s = score(lo, &ds, d, c)) > 0.0); it++)
	{
		if (tick)
			tick(tick_arg);
		if (isnan(s) || (lo -= ldexp(1.0, it)) < -700.0)
			return NAN;
	}
	for (it = 0; !((s = score(hi, &ds, d, c)) < 0.0); it++)
	{
		if (tick)
			tick(tick_arg);
		if (isnan(s) || (hi += ldexp(1.0, it)) > 700.0)
			return NAN;
	}
	u = 0.5 * (lo + hi);
	for (it = 0; it < 200; it++)
	{
		double		un;

		if (tick)
			tick(tick_arg);
		s = score(u, &ds, d, c);
		if (isnan(s))
			return NAN;
		if (s == 0.0)
			return u;
		if (s > 0.0)
			lo = u;
		else
			hi = u;
		un = isfinite(s) && ds < 0.0 ? u - s / ds : NAN;
		if (!(un > lo && un < hi))
			un = 0.5 * (lo + hi);
		if (fabs(un - u) <= 4.0 * DBL_EPSILON * fmax(1.0, fabs(u)) || un == lo || un == hi)
			return un;
		u = un;
	}
	return u;
}

/*
 * log of the sum over the rows of exp(v(row)), v = log(x m) (face A) or
 * -log m (B), for when the plain sum overflows (or underflows to 0): the
 * rows span the whole double range
 */
static double
gg_log_sum(GgData *d, int face)
{
	double		top = -INFINITY,
				sum = 0.0;
	size_t		i;
	int			pass;

	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < d->n; i++)
		{
			double		lm = log(d->rows[i].m * d->scale),
						v = face == 0 ? log(d->rows[i].x) + lm : -lm;

			if (pass == 0)
				top = fmax(top, v);
			else
				sum = gg_add_members(d, sum, exp(v - top), 1.0 + d->rows[i].more);
		}
	return sum > 0.0 ? top + log(sum) : -INFINITY;
}

/*
 * The two faces' maximum log-likelihoods (-infinity where not found), each
 * one's sum of |terms| (the scale of its rounding), where it lies, and
 * whether the likelihood falls going inwards from it, over d's scaled
 * spends.  In logs: nu and s may be beyond the double range (a spend of
 * 5e-324 and one of 1.7e308 put s at 1e-326).
 *
 * Going inwards from a face's maximum (Stirling and log1p to first order),
 * the log-likelihood is the face's plus c / q (A, at gamma = q / nu) or
 * c / p (B, at gamma = s / p), where, y = nu x m ~ Gamma(p x, 1) and
 * z = s / m ~ Gamma(q, 1) on the faces,
 *   A: c = sum ((y - p x)^2 - p x) / 2,  B: c = sum ((z - q)^2 - q) / 2 x
 * (more or less spread than the face allows).  c < 0: the face's maximum is
 * a local maximum of the closed parameter space, which a fit heading there
 * does not leave (gg_at_face).  c > 0 on the higher face: points just
 * inside it lie above both faces, and the likelihood has a maximum
 * (gg_inside_face).
 */
static void
gg_faces(GgData *d)
{
	double		ca[3] = {0, 0, 0},
				cb[3] = {d->members, 0, 0},
				sxm = 0.0,
				sinv = 0.0,
				u;
	size_t		i,
				j;
	int			k;

	for (k = 0; k < 2; k++)
	{
		d->face[k] = -INFINITY;
		d->face_mag[k] = 0.0;
		d->face_at[k][0] = d->face_at[k][1] = NAN;
		d->face_dir[k] = 0;
	}
	if (d->n == 0)
		return;
	for (i = 0; i < d->n; i++)
	{
		double		x = d->rows[i].x,
					m = d->rows[i].m * d->scale,
					lm = log(m),
					w = 1.0 + d->rows[i].more;

		ca[0] = gg_add_members(d, ca[0], x, w);
		ca[1] = gg_add_members(d, ca[1], x * (log(x) + lm), w);
		sxm = gg_add_members(d, sxm, x * m, w);
		cb[1] = gg_add_members(d, cb[1], lm, w);
		sinv = gg_add_members(d, sinv, 1.0 / m, w);
	}
	ca[2] = isfinite(sxm) && sxm > 0.0 ? log(sxm) : gg_log_sum(d, 0);
	cb[2] = isfinite(sinv) && sinv > 0.0 ? log(sinv) : gg_log_sum(d, 1);
	for (k = 0; k < 2; k++)
	{
		double		l = 0.0,
					g = 0.0,
					c = 0.0,
					cmag = 0.0,
					a,
					ls,
					lgq = 0.0;	/* lgamma(q), face B's */

		/* A: Gamma(p x, nu x) spends, nu = p sum x / sum x m at its maximum */
		/* B: inverse Gamma(q, s) spends, s = q n / sum (1 / m) at its maximum */
		u = gg_score_root(k == 0 ? gg_score_nu : gg_score_s, d, k == 0 ? ca : cb,
						  d->tick, d->tick_arg);
		if (!isfinite(u))
			continue;
		a = exp(u);				/* p (A) or q (B) */
		ls = k == 0 ? u + log(ca[0]) - ca[2] : u + log(cb[0]) - cb[2];	/* log nu or log s */
		if (k == 1)
			lgq = lgamma(a);
		for (i = 0; i < d->n; i = j)
		{
			double		x = d->rows[i].x,
						lm = log(d->rows[i].m * d->scale),
						w,
						t[4],
						y;

			j = gg_run_end(d->rows, d->n, i, 1, &w);
			if (k == 0)
			{
				double		px = a * x,
							lx = log(x);

				y = exp(ls + lx + lm);
				t[0] = px * (ls + lx);
				t[1] = lgamma(px);
				t[2] = (px - 1.0) * lm;
				t[3] = y;
				l += w * (t[0] - t[1] + t[2] - t[3]);
				c += w * 0.5 * ((y - px) * (y - px) - px);
				cmag += w * (y * y + px * px + px);
			}
			else
			{
				y = exp(ls - lm);
				t[0] = a * ls;
				t[1] = lgq;
				t[2] = (a + 1.0) * lm;
				t[3] = y;
				l += w * (t[0] - t[1] - t[2] - t[3]);
				c += w * 0.5 * ((y - a) * (y - a) - a) / x;
				cmag += w * (y * y + a * a + a) / x;
			}
			g += w * (fabs(t[0]) + fabs(t[1]) + fabs(t[2]) + fabs(t[3]));
		}
		if (isfinite(l))
		{
			d->face[k] = l;
			d->face_mag[k] = g;
			d->face_at[k][0] = u;
			d->face_at[k][1] = ls;
			d->face_dir[k] = c < -GG_FACE_SLOPE_REL * cmag ? -1 : c > GG_FACE_SLOPE_REL * cmag;
		}
	}
}

void
cr_gammagamma_faces(const CrSpendRow *rows, size_t n, double ll[2])
{
	GgData		d = {0};

	d.rows = rows;
	d.n = n;
	d.members = cr_spend_rows_members(rows, n);
	d.scale = 1.0;
	gg_faces(&d);
	ll[0] = d.face[0];
	ll[1] = d.face[1];
}

/* whether a log-likelihood ll (mag: its sum of |terms|) lies above both faces beyond rounding */
static int
gg_above_faces(const GgData *d, double ll, double mag)
{
	int			k = d->face[1] > d->face[0];

	return ll > d->face[k] + GG_FACE_ULPS * DBL_EPSILON * (mag + d->face_mag[k]);
}

/*
 * Whether p (p, q, gamma) is at face k: its running-off parameter (q for
 * A, p for B) past GG_FACE_NEAR, the other two (p and nu = q / gamma; q
 * and s = p gamma) within a factor of 2 of the face's maximum, and the
 * likelihood falling going inwards from there.
 */
static int
gg_at_face(const GgData *d, const double *p, int k)
{
	if (d->face_dir[k] >= 0)
		return 0;
	if (k == 0)
		return p[1] >= GG_FACE_NEAR && fabs(log(p[0]) - d->face_at[0][0]) <= GG_LN2 &&
			fabs(log(p[1]) - log(p[2]) - d->face_at[0][1]) <= GG_LN2;
	return p[0] >= GG_FACE_NEAR && fabs(log(p[1]) - d->face_at[1][0]) <= GG_LN2 &&
		fabs(log(p[0]) + log(p[2]) - d->face_at[1][1]) <= GG_LN2;
}

/*
 * Called once per iteration of the optimisers: the caller's tick, then the
 * verdict on the best point so far.  At a face (gg_at_face) and not above
 * both faces beyond rounding, the fit is heading to the face's maximum and
 * will not come back above it: no maximum, decided now rather than after
 * the optimiser has crept out along the ridge (q = 3e7 and beyond, the
 * gradient fading as 1 / q), and the objective answers NaN from then on
 * (Newton then gives up within some twenty cheap iterations).
 * Above both faces anywhere, a maximum exists, and the optimiser goes on.
 */
static void
gg_tick(void *arg)
{
	GgData	   *d = arg;
	int			k;

	/* after GG_AT_FACE, the optimiser's last iterations make no pass over the rows */
	if (d->tick && d->verdict != GG_AT_FACE)
		d->tick(d->tick_arg);
	if (d->verdict != GG_OPEN || !isfinite(d->best_ll))
		return;
	for (k = 0; k < 2; k++)
		if (gg_at_face(d, d->best, k))
		{
			CrGammaGamma m = {d->best[0], d->best[1], d->best[2]};
			double		mag;

			(void) gg_eval(&m, d, NULL, NULL, &mag, NULL);
			d->verdict = gg_above_faces(d, d->best_ll, mag) ? GG_ABOVE : GG_AT_FACE;
			return;
		}
}

/*
 * A power of two to multiply the spends by, for the optimiser's scale: the
 * mean exponent's (cr_fit_scale), but keeping the largest spend below 2^1021
 * and the smallest normal where the spends allow both, else 1 (spends from
 * 5e-324 to 1.7e308: a scale of 2^25 made the largest infinite)
 */
static double
gg_scale(double mean_exponent, int emin, int emax)
{
	int			e = ilogb(cr_fit_scale(mean_exponent)),
				lo = -1021 - emin,
				hi = 1020 - emax;

	if (lo > hi)
		return 1.0;
	return ldexp(1.0, e < lo ? lo : e > hi ? hi : e);
}

/*
 * Whether the best point seen lies above both faces beyond rounding: a
 * maximum exists (the verdict is then GG_ABOVE).
 */
static int
gg_best_above(GgData *d)
{
	CrGammaGamma b = {d->best[0], d->best[1], d->best[2]};
	double		mag;

	if (d->verdict == GG_ABOVE)
		return 1;
	if (d->verdict == GG_AT_FACE || !isfinite(d->best_ll))
		return 0;
	(void) gg_eval(&b, d, NULL, NULL, &mag, NULL);
	if (!gg_above_faces(d, d->best_ll, mag))
		return 0;
	d->verdict = GG_ABOVE;
	return 1;
}

/*
 * A start just inside the higher face where the likelihood rises going
 * inwards from it (c > 0, see gg_faces), above both faces beyond rounding:
 * the face's maximum with its running-off parameter (q for A, p for B) at
 * 10, 100, ..., 10^6, the highest of them.  0 when there is none: the higher
 * face falls going inwards, or its rise is lost in rounding.  Such data have
 * a maximum that a search from the usual start can miss, ending at a local
 * maximum below the faces (spends over many decades: the likelihood has
 * more than one) or at the bound on its steps.
 */
static int
gg_inside_face(GgData *d, double *start)
{
	int			k = d->face[1] > d->face[0],
				found = 0,
				e;
	double		best = -INFINITY;

	if (d->face_dir[k] <= 0)
		return 0;
	for (e = 1; e <= 6; e++)
	{
		double		lr = e * GG_LN10,	/* log of q (A) or p (B) */
					other = exp(d->face_at[k][0]),	/* p (A) or q (B) */
					lg = k == 0 ? lr - d->face_at[0][1] : d->face_at[1][1] - lr,
					mag,
					ll;
		CrGammaGamma m = {k == 0 ? other : exp(lr), k == 0 ? exp(lr) : other, exp(lg)};

		if (!(m.gamma > 0.0 && isfinite(m.gamma)))
			continue;
		if (d->tick)
			d->tick(d->tick_arg);
		ll = gg_eval(&m, d, NULL, NULL, &mag, NULL);
		if (ll > best && gg_above_faces(d, ll, mag))
		{
			best = ll;
			start[0] = m.p;
			start[1] = m.q;
			start[2] = m.gamma;
			found = 1;
		}
	}
	return found;
}

/*
 * A pivot of gg_log_cholesky must exceed this many units in the last place
 * of its diagonal entry: the pivot is that entry less the squares
 * eliminated from it, each up to its size, and carries their rounding
 * (a few units) and the entries' own (the sums of gg_eval, whose
 * cancellation they do not report: (p, p) was 4e-13 off, 1800 units, where
 * p x >> q before gg_psi_diffs_near).  Below it the pivot may be of either
 * sign, and the standard error along it anything: two members, x = 77 and
 * 154, spends 1 and 1 + 4.6e-9, ended at p = 5.6e16 with a pivot of 1 unit
 * and finite standard errors where mpmath's Newton runs off (p to 5e41)
 * and its Hessian is not negative definite.  Every maximum of a random
 * sweep (753 fits) had pivots above 4.5e-10 of their entries, 2e6 units.
 */
#define GG_CHOL_ULPS 4096.0

/*
 * L L' = minus the Hessian in the log-parameters at p, from the analytic
 * Hessian h and gradient g in (p, q, gamma): 0, or -1 where that is not
 * positive definite beyond rounding (each pivot above GG_CHOL_ULPS units
 * of its diagonal entry).  For standard errors, and for the decision that
 * a point is a proper maximum (gg_settled, cr_gammagamma_fit).
 */
static int
gg_log_cholesky(const double *p, const double g[3], const double h[3][3],
				double L[CR_OPTIM_MAXK][CR_OPTIM_MAXK])
{
	double		nh[CR_OPTIM_MAXK][CR_OPTIM_MAXK];
	int			i,
				j;

	for (i = 0; i < 3; i++)
		for (j = 0; j < 3; j++)
			nh[i][j] = -h[i][j] * p[i] * p[j] - (i == j ? g[i] * p[i] : 0.0);
	if (cr_optim_cholesky(nh, 0.0, 3, L) != 0)
		return -1;
	for (i = 0; i < 3; i++)
		if (!(L[i][i] * L[i][i] > GG_CHOL_ULPS * DBL_EPSILON * nh[i][i]))
			return -1;
	return 0;
}

/*
 * Standard errors at p, p_j sqrt(C_jj), C the inverse of minus the Hessian
 * in the log-parameters, from its factor L (gg_log_cholesky)
 */
static void
gg_log_se(const double *p, double L[CR_OPTIM_MAXK][CR_OPTIM_MAXK], double *se)
{
	int			i,
				j,
				k;

	/* the diagonal of C = L'^-1 L^-1: column j of L^-1, squared and summed */
	for (j = 0; j < 3; j++)
	{
		double		c[3] = {0, 0, 0},
					v = 0.0;

		for (i = j; i < 3; i++)
		{
			double		y = i == j ? 1.0 : 0.0;

			for (k = j; k < i; k++)
				y -= L[i][k] * c[k];
			c[i] = y / L[i][i];
			v += c[i] * c[i];
		}
		se[j] = p[j] * sqrt(v);
	}
}

/*
 * One search from start: Newton with the analytic Hessian, which converges
 * in a dozen passes over the rows; where it does not converge cleanly (and
 * has not reached a face, gg_tick), BFGS from Newton's best point where that
 * lies above both faces (a maximum exists, and Newton stopped near it, f no
 * longer moving at a million rows), else from start again.
 */
static CrOptimStatus
gg_climb(GgData *d, const double *start, CrMlFit *f, int *diverged)
{
	CrOptimStatus st;

	*diverged = 0;
	memcpy(f->p, start, 3 * sizeof(double));
	st = cr_ml_fit_newton(gg_loglik_hess, d, 3, d->members, GG_LOG_BOUND, GG_NEWTON_MAXITER,
						  gg_tick, d, f);
	if (st == CR_OPTIM_CONVERGED || d->verdict == GG_AT_FACE)
		return st;
	memcpy(f->p, gg_best_above(d) ? d->best : start, 3 * sizeof(double));
	st = cr_ml_fit(gg_loglik, d, 3, d->members, GG_LOG_BOUND, GG_MAXITER, gg_tick, d, f,
				   diverged);

	/*
	 * BFGS's standard errors come from central differences of its
	 * gradient, whose rounding on the flat ridges it is left to (p's
	 * standard error 30 times p) made them off by a factor of 3, or NaN
	 * (p = 1.6e5, the gradient's rounding 1e-9 per member, where mpmath's
	 * Hessian is negative definite): they are taken from the analytic
	 * Hessian instead, as Newton's are, where that is negative definite.
	 * (Where it is not, BFGS's stand, and "no proper maximum" where they
	 * are NaN.)
	 */
	if (st == CR_OPTIM_CONVERGED && !*diverged)
	{
		CrGammaGamma m = {f->p[0], f->p[1], f->p[2]};
		double		g[3],
					h[3][3],
					L[CR_OPTIM_MAXK][CR_OPTIM_MAXK];

		if (isfinite(gg_eval(&m, d, g, h, NULL, NULL)) && gg_log_cholesky(f->p, g, h, L) == 0)
			gg_log_se(f->p, L, f->se);
	}
	return st;
}

/* the longest Newton step in the log-parameters gg_settled accepts */
#define GG_SETTLED_STEP 1e-2

/*
 * Whether the best point seen is the maximum to rounding, where the
 * optimisers could not say so: the Hessian negative definite and Newton's
 * step from there gaining less than the rounding of the log-likelihood (a
 * maximum at q = 5e4 or 2e5, each term's lgamma(q) 5e5 and more: the
 * gradient stays at 1e-4 per row in a direction so curved that the step
 * is 1e-5 and gains 4e-10, and both optimisers stall).  Then f gets the
 * point, its log-likelihood and the standard errors p_j sqrt(C_jj), C the
 * inverse of minus the Hessian in the log-parameters: the point is not the
 * maximum, and the one in p, q and gamma, where the ridge is curved,
 * differs from it by diag(g p), which on the flattest ridges is more than
 * the ridge's curvature (the gradient 2e-3 where it is 1e-4: standard
 * errors 14% short), while the one in logs, the ridge straight (q and gamma
 * in proportion), is within 0.1% of the maximum's.  Not the maximum to
 * rounding where that one is not negative definite.
 */
static int
gg_settled(GgData *d, CrMlFit *f)
{
	CrGammaGamma m = {d->best[0], d->best[1], d->best[2]};
	double		g[3],
				g0[3],
				h[3][3],
				nh[CR_OPTIM_MAXK][CR_OPTIM_MAXK],
				L[CR_OPTIM_MAXK][CR_OPTIM_MAXK],
				step[3],
				mag,
				ll,
				gain = 0.0;
	int			i,
				j,
				k;

	ll = gg_eval(&m, d, g, h, &mag, NULL);
	if (!isfinite(ll))
		return 0;
	/* L L' = -h */
	for (i = 0; i < 3; i++)
		for (j = 0; j < 3; j++)
			nh[i][j] = -h[i][j];
	if (cr_optim_cholesky(nh, 0.0, 3, L) != 0)
		return 0;
	memcpy(g0, g, sizeof(g));
	/* Newton's gain g' (-h)^-1 g / 2 = |L^-1 g|^2 / 2 */
	for (i = 0; i < 3; i++)
	{
		double		y = g[i];

		for (k = 0; k < i; k++)
			y -= L[i][k] * g[k];
		g[i] = y / L[i][i];		/* g now holds L^-1 g */
		gain += 0.5 * g[i] * g[i];
	}
	if (!(gain <= GG_FACE_ULPS * DBL_EPSILON * mag))
		return 0;
	if (gg_log_cholesky(d->best, g0, h, L) != 0)
		return 0;

	/*
	 * And Newton's step in the log-parameters, solved from L L', must be
	 * short: a small gain alone is not enough where the ridge is not
	 * quadratic over the step (400 members: a gain estimated at 1e-5 in
	 * logs, a step of 0.02 in log q, and the maximum 0.5 away in log q and
	 * 8e-5 higher).  Settled fits of the maximum take steps below 6e-3.
	 */
	for (i = 0; i < 3; i++)
		g[i] = g0[i] * d->best[i];	/* the gradient in the log-parameters */
	cr_optim_cholesky_solve(L, g, 3, step);
	for (i = 0; i < 3; i++)
		if (!(fabs(step[i]) <= GG_SETTLED_STEP))
			return 0;
	memcpy(f->p, d->best, 3 * sizeof(double));
	f->log_likelihood = ll;
	gg_log_se(d->best, L, f->se);
	return 1;
}

CrFitStatus
cr_gammagamma_fit(const CrSpendRow *rows, size_t n, cr_optim_tick tick,
				  void *tick_arg, CrGammaGammaFit *out)
{
	GgData		d = {0};
	CrMlFit		f;
	double		sl = 0.0,
				se = 0.0,
				start[3];
	int			varies = 0,
				diverged = 0,
				round,
				emin = INT_MAX,
				emax = INT_MIN;
	size_t		i;
	CrOptimStatus st;

	memset(out, 0, sizeof(*out));
	out->n = cr_spend_rows_members(rows, n);
	if (n == 0)
		return CR_FIT_NO_ROWS;
	for (i = 0; i < n; i++)
	{
		int			e = ilogb(rows[i].m);

		se += (1.0 + rows[i].more) * e;	/* whole numbers: exact */
		emin = e < emin ? e : emin;
		emax = e > emax ? e : emax;
		if (rows[i].m != rows[0].m)
			varies = 1;
	}
	if (!varies)
		return CR_FIT_NO_REPEAT;
	d.rows = rows;
	d.n = n;
	d.members = out->n;
	d.scale = gg_scale(se / d.members, emin, emax);
	d.tick = tick;
	d.tick_arg = tick_arg;
	d.best_ll = -INFINITY;
	d.verdict = GG_OPEN;
	for (i = 0; i < n; i++)
		sl = gg_add_members(&d, sl, log(rows[i].m * d.scale), 1.0 + rows[i].more);

	/*
	 * The faces first: they are cheap (sums, and a one-dimensional root over
	 * the distinct frequencies), and tell the optimisers' ticks when an
	 * iterate has reached one (gg_tick).
	 */
	gg_faces(&d);

	/*
	 * p = 1, q = 2 and gamma the geometric mean spend: the start moves with
	 * the spends' unit, and one outlier barely moves it (their arithmetic
	 * mean, the start once, went with an outlier of 1e12 so far from the
	 * maximum that the estimates "ran off" on the way back).
	 */
	start[0] = 1.0;
	start[1] = 2.0;
	start[2] = exp(sl / d.members);
	st = gg_climb(&d, start, &f, &diverged);
	out->iterations = f.iterations;

	/*
	 * A search that did not end cleanly above both faces is not the last
	 * word where a maximum is known to exist: one that ran into the bound
	 * on its steps (GG_LOG_BOUND from its start; spends over 30 decades put
	 * gamma 10^13 from the geometric mean) after passing above both faces
	 * goes on from its best point, and one that ended below the faces (at a
	 * local maximum, or at a face) starts again just inside the higher face
	 * where the likelihood rises going inwards from it (gg_inside_face).
	 */
	for (round = 0; round < GG_RESTARTS; round++)
	{
		if (st == CR_OPTIM_CONVERGED && d.verdict != GG_AT_FACE)
		{
			CrGammaGamma m = {f.p[0], f.p[1], f.p[2]};
			double		mag;

			(void) gg_eval(&m, &d, NULL, NULL, &mag, NULL);
			if (gg_above_faces(&d, f.log_likelihood, mag))
				break;
		}
		if (gg_best_above(&d))
		{
			/* a maximum exists; BFGS went on from Newton's best point already */
			if (!diverged)
				break;
			memcpy(start, d.best, sizeof(start));
		}
		else if (gg_inside_face(&d, start))
		{
			CrGammaGamma m = {start[0], start[1], start[2]};

			d.best_ll = gg_eval(&m, &d, NULL, NULL, NULL, NULL);
			memcpy(d.best, start, sizeof(start));
			d.verdict = GG_ABOVE;
		}
		else
			break;
		st = gg_climb(&d, start, &f, &diverged);
		out->iterations += f.iterations;
	}
	if (st != CR_OPTIM_CONVERGED && !diverged && d.verdict == GG_ABOVE && gg_settled(&d, &f))
		st = CR_OPTIM_CONVERGED;
	if (diverged || d.verdict == GG_AT_FACE)
		return CR_FIT_DIVERGED;

	/*
	 * No maximum above the faces: the likelihood rises towards a face (where
	 * the optimiser ends far out on a ridge, its gradient faded, or stops
	 * short), and the data do not identify the model.  Above them by more
	 * than the rounding of the two log-likelihoods, an interior maximum
	 * exists; a search that stopped there did not converge.
	 */
	{
		CrGammaGamma m = {f.p[0], f.p[1], f.p[2]};
		double		mag,
					ll = gg_eval(&m, &d, NULL, NULL, &mag, NULL);

		if (st == CR_OPTIM_CONVERGED)
			ll = f.log_likelihood;
		if (isfinite(ll) && !gg_above_faces(&d, ll, mag))
			return CR_FIT_DIVERGED;
	}
	if (st != CR_OPTIM_CONVERGED)
		return CR_FIT_NOT_CONVERGED;

	/*
	 * A maximum is proper where minus the Hessian in the log-parameters is
	 * positive definite beyond rounding (gg_log_cholesky), whichever
	 * optimiser found it: Newton's own test (its Hessian in p, q, gamma
	 * invertible with a positive diagonal) has no margin, and where the
	 * faces are not found (two members, spends 4.6e-9 apart, the faces'
	 * scores lost in rounding) nothing else stops a point far out on a
	 * ridge, its gradient within the rounding of terms in lgamma(p x) of
	 * 1e20.
	 */
	{
		CrGammaGamma m = {f.p[0], f.p[1], f.p[2]};
		double		g[3],
					h[3][3],
					L[CR_OPTIM_MAXK][CR_OPTIM_MAXK];

		if (!isfinite(gg_eval(&m, &d, g, h, NULL, NULL)) || gg_log_cholesky(f.p, g, h, L) != 0)
			return CR_FIT_FLAT;
	}

	/*
	 * Back to the spends' unit: gamma scales with them, and each member's
	 * density of its mean spend by 1 / scale.
	 */
	out->m.p = f.p[0];
	out->m.q = f.p[1];
	out->m.gamma = f.p[2] / d.scale;
	out->log_likelihood = f.log_likelihood + d.members * log(d.scale);
	memcpy(out->se, f.se, sizeof(out->se));
	out->se[2] /= d.scale;
	for (i = 0; i < 3; i++)
		if (isnan(out->se[i]))
			return CR_FIT_FLAT;
	return CR_FIT_OK;
}

/* a value that neither overflowed nor lost digits to underflow (nor became 0) */
static int
gg_whole(double v)
{
	return isfinite(v) && fabs(v) >= DBL_MIN;
}

/*
 * p x + q - 1 as hi + *lo to about 2^-104 relative, however much p x and
 * q - 1 cancel (q < 1, p x near 1 - q, where p x + (q - 1) in double can be
 * off in every digit, or 0 for a positive value): p x = a + b exactly (fma),
 * q - 1 = c + d exactly (TwoSum), then their sum in double-double (Joldes,
 * Muller and Popescu 2017, AccurateDWPlusDW, whose relative error is bounded
 * whatever the cancellation).  p x must be at least 2^-969 (b exact).
 * volatile: a compiler that fuses a multiply and an add (GCC does on aarch64
 * by default) must not fuse p x into the sums, which need it rounded.
 */
static double
gg_den(double p, double x, double q, double *lo)
{
	volatile double px = p * x;
	double		a = px,
				b = fma(p, x, -a),
				c = q - 1.0,
				cv = c - q,
				d = (q - (c - cv)) + (-1.0 - cv),
				sh = a + c,
				sv = sh - a,
				sl = (a - (sh - sv)) + (c - sv),
				th = b + d,
				tv = th - b,
				tl = (b - (th - tv)) + (d - tv),
				vh,
				vl,
				zh;

	sl += th;
	vh = sh + sl;
	vl = sl - (vh - sh);
	vl += tl;
	zh = vh + vl;
	*lo = vl - (zh - vh);
	return zh;
}

/*
 * The expected spend in long double, whose exponent range holds every
 * product of two doubles where long double is wider (x86-64, aarch64);
 * elsewhere this gives what double gives.  den + lo: p x + q - 1 from
 * gg_den when it was needed, else den is not used.
 */
static long double
gg_spend_wide(const CrGammaGamma *m, double x, double mean, double den, double lo, int exact_den)
{
	long double lden = exact_den ? (long double) den + lo
		: (long double) m->p * x + ((long double) m->q - 1.0L);

	if (x == 0.0)
		return (long double) m->p * m->gamma / lden;
	return (long double) m->p * ((long double) m->gamma + (long double) x * mean) / lden;
}

/*
 * The expected spend, or NaN; *wide: whether the double formula lost the
 * answer and gg_spend_wide must give it.
 */
static double
gg_spend(const CrGammaGamma *m, double x, double mean, double *den, double *lo, int *exact_den,
		 int *wide)
{
	double		px = m->p * x,
				xm,
				num,
				r;

	*den = px + (m->q - 1.0);	/* q - 1 exact near 1 */
	*lo = 0.0;
	*exact_den = 0;
	/* p x near 1 - q: as computed here, its sign may even be wrong */
	if (m->q < 1.0 && gg_whole(px) && !(*den > 0.5 * px))
	{
		*den = gg_den(m->p, x, m->q, lo);
		*exact_den = 1;
	}
	*wide = 0;
	if (!(*den > 0.0))
		return NAN;
	if (x == 0.0)
	{
		/* the prior mean: mean is not used */
		double		pg = m->p * m->gamma;

		r = pg / *den;
		*wide = !(gg_whole(pg) && gg_whole(*den) && gg_whole(r));
		return r;
	}
	xm = x * mean;
	num = m->p * (m->gamma + xm);
	r = num / *den;

	/*
	 * A product or sum left the double range (p = 1e300 and x = 1e10, say)
	 * while the answer, a weighted mean of m and the prior mean, may not
	 * have; or the answer itself is beyond it, or subnormal.  (p, gamma > 0:
	 * a 0 is an underflow.)
	 */
	*wide = !(gg_whole(px) && gg_whole(xm) && gg_whole(num) &&
			  gg_whole(*den) && gg_whole(r));
	return r;
}

double
cr_gammagamma_expected_spend(const CrGammaGamma *m, double x, double mean)
{
	double		den,
				lo,
				r;
	int			exact_den,
				wide;

	r = gg_spend(m, x, mean, &den, &lo, &exact_den, &wide);
	return wide ? (double) gg_spend_wide(m, x, mean, den, lo, exact_den) : r;
}

double
cr_gammagamma_expected_spend_frexp(const CrGammaGamma *m, double x, double mean, int *e)
{
	double		den,
				lo,
				r;
	int			exact_den,
				wide;

	r = gg_spend(m, x, mean, &den, &lo, &exact_den, &wide);
	if (!wide || isnan(r))
		return frexp(r, e);
	return (double) frexpl(gg_spend_wide(m, x, mean, den, lo, exact_den), e);
}
