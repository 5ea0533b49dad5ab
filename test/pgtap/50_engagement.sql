-- Engagement features (issue 5): every field of engagement_summary against a
-- straightforward SQL reference (date_trunc, window functions, generate_series)
-- on deterministic pseudo-random events over 2024 (leap day, both DST changes),
-- several cut-offs, in several session TimeZones; parallel equals serial.
BEGIN;
SELECT plan(46);

-- A real (not temporary) table, so that parallel workers can scan it.
CREATE TABLE eng_ev (member_id int, occurred_at timestamptz, amount float8);
INSERT INTO eng_ev
SELECT m, '2024-01-01 00:00+00'::timestamptz
          + make_interval(secs => (abs(hashint8(m * 100000 + k)) % (330 * 86400))::float8),
       CASE WHEN k % 11 = 0 THEN NULL ELSE (k % 7) * 1.5 END
FROM generate_series(1, 60) m, generate_series(1, (m % 23) * 4 + 1) k;
-- duplicates, NULL timestamps, events exactly on DST changes and the leap day
INSERT INTO eng_ev SELECT member_id, occurred_at, amount FROM eng_ev WHERE member_id % 5 = 0;
INSERT INTO eng_ev VALUES
  (7, NULL, 3), (7, '2024-02-29 00:00:00+00', 1), (7, '2024-02-29 23:59:59.999999+00', 1),
  (8, '2024-03-31 01:59:59+01', 2), (8, '2024-03-31 03:00:00+02', 2),
  (8, '2024-10-27 02:30:00+02', 2), (8, '2024-10-27 02:30:00+01', 2),
  (9, '2024-03-10 01:59:59-05', 1), (9, '2024-03-10 03:00:00-04', 1),
  (9, '2024-11-03 01:30:00-04', 1), (9, '2024-11-03 01:30:00-05', 1),
  (61, '2024-06-01 12:00+00', 5),                      -- a single event
  (62, '2024-06-01 12:00+00', 5), (62, '2024-06-05 12:00+00', 5),  -- two active days
  (63, '2025-06-01 12:00+00', 5);                      -- only in the future

CREATE TABLE eng_cut (as_of timestamptz);
INSERT INTO eng_cut VALUES
  ('2024-02-29 18:00+00'), ('2024-03-31 03:30+02'), ('2024-03-10 03:00-04'),
  ('2024-10-27 02:30+01'), ('2024-11-03 01:30-05'), ('2024-12-31 23:59:59+00'),
  ('2024-06-05 12:00+00');
-- events exactly at a cut-off
INSERT INTO eng_ev SELECT 10, as_of, 1 FROM eng_cut;
INSERT INTO eng_ev SELECT 11, as_of, 1 FROM eng_cut;
ANALYZE eng_ev;

-- The (as_of, member, event) rows compared: every member at every cut-off
-- (replaced further down by other events).
CREATE VIEW eng_rows AS
  SELECT c.as_of, v.member_id, v.occurred_at, v.amount FROM eng_ev v CROSS JOIN eng_cut c;

CREATE FUNCTION eng_actual() RETURNS TABLE (as_of timestamptz, member_id int, e engagement)
LANGUAGE sql STABLE AS $$
  SELECT as_of, member_id, engagement_summary(occurred_at, as_of, amount)
  FROM eng_rows GROUP BY as_of, member_id
$$;

