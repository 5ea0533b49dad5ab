#!/usr/bin/python3
"""Reference chi-squares for test/unit/test_km.c (test_logrank_tiny_group,
test_logrank_near_singular): the log-rank test when one group is a single
member among millions (alone with them, too), and when two groups of big/2
members each are nearly everyone at risk at the first churn time, then
leave.

Counts (time, group: churned), no censoring:
  time 1: group c 1;  time 2: a big/2, b big/3;  time 3: a big/2, b 2 big/3
for big = 1e7 and 1e8, weightings plain and Gehan-Breslow (w = n at risk).
Counts (time, group: churned + censored) of the second:
  time 1: a 0 + big/2, b 0 + big/2, c 1 + 0;  time 2: c 1, d 1;
  time 3: c 2, d 0 + 1;  time 4: c 1, d 2
for big = 1e10 and 1e14 (V's eigenvalues 1e10 and 1e14 apart).
And two groups, the second a single member churned at time 3.5: group a
has big (t + 1) // 7 churned and big (7 - t) // 5 censored at t = 1 .. 6,
for big = 1e7 and 1e12, plain weights.
And Fleming-Harrington with p = 1/2 when nearly everyone churns at the
first churn time: group a 5 churned at time 2, 2 at 3, 3 churned and 4
censored at 4; group b big - 21 churned at 2, 5 at 3, 2 at 4, for big =
1e8 and 1e12 (big and the 16 left after time 2 squares, and 9 after 3, so
every weight sqrt(S(t-)) is rational).
Computed here in exact rational arithmetic, straight from the definition
(O - E)^T V^-1 (O - E), V = sum over event times with n > 1 of
w^2 d (n - d) / (n - 1) (diag(r) - r r^T), the first group (a) left out, as
statsmodels' survdiff does; statsmodels itself cannot take 1e8 rows.

    /usr/bin/python3 test/reference/logrank_extreme_reference.py
"""
import math
from fractions import Fraction as F


def fsqrt(x):
    a, b = math.isqrt(x.numerator), math.isqrt(x.denominator)
    assert a * a == x.numerator and b * b == x.denominator
    return F(a, b)


def logrank(obs, k, weight):
    times = sorted({o[0] for o in obs})
    risk = [F(0)] * k
    for _, g, d, *c in obs:
        risk[g] += d + sum(c)
    oe = [F(0)] * k
    v = [[F(0)] * k for _ in range(k)]
    s = F(1)
    for t in times:
        dg = [F(0)] * k
        leave = [F(0)] * k
        for tt, g, d, *c in obs:
            if tt == t:
                dg[g] += d
                leave[g] += d + sum(c)
        n, d = sum(risk), sum(dg)
        w = {'gb': lambda: n, 'tw': lambda: fsqrt(n), 'fh1': lambda: s,
             'fh1/2': lambda: fsqrt(s)}.get(weight, lambda: F(1))()
        s *= 1 - d / n
        if n > 1 and d > 0:
            c = w * w * d * (n - d) / (n - 1)
            r = [x / n for x in risk]
            for g in range(k):
                oe[g] += w * (dg[g] - r[g] * d)
                for h in range(k):
                    v[g][h] += c * ((r[g] if g == h else 0) - r[g] * r[h])
        risk = [risk[g] - leave[g] for g in range(k)]
    # leave out group 0, solve by Gaussian elimination in fractions
    m = k - 1
    a = [[v[i + 1][j + 1] for j in range(m)] + [oe[i + 1]] for i in range(m)]
    for c in range(m):
        for r in range(c + 1, m):
            f = a[r][c] / a[c][c]
            a[r] = [a[r][j] - f * a[c][j] for j in range(m + 1)]
    x = [F(0)] * m
    for c in reversed(range(m)):
        x[c] = (a[c][m] - sum(a[c][j] * x[j] for j in range(c + 1, m))) / a[c][c]
    return sum(oe[i + 1] * x[i] for i in range(m))


if __name__ == '__main__':
    for big in (10**7, 10**8):
        obs = [(1, 2, 1), (2, 0, big // 2), (2, 1, big // 3), (3, 0, big // 2), (3, 1, 2 * big // 3)]
        for weight in ('plain', 'gb'):
            print('big %d %-5s chi2 %.17g' % (big, weight, float(logrank(obs, 3, weight))))

    for big in (10**10, 10**14):
        obs = [(1, 0, 0, big // 2), (1, 1, 0, big // 2), (1, 2, 1, 0), (2, 2, 1, 0), (2, 3, 1, 0),
               (3, 2, 2, 0), (3, 3, 0, 1), (4, 2, 1, 0), (4, 3, 2, 0)]
        for weight in ('plain', 'gb'):
            print('two big %d %-5s chi2 %.17g' % (big, weight, float(logrank(obs, 4, weight))))

    for big in (10**7, 10**12):
        obs = [(t, 0, big * (t + 1) // 7, big * (7 - t) // 5) for t in range(1, 7)]
        obs.append((F(7, 2), 1, 1, 0))
        print('one of %d plain chi2 %.17g' % (big, float(logrank(obs, 2, 'plain'))))

    for big in (10**8, 10**12):
        obs = [(2, 0, 5), (2, 1, big - 21), (3, 0, 2), (3, 1, 5), (4, 0, 3, 4), (4, 1, 2)]
        print('fh 1/2 nearly all of %d chi2 %.17g' % (big, float(logrank(obs, 2, 'fh1/2'))))
