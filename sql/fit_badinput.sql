-- retention_fit rejects what retention_train rejects, with the same SQLSTATE
-- and message, and also queries that are not one SELECT, return the wrong
-- columns, return no rows, or change between passes.
\set VERBOSITY sqlstate
CREATE TABLE fb (x float8[], y boolean, w float8, z int);
INSERT INTO fb SELECT ARRAY[sin(i), cos(i * 0.7)], i % 3 = 0, 1, i FROM generate_series(1, 200) i;

-- the query itself
SELECT retention_fit(NULL);
SELECT retention_fit('');
SELECT retention_fit('DELETE FROM fb RETURNING x, y');
SELECT retention_fit('SELECT x, y FROM fb; SELECT x, y FROM fb');
SELECT retention_fit('SELECT x, y INTO fb2 FROM fb');
SELECT retention_fit('SELECT x, y FROM fb WHERE');
SELECT retention_fit('SELECT x, y FROM no_such_table');
SELECT retention_fit('SELECT x FROM fb');
SELECT retention_fit('SELECT x, y, w, z FROM fb');
SELECT retention_fit('SELECT z, y FROM fb');
SELECT retention_fit('SELECT x, z FROM fb');
SELECT retention_fit('SELECT x, y, z FROM fb');
SELECT retention_fit('SELECT x, y FROM fb WHERE false');
SELECT retention_fit('SELECT x, y FROM fb FOR UPDATE');
\set VERBOSITY default
SELECT retention_fit('SELECT z, y FROM fb');
SELECT retention_fit('SELECT x, y, w, z FROM fb');
SELECT retention_fit('SELECT NULL::float8[], y FROM fb');
-- a syntax error points into the query text, not into the calling statement
SELECT retention_fit('SELECT x, y FRM fb');
-- no columns at all: no first column to name
SELECT retention_fit('SELECT FROM fb');
-- a lock below the top level (subquery, WITH query, view) is named as such,
-- not as SPI's read-only refusal ("not allowed in a non-volatile function")
SELECT retention_fit('SELECT x, y FROM (SELECT x, y FROM fb FOR UPDATE) s');
SELECT retention_fit('WITH s AS (SELECT x, y FROM fb FOR NO KEY UPDATE) SELECT x, y FROM s');
CREATE TEMP VIEW fb_locked AS SELECT x, y FROM fb FOR SHARE;
SELECT retention_fit('SELECT x, y FROM fb_locked');
DROP VIEW fb_locked;
SELECT * FROM lifetime_summaries('SELECT 1::bigint, now(), 1::float8 FROM (SELECT FROM fb FOR KEY SHARE) s', now());
-- where the query's text has no lock at all: a STABLE SQL function that
-- PostgreSQL inlines, and a row-level security policy of a table it reads
-- (the DETAIL says where the lock can be); a VOLATILE function's own lock
-- is the function's business
CREATE FUNCTION fb_rows_locked() RETURNS SETOF fb LANGUAGE sql STABLE AS 'SELECT * FROM fb FOR SHARE';
SELECT retention_fit('SELECT x, y FROM fb_rows_locked()');
CREATE FUNCTION fb_rows_locking() RETURNS SETOF fb LANGUAGE sql VOLATILE AS 'SELECT * FROM fb FOR SHARE';
SELECT (retention_fit('SELECT x, y FROM fb_rows_locking()')::jsonb)->'n_rows' AS n_rows;
DROP FUNCTION fb_rows_locked(), fb_rows_locking();
CREATE ROLE regress_cr_fb_reader;
CREATE TABLE fb_rls AS SELECT * FROM fb;
GRANT SELECT ON fb, fb_rls TO regress_cr_fb_reader;
ALTER TABLE fb_rls ENABLE ROW LEVEL SECURITY;
CREATE POLICY fb_rls_locks ON fb_rls USING (EXISTS (SELECT FROM fb WHERE fb.z = fb_rls.z FOR KEY SHARE));
SET ROLE regress_cr_fb_reader;
SELECT retention_fit('SELECT x, y FROM fb_rls');
RESET ROLE;
DROP TABLE fb_rls;
REVOKE SELECT ON fb FROM regress_cr_fb_reader;
DROP ROLE regress_cr_fb_reader;
\set VERBOSITY sqlstate

-- options: the same errors as retention_train
SELECT retention_fit('SELECT x, y FROM fb', '{"l2": -1}');
SELECT retention_train(x, y, '{"l2": -1}') FROM fb;
SELECT retention_fit('SELECT x, y FROM fb', '{"colour": 1}');
SELECT retention_train(x, y, '{"colour": 1}') FROM fb;
SELECT retention_fit('SELECT x, y FROM fb', '[]');
SELECT retention_fit('SELECT x, y FROM fb', '{"max_iter": 0}');
SELECT retention_fit('SELECT x, y FROM fb', '{"tol": 1}');
SELECT retention_fit('SELECT x, y FROM fb', '{"features": ["a"]}');
SELECT retention_train(x, y, '{"features": ["a"]}') FROM fb;
SELECT retention_fit('SELECT x, y FROM fb', '{"features": ["(intercept)"]}');

