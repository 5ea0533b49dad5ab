-- Survival aggregates under every plan shape give the serial plan's results
-- to the bit: GROUP BY 2000 groups (Partial and Finalize HashAggregate, so
-- many small states are serialized, combined and finalized), the whole
-- query in a worker (force_parallel_mode = regress), and a frame that grows
-- (the final function runs on a state that goes on taking rows).  Each
-- compares the result's text: curves with a confidence level, the log-rank
-- test under every weighting, and the rows skipped for a NULL.
BEGIN;
SELECT plan(8);

CREATE FUNCTION pg_temp.plan_lines(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || q; END $$;

-- 2000 groups of 60 rows: ties, censoring at the last time, a NULL now and then
CREATE TABLE plans_data AS
SELECT i, i % 2000 AS k,
       CASE WHEN i % 211 = 0 THEN NULL ELSE ((i * 7919) % 37)::float8 / 4 END AS t,
       (i * 13) % 7 < 4 AS churned, 'g' || (i * 31) % 5 AS grp
FROM generate_series(1, 120000) i;
ANALYZE plans_data;

CREATE VIEW plans_q AS
SELECT k, retention_km(t, churned)::text AS km, retention_km(t, churned, 0.8)::text AS km80,
       retention_logrank(t, churned, grp)::text AS lr,
       retention_logrank(t, churned, grp, 'gehan-breslow')::text AS gb,
       retention_logrank(t, churned, grp, 'tarone-ware')::text AS tw,
       retention_logrank(t, churned, grp, 'fleming-harrington', 0.7)::text AS fh
FROM plans_data GROUP BY k;

SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TABLE plans_serial AS SELECT * FROM plans_q;
-- one group (the query is planned in parallel inside the function too)
CREATE FUNCTION pg_temp.one_group() RETURNS text LANGUAGE sql AS $$
SELECT retention_km(t, churned)::text || retention_logrank(t, churned, grp)::text
       || retention_logrank(t, churned, 'k' || k)::text
FROM plans_data WHERE k < 1000 $$;
CREATE TABLE plans_serial_all AS SELECT pg_temp.one_group() AS v;

CREATE FUNCTION pg_temp.same_as_serial() RETURNS bigint LANGUAGE sql AS $$
SELECT count(*) FROM plans_serial s FULL JOIN plans_q p USING (k)
WHERE (s.km, s.km80, s.lr, s.gb, s.tw, s.fh) IS DISTINCT FROM (p.km, p.km80, p.lr, p.gb, p.tw, p.fh) $$;

-- both comparisons under the plan settings in force
CREATE FUNCTION pg_temp.as_serial(how text) RETURNS SETOF text LANGUAGE sql AS $$
SELECT is(pg_temp.same_as_serial(), 0::bigint,
          'GROUP BY 2000 groups ' || how || ': every curve and test as the serial plan''s, to the bit')
UNION ALL
SELECT is(pg_temp.one_group(), (SELECT v FROM plans_serial_all),
          'one group, 1000 log-rank groups, ' || how || ': as the serial plan, to the bit') $$;

SELECT is((SELECT count(*) FROM plans_serial WHERE km IS NULL OR lr IS NULL OR fh IS NULL), 0::bigint,
          'every one of the 2000 groups has a curve and a test');

SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL enable_sort = off;
SELECT ok((SELECT string_agg(l, ' ') FROM pg_temp.plan_lines('SELECT * FROM plans_q') l)
          LIKE '%Finalize HashAggregate%Partial HashAggregate%',
          'GROUP BY in parallel: partial states per group, combined in the leader');
SELECT * FROM pg_temp.as_serial('in parallel');
RESET enable_sort;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

SET LOCAL force_parallel_mode = regress;
SELECT * FROM pg_temp.as_serial('with force_parallel_mode = regress');
RESET force_parallel_mode;

-- a growing frame: row n's result is that of rows 1 .. n aggregated alone
CREATE TABLE plans_frame AS
SELECT i, retention_km(t, churned) OVER w AS km, retention_logrank(t, churned, grp, 'tw') OVER w AS lr
FROM plans_data WHERE k = 7 WINDOW w AS (ORDER BY i);
SELECT is((SELECT count(*) FROM plans_frame f
           WHERE f.km::text IS DISTINCT FROM
                 (SELECT retention_km(t, churned)::text FROM plans_data WHERE k = 7 AND i <= f.i)),
          0::bigint, 'a growing window frame: each row''s curve is that of the rows so far');
SELECT is((SELECT count(*) FROM plans_frame f
           WHERE f.lr::text IS DISTINCT FROM
                 (SELECT retention_logrank(t, churned, grp, 'tw')::text FROM plans_data WHERE k = 7 AND i <= f.i)),
          0::bigint, 'a growing window frame: each row''s weighted log-rank test is that of the rows so far');

SELECT * FROM finish();
ROLLBACK;
