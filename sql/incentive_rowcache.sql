-- incentive_matches and incentive_match_all keep the last row deformed, with
-- its columns converted once for all the rules read against it, and the
-- fused evaluation steps of common shapes; every result here is compared
-- with the same condition written in SQL (disagreements must be 0).
CREATE TABLE rc_rules (id int, cond text, pred text);
INSERT INTO rc_rules VALUES
 (1, 'x > 14', 'x > 14'),
 (2, '-0.5 >= y', '-0.5 >= y'),
 (3, 'coalesce(x, 0) > 14 AND coalesce(y, 0) < 0.3', 'coalesce(x, 0) > 14 AND coalesce(y, 0) < 0.3'),
 (4, 'coalesce(s = ''annual'', false) AND (20 <= coalesce(x, 0) AND coalesce(x, 0) <= 60)',
     'coalesce(s = ''annual'', false) AND (20 <= coalesce(x, 0) AND coalesce(x, 0) <= 60)'),
 (5, 'NOT coalesce(b, false) OR x IS NULL', 'NOT coalesce(b, false) OR x IS NULL'),
 (6, 's IN (''annual'', ''lifetime'')', 's IN (''annual'', ''lifetime'')'),
 (7, 'x NOT BETWEEN -1 AND 20', 'x NOT BETWEEN -1 AND 20'),
 (8, 'x / (y + 2) > 3', 'x / (y + 2) > 3'),
 (9, 's > ''b'' AND length_ok', 's > ''b'' AND length_ok'),
 (10, 'coalesce(y, -1) = -1', 'coalesce(y, -1) = -1'),
 (11, 'c = ''ab''', 'c = ''ab'''),
 (12, '''ab'' = c OR c IN (''x'', ''ab '')', '''ab'' = c OR c IN (''x'', ''ab '')');

-- A dropped column before the features, a char(n) column, a text column
-- long enough to be stored compressed in the row (expanded once a row and
-- read by several rules), NULLs everywhere.
CREATE TABLE rc_members (id int, gone int, x int, y float8, s text, b boolean, c char(4), length_ok boolean);
INSERT INTO rc_members
SELECT i, 0,
       CASE WHEN i % 11 = 0 THEN NULL ELSE i % 70 END,
       CASE WHEN i % 13 = 0 THEN NULL ELSE ((i * 7) % 9) / 4.0 - 1 END,
       CASE i % 5 WHEN 0 THEN NULL WHEN 1 THEN 'annual' WHEN 2 THEN 'lifetime'
                  WHEN 3 THEN repeat('c', 3000 + i) ELSE 'a' END,
       CASE WHEN i % 17 = 0 THEN NULL ELSE i % 2 = 0 END,
       CASE i % 4 WHEN 0 THEN NULL WHEN 1 THEN 'ab' WHEN 2 THEN 'x' ELSE 'abc' END,
       i % 3 <> 0
FROM generate_series(1, 400) i;
ALTER TABLE rc_members DROP COLUMN gone;
SELECT count(*) FILTER (WHERE pg_column_compression(s) IS NOT NULL) > 0 AS some_compressed FROM rc_members;

-- The reference: each rule's predicate in SQL, per member.
CREATE FUNCTION rc_reference() RETURNS TABLE (id int, rule int, ok boolean)
LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  FOR r IN SELECT * FROM rc_rules ORDER BY rc_rules.id LOOP
    RETURN QUERY EXECUTE format('SELECT m.id, %s, coalesce(%s, false) FROM rc_members m', r.id, r.pred);
  END LOOP;
END $$;
CREATE TEMP TABLE rc_ref AS SELECT * FROM rc_reference();

-- The join, members outer (every rule against one row before the next row),
-- serially and in parallel.
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS pairs,
       count(*) FILTER (WHERE incentive_matches(r.cond::incentive_condition, m) IS DISTINCT FROM f.ok) AS disagree
FROM rc_members m CROSS JOIN rc_rules r JOIN rc_ref f ON f.id = m.id AND f.rule = r.id;
SELECT count(*) AS matches,
       count(*) = (SELECT count(*) FROM rc_ref WHERE ok) AS same_as_sql
FROM rc_members m JOIN rc_rules r ON incentive_matches(r.cond::incentive_condition, m);
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
CREATE TEMP TABLE rc_rules_c AS SELECT id, cond::incentive_condition AS condition FROM rc_rules;
SELECT count(*) AS matches,
       count(*) = (SELECT count(*) FROM rc_ref WHERE ok) AS same_as_sql
FROM rc_members m JOIN rc_rules_c r ON incentive_matches(r.condition, m);
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- The rules outer, members inner: every call a different row.
SELECT count(*) FILTER (WHERE incentive_matches(r.cond::incentive_condition, m) IS DISTINCT FROM f.ok) AS disagree
FROM rc_rules r CROSS JOIN LATERAL (SELECT * FROM rc_members OFFSET 0) m
JOIN rc_ref f ON f.id = m.id AND f.rule = r.id;

-- incentive_match_all against the same reference.
SELECT count(*) AS members,
       count(*) FILTER (WHERE a.got IS DISTINCT FROM a.want) AS disagree
FROM (SELECT m.id,
             incentive_match_all((SELECT array_agg(cond::incentive_condition ORDER BY id) FROM rc_rules), m) AS got,
             (SELECT coalesce(array_agg(f.rule ORDER BY f.rule), '{}') FROM rc_ref f WHERE f.id = m.id AND f.ok) AS want
      FROM rc_members m) a;
-- ... and with the array changing from row to row (entries found again);
-- positions are mapped back to rule ids
SELECT count(*) FILTER (WHERE a.got IS DISTINCT FROM a.want) AS disagree
FROM (SELECT m.id,
             (SELECT coalesce(array_agg(l.ids[p] ORDER BY p), '{}')
                FROM unnest(incentive_match_all(l.conds, m)) p) AS got,
             (SELECT coalesce(array_agg(f.rule ORDER BY f.rule), '{}') FROM rc_ref f
               WHERE f.id = m.id AND f.ok AND f.rule % 3 <> m.id % 3) AS want
      FROM rc_members m,
           LATERAL (SELECT array_agg(cond::incentive_condition ORDER BY id) AS conds,
                           array_agg(id ORDER BY id) AS ids
                    FROM rc_rules WHERE rc_rules.id % 3 <> m.id % 3) l) a;
-- NULL elements keep their positions (and never match)
SELECT count(*) AS positions_checked
FROM (SELECT incentive_match_all(ARRAY['x > 14', NULL, 'x > 14']::incentive_condition[], m) AS got,
             coalesce(m.x > 14, false) AS want
      FROM rc_members m) a
WHERE a.got = CASE WHEN a.want THEN '{1,3}'::int[] ELSE '{}' END;

-- Rows of different record types at one call site, the same feature at
-- other positions and of other types, rows of NULLs, identical rows in a row.
CREATE FUNCTION rc_row(i int) RETURNS record LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  CASE i % 4
    WHEN 0 THEN SELECT i AS x, 'annual'::text AS s INTO r;
    WHEN 1 THEN SELECT 'lifetime'::text AS s, (i * 1.5)::float8 AS x, true AS b INTO r;
    WHEN 2 THEN SELECT NULL::int AS x, NULL::text AS s INTO r;
    ELSE SELECT i::numeric AS x, 'annual'::varchar AS s INTO r;
  END CASE;
  RETURN r;
END $$;
SELECT i, k, incentive_matches('x > 10 AND s = ''annual''', rc_row(i)) AS m1,
       incentive_matches('coalesce(x, 0) < 10 OR s IN (''lifetime'')', rc_row(i)) AS m2
FROM generate_series(0, 15) i, LATERAL (SELECT 1 UNION ALL SELECT 2) twice(k)
ORDER BY i, k;
SELECT n, incentive_matches('f1 > 1', r) FROM (VALUES (1, ROW(NULL::int)), (2, ROW(2)), (3, ROW(NULL::int)), (4, ROW(2))) v(n, r) ORDER BY n;

-- A composite stored before an attribute was added (the row has fewer
-- columns than its type): the added attribute reads NULL.
CREATE TYPE rc_t AS (x int, s text);
CREATE TABLE rc_stored (id int, v rc_t);
INSERT INTO rc_stored VALUES (1, ROW(20, 'annual')), (2, ROW(5, 'a'));
ALTER TYPE rc_t ADD ATTRIBUTE y float8;
INSERT INTO rc_stored VALUES (3, ROW(30, 'annual', 1.5));
SELECT id, incentive_matches('x > 10 AND y IS NULL', v) AS a,
       incentive_matches('coalesce(y, -1) = -1 AND s = ''annual''', v) AS b
FROM rc_stored ORDER BY id;

-- A PL/pgSQL simple expression keeps its cache for the whole transaction,
-- across an ALTER TABLE of the row's type: the cached descriptor and
-- bindings must not outlive the change (was: the old descriptor deformed
-- the new rows, reading the wrong columns or garbage).
CREATE TABLE rc_alter (a int, x float8, s text);
INSERT INTO rc_alter VALUES (1, 5, 'a');
DO $$
DECLARE r rc_alter; res int[]; ok bool;
BEGIN
  FOR i IN 1..5 LOOP
    IF i = 2 THEN ALTER TABLE rc_alter DROP COLUMN x; ALTER TABLE rc_alter ADD COLUMN x float8 DEFAULT 0.5; END IF;
    IF i = 3 THEN ALTER TABLE rc_alter ADD COLUMN q int; ALTER TABLE rc_alter DROP COLUMN s; ALTER TABLE rc_alter ADD COLUMN s text DEFAULT 'zz'; END IF;
    IF i = 4 THEN ALTER TABLE rc_alter ALTER COLUMN a TYPE bigint; UPDATE rc_alter SET x = 9; END IF;
    IF i = 5 THEN ALTER TABLE rc_alter ALTER COLUMN x TYPE text; END IF;
    SELECT * INTO r FROM rc_alter LIMIT 1;
    BEGIN
      res := incentive_match_all(ARRAY['x > 1', 's = ''a''', 's = ''zz''', 'a = 1']::incentive_condition[], r);
      ok := incentive_matches('x > 1 AND s = ''a''', r);
      RAISE NOTICE 'i=% row=% match_all=% matches=%', i, r, res, ok;
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE 'i=% row=% %: %', i, r, SQLSTATE, SQLERRM;
    END;
  END LOOP;
END $$;
DROP TABLE rc_alter;
