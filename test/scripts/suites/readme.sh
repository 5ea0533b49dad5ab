# The manual runs as written: every ```sql block of README.md, in order, in one
# psql session on a fresh database with the extension, each compared with the
# README's output block that follows it (test/scripts/readme_blocks.py).  The
# session starts in a time zone other than UTC (America/New_York), so a block
# whose output depends on the reader's session settings fails.
run_readme() {
	local w=$WORK/readme out ok nok
	[ -f "$ROOT/README.md" ] || return 0
	say "README: every SQL block, in order, against its printed output"
	mkdir -p "$w"
	psql -X -q -d postgres -c 'DROP DATABASE IF EXISTS cr_readme' -c 'CREATE DATABASE cr_readme' >/dev/null 2>&1
	psql -X -q -d cr_readme -c 'CREATE EXTENSION community_retention' >/dev/null
	/usr/bin/python3 "$ROOT/test/scripts/readme_blocks.py" script "$ROOT/README.md" "$w/session.sql" "$w/blocks.json"
	PGTZ=America/New_York PGOPTIONS='-c TimeZone=America/New_York' \
		psql -X -q -d cr_readme -f "$w/session.sql" >"$w/session.out" 2>&1 || true
	/usr/bin/python3 "$ROOT/test/scripts/readme_blocks.py" compare "$w/blocks.json" "$w/session.out" >"$w/report.txt" || true
	ok=$(grep -c '^ok ' "$w/report.txt" || true)
	nok=$(grep -c '^FAILED ' "$w/report.txt" || true)
	[ "$nok" -gt 0 ] && grep -v '^ok \|^skipped ' "$w/report.txt" | head -200 >&2
	record "readme: SQL blocks ($(grep -c '^skipped ' "$w/report.txt" || true) skipped)" "$ok" "$nok"
	run_readme_guided_as_owner "$w"
	run_readme_support_list "$w"
	run_readme_reference_names "$w"
	run_readme_reference_signatures "$w"
	run_readme_links
	run_readme_new_in_11 "$w"
	run_readme_changed_in_11 "$w"
}

# The Quick start and the Guided example say that an ordinary role with
# CREATE on a database can install the extension and follow every step: run
# their blocks again, as the non-superuser owner of a fresh database (the
# extension installed by that role), and compare them the same way.  (The
# pass above runs as the superuser, which hides a step that would need more.)
run_readme_guided_as_owner() {
	local w=$1/owner own=cr_readme_owner ok nok
	mkdir -p "$w"
	psql -X -q -d postgres -c 'DROP DATABASE IF EXISTS cr_readme_owner' \
		-c "DROP ROLE IF EXISTS $own" -c "CREATE ROLE $own LOGIN" \
		-c "CREATE DATABASE cr_readme_owner OWNER $own" >/dev/null 2>&1
	if [ "$(psql -X -At -U $own -d cr_readme_owner -c 'SELECT rolsuper OR rolcreaterole FROM pg_roles WHERE rolname = current_user' 2>&1)" != f ] ||
		! psql -X -q -U $own -d cr_readme_owner -c 'CREATE EXTENSION community_retention' >"$w/install.log" 2>&1; then
		cat "$w/install.log" >&2
		record "readme: the guided example as a non-superuser database owner (install)" 0 1
		return 0
	fi
	/usr/bin/python3 "$ROOT/test/scripts/readme_blocks.py" script "$ROOT/README.md" "$w/session.sql" "$w/blocks.json" "## Reference"
	PGTZ=America/New_York PGOPTIONS='-c TimeZone=America/New_York' \
		psql -X -q -U $own -d cr_readme_owner -f "$w/session.sql" >"$w/session.out" 2>&1 || true
	/usr/bin/python3 "$ROOT/test/scripts/readme_blocks.py" compare "$w/blocks.json" "$w/session.out" >"$w/report.txt" || true
	ok=$(grep -c '^ok ' "$w/report.txt" || true)
	nok=$(grep -c '^FAILED ' "$w/report.txt" || true)
	[ "$nok" -gt 0 ] && grep -v '^ok \|^skipped ' "$w/report.txt" | sed 's/^/as a non-superuser: /' | head -200 >&2
	record "readme: the guided example as a non-superuser database owner" "$ok" "$nok"
	psql -X -q -d postgres -c 'DROP DATABASE cr_readme_owner' -c "DROP ROLE $own" >/dev/null 2>&1 || true
}

