#!/usr/bin/python3
"""Reference values for incentive_sample_size and incentive_power, kept in
test/pgtap/87_experiment_sample_size.sql.

The README's definition: the members per arm that statsmodels'
NormalIndPower().solve_power(proportion_effectsize(base + mde, base), alpha,
power, ratio=1) finds for a two-sided test, rounded up; that is, the root n of

    power(n) = Phi(h sqrt(n/2) - c) + Phi(-c - h sqrt(n/2)),
    h = |2 asin(sqrt(base + mde)) - 2 asin(sqrt(base))|,  c = Phi^-1(1 - alpha/2),

and 1 where power(1) already reaches the power asked for.  Here every step
is done in mpmath at 50 digits, with base + mde the exact sum of the two
doubles, and the root found by bisection to 1e-40 relative.

statsmodels itself (printed below, not kept; zt_ind_solve_power is the
same NormalIndPower().solve_power, and its two-sided power counts both
tails, as here) agrees with these to its own precision, which is less in
three places, all from float64 steps rather than from a different
definition:
  - proportion_effectsize rounds base + mde to a double and subtracts two
    arcsines: the effect loses digits when it is small (1e-10 relative at a
    size of 10^10) and near a rate of 1, where asin's slope is steep (at
    base 0.999999999 and mde 5e-10 its size is 45746507699.2, 4.2e-8
    relative off the exact 45746509627.5);
  - solve_power stops at its optimiser's tolerance (about 1e-10 relative),
    and returns 10 or nan where it does not converge (sizes of 1 or 2, or
    beyond 10^12 at times): those cases are marked and skipped;
  - there is no rounding up and no 1 for "one member per arm is enough";
  - near a power of 1, 1 - power(n) keeps only the leading digits of
    what the test misses (the extension compares that miss, Phi(c - s) -
    Phi(-c - s), with 1 - power instead: at power 0.99999999998 it answered
    9870886705 for the exact 9870887382 before).
The extension computed the effect as statsmodels does and bisected to 1e-12
relative, so near a rate of 1 it was off by 1e-7 relative (45746507698
there; 3e-3 for sizes near 10^18), and in the last digits of any size
beyond 10^10 (0.5 -> 0.5 + 1e-5: 39244302543, not 39244302542); it now
matches these values to the member below 10^13 and to 1e-14 relative
beyond.

Run: /usr/bin/python3 test/reference/experiment_sample_size_reference.py
"""
import math
import warnings

import mpmath
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import proportion_effectsize

warnings.filterwarnings('ignore')
mpmath.mp.dps = 50
mp = mpmath.mpf


def crit(alpha):
    """c with P(|Z| > c) = alpha."""
    return mpmath.sqrt(2) * mpmath.erfinv(1 - mp(alpha))


def effect(base, mde):
    b, a = mp(base), mp(base) + mp(mde)     # the exact sum of the two doubles
    return abs(2 * (mpmath.asin(mpmath.sqrt(a)) - mpmath.asin(mpmath.sqrt(b))))


def power_at(h, n, c):
    s = h * mpmath.sqrt(mp(n) / 2)
    return mpmath.ncdf(s - c) + mpmath.ncdf(-c - s)


def size(base, mde, alpha, power):
    """(the real root n, the README's answer: 1 or ceil(n))."""
    h, c = effect(base, mde), crit(alpha)
    lo, hi = mp('1e-30'), mp(1)
    while power_at(h, hi, c) < power:
        lo, hi = hi, hi * 4
    while hi / lo > 1 + mp('1e-40'):
        mid = (lo + hi) / 2
        if power_at(h, mid, c) < power:
            lo = mid
        else:
            hi = mid
    n = (lo + hi) / 2
    return n, 1 if power_at(h, 1, c) >= power else int(mpmath.ceil(n))


