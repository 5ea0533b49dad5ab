/*
 * cr_bgnbd_expect.c
 *	  BG/NBD predictions (see cr_bgnbd.h): P(alive), the conditional
 *	  expected purchases E[Y(t)] by series, quadrature and far-horizon forms,
 *	  and the discounted lifetime value.  Plain C; cr_bgnbd.c fits.
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "cr_bgnbd.h"
#include "cr_hyp2f1.h"

/*
 * log((alpha + T) / (alpha + tx)) as log1p: a difference of two logs is 0
 * once alpha swamps T (alpha = 1e300 gave P(alive) = 0.5, not 0.0067)
 */
double
cr_bgnbd_log_odds(const CrBgnbd *m, double x, double tx, double T)
{
	return log(m->a) - log(m->b + (x - 1.0))
		+ (m->r + x) * log1p((T - tx) / (m->alpha + tx));
}

double
cr_bgnbd_p_alive(const CrBgnbd *m, double x, double tx, double T)
{
	double		lodds,
				odds;

	if (x == 0.0)
		return 1.0;
	lodds = cr_bgnbd_log_odds(m, x, tx, T);
	odds = exp(lodds);
	/* odds beyond DBL_MAX: P(alive) is 1 / odds, which may be subnormal, not 0 */
	return isinf(odds) ? exp(-lodds) : 1.0 / (1.0 + odds);
}

/*
 * FHL eq. 10 with the hypergeometric term rewritten by Euler's
 * transformation, (1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z)
 *   = (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z),  z = t / (alpha+T+t),
 * whose factors neither overflow for large x nor converge slowly.  When r
 * is large, though, the first parameter a+b-1-r is very negative and that
 * power series alternates with terms far larger than its sum (at r = 60,
 * z = 0.9 it loses every digit); there, for z <= 0.9, the original form's
 * series, whose terms from the second on share one sign, is summed in
 * log scale instead.
 */
#define BG_EULER_MIN 10.0

/*
 * Whether the Euler form's c - b and c - a, b + x and r + x in truth, come
 * out of the rounded c = a + b + x - 1 off by more than 1e-13 of themselves
 * (then the 2F1 of those parameters is not the one asked for)
 */
#define BG_EULER_ROUNDED 1e-13

static bool
bg_euler_rounded(double ea, double eb, double ec, double bx, double rx)
{
	return !(fabs((ec - eb) - bx) <= BG_EULER_ROUNDED * bx &&
			 fabs((ec - ea) - rx) <= BG_EULER_ROUNDED * rx);
}

static double
bg_head_a(const CrBgnbd *m, double a, double t, double x, double T, double *relerr)
{
	double		z = t / (m->alpha + T + t),
				w = (m->alpha + T) / (m->alpha + T + t),	/* 1 - z, to its last digit */
				f,
				ferr = 0.0;

	f = NAN;
	if (a + m->b - 1.0 - m->r < -BG_EULER_MIN && z <= 0.9)
	{
		double		c = a + m->b + (x - 1.0),
					lz = (m->r + x) * log1p(-z),
					lt = cr_log_hyp2f1_tail(m->r + x, m->b + x, c, z);

		f = exp(lz) + (c > 0.0 ? 1.0 : -1.0) * exp(lz + lt);

		/*
		 * f from a sum of two logs of 1e4 and more (r in the millions): each
		 * off by 1e-16 of itself or so, the tail's by as much again from the
		 * products its terms are (r = 4.7e6, a = 0.9992: E[Y] 1.4e-8 off,
		 * 1 - f magnifying f's 1.1e-11)
		 */
		ferr = fabs(f) * 8.8e-16 * (fabs(lz) + fabs(lt));
	}
	if (isnan(f))				/* not tried, or beyond its term budget */
	{
		/*
		 * w^(a-1): for a short horizon as exp((a-1) ln w) with ln w =
		 * -log1p(t / (alpha+T)), to its last digit; pow(w, a-1) multiplies
		 * w's rounding error by a-1, and 1 - f then magnifies it (a = 26000,
		 * 1 - f = 4e-6: E[Y] 7e-7 off)
		 */
		double		k = t / (m->alpha + T),
					wa = k <= 1.0 ? exp((a - 1.0) * -log1p(k)) : pow(w, a - 1.0);

		double		ea = a + m->b - 1.0 - m->r,
					eb = a - 1.0,
					ec = a + m->b + (x - 1.0);

		f = wa * cr_hyp2f1_w_err(ea, eb, ec, z, w, &ferr);
		ferr *= wa;
		if (!isnan(f) && z > 0.9 && bg_euler_rounded(ea, eb, ec, m->b + x, m->r + x))
		{
			/*
			 * c - b and c - a, which are b + x and r + x, lost digits to the
			 * rounding of c (b = 1e-300 beside a - 1: c - b was 0, the 2F1
			 * (1-z)^-(a+b-1-r), E[Y] 1 where it is 1003 at a = 1e-3, r = 2,
			 * t = 1e300 (alpha + T)).  Beyond z = 0.9 the connection formula
			 * takes Gamma(c - b) and Gamma(c - a), whose relative errors are
			 * then those of c - b and c - a; the 2F1's error estimate does
			 * not see that, so f's change when c moves by that much, or by a
			 * few of its ulps, counts into its error.  (Up to 0.9 the power
			 * series takes c, b, a alone, each to its last digits: a = b =
			 * 1e-10 and z = 0.68, c - b 3e-7 off, kept E[Y] to 4e-16.)
			 */
			double		dc = fmax(fabs((ec - eb) - (m->b + x)),
								  fabs((ec - ea) - (m->r + x))),
						e2,
						f2;

			dc = fmax(dc, 4.0 * DBL_EPSILON * fabs(ec));
			f2 = wa * cr_hyp2f1_w_err(ea, eb, ec + dc, z, w, &e2);
			ferr = isnan(f2) ? INFINITY : ferr + fabs(f2 - f) + e2 * wa;
		}
	}
	/*
	 * 1 - f below 1e-6 has lost more than six digits: the caller integrates.
	 * So does an f that is not finite (f is a mean of (1 + p k)^-(r+x), in
	 * (0, 1]): w^(a-1) underflowing to a subnormal or 0 while the 2F1 of the
	 * Euler form, which grows like w^(r+x+1-a), overflowed (a = 133, a
	 * horizon 220 times alpha + T: -inf, which came out as 0 purchases).
	 */
	if (!isfinite(f) || !(fabs(1.0 - f) >= 1e-6))
		return NAN;
	/*
	 * and f's own error magnified by 1 / (1 - f): the connection formula's
	 * gamma ratios are good to 2e-11 only with c near 6000 (a = 1 + 1.6e-4,
	 * b = 6287, a horizon 1261 times alpha + T: 1 - f = 1.8e-4, E[Y] 6e-8 off)
	 */
	if (relerr)
		*relerr = ferr / fabs(1.0 - f);
	return (a + m->b + (x - 1.0)) / (a - 1.0) * (1.0 - f);
}

/* E[Y(t)] by the series above with a in place of m's, P(alive) with that a too */
static double
bg_expected_a(const CrBgnbd *m, double a, double t, double x, double tx, double T)
{
	CrBgnbd		mm = *m;

	mm.a = a;
	return bg_head_a(m, a, t, x, T, NULL) * cr_bgnbd_p_alive(&mm, x, tx, T);
}

/*
 * The same by quadrature, for where every form of the 2F1 above cancels
 * (b in the hundreds and t far beyond alpha + T: terms of 1e22 summing to
 * 0.25; or E[Y(t)] a millionth of (a+b+x-1)/(a-1)).  Alive at T, a member's
 * lambda is Gamma(r+x, alpha+T) and p is Beta(a, b+x); one alive with
 * (lambda, p) buys (1 - e^-lambda p t) / p times in the next t on average:
 *   E[Y(t)] = P(alive) E_p[(1 - (1 + p k)^-(r+x)) / p],  k = t / (alpha+T).
 * p <= 1/2 is integrated over v = p^a when a < 1 (p^(a-1) dp = dv / a: no
 * singularity), else over p; p >= 1/2 over v = (1-p)^(b+x) when b+x < 1,
 * else over 1 - p.  Adaptive Gauss-Kronrod (7-15 points) to 1e-12
 * relative, from intervals [top 2^-(j+1), top 2^-j] of each half (top
 * placed below), so that a peak at any scale is seen.  NaN when that
 * accuracy is not reached within BG_QUAD_MAX intervals.
 */
#define BG_QUAD_MAX 1024
#define BG_QUAD_SCALES 40

static const double gk_x[8] = {
	0.991455371120812639206854697526329, 0.949107912342758524526189684047851,
	0.864864423359769072789712788640926, 0.741531185599394439863864773280788,
	0.586087235467691130294144845693013, 0.405845151377397166906606412076961,
	0.207784955007898467600689403773245, 0.0};
static const double gk_wk[8] = {
	0.022935322010529224963732008058970, 0.063092092629978553290700663189204,
	0.104790010322250183839876322541518, 0.140653259715525918745189590510238,
	0.169004726639267902826583426598550, 0.190350578064785409913256402421014,
	0.204432940075298892414161999234649, 0.209482141084727828012999174891714};
static const double gk_wg[4] = {
	0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
	0.381830050505118944950369775488975, 0.417959183673469387755102040816327};

typedef struct BgQuad
{
	double		a,
				beta,			/* b + x */
				n,				/* r + x */
				k,				/* t / (alpha + T) */
				nk,				/* n k, also where k underflows (bg_quad_nk) */
				lnorm,			/* log(1 / B(a, b+x)) */
				cl,				/* the mean of p, a / (a + b + x) */
				cu,				/* 1 - cl, computed apart */
				lcl,			/* their logs, where cl or cu underflows (bg_quad_ladder) */
				lcu,
				lk,				/* log k, also where k underflows */
				lnk_logs,		/* log(n k) from log t - log(alpha + T), also where k overflows */
				lpeak,			/* log of the density at cl */
				lnu;			/* a >> b+x: lnorm + (b+x-1) log(cu), else NaN */
	bool		big;			/* n k beyond BG_QUAD_BIG: see bg_quad_g */
} BgQuad;

/* The variables a piece integrates over (BgQuadPiece.var) */
#define BG_LOWER 0				/* p <= 1/2: p, or p^a when a < 1 */
#define BG_UPPER 1				/* p >= 1/2: 1 - p, or (1-p)^(b+x) when b+x < 1 */
#define BG_PEAK 2				/* a concentrated Beta: u = p - cl */

/* ln(1 + u) - u, without the cancellation of that difference for small u */
static double
log1p_minus(double u)
{
	double		term,
				sum;
	int			k;

	if (!(fabs(u) < 0.1))
		return log1p(u) - u;
	/* -u^2/2 + u^3/3 - ...: at |u| < 0.1 the 16th term is below 1e-17 of the first */
	term = -u * u;
	sum = 0.0;
	for (k = 2; k <= 18; k++)
	{
		sum += term / k;
		term *= -u;
	}
	return sum;
}

