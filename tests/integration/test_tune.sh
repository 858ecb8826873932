#!/bin/bash
# test_tune.sh - `hpa-engine tune` end to end on a bundled trace with a
# small budget: the manifest passes `validate`, the JSON/CSV/HTML outputs
# are written, 1 and 2 threads agree, two shards merged give byte-identical
# JSON, and bad specs / an infeasible constraint fail with clear messages.
set -eu

: "${HPA_ENGINE:?set HPA_ENGINE to the hpa-engine binary}"
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

common=(--policy "$here/policies/python-app-hpa.yaml"
        --trace "$here/sim/traces/nasa_jul95_requests_per_min.csv" --to 2d --peak 2500
        --space '*=fixed,target.cpu=50:95,down.window=0:600:15,up.select=Max|Min,minReplicas=1:4'
        --budget 24 --seed 7)

# 1. a small tune, every output
"$HPA_ENGINE" tune "${common[@]}" --threads 2 --out "$tmp/best.yaml" --json "$tmp/t2.json" \
    --csv "$tmp/front.csv" --report "$tmp/r.html" >"$tmp/out" 2>"$tmp/err" ||
    fail "tune failed: $(cat "$tmp/err")"
grep -q "^validation span" "$tmp/out" || fail "no validation summary: $(cat "$tmp/out")"
"$HPA_ENGINE" validate "$tmp/best.yaml" || fail "the tuned manifest does not validate"
grep -q "^# command: hpa-engine tune " "$tmp/best.yaml" || fail "no command in the manifest header"
grep -q "^# figures" "$tmp/best.yaml" || fail "no figures in the manifest header"
head -1 "$tmp/front.csv" | grep -q "^slo,index,podHours" || fail "CSV header"
grep -q "^overloadSeconds," "$tmp/front.csv" || fail "no overloadSeconds front in the CSV"
grep -q "<svg" "$tmp/r.html" && grep -q "Kubernetes default" "$tmp/r.html" || fail "report incomplete"
python3 - "$tmp/t2.json" <<'PY' || fail "JSON result"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["simulations"] <= 24, d["simulations"]
assert d["best"]["validate"]["podHours"] > 0
assert "overloadSeconds" in d["fronts"] and d["fronts"]["overloadSeconds"]
PY

# 2. the thread count does not change the result
"$HPA_ENGINE" tune "${common[@]}" --threads 1 --json "$tmp/t1.json" --quiet 2>/dev/null ||
    fail "tune --threads 1"
cmp -s "$tmp/t1.json" "$tmp/t2.json" || fail "1 and 2 threads differ"

# 3. two shards, merged: the same bytes as the unsharded run
"$HPA_ENGINE" tune "${common[@]}" --shard 0/2 --shard-out "$tmp/s0.json" --quiet || fail "shard 0"
"$HPA_ENGINE" tune "${common[@]}" --shard 1/2 --shard-out "$tmp/s1.json" --quiet || fail "shard 1"
"$HPA_ENGINE" tune merge "$tmp/s1.json" "$tmp/s0.json" --json "$tmp/m.json" --out "$tmp/m.yaml" --quiet 2>/dev/null ||
    fail "merge"
cmp -s "$tmp/m.json" "$tmp/t1.json" || fail "merged JSON differs from the unsharded run"
cmp -s "$tmp/m.yaml" "$tmp/best.yaml" || fail "merged manifest differs from the unsharded run"
if "$HPA_ENGINE" tune merge "$tmp/s0.json" --quiet 2>"$tmp/err"; then fail "merge with a shard missing"; fi
grep -q "shard 1 of 2 is missing" "$tmp/err" || fail "missing shard message: $(cat "$tmp/err")"

# 4. bad specs name the term, exit 2
expect_usage() {
    local want=$1; shift
    if "$HPA_ENGINE" tune "$@" 2>"$tmp/err" >/dev/null; then fail "accepted: $*"; fi
    grep -q -- "$want" "$tmp/err" || fail "message for $* lacks '$want': $(cat "$tmp/err")"
}
expect_usage 'unknown figure "podHour"' "${common[@]}" --minimize podHour
expect_usage '"overloadSecs"' "${common[@]}" --constraint 'overloadSecs<=base'
expect_usage 'unknown parameter "target.cpux"' "${common[@]:0:8}" --space 'target.cpux=1:2'
expect_usage 'step 0 must be positive' "${common[@]:0:8}" --space 'down.window=0:600:0'

# 5. an infeasible constraint says so and names the closest candidate
if "$HPA_ENGINE" tune "${common[@]}" --constraint 'podHours<=1' --out "$tmp/inf.yaml" --quiet 2>"$tmp/err"; then
    fail "infeasible constraint accepted"
fi
grep -q "no candidate met the constraints" "$tmp/err" || fail "infeasible message: $(cat "$tmp/err")"
grep -q "the closest is #" "$tmp/err" || fail "no closest candidate: $(cat "$tmp/err")"
grep -q "WARNING: no candidate met the constraints" "$tmp/inf.yaml" || fail "manifest header lacks the warning"
"$HPA_ENGINE" validate "$tmp/inf.yaml" || fail "closest manifest does not validate"
echo "test_tune.sh: ok"
