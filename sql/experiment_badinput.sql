-- Bad-input matrix of the experiment functions (issue 15): incentive_assign,
-- incentive_ab, incentive_ab_cuped, incentive_sample_size, incentive_power,
-- retention_uplift, incentive_uplift_eval and retention_demo_experiment fed
-- NULLs, NaN, +-Infinity, huge values, bad weights and levels, parameters
-- varying within a group, empty and one-arm input, and hand-made states given
-- to the support functions.  Each case prints its SQLSTATE, message, detail
-- and hint, or "ok: " and the result; the server must never crash.
SET extra_float_digits = 0;
\set SHOW_CONTEXT never
\pset tuples_only on
\pset format unaligned
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r text; st text; msg text; det text; hnt text;
BEGIN
  EXECUTE q INTO r;
  RETURN 'ok: ' || coalesce(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                          det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
  RETURN st || ' ' || msg || coalesce(' | ' || nullif(det, ''), '')
         || coalesce(' | HINT: ' || nullif(hnt, ''), '');
END $$;

CREATE TEMP TABLE xr AS
SELECT i, i % 2 = 0 AS t, i % 3 <> 0 AS y, (i % 10)::float8 AS x, sin(i) AS u FROM generate_series(1, 200) i;

-- ---------------------------------------------------------------- incentive_assign
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('reference', $$SELECT incentive_assign(42::bigint, 'e', '{1,1}')$$),
  ('NULL key', $$SELECT incentive_assign(NULL::bigint, 'e', '{1,1}')$$),
  ('NULL experiment', $$SELECT incentive_assign(42::bigint, NULL, '{1,1}')$$),
  ('NULL weights', $$SELECT incentive_assign(42::bigint, 'e', NULL)$$),
  ('empty weights', $$SELECT incentive_assign(42::bigint, 'e', '{}')$$),
  ('two-dimensional weights', $$SELECT incentive_assign(42::bigint, 'e', '{{1,1},{1,1}}')$$),
  ('NULL weight', $$SELECT incentive_assign(42::bigint, 'e', '{1,NULL}')$$),
  ('negative weight', $$SELECT incentive_assign(42::bigint, 'e', '{1,-1}')$$),
  ('NaN weight', $$SELECT incentive_assign(42::bigint, 'e', '{1,NaN}')$$),
  ('infinite weight', $$SELECT incentive_assign(42::bigint, 'e', '{1,Infinity}')$$),
  ('all zero', $$SELECT incentive_assign(42::bigint, 'e', '{0,0}')$$),
  ('sum overflows', $$SELECT incentive_assign(42::bigint, 'e', '{1e308,1e308}')$$),
  ('tiny weights', $$SELECT incentive_assign(42::bigint, 'e', '{1e-300,1e-300}')$$),
  ('1001 arms', $$SELECT incentive_assign(42::bigint, 'e', array_fill(1::float8, ARRAY[1001]))$$),
  ('1000 arms', $$SELECT incentive_assign(42::bigint, 'e', array_fill(1::float8, ARRAY[1000])) BETWEEN 1 AND 1000$$),
  ('empty text key', $$SELECT incentive_assign('', 'e', '{1,1}')$$),
  ('long text key', $$SELECT incentive_assign(repeat('x', 100000), 'e', '{1,1}')$$),
  ('empty experiment name', $$SELECT incentive_assign(42::bigint, '', '{1,1}')$$),
  ('min bigint', $$SELECT incentive_assign(-9223372036854775808, 'e', '{1,1}')$$)
) v(label, q);

-- Weights without NULLs that still carry a null bitmap (assigning to the
-- NULL element in PL/pgSQL keeps it): the same arms as the plain array.  The
-- data used to be read from where it starts without a bitmap, so the
-- bitmap's bytes became the first weight and every member landed in arm 2.
CREATE FUNCTION pg_temp.bitmap_weights() RETURNS float8[] LANGUAGE plpgsql AS $$
DECLARE w float8[] := '{1,NULL,1}';
BEGIN
  w[2] := 0;
  RETURN w;
END $$;
SELECT 'null bitmap: ' || count(*) FILTER (WHERE incentive_assign(k, 'e', pg_temp.bitmap_weights())
                                          = incentive_assign(k, 'e', '{1,0,1}')) || ' of ' || count(*)
       || ' as the plain array, arms ' || string_agg(DISTINCT incentive_assign(k, 'e', pg_temp.bitmap_weights())::text, ',')
FROM generate_series(1, 1000) k;

