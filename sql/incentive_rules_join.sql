-- The rules join node, Custom Scan (IncentiveRulesJoin): its plans, its rows
-- in the nested loop's order, rescans, a scrollable cursor, errors,
-- privileges, and when the planner leaves the join to PostgreSQL.  Each result
-- is compared with the nested loop's (community_retention.enable_rules_join
-- off).  The same rows in more join shapes: incentive_parallel_shapes.sql.
CREATE TABLE rj_m AS
SELECT i AS member_id, (i % 90) AS recency_days, (i % 15) AS current_streak,
       CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 1000) / 1000.0 END::float8 AS retention_score,
       CASE WHEN i % 3 = 0 THEN 'annual' ELSE 'monthly' END AS plan
FROM generate_series(1, 2000) i;
ALTER TABLE rj_m ADD PRIMARY KEY (member_id);
CREATE TABLE rj_r (id int PRIMARY KEY, condition incentive_condition);
INSERT INTO rj_r VALUES
 (1, 'recency_days > 14 AND retention_score < 0.3'),
 (2, 'plan = ''annual'''),
 (3, 'current_streak >= 7'),
 (4, NULL),
 (5, 'retention_score IS NULL');
ANALYZE rj_m;
ANALYZE rj_r;
SET max_parallel_workers_per_gather = 0;

-- the plan: the rules read once (no Materialize), one join filter
EXPLAIN (COSTS OFF, VERBOSE)
SELECT r.id, m.member_id FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m);
-- 2000 members x 4 rules tried (r.id > 1): 2015 pairs match, 5985 do not
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
SELECT count(*) FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m) AND r.id > 1;
-- a left join keeps members without a match once, with NULL rule columns
EXPLAIN (COSTS OFF)
SELECT m.member_id, r.id FROM rj_m m LEFT JOIN rj_r r ON incentive_matches(r.condition, m) WHERE r.id IS NULL;

-- the rows in the nested loop's order: each member in the outer side's
-- order, followed by its matching rules in the inner side's order
CREATE FUNCTION rj_rows(q text, node bool) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
  a text[];
BEGIN
  PERFORM set_config('community_retention.enable_rules_join', CASE WHEN node THEN 'on' ELSE 'off' END, true);
  EXECUTE 'SELECT array_agg(t::text) FROM (' || q || ') t' INTO a;
  RETURN a;
END $$;
CREATE TEMP TABLE rj_q (name text, q text);
INSERT INTO rj_q VALUES
 ('both sides ordered', 'SELECT r.id, m.member_id FROM (SELECT * FROM rj_m ORDER BY member_id DESC) m JOIN (SELECT * FROM rj_r ORDER BY id DESC) r ON incentive_matches(r.condition, m)'),
 ('left join, ordered', 'SELECT r.id, m.member_id FROM (SELECT * FROM rj_m ORDER BY recency_days, member_id) m LEFT JOIN rj_r r ON incentive_matches(r.condition, m) AND r.id <> 3'),
 ('ORDER BY the outer key', 'SELECT m.member_id, r.id FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m) ORDER BY m.member_id, r.id LIMIT 40'),
 ('rescanned with new parameters', 'SELECT g, (SELECT string_agg(r.id || '':'' || m.member_id, '','') FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m) WHERE r.id <= g AND m.member_id <= 3 * g) FROM generate_series(1, 6) g'),
 ('rescanned, same rules', 'SELECT g, (SELECT count(*) FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m) WHERE m.member_id <= 100 * g) FROM generate_series(1, 6) g');
SELECT name, rj_rows(q, true) = rj_rows(q, false) AS same, cardinality(rj_rows(q, true)) AS n
FROM rj_q ORDER BY name;
SELECT rj_rows(q, true) FROM rj_q WHERE name = 'rescanned with new parameters';

-- a scrollable cursor (the node reads forward only: PostgreSQL keeps the rows)
BEGIN;
DECLARE rj_c SCROLL CURSOR FOR
SELECT m.member_id, r.id FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m)
WHERE m.member_id BETWEEN 7 AND 10 ORDER BY m.member_id, r.id;
FETCH 3 FROM rj_c;
FETCH BACKWARD 2 FROM rj_c;
FETCH LAST FROM rj_c;
FETCH ABSOLUTE 2 FROM rj_c;
COMMIT;

