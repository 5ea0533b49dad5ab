-- label: incentive_uplift_eval(uplift, treated, retained)
SELECT (incentive_uplift_eval(uplift, treated, retained)).qini_coefficient FROM qini_bench;