-- ---------------------------------------------------------------- incentive_ab / incentive_ab_cuped
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('reference', $$SELECT (r).n_control || ' ' || (r).n_treated || ' ' || round((r).difference::numeric, 12) FROM (SELECT incentive_ab(t, y) r FROM xr) s$$),
  ('no rows', $$SELECT incentive_ab(t, y) FROM xr WHERE false$$),
  ('only NULL rows', $$SELECT (incentive_ab(NULL, y)).n_skipped FROM xr$$),
  ('one arm', $$SELECT (r).rate_treated || ' ' || coalesce((r).difference::text, 'no difference') FROM (SELECT incentive_ab(t, y) r FROM xr WHERE t) s$$),
  ('confidence 0', $$SELECT incentive_ab(t, y, 0) FROM xr$$),
  ('confidence 1', $$SELECT incentive_ab(t, y, 1) FROM xr$$),
  ('confidence NaN', $$SELECT incentive_ab(t, y, 'NaN') FROM xr$$),
  ('confidence NULL', $$SELECT incentive_ab(t, y, NULL) FROM xr$$),
  ('confidence varies', $$SELECT incentive_ab(t, y, CASE WHEN i < 100 THEN 0.9 ELSE 0.95 END) FROM xr$$),
  ('confidence 0.999999', $$SELECT round((incentive_ab(t, y, 0.999999)).wald_upper::numeric, 6) FROM xr$$),
  ('CUPED reference', $$SELECT round((incentive_ab_cuped(t, y, x)).cuped_difference::numeric, 12) FROM xr$$),
  ('CUPED NULL covariate skipped', $$SELECT (incentive_ab_cuped(t, y, CASE WHEN i % 5 = 0 THEN NULL ELSE x END)).n_skipped FROM xr$$),
  ('CUPED NaN covariate', $$SELECT incentive_ab_cuped(t, y, 'NaN') FROM xr$$),
  ('CUPED infinite covariate', $$SELECT incentive_ab_cuped(t, y, '-Infinity') FROM xr$$),
  ('CUPED covariate 1e101', $$SELECT incentive_ab_cuped(t, y, 1e101) FROM xr$$),
  ('CUPED covariates up to 9e99', $$SELECT (incentive_ab_cuped(t, y, x * 1e99)).cuped_theta IS NOT NULL FROM xr$$),
  ('CUPED confidence out of range', $$SELECT incentive_ab_cuped(t, y, x, 2) FROM xr$$),
  ('window', $$SELECT string_agg(((r).n_control + (r).n_treated)::text, ',' ORDER BY i) FROM (SELECT i, incentive_ab(t, y) OVER (ORDER BY i ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) r FROM xr WHERE i <= 5) s$$)
) v(label, q);

-- a float8[] with a null bitmap but no NULL (PL/pgSQL keeps the bitmap)
CREATE FUNCTION pg_temp.bm(v float8[]) RETURNS float8[] LANGUAGE plpgsql
  AS $$ DECLARE s float8[] := v; BEGIN s[2] := NULL; s[2] := v[2]; RETURN s; END $$;
-- (the combine function, in an aggregate over states, receives it as its second argument)
CREATE AGGREGATE pg_temp.ab_merge(float8[]) (SFUNC = incentive_ab_combinefn, STYPE = float8[],
  INITCOND = '{0,0,0,0,0,0,0,0,0,0,0,0,0,0}', FINALFUNC = incentive_ab_finalfn);
-- hand-made states given to the support functions
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('final: valid state', $$SELECT (incentive_ab_finalfn('{0,0.9,10,4,0,0,0,0,10,6,0,0,0,0}')).difference$$),
  ('final: valid state with a null bitmap but no NULL', $$SELECT (incentive_ab_finalfn(pg_temp.bm('{0,0.9,10,4,0,0,0,0,10,6,0,0,0,0}'))).difference$$),
  ('combine: valid states with a null bitmap but no NULL', $$SELECT (pg_temp.ab_merge(pg_temp.bm(s))).difference FROM (VALUES ('{0,0.9,10,4,0,0,0,0,10,6,0,0,0,0}'::float8[]), ('{1,0.9,10,4,0,0,0,0,10,6,0,0,0,0}')) v(s)$$),
  ('final: NULL state', $$SELECT incentive_ab_finalfn(NULL)$$),
  ('final: empty array', $$SELECT incentive_ab_finalfn('{}')$$),
  ('final: short', $$SELECT incentive_ab_finalfn('{0,0,1}')$$),
  ('final: NULL element', $$SELECT incentive_ab_finalfn('{0,0,10,4,0,0,0,0,10,6,0,0,NULL,0}')$$),
  ('final: NaN', $$SELECT incentive_ab_finalfn('{0,0,10,4,NaN,0,0,0,10,6,0,0,0,0}')$$),
  ('final: retained > n', $$SELECT incentive_ab_finalfn('{0,0,10,11,0,0,0,0,10,6,0,0,0,0}')$$),
  ('final: fractional count', $$SELECT incentive_ab_finalfn('{0,0,10.5,4,0,0,0,0,10,6,0,0,0,0}')$$),
  ('final: covariate mean low part beyond 1e100', $$SELECT incentive_ab_cuped_finalfn('{0,0,10,4,1,1,0,1e101,10,6,1,1,0,0}')$$),
  ('final: negative variance', $$SELECT incentive_ab_cuped_finalfn('{0,0,10,4,1,-1,0,0,10,6,1,0,0,0}')$$),
  ('final: confidence 7', $$SELECT incentive_ab_finalfn('{0,7,10,4,0,0,0,0,10,6,0,0,0,0}')$$),
  ('final: two-dimensional', $$SELECT incentive_ab_finalfn('{{0,0,10,4,0,0,0},{0,10,6,0,0,0,0}}')$$),
  ('final: count beyond bigint', $$SELECT incentive_ab_finalfn('{0,0,1e300,0,0,0,0,0,1,1,0,0,0,0}')$$),
  ('final: skipped beyond bigint', $$SELECT incentive_ab_finalfn('{1e300,0,1,0,0,0,0,0,1,1,0,0,0,0}')$$),
  ('combine: outside an aggregate', $$SELECT incentive_ab_combinefn('{0,0,10,4,0,0,0,0,10,6,0,0,0,0}', '{1,0,1,1,0,0,0,0,0,0,0,0,0,0}')$$),
  ('combine: confidences differ', $$SELECT incentive_ab_combinefn('{0,0.9,10,4,0,0,0,0,10,6,0,0,0,0}', '{1,0.95,1,1,0,0,0,0,0,0,0,0,0,0}')$$),
  ('transition: outside an aggregate', $$SELECT incentive_ab_transfn('{0,0,0,0,0,0,0,0,0,0,0,0,0,0}', true, true)$$)
) v(label, q);

