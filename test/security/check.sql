-- test/security/check.sql: run in the attacker's session right after it
-- installed (or updated) the extension, before the session's temporary
-- objects go away.  Prints "name: value" lines that security_install.sh reads.
SET search_path = pg_catalog, pg_temp;

-- the extension is there, at the version asked for
SELECT 'version: ' || coalesce((SELECT extversion FROM pg_extension
                                WHERE extname = 'community_retention'), 'missing');

-- no planted object ran while the scripts ran (nor at any time since)
SELECT 'ran: ' || count(*) FROM public.probe_log;
SELECT 'ran object: ' || who || ' ' || obj FROM public.probe_log ORDER BY 1;

-- no object of the extension (a member, or an object depending on one, such
-- as an array type, a column, an operator class entry) depends on an object
-- the attacker planted (a type, function or operator it owns): had a script
-- resolved a name to a planted object, pg_depend would record it here
CREATE TEMP VIEW cr_captured AS
WITH RECURSIVE ext(classid, objid) AS (
    SELECT d.classid, d.objid FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
    WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
      AND e.extname = 'community_retention'
    UNION
    SELECT d.classid, d.objid FROM pg_depend d
    JOIN ext ON d.refclassid = ext.classid AND d.refobjid = ext.objid
), planted(classid, objid, descr) AS (
    SELECT 'pg_type'::regclass, oid, 'type ' || typnamespace::regnamespace || '.' || typname
    FROM pg_type WHERE typowner = CURRENT_USER::regrole
    UNION ALL
    SELECT 'pg_proc'::regclass, oid, 'function ' || oid::regprocedure
    FROM pg_proc WHERE proowner = CURRENT_USER::regrole
    UNION ALL
    SELECT 'pg_operator'::regclass, oid, 'operator ' || oid::regoperator
    FROM pg_operator WHERE oprowner = CURRENT_USER::regrole
)
SELECT DISTINCT pg_describe_object(d.classid, d.objid, d.objsubid) || ' -> ' || p.descr AS what
FROM pg_depend d
JOIN ext ON ext.classid = d.classid AND ext.objid = d.objid
JOIN planted p ON p.classid = d.refclassid AND p.objid = d.refobjid
-- the extension's own objects that the install script hands to the installing
-- role (the registry table and its row type) are not planted
WHERE NOT EXISTS (SELECT 1 FROM ext e2 WHERE e2.classid = p.classid AND e2.objid = p.objid);
SELECT 'captured: ' || count(*) FROM cr_captured;
SELECT 'captured object: ' || what FROM cr_captured ORDER BY 1;

-- control: a planted object does log when something resolves to it (the
-- attacker's own cast to its temporary float8 domain)
SELECT '1'::pg_temp.float8 AS control_value \gset
SELECT 'control: ' || count(*) FROM public.probe_log WHERE who = CURRENT_USER;
