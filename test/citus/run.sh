#!/usr/bin/env bash
# test/citus/run.sh: the body of `make citus-check`.  Skips (exit 0) when
# Citus is not installed in the server's lib directory; otherwise builds a
# private install of this extension, starts a coordinator and two workers
# (test/citus/citus.sh) and runs the checks.  KEEP=1 leaves the three
# clusters running and prints how to connect; VERBOSE=1 prints every check.
source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
source "$ROOT/test/citus/citus.sh"

find_pg_config
if ! citus_installed; then
	echo "skipped: Citus is not installed"
	exit 0
fi

PASS=0
FAIL=0
record() {
	PASS=$((PASS + $2))
	FAIL=$((FAIL + $3))
	printf '    %-34s %4d passed, %d failed\n' "$1" "$2" "$3"
}

ensure_packages demo
build WERROR=1
make_workdir
citus_exit() {
	local rc=$?
	set +e	# (exit $rc) below must not end the trap before cleanup
	if [ "${KEEP:-0}" = 1 ] && [ -f "$WORK/citus/up" ]; then
		KEEP_WORK=1
		echo
		echo "The Citus clusters are still running (KEEP=1). Connect to the coordinator with:"
		echo "  psql -h $WORK/citus/coord/run -p $CITUS_PORT_coord -U postgres cr_citus"
		echo "Stop them with pg_ctl -D $WORK/citus/{coord,w1,w2}/data stop (as $SERVER_USER), then rm -rf $WORK"
	else
		citus_stop_all
	fi
	(exit $rc)
	cleanup
}
trap citus_exit EXIT
private_install
say "Citus checks"
run_citus_checks
echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
