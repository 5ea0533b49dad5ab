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
