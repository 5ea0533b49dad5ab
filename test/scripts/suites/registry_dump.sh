# The model registry through pg_dump and restore, the way a community's own
# database is run: a non-superuser database owner installed the extension
# (so it owns the registry table), saved and activated versions, granted a
# coach role access and enabled row-level security with a policy
# (test/registry_dump/).  The owner dumps (plain and custom format) and
# restores; a superuser restores with --role.  Checked (check.sql): the rows,
# the active versions, the owners and the grants come back and the restore
# does not fail; row-level security, the policy and the owner's own index do
# NOT come back (pg_dump 15 writes none of them for a table that belongs to
# an extension, as the README says) until the owner's script rls.sql runs
# again, after which everything,
# including what the coach sees, equals the source.  Also: the owner cannot
# dump while FORCE ROW LEVEL SECURITY is on, and the README's way to keep the
# registry across DROP EXTENSION (pg_dump --data-only --table) works, and so
# does its way to move the extension to another schema (move_schema.sql).
run_registry_dump() {
	local dir=$ROOT/test/registry_dump w=$WORK/registry_dump q="psql -X -q -v ON_ERROR_STOP=1" d how ok=0 nok=0
	local own=cr_rd_owner
	[ -f "$dir/check.sql" ] || return 0
	say "registry: pg_dump / restore by its non-superuser owner, with row-level security"
	mkdir -p "$w"
	$q -d postgres -c "CREATE ROLE $own LOGIN" -c 'CREATE ROLE cr_rd_coach LOGIN' >/dev/null
	for d in src plain custom role one dropped moved; do
		$q -d postgres -c "CREATE DATABASE cr_rd_$d OWNER $own" >/dev/null
	done
	if ! { $q -U $own -d cr_rd_src -f "$dir/setup.sql" &&
		$q -U cr_rd_coach -d cr_rd_src -f "$dir/coach.sql" &&
		$q -U $own -d cr_rd_src -f "$dir/rls.sql" &&
		$q -d cr_rd_src -f "$dir/check.sql" >"$w/src.out" &&
		"$PG_BINDIR/pg_dump" -U $own -Fp -d cr_rd_src -f "$w/dump.sql" &&
		"$PG_BINDIR/pg_dump" -U $own -Fc -d cr_rd_src -f "$w/dump.custom"; } >"$w/setup.log" 2>&1; then
		cat "$w/setup.log" >&2
		record "registry dump (set-up, dump by the owner)" 0 1
		return 0
	fi
	# restore_check LABEL DB: after the restore, everything but row-level
	# security equals the source; after rls.sql, everything does.
	restore_check() {
		$q -d "$2" -f "$dir/check.sql" >"$w/$2.restored" 2>&1 || true
		if diff <(grep -vE '^(row level security|policies|indexes|coach sees|coach fetches):' "$w/src.out") \
			<(grep -vE '^(row level security|policies|indexes|coach sees|coach fetches):' "$w/$2.restored") >"$w/$2.diff" &&
			grep -qx 'row level security: false, forced: false' "$w/$2.restored" &&
			grep -qx 'policies: none' "$w/$2.restored" &&
			grep -qx 'indexes: retention_model_registry_one_active, retention_model_registry_pkey' "$w/$2.restored"; then
			ok=$((ok + 1))
		else
			echo "$1: after the restore:" >&2
			cat "$w/$2.diff" "$w/$2.restored" >&2
			nok=$((nok + 1))
		fi
		if $q -U $own -d "$2" -f "$dir/rls.sql" >"$w/$2.rls.log" 2>&1 &&
			$q -d "$2" -f "$dir/check.sql" >"$w/$2.out" 2>&1 && diff "$w/src.out" "$w/$2.out" >"$w/$2.diff"; then
			ok=$((ok + 1))
		else
			echo "$1: after rls.sql:" >&2
			cat "$w/$2.rls.log" "$w/$2.diff" >&2
			nok=$((nok + 1))
		fi
	}
	for how in plain custom role; do
		case $how in
		plain) $q -U $own -d cr_rd_plain -f "$w/dump.sql" ;;
		custom) "$PG_BINDIR/pg_restore" -U $own --exit-on-error -d cr_rd_custom "$w/dump.custom" ;;
		role) "$PG_BINDIR/pg_restore" -U postgres --role=$own --exit-on-error -d cr_rd_role "$w/dump.custom" ;;
		esac >"$w/restore-$how.log" 2>&1 || { cat "$w/restore-$how.log" >&2; nok=$((nok + 2)); continue; }
		restore_check "$how" "cr_rd_$how"
	done
	# the plain dump and rls.sql in one transaction: no moment without the policy
	if $q -1 -U $own -d cr_rd_one -f "$w/dump.sql" -f "$dir/rls.sql" >"$w/restore-one.log" 2>&1 &&
		$q -d cr_rd_one -f "$dir/check.sql" >"$w/one.out" 2>&1 && diff "$w/src.out" "$w/one.out" >&2; then
		ok=$((ok + 1))
	else
		cat "$w/restore-one.log" >&2
		nok=$((nok + 1))
	fi
	# FORCE ROW LEVEL SECURITY subjects the owner to its policy: pg_dump refuses
	$q -U $own -d cr_rd_src -c 'ALTER TABLE retention_model_registry FORCE ROW LEVEL SECURITY' >/dev/null
	if ! "$PG_BINDIR/pg_dump" -U $own -d cr_rd_src -f /dev/null >"$w/force.log" 2>&1 &&
		grep -q 'query would be affected by row-level security policy for table "retention_model_registry"' "$w/force.log"; then
		ok=$((ok + 1))
	else
		echo "pg_dump by the owner under FORCE ROW LEVEL SECURITY did not fail as documented:" >&2
		cat "$w/force.log" >&2
		nok=$((nok + 1))
	fi
	$q -U $own -d cr_rd_src -c 'ALTER TABLE retention_model_registry NO FORCE ROW LEVEL SECURITY' >/dev/null
	# DROP EXTENSION deletes the registry's rows; the README's way to keep them
	if { $q -U $own -d cr_rd_dropped -f "$w/dump.sql" &&
		"$PG_BINDIR/pg_dump" -U $own --data-only --table=retention_model_registry -d cr_rd_dropped -f "$w/registry-data.sql" &&
		$q -U $own -d cr_rd_dropped -c 'DROP EXTENSION community_retention' -c 'CREATE EXTENSION community_retention' &&
		[ "$($q -tA -U $own -d cr_rd_dropped -c 'SELECT count(*) FROM retention_model_registry')" = 0 ] &&
		$q -U $own -d cr_rd_dropped -f "$w/registry-data.sql" &&
		$q -U $own -d cr_rd_dropped -f "$dir/rls.sql" && $q -U $own -d cr_rd_dropped -c 'GRANT SELECT, INSERT, UPDATE ON retention_model_registry TO cr_rd_coach' &&
		$q -d cr_rd_dropped -f "$dir/check.sql" >"$w/dropped.out" && diff "$w/src.out" "$w/dropped.out"; } >"$w/dropped.log" 2>&1; then
		ok=$((ok + 1))
	else
		cat "$w/dropped.log" >&2
		nok=$((nok + 1))
	fi
	# the README's way to move the extension to another schema keeps every row
	if { $q -U $own -d cr_rd_moved -f "$w/dump.sql" &&
		$q -U $own -d cr_rd_moved -f "$dir/move_schema.sql" >"$w/moved.out" &&
		grep -x "$(grep '^rows: ' "$w/src.out")" "$w/moved.out" &&
		grep -qx 'extension schema: moved' "$w/moved.out" &&
		grep -qx "my_models: $(grep '^rows: ' "$w/src.out" | cut -d' ' -f2) true" "$w/moved.out" &&
		grep -qx 'saved: true' "$w/moved.out"; } >"$w/moved.log" 2>&1; then
		ok=$((ok + 1))
	else
		cat "$w/moved.log" "$w/moved.out" >&2
		nok=$((nok + 1))
	fi
	record "registry dump/restore with row-level security" "$ok" "$nok"
	registry_encodings
	registry_stale_activate
	registry_own_definition
	registry_scoring_view_restore
}

