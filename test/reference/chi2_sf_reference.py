#!/usr/bin/python3
"""Reference values of the chi-square upper tail behind every log-rank
p-value: P(X > chi2) = Q(df/2, chi2/2), the regularized upper incomplete
gamma function, in mpmath at 50 digits (gammainc(a, x, inf,
regularized=True)) for each chi2 as the double it is, rounded once to a
double (to 0 below half the smallest subnormal).  test/unit/test_km.c
(test_chi2_reference) checks cr_chi2_sf (src/cr_chi2.c) against them.

    /usr/bin/python3 test/reference/chi2_sf_reference.py > test/reference/chi2_sf_reference.inc

The points (df, chi2): df 1 .. 2000 (retention_logrank takes up to 1000
groups, 999 df), chi2 at the usual critical values, around the mean df
(where the method changes at chi2 = df), at chi2 = 2 (df + 2000) (past
which it returns 0), in the far tail where the value is at the smallest
normal double and subnormal (SUBNORMAL), and at tiny chi2; then a seeded
draw as in the sweep below.

    /usr/bin/python3 test/reference/chi2_sf_reference.py --sweep N [--seed S] [--commit C]

builds a small driver with cr_chi2_sf from the work tree's src/ (or, with
--commit, from that commit's src/), evaluates it at N seeded random points
and prints the largest relative error against mpmath (where the value is a
normal double), the largest error in units of the smallest subnormal
(where it is subnormal), and the worst points.  The points: df uniform in
1 .. 999 for three quarters, 1 .. 30 for the rest; chi2 one of: df + z
sqrt(2 df) with z normal (scale 2), around the mean; log-uniform in
[1e-6, 1] times df; log-uniform in [1, (chi2 where Q underflows) / df]
times df; uniform in the last 10 % before Q underflows (Q subnormal or
tiny).  Some seconds a thousand points (mpmath).

Measured (2026-12-08, glibc 2.36), 40000 points, seed 1:
  before (src/cr_km.c's gamma_q: the prefactor as exp(-x + a log x -
  lgamma(a)), --commit e771b07):
    largest relative error 1.07e-12 (df 898, chi2 1465.32: 5.7656864389720244e-30,
    mpmath 5.7656864389782146e-30), 8.7e-13 at Q = 0.41 (df 898, chi2 907.49);
    subnormal: 1540 units of 2^-1074 (2.0173347380391883e-308, mpmath
    2.017334738038429e-308, df 684, chi2 3131.29)
  then (src/cr_chi2.c, 7c99e37, the sums' terms each from the last in a double):
    largest relative error 1.98e-15 (df 833, chi2 854.08: 0.29860497315491935,
    mpmath 0.29860497315491874; the sums near the mean, the prefactor alone is
    within 5e-16); subnormal: 2.46 units (2.0425626061832663e-308, mpmath
    2.0425626061832673e-308: 6e-16 relative); seed 7 (20000 points): 2.53e-15
    (df 934, chi2 1032.81)
  now (src/cr_chi2.c, terms and sums as double-doubles):
    largest relative error 7.9e-16 (df 272, chi2 2211.76: 1.7776280501850557e-300,
    mpmath 1.7776280501850543e-300); subnormal: 1.6 units (df 494, chi2 2748.58);
    seed 7: 7.5e-16
cr_chi2_sf takes at most 2000 df (CR_CHI2_MAX_DF).  It once took 1e6, with
x^(df/2) past 2000 df as pow's power of df / 2^(j+1) squared j times, each
squaring doubling the error: 3.5e-14 at 8e5 df (120 points at 2001 .. 1e6 df
against mpmath, not 1e-14 as its spot checks had it).
"""
import argparse
import math
import os
import random
import subprocess
import sys
import tempfile

import mpmath as mp

mp.mp.dps = 50

DBL_MIN = 2.2250738585072014e-308
DENORM = 5e-324

DRIVER = r'''
#include <stdio.h>
extern double cr_chi2_sf(double x, int df);
int
main(void)
{
	double		x;
	int			df;

	while (scanf("%la %d", &x, &df) == 2)
		printf("%a\n", cr_chi2_sf(x, df));
	return 0;
}
'''


def reference(chi2, df):
    """Q(df/2, chi2/2) at 50 digits, as an mpf."""
    if chi2 <= 0:
        return mp.mpf(1)
    return mp.gammainc(mp.mpf(df) / 2, mp.mpf(chi2) / 2, mp.inf, regularized=True)


def to_double(q):
    """q rounded once to a double, subnormals included."""
    if q < mp.mpf(DBL_MIN):
        # a multiple of the smallest subnormal, round half to even
        n = q / mp.mpf(DENORM)
        k = int(mp.nint(n))
        return k * DENORM
    return float(q)


def chi2_at(df, target):
    """The chi2 where Q(df/2, chi2/2) falls below target (bisection)."""
    lo, hi = float(df), 2.0 * (df + 2000)
    for _ in range(60):
        mid = (lo + hi) / 2
        if reference(mid, df) < target:
            hi = mid
        else:
            lo = mid
    return lo


_UNDERFLOW = {}


def underflow_at(df):
    if df not in _UNDERFLOW:
        _UNDERFLOW[df] = chi2_at(df, mp.mpf(2) ** -1075)
    return _UNDERFLOW[df]


