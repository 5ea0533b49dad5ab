-- test/security/superuser_setup.sql: the start of registry_calls.sql and
-- fit_calls.sql, run by a superuser after the attacker planted its
-- look-alikes: a search_path of nothing the attacker controls, the
-- extension's schema in :ns, and the planted objects' run count so far
-- (public.probe_seq, which an error does not roll back) in :ran_before.
SET search_path = pg_catalog, pg_temp;
SET client_min_messages = warning;
SELECT extnamespace::regnamespace AS ns FROM pg_extension WHERE extname = 'community_retention' \gset
SELECT coalesce(pg_sequence_last_value('public.probe_seq'), 0) AS ran_before \gset
