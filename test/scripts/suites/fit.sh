# retention_fit and concurrent writers: every pass reads the snapshot of the
# calling statement, so rows another session commits while a fit runs (here:
# while its first pass waits on an advisory lock the other session holds) are
# not seen by any pass, and the fit neither fails nor mixes data sets.
run_fit() {
	local q="psql -X -q -v ON_ERROR_STOP=1 -d cr_fit" dir=$WORK/fit n_rows total
	say "retention_fit: one snapshot for all passes, with a concurrent writer"
	mkdir -p "$dir"
	psql -X -q -d postgres -c 'CREATE DATABASE cr_fit' >/dev/null
	$q -c 'CREATE EXTENSION community_retention' \
		-c "CREATE TABLE fs AS SELECT ARRAY[sin(i), cos(i * 0.7)] AS x, (i * 7919) % 1000 < 400 + 300 * sin(i) AS y FROM generate_series(1, 2000) i" >/dev/null
	# the writer: hold the lock, wait until the fit waits for it, insert 500 rows, let go
	$q -tA >"$dir/writer.log" 2>&1 <<SQL &
SELECT pg_advisory_lock(4242);
\! touch "$dir/locked"
DO \$\$ BEGIN
  WHILE NOT EXISTS (SELECT FROM pg_locks WHERE locktype = 'advisory' AND NOT granted) LOOP
    PERFORM pg_sleep(0.02);
  END LOOP;
END \$\$;
INSERT INTO fs SELECT ARRAY[sin(i), cos(i * 0.7)], i % 2 = 0 FROM generate_series(2001, 2500) i;
SELECT pg_advisory_unlock(4242);
SQL
	local writer=$!
	while [ ! -f "$dir/locked" ]; do sleep 0.05; done
	# each pass takes (and keeps) a shared lock in an initplan: the first pass waits
	n_rows=$($q -tA -c "SELECT retention_fit('SELECT x, y FROM fs WHERE (SELECT pg_advisory_lock_shared(4242)::text) IS NOT NULL')::jsonb ->> 'n_rows'" 2>&1)
	wait "$writer" || true
	total=$($q -tA -c 'SELECT count(*) FROM fs')
	if [ "$n_rows" = 2000 ] && [ "$total" = 2500 ]; then
		record "retention_fit: rows committed during the fit are not seen (2000 of 2500)" 1 0
	else
		echo "fit saw: $n_rows; table has: $total" >&2
		cat "$dir/writer.log" >&2
		record "retention_fit: rows committed during the fit are not seen" 0 1
	fi
}
