-- label: retention_train, serial (rows held in memory, one statement)
SET max_parallel_workers_per_gather = 0;
-- bench: start
SELECT retention_train(x, y) IS NOT NULL FROM train_rows;
