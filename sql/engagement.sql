-- Engagement features (issue 5): exact outputs of edge cases and error messages.
\set SHOW_CONTEXT never
SET TimeZone = 'Europe/Berlin';
SET DateStyle = 'ISO, YMD';
SET extra_float_digits = 0;

CREATE TEMP TABLE ev (member_id int, occurred_at timestamptz, minutes float8);
INSERT INTO ev VALUES
  -- member 1: a streak over the spring DST change (2024-03-31), one duplicate,
  -- one event after the cut-off, one NULL timestamp, one NULL amount
  (1, '2024-03-25 09:00', 10), (1, '2024-03-29 23:30', 20), (1, '2024-03-30 08:00', 5),
  (1, '2024-03-30 08:00', 5), (1, '2024-03-31 01:30', NULL), (1, '2024-03-31 03:30', 15),
  (1, '2024-04-01 12:00', 30), (1, '2024-04-02 12:00', 99), (1, NULL, 7),
  -- member 2: one event exactly at the cut-off
  (2, '2024-04-01 20:00', 12),
  -- member 3: the leap day and a year before
  (3, '2023-02-28 10:00', 1), (3, '2024-02-29 10:00', 1), (3, '2024-03-01 10:00', 1),
  -- member 4: only after the cut-off
  (4, '2024-05-01', 1);

\x on
SELECT member_id, (engagement_summary(occurred_at, '2024-04-01 20:00', minutes)).*
FROM ev GROUP BY member_id ORDER BY member_id;
\x off

-- the 2-argument form has no amounts; no row / only NULLs / only the future is NULL
SELECT (engagement_summary(occurred_at, '2024-04-01 20:00')).amount_total IS NULL AS no_amount FROM ev WHERE member_id = 1;
SELECT engagement_summary(occurred_at, '2024-04-01') IS NULL AS empty FROM ev WHERE false;
SELECT engagement_summary(NULL::timestamptz, '2024-04-01') IS NULL AS only_nulls;
SELECT engagement_summary(occurred_at, '2024-04-01') IS NULL AS future FROM ev WHERE member_id = 4;
SELECT engagement_summary(occurred_at, NULL) IS NULL AS null_as_of FROM ev;

-- the same instants in another zone fall on other calendar days
SET TimeZone = 'America/Los_Angeles';
SELECT (e).active_days, (e).current_streak, (e).longest_streak, (e).active_days_7
FROM (SELECT engagement_summary(occurred_at, '2024-04-01 20:00+02') e FROM ev WHERE member_id = 1) s;
SET TimeZone = 'Europe/Berlin';

-- errors
SELECT engagement_summary(occurred_at, occurred_at) FROM ev;
SELECT engagement_summary(occurred_at, 'infinity') FROM ev;
SELECT engagement_summary('-infinity', '2024-01-01');
SELECT engagement_summary(t, '2024-01-01') FROM (VALUES ('1900-01-01'::timestamptz), ('2024-01-01')) v(t);

-- engagement_decay: one event 14 days old weighs 1/2, amounts multiply
SELECT engagement_decay(t, '2024-01-15', '14 days') AS half,
       engagement_decay(t, '2024-01-15', '7 days', 4) AS one,
       engagement_decay(t, '2023-01-01', '7 days') AS before_all
FROM (VALUES ('2024-01-01'::timestamptz)) v(t);
SELECT engagement_decay(t, '2024-01-15', '0') FROM (VALUES (now())) v(t);
SELECT engagement_decay(t, '2024-01-15', '-1 day') FROM (VALUES (now())) v(t);
SELECT engagement_decay(t, t, '1 day') FROM (VALUES ('2024-01-01'::timestamptz), ('2024-01-02')) v(t);
SELECT engagement_decay(t, 'infinity', '1 day') FROM (VALUES (now())) v(t);

-- engagement_periods: months after a 31st, not-yet-elapsed periods NULL
SELECT member_id, engagement_periods(occurred_at, '2024-01-31', '1 month', 4, '2024-04-30 12:00')
FROM ev GROUP BY member_id ORDER BY member_id;
-- weekly periods, an event exactly on a boundary belongs to the later period
SELECT engagement_periods(t, '2024-03-25', '7 days', 3, '2024-04-08')
FROM (VALUES ('2024-04-01 00:00'::timestamptz)) v(t);
-- a member without activity (LEFT JOIN) is still counted
SELECT engagement_periods(NULL, '2024-01-01', '1 day', 3, '2024-01-02');
SELECT engagement_periods(NULL, NULL, '1 day', 3, '2024-01-02') IS NULL AS no_parameters;
SELECT engagement_periods(now(), '2024-01-01', '1 day', 0, '2024-01-02');
SELECT engagement_periods(now(), '2024-01-01', '1 day', 10001, '2024-01-02');
SELECT engagement_periods(now(), '2024-01-01', '-1 day', 3, '2024-01-02');
SELECT engagement_periods(now(), '2024-01-01', '1 month -31 days', 3, '2024-01-02');
SELECT engagement_periods(now(), 'infinity', '1 day', 3, '2024-01-02');
SELECT engagement_periods(now(), '2024-01-01', '1 day', n, '2024-01-02') FROM generate_series(1, 2) n;

