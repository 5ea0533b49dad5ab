-- label: Apache MADlib logregr_train (IRLS), same rows and model (intercept column prepended)
-- Needs MADlib in the bench database (schema madlib; built outside this
-- tree, see the README's Performance section); without it this variant
-- prints a "skipped:" line and the table shows it as skipped.
SET max_parallel_workers_per_gather = 0;
SELECT EXISTS (SELECT FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = 'madlib' AND p.proname = 'logregr_train') AS have_madlib \gset
\if :have_madlib
DROP TABLE IF EXISTS bench_madlib_out, bench_madlib_out_summary;
-- bench: start
-- MADlib fits an intercept only for a constant column in the features
SELECT madlib.logregr_train('train_rows', 'bench_madlib_out', 'y', 'array_prepend(1::float8, x)');
\else
\echo skipped: Apache MADlib is not installed (no madlib.logregr_train in the bench database)
\endif
