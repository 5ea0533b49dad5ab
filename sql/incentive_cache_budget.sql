-- The decoded conditions one call site keeps are bounded in bytes by
-- community_retention.max_rule_cache_memory (a large decoded condition takes
-- about 4 times its stored size).  A condition that does not fit is decoded
-- into the one overflow entry instead of evicting another, so the results
-- are the same under any budget, and memory stays within the budget and
-- one condition.  Every answer is compared with the rule written in SQL.
LOAD 'community_retention';
SHOW community_retention.max_rule_cache_memory;
SET community_retention.max_rule_cache_memory = -1;
SET community_retention.max_rule_cache_memory = '1MB';
SHOW community_retention.max_rule_cache_memory;
RESET community_retention.max_rule_cache_memory;

CREATE TABLE cb_members (id int, k int, x float8, t text);
INSERT INTO cb_members
SELECT i, CASE WHEN i % 11 = 0 THEN NULL ELSE (i * 37) % 200 END,
       CASE WHEN i % 13 = 0 THEN NULL ELSE (i % 40) - 10 + (i % 3) * 0.5 END,
       CASE WHEN i % 9 = 0 THEN NULL ELSE 'm' || ((i * 7) % 60) END
FROM generate_series(1, 50) i;

-- 8 small rules and 6 large ones: 3000-item IN lists (about 27 kB stored,
-- 110 to 150 kB decoded), each different, the rules in between.
CREATE TABLE cb_rules (id int, cond text);
INSERT INTO cb_rules VALUES
 (1, 'x > 14'), (3, 'k BETWEEN 20 AND 90'), (5, 't IN (''m3'', ''m10'', ''m21'')'),
 (7, 'x IS NULL OR k < 30'), (9, 'coalesce(x, 0) * 20 >= k - 3'), (11, 't > ''m4'''),
 (13, 'NOT (k % 3 = 0)'), (15, 'x <= -5 AND t IS NOT NULL');
INSERT INTO cb_rules
SELECT 2 * g, CASE WHEN g % 3 = 0
       THEN 't IN (' || (SELECT string_agg(quote_literal('m' || (j * g) % 61 || '-' || j), ', ') FROM generate_series(1, 3000) j)
            || ', ''m' || g || ''', ''m' || (g * 9) || ''')'
       WHEN g % 3 = 1
       THEN 'k IN (' || (SELECT string_agg((j * (g + 1))::text, ', ') FROM generate_series(0, 2999) j) || ')'
       ELSE 'x NOT IN (' || (SELECT string_agg((j * 0.5 - g)::text, ', ') FROM generate_series(0, 2999, 4) j)
            || ', ' || (SELECT string_agg((j * 1e6 + g)::text, ', ') FROM generate_series(1, 2250) j) || ')' END
FROM generate_series(1, 6) g;
CREATE TABLE cb_conds AS SELECT id, cond::incentive_condition AS condition FROM cb_rules;
ANALYZE cb_members;
ANALYZE cb_conds;
SELECT count(*) AS rules, count(*) FILTER (WHERE length(cond) > 10000) AS large,
       min(octet_length(incentive_condition_send(condition))) FILTER (WHERE length(cond) > 10000) > 20000 AS large_stored_over_20kb
FROM cb_rules JOIN cb_conds USING (id);

-- The reference: each rule's predicate in SQL, per member.
CREATE FUNCTION cb_reference() RETURNS TABLE (id int, rule int, ok boolean)
LANGUAGE plpgsql AS $$
DECLARE r record;
BEGIN
  FOR r IN SELECT * FROM cb_rules ORDER BY cb_rules.id LOOP
    RETURN QUERY EXECUTE format('SELECT m.id, %s, coalesce(%s, false) FROM cb_members m', r.id, r.cond);
  END LOOP;
END $$;
CREATE TABLE cb_ref AS SELECT * FROM cb_reference();
CREATE UNIQUE INDEX ON cb_ref (id, rule);
ANALYZE cb_ref;
SELECT count(*) AS pairs, count(*) FILTER (WHERE ok) AS true_pairs,
       count(DISTINCT rule) FILTER (WHERE ok) AS rules_matching
FROM cb_ref;

-- Every way of calling, each compared with the reference: the rules join
-- node, the pairs in member order (each member cycles through all the
-- rules, as a nested loop with the members outer does) and in rule order
-- (one rule against every member), incentive_match_all, jsonb facts.
-- the matched pairs of a rules join against the reference
CREATE FUNCTION cb_join(OUT checked bigint, OUT disagree bigint) LANGUAGE sql AS $$
  SELECT count(*), count(*) FILTER (WHERE (m.id, r.id) NOT IN (SELECT f.id, f.rule FROM cb_ref f WHERE f.ok))
         + (SELECT count(*) FROM cb_ref WHERE ok) - count(*)
  FROM cb_members m JOIN cb_conds r ON incentive_matches(r.condition, m) $$;
