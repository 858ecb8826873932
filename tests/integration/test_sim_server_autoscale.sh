#!/usr/bin/env bash
# `hpa-engine sim-server --autoscale`: the engine's controller loop inside the
# server scales the Deployment up when the load steps up, and writes what it
# did into the HPA's status and into v1 Events, as kube-controller-manager.
set -euo pipefail
. "$(dirname "$0")/lib/simserver.sh"
plain_test_init
jq_py() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# quiet for two minutes, then a hundred times the load
printf 'time_s,value\n0,600\n60,600\n120,60000\n3600,60000\n' >"$TMP/step.csv"
plain_start --trace "$TMP/step.csv" --autoscale --speed 30
[ -n "$URL" ] || { echo "FAIL: the server did not start"; cat "$TMP/err"; exit 1; }
HPA="$URL/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/python-app-hpa"
SCALE="$URL/apis/apps/v1/namespaces/default/deployments/python-app/scale"

sleep 2      # 60 simulated seconds of low load: the controller holds at minReplicas
[ "$(curl -s "$SCALE" | jq_py 'd["spec"]["replicas"]')" = 3 ] && ok "low load: 3 replicas" || bad "low load replicas"
st=$(curl -s "$HPA")
echo "$st" | jq_py 'd["status"]["currentMetrics"][0]["resource"]["current"]["averageUtilization"]' | grep -qE '^[0-9]+$' &&
    ok "status.currentMetrics written" || { bad "no currentMetrics"; echo "$st"; }

reps=3
for _ in $(seq 60); do
    reps=$(curl -s "$SCALE" | jq_py 'd["spec"]["replicas"]')
    [ "$reps" -ge 10 ] && break
    sleep 0.25
done
[ "$reps" = 10 ] && ok "the load step scales up to maxReplicas (10)" || bad "replicas after the step: $reps"
st=$(curl -s "$HPA")
echo "$st" | jq_py 'd["status"]["desiredReplicas"]' | grep -qx 10 && ok "status.desiredReplicas 10" || { bad "desired"; echo "$st"; }
echo "$st" | jq_py '"lastScaleTime" in d["status"]' | grep -qx True && ok "status.lastScaleTime set" || bad "no lastScaleTime"
echo "$st" | jq_py '[c["reason"] for c in d["status"]["conditions"] if c["type"]=="ScalingLimited"][0]' |
    grep -qx TooManyReplicas && ok "condition ScalingLimited: TooManyReplicas" || { bad "conditions"; echo "$st"; }

ev=$(curl -s "$URL/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dpython-app-hpa")
n=$(echo "$ev" | jq_py 'len([e for e in d["items"] if e["reason"]=="SuccessfulRescale"])')
[ "$n" -ge 2 ] && ok "SuccessfulRescale events ($n)" || { bad "events: $n"; echo "$ev"; }
echo "$ev" | jq_py 'd["items"][-1]["message"]' | grep -q '^New size: 10; reason: cpu resource utilization' &&
    ok "the last event: New size: 10 (cpu)" || { bad "event message"; echo "$ev"; }
echo "$ev" | jq_py 'd["items"][0]["source"]["component"]' | grep -qx horizontal-pod-autoscaler &&
    ok "events come from horizontal-pod-autoscaler" || bad "event source"
ready=$(curl -s "$URL/api/v1/namespaces/default/pods?fieldSelector=status.phase%3DRunning" | jq_py 'len(d["items"])')
[ "$ready" -ge 3 ] && ok "pods follow the new replicas ($ready running)" || bad "running pods $ready"

kill -TERM "$PID"; rc=0; wait "$PID" || rc=$?; PID=
[ "$rc" = 0 ] && ok "SIGTERM: exit 0" || bad "exit $rc"
echo "sim_server_autoscale: $pass passed, $fail failed"
[ "$fail" = 0 ]
