-- label: floor: one scan of the events (count per member)
\set warm_table bench_purchases
\set warm_column amount
\ir warm_session.sql
-- bench: start
SET TimeZone = 'UTC';
CREATE TEMP TABLE b AS
SELECT member_id, count(*) FROM bench_purchases WHERE occurred_at <= '2025-03-01 00:00+00' GROUP BY member_id;
