#!/usr/bin/python3
"""Random and adversarial experiment data against independent references, on
a running server (not part of make test; run it after a change to
src/cr_abtest.c, cr_experiment.c, cr_assign.h, cr_uplift*.c or cr_stats.c).

    PGHOST=... PGPORT=... PGUSER=postgres /usr/bin/python3 \\
        test/reference/experiment_random_check.py SEED

- incentive_ab's fields from counts (states handed to incentive_ab_finalfn):
  statsmodels' formulas (proportions_ztest, confint_proportions_2indep wald,
  newcomb, log ratio) in mpmath at 40 digits, arms of 1 to 10^15 members and
  confidence levels from 1e-9 to 1 - 1e-15; and statsmodels itself up to
  10^9 members per arm, to 1e-9 relative plus 1e-13 absolute (its rounding
  of the rates: where rates are near 1 or near each other statsmodels keeps
  fewer digits than the extension, which computes from the counts).  A zero
  variance, a retained count of 0 and an empty arm give NULL (the README's
  table), not statsmodels' 0-width interval or nan.
- incentive_ab_cuped on loaded rows, serial and in forced parallel plans:
  theta against statsmodels OLS of y on [1, x] (the pooled slope), the
  estimate, interval and variance reduction against numpy on the rows with
  the covariate's mean taken in exact rational arithmetic (numpy's own mean
  of 1e15 + k drifts by 0.1); covariates up to 1e100 in magnitude, below
  1e-140 in spread, constant, huge offsets; arms of 1 and 2 members.
- incentive_assign against the README's specification in Python (the hash
  of experiment_reference.py), bigint and text keys, zero, subnormal and
  near-overflow weights.
- incentive_uplift_eval, serial and parallel: scikit-uplift's qini and
  uplift AUC (experiment_reference.py's numpy re-implementation), uplift at
  k with a tie at the cut counted in proportion (written here), the curve's
  points; ties, infinite and signed-zero uplifts, 1 and 2 rows, outcomes all
  0 or all 1 (the perfect curve is then the straight line: NULL scores).
- incentive_sample_size and incentive_power against the README's formula in
  50-digit mpmath (experiment_sample_size_reference.py), and the power
  against NormalIndPower to its float64 precision.
Prints each disagreement and "seed S bad N".
"""
import io
import math
import os
import random
import sys
import warnings
from fractions import Fraction

import mpmath
import numpy as np
import psycopg2
from scipy.stats import norm
from statsmodels.regression.linear_model import OLS
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (confint_proportions_2indep, proportion_effectsize,
                                          proportions_ztest)

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from experiment_reference import _curve, assign, qini_auc_score, uplift_auc_score  # noqa: E402
import experiment_sample_size_reference as ss_ref  # noqa: E402

warnings.filterwarnings('ignore')
mpmath.mp.dps = 40
conn = psycopg2.connect(dbname=os.environ.get('PGDATABASE', 'postgres'))
conn.autocommit = True
cur = conn.cursor()
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rnd = random.Random(seed)
rng = np.random.default_rng(seed)
bad = 0


def report(*a):
    global bad
    bad += 1
    print(*a)


def close(got, want, rel=1e-9):
    """NULL from the server matches None or a non-finite reference."""
    if want is None or not np.isfinite(want):
        return got is None
    return got is not None and abs(got - want) <= rel * max(abs(want), 1e-300) + 1e-15 * rel


def parallel(on):
    if on:
        cur.execute("SET force_parallel_mode = on; SET parallel_setup_cost = 0; SET parallel_tuple_cost = 0;"
                    "SET min_parallel_table_scan_size = 0; SET max_parallel_workers_per_gather = 4")
    else:
        cur.execute("SET force_parallel_mode = off; SET max_parallel_workers_per_gather = 0")


# ---------------------------------------------------------------- A/B from counts
AB = ['n_control', 'n_treated', 'retained_control', 'retained_treated', 'rate_control', 'rate_treated',
      'difference', 'wald_lower', 'wald_upper', 'newcombe_lower', 'newcombe_upper', 'relative_lift',
      'lift_lower', 'lift_upper', 'z', 'p_value']


