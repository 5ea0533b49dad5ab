
-- The per-member engagement aggregates declare the typical size of their
-- internal state from 1.1 on (see src/sql/50_engagement.sql): without it the
-- planner counts 8 kB a group and a GROUP BY over many members spills to
-- disk, or sorts, where the hash table would fit.  CREATE OR REPLACE keeps
-- each aggregate's OID, so views and other objects that use it stay.
CREATE OR REPLACE AGGREGATE @extschema@.engagement_summary(occurred_at timestamptz, as_of timestamptz) (
    SFUNC = @extschema@.engagement_summary_transfn,
    STYPE = internal,
    SSPACE = 384,
    FINALFUNC = @extschema@.engagement_summary_finalfn,
    COMBINEFUNC = @extschema@.engagement_summary_combinefn,
    SERIALFUNC = @extschema@.engagement_summary_serialfn,
    DESERIALFUNC = @extschema@.engagement_summary_deserialfn,
    PARALLEL = SAFE
);

CREATE OR REPLACE AGGREGATE @extschema@.engagement_summary(occurred_at timestamptz, as_of timestamptz, amount float8) (
    SFUNC = @extschema@.engagement_summary_transfn,
    STYPE = internal,
    SSPACE = 384,
    FINALFUNC = @extschema@.engagement_summary_finalfn,
    COMBINEFUNC = @extschema@.engagement_summary_combinefn,
    SERIALFUNC = @extschema@.engagement_summary_serialfn,
    DESERIALFUNC = @extschema@.engagement_summary_deserialfn,
    PARALLEL = SAFE
);

CREATE OR REPLACE AGGREGATE @extschema@.engagement_periods(occurred_at timestamptz, start timestamptz, period interval, n int, as_of timestamptz) (
    SFUNC = @extschema@.engagement_periods_transfn,
    STYPE = internal,
    SSPACE = 256,
    FINALFUNC = @extschema@.engagement_periods_finalfn,
    COMBINEFUNC = @extschema@.engagement_periods_combinefn,
    SERIALFUNC = @extschema@.engagement_periods_serialfn,
    DESERIALFUNC = @extschema@.engagement_periods_deserialfn,
    PARALLEL = SAFE
);
