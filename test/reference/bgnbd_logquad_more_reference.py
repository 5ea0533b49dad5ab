#!/usr/bin/python3
"""More reference values of BG/NBD conditional expected purchases where
only the kernel's quadrature in logarithms answers (cr_bgnbd_expect.c,
bg_expected_logquad), by a quadrature written apart from
bgnbd_tiny_p_reference.py's, from Fader, Hardie & Lee (2005) eq. 10:

    E[Y(t) | x, t_x, T] = P(alive) F,  F = E_p[(1 - (1 + p k)^-(r+x)) / p],
    p ~ Beta(a, b + x),  k = t / (alpha + T),
    P(alive) = 1 / (1 + a / (b + x - 1) ((alpha + T) / (alpha + t_x))^(r+x))
    (1 for x = 0),

F over u = ln p (p <= 1/2) and v = ln(1 - p) (p >= 1/2), the log-integrand
at 50 digits plus those its terms need (ln B's at (a + b + x) ln(a + b + x),
the rest at min(a, b + x) times a log), scaled by its largest value at the
breakpoints (the Beta's mean and steps of 2^-4 .. 2^13 around it, and of
that times its width 1/sqrt(a) or 1/sqrt(b + x); the knees p k = 1,
n p k = 1, (n + 1) p k = 1; e^u = 1/(b+x), 1/a, 1/(n+1)); below 120 under
all of them a closed form.  By tanh-sinh and by Gauss-Legendre, which must
agree to 1e-20 in ln E[Y].

The cases:
- a from 3e8 to 1e13 with b = 1.7e308, x = 0 and n k p far beyond 1, where
  F = E[1/p] = (a + b - 1) / (a - 1) exactly (checked against the
  quadrature): the Beta's peak is 1/sqrt(a) wide in u, and the kernel's
  pieces, 1/8 wide, missed it (F half its value at 3e8 .. 3e9, NaN at 1e10);
  a = 1e10 and one more from bgnbd_expected_sweep.sh 2d2b7b5 12 (NaN
  before and after ed662d2).
- x > 0 with E[Y] beyond DBL_MAX (printed INFINITY): the kernel said NaN
  ("cannot be computed"); from bgnbd_expected_sweep.sh 2d2b7b5 11 .. 14.
- x > 0 with F beyond DBL_MAX and P(alive) of e^-42, E[Y] 5.7e301.

    /usr/bin/python3 test/reference/bgnbd_logquad_more_reference.py > test/reference/bgnbd_logquad_more_reference.inc
"""
import multiprocessing

import mpmath
from mpmath import mpf, log, exp, log1p, expm1, loggamma

DBL_MAX = 1.7976931348623157e308
QDPS = 30


def ln_f(r, alpha, a, b, t, x, T, method):
    """ln F by the quadrature above (method: tanh-sinh or gauss-legendre)"""
    n, beta = r + x, b + x
    with mpmath.workdps(60 + max(0, int(mpmath.log10(a + beta))) + 5):
        lnB = loggamma(a) + loggamma(beta) - loggamma(a + beta)
    hi = 50 + max(0, int(mpmath.log10(min(a, beta) + 1))) + 5
    with mpmath.workdps(hi):
        k = t / (alpha + T)
        lnB = +lnB

        def lh(p):
            return log(-expm1(-n * log1p(p * k)))

        def l_lo(u):
            return -lnB + (a - 1) * u + (beta - 1) * log1p(-exp(u)) + lh(exp(u))

        def l_up(v):
            return -lnB + beta * v + (a - 2) * log1p(-exp(v)) + lh(-expm1(v))

        top = log(mpf(1) / 2)
        halves = []
        for upper in (False, True):
            e1, e2 = (beta, a) if upper else (a, beta)
            lf = l_up if upper else l_lo
            cs = [log(e1 / (a + beta)), -log(n + 1)]
            if e2 > 1:
                cs.append(-log(e2))
            if e1 > 1:
                cs.append(-log(e1))
            if not upper:
                cs += [-log(k), -log(n * k), -log((n + 1) * k)]
            u0 = min(cs + [top]) - 120
            w = 1 / mpmath.sqrt(e1) if e1 > 1 else mpf(1)
            pts = {u0, top}
            for c in cs:
                if u0 < c < top:
                    pts.add(c)
                for s in (mpf(1), w):
                    for j in range(-4, 14):
                        for sg in (-1, 1):
                            u = c + sg * s * mpf(2) ** j
                            if u0 < u < top:
                                pts.add(u)
            pts = sorted(pts)
            if upper:
                ltail = -lnB + lh(mpf(1)) + beta * u0 - log(beta)
            else:
                ltail = -lnB + log(n * k) + a * u0 - log(a)
            halves.append((pts, lf, max([ltail] + [lf(u) for u in pts]), ltail))
        scale = max(h[2] for h in halves)
    total = mpf(0)
    with mpmath.workdps(QDPS):
        for pts, lf, _, ltail in halves:
            def f(u, lf=lf):
                with mpmath.workdps(hi):
                    v = exp(lf(u) - scale)
                return +v
            total += mpmath.quad(f, pts, method=method, maxdegree=10) + exp(ltail - scale)
    with mpmath.workdps(hi):
        return scale + log(total)


