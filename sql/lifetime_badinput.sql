-- Bad-input matrix of the buyer models (issue 14, part 2): lifetime_summary,
-- bgnbd_fit, gammagamma_fit and every prediction fed NULLs, NaN, infinities,
-- negative, fractional and inconsistent histories, bad horizons, discount
-- rates and hand-made invalid models.  Each case prints its SQLSTATE,
-- message, detail and hint, or "ok: " and the result; never a crash, never a
-- NaN returned as a result.
\set SHOW_CONTEXT never
\pset tuples_only on
\pset format unaligned
SET TimeZone = 'UTC';
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

-- Fixed models (not fitted here, so outputs do not depend on the optimiser's last bits).
CREATE TEMP TABLE m AS SELECT
  '(0.2425929,4.4135316,0.7928861,2.4257534,-9582.43,0.0126,0.378,0.186,0.705,2357,0)'::bgnbd_model AS bg,
  '(6.2488025,3.7445885,15.447748,-4055.92,1.19,0.29,4.16,946,1411)'::gammagamma_model AS gg;

-- ---------------------------------------------------------------- lifetime_summary
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('no rows', $$SELECT lifetime_summary(ts, '2024-01-10', 1) FROM (SELECT '2024-01-01'::timestamptz ts WHERE false) v$$),
  ('only NULLs', $$SELECT lifetime_summary(ts, '2024-01-10', a) FROM (VALUES (NULL::timestamptz, 1::float8), ('2024-01-01', NULL)) v(ts, a)$$),
  ('NULL as_of', $$SELECT lifetime_summary('2024-01-01', NULL, 1)$$),
  ('only after as_of', $$SELECT lifetime_summary('2024-02-01', '2024-01-10', 1)$$),
  ('one purchase', $$SELECT lifetime_summary('2024-01-01 10:00', '2024-01-10', 5)$$),
  ('same-day purchases', $$SELECT lifetime_summary(ts, '2024-01-10', 2) FROM (VALUES ('2024-01-01 01:00'::timestamptz), ('2024-01-01 23:00')) v(ts)$$),
  ('negative amount (a refund)', $$SELECT lifetime_summary(ts, '2024-01-10', a) FROM (VALUES ('2024-01-01'::timestamptz, 5::float8), ('2024-01-03', -2)) v(ts, a)$$),
  ('NaN amount', $$SELECT lifetime_summary('2024-01-01', '2024-01-10', 'NaN')$$),
  ('infinite amount', $$SELECT lifetime_summary('2024-01-01', '2024-01-10', 'Infinity')$$),
  ('1e308 on the first day and 1e308 on a later one', $$SELECT lifetime_summary(ts, '2024-01-10', 1e308) FROM (VALUES ('2024-01-01'::timestamptz), ('2024-01-02')) v(ts)$$),
  ('overflowing amounts', $$SELECT lifetime_summary(ts, '2024-01-10', 1e308) FROM (VALUES ('2024-01-01'::timestamptz), ('2024-01-02'), ('2024-01-03')) v(ts)$$),
  ('infinite as_of', $$SELECT lifetime_summary('2024-01-01', 'infinity', 1)$$),
  ('-infinity occurred_at', $$SELECT lifetime_summary('-infinity', '2024-01-10', 1)$$),
  ('as_of differs', $$SELECT lifetime_summary('2024-01-01', a, 1) FROM (VALUES ('2024-01-10'::timestamptz), ('2024-01-11')) v(a)$$),
  ('unit zero', $$SELECT lifetime_summary('2024-01-01', '2024-01-10', 1, '0 days')$$),
  ('unit negative', $$SELECT lifetime_summary('2024-01-01', '2024-01-10', 1, '-7 days')$$),
  ('unit in months', $$SELECT lifetime_summary('2024-01-01', '2024-01-10', 1, '1 month')$$),
  ('unit NULL (days)', $$SELECT lifetime_summary('2024-01-01', '2024-01-10', 1, NULL)$$),
  ('unit 12 hours', $$SELECT lifetime_summary(ts, '2024-01-10', 1, '12 hours') FROM (VALUES ('2024-01-01'::timestamptz), ('2024-01-02')) v(ts)$$),
  ('unit differs', $$SELECT lifetime_summary('2024-01-01', '2024-01-10', 1, u) FROM (VALUES ('1 day'::interval), ('7 days')) v(u)$$),
  ('unit overflowing microseconds', $$SELECT lifetime_summary('2024-01-01', '2024-01-10', 1, '106751992 days')$$),
  ('unit overflowing, wrapping positive', $$SELECT lifetime_summary('2024-01-01', '2024-01-10', 1, '2147483647 days')$$)
) AS t(label, q);

