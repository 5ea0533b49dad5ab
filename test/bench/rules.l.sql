-- label: floor of the join form: e's join and plan with a no-op in place of incentive_matches
-- bench_join_floor has incentive_matches's signature, cost and planner support,
-- so the plan is e's (a parallel nested loop over the materialized rules), and
-- returns false at once (PostgreSQL's internal boolne).  What is left is what
-- PostgreSQL spends on the join form itself: the nested loop, the rule's value
-- and the whole-row value of m built for every (member, rule) pair, and the
-- call.  No rule evaluator can make e faster than this.  (LANGUAGE internal:
-- the bench runs as a superuser.)
CREATE OR REPLACE FUNCTION bench_join_floor(incentive_condition, record) RETURNS boolean
  LANGUAGE internal IMMUTABLE STRICT PARALLEL SAFE COST 10 SUPPORT incentive_matches_support
  AS 'boolne';
-- bench: start
SELECT count(*) FROM rules_members m JOIN rules_rules_jl r ON bench_join_floor(r.condition, m);
