-- label: hand-written SQL 1/(1+exp(-(b0 + b1*x[1] + ...))) with the coefficients inlined
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SELECT format('SELECT sum(1 / (1 + exp(-(%s))) ) FROM score_rows',
              string_agg(CASE WHEN ord = 1 THEN format('%s', coefficient)
                              ELSE format('%s * x[%s]', coefficient, ord - 1) END, ' + ' ORDER BY ord))
FROM score_model, retention_model_summary(model) WITH ORDINALITY AS s(feature, coefficient, std_error, z_value, p_value, odds_ratio, ci_lower, ci_upper, ord)
\gexec
