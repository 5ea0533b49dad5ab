-- lifetime_summaries(query, as_of [, unit]) (issue 14, performance): the
-- summary of every member in one pass must equal, member for member, the
-- lifetime_summary aggregate grouped by member_id on the same rows (rows in
-- random order, NULLs, several purchases on one day, rows after as_of, units,
-- a time zone with a DST change, int4/int2 ids), come out ordered by
-- member_id, raise the aggregate's errors, and read only what row-level
-- security lets the caller see.
BEGIN;
SELECT plan(43);

SELECT setseed(0.83);
-- amounts are multiples of 1/4, so that every sum is exact in any order
CREATE TABLE bulk_p AS
SELECT CASE WHEN random() < 0.01 THEN NULL ELSE 1 + (random() * 300)::int END::bigint AS member_id,
       CASE WHEN random() < 0.01 THEN NULL
            ELSE '2026-01-01 00:00+00'::timestamptz + random() * interval '100 days' END AS occurred_at,
       CASE WHEN random() < 0.01 THEN NULL ELSE (random() * 400)::int / 4.0 END::float8 AS amount
FROM generate_series(1, 3000);
-- several purchases on one day, and purchases after the cut-off
INSERT INTO bulk_p
SELECT member_id, pg_catalog.date_trunc('day', occurred_at) + interval '3 hours', 2.5
FROM bulk_p WHERE member_id % 7 = 0 AND occurred_at IS NOT NULL;
INSERT INTO bulk_p VALUES (301, '2026-05-01 00:00+00', 10), (302, 'infinity', 3), (1, 'infinity', 1);
CREATE TABLE bulk_q AS SELECT * FROM bulk_p ORDER BY random();

CREATE FUNCTION bulk_ref(as_of timestamptz, unit interval)
RETURNS TABLE (member_id bigint, frequency int, recency float8, t float8, monetary_value float8)
LANGUAGE sql STABLE AS $$
    SELECT member_id, (s).frequency, (s).recency, (s).t, (s).monetary_value
    FROM (SELECT member_id, lifetime_summary(occurred_at, as_of, amount, unit) AS s
          FROM bulk_q GROUP BY member_id) g
    WHERE s IS NOT NULL AND member_id IS NOT NULL
    ORDER BY member_id
$$;

SET LOCAL TimeZone = 'UTC';
SELECT results_eq(
    $$SELECT * FROM lifetime_summaries('SELECT member_id, occurred_at, amount FROM bulk_q', '2026-03-15 12:00+00')$$,
    $$SELECT * FROM bulk_ref('2026-03-15 12:00+00', NULL)$$,
    'days: equals the aggregate grouped by member_id, in member_id order');
SELECT results_eq(
    $$SELECT * FROM lifetime_summaries('SELECT member_id, occurred_at, amount FROM bulk_q', '2026-03-15 12:00+00', '7 days')$$,
    $$SELECT * FROM bulk_ref('2026-03-15 12:00+00', '7 days')$$,
    'weeks: equals the aggregate');
SELECT results_eq(
    $$SELECT * FROM lifetime_summaries('SELECT member_id, occurred_at, amount FROM bulk_q', '2026-04-20 00:00+00', '12 hours')$$,
    $$SELECT * FROM bulk_ref('2026-04-20 00:00+00', '12 hours')$$,
    '12 hours, every in-range row: equals the aggregate');
SELECT is((SELECT count(*) FROM lifetime_summaries('SELECT member_id, occurred_at, amount FROM bulk_q', '2026-03-15 12:00+00')),
          (SELECT count(*) FROM bulk_ref('2026-03-15 12:00+00', NULL)),
          'members with no purchase by as_of do not appear');
SELECT ok((SELECT count(*) FROM bulk_ref('2026-03-15 12:00+00', NULL)) > 250, 'the comparison covers many members');

SET LOCAL TimeZone = 'America/New_York';
SELECT results_eq(
    $$SELECT * FROM lifetime_summaries('SELECT member_id, occurred_at, amount FROM bulk_q', '2026-03-08 12:00-04')$$,
    $$SELECT * FROM bulk_ref('2026-03-08 12:00-04', NULL)$$,
    'America/New_York, as_of on the day of the DST change: equals the aggregate');
SELECT results_eq(
    $$SELECT * FROM lifetime_summaries('SELECT member_id, occurred_at, amount FROM bulk_q', '2026-03-09 00:30-04', '7 days')$$,
    $$SELECT * FROM bulk_ref('2026-03-09 00:30-04', '7 days')$$,
    'America/New_York, weeks: equals the aggregate');
