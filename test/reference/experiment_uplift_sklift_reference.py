#!/usr/bin/python3
"""Reference values for incentive_uplift_eval from scikit-uplift itself,
kept in test/pgtap/89_experiment_uplift.sql.

experiment_reference.py re-implements sklift's metrics in numpy from their
definitions; these values come from the library's own code instead:
sklift.metrics qini_auc_score (negative_effect=True), uplift_auc_score,
uplift_at_k (strategy='overall'), qini_curve and uplift_curve of
scikit-uplift 0.5.1 (which sums with sklearn's stable_cumsum and takes areas
with sklearn.metrics.auc).  It is not a Debian package: point SKLIFT_SRC at
a checkout of its source at v0.5.1 (the folder holding sklift/; pandas and
scikit-learn from Debian are enough to import sklift.metrics).

The rows, integer formulas of i = 1..2000 (the same in the SQL):
    t = (i * 2654435761) % 1000 < 500
    s = (i * 7919) % 1013 < 400                 (the segment the coupon helps)
    y = (i * 48271) % 1000 < 300 + 200 * (t and s)
    u = 0.2 s + ((i * 104729) % 100003) / 1e6   (no ties)
    v = s + ((i * 31) % 5) / 10                 (10 distinct values: ties)
A second set reverses the effect (y's threshold 300 - 200 (t and s)), so
that the best ranking has a negative Qini coefficient.

Run: SKLIFT_SRC=/path/to/scikit-uplift /usr/bin/python3 \\
         test/reference/experiment_uplift_sklift_reference.py
"""
import os
import sys
import warnings

import numpy as np

sys.path.insert(0, os.environ.get('SKLIFT_SRC', '.'))
from sklift.metrics.metrics import (qini_auc_score, qini_curve, uplift_at_k,  # noqa: E402
                                    uplift_auc_score, uplift_curve)

warnings.filterwarnings('ignore')


def rows(sign):
    i = np.arange(1, 2001, dtype=np.int64)
    t = ((i * 2654435761) % 1000 < 500).astype(int)
    s = ((i * 7919) % 1013 < 400).astype(int)
    y = ((i * 48271) % 1000 < 300 + sign * 200 * (t & s)).astype(int)
    u = 0.2 * s + ((i * 104729) % 100003) / 1e6
    v = s + ((i * 31) % 5) / 10.0
    return t, y, u, v


def main():
    for sign in (1, -1):
        t, y, u, v = rows(sign)
        print('-- effect sign %+d' % sign)
        for name, score in (('u', u), ('v', v)):
            q = qini_auc_score(y, score, t)
            a = uplift_auc_score(y, score, t)
            print('  %s: qini %r uplift_auc %r' % (name, q, a))
        for k in (0.1, 0.3, 0.55):
            print('  u: uplift_at_k(%r) %r' % (k, uplift_at_k(y, u, t, strategy='overall', k=k)))
        xq, yq = qini_curve(y, u, t)
        xu, yu = uplift_curve(y, u, t)
        for m in (200, 1000, 2000):     # the curve at 10 %, 50 % and all rows (no ties: one point a row)
            print('  u: at %d rows qini %r uplift %r' % (m, yq[m], yu[m]))


if __name__ == '__main__':
    main()
