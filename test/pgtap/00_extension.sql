-- Extension-wide properties: every function is documented and honestly labelled.
BEGIN;
SELECT plan(3);

SELECT has_extension('community_retention', 'the extension is installed');

SELECT is(
  (SELECT count(*)::int FROM pg_depend d JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
    WHERE d.refclassid = 'pg_extension'::regclass
      AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'community_retention')
      AND obj_description(p.oid, 'pg_proc') IS NULL
      AND p.proname NOT LIKE '%\_in' AND p.proname NOT LIKE '%\_out'
      AND p.proname NOT LIKE '%\_recv' AND p.proname NOT LIKE '%\_send'
      AND p.prokind <> 'a' AND p.proname NOT LIKE '%\_transfn' AND p.proname NOT LIKE '%\_finalfn'
      AND p.proname NOT LIKE '%\_combinefn' AND p.proname NOT LIKE '%\_serialfn'
      AND p.proname NOT LIKE '%\_deserialfn'),
  0, 'every user-facing function has a COMMENT');

SELECT is(
  (SELECT count(*)::int FROM pg_depend d JOIN pg_proc p ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
    WHERE d.refclassid = 'pg_extension'::regclass
      AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'community_retention')
      AND p.proparallel <> 's'
      -- the registry's writers (writes are not allowed in parallel mode) and
      -- retention_fit and lifetime_summaries, which run their own (possibly
      -- parallel) queries through SPI; retention_model_name_blank, whose
      -- exception handler needs a subtransaction, which parallel mode forbids
      AND p.proname NOT IN ('retention_model_save', 'retention_model_activate', 'retention_model_name_blank')
      AND p.oid <> 'retention_fit(text, jsonb)'::regprocedure
      AND p.oid <> 'lifetime_summaries(text, timestamptz, interval)'::regprocedure),
  0, 'every function is PARALLEL SAFE except the registry''s writers and name test, retention_fit and lifetime_summaries');

SELECT * FROM finish();
ROLLBACK;
