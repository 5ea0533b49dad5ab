-- Experiments at their edges: tiny and huge arms, unequal CUPED arms,
-- assignment at the bigint extremes with many arms and odd weight sums,
-- planning for effects too small for a bigint of members.  Reference values
-- from test/reference/experiment_edge_reference.py (statsmodels, mpmath,
-- scipy, and the README's hash in Python).
BEGIN;
SELECT plan(16);

CREATE FUNCTION pg_temp.close(a float8, b float8, tol float8 DEFAULT 1e-12) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$ SELECT (a IS NULL AND b IS NULL) OR abs(a - b) <= tol * greatest(1.0, abs(b)) $$;

-- ---------------------------------------------------------------- incentive_ab, tiny and huge arms
CREATE TEMP TABLE edge_ab(id int, yt float8, nt float8, yc float8, nc float8, want float8[]);
INSERT INTO edge_ab VALUES
 (1, 1, 1, 0, 1, '{1.0,NULL,NULL,-0.12210872068194178,1.0,NULL,NULL,NULL,1.414213562373095,0.15729920705028516}'),
 (2, 0, 1, 1, 2, '{-0.5,-1.192951912174839,0.1929519121748391,-0.9054687942657693,0.39104934410983594,-1.0,NULL,NULL,-0.8660254037844385,0.3864762307712327}'),
 (3, 1, 2, 1, 2, '{0.0,-0.9799819922700272,0.9799819922700272,-0.5734194679697172,0.5734194679697172,0.0,-0.8591365059067826,6.099071384231338,0.0,1.0}'),
 (4, 2, 2, 1, 2, '{0.5,-0.1929519121748391,1.192951912174839,-0.2725727851131816,0.9054687942657693,1.0,-0.4998046934801874,6.996876315834766,1.1547005383792517,0.24821307898992362}'),
 (5, 2, 2, 0, 2, '{1.0,NULL,NULL,0.06998519885519938,1.0,NULL,NULL,NULL,2.0,0.04550026389635839}'),
 (6, 0, 2, 0, 1, '{0.0,NULL,NULL,-0.7934506856227627,0.657619772493347,NULL,NULL,NULL,NULL,NULL}'),
 (7, 1, 1, 1, 1, '{0.0,NULL,NULL,-0.7934506856227626,0.7934506856227626,0.0,NULL,NULL,NULL,NULL}'),
 (8, 1, 2, 2, 2, '{-0.5,-1.192951912174839,0.1929519121748391,-0.9054687942657693,0.2725727851131816,-0.5,-0.8749511733700468,0.9992190789586914,-1.1547005383792517,0.24821307898992362}'),
 -- arms of 10^12 (mpmath at 50 digits; statsmodels squares nobs in int64)
 (9, 420000000000, 1000000000000, 380000000000, 1000000000000,
  '{0.04,0.03999864322917673,0.04000135677082327,0.039998643229072615,0.04000135677071915,0.10526315789473684,0.10525939797276665,0.10526691782949771,57735.026918962576,0.0}'),
 (10, 123456789012, 1000000000000, 3, 7,
  '{-0.3051146395594286,-0.6717139586841611,0.061484679565303894,-0.6260848464609904,-0.034763066238700895,-0.711934158972,-0.8775392393578381,-0.3223794435701131,-2.4539624446712303,0.014129173668038526}'),
 -- rates near 1 and near each other: computed from the rounded rates (as
 -- statsmodels does) these fields kept only 4 or 5 digits (difference 3e-5,
 -- Newcombe 9e-5, lift 9e-5 relative error at 10^12; 0.01 at 10^15)
 (11, 999999999999, 1000000000000, 999999999997, 1000000000000,
  '{2e-12,-1.9199279690752077e-12,5.919927969075208e-12,-3.0676364996526476e-12,7.879144717938223e-12,2.000000000006e-12,-1.9199279690791647e-12,5.919927969106531e-12,1.000000000001,0.31731050786243015}'),
 (12, 500000000001, 1000000000000, 500000000000, 1000000000000,
  '{1e-12,-1.3859028243496777e-06,1.3859048243496777e-06,-1.3859028243470156e-06,1.3859048243470157e-06,2e-12,-2.7718018072468557e-06,2.771813490164497e-06,1.414213562373095e-06,0.9999988716208329}'),
 (13, 999999999999999, 1000000000000000, 999999999999998, 1000000000000000,
  '{1e-15,-2.394757202228512e-15,4.394757202228512e-15,-3.8855444770533525e-15,6.3566612576375486e-15,1.000000000000002e-15,-2.394757202228513e-15,4.394757202228529e-15,0.5773502691896262,0.5637028616507728}');
-- tiny arms as rows (through the transition and final functions), huge ones as states
CREATE TEMP TABLE edge_got AS
SELECT e.id, CASE WHEN e.nt + e.nc <= 4
  THEN (SELECT incentive_ab(r.t, r.y)
        FROM (SELECT true AS t, g <= e.yt AS y FROM generate_series(1, e.nt::int) g
              UNION ALL SELECT false, g <= e.yc FROM generate_series(1, e.nc::int) g) r)
  ELSE incentive_ab_finalfn(ARRAY[0, 0, e.nc, e.yc, 0, 0, 0, 0, e.nt, e.yt, 0, 0, 0, 0]) END AS r
FROM edge_ab e;
CREATE FUNCTION pg_temp.fields(r incentive_ab_result) RETURNS float8[] LANGUAGE sql IMMUTABLE AS $$
  SELECT ARRAY[r.difference, r.wald_lower, r.wald_upper, r.newcombe_lower, r.newcombe_upper,
               r.relative_lift, r.lift_lower, r.lift_upper, r.z, r.p_value] $$;
SELECT is((SELECT string_agg(e.id::text, ',' ORDER BY e.id) FROM edge_ab e JOIN edge_got g USING (id)
           WHERE e.id <= 8 AND EXISTS (SELECT FROM unnest(pg_temp.fields(g.r), e.want) f(a, b) WHERE NOT pg_temp.close(a, b))),
          NULL, 'arms of 1 and 2 members, all or none retained: every field = statsmodels to 1e-12, NULL where the README says');
SELECT is((SELECT string_agg(e.id::text, ',' ORDER BY e.id) FROM edge_ab e JOIN edge_got g USING (id)
           WHERE e.id > 8 AND EXISTS (SELECT FROM unnest(pg_temp.fields(g.r), e.want) f(a, b)
                                      WHERE NOT (a IS NULL AND b IS NULL) AND NOT abs(a - b) <= 1e-12 * abs(b))),
          NULL, 'arms of 10^12 and 10^15 members, rates near 1 and 2e-12 apart: every field = mpmath to 1e-12 relative');
SELECT ok((SELECT bool_and((r).n_treated = nt AND (r).n_control = nc AND (r).retained_treated = yt AND (r).retained_control = yc)
           FROM edge_ab e JOIN edge_got g USING (id)), 'counts up to 10^15 come back exactly');
SELECT ok((SELECT (r).rate_control IS NULL AND (r).difference IS NULL AND (r).rate_treated = 1 AND (r).n_control = 0
           FROM (SELECT incentive_ab(true, true) AS r) s), 'one member, no control arm: rate_control and every comparison NULL');

-- ---------------------------------------------------------------- CUPED on unequal arms
SELECT ok(pg_temp.close((r).cuped_theta, 0.23744292237442927) AND pg_temp.close((r).cuped_difference, 0.46879756468797557)
          AND pg_temp.close((r).cuped_lower, 0.30418893569658834) AND pg_temp.close((r).cuped_upper, 0.6334061936793628)
          AND pg_temp.close((r).variance_reduction, 0.9047767978148913),
  'CUPED with 1 treated and 3 control members = OLS slope and numpy to 1e-12')
FROM (SELECT incentive_ab_cuped(t, y, x) AS r
      FROM (VALUES (true, true, 2.0), (false, false, -1.0), (false, true, 4.0), (false, false, 0.5)) v(t, y, x)) s;
SELECT ok((r).cuped_theta = (s).cuped_theta AND (r).cuped_difference = (s).cuped_difference AND (r).n_skipped = 2,
  'NULL covariates skip their rows, as if they were not there')
FROM (SELECT incentive_ab_cuped(t, y, x) AS r FROM (VALUES (true, true, 2.0), (false, false, -1.0), (false, true, 4.0),
                                                          (false, false, 0.5), (true, false, NULL), (false, true, NULL)) v(t, y, x)) a,
     (SELECT incentive_ab_cuped(t, y, x) AS s FROM (VALUES (true, true, 2.0), (false, false, -1.0), (false, true, 4.0),
                                                          (false, false, 0.5)) v(t, y, x)) b;

-- ---------------------------------------------------------------- assignment
SELECT is((SELECT array_agg(incentive_assign(k, 'edge', '{1,2,3,4,5,6,7}') ORDER BY o)
           FROM unnest('{-9223372036854775808,9223372036854775807,-1,0,-123456789}'::bigint[]) WITH ORDINALITY u(k, o)),
          '{1,4,6,7,5}'::int[], 'bigint extremes and negative keys, seven arms: the README hash in Python');
SELECT is((SELECT array_agg(incentive_assign(k, 'edge', array_fill(0.1::float8, ARRAY[10])) ORDER BY o)
           FROM unnest('{-9223372036854775808,9223372036854775807,-1,0,-123456789}'::bigint[]) WITH ORDINALITY u(k, o)),
          '{1,4,6,8,4}'::int[], 'ten weights of 0.1 (a sum that is not 1 in float8): the README hash in Python');
SELECT is((SELECT array_agg(incentive_assign(k, 'edge', array_fill(1::float8, ARRAY[1000])) ORDER BY o)
           FROM unnest('{-9223372036854775808,9223372036854775807,-1,0,-123456789}'::bigint[]) WITH ORDINALITY u(k, o)),
          '{2,328,547,756,386}'::int[], '1000 arms: the README hash in Python');
SELECT is((SELECT array_agg(incentive_assign(k, 'edge', '{1e-300,0,2e-300}') ORDER BY o)
           FROM unnest('{-9223372036854775808,9223372036854775807,-1,0,-123456789}'::bigint[]) WITH ORDINALITY u(k, o)),
          '{1,1,3,3,3}'::int[], 'weights of 1e-300 with a zero between: the README hash in Python');
CREATE TEMP TABLE edge_arms AS
SELECT incentive_assign(g, 'balance', '{1,2,3,4,5,6,7}') AS a7,
       incentive_assign(g, 'balance', array_fill(1::float8, ARRAY[1000])) AS a1000
FROM generate_series(-500000, 499999) g;
SELECT cmp_ok((SELECT sum((c - 1e6 * a7 / 28.0) ^ 2 / (1e6 * a7 / 28.0))::float8 FROM (SELECT a7, count(*) AS c FROM edge_arms GROUP BY a7) s),
  '<', 22.457744484825323::float8,
  'weights 1..7 (sum 28) over 10^6 keys from -500000: chi-square (6 df) below its 0.999 quantile');
SELECT cmp_ok((SELECT sum((c - 1000.0) ^ 2 / 1000.0)::float8 FROM (SELECT a1000, count(*) AS c FROM edge_arms GROUP BY a1000) s),
  '<', 1142.8479838910355::float8, '1000 equal arms over 10^6 keys: chi-square (999 df) below its 0.999 quantile');
SELECT is((SELECT count(DISTINCT a1000)::int FROM edge_arms), 1000, 'every one of 1000 arms is used');

-- ---------------------------------------------------------------- planning for tiny effects
-- the first guess of the size overflowed to infinity, and the search halved an
-- infinite bracket forever, without a check for interrupts
SELECT throws_ok($$SELECT incentive_sample_size(1e-310, 1e-310)$$, '22003', NULL,
  'an effect of 1e-310 from a base rate of 1e-310 needs about 2.3e311 members (mpmath): out of range, not a search without end');
SELECT throws_ok($$SELECT incentive_sample_size(1e-300, -5e-301, 1e-300, 0.999999)$$, '22003', NULL,
  'a decrease of 5e-301, alpha 1e-300, power 0.999999 needs about 1.0e304 members (mpmath): out of range');
SELECT is(incentive_sample_size(1e-310, 1e-310, 0.5, 0.4), 1::bigint,
  'the same tiny effect with alpha above the power: 1 member (the power is at least alpha)');

SELECT * FROM finish();
ROLLBACK;
