# Upgrades: 1.0 updated to 1.1 must equal a fresh 1.1 install, and what 1.0
# stored (models, conditions) must load, print and score the same afterwards.
#
# The catalog is compared through `pg_dump --binary-upgrade --schema-only`, the
# one dump that writes out every member object of an extension (functions with
# their volatility, parallel labels, costs and comments; aggregates with all
# their support functions; types, casts, operators, operator classes, tables,
# grants), with only the OID-preserving calls removed.
run_upgrade() {
	local dir=$ROOT/test/upgrade q="psql -X -q -v ON_ERROR_STOP=1" d
	[ -f "$dir/before.sql" ] || return 0
	say "upgrade: 1.0 updated to 1.1 against a fresh 1.1"
	mkdir -p "$WORK/upgrade"
	$q -d postgres -c 'CREATE DATABASE cr_up_fresh' -c 'CREATE DATABASE cr_up_updated' >/dev/null
	if ! { $q -d cr_up_fresh -c 'CREATE EXTENSION community_retention' &&
		$q -d cr_up_updated -c "CREATE EXTENSION community_retention VERSION '1.0'" &&
		$q -d cr_up_updated -f "$dir/before.sql" &&
		$q -d cr_up_updated -c 'ALTER EXTENSION community_retention UPDATE'; } >"$WORK/upgrade/setup.log" 2>&1; then
		cat "$WORK/upgrade/setup.log" >&2
		record "upgrade (install 1.0, update)" 0 1
		return 0
	fi
	# The user's own tables of cr_up_updated are not part of the comparison.
	for d in cr_up_fresh cr_up_updated; do
		"$PG_BINDIR/pg_dump" --binary-upgrade --schema-only -d "$d" -T 'up_*' |
			grep -vE 'binary_upgrade_set_next_|^\\(un)?restrict ' |
		# OIDs and transaction ids of the configuration tables differ by nature
		sed -E "s/(binary_upgrade_create_empty_extension\(.*'1\.1', )'\{[0-9,]*\}'/\1'{oids}'/;
			s/relfrozenxid = '[0-9]+'/relfrozenxid = 'xid'/; s/^WHERE oid = '[0-9]+';/WHERE oid = 'oid';/" >"$WORK/upgrade/$d.sql"
	done
	if diff -u "$WORK/upgrade/cr_up_fresh.sql" "$WORK/upgrade/cr_up_updated.sql" >"$WORK/upgrade/catalog.diff"; then
		record "upgrade: catalog of 1.0+update = fresh 1.1 ($(grep -c '^ALTER EXTENSION' "$WORK/upgrade/cr_up_fresh.sql") member objects)" 1 0
	else
		head -80 "$WORK/upgrade/catalog.diff" >&2
		record "upgrade: catalog of 1.0+update = fresh 1.1" 0 1
	fi
	local out=$WORK/upgrade/after.out ok nok
	$q -tA -d cr_up_updated -f "$dir/after.sql" >"$out" 2>&1 || true
	ok=$(grep -c ': true$' "$out" || true)
	nok=$(grep -vc ': true$' "$out" || true)
	[ "$nok" -gt 0 ] && cat "$out" >&2
	record "upgrade: 1.0's models and rules after the update" "$ok" "$nok"
}
