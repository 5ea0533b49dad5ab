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
