-- Conditions stored out of line or compressed: a scalar subquery (or the
-- outer side of a nested loop) passes the same stored value on every row,
-- and incentive_matches detoasts it once, not once a row.  What it keeps
-- must follow the argument: a correlated subquery that passes a different
-- stored condition on each row gets each row's own answer.
CREATE TABLE toast_rows AS
SELECT g AS id, g % 2000 AS x, (g % 7)::float8 AS y FROM generate_series(1, 3000) g;
-- three long conditions (x a multiple of 3, 5 or 7, and y in a range), each
-- stored three ways: out of line uncompressed, out of line compressed, and
-- compressed in line
CREATE TABLE toast_conds (k int, cond incentive_condition);
CREATE TABLE toast_conds_ext (k int, cond incentive_condition);
ALTER TABLE toast_conds_ext ALTER COLUMN cond SET STORAGE external;
CREATE TABLE toast_conds_main (k int, cond incentive_condition);
ALTER TABLE toast_conds_main ALTER COLUMN cond SET STORAGE main;
CREATE VIEW toast_src AS
SELECT k, ('x IN (' || string_agg((g * k)::text, ', ' ORDER BY g) || ') AND y >= ' || (k - 3))::incentive_condition AS cond
FROM (VALUES (3), (5), (7)) v(k), generate_series(1, 1000) g GROUP BY k;
-- each from the text (a copy of a stored value would keep its compression)
INSERT INTO toast_conds SELECT * FROM toast_src;
INSERT INTO toast_conds_ext SELECT * FROM toast_src;
INSERT INTO toast_conds_main SELECT * FROM toast_src;
-- how each is stored: compressed or not, and whether the table's TOAST
-- relation holds it (out of line) or not (in line)
SELECT storage, k, pg_column_compression(cond) IS NOT NULL AS compressed,
       pg_relation_size(reltoastrelid) > 0 AS out_of_line
FROM (SELECT 'extended' AS storage, k, cond, 'toast_conds'::regclass AS tab FROM toast_conds
      UNION ALL SELECT 'external', k, cond, 'toast_conds_ext' FROM toast_conds_ext
      UNION ALL SELECT 'main', k, cond, 'toast_conds_main' FROM toast_conds_main) s
JOIN pg_class c ON c.oid = s.tab
ORDER BY 1, 2;

-- one condition for every row, then a different one on each row: each count
-- as SQL computes it
CREATE FUNCTION toast_check(tab text) RETURNS TABLE (form text, matched bigint, expected bigint)
LANGUAGE plpgsql AS $$
BEGIN
  form := 'scalar subquery';
  EXECUTE format('SELECT count(*) FILTER (WHERE incentive_matches((SELECT cond FROM %I WHERE k = 5), r)) FROM toast_rows r', tab)
    INTO matched;
  SELECT count(*) FILTER (WHERE x % 5 = 0 AND x BETWEEN 5 AND 5000 AND y >= 2) INTO expected FROM toast_rows;
  RETURN NEXT;
  form := 'correlated, a new condition each row';
  EXECUTE format('SELECT count(*) FILTER (WHERE incentive_matches((SELECT cond FROM %I WHERE k = (ARRAY[3, 5, 7])[1 + r.id %% 3]), r)) FROM toast_rows r', tab)
    INTO matched;
  SELECT count(*) FILTER (WHERE x % k = 0 AND x BETWEEN k AND 1000 * k AND y >= k - 3) INTO expected
  FROM (SELECT x, y, (ARRAY[3, 5, 7])[1 + id % 3] AS k FROM toast_rows) s;
  RETURN NEXT;
  form := 'correlated, jsonb facts';
  EXECUTE format('SELECT count(*) FILTER (WHERE incentive_matches((SELECT cond FROM %I WHERE k = (ARRAY[3, 5, 7])[1 + r.id %% 3]), to_jsonb(r))) FROM toast_rows r', tab)
    INTO matched;
  RETURN NEXT;
  form := 'nested loop, conditions outside';
  EXECUTE format('SELECT count(*) FROM %I c CROSS JOIN LATERAL (SELECT r FROM toast_rows r OFFSET 0) s WHERE incentive_matches(c.cond, s.r)', tab)
    INTO matched;
  SELECT count(*) FILTER (WHERE x % k = 0 AND x BETWEEN k AND 1000 * k AND y >= k - 3) INTO expected
  FROM toast_rows, (VALUES (3), (5), (7)) v(k);
  RETURN NEXT;
  -- the rules come back in turn, stored, for every row: found by their
  -- TOAST pointer or compressed bytes, not fetched and decompressed again
  -- for every pair; toast_many has each rule 4 times, stored as in tab
  -- (toast_plans shows the plans)
  form := 'rules join past work_mem (the rules in a tuplestore)';
  PERFORM toast_many(tab);
  SET LOCAL work_mem = '64kB';
  SET LOCAL max_parallel_workers_per_gather = 0;
  SELECT count(*) INTO matched FROM toast_rows r JOIN toast_many c ON incentive_matches(c.cond, r);
  expected := 4 * expected;
  RETURN NEXT;
  form := 'nested loop, the rules scanned again for every row';
  SET LOCAL community_retention.enable_rules_join = off;
  SET LOCAL enable_material = off;
  SELECT count(*) INTO matched
  FROM (SELECT r FROM toast_rows r OFFSET 0) s CROSS JOIN LATERAL (SELECT c.cond FROM toast_many c WHERE (s.r).id > 0 OFFSET 0) c
  WHERE incentive_matches(c.cond, s.r);
  RETURN NEXT;
  DROP TABLE toast_many;
