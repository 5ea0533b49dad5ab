-- JsonLogic in and out: rules from rule-builder UIs compile to the same
-- programs as the text form, match exactly where json-logic-js's result is
-- truthy (a NULL column is an absent key), and convert back.
CREATE TABLE jl_members (id int, plan text, days int, score float8, active boolean, code char(4));
INSERT INTO jl_members VALUES
  (1, 'gold', 45, 0.2, true, 'ab'),
  (2, 'gold', 10, 0.8, false, 'cd'),
  (3, 'basic', 90, NULL, NULL, NULL),
  (4, NULL, NULL, 0.5, true, 'ab  '),
  (5, 'basic', 0, 0.1, false, 'x');
CREATE TABLE jl_rules (id int, rule jsonb);
INSERT INTO jl_rules VALUES
  (1, '{"and": [{"==": [{"var": "plan"}, "gold"]}, {">": [{"var": "days"}, 30]}]}'),
  (2, '{"<": [{"var": "days"}, 20]}'),
  (3, '{"<": [0.1, {"var": "score"}, 0.6]}'),
  (4, '{"!=": [{"var": "plan"}, "gold"]}'),
  (5, '{"in": [{"var": "plan"}, ["gold", "basic"]]}'),
  (6, '{"or": [{"var": "active"}, {"==": [{"var": "score"}, null]}]}'),
  (7, '{"!": {"var": ["active", true]}}'),
  (8, '{">=": [{"+": [{"var": "days"}, 10]}, 55]}'),
  (9, '{">=": [{"-": [{"var": "days"}, 10]}, -10]}'),
  (10, '{"if": [{"==": [{"var": "plan"}, "gold"]}, {">": [{"var": "score"}, 0.5]}, {"<": [{"var": "score"}, 0.3]}]}'),
  (11, '{"==": [{"var": "code"}, "ab  "]}'),
  (12, '{"<": [{"var": "plan"}, "c"]}'),
  (13, '{"===": [{"%": [{"var": "days"}, 2]}, 0]}'),
  (14, '{"<=": [{"max": [{"var": "days"}, {"-": [{"var": "score"}, 1]}]}, 50]}');

-- the compiled conditions (canonical text) and the JsonLogic they convert back to
SELECT id, rule::incentive_condition AS condition, rule::incentive_condition::jsonb AS back
FROM jl_rules ORDER BY id;

-- round trip: JsonLogic -> condition -> JsonLogic -> condition is the same program
SELECT count(*) FILTER (WHERE (rule::incentive_condition)::jsonb::incentive_condition = rule::incentive_condition) AS same,
       count(*) AS rules
FROM jl_rules;

-- which members match (json-logic-js gives the same, see test/jsonlogic)
SELECT r.id AS rule, array_agg(m.id ORDER BY m.id) FILTER (WHERE incentive_matches(r.rule::incentive_condition, m)) AS members
FROM jl_rules r CROSS JOIN jl_members m GROUP BY r.id ORDER BY r.id;

-- the same over JSON facts: an absent key is null, the default applies
SELECT incentive_matches('{"<": [{"var": "days"}, 20]}'::jsonb::incentive_condition, '{}'::jsonb) AS absent_is_0,
       incentive_matches('{"==": [{"var": "plan"}, null]}'::jsonb::incentive_condition, '{"plan": null}'::jsonb) AS null_is_null,
       incentive_matches('{">": [{"var": ["days", 100]}, 50]}'::jsonb::incentive_condition, '{"days": null}'::jsonb) AS default_applies;

-- the function form, and a rule typed as text that reads the same
SELECT incentive_condition_from_jsonlogic('{"<": [{"var": "x"}, 5]}') = 'coalesce(x, 0) < 5' AS same_program,
       incentive_condition_to_jsonlogic('coalesce(x, 0) < 5 AND coalesce(plan = ''a'', false)');

-- conditions from JsonLogic and from text in one rules table: DISTINCT and ORDER BY work
SELECT count(DISTINCT c) AS distinct_rules FROM (
  SELECT rule::incentive_condition FROM jl_rules
  UNION ALL SELECT 'coalesce(plan = ''gold'', false) AND coalesce(days, 0) > 30'
) t(c);

-- a type conflict JavaScript's == would hide is an error when the rule is bound
SELECT incentive_matches('{"==": [{"var": "plan"}, 5]}'::jsonb::incentive_condition, m) FROM jl_members m WHERE id = 1;

-- an explicit null key with a var default: one NULL here, so the default
-- applies (json-logic-js returns null for {"x": null}); without null keys
-- (jsonb_strip_nulls) both agree
SELECT incentive_matches('{"==": [{"var": ["x", 5]}, 5]}'::jsonb::incentive_condition, '{"x": null}'::jsonb) AS null_key_default,
       incentive_matches('{"==": [{"var": ["x", 5]}, 5]}'::jsonb::incentive_condition, jsonb_strip_nulls('{"x": null}'::jsonb)) AS stripped;

-- a real column is compared as its exact double, as SQL compares it
-- (0.1::real = 0.1 is false), where json-logic-js sees the shortest decimal
-- node-postgres or to_jsonb hand it, 0.1 (README: known differences): the
-- row does not match, its to_jsonb form does; a double precision column does
SELECT incentive_matches(c, r) AS real_row, incentive_matches(c, to_jsonb(r)) AS real_to_jsonb,
       incentive_matches(c, (SELECT d FROM (SELECT 0.1::float8 AS f) d)) AS double_row
FROM (SELECT 0.1::real AS f) r,
     (VALUES ('{"==": [{"var": "f"}, 0.1]}'::jsonb::incentive_condition)) t(c);

