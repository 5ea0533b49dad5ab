-- contains(h, x), JsonLogic's "in" on a string, finds x only where a
-- character of h starts, as strpos does (run by test/scripts/suites/encodings.sh
-- in LATIN1, EUC_JP and UTF8 databases): in EUC_JP the bytes A2 A4 (a
-- character of their own) are in A4 A2 A4 A4 ("あい") but across two of its
-- characters, which json-logic-js's indexOf, reading characters, never finds.
-- The text is given as bytes; a pair whose bytes are not text of the
-- database encoding is skipped (all are valid in LATIN1).
SET client_encoding = 'UTF8';
BEGIN;
SELECT plan(24);

CREATE FUNCTION pg_temp.txt(b bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  RETURN convert_from(b, getdatabaseencoding());
EXCEPTION WHEN character_not_in_repertoire OR untranslatable_character THEN
  RETURN NULL;
END $$;

CREATE TEMP TABLE pairs(id int, h bytea, x bytea);
INSERT INTO pairs VALUES
  (1, '\xa4a2a4a4', '\xa2a4'),          -- EUC_JP: across two characters
  (2, '\xa4a2a4a4', '\xa4a4'),          -- the second character
  (3, '\xa4a2a4a4a2a4', '\xa2a4'),      -- across, then a character of its own
  (4, '\x8fabb1', '\xabb1'),            -- EUC_JP: the last two bytes of a 3-byte character
  (5, '\x61a4a2', '\x61a4'),            -- a character cut at its end
  (6, '\xc3a9c3a9', '\xa9c3');          -- UTF-8: across two e-acute (no UTF-8 text)
CREATE TEMP TABLE t AS
  SELECT id, pg_temp.txt(h) AS h, pg_temp.txt(x) AS x FROM pairs;
CREATE TEMP TABLE t_h(h text);
CREATE TEMP TABLE t_hx(h text, x varchar);

-- facts, a text column and a literal give strpos's answer
SELECT is(CASE WHEN h IS NULL OR x IS NULL THEN strpos('ab', 'b') > 0
               ELSE incentive_matches('contains(h, x)', jsonb_build_object('h', h, 'x', x)) END,
          coalesce(strpos(h, x) > 0, true), format('JSON facts, pair %s', id))
  FROM t ORDER BY id;
SELECT is(CASE WHEN h IS NULL OR x IS NULL THEN strpos('ab', 'b') > 0
               ELSE incentive_matches(format('contains(h, %L)', x)::incentive_condition, row(h)::t_h) END,
          coalesce(strpos(h, x) > 0, true), format('text column, pair %s', id))
  FROM t ORDER BY id;
SELECT is(CASE WHEN h IS NULL OR x IS NULL THEN strpos('ab', 'b') > 0
               ELSE incentive_matches(format('{"in": [%s, %s]}', to_jsonb(x), to_jsonb(h))::jsonb::incentive_condition, '{}'::jsonb) END,
          coalesce(strpos(h, x) > 0, true), format('JsonLogic string literal, pair %s', id))
  FROM t ORDER BY id;
SELECT is(CASE WHEN h IS NULL OR x IS NULL THEN strpos('ab', 'b') > 0
               ELSE incentive_matches('contains(h, x)', row(h, x)::t_hx) END,
          coalesce(strpos(h, x) > 0, true), format('two text columns, pair %s', id))
  FROM t ORDER BY id;
SELECT * FROM finish();
ROLLBACK;
