#!/usr/bin/python3
"""Reference values of BG/NBD predictions at extreme but valid inputs (mpmath).

E[Y(t) | x, t_x, T] of Fader, Hardie and Lee (2005, eq. 10) in its published
form,

    (a+b+x-1)/(a-1) [1 - w^(r+x) 2F1(r+x, b+x; a+b+x-1; 1-w)] P(alive),
    w = (alpha+T) / (alpha+T+t),

and P(alive) = 1 / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)) (1 for
x = 0), evaluated with mpmath at a precision that covers the digits the
formula cancels: 40 digits plus one for each power of ten of the largest
input, of w (1 - w must not round to 1) and of t / (alpha+T) (1 - w^(r+x) 2F1
is about (r+x) t / (alpha+T) for short horizons).  At a = 1, where the form
is 0/0, it is the mean of the values at a -+ h, h = 10^-(digits/3), with a
third more digits for the ones h costs.  Every value is computed twice, the
second time with 40 digits more, and must agree to 1e-13.

The cases are those test/unit/test_bgnbd.c (test_far_horizon) checks:
horizons far beyond alpha + T with r from 1e-6 to 1e8 and a near 1, where
the kernel raised 22003 or was 1e-8 to 20% off, and P(alive) below the
normal range; then three values of (ln Gamma(x+e) - ln Gamma(x)) / e for
its cr_lgamma_slope and four second divided differences of ln Gamma for
cr_lgamma_dd2; then the inputs where the series, the far form and the
quadrature compete for E[Y] (test_series_choice).  With --grid it prints the grid of test_far_grid instead
(far horizons, r tiny, a near 1), kept in bgnbd_far_grid_reference.inc.

    /usr/bin/python3 test/reference/bgnbd_extremes_reference.py

prints them as C initialisers; its output is kept beside it in
bgnbd_extremes_reference.txt.
"""
import mpmath
from mpmath import mpf

# (r, alpha, a, b), t, x, t_x, T
CASES = [
    # r >= 1e5 and a within 1e-3 of 1, horizons of 1e160 and more (22003)
    ((1e5, 1e5, 1.001, 2.0), 1e250, 0, 0.0, 0.0),
    ((1e6, 10.0, 1.0, 100.0), 1e200, 3, 10.0, 10.0),
    ((1e8, 1e6, 0.9999999, 0.5), 1e300, 1000, 1000.0, 1000.0),
    ((1e5, 1.0, 1.00001, 1e5), 1e160, 0, 0.0, 10.0),
    ((8877.229500341704, 0.0030709118420180403, 1.0, 7.207346639115852),
     9.123513390582289e+290, 110853, 5.082858268775699, 5.082858268775699),
    # r + x - (a - 1) near 0, where both terms of the connection formula have
    # a pole: r tiny, x = 0, a = 1 (the first is r ln(1 + t/alpha) exactly)
    ((1e-6, 1.0, 1.0, 1e-6), 1e300, 0, 0.0, 0.0),
    ((2e-6, 1.0, 1.0, 3.0), 1e200, 0, 0.0, 0.0),
    ((1.5525095457564144e-06, 3.3497798300961077, 1.0000009015451914, 21022.158266503706),
     3.1966494703543173e+178, 0, 0.0, 0.0),
    # a > 1 + r + x: the two terms swap roles
    ((1e-6, 1e-200, 1.02, 1e6), 1e120, 0, 0.0, 0.0),
    # t / (alpha + T) beyond 1/DBL_MIN: w underflowed and w^(a-1) was taken
    # for 0 (E[Y] 1.235 where mpmath has 1.029)
    ((0.2, 1e-310, 1.0002, 4e-5), 1e32, 0, 0.0, 0.0),
    # a = 1 within 1e-6 where the quadrature fails: the line through
    # a = 1 -+ 1e-6 was 3e-4 off
    ((6e-5, 1e-245, 1.0, 35000.0), 5.0, 0, 0.0, 0.0),
    # r in the millions, a = 0.9992: the series' logs of 1e4 cancelling,
    # E[Y] 1.4e-8 off
    ((4.7e6, 6.8e5, 0.9992, 8457.0), 2073.0, 4, 1.0, 2.0),
    # E[Y] / P(alive) beyond DBL_MAX, P(alive) of 1e-230 or so: E[Y] finite
    ((1368.7998561584254, 1e-316, 9.363131061498751e-06, 0.0009394007803506782),
     4.967229779790862e+214, 3, 5.303777458644512e-291, 7.847337700344035e-291),
    # P(alive) below the normal range (1e-315, 8 bits), E[Y] normal
    ((98.0, 1.0, 0.1, 1.0), 1e20, 2, 1.0, 2843.0),
    # a = 1 - 8e-4, r = 1e-6: the series' (1 - f) / (a - 1) kept 1e-13 / |a - 1|
    # of its digits (9e-10 and 1.4e-10 off), where the far form keeps them all
    ((1e-6, 1.0, 0.9992, 30.0), 1e150, 0, 0.0, 10.0),
    ((1e-6, 1.0, 0.9992, 0.05), 1e50, 0, 0.0, 10.0),
]


