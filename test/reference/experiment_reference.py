#!/usr/bin/python3
"""Reference values for the experiment functions (incentive_assign,
incentive_ab, incentive_ab_cuped, incentive_sample_size, incentive_power,
incentive_uplift_eval), computed independently of the extension:

- A/B intervals and tests: statsmodels (proportions_ztest,
  confint_proportions_2indep with method wald/newcomb and compare diff,
  method log with compare ratio), Debian's python3-statsmodels;
- planning: statsmodels NormalIndPower with proportion_effectsize;
- CUPED: numpy, from Deng, Xu, Kohavi and Walker (2013);
- uplift metrics: numpy, written from scikit-uplift's published definitions
  (sklift.metrics qini_curve, perfect_qini_curve, qini_auc_score with
  negative_effect=True, uplift_curve, perfect_uplift_curve,
  uplift_auc_score, uplift_at_k with strategy 'overall');
- assignment: the hash of the README re-implemented in Python.

Run: /usr/bin/python3 test/reference/experiment_reference.py
It prints the values pasted into test/pgtap/85_experiment.sql.
"""
import math
import numpy as np
from statsmodels.stats.proportion import (proportions_ztest, confint_proportions_2indep,
                                          proportion_effectsize)
from statsmodels.stats.power import NormalIndPower

M64 = (1 << 64) - 1


def mix64(x):
    z = (x + 0x9E3779B97F4A7C15) & M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def hash_bytes(b, seed):
    h = mix64((seed ^ ((0x5851F42D4C957F2D * (len(b) + 1)) & M64)) & M64)
    i = 0
    while len(b) - i >= 8:
        h = mix64(h ^ int.from_bytes(b[i:i + 8], 'little'))
        i += 8
    if i < len(b):
        h = mix64(h ^ int.from_bytes(b[i:], 'little') ^ 0xA0761D6478BD642F)
    return mix64(h)


def assign(key, experiment, weights):
    kb = key.to_bytes(8, 'little', signed=True) if isinstance(key, int) else key.encode('utf-8')
    u = (hash_bytes(kb, hash_bytes(experiment.encode('utf-8'), 0)) >> 11) * 2.0 ** -53
    total = sum(weights)
    cum = 0.0
    for i, w in enumerate(weights):
        cum += w
        if w > 0 and u < cum / total:
            return i + 1
    return max(i + 1 for i, w in enumerate(weights) if w > 0)


def ab(yt, nt, yc, nc, conf=0.95):
    alpha = 1 - conf
    z, p = proportions_ztest([yt, yc], [nt, nc])
    wl, wu = confint_proportions_2indep(yt, nt, yc, nc, method='wald', compare='diff', alpha=alpha)
    nl, nu = confint_proportions_2indep(yt, nt, yc, nc, method='newcomb', compare='diff', alpha=alpha)
    rl, ru = confint_proportions_2indep(yt, nt, yc, nc, method='log', compare='ratio', alpha=alpha)
    return dict(diff=yt / nt - yc / nc, wald=(wl, wu), newcombe=(nl, nu),
                lift=(yt / nt) / (yc / nc) - 1, lift_ci=(rl - 1, ru - 1), z=z, p=p)


def cuped(treated, y, x, conf=0.95):
    t = treated.astype(bool)
    theta = np.cov(x, y, ddof=0)[0, 1] / np.var(x)
    yc = y - theta * (x - x.mean())
    diff = yc[t].mean() - yc[~t].mean()
    var = yc[t].var() / t.sum() + yc[~t].var() / (~t).sum()
    wald = y[t].var() / t.sum() + y[~t].var() / (~t).sum()
    zc = -_ppf((1 - conf) / 2)
    return dict(theta=theta, diff=diff, ci=(diff - zc * math.sqrt(var), diff + zc * math.sqrt(var)),
                reduction=1 - var / wald)


def _ppf(p):
    from scipy.stats import norm
    return norm.ppf(p)


def _auc(x, y):
    return float(np.trapz(y, x))


