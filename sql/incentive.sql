-- Incentive conditions (issue #6): parsing, canonical printing, errors,
-- evaluation with three-valued logic over records and jsonb.
\set VERBOSITY default
\set SHOW_CONTEXT never
SET extra_float_digits = 0;

-- try(text): the canonical text of a condition, or SQLSTATE: message / detail
CREATE FUNCTION try(t text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; det text;
BEGIN
  RETURN t::incentive_condition::text;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
  RETURN st || ': ' || msg || coalesce(' / ' || nullif(det, ''), '');
END $$;

-- Canonical output of every construct, and output(input(output(x))) = output(x).
CREATE TABLE cases (id serial, src text);
INSERT INTO cases (src) VALUES
  ('recency_days > 14 AND retention_score < 0.3'),
  ('a=1 or b<>2 and not c'),
  ('a != 1'), ('a < 1'), ('a <= 1'), ('a > 1'), ('a >= 1'),
  ('x BETWEEN 1 AND 2 + 3'), ('x not between -1 and 1'),
  ('plan IN (''annual'', ''monthly'')'), ('x NOT IN (1, 2.5, -3)'),
  ('x IS NULL'), ('x is not null'),
  ('a + b * c - d / e % f > 0'), ('(a + b) * (c - d) > 0'), ('a - (b - c) > 0'), ('a - b - c > 0'),
  ('-x > 1'), ('- -x > 1'), ('-(a * b) < 1'), ('+x > 1'),
  ('abs(x) > 1 and ln(y) < 2 and exp(z) > 3 and sqrt(w) > 0'),
  ('floor(x) = ceil(x) and round(x) = round(x, 2)'),
  ('least(a, b, 3) < greatest(a, 1) and coalesce(a, b, 0) = 0'),
  ('ABS(X) > 1 AND Round(y,-1) = 10'),
  ('"Mixed Case" > 1 and "and" = true and "x""y" = ''it''''s'''),
  ('flag'), ('not flag'), ('true'), ('false'), ('NULL'), ('flag = true or flag is null'),
  ('(a and b) and c'), ('a and (b and c)'), ('(a or b) and (c or d)'), ('not (a or b)'),
  ('(a = b) is null'), ('(a = 1) = (b = 2)'),
  ('x > 0.1 + 0.2 and y < 1e20 and z > 1.5e-7 and w < 123456789012345678'),
  ('x > .5 and x < 5. and x <> 0.30000000000000004'),
  ('s = '''' and t = ''日本語''');
SELECT id, src, try(src) AS canonical,
       try(src)::incentive_condition::text = try(src) AS stable
FROM cases ORDER BY id;

-- Feature lists: distinct, in order of first appearance.
SELECT incentive_features('b > 1 and a < 2 or b = 3 and "B" = 1 and coalesce(c, a) > 0');
SELECT incentive_features('true');
-- its argument is named, as the README writes it (unnamed in 1.0)
SELECT incentive_features(condition => 'a > 1 and b < 2');

-- Syntax errors: 42601 with the position (in characters) and what was expected.
SELECT try(s) FROM (VALUES ('x >'), ('x > 1 y'), ('1 < 2 < 3'), ('(x > 1'), ('x IN 1'),
  ('x IN (1, 2'), ('x IS 1'), ('x NOT LIKE 1'), ('x BETWEEN 1'), ('x @ 1'), ('''abc'),
  ('"abc'), ('""'), (''), ('   '), ('x > 1,'), ('日本 > 1 @'), ('and'), ('x > ()')) v(s);
-- Unknown functions and wrong argument counts: 42883.
SELECT try(s) FROM (VALUES ('foo(1) > 0'), ('abs(1, 2) > 0'), ('round(1, 2, 3) > 0'),
  ('least() > 0')) v(s);
-- Type errors found at parse time: 42804, naming the sub-expression.
SELECT try(s) FROM (VALUES ('''a'' < 1'), ('x + 1'), ('1 and x'), ('least(1, ''a'') > 0'),
  ('x in (1, ''a'')'), ('-''a'' > 0'), ('true + 1 > 0'), ('''a''')) v(s);
-- ... in the words of the operation: one operand or argument, or several,
-- compared or mixed (was: "unary - expects number operands, but one is").
SELECT try(s) FROM (VALUES ('NOT 1'), ('abs(''a'') > 0'), ('round(true) > 0'),
  ('round(1, ''a'') > 0'), ('coalesce(1, ''a'') = 1'), ('1 BETWEEN ''a'' AND 2'),
  ('greatest(1, true) = 1')) v(s);
-- Limits: 54000 (nesting, program length), 22003 (number literal), 42622 (name).
SELECT try(repeat('(', 300) || 'x' || repeat(')', 300));
SELECT try(repeat('not ', 150) || 'x');
SELECT try(repeat('-', 150) || 'x > 0');
SELECT try('x > 0 and ' || repeat('abs(', 120) || 'x' || repeat(')', 120) || ' > 0');
SELECT try('x' || repeat(' + (x', 120) || repeat(')', 120) || ' > 0');
SELECT try('x > 1' || repeat(' ', 70000));
SELECT try((SELECT string_agg('greatest(' || (SELECT string_agg('x', ',') FROM generate_series(1, 65535)) || ') > 1', ' OR ')
            FROM generate_series(1, 23)));
SELECT try('x > 1e400');
SELECT try(repeat('a', 300) || ' > 1');
-- Deep but within limits: fine.
SELECT length(try(repeat('(', 90) || 'x' || repeat(')', 90)));
SELECT length(try('x IN (' || string_agg(i::text, ', ') || ')')) FROM generate_series(1, 5000) i;

-- Three-valued logic: a NULL result does not match.
CREATE TABLE tv (id int, p boolean, q boolean);
INSERT INTO tv VALUES (1, true, true), (2, true, false), (3, true, NULL), (4, false, NULL),
  (5, NULL, NULL), (6, false, false), (7, NULL, true);
SELECT id, p, q,
  incentive_matches('p and q', tv) AS "and",
  incentive_matches('p or q', tv) AS "or",
  incentive_matches('not (p and q)', tv) AS "nand",
  incentive_matches('not (p or q)', tv) AS "nor",
  incentive_matches('p = q', tv) AS "eq",
  incentive_matches('(p and q) is null', tv) AS "and_null",
  incentive_matches('p in (q, true)', tv) AS "in",
  incentive_matches('p not in (q, false)', tv) AS "not_in"
FROM tv ORDER BY id;

-- Operators and functions over a record with NULLs.
CREATE TABLE facts (id int, x float8, n int, s text, c char(5), v varchar, b boolean, d numeric);
INSERT INTO facts VALUES (1, 2.5, 3, 'annual', 'ab', 'z', true, 1.25),
  (2, -1, 0, 'monthly', 'ab   ', NULL, false, NULL), (3, NULL, NULL, NULL, NULL, 'a', NULL, 7),
  (4, 'NaN', 10, '', 'x', 'b', true, 'NaN');
SELECT id, c.cond, incentive_matches(c.cond::incentive_condition, f) AS m
FROM facts f, (VALUES ('x > 2'), ('x BETWEEN -1 AND 2.5'), ('x NOT BETWEEN 0 AND 3'),
  ('n IN (0, 3)'), ('n NOT IN (0, NULL)'), ('s < ''b'''), ('s IN (''annual'', ''monthly'')'),
  ('c = ''ab'''), ('v >= ''b'''), ('b'), ('not b'), ('d > 5'), ('d = d'), ('x = x'), ('x > 1e300'),
  ('coalesce(x, n, 99) = 99'), ('least(x, n) < 0'), ('greatest(x, n, d) > 5'),
  ('abs(x) = 1'), ('round(x) = 3'), ('round(d, 1) = 1.3'), ('floor(x) = 2 and ceil(x) = 3'),
  ('sqrt(n) = 3 or exp(n) = 1'), ('ln(d) < 1'), ('x * 2 + n % 2 = 6'), ('-x = 1'),
  ('s is null'), ('v is not null'), ('NULL'), ('NULL = NULL'), ('n / (n + 1) > 0.5'))
  AS c(cond)
ORDER BY c.cond, id;

-- round() is round(x::numeric, n): half away from zero, 15 significant digits.
SELECT c, incentive_matches(c::incentive_condition, ROW(1)) FROM (VALUES
  ('round(2.5) = 3'), ('round(-2.5) = -3'), ('round(0.125, 2) = 0.13'), ('round(1.005, 2) = 1.01'),
  ('round(1234.5, -2) = 1200'), ('round(-0.4) = 0'), ('round(99.96, 1) = 100')) v(c);

-- Binding errors: unknown feature (42703), type mismatch (42804), unsupported type.
\set VERBOSITY default
SELECT incentive_matches('nope > 1', f) FROM facts f;
SELECT incentive_matches('s > 1', f) FROM facts f;
SELECT incentive_matches('b + 1 > 1', f) FROM facts f;
SELECT incentive_matches('x', f) FROM facts f;
SELECT incentive_matches('r > 1', t) FROM (SELECT now() AS r) t;
-- Runtime errors as in SQL.
SELECT incentive_matches('x / n > 1', f) FROM facts f WHERE id = 2;
SELECT incentive_matches('n % 0 > 1', f) FROM facts f WHERE id = 1;
SELECT incentive_matches('ln(n) > 1', f) FROM facts f WHERE id = 2;
SELECT incentive_matches('ln(x) > 1', f) FROM facts f WHERE id = 2;
SELECT incentive_matches('sqrt(x) > 1', f) FROM facts f WHERE id = 2;
SELECT incentive_matches('exp(n * 1000) > 1', f) FROM facts f WHERE id = 4;
SELECT incentive_matches('x * 1e308 > 1', f) FROM facts f WHERE id = 1;
-- NULL arguments: STRICT.
SELECT incentive_matches(NULL::incentive_condition, f) IS NULL FROM facts f WHERE id = 1;

-- jsonb facts: keys by name, a missing key is NULL, conflicts are errors when met.
SELECT j, incentive_matches('x > 1 and plan = ''annual'' and not churned', j::jsonb)
FROM (VALUES ('{"x": 2, "plan": "annual", "churned": false}'),
  ('{"x": 2, "plan": "annual"}'), ('{"x": null, "plan": "annual", "churned": false}'),
  ('{"x": 0.5, "plan": "monthly", "churned": true}'), ('{}')) v(j);
SELECT incentive_matches('x IS NULL', '{}'::jsonb);
SELECT incentive_matches('x > 1', '{"x": "2"}'::jsonb);
SELECT incentive_matches('x > 1', '{"x": [2]}'::jsonb);
SELECT incentive_matches('x > 1', '[1]'::jsonb);

-- Many rules joined with many rows: the per-query cache binds each rule once.
CREATE TABLE rules (name text, cond incentive_condition);
INSERT INTO rules SELECT 'r' || i, format('n %% %s = 0 and x > %s', i, i / 2.0)::incentive_condition
FROM generate_series(1, 300) i;
CREATE TABLE members AS SELECT i AS id, i AS n, (i % 17)::float8 AS x FROM generate_series(1, 2000) i;
SELECT count(*) FROM members m JOIN rules r ON incentive_matches(r.cond, m);
SELECT count(*) FROM members m JOIN rules r ON (m.n % substr(r.name, 2)::int = 0 AND m.x > substr(r.name, 2)::int / 2.0);

-- The binary form (send): version, flags, names, postfix code.
SELECT encode(incentive_condition_send('x > 1'), 'hex');
-- A CHECK constraint on the features a rule may read.
CREATE TABLE checked (c incentive_condition
  CHECK (incentive_features(c) <@ ARRAY['recency_days', 'retention_score', 'plan']));
INSERT INTO checked VALUES ('recency_days > 14 AND retention_score < 0.3');
INSERT INTO checked VALUES ('password = ''x''');

-- incentive_validate: bind against a row type ahead of time (for CHECK constraints).
CREATE TABLE member_scores_t (member_id bigint, plan text, recency_days int,
  retention_score float8, joined timestamptz);
SELECT incentive_validate('recency_days > 14 AND plan = ''annual''', NULL::member_scores_t);
SELECT incentive_validate('recency_days > 14 AND plan = 1', NULL::member_scores_t);
SELECT incentive_validate('recency > 14', NULL::member_scores_t);
SELECT incentive_validate('joined > 14', NULL::member_scores_t);
SELECT incentive_validate('f1 > 14', ROW(1));
SELECT incentive_validate('x > 14', ROW(1));
CREATE TABLE rules_checked (name text, condition incentive_condition
  CHECK (incentive_validate(condition, NULL::member_scores_t)));
INSERT INTO rules_checked VALUES ('ok', 'retention_score < 0.3');
INSERT INTO rules_checked VALUES ('bad', 'plan > 3');

-- One call site, rows of different shapes: bindings are cached per row type.
SELECT incentive_matches('f1 > 1', x) FROM (VALUES (ROW(2)), (ROW(2, 'a'::text)), (ROW(0)), (ROW(3, 'b'::text, true))) v(x);
SELECT incentive_matches('f2 = ''a''', x) FROM (VALUES (ROW(2, 'a'::text)), (ROW(2, 'b'::text)), (ROW(3, 'a'::text, true)), (ROW(2, 'a'::text))) v(x);
-- The same row against many rules, and identical rows in a row.
SELECT r.c, incentive_matches(r.c::incentive_condition, m) FROM
  (VALUES (1, 5.0, 'x'::text), (1, 5.0, 'x'::text), (2, NULL, 'y'::text)) m(a, b, s),
  (VALUES ('a = 1'), ('b > 4'), ('s = ''x'''), ('b IS NULL')) r(c)
ORDER BY m.a, r.c;

-- Equality: conditions that compile to the same program are equal; hashable.
SELECT 'x > 1'::incentive_condition = 'X>1'::incentive_condition AS same,
       'x > 1'::incentive_condition <> 'x > 2'::incentive_condition AS different;
CREATE TABLE dup (c incentive_condition);
INSERT INTO dup VALUES ('a > 1'), ('A > 1'), ('a > 2'), ('a>1 and b'), ('(a > 1) AND b');
SELECT c, count(*) FROM dup GROUP BY c ORDER BY 2 DESC, 1::text;
SELECT s FROM (SELECT c FROM dup UNION SELECT 'z = 1') u(s) ORDER BY s::text;