def ln_p_alive(r, alpha, a, b, x, tx, T):
    if x == 0:
        return mpf(0)
    with mpmath.workdps(60 + max(0, int(mpmath.log10(r + x + 1)))):
        lo = log(a) - log(b + x - 1) + (r + x) * (log(alpha + T) - log(alpha + tx))
        return -(lo + log1p(exp(-lo))) if lo > 0 else -log1p(exp(lo))


def ln_expected(case):
    mpmath.mp.dps = QDPS
    r, alpha, a, b, t, x, tx, T = map(mpf, case)
    l1 = ln_f(r, alpha, a, b, t, x, T, "tanh-sinh")
    l2 = ln_f(r, alpha, a, b, t, x, T, "gauss-legendre")
    assert abs(l1 - l2) < mpf("1e-20"), (case, l1, l2)
    return l1 + ln_p_alive(r, alpha, a, b, x, tx, T)


NARROW = (1.3346246984809652e+278, 5.286103696823809e-217, None, 1.7e+308,
          8.127701724257754e+111, 0.0, 0.0, 80.78523864080279)
CASES = [NARROW[:2] + (a,) + NARROW[3:] for a in (3e8, 1e9, 3e9, 1e10, 1.7e11, 1e13)] + [
    # bgnbd_expected_sweep.sh 2d2b7b5 12: NaN before and after ed662d2 (the
    # other is the a = 1e10 above)
    (1.0, 5e-324, 172705179468.2651, 1.7e+308, 0.002594775824479114, 0.0, 0.0, 0.0),
    # x > 0, E[Y] beyond DBL_MAX (seeds 11, 11, 13): NaN, "cannot be computed"
    (2.8514376586753e+165, 2.1085609322141965e+43, 6.422108513318591e-57, 3.3355005515900216e+254, 6.287421053045888e+197, 88.0, 8.721091012264145e-245, 1.0374134428918837e-244),
    (4.11546130137935e+196, 10000000000.0, 1.573438444110755e-260, 1.0113381834476783e+50, 2.3395164007416121e+285, 599628.0, 3.016819483363273e-275, 1.1778604867612718e-274),
    (1.4762738684922003e+75, 0.051948997612450476, 6.671857811212652e-66, 5.475645591926223e+306, 7.894281377701336e+272, 2602979.0, 5.483038698756291e-161, 2.02378179413842e-160),
    # the first of those with T - t_x of 5.6e-120: P(alive) e^-42, E[Y] finite
    (2.8514376586753e+165, 2.1085609322141965e+43, 6.422108513318591e-57, 3.3355005515900216e+254, 6.287421053045888e+197, 88.0, 1e-200, 5.6e-120),
]


def closed_form(case):
    a, b = mpf(case[2]), mpf(case[3])
    return log((a + b - 1) / (a - 1))


if __name__ == "__main__":
    mpmath.mp.dps = QDPS
    with multiprocessing.Pool() as pool:
        values = pool.map(ln_expected, CASES)
    print("/* (r, alpha, a, b, t, x, t_x, T, E[Y]): bgnbd_logquad_more_reference.py (mpmath) */")
    for i, (c, lv) in enumerate(zip(CASES, values)):
        if i < 6:
            # n k p beyond 1e80 wherever the Beta has mass: F = E[1/p]
            assert abs(lv - closed_form(c)) < mpf("1e-20"), (c, lv, closed_form(c))
        ev = "INFINITY" if lv > mpmath.log(DBL_MAX) else "%.17g" % float(mpmath.exp(lv))
        print("{%s, %s}," % (", ".join("%r" % float(u) for u in c), ev))
