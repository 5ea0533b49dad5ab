-- label: gammagamma_fit, 1M rows drawn from limit A: a maximum at q = 16400, near the face
DO $$BEGIN PERFORM gammagamma_fit(x, m) FROM bench_gg_limit_a; EXCEPTION WHEN SQLSTATE '22000' THEN NULL; END$$;
