#!/usr/bin/env bash
# Requests per second `hpa-engine sim-server` answers over keep-alive on
# loopback (wrk): a list of 100 pods, and a Scale GET.
set -euo pipefail
HPA_ENGINE=${HPA_ENGINE:-$(cd "$(dirname "$0")/.." && pwd)/build/hpa-engine}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
command -v wrk >/dev/null 2>&1 || apt-get install -y wrk >/dev/null 2>&1 || true
command -v wrk >/dev/null 2>&1 || { echo "bench_sim_server: wrk is not installed (apt-get install -y wrk)"; exit 1; }
TMP=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
# 50 workloads at minReplicas 2 = 100 pods
sed 's/minReplicas: 3/minReplicas: 2/' "$ROOT/policies/python-app-hpa.yaml" >"$TMP/p.yaml"
"$HPA_ENGINE" sim-server --policy "$TMP/p.yaml" --trace "$ROOT/sim/traces/nasa_jul95_requests_per_min.csv" \
    --workloads 50 --port 0 --token bench >"$TMP/out" 2>"$TMP/err" &
PID=$!
for _ in $(seq 100); do grep -q '^listening on' "$TMP/out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$TMP/out")
n=$(curl -s -H 'Authorization: Bearer bench' "$URL/api/v1/pods" | grep -o '"kind":"Pod"' | wc -l)
run() {
    local name=$1 path=$2 rps
    rps=$(wrk -t2 -c16 -d3s -H 'Authorization: Bearer bench' "$URL$path" | awk '/Requests\/sec/ {print $2}')
    printf 'sim-server %-28s %10s requests/s\n' "$name" "$rps"
}
echo "sim-server bench: $n pods, wrk -t2 -c16 -d3s, keep-alive, plain HTTP on loopback"
run "pod list ($n pods)" /api/v1/pods
run "scale GET" /apis/apps/v1/namespaces/default/deployments/python-app-0/scale
