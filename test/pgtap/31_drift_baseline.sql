-- retention_baseline_drift(baseline float8[], score), retention_score_drift
-- with the model's training score distribution as 21 numbers
-- (retention_score_baseline) instead of the model: equal to it bit for bit, serial, GROUP BY
-- and parallel; its inputs checked with SQLSTATEs.
BEGIN;
SELECT plan(23);

CREATE TEMP TABLE rows_ AS
SELECT i, ARRAY[sin(i::float8), ((i * 37) % 101)::float8 / 50 - 1] AS x,
       ((i * 7919) % 1000)::float8 / 1000 < 1 / (1 + exp(-(0.5 + 1.2 * sin(i::float8)))) AS y,
       i % 3 AS grp
FROM generate_series(1, 3000) i;
CREATE TEMP TABLE m AS SELECT retention_train(x, y) AS model FROM rows_;
CREATE TEMP TABLE s AS
SELECT r.i, r.grp, retention_score(m.model, ARRAY[r.x[1] + (r.i % 5) * 0.1, r.x[2]]) AS score
FROM rows_ r, m;
CREATE FUNCTION pg_temp.explain_lines(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || q; END $$;

SELECT is(array_length(retention_score_baseline(model), 1), 21, 'a baseline has 21 numbers') FROM m;
SELECT ok((SELECT bool_and(b[k] <= b[k + 1]) FROM generate_series(1, 10) k)
          AND b[1] >= 0 AND b[11] <= 1, 'the first 11 are ascending decile edges in [0, 1]')
FROM (SELECT retention_score_baseline(model) AS b FROM m) q;
SELECT ok(abs((SELECT sum(x) FROM unnest(b[12:21]) x) - 1) < 1e-12, 'the last 10 are shares that add up to 1')
FROM (SELECT retention_score_baseline(model) AS b FROM m) q;

SELECT is((SELECT retention_baseline_drift(retention_score_baseline(m.model), s.score) FROM s, m),
          (SELECT retention_score_drift(m.model, s.score) FROM s, m),
          'the baseline form equals the model form exactly');
SELECT cmp_ok((SELECT retention_baseline_drift(retention_score_baseline(m.model), s.score) FROM s, m), '>', 0.01::float8,
          'a shifted population drifts');
SELECT results_eq(
    $$ SELECT s.grp, retention_baseline_drift(retention_score_baseline(m.model), s.score) FROM s, m GROUP BY s.grp ORDER BY s.grp $$,
    $$ SELECT s.grp, retention_score_drift(m.model, s.score) FROM s, m GROUP BY s.grp ORDER BY s.grp $$,
    'GROUP BY: equal to the model form per group');

-- parallel: partial states combined by the leader (temporary tables are never
-- scanned in parallel, so an ordinary one, gone with the ROLLBACK)
CREATE TEMP TABLE bl AS SELECT retention_score_baseline(model) AS b FROM m;
CREATE TABLE drift_big AS SELECT i, score FROM s, generate_series(1, 40) g;
ANALYZE drift_big;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SELECT ok((SELECT string_agg(l, E'\n') FROM pg_temp.explain_lines(
               'SELECT retention_baseline_drift(''{0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1}''::float8[], score) FROM drift_big') l)
          LIKE '%Partial Aggregate%', 'the baseline form runs as a parallel aggregate');
SELECT is((SELECT retention_baseline_drift(bl.b, d.score) FROM drift_big d, bl),
          (SELECT retention_score_drift(m.model, d.score) FROM drift_big d, m),
          'over 120000 rows in parallel, equal to the model form');

SELECT is(retention_baseline_drift(b, score), NULL, 'no rows: NULL') FROM bl, s WHERE false;
SELECT is(retention_baseline_drift(NULL::float8[], score), NULL, 'only NULL baselines: NULL') FROM s;
SELECT is((SELECT retention_baseline_drift(CASE WHEN i % 2 = 0 THEN bl.b END, s.score) FROM s, bl),
          (SELECT retention_score_drift(m.model, s.score) FROM s, m WHERE s.i % 2 = 0),
          'rows with a NULL baseline are skipped');

SELECT throws_ok($$ SELECT retention_baseline_drift(b[1:20], 0.5::float8) FROM bl $$, '22023',
    'invalid baseline for retention_baseline_drift', 'a baseline of 20 numbers is rejected');
SELECT throws_ok($$ SELECT retention_baseline_drift(b[1:20] || NULL::float8, 0.5::float8) FROM bl $$, '22023',
    'invalid baseline for retention_baseline_drift', 'a baseline with a NULL is rejected');
-- A baseline without NULLs may still carry a null bitmap (PL/pgSQL keeps it
-- when the NULL element is assigned): read it as the plain array, not refused.
CREATE FUNCTION pg_temp.with_bitmap(b float8[]) RETURNS float8[] LANGUAGE plpgsql AS $$
DECLARE w float8[] := b[1:20] || NULL::float8;
BEGIN
  w[21] := b[21];
  RETURN w;
END $$;
SELECT is((SELECT retention_baseline_drift(pg_temp.with_bitmap(bl.b), s.score) FROM s, bl),
          (SELECT retention_baseline_drift(bl.b, s.score) FROM s, bl),
          'a baseline that carries a null bitmap but no NULL equals the plain array');
SELECT throws_ok($$ SELECT retention_baseline_drift(b[2:2] || b[1:1] || b[3:21], 0.5::float8) FROM bl $$, '22023',
    'invalid baseline for retention_baseline_drift', 'descending decile edges are rejected');
SELECT throws_ok($$ SELECT retention_baseline_drift(b[1:20] || 1.5::float8, 0.5::float8) FROM bl $$, '22023',
    'invalid baseline for retention_baseline_drift', 'a share above 1 is rejected');
SELECT throws_ok($$ SELECT retention_baseline_drift('{0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.09}'::float8[], 0.5::float8) $$,
    '22023', 'invalid baseline for retention_baseline_drift', 'shares that add up to 0.99 are rejected');
SELECT cmp_ok((SELECT retention_baseline_drift('{0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1,0.1000005}'::float8[], 0.55::float8)),
          '>', 0::float8, 'shares within 1e-6 of 1 are taken');
SELECT throws_ok($$ SELECT retention_score_drift_finalfn('{1,1,0,0,0,0,0,0,0,0,0,0,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,1,0.5,0.5,0.5,0,0,0,0,0,0,0}'::float8[]) $$,
    '22023', 'invalid retention_score_drift state', 'a state whose shares add up to 1.5 is rejected');
SELECT throws_ok($$ SELECT retention_baseline_drift(CASE WHEN i = 7 THEN b[1:20] || 0.5::float8 ELSE b END, s.score) FROM s, bl $$,
    '22023', 'retention_baseline_drift needs the same baseline for every row of a group', 'a second baseline in a group is rejected');
-- a model that differs only in its training shares is another model, in every
-- row order (the transition compared only the edges, the combine all 21 numbers)
CREATE TEMP TABLE m2 AS
SELECT model AS a,
       jsonb_set(jsonb_set(j, '{score_shares,0}', to_jsonb((j->'score_shares'->>0)::float8 + (j->'score_shares'->>1)::float8)),
                 '{score_shares,1}', '0'::jsonb)::text::retention_model AS b
FROM (SELECT model, model::text::jsonb AS j FROM m) q;
SELECT throws_ok($$ SELECT retention_score_drift(mm, 0.5::float8 ORDER BY o)
                    FROM (SELECT a AS mm, 1 AS o FROM m2 UNION ALL SELECT b, 2 FROM m2) x $$,
    '22023', NULL, 'a second model with other shares only is rejected (the trained model first)');
SELECT throws_ok($$ SELECT retention_score_drift(mm, 0.5::float8 ORDER BY o DESC)
                    FROM (SELECT a AS mm, 1 AS o FROM m2 UNION ALL SELECT b, 2 FROM m2) x $$,
    '22023', NULL, 'a second model with other shares only is rejected (the edited model first)');
SELECT throws_ok($$ SELECT retention_baseline_drift(b, 1.5::float8) FROM bl $$, '22023',
    'score 1.5 is outside [0, 1]', 'a score outside [0, 1] is rejected');

SELECT * FROM finish();
ROLLBACK;
