-- The guided demo run by `make demo`.  It grows as the pillars land.
\set ON_ERROR_STOP 1
\pset pager off
CREATE EXTENSION community_retention;
\echo
\echo community_retention is installed:
SELECT extname, extversion FROM pg_extension WHERE extname = 'community_retention';

-- 1. demo community (issue #2)
\echo
\echo 1. A demo community: 5000 members and their last 180 days of activity
SET TimeZone = 'UTC';
CREATE TABLE members  AS SELECT * FROM retention_demo_members(5000);
CREATE TABLE activity AS SELECT * FROM retention_demo_activity(5000);
SELECT plan, count(*) AS members, round(avg(renewed::int), 3) AS renewal_rate
FROM members GROUP BY plan ORDER BY plan;
SELECT kind, count(*) AS events, round(avg(minutes)::numeric, 1) AS avg_minutes
FROM activity GROUP BY kind ORDER BY events DESC;

-- 2. engagement features (issue #5)
\echo
\echo 2. Engagement features as of the reference date, one aggregate per member
CREATE TABLE member_features AS
SELECT m.member_id, m.plan, m.renewed,
       coalesce((s.e).recency_days,
                extract(epoch FROM retention_demo_reference_date() - m.joined_at)::float8 / 86400)
                                                 AS recency_days,
       coalesce((s.e).active_days_30, 0)::float8 AS active_days_30,
       coalesce((s.e).current_streak, 0)::float8 AS current_streak,
       coalesce((s.e).longest_streak, 0)::float8 AS longest_streak,
       coalesce((s.e).decayed_activity, 0)       AS decayed_activity,
       coalesce((s.e).trend, 0)                  AS trend,
       coalesce((s.e).amount_30, 0)              AS minutes_30,
       coalesce((s.e).events, 0)::float8         AS events,
       (m.plan = 'annual')::int::float8          AS annual
FROM members m
LEFT JOIN (SELECT member_id,
                  engagement_summary(occurred_at, retention_demo_reference_date(), minutes) AS e
           FROM activity GROUP BY member_id) s USING (member_id);
SELECT * FROM member_features ORDER BY member_id LIMIT 5;

-- 3. model: train, summary, score, explain (issue #3)
\echo
\echo 3. Train on 70 % of members, summarise, score everyone, explain one member
CREATE TABLE retention_models (
  name       text PRIMARY KEY,
  trained_at timestamptz NOT NULL DEFAULT now(),
  model      retention_model NOT NULL
);
INSERT INTO retention_models (name, model)
SELECT 'demo',
       retention_train(ARRAY[recency_days, active_days_30, current_streak, longest_streak,
                             decayed_activity, trend, minutes_30, events, annual],
                       renewed,
                       '{"features": ["recency_days", "active_days_30", "current_streak", "longest_streak",
                                      "decayed_activity", "trend", "minutes_30", "events", "annual"]}')
FROM member_features
WHERE NOT retention_split(member_id, 0.3);
SELECT feature, round(coefficient::numeric, 4) AS coefficient, round(std_error::numeric, 4) AS std_error,
       round(z_value::numeric, 2) AS z, p_value::numeric(10, 6) AS p_value, round(odds_ratio::numeric, 3) AS odds_ratio
FROM retention_model_summary((SELECT model FROM retention_models WHERE name = 'demo'));
SELECT n_rows, n_retained, iterations, converged, round(log_likelihood::numeric, 2) AS log_likelihood,
       round(aic::numeric, 1) AS aic, round(pseudo_r2::numeric, 3) AS pseudo_r2
FROM retention_model_info((SELECT model FROM retention_models WHERE name = 'demo'));
CREATE VIEW member_scores AS
SELECT f.*, retention_score(m.model, f) AS retention_score
FROM member_features f, retention_models m
WHERE m.name = 'demo';
\echo the five members most at risk
SELECT member_id, plan, round(recency_days::numeric, 1) AS recency_days, active_days_30,
       round(retention_score::numeric, 3) AS retention_score
FROM member_scores ORDER BY retention_score, member_id LIMIT 5;
\echo why is the member most at risk at risk?
SELECT feature, round(value::numeric, 3) AS value, round(coefficient::numeric, 4) AS coefficient,
       round(contribution::numeric, 3) AS contribution
FROM retention_explain((SELECT model FROM retention_models WHERE name = 'demo'),
                       (SELECT f FROM member_features f
                        JOIN member_scores s USING (member_id)
                        ORDER BY s.retention_score, member_id LIMIT 1));

-- 4. evaluation (issue #4)
\echo
\echo 4. Is the model any good? Metrics, calibration and drift on the 30 % it never saw
SELECT retention_split(member_id, 0.3) AS test_set, count(*), round(avg(renewed::int), 3) AS renewal_rate
FROM member_scores GROUP BY 1 ORDER BY 1;
SELECT n, n_positive, round(base_rate::numeric, 3) AS base_rate, round(auc::numeric, 3) AS auc,
       round(log_loss::numeric, 3) AS log_loss, round(brier::numeric, 3) AS brier,
       round(accuracy::numeric, 3) AS accuracy, round(f1::numeric, 3) AS f1, round(mcc::numeric, 3) AS mcc
FROM (SELECT (retention_metrics(retention_score, renewed)).*
      FROM member_scores WHERE retention_split(member_id, 0.3)) m;
SELECT b.bin, round(b.lower::numeric, 1) AS lower, round(b.upper::numeric, 1) AS upper, b.n,
       round(b.mean_score::numeric, 3) AS mean_score, round(b.observed_rate::numeric, 3) AS observed_rate
FROM (SELECT retention_calibration(retention_score, renewed, 10) AS bins
      FROM member_scores WHERE retention_split(member_id, 0.3)) c,
     unnest(c.bins) AS b;
SELECT round(retention_ece(retention_score, renewed, 10)::numeric, 4) AS ece,
       round(retention_score_drift(m.model, s.retention_score)::numeric, 4) AS score_drift_psi
FROM member_scores s, retention_models m
WHERE m.name = 'demo' AND retention_split(s.member_id, 0.3);

-- 5. incentive rules (issue #6)
\echo
\echo 5. Incentive rules as data: who gets which reward tonight
CREATE TABLE incentive_rules (
  name      text PRIMARY KEY,
  condition incentive_condition NOT NULL
            CHECK (incentive_validate(condition, NULL::member_scores)),
  reward    jsonb NOT NULL,
  priority  int NOT NULL DEFAULT 0
);
INSERT INTO incentive_rules VALUES
  ('win_back_lapsing', 'recency_days > 14 AND retention_score < 0.3',
   '{"type": "coupon", "percent_off": 30}', 100),
  ('new_member_high_risk', 'events < 10 AND retention_score < 0.2',
   '{"type": "onboarding_call"}', 90),
  ('annual_renewal_nudge', 'plan = ''annual'' AND NOT renewed AND retention_score BETWEEN 0.2 AND 0.5',
   '{"type": "live_session", "seats": 1}', 80),
  ('broken_streak', 'longest_streak >= 14 AND current_streak = 0 AND trend < 0',
   '{"type": "email", "template": "pick_up_where_you_left"}', 50),
  ('keep_the_streak', 'current_streak >= 7 AND coalesce(trend, 0) >= 0',
   '{"type": "points", "amount": 200}', 10);
\echo a rule that does not type-check is rejected when it is inserted:
DO $$
BEGIN
  INSERT INTO incentive_rules VALUES ('typo', 'plan = 1', '{}', 0);
EXCEPTION WHEN others THEN
  RAISE NOTICE 'rejected (SQLSTATE %): %', SQLSTATE, SQLERRM;
END $$;
CREATE TABLE rewards_granted (
  member_id  bigint NOT NULL,
  rule_name  text NOT NULL REFERENCES incentive_rules,
  reward     jsonb NOT NULL,
  granted_at timestamptz NOT NULL DEFAULT now()
);
-- a reward granted ten days ago keeps member 1 out for 30 days (the cool-down)
INSERT INTO rewards_granted (member_id, rule_name, reward, granted_at)
VALUES (1, 'keep_the_streak', '{"type": "points", "amount": 200}', now() - interval '10 days');
WITH granted AS (
  INSERT INTO rewards_granted (member_id, rule_name, reward)
  SELECT DISTINCT ON (s.member_id) s.member_id, r.name, r.reward
  FROM member_scores s
  JOIN incentive_rules r ON incentive_matches(r.condition, s)
  WHERE NOT EXISTS (SELECT 1 FROM rewards_granted g
                    WHERE g.member_id = s.member_id
                      AND g.granted_at > now() - interval '30 days')
  ORDER BY s.member_id, r.priority DESC, r.name
  RETURNING member_id, rule_name, reward)
SELECT rule_name, count(*) AS members, min(reward::text) AS reward
FROM granted GROUP BY rule_name ORDER BY count(*) DESC;
SELECT member_id, rule_name, reward FROM rewards_granted ORDER BY member_id LIMIT 5;

\echo
\echo 6. Survival: how long do members stay? Kaplan-Meier per plan, median, RMST, log-rank
CREATE TABLE spells AS SELECT * FROM retention_demo_spells(5000);
CREATE TABLE tenure AS
SELECT s.member_id, s.plan, r.duration, r.churned
FROM spells s,
     retention_spell(s.started_at, s.ended_at, retention_demo_reference_date(), 'months') r;
SELECT plan, p."time" AS months, p.at_risk, p.churned, p.censored,
       round(p.survival::numeric, 3) AS survival,
       round(p.lower::numeric, 3) AS lower, round(p.upper::numeric, 3) AS upper
FROM (SELECT plan, retention_km(floor(duration), churned) AS curve
      FROM tenure GROUP BY plan) k,
     unnest(k.curve) p
WHERE p."time" IN (0, 1, 3, 6, 12, 24)
ORDER BY plan, months;
SELECT plan, round(q.quantile::numeric, 1) AS median_months,
       round(r.rmst::numeric, 2) AS months_of_first_24
FROM (SELECT plan, retention_km(duration, churned) AS curve FROM tenure GROUP BY plan) k,
     retention_km_quantile(k.curve) q,
     retention_km_rmst(k.curve, 24) r
ORDER BY plan;
SELECT (retention_logrank(duration, churned, plan)).* FROM tenure;

\echo
\echo demo finished
