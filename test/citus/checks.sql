-- Checks on the Citus cluster of test/citus/setup.sql.  Each aggregate runs
-- over the distributed tables and over the same rows in plain coordinator
-- tables (*_local); the results must agree (to 1e-12 relative: partial
-- states are added in another order than rows on one node), and EXPLAIN
-- must show where Citus ran it:
--   split     worker_partial_agg on the workers, coord_combine_agg on the
--             coordinator (aggregates with a concrete state and a combine
--             function);
--   gathered  the workers send rows, the coordinator aggregates them
--             (aggregates with an internal state);
--   pushed    GROUP BY the distribution column: the whole aggregate runs on
--             the workers.
-- Prints one line per check, "what: true" when it passes; "skipped: ..."
-- lines are not counted.
SET TimeZone = 'UTC';
SET client_min_messages = warning;
-- the helpers below are for this session only: Citus need not propagate them
SET citus.enable_ddl_propagation = off;

CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE line text; result text := '';
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (VERBOSE, COSTS OFF) ' || q LOOP
        result := result || line || E'\n';
    END LOOP;
    RETURN result;
END $$;

-- The same text apart from numbers, and the numbers equal to a relative tol.
CREATE FUNCTION pg_temp.near_numbers(a text, b text, tol float8) RETURNS boolean LANGUAGE sql AS $$
    WITH re(r) AS (SELECT '-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?'),
    x AS (SELECT n, m[1]::float8 AS v FROM re, regexp_matches(a, r, 'g') WITH ORDINALITY t(m, n)),
    y AS (SELECT n, m[1]::float8 AS v FROM re, regexp_matches(b, r, 'g') WITH ORDINALITY t(m, n))
    SELECT a IS NOT NULL AND b IS NOT NULL
       AND regexp_replace(a, r, '#', 'g') = regexp_replace(b, r, '#', 'g')
       AND NOT EXISTS (SELECT 1 FROM x JOIN y USING (n)
                       WHERE abs(x.v - y.v) > tol * greatest(abs(x.v), abs(y.v), 1e-3))
    FROM re
$$;

