-- retention_fit (one retention_newton_step pass per Newton step) against
-- retention_train on the same rows: coefficients, summaries, info and drift
-- deciles; a parallel fit against a serial one.
BEGIN;
SELECT plan(56);

CREATE TABLE fit_rows AS
SELECT i,
       sin(i::float8) AS x1,
       ((i * 37) % 101)::float8 / 50 - 1 AS x2,
       cos(i * 0.3::float8) * 2 + 5 AS x3,
       ((i * 7919) % 1000)::float8 / 1000
         < 1 / (1 + exp(-(0.5 + 1.2 * sin(i::float8) - 0.8 * (((i * 37) % 101)::float8 / 50 - 1)
                        + 0.3 * (cos(i * 0.3::float8) * 2)))) AS y,
       (1 + i % 3)::float8 AS w
FROM generate_series(1, 3000) i;
-- rows retention_train and retention_fit skip: NULLs, zero weights, NaN (skip_invalid)
INSERT INTO fit_rows VALUES (3001, NULL, 0, 0, true, 1), (3002, 0, 0, 0, NULL, 1),
  (3003, 0.5, 0.5, 5, true, 0), (3004, 'NaN', 0, 5, false, 1), (3005, 0, 'Infinity', 5, true, 1);

CREATE FUNCTION pg_temp.relerr(a float8[], b float8[]) RETURNS float8 LANGUAGE sql AS $$
  SELECT max(abs(x - y) / greatest(abs(y), 1e-300)) FROM unnest(a, b) AS u(x, y)
$$;
-- intercept (0 without one), coefficients, standard errors
CREATE FUNCTION pg_temp.est(m retention_model) RETURNS float8[] LANGUAGE sql AS $$
  SELECT array_agg(coefficient ORDER BY o) || array_agg(coalesce(std_error, 0) ORDER BY o)
  FROM retention_model_summary(m) WITH ORDINALITY AS s(feature, coefficient, std_error, z_value, p_value, odds_ratio, ci_lower, ci_upper, o)
$$;
CREATE FUNCTION pg_temp.info_num(m retention_model) RETURNS float8[] LANGUAGE sql AS $$
  SELECT ARRAY[log_likelihood, null_log_likelihood, aic, bic, pseudo_r2, condition_number] FROM retention_model_info(m)
$$;
CREATE FUNCTION pg_temp.info_int(m retention_model) RETURNS text LANGUAGE sql AS $$
  SELECT (n_rows, n_skipped, n_retained, n_features, iterations, converged, l2)::text FROM retention_model_info(m)
$$;
CREATE FUNCTION pg_temp.deciles(m retention_model) RETURNS float8[] LANGUAGE sql AS $$
  SELECT ARRAY(SELECT jsonb_array_elements_text(m::jsonb -> 'score_deciles')::float8)
      || ARRAY(SELECT jsonb_array_elements_text(m::jsonb -> 'score_shares')::float8)
$$;

CREATE TEMP TABLE cases(name text, q text, o jsonb);
INSERT INTO cases VALUES
  ('mle', 'SELECT ARRAY[x1, x2, x3], y FROM fit_rows WHERE i <= 3000', '{"features": ["x1", "x2", "x3"]}'),
  ('no intercept', 'SELECT ARRAY[x1, x2, x3], y FROM fit_rows WHERE i <= 3000', '{"intercept": false}'),
  ('l2', 'SELECT ARRAY[x1, x2, x3], y FROM fit_rows WHERE i <= 3000', '{"l2": 2.5}'),
  ('balanced', 'SELECT ARRAY[x1, x2, x3], y FROM fit_rows WHERE i <= 3000', '{"l2": 1, "class_weight": "balanced"}'),
  ('weights', 'SELECT ARRAY[x1, x2, x3], y, w FROM fit_rows WHERE i <= 3003', '{}'),
  ('skip_invalid', 'SELECT ARRAY[x1, x2, x3], y, w FROM fit_rows', '{"skip_invalid": true, "tol": 1e-10}');

CREATE TEMP TABLE fits AS
SELECT c.name,
       retention_fit(c.q, c.o) AS fit,
       (CASE c.name
          WHEN 'weights' THEN (SELECT retention_train(ARRAY[x1, x2, x3], y, w, c.o) FROM fit_rows WHERE i <= 3003)
          WHEN 'skip_invalid' THEN (SELECT retention_train(ARRAY[x1, x2, x3], y, w, c.o) FROM fit_rows)
          ELSE (SELECT retention_train(ARRAY[x1, x2, x3], y, c.o) FROM fit_rows WHERE i <= 3000) END) AS train
FROM cases c;

