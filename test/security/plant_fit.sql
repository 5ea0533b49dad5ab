-- test/security/plant_fit.sql: run by the attacker right after plant.sql,
-- before it installs the extension.  retention_fit runs the caller's query
-- inside a call of the extension's aggregate retention_newton_step(float8[],
-- boolean, float8, float8[]), named in the extension's schema, and accepts
-- query columns of domains over those types.  Planted in every schema of
-- cr_plant_schemas where funcs is true (the target schema among them): an
-- aggregate of that name declared on such domains, which logs when it runs,
-- and a table whose columns are of those domains, for fit_calls.sql.
SET search_path = pg_catalog, pg_temp;
CREATE DOMAIN public.cr_probe_features AS pg_catalog.float8[];
CREATE DOMAIN public.cr_probe_label AS pg_catalog.bool;
CREATE DOMAIN public.cr_probe_weight AS pg_catalog.float8;
CREATE FUNCTION public.cr_probe_step(s pg_catalog.float8[], f public.cr_probe_features,
    r public.cr_probe_label, w public.cr_probe_weight, p pg_catalog.float8[])
RETURNS pg_catalog.float8[] LANGUAGE sql AS $$
    INSERT INTO public.probe_log VALUES (CURRENT_USER, 'aggregate retention_newton_step on domains');
    SELECT pg_catalog.nextval('public.probe_seq');
    SELECT s $$;
DO $$
DECLARE
    s record;
BEGIN
    FOR s IN SELECT nsp FROM cr_plant_schemas WHERE funcs LOOP
        EXECUTE pg_catalog.format('CREATE AGGREGATE %I.retention_newton_step(public.cr_probe_features, '
                                  'public.cr_probe_label, public.cr_probe_weight, pg_catalog.float8[]) '
                                  '(SFUNC = public.cr_probe_step, STYPE = pg_catalog.float8[])', s.nsp);
    END LOOP;
END $$;
CREATE TABLE public.cr_fit_rows AS
SELECT ARRAY[(i % 7)::pg_catalog.float8, (i % 3)::pg_catalog.float8]::public.cr_probe_features AS f,
       ((i % 7 + i % 3) % 4 <> 0)::public.cr_probe_label AS r,
       (1 + i % 2)::pg_catalog.float8::public.cr_probe_weight AS w
FROM pg_catalog.generate_series(1, 200) i;
GRANT SELECT ON public.cr_fit_rows TO PUBLIC;
