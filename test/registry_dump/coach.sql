-- Run by cr_rd_coach before row-level security is on: its own model, active.
SELECT retention_model_activate('coach_model', retention_model_save('coach_model', model))
FROM retention_model_registry WHERE name = 'churn' AND version = 1;
