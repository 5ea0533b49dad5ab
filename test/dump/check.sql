-- What users depend on after a restore, printed at full precision: every
-- member's score under each model, every rule's matches, the stored
-- composites and the models' own text.
\pset pager off
SET TimeZone = 'UTC';
SET extra_float_digits = 3;
SELECT md5(string_agg(format('%s %s %s', f.member_id, m.name, retention_score(m.model, f)), E'\n' ORDER BY f.member_id, m.name)) AS scores
FROM member_features f, retention_models m;
SELECT name, md5(model::text) AS model_text, (retention_model_info(model)).n_rows FROM retention_models ORDER BY name;
SELECT r.name, count(*) AS matches, md5(string_agg(s.member_id::text, ',' ORDER BY s.member_id)) AS members
FROM incentive_rules r JOIN member_scores s ON incentive_matches(r.condition, s) GROUP BY r.name ORDER BY r.name;
SELECT name, condition::text, incentive_features(condition) FROM incentive_rules ORDER BY name;
SELECT md5(string_agg(format('%s %s', member_id, e), E'\n' ORDER BY member_id)) AS engagement FROM member_engagement;
SELECT test_set, metrics, calibration FROM model_evaluation ORDER BY test_set;
SELECT feature, coefficient, std_error FROM retention_model_summary((SELECT model FROM retention_models WHERE name = 'demo'));
SELECT name, version, created_at, created_by, md5(model::text) AS model_text, metrics, note, active
FROM retention_model_registry ORDER BY name, version;
SELECT retention_model_active('demo')::text = (SELECT model::text FROM retention_model_registry WHERE name = 'demo' AND active) AS active_model_fetched;
SELECT model_version, count(*) AS members, md5(string_agg(format('%s %s %s %s', member_id, retention_score, segment, incentives), E'\n' ORDER BY member_id)) AS scoring
FROM member_scoring GROUP BY model_version ORDER BY model_version;
SELECT model_name, model_version, psi, threshold FROM score_drift_alerts ORDER BY checked_at;
SELECT md5(string_agg(format('%s %s %s %s', h.member_id, h.s,
                             bgnbd_p_alive(bg, (s).frequency, (s).recency, (s).t),
                             lifetime_value(bg, gg, (s).frequency, (s).recency, (s).t, (s).monetary_value)),
                      E'\n' ORDER BY h.member_id)) AS buyers, bg, gg
FROM buyer_history h, buyer_models GROUP BY bg, gg;
SELECT name, length(condition::text) AS text_bytes, md5(condition::text) AS text_md5,
       md5(incentive_condition_send(condition)) AS program_md5
FROM long_rules ORDER BY name;
