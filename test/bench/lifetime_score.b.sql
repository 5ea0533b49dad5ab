-- label: PL/Python + numpy/scipy (vectorised, scipy.special.hyp2f1)
SELECT bench_py_score();
