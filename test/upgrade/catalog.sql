-- The extension's catalog entries, one line each, with every OID written as
-- the object it names: what `pg_dump --binary-upgrade --schema-only` does not
-- print, compared beside it by test/scripts/suites/upgrade.sh.  pg_dump
-- prints no dependencies (pg_depend: what DROP ... CASCADE would take along,
-- what a dropped member leaves behind), drops whether a table has a toast
-- table with the binary_upgrade_set_next_* lines the suite removes, and the
-- suite masks the configuration tables' OIDs; here every member's rows of
-- pg_proc, pg_aggregate, pg_type, pg_class, pg_attribute, pg_operator,
-- operator classes and families with their members, casts, constraints,
-- indexes, triggers, defaults, rules, policies, comments and initial
-- privileges are listed whole, so a property added to one of these catalogs
-- is compared without a change here.  Expression trees (pg_node_tree, whose
-- OIDs and parse locations differ) are left to pg_dump, which prints them.
\pset format unaligned
\pset tuples_only on
SET client_min_messages = warning;
CREATE TEMP TABLE mem AS
  SELECT classid, objid FROM pg_depend
  WHERE deptype = 'e' AND refclassid = 'pg_extension'::regclass
    AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'community_retention');
-- the relations of composite types, the indexes and toast tables of member
-- tables, the array types: their rows too
INSERT INTO mem SELECT 'pg_class'::regclass, reltoastrelid FROM pg_class WHERE oid IN (SELECT objid FROM mem WHERE classid = 'pg_class'::regclass) AND reltoastrelid <> 0;
INSERT INTO mem SELECT 'pg_class'::regclass, typrelid FROM pg_type WHERE oid IN (SELECT objid FROM mem WHERE classid = 'pg_type'::regclass) AND typrelid <> 0;
INSERT INTO mem SELECT 'pg_class'::regclass, indexrelid FROM pg_index WHERE indrelid IN (SELECT objid FROM mem WHERE classid = 'pg_class'::regclass);
INSERT INTO mem SELECT 'pg_type'::regclass, typarray FROM pg_type WHERE oid IN (SELECT objid FROM mem WHERE classid = 'pg_type'::regclass) AND typarray <> 0;
INSERT INTO mem SELECT 'pg_type'::regclass, reltype FROM pg_class WHERE oid IN (SELECT objid FROM mem WHERE classid = 'pg_class'::regclass) AND reltype <> 0;
CREATE FUNCTION pg_temp.oidname(o oid) RETURNS text LANGUAGE plpgsql STABLE AS $f$
DECLARE c regclass; d text;
BEGIN
  IF o = 0 THEN RETURN '0'; END IF;
  FOREACH c IN ARRAY ARRAY['pg_proc','pg_type','pg_class','pg_namespace','pg_operator','pg_opclass','pg_opfamily',
                           'pg_collation','pg_authid','pg_language','pg_am','pg_constraint','pg_extension','pg_cast',
                           'pg_trigger','pg_rewrite','pg_attrdef','pg_policy','pg_statistic_ext','pg_amop','pg_amproc',
                           'pg_enum','pg_ts_config','pg_ts_dict','pg_foreign_server','pg_database','pg_tablespace']::regclass[] LOOP
    BEGIN
      d := pg_describe_object(c, o, 0);
    EXCEPTION WHEN OTHERS THEN d := NULL;
    END;
    IF d IS NOT NULL THEN
      IF d ~ 'pg_toast_[0-9]+' THEN d := regexp_replace(d, 'pg_toast_[0-9]+', 'pg_toast_N', 'g'); END IF;
      RETURN d;
    END IF;
  END LOOP;
  RETURN 'oid?' || CASE WHEN o < 16384 THEN o::text ELSE '' END;
END $f$;
CREATE FUNCTION pg_temp.rows(cat regclass, filter text) RETURNS SETOF text LANGUAGE plpgsql AS $f$
DECLARE cols text; r record;
BEGIN
  SELECT string_agg(CASE
           WHEN a.atttypid IN ('oid'::regtype, 'regproc'::regtype, 'regtype'::regtype) THEN format('pg_temp.oidname(%I::oid)', a.attname)
           WHEN a.atttypid IN ('oidvector'::regtype, 'oid[]'::regtype) THEN format('(SELECT array_agg(pg_temp.oidname(x) ORDER BY n) FROM unnest(%I::oid[]) WITH ORDINALITY u(x, n))', a.attname)
           WHEN a.atttypid = 'pg_node_tree'::regtype THEN format('(%I IS NOT NULL)', a.attname)
           ELSE format('%I', a.attname) END || format(' AS %I', a.attname), ', ' ORDER BY a.attnum)
    INTO cols
  FROM pg_attribute a WHERE a.attrelid = cat AND a.attnum > 0 AND NOT a.attisdropped
    AND a.attname NOT IN ('oid', 'relpages', 'reltuples', 'relallvisible', 'relfrozenxid', 'relminmxid');
  FOR r IN EXECUTE format('SELECT %L || '' '' || row_to_json(q)::text AS t FROM (SELECT %s FROM %s c WHERE %s) q ORDER BY 1', cat::text, cols, cat, filter) LOOP
    -- toast tables are named by OID; some builds stamp every column with a
    -- pg_attver=N attribute option of their own
    RETURN NEXT regexp_replace(regexp_replace(r.t, 'pg_toast_[0-9]+', 'pg_toast_N', 'g'), '"pg_attver=[0-9]+",?', '', 'g');
  END LOOP;
END $f$;
-- every dependency of one of them, or on one (but those of the user's own
-- up_* objects of before.sql, which only the updated database has)
SELECT 'pg_depend', d, deptype FROM (
  SELECT regexp_replace(pg_describe_object(classid, objid, objsubid) || ' -> ' || pg_describe_object(refclassid, refobjid, refobjsubid),
                        'pg_toast_[0-9]+', 'pg_toast_N', 'g') AS d, deptype
  FROM pg_depend
  WHERE (classid, objid) IN (SELECT classid, objid FROM mem) OR (refclassid, refobjid) IN (SELECT classid, objid FROM mem)) q
WHERE d !~ '\mup_' ORDER BY 2, 3;
SELECT * FROM pg_temp.rows('pg_proc', 'oid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_aggregate', 'aggfnoid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_type', 'oid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_class', 'oid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_attribute', 'attrelid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_operator', 'oid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_opclass', 'oid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_opfamily', 'oid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_amop', 'amopfamily IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_amproc', 'amprocfamily IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_cast', 'oid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_enum', 'enumtypid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_constraint', 'conrelid IN (SELECT objid FROM mem) OR contypid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_index', 'indrelid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_trigger', 'tgrelid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_attrdef', 'adrelid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_rewrite', 'ev_class IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_policy', 'polrelid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_range', 'rngtypid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_sequence', 'seqrelid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_statistic_ext', 'stxrelid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_transform', 'oid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_description', 'objoid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_init_privs', 'objoid IN (SELECT objid FROM mem)');
SELECT * FROM pg_temp.rows('pg_default_acl', 'true');
SELECT * FROM pg_temp.rows('pg_event_trigger', 'true');
SELECT * FROM pg_temp.rows('pg_namespace', 'nspname !~ ''^pg_(toast|temp)''');
SELECT * FROM pg_temp.rows('pg_extension', 'true');
SELECT * FROM pg_temp.rows('pg_seclabel', 'true');
