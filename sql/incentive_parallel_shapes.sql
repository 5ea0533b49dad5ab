-- The rules join in other join shapes: every query gives the same rows as
-- PostgreSQL's own serial plan (the rules join node off): with the node
-- (IncentiveRulesJoin) serially and in parallel, and with it off, in
-- parallel (the planner support's parallel nested loop) and in parallel
-- without materialization (PostgreSQL's own plans only).
CREATE TABLE shp_m AS
SELECT i AS member_id, (i % 90) AS recency_days, (i % 15) AS current_streak,
       CASE WHEN i % 7 = 0 THEN NULL ELSE (i % 1000) / 1000.0 END::float8 AS retention_score,
       CASE WHEN i % 3 = 0 THEN 'annual' ELSE 'monthly' END AS plan
FROM generate_series(1, 3000) i;
CREATE TABLE shp_r (id int, condition incentive_condition, prio int);
INSERT INTO shp_r VALUES
 (1, 'recency_days > 14 AND retention_score < 0.3', 1),
 (2, 'plan = ''annual'' AND recency_days BETWEEN 20 AND 60', 2),
 (3, 'current_streak >= 7', 1),
 (4, 'retention_score IS NULL', 3),
 (5, 'recency_days > 1000', 2),
 (6, NULL, 1);
ALTER TABLE shp_r SET (parallel_workers = 0);
CREATE TABLE shp_mp (LIKE shp_m) PARTITION BY RANGE (member_id);
CREATE TABLE shp_mp1 PARTITION OF shp_mp FOR VALUES FROM (0) TO (1500);
CREATE TABLE shp_mp2 PARTITION OF shp_mp FOR VALUES FROM (1500) TO (10000);
INSERT INTO shp_mp SELECT * FROM shp_m;
CREATE TABLE shp_mrls AS SELECT * FROM shp_m;
ALTER TABLE shp_mrls ENABLE ROW LEVEL SECURITY;
CREATE POLICY shp_p ON shp_mrls FOR SELECT USING (member_id % 3 = 0);
CREATE ROLE regress_shp_reader;
GRANT SELECT ON shp_m, shp_r, shp_mrls TO regress_shp_reader;
CREATE TEMP TABLE shp_tr AS SELECT * FROM shp_r;
ANALYZE shp_m; ANALYZE shp_r; ANALYZE shp_mp; ANALYZE shp_mrls; ANALYZE shp_tr;
CREATE TEMP TABLE shp_q (name text, q text);
INSERT INTO shp_q VALUES
 ('inner', 'SELECT r.id, m.member_id FROM shp_m m JOIN shp_r r ON incentive_matches(r.condition, m)'),
 ('left, members outer', 'SELECT r.id, m.member_id FROM shp_m m LEFT JOIN shp_r r ON incentive_matches(r.condition, m)'),
 ('left, rules outer', 'SELECT r.id, m.member_id FROM shp_r r LEFT JOIN shp_m m ON incentive_matches(r.condition, m) AND m.member_id % 2 = 0'),
 ('right', 'SELECT r.id, m.member_id FROM shp_r r RIGHT JOIN shp_m m ON incentive_matches(r.condition, m)'),
 ('exists', 'SELECT m.member_id FROM shp_m m WHERE EXISTS (SELECT FROM shp_r r WHERE incentive_matches(r.condition, m))'),
 ('not exists', 'SELECT m.member_id FROM shp_m m WHERE NOT EXISTS (SELECT FROM shp_r r WHERE incentive_matches(r.condition, m))'),
 ('other join qual', 'SELECT r.id, m.member_id FROM shp_m m JOIN shp_r r ON incentive_matches(r.condition, m) AND r.prio < m.current_streak'),
 ('lateral', 'SELECT m.member_id, x.id FROM shp_m m, LATERAL (SELECT r.id FROM shp_r r WHERE incentive_matches(r.condition, m) ORDER BY r.id LIMIT 1) x'),
 ('rules in a subquery with LIMIT', 'SELECT s.id, m.member_id FROM shp_m m JOIN (SELECT * FROM shp_r ORDER BY id LIMIT 3) s ON incentive_matches(s.condition, m)'),
 ('rules from VALUES', 'SELECT v.id, m.member_id FROM shp_m m JOIN (VALUES (1, ''current_streak > 3''::incentive_condition), (2, ''plan = ''''annual'''''')) v(id, condition) ON incentive_matches(v.condition, m)'),
 ('rules from a CTE', 'WITH c AS MATERIALIZED (SELECT * FROM shp_r) SELECT c.id, m.member_id FROM shp_m m JOIN c ON incentive_matches(c.condition, m)'),
 ('rules in a temp table', 'SELECT r.id, m.member_id FROM shp_m m JOIN shp_tr r ON incentive_matches(r.condition, m)'),
 ('three-way', 'SELECT r.id, r2.id, m.member_id FROM shp_m m JOIN shp_r r ON incentive_matches(r.condition, m) JOIN shp_r r2 ON incentive_matches(r2.condition, m) AND r2.id > r.id'),
 ('partitioned members', 'SELECT r.id, m.member_id FROM shp_mp m LEFT JOIN shp_r r ON incentive_matches(r.condition, m)'),
 ('row-level security', 'SELECT r.id, m.member_id FROM shp_mrls m JOIN shp_r r ON incentive_matches(r.condition, m)'),
 ('left, members outer, filter above', 'SELECT r.id, m.member_id FROM shp_m m LEFT JOIN shp_r r ON incentive_matches(r.condition, m) WHERE r.id IS NULL OR r.prio > 1'),
 ('left, members outer, other join qual', 'SELECT r.id, m.member_id FROM shp_m m LEFT JOIN shp_r r ON r.prio < m.current_streak AND incentive_matches(r.condition, m)'),
 ('row expression', 'SELECT r.id, m.member_id FROM shp_m m JOIN shp_r r ON incentive_matches(r.condition, (SELECT x FROM (SELECT m.recency_days, m.current_streak, m.retention_score, m.plan) x))'),
 ('condition expression', 'SELECT r.id, m.member_id FROM shp_m m JOIN shp_r r ON incentive_matches(coalesce(r.condition, ''recency_days < 3''), m)'),
 ('null-extended rows', 'SELECT r.id, m.member_id FROM shp_r r0 LEFT JOIN shp_m m ON m.member_id = r0.id * 700 JOIN shp_r r ON incentive_matches(r.condition, m)'),
 ('rules read again for each outer value', 'SELECT g, (SELECT count(*) FROM shp_m m JOIN shp_r r ON incentive_matches(r.condition, m) WHERE r.id <= g AND m.member_id <= 500 * g) FROM generate_series(1, 6) g'),
 ('ordered by member', 'SELECT r.id, m.member_id FROM (SELECT * FROM shp_m ORDER BY member_id DESC LIMIT 1000) m JOIN shp_r r ON incentive_matches(r.condition, m)');
CREATE FUNCTION shp_digest(q text, parallel bool, material bool, node bool) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  d text;
BEGIN
  PERFORM set_config('max_parallel_workers_per_gather', CASE WHEN parallel THEN '2' ELSE '0' END, true);
  PERFORM set_config('enable_material', CASE WHEN material THEN 'on' ELSE 'off' END, true);
  PERFORM set_config('community_retention.enable_rules_join', CASE WHEN node THEN 'on' ELSE 'off' END, true);
  EXECUTE 'SELECT count(*) || '' '' || md5(coalesce(string_agg(t::text, ''|'' ORDER BY t::text), '''')) FROM (' || q || ') t' INTO d;
  RETURN d;
END $$;
SET parallel_setup_cost = 10;
SET parallel_tuple_cost = 0.001;
SET min_parallel_table_scan_size = 0;
CREATE TEMP TABLE shp_ref AS SELECT name, q, shp_digest(q, false, true, false) AS d FROM shp_q;
SELECT name, shp_digest(q, false, true, true) = d AS node_same,
       shp_digest(q, true, true, true) = d AS node_parallel_same,
       shp_digest(q, true, true, false) = d AS parallel_same,
       shp_digest(q, true, false, false) = d AS no_material_same
FROM shp_ref ORDER BY name;
-- the shapes the node takes on (the others keep their plans)
CREATE FUNCTION shp_uses_node(q text) RETURNS bool
LANGUAGE plpgsql AS $$
DECLARE
  line text;
BEGIN
  FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
    IF line LIKE '%IncentiveRulesJoin%' THEN
      RETURN true;
    END IF;
  END LOOP;
  RETURN false;
END $$;
SELECT name FROM shp_q WHERE shp_uses_node(q) ORDER BY name;
-- the rows a role sees under row-level security do not change either
GRANT SELECT ON shp_q TO regress_shp_reader;
SET ROLE regress_shp_reader;
SELECT name, shp_digest(q, true, true, true) = shp_digest(q, false, true, false) AS node_parallel_same
FROM shp_q WHERE name = 'row-level security';
SELECT count(*) FROM shp_mrls m JOIN shp_r r ON incentive_matches(r.condition, m);
RESET ROLE;
DROP TABLE shp_mrls;
DROP OWNED BY regress_shp_reader;
DROP ROLE regress_shp_reader;
