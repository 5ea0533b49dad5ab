#!/usr/bin/python3
"""Reference values for the cr_condition_number checks of test/unit/test_logit.c.

Run with Debian's python3 (python3-numpy):
    /usr/bin/python3 test/reference/condition_reference.py
Output: condition_reference.txt.  The condition number is the ratio of the
largest to the smallest eigenvalue after scaling the matrix to a unit
diagonal (numpy's LAPACK eigvalsh).
"""
import numpy as np

cases = {
    # eigenvalues 1 +- 0.3..: the power iteration of 200 steps that
    # cr_condition_number used gave 2.1958955775436308
    "4x4 unit diagonal": [[1, 0.3, 0.2, 0.1], [0.3, 1, 0.25, 0.05],
                          [0.2, 0.25, 1, -0.15], [0.1, 0.05, -0.15, 1]],
    # the same scaled by diag(1e-3, 10, 1, 1e4): the same condition number
    "4x4 scaled": None,
    # column 0 below the diagonal 1e-200: the Householder reflection of
    # that column underflowed (tau = 1 / 0) and cr_condition_number gave 1
    "4x4 tiny column": [[1, 1e-200, 1e-200, 1e-200], [1e-200, 2, 0, 0],
                        [1e-200, 0, 3, 1], [1e-200, 0, 1, 4]],
}
a = np.array(cases["4x4 unit diagonal"], dtype=float)
s = np.array([1e-3, 10, 1, 1e4])
cases["4x4 scaled"] = (a * s[:, None] * s[None, :]).tolist()
for name, m in cases.items():
    m = np.array(m, dtype=float)
    d = 1 / np.sqrt(np.diag(m))
    ev = np.linalg.eigvalsh(m * d[:, None] * d[None, :])
    print(f"{name}: {ev[-1] / ev[0]!r}")
