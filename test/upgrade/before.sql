-- Run under 1.0, before ALTER EXTENSION ... UPDATE: store what users store
-- (models, conditions, engagement composites) and the answers 1.0 gave.
SET TimeZone = 'UTC';
CREATE TABLE up_members AS SELECT * FROM retention_demo_members(800);
CREATE TABLE up_activity AS SELECT * FROM retention_demo_activity(800, 60);
CREATE TABLE up_features AS
SELECT m.member_id, m.renewed, m.plan,
       (engagement_summary(a.occurred_at, retention_demo_reference_date(), a.minutes)) AS e
FROM up_members m JOIN up_activity a USING (member_id)
GROUP BY m.member_id, m.renewed, m.plan;
CREATE TABLE up_models AS
SELECT plan, retention_train(ARRAY[(e).active_days_30, (e).recency_days, (e).decayed_activity],
                             renewed, '{"features": ["active_days_30", "recency_days", "decayed_activity"], "l2": 0.5}') AS model
FROM up_features GROUP BY plan;
CREATE TABLE up_rules (id int PRIMARY KEY, cond incentive_condition NOT NULL);
INSERT INTO up_rules VALUES
  (1, 'active_days_30 >= 10 AND recency_days < 3'),
  (2, 'round(decayed_activity, 1) BETWEEN 0.5 AND 4 OR active_days_30 IN (0, 1)'),
  (3, 'coalesce(recency_days, 99) > 14');
-- 1.0's answers, kept as text with full precision
CREATE TABLE up_answers_1_0 AS
SELECT f.member_id, mo.plan,
       retention_score(mo.model, ARRAY[(f.e).active_days_30, (f.e).recency_days, (f.e).decayed_activity])::text AS score,
       (SELECT array_agg(r.id ORDER BY r.id) FROM up_rules r
         WHERE incentive_matches(r.cond, (SELECT x FROM (SELECT (f.e).active_days_30::float8 AS active_days_30,
                 (f.e).recency_days, (f.e).decayed_activity) x))) AS rules
FROM up_features f JOIN up_models mo USING (plan);
CREATE TABLE up_text_1_0 AS
SELECT 'model ' || plan AS what, model::text AS txt FROM up_models
UNION ALL SELECT 'rule ' || id, cond::text FROM up_rules;
