-- Binding features to columns by name: a hash of the row type's column
-- names, built once per row type and call site, must find exactly what
-- comparing every column's name would: the name byte for byte (case,
-- blanks and quotes are part of it), never a dropped column (whose slot in
-- the row type keeps a made-up name), and a name two columns share is
-- ambiguous only when a condition reads it.  The row types here are wide
-- (about a thousand columns), so that names share hash buckets.
--
-- wide_bind: f<g> for g = 1..600 (value g); "F<g>" for g % 3 = 0 (-g),
-- which differs from f<g> only by case; "f<g> " with a trailing blank for
-- g % 5 = 0 (10000 + g); "q""<g>" with a double quote for g % 11 = 0
-- (20000 + g); d<g> for g % 7 = 0, dropped; a 63-byte name (the longest a
-- column has) last.
SELECT format('CREATE TABLE wide_bind (%s, %I int)',
              string_agg(concat_ws(', ', format('f%s int', g),
                                   CASE WHEN g % 3 = 0 THEN format('%I int', 'F' || g) END,
                                   CASE WHEN g % 5 = 0 THEN format('%I int', 'f' || g || ' ') END,
                                   CASE WHEN g % 11 = 0 THEN format('%I int', 'q"' || g) END,
                                   CASE WHEN g % 7 = 0 THEN format('d%s int', g) END), ', ' ORDER BY g),
              repeat('l', 63))
FROM generate_series(1, 600) g \gexec
CREATE TEMP TABLE wide_vals AS
SELECT 'f' || g AS name, g AS val FROM generate_series(1, 600) g
UNION ALL SELECT 'F' || g, -g FROM generate_series(3, 600, 3) g
UNION ALL SELECT 'f' || g || ' ', 10000 + g FROM generate_series(5, 600, 5) g
UNION ALL SELECT 'q"' || g, 20000 + g FROM generate_series(11, 600, 11) g
UNION ALL SELECT repeat('l', 63), 63;
INSERT INTO wide_bind
SELECT * FROM jsonb_populate_record(NULL::wide_bind,
  (SELECT jsonb_object_agg(name, val) FROM wide_vals) || (SELECT jsonb_object_agg('d' || g, -1) FROM generate_series(7, 600, 7) g));
ALTER TABLE wide_bind DROP COLUMN d7, DROP COLUMN d14, DROP COLUMN d595;
SELECT format('ALTER TABLE wide_bind %s', string_agg(format('DROP COLUMN d%s', g), ', '))
FROM generate_series(21, 588, 7) g \gexec
SELECT count(*) FILTER (WHERE NOT attisdropped) AS live, count(*) FILTER (WHERE attisdropped) AS dropped
FROM pg_attribute WHERE attrelid = 'wide_bind'::regclass AND attnum > 0;

-- Every live column read by a condition of its own, quoted as needed: true
-- for its value, false for another; at one call site, so one hash of the
-- row type serves them all.
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS conditions,
       count(*) FILTER (WHERE incentive_matches(format('%I = %s', v.name, v.val)::incentive_condition, w)) AS true_for_value,
       count(*) FILTER (WHERE incentive_matches(format('%I = %s', v.name, v.val + 1)::incentive_condition, w)) AS true_for_another
FROM wide_vals v, wide_bind w;
-- the same through incentive_match_all and incentive_validate
SELECT cardinality(incentive_match_all(array_agg(format('%I = %s', v.name, v.val + (v.val % 2))::incentive_condition ORDER BY v.name), w)) AS matched,
       count(*) FILTER (WHERE v.val % 2 = 0) AS even_values
FROM wide_vals v, wide_bind w GROUP BY w;
SELECT count(*) AS validated FROM wide_vals v
WHERE incentive_validate(format('%I > 0', v.name)::incentive_condition, NULL::wide_bind);
-- one condition reading every live column (975 names), then the same with
-- one value off: {1}
SELECT incentive_match_all(ARRAY[string_agg(format('%I = %s', name, val), ' AND ' ORDER BY name DESC)::incentive_condition,
                                 string_agg(format('%I = %s', name, val + (name = 'F300')::int), ' AND ' ORDER BY name)::incentive_condition], w)
FROM wide_vals, wide_bind w GROUP BY w;
-- and in a rules join, a rule per column
SELECT count(*) AS pairs_matched FROM wide_bind w
JOIN (SELECT format('%I = %s', name, val)::incentive_condition AS c FROM wide_vals) r ON incentive_matches(r.c, w);

