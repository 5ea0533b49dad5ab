-- Bad-input matrix of the model pillar (issue 7): every public function of
-- the retention model and the retention_model type's text input, fed NULLs,
-- empty and odd arrays, non-finite and huge numbers, wrong lengths and types,
-- and malformed or truncated text.  Each case prints its SQLSTATE, message,
-- detail and hint, or "ok: " and the result; the server must never crash.
-- Binary receive is covered by test/unit/test_model_codec.c, the fuzz
-- harnesses and the binary COPY round trip of the dump suite.
\set SHOW_CONTEXT never
\pset tuples_only on
\pset format unaligned
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r text; st text; msg text; det text; hnt text;
BEGIN
  EXECUTE q INTO r;
  RETURN 'ok: ' || coalesce(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                          det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
  RETURN st || ' ' || msg || coalesce(' | ' || nullif(det, ''), '')
         || coalesce(' | HINT: ' || nullif(hnt, ''), '');
END $$;

-- A model printed by the server (see test/fuzz/corpus/model_text/), fixed
-- here so that the outputs do not depend on the solver's last bits.
CREATE TEMP TABLE base(t text);
INSERT INTO base VALUES ('{"format_version": 1, "features": ["f1", "f2"], "intercept": -0.7581674609507628, "coefficients": [-0.03797606736493625, 0.09868856872623903], "means": [-0.0012717101366043204, 0.5026838751776239], "fit_intercept": true, "class_weight": null, "n_rows": 100, "n_skipped": 0, "n_retained": 33, "iterations": 3, "converged": true, "log_likelihood": -63.39641466973005, "null_log_likelihood": -63.417863571220565, "l2": 0, "condition_number": 1.0289589269084736, "score_deciles": [0.31826450974381854, 0.3189049476062575, 0.3205135942931021, 0.3228904130417128, 0.325534619996668, 0.3288826366285598, 0.3307000648193086, 0.3323597699398686, 0.33880894960201186, 0.3470172528133487, 0.3494392106033385], "score_shares": [0.11, 0.1, 0.1, 0.1, 0.1, 0.09, 0.1, 0.1, 0.1, 0.1], "covariance": [[0.13878477419297036, 0.00043014171975055477, -0.18455300724690335], [0.00043014171975055477, 0.08929020262842789, 0.00048631978245530956], [-0.18455300724690335, 0.00048631978245530956, 0.36415231697386524]]}');
CREATE TEMP TABLE models(name text PRIMARY KEY, model retention_model);
INSERT INTO models SELECT 'm', t::retention_model FROM base;
-- coefficients whose products with 1e308 overflow to +Infinity and -Infinity
INSERT INTO models SELECT 'big', replace(t, '[-0.03797606736493625, 0.09868856872623903]', '[10, -20]')::retention_model FROM base;
-- four features with coefficients 1, 1, -1, -1 and intercept 0: with
-- features of 1e308 and more, partial sums overflow without any term being
-- NaN (1e308 + 1e308 = Infinity, then Infinity - 1.7e308 stays Infinity)
INSERT INTO models SELECT 'four', (t::jsonb || '{"features": ["f1", "f2", "f3", "f4"], "intercept": 0, "coefficients": [1, 1, -1, -1], "means": [0, 0, 0, 0], "covariance": [[1, 0, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1]]}')::text::retention_model FROM base;
-- a model without training score deciles (drift cannot be measured)
INSERT INTO models SELECT 'nodeciles', regexp_replace(t, ', "score_deciles": \[[^]]*\], "score_shares": \[[^]]*\]', '')::retention_model FROM base;
-- the same model with other training score deciles
INSERT INTO models SELECT 'shifted', replace(t, '[0.31826450974381854,', '[0.3,')::retention_model FROM base;
SELECT name, model::text::retention_model::text = model::text AS round_trip FROM models ORDER BY name;

-- ---------------------------------------------------------------- text input
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('empty string', $$SELECT ''::retention_model::text$$),
  ('white space', $$SELECT ' '::retention_model::text$$),
  ('not JSON', $$SELECT 'model'::retention_model::text$$),
  ('JSON array', $$SELECT '[1, 2]'::retention_model::text$$),
  ('JSON string', $$SELECT '"model"'::retention_model::text$$),
  ('empty object', $$SELECT '{}'::retention_model::text$$),
  ('missing key', $$SELECT replace(t, '"n_skipped": 0, ', '')::retention_model::text FROM base$$),
  ('unknown key', $$SELECT replace(t, '"l2": 0', '"lambda": 0')::retention_model::text FROM base$$),
  ('duplicate key', $$SELECT replace(t, '"l2": 0', '"l2": 0, "l2": 1')::retention_model::text FROM base$$),
  ('deciles without shares', $$SELECT regexp_replace(t, ', "score_shares": \[[^]]*\]', '')::retention_model::text FROM base$$),
  ('too few coefficients', $$SELECT replace(t, '[-0.03797606736493625, 0.09868856872623903]', '[1]')::retention_model::text FROM base$$),
  ('too many means', $$SELECT replace(t, '"means": [', '"means": [1, ')::retention_model::text FROM base$$),
  ('covariance 2x2', $$SELECT regexp_replace(t, '"covariance": .*', '"covariance": [[1, 0], [0, 1]]}')::retention_model::text FROM base$$),
  ('ragged covariance', $$SELECT replace(t, '[[0.13878477419297036, ', '[[')::retention_model::text FROM base$$),
  ('negative condition number', $$SELECT replace(t, '"condition_number": 1.0289589269084736', '"condition_number": -1')::retention_model::text FROM base$$),
  ('zero condition number', $$SELECT replace(t, '"condition_number": 1.0289589269084736', '"condition_number": 0')::retention_model::text FROM base$$),
  ('condition number of 1.0 below 1', $$SELECT condition_number FROM base, retention_model_info(replace(t, '"condition_number": 1.0289589269084736', '"condition_number": 0.9999997385271221')::retention_model)$$),
  ('asymmetric covariance', $$SELECT replace(t, '[0.00043014171975055477, 0.08929020262842789', '[0.0005, 0.08929020262842789')::retention_model::text FROM base$$),
  ('no features', $$SELECT replace(t, '["f1", "f2"]', '[]')::retention_model::text FROM base$$),
  ('number as a name', $$SELECT replace(t, '["f1", "f2"]', '["f1", 2]')::retention_model::text FROM base$$),
  ('string as a number', $$SELECT replace(t, '"intercept": -0.7581674609507628', '"intercept": "-0.75"')::retention_model::text FROM base$$),
  ('NaN', $$SELECT replace(t, '"intercept": -0.7581674609507628', '"intercept": NaN')::retention_model::text FROM base$$),
  ('"NaN" string', $$SELECT replace(t, '"intercept": -0.7581674609507628', '"intercept": "NaN"')::retention_model::text FROM base$$),
  ('Infinity', $$SELECT replace(t, '"l2": 0', '"l2": Infinity')::retention_model::text FROM base$$),
  ('1e400', $$SELECT replace(t, '"l2": 0', '"l2": 1e400')::retention_model::text FROM base$$),
  ('1e-400', $$SELECT replace(t, '"l2": 0', '"l2": 1e-400')::retention_model::text FROM base$$),
  ('1e308 intercept', $$SELECT retention_score(replace(t, '"intercept": -0.7581674609507628', '"intercept": 1e308')::retention_model, ARRAY[0, 0]) FROM base$$),
  ('5e-324 l2', $$SELECT l2 FROM base, retention_model_info(replace(t, '"l2": 0', '"l2": 5e-324')::retention_model)$$),
  ('fractional count', $$SELECT replace(t, '"n_rows": 100', '"n_rows": 100.5')::retention_model::text FROM base$$),
  ('negative count', $$SELECT replace(t, '"n_rows": 100', '"n_rows": -100')::retention_model::text FROM base$$),
  ('count beyond int64', $$SELECT replace(t, '"n_rows": 100', '"n_rows": 9223372036854775808')::retention_model::text FROM base$$),
  ('boolean as a number', $$SELECT replace(t, '"converged": true', '"converged": 1')::retention_model::text FROM base$$),
  ('unknown class_weight', $$SELECT replace(t, '"class_weight": null', '"class_weight": "auto"')::retention_model::text FROM base$$),
  ('duplicate names', $$SELECT replace(t, '["f1", "f2"]', '["f1", "f1"]')::retention_model::text FROM base$$),
  ('empty name', $$SELECT replace(t, '["f1", "f2"]', '["f1", ""]')::retention_model::text FROM base$$),
  ('64-byte name', $$SELECT replace(t, '["f1", "f2"]', '["f1", "' || repeat('x', 64) || '"]')::retention_model::text FROM base$$),
  ('63-byte name', $$SELECT length(replace(t, '["f1", "f2"]', '["f1", "' || repeat('x', 63) || '"]')::retention_model::text) FROM base$$),
  ('NUL escape in a name', $$SELECT replace(t, '"f2"', '"f\u0000"')::retention_model::text FROM base$$),
  ('lone surrogate in a name', $$SELECT replace(t, '"f2"', '"f\ud834"')::retention_model::text FROM base$$),
  ('escapes in a name', $$SELECT to_json(feature)::text FROM base, retention_model_summary(replace(t, '"f2"', '"\u00e9\ud834\udd1e \"q\" \t"')::retention_model) OFFSET 2$$),
  ('shares not summing to 1', $$SELECT replace(t, '[0.11, 0.1,', '[0.12, 0.1,')::retention_model::text FROM base$$),
  ('descending deciles', $$SELECT replace(t, '[0.31826450974381854, 0.3189049476062575', '[0.31826450974381854, 0.3')::retention_model::text FROM base$$),
  ('negative variance', $$SELECT replace(t, '[[0.13878477419297036', '[[-0.13878477419297036')::retention_model::text FROM base$$),
  ('positive log-likelihood', $$SELECT replace(t, '"log_likelihood": -63.39641466973005', '"log_likelihood": 1')::retention_model::text FROM base$$),
  ('negative l2', $$SELECT replace(t, '"l2": 0', '"l2": -1')::retention_model::text FROM base$$),
  ('intercept without fit_intercept', $$SELECT replace(t, '"fit_intercept": true', '"fit_intercept": false')::retention_model::text FROM base$$),
  ('zero intercept without fit_intercept', $$SELECT n_features FROM base, retention_model_info(replace(replace(t, '"fit_intercept": true', '"fit_intercept": false'), '"intercept": -0.7581674609507628', '"intercept": 0')::retention_model)$$),
  ('version 2', $$SELECT replace(t, '"format_version": 1', '"format_version": 2')::retention_model::text FROM base$$),
  ('version 2, unknown keys', $$SELECT replace(t, '"format_version": 1', '"format_version": 2, "calibration": {"a": [1]}')::retention_model::text FROM base$$),
  ('version 0', $$SELECT replace(t, '"format_version": 1', '"format_version": 0')::retention_model::text FROM base$$),
  ('truncated at 1 byte', $$SELECT left(t, 1)::retention_model::text FROM base$$),
  ('truncated at 100 bytes', $$SELECT left(t, 100)::retention_model::text FROM base$$),
  ('truncated before the brace', $$SELECT left(t, -1)::retention_model::text FROM base$$),
  ('trailing garbage', $$SELECT (t || ' x')::retention_model::text FROM base$$),
  ('two objects', $$SELECT (t || t)::retention_model::text FROM base$$),
  ('deep nesting', $$SELECT ('{"x": ' || repeat('[', 100000) || repeat(']', 100000) || '}')::retention_model::text$$),
  ('keys reordered, white space', $$SELECT (E'\n{ "format_version" : 1 ,' || replace(replace(t, '{"format_version": 1,', ''), ', ', E',\n\t'))::retention_model::text = t FROM base$$)
) c(label, q);
-- every prefix of a valid text is rejected, none crashes
SELECT count(*) AS prefixes, count(*) FILTER (WHERE r LIKE '22P02 %') AS rejected_22p02
FROM base, generate_series(0, length(t) - 1) n, pg_temp.try(format('SELECT %L::retention_model::text', left(t, n))) r;
-- text output, cast to jsonb and back
SELECT (model::jsonb)->'features', (model::text::retention_model)::text = model::text FROM models WHERE name = 'm';

