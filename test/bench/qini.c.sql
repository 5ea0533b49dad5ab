-- label: floor: one scan, sum(uplift)
SELECT sum(uplift) FROM qini_bench;
