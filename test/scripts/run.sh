#!/usr/bin/env bash
# test/scripts/run.sh MODE: the body of `make demo`, `make test`, `make bench`
# and `make fuzz`.  See lib.sh for the set-up every mode shares.
#
# Environment knobs:
#   KEEP=1            leave the throwaway cluster running and print how to connect
#   PG_CONFIG=...     build against another PostgreSQL (default: 15's, else PATH)
#   FUZZ_SECONDS=N    seconds per fuzz harness (test: 10, fuzz: 300)
#   FUZZ_SEED=N       libFuzzer's -seed (test: 1, the same inputs every run;
#                     fuzz: 0, a new seed from the clock each run)
#   ONLY=regress|pgtap|unit|fuzz|static|dump|soak|NAME
#                     run one suite of `make test` (NAME: test/scripts/suites/NAME.sh)
#   SOAK_SECONDS=N    seconds of the pgbench concurrency run (test: 30, soak: 180)
#   BENCH_SCALE=...   passed to test/bench/bench.sh (see there)

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

MODE=${1:-}

PASS=0
FAIL=0
FAILED_NAMES=()
record() { # record NAME PASSED_COUNT FAILED_COUNT
	PASS=$((PASS + $2))
	FAIL=$((FAIL + $3))
	[ "$3" -gt 0 ] && FAILED_NAMES+=("$1")
	printf '    %-34s %4d passed, %d failed\n' "$1" "$2" "$3"
}
want() { [ -z "${ONLY:-}" ] || [ "$ONLY" = "$1" ]; }

# The first-comment line " * link: src/a.c src/b.c" of a unit test or fuzz
# harness names the plain-C sources it is linked with.
link_sources() {
	sed -n 's/^[[:space:]/*]*link:[[:space:]]*//p' "$1" | head -1 | tr ' ' '\n' | sed '/^$/d' | sed "s#^#$ROOT/#"
}

# ---------------------------------------------------------------- suites

