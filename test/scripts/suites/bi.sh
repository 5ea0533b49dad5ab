# BI-ready outputs (issue #13): a real client library (psycopg2, as BI tools
# and notebooks use it) reads the guided example's scoring view and every
# composite result expanded into plain columns, and must get numbers,
# booleans, timestamps, arrays and JSON with their types
# (test/bi/bi_client.py).
run_bi() {
	local out=$WORK/bi.out ok nok
	[ -f "$ROOT/test/bi/bi_client.py" ] || return 0
	say "BI client: psycopg2 reads the scoring view and the expanded composites"
	if ! /usr/bin/python3 -c 'import psycopg2' 2>/dev/null; then
		record "bi (python3-psycopg2 missing)" 0 1
		return 0
	fi
	psql -X -q -d postgres -c 'CREATE DATABASE cr_bi' >/dev/null
	if ! psql -X -q -v ON_ERROR_STOP=1 -d cr_bi -f "$ROOT/test/scripts/demo.sql" >"$WORK/bi-demo.log" 2>&1; then
		tail -20 "$WORK/bi-demo.log" >&2
		record "bi (the guided demo, test/scripts/demo.sql)" 0 1
		return 0
	fi
	PGDATABASE=cr_bi /usr/bin/python3 "$ROOT/test/bi/bi_client.py" >"$out" 2>&1 || true
	ok=$(grep -c '^ok ' "$out" || true)
	nok=$(grep -c '^not ok ' "$out" || true)
	grep -q '^1\.\.' "$out" || nok=$((nok + 1))
	[ "$nok" -gt 0 ] && grep -v '^ok ' "$out" >&2
	record "bi: typed columns through psycopg2" "$ok" "$nok"
	# The guided example's nightly retrain (step 6) on labels scrambled on the
	# training side: the candidate's holdout AUC is worse, so it is saved but
	# the active version stays.
	local r
	r=$(psql -X -q -tA -v ON_ERROR_STOP=1 -d cr_bi 2>&1 <<-'EOF'
		BEGIN;
		UPDATE member_features SET renewed = (member_id % 2 = 0) WHERE NOT retention_split(member_id, 0.3);
		SELECT retrain_demo() LIKE 'version 3 saved, not activated%' AS kept \gset
		SELECT :'kept'::boolean AND (SELECT version FROM retention_model_registry WHERE name = 'demo' AND active) = 1
		       AND (SELECT (metrics->>'holdout_auc')::float8 < (metrics->>'active_holdout_auc')::float8
		            FROM retention_model_registry WHERE name = 'demo' AND version = 3);
		ROLLBACK;
	EOF
	) || true
	bi_record_t "bi: the guided retrain keeps the active version when the candidate is worse" "$r"
	# A schema named after the scheduling role comes first in its search_path
	# ("$user"), and any role with CREATE on the database can make one.
	# Look-alikes planted there (an empty member_scoring, a check_score_drift
	# that returns -1) are not used by the README's schema-qualified job
	# command, nor inside the guided functions, which fix their search_path.
	r=$(psql -X -q -tA -v ON_ERROR_STOP=1 -d cr_bi 2>&1 <<-'EOF'
		BEGIN;
		SELECT format('CREATE SCHEMA %I', current_user) \gexec
		SELECT format('CREATE TABLE %I.member_scoring (LIKE public.member_scoring)', current_user) \gexec
		SELECT format('CREATE FUNCTION %I.check_score_drift(float8) RETURNS float8 LANGUAGE sql AS %L',
		              current_user, 'SELECT -1::float8') \gexec
		SELECT check_score_drift(0.1) = -1 AND public.check_score_drift(0.1) > 0;
		ROLLBACK;
	EOF
	) || true
	bi_record_t 'bi: the scheduled drift check ignores look-alikes in a "$user" schema' "$r"
	bi_retrain_race
}

