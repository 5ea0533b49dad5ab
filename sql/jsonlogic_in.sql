-- JsonLogic "in" with a var (or a string) as its list, for JSON facts:
-- {"in": ["gold", {"var": "tags"}]} is contains(tags, 'gold'), membership in
-- an array of the facts (strict equality, as json-logic-js's indexOf) or a
-- substring of a string fact; null or absent is false.  The results are
-- compared with json-logic-js 2.0.5's (test/reference/jsonlogic_in_reference.js
-- printed the three INSERTs); errors are listed apart.
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
CREATE FUNCTION pg_temp.ev(r jsonb, f jsonb) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  RETURN CASE WHEN incentive_matches(r::incentive_condition, f) THEN 't' ELSE 'f' END;
EXCEPTION WHEN OTHERS THEN RETURN SQLSTATE;
END $$;
CREATE TEMP TABLE jl_in_rules (id int, rule jsonb);
CREATE TEMP TABLE jl_in_facts (id int, f jsonb);
CREATE TEMP TABLE jl_in_want (id int, want int[]);
INSERT INTO jl_in_rules VALUES
  (1, '{"in":["gold",{"var":"tags"}]}'),
  (2, '{"in":[{"var":"x"},{"var":"tags"}]}'),
  (3, '{"!":{"in":["gold",{"var":"tags"}]}}'),
  (4, '{"in":["ol",{"var":"p.tags"}]}'),
  (5, '{"in":[null,{"var":"tags"}]}'),
  (6, '{"in":[true,{"var":"tags"}]}'),
  (7, '{"in":[1e+21,{"var":"tags"}]}'),
  (8, '{"in":[1e-7,{"var":"tags"}]}'),
  (9, '{"in":[0,{"var":"tags"}]}'),
  (10, '{"in":["",{"var":"tags"}]}'),
  (11, '{"in":["a",{"var":["tags","abc"]}]}'),
  (12, '{"in":["b","abc"]}'),
  (13, '{"in":[{"var":"x"},"a1b"]}');
INSERT INTO jl_in_facts VALUES
  (1, '{"tags":["gold","x"]}'),
  (2, '{"tags":"golden"}'),
  (3, '{"tags":[]}'),
  (4, '{}'),
  (5, '{"tags":null}'),
  (6, '{"tags":""}'),
  (7, '{"tags":[["gold"]]}'),
  (8, '{"tags":["Gold"]}'),
  (9, '{"tags":[null,0]}'),
  (10, '{"tags":"x null true 1e+21 1e-7 0"}'),
  (11, '{"tags":[true,1e+21,1e-7]}'),
  (12, '{"tags":["1","true"],"x":1}'),
  (13, '{"tags":[1],"x":1}'),
  (14, '{"tags":"a1.5b","x":1.5}'),
  (15, '{"p":{"tags":["gold","ol"]}}'),
  (16, '{"p":{"tags":"pole"}}'),
  (17, '{"tags":[{},"gold"]}'),
  (18, '{"tags":["é","golden"],"x":"é"}');
INSERT INTO jl_in_want VALUES
  (1, '{1,2,17}'),
  (2, '{9,10,13,14,18}'),
  (3, '{3,4,5,6,7,8,9,10,11,12,13,14,15,16,18}'),
  (4, '{15,16}'),
  (5, '{9,10}'),
  (6, '{10,11}'),
  (7, '{10,11}'),
  (8, '{10,11}'),
  (9, '{9,10}'),
  (10, '{2,10,14}'),
  (11, '{4,14,15,16}'),
  (12, '{1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18}'),
  (13, '{12,13}');
-- the text of each rule, and its JsonLogic form compiles back to the same program
SELECT id, rule::incentive_condition::text,
       (rule::incentive_condition::jsonb)::incentive_condition = rule::incentive_condition AS round_trip,
       rule::incentive_condition::text::incentive_condition = rule::incentive_condition AS text_round_trip
FROM jl_in_rules ORDER BY id;
-- per rule: the facts it matches, json-logic-js's, and the errors.  Rule 11's
-- default applies to the explicit null of fact 5 (the README's known
-- difference); its arrays are 42804, as the var with a default is no array.
SELECT r.id, g.matched = w.want AS same_as_json_logic_js, g.matched, w.want, g.errors
FROM jl_in_rules r JOIN jl_in_want w USING (id),
LATERAL (SELECT coalesce(array_agg(fa.id ORDER BY fa.id) FILTER (WHERE e = 't'), '{}') AS matched,
                array_agg(fa.id || ':' || e ORDER BY fa.id) FILTER (WHERE e NOT IN ('t', 'f')) AS errors
         FROM jl_in_facts fa, LATERAL pg_temp.ev(r.rule, fa.f) e) g
