-- Fits that an independent review found wrong (issue 17 items 2-5): a fit
-- must not depend on the units of a feature beyond the unit change itself,
-- strong but overlapping predictors are not "separated", truly separated
-- data still are, and tiny but varying values are not "constant".
-- Reference values: test/reference/model_reference.py, sections 7 and 8
-- (statsmodels Logit); see also test/unit/test_logit.c.
\set SHOW_CONTEXT never
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r text; st text; msg text; det text; hnt text;
BEGIN
  EXECUTE q INTO r;
  RETURN 'ok: ' || coalesce(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                          det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
  RETURN st || ' ' || msg || coalesce(' | ' || nullif(det, ''), '')
         || coalesce(' | HINT: ' || nullif(hnt, ''), '');
END $$;

-- Item 2: an exactly balanced outcome (statsmodels: coefficient
-- 1.4917888954709468, SE 0.17320454648592212, log-likelihood
-- -66.99894316815029; without intercept the same) and an unbalanced one
-- (0.965057654159568, 0.12601986714204472, -96.63835231739316; without
-- intercept 0.9486272954739551, 0.12357256432690455, -97.93425484685693).
CREATE TEMP TABLE grouped(kind text, x float8, y boolean, n int);
INSERT INTO grouped VALUES
  ('balanced', -2, true, 2), ('balanced', -2, false, 48), ('balanced', -1, true, 10), ('balanced', -1, false, 40),
  ('balanced', 1, true, 40), ('balanced', 1, false, 10), ('balanced', 2, true, 48), ('balanced', 2, false, 2),
  ('unbalanced', -2, true, 5), ('unbalanced', -2, false, 45), ('unbalanced', -1, true, 12), ('unbalanced', -1, false, 38),
  ('unbalanced', 1, true, 30), ('unbalanced', 1, false, 20), ('unbalanced', 2, true, 44), ('unbalanced', 2, false, 6);
CREATE TEMP TABLE ref(kind text, intercept boolean, coef float8, se float8, ll float8);
INSERT INTO ref VALUES
  ('balanced', true, 1.4917888954709468, 0.17320454648592212, -66.99894316815029),
  ('balanced', false, 1.4917888954709473, 0.17320454648592212, -66.9989431681503),
  ('unbalanced', true, 0.965057654159568, 0.12601986714204472, -96.63835231739316),
  ('unbalanced', false, 0.9486272954739551, 0.12357256432690455, -97.93425484685693);
WITH fits AS (
  SELECT g.kind, ic.intercept, sc.scale,
         retention_train(ARRAY[g.x * sc.scale], g.y,
                         jsonb_build_object('intercept', ic.intercept)) AS m
  FROM grouped g, generate_series(1, g.n),
       (VALUES (1e-150::float8), (1e-100), (1e-10), (1), (1e10), (1e50), (1e90)) sc(scale),
       (VALUES (true), (false)) ic(intercept)
  GROUP BY g.kind, ic.intercept, sc.scale)
SELECT f.kind, f.intercept, f.scale,
       abs(c.coefficient * f.scale / r.coef - 1) < 1e-9 AS coef_ok,
       abs(c.std_error * f.scale / r.se - 1) < 1e-9 AS se_ok,
       abs(i.log_likelihood / r.ll - 1) < 1e-9 AS ll_ok,
       i.converged, i.iterations > 1 AS more_than_one_step
FROM fits f JOIN ref r USING (kind, intercept),
     retention_model_summary(f.m) c, retention_model_info(f.m) i
WHERE c.feature = 'f1'
ORDER BY f.kind, f.intercept, f.scale;

-- Item 3: strong but overlapping (statsmodels: coefficient
-- 143.54303218880665, SE 42.403228722858046), then separated and
-- quasi-separated data.
CREATE TEMP TABLE ns AS
SELECT i, x, CASE WHEN i IN (495, 496, 505, 506) THEN NOT (x > 0) ELSE x > 0 END AS y
FROM (SELECT i, (i - 500.5) / 500.0 AS x FROM generate_series(1, 1000) i) s;
SELECT round(c.coefficient::numeric, 6) AS coefficient, round(c.std_error::numeric, 5) AS std_error,
       i.converged,
       -- the Hessian behind the SE is the one at the returned coefficients
       abs(c.std_error / 42.403228722858046 - 1) < 1e-9 AS se_ok
FROM (SELECT retention_train(ARRAY[x], y) m FROM ns) t,
     retention_model_summary(t.m) c, retention_model_info(t.m) i
WHERE c.feature = 'f1';
\pset tuples_only on
\pset format unaligned
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  (1, 'separated', $$SELECT retention_train(ARRAY[x, i % 7], x > 0) FROM ns$$),
  (2, 'quasi-separated', $$SELECT retention_train(ARRAY[CASE WHEN i IN (500, 501) THEN 0 ELSE x END, i % 7], CASE WHEN i IN (500, 501) THEN i = 500 ELSE x > 0 END) FROM ns$$),
  (3, 'separated by a sum', $$SELECT retention_train(ARRAY[i % 10, (i * 7) % 11], i % 10 + (i * 7) % 11 > 7.5) FROM ns$$),
  (4, 'quasi-separated with l2', $$SELECT (retention_model_info(retention_train(ARRAY[CASE WHEN i IN (500, 501) THEN 0 ELSE x END, i % 7], CASE WHEN i IN (500, 501) THEN i = 500 ELSE x > 0 END, '{"l2": 1}'))).converged FROM ns$$)
) v(k, label, q) ORDER BY k;
\pset tuples_only off
\pset format aligned

