-- incentive_ab_cuped against the README's CUPED computed by hand: the
-- pooled theta (statsmodels OLS of y on [1, x] over both arms), the adjusted
-- difference, its interval and variance_reduction in exact rational
-- arithmetic, to 1e-12 relative (values from
-- test/reference/experiment_cuped_reference.py); in parallel plans as
-- serially; the claim that the estimate's variance falls by
-- variance_reduction, over 1000 simulated experiments; and its edges: a
-- covariate that is the outcome (or a line of it), one member per arm, NULL
-- and constant covariates.
BEGIN;
SELECT plan(10);

CREATE FUNCTION pg_temp.close(a float8, b float8, tol float8 DEFAULT 1e-12) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$ SELECT abs(a - b) <= tol * abs(b) $$;
CREATE FUNCTION pg_temp.cuped(r incentive_ab_result) RETURNS float8[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY[r.cuped_theta, r.cuped_difference, r.cuped_lower, r.cuped_upper, r.variance_reduction] $$;
CREATE FUNCTION pg_temp.all_close(a float8[], b float8[]) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT bool_and(pg_temp.close(x, y)) FROM unnest(a, b) u(x, y) $$;

-- an ordinary table (gone with the ROLLBACK), so that it can be scanned in parallel
CREATE TABLE cuped_rows AS
SELECT i, ((i * 7919) % 1013) / 10.0::float8 + (i * 104729) % 17 AS x,
       (i * 2654435761) % 1000 < 450 AS t,
       ((i * 48271) % 1000)::numeric < 150 + 6 * ((i * 7919) % 1013) / 10.0 + 60 * ((i * 2654435761) % 1000 < 450)::int AS y
FROM generate_series(1::bigint, 3000) i;
ANALYZE cuped_rows;

-- theta, difference, lower, upper, variance_reduction
SELECT ok(pg_temp.all_close(pg_temp.cuped(incentive_ab_cuped(t, y, x)),
            '{0.005897942309625256,0.07030326651273815,0.03672291224715907,0.10388362077831723,0.12322446590365767}'),
          'CUPED = the README''s formulas by hand (OLS theta, exact fractions) to 1e-12')
FROM cuped_rows;
SELECT ok(pg_temp.all_close(pg_temp.cuped(incentive_ab_cuped(t, y, x, 0.8)),
            '{0.005897942309625256,0.07030326651273815,0.04834625305736376,0.09226027996811254,0.12322446590365767}'),
          'the same at a confidence of 0.8')
FROM cuped_rows;
SELECT ok(pg_temp.all_close(pg_temp.cuped(r), '{0.005943569626265684,0.07202084990691072,0.036848137359010054,0.1071935624548114,0.1241772922894902}')
          AND (r).n_skipped = 272 AND (r).n_control + (r).n_treated = 2728,
          'a NULL covariate skips its row (272 of them, counted): CUPED over the other 2728 = by hand to 1e-12')
FROM (SELECT incentive_ab_cuped(t, y, CASE WHEN i % 11 = 0 THEN NULL ELSE x END) AS r FROM cuped_rows) s;

\ir parallel_workers.psql
-- an outer parallel-unsafe call, as ok(), would make the whole query serial:
-- the parallel result goes to a table first
SELECT ok((SELECT string_agg(l, E'\n') FROM pg_temp.plan_lines('SELECT incentive_ab_cuped(t, y, x) FROM cuped_rows') l)
          ~ 'Partial Aggregate', 'incentive_ab_cuped over cuped_rows runs as a parallel partial aggregate');
CREATE TEMP TABLE cuped_par AS SELECT incentive_ab_cuped(t, y, x) AS r FROM cuped_rows;
SELECT ok(pg_temp.all_close(pg_temp.cuped(r),
            '{0.005897942309625256,0.07030326651273815,0.03672291224715907,0.10388362077831723,0.12322446590365767}'),
          'the same in a parallel plan')
FROM cuped_par;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;

-- the claim: over 1000 experiments of 1000 members (y from a pre-period
-- engagement z, x a noisy measure of z, a true effect of 0.05), the CUPED
-- estimates vary by variance_reduction less than the plain differences, and
-- the CUPED interval covers the true effect 95 % of the time
SELECT setseed(0.25);
CREATE TEMP TABLE sim AS
SELECT rep, t, random() < 0.1 + 0.8 * z + CASE WHEN t THEN 0.05 ELSE 0 END AS y, z + 0.1 * random() AS x
FROM (SELECT rep, random() < 0.5 AS t, random() AS z FROM generate_series(1, 1000) rep, generate_series(1, 1000) i) s;
CREATE TEMP TABLE sim_r AS SELECT rep, incentive_ab_cuped(t, y, x) AS r FROM sim GROUP BY rep;
SELECT ok(abs(1 - var_pop((r).cuped_difference) / var_pop((r).difference) - avg((r).variance_reduction)) < 0.05
          AND avg((r).variance_reduction) BETWEEN 0.15 AND 0.3,
          format('the estimate''s variance over 1000 experiments falls by %s, variance_reduction says %s',
                 round((1 - var_pop((r).cuped_difference) / var_pop((r).difference))::numeric, 3),
                 round(avg((r).variance_reduction)::numeric, 3)))
FROM sim_r;
SELECT ok(avg(((r).cuped_lower <= 0.05 AND 0.05 <= (r).cuped_upper)::int) BETWEEN 0.93 AND 0.97,
          format('the CUPED interval covers the true effect in %s of 1000 experiments', avg(((r).cuped_lower <= 0.05 AND 0.05 <= (r).cuped_upper)::int)))
FROM sim_r;

-- a covariate that predicts the outcome exactly: y' is constant, so the
-- variance is 0: the interval NULL and variance_reduction 1 (rounding left
-- an interval of +/- 1e-9 and a reduction of 1 - 5e-13 at 10^6 rows)
SELECT is(array_agg(format('%s: %s %s %s %s', c, (r).cuped_lower IS NULL, (r).cuped_upper IS NULL, (r).variance_reduction,
                           abs((r).cuped_difference) < 1e-15) ORDER BY c),
          array_agg(format('%s: t t 1 t', c) ORDER BY c),
          'x = y, 2y + 3, -1e6 y + 1e9, 1e-50 y + 1e-40 over 10 to 10^6 rows: interval NULL, variance_reduction 1, estimate 0')
FROM (SELECT format('%s rows, x = %s y + %s', n, a, b) AS c,
             (SELECT incentive_ab_cuped(g % 3 = 0, (g * 7919) % 10 < 4, a * ((g * 7919) % 10 < 4)::int + b)
              FROM generate_series(1::bigint, n) g) AS r
      FROM (VALUES (10), (1000), (1000000)) v(n), (VALUES (1.0::float8, 0.0::float8), (2, 3), (-1e6, 1e9), (1e-50, 1e-40)) c(a, b)) s;
SELECT ok(pg_temp.close((r).cuped_theta, 0.5) AND (r).cuped_lower IS NULL AND (r).variance_reduction = 1,
          'sorted rows (every retained member first), x = 2y: theta 1/2, interval NULL, variance_reduction 1')
FROM (SELECT incentive_ab_cuped(g % 3 = 0, g <= 400000, 2.0 * (g <= 400000)::int) AS r FROM generate_series(1, 1000000) g) s;

-- one member per arm: theta from the two rows, the arms' variances 0
SELECT ok((r).cuped_theta = -1 AND (r).cuped_difference = 0 AND (r).cuped_lower IS NULL AND (r).variance_reduction IS NULL
          AND (s).cuped_theta IS NULL AND (s).cuped_difference IS NULL,
          'one member per arm: theta -1 and an estimate of 0, no interval; a constant covariate: no CUPED fields')
FROM (SELECT incentive_ab_cuped(t, y, x) AS r, incentive_ab_cuped(t, y, 5) AS s
      FROM (VALUES (true, true, 1.0::float8), (false, false, 2.0)) v(t, y, x)) q;

SELECT * FROM finish();
ROLLBACK;
