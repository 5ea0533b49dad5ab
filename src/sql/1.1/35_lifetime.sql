
-- ---------------------------------------------------------------------------
-- Buyers without subscriptions (issue 14, part 2): the per-member purchase
-- summary, the BG/NBD model of repeat buying (Fader, Hardie and Lee 2005),
-- the Gamma-Gamma spend model (Fader and Hardie 2013) and lifetime value.
-- Models are composite values: float8 and bigint fields a BI tool reads
-- directly and pg_dump restores as they are.
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.lifetime_summary AS (
    frequency      int,
    recency        float8,
    T            float8,
    monetary_value float8
);
COMMENT ON TYPE @extschema@.lifetime_summary IS
    'Purchase history of a member as of a cut-off: repeat purchase days, first to last purchase, first purchase to the cut-off, mean repeat spend';

CREATE FUNCTION @extschema@.lifetime_summary_transfn(internal, timestamptz, timestamptz, float8)
RETURNS internal AS 'MODULE_PATHNAME', 'lifetime_summary_transfn'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lifetime_summary_transfn(internal, timestamptz, timestamptz, float8) IS
    'Transition function of lifetime_summary';

CREATE FUNCTION @extschema@.lifetime_summary_transfn(internal, timestamptz, timestamptz, float8, interval)
RETURNS internal AS 'MODULE_PATHNAME', 'lifetime_summary_transfn'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lifetime_summary_transfn(internal, timestamptz, timestamptz, float8, interval) IS
    'Transition function of lifetime_summary with a time unit';

