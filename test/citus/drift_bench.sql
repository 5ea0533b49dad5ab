-- Score drift on Citus: retention_score_drift(model, score) against
-- retention_baseline_drift(retention_score_baseline(model), score),
-- over 2M distributed rows, with a 40-feature model (about 14.5 kB, stored
-- compressed) and the 6-feature demo model (about 0.8 kB).  Run on the
-- coordinator of `KEEP=1 make citus-check` (database cr_citus):
--   psql -h .../citus/coord/run -p PORT -U postgres cr_citus -f test/citus/drift_bench.sql
-- Not a pass/fail test: timings are printed by \timing, each query twice.
SET client_min_messages = warning;
DROP TABLE IF EXISTS wide, big_scores;
DELETE FROM retention_models WHERE name = 'wide';
CREATE TABLE wide AS
SELECT i, ARRAY(SELECT sin(i * k + k) FROM generate_series(1, 40) k) AS x, (i * 7919) % 1000 < 600 AS y
FROM generate_series(1, 5000) i;
INSERT INTO retention_models SELECT 'wide', retention_train(x, y) FROM wide;
SELECT name, pg_column_size(model) AS stored_bytes FROM retention_models ORDER BY name;
CREATE TABLE big_scores (member_id bigint, score float8);
SELECT create_distributed_table('big_scores', 'member_id', colocate_with => 'members');
INSERT INTO big_scores SELECT i, ((i::bigint * 7919) % 1000)::float8 / 1000 FROM generate_series(1, 2000000) i;
VACUUM ANALYZE big_scores;
\timing on
-- floor: one scan
SELECT count(*) FROM big_scores;
SELECT count(*) FROM big_scores;
-- the wide model, joined from the reference table
SELECT retention_score_drift(m.model, s.score) FROM big_scores s, retention_models m WHERE m.name = 'wide';
SELECT retention_score_drift(m.model, s.score) FROM big_scores s, retention_models m WHERE m.name = 'wide';
SELECT retention_baseline_drift(retention_score_baseline(m.model), s.score) FROM big_scores s, retention_models m WHERE m.name = 'wide';
SELECT retention_baseline_drift(retention_score_baseline(m.model), s.score) FROM big_scores s, retention_models m WHERE m.name = 'wide';
-- the wide model from a scalar subquery
SELECT retention_score_drift((SELECT model FROM retention_models WHERE name = 'wide'), s.score) FROM big_scores s;
SELECT retention_score_drift((SELECT model FROM retention_models WHERE name = 'wide'), s.score) FROM big_scores s;
SELECT retention_baseline_drift((SELECT retention_score_baseline(model) FROM retention_models WHERE name = 'wide'), s.score) FROM big_scores s;
SELECT retention_baseline_drift((SELECT retention_score_baseline(model) FROM retention_models WHERE name = 'wide'), s.score) FROM big_scores s;
-- the small demo model
SELECT retention_score_drift(m.model, s.score) FROM big_scores s, retention_models m WHERE m.name = 'demo';
SELECT retention_score_drift(m.model, s.score) FROM big_scores s, retention_models m WHERE m.name = 'demo';
SELECT retention_baseline_drift(retention_score_baseline(m.model), s.score) FROM big_scores s, retention_models m WHERE m.name = 'demo';
SELECT retention_baseline_drift(retention_score_baseline(m.model), s.score) FROM big_scores s, retention_models m WHERE m.name = 'demo';
