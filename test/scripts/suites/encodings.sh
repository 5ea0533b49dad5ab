# JSON \u escapes above U+007F where the database encoding is not UTF-8:
# test/encodings/unicode_escapes.sql (pgTAP) in LATIN1, EUC_JP and UTF8
# databases (retention_model text input converts an escape to the
# database's character, as json and jsonb input do, and one the encoding
# lacks is 22P05; JsonLogic rules keep what jsonb converted), and in a
# SQL_ASCII database, where json and jsonb refuse every such escape, the
# model's input refuses it the same way (0A000).
run_encodings() {
	local file=$ROOT/test/encodings/unicode_escapes.sql w=$WORK/encodings e out
	local q="psql -X -q -v ON_ERROR_STOP=1"
	[ -f "$file" ] || return 0
	say "JSON \\u escapes in LATIN1, EUC_JP, UTF8 and SQL_ASCII databases"
	mkdir -p "$w"
	for e in LATIN1 EUC_JP UTF8 SQL_ASCII; do
		$q -d postgres -c "CREATE DATABASE cr_enc_${e,,} ENCODING '$e' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" >/dev/null
		$q -d "cr_enc_${e,,}" -c 'CREATE EXTENSION pgtap' -c 'CREATE EXTENSION community_retention' >/dev/null
	done
	for e in LATIN1 EUC_JP UTF8; do
		PGCLIENTENCODING=UTF8 prove "encodings/unicode_escapes ($e)" "cr_enc_${e,,}" "$file" "$w/${e,,}.out"
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
