#!/usr/bin/env bash
# Fault injection of `hpa-engine sim-server`, observed with curl.
set -euo pipefail
. "$(dirname "$0")/lib/simserver.sh"
plain_test_init
start() { plain_start --trace "$ROOT/sim/traces/nasa_jul95_requests_per_min.csv" --seed 7 "$@"; }
stop() { kill -TERM "$PID"; wait "$PID" || true; PID=; }

# bad specs name the term
out=$("$HPA_ENGINE" sim-server --policy x --trace y --faults '500:0.1,bogus:1' 2>&1) && rc=0 || rc=$?
[ "$rc" = 2 ] && echo "$out" | grep -q '"bogus:1"' && ok "bad spec names the term" || { bad "bad spec"; echo "$out"; }

start --faults '500:0.2,429:0.1:retry-after=3'
: >"$TMP/codes"
for _ in $(seq 400); do
    curl -s -o /dev/null -w '%{http_code}\n' "$URL/api/v1/namespaces/default/pods" >>"$TMP/codes"
done
n500=$(grep -c '^500$' "$TMP/codes" || true); n429=$(grep -c '^429$' "$TMP/codes" || true)
n200=$(grep -c '^200$' "$TMP/codes" || true)
echo "     500: $n500, 429: $n429, 200: $n200 of 400"
[ "$n500" -ge 50 ] && [ "$n500" -le 110 ] && ok "500 rate about 20%" || bad "500 count $n500"
[ "$n429" -ge 20 ] && [ "$n429" -le 65 ] && ok "429 rate about 10%" || bad "429 count $n429"
h=""
for _ in $(seq 100); do
    h=$(curl -s -D - -o /dev/null "$URL/version" | tr -d '\r')
    echo "$h" | grep -q '^HTTP/1.1 429' && break
done
echo "$h" | grep -qi '^Retry-After: 3$' && ok "429 carries Retry-After" || bad "no Retry-After"
body=$(for _ in $(seq 50); do curl -s "$URL/version"; echo; done | grep '"code":500' | head -1)
echo "$body" | grep -q '"kind":"Status"' && ok "500 has a Status body" || bad "500 body: $body"
stop
# determinism: the same seed, the same sequence
start --faults '500:0.2,429:0.1:retry-after=3'
: >"$TMP/codes2"
for _ in $(seq 400); do
    curl -s -o /dev/null -w '%{http_code}\n' "$URL/api/v1/namespaces/default/pods" >>"$TMP/codes2"
done
cmp -s "$TMP/codes" "$TMP/codes2" && ok "same seed, same faults" || bad "faults differ between runs"
stop

# outage window in simulated seconds (speed 100: 30..130 simulated s = 0.3..1.3 s real)
start --speed 100 --faults "outage:30s-130s"
c0=$(curl -s -o /dev/null -w '%{http_code}' "$URL/version")
sleep 0.7
c1=$(curl -s -o /dev/null -w '%{http_code}' "$URL/version")
sleep 1.0
c2=$(curl -s -o /dev/null -w '%{http_code}' "$URL/version")
[ "$c0" = 200 ] && [ "$c1" = 503 ] && [ "$c2" = 200 ] && ok "outage window: 200, 503, 200" || bad "outage: $c0 $c1 $c2"
stop

# reset mid-response, hang past a client timeout, latency
start --faults 'reset:1'
curl -s -o /dev/null "$URL/api/v1/pods" && rc=0 || rc=$?
[ "$rc" = 18 ] && ok "reset: partial response (curl 18)" || bad "reset: curl exit $rc"
stop
start --faults 'hang:1'
curl -s -m 1 -o /dev/null "$URL/version" && rc=0 || rc=$?
[ "$rc" = 28 ] && ok "hang: client times out" || bad "hang: curl exit $rc"
stop
start --faults 'latency:1:300ms'
t=$(curl -s -o /dev/null -w '%{time_total}' "$URL/version")
awk -v t="$t" 'BEGIN { exit !(t >= 0.29) }' && ok "latency adds 300ms ($t s)" || bad "latency $t"
stop

# metrics faults
start --faults 'missing-metrics:1,stale-metrics:1:120s'
out=$(curl -s "$URL/apis/metrics.k8s.io/v1beta1/namespaces/default/pods")
echo "$out" | grep -q '"items":\[\]' && ok "missing metrics: no pods" || bad "missing: $out"
stop

# garbage never crashes the server
start
printf 'GARBAGE\r\n\r\n' | timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/${URL##*:}; cat >&3; cat <&3" >/dev/null 2>&1 || true
curl -s -X POST -H 'Content-Type: application/json' --data-binary @/dev/urandom --max-filesize 1 -m 2 \
    "$URL/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers" >/dev/null 2>&1 || true
c=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type: application/json' -d '{"kind":' \
    "$URL/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers")
[ "$c" = 400 ] && ok "malformed body: 400" || bad "malformed body: $c"
c=$(curl -s -o /dev/null -w '%{http_code}' "$URL/version")
[ "$c" = 200 ] && ok "alive after garbage" || bad "dead after garbage: $c"
stop
echo "sim_server_faults: $pass passed, $fail failed"
[ "$fail" = 0 ]
