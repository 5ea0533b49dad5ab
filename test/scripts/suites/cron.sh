# Scheduled scoring with the model registry (issue #13), in database cr_cron:
#   - pg_cron refreshes a scoring view after a new model version was activated
#     (scheduled by start_cron at the start of `make test`, checked here, so
#     the minute pg_cron needs passes while the other suites run);
#   - two sessions saving versions of one name at once get distinct numbers
#     (a lock forces the overlap; READ COMMITTED and REPEATABLE READ; under
#     SERIALIZABLE the later one fails with a serialization failure);
#   - two sessions activating versions of one name at once leave exactly one
#     active (REPEATABLE READ: the later one gets a serialization failure);
#   - readers of the view never fail while REFRESH ... CONCURRENTLY runs
#     (each refresh is held open, by a lock, while the readers read).
# Every wait polls the server's own state with a bounded timeout; nothing
# depends on timing luck.

CRON_DB=cr_cron
CRON_JOB=cr_cron_refresh

cron_q() { psql -X -q -tA -v ON_ERROR_STOP=1 "$@"; }

# cron_wait TIMEOUT_S QUERY [DB]: poll until QUERY returns t.
cron_wait() {
	local end=$(($(date +%s) + $1)) r
	while :; do
		r=$(cron_q -d "${3:-$CRON_DB}" -c "$2" 2>/dev/null || true)
		[ "$r" = t ] && return 0
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}

# Two saved versions of model 'm' over the table f (member_id, renewed and
# the features $1, named $2; the second version regularised, so its scores
# differ), version 1 active, and the README's scoring view over the active
# one, with the unique index REFRESH ... CONCURRENTLY needs.
cron_scoring_sql() {
	cat <<-EOF
		SELECT retention_model_save('m', retention_train(ARRAY[$1], renewed,
		         jsonb_build_object('features', ARRAY[$2], 'l2', l2)))
		FROM f, (VALUES (0), (200)) v(l2) GROUP BY l2 ORDER BY l2;
		SELECT retention_model_activate('m', 1);
		CREATE MATERIALIZED VIEW scoring AS
		SELECT f.member_id, retention_score((SELECT retention_model_active('m')), f) AS score,
		       (SELECT version FROM retention_model_registry WHERE name = 'm' AND active) AS model_version
		FROM f;
		CREATE UNIQUE INDEX ON scoring (member_id);
	EOF
}

# The scoring set-up shared by every check: 400 demo members and
# cron_scoring_sql over three of their engagement features.
cron_setup() {
	cron_q -d postgres -c "CREATE DATABASE $CRON_DB" >/dev/null &&
		{
			cat <<-'EOF'
				CREATE EXTENSION community_retention;
				SET TimeZone = 'UTC';
				CREATE TABLE f AS
				SELECT m.member_id, m.renewed, (m.plan = 'annual')::int::float8 AS annual,
				       coalesce((s.e).active_days_30, 0)::float8 AS active_days_30,
				       coalesce((s.e).recency_days, 200) AS recency_days
				FROM retention_demo_members(400) m
				LEFT JOIN (SELECT member_id, engagement_summary(occurred_at, retention_demo_reference_date()) AS e
				           FROM retention_demo_activity(400) GROUP BY member_id) s USING (member_id);
			EOF
			cron_scoring_sql 'annual, active_days_30, recency_days' "'annual', 'active_days_30', 'recency_days'"
		} | cron_q -d $CRON_DB >/dev/null
}

# Called at the start of `make test`: version 2 becomes active, then pg_cron
# is asked to refresh the view every minute.  Any run of the job therefore
# starts after the activation committed.
start_cron() {
	CRON_STARTED=0
	[ "$(cron_q -d postgres -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_cron'")" = 1 ] || return 0
	[ "$(cron_q -d postgres -c 'SHOW shared_preload_libraries')" = pg_cron ] || return 0
	cron_setup >"$WORK/cron-setup.log" 2>&1 || return 0
	cron_q -d $CRON_DB -c "SELECT retention_model_activate('m', 2)" >/dev/null &&
		cron_q -d postgres -c 'CREATE EXTENSION IF NOT EXISTS pg_cron' \
			-c "SELECT cron.schedule_in_database('$CRON_JOB', '* * * * *', 'REFRESH MATERIALIZED VIEW CONCURRENTLY scoring', '$CRON_DB')" \
			>>"$WORK/cron-setup.log" 2>&1 && CRON_STARTED=1
	[ "$CRON_STARTED" = 1 ] && start_cron_owner
}

