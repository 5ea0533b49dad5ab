-- Logistic retention models: training against statsmodels / scikit-learn,
-- parallel = serial, GROUP BY, round trips, scoring, explanations, drift.
-- Reference values: test/reference/model_reference.py (same rows, same formulas).
BEGIN;
SELECT plan(46);

CREATE TEMP TABLE ref_rows AS
SELECT i,
       sin(i::float8) AS x1,
       ((i * 37) % 101)::float8 / 50 - 1 AS x2,
       cos(i * 0.3::float8) * 2 AS x3,
       ((i * 7919) % 1000)::float8 / 1000
         < 1 / (1 + exp(-(0.5 + 1.2 * sin(i::float8) - 0.8 * (((i * 37) % 101)::float8 / 50 - 1)
                        + 0.3 * (cos(i * 0.3::float8) * 2)))) AS y,
       (1 + i % 3)::float8 AS w
FROM generate_series(1, 2000) i;

-- max |a_i - b_i| / max(|b_i|, 1e-300)
CREATE FUNCTION pg_temp.relerr(a float8[], b float8[]) RETURNS float8 LANGUAGE sql AS $$
  SELECT max(abs(x - y) / greatest(abs(y), 1e-300)) FROM unnest(a, b) AS u(x, y)
$$;
CREATE FUNCTION pg_temp.coefs(m retention_model) RETURNS float8[] LANGUAGE sql AS $$
  SELECT array_agg(coefficient ORDER BY ord) FROM retention_model_summary(m) WITH ORDINALITY AS s(feature, coefficient, std_error, z_value, p_value, odds_ratio, ci_lower, ci_upper, ord)
$$;
CREATE FUNCTION pg_temp.ses(m retention_model) RETURNS float8[] LANGUAGE sql AS $$
  SELECT array_agg(std_error ORDER BY ord) FROM retention_model_summary(m) WITH ORDINALITY AS s(feature, coefficient, std_error, z_value, p_value, odds_ratio, ci_lower, ci_upper, ord)
$$;

CREATE FUNCTION pg_temp.explain_lines(q text) RETURNS SETOF text LANGUAGE plpgsql AS $$
BEGIN RETURN QUERY EXECUTE 'EXPLAIN (COSTS OFF) ' || q; END $$;

CREATE TEMP TABLE models AS
SELECT 'mle' AS name, retention_train(ARRAY[x1, x2, x3], y, '{"features": ["x1", "x2", "x3"]}') AS model FROM ref_rows
UNION ALL SELECT 'noint', retention_train(ARRAY[x1, x2, x3], y, '{"intercept": false}') FROM ref_rows
UNION ALL SELECT 'l2', retention_train(ARRAY[x1, x2, x3], y, '{"l2": 1}') FROM ref_rows
UNION ALL SELECT 'l2w', retention_train(ARRAY[x1, x2, x3], y, w, '{"l2": 1}') FROM ref_rows
UNION ALL SELECT 'l2bal', retention_train(ARRAY[x1, x2, x3], y, '{"l2": 1, "class_weight": "balanced"}') FROM ref_rows
UNION ALL SELECT 'mlew', retention_train(ARRAY[x1, x2, x3], y, w, NULL) FROM ref_rows
UNION ALL SELECT 'mlebal', retention_train(ARRAY[x1, x2, x3], y, '{"class_weight": "balanced"}') FROM ref_rows;

-- statsmodels Logit, maximum likelihood
SELECT cmp_ok(pg_temp.relerr(pg_temp.coefs(model),
  ARRAY[0.5342565673756301, 1.1985305210989092, -0.8188649566479677, 0.31232648463141405]), '<', 1e-9::float8,
  'coefficients equal statsmodels Logit') FROM models WHERE name = 'mle';
SELECT cmp_ok(pg_temp.relerr(pg_temp.ses(model),
  ARRAY[0.052401694356378675, 0.07616656000295847, 0.08996992029753756, 0.0368863849195421]), '<', 1e-6::float8,
  'standard errors equal statsmodels Logit') FROM models WHERE name = 'mle';
