#!/usr/bin/python3
"""Reference values of BG/NBD conditional expected purchases where every
form of the kernel but its quadrature in logarithms fails
(cr_bgnbd_expect.c, bg_expected_logquad): n k far beyond DBL_MAX with n
tiny (r = 5e-324, 1e-310) or a or b + x beyond the double range's reach,
E[Y] from 1e-267 to beyond DBL_MAX.  Until then the kernel answered NaN
("cannot be computed"), and +inf before 2f70911, at each of them.

Values by bgnbd_tiny_p_reference.py's quadrature (mpmath, in log p, the
integrand scaled to about 1), at 40 and 60 digits, which must agree to
1e-13.  The cases: the 17 inputs of bgnbd_expected_sweep.sh 9fa0683 7
(seed 7) that went from +inf to NaN; then, from seeds 1, 2, 3, 8 and 9:
values beyond DBL_MAX (printed INFINITY: the kernel's +inf, x = 0), large
a with b + x near DBL_MAX (the log-density's terms of 4e4 had cost 5e-12),
x > 0, subnormal answers (a = DBL_MAX, b = 1e-5, x = 1: 5.5e-321) and
answers below the smallest subnormal (printed 0).  One case has a closed
form: r = 1e-300, a = 0.5, b = 1, x = 0 gives E[Y] = r pi sqrt(k) to
1e-200 (the integral of s^-1.5 ln(1 + s) over s > 0 is 2 pi).

    /usr/bin/python3 test/reference/bgnbd_logquad_reference.py > test/reference/bgnbd_logquad_reference.inc
"""
import multiprocessing

import mpmath
from mpmath import mpf

from bgnbd_tiny_p_reference import expected

DBL_MAX = 1.7976931348623157e308

