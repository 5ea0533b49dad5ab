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
SET TimeZone = 'UTC'; SET DateStyle = 'ISO, MDY'; SET extra_float_digits = 1;
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
  priority  int NOT NULL DEFAULT 0,
  CONSTRAINT rules_do_not_read_the_outcome
            CHECK (NOT incentive_features(condition) && ARRAY['renewed'])
);
INSERT INTO incentive_rules VALUES
  ('new_member_high_risk', 'events < 10 AND retention_score < 0.2',
   '{"type": "onboarding_call"}', 110),
  ('win_back_lapsing', 'recency_days > 14 AND retention_score < 0.3',
   '{"type": "coupon", "percent_off": 30}', 100),
  ('annual_renewal_nudge', 'plan = ''annual'' AND retention_score BETWEEN 0.2 AND 0.5',
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

-- 6. scheduled scoring (issue #13); pg_cron runs these statements nightly
\echo
\echo 6. Scheduled scoring: a model registry, a scoring view, a nightly retrain and a drift check
SELECT retention_model_save('demo', model,
                            jsonb_build_object('holdout_auc',
                              (SELECT retention_auc(retention_score, renewed) FROM member_scores
                               WHERE retention_split(member_id, 0.3))),
                            'trained in step 3') AS version
FROM retention_models WHERE name = 'demo';
SELECT retention_model_activate('demo', 1);
SELECT name, version, active, metrics, note FROM retention_model_registry ORDER BY name, version;
CREATE MATERIALIZED VIEW member_scoring AS
SELECT s.member_id, s.plan, s.renewed, s.recency_days, s.active_days_30, s.current_streak,
       s.trend, s.retention_score, s.model_version,
       rfm_segment(ntile(5) OVER (ORDER BY s.recency_days DESC, s.member_id),
                   ntile(5) OVER (ORDER BY s.events, s.member_id),
                   ntile(5) OVER (ORDER BY s.minutes_30, s.member_id)) AS segment,
       ARRAY(SELECT r.name FROM incentive_rules r
             WHERE incentive_matches(r.condition, s)
             ORDER BY r.priority DESC, r.name) AS incentives,
       now() AS scored_at
FROM (SELECT f.*, retention_score((SELECT retention_model_active('demo')), f) AS retention_score,
             (SELECT version FROM retention_model_registry
              WHERE name = 'demo' AND active) AS model_version
      FROM member_features f) s;
CREATE UNIQUE INDEX ON member_scoring (member_id);
\echo the five members most at risk, their segment and the rules they match
SELECT member_id, plan, round(retention_score::numeric, 3) AS retention_score, model_version, segment, incentives
FROM member_scoring ORDER BY retention_score, member_id LIMIT 5;
CREATE FUNCTION retrain_demo() RETURNS text LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
DECLARE
  candidate  retention_model;
  new_auc    float8;
  active_auc float8;
  v          int;
BEGIN
  -- train on the training side of the split, as in step 3
  SELECT retention_train(ARRAY[recency_days, active_days_30, current_streak, longest_streak,
                               decayed_activity, trend, minutes_30, events, annual],
                         renewed,
                         '{"features": ["recency_days", "active_days_30", "current_streak", "longest_streak",
                                        "decayed_activity", "trend", "minutes_30", "events", "annual"]}')
  INTO candidate
  FROM member_features WHERE NOT retention_split(member_id, 0.3);
  -- both models judged on tonight's holdout members
  SELECT retention_auc(retention_score(candidate, f), f.renewed) INTO new_auc
  FROM member_features f WHERE retention_split(f.member_id, 0.3);
  -- from here to the activation, hold the lock that retention_model_save and
  -- retention_model_activate take on the name: a version activated meanwhile
  -- (a roll-back by hand, another run) is then the one compared with
  PERFORM pg_advisory_xact_lock('retention_model_registry'::regclass::oid::int, hashtext('demo'));
  IF EXISTS (SELECT 1 FROM retention_model_registry WHERE name = 'demo' AND active) THEN
    SELECT retention_auc(retention_score((SELECT retention_model_active('demo')), f), f.renewed) INTO active_auc
    FROM member_features f WHERE retention_split(f.member_id, 0.3);
  END IF;
  v := retention_model_save('demo', candidate,
                            jsonb_build_object('holdout_auc', new_auc, 'active_holdout_auc', active_auc),
                            'nightly retrain');
  IF active_auc IS NULL OR new_auc >= active_auc THEN
    PERFORM retention_model_activate('demo', v);
    RETURN format('version %s activated (holdout AUC %s, was %s)', v, round(new_auc::numeric, 4), round(active_auc::numeric, 4));
  END IF;
  RETURN format('version %s saved, not activated (holdout AUC %s < %s)', v, round(new_auc::numeric, 4), round(active_auc::numeric, 4));
END $$;
\echo the nightly retrain: the new version is activated only if its holdout AUC is not worse
SELECT retrain_demo();
REFRESH MATERIALIZED VIEW CONCURRENTLY member_scoring;

SELECT r.version, r.active, r.note, round((r.metrics->>'holdout_auc')::numeric, 4) AS holdout_auc,
       (SELECT count(*) FROM member_scoring s WHERE s.model_version = r.version) AS members_scored
FROM retention_model_registry r WHERE r.name = 'demo' ORDER BY r.version;
CREATE TABLE score_drift_alerts (
  checked_at    timestamptz NOT NULL DEFAULT now(),
  model_name    text NOT NULL,
  model_version int NOT NULL,
  psi           float8 NOT NULL,
  threshold     float8 NOT NULL
);

CREATE FUNCTION check_score_drift(threshold float8) RETURNS float8 LANGUAGE plpgsql
SET search_path = public, pg_temp AS $$
DECLARE
  v   int;
  psi float8;
BEGIN
  -- NULL, NaN or infinity would never fire (PostgreSQL sorts NaN above infinity)
  IF threshold IS NULL OR NOT (threshold >= 0 AND threshold < 'Infinity') THEN
    RAISE EXCEPTION 'drift threshold must be a finite number >= 0, not %', coalesce(threshold::text, 'NULL')
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  -- the scores in the view against the training scores of the version that made them
  SELECT s.model_version, retention_score_drift(r.model, s.retention_score) INTO v, psi
  FROM member_scoring s
  JOIN retention_model_registry r ON r.name = 'demo' AND r.version = s.model_version
  GROUP BY s.model_version;
  IF psi IS NULL THEN
    RAISE EXCEPTION 'no scores to check for drift'
      USING ERRCODE = 'no_data_found',
            DETAIL = 'member_scoring is empty, or the version that made its scores is no longer in the registry.';
  END IF;
  IF psi > threshold THEN
    INSERT INTO score_drift_alerts (model_name, model_version, psi, threshold)
    VALUES ('demo', v, psi, threshold);
  END IF;
  RETURN psi;
END $$;
\echo drift against the threshold 0.1, then a deliberately strict 0.0001 that records an alert
SELECT round(check_score_drift(0.1)::numeric, 4) AS psi_against_0_1,
       (SELECT count(*) FROM score_drift_alerts) AS alerts;
SELECT round(check_score_drift(0.0001)::numeric, 4) AS psi_against_0_0001;
SELECT model_name, model_version, round(psi::numeric, 4) AS psi, threshold FROM score_drift_alerts;
\echo rolling back: activate version 1 again; the view follows at its next refresh
SELECT retention_model_activate('demo', 1);
REFRESH MATERIALIZED VIEW CONCURRENTLY member_scoring;
SELECT model_version, count(*) AS members FROM member_scoring GROUP BY model_version;
-- 7. experiments: did the coupon work, and for whom? (issue #15)
\echo
\echo 7. The demo coupon experiment: the effect per segment, CUPED, planning, uplift targeting
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
\echo 8. Survival: how long do members stay? Kaplan-Meier per plan, median, RMST, log-rank
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
