#!/usr/bin/env bash
# test/bench/fit_memory.sh: the backend's private memory (RssAnon) before,
# during (peak) and after retention_fit on a large table, next to what
# retention_train does on the same table.  Not a variant of bench.sh (its
# name has no .a/.b part); run it by hand against a cluster where the table
# exists, e.g. after `BENCH_ONLY=fit_big make bench` with KEEP=1:
#
#   BENCH_DB=bench FIT_TABLE=fit_big_rows bash test/bench/fit_memory.sh
#
# Needs to read /proc/PID/status of the server process (same host; root or
# the server's OS user).  Prints one line per statement.
set -euo pipefail
DB=${BENCH_DB:-bench}
TABLE=${FIT_TABLE:-fit_big_rows}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

measure() { # measure LABEL SQL
	local label=$1 sql=$2 pid before peak=0 after rss t0 t1
	rm -f "$TMP/pid" "$TMP/done"
	{
		echo "\\pset format unaligned"
		echo "\\pset tuples_only on"
		echo "SELECT pg_backend_pid() \\g $TMP/pid"
		echo "SELECT pg_sleep(1);"
		echo "$sql"
		echo "SELECT pg_sleep(1);"
		echo "\\! touch $TMP/done"
		echo "SELECT pg_sleep(1);"
	} | psql -X -q -d "$DB" -f - >"$TMP/out" 2>&1 &
	local client=$!
	while [ ! -s "$TMP/pid" ]; do sleep 0.1; done
	pid=$(cat "$TMP/pid")
	sleep 0.5
	before=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status")
	t0=$(date +%s)
	while [ ! -f "$TMP/done" ]; do
		rss=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
		[ "${rss:-0}" -gt "$peak" ] && peak=$rss
		sleep 0.2
	done
	after=$(awk '/^RssAnon/ {print $2}' "/proc/$pid/status")
	t1=$(date +%s)
	wait "$client" || true
	printf '%-58s RssAnon before %7d kB, peak %8d kB, after %7d kB (%d s)\n' "$label" "$before" "$peak" "$after" $((t1 - t0 - 2))
	grep -E 'ERROR|NOTICE|DEBUG:  retention_fit: [0-9]+ passes' "$TMP/out" | sed 's/^/    /' || true
}

rows=$(psql -X -tA -d "$DB" -c "SELECT count(*) FROM $TABLE")
echo "$TABLE: $rows rows"
measure "retention_fit (serial passes)" \
	"SET max_parallel_workers_per_gather = 0; SET client_min_messages = debug1; SELECT retention_fit('SELECT x, y FROM $TABLE') IS NOT NULL;"
measure "retention_train" \
	"SET max_parallel_workers_per_gather = 0; SELECT retention_train(x, y) IS NOT NULL FROM $TABLE;"