# README, Scheduled scoring, followed as a non-superuser: the database owner
# installs the extension, builds the scoring view and schedules its refresh
# itself, with the grants the README lists (USAGE on schema cron, EXECUTE on
# cron.schedule_in_database, which pg_cron 1.4 revokes from PUBLIC); the job
# runs as that role.  CRON_OWNER_DENIED records that USAGE alone is refused.
CRON_OWNER=cr_cron_owner
CRON_OWNER_DB=cr_cron_own
CRON_OWNER_JOB=cr_cron_owner_refresh
start_cron_owner() {
	local log=$WORK/cron-owner-setup.log sched
	CRON_OWNER_STARTED=0 CRON_OWNER_DENIED=0
	sched="SELECT cron.schedule_in_database('$CRON_OWNER_JOB', '* * * * *', 'REFRESH MATERIALIZED VIEW CONCURRENTLY scoring', '$CRON_OWNER_DB')"
	{ cron_q -d postgres -c "CREATE ROLE $CRON_OWNER LOGIN" -c "CREATE DATABASE $CRON_OWNER_DB OWNER $CRON_OWNER" &&
		{
			cat <<-'EOF'
				CREATE EXTENSION community_retention;
				CREATE TABLE f AS
				SELECT m.member_id, m.renewed, (m.plan = 'annual')::int::float8 AS annual, (m.member_id % 7)::float8 AS x
				FROM retention_demo_members(300) m;
			EOF
			cron_scoring_sql 'annual, x' "'annual', 'x'"
			echo "SELECT retention_model_activate('m', 2);"
		} | cron_q -U $CRON_OWNER -d $CRON_OWNER_DB
	} >"$log" 2>&1 || return 0
	cron_q -d postgres -c "GRANT USAGE ON SCHEMA cron TO $CRON_OWNER" >>"$log" 2>&1 || return 0
	cron_q -U $CRON_OWNER -d postgres -c "$sched" >>"$log" 2>&1 ||
		{ grep -q 'permission denied for function schedule_in_database' "$log" && CRON_OWNER_DENIED=1; }
	cron_q -d postgres -c "GRANT EXECUTE ON FUNCTION cron.schedule_in_database(text, text, text, text, text, boolean) TO $CRON_OWNER" \
		>>"$log" 2>&1 &&
		cron_q -U $CRON_OWNER -d postgres -c "$sched" >>"$log" 2>&1 && CRON_OWNER_STARTED=1
}

cron_check_pg_cron_owner() {
	local status
	if [ "${CRON_OWNER_STARTED:-0}" != 1 ]; then
		cat "$WORK/cron-owner-setup.log" >&2 2>/dev/null || true
		record "cron: a non-superuser schedules the refresh with the README's grants" 0 1
		return 0
	fi
	record "cron: USAGE on schema cron alone does not let a non-superuser call schedule_in_database" \
		"$CRON_OWNER_DENIED" $((1 - CRON_OWNER_DENIED))
	if ! cron_wait 200 "SELECT EXISTS (SELECT 1 FROM cron.job_run_details d JOIN cron.job j USING (jobid)
	                                   WHERE j.jobname = '$CRON_OWNER_JOB' AND d.status IN ('succeeded', 'failed'))" postgres; then
		record "cron: pg_cron ran the non-superuser's refresh within 200 s" 0 1
		return 0
	fi
	status=$(cron_q -d postgres -c "SELECT d.status || ' ' || d.username || ' ' || coalesce(d.return_message, '') FROM cron.job_run_details d
	                                JOIN cron.job j USING (jobid) WHERE j.jobname = '$CRON_OWNER_JOB' ORDER BY d.runid LIMIT 1")
	cron_q -U $CRON_OWNER -d postgres -c "SELECT cron.unschedule('$CRON_OWNER_JOB')" >/dev/null || true
	if [ "${status%% *}" = succeeded ] && [ "$(echo "$status" | cut -d' ' -f2)" = $CRON_OWNER ] &&
		[ "$(cron_q -U $CRON_OWNER -d $CRON_OWNER_DB -c "SELECT count(*) = 300 AND bool_and(s.model_version = 2)
		        AND bool_and(s.score = retention_score((SELECT model FROM retention_model_registry WHERE name = 'm' AND version = 2), f))
		        FROM scoring s JOIN f USING (member_id)")" = t ]; then
		record "cron: a non-superuser's scheduled refresh ran as that role with the newly activated version" 1 0
	else
		echo "pg_cron job of $CRON_OWNER: $status" >&2
		record "cron: a non-superuser's scheduled refresh ran as that role with the newly activated version" 0 1
	fi
}