run_static() {
	say "static checks"
	# The build itself ran with -Wall -Wextra -Werror (see setup); it counts as one check.
	record "build -Wall -Wextra -Werror" 1 0
	if command -v cppcheck >/dev/null 2>&1; then
		if cppcheck --quiet --error-exitcode=1 --enable=warning,portability,performance \
			--std=c99 --inline-suppr --suppress=missingIncludeSystem \
			--suppress=unknownMacro -D__GNUC__ -DPG_MODULE_MAGIC= \
			-I "$ROOT/src" "$ROOT"/src/*.c "$ROOT"/src/*.h >"$WORK/cppcheck.log" 2>&1; then
			record "cppcheck" 1 0
		else
			cat "$WORK/cppcheck.log" >&2
			record "cppcheck" 0 1
		fi
	fi
}

run_unit() {
	local f name bin out ok nok
	shopt -s nullglob
	local files=("$ROOT"/test/unit/test_*.c)
	[ ${#files[@]} -eq 0 ] && return 0
	say "unit tests of the plain-C kernels (AddressSanitizer + UBSan)"
	mkdir -p "$WORK/unit"
	for f in "${files[@]}"; do
		name=$(basename "$f" .c)
		bin=$WORK/unit/$name
		if ! cc -std=c99 -O1 -g -Wall -Wextra -fsanitize=address,undefined -fno-omit-frame-pointer \
			-I "$ROOT/src" -o "$bin" "$f" $(link_sources "$f") -lm >"$WORK/unit/$name.build" 2>&1; then
			cat "$WORK/unit/$name.build" >&2
			record "unit/$name (build)" 0 1
			continue
		fi
		out=$WORK/unit/$name.out
		local rc=0
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 "$bin" >"$out" 2>&1 || rc=$?
		ok=$(grep -c '^ok ' "$out" || true)
		nok=$(grep -c '^not ok ' "$out" || true)
		if [ $rc -ne 0 ] && [ "$nok" -eq 0 ]; then nok=1; fi
		[ "$nok" -gt 0 ] && { grep -v '^ok ' "$out" | head -40 >&2; }
		record "unit/$name" "$ok" "$nok"
	done
}

run_regress() {
	local tests=() f out ok nok
	for f in "$ROOT"/sql/*.sql; do
		case "$(basename "$f")" in community_retention--*) continue ;; esac
		tests+=("$(basename "$f" .sql)")
	done
	[ ${#tests[@]} -eq 0 ] && return 0
	say "pg_regress: ${#tests[@]} files"
	mkdir -p "$WORK/regress"
	out=$WORK/regress/run.log
	"$PG_REGRESS" --inputdir="$ROOT" --outputdir="$WORK/regress" --bindir="$PG_BINDIR" \
		--host="$PGHOST" --port="$PGPORT" --user=postgres \
		--dbname=contrib_regression --load-extension=community_retention \
		"${tests[@]}" >"$out" 2>&1 || true
	ok=$(grep -cE '\.\.\. ok|^ok ' "$out" || true)
	nok=$(grep -cE '\.\.\. FAILED|\.\.\. failed|^not ok ' "$out" || true)
	if [ $((ok + nok)) -lt ${#tests[@]} ]; then nok=$((${#tests[@]} - ok)); fi
	if [ "$nok" -gt 0 ]; then
		grep -E 'FAILED|failed' "$out" >&2 || cat "$out" >&2
		[ -f "$WORK/regress/regression.diffs" ] && head -300 "$WORK/regress/regression.diffs" >&2
		# Keep the actual outputs where a developer can read (or accept) them.
		rm -rf "$ROOT/test/results" && cp -r "$WORK/regress/results" "$ROOT/test/results" 2>/dev/null || true
		echo "actual outputs copied to test/results/ (compare with expected/)" >&2
	fi
	record "pg_regress (files)" "$ok" "$nok"
}

# prove NAME DB FILE OUT: run the pgTAP file FILE with pg_prove in the
# database DB (output in OUT) and record its tests as NAME; a run that fails
# without a failed test (an error, a wrong plan) counts as one failure.
prove() {
	local ok nok rc=0
	pg_prove -v -d "$2" "$3" >"$4" 2>&1 || rc=$?
	ok=$(grep -cE '^ok [0-9]' "$4" || true)
	nok=$(grep -cE '^not ok [0-9]' "$4" || true)
	if [ $rc -ne 0 ] && [ "$nok" -eq 0 ]; then nok=1; fi
	[ "$nok" -gt 0 ] && { grep -vE '^ok [0-9]' "$4" | head -60 >&2; }
	record "$1" "$ok" "$nok"
}

run_pgtap() {
	shopt -s nullglob
	local files=("$ROOT"/test/pgtap/*.sql) f
	[ ${#files[@]} -eq 0 ] && return 0
	say "pgTAP via pg_prove: ${#files[@]} files"
	psql -X -q -v ON_ERROR_STOP=1 -d postgres -c 'CREATE DATABASE cr_tap' >/dev/null
	psql -X -q -v ON_ERROR_STOP=1 -d cr_tap -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION community_retention' >/dev/null
	for f in "${files[@]}"; do
		prove "pgtap/$(basename "$f" .sql)" cr_tap "$f" "$WORK/pgtap-$(basename "$f" .sql).out"
	done
}

# Nothing lost: test/dump/setup.sql builds a database holding every type the
# extension stores (models, conditions, engagement composites ...);
# test/dump/check.sql prints what users depend on (scores, rule results) with
# full float precision.  The database must survive pg_dump/restore in plain and
# custom formats, and every table a binary COPY round trip, with identical output.
run_dump() {
	local dir=$ROOT/test/dump d fmt t n ok nok
	[ -f "$dir/setup.sql" ] && [ -f "$dir/check.sql" ] || return 0
	say "pg_dump / pg_restore and binary COPY round trips"
	mkdir -p "$WORK/dump"
	local q="psql -X -q -v ON_ERROR_STOP=1"
	$q -d postgres -c 'CREATE DATABASE cr_dump_src' >/dev/null
	if ! $q -d cr_dump_src -f "$dir/setup.sql" >"$WORK/dump/setup.log" 2>&1; then
		cat "$WORK/dump/setup.log" >&2
		record "dump (setup)" 0 1
		return 0
	fi
	if ! $q -d cr_dump_src -f "$dir/check.sql" >"$WORK/dump/src.out" 2>&1; then
		cat "$WORK/dump/src.out" >&2
		record "dump (check.sql on the source)" 0 1
		return 0
	fi
	for fmt in plain custom; do
		d=cr_dump_$fmt
		$q -d postgres -c "CREATE DATABASE $d TEMPLATE template0" >/dev/null
		if [ $fmt = plain ]; then
			"$PG_BINDIR/pg_dump" -Fp -d cr_dump_src -f "$WORK/dump/dump.sql" &&
				$q -d $d -f "$WORK/dump/dump.sql" >"$WORK/dump/restore-$fmt.log" 2>&1
		else
			"$PG_BINDIR/pg_dump" -Fc -d cr_dump_src -f "$WORK/dump/dump.custom" &&
				"$PG_BINDIR/pg_restore" --exit-on-error -d $d "$WORK/dump/dump.custom" >"$WORK/dump/restore-$fmt.log" 2>&1
		fi || { cat "$WORK/dump/restore-$fmt.log" >&2; record "dump/$fmt (restore)" 0 1; continue; }
		$q -d $d -f "$dir/check.sql" >"$WORK/dump/$fmt.out" 2>&1 || true
		if diff -u "$WORK/dump/src.out" "$WORK/dump/$fmt.out" >"$WORK/dump/$fmt.diff"; then
			record "dump/$fmt ($(wc -l <"$WORK/dump/src.out") lines identical)" 1 0
		else
			head -40 "$WORK/dump/$fmt.diff" >&2
			record "dump/$fmt" 0 1
		fi
	done
	# Binary COPY: every table out and back in; the text form of each row
	# (shortest round-trip floats) must be identical.
	ok=0 nok=0
	for t in $($q -tA -d cr_dump_src -c "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"); do
		$q -d cr_dump_src -c "\\copy $t TO '$WORK/dump/$t.bin' WITH (FORMAT binary)" \
			-c "CREATE TABLE copy_back (LIKE $t)" \
			-c "\\copy copy_back FROM '$WORK/dump/$t.bin' WITH (FORMAT binary)" >/dev/null 2>"$WORK/dump/copy.err" || { cat "$WORK/dump/copy.err" >&2; nok=$((nok + 1)); continue; }
		n=$($q -tA -d cr_dump_src -c "SELECT (SELECT md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) FROM $t r) = (SELECT md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) FROM copy_back r)" -c 'DROP TABLE copy_back')
		if [ "$n" = t ]; then ok=$((ok + 1)); else echo "binary COPY changed table $t" >&2; nok=$((nok + 1)); fi
	done
	record "dump/binary COPY (tables)" "$ok" "$nok"
}

# Concurrency and leaks: 8 pgbench clients mix scoring, rule evaluation and
# feature aggregation (test/bench/soak.pgbench on data from soak.setup.sql).
# Passes when no transaction fails and no backend's anonymous memory (RssAnon)
# grows by more than 16 MB between the first third of the run and its end;
# then each aggregate runs four times over 1M groups in one backend, whose
# memory contexts must not grow between the second and the fourth run, nor
# its RSS in both of those steps (soak.groups.sql says why).
rss_anon_kb() { sed -n 's/^RssAnon:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status" 2>/dev/null || echo 0; }

run_soak() {
	local secs=$1 dir=$ROOT/test/bench log pids p before after grew=0 rc=0
	[ -f "$dir/soak.setup.sql" ] && [ -f "$dir/soak.pgbench" ] || return 0
	say "concurrency: 8 pgbench clients for ${secs}s, then 1M-group aggregates"
	mkdir -p "$WORK/soak"
	log=$WORK/soak/pgbench.log
	psql -X -q -d postgres -c 'CREATE DATABASE cr_soak' >/dev/null
	psql -X -q -v ON_ERROR_STOP=1 -d cr_soak -f "$dir/soak.setup.sql" >"$WORK/soak/setup.log" 2>&1 ||
		{ cat "$WORK/soak/setup.log" >&2; record "soak (setup)" 0 1; return 0; }
	"$PG_BINDIR/pgbench" -n -c 8 -j 2 -T "$secs" -f "$dir/soak.pgbench" cr_soak >"$log" 2>&1 &
	local bench=$!
	sleep $((secs / 3 + 1))
	pids=$(psql -X -tA -d postgres -c "SELECT pid FROM pg_stat_activity WHERE datname = 'cr_soak' AND application_name = 'pgbench'")
	declare -A start=()
	for p in $pids; do start[$p]=$(rss_anon_kb "$p"); done
	sleep $((secs - secs / 3 - 3 > 0 ? secs - secs / 3 - 3 : 1))
	for p in $pids; do
		after=$(rss_anon_kb "$p"); after=${after:-0}
		[ "$after" -gt 0 ] || continue
		if [ $((after - ${start[$p]})) -gt 16384 ]; then
			echo "backend $p grew from ${start[$p]} kB to $after kB" >&2
			grew=$((grew + 1))
		fi
		echo "backend $p RssAnon ${start[$p]} kB -> $after kB" >>"$WORK/soak/memory.log"
	done
	wait $bench || rc=$?
	local failed
	failed=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$log")
	local done_tx
	done_tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$log")
	if [ $rc -ne 0 ] || [ "${failed:-1}" != 0 ] || [ "${done_tx:-0}" -eq 0 ]; then
		tail -30 "$log" >&2
		record "soak: 8 clients, ${done_tx:-0} transactions, no errors" 0 1
	else
		record "soak: 8 clients, $done_tx transactions, no errors" 1 0
	fi
	if [ $grew -eq 0 ] && [ -n "$pids" ]; then
		record "soak: backend memory flat ($(echo $pids | wc -w) backends)" 1 0
	else
		record "soak: backend memory flat" 0 1
	fi
	if [ -f "$dir/soak.groups.sql" ]; then
		local out=$WORK/soak/groups.out
		if CR_RSS="$ROOT/test/scripts/rss.sh" psql -X -q -v ON_ERROR_STOP=1 -d cr_soak -f "$dir/soak.groups.sql" >"$out" 2>&1; then
			local c2 c4 r2 r3 r4
			c2=$(sed -n 's/^contexts after run 2: //p' "$out")
			c4=$(sed -n 's/^contexts after run 4: //p' "$out")
			r2=$(sed -n 's/^rss after run 2: //p' "$out")
			r3=$(sed -n 's/^rss after run 3: //p' "$out")
			r4=$(sed -n 's/^rss after run 4: //p' "$out")
			# Contexts: at most 1 MB more after two further runs of 1M groups.
			# RSS: a leak grows it in both steps; one step up is the allocator.
			if [ -n "$c2" ] && [ -n "$c4" ] && [ -n "$r2" ] && [ -n "$r3" ] && [ -n "$r4" ] &&
				[ $((c4 - c2)) -le 1048576 ] &&
				! { [ $((r3 - r2)) -gt 8192 ] && [ $((r4 - r3)) -gt 8192 ]; }; then
				record "soak: 1M-group aggregates, memory flat (contexts ${c2} -> ${c4} B, RSS ${r2} -> ${r3} -> ${r4} kB)" 1 0
			else
				cat "$out" >&2
				record "soak: 1M-group aggregates, memory flat" 0 1
			fi
		else
			cat "$out" >&2
			record "soak: 1M-group aggregates" 0 1
		fi
		# float8[] states held once per group in a hash aggregate: peak
		# memory of retention_score_drift and retention_newton_step within a
		# quarter of retention_calibration's (a state of about the same
		# size); a second copy per group made them 1.7 and 1.9 times as much.
		local hc hd hn
		read -r hc hd hn < <(sed -n 's/^hash peak kB: calibration \([0-9]*\) drift \([0-9]*\) newton \([0-9]*\)$/\1 \2 \3/p' "$out")
		if [ -n "$hc" ] && [ "$hc" -gt 0 ] && [ $((hd * 4)) -le $((hc * 5)) ] && [ $((hn * 4)) -le $((hc * 5)) ]; then
			record "soak: float8[] states held once per group (hash aggregate of 100k groups: calibration $hc kB, drift $hd kB, newton step $hn kB)" 1 0
		else
			grep '^hash peak' "$out" >&2
			record "soak: float8[] states held once per group" 0 1
		fi
		# Growing states start small: over the same 100k groups of two rows,
		# retention_train within 1.5 times retention_calibration's peak and
		# incentive_uplift_eval within 1.25 times retention_auc's (room for 64
		# rows or keys made them 3.6 and 2.9 times).
		local ha hu ht
		read -r ha hu ht < <(sed -n 's/^hash peak kB, growing states: auc \([0-9]*\) uplift \([0-9]*\) train \([0-9]*\)$/\1 \2 \3/p' "$out")
		if [ -n "$ha" ] && [ -n "$hc" ] && [ "$ha" -gt 0 ] && [ $((ht * 2)) -le $((hc * 3)) ] && [ $((hu * 4)) -le $((ha * 5)) ]; then
			record "soak: growing states start small (100k groups: train $ht kB, uplift $hu kB, auc $ha kB)" 1 0
		else
			grep '^hash peak' "$out" >&2
			record "soak: growing states start small" 0 1
		fi
	fi
}

# run_fuzz SECONDS SEED: build every test/fuzz/fuzz_*.c with libFuzzer, ASan
# and UBSan and run it on a scratch copy of its committed seed corpus, with
# libFuzzer's -seed SEED (0: one from the clock).  `make test` passes a fixed
# seed, so that a run mutates the same inputs in the same order every time
# and its result does not depend on luck; `make fuzz` explores anew.
run_fuzz() {
	local secs=$1 seed=$2 f name bin corpus rc execs
	shopt -s nullglob
	local files=("$ROOT"/test/fuzz/fuzz_*.c)
	[ ${#files[@]} -eq 0 ] && return 0
	command -v clang >/dev/null || { record "fuzz (clang missing)" 0 1; return 0; }
	say "fuzzing: ${#files[@]} harnesses, ${secs}s each (seed $seed)"
	mkdir -p "$WORK/fuzz"
	for f in "${files[@]}"; do
		name=$(basename "$f" .c)
		bin=$WORK/fuzz/$name
		if ! clang -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
			-I "$ROOT/src" -o "$bin" "$f" $(link_sources "$f") -lm >"$WORK/fuzz/$name.build" 2>&1; then
			cat "$WORK/fuzz/$name.build" >&2
			record "fuzz/$name (build)" 0 1
			continue
		fi
		corpus=$WORK/fuzz/$name.corpus
		mkdir -p "$corpus"
		[ -d "$ROOT/test/fuzz/corpus/${name#fuzz_}" ] && cp -r "$ROOT/test/fuzz/corpus/${name#fuzz_}/." "$corpus/"
		rc=0
		(cd "$WORK/fuzz" && "$bin" -seed="$seed" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
			-print_final_stats=1 "$corpus") >"$WORK/fuzz/$name.log" 2>&1 || rc=$?
		execs=$(sed -n 's/^stat::number_of_executed_units:[[:space:]]*//p' "$WORK/fuzz/$name.log" | tail -1)
		if [ $rc -eq 0 ]; then
			record "fuzz/$name (${execs:-0} execs)" 1 0
		else
			tail -60 "$WORK/fuzz/$name.log" >&2
			ls "$WORK"/fuzz/crash-* "$WORK"/fuzz/leak-* 2>/dev/null | head >&2 || true
			record "fuzz/$name (${execs:-0} execs)" 0 1
		fi
	done
}

