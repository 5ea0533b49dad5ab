#!/usr/bin/python3
"""Reference values of BG/NBD conditional expected purchases where the Beta
of p lies beyond the double range: b + x beyond DBL_MAX times a (the mean of
p, a / (a + b + x), underflows: every member's dropout probability below
1e-308), or a beyond DBL_MAX times b + x (1 - p below 1e-308).

E[Y(t) | x, t_x, T] = P(alive) E_p[(1 - (1 + p k)^-(r+x)) / p], k = t /
(alpha + T), p ~ Beta(a, b + x) (cr_bgnbd_expect.c, bg_expected_quad), the
expectation by mpmath's Gauss-Legendre quadrature over u = log p for
p <= 1/2 and u = log(1 - p) for p >= 1/2, where mpmath's exponents do not
underflow, of the integrand scaled to about 1, with breakpoints around the
Beta's mean and the integrand's knees and a closed form below them (half).  Each
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


def pieces(centers, lo, top, width=mpf(1)):
    """breakpoints in (lo, top): each center and 1/8, 1/4, 1/2, ... either
    side of it, and as many steps of width / 8, width / 4, ... where width
    (the Beta's, 1/sqrt(a) or 1/sqrt(b + x) in u) is below 1"""
    pts = {lo, top}
    for c in centers:
        if lo < c < top:
            pts.add(c)
        for s in ((mpf(1), width) if width < 1 else (mpf(1),)):
            d = s / 8
            while c - d >= lo or c + d <= top:
                for u in (c - d, c + d):
                    if lo < u < top:
                        pts.add(u)
                d *= 2
    return sorted(pts)


def half(a, beta, n, k, lnorm, upper):
    """the integral over p <= 1/2 (upper: over 1 - p <= 1/2) in u = log(p) (log(1 - p)).

    Numerically from u0, 80 below every feature (the Beta's mean, e^u at
    1/(b+x), 1/a and 1/(n+1), the knees p k = 1, n p k = 1 and (n+1) p k = 1),
    to log(1/2); below u0 the integrand is its limit (n k, or its value at
    p = 1) times exp(e1 u) to e^-80 relatively: a closed form.  The integrand
    is scaled to a largest value of 1 at the breakpoints: mpmath's quad stops
    at an absolute error of 10^-dps, so an integrand of 1e-250 was taken at
    its first degree (1e-7 off) and one of 1e300 never converged (it returned
    3.8e45 for E[Y] = 4.2e309 at a = 2.2e-181, b = 3.2e-102).  The earlier
    lower limit, 200 / a below the features, put pieces of 1e183 where the
    integrand is flat; the closed form replaces them."""
    e1, e2 = (beta, a) if upper else (a, beta)   # the exponents of the variable and of 1 - it

    def lg(p):
        return mpmath.log(-mpmath.expm1(-n * mpmath.log1p(p * k))) - mpmath.log(p)

    def lf(u):
        v = mpmath.exp(u)
        p = 1 - v if upper else v
        return lnorm + e1 * u + (e2 - 1) * mpmath.log1p(-v) + lg(p)

    top = mpmath.log(mpf(1) / 2)
    centers = [mpmath.log(e1 / (a + beta)), -mpmath.log(n + 1)]
    if e2 > 1:
        centers.append(-mpmath.log(e2))
    if not upper:
        centers += [-mpmath.log(k), -mpmath.log(n * k), -mpmath.log((n + 1) * k)]
    u0 = min(centers + [top]) - 80
    # where e1 is large the density in u is a peak 1/sqrt(e1) wide (e^(e1 u)
    # against (1 - e^u)^(e2 - 1)), which steps of 1/8 and more can step over
    # (a = 1e10, b = 1.7e308, x = 0 with n k p far beyond 1, where E[Y] =
    # (a + b - 1) / (a - 1): half that value, one side of the peak met, at
    # 40 and 60 digits alike), so steps of that width around each center too
    pts = pieces(centers, u0, top, 1 / mpmath.sqrt(e1) if e1 > 1 else mpf(1))
    ltail = lnorm + (lg(mpf(1)) if upper else mpmath.log(n * k)) + e1 * u0 - mpmath.log(e1)
    scale = max([ltail] + [lf(u) for u in pts])
    body = mpmath.quad(lambda u: mpmath.exp(lf(u) - scale), pts, method="gauss-legendre")
    return (body + mpmath.exp(ltail - scale)) * mpmath.exp(scale)


def expected(r, alpha, a, b, t, x, tx, T, dps):
    mpmath.mp.dps = dps
    r, alpha, a, b, t, x, tx, T = map(mpf, (r, alpha, a, b, t, x, tx, T))
    n, beta = r + x, b + x
    k = t / (alpha + T)
    # log(1 / B(a, b + x)), whose terms of 1e310 cancel: at digits enough for
    # them (and no fewer than dps + 20 where a + b + x is tiny: 101 digits
    # fewer at a + b + x = 3e-102 left none, and E[Y] of 4.2e309 was 3.8e45)
    with mpmath.workdps(dps + 20 + max(0, int(mpmath.log10(a + beta)))):
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


def check_narrow():
    """the narrow peak: a from 3e8 to 1e10 with b = 1.7e308, x = 0 and n k p
    far beyond 1 wherever the Beta has mass, where E[Y] = E[1/p] =
    (a + b - 1) / (a - 1) exactly (1e-858 and 1e-38328 before the width
    steps)"""
    for a in (3e8, 1e10):
        c = (1.3346246984809652e+278, 5.286103696823809e-217, a, 1.7e+308, 8.127701724257754e+111,
             0.0, 0.0, 80.78523864080279)
        v = expected(*c, dps=40)
        exact = (mpf(a) + mpf(1.7e308) - 1) / (mpf(a) - 1)
        assert abs(v / exact - 1) < mpf("1e-20"), (c, v, exact)


if __name__ == "__main__":
    check_narrow()
    print_grid("/* (r, alpha, a, b, t, x, t_x, T, E[Y]): bgnbd_tiny_p_reference.py (mpmath) */",
               cases(), value)
