#!/usr/bin/python3
"""Reference values of the two-sided normal quantile behind every
Kaplan-Meier confidence interval: z with P(|Z| <= z) = level, that is
z = sqrt(2) erfinv(level), in mpmath at 50 digits for each level as the
double it is, rounded once to a double.  test/unit/test_km.c
(test_z_reference) checks cr_norm_two_sided (src/cr_stats.c, AS 241)
against them to 8e-16 relative.

The levels: tiny ones down to the smallest subnormal (z about 1.2533 level;
the Acklam quantile the survival code once had formed (1 - level) / 2 first
and lost the digits of such a level: 8e-8 off at 1e-10, 8e-4 at 1e-15, and
0 below about 1e-16), levels below 0.5, both sides of 0.85 (where the
central approximation hands over to the tail's), the usual ones, levels
within 1e-15 of 1 and the largest double below 1; then a seeded sweep of
levels log-uniform in [1e-300, 1], uniform in (0, 1), and 1 - 10^-u with
u uniform in [0, 16].

    /usr/bin/python3 test/reference/km_z_reference.py > test/reference/km_z_reference.inc
"""
import math
import random

import mpmath as mp

mp.mp.dps = 50

FIXED = [5e-324, 1.5e-323, 1e-320, 2.2250738585072014e-308, 4.4e-308, 1e-300, 1e-100,
         1e-20, 1e-16, 1e-15, 1e-10, 1e-9, 1e-6, 1e-3, 0.01, 0.05, 0.1, 0.2, 0.25, 0.3,
         0.4, 0.45, 0.49999999999999994, 0.5, 0.6, 0.7, 0.8, 0.85, math.nextafter(0.85, 1),
         0.86, 0.9, 0.95, 0.975, 0.99, 0.999, 0.999999, 1 - 1e-9, 1 - 1e-12,
         1 - 1e-15, 1 - 2.0 ** -52, 1 - 2.0 ** -53,
         0.3045548363779972]     # the worst of 100000 uniform in (0, 0.85): 6.8e-16

rng = random.Random(20261207)
SWEEP = ([10 ** rng.uniform(-300, 0) for _ in range(20)] +
         [rng.uniform(0, 1) for _ in range(20)] +
         [1 - 10 ** -rng.uniform(0, 16) for _ in range(20)])

print('/* (level, z = sqrt(2) erfinv(level)): km_z_reference.py (mpmath, 50 digits) */')
for level in FIXED + SWEEP:
    assert 0 < level < 1
    z = mp.sqrt(2) * mp.erfinv(mp.mpf(level))
    print('{%r, %r},' % (level, float(z)))