# A function's signature as the internal support list writes it, for pg_proc p.
README_SIG="p.proname || '(' ||
       coalesce((SELECT string_agg(CASE t WHEN 'double precision' THEN 'float8'
                                          WHEN 'double precision[]' THEN 'float8[]'
                                          WHEN 'timestamp with time zone' THEN 'timestamptz'
                                          ELSE t END, ', ' ORDER BY n)
                 FROM unnest(p.proargtypes::regtype[]::text[]) WITH ORDINALITY a(t, n)), '') || ')'"

# Reference -> Internal support functions says its table is the catalog's:
# every function of the extension that is an aggregate's, type's, operator's,
# opclass's or planner's support function, one row each.  The 1.1 support
# functions were missing from it; compare the two lists both ways.
run_readme_support_list() {
	local w=$1 nd
	sed -n '/^### Internal support functions/,/^### /p' "$ROOT/README.md" |
		sed -n 's/^| `\([a-z_0-9]*([^`]*)\)` | .*/\1/p' | sort >"$w/support_readme.txt"
	psql -X -At -d cr_readme >"$w/support_catalog.txt" <<SQL
WITH ext AS (
    SELECT p.oid FROM pg_proc p
    JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
     AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
    JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'community_retention'
), sup(fn) AS (
    SELECT unnest(ARRAY[aggtransfn, aggcombinefn, aggserialfn, aggdeserialfn, aggfinalfn])::oid FROM pg_aggregate
    UNION SELECT unnest(ARRAY[typinput, typoutput, typreceive, typsend])::oid FROM pg_type
    UNION SELECT oprcode::oid FROM pg_operator
    UNION SELECT amproc::oid FROM pg_amproc
    UNION SELECT prosupport::oid FROM pg_proc
)
SELECT $README_SIG
FROM ext JOIN pg_proc p ON p.oid = ext.oid
WHERE ext.oid IN (SELECT fn FROM sup)
ORDER BY 1
SQL
	LC_ALL=C sort -o "$w/support_catalog.txt" "$w/support_catalog.txt"
	LC_ALL=C sort -o "$w/support_readme.txt" "$w/support_readme.txt"
	nd=$(diff "$w/support_readme.txt" "$w/support_catalog.txt" | grep -c '^[<>]' || true)
	if [ "$nd" -gt 0 ]; then
		echo "README's internal support functions (<) against the catalog's (>):" >&2
		diff "$w/support_readme.txt" "$w/support_catalog.txt" >&2 || true
		record "readme: internal support functions list" 0 1
	else
		record "readme: internal support functions list ($(wc -l <"$w/support_catalog.txt") functions)" 1 0
	fi
}

# The other direction of the Reference: every function of the extension (an
# aggregate, a plain function or a support function) has a row or a mention
# as `name(` somewhere between "## Reference" and "## Performance", so a
# function added without its reference shows up here.
run_readme_reference_names() {
	local w=$1 name missing=""
	sed -n '/^## Reference/,/^## Performance/p' "$ROOT/README.md" >"$w/reference.txt"
	psql -X -At -d cr_readme >"$w/names.txt" <<SQL
SELECT DISTINCT p.proname
FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
 AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'community_retention'
ORDER BY 1
SQL
	while read -r name; do
		grep -qF "\`$name(" "$w/reference.txt" || missing="$missing $name"
	done <"$w/names.txt"
	record_missing "readme: every function in the Reference ($(wc -l <"$w/names.txt") names)" \
		"functions of the extension the Reference does not name" "$missing"
}

