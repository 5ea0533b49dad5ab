# Upgrades: 1.0 updated to 1.1 must equal a fresh 1.1 install, and what 1.0
# stored (models, conditions) must load, print and score the same afterwards.
#
# The catalog is compared through `pg_dump --binary-upgrade --schema-only`, the
# one dump that writes out every member object of an extension (functions with
# their volatility, parallel labels, costs and comments; aggregates with all
# their support functions; types, casts, operators, operator classes, tables,
# grants), with only the OID-preserving calls removed; and, for what no dump
# prints (pg_depend: an aggregate whose dependency on its final function an
# update lost dumps the same, yet DROP FUNCTION then leaves it broken),
# through test/upgrade/catalog.sql, every catalog row of every member.
run_upgrade() {
	[ -f "$ROOT/test/upgrade/before.sql" ] || return 0
	upgrade_as postgres cr_up
	# A trusted extension: the non-superuser owner of a database installs 1.0
	# and updates it to 1.1 itself (the scripts run as the bootstrap superuser,
	# and hand the registry table to that owner on both paths).
	psql -X -q -d postgres -c 'CREATE ROLE cr_up_owner LOGIN' >/dev/null
	upgrade_as cr_up_owner cr_up_own
	upgrade_back_to_1_0
	upgrade_refused_for_binary_io_users
}

# 1.1 makes retention_model_send/recv and incentive_condition_send/recv
# STABLE (they follow client_encoding), and the record forms of
# retention_score, retention_explain and incentive_matches (they bind columns
# by name).
# An index, partition key, generated column or statistics object built on
# them at 1.0 would survive, and make a dump that does not restore: the
# update refuses while one exists, naming each (an exclusion constraint's
# index by its constraint, a partition's index and generated column by the
# partitioned table's, an inheritance child's generated column by its
# parent's unless the child defines the column itself too; an object of
# another role than the extension's owner with its owner, and a hint that
# only that role, the owner of its schema or a superuser can drop it),
# and goes through once they are gone; a plain DEFAULT and a temporary
# table's index may stay.
upgrade_refused_for_binary_io_users() {
	local q="psql -X -q -v ON_ERROR_STOP=1 -d cr_up_io" out=$WORK/upgrade/io ok=0 nok=0 err
	say "upgrade: refused while an index or generated column calls retention_model_send or a record form"
	mkdir -p "$out"
	psql -X -q -d postgres -c 'CREATE DATABASE cr_up_io' >/dev/null
	$q -c "CREATE EXTENSION community_retention VERSION '1.0'" \
		-c 'CREATE TABLE m (model retention_model, b bytea GENERATED ALWAYS AS (retention_model_send(model)) STORED, c bytea DEFAULT retention_model_send(NULL))' \
		-c 'CREATE UNIQUE INDEX m_send ON m (md5(retention_model_send(model)))' \
		-c 'ALTER TABLE m ADD CONSTRAINT m_ex EXCLUDE USING btree (md5(retention_model_send(model)) WITH =)' \
		-c 'CREATE OPERATOR ##> (RIGHTARG = retention_model, FUNCTION = retention_model_send)' \
		-c 'CREATE INDEX m_op ON m (md5(##> model))' \
		-c 'CREATE SCHEMA "S q"' -c 'CREATE STATISTICS "S q"."St x" ON (md5(##> model)), c FROM m' \
		-c 'CREATE TABLE p (model retention_model) PARTITION BY LIST (md5(retention_model_send(model)))' \
		-c 'CREATE TABLE pt (k int, model retention_model) PARTITION BY LIST (k)' \
		-c 'CREATE TABLE pt1 PARTITION OF pt FOR VALUES IN (1)' \
		-c 'CREATE INDEX pt_send ON pt (md5(retention_model_send(model)))' \
		-c 'CREATE STATISTICS m_stats ON (md5(retention_model_send(model))), c FROM m' \
		-c 'CREATE TABLE gp (k int, model retention_model, g bytea GENERATED ALWAYS AS (retention_model_send(model)) STORED) PARTITION BY LIST (k)' \
		-c 'CREATE TABLE gp1 PARTITION OF gp FOR VALUES IN (1)' \
		-c 'CREATE TABLE gp2 (k int, model retention_model, g bytea GENERATED ALWAYS AS (retention_model_send(model)) STORED)' \
		-c 'ALTER TABLE gp ATTACH PARTITION gp2 FOR VALUES IN (2)' \
		-c 'CREATE TABLE gp3 PARTITION OF gp FOR VALUES IN (3, 4) PARTITION BY LIST (k)' \
		-c 'CREATE TABLE gp34 PARTITION OF gp3 FOR VALUES IN (3, 4)' \
		-c 'CREATE TABLE gh (model retention_model, g bytea GENERATED ALWAYS AS (retention_model_send(model)) STORED)' \
		-c 'CREATE TABLE gh1 () INHERITS (gh)' \
		-c 'CREATE TABLE gh2 (model retention_model, g bytea GENERATED ALWAYS AS (retention_model_send(model)) STORED)' \
		-c 'ALTER TABLE gh2 INHERIT gh' \
		-c 'CREATE TABLE r (c incentive_condition)' -c 'CREATE INDEX r_send ON r (md5(incentive_condition_send(c)))' \
		-c 'CREATE TABLE f (x float8, y float8)' -c "CREATE INDEX f_match ON f ((incentive_matches('x > 1', f)))" \
		-c 'CREATE ROLE cr_up_other' -c 'CREATE SCHEMA o AUTHORIZATION cr_up_other' -c 'SET ROLE cr_up_other' \
		-c 'CREATE TABLE o.t (model retention_model)' -c 'CREATE INDEX o_send ON o.t (md5(retention_model_send(model)))' \
		-c 'RESET ROLE' \
		-c "DO \$\$ BEGIN EXECUTE format('CREATE INDEX f_score ON f (x) WHERE retention_score(%L::retention_model, f) > 0.5',
			(SELECT retention_train(ARRAY[x::float8], x IN (1, 3, 5), '{\"features\": [\"x\"]}')::text FROM generate_series(1, 5) x)); END \$\$" \
		>"$out/setup.log" 2>&1 || cat "$out/setup.log" >&2
	err=$($q -c "ALTER EXTENSION community_retention UPDATE TO '1.1'" 2>&1 >/dev/null) || true
	case "$err" in
	*"used by exclusion constraint m_ex of table m, generated column b of table m, generated column g of table gh, generated column g of table gh2, generated column g of table gp, index f_match, index f_score, index m_op, index m_send, index o.o_send (owner cr_up_other), index pt_send, index r_send, statistics object \"S q\".\"St x\", statistics object m_stats, the partition key of table p"*) ok=$((ok + 1)) ;;
	*) echo "$err" >&2; nok=$((nok + 1)) ;;
	esac
	# the index of another role, which the extension's owner cannot drop
	case "$err" in
	*"An object of another role (named with its owner above) can be dropped by that role or a member of it, by a superuser and, with DROP INDEX, DROP STATISTICS or DROP TABLE, by the owner of its schema."*) ok=$((ok + 1)) ;;
	*) echo "$err" >&2; nok=$((nok + 1)) ;;
	esac
	# a temporary table is never dumped: its index and generated column may stay
	if $q -c 'DROP INDEX m_send, m_op, r_send, f_match, f_score' -c 'DROP TABLE p, gp, gh, gh1, gh2, o.t' -c 'DROP INDEX pt_send' -c 'DROP STATISTICS m_stats, "S q"."St x"' -c 'ALTER TABLE m DROP COLUMN b' \
		-c 'ALTER TABLE m DROP CONSTRAINT m_ex' \
		-c 'CREATE TEMP TABLE t (model retention_model, b bytea GENERATED ALWAYS AS (retention_model_send(model)) STORED)' \
		-c 'CREATE INDEX ON t (md5(retention_model_send(model)))' \
		-c "ALTER EXTENSION community_retention UPDATE TO '1.1'" >"$out/update.log" 2>&1 &&
		[ "$(psql -X -tA -d cr_up_io -c "SELECT extversion FROM pg_extension WHERE extname = 'community_retention'")" = 1.1 ]; then
		ok=$((ok + 1))
	else
		cat "$out/update.log" >&2
		nok=$((nok + 1))
	fi
	record "upgrade: refused while a binary send/recv is in an index, partition key, generated column or statistics; then updates" "$ok" "$nok"
}