def statsmodels_size(base, mde, alpha, power):
    es = proportion_effectsize(base + mde, base)
    n = float(NormalIndPower().solve_power(effect_size=es, alpha=alpha, power=power, ratio=1,
                                           alternative='two-sided'))
    ok = math.isfinite(n) and abs(NormalIndPower().power(effect_size=es, nobs1=n, alpha=alpha, ratio=1,
                                                         alternative='two-sided') - power) < 1e-8
    return n if ok else None


def cases():
    bases = [1e-9, 1e-4, 0.01, 0.1, 0.3, 0.5, 0.68, 0.9, 0.99, 0.9999, 0.999999999]
    for b in bases:
        for rel in (1e-4, 0.01, 0.3):
            for sign in (1, -1):
                mde = sign * rel * (1 - b if sign > 0 else b)
                for alpha, power in ((0.05, 0.8), (0.01, 0.9), (1e-6, 0.99)):
                    yield b, mde, alpha, power
    # the README's examples, large effects near 1 member, alpha near power
    yield from [(0.68, 0.03, 0.05, 0.8), (0.1, -0.02, 0.01, 0.9), (0.5, 0.001, 0.05, 0.8),
                (0.1, 0.8, 0.4, 0.5), (0.1, 0.8, 0.05, 0.8), (0.5, 0.49, 0.3, 0.31), (0.02, 0.97, 1e-3, 0.9),
                (0.999999999, 5e-10, 0.05, 0.8), (0.999999, -1.0000000000287557e-07, 1e-06, 0.99)]
    # powers near 1, where the power itself keeps few digits of what it misses
    for b in (1e-6, 0.1, 0.5, 0.99):
        for power in (0.99999, 1 - 1e-9, 1 - 1e-12):
            yield b, 0.01 * (1 - b), 0.05, power
    yield from [(0.5702805702451802, 0.00011131604404646129, 5.598778264793459e-20, 0.99999999998492),
                (0.3115621775769011, 0.0017455080861673285, 2.026520328544751e-12, 0.999999999994391)]


def main():
    print('-- (base, mde, alpha, power, answer, tolerance, the real root n to 25 digits)')
    worst = 0.0
    rows = []
    for c in cases():
        n, answer = size(*c)
        if n >= mp('9.2e18'):
            continue
        # to the member below 10^13 (unless the root is within 1e-6 of a
        # whole number); beyond, 1e-14 relative (a double's power is exact to
        # about 1e-16, so n to a few 1e-16 relative)
        frac = n - mpmath.floor(n)
        tol = 0 if n < 1e13 and 1e-6 < frac < 1 - 1e-6 else int(mpmath.ceil(n * mp('1e-14'))) + 1
        rows.append("(%r, %r, %r, %r, %d, %d, '%s')" % (c + (answer, tol, mpmath.nstr(n, 25))))
        sm = statsmodels_size(*c)
        if sm is not None and answer > 1:
            worst = max(worst, abs(sm - float(n)) / float(n))
    print(',\n'.join(rows))
    print('-- statsmodels solve_power against the exact root, where it converged: max relative difference',
          '%.3g' % worst)
    for c in [(0.999999999, 5e-10, 0.05, 0.8), (0.5, 1e-5, 0.05, 0.8)]:
        print('  ', c, 'statsmodels', statsmodels_size(*c), 'exact', mpmath.nstr(size(*c)[0], 20))

    print('-- incentive_power (base, mde, n, alpha, power to 20 digits)')
    for base, mde, n, alpha in [(0.68, 0.03, 1000, 0.05), (0.999999999, 5e-10, 45746509628, 0.05),
                                (0.999999999, 5e-10, 45746509627, 0.05), (1e-9, 1e-12, 1e16, 0.01),
                                (0.5, -0.3, 3, 0.05), (0.3, 0.05, 0.5, 0.2)]:
        print('  (%r, %r, %r, %r, %s)' % (base, mde, n, alpha,
                                          mpmath.nstr(power_at(effect(base, mde), n, crit(alpha)), 20)))


if __name__ == '__main__':
    main()