SELECT is((SELECT count(*) FROM fits WHERE fit IS NOT NULL AND train IS NOT NULL), 6::bigint, 'six fits by both');
SELECT cmp_ok((SELECT max(pg_temp.relerr(pg_temp.est(fit), pg_temp.est(train))) FROM fits), '<', 1e-9::float8,
  'coefficients and standard errors of retention_fit equal retention_train''s to 1e-9');
SELECT is((SELECT array_agg(name ORDER BY name) FROM fits WHERE pg_temp.info_int(fit) IS DISTINCT FROM pg_temp.info_int(train)), NULL,
  'same rows, skipped rows, retained, features, iterations, converged, l2');
SELECT cmp_ok((SELECT max(pg_temp.relerr(pg_temp.info_num(fit), pg_temp.info_num(train))) FROM fits), '<', 1e-9::float8,
  'same log-likelihoods, AIC, BIC, pseudo R2 and condition number to 1e-9');
SELECT cmp_ok((SELECT max(pg_temp.relerr(pg_temp.deciles(fit), pg_temp.deciles(train))) FROM fits), '<', 1e-9::float8,
  'same training score deciles and shares (drift reference)');
SELECT is((SELECT (fit::jsonb -> 'features')::text FROM fits WHERE name = 'mle'), '["x1", "x2", "x3"]', 'feature names from the options');
SELECT is((SELECT pg_temp.info_int(fit) FROM fits WHERE name = 'skip_invalid'), '(3000,5,1808,3,5,t,0)', 'skipped rows counted like retention_train');
SELECT cmp_ok((SELECT abs(retention_score_drift(f.fit, retention_score(f.fit, ARRAY[x1, x2, x3]))
                        - retention_score_drift(f.train, retention_score(f.train, ARRAY[x1, x2, x3])))
               FROM fits f, fit_rows WHERE f.name = 'l2' AND i <= 1500), '<', 1e-9::float8,
  'retention_score_drift gives the same value for both models');

-- the query may be any SELECT: a join, a CTE, VALUES; a trailing semicolon and comment are fine
SELECT cmp_ok(pg_temp.relerr(pg_temp.est(retention_fit($$WITH r AS (SELECT * FROM fit_rows WHERE i <= 3000)
    SELECT ARRAY[x1, x2, x3] AS features, y AS retained FROM r; -- trailing comment$$)),
  (SELECT pg_temp.est(train) FROM fits WHERE name = 'mle')), '<', 1e-9::float8, 'a CTE query with a semicolon and a comment');
CREATE TEMP TABLE tiny AS SELECT retention_fit('VALUES (ARRAY[1.0, 2]::float8[], true), (ARRAY[2.0, 1], false), (ARRAY[3.0, 3], true), (ARRAY[4.0, 2.5], false), (ARRAY[0.5, 0.1], true)', '{"l2": 1}') AS fit,
  (SELECT retention_train(x, y, '{"l2": 1}') FROM (VALUES (ARRAY[1.0, 2]::float8[], true), (ARRAY[2.0, 1], false), (ARRAY[3.0, 3], true), (ARRAY[4.0, 2.5], false), (ARRAY[0.5, 0.1], true)) v(x, y)) AS train;
SELECT cmp_ok((SELECT pg_temp.relerr(pg_temp.est(fit), pg_temp.est(train)) FROM tiny), '<', 1e-9::float8, 'a VALUES query');
SELECT is(retention_fit('SELECT ARRAY[x1, x2], y FROM fit_rows WHERE i <= 3000', NULL) IS NOT NULL, true, 'NULL options mean the defaults');

-- the aggregate alone: fixed-size state, NULL for no rows
SELECT is((SELECT array_length(retention_newton_step(ARRAY[x1, x2, x3], y, 1, '{0,0}'), 1) FROM fit_rows WHERE i <= 10),
  (SELECT array_length(retention_newton_step(ARRAY[x1, x2, x3], y, 1, '{1,0}'), 1) FROM fit_rows), 'the state does not grow with the rows');
SELECT is((SELECT retention_newton_step(ARRAY[x1], y, 1, '{0,0}') FROM fit_rows WHERE false), NULL, 'no rows: NULL');
SELECT is((SELECT (retention_newton_step(ARRAY[x1], y, 1, '{1,0}'))[4:5] FROM fit_rows), '{3002,3}'::float8[],
  'statistics pass counts usable and skipped rows');

-- A point without NULLs that carries a null bitmap (PL/pgSQL keeps it when
-- the NULL element is assigned) is the plain point, not refused.
CREATE FUNCTION pg_temp.with_bitmap(p float8[]) RETURNS float8[] LANGUAGE plpgsql AS $$
DECLARE w float8[] := p[1:array_length(p, 1) - 1] || NULL::float8;
BEGIN
  w[array_length(p, 1)] := p[array_length(p, 1)];
  RETURN w;