-- non-ASCII string literals against a possibly null feature: decided as
-- JavaScript's Number() reads them (json-logic-js on {}: false, true, false)
SELECT ('{"<": [{"var": "s"}, "é"]}'::jsonb::incentive_condition)::text AS not_a_number,
       ('{"<=": [{"var": "s"}, "\u00a05\u3000"]}'::jsonb::incentive_condition)::text AS unicode_blanks_trimmed,
       ('{">=": [{"var": "s"}, "日本"]}'::jsonb::incentive_condition)::text AS cjk;

-- condition -> JsonLogic: each construct the README lists as having no
-- JsonLogic form fails with 0A000 naming its reason; the forms beside them convert
CREATE FUNCTION jl_back(c text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  RETURN (c::incentive_condition)::jsonb::text;
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ' ' || regexp_replace(SQLERRM, '^incentive condition has no JsonLogic form: | at \$.*$', '', 'g');
END $$;
SELECT c AS condition, jl_back(c) AS jsonlogic FROM unnest(ARRAY[
  'abs(x) > 1', 'greatest(x, 1) > 1', 'least(1, 2) < x',
  'x / (y + 1) > 1', 'x / -0 > 1', 'x / -4 > 1',
  'coalesce(x, y) > 1', 'coalesce(x, 1, 2) > 1', 'coalesce(x > 1, true)', 'coalesce(x, 0) > 1', 'coalesce(b, true)',
  'x IN (1, NULL)', 'x IN (y, 1)', 'x IN (y + 1)', 'x IN (1, -2)',
  'x + 1 IS NULL', 'x IS NOT NULL',
  'x = NULL', 'b = (x > 1)',
  'x < y', 'x BETWEEN y AND 3', 'x + 0 < y', 'b <= true',
  's < coalesce(t, ''a'')', 'coalesce(s, ''a'') < ''b''', 's = t',
  'coalesce(b, false)', 'NOT coalesce(b, true)', 'truthy(x)', 'truthy(x - 1)', 'NOT truthy(s)', 'truthy(abs(x))'
]) c;
DROP FUNCTION jl_back(text);

-- truthiness: !, !!, a var or a number as a condition read any value as
-- json-logic-js's truthy does (0, NaN, "" and null false; "0", " " and -0.5
-- true), through truthy(), which gives the feature no type; each rule
-- converts back to JsonLogic that compiles to the same program
CREATE TABLE jl_truthy (id int, plan text, n float8, flag boolean, code char(3));
INSERT INTO jl_truthy VALUES (1, 'gold', 1, true, 'a'), (2, '', 0, false, ''), (3, NULL, NULL, NULL, NULL),
  (4, '0', 'NaN', true, '0'), (5, ' ', -0.5, false, ' ');
SELECT r::text AS rule, (r::incentive_condition)::text AS condition, (r::incentive_condition)::jsonb::text AS back,
       (r::incentive_condition)::jsonb::incentive_condition = r::incentive_condition AS round_trip,
       array(SELECT id FROM jl_truthy t WHERE incentive_matches(r::incentive_condition, t) ORDER BY id) AS matches
FROM (VALUES ('{"!!": {"var": "plan"}}'::jsonb), ('{"!": {"var": "plan"}}'), ('{"!!": [{"var": "n"}]}'),
  ('{"!": {"var": "flag"}}'), ('{"var": "plan"}'), ('{"var": ["plan", "x"]}'), ('{"!!": {"var": ["n", 0]}}'),
  ('{"and": [{"var": "plan"}, {"var": "n"}]}'), ('{"or": [{"-": [{"var": "n"}, 1]}, {"var": ["plan", false]}]}'),
  ('{"if": [{"var": "n"}, {"var": "plan"}, {"!": {"var": "flag"}}]}'), ('{"!": {"*": [{"var": "n"}, 2]}}'),
  ('{"!!": {"max": [{"var": "n"}, 0]}}'), ('{"!!": {"var": "code"}}'), ('{"!!": [[]]}'), ('{"!": [[0]]}')) v(r);

-- over JSON facts the feature's type may change from object to object
SELECT f::text AS facts, incentive_matches('{"!!": {"var": "plan"}}'::jsonb::incentive_condition, f) AS truthy
FROM (VALUES ('{"plan": "gold"}'::jsonb), ('{"plan": ""}'), ('{"plan": "0"}'), ('{"plan": 0}'), ('{"plan": 2.5}'),
  ('{"plan": true}'), ('{"plan": false}'), ('{"plan": null}'), ('{}')) v(f);

-- a numeric var reads the key String(n), as json-logic-js does on objects
SELECT ('{"==": [{"var": 1}, 5]}'::jsonb::incentive_condition)::text AS numeric_var,
       incentive_matches('{"==": [{"var": 1}, 5]}'::jsonb::incentive_condition, '{"1": 5}'::jsonb) AS key_1,
       ('{"==": [{"var": 1}, 5]}'::jsonb::incentive_condition)::jsonb::text AS back;
-- past 2^53 the key is what String(n) prints, the shortest digits, as json-logic-js reads it
SELECT ('{"var": 1152921504606846976}'::jsonb::incentive_condition)::text AS big_var,
       incentive_matches('{"var": 1152921504606846976}'::jsonb::incentive_condition,
                         '{"1152921504606847000": 1, "1152921504606846976": 0}'::jsonb) AS reads_js_key;

-- the text form: truthy(x) is JsonLogic's, and a text condition's
-- truthy(x - 1) gets the null check of x (SQL: NULL, JavaScript: -1)
SELECT 'truthy(plan) AND NOT truthy(n + 1)'::incentive_condition AS text_form,
       incentive_condition_to_jsonlogic('truthy(x - 1)') AS guarded;
