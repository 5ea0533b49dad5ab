-- label: incentive_ab(treated, retained)
SELECT incentive_ab(treated, retained) FROM experiment_bench;
