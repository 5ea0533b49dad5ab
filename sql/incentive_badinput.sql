-- Bad-input matrix of the incentive pillar (issue 7): the incentive_condition
-- text input fed empty, blank, oversized, too deeply nested, unterminated and
-- odd text and odd numbers; incentive_matches over records with unsupported
-- column types, NULL rows, jsonb that is not an object, nested or huge
-- values, and evaluation errors; incentive_features; incentive_validate.
-- Each case prints its SQLSTATE, message, detail and hint, or "ok: " and the
-- result; the server must never crash.  Binary receive is covered by the
-- fuzz harness of the condition codec.
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

-- ---------------------------------------------------------------- text input
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('empty string', $$SELECT ''::incentive_condition::text$$),
  ('only spaces', $$SELECT '   '::incentive_condition::text$$),
  ('only a tab and newlines', $$SELECT E'\t\n\r\n'::incentive_condition::text$$),
  ('no comments: "--" is two minus signs', $$SELECT '-- x > 1'::incentive_condition::text$$),
  ('NULL input', $$SELECT NULL::incentive_condition::text$$),
  ('65536 bytes of spaces around a condition', $$SELECT length((repeat(' ', 65531) || 'x > 1')::incentive_condition::text)$$),
  ('65537 bytes (text has no limit of its own)', $$SELECT (repeat(' ', 65532) || 'x > 1')::incentive_condition::text$$),
  ('16 MB of spaces', $$SELECT (repeat(' ', 16000000) || 'x > 1')::incentive_condition::text$$),
  ('1 MB of text', $$SELECT (repeat('x > 1 AND ', 100000) || 'true')::incentive_condition::text$$),
  ('64 kB string literal', $$SELECT length(('s = ''' || repeat('a', 65000) || '''')::incentive_condition::text)$$),
  ('100 nested parentheses', $$SELECT (repeat('(', 99) || 'x > 1' || repeat(')', 99))::incentive_condition::text$$),
  ('201 redundant parentheses (they add no nesting)', $$SELECT (repeat('(', 201) || 'x > 1' || repeat(')', 201))::incentive_condition::text$$),
  ('300 redundant parentheses: the parser still stops', $$SELECT (repeat('(', 300) || 'x > 1' || repeat(')', 300))::incentive_condition::text$$),
  ('300 unary plus signs (dropped at input: no nesting)', $$SELECT (repeat('+', 300) || 'x > +' || repeat('+', 300) || '1')::incentive_condition::text$$),
  ('99 nested NOTs', $$SELECT length((repeat('NOT ', 99) || 'x')::incentive_condition::text)$$),
  ('100 nested NOTs', $$SELECT (repeat('NOT ', 100) || 'x')::incentive_condition::text$$),
  ('10000 nested parentheses', $$SELECT (repeat('(', 10000) || 'x' || repeat(')', 10000))::incentive_condition::text$$),
  ('unbalanced parentheses', $$SELECT (repeat('(', 50) || 'x')::incentive_condition::text$$),
  ('200 NOTs', $$SELECT (repeat('NOT ', 200) || 'x')::incentive_condition::text$$),
  ('nested function calls', $$SELECT (repeat('abs(', 150) || 'x' || repeat(')', 150) || ' > 0')::incentive_condition::text$$),
  ('5000 ANDs in a chain (flat, not nested)', $$SELECT length((repeat('x > 1 AND ', 5000) || 'true')::incentive_condition::text)$$),
  ('1025 distinct features', $$SELECT (SELECT string_agg('f' || k || ' > 0', ' OR ') FROM generate_series(1, 1025) k)::incentive_condition::text$$),
  ('1024 distinct features', $$SELECT cardinality(incentive_features((SELECT string_agg('f' || k || ' > 0', ' OR ') FROM generate_series(1, 1024) k)::incentive_condition))$$),
  ('IN list of 65536 items', $$SELECT ('x IN (' || (SELECT string_agg('1', ',') FROM generate_series(1, 65536)) || ')')::incentive_condition::text$$),
  ('OR chain of 65536 operands', $$SELECT (SELECT string_agg('x > ' || k, ' OR ') FROM generate_series(1, 65536) k)::incentive_condition::text$$),
  ('two parenthesised OR chains of 40000 operands: read, printed with the parentheses, read back', $$SELECT c::text::incentive_condition = c AND c::text LIKE '(x > 1 OR %) OR (x > 1 OR %)' FROM (SELECT (s || ' OR ' || s)::incentive_condition AS c FROM (SELECT '(' || string_agg('x > ' || k, ' OR ') || ')' AS s FROM generate_series(1, 40000) k) h) z$$),
  ('+ chain of 100000 operands', $$SELECT length(((SELECT string_agg('x', ' + ') FROM generate_series(1, 100000)) || ' > 1')::incentive_condition::text)$$),
  ('unterminated string', $$SELECT 'x = ''abc'::incentive_condition::text$$),
  ('unterminated string after a doubled quote', $$SELECT 'x = ''it''''s'::incentive_condition::text$$),
  ('unterminated quoted identifier', $$SELECT '"abc > 1'::incentive_condition::text$$),
  ('empty quoted identifier', $$SELECT '"" > 1'::incentive_condition::text$$),
  ('quoted identifier of 255 bytes', $$SELECT length(('"' || repeat('a', 255) || '" > 1')::incentive_condition::text)$$),
  ('quoted identifier of 256 bytes', $$SELECT ('"' || repeat('a', 256) || '" > 1')::incentive_condition::text$$),
  ('identifier of 256 bytes', $$SELECT (repeat('a', 256) || ' > 1')::incentive_condition::text$$),
  ('multibyte identifier of 86 characters (258 bytes)', $$SELECT (repeat('日', 86) || ' > 1')::incentive_condition::text$$),
  ('non-ASCII identifier and literal', $$SELECT 'größe > 1 AND name = ''Zoë ☃'''::incentive_condition::text$$),
  ('position counted in characters', $$SELECT '日本語 > 1 @'::incentive_condition::text$$),
  ('control character', $$SELECT E'x > 1 \x01'::incentive_condition::text$$),
  ('DEL character', $$SELECT E'x > 1 \x7f'::incentive_condition::text$$),
  ('control character inside a string is kept (shown here as <01>)', $$SELECT replace((E'x = ''a\x01b''')::incentive_condition::text, chr(1), '<01>')$$),
  ('backslash', $$SELECT 'x = 1 \ 2'::incentive_condition::text$$),
  ('semicolon and a second statement', $$SELECT 'x > 1; DROP TABLE t'::incentive_condition::text$$),
  ('SQL injection in a string stays a string', $$SELECT 'x = ''''''; DROP TABLE t; --'''::incentive_condition::text$$),
  ('a subquery', $$SELECT 'x IN (SELECT 1)'::incentive_condition::text$$),
  ('a cast', $$SELECT 'x::int > 1'::incentive_condition::text$$),
  ('dollar quoting', $$SELECT 'x = $a$b$a$'::incentive_condition::text$$),
  ('a column reference with a dot', $$SELECT 't.x > 1'::incentive_condition::text$$),
  ('a parameter', $$SELECT '$1 > 1'::incentive_condition::text$$),
  ('a SQL function outside the language', $$SELECT 'pg_sleep(10) IS NULL'::incentive_condition::text$$),
  ('number 1e400', $$SELECT 'x > 1e400'::incentive_condition::text$$),
  ('number -1e400', $$SELECT 'x > -1e400'::incentive_condition::text$$),
  ('number 1e-400', $$SELECT 'x > 1e-400'::incentive_condition::text$$),
  ('number 1e308', $$SELECT 'x > 1e308'::incentive_condition::text$$),
  ('number 4.9e-324', $$SELECT 'x > 4.9e-324'::incentive_condition::text$$),
  ('number .5e', $$SELECT 'x > .5e'::incentive_condition::text$$),
  ('number 1e+', $$SELECT 'x > 1e+'::incentive_condition::text$$),
  ('number 0x10', $$SELECT 'x > 0x10'::incentive_condition::text$$),
  ('number 1.2.3', $$SELECT 'x > 1.2.3'::incentive_condition::text$$),
  ('number 1_000', $$SELECT 'x > 1_000'::incentive_condition::text$$),
  ('number with 1000 digits', $$SELECT ('x > ' || repeat('9', 1000))::incentive_condition::text$$),
  ('number with 400 zeros after the point', $$SELECT ('x > 0.' || repeat('0', 400) || '1')::incentive_condition::text$$),
  -- a long numeral in range reads as float8 reads it (was: 22003 "numeric literal is too long")
  ('number 1 with 600 zeros after the point', $$SELECT ('x > 1.' || repeat('0', 600))::incentive_condition::text$$),
  ('a third to 2000 digits', $$SELECT ('x > 0.' || repeat('3', 2000))::incentive_condition::text$$),
  ('1e-10 with 600 leading zeros', $$SELECT ('x > ' || repeat('0', 600) || '1e-10')::incentive_condition::text$$),
  ('the same numeral as JsonLogic', $$SELECT (('coalesce(x, 0) > 0.' || repeat('3', 2000))::incentive_condition = ('{">": [{"var": ["x", 0]}, 0.' || repeat('3', 2000) || ']}')::jsonb::incentive_condition)::text$$),
  ('NaN as a word is a feature', $$SELECT incentive_features('x > NaN')::text$$),
  ('Infinity as a word is a feature', $$SELECT incentive_features('x < Infinity')::text$$),
  ('''NaN'' is text', $$SELECT 'x > ''NaN'''::incentive_condition::text$$),
  ('round digits 1e10', $$SELECT 'round(x, 1e10) > 0'::incentive_condition::text$$),
  ('round digits 0.5', $$SELECT 'round(x, 0.5) > 0'::incentive_condition::text$$),
  ('round digits 1e10, evaluated', $$SELECT incentive_matches('round(x, n) > 0', '{"x": 1, "n": 1e10}'::jsonb)$$),
  ('round digits 0.5, evaluated (0.5 reads as 0.5::int, 0)', $$SELECT incentive_matches('round(x, n) > 0', '{"x": 1, "n": 0.5}'::jsonb)$$),
  ('round digits -400, evaluated', $$SELECT incentive_matches('round(x, -400) = 0', '{"x": 1}'::jsonb)$$),
  ('not boolean', $$SELECT 'x + 1'::incentive_condition::text$$),
  ('every prefix of a condition: parsed or a clean error', $$SELECT count(*) FROM generate_series(0, 60) n, LATERAL (SELECT pg_temp.try(format('SELECT %L::incentive_condition::text', left('a > 1 AND (b IN (1, 2) OR "c d" = ''x'') AND abs(e) <= 2', n))) r) s WHERE r LIKE 'ok: %' OR r ~ '^(42601|42804|42883) '$$)
) c(label, q);

-- Canonical text longer than 64 kB reads back, as pg_dump needs it to: an IN
-- list (64,006 bytes typed, 96,005 printed), a JsonLogic string of 70,000
-- bytes, a JsonLogic "in" of 20,000 numbers.
SELECT label, length(c::text) AS text_bytes, c::text::incentive_condition = c AS reads_back FROM (VALUES
  ('IN list', ('x IN (' || (SELECT string_agg((g % 10)::text, ',') FROM generate_series(1, 32000) g) || ')')::incentive_condition),
  ('JsonLogic string', jsonb_build_object('==', jsonb_build_array(jsonb_build_object('var', 's'), repeat('x', 70000)))::incentive_condition),
  ('JsonLogic in', jsonb_build_object('in', jsonb_build_array(jsonb_build_object('var', 'x'), (SELECT jsonb_agg(g) FROM generate_series(1, 20000) g)))::incentive_condition)
) t(label, c) ORDER BY label;

-- ---------------------------------------------------------------- incentive_features
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('no features', $$SELECT incentive_features('true')::text$$),
  ('NULL', $$SELECT incentive_features(NULL) IS NULL$$),
  ('distinct, in order', $$SELECT incentive_features('b > 1 AND a < 2 OR b = 3 AND "B" = 1')::text$$),
  ('quoted names with odd characters', $$SELECT incentive_features('"a b" > 1 AND "x""y" = 1 AND "日本" = 1')::text$$),
  ('255-byte name', $$SELECT length((incentive_features(('"' || repeat('n', 255) || '" > 1')::incentive_condition))[1])$$)
) c(label, q);

