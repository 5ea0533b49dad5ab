# test/citus/citus.sh: a Citus cluster on one machine (a coordinator and two
# workers, three PostgreSQL clusters on unix sockets in $WORK, ports chosen
# free at run time) and the checks of test/citus/*.sql against it.  Sourced by
# test/citus/run.sh (`make citus-check`) and test/scripts/suites/citus.sh
# (`make test`), after lib.sh's private install: the private lib directory
# links every file of the server's, so citus.so is found there.
#
# Every node's TimeZone is UTC, whatever the machine's (initdb takes TZ from
# the environment): checks.sql sets UTC in its own session, but Citus does not
# pass that SET on to the workers' connections, so under another zone the
# workers cut timestamps into days in their own and disagree with the
# single-node result.
#
# No node listens on TCP (listen_addresses = ''), so citus.local_hostname,
# the host a node uses to connect to itself (default localhost), is its
# socket directory: otherwise a query that must reach the local node over a
# connection (inside a transaction that already used remote connections, or
# replicating reference tables to a worker added later) fails with
# "connection to the remote node postgres@localhost:PORT failed".
#
# Every node gets the same private install; CREATE EXTENSION
# community_retention runs on the coordinator only, after the workers are
# added, and Citus propagates it to them (citus.enable_ddl_propagation, on by
# default); check 1 verifies that the workers really have it.

CITUS_NODES=(coord w1 w2)

citus_installed() { [ -f "$("$PG_CONFIG" --pkglibdir)/citus.so" ]; }

citus_node_start() { # NAME
	local n=$1 dir=$WORK/citus/$1 port
	port=$(free_port)
	while grep -qx "$port" "$WORK/citus/ports" 2>/dev/null; do port=$(free_port); done
	echo "$port" >>"$WORK/citus/ports"
	mkdir -p "$dir/data" "$dir/run"
	[ "$(id -u)" -eq 0 ] && chown "$SERVER_USER" "$dir/data" "$dir/run"
	as_server_user "$PRIVATE_BINDIR/initdb" -D "$dir/data" -U postgres --auth=trust \
		-E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; return 1; }
	cat >>"$dir/data/postgresql.conf" <<-CONF
		listen_addresses = ''
		unix_socket_directories = '$dir/run'
		port = $port
		shared_preload_libraries = 'citus'
		citus.node_conninfo = 'sslmode=disable'
		citus.local_hostname = '$dir/run'
		timezone = 'UTC'
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		shared_buffers = 64MB
		max_connections = 60
		log_min_messages = warning
	CONF
	as_server_user "$PRIVATE_BINDIR/pg_ctl" -D "$dir/data" -l "$dir/run/server.log" -w -t 60 start >/dev/null ||
		{ cat "$dir/run/server.log" >&2; return 1; }
	echo "$n" >>"$WORK/citus/up"
	eval "CITUS_PORT_$n=$port"
}

citus_stop_all() {
	local n
	[ -f "$WORK/citus/up" ] || return 0
	for n in $(cat "$WORK/citus/up"); do
		as_server_user "$PRIVATE_BINDIR/pg_ctl" -D "$WORK/citus/$n/data" -m fast -w stop >/dev/null 2>&1 ||
			as_server_user "$PRIVATE_BINDIR/pg_ctl" -D "$WORK/citus/$n/data" -m immediate stop >/dev/null 2>&1 || true
	done
	rm -f "$WORK/citus/up"
}

# psql on node NAME, database cr_citus unless -d follows.
cpsql() { # NAME psql-args...
	local n=$1 port
	shift
	port=CITUS_PORT_$n
	psql -X -q -v ON_ERROR_STOP=1 -h "$WORK/citus/$n/run" -p "${!port}" -U postgres "$@"
}

