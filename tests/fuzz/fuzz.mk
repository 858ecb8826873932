# fuzz.mk - builds the fuzz harnesses with clang + libFuzzer into
# build-fuzz/ (invoked by tests/fuzz/run.sh from the repository root).
#
# The project's sources that the parsers live in are compiled again with
# -fsanitize=fuzzer-no-link,address,undefined (coverage instrumentation);
# the daemon, ctl and the CLI are not needed and not built.

FUZZ_CC   ?= clang
FBUILD    ?= build-fuzz
PKGS      := libcurl jansson libevent libevent_pthreads libevent_openssl gsl yaml-0.1 openssl
SAN       := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
DEFS      := -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DHPA_VERSION=\"fuzz\"
BASE      := -std=c11 -g -O1 -Wall -Wextra $(DEFS) $(SAN)
CORE_CFLAGS := $(BASE) -fsanitize=fuzzer-no-link -Iinclude
APP_CFLAGS  := $(CORE_CFLAGS) $(shell pkg-config --cflags $(PKGS) 2>/dev/null) -Isrc -Isim -pthread
LIBS      := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lm -pthread

CORE_SRC  := $(sort $(wildcard src/core/*.c))
APP_SRC   := $(sort $(wildcard src/codec/*.c src/kube/*.c src/util/*.c sim/*.c sim/*/*.c))
CORE_OBJ  := $(CORE_SRC:%.c=$(FBUILD)/%.o)
APP_OBJ   := $(APP_SRC:%.c=$(FBUILD)/%.o)
HARNESS   := $(sort $(wildcard tests/fuzz/fuzz_*.c))
BINS      := $(HARNESS:tests/fuzz/%.c=$(FBUILD)/%)

.PHONY: all
.DELETE_ON_ERROR:
all: $(BINS)

$(FBUILD)/src/core/%.o: src/core/%.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(CORE_CFLAGS) -MMD -MP -c $< -o $@

$(FBUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(APP_CFLAGS) -MMD -MP -c $< -o $@

$(FBUILD)/libhpa.a: $(CORE_OBJ)
	rm -f $@ && ar rcs $@ $^

$(FBUILD)/libhpa-app.a: $(APP_OBJ)
	rm -f $@ && ar rcs $@ $^

$(FBUILD)/fuzz_%: $(FBUILD)/tests/fuzz/fuzz_%.o $(FBUILD)/libhpa-app.a $(FBUILD)/libhpa.a
	$(FUZZ_CC) $(SAN) -fsanitize=fuzzer -o $@ $^ $(LIBS)

-include $(shell find $(FBUILD) -name '*.d' 2>/dev/null)
