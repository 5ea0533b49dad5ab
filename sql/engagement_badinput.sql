-- Bad-input matrix of the engagement pillar (issue 7): engagement_summary
-- (2 and 3 arguments), engagement_decay (3 and 4), engagement_periods,
-- retention_curve (1 and 2) and rfm_segment fed NULL timestamps and cut-offs,
-- +-infinity, a cut-off before every event, activity over more than a century,
-- NaN, infinite and huge amounts, odd half-lives and periods, odd n, odd
-- period arrays and out-of-range RFM scores.  Each case prints its SQLSTATE,
-- message, detail and hint, or "ok: " and the result; the server must never
-- crash.
SET TimeZone = 'UTC';
SET extra_float_digits = 0;
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

-- 20 events of one member, every third day up to the cut-off
CREATE TEMP TABLE act AS
SELECT timestamptz '2025-12-31 12:00+00' - (3 * k) * interval '1 day' AS t, k + 1.5 AS amount
FROM generate_series(0, 19) k;

-- ---------------------------------------------------------------- engagement_summary
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('reference', $$SELECT (events, active_days, active_days_30, current_streak, longest_streak, mean_gap_days, gap_cv, round(trend::numeric, 6))::text FROM (SELECT (engagement_summary(t, '2026-01-01')).* FROM act) e$$),
  ('reference with amounts', $$SELECT (amount_total, amount_30)::text FROM (SELECT (engagement_summary(t, '2026-01-01', amount)).* FROM act) e$$),
  ('no rows', $$SELECT engagement_summary(t, '2026-01-01')::text FROM act WHERE false$$),
  ('NULL occurred_at only', $$SELECT engagement_summary(NULL, '2026-01-01'::timestamptz)::text FROM act$$),
  ('NULL as_of only', $$SELECT engagement_summary(t, NULL)::text FROM act$$),
  ('NULL occurred_at rows skipped', $$SELECT (engagement_summary(CASE WHEN amount > 10 THEN NULL ELSE t END, '2026-01-01')).events FROM act$$),
  ('NULL as_of rows skipped', $$SELECT (engagement_summary(t, CASE WHEN amount > 10 THEN NULL ELSE '2026-01-01'::timestamptz END)).events FROM act$$),
  ('NULL amount: counted, adds nothing', $$SELECT (events, amount_total, amount_30)::text FROM (SELECT (engagement_summary(t, '2026-01-01', NULL::float8)).* FROM act) e$$),
  ('as_of before every event', $$SELECT engagement_summary(t, '2020-01-01')::text FROM act$$),
  ('as_of +infinity', $$SELECT engagement_summary(t, 'infinity')::text FROM act$$),
  ('as_of -infinity', $$SELECT engagement_summary(t, '-infinity')::text FROM act$$),
  ('occurred_at +infinity: in the future', $$SELECT engagement_summary('infinity'::timestamptz, '2026-01-01')::text$$),
  ('occurred_at -infinity', $$SELECT engagement_summary('-infinity'::timestamptz, '2026-01-01')::text$$),
  ('as_of varying within a group', $$SELECT engagement_summary(t, t)::text FROM act$$),
  ('as_of per group', $$SELECT string_agg((e).events::text, ' ' ORDER BY g) FROM (SELECT amount > 10 AS g, engagement_summary(t, CASE WHEN amount > 10 THEN '2026-01-01' ELSE '2025-12-01'::timestamptz END) e FROM act GROUP BY 1) s$$),
  ('events 100 years apart', $$SELECT (events, active_days, tenure_days, mean_gap_days)::text FROM (SELECT (engagement_summary(t, '2026-01-01')).* FROM (VALUES ('1926-01-02'::timestamptz), ('2025-12-31')) v(t)) e$$),
  ('events more than 36600 days apart', $$SELECT engagement_summary(t, '2026-01-01')::text FROM (VALUES ('1900-01-01'::timestamptz), ('2025-12-31')) v(t)$$),
  ('placeholder 1970-01-01 among recent events', $$SELECT engagement_summary(t, '2026-01-01')::text FROM (SELECT t FROM act UNION ALL SELECT '1970-01-01') v$$),
  ('events at the ends of the timestamptz range', $$SELECT engagement_summary(t, '294276-12-31')::text FROM (VALUES ('4713-11-24 00:00+00 BC'::timestamptz), ('294276-12-30')) v(t)$$),
  ('earliest timestamptz, as_of the same day', $$SELECT (events, active_days, tenure_days)::text FROM (SELECT (engagement_summary(t, t + interval '1 hour')).* FROM (VALUES ('4713-11-24 00:00+00 BC'::timestamptz)) v(t)) e$$),
  ('one event at the start of the range, as_of at its end: age beyond int64', $$SELECT (events, round(tenure_days), recency_days = tenure_days, decayed_activity)::text FROM (SELECT (engagement_summary('4713-11-24 00:00+00 BC'::timestamptz, '294276-12-31 23:59:59.999999+00')).*) e$$),
  ('latest timestamptz', $$SELECT (events, active_days, recency_days)::text FROM (SELECT (engagement_summary(t, t)).* FROM (VALUES ('294276-12-31 23:59:59.999999+00'::timestamptz)) v(t)) e$$),
  ('as_of 200 years after the only event', $$SELECT (events, active_days, active_days_90, current_streak, round(tenure_days), decayed_activity, trend)::text FROM (SELECT (engagement_summary('2000-01-01'::timestamptz, '2200-01-01')).*) e$$),
  ('amount NaN', $$SELECT (amount_total, amount_30)::text FROM (SELECT (engagement_summary(t, '2026-01-01', CASE WHEN amount = 1.5 THEN 'NaN' ELSE amount END)).* FROM act) e$$),
  ('amount Infinity', $$SELECT (amount_total, amount_30)::text FROM (SELECT (engagement_summary(t, '2026-01-01', CASE WHEN amount = 1.5 THEN 'Infinity' ELSE amount END)).* FROM act) e$$),
  ('amounts Infinity and -Infinity', $$SELECT (amount_total, amount_30)::text FROM (SELECT (engagement_summary(t, '2026-01-01', CASE WHEN amount = 1.5 THEN 'Infinity' WHEN amount = 2.5 THEN '-Infinity' ELSE amount END)).* FROM act) e$$),
  ('amounts 1e308', $$SELECT (amount_total, amount_30)::text FROM (SELECT (engagement_summary(t, '2026-01-01', 1e308)).* FROM act) e$$),
  ('amounts 1e308 and -1e308', $$SELECT (amount_total, amount_30)::text FROM (SELECT (engagement_summary(t, '2026-01-01', CASE WHEN amount < 3 THEN 1e308 ELSE -1e308 END)).* FROM act WHERE amount < 4) e$$),
  ('sum(float8) raises the same error', $$SELECT sum(1e308::float8) FROM act$$),
  ('amounts 1e308, -1e308, 1e308 in that order', $$SELECT (amount_total, amount_30)::text FROM (SELECT (engagement_summary(t, '2026-01-01', a)).* FROM (VALUES ('2025-12-30'::timestamptz, 1e308::float8), ('2025-12-30', -1e308), ('2025-12-30', 1e308)) v(t, a)) e$$),
  ('window, running', $$SELECT string_agg(coalesce((e).events::text, 'NULL'), ' ') FROM (SELECT engagement_summary(t, '2025-12-31 12:00') OVER (ORDER BY t DESC) e FROM act LIMIT 4) s$$),
  ('transition function called directly', $$SELECT engagement_summary_transfn(NULL, now(), now())$$)
) c(label, q);

