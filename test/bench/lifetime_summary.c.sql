-- label: PL/Python + numpy (fetch the events, np.unique / bincount)
SET TimeZone = 'UTC';
SELECT bench_py_summary();