-- ---------------------------------------------------------------- training
CREATE TEMP TABLE rows_ AS
SELECT i, sin(i) AS x, cos(i * 0.7) AS z, i % 3 = 0 AS y FROM generate_series(1, 100) i;
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('NULL arrays', $$SELECT retention_train(NULL::float8[], y) IS NULL FROM rows_$$),
  ('NULL labels', $$SELECT retention_train(ARRAY[x], NULL) IS NULL FROM rows_$$),
  ('no rows', $$SELECT retention_train(ARRAY[x], y) IS NULL FROM rows_ WHERE false$$),
  ('no rows, options not read', $$SELECT retention_train(ARRAY[x], y, '{"bogus": 1}') IS NULL FROM rows_ WHERE false$$),
  ('NULL elements skipped', $$SELECT (n_rows, n_skipped)::text FROM retention_model_info((SELECT retention_train(ARRAY[CASE WHEN i % 10 = 0 THEN NULL ELSE x END, z], y) FROM rows_))$$),
  ('NULL array rows skipped', $$SELECT (n_rows, n_skipped)::text FROM retention_model_info((SELECT retention_train(CASE WHEN i % 10 = 0 THEN NULL ELSE ARRAY[x, z] END, y) FROM rows_))$$),
  ('empty arrays', $$SELECT retention_train('{}'::float8[], y) FROM rows_$$),
  ('2-D arrays', $$SELECT retention_train(ARRAY[[x, z]], y) FROM rows_$$),
  ('lower bound 0 (values taken in order)', $$SELECT (SELECT retention_train(('[0:1]={' || x || ',' || z || '}')::float8[], y) FROM rows_)::text = (SELECT retention_train(ARRAY[x, z], y) FROM rows_)::text$$),
  ('NaN', $$SELECT retention_train(ARRAY[CASE WHEN i = 50 THEN 'NaN' ELSE x END, z], y) FROM rows_$$),
  ('Infinity', $$SELECT retention_train(ARRAY[x, CASE WHEN i = 50 THEN '-Infinity' ELSE z END], y) FROM rows_$$),
  ('NaN skipped with skip_invalid', $$SELECT (n_rows, n_skipped)::text FROM retention_model_info((SELECT retention_train(ARRAY[CASE WHEN i = 50 THEN 'NaN' ELSE x END, z], y, '{"skip_invalid": true}') FROM rows_))$$),
  ('1e308 features', $$SELECT retention_train(ARRAY[x * 1e308, z], y) IS NOT NULL FROM rows_$$),
  ('one 1e308 value', $$SELECT retention_train(ARRAY[CASE WHEN i = 50 THEN 1e308 ELSE x END, z], y) IS NOT NULL FROM rows_$$),
  ('1e90 features', $$SELECT retention_train(ARRAY[x * 1e90, z], y) IS NOT NULL FROM rows_$$),
  ('1e-308 features', $$SELECT retention_train(ARRAY[x * 1e-308, z], y) IS NOT NULL FROM rows_$$),
  ('wrong lengths', $$SELECT retention_train(CASE WHEN i = 50 THEN ARRAY[x] ELSE ARRAY[x, z] END, y) FROM rows_$$),
  ('first row skipped with skip_invalid, of another length', $$SELECT (n_rows, n_skipped)::text FROM retention_model_info((SELECT retention_train(CASE WHEN i = 1 THEN ARRAY['NaN', x, z] ELSE ARRAY[x, z] END, y, '{"skip_invalid": true}') FROM rows_))$$),
  ('later row skipped with skip_invalid, of another length', $$SELECT (n_rows, n_skipped)::text FROM retention_model_info((SELECT retention_train(CASE WHEN i = 50 THEN ARRAY[1e101, x, z] ELSE ARRAY[x, z] END, y, '{"skip_invalid": true}') FROM rows_))$$),
  ('retention_fit: first row skipped with skip_invalid, of another length', $$SELECT (n_rows, n_skipped)::text FROM retention_model_info(retention_fit('SELECT CASE WHEN i = 1 THEN ARRAY[''NaN'', x, z] ELSE ARRAY[x, z] END, y FROM rows_ ORDER BY i', '{"skip_invalid": true}'))$$),
  ('first row of another length, NULL element', $$SELECT (n_rows, n_skipped)::text FROM retention_model_info((SELECT retention_train(CASE WHEN i = 1 THEN ARRAY[NULL, x, z] ELSE ARRAY[x, z] END, y) FROM rows_))$$),
  ('100000-element arrays', $$SELECT retention_train(array_fill(x, ARRAY[100000]), y) FROM rows_$$),
  ('1001 features', $$SELECT retention_train(array_fill(x, ARRAY[1001]), y) FROM rows_$$),
  ('options not an object', $$SELECT retention_train(ARRAY[x, z], y, '[1]') FROM rows_$$),
  ('unknown option', $$SELECT retention_train(ARRAY[x, z], y, '{"lambda": 1}') FROM rows_$$),
  ('l2 as a string', $$SELECT retention_train(ARRAY[x, z], y, '{"l2": "1"}') FROM rows_$$),
  ('negative l2', $$SELECT retention_train(ARRAY[x, z], y, '{"l2": -1}') FROM rows_$$),
  ('l2 1e400', $$SELECT retention_train(ARRAY[x, z], y, '{"l2": 1e400}') FROM rows_$$),
  ('l2 1e-400 (0 in float8)', $$SELECT (SELECT retention_train(ARRAY[x, z], y, '{"l2": 1e-400}') FROM rows_)::text = (SELECT retention_train(ARRAY[x, z], y) FROM rows_)::text$$),
  ('tol 1e-400', $$SELECT retention_train(ARRAY[x, z], y, '{"tol": 1e-400}') FROM rows_$$),
  ('max_iter 1e400', $$SELECT retention_train(ARRAY[x, z], y, '{"max_iter": 1e400}') FROM rows_$$),
  ('max_iter 1.5', $$SELECT retention_train(ARRAY[x, z], y, '{"max_iter": 1.5}') FROM rows_$$),
  ('max_iter huge', $$SELECT retention_train(ARRAY[x, z], y, '{"max_iter": 1e30}') FROM rows_$$),
  ('tol negative', $$SELECT retention_train(ARRAY[x, z], y, '{"tol": -1}') FROM rows_$$),
  ('intercept as a string', $$SELECT retention_train(ARRAY[x, z], y, '{"intercept": "yes"}') FROM rows_$$),
  ('unknown class_weight', $$SELECT retention_train(ARRAY[x, z], y, '{"class_weight": "auto"}') FROM rows_$$),
  ('features not an array', $$SELECT retention_train(ARRAY[x, z], y, '{"features": "a"}') FROM rows_$$),
  ('features with a number', $$SELECT retention_train(ARRAY[x, z], y, '{"features": ["a", 1]}') FROM rows_$$),
  ('too few feature names', $$SELECT retention_train(ARRAY[x, z], y, '{"features": ["a"]}') FROM rows_$$),
  ('duplicate feature names', $$SELECT retention_train(ARRAY[x, z], y, '{"features": ["a", "a"]}') FROM rows_$$),
  ('empty feature name', $$SELECT retention_train(ARRAY[x, z], y, '{"features": ["a", ""]}') FROM rows_$$),
  ('feature named (intercept)', $$SELECT retention_train(ARRAY[x, z], y, '{"features": ["a", "(intercept)"], "intercept": false}') FROM rows_$$),
  ('64-byte feature name', $$SELECT retention_train(ARRAY[x, z], y, jsonb_build_object('features', jsonb_build_array('a', repeat('b', 64)))) FROM rows_$$),
  ('NULL options', $$SELECT retention_train(ARRAY[x, z], y, NULL) IS NOT NULL FROM rows_$$),
  ('options differing between rows', $$SELECT retention_train(ARRAY[x, z], y, CASE WHEN i = 50 THEN '{"l2": 2}' ELSE '{"l2": 1}' END::jsonb) FROM rows_$$),
  ('options equal as jsonb, stored differently', $$SELECT retention_train(ARRAY[x, z], y, CASE WHEN i = 50 THEN '{"l2": 1.0}' ELSE '{"l2": 1}' END::jsonb) FROM rows_$$),
  ('NULL options in one row, {} in the others', $$SELECT retention_train(ARRAY[x, z], y, CASE WHEN i = 50 THEN NULL ELSE '{}' END::jsonb) FROM rows_$$),
  ('NULL weight', $$SELECT (n_rows, n_skipped)::text FROM retention_model_info((SELECT retention_train(ARRAY[x, z], y, CASE WHEN i = 50 THEN NULL ELSE 1 END, '{}') FROM rows_))$$),
  ('negative weight', $$SELECT retention_train(ARRAY[x, z], y, -1, '{}') FROM rows_$$),
  ('NaN weight', $$SELECT retention_train(ARRAY[x, z], y, 'NaN', '{}') FROM rows_$$),
  ('1e308 weights', $$SELECT retention_train(ARRAY[x, z], y, 1e308, '{}') IS NOT NULL FROM rows_$$),
  ('zero weights', $$SELECT retention_train(ARRAY[x, z], y, 0, '{}') FROM rows_$$)
) c(label, q);

