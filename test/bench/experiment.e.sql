-- label: SQL: CUPED by hand (pooled theta, then adjusted means and variances per arm: two scans)
WITH th AS (SELECT covar_pop(retained::int, x) / var_pop(x) AS theta, avg(x) AS mx FROM experiment_bench)
SELECT treated, count(*), avg(retained::int - theta * (x - mx)), var_pop(retained::int - theta * (x - mx))
FROM experiment_bench, th GROUP BY treated;
