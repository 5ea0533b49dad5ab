-- label: floor: one serial scan, SELECT sum(x[16]) FROM fit_big_rows
SET max_parallel_workers_per_gather = 0;
-- bench: start
SELECT sum(x[16]) FROM fit_big_rows;
