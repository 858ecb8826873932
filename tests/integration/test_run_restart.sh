#!/bin/sh
# test_run_restart.sh - one `hpa-engine run` (no leader election) against
# sim-server (HTTPS, token), stopped with SIGTERM in the middle of a 20 s
# scale-down stabilization window and started again: the second process
# restores the state the first persisted in the HPA annotation and scales
# down only once the window has passed since the first process's last high
# recommendation (the built-in controller, which keeps the state in memory,
# would scale down at its first sync after a restart).
# Demand: 200 requests/s for simulated 0..120 s (real 0..12 s at --speed
# 10), then 10 requests/s. About 40 s.
set -u
E=${HPA_ENGINE:?set HPA_ENGINE}
T=$(mktemp -d)
SIM=""; A=""
cleanup() {
    for p in $A $SIM; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    [ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
fail=0; pass=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
TOKEN="restart-$$-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"

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
      stabilizationWindowSeconds: 20
      policies: [{type: Percent, value: 100, periodSeconds: 15}]
YAML
awk 'BEGIN { print "time_s,value"; for (t = 0; t <= 3000; t += 15) print t "," (t < 120 ? 12000 : 600) }' >"$T/drop.csv"

"$E" sim-server --policy "$T/hpa.yaml" --trace "$T/drop.csv" --listen 127.0.0.1:0 --speed 10 \
    --kubeconfig-out "$T/kc" --tls --token "$TOKEN" --seed 9 >"$T/sim.out" 2>"$T/sim.err" &
SIM=$!
i=0
while ! grep -q '^listening on' "$T/sim.out" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
URL=$(sed -n 's/^listening on //p' "$T/sim.out")
[ -n "$URL" ] && [ -s "$T/kc" ] || { echo "sim-server did not start:"; cat "$T/sim.err"; exit 1; }
T0=$(python3 -c 'import time; print(time.time())')
python3 - "$T/kc" >"$T/ca.pem" <<'PY'
import base64, re, sys
print(base64.b64decode(re.search(r'certificate-authority-data: (\S+)', open(sys.argv[1]).read()).group(1)).decode())
PY
api() { curl -sS --max-time 5 --cacert "$T/ca.pem" -H "Authorization: Bearer $TOKEN" "$URL$1"; }
replicas() { api /apis/apps/v1/namespaces/default/deployments/python-app/scale |
    python3 -c "import json,sys; print(json.load(sys.stdin)['spec']['replicas'])" 2>/dev/null; }
health_port() {
    i=0
    while [ $i -lt 50 ]; do
        p=$(sed -n 's/.*health server listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$1" | head -1)
        [ -n "$p" ] && { echo "$p"; return; }
        sleep 0.1; i=$((i + 1))
    done
}
until_t() { python3 -c "import time; d = $T0 + $1 - time.time(); time.sleep(d if d > 0 else 0)"; }
run() {   # name
    mkdir -p "$T/snap-$1"
    "$E" run --kubeconfig "$T/kc" --hpa-source cluster --sync-period 1s --health-addr 127.0.0.1:0 \
        --snapshot-dir "$T/snap-$1" --log-format json 2>"$T/$1.log" &
}
run first; A=$!
until_t 16
r1=$(replicas)
kill -TERM $A; wait $A; rc=$?; A=""
[ $rc -eq 0 ] && ok "first process: SIGTERM exits 0" || bad "first process: SIGTERM exit $rc"
grep -q '"rescaled 2 -> ' "$T/first.log" && [ "${r1:-0}" -gt 2 ] && ok "first process scaled up to $r1" ||
    bad "first process did not scale up (replicas $r1)"
run second; A=$!
i=0
while ! grep -q '"rescaled [0-9]* -> 2' "$T/second.log" && [ $i -lt 200 ]; do
    python3 -c "import time,sys; sys.exit(0 if time.time() - $T0 < 42 else 1)" || break
    sleep 0.2; i=$((i + 1))
done
grep -q '"restored state: [1-9]' "$T/second.log" && ok "second process restored the persisted state" || bad "no state restored"
python3 - "$T/snap-first" "$T/snap-second" <<'PY' && ok "the scale-down kept waiting across the restart" || bad "the window was forgotten"
import glob, json, os, sys, datetime
def ts(s):
    base, _, frac = s.rstrip("Z").partition(".")
    return datetime.datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc).timestamp() + (float("0." + frac) if frac else 0)
def rows(d):
    out = []
    for f in glob.glob(os.path.join(d, "*[0-9].json")):
        s, dec = json.load(open(f)), json.load(open(f + ".decision.json"))
        prop = max((p["replicas"] for p in dec.get("metricProposals", [])), default=0)
        out.append((ts(s["now"]), dec["currentReplicas"], dec["desiredReplicas"], dec["rescale"], prop))
    return sorted(out)
old, new = rows(sys.argv[1]), rows(sys.argv[2])
high = [r[0] for r in old if r[4] > 2]
downs = [r for r in new if r[3] and r[2] < r[1]]
if not high or not new or not downs:
    print("     first high:", len(high), "second decisions:", len(new), "scale-downs:", len(downs)); sys.exit(1)
gap = downs[0][0] - max(high)
first = new[0][0] - max(high)
print(f"     restarted process: first sync {first:.1f}s, scale-down {gap:.1f}s after the last high recommendation")
sys.exit(0 if gap >= 20 - 0.001 and first < 20 and new[0][4] <= 2 else 1)
PY
kill -TERM $A; wait $A; rc=$?; A=""
[ $rc -eq 0 ] && ok "second process: SIGTERM exits 0" || bad "second process: SIGTERM exit $rc"
echo "test_run_restart: $pass passed, $fail failed"
exit $((fail > 0))
