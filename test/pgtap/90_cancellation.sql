-- Long-running functions answer a 0.5 s statement_timeout (and so pg_cancel_backend,
-- which raises the same interrupt) within a second: training on millions of
-- rows and inside the Newton solver, AUC on millions of rows, engagement
-- aggregation, the demo generator and the log-rank test of many groups.
-- Reading and printing a long incentive condition stop well before the end,
-- and so does incentive_match_all over an array of many conditions.
BEGIN;
SELECT plan(10);

-- Runs q; returns the seconds from start until it was cancelled, or -1 if it finished.
CREATE FUNCTION pg_temp.seconds_until_cancelled(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz := clock_timestamp();
BEGIN
  BEGIN
    EXECUTE q;
  EXCEPTION WHEN query_canceled THEN
    RETURN extract(epoch FROM clock_timestamp() - t0);
  END;
  RETURN -1;
END $$;

-- 20 000 rows of 300 features: every Newton pass is about 10^9 operations,
-- so the timeout lands inside the solver, not while rows are collected.
CREATE TEMP TABLE wide AS
SELECT i, ARRAY(SELECT sin(i * k + k) FROM generate_series(1, 300) k)::float8[] AS x, i % 3 = 0 AS y
FROM generate_series(1, 20000) i;

SET LOCAL statement_timeout = '500ms';
SELECT ok(s > 0 AND s < 1.5, format('retention_train inside the Newton solver: cancelled %s s after it started (timeout 0.5 s)', round(s::numeric, 2)))
FROM pg_temp.seconds_until_cancelled($$SELECT retention_train(x, y, '{"l2": 1}') FROM wide$$) s;
SELECT ok(s > 0 AND s < 1.5, format('retention_train collecting millions of rows is cancelled %s s after it started', round(s::numeric, 2)))
FROM pg_temp.seconds_until_cancelled(
  $$SELECT retention_train(ARRAY[sin(i), cos(i), i % 7], i % 3 = 0) FROM generate_series(1, 100000000) i$$) s;
SELECT ok(s > 0 AND s < 1.5, format('retention_auc over millions of rows is cancelled %s s after it started', round(s::numeric, 2)))
FROM pg_temp.seconds_until_cancelled(
  $$SELECT retention_auc(sin(i), i % 3 = 0) FROM generate_series(1, 100000000) i$$) s;
SELECT ok(s > 0 AND s < 1.5, format('engagement_summary over millions of events is cancelled %s s after it started', round(s::numeric, 2)))
FROM pg_temp.seconds_until_cancelled(
  $$SELECT engagement_summary(timestamptz '2020-01-01' + i * interval '1 minute', timestamptz '2030-01-01') FROM generate_series(1, 100000000) i$$) s;
SELECT ok(s > 0 AND s < 1.5, format('retention_demo_activity is cancelled %s s after it started', round(s::numeric, 2)))
FROM pg_temp.seconds_until_cancelled($$SELECT count(*) FROM retention_demo_activity(5000000)$$) s;
SELECT ok(s > 0 AND s < 1.5, format('retention_demo_members is cancelled %s s after it started', round(s::numeric, 2)))
FROM pg_temp.seconds_until_cancelled($$SELECT count(*) FROM retention_demo_members(100000000)$$) s;
-- 1000 groups and 300 000 event times: the log-rank's O(k) work per time and
-- its (k-1)^3 solve take about 3 s uncancelled, so the timeout lands in its
-- final function.
SELECT ok(s > 0 AND s < 1.5, format('retention_logrank of 1000 groups is cancelled %s s after it started', round(s::numeric, 2)))
FROM pg_temp.seconds_until_cancelled(
  $$SELECT retention_logrank(i::float8, true, (i % 1000)::text) FROM generate_series(1, 300000) i$$) s;


-- A condition of 63 MB of text (240 000 comparisons of a 255-byte quoted
-- name, in four ORs of 60 001): reading it takes about 0.9 s here and
-- printing it 0.7 s; the parser and printer check for interrupts every
-- megabyte of text. Before the parser sees the text, PostgreSQL fetches and
-- decompresses the 63 MB from the table and copies them (the text-to-
-- condition cast goes through text output), which nothing interrupts: about
-- 0.4 s of the 0.9 here. Absolute times vary with the machine's load, so
-- both are measured in proportion to uncancelled runs (cancel_check.psql):
-- with a timeout at a fifth of a full run, the statement must stop before
-- seven tenths of the slower of a full run just before and one just after
-- (a parser or printer that did not check would run to the end). A burst
-- of load during the cancelled run alone stretches its uninterruptible
-- part, so a check that fails is tried again, up to three times in all.
RESET statement_timeout;
CREATE TEMP TABLE long_text AS
SELECT repeat('(' || repeat('"' || repeat('a', 255) || '" > 1 OR ', 60000) || 'true) OR ', 4) || 'true' AS t;
CREATE TEMP TABLE long_condition AS SELECT t::incentive_condition AS c FROM long_text;
CREATE FUNCTION pg_temp.seconds_to_run(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE
  t0 timestamptz := clock_timestamp();
BEGIN
  EXECUTE q;
  RETURN extract(epoch FROM clock_timestamp() - t0);
END $$;

\set what 'reading 63 MB of condition text'
\set q 'SELECT t::incentive_condition IS NULL FROM long_text'
\set tf 200
\set lim 0.7
\ir cancel_check.psql

\set what 'printing 63 MB of condition text'
\set q 'SELECT length(c::text) FROM long_condition'
\ir cancel_check.psql

-- incentive_match_all over 150,000 distinct conditions of 40 features each,
-- in one call: each is decoded and bound (about 10 us) in a loop that
-- checks for interrupts every 1,024 conditions.  What comes before the loop
-- (PostgreSQL decompressing the array, the copy the call keeps, splitting
-- it into elements) is not interrupted: about two fifths of the call here.
-- Measured as above, with the timeout at half of a full call: the call
-- must stop before three quarters (without the checks it ran to the end).
RESET statement_timeout;
SELECT format('CREATE TEMP TABLE many_cols (%s)', string_agg(format('f%s int', g), ', ')) FROM generate_series(1, 40) g \gexec
INSERT INTO many_cols SELECT * FROM jsonb_populate_record(NULL::many_cols, (SELECT jsonb_object_agg('f' || g, g) FROM generate_series(1, 40) g));
CREATE TEMP TABLE many_conds AS
SELECT array_agg((s || ' AND f1 <> ' || g)::incentive_condition) AS a
FROM (SELECT string_agg(format('f%s > 0', k), ' AND ') AS s FROM generate_series(1, 40) k) t, generate_series(1, 150000) g;
\set what 'incentive_match_all over 150,000 conditions'
\set q 'SELECT incentive_match_all(a, m) FROM many_conds, many_cols m'
\set tf 500
\set lim 0.75
\ir cancel_check.psql
RESET statement_timeout;

SELECT * FROM finish();
ROLLBACK;