-- data: the same errors as retention_train
\set VERBOSITY default
SELECT retention_fit('SELECT x, true FROM fb');
SELECT retention_train(x, true) FROM fb;
SELECT retention_fit('SELECT ARRAY[x[1], 2], y FROM fb');
SELECT retention_train(ARRAY[x[1], 2], y) FROM fb;
-- an all-zero feature without an intercept: no intercept to speak of
SELECT retention_fit('SELECT ARRAY[x[1], 0], y FROM fb', '{"intercept": false}');
SELECT retention_train(ARRAY[x[1], 0], y, '{"intercept": false}') FROM fb;
SELECT retention_fit('SELECT ARRAY[x[1], x[2], x[1] + x[2]], y FROM fb');
SELECT retention_train(ARRAY[x[1], x[2], x[1] + x[2]], y) FROM fb;
-- without an intercept the detail does not name one
SELECT retention_fit('SELECT ARRAY[x[1], x[2], 2 * x[1] - x[2]], y FROM fb', '{"intercept": false}');
SELECT retention_train(ARRAY[x[1], x[2], 2 * x[1] - x[2]], y, '{"intercept": false}') FROM fb;
-- values that differ by at most 1e-13 of their mean, and equal values
-- summed with weights that do not add up exactly (retention_fit sees a
-- rounding spread there): one message, the same from both functions
SELECT retention_fit('SELECT ARRAY[1e14 + ((z * 37) % 101 - 50) / 4.0, x[2]], y FROM fb');
SELECT retention_train(ARRAY[1e14 + ((z * 37) % 101 - 50) / 4.0, x[2]], y) FROM fb;
SELECT retention_fit('SELECT ARRAY[x[1], 1 / 3.0], y, 1 / (z + 0.7)::float8 FROM fb');
SELECT retention_train(ARRAY[x[1], 1 / 3.0], y, 1 / (z + 0.7), NULL) FROM fb;
SELECT retention_fit('SELECT ARRAY[x[1], CASE WHEN y THEN 1 ELSE 0 END], y FROM fb');
SELECT retention_train(ARRAY[x[1], CASE WHEN y THEN 1 ELSE 0 END], y) FROM fb;
-- the first feature alone separates: the detail names it alone, not the
-- combination the diverging Newton step happened to take; a feature that
-- separates with ties at the threshold (quasi-completely) too
SELECT retention_fit('SELECT x, x[1] > 0 FROM fb');
SELECT retention_train(x, x[1] > 0) FROM fb;
SELECT retention_fit('SELECT ARRAY[round(x[1] * 3), x[2]], x[1] * 3 >= 1 FROM fb');
SELECT retention_train(ARRAY[round(x[1] * 3), x[2]], x[1] * 3 >= 1) FROM fb;
-- ... but a sum of two features needs both
SELECT retention_fit('SELECT x, x[1] + x[2] > 0 FROM fb');
SELECT retention_train(x, x[1] + x[2] > 0) FROM fb;
-- ... and without an intercept a feature separates alone only at 0: i > 10.5
-- needs f2 (close to 1) as the threshold, i - 10.5 > 0 does not
SELECT retention_fit('SELECT ARRAY[i, 1 + 1e-3 * sin(i)], i > 10.5 FROM generate_series(1, 20) i', '{"intercept": false}');
SELECT retention_train(ARRAY[i, 1 + 1e-3 * sin(i)], i > 10.5, '{"intercept": false}') FROM generate_series(1, 20) i;
SELECT retention_fit('SELECT ARRAY[i - 10.5, 1 + 1e-3 * sin(i)], i > 10.5 FROM generate_series(1, 20) i', '{"intercept": false}');
SELECT retention_train(ARRAY[i - 10.5, 1 + 1e-3 * sin(i)], i > 10.5, '{"intercept": false}') FROM generate_series(1, 20) i;
SELECT retention_fit('SELECT x, y FROM fb', '{"max_iter": 1}');
SELECT retention_train(x, y, '{"max_iter": 1}') FROM fb;
SELECT retention_fit('SELECT CASE WHEN z = 7 THEN ARRAY[1, ''NaN'']::float8[] ELSE x END, y FROM fb');
SELECT retention_train(CASE WHEN z = 7 THEN ARRAY[1, 'NaN']::float8[] ELSE x END, y) FROM fb;
SELECT retention_fit('SELECT CASE WHEN z = 7 THEN ARRAY[1, 2, 3]::float8[] ELSE x END, y FROM fb');
SELECT retention_train(CASE WHEN z = 7 THEN ARRAY[1, 2, 3]::float8[] ELSE x END, y) FROM fb;
SELECT retention_fit('SELECT x, y, -w FROM fb');
SELECT retention_train(x, y, -w, NULL) FROM fb;
SELECT retention_fit('SELECT ''{}''::float8[], y FROM fb');
SELECT retention_train('{}'::float8[], y) FROM fb;
SELECT retention_fit('SELECT x, y, 0::float8 FROM fb');
SELECT retention_fit('SELECT x, NULL::boolean FROM fb');