-- The straightforward reference, one CTE per family of fields.  An event
-- counts on its local day, or on as_of's day if that is earlier (where the
-- clocks went back across midnight, see the St. John's cases below).
CREATE FUNCTION eng_reference() RETURNS TABLE (as_of timestamptz, member_id int, e engagement)
LANGUAGE sql STABLE AS $$
  WITH ev AS (
    SELECT as_of, member_id, occurred_at, amount,
           least(date_trunc('day', occurred_at)::date, date_trunc('day', as_of)::date) AS d,
           date_trunc('day', as_of)::date AS ad
    FROM eng_rows WHERE occurred_at <= as_of),
  days AS (SELECT DISTINCT as_of, member_id, d, ad FROM ev),
  isl AS (
    SELECT as_of, member_id, d, ad,
           d - (row_number() OVER w)::int AS grp,
           d - lag(d) OVER w AS gap
    FROM days WINDOW w AS (PARTITION BY as_of, member_id ORDER BY d)),
  runs AS (SELECT as_of, member_id, count(*) AS len, max(d) AS last_d, max(ad) AS ad
           FROM isl GROUP BY as_of, member_id, grp),
  streaks AS (SELECT as_of, member_id, max(len)::int AS longest,
                     coalesce(max(len) FILTER (WHERE last_d >= ad - 1), 0)::int AS cur
              FROM runs GROUP BY as_of, member_id),
  gaps AS (SELECT as_of, member_id, count(*) AS k,
                  avg(gap)::float8 AS mg, (stddev_pop(gap) / avg(gap))::float8 AS cv
           FROM isl GROUP BY as_of, member_id),
  -- week 8 = as_of's day and the 6 days before, week 7 the 7 days before those, ...
  weekly AS (SELECT as_of, member_id, 8 - (ad - d) / 7 AS w, count(*) AS y
             FROM days WHERE ad - d < 56 GROUP BY 1, 2, 3),
  weeks AS (
    SELECT m.as_of, m.member_id, w, coalesce(k.y, 0) AS y
    FROM (SELECT DISTINCT as_of, member_id FROM days) m CROSS JOIN generate_series(1, 8) w
    LEFT JOIN weekly k USING (as_of, member_id, w)),
  trend AS (SELECT as_of, member_id, regr_slope(y, w) AS t FROM weeks GROUP BY as_of, member_id),
  base AS (
    SELECT as_of, member_id, min(occurred_at) AS fs, max(occurred_at) AS ls, count(*) AS n,
           sum(exp(-ln(2) * extract(epoch FROM as_of - occurred_at)::float8 / (14 * 86400))) AS dec,
           coalesce(sum(amount), 0) AS at,
           coalesce(sum(amount) FILTER (WHERE d > ad - 30), 0) AS a30
    FROM ev GROUP BY as_of, member_id),
  act AS (
    SELECT as_of, member_id, count(*)::int AS a,
           (count(*) FILTER (WHERE d > ad - 7))::int AS a7,
           (count(*) FILTER (WHERE d > ad - 30))::int AS a30,
           (count(*) FILTER (WHERE d > ad - 90))::int AS a90
    FROM days GROUP BY as_of, member_id)
  SELECT b.as_of, b.member_id,
         ROW(b.fs, b.ls,
             extract(epoch FROM b.as_of - b.fs)::float8 / 86400,
             extract(epoch FROM b.as_of - b.ls)::float8 / 86400,
             b.n, a.a, a.a7, a.a30, a.a90, s.cur, s.longest,
             CASE WHEN g.k >= 2 THEN g.mg END, CASE WHEN g.k >= 3 THEN g.cv END,
             b.dec, t.t, b.at, b.a30)::engagement
  FROM base b
  JOIN act a USING (as_of, member_id) JOIN streaks s USING (as_of, member_id)
  JOIN gaps g USING (as_of, member_id) JOIN trend t USING (as_of, member_id)
$$;

-- (NULL and NaN equal themselves, and infinities of one sign each other)
CREATE FUNCTION eng_close(a float8, b float8) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT a IS NOT DISTINCT FROM b OR abs(a - b) <= 1e-9 * (1 + abs(b))
$$;

-- Are two engagement values equal (floats to 1e-9 relative)?
CREATE FUNCTION eng_same(x engagement, r engagement) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
  SELECT (x IS NULL AND r IS NULL) OR coalesce(
        x.first_seen = r.first_seen AND x.last_seen = r.last_seen
    AND eng_close(x.tenure_days, r.tenure_days) AND eng_close(x.recency_days, r.recency_days)
    AND x.events = r.events AND x.active_days = r.active_days
    AND x.active_days_7 = r.active_days_7 AND x.active_days_30 = r.active_days_30
    AND x.active_days_90 = r.active_days_90
    AND x.current_streak = r.current_streak AND x.longest_streak = r.longest_streak
    AND eng_close(x.mean_gap_days, r.mean_gap_days) AND eng_close(x.gap_cv, r.gap_cv)
    AND eng_close(x.decayed_activity, r.decayed_activity) AND eng_close(x.trend, r.trend)
    AND eng_close(x.amount_total, r.amount_total) AND eng_close(x.amount_30, r.amount_30), false)
