
-- ---------------------------------------------------------------------------
-- lifetime_summaries (issue 14, performance): the lifetime_summary of every
-- member of a purchase query in one pass over its rows, with an own hash
-- table of member ids instead of PostgreSQL's GROUP BY.  Not STRICT: a NULL
-- unit means 1 day; a NULL query is an error, a NULL as_of gives no rows.
-- STABLE (calendar days in the session TimeZone; the query reads tables),
-- PARALLEL UNSAFE (it runs the query through SPI).
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.lifetime_summaries(query text, as_of timestamptz, unit interval DEFAULT NULL)
RETURNS TABLE (member_id bigint, frequency int, recency float8, T float8, monetary_value float8)
AS 'MODULE_PATHNAME', 'lifetime_summaries'
LANGUAGE C STABLE PARALLEL UNSAFE;
COMMENT ON FUNCTION @extschema@.lifetime_summaries(text, timestamptz, interval) IS
    'lifetime_summary of every member of a query returning (member_id, occurred_at, amount), in one pass without GROUP BY, ordered by member_id';
