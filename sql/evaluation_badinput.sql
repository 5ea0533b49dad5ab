-- Bad-input matrix of the evaluation pillar (issue 7): retention_auc,
-- retention_metrics (2 and 3 arguments), retention_calibration,
-- retention_ece and retention_split (bigint and text keys) fed NULLs, NaN,
-- +-Infinity, 1e308, scores outside [0, 1], odd thresholds and bin counts,
-- parameters varying within a group, empty and one-class input, odd text keys,
-- window and parallel use, and bogus states given to the support functions.
-- Each case prints its SQLSTATE, message, detail and hint, or "ok: " and the
-- result; the server must never crash.
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
\pset tuples_only on
\pset format unaligned
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

CREATE TEMP TABLE ev AS
SELECT i, (1 + sin(i)) / 2 AS p, i % 3 = 0 AS y FROM generate_series(1, 100) i;

-- ---------------------------------------------------------------- retention_auc
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('reference', $$SELECT round(retention_auc(p, y)::numeric, 12) FROM ev$$),
  ('no rows', $$SELECT retention_auc(p, y) FROM ev WHERE false$$),
  ('NULL scores only', $$SELECT retention_auc(NULL, y) FROM ev$$),
  ('NULL labels only', $$SELECT retention_auc(p, NULL) FROM ev$$),
  ('NULL rows skipped', $$SELECT retention_auc(CASE WHEN i % 7 = 0 THEN NULL ELSE p END, CASE WHEN i % 11 = 0 THEN NULL ELSE y END) = (SELECT retention_auc(p, y) FROM ev WHERE i % 7 <> 0 AND i % 11 <> 0) FROM ev$$),
  ('one class (all true)', $$SELECT retention_auc(p, true) FROM ev$$),
  ('one class (all false)', $$SELECT retention_auc(p, false) FROM ev$$),
  ('one row', $$SELECT retention_auc(0.5, true)$$),
  ('NaN score', $$SELECT retention_auc(CASE WHEN i = 50 THEN 'NaN' ELSE p END, y) FROM ev$$),
  ('+-Infinity scores rank last and first', $$SELECT retention_auc(s, l) FROM (VALUES ('Infinity'::float8, true), ('-Infinity', false), (0, true), (0, false)) v(s, l)$$),
  ('1e308 and -1e308 scores', $$SELECT retention_auc(s, l) FROM (VALUES (1e308::float8, true), (-1e308, false), (5e-324, false)) v(s, l)$$),
  ('-0 ties with 0', $$SELECT retention_auc(s, l) FROM (VALUES ('-0'::float8, true), (0, false)) v(s, l)$$),
  ('logits instead of probabilities', $$SELECT round(retention_auc(ln(p / (1 - p)), y)::numeric, 12) FROM ev WHERE p > 0 AND p < 1$$),
  ('all scores tied', $$SELECT retention_auc(0.3, y) FROM ev$$),
  ('window, running', $$SELECT string_agg(coalesce(round(a::numeric, 4)::text, 'NULL'), ' ') FROM (SELECT retention_auc(p, y) OVER (ORDER BY i) a FROM ev WHERE i <= 6) s$$),
  ('window, sliding frame', $$SELECT string_agg(coalesce(round(a::numeric, 4)::text, 'NULL'), ' ') FROM (SELECT retention_auc(p, y) OVER (ORDER BY i ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) a FROM ev WHERE i <= 8) s$$),
  ('window, partitions', $$SELECT string_agg(DISTINCT round(a::numeric, 4)::text, ' ') FROM (SELECT retention_auc(p, y) OVER (PARTITION BY i % 2) a FROM ev) s$$),
  ('FILTER and GROUP BY', $$SELECT string_agg(coalesce(round(a::numeric, 4)::text, 'NULL'), ' ' ORDER BY g) FROM (SELECT i % 4 AS g, retention_auc(p, y) FILTER (WHERE i > 10) a FROM ev GROUP BY 1) s$$),
  ('transition function cannot be called from SQL (internal state)', $$SELECT retention_auc_transfn(NULL, 0.5, true) IS NULL$$),
  ('final function cannot be called from SQL', $$SELECT retention_auc_finalfn(NULL) IS NULL$$),
  ('deserial function cannot be called from SQL', $$SELECT retention_eval_deserialfn('\x0102', NULL) IS NULL$$)
) c(label, q);