citus_cluster_up() {
	local n
	SERVER_USER=${SERVER_USER:-$(server_user)}
	mkdir -p "$WORK/citus"
	for n in "${CITUS_NODES[@]}"; do citus_node_start "$n" || return 1; done
	say "Citus: coordinator on port $CITUS_PORT_coord, workers on $CITUS_PORT_w1 and $CITUS_PORT_w2"
	for n in "${CITUS_NODES[@]}"; do
		cpsql "$n" -d postgres -c 'CREATE DATABASE cr_citus' &&
			cpsql "$n" -d cr_citus -c 'CREATE EXTENSION citus' || return 1
	done
	# Node names are socket directories: libpq reads a leading / as one.
	cpsql coord -d cr_citus \
		-c "SELECT citus_set_coordinator_host('$WORK/citus/coord/run', $CITUS_PORT_coord)" \
		-c "SELECT citus_add_node('$WORK/citus/w1/run', $CITUS_PORT_w1)" \
		-c "SELECT citus_add_node('$WORK/citus/w2/run', $CITUS_PORT_w2)" \
		-c 'CREATE EXTENSION community_retention' >/dev/null
}

# The README's "On a Citus cluster": ALTER EXTENSION ... UPDATE, run on the
# coordinator, reaches the workers (here 1.0 created there, with a
# distributed table holding a retention_model column, then updated), and a
# worker added after the update gets the updated version; every node's
# functions then equal a fresh 1.1's (database cr_citus).  Prints check
# lines as the check files do.
citus_update_checks() {
	local n fresh q
	q="SELECT md5(string_agg(d, E'\\n' ORDER BY d)) FROM (SELECT p.oid::regprocedure::text || ' ' || md5(CASE WHEN p.prokind = 'f' THEN pg_get_functiondef(p.oid) ELSE p.prosrc END) || ' ' || p.provolatile::text || p.proparallel::text || p.proisstrict::text AS d FROM pg_proc p JOIN pg_depend x ON x.classid = 'pg_proc'::regclass AND x.objid = p.oid AND x.deptype = 'e' JOIN pg_extension e ON e.oid = x.refobjid AND e.extname = 'community_retention') f"
	for n in "${CITUS_NODES[@]}"; do
		cpsql "$n" -d postgres -c 'CREATE DATABASE cr_update' >/dev/null &&
			cpsql "$n" -d cr_update -c 'CREATE EXTENSION citus' >/dev/null || return 1
	done
	cpsql coord -d cr_update \
		-c "SELECT citus_set_coordinator_host('$WORK/citus/coord/run', $CITUS_PORT_coord)" \
		-c "SELECT citus_add_node('$WORK/citus/w1/run', $CITUS_PORT_w1)" \
		-c "CREATE EXTENSION community_retention VERSION '1.0'" \
		-c 'CREATE TABLE models (member_id bigint, model retention_model)' \
		-c "SELECT create_distributed_table('models', 'member_id')" \
		-c 'ALTER EXTENSION community_retention UPDATE' \
		-c "SELECT citus_add_node('$WORK/citus/w2/run', $CITUS_PORT_w2)" >/dev/null || return 1
	fresh=$(cpsql coord -d cr_citus -tA -c "$q") || return 1
	cpsql coord -d cr_update -tA \
		-c "SELECT 'ALTER EXTENSION community_retention UPDATE on the coordinator updates the workers to 1.1: ' ||
		           (count(*) = 2 AND bool_and(success AND result = '1.1'))::text
		    FROM run_command_on_workers(\$\$SELECT extversion FROM pg_extension WHERE extname = 'community_retention'\$\$)
		    WHERE nodename = '$WORK/citus/w1/run' OR nodename = '$WORK/citus/w2/run'" \
		-c "SELECT 'the updated extension''s functions equal a fresh 1.1''s on the coordinator and both workers: ' ||
		           (($q) = '$fresh' AND (SELECT count(*) = 2 AND bool_and(success AND result = '$fresh')
		                                  FROM run_command_on_workers(\$\$$q\$\$)))::text" \
		-c "INSERT INTO models SELECT 1, retention_train(ARRAY[i % 7], i % 3 = 0) FROM generate_series(1, 40) i" \
		-c "SELECT 'a distributed table''s retention_model column created under 1.0 stores and scores models on the workers after the update: ' ||
		           ((SELECT retention_score(model, ARRAY[4.0]) FROM models WHERE member_id = 1) =
		            (SELECT retention_score(retention_train(ARRAY[i % 7], i % 3 = 0), ARRAY[4.0]) FROM generate_series(1, 40) i))::text"
}

