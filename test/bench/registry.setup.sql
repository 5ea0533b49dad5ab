-- Scoring with the registry's active model: the rows and the model of the
-- scoring benchmark (1 million members x 16 features per unit of scale), the
-- model saved and activated as 'bench'.
\ir score.setup.sql
DELETE FROM retention_model_registry WHERE name = 'bench';
SELECT retention_model_activate('bench', retention_model_save('bench', model)) FROM score_model;