/*
 * (1 - (1+pk)^-n) / (p n k), in (0, 1]: the integrand's factor relative to
 * its value n k at p = 0, so that r of 1e131 and more does not overflow the
 * integrand where E[Y] itself is finite (bg_expected_quad multiplies by n k
 * at the end).  To second order where (n+1) pk is tiny (p may be subnormal):
 * the series' next term is (n+1)(n+2)/6 (pk)^2.
 *
 * When n k itself is beyond BG_QUAD_BIG (a purchase rate of 1e100 a unit
 * over a horizon of 1e240), that relative factor is about 1 / (p n k) and
 * underflows for every p a node can take: the integral came out as 0, and
 * so did E[Y], which is then about E[1/p] over p > 1/(n k), huge.  There
 * the factor is (1 - (1+pk)^-n) / p itself, about 1/p, and the integral is
 * E[Y] without a multiplication.
 */
#define BG_QUAD_BIG 1e300

/*
 * n k, the factor bg_expected_quad multiplies the relative integral by.
 * Where k = t / (alpha + T) is below the normal range (a horizon 1e-300
 * against alpha = 1e50) it has lost its digits or is 0, while n k can be
 * far above it (r = 1e200: 1e-150, which came out as 0): there from logs.
 */
static double
bg_quad_nk(double n, double k, double t, double alpha_T)
{
	if (k >= DBL_MIN)
		return n * k;
	return exp(log(n) + log(t) - log(alpha_T));
}

static double
bg_quad_g(const BgQuad *q, double p)
{
	double		pk = p * q->k,
				nl;

	if (q->big)
		return (q->n + 1.0) * pk < 1e-10 ? q->nk * (1.0 - 0.5 * (q->n + 1.0) * pk)
			: -expm1(-q->n * log1p(pk)) / p;
	if ((q->n + 1.0) * pk < 1e-10)
		return 1.0 - 0.5 * (q->n + 1.0) * pk;
	/*
	 * n below the normal range (r = 5e-324): n p k underflows, 0 / 0; and
	 * n log1p(p k) may be subnormal where n p k is not, its digits lost
	 * (r = 5e-324, p k = 1e237: 2.7e-321, E[Y] 1.1e-4 off), while
	 * -expm1(-nl) / nl is 1 there to the last digit
	 */
	nl = q->n * log1p(pk);
	if (!(nl >= DBL_MIN))
		return log1p(pk) / pk;
	return -expm1(-nl) / (q->n * pk);
}

/*
 * bg_quad_g at p below the normal range, from lp = log(p): p itself has
 * lost digits there or is 0 (b + x beyond DBL_MAX times a puts the whole
 * Beta mass below 1e-308), and (n+1) p k, which may not be small (n k of
 * 1e300), is taken in logs
 */
static double
bg_quad_g_lp(const BgQuad *q, double p, double lp)
{
	double		l1 = lp + q->lk,	/* log(p k) */
				npk1 = exp(log1p(q->n) + l1),
				ll,
				lnl,
				nl,
				h;

	if (!(p < DBL_MIN) || isnan(lp))
		return bg_quad_g(q, p);
	if (npk1 < 1e-10)
		return q->big ? q->nk * (1.0 - 0.5 * npk1) : 1.0 - 0.5 * npk1;
	/* log(log1p(p k)): p k itself normal, or as small as p */
	ll = l1 >= log(DBL_MIN) ? log(log1p(exp(l1))) : l1;
	lnl = log(q->n) + ll;
	nl = exp(lnl);				/* n log1p(p k), which may underflow (r = 5e-324) */
	if (nl > 1.0)
	{
		double		lnum = log(-expm1(-nl));

		return q->big ? exp(lnum - lp) : exp(lnum - log(q->n) - l1);
	}
	/* -expm1(-nl) / nl, times nl / p or nl / (n p k): no 0 / 0 where nl underflows */
	h = nl > 0.0 ? -expm1(-nl) / nl : 1.0;
	return q->big ? h * exp(lnl - lp) : h * exp(ll - l1);
}

/*
 * The term c log1p(-u) of the log-density, c = b+x-1 or a-1, u = p or 1 - p;
 * where u is below the normal range (its digits partly lost, or 0) -c u
 * from lu = log(u), the rest of the series below 1e-308 of it
 */
static double
bg_quad_l1p_small(double c, double u, double lu)
{
	if (!(u < DBL_MIN) || isnan(lu) || c == 0.0)
		return c * log1p(-u);
	return -copysign(exp(log(fabs(c)) + lu), c);
}

/* the Beta(a, b+x) density in the variable v of the half, times (1 - (1+pk)^-n) / (p n k) */
static double
bg_quad_f(const BgQuad *q, int var, double v)
{
	double		p,
				ld = q->lnorm;

	if (var == BG_PEAK)
	{
		/*
		 * the log-density relative to its value at the mean, from the offset
		 * itself: (a-1) ln(1 + u1) + (b+x-1) ln(1 + u2) with u1 = v/cl, u2 =
		 * -v/cu, whose first-order terms cancel exactly, (a-1)/cl equalling
		 * (b+x-1)/cu + 1/cu - 1/cl; kept as ln(1+u) - u, each term is then
		 * of order one however large a and b are (a = 1e12: terms of 1e6
		 * that cancelled to 1 left noise the quadrature could not meet)
		 */
		double		u1 = v / q->cl,
					u2 = -v / q->cu;

		p = q->cl + v;
		ld = q->lpeak + (q->a - 1.0) * log1p_minus(u1) + (q->beta - 1.0) * log1p_minus(u2)
			+ v * (1.0 / q->cu - 1.0 / q->cl);
	}
	else if (var == BG_LOWER && q->a < 1.0)
	{
		double		lp = log(v) / q->a;	/* log(p), where p underflows */

		p = pow(v, 1.0 / q->a);
		ld += -log(q->a) + bg_quad_l1p_small(q->beta - 1.0, p, lp);
		return exp(ld) == 0.0 ? 0.0 : exp(ld) * bg_quad_g_lp(q, p, lp);
	}
	else if (var == BG_LOWER)
	{
		p = v;
		ld += (q->a - 1.0) * log(p) + (q->beta - 1.0) * log1p(-p);
	}
	else if (q->beta < 1.0)
	{
		double		w = pow(v, 1.0 / q->beta);	/* 1 - p, which p = 1 would lose */

		p = 1.0 - w;
		ld += -log(q->beta) + bg_quad_l1p_small(q->a - 1.0, w, log(v) / q->beta);
	}
	else if (!isnan(q->lnu))
	{
		p = 1.0 - v;
		ld = q->lnu + (q->a - 1.0) * log1p(-v) + (q->beta - 1.0) * log(v / q->cu);
	}
	else
	{
		p = 1.0 - v;
		ld += (q->a - 1.0) * log1p(-v) + (q->beta - 1.0) * log(v);
	}
	/* a density of 0 (1 - p rounded to 0, a = 5e293) times an integrand of n k = inf: 0 */
	return exp(ld) == 0.0 ? 0.0 : exp(ld) * bg_quad_g(q, p);
}

/* Kronrod estimate over [lo, hi], and |Kronrod - Gauss| as its error */
static double
bg_quad_gk(const BgQuad *q, int var, double lo, double hi, double *err)
{
	double		c = 0.5 * (lo + hi),
				h = 0.5 * (hi - lo),
				fc = bg_quad_f(q, var, c),
				k = gk_wk[7] * fc,
				g = gk_wg[3] * fc;
	int			i;

	for (i = 0; i < 7; i++)
	{
		double		f2 = bg_quad_f(q, var, c - h * gk_x[i]) +
			bg_quad_f(q, var, c + h * gk_x[i]);

		k += gk_wk[i] * f2;
		if (i % 2 == 1)
			g += gk_wg[i / 2] * f2;
	}
	*err = fabs(k - g) * h;
	return k * h;
}

typedef struct BgQuadPiece
{
	double		lo,
				hi,
				val,
				err;
	int			var;
} BgQuadPiece;

/* Append the piece [lo, hi] of a half's variable, integrated once */
static void
bg_quad_add(const BgQuad *q, BgQuadPiece *pc, int *nint, int var, double lo, double hi)
{
	BgQuadPiece *p;

	if (!(hi > lo))
		return;
	p = &pc[(*nint)++];
	p->var = var;
	p->lo = lo;
	p->hi = hi;
	p->val = bg_quad_gk(q, var, lo, hi, &p->err);
}

static int
double_cmp(const void *a, const void *b)
{
	double		x = *(const double *) a,
				y = *(const double *) b;

	return (x > y) - (x < y);
}

/* The pieces between the breakpoints y[0 .. ny-1] (any order, repeats allowed) */
static void
bg_quad_add_between(const BgQuad *q, BgQuadPiece *pc, int *nint, int var, double *y, int ny)
{
	int			j;

	qsort(y, ny, sizeof(double), double_cmp);
	for (j = 0; j + 1 < ny; j++)
		bg_quad_add(q, pc, nint, var, y[j], y[j + 1]);
}

/*
 * The pieces of a half whose Beta mass is spread over scales (a < 1 near 0,
 * or a mass a few times wider than its distance to 0).  The variable runs
 * over [0, L]; the ladder starts at L, or, when the mass lies far below L
 * (b or a beyond about 1e12: p near 1e-16 and smaller), at 2^40 times the
 * mean there, with one piece above it, so that the mass is always among the
 * scales however large b or a are.  When the variable is a power p^a (or
 * (1-p)^(b+x)) of a small exponent e, the density in it drops within about
 * 10 e of its value at the mean (a = 2e-6, b = 1e300: near v = 0.9986, in
 * 2e-5 of a piece 0.5 long, between the last Kronrod node and L), so pieces
 * are added at mean (1 -+ e 2^j) too.  So does the integrand's step at its
 * knees p k = 1, n p k = 1, (n+1) p k = 1 (from n k to about 1/p over a
 * factor of a few in p), at v = (1/k)^a .. in the lower half: within a
 * few a of one another, a step a v wide, which between nodes 0.0043 of a
 * piece v/2 long from its end hides where a is below 1e-3 or so (r = 2,
 * alpha = 5.4e-293, a = 2.5e-6 .. 1e-10, b = 1e-300, t = 196: E[Y] was
 * 1.3e-3 .. 6.7e-5 off, the (1/k)^a = 1 - a ln k of the mass near p = 0
 * missed; at a = 1e-10, b = 4e-129 or 67 and x = 44, 6e-8 and 1.9e-12):
 * there the knees and knee (1 -+ a 2^j) are breakpoints too.
 */
#define BG_QUAD_NEAR 62
#define BG_QUAD_KNEE_A 1e-3
#define BG_QUAD_KNEE_STEPS 8

