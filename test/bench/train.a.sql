-- label: retention_train, serial (1M rows x 16 features per scale)
SET max_parallel_workers_per_gather = 0;
SELECT retention_train(x, y) IS NOT NULL FROM train_rows;