# README, FAQ "What does a restore do to the scoring view?": pg_dump keeps
# no rows of a materialized view but refreshes it at the end of the restore.
# The restored scoring view therefore holds the scores of the version active
# when the dump was taken (here version 2, activated after the source's
# last refresh, which scored with version 1); with no version active, the
# refresh fails, pg_restore --exit-on-error stops there, the view is left
# unpopulated and REFRESH ... CONCURRENTLY (the scheduled job) fails until a
# version is activated and the view refreshed without CONCURRENTLY.
registry_scoring_view_restore() {
	local w=$WORK/registry_dump q="psql -X -q -v ON_ERROR_STOP=1" ok=0 nok=0 d
	for d in mv mv_r mv_none; do
		$q -d postgres -c "CREATE DATABASE cr_rd_$d" >/dev/null
	done
	# the scoring set-up of the cron suite (cron_scoring_sql, in cron.sh,
	# which run.sh sources with every suite): versions 1 and 2 of 'm', the
	# view scored with version 1
	if ! {
		echo 'CREATE EXTENSION community_retention;'
		echo 'CREATE TABLE f AS SELECT member_id, renewed, (member_id % 7)::float8 AS x FROM retention_demo_members(300);'
		cron_scoring_sql x "'x'"
		echo "SELECT retention_model_activate('m', 2);"
	} | $q -d cr_rd_mv >"$w/mv-setup.log" 2>&1
	then
		cat "$w/mv-setup.log" >&2
		record "registry: a restore rescores the scoring view with the version active at the dump" 0 2
		return 0
	fi
	# the restored view holds version 2's scores, the source's still version 1's
	if "$PG_BINDIR/pg_dump" -Fc -d cr_rd_mv -f "$w/mv.custom" >>"$w/mv-setup.log" 2>&1 &&
		"$PG_BINDIR/pg_restore" --exit-on-error -d cr_rd_mv_r "$w/mv.custom" >>"$w/mv-setup.log" 2>&1 &&
		[ "$($q -tA -d cr_rd_mv -c 'SELECT string_agg(DISTINCT model_version::text, $$,$$) FROM scoring')" = 1 ] &&
		[ "$($q -tA -d cr_rd_mv_r -c "SELECT count(*) = 300 AND bool_and(s.model_version = 2)
		        AND bool_and(s.score = retention_score((SELECT model FROM retention_model_registry WHERE name = 'm' AND version = 2), f))
		        FROM scoring s JOIN f USING (member_id)")" = t ]; then
		ok=$((ok + 1))
	else
		cat "$w/mv-setup.log" >&2
		nok=$((nok + 1))
	fi
	# no active version at dump time: the restore's refresh fails
	$q -d cr_rd_mv -c 'UPDATE retention_model_registry SET active = false' >/dev/null
	if "$PG_BINDIR/pg_dump" -Fc -d cr_rd_mv -f "$w/mv-none.custom" >"$w/mv-none.log" 2>&1 &&
		! "$PG_BINDIR/pg_restore" --exit-on-error -d cr_rd_mv_none "$w/mv-none.custom" >>"$w/mv-none.log" 2>&1 &&
		grep -q 'ERROR:  model "m" has no active version' "$w/mv-none.log" &&
		grep -q 'Command was: REFRESH MATERIALIZED VIEW public.scoring;' "$w/mv-none.log" &&
		[ "$($q -tA -d cr_rd_mv_none -c "SELECT count(*) FROM retention_model_registry")" = 2 ] &&
		! $q -d cr_rd_mv_none -c 'SELECT count(*) FROM scoring' >>"$w/mv-none.log" 2>&1 &&
		grep -q 'ERROR:  materialized view "scoring" has not been populated' "$w/mv-none.log" &&
		! $q -d cr_rd_mv_none -c 'REFRESH MATERIALIZED VIEW CONCURRENTLY scoring' >>"$w/mv-none.log" 2>&1 &&
		grep -q 'ERROR:  CONCURRENTLY cannot be used when the materialized view is not populated' "$w/mv-none.log" &&
		$q -d cr_rd_mv_none -c "SELECT retention_model_activate('m', 1)" -c 'REFRESH MATERIALIZED VIEW scoring' \
			-c 'REFRESH MATERIALIZED VIEW CONCURRENTLY scoring' >>"$w/mv-none.log" 2>&1 &&
		[ "$($q -tA -d cr_rd_mv_none -c 'SELECT count(*) FILTER (WHERE model_version = 1) FROM scoring')" = 300 ]; then
		ok=$((ok + 1))
	else
		cat "$w/mv-none.log" >&2
		nok=$((nok + 1))
	fi
	record "registry: a restore rescores the scoring view with the version active at the dump" "$ok" "$nok"
}

