#!/usr/bin/python3
"""Reference values of BG/NBD conditional expected purchases at horizons
beyond DBL_MAX times alpha + T (k = t / (alpha + T) infinite as a double),
where the far form fails (NaN) and the quadrature in p
(cr_bgnbd_expect.c, bg_expected_quad) answered with 1 - (1 + p k)^-n taken
for 1: E[Y] 1 where it is 1.07e-251 (r = 1.1e-254), 0.9964 wrong by 4e-3
(r = 0.007), 2.8513e242 wrong by 1.3e-4 (r = 0.031, where n ln(p k) is 9),
6.9e38 where it is 2.2e-282 (r = 5e-324).  From 20,000 random inputs with
r tiny beside a (bgnbd_expected_sweep.sh's edge values) and
bgnbd_expected_sweep.sh 41.

x = 0 (P(alive) 1), and E[Y] = F = E_p[(1 - (1 + p k)^-r) / p] with
p ~ Beta(a, b) in closed form, at 60 digits:
- a and b both beyond 1e40: the Beta's standard deviation is below 1e-20
  of its mean p0 = a / (a + b) and of 1 - p0, so F is the integrand at p0,
  -expm1(-r log1p(p0 k)) / p0, to relative O(1 / min(a, b)) < 1e-40;
- b / a below 1e-300: p is 1 but for O(b / a), F = -expm1(-r log1p(k)) to
  relative O(b / a).
(The quadrature of bgnbd_logquad_more_reference.py misses the Beta's mass
this near p = 1 or this narrow; the closed forms need no quadrature.)

    /usr/bin/python3 test/reference/bgnbd_inf_k_reference.py > test/reference/bgnbd_inf_k_reference.inc
"""
import mpmath
from mpmath import mpf

CASES = [
    (1.1474698313338574e-254, 5.536028367380168e-227, 1e+308, 3.7947928354357356e+42,
     1.785334918385879e+180, 0.0, 0.0, 1.3400009717852026e-273),
    (0.007042119908999311, 8.947060401603847e-163, 1.7e+308, 0.630430333985066,
     9.063514838390914e+184, 0.0, 0.0, 0.0),
    (0.031164767209477574, 6.972938825788436e-117, 5.962277151162452e+65, 1.7e+308,
     1.6563534541887807e+251, 0.0, 0.0, 0.0),
    (5e-324, 6.238133969651875e-124, 2.6828486892583694e+260, 1.847139025358717e+299,
     7.054939868352718e+194, 0.0, 0.0, 0.0),
]
DBL_MAX = mpf(1.7976931348623157e308)


def value(case):
    with mpmath.workdps(60):
        r, alpha, a, b, t, x, tx, T = map(mpf, case)
        assert x == 0
        k = t / (alpha + T)
        assert k > DBL_MAX
        if min(a, b) > mpf(1e40):
            p0 = a / (a + b)
            return -mpmath.expm1(-r * mpmath.log1p(p0 * k)) / p0
        assert b / a < mpf(1e-300)
        return -mpmath.expm1(-r * mpmath.log1p(k))


if __name__ == "__main__":
    print("/* (r, alpha, a, b, t, x, t_x, T, E[Y]): bgnbd_inf_k_reference.py (mpmath) */")
    for c in CASES:
        print("{%s, %.17g}," % (", ".join("%r" % float(u) for u in c), value(c)))
