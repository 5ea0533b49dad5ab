-- label: SQL: CUPED by hand (per-arm moments in one scan, pooled θ from them, adjusted means and variances)
-- The strongest plain-SQL form: one GROUP BY over the table gives each arm's
-- count, means, variances and covariance (float8 throughout: var_pop of an
-- integer would sum in numeric); the pooled θ = cov(y, x) / var(x) over both
-- arms follows from them by the law of total (co)variance, and each arm's
-- CUPED mean and variance of y − θ(x − x̄) too, with no second scan.
WITH a AS (
  SELECT treated, count(*) AS n, avg(retained::int::float8) AS my, avg(x) AS mx,
         var_pop(retained::int::float8) AS vy, var_pop(x) AS vx, covar_pop(retained::int::float8, x) AS cxy
  FROM experiment_bench GROUP BY treated),
p AS (SELECT sum(n * mx) / sum(n) AS mx, sum(n * my) / sum(n) AS my FROM a),
th AS (SELECT sum(a.n * (a.cxy + (a.mx - p.mx) * (a.my - p.my))) / sum(a.n * (a.vx + (a.mx - p.mx) ^ 2)) AS theta FROM a, p)
SELECT a.treated, a.n, a.my - th.theta * (a.mx - p.mx) AS cuped_mean,
       a.vy - 2 * th.theta * a.cxy + th.theta ^ 2 * a.vx AS cuped_var
FROM a, p, th;