-- (equal texts at once: reading every number of megabytes of running
-- window results took most of the suite's time)
CREATE FUNCTION pg_temp.near(a text, b text, tol float8) RETURNS boolean LANGUAGE sql AS $$
    SELECT CASE WHEN a IS NULL OR b IS NULL THEN false
                WHEN a = b THEN true
                ELSE pg_temp.near_numbers(a, b, tol) END
$$;

-- runs_as(plan, aggregate, how): the EXPLAIN VERBOSE text shows the
-- aggregate run as "how" says.
CREATE FUNCTION pg_temp.runs_as(plan text, fn text, how text) RETURNS boolean LANGUAGE sql AS $$
    SELECT CASE how
        -- the workers' queries call worker_partial_agg of this aggregate, the
        -- coordinator combines
        WHEN 'split' THEN plan LIKE '%coord_combine_agg(%'
                          AND plan ~ ('Query: SELECT [^\n]*worker_partial_agg\(''[^'']*\m' || fn || '\(')
        -- the coordinator calls the aggregate (above the Citus scan), the
        -- workers' queries do not
        WHEN 'gathered' THEN plan NOT LIKE '%worker_partial_agg%' AND plan LIKE '%Custom Scan (Citus%'
                             AND split_part(plan, 'Custom Scan (Citus', 1) ~ ('\m' || fn || '\(')
                             AND plan !~ ('Query: [^\n]*\m' || fn || '\(')
        -- the workers' queries call the aggregate, grouped by member_id
        WHEN 'pushed' THEN plan NOT LIKE '%worker_partial_agg%'
                           AND plan ~ ('Query: SELECT [^\n]*\m' || fn || '\([^\n]*GROUP BY [^\n]*member_id')
        -- a window partitioned by member_id: the workers' queries compute it
        WHEN 'pushed window' THEN plan ~ ('Query: SELECT [^\n]*\m' || fn || '\([^\n]*OVER \(PARTITION BY [^\n]*member_id')
        -- another window: the coordinator computes it over the gathered rows
        WHEN 'gathered window' THEN plan ~ ('WindowAgg\n *Output: ' || fn || '\(remote_scan\.')
                                    AND plan !~ ('Query: [^\n]*\m' || fn || '\(')
    END
$$;

-- check(name, how, query with %s where a table name takes "_local"):
-- two lines, the result and the plan.
CREATE FUNCTION pg_temp.check(what text, how text, q text, tol float8 DEFAULT 1e-12)
RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE dist text; loc text; plan text; ok boolean;
    fn text := split_part(split_part(what, ' ', 1), '(', 1);	-- the aggregate: the first word of what
BEGIN
    BEGIN
        EXECUTE format(q, '') INTO dist;
        EXECUTE format(q, '_local') INTO loc;
        plan := pg_temp.plan_of(format(q, ''));
    EXCEPTION WHEN OTHERS THEN
        RETURN NEXT format('%s: %s', what, SQLERRM);
        RETURN;
    END;
    RETURN NEXT format('%s equals the single-node result: %s', what, pg_temp.near(dist, loc, tol)::text);
    ok := coalesce(pg_temp.runs_as(plan, fn, how), false);
    IF NOT ok THEN
        RAISE WARNING '%', plan;
    END IF;
    RETURN NEXT format('%s is %s: %s', what, how, ok::text);
END $$;

-- ---------------------------------------------------------------- the cluster
SELECT 'community_retention 1.1 was propagated to both workers: ' ||
       (count(*) = 2 AND bool_and(success AND result = '1.1'))::text
FROM run_command_on_workers($$SELECT extversion FROM pg_extension WHERE extname = 'community_retention'$$);
SELECT 'the demo tables are distributed by member_id: ' ||
       (count(*) = 7 AND bool_and(distribution_column = 'member_id'))::text
FROM citus_tables WHERE citus_table_type = 'distributed';

-- ---------------------------------------------------------------- the README's table
-- Every form of every aggregate of the extension has a row in the README's
-- Citus table, and EXPLAIN VERBOSE shows it run as that row says, over a
-- distributed table with a column of each argument type, without and with
-- GROUP BY member_id.  psql variable readme_table: the table's rows as
-- "aggregate|no GROUP BY|GROUP BY member_id" (the first word of each
-- column), separated by ";" (run_citus_checks extracts them).
CREATE TEMP TABLE readme_citus AS
SELECT split_part(r, '|', 1) AS fn, split_part(r, '|', 2) AS whole, split_part(r, '|', 3) AS grouped
FROM unnest(string_to_array(:'readme_table', ';')) r;
SET citus.enable_ddl_propagation = on;
CREATE TABLE cr_check_args (member_id bigint, f8 float8, b boolean, ts timestamptz, iv interval, i int, t text,
                            fa float8[], ba boolean[], j jsonb, m retention_model);
SELECT create_distributed_table('cr_check_args', 'member_id', colocate_with => 'members') IS NOT NULL AS created \gset
SET citus.enable_ddl_propagation = off;
CREATE TEMP TABLE ext_aggs AS
SELECT p.oid::regprocedure AS agg, p.proname::text AS fn,
       (SELECT string_agg(CASE t WHEN 'float8'::regtype THEN 'f8' WHEN 'boolean'::regtype THEN 'b'
                                 WHEN 'timestamptz'::regtype THEN 'ts' WHEN 'interval'::regtype THEN 'iv'
                                 WHEN 'int'::regtype THEN 'i' WHEN 'text'::regtype THEN 't'
                                 WHEN 'float8[]'::regtype THEN 'fa' WHEN 'boolean[]'::regtype THEN 'ba'
                                 WHEN 'jsonb'::regtype THEN 'j' WHEN 'retention_model'::regtype THEN 'm' END,
                          ', ' ORDER BY n)
        FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY u(t, n)) AS args,
       cardinality(p.proargtypes::oid[]) AS nargs
FROM pg_aggregate a
JOIN pg_proc p ON p.oid = a.aggfnoid
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'community_retention';
SELECT format('%s runs as the README''s Citus table says (%s, %s with GROUP BY member_id): %s',
              x.agg, coalesce(r.whole, 'no row'), coalesce(r.grouped, 'no row'),
              (r.fn IS NOT NULL AND x.args IS NOT NULL AND x.nargs = cardinality(string_to_array(x.args, ', '))
               AND coalesce(pg_temp.runs_as(pg_temp.plan_of(format('SELECT %s(%s) FROM cr_check_args', x.fn, x.args)),
                                            x.fn, r.whole), false)
               AND coalesce(pg_temp.runs_as(pg_temp.plan_of(format('SELECT member_id, %s(%s) FROM cr_check_args GROUP BY member_id',
                                                                   x.fn, x.args)),
                                            x.fn, r.grouped), false))::text)
FROM ext_aggs x LEFT JOIN readme_citus r USING (fn)
ORDER BY x.agg::text;
SELECT 'every row of the README''s Citus table names aggregates of the extension' ||
       coalesce(' (not: ' || string_agg(r.fn, ', ' ORDER BY r.fn) FILTER (WHERE x.fn IS NULL) || ')', '') || ': ' ||
       (count(*) > 0 AND count(*) FILTER (WHERE x.fn IS NULL) = 0)::text
FROM readme_citus r LEFT JOIN (SELECT DISTINCT fn FROM ext_aggs) x USING (fn);
SET citus.enable_ddl_propagation = on;
DROP TABLE cr_check_args;
SET citus.enable_ddl_propagation = off;

-- ---------------------------------------------------------------- split: concrete states
SELECT pg_temp.check('retention_calibration', 'split',
    'SELECT retention_calibration(score, renewed, 10) FROM scores%s');
SELECT pg_temp.check('retention_calibration GROUP BY plan', 'split',
    'SELECT array_agg(c ORDER BY plan) FROM (SELECT plan, retention_calibration(score, renewed, 5) AS c FROM scores%s GROUP BY plan) q');
SELECT pg_temp.check('retention_ece', 'split',
    'SELECT retention_ece(score, renewed, 10) FROM scores%s');
SELECT pg_temp.check('retention_score_drift(model, score)', 'split',
    $$SELECT retention_score_drift(m.model, s.score) FROM scores%s s, retention_models m
      WHERE m.name = 'demo' AND s.plan = 'monthly'$$);
SELECT pg_temp.check('retention_baseline_drift', 'split',
    $$SELECT retention_baseline_drift(retention_score_baseline(m.model), s.score) FROM scores%s s, retention_models m
      WHERE m.name = 'demo' AND s.plan = 'monthly'$$);
SELECT 'retention_baseline_drift equals the model form: ' ||
       (a IS NOT NULL AND a = b)::text
FROM (SELECT retention_baseline_drift(retention_score_baseline(m.model), s.score) AS a,
             retention_score_drift(m.model, s.score) AS b
      FROM scores s, retention_models m WHERE m.name = 'demo' AND s.plan = 'monthly') q;
SELECT pg_temp.check('engagement_decay', 'split',
    $$SELECT engagement_decay(occurred_at, retention_demo_reference_date(), '7 days') FROM activity%s$$);
SELECT pg_temp.check('engagement_decay with amounts', 'split',
    $$SELECT engagement_decay(occurred_at, retention_demo_reference_date(), '7 days', minutes) FROM activity%s$$);
SELECT pg_temp.check('retention_curve over engagement_periods', 'split',
    $$SELECT retention_curve(p) FROM (SELECT engagement_periods(occurred_at, '2025-07-01', '1 month', 6,
                                                            retention_demo_reference_date()) AS p
                                      FROM activity%s GROUP BY member_id) q$$);
SELECT pg_temp.check('retention_curve unbounded', 'split',
    $$SELECT retention_curve(p, true) FROM (SELECT engagement_periods(occurred_at, '2025-07-01', '1 month', 6,
                                                                  retention_demo_reference_date()) AS p
                                            FROM activity%s GROUP BY member_id) q$$);

-- ---------------------------------------------------------------- gathered: internal states
SELECT pg_temp.check('retention_auc', 'gathered',
    'SELECT retention_auc(score, renewed) FROM scores%s');
SELECT pg_temp.check('retention_metrics', 'gathered',
    'SELECT retention_metrics(score, renewed) FROM scores%s');
SELECT pg_temp.check('retention_metrics with a threshold', 'gathered',
    'SELECT retention_metrics(score, renewed, 0.3) FROM scores%s');
SELECT pg_temp.check('engagement_summary over all members', 'gathered',
    'SELECT engagement_summary(occurred_at, retention_demo_reference_date(), minutes) FROM activity%s');
SELECT pg_temp.check('engagement_periods over all members', 'gathered',
    $$SELECT engagement_periods(occurred_at, '2025-07-01', '1 month', 6, retention_demo_reference_date()) FROM activity%s$$);
SELECT pg_temp.check('retention_train', 'gathered',
    'SELECT retention_train(ARRAY[recency_days, active_days_30, current_streak, decayed_activity, trend, annual], renewed) FROM member_features%s',
    1e-9);
SELECT pg_temp.check('retention_train with options', 'gathered',
    $$SELECT retention_train(ARRAY[recency_days, active_days_30, annual], renewed, '{"l2": 2}') FROM member_features%s$$,
    1e-9);
SELECT pg_temp.check('retention_train with weights', 'gathered',
    $$SELECT retention_train(ARRAY[recency_days, active_days_30, annual], renewed, 1 + annual, '{}') FROM member_features%s$$,
    1e-9);
SELECT pg_temp.check('engagement_summary without amounts', 'gathered',
    'SELECT engagement_summary(occurred_at, retention_demo_reference_date()) FROM activity%s');

-- ---------------------------------------------------------------- pushed: GROUP BY member_id
SELECT pg_temp.check('engagement_summary GROUP BY member_id', 'pushed',
    $$SELECT string_agg(e::text, ';' ORDER BY member_id)
      FROM (SELECT member_id, engagement_summary(occurred_at, retention_demo_reference_date(), minutes) AS e
            FROM activity%s GROUP BY member_id) q$$);
SELECT pg_temp.check('engagement_periods GROUP BY member_id', 'pushed',
    $$SELECT string_agg(p::text, ';' ORDER BY member_id)
      FROM (SELECT member_id, engagement_periods(occurred_at, '2025-07-01', '1 month', 6,
                                                 retention_demo_reference_date()) AS p
            FROM activity%s GROUP BY member_id) q$$);
SELECT 'member_features built on the workers equal the single-node ones: ' ||
       pg_temp.near((SELECT string_agg(f::text, ';' ORDER BY member_id) FROM member_features f),
                    (SELECT string_agg(f::text, ';' ORDER BY member_id) FROM member_features_local f), 1e-12)::text;

-- ---------------------------------------------------------------- the rest of the table
-- The README's rows from retention_newton_step down (retention_newton_step
-- itself is checked with retention_fit below).
SELECT pg_temp.check('incentive_ab', 'split',
    'SELECT incentive_ab(treated, renewed) FROM experiment%s');
