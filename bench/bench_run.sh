#!/bin/sh
# bench_run.sh - `hpa-engine run` against `hpa-engine sim-server` (HTTPS,
# token) with N HPAs, each with its own Deployment (sim-server --workloads
# N), at the default 15 s sync period. After a warm-up of one period it
# measures, over BENCH_RUN_SECONDS (default 45):
#   - reconciles per second achieved (ideal: N / 15),
#   - the p99 reconcile latency (the daemon's /metrics histogram, bucket
#     upper bound),
#   - the daemon's CPU time (/proc/PID/stat utime + stime) as a share of
#     one core, and its peak RSS (/proc/PID/status VmHWM),
#   - the sim-server's CPU share, reported separately: the server shares
#     the machine with the daemon.
# Sizes: BENCH_RUN_SIZES (default "1000 5000"). Aim: 5,000 HPAs every 15 s
# within one core and under 100 MB RSS.
set -u
E=${HPA_ENGINE:?set HPA_ENGINE}
SIZES=${BENCH_RUN_SIZES:-1000 5000}
SECS=${BENCH_RUN_SECONDS:-45}
WARM=${BENCH_RUN_WARMUP:-15}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d)
SIM=""; D=""
cleanup() {
    for p in $D $SIM; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
TOKEN="bench-$$"
HZ=$(getconf CLK_TCK)
cpu_s() { awk -v hz="$HZ" '{ print ($14 + $15) / hz }' "/proc/$1/stat" 2>/dev/null || echo 0; }
hwm_mb() { awk '/^VmHWM:/ { print $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }
rss_mb() { awk '/^VmRSS:/ { print $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }
now() { date +%s.%N; }

for N in $SIZES; do
    rm -f "$T/kc" "$T/sim.out"
    "$E" sim-server --policy "$ROOT/policies/python-app-hpa.yaml" \
        --trace "$ROOT/sim/traces/nasa_jul95_requests_per_min.csv" --workloads "$N" \
        --listen 127.0.0.1:0 --kubeconfig-out "$T/kc" --tls --token "$TOKEN" >"$T/sim.out" 2>"$T/sim.err" &
    SIM=$!
    i=0
    while ! grep -q '^listening on' "$T/sim.out" 2>/dev/null && [ $i -lt 600 ]; do sleep 0.1; i=$((i + 1)); done
    grep -q '^listening on' "$T/sim.out" || { echo "bench_run N=$N: sim-server did not start"; cat "$T/sim.err"; exit 1; }
    "$E" run --kubeconfig "$T/kc" --hpa-source cluster --qps 0 --health-addr 127.0.0.1:0 \
        --log-level info 2>"$T/run.log" &
    D=$!
    i=0; HP=""
    while [ -z "$HP" ] && [ $i -lt 100 ]; do
        HP=$(sed -n 's/.*health server listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$T/run.log" 2>/dev/null | head -1)
        sleep 0.1; i=$((i + 1))
    done
    sleep "$WARM"
    curl -s "http://127.0.0.1:$HP/metrics" >"$T/m0"
    c0=$(cpu_s $D); s0=$(cpu_s $SIM); t0=$(now)
    sleep "$SECS"
    curl -s "http://127.0.0.1:$HP/metrics" >"$T/m1"
    c1=$(cpu_s $D); s1=$(cpu_s $SIM); t1=$(now)
    hwm=$(hwm_mb $D); rss=$(rss_mb $D); shwm=$(hwm_mb $SIM)
    kill -TERM $D; wait $D; D=""
    kill -TERM $SIM; wait $SIM 2>/dev/null; SIM=""
    python3 - "$T/m0" "$T/m1" "$N" "$t0" "$t1" "$c0" "$c1" "$s0" "$s1" "$hwm" "$rss" "$shwm" <<'PY'
import re, sys
a = sys.argv
m0, m1 = open(a[1]).read(), open(a[2]).read()
n, t0, t1, c0, c1, s0, s1 = int(a[3]), *map(float, a[4:10])
hwm, rss, shwm = map(float, a[10:13])
secs = t1 - t0
def recs(m, res): return sum(float(v) for v in re.findall(r'^hpa_engine_reconciles_total\{result="%s"\} (\S+)' % res, m, re.M))
def hist(m): return [(float("inf") if le == "+Inf" else float(le), float(c)) for le, c in
                      re.findall(r'^hpa_engine_reconcile_duration_seconds_bucket\{le="([^"]+)"\} (\S+)', m, re.M)]
def api(m): return sum(float(v) for v in re.findall(r'^hpa_engine_api_requests_total\{[^}]*\} (\S+)', m, re.M))
ok = recs(m1, "success") - recs(m0, "success"); err = recs(m1, "error") - recs(m0, "error")
h0, h1 = dict(hist(m0)), hist(m1)
b = [(le, c - h0.get(le, 0)) for le, c in h1]
cnt = b[-1][1] if b else 0
p99 = next((le for le, c in b if cnt and c >= 0.99 * cnt), float("nan"))
p50 = next((le for le, c in b if cnt and c >= 0.50 * cnt), float("nan"))
print(f"bench_run N={n}: {(ok + err) / secs:.1f} reconciles/s (ideal {n / 15:.1f}; {err / secs:.1f}/s errors), "
      f"p50 <= {p50}s, p99 <= {p99}s, {(api(m1) - api(m0)) / secs:.0f} API requests/s")
print(f"bench_run N={n}: daemon CPU {c1 - c0:.1f}s over {secs:.0f}s ({100 * (c1 - c0) / secs:.0f}% of a core), "
      f"peak RSS {hwm:.1f} MB (now {rss:.1f} MB); sim-server CPU {100 * (s1 - s0) / secs:.0f}% of a core, "
      f"peak RSS {shwm:.0f} MB")
PY
done
