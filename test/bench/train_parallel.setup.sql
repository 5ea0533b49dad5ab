\ir train.setup.sql
