-- label: incentive_ab_cuped(treated, retained, x)
SELECT incentive_ab_cuped(treated, retained, x) FROM experiment_bench;
