-- Demo data generator (issue #2): exact rows for seed 42, determinism,
-- independence from n_members and days, and bad input.
SET TimeZone = 'UTC';
SET extra_float_digits = 1;
\set SHOW_CONTEXT never

SELECT retention_demo_reference_date();

-- the first members and events of the default community (seed 42)
SELECT * FROM retention_demo_members(12);
SELECT * FROM retention_demo_activity(3, 14);

-- sizes
SELECT count(*) FROM retention_demo_members(1000);
SELECT count(*) FROM retention_demo_activity(200);
SELECT count(*) FROM retention_demo_activity(200, 30);
SELECT count(*) FROM retention_demo_activity(200, 30, 7);

-- the exact rows, pinned by checksums (seed 42)
SELECT md5(string_agg(m::text, ',' ORDER BY member_id)) FROM retention_demo_members(1000) m;
SELECT md5(string_agg(a::text, ',' ORDER BY member_id, occurred_at, kind)) FROM retention_demo_activity(100) a;

-- the same arguments give the same rows, in the same order
SELECT (SELECT md5(string_agg(a::text, ',')) FROM retention_demo_activity(300, 60, 5) a)
     = (SELECT md5(string_agg(a::text, ',')) FROM retention_demo_activity(300, 60, 5) a) AS same_rows;
-- another seed gives another community
SELECT (SELECT md5(string_agg(m::text, ',')) FROM retention_demo_members(300, 1) m)
    <> (SELECT md5(string_agg(m::text, ',')) FROM retention_demo_members(300, 2) m) AS members_differ,
       (SELECT md5(string_agg(a::text, ',')) FROM retention_demo_activity(300, 60, 1) a)
    <> (SELECT md5(string_agg(a::text, ',')) FROM retention_demo_activity(300, 60, 2) a) AS activity_differs;
-- the default seed is 42 and the default window 180 days
SELECT (SELECT md5(string_agg(a::text, ',')) FROM retention_demo_activity(50) a)
     = (SELECT md5(string_agg(a::text, ',')) FROM retention_demo_activity(50, 180, 42) a) AS defaults;

-- members(100) is a prefix of members(1000); activity likewise
SELECT count(*) AS not_a_prefix FROM (
  (SELECT * FROM retention_demo_members(100))
  EXCEPT ALL
  (SELECT * FROM retention_demo_members(1000) WHERE member_id <= 100)) d;
SELECT (SELECT md5(string_agg(a::text, ',')) FROM retention_demo_activity(100, 90) a)
     = (SELECT md5(string_agg(a::text, ',')) FROM retention_demo_activity(400, 90) a WHERE member_id <= 100) AS activity_prefix;
-- a shorter window is exactly the end of a longer one
SELECT (SELECT md5(string_agg(a::text, ',')) FROM retention_demo_activity(100, 30) a)
     = (SELECT md5(string_agg(a::text, ',')) FROM retention_demo_activity(100, 180) a
        WHERE occurred_at >= retention_demo_reference_date() - interval '30 days') AS window_suffix;

-- events fall inside [reference - days, reference) and never before joining
SELECT min(occurred_at), max(occurred_at) FROM retention_demo_activity(500, 7);
SELECT count(*) AS before_joining
FROM retention_demo_activity(500, 365) a JOIN retention_demo_members(500) m USING (member_id)
WHERE a.occurred_at < m.joined_at;

-- usable in the select list and laterally
SELECT retention_demo_members(2);
SELECT s AS seed, count(*), count(*) FILTER (WHERE renewed) AS renewed
FROM generate_series(1, 3) s, retention_demo_members(100, s) GROUP BY s ORDER BY s;

-- the planner's row estimates follow constant arguments (planner support)
CREATE FUNCTION pg_temp.plan_rows(q text) RETURNS float8 LANGUAGE plpgsql AS $$
DECLARE j json;
BEGIN
  EXECUTE 'EXPLAIN (FORMAT JSON) ' || q INTO j;
  RETURN (j -> 0 -> 'Plan' ->> 'Plan Rows')::float8;
END $$;
SELECT pg_temp.plan_rows('SELECT * FROM retention_demo_members(5000)') AS members_5000,
       pg_temp.plan_rows('SELECT * FROM retention_demo_activity(5000)') AS activity_5000,
       pg_temp.plan_rows('SELECT * FROM retention_demo_activity(100 * 50, 30)') AS activity_5000_30,
       pg_temp.plan_rows('SELECT * FROM retention_demo_activity(10, 3650)') AS activity_10_3650,
       pg_temp.plan_rows('SELECT * FROM retention_demo_members(-1)') AS bad_n,
       pg_temp.plan_rows('SELECT * FROM generate_series(1, 1) s, retention_demo_members(s)') AS not_constant;

-- edge cases: no members, one day, any seed
SELECT count(*) FROM retention_demo_members(0);
SELECT count(*) FROM retention_demo_activity(0);
SELECT count(*) FROM retention_demo_activity(100, 1);
SELECT count(*) FROM retention_demo_members(10, -2147483648);
-- STRICT: a NULL argument gives no rows
SELECT count(*) FROM retention_demo_members(NULL);
SELECT count(*) FROM retention_demo_members(10, NULL);
SELECT count(*) FROM retention_demo_activity(10, NULL);
SELECT count(*) FROM retention_demo_activity(NULL, 30, 1);

-- bad input: clear errors (SQLSTATE 22023)
SELECT * FROM retention_demo_members(-1);
SELECT * FROM retention_demo_members(100000001);
SELECT * FROM retention_demo_activity(-5);
SELECT * FROM retention_demo_activity(10, 0);
SELECT * FROM retention_demo_activity(10, -1);
SELECT * FROM retention_demo_activity(10, 3651);
DO $$
BEGIN
  PERFORM * FROM retention_demo_activity(10, 0);
EXCEPTION WHEN OTHERS THEN
  RAISE NOTICE 'SQLSTATE %', SQLSTATE;
END $$;

-- a runaway generation can be cancelled
SET statement_timeout = '300ms';
SELECT count(*) FROM retention_demo_activity(100000000, 3650);
SELECT count(*) FROM retention_demo_members(100000000);
RESET statement_timeout;
