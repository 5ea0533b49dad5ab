-- label: SQL: GROUP BY (plan, time), then running sums over the distinct times (windows)
\set tbl surv_exact
\ir survival_window.sql