END $$;
SELECT is((SELECT retention_newton_step(ARRAY[x1, x2, x3], y, 1, pg_temp.with_bitmap('{1,0}')) FROM fit_rows),
  (SELECT retention_newton_step(ARRAY[x1, x2, x3], y, 1, '{1,0}') FROM fit_rows),
  'a point that carries a null bitmap but no NULL equals the plain point');

-- A Newton pass over 7 rows (not a multiple of the 4 rows it queues): the
-- result holds no queued rows (the final function added them), and its
-- sums are those of the rows, computed here in SQL.  Point: d = 2, beta
-- (0.1, 0.2, 0.3), mu (0.5, 1), isc (1, 1); layout in src/cr_newton.h
-- (1-based: grad at 30, packed Hessian at 33..38, queue count at 49).
CREATE TEMP TABLE nt7 AS
SELECT row_number() OVER (ORDER BY i) AS k, x1, x2, y, 1 / (1 + exp(-(0.1 + 0.2 * (x1 - 0.5) + 0.3 * (x2 - 1)))) AS p
FROM fit_rows WHERE x1 IS NOT NULL AND x2 IS NOT NULL AND y IS NOT NULL ORDER BY i LIMIT 7;
CREATE TEMP TABLE ns7 AS
SELECT retention_newton_step(ARRAY[x1, x2], y, 1, '{2,2,1,1,0.1,0.2,0.3,0.5,1,1,1}') AS s FROM nt7;
SELECT is((SELECT array[array_length(s, 1), s[4], s[49]] FROM ns7), '{73,7,0}'::float8[],
  'a Newton pass of 7 rows: 7 rows counted, none left queued in the result');
SELECT cmp_ok((SELECT greatest(abs(s[30] - g0) / abs(g0), abs(s[33] - h00) / h00, abs(s[38] - h22) / h22)
               FROM ns7, (SELECT sum(y::int - p) AS g0, sum(p * (1 - p)) AS h00,
                                 sum(p * (1 - p) * (x2 - 1) ^ 2) AS h22 FROM nt7) q),
  '<', 1e-12::float8, 'its gradient and Hessian are the rows'' sums');
SELECT cmp_ok((SELECT CASE WHEN c[3] = 2 AND c[4] = 7 AND c[49] = 0
                             THEN greatest(abs(c[30] - n.s[30]) / abs(n.s[30]), abs(c[38] - n.s[38]) / n.s[38]) END
               FROM ns7 n, (SELECT retention_newton_step_combinefn(a.s, b.s) AS c FROM
                 (SELECT retention_newton_step(ARRAY[x1, x2], y, 1, '{2,2,1,1,0.1,0.2,0.3,0.5,1,1,1}') AS s FROM nt7 WHERE k <= 3) a,
                 (SELECT retention_newton_step(ARRAY[x1, x2], y, 1, '{2,2,1,1,0.1,0.2,0.3,0.5,1,1,1}') AS s FROM nt7 WHERE k > 3) b) q),
  '<', 1e-12::float8, 'combining the states of rows 1-3 and 4-7 gives the 7 rows'' sums');

-- The same pass counting the deciles (flag 32, CR_PT_BINS, as retention_fit
-- asks its likely last pass): edges 0, 0.1, .., 1 and the raw-scale beta
-- (-0.3, 0.2, 0.3) after the point; the bins (1-based 53..62) count each
-- row once by its score, and the Newton sums (gradient at 44) are the plain
-- pass's.
SELECT is((SELECT array[s[44], s[47]] || s[53:62]
           FROM (SELECT retention_newton_step(ARRAY[x1, x2], y, 1,
                   '{34,2,1,1,0.1,0.2,0.3,0.5,1,1,1,0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1,-0.3,0.2,0.3}') AS s FROM nt7) b),
          (SELECT array[s[30], s[33]] FROM ns7) ||
          ARRAY(SELECT count(n.k)::float8 FROM generate_series(0, 9) b
                LEFT JOIN (SELECT k, (SELECT count(*) FROM generate_series(1, 9) e WHERE e / 10.0 < p) AS bin FROM nt7) n ON n.bin = b
                GROUP BY b ORDER BY b),
  'a Newton pass that counts the deciles: its rows'' bins, and the plain pass''s gradient and Hessian');