-- ---------------------------------------------------------------- scoring
CREATE TEMP TABLE feats(f1 float8, f2 float8);
INSERT INTO feats VALUES (0.5, -1);
CREATE TEMP TABLE feats_text(f1 float8, f2 text);
INSERT INTO feats_text VALUES (0.5, '-1');
CREATE TEMP TABLE feats_missing(f1 float8, other float8);
INSERT INTO feats_missing VALUES (0.5, -1);
CREATE TEMP TABLE feats_numeric(f1 numeric, f2 int, extra text);
INSERT INTO feats_numeric VALUES ('NaN', 1, 'x'), (0.5, NULL, 'y');
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('array', $$SELECT retention_score(model, ARRAY[0.5, -1]) FROM models WHERE name = 'm'$$),
  ('NULL model', $$SELECT retention_score(NULL::retention_model, ARRAY[0.5, -1])$$),
  ('NULL array', $$SELECT retention_score(model, NULL::float8[]) FROM models WHERE name = 'm'$$),
  ('NULL element', $$SELECT retention_score(model, ARRAY[0.5, NULL]) FROM models WHERE name = 'm'$$),
  ('empty array', $$SELECT retention_score(model, '{}'::float8[]) FROM models WHERE name = 'm'$$),
  ('2-D array', $$SELECT retention_score(model, ARRAY[[0.5, -1]]) FROM models WHERE name = 'm'$$),
  ('lower bound 0', $$SELECT retention_score(model, '[0:1]={0.5,-1}'::float8[]) FROM models WHERE name = 'm'$$),
  ('too short', $$SELECT retention_score(model, ARRAY[0.5]) FROM models WHERE name = 'm'$$),
  ('100000 elements', $$SELECT retention_score(model, array_fill(1::float8, ARRAY[100000])) FROM models WHERE name = 'm'$$),
  ('NaN', $$SELECT retention_score(model, ARRAY[0.5, 'NaN']) FROM models WHERE name = 'm'$$),
  ('Infinity', $$SELECT retention_score(model, ARRAY['Infinity'::float8, -1]) FROM models WHERE name = 'm'$$),
  ('-Infinity', $$SELECT retention_score(model, ARRAY[0.5, '-Infinity']) FROM models WHERE name = 'm'$$),
  ('1e308', $$SELECT retention_score(model, ARRAY[1e308, 1e308]) FROM models WHERE name = 'm'$$),
  ('-1e308', $$SELECT retention_score(model, ARRAY[-1e308, -1e308]) FROM models WHERE name = 'm'$$),
  ('1e308, terms overflow to +Inf and -Inf', $$SELECT retention_score(model, ARRAY[1e308, 1e308]) FROM models WHERE name = 'big'$$),
  ('-1e308, terms overflow to -Inf and +Inf', $$SELECT retention_score(model, ARRAY[-1e308, -1e308]) FROM models WHERE name = 'big'$$),
  ('1e308, -1e308 cancel', $$SELECT retention_score(model, ARRAY[1e308, 0.5e308]) FROM models WHERE name = 'big'$$),
  ('partial sums overflow, terms cancel', $$SELECT retention_score(model, ARRAY[1.7e308, 1.7e308, 1.7e308, 1.7e308]) FROM models WHERE name = 'four'$$),
  ('partial sums overflow, true sum -1.4e308', $$SELECT retention_score(model, ARRAY[1e308, 1e308, 1.7e308, 1.7e308]) FROM models WHERE name = 'four'$$),
  ('partial sums overflow, true sum 1.4e308', $$SELECT retention_score(model, ARRAY[-1e308, -1e308, -1.7e308, -1.7e308]) FROM models WHERE name = 'four'$$),
  ('record', $$SELECT retention_score(model, f) FROM models, feats f WHERE name = 'm'$$),
  ('record with a text column', $$SELECT retention_score(model, f) FROM models, feats_text f WHERE name = 'm'$$),
  ('record missing a column', $$SELECT retention_score(model, f) FROM models, feats_missing f WHERE name = 'm'$$),
  ('record with numeric NaN', $$SELECT retention_score(model, f) FROM models, feats_numeric f WHERE name = 'm' AND extra = 'x'$$),
  ('record with a NULL column', $$SELECT retention_score(model, f) FROM models, feats_numeric f WHERE name = 'm' AND extra = 'y'$$),
  ('anonymous record', $$SELECT retention_score(model, ROW(0.5, -1)) FROM models WHERE name = 'm'$$),
  ('jsonb', $$SELECT retention_score(model, '{"f1": 0.5, "f2": -1}'::jsonb) FROM models WHERE name = 'm'$$),
  ('jsonb NULL', $$SELECT retention_score(model, NULL::jsonb) FROM models WHERE name = 'm'$$),
  ('jsonb null value', $$SELECT retention_score(model, '{"f1": 0.5, "f2": null}'::jsonb) FROM models WHERE name = 'm'$$),
  ('jsonb boolean value', $$SELECT retention_score(model, '{"f1": 0.5, "f2": true}'::jsonb) FROM models WHERE name = 'm'$$),
  ('jsonb string value', $$SELECT retention_score(model, '{"f1": 0.5, "f2": "-1"}'::jsonb) FROM models WHERE name = 'm'$$),
  ('jsonb array value', $$SELECT retention_score(model, '{"f1": 0.5, "f2": [1]}'::jsonb) FROM models WHERE name = 'm'$$),
  ('jsonb missing key', $$SELECT retention_score(model, '{"f1": 0.5}'::jsonb) FROM models WHERE name = 'm'$$),
  ('jsonb array', $$SELECT retention_score(model, '[0.5, -1]'::jsonb) FROM models WHERE name = 'm'$$),
  ('jsonb 1e400', $$SELECT retention_score(model, '{"f1": 1e400, "f2": 0}'::jsonb) FROM models WHERE name = 'm'$$),
  ('jsonb 1e308', $$SELECT retention_score(model, '{"f1": 1e308, "f2": 1e308}'::jsonb) FROM models WHERE name = 'big'$$)
) c(label, q);