/*
 * The ladder's scales end at top 2^-40 (2^-80), p = that to the 1/a in the
 * lower half when a < 1: p of 2^-640 at a = 1/16.  A knee below it, where
 * the integrand steps from n k to 1/p, lay inside the last piece [0, top
 * 2^-40], all of whose nodes are above the knee, where the integrand is
 * about 1/p, so that Gauss and Kronrod agreed on the mass above the knee
 * alone (r = 8.8e111, alpha = 3.8e-192, a = 0.0626, b = 6.1e-293,
 * t = 1.1e299, T = 30.9: v = p^a of the knees 2.6e-26, E[Y] 1 where it is
 * 7.4e92, b (n k)^(1 - a) / (1 - a) from p near 1 / (n k)).  There the
 * ladder goes on down to BG_QUAD_BELOW scales below the lowest knee, at most
 * BG_QUAD_EXTRA more breakpoints, 2^s apart (s as few as that allows) and
 * then 2 apart for the last BG_QUAD_BELOW + BG_QUAD_ABOVE scales around the
 * knee.  A knee below DBL_MIN in v, which v cannot reach, is reported: the
 * mass about it may matter (bg_quad_knee_lost).
 */
#define BG_QUAD_EXTRA 128
#define BG_QUAD_BELOW 8
#define BG_QUAD_ABOVE 8
#define BG_QUAD_LN2 0.69314718055994530942

/*
 * Breakpoints x (1 -+ e 2^j) for j from -2, nsteps of each side while
 * e 2^j < 1, the upper ones at most top, appended to y[ny..]: the new ny.
 */
static int
bg_quad_steps(double *y, int ny, double x, double e, int nsteps, double top)
{
	for (int j = -2; j < nsteps - 2 && ldexp(e, j) < 1.0; j++)
	{
		y[ny++] = x * (1.0 - ldexp(e, j));
		y[ny++] = fmin(top, x * (1.0 + ldexp(e, j)));
	}
	return ny;
}

/* log((n + 1) k), the log of 1 / p at the lowest knee, also where k is 0 or infinite */
static double
bg_quad_lknee(const BgQuad *q)
{
	return log1p(q->n) + (isfinite(q->lk) ? q->lk : q->lnk_logs - log(q->n));
}

static bool
bg_quad_ladder(const BgQuad *q, BgQuadPiece *pc, int *nint, int var)
{
	double		e = var == BG_LOWER ? q->a : q->beta,
				L = e < 1.0 ? pow(0.5, e) : 0.5,
				mean = var == BG_LOWER ? q->cl : q->cu,
				top,
				y[2 * BG_QUAD_SCALES + 3 + 2 * BG_QUAD_NEAR + 3 * (1 + 2 * BG_QUAD_KNEE_STEPS) +
				  BG_QUAD_EXTRA + BG_QUAD_BELOW + BG_QUAD_ABOVE + 2];
	int			nscales = BG_QUAD_SCALES,
				ny = 0,
				j;
	bool		lost = false;

	/*
	 * (a mean below the normal range, or 0 where b + x passed DBL_MAX times
	 * a, from its log: the ladder, from 0 to 0, had no pieces, and E[Y] of
	 * a = 0.5, b = 1e308 came out 0 where it is 1)
	 */
	if (e < 1.0)
		mean = mean < DBL_MIN ? exp(e * (var == BG_LOWER ? q->lcl : q->lcu)) : pow(mean, e);
	top = fmin(L, ldexp(mean, BG_QUAD_SCALES));
	if (top < L)
	{
		y[ny++] = L;
		nscales = 2 * BG_QUAD_SCALES;
	}
	for (j = 0; j <= nscales; j++)
		y[ny++] = ldexp(top, -j);
	y[ny++] = 0.0;
	if (e < 1.0 && mean > 0.0)
	{
		/*
		 * (a mean at or above top, the half's mean of p or 1 - p above 1/2:
		 * then the scales of p, or of 1 - p, from 1/2 down lie within a few
		 * e of top, at top 2^-(m e), in the one piece [top/2, top] whose
		 * nodes, 0.0043 of it from its ends, see none of them; the steps
		 * are taken from top)
		 */
		ny = bg_quad_steps(y, ny, fmin(mean, top), e, BG_QUAD_NEAR, top);
	}
	if (var == BG_LOWER && e < BG_QUAD_KNEE_A)
	{
		double		lknee[3] = {q->lk, log(q->n) + q->lk, log1p(q->n) + q->lk};
		int			i;

		for (i = 0; i < 3; i++)
		{
			double		vk = exp(-e * lknee[i]);

			if (!(vk > 0.0 && vk < top))
				continue;
			y[ny++] = vk;
			ny = bg_quad_steps(y, ny, vk, e, BG_QUAD_KNEE_STEPS, top);
		}
	}
	if (var == BG_LOWER && e < 1.0)
	{
		double		lymin = log(top) - nscales * BG_QUAD_LN2,
					lvk = -e * bg_quad_lknee(q),	/* log(v) at the lowest knee */
					lvlo = lvk - BG_QUAD_BELOW * BG_QUAD_LN2;

		if (!(lvlo >= log(DBL_MIN)))
			lost = lvk < lymin;
		else if (lvk < lymin - 2.0 * BG_QUAD_LN2)
		{
			double		span = (lymin - lvlo) / BG_QUAD_LN2;
			int			s = (int) ceil(span / BG_QUAD_EXTRA);
			double		v;

			for (j = 1; j <= BG_QUAD_EXTRA && (v = ldexp(top, -nscales - j * s)) > 0.0; j++)
			{
				y[ny++] = v;
				if (log(v) < lvlo)
					break;
			}
			if (s > 1)
				for (j = -BG_QUAD_BELOW; j <= BG_QUAD_ABOVE; j++)
					y[ny++] = exp(lvk + j * BG_QUAD_LN2);
		}
	}
	bg_quad_add_between(q, pc, nint, var, y, ny);
	return lost;
}

/*
 * Where bg_quad_ladder could not reach the lowest knee (a < 1), whether the
 * mass below the ladder may be beyond 1e-13 of the total: the Beta density
 * there at most 2 e^lnorm p^(a-1), the integrand (1 - (1+pk)^-n) / p at most
 * min(n k, 1/p), so the piece [0, p] holds at most 2 e^lnorm (n k)^(1-a)
 * (1/a + 1/(1-a)).  total is the integral as bg_expected_quad sums it
 * (relative to n k unless big).
 */
static bool
bg_quad_knee_lost(const BgQuad *q, double total)
{
	double		lnk = q->k <= DBL_MAX && q->k >= DBL_MIN ? log(q->n) + q->lk : q->lnk_logs,
				lbound = q->lnorm + log(2.0) + (1.0 - q->a) * lnk +
				log(1.0 / q->a + 1.0 / (1.0 - q->a)),
				ltotal = log(fabs(total)) + (q->big ? 0.0 : lnk);

	return !(lbound < ltotal + log(1e-13));
}

/*
 * A Beta concentrated around its mean (a, b + x >= 10 and a standard
 * deviation sd below a quarter of the mean's distance to 0 or 1, as when a
 * and b are both in the thousands: the ladder's pieces, twice as long as
 * they are far from 0, step over a peak that narrow, and its density there,
 * as a difference of terms of a ln(p), has lost the digits the quadrature
 * needs).  It is integrated over the offset u = p - mean, in pieces at
 * +- sd (1/2, 1, 2, ..., 64) and beyond, clipped to p in [0, 1].  A peak
 * narrower than 2^-26 of its mean is a point: the integrand at the mean,
 * within (sd / mean)^2 < 2^-52 relatively.  False when the Beta is not so
 * concentrated.
 */
static bool
bg_quad_peak(BgQuad *q, BgQuadPiece *pc, int *nint, double *point)
{
	double		sd,
				u[2 + 2 * 8 + 1];
	int			nu = 0,
				j;

	sd = sqrt(q->cl * q->cu) / sqrt(q->a + q->beta + 1.0);
	if (!(q->a >= 10.0 && q->beta >= 10.0 && sd < 0.25 * fmin(q->cl, q->cu)))
		return false;
	*point = NAN;
	if (sd < ldexp(fmin(q->cl, q->cu), -26))
	{
		*point = q->big ? bg_quad_g(q, q->cl) : q->nk * bg_quad_g(q, q->cl);
		return true;
	}
	q->lpeak = cr_log_beta_pdf_at_mean(q->a, q->beta);
	u[nu++] = -q->cl;
	u[nu++] = q->cu;
	u[nu++] = 0.0;
	for (j = -1; j <= 6; j++)
	{
		u[nu++] = fmax(-q->cl, -ldexp(sd, j));
		u[nu++] = fmin(q->cu, ldexp(sd, j));
	}
	bg_quad_add_between(q, pc, nint, BG_PEAK, u, nu);
	return true;
}

/* log(u / (u + v)), u, v > 0, where v / u may overflow */
static double
bg_log_mean(double u, double v)
{
	double		ratio = v / u;

	if (isfinite(ratio))
		return -log1p(ratio);
	return log(u) - log(v) - log1p(u / v);
}

/*
 * Where the quadrature failed: +inf when E[Y] is surely beyond DBL_MAX,
 * else NaN.  With n k beyond it (the integrand's value at p = 0 infinite)
 * a lower bound decides, from the integrand over small p and the Beta
 * probability of p below c, at least e^-1 c^a / (a B(a, b+x)) where b + x
 * is below 1 / c (b + x <= DBL_MAX < n k here):
 * - n >= 1: for p below c = 1 / (n k), p k <= 1 and the integrand is at
 *   least n k / 4: (1 - a) ln(n k) - ln 4 - 1 - ln a - ln B(a, b+x)
 *   (mpmath: 1.2e391 at a = 0.012, b = 1.7e308, n k = 1e392, which came
 *   out 0 and then NaN);
 * - n < 1 (then k > n k is beyond DBL_MAX too): for p below c = 1 / k,
 *   n ln(1 + p k) <= ln 2, so 1 - (1 + p k)^-n >= n ln(1 + p k) / 2 >=
 *   n p k ln 2 / 2, and the integrand is at least n k ln 2 / 2: ln n +
 *   (1 - a) ln k + ln(ln 2 / 2) - 1 - ln a - ln B(a, b+x).  (n k / 4 is no
 *   bound there: r = 1e-310, a = 7e-126, b = 1e302, t = 1e419 (alpha + T)
 *   came out +inf where mpmath gives 8.8e108.)
 * ln(n k) from the logs of n, t and alpha + T where k overflowed (it was
 * log(inf), and every such bound +inf).  The bound must pass ln DBL_MAX by
 * 1e-9 of its terms, its rounding.  Only for x = 0, where P(alive) is 1:
 * else a small P(alive) may bring E[Y] back below DBL_MAX, and the other
 * forms decide.
 */
