-- Model registry: bad input gives clear errors with SQLSTATEs, and a
-- non-superuser who installs the extension can use all of it while a role
-- without grants cannot write.
\set VERBOSITY default
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';
CREATE TEMP TABLE reg_rows AS
SELECT i, ARRAY[(i % 7)::float8, (i % 3)::float8] AS x, (i % 7 + i % 3) % 4 <> 0 AS y
FROM generate_series(1, 200) i;
-- runs a statement and shows its SQLSTATE and message (or 'ok')
CREATE FUNCTION pg_temp.err(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'ok';
EXCEPTION WHEN others THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;
CREATE TEMP TABLE reg_model AS
SELECT retention_train(x, y, '{"features": ["a", "b"], "l2": 1}') AS m FROM reg_rows;

-- saving: NULL or empty name, NULL model, metrics that are not an object
SELECT pg_temp.err($q$SELECT retention_model_save(NULL, (SELECT m FROM reg_model))$q$);
SELECT pg_temp.err($q$SELECT retention_model_save('', (SELECT m FROM reg_model))$q$);
SELECT pg_temp.err($q$SELECT retention_model_save('churn', NULL)$q$);
SELECT pg_temp.err($q$SELECT retention_model_save('churn', (SELECT m FROM reg_model), '[1, 2]')$q$);
-- direct inserts meet the same rules as constraints
SELECT pg_temp.err($q$INSERT INTO retention_model_registry (name, version, model) VALUES ('', 1, (SELECT m FROM reg_model))$q$);
SELECT pg_temp.err($q$INSERT INTO retention_model_registry (name, version, model) VALUES ('x', 0, (SELECT m FROM reg_model))$q$);
-- versions are numbered per name, from 1
SELECT retention_model_save('churn', (SELECT m FROM reg_model), '{"auc": 0.8}', 'first') AS v1;
SELECT retention_model_save('churn', (SELECT m FROM reg_model)) AS v2;
SELECT retention_model_save('other', (SELECT m FROM reg_model)) AS other_v1;
-- fetching a name with no active version, activating what does not exist
SELECT pg_temp.err($q$SELECT retention_model_active('churn')$q$);
SELECT pg_temp.err($q$SELECT retention_model_active('nobody')$q$);
SELECT retention_model_active(NULL) IS NULL AS null_name_gives_null;
SELECT pg_temp.err($q$SELECT retention_model_activate('churn', 3)$q$);
SELECT pg_temp.err($q$SELECT retention_model_activate('nobody', 1)$q$);
SELECT pg_temp.err($q$SELECT retention_model_activate('churn', NULL)$q$);
-- activate, switch, roll back: always exactly one active version
SELECT retention_model_activate('churn', 2);
SELECT retention_model_activate('churn', 1);
SELECT retention_model_activate('churn', 1);
SELECT name, version, active, metrics, note, created_by = current_user AS by_me
FROM retention_model_registry ORDER BY name, version;
SELECT retention_model_active('churn')::text = (SELECT m::text FROM reg_model) AS fetched_the_active_model;
-- a second active version of a name is refused by the table itself
SELECT pg_temp.err($q$UPDATE retention_model_registry SET active = true WHERE name = 'churn' AND version = 2$q$);
-- a unique index added by the table's owner is enforced, not retried
CREATE UNIQUE INDEX registry_one_note ON retention_model_registry (note);
SELECT pg_temp.err($q$SELECT retention_model_save('churn', (SELECT m FROM reg_model), NULL, 'first')$q$);
DROP INDEX registry_one_note;
DELETE FROM retention_model_registry;

-- A non-superuser database owner installs the extension: the registry table
-- is handed to it, the functions work, and another role needs grants.
SELECT current_user AS regress_user \gset
CREATE ROLE cr_reg_owner LOGIN;
CREATE ROLE cr_reg_other LOGIN;
CREATE DATABASE cr_registry OWNER cr_reg_owner;
\c cr_registry cr_reg_owner
CREATE EXTENSION community_retention;
SELECT c.relname, r.rolname AS owner, c.relacl IS NULL AS default_privileges
FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner
WHERE c.relname = 'retention_model_registry';
CREATE TABLE t AS
SELECT i, ARRAY[(i % 7)::float8, (i % 3)::float8] AS x, (i % 7 + i % 3) % 4 <> 0 AS y
FROM generate_series(1, 200) i;
SELECT retention_model_save('churn', retention_train(x, y, '{"features": ["a", "b"]}')) AS v FROM t;
SELECT retention_model_save('churn', retention_train(x, y, '{"features": ["a", "b"], "l2": 5}')) AS v FROM t;
SELECT retention_model_activate('churn', 2);
SELECT round(retention_score(retention_model_active('churn'), ARRAY[3, 1]::float8[])::numeric, 6) AS score;
-- the owner may alter the table, but a column of another type, renamed or
-- dropped is named by every registry function, before it fails deeper in
-- (a smallint version would run out at 32767, a text model fail only on
-- insert, a text note with an operator error); an added column is fine
\set ON_ERROR_ROLLBACK on
BEGIN;
ALTER TABLE retention_model_registry ALTER COLUMN version TYPE smallint;
SELECT retention_model_save('churn', model) FROM retention_model_registry WHERE version = 1;
\echo :LAST_ERROR_SQLSTATE
SELECT retention_model_activate('churn', 1);
SELECT retention_model_active('churn');
ROLLBACK;
BEGIN;
ALTER TABLE retention_model_registry ALTER COLUMN model TYPE bytea USING retention_model_send(model);
SELECT retention_model_active('churn');
ROLLBACK;
BEGIN;
ALTER TABLE retention_model_registry ALTER COLUMN note TYPE int USING 0;
SELECT retention_model_save('churn', retention_model_active('churn'));
ROLLBACK;
BEGIN;
ALTER TABLE retention_model_registry RENAME COLUMN note TO remark;
SELECT retention_model_activate('churn', 1);
\echo :LAST_ERROR_SQLSTATE
ALTER TABLE retention_model_registry RENAME COLUMN remark TO note;
ALTER TABLE retention_model_registry DROP COLUMN created_by;
SELECT retention_model_active('churn');
ROLLBACK;
BEGIN;
ALTER TABLE retention_model_registry ADD COLUMN owner_note text;
SELECT retention_model_save('churn', retention_model_active('churn')) AS v;
ROLLBACK;
\set ON_ERROR_ROLLBACK off
-- another role cannot even read until the owner grants it
\c cr_registry cr_reg_other
SELECT retention_model_active('churn');
\c cr_registry cr_reg_owner
-- the owner may share: reading for everyone it grants SELECT to
GRANT SELECT ON retention_model_registry TO cr_reg_other;
\c cr_registry cr_reg_other
SELECT (retention_model_info(retention_model_active('churn'))).n_rows;
SELECT retention_model_save('churn', (SELECT model FROM retention_model_registry WHERE version = 1));
SELECT retention_model_activate('churn', 1);
INSERT INTO retention_model_registry (name, version, model)
SELECT 'mine', 1, model FROM retention_model_registry WHERE version = 1;
DELETE FROM retention_model_registry;
SELECT name, version, active FROM retention_model_registry ORDER BY version;
\c cr_registry cr_reg_owner
DROP EXTENSION community_retention;
-- in a schema whose name needs quotes and is not on the search_path, the
-- messages qualify the table and the type, and the hint's ALTER, run as it
-- is written, changes the column back
CREATE SCHEMA "Reg S";
CREATE EXTENSION community_retention SCHEMA "Reg S";
SET search_path = public;
ALTER TABLE "Reg S".retention_model_registry ALTER COLUMN version TYPE bigint;
ALTER TABLE "Reg S".retention_model_registry ALTER COLUMN model TYPE text;
CREATE FUNCTION pg_temp.registry_hint() RETURNS text LANGUAGE plpgsql AS $$
DECLARE msg text; hint text;
BEGIN
  PERFORM "Reg S".retention_model_active('churn');
  RETURN 'no error';
EXCEPTION WHEN datatype_mismatch OR undefined_column THEN
  GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, hint = PG_EXCEPTION_HINT;
  RETURN msg || E'\n' || hint;
WHEN undefined_object THEN
  RETURN 'the columns are as created: ' || SQLERRM;
END $$;
CREATE FUNCTION pg_temp.run_hint() RETURNS text LANGUAGE plpgsql AS $$
DECLARE h text := split_part(pg_temp.registry_hint(), E'\n', 2);
BEGIN
  EXECUTE rtrim(substr(h, length('Change it back: ') + 1), '.');
  RETURN 'ran';
END $$;
SELECT pg_temp.registry_hint();
SELECT pg_temp.run_hint();
SELECT pg_temp.registry_hint();
SELECT pg_temp.run_hint();
SELECT pg_temp.registry_hint();
-- no cast leads back from bigint to timestamptz, nor from bytea to the
-- model type (the hint gave USING model::"Reg S".retention_model, which
-- fails): the hint says so, and for bytea holding the models' binary form
-- (retention_model_send's bytes) gives a way back through the type's
-- binary input, which works (run as a superuser, for the server's files)
BEGIN;
ALTER TABLE "Reg S".retention_model_registry ALTER COLUMN created_at DROP DEFAULT, ALTER COLUMN created_at TYPE bigint USING 0;
SELECT pg_temp.registry_hint();
ROLLBACK;
SELECT "Reg S".retention_model_save('churn', "Reg S".retention_train(x, y, '{"features": ["a", "b"]}')) AS v FROM t;
CREATE TABLE saved_models AS SELECT version, model::text AS m FROM "Reg S".retention_model_registry;
ALTER TABLE "Reg S".retention_model_registry ALTER COLUMN model TYPE bytea USING "Reg S".retention_model_send(model);
SELECT pg_temp.registry_hint();
ALTER TABLE "Reg S".retention_model_registry ALTER COLUMN model TYPE "Reg S".retention_model USING model::"Reg S".retention_model;
\c cr_registry :regress_user
DO $$
DECLARE
  path text := '/tmp/cr_registry_badinput_' || pg_backend_pid() || '.bin';
BEGIN
  EXECUTE format('COPY "Reg S".retention_model_registry TO %L WITH (FORMAT binary)', path);
  DELETE FROM "Reg S".retention_model_registry;
  ALTER TABLE "Reg S".retention_model_registry ALTER COLUMN model TYPE "Reg S".retention_model USING NULL;
  EXECUTE format('COPY "Reg S".retention_model_registry FROM %L WITH (FORMAT binary)', path);
  -- the program reads all of its input (an early exit is a Broken pipe)
  EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'cat >/dev/null && rm -f ' || path);
END $$;
\c cr_registry cr_reg_owner
SELECT r.version, r.model::text = s.m AS same_model
FROM "Reg S".retention_model_registry r JOIN saved_models s USING (version) ORDER BY 1;
SELECT "Reg S".retention_model_activate('churn', 1);
SELECT "Reg S".retention_model_active('churn')::text = (SELECT m FROM saved_models) AS active_is_saved;
DROP TABLE saved_models;
RESET search_path;
DROP EXTENSION community_retention;
DROP SCHEMA "Reg S";
\c contrib_regression :regress_user
DROP DATABASE cr_registry;
DROP ROLE cr_reg_owner;
DROP ROLE cr_reg_other;