-- ---------------------------------------------------------------- explaining
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('array', $$SELECT string_agg(format('%s %s %s', feature, value, round(contribution::numeric, 6)), '; ') FROM models, retention_explain(model, ARRAY[0.5, -1]) WHERE name = 'm'$$),
  ('NULL element', $$SELECT string_agg(format('%s %s %s', feature, coalesce(value::text, 'NULL'), coalesce(contribution::text, 'NULL')), '; ') FROM models, retention_explain(model, ARRAY[0.5, NULL]) WHERE name = 'm'$$),
  ('NULL array', $$SELECT count(*) FROM models, retention_explain(model, NULL::float8[]) WHERE name = 'm'$$),
  ('empty array', $$SELECT count(*) FROM models, retention_explain(model, '{}'::float8[]) WHERE name = 'm'$$),
  ('2-D array', $$SELECT count(*) FROM models, retention_explain(model, ARRAY[[0.5, -1]]) WHERE name = 'm'$$),
  ('lower bound 0', $$SELECT string_agg(format('%s %s', feature, value), '; ') FROM models, retention_explain(model, '[0:1]={0.5,-1}'::float8[]) WHERE name = 'm'$$),
  ('NaN', $$SELECT count(*) FROM models, retention_explain(model, ARRAY['NaN'::float8, -1]) WHERE name = 'm'$$),
  ('1e308', $$SELECT string_agg(format('%s %s', feature, contribution), '; ') FROM models, retention_explain(model, ARRAY[1e308, -1e308]) WHERE name = 'big'$$),
  ('zero coefficient, value - mean beyond float8', $$SELECT string_agg(format('%s %s', feature, contribution), '; ') FROM models, retention_explain(replace(replace(model::text, '[10, -20]', '[0, -20]'), '[-0.0012717101366043204, 0.5026838751776239]', '[1e308, 0.5026838751776239]')::retention_model, ARRAY[-1e308, 1]) WHERE name = 'big'$$),
  ('tiny coefficient, value - mean beyond float8', $$SELECT string_agg(format('%s %s', feature, contribution), '; ') FROM models, retention_explain(replace(replace(model::text, '[10, -20]', '[1e-300, -20]'), '[-0.0012717101366043204, 0.5026838751776239]', '[1e308, 0.5026838751776239]')::retention_model, ARRAY[-1e308, 1]) WHERE name = 'big'$$),
  ('at the means, a negative coefficient', $$SELECT string_agg(format('%s %s', feature, contribution), '; ') FROM models, retention_explain(model, ARRAY[-0.0012717101366043204, 0.5026838751776239]) WHERE name = 'big'$$),
  ('100000 elements', $$SELECT count(*) FROM models, retention_explain(model, array_fill(1::float8, ARRAY[100000])) WHERE name = 'm'$$),
  ('record missing a column', $$SELECT count(*) FROM models, feats_missing f, retention_explain(model, f) WHERE name = 'm'$$),
  ('record with a text column', $$SELECT count(*) FROM models, feats_text f, retention_explain(model, f) WHERE name = 'm'$$),
  ('jsonb wrong type', $$SELECT count(*) FROM models, retention_explain(model, '{"f1": "a", "f2": 1}'::jsonb) WHERE name = 'm'$$),
  ('jsonb not an object', $$SELECT count(*) FROM models, retention_explain(model, '1'::jsonb) WHERE name = 'm'$$)
) c(label, q);

