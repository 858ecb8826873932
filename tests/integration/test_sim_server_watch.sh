#!/usr/bin/env bash
# Watches of `hpa-engine sim-server`, observed with curl: a pods watch with a
# labelSelector sees the ADDED and MODIFIED events of a scale-up as the new
# pods turn Ready; a watch from a resourceVersion replays only what changed
# after it; a selector that matches nothing sees nothing.
set -euo pipefail
HPA_ENGINE=${HPA_ENGINE:-$(cd "$(dirname "$0")/../.." && pwd)/build/hpa-engine}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TMP=$(mktemp -d)
PID= W1= W2=
cleanup() {
    for p in $W1 $W2 $PID; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT
pass=0 fail=0
ok()  { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }
# events of type $2 for pod-ish names in file $1
count() { grep -c "\"type\":\"$2\"" "$1" || true; }

"$HPA_ENGINE" sim-server --policy "$ROOT/policies/python-app-hpa.yaml" \
    --trace "$ROOT/sim/traces/nasa_jul95_requests_per_min.csv" --port 0 --speed 20 >"$TMP/out" 2>"$TMP/err" &
PID=$!
for _ in $(seq 50); do grep -q '^listening on' "$TMP/out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$TMP/out")
[ -n "$URL" ] || { echo "FAIL: the server did not start"; cat "$TMP/err"; exit 1; }
PODS="$URL/api/v1/namespaces/default/pods"

# the version before the scale-up, for the resume below
rv0=$(curl -s "$PODS?labelSelector=app%3Dpython-app" | sed -n 's/.*"metadata":{"resourceVersion":"\([0-9]*\)"}.*/\1/p' | head -1)
[ -n "$rv0" ] && ok "list has a resourceVersion ($rv0)" || bad "no list resourceVersion"

curl -sN "$PODS?watch=1&labelSelector=app%3Dpython-app" >"$TMP/w1" &
W1=$!
curl -sN "$PODS?watch=1&labelSelector=app%3Dnothing-here" >"$TMP/w2" &
W2=$!
sleep 0.5
[ "$(count "$TMP/w1" ADDED)" = 3 ] && ok "watch starts with ADDED for the 3 pods" || bad "initial ADDED: $(count "$TMP/w1" ADDED)"

code=$(curl -s -o "$TMP/scale" -w '%{http_code}' -X PATCH -H 'Content-Type: application/merge-patch+json' \
    -d '{"spec":{"replicas":6}}' "$URL/apis/apps/v1/namespaces/default/deployments/python-app/scale")
[ "$code" = 200 ] && ok "scale to 6" || { bad "scale: $code"; cat "$TMP/scale"; }

# new pods: ADDED; then MODIFIED as they are bound, run and turn Ready
ready=0
for _ in $(seq 100); do
    ready=$(grep '"type":"MODIFIED"' "$TMP/w1" | grep -c '"type":"Ready","status":"True"' || true)
    [ "$ready" -ge 3 ] && break
    sleep 0.2
done
[ "$(count "$TMP/w1" ADDED)" = 6 ] && ok "3 more ADDED after the scale-up" || bad "ADDED: $(count "$TMP/w1" ADDED)"
[ "$ready" -ge 3 ] && ok "MODIFIED events show the new pods Ready ($ready)" || bad "Ready MODIFIED events: $ready"
grep -v '"app":"python-app"' "$TMP/w1" | grep -q . && bad "an event outside the selector" || ok "only selected pods"
[ -s "$TMP/w2" ] && bad "an empty selector match saw events" || ok "a selector matching nothing sees nothing"
python3 - "$TMP/w1" <<'PY' && ok "events are one JSON object a line, versions increasing" || bad "event stream shape"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert all(ev["type"] in ("ADDED", "MODIFIED", "DELETED") and ev["object"]["kind"] == "Pod" for ev in lines)
rvs = [int(ev["object"]["metadata"]["resourceVersion"]) for ev in lines[3:]]   # after the initial state
assert rvs == sorted(rvs) and len(set(rvs)) == len(rvs), rvs
PY

# resume from the version before the scale: only the changes after it
curl -sN "$PODS?watch=1&labelSelector=app%3Dpython-app&resourceVersion=$rv0&timeoutSeconds=1" >"$TMP/w3" || true
[ "$(count "$TMP/w3" ADDED)" = 3 ] && ok "resume: ADDED only for the 3 new pods" || bad "resume ADDED: $(count "$TMP/w3" ADDED)"
[ "$(count "$TMP/w3" MODIFIED)" -ge 3 ] && ok "resume: their MODIFIED events replayed" || bad "resume MODIFIED"
python3 - "$TMP/w3" "$rv0" <<'PY' && ok "resume: every event is newer than $rv0" || bad "resume replayed old events"
import json, sys
for line in open(sys.argv[1]):
    assert int(json.loads(line)["object"]["metadata"]["resourceVersion"]) > int(sys.argv[2])
PY
# resume from now: nothing until something changes (timeoutSeconds ends it)
rv1=$(curl -s "$PODS?labelSelector=app%3Dpython-app" | sed -n 's/.*"metadata":{"resourceVersion":"\([0-9]*\)"}.*/\1/p' | head -1)
curl -sN "$PODS?watch=1&labelSelector=app%3Dpython-app&resourceVersion=$rv1&timeoutSeconds=1" >"$TMP/w4" || true
[ ! -s "$TMP/w4" ] && ok "resume at the current version: no replay" || bad "replayed at the current version"

kill -TERM "$PID"; rc=0; wait "$PID" || rc=$?; PID=
[ "$rc" = 0 ] && ok "SIGTERM with open watches: exit 0" || bad "exit $rc"
echo "sim_server_watch: $pass passed, $fail failed"
[ "$fail" = 0 ]
