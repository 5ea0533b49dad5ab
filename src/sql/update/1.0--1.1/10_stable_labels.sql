
-- Labels that 1.0 got wrong: IMMUTABLE functions whose answer can change for
-- the same arguments, STABLE from 1.1 on.
-- * The binary send and receive of retention_model and of incentive_condition
--   convert the feature names (and the conditions' text literals) to and from
--   the client encoding, a setting of the session, as PostgreSQL's textsend
--   and textrecv do.
-- * The record overloads of retention_score, retention_explain and
--   incentive_matches bind the row's columns by name, and the same stored row
--   reads differently once a column is renamed (ALTER TABLE ... RENAME
--   COLUMN), as record_out and row_to_json, which PostgreSQL labels STABLE.
--   An index on incentive_matches('x > 1', t) then answered for the old names.
-- An index, partition key, generated column or statistics object that calls
-- one of them would survive the change, but a dump of the database would then
-- fail to restore ("functions in index expression must be marked IMMUTABLE"),
-- so the update refuses while one exists.
DO $$
DECLARE
  uses pg_catalog.text;
  others pg_catalog.bool;
BEGIN
  -- every name and operator qualified: this runs with the installing role's
  -- objects in the search path (see the header)
  WITH fn(oid) AS (VALUES ('@extschema@.retention_model_send(@extschema@.retention_model)'::pg_catalog.regprocedure::pg_catalog.oid),
                          ('@extschema@.retention_model_recv(internal)'::pg_catalog.regprocedure::pg_catalog.oid),
                          ('@extschema@.incentive_condition_send(@extschema@.incentive_condition)'::pg_catalog.regprocedure::pg_catalog.oid),
                          ('@extschema@.incentive_condition_recv(internal)'::pg_catalog.regprocedure::pg_catalog.oid),
                          ('@extschema@.retention_score(@extschema@.retention_model, record)'::pg_catalog.regprocedure::pg_catalog.oid),
                          ('@extschema@.retention_explain(@extschema@.retention_model, record)'::pg_catalog.regprocedure::pg_catalog.oid),
                          ('@extschema@.incentive_matches(@extschema@.incentive_condition, record)'::pg_catalog.regprocedure::pg_catalog.oid)),
  dep AS (
    SELECT d.classid, d.objid
      FROM pg_catalog.pg_depend d JOIN fn ON fn.oid OPERATOR(pg_catalog.=) d.refobjid
     WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass::pg_catalog.oid
    UNION
    -- an operator implemented by one of them (a prefix operator on
    -- retention_model): an expression that uses it records a dependency on
    -- the operator only, yet its function must be IMMUTABLE all the same
    SELECT d.classid, d.objid
      FROM pg_catalog.pg_depend d
      JOIN pg_catalog.pg_operator o ON o.oid OPERATOR(pg_catalog.=) d.refobjid
      JOIN fn ON fn.oid OPERATOR(pg_catalog.=) o.oprcode
     WHERE d.refclassid OPERATOR(pg_catalog.=) 'pg_catalog.pg_operator'::pg_catalog.regclass::pg_catalog.oid),
  -- Temporary tables are never dumped, so their indexes, generated columns
  -- and statistics (this session's or another's) do not block the update.
  user_of AS (
    -- indexes, named by their constraint when they are an exclusion
    -- constraint's (DROP INDEX cannot drop those), and partition keys
    SELECT CASE WHEN c.relkind OPERATOR(pg_catalog.=) 'p'
                THEN pg_catalog.concat('the partition key of table ', c.oid::pg_catalog.regclass)
                WHEN con.oid IS NOT NULL
                THEN pg_catalog.concat('exclusion constraint ', pg_catalog.quote_ident(con.conname),
                                       ' of table ', con.conrelid::pg_catalog.regclass)
                ELSE pg_catalog.concat('index ', c.oid::pg_catalog.regclass) END AS what,
           c.relowner AS owner
      FROM dep JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) dep.objid
      LEFT JOIN pg_catalog.pg_constraint con ON con.conindid OPERATOR(pg_catalog.=) c.oid
                                             AND con.contype OPERATOR(pg_catalog.=) 'x'::pg_catalog."char"
     WHERE dep.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_class'::pg_catalog.regclass::pg_catalog.oid
       AND c.relkind OPERATOR(pg_catalog.=) ANY ('{i,I,p}'::pg_catalog."char"[])
       AND c.relpersistence OPERATOR(pg_catalog.<>) 't'::pg_catalog."char"
       -- a partition's index attached to a partitioned table's goes with it
       -- (DROP INDEX refuses it): the partitioned table's index is named
       AND NOT (c.relkind OPERATOR(pg_catalog.=) 'i'::pg_catalog."char" AND c.relispartition)
    UNION
    -- generated columns (a plain DEFAULT may call a STABLE function); one
    -- that a partition or an inheritance child has only from its parent
    -- (not attislocal: PostgreSQL gives it the parent's expression, and
    -- dropping the parent's column drops it) is the parent's, named once
    SELECT pg_catalog.concat('generated column ', pg_catalog.quote_ident(a.attname), ' of table ',
                             ad.adrelid::pg_catalog.regclass),
           t.relowner
      FROM dep JOIN pg_catalog.pg_attrdef ad ON ad.oid OPERATOR(pg_catalog.=) dep.objid
      JOIN pg_catalog.pg_attribute a ON a.attrelid OPERATOR(pg_catalog.=) ad.adrelid
                                    AND a.attnum OPERATOR(pg_catalog.=) ad.adnum
      JOIN pg_catalog.pg_class t ON t.oid OPERATOR(pg_catalog.=) ad.adrelid
     WHERE dep.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_attrdef'::pg_catalog.regclass::pg_catalog.oid
       AND a.attgenerated OPERATOR(pg_catalog.<>) ''::pg_catalog."char"
       AND a.attislocal
       AND t.relpersistence OPERATOR(pg_catalog.<>) 't'::pg_catalog."char"
    UNION
    -- extended statistics on expressions
    -- qualified when not visible in the search path, as regclass prints indexes
    SELECT pg_catalog.concat('statistics object ',
                             CASE WHEN NOT pg_catalog.pg_statistics_obj_is_visible(st.oid)
                                  THEN pg_catalog.concat(pg_catalog.quote_ident(n.nspname), '.') END,
                             pg_catalog.quote_ident(st.stxname)),
           st.stxowner
      FROM dep JOIN pg_catalog.pg_statistic_ext st ON st.oid OPERATOR(pg_catalog.=) dep.objid
      JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) st.stxnamespace
      JOIN pg_catalog.pg_class t ON t.oid OPERATOR(pg_catalog.=) st.stxrelid
     WHERE dep.classid OPERATOR(pg_catalog.=) 'pg_catalog.pg_statistic_ext'::pg_catalog.regclass::pg_catalog.oid
       AND t.relpersistence OPERATOR(pg_catalog.<>) 't'::pg_catalog."char")
  -- An object of another role than the extension's owner (who runs the
  -- update) is named with its owner: only that role (or a member of it), the
  -- owner of the object's schema (DROP INDEX, DROP STATISTICS and DROP TABLE
  -- let the schema's owner drop another role's object) or a superuser can
  -- drop it, so any role that may use the functions and create a table in a
  -- schema of its own can hold the update back, and the owner must know
  -- whom to ask.  It cannot simply be left behind: the dump of the database
  -- would not restore it.
  SELECT pg_catalog.string_agg(pg_catalog.concat(u.what,
             CASE WHEN u.owner OPERATOR(pg_catalog.<>) e.extowner
                  THEN pg_catalog.concat(' (owner ', u.owner::pg_catalog.regrole, ')') END),
           ', ' ORDER BY u.what COLLATE pg_catalog."C"),
         pg_catalog.bool_or(u.owner OPERATOR(pg_catalog.<>) e.extowner)
    INTO uses, others
    FROM user_of u, pg_catalog.pg_extension e
   WHERE e.extname OPERATOR(pg_catalog.=) 'community_retention';
  IF uses IS NOT NULL THEN
    RAISE EXCEPTION 'cannot update community_retention to 1.1 while retention_model_send, retention_model_recv, incentive_condition_send, incentive_condition_recv or a record form of retention_score, retention_explain or incentive_matches is used by %', uses
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'From 1.1 on these functions are STABLE (the binary forms follow the session''s client_encoding; the record forms bind columns by name, and names can change), and index, partition key, generated column and statistics expressions may call only IMMUTABLE functions: a dump of the database would not restore.',
            HINT = pg_catalog.concat('Drop those objects (ALTER TABLE ... DROP CONSTRAINT for a constraint), or rebuild them on the text form (for example md5(model::text) or md5(condition::text)) or the array and jsonb forms of the scoring functions, then update.',
                                     CASE WHEN others THEN ' An object of another role (named with its owner above) can be dropped by that role or a member of it, by a superuser and, with DROP INDEX, DROP STATISTICS or DROP TABLE, by the owner of its schema.' END);
  END IF;
END $$;

ALTER FUNCTION @extschema@.retention_model_recv(internal) STABLE;
ALTER FUNCTION @extschema@.retention_model_send(@extschema@.retention_model) STABLE;
ALTER FUNCTION @extschema@.incentive_condition_recv(internal) STABLE;
ALTER FUNCTION @extschema@.incentive_condition_send(@extschema@.incentive_condition) STABLE;
ALTER FUNCTION @extschema@.retention_score(@extschema@.retention_model, record) STABLE;
ALTER FUNCTION @extschema@.retention_explain(@extschema@.retention_model, record) STABLE;
ALTER FUNCTION @extschema@.incentive_matches(@extschema@.incentive_condition, record) STABLE;
COMMENT ON FUNCTION @extschema@.incentive_condition_recv(internal) IS
'Binary input of a condition, names and strings in the client encoding; every byte is validated (22P03 on malformed input).';
COMMENT ON FUNCTION @extschema@.incentive_condition_send(@extschema@.incentive_condition) IS
'Binary output of a condition (the compiled program, names and strings in the client encoding).';