cron_check_pg_cron() {
	if [ "${CRON_STARTED:-0}" != 1 ]; then
		cat "$WORK/cron-setup.log" >&2 2>/dev/null || true
		record "cron: pg_cron refreshes the scoring view (pg_cron not loaded or set-up failed)" 0 1
		return 0
	fi
	# pg_cron starts jobs on the minute: allow three of them.
	if ! cron_wait 200 "SELECT EXISTS (SELECT 1 FROM cron.job_run_details d JOIN cron.job j USING (jobid)
	                                   WHERE j.jobname = '$CRON_JOB' AND d.status IN ('succeeded', 'failed'))" postgres; then
		record "cron: pg_cron ran the refresh within 200 s" 0 1
		return 0
	fi
	local status
	status=$(cron_q -d postgres -c "SELECT d.status || ' ' || coalesce(d.return_message, '') FROM cron.job_run_details d
	                                JOIN cron.job j USING (jobid) WHERE j.jobname = '$CRON_JOB' ORDER BY d.runid LIMIT 1")
	cron_q -d postgres -c "SELECT cron.unschedule('$CRON_JOB')" >/dev/null
	# the view now holds version 2's scores (version 1's until pg_cron refreshed it) for every member
	if [ "${status%% *}" = succeeded ] &&
		[ "$(cron_q -d $CRON_DB -c "SELECT count(*) = 400 AND bool_and(s.model_version = 2)
		        AND bool_and(s.score = retention_score((SELECT model FROM retention_model_registry WHERE name = 'm' AND version = 2), f))
		        FROM scoring s JOIN f USING (member_id)")" = t ]; then
		record "cron: pg_cron refreshed the view with the newly activated version" 1 0
	else
		echo "pg_cron job: $status" >&2
		record "cron: pg_cron refreshed the view with the newly activated version" 0 1
	fi
}

# A driver session that holds advisory locks while other sessions queue up
# behind them: psql reading commands from a FIFO.
cron_driver_start() {
	rm -f "$WORK/cron-driver.fifo"
	mkfifo "$WORK/cron-driver.fifo"
	PGAPPNAME=cr_driver psql -X -q -v ON_ERROR_STOP=1 -d $CRON_DB <"$WORK/cron-driver.fifo" >"$WORK/cron-driver.log" 2>&1 &
	CRON_DRIVER=$!
	exec 7>"$WORK/cron-driver.fifo"
}
cron_driver() { echo "$1" >&7; }
cron_driver_stop() {
	exec 7>&-
	wait "$CRON_DRIVER" || true
}

# cron_overlap ISOLATION KEY TAG A_SQL B_SQL: session A runs A_SQL, then waits
# for the driver's lock KEY before it commits, holding the registry's
# per-name lock meanwhile; session B takes its snapshot, then runs B_SQL,
# which waits for A's per-name lock; then the driver lets A commit.  Outputs
# in $WORK/cron-TAG-a.out and -b.out (B's errors with their SQLSTATE).
cron_overlap() {
	local a b
	cron_driver "SELECT pg_advisory_lock($2);"
	cron_wait 120 "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = $2 AND granted)"
	PGAPPNAME=cr_$3_a cron_q -d $CRON_DB -c "BEGIN ISOLATION LEVEL $1" -c "$4" \
		-c "SELECT pg_advisory_xact_lock_shared($2)" -c 'COMMIT' >"$WORK/cron-$3-a.out" 2>&1 &
	a=$!
	cron_wait 120 "SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity s USING (pid)
	              WHERE s.application_name = 'cr_$3_a' AND l.objid = $2 AND NOT l.granted)"
	PGAPPNAME=cr_$3_b cron_q -v VERBOSITY=verbose -d $CRON_DB -c "BEGIN ISOLATION LEVEL $1" \
		-c 'SELECT count(*) FROM retention_model_registry' -c "$5" -c 'COMMIT' >"$WORK/cron-$3-b.out" 2>&1 &
	b=$!
	cron_wait 120 "SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity s USING (pid)
	              WHERE s.application_name = 'cr_$3_b' AND l.locktype = 'advisory'
	                AND l.classid = 'retention_model_registry'::regclass::oid AND NOT l.granted)"
	cron_driver "SELECT pg_advisory_unlock($2);"
	wait $a || true
	wait $b || true
}

