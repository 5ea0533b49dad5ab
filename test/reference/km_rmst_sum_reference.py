#!/usr/bin/python3
"""Reference RMST and standard error for test/unit/test_km.c (test_rmst_sum):
a curve of one event time and 100,000 censor-only times after it, at which
survival stays at the double 2/3, so that the area is a sum of 100,000 equal
terms (a naive sum drifted 1.7e-12 relative).

  t 1: 300,000 at risk, 100,000 churned, survival 2/3 (as a double, s);
  t 2, 3, ..., 100,001: 2 censored at each; tau 100,001.

The area is 1 + s * 100,000; the one event time has A = s * 100,000, so the
standard error is A sqrt(d / (n (n - d))) with n = 300,000, d = 100,000
(Klein and Moeschberger), in mpmath at 50 digits.

    /usr/bin/python3 test/reference/km_rmst_sum_reference.py
"""
import mpmath as mp

mp.mp.dps = 50
s = mp.mpf(2.0 / 3.0)
k, n, d = 100000, 300000, 100000
area = 1 + s * k
se = s * k * mp.sqrt(mp.mpf(d) / (n * (n - d)))
print('rmst %.17g std_err %.17g' % (float(area), float(se)))