-- Names that are no live column: each an error, whichever way it is read.
-- An unquoted name folds to lower case (F1 is f1), "F1" keeps its case and
-- is no column (F<g> exists for g % 3 = 0 only); a dropped column, by its
-- name or the name its slot keeps; a name one byte longer than the 63-byte
-- column (PostgreSQL would truncate it as an identifier; a feature name is
-- not one).
SELECT format('"........pg.dropped.%s........" = 0', attnum) AS dropped_slot_name
FROM pg_attribute WHERE attrelid = 'wide_bind'::regclass AND attisdropped ORDER BY attnum LIMIT 1 \gset
CREATE FUNCTION bind_try(cond text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; r record;
BEGIN
  SELECT incentive_matches(cond::incentive_condition, w) AS m INTO r FROM wide_bind w;
  RETURN 'matches: ' || r.m;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
  RETURN st || ' ' || regexp_replace(msg, '[0-9]{2,}', 'N', 'g');
END $$;
SELECT c, bind_try(c) FROM (VALUES
  ('F1 = 1'), ('"F1" = 1'), ('"F3" = -3'), ('"f3" = 3'), ('f3 = 3'),
  ('"f5 " = 10005'), ('"f5" = 5'), ('"f5  " = 10005'), ('"f6 " = 6'),
  ('"q""11" = 20011'), ('"q""12" = 20012'), ('"Q""11" = 20011'),
  ('d7 = -1'), ('d595 = -1'), (:'dropped_slot_name'),
  ('"' || repeat('l', 63) || '" = 63'), ('"' || repeat('l', 64) || '" = 63'), ('"' || repeat('l', 62) || '" = 63')
) t(c) ORDER BY 1;

-- A name two columns share: ambiguous when read, whatever the other
-- columns; harmless when not read.  f1 twice, F3 three times.
CREATE FUNCTION bind_dup(cond text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE st text; msg text; r record;
BEGIN
  SELECT incentive_matches(cond::incentive_condition, s) AS m INTO r
  FROM (SELECT w.*, w.f2 AS f1, 3 AS "F3", 4 AS "F3" FROM wide_bind w) s;
  RETURN 'matches: ' || r.m;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
  RETURN st || ' ' || msg;
END $$;
SELECT c, bind_dup(c) FROM (VALUES ('f1 = 1'), ('"F3" < 0'), ('f2 = 2 AND "F3" < 0'), ('f2 = 2'), ('"f5 " = 10005')) t(c)
ORDER BY 1;

-- The row type changing under one call site (PL/pgSQL keeps a simple
-- expression's for the transaction, and with it the row type's columns by
-- name): columns swapped by renaming, a column dropped and added again
-- under its name, a column added whose name differs from another's only by
-- case, then renamed; a subquery's row type gaining a second column of a
-- name read; incentive_validate keeps the row type's columns too.  Each
-- answer is the one for the columns as they are then.
CREATE TABLE bind_alter (a int, b int, c int);
INSERT INTO bind_alter VALUES (1, 2, 3);
CREATE TABLE bind_other (k int);
INSERT INTO bind_other VALUES (1);
CREATE FUNCTION bind_alter_steps() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE r bind_alter; cond text; m boolean; st text; msg text;
BEGIN
  FOR i IN 1..7 LOOP
    SELECT * INTO r FROM bind_alter;
    FOREACH cond IN ARRAY ARRAY['a = 1 AND b = 2 AND c = 3', '"A" = 10 AND b = 1', 'joined: k = 1 AND b = 1',
                                'validate: "A" = 10 AND c = 3'] LOOP
      BEGIN
        IF cond LIKE 'joined: %' THEN
          SELECT incentive_matches(substr(cond, 9)::incentive_condition, t) INTO m
          FROM (SELECT x.*, o.* FROM bind_alter x, bind_other o) t;
        ELSIF cond LIKE 'validate: %' THEN
          m := incentive_validate(substr(cond, 11)::incentive_condition, NULL::bind_alter);
        ELSE
          m := incentive_matches(cond::incentive_condition, r);
        END IF;
        RETURN NEXT i || ': ' || cond || ': ' || m;
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        RETURN NEXT i || ': ' || cond || ': ' || st || ' ' || msg;
      END;
    END LOOP;
    CASE i
      WHEN 1 THEN ALTER TABLE bind_alter RENAME a TO t; ALTER TABLE bind_alter RENAME b TO a; ALTER TABLE bind_alter RENAME t TO b;
      WHEN 2 THEN ALTER TABLE bind_alter DROP COLUMN c; ALTER TABLE bind_alter ADD COLUMN c int DEFAULT 3;
      WHEN 3 THEN ALTER TABLE bind_alter ADD COLUMN "A" int DEFAULT 10;
      WHEN 4 THEN ALTER TABLE bind_other ADD COLUMN b int DEFAULT 5;
      WHEN 5 THEN ALTER TABLE bind_other RENAME b TO "B";
      WHEN 6 THEN ALTER TABLE bind_alter RENAME "A" TO "a "; ALTER TABLE bind_alter RENAME a TO "A";
      ELSE NULL;
    END CASE;
  END LOOP;
END $$;
BEGIN;
SELECT * FROM bind_alter_steps();
ROLLBACK;

-- A call site whose plan outlives ALTER TABLE (the row comes from a
-- PL/pgSQL function, so nothing in the expression's plan depends on the
-- table and PL/pgSQL keeps it, and the binding cache, for the transaction):
-- the cache must notice that the row type changed under the same OID.
-- Columns swapped by renaming, one dropped, one added again.
CREATE TABLE bind_fn (a int, b int, c int);
INSERT INTO bind_fn VALUES (1, 2, 3);
CREATE FUNCTION bind_fn_row() RETURNS bind_fn LANGUAGE plpgsql AS $$
DECLARE r bind_fn;
BEGIN
  SELECT * INTO r FROM bind_fn;
  RETURN r;
END $$;
CREATE FUNCTION bind_fn_steps() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE m text; st text; msg text;
BEGIN
  FOR i IN 1..4 LOOP
    BEGIN
      m := incentive_matches('a = 1 AND b = 2', bind_fn_row());
      RETURN NEXT i || ': matches: ' || m;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
      RETURN NEXT i || ': matches: ' || st || ' ' || msg;
    END;
    BEGIN
      m := incentive_match_all(ARRAY['b = 1', 'c = 3', 'b = 2']::incentive_condition[], bind_fn_row());
      RETURN NEXT i || ': match_all: ' || m;
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
      RETURN NEXT i || ': match_all: ' || st || ' ' || msg;
    END;
    CASE i
      WHEN 1 THEN ALTER TABLE bind_fn RENAME a TO t; ALTER TABLE bind_fn RENAME b TO a; ALTER TABLE bind_fn RENAME t TO b;
      WHEN 2 THEN ALTER TABLE bind_fn DROP COLUMN a;
      WHEN 3 THEN ALTER TABLE bind_fn ADD COLUMN a int DEFAULT 1;
      ELSE NULL;
    END CASE;
  END LOOP;
END $$;
BEGIN;
SELECT * FROM bind_fn_steps();
ROLLBACK;
DROP FUNCTION bind_fn_steps(), bind_fn_row();
DROP TABLE bind_fn;

-- A composite type (not a table) changing under one PL/pgSQL call site,
-- read as itself and through a domain over it (whose values carry the
-- type's OID): an attribute renamed, one added, one dropped, and one
-- renamed to a name another had before.  incentive_validate against the
-- domain follows the same changes.
CREATE TYPE bind_ct AS (a int, b int);
CREATE DOMAIN bind_dct AS bind_ct;
CREATE FUNCTION bind_type_steps() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE v bind_ct; d bind_dct; cond text; m text; st text; msg text;
BEGIN
  FOR i IN 1..5 LOOP
    v := ROW(1, 2)::bind_ct;
    d := v;
    FOREACH cond IN ARRAY ARRAY['a = 1', 'b = 2', 'c = 1', 'validate: b = 2', 'domain: a = 1 OR c = 1'] LOOP
      BEGIN
        -- three call sites, each kept (with its cache) for the transaction
        -- until it raises an error, after which PL/pgSQL plans it anew
        IF cond LIKE 'validate: %' THEN
          m := incentive_validate(substr(cond, 11)::incentive_condition, NULL::bind_dct);
        ELSIF cond LIKE 'domain: %' THEN
          m := incentive_matches(substr(cond, 9)::incentive_condition, d);
        ELSE
          m := incentive_matches(cond::incentive_condition, v);
        END IF;
        RETURN NEXT format('%s: %s: %s', i, cond, m);
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, st = RETURNED_SQLSTATE;
        RETURN NEXT format('%s: %s: %s %s', i, cond, st, msg);
      END;
    END LOOP;
    IF i = 1 THEN
      ALTER TYPE bind_ct RENAME ATTRIBUTE a TO c;
    ELSIF i = 2 THEN
      ALTER TYPE bind_ct ADD ATTRIBUTE a int;
    ELSIF i = 3 THEN
      ALTER TYPE bind_ct DROP ATTRIBUTE b;
    ELSIF i = 4 THEN
      ALTER TYPE bind_ct RENAME ATTRIBUTE c TO b;
    END IF;
  END LOOP;
END $$;
BEGIN;
SELECT * FROM bind_type_steps();
ROLLBACK;
DROP FUNCTION bind_type_steps();
DROP DOMAIN bind_dct;
DROP TYPE bind_ct;

-- Anonymous row types of three subqueries at one call site, row after row
-- (each its own typmod): the same names at other positions and of other
-- types, so a table of one row type's names used for another would read
-- the wrong column.  Then ROW(...) (columns f1, f2, ...) and a table with
-- no column.
SELECT g,
       incentive_matches('a = 1 AND b = 2', CASE g % 3 WHEN 0 THEN (SELECT s FROM (SELECT 1 AS a, 2 AS b) s)
                                                 WHEN 1 THEN (SELECT s FROM (SELECT 2 AS b, 1 AS a, 7 AS c) s)
                                                 ELSE (SELECT s FROM (SELECT 'x'::text AS c, 2 AS b, 1::numeric AS a) s) END) AS matches,
       incentive_match_all(ARRAY['a = 1', 'b = 2', 'a = 2']::incentive_condition[],
                           CASE g % 3 WHEN 0 THEN (SELECT s FROM (SELECT 1 AS a, 2 AS b) s)
                                      WHEN 1 THEN (SELECT s FROM (SELECT 2 AS b, 2 AS a, 7 AS c) s)
                                      ELSE (SELECT s FROM (SELECT 'x'::text AS c, 2 AS b, 1::numeric AS a) s) END) AS match_all,
       incentive_validate('c = 7', CASE WHEN g % 2 = 0 THEN (SELECT s FROM (SELECT 1 AS c) s)
                                        ELSE (SELECT s FROM (SELECT 2 AS b, 7 AS c) s) END) AS validated
FROM generate_series(1, 6) g ORDER BY g;
SELECT g, incentive_matches('f1 = 1 AND f2 = ''x''', ROW(g, 'x'::text)) FROM generate_series(1, 2) g ORDER BY g;
CREATE TABLE bind_none ();
INSERT INTO bind_none DEFAULT VALUES;
SELECT incentive_matches('1 = 1', n) AS no_feature FROM bind_none n;
SELECT incentive_matches('a = 1', n) FROM bind_none n;
SELECT incentive_validate('a = 1', NULL::bind_none);
DROP TABLE bind_none;

-- The widest row type (1,664 columns, a target list's limit): its first,
-- middle and last columns, and a name it does not have.
CREATE FUNCTION bind_widest(conds text[]) RETURNS text LANGUAGE plpgsql AS $$
DECLARE res text; st text; msg text;
BEGIN
  EXECUTE format('SELECT incentive_match_all(%L::incentive_condition[], s)::text FROM (SELECT %s) s', conds,
                 (SELECT string_agg(format('%s AS c%s', g, g), ', ' ORDER BY g) FROM generate_series(1, 1664) g))
  INTO res;
  RETURN res;
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
  RETURN st || ' ' || msg;
END $$;
SELECT bind_widest(ARRAY['c1664 = 1664 AND c1 = 1 AND c832 = 832', 'c1664 = 1', 'c1663 = 1663', 'c1 = 1']);
SELECT bind_widest(ARRAY['c1 = 1', 'c1665 = 1']);
DROP FUNCTION bind_widest(text[]);

DROP FUNCTION bind_alter_steps(), bind_dup(text), bind_try(text);
DROP TABLE wide_bind, bind_alter, bind_other;
RESET max_parallel_workers_per_gather;
