-- The guided demo run by `make demo`.  It grows as the pillars land.
\set ON_ERROR_STOP 1
\pset pager off
CREATE EXTENSION community_retention;
\echo
\echo community_retention is installed:
SELECT extname, extversion FROM pg_extension WHERE extname = 'community_retention';

-- 1. demo community (issue #2)

-- 2. engagement features (issue #5)

-- 3. model: train, summary, score, explain (issue #3)

-- 4. evaluation (issue #4)

-- 5. incentive rules (issue #6)

\echo
\echo demo finished
