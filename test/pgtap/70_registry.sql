-- Model registry: versions, activation and roll-back, the STABLE fetch seen
-- by a materialized view at its next refresh, pg_dump registration, and
-- row-level security with two roles.
BEGIN;
SELECT plan(40);

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
-- Unicode white space is white space under every collation (under C,
-- [[:space:]] knows ASCII only: such a name failed the CHECK on a restore
-- into a C.UTF-8 database)
SELECT throws_ok($$SELECT retention_model_save(E'\u3000\u00a0' COLLATE pg_catalog."C", (SELECT m FROM reg_models WHERE l2 = 0))$$,
                 '22023', 'model name must not be empty', 'a name of Unicode white space is empty, also under collation C');
SELECT throws_ok($$INSERT INTO retention_model_registry (name, version, model) SELECT E'\u2003', 1, m FROM reg_models WHERE l2 = 0$$,
                 '23514', NULL, 'and the table''s CHECK refuses it');

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

-- a prepared statement's generic plan fetches the active version at each execution
SET LOCAL plan_cache_mode = force_generic_plan;
CREATE TEMP TABLE reg_prepared (k int, score float8);
PREPARE reg_score(int, text) AS
  INSERT INTO reg_prepared SELECT $1, retention_score((SELECT retention_model_active($2)), ARRAY[5, 2]::float8[]);
EXECUTE reg_score(1, 't_churn');
SELECT retention_model_activate('t_churn', 2);
EXECUTE reg_score(2, 't_churn');
SELECT results_eq($$SELECT k, score FROM reg_prepared ORDER BY k$$,
                  $$SELECT l2::int / 50 + 1, retention_score(m, ARRAY[5, 2]::float8[]) FROM reg_models ORDER BY l2$$,
                  'a generic plan scores with version 1, then with version 2 once it is activated');
DEALLOCATE reg_score;
RESET plan_cache_mode;
SELECT retention_model_activate('t_churn', 1);

-- a look-alike in the extension's schema (second in the functions'
-- search_path) taking the argument's exact type would beat pg_catalog's
-- format(text, VARIADIC "any"): the bodies call pg_catalog.format
CREATE FUNCTION pg_temp.reg_detail() RETURNS text LANGUAGE plpgsql AS $$
DECLARE d text;
BEGIN
  PERFORM retention_model_save(pg_catalog.repeat('n', 2000), (SELECT m FROM reg_models WHERE l2 = 0));
  RETURN 'no error';
EXCEPTION WHEN program_limit_exceeded THEN
  GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
  RETURN d;
END $$;
CREATE FUNCTION public.format(text, integer) RETURNS text LANGUAGE sql AS $$ SELECT 'planted'::text $$;
CREATE TEMP TABLE reg_planted AS SELECT pg_temp.reg_detail() AS detail;
DROP FUNCTION public.format(text, integer);
SELECT is((SELECT detail FROM reg_planted), 'The name has 2000 bytes; at most 1024 are allowed.',
          'a format(text, integer) planted in the extension''s schema is not called');

-- column privileges: a role that may only save, and one that may only activate
CREATE ROLE cr_tap_saver;
CREATE ROLE cr_tap_activator;
GRANT SELECT, INSERT (name, version, model, metrics, note) ON retention_model_registry TO cr_tap_saver;
GRANT SELECT, UPDATE (active) ON retention_model_registry TO cr_tap_activator;
GRANT SELECT ON reg_models TO cr_tap_saver, cr_tap_activator;
SET LOCAL ROLE cr_tap_saver;
SELECT is(retention_model_save('t_churn', (SELECT m FROM reg_models WHERE l2 = 50), NULL, 'by the saver'), 3,
          'INSERT on (name, version, model, metrics, note) is enough to save');
SELECT throws_ok($$INSERT INTO retention_model_registry (name, version, model, active)
                   SELECT 't_churn', 4, m, true FROM reg_models WHERE l2 = 0$$, '42501', NULL,
                 'but not to insert an active version');
SELECT throws_ok($$INSERT INTO retention_model_registry (name, version, model, created_by)
                   SELECT 't_churn', 4, m, 'someone_else' FROM reg_models WHERE l2 = 0$$, '42501', NULL,
                 'nor to write another role into created_by');
RESET ROLE;
SET LOCAL ROLE cr_tap_activator;
SELECT lives_ok($$SELECT retention_model_activate('t_churn', 3)$$, 'UPDATE (active) is enough to activate');
SELECT throws_ok($$UPDATE retention_model_registry SET model = (SELECT m FROM reg_models WHERE l2 = 0) WHERE name = 't_churn' AND version = 3$$,
                 '42501', NULL, 'but not to rewrite a saved model');
RESET ROLE;
SELECT retention_model_activate('t_churn', 1);

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
SELECT throws_ok($$SELECT retention_model_activate('a_model', 2)$$, '42501', 'could not activate version 2 of model "a_model"',
                 'activating beside an active version b cannot see: 42501, not a serialization failure a client would retry forever');
RESET ROLE;
SELECT results_eq($$SELECT version, created_by, active FROM retention_model_registry WHERE name = 'a_model' ORDER BY version$$,
                  $$VALUES (1, 'cr_tap_coach_a'::text, true), (2, 'cr_tap_coach_b', false)$$,
                  'the superuser (owner) sees both');
-- b sees every version but may update only its own: it cannot deactivate a's
DROP POLICY own_models ON retention_model_registry;
CREATE POLICY see_all ON retention_model_registry FOR SELECT USING (true);
CREATE POLICY insert_own ON retention_model_registry FOR INSERT WITH CHECK (created_by = current_user);
CREATE POLICY update_own ON retention_model_registry FOR UPDATE USING (created_by = current_user);
SET LOCAL ROLE cr_tap_coach_b;
SELECT throws_ok($$SELECT retention_model_activate('a_model', 2)$$, '42501', 'could not activate version 2 of model "a_model"',
                 'activating beside an active version b sees but may not update: 42501 too');
