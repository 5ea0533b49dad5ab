-- label: PL/Python + numpy/scipy (minimize, BFGS, the same likelihood over the distinct rows)
\set warm_table bench_buyers
\set warm_column monetary_value
\ir warm_session.sql
-- bench: start
SELECT bench_py_bgnbd_fit();