-- every (member, rule) pair in member order or in rule order
CREATE FUNCTION cb_pairs(by_member boolean, OUT checked bigint, OUT disagree bigint) LANGUAGE sql AS $$
  SELECT count(*), count(*) FILTER (WHERE incentive_matches(p.condition, p.m) IS DISTINCT FROM
                                          (SELECT f.ok FROM cb_ref f WHERE f.id = (p.m).id AND f.rule = p.rule))
  FROM (SELECT m, r.id AS rule, r.condition FROM cb_members m CROSS JOIN cb_conds r
        ORDER BY CASE WHEN by_member THEN m.id ELSE r.id END, CASE WHEN by_member THEN r.id ELSE m.id END) p $$;
CREATE FUNCTION cb_check() RETURNS TABLE (form text, checked bigint, disagree bigint)
LANGUAGE plpgsql AS $$
BEGIN
  SET LOCAL max_parallel_workers_per_gather = 0;
  SET LOCAL community_retention.enable_rules_join = on;
  form := 'rules join node';
  SELECT * INTO checked, disagree FROM cb_join();
  RETURN NEXT;
  form := 'members outer: each cycles through the rules';
  SELECT * INTO checked, disagree FROM cb_pairs(true);
  RETURN NEXT;
  form := 'rules outer: one rule against every member';
  SELECT * INTO checked, disagree FROM cb_pairs(false);
  RETURN NEXT;
  form := 'incentive_match_all';
  SELECT count(*), count(*) FILTER (WHERE a.got IS DISTINCT FROM a.want)
    INTO checked, disagree
    FROM (SELECT (SELECT coalesce(array_agg(l.ids[p] ORDER BY p), '{}') FROM unnest(incentive_match_all(l.conds, m)) p) AS got,
                 (SELECT coalesce(array_agg(f.rule ORDER BY f.rule), '{}') FROM cb_ref f WHERE f.id = m.id AND f.ok) AS want
          FROM cb_members m,
               (SELECT array_agg(condition ORDER BY id) AS conds, array_agg(id ORDER BY id) AS ids FROM cb_conds) l) a;
  RETURN NEXT;
  form := 'jsonb facts, members outer';
  SELECT count(*), count(*) FILTER (WHERE incentive_matches(p.condition, p.facts) IS DISTINCT FROM
                                          (SELECT f.ok FROM cb_ref f WHERE f.id = p.id AND f.rule = p.rule))
    INTO checked, disagree
    FROM (SELECT m.id, to_jsonb(m) AS facts, r.id AS rule, r.condition
          FROM cb_members m CROSS JOIN cb_conds r ORDER BY m.id, r.id) p;
  RETURN NEXT;
END $$;
-- and a parallel rules join (each worker has a cache and a budget of its
-- own), run where workers can start: not inside a function
PREPARE cb_parallel AS
SELECT count(*) AS checked,
       count(*) FILTER (WHERE (m.id, r.id) NOT IN (SELECT f.id, f.rule FROM cb_ref f WHERE f.ok))
       + (SELECT count(*) FROM cb_ref WHERE ok) - count(*) AS disagree
FROM cb_members m JOIN cb_conds r ON incentive_matches(r.condition, m);
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
EXPLAIN (COSTS OFF) EXECUTE cb_parallel;
RESET max_parallel_workers_per_gather;
SELECT * FROM cb_check();
SET max_parallel_workers_per_gather = 2;
EXECUTE cb_parallel;
RESET max_parallel_workers_per_gather;
SET community_retention.max_rule_cache_memory = '320kB';
SELECT * FROM cb_check();
SET max_parallel_workers_per_gather = 2;
EXECUTE cb_parallel;
RESET max_parallel_workers_per_gather;
SET community_retention.max_rule_cache_memory = 0;
SELECT * FROM cb_check();
SET max_parallel_workers_per_gather = 2;
EXECUTE cb_parallel;
RESET max_parallel_workers_per_gather;
RESET community_retention.max_rule_cache_memory;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;

-- Memory: the contexts of the decoded conditions ("incentive condition"),
-- counted after every call of a join that cycles through the rules for
-- each member.  With the default budget all 14 rules are kept; under a
-- budget, at most the budget and the one condition being evaluated.
CREATE FUNCTION cb_mem(OUT n int, OUT bytes bigint) VOLATILE LANGUAGE sql AS $$
  SELECT count(*)::int, coalesce(sum(total_bytes), 0)::bigint
  FROM pg_backend_memory_contexts WHERE name = 'incentive condition' $$;
