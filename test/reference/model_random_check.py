#!/usr/bin/python3
"""Random and adversarial logistic fits against an independent Newton and
statsmodels, on a running server (not part of make test; run it after a
change to src/cr_logit*.c, cr_linalg.c, cr_newton*.c, cr_fit.c or
cr_train.c).

    PGHOST=... PGPORT=... PGUSER=postgres /usr/bin/python3 \
        test/reference/model_random_check.py SEED [DATASETS]

Each data set (20 to 400 rows, 1 to 4 features; unit weights, integer,
fractional or tiny ones; l2 0, 0.5 or 3; with or without intercept and
class_weight balanced; features in units from 1e-120 to 1e120; every sixth
set adversarial: nearly collinear features, weights near 1e90, 3 positives,
features near 1e6, mixed units 1e-150 and 1e90) is fitted by retention_train
and retention_fit and compared with a Newton iteration here in standardised
coordinates (checked against statsmodels GLM(freq_weights) when l2 = 0):
coefficients and standard errors to 1e-6 (1e-5 for the nearly collinear
sets, whose condition numbers reach 1e10: see the README's std_error),
log-likelihood, null log-likelihood, AIC and BIC to 1e-9, pseudo R2 to 1e-9
absolute, and condition_number (numpy's eigvalsh ratio of the unit-diagonal
penalised Hessian, centred at the row-weighted means) to 1e-6 (1e-4 for
the nearly collinear sets).  Rows with features beyond 1e100 are refused
by both (22003), which is not counted as a disagreement.  Prints each
disagreement and "seed S bad N".
"""
import json, math, os, sys, warnings
import numpy as np, psycopg2
import statsmodels.api as sm
warnings.filterwarnings("ignore")

conn = psycopg2.connect(dbname=os.environ.get('PGDATABASE', 'postgres'))
conn.autocommit = True
cur = conn.cursor()
seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
N = int(sys.argv[2]) if len(sys.argv) > 2 else 60
rng = np.random.default_rng(seed)
bad = 0


def reference(X, y, w, l2, intercept, balanced):
    n, d = X.shape
    wr = np.asarray(w, float)
    w = wr.copy()
    if balanced:
        n1 = y.sum()
        w = w * np.where(y == 1, n / (2 * n1), n / (2 * (n - n1)))
    mu = (wr @ X) / wr.sum()
    sc = np.sqrt((wr @ (X - mu) ** 2) / wr.sum()) if intercept else np.sqrt((wr @ X ** 2) / wr.sum())
    Z = (X - (mu if intercept else 0)) / sc
    if intercept:
        Z = np.column_stack([np.ones(n), Z])
    k = Z.shape[1]
    pen = l2 / np.concatenate([[1.0], sc ** 2]) if intercept else l2 / sc ** 2
    if intercept:
        pen[0] = 0
    beta = np.zeros(k)
    for _ in range(500):
        p = 1 / (1 + np.exp(-(Z @ beta)))
        H = (Z * (w * p * (1 - p))[:, None]).T @ Z + np.diag(pen)
        step = np.linalg.solve(H, Z.T @ (w * (y - p)) - pen * beta)
        beta = beta + step
        if np.max(np.abs(step)) < 1e-14 * (1 + np.max(np.abs(beta))):
            break
    if l2 == 0:
        g = sm.GLM(y, Z, family=sm.families.Binomial(), freq_weights=w).fit(tol=1e-15, maxiter=1000)
        assert np.allclose(g.params, beta, rtol=1e-7, atol=1e-9)
    p = 1 / (1 + np.exp(-(Z @ beta)))
    H = (Z * (w * p * (1 - p))[:, None]).T @ Z + np.diag(pen)
    T = np.diag(1 / sc) if not intercept else np.eye(k)
    if intercept:
        for j in range(d):
            T[j + 1, j + 1] = 1 / sc[j]
            T[0, j + 1] = -mu[j] / sc[j]
    cov = T @ np.linalg.inv(H) @ T.T
    ll = np.sum(w * (y * np.log(p) + (1 - y) * np.log1p(-p)))
    pbar = np.sum(w * y) / np.sum(w)
    ll0 = np.sum(w * (y * np.log(pbar) + (1 - y) * np.log1p(-pbar)))
    s = 1 / np.sqrt(np.diag(H))
    ev = np.linalg.eigvalsh(H * s[:, None] * s[None, :])
    return dict(beta=T @ beta, se=np.sqrt(np.diag(cov)), log_likelihood=ll, null_log_likelihood=ll0,
                aic=-2 * ll + 2 * k, bic=-2 * ll + k * math.log(n), pseudo_r2=1 - ll / ll0,
                condition_number=ev[-1] / ev[0])