-- ---------------------------------------------------------------- retention_metrics
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('reference', $$SELECT (n, n_positive, round(auc::numeric, 6), round(log_loss::numeric, 6), round(brier::numeric, 6), accuracy, precision, recall, round(f1::numeric, 6), round(mcc::numeric, 6))::text FROM (SELECT (retention_metrics(p, y)).* FROM ev) m$$),
  ('no rows', $$SELECT retention_metrics(p, y)::text FROM ev WHERE false$$),
  ('no rows, threshold', $$SELECT retention_metrics(p, y, 0.3)::text FROM ev WHERE false$$),
  ('NULL scores only', $$SELECT retention_metrics(NULL, y)::text FROM ev$$),
  ('NULL labels only', $$SELECT retention_metrics(p, NULL, 0.5)::text FROM ev$$),
  ('one class: undefined fields NULL', $$SELECT (n, n_positive, auc, precision, recall, f1, mcc)::text FROM (SELECT (retention_metrics(p, false)).* FROM ev) m$$),
  ('one row', $$SELECT retention_metrics(1, true)::text$$),
  ('score 0 and 1: log loss clipped, finite', $$SELECT (round(log_loss::numeric, 6), brier)::text FROM (SELECT (retention_metrics(s, l)).* FROM (VALUES (0::float8, true), (1, false)) v(s, l)) m$$),
  ('NaN score', $$SELECT retention_metrics('NaN', true)::text$$),
  ('score 1.5', $$SELECT retention_metrics(1.5, true)::text$$),
  ('score -0.1', $$SELECT retention_metrics(-0.1, true)::text$$),
  ('score Infinity', $$SELECT retention_metrics('Infinity', true)::text$$),
  ('score -Infinity', $$SELECT retention_metrics('-Infinity', false)::text$$),
  ('score 1e308', $$SELECT retention_metrics(1e308, true)::text$$),
  ('score -0', $$SELECT (n, log_loss > 30)::text FROM (SELECT (retention_metrics('-0'::float8, true)).*) m$$),
  ('score 5e-324', $$SELECT (n, round(log_loss::numeric, 6))::text FROM (SELECT (retention_metrics(5e-324, true)).*) m$$),
  ('threshold NULL', $$SELECT retention_metrics(p, y, NULL)::text FROM ev$$),
  ('threshold NULL on a skipped row', $$SELECT retention_metrics(NULL, y, NULL)::text FROM ev$$),
  ('threshold varying, the row with another threshold skipped by NULL score', $$SELECT retention_metrics(CASE WHEN i = 50 THEN NULL ELSE p END, y, CASE WHEN i = 50 THEN 0.7 ELSE 0.5 END)::text FROM ev$$),
  ('threshold varying on skipped rows only', $$SELECT retention_metrics(NULL, y, i / 100.0)::text FROM ev$$),
  ('threshold NaN', $$SELECT retention_metrics(p, y, 'NaN')::text FROM ev$$),
  ('threshold 0: everything predicted', $$SELECT (recall, precision)::text FROM (SELECT (retention_metrics(p, y, 0)).* FROM ev) m$$),
  ('threshold -Infinity: everything predicted', $$SELECT (recall, precision)::text FROM (SELECT (retention_metrics(p, y, '-Infinity')).* FROM ev) m$$),
  ('threshold 2: nothing predicted', $$SELECT (recall, precision, f1, mcc)::text FROM (SELECT (retention_metrics(p, y, 2)).* FROM ev) m$$),
  ('threshold Infinity: nothing predicted', $$SELECT (recall, precision, f1, mcc)::text FROM (SELECT (retention_metrics(p, y, 'Infinity')).* FROM ev) m$$),
  ('threshold 1e308', $$SELECT (recall, precision)::text FROM (SELECT (retention_metrics(p, y, 1e308)).* FROM ev) m$$),
  ('threshold varying within a group', $$SELECT retention_metrics(p, y, i / 100.0)::text FROM ev$$),
  ('threshold -0 and 0 are the same', $$SELECT (retention_metrics(p, y, CASE WHEN i % 2 = 0 THEN '-0'::float8 ELSE 0 END)).n FROM ev$$),
  ('threshold per group', $$SELECT string_agg(format('%s', (m).accuracy), ' ' ORDER BY g) FROM (SELECT i % 2 AS g, retention_metrics(p, y, (i % 2) * 0.5) m FROM ev GROUP BY 1) s$$),
  ('window, running', $$SELECT string_agg(format('%s/%s', (m).n, (m).n_positive), ' ') FROM (SELECT retention_metrics(p, y) OVER (ORDER BY i) m FROM ev WHERE i <= 5) s$$),
  ('window, sliding frame', $$SELECT string_agg(format('%s:%s', (m).n, coalesce(round((m).auc::numeric, 3)::text, 'NULL')), ' ') FROM (SELECT retention_metrics(p, y, 0.5) OVER (ORDER BY i ROWS BETWEEN 3 PRECEDING AND CURRENT ROW) m FROM ev WHERE i <= 7) s$$),
  ('final function cannot be called from SQL', $$SELECT retention_metrics_finalfn(NULL) IS NULL$$)
) c(label, q);

