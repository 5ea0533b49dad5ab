#!/usr/bin/python3
"""Reference values of BG/NBD conditional expected purchases where the
quadrature in p (cr_bgnbd_expect.c, bg_quad_ladder) met its 1e-12 while
missing mass: a and b + x both tiny with the half's mean of p (or 1 - p) at
or above 1/2 (a = b = 1e-10: a mean of exactly 1/2).  In v = p^a (or
(1-p)^(b+x)) every scale of p from 1/2 down lies within a few a of the
top of the ladder's first piece [top/2, top], whose Gauss-Kronrod nodes
are 0.0043 of it from its ends and saw none of them: E[Y] 5e-11 .. 7e-11
off (bgnbd_expected_sweep.sh inputs, seeds 31-40), and 1.4e-9 .. 2.5e-8
at bgnbd_rounded_reference.py's CONTRADICT inputs.

By the quadrature of bgnbd_logquad_more_reference.py (tanh-sinh and
Gauss-Legendre agreeing to 1e-20 in ln E[Y]).

    /usr/bin/python3 test/reference/bgnbd_layer_reference.py > test/reference/bgnbd_layer_reference.inc
"""
import mpmath

import bgnbd_logquad_more_reference as quad
from bgnbd_far_logquad_reference import print_values

LAYER = [
    (0.018834618569362742, 1.2229656114466356e+20, 1e-10, 1e-10, 0.8743677940991667, 0.0, 0.0, 42.95016596725676),
    (1.0, 0.010618299895513173, 1e-10, 1e-10, 389.94941173657026, 0.0, 0.0, 4.491451360767863e+147),
    (2.1570430298742533e-229, 0.05111812374181654, 1e-10, 1e-10, 0.08655137363543339, 0.0, 0.0, 9.04545999809327e-50),
    (10000000000.0, 10000000000.0, 1e-10, 1e-10, 7.012180481440116e-280, 0.0, 0.0, 0.0),
    (2.0683009668952853e+195, 7.458152040167952e+192, 1e-10, 1e-10, 2.0840351130603876e-123, 0.0, 0.0, 0.0),
]


def value(case):
    mpmath.mp.dps = quad.QDPS
    return float(mpmath.exp(quad.ln_expected(case)))


if __name__ == "__main__":
    print_values("bgnbd_layer_reference.py", LAYER, value)