static double
bg_quad_failed(const BgQuad *q, double x)
{
	double		lnk = q->k <= DBL_MAX ? log(q->n) + q->lk : q->lnk_logs,
				lc,				/* -ln c */
				lg,				/* ln of the integrand's bound below c */
				lb;

	if (!(x == 0.0 && q->big && lnk > log(DBL_MAX)))
		return NAN;
	if (q->n >= 1.0)
	{
		lc = lnk;
		lg = lnk - log(4.0);
	}
	else
	{
		lc = lnk - log(q->n);
		lg = lnk + log(0.5 * log(2.0));
	}
	lb = lg - q->a * lc - 1.0 - log(q->a) + q->lnorm;
	if (lb > log(DBL_MAX) + 1e-9 * (fabs(lg) + fabs(q->a * lc) + fabs(log(q->a)) + fabs(q->lnorm)))
		return INFINITY;
	return NAN;
}

/* the sum of the pieces' values and of their errors; the piece of the largest error */
static int
bg_quad_sum(const BgQuadPiece *pc, int nint, double *total, double *etotal)
{
	int			i,
				worst = 0;

	*total = *etotal = 0.0;
	for (i = 0; i < nint; i++)
	{
		*total += pc[i].val;
		*etotal += pc[i].err;
		if (pc[i].err > pc[worst].err)
			worst = i;
	}
	return worst;
}

static double
bg_expected_quad(const CrBgnbd *m, double t, double x, double T)
{
	double		beta = m->b + x,
				k = t / (m->alpha + T),
				nk = bg_quad_nk(m->r + x, k, t, m->alpha + T);
	BgQuad		q = {
		.a = m->a,
		.beta = beta,
		.n = m->r + x,
		.k = k,
		.nk = nk,
		.lnorm = -cr_lbeta(m->a, beta),
		/* the means of p and 1 - p, without a + b + x, which may overflow */
		.cl = 1.0 / (1.0 + beta / m->a),
		.cu = 1.0 / (1.0 + m->a / beta),
		.lcl = bg_log_mean(m->a, beta),
		.lcu = bg_log_mean(beta, m->a),
		.lk = k >= DBL_MIN ? log(k) : log(nk) - log(m->r + x),
		.lnk_logs = log(m->r + x) + log(t) - log(m->alpha + T),
		.lpeak = NAN,			/* set by bg_quad_peak when it integrates */
		/*
		 * a beyond 1e20 (b+x)^2: lnorm + (b+x-1) log(cu) is ln a -
		 * lnG(b+x) + (b+x-1) ln(b+x) to O((b+x)^2 / a); the two terms it is
		 * a difference of, of 8000 at a = 1e281, lost 1e-12 of the density
		 */
		.lnu = beta >= 1.0 && m->a > 1e20 * beta * beta
		? log(m->a) - lgamma(beta) + (beta - 1.0) * log(beta) : NAN,
		.big = !(nk <= BG_QUAD_BIG),
	};
	BgQuadPiece pc[BG_QUAD_MAX];
	double		total,
				etotal,
				point;
	int			nint = 0,
				worst;
	bool		lost = false;

	/*
	 * k beyond DBL_MAX (a horizon beyond DBL_MAX times alpha + T): the
	 * integrand took 1 - (1 + p k)^-n for 1, which it is only where
	 * n ln(p k) is large (r = 1.1e-254, a = 1e308, b = 3.8e42, t = 1.8e180,
	 * alpha = 5.5e-227: E[Y] 1 where mpmath gives 1.07e-251; r = 0.007,
	 * a = 1.7e308, b = 0.63, t 1e347 times alpha: 1 where it is 0.9964),
	 * and no error estimate saw it.  Only bg_quad_failed's bound, +inf
	 * where E[Y] is surely beyond DBL_MAX; else NaN, and the far form or
	 * the quadrature in logs, which take ln k from the logs, answer.
	 */
	if (!(k <= DBL_MAX))
		return bg_quad_failed(&q, x);
	if (bg_quad_peak(&q, pc, &nint, &point))
	{
		if (!isnan(point))
			return point;
	}
	else
	{
		lost = bg_quad_ladder(&q, pc, &nint, BG_LOWER);
		bg_quad_ladder(&q, pc, &nint, BG_UPPER);
	}
	for (;;)
	{
		worst = bg_quad_sum(pc, nint, &total, &etotal);
		if (!isfinite(total) || !isfinite(etotal))
			return bg_quad_failed(&q, x);
		if (etotal <= 1e-12 * fabs(total))
			break;
		if (nint == BG_QUAD_MAX)
			return bg_quad_failed(&q, x);
		/* bisect the piece with the largest error */
		pc[nint] = pc[worst];
		pc[nint].lo = pc[worst].hi = 0.5 * (pc[worst].lo + pc[worst].hi);
		pc[worst].val = bg_quad_gk(&q, pc[worst].var, pc[worst].lo, pc[worst].hi,
								   &pc[worst].err);
		pc[nint].val = bg_quad_gk(&q, pc[nint].var, pc[nint].lo, pc[nint].hi,
								  &pc[nint].err);
		nint++;
	}
	if (lost && bg_quad_knee_lost(&q, total))
		return NAN;
	if (q.big)
		return total;
	/* (total n)(k) below the normal range: total (n k), r = 5e-324 */
	if (q.k >= DBL_MIN && fabs(total * q.n) >= DBL_MIN)
		return total * q.n * q.k;
	return total * q.nk;
}

/*
 * E[Y]'s factor F = E_p[(1 - (1+pk)^-n) / p] in logarithms, the last resort
 * where every other form failed.  The quadrature above scales its
 * integrand by n k or by nothing (BG_QUAD_BIG); where n k is far beyond
 * DBL_MAX while n is tiny (r = 5e-324 and a horizon 1e484 times alpha + T:
 * F is n E[log(1 + p k) / p], 9.5e68 in mpmath) neither scale fits, the
 * pieces' values overflow or vanish, and E[Y] was NaN ("cannot be
 * computed"), or +inf before 2f70911, for 17 of 20,000 random extreme
 * inputs whose values mpmath gives (1e-19 to 1e182, and some beyond
 * DBL_MAX).  Here the integrand is taken as the exponential of its
 * logarithm less the largest logarithm met at the breakpoints, over
 * u = log p for p <= 1/2 and u = log(1 - p) for p >= 1/2, where
 *   ln integrand = ln(1/B(a, b+x)) + a u + (b+x-1) ln(1 - e^u) + ln h(p),
 *   ln h(p) = ln(1 - exp(-n ln(1 + p k))) - ln p
 * (the upper half with b+x and a swapped and p = 1 - e^u), ln(p k) and
 * ln(n ln(1 + p k)) from logs, so that neither n, nor k, nor n k needs to
 * be a double.  Breakpoints at the Beta's mean, at e^u = 1/(b+x), 1/a,
 * 1/(n+1) and at the knees p k = 1, n p k = 1, (n+1) p k = 1, and at
 * 1/8, 1/4, ... on either side of each; below u0, 80 below all of them,
 * the integrand is its limit times e^(a u) (e^(b+x) u) to e^-80
 * relatively, integrated in closed form.  Adaptive Gauss-Kronrod to 1e-12
 * as above, within BG_LQ_MAX pieces (else NaN).  The result is F e^lsc (lsc
 * is 0 for F, ln P(alive) for E[Y], as bg_expected_far's), the exp of the
 * log of the sum plus the scale plus lsc, and +inf beyond DBL_MAX: F is
 * known to overflow there, and cr_bgnbd_times_p_alive_logs takes an
 * infinite F back here with ln P(alive).  (It was NaN for x > 0, "cannot be
 * computed": r = 2.85e165, alpha = 2.1e43, a = 6.4e-57, b = 3.3e254,
 * t = 6.3e197, x = 88, E[Y] 8.5e319 in mpmath, out of range in truth.)
 */
#define BG_LQ_MAX 1024
#define BG_LQ_CENTERS 6
#define BG_LQ_STEPS 16
/* the breakpoints of a half: u0, the top, each center and its steps, the mean's width steps */
#define BG_LQ_NY (2 + BG_LQ_CENTERS * (1 + 2 * BG_LQ_STEPS) + 2 * BG_LQ_STEPS)
#define BG_LN2 0.69314718055994530942

typedef struct BgLq
{
	double		a,
				beta,
				ln,				/* log(n) */
				ln1,			/* log(1 + n) */
				lk,				/* log(k), k = t / (alpha + T), from logs */
				cl,				/* the mean of p, of 1 - p; their logs */
				cu,
				lcl,
				lcu,
				lpk[2],			/* the log-density of each half's variable at its mean */
				scale;			/* subtracted from every log-integrand */
} BgLq;

/* ln h(p) = ln((1 - (1 + p k)^-n) / p) from lp = ln p */
static double
bg_lq_logh(const BgLq *q, double lp)
{
	double		l1 = lp + q->lk,	/* ln(p k) */
				lL,				/* ln(ln(1 + p k)) */
				lnl,
				nl;

	if (l1 > 700.0)
		lL = log(l1 + log1p(exp(-l1)));
	else if (l1 < -700.0)
		lL = l1;				/* ln(1 + p k) = p k within 1e-304 */
	else
		lL = log(log1p(exp(l1)));
	lnl = q->ln + lL;
	nl = exp(lnl);
	/* 1 - e^-nl, nl where nl is below 1e-300 (it may underflow: n = 5e-324) */
	return (nl > 1e-300 ? log(-expm1(-nl)) : lnl) - lp;
}

/* d - expm1(d) (em), by its series where it cancels */
static double
bg_lq_dmexpm1(double d, double em)
{
	double		term = d * d / 2.0,
				sum = 0.0;
	int			k;

	if (!(fabs(d) < 0.5))
		return d - em;
	for (k = 3; k < 40 && fabs(term) > 1e-18 * fabs(sum); k++)
	{
		sum -= term;
		term *= d / k;
	}
	return sum;
}

/* log1p(w) - w, by its series where it cancels */
static double
bg_lq_log1pmx(double w)
{
	double		wk = w * w,
				sum = 0.0;
	int			k;

	if (!(fabs(w) < 0.25))
		return log1p(w) - w;
	for (k = 2; k < 60 && fabs(wk) > 1e-18 * k * fabs(sum); k++)
	{
		sum += (k % 2 == 0 ? -wk : wk) / k;
		wk *= w;
	}
	return sum;
}

/*
 * the log-integrand of a half at u = d + the log of its variable's mean,
 * less q->scale.  Relative to the density at the mean, whose log is taken
 * without cancellation (cr_log_beta_pdf_at_mean): ln(1/B) + a u, terms of
 * 4e4 at a = 100, b + x = 1e300, cancelled to 4e-12 of E[Y]; a d does not.
 */
