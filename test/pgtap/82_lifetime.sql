-- Buyers without subscriptions (issue 14, part 2): BG/NBD and Gamma-Gamma on
-- the 2,357 CDNOW customers against the published estimates (Fader, Hardie
-- and Lee 2005; Fader and Hardie 2013) and against an independent scipy
-- implementation (test/reference/lifetime_reference.py); predictions and
-- lifetime value against the same; lifetime_summary against plain SQL in
-- several time zones; parallel equals serial.
BEGIN;
SELECT plan(52);

-- A real (not temporary) table, so that parallel workers can scan it.
CREATE TABLE cdnow_summary (id int, x float8, t_x float8, t float8, zbar float8);
\ir ../data/cdnow_summary.sql

CREATE FUNCTION rel_close(got float8, want float8, tol float8) RETURNS bool
LANGUAGE sql IMMUTABLE AS $$ SELECT abs(got - want) <= tol * greatest(abs(want), 1e-300) $$;

CREATE TABLE fits AS
SELECT bgnbd_fit(x, t_x, t) AS bg, gammagamma_fit(x, zbar) AS gg FROM cdnow_summary;

-- published: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4
SELECT is((SELECT ARRAY[round((bg).r::numeric, 3), round((bg).alpha::numeric, 3),
                        round((bg).a::numeric, 3), round((bg).b::numeric, 3)] FROM fits),
          ARRAY[0.243, 4.414, 0.793, 2.426], 'BG/NBD on CDNOW: the published r, alpha, a, b');
SELECT is((SELECT round((bg).log_likelihood::numeric, 1) FROM fits), -9582.4,
          'BG/NBD on CDNOW: the published log-likelihood');
SELECT ok((SELECT rel_close((bg).r, 0.2425928899, 1e-6) AND rel_close((bg).alpha, 4.4135311662, 1e-6)
              AND rel_close((bg).a, 0.7928860678, 1e-5) AND rel_close((bg).b, 2.4257532061, 1e-5)
              AND abs((bg).log_likelihood - -9582.4255605674) < 1e-6 FROM fits),
          'BG/NBD estimates equal scipy''s to 1e-6');
SELECT ok((SELECT rel_close((bg).se_r, 0.01255731, 1e-3) AND rel_close((bg).se_alpha, 0.37822125, 1e-3)
              AND rel_close((bg).se_a, 0.18571822, 1e-3) AND rel_close((bg).se_b, 0.70534222, 1e-3) FROM fits),
          'BG/NBD standard errors equal statsmodels'' numerical Hessian to 0.1%');
SELECT is((SELECT ((bg).n, (bg).n_skipped) FROM fits), (2357::bigint, 0::bigint), 'BG/NBD counts');

-- published: p = 6.25, q = 3.74, gamma = 15.44 (within 0.01)
SELECT ok((SELECT abs((gg).p - 6.25) <= 0.01 AND abs((gg).q - 3.74) <= 0.01
              AND abs((gg).gamma - 15.44) <= 0.01 FROM fits),
          'Gamma-Gamma on the 946 repeat buyers: the published p, q, gamma within 0.01');
SELECT ok((SELECT rel_close((gg).p, 6.2488026949, 1e-6) AND rel_close((gg).q, 3.7445884393, 1e-6)
              AND rel_close((gg).gamma, 15.4477472178, 1e-6)
              AND abs((gg).log_likelihood - -4055.9232435029) < 1e-6 FROM fits),
          'Gamma-Gamma estimates equal scipy''s to 1e-6');
SELECT ok((SELECT rel_close((gg).se_p, 1.18967014, 1e-3) AND rel_close((gg).se_q, 0.29016298, 1e-3)
              AND rel_close((gg).se_gamma, 4.15993307, 1e-3) FROM fits), 'Gamma-Gamma standard errors');
SELECT is((SELECT ((gg).n, (gg).n_skipped) FROM fits), (946::bigint, 1411::bigint),
          'Gamma-Gamma counts: frequency-0 members skipped');