-- ---------------------------------------------------------------- planning
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('reference', $$SELECT incentive_sample_size(0.68, 0.03)$$),
  ('base 0', $$SELECT incentive_sample_size(0, 0.03)$$),
  ('base 1', $$SELECT incentive_sample_size(1, -0.03)$$),
  ('base NaN', $$SELECT incentive_sample_size('NaN', 0.03)$$),
  ('mde 0', $$SELECT incentive_sample_size(0.5, 0)$$),
  ('base + mde 1', $$SELECT incentive_sample_size(0.5, 0.5)$$),
  ('base + mde below 0', $$SELECT incentive_sample_size(0.1, -0.2)$$),
  ('alpha 0', $$SELECT incentive_sample_size(0.5, 0.1, 0)$$),
  ('alpha 1', $$SELECT incentive_sample_size(0.5, 0.1, 1)$$),
  ('power 0', $$SELECT incentive_sample_size(0.5, 0.1, 0.05, 0)$$),
  ('power 1', $$SELECT incentive_sample_size(0.5, 0.1, 0.05, 1)$$),
  ('power NaN', $$SELECT incentive_sample_size(0.5, 0.1, 0.05, 'NaN')$$),
  ('NULL', $$SELECT incentive_sample_size(NULL, 0.1)$$),
  ('an effect of 1e-12', $$SELECT incentive_sample_size(0.5, 1e-12)$$),
  ('an effect of 1e-16', $$SELECT incentive_sample_size(0.5, 1e-16)$$),
  ('an effect that rounds to 0', $$SELECT incentive_sample_size(0.5, 1e-17)$$),
  -- an effect size so small that the first guess overflowed: the bracket's
  -- lower end stayed infinite and the search never ended (nor could be cancelled)
  ('base 1e-310, an effect of 1e-310', $$SELECT incentive_sample_size(1e-310, 1e-310)$$),
  ('base 1e-310, an effect of 1e-310, alpha above power', $$SELECT incentive_sample_size(1e-310, 1e-310, 0.5, 0.4)$$),
  ('base 1e-300, an effect of -5e-301', $$SELECT incentive_sample_size(1e-300, -5e-301, 1e-300, 0.999999)$$),
  ('power: reference', $$SELECT round(incentive_power(0.68, 0.03, 1000)::numeric, 12)$$),
  ('power: n 0', $$SELECT incentive_power(0.68, 0.03, 0)$$),
  ('power: n infinite', $$SELECT incentive_power(0.68, 0.03, 'Infinity')$$),
  ('power: n huge', $$SELECT incentive_power(0.68, 0.03, 1e300)$$)
) v(label, q);

