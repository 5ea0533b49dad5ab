-- label: retention_model_active('bench') as a scalar subquery (once per statement)
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SELECT sum(retention_score((SELECT retention_model_active('bench')), r.x)) FROM score_rows r;
