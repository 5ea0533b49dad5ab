-- label: lifetime_summaries(query), every member in one pass (10M events, 1M members)
\set warm_table bench_purchases
\set warm_column amount
\ir warm_session.sql
-- bench: start
SET TimeZone = 'UTC';
CREATE TEMP TABLE b AS SELECT * FROM lifetime_summaries('SELECT member_id, occurred_at, amount FROM bench_purchases', '2025-03-01 00:00+00');
