#!/usr/bin/python3
"""Reference values for gammagamma_fit where the data have outliers or no maximum.

The Gamma-Gamma log-likelihood of Fader and Hardie (2013; the one of
cr_gammagamma_loglik), maximised with scipy.optimize.minimize from several
starts (Nelder-Mead, then BFGS with the analytic gradient), the best kept and
polished by scipy.optimize.root on the score (the analytic Hessian its
Jacobian); the log-likelihood and the score at the estimate are checked with
mpmath (40 digits and more).  The faces of the parameter
space (cr_gammagamma_faces), where the likelihood has a finite limit:

    A  q, gamma -> infinity, q / gamma = nu: mean spends Gamma(p x, nu x)
    B  p -> infinity, gamma -> 0, p gamma = s: mean spends inverse Gamma(q, s)

each maximised by scipy.optimize.brentq on its profile score.  Data have an
interior maximum where the best fit lies above both faces.

Cases: the CDNOW repeat buyers (test/data/cdnow_summary.sql) with the mean
spend of customer 1 set to 1e6, 1e9, 1e12, and of customers 1, 656 and 1416
(repeat buyers 1, 301 and 601) to 1e12; 200 synthetic members with one
outlier (sql/lifetime_badinput.sql); data with no maximum, whose likelihood
rises towards face A (sql/lifetime_badinput.sql, 'no proper maximum') and
towards face B; two spends spanning the double range (span_faces).  Run
with /usr/bin/python3 (Debian's numpy, scipy, mpmath);
the values it prints (gammagamma_reference.out beside it) are kept in
test/unit/test_bgnbd.c, test/pgtap/82_lifetime.sql and
sql/lifetime_badinput.sql.

    /usr/bin/python3 test/reference/gammagamma_reference.py
"""
import os
import time
import warnings

import mpmath
import numpy as np
from scipy.optimize import brentq, minimize, root
from scipy.special import gammaln, polygamma, psi

warnings.filterwarnings("ignore")  # overflow in the Nelder-Mead's wild steps

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = np.genfromtxt(os.path.join(HERE, "..", "data", "cdnow_summary.sql"),
                     delimiter=",", names=True, skip_header=1, skip_footer=1)


def loglik(th, x, m, order=0):
    """LL in theta = log(p, q, gamma), with its gradient and Hessian in theta"""
    p, q, g = P = np.exp(th)
    px = p * x
    den = g + x * m
    ll = np.sum(gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(g)
                + (px - 1) * np.log(m) + px * np.log(x) - (px + q) * np.log(den))
    if order == 0:
        return ll
    ppq = psi(px + q)
    grad = np.array([np.sum(x * (ppq - psi(px) + np.log(m) + np.log(x) - np.log(den))),
                     np.sum(ppq - psi(q) + np.log(g) - np.log(den)),
                     np.sum(q / g - (px + q) / den)])
    tpq = polygamma(1, px + q)
    h = np.empty((3, 3))
    h[0, 0] = np.sum(x * x * (tpq - polygamma(1, px)))
    h[0, 1] = h[1, 0] = np.sum(x * tpq)
    h[0, 2] = h[2, 0] = -np.sum(x / den)
    h[1, 1] = np.sum(tpq - polygamma(1, q))
    h[1, 2] = h[2, 1] = np.sum(1 / g - 1 / den)
    h[2, 2] = np.sum((px + q) / den ** 2 - q / g ** 2)
    return ll, grad * P, h * np.outer(P, P) + np.diag(grad * P)


def loglik_mp(params, x, m):
    """the same log-likelihood in mpmath, digits enough for the parameters' size"""
    mpmath.mp.dps = 40 + int(max(abs(np.log10(params))))
    p, q, g = (mpmath.mpf(float(v)) for v in params)
    total = mpmath.mpf(0)
    for xi, mi in zip(x, m):
        xi, mi = mpmath.mpf(float(xi)), mpmath.mpf(float(mi))
        total += (mpmath.loggamma(p * xi + q) - mpmath.loggamma(p * xi) - mpmath.loggamma(q)
                  + q * mpmath.log(g) + (p * xi - 1) * mpmath.log(mi) + p * xi * mpmath.log(xi)
                  - (p * xi + q) * mpmath.log(g + xi * mi))
    return float(total)


