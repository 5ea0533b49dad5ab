-- One work_mem (:wm) of test/bench/engagement_hashagg.sql: each query as
-- installed (SSPACE 384 and 256 since 1.1), then with SSPACE :sspace (0 is
-- 1.0's planning: 8 kB a group assumed).
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
