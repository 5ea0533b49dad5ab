#!/usr/bin/python3
"""Reference values of BG/NBD conditional expected purchases where the Beta
of p lies beyond the double range: b + x beyond DBL_MAX times a (the mean of
p, a / (a + b + x), underflows: every member's dropout probability below
1e-308), or a beyond DBL_MAX times b + x (1 - p below 1e-308).

E[Y(t) | x, t_x, T] = P(alive) E_p[(1 - (1 + p k)^-(r+x)) / p], k = t /
(alpha + T), p ~ Beta(a, b + x) (cr_bgnbd_expect.c, bg_expected_quad), the
expectation by mpmath's tanh-sinh quadrature over u = log p for p <= 1/2
and u = log(1 - p) for p >= 1/2, where mpmath's exponents do not underflow,
with breakpoints at the Beta's mean, at p k = 1 / (r + x) and p k = 1, and
at steps of 1 / a (the density in u is exp(a u) near 0) around them.  Each
value is computed at 40 and at 60 digits, and must agree to 1e-13.  P(alive)
= 1 / (1 + a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r + x)), 1 for
x = 0.

The grid (test/unit/test_bgnbd.c, test_tiny_p): r, alpha, t and T in turn
from a few values, x = 0, 1 or 3, and (a, b) with b + x at 1.7e308 or 1e10
times DBL_MAX * a and more, and the mirror (a at 1.7e308, b tiny).  Its
output, C initialisers (r, alpha, a, b, t, x, t_x, T, E[Y]), is kept in
bgnbd_tiny_p_reference.inc beside it.

    /usr/bin/python3 test/reference/bgnbd_tiny_p_reference.py > test/reference/bgnbd_tiny_p_reference.inc
"""
import mpmath
from mpmath import mpf

from bgnbd_extremes_reference import print_grid

DBL_MAX = 1.7976931348623157e308


def p_alive(r, alpha, a, b, x, tx, T):
    if x == 0:
        return mpf(1)
    return 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))


def half(a, beta, n, k, lnorm, upper):
    """the integral over p <= 1/2 (upper: over 1 - p <= 1/2) in u = log(p) (log(1 - p))"""
    e1, e2 = (beta, a) if upper else (a, beta)   # the exponents of the variable and of 1 - it

    def f(u):
        v = mpmath.exp(u)
        p = 1 - v if upper else v
        ld = lnorm + e1 * u + (e2 - 1) * mpmath.log1p(-v)
        pk = p * k
        return mpmath.exp(ld) * -mpmath.expm1(-n * mpmath.log1p(pk)) / p

    top = mpmath.log(mpf(1) / 2)
    mean = mpmath.log(e1 / (a + beta))
    pts = {top}
    for c in [mean, -mpmath.log(n * k), -mpmath.log(k), -mpmath.log((n + 1) * k)]:
        if upper and c != mean:
            continue
        for j in range(-60, 61):
            for scale in (1 / e1, mpf(1)):
                u = c + j * scale * (1 if abs(j) < 8 else 2 ** (abs(j) - 8))
                if u < top:
                    pts.add(u)
    lo = min(pts) - 200 / e1
    pts = sorted(pts | {lo})
    val = mpmath.quad(f, pts, maxdegree=8)
    # and below lo, where the density is exp(e1 u) times at most its value at lo
    return val


def expected(r, alpha, a, b, t, x, tx, T, dps):
    mpmath.mp.dps = dps
    r, alpha, a, b, t, x, tx, T = map(mpf, (r, alpha, a, b, t, x, tx, T))
    n, beta = r + x, b + x
    k = t / (alpha + T)
    # log(1 / B(a, b + x)), whose terms of 1e310 cancel: at digits enough for them
    with mpmath.workdps(dps + 20 + int(mpmath.log10(a + beta))):
        lnorm = -(mpmath.loggamma(a) + mpmath.loggamma(beta) - mpmath.loggamma(a + beta))
    total = half(a, beta, n, k, lnorm, False) + half(a, beta, n, k, lnorm, True)
    return p_alive(r, alpha, a, b, x, tx, T) * total


MODELS = [(1.0, 1.0, 0.0, 1.0), (0.25, 10.0, 5.0, 30.0), (3.7, 0.02, 1.0, 1e6), (1e-3, 1e4, 20.0, 1e-3),
          (50.0, 2.0, 0.5, 2.0)]
AB = [(0.5, 1e308), (0.5, DBL_MAX), (1e-5, 1e304), (0.05, 3e307), (1e-300, 1e10), (0.9, 1e308),
      (1e308, 0.5), (DBL_MAX, 1e-5), (1e307, 0.01)]
XS = [(0.0, 0.0), (1.0, 0.4), (3.0, 0.9)]


def cases():
    out = []
    for i, (a, b) in enumerate(AB):
        for j, (x, txf) in enumerate(XS):
            r, alpha, T, t = MODELS[(i + j) % len(MODELS)]
            out.append(((r, alpha, a, b), t, x, txf * T, T))
    return out


def value(case):
    m, t, x, tx, T = case
    v1 = expected(*m, t, x, tx, T, dps=40)
    v2 = expected(*m, t, x, tx, T, dps=60)
    assert abs(v1 - v2) <= mpf("1e-13") * abs(v2), (case, v1, v2)
    return float(v2)


if __name__ == "__main__":
    print_grid("/* (r, alpha, a, b, t, x, t_x, T, E[Y]): bgnbd_tiny_p_reference.py (mpmath) */",
               cases(), value)
