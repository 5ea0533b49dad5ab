-- label: SQL: GROUP BY (plan, time), then running sums over the distinct times (windows)
\set tbl surv_bench
\ir survival_window.sql