def wilson_mp(c, n, z):
    c, n = mpmath.mpf(c), mpmath.mpf(n)
    q = c / n
    den = 1 + z * z / n
    cen = (q + z * z / (2 * n)) / den
    d = z * mpmath.sqrt(q * (1 - q) / n + z * z / (4 * n * n)) / den
    return cen - d, cen + d


def ab_reference(yt, nt, yc, nc, conf):
    """statsmodels' formulas in mpmath (40 digits): from the rounded rates,
    statsmodels itself keeps only 4 or 5 digits of some fields where rates
    are near 1 or near each other, or 1/y_c - 1/n_c cancels (the extension
    computes from the counts there), and its Newcombe interval overflows
    int64 beyond 10^9 members per arm.  None where the README says NULL."""
    mp = mpmath.mpf
    yt, nt, yc, nc = mp(yt), mp(nt), mp(yc), mp(nc)
    zm = -mpmath.sqrt(2) * mpmath.erfinv(2 * mp((1 - conf) / 2) - 1)
    pt, pc = yt / nt, yc / nc
    d = pt - pc
    r = {'difference': d}
    pooled = (yt + yc) / (nt + nc)
    if 0 < pooled < 1:
        r['z'] = d / mpmath.sqrt(pooled * (1 - pooled) * (1 / nt + 1 / nc))
        r['p_value'] = mpmath.erfc(abs(r['z']) / mpmath.sqrt(2))
    else:
        r['z'] = r['p_value'] = None
    var = pt * (1 - pt) / nt + pc * (1 - pc) / nc
    r['wald_lower'], r['wald_upper'] = ((d - zm * mpmath.sqrt(var), d + zm * mpmath.sqrt(var)) if var > 0
                                        else (None, None))
    lt, ut = wilson_mp(yt, nt, zm)
    lc, uc = wilson_mp(yc, nc, zm)
    r['newcombe_lower'] = d - mpmath.sqrt((pt - lt) ** 2 + (uc - pc) ** 2)
    r['newcombe_upper'] = d + mpmath.sqrt((pc - lc) ** 2 + (ut - pt) ** 2)
    r['relative_lift'] = pt / pc - 1 if yc > 0 else None
    lv = 1 / yt - 1 / nt + 1 / yc - 1 / nc if yt > 0 and yc > 0 else 0
    if lv > 0:
        lr = mpmath.log(pt / pc)
        r['lift_lower'] = mpmath.exp(lr - zm * mpmath.sqrt(lv)) - 1
        r['lift_upper'] = mpmath.exp(lr + zm * mpmath.sqrt(lv)) - 1
    else:
        r['lift_lower'] = r['lift_upper'] = None
    return r


def ab_statsmodels(yt, nt, yc, nc, conf):
    """The same fields from statsmodels, up to 10^9 members per arm."""
    alpha = 1 - conf
    with np.errstate(all='ignore'):
        z, p = proportions_ztest([yt, yc], [nt, nc])
        w = confint_proportions_2indep(yt, nt, yc, nc, method='wald', compare='diff', alpha=alpha)
        nw = confint_proportions_2indep(yt, nt, yc, nc, method='newcomb', compare='diff', alpha=alpha)
        lo, hi = (confint_proportions_2indep(yt, nt, yc, nc, method='log', compare='ratio', alpha=alpha)
                  if yt > 0 and yc > 0 else (np.nan, np.nan))
    return {'difference': yt / nt - yc / nc, 'z': z, 'p_value': p, 'wald_lower': w[0], 'wald_upper': w[1],
            'newcombe_lower': nw[0], 'newcombe_upper': nw[1], 'lift_lower': lo - 1, 'lift_upper': hi - 1}


