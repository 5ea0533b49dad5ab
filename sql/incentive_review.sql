-- Findings of an independent review of the incentive rules (1.1); each
-- query gave a wrong answer or a wrong error before its fix.
CREATE TABLE review_rows (id int, f char(4), t text, x float8);
INSERT INTO review_rows VALUES (1, 'ab', 'ab', 1.26), (2, 'ab  ', 'ab  ', 2), (3, NULL, NULL, NULL);

-- 6. char(n) against a literal with trailing blanks: as SQL's bpchar
SELECT id, f = 'ab  ' AS sql_eq, incentive_matches('f = ''ab  ''', r) AS rule_eq,
       f IN ('x', 'ab ') AS sql_in, incentive_matches('f IN (''x'', ''ab '')', r) AS rule_in,
       f = t AS sql_text, incentive_matches('f = t', r) AS rule_text
FROM review_rows r ORDER BY id;

-- 7. out-of-range literals are 22003, not 0
SELECT '1e-400 < x'::incentive_condition;
SELECT 'x > -1e-400'::incentive_condition;
SELECT 'x > 1e-310'::incentive_condition;  -- subnormal, as float8in accepts

-- 8. round(x, n) reads n as float8 n::int does (half to even), as 1.0 did: rules
-- stored under 1.0 with round(x, 2.5) keep reading, printing and matching
-- (a later review had made them 22003, text, binary input and evaluation)
SELECT 'round(x, 2.5) > 1'::incentive_condition;
SELECT 'round(1.26, 0.9) = 1.3'::incentive_condition;
SELECT id, incentive_matches('round(x, id * 0.5) > 1.2', r) AS rule, round(x::numeric, (id * 0.5::float8)::int)::float8 > 1.2 AS sql
FROM review_rows r ORDER BY id;
-- at the ends of the int range too: n is rounded first, then range-checked, as float8::int does
SELECT n, (SELECT incentive_matches('round(x, n) = x', jsonb_build_object('x', 1.25::float8, 'n', n))) AS rule
FROM unnest('{2147483647.4, -2147483648.4, -2147483648.5}'::float8[]) n;
SELECT n::int FROM unnest('{2147483647.4, -2147483648.4, -2147483648.5}'::float8[]) n;
SELECT incentive_matches('round(x, n) = x', '{"x": 1.25, "n": 2147483647.5}'::jsonb);
SELECT (2147483647.5::float8)::int;
SELECT incentive_matches('round(x, n) = x', '{"x": 1.25, "n": -2147483648.6}'::jsonb);
SELECT (-2147483648.6::float8)::int;
SELECT id, incentive_matches('round(x, 1) = 1.3', r), incentive_matches('round(x, 2.5) = 1.26', r),
       incentive_matches('round(x, 1.5) = 1.26', r), incentive_matches('round(x, 0.5) = 1', r)
FROM review_rows r ORDER BY id;

-- 9. a flat chain is not nesting: 100 and 2000 terms, with and without parentheses
SELECT incentive_matches(('x' || repeat(' + x', 99) || ' > 1')::incentive_condition, r) FROM review_rows r WHERE id = 1;
SELECT incentive_matches((repeat('(', 99) || 'x' || repeat(' + x)', 99) || ' > 1')::incentive_condition, r)
FROM review_rows r WHERE id = 1;
SELECT length(('x' || repeat(' * 1 - x', 2000) || ' < 1')::incentive_condition::text);
SELECT ('x' || repeat(' + (x', 120) || repeat(')', 120) || ' > 1')::incentive_condition;

-- issue 18: a btree order, so ORDER BY and count(DISTINCT ...) work on conditions
CREATE TABLE review_conds (c incentive_condition);
INSERT INTO review_conds VALUES ('x > 1'), ('X>1'), ('x > 2'), ('t = ''a'''), ('x > 1 AND t = ''a''');
SELECT count(DISTINCT c) AS distinct_conditions, count(*) AS rows FROM review_conds;
SELECT c, c = 'x > 1' AS is_x_gt_1 FROM review_conds ORDER BY c, c::text;
SELECT incentive_condition_cmp('x > 1', 'X > 1') AS same, incentive_condition_cmp('x > 1', 'x > 2') AS x1_vs_x2,
       incentive_condition_cmp('x > 2', 'x > 1') AS x2_vs_x1, 'x > 1'::incentive_condition < 'x > 2' AS lt;
CREATE INDEX ON review_conds (c);
SET enable_seqscan = off;
SELECT count(*) FROM review_conds WHERE c = 'x>1';
RESET enable_seqscan;
SELECT DISTINCT c FROM review_conds ORDER BY c;

-- incentive_match_all: every rule against a row in one call, the same answer as the join
CREATE TABLE review_rules (id int, c incentive_condition);
INSERT INTO review_rules VALUES (1, 'x > 1'), (2, 'f = ''ab'''), (3, 'x IS NULL'), (4, 't = ''ab''  AND x < 2');
SELECT r.id, incentive_match_all((SELECT array_agg(c ORDER BY id) FROM review_rules), r) AS matching,
       ARRAY(SELECT k.id FROM review_rules k WHERE incentive_matches(k.c, r) ORDER BY k.id) AS by_join
FROM review_rows r ORDER BY r.id;
SELECT incentive_match_all(ARRAY['x > 1', NULL, 'x > 0']::incentive_condition[], r) FROM review_rows r WHERE id = 2;
SELECT incentive_match_all('{}'::incentive_condition[], r) FROM review_rows r WHERE id = 2;
SELECT incentive_match_all(ARRAY[['x > 1']]::incentive_condition[], r) FROM review_rows r WHERE id = 2;
SELECT incentive_match_all(ARRAY['nope > 1']::incentive_condition[], r) FROM review_rows r WHERE id = 2;
