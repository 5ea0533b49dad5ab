-- Incentive conditions (issue #6): a differential test against PostgreSQL's
-- own evaluation, the round trip of the text form, SQLSTATEs of every error
-- class, and binary input fed with malformed bytes.
BEGIN;
SELECT plan(43);

-- ---------------------------------------------------------------- data
-- A deterministic generator: a 31-bit LCG whose state lives in a setting.
CREATE FUNCTION pg_temp.rnd(n int) RETURNS int LANGUAGE plpgsql AS $$
DECLARE s bigint := current_setting('cr_test.state')::bigint;
BEGIN
  s := (s * 1103515245 + 12345) % 2147483648;
  PERFORM set_config('cr_test.state', s::text, true);
  RETURN ((s >> 8) % n)::int;
END $$;
SELECT set_config('cr_test.state', '20260601', true) IS NOT NULL AS seeded \gset

-- Rows with NULLs in every column: int, float8, numeric, text, varchar, booleans.
CREATE TEMP TABLE dt (id int, a int, b float8, c numeric, s text, t varchar, p boolean, q boolean);
INSERT INTO dt
SELECT i,
  CASE WHEN pg_temp.rnd(7) = 0 THEN NULL ELSE pg_temp.rnd(26) - 5 END,
  CASE WHEN pg_temp.rnd(7) = 0 THEN NULL ELSE (pg_temp.rnd(53) - 12) / 4.0 END,
  CASE WHEN pg_temp.rnd(7) = 0 THEN NULL ELSE (pg_temp.rnd(201) - 50) / 10.0 END,
  CASE WHEN pg_temp.rnd(7) = 0 THEN NULL ELSE (ARRAY['a', 'b', 'abc', '', 'B', 'ab'])[1 + pg_temp.rnd(6)] END,
  CASE WHEN pg_temp.rnd(7) = 0 THEN NULL ELSE (ARRAY['a', 'b', 'abc', '', 'B', 'ab'])[1 + pg_temp.rnd(6)] END,
  CASE WHEN pg_temp.rnd(5) = 0 THEN NULL ELSE pg_temp.rnd(2) = 1 END,
  CASE WHEN pg_temp.rnd(5) = 0 THEN NULL ELSE pg_temp.rnd(2) = 1 END
FROM generate_series(1, 300) i;

-- ---------------------------------------------------------------- generator
-- Each generator returns the condition text and an equivalent SQL expression
-- (numbers as float8, text compared with COLLATE "C", everything parenthesised).
CREATE FUNCTION pg_temp.gen_num(d int, OUT cond text, OUT sqlx text) LANGUAGE plpgsql AS $$
DECLARE k int := pg_temp.rnd(CASE WHEN d <= 0 THEN 5 ELSE 19 END);
  l record; r record; lit text;
BEGIN
  IF k = 0 THEN cond := 'a'; sqlx := '(a)::float8';
  ELSIF k = 1 THEN cond := 'b'; sqlx := '(b)';
  ELSIF k = 2 THEN cond := 'c'; sqlx := '(c)::float8';
  ELSIF k = 3 THEN
    lit := (ARRAY['0', '1', '2.5', '3', '10', '0.1', '1e1', '0.25'])[1 + pg_temp.rnd(8)];
    cond := lit; sqlx := '(' || lit || ')::float8';
  ELSIF k = 4 THEN
    IF pg_temp.rnd(6) = 0 THEN cond := 'NULL'; sqlx := 'NULL::float8';
    ELSE cond := '-2'; sqlx := '(-2)::float8'; END IF;
  ELSIF k <= 7 THEN
    l := pg_temp.gen_num(d - 1); r := pg_temp.gen_num(d - 1);
    lit := (ARRAY['+', '-', '*'])[k - 4];
    cond := '(' || l.cond || ') ' || lit || ' (' || r.cond || ')';
    sqlx := '(' || l.sqlx || ' ' || lit || ' ' || r.sqlx || ')';
  ELSIF k = 8 THEN
    l := pg_temp.gen_num(d - 1); r := pg_temp.gen_num(d - 1);
    cond := '(' || l.cond || ') / (abs(' || r.cond || ') + 1)';
    sqlx := '(' || l.sqlx || ' / (abs(' || r.sqlx || ') + 1))';
  ELSIF k = 9 THEN
    lit := (ARRAY['2', '3', '5'])[1 + pg_temp.rnd(3)];
    cond := 'a % ' || lit; sqlx := 'mod(a, ' || lit || ')::float8';
  ELSIF k = 10 THEN
    l := pg_temp.gen_num(d - 1);
    lit := (ARRAY['abs', 'floor', 'ceil'])[1 + pg_temp.rnd(3)];
    cond := lit || '(' || l.cond || ')'; sqlx := lit || '(' || l.sqlx || ')';
  ELSIF k = 11 THEN
    l := pg_temp.gen_num(d - 1);
    IF pg_temp.rnd(2) = 0 THEN
      cond := 'round(' || l.cond || ')'; sqlx := 'round((' || l.sqlx || ')::numeric)::float8';
    ELSE
      lit := (ARRAY['1', '2', '-1'])[1 + pg_temp.rnd(3)];
      cond := 'round(' || l.cond || ', ' || lit || ')';
      sqlx := 'round((' || l.sqlx || ')::numeric, ' || lit || ')::float8';
    END IF;
  ELSIF k = 12 THEN
    l := pg_temp.gen_num(d - 1);
    cond := 'sqrt(abs(' || l.cond || '))'; sqlx := 'sqrt(abs(' || l.sqlx || '))';
  ELSIF k = 13 THEN
    l := pg_temp.gen_num(d - 1);
    cond := 'ln(abs(' || l.cond || ') + 1)'; sqlx := 'ln(abs(' || l.sqlx || ') + 1)';
  ELSIF k = 14 THEN
    l := pg_temp.gen_num(d - 1);
    cond := 'exp(least(' || l.cond || ', 5))'; sqlx := 'exp(least(' || l.sqlx || ', 5::float8))';
  ELSIF k <= 17 THEN
    l := pg_temp.gen_num(d - 1); r := pg_temp.gen_num(d - 1);
    lit := (ARRAY['least', 'greatest', 'coalesce'])[k - 14];
    cond := lit || '(' || l.cond || ', ' || r.cond || ')';
    sqlx := lit || '(' || l.sqlx || ', ' || r.sqlx || ')';
  ELSE
    l := pg_temp.gen_num(d - 1);
    cond := '-(' || l.cond || ')'; sqlx := '(-' || l.sqlx || ')';
  END IF;
END $$;

CREATE FUNCTION pg_temp.gen_text(OUT cond text, OUT sqlx text) LANGUAGE plpgsql AS $$
DECLARE k int := pg_temp.rnd(5); lit text;
BEGIN
  IF k = 0 THEN cond := 's'; sqlx := '(s)';
  ELSIF k = 1 THEN cond := 't'; sqlx := '(t)::text';
  ELSIF k = 2 THEN cond := 'coalesce(s, t)'; sqlx := 'coalesce(s, t::text)';
  ELSE
    lit := quote_literal((ARRAY['a', 'b', 'abc', '', 'B', 'ab', 'it''s'])[1 + pg_temp.rnd(7)]);
    cond := lit; sqlx := lit || '::text';
  END IF;
END $$;

CREATE FUNCTION pg_temp.gen_bool(d int, OUT cond text, OUT sqlx text) LANGUAGE plpgsql AS $$
DECLARE k int := pg_temp.rnd(CASE WHEN d <= 0 THEN 8 ELSE 15 END);
  x record; y record; z record; op text; n int; items text; sitems text;
BEGIN
  IF k = 0 THEN cond := 'p'; sqlx := '(p)';
  ELSIF k = 1 THEN cond := 'q'; sqlx := '(q)';
  ELSIF k <= 3 THEN
    x := pg_temp.gen_num(1); y := pg_temp.gen_num(1);
    op := (ARRAY['=', '<>', '<', '<=', '>', '>=', '!='])[1 + pg_temp.rnd(7)];
    cond := '(' || x.cond || ') ' || op || ' (' || y.cond || ')';
    sqlx := '(' || x.sqlx || ' ' || op || ' ' || y.sqlx || ')';
  ELSIF k = 4 THEN
    x := pg_temp.gen_text(); y := pg_temp.gen_text();
    op := (ARRAY['=', '<>', '<', '<=', '>', '>='])[1 + pg_temp.rnd(6)];
    cond := x.cond || ' ' || op || ' ' || y.cond;
    sqlx := '(' || x.sqlx || ' COLLATE "C" ' || op || ' ' || y.sqlx || ')';
  ELSIF k = 5 THEN
    x := pg_temp.gen_num(1); y := pg_temp.gen_num(0); z := pg_temp.gen_num(0);
    op := CASE WHEN pg_temp.rnd(2) = 0 THEN ' BETWEEN ' ELSE ' NOT BETWEEN ' END;
    cond := '(' || x.cond || ')' || op || '(' || y.cond || ') AND (' || z.cond || ')';
    sqlx := '(' || x.sqlx || op || y.sqlx || ' AND ' || z.sqlx || ')';
  ELSIF k = 6 THEN
    x := pg_temp.gen_num(1);
    n := 1 + pg_temp.rnd(4); items := ''; sitems := '';
    FOR i IN 1 .. n LOOP
      y := pg_temp.gen_num(0);
      items := items || CASE WHEN i > 1 THEN ', ' ELSE '' END || y.cond;
      sitems := sitems || CASE WHEN i > 1 THEN ', ' ELSE '' END || y.sqlx;
    END LOOP;
    op := CASE WHEN pg_temp.rnd(2) = 0 THEN ' IN ' ELSE ' NOT IN ' END;
    cond := '(' || x.cond || ')' || op || '(' || items || ')';
    sqlx := '(' || x.sqlx || op || '(' || sitems || '))';
  ELSIF k = 7 THEN
    n := pg_temp.rnd(3);
    IF n = 0 THEN x := pg_temp.gen_num(1);
    ELSIF n = 1 THEN x := pg_temp.gen_text();
    ELSE x := pg_temp.gen_bool(0); END IF;
    op := CASE WHEN pg_temp.rnd(2) = 0 THEN ' IS NULL' ELSE ' IS NOT NULL' END;
    cond := '(' || x.cond || ')' || op; sqlx := '(' || x.sqlx || op || ')';
  ELSIF k = 8 THEN
    x := pg_temp.gen_bool(d - 1);
    cond := 'NOT (' || x.cond || ')'; sqlx := '(NOT ' || x.sqlx || ')';
  ELSIF k <= 10 THEN
    x := pg_temp.gen_bool(d - 1); y := pg_temp.gen_bool(d - 1);
    op := CASE WHEN k = 9 THEN ' AND ' ELSE ' OR ' END;
    cond := '(' || x.cond || ')' || op || '(' || y.cond || ')';
    sqlx := '(' || x.sqlx || op || y.sqlx || ')';
  ELSIF k = 11 THEN
    x := pg_temp.gen_bool(d - 1); y := pg_temp.gen_bool(d - 1); z := pg_temp.gen_bool(d - 1);
    op := CASE WHEN pg_temp.rnd(2) = 0 THEN ' AND ' ELSE ' OR ' END;
    cond := '(' || x.cond || ')' || op || '(' || y.cond || ')' || op || '(' || z.cond || ')';
    sqlx := '(' || x.sqlx || op || y.sqlx || op || z.sqlx || ')';
  ELSIF k = 12 THEN
    x := pg_temp.gen_bool(d - 1); y := pg_temp.gen_bool(d - 1);
    op := (ARRAY['=', '<>', '<', '>='])[1 + pg_temp.rnd(4)];
    cond := '(' || x.cond || ') ' || op || ' (' || y.cond || ')';
    sqlx := '(' || x.sqlx || ' ' || op || ' ' || y.sqlx || ')';
  ELSIF k = 13 THEN
    -- a guarded division: the guard decides, the division never fails
    x := pg_temp.gen_num(1); y := pg_temp.gen_num(1);
    cond := '(' || y.cond || ') <> 0 AND (' || x.cond || ') / (' || y.cond || ') > 1';
    sqlx := '(' || y.sqlx || ' <> 0 AND ' || x.sqlx || ' / ' || y.sqlx || ' > 1)';
  ELSE
    n := pg_temp.rnd(3);
    cond := (ARRAY['true', 'false', 'NULL'])[1 + n];
    sqlx := (ARRAY['true', 'false', 'NULL::boolean'])[1 + n];
  END IF;
END $$;

-- (one call per row: "(f()).*" would call f once per column, and a LATERAL
-- call must depend on the row or it is evaluated only once)
CREATE TEMP TABLE gen AS
SELECT g.i, x.cond, x.sqlx FROM generate_series(1, 400) g(i), LATERAL pg_temp.gen_bool(3 + 0 * g.i) x;

-- ---------------------------------------------------------------- differential
CREATE TEMP TABLE outcome (i int, cond text, canonical text, rows int, matches int,
  mismatches int, json_mismatches int, canon_mismatches int, error text);
DO $$
DECLARE g record; r record; canon text;
BEGIN
  FOR g IN SELECT * FROM gen ORDER BY i LOOP
    BEGIN
      canon := g.cond::incentive_condition::text;
      EXECUTE format($q$
        SELECT count(*)::int AS rows,
          count(*) FILTER (WHERE m)::int AS matches,
          count(*) FILTER (WHERE m IS DISTINCT FROM coalesce(e, false))::int AS mismatches,
          count(*) FILTER (WHERE mj IS DISTINCT FROM coalesce(e, false))::int AS json_mismatches,
          count(*) FILTER (WHERE mc IS DISTINCT FROM coalesce(e, false))::int AS canon_mismatches
        FROM (SELECT incentive_matches(%L::incentive_condition, dt) AS m,
                     incentive_matches(%L::incentive_condition, to_jsonb(dt)) AS mj,
                     incentive_matches(%L::incentive_condition, dt) AS mc,
                     (%s) AS e
              FROM dt) x$q$, g.cond, g.cond, canon, g.sqlx) INTO r;
      INSERT INTO outcome VALUES (g.i, g.cond, canon, r.rows, r.matches, r.mismatches,
        r.json_mismatches, r.canon_mismatches, NULL);
    EXCEPTION WHEN OTHERS THEN
      INSERT INTO outcome VALUES (g.i, g.cond, canon, 0, 0, 0, 0, 0, SQLSTATE || ' ' || SQLERRM);
    END;
  END LOOP;
END $$;

SELECT is((SELECT count(*)::int FROM outcome WHERE error IS NULL), 400,
  '400 random conditions all parse and evaluate without error');
SELECT is((SELECT coalesce(sum(mismatches), -1)::int FROM outcome), 0,
  'incentive_matches(condition, record) agrees with PostgreSQL on every (condition, row) pair, NULL = no match');
SELECT is((SELECT coalesce(sum(json_mismatches), -1)::int FROM outcome), 0,
  'incentive_matches(condition, to_jsonb(row)) agrees as well');
SELECT is((SELECT coalesce(sum(canon_mismatches), -1)::int FROM outcome), 0,
  'the canonical text of each condition evaluates identically');

-- The JsonLogic form of each random condition (SQL's NULL made explicit with
-- null checks) matches exactly the rows PostgreSQL's own SQL matches; the
-- JsonLogic front end itself is checked against json-logic-js in test/jsonlogic.
CREATE TEMP TABLE jl_outcome (i int, converted boolean, mismatches int);
DO $$
DECLARE g record; j jsonb; n int;
BEGIN
  FOR g IN SELECT * FROM gen ORDER BY i LOOP
    BEGIN
      j := g.cond::incentive_condition::jsonb;
    EXCEPTION WHEN feature_not_supported THEN
      INSERT INTO jl_outcome VALUES (g.i, false, 0);
      CONTINUE;
    END;
    EXECUTE format($q$SELECT count(*) FILTER (WHERE incentive_matches(%L::jsonb::incentive_condition, dt)
                                   IS DISTINCT FROM coalesce(%s, false))::int FROM dt$q$, j, g.sqlx) INTO n;
    INSERT INTO jl_outcome VALUES (g.i, true, n);
  END LOOP;
END $$;
SELECT cmp_ok((SELECT count(*)::int FROM jl_outcome WHERE converted), '>=', 100,
  'at least 100 of the 400 random conditions have a JsonLogic form');
SELECT is((SELECT coalesce(sum(mismatches), -1)::int FROM jl_outcome), 0,
  'each JsonLogic form (condition::jsonb) matches exactly the rows of its condition');
SELECT is((SELECT count(*)::int FROM outcome
           WHERE canonical::incentive_condition::text IS DISTINCT FROM canonical), 0,
  'output(input(output(x))) = output(x) for every generated condition');
SELECT ok((SELECT sum(matches) > 0.1 * sum(rows) AND sum(matches) < 0.9 * sum(rows) FROM outcome),
  'the test is not vacuous: matches and non-matches both common');
SELECT ok((SELECT bool_and(EXISTS (SELECT 1 FROM gen WHERE cond LIKE '%' || op || '%'))
           FROM unnest(ARRAY[' AND ', ' OR ', 'NOT (', ' BETWEEN ', ' NOT BETWEEN ', ' IN (', ' NOT IN (',
             ' IS NULL', ' IS NOT NULL', ' <> ', ' != ', ' <= ', ' >= ', ' / ', ' % ', ' * ', 'round(',
             'least(', 'greatest(', 'coalesce(', 'ln(', 'exp(', 'sqrt(', 'floor(', 'ceil(', 'abs(',
             '-(', 'NULL', 'true', 'false']) op),
  'the generated conditions use every operator and function');

-- ---------------------------------------------------------------- errors
SELECT throws_ok($$SELECT 'x >'::incentive_condition$$, '42601',
  'syntax error at position 4 in incentive condition', 'syntax error: 42601 with its position');
SELECT throws_ok($$SELECT 'foo(x) > 1'::incentive_condition$$, '42883', NULL, 'unknown function: 42883');
SELECT throws_ok($$SELECT 'abs(x, 1) > 1'::incentive_condition$$, '42883', NULL, 'wrong argument count: 42883');
SELECT throws_ok($$SELECT '''a'' < 1'::incentive_condition$$, '42804', NULL, 'text compared with a number: 42804');
SELECT throws_ok($$SELECT (repeat('(', 500) || 'x' || repeat(')', 500))::incentive_condition$$, '54000', NULL,
  'nesting beyond the limit: 54000');
SELECT throws_ok($$SELECT ('x' || repeat(' + (x', 150) || repeat(')', 150) || ' > 1')::incentive_condition$$, '54000', NULL,
  'an expression tree deeper than the limit: 54000 (a flat chain x + x + ... is not nesting)');
SELECT throws_ok($$SELECT (SELECT string_agg('greatest(' || (SELECT string_agg('x', ',') FROM generate_series(1, 65535)) || ') > 1', ' OR ')
                          FROM generate_series(1, 23))::incentive_condition$$, '54000', NULL,
  'a compiled program beyond 4 MB: 54000 (the text has no limit of its own)');
SELECT throws_ok($$SELECT incentive_matches('zz > 1', dt) FROM dt$$, '42703',
  'incentive condition reads feature "zz", which is not a column of dt', 'unknown feature: 42703 naming it and the row type');
SELECT throws_ok($$SELECT incentive_matches('s > 1', dt) FROM dt$$, '42804', NULL,
  'text column compared with a number: 42804 at binding');
SELECT throws_ok($$SELECT incentive_matches('a / (a - a) > 1', dt) FROM dt$$, '22012', NULL, 'division by zero: 22012');
SELECT is((SELECT count(*)::int FROM dt WHERE incentive_matches('a = 0 OR 10 / a > 1', dt)),
          (SELECT count(*)::int FROM dt WHERE a = 0 OR 10 / a::float8 > 1),
  'a guard decides: the division by zero it protects against is never raised');
SELECT throws_ok($$SELECT incentive_matches('ln(a - a) > 1', dt) FROM dt$$, '2201E', NULL, 'ln(0): 2201E');
SELECT throws_ok($$SELECT incentive_matches('sqrt(-abs(b) - 1) > 1', dt) FROM dt$$, '2201F', NULL, 'sqrt of a negative: 2201F');
SELECT throws_ok($$SELECT incentive_matches('x > 1', '{"x": "1"}'::jsonb)$$, '42804', NULL, 'jsonb type conflict: 42804');
SELECT is(incentive_matches('x IS NULL', '{}'::jsonb), true, 'jsonb: a missing key is NULL');

-- ---------------------------------------------------------------- binary input
-- Feed raw bytes to incentive_condition_recv through a binary COPY file.
CREATE TEMP TABLE bin (c incentive_condition);
CREATE FUNCTION pg_temp.recv(payload bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE lo oid; res text;
BEGIN
  lo := lo_from_bytea(0, '\x5047434f50590aff0d0a00'::bytea || '\x0000000000000000'::bytea
        || '\x0001'::bytea || int4send(length(payload)) || payload || '\xffff'::bytea);
  PERFORM lo_export(lo, 'cr_incentive_recv.bin');
  PERFORM lo_unlink(lo);
  DELETE FROM bin;
  BEGIN
    COPY bin FROM 'cr_incentive_recv.bin' WITH (FORMAT binary);
    SELECT c::text INTO res FROM bin;
    RETURN res;
  EXCEPTION WHEN OTHERS THEN
    RETURN 'ERROR ' || SQLSTATE;
  END;
END $$;

SELECT is(pg_temp.recv(incentive_condition_send(
  'plan IN (''annual'', ''monthly'') AND NOT renewed OR round(score, 2) BETWEEN 0.1 AND 0.3')),
  'plan IN (''annual'', ''monthly'') AND NOT renewed OR round(score, 2) BETWEEN 0.1 AND 0.3',
  'send/recv round trip');
SELECT is(pg_temp.recv('\x02000100'::bytea), 'ERROR 22P03', 'unknown version: 22P03');
SELECT is(
  (SELECT count(*)::int FROM incentive_condition_send('x > 1 AND s = ''abc''') b, generate_series(0, length(b) - 1) n
   WHERE pg_temp.recv(substr(b, 1, n)) <> 'ERROR 22P03'), 0,
  'every truncation of a valid program: 22P03');