-- a float8[] with a null bitmap but no NULL (PL/pgSQL keeps the bitmap)
CREATE FUNCTION pg_temp.bm(v float8[]) RETURNS float8[] LANGUAGE plpgsql
  AS $$ DECLARE s float8[] := v; BEGIN s[2] := NULL; s[2] := v[2]; RETURN s; END $$;
-- ---------------------------------------------------------------- calibration and ECE
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('reference', $$SELECT string_agg(format('%s[%s,%s) n=%s', bin, lower, upper, n), ' ') FROM unnest((SELECT retention_calibration(p, y, 4) FROM ev))$$),
  ('reference ECE', $$SELECT round(retention_ece(p, y, 4)::numeric, 12) FROM ev$$),
  ('no rows', $$SELECT retention_calibration(p, y, 10)::text FROM ev WHERE false$$),
  ('no rows, ECE', $$SELECT retention_ece(p, y, 10) FROM ev WHERE false$$),
  ('NULL scores only', $$SELECT retention_calibration(NULL, y, 10)::text FROM ev$$),
  ('NULL scores only, ECE', $$SELECT retention_ece(NULL, y, 10) FROM ev$$),
  ('NULL labels only', $$SELECT retention_ece(p, NULL, 10) FROM ev$$),
  ('one class: defined', $$SELECT round(retention_ece(p, true, 5)::numeric, 12) FROM ev$$),
  ('empty bins: n 0, NULL means', $$SELECT string_agg(format('%s:%s:%s', bin, n, coalesce(mean_score::text, 'NULL')), ' ') FROM unnest((SELECT retention_calibration(s, true, 3) FROM (VALUES (0.1::float8), (0.9)) v(s)))$$),
  ('score exactly 1 in the last bin, 0 in the first', $$SELECT string_agg(format('%s:%s', bin, n), ' ') FROM unnest((SELECT retention_calibration(s, true, 3) FROM (VALUES (0::float8), (1)) v(s)))$$),
  ('scores on the edges', $$SELECT string_agg(format('%s:%s', bin, n), ' ') FROM unnest((SELECT retention_calibration(s, true, 10) FROM (SELECT k / 10.0::float8 FROM generate_series(0, 10) k) v(s)))$$),
  ('score 1 - 2^-53, 1000 bins', $$SELECT string_agg(format('%s:%s', bin, n), ' ') FROM unnest((SELECT retention_calibration(1 - 1.1102230246251565e-16, true, 1000))) WHERE n > 0$$),
  ('score 5e-324', $$SELECT string_agg(format('%s:%s', bin, n), ' ') FROM unnest((SELECT retention_calibration(5e-324, true, 1000))) WHERE n > 0$$),
  ('NaN score', $$SELECT retention_calibration('NaN', true, 10)::text$$),
  ('NaN score, ECE', $$SELECT retention_ece('NaN', true, 10)$$),
  ('score 1.5', $$SELECT retention_ece(1.5, true, 10)$$),
  ('score -1e-300', $$SELECT retention_ece(-1e-300, true, 10)$$),
  ('score Infinity', $$SELECT retention_calibration('Infinity', true, 10)::text$$),
  ('score -Infinity', $$SELECT retention_ece('-Infinity', false, 10)$$),
  ('score 1e308', $$SELECT retention_ece(1e308, false, 10)$$),
  ('bins 0', $$SELECT retention_calibration(p, y, 0)::text FROM ev$$),
  ('bins -1', $$SELECT retention_ece(p, y, -1) FROM ev$$),
  ('bins INT_MIN', $$SELECT retention_ece(p, y, -2147483648) FROM ev$$),
  ('bins 1', $$SELECT string_agg(format('%s[%s,%s) n=%s', bin, lower, upper, n), ' ') FROM unnest((SELECT retention_calibration(p, y, 1) FROM ev))$$),
  ('bins 1000', $$SELECT cardinality(retention_calibration(p, y, 1000)) FROM ev$$),
  ('bins 1001', $$SELECT retention_ece(p, y, 1001) FROM ev$$),
  ('bins INT_MAX', $$SELECT retention_calibration(p, y, 2147483647)::text FROM ev$$),
  ('bins NULL', $$SELECT retention_calibration(p, y, NULL)::text FROM ev$$),
  ('bins NULL, ECE', $$SELECT retention_ece(p, y, NULL) FROM ev$$),
  ('bins NULL on a skipped row', $$SELECT retention_ece(NULL, y, NULL) FROM ev$$),
  ('bins 0 on a skipped row', $$SELECT retention_ece(NULL, y, 0) FROM ev$$),
  ('bins varying within a group', $$SELECT retention_ece(p, y, 5 + i % 2) FROM ev$$),
  ('bins varying, the row with other bins skipped by NULL score', $$SELECT retention_ece(CASE WHEN i = 50 THEN NULL ELSE p END, y, CASE WHEN i = 50 THEN 7 ELSE 5 END) FROM ev$$),
  ('bins per group', $$SELECT string_agg(cardinality(c)::text, ' ' ORDER BY g) FROM (SELECT i % 3 AS g, retention_calibration(p, y, 2 + i % 3) c FROM ev GROUP BY 1) s$$),
  ('window, running', $$SELECT string_agg(coalesce(round(e::numeric, 4)::text, 'NULL'), ' ') FROM (SELECT retention_ece(p, y, 2) OVER (ORDER BY i) e FROM ev WHERE i <= 5) s$$),
  ('window, sliding frame', $$SELECT string_agg(coalesce(round(e::numeric, 4)::text, 'NULL'), ' ') FROM (SELECT retention_ece(p, y, 2) OVER (ORDER BY i ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) e FROM ev WHERE i <= 5) s$$),
  ('transition function called directly', $$SELECT retention_calibration_transfn(NULL, 0.25, true, 2)::text$$),
  ('transition function on a given state', $$SELECT retention_calibration_transfn('{2,0,0,0,0,0,0}', 0.75, true, 2)::text$$),
  ('transition function, state of other bins', $$SELECT retention_calibration_transfn('{2,0,0,0,0,0,0}', 0.75, true, 3)::text$$),
  ('transition function, bogus state', $$SELECT retention_calibration_transfn('{1,2,3}', 0.5, true, 1)::text$$),
  ('transition function, state with NULL', $$SELECT retention_calibration_transfn('{1,NULL,0,0}', 0.5, true, 1)::text$$),
  ('transition function, 2-D state', $$SELECT retention_calibration_transfn('{{1,0},{0,0}}', 0.5, true, 1)::text$$),
  ('transition function, NaN bins in the state', $$SELECT retention_calibration_transfn('{NaN,0,0,0}', 0.5, true, 1)::text$$),
  ('final function, bogus state', $$SELECT retention_calibration_finalfn('{1.5,0,0,0}')::text$$),
  ('final function, negative count', $$SELECT retention_calibration_finalfn('{1,-1,0.5,1}')::text$$),
  ('final function, count 1e308', $$SELECT retention_calibration_finalfn('{1,1e308,0.5,1}')::text$$),
  ('final function, NaN count', $$SELECT retention_calibration_finalfn('{1,NaN,0.5,1}')::text$$),
  ('ECE final function, NaN count', $$SELECT retention_ece_finalfn('{1,NaN,0.5,1}')$$),
  ('ECE final function, Infinity sums', $$SELECT retention_ece_finalfn('{1,1,Infinity,-Infinity}')$$),
  ('ECE final function, score sum above the count', $$SELECT retention_ece_finalfn('{1,1,1.5,1}')$$),
  ('ECE final function, fractional count', $$SELECT retention_ece_finalfn('{1,1.5,0.5,1}')$$),
  ('ECE final function, valid state', $$SELECT retention_ece_finalfn('{2,1,0.25,1,1,0.75,0}')$$),
  ('combine function, bogus counts', $$SELECT retention_calibration_combinefn('{1,-1,0,0}', '{1,1,0.5,1}')::text$$),
  ('combine function, valid states', $$SELECT retention_calibration_combinefn('{1,1,0.25,0}', '{1,1,0.5,1}')::text$$),
  ('combine function, other bins', $$SELECT retention_calibration_combinefn('{1,0,0,0}', '{2,0,0,0,0,0,0}')::text$$),
  -- a null bitmap without a NULL (PL/pgSQL s[2] := NULL; s[2] := v[2]) is no NULL
  ('transition function, state with a null bitmap but no NULL', $$SELECT retention_calibration_transfn(pg_temp.bm('{2,1,0.25,0,0,0,0}'), 0.75, true, 2)::text$$),
  ('combine function, states with a null bitmap but no NULL', $$SELECT retention_calibration_combinefn(pg_temp.bm('{1,1,0.25,0}'), pg_temp.bm('{1,1,0.5,1}'))::text$$),
  ('final function, state with a null bitmap but no NULL', $$SELECT retention_calibration_finalfn(pg_temp.bm('{2,1,0.25,1,1,0.75,0}'))::text$$),
  ('ECE final function, state with a null bitmap but no NULL', $$SELECT retention_ece_finalfn(pg_temp.bm('{2,1,0.25,1,1,0.75,0}'))$$)
) c(label, q);

