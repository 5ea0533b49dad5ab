-- label: PL/Python + numpy/scipy (minimize, BFGS, the same likelihood)
SELECT bench_py_bgnbd_fit();
