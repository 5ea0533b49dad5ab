-- Every aggregate over 1M groups, three times in one backend; run.sh checks
-- that the backend's memory after the third run is where it was after the first.
\set ON_ERROR_STOP 1
SELECT pg_backend_pid() AS pid \gset
\setenv CR_PID :pid
\set QUIET on
SET max_parallel_workers_per_gather = 0;
SET work_mem = '64MB';
SELECT count(*) AS groups,
       count(m) AS models, sum(a) AS auc_sum, count(mt) AS metrics, count(c) AS calibrations,
       sum(ece) AS ece_sum, count(e) AS summaries, sum(dc) AS decay_sum, count(p) AS periods,
       count(d) AS drifts
FROM (SELECT g,
             retention_train(x, y, '{"l2": 1}') AS m,
             retention_auc(score, y) AS a,
             retention_metrics(score, y) AS mt,
             retention_calibration(score, y, 5) AS c,
             retention_ece(score, y, 5) AS ece,
             engagement_summary(ts, timestamptz '2026-01-01 00:00:00+00', score) AS e,
             engagement_decay(ts, timestamptz '2026-01-01 00:00:00+00', interval '14 days') AS dc,
             engagement_periods(ts, timestamptz '2025-06-01 00:00:00+00', interval '1 month', 6, timestamptz '2026-01-01 00:00:00+00') AS p,
             retention_score_drift((SELECT model FROM retention_models WHERE name = 'demo'), score) AS d
      FROM groups_1m GROUP BY g) s \gset r1_
\! "$CR_RSS" "$CR_PID" 'rss after run 1'
SELECT count(*) FROM (SELECT g, retention_train(x, y, '{"l2": 1}'), retention_auc(score, y), retention_metrics(score, y),
       retention_calibration(score, y, 5), retention_ece(score, y, 5),
       engagement_summary(ts, timestamptz '2026-01-01 00:00:00+00', score),
       engagement_decay(ts, timestamptz '2026-01-01 00:00:00+00', interval '14 days'),
       engagement_periods(ts, timestamptz '2025-06-01 00:00:00+00', interval '1 month', 6, timestamptz '2026-01-01 00:00:00+00'),
       retention_score_drift((SELECT model FROM retention_models WHERE name = 'demo'), score)
      FROM groups_1m GROUP BY g) s \gset r2_
SELECT count(*) FROM (SELECT g, retention_train(x, y, '{"l2": 1}'), retention_auc(score, y), retention_metrics(score, y),
       retention_calibration(score, y, 5), retention_ece(score, y, 5),
       engagement_summary(ts, timestamptz '2026-01-01 00:00:00+00', score),
       engagement_decay(ts, timestamptz '2026-01-01 00:00:00+00', interval '14 days'),
       engagement_periods(ts, timestamptz '2025-06-01 00:00:00+00', interval '1 month', 6, timestamptz '2026-01-01 00:00:00+00'),
       retention_score_drift((SELECT model FROM retention_models WHERE name = 'demo'), score)
      FROM groups_1m GROUP BY g) s \gset r3_
\! "$CR_RSS" "$CR_PID" 'rss after run 3'
\echo groups :r1_groups models :r1_models summaries :r1_summaries drifts :r1_drifts
