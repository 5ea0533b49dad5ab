# Survival at scale: retention_km over 1e6 distinct durations and GROUP BY
# over 100 000 groups (test/survival/*.sql), each result checked against a
# plain SQL recomputation of a few points, and the backend's peak memory
# (VmHWM, which the SQL files print) kept under a bound: 512 MB for the
# million-point curve (its state, sort scratch and the ~100 MB array:
# about 200 MB; see test/bench/km_memory.sh), 512 MB for the groups (about 100 MB), 1.4 GB for a
# curve of more points than an array holds (its state and sort scratch,
# about 1.1 GB, and no curve: 1.7 GB when the error came from the array),
# 512 MB for the leader of a parallel log-rank whose one worker holds more
# pairs than a partial state can carry (the worker itself takes about 2.5 GB).
# That last file takes one to three minutes, so `make test` leaves it to
# `make soak`, which runs it by setting SURVIVAL_SCALE_FILES.
run_survival_scale() {
	local dir=$ROOT/test/survival w=$WORK/survival_scale f name limit out pid hwm nok ok
	[ -f "$dir/curve.sql" ] || return 0
	local files=${SURVIVAL_SCALE_FILES:-curve:524288 groups:524288 toolarge:1433600}
	say "survival at scale ($(echo "$files" | sed 's/:[0-9]*//g')): checks and memory peaks"
	mkdir -p "$w"
	psql -X -q -d postgres -c 'CREATE DATABASE cr_surv_scale' >/dev/null
	psql -X -q -d cr_surv_scale -c 'CREATE EXTENSION community_retention' >/dev/null
	for f in $files; do
		name=${f%%:*}
		limit=${f##*:}
		out=$w/$name.out
		psql -X -q -d cr_surv_scale -f "$dir/$name.sql" >"$out" 2>&1
		ok=$(grep -c '^check|.*|true$' "$out" || true)
		nok=$(grep -c '^check|.*|false$' "$out" || true)
		if [ $((ok + nok)) -eq 0 ] || grep -q ERROR "$out"; then
			cat "$out" >&2
			nok=$((nok + 1))
		fi
		grep '^check|.*|false$' "$out" >&2 || true
		record "survival_scale/$name checks" "$ok" "$nok"
		hwm=$(sed -n 's/^hwm|//p' "$out")
		if [ -n "$hwm" ] && [ "$hwm" -lt "$limit" ]; then
			record "survival_scale/$name peak ${hwm} kB < ${limit} kB" 1 0
		else
			echo "survival_scale/$name: backend peak memory ${hwm:-unknown} kB, limit $limit kB" >&2
			record "survival_scale/$name peak memory" 0 1
		fi
	done
}