$$;

-- Rows (as_of, member) whose engagement differs from the reference in any
-- field; a group without events at or before as_of is NULL and absent from
-- the reference.
CREATE FUNCTION eng_mismatches() RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT count(*)
  FROM eng_actual() x FULL JOIN eng_reference() r USING (as_of, member_id)
  WHERE NOT eng_same(x.e, r.e)
$$;

CREATE FUNCTION eng_explain(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || q;
END
$$;

SELECT cmp_ok((SELECT count(*) FROM eng_reference()), '>', 300::bigint, 'the reference covers many (as_of, member) rows');

SET LOCAL TimeZone = 'UTC';
SELECT is(eng_mismatches(), 0::bigint, 'every field matches the SQL reference (UTC)');
SET LOCAL TimeZone = 'Europe/Berlin';
SELECT is(eng_mismatches(), 0::bigint, 'every field matches the SQL reference (Europe/Berlin)');
SET LOCAL TimeZone = 'America/New_York';
SELECT is(eng_mismatches(), 0::bigint, 'every field matches the SQL reference (America/New_York)');
SET LOCAL TimeZone = 'Asia/Kolkata';
SELECT is(eng_mismatches(), 0::bigint, 'every field matches the SQL reference (Asia/Kolkata, +05:30)');
SET LOCAL TimeZone = 'Pacific/Chatham';
SELECT is(eng_mismatches(), 0::bigint, 'every field matches the SQL reference (Pacific/Chatham, +12:45/+13:45)');

-- Calendar days do follow the zone: the same events give other day counts.
SET LOCAL TimeZone = 'UTC';
CREATE TEMP TABLE eng_utc AS SELECT * FROM eng_actual();
SET LOCAL TimeZone = 'Pacific/Chatham';
SELECT ok((SELECT count(*) FROM eng_actual() x JOIN eng_utc u USING (as_of, member_id)
            WHERE (x.e).active_days <> (u.e).active_days) > 0,
          'active days depend on the session TimeZone');

SET LOCAL TimeZone = 'Europe/Berlin';
SELECT is((SELECT ((engagement_summary(occurred_at, '2024-03-31 12:00+02'))).active_days
             FROM eng_ev WHERE member_id = 8),
          (SELECT count(DISTINCT date_trunc('day', occurred_at))::int FROM eng_ev
            WHERE member_id = 8 AND occurred_at <= '2024-03-31 12:00+02'),
          'DST change day in Berlin counted once');

-- Local days over two centuries (historic offsets, DST at midnight): each
-- group holds t, the start of its local day and the instant before it.
CREATE TABLE eng_tz (g int, t timestamptz);
INSERT INTO eng_tz SELECT g, '1900-01-01'::timestamptz
  + make_interval(secs => (abs(hashint8(g)) % (200::bigint * 365 * 86400))::float8) FROM generate_series(1, 5000) g;
CREATE FUNCTION eng_day_errors() RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT count(*) FROM (
    SELECT g, engagement_summary(e, t) s, count(DISTINCT date_trunc('day', e)) nd,
           max(date_trunc('day', e)::date) - min(date_trunc('day', e)::date) span
    FROM (SELECT g, t, unnest(ARRAY[t, date_trunc('day', t), date_trunc('day', t) - interval '1 microsecond']) e
          FROM eng_tz) x
    GROUP BY g, t) y
  WHERE (s).active_days <> nd OR (s).longest_streak <> span + 1 OR (s).current_streak <> span + 1
$$;
SET LOCAL TimeZone = 'America/Sao_Paulo';
SELECT is(eng_day_errors(), 0::bigint, 'local days match date_trunc 1900-2100 (America/Sao_Paulo)');
SET LOCAL TimeZone = 'Asia/Beirut';
SELECT is(eng_day_errors(), 0::bigint, 'local days match date_trunc 1900-2100 (Asia/Beirut)');
SET LOCAL TimeZone = 'Australia/Lord_Howe';
SELECT is(eng_day_errors(), 0::bigint, 'local days match date_trunc 1900-2100 (Australia/Lord_Howe)');

-- Specific cases
SELECT ok((SELECT engagement_summary(occurred_at, '2024-12-31'::timestamptz) IS NULL
             FROM eng_ev WHERE member_id = 63), 'only future events: NULL');
SELECT ok((SELECT engagement_summary(occurred_at, '2024-12-31'::timestamptz) IS NULL
             FROM eng_ev WHERE false), 'no rows: NULL');
SELECT ok((SELECT engagement_summary(NULL::timestamptz, '2024-12-31'::timestamptz) IS NULL
             FROM generate_series(1, 3)), 'only NULL timestamps: NULL');
SELECT ok((SELECT (e).mean_gap_days IS NULL AND (e).gap_cv IS NULL AND (e).current_streak = 0
                  AND (e).longest_streak = 1 AND (e).tenure_days = (e).recency_days
             FROM (SELECT engagement_summary(occurred_at, '2024-12-31'::timestamptz) e
                     FROM eng_ev WHERE member_id = 61) s), 'one event: gaps NULL');
SELECT ok((SELECT (e).mean_gap_days = 4 AND (e).gap_cv IS NULL
             FROM (SELECT engagement_summary(occurred_at, '2024-12-31'::timestamptz) e
                     FROM eng_ev WHERE member_id = 62) s), 'two active days: mean gap, no cv');
SELECT ok((SELECT (e).amount_total IS NULL AND (e).amount_30 IS NULL
             FROM (SELECT engagement_summary(occurred_at, '2024-12-31'::timestamptz) e
                     FROM eng_ev WHERE member_id = 62) s), 'two-argument form: amounts NULL');
SELECT ok((SELECT (e).recency_days = 0 AND (e).decayed_activity >= 1 AND (e).current_streak >= 1
             FROM (SELECT engagement_summary(occurred_at, '2024-06-05 12:00+00'::timestamptz) e
                     FROM eng_ev WHERE member_id = 10) s), 'event exactly at as_of counts');
SELECT ok((SELECT (e).events = (SELECT count(*) FROM eng_ev WHERE member_id = 5 AND occurred_at <= '2024-12-31')
                  AND (e).events = 2 * (SELECT count(DISTINCT occurred_at) FROM eng_ev WHERE member_id = 5 AND occurred_at <= '2024-12-31')
             FROM (SELECT engagement_summary(occurred_at, '2024-12-31'::timestamptz) e
                     FROM eng_ev WHERE member_id = 5) s), 'duplicate timestamps are separate events');
SELECT ok((SELECT (engagement_summary(t, '2024-01-10'::timestamptz)).events = 2
             FROM unnest(ARRAY['2024-01-09'::timestamptz, 'infinity', '2024-01-08']) t),
          '+infinity is in the future');
-- where the clocks went back across midnight (St. John's, 2010-11-07 00:01
-- NDT back to 2010-11-06 23:01 NST), an event in the minute before the change
-- is on a later local day than an as_of in the hour after it: it counts on
-- as_of's day, not as no active day at all
SET LOCAL TimeZone = 'America/St_Johns';
SELECT is((SELECT ROW((e).events, (e).active_days, (e).active_days_7, (e).active_days_30,
                      (e).current_streak, (e).longest_streak, (e).amount_30)::text
             FROM (SELECT engagement_summary(t, '2010-11-06 23:30-03:30', 1) e
                     FROM unnest(ARRAY['2010-11-07 00:00:30-02:30'::timestamptz, '2010-11-05 12:00-02:30']) t) s),
          '(2,2,2,2,2,2,2)', 'an event on a later local day than as_of (clocks back across midnight) counts on as_of''s day');
SET LOCAL TimeZone = 'Australia/Lord_Howe';

SELECT throws_ok($$SELECT engagement_summary(occurred_at, now() + make_interval(days => member_id)) FROM eng_ev$$,
                 '22023', 'as_of must be the same for every row of a group', 'as_of varying within a group');
SELECT throws_ok($$SELECT engagement_summary(t, 'infinity') FROM (VALUES (now())) v(t)$$,
                 '22023', 'as_of must be finite', 'infinite as_of');
SELECT throws_ok($$SELECT engagement_summary(t, now()) FROM (VALUES ('-infinity'::timestamptz)) v(t)$$,
                 '22023', 'occurred_at must be finite', '-infinity occurred_at');
SELECT throws_ok($$SELECT engagement_summary(t, now()) FROM (VALUES ('1900-01-01'::timestamptz), (now())) v(t)$$,
                 '54000', NULL, 'span of more than 100 years');

-- engagement_decay
SELECT ok((SELECT bool_and(eng_close(d, r)) FROM (
             SELECT member_id, engagement_decay(occurred_at, '2024-07-01', '10 days') d,
                    sum(exp(-ln(2) * extract(epoch FROM '2024-07-01'::timestamptz - occurred_at)::float8 / (10 * 86400)))
                      FILTER (WHERE occurred_at <= '2024-07-01') r
             FROM eng_ev GROUP BY member_id) s),
          'engagement_decay matches the reference');
SELECT ok((SELECT bool_and(eng_close(d, r)) FROM (
             SELECT member_id, engagement_decay(occurred_at, '2024-07-01', '1 mon', amount) d,
                    sum(amount * exp(-ln(2) * extract(epoch FROM '2024-07-01'::timestamptz - occurred_at)::float8 / (30 * 86400)))
                      FILTER (WHERE occurred_at <= '2024-07-01') r
             FROM eng_ev GROUP BY member_id) s),
          'engagement_decay with amount matches the reference (1 mon = 30 days)');
SELECT ok((SELECT eng_close(engagement_decay(occurred_at, '2024-12-31', '14 days'), (e).decayed_activity)
             FROM (SELECT engagement_summary(occurred_at, '2024-12-31'::timestamptz) e FROM eng_ev WHERE member_id = 20) s,
                  eng_ev WHERE member_id = 20 GROUP BY e), 'engagement_decay with 14 days equals decayed_activity');
SELECT ok((SELECT engagement_decay(occurred_at, '2024-12-31', '14 days') IS NULL FROM eng_ev WHERE member_id = 63),
          'engagement_decay: only future events give NULL');
SELECT throws_ok($$SELECT engagement_decay(occurred_at, '2024-12-31', '-1 day') FROM eng_ev$$,
                 '22023', 'half_life must be positive', 'negative half-life');
SELECT throws_ok($$SELECT engagement_decay(occurred_at, '2024-12-31', '0') FROM eng_ev$$,
                 '22023', 'half_life must be positive', 'zero half-life');
SELECT throws_ok($$SELECT engagement_decay(occurred_at, occurred_at, '1 day') FROM eng_ev$$,
                 '22023', 'as_of and half_life must be the same for every row of a group', 'engagement_decay: as_of varying');

-- Parallel aggregation (combine, serialize, deserialize) equals serial.
SET LOCAL TimeZone = 'Europe/Berlin';
CREATE TEMP TABLE eng_serial AS
  SELECT member_id, engagement_summary(occurred_at, '2024-12-31', amount) e,
         engagement_decay(occurred_at, '2024-12-31', '7 days', amount) d
  FROM eng_ev GROUP BY member_id;
CREATE TEMP TABLE eng_serial_all AS
  SELECT engagement_summary(occurred_at, '2024-12-31', amount) e,
         engagement_decay(occurred_at, '2024-12-31', '7 days', amount) d FROM eng_ev;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL enable_hashagg = off;
SELECT ok((SELECT string_agg(l, E'\n') FROM eng_explain(
  $$SELECT engagement_summary(occurred_at, '2024-12-31', amount) FROM eng_ev$$) l) LIKE '%Partial Aggregate%',
  'the plan is parallel');
SELECT ok((SELECT eng_same(p.e, s.e) AND eng_close(p.d, s.d) FROM (
             SELECT engagement_summary(occurred_at, '2024-12-31', amount) e,
                    engagement_decay(occurred_at, '2024-12-31', '7 days', amount) d FROM eng_ev) p, eng_serial_all s),
          'parallel equals serial (whole table)');
SELECT ok((SELECT string_agg(l, E'\n') FROM eng_explain(
  $$SELECT member_id, engagement_summary(occurred_at, '2024-12-31', amount) FROM eng_ev GROUP BY member_id$$) l) LIKE '%Partial GroupAggregate%',
  'the grouped plan is parallel');
SELECT is((SELECT count(*) FROM (
             SELECT member_id, engagement_summary(occurred_at, '2024-12-31', amount) e,
                    engagement_decay(occurred_at, '2024-12-31', '7 days', amount) d
             FROM eng_ev GROUP BY member_id) p FULL JOIN eng_serial s USING (member_id)
           WHERE NOT (eng_same(p.e, s.e) AND eng_close(p.d, s.d))), 0::bigint, 'parallel equals serial (per member)');

-- A hash aggregate that spills to disk (tiny work_mem) gives the same groups.
SET LOCAL max_parallel_workers_per_gather = 0;
SET LOCAL enable_hashagg = on;
SET LOCAL enable_sort = off;
SET LOCAL work_mem = '64kB';
SELECT ok((SELECT string_agg(l, E'\n') FROM eng_explain(
  $$SELECT c.as_of, v.member_id, engagement_summary(v.occurred_at, c.as_of, v.amount)
    FROM eng_ev v CROSS JOIN eng_cut c GROUP BY c.as_of, v.member_id$$) l) LIKE '%HashAggregate%',
  'the plan is a hash aggregate');
CREATE TEMP TABLE eng_hashed AS SELECT * FROM eng_actual();
RESET enable_sort;
RESET enable_hashagg;
SET LOCAL enable_hashagg = off;
SELECT is((SELECT count(*) FROM eng_hashed h FULL JOIN eng_actual() s USING (as_of, member_id)
           WHERE NOT eng_same(h.e, s.e)), 0::bigint, 'hash aggregate spilling to disk equals group aggregate');

-- an event exactly on the last transition of the zone's table (New York,
-- 2769-11-02 06:00 UTC), where the offset lookup answers "no boundary after":
-- the later summer events keep their own day (the cache gave standard time)
SET LOCAL TimeZone = 'America/New_York';
SELECT is((SELECT (engagement_summary(ts, '2770-07-10 04:30:00+00' ORDER BY o)).active_days
           FROM (VALUES (1, '2769-11-02 06:00:00+00'::timestamptz), (2, '2770-07-10 04:30:00+00'),
                        (3, '2770-07-10 03:30:00+00')) v(o, ts)),
          3, 'events after the last transition of the zone table keep their DST day');
