-- retention_score(model, record) and retention_explain(model, record) bind
-- the model's features to the row's columns by name, once per call site.
CREATE TEMP TABLE mr_train AS
SELECT ARRAY[(i % 7)::float8, ((i * 5) % 11)::float8 / 4] AS x, (i * 37) % 10 < 3 + i % 7 AS y
FROM generate_series(1, 400) i;
CREATE TEMP TABLE mr_model AS
SELECT retention_train(x, y, '{"features": ["x", "s"]}') AS model FROM mr_train;

-- Two columns of one name (a subquery's "SELECT m.*, s.*"): either could be
-- meant, so it is an error (42702), not the first of them (was: the first).
SELECT retention_score(model, t) FROM mr_model, (SELECT 1.0 AS x, 2.0 AS s, 3.0 AS x) t;
SELECT count(*) FROM mr_model, (SELECT 1.0 AS x, 2.0 AS s, 3.0 AS s) t, retention_explain(model, t);
-- one of them dropped: no longer ambiguous
CREATE TEMP TABLE mr_twice (x float8, s float8, x2 float8);
ALTER TABLE mr_twice DROP COLUMN x2;
INSERT INTO mr_twice VALUES (1, 2);
SELECT round(retention_score(model, t)::numeric, 12) = round(retention_score(model, ARRAY[1.0, 2.0])::numeric, 12) AS same
FROM mr_model, mr_twice t;

-- A PL/pgSQL simple expression keeps its cache for the whole transaction,
-- across an ALTER TABLE of the row's type: the binding must be made again
-- (was: the old descriptor deformed rows of the new layout).
CREATE TABLE mr_alter (a int, x float8, s float8);
INSERT INTO mr_alter VALUES (1, 2, 0.5);
DO $$
DECLARE r mr_alter; m retention_model; got float8; want float8;
BEGIN
  SELECT model INTO m FROM mr_model;
  FOR i IN 1..5 LOOP
    IF i = 2 THEN ALTER TABLE mr_alter DROP COLUMN x; ALTER TABLE mr_alter ADD COLUMN x float8 DEFAULT 6; END IF;
    IF i = 3 THEN ALTER TABLE mr_alter ADD COLUMN q int; ALTER TABLE mr_alter DROP COLUMN s; ALTER TABLE mr_alter ADD COLUMN s numeric DEFAULT 2.25; END IF;
    IF i = 4 THEN ALTER TABLE mr_alter ALTER COLUMN a TYPE bigint; UPDATE mr_alter SET x = 3; END IF;
    IF i = 5 THEN ALTER TABLE mr_alter ALTER COLUMN x TYPE text; END IF;
    SELECT * INTO r FROM mr_alter LIMIT 1;
    BEGIN
      got := retention_score(m, r);
      want := retention_score(m, ARRAY[(to_jsonb(r)->>'x')::float8, (to_jsonb(r)->>'s')::float8]);
      RAISE NOTICE 'i=% x=% s=% same score: %', i, to_jsonb(r)->>'x', to_jsonb(r)->>'s', got = want;
    EXCEPTION WHEN OTHERS THEN
      RAISE NOTICE 'i=% %: %', i, SQLSTATE, SQLERRM;
    END;
  END LOOP;
END $$;
DROP TABLE mr_alter;
