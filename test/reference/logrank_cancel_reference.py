#!/usr/bin/python3
"""Reference chi-squares for test/unit/test_km.c (test_logrank_cancel): the
log-rank test of two groups of R members that churn alike, so that O - E,
a sum over times of terms of both signs, cancels to a tiny fraction of its
terms.  Weightings plain, Gehan-Breslow (n) and Fleming-Harrington with
p = 1 (S(t-)); with no censoring before the last time S(t-) is n / 2R, so
those two give the same chi-square.

Counts (time, group, churned, censored):

"one churn apart": a member of b churns at time 1, one of a at time 2,
   everyone else is censored at time 3:
     (1, b, 1, 0), (2, a, 1, 0), (3, a, 0, R - 1), (3, b, 0, R - 1)
   O - E of a is -1/2 + (R - 1)/(2R - 1) = -1/(2 (2R - 1)), from terms
   of +-1/2: chi-square 1e-15 for R = 1e7, 1e-19 for R = 1e9.
"alternating": b churns one member at each odd time 1, 3, .., 2m - 1, a
   one at each even time 2, 4, .., 2m, the rest censored at 2m + 1
   (m = 300): 600 terms of +-1/2 summing to about m / (4R).

Computed in exact rational arithmetic straight from the definition
(logrank_extreme_reference.logrank), the first group left out as
statsmodels' survdiff does.  Summed term by term in doubles, chi-square
was 1e-9 (R = 1e7) and 1.7e-7 (R = 1e9) off.

    /usr/bin/python3 test/reference/logrank_cancel_reference.py
"""
from logrank_extreme_reference import logrank


def one_apart(r):
    return [(1, 1, 1, 0), (2, 0, 1, 0), (3, 0, 0, r - 1), (3, 1, 0, r - 1)]


def alternating(r, m=300):
    obs = []
    for j in range(1, m + 1):
        obs += [(2 * j - 1, 1, 1, 0), (2 * j, 0, 1, 0)]
    return obs + [(2 * m + 1, 0, 0, r - m), (2 * m + 1, 1, 0, r - m)]


if __name__ == '__main__':
    for name, make in (('one churn apart', one_apart), ('alternating', alternating)):
        for r in (10**7, 10**9):
            for weight in ('plain', 'gb', 'fh1'):
                chi2 = logrank(make(r), 2, weight)
                # the groups' order does not matter
                assert logrank([(t, 1 - g, d, c) for t, g, d, c in make(r)], 2, weight) == chi2
                print('%-15s R %d %-5s chi2 %.17g' % (name, r, weight, float(chi2)))
