-- One work_mem (:wm) of test/bench/engagement_hashagg.sql: each query as
-- installed (SSPACE 0: 8 kB a group assumed), then with SSPACE :sspace.
SET work_mem = :'wm';
\echo work_mem :wm, as installed
:q_periods;
:q_summary;
BEGIN;
UPDATE pg_catalog.pg_aggregate SET aggtransspace = :sspace
WHERE aggfnoid IN ('engagement_periods(timestamptz, timestamptz, interval, int, timestamptz)'::regprocedure,
                   'engagement_summary(timestamptz, timestamptz)'::regprocedure);
\echo work_mem :wm, SSPACE :sspace
:q_periods;
:q_summary;
ROLLBACK;
