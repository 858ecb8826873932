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
. "$(dirname "$0")/lib/simserver.sh"
daemon_test_init faults

write_policy 0
# a constant 200 requests/s: 4 pods at 54 % of the CPU request
awk 'BEGIN { print "time_s,value"; for (t = 0; t <= 3000; t += 15) print t ",12000" }' >"$T/flat.csv"
FAULTS="500:0.05,429:0.05:retry-after=1,hang:0.02,reset:0.03,stale-metrics:0.1:30m,missing-metrics:0.3,outage:100s-220s"

attempts() { curl -s "http://127.0.0.1:$HP/metrics" | awk '/^hpa_engine_api_requests_total\{/ { s += $2 } END { print s + 0 }'; }
successes() { curl -s "http://127.0.0.1:$HP/metrics" | awk '/^hpa_engine_reconciles_total\{result="success"\}/ { print $2 + 0 }'; }

start_sim --trace "$T/flat.csv" --seed 5 --speed 10 --faults "$FAULTS"
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
import json, re, sys
from snapshots import ts
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
replay_snapshots "$T"/snap/*[0-9].json
[ $n -ge 10 ] && [ $diff -eq 0 ] && ok "$n decisions under faults replay through recommend" || bad "$diff of $n snapshots differ"
if grep -q "$TOKEN" "$T/run.err"; then bad "token in the log"; else ok "no token in the log"; fi
echo "test_run_faults: $pass passed, $fail failed"
exit $((fail > 0))
