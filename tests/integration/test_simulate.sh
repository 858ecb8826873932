#!/bin/sh
# test_simulate.sh - `hpa-engine simulate` end to end: the summary keys, the
# outputs, byte-identical reruns, compare and fleet modes (independent of
# the thread count), and errors that name the file and line.
set -u
ENGINE=${HPA_ENGINE:-$(pwd)/build/hpa-engine}
cd "$(dirname "$0")/../.."
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
ok() { echo "ok   - $1"; }
bad() { echo "FAIL - $1"; fails=$((fails + 1)); }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

WC=sim/traces/worldcup98_requests_per_min.csv
DAY="--from 5875200 --to 5961600 --load-scale 0.4"

# 1. a single run: table, JSON with the documented keys, CSV, HTML
"$ENGINE" simulate --policy policies/python-app-hpa.yaml --trace $WC $DAY --seed 4 \
	--json "$TMP/a.json" --csv "$TMP/a.csv" --report "$TMP/a.html" >"$TMP/a.out" 2>"$TMP/a.err"
check "single run exits 0" "[ $? -eq 0 ]"
check "table printed" "grep -q '^python-app-hpa ' '$TMP/a.out'"
for k in podSeconds podHours overloadSeconds unservedFraction utilization mean p50 p95 p99 \
	scaleUps scaleDowns flaps minReplicas maxReplicas reactionSeconds responseTime; do
	check "JSON has \"$k\"" "grep -q '\"$k\":' '$TMP/a.json'"
done
check "CSV header" "head -1 '$TMP/a.csv' | grep -q '^time_s,demand_rps,desired,ready,total_pods,utilization_seen_pct,capacity_rps,unserved_rps'"
check "CSV has a row per 15 s (5760 + header)" "[ \$(wc -l < '$TMP/a.csv') -eq 5761 ]"
check "HTML has three SVG plots" "[ \$(grep -c '<svg ' '$TMP/a.html') -eq 3 ]"
check "HTML needs no network" "! grep -Eq 'https?://|<script|<link' '$TMP/a.html'"

# 2. the same inputs and seed give the same bytes
"$ENGINE" simulate --policy policies/python-app-hpa.yaml --trace $WC $DAY --seed 4 \
	--json "$TMP/b.json" --csv "$TMP/b.csv" --report "$TMP/b.html" >/dev/null 2>&1
for f in json csv html; do
	check "rerun: identical $f" "cmp -s '$TMP/a.$f' '$TMP/b.$f'"
done

# 3. compare mode: one table, one JSON with a run per policy
"$ENGINE" simulate --policy policies/python-app-hpa.yaml --policy policies/default-behavior.yaml \
	--trace $WC $DAY --json "$TMP/c.json" --report "$TMP/c.html" >"$TMP/c.out" 2>&1
check "compare exits 0" "[ $? -eq 0 ]"
check "compare table has both policies" "grep -q '^python-app-hpa ' '$TMP/c.out' && grep -q '^default-behavior ' '$TMP/c.out'"
check "compare JSON mode" "grep -q '\"mode\": \"compare\"' '$TMP/c.json'"
check "compare JSON has two runs" "[ \$(grep -c '\"podSeconds\"' '$TMP/c.json') -eq 2 ]"
check "compare report has the summary table" "grep -q '<table id=\"summary\">' '$TMP/c.html'"

# 4. fleet: same results with 1 and 2 threads
"$ENGINE" simulate --scenario sim/scenarios/fleet-example.yaml --threads 1 --json "$TMP/f1.json" --quiet
"$ENGINE" simulate --scenario sim/scenarios/fleet-example.yaml --threads 2 --json "$TMP/f2.json" --quiet
check "fleet: identical with 1 and 2 threads" "cmp -s '$TMP/f1.json' '$TMP/f2.json'"
check "fleet JSON has a total" "grep -q '\"total\"' '$TMP/f1.json'"
check "fleet JSON has four runs" "[ \$(grep -c '\"name\"' '$TMP/f1.json') -eq 4 ]"

# 5. a CPU trace through a scenario
"$ENGINE" simulate --scenario sim/scenarios/alibaba-cpu.yaml --json "$TMP/cpu.json" --quiet
check "cpu scenario runs" "[ $? -eq 0 ] && grep -q '\"scaleUps\"' '$TMP/cpu.json'"

# 6. errors
printf 'time_s,value\n0,10\n60,20\n30,5\n' >"$TMP/bad.csv"
"$ENGINE" simulate --policy policies/python-app-hpa.yaml --trace "$TMP/bad.csv" >/dev/null 2>"$TMP/e1"
rc=$?
check "non-monotonic trace: exit 2" "[ $rc -eq 2 ]"
check "non-monotonic trace: file and line" "grep -q 'bad.csv:4: .*does not increase' '$TMP/e1'"
printf 'time_s,value\n0,10\n60,NaN\n' >"$TMP/nan.csv"
"$ENGINE" simulate --policy policies/python-app-hpa.yaml --trace "$TMP/nan.csv" >/dev/null 2>"$TMP/e2"
check "NaN trace: file and line" "grep -q 'nan.csv:3: ' '$TMP/e2'"
: >"$TMP/empty.csv"
"$ENGINE" simulate --policy policies/python-app-hpa.yaml --trace "$TMP/empty.csv" >/dev/null 2>"$TMP/e3"
check "empty trace: named" "grep -q 'empty.csv:1: .*no data rows' '$TMP/e3'"
"$ENGINE" simulate --trace $WC >/dev/null 2>&1
check "no policy: usage error" "[ $? -eq 2 ]"
printf 'policy: ../p.yaml\nmodel:\n  startupp: 5s\n' >"$TMP/s.yaml"
"$ENGINE" simulate --scenario "$TMP/s.yaml" --trace $WC >/dev/null 2>"$TMP/e4"
check "scenario typo: file, line and path" "grep -q 's.yaml:3:.*model.startupp' '$TMP/e4'"
printf 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: x}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: x}\n  minReplicas: 5\n  maxReplicas: 2\n' >"$TMP/p.yaml"
"$ENGINE" simulate --policy "$TMP/p.yaml" --trace $WC >/dev/null 2>"$TMP/e5"
check "invalid policy: named" "[ $? -eq 2 ] && grep -q 'p.yaml:' '$TMP/e5'"

if [ $fails -ne 0 ]; then
	echo "test_simulate: $fails failure(s)"
	exit 1
fi
echo "test_simulate: all passed"
