-- label: floor: one scan reading every array (array_length)
SET max_parallel_workers_per_gather = 0;
SET jit = off;
SELECT sum(array_length(r.x, 1)) FROM score_rows r;