CREATE FUNCTION @extschema@.lifetime_summary_combinefn(internal, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'lifetime_summary_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lifetime_summary_combinefn(internal, internal) IS
    'Combine function of lifetime_summary';

CREATE FUNCTION @extschema@.lifetime_summary_serialfn(internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'lifetime_summary_serialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lifetime_summary_serialfn(internal) IS
    'Serialisation function of lifetime_summary';

CREATE FUNCTION @extschema@.lifetime_summary_deserialfn(bytea, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'lifetime_summary_deserialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lifetime_summary_deserialfn(bytea, internal) IS
    'Deserialisation function of lifetime_summary';

CREATE FUNCTION @extschema@.lifetime_summary_finalfn(internal)
RETURNS @extschema@.lifetime_summary AS 'MODULE_PATHNAME', 'lifetime_summary_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lifetime_summary_finalfn(internal) IS
    'Final function of lifetime_summary';

-- SSPACE: the state's typical size (sums and a few purchase days), for the
-- planner's hash aggregate over customers (see src/sql/50_engagement.sql).
CREATE AGGREGATE @extschema@.lifetime_summary(occurred_at timestamptz, as_of timestamptz, amount float8) (
    SFUNC = @extschema@.lifetime_summary_transfn,
    STYPE = internal,
    SSPACE = 256,
    FINALFUNC = @extschema@.lifetime_summary_finalfn,
    COMBINEFUNC = @extschema@.lifetime_summary_combinefn,
    SERIALFUNC = @extschema@.lifetime_summary_serialfn,
    DESERIALFUNC = @extschema@.lifetime_summary_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.lifetime_summary(timestamptz, timestamptz, float8) IS
    'Frequency, recency, T (in days) and mean repeat spend of purchases at or before as_of, as lifetimes'' summary_data_from_transaction_data';

CREATE AGGREGATE @extschema@.lifetime_summary(occurred_at timestamptz, as_of timestamptz, amount float8, unit interval) (
    SFUNC = @extschema@.lifetime_summary_transfn,
    STYPE = internal,
    SSPACE = 256,
    FINALFUNC = @extschema@.lifetime_summary_finalfn,
    COMBINEFUNC = @extschema@.lifetime_summary_combinefn,
    SERIALFUNC = @extschema@.lifetime_summary_serialfn,
    DESERIALFUNC = @extschema@.lifetime_summary_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.lifetime_summary(timestamptz, timestamptz, float8, interval) IS
    'Frequency, recency, T (in units of unit, e.g. ''7 days'') and mean repeat spend of purchases at or before as_of';

CREATE TYPE @extschema@.bgnbd_model AS (
    r              float8,
    alpha          float8,
    a              float8,
    b              float8,
    log_likelihood float8,
    se_r           float8,
    se_alpha       float8,
    se_a           float8,
    se_b           float8,
    n              bigint,
    n_skipped      bigint
);
COMMENT ON TYPE @extschema@.bgnbd_model IS
    'A fitted BG/NBD model: the estimates, the log-likelihood, standard errors, members used and rows skipped';

CREATE TYPE @extschema@.gammagamma_model AS (
    p              float8,
    q              float8,
    gamma          float8,
    log_likelihood float8,
    se_p           float8,
    se_q           float8,
    se_gamma       float8,
    n              bigint,
    n_skipped      bigint
);
COMMENT ON TYPE @extschema@.gammagamma_model IS
    'A fitted Gamma-Gamma spend model: the estimates, the log-likelihood, standard errors, members used and rows skipped';

CREATE FUNCTION @extschema@.bgnbd_fit_transfn(internal, float8, float8, float8)
RETURNS internal AS 'MODULE_PATHNAME', 'bgnbd_fit_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bgnbd_fit_transfn(internal, float8, float8, float8) IS
    'Transition function of bgnbd_fit';

CREATE FUNCTION @extschema@.gammagamma_fit_transfn(internal, float8, float8)
RETURNS internal AS 'MODULE_PATHNAME', 'gammagamma_fit_transfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gammagamma_fit_transfn(internal, float8, float8) IS
    'Transition function of gammagamma_fit';

CREATE FUNCTION @extschema@.lifetime_fit_combinefn(internal, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'lifetime_fit_combinefn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lifetime_fit_combinefn(internal, internal) IS
    'Combine function of bgnbd_fit and gammagamma_fit';

CREATE FUNCTION @extschema@.lifetime_fit_serialfn(internal)
RETURNS bytea AS 'MODULE_PATHNAME', 'lifetime_fit_serialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lifetime_fit_serialfn(internal) IS
    'Serialisation function of bgnbd_fit and gammagamma_fit';

CREATE FUNCTION @extschema@.lifetime_fit_deserialfn(bytea, internal)
RETURNS internal AS 'MODULE_PATHNAME', 'lifetime_fit_deserialfn'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lifetime_fit_deserialfn(bytea, internal) IS
    'Deserialisation function of bgnbd_fit and gammagamma_fit';

CREATE FUNCTION @extschema@.bgnbd_fit_finalfn(internal)
RETURNS @extschema@.bgnbd_model AS 'MODULE_PATHNAME', 'bgnbd_fit_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bgnbd_fit_finalfn(internal) IS
    'Final function of bgnbd_fit: the maximum likelihood fit';

CREATE FUNCTION @extschema@.gammagamma_fit_finalfn(internal)
RETURNS @extschema@.gammagamma_model AS 'MODULE_PATHNAME', 'gammagamma_fit_finalfn'
LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gammagamma_fit_finalfn(internal) IS
    'Final function of gammagamma_fit: the maximum likelihood fit';

CREATE AGGREGATE @extschema@.bgnbd_fit(frequency float8, recency float8, T float8) (
    SFUNC = @extschema@.bgnbd_fit_transfn,
    STYPE = internal,
    FINALFUNC = @extschema@.bgnbd_fit_finalfn,
    COMBINEFUNC = @extschema@.lifetime_fit_combinefn,
    SERIALFUNC = @extschema@.lifetime_fit_serialfn,
    DESERIALFUNC = @extschema@.lifetime_fit_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.bgnbd_fit(float8, float8, float8) IS
    'Maximum likelihood BG/NBD model (Fader, Hardie and Lee 2005) of (frequency, recency, T) rows; rows with a NULL are skipped';

CREATE AGGREGATE @extschema@.gammagamma_fit(frequency float8, monetary_value float8) (
    SFUNC = @extschema@.gammagamma_fit_transfn,
    STYPE = internal,
    FINALFUNC = @extschema@.gammagamma_fit_finalfn,
    COMBINEFUNC = @extschema@.lifetime_fit_combinefn,
    SERIALFUNC = @extschema@.lifetime_fit_serialfn,
    DESERIALFUNC = @extschema@.lifetime_fit_deserialfn,
    PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.gammagamma_fit(float8, float8) IS
    'Maximum likelihood Gamma-Gamma spend model (Fader and Hardie 2013) of repeat buyers; rows with a NULL or frequency 0 are skipped';

CREATE FUNCTION @extschema@.bgnbd_p_alive(model @extschema@.bgnbd_model, frequency float8, recency float8, T float8)
RETURNS float8 AS 'MODULE_PATHNAME', 'bgnbd_p_alive'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bgnbd_p_alive(@extschema@.bgnbd_model, float8, float8, float8) IS
    'BG/NBD probability that a member with this history is still a buyer';

CREATE FUNCTION @extschema@.bgnbd_expected_purchases(model @extschema@.bgnbd_model, horizon float8, frequency float8, recency float8, T float8)
RETURNS float8 AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bgnbd_expected_purchases(@extschema@.bgnbd_model, float8, float8, float8, float8) IS
    'BG/NBD expected number of purchases in the next horizon time units of a member with this history (FHL eq. 10)';

CREATE FUNCTION @extschema@.bgnbd_expected_purchases(model @extschema@.bgnbd_model, horizon float8)
RETURNS float8 AS 'MODULE_PATHNAME', 'bgnbd_expected_purchases'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.bgnbd_expected_purchases(@extschema@.bgnbd_model, float8) IS
    'BG/NBD expected number of purchases of a new member in its first horizon time units (FHL eq. 9)';

CREATE FUNCTION @extschema@.gammagamma_expected_spend(model @extschema@.gammagamma_model, frequency float8, monetary_value float8)
RETURNS float8 AS 'MODULE_PATHNAME', 'gammagamma_expected_spend'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.gammagamma_expected_spend(@extschema@.gammagamma_model, float8, float8) IS
    'Gamma-Gamma expected spend per purchase of a member with this history';

CREATE FUNCTION @extschema@.lifetime_value(
    bgnbd @extschema@.bgnbd_model, gammagamma @extschema@.gammagamma_model,
    frequency float8, recency float8, T float8, monetary_value float8,
    periods int DEFAULT 12, discount_rate float8 DEFAULT 0.01, period_length float8 DEFAULT 30)
RETURNS float8 AS 'MODULE_PATHNAME', 'lifetime_value'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.lifetime_value(@extschema@.bgnbd_model, @extschema@.gammagamma_model, float8, float8, float8, float8, int, float8, float8) IS
    'Discounted expected spend over periods of period_length time units (lifetimes'' customer_lifetime_value convention)';
