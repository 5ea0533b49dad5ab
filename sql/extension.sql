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
-- The labels README.md's Reference states: every function of the extension
-- is IMMUTABLE and PARALLEL SAFE except these (the engagement and
-- lifetime_summary transition functions read the session TimeZone, the
-- record forms find columns by name, the binary I/O follows
-- client_encoding, the others run queries or write; name_blank needs a
-- subtransaction).  A change here is a change the Reference must state.
SELECT p.oid::regprocedure AS function, p.provolatile AS volatility, p.proparallel AS parallel
FROM pg_depend d JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
WHERE d.refclassid = 'pg_extension'::regclass
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'community_retention')
  AND (p.provolatile <> 'i' OR p.proparallel <> 's')
ORDER BY p.oid::regprocedure::text COLLATE "C";
-- and every plain function (not an aggregate or one's support) is STRICT
-- except these, whose NULL handling the Reference describes
SELECT p.oid::regprocedure AS function
FROM pg_depend d JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
WHERE d.refclassid = 'pg_extension'::regclass
  AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'community_retention')
  AND p.prokind = 'f' AND NOT p.proisstrict
  AND NOT EXISTS (SELECT FROM pg_aggregate a
                  WHERE p.oid IN (a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn, a.aggdeserialfn))
ORDER BY p.oid::regprocedure::text COLLATE "C";
