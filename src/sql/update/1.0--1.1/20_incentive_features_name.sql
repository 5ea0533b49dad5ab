
-- incentive_features' argument is named "condition" from 1.1 on, as the
-- README writes it, so that incentive_features(condition => ...) works.
-- Naming a parameter that had no name is what CREATE OR REPLACE allows
-- without dropping the function: CHECK constraints and views that call it
-- stay as they are.
CREATE OR REPLACE FUNCTION @extschema@.incentive_features(condition @extschema@.incentive_condition)
RETURNS pg_catalog.text[]
AS 'MODULE_PATHNAME', 'incentive_features'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