# README, FAQ "Can I add a column to the registry?": pg_dump writes the
# registry's rows with the owner's changes to its columns but not the
# changes, so a column of the owner's, or the one-active index dropped (two
# active versions), fails the whole COPY of the registry on restore, and the
# restored registry is empty; extra data in a table of the owner's keyed by
# (name, version), with a foreign key to the registry, restores in full.
registry_own_definition() {
	local w=$WORK/registry_dump q="psql -X -q -v ON_ERROR_STOP=1" own=cr_rd_owner ok=0 nok=0 d
	local save="SELECT retention_model_save('o', retention_train(ARRAY[(i % 7)::float8], i % 3 = 0)) FROM generate_series(1, 100) i"
	for d in col col_r idx idx_r side side_r; do
		$q -d postgres -c "CREATE DATABASE cr_rd_$d OWNER $own" >/dev/null
	done
	# own_check TAG ERROR: restored without ON_ERROR_STOP, the COPY failed
	# with ERROR and left the registry empty
	own_check() {
		"$PG_BINDIR/pg_dump" -U $own -d "cr_rd_$1" -f "$w/own-$1.sql" &&
			psql -X -q -U $own -d "cr_rd_$1_r" -f "$w/own-$1.sql" >"$w/own-$1.log" 2>&1
		if grep -qF "$2" "$w/own-$1.log" &&
			[ "$($q -tA -U $own -d "cr_rd_$1" -c 'SELECT count(*) FROM retention_model_registry')" = 2 ] &&
			[ "$($q -tA -U $own -d "cr_rd_$1_r" -c 'SELECT count(*) FROM retention_model_registry')" = 0 ]; then
			ok=$((ok + 1))
		else
			echo "registry with the owner's $1 change, restored:" >&2
			cat "$w/own-$1.log" >&2
			nok=$((nok + 1))
		fi
	}
	$q -U $own -d cr_rd_col -c 'CREATE EXTENSION community_retention' \
		-c 'ALTER TABLE retention_model_registry ADD COLUMN tag text' -c "$save" -c "$save" >/dev/null
	own_check col 'ERROR:  column "tag" of relation "retention_model_registry" does not exist'
	$q -U $own -d cr_rd_idx -c 'CREATE EXTENSION community_retention' \
		-c 'DROP INDEX retention_model_registry_one_active' -c "$save" -c "$save" \
		-c 'UPDATE retention_model_registry SET active = true' >/dev/null
	own_check idx 'ERROR:  duplicate key value violates unique constraint "retention_model_registry_one_active"'
	# the README's way: a table of the owner's beside the registry
	if { $q -U $own -d cr_rd_side -c 'CREATE EXTENSION community_retention' -c "$save" -c "$save" \
		-c 'CREATE TABLE model_tags (name text, version int, tag text NOT NULL, PRIMARY KEY (name, version),
		      FOREIGN KEY (name, version) REFERENCES retention_model_registry ON DELETE CASCADE)' \
		-c "INSERT INTO model_tags SELECT name, version, 'tag ' || version FROM retention_model_registry" &&
		"$PG_BINDIR/pg_dump" -U $own -d cr_rd_side -f "$w/own-side.sql" &&
		$q -U $own -d cr_rd_side_r -f "$w/own-side.sql" &&
		[ "$($q -tA -U $own -d cr_rd_side_r -c "SELECT string_agg(r.version || ':' || t.tag, ',' ORDER BY r.version)
		       FROM retention_model_registry r JOIN model_tags t USING (name, version)")" = '1:tag 1,2:tag 2' ] &&
		[ "$($q -tA -U $own -d cr_rd_side_r -c "SELECT count(*) FROM pg_constraint WHERE conrelid = 'model_tags'::regclass AND contype = 'f'")" = 1 ]; } \
		>"$w/own-side.log" 2>&1; then
		ok=$((ok + 1))
	else
		cat "$w/own-side.log" >&2
		nok=$((nok + 1))
	fi
	record "registry: the owner's own column or dropped index fails the registry's restore; a table of its own beside it restores" "$ok" "$nok"
}

