-- label: lifetime_summary, one aggregate per member (10M events, 1M members)
\set warm_table bench_purchases
\set warm_column amount
\ir warm_session.sql
-- bench: start
SET TimeZone = 'UTC';
CREATE TEMP TABLE b AS
SELECT member_id, lifetime_summary(occurred_at, '2025-03-01 00:00+00', amount) AS l
FROM bench_purchases GROUP BY member_id;
