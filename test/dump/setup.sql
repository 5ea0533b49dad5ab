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
-- buyer models (composites) and the summaries they score, from live-session purchases
CREATE TABLE buyer_history AS
SELECT member_id, lifetime_summary(occurred_at, retention_demo_reference_date(), 10 + round(minutes)::float8, '7 days') AS s
FROM activity WHERE kind = 'live_session' GROUP BY member_id;
CREATE TABLE buyer_models AS
SELECT '(0.243,4.414,0.793,2.426,-9582.4,0.0126,0.378,0.186,0.705,2357,0)'::bgnbd_model AS bg,
       '(6.25,3.74,15.44,-4055.9,1.19,0.29,4.16,946,1411)'::gammagamma_model AS gg;
-- conditions whose canonical text is longer than 64 kB (pg_dump writes them
-- as text; 1.1 before this test could not read such text back), and one
-- with round(x, 2.5), which 1.0 stored and a 1.1 review had made unreadable
-- by text and binary input
CREATE TABLE long_rules (name text PRIMARY KEY, condition incentive_condition NOT NULL);
INSERT INTO long_rules VALUES
  ('in list', ('x IN (' || (SELECT string_agg((g % 10)::text, ',') FROM generate_series(1, 32000) g) || ')')::incentive_condition),
  ('jsonlogic string', jsonb_build_object('==', jsonb_build_array(jsonb_build_object('var', 's'), repeat('x', 70000)))::incentive_condition),
  ('jsonlogic in', jsonb_build_object('in', jsonb_build_array(jsonb_build_object('var', 'x'), (SELECT jsonb_agg(g) FROM generate_series(1, 20000) g)))::incentive_condition),
  ('round half digits', 'round(x, 2.5) > 1');
