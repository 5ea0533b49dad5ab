
-- ===========================================================================
-- Objects new or redefined in 1.1.  Everything below this line is run both by
-- a fresh install and by ALTER EXTENSION community_retention UPDATE TO '1.1'.
-- ===========================================================================