SELECT is(
  (SELECT count(*)::int FROM generate_series(1, 300) n
   WHERE pg_temp.recv(decode(md5(n::text) || md5((n * 7)::text), 'hex')) <> 'ERROR 22P03'), 0,
  'random bytes: 22P03');
-- single-byte corruptions of a valid program: rejected, or a valid condition
SELECT is(
  (SELECT count(*)::int FROM
     (SELECT pg_temp.recv(set_byte(b, n, (get_byte(b, n) + 1 + n * 37) % 256)) AS r
      FROM incentive_condition_send('a > 1 OR s IN (''x'', ''y'')') b, generate_series(0, length(b) - 1) n) x
   WHERE r LIKE 'ERROR%' AND r <> 'ERROR 22P03'), 0,
  'single-byte corruptions never fail with anything but 22P03');
SELECT is(pg_temp.recv('\x010000000100000003'::bytea), 'true', 'a minimal valid program: true');
SELECT is(pg_temp.recv('\x01000000020000000303'::bytea), 'ERROR 22P03', 'unbalanced stack: 22P03');
SELECT is(pg_temp.recv('\x010001000300000001007806050000'::bytea), 'ERROR 22P03', 'name index out of range: 22P03');
SELECT is(pg_temp.recv('\x0100000005000000020100000000'::bytea), 'ERROR 22P03', 'string longer than the program: 22P03');
SELECT is(pg_temp.recv('\x0100000001000000ff'::bytea), 'ERROR 22P03', 'unknown opcode: 22P03');

