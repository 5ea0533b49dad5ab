-- label: retention_train until it stops at community_retention.max_train_memory (1 GB)
SET max_parallel_workers_per_gather = 0;
-- bench: start
DO $$
BEGIN
  PERFORM retention_train(x, y) FROM fit_big_rows;
EXCEPTION WHEN program_limit_exceeded THEN
  RAISE NOTICE 'retention_train: %', SQLERRM;
END $$;
