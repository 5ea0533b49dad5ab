-- label: as j, with the 20 rules stored from JsonLogic
SELECT sum(cardinality(incentive_match_all((SELECT array_agg(condition ORDER BY id) FROM rules_rules_jl), m)))
FROM rules_members m;
