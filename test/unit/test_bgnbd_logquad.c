/*
 * test_bgnbd_logquad.c: unit tests of BG/NBD conditional expected purchases
 * where only the quadrature in logarithms answers (cr_bgnbd_expect.c,
 * bg_expected_logquad): n k far beyond DBL_MAX with n tiny, a or b + x at
 * the double range's ends; and where the quadrature in p answers with a
 * tiny.  Apart from test_bgnbd.c, whose Gamma-Gamma part changes on its own.
 * Reference values: test/reference/bgnbd_logquad_reference.py (mpmath).
 * link: src/cr_bgnbd.c src/cr_bgnbd_expect.c src/cr_bgnbd_score.c src/cr_optim.c src/cr_hyp2f1.c
 */
#include <float.h>
#include <math.h>
#include <stdio.h>

#include "cr_bgnbd.h"
#include "tap.h"

/* (r, alpha, a, b, t, x, t_x, T, E[Y]); E[Y] INFINITY beyond DBL_MAX, 0 below 5e-324 */
static const double logquad_cases[][9] = {
#include "../reference/bgnbd_logquad_reference.inc"
};

#define N_CASES (sizeof(logquad_cases) / sizeof(logquad_cases[0]))

/* the same by bgnbd_logquad_more_reference.py (a quadrature of its own): narrow peaks, x > 0 */
static const double more_cases[][9] = {
#include "../reference/bgnbd_logquad_more_reference.inc"
};

#define N_MORE (sizeof(more_cases) / sizeof(more_cases[0]))

/*
 * and by bgnbd_far_logquad_reference.py (mpmath's 2F1 at 700 digits, or
 * the quadrature above): the series and the far form both off by more than
 * 1e-12, the quadrature in p failing
 */
static const double far_cases[][9] = {
#include "../reference/bgnbd_far_logquad_reference.inc"
};

#define N_FAR (sizeof(far_cases) / sizeof(far_cases[0]))
/* its first cases, a = 0.9992 (the script's SERIES) */
#define N_FAR_NEAR_ONE 8

/*
 * and by bgnbd_knee_reference.py (the quadrature above, and 2F1 at 700
 * digits for x = 0): a tiny, where the quadrature in p answers
 */
static const double knee_cases[][9] = {
#include "../reference/bgnbd_knee_reference.inc"
};

#define N_KNEE (sizeof(knee_cases) / sizeof(knee_cases[0]))

/*
 * and by bgnbd_rounded_reference.py (the quadrature above): the series'
 * c = a+b+x-1 rounding b + x or r + x away (its first N_ROUNDED), a knee
 * of the quadrature in p below its ladder, a and b both tiny
 */
static const double rounded_cases[][9] = {
#include "../reference/bgnbd_rounded_reference.inc"
};

#define N_ROUNDED_ALL (sizeof(rounded_cases) / sizeof(rounded_cases[0]))
#define N_ROUNDED 5
/* then 5 with a knee below the ladder, the rest with a and b both tiny */
#define N_KNEE_BELOW 5

/* and by bgnbd_layer_reference.py: a = b = 1e-10, the half's mean of p at 1/2 */
static const double layer_cases[][9] = {
#include "../reference/bgnbd_layer_reference.inc"
};

#define N_LAYER (sizeof(layer_cases) / sizeof(layer_cases[0]))

/*
 * and by bgnbd_tiny_r_reference.py: r + x tiny beside a - 1, the far form's
 * n / e subnormal or 0 (its first N_TINY_RATIO), its c (1 - f) / n beyond
 * DBL_MAX (the next N_TINY_OVERFLOW), the quadrature in p's n log1p(p k)
 * subnormal, n / e below 2^-600 DBL_MIN (the last two)
 */
static const double tiny_r_cases[][9] = {
#include "../reference/bgnbd_tiny_r_reference.inc"
};

#define N_TINY_R (sizeof(tiny_r_cases) / sizeof(tiny_r_cases[0]))
#define N_TINY_RATIO 4
#define N_TINY_OVERFLOW 4
#define N_TINY_DEEP 2

