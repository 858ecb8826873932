#!/usr/bin/env bash
# test_fuzz_replay.sh - replay the committed fuzz corpus (tests/fuzz/corpus/)
# through every harness built with gcc -fsanitize=address,undefined and
# tests/fuzz/replay_main.c instead of libFuzzer. Any sanitizer report, leak
# or failed harness check fails the test. Fuzzing itself is `make fuzz`
# (tests/fuzz/run.sh, clang).
set -u
cd "$(dirname "$0")/../.."

CC=${CC:-cc}
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
PKGS="libcurl jansson libevent libevent_pthreads libevent_openssl gsl yaml-0.1 openssl"
OUT=build-san/fuzz-replay
pass=0; fail=0

# The sanitizer archives are the ones `make san-unit` uses.
if ! make -s SANITIZER=address,undefined build-san/libhpa-app.a build-san/libhpa.a; then
    echo "test_fuzz_replay: cannot build the sanitizer archives"
    echo "0 passed, 1 failed"
    exit 1
fi
mkdir -p "$OUT"
CFLAGS="-std=c11 -g -O1 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $SAN
        -Iinclude -Isrc -Isim $(pkg-config --cflags $PKGS)"
LIBS="$(pkg-config --libs $PKGS) -lm -pthread"

"$CC" $CFLAGS -c tests/fuzz/replay_main.c -o "$OUT/replay_main.o" || exit 1

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TMPDIR=${TMPDIR:-/tmp}

for src in tests/fuzz/fuzz_*.c; do
    name=${src#tests/fuzz/fuzz_}; name=${name%.c}
    bin="$OUT/fuzz_$name"
    if ! "$CC" $CFLAGS -o "$bin" "$src" "$OUT/replay_main.o" \
            build-san/libhpa-app.a build-san/libhpa.a $LIBS; then
        echo "FAIL fuzz_$name: does not build"; fail=$((fail + 1)); continue
    fi
    if [ ! -d "tests/fuzz/corpus/$name" ]; then
        echo "FAIL fuzz_$name: no corpus in tests/fuzz/corpus/$name"; fail=$((fail + 1)); continue
    fi
    if out=$("$bin" "tests/fuzz/corpus/$name" 2>&1); then
        echo "ok   fuzz_$name: ${out##*$'\n'}"; pass=$((pass + 1))
    else
        echo "FAIL fuzz_$name:"; echo "$out" | tail -30; fail=$((fail + 1))
    fi
done
echo "fuzz-replay: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
