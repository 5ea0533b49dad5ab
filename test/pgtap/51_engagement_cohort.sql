-- Cohort retention and RFM (issue 5): engagement_periods and retention_curve
-- against a SQL reference (generate_series, timestamptz + interval, EXISTS);
-- parallel equals serial; rfm_segment totals.
BEGIN;
SELECT plan(14);

CREATE TABLE coh_members (member_id int, start timestamptz);
INSERT INTO coh_members
SELECT m, '2024-01-01 00:00+00'::timestamptz
          + make_interval(secs => (abs(hashint8(m)) % (120 * 86400))::float8)
FROM generate_series(1, 300) m;
-- month ends and a DST day as starts
UPDATE coh_members SET start = '2024-01-31 10:00+01' WHERE member_id % 17 = 0;
UPDATE coh_members SET start = '2024-03-10 01:30-05' WHERE member_id % 19 = 0;
CREATE TABLE coh_ev (member_id int, occurred_at timestamptz);
INSERT INTO coh_ev
SELECT m, '2024-01-01 00:00+00'::timestamptz
          + make_interval(secs => (abs(hashint8(m * 1000 + k)) % (330 * 86400))::float8)
FROM generate_series(1, 300) m, generate_series(1, m % 13) k;   -- some members have no events
INSERT INTO coh_ev SELECT member_id, start FROM coh_members WHERE member_id % 7 = 0;  -- exactly at start
INSERT INTO coh_ev VALUES (1, NULL);
ANALYZE coh_members;
ANALYZE coh_ev;

CREATE FUNCTION coh_actual(p interval, n int, as_of timestamptz) RETURNS TABLE (member_id int, periods boolean[])
LANGUAGE sql STABLE AS $$
  SELECT m.member_id, engagement_periods(e.occurred_at, m.start, p, n, as_of)
  FROM coh_members m LEFT JOIN coh_ev e USING (member_id) GROUP BY m.member_id
$$;
CREATE FUNCTION coh_reference(p interval, n int, as_of timestamptz) RETURNS TABLE (member_id int, periods boolean[])
LANGUAGE sql STABLE AS $$
  SELECT m.member_id,
         array_agg(CASE WHEN m.start + k * p > as_of THEN NULL
                        ELSE EXISTS (SELECT 1 FROM coh_ev e
                                     WHERE e.member_id = m.member_id AND e.occurred_at <= as_of
                                       AND e.occurred_at >= m.start + (k - 1) * p
                                       AND e.occurred_at < m.start + k * p) END ORDER BY k)
  FROM coh_members m, generate_series(1, n) k GROUP BY m.member_id
$$;
CREATE FUNCTION coh_mismatches(p interval, n int, as_of timestamptz) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT count(*) FROM coh_actual(p, n, as_of) a FULL JOIN coh_reference(p, n, as_of) r USING (member_id)
  WHERE a.periods IS DISTINCT FROM r.periods
$$;

SET LOCAL TimeZone = 'America/New_York';
SELECT is(coh_mismatches('1 month', 8, '2024-09-15 12:00'), 0::bigint, 'monthly periods match the reference (New York)');
SELECT is(coh_mismatches('1 day', 40, '2024-03-20'), 0::bigint, 'daily periods across the DST change match the reference');
SELECT is(coh_mismatches('7 days', 30, '2024-12-31'), 0::bigint, 'weekly periods match the reference');
SET LOCAL TimeZone = 'Europe/Berlin';
SELECT is(coh_mismatches('1 month', 12, '2024-11-30 23:59:59'), 0::bigint, 'monthly periods match the reference (Berlin)');
SELECT is(coh_mismatches('36 hours', 20, '2024-02-15'), 0::bigint, 'periods of hours match the reference');
SELECT is((SELECT count(*) FROM coh_actual('1 month', 3, '2025-01-01') WHERE periods = '{f,f,f}'),
          (SELECT count(*) FROM coh_members m WHERE NOT EXISTS (
             SELECT 1 FROM coh_ev e WHERE e.member_id = m.member_id AND e.occurred_at >= m.start
               AND e.occurred_at < m.start + '3 months'::interval)),
          'members without activity are present with false periods');

