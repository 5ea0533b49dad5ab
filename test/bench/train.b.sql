-- label: floor: one scan reading every array (count, array_length)
SET max_parallel_workers_per_gather = 0;
SELECT count(*), sum(array_length(x, 1)), bool_or(y) FROM train_rows;
