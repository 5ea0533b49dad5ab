
-- ---------------------------------------------------------------------------
-- Experiments on incentives (new in 1.1): randomised assignment, the effect
-- on retention (with CUPED), planning, uplift targeting and its evaluation,
-- and the demo community's coupon experiment.
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.incentive_assign(member_id bigint, experiment text, weights float8[])
    RETURNS int AS 'MODULE_PATHNAME', 'incentive_assign_int8'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.incentive_assign(member_id text, experiment text, weights float8[])
    RETURNS int AS 'MODULE_PATHNAME', 'incentive_assign_text'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.incentive_assign(bigint, text, float8[]) IS
'The arm (1-based) of a member in a named experiment with the given weights: a hash of the experiment name and the key, the same on every machine and release';
COMMENT ON FUNCTION @extschema@.incentive_assign(text, text, float8[]) IS
'The arm (1-based) of a member (text key, hashed as UTF-8) in a named experiment with the given weights';

CREATE TYPE @extschema@.incentive_ab_result AS (
    n_control bigint,
    n_treated bigint,
    retained_control bigint,
    retained_treated bigint,
    rate_control float8,
    rate_treated float8,
    difference float8,
    wald_lower float8,
    wald_upper float8,
    newcombe_lower float8,
    newcombe_upper float8,
    relative_lift float8,
    lift_lower float8,
    lift_upper float8,
    z float8,
    p_value float8,
    cuped_theta float8,
    cuped_difference float8,
    cuped_lower float8,
    cuped_upper float8,
    variance_reduction float8,
    confidence float8,
    n_skipped bigint
);
COMMENT ON TYPE @extschema@.incentive_ab_result IS
'The result of incentive_ab and incentive_ab_cuped: counts, rates, the difference with Wald and Newcombe intervals, the relative lift with a log-ratio interval, the pooled z test, and the CUPED estimate';

CREATE FUNCTION @extschema@.incentive_ab_transfn(float8[], boolean, boolean)
    RETURNS float8[] AS 'MODULE_PATHNAME', 'incentive_ab_transfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.incentive_ab_transfn(float8[], boolean, boolean, float8)
    RETURNS float8[] AS 'MODULE_PATHNAME', 'incentive_ab_transfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.incentive_ab_cuped_transfn(float8[], boolean, boolean, float8)
    RETURNS float8[] AS 'MODULE_PATHNAME', 'incentive_ab_cuped_transfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.incentive_ab_cuped_transfn(float8[], boolean, boolean, float8, float8)
    RETURNS float8[] AS 'MODULE_PATHNAME', 'incentive_ab_cuped_transfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.incentive_ab_combinefn(float8[], float8[])
    RETURNS float8[] AS 'MODULE_PATHNAME', 'incentive_ab_combinefn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.incentive_ab_finalfn(float8[])
    RETURNS @extschema@.incentive_ab_result AS 'MODULE_PATHNAME', 'incentive_ab_finalfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.incentive_ab_cuped_finalfn(float8[])
    RETURNS @extschema@.incentive_ab_result AS 'MODULE_PATHNAME', 'incentive_ab_cuped_finalfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.incentive_ab(treated boolean, retained boolean) (
    SFUNC = @extschema@.incentive_ab_transfn,
    STYPE = float8[],
    INITCOND = '{0,0,0,0,0,0,0,0,0,0,0,0,0,0}',
    FINALFUNC = @extschema@.incentive_ab_finalfn,
    COMBINEFUNC = @extschema@.incentive_ab_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.incentive_ab(boolean, boolean) IS