CREATE FUNCTION cb_memory_after_each_call(OUT calls bigint, OUT matches bigint, OUT most_kept int, OUT most_bytes bigint)
LANGUAGE sql AS $$
  SELECT count(*), count(*) FILTER (WHERE ok), max((c).n), max((c).bytes)
  FROM cb_members m,
       LATERAL (SELECT incentive_matches(r.condition, m) AS ok, cb_mem() AS c FROM cb_conds r OFFSET 0) s $$;
-- the largest decoded condition, each decoded alone (a new call site each)
CREATE FUNCTION cb_largest() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE r record; b bigint; largest bigint := 0;
BEGIN
  FOR r IN SELECT condition FROM cb_conds LOOP
    EXECUTE 'SELECT (cb_mem()).bytes FROM cb_members m WHERE m.id = 1 AND incentive_matches($1, m) IS NOT NULL'
      INTO b USING r.condition;
    largest := greatest(largest, b);
  END LOOP;
  RETURN largest;
END $$;
CREATE TEMP TABLE cb_one AS SELECT cb_largest() AS largest;
-- (11 to 15 times its stored size until the decoder sized the fused steps of
-- an IN list to what they use: a record and a stack slot for every item)
SELECT largest < 5 * (SELECT max(octet_length(incentive_condition_send(condition))) FROM cb_conds) AS decoded_under_5_times_stored,
       largest < 320 * 1024 / 2 AS two_fit_in_320kb,
       (SELECT sum((SELECT (cb_mem()).bytes FROM cb_members m WHERE m.id = 1 AND incentive_matches(c.condition, m) IS NOT NULL))
        FROM cb_conds c WHERE c.id = 1) < 4096 AS small_rule_under_4kb
FROM cb_one;
SELECT calls, matches = (SELECT count(*) FROM cb_ref WHERE ok) AS same_as_sql, most_kept
FROM cb_memory_after_each_call();
SET community_retention.max_rule_cache_memory = '320kB';
SELECT calls, matches = (SELECT count(*) FROM cb_ref WHERE ok) AS same_as_sql,
       most_kept BETWEEN 2 AND 13 AS some_kept, most_bytes <= 320 * 1024 + largest AS within_budget_and_one
FROM cb_memory_after_each_call(), cb_one;
SET community_retention.max_rule_cache_memory = 0;
SELECT calls, matches = (SELECT count(*) FROM cb_ref WHERE ok) AS same_as_sql, most_kept,
       most_bytes <= largest AS within_one
FROM cb_memory_after_each_call(), cb_one;
RESET community_retention.max_rule_cache_memory;

-- A rule that fails to bind (a feature that is no column), caught in
-- PL/pgSQL while the cache is over its budget: the next conditions are
-- decoded as before and give the same answers, and what the failed ones
-- decoded is freed (contexts: at most the 14 rules and the overflow entry).
CREATE FUNCTION cb_with_errors() RETURNS TABLE (checked bigint, errors bigint, disagree bigint, contexts_at_end int)
LANGUAGE plpgsql AS $$
DECLARE
  m cb_members;
  r record;
  got boolean;
BEGIN
  checked := 0; errors := 0; disagree := 0;
  SET LOCAL community_retention.max_rule_cache_memory = '512kB';
  FOR m IN SELECT * FROM cb_members ORDER BY id LOOP
    FOR r IN SELECT c.id, c.condition FROM cb_conds c
             UNION ALL SELECT 0, ('nope IN (' || string_agg(j::text, ', ') || ')')::incentive_condition FROM generate_series(1, 3000) j
             ORDER BY 1 LOOP
      BEGIN
        got := incentive_matches(r.condition, m);
        checked := checked + 1;
        IF got IS DISTINCT FROM (SELECT f.ok FROM cb_ref f WHERE f.id = m.id AND f.rule = r.id) THEN
          disagree := disagree + 1;
        END IF;
      EXCEPTION WHEN undefined_column THEN
        errors := errors + 1;
      END;
    END LOOP;
  END LOOP;
  contexts_at_end := (cb_mem()).n;
  RETURN NEXT;
END $$;
SELECT checked, errors, disagree, contexts_at_end <= 15 AS contexts_freed FROM cb_with_errors();

DROP FUNCTION cb_check(), cb_join(), cb_pairs(boolean), cb_largest(), cb_mem(), cb_memory_after_each_call(), cb_reference(), cb_with_errors();
DROP TABLE cb_members, cb_rules, cb_conds, cb_ref;