SELECT cmp_ok(pg_temp.relerr(ARRAY[i.log_likelihood, i.null_log_likelihood, i.aic, i.bic, i.pseudo_r2],
  ARRAY[-1127.1636723141494, -1342.2896661868522, 2262.3273446282988, 2284.730954466467, 0.16026793567131314]), '<', 1e-9::float8,
  'log-likelihood, null log-likelihood, AIC, BIC and pseudo R2 equal statsmodels')
FROM models, retention_model_info(model) i WHERE name = 'mle';
SELECT cmp_ok(pg_temp.relerr((SELECT array_agg(p_value) FROM retention_model_summary(model)),
  ARRAY[2.07873397233278e-24, 8.616390711076303e-56, 8.905874576267599e-20, 2.5124029514715615e-17]), '<', 1e-5::float8,
  'p-values equal statsmodels') FROM models WHERE name = 'mle';
SELECT is((SELECT array_agg(feature) FROM retention_model_summary(model)), ARRAY['(intercept)', 'x1', 'x2', 'x3'],
  'summary rows: the intercept first, then features in order') FROM models WHERE name = 'mle';
SELECT ok((SELECT bool_and(abs(odds_ratio - exp(coefficient)) < 1e-12 * odds_ratio
                  AND abs(ci_upper - coefficient - 1.959963984540054 * std_error) < 1e-12
                  AND abs(z_value - coefficient / std_error) < 1e-9 * abs(z_value))
           FROM retention_model_summary(model)), 'odds ratios, Wald z and 95% intervals follow from the estimates')
FROM models WHERE name = 'mle';
SELECT is((SELECT (n_rows, n_skipped, n_retained, n_features, converged)::text FROM retention_model_info(model)),
  '(2000,0,1209,3,t)', 'info: rows, skipped, retained, features, converged') FROM models WHERE name = 'mle';

SELECT cmp_ok(pg_temp.relerr(pg_temp.coefs(model), ARRAY[1.128568070381406, -0.7724406155460528, 0.2942881772249233]), '<', 1e-9::float8,
  'no intercept: coefficients equal statsmodels') FROM models WHERE name = 'noint';
SELECT cmp_ok(pg_temp.relerr(pg_temp.ses(model), ARRAY[0.072943325916851, 0.08714377879851234, 0.0356962756731711]), '<', 1e-6::float8,
  'no intercept: standard errors equal statsmodels') FROM models WHERE name = 'noint';
SELECT cmp_ok(pg_temp.relerr(ARRAY[i.log_likelihood, i.null_log_likelihood, i.aic, i.bic, i.pseudo_r2],
  ARRAY[-1181.938768235435, -1342.2896661868522, 2369.87753647087, 2386.680243849496, 0.11946072594519674]), '<', 1e-9::float8,
  'no intercept: log-likelihood, null log-likelihood (the intercept-only model), AIC, BIC and pseudo R2 equal statsmodels')
FROM models, retention_model_info(model) i WHERE name = 'noint';
SELECT cmp_ok(pg_temp.relerr(pg_temp.coefs(model),
  ARRAY[0.5329470360457731, 1.190853479288895, -0.8112590130064177, 0.31138616098070926]), '<', 1e-6::float8,
  'l2 = 1 equals scikit-learn LogisticRegression(C = 1)') FROM models WHERE name = 'l2';
SELECT cmp_ok(pg_temp.relerr(pg_temp.coefs(model),
  ARRAY[0.5334009938686879, 1.2796628369838194, -0.780408215222238, 0.28275154182399276]), '<', 1e-6::float8,
  'l2 = 1 with row weights equals scikit-learn with sample_weight') FROM models WHERE name = 'l2w';
SELECT cmp_ok(pg_temp.relerr(pg_temp.coefs(model),
  ARRAY[0.10962263764874704, 1.194129925483563, -0.8120411394561686, 0.3127392354351484]), '<', 1e-6::float8,
  'class_weight balanced equals scikit-learn') FROM models WHERE name = 'l2bal';
SELECT cmp_ok(pg_temp.relerr(pg_temp.coefs(model),
  ARRAY[0.5341027886926374, 1.2838562160697409, -0.7841614218278191, 0.2831829644119562]), '<', 1e-9::float8,
  'weighted maximum likelihood equals statsmodels GLM with freq_weights') FROM models WHERE name = 'mlew';
