-- label: retention_fit, serial passes (1M rows x 16 features per scale)
SET max_parallel_workers_per_gather = 0;
-- bench: start
SELECT retention_fit('SELECT x, y FROM train_rows') IS NOT NULL;