static double
bg_lq_log_f(const BgLq *q, int var, double d)
{
	double		lm = var == BG_UPPER ? q->lcu : q->lcl,	/* the log of the mean */
				m = exp(lm),
				u = lm + d,
				em = expm1(d),
				lem = d > 1.0 ? d + log1p(-exp(-d)) : log(fabs(em)),
				dm,				/* e^u - m */
				e1 = var == BG_UPPER ? q->beta : q->a,	/* the exponents of e^u, of 1 - e^u */
				e2 = var == BG_UPPER ? q->a : q->beta,
				m2 = var == BG_UPPER ? q->cl : q->cu,	/* 1 - m */
				core;			/* e1 d + (e2 - 1) (ln(1 - e^u) - ln(1 - m)) */

	/*
	 * e^u - m as m expm1(d), from logs where m is below the normal range:
	 * exp(u) - m, u off by its rounding (1e-13 at u = -600), times b + x
	 * of 1e264 was 2e-12 of E[Y]
	 */
	dm = m >= DBL_MIN ? m * em : d == 0.0 ? 0.0 : copysign(exp(lm + lem), d);
	/* (1 - m below 1/4, even 0: the mean is beyond the half, no cancellation) */
	if (!(m2 >= 0.25))
		core = e1 * d + (e2 - 1.0) * (log1p(-exp(u)) - (var == BG_UPPER ? q->lcl : q->lcu));
	else if (!(fabs(d) < 1.0))
		core = e1 * d + (e2 - 1.0) * log1p(-dm / m2);
	else
	{
		/*
		 * e1 d + (e2 - 1) ln(1 - z), z = dm / m2 = (e1 / e2) expm1(d): terms
		 * of e1 d that cancel to -e1 d^2 / 2 near the peak, d of 1/sqrt(e1)
		 * (1e5 at a = 1e10, 1e-11 of F), so as e1 (d - expm1(d)) +
		 * e1 expm1(d) / e2 + (e2 - 1) (ln(1 - z) + z), no term larger than
		 * the sum's.  (Only for |d| below 1: beyond, expm1(d) may overflow,
		 * and where e1 is large the integrand is e^-e1 there.)
		 */
		double		z = dm / m2;

		core = e1 * bg_lq_dmexpm1(d, em) + em * (e1 / e2) + (e2 - 1.0) * bg_lq_log1pmx(-z);
	}
	return q->lpk[var] + core +
		bg_lq_logh(q, var == BG_UPPER ? log1p(-exp(u)) : u) - q->scale;
}

/* Kronrod estimate of exp(bg_lq_log_f) over [lo, hi], |Kronrod - Gauss| as its error */
static double
bg_lq_gk(const BgLq *q, int var, double lo, double hi, double *err)
{
	double		c = 0.5 * (lo + hi),
				h = 0.5 * (hi - lo),
				fc = exp(bg_lq_log_f(q, var, c)),
				k = gk_wk[7] * fc,
				g = gk_wg[3] * fc;
	int			i;

	for (i = 0; i < 7; i++)
	{
		double		f2 = exp(bg_lq_log_f(q, var, c - h * gk_x[i])) +
			exp(bg_lq_log_f(q, var, c + h * gk_x[i]));

		k += gk_wk[i] * f2;
		if (i % 2 == 1)
			g += gk_wg[i / 2] * f2;
	}
	*err = fabs(k - g) * h;
	return k * h;
}

/*
 * The breakpoints of a half (see above) into y, *u0 the lowest; their
 * number.  Both as offsets from the log of the variable's mean.  Around the
 * mean also steps of 1/8 .. 2^12 times the density's width in u, about
 * 1/sqrt(e1) (e1 = a, or b + x for the upper half), as offsets: where e1 is
 * large the Beta's peak is narrower than 1/8, and Gauss-Kronrod's nodes,
 * none at a piece's ends, missed it (a = 3e8 .. 1e9, b = 1.7e308, x = 0:
 * F half its value, (a+b-1)/(a-1), from the one side of the peak a node
 * reached; at a = 1e10, 1.7e11 every node's value underflowed, and NaN).
 */
static int
bg_lq_points(const BgLq *q, int var, double *y, double *u0)
{
	double		top = -BG_LN2,
				c[BG_LQ_CENTERS],
				lo = top;
	int			nc = 0,
				ny = 0,
				i,
				j;
	double		e1 = var == BG_UPPER ? q->beta : q->a,
				off = var == BG_UPPER ? q->lcu : q->lcl;

	if (var == BG_UPPER)
	{
		c[nc++] = bg_log_mean(q->beta, q->a);
		if (q->a > 1.0)
			c[nc++] = -log(q->a);
		c[nc++] = -q->ln1;
	}
	else
	{
		c[nc++] = bg_log_mean(q->a, q->beta);
		if (q->beta > 1.0)
			c[nc++] = -log(q->beta);
		c[nc++] = -q->lk;
		c[nc++] = -(q->ln + q->lk);
		c[nc++] = -(q->ln1 + q->lk);
	}
	for (i = 0; i < nc; i++)
		lo = fmin(lo, c[i]);
	*u0 = lo - 80.0;
	y[ny++] = *u0;
	y[ny++] = top;
	for (i = 0; i < nc; i++)
	{
		if (c[i] < top)
			y[ny++] = c[i];
		/* 1/8 .. 2^(BG_LQ_STEPS - 4): the span is below 1e4 (every log is) */
		for (j = 0; j < BG_LQ_STEPS; j++)
		{
			double		d = ldexp(0.125, j);

			if (c[i] - d > *u0 && c[i] - d < top)
				y[ny++] = c[i] - d;
			if (c[i] + d > *u0 && c[i] + d < top)
				y[ny++] = c[i] + d;
		}
	}
	for (i = 0; i < ny; i++)
		y[i] -= off;
	*u0 -= off;
	if (e1 > 64.0)
		for (j = 0; j < BG_LQ_STEPS; j++)
		{
			double		d = ldexp(1.0 / sqrt(e1), j - 3);

			if (-d > *u0 && -d < top - off)
				y[ny++] = -d;
			if (d > *u0 && d < top - off)
				y[ny++] = d;
		}
	qsort(y, ny, sizeof(double), double_cmp);
	return ny;
}

static double
bg_expected_logquad(const CrBgnbd *m, double t, double x, double T, double lsc)
{
	double		n = m->r + x,
				aT = m->alpha + T;
	BgLq		q = {
		.a = m->a,
		.beta = m->b + x,
		.ln = log(n),
		.ln1 = log1p(n),
		/* alpha + T may pass DBL_MAX */
		.lk = log(t) - (isfinite(aT) ? log(aT) : log(0.5 * m->alpha + 0.5 * T) + BG_LN2),
		.cl = 1.0 / (1.0 + (m->b + x) / m->a),
		.cu = 1.0 / (1.0 + m->a / (m->b + x)),
		.lcl = bg_log_mean(m->a, m->b + x),
		.lcu = bg_log_mean(m->b + x, m->a),
		.scale = 0.0,
	};
	BgQuadPiece pc[BG_LQ_MAX];
	double		y[2][BG_LQ_NY],
				u0[2],
				ltail[2],
				total,
				etotal,
				tail,
				scale,
				lf;
	int			ny[2],
				nint = 0,
				var,
				i,
				worst;

	if (!(isfinite(q.ln) && isfinite(q.ln1) && isfinite(q.lk) &&
		  q.a > 0.0 && q.beta > 0.0 && isfinite(q.a) && isfinite(q.beta)))
		return NAN;
	/* (a or b + x below 10: cr_log_beta_pdf_at_mean's plain sum, its means from logs) */
	lf = q.a >= 10.0 && q.beta >= 10.0 ? cr_log_beta_pdf_at_mean(q.a, q.beta) :
		-cr_lbeta(q.a, q.beta) + (q.a - 1.0) * q.lcl + (q.beta - 1.0) * q.lcu;
	q.lpk[BG_LOWER] = lf + q.lcl;
	q.lpk[BG_UPPER] = lf + q.lcu;
	if (!isfinite(q.lpk[BG_LOWER]) || !isfinite(q.lpk[BG_UPPER]))
		return NAN;
	/* the scale: the largest log-integrand at a breakpoint or of a tail's limit */
	scale = -INFINITY;
	for (var = BG_LOWER; var <= BG_UPPER; var++)
	{
		ny[var] = bg_lq_points(&q, var, y[var], &u0[var]);
		/*
		 * the tail below u0: the limit of the integrand over e^(e1 u), over
		 * e1; ln(1/B) + e1 u0 as the log-density at the mean, less its
		 * other term there, plus e1 times u0's offset
		 */
		ltail[var] = var == BG_LOWER ?
			q.lpk[var] - (q.beta - 1.0) * q.lcu + q.a * u0[var] + q.ln + q.lk - log(q.a) :
			q.lpk[var] - (q.a - 1.0) * q.lcl + q.beta * u0[var] + bg_lq_logh(&q, 0.0) -
			log(q.beta);
		scale = fmax(scale, ltail[var]);
		for (i = 0; i < ny[var]; i++)
		{
			lf = bg_lq_log_f(&q, var, y[var][i]);	/* (q.scale is 0 here) */
			if (!isnan(lf))
				scale = fmax(scale, lf);
		}
	}
	if (!isfinite(scale))
		return NAN;
	q.scale = scale;
	tail = exp(ltail[BG_LOWER] - q.scale) + exp(ltail[BG_UPPER] - q.scale);
	for (var = BG_LOWER; var <= BG_UPPER; var++)
		for (i = 0; i + 1 < ny[var]; i++)
		{
			BgQuadPiece *p;

			if (!(y[var][i + 1] > y[var][i]))
				continue;
			p = &pc[nint++];
			p->var = var;
			p->lo = y[var][i];
			p->hi = y[var][i + 1];
			p->val = bg_lq_gk(&q, var, p->lo, p->hi, &p->err);
		}
	for (;;)
	{
		worst = bg_quad_sum(pc, nint, &total, &etotal);
		total += tail;
		if (!isfinite(total) || !isfinite(etotal) || !(total > 0.0))
			return NAN;
		if (etotal <= 1e-12 * total)
			break;
		if (nint == BG_LQ_MAX)
			return NAN;
		pc[nint] = pc[worst];
		pc[nint].lo = pc[worst].hi = 0.5 * (pc[worst].lo + pc[worst].hi);
		pc[worst].val = bg_lq_gk(&q, pc[worst].var, pc[worst].lo, pc[worst].hi, &pc[worst].err);
		pc[nint].val = bg_lq_gk(&q, pc[nint].var, pc[nint].lo, pc[nint].hi, &pc[nint].err);
		nint++;
	}
	lf = q.scale + log(total) + lsc;
	if (lf < log(DBL_MAX))
		return exp(lf);
	return isnan(lf) ? NAN : INFINITY;
}