SELECT results_eq(
    $$SELECT * FROM lifetime_summaries('SELECT member_id::int, occurred_at, amount FROM bulk_q', '2026-03-15 12:00+00')$$,
    $$SELECT * FROM bulk_ref('2026-03-15 12:00+00', NULL)$$,
    'integer member ids');
SELECT results_eq(
    $$SELECT * FROM lifetime_summaries('SELECT member_id::smallint AS m, occurred_at AS ts, amount AS a FROM bulk_q', '2026-03-15 12:00+00')$$,
    $$SELECT * FROM bulk_ref('2026-03-15 12:00+00', NULL)$$,
    'smallint member ids, any column names');
-- domains over the three types, as the aggregate's arguments take them
CREATE DOMAIN bulk_id AS bigint CHECK (VALUE >= 0);
CREATE DOMAIN bulk_small_id AS smallint;
CREATE DOMAIN bulk_ts AS timestamptz;
CREATE DOMAIN bulk_amount AS float8;
SELECT results_eq(
    $$SELECT * FROM lifetime_summaries('SELECT member_id::bulk_id, occurred_at::bulk_ts, amount::bulk_amount FROM bulk_q', '2026-03-15 12:00+00')$$,
    $$SELECT * FROM bulk_ref('2026-03-15 12:00+00', NULL)$$,
    'domains over bigint, timestamptz and float8');
SELECT results_eq(
    $$SELECT * FROM lifetime_summaries('SELECT member_id::smallint::bulk_small_id, occurred_at, amount FROM bulk_q', '2026-03-15 12:00+00')$$,
    $$SELECT * FROM bulk_ref('2026-03-15 12:00+00', NULL)$$,
    'a domain over smallint: read as smallint');

-- around the DST change itself: purchases at local 00:30 and 23:30 either side
CREATE TABLE bulk_dst (member_id bigint, occurred_at timestamptz, amount float8);
INSERT INTO bulk_dst VALUES
  (1, '2026-03-07 23:30-05', 1), (1, '2026-03-08 00:30-05', 2), (1, '2026-03-08 23:30-04', 4),
  (1, '2026-03-09 00:30-04', 8), (2, '2026-03-08 01:59-05', 1), (2, '2026-03-08 03:01-04', 1),
  (3, '2026-11-01 01:30-04', 1), (3, '2026-11-01 01:30-05', 2), (3, '2026-11-02 00:10-05', 4);
SELECT results_eq(
    $$SELECT * FROM lifetime_summaries('SELECT * FROM bulk_dst', '2026-12-01 00:00-05')$$,
    $$SELECT member_id, (s).* FROM (SELECT member_id, lifetime_summary(occurred_at, '2026-12-01 00:00-05', amount) AS s
                                     FROM bulk_dst GROUP BY member_id) g ORDER BY member_id$$,
    'local days either side of both DST changes, as the aggregate counts them');
SELECT is((SELECT array_agg(frequency ORDER BY member_id) FROM lifetime_summaries('SELECT * FROM bulk_dst', '2026-12-01 00:00-05')),
          ARRAY[2, 0, 1], 'local days in America/New_York: 3, 1 and 2 purchase days (23:30 and 00:30 of one local day either side of the change)');
SET LOCAL TimeZone = 'UTC';

-- the example of the issue, in weeks
SELECT is((SELECT (frequency, round(recency::numeric, 2), round(t::numeric, 2))::text
           FROM lifetime_summaries($$SELECT 7, d::timestamptz, 10.0::float8 FROM unnest('{1997-01-01,1997-01-18,1997-08-02}'::date[]) d$$,
                                   '1997-09-30', '7 days')),
          '(2,30.43,38.86)', 'purchases on 1997-01-01, 01-18 and 08-02 as of 1997-09-30 in weeks: 2, 30.43, 38.86');
SELECT is((SELECT (member_id, monetary_value)::text
           FROM lifetime_summaries($$VALUES (5::bigint, '2026-01-01 10:00+00'::timestamptz, 3::float8),
                                            (5, '2026-01-01 11:00+00', 4), (5, '2026-01-02 10:00+00', 6),
                                            (5, '2026-01-03 10:00+00', 7), (5, '2026-01-03 12:00+00', 1)$$, '2026-02-01')),
          '(5,7)', 'monetary value: mean of the repeat days'' totals ((6 + 8) / 2)');

