# hpa-engine: a standalone Kubernetes autoscaling/v2 HPA engine in C.
#
#   make            build libhpa.a (the pure decision core) and hpa-engine
#   make check      build and run every test, then the unit tests again
#                   under AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench      run the benchmarks
#   make demo       replay a bundled real trace and write a report
#   make install    PREFIX=/usr/local DESTDIR=
#   make fuzz       libFuzzer on every parser (clang), FUZZ_SECONDS each
#
# Missing Debian -dev packages are installed by scripts/deps.sh (target deps).
# SANITIZER=address,undefined builds everything into build-san/ instead.

PREFIX    ?= /usr/local
DESTDIR   ?=
CC        ?= cc
PKGS      := libcurl jansson libevent libevent_pthreads libevent_openssl gsl yaml-0.1 openssl
VERSION   := 0.1.0

ifdef SANITIZER
BUILD     ?= build-san
SANFLAGS  := -fsanitize=$(SANITIZER) -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT       ?= -O1 -g
else
BUILD     ?= build
SANFLAGS  :=
OPT       ?= -O2 -g
endif

WARN      := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
             -Wmissing-prototypes -Wvla -Wformat=2 -Wno-format-nonliteral
DEFS      := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DHPA_VERSION=\"$(VERSION)\"
# The core is compiled without any pkg-config flags: it cannot include
# libcurl, jansson or anything else by accident.
CORE_CFLAGS := $(WARN) $(DEFS) $(OPT) $(SANFLAGS) -Iinclude
PKG_CFLAGS  = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS    = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
APP_CFLAGS  = $(CORE_CFLAGS) $(PKG_CFLAGS) -Isrc -Isim -pthread
APP_LIBS    = $(PKG_LIBS) -lm -pthread
TEST_CFLAGS = $(APP_CFLAGS) $(shell pkg-config --cflags cmocka 2>/dev/null) -Itests -Wno-missing-prototypes
TEST_LIBS   = $(APP_LIBS) $(shell pkg-config --libs cmocka 2>/dev/null)

CORE_SRC  := $(sort $(wildcard src/core/*.c))
APP_SRC   := $(sort $(wildcard src/codec/*.c src/manifest/*.c src/ctl/*.c src/kube/*.c \
               src/daemon/*.c src/cli/cmd_*.c src/util/*.c sim/*.c sim/*/*.c))
MAIN_SRC  := src/cli/main.c
TEST_SRC  := $(sort $(wildcard tests/unit/test_*.c))
BENCH_SRC := $(sort $(wildcard bench/bench_*.c))
TSUP_SRC  := $(sort $(wildcard tests/support/*.c))

CORE_OBJ  := $(CORE_SRC:%.c=$(BUILD)/%.o)
APP_OBJ   := $(APP_SRC:%.c=$(BUILD)/%.o)
TSUP_OBJ  := $(TSUP_SRC:%.c=$(BUILD)/%.o)
TEST_BIN  := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

LIBHPA    := $(BUILD)/libhpa.a
LIBAPP    := $(BUILD)/libhpa-app.a
BIN       := $(BUILD)/hpa-engine

.PHONY: all deps check unit cases integration bench demo install clean lint valgrind san-unit fuzz
.DELETE_ON_ERROR:

all: deps-stamp $(LIBHPA) $(BIN) hpa-engine

# Only the first build on a fresh machine pays for the package check.
deps-stamp: scripts/deps.sh
	@./scripts/deps.sh
	@touch $@

deps:
	@./scripts/deps.sh

hpa-engine: $(BIN)
	@ln -sf $(BIN) $@

$(BUILD)/src/core/%.o: src/core/%.c
	@mkdir -p $(@D)
	$(CC) $(CORE_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/%.o: %.c deps-stamp
	@mkdir -p $(@D)
	$(CC) $(APP_CFLAGS) -MMD -MP -c $< -o $@

$(BUILD)/tests/support/%.o: tests/support/%.c deps-stamp
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -MMD -MP -c $< -o $@

$(LIBHPA): $(CORE_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(LIBAPP): $(APP_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(BUILD)/src/cli/main.o $(LIBAPP) $(LIBHPA)
	$(CC) $(SANFLAGS) -o $@ $^ $(APP_LIBS)

$(BUILD)/tests/%: tests/unit/%.c $(TSUP_OBJ) $(LIBAPP) $(LIBHPA)
	@mkdir -p $(@D)
	$(CC) $(TEST_CFLAGS) -o $@ $^ $(TEST_LIBS)

$(BUILD)/bench/%: bench/%.c $(LIBAPP) $(LIBHPA)
	@mkdir -p $(@D)
	$(CC) $(APP_CFLAGS) -O2 -o $@ $^ $(APP_LIBS)

# ---- tests ---------------------------------------------------------------

unit: $(TEST_BIN)
	@fail=0; for t in $(TEST_BIN); do \
	  echo "== $$t"; $$t || fail=1; done; exit $$fail

cases: $(BIN)
	@./tests/cases/run.sh $(BIN)

integration: $(BIN)
	@fail=0; for t in $(sort $(wildcard tests/integration/test_*.sh)); do \
	  echo "== $$t"; HPA_ENGINE=$(abspath $(BIN)) bash $$t || fail=1; done; exit $$fail

san-unit:
	$(MAKE) SANITIZER=address,undefined unit cases

check: all
	$(MAKE) unit
	$(MAKE) cases
	$(MAKE) integration
	$(MAKE) san-unit
	@echo "make check: all tests passed"

valgrind: $(BIN)
	@./tests/valgrind.sh $(BIN)

bench: all $(BENCH_BIN)
	@for b in $(BENCH_BIN); do HPA_ENGINE=$(abspath $(BIN)) $$b || exit 1; done
	@for b in $(sort $(wildcard bench/bench_*.sh)); do HPA_ENGINE=$(abspath $(BIN)) $$b || exit 1; done

demo: all
	@./scripts/demo.sh $(BIN)

# Fuzz every parser with clang + libFuzzer, FUZZ_SECONDS each (default 30);
# FUZZ_TARGETS="quantity hpa" limits the run. `make check` only replays the
# committed corpus (tests/integration/test_fuzz_replay.sh).
FUZZ_SECONDS ?= 30
fuzz:
	FUZZ_SECONDS=$(FUZZ_SECONDS) ./tests/fuzz/run.sh $(FUZZ_TARGETS)

lint:
	cppcheck --quiet --enable=warning,performance,portability --error-exitcode=1 -Iinclude src sim

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/hpa \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0755 $(BIN) $(DESTDIR)$(PREFIX)/bin/hpa-engine
	install -m 0644 $(LIBHPA) $(DESTDIR)$(PREFIX)/lib/libhpa.a
	install -m 0644 include/hpa/*.h $(DESTDIR)$(PREFIX)/include/hpa/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' libhpa.pc.in \
	  > $(DESTDIR)$(PREFIX)/lib/pkgconfig/libhpa.pc
	[ ! -f docs/hpa-engine.1 ] || install -m 0644 docs/hpa-engine.1 $(DESTDIR)$(PREFIX)/share/man/man1/

clean:
	rm -rf build build-san build-fuzz hpa-engine deps-stamp

-include $(shell find build build-san -name '*.d' 2>/dev/null)
