-- label: PL/Python + scikit-learn LogisticRegression(newton-cholesky), data fetched with plpy
SELECT bench_sklearn_train() IS NOT NULL;
