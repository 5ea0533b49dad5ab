-- community_retention 1.0 install script, as released, with the search_path
-- fix of 1.1 (see below).  Kept as a file: the fragments under src/sql/ now
-- describe 1.1.
-- Every object is created in the extension's schema; every function is LANGUAGE C or
-- qualifies each name it uses, so the script is safe for a trusted extension.

\echo Use "CREATE EXTENSION community_retention" to load this file. \quit

-- Name resolution while this script runs (it runs as the bootstrap superuser
-- when a non-superuser installs this trusted extension): pg_catalog is not
-- named, so PostgreSQL searches it FIRST, before the extension's schema; a
-- type, function or operator that the installing role planted in the target
-- schema under a built-in name (float8, jsonb, eqsel ...) is never found
-- instead of the built-in one.  The session's temporary schema comes last, so
-- a temporary type cannot shadow anything either.  Objects are created in the
-- first named schema, the extension's.  This is the search_path CREATE EXTENSION
-- itself sets; it is repeated here so that no edit can silently weaken it.
SET LOCAL search_path TO @extschema@, pg_temp;

-- ---------------------------------------------------------------------------
-- Demo data (issue #2): a deterministic synthetic paid-knowledge community.
-- Same arguments, same rows, on every machine: IMMUTABLE.
-- ---------------------------------------------------------------------------

CREATE FUNCTION retention_demo_reference_date()
RETURNS timestamptz
AS 'MODULE_PATHNAME', 'retention_demo_reference_date'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION retention_demo_reference_date() IS
'The fixed reference date of the demo community, 2026-01-01 00:00:00+00: activity ends just before it and renewal is decided at it.';

CREATE FUNCTION retention_demo_support(internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'retention_demo_support'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION retention_demo_support(internal) IS
'Planner support for the demo generators: row estimates from constant arguments.';

CREATE FUNCTION retention_demo_members(n_members int, seed int DEFAULT 42)
RETURNS TABLE (member_id bigint, joined_at timestamptz, plan text, renewed boolean)
AS 'MODULE_PATHNAME', 'retention_demo_members'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
ROWS 1000 SUPPORT retention_demo_support;

COMMENT ON FUNCTION retention_demo_members(int, int) IS
'Members 1..n_members of the demo community for a seed: join time, plan (monthly or annual) and whether they renewed at retention_demo_reference_date().';

CREATE FUNCTION retention_demo_activity(n_members int, days int DEFAULT 180, seed int DEFAULT 42)
RETURNS TABLE (member_id bigint, occurred_at timestamptz, kind text, minutes float8, rating float8)
AS 'MODULE_PATHNAME', 'retention_demo_activity'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
ROWS 100000 SUPPORT retention_demo_support;

COMMENT ON FUNCTION retention_demo_activity(int, int, int) IS
'Activity events of demo members 1..n_members over the days before retention_demo_reference_date(), ordered by member and time; rating is set only for lesson_completed and live_session.';

-- ---------------------------------------------------------------------------
-- Logistic retention models (issue #3): the retention_model type, training,
-- scoring, explanations, summaries and score drift.
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.retention_model;

CREATE FUNCTION @extschema@.retention_model_in(cstring) RETURNS @extschema@.retention_model
    AS 'MODULE_PATHNAME', 'retention_model_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_model_out(@extschema@.retention_model) RETURNS cstring
    AS 'MODULE_PATHNAME', 'retention_model_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_model_recv(internal) RETURNS @extschema@.retention_model
    AS 'MODULE_PATHNAME', 'retention_model_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_model_send(@extschema@.retention_model) RETURNS bytea
    AS 'MODULE_PATHNAME', 'retention_model_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

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
CREATE FUNCTION @extschema@.retention_score(model @extschema@.retention_model, features record)
    RETURNS float8 AS 'MODULE_PATHNAME', 'retention_score_record'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
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
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 10;
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

-- ---------------------------------------------------------------------------
-- Evaluation (issue 4): AUC, metrics, calibration, holdout split.
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.retention_metrics AS (
    n bigint,
    n_positive bigint,
    base_rate float8,
    auc float8,
    log_loss float8,
    brier float8,
    accuracy float8,
    precision float8,
    recall float8,
    f1 float8,
    mcc float8
);
COMMENT ON TYPE @extschema@.retention_metrics IS
'Binary classification metrics of retention scores against observed renewals (see retention_metrics)';

CREATE TYPE @extschema@.retention_calibration_bin AS (
    bin int,
    lower float8,
    upper float8,
    n bigint,
    mean_score float8,
    observed_rate float8
);
COMMENT ON TYPE @extschema@.retention_calibration_bin IS
'One equal-width score bin of a reliability diagram (see retention_calibration)';

-- retention_auc and retention_metrics: internal state (every score, by class)

CREATE FUNCTION @extschema@.retention_auc_transfn(internal, float8, boolean)
RETURNS internal AS 'MODULE_PATHNAME', 'retention_auc_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.retention_auc_finalfn(internal)
RETURNS float8 AS 'MODULE_PATHNAME', 'retention_auc_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.retention_eval_combinefn(internal, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'retention_eval_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.retention_eval_serialfn(internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'retention_eval_serialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.retention_eval_deserialfn(bytea, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'retention_eval_deserialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- The final functions sort the stored scores in place: the state keeps the
-- same multiset of scores, so it stays valid for more rows and more finals.
CREATE AGGREGATE @extschema@.retention_auc(score float8, label boolean) (
    SFUNC = @extschema@.retention_auc_transfn,
    STYPE = internal,
    FINALFUNC = @extschema@.retention_auc_finalfn,
    COMBINEFUNC = @extschema@.retention_eval_combinefn,
    SERIALFUNC = @extschema@.retention_eval_serialfn,
    DESERIALFUNC = @extschema@.retention_eval_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.retention_auc(float8, boolean) IS
'Exact ROC AUC (Mann-Whitney, ties count one half) of scores against labels; NULL when only one class is present';

CREATE FUNCTION @extschema@.retention_metrics_transfn(internal, float8, boolean)
RETURNS internal AS 'MODULE_PATHNAME', 'retention_metrics_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.retention_metrics_transfn(internal, float8, boolean, float8)
RETURNS internal AS 'MODULE_PATHNAME', 'retention_metrics_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.retention_metrics_finalfn(internal)
RETURNS @extschema@.retention_metrics AS 'MODULE_PATHNAME', 'retention_metrics_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.retention_metrics(score float8, label boolean) (
    SFUNC = @extschema@.retention_metrics_transfn,
    STYPE = internal,
    FINALFUNC = @extschema@.retention_metrics_finalfn,
    COMBINEFUNC = @extschema@.retention_eval_combinefn,
    SERIALFUNC = @extschema@.retention_eval_serialfn,
    DESERIALFUNC = @extschema@.retention_eval_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.retention_metrics(float8, boolean) IS
'AUC, log loss, Brier score and threshold metrics (threshold 0.5) of probabilities against labels';

CREATE AGGREGATE @extschema@.retention_metrics(score float8, label boolean, threshold float8) (
    SFUNC = @extschema@.retention_metrics_transfn,
    STYPE = internal,
    FINALFUNC = @extschema@.retention_metrics_finalfn,
    COMBINEFUNC = @extschema@.retention_eval_combinefn,
    SERIALFUNC = @extschema@.retention_eval_serialfn,
    DESERIALFUNC = @extschema@.retention_eval_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.retention_metrics(float8, boolean, float8) IS
'AUC, log loss, Brier score and threshold metrics of probabilities against labels; a score >= threshold predicts a renewal';

-- retention_calibration and retention_ece: a concrete float8[] state
-- {bins, n_1, sum_score_1, sum_label_1, ..., n_bins, sum_score_bins, sum_label_bins}

CREATE FUNCTION @extschema@.retention_calibration_transfn(float8[], float8, boolean, int)
RETURNS float8[] AS 'MODULE_PATHNAME', 'retention_calibration_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.retention_calibration_combinefn(float8[], float8[])
RETURNS float8[] AS 'MODULE_PATHNAME', 'retention_calibration_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.retention_calibration_finalfn(float8[])
RETURNS @extschema@.retention_calibration_bin[] AS 'MODULE_PATHNAME', 'retention_calibration_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.retention_ece_finalfn(float8[])
RETURNS float8 AS 'MODULE_PATHNAME', 'retention_ece_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.retention_calibration(score float8, label boolean, bins int) (
    SFUNC = @extschema@.retention_calibration_transfn,
    STYPE = float8[],
    FINALFUNC = @extschema@.retention_calibration_finalfn,
    COMBINEFUNC = @extschema@.retention_calibration_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.retention_calibration(float8, boolean, int) IS
'Reliability diagram: equal-width score bins over [0, 1] with their mean score and observed renewal rate';

CREATE AGGREGATE @extschema@.retention_ece(score float8, label boolean, bins int) (
    SFUNC = @extschema@.retention_calibration_transfn,
    STYPE = float8[],
    FINALFUNC = @extschema@.retention_ece_finalfn,
    COMBINEFUNC = @extschema@.retention_calibration_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.retention_ece(float8, boolean, int) IS
'Expected calibration error over equal-width bins: sum over bins of n_b / N * |mean score - observed rate|';

-- retention_split: deterministic holdout assignment

CREATE FUNCTION @extschema@.retention_split(key bigint, test_fraction float8, seed int DEFAULT 0)
RETURNS boolean AS 'MODULE_PATHNAME', 'retention_split_int8'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_split(bigint, float8, int) IS
'True when the key belongs to the test set: a seeded 64-bit hash of the key, read as a uniform number, is below test_fraction';

CREATE FUNCTION @extschema@.retention_split(key text, test_fraction float8, seed int DEFAULT 0)
RETURNS boolean AS 'MODULE_PATHNAME', 'retention_split_text'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_split(text, float8, int) IS
'True when the key belongs to the test set: a seeded 64-bit hash of the key''s UTF-8 bytes, read as a uniform number, is below test_fraction';

-- ---------------------------------------------------------------------------
-- Engagement features (issue 5): one-pass, point-in-time aggregates over raw
-- activity events.  Calendar days follow the session TimeZone, hence STABLE.
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.engagement AS (
    first_seen       timestamptz,
    last_seen        timestamptz,
    tenure_days      float8,
    recency_days     float8,
    events           bigint,
    active_days      int,
    active_days_7    int,
    active_days_30   int,
    active_days_90   int,
    current_streak   int,
    longest_streak   int,
    mean_gap_days    float8,
    gap_cv           float8,
    decayed_activity float8,
    trend            float8,
    amount_total     float8,
    amount_30        float8
);
COMMENT ON TYPE @extschema@.engagement IS
    'Per-member engagement features as of a cut-off, returned by engagement_summary';

CREATE FUNCTION @extschema@.engagement_summary_transfn(internal, timestamptz, timestamptz)
RETURNS internal AS 'MODULE_PATHNAME', 'engagement_summary_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.engagement_summary_transfn(internal, timestamptz, timestamptz, float8)
RETURNS internal AS 'MODULE_PATHNAME', 'engagement_summary_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.engagement_summary_combinefn(internal, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'engagement_summary_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.engagement_summary_serialfn(internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'engagement_summary_serialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.engagement_summary_deserialfn(bytea, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'engagement_summary_deserialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.engagement_summary_finalfn(internal)
RETURNS @extschema@.engagement AS 'MODULE_PATHNAME', 'engagement_summary_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.engagement_summary(occurred_at timestamptz, as_of timestamptz) (
    SFUNC = @extschema@.engagement_summary_transfn,
    STYPE = internal,
    FINALFUNC = @extschema@.engagement_summary_finalfn,
    COMBINEFUNC = @extschema@.engagement_summary_combinefn,
    SERIALFUNC = @extschema@.engagement_summary_serialfn,
    DESERIALFUNC = @extschema@.engagement_summary_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.engagement_summary(timestamptz, timestamptz) IS
    'Engagement features (recency, active days, streaks, gaps, decayed activity, trend) of events at or before as_of';

CREATE AGGREGATE @extschema@.engagement_summary(occurred_at timestamptz, as_of timestamptz, amount float8) (
    SFUNC = @extschema@.engagement_summary_transfn,
    STYPE = internal,
    FINALFUNC = @extschema@.engagement_summary_finalfn,
    COMBINEFUNC = @extschema@.engagement_summary_combinefn,
    SERIALFUNC = @extschema@.engagement_summary_serialfn,
    DESERIALFUNC = @extschema@.engagement_summary_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.engagement_summary(timestamptz, timestamptz, float8) IS
    'Engagement features of events at or before as_of, plus amount_total and amount_30 of an amount per event';

CREATE FUNCTION @extschema@.engagement_decay_transfn(float8[], timestamptz, timestamptz, interval)
RETURNS float8[] AS 'MODULE_PATHNAME', 'engagement_decay_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.engagement_decay_transfn(float8[], timestamptz, timestamptz, interval, float8)
RETURNS float8[] AS 'MODULE_PATHNAME', 'engagement_decay_transfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.engagement_decay_combinefn(float8[], float8[])
RETURNS float8[] AS 'MODULE_PATHNAME', 'engagement_decay_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.engagement_decay_finalfn(float8[])
RETURNS float8 AS 'MODULE_PATHNAME', 'engagement_decay_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE @extschema@.engagement_decay(occurred_at timestamptz, as_of timestamptz, half_life interval) (
    SFUNC = @extschema@.engagement_decay_transfn,
    STYPE = float8[],
    INITCOND = '{0,0,0,0,0,0}',
    FINALFUNC = @extschema@.engagement_decay_finalfn,
    COMBINEFUNC = @extschema@.engagement_decay_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.engagement_decay(timestamptz, timestamptz, interval) IS
    'Sum over events at or before as_of of exp(-ln 2 * age / half_life)';

CREATE AGGREGATE @extschema@.engagement_decay(occurred_at timestamptz, as_of timestamptz, half_life interval, amount float8) (
    SFUNC = @extschema@.engagement_decay_transfn,
    STYPE = float8[],
    INITCOND = '{0,0,0,0,0,0}',
    FINALFUNC = @extschema@.engagement_decay_finalfn,
    COMBINEFUNC = @extschema@.engagement_decay_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.engagement_decay(timestamptz, timestamptz, interval, float8) IS
    'Sum over events at or before as_of of amount * exp(-ln 2 * age / half_life)';

-- Cohort retention: which periods after a start held activity (per member),
-- then the share of members retained per period (per cohort).

CREATE FUNCTION @extschema@.engagement_periods_transfn(internal, timestamptz, timestamptz, interval, int, timestamptz)
RETURNS internal AS 'MODULE_PATHNAME', 'engagement_periods_transfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.engagement_periods_combinefn(internal, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'engagement_periods_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.engagement_periods_serialfn(internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'engagement_periods_serialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.engagement_periods_deserialfn(bytea, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'engagement_periods_deserialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.engagement_periods_finalfn(internal)
RETURNS boolean[] AS 'MODULE_PATHNAME', 'engagement_periods_finalfn'
LANGUAGE C STABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.engagement_periods(occurred_at timestamptz, start timestamptz, period interval, n int, as_of timestamptz) (
    SFUNC = @extschema@.engagement_periods_transfn,
    STYPE = internal,
    FINALFUNC = @extschema@.engagement_periods_finalfn,
    COMBINEFUNC = @extschema@.engagement_periods_combinefn,
    SERIALFUNC = @extschema@.engagement_periods_serialfn,
    DESERIALFUNC = @extschema@.engagement_periods_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.engagement_periods(timestamptz, timestamptz, interval, int, timestamptz) IS
    'For periods k = 1..n, [start + (k-1)*period, start + k*period): true if an event at or before as_of fell in it, NULL if not fully elapsed at as_of';

CREATE FUNCTION @extschema@.retention_curve_transfn(float8[], boolean[])
RETURNS float8[] AS 'MODULE_PATHNAME', 'retention_curve_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.retention_curve_transfn(float8[], boolean[], boolean)
RETURNS float8[] AS 'MODULE_PATHNAME', 'retention_curve_unbounded_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE FUNCTION @extschema@.retention_curve_combinefn(float8[], float8[])
RETURNS float8[] AS 'MODULE_PATHNAME', 'retention_curve_combinefn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION @extschema@.retention_curve_finalfn(float8[])
RETURNS float8[] AS 'MODULE_PATHNAME', 'retention_curve_finalfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE AGGREGATE @extschema@.retention_curve(periods boolean[]) (
    SFUNC = @extschema@.retention_curve_transfn,
    STYPE = float8[],
    INITCOND = '{0}',
    FINALFUNC = @extschema@.retention_curve_finalfn,
    COMBINEFUNC = @extschema@.retention_curve_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.retention_curve(boolean[]) IS
    'Share of members active in each period, among members for whom the period has elapsed (non-NULL)';

CREATE AGGREGATE @extschema@.retention_curve(periods boolean[], unbounded boolean) (
    SFUNC = @extschema@.retention_curve_transfn,
    STYPE = float8[],
    INITCOND = '{0}',
    FINALFUNC = @extschema@.retention_curve_finalfn,
    COMBINEFUNC = @extschema@.retention_curve_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.retention_curve(boolean[], boolean) IS
    'Share of members retained in each period; unbounded = true counts activity in that period or any later elapsed one';

CREATE FUNCTION @extschema@.rfm_segment(recency_score int, frequency_score int, monetary_score int)
RETURNS text AS 'MODULE_PATHNAME', 'rfm_segment'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rfm_segment(int, int, int) IS
    'Named RFM segment (Champions ... Lost) of scores 1-5, from recency and the rounded mean of frequency and monetary';

-- ---------------------------------------------------------------------------
-- Incentive rules (issue #6): a small, safe condition language stored
-- compiled, evaluated against member rows or JSON facts, never able to run SQL.
-- ---------------------------------------------------------------------------

CREATE TYPE incentive_condition;

CREATE FUNCTION incentive_condition_in(cstring)
RETURNS incentive_condition
AS 'MODULE_PATHNAME', 'incentive_condition_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION incentive_condition_out(incentive_condition)
RETURNS cstring
AS 'MODULE_PATHNAME', 'incentive_condition_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION incentive_condition_recv(internal)
RETURNS incentive_condition
AS 'MODULE_PATHNAME', 'incentive_condition_recv'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION incentive_condition_send(incentive_condition)
RETURNS bytea
AS 'MODULE_PATHNAME', 'incentive_condition_send'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE incentive_condition (
    INPUT = incentive_condition_in,
    OUTPUT = incentive_condition_out,
    RECEIVE = incentive_condition_recv,
    SEND = incentive_condition_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE incentive_condition IS
'A validated incentive rule condition (SQL-like expression over named features), stored compiled; its text form is canonical and re-parsable.';

COMMENT ON FUNCTION incentive_condition_in(cstring) IS
'Parses and compiles condition text; syntax errors (42601) give the position and what was expected.';
COMMENT ON FUNCTION incentive_condition_out(incentive_condition) IS
'Prints a condition in canonical, re-parsable text.';
COMMENT ON FUNCTION incentive_condition_recv(internal) IS
'Binary input of a condition; every byte is validated (22P03 on malformed input).';
COMMENT ON FUNCTION incentive_condition_send(incentive_condition) IS
'Binary output of a condition (the compiled program).';

CREATE FUNCTION incentive_features(incentive_condition)
RETURNS text[]
AS 'MODULE_PATHNAME', 'incentive_features'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION incentive_features(incentive_condition) IS
'The distinct feature names a condition reads, in order of first appearance.';

-- Deterministic for given arguments: text compares in byte order (no
-- collation), binding depends only on the row type, so IMMUTABLE.
-- COST 20: one call costs about twenty built-in comparisons, which lets the
-- planner order cheaper quals first and parallelise a large rules join as it
-- would the same rules written in SQL.
CREATE FUNCTION incentive_matches(condition incentive_condition, facts record)
RETURNS boolean
AS 'MODULE_PATHNAME', 'incentive_matches_record'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
COST 20;

COMMENT ON FUNCTION incentive_matches(incentive_condition, record) IS
'True when the condition holds for the row (columns matched to features by name); NULL (unknown) does not match.';

CREATE FUNCTION incentive_matches(condition incentive_condition, facts jsonb)
RETURNS boolean
AS 'MODULE_PATHNAME', 'incentive_matches_jsonb'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
COST 20;

COMMENT ON FUNCTION incentive_matches(incentive_condition, jsonb) IS
'True when the condition holds for a JSON object of facts (keys matched to features by name, a missing key is NULL); NULL does not match.';

-- STABLE: the answer depends on the current definition of the row type.
CREATE FUNCTION incentive_validate(condition incentive_condition, facts anyelement)
RETURNS boolean
AS 'MODULE_PATHNAME', 'incentive_validate'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION incentive_validate(incentive_condition, anyelement) IS
'Binds a condition to the row type of facts (a typed NULL such as NULL::member_scores is enough) and returns true, or raises the error incentive_matches would raise (42703, 42804); for CHECK constraints.';

-- Equality of conditions (the compiled form is canonical: equal programs have
-- equal bytes), with a hash opclass so DISTINCT, GROUP BY and UNION work.
CREATE FUNCTION incentive_condition_eq(incentive_condition, incentive_condition)
RETURNS boolean
AS 'MODULE_PATHNAME', 'incentive_condition_eq'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION incentive_condition_eq(incentive_condition, incentive_condition) IS
'True when two conditions compile to the same program (the = operator).';

CREATE FUNCTION incentive_condition_ne(incentive_condition, incentive_condition)
RETURNS boolean
AS 'MODULE_PATHNAME', 'incentive_condition_ne'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION incentive_condition_ne(incentive_condition, incentive_condition) IS
'True when two conditions compile to different programs (the <> operator).';

CREATE FUNCTION incentive_condition_hash(incentive_condition)
RETURNS int4
AS 'MODULE_PATHNAME', 'incentive_condition_hash'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION incentive_condition_hash(incentive_condition) IS
'Hash of a condition''s compiled program, for hash joins and hash aggregation.';

CREATE OPERATOR = (
    LEFTARG = incentive_condition, RIGHTARG = incentive_condition,
    FUNCTION = incentive_condition_eq,
    COMMUTATOR = =, NEGATOR = <>,
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES
);

CREATE OPERATOR <> (
    LEFTARG = incentive_condition, RIGHTARG = incentive_condition,
    FUNCTION = incentive_condition_ne,
    COMMUTATOR = <>, NEGATOR = =,
    RESTRICT = neqsel, JOIN = neqjoinsel
);

CREATE OPERATOR CLASS incentive_condition_hash_ops
DEFAULT FOR TYPE incentive_condition USING hash AS
    OPERATOR 1 =,
    FUNCTION 1 incentive_condition_hash(incentive_condition);
