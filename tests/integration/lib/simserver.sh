# tests/integration/lib/simserver.sh - what the sim-server integration tests
# share, sourced by them (`make integration` runs only test_*.sh):
#   - the ok/bad tally;
#   - daemon tests (test_run_*.sh): `hpa-engine sim-server` over HTTPS with a
#     bearer token and a kubeconfig, its CA, the API with curl, the daemon's
#     health port;
#   - plain tests (test_sim_server_*.sh): sim-server over HTTP on a free port.
# Sourcing only defines functions; daemon_test_init / plain_test_init set up
# the scratch directory and the traps. POSIX sh: the daemon tests run under
# `set -u`, the plain ones under bash `set -euo pipefail`.

ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

# ---- daemon tests -----------------------------------------------------------

# daemon_test_init NAME: E (from $HPA_ENGINE), T (scratch; KEEP=1 keeps it),
# TOKEN (NAME-pid-random), the tally; on exit kill -9 whatever $D, $A, $B and
# $SIM hold.
daemon_test_init() {
    E=${HPA_ENGINE:?set HPA_ENGINE}
    T=$(mktemp -d)
    SIM=""; D=""; A=""; B=""
    trap daemon_cleanup EXIT
    trap 'exit 1' INT TERM
    fail=0; pass=0
    TOKEN="$1-$$-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
    # the Python snippets read the daemon's output with lib/snapshots.py
    # (and leave no __pycache__ in the source tree)
    PYTHONPATH="$(cd "$(dirname "$0")/lib" && pwd)${PYTHONPATH:+:$PYTHONPATH}"
    PYTHONDONTWRITEBYTECODE=1
    export PYTHONPATH PYTHONDONTWRITEBYTECODE
}
daemon_cleanup() {
    for p in $D $A $B $SIM; do kill -9 "$p" 2>/dev/null; done
    wait 2>/dev/null
    [ -n "${KEEP:-}" ] && echo "kept $T" || rm -rf "$T"
}

# write_policy DOWN_WINDOW [DOWN_POLICIES]: $T/hpa.yaml, the HPA the daemon
# tests run: python-app, 2 to 8 replicas, CPU at 50 %, up by at most 2 pods
# per 5 s; down after a DOWN_WINDOW s stabilization window, by
# DOWN_POLICIES (a YAML flow list) when given.
write_policy() {
    cat >"$T/hpa.yaml" <<YAML
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
      stabilizationWindowSeconds: $1
YAML
    if [ -n "${2:-}" ]; then
        echo "      policies: $2" >>"$T/hpa.yaml"
    fi
}

# start_sim SIM-SERVER-ARGS...: sim-server with the policy $T/hpa.yaml, over
# HTTPS with $TOKEN, writing $T/kc; sets SIM, URL, T0 (when it listened)
# and $T/ca.pem. Exits the test when the server does not come up.
start_sim() {
    "$E" sim-server --policy "$T/hpa.yaml" --listen 127.0.0.1:0 --kubeconfig-out "$T/kc" \
        --tls --token "$TOKEN" "$@" >"$T/sim.out" 2>"$T/sim.err" &
    SIM=$!
    i=0
    while ! grep -q '^listening on' "$T/sim.out" 2>/dev/null && [ $i -lt 100 ]; do
        sleep 0.1; i=$((i + 1))
    done
    URL=$(sed -n 's/^listening on //p' "$T/sim.out")
    [ -n "$URL" ] && [ -s "$T/kc" ] || { echo "sim-server did not start:"; cat "$T/sim.err"; exit 1; }
    T0=$(python3 -c 'import time; print(time.time())')
    python3 - "$T/kc" >"$T/ca.pem" <<'PY'
import base64, re, sys
print(base64.b64decode(re.search(r'certificate-authority-data: (\S+)', open(sys.argv[1]).read()).group(1)).decode())
PY
}

# api PATH: GET from the sim-server as the daemon would.
api() { curl -sS --max-time 5 --cacert "$T/ca.pem" -H "Authorization: Bearer $TOKEN" "$URL$1"; }

# replicas: the Deployment's spec.replicas.
replicas() { api /apis/apps/v1/namespaces/default/deployments/python-app/scale |
    python3 -c "import json,sys; print(json.load(sys.stdin)['spec']['replicas'])" 2>/dev/null; }

# health_port LOG: the port the daemon's health server reports in LOG
# (waits up to 5 s; nothing when it never does).
health_port() {
    i=0
    while [ $i -lt 50 ]; do
        p=$(sed -n 's/.*health server listening on 127.0.0.1:\([0-9]*\).*/\1/p' "$1" | head -1)
        [ -n "$p" ] && { echo "$p"; return; }
        sleep 0.1; i=$((i + 1))
    done
}

# until_t S: sleep until T0 + S seconds.
until_t() {
    python3 -c "import time; d = $T0 + $1 - time.time(); time.sleep(d if d > 0 else 0)"
}

# replay_snapshots [-v] SNAPSHOT...: each dumped snapshot through
# `recommend`, compared with the decision the daemon dumped beside it; sets
# n (snapshots) and diff (those that fail or differ). -v: print why.
replay_snapshots() {
    v=""
    [ "${1:-}" = -v ] && { v=1; shift; }
    n=0; diff=0
    for s in "$@"; do
        [ -f "$s" ] || continue
        n=$((n + 1))
        "$E" recommend "$s" >"$T/rec.json" 2>"$T/rec.err" || { diff=$((diff + 1)); [ -n "$v" ] && cat "$T/rec.err"; continue; }
        python3 -c "import json,sys; sys.exit(0 if json.load(open(sys.argv[1])) == json.load(open(sys.argv[2])) else 1)" \
            "$T/rec.json" "$s.decision.json" || { diff=$((diff + 1)); [ -n "$v" ] && echo "     differs: $s"; }
    done
}

# ---- plain tests ------------------------------------------------------------

# plain_test_init: HPA_ENGINE (default build/hpa-engine), ROOT, TMP, the
# tally; on exit SIGTERM whatever $PID holds and remove TMP.
plain_test_init() {
    ROOT=$(cd "$(dirname "$0")/../.." && pwd)
    HPA_ENGINE=${HPA_ENGINE:-$ROOT/build/hpa-engine}
    TMP=$(mktemp -d)
    PID=
    trap plain_cleanup EXIT
    pass=0 fail=0
}
plain_cleanup() { [ -n "$PID" ] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$TMP"; }

# plain_start SIM-SERVER-ARGS...: sim-server with policies/python-app-hpa.yaml
# on a free port; sets PID and URL (empty when it did not start in 5 s).
plain_start() {
    "$HPA_ENGINE" sim-server --policy "$ROOT/policies/python-app-hpa.yaml" --port 0 "$@" >"$TMP/out" 2>"$TMP/err" &
    PID=$!
    for _ in $(seq 50); do grep -q '^listening on' "$TMP/out" 2>/dev/null && break; sleep 0.1; done
    URL=$(sed -n 's/^listening on //p' "$TMP/out")
}
