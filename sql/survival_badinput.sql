-- Survival functions: every bad input is a clear error with its SQLSTATE,
-- never a crash or a NaN returned as if it were a result.  Each case prints
-- its SQLSTATE, message, detail and hint, or "ok: " and the result row.
SET TimeZone = 'UTC';
\set SHOW_CONTEXT never
\pset tuples_only on
\pset format unaligned
CREATE FUNCTION pg_temp.try(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
  r text; st text; msg text; det text; hnt text;
BEGIN
  EXECUTE 'SELECT x::text FROM (' || q || ') x' INTO r;
  RETURN 'ok: ' || coalesce(r, 'NULL');
EXCEPTION WHEN OTHERS THEN
  GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
                          det = PG_EXCEPTION_DETAIL, hnt = PG_EXCEPTION_HINT;
  RETURN st || ' ' || msg || coalesce(' | ' || nullif(det, ''), '')
         || coalesce(' | HINT: ' || nullif(hnt, ''), '');
END $$;
CREATE TABLE sv(t float8, churned boolean, grp text);
INSERT INTO sv VALUES (1, true, 'a'), (2, false, 'b'), (3, true, 'a'), (4, true, 'b');
-- durations: negative, NaN, infinite
SELECT pg_temp.try($$SELECT retention_km(t, churned) FROM (VALUES (-1::float8, true)) v(t, churned)$$);
SELECT pg_temp.try($$SELECT retention_km(t, churned) FROM (VALUES ('NaN'::float8, true)) v(t, churned)$$);
SELECT pg_temp.try($$SELECT retention_km(t, churned) FROM (VALUES ('Infinity'::float8, false)) v(t, churned)$$);
SELECT pg_temp.try($$SELECT retention_logrank(t, churned, 'a') FROM (VALUES (-0.5::float8, true)) v(t, churned)$$);
SELECT pg_temp.try($$SELECT retention_logrank(t, churned, 'a') FROM (VALUES ('-Infinity'::float8, true)) v(t, churned)$$);
-- -0 is the time 0
SELECT pg_temp.try($$SELECT (unnest(retention_km(t, churned))).time FROM (VALUES ('-0'::float8, true), (0, true)) v(t, churned)$$);
-- confidence outside (0, 1), or changing within a group
SELECT pg_temp.try($$SELECT retention_km(t, churned, 0) FROM sv$$);
SELECT pg_temp.try($$SELECT retention_km(t, churned, 1) FROM sv$$);
SELECT pg_temp.try($$SELECT retention_km(t, churned, 'NaN') FROM sv$$);
SELECT pg_temp.try($$SELECT retention_km(t, churned, t / 10) FROM sv$$);
-- a NULL confidence takes the level of the group's other rows (0.95 when all are NULL)
SELECT pg_temp.try($$SELECT (retention_km(t, churned, c))[1].lower = (retention_km(t, churned, 0.9))[1].lower AS at_0_9 FROM sv, (VALUES (0.9), (NULL)) v(c)$$);
SELECT pg_temp.try($$SELECT (retention_km(t, churned, NULL))[1].lower = (retention_km(t, churned))[1].lower AS at_0_95 FROM sv$$);
-- the largest level below 1: z comes from the lower tail, where 1 - level is
-- exact (from the upper tail, (1 + level) / 2 rounded to 1 and z was NaN,
-- so lower and upper were NULL); z = 8.29236107558 (scipy norm.isf(2^-54))
SELECT pg_temp.try($$SELECT count(*) AS points, bool_and((p).lower IS NOT NULL AND (p).upper IS NOT NULL AND (p).lower < (p).survival AND (p).survival < (p).upper) AS bounded FROM (SELECT unnest(retention_km(t, churned, 0.9999999999999999)) p FROM sv) s WHERE (p).survival > 0 AND (p).survival < 1$$);
SELECT pg_temp.try($$SELECT q.lower IS NOT NULL AND q.upper IS NOT NULL AS bounded FROM (SELECT (retention_km_quantile(retention_km(t, churned), 0.5, 0.9999999999999999)).* FROM sv) q$$);
-- NULLs are skipped: durations, flags, groups; no rows at all gives NULL
SELECT pg_temp.try($$SELECT cardinality(retention_km(t, churned)) FROM (VALUES (1::float8, NULL::boolean), (NULL, true), (2, true)) v(t, churned)$$);
SELECT pg_temp.try($$SELECT retention_km(t, churned) IS NULL AS no_rows FROM sv WHERE false$$);
SELECT pg_temp.try($$SELECT (retention_logrank(t, churned, g)).* FROM sv, (VALUES (NULL::text), ('x')) v(g)$$);
-- only skipped rows: no test, but the skipped rows are counted (no rows at all: NULL)
SELECT pg_temp.try($$SELECT (retention_logrank(t, churned, g)).* FROM (VALUES (1::float8, true, NULL::text), (NULL, true, 'a'), (2, NULL, 'b')) v(t, churned, g)$$);
SELECT pg_temp.try($$SELECT (retention_logrank(t, churned, g, 'tw')).* FROM sv, (VALUES (NULL::text)) v(g)$$);
SELECT pg_temp.try($$SELECT retention_logrank(t, churned, 'x') IS NULL AS no_rows FROM sv WHERE false$$);
-- quantile: p and confidence in (0, 1), a curve with NULL points or out of order
SELECT pg_temp.try($$SELECT retention_km_quantile(retention_km(t, churned), 0) FROM sv$$);
SELECT pg_temp.try($$SELECT retention_km_quantile(retention_km(t, churned), 1) FROM sv$$);
SELECT pg_temp.try($$SELECT retention_km_quantile(retention_km(t, churned), 0.5, 1.5) FROM sv$$);
SELECT pg_temp.try($$SELECT retention_km_quantile(ARRAY[NULL]::retention_km_point[])$$);
-- a matrix of points is no curve (it was read flattened)
SELECT pg_temp.try($$SELECT retention_km_quantile(ARRAY[[(1,2,1,0,0.5,0.1,NULL,NULL)], [(2,1,1,0,0,NULL,NULL,NULL)]]::retention_km_point[])$$);
SELECT pg_temp.try($$SELECT retention_km_rmst(ARRAY[[(1,2,1,0,0.5,0.1,NULL,NULL)], [(2,1,1,0,0,NULL,NULL,NULL)]]::retention_km_point[], 2)$$);
SELECT pg_temp.try($$SELECT retention_km_quantile(ARRAY[(2,1,1,0,0.5,0.1,0.1,0.9), (1,2,1,0,0.5,0.1,0.1,0.9)]::retention_km_point[])$$);
SELECT pg_temp.try($$SELECT retention_km_quantile(ARRAY[(1,1,1,0,1.5,0.1,0.1,0.9)]::retention_km_point[])$$);
SELECT pg_temp.try($$SELECT retention_km_quantile(ARRAY[(NULL,1,1,0,0.5,0.1,0.1,0.9)]::retention_km_point[])$$);
SELECT pg_temp.try($$SELECT * FROM retention_km_quantile(ARRAY[]::retention_km_point[])$$);
-- hand-made curves that no Kaplan-Meier estimate can give: each is an error for both functions
CREATE TABLE bad_curve(what text, c retention_km_point[]);
INSERT INTO bad_curve VALUES
  ('churned > at_risk', ARRAY[(1,10,2,0,0.8,0.1,NULL,NULL), (2,8,9,0,0,NULL,NULL,NULL)]::retention_km_point[]),
  ('churned + censored > at_risk', ARRAY[(1,10,6,5,0.4,0.1,NULL,NULL)]::retention_km_point[]),
  ('negative churned', ARRAY[(1,10,-1,0,1,0,NULL,NULL)]::retention_km_point[]),
  ('negative censored', ARRAY[(1,10,1,-1,0.9,0.1,NULL,NULL)]::retention_km_point[]),
  ('at_risk 0', ARRAY[(1,0,0,0,1,0,NULL,NULL)]::retention_km_point[]),
  ('at_risk increasing', ARRAY[(1,10,2,0,0.8,0.1,NULL,NULL), (2,12,2,0,0.6,0.1,NULL,NULL)]::retention_km_point[]),
  ('at_risk above those left', ARRAY[(1,10,2,1,0.8,0.1,NULL,NULL), (2,8,2,0,0.6,0.1,NULL,NULL)]::retention_km_point[]),
  ('survival above 1', ARRAY[(1,10,0,1,1.5,0,NULL,NULL)]::retention_km_point[]),
  ('survival below 0', ARRAY[(1,10,10,0,-0.1,NULL,NULL,NULL)]::retention_km_point[]),
  ('survival NaN', ARRAY[(1,10,2,0,'NaN',0.1,NULL,NULL)]::retention_km_point[]),
  ('survival increasing', ARRAY[(1,10,2,0,0.6,0.1,NULL,NULL), (2,8,2,0,0.8,0.1,NULL,NULL)]::retention_km_point[]),
  ('survival falls without churn', ARRAY[(1,10,2,0,0.8,0.1,NULL,NULL), (2,8,0,2,0.7,0.1,NULL,NULL)]::retention_km_point[]),
  ('times equal', ARRAY[(1,10,2,0,0.8,0.1,NULL,NULL), (1,8,2,0,0.6,0.1,NULL,NULL)]::retention_km_point[]),
  ('times decreasing', ARRAY[(2,10,2,0,0.8,0.1,NULL,NULL), (1,8,2,0,0.6,0.1,NULL,NULL)]::retention_km_point[]),
  ('time NaN', ARRAY[('NaN',10,2,0,0.8,0.1,NULL,NULL)]::retention_km_point[]),
  ('time negative', ARRAY[(-1,10,2,0,0.8,0.1,NULL,NULL)]::retention_km_point[]),
  ('time infinite', ARRAY[(1,10,2,0,0.8,0.1,NULL,NULL), ('Infinity',8,2,0,0.6,0.1,NULL,NULL)]::retention_km_point[]),
  ('std_err NaN', ARRAY[(1,10,2,0,0.8,'NaN',NULL,NULL)]::retention_km_point[]),
  ('std_err negative', ARRAY[(1,10,2,0,0.8,-0.1,NULL,NULL)]::retention_km_point[]),
  ('std_err infinite', ARRAY[(1,10,2,0,0.8,'Infinity',NULL,NULL)]::retention_km_point[]);
SELECT what, pg_temp.try(format('SELECT * FROM retention_km_quantile(%L::retention_km_point[])', c)),
       pg_temp.try(format('SELECT * FROM retention_km_rmst(%L::retention_km_point[], 1)', c))
FROM bad_curve ORDER BY what;
-- a hand-made curve of event times only, censored NULL, std_err NULL: accepted
SELECT pg_temp.try($$SELECT * FROM retention_km_quantile(ARRAY[(1,10,2,NULL,0.8,NULL,NULL,NULL), (3,7,4,NULL,0.8 * 3 / 7.0,NULL,NULL,NULL)]::retention_km_point[])$$);
SELECT pg_temp.try($$SELECT * FROM retention_km_rmst(ARRAY[(1,10,2,NULL,0.8,NULL,NULL,NULL), (3,7,4,NULL,0.8 * 3 / 7.0,NULL,NULL,NULL)]::retention_km_point[], 3)$$);
DROP TABLE bad_curve;
-- a quantile that is never reached is NULL
SELECT pg_temp.try($$SELECT * FROM retention_km_quantile((SELECT retention_km(t, false) FROM sv))$$);
-- RMST: tau <= 0, NaN, infinite, beyond the curve
SELECT pg_temp.try($$SELECT retention_km_rmst(retention_km(t, churned), 0) FROM sv$$);
SELECT pg_temp.try($$SELECT retention_km_rmst(retention_km(t, churned), -1) FROM sv$$);
SELECT pg_temp.try($$SELECT retention_km_rmst(retention_km(t, churned), 'NaN') FROM sv$$);
SELECT pg_temp.try($$SELECT retention_km_rmst(retention_km(t, churned), 'Infinity') FROM sv$$);
SELECT pg_temp.try($$SELECT retention_km_rmst(retention_km(t, churned), 4.5) FROM sv$$);
SELECT pg_temp.try($$SELECT retention_km_rmst(ARRAY[]::retention_km_point[], 1)$$);
SELECT pg_temp.try($$SELECT * FROM retention_km_rmst((SELECT retention_km(t, churned) FROM sv), 4)$$);
-- spells: unknown unit, infinite dates, end before start, NULLs
SELECT pg_temp.try($$SELECT retention_spell('2025-01-01', NULL, '2025-02-01', 'years')$$);
-- a long unknown unit is quoted clipped to 64 bytes (it was echoed whole), on a character boundary
SELECT pg_temp.try($$SELECT retention_spell('2025-01-01', NULL, '2025-02-01', repeat('é', 100000))$$);
SELECT pg_temp.try($$SELECT retention_spell('-infinity', NULL, '2025-02-01')$$);
SELECT pg_temp.try($$SELECT retention_spell('2025-01-01', 'infinity', '2025-02-01')$$);
SELECT pg_temp.try($$SELECT retention_spell('2025-01-01', NULL, 'infinity')$$);
SELECT pg_temp.try($$SELECT retention_spell('2025-01-02', '2025-01-01', '2025-02-01')$$);
SELECT pg_temp.try($$SELECT retention_spell(NULL, NULL, '2025-02-01') IS NULL AS null_start, retention_spell('2025-01-01', NULL, NULL) IS NULL AS null_as_of, retention_spell('2025-01-01', NULL, '2025-02-01', NULL) IS NULL AS null_unit$$);
SELECT pg_temp.try($$SELECT * FROM retention_spell('2025-01-01', NULL, '2025-01-15', 'WEEKS')$$);
-- a spell longer than int64 microseconds: positive duration, not a wrapped negative one
SELECT pg_temp.try($$SELECT * FROM retention_spell('4713-01-01 BC', '294276-12-31', '294276-12-31', 'weeks')$$);
-- demo spells: member count limits
SELECT pg_temp.try($$SELECT count(*) FROM retention_demo_spells(-1)$$);
SELECT pg_temp.try($$SELECT count(*) FROM retention_demo_spells(0)$$);
-- log-rank weightings: unknown names, the Fleming-Harrington exponent missing,
-- out of range or given to another weighting, weightings changing in a group
SELECT pg_temp.try($$SELECT retention_logrank(t, churned, grp, 'wilcoxon') FROM sv$$);
SELECT pg_temp.try($$SELECT retention_logrank(t, churned, grp, '') FROM sv$$);
SELECT pg_temp.try($$SELECT retention_logrank(t, churned, grp, 'fleming-harrington') FROM sv$$);
SELECT pg_temp.try($$SELECT retention_logrank(t, churned, grp, 'fh', NULL) FROM sv$$);
SELECT pg_temp.try($$SELECT retention_logrank(t, churned, grp, 'fh', -0.5) FROM sv$$);
SELECT pg_temp.try($$SELECT retention_logrank(t, churned, grp, 'fh', 'NaN') FROM sv$$);
SELECT pg_temp.try($$SELECT retention_logrank(t, churned, grp, 'fh', 'Infinity') FROM sv$$);
SELECT pg_temp.try($$SELECT retention_logrank(t, churned, grp, 'tarone-ware', 1) FROM sv$$);
SELECT pg_temp.try($$SELECT retention_logrank(t, churned, grp, CASE WHEN t < 3 THEN 'gb' ELSE 'tw' END) FROM sv$$);
SELECT pg_temp.try($$SELECT retention_logrank(t, churned, grp, 'fh', t) FROM sv$$);
-- a NULL weighting is the plain test; an exponent 0 too
SELECT pg_temp.try($$SELECT retention_logrank(t, churned, grp, NULL) = retention_logrank(t, churned, grp) AS same FROM sv$$);
SELECT pg_temp.try($$SELECT retention_logrank(t, churned, grp, 'FH', 0) = retention_logrank(t, churned, grp) AS same FROM sv$$);
-- a group with nobody at risk at any churn time has no variance: no test,
-- whether it sorts first (the group statsmodels leaves out) or last
SELECT pg_temp.try($$SELECT (retention_logrank(t, c, g)).* FROM (VALUES (0.5::float8, false, 'a'), (1, true, 'b'), (2, true, 'c'), (3, true, 'b'), (3, false, 'c')) v(t, c, g)$$);
SELECT pg_temp.try($$SELECT (retention_logrank(t, c, g, 'gb')).* FROM (VALUES (0.5::float8, false, 'z'), (0.5, false, 'z'), (1, true, 'b'), (2, true, 'c'), (3, true, 'b'), (3, false, 'c')) v(t, c, g)$$);
SELECT pg_temp.try($$SELECT (retention_logrank(t, c, g)).* FROM (VALUES (1::float8, true, 'b'), (2, true, 'c'), (3, true, 'b'), (3, false, 'c')) v(t, c, g)$$);
-- every group at risk at a churn time, but everyone churns then: no variance
SELECT pg_temp.try($$SELECT (retention_logrank(t, c, g)).* FROM (VALUES (1::float8, true, 'a'), (1, true, 'b'), (1, true, 'b')) v(t, c, g)$$);
-- too many groups for the log-rank test
SELECT pg_temp.try($$SELECT retention_logrank(1, true, g::text) FROM generate_series(1, 1001) g$$);
-- RMST of durations near 1e300: a finite standard error (A_j^2 overflowed to
-- Infinity), 1e300 times that of the same curve in units
SELECT pg_temp.try($$SELECT * FROM retention_km_rmst((SELECT retention_km(t * 1e300, c) FROM (VALUES (1::float8, true), (1.5, true), (2, false), (3, true), (4, false)) v(t, c)), 4e300)$$);
SELECT pg_temp.try($$SELECT * FROM retention_km_rmst((SELECT retention_km(t, c) FROM (VALUES (1::float8, true), (1.5, true), (2, false), (3, true), (4, false)) v(t, c)), 4)$$);
-- tau just after the last time: both printed in full
SELECT pg_temp.try($$SELECT * FROM retention_km_rmst((SELECT retention_km(t, c) FROM (VALUES (1::float8, true), (4, false)) v(t, c)), 4.000000001)$$);
-- the log-rank result does not depend on the order rows arrive in (the
-- reference group and the order of the sums follow the group names)
SELECT pg_temp.try($$SELECT (SELECT retention_logrank(i, i % 2 = 0, (i % 4)::text ORDER BY i % 4)
    = retention_logrank(i, i % 2 = 0, (i % 4)::text ORDER BY i % 4 DESC)
    AND retention_logrank(i, i % 2 = 0, (i % 4)::text, 'fh', 0.5 ORDER BY i)
    = retention_logrank(i, i % 2 = 0, (i % 4)::text, 'fh', 0.5 ORDER BY i DESC) AS same
    FROM generate_series(1, 20) i)$$);
-- a partial state from another aggregate's serial function (a superuser can
-- write such an aggregate): checked, never read as counts; a NaN time made
-- the curve loop write past its array, a repeated name gave an index past the
-- names
CREATE AGGREGATE surv_forged(bytea, bytea) (SFUNC = bytea_string_agg_transfn,
    STYPE = internal, SERIALFUNC = bytea_string_agg_finalfn,
    DESERIALFUNC = retention_surv_deserialfn, COMBINEFUNC = retention_surv_combinefn,
    FINALFUNC = retention_km_finalfn, PARALLEL = SAFE);
