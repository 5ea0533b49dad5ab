# Final functions called without an expression node, as Citus calls them on
# the coordinator (flinfo->fn_expr = NULL): builds the test-only module
# test/citus/noexpr.c and runs test/citus/noexpr.sql, which compares, for every
# aggregate of the extension, that call's result with the aggregate's own.
# Needs no Citus.
run_noexpr() {
	local dir=$ROOT/test/citus out=$WORK/noexpr ok nok
	[ -f "$dir/noexpr.sql" ] || return 0
	say "final functions called without an expression node (the Citus way)"
	mkdir -p "$out"
	if ! cc -shared -fPIC -O1 -Wall -Wextra -Werror -Wno-unused-parameter \
		-I "$("$PG_CONFIG" --includedir-server)" -o "$out/noexpr.so" "$dir/noexpr.c" >"$out/build.log" 2>&1; then
		cat "$out/build.log" >&2
		record "noexpr (build)" 0 1
		return 0
	fi
	psql -X -q -d postgres -c 'CREATE DATABASE cr_noexpr' >/dev/null
	psql -X -q -v ON_ERROR_STOP=1 -d cr_noexpr -c 'CREATE EXTENSION community_retention' >/dev/null
	psql -X -q -tA -v ON_ERROR_STOP=1 -v module="$out/noexpr.so" -d cr_noexpr \
		-f "$dir/noexpr.sql" >"$out/run.out" 2>&1 || true
	ok=$(grep -c ': true$' "$out/run.out" || true)
	nok=$(grep -vc ': true$' "$out/run.out" || true)
	[ "$nok" -gt 0 ] && cat "$out/run.out" >&2
	record "final functions without fn_expr" "$ok" "$nok"
}
