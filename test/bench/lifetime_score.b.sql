-- label: PL/Python + numpy/scipy (vectorised, scipy.special.hyp2f1)
\ir warm_buyers.sql
-- bench: start
SELECT bench_py_score();
