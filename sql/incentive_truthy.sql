-- truthy(x) over every column type a condition reads, and over JSON facts:
-- JavaScript's truthiness (NULL, false, 0, -0, NaN and '' false; '0' and ' '
-- true; a char(n) of blanks is '' as SQL compares it), never NULL.  A
-- feature read only by truthy has no type of its own, so one condition binds
-- to row types that give it different column types, each bound once: in
-- incentive_matches, incentive_match_all, incentive_validate and the rules
-- join (also in forced parallel plans).
CREATE TABLE truthy_cols (id int, i2 int2, i4 int4, i8 int8, f4 real, f8 float8, n numeric,
                          t text, v varchar(4), c char(3), nm name, b boolean);
INSERT INTO truthy_cols VALUES
  (1, 0, 0, 0, 0, 0, 0, '', '', '', '', false),
  (2, 1, -1, 9007199254740993, '-0', '-0', -0.0, ' ', ' ', ' ', ' ', true),
  (3, -1, 2, -1, 'NaN', 'NaN', 'NaN', '0', '0', '0', '0', NULL),
  (4, NULL, NULL, NULL, 1e-40, 5e-324, 1e-400, 'false', 'x ', 'a', 'a', NULL),
  (5, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
SELECT id,
       incentive_matches('truthy(i2)', r) AS i2, incentive_matches('truthy(i4)', r) AS i4,
       incentive_matches('truthy(i8)', r) AS i8, incentive_matches('truthy(f4)', r) AS f4,
       incentive_matches('truthy(f8)', r) AS f8, incentive_matches('truthy(n)', r) AS n,
       incentive_matches('truthy(t)', r) AS t, incentive_matches('truthy(v)', r) AS v,
       incentive_matches('truthy(c)', r) AS c, incentive_matches('truthy(nm)', r) AS nm,
       incentive_matches('truthy(b)', r) AS b, incentive_matches('NOT truthy(b)', r) AS not_b
FROM truthy_cols r ORDER BY id;

-- the same over JSON facts; a numeric 1e-400 reads as 0 (as JavaScript reads it)
SELECT k AS facts, incentive_matches('truthy(x)', ('{"x": ' || k || '}')::jsonb) AS truthy
FROM unnest(ARRAY['null', '0', '-0', '0.0', '1e-400', '1e-310', '1e400', '""', '" "', '"0"', 'false', 'true']) WITH ORDINALITY v(k, i)
ORDER BY i;
SELECT incentive_matches('truthy(x)', '{}'::jsonb) AS absent;
-- an array or object read only by truthy (and IS [NOT] NULL) has its
-- truthiness: [] is false, other arrays and objects true (was: 42804)
SELECT f::text, incentive_matches('truthy(x)', f) AS truthy,
       incentive_matches('NOT truthy(x) AND x IS NOT NULL', f) AS falsy_present,
       incentive_matches('x IS NULL OR truthy(x)', f) AS null_or_truthy
FROM (VALUES (1, '{"x": []}'::jsonb), (2, '{"x": [false]}'), (3, '{}'), (4, '{"x": {}}'), (5, '{"x": {"y": 0}}')) v(i, f)
ORDER BY i;
-- any other use of it is still no value of the language
SELECT incentive_matches('truthy(x) AND x = 1', '{"x": []}'::jsonb);
SELECT incentive_matches('truthy(x + 0)', '{"x": []}'::jsonb);
SELECT incentive_matches('coalesce(x, 1) = 1', '{"x": []}'::jsonb);
-- an error operand is the error where it decides, and not where it does not
SELECT incentive_matches('truthy(1 / x)', '{"x": 0}'::jsonb);
SELECT incentive_matches('truthy(1 / x) OR true', '{"x": 0}'::jsonb) AS decided;

-- one condition, two row types that give its feature different types
CREATE TABLE truthy_a (id int, plan text, score float8);
CREATE TABLE truthy_b (id int, plan numeric, score boolean);
INSERT INTO truthy_a SELECT g, (ARRAY['', 'gold', NULL, '0'])[g % 4 + 1], g % 3 - 1 FROM generate_series(1, 400) g;
INSERT INTO truthy_b SELECT g, g % 3 - 1, CASE g % 4 WHEN 0 THEN NULL ELSE g % 2 = 0 END FROM generate_series(1, 400) g;
CREATE TABLE truthy_rules (name text, cond incentive_condition);
INSERT INTO truthy_rules VALUES ('plan', 'truthy(plan)'), ('score', 'truthy(score)'),
  ('not both', 'NOT (truthy(plan) AND truthy(score))'), ('null or', 'plan IS NULL OR truthy(score)');
SELECT incentive_validate(cond, NULL::truthy_a) AND incentive_validate(cond, NULL::truthy_b) AS binds_both
FROM truthy_rules ORDER BY name;
-- used also as a number, the feature is a number
SELECT incentive_validate('truthy(plan) AND plan > 0', NULL::truthy_b);
SELECT incentive_validate('truthy(plan) AND plan > 0', NULL::truthy_a);
SELECT incentive_features('truthy(plan) OR truthy(score) AND truthy(plan)');

CREATE TEMP TABLE truthy_want AS
SELECT 'a' AS t, r.name, count(*) FILTER (WHERE incentive_matches(r.cond, m)) AS n FROM truthy_a m, truthy_rules r GROUP BY 1, 2
UNION ALL
SELECT 'b', r.name, count(*) FILTER (WHERE incentive_matches(r.cond, m)) FROM truthy_b m, truthy_rules r GROUP BY 1, 2;
SELECT * FROM truthy_want ORDER BY 1, 2;
-- both row types through one call site of incentive_match_all each, and the rules join
SELECT (SELECT sum(cardinality(incentive_match_all((SELECT array_agg(cond ORDER BY name) FROM truthy_rules), m))) FROM truthy_a m)
     + (SELECT sum(cardinality(incentive_match_all((SELECT array_agg(cond ORDER BY name) FROM truthy_rules), m))) FROM truthy_b m)
     = (SELECT sum(n) FROM truthy_want) AS match_all_agrees;
SET force_parallel_mode = on;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SELECT count(*) AS disagreements FROM (
  SELECT 'a' AS t, r.name, count(*) AS n FROM truthy_a m JOIN truthy_rules r ON incentive_matches(r.cond, m) GROUP BY 1, 2
  UNION ALL
  SELECT 'b', r.name, count(*) FROM truthy_b m JOIN truthy_rules r ON incentive_matches(r.cond, m) GROUP BY 1, 2) j
FULL JOIN truthy_want w USING (t, name)
WHERE j.n IS DISTINCT FROM NULLIF(w.n, 0);
RESET force_parallel_mode;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- the canonical text reads back as the same program, and prints the same
SELECT c::text AS canonical, (c::text)::incentive_condition = c AS same,
       incentive_condition_send(c) = incentive_condition_send((c::text)::incentive_condition) AS same_bytes
FROM (VALUES ('TRUTHY ( x )'::incentive_condition), ('truthy(truthy)'), ('NOT truthy(-0.0)'),
             ('truthy(''  '') OR truthy(x + 1)')) v(c);
SELECT c::text, incentive_condition_to_jsonlogic(c)::text AS jsonlogic,
       incentive_condition_from_jsonlogic(incentive_condition_to_jsonlogic(c)) = c AS same
FROM (VALUES ('truthy(x)'::incentive_condition), ('NOT truthy(x)'), ('truthy(0)'), ('truthy(coalesce(x, 0))')) v(c);

-- a feature named truthy is still a feature; the function needs one operand
SELECT 'truthy = 1 OR truthy(truthy)'::incentive_condition;
SELECT 'truthy()'::incentive_condition;
SELECT 'truthy(x, y)'::incentive_condition;
SELECT 'truthy(x) + 1 > 0'::incentive_condition;
DROP TABLE truthy_cols, truthy_a, truthy_b, truthy_rules;