def fit(x, m, extra=(), only=False):
    n = len(m)
    gm, am = np.exp(np.mean(np.log(m))), np.mean(m)
    starts = [[1, 1, 1], [1, 2, gm], [1, 2, am], [6, 3.7, 15], [0.5, 1.5, gm], [20, 2.5, gm]]
    starts = list(extra) if only else starts + list(extra)
    f = lambda th: -loglik(th, x, m) / n
    fg = lambda th: tuple(-v / n for v in loglik(th, x, m, 1)[:2])
    best = None
    for s in starts:
        r = minimize(f, np.log(s), method="Nelder-Mead",
                     options={"xatol": 1e-10, "fatol": 1e-14, "maxiter": 20000, "maxfev": 40000})
        r = minimize(fg, r.x, jac=True, method="BFGS", options={"gtol": 1e-11, "maxiter": 5000})
        if np.isfinite(r.fun) and (best is None or r.fun < best.fun):
            best = r
    # the polish: along a flat ridge (p's standard error 80 at p = 61) BFGS
    # stops where the score is still 1e-5, its steps gaining less than the
    # rounding of the log-likelihood; the score's root (scipy.optimize.root,
    # the analytic Hessian its Jacobian) is found to rounding
    r = root(lambda th: loglik(th, x, m, 1)[1] / n, best.x,
             jac=lambda th: loglik(th, x, m, 2)[2] / n, method="hybr", tol=1e-15)
    gmax = lambda th: np.max(np.abs(loglik(th, x, m, 1)[1]))
    th = best.x
    if -loglik(r.x, x, m) / n <= best.fun + 1e-13 * abs(best.fun) and gmax(r.x) < gmax(best.x):
        th = r.x
    return np.exp(th), loglik(th, x, m)


def score_mp(params, x, m):
    """the gradient in log-parameters, in mpmath: 0 at the maximum"""
    mpmath.mp.dps = 40
    p, q, g = (mpmath.mpf(float(v)) for v in params)
    grad = [mpmath.mpf(0)] * 3
    for xi, mi in zip(x, m):
        xi, mi = mpmath.mpf(float(xi)), mpmath.mpf(float(mi))
        den = g + xi * mi
        ppq = mpmath.digamma(p * xi + q)
        grad[0] += xi * (ppq - mpmath.digamma(p * xi) + mpmath.log(xi * mi / den))
        grad[1] += ppq - mpmath.digamma(q) + mpmath.log(g / den)
        grad[2] += q / g - (p * xi + q) / den
    return max(abs(float(grad[0] * p)), abs(float(grad[1] * q)), abs(float(grad[2] * g)))


def faces(x, m):
    sx, sxm = x.sum(), (x * m).sum()
    score = lambda u: (sx * np.log(np.exp(u) * sx / sxm) + np.sum(x * np.log(x * m))
                       - np.sum(x * psi(np.exp(u) * x)))
    p = np.exp(brentq(score, -60, 60, xtol=1e-15))
    nu = p * sx / sxm
    la = np.sum(p * x * np.log(nu * x) - gammaln(p * x) + (p * x - 1) * np.log(m) - nu * x * m)
    n, h, sl = len(m), np.sum(1 / m), np.sum(np.log(m))
    score = lambda u: n * np.log(np.exp(u) * n / h) - n * psi(np.exp(u)) - sl
    q = np.exp(brentq(score, -60, 60, xtol=1e-15))
    s = q * n / h
    lb = np.sum(q * np.log(s) - gammaln(q) - (q + 1) * np.log(m) - s / m)
    return la, lb


