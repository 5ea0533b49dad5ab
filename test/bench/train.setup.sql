-- Training benchmark data: 1 million rows x 16 features per unit of scale,
-- a float8[] column and a label drawn from a known logistic model.
-- (Kept between runs when it already has the requested size.)
SELECT coalesce((SELECT reltuples::bigint FROM pg_class WHERE relname = 'train_rows'), -1)
       = (1000000 * :scale)::bigint AS have_train_rows \gset
\if :have_train_rows
\else
DROP TABLE IF EXISTS train_rows;
CREATE TABLE train_rows AS
SELECT i,
       ARRAY(SELECT sin(i * k + k) FROM generate_series(1, 16) k)::float8[] AS x,
       ((i * 7919) % 1000) / 1000.0 < 1 / (1 + exp(-(0.3 + sin(i + 1.0) - 0.5 * sin(2.0 * i + 2) + 0.2 * sin(3.0 * i + 3)))) AS y
FROM generate_series(1, (1000000 * :scale)::bigint) i;
VACUUM ANALYZE train_rows;
\set vac_table train_rows
\ir all_visible.sql
\endif

-- PL/Python + scikit-learn, what a user would otherwise run inside the database.
CREATE EXTENSION IF NOT EXISTS plpython3u;
CREATE OR REPLACE FUNCTION bench_sklearn_train() RETURNS float8[] LANGUAGE plpython3u AS $$
import numpy as np
from sklearn.linear_model import LogisticRegression
rows = plpy.execute("SELECT x, y FROM train_rows")
X = np.array([r["x"] for r in rows], dtype=float)
y = np.array([r["y"] for r in rows], dtype=bool)
m = LogisticRegression(penalty=None, solver="newton-cholesky", tol=1e-8, max_iter=100).fit(X, y)
return [float(m.intercept_[0])] + [float(c) for c in m.coef_[0]]
$$;
