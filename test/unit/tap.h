/*
 * tap.h: TAP output for the plain-C unit tests under test/unit (header only).
 *
 *   ok(cond, "what")             prints "ok N - what" or "not ok N - what";
 *                                the description is printed as it is (a '%'
 *                                in it is just a character);
 *   ok(cond, fmt, arg, ...)      the same, the description formatted by printf
 *                                (up to 10 arguments);
 *   tap_near(got, want, tol)     |got - want| <= tol * max(1, |want|): relative
 *                                above 1 in magnitude, absolute below;
 *   return tap_done();           the last line of main(): prints the plan
 *                                "1..N" and returns 1 when a check failed.
 *
 * The unit stage of test/scripts/run.sh counts the lines that start with
 * "ok " and "not ok ", and counts a non-zero exit without a "not ok" line as
 * one failure (a crash), so diagnostics go on lines that start with "# ".
 */
#ifndef CR_TEST_TAP_H
#define CR_TEST_TAP_H

#include <math.h>
#include <stdarg.h>
#include <stdio.h>

static int	tap_n_test = 0;
static int	tap_n_fail = 0;

static inline void tap_okf(int cond, const char *fmt,...) __attribute__((format(printf, 2, 3)));

static inline void
tap_okf(int cond, const char *fmt,...)
{
	va_list		ap;

	tap_n_test++;
	if (!cond)
		tap_n_fail++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n_test);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static inline void
tap_ok(int cond, const char *what)
{
	tap_okf(cond, "%s", what);
}

/* ok(cond, what) is tap_ok, ok(cond, fmt, args...) is tap_okf */
#define TAP_PICK_(a1, a2, a3, a4, a5, a6, a7, a8, a9, a10, a11, a12, name, ...) name
#define ok(...) TAP_PICK_(__VA_ARGS__, tap_okf, tap_okf, tap_okf, tap_okf, tap_okf, tap_okf, \
						  tap_okf, tap_okf, tap_okf, tap_okf, tap_ok, tap_ok) (__VA_ARGS__)

static inline int
tap_near(double got, double want, double tol)
{
	return fabs(got - want) <= tol * fmax(1.0, fabs(want));
}

static inline int
tap_done(void)
{
	printf("1..%d\n", tap_n_test);
	return tap_n_fail ? 1 : 0;
}

#endif							/* CR_TEST_TAP_H */
