-- Partial states of retention_train, of retention_auc / retention_metrics,
-- incentive_uplift_eval, engagement_summary and the lifetime fits: their
-- deserial functions trust none of the bytes, and their combine functions
-- refuse counts of two states that overflow together.  A superuser can
-- declare an aggregate that hands the deserial function any bytes (another
-- aggregate's serial function, as in survival_badinput); the options used
-- to travel as jsonb's binary form and forged offsets in it crashed the
-- server, and a forged row count overflowed the length check.  Each forged
-- state is now 22P03 (or the error its options text gives), never a crash;
-- a genuine state still fits the model retention_train fits.
SET TimeZone = 'UTC';
\set SHOW_CONTEXT never
\pset tuples_only on
\pset format unaligned
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r text; st text; msg text; det text;
BEGIN
  EXECUTE 'SELECT x::text FROM (' || q || ') x' INTO r;
  RETURN 'ok: ' || coalesce(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
  RETURN st || ' ' || msg || coalesce(' | ' || nullif(det, ''), '');
END $$;
-- the state is in the server's byte order: n(b) is the big-endian b in it
CREATE AGGREGATE train_ser(float8[], boolean, jsonb) (SFUNC = retention_train_transfn,
    STYPE = internal, FINALFUNC = retention_train_serialfn);
SELECT set_config('cr_test.little_endian',
                  (get_byte(train_ser(ARRAY[1::float8], true, NULL), 0) = 1)::text, false) IS NOT NULL;
CREATE FUNCTION pg_temp.n(b bytea) RETURNS bytea LANGUAGE sql AS $$
  SELECT CASE WHEN NOT current_setting('cr_test.little_endian')::boolean THEN b
              ELSE (SELECT decode(string_agg(substr(h, i, 2), '' ORDER BY i DESC), 'hex')
                    FROM (SELECT encode(b, 'hex') h) s, generate_series(1, length(encode(b, 'hex')), 2) i) END $$;
-- a state: d, n_rows, n_skipped, options (NULL: none), then the row values
CREATE FUNCTION pg_temp.st(d int, n bigint, opts bytea, vals float8[] DEFAULT '{}') RETURNS bytea
LANGUAGE sql AS $$
  SELECT pg_temp.n(int4send(d)) || pg_temp.n(int8send(n)) || pg_temp.n(int8send(0))
         || pg_temp.n(int4send(coalesce(length(opts), -1))) || coalesce(opts, '')
         || coalesce((SELECT string_agg(pg_temp.n(float8send(v)), '' ORDER BY k)
                      FROM unnest(vals) WITH ORDINALITY u(v, k)), '') $$;
CREATE AGGREGATE train_forged(bytea, bytea) (SFUNC = bytea_string_agg_transfn,
    STYPE = internal, SERIALFUNC = bytea_string_agg_finalfn,
    DESERIALFUNC = retention_train_deserialfn, COMBINEFUNC = retention_train_combinefn,
    FINALFUNC = retention_train_finalfn, PARALLEL = SAFE);
-- one row, never analyzed (nor vacuumed): the planner aggregates in a
-- parallel worker and the leader deserializes the state
CREATE TABLE train_forged_src(b bytea) WITH (autovacuum_enabled = false);
CREATE TABLE train_rows AS
  SELECT ARRAY[(i % 7)::float8, (i % 3)::float8] AS f, (i % 7 + i % 3) % 4 <> 0 AS r
  FROM generate_series(1, 200) i;
INSERT INTO train_forged_src SELECT train_ser(f, r, '{"l2": 0.5, "features": ["a", "b"]}') FROM train_rows;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 1;
EXPLAIN (COSTS OFF) SELECT train_forged(b, ''::bytea) FROM train_forged_src;
-- a genuine state, options included, gives retention_train's model
SELECT train_forged(b, ''::bytea)::text = (SELECT retention_train(f, r, '{"l2": 0.5, "features": ["a", "b"]}')::text FROM train_rows)
FROM train_forged_src;
CREATE FUNCTION pg_temp.forged(b bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  UPDATE train_forged_src SET b = forged.b;
  RETURN pg_temp.try($q$SELECT (retention_model_info(train_forged(b, ''::bytea))).n_rows FROM train_forged_src$q$);
END $$;
-- forged but well-formed: 4 rows of 1 feature (x, signed weight)
SELECT pg_temp.forged(pg_temp.st(1, 4, NULL, '{1, 1, 2, -1, 3, 1, 1, -1}'));
SELECT pg_temp.forged(pg_temp.st(1, 4, '{"l2": 1}', '{1, 1, 2, -1, 3, 1, 1, -1}'));
-- options as jsonb's binary form (a jsonb's bytes, as 1.1 sent them before):
-- the forged object that crashed the server, and the bytes of '{}'
SELECT pg_temp.forged(pg_temp.st(1, 1, '\x700000000100bf20020000d40a0000106c32000020000000008001', '{1, 1}'));
SELECT pg_temp.forged(pg_temp.st(1, 1, '\x1000000000000020', '{1, 1}'));
-- options that are not JSON, not an object, or not valid options
SELECT pg_temp.forged(pg_temp.st(1, 1, '{"l2": ', '{1, 1}'));
SELECT pg_temp.forged(pg_temp.st(1, 1, '[1]', '{1, 1}'));
SELECT pg_temp.forged(pg_temp.st(1, 1, '{"l2": -1}', '{1, 1}'));
-- options longer than the state
SELECT pg_temp.forged(pg_temp.n(int4send(1)) || pg_temp.n(int8send(0)) || pg_temp.n(int8send(0)) || pg_temp.n(int4send(100)) || '\x7b7d'::bytea);
-- a header out of range: d, n_rows, n_skipped, options length
SELECT pg_temp.forged(pg_temp.st(-1, 0, NULL));
SELECT pg_temp.forged(pg_temp.st(1001, 0, NULL));
SELECT pg_temp.forged(pg_temp.st(0, 1, NULL, '{1}'));
SELECT pg_temp.forged(pg_temp.st(1, -1, NULL));
SELECT pg_temp.forged(pg_temp.n(int4send(1)) || pg_temp.n(int8send(0)) || pg_temp.n(int8send(-1)) || pg_temp.n(int4send(-1)));
SELECT pg_temp.forged(pg_temp.n(int4send(1)) || pg_temp.n(int8send(0)) || pg_temp.n(int8send(0)) || pg_temp.n(int4send(-2)));
SELECT pg_temp.forged('\x0100');
-- a row count that does not match the rows: too many, too few, and one
-- whose n_rows * (d + 1) * 8 bytes wraps around to 0 (2^62 rows of 2)
SELECT pg_temp.forged(pg_temp.st(1, 3, NULL, '{1, 1, 2, -1}'));
SELECT pg_temp.forged(pg_temp.st(1, 1, NULL, '{1, 1, 2, -1}'));
SELECT pg_temp.forged(pg_temp.st(1, 2, NULL, '{1, 1, 2}'));
SELECT pg_temp.forged(pg_temp.st(1, 4611686018427387904, NULL));
-- rows the transition function never stores: NaN, infinite or too large
-- values, a zero weight
SELECT pg_temp.forged(pg_temp.st(1, 2, NULL, '{NaN, 1, 2, -1}'));
SELECT pg_temp.forged(pg_temp.st(1, 2, NULL, '{1, 1, 2, -Infinity}'));
SELECT pg_temp.forged(pg_temp.st(1, 2, NULL, '{1e101, 1, 2, -1}'));
SELECT pg_temp.forged(pg_temp.st(1, 2, NULL, '{1, 1, 2, 0}'));
SELECT pg_temp.forged(pg_temp.st(1, 2, NULL, '{1, 1, 2, -0}'));
-- a real parallel fit with options: every partial state's options come
-- back from their text as the same bytes
CREATE TABLE train_par AS SELECT g, t.* FROM generate_series(0, 199) g, train_rows t;
SET max_parallel_workers_per_gather = 2;
CREATE TEMP TABLE par_model AS
  SELECT retention_train(f, r, '{"l2": 0.5, "features": ["a", "b"], "max_iter": 50}') AS m FROM train_par;
SET max_parallel_workers_per_gather = 0;
SELECT (retention_model_info(m)).n_rows,
       max(abs(p.coefficient - s.coefficient)) < 1e-9 AS same_coefficients
FROM par_model, retention_model_summary(m) p
JOIN retention_model_summary((SELECT retention_train(f, r, '{"l2": 0.5, "features": ["a", "b"], "max_iter": 50}') FROM train_par)) s
  USING (feature)
GROUP BY 1;
-- every state the transition function can store comes back from its bytes
-- unchanged (deserialized, combined, serialized again): weights, options
-- with every key (names with non-ASCII letters, quotes and a newline,
-- numbers with an exponent and a scale), skipped rows, 1000 features, only
-- skipped rows (no feature count yet)
CREATE AGGREGATE train_ser_w(float8[], boolean, float8, jsonb) (SFUNC = retention_train_transfn,
    STYPE = internal, FINALFUNC = retention_train_serialfn);
CREATE AGGREGATE train_again(bytea, bytea) (SFUNC = bytea_string_agg_transfn,
    STYPE = internal, SERIALFUNC = bytea_string_agg_finalfn,
    DESERIALFUNC = retention_train_deserialfn, COMBINEFUNC = retention_train_combinefn,
    FINALFUNC = retention_train_serialfn, PARALLEL = SAFE);
SET max_parallel_workers_per_gather = 1;
EXPLAIN (COSTS OFF) SELECT train_again(b, ''::bytea) FROM train_forged_src;
-- whether aggregate agg over the state b in table src gives b back
CREATE FUNCTION pg_temp.again(agg text, src text, b bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('UPDATE %I SET b = $1', src) USING b;
  RETURN pg_temp.try(format('SELECT %I(b, ''''::bytea) = (SELECT b FROM %I) FROM %I', agg, src, src));
END $$;
SELECT pg_temp.again('train_again', 'train_forged_src', (SELECT train_ser_w(f, r, 0.25 + (i % 4), '{"features": ["größe", "x\"y\n"], "l2": 1.50e1, "tol": 1E-9, "max_iter": 50, "intercept": false, "class_weight": "balanced", "skip_invalid": true}')
                      FROM (SELECT f, r, row_number() OVER () AS i FROM train_rows) t));
SELECT pg_temp.again('train_again', 'train_forged_src', (SELECT train_ser_w(f, r, w, '{"skip_invalid": true, "class_weight": null}')
                      FROM (VALUES (ARRAY[1, 'NaN']::float8[], true, 1::float8), (ARRAY[1, 2], false, 0), (ARRAY[1, 2], true, 5e-324),
                                   (ARRAY[-1e100, 0], false, 1e100), (ARRAY[NULL, 1]::float8[], true, 1)) v(f, r, w)));
SELECT pg_temp.again('train_again', 'train_forged_src', (SELECT train_ser(array_fill(i::float8, ARRAY[1000]), i % 2 = 0, '{}') FROM generate_series(1, 3) i));
SELECT pg_temp.again('train_again', 'train_forged_src', (SELECT train_ser(ARRAY[NULL::float8], true, '{"l2": 0}') FROM generate_series(1, 3)));
SELECT pg_temp.again('train_again', 'train_forged_src', (SELECT train_ser(NULL, true, NULL) FROM generate_series(1, 3)));
DROP AGGREGATE train_again(bytea, bytea);
DROP AGGREGATE train_ser_w(float8[], boolean, float8, jsonb);
-- a partitionwise aggregate combines one partial state per partition in one
-- process, deterministically: their options are compared as stored, as the
-- rows' are in a serial plan, so {"l2": 1} and {"l2": 1.0} in two
-- partitions are refused in both plans (the combine function compared them
-- with jsonb's = for a while, and took them for the same options)
SET max_parallel_workers_per_gather = 0;
CREATE TABLE train_pw(k int, f float8[], r boolean, o jsonb) PARTITION BY LIST (k);
CREATE TABLE train_pw1 PARTITION OF train_pw FOR VALUES IN (1) WITH (autovacuum_enabled = false);
CREATE TABLE train_pw2 PARTITION OF train_pw FOR VALUES IN (2) WITH (autovacuum_enabled = false);
INSERT INTO train_pw SELECT 1 + (i > 100)::int, f, r, '{"l2": 1}' FROM (SELECT f, r, row_number() OVER () AS i FROM train_rows) t;
ANALYZE train_pw;
SET enable_partitionwise_aggregate = on;
EXPLAIN (COSTS OFF) SELECT retention_train(f, r, o) FROM train_pw;
SELECT pg_temp.try($q$SELECT (retention_model_info(retention_train(f, r, o))).n_rows FROM train_pw$q$);
UPDATE train_pw SET o = '{"l2": 1.0}' WHERE k = 2;
SELECT pg_temp.try($q$SELECT (retention_model_info(retention_train(f, r, o))).n_rows FROM train_pw$q$);
SET enable_partitionwise_aggregate = off;
SELECT pg_temp.try($q$SELECT (retention_model_info(retention_train(f, r, o))).n_rows FROM train_pw$q$);
-- the same options in every partition give the serial plan's model
UPDATE train_pw SET o = '{"features": ["größe", "x\"y\n"], "l2": 1.50e1, "class_weight": "balanced"}';
CREATE TEMP TABLE pw_serial AS SELECT retention_train(f, r, o)::text AS m FROM train_pw;
SET enable_partitionwise_aggregate = on;
SELECT retention_train(f, r, o)::text = (SELECT m FROM pw_serial) FROM train_pw;
RESET enable_partitionwise_aggregate;
DROP TABLE train_pw, pw_serial;
-- two forged partial states in one process: a partitionwise aggregate
-- deserializes and combines one state per partition (its one non-empty
-- row: the empty ones add no bytes to the state bytea_string_agg builds)
CREATE TABLE forged_pair(k int, b bytea) PARTITION BY LIST (k);
CREATE TABLE forged_pair1 PARTITION OF forged_pair FOR VALUES IN (1) WITH (autovacuum_enabled = false);
CREATE TABLE forged_pair2 PARTITION OF forged_pair FOR VALUES IN (2) WITH (autovacuum_enabled = false);
INSERT INTO forged_pair SELECT k, '' FROM generate_series(1, 2) k, generate_series(1, 100);
ANALYZE forged_pair;
SET max_parallel_workers_per_gather = 0;
SET enable_partitionwise_aggregate = on;
EXPLAIN (COSTS OFF) SELECT train_forged(b, ''::bytea) FROM forged_pair;
-- the states b1 and b2 through aggregate expression q over forged_pair,
-- only in a plan with partial aggregates: without, the final function
-- would be handed bytea_string_agg's own state
CREATE FUNCTION pg_temp.pair(q text, b1 bytea, b2 bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  line text;
  partial boolean := false;
BEGIN
  DELETE FROM forged_pair WHERE b <> '';
  INSERT INTO forged_pair VALUES (1, b1), (2, b2);
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) SELECT ' || q || ' FROM forged_pair' LOOP
    partial := partial OR line LIKE '%Partial Aggregate%';
  END LOOP;
  IF NOT partial THEN
    RETURN 'not run: the plan has no partial aggregate';
  END IF;
  RETURN pg_temp.try('SELECT ' || q || ' FROM forged_pair');
END $$;
-- retention_train: skipped rows, 2^61 in each of two states, then 3 * 2^61
-- (their sum wrapped around to a negative count: "invalid retention_model")
CREATE FUNCTION pg_temp.st_skipped(skipped bigint) RETURNS bytea LANGUAGE sql AS $$
  SELECT overlay(pg_temp.st(1, 2, '{"l2": 1}', '{1, 1, 2, -1}') PLACING pg_temp.n(int8send(skipped)) FROM 13 FOR 8) $$;
SELECT pg_temp.pair($q$(retention_model_info(train_forged(b, ''::bytea))).n_skipped$q$,
                    pg_temp.st_skipped(2305843009213693952), pg_temp.st_skipped(2305843009213693952));
SELECT pg_temp.pair($q$(retention_model_info(train_forged(b, ''::bytea))).n_skipped$q$,
                    pg_temp.st_skipped(6917529027641081856), pg_temp.st_skipped(6917529027641081856));
SELECT pg_temp.pair($q$(retention_model_info(train_forged(b, ''::bytea))).n_skipped$q$,
                    pg_temp.st_skipped(9223372036854775807), pg_temp.st_skipped(1));
RESET enable_partitionwise_aggregate;
-- retention_auc and retention_metrics: the header (npos, nneg, tp, fp, tn,
-- fn, threshold, has_threshold, sorted), then the sorted keys of the scores
CREATE AGGREGATE eval_ser(float8, boolean, float8) (SFUNC = retention_metrics_transfn,
    STYPE = internal, FINALFUNC = retention_eval_serialfn);
CREATE AGGREGATE eval_forged(bytea, bytea) (SFUNC = bytea_string_agg_transfn,
    STYPE = internal, SERIALFUNC = bytea_string_agg_finalfn,
    DESERIALFUNC = retention_eval_deserialfn, COMBINEFUNC = retention_eval_combinefn,
    FINALFUNC = retention_metrics_finalfn, PARALLEL = SAFE);
CREATE TABLE eval_forged_src(b bytea) WITH (autovacuum_enabled = false);
INSERT INTO eval_forged_src SELECT eval_ser(g / 10.0, g % 3 = 0, 0.5) FROM generate_series(0, 9) g;
SET max_parallel_workers_per_gather = 1;
EXPLAIN (COSTS OFF) SELECT eval_forged(b, ''::bytea) FROM eval_forged_src;
SELECT eval_forged(b, ''::bytea)::text = (SELECT retention_metrics(g / 10.0, g % 3 = 0, 0.5)::text FROM generate_series(0, 9) g)
FROM eval_forged_src;
-- a state: the counts (npos, nneg, tp, fp, tn, fn), the sorted flag, the
-- scores (positives first) as keys, has_threshold and the threshold
CREATE FUNCTION pg_temp.k(d float8) RETURNS bigint LANGUAGE sql AS $$
  SELECT CASE WHEN d >= 0 THEN b # (-9223372036854775807 - 1) ELSE ~b END
  FROM (SELECT ('x' || encode(float8send(d), 'hex'))::bit(64)::bigint b) s $$;
CREATE FUNCTION pg_temp.eval_st(c bigint[], sorted int, scores float8[], has_threshold int DEFAULT 1,
                                threshold float8 DEFAULT 0.5) RETURNS bytea
LANGUAGE sql AS $$
  SELECT pg_temp.n(int8send(c[1])) || pg_temp.n(int8send(c[2])) || pg_temp.n(int8send(c[3]))
         || pg_temp.n(int8send(c[4])) || pg_temp.n(int8send(c[5])) || pg_temp.n(int8send(c[6]))
         || pg_temp.n(float8send(threshold)) || pg_temp.n(int4send(has_threshold)) || pg_temp.n(int4send(sorted))
         || coalesce((SELECT string_agg(pg_temp.n(int8send(pg_temp.k(x))), '' ORDER BY o)
                      FROM unnest(scores) WITH ORDINALITY u(x, o)), '') $$;
CREATE FUNCTION pg_temp.eval_forged(b bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  UPDATE eval_forged_src SET b = eval_forged.b;
  RETURN pg_temp.try($q$SELECT (eval_forged(b, ''::bytea)).n FROM eval_forged_src$q$);
END $$;
-- positives 0.25 and 0.75, a negative 0.5: at threshold 0.5, one true
-- positive, one false positive, one false negative; sorted or not; a
-- retention_auc state (no threshold, counts 0) with infinite scores
SELECT pg_temp.eval_forged(pg_temp.eval_st('{2, 1, 1, 1, 0, 1}', 1, '{0.25, 0.75, 0.5}'));
SELECT pg_temp.eval_forged(pg_temp.eval_st('{2, 1, 1, 1, 0, 1}', 0, '{0.75, 0.25, 0.5}'));
SELECT pg_temp.eval_forged(pg_temp.eval_st('{2, 1, 0, 0, 0, 0}', 1, '{-Infinity, Infinity, 0.5}', 0, 0));
-- negative counts, flags other than 0 and 1, keys said sorted that are not,
-- fewer keys than counted, counts the keys do not give (the final function
-- added them unchecked), counts that overflow when added, a NaN threshold, a
-- retention_metrics score beyond [0, 1], a NaN score, a retention_auc state
-- with confusion counts, a header cut short
SELECT pg_temp.eval_forged(pg_temp.eval_st('{2, 1, -1, 1, 0, 1}', 1, '{0.25, 0.75, 0.5}'));
SELECT pg_temp.eval_forged(pg_temp.eval_st('{2, 1, 1, 1, 0, 1}', 2, '{0.25, 0.75, 0.5}'));
SELECT pg_temp.eval_forged(pg_temp.eval_st('{2, 1, 1, 1, 0, 1}', 1, '{0.75, 0.25, 0.5}'));
SELECT pg_temp.eval_forged(pg_temp.eval_st('{2, 2, 1, 1, 0, 1}', 1, '{0.25, 0.75, 0.5}'));
SELECT pg_temp.eval_forged(pg_temp.eval_st('{-1, 4, 1, 1, 0, 1}', 1, '{0.25, 0.75, 0.5}'));
SELECT pg_temp.eval_forged(pg_temp.eval_st('{2, 1, 2, 1, 0, 0}', 1, '{0.25, 0.75, 0.5}'));
SELECT pg_temp.eval_forged(pg_temp.eval_st('{2, 1, 1, 0, 1, 1}', 1, '{0.25, 0.75, 0.5}'));
SELECT pg_temp.eval_forged(pg_temp.eval_st('{2, 1, 9223372036854775807, 1, 0, 1}', 1, '{0.25, 0.75, 0.5}'));
SELECT pg_temp.eval_forged(pg_temp.eval_st('{4611686018427387904, 4611686018427387904, 0, 0, 0, 0}', 1, '{0.25, 0.75, 0.5}'));
SELECT pg_temp.eval_forged(pg_temp.eval_st('{2, 1, 0, 0, 0, 0}', 1, '{0.25, 0.75, 0.5}', 1, 'NaN'));
SELECT pg_temp.eval_forged(pg_temp.eval_st('{2, 1, 1, 1, 0, 1}', 1, '{0.25, 1.5, 0.5}'));
SELECT pg_temp.eval_forged(pg_temp.eval_st('{2, 1, 1, 1, 0, 1}', 1, '{0.25, NaN, 0.5}'));
SELECT pg_temp.eval_forged(pg_temp.eval_st('{2, 1, 0, 0, 0, 0}', 1, '{-Infinity, NaN, 0.5}', 0, 0));
SELECT pg_temp.eval_forged(pg_temp.eval_st('{2, 1, 1, 1, 0, 1}', 1, '{0.25, 0.75, 0.5}', 0, 0));
-- a retention_auc state of a positive and a negative scored 0 (a tie),
-- then with the positive's key that of -0.0 apart from +0.0's, which no
-- transition function stores: it was taken, the tie split into two values
SELECT pg_temp.eval_forged(pg_temp.eval_st('{1, 1, 0, 0, 0, 0}', 1, '{0, 0}', 0, 0));
SELECT pg_temp.eval_forged(overlay(pg_temp.eval_st('{1, 1, 0, 0, 0, 0}', 1, '{0, 0}', 0, 0)
                                   PLACING pg_temp.n(int8send(9223372036854775807)) FROM 65 FOR 8));
-- every state the transition functions store comes back from its bytes
-- unchanged: ties, scores of 0 and 1, -0, infinite scores (retention_auc),
-- thresholds of 0, 1 and infinity, only skipped rows, 100 000 scores
CREATE AGGREGATE auc_ser(float8, boolean) (SFUNC = retention_auc_transfn,
    STYPE = internal, FINALFUNC = retention_eval_serialfn);
CREATE AGGREGATE eval_again(bytea, bytea) (SFUNC = bytea_string_agg_transfn,
    STYPE = internal, SERIALFUNC = bytea_string_agg_finalfn,
    DESERIALFUNC = retention_eval_deserialfn, COMBINEFUNC = retention_eval_combinefn,
    FINALFUNC = retention_eval_serialfn, PARALLEL = SAFE);
EXPLAIN (COSTS OFF) SELECT eval_again(b, ''::bytea) FROM eval_forged_src;
SELECT t, pg_temp.again('eval_again', 'eval_forged_src', (SELECT eval_ser(s, l, t) FROM (VALUES (0.5::float8, true), (0.5, false), (0, true), (1, false),
                                                                   ('-0', true), (0.5, true), (NULL, true)) v(s, l)))
FROM unnest('{0.5, 0, 1, Infinity, -Infinity}'::float8[]) t;
SELECT pg_temp.again('eval_again', 'eval_forged_src', (SELECT auc_ser(s, l) FROM (VALUES ('-Infinity'::float8, true), ('Infinity', false), (-5, true),
                                                              (7, false), (7, true), ('-0', false), (NULL, true)) v(s, l)));
SELECT pg_temp.again('eval_again', 'eval_forged_src', (SELECT eval_ser(NULL, true, 0.25)));
SELECT pg_temp.again('eval_again', 'eval_forged_src', (SELECT eval_ser((g % 1000) / 1000.0, g % 7 < 3, 0.3) FROM generate_series(1, 100000) g));
DROP AGGREGATE eval_again(bytea, bytea);
DROP AGGREGATE auc_ser(float8, boolean);
SELECT pg_temp.eval_forged('\x0100');
DROP TABLE eval_forged_src;
DROP AGGREGATE eval_forged(bytea, bytea);
DROP AGGREGATE eval_ser(float8, boolean, float8);
-- incentive_uplift_eval: the header (skipped, k, four counts), then the
-- keys; a header cut short was 08P01 (a protocol error) before
CREATE AGGREGATE uplift_ser(float8, boolean, boolean) (SFUNC = incentive_uplift_transfn,
    STYPE = internal, FINALFUNC = incentive_uplift_serialfn);
CREATE AGGREGATE uplift_forged(bytea, bytea) (SFUNC = bytea_string_agg_transfn,
    STYPE = internal, SERIALFUNC = bytea_string_agg_finalfn,
    DESERIALFUNC = incentive_uplift_deserialfn, COMBINEFUNC = incentive_uplift_combinefn,
    FINALFUNC = incentive_uplift_finalfn, PARALLEL = SAFE);
CREATE TABLE uplift_forged_src(b bytea) WITH (autovacuum_enabled = false);
INSERT INTO uplift_forged_src
  SELECT uplift_ser(g / 20.0, g % 2 = 0, g % 3 <> 0) FROM generate_series(0, 19) g;
EXPLAIN (COSTS OFF) SELECT uplift_forged(b, ''::bytea) FROM uplift_forged_src;
SELECT uplift_forged(b, ''::bytea)::text
       = (SELECT incentive_uplift_eval(g / 20.0, g % 2 = 0, g % 3 <> 0)::text FROM generate_series(0, 19) g)
FROM uplift_forged_src;
CREATE FUNCTION pg_temp.uplift_forged(b bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  UPDATE uplift_forged_src SET b = uplift_forged.b;
  RETURN pg_temp.try($q$SELECT (uplift_forged(b, ''::bytea)).qini_coefficient FROM uplift_forged_src$q$);
END $$;
SELECT pg_temp.uplift_forged('\x0100');
SELECT pg_temp.uplift_forged(substr((SELECT uplift_ser(g / 20.0, g % 2 = 0, g % 3 <> 0) FROM generate_series(0, 19) g), 1, 47));
SELECT pg_temp.uplift_forged(substr((SELECT uplift_ser(g / 20.0, g % 2 = 0, g % 3 <> 0) FROM generate_series(0, 19) g), 1, 100));
-- a state: skipped rows, no k, and the keys of untreated lapsed members
-- (the other classes empty); the header is in network byte order
CREATE FUNCTION pg_temp.uplift_st(skipped bigint, keys bigint[]) RETURNS bytea LANGUAGE sql AS $$
  SELECT int8send(skipped) || float8send(0) || int8send(cardinality(keys)) || int8send(0) || int8send(0) || int8send(0)
         || coalesce((SELECT string_agg(pg_temp.n(int8send(x)), '' ORDER BY o)
                      FROM unnest(keys) WITH ORDINALITY u(x, o)), '') $$;
SELECT pg_temp.uplift_forged(pg_temp.uplift_st(1, ARRAY[pg_temp.k('-Infinity'), pg_temp.k(0.5), pg_temp.k('Infinity')]));
-- the key of a NaN uplift, which the transition function refuses, with the
-- sign bit clear (above +Infinity's key) and set (below -Infinity's): the
-- deserial function took them
SELECT pg_temp.uplift_forged(pg_temp.uplift_st(1, ARRAY[pg_temp.k(0.5), pg_temp.k('NaN')]));
SELECT pg_temp.uplift_forged(pg_temp.uplift_st(1, ARRAY[2251799813685247, pg_temp.k(0.5)]));
-- -0.0's own key apart from +0.0's (the transition function stores +0.0's
-- for both): it split a tie at 0 of two classes into two values
CREATE FUNCTION pg_temp.uplift_st4(k0 bigint[], k1 bigint[], k2 bigint[], k3 bigint[]) RETURNS bytea LANGUAGE sql AS $$
  SELECT int8send(0) || float8send(0) || int8send(cardinality(k0)) || int8send(cardinality(k1))
         || int8send(cardinality(k2)) || int8send(cardinality(k3))
         || coalesce((SELECT string_agg(pg_temp.n(int8send(x)), '' ORDER BY o)
                      FROM unnest(k0 || k1 || k2 || k3) WITH ORDINALITY u(x, o)), '') $$;
SELECT pg_temp.uplift_forged(pg_temp.uplift_st4(ARRAY[pg_temp.k(0)], ARRAY[pg_temp.k(0)], ARRAY[pg_temp.k(0)],
                                                ARRAY[pg_temp.k(0), pg_temp.k(0)]));
SELECT pg_temp.uplift_forged(pg_temp.uplift_st4(ARRAY[pg_temp.k(0)], ARRAY[pg_temp.k(0)], ARRAY[pg_temp.k(0)],
                                                ARRAY[pg_temp.k(0), 9223372036854775807]));
-- skipped rows of two states that add up past 2^63 - 1 (they wrapped
-- around to a negative count)
SET max_parallel_workers_per_gather = 0;
SET enable_partitionwise_aggregate = on;
SELECT pg_temp.pair($q$(uplift_forged(b, ''::bytea)).n_skipped$q$,
                    pg_temp.uplift_st(2305843009213693952, ARRAY[pg_temp.k(0.5)]), pg_temp.uplift_st(2305843009213693952, '{}'));
SELECT pg_temp.pair($q$(uplift_forged(b, ''::bytea)).n_skipped$q$,
                    pg_temp.uplift_st(6917529027641081856, ARRAY[pg_temp.k(0.5)]), pg_temp.uplift_st(6917529027641081856, '{}'));
RESET enable_partitionwise_aggregate;
SET max_parallel_workers_per_gather = 1;
DROP TABLE uplift_forged_src;
DROP AGGREGATE uplift_forged(bytea, bytea);
DROP AGGREGATE uplift_ser(float8, boolean, boolean);
-- engagement_summary: the header (as_of, first_seen, last_seen, events,
-- decayed, amount_total, amount_30 at bytes 0 to 55, asof_day, min_day,
-- max_day, base, nwords, has_amount at 56 to 76, the hash of its zone at
-- 80: the state's leading fields as they are in memory), then the words
-- of the bitmap of active days.  Only the body's length was checked, so a
-- forged header was taken as it was: windows a day off, active days
-- outside the bitmap, more days than events.
CREATE AGGREGATE eng_ser(timestamptz, timestamptz, float8) (SFUNC = engagement_summary_transfn,
    STYPE = internal, FINALFUNC = engagement_summary_serialfn);
CREATE AGGREGATE eng_forged(bytea, bytea) (SFUNC = bytea_string_agg_transfn,
    STYPE = internal, SERIALFUNC = bytea_string_agg_finalfn,
    DESERIALFUNC = engagement_summary_deserialfn, COMBINEFUNC = engagement_summary_combinefn,
    FINALFUNC = engagement_summary_finalfn, PARALLEL = SAFE);
CREATE TABLE eng_events AS
  SELECT * FROM (VALUES ('2025-02-10 08:00+00'::timestamptz, 1::float8), ('2025-02-20 05:00+00', 2),
                        ('2025-02-28 23:00+00', NULL), ('2025-02-28 01:00+00', 4)) v(t, a);
CREATE TABLE eng_forged_src(b bytea) WITH (autovacuum_enabled = false);
INSERT INTO eng_forged_src SELECT eng_ser(t, '2025-03-01 12:00+00', a) FROM eng_events;
SET max_parallel_workers_per_gather = 1;
EXPLAIN (COSTS OFF) SELECT eng_forged(b, ''::bytea) FROM eng_forged_src;
SELECT eng_forged(b, ''::bytea)::text = (SELECT engagement_summary(t, '2025-03-01 12:00+00', a)::text FROM eng_events)
FROM eng_forged_src;
-- genuine states pass the header checks: engagement_summary itself over a
-- table partitioned by the event time, each member's events spread over
-- the partitions, a partial state per partition and member deserialized
-- and combined, gives the serial features (all but the decayed count and
-- the amounts, whose sums follow the order of the rows, to 1e-12).  Day
-- numbers count from 2000-01-01: the deserial function took a first
-- active day before it, in a word of the bitmap before the last one, for
-- "none yet" and refused a member with days in 1990 and in 1991 as one
-- whose active days are not its header's.
CREATE TABLE eng_pw(m int, t timestamptz, a float8, as_of timestamptz) PARTITION BY HASH (t);
CREATE TABLE eng_pw0 PARTITION OF eng_pw FOR VALUES WITH (MODULUS 3, REMAINDER 0) WITH (autovacuum_enabled = false);
CREATE TABLE eng_pw1 PARTITION OF eng_pw FOR VALUES WITH (MODULUS 3, REMAINDER 1) WITH (autovacuum_enabled = false);
CREATE TABLE eng_pw2 PARTITION OF eng_pw FOR VALUES WITH (MODULUS 3, REMAINDER 2) WITH (autovacuum_enabled = false);
INSERT INTO eng_pw
  -- every 100 days from 1990 to 2001, around day 0
  SELECT 1, '1990-01-01 10:00+00'::timestamptz + i * interval '100 days', (i % 3)::float8, '2025-03-01 12:00+00'::timestamptz
  FROM generate_series(0, 40) i
  -- once a year for a century (36 135 days)
  UNION ALL SELECT 2, '1925-03-05 00:00+00'::timestamptz + i * interval '365 days', 1, '2025-03-01 12:00+00'
  FROM generate_series(0, 99) i
  -- 1999-12-31 (day -1) and days of 1999's earlier words
  UNION ALL SELECT 3, '1999-12-31 12:00+00'::timestamptz - i * interval '41 days', NULL, '2000-01-01 12:00+00'
  FROM generate_series(0, 8) i
  -- 4713 BC and 294276 AD
  UNION ALL SELECT 4, '4713-11-24 00:00+00 BC'::timestamptz + i * interval '5 days', 2,
                   '4713-11-24 00:00+00 BC'::timestamptz + interval '3000 days'
  FROM generate_series(0, 700) i
  UNION ALL SELECT 5, '294276-12-31 23:00+00'::timestamptz - i * interval '3 days', 2, '294276-12-31 23:59:59+00'
  FROM generate_series(0, 400) i
  -- events after as_of only (states without events), one event at as_of
  UNION ALL SELECT 6, '2025-04-01'::timestamptz + i * interval '1 day', 1, '2025-03-01 12:00+00'
  FROM generate_series(1, 50) i
  UNION ALL SELECT 7, '2025-03-01 12:00+00', 5, '2025-03-01 12:00+00';
ANALYZE eng_pw;
CREATE FUNCTION pg_temp.eng_fields(e engagement) RETURNS text LANGUAGE sql AS $$
  SELECT (e.first_seen, e.last_seen, e.tenure_days, e.recency_days, e.events, e.active_days,
          e.active_days_7, e.active_days_30, e.active_days_90, e.current_streak, e.longest_streak,
          e.mean_gap_days, e.gap_cv, e.trend)::text $$;
CREATE FUNCTION pg_temp.eng_pw_differ(zone text) RETURNS TABLE (m int, msg text) LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('TimeZone', zone, true);
  PERFORM set_config('enable_partitionwise_aggregate', 'off', true);
  CREATE TEMP TABLE eng_pw_serial AS
    SELECT s.m, engagement_summary(s.t, s.as_of, s.a) AS e FROM eng_pw s GROUP BY s.m;
  PERFORM set_config('enable_partitionwise_aggregate', 'on', true);
  BEGIN
    RETURN QUERY
      SELECT coalesce(s.m, p.m), zone || ': ' || coalesce(pg_temp.eng_fields(s.e), 'none') || ' <> ' || coalesce(pg_temp.eng_fields(p.e), 'none')
      FROM eng_pw_serial s
           FULL JOIN (SELECT q.m, engagement_summary(q.t, q.as_of, q.a) AS e FROM eng_pw q GROUP BY q.m) p ON p.m = s.m
      WHERE pg_temp.eng_fields(s.e) IS DISTINCT FROM pg_temp.eng_fields(p.e)
         OR abs((s.e).decayed_activity - (p.e).decayed_activity) > 1e-12 * (s.e).decayed_activity
         OR abs((s.e).amount_total - (p.e).amount_total) > 1e-12 * abs((s.e).amount_total)
         OR abs((s.e).amount_30 - (p.e).amount_30) > 1e-12 * abs((s.e).amount_30);
  EXCEPTION WHEN OTHERS THEN
    RETURN QUERY SELECT NULL::int, zone || ': ' || SQLSTATE || ' ' || SQLERRM;
  END;
  DROP TABLE eng_pw_serial;
END $$;
SET max_parallel_workers_per_gather = 0;
SET enable_partitionwise_aggregate = on;
EXPLAIN (COSTS OFF) SELECT m, engagement_summary(t, as_of, a) FROM eng_pw GROUP BY m;
RESET enable_partitionwise_aggregate;
SELECT count(*) FROM (SELECT m, engagement_summary(t, as_of, a) FROM eng_pw GROUP BY m) s;
SELECT d.* FROM unnest(ARRAY['UTC', 'Pacific/Kiritimati', 'America/St_Johns', 'America/New_York', 'Pacific/Chatham']) z,
  LATERAL pg_temp.eng_pw_differ(z) d ORDER BY 1, 2;
-- a cursor's next group: its partial states are made (in UTC) before the
-- FETCH that combines them (in Kiritimati, where their as_of is on the
-- next day); they were 22P03 "invalid engagement_summary state"
SET enable_partitionwise_aggregate = on;
SET enable_hashagg = off;
SET cursor_tuple_fraction = 1;
EXPLAIN (COSTS OFF)
  SELECT m, (e).events, (e).active_days FROM (SELECT m, engagement_summary(t, as_of, a) AS e FROM eng_pw GROUP BY m ORDER BY m) s;
BEGIN;
DECLARE eng_cur NO SCROLL CURSOR FOR
  SELECT m, (e).events, (e).active_days FROM (SELECT m, engagement_summary(t, as_of, a) AS e FROM eng_pw GROUP BY m ORDER BY m) s;
FETCH 1 FROM eng_cur;
SET LOCAL TimeZone = 'Pacific/Kiritimati';
FETCH 2 FROM eng_cur;
COMMIT;
RESET cursor_tuple_fraction;
RESET enable_hashagg;
RESET enable_partitionwise_aggregate;
DROP TABLE eng_pw;
SET max_parallel_workers_per_gather = 1;
CREATE FUNCTION pg_temp.eng_forged(b bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  UPDATE eng_forged_src SET b = eng_forged.b;
  RETURN pg_temp.try($q$SELECT (e).events, (e).active_days, (e).active_days_7, (e).amount_total
                        FROM (SELECT eng_forged(b, ''::bytea) AS e FROM eng_forged_src) s$q$);
END $$;
-- the genuine state with its bytes from offset off on replaced by x; a
-- timestamp's bytes
CREATE FUNCTION pg_temp.eng_st(off int, x bytea) RETURNS bytea LANGUAGE sql AS $$
  SELECT overlay(eng_ser(t, '2025-03-01 12:00+00', a) PLACING x FROM off + 1 FOR length(x)) FROM eng_events $$;
CREATE FUNCTION pg_temp.ts(t timestamptz) RETURNS bytea LANGUAGE sql AS $$
  SELECT pg_temp.n(int8send(((extract(epoch FROM t) - 946684800) * 1000000)::bigint)) $$;
SELECT pg_temp.eng_forged(pg_temp.eng_st(0, ''));
-- more events than its days, as a member with several events a day has
SELECT pg_temp.eng_forged(pg_temp.eng_st(24, pg_temp.n(int8send(1000))));
-- fewer events than active days (2, with a decayed count of 1), a
-- negative count, no events but days
SELECT pg_temp.eng_forged(pg_temp.eng_st(24, pg_temp.n(int8send(2)) || pg_temp.n(float8send(1))));
SELECT pg_temp.eng_forged(pg_temp.eng_st(24, pg_temp.n(int8send(-1))));
SELECT pg_temp.eng_forged(pg_temp.eng_st(24, pg_temp.n(int8send(0))));
-- as_of infinite, and as_of's day (9191) 8 days off: no zone is that far
-- from UTC.  A day or seven off is the local day of as_of in another zone
-- (as far as 'UTC+167'), in which a state made before a SET TimeZone and
-- combined after it (a cursor's next group) was made: those are taken
SELECT pg_temp.eng_forged(pg_temp.eng_st(0, pg_temp.n(int8send(9223372036854775807))));
SELECT pg_temp.eng_forged(pg_temp.eng_st(56, pg_temp.n(int4send(9199))));
SELECT pg_temp.eng_forged(pg_temp.eng_st(56, pg_temp.n(int4send(9183))));
SELECT pg_temp.eng_forged(pg_temp.eng_st(56, pg_temp.n(int4send(9192))));
SELECT pg_temp.eng_forged(pg_temp.eng_st(56, pg_temp.n(int4send(9198))));
-- first_seen after last_seen, last_seen after as_of
SELECT pg_temp.eng_forged(pg_temp.eng_st(8, pg_temp.ts('2025-03-01 00:00+00')));
SELECT pg_temp.eng_forged(pg_temp.eng_st(16, pg_temp.ts('2025-03-01 13:00+00')));
-- a decayed count above the events or NaN
SELECT pg_temp.eng_forged(pg_temp.eng_st(32, pg_temp.n(float8send(5))));
SELECT pg_temp.eng_forged(pg_temp.eng_st(32, pg_temp.n(float8send('NaN'))));
-- the first and last active days (9172 and 9190) not the bitmap's, a last
-- day after as_of's, a base (9152) not a multiple of 64 or after the first
-- day
SELECT pg_temp.eng_forged(pg_temp.eng_st(60, pg_temp.n(int4send(9171))));
SELECT pg_temp.eng_forged(pg_temp.eng_st(64, pg_temp.n(int4send(9189))));
SELECT pg_temp.eng_forged(pg_temp.eng_st(64, pg_temp.n(int4send(9192))));
SELECT pg_temp.eng_forged(pg_temp.eng_st(68, pg_temp.n(int4send(9153))));
SELECT pg_temp.eng_forged(pg_temp.eng_st(68, pg_temp.n(int4send(9216))));
-- a bool that is neither 0 nor 1, amounts without the amount argument
SELECT pg_temp.eng_forged(pg_temp.eng_st(76, '\x02'));
SELECT pg_temp.eng_forged(pg_temp.eng_st(76, '\x00'));
-- a state without events (only events after as_of) comes back as it was
SELECT pg_temp.eng_forged((SELECT eng_ser('2025-04-01', '2025-03-01 12:00+00', NULL)));
SELECT pg_temp.eng_forged(overlay((SELECT eng_ser('2025-04-01', '2025-03-01 12:00+00', NULL)) PLACING pg_temp.n(int4send(9172)) FROM 61 FOR 4));
-- events of two states that add up past 2^63 - 1
SET max_parallel_workers_per_gather = 0;
SET enable_partitionwise_aggregate = on;
-- two genuine states of the same as_of made in two zones, where it is on
-- two local days (a TimeZone changed between a cursor's FETCHes) are
-- 22023, not combined into days of two calendars
SELECT pg_temp.pair($q$(eng_forged(b, ''::bytea)).active_days$q$,
                    (SELECT eng_ser(t, '2025-03-01 02:00+00', a) FROM eng_events),
                    (SELECT eng_ser(t, '2025-03-01 02:00+00', a) FROM eng_events WHERE set_config('TimeZone', 'America/New_York', true) IS NOT NULL));
SELECT pg_temp.pair($q$(eng_forged(b, ''::bytea)).active_days$q$,
                    (SELECT eng_ser(t, '2025-03-01 02:00+00', a) FROM eng_events),
                    (SELECT eng_ser(t, '2025-03-01 02:00+00', a) FROM eng_events));
-- nor where as_of is on the same local day in both (1 March in UTC and
-- in New York): the events' days are still of two calendars
SELECT pg_temp.pair($q$(eng_forged(b, ''::bytea)).active_days$q$,
                    (SELECT eng_ser(t, '2025-03-01 12:00+00', a) FROM eng_events),
                    (SELECT eng_ser(t, '2025-03-01 12:00+00', a) FROM eng_events WHERE set_config('TimeZone', 'America/New_York', true) IS NOT NULL));
SELECT pg_temp.pair($q$(eng_forged(b, ''::bytea)).events$q$,
                    pg_temp.eng_st(24, pg_temp.n(int8send(2305843009213693952))), pg_temp.eng_st(24, pg_temp.n(int8send(2305843009213693952))));
SELECT pg_temp.pair($q$(eng_forged(b, ''::bytea)).events$q$,
                    pg_temp.eng_st(24, pg_temp.n(int8send(6917529027641081856))), pg_temp.eng_st(24, pg_temp.n(int8send(6917529027641081856))));
-- bgnbd_fit and gammagamma_fit: the skipped rows (the state's first 8
-- bytes) of two states that add up past 2^63 - 1, here gammagamma_fit's
CREATE AGGREGATE fit_ser(float8, float8) (SFUNC = gammagamma_fit_transfn,
    STYPE = internal, FINALFUNC = lifetime_fit_serialfn);
CREATE AGGREGATE fit_forged(bytea, bytea) (SFUNC = bytea_string_agg_transfn,
    STYPE = internal, SERIALFUNC = bytea_string_agg_finalfn,
    DESERIALFUNC = lifetime_fit_deserialfn, COMBINEFUNC = lifetime_fit_combinefn,
    FINALFUNC = gammagamma_fit_finalfn, PARALLEL = SAFE);
CREATE FUNCTION pg_temp.fit_st(skipped bigint) RETURNS bytea LANGUAGE sql AS $$
  SELECT overlay(fit_ser(1 + i % 5, 10 + (i * 37 % 101) / 3.0) PLACING pg_temp.n(int8send(skipped)) FROM 1 FOR 8)
  FROM generate_series(1, 200) i $$;
SELECT pg_temp.pair($q$(fit_forged(b, ''::bytea)).n_skipped$q$, pg_temp.fit_st(2305843009213693952), pg_temp.fit_st(2305843009213693952));
SELECT pg_temp.pair($q$(fit_forged(b, ''::bytea)).n_skipped$q$, pg_temp.fit_st(6917529027641081856), pg_temp.fit_st(6917529027641081856));
-- the rows of the fits' states are the ones their transition functions
-- take (the serial function sorts and merges them): a
-- frequency of 1.5 or 0, a spend of NaN, 0 or infinity, a recency beyond
-- T, a count of 1e300 (a model of n = -2^63) or of -1, rows out of order
-- were fitted (a model, or a misleading "did not converge"); now 22P03.
-- name_ser(args), whose result is the serialized state of its rows, and
-- name_forged(bytea, bytea), whose partial states are the bytes given
CREATE FUNCTION pg_temp.forged_aggs(name text, args text, transfn text, serialfn text,
                                    deserialfn text, combinefn text, finalfn text)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE AGGREGATE %I(%s) (SFUNC = %s, STYPE = internal, FINALFUNC = %s)',
                 name || '_ser', args, transfn, serialfn);
  EXECUTE format('CREATE AGGREGATE %I(bytea, bytea) (SFUNC = bytea_string_agg_transfn,
                    STYPE = internal, SERIALFUNC = bytea_string_agg_finalfn, DESERIALFUNC = %s,
                    COMBINEFUNC = %s, FINALFUNC = %s, PARALLEL = SAFE)',
                 name || '_forged', deserialfn, combinefn, finalfn);
END $$;
SELECT pg_temp.forged_aggs('bg', 'float8, float8, float8', 'bgnbd_fit_transfn', 'lifetime_fit_serialfn',
                           'lifetime_fit_deserialfn', 'lifetime_fit_combinefn', 'bgnbd_fit_finalfn');
-- a fit state with its row k (of width bytes, from byte 36 on) overwritten from its start by vals
CREATE FUNCTION pg_temp.rows_at(st bytea, width int, k int, vals float8[]) RETURNS bytea LANGUAGE sql AS $$
  SELECT overlay(st PLACING coalesce((SELECT string_agg(pg_temp.n(float8send(v)), '' ORDER BY o)
                                      FROM unnest(vals) WITH ORDINALITY u(v, o)), '')
                 FROM 37 + width * (k - 1) FOR 8 * cardinality(vals)) $$;
-- gg: 200 distinct rows (x, m, count - 1) of one repeat buyer each; bg: 29 distinct rows (x, t_x, T, count), (0, 0,
-- 20.5, 40), then x = 1 to 4 with t_x = x + 0.5 .. x + 6.5 (rows 2 to 8:
-- x = 1), too few members for a maximum (22000), but taken
CREATE TEMP TABLE fit_states AS
  SELECT fit_ser(1 + i % 5, 10 + (i * 37 % 101) / 3.0) AS gg,
         bg_ser(i % 5, CASE WHEN i % 5 = 0 THEN 0 ELSE i % 5 + i % 7 + 0.5 END, 20.5) AS bg
  FROM generate_series(1, 200) i;
SELECT length(bg) = 36 + 32 * 29 FROM fit_states;
SELECT length(gg) = 36 + 24 * 200 FROM fit_states;
-- gg also: a count of -1, 1.5 or 2^53 + 1 (2^53 is taken: here a fit
-- with no maximum), a row above the next one
SELECT i, pg_temp.pair($q$(fit_forged(b, ''::bytea)).n$q$, pg_temp.rows_at(gg, 24, k1, v1), pg_temp.rows_at(gg, 24, k2, v2))
FROM fit_states, (VALUES (1, 1, '{}'::float8[], 1, '{}'::float8[]), (2, 3, '{1.5}', 1, '{}'), (3, 1, '{}', 200, '{0}'),
                         (4, 7, '{2, NaN}', 1, '{}'), (5, 7, '{2, 0}', 1, '{}'), (6, 7, '{2, Infinity}', 1, '{}'),
                         (7, 1, '{1, 0.001, -2}', 1, '{}'), (8, 1, '{}', 1, '{1, 0.001, 0.5}'),
                         (9, 1, '{1, 0.001, 9007199254740992}', 1, '{}'),
                         (10, 1, '{1, 0.001, 9007199254740991}', 1, '{}'),
                         (11, 199, '{5, 1e300}', 1, '{}'),
                         -- a count of 1 + 5e-324 and one of 1e300: printed
                         -- to the last digit, not as "1" and "1e+300"
                         (12, 1, '{1, 0.001, 5e-324}', 1, '{}'),
                         (13, 1, '{1, 0.001, 1e300}', 1, '{}')) c(i, k1, v1, k2, v2)
ORDER BY i;
-- gg: the counts of one pair in two states add up past 2^53 ((2^53 - 1) +
-- 2, either order; they were added unchecked, to a count a double does not
-- hold exactly): 22P03, while 2^52 + 2^52 is taken (here no maximum, 22000)
SELECT i, pg_temp.pair($q$(fit_forged(b, ''::bytea)).n$q$, pg_temp.rows_at(gg, 24, 1, v1), pg_temp.rows_at(gg, 24, 1, v2))
FROM fit_states, (VALUES (1, '{1, 0.001, 9007199254740990}'::float8[], '{1, 0.001, 1}'::float8[]),
                         (2, '{1, 0.001, 1}', '{1, 0.001, 9007199254740990}'),
                         (3, '{1, 0.001, 4503599627370495}', '{1, 0.001, 4503599627370495}')) c(i, v1, v2)
ORDER BY i;
-- gg: two identical rows (one row with their count, merged), the rows not
-- marked sorted (the 4 bytes at 16)
SELECT pg_temp.pair($q$(fit_forged(b, ''::bytea)).n$q$,
                    pg_temp.rows_at(pg_temp.rows_at(gg, 24, 1, '{1, 0.001}'), 24, 2, '{1, 0.001}'), gg)
FROM fit_states;
SELECT pg_temp.pair($q$(fit_forged(b, ''::bytea)).n$q$, overlay(gg PLACING pg_temp.n(int4send(150)) FROM 17 FOR 4), gg)
FROM fit_states;
SELECT i, pg_temp.pair($q$(bg_forged(b, ''::bytea)).n$q$, pg_temp.rows_at(bg, 32, k1, v1), pg_temp.rows_at(bg, 32, k2, v2))
FROM fit_states, (VALUES (1, 1, '{}'::float8[], 1, '{}'::float8[]), (2, 2, '{1.5}', 1, '{}'), (3, 2, '{1, 30}', 1, '{}'),
                         (4, 1, '{}', 1, '{0, 0, 20.5, 1e300}'), (5, 1, '{0, 0, 20.5, -1}', 1, '{}'),
                         (6, 3, '{1, 1.5, 20.5, 8}', 1, '{}'), (7, 3, '{4, 5.5, 20.5, 8}', 1, '{}'),
                         -- a count of 1.0000000000000002 (%g printed 1)
                         (8, 1, '{0, 0, 20.5, 1.0000000000000002}', 1, '{}')) c(i, k1, v1, k2, v2)
ORDER BY i;
-- to the last digit whatever extra_float_digits is (at 0, float8out's 15
-- digits printed that count as 1, and a refused frequency of
-- 2.0000000000000004 as 2)
SET extra_float_digits = 0;
SELECT pg_temp.pair($q$(bg_forged(b, ''::bytea)).n$q$, pg_temp.rows_at(bg, 32, 1, '{0, 0, 20.5, 1.0000000000000002}'), bg)
FROM fit_states;
SELECT pg_temp.try('SELECT gammagamma_fit(2.0000000000000004, 5)');
SELECT pg_temp.try('SELECT bgnbd_fit(2.0000000000000004, 1, 3)');
RESET extra_float_digits;
-- bg: the counts of one history's rows in two states add up past 2^53
-- ((2^53 - 1) + 40, either order; added unchecked, unlike the counted
-- keys'): 22P03, while (2^53 - 40) + 40 is taken (too few members, 22000)
SELECT i, pg_temp.pair($q$(bg_forged(b, ''::bytea)).n$q$, pg_temp.rows_at(bg, 32, 1, v1), pg_temp.rows_at(bg, 32, 1, v2))
FROM fit_states, (VALUES (1, '{0, 0, 20.5, 9007199254740991}'::float8[], '{}'::float8[]),
                         (2, '{}', '{0, 0, 20.5, 9007199254740991}'),
                         (3, '{0, 0, 20.5, 9007199254740952}', '{}')) c(i, v1, v2)
ORDER BY i;
-- the rows not marked sorted (the 4 bytes at 16)
SELECT pg_temp.pair($q$(bg_forged(b, ''::bytea)).n$q$, overlay(bg PLACING pg_temp.n(int4send(24)) FROM 17 FOR 4), bg)
FROM fit_states;
-- gg: a state holds distinct rows with their counts (what the transition
-- and serial functions leave of identical members): 70 (x, m) pairs, each
-- pair's members split between two such states, give the model of the
-- members one by one (107 000 of them, merged as they come), to the bit
CREATE TEMP TABLE gg_pairs AS
  SELECT (1 + i % 7)::float8 AS x, 30 * exp((i / 7 - 4.5) * 0.25 / sqrt(1 + i % 7)) AS m,
         1 + i * 7919 % 3000 AS c1, 1 + i * 104729 % 40 AS c2
  FROM generate_series(0, 69) i;
CREATE FUNCTION pg_temp.gg_counted(part int) RETURNS bytea LANGUAGE sql AS $$
  SELECT substring((SELECT fit_ser(x, m) FROM gg_pairs) FROM 1 FOR 36)
         || string_agg(pg_temp.n(float8send(x)) || pg_temp.n(float8send(m))
                       || pg_temp.n(float8send(CASE part WHEN 1 THEN c1 ELSE c2 END - 1.0)), '' ORDER BY x, m)
  FROM gg_pairs $$;
SELECT sum(c1 + c2) FROM gg_pairs;
SELECT pg_temp.pair(format('fit_forged(b, %L::bytea)::text = %L AS same_model', '',
                           (SELECT gammagamma_fit(x, m)::text FROM gg_pairs, generate_series(1, c1 + c2))),
                    pg_temp.gg_counted(1), pg_temp.gg_counted(2));
-- bgnbd_fit: rows whose counts (each up to 2^53) add up past 2^63 - 1, in
-- two partial states of 1337 distinct rows counted 2^53 times each, made
-- a model of n = -2^63; now 22P03 (2^53 and 2^53 of one history are
-- refused when combined: here 2^52 each; counted 1e10 times: the estimates of
-- the rows one by one, n = 2 * 1337 * 1e10)
CREATE TEMP TABLE bg_sim AS
  SELECT DISTINCT x, CASE WHEN x = 0 THEN 0 ELSE a * (1 - u4 / (x + 1)) END AS tx, 39::float8 AS t
  FROM (SELECT floor((0.02 + 0.4 * u1) * a + u3) AS x, a, u4
        FROM (SELECT ((i * 7919) % 1009 + 0.5) / 1009.0 AS u1, least(-ln(((i * 104729) % 1013 + 0.5) / 1013.0) * 30, 39) AS a,
                     ((i * 15485863) % 1019 + 0.5) / 1019.0 AS u3, ((i * 32452843) % 1021 + 0.5) / 1021.0 AS u4
              FROM generate_series(1::bigint, 1500) i) s) s2;
CREATE FUNCTION pg_temp.bg_counted(w float8) RETURNS bytea LANGUAGE sql AS $$
  SELECT pg_temp.n(int8send(0)) || pg_temp.n(int4send(4)) || pg_temp.n(int4send(count(*)::int))
         || pg_temp.n(int4send(count(*)::int)) || pg_temp.n(int4send(count(*)::int)) || pg_temp.n(int8send(0))
         || '\x00000000'::bytea
         || string_agg(pg_temp.n(float8send(x)) || pg_temp.n(float8send(tx)) || pg_temp.n(float8send(t))
                       || pg_temp.n(float8send(w)), '' ORDER BY x, tx, t)
  FROM bg_sim $$;
SELECT count(*) FROM bg_sim;
SELECT pg_temp.pair($q$(bg_forged(b, ''::bytea)).n$q$, pg_temp.bg_counted(1e10), pg_temp.bg_counted(1e10));
SELECT pg_temp.pair(format('abs((bg_forged(b, %L::bytea)).r / %s - 1) < 1e-9 AS same_r', '',
                           (SELECT (bgnbd_fit(x, tx, t)).r FROM bg_sim)),
                    pg_temp.bg_counted(1e10), pg_temp.bg_counted(1e10));
SELECT pg_temp.pair($q$(bg_forged(b, ''::bytea)).n$q$, pg_temp.bg_counted(4503599627370496), pg_temp.bg_counted(4503599627370496));
-- bgnbd_fit's counted keys (25 whole-number histories, as a worker hands
-- them over after its rows): the counts of one key in two states add up
-- past 2^53 ((2^53 - 1) + 2; 2048 states of 2^53 wrapped around to 0 in 64
-- bits): 22P03, while 2^52 + 2^52 is taken (and fitted: no maximum, 22000)
CREATE TEMP TABLE bg_keyed AS
  SELECT bg_ser(i % 5, CASE WHEN i % 5 = 0 THEN 0 ELSE i % 5 + i % 7 END, 20) AS st
  FROM generate_series(1, 30) i;
SELECT length(st) = 36 + 16 * 25 FROM bg_keyed;
CREATE FUNCTION pg_temp.bg_key_count(c bigint) RETURNS bytea LANGUAGE sql AS $$
  SELECT overlay(st PLACING pg_temp.n(int8send(c)) FROM 37 + 8 * 25 FOR 8) FROM bg_keyed $$;
SELECT pg_temp.pair($q$(bg_forged(b, ''::bytea)).n$q$, pg_temp.bg_key_count(4503599627370496), pg_temp.bg_key_count(4503599627370496));
SELECT pg_temp.pair($q$(bg_forged(b, ''::bytea)).n$q$, pg_temp.bg_key_count(9007199254740991), pg_temp.bg_key_count(2));
DROP TABLE bg_keyed;
-- a state of the other model (its rows of another width, which the fit
-- read past their end): 22P03
SELECT pg_temp.pair($q$(bg_forged(b, ''::bytea)).n$q$, gg, gg) FROM fit_states;
SELECT pg_temp.pair($q$(fit_forged(b, ''::bytea)).n$q$, bg, bg) FROM fit_states;
-- a partial state of each model, combined: 22P03 (was XX000, an elog)
SELECT pg_temp.pair($q$(fit_forged(b, ''::bytea)).n$q$, gg, bg) FROM fit_states;
SELECT pg_temp.pair($q$(bg_forged(b, ''::bytea)).n$q$, bg, gg) FROM fit_states;
DROP TABLE bg_sim;
DROP TABLE gg_pairs;
DROP TABLE fit_states;
DROP AGGREGATE bg_forged(bytea, bytea);
DROP AGGREGATE bg_ser(float8, float8, float8);
-- lifetime_summary (its state: as_of, unit, as_of's day, ndays, nsorted,
-- cap, the repeat days' and the first day's spend, the first and last
-- days, the hash of its zone at 56, then the days from 64): as_of's day a
-- week off from any zone's, the first or last day not the days', a day
-- after as_of's, a NaN spend, days out of order gave a negative recency, a
-- recency beyond T, a NaN monetary_value; now 22P03.  Two genuine states
-- of an as_of made in two zones, where it is on two local days (a
-- TimeZone changed between a cursor's FETCHes) are 22023, not combined
-- into days of two calendars.
SELECT pg_temp.forged_aggs('lt', 'timestamptz, timestamptz, float8', 'lifetime_summary_transfn',
                           'lifetime_summary_serialfn', 'lifetime_summary_deserialfn',
                           'lifetime_summary_combinefn', 'lifetime_summary_finalfn');
-- days 9132, 9139, 9146 (2025-01-01, 08, 15), as_of on day 9163
CREATE FUNCTION pg_temp.lt_st(off int, x bytea) RETURNS bytea LANGUAGE sql AS $$
  SELECT overlay(lt_ser(t, '2025-02-01 12:00+00', a) PLACING x FROM off + 1 FOR length(x))
  FROM (VALUES ('2025-01-01 10:00+00'::timestamptz, 10::float8), ('2025-01-01 20:00+00', 5),
               ('2025-01-08 10:00+00', 20), ('2025-01-08 11:00+00', 4), ('2025-01-15 00:00+00', 30)) v(t, a) $$;
SELECT pg_temp.pair($q$lt_forged(b, ''::bytea)$q$, pg_temp.lt_st(0, ''), pg_temp.lt_st(0, ''));
SELECT pg_temp.pair($q$lt_forged(b, ''::bytea)$q$, pg_temp.lt_st(16, pg_temp.n(int4send(9171))), pg_temp.lt_st(0, ''));
SELECT pg_temp.pair($q$lt_forged(b, ''::bytea)$q$, pg_temp.lt_st(0, ''), pg_temp.lt_st(48, pg_temp.n(int4send(9140))));
SELECT pg_temp.pair($q$lt_forged(b, ''::bytea)$q$, pg_temp.lt_st(52, pg_temp.n(int4send(9140))), pg_temp.lt_st(0, ''));
SELECT pg_temp.pair($q$lt_forged(b, ''::bytea)$q$, overlay(pg_temp.lt_st(52, pg_temp.n(int4send(9164))) PLACING pg_temp.n(int4send(9132)) || pg_temp.n(int4send(9139)) || pg_temp.n(int4send(9164)) FROM 65 FOR 12), pg_temp.lt_st(0, ''));
SELECT pg_temp.pair($q$lt_forged(b, ''::bytea)$q$, pg_temp.lt_st(32, pg_temp.n(float8send('NaN'))), pg_temp.lt_st(0, ''));
SELECT pg_temp.pair($q$lt_forged(b, ''::bytea)$q$, pg_temp.lt_st(64, pg_temp.n(int4send(9132)) || pg_temp.n(int4send(9146)) || pg_temp.n(int4send(9146))), pg_temp.lt_st(0, ''));
SELECT pg_temp.pair($q$lt_forged(b, ''::bytea)$q$, pg_temp.lt_st(0, ''),
                    (SELECT pg_temp.lt_st(0, '') WHERE set_config('TimeZone', 'Pacific/Kiritimati', true) IS NOT NULL));
-- and in two zones where as_of is on the same day (1 February in UTC and
-- in New York)
SELECT pg_temp.pair($q$lt_forged(b, ''::bytea)$q$, pg_temp.lt_st(0, ''),
                    (SELECT pg_temp.lt_st(0, '') WHERE set_config('TimeZone', 'America/New_York', true) IS NOT NULL));
DROP AGGREGATE lt_forged(bytea, bytea);
DROP AGGREGATE lt_ser(timestamptz, timestamptz, float8);
-- retention_logrank counts at most 2^53 members (survival_badinput), also
-- when two states that are each below it are combined: 2^53 in all is a
-- test, 2^53 + 1 is refused (54000), however the members are split.  Its
-- state (big-endian): nobs, skipped, confidence, weighting, p, the group
-- names a and b, then (time, group, churned, censored): ev_a of a and
-- ev_b of b churned at time 1, at time 2 one churned and one censored of
-- a and one churned of b: ev_a + ev_b + 3 members
CREATE AGGREGATE lr_forged(bytea, bytea) (SFUNC = bytea_string_agg_transfn,
    STYPE = internal, SERIALFUNC = bytea_string_agg_finalfn,
    DESERIALFUNC = retention_surv_deserialfn, COMBINEFUNC = retention_surv_combinefn,
    FINALFUNC = retention_logrank_finalfn, PARALLEL = SAFE);
CREATE FUNCTION pg_temp.lr_st(ev_a bigint, ev_b bigint) RETURNS bytea LANGUAGE sql AS $$
  SELECT int8send(4) || int8send(0) || float8send(0) || int4send(0)
    || float8send(0) || int4send(2) || int4send(1) || 'a'::bytea || int4send(1) || 'b'::bytea
    || float8send(1) || int4send(0) || int8send(ev_a) || int8send(0)
    || float8send(1) || int4send(1) || int8send(ev_b) || int8send(0)
    || float8send(2) || int4send(0) || int8send(1) || int8send(1)
    || float8send(2) || int4send(1) || int8send(1) || int8send(0) $$;
-- 2^52 + 2^52: a test, its chi-square to 1e-14 (exact: 1.4970059880239479,
-- test/reference/logrank_oe_reference.py); 2^52 + 1 + 2^52 refused
SELECT pg_temp.pair($q$abs((lr_forged(b, ''::bytea)).chi_square / 1.4970059880239479 - 1) < 1e-14$q$,
                    pg_temp.lr_st(2251799813685248, 2251799813685245), pg_temp.lr_st(2251799813685248, 2251799813685245));
SELECT pg_temp.pair($q$abs((lr_forged(b, ''::bytea)).chi_square / 1.4970059880239479 - 1) < 1e-14$q$,
                    pg_temp.lr_st(2251799813685248, 2251799813685246), pg_temp.lr_st(2251799813685248, 2251799813685245));
-- 2^53 - 5 + 5: a test (exact: 1.4970059880239468); 2^53 - 4 + 5 refused
SELECT pg_temp.pair($q$abs((lr_forged(b, ''::bytea)).chi_square / 1.4970059880239468 - 1) < 1e-14$q$,
                    pg_temp.lr_st(4503599627370496, 4503599627370488), pg_temp.lr_st(1, 1));
SELECT pg_temp.pair($q$abs((lr_forged(b, ''::bytea)).chi_square / 1.4970059880239468 - 1) < 1e-14$q$,
                    pg_temp.lr_st(4503599627370496, 4503599627370489), pg_temp.lr_st(1, 1));
DROP AGGREGATE lr_forged(bytea, bytea);
RESET enable_partitionwise_aggregate;
DROP TABLE eng_forged_src, eng_events, forged_pair;
DROP AGGREGATE fit_forged(bytea, bytea);
DROP AGGREGATE fit_ser(float8, float8);
DROP AGGREGATE eng_forged(bytea, bytea);
DROP AGGREGATE eng_ser(timestamptz, timestamptz, float8);
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
DROP TABLE train_forged_src, train_rows, train_par;
DROP AGGREGATE train_forged(bytea, bytea);
DROP AGGREGATE train_ser(float8[], boolean, jsonb);
-- engagement_periods: the header (start, as_of, the period's time, days and
-- months, n, nwords at bytes 0 to 39, the hash of the period bounds at 40
-- to 47), then the words of the periods' bits.  Only n and the length
-- were checked: an infinite as_of gave every period as elapsed, an infinite start "timestamp out of range" (22008),
-- bits of periods after the n-th were taken, and a bit with the start after
-- as_of (no event can be in [start, as_of] then)
SET max_parallel_workers_per_gather = 1;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
CREATE AGGREGATE per_ser(timestamptz, timestamptz, interval, int, timestamptz) (SFUNC = engagement_periods_transfn,
    STYPE = internal, FINALFUNC = engagement_periods_serialfn);
CREATE AGGREGATE per_forged(bytea, bytea) (SFUNC = bytea_string_agg_transfn,
    STYPE = internal, SERIALFUNC = bytea_string_agg_finalfn,
    DESERIALFUNC = engagement_periods_deserialfn, COMBINEFUNC = engagement_periods_combinefn,
    FINALFUNC = engagement_periods_finalfn, PARALLEL = SAFE);
CREATE TABLE per_forged_src(b bytea) WITH (autovacuum_enabled = false);
INSERT INTO per_forged_src SELECT per_ser(t, '2025-01-01 00:00+00', '1 month', 3, '2025-03-15 00:00+00')
  FROM (VALUES ('2025-01-05 00:00+00'::timestamptz)) v(t);
EXPLAIN (COSTS OFF) SELECT per_forged(b, ''::bytea) FROM per_forged_src;
CREATE FUNCTION pg_temp.per_forged(b bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  UPDATE per_forged_src SET b = per_forged.b;
  RETURN pg_temp.try($q$SELECT per_forged(b, ''::bytea) FROM per_forged_src$q$);
END $$;
-- the genuine state with its bytes from offset off on replaced by x
CREATE FUNCTION pg_temp.per_st(off int, x bytea, n int DEFAULT 3) RETURNS bytea LANGUAGE sql AS $$
  SELECT overlay(per_ser(t, '2025-01-01 00:00+00', '1 month', n, '2025-03-15 00:00+00') PLACING x FROM off + 1 FOR length(x))
  FROM (VALUES ('2025-01-05 00:00+00'::timestamptz)) v(t) $$;
SELECT pg_temp.per_forged(pg_temp.per_st(0, ''));
-- an infinite as_of or start
SELECT pg_temp.per_forged(pg_temp.per_st(8, pg_temp.n(int8send(9223372036854775807))));
SELECT pg_temp.per_forged(pg_temp.per_st(0, pg_temp.n(int8send(-9223372036854775808))));
-- bits of periods 4 to 8 of 3, of 66 of 65, and a word more than 64
-- periods take
SELECT pg_temp.per_forged(pg_temp.per_st(48, '\xff'));
SELECT pg_temp.per_forged(pg_temp.per_st(56, '\x02', 65));
SELECT pg_temp.per_forged(pg_temp.per_st(48, '\x0000000000000000'::bytea || '\x01', 64));
-- period 2 marked: no event is known to be missing, it is taken as is
SELECT pg_temp.per_forged(pg_temp.per_st(48, '\x03'));
-- start (2026-01-01) after as_of with a period marked, and without one
-- (its bounds are then not the ones whose hash it holds: 22023)
SELECT pg_temp.per_forged(pg_temp.per_st(0, pg_temp.ts('2026-01-01 00:00+00')));
SELECT pg_temp.per_forged(overlay(pg_temp.per_st(0, pg_temp.ts('2026-01-01 00:00+00')) PLACING '\x00' FROM 49 FOR 1));
-- a bit for a period no event at or before as_of can be in, checked once
-- the final function has the bounds: period 4 of 5 (from 2025-04-01, after
-- as_of 2025-03-15), and in Pacific/Apia the empty period 2 of '1 day' from
-- 2011-12-29 12:00 (the clocks skipped 2011-12-30); were taken as {t,f,NULL,
-- NULL,NULL} and {t,t,f,f}
SELECT pg_temp.per_forged(pg_temp.per_st(48, '\x09', 5));
SELECT pg_temp.per_forged(pg_temp.per_st(48, '\x01', 5));
SET TimeZone = 'Pacific/Apia';
CREATE FUNCTION pg_temp.per_apia(bits bytea) RETURNS bytea LANGUAGE sql AS $$
  SELECT overlay(per_ser(t, '2011-12-29 12:00', '1 day', 4, '2012-01-05') PLACING bits FROM 49 FOR 1)
  FROM (VALUES ('2011-12-29 13:00'::timestamptz)) v(t) $$;
SELECT pg_temp.per_forged(pg_temp.per_apia('\x01'));
SELECT pg_temp.per_forged(pg_temp.per_apia('\x03'));
SELECT pg_temp.per_forged(pg_temp.per_apia('\x05'));
RESET TimeZone;
-- the hash of the bounds changed (22023), and a state made in another
-- TimeZone whose bounds are other instants (a partial state made before a
-- SET TimeZone between a cursor's FETCHes, combined after it): 22023; were
-- taken with the bits of one calendar read against the bounds of another
SELECT pg_temp.per_forged(pg_temp.per_st(40, set_byte('\x00', 0, get_byte(pg_temp.per_st(0, ''), 40) # 1)));
SET TimeZone = 'UTC';
UPDATE per_forged_src SET b = (SELECT per_ser(t, '2025-03-05 00:00+00', '1 day', 12, '2025-03-25 00:00+00')
                               FROM (VALUES ('2025-03-10 23:30+00'::timestamptz)) v(t));
SELECT pg_temp.try($q$SELECT per_forged(b, ''::bytea) FROM per_forged_src$q$);
SET TimeZone = 'America/New_York';
SELECT pg_temp.try($q$SELECT per_forged(b, ''::bytea) FROM per_forged_src$q$);
SET TimeZone = 'UTC';
-- the same through a cursor: a partitionwise plan, member 2 only in the
-- first partition, so that member 3's partial state of the second one is
-- made (in UTC) at the first FETCH, and the first one's after the SET
-- TimeZone.  Events at 23:30 UTC, which in New York are in the next
-- '1 day' period from the DST change (2025-03-09) on; member 3 was
-- {t,t,t,t,t,f,t,f,t,f,t,f}, of neither calendar
CREATE TABLE per_pw (m int, t timestamptz, k int) PARTITION BY LIST (k);
CREATE TABLE per_pw0 PARTITION OF per_pw FOR VALUES IN (0);
CREATE TABLE per_pw1 PARTITION OF per_pw FOR VALUES IN (1);
INSERT INTO per_pw SELECT m, '2025-03-05 23:30+00'::timestamptz + d * interval '1 day', (d + m) % 2
  FROM generate_series(1, 4) m, generate_series(0, 9) d WHERE m <> 2 OR (d + m) % 2 = 0;
ANALYZE per_pw;
SET max_parallel_workers_per_gather = 0;
SET enable_partitionwise_aggregate = on;
SET enable_hashagg = off;
SET cursor_tuple_fraction = 1;
EXPLAIN (COSTS OFF)
  SELECT m, engagement_periods(t, '2025-03-05 00:00+00', '1 day', 12, '2025-03-25 00:00+00') FROM per_pw GROUP BY m ORDER BY m;
SELECT m, engagement_periods(t, '2025-03-05 00:00+00', '1 day', 12, '2025-03-25 00:00+00') FROM per_pw GROUP BY m ORDER BY m;
SET TimeZone = 'America/New_York';
SELECT m, engagement_periods(t, '2025-03-05 00:00+00', '1 day', 12, '2025-03-25 00:00+00') FROM per_pw GROUP BY m ORDER BY m;
SET TimeZone = 'UTC';
BEGIN;
DECLARE per_cur NO SCROLL CURSOR FOR
  SELECT m, engagement_periods(t, '2025-03-05 00:00+00', '1 day', 12, '2025-03-25 00:00+00') FROM per_pw GROUP BY m ORDER BY m;
FETCH 1 FROM per_cur;
SET LOCAL TimeZone = 'America/New_York';
FETCH 3 FROM per_cur;
ROLLBACK;
RESET cursor_tuple_fraction;
RESET enable_hashagg;
RESET enable_partitionwise_aggregate;
DROP TABLE per_pw;
DROP TABLE per_forged_src;
DROP AGGREGATE per_forged(bytea, bytea);
DROP AGGREGATE per_ser(timestamptz, timestamptz, interval, int, timestamptz);
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
