-- Run after ALTER EXTENSION ... UPDATE TO '1.1': what 1.0 stored still loads,
-- prints and scores the same.  Prints one line per check; the suite expects
-- every line to end in "true".
SET TimeZone = 'UTC';
SELECT 'extension version is 1.1: ' || (extversion = '1.1') FROM pg_extension WHERE extname = 'community_retention';
SELECT 'models and rules print the same text: ' ||
       bool_and(t.txt = coalesce((SELECT model::text FROM up_models WHERE 'model ' || plan = t.what),
                                 (SELECT cond::text FROM up_rules WHERE 'rule ' || id = t.what)))
FROM up_text_1_0 t;
SELECT 'every stored row was compared: ' || (count(*) = (SELECT count(*) FROM up_features) AND count(*) > 700) FROM up_answers_1_0 a JOIN up_features USING (member_id);
SELECT 'scores and matched rules are identical: ' ||
       bool_and(a.score = retention_score(mo.model, ARRAY[(f.e).active_days_30, (f.e).recency_days, (f.e).decayed_activity])::text
                AND a.rules IS NOT DISTINCT FROM
                    (SELECT array_agg(r.id ORDER BY r.id) FROM up_rules r
                      WHERE incentive_matches(r.cond, (SELECT x FROM (SELECT (f.e).active_days_30::float8 AS active_days_30,
                              (f.e).recency_days, (f.e).decayed_activity) x))))
FROM up_answers_1_0 a JOIN up_features f USING (member_id) JOIN up_models mo ON mo.plan = f.plan;
SELECT 'the models still explain and summarise: ' ||
       bool_and((SELECT count(*) FROM retention_model_summary(model)) = 4
                AND (SELECT n_rows FROM retention_model_info(model)) > 0)
FROM up_models;
SELECT 'the registry is a configuration table after the update: ' ||
       ('retention_model_registry'::regclass = ANY (extconfig)) FROM pg_extension WHERE extname = 'community_retention';
SELECT 'models stored under 1.0 are saved in the registry and activated: ' ||
       (count(*) = (SELECT count(*) FROM up_models))
FROM (SELECT retention_model_activate('up_' || plan, retention_model_save('up_' || plan, model)) FROM up_models) s;
SELECT 'and fetched back unchanged: ' || bool_and(retention_model_active('up_' || plan)::text = model::text)
FROM up_models;