-- ---------------------------------------------------------------- bgnbd_fit
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('no rows', $$SELECT bgnbd_fit(1, 1, 2) WHERE false$$),
  ('only NULL rows', $$SELECT bgnbd_fit(x, 1, 2) FROM (VALUES (NULL::float8), (NULL)) v(x)$$),
  ('negative frequency', $$SELECT bgnbd_fit(-1, 0, 2)$$),
  ('fractional frequency', $$SELECT bgnbd_fit(1.5, 1, 2)$$),
  ('recency > T', $$SELECT bgnbd_fit(1, 3, 2)$$),
  ('negative recency', $$SELECT bgnbd_fit(0, -1, 2)$$),
  ('frequency > 0, recency 0', $$SELECT bgnbd_fit(2, 0, 5)$$),
  ('frequency 0, recency > 0', $$SELECT bgnbd_fit(0, 1, 5)$$),
  ('NaN frequency', $$SELECT bgnbd_fit('NaN', 1, 5)$$),
  ('infinite T', $$SELECT bgnbd_fit(1, 1, 'Infinity')$$),
  ('every frequency 0', $$SELECT bgnbd_fit(0, 0, t) FROM generate_series(1, 50) t$$),
  ('one repeat buyer', $$SELECT (bgnbd_fit(1, 2, 5)).n$$),
  ('no dropout in the data', $$SELECT (bgnbd_fit(x, 10, 10)).n FROM generate_series(1, 30) x$$),
  ('1000 identical members', $$SELECT (bgnbd_fit(2, 10, 20)).n FROM generate_series(1, 1000)$$)
) AS t(label, q);

-- ---------------------------------------------------------------- gammagamma_fit
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('no rows', $$SELECT gammagamma_fit(1, 1) WHERE false$$),
  ('only frequency 0', $$SELECT gammagamma_fit(0, 0) FROM generate_series(1, 5)$$),
  ('zero spend', $$SELECT gammagamma_fit(2, 0)$$),
  ('negative spend', $$SELECT gammagamma_fit(2, -3)$$),
  ('NaN spend', $$SELECT gammagamma_fit(2, 'NaN')$$),
  ('infinite spend', $$SELECT gammagamma_fit(2, '-Infinity')$$),
  ('fractional frequency', $$SELECT gammagamma_fit(2.5, 3)$$),
  ('negative frequency', $$SELECT gammagamma_fit(-2, 3)$$),
  ('every spend the same', $$SELECT gammagamma_fit(x, 7) FROM generate_series(1, 20) x$$),
  ('NULL spend skipped and counted', $$SELECT ((g).n, (g).n_skipped) FROM (SELECT gammagamma_fit(1 + x % 4, CASE WHEN x = 1 THEN NULL ELSE 10 + (x * 37) % 23 END) g FROM generate_series(1, 40) x) q$$),
  ('no proper maximum', $$SELECT gammagamma_fit(x, x * 1.5 + x % 3) FROM generate_series(2, 20) x$$),
  ('no proper maximum, in cents', $$SELECT gammagamma_fit(x, (x * 1.5 + x % 3) * 100) FROM generate_series(2, 20) x$$),
  ('no proper maximum, spends as spread at frequency 30 as at 1', $$SELECT gammagamma_fit(CASE WHEN s % 2 = 0 THEN 1 ELSE 30 END, 10 + ((s / 2) * (s / 2)) % 17) FROM generate_series(1, 20) s$$),
  -- spends spanning the double range: scaled to 2^25 once, 1.7e308 became infinite ('did not converge');
  -- mpmath's faces 20.2030524638616, 19.5178218708467, the likelihood falling inwards from both
  ('no proper maximum, spends of 5e-324 and 1.7e308', $$SELECT gammagamma_fit(x, m) FROM (VALUES (1, 5e-324::float8), (2, 1.7e308)) v(x, m)$$),
  -- scipy's 38.919188909, 2.7119726748, 1.2821474437 (test/reference/gammagamma_reference.py);
  -- with gamma started at the mean spend, 5e9 here, the estimates "ran off"
  ('one mean spend of 1e12', $$SELECT (round((g).p::numeric, 4), round((g).q::numeric, 4), round((g).gamma::numeric, 4)) FROM (SELECT gammagamma_fit(1 + s % 7, CASE WHEN s = 1 THEN 1e12 ELSE (10 + (s * 37) % 23)::float8 + ((s * 13) % 9 - 4) * 2.0::float8 / (1 + s % 7) END) g FROM generate_series(1, 200) s) q$$),
  -- scipy's 0.0271443783, 9.2267085511, 16316.370056, above the higher limit (A) by 0.029: the
  -- likelihood rises going inwards from it; the search headed for limit B and stopped there
  ('a maximum above the limit the search did not head for', $$SELECT (round((g).p::numeric, 6), round((g).q::numeric, 4), round((g).gamma::numeric, 1)) FROM (SELECT gammagamma_fit(x, m) g FROM (VALUES (66, 94.38), (28, 11.02), (64, 92.68), (26, 65.01), (2, 9.54), (70, 147.09), (41, 63.43), (72, 11.81), (89, 17.07), (65, 3.58), (67, 56.88), (22, 115.83), (87, 42.64), (97, 24.72)) v(x, m)) q$$)
) AS t(label, q);