SELECT pg_temp.check('incentive_ab with a confidence', 'split',
    'SELECT incentive_ab(treated, renewed, 0.9) FROM experiment%s');
SELECT pg_temp.check('incentive_ab_cuped', 'split',
    'SELECT incentive_ab_cuped(treated, renewed, score) FROM experiment%s');
SELECT pg_temp.check('incentive_ab_cuped GROUP BY plan', 'split',
    'SELECT array_agg(r::text ORDER BY plan) FROM (SELECT plan, incentive_ab_cuped(treated, renewed, score, 0.9) AS r FROM experiment%s GROUP BY plan) q');
SELECT pg_temp.check('incentive_uplift_eval', 'gathered',
    'SELECT incentive_uplift_eval(uplift, treated, renewed) FROM experiment%s');
SELECT pg_temp.check('incentive_uplift_eval with k', 'gathered',
    'SELECT incentive_uplift_eval(uplift, treated, renewed, 0.2) FROM experiment%s');
SELECT pg_temp.check('retention_km', 'gathered',
    'SELECT retention_km(duration, churned) FROM spells%s');
SELECT pg_temp.check('retention_km with a confidence', 'gathered',
    'SELECT retention_km(duration, churned, 0.9) FROM spells%s');
SELECT pg_temp.check('retention_logrank', 'gathered',
    'SELECT retention_logrank(duration, churned, plan) FROM spells%s');
