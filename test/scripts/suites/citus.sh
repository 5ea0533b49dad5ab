# Citus: a coordinator and two workers on this machine, the demo tables
# distributed by member_id, every aggregate checked against the single-node
# result and its plan (split, gathered or pushed down), and retention_fit
# when the build has it (test/citus/).  Skipped, at once, when Citus is not
# installed in the server's lib directory; `make citus-check` runs it alone.
run_citus() {
	[ -f "$ROOT/test/citus/citus.sh" ] || return 0
	# shellcheck source=/dev/null
	source "$ROOT/test/citus/citus.sh"
	if ! citus_installed; then
		say "citus: skipped: Citus is not installed"
		record "citus (skipped: not installed)" 0 0
		return 0
	fi
	say "Citus: coordinator + 2 workers"
	trap 'rc=$?; set +e; citus_stop_all; (exit $rc); cleanup' EXIT
	run_citus_checks
	citus_stop_all
	trap cleanup EXIT
}
