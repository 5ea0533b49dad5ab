/*
 * cr_stats.h
 *	  The standard normal distribution: cdf, survival function and quantile.
 *	  Plain C (no backend calls), unit-tested under test/unit.
 */
#ifndef CR_STATS_H
#define CR_STATS_H

/* P(Z <= x) and P(Z > x), accurate in the tails (through erfc). */
extern double cr_norm_cdf(double x);
extern double cr_norm_sf(double x);

/*
 * The quantile: x with P(Z <= x) = p, for 0 < p < 1 (Wichura's AS 241,
 * PPND16, relative error about 1e-16).  Returns -HUGE_VAL / HUGE_VAL at 0
 * and 1, NaN outside [0, 1].
 */
extern double cr_norm_ppf(double p);

/*
 * The two-sided critical value -cr_norm_ppf(alpha / 2) for 0 < alpha < 1,
 * computed from log(alpha) where alpha / 2 would be subnormal (below
 * 2 * DBL_MIN), so that it stays finite down to the smallest subnormal alpha,
 * where alpha / 2 rounds to zero, and exact where it would round.
 */
extern double cr_norm_crit2(double alpha);

/*
 * The two-sided quantile z with P(|Z| <= z) = level, 0 < level < 1 (the z
 * of a confidence interval at that level): from level itself up to 0.85,
 * so accurate for tiny levels too, and cr_norm_crit2(1 - level) above
 * (1 - level exact there).  0 at 0, HUGE_VAL at 1, NaN outside [0, 1].
 */
extern double cr_norm_two_sided(double level);

#endif							/* CR_STATS_H */
