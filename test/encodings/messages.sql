-- Error messages that quote a name or a string cut at a byte count (the
-- plain-C kernels quote 40, 60, 64 or 192 bytes of it) hold whole characters
-- of the database encoding (run by test/scripts/suites/encodings.sh in LATIN1,
-- EUC_JP and UTF8 databases): with half a character, the error could not be
-- sent (22021 instead of the error it reports) or reached the client as
-- broken text.  é is 2 bytes in UTF-8 and 3 in EUC_JP, 日 2 in EUC_JP and 3
-- in UTF-8; each case says where the cut falls inside a character.
SET client_encoding = 'UTF8';
BEGIN;
SELECT plan(14);
SELECT getdatabaseencoding() = 'LATIN1' AS latin1 \gset

-- "SQLSTATE message / detail" of q's error, or where the text has a broken character
CREATE FUNCTION pg_temp.error_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  m text;
  d text;
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL;
  m := SQLSTATE || ' ' || SQLERRM || ' / ' || d;
  BEGIN
    PERFORM convert_to(m, getdatabaseencoding());
  EXCEPTION WHEN character_not_in_repertoire THEN
    RETURN 'a broken character in the error ' || SQLSTATE;
  END;
  RETURN m;
END $$;

SELECT alike(pg_temp.error_of(format($$SELECT '{"<": [{"var": "s"}, "I%s"]}'::jsonb::incentive_condition$$,
                                    repeat('é', 30))),
  '0A000 comparing a possibly null feature with the string ''Ié%é'', which JavaScript may read as a number at $ / ',
  'JsonLogic: a string quoted to 40 bytes (UTF-8 cuts é)');
SELECT alike(pg_temp.error_of(format($$SELECT '{"<": [{"var": "s"}, "Ix%s"]}'::jsonb::incentive_condition$$,
                                    repeat('é', 30))),
  '0A000 comparing a possibly null feature with the string ''Ixé%é'', which JavaScript may read as a number at $ / ',
  'JsonLogic: a string quoted to 40 bytes (EUC_JP cuts é)');
SELECT alike(pg_temp.error_of(format($$SELECT '{"x%s": 1}'::jsonb::incentive_condition$$, repeat('é', 40))),
  '0A000 unknown JsonLogic operation "xé%é" at $ / ',
  'JsonLogic: an operation quoted to 60 bytes (UTF-8 and EUC_JP cut é)');
SELECT alike(pg_temp.error_of(format($$SELECT '{"x%s": 1}'::retention_model$$, repeat('é', 40))),
  '22P02 invalid input syntax for type retention_model / At byte offset 1: Unknown key "xé%é".',
  'retention_model: a key quoted to 64 bytes (UTF-8 cuts é)');
SELECT alike(pg_temp.error_of(format($$SELECT '{"%s": 1}'::retention_model$$, repeat('é', 40))),
  '22P02 invalid input syntax for type retention_model / At byte offset 1: Unknown key "é%é".',
  'retention_model: a key quoted to 64 bytes (EUC_JP cuts é)');
-- not a kernel message, but cut the same way: the weighting name at 64 bytes
SELECT alike(pg_temp.error_of(format($$SELECT retention_logrank(1.0, true, 'a', 'x%s')$$, repeat('é', 40))),
  '22023 unknown log-rank weighting "xé%é" / ',
  'retention_logrank: a weighting quoted to 64 bytes (UTF-8 cuts é)');
SELECT alike(pg_temp.error_of(format($$SELECT retention_logrank(1.0, true, 'a', 'xy%s')$$, repeat('é', 40))),
  '22023 unknown log-rank weighting "xyé%é" / ',
  'retention_logrank: a weighting quoted to 64 bytes (EUC_JP cuts é)');
-- the unit of retention_spell too, as many whole characters as fit in 64
-- bytes: exactly 64 of them in UTF-8 (32 é) and LATIN1, 63 in EUC_JP (21 é,
-- 3 bytes each); then with an x first, exactly 64 in EUC_JP
SELECT is(pg_temp.error_of(format($$SELECT retention_spell('2025-01-01', NULL, '2025-02-01', '%s')$$, repeat('é', 100))),
  format('22023 unknown unit "%s" / ', repeat('é', CASE getdatabaseencoding() WHEN 'EUC_JP' THEN 21 WHEN 'LATIN1' THEN 64 ELSE 32 END)),
  'retention_spell: a unit quoted to 64 bytes of whole characters (32 é in UTF-8, 21 in EUC_JP)');
SELECT is(pg_temp.error_of(format($$SELECT retention_spell('2025-01-01', NULL, '2025-02-01', 'x%s')$$, repeat('é', 100))),
  format('22023 unknown unit "x%s" / ', repeat('é', CASE getdatabaseencoding() WHEN 'EUC_JP' THEN 21 WHEN 'LATIN1' THEN 63 ELSE 31 END)),
  'retention_spell: a unit quoted to 64 bytes of whole characters (x and 31 é in UTF-8, x and 21 in EUC_JP)');
\if :latin1
SELECT skip('LATIN1 has no multibyte characters', 5);
\else
SELECT alike(pg_temp.error_of(format($$SELECT 'x > 1 a%s'::incentive_condition$$, repeat('日', 30))),
  '42601 syntax error at position 7 in incentive condition / Expected AND, OR, an operator or the end of the condition, but found "a日%日...".',
  'condition text: a token quoted to 40 bytes (EUC_JP cuts 日)');
SELECT alike(pg_temp.error_of(format($$SELECT 'x > 1 ab%s'::incentive_condition$$, repeat('日', 30))),
  '42601 syntax error at position 7 in incentive condition / Expected AND, OR, an operator or the end of the condition, but found "ab日%日...".',
  'condition text: a token quoted to 40 bytes (UTF-8 cuts 日)');
-- Whole characters and as many as fit, not fewer: あ is A4 A2 in EUC_JP, and
-- bytes from 0x80 to 0xBF start characters there, where UTF-8 continues them
-- (read so, the quote lost every あ; the detail showed "...").
SELECT is(pg_temp.error_of(format($$SELECT 'x > 1 a%s'::incentive_condition$$, repeat('あ', 30))),
  format('42601 syntax error at position 7 in incentive condition / Expected AND, OR, an operator or the end of the condition, but found "a%s...".',
         repeat('あ', CASE getdatabaseencoding() WHEN 'EUC_JP' THEN 19 ELSE 13 END)),
  'condition text: a token quoted to 40 bytes is as many whole characters as fit (19 あ in EUC_JP, 13 in UTF-8)');
SELECT is(pg_temp.error_of($$SELECT 'x > 1 @あ'::incentive_condition$$),
  '42601 syntax error at position 7 in incentive condition / Expected an operand or an operator, but found "@".',
  'condition text: an unexpected character is quoted alone, not with the あ after it');
SELECT is(pg_temp.error_of(format($$SELECT '''%s'' + 1 > 0'::incentive_condition$$, repeat('あ', 100))),
  format('42804 operator + expects number operands, but one is text / In the expression: ''%s ...',
         repeat('あ', CASE getdatabaseencoding() WHEN 'EUC_JP' THEN 95 ELSE 63 END)),
  'condition text: a type error quotes 192 bytes of its sub-expression, as many whole characters as fit (95 あ in EUC_JP, 63 in UTF-8)');
\endif

SELECT * FROM finish();
ROLLBACK;
