#!/bin/sh
# test_run_ha.sh - two `hpa-engine run --leader-elect` against sim-server
# (HTTPS, token), with short lease timings (4 s / 3 s / 0.5 s):
#   - exactly one leads: hpa_engine_leader is 1 on one instance only, the
#     Lease's holderIdentity names it, and only it logs rescale writes;
#   - kill -9 of the leader: the standby takes over within the lease
#     duration (plus one jittered retry period);
#   - the new leader continues from the state the old one persisted in the
#     HPA annotation: demand dropped before the kill, the 20 s scale-down
#     stabilization window started under the old leader, and the new leader
#     scales down only once that window has passed since the old leader's
#     last high recommendation (a controller without the state would scale
#     down at its first sync);
#   - SIGTERM of the new leader releases the Lease (holderIdentity "").
# Demand: 200 requests/s for simulated 0..120 s (real 0..12 s at --speed
# 10), then 10 requests/s. About 40 s.
set -u
. "$(dirname "$0")/lib/simserver.sh"
daemon_test_init ha

write_policy 20 '[{type: Percent, value: 100, periodSeconds: 15}]'
awk 'BEGIN { print "time_s,value"; for (t = 0; t <= 3000; t += 15) print t "," (t < 120 ? 12000 : 600) }' >"$T/drop.csv"

start_sim --trace "$T/drop.csv" --seed 9 --speed 10
holder() { api /apis/coordination.k8s.io/v1/namespaces/default/leases/hpa-engine |
    python3 -c "import json,sys; print(json.load(sys.stdin)['spec'].get('holderIdentity', ''))" 2>/dev/null; }
leader() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^hpa_engine_leader /{print $2}'; }
run() {   # identity
    mkdir -p "$T/snap-$1"
    "$E" run --kubeconfig "$T/kc" --hpa-source cluster --sync-period 1s --leader-elect \
        --identity "$1" --lease-duration 4s --renew-deadline 3s --retry-period 500ms \
        --health-addr 127.0.0.1:0 --snapshot-dir "$T/snap-$1" --log-format json 2>"$T/$1.log" &
}
run a; A=$!
run b; B=$!
PA=$(health_port "$T/a.log"); PB=$(health_port "$T/b.log")
until_t 8
la=$(leader "$PA"); lb=$(leader "$PB"); h=$(holder)
if [ "$la$lb" = "10" ]; then L=a; S=b; LP=$A; SP=$PB; SPID=$B
elif [ "$la$lb" = "01" ]; then L=b; S=a; LP=$B; SP=$PA; SPID=$A
else L=""; fi
[ -n "$L" ] && [ "$h" = "$L" ] && ok "exactly one leader: $L (lease holder $h)" ||
    bad "leaders a=$la b=$lb, lease holder '$h'"
[ -z "$L" ] && { echo "test_run_ha: $pass passed, $fail failed"; exit 1; }
grep -q '"rescaled ' "$T/$L.log" && ok "the leader rescaled" || bad "the leader did not rescale"
grep -q '"rescaled \|"msg":"event ' "$T/$S.log" && bad "the standby wrote" || ok "the standby wrote nothing"
[ -z "$(ls "$T/snap-$S")" ] && ok "the standby made no decision" || bad "the standby synced"
until_t 16
kill -9 $LP
if [ "$L" = a ]; then A=""; else B=""; fi
tk=$(python3 -c 'import time; print(time.time())')
i=0
while [ "$(leader "$SP")" != "1" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
tt=$(python3 -c "import time; print(round(time.time() - $tk, 1))")
python3 -c "import sys; sys.exit(0 if $tt <= 4 + 1.2 + 0.5 else 1)" && [ "$(holder)" = "$S" ] &&
    ok "$S took over ${tt}s after the kill (lease 4s)" || bad "no takeover within the lease duration (${tt}s, holder $(holder))"
# wait for the new leader's scale-down (or 40 s)
i=0
while ! grep -q '"rescaled [0-9]* -> 2' "$T/$S.log" && [ $i -lt 200 ]; do
    python3 -c "import time,sys; sys.exit(0 if time.time() - $T0 < 40 else 1)" || break
    sleep 0.2; i=$((i + 1))
done
grep -q '"restored state: [1-9]' "$T/$S.log" && ok "the new leader restored the persisted state" || bad "no state restored"
python3 - "$T/snap-$L" "$T/snap-$S" <<'PY' && ok "the new leader kept the old leader's stabilization window" || bad "the window was forgotten"
import sys
from snapshots import rows
old, new = rows(sys.argv[1]), rows(sys.argv[2])
high = [r[0] for r in old if r[4] > 2]
downs = [r for r in new if r[3] and r[2] < r[1]]
if not high or not new or not downs:
    print("     old high:", len(high), "new decisions:", len(new), "scale-downs:", len(downs)); sys.exit(1)
gap = downs[0][0] - max(high)
first = new[0][0] - max(high)
print(f"     new leader's first sync {first:.1f}s, its scale-down {gap:.1f}s after the old leader's last high recommendation")
sys.exit(0 if gap >= 20 - 0.001 and first < 20 else 1)
PY
replay_snapshots "$T"/snap-a/*[0-9].json "$T"/snap-b/*[0-9].json
[ $diff -eq 0 ] && ok "$n decisions of both leaders replay through recommend" || bad "$diff of $n snapshots differ"
kill -TERM $SPID; wait $SPID; rc=$?
if [ "$S" = a ]; then A=""; else B=""; fi
[ $rc -eq 0 ] && ok "SIGTERM exits 0" || bad "SIGTERM exit $rc"
[ -z "$(holder)" ] && ok "SIGTERM released the lease" || bad "lease still held by '$(holder)'"
echo "test_run_ha: $pass passed, $fail failed"
exit $((fail > 0))
