-- label: floor: one scan of the summaries
\ir warm_buyers.sql
-- bench: start
SELECT count(*), sum(frequency), sum(recency), sum(t) FROM bench_buyers;
