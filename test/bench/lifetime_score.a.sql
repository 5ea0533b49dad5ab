-- label: bgnbd_p_alive + bgnbd_expected_purchases(30 days) for 1M members
\ir warm_buyers.sql
-- bench: start
SELECT sum(bgnbd_p_alive(bg, frequency, recency, t)) + sum(bgnbd_expected_purchases(bg, 30, frequency, recency, t))
FROM bench_buyers, bench_lifetime_model;