-- empty input, NULL as_of, NULL query
SELECT is_empty($$SELECT * FROM lifetime_summaries('SELECT member_id, occurred_at, amount FROM bulk_q WHERE false', '2026-03-15')$$,
                'an empty query gives no rows');
SELECT is_empty($$SELECT * FROM lifetime_summaries('SELECT member_id, occurred_at, amount FROM bulk_q', NULL)$$,
                'a NULL as_of gives no rows (every row is skipped, as by the aggregate)');
SELECT is_empty($$SELECT * FROM lifetime_summaries('SELECT member_id, occurred_at, amount FROM bulk_q WHERE occurred_at > ''2030-01-01''', '2026-03-15')$$,
                'only rows after as_of: no rows');
SELECT throws_ok($$SELECT * FROM lifetime_summaries(NULL, '2026-03-15')$$, '22004', NULL, 'a NULL query');

-- the query's shape
SELECT throws_ok($$SELECT * FROM lifetime_summaries('SELECT member_id, occurred_at FROM bulk_q', '2026-03-15')$$,
                 '42601', 'lifetime_summaries query must return 3 columns, not 2', 'two columns');
SELECT throws_ok($$SELECT * FROM lifetime_summaries('SELECT member_id::text, occurred_at, amount FROM bulk_q', '2026-03-15')$$,
                 '42804', 'column 1 "member_id" of the lifetime_summaries query has type text, not bigint, integer or smallint',
                 'a text member id');
SELECT throws_ok($$SELECT * FROM lifetime_summaries('SELECT member_id::numeric, occurred_at, amount FROM bulk_q', '2026-03-15')$$,
                 '42804', NULL, 'a numeric member id');
CREATE DOMAIN bulk_text_id AS text;
SELECT throws_ok($$SELECT * FROM lifetime_summaries('SELECT member_id::text::bulk_text_id, occurred_at, amount FROM bulk_q', '2026-03-15')$$,
                 '42804', 'column 1 "member_id" of the lifetime_summaries query has type bulk_text_id, not bigint, integer or smallint',
                 'a domain over text: named as the domain');
SELECT throws_ok($$SELECT * FROM lifetime_summaries('SELECT member_id, occurred_at::timestamp, amount FROM bulk_q', '2026-03-15')$$,
                 '42804', 'column 2 "occurred_at" of the lifetime_summaries query has type timestamp without time zone, not timestamptz',
                 'a timestamp without time zone');
SELECT throws_ok($$SELECT * FROM lifetime_summaries('SELECT member_id, occurred_at, amount::numeric FROM bulk_q', '2026-03-15')$$,
                 '42804', 'column 3 "amount" of the lifetime_summaries query has type numeric, not float8', 'a numeric amount');
SELECT throws_ok($$SELECT * FROM lifetime_summaries('DELETE FROM bulk_q', '2026-03-15')$$,
                 '42601', 'lifetime_summaries query must be a single SELECT statement', 'not a SELECT');
SELECT throws_ok($$SELECT * FROM lifetime_summaries('SELECT member_id, occurred_at, amount FROM bulk_q; SELECT 1', '2026-03-15')$$,
                 '42601', NULL, 'two statements');
SELECT throws_ok($$SELECT * FROM lifetime_summaries('SELECT member_id, occurred_at, amount INTO bulk_x FROM bulk_q', '2026-03-15')$$,
                 '42601', NULL, 'SELECT INTO');
SELECT throws_ok($$SELECT * FROM lifetime_summaries('SELECT member_id, occurred_at, amount FROM bulk_q FOR UPDATE', '2026-03-15')$$,
                 '0A000', 'lifetime_summaries query must not lock rows (FOR UPDATE or FOR SHARE)', 'FOR UPDATE');
SELECT throws_ok($$SELECT * FROM lifetime_summaries('WITH d AS (DELETE FROM bulk_q RETURNING *) SELECT member_id, occurred_at, amount FROM d', '2026-03-15')$$,
                 '0A000', 'WITH clause containing a data-modifying statement must be at the top level',
                 'a data-modifying WITH (PostgreSQL refuses it in the subquery the query runs in)');

-- the aggregate's errors on the rows and arguments
SELECT throws_ok($$SELECT * FROM lifetime_summaries($q$VALUES (1::bigint, '-infinity'::timestamptz, 1::float8)$q$, '2026-03-15')$$,
                 '22023', 'occurred_at must be finite', '-infinity');