-- the rows change between passes: an error, never a wrong model
CREATE SEQUENCE fb_seq;
SELECT retention_fit('SELECT x, y FROM fb WHERE nextval(''fb_seq'') <= 300');
SELECT setval('fb_seq', 1);
SELECT retention_fit('SELECT x, y FROM fb WHERE z <> (SELECT nextval(''fb_seq''))');
-- ... also when only a late pass sees other values (pass iterations + 3
-- without step-halving: counts, spreads and sample, then Newton from zero;
-- here one more pass follows, at the returned coefficients)
SELECT (retention_fit('SELECT x, y FROM fb')::jsonb -> 'iterations')::int + 3 AS sample_pass \gset
SELECT setval('fb_seq', 1, false);
\set VERBOSITY sqlstate
SELECT retention_fit('SELECT CASE WHEN (SELECT nextval(''fb_seq'')) = ' || :sample_pass || ' THEN ARRAY[x[1] * 100, x[2]] ELSE x END, y FROM fb');
\set VERBOSITY default
-- ... and when from pass 3 on 0.5 moves from one retained row's feature to
-- another's (a transfer another session commits during a fit on Citus):
-- every count and sum is unchanged, but not the sums of squares
SELECT setval('fb_seq', 1, false);
SELECT retention_fit('SELECT ARRAY[x[1] + CASE z WHEN 3 THEN k WHEN 6 THEN -k ELSE 0 END, x[2]], y
                      FROM fb, (SELECT CASE WHEN nextval(''fb_seq'') < 3 THEN 0 ELSE 0.5 END AS k) p');

-- the step aggregate's point
SELECT retention_newton_step(x, y, w, NULL) FROM fb;
SELECT retention_newton_step(x, y, w, '{}') FROM fb;
SELECT retention_newton_step(x, y, w, '{0,3}') FROM fb;
SELECT retention_newton_step(x, y, w, '{9,0}') FROM fb;
SELECT retention_newton_step(x, y, w, ARRAY[0, z]::float8[]) FROM fb;
-- a NaN or infinite coefficient, mean or spread: an error, not NaN sums
SELECT retention_newton_step(ARRAY[1, 2]::float8[], true, 1, '{2,2,1,1,NaN,0,0,0,0,1,1}');
SELECT retention_newton_step(ARRAY[1, 2]::float8[], true, 1, '{2,2,1,1,0,0,0,0,0,Infinity,1}');
-- a skipped first row in the counting pass (the state grows on the first
-- usable row; freeing the old state was the executor's job: a double free)
SELECT (retention_newton_step(x, y, 1, '{0,0}'))[1:5]
FROM (VALUES (NULL::float8[], true), ('{1,2}', false), ('{2,1}', true)) v(x, y);
SELECT retention_fit('SELECT NULL::float8[], true UNION ALL (SELECT x, y FROM fb ORDER BY z)')::jsonb -> 'n_skipped';
-- any float8[] can be a state (INITCOND, the combine function called
-- directly): one that does not fit the layout is an error, never a write
-- past its end
CREATE AGGREGATE pg_temp.step_from(float8[], boolean, float8, float8[]) (
  SFUNC = retention_newton_step_transfn, STYPE = float8[], INITCOND = '{1000,2,1,0,0,0,0,0,0,0,0,0,0}');
SELECT pg_temp.step_from(array_fill(1::float8, ARRAY[1000]), true, 1, '{0,0}');
SELECT retention_newton_step_combinefn('{0,2.5,1,0,0,0,0,0,0,0,0,0,0}', '{0,2.5,1,0,0,0,0,0,0,0,0,0,0}');
-- a state with a null bitmap but no NULL (PL/pgSQL keeps the bitmap after
-- s[2] := NULL; s[2] := v[2]) is a state like any other
CREATE FUNCTION pg_temp.bm(v float8[]) RETURNS float8[] LANGUAGE plpgsql
  AS $$ DECLARE s float8[] := v; BEGIN s[2] := NULL; s[2] := v[2]; RETURN s; END $$;
CREATE TEMP TABLE fb_step AS SELECT retention_newton_step(x, y, 1, '{0,0}') AS s FROM fb;
SELECT pg_column_size(pg_temp.bm(s)) > pg_column_size(s) AS has_bitmap,
       retention_newton_step_finalfn(pg_temp.bm(s)) = retention_newton_step_finalfn(s) AS final_same,
       retention_newton_step_combinefn(pg_temp.bm(s), pg_temp.bm(s)) = retention_newton_step_combinefn(s, s) AS combine_same
FROM fb_step;
SELECT retention_newton_step_finalfn(s[1:2] || NULL::float8 || s[4:]) FROM fb_step;

-- the query runs with the caller's privileges (no SECURITY DEFINER)
CREATE ROLE cr_fit_reader;
SET ROLE cr_fit_reader;
SELECT retention_fit('SELECT x, y FROM fb');
RESET ROLE;
DROP ROLE cr_fit_reader;

-- cancel: statement_timeout stops a fit within a pass
\set VERBOSITY sqlstate
SET statement_timeout = '50ms';
SELECT retention_fit('SELECT x, y FROM fb WHERE pg_sleep(0.001) IS NOT NULL');
RESET statement_timeout;
-- domains over the three column types are those types (as for the aggregate)
CREATE DOMAIN fb_vec AS float8[] CHECK (VALUE IS NOT NULL);
CREATE DOMAIN fb_flag AS boolean;
CREATE DOMAIN fb_w AS float8 CHECK (VALUE > 0);
SELECT retention_model_info(retention_fit('SELECT x::fb_vec, y::fb_flag, 2::fb_w FROM fb WHERE x IS NOT NULL AND y IS NOT NULL'))
     = retention_model_info(retention_fit('SELECT x, y, 2::float8 FROM fb WHERE x IS NOT NULL AND y IS NOT NULL')) AS domains_fit;
CREATE DOMAIN fb_text AS text;
SELECT retention_fit('SELECT x, y::text::fb_text FROM fb');
DROP DOMAIN fb_vec, fb_flag, fb_w, fb_text;
DROP TABLE fb;
DROP SEQUENCE fb_seq;

-- The query text is planned again for each row-by-row pass: a function it
-- calls may change what its names resolve to between passes, and the pass
-- that reads the rows as float8[] must not read a bigint (a crash).  Here
-- pass 1 switches search_path to a schema where the table has a bigint
-- column, and then replaces a view it reads.
\set VERBOSITY default
CREATE SCHEMA fb_a;
CREATE SCHEMA fb_b;
CREATE TABLE fb_a.fbs AS SELECT ARRAY[i::float8, (i % 7)::float8] AS f, i % 3 = 0 AS r FROM generate_series(1, 100) i;
CREATE TABLE fb_b.fbs AS SELECT (i * 1000003)::bigint AS f, i % 3 = 0 AS r FROM generate_series(1, 100) i;
SET search_path = fb_a, public;
SELECT retention_fit('SELECT f, r FROM fbs WHERE pg_catalog.set_config(''search_path'', ''fb_b, public'', false) IS NOT NULL');
RESET search_path;
CREATE VIEW fb_a.v AS SELECT f, r FROM fb_a.fbs;
CREATE FUNCTION fb_a.swap() RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
BEGIN
  IF (SELECT atttypid FROM pg_attribute WHERE attrelid = 'fb_a.v'::regclass AND attname = 'f') = 'float8[]'::regtype THEN
    DROP VIEW fb_a.v;
    CREATE VIEW fb_a.v AS SELECT f, r FROM fb_b.fbs;
  END IF;
  RETURN true;
END $$;
SELECT retention_fit('SELECT f, r FROM fb_a.v WHERE fb_a.swap()');
-- lifetime_summaries checks its query's columns once and then runs it:
-- an IMMUTABLE function, run whenever the text is planned, switches
-- search_path from fb_b to fb_a while the columns are checked and back
-- before the run, where column 2 is a bigint (read as a timestamp before).
CREATE TABLE fb_a.ev AS SELECT (i % 10)::bigint AS m, '2024-01-01'::timestamptz + i * interval '1 day' AS at, i::float8 AS v FROM generate_series(1, 100) i;
CREATE TABLE fb_b.ev AS SELECT (i % 10)::bigint AS m, (i * 12345)::bigint AS at, i::float8 AS v FROM generate_series(1, 100) i;
CREATE FUNCTION fb_a.flip() RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  PERFORM pg_catalog.set_config('search_path',
    CASE WHEN pg_catalog.current_setting('search_path') LIKE 'fb_a%' THEN 'fb_b, public' ELSE 'fb_a, public' END, false);
  RETURN true;
END $$;
SET search_path = fb_b, public;
SELECT count(*) FROM lifetime_summaries('SELECT m, at, v FROM ev WHERE fb_a.flip()', '2025-01-01');
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA fb_a, fb_b CASCADE;
RESET client_min_messages;
\set VERBOSITY sqlstate
