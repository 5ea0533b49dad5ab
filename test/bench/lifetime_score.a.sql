-- label: bgnbd_p_alive + bgnbd_expected_purchases(30 days) for 1M members
\set warm_table bench_buyers
\set warm_column monetary_value
\ir warm_session.sql
-- bench: start
SELECT sum(bgnbd_p_alive(bg, frequency, recency, t)) + sum(bgnbd_expected_purchases(bg, 30, frequency, recency, t))
FROM bench_buyers, bench_lifetime_model;
