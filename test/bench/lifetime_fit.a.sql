-- label: bgnbd_fit over 1M member summaries
\ir warm_buyers.sql
-- bench: start
SELECT bgnbd_fit(frequency, recency, t) FROM bench_buyers;
