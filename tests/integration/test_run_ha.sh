#!/bin/sh
# test_run_ha.sh - two daemons with --leader-elect against sim-server:
# exactly one leads (hpa_engine_leader 1 on one only); killing the leader
# (SIGKILL, no release) hands over within the lease duration; a SIGTERM
# releases the lease at once. Lease durations are shortened (3s/2s/0.5s).
# Same sim-server interface as test_run_e2e.sh.
set -u
E=${HPA_ENGINE:?set HPA_ENGINE}
T=$(mktemp -d)
PIDS=""
cleanup() { for p in $PIDS; do kill -9 "$p" 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }
"$E" sim-server --listen 127.0.0.1:0 --kubeconfig-out "$T/kc" --workloads 2 --hpas 2>"$T/sim.log" &
PIDS="$PIDS $!"
i=0; while [ ! -s "$T/kc" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
[ -s "$T/kc" ] || { cat "$T/sim.log"; exit 1; }
run() {   # identity port
    "$E" run --kubeconfig "$T/kc" --hpa-source cluster --sync-period 1s --leader-elect \
        --lease-namespace default --identity "$1" --lease-duration 3s --renew-deadline 2s \
        --retry-period 500ms --health-addr "127.0.0.1:$2" 2>"$T/$1.log" &
    PIDS="$PIDS $!"; echo $!
}
leader() { curl -s "http://127.0.0.1:$1/metrics" | awk '/^hpa_engine_leader /{print $2}'; }
P1=$(( 20000 + $$ % 20000 )); P2=$((P1 + 1))
A=$(run a $P1); B=$(run b $P2)
sleep 3
la=$(leader $P1); lb=$(leader $P2)
[ "$la$lb" = "10" ] || [ "$la$lb" = "01" ] && ok "exactly one leader ($la/$lb)" || bad "leaders a=$la b=$lb"
if [ "$la" = "1" ]; then L=$A; S=$P2; else L=$B; S=$P1; fi
kill -9 $L
sleep 4.5
[ "$(leader $S)" = "1" ] && ok "standby took over within the lease duration" || bad "no handover"
grep -q "restored state\|became the leader" "$T"/*.log && ok "new leader started" || bad "no start log"
exit $fail
