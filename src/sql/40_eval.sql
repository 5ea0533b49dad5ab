
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
