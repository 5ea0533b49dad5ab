-- Every aggregate over 1M groups, four times in one backend.  The first run
-- warms the caches.  After runs 2, 3 and 4 this prints the bytes held by the
-- backend's memory contexts (exact: a leak into a long-lived context shows as
-- growth) and its anonymous RSS.  RSS alone is not exact: glibc keeps freed
-- heap memory that a later allocation pins, so it can step up once by tens of
-- megabytes with nothing leaked; run.sh fails on RSS only when it grows in
-- both steps, as a leak of a chunk per group (16 MB per run) does.
\set ON_ERROR_STOP 1
SELECT pg_backend_pid() AS pid \gset
\setenv CR_PID :pid
\set QUIET on
SET max_parallel_workers_per_gather = 0;
SET work_mem = '64MB';
CREATE TEMP VIEW all_aggregates_1m AS
SELECT count(*) AS groups, count(m) AS models, count(a) AS aucs, count(mt) AS metrics,
       count(c) AS calibrations, count(ece) AS eces, count(e) AS summaries,
       count(dc) AS decays, count(p) AS periods, count(d) AS drifts
FROM (SELECT g,
             retention_train(x, y, '{"l2": 1}') AS m,
             retention_auc(score, y) AS a,
             retention_metrics(score, y) AS mt,
             retention_calibration(score, y, 5) AS c,
             retention_ece(score, y, 5) AS ece,
             engagement_summary(ts, timestamptz '2026-01-01 00:00:00+00', score) AS e,
             engagement_decay(ts, timestamptz '2026-01-01 00:00:00+00', interval '14 days') AS dc,
             engagement_periods(ts, timestamptz '2025-06-01 00:00:00+00', interval '1 month', 6,
                                timestamptz '2026-01-01 00:00:00+00') AS p,
             retention_score_drift((SELECT model FROM retention_models WHERE name = 'demo'), score) AS d
      FROM groups_1m GROUP BY g) s;
CREATE TEMP VIEW context_bytes AS
SELECT sum(total_bytes - free_bytes)::bigint AS used FROM pg_backend_memory_contexts;
SELECT * FROM all_aggregates_1m \gset r1_
SELECT * FROM all_aggregates_1m \gset r2_
SELECT used FROM context_bytes \gset c2_
\echo contexts after run 2: :c2_used
\! "$CR_RSS" "$CR_PID" 'rss after run 2'
SELECT * FROM all_aggregates_1m \gset r3_
SELECT used FROM context_bytes \gset c3_
\echo contexts after run 3: :c3_used
\! "$CR_RSS" "$CR_PID" 'rss after run 3'
SELECT * FROM all_aggregates_1m \gset r4_
SELECT used FROM context_bytes \gset c4_
\echo contexts after run 4: :c4_used
\! "$CR_RSS" "$CR_PID" 'rss after run 4'
\echo groups :r4_groups models :r4_models aucs :r4_aucs summaries :r4_summaries periods :r4_periods drifts :r4_drifts
-- float8[] states held once per group: the executor copies a new pass-by-
-- reference state into the aggregate context itself, so a transition
-- function that built its first state there left a second, unreferenced
-- copy per group until the end of the query.  A hash aggregate's peak
-- memory over 100k groups (EXPLAIN ANALYZE, exact for given sizes) for
-- retention_score_drift (a 32-value state) and the counting pass of
-- retention_newton_step over one feature (50 values), each against
-- retention_calibration with 10 bins, a 31-value state built in per-row
-- memory: equal when each group holds its state once (all three take a
-- chunk of 512 bytes), 1.7 and 1.9 times as much with the second copy.
-- (Over two features the step's state has 63 values since it sums the
-- squares of the features, 528 bytes: a chunk of 1024.)
SET work_mem = '1GB';
SET enable_sort = off;
CREATE FUNCTION pg_temp.hash_peak_kb(q text) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
  plan json;
BEGIN
  EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, FORMAT JSON) ' || q INTO plan;
  IF plan->0->'Plan'->>'Node Type' <> 'Aggregate' OR plan->0->'Plan'->>'Strategy' <> 'Hashed' THEN
    RAISE EXCEPTION 'not a hash aggregate: %', plan;
  END IF;
  RETURN (plan->0->'Plan'->>'Peak Memory Usage')::bigint;
END $$;
SELECT pg_temp.hash_peak_kb('SELECT g, retention_calibration(score, y, 10) FROM groups_1m WHERE g <= 100000 GROUP BY g') AS cal,
       pg_temp.hash_peak_kb('SELECT g, retention_score_drift((SELECT model FROM retention_models WHERE name = ''demo''), score) FROM groups_1m WHERE g <= 100000 GROUP BY g') AS drift,
       pg_temp.hash_peak_kb('SELECT g, retention_newton_step(x[1:1], y, 1.0, ''{0,0}'') FROM groups_1m WHERE g <= 100000 GROUP BY g') AS newton \gset h_
\echo hash peak kB: calibration :h_cal drift :h_drift newton :h_newton
-- States that grow with their group's rows start small: retention_train
-- with room for 8 rows, incentive_uplift_eval for 8 keys of a class, as
-- retention_auc does.  With room for 64 each, 100k groups of two rows took
-- 3.6 times retention_calibration's peak (train) and 2.9 times
-- retention_auc's (uplift); now 1.2 times and the same.
SELECT pg_temp.hash_peak_kb('SELECT g, retention_auc(score, y) FROM groups_1m WHERE g <= 100000 GROUP BY g') AS auc,
       pg_temp.hash_peak_kb('SELECT g, incentive_uplift_eval(score, y, k = 0) FROM groups_1m WHERE g <= 100000 GROUP BY g') AS uplift,
       pg_temp.hash_peak_kb('SELECT g, retention_train(x, y, ''{"l2": 1}'') FROM groups_1m WHERE g <= 100000 GROUP BY g') AS train \gset h_
\echo hash peak kB, growing states: auc :h_auc uplift :h_uplift train :h_train
RESET enable_sort;
RESET work_mem;