-- ---------------------------------------------------------------- predictions
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('p_alive NULL', $$SELECT bgnbd_p_alive(bg, NULL, 1, 2) FROM m$$),
  ('p_alive recency > T', $$SELECT bgnbd_p_alive(bg, 1, 3, 2) FROM m$$),
  ('p_alive fractional frequency', $$SELECT bgnbd_p_alive(bg, 0.5, 1, 2) FROM m$$),
  ('p_alive NaN', $$SELECT bgnbd_p_alive(bg, 1, 'NaN', 2) FROM m$$),
  ('p_alive frequency 0', $$SELECT bgnbd_p_alive(bg, 0, 0, 2) FROM m$$),
  ('p_alive huge frequency', $$SELECT bgnbd_p_alive(bg, 1e6, 1, 1000) FROM m$$),
  ('expected horizon 0', $$SELECT bgnbd_expected_purchases(bg, 0, 1, 1, 2) FROM m$$),
  ('expected horizon negative', $$SELECT bgnbd_expected_purchases(bg, -1) FROM m$$),
  ('expected horizon NaN', $$SELECT bgnbd_expected_purchases(bg, 'NaN') FROM m$$),
  ('expected horizon infinite', $$SELECT bgnbd_expected_purchases(bg, 'Infinity', 1, 1, 2) FROM m$$),
  ('expected huge horizon', $$SELECT round(bgnbd_expected_purchases(bg, 1e9)::numeric, 3) FROM m$$),
  ('expected large frequency', $$SELECT round(bgnbd_expected_purchases(bg, 52, 500, 38, 39)::numeric, 3) FROM m$$),
  ('expected bad history', $$SELECT bgnbd_expected_purchases(bg, 52, 2, 0, 39) FROM m$$),
  ('model with a negative r', $$SELECT bgnbd_p_alive('(-1,1,1,1,0,,,,,1,0)', 1, 1, 2)$$),
  ('model with a NULL alpha', $$SELECT bgnbd_expected_purchases('(1,,1,1,0,,,,,1,0)', 5)$$),
  ('model with an infinite b', $$SELECT bgnbd_p_alive('(1,1,1,Infinity,0,,,,,1,0)', 1, 1, 2)$$),
  ('model with a = 1', $$SELECT round(bgnbd_expected_purchases('(0.5,4,1,2,0,,,,,1,0)', 10)::numeric, 6)$$),
  ('spend frequency 0', $$SELECT round(gammagamma_expected_spend(gg, 0, 0)::numeric, 6) FROM m$$),
  ('spend zero mean with purchases', $$SELECT gammagamma_expected_spend(gg, 2, 0) FROM m$$),
  ('spend NaN mean', $$SELECT gammagamma_expected_spend(gg, 2, 'NaN') FROM m$$),
  ('spend negative frequency', $$SELECT gammagamma_expected_spend(gg, -1, 5) FROM m$$),
  ('spend q <= 1, frequency 0', $$SELECT gammagamma_expected_spend('(2,0.5,10,0,,,,1,0)', 0, 0)$$),
  ('spend model with p = 0', $$SELECT gammagamma_expected_spend('(0,3,10,0,,,,1,0)', 1, 5)$$),
  ('clv periods 0', $$SELECT lifetime_value(bg, gg, 2, 30, 38, 22, 0) FROM m$$),
  ('clv periods too many', $$SELECT lifetime_value(bg, gg, 2, 30, 38, 22, 1000000) FROM m$$),
  ('clv negative discount', $$SELECT lifetime_value(bg, gg, 2, 30, 38, 22, 12, -0.01) FROM m$$),
  ('clv NaN discount', $$SELECT lifetime_value(bg, gg, 2, 30, 38, 22, 12, 'NaN') FROM m$$),
  ('clv period_length 0', $$SELECT lifetime_value(bg, gg, 2, 30, 38, 22, 12, 0.01, 0) FROM m$$),
  ('clv period_length infinite', $$SELECT lifetime_value(bg, gg, 2, 30, 38, 22, 12, 0.01, 'Infinity') FROM m$$),
  ('clv last horizon beyond float8 (was 22003, the value out of range)', $$SELECT lifetime_value(bg, gg, 2, 30, 38, 22, 2, 0.01, 1e308) FROM m$$),
  ('clv one period of 1.7e308', $$SELECT lifetime_value(bg, gg, 2, 30, 38, 22, 1, 0.01, 1.7e308) > 0 FROM m$$),
  ('clv bad history', $$SELECT lifetime_value(bg, gg, 2, 40, 38, 22) FROM m$$),
  ('clv zero spend', $$SELECT lifetime_value(bg, gg, 2, 30, 38, 0) FROM m$$),
  ('clv defaults', $$SELECT round(lifetime_value(bg, gg, 2, 30, 38, 22)::numeric, 6) FROM m$$),
  ('clv NULL', $$SELECT lifetime_value(bg, NULL, 2, 30, 38, 22) FROM m$$),
  ('spend frequency 0 ignores a NaN mean', $$SELECT round(gammagamma_expected_spend(gg, 0, 'NaN')::numeric, 6) FROM m$$),
  ('spend overflow is no q <= 1', $$SELECT gammagamma_expected_spend('(1e10,3,1e308,0,,,,1,0)', 1, 1.7e308)$$),
  ('spend of 1e308 where x m overflows', $$SELECT gammagamma_expected_spend(gg, 1e308, 1e308) FROM m$$),
  ('spend where p x overflows', $$SELECT gammagamma_expected_spend('(1e300,3,10,0,,,,1,0)', 1e10, 5)$$),
  ('spend where p (gamma + x m) underflows to 0', $$SELECT to_char(gammagamma_expected_spend('(2.2250738585072014e-308,1,2.2250738585072014e-308,0,,,,1,0)', 15886503552761, 4.04616008179716e-309), '9.999999999EEEE')$$),
  ('spend where p x + q - 1 overflows', $$SELECT to_char(gammagamma_expected_spend('(9.558913075277556e+305,1.7976931348623157e+308,0.7623070879924527,0,,,,1,0)', 84, 2), '9.999999999EEEE')$$),
  ('spend where p x + q - 1 cancels', $$SELECT to_char(gammagamma_expected_spend('(1.179737298385761e-06,0.17235175910557426,1.720650588812766e-05,0,,,,1,0)', 701553, 0.00018566789365465766), '9.999999999EEEE')$$),
  ('spend where p x + q - 1 = 7.6e-57 is 0 in float8', $$SELECT to_char(gammagamma_expected_spend('(0.5,7.576983586971271e-57,1,0,,,,1,0)', 2, 1), '9.999999999EEEE')$$),
  ('spend where p x + q - 1 = 2.9e-322 overflows the answer', $$SELECT to_char(gammagamma_expected_spend('(0.5,2.9e-322,1,0,,,,1,0)', 2, 1), '9.999999999EEEE')$$),
  ('clv where the spend is beyond float8 and the value is not', $$SELECT to_char(lifetime_value(bg, '(1e10,3,1e308,0,,,,1,0)', 1, 30, 38, 1.7e308, 1, 10, 30), '9.999999999EEEE') FROM m$$),
  ('clv where the spend and the value are beyond float8', $$SELECT to_char(lifetime_value(bg, '(1e10,3,1e308,0,,,,1,0)', 1, 30, 38, 1.7e308), '9.999999999EEEE') FROM m$$),
  ('clv where a term overflows before its discount', $$SELECT to_char(lifetime_value(bg, '(1,2,1,0,,,,1,0)', 1, 30, 38, 1.7e308, 1, 10, 3000), '9.999999999EEEE') FROM m$$),
  ('clv where a term from the spend''s fraction underflows', $$SELECT to_char(lifetime_value(bg, gg, 1, 30, 38, 1e100, 1, 1e300, 1e-50), '9.999999999EEEE') FROM m$$),
  ('clv past float8 where a term from the spend''s fraction is subnormal', $$SELECT to_char(lifetime_value(bg, '(1e10,3,1e308,0,,,,1,0)', 1, 30, 38, 1.7e308, 1, 1e300, 1e-10), '9.999999999999EEEE') FROM m$$),
  ('clv frequency 0 ignores a NaN mean', $$SELECT round(lifetime_value(bg, gg, 0, 0, 38, 'NaN')::numeric, 6) FROM m$$),
  ('expected purchases rounding to 0 are not -0', $$SELECT bgnbd_expected_purchases('(0.24,4.4,0.79,2.4,0,,,,,1,0)', 10, 1e15, 1, 1e300)::text$$),
  -- extreme but valid inputs (mpmath: test/reference/bgnbd_extremes_reference.py)
  ('expected purchases, r = 1e5, a = 1.001, horizon 1e250 (was 22003)', $$SELECT to_char(bgnbd_expected_purchases('(1e5,1e5,1.001,2,0,,,,,1,0)', 1e250), '9.999999999EEEE')$$),
  ('expected purchases, r = 1e6, a = 1, horizon 1e200 (was 22003)', $$SELECT to_char(bgnbd_expected_purchases('(1e6,10,1,100,0,,,,,1,0)', 1e200, 3, 10, 10), '9.999999999EEEE')$$),
  ('expected purchases, r = 1e-6, a = 1, horizon 1e300: r ln(1 + t / alpha) (was 22003)', $$SELECT to_char(bgnbd_expected_purchases('(1e-6,1,1,1e-6,0,,,,,1,0)', 1e300), '9.999999999EEEE')$$),
  ('expected purchases, r = 3.0296e-8, a = 1, horizon 2.3e262 (was 22003)', $$SELECT to_char(bgnbd_expected_purchases('(3.0296e-8,759.9,1,2.28,0,,,,,1,0)', 2.3e262, 0, 0, 18734.9), '9.999999999EEEE')$$),
  ('expected purchases, horizon 1e342 times alpha + T (was 1.235)', $$SELECT to_char(bgnbd_expected_purchases('(0.2,1e-310,1.0002,4e-5,0,,,,,1,0)', 1e32), '9.999999999EEEE')$$),
  ('p_alive of 1e-314, not 0', $$SELECT to_char(bgnbd_p_alive('(98,1,0.1,1,0,,,,,1,0)', 2, 1, 2843), '9.999999999EEEE')$$),
  ('expected purchases of 6e-298 where P(alive) is 1e-314 (was 0)', $$SELECT to_char(bgnbd_expected_purchases('(98,1,0.1,1,0,,,,,1,0)', 1e20, 2, 1, 2843), '9.999999999EEEE')$$),
  ('expected purchases of 7e279, E[Y] / P(alive) beyond float8 (was 22003)', $$SELECT to_char(bgnbd_expected_purchases('(1368.7998561584254,1e-316,9.363131061498751e-06,0.0009394007803506782,0,,,,,1,0)', 4.967229779790862e+214, 3, 5.303777458644512e-291, 7.847337700344035e-291), '9.999999999EEEE')$$),
  ('expected purchases beyond float8', $$SELECT bgnbd_expected_purchases('(15.284997179732258,1e-316,0.0003113750685248073,5.3812800722449885e-05,0,,,,,1,0)', 42421.653725433214)$$),
  ('clv beyond float8 by its period length alone: the detail names it', $$SELECT lifetime_value('(15.284997179732258,1e-316,0.0003113750685248073,5.3812800722449885e-05,0,,,,,1,0)', '(1,2,1,0,,,,1,0)', 0, 0, 0, 10, 1, 0, 42421.653725433214)$$),
  ('expected purchases and p_alive at subnormal times', $$SELECT (bgnbd_expected_purchases(bg, 1e-320), bgnbd_expected_purchases(bg, 1e-320, 2, 1e-318, 1e-317), bgnbd_p_alive(bg, 2, 1e-318, 1e-317))::text FROM m$$)
) AS t(label, q);
