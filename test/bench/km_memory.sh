#!/usr/bin/env bash
# test/bench/km_memory.sh: the backend's memory peak (VmHWM) and CPU time
# (user + system) of retention_km near the most points a curve array holds,
# each in a fresh backend, the rows from generate_series (so no shared
# buffers count in the peak).  Not a variant of bench.sh (its name has no
# .a/.b part) and not part of make test; run it by hand against a cluster
# with the extension, e.g. one left by `KEEP=1 ONLY=nothing make test`:
#
#   PGHOST=$D/run PGPORT=PORT PGUSER=postgres BENCH_DB=postgres bash test/bench/km_memory.sh
#
# Needs to read /proc/PID of the server process (same host; root or the
# server's OS user).  Prints one line per case.
set -euo pipefail
DB=${BENCH_DB:-postgres}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

measure() { # measure LABEL SQL
	local label=$1 sql=$2
	psql -X -q -At -d "$DB" -v ON_ERROR_STOP=1 >"$TMP/out" 2>&1 <<SQL || { cat "$TMP/out" >&2; return 1; }
SET max_parallel_workers_per_gather = 0;
SET work_mem = '4MB';
SELECT pg_backend_pid() AS pid \gset
\setenv CR_PID :pid
\! awk '{print "cpu0|" \$14 + \$15}' /proc/\$CR_PID/stat
$sql
\! awk '{print "cpu1|" \$14 + \$15}' /proc/\$CR_PID/stat
\! sed -n 's/^VmHWM:[[:space:]]*\([0-9]*\).*/hwm|\1/p' /proc/\$CR_PID/status
SQL
	awk -F'|' -v label="$label" -v hz="$(getconf CLK_TCK)" '
		/^cpu0\|/ { c0 = $2 } /^cpu1\|/ { c1 = $2 } /^hwm\|/ { h = $2 }
		/^result\|/ { r = $2 }
		END { printf "%-62s %s, VmHWM %8d kB, CPU %6.1f s\n", label, r, h, (c1 - c0) / hz }' "$TMP/out"
}

measure "retention_km, 12M distinct durations, 2/3 churned" \
	"SELECT 'result|' || cardinality(retention_km(i::float8 / 8, i % 3 <> 0)) || ' points' FROM generate_series(1, 12000000) i;"
measure "retention_km, 14.5M distinct durations, all censored but the last" \
	"SELECT 'result|' || cardinality(retention_km(i::float8 / 8, i = 14500000)) || ' points' FROM generate_series(1, 14500000) i;"
measure "retention_km, 1M distinct durations (test/survival/curve.sql)" \
	"SELECT 'result|' || cardinality(retention_km(i::float8 / 8, i % 3 <> 0)) || ' points' FROM generate_series(1, 1000000) i;"