def _curve(y, uplift, t, kind):
    order = np.argsort(uplift, kind='mergesort')[::-1]
    y, uplift, t = y[order], uplift[order], t[order]
    yc = np.where(t == 1, 0, y)
    yt = np.where(t == 0, 0, y)
    idx = np.r_[np.where(np.diff(uplift))[0], uplift.size - 1]
    nt = np.cumsum(t)[idx].astype(float)
    ytr = np.cumsum(yt)[idx].astype(float)
    nall = (idx + 1).astype(float)
    nc = nall - nt
    ycn = np.cumsum(yc)[idx].astype(float)
    if kind == 'qini':
        v = ytr - ycn * np.divide(nt, nc, out=np.zeros_like(nt), where=nc != 0)
    else:
        v = (np.divide(ytr, nt, out=np.zeros_like(ytr), where=nt != 0)
             - np.divide(ycn, nc, out=np.zeros_like(ycn), where=nc != 0)) * nall
    return np.r_[0, nall], np.r_[0, v]


def _score(actual, perfect):
    xa, ya = actual
    xp, yp = perfect
    base = _auc([0, xp[-1]], [0, yp[-1]])
    return (_auc(xa, ya) - base) / (_auc(xp, yp) - base)


def qini_auc_score(y, uplift, t):
    return _score(_curve(y, uplift, t, 'qini'), _curve(y, y * t - y * (1 - t), t, 'qini'))


def uplift_auc_score(y, uplift, t):
    cr = np.sum((y == 1) & (t == 0))
    tn = np.sum((y == 0) & (t == 1))
    summand = y if cr > tn else t
    perfect = 2 * (y == t) + summand
    return _score(_curve(y, uplift, t, 'uplift'), _curve(y, perfect, t, 'uplift'))


def uplift_at_k(y, uplift, t, k=0.3):
    order = np.argsort(uplift, kind='mergesort')[::-1]
    n = int(len(y) * k)
    ys, ts = y[order][:n], t[order][:n]
    return ys[ts == 1].mean() - ys[ts == 0].mean()


