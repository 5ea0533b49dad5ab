-- Bad input for the JsonLogic front end: malformed JsonLogic structure
-- (operator objects with two keys, argument lists of the wrong shape, var of
-- a non-string), unknown and unsupported operations, JavaScript coercions
-- rejected as ambiguous, deep nesting, huge and tiny numbers, and conditions
-- without a JsonLogic form for the reverse.  Each case prints its SQLSTATE
-- and message (with the JSON path), or "ok: " and the result; the server
-- must never crash.
\set SHOW_CONTEXT never
\pset tuples_only on
\pset format unaligned
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r text; st text; msg text; hnt text;
BEGIN
  EXECUTE q INTO r;
  RETURN 'ok: ' || coalesce(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, hnt = PG_EXCEPTION_HINT;
  RETURN st || ' ' || msg || coalesce(' | HINT: ' || nullif(hnt, ''), '');
END $$;

SELECT label || ': ' || pg_temp.try(format('SELECT %L::jsonb::incentive_condition::text', rule)) FROM (VALUES
  ('two keys', '{"==": [1, 1], "!=": [1, 2]}'),
  ('two keys, nested', '{"and": [true, {"var": "x", "==": 1}]}'),
  ('empty object', '{}'),
  ('an array', '[{"var": "x"}]'),
  ('a bare number', '7'),
  ('a bare string', '"yes"'),
  ('null', 'null'),
  ('== with one argument (not a list)', '{"==": {"var": "x"}}'),
  ('== with three arguments', '{"==": [1, 1, 1]}'),
  ('> with three arguments (only < and <= have "between")', '{">": [3, {"var": "x"}, 1]}'),
  ('! with two arguments', '{"!": [true, false]}'),
  ('and with no arguments', '{"and": []}'),
  ('in with a non-array list', '{"in": [{"var": "x"}, 3]}'),
  ('in with mixed types', '{"in": [{"var": "x"}, [1, "1"]]}'),
  ('in with null in the list', '{"in": [{"var": "x"}, [1, null]]}'),
  ('in with an operation as its list', '{"in": [{"var": "x"}, {"+": [1]}]}'),
  ('var of a non-integer number', '{"==": [{"var": 1.5}, 1]}'),
  ('var of a boolean', '{"==": [{"var": true}, 1]}'),
  ('var of an object', '{"==": [{"var": {"var": "y"}}, 1]}'),
  ('var of null (the whole data)', '{"==": [{"var": null}, 1]}'),
  ('var of the empty string', '{"==": [{"var": ""}, 1]}'),
  ('var with three arguments', '{"==": [{"var": ["x", 1, 2]}, 1]}'),
  ('var with no arguments (the whole data)', '{"!!": {"var": []}}'),
  ('var of null as a condition', '{"!!": {"var": [null, 1]}}'),
  ('var default that is an object', '{"==": [{"var": ["x", {"a": 1}]}, 1]}'),
  ('an array of arrays as the condition', '[[1]]'),
  ('a var whose default is an array, as a condition', '{"!!": {"var": ["x", [1]]}}'),
  ('unknown operation', '{"and": [true, {"is_vip": [{"var": "x"}]}]}'),
  ('map', '{"map": [{"var": "xs"}, {"*": [{"var": ""}, 2]}]}'),
  ('reduce', '{"reduce": [{"var": "xs"}, {"+": [{"var": "current"}, {"var": "accumulator"}]}, 0]}'),
  ('filter', '{"filter": [{"var": "xs"}, true]}'),
  ('all', '{"all": [{"var": "xs"}, {">": [{"var": ""}, 0]}]}'),
  ('some', '{"or": [{"some": [{"var": "xs"}, true]}]}'),
  ('none', '{"none": [{"var": "xs"}, true]}'),
  ('merge', '{"in": [1, {"merge": [[1], [2]]}]}'),
  ('substr', '{"==": [{"substr": ["abc", 1]}, "bc"]}'),
  ('cat', '{"==": [{"cat": ["a", "b"]}, "ab"]}'),
  ('log', '{"log": true}'),
  ('missing', '{"missing": ["a", "b"]}'),
  ('missing_some', '{"missing_some": [1, ["a", "b"]]}'),
  ('"1" == 1', '{"==": ["1", 1]}'),
  ('a number == a string', '{"==": [1, "1"]}'),
  ('< on booleans', '{"<": [{"var": "x"}, true]}'),
  ('< with null', '{"<": [{"var": "x"}, null]}'),
  ('a number < a string', '{"<": [1, "2"]}'),
  ('a possibly null feature < a hexadecimal string', '{"<": [{"var": "s"}, "0x10"]}'),
  ('arithmetic on a string', '{">": [{"+": [{"var": "x"}, "1"]}, 1]}'),
  ('division by a feature', '{">": [{"/": [1, {"var": "y"}]}, 0]}'),
  ('division by zero', '{">": [{"/": [1, 0]}, 0]}'),
  ('modulo by a feature', '{"==": [{"%": [{"var": "x"}, {"var": "y"}]}, 0]}'),
  ('min of nothing (Infinity)', '{"<": [{"min": []}, 1]}'),
  ('min of a sum that may be NaN', '{"<": [{"min": [{"+": [{"var": "x"}, 1]}, 3]}, 1]}'),
  ('a condition used as a value', '{"==": [{"<": [1, 2]}, true]}'),
  ('a number as the condition (truthy)', '{"+": [1, 2]}'),
  ('if as a value', '{"==": [{"if": [true, 1, 2]}, 1]}'),
  ('number out of range', '{"==": [{"var": "x"}, 1e400]}'),
  ('number that reads as 0', '{"==": [{"var": "x"}, 1e-400]}'),
  ('a numeral of 1,002 characters (jsonb keeps it as written): 1', format('{"==": [{"var": "x"}, 1.%s]}', repeat('0', 1000))),
  ('a numeral of 1,001 digits, out of range', format('{"==": [{"var": "x"}, 1%s]}', repeat('0', 1000))),
  ('a feature name longer than 255 bytes', format('{"var": "%s"}', repeat('x', 300))),
  ('5 MB of JSON', format('{"==": [{"var": "s"}, "%s"]}', repeat('a', 5000000))),
  ('\u0000 in a string (jsonb rejects it)', '{"==": [{"var": "s"}, "a\u0000b"]}'),
  ('150 nested "!" (the condition nesting limit)', repeat('{"!": ', 150) || 'true' || repeat('}', 150)),
  ('300 nested arrays (the JSON nesting limit)', repeat('[', 300) || ']' || repeat(']', 299)),
  ('300 nested "and"', repeat('{"and": [', 300) || 'true' || repeat(']}', 300))
) AS t(label, rule);

-- 100,000 levels: PostgreSQL's own jsonb input stops first, cleanly
SELECT pg_temp.try($$SELECT (repeat('[', 100000) || repeat(']', 100000))::jsonb::incentive_condition::text$$);
SELECT pg_temp.try($$SELECT (repeat('{"!": ', 100000) || 'true' || repeat('}', 100000))::jsonb::incentive_condition::text$$);

-- a long flat rule is fine: 5,000 comparisons under one "or"
SELECT pg_temp.try($$SELECT length(jsonb_build_object('or', (SELECT jsonb_agg(jsonb_build_object('==', jsonb_build_array(jsonb_build_object('var', 'x'), i))) FROM generate_series(1, 5000) i))::incentive_condition::text)$$);

-- the reverse: conditions typed as text convert with explicit null checks, or fail
SELECT label || ': ' || pg_temp.try(format('SELECT %L::incentive_condition::jsonb::text', cond)) FROM (VALUES
  ('x < 5: a NULL x never matches, so a null check', 'x < 5'),
  ('NOT (x < 5): neither does it here', 'NOT (x < 5)'),
  ('x < y: JsonLogic would read two features as numbers', 'x < y'),
  ('division by a feature', 'x / y > 1'),
  ('division by a negative literal', 'x / -4 > 1 OR x % -3 = 1'),
  ('least skips NULL, JsonLogic''s min does not', 'least(x, y) > 1'),
  ('x IS NOT NULL', 'x IS NOT NULL'),
  ('BETWEEN', 'coalesce(x, 0) BETWEEN 1 AND 2'),
  ('a function JsonLogic lacks', 'coalesce(abs(x) > 1, false)'),
  ('NOT IN', 'coalesce(x NOT IN (1, 2), false)'),
  ('a made-from-JsonLogic condition', 'coalesce(plan = ''gold'', false) AND coalesce(days, 0) > 30')
) AS t(label, cond);
-- a JsonLogic form over 4 MB (60,000 comparisons of a 255-byte name) is
-- refused as it is written, not after hundreds of MB of JSON
SELECT pg_temp.try($$SELECT length((repeat('"' || repeat('a', 255) || '" > 1 OR ', 60000) || 'true')::incentive_condition::jsonb::text)$$);
-- a rule made from JsonLogic whose JsonLogic form is over 4 MB: nine levels
-- of "if" in the conditions of "if" (374 kB of JSON) come back as and/or
-- that repeat each condition, past 4 MB: 54000 as above, not 0A000 "no
-- equivalent" (the null-checked form's reason); eight levels convert back
SELECT i, pg_temp.try(format($$SELECT (%L::jsonb::incentive_condition)::jsonb::incentive_condition = %L::jsonb::incentive_condition$$, j, j))
FROM (WITH RECURSIVE n(i, j) AS (SELECT 0, '{"var": "b"}'::jsonb
  UNION ALL SELECT i + 1, jsonb_build_object('if', jsonb_build_array(j, j, j)) FROM n WHERE i < 9)
  SELECT i, j FROM n WHERE i >= 8) t ORDER BY i;
-- ... and the JsonLogic form matches the same rows as the text
SELECT x, incentive_matches(c, r) AS text_form, incentive_matches(c::jsonb::incentive_condition, r) AS jsonlogic_form
FROM (VALUES ('x / -4 > 1 OR x % -3 = 1'::incentive_condition)) t(c),
     LATERAL (SELECT x FROM unnest(ARRAY[NULL, -8, -4, 1, 4, 7]::float8[]) x) r
ORDER BY x NULLS FIRST;
SELECT pg_temp.try($$SELECT NULL::incentive_condition::jsonb::text$$);
SELECT pg_temp.try($$SELECT incentive_condition_from_jsonlogic(NULL)::text$$);
-- a dotted var over nested JSON facts: JsonLogic's path, as json-logic-js
-- reads it (was: 0A000, and before that a silent NULL)
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "a.b"}, 1]}'::jsonb::incentive_condition, '{"a": {"b": 1}}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "a.0"}, 1]}'::jsonb::incentive_condition, '{"a": [1]}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "a.b.c"}, 3]}'::jsonb::incentive_condition, '{"a": {"b": {"c": 3}}}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "a.1.c"}, 3]}'::jsonb::incentive_condition, '{"a": [{"c": 1}, {"c": 3}]}'::jsonb)::text$$);
-- an array's length; an index past the end, not canonical ("00", "-1") or a
-- missing key reads null, so a default applies, as in json-logic-js
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "tags.length"}, 2]}'::jsonb::incentive_condition, '{"tags": ["gold", "x"]}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "tags.length"}, 0]}'::jsonb::incentive_condition, '{"tags": []}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": ["tags.2", "none"]}, "none"]}'::jsonb::incentive_condition, '{"tags": ["gold", "x"]}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "tags.00"}, null]}'::jsonb::incentive_condition, '{"tags": ["gold", "x"]}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "tags.-1"}, null]}'::jsonb::incentive_condition, '{"tags": ["gold", "x"]}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "tags.foo"}, null]}'::jsonb::incentive_condition, '{"tags": ["gold", "x"]}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": ["a.b.c", 7]}, 7]}'::jsonb::incentive_condition, '{"a": {"b": 5}}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": ["a.b.c", 7]}, 7]}'::jsonb::incentive_condition, '{"a": {"b": null}}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "a."}, 4]}'::jsonb::incentive_condition, '{"a": {"": 4}}'::jsonb)::text$$);
-- an object's key "length" is a key like any other
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "o.length"}, 5]}'::jsonb::incentive_condition, '{"o": {"length": 5}}'::jsonb)::text$$);
-- a method every JavaScript array has: json-logic-js reads a function
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "tags.map"}, null]}'::jsonb::incentive_condition, '{"tags": [1]}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"!!": {"var": "a.tags.indexOf"}}'::jsonb::incentive_condition, '{"a": {"tags": []}}'::jsonb)::text$$);
-- where "a" is an object, the path is read and a key "a.b" is not, as in
-- json-logic-js (2 inside "a": false, then true)
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "a.b"}, 1]}'::jsonb::incentive_condition, '{"a.b": 1, "a": {"b": 2}}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "a.b"}, 2]}'::jsonb::incentive_condition, '{"a.b": 1, "a": {"b": 2}}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "s.length"}, 1]}'::jsonb::incentive_condition, '{"s.length": 1, "s": "abc"}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "a.b"}, 1]}'::jsonb::incentive_condition, '{"a": 1}'::jsonb)::text$$);
-- the key "a.b" beside an "a" without properties, or without "a": the key's
-- value (json-logic-js reads null there: the README's known difference)
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "a.b"}, 1]}'::jsonb::incentive_condition, '{"a.b": 1, "a": 5}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "a.b"}, 1]}'::jsonb::incentive_condition, '{"a.b": 1}'::jsonb)::text$$);
-- dotted names sharing the part before the dot, in either order
SELECT pg_temp.try($$SELECT incentive_matches('{"and": [{"==": [{"var": "a.x"}, null]}, {"==": [{"var": "a.y"}, 1]}]}'::jsonb::incentive_condition, '{"a": 5, "a.y": 1}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"and": [{"==": [{"var": "a.x"}, null]}, {"==": [{"var": "b.y"}, 1]}]}'::jsonb::incentive_condition, '{"a": 5, "b": {"y": 1}}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"and": [{"==": [{"var": "b.y"}, 1]}, {"==": [{"var": "a.x"}, null]}]}'::jsonb::incentive_condition, '{"a": 5, "b": {"y": 1}}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"and": [{"==": [{"var": "ab.x"}, null]}, {"==": [{"var": "a.y"}, 1]}]}'::jsonb::incentive_condition, '{"ab": 5, "a": "s", "a.y": 1}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"and": [{"==": [{"var": "a.x"}, null]}, {"==": [{"var": "ab.y"}, null]}]}'::jsonb::incentive_condition, '{"a": 5, "ab": [1]}'::jsonb)::text$$);
-- a string has properties in JavaScript ("abc".length is 3, "abc"[0] is "a"): rejected,
-- at the top or inside the path
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "s.length"}, 3]}'::jsonb::incentive_condition, '{"s": "abc"}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "s.0"}, "a"]}'::jsonb::incentive_condition, '{"s": "abc"}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "a.s.length"}, 3]}'::jsonb::incentive_condition, '{"a": {"s": "abc"}}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "a.0.0"}, "a"]}'::jsonb::incentive_condition, '{"a": ["abc"]}'::jsonb)::text$$);
-- the last part may be a string
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "a.0"}, "abc"]}'::jsonb::incentive_condition, '{"a": ["abc"]}'::jsonb)::text$$);
-- arrays and objects of the facts as conditions: JsonLogic's truthiness
-- ([] is false; [0], [[]] and {} are true), under !, !!, if, and a var
-- with a default (was: 42804); an explicit null takes the default, as a
-- missing key does (the README's known difference: json-logic-js reads null)
SELECT f::text, incentive_matches('{"var": "tags"}'::jsonb::incentive_condition, f) AS var,
       incentive_matches('{"!": {"var": "tags"}}'::jsonb::incentive_condition, f) AS not,
       incentive_matches('{"!!": [{"var": "tags"}]}'::jsonb::incentive_condition, f) AS notnot,
       incentive_matches('{"if": [{"var": "tags"}, true, false]}'::jsonb::incentive_condition, f) AS if,
       incentive_matches('{"var": ["tags", 1]}'::jsonb::incentive_condition, f) AS truthy_default,
       incentive_matches('{"and": [{"var": "tags"}, {"var": "a.b"}]}'::jsonb::incentive_condition, f) AS nested
FROM (VALUES (1, '{"tags": []}'::jsonb), (2, '{"tags": ["gold"]}'), (3, '{"tags": [0]}'), (4, '{"tags": [[]]}'),
             (5, '{"tags": {}}'), (6, '{}'), (7, '{"tags": null}'), (8, '{"tags": [1], "a": {"b": []}}'),
             (9, '{"tags": [1], "a": {"b": {"c": 0}}}')) v(i, f)
ORDER BY i;
-- also a condition typed as text
SELECT pg_temp.try($$SELECT incentive_matches('truthy(tags) AND tags IS NOT NULL', '{"tags": [1]}'::jsonb)::text$$);
-- any other use of an array or object is a type error, which says what is supported
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "tags"}, "gold"]}'::jsonb::incentive_condition, '{"tags": ["gold"]}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "a"}, 1]}'::jsonb::incentive_condition, '{"a": {"b": 1}}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"or": [{"var": "tags"}, {"<": [{"var": "tags"}, 2]}]}'::jsonb::incentive_condition, '{"tags": [1]}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "a.b"}, 1]}'::jsonb::incentive_condition, '{"a": {"b": [1]}}'::jsonb)::text$$);
SELECT incentive_matches('{"==": [{"var": "tags"}, "gold"]}'::jsonb::incentive_condition, '{"tags": ["gold"]}'::jsonb);
SELECT incentive_matches('{"==": [{"var": "a"}, 1]}'::jsonb::incentive_condition, '{"a": {"b": 1}}'::jsonb);
-- "in" with a var as its list (an array of the facts, or a substring): jsonlogic_in
-- === and !== between literals of two types: never equal, as in JavaScript
-- (was: 0A000, which spoke of == converting)
SELECT pg_temp.try($$SELECT '{"===": [1, "1"]}'::jsonb::incentive_condition::text$$);
SELECT pg_temp.try($$SELECT '{"!==": [1, "1"]}'::jsonb::incentive_condition::text$$);
SELECT pg_temp.try($$SELECT '{"===": [true, {"+": [1]}]}'::jsonb::incentive_condition::text$$);
-- ... but not where one type is a var's default: x may be "a" (true in JavaScript)
SELECT pg_temp.try($$SELECT '{"===": [{"var": ["x", 5]}, "a"]}'::jsonb::incentive_condition::text$$);
SELECT pg_temp.try($$SELECT '{"!==": [{"var": ["x", 5]}, "a"]}'::jsonb::incentive_condition::text$$);
SELECT pg_temp.try($$SELECT '{"==": [1, "1"]}'::jsonb::incentive_condition::text$$);
-- a type error of === or !== met when bound or evaluated names both forms,
-- since they compile to one program
SELECT pg_temp.try($$SELECT incentive_matches('{"===": [{"var": "n"}, "5"]}'::jsonb::incentive_condition, '{"n": 5}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"!==": [{"var": "n"}, "5"]}'::jsonb::incentive_condition, '{"n": 5}'::jsonb)::text$$);
-- a boolean or null has none: NULL, as json-logic-js reads undefined
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "s.length"}, null]}'::jsonb::incentive_condition, '{"s": true}'::jsonb)::text$$);
-- a property every JavaScript object or number inherits: json-logic-js finds
-- it where the key is absent (a function, != null), a feature reads NULL:
-- rejected (was: false where json-logic-js is true)
SELECT pg_temp.try($$SELECT incentive_matches('{"!=": [{"var": "constructor"}, null]}'::jsonb::incentive_condition, '{}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "x.toFixed"}, null]}'::jsonb::incentive_condition, '{"x": 5}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"==": [{"var": "constructors"}, null]}'::jsonb::incentive_condition, '{}'::jsonb)::text$$);
-- "in" with an empty list still checks its value: json-logic-js throws on an
-- unknown operation (was: compiled to false)
SELECT pg_temp.try($$SELECT '{"in": [{"foo": 1}, []]}'::jsonb::incentive_condition::text$$);
SELECT pg_temp.try($$SELECT '{"in": [{"var": true}, []]}'::jsonb::incentive_condition::text$$);
SELECT pg_temp.try($$SELECT '{"in": [{"var": "x"}, []]}'::jsonb::incentive_condition::text$$);

