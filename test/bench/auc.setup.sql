-- auc: 10M scored members at scale 1 (continuous scores, as a model gives;
-- the label is drawn with the score as its probability, so AUC is about 0.83).
DROP TABLE IF EXISTS auc_bench;
SELECT setseed(0.42);
CREATE TABLE auc_bench AS
SELECT s AS score, random() < s AS label
FROM (SELECT random() AS s FROM generate_series(1, (10000000 * :scale)::bigint)) x;
VACUUM ANALYZE auc_bench;
\set vac_table auc_bench
\ir all_visible.sql