def report(name, x, m, expect_max=True, extra=(), only=False, se=False):
    la, lb = faces(x, m)
    print("%s (n = %d)" % (name, len(m)))
    print("  faces: A %.10f  B %.10f" % (la, lb))
    if expect_max:
        est, ll = fit(x, m, extra, only)
        print("  p q gamma: %.10e %.10e %.10e" % tuple(est))
        print("  log_likelihood: %.10f (mpmath %.10f), above the faces by %.6g"
              % (ll, loglik_mp(est, x, m), ll - max(la, lb)))
        print("  largest score in log-parameters (mpmath): %.2g" % score_mp(est, x, m))
        if se:
            # p_j sqrt(C_jj), C the inverse of minus the Hessian in the log-parameters
            cov = np.linalg.inv(-loglik(np.log(est), x, m, 2)[2])
            print("  standard errors p q gamma: %.6e %.6e %.6e" % tuple(est * np.sqrt(np.diag(cov))))
    return la, lb


def polish_mp(est, x, m, dps=40, deadline=None):
    """Newton on the score in log-parameters in mpmath, from est: the maximum
    to dps digits, and the inverse of minus mpmath's Hessian in the
    log-parameters there.  The special functions are taken once per distinct
    frequency (they depend on x alone); TimeoutError past deadline
    (time.time(), for gammagamma_sweep.py)"""
    mpmath.mp.dps = dps
    groups = {}
    for xi, mi in zip(x, m):
        groups.setdefault(float(xi), []).append(mpmath.mpf(float(mi)))
    th = [mpmath.log(mpmath.mpf(float(v))) for v in est]
    for _ in range(100):
        p, q, g = (mpmath.exp(t) for t in th)
        s = [mpmath.mpf(0)] * 3
        h = mpmath.zeros(3, 3)
        dq, tq = mpmath.digamma(q), mpmath.psi(1, q)
        for xf, ms in groups.items():
            if deadline is not None and time.time() > deadline:
                raise TimeoutError
            xi = mpmath.mpf(xf)
            px, c = p * xi, len(ms)
            ppq, tpq = mpmath.digamma(px + q), mpmath.psi(1, px + q)
            dpx, tpx = mpmath.digamma(px), mpmath.psi(1, px)
            sl = sld = sinv = sinv2 = 0
            for mi in ms:
                xm = xi * mi
                den = g + xm
                r = 1 / den
                sl += mpmath.log(xm * r)
                sld += mpmath.log(g * r)
                sinv += r
                sinv2 += r * r
            s[0] += xi * (c * (ppq - dpx) + sl)
            s[1] += c * (ppq - dq) + sld
            s[2] += c * q / g - (px + q) * sinv
            h[0, 0] += c * xi * xi * (tpq - tpx)
            h[0, 1] += c * xi * tpq
            h[0, 2] -= xi * sinv
            h[1, 1] += c * (tpq - tq)
            h[1, 2] += c / g - sinv
            h[2, 2] += (px + q) * sinv2 - c * q / g ** 2
        P = [p, q, g]
        gl = mpmath.matrix([s[i] * P[i] for i in range(3)])
        hl = mpmath.zeros(3, 3)
        for i in range(3):
            for j in range(i, 3):
                hl[i, j] = hl[j, i] = h[i, j] * P[i] * P[j] + (gl[i] if i == j else 0)
        d = mpmath.lu_solve(hl, -gl)
        th = [th[i] + d[i] for i in range(3)]
        if max(abs(v) for v in d) < mpmath.mpf(10) ** (-dps // 2 - 5):
            break
    return [mpmath.exp(t) for t in th], -mpmath.inverse(hl), max(abs(v) for v in gl)


def report_mp(name, x, m, extra):
    """report, with the maximum polished in mpmath (polish_mp) and its standard errors"""
    la, lb = faces(x, m)
    est, ll = fit(x, m, extra, True)
    P, cov, score = polish_mp(est, x, m)
    Pf = [float(v) for v in P]
    print("%s (n = %d)" % (name, len(m)))
    print("  faces: A %.10f  B %.10f" % (la, lb))
    print("  scipy p q gamma: %.10e %.10e %.10e" % tuple(est))
    print("  mpmath p q gamma: %.15e %.15e %.15e" % tuple(Pf))
    print("  log_likelihood (mpmath): %.12f, above the faces by %.6g"
          % (loglik_mp(Pf, x, m), loglik_mp(Pf, x, m) - max(la, lb)))
    print("  largest score in log-parameters (mpmath): %.2g" % float(score))
    print("  standard errors p q gamma: %.9e %.9e %.9e"
          % tuple(float(P[i] * mpmath.sqrt(cov[i, i])) for i in range(3)))


def climb(x, m, la):
    """the best log-likelihood at fixed q: it rises towards face A, staying below it"""
    for q in [1e2, 1e4, 1e6]:
        sx, sxm = x.sum(), (x * m).sum()
        f = lambda th: -loglik(np.array([th[0], np.log(q), th[1]]), x, m)
        r = minimize(f, [0.0, np.log(q * sxm / sx)], method="Nelder-Mead",
                     options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 20000})
        est = [np.exp(r.x[0]), q, np.exp(r.x[1])]
        print("  q = %g: best log-likelihood %.10f (mpmath), face A minus %.6g"
              % (q, loglik_mp(est, x, m), la - loglik_mp(est, x, m)))