/*
 * and by bgnbd_inf_k_reference.py: a horizon beyond DBL_MAX times
 * alpha + T (k infinite), where the far form fails and the quadrature in p
 * took 1 - (1 + p k)^-n for 1
 */
static const double inf_k_cases[][9] = {
#include "../reference/bgnbd_inf_k_reference.inc"
};

#define N_INF_K (sizeof(inf_k_cases) / sizeof(inf_k_cases[0]))

/*
 * and by bgnbd_huge_a_reference.py: a beyond 1e20 (b + x)^2, the
 * quadrature in p over 1 - p
 */
static const double huge_a_cases[][9] = {
#include "../reference/bgnbd_huge_a_reference.inc"
};

#define N_HUGE_A (sizeof(huge_a_cases) / sizeof(huge_a_cases[0]))

static double
case_expected(const double *c)
{
	CrBgnbd		m = {c[0], c[1], c[2], c[3]};

	return cr_bgnbd_expected(&m, c[4], c[5], c[6], c[7]);
}

static void
report(const double *c, double e)
{
	printf("# r = %.17g, alpha = %.17g, a = %.17g, b = %.17g, t = %.17g, x = %g, t_x = %.17g, T = %.17g: "
		   "E[Y] %.17g, mpmath %.17g\n", c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], e, c[8]);
}

/*
 * The cases of cs (nc of them) whose E[Y] is normal: how many (*n), how
 * many not within tol of mpmath (returned, the first three reported), the
 * worst relative error of the others (*worst)
 */
static size_t
check_normal(const double (*cs)[9], size_t nc, double tol, size_t *n, double *worst)
{
	size_t		k,
				bad = 0;

	*n = 0;
	*worst = 0.0;
	for (k = 0; k < nc; k++)
	{
		const double *c = cs[k];
		double		e,
					rel;

		if (!(c[8] >= DBL_MIN && c[8] <= DBL_MAX))
			continue;
		(*n)++;
		e = case_expected(c);
		rel = fabs(e / c[8] - 1.0);
		if (!(rel <= tol))
		{
			if (bad++ < 3)
				report(c, e);
		}
		else
			*worst = fmax(*worst, rel);
	}
	return bad;
}

/* the same for the cases beyond DBL_MAX in mpmath (printed INFINITY): +inf each */
static size_t
check_beyond(const double (*cs)[9], size_t nc, size_t *n)
{
	size_t		k,
				bad = 0;

	*n = 0;
	for (k = 0; k < nc; k++)
	{
		const double *c = cs[k];
		double		e;

		if (!isinf(c[8]))
			continue;
		(*n)++;
		e = case_expected(c);
		if (!(isinf(e) && e > 0.0))
		{
			if (bad++ < 3)
				report(c, e);
		}
	}
	return bad;
}

/*
 * The 17 inputs of bgnbd_expected_sweep.sh 9fa0683 7 that went from +inf to
 * NaN, and more from other seeds: each within 1e-12 of mpmath where E[Y] is
 * normal (NaN before: "cannot be computed" in SQL)
 */
static void
test_logquad_normal(void)
{
	size_t		n,
				bad;
	double		worst;

	bad = check_normal(logquad_cases, N_CASES, 1e-12, &n, &worst);
	ok(bad == 0 && n >= 20,
	   "E[Y] where only the quadrature in logs answers: %zu of %zu within 1e-12 of mpmath (worst %.1e)",
	   n - bad, n, worst);
}

/* beyond DBL_MAX with x = 0: +inf ("out of range"), not NaN */
static void
test_logquad_beyond(void)
{
	size_t		n,
				bad = check_beyond(logquad_cases, N_CASES, &n);

	ok(bad == 0 && n >= 2, "E[Y] beyond DBL_MAX in mpmath (4.5e308, 4.2e309): +inf, %zu of %zu", n - bad, n);
}

/*
 * a = DBL_MAX, b = 1e-5, x = 1 (bgnbd_tiny_p_reference.py's grid): E[Y] of
 * 5.5e-321, NaN before; to its last subnormal bits.  And an answer below the
 * smallest subnormal (mpmath 5.3e-342): 0, NaN before.
 */
