#!/usr/bin/python3
"""Reference values of BG/NBD conditional expected purchases where the
series and the far-horizon form were both off by more than 1e-12 while
the quadrature in p failed (cr_bgnbd_expect.c, cr_bgnbd_expected_factor:
since then the quadrature in logarithms answers there).

- r = 1e-6, a = 0.9992, b from 1e-8 to 1e-4, x = 0 at a horizon of 1e300
  times alpha + T: the series (1 - f) / (a - 1) and the far form each keep
  about 1e-11 (their error estimates) and were 3e-13 .. 3.2e-12 off, and
  with the horizon beyond 1/DBL_MIN times alpha + T the far form alone
  answered, 1e-13 .. 4e-13 off.  Here E[Y] = (a+b-1)/(a-1) (1 - w^(a-1)
  2F1(a+b-1-r, a-1; a+b-1; 1-w)), w = (alpha+T)/(alpha+T+t), at 700
  digits (1 - w needs 300 of them), and by the quadrature of
  bgnbd_logquad_more_reference.py; the two must agree to 1e-18.
- a below 1e-16 (a - 1 rounded to -1, the far form's 1/Gamma(1 + (a - 1))
  then 0) with b + x far beyond a and the horizon beyond 1/DBL_MIN times
  alpha + T (bgnbd_expected_sweep.sh HEAD 15 and 2): the far form, whose
  error estimate said 1.1e-12 and 1.4e-12, was 7e-7 and 1.2e-3 off.  And
  two more of the sweeps where the far form was 2.5e-11 and 2.7e-12 off.
  By the quadrature alone (tanh-sinh and Gauss-Legendre agreeing to 1e-20).

    /usr/bin/python3 test/reference/bgnbd_far_logquad_reference.py > test/reference/bgnbd_far_logquad_reference.inc
"""
import multiprocessing

import mpmath
from mpmath import mpf

import bgnbd_logquad_more_reference as quad


def by_hyp2f1(r, alpha, a, b, t, x, tx, T):
    r, alpha, a, b, t, x, tx, T = map(mpf, (r, alpha, a, b, t, x, tx, T))
    assert x == 0
    with mpmath.workdps(700):
        w = (alpha + T) / (alpha + T + t)
        f = w ** (a - 1) * mpmath.hyp2f1(a + b - 1 - r, a - 1, a + b - 1, 1 - w)
        return mpmath.log((a + b - 1) / (a - 1) * (1 - f))


SERIES = [(1e-6, 1.0, 0.9992, b, 1e300, 0.0, 0.0, 1.0) for b in (1e-4, 1e-5, 1e-6, 1e-8)] + [
    (1e-6, 1.0, 0.9992, 1e-4, 1e300, 0.0, 0.0, 0.0),
    # the horizon beyond 1/DBL_MIN times alpha + T: the far form first
    (1e-6, 1e-10, 0.9992, 1e-4, 1e300, 0.0, 0.0, 0.0),
    (1e-6, 1e-10, 0.9992, 1e-6, 1e300, 0.0, 0.0, 0.0),
    (1e-6, 1e-30, 0.9992, 1e-4, 1e300, 0.0, 0.0, 0.0),
]
SWEEP = [
    (1.7917247343176375e-249, 1e-310, 1.0508215307955035e-152, 1.8078731984566296e+304,
     8.228846302222493e+245, 0.0, 0.0, 0.0),
    (1e-300, 1.1296010493277235e-166, 6.634753778692264e-189, 1.134567264501851e+121,
     1.8302924553986297e+261, 0.0, 0.0, 0.0),
    (7.0358612127013995e-186, 6.1741598790248495e-233, 7.250007565552442e-68, 5.994622790487516e+245,
     2.1445973880798884e+209, 0.0, 0.0, 3.086184292335295e-297),
    (9.80950302198983e-165, 1e-300, 9.418169865670472e-85, 5.471445885888637e+232,
     1.9990633649972326e+108, 0.0, 0.0, 0.0),
]


def value(case):
    mpmath.mp.dps = quad.QDPS
    lq = quad.ln_expected(case)
    if case in SERIES:
        ls = by_hyp2f1(*case)
        assert abs(ls - lq) < mpf("1e-18"), (case, ls, lq)
    return float(mpmath.exp(lq))


def print_values(script, cases, fn):
    """the .inc: fn(case) for each case (in parallel), by script"""
    with multiprocessing.Pool() as pool:
        values = pool.map(fn, cases)
    print("/* (r, alpha, a, b, t, x, t_x, T, E[Y]): %s (mpmath) */" % script)
    for c, v in zip(cases, values):
        print("{%s, %.17g}," % (", ".join("%r" % float(u) for u in c), v))


if __name__ == "__main__":
    print_values("bgnbd_far_logquad_reference.py", SERIES + SWEEP, value)