# r, alpha, a, b, t, x, t_x, T
CASES = [
    # bgnbd_expected_sweep.sh 9fa0683 7: +inf then, NaN until this script
    (1e-310, 1.4643982361347393e-210, 6.99206853521719e-126, 1.1172307513247015e+302, 1.2889513755487027e+209, 0.0, 0.0, 0.0),
    (1.2146800291621457e-147, 9.257331706768392e-298, 2.5731526228402556e-150, 2.7042429597682636e-212, 7.7094078132359935e+93, 0.0, 0.0, 0.0),
    (5e-324, 3.463805568869777e-205, 0.18961952333654747, 15.825142313998489, 1.4037027324830534e+279, 0.0, 0.0, 0.0),
    (5e-324, 1.116088417065473e-68, 1.2417110573641025e-281, 1e-300, 3.3430750136076824e+255, 0.0, 0.0, 0.0),
    (3.2620813225220913e+221, 5e-324, 0.5, 6.018951884210283e+68, 190.6801511979178, 0.0, 0.0, 0.0),
    (1e-300, 1.4089718372517585e-272, 0.001982503209101754, 1e-310, 2.3450496406078365e+69, 0.0, 0.0, 0.0),
    (1e-310, 1e-300, 8.509951047322601e-290, 2.0, 3.517079680518071e+146, 0.0, 0.0, 0.0),
    (1e-310, 1e-310, 6.226080428612081e-132, 3.522356221923558e+301, 4.644767431101967e+163, 0.0, 0.0, 0.0),
    (1e-300, 5e-324, 0.5, 1.3720706586865596e+179, 1.0908594002097854e+211, 0.0, 0.0, 1.26034263392909e-233),
    (1e-310, 2.3650107523053786e-228, 7.586796998777337e-79, 145.98872468451202, 7.456644545699881e+124, 0.0, 0.0, 0.0),
    (3.2825258850916417e-34, 5e-324, 0.027665052943893306, 1e+300, 0.001966835320032844, 0.0, 0.0, 0.0),
    (1e-300, 1.0209051976454412e-142, 0.5, 1.0, 1.2059332233057862e+299, 0.0, 0.0, 0.0),
    (2.31575682127313, 1e-310, 1.2502198564934336e-132, 1.1671672561677856e-158, 997.0408913058795, 0.0, 0.0, 0.0),
    (2.622929178714129e+19, 1e-310, 0.013830443956045177, 1e-310, 249.85426949651978, 0.0, 0.0, 0.0),
    (4.535226988708378e+215, 5e-324, 0.7146180157070244, 2.0, 0.14400891267156932, 0.0, 0.0, 0.0),
    (5e-324, 1e-300, 1e-300, 4.276304476526448e+232, 5.367812487786136e+267, 0.0, 0.0, 0.0),
    (5e-324, 4.412344851544963e-123, 7.332474234575623e-249, 127.75179507336739, 2.6059199905987477e+264, 0.0, 0.0, 0.0),
    # beyond DBL_MAX (x = 0: +inf); the second is bgnbd_tiny_p_reference.py's
    # old 3.8e45 (2f70911), n k = 4.2e309 in truth
    (0.16281413433449174, 1e-310, 5.982891073836015e-245, 2.517323324169316e+307, 0.27698438346159443, 0.0, 0.0, 0.0),
    (9.979964602709214e-38, 5e-324, 2.15424671869448e-181, 3.1875917235041565e-102, 2.100505819162031e+23, 0.0, 0.0, 0.0),
    # large a, b + x near DBL_MAX
    (1e+300, 1.0, 49.015869147065864, 7.524222349836029e+264, 4.175023149188144e+229, 0.0, 0.0, 0.0030439647415147386),
    (1.7e+308, 3.328727305795486e+60, 103.39014302953254, 7.930031322094243e+193, 1.7963300387478903e+210, 0.0, 0.0, 0.0),
    (6.324193539895693e+101, 585.0499368779389, 45.221661328926814, 1e+300, 7.578095163025133e+278, 4.0, 5.835433703102702e-288, 3.986865272026803e-287),
    # x > 0
    (26.921523316225052, 0.3097290695082857, 1.0, 1.7e+308, 0.06869096028564384, 298366.0, 4.004039940426302e-194, 4.392614614369729e-194),
    (4.773912833768848e+47, 12.177234047305403, 1.0, 324.2884450901488, 1.2625425303682975e+218, 10.0, 9.572318464422244e-219, 1.1900463461063372e-218),
    (4.8487890764342956e-185, 5e-324, 1.1191170613619057, 1.7e+308, 5.4968559631531274e-244, 819.0, 2.475323517526811e-206, 2.6266008178917967e-206),
    # a subnormal answer (NaN before), and one below 5e-324 (0)
    (0.001, 10000.0, DBL_MAX, 1e-05, 0.001, 1.0, 8.0, 20.0),
    (0.02156552894529213, 3.231914968618616e+192, 1.0, 1.7e+308, 7.981101787859609e-148, 0.0, 0.0, 0.0),
]


def value(case):
    v1 = expected(*case, dps=40)
    v2 = expected(*case, dps=60)
    assert abs(v1 - v2) <= mpf("1e-13") * abs(v2), (case, v1, v2)
    return v2


if __name__ == "__main__":
    with multiprocessing.Pool() as pool:
        values = pool.map(value, CASES)
    print("/* (r, alpha, a, b, t, x, t_x, T, E[Y]): bgnbd_logquad_reference.py (mpmath) */")
    for c, v in zip(CASES, values):
        ev = "INFINITY" if v > DBL_MAX else "%.17g" % float(v)
        print("{%s, %s}," % (", ".join("%r" % float(u) for u in c), ev))
    # the closed form beside its quadrature value (case 12)
    mpmath.mp.dps = 40
    r, alpha, t = mpf(1e-300), mpf(1.0209051976454412e-142), mpf(1.2059332233057862e+299)
    print("/* closed form of case 12: r pi sqrt(t / alpha) = %s */" % mpmath.nstr(r * mpmath.pi * mpmath.sqrt(t / alpha), 20))
