
-- ---------------------------------------------------------------------------
-- Logistic retention models (issue #3): the retention_model type, training,
-- scoring, explanations, summaries and score drift.
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.retention_model;

CREATE FUNCTION @extschema@.retention_model_in(cstring) RETURNS @extschema@.retention_model
    AS 'MODULE_PATHNAME', 'retention_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_model_out(@extschema@.retention_model) RETURNS cstring
    AS 'MODULE_PATHNAME', 'retention_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- Binary send and receive convert the feature names between the database and
-- the client encoding (as textsend and textrecv do), so they are STABLE.
CREATE FUNCTION @extschema@.retention_model_recv(internal) RETURNS @extschema@.retention_model
    AS 'MODULE_PATHNAME', 'retention_model_recv' LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_model_send(@extschema@.retention_model) RETURNS bytea
    AS 'MODULE_PATHNAME', 'retention_model_send' LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.retention_model (
    INPUT = @extschema@.retention_model_in,
    OUTPUT = @extschema@.retention_model_out,
    RECEIVE = @extschema@.retention_model_recv,
    SEND = @extschema@.retention_model_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE @extschema@.retention_model IS
    'A fitted logistic retention model: features, coefficients, training means, covariance and fit statistics; text form is JSON';

CREATE CAST (@extschema@.retention_model AS jsonb) WITH INOUT;

-- Training ------------------------------------------------------------------

CREATE FUNCTION @extschema@.retention_train_transfn(internal, float8[], boolean)
    RETURNS internal AS 'MODULE_PATHNAME', 'retention_train_trans'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_train_transfn(internal, float8[], boolean, jsonb)
    RETURNS internal AS 'MODULE_PATHNAME', 'retention_train_trans'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_train_transfn(internal, float8[], boolean, float8, jsonb)
    RETURNS internal AS 'MODULE_PATHNAME', 'retention_train_trans'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_train_combinefn(internal, internal)
    RETURNS internal AS 'MODULE_PATHNAME', 'retention_train_combine'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_train_serialfn(internal)
    RETURNS bytea AS 'MODULE_PATHNAME', 'retention_train_serial'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_train_deserialfn(bytea, internal)
    RETURNS internal AS 'MODULE_PATHNAME', 'retention_train_deserial'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_train_finalfn(internal)
    RETURNS @extschema@.retention_model AS 'MODULE_PATHNAME', 'retention_train_final'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.retention_train(features float8[], retained boolean) (
    SFUNC = @extschema@.retention_train_transfn, STYPE = internal,
    FINALFUNC = @extschema@.retention_train_finalfn,
    COMBINEFUNC = @extschema@.retention_train_combinefn,
    SERIALFUNC = @extschema@.retention_train_serialfn,
    DESERIALFUNC = @extschema@.retention_train_deserialfn,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.retention_train(features float8[], retained boolean, options jsonb) (
    SFUNC = @extschema@.retention_train_transfn, STYPE = internal,
    FINALFUNC = @extschema@.retention_train_finalfn,
    COMBINEFUNC = @extschema@.retention_train_combinefn,
    SERIALFUNC = @extschema@.retention_train_serialfn,
    DESERIALFUNC = @extschema@.retention_train_deserialfn,
    PARALLEL = SAFE);
CREATE AGGREGATE @extschema@.retention_train(features float8[], retained boolean, weight float8, options jsonb) (
    SFUNC = @extschema@.retention_train_transfn, STYPE = internal,
    FINALFUNC = @extschema@.retention_train_finalfn,
    COMBINEFUNC = @extschema@.retention_train_combinefn,
    SERIALFUNC = @extschema@.retention_train_serialfn,
    DESERIALFUNC = @extschema@.retention_train_deserialfn,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.retention_train(float8[], boolean) IS
    'Fit P(retained | features) by logistic regression (Newton-Raphson); rows with NULLs are skipped';
COMMENT ON AGGREGATE @extschema@.retention_train(float8[], boolean, jsonb) IS
    'Fit a logistic retention model with options: features, l2, class_weight, max_iter, tol, intercept, skip_invalid';
COMMENT ON AGGREGATE @extschema@.retention_train(float8[], boolean, float8, jsonb) IS
    'Fit a weighted logistic retention model (weight >= 0 per row) with options';

-- Scoring and explaining ------------------------------------------------------

CREATE FUNCTION @extschema@.retention_score(model @extschema@.retention_model, features float8[])
    RETURNS float8 AS 'MODULE_PATHNAME', 'retention_score_array'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
-- The record forms are STABLE: they bind columns by name, and a renamed
-- column changes the answer for the same stored row (1.0 said IMMUTABLE).
CREATE FUNCTION @extschema@.retention_score(model @extschema@.retention_model, features record)
    RETURNS float8 AS 'MODULE_PATHNAME', 'retention_score_record'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_score(model @extschema@.retention_model, features jsonb)
    RETURNS float8 AS 'MODULE_PATHNAME', 'retention_score_jsonb'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_score(@extschema@.retention_model, float8[]) IS
    'Probability of retention for features given in the model''s order; NULL when a feature is NULL';
COMMENT ON FUNCTION @extschema@.retention_score(@extschema@.retention_model, record) IS
    'Probability of retention for a row whose columns are named like the model''s features';
COMMENT ON FUNCTION @extschema@.retention_score(@extschema@.retention_model, jsonb) IS
    'Probability of retention for a JSON object whose keys are the model''s feature names';

CREATE FUNCTION @extschema@.retention_explain(model @extschema@.retention_model, features float8[])
    RETURNS TABLE(feature text, value float8, coefficient float8, contribution float8)
    AS 'MODULE_PATHNAME', 'retention_explain_array'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
CREATE FUNCTION @extschema@.retention_explain(model @extschema@.retention_model, features record)
    RETURNS TABLE(feature text, value float8, coefficient float8, contribution float8)
    AS 'MODULE_PATHNAME', 'retention_explain_record'
    LANGUAGE C STABLE STRICT PARALLEL SAFE ROWS 10;
CREATE FUNCTION @extschema@.retention_explain(model @extschema@.retention_model, features jsonb)
    RETURNS TABLE(feature text, value float8, coefficient float8, contribution float8)
    AS 'MODULE_PATHNAME', 'retention_explain_jsonb'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION @extschema@.retention_explain(@extschema@.retention_model, float8[]) IS
    'Why this score: per feature, coefficient * (value - training mean), largest first';
COMMENT ON FUNCTION @extschema@.retention_explain(@extschema@.retention_model, record) IS
    'Why this score, for a row whose columns are named like the model''s features';
COMMENT ON FUNCTION @extschema@.retention_explain(@extschema@.retention_model, jsonb) IS
    'Why this score, for a JSON object keyed by the model''s feature names';

-- Summaries -------------------------------------------------------------------

CREATE FUNCTION @extschema@.retention_model_summary(model @extschema@.retention_model)
    RETURNS TABLE(feature text, coefficient float8, std_error float8, z_value float8,
                  p_value float8, odds_ratio float8, ci_lower float8, ci_upper float8)
    AS 'MODULE_PATHNAME', 'retention_model_summary'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
COMMENT ON FUNCTION @extschema@.retention_model_summary(@extschema@.retention_model) IS
    'Coefficient table: estimate, standard error, Wald z and p-value, odds ratio, 95% confidence interval';

CREATE FUNCTION @extschema@.retention_model_info(model @extschema@.retention_model,
    OUT n_rows bigint, OUT n_skipped bigint, OUT n_retained bigint, OUT n_features int,
    OUT iterations int, OUT converged boolean, OUT log_likelihood float8,
    OUT null_log_likelihood float8, OUT aic float8, OUT bic float8, OUT pseudo_r2 float8,
    OUT l2 float8, OUT condition_number float8)
    RETURNS record AS 'MODULE_PATHNAME', 'retention_model_info'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_model_info(@extschema@.retention_model) IS
    'Training statistics: rows, iterations, log-likelihoods, AIC, BIC, McFadden pseudo R2, condition number';

-- Score drift -------------------------------------------------------------------

CREATE FUNCTION @extschema@.retention_score_drift_transfn(float8[], @extschema@.retention_model, float8)
    RETURNS float8[] AS 'MODULE_PATHNAME', 'retention_score_drift_trans'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_score_drift_combinefn(float8[], float8[])
    RETURNS float8[] AS 'MODULE_PATHNAME', 'retention_score_drift_combine'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_score_drift_finalfn(float8[])
    RETURNS float8 AS 'MODULE_PATHNAME', 'retention_score_drift_final'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE AGGREGATE @extschema@.retention_score_drift(model @extschema@.retention_model, score float8) (
    SFUNC = @extschema@.retention_score_drift_transfn, STYPE = float8[],
    FINALFUNC = @extschema@.retention_score_drift_finalfn,
    COMBINEFUNC = @extschema@.retention_score_drift_combinefn,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.retention_score_drift(@extschema@.retention_model, float8) IS
    'Population stability index of these scores against the model''s training score deciles (< 0.1 stable, 0.1-0.25 watch, > 0.25 act)';
