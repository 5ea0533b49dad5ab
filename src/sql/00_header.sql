-- community_retention 1.0 install script.
-- Assembled by the Makefile from src/sql/*.sql, one fragment per pillar.
-- Every object is created in @extschema@; every function is LANGUAGE C or
-- qualifies each name it uses, so the script is safe for a trusted extension.

\echo Use "CREATE EXTENSION community_retention" to load this file. \quit

-- Resolve every unqualified name in this script in the extension's schema and
-- pg_catalog, with the session's temporary schema searched last: otherwise a
-- temporary type named, say, "jsonb" would be found before pg_catalog's while a
-- non-superuser installs this trusted extension.  CREATE EXTENSION restores the
-- caller's search_path afterwards.
SET LOCAL search_path TO @extschema@, pg_catalog, pg_temp;
