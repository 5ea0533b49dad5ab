/*
 * cr_chi2.h
 *	  Upper tail of the chi-square distribution, the p-value of the log-rank
 *	  test: the regularized upper incomplete gamma function Q(df/2, x/2) at
 *	  the integer and half-integer arguments a chi-square with whole degrees
 *	  of freedom has.  Plain C (no backend calls), unit-tested in
 *	  test/unit/test_km.c against mpmath (test/reference/chi2_sf_reference.py).
 */
#ifndef CR_CHI2_H
#define CR_CHI2_H

/*
 * The largest df cr_chi2_sf takes (retention_logrank asks for at most 999),
 * as far as it is measured against mpmath (2e-15).  Past it, x^(df/2) needs
 * more than one pow (2^(df/2) overflows a double): the squarings it once
 * took there doubled pow's error each (3.5e-14 at 8e5 df).
 */
#define CR_CHI2_MAX_DF 2000

/*
 * P(X > x) for X chi-square with df degrees of freedom, 1 <= df <=
 * CR_CHI2_MAX_DF: within 2e-15 of the exact value at the double x, relative
 * (plus half the smallest subnormal where the value is subnormal: it is
 * rounded once).  So it never rises with x by more than
 * that (steps of an ulp or two in x can show such a rise; steps of 1e-12
 * relative do not).  1 at x <= 0, 0 at +Infinity and where the tail is below
 * half the smallest subnormal; NaN for NaN x or df out of range.
 */
extern double cr_chi2_sf(double x, int df);

#endif							/* CR_CHI2_H */
