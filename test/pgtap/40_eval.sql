-- Evaluation (issue 4): AUC, metrics, calibration and ECE against scikit-learn,
-- parallel equals serial, GROUP BY, errors with SQLSTATEs, retention_split.
-- Reference values: test/reference/eval_reference.py (scikit-learn 1.2.1,
-- numpy 1.24.2), on the very same data as eval_data below.
BEGIN;
SELECT plan(70);

CREATE FUNCTION pg_temp.close(a float8, b float8, rel float8 DEFAULT 1e-12)
RETURNS boolean LANGUAGE sql IMMUTABLE AS
$$ SELECT a IS NOT NULL AND abs(a - b) <= rel * greatest(abs(b), 1e-300) $$;

CREATE FUNCTION pg_temp.plan_of(q text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE line text; result text := '';
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (COSTS OFF) ' || q LOOP
        result := result || line || E'\n';
    END LOOP;
    RETURN result;
END $$;

CREATE TABLE eval_data AS
SELECT i,
  CASE WHEN i % 97 = 0 THEN NULL ELSE ((i * 37) % 101)::float8 / 100 END AS score,
  CASE WHEN i % 97 = 0 THEN NULL ELSE (2 * ((i * 37) % 101) + 1)::float8 / 203 END AS cal,
  CASE WHEN i % 89 = 0 THEN NULL ELSE ((i * 13) % 17) * 100 < 17 * ((i * 37) % 101) + 250 END AS label,
  i % 3 AS grp
FROM generate_series(1, 3000) i;

-- ---------------------------------------------------------------- AUC
SELECT ok(pg_temp.close(retention_auc(score, label), 0.8427677738258548), 'AUC with ties equals roc_auc_score')
FROM eval_data;
SELECT ok(pg_temp.close(retention_auc(-score * 1e6 + 3, NOT label), 0.8427677738258548),
          'AUC is invariant under a decreasing map with the labels flipped')
FROM eval_data;
SELECT results_eq(
    $$ SELECT grp, round(retention_auc(score, label)::numeric, 12) FROM eval_data GROUP BY grp ORDER BY grp $$,
    $$ VALUES (0, round(0.8384087407199888, 12)), (1, round(0.8445277116309474, 12)), (2, round(0.8453769532696438, 12)) $$,
    'GROUP BY: AUC per group equals roc_auc_score per group');
SELECT is(retention_auc(score, true), NULL, 'only positives: AUC is NULL') FROM eval_data;
SELECT is(retention_auc(score, label), NULL, 'no rows: AUC is NULL') FROM eval_data WHERE false;
SELECT is(retention_auc(NULL::float8, label), NULL, 'only NULL scores: AUC is NULL') FROM eval_data;
SELECT is(retention_auc(s, l), 0.5::float8, 'all scores tied: AUC is 1/2')
FROM (VALUES (0.3, true), (0.3, false), (0.3, true), (0.3, false)) v(s, l);
SELECT is(retention_auc(s, l), 1::float8, 'infinite scores rank like any other')
FROM (VALUES ('-Infinity'::float8, false), ('Infinity', true), (-0.0, false), (1e300, true)) v(s, l);
SELECT is(retention_auc(s, l), 0.5::float8, '-0 and +0 are one tied value')
FROM (VALUES (-0.0::float8, true), (0.0::float8, false)) v(s, l);

-- ---------------------------------------------------------------- metrics
CREATE TEMP TABLE m05 AS SELECT (retention_metrics(score, label)).* FROM eval_data;
CREATE TEMP TABLE m03 AS SELECT (retention_metrics(score, label, 0.3)).* FROM eval_data;
SELECT is(n, 2937::bigint, 'metrics: n counts rows with score and label') FROM m05;
SELECT is(n_positive, 1941::bigint, 'metrics: n_positive') FROM m05;
SELECT ok(pg_temp.close(base_rate, 0.6608784473953013), 'metrics: base_rate') FROM m05;
SELECT ok(pg_temp.close(auc, 0.8427677738258548), 'metrics: auc') FROM m05;
SELECT ok(pg_temp.close(log_loss, 0.5890885320795569), 'metrics: log_loss (clipped as scikit-learn, eps 2.22e-16)') FROM m05;
SELECT ok(pg_temp.close(brier, 0.17971933946203608), 'metrics: brier') FROM m05;
SELECT ok(pg_temp.close(accuracy, 0.7381681988423562), 'metrics: accuracy at 0.5') FROM m05;
SELECT ok(pg_temp.close(precision, 0.894878706199461), 'metrics: precision at 0.5') FROM m05;
SELECT ok(pg_temp.close(recall, 0.6841834106130861), 'metrics: recall at 0.5') FROM m05;
SELECT ok(pg_temp.close(f1, 0.7754744525547446), 'metrics: f1 at 0.5') FROM m05;
SELECT ok(pg_temp.close(mcc, 0.4995304775074361), 'metrics: mcc at 0.5') FROM m05;
SELECT ok(pg_temp.close(accuracy, 0.7654068777664284), 'metrics: accuracy at 0.3') FROM m03;
SELECT ok(pg_temp.close(precision, 0.8030009680542111), 'metrics: precision at 0.3') FROM m03;
SELECT ok(pg_temp.close(recall, 0.8547140649149922), 'metrics: recall at 0.3') FROM m03;
SELECT ok(pg_temp.close(f1, 0.8280509109059146), 'metrics: f1 at 0.3') FROM m03;
SELECT ok(pg_temp.close(mcc, 0.4623602524188694), 'metrics: mcc at 0.3') FROM m03;
SELECT ok(pg_temp.close(log_loss, 0.5890885320795569) AND pg_temp.close(auc, 0.8427677738258548),
          'metrics: threshold changes neither log_loss nor auc') FROM m03;
SELECT is(row(precision, f1, mcc)::text, '(,0,)', 'no predicted positives: precision and mcc NULL, f1 = 2tp/(2tp+fp+fn) = 0')
FROM (SELECT (retention_metrics(s, l, 0.9)).* FROM (VALUES (0.2, false), (0.4, true)) v(s, l)) x;
SELECT is(row(auc, precision, recall, mcc)::text, '(,0,,)', 'only negatives: auc, recall and mcc NULL, precision 0')
FROM (SELECT (retention_metrics(s, false)).* FROM (VALUES (0.2), (0.7)) v(s)) x;
SELECT ok(pg_temp.close(log_loss, -ln(2.220446049250313e-16) / 2), 'a confident miss costs -ln(eps) (clipped)')
FROM (SELECT (retention_metrics(s, l)).* FROM (VALUES (0.0, true), (0.0, false)) v(s, l)) x;
SELECT ok(pg_temp.close(log_loss, -ln(1 - (1 - 2.220446049250313e-16)) / 2), 'clipping at 1 - eps too')
FROM (SELECT (retention_metrics(s, l)).* FROM (VALUES (1.0, false), (1.0, true)) v(s, l)) x;
SELECT is(retention_metrics(score, label), NULL, 'no rows: metrics are NULL') FROM eval_data WHERE false;

-- ---------------------------------------------------------------- calibration and ECE
SELECT results_eq(
    $$ SELECT b.bin, b.n, round(b.mean_score::numeric, 12), round(b.observed_rate::numeric, 12)
       FROM (SELECT retention_calibration(cal, label, 10) AS c FROM eval_data) x, unnest(x.c) b ORDER BY b.bin $$,
    $$ VALUES
        (1, 289::bigint, round(0.049141766239964545, 12), round(0.22145328719723184, 12)),
        (2, 293, round(0.14803544108004518, 12), round(0.32764505119453924, 12)),
        (3, 289, round(0.2463224640769077, 12), round(0.42214532871972316, 12)),
        (4, 322, round(0.35009026099195334, 12), round(0.5279503105590062, 12)),
        (5, 289, round(0.4532871972318356, 12), round(0.6193771626297578, 12)),
        (6, 293, round(0.552144454345232, 12), round(0.7372013651877133, 12)),
        (7, 288, round(0.650451559934319, 12), round(0.8368055555555556, 12)),
        (8, 293, round(0.7490542880680572, 12), round(0.9283276450511946, 12)),
        (9, 289, round(0.8473417764671801, 12), 1.000000000000),
        (10, 292, round(0.9461164720966359, 12), 1.000000000000) $$,
    'calibration bins equal scikit-learn calibration_curve');
SELECT ok(pg_temp.close(retention_ece(cal, label, 10), 0.16301611342293187), 'ECE equals the reference')
FROM eval_data;
SELECT is((SELECT array_agg(row(b.bin, b.lower, b.upper, b.n)::text ORDER BY b.bin)
           FROM unnest(retention_calibration(s, true, 4)) b),
          ARRAY['(1,0,0.25,1)', '(2,0.25,0.5,0)', '(3,0.5,0.75,2)', '(4,0.75,1,2)'],
          'edges: 0 in the first bin, 0.5 opens bin 3, 1 in the last bin, empty bins kept')
FROM (VALUES (0.0), (0.5), (0.7), (0.75), (1.0)) v(s);
SELECT is((SELECT row(b.mean_score, b.observed_rate)::text FROM unnest(retention_calibration(s, true, 4)) b WHERE b.bin = 2),
          '(,)', 'an empty bin has NULL mean_score and observed_rate')
FROM (VALUES (0.0), (1.0)) v(s);
SELECT is(retention_ece(s, l, 1), 0::float8, 'one bin, perfectly calibrated on average: ECE 0')
FROM (VALUES (0.25, true), (0.25, false), (0.75, true), (0.75, false)) v(s, l);
SELECT is(retention_calibration(score, label, 10), NULL, 'no rows: calibration is NULL') FROM eval_data WHERE false;

-- ---------------------------------------------------------------- parallel equals serial
CREATE TABLE eval_big AS
SELECT i,
  ((i * 7919) % 10007)::float8 / 10007 AS score,
  ((i * 104729) % 1000) < ((i * 7919) % 10007) / 10 + 200 AS label,
  i % 5 AS grp
FROM generate_series(1, 300000::bigint) i;
ANALYZE eval_big;
SET LOCAL max_parallel_workers_per_gather = 0;
CREATE TEMP TABLE serial_res AS
SELECT retention_auc(score, label) AS auc, retention_metrics(score, label) AS m,
       retention_calibration(score, label, 20) AS c, retention_ece(score, label, 20) AS ece FROM eval_big;
CREATE TEMP TABLE serial_grp AS
SELECT grp, retention_auc(score, label) AS auc, retention_ece(score, label, 7) AS ece FROM eval_big GROUP BY grp;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL min_parallel_table_scan_size = 0;
SET LOCAL max_parallel_workers_per_gather = 2;
SELECT matches(pg_temp.plan_of($$ SELECT retention_auc(score, label), retention_metrics(score, label),
       retention_calibration(score, label, 20) FROM eval_big $$), 'Partial Aggregate',
       'the parallel plan uses partial aggregation');
SELECT matches(pg_temp.plan_of($$ SELECT grp, retention_auc(score, label) FROM eval_big GROUP BY grp $$),
       'Partial (Hash|Group)Aggregate', 'GROUP BY is partially aggregated in parallel too');
CREATE TEMP TABLE parallel_res AS
SELECT retention_auc(score, label) AS auc, retention_metrics(score, label) AS m,
       retention_calibration(score, label, 20) AS c, retention_ece(score, label, 20) AS ece FROM eval_big;
CREATE TEMP TABLE parallel_grp AS
SELECT grp, retention_auc(score, label) AS auc, retention_ece(score, label, 7) AS ece FROM eval_big GROUP BY grp;
SELECT is(p.auc, s.auc, 'parallel AUC equals serial AUC exactly') FROM parallel_res p, serial_res s;
SELECT ok((p.m).n = (s.m).n AND (p.m).n_positive = (s.m).n_positive AND (p.m).auc = (s.m).auc
          AND (p.m).accuracy = (s.m).accuracy AND (p.m).mcc = (s.m).mcc
          AND pg_temp.close((p.m).log_loss, (s.m).log_loss) AND pg_temp.close((p.m).brier, (s.m).brier),
          'parallel metrics equal serial metrics') FROM parallel_res p, serial_res s;
SELECT ok((SELECT bool_and(a.n = b.n AND pg_temp.close(a.mean_score, b.mean_score)
                           AND pg_temp.close(a.observed_rate, b.observed_rate))
           FROM unnest(p.c) WITH ORDINALITY a(bin, lower, upper, n, mean_score, observed_rate, o)
           JOIN unnest(s.c) WITH ORDINALITY b(bin, lower, upper, n, mean_score, observed_rate, o) USING (o)),
          'parallel calibration equals serial calibration') FROM parallel_res p, serial_res s;
SELECT ok(pg_temp.close(p.ece, s.ece), 'parallel ECE equals serial ECE') FROM parallel_res p, serial_res s;
SELECT is((SELECT count(*)::int FROM parallel_grp p JOIN serial_grp s USING (grp)
           WHERE p.auc = s.auc AND pg_temp.close(p.ece, s.ece)), 5, 'parallel GROUP BY equals serial GROUP BY');
SELECT is((SELECT auc FROM serial_res), (SELECT retention_auc(score, label) FROM (SELECT * FROM eval_big ORDER BY i DESC) x),
          'AUC does not depend on row order');
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- ---------------------------------------------------------------- memory limit
SET LOCAL community_retention.max_train_memory = '1MB';
SELECT throws_ok($$ SELECT retention_auc(score, label) FROM eval_big $$, '54000', NULL,
                 'past max_train_memory: program_limit_exceeded');
SELECT throws_ok($$ SELECT retention_metrics(score, label) FROM eval_big $$, '54000', NULL,
                 'retention_metrics has the same limit');
SELECT ok(pg_temp.close(retention_auc(score, label), 0.8427677738258548), 'a small input still fits under 1MB')
FROM eval_data;
RESET community_retention.max_train_memory;

-- ---------------------------------------------------------------- errors
SELECT throws_ok($$ SELECT retention_auc(s, true) FROM (VALUES ('NaN'::float8)) v(s) $$, '22023',
                 'score must not be NaN', 'AUC: NaN score');
SELECT throws_ok($$ SELECT retention_metrics(s, true) FROM (VALUES (1.5::float8)) v(s) $$, '22023',
                 'score must be between 0 and 1', 'metrics: score above 1');
SELECT throws_ok($$ SELECT retention_metrics(s, true) FROM (VALUES (-0.1::float8)) v(s) $$, '22023',
                 'score must be between 0 and 1', 'metrics: negative score');
SELECT throws_ok($$ SELECT retention_metrics(s, true, t) FROM (VALUES (0.1::float8, 0.5::float8), (0.2, 0.6)) v(s, t) $$,
                 '22023', 'threshold must be the same for every row of a group', 'metrics: threshold changes');
SELECT throws_ok($$ SELECT retention_metrics(0.5, true, NULL) $$, '22004', 'threshold must not be null',
                 'metrics: NULL threshold');
-- a skipped row (NULL score or label) sets the group's threshold too, as it
-- sets retention_calibration's bins: the mismatch is an error in either row
-- order, and skipped rows alone give NULL
SELECT throws_ok($$ SELECT retention_metrics(s, l, t ORDER BY o) FROM (VALUES (1, NULL::float8, true, 0.3), (2, 0.5, true, 0.4)) v(o, s, l, t) $$,
                 '22023', 'threshold must be the same for every row of a group', 'metrics: threshold changes after a skipped row');
SELECT throws_ok($$ SELECT retention_metrics(s, l, t ORDER BY o) FROM (VALUES (1, 0.5::float8, true, 0.4), (2, 0.5, NULL::boolean, 0.3)) v(o, s, l, t) $$,
                 '22023', 'threshold must be the same for every row of a group', 'metrics: a skipped row with another threshold');
SELECT is((SELECT retention_metrics(s, l, 0.3) IS NULL FROM (VALUES (NULL::float8, true), (0.5, NULL)) v(s, l)), true,
          'metrics: only skipped rows give NULL');
SELECT throws_ok($$ SELECT retention_calibration(0.5, true, 0) $$, '22023', 'bins must be between 1 and 1000',
                 'calibration: bins 0');
SELECT throws_ok($$ SELECT retention_ece(0.5, true, 1001) $$, '22023', 'bins must be between 1 and 1000',
                 'ECE: bins 1001');
SELECT throws_ok($$ SELECT retention_calibration(s, true, b) FROM (VALUES (0.1::float8, 5), (0.2, 6)) v(s, b) $$,
                 '22023', 'bins must be the same for every row of a group', 'calibration: bins change');
-- a skipped row (NULL score) sets the group's bins too: the mismatch is an
-- error in either row order, and skipped rows alone give NULL
SELECT throws_ok($$ SELECT retention_ece(s, l, b ORDER BY o) FROM (VALUES (1, NULL::float8, true, 3), (2, 0.5, true, 4)) v(o, s, l, b) $$,
                 '22023', 'bins must be the same for every row of a group', 'ECE: bins change after a skipped row');
SELECT throws_ok($$ SELECT retention_calibration(s, l, b ORDER BY o) FROM (VALUES (1, 0.5::float8, NULL::boolean, 3), (2, 0.5, true, 4)) v(o, s, l, b) $$,
                 '22023', 'bins must be the same for every row of a group', 'calibration: bins change after a skipped row');
SELECT is((SELECT ARRAY[retention_ece(s, l, 5) IS NULL, retention_calibration(s, l, 5) IS NULL]
           FROM (VALUES (NULL::float8, true), (0.5, NULL)) v(s, l)), ARRAY[true, true],
          'only skipped rows: NULL');
SELECT throws_ok($$ SELECT retention_split(1, 1.5) $$, '22023', 'test_fraction must be between 0 and 1',
                 'split: test_fraction above 1');

-- ---------------------------------------------------------------- retention_split
-- "within 0.5 %" read strictly: relative to test_fraction (0.3 +- 0.0015, 0.1 +- 0.0005)
SELECT ok(abs(avg(retention_split(g, 0.3)::int) - 0.3) <= 0.005 * 0.3, 'bigint keys: test share within 0.5 % of 0.3 over 1M keys')
FROM generate_series(1, 1000000) g;
SELECT ok(abs(avg(retention_split('member-' || g, 0.1, 42)::int) - 0.1) <= 0.005 * 0.1,
          'text keys: test share within 0.5 % of 0.1 over 1M keys')
FROM generate_series(1, 1000000) g;
SELECT is(string_agg(g::text, ',' ORDER BY g), '1,2,3,4,5,6,8,13,15,16,17,21,24,28,29,30,34,35,37,38',
          'bigint keys: the same assignment as the reference implementation')
FROM generate_series(1, 40) g WHERE retention_split(g, 0.5);
SELECT is(string_agg(g::text, ',' ORDER BY g), '1,2,4,7,8,9,10,11,12,13,15,16,18,19,20,24,26,27,28,29,33,36,37,38,39,40',
          'text keys: the same assignment as the reference implementation')
FROM generate_series(1, 40) g WHERE retention_split(g::text, 0.5);
SELECT is(string_agg(CASE WHEN retention_split(k, 0.5, 3) THEN 't' ELSE 'f' END, ',' ORDER BY o), 'f,f,t,f,t,f,f',
          'multibyte and empty text keys hash their UTF-8 bytes')
FROM unnest(ARRAY['', 'a', 'été', 'abcdefgh', 'abcdefghi', 'member-éà-123456789', '日本語のキー']) WITH ORDINALITY u(k, o);
SELECT is(string_agg(CASE WHEN retention_split(k, 0.5, -5) THEN 't' ELSE 'f' END, ',' ORDER BY o), 'f,f,t,f',
          'extreme bigint keys and a negative seed')
FROM unnest(ARRAY[-1, 0, 9223372036854775807, -9223372036854775808]) WITH ORDINALITY u(k, o);
SELECT ok(abs(avg((retention_split(g, 0.3) AND retention_split(g, 0.3, 1))::int) - 0.09) <= 0.005,
          'different seeds give independent splits')
FROM generate_series(1, 1000000) g;

SELECT * FROM finish();
ROLLBACK;