-- Parallel query: every pass may use workers; same model as serial
CREATE TABLE fit_par AS SELECT g, r.* FROM generate_series(0, 19) g, fit_rows r WHERE r.i <= 3000;
ANALYZE fit_par;
SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE fit_serial AS SELECT retention_fit('SELECT ARRAY[x1, x2, x3 + g / 40.0], y FROM fit_par', '{"l2": 0.5}') AS m;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL parallel_leader_participation = off;
CREATE FUNCTION pg_temp.explain_lines(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || q; END $$;
SELECT ok((SELECT string_agg(x, E'\n') FROM pg_temp.explain_lines($$SELECT retention_newton_step(ARRAY[x1, x2, x3 + g / 40.0], y, 1, '{0,0}') FROM fit_par$$) e(x)) ~ 'Partial Aggregate',
  'the planner splits the step aggregate across parallel workers');
-- retention_fit's own queries are planned apart from the calling statement
CREATE TEMP TABLE fit_parallel AS SELECT retention_fit('SELECT ARRAY[x1, x2, x3 + g / 40.0], y FROM fit_par', '{"l2": 0.5}') AS m;
SELECT ok((SELECT m FROM fit_parallel) IS NOT NULL, 'a parallel fit runs');
SELECT cmp_ok(pg_temp.relerr(pg_temp.est((SELECT m FROM fit_parallel)), pg_temp.est((SELECT m FROM fit_serial))), '<', 1e-9::float8,
  'a parallel fit gives the serial coefficients and standard errors');
SELECT cmp_ok(pg_temp.relerr(pg_temp.info_num((SELECT m FROM fit_parallel)), pg_temp.info_num((SELECT m FROM fit_serial))), '<', 1e-9::float8,
  'and the same fit statistics');
-- features that are float sums of a parallel GROUP BY: the workers' partial
-- sums reach the leader in any order, so their last bits change from pass
-- to pass; the rows are the same, and the fit must not stop (it did, on
-- pass 2, when a checksum of the rows had to match)
CREATE TABLE fit_agg_src AS
SELECT i % 3000 AS k, sin(i) * 1000 AS v, cos(i * 7) AS u FROM generate_series(1, 300000) i;
ANALYZE fit_agg_src;
CREATE TEMP TABLE fit_agg AS
SELECT n, retention_fit($q$SELECT ARRAY[sum(v), avg(u)], (k * 7919) % 11 < 5 FROM fit_agg_src GROUP BY k$q$) AS m
FROM generate_series(1, 3) n;
SELECT ok((SELECT string_agg(x, E'\n') FROM pg_temp.explain_lines($$SELECT sum(v), avg(u) FROM fit_agg_src GROUP BY k$$) e(x)) ~ 'Partial',
  'the feature sums are partial sums of parallel workers');
SELECT cmp_ok((SELECT max(pg_temp.relerr(pg_temp.est(a.m), pg_temp.est(b.m))) FROM fit_agg a, fit_agg b), '<', 1e-9::float8,
  'a fit over float sums of a parallel GROUP BY runs, three times the same model');
RESET max_parallel_workers_per_gather;
RESET parallel_leader_participation;
SELECT cmp_ok(pg_temp.relerr(pg_temp.est((SELECT m FROM fit_serial)),
                             pg_temp.est((SELECT retention_train(ARRAY[x1, x2, x3 + g / 40.0], y, '{"l2": 0.5}') FROM fit_par))), '<', 1e-9::float8,
  '60 000 rows: retention_fit equals retention_train');

-- Issue 17 through retention_fit (the same solver as retention_train): a
-- feature in units of 1e10 gives the unit fit rescaled (statsmodels:
-- 1.4917888954709468, SE 0.17320454648592212); a strong but overlapping
-- predictor is not "separated" (statsmodels: 143.54303218880665); a truly
-- separated set is, for both; weights beyond 1e100 are 22003.
CREATE TEMP TABLE grouped17(x float8, y boolean, n int);
INSERT INTO grouped17 VALUES (-2, true, 2), (-2, false, 48), (-1, true, 10), (-1, false, 40),
  (1, true, 40), (1, false, 10), (2, true, 48), (2, false, 2);
CREATE TEMP TABLE units17 AS
SELECT sc, retention_fit(format('SELECT ARRAY[g.x * %s], g.y FROM grouped17 g, generate_series(1, g.n)', sc)) AS fit,
       (SELECT retention_train(ARRAY[g.x * sc], g.y) FROM grouped17 g, generate_series(1, g.n)) AS train
FROM (VALUES (1::float8), (1e10)) v(sc);
SELECT cmp_ok((SELECT max(greatest(abs((pg_temp.est(fit))[2] * sc / 1.4917888954709468 - 1),
                                   abs((pg_temp.est(fit))[4] * sc / 0.17320454648592212 - 1))) FROM units17), '<', 1e-8::float8,
  'retention_fit: a feature in units of 1e10 gives the unit-scale fit (statsmodels)');
SELECT is((SELECT array_agg(pg_temp.info_int(fit) = pg_temp.info_int(train) ORDER BY sc) FROM units17), '{t,t}'::boolean[],
  'retention_fit: the same iterations as retention_train in units 1 and 1e10');
CREATE TEMP TABLE ns17 AS
SELECT i, x, CASE WHEN i IN (495, 496, 505, 506) THEN NOT (x > 0) ELSE x > 0 END AS y
FROM (SELECT i, ((i - 500.5) / 500.0)::float8 AS x FROM generate_series(1, 1000) i) s;
CREATE TEMP TABLE overlap17 AS
SELECT retention_fit('SELECT ARRAY[x], y FROM ns17') AS fit, (SELECT retention_train(ARRAY[x], y) FROM ns17) AS train;
SELECT cmp_ok((SELECT abs((pg_temp.est(fit))[2] / 143.54303218880665 - 1) FROM overlap17), '<', 1e-9::float8,
  'retention_fit: strong but overlapping predictor, coefficient 143.543 (statsmodels)');
-- (the intercept is about 1e-15 here: compared absolutely)
SELECT cmp_ok((SELECT greatest(pg_temp.relerr((pg_temp.est(fit))[2:4] || pg_temp.info_num(fit), (pg_temp.est(train))[2:4] || pg_temp.info_num(train)),
                               abs((pg_temp.est(fit))[1] - (pg_temp.est(train))[1])) FROM overlap17), '<', 1e-9::float8,
  'retention_fit: the overlapping fit equals retention_train''s');
SELECT throws_ok($$SELECT retention_fit('SELECT ARRAY[x, i % 7], x > 0 FROM ns17')$$, '22000',
  'the outcome is perfectly or quasi-completely separated by feature "f1"', 'retention_fit: separated data (22000)');
SELECT throws_ok($$SELECT retention_train(ARRAY[x, i % 7], x > 0) FROM ns17$$, '22000',
  'the outcome is perfectly or quasi-completely separated by feature "f1"', 'retention_train: the same error');
SELECT throws_ok($$SELECT retention_fit('SELECT ARRAY[i % 10, (i * 7) % 11]::float8[], i % 10 + (i * 7) % 11 > 7.5 FROM ns17')$$, '22000',
  NULL, 'retention_fit: separated by a sum of features (22000)');
SELECT throws_ok($$SELECT retention_fit('SELECT ARRAY[x], y, CASE WHEN i = 7 THEN 1e101 ELSE 1 END::float8 FROM ns17')$$, '22003',
  'row weight must be a finite number of magnitude at most 1e+100, not 1e+101', 'retention_fit: a weight beyond 1e100 (22003)');
-- spreads whose squares leave the float8 range are measured again, so
-- retention_fit treats them as retention_train does (coefficient and
-- standard errors; the intercept is about 0 here)
SELECT throws_ok($$SELECT retention_fit('SELECT ARRAY[g.x * 1e-170], g.y FROM grouped17 g, generate_series(1, g.n)')$$, '22003',
  'feature "f1" varies too little for its coefficient to be represented', 'retention_fit: a spread of 1e-170 (22003, as retention_train)');
-- weights averaging 1e-250 put every variance beyond float8 with a feature
-- spreading by 1e-60: the error names the weights, not the feature (both
-- training paths)
SELECT throws_ok($$SELECT retention_fit('SELECT ARRAY[g.x * 1e-60], g.y, 1e-250::float8 FROM grouped17 g, generate_series(1, g.n)')$$, '22003',
  'the row weights are too small for the coefficients'' variances to be represented', 'retention_fit: weights of 1e-250 are named (22003)');
SELECT throws_ok($$SELECT retention_train(ARRAY[g.x * 1e-60], g.y, 1e-250::float8, '{}') FROM grouped17 g, generate_series(1, g.n)$$, '22003',
  'the row weights are too small for the coefficients'' variances to be represented', 'retention_train: the same error');
-- weights averaging below the smallest normal float8 (2.2e-308) lose their
-- precision in the fit's sums: whatever then goes wrong (variances beyond
-- float8, no convergence, a feature that looks constant or collinear, an
-- intercept that cannot be estimated; retention_train and retention_fit
-- used to fail in different ways at 1e-318 and 5e-324), the weights are
-- named, the same way by both paths, with and without an intercept, with
-- class_weight and l2
SELECT throws_ok($$SELECT retention_fit('SELECT ARRAY[g.x], g.y, 1e-310::float8 FROM grouped17 g, generate_series(1, g.n)')$$, '22003',
  'the row weights are too small to fit a model', 'retention_fit: weights of 1e-310 are named (22003)');