# Under REPEATABLE READ, activating the version that was active in this
# transaction's snapshot, after another session activated another one, is
# a serialization failure (40001, as the README says), not a success that
# leaves the other version active.  The other session runs from inside the
# first one's transaction (psql's \!), so the order is fixed.
registry_stale_activate() {
	local w=$WORK/registry_dump q="psql -X -q -v ON_ERROR_STOP=1" out
	$q -d postgres -c 'CREATE DATABASE cr_rd_stale' >/dev/null
	$q -d cr_rd_stale -c 'CREATE EXTENSION community_retention' \
		-c "CREATE TABLE m AS SELECT retention_train(ARRAY[(i % 7)::float8], i % 3 = 0) AS m FROM generate_series(1, 100) i" \
		-c "SELECT retention_model_save('s', m), retention_model_save('s', m) FROM m" \
		-c "SELECT retention_model_activate('s', 2)" >/dev/null
	out=$(psql -X -q -At -d cr_rd_stale 2>&1 <<-EOF
		\set VERBOSITY verbose
		BEGIN ISOLATION LEVEL REPEATABLE READ;
		SELECT count(*) FROM retention_model_registry;
		\! psql -X -q -d cr_rd_stale -c "SELECT retention_model_activate('s', 1)"
		SELECT retention_model_activate('s', 2);
		ROLLBACK;
		SELECT string_agg(version || ':' || active, ' ' ORDER BY version) FROM retention_model_registry;
	EOF
	)
	if grep -q '40001: could not activate version 2 of model "s"' <<<"$out" &&
		[ "${out##*$'\n'}" = '1:true 2:false' ]; then
		record "registry: activating the snapshot's active version after another activation is 40001" 1 0
	else
		printf '%s\n' "$out" >&2
		record "registry: activating the snapshot's active version after another activation is 40001" 0 1
	fi
}

