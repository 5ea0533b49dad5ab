-- A rules join in parallel (planner support of incentive_matches): the plan
-- is a parallel nested loop with the rules materialized, and its rows are
-- exactly the serial plan's, for inner and left joins.  The rules join node,
-- which the planner prefers where it applies, is off here
-- (incentive_rules_join.sql and incentive_parallel_shapes.sql test it).
SET community_retention.enable_rules_join = off;
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

-- the same rows as the serial plan for rows with dropped columns, domains,
-- more than 100 columns, a column named like a feature of another rule, views
-- (security barrier too) and NULL-extended rows
CREATE DOMAIN par_score AS float8 CHECK (VALUE >= 0);
CREATE TABLE par_wide AS
SELECT i AS member_id, 0 AS gone, (i % 90) AS recency_days, (i % 15) AS current_streak,
       CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 1000) / 1000.0 END::float8::par_score AS retention_score,
       CASE WHEN i % 3 = 0 THEN 'annual' ELSE 'monthly' END::varchar(10) AS plan
FROM generate_series(1, 5000) i;
ALTER TABLE par_wide DROP COLUMN gone;
DO $$ BEGIN
  EXECUTE (SELECT 'ALTER TABLE par_wide ' || string_agg(format('ADD COLUMN c%s int DEFAULT %s', k, k), ', ')
           FROM generate_series(1, 110) k);
END $$;
ALTER TABLE par_wide ADD COLUMN "current_streak >= 7" boolean DEFAULT false;
ANALYZE par_wide;
CREATE VIEW par_view WITH (security_barrier) AS
SELECT member_id, recency_days, current_streak, retention_score, plan FROM par_wide WHERE member_id % 5 <> 0;
\set q1 'SELECT r.id, m.member_id FROM par_wide m JOIN par_rules r ON incentive_matches(r.condition, m)'
\set q2 'SELECT r.id, m.member_id FROM par_view m JOIN par_rules r ON incentive_matches(r.condition, m)'
\set q3 'SELECT r.id, m.member_id FROM par_rules r LEFT JOIN par_wide m ON incentive_matches(r.condition, m) AND m.member_id < 0'
\set q4 'SELECT r.id, m.member_id FROM par_wide m LEFT JOIN par_rules r ON incentive_matches(r.condition, m) AND r.id > 3'
SET max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE s1 AS :q1;
CREATE TEMP TABLE s2 AS :q2;
CREATE TEMP TABLE s3 AS :q3;
CREATE TEMP TABLE s4 AS :q4;
SET max_parallel_workers_per_gather = 2;
SET parallel_tuple_cost = 0;
CREATE TEMP TABLE p1 AS :q1;
CREATE TEMP TABLE p2 AS :q2;
CREATE TEMP TABLE p3 AS :q3;
CREATE TEMP TABLE p4 AS :q4;
SELECT 'wide table' AS q, (SELECT count(*) FROM s1) AS n,
       (SELECT count(*) FROM ((TABLE s1 EXCEPT ALL TABLE p1) UNION ALL (TABLE p1 EXCEPT ALL TABLE s1)) d) AS differ
UNION ALL SELECT 'security-barrier view', (SELECT count(*) FROM s2),
       (SELECT count(*) FROM ((TABLE s2 EXCEPT ALL TABLE p2) UNION ALL (TABLE p2 EXCEPT ALL TABLE s2)) d)
UNION ALL SELECT 'rules left join members (NULL rows)', (SELECT count(*) FROM s3),
       (SELECT count(*) FROM ((TABLE s3 EXCEPT ALL TABLE p3) UNION ALL (TABLE p3 EXCEPT ALL TABLE s3)) d)
UNION ALL SELECT 'members left join rules', (SELECT count(*) FROM s4),
       (SELECT count(*) FROM ((TABLE s4 EXCEPT ALL TABLE p4) UNION ALL (TABLE p4 EXCEPT ALL TABLE s4)) d)
ORDER BY q;
EXPLAIN (COSTS OFF) CREATE TEMP TABLE p0 AS :q1;
DROP TABLE s1, s2, s3, s4, p1, p2, p3, p4;
-- the plan really is the parallel one for the wide table and the view
EXPLAIN (COSTS OFF)
SELECT count(*) FROM par_wide m JOIN par_rules r ON incentive_matches(r.condition, m);
EXPLAIN (COSTS OFF)
SELECT count(*) FROM par_view m JOIN par_rules r ON incentive_matches(r.condition, m);
DROP VIEW par_view;
DROP TABLE par_wide;
DROP DOMAIN par_score;

RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
DROP TABLE par_members, par_rules;
RESET community_retention.enable_rules_join;
