-- label: PL/Python: array_agg per plan, then statsmodels SurvfuncRight (numpy)
SELECT plan, bench_statsmodels_km(array_agg(duration), array_agg(churned)) FROM surv_exact GROUP BY plan;
