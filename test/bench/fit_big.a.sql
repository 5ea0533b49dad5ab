-- label: retention_fit, serial passes (10M rows x 16 features per scale)
SET max_parallel_workers_per_gather = 0;
-- bench: start
SELECT retention_fit('SELECT x, y FROM fit_big_rows') IS NOT NULL;
