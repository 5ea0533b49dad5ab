-- retention_fit benchmark: the training benchmark's table (1M rows x 16
-- features per unit of scale, see train.setup.sql).
\ir train.setup.sql