RESET TimeZone;

-- Pairs t1 <= t2 (0 to 3 days apart): one group each, whose mean_gap_days is
-- the local day difference (NULL on the same day) and active_days 1 or 2.
CREATE TABLE eng_pairs (g int, t1 timestamptz, t2 timestamptz);
INSERT INTO eng_pairs
SELECT g, t1, t1 + make_interval(secs => (abs(hashint8(-g)) % (3 * 86400 * 1000))::float8 / 1000)
FROM (SELECT g, CASE WHEN g % 3 = 0
        THEN '4700-01-01 BC'::timestamptz
             + make_interval(days => (abs(hashint8(g)) % ((294000 + 4700)::bigint * 365))::int,
                             secs => (abs(hashint8(g + 7)) % 86400)::float8)
        ELSE '1850-01-01'::timestamptz
             + make_interval(days => (abs(hashint8(g)) % (250 * 365))::int,
                             secs => (abs(hashint8(g + 7)) % 86400)::float8) END AS t1
      FROM generate_series(1, 6000) g) s;
CREATE FUNCTION eng_pair_errors() RETURNS bigint LANGUAGE sql STABLE AS $$
  SELECT count(*) FILTER (WHERE (e).mean_gap_days IS DISTINCT FROM nullif(t2::date - t1::date, 0)::float8
                             OR (e).active_days <> CASE WHEN t1::date = t2::date THEN 1 ELSE 2 END)
  FROM (SELECT g, t1, t2, engagement_summary(x, t2 + interval '5 days') e
        FROM eng_pairs, LATERAL unnest(ARRAY[t1, t2]) x
        GROUP BY g, t1, t2) s