-- Item 5: tiny but varying values are not constant; where the coefficient's
-- variance leaves the float8 range, the error says so (22003).
\pset tuples_only on
\pset format unaligned
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  (1, '1e-150', $$SELECT round((c.coefficient * 1e-150)::numeric, 9) FROM (SELECT retention_train(ARRAY[g.x * 1e-150], g.y) m FROM grouped g, generate_series(1, g.n) WHERE g.kind = 'unbalanced') t, retention_model_summary(t.m) c WHERE c.feature = 'f1'$$),
  (2, '1e-170', $$SELECT retention_train(ARRAY[g.x * 1e-170], g.y) FROM grouped g, generate_series(1, g.n) WHERE g.kind = 'unbalanced'$$),
  (3, '1e-170 next to a unit feature', $$SELECT retention_train(ARRAY[g.x, g.x * 1e-170 + 1e-171 * (gs.k % 3)], g.y) IS NOT NULL FROM grouped g, generate_series(1, g.n) gs(k) WHERE g.kind = 'unbalanced'$$),
  (4, 'subnormal spread', $$SELECT retention_train(ARRAY[CASE WHEN i % 3 = 0 THEN 1e-320 ELSE 0 END, i % 7], i % 2 = 0) IS NOT NULL FROM ns$$),
  (5, 'subnormal spread, no intercept', $$SELECT retention_train(ARRAY[CASE WHEN i % 3 = 0 THEN 1e-320 ELSE 0 END, i % 7], i % 2 = 0, '{"intercept": false}') IS NOT NULL FROM ns$$),
  (6, 'subnormal spread with l2 (coefficient about 0)', $$SELECT round((retention_model_summary(retention_train(ARRAY[CASE WHEN i % 3 = 0 THEN 1e-320 ELSE 0 END, i % 7], i % 2 = 0, '{"l2": 1}'))).coefficient::numeric, 6) FROM ns LIMIT 1 OFFSET 1$$)
) v(k, label, q) ORDER BY k;

-- Item 4: weights beyond 1e100 are out of range (22003), NaN and infinite
-- ones invalid (22023); skip_invalid skips them all.
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  (1, '1e101 weight', $$SELECT retention_train(ARRAY[x], y, CASE WHEN i = 7 THEN 1e101 ELSE 1 END::float8, '{}') FROM ns$$),
  (2, 'Infinity weight', $$SELECT retention_train(ARRAY[x], y, CASE WHEN i = 7 THEN 'Infinity'::float8 ELSE 1 END, '{}') FROM ns$$),
  (3, 'skipped', $$SELECT (n_rows, n_skipped)::text FROM retention_model_info((SELECT retention_train(ARRAY[x], y, CASE i WHEN 7 THEN 1e101::float8 WHEN 8 THEN 'Infinity' WHEN 9 THEN 'NaN' ELSE 1 END, '{"skip_invalid": true}') FROM ns))$$)
) v(k, label, q) ORDER BY k;
