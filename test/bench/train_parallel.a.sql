-- label: retention_train, parallel plan (2 workers + leader)
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SELECT retention_train(x, y) IS NOT NULL FROM train_rows;
