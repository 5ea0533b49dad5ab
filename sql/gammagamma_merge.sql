-- gammagamma_fit keeps one row per distinct (frequency, monetary_value)
-- with its count, merged as the rows come (sorted and merged each time a
-- buffer of 65 536 rows or more fills up), in the partial states and at the
-- end: the model is that of the members one by one, whatever their order,
-- the merging or the plan (10 million members of 70 pairs took 382 MB when
-- each kept its own row).  Exact equality of the models' text: the sums
-- over members are taken member by member, in the same order (the text
-- with 17 digits, every bit).
SET extra_float_digits = 3;
-- 70 pairs, 1 to 6000 members each (210 000 members), and 5000 members
-- of distinct spends
CREATE TABLE gg_members(id int, frequency float8, monetary_value float8)
  WITH (autovacuum_enabled = false, parallel_workers = 2);
INSERT INTO gg_members
  SELECT row_number() OVER (), x, m FROM
    (SELECT (1 + i % 7)::float8 AS x, 30 * exp((i / 7 - 4.5) * 0.25 / sqrt(1 + i % 7)) AS m,
            1 + i * 7919 % 6000 AS c
     FROM generate_series(0, 69) i) p, generate_series(1, c)
  UNION ALL
  SELECT NULL, 1 + i % 4, 25 + (i * 7907 % 5000) / 100.0 + i * 1e-7 FROM generate_series(1, 5000) i;
ANALYZE gg_members;
SELECT count(*), count(DISTINCT (frequency, monetary_value)) FROM gg_members;
SET max_parallel_workers_per_gather = 0;
SELECT gammagamma_fit(frequency, monetary_value)::text AS serial_model FROM gg_members \gset
SELECT round(p::numeric, 4) AS p, round(q::numeric, 3) AS q, round(gamma::numeric, 2) AS gamma, n
FROM CAST(:'serial_model' AS gammagamma_model);
-- the same members in other orders: reversed (the distinct ones first),
-- and interleaved (each pair's members apart)
SELECT gammagamma_fit(frequency, monetary_value ORDER BY id DESC NULLS FIRST)::text = :'serial_model' AS reversed,
       gammagamma_fit(frequency, monetary_value ORDER BY id % 1009, id)::text = :'serial_model' AS interleaved
FROM gg_members;
-- a parallel plan: partial states serialized (sorted and merged) and
-- combined in the leader
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
EXPLAIN (COSTS OFF) SELECT gammagamma_fit(frequency, monetary_value) FROM gg_members;
SELECT gammagamma_fit(frequency, monetary_value)::text = :'serial_model' AS parallel_is_serial FROM gg_members;
SET force_parallel_mode = on;
SELECT gammagamma_fit(frequency, monetary_value)::text = :'serial_model' AS one_worker_is_serial FROM gg_members;
RESET force_parallel_mode;
RESET max_parallel_workers_per_gather;
RESET min_parallel_table_scan_size;
RESET parallel_tuple_cost;
RESET parallel_setup_cost;
DROP TABLE gg_members;
