-- The owner's row-level security set-up, kept as a script: pg_dump does not
-- write it out for a table that belongs to an extension, so it is run again
-- after every restore.  Names are schema-qualified because a plain dump sets
-- search_path to '' (this script may run in the same session, psql -1).
ALTER TABLE public.retention_model_registry ENABLE ROW LEVEL SECURITY;
CREATE POLICY own_models ON public.retention_model_registry
  USING (created_by = current_user) WITH CHECK (created_by = current_user);
