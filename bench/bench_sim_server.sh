#!/usr/bin/env bash
# Requests per second `hpa-engine sim-server` answers over keep-alive on
# loopback (wrk): a list of 100 pods, and a Scale GET; then, with 5,000
# workloads, the three requests of one controller sync (Scale GET, pod list
# and PodMetrics list by labelSelector) and the server's CPU while idle.
set -euo pipefail
HPA_ENGINE=${HPA_ENGINE:-$(cd "$(dirname "$0")/.." && pwd)/build/hpa-engine}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
command -v wrk >/dev/null 2>&1 || apt-get install -y wrk >/dev/null 2>&1 || true
command -v wrk >/dev/null 2>&1 || { echo "bench_sim_server: wrk is not installed (apt-get install -y wrk)"; exit 1; }
TMP=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
# minReplicas 2: 50 workloads = 100 pods
sed 's/minReplicas: 3/minReplicas: 2/' "$ROOT/policies/python-app-hpa.yaml" >"$TMP/p.yaml"
start() {
    "$HPA_ENGINE" sim-server --policy "$TMP/p.yaml" --trace "$ROOT/sim/traces/nasa_jul95_requests_per_min.csv" \
        --workloads "$1" --port 0 --token bench >"$TMP/out" 2>"$TMP/err" &
    PID=$!
    for _ in $(seq 300); do grep -q '^listening on' "$TMP/out" 2>/dev/null && break; sleep 0.1; done
    URL=$(sed -n 's/^listening on //p' "$TMP/out")
}
stop() { kill "$PID"; wait "$PID" 2>/dev/null || true; PID=; }
run() {
    local name=$1 path=$2 rps
    rps=$(wrk -t2 -c16 -d3s -H 'Authorization: Bearer bench' "$URL$path" | awk '/Requests\/sec/ {print $2}')
    printf 'sim-server %-40s %10s requests/s\n' "$name" "$rps"
}
start 50
n=$(curl -s -H 'Authorization: Bearer bench' "$URL/api/v1/pods" | grep -o '"kind":"Pod"' | wc -l)
echo "sim-server bench: $n pods, wrk -t2 -c16 -d3s, keep-alive, plain HTTP on loopback"
run "pod list ($n pods)" /api/v1/pods
run "scale GET" /apis/apps/v1/namespaces/default/deployments/python-app-0/scale
stop

t0=$(date +%s.%N)
start 5000
printf 'sim-server %-40s %10.2f s\n' "start with 5000 workloads" "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {print b - a}')"
sel='labelSelector=app%3Dpython-app-4321'
run "5000 workloads: scale GET" /apis/apps/v1/namespaces/default/deployments/python-app-4321/scale
run "5000 workloads: pod list by selector" "/api/v1/namespaces/default/pods?$sel"
run "5000 workloads: PodMetrics by selector" "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?$sel"
hz=$(getconf CLK_TCK)
c0=$(awk '{print $14 + $15}' "/proc/$PID/stat"); sleep 5; c1=$(awk '{print $14 + $15}' "/proc/$PID/stat")
printf 'sim-server %-40s %10.1f %% of a core (clock ticks, speed 1)\n' "5000 workloads idle" \
    "$(awk -v a="$c0" -v b="$c1" -v hz="$hz" 'BEGIN {print (b - a) * 100 / (hz * 5)}')"
printf 'sim-server %-40s %10s MB\n' "5000 workloads RSS" "$(($(awk '/VmRSS/ {print $2}' "/proc/$PID/status") / 1024))"
