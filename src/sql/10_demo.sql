
-- ---------------------------------------------------------------------------
-- Demo data (issue #2): a deterministic synthetic paid-knowledge community.
-- Same arguments, same rows, on every machine: IMMUTABLE.
-- ---------------------------------------------------------------------------

CREATE FUNCTION retention_demo_reference_date()
RETURNS timestamptz
AS 'MODULE_PATHNAME', 'retention_demo_reference_date'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION retention_demo_reference_date() IS
'The fixed reference date of the demo community, 2026-01-01 00:00:00+00: activity ends just before it and renewal is decided at it.';

CREATE FUNCTION retention_demo_support(internal)
RETURNS internal
AS 'MODULE_PATHNAME', 'retention_demo_support'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION retention_demo_support(internal) IS
'Planner support for the demo generators: row estimates from constant arguments.';

CREATE FUNCTION retention_demo_members(n_members int, seed int DEFAULT 42)
RETURNS TABLE (member_id bigint, joined_at timestamptz, plan text, renewed boolean)
AS 'MODULE_PATHNAME', 'retention_demo_members'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
ROWS 1000 SUPPORT retention_demo_support;

COMMENT ON FUNCTION retention_demo_members(int, int) IS
'Members 1..n_members of the demo community for a seed: join time, plan (monthly or annual) and whether they renewed at retention_demo_reference_date().';

CREATE FUNCTION retention_demo_activity(n_members int, days int DEFAULT 180, seed int DEFAULT 42)
RETURNS TABLE (member_id bigint, occurred_at timestamptz, kind text, minutes float8, rating float8)
AS 'MODULE_PATHNAME', 'retention_demo_activity'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
ROWS 100000 SUPPORT retention_demo_support;

COMMENT ON FUNCTION retention_demo_activity(int, int, int) IS
'Activity events of demo members 1..n_members over the days before retention_demo_reference_date(), ordered by member and time; rating is set only for lesson_completed and live_session.';
