#!/usr/bin/env bash
# run.sh - build every fuzz harness with clang + libFuzzer (ASan, UBSan)
# and fuzz each for FUZZ_SECONDS (default 30), one after the other.
#
#   tests/fuzz/run.sh                 all targets
#   tests/fuzz/run.sh quantity hpa    only these (fuzz_<name>.c)
#   FUZZ_SECONDS=300 FUZZ_JOBS=2 tests/fuzz/run.sh recommend
#
# The committed seeds in tests/fuzz/corpus/<name>/ are read, never
# written: new inputs go to build-fuzz/corpus/<name>/, crashes, leaks and
# timeouts to build-fuzz/artifacts/<name>/. To keep a finding, copy it
# into tests/fuzz/corpus/<name>/ (it is then replayed by make check).
# Exits non-zero if any target found a problem.
set -u
cd "$(dirname "$0")/../.."

FUZZ_SECONDS=${FUZZ_SECONDS:-30}
FUZZ_JOBS=${FUZZ_JOBS:-1}
FBUILD=${FBUILD:-build-fuzz}
export FBUILD

if ! command -v "${FUZZ_CC:-clang}" >/dev/null; then
    echo "run.sh: ${FUZZ_CC:-clang} not found (apt-get install clang)" >&2
    exit 2
fi

if [ $# -gt 0 ]; then
    targets=("$@")
else
    targets=()
    for f in tests/fuzz/fuzz_*.c; do
        n=${f#tests/fuzz/fuzz_}; targets+=("${n%.c}")
    done
fi

bins=()
for t in "${targets[@]}"; do bins+=("$FBUILD/fuzz_$t"); done
make -s -f tests/fuzz/fuzz.mk -j"$(nproc)" FBUILD="$FBUILD" "${bins[@]}" || exit 2

# Leaks in the project's code count; none of our libraries is suppressed.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:symbolize=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

fail=0
for t in "${targets[@]}"; do
    work="$FBUILD/corpus/$t"; art="$FBUILD/artifacts/$t"
    seeds="tests/fuzz/corpus/$t"
    mkdir -p "$work" "$art" "$seeds"
    log="$FBUILD/fuzz_$t.log"
    echo "== fuzz_$t: ${FUZZ_SECONDS}s"
    jobargs=()
    if [ "$FUZZ_JOBS" -gt 1 ]; then jobargs=(-jobs="$FUZZ_JOBS" -workers="$FUZZ_JOBS"); fi
    if [ -f "tests/fuzz/fuzz_$t.dict" ]; then jobargs+=(-dict="tests/fuzz/fuzz_$t.dict"); fi
    "$FBUILD/fuzz_$t" "$work" "$seeds" -max_total_time="$FUZZ_SECONDS" \
        -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 -max_len=8192 \
        -print_final_stats=1 -artifact_prefix="$art/" "${jobargs[@]}" >"$log" 2>&1
    rc=$?
    execs=$(grep -E '^stat::number_of_executed_units' "$log" | tail -1 | awk '{print $2}')
    echo "fuzz_$t: ${execs:-0} executions"
    echo "fuzz_$t ${execs:-0}" >>"$FBUILD/executions.txt"
    if [ $rc -ne 0 ]; then
        echo "fuzz_$t: FAILED (exit $rc), see $log and $art/"
        grep -m3 -E 'ERROR: |runtime error|fuzz invariant' "$log"
        fail=1
    fi
done
exit $fail
