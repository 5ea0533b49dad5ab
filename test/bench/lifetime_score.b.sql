-- label: PL/Python + numpy/scipy (vectorised, scipy.special.hyp2f1)
\set warm_table bench_buyers
\set warm_column monetary_value
\ir warm_session.sql
-- bench: start
SELECT bench_py_score();
