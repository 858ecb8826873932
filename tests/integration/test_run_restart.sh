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
. "$(dirname "$0")/lib/simserver.sh"
daemon_test_init restart

write_policy 20 '[{type: Percent, value: 100, periodSeconds: 15}]'
awk 'BEGIN { print "time_s,value"; for (t = 0; t <= 3000; t += 15) print t "," (t < 120 ? 12000 : 600) }' >"$T/drop.csv"

start_sim --trace "$T/drop.csv" --seed 9 --speed 10
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
import sys
from snapshots import rows
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