SELECT throws_ok($$SELECT retention_train(ARRAY[g.x], g.y, 1e-310::float8, '{}') FROM grouped17 g, generate_series(1, g.n)$$, '22003',
  'the row weights are too small to fit a model', 'retention_train: the same error');
CREATE TEMP TABLE tiny17 AS
SELECT i, ARRAY[x, ((i * 7919) % 101)::float8 / 101] AS x,
       (((i * 7919) % 101)::float8 / 101 + x + ((i * 31337) % 997)::float8 / 997) > 1.4 AS y
FROM (SELECT i, ((i * 104729) % 1000)::float8 / 1000 AS x FROM generate_series(1, 2000) i) g;
CREATE FUNCTION pg_temp.fit_error(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ' ' || SQLERRM;
END $$;
SELECT is((SELECT string_agg(format('%s %s: %s / %s', w, o, t, f), '; ')
           FROM (SELECT w, o,
                        pg_temp.fit_error(format('SELECT retention_train(x, y, %s::float8, %L) FROM tiny17', w, o)) AS t,
                        pg_temp.fit_error(format('SELECT retention_fit(%L, %L)', format('SELECT x, y, %s::float8 FROM tiny17', w), o)) AS f
                 FROM unnest(ARRAY['1e-310', '1e-314', '1e-318', '1e-320', '1e-323', '5e-324']) w,
                      unnest(ARRAY['{}', '{"intercept": false}', '{"class_weight": "balanced"}', '{"l2": 1}']) o) e
           WHERE (t, f) IS DISTINCT FROM ('22003 the row weights are too small to fit a model', '22003 the row weights are too small to fit a model')
             AND NOT (t = 'no error' AND f = 'no error')),
  NULL, 'weights averaging below 2.2e-308: both paths name the weights, or both fit');
-- a few rows of weight 1 among rows of weight 1e-310: the model of those
-- rows alone (the others weigh nothing next to them), for both paths
SELECT cmp_ok((SELECT greatest(pg_temp.relerr(pg_temp.est(retention_fit('SELECT x, y, CASE WHEN i % 20 = 0 THEN 1 ELSE 1e-310 END::float8 FROM tiny17')),
                                              pg_temp.est((SELECT retention_train(x, y) FROM tiny17 WHERE i % 20 = 0))),
                               pg_temp.relerr(pg_temp.est((SELECT retention_train(x, y, CASE WHEN i % 20 = 0 THEN 1 ELSE 1e-310 END, '{}') FROM tiny17)),
                                              pg_temp.est((SELECT retention_train(x, y) FROM tiny17 WHERE i % 20 = 0))))),
  '<', 1e-9::float8, 'mixed weights (1 and 1e-310): the model of the rows of weight 1');
SELECT cmp_ok((SELECT pg_temp.relerr((pg_temp.est(retention_fit('SELECT ARRAY[g.x * 1e-150], g.y FROM grouped17 g, generate_series(1, g.n)')))[2:4],
                                     (pg_temp.est((SELECT retention_train(ARRAY[g.x * 1e-150], g.y) FROM grouped17 g, generate_series(1, g.n))))[2:4])),
  '<', 1e-9::float8, 'retention_fit: a feature in units of 1e-150 equals retention_train');
-- spreads of 1e-146 to 1e-140 are measured well at the first pre-scale (1e150);
-- they used to go on to 1e300, where their squares overflowed ("collinear")
SELECT cmp_ok((SELECT max(pg_temp.relerr((pg_temp.est(retention_fit(format('SELECT ARRAY[g.x * %s], g.y FROM grouped17 g, generate_series(1, g.n)', s))))[2:4],
                                         (pg_temp.est((SELECT retention_train(ARRAY[g.x * s], g.y) FROM grouped17 g, generate_series(1, g.n))))[2:4]))
               FROM unnest(ARRAY[1e-141, 1e-142, 1e-145]::float8[]) s),
  '<', 1e-9::float8, 'retention_fit: features in units of 1e-141, 1e-142 and 1e-145 equal retention_train');
SELECT cmp_ok((SELECT pg_temp.relerr((pg_temp.est(retention_fit('SELECT ARRAY[g.x * 1e99], g.y, 1e99::float8 FROM grouped17 g, generate_series(1, g.n)')))[2:4],
                                     (pg_temp.est((SELECT retention_train(ARRAY[g.x * 1e99], g.y, 1e99::float8, '{}') FROM grouped17 g, generate_series(1, g.n))))[2:4])),
  '<', 1e-9::float8, 'retention_fit: values and weights of 1e99 equal retention_train');

-- from 4 * 65 536 rows on, retention_fit starts its passes at the optimum of
-- the decile sample, kept in memory by the spreads pass (retention_train
-- starts from the same sample): the same model as retention_train's, also
-- with a loose tol or a small max_iter (the sample's fit has its own, as
-- retention_train's has; they apply to the passes after it, which go on to
-- at least the default tol, as retention_train's gradient passes go on)
CREATE TEMP TABLE big_rows AS
SELECT ARRAY[sin(i::float8), ((i * 37) % 101)::float8 / 50 - 1, cos(i * 0.3::float8) * 2 + 5] AS x,
       ((i * 7919) % 1000)::float8 / 1000
         < 1 / (1 + exp(-(0.5 + 1.2 * sin(i::float8) - 0.8 * (((i * 37) % 101)::float8 / 50 - 1)))) AS y
FROM generate_series(1::bigint, 300000) i;
CREATE TEMP TABLE big_fits AS
SELECT o, retention_fit('SELECT x, y FROM big_rows', o) AS fit,
       (SELECT retention_train(x, y, o) FROM big_rows) AS train
FROM unnest(ARRAY['{}', '{"l2": 2, "class_weight": "balanced"}', '{"intercept": false}',
                  '{"tol": 0.5}', '{"tol": 1e-4}', '{"max_iter": 1}']::jsonb[]) o;
SELECT cmp_ok((SELECT max(pg_temp.relerr(pg_temp.est(fit), pg_temp.est(train))) FROM big_fits), '<', 1e-9::float8,
  'retention_fit from the sample''s optimum: coefficients and standard errors equal retention_train''s (300 000 rows)');
SELECT cmp_ok((SELECT max(pg_temp.relerr(pg_temp.info_num(fit), pg_temp.info_num(train))) FROM big_fits), '<', 1e-9::float8,
  'retention_fit from the sample''s optimum: the same log-likelihoods, AIC, BIC, pseudo R2 and condition number');
SELECT cmp_ok((SELECT max(pg_temp.relerr(pg_temp.deciles(fit), pg_temp.deciles(train))) FROM big_fits), '<', 1e-9::float8,
  'retention_fit: decile edges from the sample kept in memory equal retention_train''s');
-- 40 features, 70 000 rows: the sample (65 536 rows of 41 values) would take over 16 MB,
-- so the spreads are an aggregate pass and the deciles a pass of their own
CREATE TEMP TABLE wide_rows AS
SELECT ARRAY(SELECT sin(i * k + k * k) FROM generate_series(1, 40) k) AS x,
       (i * 7919) % 1000 < 500 + 300 * sin(i::float8) AS y
FROM generate_series(1, 70000) i;
SELECT cmp_ok((SELECT greatest(pg_temp.relerr(pg_temp.est(f), pg_temp.est(t)), pg_temp.relerr(pg_temp.deciles(f), pg_temp.deciles(t)))
               FROM (SELECT retention_fit('SELECT x, y FROM wide_rows', '{"l2": 1}') AS f,
                            (SELECT retention_train(x, y, '{"l2": 1}') FROM wide_rows) AS t) w), '<', 1e-9::float8,
  'retention_fit with 40 features (no sample kept in memory) equals retention_train');

-- 300 000 usable rows where only the rows off the decile sample (every 4th
-- usable row is sampled) overlap: the sample alone is separated, so its fit
-- gives no start and Newton starts from zero; weights, zero weights and NaN
-- rows (skip_invalid) after the usable ones
CREATE TEMP TABLE sep_rows AS
SELECT i::float8 / 1000 AS x,
       CASE WHEN i % 4 = 3 AND i % 1000 < 40 THEN i < 150000 ELSE i >= 150000 END AS y,
       (1 + i % 3)::float8 AS w
FROM generate_series(1, 300000) i;
INSERT INTO sep_rows VALUES ('NaN', true, 1), (1, false, 0), (2, true, 0);
SELECT cmp_ok((SELECT greatest(pg_temp.relerr(pg_temp.est(f), pg_temp.est(t)), pg_temp.relerr(pg_temp.info_num(f), pg_temp.info_num(t)),
                               pg_temp.relerr(pg_temp.deciles(f), pg_temp.deciles(t)))
               FROM (SELECT retention_fit('SELECT ARRAY[x], y, w FROM sep_rows', '{"skip_invalid": true}') AS f,
                            (SELECT retention_train(ARRAY[x], y, w, '{"skip_invalid": true}') FROM sep_rows) AS t) s), '<', 1e-9::float8,
  'retention_fit: only the sample separated (300 000 rows, weights, skipped rows) equals retention_train');

-- A feature far from zero next to its spread (1e12 + k/4, exact in float8):
-- pass 1's mean is a plain sum, 58 ulps off here, which retention_fit once
-- kept, centring on it (condition number 5e-6 from retention_train's); the
-- spreads pass's mean of the differences from it now corrects it.  Checked
-- against the exact mean (numeric: the values have at most 15 digits, and
-- their mean is 1000000000000.00175 exactly), not against retention_train's,
-- which is computed otherwise and equals it only to rounding in general
-- (here both are the exact mean's float8).
CREATE TEMP TABLE far_rows AS
SELECT i, ARRAY[1e12 + ((i * 37) % 101 - 50) / 4.0, sin(i)]::float8[] AS x,
       (i * 7919) % 1000 < 500 + 400 * sin(((i * 37) % 101 - 50) / 40.0 - sin(i)) AS y
FROM generate_series(1, 3000) i;
CREATE TEMP TABLE far_fit AS
SELECT retention_fit('SELECT x, y FROM far_rows ORDER BY i') AS f,
       (SELECT retention_train(x, y ORDER BY i) FROM far_rows) AS t;
SELECT is((SELECT (f::jsonb -> 'means' ->> 0)::float8 FROM far_fit), (SELECT (sum(x[1]::numeric) / count(*))::float8 FROM far_rows),
  'retention_fit: a feature of 1e12 +- 12 has its exact mean');
SELECT cmp_ok((SELECT pg_temp.relerr(ARRAY[(retention_model_info(f)).condition_number], ARRAY[(retention_model_info(t)).condition_number]) FROM far_fit),
  '<', 1e-9::float8, 'retention_fit: and its condition number');


-- Rows that change between passes are an error, never a wrong model, also
-- when only values are exchanged between two rows of the same class (ids 2
-- and 6, both lapsed: x1 2 and 6 become 6 and 2 from pass 3 on), which
-- keeps every count, feature sum and sum of squares: the mixed second
-- moment of the features (cr_rows_same) changes.  It ran 7 passes and
-- returned the changed rows' model.
CREATE TABLE swap_rows AS
SELECT i AS id, (i % 17)::float8 AS x1, (i % 5)::float8 AS x2, i % 4 = 0 AS y FROM generate_series(1, 2000) i;
CREATE SEQUENCE swap_pass;
SELECT throws_ok($$SELECT retention_fit($q$SELECT ARRAY[x1 + CASE id WHEN 2 THEN k WHEN 6 THEN -k ELSE 0 END, x2], y
                                        FROM swap_rows, (SELECT CASE WHEN nextval('swap_pass') < 3 THEN 0 ELSE 4 END AS k) p$q$)$$,
  '22000', 'the retention_fit query returned different rows on pass 3',
  'retention_fit: x1 exchanged between two lapsed rows from pass 3 on is an error');
-- ... from pass 2 on: the row-by-row spreads pass compares the same sums
ALTER SEQUENCE swap_pass RESTART;
SELECT throws_ok($$SELECT retention_fit($q$SELECT ARRAY[x1 + CASE id WHEN 2 THEN k WHEN 6 THEN -k ELSE 0 END, x2], y
                                        FROM swap_rows, (SELECT CASE WHEN nextval('swap_pass') < 2 THEN 0 ELSE 4 END AS k) p$q$)$$,
  '22000', 'the retention_fit query returned different rows on pass 2',
  'retention_fit: and from the row-by-row pass 2 on');
-- A changed row whose 20-bit row hash is the old one's (row 2: x1 2 and
-- 12555.734375 hash alike, found by search over x1 = 2 + j/64): the
-- passes compared such a checksum first and took the changed rows for the
-- same, and the fit returned a model of mixed data (1 change in 2^20); the
-- sums are compared every time now.
CREATE SEQUENCE coll_pass;
SELECT throws_ok($$SELECT retention_fit($q$SELECT ARRAY[CASE WHEN id = 2 THEN k ELSE x1 END, x2], y
                                        FROM swap_rows, (SELECT CASE WHEN nextval('coll_pass') < 3 THEN 2 ELSE 12555.734375 END::float8 AS k) p$q$)$$,
  '22000', 'the retention_fit query returned different rows on pass 3',
  'retention_fit: a changed row whose row hash matched the old one''s is an error');
-- Values that differ only in their last bits from pass to pass (features
-- recomputed, here times 1 + 2^-52 on every other row, other rows each
-- pass, or divided and multiplied back by a per-pass value) are the same
-- rows: the same model as without.
CREATE TEMP TABLE bits_fit AS
SELECT retention_fit('SELECT ARRAY[x1, x2, x3], y, w FROM fit_rows WHERE i <= 2999') AS plain,
       retention_fit($q$SELECT ARRAY[x1 * e, x2 * e, x3 * e], y, w
                        FROM (SELECT *, 1 + CASE WHEN nextval('swap_pass') % 2 = 0 THEN 2.220446049250313e-16::float8 ELSE 0 END AS e
                              FROM fit_rows WHERE i <= 2999) r$q$) AS per_row,
       retention_fit($q$SELECT ARRAY[x1 * v / v, x2 * v / v, x3 / v * v], y, w
                        FROM fit_rows, (SELECT 0.1 * nextval('swap_pass') + 0.7 AS v) p WHERE i <= 2999$q$) AS per_pass;
SELECT cmp_ok((SELECT greatest(pg_temp.relerr(pg_temp.est(per_row), pg_temp.est(plain)), pg_temp.relerr(pg_temp.est(per_pass), pg_temp.est(plain)))
               FROM bits_fit), '<', 1e-9::float8,
  'retention_fit: features off in their last bits from pass to pass fit the same model');
SELECT ok((SELECT per_row::jsonb -> 'coefficients' <> plain::jsonb -> 'coefficients' FROM bits_fit),
  'and they did differ in their last bits');
SELECT * FROM finish();
ROLLBACK;