def draw(rng):
    df = rng.randint(1, 999) if rng.random() < 0.75 else rng.randint(1, 30)
    kind = rng.randrange(4)
    if kind == 0:
        chi2 = df + rng.gauss(0, 2) * math.sqrt(2 * df)
    elif kind == 1:
        chi2 = df * 10 ** rng.uniform(-6, 0)
    elif kind == 2:
        chi2 = df * 10 ** rng.uniform(0, math.log10(underflow_at(df) / df))
    else:
        top = underflow_at(df)
        chi2 = rng.uniform(0.9 * top, top * 1.001)
    return max(chi2, 1e-300), df


def build(src):
    tmp = tempfile.mkdtemp(prefix='chi2_sf_')
    with open(os.path.join(tmp, 'driver.c'), 'w') as f:
        f.write(DRIVER)
    sources = [os.path.join(src, n) for n in ('cr_chi2.c', 'cr_km.c')
               if os.path.exists(os.path.join(src, n))]
    exe = os.path.join(tmp, 'driver')
    subprocess.run(['cc', '-std=c99', '-O2', '-I', src, '-o', exe,
                    os.path.join(tmp, 'driver.c')] + sources + ['-lm'], check=True)
    return exe


def sweep(n, seed, commit):
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    src = os.path.join(root, 'src')
    if commit:
        tmp = tempfile.mkdtemp(prefix='chi2_sf_src_')
        archive = subprocess.run(['git', '-C', root, 'archive', commit, 'src'],
                                 check=True, capture_output=True).stdout
        subprocess.run(['tar', '-x', '-C', tmp], input=archive, check=True)
        src = os.path.join(tmp, 'src')
    exe = build(src)
    rng = random.Random(seed)
    points = [draw(rng) for _ in range(n)]
    out = subprocess.run([exe], input=''.join('%s %d\n' % (x.hex(), df) for x, df in points),
                         capture_output=True, text=True, check=True).stdout.split()
    worst_rel, worst_sub, rows = 0.0, 0.0, []
    for (chi2, df), got in zip(points, out):
        got = float.fromhex(got)
        q = reference(chi2, df)
        if q >= mp.mpf(DBL_MIN):
            err = float(abs(mp.mpf(got) - q) / q)
            rows.append((err, 'rel', chi2, df, got, float(q)))
            worst_rel = max(worst_rel, err)
        else:
            err = float(abs(mp.mpf(got) - q) / mp.mpf(DENORM))
            rows.append((err * 1e-300, 'sub', chi2, df, got, to_double(q)))
            worst_sub = max(worst_sub, err)
    print('%d points, seed %d, %s' % (n, seed, commit or 'work tree'))
    print('largest relative error (Q normal): %.3g' % worst_rel)
    print('largest error where Q is subnormal: %.3g units of 2^-1074' % worst_sub)
    rel = sorted((r for r in rows if r[1] == 'rel'), reverse=True)[:8]
    sub = sorted((r for r in rows if r[1] == 'sub'), reverse=True)[:4]
    for err, kind, chi2, df, got, want in rel + sub:
        print('  %s %.3g  df %d chi2 %r: %r, mpmath %r' % (kind, err if kind == 'rel' else err * 1e300,
                                                          df, chi2, got, want))


FIXED_DF = [1, 2, 3, 4, 5, 7, 10, 30, 31, 32, 33, 63, 64, 99, 100, 101, 255, 500, 998, 999,
            1000, 2000]
# Q about these: the smallest normal double, and subnormal
SUBNORMAL = ['2.3e-308', '2.2e-308', '1e-310', '3e-316', '1e-320', '2e-323']
CRIT = [3.841458820694124, 5.991464547107979, 7.814727903251178]
NEAR_MEAN = [(613.0642556070557, 567), (1032.8100962821206, 934), (646.1117062845361, 582),
             (914.222219483266, 827), (778.7559500417256, 764)]


def fixed():
    pts = []
    for df, c in zip((1, 2, 3), CRIT):
        pts.append((c, df))
    for df in FIXED_DF:
        top = underflow_at(df)
        for chi2 in (1e-300, 1e-10, 0.5 * df, df - 2, math.nextafter(float(df), 0), float(df),
                     math.nextafter(float(df), math.inf), df + 2, df + 3 * math.sqrt(2 * df),
                     3.0 * df + 10, 0.5 * (top + df), top * 0.999, top,
                     2.0 * (df + 2000)) + tuple(chi2_at(df, mp.mpf(t)) for t in SUBNORMAL):
            if chi2 > 0:
                pts.append((chi2, df))
    # df = 1 on both sides of where erfc changes to the continued fraction (x = 50)
    for chi2 in (99.0, math.nextafter(100.0, 0), 100.0, 101.0, 1000.0, 1400.0, 1480.0):
        pts.append((chi2, 1))
    # near the mean, where the terms of the sums, each from the last in a
    # double, once carried their rounding to 2.2e-15 .. 2.5e-15 (sweeps, seeds 1 and 7)
    pts += NEAR_MEAN
    return pts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--sweep', type=int, metavar='N')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--commit')
    args = ap.parse_args()
    if args.sweep:
        sweep(args.sweep, args.seed, args.commit)
        return
    rng = random.Random(20261208)
    pts = fixed() + [draw(rng) for _ in range(150)]
    print('/* (chi2, df, Q(df/2, chi2/2)): chi2_sf_reference.py (mpmath, 50 digits) */')
    for chi2, df in pts:
        print('{%r, %d, %r},' % (chi2, df, to_double(reference(chi2, df))))


if __name__ == '__main__':
    sys.exit(main())
