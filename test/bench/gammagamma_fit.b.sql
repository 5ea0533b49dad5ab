-- label: gammagamma_fit, 1M rows with no maximum (run-off towards q -> infinity, 19 distinct rows): 22000
DO $$BEGIN PERFORM gammagamma_fit(x, m) FROM bench_gg_runoff; EXCEPTION WHEN SQLSTATE '22000' THEN NULL; END$$;