SELECT pg_temp.check('retention_logrank with a weighting', 'gathered',
    $$SELECT retention_logrank(duration, churned, plan, 'tarone-ware') FROM spells%s$$);
SELECT pg_temp.check('retention_logrank with a weighting and p', 'gathered',
    $$SELECT retention_logrank(duration, churned, plan, 'fleming-harrington', 0.5) FROM spells%s$$);
SELECT pg_temp.check('lifetime_summary over all members', 'gathered',
    $$SELECT lifetime_summary(occurred_at, retention_demo_reference_date(), minutes) FROM activity%s$$);
SELECT pg_temp.check('lifetime_summary with a unit over all members', 'gathered',
    $$SELECT lifetime_summary(occurred_at, retention_demo_reference_date(), minutes, '7 days') FROM activity%s$$);
SELECT pg_temp.check('lifetime_summary GROUP BY member_id', 'pushed',
    $$SELECT string_agg(l::text, ';' ORDER BY member_id)
      FROM (SELECT member_id, lifetime_summary(occurred_at, retention_demo_reference_date(), minutes, '7 days') AS l
            FROM activity%s GROUP BY member_id) q$$);
-- every other aggregate of the Citus reference's table, grouped by member_id
-- (the distribution column): the whole aggregate runs on the workers.  The
-- activity of members with both kinds of rows (at least 3 lesson views and 3
-- other rows: every group trains); one form of each aggregate.
CREATE FUNCTION pg_temp.per_member(agg text) RETURNS text LANGUAGE sql AS $f$
SELECT format($q$SELECT string_agg(coalesce(r::text, 'NULL'), ';' ORDER BY member_id)
  FROM (SELECT member_id, %s AS r FROM activity%%1$s
        WHERE member_id IN (SELECT member_id FROM activity%%1$s GROUP BY member_id
                            HAVING count(*) FILTER (WHERE kind = 'lesson_viewed') > 2
                               AND count(*) FILTER (WHERE kind <> 'lesson_viewed') > 2)
        GROUP BY member_id) q$q$, agg)
$f$;
-- (to 1e-12, models to 1e-9)
SELECT pg_temp.check(a || ' GROUP BY member_id', 'pushed', pg_temp.per_member(e),
                     CASE WHEN a = 'retention_train' THEN 1e-9 ELSE 1e-12 END)
