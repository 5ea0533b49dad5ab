-- Long IN lists: a fused [NOT] IN (a feature's, or any value's, against
-- number constants or text literals) finds the value by binary search in the
-- sorted list, so a list of thousands of items costs about what a short one
-- does.  Every answer must be SQL's own IN's, for numbers (negative, -0,
-- NaN, huge), text and char(n) (trailing blanks), NULLs, and jsonb facts.
CREATE TABLE in_rows (id int, x float8, n int, t text, c char(6), v varchar);
INSERT INTO in_rows
SELECT g, CASE WHEN g % 11 = 0 THEN NULL WHEN g % 17 = 0 THEN 'NaN' ELSE (g % 40) - 20 + (g % 3) * 0.5 END,
       CASE WHEN g % 13 = 0 THEN NULL ELSE g % 50 - 25 END,
       CASE WHEN g % 7 = 0 THEN NULL ELSE 'k' || (g % 30) || repeat(' ', g % 3) END,
       CASE WHEN g % 9 = 0 THEN NULL ELSE 'k' || (g % 30) END,
       CASE WHEN g % 5 = 0 THEN '' ELSE 'k' || (g % 25) END
FROM generate_series(1, 400) g;
INSERT INTO in_rows VALUES (401, '-0', 0, 'k1  ', 'k1', 'k1 '), (402, '1e308', 7, '', '', ' ');
-- the lists: numbers -20 .. 20 by 0.25 with gaps, text k0 .. k29 with and without trailing blanks
CREATE TABLE in_lists AS
SELECT 'x' AS col, string_agg(v::text, ', ' ORDER BY v DESC) AS items
FROM (SELECT g * 0.25 AS v FROM generate_series(-80, 80) g WHERE g % 3 <> 0) s
UNION ALL
SELECT 'n', string_agg(g::text, ', ' ORDER BY g % 7, g) FROM generate_series(-30, 30, 2) g
UNION ALL
SELECT 't', string_agg(quote_literal('k' || g || repeat(' ', g % 2)), ', ' ORDER BY g % 5, g) FROM generate_series(0, 29) g WHERE g % 4 <> 1
UNION ALL
SELECT 'v', string_agg(quote_literal('k' || g), ', ' ORDER BY -g) FROM generate_series(0, 24) g WHERE g % 3 <> 0;
SELECT col, array_length(string_to_array(items, ', '), 1) AS items FROM in_lists ORDER BY col;

-- feature IN, feature NOT IN, and the same on a computed value: each as SQL's IN
CREATE FUNCTION in_check(col text, items text) RETURNS TABLE (form text, rows bigint, matched bigint, same bigint)
LANGUAGE plpgsql AS $$
DECLARE
  forms text[] := ARRAY[col || ' IN (' || items || ')', col || ' NOT IN (' || items || ')',
                        'coalesce(' || col || ', ' || CASE WHEN col IN ('x', 'n') THEN '-0.5' ELSE '''k3 ''' END || ') IN (' || items || ')'];
  f text;