# Two sessions save versions of one name at the same time.
cron_check_concurrent_saves() {
	local iso va vb want saved ok=0 nok=0
	cron_driver_start
	for iso in 'READ COMMITTED' 'REPEATABLE READ' 'SERIALIZABLE'; do
		cron_q -d $CRON_DB -c "DELETE FROM retention_model_registry WHERE name = 'conc'" >/dev/null
		cron_overlap "$iso" 7001 save \
			"SELECT retention_model_save('conc', (SELECT model FROM retention_model_registry WHERE name = 'm' AND version = 1))" \
			"SELECT retention_model_save('conc', (SELECT model FROM retention_model_registry WHERE name = 'm' AND version = 2))"
		va=$(sed -n '1p' "$WORK/cron-save-a.out")
		vb=$(sed -n '2p' "$WORK/cron-save-b.out")
		want=2 saved=1,2
		# SERIALIZABLE: B's snapshot misses A's version, and B must fail (40001)
		if [ "$iso" = SERIALIZABLE ]; then
			grep -q '^ERROR:  40001: ' "$WORK/cron-save-b.out" && vb=40001
			want=40001 saved=1
		fi
		if [ "$va" = 1 ] && [ "$vb" = "$want" ] &&
			[ "$(cron_q -d $CRON_DB -c "SELECT string_agg(version::text, ',' ORDER BY version) FROM retention_model_registry WHERE name = 'conc'")" = "$saved" ]; then
			ok=$((ok + 1))
		else
			echo "concurrent saves ($iso): A gave '$va', B gave '$vb'" >&2
			cat "$WORK/cron-save-a.out" "$WORK/cron-save-b.out" >&2
			nok=$((nok + 1))
		fi
	done
	cron_driver_stop
	record "cron: concurrent saves get distinct versions (RC, RR; SERIALIZABLE: 40001)" "$ok" "$nok"
}

# Two sessions activate different versions of one name at the same time.
# READ COMMITTED queues them and the later one wins; under REPEATABLE READ,
# B's snapshot predates A's activation, and B fails with a serialization
# failure (40001) instead of a bare unique violation.  Either way exactly one
# version is active.
cron_check_concurrent_activations() {
	local iso want ok=0 nok=0 got
	cron_driver_start
	for iso in 'READ COMMITTED' 'REPEATABLE READ'; do
		cron_q -d $CRON_DB -c "DELETE FROM retention_model_registry WHERE name = 'act'" \
			-c "SELECT retention_model_save('act', model) FROM retention_model_registry WHERE name = 'm' ORDER BY version" >/dev/null
		cron_overlap "$iso" 7002 act "SELECT retention_model_activate('act', 1)" "SELECT retention_model_activate('act', 2)"
		got=$(cron_q -d $CRON_DB -c "SELECT string_agg(version || ':' || active, ' ' ORDER BY version) FROM retention_model_registry WHERE name = 'act'")
		if [ "$iso" = 'READ COMMITTED' ]; then
			want='1:false 2:true'
			grep -q ERROR "$WORK/cron-act-b.out" && got="$got (B failed)"
		else
			want='1:true 2:false (B: 40001)'
			grep -q 'ERROR:  40001: could not activate version 2 of model "act"' "$WORK/cron-act-b.out" && got="$got (B: 40001)"
		fi
		if [ "$got" = "$want" ] && ! grep -q ERROR "$WORK/cron-act-a.out"; then
			ok=$((ok + 1))
		else
			echo "concurrent activations ($iso): got '$got', want '$want'" >&2
			cat "$WORK/cron-act-a.out" "$WORK/cron-act-b.out" >&2
			nok=$((nok + 1))
		fi
	done
	cron_driver_stop
	record "cron: concurrent activations keep one active (RC, RR)" "$ok" "$nok"
}