static void
test_logquad_subnormal(void)
{
	size_t		k,
				nsub = 0,
				nzero = 0,
				bad = 0;

	for (k = 0; k < N_CASES; k++)
	{
		const double *c = logquad_cases[k];
		double		e;

		if (!(c[8] < DBL_MIN))
			continue;
		e = case_expected(c);
		if (c[8] == 0.0)
			nzero++;
		else
			nsub++;
		/* within 1e-12 relatively, or a few of the smallest subnormal's steps */
		if (!(fabs(e - c[8]) <= fmax(1e-12 * c[8], 4.0 * 4.9406564584124654e-324)))
		{
			if (bad++ < 3)
				report(c, e);
		}
	}
	ok(bad == 0 && nsub >= 1 && nzero >= 1,
	   "E[Y] subnormal (5.5e-321 at a = DBL_MAX, b = 1e-5, x = 1) or below it (0): %zu of %zu as mpmath",
	   nsub + nzero - bad, nsub + nzero);
}

/*
 * a from 3e8 to 1.7e11 with b = 1.7e308, x = 0: the Beta's peak, 1/sqrt(a)
 * wide in log p, between the nodes of pieces 1/8 wide; E[Y] = (a+b-1)/(a-1)
 * came out half that (3e8 .. 3e9) or NaN (1e10, 1.7e11).  And x > 0 with
 * E[Y] finite (5.7e301, P(alive) e^-42) where F passes DBL_MAX: NaN before.
 */
static void
test_logquad_more_finite(void)
{
	size_t		n,
				bad;
	double		worst;

	bad = check_normal(more_cases, N_MORE, 1e-12, &n, &worst);
	ok(bad == 0 && n >= 8,
	   "E[Y] at a narrow Beta peak (a to 1e13) and x > 0 past F's range: %zu of %zu within 1e-12 of mpmath (worst %.1e)",
	   n - bad, n, worst);
}

/* x > 0 with E[Y] beyond DBL_MAX in mpmath (8.5e319 ..): +inf, "out of range", not NaN */
static void
test_logquad_more_beyond(void)
{
	size_t		n,
				bad = check_beyond(more_cases, N_MORE, &n);

	ok(bad == 0 && n >= 3, "E[Y] beyond DBL_MAX with x > 0: +inf, %zu of %zu", n - bad, n);
}

/*
 * r = 1e-6, a = 0.9992, b from 1e-8 to 1e-4, x = 0 at a horizon of 1e300
 * times alpha + T: the series' and the far form's values were kept with
 * error estimates near 1e-11 and were 3e-13 .. 3.2e-12 off (by the far form
 * alone, first, beyond 1/DBL_MIN times alpha + T: 1e-13 .. 4e-13).  Now the
 * quadrature in logs answers where the quadrature in p failed and neither
 * is estimated within 1e-12: to 2e-14.
 */
static void
test_far_logquad_near_one(void)
{
	size_t		n,
				bad;
	double		worst;

	bad = check_normal(far_cases, N_FAR_NEAR_ONE, 2e-14, &n, &worst);
	ok(bad == 0 && n == 8,
	   "E[Y] at r = 1e-6, a = 0.9992, b to 1e-8, horizon 1e300: %zu of %zu within 2e-14 of mpmath (worst %.1e)",
	   n - bad, n, worst);
}

/*
 * a below 1e-16, a - 1 rounded to -1 (the far form's 1/Gamma(1 + (a - 1))
 * then 0), with the horizon beyond 1/DBL_MIN times alpha + T: the far
 * form's answer was 7e-7 and 1.2e-3 off with an error estimate of 1.4e-12;
 * and two more 2.5e-11 and 2.7e-12 off.  Within 1e-12 now.
 */
static void
test_far_logquad_tiny_a(void)
{
	size_t		n,
				bad;
	double		worst;

	bad = check_normal(far_cases + N_FAR_NEAR_ONE, N_FAR - N_FAR_NEAR_ONE, 1e-12, &n, &worst);
	ok(bad == 0 && n == 4,
	   "E[Y] with a tiny, beyond the far form's digits: %zu of %zu within 1e-12 of mpmath (worst %.1e)",
	   n - bad, n, worst);
}