FROM (VALUES
  ('retention_train', $$retention_train(ARRAY[minutes, extract(hour FROM occurred_at)::float8], kind = 'lesson_viewed', 1 + coalesce(rating, 0), '{"l2": 1}')$$),
  ('retention_score_drift', $$retention_score_drift((SELECT model FROM retention_models WHERE name = 'demo'), minutes / 160)$$),
  ('retention_baseline_drift', $$retention_baseline_drift((SELECT retention_score_baseline(model) FROM retention_models WHERE name = 'demo'), minutes / 160)$$),
  ('retention_auc', $$retention_auc(minutes / 160, kind = 'lesson_viewed')$$),
  ('retention_metrics', $$retention_metrics(minutes / 160, kind = 'lesson_viewed', 0.1)$$),
  ('retention_calibration', $$retention_calibration(minutes / 160, kind = 'lesson_viewed', 4)$$),
  ('retention_ece', $$retention_ece(minutes / 160, kind = 'lesson_viewed', 4)$$),
  ('engagement_decay', $$engagement_decay(occurred_at, retention_demo_reference_date(), '3 days', minutes)$$),
  ('retention_curve', $$retention_curve(ARRAY[kind = 'like', minutes > 10, rating > 3], true)$$),
  ('retention_newton_step', $$retention_newton_step(ARRAY[minutes], kind = 'lesson_viewed', 1.0::float8, '{2,0}')$$),
  ('incentive_ab', $$incentive_ab(kind = 'like', minutes > 5, 0.8)$$),
  ('incentive_ab_cuped', $$incentive_ab_cuped(kind = 'like', minutes > 5, extract(hour FROM occurred_at)::float8)$$),
  ('incentive_uplift_eval', $$incentive_uplift_eval(minutes / 100 - 0.3, kind = 'like', rating > 3, 0.4)$$),
  ('retention_km', $$retention_km(minutes, kind = 'like')$$),
  ('retention_logrank', $$retention_logrank(minutes, kind = 'like', (rating IS NULL)::text, 'fh', 1)$$)
) v(a, e);
-- bgnbd_fit and gammagamma_fit fit a population, not a member: the plan alone
SELECT format('%s GROUP BY member_id is pushed: %s', fn, pg_temp.runs_as(pg_temp.plan_of(q), fn, 'pushed')::text)
FROM (VALUES
  ('bgnbd_fit', $$SELECT member_id, bgnbd_fit(floor(minutes), floor(minutes), floor(minutes) + 30) FROM activity GROUP BY member_id$$),
  ('gammagamma_fit', $$SELECT member_id, gammagamma_fit(1 + floor(minutes), 1 + minutes) FROM activity GROUP BY member_id$$)
) v(fn, q);
SELECT pg_temp.check('bgnbd_fit', 'gathered',
    $$SELECT bgnbd_fit((l).frequency, (l).recency, (l).t)
      FROM (SELECT member_id, lifetime_summary(occurred_at, '2026-01-01', amount, '7 days') AS l
            FROM purchases%s GROUP BY member_id) q$$, 1e-9);
SELECT pg_temp.check('gammagamma_fit', 'gathered',
    $$SELECT gammagamma_fit((l).frequency, (l).monetary_value)
      FROM (SELECT member_id, lifetime_summary(occurred_at, '2026-01-01', amount, '7 days') AS l
            FROM purchases%s GROUP BY member_id) q$$, 1e-9);
-- no rows: NULL, on the cluster as on one node
SELECT pg_temp.check('retention_auc on no rows', 'gathered',
    $$SELECT coalesce(retention_auc(score, renewed)::text, 'NULL') FROM scores%s WHERE score < 0$$);
SELECT pg_temp.check('retention_calibration on no rows', 'split',
    $$SELECT coalesce(retention_calibration(score, renewed, 10)::text, 'NULL') FROM scores%s WHERE score < 0$$);
SELECT pg_temp.check('incentive_ab on all-NULL arms', 'split',
    'SELECT incentive_ab(NULL::boolean, renewed) FROM experiment%s');

-- ---------------------------------------------------------------- the model registry
-- retention_model_registry is a plain table on every node, filled only on
-- the coordinator (where retention_model_save runs): the scalar subquery
-- runs there once, and the model travels to the workers as a constant.
DO $$ BEGIN
    PERFORM retention_model_save('citus_check', model) FROM retention_models WHERE name = 'demo';
    PERFORM retention_model_activate('citus_check', 1);
END $$;
SELECT 'retention_model_active as a scalar subquery scores on the workers: ' ||
       pg_temp.near((SELECT sum(retention_score((SELECT retention_model_active('citus_check')), f))::text FROM member_features f),
                    (SELECT sum(retention_score(m.model, f))::text FROM member_features_local f, retention_models m WHERE m.name = 'demo'),
                    1e-12)::text;
CREATE FUNCTION pg_temp.bare_active() RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    -- a bare call runs on the workers, whose registries are empty
    PERFORM sum(retention_score(retention_model_active('citus_check'), f)) FROM member_features f;
    RETURN 'retention_model_active, called bare in a distributed query, fails on the workers: false';
EXCEPTION WHEN undefined_object THEN
    RETURN 'retention_model_active, called bare in a distributed query, fails on the workers: true';
END $$;
SELECT pg_temp.bare_active();
DELETE FROM retention_model_registry WHERE name = 'citus_check';

-- ---------------------------------------------------------------- retention_fit
-- retention_fit(query, options) drives one retention_newton_step pass per
-- Newton iteration over any query; on Citus each pass must be split (the
-- workers aggregate their shards, the coordinator adds the partial states)
-- and the model must equal the single-node one to 1e-9.  Checked only when
-- this build has them.
CREATE FUNCTION pg_temp.fit_checks() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE
    feats text := 'ARRAY[recency_days, active_days_30, current_streak, decayed_activity, trend, annual]';
    opts text := '{"features": ["recency_days", "active_days_30", "current_streak", "decayed_activity", "trend", "annual"]}';
    plan text;
    dist retention_model;
    loc retention_model;
    trained retention_model;
    daily retention_model;
    daily_loc retention_model;
