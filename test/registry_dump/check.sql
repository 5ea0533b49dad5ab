-- What the owner and the coach depend on, one line each (run as superuser).
\pset tuples_only on
\pset format unaligned
SET TimeZone = 'UTC';
SELECT 'rows: ' || count(*) || ' ' || md5(string_agg(r::text, E'\n' ORDER BY name, version))
FROM public.retention_model_registry r;
SELECT 'active: ' || string_agg(name || ' ' || version, ', ' ORDER BY name)
FROM public.retention_model_registry WHERE active;
SELECT 'extension owner: ' || extowner::regrole FROM pg_extension WHERE extname = 'community_retention';
SELECT 'table owner: ' || relowner::regrole || ', acl: ' || relacl::text
FROM pg_class WHERE oid = 'public.retention_model_registry'::regclass;
SELECT 'row level security: ' || relrowsecurity || ', forced: ' || relforcerowsecurity
FROM pg_class WHERE oid = 'public.retention_model_registry'::regclass;
SELECT 'policies: ' || coalesce(string_agg(policyname || ' USING ' || qual || ' WITH CHECK ' || with_check, '; ' ORDER BY policyname), 'none')
FROM pg_policies WHERE schemaname = 'public' AND tablename = 'retention_model_registry';
SELECT 'indexes: ' || string_agg(indexname, ', ' ORDER BY indexname)
FROM pg_indexes WHERE schemaname = 'public' AND tablename = 'retention_model_registry';
SET ROLE cr_rd_coach;
SELECT 'coach sees: ' || coalesce(string_agg(name || ' ' || version, ', ' ORDER BY name, version), 'nothing')
FROM public.retention_model_registry;
SELECT 'coach fetches: ' || (public.retention_model_info(public.retention_model_active('coach_model'))).n_rows;
RESET ROLE;