/*
 * a from 2.5e-6 to 1e-10, where the quadrature in p integrates the lower
 * half over v = p^a and the integrand's knees (p k = 1, n p k = 1) are a
 * step a v wide, which its pieces' nodes stepped over: r = 2,
 * alpha = 5.4e-293, b = 1e-300, t = 196 was 6.7e-5 .. 1.3e-3 off (the far
 * form's estimate counting a's lost digits, it answered no longer), and at
 * a = 1e-10 6e-8 and 1.9e-12.  Breakpoints at the knees: within 1e-13.
 */
static void
test_quad_knees_tiny_a(void)
{
	size_t		n,
				bad;
	double		worst;

	bad = check_normal(knee_cases, N_KNEE, 1e-13, &n, &worst);
	ok(bad == 0 && n == N_KNEE,
	   "E[Y] with a tiny, the quadrature in p at its knees: %zu of %zu within 1e-13 of mpmath (worst %.1e)",
	   n - bad, n, worst);
}

/* ok() that the nc cases of cs (all normal in mpmath) are within tol of it */
static void
ok_within(const double (*cs)[9], size_t nc, double tol, const char *what)
{
	size_t		n,
				bad;
	double		worst;

	bad = check_normal(cs, nc, tol, &n, &worst);
	ok(bad == 0 && n == nc, "E[Y] %s: %zu of %zu within %.0e of mpmath (worst %.1e)",
	   what, n - bad, n, tol, worst);
}

static void
ok_within_1e12(const double (*cs)[9], size_t nc, const char *what)
{
	ok_within(cs, nc, 1e-12, what);
}

/*
 * The series' Euler form beyond z = 0.9 with c - b or c - a lost to the
 * rounding of c (b = 1e-300 beside a - 1, or r beside b = 5.6e279): E[Y] was
 * 1 (1003 in mpmath), 1 (1.2), 1 (2.8e135), 8.3e276 (2e259), 2.3e200
 * (7.6e-71), the 2F1's error estimate 0.  Now f's change with c counts
 * into it, and another form answers.
 */
static void
test_series_rounded_c(void)
{
	ok_within_1e12(rounded_cases, N_ROUNDED, "where c = a+b+x-1 rounds b + x or r + x away");
}

/*
 * a from 0.04 to 0.48 and the quadrature in p's lowest knee (n+1) p k = 1
 * below its ladder's last breakpoint: E[Y] was 1 where mpmath gives 7.4e92,
 * 8.8e77, 9.95e66, 3.5e-96, 3.6e184 (the mass near p = 1 / (n k) missed).
 * Now the ladder reaches the knee, or the quadrature in p fails where it
 * cannot (n k beyond DBL_MAX) and the quadrature in logs answers.
 */
static void
test_quad_knee_below_ladder(void)
{
	ok_within_1e12(rounded_cases + N_ROUNDED, N_KNEE_BELOW, "with a knee below the quadrature's ladder");
}

/*
 * a and b both below 1e-4, where the quadrature in p misses mass while
 * meeting its 1e-12 (1.4e-9, 2.2e-8, 2.5e-8 off): reached once the series
 * counted the rounding of c, its value off the series' by more than the
 * series' estimate; the quadrature in logs decides.
 */
static void
test_quad_contradicted(void)
{
	ok_within_1e12(rounded_cases + N_ROUNDED + N_KNEE_BELOW, N_ROUNDED_ALL - N_ROUNDED - N_KNEE_BELOW,
				   "with a and b tiny, the quadrature in p contradicted");
}

/*
 * a = b = 1e-10 (a half's mean of p, or 1 - p, at or above 1/2): in v = p^a
 * every scale of p from 1/2 down lies within a few a of the ladder's top,
 * where the first piece's nodes saw none of them, and the quadrature in p
 * met its 1e-12 5e-11 .. 7e-11 off (bgnbd_expected_sweep.sh seeds 31-40).
 * Now the steps top (1 - a 2^j) are breakpoints there, as mean (1 -+ a 2^j)
 * are where the mean lies below top.
 */