# The guided retrain (README, step 6) while another session saves and
# activates a better version of 'demo': a driver session holds the name's
# lock (the one retention_model_save and retention_model_activate take)
# while retrain_demo() waits for it, then saves and activates a model trained
# on every member, the holdout included (its holdout AUC beats the
# candidate's), and lets go.  The retrain must compare its candidate with
# that version and leave it active; it used to read the active model before
# the lock, judge the candidate against the version before, and replace the
# better one.  Every wait polls pg_locks, with a bounded timeout.
bi_retrain_race() {
	local w=$WORK/bi-race drv a r
	local key="'retention_model_registry'::regclass::oid::int, hashtext('demo')"
	local lock="SELECT EXISTS (SELECT 1 FROM pg_locks l JOIN pg_stat_activity s USING (pid)
	            WHERE l.locktype = 'advisory' AND l.classid = 'retention_model_registry'::regclass::oid"
	mkdir -p "$w"
	rm -f "$w/drv.fifo"
	mkfifo "$w/drv.fifo"
	PGAPPNAME=cr_bi_drv psql -X -q -v ON_ERROR_STOP=1 -d cr_bi <"$w/drv.fifo" >"$w/drv.log" 2>&1 &
	drv=$!
	exec 8>"$w/drv.fifo"
	echo "SELECT pg_advisory_lock($key);" >&8
	r=f
	if bi_wait "$lock AND s.application_name = 'cr_bi_drv' AND l.granted)"; then
		PGAPPNAME=cr_bi_retrain psql -X -q -tA -v ON_ERROR_STOP=1 -d cr_bi -c 'SELECT retrain_demo()' \
			>"$w/retrain.out" 2>&1 &
		a=$!
		if bi_wait "$lock AND s.application_name = 'cr_bi_retrain' AND NOT l.granted)"; then
			cat >&8 <<-'EOF'
				SELECT retention_model_activate('demo', retention_model_save('demo',
				         retention_train(ARRAY[recency_days, active_days_30, current_streak, longest_streak,
				                               decayed_activity, trend, minutes_30, events, annual], renewed,
				                         '{"features": ["recency_days", "active_days_30", "current_streak", "longest_streak",
				                                        "decayed_activity", "trend", "minutes_30", "events", "annual"]}'),
				         NULL, 'every member'))
				FROM member_features;
			EOF
		fi
		echo "SELECT pg_advisory_unlock($key);" >&8
		exec 8>&-
		wait "$a" || true
		r=$(psql -X -q -tA -v ON_ERROR_STOP=1 -d cr_bi 2>&1 <<-'EOF'
			SELECT (SELECT note FROM retention_model_registry WHERE name = 'demo' AND active) = 'every member';
			-- back to the guided example's registry
			DELETE FROM retention_model_registry WHERE name = 'demo' AND version > 2;
			SELECT retention_model_activate('demo', 1) \g /dev/null
		EOF
		) || true
		grep -q '^version [0-9]* saved, not activated' "$w/retrain.out" || r="$r (retrain: $(cat "$w/retrain.out"))"
	else
		exec 8>&-
	fi
	wait "$drv" || true
	[ "$r" = t ] || cat "$w/retrain.out" "$w/drv.log" >&2
	bi_record_t "bi: the guided retrain compares with a version activated while it waits, and keeps it" "$r"
}

# bi_wait QUERY: poll cr_bi until QUERY returns t (at most 120 s).
bi_wait() {
	local end=$(($(date +%s) + 120))
	until [ "$(psql -X -q -tA -d cr_bi -c "$1" 2>/dev/null)" = t ]; do
		[ "$(date +%s)" -ge "$end" ] && return 1
		sleep 0.2
	done
}

# bi_record_t LABEL OUTPUT: one check, passed when OUTPUT is exactly t.
bi_record_t() {
	if [ "$2" = t ]; then
		record "$1" 1 0
	else
		echo "$2" >&2
		record "$1" 0 1
	fi
}
