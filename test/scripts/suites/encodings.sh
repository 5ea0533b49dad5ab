# Database encodings other than UTF-8: every pgTAP file of test/encodings/
# runs in LATIN1, EUC_JP and UTF8 databases.  unicode_escapes.sql: JSON \u
# escapes above U+007F (retention_model text input converts an escape to
# the database's character, as json and jsonb input do, and one the
# encoding lacks is 22P05; JsonLogic rules keep what jsonb converted).
# messages.sql: errors that quote a name or string cut at a byte count hold
# whole characters.  And in a SQL_ASCII database, where json and jsonb
# refuse every such escape, the model's input refuses it the same way
# (0A000).
run_encodings() {
	local w=$WORK/encodings e f out
	local q="psql -X -q -v ON_ERROR_STOP=1"
	shopt -s nullglob
	local files=("$ROOT"/test/encodings/*.sql)
	[ ${#files[@]} -eq 0 ] && return 0
	say "encodings: ${#files[@]} pgTAP files in LATIN1, EUC_JP and UTF8 databases; SQL_ASCII"
	mkdir -p "$w"
	for e in LATIN1 EUC_JP UTF8 SQL_ASCII; do
		$q -d postgres -c "CREATE DATABASE cr_enc_${e,,} ENCODING '$e' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" >/dev/null
		$q -d "cr_enc_${e,,}" -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION community_retention' >/dev/null
	done
	for f in "${files[@]}"; do
		for e in LATIN1 EUC_JP UTF8; do
			PGCLIENTENCODING=UTF8 prove "encodings/$(basename "$f" .sql) ($e)" "cr_enc_${e,,}" "$f" \
				"$w/$(basename "$f" .sql)-${e,,}.out"
		done
	done
	out=$w/sql_ascii.out
	psql -X -q -d cr_enc_sql_ascii >"$out" 2>&1 <<-'SQL' || true
		\set VERBOSITY verbose
		SELECT replace(retention_train(ARRAY[i::float8], i % 2 = 0)::text, '"f1"', '"\u00e9"')::retention_model
		FROM generate_series(1, 20) i;
		SELECT '"\u00e9"'::jsonb;
	SQL
	if [ "$(grep -c '^ERROR:  0A000: conversion between UTF8 and SQL_ASCII is not supported' "$out")" = 2 ] &&
		grep -q '^CONTEXT:  JSON \\u escape of U+00E9' "$out"; then
		record "encodings: SQL_ASCII refuses \\u00e9 as jsonb does (0A000)" 1 0
	else
		cat "$out" >&2
		record "encodings: SQL_ASCII refuses \\u00e9 as jsonb does (0A000)" 0 1
	fi
}
