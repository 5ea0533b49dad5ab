-- The owner's row-level security set-up and its own index on the registry,
-- kept as a script: pg_dump writes neither out for a table that belongs to
-- an extension, so it is run again after every restore.  Names are schema-qualified because a plain dump sets
-- search_path to '' (this script may run in the same session, psql -1).
ALTER TABLE public.retention_model_registry ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_models ON public.retention_model_registry
  USING (created_by = current_user) WITH CHECK (created_by = current_user);
CREATE INDEX registry_by_creator ON public.retention_model_registry (created_by);