SELECT cmp_ok(pg_temp.relerr(pg_temp.ses(model),
  ARRAY[0.037261415527372235, 0.05455721433675638, 0.06379489049814206, 0.02611317330859092]), '<', 1e-6::float8,
  'weighted maximum likelihood standard errors equal statsmodels GLM') FROM models WHERE name = 'mlew';
-- the README's aic and bic with row weights: LL and aic of the frequencies
-- (GLM freq_weights), bic with ln(n_rows), so bic - 4 ln(n_rows) + 4 ln(sum w)
-- is GLM's bic_llf
SELECT cmp_ok(pg_temp.relerr(ARRAY[i.log_likelihood, i.aic, i.bic - 4 * ln(2000) + 4 * ln(4001)],
  ARRAY[-2237.958304714618, 4483.916609429236, 4509.093807864665]), '<', 1e-9::float8,
  'with row weights, LL, aic and bic corrected to ln(sum w) equal statsmodels GLM llf, aic, bic_llf')
FROM models, retention_model_info(model) i WHERE name = 'mlew';
-- class_weight balanced: its weights sum to n_rows, so aic and bic are GLM's with them
SELECT cmp_ok(pg_temp.relerr(ARRAY[i.log_likelihood, i.aic, i.bic],
  ARRAY[-1160.9314165185006, 2329.862833037001, 2352.2664428751696]), '<', 1e-9::float8,
  'class_weight balanced: LL, aic and bic equal statsmodels GLM with the balanced freq_weights')
FROM models, retention_model_info(model) i WHERE name = 'mlebal';
-- condition_number: numpy's eigenvalue ratio of the Hessian the README
-- describes (centred, penalised, unit diagonal); test_logit.c checks
-- cr_condition_number where the eigenvalues cluster
SELECT cmp_ok(pg_temp.relerr(ARRAY(SELECT (retention_model_info(model)).condition_number FROM models
                                   WHERE name IN ('mle', 'noint', 'l2bal') ORDER BY name = 'l2bal', name = 'noint'),
  ARRAY[1.6406201116269932, 1.3645507250555464, 1.4992116838909704]), '<', 1e-9::float8,
  'condition_number equals the eigenvalue ratio of the unit-diagonal penalised Hessian (mle, no intercept, l2 balanced)');
-- class_weight balanced counts the usable rows only: a zero-weight row is
-- skipped, where scikit-learn counts it (its reference leaves them out)
SELECT cmp_ok(pg_temp.relerr(pg_temp.coefs(retention_train(ARRAY[x1, x2, x3], y,
                               CASE WHEN i % 5 = 0 THEN 0 ELSE w END, '{"l2": 1, "class_weight": "balanced"}')),
  ARRAY[0.1023814453872946, 1.2556321862334632, -0.7881628577848071, 0.3060672560570673]), '<', 1e-6::float8,
  'class_weight balanced with zero-weight rows equals scikit-learn on the other rows')
FROM ref_rows;

-- Scoring: array, record and jsonb agree with the dot product
SELECT cmp_ok((SELECT max(abs(retention_score(model, ARRAY[x1, x2, x3])
    - 1 / (1 + exp(-(c[1] + c[2] * x1 + c[3] * x2 + c[4] * x3))))) FROM ref_rows), '<', 1e-15::float8,
  'retention_score(model, float8[]) is the logistic of the dot product')
FROM (SELECT model, pg_temp.coefs(model) c FROM models WHERE name = 'mle') s;
SELECT is((SELECT count(*) FROM ref_rows r WHERE retention_score(model, r) <> retention_score(model, ARRAY[x1, x2, x3])), 0::bigint,
  'retention_score(model, record) binds columns by name') FROM models WHERE name = 'mle';
SELECT is((SELECT count(*) FROM ref_rows r
           WHERE retention_score(model, jsonb_build_object('x3', x3, 'x2', x2, 'x1', x1, 'other', 'ignored'))
                 <> retention_score(model, ARRAY[x1, x2, x3])), 0::bigint,
  'retention_score(model, jsonb) reads keys by name') FROM models WHERE name = 'mle';
SELECT is(retention_score(model, '{"x1": 1, "x2": null, "x3": 0}'::jsonb), NULL, 'a JSON null gives a NULL score') FROM models WHERE name = 'mle';

