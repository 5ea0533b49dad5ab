/*
 * test_gammagamma_eval.c: the Gamma-Gamma log-likelihood's pieces that are
 * static in cr_gammagamma.c (included whole): p's score and Hessian entry
 * where p x >> q, q's where p x << q, and the margin of the log-Hessian's Cholesky factor.
 * Reference values: test/reference/gammagamma_series_check.py (mpmath, 50
 * digits and more; its output beside it, sections 5 and 6).
 * link: src/cr_optim.c src/cr_hyp2f1.c
 */
#include "cr_gammagamma.c"

#include <stdio.h>

#include "tap.h"

/* |got / want - 1| <= tol */
static int
rel_near(double got, double want, double tol)
{
	return fabs(got / want - 1.0) <= tol;
}

/*
 * gg_psi_diffs_near: psi(z + a) - psi(z) and psi'(z + a) - psi'(z), a <= z,
 * to a few units in the last place, below the shift's target z = 16 and
 * above it (the plain differences lose 8 digits at z = 0.1, a = 1e-9, and
 * at z = 1e8, a = 10, and are infinite at z = 1e-100, where z (z + a)
 * underflows); with a subnormal (a / z was, and lost 5e-12 at z = 3e-8,
 * a = 1e-320) and where z + a overflows (psi' was 0 at z = a = 1e308,
 * not -5e-309)
 */
static void
test_psi_diffs_near(void)
{
	static const double c[][4] = {
		{0.1, 1e-9, 1.0143329814986204e-7, -2.0018614273760878e-6},
		{5.0, 5.0, 0.74563492063492063, -0.11615662005542958},
		{15.5, 1e-3, 6.6639793922361215e-5, -4.4392232925522189e-6},
		{127.5, 1e-3, 7.8739440669994101e-6, -6.1998674860182106e-8},
		{1e8, 10.0, 9.9999995500000285e-8, -9.9999991000000855e-16},
		{1e-100, 1e-110, 9.9999999990000001e+89, -1.9999999997e+190},
		{3e-8, 1e-320, 1.1110987413140941e-305, -7.4073249420939502e-298},
		{1e308, 1e308, 0.69314718055994531, -4.9999999999999999e-309},
	};
	size_t		k;

	for (k = 0; k < sizeof(c) / sizeof(c[0]); k++)
	{
		double		d1,
					t1;

		gg_psi_diffs_near(c[k][0], c[k][1], &d1, &t1);
		ok(rel_near(d1, c[k][2], 4e-15) && rel_near(t1, c[k][3], 4e-15),
		   "gg_psi_diffs_near(%g, %g): mpmath's to 4e-15 (%.17g %.17g)", c[k][0], c[k][1], d1, t1);
	}
}

/* a point of gg_eval, its rows, and mpmath's score and diagonal Hessian entry of one parameter */
typedef struct EvalCase
{
	CrSpendRow	r[3];
	size_t		n;
	CrGammaGamma m;
	double		g,
				h;
} EvalCase;

/* gg_eval's score and (k, k) Hessian entry of parameter k at each case: mpmath's to 1e-14 */
static void
check_score(const EvalCase *c, size_t nc, int k, const char *name)
{
	size_t		i;

	for (i = 0; i < nc; i++)
	{
		GgData		d = {0};
		double		g[3],
					h[3][3];

		d.rows = c[i].r;
		d.n = c[i].n;
		d.scale = 1.0;
		(void) gg_eval(&c[i].m, &d, g, h, NULL, NULL);
		ok(rel_near(g[k], c[i].g, 1e-14) && rel_near(h[k][k], c[i].h, 1e-14),
		   "p %g q %g gamma %g: %s score and Hessian entry, mpmath's to 1e-14 (%.17g %.17g)",
		   c[i].m.p, c[i].m.q, c[i].m.gamma, name, g[k], h[k][k]);
	}
}

/*
 * gg_eval's p score and (p, p) Hessian entry where p x >> q, below and above
 * q = 1e4 (the plain and the series branch), and with p x < 16: psi(p x +
 * q) - psi(p x), psi'(p x + q) - psi'(p x) and log(x m / (gamma + x m))
 * cancelled, and the entry was 4e-13 off at p x / q = 1e2 (the series
 * check), 1e-8 at the first point here.  Now mpmath's to 1e-14.
 */
