-- JSON \u escapes above U+007F in a database of any encoding (run by
-- test/scripts/suites/encodings.sh in LATIN1, EUC_JP and UTF8 databases): an
-- escape is the database encoding's character, as in PostgreSQL's own json
-- and jsonb input, and a character the encoding lacks is 22P05.  This file
-- is UTF-8; the server converts its literals ('été') to the database's
-- encoding.
SET client_encoding = 'UTF8';
BEGIN;
SELECT plan(23);
SELECT getdatabaseencoding() = 'LATIN1' AS latin1, getdatabaseencoding() = 'UTF8' AS utf8 \gset

CREATE TEMP TABLE rows AS
SELECT (i % 7)::float8 AS a, (i % 3)::float8 AS b, (i % 7 + i % 3) % 4 <> 0 AS y
FROM generate_series(1, 200) i;
CREATE TEMP TABLE trained AS
SELECT retention_train(ARRAY[a, b], y) AS m,
       retention_train(ARRAY[a, b], y, '{"features": ["f1", "été"]}') AS named
FROM rows;

-- the trained model's text with the JSON string name as its second feature's name
CREATE FUNCTION pg_temp.with_name(name text) RETURNS retention_model LANGUAGE sql AS $$
  SELECT replace(m::text, '"f2"', name)::retention_model FROM trained
$$;
CREATE FUNCTION pg_temp.second_name(m retention_model) RETURNS text LANGUAGE sql AS $$
  SELECT feature FROM retention_model_summary(m) WITH ORDINALITY AS s(feature, coefficient, std_error, z_value,
    p_value, odds_ratio, ci_lower, ci_upper, ord) WHERE ord = 3
$$;

-- retention_model text input
SELECT lives_ok($$SELECT pg_temp.with_name('"\u00e9t\u00e9"')$$,
  '\u00e9t\u00e9 in a feature name reads');
SELECT is(pg_temp.second_name(pg_temp.with_name('"\u00e9t\u00e9"')), 'été',
  'the name is the literal été written in this database');
SELECT is(convert_to(pg_temp.second_name(pg_temp.with_name('"\u00e9t\u00e9"')), getdatabaseencoding()),
  CASE getdatabaseencoding() WHEN 'LATIN1' THEN '\xe974e9' WHEN 'EUC_JP' THEN '\x8fabb1748fabb1'
                             WHEN 'UTF8' THEN '\xc3a974c3a9' END::bytea,
  'the name has the bytes of été in the database encoding');
SELECT is(convert_to(pg_temp.second_name(pg_temp.with_name('"\u00e9t\u00E9"')), 'UTF8'), '\xc3a974c3a9'::bytea,
  'converted to UTF-8 the name is U+00E9 U+0074 U+00E9');
SELECT is(pg_temp.with_name('"\u00e9t\u00e9"')::text, named::text,
  'the model equals the one trained with the feature name été') FROM trained;
SELECT ok(strpos(pg_temp.with_name('"\u00e9t\u00e9"')::text, '"été"') > 0,
  'text output writes the characters themselves');
SELECT is(pg_temp.with_name('"\u00e9t\u00e9"')::text::retention_model::text,
  pg_temp.with_name('"\u00e9t\u00e9"')::text, 'text output reads back to the same model');
SELECT is(pg_temp.with_name('"\u00e9t\u00e9"')::jsonb -> 'features' ->> 1, 'été',
  'the cast to jsonb holds the name');
SELECT is(retention_score(pg_temp.with_name('"\u00e9t\u00e9"'), '{"f1": 3, "été": 2}'::jsonb),
  retention_score(pg_temp.with_name('"\u00e9t\u00e9"'), ARRAY[3, 2]::float8[]),
  'retention_score(model, jsonb) finds the feature été by name');
\if :latin1
SELECT throws_ok($$SELECT pg_temp.with_name('"\u4e2d"')$$, '22P05',
  'character with byte sequence 0xe4 0xb8 0xad in encoding "UTF8" has no equivalent in encoding "LATIN1"',
  '\u4e2d, which LATIN1 lacks, is 22P05');
\else
SELECT is(pg_temp.second_name(pg_temp.with_name('"\u4e2d"')), '中', '\u4e2d is the database''s character 中');
\endif
\if :utf8
SELECT is(convert_to(pg_temp.second_name(pg_temp.with_name('"\ud83d\ude00"')), 'UTF8'), '\xf09f9880'::bytea,
  'a surrogate pair is one character, U+1F600');
