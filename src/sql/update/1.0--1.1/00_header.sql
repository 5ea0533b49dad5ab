-- community_retention update script from 1.0 to 1.1.
-- Assembled by the Makefile: src/sql/update/1.0--1.1/*.sql (what changes in
-- the objects of 1.0: ALTERs, and DROPs of objects that src/sql/1.1/ creates
-- anew), then src/sql/1.1/*.sql (the objects new or redefined in 1.1).
-- No comment in these scripts names the schema placeholder (the word
-- extschema between two at signs): PostgreSQL pastes the quoted schema name
-- wherever it stands, comments included, and a newline in that name (which
-- 15.4's check for quotes, $ and backslash lets through) would end a "--"
-- comment and run the rest of the name as SQL, as the bootstrap superuser.
-- In code, the name lands inside a quoted identifier or a string literal.

\echo Use "ALTER EXTENSION community_retention UPDATE TO '1.1'" to load this file. \quit

-- Name resolution while this script runs (it runs as the bootstrap superuser
-- when a non-superuser installs this trusted extension): pg_catalog is not
-- named, so PostgreSQL searches it FIRST, before the extension's schema; a
-- type, function or operator that the installing role planted in the target
-- schema under a built-in name (float8, jsonb, eqsel ...) is never found
-- instead of the built-in one.  The session's temporary schema comes last, so
-- a temporary type cannot shadow anything either.  Objects are created in the
-- first named schema, the extension's.  This is the search_path CREATE EXTENSION
-- itself sets; it is repeated here so that no edit can silently weaken it.
SET LOCAL search_path TO @extschema@, pg_temp;
