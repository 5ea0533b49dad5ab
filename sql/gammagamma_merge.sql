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
-- The buffer holds at most twice the distinct pairs (from 65 536 rows on),
-- whatever the order of the members: 70 000 pairs whose members come
-- round by round, four rounds, so that each member after the first round is
-- of a pair the buffer holds.  It grew without merging every other time,
-- and filled up with such members: 262 144 rows (3.7 times the pairs).  Its
-- size is that of the aggregate's memory context, still there once the
-- final function has returned (the largest ExprContext).  The model is
-- that of the same members in the order of their pairs.
CREATE TEMP TABLE gg_rounds AS
  SELECT (1 + i % 7)::float8 AS x,
         30 * exp(ln((1 + i * 7919 % 10007) / 10008.0 / (1 - (1 + i * 7919 % 10007) / 10008.0))
                  * 0.3 / sqrt(1 + i % 7)) + i * 1e-9 AS m
  FROM generate_series(0, 4 * 70000 - 1) j, LATERAL (SELECT j % 70000 AS i) s;
SET max_parallel_workers_per_gather = 0;
SELECT (g).n, ctx <= 2.05 * 24 * 70000 AS within_twice,
       g::text = (SELECT gammagamma_fit(x, m ORDER BY x, m)::text FROM gg_rounds) AS same_model
FROM (SELECT gammagamma_fit(x, m) AS g,
             (SELECT max(total_bytes) FROM pg_backend_memory_contexts
              WHERE name = 'ExprContext') AS ctx
      FROM gg_rounds) t;
-- The serial function (a parallel worker's, or the leader's own partial
-- state's) shrinks the buffer to the pairs before it copies them: the
-- state's context is then about the pairs' bytes, as is the other
-- ExprContext, which holds the copy (it was 2.015 times them)
CREATE AGGREGATE pg_temp.gg_ser(float8, float8) (SFUNC = gammagamma_fit_transfn,
    STYPE = internal, FINALFUNC = lifetime_fit_serialfn);
SELECT (length(s) - 36) / 24 AS pairs, ctx <= 1.05 * 24 * 70000 AS within_the_pairs
FROM (SELECT pg_temp.gg_ser(x, m) AS s,
             (SELECT max(total_bytes) FROM pg_backend_memory_contexts
              WHERE name = 'ExprContext') AS ctx
      FROM gg_rounds) t;
RESET max_parallel_workers_per_gather;
DROP TABLE gg_rounds;