# README, Upgrading: "go back to 1.0 with a dump taken before the update".  A
# dump names no extension version (CREATE EXTENSION IF NOT EXISTS ...), so
# restored into an empty database it creates the default version, 1.1; the
# database is back at 1.0 only when CREATE EXTENSION ... VERSION '1.0' ran in
# it before the restore.
upgrade_back_to_1_0() {
	local q="psql -X -q -v ON_ERROR_STOP=1" out=$WORK/upgrade/back dump ok=0 nok=0 v
	say "upgrade: back to 1.0 from a dump taken before the update"
	mkdir -p "$out"
	dump=$out/before_update.sql
	if ! { $q -d postgres -c 'CREATE DATABASE cr_back_src' -c 'CREATE DATABASE cr_back_plain' -c 'CREATE DATABASE cr_back_10' &&
		$q -d cr_back_src -c "CREATE EXTENSION community_retention VERSION '1.0'" &&
		$q -d cr_back_src -f "$ROOT/test/upgrade/before.sql" &&
		"$PG_BINDIR/pg_dump" -d cr_back_src -f "$dump" &&
		$q -d cr_back_plain -f "$dump" &&
		$q -d cr_back_10 -c "CREATE EXTENSION community_retention VERSION '1.0'" &&
		$q -d cr_back_10 -f "$dump"; } >"$out/setup.log" 2>&1; then
		cat "$out/setup.log" >&2
		record "upgrade: back to 1.0 from a dump (set-up)" 0 1
		return 0
	fi
	v="SELECT extversion FROM pg_extension WHERE extname = 'community_retention'"
	# the README's warning: a plain restore gives 1.1
	[ "$(psql -X -tA -d cr_back_plain -c "$v")" = 1.1 ] && ok=$((ok + 1)) || nok=$((nok + 1))
	# the README's way back: 1.0 created first, then the dump, every row restored
	if [ "$(psql -X -tA -d cr_back_10 -c "$v")" = 1.0 ] &&
		[ "$(psql -X -tA -d cr_back_10 -c "SELECT (SELECT count(*) FROM up_models) || ' ' || (SELECT count(*) FROM up_rules) || ' ' || (SELECT count(*) FROM up_answers_1_0)")" = \
		  "$(psql -X -tA -d cr_back_src -c "SELECT (SELECT count(*) FROM up_models) || ' ' || (SELECT count(*) FROM up_rules) || ' ' || (SELECT count(*) FROM up_answers_1_0)")" ]; then
		ok=$((ok + 1))
	else
		psql -X -tA -d cr_back_10 -c "$v" >&2
		nok=$((nok + 1))
	fi
	record "upgrade: a 1.0 dump restores at 1.1 into an empty database, at 1.0 after CREATE EXTENSION ... VERSION '1.0'" "$ok" "$nok"
}