# The README's Citus table (its "### Citus" reference section) as
# "aggregate|no GROUP BY|GROUP BY member_id" rows joined by ";": one row per
# backquoted name of the first column (up to its "("), with the first word
# of the last two columns (split, gathered, pushed).
citus_readme_table() {
	awk '/^### Citus$/ { s = 1 }
		s && /^\| aggregate \| state \|/ { t = 1; next }
		t && /^\|---/ { next }
		t && /^\|/ { print; next }
		t { exit }' "$ROOT/README.md" |
		awk -F' [|] ' '{
			names = $1; sub(/^[|] /, "", names)
			split($3, whole, " "); last = $4; sub(/ [|]$/, "", last); split(last, grouped, " ")
			while (match(names, /`[^`]*`/)) {
				name = substr(names, RSTART + 1, RLENGTH - 2); sub(/[(].*/, "", name)
				printf "%s%s|%s|%s", sep, name, whole[1], grouped[1]; sep = ";"
				names = substr(names, RSTART + RLENGTH)
			}
		}'
}

# run_citus_checks: record one line per file of checks (each output line of
# a check file is "what: true" or a failure).
run_citus_checks() {
	local dir=$ROOT/test/citus out=$WORK/citus ok nok
	mkdir -p "$out"
	if ! citus_cluster_up >"$out/up.log" 2>&1; then
		cat "$out/up.log" >&2
		record "citus (cluster set-up)" 0 1
		return 0
	fi
	if ! cpsql coord -d cr_citus -f "$dir/setup.sql" >"$out/setup.log" 2>&1; then
		cat "$out/setup.log" >&2
		record "citus (setup.sql)" 0 1
		return 0
	fi
	cpsql coord -d cr_citus -tA -v readme_table="$(citus_readme_table)" -f "$dir/checks.sql" >"$out/checks.out" 2>"$out/checks.err" || true
	citus_update_checks >>"$out/checks.out" 2>"$out/update.err" || echo "citus_update_checks: failed" >>"$out/checks.out"
	grep 'ERROR' "$out/update.err" >>"$out/checks.err" || true
	# retention_fit's decile sample: filtered on the workers, every shard
	# asked with random() < keep and none for all of its rows
	cpsql coord -d cr_citus -tA -f "$dir/sample.sql" >>"$out/checks.out" 2>"$out/sample.err" || true
	grep 'ERROR' "$out/sample.err" >>"$out/checks.err" || true
	{
		echo "retention_fit's sample pass asks every shard for a random share of its rows: $(
			[ "$(grep -c 'issuing SELECT f, r FROM public.sample_dist_[0-9]* sample_dist WHERE (random() OPERATOR(pg_catalog.<) ' "$out/sample.err")" -eq 8 ] &&
			echo true || echo false)"
		# and its Newton passes, one retention_newton_step each, split: every
		# shard returns a partial state, none its rows
		echo "retention_fit's Newton passes run as partial aggregates on every shard: $(
			n=$(grep -c "issuing SELECT pg_catalog.worker_partial_agg('public.retention_newton_step(" "$out/sample.err")
			[ "$n" -gt 0 ] && [ $((n % 8)) -eq 0 ] &&
				! grep 'issuing SELECT ' "$out/sample.err" | grep -v 'worker_partial_agg\|random()' | grep -q . &&
				echo true || echo false)"
		echo "retention_fit never asks a shard for every row: $(
			grep 'issuing SELECT f, r FROM public.sample_dist_' "$out/sample.err" | grep -v 'random()' >/dev/null &&
			echo false || echo true)"
	} >>"$out/checks.out"
	grep '^skipped: ' "$out/checks.out" >&2 || true
	ok=$(grep -c ': true$' "$out/checks.out" || true)
	nok=$(grep -v '^skipped: ' "$out/checks.out" | grep -vc ': true$' || true)
	# an error that stopped the file counts as a failure too
	grep -q 'ERROR' "$out/checks.err" && nok=$((nok + 1))
	[ "$nok" -gt 0 ] && { grep -v ': true$' "$out/checks.out"; cat "$out/checks.err"; } >&2
	[ "${VERBOSE:-0}" = 1 ] && cat "$out/checks.out" >&2
	record "citus: coordinator + 2 workers" "$ok" "$nok"
}
