#!/usr/bin/env bash
# test/bench/bench.sh: run every benchmark comparison and print a Markdown table.
# Called by `make bench` with a throwaway cluster already running (PGHOST etc.
# set); it can also be pointed at any database where the extension is created.
#
# A comparison NAME is a set of files in this folder:
#   NAME.setup.sql        optional; run once (creates data; psql variable :scale)
#   NAME.<v>.sql | .sh    one per variant v = a, b, c ...; "a" is the extension,
#                         the others are what a user would otherwise use.  The
#                         first line "-- label: TEXT" (or "# label: TEXT") names it.
# Variants run alternately (a b c a b c ...) BENCH_REPEAT times; the table shows
# each variant's median time and its ratio to variant a.
#
# Time is measured inside the server: a .sql variant runs with psql's
# `\timing on`, and its time is the sum of the "Time: X ms" lines of its
# statements (starting psql and connecting are not counted).  Statements above
# a line "-- bench: start" (setup such as SET or a temporary table) are run
# untimed; without that line every statement is timed (SETs cost microseconds).
# A .sh variant (a program outside the server) is timed by the wall clock.
# A .sql variant that prints a line "skipped: REASON" (something it needs,
# such as MADlib, is not installed) shows as skipped in the table.
#
# Knobs: BENCH_SCALE (default 1: the sizes named in each setup file),
#        BENCH_REPEAT (default 5), BENCH_ONLY (a NAME, or a regex of names),
#        BENCH_DB (default bench; created if missing),
#        BENCH_VARIANTS (a regex of variant letters, such as 'a|e|h|k|l';
#        the first one left is the base of the ratios).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
SCALE=${BENCH_SCALE:-1}
REPEAT=${BENCH_REPEAT:-5}
DB=${BENCH_DB:-bench}
export BENCH_SCALE=$SCALE BENCH_DB=$DB

psql -X -q -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 ||
	psql -X -q -d postgres -c "CREATE DATABASE $DB" >/dev/null
psql -X -q -d "$DB" -c 'CREATE EXTENSION IF NOT EXISTS community_retention' >/dev/null

label_of() { sed -n '1s/^\(--\|#\)[[:space:]]*label:[[:space:]]*//p' "$1"; }

# A .sql variant with "\timing on" inserted at its "-- bench: start" line (or first).
timed_sql() {
	if grep -q '^-- bench: start' "$1"; then
		sed 's/^-- bench: start.*/\\timing on/' "$1"
	else
		echo '\timing on'
		cat "$1"
	fi
}

run_variant() { # prints elapsed seconds
	local f=$1 t0 t1
	case "$f" in
	*.sql)
		# from the variant's folder, where its \ir includes are (psql reads stdin)
		(cd "$(dirname "$f")" && timed_sql "$f" | psql -X -q -v ON_ERROR_STOP=1 -v scale="$SCALE" -d "$DB" -f -) |
			awk '/^Time: [0-9.]+ ms/ {s += $2} /^skipped: / {skip = 1} END {if (skip) print "skipped"; else printf "%.6f\n", s / 1000}'
		# a failed statement stops the pipeline (pipefail) and the run
		;;
	*.sh)
		t0=$(date +%s.%N)
		bash "$f" >/dev/null
		t1=$(date +%s.%N)
		echo "$t1 - $t0" | bc -l
		;;
	esac
}

median() { sort -g | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }

names=$(ls "$HERE" | sed -n 's/^\(.*\)\.a\.\(sql\|sh\)$/\1/p' | sort -u)
[ -n "${BENCH_ONLY:-}" ] && names=$(echo "$names" | grep -E "^(${BENCH_ONLY})\$" || true)
[ -n "$names" ] || { echo "no benchmark matches" >&2; exit 1; }

echo "| comparison | variant | median (s) | ratio to a |"
echo "|---|---|---:|---:|"
for name in $names; do
	if [ -f "$HERE/$name.setup.sql" ]; then
		echo "setting up $name (scale $SCALE)" >&2
		psql -X -q -v ON_ERROR_STOP=1 -v scale="$SCALE" -d "$DB" -f "$HERE/$name.setup.sql" >/dev/null
	fi
	variants=$(ls "$HERE" | sed -n "s/^$name\.\([a-z]\)\.\(sql\|sh\)\$/\1.\2/p" | sort)
	[ -n "${BENCH_VARIANTS:-}" ] && variants=$(echo "$variants" | grep -E "^(${BENCH_VARIANTS})\." || true)
	[ -n "$variants" ] || { echo "no variant of $name matches" >&2; continue; }
	declare -A times=()
	for v in $variants; do run_variant "$HERE/$name.$v" >/dev/null; done # warm-up
	for _ in $(seq 1 "$REPEAT"); do
		for v in $variants; do
			times[$v]="${times[$v]:-} $(run_variant "$HERE/$name.$v")"
		done
	done
	base=""
	for v in $variants; do
		if [[ "${times[$v]}" == *skipped* ]]; then
			# the variant printed "skipped: REASON" (e.g. MADlib not installed)
			printf '| %s | %s | skipped | |\n' "$name" "$(label_of "$HERE/$name.$v")"
			continue
		fi
		m=$(echo "${times[$v]}" | tr ' ' '\n' | sed '/^$/d' | median)
		[ -z "$base" ] && base=$m
		printf '| %s | %s | %.3f | %.2f |\n' "$name" "$(label_of "$HERE/$name.$v")" "$m" "$(echo "$m / $base" | bc -l)"
	done
	unset times
done
