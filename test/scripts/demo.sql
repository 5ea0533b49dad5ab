-- The guided demo run by `make demo`.  It grows as the pillars land.
\set ON_ERROR_STOP 1
\pset pager off
CREATE EXTENSION community_retention;
\echo
\echo community_retention is installed:
SELECT extname, extversion FROM pg_extension WHERE extname = 'community_retention';
