-- label: incentive_matches: 20 rules joined with the member rows
SELECT count(*) FROM rules_members m JOIN rules_rules r ON incentive_matches(r.condition, m);
