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
}