-- retention_curve against count/FILTER per period
CREATE TEMP TABLE coh_p AS SELECT * FROM coh_actual('1 month', 8, '2024-10-01');
CREATE FUNCTION coh_curve_ref(unbounded boolean) RETURNS float8[] LANGUAGE sql STABLE AS $$
  SELECT array_agg(r ORDER BY k) FROM (
    SELECT k, (count(*) FILTER (WHERE CASE WHEN unbounded
                                         THEN true = ANY (p.periods[k:])
                                         ELSE p.periods[k] END))::float8
              / nullif(count(p.periods[k]), 0) AS r
    FROM coh_p p, generate_series(1, 8) k GROUP BY k) s
$$;
CREATE FUNCTION coh_close(a float8[], b float8[]) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT cardinality(a) = cardinality(b) AND bool_and((x IS NULL AND y IS NULL) OR abs(x - y) < 1e-12)
  FROM unnest(a, b) u(x, y)
$$;
SELECT ok(coh_close((SELECT retention_curve(periods) FROM coh_p), coh_curve_ref(false)),
          'retention_curve matches count/FILTER per period');
SELECT ok(coh_close((SELECT retention_curve(periods, true) FROM coh_p), coh_curve_ref(true)),
          'retention_curve unbounded matches the "on or after" reference');
SELECT ok((SELECT bool_and(a >= b) FROM unnest((SELECT retention_curve(periods, true) FROM coh_p),
                                              (SELECT retention_curve(periods) FROM coh_p)) u(a, b)),
          'unbounded retention is never below "on" retention');
SELECT ok((SELECT (retention_curve(periods))[8] IS NULL FROM coh_p WHERE periods[8] IS NULL),
          'a period no member has completed is NULL');

-- parallel equals serial
CREATE TEMP TABLE coh_serial AS
  SELECT m.member_id, engagement_periods(e.occurred_at, m.start, '1 month', 8, '2024-10-01') p
  FROM coh_members m JOIN coh_ev e USING (member_id) GROUP BY m.member_id;
CREATE TEMP TABLE coh_serial_curve AS
  SELECT retention_curve(p) c, retention_curve(p, true) u FROM coh_serial;
CREATE TABLE coh_pp AS SELECT * FROM coh_serial;
ANALYZE coh_pp;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SELECT is((SELECT count(*) FROM (
             SELECT e.member_id, engagement_periods(e.occurred_at, '2024-01-31 10:00+01', '1 month', 8, '2024-10-01') p
             FROM coh_ev e GROUP BY e.member_id) x FULL JOIN (
             SELECT e.member_id, engagement_periods(e.occurred_at, '2024-01-31 10:00+01', '1 month', 8, '2024-10-01') p
             FROM coh_ev e WHERE e.member_id > -1 GROUP BY e.member_id) y USING (member_id)
           WHERE x.p IS DISTINCT FROM y.p), 0::bigint, 'engagement_periods grouped, parallel plan, consistent');
SELECT ok((SELECT engagement_periods(occurred_at, '2024-01-31 10:00+01', '1 month', 8, '2024-10-01') FROM coh_ev)
          = (SELECT array_agg(EXISTS (SELECT 1 FROM coh_ev WHERE occurred_at >= '2024-01-31 10:00+01'::timestamptz + (k - 1) * '1 month'::interval
                                        AND occurred_at < '2024-01-31 10:00+01'::timestamptz + k * '1 month'::interval
                                        AND occurred_at <= '2024-10-01') ORDER BY k)
             FROM generate_series(1, 8) k),
          'engagement_periods over the whole table (partial aggregates combined) matches the reference');
SELECT ok((SELECT coh_close(retention_curve(p), (SELECT c FROM coh_serial_curve))
                  AND coh_close(retention_curve(p, true), (SELECT u FROM coh_serial_curve)) FROM coh_pp),
          'retention_curve parallel equals serial');

SELECT is((SELECT count(DISTINCT rfm_segment(r, f, m)) FROM generate_series(1, 5) r, generate_series(1, 5) f, generate_series(1, 5) m),
          11::bigint, 'rfm_segment uses all eleven segments');

SELECT * FROM finish();
ROLLBACK;
