-- qini: 1M experiment rows at scale 1 with a predicted uplift, for incentive_uplift_eval.
DROP TABLE IF EXISTS qini_bench;
SELECT setseed(0.25);
CREATE TABLE qini_bench AS
SELECT u AS uplift, t AS treated, random() < 0.6 + CASE WHEN t THEN u ELSE 0 END AS retained
FROM (SELECT (random() - 0.3) / 5 AS u, random() < 0.5 AS t FROM generate_series(1, (1000000 * :scale)::bigint)) s;
VACUUM ANALYZE qini_bench;
\set vac_table qini_bench
\ir all_visible.sql
