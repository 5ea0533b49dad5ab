-- label: retention_km(duration, churned) per plan (curve, Greenwood SE, 95% CI)
SELECT plan, cardinality(retention_km(duration, churned)) FROM surv_exact GROUP BY plan;
