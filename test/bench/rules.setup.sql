-- Incentive rules benchmark data (issue #6): :scale million member feature
-- rows (deterministic, with NULLs) and a table of 20 rules.  Used by
-- rules.a.sql (incentive_matches), rules.b.sql (the same rules as hand-written
-- SQL) and rules.c.sh (json-rules-engine in Node).
DROP TABLE IF EXISTS rules_members;
DROP TABLE IF EXISTS rules_rules;

CREATE TABLE rules_members AS
SELECT i::bigint AS member_id,
       CASE WHEN h1 % 3 = 0 THEN 'annual' ELSE 'monthly' END AS plan,
       h1 % 7 <> 0 AS renewed,
       (h2 % 90)::int AS recency_days,
       (h3 % 31)::int AS active_days_30,
       (h4 % 15)::int AS current_streak,
       (h4 % 15 + h5 % 40)::int AS longest_streak,
       round((h5 % 2000) / 100.0, 2)::float8 AS decayed_activity,
       CASE WHEN h6 % 20 = 0 THEN NULL ELSE ((h6 % 201) - 100) / 100.0 END::float8 AS trend,
       ((h2 * 7 + h3) % 900)::float8 AS minutes_30,
       (h3 * 3 % 160)::int AS events,
       CASE WHEN h7 % 50 = 0 THEN NULL ELSE (h7 % 1000) / 1000.0 END::float8 AS retention_score
FROM (SELECT i,
             (hashint4(i) & 2147483647)::bigint AS h1, (hashint4(i + 1000000007) & 2147483647)::bigint AS h2,
             (hashint4(i * 3 + 11) & 2147483647)::bigint AS h3, (hashint4(i * 5 + 17) & 2147483647)::bigint AS h4,
             (hashint4(i * 7 + 23) & 2147483647)::bigint AS h5, (hashint4(i * 11 + 29) & 2147483647)::bigint AS h6,
             (hashint4(i * 13 + 31) & 2147483647)::bigint AS h7
      FROM generate_series(1, (1000000 * :scale)::int) i) s;
ALTER TABLE rules_members ADD PRIMARY KEY (member_id);

CREATE TABLE rules_rules (id int PRIMARY KEY, name text NOT NULL,
                          condition incentive_condition NOT NULL);
INSERT INTO rules_rules VALUES
 (1, 'lapsing_low_score', 'recency_days > 14 AND retention_score < 0.3'),
 (2, 'annual_drifting', 'plan = ''annual'' AND recency_days BETWEEN 20 AND 60'),
 (3, 'week_streak', 'current_streak >= 7'),
 (4, 'broken_long_streak', 'longest_streak >= 30 AND current_streak = 0'),
 (5, 'binge_then_quiet', 'active_days_30 < 3 AND events > 50'),
 (6, 'monthly_at_risk', 'retention_score < 0.2 AND plan = ''monthly'' AND NOT renewed'),
 (7, 'falling_fast', 'trend < -0.5'),
 (8, 'rising_regular', 'decayed_activity > 10 AND trend > 0.2'),
 (9, 'long_sessions', 'minutes_30 / (active_days_30 + 1) > 30'),
 (10, 'middle_risk_away', 'retention_score BETWEEN 0.3 AND 0.5 AND recency_days > 7'),
 (11, 'annual_medium_risk', 'plan IN (''annual'', ''lifetime'') AND retention_score < 0.4'),
 (12, 'cooling_light', 'coalesce(trend, 0) < 0 AND events < 10'),
 (13, 'power_user', 'events >= 100 OR minutes_30 > 600'),
 (14, 'gone_quiet', 'recency_days > 30 OR active_days_30 = 0'),
 (15, 'few_events_risky', 'ln(events + 1) < 2 AND retention_score < 0.5'),
 (16, 'steady_active', 'abs(trend) < 0.05 AND active_days_30 > 10'),
 (17, 'streaker_safe', 'greatest(current_streak, longest_streak) >= 14 AND retention_score > 0.7'),
 (18, 'coin_flip', 'round(retention_score, 1) = 0.5'),
 (19, 'just_churned_active', 'NOT renewed AND recency_days <= 3'),
 (20, 'no_trend_busy', 'trend IS NULL AND events > 20');
VACUUM ANALYZE rules_members;
\set vac_table rules_members
\ir all_visible.sql
VACUUM ANALYZE rules_rules;

-- The same 20 rules as a rule builder would emit them in JsonLogic (rules.e,
-- rules.h and rules.i): where JsonLogic has no such function (ln, abs, round) an
-- equivalent range; JsonLogic's own NULL semantics (null reads as 0 in < and >).
DROP TABLE IF EXISTS rules_rules_jl;
CREATE TABLE rules_rules_jl (id int PRIMARY KEY, rule jsonb NOT NULL, condition incentive_condition NOT NULL);
INSERT INTO rules_rules_jl (id, rule, condition)
SELECT id, rule::jsonb, rule::jsonb::incentive_condition FROM (VALUES
 (1, '{"and": [{">": [{"var": "recency_days"}, 14]}, {"<": [{"var": "retention_score"}, 0.3]}]}'),
 (2, '{"and": [{"==": [{"var": "plan"}, "annual"]}, {"<=": [20, {"var": "recency_days"}, 60]}]}'),
 (3, '{">=": [{"var": "current_streak"}, 7]}'),
 (4, '{"and": [{">=": [{"var": "longest_streak"}, 30]}, {"==": [{"var": "current_streak"}, 0]}]}'),
 (5, '{"and": [{"<": [{"var": "active_days_30"}, 3]}, {">": [{"var": "events"}, 50]}]}'),
 (6, '{"and": [{"<": [{"var": "retention_score"}, 0.2]}, {"==": [{"var": "plan"}, "monthly"]}, {"!": {"var": "renewed"}}]}'),
 (7, '{"<": [{"var": "trend"}, -0.5]}'),
 (8, '{"and": [{">": [{"var": "decayed_activity"}, 10]}, {">": [{"var": "trend"}, 0.2]}]}'),
 (9, '{">": [{"-": [{"var": "minutes_30"}, {"*": [30, {"+": [{"var": "active_days_30"}, 1]}]}]}, 0]}'),
 (10, '{"and": [{"<=": [0.3, {"var": "retention_score"}, 0.5]}, {">": [{"var": "recency_days"}, 7]}]}'),
 (11, '{"and": [{"in": [{"var": "plan"}, ["annual", "lifetime"]]}, {"<": [{"var": "retention_score"}, 0.4]}]}'),
 (12, '{"and": [{"<": [{"var": ["trend", 0]}, 0]}, {"<": [{"var": "events"}, 10]}]}'),
 (13, '{"or": [{">=": [{"var": "events"}, 100]}, {">": [{"var": "minutes_30"}, 600]}]}'),
 (14, '{"or": [{">": [{"var": "recency_days"}, 30]}, {"==": [{"var": "active_days_30"}, 0]}]}'),
 (15, '{"and": [{"<": [{"var": "events"}, 6.389]}, {"<": [{"var": "retention_score"}, 0.5]}]}'),
 (16, '{"and": [{"<": [-0.05, {"var": "trend"}, 0.05]}, {">": [{"var": "active_days_30"}, 10]}]}'),
 (17, '{"and": [{">=": [{"max": [{"var": "current_streak"}, {"var": "longest_streak"}]}, 14]}, {">": [{"var": "retention_score"}, 0.7]}]}'),
 (18, '{"and": [{"<=": [0.45, {"var": "retention_score"}]}, {"<": [{"var": "retention_score"}, 0.55]}]}'),
 (19, '{"and": [{"!": {"var": "renewed"}}, {"<=": [{"var": "recency_days"}, 3]}]}'),
 (20, '{"and": [{"==": [{"var": "trend"}, null]}, {">": [{"var": "events"}, 20]}]}')
) AS t(id, rule);
VACUUM ANALYZE rules_rules_jl;
