-- Least privilege: the extension is trusted, so an ordinary role that owns a
-- database can install it, and nothing in it runs with elevated rights.
SELECT current_user AS regress_user \gset
CREATE ROLE cr_sec_analyst LOGIN;
CREATE DATABASE cr_security OWNER cr_sec_analyst;
\c cr_security cr_sec_analyst
SELECT current_user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser;
CREATE EXTENSION community_retention;
SELECT e.extname, r.rolname AS owner FROM pg_extension e JOIN pg_roles r ON r.oid = e.extowner
WHERE e.extname = 'community_retention';
-- the objects it created belong to the bootstrap superuser (trusted extension
-- semantics), and the role can still drop the extension it installed
DROP EXTENSION community_retention;
\c contrib_regression :regress_user
DROP DATABASE cr_security;
DROP ROLE cr_sec_analyst;