-- ---------------------------------------------------------------- incentive_matches on records
CREATE TYPE pg_temp.odd AS (x int, a int[], j jsonb, d date, ts timestamptz, i interval, b bytea, n name, c char(3), u uuid);
CREATE TEMP TABLE odd_rows OF pg_temp.odd;
INSERT INTO odd_rows VALUES (1, '{1,2}', '{"k": 1}', '2026-01-01', '2026-01-01', '1 day', '\x00', 'nm', 'ab', '00000000-0000-0000-0000-000000000000');
CREATE DOMAIN pg_temp.posint AS int CHECK (VALUE > 0);
CREATE DOMAIN pg_temp.arrdom AS int[];
CREATE TEMP TABLE dom_rows(x pg_temp.posint, y pg_temp.arrdom);
INSERT INTO dom_rows VALUES (5, '{1}');
CREATE TEMP TABLE num_rows(x numeric, y float4, z bigint, s smallint, f float8);
INSERT INTO num_rows VALUES ('1e400', 'NaN', 9223372036854775807, -32768, '-Infinity'), ('NaN', 'Infinity', 1, 1, 1e308);
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('int column', $$SELECT incentive_matches('x = 1', r) FROM odd_rows r$$),
  ('NULL row', $$SELECT incentive_matches('x = 1', NULL::pg_temp.odd)$$),
  ('NULL condition', $$SELECT incentive_matches(NULL, r) FROM odd_rows r$$),
  ('row of NULLs', $$SELECT incentive_matches('x IS NULL', ROW(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::pg_temp.odd)$$),
  ('array column', $$SELECT incentive_matches('a = 1', r) FROM odd_rows r$$),
  ('jsonb column', $$SELECT incentive_matches('j IS NULL', r) FROM odd_rows r$$),
  ('date column', $$SELECT incentive_matches('d > 0', r) FROM odd_rows r$$),
  ('timestamptz column', $$SELECT incentive_matches('ts > 0', r) FROM odd_rows r$$),
  ('interval column', $$SELECT incentive_matches('i > 0', r) FROM odd_rows r$$),
  ('bytea column', $$SELECT incentive_matches('b = ''x''', r) FROM odd_rows r$$),
  ('uuid column', $$SELECT incentive_matches('u IS NULL', r) FROM odd_rows r$$),
  ('name column', $$SELECT incentive_matches('n = ''nm''', r) FROM odd_rows r$$),
  ('char(3) column ignores trailing blanks', $$SELECT incentive_matches('c = ''ab''', r) FROM odd_rows r$$),
  ('unsupported columns not read are fine', $$SELECT incentive_matches('x = 1 AND c = ''ab''', r) FROM odd_rows r$$),
  ('unknown feature', $$SELECT incentive_matches('nope = 1', r) FROM odd_rows r$$),
  ('feature named like a column in another case', $$SELECT incentive_matches('"X" = 1', r) FROM odd_rows r$$),
  ('wrong type: number compared with text', $$SELECT incentive_matches('x = ''1''', r) FROM odd_rows r$$),
  ('wrong type: text in arithmetic', $$SELECT incentive_matches('n + 1 > 0', r) FROM odd_rows r$$),
  ('anonymous record', $$SELECT incentive_matches('f1 = 1 AND f2 = ''a''', ROW(1, 'a'::text))$$),
  ('anonymous record with an unknown-typed literal', $$SELECT incentive_matches('f2 = ''a''', ROW(1, 'a'))$$),
  ('domain over int', $$SELECT incentive_matches('x = 5', r) FROM dom_rows r$$),
  ('domain over an array', $$SELECT incentive_matches('y IS NULL', r) FROM dom_rows r$$),
  ('numeric 1e400 as a double', $$SELECT incentive_matches('x > 1e308', r) FROM num_rows r WHERE s = -32768$$),
  ('numeric 1e400 is Infinity', $$SELECT incentive_matches('x - x = 0', r) FROM num_rows r WHERE s = -32768$$),
  ('numeric NaN equals NaN', $$SELECT incentive_matches('x = x', r) FROM num_rows r WHERE s = 1$$),
  ('real NaN sorts above every number', $$SELECT incentive_matches('y > 1e308', r) FROM num_rows r WHERE s = -32768$$),
  ('bigint 2^63-1 as a double', $$SELECT incentive_matches('z = 9223372036854775807', r) FROM num_rows r WHERE s = -32768$$),
  ('-Infinity', $$SELECT incentive_matches('f < -1e308', r) FROM num_rows r WHERE s = -32768$$),
  ('1e308 * 10 overflows', $$SELECT incentive_matches('f * 10 > 0', r) FROM num_rows r WHERE s = 1$$),
  ('1e308 + 1e308 overflows', $$SELECT incentive_matches('f + f > 0', r) FROM num_rows r WHERE s = 1$$),
  ('1e-308 / 1e308 underflows', $$SELECT incentive_matches('1e-308 / f > 0', r) FROM num_rows r WHERE s = 1$$),
  ('Infinity arithmetic is not an overflow', $$SELECT incentive_matches('y + 1 > 0', r) FROM num_rows r WHERE s = 1$$),
  ('-Infinity - -Infinity is NaN', $$SELECT incentive_matches('f - f = f - f', r) FROM num_rows r WHERE s = -32768$$),
  ('division by zero', $$SELECT incentive_matches('1 / (x - 1) > 0', r) FROM odd_rows r$$),
  ('NaN / 0 is NaN, as float8 division', $$SELECT concat_ws(' ', incentive_matches('y / (s - s) = y', r), incentive_matches('y / 0 = y', r), (y::float8 / 0) = y) FROM num_rows r WHERE s = -32768$$),
  ('modulo by zero', $$SELECT incentive_matches('1 % (x - 1) > 0', r) FROM odd_rows r$$),
  ('division by zero guarded', $$SELECT incentive_matches('x <> 1 AND 1 / (x - 1) > 0', r) FROM odd_rows r$$),
  ('division by zero on the other side of the guard', $$SELECT incentive_matches('1 / (x - 1) > 0 AND x <> 1', r) FROM odd_rows r$$),
  ('ln(0)', $$SELECT incentive_matches('ln(x - 1) > 0', r) FROM odd_rows r$$),
  ('ln(-1)', $$SELECT incentive_matches('ln(x - 2) > 0', r) FROM odd_rows r$$),
  ('sqrt(-1)', $$SELECT incentive_matches('sqrt(x - 2) > 0', r) FROM odd_rows r$$),
  ('exp(1000)', $$SELECT incentive_matches('exp(x * 1000) > 0', r) FROM odd_rows r$$),
  ('exp(-1000)', $$SELECT incentive_matches('exp(x * -1000) >= 0', r) FROM odd_rows r$$),
  ('ln(Infinity)', $$SELECT incentive_matches('ln(y) > 0', r) FROM num_rows r WHERE s = 1$$),
  ('sqrt(NaN)', $$SELECT incentive_matches('sqrt(y) = sqrt(y)', r) FROM num_rows r WHERE s = -32768$$),
  ('round(-Infinity, 400)', $$SELECT incentive_matches('round(f, 400) < 0', r) FROM num_rows r WHERE s = -32768$$),
  ('round(1e308, -400)', $$SELECT incentive_matches('round(f, -400) = 0', r) FROM num_rows r WHERE s = 1$$),
  ('round(NaN)', $$SELECT incentive_matches('round(y) = round(y)', r) FROM num_rows r WHERE s = -32768$$),
  ('round(1, NaN)', $$SELECT incentive_matches('round(1, y) = 1', r) FROM num_rows r WHERE s = -32768$$),
  ('round(Infinity, 2)', $$SELECT incentive_matches('round(y, 2) > 0', r) FROM num_rows r WHERE s = 1$$),
  ('floor(-Infinity)', $$SELECT incentive_matches('floor(f) < 0', r) FROM num_rows r WHERE s = -32768$$),
  ('NULL arithmetic is NULL, no error', $$SELECT incentive_matches('1 / (x - x) > 0', ROW(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::pg_temp.odd)$$),
  ('100000 rows x 8 rules', $$SELECT count(*) FROM generate_series(1, 100000) k, (VALUES ('k % 2 = 0'::incentive_condition), ('k > 50000'), ('k IN (1, 2, 3)'), ('k BETWEEN 10 AND 20'), ('sqrt(k) > 100'), ('ln(k) < 2'), ('k / 3 > 1000'), ('abs(k - 50000) < 10')) r(c), LATERAL (SELECT k) t WHERE incentive_matches(c, t)$$)
) c(label, q);

-- ---------------------------------------------------------------- incentive_matches on jsonb
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('object', $$SELECT incentive_matches('x = 1 AND s = ''a'' AND b', '{"x": 1, "s": "a", "b": true}'::jsonb)$$),
  ('NULL jsonb', $$SELECT incentive_matches('x = 1', NULL::jsonb)$$),
  ('JSON null', $$SELECT incentive_matches('x IS NULL', 'null'::jsonb)$$),
  ('JSON array', $$SELECT incentive_matches('x = 1', '[1, 2]'::jsonb)$$),
  ('empty JSON array', $$SELECT incentive_matches('x = 1', '[]'::jsonb)$$),
  ('JSON number', $$SELECT incentive_matches('x = 1', '1'::jsonb)$$),
  ('JSON string', $$SELECT incentive_matches('x = 1', '"x"'::jsonb)$$),
  ('JSON boolean, condition without features', $$SELECT incentive_matches('true', 'true'::jsonb)$$),
  ('empty object: every feature NULL', $$SELECT incentive_matches('x IS NULL AND y IS NULL', '{}'::jsonb)$$),
  ('key with null', $$SELECT incentive_matches('x IS NULL', '{"x": null}'::jsonb)$$),
  ('nested object', $$SELECT incentive_matches('x = 1', '{"x": {"y": 1}}'::jsonb)$$),
  ('nested object under another key is fine', $$SELECT incentive_matches('x = 1', '{"x": 1, "y": {"z": [1]}}'::jsonb)$$),
  ('array value', $$SELECT incentive_matches('x = 1', '{"x": [1]}'::jsonb)$$),
  ('deeply nested value', $$SELECT incentive_matches('x = 1', ('{"x": ' || repeat('[', 5000) || repeat(']', 5000) || '}')::jsonb)$$),
  ('number where text is compared', $$SELECT incentive_matches('x = ''1''', '{"x": 1}'::jsonb)$$),
  ('text where a number is compared', $$SELECT incentive_matches('x = 1', '{"x": "1"}'::jsonb)$$),
  ('boolean in arithmetic', $$SELECT incentive_matches('x + 1 > 0', '{"x": true}'::jsonb)$$),
  ('a type conflict is raised even where the other operand decides', $$SELECT incentive_matches('y = 2 AND x = 1', '{"x": "1", "y": 3}'::jsonb)$$),
  ('text under unary minus', $$SELECT incentive_matches('-x > 0', '{"x": "1"}'::jsonb)$$),
  ('number under NOT', $$SELECT incentive_matches('NOT x', '{"x": 1}'::jsonb)$$),
  ('text in abs', $$SELECT incentive_matches('abs(x) > 0', '{"x": "1"}'::jsonb)$$),
  ('boolean as round''s digits', $$SELECT incentive_matches('round(1, x) > 0', '{"x": true}'::jsonb)$$),
  ('text and number in coalesce', $$SELECT incentive_matches('coalesce(x, 1) = 1', '{"x": "1"}'::jsonb)$$),
  ('text in a list of numbers', $$SELECT incentive_matches('x IN (1, 2)', '{"x": "1"}'::jsonb)$$),
  ('1e400', $$SELECT incentive_matches('x > 1e308', '{"x": 1e400}'::jsonb)$$),
  ('-1e400', $$SELECT incentive_matches('x < -1e308', '{"x": -1e400}'::jsonb)$$),
  ('1e-400 is 0', $$SELECT incentive_matches('x = 0', '{"x": 1e-400}'::jsonb)$$),
  ('1e308 * 10 overflows', $$SELECT incentive_matches('x * 10 > 0', '{"x": 1e308}'::jsonb)$$),
  ('number with 1000 digits', $$SELECT incentive_matches('x > 1e300', ('{"x": ' || repeat('9', 1000) || '}')::jsonb)$$),
  ('division by zero', $$SELECT incentive_matches('1 / x > 0', '{"x": 0}'::jsonb)$$),
  ('ln(0)', $$SELECT incentive_matches('ln(x) > 0', '{"x": 0}'::jsonb)$$),
  ('sqrt(-1)', $$SELECT incentive_matches('sqrt(x) > 0', '{"x": -1}'::jsonb)$$),
  ('keys with odd characters', $$SELECT incentive_matches('"a b""c" = 1 AND "日本" = 2', '{"a b\"c": 1, "日本": 2}'::jsonb)$$),
  ('100k-character string value', $$SELECT incentive_matches('s > ''a''', jsonb_build_object('s', repeat('b', 100000)))$$),
  ('duplicate keys: the last wins', $$SELECT incentive_matches('x = 2', '{"x": 1, "x": 2}'::jsonb)$$)
) c(label, q);

