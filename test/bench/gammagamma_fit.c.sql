-- label: the same with every spend distinct: 22000
DO $$BEGIN PERFORM gammagamma_fit(x, m) FROM bench_gg_runoff_distinct; EXCEPTION WHEN SQLSTATE '22000' THEN NULL; END$$;
