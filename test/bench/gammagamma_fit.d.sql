-- label: floor: one scan of the 1M rows with a maximum
SELECT count(*), sum(x), sum(m) FROM bench_gg_max;