def close(tag, what, a, b, tol):
    global bad
    r = abs(a - b) / abs(b) if b != 0 else abs(a)
    if not r <= tol:
        bad += 1
        print(f"{tag} {what}: {a!r}, reference {b!r} (relative {r:.2g})")


def check(tag, X, y, w, opts, tol, ctol):
    ref = reference(X, y, w, opts.get('l2', 0), opts.get('intercept', True),
                    opts.get('class_weight') == 'balanced')
    cur.execute("DROP TABLE IF EXISTS mrc; CREATE TEMP TABLE mrc(i int, f float8[], r boolean, w float8)")
    cur.executemany("INSERT INTO mrc VALUES (%s, %s, %s, %s)",
                    [(i, [float(v) for v in X[i]], bool(y[i]), float(w[i])) for i in range(len(y))])
    o = json.dumps(opts)
    for name, q in (("train", "SELECT retention_train(f, r, w, %s ORDER BY i) FROM mrc"),
                    ("fit", "SELECT retention_fit('SELECT f, r, w FROM mrc ORDER BY i', %s)")):
        try:
            cur.execute(f"SELECT (SELECT array_agg(coefficient ORDER BY ord) FROM retention_model_summary(m) WITH ORDINALITY s(f, coefficient, e, z, p, o, l, u, ord)),"
                        f" (SELECT array_agg(e ORDER BY ord) FROM retention_model_summary(m) WITH ORDINALITY s(f, coefficient, e, z, p, o, l, u, ord)),"
                        f" to_jsonb(retention_model_info(m)) FROM ({q}) q(m)", (o,))
        except psycopg2.Error as e:
            if e.pgcode != '22003' or 'beyond the supported magnitude' not in e.pgerror:
                global bad
                bad += 1
                print(f"{tag} {name}: {e.pgcode} {e.pgerror.splitlines()[0]}")
            continue
        coefs, ses, info = cur.fetchone()
        t = f"{tag} {name}"
        for j, (a, b) in enumerate(zip(coefs, ref['beta'])):
            close(t, f"coefficient {j}", a, b, tol)
        for j, (a, b) in enumerate(zip(ses, ref['se'])):
            close(t, f"std_error {j}", a, b, tol)
        for k in ('log_likelihood', 'null_log_likelihood', 'aic', 'bic'):
            close(t, k, info[k], ref[k], 1e-9)
        if not abs(info['pseudo_r2'] - ref['pseudo_r2']) <= 1e-9:   # 1 - ratio: absolute
            close(t, 'pseudo_r2', info['pseudo_r2'], ref['pseudo_r2'], 0)
        close(t, 'condition_number', info['condition_number'], ref['condition_number'], ctol)


for case in range(N):
    tag = f"seed {seed} set {case}"
    if case % 6 == 5:
        n, d = 300, 3
        X = rng.normal(size=(n, d))
        y = (rng.random(n) < 1 / (1 + np.exp(-(X @ [0.5, -0.3, 0.8])))).astype(float)
        w, opts, tol, ctol = np.ones(n), {}, 1e-6, 1e-6
        kind = (case // 6) % 5
        if kind == 0:
            X[:, 2] = X[:, 0] + X[:, 1] + rng.normal(size=n) * 10.0 ** rng.uniform(-5, -3)
            tol, ctol = 1e-5, 1e-4
        elif kind == 1:
            w = rng.random(n) * 1e90 + 1e89
        elif kind == 2:
            y = np.zeros(n)
            y[rng.choice(n, 3, replace=False)] = 1
        elif kind == 3:
            X = X + 1e6
            tol, ctol = 1e-5, 1e-4
        else:
            X = X * np.array([1e-150, 1, 1e90])
        check(f"{tag} (adversarial {kind})", X, y, w, opts, tol, ctol)
        continue
    n, d = int(rng.integers(20, 400)), int(rng.integers(1, 5))
    X = rng.normal(size=(n, d))
    if rng.random() < 0.3:
        X[:, 0] += rng.normal() * 100
    if rng.random() < 0.3:
        X = X * 10.0 ** rng.integers(-120, 120, size=d)
    p = 1 / (1 + np.exp(-(X / X.std(0) @ (rng.normal(size=d) * 0.8) + rng.normal() * 0.5)))
    y = (rng.random(n) < p).astype(float)
    if y.sum() in (0, n):
        continue
    w = [np.ones(n), rng.integers(1, 4, size=n).astype(float), rng.random(n) * 3 + 0.01,
         rng.random(n) * 1e-3][int(rng.integers(0, 4))]
    opts = {"l2": float(rng.choice([0, 0, 0.5, 3.0])), "intercept": bool(rng.random() < 0.8)}
    if rng.random() < 0.2:
        opts["class_weight"] = "balanced"
    check(tag, X, y, w, opts, 1e-6, 1e-6)
print(f"seed {seed} bad {bad}")