-- outliers: customer 1's mean spend at 1e12, and customers 1, 718 and 1478's;
-- scipy's maxima (test/reference/gammagamma_reference.py), in spends of any
-- unit.  Started at gamma = the mean spend, the fit took the way back from
-- there for estimates running off, and failed.
SELECT ok(bool_and(rel_close((o.gg).p, o.p, 1e-6) AND rel_close((o.gg).q, o.q, 1e-6)
                   AND rel_close((o.gg).gamma, o.gamma * o.c, 1e-6)
                   AND (o.gg).log_likelihood + 946 * ln(o.c) >= o.ll - 1e-9 * abs(o.ll))
          AND count(*) = 6,
          'Gamma-Gamma with outliers of 1e12: scipy''s maximum, in any unit')
FROM (SELECT r.*, c, (SELECT gammagamma_fit(x, CASE WHEN id = ANY (r.ids) THEN 1e12 ELSE zbar END * c)
                      FROM cdnow_summary) AS gg
      FROM (VALUES (ARRAY[1], 12.193798627, 2.7335476393, 5.4332887767, -4153.7214524667),
                   (ARRAY[1, 718, 1478], 60.830476072, 2.0243773047, 0.76660068106, -4309.0051805017))
             AS r(ids, p, q, gamma, ll),
           unnest(ARRAY[1, 1e-6, 1e6]::float8[]) c) o;

-- predictions against scipy (customer: p_alive, E[Y(39)], E[Y(52)], spend, clv)
CREATE TABLE ref (id int, p_alive float8, e39 float8, e52 float8, spend float8, clv float8);
INSERT INTO ref VALUES
  (1, 0.726609158078789, 1.22591047448932, 1.55858382585589, 24.6586160182214, 36.2784970026981),
  (2, 0.212227403990228, 0.203250640403507, 0.259907100516317, 18.9114795104592, 4.63746661627586),
  (3, 1, 0.194780835277785, 0.251665697047948, 35.1710016201078, 8.34409205267452),
  (6, 0.64180062282594, 3.33723957844427, 4.19912307044336, 71.4628508581664, 283.523585938957),
  (157, 0.969133590843113, 20.0536651200185, 25.0614220915178, 26.3929476503882, 625.350022941285),
  (1901, 2.48943289387113e-11, 4.49905823000779e-10, 5.5777099159494e-10, 294.212114530329, 1.55272065184051e-07);
CREATE TABLE got AS
SELECT c.id, bgnbd_p_alive(bg, x, t_x, t) AS p_alive,
       bgnbd_expected_purchases(bg, 39, x, t_x, t) AS e39,
       bgnbd_expected_purchases(bg, 52, x, t_x, t) AS e52,
       gammagamma_expected_spend(gg, x, zbar) AS spend,
       lifetime_value(bg, gg, x, t_x, t, zbar, 12, 0.01, 4.345) AS clv
FROM fits, cdnow_summary c WHERE c.id IN (SELECT id FROM ref);
SELECT is((SELECT count(*) FROM ref JOIN got USING (id) WHERE rel_close(got.p_alive, ref.p_alive, 1e-5)),
          6::bigint, 'P(alive) equals scipy''s (1e-5, the two fits differ by 1e-7)');
SELECT is((SELECT count(*) FROM ref JOIN got USING (id)
           WHERE rel_close(got.e39, ref.e39, 1e-5) AND rel_close(got.e52, ref.e52, 1e-5)),
          6::bigint, 'conditional expected purchases (FHL eq. 10) equal scipy''s hyp2f1 form');
SELECT is((SELECT count(*) FROM ref JOIN got USING (id) WHERE rel_close(got.spend, ref.spend, 1e-6)),
          6::bigint, 'Gamma-Gamma expected spend');
SELECT is((SELECT count(*) FROM ref JOIN got USING (id) WHERE rel_close(got.clv, ref.clv, 1e-5)),
          6::bigint, 'lifetime value equals the numpy re-implementation of lifetimes'' loop');
SELECT ok((SELECT rel_close(bgnbd_expected_purchases(bg, 1), 0.053184741636, 1e-6)
              AND rel_close(bgnbd_expected_purchases(bg, 39), 1.195016309502, 1e-6)
              AND rel_close(bgnbd_expected_purchases(bg, 52), 1.444020862383, 1e-6)
              AND rel_close(bgnbd_expected_purchases(bg, 78), 1.857971811136, 1e-6)
              AND rel_close(bgnbd_expected_purchases(bg, 520), 4.968748594524, 1e-6) FROM fits),
          'unconditional E[X(t)] (FHL eq. 9) for t = 1, 39, 52, 78, 520 weeks');