def span_faces():
    """two spends spanning the double range (x = 1, m = 5e-324; x = 2, m = 1.7e308):
    the faces in mpmath (nu = 1.2e-311 and s = 1.3e-326 are beyond double), and
    each face's first-order coefficient c going inwards (cr_gammagamma.c, gg_faces):
    c < 0 at both, the likelihood falling inwards, and searches from several
    starts ending at a face: no maximum"""
    mpmath.mp.dps = 50
    X = [mpmath.mpf(1), mpmath.mpf(2)]
    M = [mpmath.mpf(5e-324), mpmath.mpf(1.7e308)]

    def bisect(f, a, b):
        a, b = mpmath.mpf(a), mpmath.mpf(b)
        for _ in range(400):
            c = (a + b) / 2
            if f(c) > 0:
                a = c
            else:
                b = c
        return (a + b) / 2

    sx, sxm = sum(X), sum(x * m for x, m in zip(X, M))
    u = bisect(lambda u: sx * (u + mpmath.log(sx) - mpmath.log(sxm))
               + sum(x * mpmath.log(x * m) for x, m in zip(X, M))
               - sum(x * mpmath.digamma(mpmath.e ** u * x) for x in X), -700, 50)
    p = mpmath.e ** u
    nu = p * sx / sxm
    la = sum(p * x * mpmath.log(nu * x) - mpmath.loggamma(p * x) + (p * x - 1) * mpmath.log(m) - nu * x * m
             for x, m in zip(X, M))
    ca = sum((nu * x * m - p * x) ** 2 - p * x for x, m in zip(X, M)) / 2
    n, h, sl = len(M), sum(1 / m for m in M), sum(mpmath.log(m) for m in M)
    u = bisect(lambda u: n * mpmath.log(mpmath.e ** u * n / h) - n * mpmath.digamma(mpmath.e ** u) - sl,
               -700, 50)
    q = mpmath.e ** u
    s = q * n / h
    lb = sum(q * mpmath.log(s) - mpmath.loggamma(q) - (q + 1) * mpmath.log(m) - s / m for m in M)
    cb = sum(((s / m - q) ** 2 - q) / (2 * x) for x, m in zip(X, M))
    print("spends 5e-324 (x = 1) and 1.7e308 (x = 2) (n = 2)")
    print("  faces (mpmath): A %.13f  B %.13f" % (la, lb))
    print("  going inwards: c_A %.6g  c_B %.6g" % (ca, cb))