-- the day Pacific/Apia skipped (2011-12-30): days are the calendar's dates,
-- so a member active every day she lived from 25 December 2011 to 2
-- January 2012 has 8 active days, streaks of 5 and 3 (29 to 31 December is
-- a gap of 2 days, as date '2011-12-31' - date '2011-12-29' is), and 6
-- active days in the 7 dates up to 2 January; the analyst's SQL (lag()
-- gaps, row_number() islands over date_trunc('day', t)) gives the same
SET TimeZone = 'Pacific/Apia';
CREATE TEMP TABLE apia AS
  SELECT t FROM generate_series('2011-12-25 12:00'::timestamptz, '2012-01-02 12:00', '1 day') t;
SELECT count(*) AS events, min(t), max(t) FROM apia;
SELECT (e).active_days, (e).active_days_7, (e).current_streak, (e).longest_streak,
       round((e).mean_gap_days::numeric, 4) AS mean_gap_days, round((e).tenure_days::numeric, 4) AS tenure_days
FROM (SELECT engagement_summary(t, '2012-01-02 20:00') AS e FROM apia) s;
WITH d AS (SELECT DISTINCT date_trunc('day', t)::date AS d FROM apia),
     i AS (SELECT d, d - (row_number() OVER (ORDER BY d))::int AS grp FROM d)
SELECT count(*) AS active_days, count(*) FILTER (WHERE d > date '2012-01-02' - 7) AS active_days_7,
       (SELECT max(n) FROM (SELECT count(*) AS n FROM i GROUP BY grp) r) AS longest_streak,
       (SELECT count(*) FROM i WHERE grp = (SELECT grp FROM i ORDER BY d DESC LIMIT 1)) AS current_streak
FROM d;
DROP TABLE apia;
-- a window aggregate's state lives across a cursor's FETCHes: its rows are
-- read in the TimeZone of its first row, UTC here, also after a SET
-- TimeZone between FETCHes (the last row's days were those of two
-- calendars, current_streak 4: 1 and 2 January in UTC, then 4 to 7 in
-- Kiritimati, +14); the same query wholly in UTC for comparison
SET TimeZone = 'UTC';
CREATE TEMP TABLE wcur AS
  SELECT '2025-01-01 23:30+00'::timestamptz + d * interval '1 day' AS t FROM generate_series(0, 5) d;
SELECT t, (e).active_days, (e).active_days_7, (e).current_streak, (e).longest_streak
FROM (SELECT t, engagement_summary(t, '2025-01-07 12:00+00') OVER (ORDER BY t) AS e FROM wcur) s ORDER BY t;
BEGIN;
DECLARE wc NO SCROLL CURSOR FOR
  SELECT t, (e).active_days, (e).active_days_7, (e).current_streak, (e).longest_streak
  FROM (SELECT t, engagement_summary(t, '2025-01-07 12:00+00') OVER (ORDER BY t) AS e FROM wcur) s;
FETCH 2 FROM wc;
SET LOCAL TimeZone = 'Pacific/Kiritimati';
FETCH 4 FROM wc;
COMMIT;
-- lifetime_summary likewise: in UTC its last row has recency 5 and T 6;
-- its rows read in Kiritimati after the SET gave recency 6
SELECT t, (l).frequency, (l).recency, (l).t AS "T"
FROM (SELECT t, lifetime_summary(t, '2025-01-07 12:00+00', 1.0) OVER (ORDER BY t) AS l FROM wcur) s ORDER BY t;
BEGIN;
DECLARE lc NO SCROLL CURSOR FOR
  SELECT t, (l).frequency, (l).recency, (l).t AS "T"
  FROM (SELECT t, lifetime_summary(t, '2025-01-07 12:00+00', 1.0) OVER (ORDER BY t) AS l FROM wcur) s;
