#!/usr/bin/python3
"""Reference values for test/pgtap/30_model.sql.

Run with Debian's python3 (python3-statsmodels, python3-sklearn):
    /usr/bin/python3 test/reference/model_reference.py
The data are the rows that test/pgtap/30_model.sql builds with the same
float8 formulas (glibc's sin/cos/exp on both sides), so labels agree exactly.
"""
import math
import numpy as np
import statsmodels.api as sm
from sklearn.linear_model import LogisticRegression

rows = []
for i in range(1, 2001):
    x1 = math.sin(i)
    x2 = float((i * 37) % 101) / 50 - 1
    x3 = math.cos(i * 0.3) * 2
    u = float((i * 7919) % 1000) / 1000
    y = u < 1 / (1 + math.exp(-(0.5 + 1.2 * x1 - 0.8 * x2 + 0.3 * x3)))
    w = float(1 + i % 3)
    rows.append((x1, x2, x3, y, w))
X = np.array([r[:3] for r in rows])
y = np.array([r[3] for r in rows], dtype=float)
w = np.array([r[4] for r in rows])

def show(name, values):
    print(f"-- {name}: ARRAY[" + ", ".join(repr(float(v)) for v in values) + "]")

# 1. maximum likelihood with intercept (statsmodels Logit)
res = sm.Logit(y, sm.add_constant(X)).fit(method="newton", tol=1e-14, maxiter=100, disp=0)
show("mle params", res.params)
show("mle bse", res.bse)
show("mle llf, llnull, aic, bic, prsquared", [res.llf, res.llnull, res.aic, res.bic, res.prsquared])
show("mle pvalues", res.pvalues)

# 2. without intercept
res0 = sm.Logit(y, X).fit(method="newton", tol=1e-14, maxiter=100, disp=0)
show("no-intercept params", res0.params)
show("no-intercept bse", res0.bse)
show("no-intercept llf, llnull, aic, bic, prsquared", [res0.llf, res0.llnull, res0.aic, res0.bic, res0.prsquared])

def sk(**kw):
    m = LogisticRegression(C=1.0, tol=1e-12, max_iter=100000, solver="newton-cg", **kw)
    sw = kw.pop("sample_weight", None)
    return m

# 3. l2 = 1 (C = 1)
m = LogisticRegression(C=1.0, tol=1e-12, max_iter=100000, solver="newton-cg").fit(X, y)
show("l2=1 params", [m.intercept_[0], *m.coef_[0]])

# 4. l2 = 1 with sample weights 1 + i % 3
m = LogisticRegression(C=1.0, tol=1e-12, max_iter=100000, solver="newton-cg").fit(X, y, sample_weight=w)
show("l2=1 weighted params", [m.intercept_[0], *m.coef_[0]])

# 5. l2 = 1, class_weight balanced
m = LogisticRegression(C=1.0, tol=1e-12, max_iter=100000, solver="newton-cg", class_weight="balanced").fit(X, y)
show("l2=1 balanced params", [m.intercept_[0], *m.coef_[0]])

# 6. maximum likelihood with frequency weights (statsmodels GLM)
g = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial(), freq_weights=w).fit(tol=1e-14)
show("mle weighted params", g.params)
show("mle weighted bse", g.bse)
# the README's reading of aic and bic with row weights: llf and aic of the
# frequencies, and bic_llf = -2 llf + k ln(sum w), which the model's bic
# (k ln(n_rows)) gives as bic - k ln(n_rows) + k ln(sum w)
show("mle weighted llf, aic, bic_llf, sum w", [g.llf, g.aic, g.bic_llf, w.sum()])
# class_weight balanced without l2: GLM with the balanced weights as frequencies
wb = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))
gb = sm.GLM(y, sm.add_constant(X), family=sm.families.Binomial(), freq_weights=wb).fit(tol=1e-14)
show("mle balanced llf, aic, bic_llf", [gb.llf, gb.aic, gb.bic_llf])

# ---------------------------------------------------------------------------
# Reference values for test/unit/test_logit.c (plain-C kernel checks) and
# sql/model_fit.sql.  Printed as C initialisers.

def cshow(name, values):
    print(f"/* {name} */ {{" + ", ".join(repr(float(v)) for v in values) + "}")

def grouped(counts):
    xs, ys = [], []
    for x, yv, n in counts:
        xs += [x] * n
        ys += [1.0 if yv else 0.0] * n
    return np.array(xs, dtype=float).reshape(-1, 1), np.array(ys)

# 7. issue 17 item 2: an exactly balanced outcome, and an unbalanced one
balanced = [(-2, True, 2), (-2, False, 48), (-1, True, 10), (-1, False, 40),
            (1, True, 40), (1, False, 10), (2, True, 48), (2, False, 2)]
unbalanced = [(-2, True, 5), (-2, False, 45), (-1, True, 12), (-1, False, 38),
              (1, True, 30), (1, False, 20), (2, True, 44), (2, False, 6)]