-- The wire carries names and text literals in the client encoding, as
-- textsend and textrecv carry text (1.1 before the fix sent them as stored,
-- so a binary COPY into a LATIN1 database turned the UTF-8 bytes of an
-- accented name into two characters each).
-- The client encoding is set only around the calls, so every statement of
-- this file stays ASCII.
CREATE FUNCTION pg_temp.send_in(enc text, c incentive_condition) RETURNS text LANGUAGE plpgsql AS $$
DECLARE was text := current_setting('client_encoding'); b bytea;
BEGIN
  PERFORM set_config('client_encoding', enc, true);
  b := incentive_condition_send(c);
  PERFORM set_config('client_encoding', was, true);
  RETURN encode(b, 'hex');
END $$;
CREATE FUNCTION pg_temp.recv_in(enc text, payload bytea) RETURNS text LANGUAGE plpgsql AS $$
DECLARE was text := current_setting('client_encoding'); r text;
BEGIN
  PERFORM set_config('client_encoding', enc, true);
  r := pg_temp.recv(payload);
  PERFORM set_config('client_encoding', was, true);
  RETURN r;
END $$;
SELECT is((SELECT string_agg(provolatile::text, '' ORDER BY proname) FROM pg_proc
            WHERE proname IN ('incentive_condition_recv', 'incentive_condition_send')), 'ss',
  'binary receive and send are STABLE: they follow client_encoding');
