-- retention_logrank over more distinct (duration, group) pairs than a
-- partial state can carry between processes (one bytea of at most 1 GB, 28
-- bytes a pair, passed in tuples of at most 1 GB: the leader's heap tuple,
-- 48 bytes more, is the largest; 38 347 918 pairs of groups 'a' and 'b'):
-- a parallel worker that holds one more stops with 54000 and says why,
-- where enlargeStringInfo's "out of memory" came once a gigabyte had been
-- written (38.4 million pairs), and "invalid memory alloc request size"
-- one pair to 38 pairs past the most that pass.  The most that pass give
-- the serial plan's chi-square.  One worker takes every row
-- (parallel_leader_participation off, one worker to be had).  Prints
-- "check|NAME|true/false" lines and "hwm|kB", the leader's memory peak
-- (before the passing query, whose leader holds the gigabyte).
\set ON_ERROR_STOP 1
\pset tuples_only on
\pset format unaligned
SELECT pg_backend_pid() AS pid \gset
CREATE UNLOGGED TABLE pairs AS
SELECT i::float8 AS d, i % 2 = 0 AS churned, CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END AS g
FROM generate_series(1, 38347919) i;
ANALYZE pairs;
\ir outcome.psql
SET max_parallel_workers_per_gather = 2;
SET max_parallel_workers = 1;
SET parallel_leader_participation = off;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
CREATE FUNCTION pg_temp.plan(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE line text; res text := '';
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP res := res || line || E'\n'; END LOOP;
  RETURN res;
END $$;
SELECT 'check|the plan aggregates in a parallel worker|'
       || (pg_temp.plan('SELECT (retention_logrank(d, churned, g)).* FROM pairs') LIKE '%Partial Aggregate%Parallel Seq Scan%');
SELECT pg_temp.outcome($$SELECT (retention_logrank(d, churned, g)).* FROM pairs$$) AS r \gset
\setenv CR_PID :pid
\! sed -n "s/^VmHWM:[[:space:]]*\([0-9]*\).*/hwm|\1/p" /proc/$CR_PID/status
SELECT 'check|38 347 919 pairs in one parallel worker, one more than fit: 54000, too large to pass between processes|'
       || (:'r' = '54000 survival aggregate state of 38347919 (duration, group) pairs is too large to pass between processes');
DELETE FROM pairs WHERE d = 38347919;
SELECT (retention_logrank(d, churned, g)).chi_square AS par FROM pairs \gset
SET max_parallel_workers_per_gather = 0;
SELECT 'check|38 347 918 pairs, the most that fit, pass from the worker: the serial plan''s chi-square|'
       || ((retention_logrank(d, churned, g)).chi_square = :par) FROM pairs;
DROP TABLE pairs;
