# Database encodings other than UTF-8: every pgTAP file of test/encodings/
# runs in LATIN1, EUC_JP and UTF8 databases.  unicode_escapes.sql: JSON \u
# escapes above U+007F (retention_model text input converts an escape to
# the database's character, as json and jsonb input do, and one the
# encoding lacks is 22P05; JsonLogic rules keep what jsonb converted).
# messages.sql: errors that quote a name or string cut at a byte count hold
# whole characters.  contains.sql: contains (JsonLogic's "in" on a
# string) finds a substring only where a character starts.  And in a SQL_ASCII database, where json and jsonb
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
	encodings_cut_quotes
}

# Messages that quote a cut of a name or string in EUC_TW, whose 4-byte
# characters (8E A2 ..) end in bytes that are a 2-byte character on their
# own, and MULE_INTERNAL, where PostgreSQL's check accepts a lone byte from
# 0xA0 up that no conversion does: the quote keeps whole characters, so the
# client (EUC_TW, EUC_JP) gets the intended error, not another character or
# 22P05 "has no equivalent in encoding".
encodings_cut_quotes() {
	local w=$WORK/encodings e out want ok=0 nok=0 a= tw= i
	# bytes, not characters, in ${a:0:n} and grep
	local LC_ALL=C
	local q="psql -X -q -v ON_ERROR_STOP=1"
	for e in EUC_TW MULE_INTERNAL; do
		$q -d postgres -c "CREATE DATABASE cr_enc_${e,,} ENCODING '$e' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" >/dev/null
		$q -d "cr_enc_${e,,}" -c 'CREATE EXTENSION community_retention' >/dev/null
	done
	for ((i = 0; i < 40; i++)); do a+=$'\xa4\xa2'; tw+=$'\x8e\xa2\xa1\xa1'; done
	# EUC_TW: the model's key is quoted to 64 bytes: x and 15 characters
	out=$w/euc_tw.out
	printf "SELECT '{\"x%s\": 1}'::retention_model;\n" "$tw" |
		PGCLIENTENCODING=EUC_TW psql -X -q -d cr_enc_euc_tw -v VERBOSITY=verbose >"$out" 2>&1 || true
	want="DETAIL:  At byte offset 1: Unknown key \"x${tw:0:60}\"."
	if grep -qxF "$want" "$out"; then ok=$((ok + 1)); else cat "$out" >&2; nok=$((nok + 1)); fi
	# MULE_INTERNAL (3-byte characters, sent as EUC_JP): an unknown JsonLogic
	# operation (60 bytes), an unknown function (63), the model's key (64)
	out=$w/mule_internal.out
	printf "SELECT '{\"x%s\": 1}'::jsonb::incentive_condition;\nSELECT 'a%s(1) > 0'::incentive_condition;\nSELECT '{\"xx%s\": 1}'::retention_model;\n" \
		"$a" "$a" "$a" | PGCLIENTENCODING=EUC_JP psql -X -q -d cr_enc_mule_internal -v VERBOSITY=verbose >"$out" 2>&1 || true
	for want in "ERROR:  0A000: unknown JsonLogic operation \"x${a:0:38}\" at \$" \
		"ERROR:  42883: unknown function \"a${a:0:40}\" at position 1 in incentive condition" \
		"DETAIL:  At byte offset 1: Unknown key \"xx${a:0:40}\"."; do
		if grep -qxF "$want" "$out"; then ok=$((ok + 1)); else nok=$((nok + 1)); fi
	done
	[ $nok -gt 0 ] && cat "$out" >&2
	record "encodings: quotes cut at whole EUC_TW and MULE_INTERNAL characters" $ok $nok
}
