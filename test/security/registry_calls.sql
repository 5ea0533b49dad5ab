-- test/security/registry_calls.sql: run by a superuser after the attacker's
-- session planted its look-alikes (test/security/plant.sql) and installed the
-- extension.  The model registry's functions are PL/pgSQL whose queries are
-- planned when they first run, with the extension's schema, where the
-- look-alikes sit, second in their search_path: every path through them
-- (saves, activations, fetches, and each error, the row-level security ones
-- included) is taken here, and none may resolve a name to a planted object.
-- A planted object that runs in a path that then fails has its log row
-- rolled back with the error, so the planted objects' count in the sequence
-- public.probe_seq is compared instead.  Prints "name: value" lines that
-- security_install.sh reads.
\ir superuser_setup.sql

-- runs a statement and says whether it ended with the SQLSTATE expected
-- ('00000': no error)
CREATE FUNCTION pg_temp.ends(q text, want text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN want = '00000';
EXCEPTION WHEN others THEN
  RETURN SQLSTATE = want;
END $$;
CREATE TEMP TABLE calls (k serial, ok boolean);
CREATE TEMP TABLE mm AS
SELECT :"ns".retention_train(ARRAY[(i % 7)::float8, (i % 3)::float8], (i % 7 + i % 3) % 4 <> 0,
                             '{"features": ["a", "b"]}') AS m
FROM generate_series(1, 200) i;

INSERT INTO calls (ok) SELECT pg_temp.ends(format(q, :'ns'), want) FROM (VALUES
  ($q$SELECT %I.retention_model_save('m', m, '{"auc": 0.5}', 'n') FROM pg_temp.mm$q$, '00000'),
  ($q$SELECT %I.retention_model_save('m', m) FROM pg_temp.mm$q$, '00000'),
  ($q$SELECT %I.retention_model_activate('m', 1)$q$, '00000'),
  ($q$SELECT %I.retention_model_activate('m', 2)$q$, '00000'),
  ($q$SELECT %I.retention_model_activate('m', 2)$q$, '00000'),
  ($q$SELECT %I.retention_model_active('m')$q$, '00000'),
  ($q$SELECT %I.retention_model_name_blank(E' \u3000')$q$, '00000'),
  ($q$SELECT %I.retention_model_save(NULL, m) FROM pg_temp.mm$q$, '22023'),
  ($q$SELECT %I.retention_model_save(' ', m) FROM pg_temp.mm$q$, '22023'),
  ($q$SELECT %I.retention_model_save(pg_catalog.repeat('x', 2000), m) FROM pg_temp.mm$q$, '54000'),
  ($q$SELECT %I.retention_model_save('m', NULL)$q$, '22004'),
  ($q$SELECT %I.retention_model_save('m', m, '[1]') FROM pg_temp.mm$q$, '22023'),
  ($q$SELECT %I.retention_model_activate('m', NULL)$q$, '22004'),
  ($q$SELECT %I.retention_model_activate('m', 9)$q$, '42704'),
  ($q$SELECT %I.retention_model_active('none')$q$, '42704')
) v(q, want);
-- the last version number
INSERT INTO :"ns".retention_model_registry (name, version, model) SELECT 'lim', 2147483647, m FROM mm;
INSERT INTO calls (ok) SELECT pg_temp.ends(format($q$SELECT %I.retention_model_save('lim', m) FROM pg_temp.mm$q$, :'ns'), '54000');
-- a version number taken by a row the caller cannot see, and activations
-- beside an active version row-level security hides or keeps from update
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cr_sec_coach') THEN
    CREATE ROLE cr_sec_coach;
  END IF;
END $$;
GRANT SELECT, INSERT, UPDATE ON :"ns".retention_model_registry TO cr_sec_coach;
GRANT USAGE ON SCHEMA :"ns" TO cr_sec_coach;
GRANT SELECT ON mm, calls TO cr_sec_coach;
GRANT INSERT ON calls TO cr_sec_coach;
GRANT USAGE ON SEQUENCE calls_k_seq TO cr_sec_coach;
ALTER TABLE :"ns".retention_model_registry ENABLE ROW LEVEL SECURITY;
CREATE POLICY own ON :"ns".retention_model_registry
  USING (created_by = current_user) WITH CHECK (created_by = current_user);
SET ROLE cr_sec_coach;
INSERT INTO calls (ok) SELECT pg_temp.ends(format(q, :'ns'), want) FROM (VALUES
  ($q$SELECT %I.retention_model_save('m', m) FROM pg_temp.mm$q$, '00000'),
  ($q$SELECT %I.retention_model_activate('m', 3)$q$, '42501')
) v(q, want);
RESET ROLE;
DROP POLICY own ON :"ns".retention_model_registry;
CREATE POLICY see ON :"ns".retention_model_registry FOR SELECT USING (true);
CREATE POLICY ins ON :"ns".retention_model_registry FOR INSERT WITH CHECK (created_by = current_user);
CREATE POLICY upd ON :"ns".retention_model_registry FOR UPDATE USING (created_by = current_user);
SET ROLE cr_sec_coach;
INSERT INTO calls (ok) SELECT pg_temp.ends(format(q, :'ns'), want) FROM (VALUES
  ($q$SELECT %I.retention_model_activate('m', 3)$q$, '42501'),
  ($q$SELECT %I.retention_model_activate('m', 2)$q$, '42501')
) v(q, want);
RESET ROLE;
DROP POLICY see ON :"ns".retention_model_registry;
DROP POLICY ins ON :"ns".retention_model_registry;
DROP POLICY upd ON :"ns".retention_model_registry;
ALTER TABLE :"ns".retention_model_registry DISABLE ROW LEVEL SECURITY;
REVOKE ALL ON :"ns".retention_model_registry FROM cr_sec_coach;
REVOKE ALL ON SCHEMA :"ns" FROM cr_sec_coach;
REVOKE ALL ON mm, calls, calls_k_seq FROM cr_sec_coach;
DROP ROLE cr_sec_coach;
-- under REPEATABLE READ: the already active version, locked
BEGIN ISOLATION LEVEL REPEATABLE READ;
INSERT INTO calls (ok) SELECT pg_temp.ends(format($q$SELECT %I.retention_model_activate('m', 2)$q$, :'ns'), '00000');
COMMIT;

SELECT 'registry paths: ' || count(*) FILTER (WHERE ok) || ' of ' || count(*) FROM calls;
SELECT 'registry ran: ' || (coalesce(pg_sequence_last_value('public.probe_seq'), 0) - :ran_before);
