#!/usr/bin/python3
"""gammagamma_fit's difference formulas for q >= 1e4 against mpmath.

Not part of make test (a minute).  Builds gammagamma_series_driver.c (which
includes src/cr_gammagamma.c whole) and checks, against mpmath at 60 digits
and more (as many as the cancellation needs):

 1. gg_lgamma_diff (lgamma(q + a) - lgamma(q) - a log q) and gg_psi_diffs
    (psi(q + a) - psi(q), psi'(q + a) - psi'(q)) as plain functions, q
    1e4 .. 1e300, a 1e-300 .. 1e300 (a << q, a ~ q, a >> q, a near 1):
    the worst relative error of each, and of lgamma_diff in units of its
    own sum of |terms| (the rounding gg_eval's mag counts it with);
 2. gg_eval (log-likelihood, gradient, Hessian) at random points with
    q 1e4 .. 1e15 and p x / q 1e-4 .. 1e4, against the plain formulas in
    mpmath: the log-likelihood's error in units of its mag, each gradient
    component's in units of its gmag (the tolerances Newton's stopping test
    uses), each Hessian entry's relative error (h22's in units of the sum
    of |terms| of its plain formula, whose sum can cancel);
 3. the step at the switch, q = 1e4 - ulp to 1e4: the change in the
    log-likelihood and gradient less mpmath's, in units of the plain
    side's mag and gmag (the plain formulas' own rounding);
 4. the reference values of test_gammagamma_series_gradient;
 5. gg_psi_diffs_near (psi(z + a) - psi(z), psi'(z + a) - psi'(z) for
    a <= z, p's score and Hessian entry where q <= p x) as a plain
    function, z 1e-300 .. 1e300, a / z 1e-290 .. 1: the worst relative
    error of each, below and above the shift's target z = 16;
 6. the reference values of test_gammagamma_eval.c (50 digits; printed
    last; gammagamma_series_check.out holds this script's output): p's
    score and Hessian entry where p x >> q, q's where p x << q < 1e4.

    /usr/bin/python3 test/reference/gammagamma_series_check.py
"""
import math
import os
import subprocess
import sys
import tempfile

import mpmath
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "..", "..", "src"))
EPS = 2.0 ** -52


def build(tmp):
    out = os.path.join(tmp, "series_driver")
    subprocess.run(["cc", "-O2", "-I", SRC, "-o", out, os.path.join(HERE, "gammagamma_series_driver.c")]
                   + [os.path.join(SRC, s) for s in ("cr_optim.c", "cr_hyp2f1.c")] + ["-lm"], check=True)
    return out


def drive(binary, lines):
    out = subprocess.run([binary], input="".join(lines), capture_output=True, text=True, check=True).stdout
    return [[float.fromhex(v) for v in line.split()] for line in out.splitlines()]


def eval_line(x, m, P):
    return "e %d %s %r %r %r\n" % (len(x), " ".join("%r %r" % (a, b) for a, b in zip(x, m)), *P)


def ref_eval(x, m, P):
    """the plain formulas in mpmath: ll, gradient, Hessian, h22's sum of |terms|"""
    mpmath.mp.dps = int(60 + 2 * math.log10(P[1]))
    p, q, g = (mpmath.mpf(v) for v in P)
    ll, s, h, h22mag = 0, [0] * 3, [[0] * 3 for _ in range(3)], 0
    dq, tq, lgq = mpmath.digamma(q), mpmath.psi(1, q), mpmath.loggamma(q)
    for xi, mi in zip(x, m):
        xi, mi = mpmath.mpf(xi), mpmath.mpf(mi)
        px, den = p * xi, g + xi * mi
        ll += (mpmath.loggamma(px + q) - mpmath.loggamma(px) - lgq + q * mpmath.log(g)
               + (px - 1) * mpmath.log(mi) + px * mpmath.log(xi) - (px + q) * mpmath.log(den))
        ppq, tpq = mpmath.digamma(px + q), mpmath.psi(1, px + q)
        s[0] += xi * (ppq - mpmath.digamma(px) + mpmath.log(xi * mi / den))
        s[1] += ppq - dq + mpmath.log(g / den)
        s[2] += q / g - (px + q) / den
        h[0][0] += xi * xi * (tpq - mpmath.psi(1, px))
        h[0][1] += xi * tpq
        h[0][2] -= xi / den
        h[1][1] += tpq - tq
        h[1][2] += 1 / g - 1 / den
        h[2][2] += (px + q) / den ** 2 - q / g ** 2
        h22mag += (px + q) / den ** 2 + q / g ** 2
    return ll, s, h, h22mag


