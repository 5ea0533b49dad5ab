-- Bad input to the support functions (issue 18 item 9): every aggregate
-- support function (transition, combine, final, serialize, deserialize), type
-- I/O function, operator and opclass function and planner support function
-- of the extension is callable by any user.  They are enumerated from the
-- catalog (pg_aggregate, pg_type, pg_operator, pg_amproc, pg_proc), so new
-- ones are covered without editing this file, and each is called directly
-- with NULLs, empty and odd arrays, hand-made garbage states (wrong lengths,
-- negative counts, NaN, huge values, NULL elements, 2-D arrays, other lower
-- bounds) and, for float8[] states, a valid state with one element spoiled.
-- Each call prints "ok: result" or its SQLSTATE and message; the server must
-- survive them all.
--
-- Functions with an argument of type internal cannot be called from SQL at
-- all: no SQL expression yields a value of type internal (not even NULL), and
-- only a superuser may create an aggregate with an internal state.  Their
-- states are exercised through the aggregates (and the deserialize functions
-- through parallel query) by the other files; they are listed, not called.
-- The type receive functions (internal too) are fed garbage through binary
-- COPY in model_badinput.
\set SHOW_CONTEXT never
\pset tuples_only on
\pset format unaligned

-- the support functions of the extension and their role
CREATE TEMP TABLE support AS
WITH ext AS (
    SELECT p.oid FROM pg_proc p
    JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
     AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
    JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'community_retention'
), roles(fn, role, agg) AS (
    SELECT aggtransfn::oid, 'transition', aggfnoid FROM pg_aggregate
    UNION ALL SELECT aggcombinefn, 'combine', aggfnoid FROM pg_aggregate
    UNION ALL SELECT aggfinalfn, 'final', aggfnoid FROM pg_aggregate
    UNION ALL SELECT aggserialfn, 'serialize', aggfnoid FROM pg_aggregate
    UNION ALL SELECT aggdeserialfn, 'deserialize', aggfnoid FROM pg_aggregate
    UNION ALL SELECT typinput, 'type input', NULL FROM pg_type
    UNION ALL SELECT typoutput, 'type output', NULL FROM pg_type
    UNION ALL SELECT typreceive, 'type receive', NULL FROM pg_type
    UNION ALL SELECT typsend, 'type send', NULL FROM pg_type
    UNION ALL SELECT oprcode, 'operator', NULL FROM pg_operator
    UNION ALL SELECT amproc, 'opclass support', NULL FROM pg_amproc
    UNION ALL SELECT prosupport, 'planner support', NULL FROM pg_proc
)
SELECT p.oid, p.oid::regprocedure::text AS sig, min(r.role) AS role,
       min(r.agg::oid) AS agg, 'internal'::regtype = ANY (p.proargtypes) AS takes_internal
FROM ext JOIN pg_proc p ON p.oid = ext.oid JOIN roles r ON r.fn = p.oid
GROUP BY p.oid;

SELECT 'support functions: ' || count(*) || ', taking internal (not callable from SQL): '
       || count(*) FILTER (WHERE takes_internal) FROM support;
SELECT 'not callable: ' || sig || ' (' || role || ')' FROM support WHERE takes_internal ORDER BY 1;

-- a model, fixed text (see model_badinput)
CREATE TEMP TABLE base_model AS SELECT '{"format_version": 1, "features": ["f1", "f2"], "intercept": -0.7581674609507628, "coefficients": [-0.03797606736493625, 0.09868856872623903], "means": [-0.0012717101366043204, 0.5026838751776239], "fit_intercept": true, "class_weight": null, "n_rows": 100, "n_skipped": 0, "n_retained": 33, "iterations": 3, "converged": true, "log_likelihood": -63.39641466973005, "null_log_likelihood": -63.417863571220565, "l2": 0, "condition_number": 1.0289589269084736, "score_deciles": [0.31826450974381854, 0.3189049476062575, 0.3205135942931021, 0.3228904130417128, 0.325534619996668, 0.3288826366285598, 0.3307000648193086, 0.3323597699398686, 0.33880894960201186, 0.3470172528133487, 0.3494392106033385], "score_shares": [0.11, 0.1, 0.1, 0.1, 0.1, 0.09, 0.1, 0.1, 0.1, 0.1], "covariance": [[0.13878477419297036, 0.00043014171975055477, -0.18455300724690335], [0.00043014171975055477, 0.08929020262842789, 0.00048631978245530956], [-0.18455300724690335, 0.00048631978245530956, 0.36415231697386524]]}'::text AS t;

