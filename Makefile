# community_retention: PGXS build.
#
#   make demo          install what is missing, build, start a throwaway cluster, run the demo
#   make test          the same set-up, then every test suite; ends with "N passed, N failed"
#   make bench         benchmarks against the alternatives a user would otherwise use
#   make fuzz          a longer libFuzzer run of every harness under test/fuzz
#   make soak          8 concurrent pgbench clients for 3 minutes, memory watched
#   make citus-check   the Citus suite alone: a coordinator and two workers (skipped without Citus)
#   make && sudo make install && psql -c 'CREATE EXTENSION community_retention'
#                      the standard path, against whatever PG_CONFIG points at
#   make installcheck  pg_regress against a running server (PGHOST, PGPORT, PGUSER ...)

EXTENSION  = community_retention
EXTVERSION = 1.1

MODULE_big = $(EXTENSION)
# PGXS links the module at the top of the tree; link it under src/, beside
# its objects, and install it under its own name.
override shlib = src/$(MODULE_big)$(DLSUFFIX)
install-lib-shared uninstall-lib: override shlib = $(MODULE_big)$(DLSUFFIX)
# One C file per concern; every src/*.c goes into the module.
OBJS = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

# Install and update scripts, assembled from one fragment per concern so each
# concern keeps its SQL next to its C:
#   src/sql/*.sql                 the objects of 1.0, as they are in 1.1
#   src/sql/1.1/*.sql             objects new (or redefined) in 1.1
#   src/sql/update/1.0--1.1/*.sql what changes in 1.0's objects (ALTER, and DROP
#                                 of what src/sql/1.1/ creates anew)
# The fresh 1.1 script is src/sql/*.sql + src/sql/1.1/*.sql; the update script
# is src/sql/update/1.0--1.1/*.sql + src/sql/1.1/*.sql.  The released 1.0
# script is kept as it shipped (sql/community_retention--1.0.sql), so that
# `CREATE EXTENSION community_retention VERSION '1.0'` and the update path can
# be tested; test/upgrade proves both paths give the same catalog.
SQL_BASE   = $(sort $(wildcard src/sql/*.sql))
SQL_NEW    = $(sort $(wildcard src/sql/1.1/*.sql))
SQL_UPDATE = $(sort $(wildcard src/sql/update/1.0--1.1/*.sql))
DATA_built = sql/$(EXTENSION)--1.1.sql sql/$(EXTENSION)--1.0--1.1.sql
DATA       = sql/$(EXTENSION)--1.0.sql

# pg_regress: every sql/NAME.sql that is not an install or upgrade script.
REGRESS      = $(sort $(basename $(notdir $(filter-out sql/$(EXTENSION)--%,$(wildcard sql/*.sql)))))
# Outputs (results/, regression.diffs) go under test/, not the top of the tree.
REGRESS_OPTS = --inputdir=. --outputdir=test/results --load-extension=$(EXTENSION)

# -Wextra on top of PGXS's -Wall; unused parameters are the norm for
# PG_FUNCTION_ARGS callbacks.  WERROR=1 (set by the test command) makes any
# warning fatal.
PG_CFLAGS = -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -O2
ifeq ($(WERROR),1)
PG_CFLAGS += -Werror
endif
SHLIB_LINK = -lm
# The numerical kernel's inner loops (Hessian updates, dot products) are
# worth vectorising; -O3 does not change floating point results (no
# reassociation without -ffast-math).
src/cr_logit.o: override CFLAGS += -O3
src/cr_newton.o: override CFLAGS += -O3
src/cr_linalg.o: override CFLAGS += -O3
src/cr_bgnbd.o src/cr_bgnbd_expect.o: override CFLAGS += -O3
src/cr_logit_rows.o: override CFLAGS += -O3
EXTRA_CLEAN = $(DATA_built) test/unit/*.bin test/fuzz/*.bin test/results

PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
else
# No server development files yet.  `make demo` and `make test` install them
# first; the plain build says what is missing.
all install installcheck:
	@echo "PostgreSQL server development files not found ($(PG_CONFIG) --pgxs)."
	@echo "Install them (Debian: apt-get install postgresql-server-dev-15) or set PG_CONFIG,"
	@echo "or run 'make demo' / 'make test', which install what is missing."
	@exit 1
endif

sql/$(EXTENSION)--1.1.sql: $(SQL_BASE) $(SQL_NEW) Makefile
	cat $(SQL_BASE) $(SQL_NEW) > $@

sql/$(EXTENSION)--1.0--1.1.sql: $(SQL_UPDATE) $(SQL_NEW) Makefile
	cat $(SQL_UPDATE) $(SQL_NEW) > $@

$(OBJS): $(wildcard src/*.h)

demo:
	@bash test/scripts/run.sh demo

test:
	@bash test/scripts/run.sh test

bench:
	@bash test/scripts/run.sh bench

fuzz:
	@bash test/scripts/run.sh fuzz

soak:
	@bash test/scripts/run.sh soak

# A coordinator and two workers (test/citus/); skipped when Citus is not
# installed in $(PG_CONFIG)'s lib directory.
citus-check:
	@bash test/citus/run.sh

.PHONY: demo test bench fuzz soak citus-check