static void
test_p_score_far(void)
{
	static const EvalCase c[] = {
		{{{1, 2.0, 0}, {3, 1.9, 0}, {7, 2.1, 0}}, 3, {1e8, 10.0, 2.6e-7},
		-9.0651623049664913e-8, -2.9999998671428668e-15},
		{{{2, 1e-3, 0}, {5, 1.1e-3, 0}, {11, 0.9e-3, 0}}, 3, {3e9, 2e4, 4.6e-12},
		1.9986089495865965e-5, -6.666654950110264e-15},
		{{{1, 0.5, 0}, {2, 0.8, 0}}, 2, {0.05, 1e-4, 1e-3},
		0.057092433871709787, -2.3949696476470718},
	};

	check_score(c, sizeof(c) / sizeof(c[0]), 0, "p's");
}

/*
 * gg_eval's q score and (q, q) Hessian entry where p x << q < 1e4 (the
 * plain branch; q below and above the shift's target 16): psi(p x + q) -
 * psi(q) and psi'(p x + q) - psi'(q) cancelled to p x / q of psi(q), and
 * log(gamma / (gamma + x m)) to x m / gamma: the entry was 1.5e-9 off at
 * the first point here and 1e-8 at the third, the score 1e-13 at the
 * second.  Now mpmath's to 1e-14.
 */
static void
test_q_score_near(void)
{
	static const EvalCase c[] = {
		{{{1, 2.0, 0}, {3, 1.9, 0}, {7, 2.1, 0}}, 3, {1e-6, 50.0, 20.0},
		-0.89707608933567705, -4.4888793963648656e-9},
		{{{2, 1e-3, 0}, {5, 1.1e-3, 0}, {11, 0.9e-3, 0}}, 3, {0.01, 5000.0, 3.0},
		-0.0057566630213766446, -7.2013201103384864e-9},
		{{{1, 0.5, 0}, {2, 0.8, 0}}, 2, {1e-9, 0.5, 0.2},
		-3.4499875310271808, -5.0486389689180237e-8},
	};

	check_score(c, sizeof(c) / sizeof(c[0]), 1, "q's");
}

/*
 * gg_log_cholesky: a pivot within rounding of 0 is not positive definite.
 * minus the Hessian in the log-parameters (h = -that, p = 1, g = 0) with
 * rows (1, 1, 0), (1, 1 + e, 0), (0, 0, 1): the second pivot is e, left by
 * cancellation, and positive definite only where e is beyond the rounding
 * of the difference, 4096 units (cr_optim_cholesky alone takes any e > 0).
 * The margin is relative to each diagonal entry: diag(1, 1, 1e-15) is
 * positive definite (a direction ill-determined, but known to rounding).
 */
static void
test_log_cholesky_margin(void)
{
	double		p[3] = {1.0, 1.0, 1.0},
				g[3] = {0.0, 0.0, 0.0},
				L[CR_OPTIM_MAXK][CR_OPTIM_MAXK];
	double		h[3][3] = {{-1, 0, 0}, {0, -1, 0}, {0, 0, -1e-15}};
	static const double e[] = {0x1p-30, 0x1p-38, 4 * DBL_EPSILON, DBL_EPSILON, 0.0};
	size_t		k;

	ok(gg_log_cholesky(p, g, h, L) == 0, "log-Cholesky: diag(1, 1, 1e-15) is positive definite");
	h[2][2] = -1.0;
	h[0][1] = h[1][0] = -1.0;
	for (k = 0; k < sizeof(e) / sizeof(e[0]); k++)
	{
		h[1][1] = -(1.0 + e[k]);
		ok(gg_log_cholesky(p, g, h, L) == (e[k] >= 0x1p-38 ? 0 : -1),
		   "log-Cholesky: a pivot of %g left by cancellation is %s", e[k],
		   e[k] >= 0x1p-38 ? "positive" : "within rounding");
	}
}

/*
 * Two members, x = 77 and 154, spends 1 and 1 + 4.6e-9: the faces' scores
 * are lost in rounding (neither face is found), and Newton, with p's score
 * and Hessian entry computed without cancelling, stopped at p = 5.6e16,
 * q = 8.4e15, its gradient within the rounding of terms in lgamma(p x) of
 * 1e20, and called it a maximum with finite standard errors; from there
 * mpmath's Newton runs off (p to 5e41) and its Hessian is not negative
 * definite.  The log-Hessian's pivot there is 1 unit of its entry: no
 * proper maximum.
 */
static void
test_no_proper_maximum(void)
{
	CrSpendRow	r[2] = {{77, 1.0, 0}, {154, 1.0000000046415889, 0}};
	CrGammaGammaFit f;
	int			st = cr_gammagamma_fit(r, 2, NULL, NULL, &f);

	ok(st == CR_FIT_FLAT, "two members, spends 4.6e-9 apart: no proper maximum, not OK at p = 5.6e16 (%d)", st);
}

int
main(void)
{
	test_psi_diffs_near();
	test_p_score_far();
	test_q_score_near();
	test_log_cholesky_margin();
	test_no_proper_maximum();
	return tap_done();
}