-- ---------------------------------------------------------------- summaries
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('summary of NULL', $$SELECT count(*) FROM retention_model_summary(NULL)$$),
  ('info of NULL', $$SELECT retention_model_info(NULL) IS NULL$$),
  ('summary', $$SELECT string_agg(feature, ', ') FROM models, retention_model_summary(model) WHERE name = 'm'$$),
  ('info', $$SELECT (n_rows, n_skipped, n_retained, n_features, iterations, converged)::text FROM models, retention_model_info(model) WHERE name = 'm'$$),
  ('summary, zero variances', $$SELECT string_agg(format('%s %s %s', feature, std_error, coalesce(z_value::text, 'NULL')), '; ') FROM base, retention_model_summary(regexp_replace(t, '"covariance": .*', '"covariance": [[0, 0, 0], [0, 0, 0], [0, 0, 0]]}')::retention_model)$$),
  ('info, zero rows', $$SELECT (n_rows, aic, bic, pseudo_r2)::text FROM base, retention_model_info(replace(replace(replace(replace(t, '"n_rows": 100', '"n_rows": 0'), '"n_retained": 33', '"n_retained": 0'), '"log_likelihood": -63.39641466973005', '"log_likelihood": 0'), '"null_log_likelihood": -63.417863571220565', '"null_log_likelihood": 0')::retention_model)$$)
) c(label, q);