-- ---------------------------------------------------------------- engagement_decay
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('reference', $$SELECT round(engagement_decay(t, '2026-01-01', '14 days')::numeric, 12) FROM act$$),
  ('reference with amounts', $$SELECT round(engagement_decay(t, '2026-01-01', '14 days', amount)::numeric, 12) FROM act$$),
  ('no rows', $$SELECT engagement_decay(t, '2026-01-01', '14 days') FROM act WHERE false$$),
  ('NULL occurred_at only', $$SELECT engagement_decay(NULL, '2026-01-01', '14 days') FROM act$$),
  ('NULL as_of only', $$SELECT engagement_decay(t, NULL, '14 days') FROM act$$),
  ('NULL half_life only', $$SELECT engagement_decay(t, '2026-01-01', NULL) FROM act$$),
  ('NULL amount only', $$SELECT engagement_decay(t, '2026-01-01', '14 days', NULL) FROM act$$),
  ('as_of before every event', $$SELECT engagement_decay(t, '2020-01-01', '14 days') FROM act$$),
  ('event at as_of weighs 1', $$SELECT engagement_decay('2026-01-01'::timestamptz, '2026-01-01', '1 day')$$),
  ('as_of +infinity', $$SELECT engagement_decay(t, 'infinity', '14 days') FROM act$$),
  ('as_of -infinity', $$SELECT engagement_decay(t, '-infinity', '14 days') FROM act$$),
  ('occurred_at +infinity: in the future', $$SELECT engagement_decay('infinity'::timestamptz, '2026-01-01', '14 days')$$),
  ('occurred_at -infinity', $$SELECT engagement_decay('-infinity'::timestamptz, '2026-01-01', '14 days')$$),
  ('half_life 0', $$SELECT engagement_decay(t, '2026-01-01', '0') FROM act$$),
  ('half_life negative', $$SELECT engagement_decay(t, '2026-01-01', '-1 day') FROM act$$),
  ('half_life 1 month -30 days (zero)', $$SELECT engagement_decay(t, '2026-01-01', '1 month -30 days') FROM act$$),
  ('half_life 1 month -29 days (one day)', $$SELECT engagement_decay(t, '2026-01-01', '1 month -29 days') = engagement_decay(t, '2026-01-01', '1 day') FROM act$$),
  ('half_life 1 month = 30 days', $$SELECT engagement_decay(t, '2026-01-01', '1 month') = engagement_decay(t, '2026-01-01', '30 days') FROM act$$),
  ('half_life 1 microsecond', $$SELECT engagement_decay(t, '2026-01-01', '1 microsecond') FROM act$$),
  ('half_life 178000000 years', $$SELECT round(engagement_decay(t, '2026-01-01', '178000000 years')::numeric, 9) FROM act$$),
  ('half_life varying within a group', $$SELECT engagement_decay(t, '2026-01-01', amount * interval '1 day') FROM act$$),
  ('as_of varying within a group', $$SELECT engagement_decay(t, t, '14 days') FROM act$$),
  ('events 100 years old weigh 0', $$SELECT engagement_decay('1926-01-01'::timestamptz, '2026-01-01', '1 day')$$),
  ('events at the ends of the timestamptz range: age beyond int64', $$SELECT engagement_decay(t, '294276-12-31', '1 day') FROM (VALUES ('4713-11-24 00:00+00 BC'::timestamptz), ('294276-12-30')) v(t)$$),
  ('amount NaN', $$SELECT engagement_decay(t, '2026-01-01', '14 days', 'NaN') FROM act$$),
  ('amount Infinity', $$SELECT engagement_decay(t, '2026-01-01', '14 days', 'Infinity') FROM act$$),
  ('amount Infinity on an event whose weight rounds to 0 (it is positive: Infinity, not Infinity * 0 = NaN)', $$SELECT engagement_decay('1926-01-01'::timestamptz, '2026-01-01', '1 day', 'Infinity')$$),
  ('amount -Infinity on an event whose weight rounds to 0, beside a finite one', $$SELECT engagement_decay(t, '2026-01-01', '1 day', a) FROM (VALUES ('1926-01-01'::timestamptz, '-Infinity'::float8), ('2026-01-01', 5)) v(t, a)$$),
  ('amounts Infinity and -Infinity: NaN, as sum(float8)', $$SELECT engagement_decay(t, '2026-01-01', '1 day', a) FROM (VALUES ('2026-01-01'::timestamptz, 'Infinity'::float8), ('1926-01-01', '-Infinity')) v(t, a)$$),
  ('sum(float8) of Infinity and -Infinity', $$SELECT sum(a) FROM (VALUES ('Infinity'::float8), ('-Infinity')) v(a)$$),
  ('amount NaN', $$SELECT engagement_decay(t, '2026-01-01', '1 day', a) FROM (VALUES ('2026-01-01'::timestamptz, 'NaN'::float8), ('1926-01-01', 'Infinity')) v(t, a)$$),
  ('amounts 1e308', $$SELECT engagement_decay('2026-01-01'::timestamptz, '2026-01-01', '1 day', 1e308) FROM generate_series(1, 3)$$),
  ('amounts 1e308 and -1e308', $$SELECT engagement_decay('2026-01-01'::timestamptz, '2026-01-01', '1 day', a) FROM (VALUES (1e308::float8), (1e308), (-1e308)) v(a)$$),
  ('amounts 1e308, -1e308, 1e308 in that order', $$SELECT engagement_decay('2026-01-01'::timestamptz, '2026-01-01', '1 day', a) FROM (VALUES (1e308::float8), (-1e308), (1e308)) v(a)$$),
  ('window, running', $$SELECT string_agg(coalesce(round(d::numeric, 4)::text, 'NULL'), ' ') FROM (SELECT engagement_decay(t, '2026-01-01', '3 days') OVER (ORDER BY t DESC) d FROM act LIMIT 4) s$$),
  ('transition function called directly', $$SELECT engagement_decay_transfn('{0,0,0,0,0,0}', '2025-12-31', '2026-01-01', '1 day')::text$$),
  ('transition function, bogus state', $$SELECT engagement_decay_transfn('{0,0}', '2025-12-31', '2026-01-01', '1 day')::text$$),
  ('final function, bogus state', $$SELECT engagement_decay_finalfn('{{1,2,3},{4,5,6}}')$$),
  ('combine function, other as_of', $$SELECT engagement_decay_combinefn('{1,1,1,0,1,1}', '{1,1,1,0,2,1}')::text$$)
) c(label, q);

