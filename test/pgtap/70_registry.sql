-- Model registry: versions, activation and roll-back, the STABLE fetch seen
-- by a materialized view at its next refresh, pg_dump registration, and
-- row-level security with two roles.
BEGIN;
SELECT plan(17);

CREATE TABLE reg_rows AS
SELECT i, ARRAY[(i % 7)::float8, (i % 3)::float8] AS x, (i % 7 + i % 3) % 4 <> 0 AS y
FROM generate_series(1, 300) i;
CREATE TABLE reg_models AS
SELECT l2, retention_train(x, y, jsonb_build_object('features', ARRAY['a', 'b'], 'l2', l2)) AS m
FROM reg_rows, (VALUES (0.0), (50.0)) v(l2) GROUP BY l2;

SELECT is(retention_model_save('t_churn', (SELECT m FROM reg_models WHERE l2 = 0), '{"auc": 0.7}', 'plain'), 1,
          'the first version of a name is 1');
SELECT is(retention_model_save('t_churn', (SELECT m FROM reg_models WHERE l2 = 50)), 2, 'the next is 2');
SELECT is(retention_model_save('t_other', (SELECT m FROM reg_models WHERE l2 = 50)), 1, 'numbering is per name');
SELECT is((SELECT count(*)::int FROM retention_model_registry WHERE name LIKE 't\_%' AND active), 0,
          'a saved version is not active until activated');

-- a materialized view over the active model follows activations at refresh
SELECT retention_model_activate('t_churn', 1);
CREATE MATERIALIZED VIEW reg_scores AS
SELECT r.i, retention_score((SELECT retention_model_active('t_churn')), r.x) AS score
FROM reg_rows r;
CREATE UNIQUE INDEX ON reg_scores (i);
SELECT is((SELECT score FROM reg_scores WHERE i = 5),
          retention_score((SELECT m FROM reg_models WHERE l2 = 0), ARRAY[5, 2]::float8[]),
          'the view scores with version 1');
SELECT retention_model_activate('t_churn', 2);
SELECT is((SELECT score FROM reg_scores WHERE i = 5),
          retention_score((SELECT m FROM reg_models WHERE l2 = 0), ARRAY[5, 2]::float8[]),
          'activating version 2 does not change the view before its refresh');
REFRESH MATERIALIZED VIEW CONCURRENTLY reg_scores;
SELECT is((SELECT score FROM reg_scores WHERE i = 5),
          retention_score((SELECT m FROM reg_models WHERE l2 = 50), ARRAY[5, 2]::float8[]),
          'after REFRESH ... CONCURRENTLY the view scores with version 2');
SELECT retention_model_activate('t_churn', 1);
REFRESH MATERIALIZED VIEW reg_scores;
SELECT is((SELECT score FROM reg_scores WHERE i = 5),
          retention_score((SELECT m FROM reg_models WHERE l2 = 0), ARRAY[5, 2]::float8[]),
          'rolled back to version 1 (activating the older version), refreshed');
SELECT results_eq($$SELECT version, active FROM retention_model_registry WHERE name = 't_churn' ORDER BY version$$,
                  $$VALUES (1, true), (2, false)$$, 'exactly one active version after the roll-back');
DROP MATERIALIZED VIEW reg_scores;

-- labels and registration
SELECT is((SELECT provolatile::text || proparallel::text || prosecdef::text FROM pg_proc
           WHERE oid = 'retention_model_active(text)'::regprocedure), 'ssfalse',
          'retention_model_active is STABLE, PARALLEL SAFE, SECURITY INVOKER');
SELECT is((SELECT string_agg(provolatile::text || proparallel::text || prosecdef::text, ',' ORDER BY proname) FROM pg_proc
           WHERE proname IN ('retention_model_save', 'retention_model_activate')), 'vufalse,vufalse',
          'save and activate are VOLATILE, PARALLEL UNSAFE, SECURITY INVOKER');
SELECT ok((SELECT 'retention_model_registry'::regclass = ANY (extconfig) FROM pg_extension
           WHERE extname = 'community_retention'), 'the registry is a configuration table: pg_dump keeps its rows');

-- row-level security: the owner enables it, two roles see and write only their models
CREATE ROLE cr_tap_coach_a;
CREATE ROLE cr_tap_coach_b;
GRANT SELECT, INSERT, UPDATE ON retention_model_registry TO cr_tap_coach_a, cr_tap_coach_b;
GRANT SELECT ON reg_models TO cr_tap_coach_a, cr_tap_coach_b;
ALTER TABLE retention_model_registry ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_models ON retention_model_registry
  USING (created_by = current_user) WITH CHECK (created_by = current_user);
SET LOCAL ROLE cr_tap_coach_a;
SELECT is(retention_model_save('a_model', (SELECT m FROM reg_models WHERE l2 = 0)), 1, 'coach a saves version 1');
SELECT retention_model_activate('a_model', 1);
RESET ROLE;
SET LOCAL ROLE cr_tap_coach_b;
SELECT is((SELECT count(*)::int FROM retention_model_registry), 0, 'coach b sees none of coach a''s versions');
SELECT throws_ok($$SELECT retention_model_active('a_model')$$, '42704', 'model "a_model" has no active version',
                 'and cannot fetch coach a''s model');
SELECT is(retention_model_save('a_model', (SELECT m FROM reg_models WHERE l2 = 50)), 2,
          'saving under the same name skips the number taken by a row b cannot see');
RESET ROLE;
SELECT results_eq($$SELECT version, created_by, active FROM retention_model_registry WHERE name = 'a_model' ORDER BY version$$,
                  $$VALUES (1, 'cr_tap_coach_a'::text, true), (2, 'cr_tap_coach_b', false)$$,
                  'the superuser (owner) sees both');

SELECT * FROM finish();
ROLLBACK;