END $$;
-- each rule of tab 4 times, stored as in tab
CREATE FUNCTION toast_many(tab text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('CREATE TEMP TABLE toast_many (LIKE %I INCLUDING STORAGE)', tab);
  EXECUTE format('INSERT INTO toast_many SELECT s.k, (s.cond::text)::incentive_condition FROM %I s, generate_series(1, 4)', tab);
  ANALYZE toast_many;
END $$;
CREATE FUNCTION toast_plans() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE line text;
BEGIN
  PERFORM toast_many('toast_conds');
  SET LOCAL work_mem = '64kB';
  SET LOCAL max_parallel_workers_per_gather = 0;
  FOR line IN EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
      SELECT count(*) FROM toast_rows r JOIN toast_many c ON incentive_matches(c.cond, r) LOOP
    RETURN NEXT regexp_replace(line, ' \(actual.*\)', '');
  END LOOP;
  SET LOCAL community_retention.enable_rules_join = off;
  SET LOCAL enable_material = off;
  FOR line IN EXPLAIN (COSTS OFF)
      SELECT count(*)
      FROM (SELECT r FROM toast_rows r OFFSET 0) s CROSS JOIN LATERAL (SELECT c.cond FROM toast_many c WHERE (s.r).id > 0 OFFSET 0) c
      WHERE incentive_matches(c.cond, s.r) LOOP
    RETURN NEXT line;
  END LOOP;
  DROP TABLE toast_many;
END $$;
SELECT * FROM toast_plans();
SELECT 'extended' AS storage, * FROM toast_check('toast_conds')
UNION ALL SELECT 'external', * FROM toast_check('toast_conds_ext')
UNION ALL SELECT 'main', * FROM toast_check('toast_conds_main')
ORDER BY 1, 2;

-- PL/pgSQL keeps a simple expression's cache for the whole transaction, and
-- its variable holds the TOAST pointer itself: the rule replaced between
-- calls (UPDATE), the row type's columns x and y swapped (ALTER TABLE), each
-- call as SQL computes it
CREATE FUNCTION toast_loop(tab text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  c incentive_condition;
  k int;
  r toast_rows;
  x numeric;
  y numeric;
  bad int := 0;
  n int := 0;
BEGIN
  FOR i IN 1..6 LOOP
    EXECUTE format('SELECT cond, k FROM %I WHERE k = $1', tab) INTO c, k USING (ARRAY[3, 5, 7])[1 + i % 3];
    FOR r IN SELECT * FROM toast_rows WHERE id % 7 = i LOOP
      n := n + 1;
      -- (after the swap x is float8 and y integer: read them as numeric)
      x := to_jsonb(r) ->> 'x';
      y := to_jsonb(r) ->> 'y';
      IF incentive_matches(c, r) IS DISTINCT FROM (x % k = 0 AND x BETWEEN k AND 1000 * k AND y >= k - 3)
         OR incentive_matches(c, to_jsonb(r)) IS DISTINCT FROM (x % k = 0 AND x BETWEEN k AND 1000 * k AND y >= k - 3) THEN
        bad := bad + 1;
      END IF;
    END LOOP;
    IF i = 3 THEN
      ALTER TABLE toast_rows RENAME x TO t;
      ALTER TABLE toast_rows RENAME y TO x;
      ALTER TABLE toast_rows RENAME t TO y;
    END IF;
    -- every row takes another's rule: new stored values
    EXECUTE format('UPDATE %1$I t SET (k, cond) = (SELECT s.k, s.cond FROM %1$I s WHERE s.k = CASE t.k WHEN 3 THEN 5 WHEN 5 THEN 7 ELSE 3 END)', tab);
  END LOOP;
  RETURN bad || ' of ' || n || ' differ';
END $$;
BEGIN;
SELECT 'extended' AS storage, toast_loop('toast_conds');
ROLLBACK;
BEGIN;
SELECT 'external' AS storage, toast_loop('toast_conds_ext');
ROLLBACK;
BEGIN;
SELECT 'main' AS storage, toast_loop('toast_conds_main');
ROLLBACK;

-- More stored conditions than a call site keeps identities (256, 4 to a
-- set): 400 rules, stored two ways.  With the default storage some are
-- compressed in line (their compressed bytes are the key), the others out
-- of line (the TOAST pointer), so full sets give up a way, and a way's key
-- changes length.  With storage main they all stay in line, 241 of them
-- compressed to more than 2 kB (up to 5 kB: keys of either hash, see
-- stored_entry).  The rules come back for every member in another order,
-- and max_rule_cache_memory changes from member to member (0 keeps no
-- decoded condition, so no identity is found): every pair as SQL computes
-- it.
CREATE TABLE toast_ids (id int, k int, n int, cond incentive_condition);
CREATE TABLE toast_ids_main (LIKE toast_ids);
ALTER TABLE toast_ids_main ALTER COLUMN cond SET STORAGE main;
INSERT INTO toast_ids
SELECT i, 2 + i % 97, 60 + (i * 37) % 1400,
       ('x IN (' || string_agg((g * (2 + i % 97))::text, ', ' ORDER BY g) || ') AND y >= ' || ((2 + i % 97) % 5))::incentive_condition
FROM generate_series(1, 400) i, LATERAL generate_series(1, 60 + (i * 37) % 1400) g GROUP BY i;
INSERT INTO toast_ids_main SELECT id, k, n, (cond::text)::incentive_condition FROM toast_ids;
SELECT tab, count(*) AS rules, count(*) FILTER (WHERE pg_column_compression(cond) IS NOT NULL AND pg_column_size(cond) <= 2048) AS compressed_small,
       count(*) FILTER (WHERE pg_column_size(cond) > 2048) AS larger, count(DISTINCT cond) AS distinct_rules,
       pg_relation_size(min(reltoastrelid)) > 0 AS some_out_of_line
FROM (SELECT 'toast_ids' AS tab, cond FROM toast_ids UNION ALL SELECT 'toast_ids_main', cond FROM toast_ids_main) s
JOIN pg_class c ON c.relname = s.tab
GROUP BY tab ORDER BY tab;
CREATE FUNCTION toast_budget(i int) RETURNS int VOLATILE LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('community_retention.max_rule_cache_memory', (ARRAY['64MB', '0', '256kB', '1MB'])[1 + i % 4], true);
  RETURN i;
END $$;
CREATE FUNCTION toast_ids_check(tab text, OUT pairs bigint, OUT differ bigint) LANGUAGE plpgsql AS $$
BEGIN
  SET LOCAL enable_material = off;
  SET LOCAL community_retention.enable_rules_join = off;
  SET LOCAL max_parallel_workers_per_gather = 0;
  EXECUTE format($q$
    SELECT count(*),
           count(*) FILTER (WHERE incentive_matches(c.cond, s.r) IS DISTINCT FROM
                            ((s.r).x %% c.k = 0 AND (s.r).x BETWEEN c.k AND c.n * c.k AND (s.r).y >= c.k %% 5))
    FROM (SELECT r, toast_budget(r.id) FROM toast_rows r WHERE r.id %% 300 = 0 OFFSET 0) s
    CROSS JOIN LATERAL (SELECT c.* FROM %I c WHERE (s.r).id > 0 ORDER BY md5(c.id::text || (s.r).id) OFFSET 0) c$q$, tab)
    INTO pairs, differ;
END $$;
BEGIN;
SELECT 'toast_ids' AS tab, * FROM toast_ids_check('toast_ids');
ROLLBACK;
BEGIN;
SELECT 'toast_ids_main' AS tab, * FROM toast_ids_check('toast_ids_main');
ROLLBACK;
DROP FUNCTION toast_budget(int), toast_ids_check(text);
DROP TABLE toast_ids, toast_ids_main;

-- A compressed in-line condition longer than a page: PL/pgSQL outside a
-- transaction block (a DO block, a procedure) fetches a value stored out
-- of line into its variables and record fields still compressed, so
-- incentive_matches gets 9 to 30 kB of compressed bytes in line.  Such a
-- key is longer than stored_entry keeps (STORED_KEY_MAX): each is
-- decompressed again, never found by a key it did not store; two of them
-- alternate at each call site, member after member, through a variable and
-- a record field, with max_rule_cache_memory changing from member to
-- member.
CREATE TABLE toast_big (id int, k int, n int, cond incentive_condition);
INSERT INTO toast_big
SELECT i, k, n, ('x IN (' || string_agg((g * k)::text, ', ' ORDER BY g) || ') AND y >= ' || (k % 5))::incentive_condition
FROM (VALUES (1, 3, 3000), (2, 7, 9000), (3, 11, 300)) v(i, k, n), LATERAL generate_series(1, n) g GROUP BY i, k, n;
SELECT id, pg_column_size(cond) > 8192 AS over_a_page, pg_column_compression(cond) AS compression FROM toast_big ORDER BY id;
DO $$
DECLARE c incentive_condition; rule toast_big; m record; pairs int := 0; differ int := 0;
BEGIN
  FOR m IN SELECT * FROM toast_rows WHERE id % 10 = 0 ORDER BY id LOOP
    PERFORM set_config('community_retention.max_rule_cache_memory', (ARRAY['64MB', '0', '256kB'])[1 + m.id / 10 % 3], false);
    FOR rule IN SELECT * FROM toast_big ORDER BY (id + m.id) % 3 LOOP
      c := rule.cond;
      pairs := pairs + 1;
      IF incentive_matches(c, m) IS DISTINCT FROM (m.x % rule.k = 0 AND m.x BETWEEN rule.k AND rule.n * rule.k AND m.y >= rule.k % 5)
         OR incentive_matches(rule.cond, m) IS DISTINCT FROM incentive_matches(c, m) THEN
        differ := differ + 1;
      END IF;
    END LOOP;
  END LOOP;
  RESET community_retention.max_rule_cache_memory;
  RAISE NOTICE 'pairs: %, differ: %', pairs, differ;
END $$;
DROP TABLE toast_big;

DROP FUNCTION toast_loop(text);
DROP FUNCTION toast_check(text), toast_many(text), toast_plans();
DROP VIEW toast_src;
DROP TABLE toast_rows, toast_conds, toast_conds_ext, toast_conds_main;