-- a float8[] with a null bitmap but no NULL (PL/pgSQL keeps the bitmap)
CREATE FUNCTION pg_temp.bm(v float8[]) RETURNS float8[] LANGUAGE plpgsql
  AS $$ DECLARE s float8[] := v; BEGIN s[2] := NULL; s[2] := v[2]; RETURN s; END $$;
-- (the combine function, in an aggregate over states, receives it as its second argument)
CREATE AGGREGATE pg_temp.drift_merge(float8[]) (SFUNC = retention_score_drift_combinefn, STYPE = float8[],
  FINALFUNC = retention_score_drift_finalfn);
-- ---------------------------------------------------------------- drift
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('no rows', $$SELECT retention_score_drift(model, 0.5) FROM models WHERE false$$),
  ('NULL scores only', $$SELECT retention_score_drift(model, NULL) FROM models WHERE name = 'm'$$),
  ('NULL model', $$SELECT retention_score_drift(NULL, 0.5)$$),
  ('NaN score', $$SELECT retention_score_drift(model, 'NaN') FROM models WHERE name = 'm'$$),
  ('score 1.5', $$SELECT retention_score_drift(model, 1.5) FROM models WHERE name = 'm'$$),
  ('score -Infinity', $$SELECT retention_score_drift(model, '-Infinity') FROM models WHERE name = 'm'$$),
  ('score just above 1, printed in full', $$SELECT retention_score_drift(model, 1.0000001) FROM models WHERE name = 'm'$$),
  ('score just below 0, printed in full', $$SELECT retention_score_drift(model, -1e-300) FROM models WHERE name = 'm'$$),
  ('scores 0 and 1', $$SELECT round(retention_score_drift(model, s)::numeric, 6) FROM models, (VALUES (0::float8), (1)) v(s) WHERE name = 'm'$$),
  ('model without deciles', $$SELECT retention_score_drift(model, 0.5) FROM models WHERE name = 'nodeciles'$$),
  ('two models in a group', $$SELECT retention_score_drift(model, 0.5) FROM models WHERE name IN ('m', 'shifted')$$),
  ('transition function called directly', $$SELECT retention_score_drift_transfn(NULL, model, 0.5) FROM models WHERE name = 'm'$$),
  ('final function on a bogus state', $$SELECT retention_score_drift_finalfn('{1,2,3}')$$),
  ('final function, counts that do not add up', $$SELECT retention_score_drift_finalfn(array_fill(0.1::float8, ARRAY[32]))$$),
  ('final function, negative count', $$SELECT retention_score_drift_finalfn(ARRAY[0, -1, 1, 0,0,0,0,0,0,0,0, 0,.1,.2,.3,.4,.5,.6,.7,.8,.9,1, .1,.1,.1,.1,.1,.1,.1,.1,.1,.1]::float8[])$$),
  ('final function, edges descending', $$SELECT retention_score_drift_finalfn(ARRAY[1, 1, 0,0,0,0,0,0,0,0,0, 1,.9,.8,.7,.6,.5,.4,.3,.2,.1,0, .1,.1,.1,.1,.1,.1,.1,.1,.1,.1]::float8[])$$),
  ('final function, valid hand-built state', $$SELECT round(retention_score_drift_finalfn(ARRAY[10, 10, 0,0,0,0,0,0,0,0,0, 0,.1,.2,.3,.4,.5,.6,.7,.8,.9,1, .1,.1,.1,.1,.1,.1,.1,.1,.1,.1]::float8[])::numeric, 6)$$),
  ('combine function, NaN count', $$SELECT retention_score_drift_combinefn(ARRAY['NaN', 1, 0,0,0,0,0,0,0,0,0, 0,.1,.2,.3,.4,.5,.6,.7,.8,.9,1, .1,.1,.1,.1,.1,.1,.1,.1,.1,.1]::float8[], NULL)$$),
  ('final function, valid state with a null bitmap but no NULL', $$SELECT round(retention_score_drift_finalfn(pg_temp.bm(ARRAY[10, 10, 0,0,0,0,0,0,0,0,0, 0,.1,.2,.3,.4,.5,.6,.7,.8,.9,1, .1,.1,.1,.1,.1,.1,.1,.1,.1,.1]::float8[]))::numeric, 6)$$),
  ('combine function, valid states with a null bitmap but no NULL', $$SELECT round(pg_temp.drift_merge(pg_temp.bm(st))::numeric, 6) FROM (VALUES (ARRAY[10, 10, 0,0,0,0,0,0,0,0,0, 0,.1,.2,.3,.4,.5,.6,.7,.8,.9,1, .1,.1,.1,.1,.1,.1,.1,.1,.1,.1]::float8[]), (ARRAY[5, 5, 0,0,0,0,0,0,0,0,0, 0,.1,.2,.3,.4,.5,.6,.7,.8,.9,1, .1,.1,.1,.1,.1,.1,.1,.1,.1,.1]::float8[])) v(st)$$),
  ('the same states without the bitmap', $$SELECT round(pg_temp.drift_merge(st)::numeric, 6) FROM (VALUES (ARRAY[10, 10, 0,0,0,0,0,0,0,0,0, 0,.1,.2,.3,.4,.5,.6,.7,.8,.9,1, .1,.1,.1,.1,.1,.1,.1,.1,.1,.1]::float8[]), (ARRAY[5, 5, 0,0,0,0,0,0,0,0,0, 0,.1,.2,.3,.4,.5,.6,.7,.8,.9,1, .1,.1,.1,.1,.1,.1,.1,.1,.1,.1]::float8[])) v(st)$$)
) c(label, q);

