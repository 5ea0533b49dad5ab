-- label: retention_model_active('bench') in the select list (once per row)
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SELECT sum(retention_score(retention_model_active('bench'), r.x)) FROM score_rows r;
