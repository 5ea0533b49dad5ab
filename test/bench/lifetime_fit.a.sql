-- label: bgnbd_fit over 1M member summaries
\set warm_table bench_buyers
\set warm_column monetary_value
\ir warm_session.sql
-- bench: start
SELECT bgnbd_fit(frequency, recency, t) FROM bench_buyers;
