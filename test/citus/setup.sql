-- The demo community on the Citus cluster: members and activity distributed
-- (co-located) by member_id, and the same rows in plain coordinator tables
-- (*_local) as the single-node reference.
SET TimeZone = 'UTC';
SET client_min_messages = warning;
SET citus.shard_count = 8;

CREATE TABLE members_local AS SELECT * FROM retention_demo_members(1500);
CREATE TABLE activity_local AS SELECT * FROM retention_demo_activity(1500);

CREATE TABLE members (LIKE members_local);
CREATE TABLE activity (LIKE activity_local);
SELECT create_distributed_table('members', 'member_id');
SELECT create_distributed_table('activity', 'member_id', colocate_with => 'members');
INSERT INTO members SELECT * FROM members_local;
INSERT INTO activity SELECT * FROM activity_local;

-- Per-member features as in the README's step 2: grouped by member_id, so
-- the whole query runs on the workers.
CREATE FUNCTION features_query(m text, a text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
SELECT format($q$
SELECT m.member_id, m.plan, m.renewed,
       coalesce((s.e).recency_days,
                extract(epoch FROM retention_demo_reference_date() - m.joined_at)::float8 / 86400) AS recency_days,
       coalesce((s.e).active_days_30, 0)::float8 AS active_days_30,
       coalesce((s.e).current_streak, 0)::float8 AS current_streak,
       coalesce((s.e).decayed_activity, 0)       AS decayed_activity,
       coalesce((s.e).trend, 0)                  AS trend,
       (m.plan = 'annual')::int::float8          AS annual
FROM %1$I m
LEFT JOIN (SELECT member_id,
                  engagement_summary(occurred_at, retention_demo_reference_date(), minutes) AS e
           FROM %2$I GROUP BY member_id) s USING (member_id)
$q$, m, a) $$;

DO $$ BEGIN
    EXECUTE 'CREATE TABLE member_features_local AS ' || features_query('members_local', 'activity_local');
    EXECUTE 'CREATE TABLE member_features AS SELECT * FROM member_features_local WHERE false';
    PERFORM create_distributed_table('member_features', 'member_id', colocate_with => 'members');
    EXECUTE 'INSERT INTO member_features ' || features_query('members', 'activity');
END $$;

CREATE TABLE retention_models (name text PRIMARY KEY, model retention_model NOT NULL);
SELECT create_reference_table('retention_models');
INSERT INTO retention_models
SELECT 'demo', retention_train(ARRAY[recency_days, active_days_30, current_streak, decayed_activity, trend, annual],
                               renewed,
                               '{"features": ["recency_days", "active_days_30", "current_streak",
                                              "decayed_activity", "trend", "annual"]}')
FROM member_features_local;

CREATE TABLE scores_local AS
SELECT f.member_id, f.plan, f.renewed, retention_score(m.model, f) AS score
FROM member_features_local f, retention_models m WHERE m.name = 'demo';
CREATE TABLE scores (LIKE scores_local);
SELECT create_distributed_table('scores', 'member_id', colocate_with => 'members');
INSERT INTO scores SELECT * FROM scores_local;

-- The rows of the aggregates below retention_newton_step in the README's
-- Citus table: an experiment (the demo's, with the scores as uplift), the
-- demo's subscription spells as durations, and every member's lifetime
-- summary of the activity (minutes as the amount).
CREATE TABLE experiment_local AS
SELECT e.member_id, e.treated, e.renewed, s.score, s.score - 0.5 AS uplift, s.plan
FROM retention_demo_experiment(1500) e JOIN scores_local s USING (member_id);
CREATE TABLE experiment (LIKE experiment_local);
SELECT create_distributed_table('experiment', 'member_id', colocate_with => 'members');
INSERT INTO experiment SELECT * FROM experiment_local;

CREATE TABLE spells_local AS
SELECT member_id, plan,
       extract(epoch FROM coalesce(ended_at, retention_demo_reference_date()) - started_at) / 86400 AS duration,
       ended_at IS NOT NULL AS churned
FROM retention_demo_spells(1500);
CREATE TABLE spells (LIKE spells_local);
SELECT create_distributed_table('spells', 'member_id', colocate_with => 'members');
INSERT INTO spells SELECT * FROM spells_local;

-- Purchases for bgnbd_fit and gammagamma_fit: the README's shop of step 9
-- (1500 customers, numbered as the members).
\ir ../data/shop_purchases.sql
ALTER TABLE shop_purchases_local RENAME TO purchases_local;
CREATE TABLE purchases (LIKE purchases_local);
SELECT create_distributed_table('purchases', 'member_id', colocate_with => 'members');
INSERT INTO purchases SELECT * FROM purchases_local;
