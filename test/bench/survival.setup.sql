-- survival: 1M members at scale 1, two plans, tenure in whole days (0..1000,
-- so about a thousand distinct times per plan), 60 % churned, the rest still
-- members (censored).
DROP TABLE IF EXISTS surv_bench;
SELECT setseed(0.42);
CREATE TABLE surv_bench AS
SELECT CASE WHEN random() < 0.3 THEN 'annual' ELSE 'monthly' END AS plan,
       (floor(-300 * ln(1 - random()))::int % 1000)::float8 AS duration,
       random() < 0.6 AS churned
FROM generate_series(1, (1000000 * :scale)::bigint);
VACUUM ANALYZE surv_bench;
\set vac_table surv_bench
\ir all_visible.sql

\ir survival_statsmodels.sql
