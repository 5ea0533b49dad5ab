-- incentive_uplift_eval against scikit-uplift 0.5.1's own code (qini_auc_score
-- with negative_effect=True, uplift_auc_score, uplift_at_k 'overall',
-- qini_curve and uplift_curve; values from
-- test/reference/experiment_uplift_sklift_reference.py), with and without
-- ties, for a coupon that helps and one that harms; and the same answer,
-- curve included, when two parallel workers split the rows.
BEGIN;
SELECT plan(7);

CREATE FUNCTION pg_temp.close(a float8, b float8) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$ SELECT abs(a - b) <= 1e-12 * greatest(1.0, abs(b)) $$;

-- an ordinary table (gone with the ROLLBACK), so that it can be scanned in parallel
CREATE TABLE uplift_rows AS
SELECT sign, i, t, y, 0.2 * s::int + ((i * 104729) % 100003) / 1e6::float8 AS u, s::int + ((i * 31) % 5) / 10.0::float8 AS v
FROM (SELECT sign, i, t, s, (i * 48271) % 1000 < 300 + sign * 200 * (t AND s)::int AS y
      FROM (SELECT sign, i, (i * 2654435761) % 1000 < 500 AS t, (i * 7919) % 1013 < 400 AS s
            FROM generate_series(1::bigint, 2000) i, (VALUES (1), (-1)) g(sign)) a) b;
ANALYZE uplift_rows;

CREATE TEMP TABLE uplift_serial AS
SELECT sign, incentive_uplift_eval(u, t, y, 0.1) AS u10, incentive_uplift_eval(u, t, y) AS u30,
       incentive_uplift_eval(u, t, y, 0.55) AS u55, incentive_uplift_eval(v, t, y) AS v30
FROM uplift_rows GROUP BY sign;

-- sign, qini and uplift_auc (u, then v), uplift_at_k at 0.1, 0.3, 0.55 (u),
-- the curve (qini, uplift) at 200, 1000 and 2000 rows (u)
CREATE TEMP TABLE uplift_want(sign int, qu float8, au float8, qv float8, av float8, k10 float8, k30 float8, k55 float8, curve float8[]);
INSERT INTO uplift_want VALUES
 (1, 0.08796575036343945, 0.0926823558513405, 0.10247728028920255, 0.10771889998767496,
  0.19, 0.20314792583700148, 0.1349867724867725,
  '{19.0,38.0,73.33988212180748,149.36839536009666,71.0,142.00000000000003}'),
 (-1, -0.09891756729111897, -0.08153288130986311, -0.08071527407289447, -0.0666938124550205,
  -0.24000000000000002, -0.1982126183806856, -0.14834656084656087,
  '{-24.0,-48.00000000000001,-79.66011787819252,-162.24056594336565,-82.0,-163.99999999999997}');

SELECT ok(bool_and(pg_temp.close((s.u30).qini_coefficient, w.qu) AND pg_temp.close((s.u30).uplift_auc, w.au)),
          'qini_coefficient and uplift_auc = sklift''s qini_auc_score and uplift_auc_score to 1e-12, for a coupon that helps and one that harms')
FROM uplift_serial s JOIN uplift_want w USING (sign);
SELECT ok(bool_and(pg_temp.close((s.v30).qini_coefficient, w.qv) AND pg_temp.close((s.v30).uplift_auc, w.av)),
          'the same with 10 distinct uplifts (ties evaluated at the end of each run, as sklift does)')
FROM uplift_serial s JOIN uplift_want w USING (sign);
SELECT ok(bool_and(pg_temp.close((s.u10).uplift_at_k, w.k10) AND pg_temp.close((s.u30).uplift_at_k, w.k30)
                   AND pg_temp.close((s.u55).uplift_at_k, w.k55)),
          'uplift_at_k at 0.1, 0.3 and 0.55 = sklift''s uplift_at_k(strategy=''overall'') to 1e-12')
FROM uplift_serial s JOIN uplift_want w USING (sign);
SELECT is(array_agg(format('%s: %s', sign, (SELECT bool_and(pg_temp.close(a, b)) AND count(*) = 6 FROM unnest(got, want) z(a, b)))
                    ORDER BY sign), '{"-1: t","1: t"}',
          'the curve at 10 %, 50 % and 100 % of the rows = sklift''s qini_curve and uplift_curve')
FROM (SELECT s.sign, w.curve AS want,
             (SELECT array_agg(x ORDER BY p.n_targeted, o)
              FROM unnest((s.u30).curve) p, LATERAL unnest(ARRAY[p.qini, p.uplift]) WITH ORDINALITY z(x, o)
              WHERE p.n_targeted IN (200, 1000, 2000)) AS got
      FROM uplift_serial s JOIN uplift_want w USING (sign)) q;

\ir parallel_workers.psql
SELECT ok((SELECT string_agg(l, E'\n') FROM pg_temp.plan_lines(
             'SELECT incentive_uplift_eval(u, t, y) FROM uplift_rows WHERE sign = 1') l) ~ 'Partial Aggregate',
          'incentive_uplift_eval over uplift_rows runs as a parallel partial aggregate');
CREATE TEMP TABLE uplift_par_u AS SELECT incentive_uplift_eval(u, t, y) AS pu FROM uplift_rows WHERE sign = 1;
CREATE TEMP TABLE uplift_par_v AS SELECT incentive_uplift_eval(v, t, y, 0.55) AS pv FROM uplift_rows WHERE sign = -1;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
SELECT is(p.pu::text, (s.u30)::text, 'parallel = serial, every field and the curve (no ties)')
FROM uplift_par_u p, uplift_serial s WHERE s.sign = 1;
SELECT is(p.pv::text, (SELECT incentive_uplift_eval(v, t, y, 0.55) FROM uplift_rows WHERE sign = -1)::text,
          'parallel = serial with ties and a harmful coupon')
FROM uplift_par_v p;

SELECT * FROM finish();
ROLLBACK;