for name, counts in (("balanced", balanced), ("unbalanced", unbalanced)):
    Xg, yg = grouped(counts)
    r = sm.Logit(yg, sm.add_constant(Xg)).fit(method="newton", tol=1e-14, maxiter=100, disp=0)
    cshow(f"{name} intercept: params, bse, llf", [*r.params, *r.bse, r.llf])
    r = sm.Logit(yg, Xg).fit(method="newton", tol=1e-14, maxiter=100, disp=0)
    cshow(f"{name} no intercept: params, bse, llf", [*r.params, *r.bse, r.llf])

# 8. issue 17 item 3: strong but overlapping (4 flipped labels near 0)
xo = np.array([(i - 500.5) / 500.0 for i in range(1, 1001)]).reshape(-1, 1)
yo = np.array([float((not (x > 0)) if i in (495, 496, 505, 506) else (x > 0))
               for i, x in zip(range(1, 1001), xo[:, 0])])
r = sm.Logit(yo, sm.add_constant(xo)).fit(method="newton", tol=1e-14, maxiter=200, disp=0)
cshow("overlapping: params, bse, llf", [*r.params, *r.bse, r.llf])

# 9. issue 18: penalised fit, x1 = sin(i), x2 = ((i*37) % 101)/50 - 1 (as
# above, rows 1..300), y from the same rule; l2 = 2 (C = 0.5), and the same
# data with x2 in units 10 times larger (the penalty is on the coefficients
# as given, so those differ)
Xp = X[:300, :2]
yp = y[:300]
m = LogisticRegression(C=0.5, tol=1e-14, max_iter=1000, solver="newton-cholesky").fit(Xp, yp)
cshow("l2=2 intercept, coefs", [m.intercept_[0], *m.coef_[0]])
Xq = Xp * np.array([1.0, 10.0])
m = LogisticRegression(C=0.5, tol=1e-14, max_iter=1000, solver="newton-cholesky").fit(Xq, yp)
cshow("l2=2, x2 * 10: intercept, coefs", [m.intercept_[0], *m.coef_[0]])
m = LogisticRegression(C=0.5, tol=1e-12, max_iter=100000, solver="newton-cg", fit_intercept=False).fit(Xp, yp)
cshow("l2=2 no intercept: coefs", [*m.coef_[0]])

# 10. condition_number (retention_model_info): largest / smallest eigenvalue
# of the penalised Hessian at the optimum, on features centred at their
# (row-weighted) means, scaled to a unit diagonal.  For models 'mle',
# 'noint' (not centred) and 'l2bal' of test/pgtap/30_model.sql.
def condition(Z, wt, params, pen):
    p = 1 / (1 + np.exp(-(Z @ params)))
    H = (Z * (wt * p * (1 - p))[:, None]).T @ Z + np.diag(pen)
    s = 1 / np.sqrt(np.diag(H))
    ev = np.linalg.eigvalsh(H * s[:, None] * s[None, :])
    return ev[-1] / ev[0]

Zc = sm.add_constant(X - X.mean(0))
one = np.ones(len(y))
res_c = sm.Logit(y, Zc).fit(method="newton", tol=1e-14, maxiter=100, disp=0)
cb = np.where(y == 1, len(y) / (2 * y.sum()), len(y) / (2 * (len(y) - y.sum())))
mb = LogisticRegression(C=1.0, tol=1e-12, max_iter=100000, solver="newton-cg", class_weight="balanced").fit(X, y)
pb = np.concatenate([[mb.intercept_[0] + mb.coef_[0] @ X.mean(0)], mb.coef_[0]])
show("condition_number mle, noint, l2bal",
     [condition(Zc, one, res_c.params, np.zeros(4)),
      condition(X, one, res0.params, np.zeros(3)),
      condition(Zc, cb, pb, np.array([0.0, 1, 1, 1]))])

# 11. class_weight balanced with row weights, rows i % 5 = 0 given weight 0:
# those rows are skipped, so n and n_class count the other 1600 rows;
# scikit-learn counts rows of sample_weight 0, so fit it without them.
wz = np.where(np.arange(1, 2001) % 5 == 0, 0.0, w)
keep = wz > 0
m = LogisticRegression(C=1.0, tol=1e-12, max_iter=100000, solver="newton-cg",
                       class_weight="balanced").fit(X[keep], y[keep], sample_weight=wz[keep])
show("l2=1 balanced, weights with zeros: params (rows of weight 0 left out)", [m.intercept_[0], *m.coef_[0]])
m = LogisticRegression(C=1.0, tol=1e-12, max_iter=100000, solver="newton-cg",
                       class_weight="balanced").fit(X, y, sample_weight=wz)
show("  for contrast, scikit-learn counting them", [m.intercept_[0], *m.coef_[0]])
