
-- retention_model's binary send and receive convert the feature names to and
-- from the client encoding, a setting of the session: STABLE, as PostgreSQL's
-- textsend and textrecv, not IMMUTABLE as 1.0 declared them.
ALTER FUNCTION @extschema@.retention_model_recv(internal) STABLE;
ALTER FUNCTION @extschema@.retention_model_send(@extschema@.retention_model) STABLE;