-- ---------------------------------------------------------------- incentive_validate
CREATE DOMAIN pg_temp.odd_dom AS pg_temp.odd CHECK ((VALUE).x IS DISTINCT FROM 0);
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('typed NULL row', $$SELECT incentive_validate('x = 1', NULL::pg_temp.odd)$$),
  ('row value', $$SELECT incentive_validate('x = 1', r) FROM odd_rows r$$),
  ('NULL condition', $$SELECT incentive_validate(NULL, NULL::pg_temp.odd)$$),
  ('unknown feature', $$SELECT incentive_validate('nope = 1', NULL::pg_temp.odd)$$),
  ('unsupported column type', $$SELECT incentive_validate('a = 1', NULL::pg_temp.odd)$$),
  ('type mismatch', $$SELECT incentive_validate('x = ''1''', NULL::pg_temp.odd)$$),
  ('untyped NULL', $$SELECT incentive_validate('x = 1', NULL)$$),
  ('scalar integer', $$SELECT incentive_validate('x = 1', 5)$$),
  ('scalar text', $$SELECT incentive_validate('x = 1', 'x'::text)$$),
  ('typed NULL scalar', $$SELECT incentive_validate('x = 1', NULL::int)$$),
  ('scalar jsonb', $$SELECT incentive_validate('x = 1', '{"x": 1}'::jsonb)$$),
  ('array of rows', $$SELECT incentive_validate('x = 1', ARRAY[r]) FROM odd_rows r$$),
  ('domain over an int', $$SELECT incentive_validate('x = 1', 5::pg_temp.posint)$$),
  ('typed NULL of a domain over a row type', $$SELECT incentive_validate('x = 1', NULL::pg_temp.odd_dom)$$),
  ('row of a domain over a row type', $$SELECT incentive_validate('x = 1', ROW(1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)::pg_temp.odd_dom)$$),
  ('typed NULL of a domain over a row type, unknown feature', $$SELECT incentive_validate('nope = 1', NULL::pg_temp.odd_dom)$$),
  ('anonymous record', $$SELECT incentive_validate('f1 = 1', ROW(1))$$),
  -- two columns named as the feature: neither is picked (was: the first, silently)
  ('two columns of the feature''s name', $$SELECT incentive_validate('x = 1', t) FROM (SELECT 1 AS x, 2 AS x) t$$),
  ('two columns of the feature''s name, matched', $$SELECT incentive_matches('x = 2', t) FROM (SELECT 1 AS x, 2 AS x) t$$),
  ('two columns of the feature''s name, match_all', $$SELECT incentive_match_all(ARRAY['x = 2'::incentive_condition], t) FROM (SELECT 1 AS x, 2 AS x) t$$),
  ('two columns of another name', $$SELECT incentive_matches('y = 3', t) FROM (SELECT 1 AS x, 2 AS x, 3 AS y) t$$),
  ('NULL anonymous record', $$SELECT incentive_validate('f1 = 1', NULL::record)$$),
  ('evaluation errors are not binding errors', $$SELECT incentive_validate('1 / 0 > x', NULL::pg_temp.odd)$$)
) c(label, q);
CREATE TEMP TABLE rules(c incentive_condition CHECK (incentive_validate(c, NULL::num_rows)));
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('good rule', $$INSERT INTO rules VALUES ('x > 1 AND z < 5') RETURNING c::text$$),
  ('unknown feature', $$INSERT INTO rules VALUES ('w > 1') RETURNING c::text$$),
  ('type mismatch', $$INSERT INTO rules VALUES ('x = ''a''') RETURNING c::text$$),
  ('syntax error', $$INSERT INTO rules VALUES ('x >') RETURNING c::text$$)
) c(label, q);