BEGIN
    IF to_regprocedure('retention_newton_step(float8[], boolean, float8, float8[])') IS NULL THEN
        RETURN NEXT 'skipped: retention_newton_step(float8[], boolean, float8, float8[]) is not in this build';
    ELSE
        -- the first pass of a fit, the statistics pass (point {flags, 0})
        plan := pg_temp.plan_of(format(
            'SELECT retention_newton_step(q.f, q.r, 1.0::float8, ''{2,0}''::float8[]) FROM (SELECT %s, renewed FROM member_features) AS q(f, r)', feats));
        RETURN NEXT 'a retention_newton_step pass runs as partial aggregates on the workers: ' ||
            pg_temp.runs_as(plan, 'retention_newton_step', 'split')::text;
    END IF;
    IF to_regprocedure('retention_fit(text, jsonb)') IS NULL THEN
        RETURN NEXT 'skipped: retention_fit(text, jsonb) is not in this build';
        RETURN;
    END IF;
    BEGIN
        EXECUTE format('SELECT retention_fit(%L, %L)', format('SELECT %s, renewed FROM member_features', feats), opts) INTO dist;
        EXECUTE format('SELECT retention_fit(%L, %L)', format('SELECT %s, renewed FROM member_features_local', feats), opts) INTO loc;
        EXECUTE format('SELECT retention_train(%s, renewed, %L) FROM member_features_local', feats, opts) INTO trained;
        -- features that are float sums the coordinator combines (grouped by
        -- day, not by member): their last bits change from pass to pass, and
        -- the fit compares the passes' sums within rounding
        EXECUTE format('SELECT retention_fit(%L)', 'SELECT ARRAY[sum(minutes), avg(rating)], count(*) % 2 = 0 FROM activity GROUP BY date_trunc(''day'', occurred_at)') INTO daily;
        EXECUTE format('SELECT retention_fit(%L)', 'SELECT ARRAY[sum(minutes), avg(rating)], count(*) % 2 = 0 FROM activity_local GROUP BY date_trunc(''day'', occurred_at)') INTO daily_loc;
    EXCEPTION WHEN OTHERS THEN
        RETURN NEXT 'retention_fit on Citus: ' || SQLERRM;
        RETURN;
    END;
    RETURN NEXT 'retention_fit over the distributed table equals retention_fit on one node to 1e-9: ' ||
        pg_temp.near((SELECT array_agg(array[coefficient, std_error])::text FROM retention_model_summary(dist)),
                     (SELECT array_agg(array[coefficient, std_error])::text FROM retention_model_summary(loc)), 1e-9)::text;
    RETURN NEXT 'retention_fit''s whole model (counts, info, deciles, covariance) on Citus equals the single-node fit to 1e-9: ' ||
        pg_temp.near(dist::text, loc::text, 1e-9)::text;
    RETURN NEXT 'retention_fit over the distributed table equals retention_train on one node to 1e-9: ' ||
        pg_temp.near((SELECT array_agg(array[coefficient, std_error])::text FROM retention_model_summary(dist)),
                     (SELECT array_agg(array[coefficient, std_error])::text FROM retention_model_summary(trained)), 1e-9)::text;
    RETURN NEXT 'retention_fit over float sums combined on the coordinator runs and equals the single-node fit to 1e-9: ' ||
        pg_temp.near((SELECT array_agg(array[coefficient, std_error])::text FROM retention_model_summary(daily)),
                     (SELECT array_agg(array[coefficient, std_error])::text FROM retention_model_summary(daily_loc)), 1e-9)::text;
END $$;
SELECT pg_temp.fit_checks();

-- Rows that change between passes stop the fit, also when an amount moves
-- from one renewed member to another after the first pass (as a transfer
-- another session commits during a fit: the workers' later snapshots see
-- it), which keeps every count and sum: the sums of squares differ.  (Citus
-- runs the subquery also for the column check before the passes.)
CREATE SEQUENCE pg_temp.fit_pass;
CREATE FUNCTION pg_temp.transfer_check() RETURNS text LANGUAGE plpgsql AS $$
DECLARE a bigint; b bigint;
BEGIN
    IF to_regprocedure('retention_fit(text, jsonb)') IS NULL THEN
        RETURN 'skipped: retention_fit(text, jsonb) is not in this build';
    END IF;
    SELECT min(member_id), max(member_id) INTO a, b FROM member_features WHERE renewed;
    PERFORM retention_fit(format($q$SELECT ARRAY[recency_days + CASE member_id WHEN %s THEN k WHEN %s THEN -k ELSE 0 END,
                                                active_days_30, annual], renewed
                                   FROM member_features, (SELECT CASE WHEN nextval('pg_temp.fit_pass') < 3 THEN 0 ELSE 10 END AS k) p$q$, a, b));
    RETURN 'retention_fit on Citus stops when an amount moves between two renewed members between passes: false';
EXCEPTION WHEN data_exception THEN
    RETURN 'retention_fit on Citus stops when an amount moves between two renewed members between passes: ' ||
           (SQLERRM LIKE 'the retention_fit query returned different rows on pass _')::text;
END $$;
SELECT pg_temp.transfer_check();

-- ---------------------------------------------------------------- ORDER BY, FILTER and windows
-- An aggregate with ORDER BY inside cannot be split: Citus gathers the rows
-- and orders them on the coordinator; FILTER stays on the workers.
SELECT pg_temp.check('retention_calibration with ORDER BY inside', 'gathered',
    'SELECT retention_calibration(score, renewed, 10 ORDER BY member_id) FROM scores%s');
