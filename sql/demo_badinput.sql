-- Bad-input matrix of the demo data generators (issue 7):
-- retention_demo_members, retention_demo_activity and
-- retention_demo_reference_date fed NULLs, negative, zero, huge and
-- out-of-range sizes, and extreme seeds.  Each case prints its SQLSTATE,
-- message, detail and hint, or "ok: " and the result; the server must never
-- crash.  The generators are STRICT: a NULL argument gives no rows.
SET TimeZone = 'UTC';
\set SHOW_CONTEXT never
\pset tuples_only on
\pset format unaligned
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r text; st text; msg text; det text; hnt text;
BEGIN
  EXECUTE q INTO r;
  RETURN 'ok: ' || coalesce(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                          det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
  RETURN st || ' ' || msg || coalesce(' | ' || nullif(det, ''), '')
         || coalesce(' | HINT: ' || nullif(hnt, ''), '');
END $$;

-- ---------------------------------------------------------------- reference date
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('reference date', $$SELECT retention_demo_reference_date()::text$$),
  ('reference date is a constant', $$SELECT count(DISTINCT retention_demo_reference_date())::text FROM generate_series(1, 3)$$)
) c(label, q);

-- ---------------------------------------------------------------- members
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('NULL n_members', $$SELECT count(*) FROM retention_demo_members(NULL)$$),
  ('NULL seed', $$SELECT count(*) FROM retention_demo_members(10, NULL)$$),
  ('zero members', $$SELECT count(*) FROM retention_demo_members(0)$$),
  ('one member', $$SELECT count(*) FROM retention_demo_members(1)$$),
  ('negative n_members', $$SELECT count(*) FROM retention_demo_members(-1)$$),
  ('n_members INT_MIN', $$SELECT count(*) FROM retention_demo_members(-2147483648)$$),
  ('n_members above the limit', $$SELECT count(*) FROM retention_demo_members(100000001)$$),
  ('n_members INT_MAX', $$SELECT count(*) FROM retention_demo_members(2147483647)$$),
  ('n_members bigint', $$SELECT count(*) FROM retention_demo_members(2147483648)$$),
  ('seed 0', $$SELECT count(*) FROM retention_demo_members(10, 0)$$),
  ('seed -1', $$SELECT count(*) FROM retention_demo_members(10, -1)$$),
  ('seed INT_MIN', $$SELECT count(*) FROM retention_demo_members(10, -2147483648)$$),
  ('seed INT_MAX', $$SELECT count(*) FROM retention_demo_members(10, 2147483647)$$),
  ('seeds -1 and INT_MAX differ', $$SELECT (SELECT string_agg(m::text, ',') FROM retention_demo_members(50, -1) m) <> (SELECT string_agg(m::text, ',') FROM retention_demo_members(50, 2147483647) m)$$),
  ('seed INT_MIN gives valid rows', $$SELECT bool_and(plan IN ('monthly', 'annual') AND joined_at < retention_demo_reference_date() AND renewed IS NOT NULL AND member_id BETWEEN 1 AND 200) FROM retention_demo_members(200, -2147483648)$$),
  ('seed INT_MAX gives valid rows', $$SELECT bool_and(plan IN ('monthly', 'annual') AND joined_at < retention_demo_reference_date() AND renewed IS NOT NULL) FROM retention_demo_members(200, 2147483647)$$)
) c(label, q);