/*
 * The same for a horizon far beyond alpha + T, where the quadrature's pieces
 * do not reach down to the knee of its integrand at p = 1/(n k) (n k of 1e150
 * and more) and the series' 2F1, near z = 1, cancels or is not summed.  With
 * w = 1/(1+k), n = r+x, beta = b+x, e = a-1, c = a+b+x-1 = beta + e and
 * s = n - e, the z -> 1-z connection formula (A&S 15.3.6) of the Euler form
 * w^e 2F1(c-n, e; c; 1-w) of f (see bg_head_a) gives F = c (1 - f) / e with
 *   f = T_main + T_partner,
 *   T_main    = w^e Gamma(c) Gamma(s) / (Gamma(n) Gamma(beta)) 2F1(c-n, e; 1-s; w),
 *   T_partner = w^n Gamma(c) Gamma(-s) / (Gamma(c-n) Gamma(e)) 2F1(n, beta; 1+s; w).
 * c (1 - T_main) / e = -c expm1(e L) / e with L = ln(T_main) / e: ln w plus
 * the Gamma ratios as slopes (cr_lgamma_slope) plus the series' logarithm
 * over e, each of which keeps its digits as e goes to 0 (at a = 1 exactly,
 * L = ln w + psi(beta) - psi(n) + ...): no difference of order a - 1 is taken,
 * where the series form divided one by a - 1 and the quadrature was the only
 * way.  c T_partner / e = w^n Gamma(1+c) Gamma(-s) / (Gamma(c-n) Gamma(1+e))
 * 2F1(...) has no 1/e either.  For s < 0 (a > 1 + r + x) the two terms swap
 * roles under (e, beta, n) -> (n, c-n, e), and F = (n / e) times the same
 * with n in place of e.
 *
 * The 2F1 of T_main has a pole at the index j = s when s is an integer, which
 * T_partner's Gamma(-s) cancels (A&S 15.3.11): its terms up to s - 1 are
 * summed, and the partner and the rest are left out when their sum, the
 * logarithmic part of 15.3.11, of order w^(e + s) times its Gamma ratio, is
 * below 1e-17 of the result; else, s not an integer, both are summed in
 * full, the pole's large terms counted in the error estimate.  For s below
 * 1/2, where the Gamma functions themselves have the poles, see
 * bg_far_near0.  Used only where w is small enough that the terms fall by 4
 * at each step away from the pole (w (2 beta + 3)(2 + |e|) <= 1/4); NaN
 * when any of this does not hold or when its error estimate passes
 * BG_FAR_RELERR (then the other methods decide).
 */
#define BG_FAR_TERMS 10000
#define BG_PI 3.14159265358979323846
#define BG_FAR_RELERR 1e-10

/*
 * sum_{j >= 1} (A)_j (B+1)_{j-1} / ((C)_j j!) w^j, so that 2F1(A, B; C; w) =
 * 1 + B sum: the terms up to jmax, or until they are negligible; gap is the
 * distance of C from an integer, by which a term at the pole ahead (C + j
 * near 0) may grow.  *big: the largest term's magnitude.
 */
static double
bg_far_sigma(double A, double B, double C, double w, double jmax, double gap, double *big)
{
	double		u,
				sum = 0.0;
	int			j;

	*big = 0.0;
	if (jmax < 1.0 || A == 0.0 || w == 0.0)
		return 0.0;
	if (C == 0.0)
		return NAN;
	u = A / C * w;
	for (j = 1; j <= BG_FAR_TERMS; j++)
	{
		double		rho;

		sum += u;
		*big = fmax(*big, fabs(u));
		if (j >= jmax || u == 0.0)
			return sum;
		if (C + j == 0.0)
			return NAN;
		rho = (A + j) * (B + j) / ((C + j) * (j + 1.0)) * w;
		if (fabs(rho) < 0.5 &&
			fabs(u) * (C + j > 0.0 ? 2.0 : 2.0 + 2.0 / gap) <= 1e-17 * fabs(sum))
			return sum;
		u *= rho;
	}
	return NAN;
}

/*
 * c v e^lsc, where c v passes DBL_MAX and e^lsc may bring it back (F of
 * 2e434 before bg_expected_far_err's n / e of 4e-435): then from the logs,
 * whose rounding counts into *rel
 */
static double
bg_far_scaled(double c, double v, double lsc, double *rel)
{
	double		p = c * v * exp(lsc),
				lc,
				lv,
				l;

	if (isfinite(p) || isnan(c * v))
		return p;
	lc = log(fabs(c));
	lv = log(fabs(v));
	l = lc + lv + lsc;
	*rel += 2.2e-16 * (fabs(lc) + fabs(lv) + fabs(lsc) + fabs(l));
	return copysign(l < log(DBL_MAX) ? exp(l) : INFINITY, c * v);
}

/*
 * c (1 - T_main) / mu times e^lsc, T_main = w^mu Gamma(c) Gamma(s) /
 * (Gamma(nu) Gamma(bm)) (1 + mu sigma), c = bm + mu, s = nu - mu > 0; *rel
 * its relative error
 */
static double
bg_far_main(double mu, double bm, double nu, double lw, double sigma, double bigs, double lsc,
			double *rel)
{
	double		c = bm + mu,
				S = 1.0 + mu * sigma,
				s2 = cr_lgamma_slope(nu, -mu);

	if (c > 0.0 && S > 0.0)
	{
		double		s1 = cr_lgamma_slope(bm, mu),
					ls = sigma * cr_log1p_ratio(mu * sigma),
					lam = lw + s1 - s2 + ls,
					y = mu * lam;

		*rel = (2.2e-16 * (fabs(lw) + 4.0 * (fabs(s1) + fabs(s2)) + fabs(ls)) + 4.4e-16 * bigs) /
			fabs(lam) * fmax(1.0, y);
		/*
		 * -expm1(y) / mu is -lam to the last digit where y is below the
		 * normal range, and y's digits are lost there (mu = r = 5e-324:
		 * y = -547 ulps of 5e-324 for lam = -547.06, 1.1e-4 off)
		 */
		if (mu == 0.0 || fabs(y) < DBL_MIN)
			return bg_far_scaled(-c, lam, lsc, rel);
		if (y <= 30.0)
			return bg_far_scaled(c, -expm1(y) / mu, lsc, rel);
		/* T_main - 1 in logs: beyond the double range (a < 1, w^(a-1) of 1e300) */
		return copysign(exp(log(c) + y + log1p(-exp(-y)) - log(fabs(mu)) + lsc), -mu);
	}
	else
	{
		/* T_main <= 0, or c <= 0 (so mu < 0, T_main < 0): no cancellation */
		double		l1 = (1.0 + mu) * cr_lgamma_slope(bm, 1.0 + mu),
					cs = c * exp(lsc),
					ct = copysign(exp(mu * lw + l1 - mu * s2 + log(fabs(S)) + lsc), S);

		*rel = (2.2e-16 * (fabs(mu * lw) + 4.0 * (fabs(l1) + fabs(mu * s2))) +
				4.4e-16 * bigs / fabs(S)) * fabs(ct) / fabs(cs - ct) + 2.2e-16;
		return (cs - ct) / mu;
	}
}

/* expm1(z) / z, 1 at z = 0 */
static double
bg_expm1_ratio(double z)
{
	return z == 0.0 ? 1.0 : expm1(z) / z;
}

/*
 * The divided difference P[z1, z2] of P(z) = expm1(z) / z, P'(z1) at
 * z2 = z1, without the cancellation of P(z2) - P(z1) where z1 and z2 are
 * close: for |z1|, |z2| <= 2 the series sum_{k >= 1} h_{k-1}(z1, z2) /
 * (k+1)!, h_m the sum of the products z1^i z2^(m-i), whose 27th term is
 * below 1e-17 of the first there; beyond, with d = z2 - z1 within 1,
 * (exp(z1) (z1 P(d) - 1) + 1) / (z1 z2), whose two terms have one sign or
 * the first is below e^-1 of the second; else the difference itself.
 */
static double
bg_expm1_ratio_dd(double z1, double z2)
{
	double		h = 1.0,		/* h_{k-1} */
				p1 = 1.0,		/* z1^(k-1) */
				fact = 2.0,		/* (k+1)! */
				sum = 0.0,
				d = z2 - z1;
	int			k;

	if (!(fmax(fabs(z1), fabs(z2)) <= 2.0))
	{
		if (fabs(d) > 1.0 || !isfinite(d))
			return (bg_expm1_ratio(z2) - bg_expm1_ratio(z1)) / d;
		return (exp(z1) * (z1 * bg_expm1_ratio(d) - 1.0) + 1.0) / (z1 * z2);
	}
	for (k = 1; k <= 30; k++)
	{
		sum += h / fact;
		p1 *= z1;
		h = z2 * h + p1;
		fact *= k + 2.0;
	}
	return sum;
}

/*
 * c (1 - f) / mu for s = nu - mu in (0, 1/2), where both terms have a pole
 * at s = 0 (Gamma(s), Gamma(-s)) and are each of order 1/s times the result
 * or more (a = 1 with r = 1.5e-6, x = 0: 1e7 times).  Term by term in w^j
 * their sum is a divided difference: with Gamma(s) = Gamma(1+s)/s,
 * Gamma(-s) = -Gamma(1-s)/s and 1/Gamma(mu) = mu/Gamma(1+mu),
 *   (1 - f_0)/mu = -expm1(mu L1)/mu + exp(mu L1) expm1(s L2)/s,
 *   f_j/mu = -w^(mu+j) nu P_j expm1(s L2_j)/s, j >= 1,
 * where mu L1 = ln(w^mu Gamma(c) Gamma(1+s) / (Gamma(1+nu) Gamma(bm))), P_j
 * that times the Pochhammer ratio of the j-th term of T_main, and s L2_j the
 * log of the ratio of T_partner's j-th term to T_main's: sums of Gamma
 * slopes and log1p's times s, no differences.  NaN where c - nu <= 0 (then
 * the connection formula's terms themselves, in bg_far_part).
 */
