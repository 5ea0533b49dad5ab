-- test/bench/engagement_hashagg.sql: the memory of engagement_periods and
-- engagement_summary per member in a HashAggregate, and what the planner
-- makes of it.  Since 1.1 the engagement aggregates declare their typical
-- state size (SSPACE); with none, as in 1.0, PostgreSQL assumes 8 kB a group
-- for an internal state (ALLOCSET_DEFAULT_INITSIZE), and the executor spills
-- once hash_mem / 8 kB groups are in the table, however little they take.
-- Each query runs as installed and again with pg_aggregate.aggtransspace set
-- to :sspace (0 for 1.0's planning) inside a transaction that is rolled back
-- (superuser only; a throwaway cluster).  Not part of make test:
--
--   psql -X -d DB -v members=1000000 -v events=30 -v sspace=0 -f test/bench/engagement_hashagg.sql
--
-- Prints EXPLAIN ANALYZE's HashAggregate lines (batches, memory, disk) and
-- the time of each query.
\set ON_ERROR_STOP 1
SET max_parallel_workers_per_gather = 0;
SET jit = off;
DROP TABLE IF EXISTS hashagg_events;
CREATE TABLE hashagg_events AS
SELECT (i % :members)::bigint AS member_id,
       timestamptz '2024-01-01 00:00+00' + ((i * 7919) % 365) * interval '1 day'
         + (i % 86400) * interval '1 second' AS occurred_at
FROM generate_series(1::bigint, :members::bigint * :events) i;
VACUUM ANALYZE hashagg_events;
\timing on
\set q_periods 'EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF) SELECT member_id, engagement_periods(occurred_at, timestamptz ''2024-01-01 00:00+00'', interval ''1 month'', 12, timestamptz ''2025-01-01 00:00+00'') FROM hashagg_events GROUP BY member_id'
\set q_summary 'EXPLAIN (ANALYZE, TIMING OFF, SUMMARY OFF) SELECT member_id, engagement_summary(occurred_at, timestamptz ''2025-01-01 00:00+00'') FROM hashagg_events GROUP BY member_id'
\set wm 4MB
\ir engagement_hashagg_run.sql
\set wm 64MB
\ir engagement_hashagg_run.sql
\set wm 256MB
\ir engagement_hashagg_run.sql
DROP TABLE hashagg_events;
