-- Every aggregate over 1M groups, three times in one backend; run.sh checks
-- that the backend's memory after the third run is where it was after the first.
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
SELECT * FROM all_aggregates_1m \gset r1_
\! "$CR_RSS" "$CR_PID" 'rss after run 1'
SELECT * FROM all_aggregates_1m \gset r2_
SELECT * FROM all_aggregates_1m \gset r3_
\! "$CR_RSS" "$CR_PID" 'rss after run 3'
\echo groups :r3_groups models :r3_models aucs :r3_aucs summaries :r3_summaries periods :r3_periods drifts :r3_drifts