'The effect of a treatment on retention at 95 % confidence: rates, difference (Wald, Newcombe), relative lift, z test';
CREATE AGGREGATE @extschema@.incentive_ab(treated boolean, retained boolean, confidence float8) (
    SFUNC = @extschema@.incentive_ab_transfn,
    STYPE = float8[],
    INITCOND = '{0,0,0,0,0,0,0,0,0,0,0,0,0,0}',
    FINALFUNC = @extschema@.incentive_ab_finalfn,
    COMBINEFUNC = @extschema@.incentive_ab_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.incentive_ab(boolean, boolean, float8) IS
'The effect of a treatment on retention at a chosen confidence level';
CREATE AGGREGATE @extschema@.incentive_ab_cuped(treated boolean, retained boolean, covariate float8) (
    SFUNC = @extschema@.incentive_ab_cuped_transfn,
    STYPE = float8[],
    INITCOND = '{0,0,0,0,0,0,0,0,0,0,0,0,0,0}',
    FINALFUNC = @extschema@.incentive_ab_cuped_finalfn,
    COMBINEFUNC = @extschema@.incentive_ab_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.incentive_ab_cuped(boolean, boolean, float8) IS
'incentive_ab plus the CUPED estimate, variance reduced with a pre-experiment covariate, at 95 % confidence';
CREATE AGGREGATE @extschema@.incentive_ab_cuped(treated boolean, retained boolean, covariate float8, confidence float8) (
    SFUNC = @extschema@.incentive_ab_cuped_transfn,
    STYPE = float8[],
    INITCOND = '{0,0,0,0,0,0,0,0,0,0,0,0,0,0}',
    FINALFUNC = @extschema@.incentive_ab_cuped_finalfn,
    COMBINEFUNC = @extschema@.incentive_ab_combinefn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.incentive_ab_cuped(boolean, boolean, float8, float8) IS
'incentive_ab plus the CUPED estimate at a chosen confidence level';

CREATE FUNCTION @extschema@.incentive_sample_size(base_rate float8, mde float8,
                                                 alpha float8 DEFAULT 0.05, power float8 DEFAULT 0.8)
    RETURNS bigint AS 'MODULE_PATHNAME', 'incentive_sample_size'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.incentive_sample_size(float8, float8, float8, float8) IS
'Members per arm to detect a change of mde from base_rate with a two-sided test (statsmodels NormalIndPower with proportion_effectsize), rounded up';
CREATE FUNCTION @extschema@.incentive_power(base_rate float8, mde float8, n_per_arm float8,
                                           alpha float8 DEFAULT 0.05)
    RETURNS float8 AS 'MODULE_PATHNAME', 'incentive_power'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.incentive_power(float8, float8, float8, float8) IS
'The power of a two-sided test with n_per_arm members per arm to detect a change of mde from base_rate';

-- Uplift: the two-model (T-learner) estimate.
CREATE FUNCTION @extschema@.retention_uplift(model_treated @extschema@.retention_model,
                                            model_control @extschema@.retention_model, features float8[])
    RETURNS float8 AS 'MODULE_PATHNAME', 'retention_uplift_array'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_uplift(model_treated @extschema@.retention_model,
                                            model_control @extschema@.retention_model, features record)
    RETURNS float8 AS 'MODULE_PATHNAME', 'retention_uplift_record'
    LANGUAGE C STABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.retention_uplift(model_treated @extschema@.retention_model,
                                            model_control @extschema@.retention_model, features jsonb)
    RETURNS float8 AS 'MODULE_PATHNAME', 'retention_uplift_jsonb'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_uplift(@extschema@.retention_model, @extschema@.retention_model, float8[]) IS
'Predicted uplift of a treatment: the treated model''s score minus the control model''s score (two-model estimate)';
COMMENT ON FUNCTION @extschema@.retention_uplift(@extschema@.retention_model, @extschema@.retention_model, record) IS
'Predicted uplift of a treatment for a row of features looked up by name';
COMMENT ON FUNCTION @extschema@.retention_uplift(@extschema@.retention_model, @extschema@.retention_model, jsonb) IS
'Predicted uplift of a treatment for a JSON object of features';

CREATE TYPE @extschema@.incentive_uplift_point AS (
    n_targeted bigint,
    fraction float8,
    qini float8,
    uplift float8
);
COMMENT ON TYPE @extschema@.incentive_uplift_point IS
'A point of the Qini and uplift curves: the members with the highest predicted uplift taken so far, and the two curves there';
CREATE TYPE @extschema@.incentive_uplift_result AS (
    n bigint,
    n_treated bigint,
    n_skipped bigint,
    qini_coefficient float8,
    uplift_auc float8,
    k float8,
    uplift_at_k float8,
    curve @extschema@.incentive_uplift_point[]
);
COMMENT ON TYPE @extschema@.incentive_uplift_result IS
'The result of incentive_uplift_eval: Qini coefficient, normalised area under the uplift curve, uplift at the top k, and up to 101 curve points';

CREATE FUNCTION @extschema@.incentive_uplift_transfn(internal, float8, boolean, boolean)
    RETURNS internal AS 'MODULE_PATHNAME', 'incentive_uplift_transfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.incentive_uplift_transfn(internal, float8, boolean, boolean, float8)
    RETURNS internal AS 'MODULE_PATHNAME', 'incentive_uplift_transfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.incentive_uplift_combinefn(internal, internal)
    RETURNS internal AS 'MODULE_PATHNAME', 'incentive_uplift_combinefn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.incentive_uplift_serialfn(internal)
    RETURNS bytea AS 'MODULE_PATHNAME', 'incentive_uplift_serialfn'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.incentive_uplift_deserialfn(bytea, internal)
    RETURNS internal AS 'MODULE_PATHNAME', 'incentive_uplift_deserialfn'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.incentive_uplift_finalfn(internal)
    RETURNS @extschema@.incentive_uplift_result AS 'MODULE_PATHNAME', 'incentive_uplift_finalfn'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE @extschema@.incentive_uplift_eval(uplift float8, treated boolean, retained boolean) (
    SFUNC = @extschema@.incentive_uplift_transfn,
    STYPE = internal,
    FINALFUNC = @extschema@.incentive_uplift_finalfn,
    COMBINEFUNC = @extschema@.incentive_uplift_combinefn,
    SERIALFUNC = @extschema@.incentive_uplift_serialfn,
    DESERIALFUNC = @extschema@.incentive_uplift_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.incentive_uplift_eval(float8, boolean, boolean) IS
'Qini coefficient, uplift AUC and uplift at the top 30 % of predicted uplifts on experiment rows (scikit-uplift definitions), with the curves';
CREATE AGGREGATE @extschema@.incentive_uplift_eval(uplift float8, treated boolean, retained boolean, k float8) (
    SFUNC = @extschema@.incentive_uplift_transfn,
    STYPE = internal,
    FINALFUNC = @extschema@.incentive_uplift_finalfn,
    COMBINEFUNC = @extschema@.incentive_uplift_combinefn,
    SERIALFUNC = @extschema@.incentive_uplift_serialfn,
    DESERIALFUNC = @extschema@.incentive_uplift_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.incentive_uplift_eval(float8, boolean, boolean, float8) IS
'Qini coefficient, uplift AUC and uplift at the top k of predicted uplifts on experiment rows, with the curves';

CREATE FUNCTION @extschema@.retention_demo_experiment(n_members int, seed int DEFAULT 42)
RETURNS TABLE (member_id bigint, treated boolean, renewed boolean,
               renewed_if_treated boolean, renewed_if_control boolean, true_uplift float8)
AS 'MODULE_PATHNAME', 'retention_demo_experiment'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE ROWS 1000;
COMMENT ON FUNCTION @extschema@.retention_demo_experiment(int, int) IS
'The demo community''s coupon experiment: arm, observed renewal, both potential outcomes and the true uplift of members 1..n_members';
