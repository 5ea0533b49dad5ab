-- retention_km over more distinct durations than one curve array can hold
-- (16 781 312: at least 64 bytes a point, 1 GB an array): the aggregate
-- stops with 54000 as soon as a compaction of its state shows that many,
-- before building a curve it could not return, and a state past that size
-- never grows further.  Prints "check|NAME|true/false" lines and "hwm|kB",
-- the backend's memory peak (1.7 GB when the error came only from the array).
\set ON_ERROR_STOP 1
\pset tuples_only on
\pset format unaligned
SET max_parallel_workers_per_gather = 0;
SELECT pg_backend_pid() AS pid \gset
\ir outcome.psql
SELECT pg_temp.outcome($$SELECT cardinality(retention_km((a * 4096 + b)::float8, true))
                         FROM generate_series(0, 4096) a, generate_series(0, 4095) b$$) AS r \gset
\setenv CR_PID :pid
\! sed -n "s/^VmHWM:[[:space:]]*\([0-9]*\).*/hwm|\1/p" /proc/$CR_PID/status
SELECT 'check|16781312 distinct durations: 54000, too many points for an array|'
       || (:'r' = '54000 survival curve of at least 16781312 points is too large for an array');
