
-- Score drift against a baseline (issue 12): the model's training score
-- distribution as 21 numbers, so that the drift aggregate need not carry the
-- whole model with every row (Citus packs each row's arguments into a ROW()
-- for worker_partial_agg).  retention_baseline_drift shares the state,
-- combine and final functions of retention_score_drift(model, score), so the
-- two agree exactly.  (A retention_score_drift(float8[], float8) overload
-- would make retention_score_drift(NULL, ...) and model literals ambiguous.)

CREATE FUNCTION @extschema@.retention_score_baseline(model @extschema@.retention_model)
    RETURNS float8[] AS 'MODULE_PATHNAME', 'retention_score_baseline'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_score_baseline(@extschema@.retention_model) IS
    'The model''s training score distribution for retention_baseline_drift: 11 decile edges, then the 10 training shares';

CREATE FUNCTION @extschema@.retention_baseline_drift_transfn(float8[], float8[], float8)
    RETURNS float8[] AS 'MODULE_PATHNAME', 'retention_baseline_drift_trans'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_baseline_drift_transfn(float8[], float8[], float8) IS
    'Transition function of retention_baseline_drift(float8[], float8)';

CREATE AGGREGATE @extschema@.retention_baseline_drift(baseline float8[], score float8) (
    SFUNC = @extschema@.retention_baseline_drift_transfn, STYPE = float8[],
    FINALFUNC = @extschema@.retention_score_drift_finalfn,
    COMBINEFUNC = @extschema@.retention_score_drift_combinefn,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.retention_baseline_drift(float8[], float8) IS
    'Population stability index of these scores against a baseline from retention_score_baseline(model); equal to retention_score_drift(model, score)';
