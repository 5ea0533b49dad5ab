-- label: retention_model_active('bench') in a FROM subquery (pulled up: once per row)
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SELECT sum(retention_score(m.model, r.x))
FROM score_rows r, (SELECT retention_model_active('bench') AS model) m;