-- ---------------------------------------------------------------- retention_split
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('NULL key', $$SELECT retention_split(NULL::bigint, 0.5)$$),
  ('NULL text key', $$SELECT retention_split(NULL::text, 0.5)$$),
  ('NULL fraction', $$SELECT retention_split(1, NULL)$$),
  ('NULL seed', $$SELECT retention_split(1, 0.5, NULL)$$),
  ('untyped NULL key', $$SELECT retention_split(NULL, 0.5)$$),
  ('fraction NaN', $$SELECT retention_split(1, 'NaN')$$),
  ('fraction NaN, text key', $$SELECT retention_split('a', 'NaN')$$),
  ('fraction -0.1', $$SELECT retention_split(1, -0.1)$$),
  ('fraction 1.0000001', $$SELECT retention_split('a', 1.0000001)$$),
  ('fraction Infinity', $$SELECT retention_split(1, 'Infinity')$$),
  ('fraction -Infinity', $$SELECT retention_split(1, '-Infinity')$$),
  ('fraction 1e308', $$SELECT retention_split(1, 1e308)$$),
  ('fraction -0 selects nothing', $$SELECT count(*) FILTER (WHERE retention_split(k, '-0'::float8)) FROM generate_series(1, 1000) k$$),
  ('fraction 0 selects nothing', $$SELECT count(*) FILTER (WHERE retention_split(k, 0)) FROM generate_series(1, 1000) k$$),
  ('fraction 5e-324 selects (almost) nothing', $$SELECT count(*) FILTER (WHERE retention_split(k, 5e-324)) FROM generate_series(1, 1000) k$$),
  ('fraction 1 selects everything', $$SELECT count(*) FILTER (WHERE retention_split(k::text, 1)) FROM generate_series(1, 1000) k$$),
  ('key INT64_MIN and INT64_MAX', $$SELECT (retention_split(-9223372036854775808, 1), retention_split(9223372036854775807, 0))::text$$),
  ('seed INT_MIN, INT_MAX', $$SELECT (retention_split(1, 1, -2147483648), retention_split(1, 0, 2147483647))::text$$),
  ('keys and seeds at the extremes spread', $$SELECT count(DISTINCT (retention_split(k, 0.5, s))) FROM (VALUES ((-9223372036854775808)::bigint), (-1), (0), (9223372036854775807)) a(k), (VALUES (-2147483648), (0), (2147483647)) b(s)$$),
  ('empty text key', $$SELECT (retention_split('', 1), retention_split('', 0))::text$$),
  ('empty text key is a key like any other', $$SELECT count(*) FILTER (WHERE retention_split('', 0.5, s)) BETWEEN 1 AND 99 FROM generate_series(1, 100) s$$),
  ('100k-character key', $$SELECT retention_split(repeat('x', 100000), 0.5) = retention_split(repeat('x', 100000), 0.5)$$),
  ('100k-character keys differing in the last byte spread', $$SELECT count(DISTINCT retention_split(repeat('x', 99999) || chr(64 + k), 0.5)) FROM generate_series(1, 40) k$$),
  ('non-ASCII key, stable across forms', $$SELECT retention_split(U&'caf\00e9', 0.5, 7) = retention_split('café', 0.5, 7)$$),
  ('non-ASCII keys spread', $$SELECT count(*) FILTER (WHERE retention_split(chr(k), 0.5)) BETWEEN 50 AND 150 FROM generate_series(256, 455) k$$),
  ('NUL-free control characters', $$SELECT retention_split(E'\x01\t\n', 0.5) IS NOT NULL$$),
  ('text key of digits differs from the bigint key', $$SELECT count(*) FILTER (WHERE retention_split(k, 0.5) <> retention_split(k::text, 0.5)) > 0 FROM generate_series(1, 100) k$$)
) c(label, q);