$$;
-- the zones (from a list) where some pair disagrees
CREATE FUNCTION eng_pair_zones(zones text[]) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  z text;
  bad text[] := '{}';
BEGIN
  FOREACH z IN ARRAY zones LOOP
    PERFORM set_config('TimeZone', z, true);
    IF eng_pair_errors() > 0 THEN
      bad := bad || z;
    END IF;
  END LOOP;
  RETURN array_to_string(bad, ' ');
END
$$;
SELECT is(eng_pair_zones(ARRAY['America/St_Johns', 'Pacific/Apia', 'Pacific/Kiritimati', 'Antarctica/Troll',
                               'Africa/Casablanca', 'America/Havana']), '',
          'local days over the whole range (St. John''s, Apia''s skipped day, +14, Troll''s 2-hour DST, Casablanca, DST at midnight)');

-- St. John's: the clock changes of 1985-2015 (the first minute of each new
-- offset), events and cut-offs around them.
SET LOCAL TimeZone = 'America/St_Johns';
CREATE TABLE eng_trn AS
SELECT m AS t FROM (SELECT x FROM generate_series('1985-01-01'::timestamptz, '2016-01-01', '1 hour') x
                    WHERE extract(timezone FROM x) <> extract(timezone FROM x - interval '1 hour')) h,
     LATERAL (SELECT min(y) AS m FROM generate_series(h.x - interval '1 hour', h.x, '1 minute') y
              WHERE extract(timezone FROM y) = extract(timezone FROM h.x)) z;
