-- label: PL/Python + numpy/scipy (minimize, BFGS, the same likelihood)
\ir warm_buyers.sql
-- bench: start
SELECT bench_py_bgnbd_fit();