SELECT pg_temp.check('incentive_ab_cuped with ORDER BY inside', 'gathered',
    'SELECT incentive_ab_cuped(treated, renewed, score ORDER BY member_id) FROM experiment%s');
-- (each gathered row then carries the model: the README says to leave the
-- ORDER BY out, or to pass the baseline)
SELECT pg_temp.check('retention_score_drift with ORDER BY inside', 'gathered',
    $$SELECT retention_score_drift(m.model, s.score ORDER BY s.member_id) FROM scores%s s, retention_models m
      WHERE m.name = 'demo' AND s.plan = 'monthly'$$);
SELECT pg_temp.check('retention_auc with ORDER BY inside', 'gathered',
    'SELECT retention_auc(score, renewed ORDER BY member_id) FROM scores%s');
SELECT pg_temp.check('retention_calibration with FILTER', 'split',
    $$SELECT retention_calibration(score, renewed, 10) FILTER (WHERE plan = 'annual') FROM scores%s$$);
-- a running window per member runs on the workers; a window over another
-- column gathers the rows: both as on one node
SELECT pg_temp.check('engagement_decay OVER (PARTITION BY member_id ORDER BY ...)', 'pushed window',
    $$SELECT string_agg(r::text, ';' ORDER BY member_id, occurred_at, minutes, kind)
      FROM (SELECT member_id, occurred_at, minutes, kind,
                   engagement_decay(occurred_at, retention_demo_reference_date(), '3 days', minutes)
                       OVER (PARTITION BY member_id ORDER BY occurred_at, minutes, kind) AS r
            FROM activity%s WHERE member_id <= 40) q$$);
SELECT pg_temp.check('retention_km OVER (PARTITION BY member_id ORDER BY ...)', 'pushed window',
    $$SELECT string_agg(r::text, ';' ORDER BY member_id, occurred_at, minutes, kind)
      FROM (SELECT member_id, occurred_at, minutes, kind,
                   retention_km(minutes, kind = 'like') OVER (PARTITION BY member_id ORDER BY occurred_at, minutes, kind) AS r
            FROM activity%s WHERE member_id <= 40) q$$);
SELECT pg_temp.check('retention_calibration OVER (PARTITION BY plan)', 'gathered window',
    $$SELECT string_agg(DISTINCT r::text, ';') FROM (SELECT retention_calibration(score, renewed, 5) OVER (PARTITION BY plan) AS r FROM scores%s) q$$);
SELECT pg_temp.check('retention_auc OVER (PARTITION BY plan)', 'gathered window',
    $$SELECT string_agg(DISTINCT r::text, ';') FROM (SELECT retention_auc(score, renewed) OVER (PARTITION BY plan) AS r FROM scores%s) q$$);

-- ---------------------------------------------------------------- extension types in distributed tables
-- A retention_model and an incentive_condition column in a distributed
-- table, filled by INSERT ... SELECT from a reference table (on the
-- workers) and from a coordinator table (through COPY to the shards), read
-- back on the coordinator, and used on the workers; a table distributed by
-- an incentive_condition (its hash is the same on every node).
SET citus.enable_ddl_propagation = on;
CREATE TABLE cr_check_rules (name text PRIMARY KEY, c incentive_condition NOT NULL);
SELECT create_reference_table('cr_check_rules') IS NOT NULL AS created \gset
INSERT INTO cr_check_rules VALUES ('low', 'recency_days > 3 and active_days_30 < 5'), ('annual', 'annual = 1');
CREATE TABLE cr_check_member_models (member_id bigint, m retention_model, c incentive_condition);
SELECT create_distributed_table('cr_check_member_models', 'member_id', colocate_with => 'members') IS NOT NULL AS created \gset
INSERT INTO cr_check_member_models
SELECT f.member_id, m.model, r.c FROM member_features f, retention_models m, cr_check_rules r
WHERE m.name = 'demo' AND r.name = 'low' AND f.member_id % 2 = 0;
INSERT INTO cr_check_member_models
SELECT f.member_id, m.model, 'annual = 1'::incentive_condition FROM member_features_local f, retention_models m
WHERE m.name = 'demo' AND f.member_id % 2 = 1;
CREATE TABLE cr_check_by_condition (c incentive_condition, n int);
SELECT create_distributed_table('cr_check_by_condition', 'c') IS NOT NULL AS created \gset
INSERT INTO cr_check_by_condition SELECT c, 1 FROM cr_check_member_models;
SET citus.enable_ddl_propagation = off;
SELECT 'retention_model and incentive_condition columns of a distributed table come back as stored: ' ||
       (count(*) = 1500 AND bool_and(mm.m::text = m.model::text)
        AND count(*) FILTER (WHERE mm.c = 'annual = 1') = 750)::text