\else
SELECT throws_ok($$SELECT pg_temp.with_name('"x\ud83d\ude00"')$$, '22P05', NULL,
  'a surrogate pair for U+1F600, which the encoding lacks, is 22P05');
\endif
SELECT is(pg_temp.second_name(pg_temp.with_name('"\u0066\u0032"')), 'f2', 'ASCII escapes read as before');

-- JsonLogic rules: jsonb converts the escapes, the rule keeps the characters
CREATE TEMP TABLE rule AS
SELECT '{"==": [{"var": "\u00e9t\u00e9"}, "caf\u00e9"]}'::jsonb::incentive_condition AS c;
SELECT is(c::text, 'coalesce("été" = ''café'', false)', 'the rule reads the feature été and the string café')
FROM rule;
SELECT is(incentive_features(c), ARRAY['été'], 'incentive_features names été') FROM rule;
SELECT ok(incentive_matches(c, '{"été": "café"}'::jsonb), 'the rule matches facts with été = café') FROM rule;
SELECT is(c::jsonb, '{"==": [{"var": "été"}, "café"]}'::jsonb, 'the rule converts back to its JsonLogic') FROM rule;
SELECT ok(c::text::incentive_condition = c, 'the rule''s text reads back to the same condition') FROM rule;
SELECT is(convert_to(array_to_string(incentive_features('{"var": "\u00e9t\u00e9"}'::jsonb::incentive_condition), ''),
                     'UTF8'), '\xc3a974c3a9'::bytea, 'converted to UTF-8 the rule''s feature is U+00E9 U+0074 U+00E9');
\if :latin1
SELECT throws_ok($$SELECT '{"var": "\u4e2d"}'::jsonb::incentive_condition$$, '22P05', NULL,
  'a JsonLogic rule with \u4e2d, which LATIN1 lacks, is 22P05 (jsonb''s input)');
\else
SELECT is(incentive_features('{"var": "\u4e2d"}'::jsonb::incentive_condition), ARRAY['中'],
  'a JsonLogic rule with \u4e2d names the feature 中');
\endif

-- JavaScript's Number() of a string trims Unicode white space, whatever the
-- database encoding: null < "\u00a05" is 0 < 5, true; "\u00c2\u00a05" is no
-- number (chr(160) is U+00A0 in LATIN1 and UTF8)
SELECT getdatabaseencoding() IN ('LATIN1', 'UTF8') AS has_nbsp, getdatabaseencoding() <> 'LATIN1' AS has_u3000,
       getdatabaseencoding() = 'EUC_JP' AS euc_jp \gset
\if :has_nbsp
SELECT is('{"<": [{"var": "s"}, "\u00a05"]}'::jsonb::incentive_condition::text, 'coalesce(s < ''' || chr(160) || '5'', true)',
  'U+00A0 (in LATIN1 the byte A0) is white space to Number()');
SELECT is('{"<": [{"var": "s"}, "\u00c2\u00a05"]}'::jsonb::incentive_condition::text, 'coalesce(s < ''Â' || chr(160) || '5'', false)',
  'U+00C2 U+00A0 (in LATIN1 the bytes C2 A0, which read as UTF-8 are U+00A0) is not a number');
\else
SELECT skip('U+00A0 is not in EUC_JP', 2);
\endif
\if :has_u3000
SELECT is('{"<": [{"var": "s"}, "\u3000 5\u3000"]}'::jsonb::incentive_condition::text, 'coalesce(s < ''　 5　'', true)',
  'U+3000 (ideographic space) is white space to Number()');
\else
SELECT skip('U+3000 is not in LATIN1', 1);
\endif
\if :euc_jp
-- the EUC_JP bytes A9 A1 have no Unicode equivalent: no white space, so no
-- number (as before the conversion), not a conversion error (22P05)
SELECT is(right(('{"<": [{"var": "s"}, "' || convert_from('\xa9a135', 'EUC_JP') || '"]}')::jsonb::incentive_condition::text, 10),
  '5'', false)', 'EUC_JP A9 A1 (no Unicode equivalent) is no number, not an error');
\else
SELECT skip('EUC_JP A9 A1: EUC_JP only', 1);
\endif

SELECT * FROM finish();
ROLLBACK;
