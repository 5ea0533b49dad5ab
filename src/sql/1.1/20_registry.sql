
-- ---------------------------------------------------------------------------
-- Model registry (issue #13): named, numbered model versions kept as data,
-- at most one active version per name.  The table is an extension
-- configuration table, so pg_dump keeps the user's rows.
--
-- Privileges.  A trusted extension's script runs as the bootstrap superuser,
-- so the table would belong to the superuser and the (possibly non-superuser)
-- role that ran CREATE EXTENSION could not even read it.  The script hands the
-- table over to the extension's owner: that role can then save, activate and
-- read models, GRANT access to other roles and enable row-level security, as
-- with any table it owns; every other role needs a GRANT.  The functions are
-- SECURITY INVOKER: they read and write with the caller's rights, under the
-- caller's row-level security policies.  Their bodies call built-in
-- functions as pg_catalog.x: the extension's schema is second in their
-- search_path, and a function there taking an argument's exact type would
-- beat pg_catalog's one that needs a cast.  Because the table's owner may be
-- an ordinary role (who can add triggers and index expressions to it), no
-- install or update script may ever insert, update or delete its rows: the
-- scripts run as the bootstrap superuser.
-- ---------------------------------------------------------------------------

-- Whether a model name is white space only: Unicode's white space
-- characters, tested as UTF-8 bytes (a regular expression compares the
-- database encoding's character codes, which are Unicode's only in UTF-8 and
-- Latin-1 databases).  SQL_ASCII (any bytes) and MULE_INTERNAL (no
-- conversion to UTF-8) are read as they are; a character with no Unicode
-- equivalent (WIN1252's 0x81, EUC_JP's user-defined area) is not white space.
-- IMMUTABLE: the database's encoding never changes.  PARALLEL UNSAFE: the
-- exception handler starts a subtransaction, which no process can in
-- parallel mode, the leader included (25000, "cannot start subtransactions
-- during a parallel operation"; PostgreSQL's documentation asks for UNSAFE
-- for exactly this).
CREATE FUNCTION @extschema@.retention_model_name_blank(name text)
RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
    RETURN pg_catalog.encode(pg_catalog.convert_to(name,
               CASE WHEN pg_catalog.getdatabaseencoding() IN ('SQL_ASCII', 'MULE_INTERNAL')
                    THEN pg_catalog.getdatabaseencoding() ELSE 'UTF8' END), 'hex')
           ~ '^(09|0a|0b|0c|0d|20|c285|c2a0|e19a80|e2808[0-9a]|e280a8|e280a9|e280af|e2819f|e38080)*$';
EXCEPTION WHEN untranslatable_character THEN
    RETURN false;
END
$$;
COMMENT ON FUNCTION @extschema@.retention_model_name_blank(text) IS
'Whether a model name is empty or Unicode white space only, in any database encoding (the registry''s name check)';

CREATE TABLE @extschema@.retention_model_registry (
    name       text NOT NULL,
    version    int NOT NULL,
    created_at timestamptz NOT NULL DEFAULT pg_catalog.now(),
    created_by text NOT NULL DEFAULT CURRENT_USER,
    model      @extschema@.retention_model NOT NULL,
    metrics    jsonb NOT NULL DEFAULT '{}',
    note       text,
    active     boolean NOT NULL DEFAULT false,
    CONSTRAINT retention_model_registry_pkey PRIMARY KEY (name, version),
    CONSTRAINT retention_model_registry_name_check
        -- the length first: a blank test of megabytes would be wasted
        CHECK (pg_catalog.octet_length(name) OPERATOR(pg_catalog.<=) 1024
               AND NOT @extschema@.retention_model_name_blank(name)),
    CONSTRAINT retention_model_registry_version_check
        CHECK (version OPERATOR(pg_catalog.>) 0),
    CONSTRAINT retention_model_registry_metrics_check
        CHECK (pg_catalog.jsonb_typeof(metrics) OPERATOR(pg_catalog.=) 'object')
);
-- at most one active version per name
CREATE UNIQUE INDEX retention_model_registry_one_active
    ON @extschema@.retention_model_registry (name) WHERE active;
COMMENT ON TABLE @extschema@.retention_model_registry IS
'Model registry: named, numbered versions of retention models with their training metrics; at most one active version per name. Dumped by pg_dump with the extension.';

SELECT pg_catalog.pg_extension_config_dump('@extschema@.retention_model_registry', '');

DO $$
DECLARE
    owner_name name;
BEGIN
    SELECT r.rolname INTO owner_name
    FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_roles r ON r.oid OPERATOR(pg_catalog.=) e.extowner
    WHERE e.extname OPERATOR(pg_catalog.=) 'community_retention';
    IF owner_name IS DISTINCT FROM CURRENT_USER THEN
        EXECUTE pg_catalog.format('ALTER TABLE %s OWNER TO %I',
            '@extschema@.retention_model_registry'::pg_catalog.regclass, owner_name);
    END IF;
END $$;

-- "White space only" is the Unicode White_Space characters, listed: the
-- class [[:space:]] follows the database's collation (U+3000 is space under
-- C.UTF-8, not under C), so a name one database accepted could fail the
-- CHECK when its dump is restored into another.

