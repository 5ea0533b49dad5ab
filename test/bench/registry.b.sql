-- label: the model from a plain table of the user's (scalar subquery)
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SELECT sum(retention_score((SELECT model FROM score_model), r.x)) FROM score_rows r;
