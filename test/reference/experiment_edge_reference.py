#!/usr/bin/python3
"""Reference values for the experiment functions at their edges, kept in
test/pgtap/86_experiment_edges.sql:

- incentive_ab on tiny arms (1 and 2 members, every member retained or
  none): statsmodels proportions_ztest and confint_proportions_2indep
  (wald, newcomb, log ratio), and the fields the README says are NULL
  there;
- incentive_ab on arms of 10^12 and 10^15 members, with rates near 1 and
  near each other too (the states handed to incentive_ab_finalfn): the same
  formulas in mpmath at 50 digits;
- incentive_ab_cuped on unequal arms of 1 and 3 members: statsmodels OLS of
  y on [1, x] for theta, numpy for the adjusted means and variances;
- incentive_assign at the bigint extremes and for negative keys, many arms
  and weights with odd sums: the README's hash re-implemented in
  experiment_reference.py; scipy's chi-square quantiles for the balance
  tests over 10^6 keys;
- incentive_sample_size for effects too small for a bigint of members
  (mpmath: the size that reaches the power is beyond 9.2e18), and 1 when
  alpha is above the power (the power with any n is at least alpha).

Run: /usr/bin/python3 test/reference/experiment_edge_reference.py
"""
import os
import sys
import warnings

import mpmath
import numpy as np
from scipy.stats import chi2, norm
from statsmodels.regression.linear_model import OLS
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from experiment_reference import assign  # noqa: E402

warnings.filterwarnings('ignore')
mpmath.mp.dps = 50


def sm_ab(yt, nt, yc, nc):
    """statsmodels; None where the README says NULL."""
    pt, pc = yt / nt, yc / nc
    pooled = (yt + yc) / (nt + nc)
    z, p = proportions_ztest([yt, yc], [nt, nc]) if 0 < pooled < 1 else (None, None)
    var = pt * (1 - pt) / nt + pc * (1 - pc) / nc
    wl, wu = confint_proportions_2indep(yt, nt, yc, nc, method='wald', compare='diff') if var > 0 else (None, None)
    nl, nu = confint_proportions_2indep(yt, nt, yc, nc, method='newcomb', compare='diff')
    lift = pt / pc - 1 if yc > 0 else None
    lv = 1 / yt - 1 / nt + 1 / yc - 1 / nc if yt > 0 and yc > 0 else 0
    ll, lu = (np.array(confint_proportions_2indep(yt, nt, yc, nc, method='log', compare='ratio')) - 1
              if lv > 0 else (None, None))
    return [pt - pc, wl, wu, nl, nu, lift, ll, lu, z, p]


def mp_ab(yt, nt, yc, nc, conf=0.95):
    yt, nt, yc, nc = map(mpmath.mpf, (yt, nt, yc, nc))
    z = mpmath.sqrt(2) * mpmath.erfinv(mpmath.mpf(conf))
    pt, pc = yt / nt, yc / nc
    d = pt - pc
    half = z * mpmath.sqrt(pt * (1 - pt) / nt + pc * (1 - pc) / nc)

    def wilson(c, n):
        q = c / n
        den = 1 + z * z / n
        cen = (q + z * z / (2 * n)) / den
        w = z * mpmath.sqrt(q * (1 - q) / n + z * z / (4 * n * n)) / den
        return cen - w, cen + w
    lt, ut = wilson(yt, nt)
    lc, uc = wilson(yc, nc)
    lv = z * mpmath.sqrt(1 / yt - 1 / nt + 1 / yc - 1 / nc)
    pooled = (yt + yc) / (nt + nc)
    zz = d / mpmath.sqrt(pooled * (1 - pooled) * (1 / nt + 1 / nc))
    return [d, d - half, d + half, d - mpmath.sqrt((pt - lt) ** 2 + (uc - pc) ** 2),
            d + mpmath.sqrt((pc - lc) ** 2 + (ut - pt) ** 2), pt / pc - 1,
            mpmath.exp(mpmath.log(pt / pc) - lv) - 1, mpmath.exp(mpmath.log(pt / pc) + lv) - 1,
            zz, mpmath.erfc(abs(zz) / mpmath.sqrt(2))]


