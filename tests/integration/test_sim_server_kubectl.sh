#!/usr/bin/env bash
# The real kubectl against `hpa-engine sim-server` over HTTPS with a token.
set -euo pipefail
HPA_ENGINE=${HPA_ENGINE:-$(cd "$(dirname "$0")/../.." && pwd)/build/hpa-engine}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
# KUBECTL: the client to test (CI runs this with the machine's kubectl and
# with Debian's kubernetes-client 1.20); default: kubectl on PATH, else
# install Debian's.
if [ -z "${KUBECTL:-}" ]; then
    if ! command -v kubectl >/dev/null 2>&1; then
        apt-get install -y kubectl >/dev/null 2>&1 || apt-get install -y kubernetes-client >/dev/null 2>&1 || true
    fi
    KUBECTL=$(command -v kubectl || true)
fi
[ -n "$KUBECTL" ] && [ -x "$KUBECTL" ] || { echo "FAIL: kubectl is not installed and could not be installed"; exit 1; }
echo "     client: $("$KUBECTL" version --client 2>/dev/null | head -1)"
TMP=$(mktemp -d)
PID=
cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

"$HPA_ENGINE" sim-server --policy "$ROOT/policies/python-app-hpa.yaml" \
    --trace "$ROOT/sim/traces/nasa_jul95_requests_per_min.csv" --listen 127.0.0.1:0 \
    --kubeconfig-out "$TMP/kc" --tls --token s3cr3t-token --speed 10 >"$TMP/out" 2>"$TMP/err" &
PID=$!
for _ in $(seq 50); do grep -q '^listening on https://' "$TMP/out" 2>/dev/null && break; sleep 0.1; done
grep -q '^listening on https://127.0.0.1:' "$TMP/out" && ok "prints the URL" || { bad "no URL"; cat "$TMP/err"; exit 1; }
K=("$KUBECTL" --kubeconfig "$TMP/kc" --request-timeout=10s)

out=$("${K[@]}" get deploy,pods,hpa -A 2>&1) || true
echo "$out" | grep -q 'deployment.apps/python-app' && echo "$out" | grep -q 'pod/python-app-' &&
    echo "$out" | grep -q 'python-app-hpa' && ok "get deploy,pods,hpa -A" || { bad "get -A"; echo "$out"; }

out=$("${K[@]}" get --raw /apis/metrics.k8s.io/v1beta1/namespaces/default/pods 2>&1) || true
echo "$out" | grep -q '"kind":"PodMetricsList"' && echo "$out" | grep -q '"cpu":"' && ok "get --raw pod metrics" ||
    { bad "raw metrics"; echo "$out"; }

out=$("${K[@]}" top pods 2>&1) || true
echo "$out" | grep -q 'CPU(cores)' && echo "$out" | grep -q 'python-app-' && ok "top pods" || { bad "top pods"; echo "$out"; }

out=$("${K[@]}" scale deployment/python-app --replicas=6 2>&1) || true
echo "$out" | grep -q scaled && ok "scale to 6" || { bad "scale"; echo "$out"; }
n=$("${K[@]}" get pods --no-headers 2>/dev/null | grep -c python-app || true)
[ "$n" = 6 ] && ok "6 pods appear" || bad "pods after scale: $n"
"${K[@]}" get pods --no-headers | grep -q '0/1' && ok "new pods start not Ready" || bad "new pods were Ready at once"
ready=0
for _ in $(seq 40); do
    ready=$("${K[@]}" get pods --no-headers 2>/dev/null | grep -c ' 1/1 ' || true)
    [ "$ready" = 6 ] && break
    sleep 0.5
done
[ "$ready" = 6 ] && ok "all 6 Ready after the modelled delays" || bad "ready: $ready"
out=$("${K[@]}" get deploy python-app -o jsonpath='{.spec.replicas}/{.status.readyReplicas}' 2>&1) || true
[ "$out" = "6/6" ] && ok "deployment status 6/6" || bad "deployment status $out"

out=$("${K[@]}" get hpa python-app-hpa -o yaml 2>&1) || true
echo "$out" | grep -q 'kind: HorizontalPodAutoscaler' && echo "$out" | grep -q 'averageUtilization: 70' &&
    ok "get hpa -o yaml" || { bad "hpa yaml"; echo "$out"; }

cat >"$TMP/hpa.yaml" <<'YAML'
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web-hpa
  namespace: default
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: python-app}
  minReplicas: 2
  maxReplicas: 8
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}
YAML
out=$("${K[@]}" apply -f "$TMP/hpa.yaml" 2>&1) || true
echo "$out" | grep -q 'web-hpa created' && ok "apply creates" || { bad "apply"; echo "$out"; }
out=$("${K[@]}" get hpa web-hpa 2>&1) || true
echo "$out" | grep -q 'cpu: <unknown>/60%' && ok "get the new hpa" || { bad "get new hpa"; echo "$out"; }
sed -i 's/maxReplicas: 8/maxReplicas: 9/' "$TMP/hpa.yaml"
out=$("${K[@]}" apply -f "$TMP/hpa.yaml" 2>&1) || true
echo "$out" | grep -q 'web-hpa configured' && ok "apply updates" || { bad "apply update"; echo "$out"; }
[ "$("${K[@]}" get hpa web-hpa -o jsonpath='{.spec.maxReplicas}')" = 9 ] && ok "update applied" || bad "maxReplicas"
# kubectl validates against the served OpenAPI: an unknown field is refused
# on the client, as against a real API server
sed 's/^  maxReplicas: 9/  maxReplicas: 9\n  maxReplica: 9/' "$TMP/hpa.yaml" >"$TMP/bad.yaml"
out=$("${K[@]}" apply -f "$TMP/bad.yaml" 2>&1) && rc=0 || rc=$?
[ "$rc" != 0 ] && echo "$out" | grep -q 'unknown field "maxReplica"' && ok "apply: unknown field rejected" ||
    { bad "unknown field accepted"; echo "$out"; }
out=$("${K[@]}" delete hpa web-hpa 2>&1) || true
echo "$out" | grep -q deleted && ok "delete hpa" || { bad "delete"; echo "$out"; }

out=$("$KUBECTL" --kubeconfig "$TMP/kc" --token wrong-token get pods 2>&1) && rc=0 || rc=$?
[ "$rc" != 0 ] && echo "$out" | grep -q Unauthorized && ok "wrong token: Unauthorized" || { bad "wrong token"; echo "$out"; }
grep -q s3cr3t-token "$TMP/out" "$TMP/err" && bad "token printed" || ok "token not printed"
[ "$(stat -c %a "$TMP/kc")" = 600 ] && ok "kubeconfig mode 0600" || bad "kubeconfig mode"

kill -TERM "$PID"; rc=0; wait "$PID" || rc=$?; PID=
[ "$rc" = 0 ] && ok "SIGTERM: exit 0" || bad "exit $rc"
echo "sim_server_kubectl: $pass passed, $fail failed"
[ "$fail" = 0 ]
