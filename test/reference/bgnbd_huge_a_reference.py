#!/usr/bin/python3
"""Reference values of BG/NBD conditional expected purchases with a beyond
1e20 (b + x)^2 and b + x >= 1, where the quadrature in p (cr_bgnbd_expect.c,
bg_expected_quad) integrates 1 - p over the upper half: its log-density,
ln(1/B(a, b+x)) + (b+x-1) ln(1 - p) + ..., was a difference of terms of 8000
(a = 1e281) and lost 1e-12 of E[Y] (r = 7.04e-251, a = 8.75e280, b = 12.98:
3.3e-13 off; within 0.5% of those inputs up to 3.2e-12; r = 4e94,
a = 1.4e280, b = 14.7: 1.3e-12).  From bgnbd_expected_sweep.sh 2 and a
random neighbourhood of the first.

x = 0 (P(alive) 1) and b / a below 1e-270: p is 1 but for O(b / a), and
E[Y] = F = -expm1(-r log1p(k)), k = t / (alpha + T), to relative O(b / a)
(as bgnbd_inf_k_reference.py), at 60 digits.

    /usr/bin/python3 test/reference/bgnbd_huge_a_reference.py > test/reference/bgnbd_huge_a_reference.inc
"""
import mpmath
from mpmath import mpf

CASES = [
    (7.04e-251, 1.54e-65, 8.75e280, 12.98, 2.69e-94, 0.0, 0.0, 1.28e-71),
    (7.0288628584829373e-251, 1.5392953669085663e-65, 8.7249635900098156e+280, 13.853626607183447,
     2.6887468997076261e-94, 0.0, 0.0, 1.2764250341153925e-71),
    (7.017098588281871e-251, 1.5333142934559564e-65, 8.7645355196457005e+280, 9.9193047875447249,
     2.6987978761315602e-94, 0.0, 0.0, 1.2821862406635535e-71),
    (3.962583655971944e+94, 1.2677291403235523e+114, 1.4426823365518972e+280, 14.655310339625943,
     2.478061729577488e+130, 0.0, 0.0, 0.0755874711420899),
]


def value(case):
    with mpmath.workdps(60):
        r, alpha, a, b, t, x, tx, T = map(mpf, case)
        assert x == 0 and b / a < mpf(1e-270)
        k = t / (alpha + T)
        return -mpmath.expm1(-r * mpmath.log1p(k))


if __name__ == "__main__":
    print("/* (r, alpha, a, b, t, x, t_x, T, E[Y]): bgnbd_huge_a_reference.py (mpmath) */")
    for c in CASES:
        print("{%s, %.17g}," % (", ".join("%r" % float(u) for u in c), value(c)))
