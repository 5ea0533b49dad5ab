-- The README's way to move the extension to another schema (FAQ "Can I
-- install it in another schema, or move it later?"), run by the owner on a
-- restored copy: the statements between the two markers are the README's,
-- with new_schema = moved.  Prints the registry's rows line of check.sql,
-- read in the new schema, and what a registry function and a table of the
-- owner's models give afterwards.
\set ON_ERROR_STOP 1
SET TimeZone = 'UTC';
CREATE SCHEMA moved;
CREATE TABLE my_models AS
SELECT name, version, model FROM retention_model_registry;
-- README
CREATE TABLE registry_copy AS SELECT * FROM retention_model_registry;
ALTER TABLE registry_copy ALTER COLUMN model TYPE text;
ALTER TABLE my_models ALTER COLUMN model TYPE text;   -- each column of yours
DROP EXTENSION community_retention;
CREATE EXTENSION community_retention SCHEMA moved;
ALTER TABLE my_models ALTER COLUMN model TYPE moved.retention_model
    USING model::moved.retention_model;
INSERT INTO moved.retention_model_registry
       (name, version, created_at, created_by, model, metrics, note, active)
SELECT name, version, created_at, created_by,
       model::moved.retention_model, metrics, note, active
FROM registry_copy;
DROP TABLE registry_copy;
-- end of README
\pset tuples_only on
\pset format unaligned
SELECT 'rows: ' || count(*) || ' ' || md5(string_agg(r::text, E'\n' ORDER BY name, version))
FROM moved.retention_model_registry r;
SELECT 'extension schema: ' || extnamespace::regnamespace FROM pg_extension
WHERE extname = 'community_retention';
SELECT 'my_models: ' || count(*) || ' ' || bool_and(m.model::text = r.model::text)
FROM public.my_models m JOIN moved.retention_model_registry r USING (name, version);
SELECT 'saved: ' || (moved.retention_model_save('moved_model', model) > 0)
FROM public.my_models ORDER BY name, version LIMIT 1;
