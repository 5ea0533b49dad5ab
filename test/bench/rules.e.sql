-- label: incentive_matches: 20 rules stored from JsonLogic, joined with the member rows
SELECT count(*) FROM rules_members m JOIN rules_rules_jl r ON incentive_matches(r.condition, m);
