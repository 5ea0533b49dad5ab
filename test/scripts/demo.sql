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

-- 6. experiments: did the coupon work, and for whom? (issue #15)
\echo
\echo 6. The demo coupon experiment: the effect per segment, CUPED, planning, uplift targeting
CREATE TABLE coupon_experiment AS SELECT * FROM retention_demo_experiment(5000);

SELECT treated, count(*) AS members, round(avg(renewed::int), 3) AS renewal_rate,
       bool_and(treated = (incentive_assign(member_id, 'demo_coupon', '{0.5,0.5}') = 2)) AS arm_is_the_hash
FROM coupon_experiment GROUP BY treated ORDER BY treated;

SELECT segment, (r).n_control, (r).n_treated, round((r).rate_control::numeric, 3) AS rate_control,
       round((r).rate_treated::numeric, 3) AS rate_treated, round((r).difference::numeric, 3) AS difference,
       round((r).newcombe_lower::numeric, 3) AS lower, round((r).newcombe_upper::numeric, 3) AS upper,
       round((r).p_value::numeric, 4) AS p_value
FROM (SELECT CASE WHEN f.trend < 0 THEN 'active days falling' ELSE 'steady or rising' END AS segment,
             incentive_ab(e.treated, e.renewed) AS r
      FROM coupon_experiment e JOIN member_features f USING (member_id)
      GROUP BY 1
      UNION ALL
      SELECT 'everyone', incentive_ab(treated, renewed) FROM coupon_experiment) s
ORDER BY segment;

SELECT round((r).difference::numeric, 4) AS difference,
       round((r).wald_lower::numeric, 4) AS lower, round((r).wald_upper::numeric, 4) AS upper,
       round((r).cuped_difference::numeric, 4) AS cuped_difference,
       round((r).cuped_lower::numeric, 4) AS cuped_lower, round((r).cuped_upper::numeric, 4) AS cuped_upper,
       round((r).variance_reduction::numeric, 3) AS variance_reduction
FROM (SELECT incentive_ab_cuped(e.treated, e.renewed, f.active_days_30) AS r
      FROM coupon_experiment e JOIN member_features f USING (member_id)) s;

SELECT incentive_sample_size(0.68, 0.03) AS members_per_arm,
       round(incentive_power(0.68, 0.03, 2500)::numeric, 3) AS power_with_2500;

CREATE TABLE uplift_models AS
SELECT retention_train(ARRAY[recency_days, active_days_30, decayed_activity, trend, annual], e.renewed,
         '{"features": ["recency_days", "active_days_30", "decayed_activity", "trend", "annual"]}')
         FILTER (WHERE e.treated) AS treated_model,
       retention_train(ARRAY[recency_days, active_days_30, decayed_activity, trend, annual], e.renewed,
         '{"features": ["recency_days", "active_days_30", "decayed_activity", "trend", "annual"]}')
         FILTER (WHERE NOT e.treated) AS control_model
FROM coupon_experiment e JOIN member_features f USING (member_id)
WHERE NOT retention_split(member_id, 0.5, 7);

CREATE TABLE coupon_holdout AS
SELECT e.*, s.retention_score, retention_uplift(u.treated_model, u.control_model, s) AS uplift
FROM coupon_experiment e JOIN member_scores s USING (member_id), uplift_models u
WHERE retention_split(member_id, 0.5, 7);

SELECT ranking, (r).n, round((r).qini_coefficient::numeric, 3) AS qini,
       round((r).uplift_auc::numeric, 3) AS uplift_auc, round((r).uplift_at_k::numeric, 3) AS uplift_top_20
FROM (SELECT 'by predicted uplift' AS ranking, incentive_uplift_eval(uplift, treated, renewed, 0.2) AS r FROM coupon_holdout
      UNION ALL
      SELECT 'by lowest retention score', incentive_uplift_eval(-retention_score, treated, renewed, 0.2) FROM coupon_holdout) s
ORDER BY ranking DESC;

WITH ranked AS (
  SELECT *, ntile(5) OVER (ORDER BY uplift DESC, member_id) AS by_uplift,
            ntile(5) OVER (ORDER BY retention_score, member_id) AS by_risk
  FROM coupon_holdout)
SELECT policy, count(*) FILTER (WHERE coupon) AS coupons,
       sum(CASE WHEN coupon THEN renewed_if_treated ELSE renewed_if_control END::int) AS retained
FROM (SELECT 'no coupons' AS policy, false AS coupon, * FROM ranked
      UNION ALL SELECT 'top 20 % by predicted uplift', by_uplift = 1, * FROM ranked
      UNION ALL SELECT '20 % with the lowest retention score', by_risk = 1, * FROM ranked
      UNION ALL SELECT 'coupons for everyone', true, * FROM ranked) p
GROUP BY policy ORDER BY retained DESC, policy;

\echo
\echo demo finished
