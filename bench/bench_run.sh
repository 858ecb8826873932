#!/bin/sh
# bench_run.sh - `hpa-engine run` against sim-server with N HPAs (one
# Deployment each) at a 15 s sync: reconciles/s, p99 reconcile latency
# (from the /metrics histogram), daemon CPU time and peak RSS
# (/usr/bin/time -v). N = 1000 and 5000; BENCH_SECONDS (default 45).
set -u
E=${HPA_ENGINE:?set HPA_ENGINE}
SECS=${BENCH_SECONDS:-45}
T=$(mktemp -d)
trap 'kill $SIM 2>/dev/null; rm -rf "$T"' EXIT
for N in 1000 5000; do
    rm -f "$T/kc"
    "$E" sim-server --listen 127.0.0.1:0 --kubeconfig-out "$T/kc" --workloads $N --hpas 2>"$T/sim.log" &
    SIM=$!
    i=0; while [ ! -s "$T/kc" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done
    PORT=$(( 30000 + $$ % 20000 ))
    /usr/bin/time -v -o "$T/time" "$E" run --kubeconfig "$T/kc" --hpa-source cluster --qps 0 \
        --health-addr 127.0.0.1:$PORT --log-level warn --state-store none 2>"$T/run.log" &
    D=$!
    sleep "$SECS"
    curl -s "http://127.0.0.1:$PORT/metrics" >"$T/m"
    kill -TERM $D; wait $D
    kill $SIM; wait $SIM 2>/dev/null
    python3 - "$T/m" "$T/time" "$N" "$SECS" <<'PY'
import re, sys
m = open(sys.argv[1]).read(); t = open(sys.argv[2]).read(); n, secs = int(sys.argv[3]), float(sys.argv[4])
total = sum(float(v) for v in re.findall(r'^hpa_engine_reconciles_total\{[^}]*\} (\S+)', m, re.M))
b = [(float('inf') if le == '+Inf' else float(le), float(c)) for le, c in
     re.findall(r'^hpa_engine_reconcile_duration_seconds_bucket\{le="([^"]+)"\} (\S+)', m, re.M)]
cnt = b[-1][1] if b else 0
p99 = next((le for le, c in b if cnt and c >= 0.99 * cnt), float('nan'))
cpu = sum(float(x) for x in re.findall(r'(?:User|System) time \(seconds\): (\S+)', t))
rss = int(re.search(r'Maximum resident set size \(kbytes\): (\d+)', t).group(1)) / 1024
print(f"bench_run N={n}: {total/secs:.1f} reconciles/s (ideal {n/15:.1f}), p99 <= {p99}s, "
      f"CPU {cpu:.1f}s over {secs:.0f}s ({100*cpu/secs:.0f}% of a core), peak RSS {rss:.1f} MB")
PY
done
