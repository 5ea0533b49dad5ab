-- label: bgnbd_fit over 1M member summaries
SELECT bgnbd_fit(frequency, recency, t) FROM bench_buyers;
