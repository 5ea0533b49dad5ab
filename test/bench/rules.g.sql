-- label: incentive_match_all: the 20 rules against each member row in one call
SELECT sum(cardinality(incentive_match_all(r.conditions, m)))
FROM rules_members m,
     (SELECT array_agg(condition ORDER BY id) AS conditions FROM rules_rules) r;