SELECT is((SELECT string_agg(p.oid::regprocedure::text || ' ' || provolatile::text, ', ' ORDER BY p.oid::regprocedure::text COLLATE "C")
             FROM pg_proc p WHERE proname IN ('incentive_matches', 'incentive_match_all')),
  'incentive_match_all(incentive_condition[],record) s, incentive_matches(incentive_condition,jsonb) i, incentive_matches(incentive_condition,record) s',
  'the record forms are STABLE (they bind columns by name), the jsonb form IMMUTABLE');
CREATE TEMP TABLE renamable (x int, y int);
SELECT throws_ok($$CREATE INDEX ON renamable ((incentive_matches('x > 1', renamable)))$$, '42P17', NULL,
  'no index on a record form: after RENAME COLUMN it would answer for the old names');
SELECT is(pg_temp.send_in('UTF8', E'"\u00e9t\u00e9" > 1 AND s = \'\u00e4\''),
  '010002001b0000000500c3a974c3a901007306000001000000000000f03f0e0601000202000000c3a40a070200',
  'send under UTF8: the program as stored');
SELECT is(pg_temp.send_in('LATIN1', E'"\u00e9t\u00e9" > 1 AND s = \'\u00e4\''),
  '010002001a0000000300e974e901007306000001000000000000f03f0e0601000201000000e40a070200',
  'send under LATIN1: the name and the string in LATIN1, lengths to match');