SELECT ok((SELECT lifetime_value(bg, gg, 2, 30.43, 38.86, 22.35, 12, 0, 4.345)
                  > lifetime_value(bg, gg, 2, 30.43, 38.86, 22.35, 12, 0.01, 4.345) FROM fits),
          'discounting lowers the lifetime value');
SELECT ok((SELECT abs(lifetime_value(bg, gg, 2, 30.43, 38.86, 22.35, 12, 0, 4.345)
                  - gammagamma_expected_spend(gg, 2, 22.35) * bgnbd_expected_purchases(bg, 12 * 4.345, 2, 30.43, 38.86)) < 1e-9 FROM fits),
          'undiscounted lifetime value = expected spend x expected purchases over the horizon');

-- models are plain composite values: text round trip
SELECT is((SELECT (bg::text)::bgnbd_model::text FROM fits), (SELECT bg::text FROM fits), 'bgnbd_model text round trip');
SELECT is((SELECT (gg::text)::gammagamma_model::text FROM fits), (SELECT gg::text FROM fits), 'gammagamma_model text round trip');

-- The same members in whole days (the states hold them as counted keys,
-- which parallel workers hand over as such), and mixed with rows that are
-- not whole numbers (the states hold those as rows): fitted serially here,
-- in parallel below.
CREATE TABLE cdnow_days AS
SELECT id, x, CASE WHEN x > 0 THEN greatest(round(t_x * 7), 1) ELSE 0 END AS t_x, round(t * 7) AS t
FROM cdnow_summary;
CREATE TABLE cdnow_mixed AS
SELECT id, x, t_x + CASE WHEN id % 10 = 0 AND x > 0 THEN 0.5 ELSE 0 END AS t_x,
       t + CASE WHEN id % 10 = 0 THEN 0.5 ELSE 0 END AS t
FROM cdnow_days;
CREATE TABLE day_fits AS
SELECT (SELECT bgnbd_fit(x, t_x, t)::text FROM cdnow_days) AS days,
       (SELECT bgnbd_fit(x, t_x, t)::text FROM cdnow_mixed) AS mixed;
-- parallel aggregation equals serial
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;
SELECT is((SELECT (bgnbd_fit(x, t_x, t), gammagamma_fit(x, zbar))::text FROM cdnow_summary),
          (SELECT (bg, gg)::text FROM fits), 'parallel fits equal serial ones');
SELECT is((SELECT bgnbd_fit(x, t_x, t)::text FROM cdnow_days), (SELECT days FROM day_fits),
          'BG/NBD in whole days: parallel workers'' counted keys give the serial fit');
SELECT is((SELECT bgnbd_fit(x, t_x, t)::text FROM cdnow_mixed), (SELECT mixed FROM day_fits),
          'BG/NBD on whole days mixed with fractional rows: parallel equals serial');
-- Many groups with work_mem at its minimum: the partial and the finalize
-- hash aggregates spill, so every state goes through the serial and
-- deserial functions (counted keys, rows, and both) before it is fitted.
CREATE TABLE cdnow_groups AS
SELECT g, d.x, d.t_x, d.t FROM generate_series(1, 40) g, cdnow_days d
UNION ALL SELECT -g, m.x, m.t_x, m.t FROM generate_series(1, 40) g, cdnow_mixed m;
ANALYZE cdnow_groups;
SET LOCAL parallel_tuple_cost = 0.1;
SET LOCAL work_mem = '64kB';
SET LOCAL enable_sort = off;
SELECT is((SELECT count(*) FILTER (WHERE f = CASE WHEN g > 0 THEN days ELSE mixed END)
           FROM (SELECT g, bgnbd_fit(x, t_x, t)::text AS f FROM cdnow_groups GROUP BY g) s, day_fits),
          80::bigint, 'BG/NBD per group, parallel with spilled hash aggregates: each group equals the serial fit');
