-- retention_fit's decile sample on Citus: beyond 65 536 rows it is drawn
-- on the workers (random() < keep, pushed down with the query), so that
-- about 65 536 rows travel, never every row.  Run with
-- citus.log_remote_commands on: run_citus_checks reads the commands the
-- coordinator sent (stderr) to check that the sample pass was filtered.
-- The model must still be the single-node one (coefficients and standard
-- errors to 1e-9); its decile edges come from another sample, so only the
-- shares are checked (each about a tenth: 0.0012 is one standard error).
SET client_min_messages = warning;
SET citus.shard_count = 8;
CREATE TABLE sample_local AS
SELECT g::bigint AS member_id,
       ARRAY[(g::bigint * 7919 % 1000) / 100.0, (g::bigint * 104729 % 977) / 97.7, (g % 13)::float8]::float8[] AS f,
       (g::bigint * 31337 % 1000) < 300 + (g % 13) * 30 AS r
FROM generate_series(1, 100000) g;
CREATE TABLE sample_dist (LIKE sample_local);
SELECT create_distributed_table('sample_dist', 'member_id') \gset
INSERT INTO sample_dist SELECT * FROM sample_local;
SELECT retention_fit('SELECT f, r FROM sample_local') AS loc \gset
SET citus.log_remote_commands = on;
SET client_min_messages = log;
SELECT retention_fit('SELECT f, r FROM sample_dist') AS dist \gset
RESET client_min_messages;
RESET citus.log_remote_commands;
SELECT 'retention_fit beyond 65 536 distributed rows equals the single-node fit to 1e-9: ' ||
       bool_and(abs(a.coefficient - b.coefficient) <= 1e-9 * abs(b.coefficient) AND
                abs(a.std_error - b.std_error) <= 1e-9 * b.std_error)::text
FROM retention_model_summary(:'dist') a JOIN retention_model_summary(:'loc') b USING (feature);
SELECT 'retention_fit''s decile shares from the workers'' sample are each within 0.02 of a tenth: ' ||
       bool_and(abs(s::float8 - 0.1) < 0.02)::text
FROM jsonb_array_elements_text(:'dist'::retention_model::jsonb -> 'score_shares') s;
-- The filter is search_path-safe: a "<" (float8, numeric) of a schema
-- ahead of pg_catalog must not be chosen (nor sent to the workers, where it
-- does not exist).
CREATE SCHEMA sample_lt;
CREATE FUNCTION sample_lt.lt(float8, numeric) RETURNS boolean LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'sample_lt.< called'; END $$;
CREATE OPERATOR sample_lt.< (FUNCTION = sample_lt.lt, LEFTARG = float8, RIGHTARG = numeric);
SET search_path = sample_lt, pg_catalog, public;
SELECT public.retention_fit('SELECT f, r FROM public.sample_dist') AS lt \gset
RESET search_path;
SELECT 'retention_fit''s sample filter ignores a "<" of the search_path: ' ||
       bool_and(abs(a.coefficient - b.coefficient) <= 1e-9 * abs(b.coefficient))::text
FROM retention_model_summary(:'lt') a JOIN retention_model_summary(:'loc') b USING (feature);
DROP SCHEMA sample_lt CASCADE;
DROP TABLE sample_local, sample_dist;

-- Citus plans no distributed query with a parameter left in it: the fit
-- plans each pass with its point, whatever plan_cache_mode says (and
-- leaves the setting as it was)
SET plan_cache_mode = force_generic_plan;
SELECT 'retention_fit on Citus runs under plan_cache_mode = force_generic_plan, and leaves it so: ' ||
       (retention_fit('SELECT ARRAY[recency_days, annual], renewed FROM member_features') IS NOT NULL AND
        current_setting('plan_cache_mode') = 'force_generic_plan')::text;
RESET plan_cache_mode;