-- ---------------------------------------------------------------- engagement_periods
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('reference', $$SELECT engagement_periods(t, '2025-10-01', '1 month', 4, '2026-01-01')::text FROM act$$),
  ('no rows', $$SELECT engagement_periods(t, '2025-10-01', '1 month', 4, '2026-01-01')::text FROM act WHERE false$$),
  ('NULL occurred_at: the member counts, all false', $$SELECT engagement_periods(NULL, '2025-10-01', '1 month', 3, '2026-01-01')::text$$),
  ('NULL start', $$SELECT engagement_periods(t, NULL, '1 month', 4, '2026-01-01')::text FROM act$$),
  ('NULL period', $$SELECT engagement_periods(t, '2025-10-01', NULL, 4, '2026-01-01')::text FROM act$$),
  ('NULL n', $$SELECT engagement_periods(t, '2025-10-01', '1 month', NULL, '2026-01-01')::text FROM act$$),
  ('NULL as_of', $$SELECT engagement_periods(t, '2025-10-01', '1 month', 4, NULL)::text FROM act$$),
  ('n 0', $$SELECT engagement_periods(t, '2025-10-01', '1 month', 0, '2026-01-01')::text FROM act$$),
  ('n negative', $$SELECT engagement_periods(t, '2025-10-01', '1 month', -1, '2026-01-01')::text FROM act$$),
  ('n 10000', $$SELECT cardinality(engagement_periods(t, '2025-10-01', '1 second', 10000, '2026-01-01')) FROM act$$),
  ('n 10001', $$SELECT engagement_periods(t, '2025-10-01', '1 month', 10001, '2026-01-01')::text FROM act$$),
  ('n INT_MAX', $$SELECT engagement_periods(t, '2025-10-01', '1 month', 2147483647, '2026-01-01')::text FROM act$$),
  ('period 0', $$SELECT engagement_periods(t, '2025-10-01', '0', 4, '2026-01-01')::text FROM act$$),
  ('period negative', $$SELECT engagement_periods(t, '2025-10-01', '-1 month', 4, '2026-01-01')::text FROM act$$),
  ('period 1 month -30 days: stalls on a 31-day month', $$SELECT engagement_periods(t, '2025-10-01', '1 month -30 days', 4, '2026-01-01')::text FROM act$$),
  ('period 1 microsecond', $$SELECT engagement_periods(t, '2025-10-01', '1 microsecond', 3, '2026-01-01')::text FROM act$$),
  ('period 1000 years, 10000 periods: out of range', $$SELECT engagement_periods(t, '2025-10-01', '1000 years', 10000, '2026-01-01')::text FROM act$$),
  ('period 178000000 years', $$SELECT engagement_periods(t, '2025-10-01', '178000000 years', 2, '2026-01-01')::text FROM act$$),
  ('period 2147483647 days x 2: interval overflow', $$SELECT engagement_periods(t, '2025-10-01', '2147483647 days', 2, '2026-01-01')::text FROM act$$),
  ('period 2000000000 hours x 2: the time part leaves int64, the bound the timestamptz range', $$SELECT engagement_periods(t, '2025-10-01', '2000000000 hours', 5, '2026-01-01')::text FROM act$$),
  ('period -2000000000 hours x 2', $$SELECT engagement_periods(t, '2025-10-01', '-2000000000 hours', 5, '2026-01-01')::text FROM act$$),
  ('period 146300 years -1282000000 hours x 2: the time part leaves int64, the bound does not', $$SELECT engagement_periods(NULL, '4713-01-01 BC', '146300 years' - interval '1282000000 hours', 2, '294000-01-01')::text$$),
  ('its second bound is start + 292600 years - 2 x 1282000000 hours, added in that order: an event 1 microsecond before it is in period 2, one at it in none', $$SELECT engagement_periods(t, '4713-01-01 BC', '146300 years' - interval '1282000000 hours', 2, '294000-01-01')::text FROM (VALUES (timestamptz '4713-01-01 BC' + interval '292600 years' - interval '1282000000 hours' - interval '1282000000 hours' - interval '1 microsecond'), (timestamptz '4713-01-01 BC' + interval '292600 years' - interval '1282000000 hours' - interval '1282000000 hours')) v(t)$$),
  ('start +infinity', $$SELECT engagement_periods(t, 'infinity', '1 month', 4, '2026-01-01')::text FROM act$$),
  ('start -infinity', $$SELECT engagement_periods(t, '-infinity', '1 month', 4, '2026-01-01')::text FROM act$$),
  ('as_of +infinity', $$SELECT engagement_periods(t, '2025-10-01', '1 month', 4, 'infinity')::text FROM act$$),
  ('as_of -infinity', $$SELECT engagement_periods(t, '2025-10-01', '1 month', 4, '-infinity')::text FROM act$$),
  ('occurred_at +infinity and -infinity: ignored', $$SELECT engagement_periods(t, '2025-10-01', '1 month', 3, '2026-01-01')::text FROM (VALUES ('infinity'::timestamptz), ('-infinity')) v(t)$$),
  ('as_of before start: nothing elapsed', $$SELECT engagement_periods(t, '2025-10-01', '1 month', 3, '2025-01-01')::text FROM act$$),
  ('as_of before every event', $$SELECT engagement_periods(t, '2020-01-01', '1 month', 3, '2020-06-01')::text FROM act$$),
  ('start varying within a group', $$SELECT engagement_periods(t, t, '1 month', 4, '2026-01-01')::text FROM act$$),
  ('n varying within a group', $$SELECT engagement_periods(t, '2025-10-01', '1 month', (amount > 10)::int + 3, '2026-01-01')::text FROM act$$),
  ('period 1 month vs 30 days in one group', $$SELECT engagement_periods(t, '2025-10-01', CASE WHEN amount > 10 THEN interval '1 month' ELSE '30 days' END, 3, '2026-01-01')::text FROM act$$),
  ('events 100 years apart', $$SELECT engagement_periods(t, '1926-01-01', '50 years', 3, '2026-01-01')::text FROM (VALUES ('1926-01-02'::timestamptz), ('2025-12-31')) v(t)$$),
  ('start at the end of the range', $$SELECT engagement_periods(t, '294276-12-01', '1 month', 2, '294276-12-31')::text FROM act$$),
  ('window, running', $$SELECT string_agg(p::text, ' ') FROM (SELECT engagement_periods(t, '2025-12-01', '10 days', 3, '2026-01-01') OVER (ORDER BY t DESC) p FROM act LIMIT 4) s$$)
) c(label, q);