# Further suites live in test/scripts/suites/NAME.sh, one file per suite: each
# defines run_NAME (using say, record and the running cluster) and is run by
# `make test` in name order, or alone with ONLY=NAME.  A suite may also define
# start_NAME, run right after the cluster is up, for work that must go on in
# the background while the other suites run (pg_cron starts jobs only on the
# minute).
each_suite() { # each_suite run|start
	local f n
	shopt -s nullglob
	for f in "$ROOT"/test/scripts/suites/*.sh; do
		n=$(basename "$f" .sh)
		# shellcheck source=/dev/null
		source "$f"
		if want "$n" && declare -F "$1_$n" >/dev/null; then "$1_$n"; fi
	done
	return 0
}
run_plugin_suites() { each_suite run; }
start_plugin_suites() { each_suite start; }

# ---------------------------------------------------------------- modes

case "$MODE" in
demo)
	setup_cluster demo
	if [ "$(id -u)" -eq 0 ]; then
		say "installing the extension system-wide (make install)"
		make -C "$ROOT" -s PG_CONFIG="$PG_CONFIG" install >/dev/null
	else
		say "not root: the extension is installed only in the throwaway cluster (run 'sudo make install' for your own servers)"
	fi
	psql -X -q -d postgres -c 'CREATE DATABASE community' >/dev/null
	KEEP_DB=community
	say "running the demo (test/scripts/demo.sql)"
	psql -X -v ON_ERROR_STOP=1 -d community -f "$ROOT/test/scripts/demo.sql"
	;;
test)
	T0=$(date +%s)
	WERROR_ARG="WERROR=1"
	setup_cluster test
	start_plugin_suites
	want static && run_static
	want unit && run_unit
	want regress && run_regress
	want pgtap && run_pgtap
	want dump && run_dump
	run_plugin_suites
	want soak && run_soak "${SOAK_SECONDS:-30}"
	want fuzz && run_fuzz "${FUZZ_SECONDS:-10}" "${FUZZ_SEED:-1}"
	echo
	[ ${#FAILED_NAMES[@]} -gt 0 ] && echo "failed: ${FAILED_NAMES[*]}"
	echo "elapsed: $(($(date +%s) - T0)) s"
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
	;;
bench)
	setup_cluster bench
	[ -f "$ROOT/test/bench/bench.sh" ] || die "test/bench/bench.sh not found"
	bash "$ROOT/test/bench/bench.sh"
	;;
soak)
	setup_cluster test
	run_soak "${SOAK_SECONDS:-180}"
	# the survival file too long for `make test` (see the suite)
	# shellcheck source=/dev/null
	source "$ROOT/test/scripts/suites/survival_scale.sh"
	SURVIVAL_SCALE_FILES="parallel:524288" run_survival_scale
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
	;;
fuzz)
	ensure_packages fuzz
	make_workdir
	run_fuzz "${FUZZ_SECONDS:-300}" "${FUZZ_SEED:-0}"
	echo "$PASS passed, $FAIL failed"
	[ "$FAIL" -eq 0 ]
	;;
*)
	die "usage: run.sh demo|test|bench|fuzz|soak"
	;;
esac
