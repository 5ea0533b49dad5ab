-- label: floor: one scan of the summaries
SELECT count(*), sum(frequency), sum(recency), sum(t) FROM bench_buyers;