-- an error in a condition is the nested loop's error, for the same pair
INSERT INTO rj_r VALUES (6, 'ln(recency_days - 40) > 1');
SELECT count(*) FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m);
SET community_retention.enable_rules_join = off;
SELECT count(*) FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m);
RESET community_retention.enable_rules_join;
-- a clause evaluated first still guards it
SELECT count(*) FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m) AND (r.id < 6 OR m.recency_days > 41);
DELETE FROM rj_r WHERE id = 6;

-- EXECUTE on incentive_matches is checked, as for the nested loop
CREATE ROLE regress_rj_user;
GRANT SELECT ON rj_m, rj_r TO regress_rj_user;
REVOKE EXECUTE ON FUNCTION incentive_matches(incentive_condition, record) FROM PUBLIC;
SET ROLE regress_rj_user;
SELECT count(*) FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m);
SET community_retention.enable_rules_join = off;
SELECT count(*) FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m);
RESET community_retention.enable_rules_join;
RESET ROLE;
GRANT EXECUTE ON FUNCTION incentive_matches(incentive_condition, record) TO PUBLIC;
SET ROLE regress_rj_user;
SELECT count(*) FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m);
RESET ROLE;
DROP OWNED BY regress_rj_user;
DROP ROLE regress_rj_user;

-- another function with incentive_matches's planner support: the node
-- evaluates the function itself (this one, boolne, is false for any two
-- non-null arguments)
CREATE FUNCTION rj_never(incentive_condition, record) RETURNS boolean
  LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE SUPPORT incentive_matches_support AS 'boolne';
EXPLAIN (COSTS OFF)
SELECT count(*) FROM rj_m m JOIN rj_r r ON rj_never(r.condition, m);
SELECT count(*) FROM rj_m m JOIN rj_r r ON rj_never(r.condition, m);
-- evaluated as an expression, it keeps its place among the join clauses: a
-- costly one after a cheaper clause, whose error comes first, as in the
-- nested loop
ALTER FUNCTION rj_never(incentive_condition, record) COST 100;
EXPLAIN (COSTS OFF)
SELECT count(*) FROM rj_m m JOIN rj_r r ON rj_never(r.condition, m) AND 10 / (m.recency_days - 5) + r.id > 0;
SELECT count(*) FROM rj_m m JOIN rj_r r ON rj_never(r.condition, m) AND 10 / (m.recency_days - 5) + r.id > 0;
SET community_retention.enable_rules_join = off;
SELECT count(*) FROM rj_m m JOIN rj_r r ON rj_never(r.condition, m) AND 10 / (m.recency_days - 5) + r.id > 0;
RESET community_retention.enable_rules_join;
DROP FUNCTION rj_never(incentive_condition, record);

-- in parallel: each worker reads all the rules and its share of the members
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 10;
SET parallel_tuple_cost = 0.001;
SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF)
SELECT r.id, count(*) FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m) GROUP BY r.id;
SELECT r.id, count(*) FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m) GROUP BY r.id ORDER BY r.id;
-- with parallelism for free the rules' cheapest path is a Gather, which a
-- worker cannot run: the workers read the rules with a plain scan
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
EXPLAIN (COSTS OFF)
SELECT r.id, count(*) FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m) GROUP BY r.id;
SELECT r.id, count(*) FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m) GROUP BY r.id ORDER BY r.id;
-- Rows Removed by Join Filter is the average per loop over every process
-- that ran the node, as for PostgreSQL's joins (the workers' counts and loops
-- are added to the leader's): times the loops it is the serial count, here
-- with the leader taking no part, all of it the workers'
CREATE FUNCTION rj_removed(q text, workers int, OUT removed float8, OUT loops float8)
LANGUAGE plpgsql AS $$
DECLARE
  j json;
BEGIN
  PERFORM set_config('max_parallel_workers_per_gather', workers::text, true);
  EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, FORMAT JSON) ' || q INTO j;
  WITH RECURSIVE n(p) AS (SELECT j->0->'Plan' UNION ALL SELECT json_array_elements(p->'Plans') FROM n)
  SELECT (p->>'Rows Removed by Join Filter')::float8, (p->>'Actual Loops')::float8 INTO removed, loops
  FROM n WHERE p->>'Custom Plan Provider' = 'IncentiveRulesJoin';
