-- Included untimed by the lifetime_fit and lifetime_score variants before
-- their "-- bench: start", so that the timed statement measures the work
-- and not a new session's start-up, which every variant pays once: loading
-- the extension's library and PL/Python's interpreter, and a page fault on
-- every page of shared buffers the backend touches first (several
-- microseconds each on this virtual machine with 4 kB pages; see README,
-- "Buyers without subscriptions").  Every variant, PL/Python and the floor
-- included, gets the same warm-up: the 1M summaries read once, serially,
-- down to each row's last column (on an all-visible table count(*) alone
-- reads only the line pointers, leaving the half of each 8 kB buffer that
-- holds the rows untouched).
SELECT bgnbd_p_alive(bg, 1, 2, 3) AS warm_p FROM bench_lifetime_model \gset
DO LANGUAGE plpython3u 'pass';
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS warm_rows, sum(monetary_value) AS warm_sum FROM bench_buyers \gset
RESET max_parallel_workers_per_gather;