-- ---------------------------------------------------------------- uplift
CREATE TEMP TABLE um AS
SELECT retention_train(ARRAY[x], y) FILTER (WHERE t) AS mt, retention_train(ARRAY[x], y) FILTER (WHERE NOT t) AS mc FROM xr;
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('array', $$SELECT round(retention_uplift(mt, mc, ARRAY[3.0])::numeric, 12) FROM um$$),
  ('numeric array literal', $$SELECT retention_uplift(mt, mc, ARRAY[3.0]) = retention_uplift(mt, mc, ARRAY[3.0::float8]) FROM um$$),
  ('NULL element', $$SELECT retention_uplift(mt, mc, ARRAY[NULL::float8]) FROM um$$),
  ('wrong length', $$SELECT retention_uplift(mt, mc, ARRAY[1.0, 2.0]) FROM um$$),
  ('NaN feature', $$SELECT retention_uplift(mt, mc, ARRAY['NaN'::float8]) FROM um$$),
  ('record without the feature', $$SELECT retention_uplift(mt, mc, (SELECT r FROM (SELECT 1.0 AS other) r)) FROM um$$),
  ('record', $$SELECT retention_uplift(mt, mc, (SELECT r FROM (SELECT 3.0::float8 AS f1) r)) = retention_uplift(mt, mc, ARRAY[3.0]) FROM um$$),
  ('jsonb not an object', $$SELECT retention_uplift(mt, mc, '[1]'::jsonb) FROM um$$),
  ('models of different features', $$SELECT retention_uplift(mt, (SELECT retention_train(ARRAY[x, u], y) FROM xr), ARRAY[3.0]) FROM um$$),
  ('eval: reference', $$SELECT round((incentive_uplift_eval(u, t, y)).qini_coefficient::numeric, 12) FROM xr$$),
  ('eval: no rows', $$SELECT incentive_uplift_eval(u, t, y) FROM xr WHERE false$$),
  ('eval: only NULLs', $$SELECT incentive_uplift_eval(NULL, t, y) FROM xr$$),
  ('eval: only NULLs, skipped counted', $$SELECT (incentive_uplift_eval(NULL, t, y)).n_skipped FROM xr$$),
  ('eval: NaN uplift', $$SELECT incentive_uplift_eval('NaN', t, y) FROM xr$$),
  ('eval: infinite uplifts', $$SELECT round((incentive_uplift_eval(CASE WHEN i % 2 = 0 THEN 'Infinity' ELSE '-Infinity' END::float8, t, y)).qini_coefficient::numeric, 12) FROM xr$$),
  ('eval: k 0', $$SELECT incentive_uplift_eval(u, t, y, 0) FROM xr$$),
  ('eval: k 1', $$SELECT incentive_uplift_eval(u, t, y, 1) FROM xr$$),
  ('eval: k NULL', $$SELECT incentive_uplift_eval(u, t, y, NULL) FROM xr$$),
  ('eval: k varies', $$SELECT incentive_uplift_eval(u, t, y, CASE WHEN i < 50 THEN 0.1 ELSE 0.2 END) FROM xr$$),
  ('eval: k tiny (no row in the top)', $$SELECT (incentive_uplift_eval(u, t, y, 0.001)).uplift_at_k FROM xr$$),
  ('eval: one arm', $$SELECT (r).qini_coefficient IS NULL AND (r).uplift_auc IS NULL FROM (SELECT incentive_uplift_eval(u, t, y) r FROM xr WHERE t) s$$),
  ('eval: one row', $$SELECT cardinality((incentive_uplift_eval(u, t, y)).curve) FROM xr WHERE i = 1$$),
  ('eval: nobody retained', $$SELECT (incentive_uplift_eval(u, t, false)).qini_coefficient FROM xr$$),
  ('demo: NULL', $$SELECT count(*) FROM retention_demo_experiment(NULL)$$),
  ('demo: negative', $$SELECT count(*) FROM retention_demo_experiment(-1)$$),
  ('demo: too many', $$SELECT count(*) FROM retention_demo_experiment(100000001)$$),
  ('demo: 0 members', $$SELECT count(*) FROM retention_demo_experiment(0)$$)
) v(label, q);

-- incentive_uplift_eval's row limit counts the rows of all four classes, on
-- every row: 1MB allows 131072 rows, however they are spread (a class filling
-- room it reserved while the others were small used to go past the limit)
SET community_retention.max_train_memory = '1MB';
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('eval: 131072 rows in four classes at 1MB', $$SELECT (incentive_uplift_eval(i, i % 4 >= 2, i % 2 = 1)).n FROM generate_series(1, 131072) i$$),
  ('eval: 131073 rows in four classes at 1MB', $$SELECT (incentive_uplift_eval(i, i % 4 >= 2, i % 2 = 1)).n FROM generate_series(1, 131073) i$$),
  ('eval: 32768 retained, then 131072 lapsed rows at 1MB', $$SELECT (incentive_uplift_eval(i, false, i <= 32768)).n FROM generate_series(1, 32768 + 131072) i$$),
  ('eval: 98304 lapsed, then 32769 retained rows at 1MB', $$SELECT (incentive_uplift_eval(i, false, i > 98304)).n FROM generate_series(1, 131073) i$$)
) v(label, q);
RESET community_retention.max_train_memory;
