#!/usr/bin/env bash
# rss.sh PID LABEL: print "LABEL: <RssAnon in kB>" of a backend (used by soak.groups.sql).
printf '%s: %s\n' "$2" "$(sed -n 's/^RssAnon:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status")"