-- Every type error reads the same whoever finds it: the parse (literals),
-- the binding to a row type (record facts), the evaluator (jsonb facts);
-- each operator and function with each wrong kind; 42804 throughout.
CREATE TEMP TABLE type_cases(k int, e text, wrap text);
INSERT INTO type_cases VALUES
  (1, 'X AND true', '%s'), (2, 'true OR X', '%s'), (3, 'NOT X', '%s'),
  (4, 'X AND true AND false', '%s'), (5, 'X = 1', '%s'), (6, 'X <> ''a''', '%s'),
  (7, 'X < true', '%s'), (8, '1 <= X', '%s'), (9, 'X + 1', '(%s) > 0'),
  (10, '1 - X', '(%s) > 0'), (11, 'X * 2', '(%s) > 0'), (12, 'X / 2', '(%s) > 0'),
  (13, 'X % 2', '(%s) > 0'), (14, '-X', '(%s) > 0'), (15, 'X BETWEEN 1 AND 2', '%s'),
  (16, '1 NOT BETWEEN X AND 2', '%s'), (17, 'X IN (1, 2)', '%s'), (18, '1 IN (X, 2)', '%s'),
  (19, 'X NOT IN (''a'', ''b'')', '%s'), (20, 'abs(X)', '(%s) > 0'), (21, 'ln(X)', '(%s) > 0'),
  (22, 'exp(X)', '(%s) > 0'), (23, 'sqrt(X)', '(%s) > 0'), (24, 'floor(X)', '(%s) > 0'),
  (25, 'ceil(X)', '(%s) > 0'), (26, 'round(X)', '(%s) > 0'), (27, 'round(X, 1)', '(%s) > 0'),
  (28, 'round(1, X)', '(%s) > 0'), (29, 'least(X, 1)', '(%s) = 1'), (30, 'greatest(1, X)', '(%s) = 1'),
  (31, 'coalesce(X, 1)', '(%s) = 1'), (32, 'coalesce(1, X)', '(%s) = 1');
