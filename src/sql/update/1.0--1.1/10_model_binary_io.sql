
-- retention_model's binary send and receive convert the feature names to and
-- from the client encoding, a setting of the session: STABLE, as PostgreSQL's
-- textsend and textrecv, not IMMUTABLE as 1.0 declared them.  An index, partition
-- key, generated column or statistics object that calls one of them would
-- survive the change, but a dump of the database would then fail to restore
-- ("functions in index expression must be marked IMMUTABLE"), so the update
-- refuses while one exists.
DO $$
DECLARE
  uses text;
BEGIN
  WITH fn(oid) AS (VALUES ('@extschema@.retention_model_send(@extschema@.retention_model)'::regprocedure::oid),
                          ('@extschema@.retention_model_recv(internal)'::regprocedure::oid)),
  user_of AS (
    -- indexes, and partition keys of partitioned tables
    SELECT CASE WHEN c.relkind IN ('i', 'I') THEN 'index ' ELSE 'the partition key of table ' END
           || c.oid::regclass::text AS what
      FROM pg_depend d JOIN fn ON fn.oid = d.refobjid JOIN pg_class c ON c.oid = d.objid
     WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_proc'::regclass
       AND c.relkind IN ('i', 'I', 'p')
    UNION
    -- generated columns (a plain DEFAULT may call a STABLE function)
    SELECT format('generated column %s of table %s', quote_ident(a.attname), ad.adrelid::regclass)
      FROM pg_depend d JOIN fn ON fn.oid = d.refobjid
      JOIN pg_attrdef ad ON ad.oid = d.objid
      JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
     WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_proc'::regclass
       AND a.attgenerated <> ''
    UNION
    -- extended statistics on expressions
    SELECT 'statistics object ' || quote_ident(s.stxname)
      FROM pg_depend d JOIN fn ON fn.oid = d.refobjid JOIN pg_statistic_ext s ON s.oid = d.objid
     WHERE d.classid = 'pg_statistic_ext'::regclass AND d.refclassid = 'pg_proc'::regclass)
  SELECT string_agg(what, ', ' ORDER BY what) INTO uses FROM user_of;
  IF uses IS NOT NULL THEN
    RAISE EXCEPTION 'cannot update community_retention to 1.1 while retention_model_send or retention_model_recv is used by %', uses
      USING ERRCODE = 'object_not_in_prerequisite_state',
            DETAIL = 'From 1.1 on these functions are STABLE (they follow the session''s client_encoding), and index, partition key, generated column and statistics expressions may call only IMMUTABLE functions: a dump of the database would not restore.',
            HINT = 'Drop those objects, or rebuild them on the model''s text form (for example md5(model::text)), then update.';
  END IF;
END $$;

ALTER FUNCTION @extschema@.retention_model_recv(internal) STABLE;
ALTER FUNCTION @extschema@.retention_model_send(@extschema@.retention_model) STABLE;
