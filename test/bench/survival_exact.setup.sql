-- survival_exact: as survival, but tenure to the second in days (every
-- duration distinct: the worst case for a per-time state), 60 % churned, the
-- rest still members (censored).
DROP TABLE IF EXISTS surv_exact;
SELECT setseed(0.42);
CREATE TABLE surv_exact AS
SELECT CASE WHEN random() < 0.3 THEN 'annual' ELSE 'monthly' END AS plan,
       round((-300 * ln(1 - random()))::numeric, 5)::float8 AS duration,
       random() < 0.6 AS churned
FROM generate_series(1, (1000000 * :scale)::bigint);
VACUUM ANALYZE surv_exact;
\set vac_table surv_exact
\ir all_visible.sql

\ir survival_statsmodels.sql
