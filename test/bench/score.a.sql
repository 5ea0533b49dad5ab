-- label: retention_score(model, features) (1M rows per scale)
-- JIT is off in both variants: its compile time would dominate either.
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SELECT sum(retention_score((SELECT model FROM score_model), x)) FROM score_rows;