def fmt(v):
    return 'NULL' if v is None else repr(float(v))


def main():
    print('-- incentive_ab on tiny arms (yt, nt, yc, nc): difference, wald_lower, wald_upper, newcombe_lower,'
          ' newcombe_upper, relative_lift, lift_lower, lift_upper, z, p_value (statsmodels)')
    for c in [(1, 1, 0, 1), (0, 1, 1, 2), (1, 2, 1, 2), (2, 2, 1, 2), (2, 2, 0, 2), (0, 2, 0, 1), (1, 1, 1, 1), (1, 2, 2, 2)]:
        print(' ', c, ', '.join(fmt(v) for v in sm_ab(*c)))

    print('-- incentive_ab on arms of 10^12 (mpmath, 50 digits), same fields')
    # rates near 1 and near each other: statsmodels, from the rounded rates,
    # keeps 4 or 5 digits of most fields there
    for c in [(420000000000, 10 ** 12, 380000000000, 10 ** 12), (123456789012, 10 ** 12, 3, 7),
              (10 ** 12 - 1, 10 ** 12, 10 ** 12 - 3, 10 ** 12), (500000000001, 10 ** 12, 500000000000, 10 ** 12),
              (10 ** 15 - 1, 10 ** 15, 10 ** 15 - 2, 10 ** 15)]:
        print(' ', c, ', '.join(fmt(v) for v in mp_ab(*c)))

    print('-- incentive_ab_cuped on arms of 1 treated and 3 control members')
    t = np.array([1, 0, 0, 0])
    y = np.array([1.0, 0.0, 1.0, 0.0])
    x = np.array([2.0, -1.0, 4.0, 0.5])
    theta = OLS(y, np.column_stack([np.ones(4), x])).fit().params[1]
    adj = y - theta * (x - x.mean())
    d = adj[t == 1].mean() - adj[t == 0].mean()
    var = adj[t == 1].var() / 1 + adj[t == 0].var() / 3
    wald = y[t == 1].var() / 1 + y[t == 0].var() / 3
    half = 1.959963984540054 * np.sqrt(var)
    print('  theta', repr(theta), 'difference', repr(d), 'interval', repr(d - half), repr(d + half),
          'variance_reduction', repr(1 - var / wald))

    print('-- incentive_assign')
    keys = [-2 ** 63, 2 ** 63 - 1, -1, 0, -123456789]
    for w in ([1, 2, 3, 4, 5, 6, 7], [0.1] * 10, [1] * 1000, [1e-300, 0, 2e-300]):
        print('  weights', w if len(w) < 20 else '%d x %r' % (len(w), w[0]), [assign(k, 'edge', w) for k in keys])
    print('  chi-square 0.999 quantiles: 6 df', repr(chi2.ppf(0.999, 6)), '999 df', repr(chi2.ppf(0.999, 999)))

    print('-- incentive_sample_size for tiny effects')
    for base, mde, alpha, power in [(1e-310, 1e-310, 0.05, 0.8), (1e-300, -5e-301, 1e-300, 0.999999)]:
        b, m = mpmath.mpf(base), mpmath.mpf(mde)
        es = abs(2 * (mpmath.asin(mpmath.sqrt(b + m)) - mpmath.asin(mpmath.sqrt(b))))
        crit = mpmath.mpf(norm.isf(alpha / 2))
        # the normal approximation's size, about the root (the other tail is negligible)
        n = 2 * ((crit + mpmath.sqrt(2) * mpmath.erfinv(2 * mpmath.mpf(power) - 1)) / es) ** 2
        print('  ', (base, mde, alpha, power), 'n about', mpmath.nstr(n, 5), '(beyond bigint:', n > 9.2e18, ')')
    print('  alpha 0.5, power 0.4: the power at n -> 0 is alpha, above the power: 1 member')


if __name__ == '__main__':
    main()