-- Argument values per type: the base value (used while another argument
-- varies) and the variants.  float8[] states get their base per function
-- below.
CREATE TEMP TABLE arg_values(typ regtype, is_base bool, label text, expr text);
INSERT INTO arg_values VALUES
  ('float8', true, '0.5', '0.5::float8'),
  ('float8', false, 'NULL', 'NULL::float8'),
  ('float8', false, 'NaN', '''NaN''::float8'),
  ('float8', false, 'Infinity', '''Infinity''::float8'),
  ('float8', false, '-1', '-1::float8'),
  ('float8', false, '1e308', '1e308::float8'),
  ('boolean', true, 'true', 'true'),
  ('boolean', false, 'NULL', 'NULL::boolean'),
  ('integer', true, '4', '4'),
  ('integer', false, 'NULL', 'NULL::int'),
  ('integer', false, '0', '0'),
  ('integer', false, '-1', '-1'),
  ('integer', false, '2147483647', '2147483647'),
  ('timestamptz', true, '2026-01-01', '''2026-01-01 00:00:00+00''::timestamptz'),
  ('timestamptz', false, 'NULL', 'NULL::timestamptz'),
  ('timestamptz', false, 'infinity', '''infinity''::timestamptz'),
  ('timestamptz', false, '-infinity', '''-infinity''::timestamptz'),
  ('interval', true, '7 days', '''7 days''::interval'),
  ('interval', false, 'NULL', 'NULL::interval'),
  ('interval', false, '0', '''0''::interval'),
  ('interval', false, '-1 day', '''-1 day''::interval'),
  ('boolean[]', true, '{t,f,NULL}', '''{t,f,NULL}''::boolean[]'),
  ('boolean[]', false, 'NULL', 'NULL::boolean[]'),
  ('boolean[]', false, '{}', '''{}''::boolean[]'),
  ('boolean[]', false, '2-D', '''{{t},{f}}''::boolean[]'),
  ('boolean[]', false, '20000 elements', 'array_fill(true, ARRAY[20000])'),
  ('retention_model', true, 'model', '(SELECT t::retention_model FROM base_model)'),
  ('retention_model', false, 'NULL', 'NULL::retention_model'),
  ('incentive_condition', true, 'x > 1', '''x > 1''::incentive_condition'),
  ('incentive_condition', false, 'NULL', 'NULL::incentive_condition'),
  ('cstring', true, 'valid text', NULL),  -- chosen per input function below
  ('cstring', false, 'NULL', 'NULL::cstring'),
  ('cstring', false, 'empty', '''''::cstring'),
  ('cstring', false, 'garbage', '''\x01garbage''::cstring'),
  ('cstring', false, '{}', '''{}''::cstring'),
  ('cstring', false, 'null', '''null''::cstring'),
  -- a float8[] that is not a state: the training distribution of the model
  ('float8[]', true, 'baseline', '(SELECT retention_score_baseline(t::retention_model) FROM base_model)'),
  ('float8[]', false, 'NULL', 'NULL::float8[]'),
  ('float8[]', false, '{}', '''{}''::float8[]'),
  ('float8[]', false, '{0}', '''{0}''::float8[]'),
  ('float8[]', false, '{1}', '''{1}''::float8[]'),
  ('float8[]', false, '{NaN}', '''{NaN}''::float8[]'),
  ('float8[]', false, '{NULL}', '''{NULL}''::float8[]'),
  ('float8[]', false, '{-1,0,0,0,0,0}', '''{-1,0,0,0,0,0}''::float8[]'),
  ('float8[]', false, '{0,0,0,0,0,0}', '''{0,0,0,0,0,0}''::float8[]'),
  ('float8[]', false, '{1e308 x 6}', 'array_fill(1e308::float8, ARRAY[6])'),
  ('float8[]', false, '{Infinity x 7}', 'array_fill(''Infinity''::float8, ARRAY[7])'),
  ('float8[]', false, '{2,1,0.5,1,1,0.5,0}', '''{2,1,0.5,1,1,0.5,0}''::float8[]'),
  ('float8[]', false, '{1000}', '''{1000}''::float8[]'),
  ('float8[]', false, '{1e9,0,0,0}', '''{1e9,0,0,0}''::float8[]'),
  ('float8[]', false, '{0.5,0,0,0}', '''{0.5,0,0,0}''::float8[]'),
  ('float8[]', false, '{-3,1,1,1}', '''{-3,1,1,1}''::float8[]'),
  ('float8[]', false, '2-D', '''{{1,2},{3,4}}''::float8[]'),
  ('float8[]', false, 'lower bound 0', '''[0:5]={0,0,0,0,0,0}''::float8[]'),
  ('float8[]', false, '21 zeros', 'array_fill(0::float8, ARRAY[21])'),
  ('float8[]', false, '10001 zeros', 'array_fill(0::float8, ARRAY[10001])');
-- a valid input text for each type input function, and its truncations
INSERT INTO arg_values
SELECT 'cstring', false, 'model text cut at ' || n, format('%L::cstring', left(t, n))
FROM base_model, unnest(ARRAY[1, 20, 200, length(t) / 2, length(t) - 1]) n;

-- A valid float8[] state for the functions of each float8[]-state
-- aggregate: the raw state after two rows of the base arguments, from an
-- aggregate with the same transition function and no final function.
CREATE TEMP TABLE valid_state(agg oid, state float8[]);
CREATE TEMP TABLE no_valid_state(agg oid, why text);
DO $$
DECLARE
  a record;
  args text;
  st float8[];
BEGIN
  FOR a IN SELECT g.aggfnoid, g.aggtransfn, g.agginitval, p.proargtypes
           FROM pg_aggregate g JOIN pg_proc p ON p.oid = g.aggtransfn
           WHERE g.aggfnoid IN (SELECT agg FROM support) AND g.aggtranstype = 'float8[]'::regtype
           ORDER BY g.aggfnoid::regprocedure::text LOOP
    EXECUTE format('CREATE AGGREGATE pg_temp.raw_state(%s) (SFUNC = %s, STYPE = float8[]%s)',
                   (SELECT string_agg(t::regtype::text, ', ') FROM unnest(a.proargtypes[1:]) t),
                   a.aggtransfn::regproc, coalesce(', INITCOND = ' || quote_literal(a.agginitval), ''));
    SELECT string_agg((SELECT expr FROM arg_values v WHERE v.typ = t.typ AND v.is_base), ', ' ORDER BY t.n)
      INTO args FROM unnest(a.proargtypes[1:]) WITH ORDINALITY t(typ, n);
    BEGIN
      EXECUTE format('SELECT pg_temp.raw_state(%s) FROM generate_series(1, 2)', args) INTO st;
      INSERT INTO valid_state VALUES (a.aggfnoid, st);
    EXCEPTION WHEN OTHERS THEN
      -- the base arguments do not suit this aggregate (retention_newton_step
      -- wants a point made by retention_fit): no valid state, only garbage
      INSERT INTO no_valid_state VALUES (a.aggfnoid, SQLSTATE || ' ' || SQLERRM);
    END;
    EXECUTE format('DROP AGGREGATE pg_temp.raw_state(%s)',
                   (SELECT string_agg(t::regtype::text, ', ') FROM unnest(a.proargtypes[1:]) t));
  END LOOP;
END $$;
SELECT 'valid state of ' || agg::regprocedure || ': ' || state::text FROM valid_state ORDER BY 1;
SELECT 'no valid state of ' || agg::regprocedure || ' from the base arguments: ' || why FROM no_valid_state ORDER BY 1;

-- The calls: for each callable support function, all base arguments, then
-- each argument in turn replaced by each variant of its type, and for a
-- float8[] argument also the valid state with one element set to -1, NaN or
-- 1e308.  A function taking and returning a float8[] state (transition and
-- combine functions) is called as the transition function of an aggregate
-- whose initial condition is the state argument, as any user may build one
-- (and as some of them require), and once directly; the others are called
-- directly.
CREATE FUNCTION pg_temp.support_calls() RETURNS TABLE(line text) LANGUAGE plpgsql AS $$
DECLARE
  f record;
  v record;
  base text[];
  args text[];
  argtypes regtype[];
  through_agg bool;
  init text;
  i int;
  q text;
  r text;
  st text;
  msg text;
  vs float8[];
BEGIN
  FOR f IN SELECT s.*, p.proargtypes::regtype[] AS types, p.prorettype::regtype AS ret
           FROM support s JOIN pg_proc p ON p.oid = s.oid
           WHERE NOT s.takes_internal ORDER BY s.sig LOOP
    argtypes := ARRAY(SELECT unnest(f.types));  -- proargtypes counts from 0
    through_agg := f.role IN ('transition', 'combine') AND argtypes[1] = 'float8[]'::regtype;
    base := ARRAY[]::text[];
    vs := (SELECT v2.state FROM valid_state v2 JOIN pg_aggregate g ON g.aggfnoid = v2.agg
           WHERE f.oid IN (g.aggtransfn, g.aggcombinefn, g.aggfinalfn) ORDER BY v2.agg LIMIT 1);
    FOR i IN 1 .. cardinality(argtypes) LOOP
      base := base || CASE
        WHEN argtypes[i] = 'float8[]'::regtype THEN format('%L::float8[]', vs)
        WHEN argtypes[i] = 'cstring'::regtype AND f.sig LIKE 'retention_model_in%' THEN
          (SELECT format('%L::cstring', t) FROM base_model)
        WHEN argtypes[i] = 'cstring'::regtype THEN '''x > 1''::cstring'
        ELSE (SELECT expr FROM arg_values WHERE typ = argtypes[i] AND is_base) END;
    END LOOP;
    FOR v IN
      SELECT 0 AS pos, 'base arguments' AS label, NULL AS expr
      UNION ALL
      SELECT n, format('argument %s = %s', n, av.label), av.expr
      FROM generate_subscripts(argtypes, 1) n
      JOIN arg_values av ON av.typ = argtypes[n] AND NOT av.is_base
      UNION ALL
      SELECT n, format('argument %s = valid state with element %s = %s', n, e, bad),
             format('%L::float8[]', vs[1:e - 1] || bad::float8 || vs[e + 1:])
      FROM generate_subscripts(argtypes, 1) n, generate_subscripts(vs, 1) e,
           unnest(ARRAY['-1', 'NaN', '1e308']) bad
      WHERE argtypes[n] = 'float8[]'::regtype
      ORDER BY 1, 2
    LOOP
      args := CASE WHEN v.pos = 0 THEN base ELSE base[1:v.pos - 1] || v.expr || base[v.pos + 1:] END;
      BEGIN
        IF through_agg THEN
          EXECUTE format('SELECT (%s)::text', args[1]) INTO init;
          EXECUTE format('CREATE AGGREGATE pg_temp.through(%s) (SFUNC = %s, STYPE = float8[]%s)',
                         array_to_string(argtypes[2:], ', '), f.oid::regproc,
                         coalesce(', INITCOND = ' || quote_literal(init), ''));
          q := format('SELECT pg_temp.through(%s)', array_to_string(args[2:], ', '));
        ELSE
          q := format('SELECT %s(%s)', f.oid::regproc, array_to_string(args, ', '));
        END IF;
        -- results rounded so that the last bits of exp() and ln() do not matter
        q := CASE WHEN f.ret = 'float8'::regtype THEN format('SELECT round((%s)::numeric, 8)::text', q)
                  WHEN f.ret = 'float8[]'::regtype THEN
                    format('SELECT (SELECT array_agg(round(x::numeric, 8) ORDER BY o) FROM unnest((%s)) WITH ORDINALITY u(x, o))::text', q)
                  ELSE format('SELECT (%s)::text', q) END;
        -- long results (1e308 in full) cut to their start and length
        q := format('SELECT CASE WHEN length(r) > 80 THEN left(r, 60) || '' ... ('' || length(r) || '' characters)'' ELSE r END FROM (%s) s(r)', q);
        EXECUTE q INTO r;
        line := f.sig || ' | ' || v.label || ' | ok: ' || coalesce(r, 'NULL');
        -- the aggregate goes with the subtransaction; keep it from leaking
        RAISE SQLSTATE 'CRZZZ';
      EXCEPTION WHEN SQLSTATE 'CRZZZ' THEN
        NULL;
      WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        line := f.sig || ' | ' || v.label || ' | ' || st || ' ' || msg;
      END;
      RETURN NEXT;
    END LOOP;
    IF through_agg THEN
      BEGIN
        EXECUTE format('SELECT %s(%s)::text', f.oid::regproc, array_to_string(base, ', ')) INTO r;
        line := f.sig || ' | called directly | ok: ' || coalesce(r, 'NULL');
      EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        line := f.sig || ' | called directly | ' || st || ' ' || msg;
      END;
      RETURN NEXT;
    END IF;
  END LOOP;
END $$;
SELECT line FROM pg_temp.support_calls();

-- and the server is still there
SELECT 'alive: ' || (SELECT count(*) FROM support);
