-- label: retention_fit, parallel passes (2 workers + leader)
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
-- bench: start
SELECT retention_fit('SELECT x, y FROM train_rows') IS NOT NULL;
