-- label: PL/Python + numpy (fetch the events, np.unique / bincount)
\set warm_table bench_purchases
\set warm_column amount
\ir warm_session.sql
-- bench: start
SET TimeZone = 'UTC';
SELECT bench_py_summary();