-- ---------------------------------------------------------------- retention_curve
CREATE TEMP TABLE pers(g int, p boolean[]);
INSERT INTO pers VALUES (1, '{t,t,f}'), (1, '{t,f,NULL}'), (1, '{f,NULL,NULL}');
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('reference', $$SELECT retention_curve(p)::text FROM pers$$),
  ('reference, unbounded', $$SELECT retention_curve(p, true)::text FROM pers$$),
  ('no rows', $$SELECT retention_curve(p)::text FROM pers WHERE false$$),
  ('NULL arrays only', $$SELECT retention_curve(NULL::boolean[])::text FROM pers$$),
  ('NULL arrays skipped', $$SELECT retention_curve(p)::text FROM (SELECT p FROM pers UNION ALL SELECT NULL) s$$),
  ('empty arrays', $$SELECT retention_curve('{}'::boolean[])::text FROM pers$$),
  ('empty arrays, unbounded', $$SELECT retention_curve('{}'::boolean[], true)::text FROM pers$$),
  ('empty array among others', $$SELECT retention_curve(p)::text FROM (SELECT p FROM pers UNION ALL SELECT '{}') s$$),
  ('all elements NULL', $$SELECT retention_curve('{NULL,NULL}'::boolean[])::text$$),
  ('2-D array', $$SELECT retention_curve('{{t,f},{f,t}}'::boolean[])::text$$),
  ('2-D array, unbounded', $$SELECT retention_curve('{{t,f},{f,t}}'::boolean[], false)::text$$),
  ('lower bound 0: taken in order', $$SELECT retention_curve('[0:2]={t,f,t}'::boolean[])::text$$),
  ('lower bound -5 mixed with lower bound 1', $$SELECT retention_curve(p)::text FROM (VALUES ('[-5:-4]={t,f}'::boolean[]), ('{f,t}')) v(p)$$),
  ('varying lengths within a group', $$SELECT retention_curve(p)::text FROM (VALUES ('{t}'::boolean[]), ('{t,f,t,f}'), ('{f,t}')) v(p)$$),
  ('varying lengths, unbounded', $$SELECT retention_curve(p, true)::text FROM (VALUES ('{t}'::boolean[]), ('{f,f,f,t}'), ('{f,t}')) v(p)$$),
  ('10000 elements', $$SELECT cardinality(retention_curve(array_fill(true, ARRAY[10000])))$$),
  ('10001 elements', $$SELECT retention_curve(array_fill(true, ARRAY[10001]))::text$$),
  ('100000 elements', $$SELECT retention_curve(array_fill(true, ARRAY[100000]))::text$$),
  ('100000 elements, unbounded', $$SELECT retention_curve(array_fill(true, ARRAY[100000]), true)::text$$),
  ('unbounded NULL', $$SELECT retention_curve(p, NULL)::text FROM pers$$),
  ('unbounded NULL on a NULL array', $$SELECT retention_curve(NULL::boolean[], NULL)::text$$),
  ('unbounded varying within a group', $$SELECT retention_curve(p, g > 1)::text FROM (SELECT * FROM pers UNION ALL SELECT 2, '{t}') s$$),
  ('unbounded per group', $$SELECT string_agg(c::text, ' ' ORDER BY u) FROM (SELECT u, retention_curve(p, u) c FROM pers, (VALUES (false), (true)) v(u) GROUP BY u) s$$),
  ('window, running', $$SELECT string_agg(c::text, ' ') FROM (SELECT retention_curve(p) OVER (ORDER BY p::text) c FROM pers) s$$),
  ('transition function called directly', $$SELECT retention_curve_transfn('{0}', '{t,f}')::text$$),
  ('transition function, bogus state', $$SELECT retention_curve_transfn('{0,1}', '{t,f}')::text$$),
  ('transition function, 2-D state', $$SELECT retention_curve_transfn('{{0}}', '{t,f}')::text$$),
  ('transition function, state with NULL', $$SELECT retention_curve_transfn('{NULL}', '{t}')::text$$),
  ('transition function, unknown mode', $$SELECT retention_curve_transfn('{7,0,0}', '{t}')::text$$),
  ('final function, more retained than elapsed', $$SELECT retention_curve_finalfn('{1,2,1}')::text$$),
  ('final function, negative counts', $$SELECT retention_curve_finalfn('{1,-1,-2}')::text$$),
  ('final function, NaN counts', $$SELECT retention_curve_finalfn('{1,NaN,NaN}')::text$$),
  ('final function, valid state', $$SELECT retention_curve_finalfn('{1,1,2,0,0}')::text$$),
  ('combine function, modes differ', $$SELECT retention_curve_combinefn('{1,1,1}', '{2,1,1}')::text$$)
) c(label, q);

