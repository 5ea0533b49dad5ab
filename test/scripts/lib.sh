# test/scripts/lib.sh: shared set-up for `make demo`, `make test`, `make bench`
# and `make fuzz`.  Sourced by run.sh; not meant to be run on its own.
#
# What it does, in order:
#   1. ensure_packages: installs missing Debian packages when run as root, or
#      prints the exact apt-get line and exits non-zero otherwise;
#   2. build: compiles the extension against PG_CONFIG;
#   3. private_install: installs it into a private copy of the server's
#      directory layout under a temporary folder (PostgreSQL finds its share and
#      lib directories relative to its own binary), so neither root nor the
#      system's PostgreSQL is needed to try it, and a stale system-wide install
#      can never be what the tests see;
#   4. cluster_start: initdb + pg_ctl start in that folder, listening only on a
#      unix socket inside it, on a port nobody else uses, run as an
#      unprivileged OS user (PostgreSQL refuses to run as root);
#   5. cluster_stop (on exit): stops the cluster and removes the folder,
#      unless KEEP=1.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PG_MAJOR=${PG_MAJOR:-15}

say() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Debian packages each mode needs.  "cmd=package" means: fine if the command
# cmd is already on PATH (however it got there), else install package.
packages_for() {
	local base="postgresql-$PG_MAJOR postgresql-server-dev-$PG_MAJOR make=make gcc=gcc"
	case "$1" in
	demo) echo "$base" ;;
	test) echo "$base postgresql-$PG_MAJOR-pgtap libtap-parser-sourcehandler-pgtap-perl clang=clang libclang-rt-dev cppcheck=cppcheck postgresql-$PG_MAJOR-cron python3-psycopg2" ;;
	fuzz) echo "$base clang=clang libclang-rt-dev" ;;
	bench) echo "$base postgresql-plpython3-$PG_MAJOR python3-sklearn python3-statsmodels node=nodejs npm=npm bc=bc" ;;
	esac
}

ensure_packages() {
	local mode=$1 missing=() p cmd
	if ! command -v dpkg-query >/dev/null 2>&1; then
		# Not Debian: trust PG_CONFIG and PATH, and let the build say what is missing.
		return 0
	fi
	for p in $(packages_for "$mode"); do
		if [ "${p#*=}" != "$p" ]; then
			cmd=${p%%=*}
			p=${p#*=}
			command -v "$cmd" >/dev/null 2>&1 && continue
		fi
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
			missing+=("$p")
		fi
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "Missing Debian packages. Install them with:" >&2
		echo "  sudo apt-get install -y ${missing[*]}" >&2
		exit 1
	fi
	say "installing ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	if ! apt-get install -y -q "${missing[@]}" >/tmp/community_retention-apt.log 2>&1; then
		apt-get update -q >>/tmp/community_retention-apt.log 2>&1 || true
		apt-get install -y -q "${missing[@]}" >>/tmp/community_retention-apt.log 2>&1 ||
			{ tail -20 /tmp/community_retention-apt.log >&2; die "apt-get install failed (log: /tmp/community_retention-apt.log)"; }
	fi
}

find_pg_config() {
	if [ -n "${PG_CONFIG:-}" ]; then
		:
	elif [ -x "/usr/lib/postgresql/$PG_MAJOR/bin/pg_config" ]; then
		PG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config
	else
		PG_CONFIG=$(command -v pg_config) || die "pg_config not found; set PG_CONFIG"
	fi
	export PG_CONFIG
	PG_BINDIR=$("$PG_CONFIG" --bindir)
	PG_SHAREDIR=$("$PG_CONFIG" --sharedir)
	PG_PKGLIBDIR=$("$PG_CONFIG" --pkglibdir)
	PG_PGXS=$("$PG_CONFIG" --pgxs)
	PG_REGRESS="$(dirname "$PG_PGXS")/../test/regress/pg_regress"
}

# build [extra make args...]
build() {
	say "building the extension"
	make -C "$ROOT" -s PG_CONFIG="$PG_CONFIG" "$@" >&2
}

# A temporary folder for the cluster, the private install and logs.
make_workdir() {
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/community_retention.XXXXXX")
	chmod 755 "$WORK"
	trap cleanup EXIT
	trap 'exit 130' INT TERM
}

private_install() {
	local inst=$WORK/inst
	mkdir -p "$inst$PG_BINDIR" "$(dirname "$inst$PG_SHAREDIR")" "$(dirname "$inst$PG_PKGLIBDIR")"
	# Real copies of the server binaries (PostgreSQL resolves symlinks when it
	# looks for its own location), symlinked copies of its share and lib trees.
	cp "$PG_BINDIR/postgres" "$PG_BINDIR/initdb" "$PG_BINDIR/pg_ctl" "$inst$PG_BINDIR/"
	cp -rs "$PG_SHAREDIR" "$(dirname "$inst$PG_SHAREDIR")/"
	cp -rs "$PG_PKGLIBDIR" "$(dirname "$inst$PG_PKGLIBDIR")/"
	# Drop links to any system-wide copy of this extension, so installing never
	# writes through a link into the system's directories; the private cluster
	# needs no JIT bitcode.
	find "$inst" -name "community_retention*" -prune -exec rm -rf {} +
	make -C "$ROOT" -s PG_CONFIG="$PG_CONFIG" install DESTDIR="$inst" with_llvm=no >/dev/null
	PRIVATE_BINDIR=$inst$PG_BINDIR
}

# The OS user that runs the server: ourselves, or an unprivileged one when root.
server_user() {
	if [ "$(id -u)" -ne 0 ]; then
		id -un
	elif id postgres >/dev/null 2>&1; then
		echo postgres
	else
		useradd --system --no-create-home --shell /usr/sbin/nologin community_retention >/dev/null 2>&1 || true
		echo community_retention
	fi
}

as_server_user() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u "$SERVER_USER" -- "$@"
	else
		"$@"
	fi
}

