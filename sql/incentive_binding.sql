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

DROP FUNCTION bind_alter_steps(), bind_dup(text), bind_try(text);
DROP TABLE wide_bind, bind_alter, bind_other;
RESET max_parallel_workers_per_gather;