if __name__ == "__main__":
    rep = DATA["x"] > 0
    ids, x, zbar = DATA["ID"][rep], DATA["x"][rep], DATA["zbar"][rep]
    report("CDNOW", x, zbar)
    for big in [1e6, 1e9, 1e12]:
        m = zbar.copy()
        m[ids == 1] = big
        report("CDNOW, customer 1 spending %g" % big, x, m)
    m = zbar.copy()
    three = ids[[0, 300, 600]]
    m[np.isin(ids, three)] = 1e12
    report("CDNOW, customers %s spending 1e12" % ", ".join(str(int(i)) for i in three), x, m)

    # sql/lifetime_badinput.sql: 200 members, spends varying less with more purchases
    g = np.arange(1, 201)
    sx = (1 + g % 7).astype(float)
    sm = 10 + (g * 37) % 23 + ((g * 13) % 9 - 4) * 2.0 / sx
    sm[0] = 1e12
    report("synthetic, member 1 spending 1e12", sx, sm)

    # no maximum: rising towards face A (sql/lifetime_badinput.sql, 'no proper maximum')
    rx = np.arange(2, 21).astype(float)
    la, lb = report("run-off towards face A", rx, rx * 1.5 + rx % 3, expect_max=False)
    climb(rx, rx * 1.5 + rx % 3, la)

    # no maximum: rising towards face B (spends as spread at x = 30 as at x = 1)
    i = np.arange(1, 21)
    bx = np.where(i % 2 == 0, 1.0, 30.0)
    bm = 10.0 + (i // 2) ** 2 % 17
    la, lb = report("run-off towards face B", bx, bm, expect_max=False)
    for p in [1e2, 1e4, 1e6]:
        f = lambda th: -loglik(np.array([np.log(p), th[0], th[1]]), bx, bm)
        r = minimize(f, [np.log(9.0), np.log(100.0 / p)], method="Nelder-Mead",
                     options={"xatol": 1e-12, "fatol": 1e-14, "maxiter": 20000})
        est = [p, np.exp(r.x[0]), np.exp(r.x[1])]
        print("  p = %g: best log-likelihood %.10f (mpmath), face B minus %.6g"
              % (p, loglik_mp(est, bx, bm), lb - loglik_mp(est, bx, bm)))
    span_faces()

    # a maximum that a search from the usual start misses (test/unit/test_bgnbd.c,
    # test_gammagamma_inside_face): 14 members with realistic spends, whose
    # likelihood rises going inwards from face A, the higher face (a search
    # heads for face B, below A, and stops there); and 39 members whose mean
    # spends span 11 decades, with a local maximum below face B, which rises
    # inwards.  Also searched from the points just inside the rising face
    wx = np.array([66, 28, 64, 26, 2, 70, 41, 72, 89, 65, 67, 22, 87, 97], float)
    wm = np.array([94.38, 11.02, 92.68, 65.01, 9.54, 147.09, 63.43, 11.81, 17.07, 3.58, 56.88,
                   115.83, 42.64, 24.72])
    report("14 members, rising inwards from face A", wx, wm,
           extra=[[0.024, q, q / 0.00045] for q in (1e2, 1e3, 1e4)])
    vx = np.array([1, 2, 7, 1, 2, 8, 3, 21, 3, 7, 2, 23, 2, 7, 4, 12, 8, 7, 2, 1, 6, 10, 3, 7, 2,
                   4, 9, 10, 5, 30, 12, 2, 7, 5, 13, 6, 2, 1, 1], float)
    vm = np.array([0.00012418296876704659, 0.0033921664905334843, 0.014673581365435692,
                   3.7158223423466982e-05, 36627.004449962682, 9.285928426449896,
                   0.0026664242333759771, 317.17008187335563, 0.0061255648286677143,
                   1.9392993511674768, 0.18926477047226542, 2431.9802147250057,
                   0.097628012563239788, 0.25009074351503952, 5.3275469901645292e-06,
                   12382.165741404315, 2.5279289108057359, 8187.0239366189353,
                   0.00041524829274537482, 0.0038563757375629677, 0.065489231714301516,
                   0.98930598883916732, 2.2921930626654362e-05, 0.00035342300832302376,
                   18.715506773932209, 3.7424139180336597e-07, 0.92660724370037995,
                   1765.8488122762124, 0.00010177698041755264, 48135.898468173182,
                   0.0050858996035056331, 0.0012704472263518607, 0.013369967921391014,
                   0.2957458740990741, 1.2356398821982819e-06, 11870.412483313325,
                   2.5586843344965492e-06, 0.00028437475380130637, 3.0526696813381422])
    report("39 members, spends over 11 decades, rising inwards from face B", vx, vm,
           extra=[[p, 0.089, 8.3e-7 / p] for p in (1e2, 1e3, 1e4)])

    # a maximum at q = 5e4, above limit A by 0.0013 (test_gammagamma_settled): 35
    # members; both optimisers stall there ("did not converge"), Newton's step
    # gaining 4e-10, below the rounding of the log-likelihood; from near it only (from
    # the usual starts, Nelder-Mead runs to p = 4e16, where the log-likelihood in
    # double precision is noise)
    ux = np.array([28, 12, 9, 52, 59, 25, 63, 93, 4, 47, 90, 90, 40, 94, 97, 48, 50, 20, 59, 54, 59,
                   68, 18, 87, 16, 81, 53, 45, 96, 34, 9, 94, 57, 67, 49], float)
    um = np.array([16.453879045732283, 17.63880773201533, 18.994120823225703, 16.177814074107555,
                   16.199236497797418, 18.028641035372299, 16.998012802625013, 16.550076187787166,
                   16.907404926683569, 17.287434046976202, 16.416094265512754, 16.663190131538606,
                   15.970145646502161, 16.115258837812888, 16.53331863125339, 16.583409841221663,
                   17.149062431651206, 16.009121527250898, 16.615850225874585, 17.436478688447519,
                   16.983088458933825, 16.170038270232528, 16.66349749206374, 16.151892743141534,
                   17.565886394145409, 16.477996916061169, 17.162931269196292, 16.021178393191164,
                   16.279338876594899, 17.11354355717004, 17.488664600016428, 17.381991011055494,
                   17.288921862614998, 16.649489535671034, 16.752795380608724])
    report("35 members, a maximum at q = 5e4", ux, um, extra=[[22, 5e4, 3.8e4]], only=True, se=True)

    # data drawn from limit A itself (mean spends Gamma(p x, nu x), p = 0.34, nu
    # 26; test_gammagamma_limit_a): a maximum at q = 5215 where the rounding of
    # q dLL/dq (2e-10) is above Newton's old tolerance of 1e-10 and BFGS stopped
    # 0.7% short in q.  The maximum polished in mpmath (polish_mp), with its
    # standard errors from mpmath's Hessian
    lx = np.array([1] * 13 + [2] * 9 + [3] * 5 + [4] * 6 + [5, 5, 6, 6, 7, 8] + [9] * 6 + [10] * 5
                  + [12, 13, 13, 14, 14, 15, 15, 16], float)
    lm = np.array([2.7231259371364095e-05, 0.00020564174521025069, 0.00022250561593178605,
                   0.00036106286509138486, 0.00050947603853647026, 0.0020565794440890943,
                   0.012234441142550994, 0.016807905516897349, 0.031727325371911592,
                   0.036039978131545372, 0.039762538653069925, 0.04340519915195825,
                   0.058455897695547758, 0.00014188453635676095, 0.00084428172206624707,
                   0.001739701590772408, 0.0024671750254117077, 0.0034858475576197466,
                   0.0095226732546127846, 0.02985060875913112, 0.032351552193835439,
                   0.046873708677868213, 0.00079975440007940663, 0.008800446113149573,
                   0.024925413771568174, 0.026693132898671153, 0.064635737006540989,
                   0.0051535883720309639, 0.0072423495767086699, 0.0082493214173067382,
                   0.0091146927250850968, 0.018402696308499219, 0.019145255973617024,
                   0.0030637932877915983, 0.0058214051288262361, 0.0036608161645958781,
                   0.022334506433364182, 0.012679243558365177, 0.024449683235497809,
                   0.0042258882897216483, 0.0069233831970323565, 0.0087886584175494581,
                   0.010642510011208776, 0.015014713386498955, 0.02146466490705912,
                   0.0068190836078056193, 0.0098461811134438141, 0.010736774355727157,
                   0.012332979299721668, 0.02507234586874198, 0.0085662064425543697,
                   0.007797048247945023, 0.026591721166897987, 0.012120285586691469,
                   0.016991762116160779, 0.0043279223680753372, 0.010683264219799052,
                   0.011314870743667877])
    report_mp("58 members drawn from limit A, a maximum at q = 5215", lx, lm, [[0.34, 5200, 200]])

    # five members with spends near 3e279 (test_gammagamma_noisy_ridge): a
    # maximum at p = 1.4e5, q = 3.5e4, where the rounding of the
    # log-likelihood (lgamma(p x) 5e10) is 1e-4 per member and p's standard
    # error ten times p.  Newton, taking steps that shrank the largest
    # gradient component while f moved within that rounding, wandered along
    # the ridge for 100 passes and the fit did not converge
    nx = np.array([150, 1, 978, 18989, 7531], float)
    nm = np.array([2.907297085587375e+279, 2.9056508015701083e+279, 2.8753352488135246e+279,
                   2.8893808671507106e+279, 2.867509827079888e+279])
    report_mp("5 members, spends near 3e279, a maximum at p = 1.4e5", nx, nm, [[1.39e5, 3.47e4, 7.2e278]])

    # five members, a maximum at p = 1.4e4 on a flat ridge (p's standard
    # error 30 times p; test_gammagamma_bfgs_se): the fit ends in BFGS, whose
    # standard errors by central differences were off by a factor of 3.4
    bx = np.array([154, 3, 106, 7384, 7], float)
    bm = np.array([4.062896064475009, 4.0484805598046, 4.070806203935437, 4.2292352652087555,
                   4.215462472139412])
    report_mp("5 members, a maximum at p = 1.4e4 on a flat ridge", bx, bm, [[13700, 2760, 0.83]])

    # 48 members drawn from limit A (mean spends Gamma(p x, nu x), p = 422,
    # nu = 0.218, x uniform in 1 .. 43; test_gammagamma_far_ridge): a maximum
    # at q = 1.7e6, 8e-5 above the face.  Found by a search over random draws
    # from limit A (p 10^U(0, 3), nu 10^U(-2, 2)) for fits that did not
    # converge: 4 in 800,000 draws, each converging now at mpmath's maximum.
    # The Hessian's q and gamma rows lost their digits to cancellation
    # (psi'(p x + q) - psi'(q), 1 / gamma - 1 / (gamma + x m)) below the
    # ridge's curvature, and Newton never converged.  The maximum polished in
    # mpmath (polish_mp), with its standard errors from mpmath's Hessian
    fx = np.array([18, 11, 6, 23, 6, 30, 9, 28, 38, 33, 9, 23, 31, 17, 32, 15, 26, 20, 22, 36, 9, 27,
                   17, 11, 29, 22, 8, 11, 16, 36, 41, 9, 15, 1, 22, 6, 25, 43, 40, 20, 3, 8, 18, 3,
                   26, 25, 16, 26], float)
    fm = np.array([1968.3386554343801, 1909.4978954188762, 1943.0344295418324, 1913.8655766950235,
                   1953.009895604767, 1937.0291582506175, 1919.2416670296466, 1935.279826389272,
                   1929.9370417954783, 1941.4076397644974, 1983.8801601072273, 1921.47184610892,
                   1941.6509393676033, 1938.2174580389333, 1928.3212800923213, 1948.6335305730486,
                   1940.1147530103085, 1930.654903757295, 1943.6950077269526, 1956.660118576366,
                   1874.265379669478, 1922.404667924494, 1961.7478819429718, 1933.046272785137,
                   1976.6642253536763, 1919.3670305522799, 1881.7571436612207, 1921.9699073966542,
                   1933.7068819301373, 1922.644581645953, 1931.296658498767, 1906.5478215482085,
                   2002.4739677373668, 2065.981508218335, 1934.504047724195, 1953.6750913732162,
                   1960.2555882407053, 1920.6210726650754, 1899.8835220034737, 1962.444173957803,
                   1992.8063002994672, 1893.7297585413041, 1948.1063152301924, 1854.8057958572722,
                   1961.698573592492, 1925.4630160071827, 1952.7348082922956, 1965.3576249743164])
    report_mp("48 members drawn from limit A, a maximum at q = 1.7e6", fx, fm, [[357, 1.74e6, 9.45e6]])
