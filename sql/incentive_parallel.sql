-- A rules join in parallel (planner support of incentive_matches): the plan
-- is a parallel nested loop with the rules materialized, and its rows are
-- exactly the serial plan's, for inner and left joins.
CREATE TABLE par_members AS
SELECT i AS member_id, (i % 90) AS recency_days, (i % 15) AS current_streak,
       CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 1000) / 1000.0 END::float8 AS retention_score,
       CASE WHEN i % 3 = 0 THEN 'annual' ELSE 'monthly' END AS plan
FROM generate_series(1, 5000) i;
CREATE TABLE par_rules (id int PRIMARY KEY, condition incentive_condition NOT NULL);
INSERT INTO par_rules VALUES
 (1, 'recency_days > 14 AND retention_score < 0.3'),
 (2, 'plan = ''annual'' AND recency_days BETWEEN 20 AND 60'),
 (3, 'current_streak >= 7'),
 (4, 'retention_score IS NULL'),
 (5, 'recency_days > 1000');
-- the rules are read whole (as a table of a few rules is)
ALTER TABLE par_rules SET (parallel_workers = 0);
ANALYZE par_members;
ANALYZE par_rules;

-- serial results
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_inner AS
SELECT r.id, count(*) AS n FROM par_members m JOIN par_rules r ON incentive_matches(r.condition, m) GROUP BY r.id;
CREATE TEMP TABLE serial_left AS
SELECT r.id, count(m.member_id) AS n, count(*) AS rows_out
FROM par_rules r LEFT JOIN par_members m ON incentive_matches(r.condition, m) AND m.member_id % 2 = 0 GROUP BY r.id;

-- a parallel plan, however small the table
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 10;
SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF)
SELECT count(*) FROM par_members m JOIN par_rules r ON incentive_matches(r.condition, m);
SELECT count(*) FROM par_members m JOIN par_rules r ON incentive_matches(r.condition, m);
SELECT r.id, count(*) AS n FROM par_members m JOIN par_rules r ON incentive_matches(r.condition, m) GROUP BY r.id
EXCEPT SELECT * FROM serial_inner;
SELECT * FROM serial_inner ORDER BY id;

-- members outer in a left join: every member kept once
EXPLAIN (COSTS OFF)
SELECT count(*), count(r.id) FROM par_members m LEFT JOIN par_rules r ON incentive_matches(r.condition, m);
SELECT count(*), count(r.id) FROM par_members m LEFT JOIN par_rules r ON incentive_matches(r.condition, m);

-- rules outer in a left join (the members side may be null-extended)
SELECT r.id, count(m.member_id) AS n, count(*) AS rows_out
FROM par_rules r LEFT JOIN par_members m ON incentive_matches(r.condition, m) AND m.member_id % 2 = 0 GROUP BY r.id
EXCEPT SELECT * FROM serial_left;

-- enable_material off: PostgreSQL's own plans only
SET enable_material = off;
EXPLAIN (COSTS OFF)
SELECT count(*) FROM par_members m JOIN par_rules r ON incentive_matches(r.condition, m);
RESET enable_material;

-- a join without incentive_matches gets PostgreSQL's own plan
EXPLAIN (COSTS OFF)
SELECT count(*) FROM par_members m JOIN par_rules r ON r.id + m.current_streak > 10;

-- a prepared statement with a generic plan
PREPARE par_q(int) AS
SELECT count(*) FROM par_members m JOIN par_rules r ON incentive_matches(r.condition, m) WHERE r.id <= $1;
SET plan_cache_mode = force_generic_plan;
EXPLAIN (COSTS OFF) EXECUTE par_q(5);
EXECUTE par_q(5);
EXECUTE par_q(2);
RESET plan_cache_mode;
DEALLOCATE par_q;

RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET min_parallel_table_scan_size;
DROP TABLE par_members, par_rules;