-- ---------------------------------------------------------------- activity
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('NULL n_members', $$SELECT count(*) FROM retention_demo_activity(NULL)$$),
  ('NULL days', $$SELECT count(*) FROM retention_demo_activity(10, NULL)$$),
  ('NULL seed', $$SELECT count(*) FROM retention_demo_activity(10, 30, NULL)$$),
  ('zero members', $$SELECT count(*) FROM retention_demo_activity(0)$$),
  ('negative n_members', $$SELECT count(*) FROM retention_demo_activity(-5)$$),
  ('n_members INT_MAX', $$SELECT count(*) FROM retention_demo_activity(2147483647)$$),
  ('n_members INT_MIN', $$SELECT count(*) FROM retention_demo_activity(-2147483648, 30)$$),
  ('zero days', $$SELECT count(*) FROM retention_demo_activity(10, 0)$$),
  ('negative days', $$SELECT count(*) FROM retention_demo_activity(10, -1)$$),
  ('one day', $$SELECT bool_and(occurred_at >= retention_demo_reference_date() - interval '1 day' AND occurred_at < retention_demo_reference_date()) FROM retention_demo_activity(50, 1)$$),
  ('3650 days', $$SELECT bool_and(occurred_at >= retention_demo_reference_date() - interval '3650 days' AND occurred_at < retention_demo_reference_date()) FROM retention_demo_activity(2, 3650)$$),
  ('3651 days', $$SELECT count(*) FROM retention_demo_activity(10, 3651)$$),
  ('days INT_MAX', $$SELECT count(*) FROM retention_demo_activity(10, 2147483647)$$),
  ('days INT_MIN', $$SELECT count(*) FROM retention_demo_activity(10, -2147483648)$$),
  ('bad n_members and days: n_members reported first', $$SELECT count(*) FROM retention_demo_activity(-1, 0)$$),
  ('seed INT_MIN gives valid rows', $$SELECT bool_and(kind IS NOT NULL AND minutes >= 0 AND (rating IS NULL OR rating BETWEEN 1 AND 5) AND occurred_at < retention_demo_reference_date()) FROM retention_demo_activity(20, 30, -2147483648)$$),
  ('seed INT_MAX gives valid rows', $$SELECT bool_and(kind IS NOT NULL AND minutes >= 0 AND (rating IS NULL OR rating BETWEEN 1 AND 5) AND occurred_at < retention_demo_reference_date()) FROM retention_demo_activity(20, 30, 2147483647)$$),
  ('members and activity of a negative seed agree', $$SELECT count(*) = 0 FROM retention_demo_activity(30, 30, -7) a LEFT JOIN retention_demo_members(30, -7) m USING (member_id) WHERE m.member_id IS NULL$$)
) c(label, q);

-- huge requests stop at statement_timeout instead of running for hours
-- (57014 is query_canceled, which WHEN OTHERS does not catch)
CREATE FUNCTION pg_temp.try_cancel(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text;
BEGIN
  EXECUTE q;
  RETURN 'ok: not cancelled';
EXCEPTION WHEN query_canceled THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
  RETURN st || ' ' || msg;
END $$;
SET statement_timeout = '200ms';
SELECT pg_temp.try_cancel($$SELECT count(*) FROM retention_demo_members(100000000)$$) AS "100000000 members";
SELECT pg_temp.try_cancel($$SELECT count(*) FROM retention_demo_activity(100000000, 3650)$$) AS "100000000 members x 3650 days";
RESET statement_timeout;

-- the planner's row estimates do not choke on odd constant arguments
CREATE FUNCTION pg_temp.est(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE j json;
BEGIN
  EXECUTE 'EXPLAIN (FORMAT JSON) ' || q INTO j;
  RETURN j->0->'Plan'->>'Plan Rows';
END $$;
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('estimate for 1000 members', $$SELECT pg_temp.est('SELECT * FROM retention_demo_members(1000)')$$),
  ('estimate for NULL', $$SELECT pg_temp.est('SELECT * FROM retention_demo_activity(NULL, NULL)')$$),
  ('estimate for negative n_members', $$SELECT pg_temp.est('SELECT * FROM retention_demo_members(-1)')$$),
  ('estimate for INT_MAX members', $$SELECT pg_temp.est('SELECT * FROM retention_demo_members(2147483647)')$$),
  ('estimate for INT_MAX days', $$SELECT pg_temp.est('SELECT * FROM retention_demo_activity(10, 2147483647)')$$),
  ('estimate for 3650 days', $$SELECT pg_temp.est('SELECT * FROM retention_demo_activity(10, 3650)')$$)
) c(label, q);