# Names in databases that are not UTF-8 (encodings.sql): white space only
# exactly as in UTF-8, and an EUC_JP registry restores into a UTF-8
# database (its CHECK constraint once read the regular expression's \u3000
# as EUC_JP's character code 0x3000, so a restore refused the whole table).
registry_encodings() {
	local dir=$ROOT/test/registry_dump w=$WORK/registry_dump q="psql -X -q -v ON_ERROR_STOP=1" e ok=0 nok=0
	# sorted here: the byte orders of EUC_JP and UTF-8 differ
	local list='SELECT name, version FROM retention_model_registry'
	for e in EUC_JP WIN1252; do
		if $q -d postgres -c "CREATE DATABASE cr_rd_${e,,} ENCODING '$e' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" \
			>"$w/enc-$e.log" 2>&1 && $q -d "cr_rd_${e,,}" -f "$dir/encodings.sql" >>"$w/enc-$e.log" 2>&1 &&
			grep -q "NOTICE:  $e: [0-9]* blank names refused, [0-9]* names saved" "$w/enc-$e.log"; then
			ok=$((ok + 1))
		else
			cat "$w/enc-$e.log" >&2
			nok=$((nok + 1))
		fi
	done
	if { $q -d postgres -c "CREATE DATABASE cr_rd_enc_utf8 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" &&
		"$PG_BINDIR/pg_dump" -Fc -d cr_rd_euc_jp -f "$w/euc.custom" &&
		"$PG_BINDIR/pg_restore" --exit-on-error -d cr_rd_enc_utf8 "$w/euc.custom" &&
		PGCLIENTENCODING=UTF8 $q -At -d cr_rd_euc_jp -c "$list" | LC_ALL=C sort >"$w/euc.src" &&
		PGCLIENTENCODING=UTF8 $q -At -d cr_rd_enc_utf8 -c "$list" | LC_ALL=C sort >"$w/euc.restored" &&
		[ -s "$w/euc.src" ] && diff "$w/euc.src" "$w/euc.restored"; } >"$w/enc-restore.log" 2>&1; then
		ok=$((ok + 1))
	else
		cat "$w/enc-restore.log" >&2
		nok=$((nok + 1))
	fi
	record "registry names in EUC_JP and WIN1252 databases, restored into UTF-8" "$ok" "$nok"
}