static double
bg_far_near0(double mu, double bm, double nu, double lw, double lsc, double *relerr)
{
	double		s = nu - mu,
				c = bm + mu,
				A = c - nu,
				w = exp(lw),
				s1 = cr_lgamma_slope(bm, mu),
				s2 = cr_lgamma_slope(1.0 + s, mu),
				s3 = cr_lgamma_slope(1.0, -s),
				s4 = cr_lgamma_slope(1.0, s),
				s5 = cr_lgamma_slope(bm, -s),
				s6 = cr_lgamma_slope(1.0 + mu, s),
				l1 = lw + s1 - s2,
				l2 = lw - s3 - s4 + s5 + s6,
				el = 2.2e-16 * (fabs(lw) + 4.0 * (fabs(s1) + fabs(s2) + fabs(s3) + fabs(s4) +
												  fabs(s5) + fabs(s6))),
				y1 = mu * l1,
				x0a = mu == 0.0 || fabs(y1) < DBL_MIN ? -l1 : -expm1(y1) / mu,	/* (as bg_far_main's) */
				x0b = exp(y1) * expm1(s * l2) / s,
				x0 = x0a + x0b,
				err = el * 2.0 * fmax(1.0, exp(y1)) * fmax(1.0, exp(s * l2)) +
				8.8e-16 * (fabs(x0a) + fabs(x0b)),
				sum = 0.0,
				k,
				d = 0.0;
	int			j;

	if (!(A > 0.0 && c > 0.0 && s > 0.0 && s < 0.5) || !isfinite(x0))
		return NAN;
	{
		/*
		 * Where s and mu are small, x0a and x0b are about -l1 and l2, and
		 * each carries ln w (600 at a horizon of 1e262), while their sum is
		 * of order s ln(w)^2 / 2 (0.005 at r = 3e-8, a = 1: 1e-10 of it was
		 * rounding, and 1e-4 at r = 1e-12; the value was rejected and E[Y]
		 * raised 22003).  x0 is
		 *   (exp(nu l1 + s dl) - exp(mu l1)) / s - expm1(mu l1) / mu,
		 * which is, with l = l1, dl = l2 - l1 and P(z) = expm1(z) / z,
		 *   x0 = nu l^2 P[mu l, nu l] + exp(nu l) dl P(s dl),
		 * P[.,.] its divided difference (bg_expm1_ratio_dd): no cancellation
		 * (mu = -1e-7 with r = 1e-12 cancelled terms of mu l^2 to 1e-5 of
		 * them).  dl, in which ln w cancels, is a sum of Gamma slopes'
		 * differences, each nu times a second divided difference of
		 * ln Gamma (cr_lgamma_dd2).
		 */
		double		g1 = cr_lgamma_dd2(1.0, s, nu),
					g2 = cr_lgamma_dd2(1.0, mu, nu),
					g3 = cr_lgamma_dd2(1.0, -s, mu),
					g4 = cr_lgamma_dd2(bm, -s, mu),
					dl = nu * (g1 + g2 + g3 - g4),
					q = bg_expm1_ratio_dd(mu * l1, nu * l1),
					t1 = nu * l1 * l1 * q,
					sd = s * dl,
					ep = exp(nu * l1) * bg_expm1_ratio(sd),
					t2 = ep * dl;

		/* (else, as where a shift is too long for cr_lgamma_dd2, as above) */
		if (isfinite(dl) && isfinite(q) && isfinite(ep))
		{
			x0 = t1 + t2;
			/* dl to 1e-15 of its terms; t1 relative to l1, off by el */
			err = 4e-15 * nu * (fabs(g1) + fabs(g2) + fabs(g3) + fabs(g4)) * fabs(ep) +
				2.0 * el * fabs(nu * l1 * q) + (fabs(nu) * el + 1.3e-15) * fabs(t2) +
				1.3e-15 * fabs(t1);
		}
	}
	k = exp(y1) * nu * w * A / (1.0 - s);
	for (j = 1; j <= BG_FAR_TERMS; j++)
	{
		double		i = j - 1.0,
					l2j,
					xj;

		/* the factors of index j - 1 of the Pochhammer ratios, over s */
		d += cr_log1p_ratio(-s / (bm + i)) / (bm + i) -
			(cr_log1p_ratio(-s / (1.0 + i)) + cr_log1p_ratio(s / (1.0 + i))) / (1.0 + i);
		if (j >= 2)
			d += cr_log1p_ratio(s / (mu + i)) / (mu + i);
		l2j = l2 + d;
		xj = -k * expm1(s * l2j) / s;
		sum += xj;
		err += fabs(xj) * (8.8e-16 + el);
		if (!isfinite(sum))
			return NAN;
		/* the ratio of the terms tends to w, below 1/4 here */
		if (fabs(xj) <= 1e-17 * fabs(x0 - sum) || k == 0.0)
			break;
		k *= w * (A + j) * (mu + j) / ((1.0 - s + j) * (j + 1.0));
	}
	if (j > BG_FAR_TERMS || !(err <= BG_FAR_RELERR * fabs(x0 - sum)))
		return NAN;
	*relerr = err / fabs(x0 - sum);
	return c * (x0 - sum) * exp(lsc);
}

/* c (1 - f) / mu times e^lsc in the orientation s = nu - mu > 0 (see above) */
static double
bg_far_part(double mu, double bm, double nu, double lw, double lsc, double *relerr)
{
	double		c = bm + mu,
				s = nu - mu,
				A = c - nu,
				m = nearbyint(s),
				gap = fabs(s - m),
				w = exp(lw),
				lg = 0.0,
				sg = 1.0,
				lb,
				tau,
				bigt,
				sp;
	bool		part_zero = false;
	int			pass;

	if (!(s > 0.0) || !(w * (2.0 * bm + 3.0) * (2.0 + fabs(mu)) <= 0.25))
		return NAN;
	if (s < 0.5)
	{
		double		f = bg_far_near0(mu, bm, nu, lw, lsc, relerr);

		if (!isnan(f))
			return f;
	}
	/* ln |Gamma(1+c) / Gamma(c-nu)|, its sign; 1 / Gamma(c-nu) = 0 at a pole */
	if (A > 0.0)
		lg = (1.0 + nu) * cr_lgamma_slope(A, 1.0 + nu);
	else if (A == floor(A))
		part_zero = true;
	else
	{
		lg = lgamma(1.0 + c) - lgamma(A);
		sg = cr_gamma_sign(A);
	}
	tau = bg_far_sigma(bm, nu, 1.0 + s, w, INFINITY, 1.0, &bigt);
	if (isnan(tau))
		return NAN;
	sp = 1.0 + nu * tau;
	/* the logarithmic part's magnitude, with room for its digammas and 1000 to spare */
	lb = part_zero ? -INFINITY :
		(mu + fmin(m, s)) * lw + lg - lgamma(1.0 + fmin(m, s)) - lgamma(1.0 + mu) +
		log(2.0 * sp) + log(fabs(lw) + 4.0 * log(2.0 + nu + bm + fabs(mu) + m) +
							1.0 / bm + 1.0 / nu + 10.0) + log(1e3);
	for (pass = 0; pass < 2; pass++)
	{
		bool		trunc = pass == 0;
		double		sigma,
					bigs,
					rmain,
					fmain,
					f,
					err;

		if (trunc && !(m >= 1.0 && !(part_zero && -A >= m)))
			continue;
		if (!trunc && !(gap > 0.0))
			return NAN;
		sigma = bg_far_sigma(A, mu, 1.0 - s, w, trunc ? m - 1.0 : INFINITY,
							 trunc ? 1.0 : gap, &bigs);
		if (isnan(sigma))
			continue;
		fmain = bg_far_main(mu, bm, nu, lw, sigma, bigs, lsc, &rmain);
		if (trunc)
		{
			if (!(lb + lsc <= log(1e-17 * fabs(fmain))))
				continue;
			f = fmain;
			err = fabs(fmain) * rmain;
			/*
			 * the main term alone, from its logarithm, beyond the double
			 * range: so is F (a < 1 with a horizon 1e320 times alpha + T:
			 * E[Y] of 5e315 was NaN, "cannot be computed")
			 */
			if (isinf(f))
			{
				*relerr = 0.0;
				return f;
			}
		}
		else
		{
			double		fpart = 0.0,
						rpart = 0.0;

			if (!part_zero)
			{
				/* Gamma(-s) = -pi / (sin(pi s) Gamma(1+s)) */
				double		sn = sin(BG_PI * (s - m)) * (fmod(m, 2.0) == 0.0 ? 1.0 : -1.0),
							lgs = lgamma(1.0 + s),
							lgm = lgamma(1.0 + mu);

				fpart = -sg * copysign(exp(nu * lw + lg - lgs - lgm + log(BG_PI / fabs(sn)) +
										   log(sp) + lsc), sn);
				rpart = 2.2e-16 * (fabs(nu * lw) + 4.0 * (fabs(lg) + fabs(lgs) + fabs(lgm)) + 8.0 +
								   4.0 * fmax(nu, fabs(mu)) / gap) + 4.4e-16 * bigt * nu / sp;
			}
			f = fmain - fpart;
			err = fabs(fmain) * rmain + fabs(fpart) * rpart;
		}
		if (!(err <= BG_FAR_RELERR * fabs(f)))
			return NAN;
		*relerr = err / fabs(f);
		return f;
	}
	return NAN;
}

/* F times e^lsc (lsc = ln P(alive): E[Y], where F alone passes DBL_MAX) */
static double
bg_expected_far_err(const CrBgnbd *m, double t, double x, double T, double lsc, double *relerr)
{
	double		e = m->a - 1.0,
				beta = m->b + x,
				n = m->r + x,
				s = n - e,
				k = t / (m->alpha + T),
				lw,
				f;

	if (isfinite(k))
		lw = -log1p(k);
	else
	{
		/* alpha + T below t / DBL_MAX: ln w = -ln(1 + k) from the logs */
		double		lk = log(t) - log(m->alpha + T);

		lw = -lk - log1p(exp(-lk));
	}
	if (s > 0.0)
		f = bg_far_part(e, beta, n, lw, lsc, relerr);
	else if (s < 0.0)
	{
		f = bg_far_part(n, beta - s, e, lw, lsc, relerr);
		if (isinf(f) && n < e)
		{
			/*
			 * c (1 - f) / n beyond DBL_MAX where F, that times n / e, need
			 * not be (r = 1e-128, a = 2.9e306: F is 9e-126; inf, or 0 times
			 * inf, NaN, and the quadrature in p's 1 had answered): n / e
			 * into the scale's logarithm, whose rounding counts
			 */
			double		ln = log(n),
						le = log(e),
						l = lsc + (ln - le);

			f = bg_far_part(n, beta - s, e, lw, l, relerr);
			if (!isnan(f))
				*relerr += 2.2e-16 * (fabs(lsc) + fabs(ln) + fabs(le) + fabs(l));
		}
		/*
		 * times n / e, which is subnormal or 0 where n is tiny beside e
		 * (r = 5e-324, a = 278: 0, E[Y] 0 where it is 8.7e-277; r = 1e-310,
		 * a = 1.9e8: 5.2e-319, E[Y] 3.3e-6 off): then as the ratio of the
		 * mantissas, in (1/2, 2), times 2 to the difference of the exponents
		 * (n / e may be 1e-630: r = 3.8e-203 beside a = 1.4e301), f / 4
		 * times that ratio not overflowing
		 */
		else if (fabs(n / e) >= DBL_MIN)
			f *= n / e;
		else
		{
			int			en,
						ee;
			double		mn = frexp(n, &en),
						me = frexp(e, &ee);

			f = ldexp(0.25 * f * (mn / me), en - ee + 2);
		}
	}
	else
		return NAN;
	/*
	 * a - 1 has lost a's digits where a is small (a = 1e-152: -1, and
	 * 1 / Gamma(1 + (a - 1)) is 0 where it is a, times a pole of 1/a
	 * elsewhere; E[Y] 1.2e-3 off with an estimate of 1.4e-12): their loss,
	 * relative to a, counts as the far form's error
	 */
	if (!isnan(f))
	{
		*relerr += fabs((1.0 + e) - m->a) / m->a;
		if (!(*relerr <= BG_FAR_RELERR))
			return NAN;
	}
	return f;
}

