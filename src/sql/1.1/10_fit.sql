
-- ---------------------------------------------------------------------------
-- Models of any size (issue #12): the Newton step aggregate with a fixed-size
-- float8[] state, and retention_fit, which runs it once per Newton iteration.
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.retention_newton_step_transfn(float8[], float8[], boolean, float8, float8[])
    RETURNS float8[] AS 'MODULE_PATHNAME', 'retention_newton_step_trans'
    LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_newton_step_transfn(float8[], float8[], boolean, float8, float8[]) IS
    'Transition function of retention_newton_step: adds one row to the Newton sums';
CREATE FUNCTION @extschema@.retention_newton_step_combinefn(float8[], float8[])
    RETURNS float8[] AS 'MODULE_PATHNAME', 'retention_newton_step_combine'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_newton_step_combinefn(float8[], float8[]) IS
    'Combine function of retention_newton_step: element-wise sum of two partial states';

CREATE FUNCTION @extschema@.retention_newton_step_finalfn(float8[])
    RETURNS float8[] AS 'MODULE_PATHNAME', 'retention_newton_step_final'
    LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_newton_step_finalfn(float8[]) IS
    'Final function of retention_newton_step: adds the Hessian terms of the rows still queued';

CREATE AGGREGATE @extschema@.retention_newton_step(features float8[], retained boolean, weight float8, point float8[]) (
    SFUNC = @extschema@.retention_newton_step_transfn, STYPE = float8[],
    COMBINEFUNC = @extschema@.retention_newton_step_combinefn,
    FINALFUNC = @extschema@.retention_newton_step_finalfn,
    PARALLEL = SAFE);
COMMENT ON AGGREGATE @extschema@.retention_newton_step(float8[], boolean, float8, float8[]) IS
    'Sums of one Newton pass of retention_fit at point (counts, log-likelihood, gradient, Hessian); fixed-size float8[] state';

CREATE FUNCTION @extschema@.retention_fit(query text, options jsonb DEFAULT '{}')
    RETURNS @extschema@.retention_model AS 'MODULE_PATHNAME', 'retention_fit'
    LANGUAGE C VOLATILE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.retention_fit(text, jsonb) IS
    'Fit a logistic retention model on the rows (features float8[], retained boolean [, weight float8]) of a SELECT, one aggregate pass per Newton step, in bounded memory';
