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
-- the objects it created belong to the bootstrap superuser (trusted extension
-- semantics), and the role can still drop the extension it installed
DROP EXTENSION community_retention;
\c contrib_regression :regress_user
DROP DATABASE cr_security;
DROP ROLE cr_sec_analyst;
