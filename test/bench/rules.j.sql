-- label: incentive_match_all with the 20 rules as a scalar subquery (computed once, handed to the parallel workers)
SELECT sum(cardinality(incentive_match_all((SELECT array_agg(condition ORDER BY id) FROM rules_rules), m)))
FROM rules_members m;