FROM cr_check_member_models mm, retention_models m WHERE m.name = 'demo';
-- (each side a statement of its own: Citus plans a statement that reads
-- both a distributed and a coordinator table as a whole)
CREATE FUNCTION pg_temp.typed_columns_check() RETURNS text LANGUAGE plpgsql AS $$
DECLARE dist text; loc text;
BEGIN
    SELECT sum(retention_score(mm.m, f))::text || ' ' || count(*) FILTER (WHERE incentive_matches(mm.c, f))
    INTO dist FROM cr_check_member_models mm JOIN member_features f USING (member_id);
    SELECT sum(retention_score(m.model, f))::text || ' ' || count(*) FILTER (WHERE incentive_matches(r.c, f))
    INTO loc FROM member_features_local f, retention_models m, cr_check_rules r
    WHERE m.name = 'demo' AND r.name = CASE WHEN f.member_id % 2 = 0 THEN 'low' ELSE 'annual' END;
    RETURN 'a model column and a condition column score and match on the workers as on one node: ' ||
           pg_temp.near(dist, loc, 1e-12)::text;
END $$;
SELECT pg_temp.typed_columns_check();
SELECT 'a table distributed by an incentive_condition finds each condition''s rows in its shard: ' ||
       ((SELECT count(*) FROM cr_check_by_condition WHERE c = 'annual = 1'::incentive_condition) = 750
        AND (SELECT count(*) FROM cr_check_by_condition WHERE c = 'recency_days > 3 AND active_days_30 < 5') = 750
        AND (SELECT count(*) FROM cr_check_member_models mm JOIN cr_check_rules r ON mm.c = r.c) = 1500)::text;
SET citus.enable_ddl_propagation = on;
DROP TABLE cr_check_by_condition, cr_check_member_models, cr_check_rules;
SET citus.enable_ddl_propagation = off;

-- ---------------------------------------------------------------- retention_fit: joins, filters, changes, cancel
CREATE FUNCTION pg_temp.fit_more() RETURNS SETOF text LANGUAGE plpgsql AS $$
DECLARE q text; a text; b text;
BEGIN
    IF to_regprocedure('retention_fit(text, jsonb)') IS NULL THEN
        RETURN NEXT 'skipped: retention_fit(text, jsonb) is not in this build';
        RETURN;
    END IF;
    -- a join with a reference table and a WHERE on another column than member_id
    q := $q$SELECT ARRAY[f.recency_days, f.active_days_30, retention_score(m.model, f)], f.renewed
            FROM member_features%s f JOIN retention_models m ON m.name = 'demo'
            WHERE f.plan = 'monthly' AND f.current_streak >= 0$q$;
    EXECUTE format('SELECT retention_fit(%L)::text', format(q, '')) INTO a;
    EXECUTE format('SELECT retention_fit(%L)::text', format(q, '_local')) INTO b;
    RETURN NEXT 'retention_fit joined with a reference table and filtered on a non-distribution column equals the single-node fit to 1e-9: ' ||
        pg_temp.near(a, b, 1e-9)::text;
    -- rows that leave from pass 3 on, rows that join from pass 3 on, rows
    -- missing from passes 3 and 4 only (a volatile subquery the coordinator
    -- runs once per pass and once for the column check)
    FOR q IN SELECT unnest(ARRAY[
        'member_id > 3 OR k < 4',
        'member_id > 3 OR k >= 4',
        'member_id > 3 OR k NOT IN (4, 5)'])
    LOOP
        PERFORM setval('pg_temp.fit_pass', 1, false);
        BEGIN
            PERFORM retention_fit(format($f$SELECT ARRAY[recency_days, active_days_30], renewed
                FROM member_features, (SELECT nextval('pg_temp.fit_pass') AS k) p WHERE %s$f$, q));
            RETURN NEXT format('retention_fit on Citus stops when rows change between passes (%s): false', q);
        EXCEPTION WHEN data_exception THEN
            RETURN NEXT format('retention_fit on Citus stops when rows change between passes (%s): %s', q,
                               (SQLERRM LIKE 'the retention_fit query returned different rows on pass _')::text);
        END;
    END LOOP;
END $$;
SELECT pg_temp.fit_more();
-- A cancel during a pass (the workers sleep on every row) and between
-- passes (the coordinator sleeps once per pass): 57014, nothing else, and
-- the cluster answers afterwards.  (statement_timeout is armed when a
-- top-level statement starts: SET before it.)
CREATE FUNCTION pg_temp.cancel_check(what text, q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    IF to_regprocedure('retention_fit(text, jsonb)') IS NULL THEN
        RETURN 'skipped: retention_fit(text, jsonb) is not in this build';
    END IF;
    PERFORM retention_fit(q);
    RETURN format('retention_fit on Citus can be cancelled %s: false', what);
EXCEPTION WHEN query_canceled THEN
    RETURN format('retention_fit on Citus can be cancelled %s: true', what);
END $$;
SET statement_timeout = '1s';
SELECT pg_temp.cancel_check('within a pass',
    'SELECT ARRAY[recency_days], renewed FROM member_features WHERE pg_sleep(0.05) IS NOT NULL');
SET statement_timeout = '1s';
SELECT pg_temp.cancel_check('between passes',
    'SELECT ARRAY[recency_days], renewed FROM member_features, (SELECT pg_sleep(2)::text AS s) p');
RESET statement_timeout;
SELECT 'the cluster answers after a cancelled fit: ' || ((SELECT count(*) FROM member_features) = 1500)::text;
