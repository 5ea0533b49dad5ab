#!/usr/bin/python3
"""Reference values of BG/NBD conditional expected purchases for two
families that came out 1 (or far off) with an error estimate that saw
nothing (cr_bgnbd_expect.c):

- ROUNDED: the series' Euler form 2F1(a+b-1-r, a-1; c; z), c = a+b+x-1,
  beyond z = 0.9, where c - b and c - a, b + x and r + x in truth, lost
  their digits to the rounding of c: b = 1e-300 or 4e-129 beside a - 1
  (c - b 0: E[Y] 1 where it is 1003, 1.2, 2.8e135), or r and x beside
  b = 5.6e279 (c - a 0: 8.3e276 where it is 2e259).  The first from the
  review that found them, the last two from bgnbd_expected_sweep.sh 1.
- KNEE: the quadrature in p with a from 0.06 to 0.5 and its lowest knee
  (n + 1) p k = 1 below the ladder's last breakpoint v = p^a of 2^-40:
  E[Y] 1 where it is 7.4e92 (the review's 40,000 random inputs with a in
  [1e-3, 0.1], tiny b); from those and bgnbd_expected_sweep.sh 1.
- CONTRADICT: a and b both below 1e-4, where the quadrature in p misses
  mass and still meets its 1e-12 (1.4e-9 .. 2.5e-8 off), reached once the
  series counts the rounding of c (its estimate 1e-11 .. 2e-10, its value
  1e-12 .. 2e-11 off): the quadrature in logs decides between them.

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
KNEE = [
    (8.818812747076363e+111, 3.7863340148828986e-192, 0.06259894888962518, 6.109142524138261e-293,
     1.1119814769923155e+299, 0.0, 0.0, 30.88650129430057),
    (2.6488916402431733e+248, 1.4137892021452547, 0.0719827435389392, 6.641377178602561e-271,
     1.958827107913009e+128, 0.0, 0.0, 685.1870466155758),
    (20.4809090560563, 0.03685760079795349, 0.0411248504166158, 1.4993354225827614e-39,
     1.4518228058876899e+106, 0.0, 0.0, 0.0),
    (1e-310, 2.6901007025680993e-227, 0.23134208609673484, 3.5411702244803157e-153,
     7.067401620910892e+249, 0.0, 0.0, 0.0),
    (1.5809281916941107e+222, 607.6179355260991, 0.4755025672405224, 1.8131312779569925e-82,
     2.7290186046202563e+287, 0.0, 0.0, 314.7957629385672),
]

# a and b both tiny (RA of that review): the quadrature in p 1.4e-9, 2.2e-8
# and 2.5e-8 off where the series, counting the rounding of c, handed over
CONTRADICT = [
    (14.45035783147399, 1.1104838482178226e-44, 3.0425876956421622e-05, 4.151912206347075e-05,
     91549.6177512844, 0.0, 0.0, 35.41644521809491),
    (0.004815458261862549, 3.790816082095515e-13, 8.28461676690278e-06, 2.588542352439169e-05,
     670356.7653264836, 0.0, 0.0, 134.4476370939949),
    (0.00843212059122915, 7.969438898759395e-97, 6.945128733495784e-07, 1.3098429686058083e-06,
     1443.0828700968661, 0.0, 0.0, 6.809433543280993),
]


def value(case):
    mpmath.mp.dps = quad.QDPS
    return float(mpmath.exp(quad.ln_expected(case)))


if __name__ == "__main__":
    print_values("bgnbd_rounded_reference.py", ROUNDED + KNEE + CONTRADICT, value)
