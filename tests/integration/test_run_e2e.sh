#!/bin/sh
# test_run_e2e.sh - `hpa-engine run` end to end against `hpa-engine
# sim-server` over HTTPS with a bearer token, on a step in demand:
#   - a --once --dry-run pass prints its summary and writes nothing;
#   - the running daemon scales the Deployment up, never faster than the
#     scale-up policy (2 pods per 5 s), and back down only after the 10 s
#     scale-down stabilization window, never above maxReplicas;
#   - the HPA status (read with curl) and the Events say why; the state is
#     persisted in the HPA's annotation; /metrics shows the decision;
#   - every dumped snapshot, replayed through `hpa-engine recommend`, gives
#     the decision the daemon made;
#   - SIGTERM exits 0; the token never appears in a log.
# Time: the sim runs 15x faster than the wall clock (the daemon's windows
# are wall-clock time): the step up is at simulated 45 s (3 s real), the
# step down at simulated 330 s (22 s real). About 40 s in all.
set -u
. "$(dirname "$0")/lib/simserver.sh"
daemon_test_init e2e

write_policy 10 '[{type: Percent, value: 100, periodSeconds: 15}]'
# requests per minute, one row per 15 s (sim-server resamples on the median
# interval): 10 rps, 400 rps from 45 s to 330 s, then 10 rps
awk 'BEGIN { print "time_s,value"; for (t = 0; t <= 3000; t += 15) print t "," ((t >= 45 && t < 330) ? 24000 : 600) }' \
    >"$T/step.csv"

start_sim --trace "$T/step.csv" --seed 3 --speed 15

# 1. --once --dry-run: a summary, nothing written
"$E" run --kubeconfig "$T/kc" --hpa-source cluster --once --dry-run --log-format json \
    >"$T/once.out" 2>"$T/once.err"; rc=$?
[ $rc -eq 0 ] && ok "--once exits 0" || { bad "--once exit $rc"; tail -5 "$T/once.err"; }
grep -q "^hpa-engine run --once: 1 HPA(s), 1 decided, 0 rescaled, 0 failed (dry-run)$" "$T/once.out" \
    && ok "--once summary" || bad "--once summary: $(cat "$T/once.out")"
api /apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/python-app-hpa >"$T/hpa0.json"
python3 -c "import json,sys; h=json.load(open(sys.argv[1])); sys.exit(0 if 'hpa-engine.io/state' not in h['metadata'].get('annotations',{}) else 1)" \
    "$T/hpa0.json" && ok "--dry-run persisted nothing" || bad "--dry-run wrote the state annotation"

# 2. the daemon through the step
mkdir "$T/snap"
"$E" run --kubeconfig "$T/kc" --hpa-source cluster --sync-period 1s --health-addr 127.0.0.1:0 \
    --snapshot-dir "$T/snap" --log-format json >"$T/run.out" 2>"$T/run.err" &
D=$!
HP=$(health_port "$T/run.err")
[ -n "$HP" ] && ok "health server on port $HP" || bad "no health port in the log"
# wait for the scale-up (by 20 s real), then for the scale-down (by 45 s)
up=0; down=0
while :; do
    now=$(date +%s.%N)
    el=$(python3 -c "print(int($now - $T0))")
    r=$(replicas)
    [ -n "$r" ] && [ "$r" -ge 4 ] && [ $up -eq 0 ] && { up=$el; cp /dev/null "$T/up";
        api /apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/python-app-hpa >"$T/hpa_up.json"; }
    [ $up -gt 0 ] && [ -n "$r" ] && [ "$r" -eq 2 ] && { down=$el; break; }
    [ "$el" -ge 48 ] && break
    kill -0 $D 2>/dev/null || break
    sleep 0.5
done
[ $up -gt 0 ] && ok "scaled up (at ${up}s)" || bad "no scale-up"
[ $down -gt 0 ] && ok "scaled back down to minReplicas (at ${down}s)" || bad "no scale-down (replicas $r)"
curl -s "http://127.0.0.1:$HP/metrics" >"$T/metrics"
curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HP/readyz" | grep -q 200 && ok "/readyz 200" || bad "/readyz"
api /apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/python-app-hpa >"$T/hpa1.json"
api "/api/v1/namespaces/default/events" >"$T/events.json"
kill -TERM $D; wait $D; rc=$?; D=""
[ $rc -eq 0 ] && ok "SIGTERM exits 0" || bad "SIGTERM exit $rc"

