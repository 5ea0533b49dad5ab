-- test/security/plant.sql: run by an ordinary role (the attacker) before it
-- installs the trusted extension, whose scripts then run as the bootstrap
-- superuser.  It plants, under every built-in name the extension's scripts
-- mention (the words and operator symbols listed in the temporary tables
-- cr_words and cr_ops, scanned from the scripts by security_install.sh), an
-- object of its own that logs to public.probe_log whenever it runs, and
-- counts in the sequence public.probe_seq, which keeps the count when an
-- error rolls the log row back:
--   * types: a domain over the built-in type whose CHECK logs (or, for a
--     pseudo-type such as internal or record, a composite type of that name),
--     in every schema of cr_plant_schemas, including pg_temp, which
--     PostgreSQL searches first for types unless a path names it;
--   * functions: every pg_catalog overload of the name, and every variant in
--     which one argument is replaced by a type with an implicit cast to it
--     (a better match for a call with that argument type), in every schema
--     of cr_plant_schemas where funcs is true (PostgreSQL never searches
--     pg_temp for functions or operators);
--   * operators: the same, for every operator symbol.
-- Arguments of pseudo-types (internal, cstring ...) cannot be declared by a
-- SQL function, so functions such as eqsel(internal, oid, internal, int4)
-- cannot be planted by an ordinary role; they are counted as skipped.
-- Prints one line: how many objects were planted and skipped.

SET search_path = pg_catalog, pg_temp;

DO $plant$
DECLARE
    s record;
    t record;
    f record;
    sig oid[];
    variants oid[][];
    k int;
    n_ok int := 0;
    n_skip int := 0;
    args text;
    ret text;
    body text;
    fname text;
    -- SQL keywords that the grammar maps to a pg_catalog type
    keyword_types CONSTANT text[][] := ARRAY[
        ['int', 'int4'], ['integer', 'int4'], ['bigint', 'int8'], ['smallint', 'int2'],
        ['boolean', 'bool'], ['real', 'float4'], ['float', 'float8'], ['double', 'float8'],
        ['decimal', 'numeric'], ['dec', 'numeric'], ['varchar', 'varchar'], ['char', 'bpchar'],
        ['character', 'bpchar'], ['timestamp', 'timestamp'], ['time', 'time'],
        ['interval', 'interval'], ['bit', 'bit']];
