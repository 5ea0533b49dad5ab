-- label: floor: one scan of the member rows
SELECT count(*) FROM rules_members m WHERE m.events >= 0;