# upgrade_as ROLE PREFIX: databases PREFIX_fresh and PREFIX_updated, owned by
# ROLE, where ROLE installs (and updates) the extension.
upgrade_as() {
	local dir=$ROOT/test/upgrade q="psql -X -q -v ON_ERROR_STOP=1" d who=$1 fresh=$2_fresh updated=$2_updated
	local by="" out=$WORK/upgrade/$2
	[ "$who" = postgres ] || by=" by non-superuser $who"
	say "upgrade: 1.0 updated to 1.1 against a fresh 1.1$by"
	mkdir -p "$out"
	$q -d postgres -c "CREATE DATABASE $fresh OWNER $who" -c "CREATE DATABASE $updated OWNER $who" >/dev/null
	if ! { $q -U "$who" -d $fresh -c 'CREATE EXTENSION community_retention' &&
		$q -U "$who" -d $updated -c "CREATE EXTENSION community_retention VERSION '1.0'" &&
		$q -U "$who" -d $updated -f "$dir/before.sql" &&
		$q -U "$who" -d $updated -c "ALTER EXTENSION community_retention UPDATE TO '1.1'"; } >"$out/setup.log" 2>&1; then
		cat "$out/setup.log" >&2
		record "upgrade$by (install 1.0, update)" 0 1
		return 0
	fi
	# The user's own tables of the updated database are not part of the comparison.
	for d in $fresh $updated; do
		"$PG_BINDIR/pg_dump" --binary-upgrade --schema-only -d "$d" -T 'up_*' |
			grep -vE 'binary_upgrade_set_next_|^\\(un)?restrict ' |
		# OIDs, transaction and multixact ids of the configuration tables differ by nature
		sed -E "s/(binary_upgrade_create_empty_extension\(.*'1\.1', )'\{[0-9,]*\}'/\1'{oids}'/;
			s/relfrozenxid = '[0-9]+'/relfrozenxid = 'xid'/; s/relminmxid = '[0-9]+'/relminmxid = 'mxid'/; s/^WHERE oid = '[0-9]+';/WHERE oid = 'oid';/" >"$out/$d.sql"
	done
	if diff -u "$out/$fresh.sql" "$out/$updated.sql" >"$out/catalog.diff" &&
		[ "$(grep -c "^ALTER TABLE public.retention_model_registry OWNER TO $who;\$" "$out/$fresh.sql")" = 1 ]; then
		record "upgrade$by: catalog of 1.0+update = fresh 1.1 ($(grep -c '^ALTER EXTENSION' "$out/$fresh.sql") member objects)" 1 0
	else
		head -80 "$out/catalog.diff" >&2
		grep 'retention_model_registry OWNER' "$out/$fresh.sql" >&2
		record "upgrade$by: catalog of 1.0+update = fresh 1.1" 0 1
	fi
	# what pg_dump does not print (dependencies, toast tables, the
	# configuration tables by name; test/upgrade/catalog.sql), catalog row by
	# catalog row, every OID written as the object it names
	for d in $fresh $updated; do
		$q -d "$d" -f "$dir/catalog.sql" >"$out/$d.catalog" 2>&1
	done
	if diff -u "$out/$fresh.catalog" "$out/$updated.catalog" >"$out/catalog_rows.diff" &&
		[ "$(grep -c '^pg_depend|' "$out/$fresh.catalog")" -gt 100 ]; then
		record "upgrade$by: catalog rows and dependencies of 1.0+update = fresh 1.1 ($(wc -l <"$out/$fresh.catalog") rows)" 1 0
	else
		head -80 "$out/catalog_rows.diff" >&2
		record "upgrade$by: catalog rows and dependencies of 1.0+update = fresh 1.1" 0 1
	fi
	local res=$out/after.out ok nok
	$q -tA -U "$who" -d $updated -f "$dir/after.sql" >"$res" 2>&1 || true
	ok=$(grep -c ': true$' "$res" || true)
	nok=$(grep -vc ': true$' "$res" || true)
	[ "$nok" -gt 0 ] && cat "$res" >&2
	record "upgrade$by: 1.0's models and rules after the update" "$ok" "$nok"
}
