-- label: incentive_match_all on the 20 rules stored from JsonLogic, against each member row in one call
SELECT sum(cardinality(incentive_match_all(r.conditions, m)))
FROM rules_members m,
     (SELECT array_agg(condition ORDER BY id) AS conditions FROM rules_rules_jl) r;
