-- test/security/fit_calls.sql: run by a superuser after the attacker's
-- session planted its look-alikes (plant.sql, plant_fit.sql) and installed
-- the extension.  retention_fit on columns of domains over its argument
-- types, with and without weights: each must fit (the same model as on the
-- base types), and no planted object may run.  Prints "name: value" lines
-- that security_install.sh reads.
\ir superuser_setup.sql
CREATE FUNCTION pg_temp.same(a text, b text) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
  x text;
  y text;
BEGIN
  EXECUTE a INTO x;
  EXECUTE b INTO y;
  RETURN x IS NOT NULL AND x = y;
EXCEPTION WHEN others THEN
  RETURN false;
END $$;
CREATE TEMP TABLE fits (ok boolean);
INSERT INTO fits SELECT pg_temp.same(format(a, :'ns'), format(b, :'ns')) FROM (VALUES
  ($q$SELECT %I.retention_fit('SELECT f, r FROM public.cr_fit_rows')::text$q$,
   $q$SELECT %I.retention_fit('SELECT f::float8[], r::bool FROM public.cr_fit_rows')::text$q$),
  ($q$SELECT %I.retention_fit('SELECT f, r, w FROM public.cr_fit_rows')::text$q$,
   $q$SELECT %I.retention_fit('SELECT f::float8[], r::bool, w::float8 FROM public.cr_fit_rows')::text$q$)
) v(a, b);
SELECT 'fit calls: ' || count(*) FILTER (WHERE ok) || ' of ' || count(*) FROM fits;
SELECT 'fit ran: ' || (coalesce(pg_sequence_last_value('public.probe_seq'), 0) - :ran_before);