# Readers during REFRESH ... CONCURRENTLY: the refresher alternates the active
# version and refreshes five times; each refresh transaction stays open
# (waiting for a lock the driver holds) after REFRESH has written the new
# rows, while two readers run 25 queries each.  Every read must succeed and
# see one complete version of the view: the one committed before that
# refresh, not the refresh's uncommitted one.  After the readers, the refresh
# must still hold its ExclusiveLock on the view: the reads did overlap it.
cron_check_readers() {
	local i r pids=() ok=0 nok=0 seen
	cron_driver_start
	cron_driver 'SELECT pg_advisory_lock(k) FROM generate_series(7101, 7105) k;'
	cron_wait 120 "SELECT count(*) = 5 FROM pg_locks WHERE locktype = 'advisory' AND objid BETWEEN 7101 AND 7105 AND granted"
	seen=$(cron_q -d $CRON_DB -c "SELECT string_agg(DISTINCT model_version::text, ',') FROM scoring")
	for i in 1 2 3 4 5; do
		echo "SELECT retention_model_activate('m', $((i % 2 + 1)));"
		echo 'BEGIN;'
		echo 'REFRESH MATERIALIZED VIEW CONCURRENTLY scoring;'
		echo "SELECT pg_advisory_xact_lock_shared($((7100 + i)));"
		echo 'COMMIT;'
	done >"$WORK/cron-refresher.sql"
	PGAPPNAME=cr_refresher psql -X -q -v ON_ERROR_STOP=1 -d $CRON_DB -f "$WORK/cron-refresher.sql" >"$WORK/cron-refresher.log" 2>&1 &
	local refresher=$!
	for i in 1 2 3 4 5; do
		if ! cron_wait 120 "SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity s USING (pid)
		                   WHERE s.application_name = 'cr_refresher' AND l.locktype = 'advisory' AND l.objid = $((7100 + i)) AND l.objsubid = 1 AND NOT l.granted)"; then
			nok=$((nok + 1))
			break
		fi
		pids=()
		for r in 1 2; do
			for _ in $(seq 25); do
				echo "SELECT CASE WHEN count(*) = 400 AND count(DISTINCT s.model_version) = 1 AND bool_and(s.score = retention_score(r.model, f))
				             THEN min(s.model_version)::text ELSE 'inconsistent' END
				      FROM scoring s JOIN f USING (member_id) JOIN retention_model_registry r ON r.name = 'm' AND r.version = s.model_version;"
			done | psql -X -q -tA -v ON_ERROR_STOP=1 -d $CRON_DB >"$WORK/cron-reader-$r.out" 2>&1 &
			pids+=($!)
		done
		for r in "${pids[@]}"; do wait "$r" || true; done
		if [ "$(cat "$WORK"/cron-reader-*.out | grep -cx "$seen")" = 50 ] &&
			[ "$(cron_q -d $CRON_DB -c "SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity s USING (pid)
			       WHERE s.application_name = 'cr_refresher' AND l.relation = 'scoring'::regclass
			         AND l.mode = 'ExclusiveLock' AND l.granted)")" = t ]; then
			ok=$((ok + 1))
		else
			echo "refresh $i: readers should all see version $seen, with the refresh still open:" >&2
			cat "$WORK"/cron-reader-*.out | grep -vx "$seen" | head -5 >&2
			nok=$((nok + 1))
		fi
		cron_driver "SELECT pg_advisory_unlock($((7100 + i)));"
		seen=$((i % 2 + 1))
	done
	cron_driver_stop
	wait $refresher || { cat "$WORK/cron-refresher.log" >&2; nok=$((nok + 1)); }
	record "cron: 2 readers x 25 queries during each of 5 concurrent refreshes" "$ok" "$nok"
}

run_cron() {
	say "scheduled scoring: pg_cron, concurrent saves, readers during REFRESH CONCURRENTLY"
	# Run alone (ONLY=cron), the set-up happens now.
	[ -n "${CRON_STARTED+x}" ] || start_cron
	if [ "$(cron_q -d postgres -c "SELECT count(*) FROM pg_database WHERE datname = '$CRON_DB'")" != 1 ]; then
		cat "$WORK/cron-setup.log" >&2 2>/dev/null || true
		record "cron (set-up)" 0 1
		return 0
	fi
	# first, so that nothing but pg_cron has refreshed the view
	cron_check_pg_cron
	cron_check_pg_cron_owner
	cron_check_concurrent_saves
	cron_check_concurrent_activations
	cron_check_readers
}
