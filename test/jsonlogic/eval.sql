-- The SQL side of the JsonLogic differential tests: compile every rule of
-- jl_rules (status ok, roundtrip-differs when its JsonLogic form or its text
-- compiles to another program, or the SQLSTATE), then evaluate the compiled
-- ones on every item (t, f or the SQLSTATE): the rows of jl_rows, or with
-- -v items=jl_facts -v item=w.f the JSON objects of jl_facts.
\if :{?items}
\else
\set items jl_rows
\set item w
\endif
CREATE FUNCTION jl_compile(r jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE c incentive_condition;
BEGIN
  c := r::incentive_condition;
  IF (c::jsonb)::incentive_condition <> c OR c::text::incentive_condition <> c THEN
    RETURN 'roundtrip-differs';
  END IF;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN RETURN SQLSTATE;
END $$;
-- a row (incentive_matches(condition, record)) or a jsonb object
CREATE FUNCTION jl_eval(r jsonb, w anyelement) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  RETURN CASE WHEN incentive_matches(r::incentive_condition, w) THEN 't' ELSE 'f' END;
EXCEPTION WHEN OTHERS THEN RETURN SQLSTATE;
END $$;
CREATE TABLE jl_status AS SELECT id, jl_compile(rule) AS status FROM jl_rules;
SELECT id || '||' || status FROM jl_status ORDER BY id;
SELECT r.id || '|' || w.id || '|' || jl_eval(r.rule, :item)
FROM jl_rules r JOIN jl_status s USING (id) CROSS JOIN :items w
WHERE s.status = 'ok' ORDER BY r.id, w.id;