-- Names are compared, and hashed for the lock, under the database's default
-- collation, written out: a PL/pgSQL function's text parameters take the
-- collation of the call's arguments, so a name read from a column declared
-- with a case-insensitive (nondeterministic) collation would otherwise equal
-- other names ('CHURN' = 'churn') and fetch, activate or number after another
-- model's versions.  The default collation is deterministic (byte equality)
-- and is the one of the primary key's index, which the lookups use.

-- The table's owner may alter it, but the functions below read and write
-- its columns as created above: a column of another type (or renamed, or
-- dropped) would fail deep inside them with an error about an operator or
-- an expression, or misbehave (a smallint version runs out at 32767 with
-- "smallint out of range").  Each call checks the eight columns first and
-- names the first that differs, with the table and the type qualified by
-- the extension's schema.  In C (src/cr_registry.c): it reads the table's
-- descriptor from the relcache, well under a microsecond, where a PL/pgSQL
-- query on pg_attribute cost retention_model_active, which a select list
-- may call once per row, twice its own time.
CREATE FUNCTION @extschema@.retention_model_registry_check()
RETURNS void AS 'MODULE_PATHNAME', 'retention_model_registry_check'
LANGUAGE C STABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.retention_model_registry_check() IS
'Raises an error naming the first column of retention_model_registry whose type is not the one the registry functions need (or that is missing); the registry functions call it first';

-- Versions are numbered per name under a transaction-level advisory lock on
-- (registry table, hash of the name), so concurrent saves of one name queue up
-- and get distinct numbers; a number already taken by a row the caller cannot
-- see (row-level security, or a REPEATABLE READ snapshot) is skipped.
CREATE FUNCTION @extschema@.retention_model_save(name text, model @extschema@.retention_model,
    metrics jsonb DEFAULT NULL, note text DEFAULT NULL)
RETURNS int
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
DECLARE
    v bigint;
    violated text;
    inserted bigint;
BEGIN
    IF name IS NULL THEN
        RAISE EXCEPTION 'model name must not be empty'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF pg_catalog.octet_length(name) > 1024 THEN
        RAISE EXCEPTION 'model name is too long'
            USING ERRCODE = 'program_limit_exceeded',
                  DETAIL = pg_catalog.format('The name has %s bytes; at most 1024 are allowed.', pg_catalog.octet_length(name));
    END IF;
    IF @extschema@.retention_model_name_blank(name) THEN
        RAISE EXCEPTION 'model name must not be empty'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF model IS NULL THEN
        RAISE EXCEPTION 'model must not be null'
            USING ERRCODE = 'null_value_not_allowed',
                  HINT = 'retention_train returns NULL when no row was usable.';
    END IF;
    IF metrics IS NOT NULL AND pg_catalog.jsonb_typeof(metrics) <> 'object' THEN
        RAISE EXCEPTION 'metrics must be a JSON object'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    PERFORM @extschema@.retention_model_registry_check();
    PERFORM pg_catalog.pg_advisory_xact_lock('@extschema@.retention_model_registry'::regclass::oid::int,
                                  pg_catalog.hashtext(retention_model_save.name COLLATE pg_catalog."default"));
    SELECT coalesce(pg_catalog.max(r.version), 0)::bigint + 1 INTO v
    FROM @extschema@.retention_model_registry r WHERE r.name = retention_model_save.name COLLATE pg_catalog."default";
    LOOP
        IF v > 2147483647 THEN
            RAISE EXCEPTION 'model "%" has no version number left', name
                USING ERRCODE = 'program_limit_exceeded',
                      DETAIL = 'Versions are numbered from the highest version of the name, and version 2147483647 exists.',
                      HINT = 'Save under a new name, or delete the highest versions (numbering continues from the highest version left).';
        END IF;
        BEGIN
            INSERT INTO @extschema@.retention_model_registry (name, version, model, metrics, note)
            VALUES (retention_model_save.name, v, retention_model_save.model,
                    coalesce(retention_model_save.metrics, '{}'), retention_model_save.note);
            GET DIAGNOSTICS inserted = ROW_COUNT;
            -- a trigger or rule of the owner's that skipped the insert: no
            -- version was saved, so none may be reported
            IF inserted = 0 THEN
                RAISE EXCEPTION 'could not save model "%"', name
                    USING ERRCODE = 'triggered_action_exception',
                          DETAIL = pg_catalog.format('The insert of version %s changed no row: a trigger or rule on the registry table skipped it.', v);
            END IF;
            RETURN v;
        EXCEPTION WHEN unique_violation THEN
            -- only a taken version number is retried; a unique index the
            -- table's owner added is the owner's rule
            GET STACKED DIAGNOSTICS violated = CONSTRAINT_NAME;
            IF violated IS DISTINCT FROM 'retention_model_registry_pkey' THEN
                RAISE;
            END IF;
            v := v + 1;
        END;
    END LOOP;