-- ---------------------------------------------------------------- hand-made states
-- A float8[] state may carry a null bitmap without holding a NULL (PL/pgSQL
-- keeps it after s[2] := NULL; s[2] := 0): it is a valid state.
CREATE FUNCTION pg_temp.bm(v float8[]) RETURNS float8[] LANGUAGE plpgsql
  AS $$ DECLARE s float8[] := v; BEGIN s[2] := NULL; s[2] := v[2]; RETURN s; END $$;
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('the helper keeps a null bitmap (an array with a NULL is longer)', $$SELECT pg_column_size(pg_temp.bm('{1,2,3}')) > pg_column_size('{1,2,3}'::float8[])$$),
  ('decay transition function', $$SELECT engagement_decay_transfn(pg_temp.bm('{0,0,0,0,0,0}'), '2025-12-31', '2026-01-01', '1 day')::text$$),
  ('decay transition function, 4 arguments', $$SELECT engagement_decay_transfn(pg_temp.bm('{0,0,0,0,0,0}'), '2025-12-31', '2026-01-01', '1 day', 2)::text$$),
  ('decay combine function', $$SELECT engagement_decay_combinefn(pg_temp.bm('{0,0,0,0,0,0}'), pg_temp.bm(engagement_decay_transfn('{0,0,0,0,0,0}', '2025-12-31', '2026-01-01', '1 day')))::text$$),
  ('decay final function', $$SELECT engagement_decay_finalfn(pg_temp.bm(engagement_decay_transfn('{0,0,0,0,0,0}', '2025-12-31', '2026-01-01', '1 day')))$$),
  ('decay, a state holding a NULL', $$SELECT engagement_decay_finalfn('{1,NULL,0,0,0,0}')$$),
  ('curve transition function', $$SELECT retention_curve_transfn(pg_temp.bm('{1,1,2}'), '{t,f}')::text$$),
  ('curve combine function', $$SELECT retention_curve_combinefn(pg_temp.bm('{1,1,2}'), pg_temp.bm('{1,0,1,1,1}'))::text$$),
  ('curve final function', $$SELECT retention_curve_finalfn(pg_temp.bm('{1,1,2,0,1}'))::text$$),
  ('curve, a state holding a NULL', $$SELECT retention_curve_finalfn('{1,NULL,2}')::text$$)
) c(label, q);

