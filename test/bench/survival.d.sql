-- label: floor: one scan, count and sum per plan
SELECT plan, count(*), sum(duration) FILTER (WHERE churned) FROM surv_bench GROUP BY plan;