SELECT throws_ok($$SELECT * FROM lifetime_summaries($q$VALUES (1::bigint, now(), 'NaN'::float8)$q$, 'infinity')$$,
                 '22023', 'as_of must be finite', 'an infinite as_of');
SELECT throws_ok($$SELECT * FROM lifetime_summaries($q$VALUES (1::bigint, '2026-01-01'::timestamptz, 'NaN'::float8)$q$, '2026-03-15')$$,
                 '22023', 'amount must be finite', 'a NaN amount');
SELECT throws_ok($$SELECT * FROM lifetime_summaries($q$VALUES (1::bigint, '2026-01-01'::timestamptz, 1e308::float8), (1, '2026-01-02', 1e308), (1, '2026-01-03', 1e308)$q$, '2026-03-15')$$,
                 '22003', NULL, 'spend of the repeat days overflowing float8');
SELECT throws_ok($$SELECT * FROM lifetime_summaries('SELECT member_id, occurred_at, amount FROM bulk_q', '2026-03-15', '1 month')$$,
                 '22023', 'unit must not have months or years', 'a unit in months');
SELECT throws_ok($$SELECT * FROM lifetime_summaries('SELECT member_id, occurred_at, amount FROM bulk_q', '2026-03-15', '-1 day')$$,
                 '22023', 'unit must be positive', 'a negative unit');
SELECT throws_ok($$SELECT * FROM lifetime_summaries('SELECT member_id, occurred_at, amount FROM bulk_q', '2026-03-15', '2147483647 days')$$,
                 '22008', 'unit is out of range', 'a unit out of range');
SET LOCAL community_retention.max_train_memory = '1MB';
SELECT throws_ok($$SELECT * FROM lifetime_summaries('SELECT member_id, occurred_at, amount FROM bulk_q', '2026-03-15')$$,
                 '54000', NULL, 'beyond community_retention.max_train_memory');
-- events are reserved 524 288 at a time, 12 bytes each (6 MB): the README
-- says a limit under about 6.2 MB is too small even for one row
SET LOCAL community_retention.max_train_memory = '6MB';
SELECT throws_ok($$SELECT * FROM lifetime_summaries($q$VALUES (1::bigint, '2026-01-01'::timestamptz, 1::float8)$q$, '2026-03-15')$$,
                 '54000', NULL, 'one row needs more than 6 MB of community_retention.max_train_memory');
SET LOCAL community_retention.max_train_memory = '6300kB';
SELECT is((SELECT count(*) FROM lifetime_summaries($q$VALUES (1::bigint, '2026-01-01'::timestamptz, 1::float8)$q$, '2026-03-15')),
          1::bigint, 'one row fits in 6300 kB of community_retention.max_train_memory');
RESET community_retention.max_train_memory;

-- row-level security: a non-superuser summarises only the rows it may see
CREATE TABLE bulk_rls (member_id bigint, occurred_at timestamptz, amount float8, shop text);
INSERT INTO bulk_rls VALUES (1, '2026-01-01', 5, 'north'), (1, '2026-01-05', 7, 'south'),
                            (2, '2026-01-02', 3, 'south'), (3, '2026-01-03', 4, 'north'), (3, '2026-01-09', 6, 'north');
ALTER TABLE bulk_rls ENABLE ROW LEVEL SECURITY;
CREATE POLICY bulk_north ON bulk_rls FOR SELECT USING (shop = 'north');
CREATE ROLE cr_tap_bulk_reader;
GRANT SELECT ON bulk_rls TO cr_tap_bulk_reader;
SET LOCAL ROLE cr_tap_bulk_reader;
SELECT results_eq(
    $$SELECT member_id, frequency, recency FROM lifetime_summaries('SELECT member_id, occurred_at, amount FROM bulk_rls', '2026-02-01')$$,
    $$VALUES (1::bigint, 0, 0::float8), (3, 1, 6)$$,
    'row-level security: only the north rows (member 2 unseen, member 1 one purchase)');
RESET ROLE;
SELECT is((SELECT count(*) FROM lifetime_summaries('SELECT member_id, occurred_at, amount FROM bulk_rls', '2026-02-01')),
          3::bigint, 'the table owner sees every member');

-- labels
SELECT is((SELECT (provolatile, proparallel, proisstrict, proretset)::text FROM pg_proc
           WHERE oid = 'lifetime_summaries(text, timestamptz, interval)'::regprocedure),
          '(s,u,f,t)', 'STABLE, PARALLEL UNSAFE, not STRICT, a set');

SELECT * FROM finish();
ROLLBACK;
