-- Text features of the four string types, compared as PostgreSQL compares
-- them: char(n) ignores trailing blanks against a literal, another char(n)
-- or a varchar (which PostgreSQL casts to char(n) there), not against text
-- or name (it is cast to text); least, greatest and coalesce have the type
-- PostgreSQL's select_common_type gives them (their first argument's that is
-- no literal, text when all are, name when a name follows a varchar or
-- char(n)), which decides how their value compares.  Every condition below
-- is also a SQL expression over the same columns: the two must agree on
-- every row.  (Before: varchar against char(n) compared as text, and the
-- functions' type was char(n) only when all their arguments were char(n)
-- or literals, decided by the values rather than the types.)
CREATE TABLE tt_rows (id int, t text COLLATE "C", v varchar COLLATE "C", c char(4) COLLATE "C", n name);
INSERT INTO tt_rows VALUES
  (1, 'ab', 'ab', 'ab', 'ab'),
  (2, 'ab  ', 'ab ', 'ab', 'ab '),
  (3, 'ab', 'ab  ', 'ab ', 'ab  '),
  (4, NULL, 'ab ', 'ab', NULL),
  (5, 'ab ', NULL, NULL, 'ab'),
  (6, 'b', 'a ', 'a', 'b '),
  (7, NULL, NULL, 'ab', 'ab'),
  (8, 'a', 'ab', NULL, NULL);
CREATE TABLE tt_operands (o text);
INSERT INTO tt_operands VALUES ('t'), ('v'), ('c'), ('n'), ('''ab'''), ('''ab  ''');
CREATE TABLE tt_values AS
SELECT o FROM tt_operands
UNION ALL
SELECT f || '(' || a.o || ', ' || b.o || ')'
FROM unnest(ARRAY['coalesce', 'least', 'greatest']) f, tt_operands a, tt_operands b
WHERE a.o <> b.o AND NOT (a.o LIKE '''%' AND b.o LIKE '''%')
UNION ALL
SELECT 'coalesce(' || a.o || ', ' || b.o || ', ' || c.o || ')'
FROM tt_operands a, tt_operands b, tt_operands c
WHERE a.o NOT LIKE '''%' AND b.o NOT LIKE '''%' AND c.o NOT LIKE '''%' AND a.o <> b.o AND b.o <> c.o AND a.o <> c.o
UNION ALL
SELECT 'coalesce(''ab '', ''x'')';
CREATE TABLE tt_conds AS
SELECT x.o || ' ' || op || ' ' || y.o AS cond
FROM tt_values x, tt_operands y, unnest(ARRAY['=', '<', '>=']) op
WHERE NOT (x.o LIKE '''%' AND y.o LIKE '''%')
UNION ALL
SELECT y.o || ' ' || op || ' ' || x.o
FROM tt_values x, tt_operands y, unnest(ARRAY['<', '>=']) op
WHERE NOT (x.o LIKE '''%' AND y.o LIKE '''%')
UNION ALL
SELECT x.o || ' = ' || y.o FROM tt_values x, tt_values y WHERE x.o LIKE '%(%' AND y.o LIKE '%(%' AND x.o < y.o
UNION ALL
SELECT x.o || ' IN (' || y.o || ', ''x'')' FROM tt_values x, tt_operands y;
-- IN lists that mix columns, literals, NULL and functions with and without
-- columns.  PostgreSQL compares the items without a column (when there are
-- at least two) as one array of the common type of the left side and those
-- items (a char(n) left side makes coalesce('ab ', 'x') char(n) there), and
-- each other item on its own.  Every list of two items and every third list
-- of three (chosen by position, the same on every run), IN and NOT IN.
CREATE TABLE tt_items (i int, o text);
INSERT INTO tt_items VALUES
  (1, 't'), (2, 'v'), (3, 'c'), (4, 'n'), (5, '''ab'''), (6, '''ab  '''), (7, '''x'''), (8, 'NULL'),
  (9, 'coalesce(''ab '', ''x'')'), (10, 'least(''ab  '', ''ab'')'), (11, 'greatest(''ab'', ''ab '')'),
  (12, 'coalesce(NULL, ''ab'')'), (13, 'least(''ab '', ''ab' || chr(9) || ''')'), (14, 'coalesce(c, t)'),
  (15, 'coalesce(v, ''ab '')');
CREATE TABLE tt_lhs (j int, o text);
INSERT INTO tt_lhs VALUES
  (1, 't'), (2, 'v'), (3, 'c'), (4, 'n'), (5, '''ab'''), (6, '''ab '''), (7, 'coalesce(c, t)'),
  (8, 'coalesce(t, c)'), (9, 'least(v, c)'), (10, 'coalesce(c, n)'), (11, 'coalesce(''ab '', ''x'')'),
  (12, 'greatest(c, ''ab '')');
INSERT INTO tt_conds
SELECT l.o || op || '(' || a.o || ', ' || b.o || ')'
FROM tt_lhs l, tt_items a, tt_items b, unnest(ARRAY[' IN ', ' NOT IN ']) op
WHERE a.i <> b.i
UNION ALL
SELECT l.o || op || '(' || a.o || ', ' || b.o || ', ' || c.o || ')'
FROM tt_lhs l, tt_items a, tt_items b, tt_items c, unnest(ARRAY[' IN ', ' NOT IN ']) op
WHERE a.i < b.i AND b.i < c.i AND (l.j + a.i + b.i + c.i) % 3 = 0;
SELECT count(*) FROM tt_conds;
CREATE FUNCTION pg_temp.mismatches(cond text) RETURNS SETOF int LANGUAGE plpgsql AS $$
BEGIN
  RETURN QUERY EXECUTE format('SELECT id FROM tt_rows r WHERE incentive_matches(%L, r) IS DISTINCT FROM coalesce(%s, false)',
                              cond, cond);
END $$;
SELECT cond, array_agg(id ORDER BY id) AS rows_that_differ
FROM tt_conds, pg_temp.mismatches(cond) id GROUP BY cond ORDER BY cond;
-- some of them
SELECT r.id, incentive_matches('v = c', r) AS v_c, incentive_matches('coalesce(c, t) = ''ab''', r) AS c_t,
       incentive_matches('coalesce(t, c) = ''ab''', r) AS t_c, incentive_matches('greatest(c, t) = ''ab''', r) AS gct,
       incentive_matches('coalesce(''ab '', ''x'') = c', r) AS lits, incentive_matches('coalesce(c, n) = ''ab ''', r) AS c_n
FROM tt_rows r ORDER BY r.id;
-- the JSON facts have one string type, text
SELECT incentive_matches('coalesce(c, t) = ''ab''', '{"t": "ab  "}'::jsonb) AS json_text,
       incentive_matches('v = c', '{"v": "ab ", "c": "ab"}'::jsonb) AS json_v_c;