BEGIN
  FOREACH f IN ARRAY forms LOOP
    form := CASE WHEN f LIKE '% NOT IN %' THEN 'NOT IN' WHEN f LIKE 'coalesce%' THEN 'coalesce(...) IN' ELSE 'IN' END;
    EXECUTE format('SELECT count(*), count(*) FILTER (WHERE incentive_matches(%L, r)),
                           count(*) FILTER (WHERE incentive_matches(%L, r) IS NOT DISTINCT FROM coalesce(%s, false))
                    FROM in_rows r', f, f, f) INTO rows, matched, same;
    RETURN NEXT;
  END LOOP;
END $$;
SELECT l.col, c.form, c.rows, c.matched, c.same FROM in_lists l, in_check(l.col, l.items) c ORDER BY 1, 2;

-- c is char(6): a literal with trailing blanks matches as SQL's bpchar does
SELECT count(*) AS rows, count(*) FILTER (WHERE incentive_matches(('c IN (' || items || ')')::incentive_condition, r)) AS matched,
       count(*) FILTER (WHERE incentive_matches(('c IN (' || items || ')')::incentive_condition, r) = coalesce(c IN ('k0', 'k2 ', 'k3', 'k4', 'k6', 'k7 ', 'k8', 'k10', 'k11 ', 'k12'), false)) AS same
FROM in_rows r, (SELECT $$'k0', 'k2 ', 'k3', 'k4', 'k6', 'k7 ', 'k8', 'k10', 'k11 ', 'k12'$$ AS items) l;

-- the same over jsonb facts (a value of another kind is 42804, as before)
SELECT count(*) AS rows,
       count(*) FILTER (WHERE incentive_matches(('x IN (' || l.items || ')')::incentive_condition, jsonb_build_object('x', r.x))) AS matched,
       count(*) FILTER (WHERE incentive_matches(('x IN (' || l.items || ')')::incentive_condition, jsonb_build_object('x', r.x))
                        = coalesce(r.x IN (SELECT unnest(string_to_array(l.items, ', '))::float8), false)) AS same
FROM in_rows r, in_lists l WHERE l.col = 'x' AND r.x <> 'NaN';
SELECT incentive_matches('x IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)', '{"x": "3"}'::jsonb);
SELECT incentive_matches('x + 0 IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)', '{"x": "3"}'::jsonb);
-- an error in the value is raised, as before, unless the IN is not needed
SELECT incentive_matches('x / 0 IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10)', '{"x": 3}'::jsonb);
SELECT incentive_matches('x / 0 IN (1, 2, 3, 4, 5, 6, 7, 8, 9, 10) OR x > 0', '{"x": 3}'::jsonb);

-- the longest list (65,535 items): found by search, and its JsonLogic form works the same
CREATE TABLE in_long AS
SELECT ('n IN (' || string_agg((g * 3)::text, ', ' ORDER BY g) || ')')::incentive_condition AS c,
       ('{"in": [{"var": ["n", 0]}, [' || string_agg((-g * 3)::text, ', ' ORDER BY g) || ']]}')::jsonb::incentive_condition AS j
FROM generate_series(0, 65534) g;
SELECT count(*) FILTER (WHERE incentive_matches(l.c, r)) AS rule, count(*) FILTER (WHERE r.n % 3 = 0 AND r.n >= 0) AS sql,
       count(*) FILTER (WHERE incentive_matches(l.j, r)) AS jsonlogic, count(*) FILTER (WHERE coalesce(r.n, 0) % 3 = 0 AND coalesce(r.n, 0) <= 0) AS sql_null_as_0
FROM in_rows r, in_long l;

-- Decoded, such a list takes what it uses: the instructions, the sorted
-- items and an index of the fused steps, about 37 bytes an item with the
-- stored copy (130 before: a fused-step record and a stack slot for every
-- item); text about 46.  Measured in the contexts of the decoded conditions,
-- each list decoded alone (a call site of its own).
CREATE FUNCTION in_mem() RETURNS bigint VOLATILE LANGUAGE sql AS $$
  SELECT coalesce(sum(total_bytes), 0)::bigint FROM pg_backend_memory_contexts WHERE name = 'incentive condition' $$;
CREATE FUNCTION in_bytes_per_item(c incentive_condition, items int) RETURNS numeric LANGUAGE plpgsql AS $$
DECLARE b bigint;
BEGIN
  EXECUTE 'SELECT in_mem() FROM in_rows r WHERE r.id = 1 AND incentive_matches($1, r) IS NOT NULL' INTO b USING c;
  RETURN b::numeric / items;
END $$;
SELECT in_bytes_per_item(c, 65535) < 45 AS numbers_under_45_bytes_an_item,
       in_bytes_per_item(('t IN (' || (SELECT string_agg(quote_literal('k' || g), ', ') FROM generate_series(1, 65535) g) || ')')::incentive_condition,
                         65535) < 55 AS text_under_55_bytes_an_item
FROM in_long;
-- A list of constants that ends in a feature is no fused IN; deciding so
-- took a scan from each of its items (3.9 s for 65,535 of them).  Its
-- answers are SQL's.
CREATE TABLE in_long_tail AS
SELECT ('n IN (' || string_agg((g * 3)::text, ', ' ORDER BY g) || ', x)')::incentive_condition AS c,
       ('t NOT IN (' || string_agg(quote_literal('k' || (g * 2)), ', ' ORDER BY g) || ', v)')::incentive_condition AS ct
FROM generate_series(0, 65533) g;
SELECT count(*) AS rows, count(*) FILTER (WHERE incentive_matches(l.c, r)) AS matched,
       count(*) FILTER (WHERE incentive_matches(l.ct, r)) AS matched_text,
       count(*) FILTER (WHERE incentive_matches(l.c, r) = coalesce(r.n % 3 = 0 AND r.n >= 0 OR r.n = r.x, false)) AS same,
       count(*) FILTER (WHERE incentive_matches(l.ct, r)
                        = coalesce(r.t NOT IN (SELECT 'k' || (g * 2) FROM generate_series(0, 65533) g) AND r.t <> r.v, false)) AS same_text
FROM in_rows r, in_long_tail l;

DROP TABLE in_rows, in_lists, in_long, in_long_tail;
DROP FUNCTION in_mem(), in_bytes_per_item(incentive_condition, int);
DROP FUNCTION in_check(text, text);