-- ---------------------------------------------------------------- rfm_segment
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('5, 5, 5', $$SELECT rfm_segment(5, 5, 5)$$),
  ('1, 1, 1', $$SELECT rfm_segment(1, 1, 1)$$),
  ('every valid triple has a segment', $$SELECT count(rfm_segment(r, f, m)) FROM generate_series(1, 5) r, generate_series(1, 5) f, generate_series(1, 5) m$$),
  ('NULL recency', $$SELECT rfm_segment(NULL, 3, 3)$$),
  ('NULL frequency', $$SELECT rfm_segment(3, NULL, 3)$$),
  ('NULL monetary', $$SELECT rfm_segment(3, 3, NULL)$$),
  ('NULL with an invalid score', $$SELECT rfm_segment(NULL, 0, 6)$$),
  ('recency 0', $$SELECT rfm_segment(0, 3, 3)$$),
  ('frequency 6', $$SELECT rfm_segment(3, 6, 3)$$),
  ('monetary 0', $$SELECT rfm_segment(3, 3, 0)$$),
  ('monetary -1', $$SELECT rfm_segment(3, 3, -1)$$),
  ('INT_MAX and INT_MIN', $$SELECT rfm_segment(2147483647, 3, -2147483648)$$),
  ('F + M overflow candidates', $$SELECT rfm_segment(3, 2147483647, 2147483647)$$),
  ('bigint argument', $$SELECT rfm_segment(3, 3, 3::bigint)$$),
  ('numeric 2.5 rounds to 3', $$SELECT rfm_segment(3, 3, 2.5)$$)
) c(label, q);

