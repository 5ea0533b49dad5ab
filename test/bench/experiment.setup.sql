-- experiment: 10M members of a two-arm experiment at scale 1 (treated, retained,
-- a pre-experiment covariate x), for incentive_ab and incentive_ab_cuped.
DROP TABLE IF EXISTS experiment_bench;
SELECT setseed(0.15);
CREATE TABLE experiment_bench AS
SELECT t AS treated, random() < 0.55 + 0.02 * x / 10 + CASE WHEN t THEN 0.03 ELSE 0 END AS retained, x
FROM (SELECT random() < 0.5 AS t, floor(random() * 31)::float8 AS x
      FROM generate_series(1, (10000000 * :scale)::bigint)) s;
VACUUM ANALYZE experiment_bench;
\set vac_table experiment_bench
\ir all_visible.sql
