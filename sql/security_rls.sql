-- Row-level security: the aggregates see only the rows a role may see.
-- Two coaches share an activity table; a policy shows each coach their own
-- members' events.  The same query gives each coach a different answer.
SET TimeZone = 'UTC';
CREATE ROLE regress_cr_coach_ana;
CREATE ROLE regress_cr_coach_ben;
CREATE TABLE rls_activity (member_id bigint, coach name, occurred_at timestamptz, minutes float8, renewed boolean);
INSERT INTO rls_activity
SELECT i % 40, CASE WHEN i % 40 < 15 THEN 'regress_cr_coach_ana' ELSE 'regress_cr_coach_ben' END,
       timestamptz '2025-12-01 00:00:00+00' + (i % 29) * interval '1 day' + (i % 7) * interval '1 hour',
       (i % 13) + 1, (i % 40) % 3 <> 0
FROM generate_series(1, 2000) i;
ALTER TABLE rls_activity ENABLE ROW LEVEL SECURITY;
CREATE POLICY coach_sees_own ON rls_activity FOR SELECT USING (coach = current_user);
GRANT SELECT ON rls_activity TO regress_cr_coach_ana, regress_cr_coach_ben;

-- the table owner (superuser) sees everything
SELECT count(DISTINCT member_id) AS members, sum(minutes) AS minutes FROM rls_activity;

SET ROLE regress_cr_coach_ana;
SELECT count(*) AS members_seen, min(member_id), max(member_id),
       sum((e).events) AS events, sum((e).active_days) AS active_days
FROM (SELECT member_id, engagement_summary(occurred_at, timestamptz '2026-01-01 00:00:00+00', minutes) AS e
      FROM rls_activity GROUP BY member_id) s;
SELECT n_rows, n_retained FROM retention_model_info(
  (SELECT retention_train(ARRAY[minutes, extract(dow FROM occurred_at)::float8], renewed, '{"l2": 1}') FROM rls_activity));
SELECT retention_auc(minutes / 14.0, renewed) > 0 AS auc_computed, (retention_metrics(minutes / 14.0, renewed)).n FROM rls_activity;
RESET ROLE;

SET ROLE regress_cr_coach_ben;
SELECT count(*) AS members_seen, min(member_id), max(member_id),
       sum((e).events) AS events, sum((e).active_days) AS active_days
FROM (SELECT member_id, engagement_summary(occurred_at, timestamptz '2026-01-01 00:00:00+00', minutes) AS e
      FROM rls_activity GROUP BY member_id) s;
SELECT n_rows, n_retained FROM retention_model_info(
  (SELECT retention_train(ARRAY[minutes, extract(dow FROM occurred_at)::float8], renewed, '{"l2": 1}') FROM rls_activity));
SELECT (retention_metrics(minutes / 14.0, renewed)).n FROM rls_activity;
RESET ROLE;

-- A materialized view holds the rows its owner saw at refresh (README, FAQ
-- "Does row-level security on my tables reach the scoring view?"): a role
-- granted it reads every member, PostgreSQL refuses row-level security on
-- it, and a security_barrier view filtering by the policy's rule is what
-- keeps each coach to their own members.
CREATE MATERIALIZED VIEW rls_scoring AS
SELECT member_id, coach, count(*) AS events FROM rls_activity GROUP BY member_id, coach;
CREATE VIEW rls_my_scoring WITH (security_barrier) AS
SELECT * FROM rls_scoring WHERE coach = current_user;
GRANT SELECT ON rls_scoring, rls_my_scoring TO regress_cr_coach_ana;
\set VERBOSITY terse
ALTER TABLE rls_scoring ENABLE ROW LEVEL SECURITY;
\set VERBOSITY default
SET ROLE regress_cr_coach_ana;
SELECT count(*) AS members_in_table FROM (SELECT DISTINCT member_id FROM rls_activity) s;
SELECT count(*) AS members_in_matview, count(DISTINCT coach) AS coaches FROM rls_scoring;
SELECT count(*) AS members_in_barrier_view, count(DISTINCT coach) AS coaches FROM rls_my_scoring;
RESET ROLE;
DROP VIEW rls_my_scoring;
DROP MATERIALIZED VIEW rls_scoring;

DROP TABLE rls_activity;
DROP ROLE regress_cr_coach_ana;
DROP ROLE regress_cr_coach_ben;