static void
test_quad_layer_at_top(void)
{
	ok_within_1e12(layer_cases, N_LAYER, "with a = b = 1e-10, the mass at the ladder's top");
}

/*
 * r = 5e-324 or 1e-310 beside a = 278 or 1.9e8: the far form's n / e was
 * 0 or subnormal (E[Y] 0 where it is 8.7e-277, with an error estimate of
 * 4.4e-16; 3.3e-6 off), and its -expm1(mu lam) / mu took a subnormal
 * mu lam (1.1e-4 off).  Within 2e-14 now (the first by the far form,
 * the second by the quadrature in p, 1.4e-14 off, as before: the review's
 * input, rounded here, that the far form had answered; the last two by the
 * far form alone, the horizon beyond 1/DBL_MIN times alpha + T).
 */
static void
test_far_tiny_ratio(void)
{
	ok_within(tiny_r_cases, N_TINY_RATIO, 2e-14, "with r tiny beside a - 1, the far form's n / e subnormal");
}

/*
 * a near DBL_MAX with r tiny: the far form's c (1 - f) / n overflowed
 * where E[Y] is 9e-126 .. 1 (1 or inf came out, the quadrature in p's 1
 * answering for an infinite far form); r = 5e-324 or 1e-310 where the
 * quadrature in p lost n log1p(p k) to subnormal rounding (1e-11 .. 3e-3
 * off).  Within 1e-12 now.
 */
static void
test_far_tiny_overflow_quad(void)
{
	ok_within_1e12(tiny_r_cases + N_TINY_RATIO, N_TINY_R - N_TINY_RATIO - N_TINY_DEEP,
				   "with r tiny, the far form beyond DBL_MAX or n log1p(p k) subnormal");
}

/*
 * n / e of 1e-504 (r = 3.8e-203 beside a = 1.4e301): n 2^600 / e, which
 * the far form first took for it, was subnormal still (E[Y] 12% off); the
 * mantissas' ratio times 2 to the exponents' difference now, within 1e-14
 */
static void
test_far_tiny_deep(void)
{
	ok_within(tiny_r_cases + N_TINY_R - N_TINY_DEEP, N_TINY_DEEP, 1e-14,
			  "with n / e below 2^-600 DBL_MIN");
}

/*
 * k = t / (alpha + T) beyond DBL_MAX with the far form failing: the
 * quadrature in p answered 1 where E[Y] is 1.07e-251, 1 where it is 0.9964,
 * 2.8513e242 where it is 2.8509e242, 6.9e38 where it is 2.2e-282; it
 * declines now (but for its +inf bound) and the quadrature in logs answers
 */
static void
test_quad_infinite_k(void)
{
	ok_within_1e12(inf_k_cases, N_INF_K, "with t beyond DBL_MAX times alpha + T, the far form failing");
}

/*
 * a beyond 1e20 (b + x)^2: the quadrature in p's log-density over 1 - p,
 * ln(1/B(a, b+x)) + (b+x-1) ln(1 - p) + ..., a difference of terms of 8000
 * at a = 1e281, lost 1e-12 (up to 3.2e-12 off); its constant now from
 * ln a, lnG(b+x) and (b+x-1) ln(b+x), within 1e-12
 */
static void
test_quad_huge_a(void)
{
	ok_within_1e12(huge_a_cases, N_HUGE_A, "with a beyond 1e20 (b + x)^2, the quadrature over 1 - p");
}

int
main(void)
{
	test_quad_huge_a();
	test_logquad_normal();
	test_logquad_beyond();
	test_logquad_subnormal();
	test_logquad_more_finite();
	test_logquad_more_beyond();
	test_far_logquad_near_one();
	test_far_logquad_tiny_a();
	test_quad_knees_tiny_a();
	test_series_rounded_c();
	test_quad_knee_below_ladder();
	test_quad_contradicted();
	test_quad_layer_at_top();
	test_far_tiny_ratio();
	test_far_tiny_overflow_quad();
	test_far_tiny_deep();
	test_quad_infinite_k();
	return tap_done();
}