/* the same without its error estimate */
static double
bg_expected_far(const CrBgnbd *m, double t, double x, double T, double lsc)
{
	double		relerr;

	return bg_expected_far_err(m, t, x, T, lsc, &relerr);
}

/* a within this of 1: E[Y] by quadrature first (see cr_bgnbd_expected_factor) */
#define BG_NEAR_ONE 1e-4
/* the series' value is integrated again when its error may be above this */
#define BG_SERIES_RELERR 1e-9
/*
 * and where it may be above this, the far form's value wins if it is better,
 * and the better of the two is integrated again when its error may be above
 * this too
 */
#define BG_SERIES_FAR 1e-12

double
cr_bgnbd_expected_factor(const CrBgnbd *m, double t, double x, double T)
{
	double		f,
				q,
				relerr = 0.0;
	bool		tried = false;

	/*
	 * A horizon beyond 1/DBL_MIN times alpha + T: w = 1 - z is subnormal or
	 * 0, which the series took for a w^(a-1) of 0 (a = 1.00017, b = 4e-5:
	 * E[Y] 1.235, not 1.029), and k = t / (alpha + T) infinite, which the
	 * quadrature took for its limit; the far form has ln w from the logs
	 */
	if (!(t / (m->alpha + T) <= 1.0 / DBL_MIN))
	{
		f = bg_expected_far_err(m, t, x, T, 0.0, &relerr);
		if (!isnan(f) && relerr > BG_SERIES_FAR)
		{
			/*
			 * the far form may be off by more than BG_SERIES_FAR (r = 1e-6,
			 * a = 0.9992, b = 1e-4, alpha = 1e-30, t = 1e300: 4e-13; with
			 * a = 6.6e-189 and b + x = 1e121, 7e-7): the quadrature in
			 * logs, good to 1e-12 (the quadrature in p takes k for infinite)
			 */
			q = bg_expected_logquad(m, t, x, T, 0.0);
			if (!isnan(q))
				return q;
		}
		if (!isnan(f))
			return f;
		relerr = 0.0;
	}
	/*
	 * Near a = 1 the series' (a+b+x-1)/(a-1) (1 - f) takes a difference of
	 * order a - 1: its relative error is about 1e-13 / |a - 1| (1e-7 at
	 * a = 1 + 1e-6, 1e-9 at 1 + 1e-4), so the quadrature, which has no
	 * singularity there, comes first (slower: 40 us against 1)
	 */
	if (fabs(m->a - 1.0) < BG_NEAR_ONE)
	{
		f = bg_expected_quad(m, t, x, T);
		if (!isnan(f))
			return f;
		tried = true;
	}
	f = bg_head_a(m, m->a, t, x, T, &relerr);
	/*
	 * Near a = 1 at far horizons the series' (1 - f) / (a - 1) keeps about
	 * 1e-13 / |a - 1| of its digits (a = 1 - 8e-4, r = 1e-6, b = 30,
	 * t = 1e150: 9e-10 off), where the far form, which divides by nothing,
	 * keeps more: its value replaces the series' where its error is the
	 * smaller
	 */
	if (!isnan(f) && relerr > BG_SERIES_FAR)
	{
		double		far_err,
					g = bg_expected_far_err(m, t, x, T, 0.0, &far_err);

		if (!isnan(g) && far_err < relerr)
		{
			f = g;
			relerr = far_err;
		}
	}
	/*
	 * every form of the 2F1, or 1 - 2F1, lost to cancellation; or the better
	 * of the series and the far form may be off by more than BG_SERIES_FAR:
	 * the quadrature, good to 1e-12, whose value wins unless it fails too.
	 * (Up to BG_SERIES_RELERR the series' or the far form's value had been
	 * kept: a = 1 - 1.7e-3, r = 0.52, alpha = 12.9, b = 0.39, t = 0.124,
	 * x = 2, t_x = 18.3, T = 77.5 was 1.7e-10 off mpmath; r = 6.4e-7,
	 * alpha = 0.0065, a = 1 - 5.6e-4, b = 3.9e-8, t = 1.1e65, T = 0.115 by
	 * the far form 3.9e-12; the quadrature is 1e-16 off at both.)
	 */
	if ((isnan(f) || relerr > BG_SERIES_FAR) && !tried)
	{
		q = bg_expected_quad(m, t, x, T);
		/*
		 * unless the two contradict, the quadrature's value off the better
		 * one's by more than that one's estimate and 1e-12 together: one
		 * of them is wrong, and the quadrature in logs decides, its value
		 * winning where it is nearer the better one than the quadrature's.
		 * (With a and b both tiny the quadrature in p misses mass and
		 * still meets its 1e-12: a = 3e-5, b = 4.2e-5, r = 14.5, t = 91550,
		 * T = 35.4 was 1.4e-9 off, the far form, estimated to 1e-12,
		 * 4e-13; a = 8.3e-6, b = 2.6e-5, 2.2e-8 off; they came to it once
		 * the series counted the rounding of c.)
		 */
		if (!isnan(q) && !isnan(f) && relerr <= BG_SERIES_RELERR &&
			!(fabs(q - f) <= (relerr + BG_SERIES_FAR) * fabs(f)))
		{
			double		lq = bg_expected_logquad(m, t, x, T, 0.0);

			if (fabs(lq - f) < fabs(lq - q))
				return lq;
		}
		if (!isnan(q))
			return q;
	}
	/* and where that fails too, a horizon far beyond alpha + T may be why */
	if (isnan(f) || relerr > BG_SERIES_RELERR)
	{
		double		far_err;

		q = bg_expected_far_err(m, t, x, T, 0.0, &far_err);
		if (!isnan(q) && far_err <= BG_SERIES_FAR)
			return q;
		/* (else as below) */
		if (!isnan(q))
		{
			f = q;
			relerr = far_err;
		}
	}
	/*
	 * and where every form failed, or the quadrature failed and the better
	 * of the series and the far form may be off by more than BG_SERIES_FAR,
	 * the quadrature in logs, whose value wins unless it fails too.  (The
	 * series' or far form's value, estimated to 1.1e-11, had been kept:
	 * r = 1e-6, a = 0.9992, b = 1e-4, alpha = T = 1, t = 1e300 was 2.9e-12
	 * off, the quadrature in p failing on a mass spread evenly over 300
	 * decades of p; the quadrature in logs is 1.6e-15 off.)
	 */
	if (isnan(f) || relerr > BG_SERIES_FAR)
	{
		q = bg_expected_logquad(m, t, x, T, 0.0);
		if (!isnan(q) || isnan(f))
			return q;
	}
	return f;
}

double
cr_bgnbd_times_p_alive_logs(const CrBgnbd *m, double t, double x, double tx, double T, double f,
							double palive)
{
	double		lodds,
				lp;

	if (palive == 0.0 && isnan(f))
		return 0.0;				/* as when P(alive) is surely 0 */
	if (!(palive < DBL_MIN || isinf(f)) || isnan(f) || f == 0.0 || x == 0.0)
		return cr_bgnbd_count_mean(f * palive);
	/*
	 * P(alive) below the normal range has lost digits (1e-315 keeps 8 bits,
	 * which E[Y] of 1e-295 kept too) or is 0 (E[Y] was 0 where a factor of
	 * 1e20 made it 1e-300), and a factor beyond DBL_MAX (a < 1 and a horizon
	 * past 1e300 times alpha + T) gave an infinite E[Y] where P(alive) of
	 * 1e-200 made it finite: times P(alive) in logs
	 */
	lodds = cr_bgnbd_log_odds(m, x, tx, T);
	lp = lodds < 30.0 ? -log1p(exp(lodds)) : -lodds - log1p(exp(-lodds));
	if (isinf(f))
	{
		f = bg_expected_far(m, t, x, T, lp);
		/* or the quadrature in logs, whose infinite F may be why we are here */
		if (isnan(f))
			f = bg_expected_logquad(m, t, x, T, lp);
		return cr_bgnbd_count_mean(!isnan(f) ? f : palive == 0.0 ? 0.0 : INFINITY);
	}
	return cr_bgnbd_count_mean(copysign(exp(log(fabs(f)) + lp), f));
}

double
cr_bgnbd_expected(const CrBgnbd *m, double t, double x, double tx, double T)
{
	double		f,
				palive;

	if (t == 0.0)
		return 0.0;
	palive = cr_bgnbd_p_alive(m, x, tx, T);
	if (cr_bgnbd_surely_dead(m, x, tx, T, palive))
		return 0.0;				/* whatever the factor, even where it overflows */
	if (fabs(m->a - 1.0) < 1e-6)
	{
		/*
		 * a = 1 is a removable singularity of the series: the quadrature has
		 * none, nor has the far form (first where the horizon is beyond
		 * 1/DBL_MIN times alpha + T, see cr_bgnbd_expected_factor); else the
		 * line through the values at 1 -+ 1e-6 (their mean was off by the
		 * slope times a - 1, 2e-6 relatively; the line, by the curvature,
		 * 1e-3 where the horizon is 1e224 times alpha + T)
		 */
		bool		far_first = !(t / (m->alpha + T) <= 1.0 / DBL_MIN);	/* as below */

		f = far_first ? bg_expected_far(m, t, x, T, 0.0) : bg_expected_quad(m, t, x, T);
		if (isnan(f))
			f = far_first ? bg_expected_quad(m, t, x, T) : bg_expected_far(m, t, x, T, 0.0);
		if (isnan(f))
		{
			double		lo = bg_expected_a(m, 1.0 - 1e-6, t, x, tx, T),
						hi = bg_expected_a(m, 1.0 + 1e-6, t, x, tx, T),
						e = lo + (m->a - (1.0 - 1e-6)) / 2e-6 * (hi - lo);

			if (!isnan(e))
				return cr_bgnbd_count_mean(e);
			/* and where that fails too, the quadrature in logs */
			f = bg_expected_logquad(m, t, x, T, 0.0);
		}
	}
	else
		f = cr_bgnbd_expected_factor(m, t, x, T);
	return cr_bgnbd_times_p_alive(m, t, x, tx, T, f, palive);
}

double
cr_bgnbd_clv(const CrBgnbd *m, double x, double tx, double T, double spend,
			 int periods, double d, double period_length)
{
	return cr_bgnbd_clv_tick(m, x, tx, T, spend, periods, d, period_length, NULL, NULL);
}

double
cr_bgnbd_clv_tick(const CrBgnbd *m, double x, double tx, double T, double spend,
				  int periods, double d, double period_length, cr_optim_tick tick,
				  void *tick_arg)
{
	double		clv = 0.0,
				prev = 0.0,
				disc = 1.0;
	int			i;

	for (i = 1; i <= periods; i++)
	{
		double		e;

		if (tick)
			tick(tick_arg);
		e = cr_bgnbd_expected(m, i * period_length, x, tx, T);

		disc *= 1.0 + d;
		clv += (e - prev) * spend / disc;
		prev = e;
	}
	return clv;
}