RESET work_mem;
RESET enable_sort;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET parallel_leader_participation;
-- A window aggregate: the final function runs on a state (its counted keys
-- and rows) that then takes more members, and again; each frame equals
-- the plain aggregate over the same members.
SELECT is(ARRAY(SELECT f FROM (SELECT DISTINCT id / 400 AS k,
                                  bgnbd_fit(x, t_x, t) OVER (ORDER BY id / 400)::text AS f
                               FROM cdnow_mixed) w ORDER BY k),
          ARRAY(SELECT bgnbd_fit(x, t_x, t)::text FROM generate_series(0, 5) k, cdnow_mixed
                WHERE id / 400 <= k GROUP BY k ORDER BY k),
          'BG/NBD as a running window aggregate equals the aggregate over each frame');

-- unidentified data
SELECT throws_ok($$SELECT bgnbd_fit(0, 0, t) FROM cdnow_summary$$, '22000',
                 'the BG/NBD parameters are not identified by these data',
                 'every frequency 0: 22000');
SELECT throws_ok($$SELECT gammagamma_fit(x, 10) FROM cdnow_summary$$, '22000',
                 'the Gamma-Gamma parameters are not identified by these data',
                 'every spend the same: 22000');
-- one member of frequency 1e12 (customer 1's 2): the maximum of mpmath
-- (test/reference/gammagamma_big_frequency.py, its .out beside it) to 1e-6,
-- the log-likelihood, whose terms are 1e14, to 0.1; at 1e13 the README's
-- "no proper maximum"
SELECT ok((SELECT abs(p / 6.22102121 - 1) < 1e-6 AND abs(q / 3.75024722 - 1) < 1e-6
                  AND abs(gamma / 15.54643182 - 1) < 1e-6 AND abs(log_likelihood + 4055.80030184) < 0.1
           FROM (SELECT (gammagamma_fit(CASE WHEN id = 1 THEN 1e12 ELSE x END, zbar)).* FROM cdnow_summary) z),
          'a frequency of 1e12 fits, to the maximum of mpmath');
SELECT throws_ok($$SELECT gammagamma_fit(CASE WHEN id = 1 THEN 1e13 ELSE x END, zbar) FROM cdnow_summary$$, '22000',
                 'the Gamma-Gamma fit found no proper maximum of the likelihood',
                 'a frequency of 1e13: no proper maximum (README)');
-- gammagamma_fit sorts its rows in the final function (qsort_interruptible
-- in the kernel's order): the model is the same to the bit whatever order
-- the rows came in, here with many ties (three copies of each member, the
-- spend rounded to a whole number)
SELECT is((SELECT count(DISTINCT g::text)
           FROM (SELECT gammagamma_fit(x, round(zbar) ORDER BY k, id) g FROM cdnow_summary, generate_series(1, 3) k
                 UNION ALL SELECT gammagamma_fit(x, round(zbar) ORDER BY k DESC, id DESC) FROM cdnow_summary, generate_series(1, 3) k
                 UNION ALL SELECT gammagamma_fit(x, round(zbar) ORDER BY round(zbar) DESC, x) FROM cdnow_summary, generate_series(1, 3) k
                 UNION ALL SELECT gammagamma_fit(x, round(zbar) ORDER BY hashint4(id * 3 + k)) FROM cdnow_summary, generate_series(1, 3) k) s),
          1::bigint, 'gammagamma_fit: the same model, to the bit, in four row orders with ties');
SELECT is((SELECT bgnbd_fit(x, t_x, t) FROM cdnow_summary WHERE false), NULL, 'no rows: NULL');
SELECT is((SELECT (bgnbd_fit(x, CASE WHEN id % 10 = 0 THEN NULL ELSE t_x END, t)).n_skipped FROM cdnow_summary),
          235::bigint, 'rows with a NULL are skipped and counted');

-- lifetime_summary: the brief's example, and plain SQL on generated purchases
SET LOCAL TimeZone = 'UTC';
SELECT is((SELECT (frequency, round(recency::numeric, 2), round(t::numeric, 2), monetary_value)::text
           FROM (SELECT (lifetime_summary(ts, '1997-09-30', amt, '7 days')).*
                 FROM (VALUES ('1997-01-01'::timestamptz, 10::float8), ('1997-01-18', 20),
                              ('1997-08-02', 30), ('1997-08-02 18:00', 5), ('1997-10-02', 99)) v(ts, amt)) s),
          '(2,30.43,38.86,27.5)', 'purchases on 1997-01-01, 01-18, 08-02 as of 09-30, in weeks');
-- the README's lifetimes freq='W' (purchase weeks): 1997-01-01 and 01-02 in
-- the week of 1996-12-30, 01-08 in the next, 01-21 after as_of (01-20, a
-- Monday) but in its week; frequency 1, recency 1 and T 3 weeks, spend 20
SELECT is((SELECT lifetime_summary(date_trunc('week', ts), date_trunc('week', '1997-01-20'::timestamptz), amt, '7 days')
                    FILTER (WHERE ts <= '1997-01-20')::text
           FROM (VALUES ('1997-01-01'::timestamptz, 10::float8), ('1997-01-02', 5), ('1997-01-08', 20),
                        ('1997-01-21', 7)) v(ts, amt)),
          '(1,1,3,20)', 'purchase weeks as lifetimes'' freq=''W'' counts them (README)');

-- the repeat days' spend is summed apart from the first day's: a large first-day
-- amount does not cancel it, in any row order (total minus first day gave 0 or 16)
CREATE TABLE big_first_day (member_id int, ord int, occurred_at timestamptz, amount float8);
INSERT INTO big_first_day
SELECT m, (array[o1, o2, o3, o4])[k], ts, amt
FROM (VALUES (1, 1, 2, 3, 4), (2, 4, 3, 2, 1), (3, 2, 4, 1, 3), (4, 3, 1, 4, 2)) o(m, o1, o2, o3, o4),
     (VALUES (1, '1997-01-05'::timestamptz, 1::float8), (2, '1997-01-01', 1e17),
             (3, '1997-01-01 12:00', -1e17), (4, '1997-01-07', 2)) v(k, ts, amt);
SELECT is((SELECT string_agg(m::text, ',' ORDER BY member_id)
           FROM (SELECT member_id, (lifetime_summary(occurred_at, '1997-02-01', amount ORDER BY ord)).monetary_value AS m
                 FROM big_first_day GROUP BY 1) q)
          || ';' || (SELECT string_agg(monetary_value::text, ',' ORDER BY member_id)
                     FROM lifetime_summaries('SELECT member_id, occurred_at, amount FROM big_first_day ORDER BY member_id, ord',
                                             '1997-02-01')),
          '1.5,1.5,1.5,1.5;1.5,1.5,1.5,1.5',
          'a first day of 1e17 and -1e17 does not cancel repeat days of 1 and 2, in four row orders');

CREATE TABLE purchases (member_id int, occurred_at timestamptz, amount float8);
INSERT INTO purchases
SELECT m, '2024-01-01 00:00+00'::timestamptz
          + make_interval(secs => (abs(hashint8(m * 1000 + k)) % (300 * 86400))::float8),
       CASE WHEN k % 13 = 0 THEN NULL ELSE 1 + (m * 7 + k) % 50 END
FROM generate_series(1, 300) m, generate_series(1, 1 + m % 9) k;
INSERT INTO purchases VALUES (301, '2024-03-31 01:30+00', 5), (301, '2024-03-31 23:30+00', 7),
  (302, '2024-10-27 00:30+00', 3), (303, NULL, 4), (304, '2025-06-01', 9);
-- the reference: lifetimes' definitions in plain SQL (per-day totals, first day excluded)
CREATE FUNCTION summary_sql(as_of timestamptz, unit_days float8)
RETURNS TABLE (member_id int, s text) LANGUAGE sql STABLE AS $$
  WITH d AS (
    SELECT p.member_id, date_trunc('day', occurred_at) AS day, sum(amount) AS spend
    FROM purchases p WHERE occurred_at <= as_of AND amount IS NOT NULL GROUP BY 1, 2),
  f AS (SELECT d.member_id, min(day) AS first_day, max(day) AS last_day, count(*) - 1 AS freq FROM d GROUP BY 1)
  SELECT f.member_id,
         (f.freq::int,
          (f.last_day::date - f.first_day::date) / unit_days,
          (date_trunc('day', as_of)::date - f.first_day::date) / unit_days,
          coalesce((SELECT sum(spend) FROM d WHERE d.member_id = f.member_id AND d.day > f.first_day) / nullif(f.freq, 0), 0)
         )::text
  FROM f $$;
CREATE FUNCTION summary_ext(as_of timestamptz, unit interval)
RETURNS TABLE (member_id int, s text) LANGUAGE sql STABLE AS $$
  SELECT p.member_id,
         (((l).frequency, (l).recency, (l).t, (l).monetary_value))::text
  FROM (SELECT member_id, lifetime_summary(occurred_at, as_of, amount, unit) AS l FROM purchases GROUP BY member_id) p
  WHERE l IS NOT NULL $$;
CREATE FUNCTION summary_diff(as_of timestamptz, unit interval, unit_days float8) RETURNS bigint
LANGUAGE sql STABLE AS $$
  SELECT count(*) FROM summary_sql(as_of, unit_days) a FULL JOIN summary_ext(as_of, unit) b USING (member_id)
  WHERE a.s IS DISTINCT FROM b.s $$;
SELECT is(summary_diff('2024-11-01 12:00+00', '1 day', 1), 0::bigint, 'lifetime_summary equals plain SQL (UTC, days)');
SET LOCAL TimeZone = 'Europe/Berlin';
SELECT is(summary_diff('2024-10-27 02:30+01', '7 days', 7), 0::bigint, 'lifetime_summary equals plain SQL (Berlin, weeks, DST day)');
SET LOCAL TimeZone = 'America/New_York';
SELECT is(summary_diff('2024-06-30 23:00-04', '1 day', 1), 0::bigint, 'lifetime_summary equals plain SQL (New York, days)');
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SELECT is((SELECT string_agg(l::text, ',' ORDER BY member_id) FROM (
             SELECT member_id, lifetime_summary(occurred_at, '2024-12-01', amount) l FROM purchases GROUP BY 1) q),
          (SELECT string_agg(s, ',' ORDER BY member_id) FROM summary_ext('2024-12-01', '1 day')),
          'parallel lifetime_summary equals serial');
-- the finalize step starts from an empty state: its first combine must not count the partial state twice
CREATE TABLE spread_purchases AS
SELECT g % 50 AS member_id, '2024-01-01 10:00+00'::timestamptz + make_interval(days => g % 37) AS occurred_at,
       (g % 7 + 1)::float8 AS amount
FROM generate_series(1, 2000) g;
ANALYZE spread_purchases;
CREATE FUNCTION spread_summaries() RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(l::text, ',' ORDER BY member_id)
  FROM (SELECT member_id, lifetime_summary(occurred_at, '2024-12-01', amount) l FROM spread_purchases GROUP BY 1) q $$;
SET LOCAL max_parallel_workers_per_gather = 2;
SELECT spread_summaries() AS parallel_summaries \gset
SET LOCAL max_parallel_workers_per_gather = 0;
SELECT is(spread_summaries(), :'parallel_summaries', 'lifetime_summary: partial states combined in parallel equal serial (monetary_value)');
RESET max_parallel_workers_per_gather;
-- St. John's went back from 2010-11-07 00:01 NDT to 2010-11-06 23:01 NST: a
-- purchase at 00:00:30, on the 7th, is before an as_of at 23:30 of the 6th,
-- and counts on as_of's day, as engagement_summary counts it (it was on the
-- 7th: recency 2 beyond T 1, which bgnbd_fit refuses; and in a parallel
-- plan, 22P03 from lifetime_summary_deserialfn, as the day was after as_of's)
SET LOCAL TimeZone = 'America/St_Johns';
CREATE TABLE stj_purchases AS
SELECT m AS member_id, '2010-11-05 12:00-02:30'::timestamptz + make_interval(mins => k) AS occurred_at,
       5::float8 AS amount
FROM generate_series(1, 30) m, generate_series(1, 200) k
UNION ALL SELECT m, '2010-11-07 00:00:30-02:30', 7 FROM generate_series(1, 30) m;
ANALYZE stj_purchases;
CREATE FUNCTION stj_summaries() RETURNS text LANGUAGE sql AS $$
  SELECT string_agg(DISTINCT l::text, ',')
  FROM (SELECT member_id, lifetime_summary(occurred_at, '2010-11-06 23:30-03:30', amount) l
        FROM stj_purchases GROUP BY 1) q $$;
SELECT is(stj_summaries() || ';' ||
          (SELECT string_agg(DISTINCT (frequency, recency, t, monetary_value)::text, ',')
           FROM lifetime_summaries('SELECT member_id, occurred_at, amount FROM stj_purchases',
                                   '2010-11-06 23:30-03:30')),
          '(1,1,1,7);(1,1,1,7)',
          'a purchase on a later local day than as_of (clocks back across midnight) is on as_of''s day');
-- every group's partial state serialized by a worker
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_leader_participation = off;
CREATE FUNCTION stj_plan() RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXPLAIN (COSTS OFF)
    SELECT member_id, lifetime_summary(occurred_at, '2010-11-06 23:30-03:30', amount) FROM stj_purchases GROUP BY 1;
END $$;
SELECT ok((SELECT string_agg(l, ' ') FROM stj_plan() l) ~ 'Partial (Hash|Group)Aggregate', 'the St. John''s plan is parallel');
SELECT is(stj_summaries(), '(1,1,1,7)', 'and its partial states are taken (they were 22P03)');
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;
SET LOCAL TimeZone = 'America/New_York';
-- summaries of purchases from the BG/NBD story (the README's shop, smaller) feed the fits
\ir ../data/shop_purchases.sql
CREATE TABLE shop_history AS
SELECT member_id AS c, lifetime_summary(occurred_at, '2026-01-01', amount, '7 days') AS l
FROM shop_purchases_local GROUP BY member_id;
SELECT ok((SELECT (b).n = 1500 AND (b).r > 0 AND (b).a > 0 AND (g).n > 0
           FROM (SELECT bgnbd_fit((l).frequency, (l).recency, (l).t) AS b,
                        gammagamma_fit((l).frequency, (l).monetary_value) AS g FROM shop_history) q),
          'summaries feed bgnbd_fit and gammagamma_fit directly');
-- b in the hundreds, a horizon far beyond alpha + T: every form of the 2F1 cancels
-- (it gave 5e12); mpmath's 72.5144689024137 (test/reference/lifetime_reference.py)
SELECT ok(abs(bgnbd_expected_purchases('(6.74224,92.182,0.409288,458.916,,,,,,,)'::bgnbd_model,
                                       1048.26, 0, 0, 1.86317) / 72.5144689024137 - 1) < 1e-9,
          'bgnbd_expected_purchases where the hypergeometric series cancel (large b, long horizon)');
-- a in the tens of thousands, a horizon a millionth of alpha + T: pow(w, a - 1)
-- carried w's rounding error times a - 1 into 1 - f (it was 7e-7 off);
-- mpmath's 3.8166021080336219943e-6 (series and quadrature at 60 digits)
SELECT ok(abs(bgnbd_expected_purchases('(79.3465213396551,0.038096508833025844,26036.669333064925,0.21216771493286793,,,,,,,)'::bgnbd_model,
                                       1.7558524775535957e-05, 0, 0, 365) / 3.8166021080336219943e-6 - 1) < 1e-9,
          'bgnbd_expected_purchases with large a and a short horizon keeps its digits');
-- a just outside 1 -+ 1e-6: the series' 1 - f is of order a - 1 (it was 8e-8
-- off); mpmath's 769.02413356616205437 (quadrature at 40 and 60 digits)
SELECT ok(abs(bgnbd_expected_purchases('(0.06915430571017778,2.7496871406330774,1.000001069964763,374.6972405454411,,,,,,,)'::bgnbd_model,
                                       455.4916165685127, 20, 1, 1) / 769.02413356616205437 - 1) < 1e-9,
          'bgnbd_expected_purchases with a within 1e-4 of 1 keeps its digits');
-- a just outside 1 -+ 1e-4, b in the thousands, a horizon 1261 times alpha + T:
-- the connection formula's gamma ratios (c near 6300) carry 2e-11 of their
-- value into 1 - f = 1.8e-4 (it was 6e-8 off); mpmath's 6981.5900054522393797
-- (the 2F1 at 40 and 60 digits)
SELECT ok(abs(bgnbd_expected_purchases('(0.46811482221682227,351.43646007650136,1.00016,6287.133719834171,,,,,,,)'::bgnbd_model,
                                       447558.8735854177, 10, 1.3442071440073442, 3.3838667362658468)
              / 6981.5900054522393797 - 1) < 1e-9,
          'bgnbd_expected_purchases where the connection formula''s error is magnified by 1 / (1 - f)');
-- p x + q - 1 summed as p x + (q - 1): (p x + q) - 1 dropped p x's digits when
-- q is near 1 (8e-8 off); mpmath's 11.881177660954327170
SELECT ok(abs(gammagamma_expected_spend('(1e-10,1.000000000001,5,,,,,,)'::gammagamma_model, 1, 7)
              / 11.881177660954327170 - 1) < 1e-12,
          'gammagamma_expected_spend with q near 1 and a small p keeps its digits');

-- a in the hundreds and a horizon 36 times alpha: w^(a-1) underflowed while
-- the Euler form's 2F1 overflowed, and their -inf came out as 0 purchases in
-- a new member's first year; mpmath's 2.74966450567172
-- (test/reference/lifetime_reference.py, "underflow times overflow")
SELECT ok(abs(bgnbd_expected_purchases('(0.5,10,200,600,,,,,,,)'::bgnbd_model, 365) / 2.74966450567172 - 1) < 1e-9
          AND abs(bgnbd_expected_purchases('(0.5,10,200,600,,,,,,,)'::bgnbd_model, 365, 0, 0, 0)
                  / 2.74966450567172 - 1) < 1e-9,
          'bgnbd_expected_purchases where w^(a-1) underflows and the 2F1 overflows');

-- any unit: times in units of 1e-20 and 1e200, spends of 1e200 (the fits
-- failed there, their start and Hessian out of range); the log-likelihood
-- shifts by log(c) sum(x) and by log(c) n (test/unit/test_bgnbd.c, test_units)
SELECT ok(bool_and(rel_close((s.bg).r, (f.bg).r, 1e-8) AND rel_close((s.bg).alpha, (f.bg).alpha * c, 1e-8)
              AND rel_close((s.bg).a, (f.bg).a, 1e-8) AND rel_close((s.bg).b, (f.bg).b, 1e-8)
              AND rel_close((s.bg).log_likelihood, (f.bg).log_likelihood - 2457 * ln(c), 1e-10)),
          'BG/NBD with times in units of 1e-20 and 1e200: the same model')
FROM fits f,
     LATERAL (SELECT c, bgnbd_fit(x, t_x * c, t * c) AS bg
              FROM cdnow_summary, unnest(ARRAY[1e-20, 1e200]::float8[]) c GROUP BY c) s;
SELECT ok(bool_and(rel_close((s.gg).p, (f.gg).p, 1e-8) AND rel_close((s.gg).q, (f.gg).q, 1e-8)
              AND rel_close((s.gg).gamma, (f.gg).gamma * c, 1e-8)
              AND rel_close((s.gg).log_likelihood, (f.gg).log_likelihood - 946 * ln(c), 1e-10)),
          'Gamma-Gamma with spends in units of 1e-200 and 1e200: the same model')
FROM fits f,
     LATERAL (SELECT c, gammagamma_fit(x, zbar * c) AS gg
              FROM cdnow_summary, unnest(ARRAY[1e-200, 1e200]::float8[]) c WHERE x > 0 GROUP BY c) s;
-- times below the normal float8 range (1e-316: about 28 bits left), where
-- the fit's rescaling stopped at 2^1000 and it found no maximum (22000):
-- the model of those times, which differ from CDNOW's by 1e-8 or so
SELECT ok(rel_close((s.bg).r, (f.bg).r, 1e-6) AND rel_close((s.bg).alpha, (f.bg).alpha * 1e-316, 1e-6)
              AND rel_close((s.bg).a, (f.bg).a, 1e-6) AND rel_close((s.bg).b, (f.bg).b, 1e-6)
              AND rel_close((s.bg).log_likelihood, (f.bg).log_likelihood - 2457 * ln(1e-316), 1e-8),
          'BG/NBD with times in units of 1e-316 (subnormal): the same model')
FROM fits f, (SELECT bgnbd_fit(x, t_x * 1e-316, t * 1e-316) AS bg FROM cdnow_summary) s;

SELECT * FROM finish();
ROLLBACK;