-- "if" with more conditions than the nesting limit allows (two levels each)
SELECT jsonb_build_object('if', (SELECT jsonb_agg(x ORDER BY i) FROM (
         SELECT i, CASE WHEN i % 2 = 1 THEN jsonb_build_object('==', jsonb_build_array(jsonb_build_object('var', 'x'), i)) ELSE 'true'::jsonb END
         FROM generate_series(1, 97) i) t(i, x)))::incentive_condition IS NOT NULL AS if_48;
SELECT jsonb_build_object('if', (SELECT jsonb_agg(x ORDER BY i) FROM (
         SELECT i, CASE WHEN i % 2 = 1 THEN jsonb_build_object('==', jsonb_build_array(jsonb_build_object('var', 'x'), i)) ELSE 'true'::jsonb END
         FROM generate_series(1, 99) i) t(i, x)))::incentive_condition;

-- more operands than one operation holds (65535): a limit, 54000, as for
-- the text form and "in" (was: 22023 "takes at least 1 argument, not 65536")
SELECT pg_temp.try($$SELECT ('{"and": [' || repeat('true, ', 65535) || 'true]}')::jsonb::incentive_condition::text$$);
SELECT pg_temp.try($$SELECT ('{">": [{"+": [' || repeat('{"var": "x"}, ', 65535) || '1]}, 1]}')::jsonb::incentive_condition::text$$);
SELECT pg_temp.try($$SELECT ('{">": [{"max": [' || repeat('1, ', 65535) || '1]}, 1]}')::jsonb::incentive_condition::text$$);
SELECT pg_temp.try($$SELECT length(('{">": [{"+": [' || repeat('{"var": "x"}, ', 65534) || '1]}, 1]}')::jsonb::incentive_condition::text)::text$$);
-- a longer + or * chain, made from nested JsonLogic or typed as text,
-- converts back with the chain split into operations of at most 65535
-- operands (was: 0A000 "no JsonLogic form" for a rule made from JsonLogic)
CREATE TEMP TABLE jl_long (id int, rule jsonb);
INSERT INTO jl_long VALUES
  (1, ('{">": [{"+": [{"+": [' || repeat('{"var": "x"}, ', 65534) || '{"var": "y"}]}, {"var": "x"}]}, 1]}')::jsonb),
  (2, ('{"<": [{"*": [{"*": [' || repeat('{"var": "x"}, ', 65534) || '2]}, 3, {"var": "y"}]}, 1]}')::jsonb);
