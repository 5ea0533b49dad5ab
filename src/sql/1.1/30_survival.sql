
-- ---------------------------------------------------------------------------
-- Survival (issue #14, part 1): how long members stay.  Kaplan-Meier curves,
-- quantiles, restricted mean survival time, the log-rank test, and spells.
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.retention_km_point AS (
    "time" float8,
    at_risk bigint,
    churned bigint,
    censored bigint,
    survival float8,
    std_err float8,
    lower float8,
    upper float8
);

COMMENT ON TYPE @extschema@.retention_km_point IS
'One distinct time of a Kaplan-Meier curve: members at risk just before it, churned and censored at it, survival after it, its Greenwood standard error and log(-log) confidence interval.';

CREATE TYPE @extschema@.retention_logrank_result AS (
    chi_square float8,
    df int,
    p_value float8,
    skipped bigint
);

COMMENT ON TYPE @extschema@.retention_logrank_result IS
'Log-rank test result: chi-square statistic, degrees of freedom (groups - 1), p-value, and rows skipped for a NULL argument.';

CREATE FUNCTION @extschema@.retention_km_transfn(internal, float8, boolean)
RETURNS internal AS 'MODULE_PATHNAME', 'retention_km_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.retention_km_transfn(internal, float8, boolean) IS
'Transition function of retention_km.';

CREATE FUNCTION @extschema@.retention_km_transfn(internal, float8, boolean, float8)
RETURNS internal AS 'MODULE_PATHNAME', 'retention_km_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.retention_km_transfn(internal, float8, boolean, float8) IS
'Transition function of retention_km with a confidence level.';

CREATE FUNCTION @extschema@.retention_logrank_transfn(internal, float8, boolean, text)
RETURNS internal AS 'MODULE_PATHNAME', 'retention_logrank_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.retention_logrank_transfn(internal, float8, boolean, text) IS
'Transition function of retention_logrank.';

CREATE FUNCTION @extschema@.retention_logrank_transfn(internal, float8, boolean, text, text)
RETURNS internal AS 'MODULE_PATHNAME', 'retention_logrank_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.retention_logrank_transfn(internal, float8, boolean, text, text) IS
'Transition function of retention_logrank with a weighting.';

CREATE FUNCTION @extschema@.retention_logrank_transfn(internal, float8, boolean, text, text, float8)
RETURNS internal AS 'MODULE_PATHNAME', 'retention_logrank_trans'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.retention_logrank_transfn(internal, float8, boolean, text, text, float8) IS
'Transition function of retention_logrank with a weighting and its exponent.';

CREATE FUNCTION @extschema@.retention_surv_combinefn(internal, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'retention_surv_combine'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.retention_surv_combinefn(internal, internal) IS
'Combine function of retention_km and retention_logrank.';

CREATE FUNCTION @extschema@.retention_surv_serialfn(internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'retention_surv_serial'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.retention_surv_serialfn(internal) IS
'Serial function of retention_km and retention_logrank.';

CREATE FUNCTION @extschema@.retention_surv_deserialfn(bytea, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'retention_surv_deserial'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.retention_surv_deserialfn(bytea, internal) IS
'Deserial function of retention_km and retention_logrank.';

CREATE FUNCTION @extschema@.retention_km_finalfn(internal)
RETURNS @extschema@.retention_km_point[] AS 'MODULE_PATHNAME', 'retention_km_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.retention_km_finalfn(internal) IS
'Final function of retention_km.';

CREATE FUNCTION @extschema@.retention_logrank_finalfn(internal)
RETURNS @extschema@.retention_logrank_result AS 'MODULE_PATHNAME', 'retention_logrank_final'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.retention_logrank_finalfn(internal) IS
'Final function of retention_logrank.';

CREATE AGGREGATE @extschema@.retention_km(duration float8, churned boolean) (
    SFUNC = @extschema@.retention_km_transfn,
    STYPE = internal,
    FINALFUNC = @extschema@.retention_km_finalfn,
    COMBINEFUNC = @extschema@.retention_surv_combinefn,
    SERIALFUNC = @extschema@.retention_surv_serialfn,
    DESERIALFUNC = @extschema@.retention_surv_deserialfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE @extschema@.retention_km(float8, boolean) IS
'Kaplan-Meier curve of (duration, churned) rows (churned false: still a member, censored), one point per distinct time, with a 95% log(-log) confidence interval.';

CREATE AGGREGATE @extschema@.retention_km(duration float8, churned boolean, confidence float8) (
    SFUNC = @extschema@.retention_km_transfn,
    STYPE = internal,
    FINALFUNC = @extschema@.retention_km_finalfn,
    COMBINEFUNC = @extschema@.retention_surv_combinefn,
    SERIALFUNC = @extschema@.retention_surv_serialfn,
    DESERIALFUNC = @extschema@.retention_surv_deserialfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE @extschema@.retention_km(float8, boolean, float8) IS
'Kaplan-Meier curve of (duration, churned) rows with a log(-log) confidence interval at the given level.';

CREATE AGGREGATE @extschema@.retention_logrank(duration float8, churned boolean, grp text) (
    SFUNC = @extschema@.retention_logrank_transfn,
    STYPE = internal,
    FINALFUNC = @extschema@.retention_logrank_finalfn,
    COMBINEFUNC = @extschema@.retention_surv_combinefn,
    SERIALFUNC = @extschema@.retention_surv_serialfn,
    DESERIALFUNC = @extschema@.retention_surv_deserialfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE @extschema@.retention_logrank(float8, boolean, text) IS
'Log-rank test that the survival of two or more groups is the same: chi-square, degrees of freedom, p-value.';

CREATE AGGREGATE @extschema@.retention_logrank(duration float8, churned boolean, grp text, weighting text) (
    SFUNC = @extschema@.retention_logrank_transfn,
    STYPE = internal,
    FINALFUNC = @extschema@.retention_logrank_finalfn,
    COMBINEFUNC = @extschema@.retention_surv_combinefn,
    SERIALFUNC = @extschema@.retention_surv_serialfn,
    DESERIALFUNC = @extschema@.retention_surv_deserialfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE @extschema@.retention_logrank(float8, boolean, text, text) IS
'Weighted log-rank test: weighting logrank, gehan-breslow (weights n at risk) or tarone-ware (sqrt n), as statsmodels survdiff weight_type None, gb, tw.';

CREATE AGGREGATE @extschema@.retention_logrank(duration float8, churned boolean, grp text, weighting text, p float8) (
    SFUNC = @extschema@.retention_logrank_transfn,
    STYPE = internal,
    FINALFUNC = @extschema@.retention_logrank_finalfn,
    COMBINEFUNC = @extschema@.retention_surv_combinefn,
    SERIALFUNC = @extschema@.retention_surv_serialfn,
    DESERIALFUNC = @extschema@.retention_surv_deserialfn,
    PARALLEL = SAFE
);

COMMENT ON AGGREGATE @extschema@.retention_logrank(float8, boolean, text, text, float8) IS
'Fleming-Harrington weighted log-rank test (weighting fleming-harrington: weights S(t-)^p, the pooled survival just before t), as statsmodels survdiff weight_type fh with fh_p = p.';

CREATE FUNCTION @extschema@.retention_km_quantile(curve @extschema@.retention_km_point[],
    p float8 DEFAULT 0.5, confidence float8 DEFAULT 0.95,
    OUT quantile float8, OUT lower float8, OUT upper float8)
RETURNS record AS 'MODULE_PATHNAME', 'retention_km_quantile'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.retention_km_quantile(@extschema@.retention_km_point[], float8, float8) IS
'The time by which a share p of members have churned (p = 0.5: median survival), with its confidence interval, as statsmodels SurvfuncRight.quantile and quantile_ci (log(-log) transform).';

CREATE FUNCTION @extschema@.retention_km_rmst(curve @extschema@.retention_km_point[], tau float8,
    OUT rmst float8, OUT std_err float8)
RETURNS record AS 'MODULE_PATHNAME', 'retention_km_rmst'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.retention_km_rmst(@extschema@.retention_km_point[], float8) IS
'Restricted mean survival time: the area under the Kaplan-Meier curve from 0 to tau (expected time as a member within the first tau), with its Greenwood-type standard error.';

CREATE FUNCTION @extschema@.retention_spell(started_at timestamptz, ended_at timestamptz,
    as_of timestamptz, unit text DEFAULT 'days',
    OUT duration float8, OUT churned boolean)
RETURNS record AS 'MODULE_PATHNAME', 'retention_spell'
LANGUAGE C IMMUTABLE PARALLEL SAFE;

COMMENT ON FUNCTION @extschema@.retention_spell(timestamptz, timestamptz, timestamptz, text) IS
'A membership spell as of a date: duration in days, weeks or months (30 days) and whether it ended (churned) by as_of; censored at as_of when it had not; NULL when it starts after as_of.';

CREATE FUNCTION @extschema@.retention_demo_spells(n_members int, seed int DEFAULT 42)
RETURNS TABLE (member_id bigint, plan text, started_at timestamptz, ended_at timestamptz)
AS 'MODULE_PATHNAME', 'retention_demo_spells'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
ROWS 1200;

COMMENT ON FUNCTION @extschema@.retention_demo_spells(int, int) IS
'Membership spells of demo members 1..n_members: the current one (from joined_at; it ends at retention_demo_reference_date() when the member did not renew, else ended_at is NULL) and, for some members, an earlier one that ended before they came back.';