RESET ROLE;
-- b's own version active, a's visible to b but not updatable by it: rolling
-- back to a's must fail, not switch b's off and report success with no
-- version active
SELECT retention_model_activate('a_model', 2);
SET LOCAL ROLE cr_tap_coach_b;
SELECT throws_ok($$SELECT retention_model_activate('a_model', 1)$$, '42501', 'could not activate version 1 of model "a_model"',
                 'activating a version b sees but may not update: 42501, not a silent no-op');
RESET ROLE;
SELECT results_eq($$SELECT version, active FROM retention_model_registry WHERE name = 'a_model' ORDER BY version$$,
                  $$VALUES (1, false), (2, true)$$, 'and b''s version stays active');
-- a trigger of the owner's that skips the update: no active version would
-- be left, and row-level security is not the reason (the table's RLS off
-- for the owner, who is not subject to it)
ALTER TABLE retention_model_registry DISABLE ROW LEVEL SECURITY;
CREATE FUNCTION pg_temp.skip_v3() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RETURN CASE WHEN NEW.version = 3 AND NEW.active THEN NULL ELSE NEW END; END $$;
CREATE TRIGGER skip_v3 BEFORE UPDATE ON retention_model_registry FOR EACH ROW EXECUTE FUNCTION pg_temp.skip_v3();
SELECT retention_model_save('t_trig', m) FROM reg_models WHERE l2 = 0 UNION ALL
SELECT retention_model_save('t_trig', m) FROM reg_models WHERE l2 = 0 UNION ALL
SELECT retention_model_save('t_trig', m) FROM reg_models WHERE l2 = 0;
SELECT retention_model_activate('t_trig', 1);
SELECT throws_ok($$SELECT retention_model_activate('t_trig', 3)$$, '09000', 'could not activate version 3 of model "t_trig"',
                 'a trigger that skips the activation: 09000, not blamed on row-level security');
SELECT results_eq($$SELECT version FROM retention_model_registry WHERE name = 't_trig' AND active$$,
                  $$VALUES (1)$$, 'and version 1 stays active');
-- a trigger that keeps the active version from being switched off: not a
-- serialization failure (40001, "retry"), which a retry loop would repeat
-- forever under READ COMMITTED with no other session about
DROP TRIGGER skip_v3 ON retention_model_registry;
CREATE FUNCTION pg_temp.keep_active() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RETURN CASE WHEN OLD.active AND NOT NEW.active THEN NULL ELSE NEW END; END $$;
CREATE TRIGGER keep_active BEFORE UPDATE ON retention_model_registry FOR EACH ROW EXECUTE FUNCTION pg_temp.keep_active();
SELECT throws_ok($$SELECT retention_model_activate('t_trig', 2)$$, '09000', 'could not activate version 2 of model "t_trig"',
                 'a trigger that skips the deactivation of the active version: 09000, not 40001');
SELECT results_eq($$SELECT version FROM retention_model_registry WHERE name = 't_trig' AND active$$,
                  $$VALUES (1)$$, 'and version 1 stays the only active one');
DROP TRIGGER keep_active ON retention_model_registry;
-- a trigger that skips the insert: no version saved, so none reported
CREATE FUNCTION pg_temp.skip_insert() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$;
CREATE TRIGGER skip_insert BEFORE INSERT ON retention_model_registry FOR EACH ROW EXECUTE FUNCTION pg_temp.skip_insert();
SELECT throws_ok($$SELECT retention_model_save('t_trig', m) FROM reg_models WHERE l2 = 0$$, '09000', 'could not save model "t_trig"',
                 'a trigger that skips the insert: 09000, not the number of a version that was not saved');
DROP TRIGGER skip_insert ON retention_model_registry;

-- names are compared exactly whatever the collation of the argument: a name
-- passed under a case-insensitive (nondeterministic) collation, as read from
-- a column declared with one, is still another model than 't_churn'
CREATE COLLATION reg_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE reg_names (n text COLLATE reg_ci);
INSERT INTO reg_names VALUES ('T_CHURN');
SELECT throws_ok($$SELECT retention_model_active(n) FROM reg_names$$, '42704', 'model "T_CHURN" has no active version',
                 'a case-insensitive collation does not fetch another name''s model');
SELECT throws_ok($$SELECT retention_model_activate(n, 2) FROM reg_names$$, '42704', 'model "T_CHURN" has no version 2',
                 'nor activate another name''s version');
SELECT is((SELECT retention_model_save(n, (SELECT m FROM reg_models WHERE l2 = 0)) FROM reg_names), 1,
          'nor number its versions after another name''s');
SELECT results_eq($$SELECT name, version FROM retention_model_registry WHERE lower(name) = 't_churn' AND active$$,
                  $$VALUES ('t_churn'::text, 1)$$, 'the active version of t_churn is untouched');

-- the blank test is callable on its own, also where the plan could run in
-- parallel mode (its exception handler needs a subtransaction, which no
-- process can start in parallel mode)
-- (force_parallel_mode is debug_parallel_query from PostgreSQL 16 on)
SELECT CASE WHEN current_setting('server_version_num')::int >= 160000
            THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END AS force_parallel \gset
SET LOCAL :force_parallel = on;
-- (lives_ok's EXECUTE may plan in parallel; results_eq's cursor would not)
SELECT lives_ok($$SELECT count(*) FROM (VALUES (' '), ('a')) v(n) WHERE retention_model_name_blank(n)$$,
                'retention_model_name_blank runs where the plan may be parallel');
RESET :force_parallel;

SELECT * FROM finish();
ROLLBACK;
