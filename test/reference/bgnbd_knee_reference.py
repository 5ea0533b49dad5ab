#!/usr/bin/python3
"""Reference values of BG/NBD conditional expected purchases where the
quadrature in p (cr_bgnbd_expect.c, bg_expected_quad) integrates the lower
half over v = p^a with a tiny: the integrand's knees p k = 1, n p k = 1,
(n + 1) p k = 1 lie at v = (1/k)^a .. within a few a of one another and of
v = 1, a step the pieces' Gauss-Kronrod nodes all missed.

- r = 2, alpha = 5.4e-293, b = 1e-300, t = 196.3, x = 0 (k = 3.7e294), a
  from 2.5e-6 to 1e-9, and a = 2.74e-7 (bgnbd_expected_sweep.sh fa0470e
  213): Beta(a, b) puts b / (a + b) of its mass near p = 0, where the
  integrand is n k, and E[Y] carries the factor (1/k)^a = 1 - a ln k that
  the nodes missed: 6.7e-5 .. 1.3e-3 off since 00c5d06 (which sent these
  to the quadrature in p, the far form's estimate counting a's lost
  digits); the far form had been 1e-12 .. 7e-7 off.
- x > 0 and other parameters from the sweeps (seeds 101 .. 224) where the
  knees moved E[Y] by more than 1e-12.

By the quadrature of bgnbd_logquad_more_reference.py (tanh-sinh and
Gauss-Legendre agreeing to 1e-20), and for the first three also by
mpmath's 2F1 at 700 digits (bgnbd_far_logquad_reference.py; below a = 2.7e-7
it takes minutes): the two must agree to 1e-18.

    /usr/bin/python3 test/reference/bgnbd_knee_reference.py > test/reference/bgnbd_knee_reference.inc
"""
import mpmath
from mpmath import mpf

import bgnbd_logquad_more_reference as quad
from bgnbd_far_logquad_reference import by_hyp2f1, print_values

FAMILY = [(2.0, 5.367664148628267e-293, a, 1e-300, 196.3259704666772, 0.0, 0.0, 0.0)
          for a in (2.5e-6, 1e-6, 2.7379688395918466e-07, 1e-7, 1e-9)]
SWEEP = [
    # a = 1e-10 (seeds 13 and 15 of 00c5d06's sweeps; 208, 223): 6e-8 and
    # 1.9e-12 off by the quadrature in p, 8.3e-8 and 2.7e-14 by the far form
    (2.0, 6.347478384601231e-259, 1e-10, 4.109481569145846e-129, 390.61717169736204, 0.0, 0.0, 0.0),
    (4.0957625630489585e-208, 12.59827672705261, 1e-10, 66.67200828455054, 2.3966898465544707e+32,
     44.0, 88.08689729106642, 232.42613420808388),
    (1.778723289482883e+200, 10.141571682973693, 1e-10, 1.428128514513916e-132, 0.22956654380517963,
     0.0, 0.0, 0.1957754755561876),
    (8.547014990626403e-153, 2.546963331972422, 1e-10, 1.4039708015772852e-40, 3.9461490482009107e+124,
     184.0, 0.0017293523791285066, 0.01801328333526057),
]


def value(case):
    mpmath.mp.dps = quad.QDPS
    lq = quad.ln_expected(case)
    if case in FAMILY[:3]:
        ls = by_hyp2f1(*case)
        assert abs(ls - lq) < mpf("1e-18"), (case, ls, lq)
    return float(mpmath.exp(lq))


if __name__ == "__main__":
    print_values("bgnbd_knee_reference.py", FAMILY + SWEEP, value)