END $$;
\set qsmall 'SELECT count(*) FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m) AND r.id > 1'
SET parallel_leader_participation = off;
SELECT s.removed AS serial, abs(p.removed * p.loops - s.removed) <= p.loops / 2 AS parallel_same
FROM rj_removed(:'qsmall', 0) s, rj_removed(:'qsmall', 2) p;
RESET parallel_leader_participation;
DROP FUNCTION rj_removed(text, int);
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- left to PostgreSQL: more rules than work_mem holds (by the estimate), the
-- node off, and rules on the outer side of a left join
INSERT INTO rj_r SELECT g, ('current_streak > ' || (g % 15))::incentive_condition FROM generate_series(10, 3000) g;
ANALYZE rj_r;
SET work_mem = '64kB';
EXPLAIN (COSTS OFF)
SELECT count(*) FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m);
RESET work_mem;
SET community_retention.enable_rules_join = off;
EXPLAIN (COSTS OFF)
SELECT count(*) FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m) WHERE r.id < 6;
RESET community_retention.enable_rules_join;
EXPLAIN (COSTS OFF)
SELECT count(*) FROM rj_r r LEFT JOIN rj_m m ON incentive_matches(r.condition, m) WHERE r.id < 6;
-- 3000 rules against 2000 members: the same counts either way
SELECT rj_rows('SELECT r.id % 15 AS k, count(*) FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m) GROUP BY 1 ORDER BY 1', true)
     = rj_rows('SELECT r.id % 15 AS k, count(*) FROM rj_m m JOIN rj_r r ON incentive_matches(r.condition, m) GROUP BY 1 ORDER BY 1', false) AS same;

-- more rules than the planner expects (a filter it cannot estimate): past
-- work_mem they move to a tuplestore, read again for each member
CREATE TABLE rj_big AS
SELECT g AS id, ('current_streak > ' || (g % 15) || ' AND recency_days < ' || (g % 90))::incentive_condition AS condition
FROM generate_series(1, 3000) g;
ANALYZE rj_big;
SET work_mem = '64kB';
\set qbig 'SELECT r.id, m.member_id FROM rj_m m JOIN (SELECT * FROM rj_big WHERE id % 1 = 0 AND id % 2 >= 0) r ON incentive_matches(r.condition, m) WHERE m.member_id <= 40'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) :qbig;
SELECT cardinality(rj_rows(:'qbig', true)) AS n, rj_rows(:'qbig', true) = rj_rows(:'qbig', false) AS same;
-- the same plan run by one worker that EXPLAIN hides (force_parallel_mode,
-- renamed debug_parallel_query in PostgreSQL 16): the worker's storage shows
-- as the node's, the same as above whether or not the worker launched
SELECT CASE WHEN current_setting('server_version_num')::int >= 160000
            THEN 'debug_parallel_query' ELSE 'force_parallel_mode' END AS force_parallel \gset
SET :force_parallel = regress;
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) :qbig;
RESET :force_parallel;

-- in parallel each process reads the rules itself and may keep them its own
-- way: EXPLAIN ANALYZE shows the leader's Rules Storage at the node and each
-- worker's on a line of its own ("Worker N:"; in other formats, in the node's
-- "Workers" list).  rj_in_worker() gives the workers all 3000 rules, past
-- work_mem, and the leader five.
CREATE FUNCTION rj_in_worker() RETURNS bool LANGUAGE plpgsql PARALLEL SAFE COST 1 AS
$$ BEGIN RETURN pg_backend_pid() <> current_setting('rj.leader_pid')::int; END $$;
-- EXPLAIN ANALYZE of q in format fmt, printed so that it does not depend on
-- how the members were shared out: row counts are N and so is the worker of
-- a "Worker N:" line, the Workers Launched line is left out and a line each
-- worker has is printed once; a text plan ends with whether each worker
-- launched had its Rules Storage line, other formats print only the node's
-- own part.  EXPLAIN runs again while no worker launched (a busy machine),
-- as the leader alone would then have run the node.
CREATE FUNCTION rj_explain(q text, fmt text DEFAULT 'text') RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
  plan text;
  line text;
  prev text;
  launched int;
  storage_lines int := 0;
  in_node bool := fmt = 'text';