SELECT id, pg_temp.try(format($$SELECT (c::jsonb::incentive_condition = c)::text
  FROM (SELECT %L::jsonb::incentive_condition) t(c)$$, rule)) AS round_trip
FROM jl_long ORDER BY id;
-- typed as text: JsonLogic that matches the same rows
SELECT length(j::text) AS json_length, jsonb_path_query_array(j, 'strict $.**.\+.size()') AS operands
FROM (SELECT ('x' || repeat(' + y', 140000) || ' > 1')::incentive_condition::jsonb) t(j);
SELECT f, incentive_matches(c, f) AS text_form, incentive_matches(c::jsonb::incentive_condition, f) AS jsonlogic_form
FROM (SELECT ('x' || repeat(' + y', 140000) || ' > 1')::incentive_condition) t(c),
     (VALUES ('{"x": 1.5, "y": 0}'::jsonb), ('{"x": 2, "y": -0.00001}'), ('{"x": 2}'), ('{"y": 0}')) v(f);
-- a text condition near the 100-level limit: its null checks take the
-- JsonLogic form past 100 levels (README: 0A000 "nested too deeply")
SELECT pg_temp.try($$SELECT length((repeat('a AND (', 96) || 'x > 1' || repeat(')', 96))::incentive_condition::jsonb::text)::text$$);
SELECT pg_temp.try($$SELECT (repeat('a AND (', 97) || 'x > 1' || repeat(')', 97))::incentive_condition::jsonb::text$$);
-- a chain of - is one level of a condition but nests in JsonLogic
SELECT pg_temp.try($$SELECT length((('x' || repeat(' - x', 110) || ' > 1')::incentive_condition)::jsonb::text)::text$$);
SELECT pg_temp.try($$SELECT (('x' || repeat(' - x', 130) || ' > 1')::incentive_condition)::jsonb::text$$);
-- coalesce of one argument has no JsonLogic form: 0A000 (the reverse read a
-- second argument it does not have, past the node's operands, and crashed
-- the server now and then)
SELECT c || ': ' || pg_temp.try(format('SELECT %L::incentive_condition::jsonb::text', c)) FROM (VALUES
  ('coalesce(p)'), ('coalesce(x) > 1'), ('NOT coalesce(x = 1)'), ('coalesce(coalesce(p))'),
  ('coalesce(s) = ''a'' OR coalesce(p)')) v(c);
-- nested "if" repeat their conditions: the program doubles at every level,
-- refused at its 4 MB limit (54000) without writing the gigabyte of text
-- the translation once wrote before its parser refused it (24 levels: 11 s)
SELECT pg_temp.try(format('SELECT %L::jsonb::incentive_condition::text',
  repeat('{"if": [', 40) || '{"var": "b"}' || repeat(', true, false]}', 40)));
SELECT pg_temp.try(format('SELECT length(%L::jsonb::incentive_condition::text)::text',
  repeat('{"if": [', 10) || '{"var": "b"}' || repeat(', true, false]}', 10)));