# the rescales the daemon logged: within the policies, within [min, max]
python3 - "$T/run.err" <<'PY' && ok "rescales within [2, 8] and 2 pods per 5 s" || bad "rescales break the policy"
import json, re, sys
from snapshots import ts
ev = []
for line in open(sys.argv[1]):
    try: o = json.loads(line)
    except ValueError: continue
    m = re.match(r"rescaled (\d+) -> (\d+)", o.get("msg", ""))
    if m:
        t = ts(o["ts"])
        ev.append((t, int(m.group(1)), int(m.group(2))))
print("     rescales:", ", ".join(f"{a}->{b}" for _, a, b in ev))
okk = bool(ev)
for t, a, b in ev:
    if not 2 <= b <= 8: okk = False
    if b > a:
        added = sum(y - x for s, x, y in ev if y > x and t - 5 < s <= t)
        if added > 2: print("     more than 2 pods added within 5 s at", t); okk = False
sys.exit(0 if okk else 1)
PY

# the HPA status and the Events say why
python3 - "$T/hpa_up.json" "$T/hpa1.json" <<'PY' && ok "HPA status: replicas, conditions, lastScaleTime" || bad "HPA status"
import json, sys
up, end = json.load(open(sys.argv[1]))["status"], json.load(open(sys.argv[2]))["status"]
cond = {c["type"]: c for c in end.get("conditions", [])}
# the status written with the scale-down: current is what the Scale had
okk = (up.get("desiredReplicas", 0) >= 4 and end.get("desiredReplicas") == 2 and "lastScaleTime" in end
       and cond.get("AbleToScale", {}).get("status") == "True"
       and cond.get("ScalingActive", {}).get("reason") == "ValidMetricFound"
       and any(m.get("resource", {}).get("name") == "cpu" for m in end.get("currentMetrics", [])))
if not okk: print(json.dumps(up), json.dumps(end))
sys.exit(0 if okk else 1)
PY
python3 - "$T/hpa1.json" <<'PY' && ok "state persisted in the HPA annotation" || bad "no persisted state"
import json, sys
h = json.load(open(sys.argv[1]))
s = json.loads(h["metadata"]["annotations"]["hpa-engine.io/state"])
sys.exit(0 if "recommendations" in s and s.get("scaleDownEvents") else 1)
PY
python3 - "$T/events.json" <<'PY' && ok "SuccessfulRescale events above and below target" || bad "events"
import json, sys
ev = [e for e in json.load(open(sys.argv[1]))["items"] if e.get("reason") == "SuccessfulRescale"
      and e["involvedObject"]["kind"] == "HorizontalPodAutoscaler"]
msgs = [e["message"] for e in ev]
print("     events:", msgs)
sys.exit(0 if any("above target" in m for m in msgs) and any("New size: 2; reason: All metrics below target" in m for m in msgs) else 1)
PY
grep -q '^hpa_engine_reconciles_total{result="success"} [1-9]' "$T/metrics" &&
    grep -q '^hpa_engine_desired_replicas{namespace="default",hpa="python-app-hpa"}' "$T/metrics" &&
    grep -q '^hpa_engine_metric_value{namespace="default",hpa="python-app-hpa",metric="cpu"}' "$T/metrics" &&
    grep -q '^hpa_engine_api_requests_total{verb="PUT",code="200"} [1-9]' "$T/metrics" &&
    ok "/metrics: reconciles, replicas, metric values, PUTs" || { bad "/metrics"; head -40 "$T/metrics"; }

# 3. every dumped decision equals `recommend` on its snapshot; the scale-down
#    came no earlier than the 10 s window after the last high recommendation
replay_snapshots -v "$T"/snap/*[0-9].json
[ $n -ge 20 ] && [ $diff -eq 0 ] && ok "$n snapshots replay to the daemon's decisions" || bad "$diff of $n snapshots differ"
python3 - "$T/snap" <<'PY' && ok "scale-down waited for the stabilization window" || bad "stabilization window"
import sys
from snapshots import rows as decisions
rows = decisions(sys.argv[1])
downs = [r for r in rows if r[3] and r[2] < r[1]]
if not downs: print("     no scale-down decision"); sys.exit(1)
t_down = downs[0][0]
high = [r[0] for r in rows if r[0] < t_down and r[4] > 2]
gap = t_down - max(high)
print(f"     scale-down {gap:.1f}s after the last recommendation above 2")
sys.exit(0 if gap >= 10 - 0.001 else 1)
PY
if grep -q "$TOKEN" "$T/run.err" "$T/once.err" "$T/once.out"; then bad "token in the logs"; else ok "no token in the logs"; fi
echo "test_run_e2e: $pass passed, $fail failed"
exit $((fail > 0))