BEGIN
  PERFORM set_config('rj.leader_pid', pg_backend_pid()::text, true);
  FOR attempt IN 1..20 LOOP
    plan := '';
    FOR line IN EXECUTE format('EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF, FORMAT %s) %s', fmt, q) LOOP
      plan := plan || line || E'\n';
    END LOOP;
    launched := substring(plan FROM 'Workers[ -]Launched\D+(\d+)')::int;
    EXIT WHEN launched > 0;
    PERFORM pg_sleep(0.1);
  END LOOP;
  FOREACH line IN ARRAY string_to_array(rtrim(plan, E'\n'), E'\n') LOOP
    CONTINUE WHEN line ~ 'Workers[ -]Launched';
    IF line ~ '^\s*Worker \d+:  Rules Storage' THEN
      storage_lines := storage_lines + 1;
    END IF;
    line := regexp_replace(line, '(rows=|loops=|Rows|Loops|Filter|Worker)(\W*)\d+', '\1\2N', 'g');
    IF NOT in_node THEN
      in_node := line ~ 'Custom.Plan.Provider';
      CONTINUE WHEN NOT in_node;
    END IF;
    EXIT WHEN fmt <> 'text' AND line ~ 'Plans';
    CONTINUE WHEN line = prev AND line ~ 'Worker N';
    prev := line;
    RETURN NEXT line;
  END LOOP;
  IF fmt = 'text' THEN
    RETURN NEXT 'one Rules Storage line for each worker launched: ' || (storage_lines = launched);
  END IF;
END $$;
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
\set qpar 'SELECT count(*) FROM rj_m m JOIN (SELECT * FROM rj_big WHERE id % 1 = 0 AND id % 2 >= 0 AND (id <= 5 OR rj_in_worker())) r ON incentive_matches(r.condition, m)'
SELECT rj_explain(:'qpar');
-- the leader taking no part: only the workers' lines
SET parallel_leader_participation = off;
SELECT rj_explain(:'qpar');
RESET parallel_leader_participation;

-- other formats, with one worker (number 0)
SET max_parallel_workers_per_gather = 1;
SELECT rj_explain(:'qpar', 'json');
SELECT rj_explain(:'qpar', 'xml');
SELECT rj_explain(:'qpar', 'yaml');

-- a Gather rescanned (the inner side of a nested loop) starts its workers
-- again each time: a worker's line covers all its runs, the leader keeps its
-- rules
SET enable_material = off;
SET enable_hashjoin = off;
SET enable_mergejoin = off;
SELECT rj_explain('SELECT * FROM (' || :'qpar' || ') x RIGHT JOIN (VALUES (1), (2), (3)) v(a) ON true');
RESET enable_material;
RESET enable_hashjoin;
RESET enable_mergejoin;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
DROP FUNCTION rj_explain(text, text);
DROP FUNCTION rj_in_worker();
RESET work_mem;
-- what the clauses allocate for one pair is freed before the next, as in the
-- nested loop: 3000 long (compressed) conditions, each expanded for every
-- pair, kept the backend's peak near 25 MB, not 150 MB (a new backend: VmHWM)
CREATE TABLE rj_long (id int, condition incentive_condition) WITH (autovacuum_enabled = false);
ANALYZE rj_long;
INSERT INTO rj_long SELECT g, ('plan = ''' || repeat('abcd', 10000) || g || '''')::incentive_condition
FROM generate_series(1, 3000) g;
\c -
SET max_parallel_workers_per_gather = 0;
SET work_mem = '1MB';
CREATE FUNCTION pg_temp.rj_peak_kb() RETURNS bigint LANGUAGE sql AS $$
SELECT substring(pg_read_file('/proc/' || pg_backend_pid() || '/status') FROM 'VmHWM:\s*(\d+) kB')::bigint $$;
SELECT pg_temp.rj_peak_kb() AS peak_before \gset
\set qlong 'SELECT count(*) FROM (SELECT * FROM rj_m WHERE member_id % 400 = 0) m JOIN rj_long r ON incentive_matches(r.condition, m) WHERE r.id % 1 = 0'
EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) :qlong;
SELECT pg_temp.rj_peak_kb() - :peak_before < 80000 AS peak_near_work_mem;
RESET work_mem;
RESET max_parallel_workers_per_gather;

DROP FUNCTION rj_rows(text, bool);
DROP TABLE rj_m, rj_r, rj_big, rj_long;
RESET max_parallel_workers_per_gather;
