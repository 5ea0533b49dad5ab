-- A database holding every type the extension stores: the demo's models,
-- rule conditions and feature tables (test/scripts/demo.sql), plus tables of
-- engagement composites and evaluation results.  run.sh dumps and restores it
-- (plain and custom formats) and copies each table out and back in binary.
\set QUIET on
\o /dev/null
\ir ../scripts/demo.sql
\o
CREATE TABLE member_engagement AS
SELECT member_id, engagement_summary(occurred_at, retention_demo_reference_date(), minutes) AS e
FROM activity GROUP BY member_id;
CREATE TABLE model_evaluation AS
SELECT retention_split(member_id, 0.3) AS test_set,
       retention_metrics(retention_score, renewed) AS metrics,
       retention_calibration(retention_score, renewed, 10) AS calibration
FROM member_scores GROUP BY 1;
-- a second model, weighted and regularised, with a name that needs quoting
INSERT INTO retention_models (name, model)
SELECT 'weighted "v2"', retention_train(ARRAY[recency_days, active_days_30, annual], renewed, 1 + annual,
                                        '{"l2": 0.5, "features": ["recency_days", "active_days_30", "annual"]}')
FROM member_features;
-- the model registry (an extension configuration table: pg_dump keeps its
-- rows with the extension): the demo's versions of 'demo' plus a name that
-- needs quoting, with a note, metrics and no active version
SELECT retention_model_save('weighted "v2"', model, '{"l2": 0.5}', E'a note\nover two lines')
FROM retention_models WHERE name = 'weighted "v2"';
