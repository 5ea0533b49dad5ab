-- The SQL side of the JsonLogic differential test: compile every rule of
-- jl_rules (status ok, roundtrip-differs or the SQLSTATE), then evaluate the
-- compiled ones on every row of jl_rows (t, f or the SQLSTATE).
CREATE FUNCTION jl_compile(r jsonb) RETURNS text LANGUAGE plpgsql AS $$
DECLARE c incentive_condition;
BEGIN
  c := r::incentive_condition;
  IF (c::jsonb)::incentive_condition <> c THEN RETURN 'roundtrip-differs'; END IF;
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN RETURN SQLSTATE;
END $$;
CREATE FUNCTION jl_eval(r jsonb, w jl_rows) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  RETURN CASE WHEN incentive_matches(r::incentive_condition, w) THEN 't' ELSE 'f' END;
EXCEPTION WHEN OTHERS THEN RETURN SQLSTATE;
END $$;
CREATE TABLE jl_status AS SELECT id, jl_compile(rule) AS status FROM jl_rules;
SELECT id || '||' || status FROM jl_status ORDER BY id;
SELECT r.id || '|' || w.id || '|' || jl_eval(r.rule, w)
FROM jl_rules r JOIN jl_status s USING (id) CROSS JOIN jl_rows w
WHERE s.status = 'ok' ORDER BY r.id, w.id;