ORDER BY r.id;
-- refused when compiled
SELECT pg_temp.try($$SELECT '{"in": ["a", {"var": ["tags", 1]}]}'::jsonb::incentive_condition::text$$);
SELECT pg_temp.try($$SELECT '{"in": [{"+": [{"var": "x"}]}, {"var": "tags"}]}'::jsonb::incentive_condition::text$$);
SELECT pg_temp.try($$SELECT '{"in": ["a", {"cat": ["a", "b"]}]}'::jsonb::incentive_condition::text$$);
-- a number, boolean or object to search, or the array read otherwise: 42804, said so
SELECT pg_temp.try($$SELECT incentive_matches('{"in": ["a", {"var": "tags"}]}'::jsonb::incentive_condition, '{"tags": 3}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"in": ["a", {"var": "tags"}]}'::jsonb::incentive_condition, '{"tags": {"a": 1}}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"and": [{"in": ["a", {"var": "tags"}]}, {"==": [{"var": "tags"}, "a"]}]}'::jsonb::incentive_condition, '{"tags": ["a"]}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('{"in": [{"var": "tags"}, {"var": "tags"}]}'::jsonb::incentive_condition, '{"tags": ["a"]}'::jsonb)::text$$);
-- with its truthiness and IS NULL in the same rule
SELECT pg_temp.try($$SELECT incentive_matches('{"and": [{"var": "tags"}, {"in": ["a", {"var": "tags"}]}]}'::jsonb::incentive_condition, '{"tags": ["a"]}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('tags IS NOT NULL AND contains(tags, ''b'')', '{"tags": ["a"]}'::jsonb)::text$$);
-- the text spelling: contains(h, x), NULL where h is NULL
SELECT pg_temp.try($$SELECT incentive_matches('contains(tags, ''gold'') IS NULL', '{}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('contains(tags, 2.5)', '{"tags": "x2.5"}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT incentive_matches('contains(tags, 0.000001) AND contains(tags, 1e-7) AND contains(tags, 1.5e300)', '{"tags": "0.000001 1e-7 1.5e+300"}'::jsonb)::text$$);
SELECT pg_temp.try($$SELECT 'contains(1, x)'::incentive_condition::text$$);
SELECT pg_temp.try($$SELECT 'contains(true, x)'::incentive_condition::text$$);
SELECT pg_temp.try($$SELECT 'contains(x)'::incentive_condition::text$$);
-- its JsonLogic form, truthy exactly where it is true (NOT: where h is not null)
SELECT pg_temp.try($$SELECT 'contains(x, 1)'::incentive_condition::jsonb::text$$);
SELECT pg_temp.try($$SELECT 'NOT contains(x, y)'::incentive_condition::jsonb::text$$);
SELECT pg_temp.try($$SELECT 'contains(''abc'', NULL)'::incentive_condition::jsonb::text$$);
SELECT pg_temp.try($$SELECT 'contains(x, y + 1)'::incentive_condition::jsonb::text$$);
-- table columns: a text column is searched as a string; arrays are for JSON facts only
CREATE TEMP TABLE jl_in_members (id int, plan text, code char(6), n int, tags text[]);
INSERT INTO jl_in_members VALUES (1, 'gold plus', 'ab', 3, '{gold}'), (2, '', 'ol', NULL, '{}'), (3, NULL, NULL, 1, NULL);
SELECT id, incentive_matches('{"in": ["gold", {"var": "plan"}]}'::jsonb::incentive_condition, m),
       incentive_matches('contains(plan, code)', m), incentive_matches('contains(code, ''b'')', m)
FROM jl_in_members m ORDER BY id;
SELECT pg_temp.try($$SELECT incentive_matches('contains(n, 1)', m)::text FROM jl_in_members m WHERE id = 1$$);
SELECT pg_temp.try($$SELECT incentive_matches('contains(tags, ''gold'')', m)::text FROM jl_in_members m WHERE id = 1$$);
