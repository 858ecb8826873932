#!/bin/sh
# test_run_faults.sh - `hpa-engine run` against a misbehaving API server
# (sim-server --faults over HTTPS with a token): 500s, 429s with
# Retry-After, hung requests (the daemon's --request-timeout 2s), reset
# connections, stale and missing pod metrics, and a 2-minute (simulated;
# 12 s real at --speed 10) outage where every request is 503. The demand is
# constant, the scale-down stabilization window 0: any decision made on bad
# data would show as a scale-down. The daemon must never crash, never
# scale on missing data (no rescale during the outage, never below the
# level it reached), stay within [min, max], send fewer requests during
# the outage than before it (backoff), and reconcile successfully again
# once the API is back. About 40 s.
set -u
E=${HPA_ENGINE:?set HPA_ENGINE}
T=$(mktemp -d)
SIM=""; D=""
cleanup() {
    for p in $D $SIM; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    [ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail=0; pass=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
TOKEN="faults-$$-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"

cat >"$T/hpa.yaml" <<'YAML'
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: python-app-hpa, namespace: default}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: python-app}
  minReplicas: 2
  maxReplicas: 8
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
  behavior:
    scaleUp:
      stabilizationWindowSeconds: 0
      policies: [{type: Pods, value: 2, periodSeconds: 5}]
    scaleDown:
      stabilizationWindowSeconds: 0
YAML
# a constant 200 requests/s: 4 pods at 54 % of the CPU request
awk 'BEGIN { print "time_s,value"; for (t = 0; t <= 3000; t += 15) print t ",12000" }' >"$T/flat.csv"
FAULTS="500:0.05,429:0.05:retry-after=1,hang:0.02,reset:0.03,stale-metrics:0.1:30m,missing-metrics:0.3,outage:100s-220s"

start_sim() {   # extra sim-server args...
    "$E" sim-server --policy "$T/hpa.yaml" --trace "$T/flat.csv" --listen 127.0.0.1:0 \
        --kubeconfig-out "$T/kc" --tls --token "$TOKEN" --seed 5 "$@" >"$T/sim.out" 2>"$T/sim.err" &
    SIM=$!
    i=0
    while ! grep -q '^listening on' "$T/sim.out" 2>/dev/null && [ $i -lt 100 ]; do
        sleep 0.1; i=$((i + 1))
    done
    URL=$(sed -n 's/^listening on //p' "$T/sim.out")
    [ -n "$URL" ] && [ -s "$T/kc" ] || { echo "sim-server did not start:"; cat "$T/sim.err"; exit 1; }
}
health_port() {   # log file
    i=0
    while [ $i -lt 50 ]; do
        p=$(sed -n 's/.*health server listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$1" | head -1)
        [ -n "$p" ] && { echo "$p"; return; }
        sleep 0.1; i=$((i + 1))
    done
}
attempts() { curl -s "http://127.0.0.1:$HP/metrics" | awk '/^hpa_engine_api_requests_total\{/ { s += $2 } END { print s + 0 }'; }
successes() { curl -s "http://127.0.0.1:$HP/metrics" | awk '/^hpa_engine_reconciles_total\{result="success"\}/ { print $2 + 0 }'; }
until_t() {   # sleep until T0 + $1 seconds
    python3 -c "import time; d = $T0 + $1 - time.time(); time.sleep(d if d > 0 else 0)"
}

start_sim --speed 10 --faults "$FAULTS"
T0=$(python3 -c 'import time; print(time.time())')
mkdir "$T/snap"
"$E" run --kubeconfig "$T/kc" --hpa-source cluster --sync-period 1s --health-addr 127.0.0.1:0 \
    --request-timeout 2s --snapshot-dir "$T/snap" --log-format json >"$T/run.out" 2>"$T/run.err" &
D=$!
HP=$(health_port "$T/run.err")
[ -n "$HP" ] && ok "health server on port $HP" || bad "no health port in the log"
until_t 3;  a3=$(attempts)
until_t 10; a10=$(attempts)          # the outage: simulated 100 s .. 220 s = real 10 s .. 22 s
until_t 22; a22=$(attempts); s22=$(successes)
until_t 33; s33=$(successes)
kill -0 $D 2>/dev/null && ok "alive after the faults" || bad "the daemon died"
before=$(python3 -c "print(round(($a10 - $a3) / 7, 1))")
during=$(python3 -c "print(round(($a22 - $a10) / 12, 1))")
python3 -c "import sys; sys.exit(0 if $during < $before else 1)" &&
    ok "backs off: $during attempts/s during the outage, $before before" ||
    bad "no backoff: $during attempts/s during the outage, $before before"
[ $((s33 - s22)) -ge 5 ] && ok "converges: $((s33 - s22)) successful reconciles after the outage" ||
    bad "only $((s33 - s22)) successful reconciles after the outage"
curl -s "http://127.0.0.1:$HP/metrics" >"$T/metrics"
grep -q '^hpa_engine_api_requests_total{verb="GET",code="503"} [1-9]' "$T/metrics" &&
    grep -Eq '^hpa_engine_api_requests_total\{verb="[A-Z]+",code="(500|429|error)"\} [1-9]' "$T/metrics" &&
    ok "/metrics counts attempts: 503s and other failures" || bad "/metrics attempts by code"
kill -TERM $D; wait $D; rc=$?; D=""
[ $rc -eq 0 ] && ok "SIGTERM exits 0" || bad "SIGTERM exit $rc"

python3 - "$T/run.err" "$T0" <<'PY' && ok "no rescale during the outage, never down, within [2, 8]" || bad "rescaled on missing data"
import json, re, sys, datetime
def ts(s):
    base, _, frac = s.rstrip("Z").partition(".")
    return datetime.datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc).timestamp() + (float("0." + frac) if frac else 0)
t0 = float(sys.argv[2]); okk = True; ev = []; held = 0
for line in open(sys.argv[1]):
    try: o = json.loads(line)
    except ValueError: continue
    t = ts(o["ts"]) - t0
    if o.get("msg", "").startswith("sync held"): held += 1
    m = re.match(r"rescaled (\d+) -> (\d+)", o.get("msg", ""))
    if not m: continue
    a, b = int(m.group(1)), int(m.group(2)); ev.append(f"{a}->{b}@{t:.1f}s")
    if not 2 <= b <= 8 or b < a or 10.5 <= t <= 22: okk = False
print("     rescales:", ", ".join(ev), f"; {held} syncs held")
sys.exit(0 if okk and ev and held > 0 else 1)
PY
n=0; diff=0
for s in "$T"/snap/*[0-9].json; do
    [ -f "$s" ] || continue
    n=$((n + 1))
    "$E" recommend "$s" >"$T/rec.json" 2>/dev/null &&
        python3 -c "import json,sys; sys.exit(0 if json.load(open(sys.argv[1])) == json.load(open(sys.argv[2])) else 1)" \
            "$T/rec.json" "$s.decision.json" || diff=$((diff + 1))
done
[ $n -ge 10 ] && [ $diff -eq 0 ] && ok "$n decisions under faults replay through recommend" || bad "$diff of $n snapshots differ"
if grep -q "$TOKEN" "$T/run.err"; then bad "token in the log"; else ok "no token in the log"; fi
echo "test_run_faults: $pass passed, $fail failed"
exit $((fail > 0))