END
$$;
COMMENT ON FUNCTION @extschema@.retention_model_save(text, @extschema@.retention_model, jsonb, text) IS
'Saves a model as the next version of a name in retention_model_registry (not active) and returns its version number';

-- Under REPEATABLE READ or SERIALIZABLE, the caller's snapshot may predate
-- another session's activation it waited for on the lock: it cannot see
-- that version's new state, so switching would break the one-active rule.
-- That is reported as a serialization failure, which the client retries.
CREATE FUNCTION @extschema@.retention_model_activate(name text, version int)
RETURNS void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
DECLARE
    violated text;
    other int;
    updated bigint;
BEGIN
    IF name IS NULL OR version IS NULL THEN
        RAISE EXCEPTION 'model name and version must not be null'
            USING ERRCODE = 'null_value_not_allowed';
    END IF;
    PERFORM @extschema@.retention_model_registry_check();
    PERFORM pg_catalog.pg_advisory_xact_lock('@extschema@.retention_model_registry'::regclass::oid::int,
                                  pg_catalog.hashtext(retention_model_activate.name COLLATE pg_catalog."default"));
    IF NOT EXISTS (SELECT 1 FROM @extschema@.retention_model_registry r
                   WHERE r.name = retention_model_activate.name COLLATE pg_catalog."default"
                     AND r.version = retention_model_activate.version) THEN
        RAISE EXCEPTION 'model "%" has no version %', name, version
            USING ERRCODE = 'undefined_object';
    END IF;
    UPDATE @extschema@.retention_model_registry r SET active = false
    WHERE r.name = retention_model_activate.name COLLATE pg_catalog."default" AND r.active
      AND r.version <> retention_model_activate.version;
    -- A version this role sees is still active: its UPDATE policies, or a
    -- trigger or rule of the owner's, kept it from being deactivated.
    -- Waiting and retrying would not help, so this is not reported as the
    -- serialization failure the activation below would end in.  (Under
    -- REPEATABLE READ a version activated after the snapshot is not seen
    -- here; the activation below reports that one.)
    SELECT r.version INTO other FROM @extschema@.retention_model_registry r
    WHERE r.name = retention_model_activate.name COLLATE pg_catalog."default" AND r.active
      AND r.version <> retention_model_activate.version;
    IF FOUND THEN
        IF pg_catalog.row_security_active('@extschema@.retention_model_registry'::regclass) THEN
            RAISE EXCEPTION 'could not activate version % of model "%"', version, name
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = pg_catalog.format('Version %s of this model is active, and row-level security does not let role %s deactivate it.',
                                                 other, pg_catalog.quote_ident(current_user)),
                      HINT = 'Activate the versions of a name as a role whose policies let it see and update every version of that name.';
        END IF;
        RAISE EXCEPTION 'could not activate version % of model "%"', version, name
            USING ERRCODE = 'triggered_action_exception',
                  DETAIL = pg_catalog.format('Version %s of this model is still active after the update that deactivates it: a trigger or rule on the registry table kept it active.', other);
    END IF;
    BEGIN
        UPDATE @extschema@.retention_model_registry r SET active = true
        WHERE r.name = retention_model_activate.name COLLATE pg_catalog."default" AND r.version = retention_model_activate.version
          AND NOT r.active;
        GET DIAGNOSTICS updated = ROW_COUNT;
    EXCEPTION WHEN unique_violation THEN
        GET STACKED DIAGNOSTICS violated = CONSTRAINT_NAME;
        IF violated IS DISTINCT FROM 'retention_model_registry_one_active' THEN
            RAISE;
        END IF;
        -- An active version this statement cannot see: under READ COMMITTED
        -- a new statement sees every committed activation, so one still
        -- unseen is hidden by row-level security, and a retry would fail
        -- forever.  Under REPEATABLE READ with row-level security on, it may
        -- be either.
        IF pg_catalog.row_security_active('@extschema@.retention_model_registry'::regclass)
           AND NOT EXISTS (SELECT 1 FROM @extschema@.retention_model_registry r
                           WHERE r.name = retention_model_activate.name COLLATE pg_catalog."default" AND r.active
                             AND r.version <> retention_model_activate.version) THEN
            RAISE EXCEPTION 'could not activate version % of model "%"', version, name
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = CASE WHEN pg_catalog.current_setting('transaction_isolation') = 'read committed'
                               THEN pg_catalog.format('Another version of this model is active, and row-level security hides it from role %s.', pg_catalog.quote_ident(current_user))
                               ELSE pg_catalog.format('Another version of this model is active, and row-level security hides it from role %s, or it was activated after this transaction''s snapshot was taken.', pg_catalog.quote_ident(current_user)) END,
                      HINT = 'Activate the versions of a name as a role whose policies let it see and update every version of that name.';
        END IF;
        RAISE EXCEPTION 'could not activate version % of model "%"', version, name
            USING ERRCODE = 'serialization_failure',
                  DETAIL = 'Another transaction activated a version of this model after this transaction''s snapshot was taken.',
                  HINT = 'Retry the transaction.';
    END;
    -- No row was switched on: the version was already active, or the UPDATE
    -- could not reach it although the check above saw it (a concurrent
    -- DELETE under READ COMMITTED, UPDATE policies that do not cover it, a
    -- trigger or rule that skipped it).  Only the first is a success; the
    -- others would leave the name without an active version (the previous
    -- one was switched off above), and their errors roll that back.  The
    -- already active version is locked, not just read: under REPEATABLE READ
    -- or SERIALIZABLE, one that another transaction deactivated after this
    -- snapshot (activating another) must not pass for active.
    IF updated = 0 THEN
        BEGIN
            PERFORM FROM @extschema@.retention_model_registry r
            WHERE r.name = retention_model_activate.name COLLATE pg_catalog."default"
              AND r.version = retention_model_activate.version AND r.active
            FOR SHARE;
        EXCEPTION WHEN serialization_failure THEN
            RAISE EXCEPTION 'could not activate version % of model "%"', version, name
                USING ERRCODE = 'serialization_failure',
                      DETAIL = 'Another transaction activated a version of this model after this transaction''s snapshot was taken.',
                      HINT = 'Retry the transaction.';
        END;
        IF FOUND THEN
            RETURN;
        END IF;
        IF NOT EXISTS (SELECT 1 FROM @extschema@.retention_model_registry r
                       WHERE r.name = retention_model_activate.name COLLATE pg_catalog."default"
                         AND r.version = retention_model_activate.version) THEN
            RAISE EXCEPTION 'model "%" has no version %', name, version
                USING ERRCODE = 'undefined_object';
        END IF;
        IF pg_catalog.row_security_active('@extschema@.retention_model_registry'::regclass) THEN
            RAISE EXCEPTION 'could not activate version % of model "%"', version, name
                USING ERRCODE = 'insufficient_privilege',
                      DETAIL = pg_catalog.format('Row-level security does not let role %s update version %s of this model.',
                                                 pg_catalog.quote_ident(current_user), version),
                      HINT = 'Activate the versions of a name as a role whose policies let it see and update every version of that name.';
        END IF;
        RAISE EXCEPTION 'could not activate version % of model "%"', version, name
            USING ERRCODE = 'triggered_action_exception',
                  DETAIL = 'The update that activates it changed no row: a trigger or rule on the registry table skipped it.';
    END IF;
END
$$;
COMMENT ON FUNCTION @extschema@.retention_model_activate(text, int) IS
'Makes one saved version the active model of its name (the previously active one is deactivated); activating an older version rolls back';

CREATE FUNCTION @extschema@.retention_model_active(name text)
RETURNS @extschema@.retention_model
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET search_path = pg_catalog, @extschema@, pg_temp
AS $$
DECLARE
    m @extschema@.retention_model;
BEGIN
    PERFORM @extschema@.retention_model_registry_check();
    SELECT r.model INTO m FROM @extschema@.retention_model_registry r
    WHERE r.name = retention_model_active.name COLLATE pg_catalog."default" AND r.active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'model "%" has no active version', name
            USING ERRCODE = 'undefined_object',
                  HINT = 'Activate a saved version with retention_model_activate(name, version).';
    END IF;
    RETURN m;
END
$$;
COMMENT ON FUNCTION @extschema@.retention_model_active(text) IS
'The active model of a name in retention_model_registry; STABLE, so a query or materialized view refresh reads the version active when it runs';