BEGIN
    CREATE TEMP TABLE cr_type_names AS
        SELECT w AS typname FROM cr_words
        UNION SELECT keyword_types[g.j][2] FROM generate_subscripts(keyword_types, 1) g(j),
                                               cr_words WHERE w = keyword_types[g.j][1];

    -- a plantable argument type: a real type, or a polymorphic one
    CREATE TEMP TABLE cr_ok_types AS
        SELECT oid FROM pg_type
        WHERE typtype <> 'p' OR typname IN ('anyelement', 'anyarray', 'anynonarray', 'anyenum',
              'anyrange', 'anymultirange', 'anycompatible', 'anycompatiblearray',
              'anycompatiblenonarray', 'anycompatiblerange', 'anycompatiblemultirange');

    FOR s IN SELECT nsp, funcs FROM cr_plant_schemas LOOP
        -- Types ------------------------------------------------------------
        FOR t IN SELECT ty.oid, ty.typname, ty.typtype, ty.typisdefined
                 FROM pg_type ty JOIN cr_type_names n USING (typname)
                 WHERE ty.typnamespace = 'pg_catalog'::regnamespace ORDER BY 2 LOOP
            BEGIN
                IF t.typtype IN ('b', 'e', 'r', 'm', 'c') AND t.typname NOT LIKE '\_%' THEN
                    fname := format('%I.%I', s.nsp, 'cr_probe_type_' || t.typname);
                    EXECUTE format($f$CREATE FUNCTION %s(pg_catalog.%I) RETURNS pg_catalog.bool
                        LANGUAGE sql AS $b$INSERT INTO public.probe_log VALUES (CURRENT_USER, %L);
                                           SELECT pg_catalog.nextval('public.probe_seq'); SELECT true$b$$f$,
                        fname, t.typname, format('domain %s.%s', s.nsp, t.typname));
                    EXECUTE format('CREATE DOMAIN %I.%I AS pg_catalog.%I CHECK (%s(VALUE))',
                                   s.nsp, t.typname, t.typname, fname);
                ELSE
                    EXECUTE format('CREATE TYPE %I.%I AS (cr_hijacked pg_catalog.int4)', s.nsp, t.typname);
                END IF;
                n_ok := n_ok + 1;
            EXCEPTION WHEN OTHERS THEN
                RAISE NOTICE 'type %.% not planted: %', s.nsp, t.typname, SQLERRM;
                n_skip := n_skip + 1;
            END;
        END LOOP;
        CONTINUE WHEN NOT s.funcs;

        -- Functions and operators -------------------------------------------
        k := 0;
        FOR f IN
            SELECT 'f' AS kind, p.proname AS name, p.proargtypes::oid[] AS args, p.prorettype AS ret
            FROM pg_proc p JOIN cr_words w ON w.w = p.proname
            WHERE p.pronamespace = 'pg_catalog'::regnamespace
            UNION ALL
            SELECT 'o', o.oprname,
                   CASE WHEN o.oprleft = 0 THEN ARRAY[o.oprright] ELSE ARRAY[o.oprleft, o.oprright] END,
                   o.oprresult
            FROM pg_operator o JOIN cr_ops c ON c.o = o.oprname
            WHERE o.oprnamespace = 'pg_catalog'::regnamespace
            ORDER BY 1, 2, 3
        LOOP
            -- the signature itself, then one argument at a time replaced by
            -- each type implicitly castable to it
            FOR sig IN
                SELECT f.args
                UNION
                SELECT f.args[1:g.pos - 1] || c.castsource || f.args[g.pos + 1:]
                FROM generate_subscripts(f.args, 1) g(pos)
                JOIN pg_cast c ON c.casttarget = f.args[g.pos] AND c.castcontext = 'i'
            LOOP
                IF EXISTS (SELECT 1 FROM unnest(sig) a WHERE a NOT IN (SELECT oid FROM cr_ok_types)) THEN
                    n_skip := n_skip + 1;
                    CONTINUE;
                END IF;
                SELECT string_agg(format('%I.%I', ns.nspname, ty.typname), ', ' ORDER BY a.ord)
                  INTO args
                  FROM unnest(sig) WITH ORDINALITY a(oid, ord)
                  JOIN pg_type ty ON ty.oid = a.oid JOIN pg_namespace ns ON ns.oid = ty.typnamespace;
                k := k + 1;
                FOREACH ret IN ARRAY ARRAY[(SELECT format('%I.%I', ns.nspname, ty.typname)
                                            FROM pg_type ty JOIN pg_namespace ns ON ns.oid = ty.typnamespace
                                            WHERE ty.oid = f.ret AND ty.typname <> 'internal'),
                                           'pg_catalog.bool'] LOOP
                    CONTINUE WHEN ret IS NULL;
                    body := format('INSERT INTO public.probe_log VALUES (CURRENT_USER, %L); '
                                   'SELECT pg_catalog.nextval(''public.probe_seq''); SELECT NULL::%s',
                                   format('%s %s.%s(%s)', CASE f.kind WHEN 'f' THEN 'function' ELSE 'operator' END,
                                          s.nsp, f.name, args), ret);
                    BEGIN
                        IF f.kind = 'f' THEN
                            EXECUTE format('CREATE FUNCTION %I.%I(%s) RETURNS %s LANGUAGE sql AS %L',
                                           s.nsp, f.name, args, ret, body);
                        ELSE
                            fname := format('%I.%I', s.nsp, 'cr_probe_op_' || k);
                            EXECUTE format('CREATE FUNCTION %s(%s) RETURNS %s LANGUAGE sql AS %L',
                                           fname, args, ret, body);
                            EXECUTE format('CREATE OPERATOR %I.%s (%s FUNCTION = %s)', s.nsp, f.name,
                                           CASE WHEN cardinality(sig) = 1
                                                THEN format('RIGHTARG = %s,', args)
                                                ELSE format('LEFTARG = %s, RIGHTARG = %s,',
                                                            split_part(args, ', ', 1), split_part(args, ', ', 2)) END,
                                           fname);
                        END IF;
                        n_ok := n_ok + 1;
                        EXIT;
                    EXCEPTION WHEN duplicate_function OR duplicate_object THEN
                        EXIT;  -- planted already by another variant
                    WHEN OTHERS THEN
                        IF ret = 'pg_catalog.bool' THEN
                            n_skip := n_skip + 1;
                        END IF;
                    END;
                END LOOP;
            END LOOP;
        END LOOP;
    END LOOP;
    RAISE NOTICE 'planted % objects, % skipped', n_ok, n_skip;
    PERFORM set_config('cr.planted', n_ok::text, false);
END
$plant$;
SELECT current_setting('cr.planted') AS planted \gset
