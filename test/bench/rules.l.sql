-- label: floor of the join form: e's join and plan with a no-op in place of incentive_matches
-- bench_join_floor has incentive_matches's signature, cost and planner support,
-- so the plan is e's (the rules join node, in parallel), and returns false at
-- once (PostgreSQL's internal boolne).  Not being incentive_matches itself, it
-- is called by the node as an expression for every (member, rule) pair (the
-- node's fallback), not through the direct loop e takes: what is left is the
-- member scan, the whole-row value of m, the node's per-pair placing of the
-- rule's columns and the call.  (LANGUAGE internal: the bench runs as a
-- superuser.)
CREATE OR REPLACE FUNCTION bench_join_floor(incentive_condition, record) RETURNS boolean
  LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE COST 10 SUPPORT incentive_matches_support
  AS 'boolne';
-- bench: start
SELECT count(*) FROM rules_members m JOIN rules_rules_jl r ON bench_join_floor(r.condition, m);