-- ---------------------------------------------------------------- memory limit
SET community_retention.max_train_memory = '1MB';
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('retention_auc over the limit', $$SELECT retention_auc(k / 200000.0, k % 2 = 0) FROM generate_series(1, 200000) k$$),
  ('retention_metrics over the limit', $$SELECT retention_metrics(k / 200000.0, k % 2 = 0)::text FROM generate_series(1, 200000) k$$),
  ('retention_ece has no limit (3 numbers per bin)', $$SELECT round(retention_ece(k / 200000.0, k % 2 = 0, 10)::numeric, 6) FROM generate_series(1, 200000) k$$),
  -- 1MB holds 131072 scores of both classes together, however they are
  -- spread: 65537 retained rows reserve room for 131072, and retained rows
  -- filling it after 65535 lapsed ones used to pass the limit unchecked
  ('retention_auc: 131072 scores at 1MB', $$SELECT retention_auc(k / 200000.0, k % 2 = 0) IS NOT NULL FROM generate_series(1, 131072) k$$),
  ('retention_auc: 131073 scores at 1MB', $$SELECT retention_auc(k / 200000.0, k % 2 = 0) FROM generate_series(1, 131073) k$$),
  ('retention_auc: 65537 retained, 65535 lapsed, then more retained', $$SELECT retention_auc(k / 200000.0, k <= 65537 OR k > 131072 ORDER BY k) FROM generate_series(1, 131072 + 65535) k$$),
  ('retention_metrics: 65537 retained, 65535 lapsed, then more retained', $$SELECT retention_metrics(k / 200000.0, k <= 65537 OR k > 131072 ORDER BY k)::text FROM generate_series(1, 131072 + 65535) k$$)
) c(label, q);
RESET community_retention.max_train_memory;