CREATE TABLE eng_stj (member_id int, occurred_at timestamptz, amount float8);
INSERT INTO eng_stj
SELECT m, tr.t + (ARRAY[interval '0', '30 seconds', '-30 seconds', '-1 minute', '1 minute',
                        '-59 minutes', '-61 minutes', '23 hours'])[1 + abs(hashint8(m * 1000 + k)) % 8]
             + CASE WHEN abs(hashint8(m * 1000 + k + 500)) % 10 < 7
                    THEN make_interval(secs => ((abs(hashint8(m * 1000 + k + 1)) % 40000)::float8 / 1000 - 24) * 86400)
                    ELSE interval '0' END,
       CASE WHEN k % 17 = 0 THEN NULL
            WHEN m % 50 = 0 AND k % 5 = 0 THEN (ARRAY['NaN', 'Infinity', '-Infinity']::float8[])[1 + k % 3]
            ELSE (k % 13) * 1.25 END
FROM generate_series(1, 240) m
JOIN (SELECT t, row_number() OVER (ORDER BY t) AS i FROM eng_trn) tr ON tr.i = 1 + m % (SELECT count(*) FROM eng_trn),
     generate_series(1, 1 + m % 29) k;
INSERT INTO eng_stj SELECT member_id, occurred_at, amount FROM eng_stj WHERE member_id % 7 = 0;  -- duplicates
INSERT INTO eng_stj SELECT m, NULL, 1 FROM generate_series(1, 240, 9) m;                         -- NULL times
CREATE TABLE eng_pair AS
SELECT DISTINCT c.as_of, v.member_id
FROM (SELECT DISTINCT t + d AS as_of FROM eng_trn,
        unnest(ARRAY[interval '0', '30 seconds', '-30 seconds', '29 minutes', '-1 microsecond', '3 days']) d) c
