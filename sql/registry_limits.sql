-- Model registry: the last version number, blank and over-long names, and
-- what DROP EXTENSION does to saved versions and to what depends on them.
\set VERBOSITY default
\set SHOW_CONTEXT never
SET TimeZone = 'UTC';
CREATE TEMP TABLE lim_model AS
SELECT retention_train(ARRAY[(i % 7)::float8, (i % 3)::float8], (i % 7 + i % 3) % 4 <> 0,
                       '{"features": ["a", "b"], "l2": 1}') AS m
FROM generate_series(1, 200) i;

-- a name whose highest version is the largest int has no number left: an
-- error naming the model, with a hint (not a bare "integer out of range")
INSERT INTO retention_model_registry (name, version, model) SELECT 'lim', 2147483647, m FROM lim_model;
SELECT retention_model_save('lim', m) FROM lim_model;
-- other names are not affected
SELECT retention_model_save('lim other', m) FROM lim_model;
-- deleting the top version frees its number: numbering continues from the
-- highest version left
INSERT INTO retention_model_registry (name, version, model) SELECT 'lim', 2147483646, m FROM lim_model;
DELETE FROM retention_model_registry WHERE name = 'lim' AND version = 2147483647;
SELECT retention_model_save('lim', m) FROM lim_model;
SELECT retention_model_save('lim', m) FROM lim_model;

-- names: white space only is empty; at most 1024 bytes (512 two-byte characters)
SELECT retention_model_save(E' \t\n', m) FROM lim_model;
SELECT retention_model_save(repeat('é', 513), m) FROM lim_model;
SELECT retention_model_save(repeat('é', 512), m) = 1 AS longest_name_saved FROM lim_model;
-- names are compared exactly: ' lim' is another model
SELECT retention_model_save(' lim', m) FROM lim_model;
-- direct inserts meet the same rules as constraints
\set VERBOSITY terse
INSERT INTO retention_model_registry (name, version, model) SELECT ' ', 1, m FROM lim_model;
INSERT INTO retention_model_registry (name, version, model) SELECT repeat('x', 1025), 1, m FROM lim_model;
\set VERBOSITY default
SELECT octet_length(name) AS name_bytes, version FROM retention_model_registry ORDER BY name, version;
DELETE FROM retention_model_registry;

-- DROP EXTENSION and saved versions, in a database of its own
SELECT current_user AS regress_user \gset
CREATE DATABASE cr_registry_drop;
\c cr_registry_drop
SET client_min_messages = notice;
CREATE EXTENSION community_retention;
SELECT retention_model_activate('churn', retention_model_save('churn',
         retention_train(ARRAY[(i % 7)::float8, (i % 3)::float8], (i % 7 + i % 3) % 4 <> 0, '{"features": ["a", "b"]}')))
FROM generate_series(1, 200) i;
-- a materialized view over the active model blocks DROP EXTENSION ...
CREATE MATERIALIZED VIEW scores AS
SELECT retention_score((SELECT retention_model_active('churn')), ARRAY[1, 2]::float8[]) AS score;
DROP EXTENSION community_retention;
DROP MATERIALIZED VIEW scores;
-- ... as does a table of the user's holding models (a copy of the registry)
CREATE TABLE registry_copy AS SELECT * FROM retention_model_registry;
DROP EXTENSION community_retention;
DROP TABLE registry_copy;
-- CASCADE drops such dependents; with none, DROP EXTENSION drops the
-- registry table with every saved version, without a warning
CREATE MATERIALIZED VIEW scores AS
SELECT retention_score((SELECT retention_model_active('churn')), ARRAY[1, 2]::float8[]) AS score;
SELECT count(*) AS versions_before_drop FROM retention_model_registry;
DROP EXTENSION community_retention CASCADE;
CREATE EXTENSION community_retention;
SELECT count(*) AS versions_after_create FROM retention_model_registry;
\c contrib_regression :regress_user
DROP DATABASE cr_registry_drop;