SELECT is(pg_temp.recv_in('LATIN1', '\x010002001a0000000300e974e901007306000001000000000000f03f0e0601000201000000e40a070200'),
  E'"\u00e9t\u00e9" > 1 AND s = \'\u00e4\'', 'LATIN1 bytes received under LATIN1: the same condition');
SELECT is(pg_temp.recv_in('UTF8', '\x010002001a0000000300e974e901007306000001000000000000f03f0e0601000201000000e40a070200'),
  'ERROR 22P03', 'LATIN1 bytes received under UTF8: 22P03');
SELECT throws_ok($$SELECT pg_temp.send_in('LATIN1', E'"\u4e2d" > 1')$$, '22P05', NULL,
  'a name LATIN1 has no character for: 22P05, as for text');
-- 200 LATIN1 letters are a name within the limit on the wire, and 400
-- bytes in this UTF-8 database: the name limit of the text form (42622),
-- not malformed bytes (was: 22P03 "bad name length")
SELECT is(pg_temp.recv_in('LATIN1', '\x010001000d000000c800'::bytea || decode(repeat('e9', 200), 'hex')
                                     || '\x06000001000000000000f03f0e'::bytea),
  'ERROR 42622', 'a LATIN1 name that grows past 255 bytes in the database encoding: 42622, as in the text form');

SELECT * FROM finish();
ROLLBACK;
