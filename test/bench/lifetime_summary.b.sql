-- label: hand-written SQL (per-day totals, first day, counts)
\set warm_table bench_purchases
\set warm_column amount
\ir warm_session.sql
-- bench: start
SET TimeZone = 'UTC';
CREATE TEMP TABLE b AS
WITH d AS (
  SELECT member_id, date_trunc('day', occurred_at) AS day, sum(amount) AS spend
  FROM bench_purchases WHERE occurred_at <= '2025-03-01 00:00+00' GROUP BY 1, 2),
f AS (
  SELECT member_id, count(*) - 1 AS frequency, min(day) AS first_day, max(day) AS last_day,
         sum(spend) AS total, (array_agg(spend ORDER BY day))[1] AS first_spend
  FROM d GROUP BY member_id)
SELECT member_id, frequency::int,
       (last_day::date - first_day::date)::float8 AS recency,
       ('2025-03-01'::date - first_day::date)::float8 AS t,
       CASE WHEN frequency > 0 THEN (total - first_spend) / frequency ELSE 0 END AS monetary_value
FROM f;