JOIN eng_stj v ON v.occurred_at BETWEEN c.as_of - interval '30 days' AND c.as_of + interval '5 days';
ANALYZE eng_stj;
ANALYZE eng_pair;

CREATE OR REPLACE VIEW eng_rows AS
  SELECT p.as_of, v.member_id, v.occurred_at, v.amount FROM eng_pair p JOIN eng_stj v USING (member_id);
SELECT is(eng_mismatches(), 0::bigint, 'every field matches the reference around the St. John''s clock changes 1985-2015');
SELECT cmp_ok((SELECT count(*) FROM eng_pair), '>', 1000::bigint, 'the St. John''s reference covers many (as_of, member) rows');
SELECT cmp_ok((SELECT count(*) FROM eng_rows
               WHERE occurred_at <= as_of AND date_trunc('day', occurred_at) > date_trunc('day', as_of)), '>', 0::bigint,
              'some of its events are on a later local day than their as_of');
SELECT cmp_ok((SELECT count(*) FROM eng_rows WHERE occurred_at <= as_of AND amount IN ('NaN', 'Infinity', '-Infinity')),
              '>', 0::bigint, 'some of its amounts are NaN or infinite');

-- Moving window frames restart the aggregate for every row: the same answer
-- as the aggregate over the frame's rows.
SET LOCAL TimeZone = 'Europe/Berlin';
CREATE TABLE eng_win AS
SELECT i, i % 5 AS part, i % 4 AS tie,
       CASE WHEN i % 13 = 0 THEN NULL
            ELSE '2024-01-01'::timestamptz + make_interval(secs => (abs(hashint8(i)) % (200 * 86400))::float8) END AS t,
       CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 9) * 1.5 END AS amt