# Every signature the Reference's tables give, `name(arguments)` in a row's
# first cell, is one of the catalog's: the arguments' names, types and
# defaults as the function has them (test/scripts/readme_reference.py).
# The check of names above finds a function the Reference leaves out; this
# one a row whose function changed, or never had the arguments it shows.
run_readme_reference_signatures() {
	local w=$1
	psql -X -At -d cr_readme >"$w/arguments.txt" <<SQL
SELECT p.proname || '|' || pg_get_function_arguments(p.oid)
FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
 AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'community_retention'
ORDER BY 1
SQL
	if /usr/bin/python3 "$ROOT/test/scripts/readme_reference.py" signatures "$ROOT/README.md" "$w/arguments.txt" >"$w/signatures.txt"; then
		record "readme: Reference signatures are the catalog's ($(tail -n 1 "$w/signatures.txt"))" 1 0
	else
		sed '$d' "$w/signatures.txt" >&2
		record "readme: Reference signatures are the catalog's" 0 1
	fi
}

# Every link of the README to a file of the repository names one that
# exists, and every link to a heading names one of the README's headings.
run_readme_links() {
	local out
	if out=$(/usr/bin/python3 "$ROOT/test/scripts/readme_reference.py" links "$ROOT/README.md" "$ROOT"); then
		record "readme: links to files and headings ($(echo "$out" | tail -n 1))" 1 0
	else
		echo "$out" | sed '$d' >&2
		record "readme: links to files and headings" 0 1
	fi
}

# Upgrading -> "What 1.1 changes" names every function 1.1 adds, and the
# internal support list marks each support function 1.1 adds with "(1.1)":
# both against the catalog of a database created at version 1.0.
# (lifetime_summaries, retention_model_name_blank, the JsonLogic functions
# and the (1.1) of incentive_matches_support were missing.)
run_readme_new_in_11() {
	local w=$1 q missing=""
	q="SELECT p.oid::regprocedure::text || '|' || p.proname || '|' || $README_SIG || '|' ||
	          (p.oid IN (SELECT unnest(ARRAY[aggtransfn, aggcombinefn, aggserialfn, aggdeserialfn, aggfinalfn])::oid FROM pg_aggregate
	                     UNION SELECT unnest(ARRAY[typinput, typoutput, typreceive, typsend])::oid FROM pg_type
	                     UNION SELECT oprcode::oid FROM pg_operator
	                     UNION SELECT amproc::oid FROM pg_amproc
	                     UNION SELECT prosupport::oid FROM pg_proc))
	     FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
	      AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
	     JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'community_retention'"
	psql -X -q -d postgres -c 'DROP DATABASE IF EXISTS cr_readme10' -c 'CREATE DATABASE cr_readme10' >/dev/null 2>&1
	psql -X -q -d cr_readme10 -c "CREATE EXTENSION community_retention VERSION '1.0'" >/dev/null
	psql -X -At -d cr_readme10 -c "$q" | cut -d'|' -f1,2 | LC_ALL=C sort -u >"$w/v10.txt"
	psql -X -At -d cr_readme -c "$q" | LC_ALL=C sort -u >"$w/v11.txt"
	psql -X -At -d cr_readme10 -c "$README_LABELS" | LC_ALL=C sort -u >"$w/labels10.txt"
	psql -X -At -d cr_readme -c "$README_LABELS" | LC_ALL=C sort -u >"$w/labels11.txt"
	psql -X -q -d postgres -c 'DROP DATABASE cr_readme10' >/dev/null
	sed -n '/^What 1.1 changes:/,/^- \*\*Fixed\*\*/p' "$ROOT/README.md" >"$w/changes.txt"
	sed -n '/^### Internal support functions/,/^### /p' "$ROOT/README.md" >"$w/support.txt"
	# the functions 1.0 does not have: signature|name|listed as|support|name in 1.0
	awk -F'|' 'NR == FNR { sig[$1] = 1; name[$2] = 1; next }
	           !($1 in sig) { print $0 "|" (($2 in name) ? "t" : "f") }' "$w/v10.txt" "$w/v11.txt" >"$w/new.txt"
	while IFS='|' read -r _ name sig sup old; do
		if [ "$sup" = true ]; then
			grep -F "| \`$sig\` |" "$w/support.txt" | grep -F '(1.1)' >/dev/null || missing="$missing $sig (no (1.1) in the support list)"
		else
			[ "$old" = t ] && continue
			grep -q "\`$name\`" "$w/changes.txt" || missing="$missing $name (not in What 1.1 changes)"
		fi
	done <"$w/new.txt"
	record_missing "readme: what 1.1 adds" "README's account of what 1.1 adds misses" "$missing"
}

