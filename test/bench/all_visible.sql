-- all_visible.sql: VACUUM the table named by the psql variable vac_table
-- until every page is all-visible (at most five more times, a second apart),
-- as on a table autovacuum has seen.  A VACUUM right after CREATE TABLE AS can
-- leave the pages not all-visible (an autovacuum or ANALYZE running at the
-- same time holds back the horizon), and then every scan checks each row's
-- visibility and the first scans set hint bits: the variants would be timed
-- on a table that no production table resembles, and run to run they varied
-- by a third.  Usage: \set vac_table NAME then \ir all_visible.sql
SELECT 'SELECT pg_sleep(1)', format('VACUUM %I', :'vac_table') FROM pg_class
WHERE oid = to_regclass(:'vac_table') AND relallvisible < relpages \gexec
SELECT 'SELECT pg_sleep(1)', format('VACUUM %I', :'vac_table') FROM pg_class
WHERE oid = to_regclass(:'vac_table') AND relallvisible < relpages \gexec
SELECT 'SELECT pg_sleep(1)', format('VACUUM %I', :'vac_table') FROM pg_class
WHERE oid = to_regclass(:'vac_table') AND relallvisible < relpages \gexec
SELECT 'SELECT pg_sleep(1)', format('VACUUM %I', :'vac_table') FROM pg_class
WHERE oid = to_regclass(:'vac_table') AND relallvisible < relpages \gexec
SELECT 'SELECT pg_sleep(1)', format('VACUUM %I', :'vac_table') FROM pg_class
WHERE oid = to_regclass(:'vac_table') AND relallvisible < relpages \gexec
