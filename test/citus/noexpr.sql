-- Every final function of the extension must work when called without an
-- expression node (flinfo->fn_expr = NULL), as Citus calls them on the
-- coordinator after combining the workers' partial states.  For each
-- aggregate, a twin aggregate with the same transition function and state
-- ends in cr_test_final_noexpr (test/citus/noexpr.c), which calls the real
-- final function that way; its result must equal the real aggregate's.
-- Prints one line per check; the suite expects every line to end in "true".
-- psql variable: module, the path of the built test module.
SET TimeZone = 'UTC';
SET client_min_messages = warning;

CREATE FUNCTION cr_test_final_noexpr(internal) RETURNS text
    AS :'module', 'cr_test_final_noexpr' LANGUAGE C;
CREATE FUNCTION cr_test_final_noexpr(float8[]) RETURNS text
    AS :'module', 'cr_test_final_noexpr' LANGUAGE C;

CREATE TEMP TABLE covered (finalfn regprocedure);

-- same(aggregate, arguments, FROM ...): the twin's text equals the real result's
CREATE FUNCTION pg_temp.same(agg regprocedure, args text, src text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    a pg_aggregate;
    twin text := 'noexpr_' || agg::oid;
    got text;
    want text;
BEGIN
    SELECT * INTO STRICT a FROM pg_aggregate WHERE aggfnoid = agg;
    IF to_regproc(twin) IS NULL THEN
        EXECUTE format('CREATE AGGREGATE %I(%s) (SFUNC = %s, STYPE = %s, FINALFUNC = cr_test_final_noexpr%s)',
                       twin, pg_get_function_identity_arguments(agg), a.aggtransfn::text,
                       format_type(a.aggtranstype, NULL),
                       coalesce(', INITCOND = ' || quote_literal(a.agginitval), ''));
    END IF;
    PERFORM set_config('cr_test.finalfn', a.aggfinalfn::regprocedure::text, true);
    INSERT INTO covered VALUES (a.aggfinalfn::regprocedure);
    BEGIN
        EXECUTE format('SELECT %I(%s) FROM %s', twin, args, src) INTO got;
    EXCEPTION WHEN OTHERS THEN
        RETURN format('%s: %s', agg, SQLERRM);
    END;
    EXECUTE format('SELECT %s(%s)::text FROM %s', agg::regproc, args, src) INTO want;
    RETURN format('%s: %s', agg, (got IS NOT DISTINCT FROM want AND got IS NOT NULL)::text);
END $$;

CREATE TABLE ev AS
SELECT (i % 7)::bigint AS member_id,
       timestamptz '2024-01-01' + (i * 37 % 5000) * interval '1 hour' AS occurred_at,
       (i % 11)::float8 AS minutes
FROM generate_series(1, 500) i;
CREATE TABLE sc AS
SELECT i, ((i * 37) % 101)::float8 / 100 AS score,
       ((i * 13) % 17) * 100 < 17 * ((i * 37) % 101) + 250 AS label,
       ARRAY[((i * 37) % 101)::float8 / 100, (i % 5)::float8] AS x
FROM generate_series(1, 400) i;
CREATE TABLE mo AS SELECT retention_train(x, label) AS model FROM sc;
CREATE TABLE pe AS
SELECT engagement_periods(occurred_at, '2024-01-01', '1 month', 6, '2024-06-15') AS p
FROM ev GROUP BY member_id;

SELECT pg_temp.same('retention_train(float8[], boolean)', 'x, label', 'sc');
SELECT pg_temp.same('retention_train(float8[], boolean, jsonb)', $$x, label, '{"l2": 1}'$$, 'sc');
SELECT pg_temp.same('retention_train(float8[], boolean, float8, jsonb)', $$x, label, 2.0, '{}'$$, 'sc');
-- a Newton pass of 400 rows (not a multiple of 3: rows stay queued for the final function)
SELECT pg_temp.same('retention_newton_step(float8[], boolean, float8, float8[])',
                    $$x, label, 1.0, '{2,2,1,1,0.1,0.2,0.3,0.5,1,1,1}'$$, '(SELECT * FROM sc WHERE i <= 399) s');
SELECT pg_temp.same('retention_score_drift(retention_model, float8)', 'mo.model, sc.score * sc.score', 'sc, mo');
SELECT pg_temp.same('retention_baseline_drift(float8[], float8)', 'retention_score_baseline(mo.model), sc.score * sc.score', 'sc, mo');
SELECT pg_temp.same('retention_auc(float8, boolean)', 'score, label', 'sc');
SELECT pg_temp.same('retention_metrics(float8, boolean)', 'score, label', 'sc');
SELECT pg_temp.same('retention_metrics(float8, boolean, float8)', 'score, label, 0.3', 'sc');
SELECT pg_temp.same('retention_calibration(float8, boolean, int)', 'score, label, 10', 'sc');
SELECT pg_temp.same('retention_ece(float8, boolean, int)', 'score, label, 10', 'sc');
SELECT pg_temp.same('engagement_summary(timestamptz, timestamptz)', $$occurred_at, '2024-06-15'$$, 'ev');
SELECT pg_temp.same('engagement_summary(timestamptz, timestamptz, float8)', $$occurred_at, '2024-06-15', minutes$$, 'ev');
SELECT pg_temp.same('engagement_decay(timestamptz, timestamptz, interval)', $$occurred_at, '2024-06-15', '7 days'$$, 'ev');
SELECT pg_temp.same('engagement_decay(timestamptz, timestamptz, interval, float8)', $$occurred_at, '2024-06-15', '7 days', minutes$$, 'ev');
SELECT pg_temp.same('engagement_periods(timestamptz, timestamptz, interval, int, timestamptz)',
                    $$occurred_at, '2024-01-01', '1 month', 6, '2024-06-15'$$, 'ev');
SELECT pg_temp.same('retention_curve(boolean[])', 'p', 'pe');
SELECT pg_temp.same('retention_curve(boolean[], boolean)', 'p, true', 'pe');
SELECT pg_temp.same('incentive_ab(boolean, boolean)', 'score > 0.5, label', 'sc');
SELECT pg_temp.same('incentive_ab(boolean, boolean, float8)', 'score > 0.5, label, 0.9', 'sc');
SELECT pg_temp.same('incentive_ab_cuped(boolean, boolean, float8)', 'score > 0.5, label, score * score', 'sc');
SELECT pg_temp.same('incentive_ab_cuped(boolean, boolean, float8, float8)', 'score > 0.5, label, score * score, 0.9', 'sc');
SELECT pg_temp.same('incentive_uplift_eval(float8, boolean, boolean)', 'score - 0.5, score > 0.4, label', 'sc');
SELECT pg_temp.same('incentive_uplift_eval(float8, boolean, boolean, float8)', 'score - 0.5, score > 0.4, label, 0.2', 'sc');
CREATE TABLE cdnow_summary (id int, x float8, t_x float8, t float8, zbar float8);
\ir ../data/cdnow_summary.sql
SELECT pg_temp.same('lifetime_summary(timestamptz, timestamptz, float8)', $$occurred_at, '2024-06-15', minutes$$, 'ev');
SELECT pg_temp.same('lifetime_summary(timestamptz, timestamptz, float8, interval)', $$occurred_at, '2024-06-15', minutes, '7 days'$$, 'ev');
SELECT pg_temp.same('bgnbd_fit(float8, float8, float8)', 'x, t_x, t', 'cdnow_summary');
SELECT pg_temp.same('gammagamma_fit(float8, float8)', 'x, zbar', 'cdnow_summary');
SELECT pg_temp.same('retention_km(float8, boolean)', 'round(minutes), member_id % 3 = 0', 'ev');
SELECT pg_temp.same('retention_km(float8, boolean, float8)', 'round(minutes), member_id % 3 = 0, 0.9', 'ev');
SELECT pg_temp.same('retention_logrank(float8, boolean, text)', $$round(minutes), member_id % 3 = 0, (member_id % 2)::text$$, 'ev');
SELECT pg_temp.same('retention_logrank(float8, boolean, text, text)', $$round(minutes), member_id % 3 = 0, (member_id % 3)::text, 'tarone-ware'$$, 'ev');
SELECT pg_temp.same('retention_logrank(float8, boolean, text, text, float8)', $$round(minutes), member_id % 3 = 0, (member_id % 2)::text, 'fleming-harrington', 0.5$$, 'ev');

-- Every final function of the extension's aggregates was called above.
SELECT format('%s was called without an expression node: %s', f, (f IN (SELECT finalfn FROM covered))::text)
FROM (SELECT DISTINCT a.aggfinalfn::regprocedure AS f
      FROM pg_aggregate a
      JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = a.aggfnoid
                      AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
      JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'community_retention'
      WHERE a.aggfinalfn <> 0) x
ORDER BY 1;