def dps_for(m, t, x, tx, T):
    mpmath.mp.dps = 30
    vals = [v for v in list(m) + [t, x, tx, T] if v != 0]
    big = max(abs(mpmath.log10(mpf(v))) for v in vals)
    a_T = mpf(m[1]) + mpf(T)
    lw = abs(mpmath.log10(a_T) - mpmath.log10(a_T + mpf(t)))
    lk = abs(mpmath.log10(mpf(t)) - mpmath.log10(a_T))
    return int(40 + big + lw + lk)


def p_alive(m, x, tx, T):
    r, alpha, a, b = map(mpf, m)
    x, tx, T = mpf(x), mpf(tx), mpf(T)
    if x == 0:
        return mpf(1)
    return 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x))


def factor(m, t, x, T):
    r, alpha, a, b = map(mpf, m)
    t, x, T = mpf(t), mpf(x), mpf(T)
    w = (alpha + T) / (alpha + T + t)
    n, beta = r + x, b + x

    def f(a):
        return (a + beta - 1) / (a - 1) * (1 - w ** n * mpmath.hyp2f1(n, beta, a + beta - 1, 1 - w,
                                                                    maxterms=10**6))
    if abs(a - 1) < mpf(10) ** (-mpmath.mp.dps // 3):
        d0 = mpmath.mp.dps
        h = mpf(10) ** (-d0 // 3)
        mpmath.mp.dps = d0 + d0 // 3 + 10
        v = (f(a - h) + f(a + h)) / 2
        mpmath.mp.dps = d0
        return v
    return f(a)


def expected(m, t, x, tx, T, extra=0):
    mpmath.mp.dps = dps_for(m, t, x, tx, T) + extra
    return p_alive(m, x, tx, T) * factor(m, t, x, T)


def main():
    print("(r, alpha, a, b, t, x, t_x, T, P(alive), E[Y]) at extreme inputs (mpmath):")
    for (m, t, x, tx, T) in CASES:
        e1 = expected(m, t, x, tx, T)
        e2 = expected(m, t, x, tx, T, 40)
        assert abs(e1 - e2) <= mpf("1e-13") * abs(e2), (m, t, x, tx, T, e1, e2)
        mpmath.mp.dps = dps_for(m, t, x, tx, T)
        pa = p_alive(m, x, tx, T)
        print("\t{%r, %r, %r, %r, %r, %r, %r, %r, %.17g, %.17g}," %
              (tuple(m) + (t, float(x), tx, T, float(pa), float(e2))))


def slopes():
    """(ln Gamma(x + e) - ln Gamma(x)) / e, psi(x) at e = 0, at 50 digits"""
    mpmath.mp.dps = 50
    print("(x, e, (ln Gamma(x+e) - ln Gamma(x)) / e) (mpmath, 50 digits):")
    for (x, e) in [(1e5, 0.0), (1e5, 1e-10), (1e8, 5.0 - 1e8)]:
        xm, em = mpf(x), mpf(e)
        v = mpmath.digamma(xm) if e == 0 else (mpmath.loggamma(xm + em) - mpmath.loggamma(xm)) / em
        print("\t{%r, %r, %.17g}," % (x, e, float(v)))


# The grid of far horizons with r tiny and a near 1 (x = 0), where both
# terms of the connection formula have a pole and the kernel returned NaN
# (22003) from r below 1e-7 and t from 1e168: r in [1e-12, 1e-6],
# a - 1 in [-1e-7, 1e-7], t in [1e100, 1e300], (alpha, b, T) in turn from
# GRID_MODELS.  `--grid` prints them, kept in bgnbd_far_grid_reference.inc
# for test/unit/test_bgnbd.c to include.
GRID_R = [1e-12, 1e-10, 3.0296e-08, 1e-07, 1e-06]
GRID_E = [0.0, 2e-09, -3e-08, 1e-07, -1e-07]
GRID_T = [1e100, 1e168, 2.3e262, 1e300]
GRID_MODELS = [(759.9, 2.28, 18734.9), (1.0, 1e-3, 0.0), (1e-3, 50.0, 10.0), (3.5, 0.7, 100.0)]


def grid_cases():
    cases = []
    for i, r in enumerate(GRID_R):
        for j, e in enumerate(GRID_E):
            for k, t in enumerate(GRID_T):
                alpha, b, T = GRID_MODELS[(i + j + k) % len(GRID_MODELS)]
                cases.append(((r, alpha, 1.0 + e, b), t, 0, 0.0, T))
    return cases


def grid_value(case):
    m, t, x, tx, T = case
    e1 = expected(m, t, x, tx, T)
    e2 = expected(m, t, x, tx, T, 40)
    assert abs(e1 - e2) <= mpf("1e-13") * abs(e2), (case, e1, e2)
    return float(e2)


def print_grid(title, cases, value):
    """value(case) of each case ((r, alpha, a, b), t, x, t_x, T), in a pool,
    printed under title as C initialisers (r, alpha, a, b, t, x, t_x, T, E[Y])"""
    import multiprocessing
    with multiprocessing.Pool() as pool:
        values = pool.map(value, cases)
    print(title)
    for (m, t, x, tx, T), v in zip(cases, values):
        print("{%r, %r, %r, %r, %r, %r, %r, %r, %.17g}," % (tuple(m) + (t, float(x), tx, T, v)))


def grid():
    print_grid("/* (r, alpha, a, b, t, x, t_x, T, E[Y]): bgnbd_extremes_reference.py --grid (mpmath) */",
               grid_cases(), grid_value)


def dd2s():
    """ln Gamma[x, x+h, x+k], psi'(x) / 2 at h = k = 0, at 50 digits"""
    mpmath.mp.dps = 50
    print("(x, h, k, ln Gamma[x, x+h, x+k]) (mpmath, 50 digits):")
    for (x, h, k) in [(1.0, 0.0, 0.0), (2.28, -3e-8, 1e-7), (1e-3, 1e-6, -1e-6), (50.0, 0.01, 0.04),
                      (1e-4, 5e-5, -5e-5), (0.05, -8e-4, 1e-6), (1e-4, 0.3, 0.001), (30.0, 2.0, -1.0)]:
        xm, hm, km = mpf(x), mpf(h), mpf(k)
        if h == 0 and k == 0:
            v = mpmath.psi(1, xm) / 2
        else:
            def f(a, b):
                return (mpmath.loggamma(b) - mpmath.loggamma(a)) / (b - a)
            v = (f(xm + hm, xm + km) - f(xm, xm + hm)) / km
        print("\t{%r, %r, %r, %.17g}," % (x, h, k, v))


# Where the series' error estimate passes 1e-12 and the far form and the
# quadrature compete (cr_bgnbd_expected_factor): inputs at which the value
# that won was off by more than the quadrature's 1e-12
CHOICE_CASES = [
    # series estimate beyond 1e-9: the far form's value (2.6e-13 off) had won
    # over the quadrature's
    ((1.78829491422125e-05, 2.9988198774500328, 0.9997067631934369, 1.9064209767896356e-06),
     6.888629942032181e+88, 0, 0.0, 0.11563279120563993),
    # estimates from 1e-12 to 1e-9 had been kept: the far form's value
    # (3.9e-12 off), and the series' at a short horizon (1.7e-10 off)
    ((6.369070902830237e-07, 0.0064642365987659595, 0.999441607613942, 3.8640120316614364e-08),
     1.1457037407002794e+65, 0, 0.0, 0.11524142113270752),
    ((0.5210891657585359, 12.893330159048983, 0.9983402802117066, 0.385624281882522),
     0.12400814110151168, 2, 18.303366002207273, 77.53072237398301),
]


def choices():
    print("(r, alpha, a, b, t, x, t_x, T, E[Y]) where series, far form and quadrature compete (mpmath):")
    for (m, t, x, tx, T) in CHOICE_CASES:
        v = grid_value((m, t, x, tx, T))
        print("\t{%r, %r, %r, %r, %r, %r, %r, %r, %.17g}," % (tuple(m) + (t, float(x), tx, T, v)))


if __name__ == "__main__":
    import sys
    if sys.argv[1:] == ["--grid"]:
        grid()
    else:
        main()
        slopes()
        dd2s()
        choices()