def pieces(binary):
    pts = []
    for q in [1e4, math.nextafter(1e4, 2e4), 1.2e4, 3e4, 1e5, 1e6, 2e6, 1e7, 1e8, 1e10, 1e12, 1e15, 1e16,
              1e17, 1e20, 1e30, 1e50, 1e100, 1e200, 1e300]:
        for a in ([10.0 ** j for j in range(-300, 301, 15)]
                  + [q * r for r in (1e-12, 1e-8, 1e-3, 0.1, 0.5, 1, 2, 10, 1e3, 1e8)]
                  + [0.5, 0.999, 1.0, 1.001, 2.0, 5.0, 6431.0]):
            if 0 < a < 1e305:
                pts.append((q, a))
    worst = {}
    for q, a, l, mag, d1, t1 in drive(binary, ["d %r %r\n" % t for t in pts]):
        mpmath.mp.dps = int(60 + 2 * math.log10(q) + abs(math.log10(a)))
        Q, A = mpmath.mpf(q), mpmath.mpf(a)
        ref = {"lgamma_diff": (mpmath.loggamma(Q + A) - mpmath.loggamma(Q) - A * mpmath.log(Q), l),
               "psi_diff": (mpmath.digamma(Q + A) - mpmath.digamma(Q), d1),
               "psi1_diff": (mpmath.psi(1, Q + A) - mpmath.psi(1, Q), t1)}
        u = a / q
        region = ("a/q below 1e-290" if u < 1e-290 else "a < 1e-3 q" if u < 1e-3
                  else "1e-3 q <= a <= 1e3 q" if u <= 1e3 else "a > 1e3 q")
        for name, (r, got) in ref.items():
            if abs(r) < 1e-290:
                continue            # a subnormal answer: not representable to rounding
            e = float(abs((got - r) / r))
            key = (region, name)
            if key not in worst or e > worst[key][0]:
                worst[key] = (e, q, a)
        e = float(abs(l - ref["lgamma_diff"][0]) / mag)
        key = (region, "lgamma_diff in units of its mag")
        if key not in worst or e > worst[key][0]:
            worst[key] = (e, q, a)
    print("1. the pieces (%d points), worst relative error" % len(pts))
    for (region, name), (e, q, a) in sorted(worst.items()):
        print("  %-22s %-32s %8.2g  (q %.4g, a %.4g)" % (region, name, e, q, a))


