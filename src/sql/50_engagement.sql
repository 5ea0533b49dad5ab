
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

-- SSPACE: the state's typical size (about 100 bytes of sums and a bitmap of
-- the active span), so that the planner sizes a hash aggregate over members
-- by it instead of 8 kB a group, its guess for an internal state (since 1.1;
-- the update recreates the 1.0 aggregates with it).
CREATE AGGREGATE @extschema@.engagement_summary(occurred_at timestamptz, as_of timestamptz) (
    SFUNC = @extschema@.engagement_summary_transfn,
    STYPE = internal,
    SSPACE = 384,
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
    SSPACE = 384,
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
    SSPACE = 256,
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
