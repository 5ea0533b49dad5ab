-- label: floor: one scan of the summaries
\set warm_table bench_buyers
\set warm_column monetary_value
\ir warm_session.sql
-- bench: start
SELECT count(*), sum(frequency), sum(recency), sum(t) FROM bench_buyers;
