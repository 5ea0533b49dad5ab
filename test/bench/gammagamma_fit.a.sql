-- label: gammagamma_fit over 1M repeat buyers, a likelihood with a maximum
SELECT gammagamma_fit(x, m) FROM bench_gg_max;