-- Explanations: contributions add up to logit(score) - logit(score at the means)
SELECT cmp_ok((SELECT max(abs(e.total - (ln(s / (1 - s)) - ln(s0 / (1 - s0)))))
  FROM (SELECT r.i, retention_score(model, ARRAY[x1, x2, x3]) s,
               (SELECT sum(contribution) FROM retention_explain(model, ARRAY[x1, x2, x3])) total,
               retention_score(model, (SELECT array_agg(v) FROM jsonb_array_elements_text(model::jsonb -> 'means') v)::float8[]) s0
        FROM ref_rows r WHERE i <= 200) e), '<', 1e-9::float8,
  'explain: contributions sum to logit(score) - logit(score at the training means)')
FROM models WHERE name = 'mle';
SELECT ok((SELECT bool_and(a >= b) FROM (SELECT abs(contribution) a, lead(abs(contribution)) OVER () b
           FROM retention_explain(model, ARRAY[2, -1, 0.5]::float8[])) x WHERE b IS NOT NULL),
  'explain: ordered by |contribution| descending') FROM models WHERE name = 'mle';

-- Text and binary round trips keep every bit
SELECT is((SELECT count(*) FROM models WHERE model::text::retention_model::text <> model::text), 0::bigint,
  'text output -> input -> output is identical');
SELECT is((SELECT count(*) FROM models m, ref_rows r
           WHERE retention_score(m.model::text::retention_model, ARRAY[x1, x2, x3]) <> retention_score(m.model, ARRAY[x1, x2, x3])), 0::bigint,
  'scores after a text round trip are bit-identical');
SELECT ok((SELECT model::jsonb ? 'covariance' AND jsonb_array_length(model::jsonb -> 'covariance') = 4 FROM models WHERE name = 'mle'),
  'the jsonb cast exposes the covariance matrix');

-- Parallel query: partial states combined across workers
CREATE TABLE par_rows AS SELECT g, r.* FROM generate_series(0, 99) g, ref_rows r;
ANALYZE par_rows;
SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_model AS SELECT retention_train(ARRAY[x1, x2, x3 + g / 100.0], y) AS model FROM par_rows;
SET LOCAL max_parallel_workers_per_gather = 2;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SELECT ok((SELECT string_agg(x, E'\n') FROM (SELECT * FROM pg_temp.explain_lines($$SELECT retention_train(ARRAY[x1, x2, x3 + g / 100.0], y) FROM par_rows$$)) e(x)) ~ 'Partial Aggregate',
  'the planner splits retention_train across parallel workers');
SELECT cmp_ok(pg_temp.relerr(pg_temp.coefs((SELECT retention_train(ARRAY[x1, x2, x3 + g / 100.0], y) FROM par_rows)),
                             pg_temp.coefs((SELECT model FROM serial_model))), '<', 1e-9::float8,
  'a parallel plan gives the serial coefficients');
-- The memory limit holds for the leader, which gathers the workers' rows:
-- 300 000 rows of 1 feature take 4.6 MB, beyond a 4 MB limit, but a
-- worker's share up to 262 144 rows (87 %; the first block doubles, so 4 MB
-- holds that many) is within it.  (Without workers the serial limit fails.)
SET LOCAL parallel_leader_participation = off;
SET LOCAL community_retention.max_train_memory = '4MB';
SELECT throws_ok($$SELECT retention_train(ARRAY[x1], y) FROM par_rows CROSS JOIN (VALUES (1), (2)) v(k) WHERE k = 1 OR g < 50$$,
  '54000', NULL, '300 000 rows of 1 feature (4.6 MB) exceed a 4 MB limit in a parallel plan too');
RESET community_retention.max_train_memory;
RESET parallel_leader_participation;
RESET max_parallel_workers_per_gather;

-- GROUP BY: one model per group equals the model of that group alone
SELECT cmp_ok((SELECT max(pg_temp.relerr(pg_temp.coefs(g.model), pg_temp.coefs(s.model)))
  FROM (SELECT i % 2 AS k, retention_train(ARRAY[x1, x2, x3], y) model FROM ref_rows GROUP BY 1) g
  CROSS JOIN LATERAL (SELECT retention_train(ARRAY[x1, x2, x3], y) model FROM ref_rows WHERE i % 2 = g.k) s), '=', 0::float8,
  'GROUP BY gives each group its own model');

