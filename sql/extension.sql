-- The extension itself: version, trust, and no privileged functions.
SELECT extname, extversion, extrelocatable FROM pg_extension WHERE extname = 'community_retention';
SELECT name, version, trusted, superuser FROM pg_available_extension_versions WHERE name = 'community_retention' ORDER BY version;
-- no SECURITY DEFINER function anywhere in the extension
SELECT count(*) AS security_definer_functions
FROM pg_depend d JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
WHERE d.refclassid = 'pg_extension'::regclass
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'community_retention')
  AND p.prosecdef;
-- the GUC exists once the library is loaded, and its prefix is reserved
LOAD 'community_retention';
SHOW community_retention.max_train_memory;
SET community_retention.no_such_setting = 1;