-- ---------------------------------------------------------------- parallel query
CREATE TABLE act_par AS
SELECT i, timestamptz '2025-01-01 00:00+00' + (i % 365) * interval '1 day' AS t, (i % 7)::float8 AS amount
FROM generate_series(1, 20000) i;
ANALYZE act_par;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
-- (the DETAIL is left out: which values meet first depends on the workers)
SELECT label || ': ' || split_part(pg_temp.try(q), ' | ', 1) FROM (VALUES
  ('summary, parallel = serial', $$SELECT a = b FROM (SELECT (SELECT (e.events, e.active_days, e.longest_streak, e.trend, e.amount_total, e.amount_30, round(e.decayed_activity::numeric, 9)) FROM (SELECT (engagement_summary(t, '2026-01-01', amount)).* FROM act_par) e) a, (SELECT (e.events, e.active_days, e.longest_streak, e.trend, e.amount_total, e.amount_30, round(e.decayed_activity::numeric, 9)) FROM (SELECT (engagement_summary(t, '2026-01-01', amount)).* FROM (SELECT * FROM act_par ORDER BY i OFFSET 0) o) e) b) s$$),
  ('summary, as_of varying across workers', $$SELECT engagement_summary(t, CASE WHEN i > 10000 THEN '2026-01-02' ELSE '2026-01-01'::timestamptz END)::text FROM act_par$$),
  ('summary, amounts overflowing only when combined', $$SELECT engagement_summary(t, '2026-01-01', CASE WHEN i IN (1, 20000) THEN 1e308 ELSE 0 END)::text FROM act_par$$),
  ('decay, half_life varying across workers', $$SELECT engagement_decay(t, '2026-01-01', CASE WHEN i > 10000 THEN interval '2 days' ELSE '1 day' END) FROM act_par$$),
  ('periods, n varying across workers', $$SELECT engagement_periods(t, '2025-01-01', '1 month', CASE WHEN i > 10000 THEN 3 ELSE 4 END, '2026-01-01')::text FROM act_par$$),
  ('curve, unbounded varying across workers', $$SELECT retention_curve(ARRAY[i % 2 = 0], i > 10000)::text FROM act_par$$)
) c(label, q);
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
DROP TABLE act_par;