-- Skipped rows are counted
SELECT is((SELECT (n_rows, n_skipped)::text FROM retention_model_info(
   (SELECT retention_train(CASE WHEN i % 10 = 0 THEN NULL WHEN i % 10 = 1 THEN ARRAY[x1, NULL, x3] ELSE ARRAY[x1, x2, x3] END,
                           CASE WHEN i % 10 = 2 THEN NULL ELSE y END) FROM ref_rows))),
  '(1400,600)', 'rows with a NULL array, a NULL element or a NULL label are skipped and counted');
SELECT is((SELECT n_skipped FROM retention_model_info(
   (SELECT retention_train(CASE WHEN i % 100 = 0 THEN ARRAY[x1, 'NaN', x3] ELSE ARRAY[x1, x2, x3] END, y, '{"skip_invalid": true}') FROM ref_rows))),
  20::bigint, 'skip_invalid skips and counts NaN rows');
SELECT ok((SELECT retention_train(ARRAY[x1], y) FROM ref_rows WHERE false) IS NULL, 'no rows: NULL model');

-- Failure modes carry their SQLSTATE
SELECT throws_ok($$SELECT retention_train(ARRAY[x1, x2], true) FROM ref_rows$$, '22000', NULL, 'one outcome class is an error');
SELECT throws_ok($$SELECT retention_train(ARRAY[x1, 1], y) FROM ref_rows$$, '22000', 'feature "f2" is constant', 'a constant feature is named');
SELECT throws_ok($$SELECT retention_train(ARRAY[x1, x2, x1 - 2 * x2], y, '{"features": ["a", "b", "c"]}') FROM ref_rows$$, '22000',
  'feature "c" is collinear with the features before it', 'collinear features are named');
SELECT throws_ok($$SELECT retention_train(ARRAY[x1, CASE WHEN y THEN 1 ELSE 0 END], y) FROM ref_rows$$, '22000', NULL, 'separation is an error');
SELECT lives_ok($$SELECT retention_train(ARRAY[x1, CASE WHEN y THEN 1 ELSE 0 END], y, '{"l2": 1}') FROM ref_rows$$, 'separation with l2 > 0 trains');
SELECT throws_ok($$SELECT retention_train(ARRAY[x1], y, '{"lambda": 1}') FROM ref_rows$$, '22023', 'unknown retention_train option "lambda"', 'unknown options are rejected');

-- Memory: 8*(d+1) bytes per row, limited by community_retention.max_train_memory
SET LOCAL community_retention.max_train_memory = '1MB';
SELECT throws_ok($$SELECT retention_train(ARRAY[x1, x2, x3, x1 * x2, x2 * x3, x1 * x3, x1 * x1], y)
                   FROM ref_rows, generate_series(1, 20)$$, '54000', NULL,
  '40 000 rows of 7 features (2.5 MB) exceed a 1 MB limit');
SELECT is((SELECT count(*) FROM (SELECT k, retention_train(ARRAY[x1, x2], y) FROM ref_rows, generate_series(1, 15) k2, generate_series(0, 3) k GROUP BY k) g),
  4::bigint, 'the limit is per group: 4 groups of 30 000 rows of 2 features (0.7 MB each) train under 1 MB');
RESET community_retention.max_train_memory;
SELECT lives_ok($$SELECT retention_train(ARRAY[x1, x2, x3, x1 * x2, x2 * x3, x1 * x3, x1 * x1], y)
                  FROM ref_rows, generate_series(1, 20)$$, 'and train under the default limit');

-- Drift: the training scores against themselves are stable, a shifted population is not
SELECT cmp_ok((SELECT retention_score_drift(model, retention_score(model, ARRAY[x1, x2, x3])) FROM ref_rows), '<', 1e-3::float8,
  'drift of the training scores themselves is about 0') FROM models WHERE name = 'mle';
SELECT cmp_ok((SELECT retention_score_drift(model, retention_score(model, ARRAY[x1 + 1, x2, x3])) FROM ref_rows), '>', 0.25::float8,
  'drift of a shifted population is above 0.25') FROM models WHERE name = 'mle';

SELECT * FROM finish();
ROLLBACK;