-- ---------------------------------------------------------------- parallel query
CREATE TABLE ev_par AS
SELECT i, (1 + sin(i)) / 2 AS p, i % 3 = 0 AS y FROM generate_series(1, 20000) i;
ANALYZE ev_par;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('AUC, parallel = serial', $$SELECT retention_auc(p, y) = (SELECT retention_auc(p, y) FROM (SELECT * FROM ev_par ORDER BY i OFFSET 0) s) FROM ev_par$$),
  ('metrics, threshold varying across workers', $$SELECT retention_metrics(p, y, CASE WHEN i > 10000 THEN 0.4 ELSE 0.5 END)::text FROM ev_par$$),
  ('metrics, another threshold on the skipped rows of other workers', $$SELECT retention_metrics(CASE WHEN i > 10000 THEN NULL ELSE p END, y, CASE WHEN i > 10000 THEN 0.4 ELSE 0.5 END)::text FROM ev_par$$),
  ('ECE, bins varying across workers', $$SELECT retention_ece(p, y, CASE WHEN i > 10000 THEN 4 ELSE 5 END) FROM ev_par$$),
  ('AUC, one class in every worker', $$SELECT retention_auc(p, false) FROM ev_par$$),
  ('metrics, NaN in a worker', $$SELECT retention_metrics(CASE WHEN i = 15000 THEN 'NaN' ELSE p END, y)::text FROM ev_par$$)
) c(label, q);
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP TABLE ev_par;
