#!/usr/bin/python3
"""Reference chi-squares for test/unit/test_km.c (test_logrank_cancel_power):
the cancelling constructions of logrank_cancel_reference.py (two groups of R
members churning alike, O - E a tiny fraction of its terms) with the weights
whose values are not rational: Fleming-Harrington S(t-)^p for p = 1/2, 2
and 3.7, and Tarone-Ware sqrt(n); and three groups taking turns (c, b, a
each churn one member at times 3j + 1, 3j + 2, 3j + 3, j < m, the rest
censored at 3m + 1).

A weight rounded to a double (pow(S, p)) is an error of the size of O - E
itself there: chi-square 1.9e-5 off (one churn apart, R = 1e12, p = 3.7)
and 1.9e-6 (three turns, R = 1e12, p = 3.7).  Computed with mpmath at 60 digits straight from the
definition (O - E)^T V^-1 (O - E), V = sum over event times with n > 1 of
w^2 d (n - d) / (n - 1) (diag(r) - r r^T), the first group left out as
statsmodels' survdiff does; the counts and S(t-) are exact rationals, only
S^p and sqrt(n) are rounded, to 60 digits.

    /usr/bin/python3 test/reference/logrank_cancel_power_reference.py
"""
from fractions import Fraction as F

import mpmath

from logrank_cancel_reference import alternating, one_apart

mpmath.mp.dps = 60


def logrank(obs, k, weight, p=None):
    times = sorted({o[0] for o in obs})
    risk = [0] * k
    for _, g, d, c in obs:
        risk[g] += d + c
    oe = [mpmath.mpf(0)] * k
    v = [[mpmath.mpf(0)] * k for _ in range(k)]
    s = F(1)
    for t in times:
        dg = [0] * k
        leave = [0] * k
        for tt, g, d, c in obs:
            if tt == t:
                dg[g] += d
                leave[g] += d + c
        n, d = sum(risk), sum(dg)
        if weight == 'tw':
            w = mpmath.sqrt(n)
        else:
            w = mpmath.power(mpmath.mpf(s.numerator) / s.denominator, p)
        s *= F(n - d, n)
        if n > 1 and d > 0:
            c = w * w * d * (n - d) / (n - 1)
            for g in range(k):
                oe[g] += w * mpmath.mpf(dg[g] * n - risk[g] * d) / n
                for h in range(k):
                    rr = (risk[g] * n if g == h else 0) - risk[g] * risk[h]
                    v[g][h] += c * mpmath.mpf(rr) / (n * n)
        risk = [risk[g] - leave[g] for g in range(k)]
    m = k - 1
    a = mpmath.matrix([[v[i + 1][j + 1] for j in range(m)] for i in range(m)])
    b = mpmath.matrix([oe[i + 1] for i in range(m)])
    x = mpmath.lu_solve(a, b)
    return sum(oe[i + 1] * x[i] for i in range(m))


def three_turns(r, m=30):
    obs = []
    for j in range(m):
        obs += [(3 * j + 1, 2, 1, 0), (3 * j + 2, 1, 1, 0), (3 * j + 3, 0, 1, 0)]
    return obs + [(3 * m + 1, g, 0, r - m) for g in range(3)]


if __name__ == '__main__':
    for name, make, k in (('one churn apart', one_apart, 2), ('alternating', alternating, 2),
                          ('three turns', three_turns, 3)):
        for r in (10**9, 10**12):
            for weight, p in (('fh', 0.5), ('fh', 2), ('fh', 3.7), ('tw', None)):
                chi2 = logrank(make(r), k, weight, p)
                print('%-15s R %d %s %-4s chi2 %.17g' % (name, r, weight, p, float(chi2)))
