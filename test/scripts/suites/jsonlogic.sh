# JsonLogic differential test: generated rules x member rows with NULLs,
# compiled by incentive_condition_from_jsonlogic and evaluated by
# incentive_matches, against json-logic-js (npm) under Node on the same data;
# then generated rules over JSON facts (incentive_matches(condition, jsonb)).
# test/jsonlogic/difftest.js explains the comparison; the README's JsonLogic
# semantics table lists what is rejected instead of compared.
run_jsonlogic() {
	local dir=$ROOT/test/jsonlogic seed cases res out ok=0 nok=0
	[ -f "$dir/difftest.js" ] || return 0
	say "JsonLogic: generated rules against json-logic-js"
	if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
		echo "    skipped: node and npm are needed for the JsonLogic differential test (apt-get install nodejs npm)"
		return 0
	fi
	if [ ! -d "$dir/node_modules/json-logic-js" ]; then
		(cd "$dir" && npm ci --no-audit --no-fund >"$WORK/jsonlogic-npm.log" 2>&1) || {
			cat "$WORK/jsonlogic-npm.log" >&2
			record "jsonlogic (npm ci)" 0 1
			return 0
		}
	fi
	mkdir -p "$WORK/jsonlogic"
	for seed in 1 2; do
		cases=$WORK/jsonlogic/cases-$seed.sql
		res=$WORK/jsonlogic/results-$seed.txt
		out=$WORK/jsonlogic/compare-$seed.out
		node "$dir/difftest.js" gen 1500 "$seed" >"$cases"
		psql -X -q -d postgres -c "CREATE DATABASE cr_jsonlogic_$seed" >/dev/null
		if ! psql -X -q -tA -v ON_ERROR_STOP=1 -d "cr_jsonlogic_$seed" -c 'CREATE EXTENSION community_retention' \
			-f "$cases" -f "$dir/eval.sql" >"$res" 2>"$out.err"; then
			cat "$out.err" >&2
			nok=$((nok + 1))
			continue
		fi
		if (cd "$dir" && node difftest.js compare "$cases" "$res") >"$out" 2>&1; then
			ok=$((ok + 1))
		else
			nok=$((nok + 1))
			cat "$out" >&2
		fi
		sed -n 's/^# \([0-9]* rules:.*\)/    seed '"$seed"': \1/p' "$out"
	done
	# the same over JSON facts: incentive_matches(condition, jsonb), more forms
	seed=3
	cases=$WORK/jsonlogic/facts-$seed.sql
	res=$WORK/jsonlogic/facts-results-$seed.txt
	out=$WORK/jsonlogic/facts-compare-$seed.out
	node "$dir/difftest.js" gen-facts 3000 "$seed" >"$cases"
	psql -X -q -d postgres -c "CREATE DATABASE cr_jsonlogic_facts" >/dev/null
	if ! psql -X -q -tA -v ON_ERROR_STOP=1 -d cr_jsonlogic_facts -c 'CREATE EXTENSION community_retention' \
		-v items=jl_facts -v item=w.f -f "$cases" -f "$dir/eval.sql" >"$res" 2>"$out.err"; then
		cat "$out.err" >&2
		nok=$((nok + 1))
	elif (cd "$dir" && node difftest.js compare-facts "$cases" "$res") >"$out" 2>&1; then
		ok=$((ok + 1))
	else
		nok=$((nok + 1))
		cat "$out" >&2
	fi
	sed -n 's/^# \([0-9]* rules:.*\)/    JSON facts, seed '"$seed"': \1/p' "$out"
	record "jsonlogic: json-logic-js agrees (seeds; rows and JSON facts)" "$ok" "$nok"
}
