-- retention_fit on Citus: 1M rows x 16 features distributed over two
-- workers (8 shards), against the same rows in a plain table on the
-- coordinator.  Run on the coordinator of `KEEP=1 make citus-check`
-- (database cr_citus):
--   psql -h .../citus/coord/run -p PORT -U postgres cr_citus -f test/citus/fit_bench.sql
-- Not a pass/fail test: \timing prints each statement's time and
-- client_min_messages = debug1 each pass's (each fit twice).
SET client_min_messages = warning;
DROP TABLE IF EXISTS fit_local, fit_dist;
CREATE TABLE fit_local AS
SELECT g::bigint AS member_id,
       ARRAY(SELECT ((g::bigint * (j * 7919 + 13) + j * j) % 1009)::float8 / 100 FROM generate_series(1, 16) j) AS x,
       ((g::bigint * 31337) % 1000) < 250 + (g % 7) * 50 + ((g::bigint * 7919 + 13) % 1009) / 10 AS y
FROM generate_series(1, 1000000) g;
CREATE TABLE fit_dist (LIKE fit_local);
SELECT create_distributed_table('fit_dist', 'member_id');
INSERT INTO fit_dist SELECT * FROM fit_local;
VACUUM ANALYZE fit_local;
VACUUM ANALYZE fit_dist;
-- the state each shard sends per pass, in doubles
SELECT array_length(retention_newton_step(x, y, 1.0, '{2,0}'), 1) AS state_doubles FROM fit_local;
SET max_parallel_workers_per_gather = 0;
\timing on
SELECT sum(x[16]) FROM fit_local;
SELECT sum(x[16]) FROM fit_local;
SELECT sum(x[16]) FROM fit_dist;
SELECT sum(x[16]) FROM fit_dist;
SET client_min_messages = debug1;
SELECT retention_fit('SELECT x, y FROM fit_local') IS NOT NULL AS fitted;
SELECT retention_fit('SELECT x, y FROM fit_dist') IS NOT NULL AS fitted;
SELECT retention_fit('SELECT x, y FROM fit_local') IS NOT NULL AS fitted;
SELECT retention_fit('SELECT x, y FROM fit_dist') IS NOT NULL AS fitted;
RESET client_min_messages;
\timing off
DROP TABLE fit_local, fit_dist;
