#!/usr/bin/python3
"""Reference values for incentive_ab_cuped, kept in
test/pgtap/88_experiment_cuped.sql.

The data are integer formulas of the row number i (the same in the SQL):
    x = ((i * 7919) % 1013) / 10 + (i * 104729) % 17    (a pre-period covariate)
    t = (i * 2654435761) % 1000 < 450                    (treated)
    y = (i * 48271) % 1000 < 150 + 6 * ((i * 7919) % 1013) / 10 + 60 t
for i = 1..3000, with x NULL where i % 11 = 0 in the second set (those rows
are skipped).  The README's CUPED, by hand:
  - theta: statsmodels OLS of y on [1, x] over all rows of both arms (the
    pooled regression), and cov(x, y) / var(x) in exact rational arithmetic;
  - the estimate: the difference of the arms' means of y - theta (x - mean x);
  - its standard error sqrt(v_t / n_t + v_c / n_c), v the arm's population
    variance of y - theta (x - mean x); the interval at z = Phi^-1(0.975) and
    at Phi^-1(0.9) for a confidence of 0.8; variance_reduction 1 - se^2 /
    the Wald variance;
all in fractions, rounded once at the end.  incentive_ab_cuped has no
p-value of its own (the README defines none); the one printed here, 2
Phi(-|estimate| / se), is only for the reader.

Run: /usr/bin/python3 test/reference/experiment_cuped_reference.py
"""
import math
from fractions import Fraction as Fr

import numpy as np
from scipy.stats import norm
from statsmodels.regression.linear_model import OLS


def rows(n=3000, null_every=None):
    out = []
    for i in range(1, n + 1):
        x = Fr((i * 7919) % 1013, 10) + (i * 104729) % 17
        t = (i * 2654435761) % 1000 < 450
        y = (i * 48271) % 1000 < 150 + Fr(6 * ((i * 7919) % 1013), 10) + 60 * t
        if null_every and i % null_every == 0:
            continue
        out.append((t, int(y), x))
    return out


def cuped(data, conf=0.95):
    n = len(data)
    mx = sum(x for _, _, x in data) / n
    my = Fr(sum(y for _, y, _ in data), n)
    theta = sum((x - mx) * (y - my) for _, y, x in data) / sum((x - mx) ** 2 for _, _, x in data)
    mean, var, wald = {}, Fr(0), Fr(0)
    for arm in (True, False):
        a = [(y, x) for t, y, x in data if t == arm]
        adj = [y - theta * (x - mx) for y, x in a]
        m = sum(adj) / len(a)
        mean[arm] = m
        var += (sum(v * v for v in adj) / len(a) - m * m) / len(a)
        p = Fr(sum(y for y, _ in a), len(a))
        wald += p * (1 - p) / len(a)
    d = mean[True] - mean[False]
    se = math.sqrt(var)
    z = norm.isf((1 - conf) / 2)
    X = np.array([float(x) for _, _, x in data])
    Y = np.array([float(y) for _, y, _ in data])
    ols = OLS(Y, np.column_stack([np.ones(n), X])).fit().params[1]
    return dict(ols_theta=ols, theta=float(theta), difference=float(d), lower=float(d) - z * se,
                upper=float(d) + z * se, variance_reduction=float(1 - var / wald), se=se,
                p_value=2 * norm.sf(abs(float(d)) / se), n=n)


def main():
    for name, data, conf in [('all rows', rows(), 0.95), ('all rows, confidence 0.8', rows(), 0.8),
                             ('x NULL where i % 11 = 0', rows(null_every=11), 0.95)]:
        r = cuped(data, conf)
        print('--', name, '(%d rows)' % r['n'])
        print('   statsmodels OLS slope %r, exact theta %r (relative difference %.1e)'
              % (r['ols_theta'], r['theta'], abs(r['ols_theta'] - r['theta']) / abs(r['theta'])))
        print('   theta, difference, lower, upper, variance_reduction:',
              ', '.join(repr(r[k]) for k in ('theta', 'difference', 'lower', 'upper', 'variance_reduction')))
        print('   (standard error %r, p-value %r)' % (r['se'], r['p_value']))


if __name__ == '__main__':
    main()
