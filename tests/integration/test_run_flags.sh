#!/bin/sh
# test_run_flags.sh - `hpa-engine run` rejects bad flags with exit 2 and a
# line naming the flag, before touching any cluster.
set -u
E=${HPA_ENGINE:?set HPA_ENGINE}
fail=0
check() {   # name, want-substring, args...
    name=$1; want=$2; shift 2
    out=$("$E" run "$@" 2>&1); rc=$?
    if [ $rc -ne 2 ]; then echo "FAIL $name: exit $rc, want 2 ($out)"; fail=1; return; fi
    case "$out" in *"$want"*) echo "ok   $name" ;; *) echo "FAIL $name: '$out' lacks '$want'"; fail=1 ;; esac
}
check "no source" "--policies" --once
check "both sources" "--policies" --policies /tmp --hpa-source cluster
check "bad source" "--hpa-source" --hpa-source etcd
check "bad duration" "--sync-period" --policies /tmp --sync-period fast
check "zero duration" "--sync-period" --policies /tmp --sync-period 0s
check "bad pod selection" "--pod-selection" --policies /tmp --pod-selection all
check "zero request timeout" "--request-timeout" --policies /tmp --request-timeout 0s
check "bad log format" "--log-format" --policies /tmp --log-format xml
check "bad state store" "--state-store" --policies /tmp --state-store etcd
check "namespace in files mode" "--namespace" --policies /tmp --namespace x
check "unknown flag" "unknown option" --policies /tmp --frobnicate 1
check "missing kubeconfig" "kubeconfig" --policies /tmp --kubeconfig /nonexistent/kc --once
"$E" run --help | grep -q -- "--leader-elect" && echo "ok   help" || { echo "FAIL help"; fail=1; }
exit $fail
