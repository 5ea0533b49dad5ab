-- Least privilege: the extension is trusted, so an ordinary role that owns a
-- database can install it, and nothing in it runs with elevated rights.
SELECT current_user AS regress_user \gset
CREATE ROLE cr_sec_analyst LOGIN;
CREATE DATABASE cr_security OWNER cr_sec_analyst;
\c cr_security cr_sec_analyst
SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser;
-- a temporary type that shadows a built-in one must not leak into the install
-- script (temporary schemas are searched first for type names by default)
CREATE TYPE pg_temp.jsonb AS (hijacked int);
CREATE EXTENSION community_retention;
SELECT e.extname, r.rolname AS owner FROM pg_extension e JOIN pg_roles r ON r.oid = e.extowner
WHERE e.extname = 'community_retention';
SELECT count(*) AS functions_using_temporary_types
FROM pg_proc p
WHERE p.pronamespace = 'public'::regnamespace
  AND (p.prorettype IN (SELECT oid FROM pg_type WHERE typnamespace = pg_my_temp_schema())
       OR EXISTS (SELECT 1 FROM unnest(p.proargtypes) t
                  WHERE t IN (SELECT oid FROM pg_type WHERE typnamespace = pg_my_temp_schema())));
SELECT count(*) AS security_definer_functions
FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
WHERE d.refclassid = 'pg_extension'::regclass AND p.prosecdef
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'community_retention');
-- retention_fit runs the caller's query through its own aggregate,
-- retention_newton_step(float8[], boolean, float8, float8[]), called by the
-- name in the extension's schema, where this role may create objects.  A
-- query column of a domain over float8[] is accepted, and made an aggregate
-- of that name declared on the domain the better match: it ran with the
-- privileges of whoever called retention_fit.  Planted here, it must not run
-- when another role (a superuser) fits a model on such a column.
CREATE DOMAIN cr_sec_features AS float8[];
CREATE TABLE cr_sec_rows AS
SELECT ARRAY[(i % 7)::float8, (i % 3)::float8]::cr_sec_features AS f,
       (i % 7 + i % 3) % 4 <> 0 AS r, 1.0::float8 AS w
FROM generate_series(1, 200) i;
GRANT SELECT ON cr_sec_rows TO PUBLIC;
CREATE FUNCTION planted_step(s float8[], f cr_sec_features, r boolean, w float8, p float8[])
RETURNS float8[] LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'planted aggregate ran as %', current_user;
END $$;
CREATE AGGREGATE retention_newton_step(cr_sec_features, boolean, float8, float8[])
  (SFUNC = planted_step, STYPE = float8[]);
\c cr_security :regress_user
SELECT retention_fit('SELECT f, r FROM cr_sec_rows')::text
       = retention_fit('SELECT f::float8[], r FROM cr_sec_rows')::text AS fit_on_domain,
       retention_fit('SELECT f, r, w FROM cr_sec_rows')::text
       = retention_fit('SELECT f::float8[], r, w FROM cr_sec_rows')::text AS weighted_fit_on_domain;
\c cr_security cr_sec_analyst
DROP AGGREGATE retention_newton_step(cr_sec_features, boolean, float8, float8[]);
-- the objects it created belong to the bootstrap superuser (trusted extension
-- semantics), and the role can still drop the extension it installed
DROP EXTENSION community_retention;
\c contrib_regression :regress_user
DROP DATABASE cr_security;
DROP ROLE cr_sec_analyst;