-- one row, never analyzed: the planner aggregates in a parallel worker and
-- the leader deserializes the state
CREATE TABLE surv_forged_src(b bytea);
INSERT INTO surv_forged_src VALUES ('\x000000000000000200000000000000000000000000000000000000000000000000000000000000003ff0000000000000000000000000000000000001000000000000000040000000000000000000000000000000000000000000000000000001');
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 1;
EXPLAIN (COSTS OFF) SELECT surv_forged(b, ''::bytea) FROM surv_forged_src;
SELECT surv_forged(b, ''::bytea) FROM surv_forged_src;
UPDATE surv_forged_src SET b = '\x000000000000000200000000000000000000000000000000000000000000000000000000000000007ff8000000000000000000000000000000000001000000000000000040000000000000000000000000000000000000000000000000000001';
SELECT surv_forged(b, ''::bytea) FROM surv_forged_src;
UPDATE surv_forged_src SET b = '\x000000000000000200000000000000000000000000000000000000000000000000000000000000003ff000000000000000000000fffffffffffffffb000000000000000040000000000000000000000000000000000000000000000000000001';
SELECT surv_forged(b, ''::bytea) FROM surv_forged_src;
UPDATE surv_forged_src SET b = '\x000000000000000200000000000000000000000000000000000000000000000000000000000000030000000161000000016100000001623ff0000000000000000000000000000000000001000000000000000040000000000000000000000200000000000000000000000000000001';
SELECT surv_forged(b, ''::bytea) FROM surv_forged_src;
-- A state cut short, or with bytes left over, is 22P03 like the rest: it
-- was 08P01 (pq_getmsg* took it for a broken protocol message).  The valid
-- state of two members: a 40-byte header, two observations of 28 bytes.
CREATE FUNCTION pg_temp.surv_forged(b bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  UPDATE surv_forged_src SET b = surv_forged.b;
  RETURN pg_temp.try($q$SELECT surv_forged(b, ''::bytea) FROM surv_forged_src$q$);
END $$;
\set surv_ok '\\x000000000000000200000000000000000000000000000000000000000000000000000000000000003ff0000000000000000000000000000000000001000000000000000040000000000000000000000000000000000000000000000000000001'
SELECT pg_temp.surv_forged(:'surv_ok');
SELECT pg_temp.surv_forged(substr(:'surv_ok'::bytea, 1, 8));
SELECT pg_temp.surv_forged(substr(:'surv_ok'::bytea, 1, 39));
SELECT pg_temp.surv_forged(substr(:'surv_ok'::bytea, 1, 90));
SELECT pg_temp.surv_forged(substr(:'surv_ok'::bytea, 1, 95));
SELECT pg_temp.surv_forged(:'surv_ok'::bytea || '\x00'::bytea);
-- one group announced, its name's length cut short, then its name cut short
SELECT pg_temp.surv_forged('\x00000000000000000000000000000000000000000000000000000000000000000000000000000001000000');
SELECT pg_temp.surv_forged('\x0000000000000000000000000000000000000000000000000000000000000000000000000000000100000002ff');
-- Members past 2^63 - 1 in all: the numbers at risk overflowed (a negative
-- at_risk and survival 4.5 in the curve, chi-square 1.6e19)
SELECT pg_temp.surv_forged('\x000000000000000200000000000000000000000000000000000000000000000000000000000000003ff0000000000000000000007000000000000000000000000000000040000000000000000000000070000000000000000000000000000000');
-- 2^62 + 1 members (2^62 churned at time 1) are still a state; the one left
-- makes survival 1/(2^62 + 1) = 2.168e-19, not zero
SELECT pg_temp.surv_forged('\x000000000000000200000000000000000000000000000000000000000000000000000000000000003ff0000000000000000000004000000000000000000000000000000040000000000000000000000000000000000000000000000000000001');
-- but not a log-rank test: retention_logrank counts at most 2^53 members
-- (its counts are doubles, exact up to there).  2^53 in all is a test;
-- 2^53 + 1 is refused (54000), as is 1e16 (its counts round, and chi-square
-- with them: 20 to 35% off in such cases).  Groups a and b: ev_a and ev_b
-- churned at time 1, then one churned and one censored of a and one churned
-- of b at time 2.
CREATE AGGREGATE lr_forged(bytea, bytea) (SFUNC = bytea_string_agg_transfn,
    STYPE = internal, SERIALFUNC = bytea_string_agg_finalfn,
    DESERIALFUNC = retention_surv_deserialfn, COMBINEFUNC = retention_surv_combinefn,
    FINALFUNC = retention_logrank_finalfn, PARALLEL = SAFE);
CREATE FUNCTION pg_temp.lr_forged(ev_a bigint, ev_b bigint) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  UPDATE surv_forged_src SET b = int8send(4) || int8send(0) || float8send(0) || int4send(0)
    || float8send(0) || int4send(2) || int4send(1) || 'a'::bytea || int4send(1) || 'b'::bytea
    || float8send(1) || int4send(0) || int8send(ev_a) || int8send(0)
    || float8send(1) || int4send(1) || int8send(ev_b) || int8send(0)
    || float8send(2) || int4send(0) || int8send(1) || int8send(1)
    || float8send(2) || int4send(1) || int8send(1) || int8send(0);
  RETURN pg_temp.try($q$SELECT (r).chi_square > 0 AND (r).df = 1 FROM
                        (SELECT lr_forged(b, ''::bytea) r FROM surv_forged_src) s$q$);
END $$;
SELECT pg_temp.lr_forged(4503599627370496, 4503599627370493);
SELECT pg_temp.lr_forged(4503599627370496, 4503599627370494);
SELECT pg_temp.lr_forged(5, 9999999999999992);
DROP AGGREGATE lr_forged(bytea, bytea);
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;
-- Two such states of 2^62 + 1 members combined: refused before they are
-- added (a partitionwise aggregate deserializes each partition's state and
-- combines them, without parallel workers)
CREATE TABLE surv_forged_parts(p int, b bytea) PARTITION BY LIST (p);
CREATE TABLE surv_forged_p1 PARTITION OF surv_forged_parts FOR VALUES IN (1);
CREATE TABLE surv_forged_p2 PARTITION OF surv_forged_parts FOR VALUES IN (2);
INSERT INTO surv_forged_parts VALUES
  (1, '\x000000000000000200000000000000000000000000000000000000000000000000000000000000003ff0000000000000000000004000000000000000000000000000000040000000000000000000000000000000000000000000000000000001'),
  (2, '\x000000000000000200000000000000000000000000000000000000000000000000000000000000003ff0000000000000000000004000000000000000000000000000000040000000000000000000000000000000000000000000000000000001');
SET enable_partitionwise_aggregate = on;
EXPLAIN (COSTS OFF) SELECT surv_forged(b, ''::bytea) FROM surv_forged_parts;
SELECT pg_temp.try($$SELECT surv_forged(b, ''::bytea) FROM surv_forged_parts$$);
-- skipped rows too: 2^62 + 2^62 of them
UPDATE surv_forged_parts SET b = '\x000000000000000140000000000000000000000000000000000000000000000000000000000000003ff00000000000000000000000000000000000010000000000000000';
SELECT pg_temp.try($$SELECT surv_forged(b, ''::bytea) FROM surv_forged_parts$$);
RESET enable_partitionwise_aggregate;
DROP TABLE surv_forged_parts;
DROP TABLE surv_forged_src;
DROP AGGREGATE surv_forged(bytea, bytea);
DROP TABLE sv;
-- Groups are compared by their bytes: a nondeterministic collation, under
-- which GROUP BY would merge 'a' and 'A', is refused (0A000), not ignored.
CREATE COLLATION surv_ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE TABLE surv_coll (d float8, c boolean, g text COLLATE surv_ci);
INSERT INTO surv_coll VALUES (1, true, 'a'), (2, false, 'A'), (3, true, 'b'), (4, true, 'b');
SELECT count(DISTINCT g) FROM surv_coll;
SELECT retention_logrank(d, c, g) FROM surv_coll;
SELECT retention_logrank(d, c, g, 'tw') FROM surv_coll;
SELECT retention_logrank(d, c, g COLLATE "C") = retention_logrank(d, c, g::text COLLATE "default") AS bytes FROM surv_coll;
SELECT (retention_logrank(d, c, lower(g) COLLATE "C")).df FROM surv_coll;
-- an empty or all-NULL group has no state, so nothing to refuse
SELECT retention_logrank(d, c, g) FROM surv_coll WHERE false;
DROP TABLE surv_coll;
DROP COLLATION surv_ci;
