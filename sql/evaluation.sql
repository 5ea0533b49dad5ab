-- Evaluation (issue 4): exact outputs and error messages.
\set SHOW_CONTEXT never
SET extra_float_digits = 0;
CREATE TEMP TABLE ev(member_id bigint, score float8, renewed boolean, plan text);
INSERT INTO ev VALUES
  (1, 0.10, false, 'basic'), (2, 0.40, false, 'basic'), (3, 0.35, true, 'basic'),
  (4, 0.80, true, 'basic'), (5, 0.80, false, 'pro'), (6, 0.95, true, 'pro'),
  (7, 0.20, false, 'pro'), (8, 0.60, true, 'pro'),
  (9, NULL, true, 'pro'), (10, 0.5, NULL, 'pro');

-- AUC: ties count one half; NULL rows are skipped; one class gives NULL
SELECT retention_auc(score, renewed) FROM ev;
SELECT plan, retention_auc(score, renewed) FROM ev GROUP BY plan ORDER BY plan;
SELECT retention_auc(score, true) AS one_class, retention_auc(NULL, renewed) AS no_scores FROM ev;
SELECT retention_auc(score, renewed) FROM ev WHERE false;
SELECT retention_auc(x, x > 0) AS logits_are_fine FROM (VALUES (-3.5), (2.0), ('-Infinity'), ('Infinity')) v(x);

-- as window aggregates: the final function sorts the stored scores in place,
-- which must not disturb later rows of a running frame
SELECT i, retention_auc(s, l) OVER (ORDER BY i) AS running,
       retention_auc(s, l) OVER (ORDER BY i ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS moving,
       retention_ece(s, l, 2) OVER (ORDER BY i) AS running_ece
FROM (VALUES (1, 0.1, false), (2, 0.4, false), (3, 0.35, true), (4, 0.8, true), (5, 0.2, true), (6, 0.9, false)) v(i, s, l);

-- metrics at the default threshold 0.5 and at 0.7
SELECT (retention_metrics(score, renewed)).* FROM ev;
SELECT (retention_metrics(score, renewed, 0.7)).* FROM ev;
SELECT (retention_metrics(score, renewed, 2)).* FROM ev;
SELECT retention_metrics(score, renewed) FROM ev WHERE false;

-- calibration: equal-width bins, empty bins kept, 1.0 in the last bin
SELECT (unnest(retention_calibration(score, renewed, 4))).* FROM ev;
SELECT (unnest(retention_calibration(s, true, 3))).* FROM (VALUES (0.0), (1.0)) v(s);
SELECT retention_ece(score, renewed, 4) FROM ev;
SELECT plan, retention_ece(score, renewed, 2) FROM ev GROUP BY plan ORDER BY plan;

-- retention_split: deterministic, NULL key gives NULL
SELECT member_id, retention_split(member_id, 0.3) AS test,
       retention_split(member_id::text, 0.3) AS test_text,
       retention_split(member_id, 0.3, 1) AS test_seed1
FROM ev ORDER BY member_id;
SELECT retention_split(NULL::bigint, 0.3), retention_split(1, 0), retention_split(1, 1);

-- errors
SELECT retention_auc(s, true) FROM (VALUES ('NaN'::float8)) v(s);
SELECT retention_metrics(s, true) FROM (VALUES (1.5::float8)) v(s);
SELECT retention_metrics(s, false) FROM (VALUES ('NaN'::float8)) v(s);
SELECT retention_metrics(s, true, 'NaN') FROM (VALUES (0.5::float8)) v(s);
SELECT retention_metrics(s, true, NULL) FROM (VALUES (0.5::float8)) v(s);
SELECT retention_metrics(score, renewed, member_id / 10.0) FROM ev;
SELECT retention_calibration(s, true, 0) FROM (VALUES (0.5::float8)) v(s);
SELECT retention_ece(s, true, 1001) FROM (VALUES (0.5::float8)) v(s);
SELECT retention_calibration(s, true, NULL) FROM (VALUES (0.5::float8)) v(s);
SELECT retention_calibration(score, renewed, member_id::int) FROM ev;
SELECT retention_calibration(s, true, 10) FROM (VALUES (-0.01::float8)) v(s);
SELECT retention_split(1, 1.5);
SELECT retention_split('a'::text, -0.1);
SELECT retention_split(1, 'NaN');
SET community_retention.max_train_memory = '1MB';
SELECT retention_auc(g::float8, g % 2 = 0) FROM generate_series(1, 200000) g;
RESET community_retention.max_train_memory;

-- support functions cannot be abused from SQL
SELECT retention_calibration_transfn('{5}', 0.5, true, 10);
SELECT retention_calibration_transfn('{2,0,0,0,0,0,0}', 0.5, true, 3);
SELECT retention_calibration_transfn(NULL, 0.7, true, 2);
