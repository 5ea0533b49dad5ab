# Install-time privilege escalation (issue 17 item 1): the extension is
# trusted, so an ordinary role's CREATE EXTENSION runs the scripts as the
# bootstrap superuser.  An attacker that may create objects in the target
# schema (its own schema s, or public as the database owner) and in its
# temporary schema plants there, under EVERY built-in name the scripts
# mention, types, domains, functions (all overloads, and variants that win by
# an implicit cast) and operators that log when they run
# (test/security/plant.sql), then installs 1.1, or installs 1.0 and updates to
# 1.1.  Passes when no planted object ran and no extension object depends on
# a planted one (test/security/check.sql).  Then a superuser takes every path
# through the model registry's PL/pgSQL functions, whose queries are planned
# at run time with the extension's schema in their search_path
# (test/security/registry_calls.sql): none may run a planted object either.
# Nor when it fits a model with retention_fit on columns of domains, beside
# an aggregate named as retention_fit's own, declared on those domains, that
# the attacker planted in the extension's schema (test/security/plant_fit.sql,
# test/security/fit_calls.sql).
#
# The names are scanned from the built scripts sql/community_retention--*.sql
# (every identifier and operator symbol outside -- comments, string literals
# included, since SQL function bodies are strings), so the test follows the
# scripts as they grow.
run_security_install() {
	local dir=$ROOT/test/security w=$WORK/security q="psql -X -q -v ON_ERROR_STOP=1" target how db out v
	[ -f "$dir/plant.sql" ] || return 0
	say "install-time search_path attacks by a non-superuser installer"
	mkdir -p "$w"
	# PostgreSQL pastes the quoted target schema name wherever @extschema@
	# stands in a script, comments included.  15.4 refuses names with a
	# quote, $ or backslash, but until a later minor not a newline: in a
	# "--" comment, CREATE SCHEMA "x<newline>ALTER ROLE me SUPERUSER;--"
	# made the rest of the name a statement run as the bootstrap superuser
	# (reproduced by pasting as PostgreSQL does).  In code the name stays
	# inside a quoted identifier or a string literal, so no comment may hold
	# the placeholder: "--" to the end of the line, or /* ... */.
	local in_comment
	in_comment=$(cd "$ROOT" && grep -n -e '--.*@extschema@' sql/community_retention--*.sql
		perl -0777 -ne 'while (m{/\*.*?\*/}gs) { print "$ARGV: $&\n" if $& =~ /\@extschema\@/ }' \
			sql/community_retention--*.sql)
	if [ -z "$in_comment" ]; then
		record "security: no @extschema@ in a comment" 1 0
	else
		echo "$in_comment" >&2
		record "security: no @extschema@ in a comment" 0 1
	fi
	sed 's/--.*$//' "$ROOT"/sql/community_retention--*.sql | grep -oE '[A-Za-z_][A-Za-z0-9_]*' |
		tr 'A-Z' 'a-z' | sort -u >"$w/words.txt"
	sed 's/--.*$//' "$ROOT"/sql/community_retention--*.sql | grep -oE '[-+*/<>=~!@#%^&|`?]+' |
		sort -u >"$w/ops.txt"
	$q -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = 'cr_attacker'" -tA | grep -q 1 ||
		$q -d postgres -c 'CREATE ROLE cr_attacker LOGIN' >/dev/null
	for target in s public; do
		for how in fresh update; do
			db=cr_sec_${target}_$how
			out=$w/$db.out
			$q -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db OWNER cr_attacker" >/dev/null 2>&1
			$q -d "$db" -c 'CREATE TABLE public.probe_log (who name, obj text)' \
				-c 'GRANT INSERT, SELECT ON public.probe_log TO PUBLIC' \
				-c 'CREATE SEQUENCE public.probe_seq' -c 'GRANT USAGE ON SEQUENCE public.probe_seq TO PUBLIC' >/dev/null
			local plant="('pg_temp', false), ('public', true)"
			[ "$target" = s ] && plant="('s', true), $plant"
			local install="CREATE EXTENSION community_retention SCHEMA $target"
			[ "$how" = update ] && install="$install VERSION '1.0'"
			# One session: the temporary objects live as long as it does.
			if ! {
				echo "SET client_min_messages = warning;"
				[ "$target" = s ] && echo "CREATE SCHEMA s;"
				echo "CREATE TEMP TABLE cr_words (w text); \\copy cr_words FROM '$w/words.txt'"
				echo "CREATE TEMP TABLE cr_ops (o text); \\copy cr_ops FROM '$w/ops.txt'"
				echo "CREATE TEMP TABLE cr_plant_schemas (nsp text, funcs bool); INSERT INTO cr_plant_schemas VALUES $plant;"
				echo "\\i $dir/plant.sql"
				echo "\\i $dir/plant_fit.sql"
				echo "\\echo planted: :planted"
				echo "$install;"
				[ "$how" = update ] && echo "ALTER EXTENSION community_retention UPDATE;"
				echo "\\pset tuples_only on"
				echo "\\pset format unaligned"
				echo "\\i $dir/check.sql"
			} | $q -U cr_attacker -d "$db" >"$out" 2>&1; then
				tail -20 "$out" >&2
				record "security: $db (plant, install)" 0 1
				continue
			fi
			v=$(sed -n 's/^planted: //p' "$out")
			local ok=0 nok=0
			check_line() { # check_line LABEL KEY EXPECTED
				if [ "$(sed -n "s/^$2: //p" "$out")" = "$3" ]; then ok=$((ok + 1)); else
					echo "$db: $1: expected $2 = $3" >&2
					grep -E "^($2|$2 object): " "$out" | head -40 >&2
					nok=$((nok + 1))
				fi
			}
			check_line "extension at 1.1" version 1.1
			check_line "no planted object ran" ran 0
			check_line "no extension object depends on a planted one" captured 0
			check_line "control: a planted domain logs when used" control 1
			out=$w/$db.registry.out
			$q -tA -d "$db" -f "$dir/registry_calls.sql" >"$out" 2>&1 || tail -20 "$out" >&2
			check_line "every path through the registry functions taken" "registry paths" "21 of 21"
			check_line "no planted object ran in a registry function" "registry ran" 0
			out=$w/$db.fit.out
			$q -tA -d "$db" -f "$dir/fit_calls.sql" >"$out" 2>&1 || tail -20 "$out" >&2
			check_line "retention_fit on domain columns fits" "fit calls" "2 of 2"
			check_line "no planted object ran in retention_fit" "fit ran" 0
			record "security: $db ($v objects planted)" "$ok" "$nok"
		done
	done
	return 0
}
