-- label: floor: one scan, count(*) FILTER (WHERE retained)
SELECT count(*) FILTER (WHERE retained) FROM experiment_bench;