FROM generate_series(1, 300) i;
CREATE TABLE eng_wn AS SELECT *, row_number() OVER (PARTITION BY part ORDER BY i) AS rn FROM eng_win;
CREATE FUNCTION eng_window_errors() RETURNS TABLE (rows_frame bigint, groups_frame bigint) LANGUAGE sql STABLE AS $$
  WITH x AS (
    SELECT part, rn, tie,
           engagement_summary(t, '2024-06-01', amt) OVER f AS e,
           engagement_decay(t, '2024-06-01', '5 days', amt) OVER f AS d,
           engagement_periods(t, '2024-01-01', '1 month', 6, '2024-05-15') OVER f AS p,
           engagement_summary(t, '2024-06-01', amt) OVER g AS ge,
           engagement_periods(t, '2024-01-01', '1 month', 6, '2024-05-15') OVER g AS gp
    FROM eng_wn
    WINDOW f AS (PARTITION BY part ORDER BY rn ROWS BETWEEN 3 PRECEDING AND 2 FOLLOWING EXCLUDE CURRENT ROW),
           g AS (PARTITION BY part ORDER BY tie GROUPS BETWEEN 1 PRECEDING AND CURRENT ROW))
  SELECT count(*) FILTER (WHERE NOT (eng_same(x.e, r.e) AND eng_close(x.d, r.d) AND x.p IS NOT DISTINCT FROM r.p)),
         count(*) FILTER (WHERE NOT (eng_same(x.ge, q.e) AND x.gp IS NOT DISTINCT FROM q.p))
  FROM x,
       LATERAL (SELECT engagement_summary(t, '2024-06-01', amt) AS e,
                       engagement_decay(t, '2024-06-01', '5 days', amt) AS d,
                       engagement_periods(t, '2024-01-01', '1 month', 6, '2024-05-15') AS p
                FROM eng_wn y WHERE y.part = x.part AND y.rn BETWEEN x.rn - 3 AND x.rn + 2 AND y.rn <> x.rn) r,
       LATERAL (SELECT engagement_summary(t, '2024-06-01', amt) AS e,
                       engagement_periods(t, '2024-01-01', '1 month', 6, '2024-05-15') AS p
                FROM eng_wn y WHERE y.part = x.part AND y.tie BETWEEN x.tie - 1 AND x.tie) q
$$;
SELECT is((SELECT rows_frame FROM eng_window_errors()), 0::bigint,
          'a moving ROWS frame with EXCLUDE CURRENT ROW equals the aggregates over its rows');
SELECT is((SELECT groups_frame FROM eng_window_errors()), 0::bigint,
          'a GROUPS frame over ties equals the aggregates over its rows');

SELECT * FROM finish();
ROLLBACK;