def evals(binary):
    rng = np.random.default_rng(2026)
    cases = []
    for _ in range(150):
        n = int(rng.integers(1, 12))
        x = [float(v) for v in rng.integers(1, 60, n)]
        q = 10 ** rng.uniform(4, 15)
        pxq = 10 ** rng.uniform(-4, 4)
        p = pxq * q / np.mean(x)
        mbar = 10 ** rng.uniform(-250, 250) if rng.uniform() < 0.3 else 10 ** rng.uniform(-3, 3)
        m = [float(v) for v in mbar * rng.gamma(20, 0.05, n)]
        g = q * mbar / p * 10 ** rng.uniform(-2, 2)     # near the ridge, q / gamma = p / mean spend
        cases.append((x, m, (float(p), float(q), float(g))))
    worst = {}
    skipped = 0
    for (x, m, P), r in zip(cases, drive(binary, [eval_line(*c) for c in cases])):
        if not all(math.isfinite(v) for v in r):
            skipped += 1
            continue
        ll, s, h, h22mag = ref_eval(x, m, P)
        errs = {"log-likelihood / mag": abs(r[0] - ll) / r[1]}
        for k in range(3):
            errs["gradient %d / gmag" % k] = abs(r[2 + k] - s[k]) / r[5 + k]
        H = {(0, 0): r[8], (0, 1): r[9], (0, 2): r[10], (1, 1): r[11], (1, 2): r[12]}
        for (a, b), v in H.items():
            if h[a][b] != 0 and abs(h[a][b]) > 1e-290:
                errs["hessian %d%d rel" % (a, b)] = abs((v - h[a][b]) / h[a][b])
        if 1e-290 < h22mag < 1e290:
            errs["hessian 22 / its terms"] = abs(r[13] - h[2][2]) / h22mag
        for k, e in errs.items():
            e = float(e)
            if k not in worst or e > worst[k][0]:
                worst[k] = (e, P)
    print("2. gg_eval at %d points with q >= 1e4 (%d with a non-finite entry left out), worst error"
          % (len(cases), skipped))
    for k, (e, P) in sorted(worst.items()):
        print("  %-26s %8.2g  (p %.4g q %.4g gamma %.4g)" % (k, e, *P))


def switch(binary):
    rng = np.random.default_rng(11)
    print("3. the step from q = 1e4 - ulp to 1e4, less mpmath's, in units of the plain side's rounding")
    for _ in range(8):
        n = int(rng.integers(2, 60))
        x = [float(v) for v in rng.integers(1, 50, n)]
        p, mbar = 10 ** rng.uniform(-1, 4), 10 ** rng.uniform(-3, 3)
        m = [float(v) for v in mbar * rng.gamma(5, 0.2, n)]
        cs = [(x, m, (p, q, q * mbar / p)) for q in (math.nextafter(1e4, 0), 1e4)]
        lo, hi = drive(binary, [eval_line(*c) for c in cs])
        rlo, rhi = ref_eval(*cs[0]), ref_eval(*cs[1])
        jll = float(abs((hi[0] - lo[0]) - (rhi[0] - rlo[0])) / lo[1])
        jg = [float(abs((hi[2 + k] - lo[2 + k]) - (rhi[1][k] - rlo[1][k])) / lo[5 + k]) for k in range(3)]
        print("  n %2d p %9.4g: log-likelihood %8.2g, gradient %8.2g %8.2g %8.2g  (mag %.3g below, %.3g above)"
              % (n, p, jll, *jg, lo[1], hi[1]))


def unit_refs():
    print("4. test_gammagamma_series_gradient")
    mpmath.mp.dps = 50
    for x, m, P in (([2.0, 7.0, 11.0, 13.0, 29.0], [1.0, 1.03, 0.98, 1.01, 0.995], (2e7, 2e4, 1e-3)),
                    ([1.0, 2.0], [1e300, 1e-300], (0.5, 1e5, 1e-10))):
        ll, s, h, _ = ref_eval(x, m, P)
        print("  x %s m %s p q gamma %r %r %r:" % (x, m, *P))
        print("    log-likelihood %s gradient %s %s %s" % tuple(mpmath.nstr(v, 17) for v in [ll] + s))


