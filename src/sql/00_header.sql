-- community_retention 1.0 install script.
-- Assembled by the Makefile from src/sql/*.sql, one fragment per pillar.
-- Every object is created in @extschema@; every function is LANGUAGE C or
-- qualifies each name it uses, so the script is safe for a trusted extension.

\echo Use "CREATE EXTENSION community_retention" to load this file. \quit
