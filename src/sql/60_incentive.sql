
-- ---------------------------------------------------------------------------
-- Incentive rules (issue #6): a small, safe condition language stored
-- compiled, evaluated against member rows or JSON facts, never able to run SQL.
-- ---------------------------------------------------------------------------

CREATE TYPE incentive_condition;

CREATE FUNCTION incentive_condition_in(cstring)
RETURNS incentive_condition
AS 'MODULE_PATHNAME', 'incentive_condition_in'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION incentive_condition_out(incentive_condition)
RETURNS cstring
AS 'MODULE_PATHNAME', 'incentive_condition_out'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- Binary input and output carry the feature names and text literals in the
-- client encoding, as textrecv and textsend do: STABLE (1.0 declared them
-- IMMUTABLE; the 1.0--1.1 update alters them).
CREATE FUNCTION incentive_condition_recv(internal)
RETURNS incentive_condition
AS 'MODULE_PATHNAME', 'incentive_condition_recv'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION incentive_condition_send(incentive_condition)
RETURNS bytea
AS 'MODULE_PATHNAME', 'incentive_condition_send'
LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE TYPE incentive_condition (
    INPUT = incentive_condition_in,
    OUTPUT = incentive_condition_out,
    RECEIVE = incentive_condition_recv,
    SEND = incentive_condition_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);

COMMENT ON TYPE incentive_condition IS
'A validated incentive rule condition (SQL-like expression over named features), stored compiled; its text form is canonical and re-parsable.';

COMMENT ON FUNCTION incentive_condition_in(cstring) IS
'Parses and compiles condition text; syntax errors (42601) give the position and what was expected.';
COMMENT ON FUNCTION incentive_condition_out(incentive_condition) IS
'Prints a condition in canonical, re-parsable text.';
COMMENT ON FUNCTION incentive_condition_recv(internal) IS
'Binary input of a condition, names and strings in the client encoding; every byte is validated (22P03 on malformed input).';
COMMENT ON FUNCTION incentive_condition_send(incentive_condition) IS
'Binary output of a condition (the compiled program, names and strings in the client encoding).';

CREATE FUNCTION incentive_features(condition incentive_condition)
RETURNS text[]
AS 'MODULE_PATHNAME', 'incentive_features'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION incentive_features(incentive_condition) IS
'The distinct feature names a condition reads, in order of first appearance.';

-- Text compares in byte order (no collation), but binding goes by the row
-- type's column names, which ALTER TABLE ... RENAME COLUMN changes for the
-- same stored row: STABLE, as record_out (1.0 said IMMUTABLE).
-- COST 20 as created in 1.0; src/sql/1.1/50_jsonlogic.sql sets the measured
-- 10 (and the planner support function), for fresh installs and updates alike.
CREATE FUNCTION incentive_matches(condition incentive_condition, facts record)
RETURNS boolean
AS 'MODULE_PATHNAME', 'incentive_matches_record'
LANGUAGE C STABLE STRICT PARALLEL SAFE
COST 20;

COMMENT ON FUNCTION incentive_matches(incentive_condition, record) IS
'True when the condition holds for the row (columns matched to features by name); NULL (unknown) does not match.';

CREATE FUNCTION incentive_matches(condition incentive_condition, facts jsonb)
RETURNS boolean
AS 'MODULE_PATHNAME', 'incentive_matches_jsonb'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
COST 20;

COMMENT ON FUNCTION incentive_matches(incentive_condition, jsonb) IS
'True when the condition holds for a JSON object of facts (keys matched to features by name, a missing key is NULL); NULL does not match.';

-- STABLE: the answer depends on the current definition of the row type.
CREATE FUNCTION incentive_validate(condition incentive_condition, facts anyelement)
RETURNS boolean
AS 'MODULE_PATHNAME', 'incentive_validate'
LANGUAGE C STABLE PARALLEL SAFE;

COMMENT ON FUNCTION incentive_validate(incentive_condition, anyelement) IS
'Binds a condition to the row type of facts (a typed NULL such as NULL::member_scores is enough) and returns true, or raises the error incentive_matches would raise (42703, 42804); for CHECK constraints.';

-- Equality of conditions (the compiled form is canonical: equal programs have
-- equal bytes), with a hash opclass so DISTINCT, GROUP BY and UNION work.
CREATE FUNCTION incentive_condition_eq(incentive_condition, incentive_condition)
RETURNS boolean
AS 'MODULE_PATHNAME', 'incentive_condition_eq'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION incentive_condition_eq(incentive_condition, incentive_condition) IS
'True when two conditions compile to the same program (the = operator).';

CREATE FUNCTION incentive_condition_ne(incentive_condition, incentive_condition)
RETURNS boolean
AS 'MODULE_PATHNAME', 'incentive_condition_ne'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION incentive_condition_ne(incentive_condition, incentive_condition) IS
'True when two conditions compile to different programs (the <> operator).';

CREATE FUNCTION incentive_condition_hash(incentive_condition)
RETURNS int4
AS 'MODULE_PATHNAME', 'incentive_condition_hash'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

COMMENT ON FUNCTION incentive_condition_hash(incentive_condition) IS
'Hash of a condition''s compiled program, for hash joins and hash aggregation.';

CREATE OPERATOR = (
    LEFTARG = incentive_condition, RIGHTARG = incentive_condition,
    FUNCTION = incentive_condition_eq,
    COMMUTATOR = =, NEGATOR = <>,
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES
);

CREATE OPERATOR <> (
    LEFTARG = incentive_condition, RIGHTARG = incentive_condition,
    FUNCTION = incentive_condition_ne,
    COMMUTATOR = <>, NEGATOR = =,
    RESTRICT = neqsel, JOIN = neqjoinsel
);

CREATE OPERATOR CLASS incentive_condition_hash_ops
DEFAULT FOR TYPE incentive_condition USING hash AS
    OPERATOR 1 =,
    FUNCTION 1 incentive_condition_hash(incentive_condition);