def near_pieces(binary):
    pts = []
    for z in [1e-300, 1e-100, 1e-10, 1e-3, 0.1, 0.5, 1.0, 2.5, 10.0, 15.9, 16.0, 20.0, 50.0, 127.9, 128.0, 300.0, 1e3,
              9999.0, 1e4, 1e6, 1e9, 1e15, 1e30, 1e100, 1e300]:
        for r in [1.0, 0.999, 0.5, 0.1, 1e-2, 1e-4, 1e-8, 1e-12, 1e-16, 1e-30, 1e-100, 1e-200, 1e-290]:
            if z * r > 1e-305:
                pts.append((z, z * r))
    worst = {}
    for z, a, d1, t1 in drive(binary, ["n %r %r\n" % t for t in pts]):
        mpmath.mp.dps = int(60 + abs(math.log10(a)) + abs(math.log10(z)))
        Z, A = mpmath.mpf(z), mpmath.mpf(a)
        for name, got, ref in (("psi_diff", d1, mpmath.digamma(Z + A) - mpmath.digamma(Z)),
                               ("psi1_diff", t1, mpmath.psi(1, Z + A) - mpmath.psi(1, Z))):
            if abs(ref) < 1e-290 or abs(ref) > 1e300:
                continue            # beyond the double range
            e = float(abs((got - ref) / ref))
            key = ("z < 16" if z < 16 else "z >= 16", name)
            if key not in worst or e > worst[key][0]:
                worst[key] = (e, z, a)
    print("5. gg_psi_diffs_near (%d points), worst relative error" % len(pts))
    for (region, name), (e, z, a) in sorted(worst.items()):
        print("  %-10s %-10s %8.2g  (z %.4g, a %.4g)" % (region, name, e, z, a))


# test_gammagamma_eval.c's points: p x >> q below and above q = 1e4, and p x < 16
EVAL_CASES = [([1.0, 3.0, 7.0], [2.0, 1.9, 2.1], (1e8, 10.0, 2.6e-7)),
              ([2.0, 5.0, 11.0], [1e-3, 1.1e-3, 0.9e-3], (3e9, 2e4, 4.6e-12)),
              ([1.0, 2.0], [0.5, 0.8], (0.05, 1e-4, 1e-3))]
NEAR_CASES = [(0.1, 1e-9), (5.0, 5.0), (15.5, 1e-3), (127.5, 1e-3), (1e8, 10.0), (1e-100, 1e-110),
              (3e-8, 1e-320), (1e308, 1e308)]
# and q's: p x << q below q = 1e4, q below and above 16
EVAL_Q_CASES = [([1.0, 3.0, 7.0], [2.0, 1.9, 2.1], (1e-6, 50.0, 20.0)),
                ([2.0, 5.0, 11.0], [1e-3, 1.1e-3, 0.9e-3], (0.01, 5000.0, 3.0)),
                ([1.0, 2.0], [0.5, 0.8], (1e-9, 0.5, 0.2))]


def eval_refs():
    print("6. test_gammagamma_eval.c, 50 digits")
    for z, a in NEAR_CASES:
        mpmath.mp.dps = int(60 + abs(math.log10(a)) + abs(math.log10(z)))
        Z, A = mpmath.mpf(z), mpmath.mpf(a)
        print("  z %r a %r: psi_diff %s psi1_diff %s"
              % (z, a, mpmath.nstr(mpmath.digamma(Z + A) - mpmath.digamma(Z), 17),
                 mpmath.nstr(mpmath.psi(1, Z + A) - mpmath.psi(1, Z), 17)))
    for x, m, P in EVAL_CASES:
        ll, s, h, _ = ref_eval(x, m, P)
        mpmath.mp.dps = 50
        print("  x %s m %s p q gamma %r %r %r:" % (x, m, *P))
        print("    p score %s, Hessian (p, p) %s" % (mpmath.nstr(s[0], 17), mpmath.nstr(h[0][0], 17)))
    for x, m, P in EVAL_Q_CASES:
        ll, s, h, _ = ref_eval(x, m, P)
        mpmath.mp.dps = 50
        print("  x %s m %s p q gamma %r %r %r:" % (x, m, *P))
        print("    q score %s, Hessian (q, q) %s" % (mpmath.nstr(s[1], 17), mpmath.nstr(h[1][1], 17)))


def main():
    tmp = tempfile.mkdtemp(prefix="gg_series_")
    binary = build(tmp)
    pieces(binary)
    evals(binary)
    switch(binary)
    unit_refs()
    near_pieces(binary)
    eval_refs()
    os.remove(binary)
    os.rmdir(tmp)


if __name__ == "__main__":
    main()