free_port() {
	local port
	for _ in $(seq 1 200); do
		port=$((20000 + RANDOM % 30000))
		if ! (ss -Hltn 2>/dev/null || true) | awk '{print $4}' | grep ":$port\$" >/dev/null &&
			[ ! -e "/tmp/.s.PGSQL.$port" ] && [ ! -e "/var/run/postgresql/.s.PGSQL.$port" ]; then
			echo "$port"
			return
		fi
	done
	die "no free port found"
}

cluster_start() {
	SERVER_USER=$(server_user)
	PGPORT_CHOSEN=$(free_port)
	mkdir -p "$WORK/data" "$WORK/run"
	[ "$(id -u)" -eq 0 ] && chown "$SERVER_USER" "$WORK/data" "$WORK/run"
	say "starting a throwaway cluster in $WORK (port $PGPORT_CHOSEN, OS user $SERVER_USER)"
	as_server_user "$PRIVATE_BINDIR/initdb" -D "$WORK/data" -U postgres --auth=trust \
		-E UTF8 --locale=C >"$WORK/initdb.log" 2>&1 || { cat "$WORK/initdb.log" >&2; die "initdb failed"; }
	cat >>"$WORK/data/postgresql.conf" <<-EOF
		listen_addresses = ''
		unix_socket_directories = '$WORK/run'
		port = $PGPORT_CHOSEN
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		shared_buffers = 512MB
		work_mem = 64MB
		maintenance_work_mem = 256MB
		max_parallel_workers_per_gather = 2
		max_worker_processes = 16
		max_parallel_workers = 8
		log_min_messages = warning
	EOF
	# pg_cron, when installed, runs its jobs in background workers (the
	# cluster has no TCP listener); its metadata lives in the postgres database.
	if [ -e "$WORK/inst$PG_PKGLIBDIR/pg_cron.so" ]; then
		cat >>"$WORK/data/postgresql.conf" <<-EOF
			shared_preload_libraries = 'pg_cron'
			cron.database_name = 'postgres'
			cron.use_background_workers = on
		EOF
	fi
	as_server_user "$PRIVATE_BINDIR/pg_ctl" -D "$WORK/data" -l "$WORK/run/server.log" -w -t 60 start >/dev/null ||
		{ cat "$WORK/run/server.log" >&2; die "the server did not start"; }
	CLUSTER_UP=1
	export PGHOST=$WORK/run PGPORT=$PGPORT_CHOSEN PGUSER=postgres PGDATABASE=postgres
	unset PGPASSWORD PGSERVICE PGOPTIONS 2>/dev/null || true
}

cluster_stop() {
	if [ "${CLUSTER_UP:-0}" = 1 ]; then
		as_server_user "$PRIVATE_BINDIR/pg_ctl" -D "$WORK/data" -m fast -w stop >/dev/null 2>&1 ||
			as_server_user "$PRIVATE_BINDIR/pg_ctl" -D "$WORK/data" -m immediate stop >/dev/null 2>&1 || true
		CLUSTER_UP=0
	fi
}

cleanup() {
	local rc=$?
	if [ "${KEEP:-0}" = 1 ] && [ "${CLUSTER_UP:-0}" = 1 ]; then
		echo
		echo "The cluster is still running (KEEP=1). Connect with:"
		echo "  psql -h $WORK/run -p $PGPORT_CHOSEN -U postgres ${KEEP_DB:-postgres}"
		echo "Stop it with:"
		echo "  $( [ "$(id -u)" -eq 0 ] && echo "runuser -u $SERVER_USER -- ")$PRIVATE_BINDIR/pg_ctl -D $WORK/data stop && rm -rf $WORK"
		exit $rc
	fi
	cluster_stop
	if [ "${KEEP_WORK:-0}" != 1 ] && [ -n "${WORK:-}" ]; then
		rm -rf "$WORK"
	fi
	exit $rc
}

# Everything up to a running cluster with the extension installable.
setup_cluster() {
	local mode=$1
	ensure_packages "$mode"
	find_pg_config
	build ${WERROR_ARG:-}
	make_workdir
	private_install
	cluster_start
}