FETCH 2 FROM lc;
SET LOCAL TimeZone = 'Pacific/Kiritimati';
FETCH 4 FROM lc;
COMMIT;
DROP TABLE wcur;
-- a cursor over partial states made per partition (the table is
-- partitioned by time, a member's rows in both partitions): member 4's
-- state of the later partition is begun in UTC before the SET (its first
-- row is read to end member 1's), the other one in New York after it.
-- as_of is on 7 January in both zones, so its day did not tell them
-- apart: engagement_summary gave a mean gap of 2.33 days (31 December, 2
-- January in New York, 5, 7 January in UTC), lifetime_summary recency 7,
-- either zone alone 2 and 6.  Now 22023.
CREATE TABLE pwz (m int, t timestamptz) PARTITION BY RANGE (t);
CREATE TABLE pwz1 PARTITION OF pwz FOR VALUES FROM ('2024-01-01 00:00+00') TO ('2024-01-04 00:00+00');
CREATE TABLE pwz2 PARTITION OF pwz FOR VALUES FROM ('2024-01-04 00:00+00') TO ('2024-02-01 00:00+00');
INSERT INTO pwz VALUES (1, '2024-01-01 02:00+00'), (1, '2024-01-05 02:00+00'), (2, '2024-01-01 02:00+00'),
  (3, '2024-01-01 02:00+00'), (4, '2024-01-01 02:00+00'), (4, '2024-01-03 02:00+00'),
  (4, '2024-01-05 02:00+00'), (4, '2024-01-07 02:00+00');
ANALYZE pwz;
SET enable_partitionwise_aggregate = on;
SET enable_hashagg = off;
SET max_parallel_workers_per_gather = 0;
BEGIN;
SET LOCAL TimeZone = 'UTC';
EXPLAIN (COSTS OFF) DECLARE pc NO SCROLL CURSOR FOR
  SELECT m, (e).mean_gap_days FROM (SELECT m, engagement_summary(t, '2024-01-07 12:00+00') AS e FROM pwz GROUP BY m ORDER BY m) s;
DECLARE pc NO SCROLL CURSOR FOR
  SELECT m, (e).mean_gap_days FROM (SELECT m, engagement_summary(t, '2024-01-07 12:00+00') AS e FROM pwz GROUP BY m ORDER BY m) s;
FETCH 1 FROM pc;
SET LOCAL TimeZone = 'America/New_York';
FETCH ALL FROM pc;
ROLLBACK;
BEGIN;
SET LOCAL TimeZone = 'UTC';
DECLARE pc NO SCROLL CURSOR FOR
  SELECT m, (l).recency FROM (SELECT m, lifetime_summary(t, '2024-01-07 12:00+00', 1.0) AS l FROM pwz GROUP BY m ORDER BY m) s;
FETCH 1 FROM pc;
SET LOCAL TimeZone = 'America/New_York';
FETCH ALL FROM pc;
ROLLBACK;
-- without the SET: each zone's answer
SET TimeZone = 'America/New_York';
SELECT m, (e).mean_gap_days, (l).recency
FROM (SELECT m, engagement_summary(t, '2024-01-07 12:00+00') AS e, lifetime_summary(t, '2024-01-07 12:00+00', 1.0) AS l
      FROM pwz GROUP BY m) s ORDER BY m;
RESET max_parallel_workers_per_gather;
RESET enable_hashagg;
RESET enable_partitionwise_aggregate;
DROP TABLE pwz;
SET TimeZone = 'Europe/Berlin';

-- retention_curve
SELECT retention_curve(p) AS on_period, retention_curve(p, true) AS on_or_after
FROM (VALUES ('{t,f,f,NULL}'::boolean[]), ('{f,f,t}'), ('{t,t,t,f}'), (NULL), ('{}')) v(p);
SELECT retention_curve(p) IS NULL AS no_members FROM (VALUES (NULL::boolean[])) v(p);
SELECT retention_curve(p) FROM (VALUES ('{NULL,NULL}'::boolean[])) v(p);
SELECT retention_curve(p, NULL) FROM (VALUES ('{t}'::boolean[])) v(p);
SELECT retention_curve(p, u) FROM (VALUES ('{t}'::boolean[], true), ('{t}', false)) v(p, u);
SELECT retention_curve(p) FROM (VALUES ('{{t,f},{f,t}}'::boolean[])) v(p);

-- rfm_segment: the whole grid (rows R, columns FM = round((F + M) / 2))
SELECT r AS recency,
       rfm_segment(r, 1, 1) AS fm1, rfm_segment(r, 2, 2) AS fm2, rfm_segment(r, 3, 3) AS fm3,
       rfm_segment(r, 4, 4) AS fm4, rfm_segment(r, 5, 5) AS fm5
FROM generate_series(1, 5) r ORDER BY r;
SELECT rfm_segment(5, 4, 3) AS fm_rounds_half_up, rfm_segment(3, 1, 2) AS fm_2, rfm_segment(NULL, 1, 1) IS NULL AS strict;
SELECT rfm_segment(0, 1, 1);
SELECT rfm_segment(1, 6, 1);
