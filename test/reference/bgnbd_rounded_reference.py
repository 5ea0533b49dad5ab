#!/usr/bin/python3
"""Reference values of BG/NBD conditional expected purchases that came out
1 (or far off) with an error estimate that saw nothing (cr_bgnbd_expect.c):

- ROUNDED: the series' Euler form 2F1(a+b-1-r, a-1; c; z), c = a+b+x-1,
  beyond z = 0.9, where c - b and c - a, b + x and r + x in truth, lost
  their digits to the rounding of c: b = 1e-300 or 4e-129 beside a - 1
  (c - b 0: E[Y] 1 where it is 1003, 1.2, 2.8e135), or r and x beside
  b = 5.6e279 (c - a 0: 8.3e276 where it is 2e259).  The first from the
  review that found them, the last two from bgnbd_expected_sweep.sh 1.

By the quadrature of bgnbd_logquad_more_reference.py (tanh-sinh and
Gauss-Legendre agreeing to 1e-20 in ln E[Y]).

    /usr/bin/python3 test/reference/bgnbd_rounded_reference.py > test/reference/bgnbd_rounded_reference.inc
"""
import mpmath

import bgnbd_logquad_more_reference as quad
from bgnbd_far_logquad_reference import print_values

ROUNDED = [
    (2.0, 1.0, 9.999999999999e-4, 1e-300, 1e300, 0.0, 0.0, 0.0),
    (2.0, 1.0, 1e-2, 1e-300, 1e300, 0.0, 0.0, 0.0),
    (2.0, 6.347478384601231e-259, 1e-3, 4.109481569145846e-129, 390.61717169736204, 0.0, 0.0, 0.0),
    (225.721701652497, 244.42531053309915, 677.5202028497266, 5.593611261402922e+279,
     2.1491592592887684e+259, 2.0, 1.8841095331438014, 3.252848966144657),
    (2.482464424803347e-76, 0.0025970862279488614, 367.9277228773152, 8.362729914695611e+202,
     792.8985400850215, 0.0, 0.0, 0.0),
]


def value(case):
    mpmath.mp.dps = quad.QDPS
    return float(mpmath.exp(quad.ln_expected(case)))


if __name__ == "__main__":
    print_values("bgnbd_rounded_reference.py", ROUNDED, value)
