#!/usr/bin/python3
"""Features far from zero next to their spread, on a running server (not part
of make test; run it after a change to the scaling or scoring in
src/cr_logit*.c, cr_linalg.c, cr_newton*.c, cr_fit.c, cr_train.c or
cr_score.c).

    PGHOST=... PGPORT=... PGUSER=postgres /usr/bin/python3 \
        test/reference/model_offset_check.py [SEED]

Each set is 400 rows of two features, the first x = offset + k/4 (k an integer
near N(0, 256), so offset + k/4 is exact in float8 up to offset 2^50), the second
N(0, 1), for offsets from 1e3 to 1e13 (mean / spread R about offset / 4).  The
reference is a Newton fit here on the same rows with the offset taken off
(exact), so the slopes, standard errors and log-likelihood do not depend on
the offset.  Both retention_train and retention_fit are checked:

  - slopes and standard errors against the reference to 1e-9;
  - log_likelihood, condition_number and score_deciles, retention_train
    against retention_fit, and retention_score against the exact (mpmath)
    scores of the stored coefficients, to max(1e-9, K * 1e-15), where K is
    the largest |coefficient * mean| of the model (here about 4 R: the
    slope is 1 a unit, the spread 4): the model keeps the intercept on the
    raw scale (about -K), so intercept + coefficient * x cancels, and a
    score is good to a few roundings of K (each 1.1e-16 K; measured: the
    deciles up to 3.6e-16 K apart), and the centring at a mean that float8
    holds only to its ulp moves condition_number (against the reference)
    by R * 1e-16.  Up to K of about 2e6 that is within the README's 1e-9.

Prints each disagreement and "seed S bad N".
"""
import json, os, sys, warnings
import mpmath, numpy as np, psycopg2

seed = int(sys.argv[1]) if len(sys.argv) > 1 else 1
rng = np.random.default_rng(seed)
mpmath.mp.dps = 40
warnings.filterwarnings("ignore")
bad = 0
conn = psycopg2.connect(dbname=os.environ.get('PGDATABASE', 'postgres'))
conn.autocommit = True
cur = conn.cursor()


def newton(Z, y):
    b = np.zeros(Z.shape[1])
    for _ in range(200):
        p = 1 / (1 + np.exp(-Z @ b))
        H = (Z * (p * (1 - p))[:, None]).T @ Z
        step = np.linalg.solve(H, Z.T @ (y - p))
        b += step
        if np.max(np.abs(step)) < 1e-15 * (1 + np.max(np.abs(b))):
            break
    p = 1 / (1 + np.exp(-Z @ b))
    H = (Z * (p * (1 - p))[:, None]).T @ Z
    C = np.column_stack([np.ones(len(y)), Z[:, 1:] - Z[:, 1:].mean(0)])
    Hc = (C * (p * (1 - p))[:, None]).T @ C
    s = 1 / np.sqrt(np.diag(Hc))
    ev = np.linalg.eigvalsh(Hc * s[:, None] * s[None, :])
    return b, np.sqrt(np.diag(np.linalg.inv(H))), ev[-1] / ev[0]


worst = {}


def close(tag, what, a, b, tol):
    global bad
    r = abs(a - b) / abs(b) if b != 0 else abs(a)
    key = tag.split(' ', 3)[3] if tol > 1e-9 else None
    worst[key] = max(worst.get(key, (0, 0)), (r, r / tol))
    if not r <= tol:
        bad += 1
        print(f"{tag} {what}: {a!r}, reference {b!r} (relative {r:.2g}, tolerance {tol:.2g})")


for offset in (1e3, 1e6, 1e8, 1e10, 1e12, -1e13):
    n = 400
    X0 = np.column_stack([np.round(rng.normal(size=n) * 16) / 4, rng.normal(size=n)])
    y = (rng.random(n) < 1 / (1 + np.exp(-X0 @ [1.0, -0.7]))).astype(float)
    X = X0.copy()
    X[:, 0] += offset
    assert np.all(X[:, 0] - offset == X0[:, 0])
    R = abs(offset) / X0[:, 0].std()
    tag = f"seed {seed} offset {offset:g}"
    b, se, cond = newton(np.column_stack([np.ones(n), X0]), y)
    cur.execute("DROP TABLE IF EXISTS moc; CREATE TEMP TABLE moc(i int, f float8[], r boolean)")
    cur.executemany("INSERT INTO moc VALUES (%s, %s, %s)",
                    [(i, [float(v) for v in X[i]], bool(y[i])) for i in range(n)])
    models = {}
    for name, q in (("train", "SELECT retention_train(f, r ORDER BY i)::text FROM moc"),
                    ("fit", "SELECT retention_fit('SELECT f, r FROM moc ORDER BY i')::text")):
        try:
            cur.execute(q)
        except psycopg2.Error as e:
            bad += 1
            print(f"{tag} {name}: {e.pgcode} {e.pgerror.splitlines()[0]}")
            continue
        m = models[name] = json.loads(cur.fetchone()[0])
        tol = max(1e-9, max(abs(c * mu) for c, mu in zip(m['coefficients'], m['means'])) * 1e-15)
        cur.execute("SELECT (SELECT array_agg(std_error ORDER BY ord) FROM retention_model_summary(%s::retention_model)"
                    " WITH ORDINALITY s(f, c, std_error, z, p, o, l, u, ord))", (json.dumps(m),))
        ses = cur.fetchone()[0]
        for j in (0, 1):
            close(f"{tag} {name}", f"coefficient {j + 1}", m['coefficients'][j], b[j + 1], 1e-9)
            close(f"{tag} {name}", f"std_error {j + 1}", ses[j + 1], se[j + 1], 1e-9)
        close(f"{tag} {name}", "condition_number", m['condition_number'], cond, tol)
        eta = [mpmath.mpf(m['intercept']) + sum(mpmath.mpf(m['coefficients'][j]) * mpmath.mpf(X[i, j]) for j in (0, 1))
               for i in range(n)]
        exact = np.array([float(1 / (1 + mpmath.exp(-e))) for e in eta])
        cur.execute("SELECT array_agg(retention_score(%s::retention_model, f) ORDER BY i) FROM moc", (json.dumps(m),))
        got = np.array(cur.fetchone()[0])
        err = np.max(np.abs(got - exact))
        close(f"{tag} {name}", "retention_score (worst row, absolute)", 1 + err, 1, tol)
    if len(models) == 2:
        a, f = models['train'], models['fit']
        tol = max(1e-9, max(abs(c * mu) for m in (a, f) for c, mu in zip(m['coefficients'], m['means'])) * 1e-15)
        for k in ('log_likelihood', 'condition_number'):
            close(f"{tag} train against fit", k, a[k], f[k], tol)
        for k in range(11):
            close(f"{tag} train against fit", f"score_deciles[{k}]", a['score_deciles'][k], f['score_deciles'][k], tol)
for k, v in worst.items():
    if k:
        print(f"seed {seed} {k}: largest difference of the K-dependent checks {v[0]:.2g} ({v[1]:.2g} of its tolerance)")
print(f"seed {seed} bad {bad}")