# record_missing NAME MESSAGE MISSING: one failed check, with MESSAGE and the
# list MISSING on stderr, when MISSING is not empty; else one passed check.
record_missing() {
	if [ -n "$3" ]; then
		echo "$2:$3" >&2
		record "$1" 0 1
	else
		record "$1" 1 0
	fi
}

# The labels of each function of the extension, for "What 1.1 changes":
# signature|name|volatility|parallel|strict|cost|rows|planner support|argument names.
README_LABELS="SELECT p.oid::regprocedure::text || '|' || p.proname || '|' ||
       CASE p.provolatile WHEN 'i' THEN 'IMMUTABLE' WHEN 's' THEN 'STABLE' ELSE 'VOLATILE' END || '|' ||
       CASE p.proparallel WHEN 's' THEN 'PARALLEL SAFE' WHEN 'r' THEN 'PARALLEL RESTRICTED' ELSE 'PARALLEL UNSAFE' END || '|' ||
       CASE WHEN p.proisstrict THEN 'STRICT' ELSE 'CALLED ON NULL INPUT' END || '|' ||
       'COST ' || p.procost || '|' || 'ROWS ' || p.prorows || '|' ||
       CASE WHEN p.prosupport = 0 THEN 'no planner support' ELSE 'planner support' END || '|' ||
       coalesce(array_to_string(p.proargnames, ','), '')
FROM pg_proc p JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
 AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'community_retention'"

# Upgrading -> "What 1.1 changes" says every other function of 1.0 keeps its
# signature and labels: each 1.0 function whose volatility, parallel safety,
# strictness, cost, rows, planner support or argument names 1.1 changes must be
# named there with the new label (the argument names: with "argument").
# (incentive_matches' COST, 20 in 1.0 and 10 in 1.1, was not.)
run_readme_changed_in_11() {
	local w=$1 missing="" sig name old new k o n
	# one line, so that a label broken across lines is found
	sed -n '/^What 1.1 changes:/,/^## /p' "$ROOT/README.md" | tr -s ' \n' '  ' >"$w/changes_all.txt"
	while IFS='|' read -r sig name old; do
		new=$(awk -F"|" -v s="$sig" '$1 == s' "$w/labels11.txt")
		[ -n "$new" ] || continue
		for k in 3 4 5 6 7 8 9; do
			o=$(echo "$sig|$name|$old" | cut -d'|' -f$k)
			n=$(echo "$new" | cut -d'|' -f$k)
			[ "$o" = "$n" ] && continue
			[ "$k" = 9 ] && n=argument
			grep -q "\`$name\`" "$w/changes_all.txt" && grep -qF "$n" "$w/changes_all.txt" ||
				missing="$missing $sig ($o -> $n)"
		done
	done <"$w/labels10.txt"
	record_missing "readme: what 1.1 changes in 1.0's" \
		"README's What 1.1 changes does not name these changed labels" "$missing"
}
