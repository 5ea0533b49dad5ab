#!/usr/bin/python3
"""Reference values of BG/NBD conditional expected purchases with r, or
r + x beside a - 1, at or near the bottom of the double range, where the
far-horizon form (cr_bgnbd_expect.c, bg_expected_far_err) swaps n = r + x
and e = a - 1 and multiplies by n / e, and where the quadrature in p takes
n log1p(p k):

- RATIO: n / e subnormal or 0 (r = 5e-324 beside a = 278: E[Y] 0 where it
  is 8.7e-277, the far form's error estimate 4.4e-16; r = 1e-310 beside
  a = 1.9e8: 3.3e-6 off), and the far form's -expm1(mu lam) / mu with
  mu lam subnormal (lam rounded to a whole number, 1.1e-4 off).  For
  these x = 0, r tiny and p k far beyond 1 over the whole Beta mass, so
  E[Y] = r (a+b-1)/(a-1) (ln k + psi(a-1) - psi(a+b-1)) to relative
  O(r ln k + 1 / (p k)): checked against the quadrature to 1e-15.  The
  review that found the first two; the rest made to reach the far form
  first (a horizon beyond 1/DBL_MIN times alpha + T).
- OVERFLOW: a near DBL_MAX with r tiny, where the far form's c (1 - f) / n
  passes DBL_MAX while F, that times n / e, is small (E[Y] 1 where it is
  9e-126, or inf where it is 0.98); bgnbd_expected_sweep.sh 1 .. 12.
- QUAD: r = 5e-324 or 1e-310 where the answer moved from 1e-11 .. 3e-3
  off to 1e-15 with these changes (n log1p(p k) subnormal while n p k is
  not: its digits lost in the quadrature in p); the same sweeps.
- DEEP: n / e far below DBL_MIN (see below).

By the quadrature of bgnbd_logquad_more_reference.py (tanh-sinh and
Gauss-Legendre agreeing to 1e-20 in ln E[Y]).

    /usr/bin/python3 test/reference/bgnbd_tiny_r_reference.py > test/reference/bgnbd_tiny_r_reference.inc
"""
import mpmath
from mpmath import mpf

import bgnbd_logquad_more_reference as quad
from bgnbd_far_logquad_reference import print_values

RATIO = [
    (5e-324, 0.3594, 277.996, 8.92e46, 4.46e281, 0.0, 0.0, 0.0),
    (1e-310, 6.48e-142, 1.9275e8, 6.85e58, 65.28, 0.0, 0.0, 0.0),
    (1e-310, 1e-200, 1.9275e8, 6.85e58, 1e120, 0.0, 0.0, 0.0),
    (5e-324, 1e-200, 277.996, 8.92e46, 1e120, 0.0, 0.0, 0.0),
]
OVERFLOW = [
    (1.132798079806708e-128, 1e-310, 2.932939519570316e+306, 2.8382835521180917e-146,
     8.923091889693656e+37, 0.0, 0.0, 0.0),
    (3.4754281349907693e-137, 1e-300, 3.059624379362293e+306, 1.6312250867118022e-201,
     6.094498394939878e+132, 0.0, 0.0, 0.0),
    (1e-10, 1e-300, 2.5732340617131916e+307, 2.8276743388718073e-89, 4.121639887687122e+103,
     0.0, 0.0, 0.0),
    (0.009999060845850496, 1e-300, 1.4786064721045638e+307, 1.0189614092531519e-294,
     1.6189774938211532e+36, 0.0, 0.0, 0.0),
]
QUAD = [
    (5e-324, 6.789987709609543e+50, 0.5, 6.045933781671741e+183, 4.1185018346471266e+253,
     0.0, 0.0, 0.003300138026478172),
    (5e-324, 1.0794726271593833e-223, 0.5, 455.5142664990932, 0.9618352711288285,
     0.0, 0.0, 8.673998850858198e-300),
    (1e-310, 1.5204739857281836e-195, 762.6903322623955, 0.013349047238061464,
     1.4159631442701888e+158, 0.0, 0.0, 0.0),
]

# n / e below 2^-600 DBL_MIN (r = 3.8e-203 beside a = 1.4e301: n / e of
# 2.7e-504), where the far form's n 2^600 / e was subnormal still (E[Y] 12%
# off); a >> b + x, so p is 1 but for O(b / a) and E[Y] = r ln(1 + k) to
# relative O(r ln k + b / a).  From bgnbd_expected_sweep.sh 8 and 11.  By
# that alone: the quadrature above misses the Beta's mass within 1e-334
# of p = 1 (it gives 1e-4251).
DEEP = [
    (3.8280939444504437e-203, 2.310400686744107e-194, 1.4151474501789578e+301, 1.4038562870352754e-33,
     7.209421144428067e+145, 0.0, 0.0, 3.6257063581378246e-274),
    (1.2882343933279775e-203, 2.0418831013631945e-231, 3.189247371637432e+300, 7.51224702645355e-166,
     6.354938172614928e+225, 0.0, 0.0, 0.0),
]


def by_first_order(r, alpha, a, b, t, x, tx, T):
    """ln E[Y] to first order in r, p k >> 1 (x = 0)"""
    r, alpha, a, b, t, T = map(mpf, (r, alpha, a, b, t, T))
    with mpmath.workdps(60):
        k = t / (alpha + T)
        return mpmath.log(r * (a + b - 1) / (a - 1) *
                          (mpmath.log(k) + mpmath.digamma(a - 1) - mpmath.digamma(a + b - 1)))


def value(case):
    mpmath.mp.dps = quad.QDPS
    if case in DEEP:
        r, alpha, t, T = map(mpf, (case[0], case[1], case[4], case[7]))
        with mpmath.workdps(60):
            return float(r * mpmath.log1p(t / (alpha + T)))
    lq = quad.ln_expected(case)
    if case in RATIO:
        l1 = by_first_order(*case)
        assert abs(l1 - lq) < mpf("1e-15"), (case, l1, lq)
    return float(mpmath.exp(lq))


if __name__ == "__main__":
    print_values("bgnbd_tiny_r_reference.py", RATIO + OVERFLOW + QUAD + DEEP, value)