-- ---------------------------------------------------------------- binary receive
-- retention_model_recv through a binary COPY file written by the server
-- (superuser: COPY TO PROGRAM), with valid, truncated, patched and random
-- payloads.
CREATE TEMP TABLE recv_target(m retention_model);
CREATE FUNCTION pg_temp.recv(payload bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  path text := '/tmp/cr_model_badinput_' || pg_backend_pid() || '.bin';
  file bytea := '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
                || '\x0001'::bytea || int4send(length(payload)) || payload || '\xffff'::bytea;
  r text; st text; msg text; det text;
BEGIN
  EXECUTE format('COPY (SELECT %L) TO PROGRAM %L',
                 translate(encode(file, 'base64'), E'\n', ''), 'base64 -d > ' || path);
  TRUNCATE recv_target;
  BEGIN
    EXECUTE format('COPY recv_target FROM %L WITH (FORMAT binary)', path);
    SELECT 'ok: ' || (m::text = (SELECT t FROM base))::text INTO r FROM recv_target;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
    r := st || ' ' || msg || coalesce(' | ' || nullif(det, ''), '');
  END;
  -- The program must read all of its input: a program that exits first (a
  -- bare rm) makes the server fail now and then with "Broken pipe".
  EXECUTE format('COPY (SELECT 1) TO PROGRAM %L', 'cat >/dev/null && rm -f ' || path);
  RETURN r;
END $$;
CREATE TEMP TABLE sent AS SELECT retention_model_send(model) AS b FROM models WHERE name = 'm';
SELECT length(b) AS send_bytes, encode(substr(b, 1, 16), 'hex') AS send_head FROM sent;
SELECT label || ': ' || pg_temp.recv(p) FROM sent, LATERAL (VALUES
  ('valid (same text as the original)', b),
  ('empty', ''::bytea),
  ('3 bytes', substr(b, 1, 3)),
  ('header only', substr(b, 1, 16)),
  ('truncated in the coefficients', substr(b, 1, 90)),
  ('truncated in a name', substr(b, 1, 285)),
  ('last byte missing', substr(b, 1, length(b) - 1)),
  ('one byte too many', b || '\x00'::bytea),
  ('version 2', overlay(b placing '\x00000002'::bytea from 1 for 4)),
  ('version 0', overlay(b placing '\x00000000'::bytea from 1 for 4)),
  ('version -1', overlay(b placing '\xffffffff'::bytea from 1 for 4)),
  ('unknown flag bits', overlay(b placing '\x00000017'::bytea from 5 for 4)),
  ('no features', overlay(b placing '\x00000000'::bytea from 9 for 4)),
  ('1001 features', overlay(b placing '\x000003e9'::bytea from 9 for 4)),
  ('1000 features, short message', overlay(b placing '\x000003e8'::bytea from 9 for 4)),
  ('negative iterations', overlay(b placing '\xffffffff'::bytea from 13 for 4)),
  ('NaN intercept', overlay(b placing '\x7ff8000000000000'::bytea from 73 for 8)),
  ('Infinity in the covariance', overlay(b placing '\x7ff0000000000000'::bytea from length(b) - 7 for 8)),
  ('name of length 0', overlay(b placing '\x00000000'::bytea from 281 for 4)),
  ('name of length 300', overlay(b placing '\x0000012c'::bytea from 281 for 4)),
  ('NUL in a name', overlay(b placing '\x00'::bytea from 286 for 1)),
  ('invalid UTF-8 in a name', overlay(b placing '\xff'::bytea from 286 for 1)),
  ('duplicate names', overlay(b placing '\x31'::bytea from 292 for 1)),
  ('random bytes', decode(md5('a') || md5('b') || md5('c'), 'hex')),
  ('version 1, then random bytes', '\x00000001'::bytea || decode(md5('d') || md5('e') || md5('f'), 'hex'))
) c(label, p);
-- Send and receive convert the feature names to and from the client
-- encoding (so they are STABLE, as textsend and textrecv): the name "\u00e9t\u00e9"
-- is c3a9 74 c3a9 in UTF8 and e9 74 e9 in LATIN1, and comes back the same.
CREATE TEMP TABLE accented AS
  SELECT replace(t, '"f1"', '"\u00e9t\u00e9"')::retention_model AS model FROM base;
SELECT position('\xc3a974c3a9'::bytea IN retention_model_send(model)) > 0 AS utf8_name FROM accented;
SET client_encoding = 'LATIN1';
CREATE TEMP TABLE sent_latin1 AS SELECT retention_model_send(model) AS b FROM accented;
SELECT position('\xe974e9'::bytea IN b) > 0 AS latin1_name, position('\xc3a974c3a9'::bytea IN b) = 0 AS no_utf8_name
  FROM sent_latin1;
SELECT pg_temp.recv(b) AS "differs from base, as it should" FROM sent_latin1;
SELECT m::text = (SELECT model::text FROM accented) AS same_model_back FROM recv_target;
RESET client_encoding;
SELECT pg_temp.recv(b) AS "LATIN1 bytes read as UTF8" FROM sent_latin1;
-- client_encoding SQL_ASCII: the bytes are taken as they are, so they must
-- be valid in the database encoding; when not, 22P03 as well (not 22021)
SET client_encoding = 'SQL_ASCII';
SELECT pg_temp.recv(b) AS "LATIN1 bytes read as SQL_ASCII" FROM sent_latin1;
RESET client_encoding;
SELECT proname, provolatile FROM pg_proc
 WHERE proname IN ('retention_model_send', 'retention_model_recv') ORDER BY proname;
-- the record forms find columns by name, and a column can be renamed
SELECT p.oid::regprocedure AS function, provolatile FROM pg_proc p
 WHERE proname IN ('retention_score', 'retention_explain', 'retention_uplift') ORDER BY p.oid::regprocedure::text COLLATE "C";

-- ---------------------------------------------------------------- memory limit of combined partial states
-- A partitionwise aggregate combines one partial state per partition, as
-- the leader of a parallel plan combines its workers', here in one process
-- and deterministically.  Combined rows come in blocks as large as each
-- partial state (no doubling): 2 x 131 072 rows of 1 feature take exactly
-- 4096 kB and train under a 4 MB limit, one row more is refused, with the
-- size rounded up (4097 kB, not the limit's 4096).  The serial plan holds
-- the rows in doubling blocks, so it refuses at 8192 kB.
CREATE TEMP TABLE pw (k int, i int, x float8[], y boolean) PARTITION BY LIST (k);
CREATE TEMP TABLE pw0 PARTITION OF pw FOR VALUES IN (0);
CREATE TEMP TABLE pw1 PARTITION OF pw FOR VALUES IN (1);
INSERT INTO pw SELECT i % 2, i, ARRAY[sin(i)], sin(i) + ((i::bigint * 7919) % 13) / 13.0 - 0.5 > 0
FROM generate_series(1, 262145) i;
ANALYZE pw;
SET max_parallel_workers_per_gather = 0;
SET enable_partitionwise_aggregate = on;
SET community_retention.max_train_memory = '4MB';
EXPLAIN (COSTS OFF) SELECT retention_train(x, y) FROM pw;
SELECT label || ': ' || pg_temp.try(q) FROM (VALUES
  ('262 144 rows combined', $$SELECT (retention_model_info(retention_train(x, y))).n_rows FROM pw WHERE i <= 262144$$),
  ('262 145 rows combined', $$SELECT (retention_model_info(retention_train(x, y))).n_rows FROM pw$$)
) v(label, q);
SET enable_partitionwise_aggregate = off;
SELECT 'serial, 262 145 rows: ' || pg_temp.try($$SELECT (retention_model_info(retention_train(x, y))).n_rows FROM pw$$);
RESET community_retention.max_train_memory;
RESET enable_partitionwise_aggregate;
RESET max_parallel_workers_per_gather;