def main():
    np.set_printoptions(precision=17)
    print('-- assignment test vectors')
    for key in (1, 2, 42, -7, 9007199254740993):
        print('assign', key, 'coupon_2026q1', [0.5, 0.5], assign(key, 'coupon_2026q1', [0.5, 0.5]),
              [0.2, 0.3, 0.5], assign(key, 'coupon_2026q1', [0.2, 0.3, 0.5]))
    for key in ('member-1', 'Zoë', ''):
        print('assign', repr(key), 'coupon_2026q1', assign(key, 'coupon_2026q1', [1, 1, 1]))

    print('-- A/B')
    for (yt, nt, yc, nc, conf) in [(420, 1000, 380, 1000, 0.95), (55, 120, 40, 130, 0.9),
                                   (7, 9, 1, 11, 0.99), (30000, 50000, 29500, 50000, 0.95),
                                   (2, 2000, 1, 2000, 0.95)]:  # the README FAQ: near 0, thousands per arm
        r = ab(yt, nt, yc, nc, conf)
        print((yt, nt, yc, nc, conf), {k: (tuple(repr(float(x)) for x in v) if isinstance(v, tuple) else repr(float(v)))
                                        for k, v in r.items()})

    print('-- planning')
    for (base, mde, alpha, power) in [(0.68, 0.03, 0.05, 0.8), (0.1, -0.02, 0.01, 0.9), (0.5, 0.001, 0.05, 0.8)]:
        es = proportion_effectsize(base + mde, base)
        n = NormalIndPower().solve_power(effect_size=es, alpha=alpha, power=power, ratio=1, alternative='two-sided')
        pw = NormalIndPower().power(effect_size=es, nobs1=1000, alpha=alpha, ratio=1, alternative='two-sided')
        print((base, mde, alpha, power), 'n', repr(n), 'ceil', math.ceil(n), 'power at 1000', repr(pw))
    # The smallest subnormal alpha, whose half rounds to zero in float8 (and
    # so in statsmodels), and odd multiples of it, whose halves round to an
    # even one: the same equations in mpmath.
    import mpmath
    mpmath.mp.dps = 40
    es = 2 * (mpmath.asin(mpmath.sqrt(mpmath.mpf('0.35'))) - mpmath.asin(mpmath.sqrt(mpmath.mpf('0.3'))))
    for a in (5e-324, 1.5e-323, 2.5e-323, 5e-322):
        alpha = mpmath.mpf(a)
        crit = mpmath.findroot(lambda z: mpmath.log(mpmath.erfc(z / mpmath.sqrt(2))) - mpmath.log(alpha), 38.4)
        n = mpmath.findroot(lambda n: mpmath.ncdf(es * mpmath.sqrt(n / 2) - crit)
                            + mpmath.ncdf(-crit - es * mpmath.sqrt(n / 2)) - mpmath.mpf('0.8'), 270000)
        print('alpha', repr(a) + ': critical value', mpmath.nstr(crit, 17), '(0.3, 0.05, alpha, 0.8) n',
              mpmath.nstr(n, 17), 'ceil', int(mpmath.ceil(n)))

    print('-- CUPED and uplift on a fixed data set (see the pgTAP file)')
    rng = np.random.default_rng(20261204)
    n = 1000
    x = rng.poisson(8, n).astype(float)
    t = (rng.random(n) < 0.5).astype(int)
    p = 1 / (1 + np.exp(-(-1.0 + 0.15 * x + 1.2 * t * (x < 7) - 0.5 * t * (x > 11))))
    y = (rng.random(n) < p).astype(int)
    u = np.round(0.3 * (x < 7) - 0.1 * (x > 11) + rng.normal(0, 0.15, n), 4)
    # the rows, as the COPY block of test/pgtap/85_experiment.sql (id, treated, retained, x, uplift)
    with open('/tmp/experiment_reference.copy', 'w') as f:
        for i in range(n):
            f.write('%d\t%s\t%s\t%r\t%r\n' % (i + 1, 't' if t[i] else 'f', 't' if y[i] else 'f', x[i], u[i]))
    print('cuped', {k: (tuple(repr(float(v)) for v in val) if isinstance(val, tuple) else repr(float(val)))
                    for k, val in cuped(t, y.astype(float), x).items()})
    print('qini', repr(qini_auc_score(y, u, t)), 'uplift_auc', repr(uplift_auc_score(y, u, t)),
          'uplift_at_0.3', repr(uplift_at_k(y, u, t, 0.3)), 'uplift_at_0.1', repr(uplift_at_k(y, u, t, 0.1)))

    print('-- CUPED with a large covariate offset (x = 1e9 + k/100; see the pgTAP file)')
    i = np.arange(1, 400001)
    k = (i * 7919) % 1000
    x = 1e9 + k / 100.0
    t = (((i * 104729) % 7) < 3).astype(int)
    y = ((((i * 31) % 10) < 3) | (k > 800)).astype(float)
    # x - 1e9 is exact here; numpy on the shifted covariate, then the same
    # formulas in exact rational arithmetic (numpy's own rounding is ~5e-12)
    r = cuped(t, y, x - 1e9)
    print('offset cuped numpy: theta', repr(float(r['theta'])), 'difference', repr(float(r['diff'])))
    r = cuped_exact(t, y, x - 1e9)
    print('offset cuped exact: theta', repr(r['theta']), 'difference', repr(r['diff']),
          'interval', tuple(repr(v) for v in r['ci']))


def cuped_exact(treated, y, x, conf=0.95):
    """cuped() in rational arithmetic (the rows grouped by arm, outcome and x)."""
    from collections import Counter
    from fractions import Fraction as Fr
    rows = Counter(zip(treated.astype(int).tolist(), y.astype(int).tolist(), x.tolist()))

    def total(f, arm=None):
        return sum(Fr(c) * f(Fr(yy), Fr(xx)) for (tt, yy, xx), c in rows.items() if arm is None or tt == arm)

    n = total(lambda yy, xx: 1)
    mx, my = total(lambda yy, xx: xx) / n, total(lambda yy, xx: yy) / n
    theta = (total(lambda yy, xx: xx * yy) / n - mx * my) / (total(lambda yy, xx: xx * xx) / n - mx * mx)
    mean, var = {}, {}
    for arm in (0, 1):
        na = total(lambda yy, xx: 1, arm)
        m = total(lambda yy, xx: yy - theta * (xx - mx), arm) / na
        mean[arm] = m
        var[arm] = (total(lambda yy, xx: (yy - theta * (xx - mx)) ** 2, arm) / na - m * m) / na
    diff = mean[1] - mean[0]
    half = -_ppf((1 - conf) / 2) * math.sqrt(float(var[0] + var[1]))
    return dict(theta=float(theta), diff=float(diff), ci=(float(diff) - half, float(diff) + half))

if __name__ == '__main__':
    main()
