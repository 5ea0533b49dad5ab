-- label: retention_train, serial plan
SET max_parallel_workers_per_gather = 0;
SELECT retention_train(x, y) IS NOT NULL FROM train_rows;