CREATE TEMP TABLE type_vals(kind text, lit text, js text, col text);
INSERT INTO type_vals VALUES ('number', '5', '5', '5::float8'), ('text', '''a''', '"a"', '''a''::text'),
  ('boolean', 'true', 'true', 'true');
CREATE TEMP TABLE type_errors AS
SELECT c.k, v.kind,
  split_part(pg_temp.try(format('SELECT %L::incentive_condition', format(c.wrap, replace(c.e, 'X', v.lit)))), ' | ', 1) AS parsed,
  split_part(pg_temp.try(format('SELECT incentive_matches(%L, s) FROM (SELECT %s AS x) s',
    format(c.wrap, replace(c.e, 'X', 'x')), v.col)), ' | ', 1) AS bound,
  split_part(pg_temp.try(format('SELECT incentive_matches(%L, %L::jsonb)',
    format(c.wrap, replace(c.e, 'X', 'x')), '{"x": ' || v.js || '}')), ' | ', 1) AS evaluated
FROM type_cases c, type_vals v;
-- errors (the rest run), none other than 42804, and the three words agree,
-- but where the bound program is exactly what some JsonLogic compiles to
-- (coalesce(x, 1) = 1 is {"==": [{"var": ["x", 1]}, 1]}): a bound feature's
-- error then speaks JsonLogic (at the end of this file), listed below
SELECT count(*) FILTER (WHERE parsed NOT LIKE 'ok:%') AS errors,
       count(*) FILTER (WHERE parsed NOT LIKE 'ok:%' AND parsed NOT LIKE '42804 %') AS not_42804,
       count(*) FILTER (WHERE parsed NOT LIKE 'ok:%' AND (parsed <> bound OR bound <> evaluated)) AS disagree,
       count(*) FILTER (WHERE parsed LIKE 'ok:%' AND (bound NOT LIKE 'ok:%' OR evaluated NOT LIKE 'ok:%')) AS ok_then_error
FROM type_errors;
SELECT k, kind, bound FROM type_errors
WHERE parsed NOT LIKE 'ok:%' AND (parsed <> bound OR bound <> evaluated) ORDER BY k, kind;
SELECT DISTINCT parsed FROM type_errors WHERE parsed NOT LIKE 'ok:%' ORDER BY 1;

-- Type errors of rules made from JsonLogic, raised when a rule is bound to a
-- row type or read against JSON facts, speak JsonLogic: the operation the
-- rule wrote, its var and the var's type, what the operation needs, the
-- JsonLogic of the operation as detail and a hint; never the coalesce(x, 0),
-- x + 0 or coalesce(x = y, false) the front end compiles them to.  SQLSTATE
-- 42804 as for every type error.  A condition typed as text keeps the
-- condition language's message, unless it is the very program some
-- JsonLogic compiles to.
CREATE TABLE jl_typed (s text, n integer, b boolean);
INSERT INTO jl_typed VALUES ('a', 1, true), (NULL, NULL, NULL);

-- each rule against the row type (s text, n integer, b boolean), then
-- against JSON facts of the same types
SELECT label || E':\n  row:  ' ||
  pg_temp.try(format('SELECT bool_or(incentive_matches(%L::jsonb::incentive_condition, t)) FROM jl_typed t', rule))
  || E'\n  json: ' ||
  pg_temp.try(format('SELECT incentive_matches(%L::jsonb::incentive_condition, %L::jsonb)', rule,
                     '{"s": "a", "n": 1, "b": true}'))
FROM (VALUES
  ('< on a text var', '{"<": [{"var": "s"}, 5]}'),
  ('<= on a text var', '{"<=": [{"var": "s"}, 5]}'),
  ('> on a boolean var, var on the right', '{">": [5, {"var": "b"}]}'),
  ('>= of two vars', '{">=": [{"var": "n"}, {"var": "s"}]}'),
  ('between, text var in the middle', '{"<": [1, {"var": "s"}, 5]}'),
  ('<= between, text var last', '{"<=": [{"var": "n"}, 3, {"var": "s"}]}'),
  ('between a number var and strings', '{"<": ["a", {"var": "n"}, "x"]}'),
  ('< of a number var and a string', '{"<": [{"var": "n"}, "abc"]}'),
  ('- of a text var', '{"==": [{"-": [{"var": "s"}, 5]}, 1]}'),
  ('unary - of a text var', '{"==": [{"-": [{"var": "s"}]}, 1]}'),
  ('/ of a text var', '{"==": [{"/": [{"var": "s"}, 2]}, 1]}'),
  ('% of a boolean var', '{"==": [{"%": [{"var": "b"}, 2]}, 1]}'),
  ('min of a text var', '{"==": [{"min": [{"var": "s"}, 5]}, 1]}'),
  ('max of a boolean var', '{"==": [{"max": [1, {"var": "b"}]}, 1]}'),
  ('+ of a text var', '{"==": [{"+": [{"var": "s"}, 5]}, 1]}'),
  ('+ of one text var', '{"==": [{"+": [{"var": "s"}]}, 1]}'),
  ('* chain with a text var', '{"==": [{"*": [2, {"var": "s"}, 3]}, 1]}'),
  ('== of a number var and a string', '{"==": [{"var": "n"}, "abc"]}'),
  ('=== of a text var and a number', '{"===": [{"var": "s"}, 1]}'),
  ('!= of a number var and a string', '{"!=": [{"var": "n"}, "abc"]}'),
  ('== of two vars', '{"==": [{"var": "n"}, {"var": "s"}]}'),
  ('in: text var, number list', '{"in": [{"var": "s"}, [1, 2]]}'),
  ('in: number var, string list', '{"in": [{"var": "n"}, ["a", "b"]]}'),
  ('a number default on a text var', '{"==": [{"var": ["s", 0]}, 1]}'),
  ('a string default on a number var', '{"==": [{"var": ["n", "x"]}, "y"]}'),
  ('< of a text var with a default', '{"<": [{"var": ["s", 7]}, 1]}'),
  ('deep inside and/or/!', '{"or": [false, {"!": {"and": [{"var": "b"}, {">": [{"var": "s"}, 2]}]}}]}')
) v(label, rule);

-- a var whose JsonLogic is too long to quote is described by its type
SELECT pg_temp.try(format('SELECT incentive_matches(%L::jsonb::incentive_condition, %L::jsonb)',
  format('{"<": [{"var": "%s"}, 5]}', repeat('s', 90)), format('{"%s": "a"}', repeat('s', 90))));

-- the text form keeps its own message; the same program as some JsonLogic
-- speaks JsonLogic
SELECT pg_temp.try('SELECT bool_or(incentive_matches(''coalesce(s, 0) < 5 AND n > 0'', t)) FROM jl_typed t');
SELECT pg_temp.try('SELECT bool_or(incentive_matches(''s + 1 > 0'', t)) FROM jl_typed t');
SELECT pg_temp.try('SELECT bool_or(incentive_matches(''n = ''''a'''''', t)) FROM jl_typed t');
SELECT pg_temp.try('SELECT bool_or(incentive_matches(''coalesce(s, 0) < 5'', t)) FROM jl_typed t');
-- a CHECK constraint's incentive_validate binds the same way
SELECT pg_temp.try('SELECT incentive_validate(''{"in": [{"var": "n"}, ["a"]]}''::jsonb::incentive_condition, NULL::jl_typed)');
-- rules that bind: no error
SELECT pg_temp.try('SELECT bool_or(incentive_matches(''{"<": [{"var": "s"}, "m"]}''::jsonb::incentive_condition, t)) FROM jl_typed t');
SELECT pg_temp.try('SELECT bool_or(incentive_matches(''{"!!": {"var": "s"}}''::jsonb::incentive_condition, t)) FROM jl_typed t');
DROP TABLE jl_typed;
