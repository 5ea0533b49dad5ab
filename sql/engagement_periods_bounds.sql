-- engagement_periods' bounds against PostgreSQL's own arithmetic: bound k is
-- start + (k * months, k * days) as one interval (timestamptz + interval:
-- the months, then the days, in the session TimeZone), then + k * the time
-- part in microseconds, added exactly (in chunks PostgreSQL adds without
-- overflow, after checking the sum in numeric).  Random periods mixing
-- months, days and microseconds, negative ones, starts at and near both
-- ends of the timestamptz range and around DST changes, ten time zones, n
-- up to 60.  For each case where every bound is in range and advances,
-- as_of at each bound and 1 microsecond before it must show exactly the
-- elapsed periods, and an event at the start of each period must fall in
-- it; otherwise the aggregate must fail with the SQLSTATE of the first bad
-- bound: 22008 (out of range) or 22023 (before the one before, or the same
-- instant without advancing on the local calendar).  A bound that is the
-- same instant as the one before although the calendar advanced (a day a
-- zone skipped, Pacific/Apia's 2011-12-30) leaves its period empty.
-- (The bounds are computed with int128 arithmetic, native or emulated.)
\set SHOW_CONTEXT never
-- x in microseconds since 2000, exactly: extract(epoch from timestamptz)
-- rounds to 100 microseconds beyond about 264000 AD, where it divides in
-- numeric; the difference from 2000 fits an interval, whose epoch is exact.
CREATE OR REPLACE FUNCTION pg_temp.us(x timestamptz) RETURNS numeric LANGUAGE sql AS $$
  SELECT extract(epoch from x - timestamptz '2000-01-01 00:00+00') * 1000000
$$;
-- expected bound k: (start + k*months, k*days as one interval) + k*time microseconds,
-- NULL with state '22008' when out of range.
CREATE OR REPLACE FUNCTION pg_temp.xbound(s timestamptz, m int, d int, t bigint, k int, OUT b timestamptz, OUT err text)
LANGUAGE plpgsql AS $$
DECLARE x timestamptz; tot numeric; ep numeric; c numeric;
  lo numeric := pg_temp.us(timestamptz '4714-11-24 00:00+00 BC');
  hi numeric := pg_temp.us(timestamptz '294276-12-31 23:59:59.999999+00') + 1;
BEGIN
  BEGIN
    x := s + make_interval(months => (m::bigint * k)::int, days => (d::bigint * k)::int);
  EXCEPTION WHEN datetime_field_overflow OR numeric_value_out_of_range OR interval_field_overflow THEN
    err := '22008'; RETURN;
  END;
  tot := t::numeric * k;
  ep := pg_temp.us(x) + tot;
  IF ep < lo OR ep >= hi THEN err := '22008'; RETURN; END IF;
  WHILE tot <> 0 LOOP
    c := sign(tot) * least(abs(tot), 4611686018427387904);
    x := x + (c::text || ' microseconds')::interval;
    tot := tot - c;
  END LOOP;
  b := x;
END $$;

CREATE OR REPLACE FUNCTION pg_temp.pattern(s timestamptz, p interval, n int, a timestamptz, e timestamptz)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE r boolean[];
BEGIN
  r := engagement_periods(e, s, p, n, a);
  RETURN coalesce(array_to_string(r, '', '_'), 'NULL');
EXCEPTION WHEN OTHERS THEN RETURN 'E' || SQLSTATE;
END $$;

-- whether bound k is after bound k - 1 on the local calendar: the local
-- date and time of the start plus the months and days, then the time part
-- (without months and days, whether the time part is positive: the local
-- time of a start at the end of the range may be beyond it)
CREATE OR REPLACE FUNCTION pg_temp.advances(s timestamptz, m int, d int, t bigint, k int) RETURNS boolean
LANGUAGE sql AS $$
  SELECT CASE WHEN m = 0 AND d = 0 THEN t > 0
              ELSE extract(epoch FROM (s::timestamp + make_interval(months => m * k, days => d * k))
                                      - (s::timestamp + make_interval(months => m * (k - 1), days => d * (k - 1)))) * 1000000 + t > 0 END
$$;

-- the pattern engagement_periods must give for bounds bs (bs[1] = start),
-- as_of a and one event e (or none): '_' not elapsed, 't' the event's period
CREATE OR REPLACE FUNCTION pg_temp.want(bs timestamptz[], n int, a timestamptz, e timestamptz) RETURNS text
LANGUAGE sql AS $$
  SELECT string_agg(CASE WHEN bs[j + 1] > a THEN '_'
                         WHEN e >= bs[j] AND e < bs[j + 1] THEN 't' ELSE 'f' END, '' ORDER BY j)
  FROM generate_series(1, n) j
$$;

CREATE OR REPLACE FUNCTION pg_temp.check_case(s timestamptz, m int, d int, t bigint, n int, OUT ok boolean, OUT why text)
LANGUAGE plpgsql AS $$
DECLARE p interval := make_interval(months => m, days => d) + (t::text || ' microseconds')::interval;
  bs timestamptz[] := ARRAY[s]; xb record; experr text; k int; got text; want text; ev timestamptz;
BEGIN
  FOR k IN 1..n LOOP
    xb := pg_temp.xbound(s, m, d, t, k);
    IF xb.err IS NOT NULL THEN experr := xb.err; EXIT; END IF;
    IF xb.b < bs[k] OR (xb.b = bs[k] AND NOT pg_temp.advances(s, m, d, t, k)) THEN experr := '22023'; EXIT; END IF;
    bs := bs || xb.b;
  END LOOP;
  IF experr IS NOT NULL THEN
    got := pg_temp.pattern(s, p, n, s, NULL);
    ok := got = 'E' || experr;
    why := format('want E%s got %s', experr, got);
    RETURN;
  END IF;
  -- as_of at each bound and 1 us before it pins every bound
  FOR k IN 1..n LOOP
    got := pg_temp.pattern(s, p, n, bs[k+1], NULL);
    want := pg_temp.want(bs, n, bs[k+1], NULL);
    IF got <> want THEN ok := false; why := format('as_of=b%s: want %s got %s (b=%s)', k, want, got, bs[k+1]); RETURN; END IF;
    got := pg_temp.pattern(s, p, n, bs[k+1] - interval '1 microsecond', NULL);
    want := pg_temp.want(bs, n, bs[k+1] - interval '1 microsecond', NULL);
    IF got <> want THEN ok := false; why := format('as_of=b%s-1us: want %s got %s (b=%s)', k, want, got, bs[k+1]); RETURN; END IF;
    -- an event at the start of period k is in period k (or, if k is
    -- empty, in the next one that is not)
    got := pg_temp.pattern(s, p, n, bs[n+1], bs[k]);
    want := pg_temp.want(bs, n, bs[n+1], bs[k]);
    IF got <> want THEN ok := false; why := format('event b%s: want %s got %s', k-1, want, got); RETURN; END IF;
  END LOOP;
  ok := true;
END $$;

-- mismatches (none expected), then how many cases had all bounds / an error
CREATE FUNCTION pg_temp.run_cases() RETURNS TABLE(kind text, n bigint) LANGUAGE plpgsql AS $$
DECLARE c record; r record; bad int := 0; errs int := 0; okc int := 0;
BEGIN
  FOR c IN SELECT * FROM cases ORDER BY i LOOP
    PERFORM set_config('TimeZone', c.tz, true);
    r := pg_temp.check_case(c.s, c.m, c.d, c.t, c.n);
    IF NOT r.ok THEN
      bad := bad + 1;
      RAISE NOTICE 'mismatch: case % tz=% s=% m=% d=% t=% n=%: %', c.i, c.tz, c.s, c.m, c.d, c.t, c.n, r.why;
    ELSIF r.why IS NOT NULL THEN errs := errs + 1;
    ELSE okc := okc + 1; END IF;
  END LOOP;
  PERFORM set_config('TimeZone', 'UTC', true);
  RETURN QUERY VALUES ('mismatches', bad::bigint), ('all bounds checked', okc), ('errors as expected', errs);
END $$;

-- 1. anywhere in the range, periods of any size
SELECT setseed(0.42);
CREATE TEMP TABLE cases AS
SELECT i,
  (ARRAY['UTC','America/New_York','Europe/London','Australia/Lord_Howe','America/St_Johns','Pacific/Apia','Asia/Kathmandu','Europe/Moscow','America/Santiago','Antarctica/Troll'])[1 + floor(random()*10)::int] AS tz,
  CASE floor(random()*6)::int
    WHEN 0 THEN timestamptz '4714-11-24 00:00+00 BC' + (floor(random()*1e12)::bigint::text || ' microseconds')::interval * (CASE WHEN random()<0.3 THEN 0 ELSE 1 END)
    WHEN 1 THEN timestamptz '294276-12-31 23:59:59.999999+00' - (floor(random()*1e12)::bigint::text || ' microseconds')::interval * (CASE WHEN random()<0.3 THEN 1e-12 ELSE 1 END)
    WHEN 2 THEN timestamptz '2020-01-31 00:00+00' + (floor(random()*3e14)::bigint::text || ' microseconds')::interval
    WHEN 3 THEN timestamptz '2024-03-10 01:30+00' + (floor(random()*1e10)::bigint::text || ' microseconds')::interval
    ELSE timestamptz '4714-11-24 00:00+00 BC' + (floor(random()*9.2e18)::bigint::text || ' microseconds')::interval END AS s,
  CASE floor(random()*4)::int WHEN 0 THEN 0 WHEN 1 THEN floor(random()*25 - 4)::int WHEN 2 THEN floor(random()*3)::int ELSE (floor(random()*3e6)::int - 1e6)::int END AS m,
  CASE floor(random()*4)::int WHEN 0 THEN 0 WHEN 1 THEN floor(random()*70 - 30)::int WHEN 2 THEN floor(random()*3)::int ELSE floor(random()*1e8 - 3e7)::int END AS d,
  CASE floor(random()*6)::int WHEN 0 THEN 0 WHEN 1 THEN floor(random()*2e11 - 5e10)::bigint
    WHEN 2 THEN floor(random()*9.2e18*2 - 9.2e18)::bigint WHEN 3 THEN floor(random()*3e17 - 1e17)::bigint
    WHEN 4 THEN floor(random()*7200e6 - 3600e6)::bigint ELSE 1 END AS t,
  CASE WHEN random() < 0.8 THEN 1 + floor(random()*8)::int ELSE 1 + floor(random()*60)::int END AS n
FROM generate_series(1, 600) i;
SELECT * FROM pg_temp.run_cases();
DROP TABLE cases;

-- 2. calendar periods around DST changes, month ends, leap days, 1582, 1 BC
SELECT setseed(0.1);
CREATE TEMP TABLE cases AS
SELECT i,
  (ARRAY['UTC','America/New_York','Europe/London','Australia/Lord_Howe','America/St_Johns','Pacific/Apia','Asia/Kathmandu','Europe/Moscow','America/Santiago','Antarctica/Troll','Africa/Casablanca','Asia/Tehran'])[1 + floor(random()*12)::int] AS tz,
  (ARRAY[timestamptz '2024-03-10 06:59:59.5+00', '2024-10-27 00:30+00', '2011-12-29 09:59:59+00', '2010-11-07 02:30+00', '2024-01-31 05:00+00', '1900-02-28 23:00+00', '2000-02-29 12:00+00', '1582-10-04 00:00+00', '0001-01-01 00:00+00 BC'])[1 + floor(random()*9)::int]
    + (floor(random()*7200e6 - 3600e6)::bigint::text || ' microseconds')::interval AS s,
  (ARRAY[0,0,0,1,1,-1,2,12,13,-12])[1 + floor(random()*10)::int] AS m,
  (ARRAY[0,0,0,1,1,-1,7,-7,30,31,-29,-30])[1 + floor(random()*12)::int] AS d,
  (ARRAY[0,0,0,1,-1,3600000000,-3600000000,1800000000,-1800000000,82800000000,-82800000000,86400000000,-86400000000,-2629800000000])[1 + floor(random()*14)::int]::bigint
    + CASE WHEN random() < 0.2 THEN floor(random()*2000001 - 1000000)::bigint ELSE 0 END AS t,
  1 + floor(random()*30)::int AS n
FROM generate_series(1, 400) i;
SELECT * FROM pg_temp.run_cases();
DROP TABLE cases;

-- 3. exactly at the ends of the range (months, days, microseconds, n)
SET TimeZone = 'America/New_York';
SELECT s, m, d, t, n, c.ok, c.why
FROM (VALUES (1, timestamptz '4714-11-24 00:00+00 BC', 0, 0, 1::bigint, 3),
             (2, '4714-11-24 00:00+00 BC', 1, 0, 0, 2),
             (3, '4714-11-24 00:00+00 BC', 0, -1, 0, 1),
             (4, '4714-11-24 00:00+00 BC', 0, 1, -1, 2),
             (5, '4714-11-24 00:00+00 BC', 0, 0, -1, 1),
             (6, '294276-12-31 23:59:59.999998+00', 0, 0, 1, 1),
             (7, '294276-12-31 23:59:59.999998+00', 0, 0, 1, 2),
             (8, '294276-12-30 23:00+00', 0, 1, 0, 1),
             (9, '294276-12-30 23:00+00', 0, 1, -1, 1),
             (10, '294276-12-31 23:59:59.999999+00', 0, -1, 86400000001, 1),
             (11, '2000-01-01 00:00+00', 0, -1, 86400000001, 5),
             (12, '4714-11-24 00:00+00 BC', 0, 0, 9223372036854775807, 1),
             (13, '4714-11-24 00:00+00 BC', 3521200, 0, -9223372036854775807, 2),
             -- 2 x the time part leaves int64, the second bound is in range
             (14, '4713-01-01 00:00+00 BC', 1755600, 0, -4615200000000000000, 2)) v(i, s, m, d, t, n),
     pg_temp.check_case(s, m, d, t, n) c
ORDER BY i;
RESET TimeZone;

-- 4. days a zone skipped: Pacific/Apia and Pacific/Fakaofo went from -10 to
-- +14 (-11 to +13) after 2011-12-29, Pacific/Kiritimati after 1994-12-30,
-- Pacific/Kwajalein from -12 to +12 after 1993-08-20.  A bound on the
-- skipped day is the instant of the same time a day later, so the period
-- before it is a whole day long and the one after it empty; that was the
-- error "period must be positive" (22023) for `1 day` from a start in the
-- days before, though start + k * interval '1 day' in SQL has the same
-- bounds and the period advances on the calendar.
SELECT setseed(0.7);
CREATE TEMP TABLE cases AS
SELECT i, z.tz,
  z.skipped + (floor(random()*5*86400e6 - 4*86400e6)::bigint::text || ' microseconds')::interval AS s,
  (ARRAY[0,0,0,0,1,1,-1])[1 + floor(random()*7)::int] AS m,
  (ARRAY[1,1,1,2,7,-1,0,1])[1 + floor(random()*8)::int] AS d,
  (ARRAY[0,0,0,0,1,-1,3600000000,-3600000000,-86400000000,43200000000])[1 + floor(random()*10)::int]::bigint AS t,
  1 + floor(random()*10)::int AS n
FROM generate_series(1, 200) i,
     LATERAL (SELECT (ARRAY['Pacific/Apia','Pacific/Fakaofo','Pacific/Kiritimati','Pacific/Kwajalein'])[1 + i % 4] AS tz,
                     (ARRAY[timestamptz '2011-12-30 10:00+00', '2011-12-30 11:00+00', '1994-12-31 10:00+00', '1993-08-21 12:00+00'])[1 + i % 4] AS skipped) z;
SELECT * FROM pg_temp.run_cases();
DROP TABLE cases;
-- the cases above that had an empty period
SET TimeZone = 'Pacific/Apia';
SELECT engagement_periods(t, '2011-12-29 12:00', '1 day', 4, '2012-01-05')::text AS one_day,
       engagement_periods(t, '2011-12-28 12:00', '1 day', 4, '2011-12-31 12:00')::text AS empty_period_elapsed,
       engagement_periods(t, '2011-12-29 12:00', '1 day', 4, '2011-12-31 11:59:59.999999')::text AS first_period_not_elapsed,
       engagement_periods(t, '2011-11-30 12:00', '1 month', 3, '2012-03-01')::text AS one_month,
       engagement_periods(t, '2011-12-29 12:00', '12 hours', 4, '2012-01-05')::text AS hours_are_not_calendar
FROM (VALUES ('2011-12-31 13:00'::timestamptz), ('2011-12-29 13:00')) v(t);
-- the SQL start + k * period: the same
SELECT array_agg(EXISTS (SELECT 1 FROM (VALUES ('2011-12-31 13:00'::timestamptz), ('2011-12-29 13:00')) v(t)
                         WHERE t >= '2011-12-29 12:00'::timestamptz + (k - 1) * interval '1 day'
                           AND t < '2011-12-29 12:00'::timestamptz + k * interval '1 day') ORDER BY k)::text AS sql_one_day
FROM generate_series(1, 4) k;
-- periods that do not advance on the calendar, or go back, are still errors
SELECT engagement_periods(now(), '2011-12-29 12:00', '1 day -1 hour', 4, '2012-01-05');
SELECT engagement_periods(now(), '2011-12-29 12:00', '1 day -24 hours', 4, '2012-01-05');
SELECT engagement_periods(now(), '2011-12-29 12:00', '0', 4, '2012-01-05');
RESET TimeZone;
