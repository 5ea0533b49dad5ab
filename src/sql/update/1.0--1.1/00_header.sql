-- community_retention update script from 1.0 to 1.1.
-- Assembled by the Makefile: src/sql/update/1.0--1.1/*.sql (what changes in
-- the objects of 1.0: ALTERs, and DROPs of objects that src/sql/1.1/ creates
-- anew), then src/sql/1.1/*.sql (the objects new or redefined in 1.1).

\echo Use "ALTER EXTENSION community_retention UPDATE TO '1.1'" to load this file. \quit

-- Name resolution while this script runs (it runs as the bootstrap superuser
-- when a non-superuser installs this trusted extension): pg_catalog is not
-- named, so PostgreSQL searches it FIRST, before the extension's schema; a
-- type, function or operator that the installing role planted in the target
-- schema under a built-in name (float8, jsonb, eqsel ...) is never found
-- instead of the built-in one.  The session's temporary schema comes last, so
-- a temporary type cannot shadow anything either.  Objects are created in the
-- first named schema, @extschema@.  This is the search_path CREATE EXTENSION
-- itself sets; it is repeated here so that no edit can silently weaken it.
SET LOCAL search_path TO @extschema@, pg_temp;