def check_ab_counts(ncases):
    cases = []
    for nt in (1, 2, 3, 10, 1000):
        for nc in (1, 2, 5, 1000):
            for yt in sorted({0, 1, nt // 2, nt - 1, nt}):
                for yc in sorted({0, 1, nc // 2, nc - 1, nc}):
                    cases.append((yt, nt, yc, nc, 0.95))
    for _ in range(ncases):
        nt = rnd.choice([1, 2, 5, 50, 10 ** rnd.randint(1, 15)])
        nc = rnd.choice([1, 3, 10 ** rnd.randint(1, 15)])
        cases.append((rnd.randint(0, nt), nt, rnd.randint(0, nc), nc,
                      rnd.choice([0.5, 0.8, 0.95, 0.99, 0.999999, 1e-9, 1 - 1e-15])))
    for c in cases:
        yt, nt, yc, nc, conf = c
        cur.execute("SELECT (incentive_ab_finalfn(%s::float8[])).*",
                    ([0, conf, nc, yc, 0, 0, 0, 0, nt, yt, 0, 0, 0, 0],))
        got = dict(zip(AB, cur.fetchone()))
        want = ab_reference(*c)
        for k, v in want.items():
            if not close(got[k], None if v is None else float(v)):
                report('ab', c, k, got[k], v)
        # statsmodels, where its own rounding (about 1e-16 absolute on the
        # rates, more where 1/y - 1/n cancels) allows a comparison
        # statsmodels sums the log-ratio variance 1/y_t - 1/n_t + 1/y_c - 1/n_c
        # left to right: where it is far below its terms (1 of 1 control
        # members against 995903150 of 10^9 treated: 4e-12 against 1), that
        # sum keeps few digits, and its lift interval too
        lv = Fraction(nt - yt, max(yt, 1) * nt) + Fraction(nc - yc, max(yc, 1) * nc)
        lift_ok = yt > 0 and yc > 0 and lv > Fraction(1, 10 ** 6) * Fraction(1, min(yt, yc))
        if max(nt, nc) <= 10 ** 9 and conf >= 1e-6:
            for k, v in ab_statsmodels(*c).items():
                if k.startswith('lift_') and not lift_ok:
                    continue
                if got[k] is not None and np.isfinite(v) and abs(got[k] - v) > 1e-9 * abs(v) + 1e-13:
                    report('ab vs statsmodels', c, k, got[k], v)


# ---------------------------------------------------------------- CUPED on rows
def load(table, cols, rows):
    cur.execute("DROP TABLE IF EXISTS %s; CREATE TABLE %s (%s)" % (table, table, cols))
    buf = io.StringIO(''.join('\t'.join(str(v) for v in r) + '\n' for r in rows))
    cur.copy_from(buf, table)
    cur.execute("ANALYZE " + table)


def cuped_reference(t, y, x):
    """The README's formulas in exact rational arithmetic (the rows are
    doubles, so exactly Fractions), rounded once at the end; and the slope of
    statsmodels OLS of y on [1, x - mean] (shift-invariant, so a rounded mean
    is enough), where the spread is large enough for its pseudo-inverse."""
    t = t.astype(bool)
    if t.all() or not t.any():
        return None
    n = len(x)
    X = [Fraction(v) for v in x.tolist()]
    Y = [Fraction(int(v)) for v in y.tolist()]
    mx, my = sum(X) / n, sum(Y) / n
    sxx = sum((a - mx) ** 2 for a in X) / n
    if sxx == 0 or not float(sxx) >= 1e-280:
        return 'none'
    theta = sum((a - mx) * (b - my) for a, b in zip(X, Y)) / n / sxx
    adj = [b - theta * (a - mx) for a, b in zip(X, Y)]
    var = wald = Fraction(0)
    mean = {}
    for arm in (True, False):
        idx = [i for i in range(n) if t[i] == arm]
        m = sum(adj[i] for i in idx) / len(idx)
        mean[arm] = m
        var += (sum(adj[i] ** 2 for i in idx) / len(idx) - m * m) / len(idx)
        p = sum(Y[i] for i in idx) / len(idx)
        wald += p * (1 - p) / len(idx)
    diff = float(mean[True] - mean[False])
    half = norm.isf(0.025) * math.sqrt(float(var))
    slope = None
    if float(sxx) > 1e-100:
        d = x - float(mx)
        slope = OLS(y, np.column_stack([np.ones(n), d])).fit().params[1]
    return dict(slope=slope, theta=float(theta), diff=diff, lo=diff - half if var > 0 else None,
                hi=diff + half if var > 0 else None, red=float(1 - var / wald) if wald > 0 else None,
                scale=math.sqrt(float(sum((b - my) ** 2 for b in Y) / n / sxx)) + 1e-6 / math.sqrt(float(sxx)))


def check_cuped(name, t, y, x):
    t, y, x = np.asarray(t, int), np.asarray(y, float), np.asarray(x, float)
    load('exp_rc', 't boolean, y boolean, x float8',
         [('t' if a else 'f', 't' if b else 'f', repr(float(c))) for a, b, c in zip(t, y, x)])
    want = cuped_reference(t, y, x)
    for par in (False, True):
        parallel(par)
        cur.execute("SELECT (r).cuped_theta, (r).cuped_difference, (r).cuped_lower, (r).cuped_upper,"
                    " (r).variance_reduction FROM (SELECT incentive_ab_cuped(t, y, x) AS r FROM exp_rc) s")
        got = cur.fetchone()
        where = '%s (%s)' % (name, 'parallel' if par else 'serial')
        if want is None or want == 'none':
            if any(v is not None for v in got):
                report('cuped', where, 'want NULL CUPED fields, got', got)
            continue
        if want['slope'] is not None and abs(want['slope'] - want['theta']) > 1e-8 * (abs(want['theta']) + want['scale']):
            report('cuped', where, 'OLS slope', want['slope'], 'exact theta', want['theta'])
        for g, w, k in zip(got, [want['theta'], want['diff'], want['lo'], want['hi'], want['red']],
                           ['theta', 'difference', 'lower', 'upper', 'variance_reduction']):
            # variance_reduction: an absolute 1e-9 (it is 1 - a ratio near 1 at times)
            ok = close(g, w, 1e-8) or (k == 'variance_reduction' and g is not None and w is not None
                                        and abs(g - w) < 1e-9)
            if not ok:
                report('cuped', where, k, g, w)


def check_cuped_sets(nsets):
    for i in range(nsets):
        n = int(rng.integers(3, 3000))
        t = rng.random(n) < rng.uniform(0.05, 0.95)
        loc = rng.choice([0, 1e6, 1e15, 1e-50])
        sd = rng.choice([1, 1e-3, 1e50, 1e95, 1e-120])
        x = np.clip(loc + rng.normal(0, sd, n), -1e100, 1e100)
        if i % 4 == 0:
            x = np.round(x)
        y = rng.random(n) < 1 / (1 + np.exp(-np.sign(x - np.median(x)) - 0.3 * t))
        check_cuped('random %d (n %d, x %g + %g N(0,1))' % (i, n, loc, sd), t, y, x)
    check_cuped('every outcome 1', [1, 0, 1, 0, 1, 0], [1] * 6, [1, 2, 3, 4, 5, 6])
    check_cuped('a constant covariate', [1, 0, 1, 0], [1, 0, 0, 1], [5, 5, 5, 5])
    check_cuped('one member per arm', [1, 0], [1, 0], [1, 2])
    check_cuped('two members per arm', [1, 1, 0, 0], [1, 0, 0, 1], [1, 2, 3, 5])
    check_cuped('one treated member', [1, 0, 0, 0, 0], [1, 0, 0, 1, 1], [1, 2, 3, 5, 7])
    check_cuped('covariates of 1e100', [1, 0, 1, 0, 1, 0], [1, 0, 0, 1, 1, 0],
                [1e100, -1e100, 1e100, 1e100, -1e100, -1e99])
    check_cuped('a spread of 1e-139', [1, 0, 1, 0, 1, 0], [1, 0, 0, 1, 1, 0],
                [1e-139, -1e-139, 1e-139, 3e-139, -1e-139, -2e-139])
    check_cuped('a spread of 1e-150', [1, 0, 1, 0, 1, 0], [1, 0, 0, 1, 1, 0],
                [1e-150, -1e-150, 1e-150, 3e-150, -1e-150, -2e-150])
    check_cuped('1e15 + k', [1, 0] * 500, np.arange(1000) % 3 == 0, 1e15 + np.arange(1000) % 7)
    check_cuped('treated only', [1, 1, 1], [1, 0, 1], [1, 2, 3])


# ---------------------------------------------------------------- assignment
def check_assign():
    weights = [[0.5, 0.5], [1, 2], [0.2, 0.3, 0.5], [0, 1], [1, 0], [0, 0, 1, 0], [5e-324, 5e-324],
               [1e-320, 1], [1e308, 1e307], [0.1] * 10, [1 / 3] * 3, [1, 1e-300, 1], [3, 0, 0, 4, 0]]
    names = ['coupon_2026q1', '', 'Zoë', 'x' * 300, 'exp€']
    for w in weights:
        for name in names:
            keys = [rnd.randint(-2 ** 63, 2 ** 63 - 1) for _ in range(100)] + [0, 1, -1, 2 ** 63 - 1, -2 ** 63]
            cur.execute("SELECT k, incentive_assign(k, %s, %s::float8[]) FROM unnest(%s::bigint[]) k",
                        (name, w, keys))
            for k, a in cur.fetchall():
                if a != assign(k, name, w):
                    report('assign bigint', k, repr(name), w, a, assign(k, name, w))
            tkeys = ['m%d' % rnd.randint(0, 10 ** 9) for _ in range(30)] + ['', 'Zoë', '日本語', 'a' * 100]
            cur.execute("SELECT k, incentive_assign(k, %s, %s::float8[]) FROM unnest(%s::text[]) k",
                        (name, w, tkeys))
            for k, a in cur.fetchall():
                if a != assign(k, name, w):
                    report('assign text', repr(k), repr(name), w, a, assign(k, name, w))


# ---------------------------------------------------------------- uplift
def at_k_in_proportion(y, u, t, k):
    n = len(y)
    cut = math.floor(n * k)
    order = np.argsort(-u, kind='mergesort')
    us, ys, ts = u[order], y[order], t[order]
    top = np.zeros(4)
    taken = i = 0
    while i < n and taken < cut:
        j = i
        while j < n and us[j] == us[i]:
            j += 1
        g = np.zeros(4)
        for m in range(i, j):
            g[2 * ts[m] + ys[m]] += 1
        top += g * (1.0 if taken + (j - i) <= cut else (cut - taken) / (j - i))
        taken += j - i
        i = j
    nt, nc = top[2] + top[3], top[0] + top[1]
    return top[3] / nt - top[1] / nc if nt > 0 and nc > 0 else None


def curve_points(y, u, t):
    n = len(y)
    xq, yq = _curve(y, u, t, 'qini')
    _, yu = _curve(y, u, t, 'uplift')
    pts, pct = [(0, 0.0, 0.0, 0.0)], 1
    for i in range(1, len(xq)):
        if pct <= 100 and xq[i] * 100 >= n * pct:
            pts.append((int(xq[i]), xq[i] / n, yq[i], yu[i]))
            while pct <= 100 and xq[i] * 100 >= n * pct:
                pct += 1
    return pts


def check_uplift(name, u, t, y, k=0.3):
    u, t, y = np.asarray(u, float), np.asarray(t, int), np.asarray(y, int)
    load('exp_ru', 'u float8, t boolean, y boolean',
         [(repr(float(a)), 't' if b else 'f', 't' if c else 'f') for a, b, c in zip(u, t, y)])
    both = t.any() and not t.all()

    def score(f):
        try:
            with np.errstate(all='ignore'):
                return f(y, u, t) if both else None
        except ZeroDivisionError:     # the perfect curve is the straight line
            return None
    want = [score(qini_auc_score), score(uplift_auc_score), at_k_in_proportion(y, u, t, k) if both else None]
    pts = curve_points(y, u, t)
    for par in (False, True):
        parallel(par)
        cur.execute("SELECT (r).qini_coefficient, (r).uplift_auc, (r).uplift_at_k,"
                    " (SELECT array_agg(ARRAY[p.n_targeted, p.fraction, p.qini, p.uplift]) FROM unnest((r).curve) p)"
                    " FROM (SELECT incentive_uplift_eval(u, t, y, %s) AS r FROM exp_ru) s", (k,))
        got = cur.fetchone()
        where = '%s (%s)' % (name, 'parallel' if par else 'serial')
        for g, w, f in zip(got[:3], want, ['qini', 'uplift_auc', 'uplift_at_k']):
            if not close(g, w):
                report('uplift', where, f, g, w)
        gp = got[3] or []
        if len(gp) != len(pts) or any(int(a[0]) != b[0] or not close(a[1], b[1], 1e-15) or not close(a[2], b[2])
                                      or not close(a[3], b[3]) for a, b in zip(gp, pts)):
            report('uplift', where, 'curve', gp[:5], pts[:5])


def check_uplift_sets(nsets):
    for i in range(nsets):
        n = int(rng.integers(1, 3000))
        t = rng.random(n) < rng.uniform(0.1, 0.9)
        y = rng.random(n) < rng.uniform(0.05, 0.95)
        u = rng.normal(0, 1, n)
        if i % 3 == 0:
            u = np.round(u, 1)
        if i % 5 == 0:
            u = rng.integers(0, 3, n).astype(float)
        check_uplift('random %d (n %d)' % (i, n), u, t, y, float(rng.choice([0.1, 0.3, 0.5, 0.99, 1e-9])))
    check_uplift('one row', [0.5], [1], [1])
    check_uplift('one row per arm', [0.5, 0.1], [1, 0], [1, 0])
    check_uplift('one row per arm, tied', [0.5, 0.5], [1, 0], [1, 0])
    check_uplift('every uplift tied', [1.0] * 10, [1, 0] * 5, [1, 1, 0, 0, 1, 0, 1, 1, 0, 1])
    check_uplift('no retained member', [0.1, 0.2, 0.3, 0.4], [1, 0, 1, 0], [0, 0, 0, 0])
    check_uplift('every member retained', [0.1, 0.2, 0.3, 0.4], [1, 0, 1, 0], [1, 1, 1, 1])
    check_uplift('infinite and extreme uplifts', [np.inf, -np.inf, 0, 1e308, -1e308, 5e-324],
                 [1, 0, 1, 0, 1, 0], [1, 0, 0, 1, 1, 0])
    check_uplift('signed zeros', [0.0, -0.0, 0.0, -0.0], [1, 0, 1, 0], [1, 0, 0, 1])
    check_uplift('treated only', [0.1, 0.2], [1, 1], [1, 0])


# ---------------------------------------------------------------- planning
def check_planning(ncases):
    """Against the README's formula in 50-digit mpmath
    (experiment_sample_size_reference.py): the power to 1e-14, the size to
    the member below 10^13 (1e-14 relative beyond); and against statsmodels
    to its own float64 precision (its difference of two arcsines loses
    digits near a rate of 1 and for small effects)."""
    for _ in range(ncases):
        base = rnd.choice([rnd.random(), 1e-9, 1 - 1e-9, 0.5])
        mde = rnd.uniform(-base, 1 - base) * rnd.choice([1, 0.01, 1e-4])
        if mde == 0 or not 0 < base + mde < 1:
            continue
        alpha = rnd.choice([0.05, 0.01, 0.1, 1e-6, 0.5])
        power = rnd.choice([0.8, 0.9, 0.5, 0.99, 0.2])
        n = rnd.choice([1, 10, 1000, 1e6, 0.5])
        h = ss_ref.effect(base, mde)
        exact = float(ss_ref.power_at(h, n, ss_ref.crit(alpha)))
        es = proportion_effectsize(base + mde, base)
        sm = NormalIndPower().power(effect_size=es, nobs1=n, alpha=alpha, ratio=1, alternative='two-sided')
        cur.execute("SELECT incentive_power(%s, %s, %s, %s)", (base, mde, n, alpha))
        got = cur.fetchone()[0]
        if abs(got - exact) > 1e-14 * exact or abs(got - sm) > 1e-9:
            report('power', base, mde, n, alpha, got, 'mpmath', exact, 'statsmodels', sm)
        with mpmath.workdps(50):
            root, want = ss_ref.size(base, mde, alpha, power)
        if root >= 9e18:
            continue
        cur.execute("SELECT incentive_sample_size(%s, %s, %s, %s)", (base, mde, alpha, power))
        got = cur.fetchone()[0]
        frac = float(root - mpmath.floor(root))
        tol = 0 if root < 1e13 and 1e-6 < frac < 1 - 1e-6 else math.ceil(float(root) * 1e-14) + 1
        if abs(got - want) > tol:
            report('sample size', base, mde, alpha, power, got, want)


def main():
    cur.execute("SET extra_float_digits = 3")
    check_ab_counts(300)
    check_cuped_sets(30)
    check_assign()
    check_uplift_sets(30)
    check_planning(80)
    parallel(False)
    cur.execute("DROP TABLE IF EXISTS exp_rc; DROP TABLE IF EXISTS exp_ru")
    print('seed', seed, 'bad', bad)


if __name__ == '__main__':
    main()
