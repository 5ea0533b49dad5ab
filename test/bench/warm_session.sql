-- Included untimed by the lifetime_* variants before their "-- bench:
-- start" (after \set warm_table and warm_column, the table's last column),
-- so that the timed statement measures the work and not a new session's
-- start-up, which every variant pays once: loading the extension's library
-- and PL/Python's interpreter, and a page fault on every page of shared
-- buffers the backend touches first (several microseconds each on this
-- virtual machine with 4 kB pages: 0.5 s for the 10M purchase events; see
-- README, "Buyers without subscriptions").  Every variant, PL/Python and
-- the floor included, gets the same warm-up: the table read once,
-- serially, down to each row's last column (on an all-visible table
-- count(*) alone reads only the line pointers, leaving the half of each
-- 8 kB buffer that holds the rows untouched).  Parallel workers are new
-- processes each time and still pay their share.
SELECT 'x > 1'::incentive_condition IS NOT NULL AS warm_library \gset
DO LANGUAGE plpython3u 'pass';
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS warm_rows, sum(:warm_column) AS warm_sum FROM :warm_table \gset
RESET max_parallel_workers_per_gather;
