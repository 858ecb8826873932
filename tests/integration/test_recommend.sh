#!/bin/sh
# test_recommend.sh - `hpa-engine recommend` end to end: the bundled
# examples, exit codes, error lines naming the field, stdin, YAML, and
# byte-identical output for the same snapshot.
#
# Usage: HPA_ENGINE=build/hpa-engine tests/integration/test_recommend.sh
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
ENGINE=${HPA_ENGINE:-$ROOT/build/hpa-engine}
EX=$ROOT/examples
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/#   /'; }

# run NAME EXPECTED_EXIT ARGS... : runs the engine, keeps stdout/stderr
run() {
	name=$1 want=$2
	shift 2
	"$ENGINE" recommend "$@" >"$TMP/out" 2>"$TMP/err" </dev/null
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		not_ok "$name: exit $rc, want $want" "$(cat "$TMP/err")"
		return 1
	fi
	return 0
}

# expect_json_field NAME 'FRAGMENT' : the pretty output has the fragment
has() {
	if grep -qF -- "$2" "$TMP/out"; then ok "$1"; else not_ok "$1" "$(head -40 "$TMP/out")"; fi
}

# ---- the examples ------------------------------------------------------------
if run "scale-up example" 0 "$EX/snapshot-scale-up.json"; then
	has "scale-up: desired 4" '"desiredReplicas": 4,'
	has "scale-up: current 3" '"currentReplicas": 3,'
	has "scale-up: rescale" '"rescale": true,'
	has "scale-up: reason" '"reason": "cpu resource utilization (percentage of request) above target",'
	has "scale-up: cpu status" '"averageUtilization": 90,'
	has "scale-up: cpu average" '"averageValue": "225m"'
	has "scale-up: AbleToScale" '"reason": "SucceededRescale",'
	has "scale-up: state recorded" '"scaleUpEvents": ['
	[ -s "$TMP/err" ] && not_ok "scale-up: stderr empty" "$(cat "$TMP/err")" || ok "scale-up: stderr empty"
	# contract field order
	order=$(grep -oE '^  "[a-zA-Z]+"' "$TMP/out" | tr -d ' "' | tr '\n' ' ')
	case $order in
	"desiredReplicas currentReplicas rescale reason currentMetrics metricProposals conditions state "*) ok "field order" ;;
	*) not_ok "field order" "$order" ;;
	esac
fi
if run "unready example (YAML)" 0 "$EX/snapshot-unready.yaml"; then
	has "unready: current 3" '"currentReplicas": 3,'
	has "unready: ready pods at 120 %" '"averageUtilization": 120,'
fi
if run "scale-down example" 0 "$EX/snapshot-scale-down.json"; then
	has "scale-down: stabilized at 5" '"desiredReplicas": 5,'
	has "scale-down: reason" '"reason": "All metrics below target",'
	has "scale-down: raw proposal 2" '"replicas": 2'
fi

# ---- determinism ---------------------------------------------------------------
"$ENGINE" recommend "$EX/snapshot-scale-up.json" >"$TMP/a" 2>/dev/null
"$ENGINE" recommend "$EX/snapshot-scale-up.json" >"$TMP/b" 2>/dev/null
if cmp -s "$TMP/a" "$TMP/b" && [ -s "$TMP/a" ]; then ok "same snapshot, same bytes"; else not_ok "same snapshot, same bytes"; fi

# ---- stdin -------------------------------------------------------------------------
"$ENGINE" recommend - <"$EX/snapshot-scale-up.json" >"$TMP/c" 2>"$TMP/err"
if [ $? -eq 0 ] && cmp -s "$TMP/a" "$TMP/c"; then ok "'-' reads stdin"; else not_ok "'-' reads stdin" "$(cat "$TMP/err")"; fi
"$ENGINE" recommend <"$EX/snapshot-scale-up.json" >"$TMP/c" 2>"$TMP/err"
if [ $? -eq 0 ] && cmp -s "$TMP/a" "$TMP/c"; then ok "no FILE reads stdin"; else not_ok "no FILE reads stdin" "$(cat "$TMP/err")"; fi
"$ENGINE" recommend - <"$EX/snapshot-unready.yaml" >"$TMP/c" 2>"$TMP/err"
if [ $? -eq 0 ] && grep -q '"desiredReplicas"' "$TMP/c"; then ok "YAML on stdin"; else not_ok "YAML on stdin" "$(cat "$TMP/err")"; fi

# ---- output options --------------------------------------------------------------
if run "--compact" 0 --compact "$EX/snapshot-scale-up.json"; then
	lines=$(wc -l <"$TMP/out")
	if [ "$lines" -eq 1 ] && grep -q '^{"desiredReplicas":4,"currentReplicas":3,' "$TMP/out"; then ok "--compact: one line"; else not_ok "--compact: one line" "$(head -c 300 "$TMP/out")"; fi
fi
if run "--explain" 0 --explain "$EX/snapshot-scale-up.json"; then
	if grep -q '^HorizontalPodAutoscaler default/python-app-hpa at 2026-11-29T10:00:00Z$' "$TMP/out" &&
		grep -q 'cpu resource utilization' "$TMP/out" && ! grep -q '"desiredReplicas"' "$TMP/out"; then
		ok "--explain: text, not JSON"
	else
		not_ok "--explain: text, not JSON" "$(cat "$TMP/out")"
	fi
fi
if run "--explain --json" 0 --explain --json "$EX/snapshot-scale-up.json"; then
	if cmp -s "$TMP/a" "$TMP/out" && grep -q '^HorizontalPodAutoscaler default/python-app-hpa' "$TMP/err"; then
		ok "--explain --json: JSON on stdout, account on stderr"
	else
		not_ok "--explain --json: JSON on stdout, account on stderr"
	fi
fi
if run "--help" 0 --help; then has "--help: usage" "usage: hpa-engine recommend"; fi
run "unknown option" 2 --frobnicate "$EX/snapshot-scale-up.json" && ok "unknown option: exit 2"

# ---- broken snapshots: exit 2, one line naming the field, nothing on stdout --
# broken NAME FILE 'TEXT ON STDERR'
broken() {
	name=$1 file=$2 text=$3
	if ! run "$name" 2 "$file"; then return; fi
	if [ -s "$TMP/out" ]; then not_ok "$name: stdout not empty" "$(head -5 "$TMP/out")"; return; fi
	if [ "$(wc -l <"$TMP/err")" -ne 1 ]; then not_ok "$name: not one line" "$(cat "$TMP/err")"; return; fi
	if grep -qF -- "$text" "$TMP/err"; then ok "$name"; else not_ok "$name: stderr lacks '$text'" "$(cat "$TMP/err")"; fi
}

S=$EX/snapshot-scale-up.json
grep -v '"now"' "$S" >"$TMP/no-now.json"
broken "missing now" "$TMP/no-now.json" "hpa-engine recommend: $TMP/no-now.json:"
grep -q ': now: ' "$TMP/err" && ok "missing now: path" || not_ok "missing now: path" "$(cat "$TMP/err")"

sed 's/"maxReplicas": 10/"maxReplicas": "10"/' "$S" >"$TMP/max-string.json"
broken "maxReplicas a string" "$TMP/max-string.json" "hpa.spec.maxReplicas"
# the position of the offending value: line of "maxReplicas"
line=$(grep -n '"maxReplicas"' "$TMP/max-string.json" | cut -d: -f1)
grep -q "max-string.json:$line:[0-9]*: hpa.spec.maxReplicas: " "$TMP/err" && ok "maxReplicas: file:line:col" || not_ok "maxReplicas: file:line:col (want line $line)" "$(cat "$TMP/err")"

sed '0,/"cpu": "250m"/s//"cpu": "250x"/' "$S" >"$TMP/bad-quantity.json"
broken "bad quantity" "$TMP/bad-quantity.json" "pods.items[0].spec.containers[0].resources.requests.cpu"

sed 's/"replicas": 3}, "status"/"replicas": "three"}, "status"/; s/"spec": {"replicas": 3},/"spec": {"replicas": "three"},/' "$S" >"$TMP/replicas.json"
broken "scale.spec.replicas a string" "$TMP/replicas.json" "scale.spec.replicas"

sed 's/"startTime": "2026-11-29T09:00:00Z"/"startTime": 12/' "$S" >"$TMP/start.json"
broken "startTime a number" "$TMP/start.json" "pods.items[0].status.startTime: expected an RFC 3339 time, got 12"

sed 's/"window": "30s"/"window": "thirty"/' "$S" >"$TMP/window.json"
broken "bad window" "$TMP/window.json" "podMetrics.items[0].window"

sed 's/"tolerance": 0.1/"tolerance": "0.1"/' "$S" >"$TMP/tol.json"
broken "tolerance a string" "$TMP/tol.json" "options.tolerance"

printf '{"now": "2026-11-29T10:00:00Z",\n "hpa": {"spec": {"maxReplicas": 3}\n' >"$TMP/syntax.json"
broken "JSON syntax error" "$TMP/syntax.json" "$TMP/syntax.json:"
grep -qE "syntax.json:[0-9]+:[0-9]+: " "$TMP/err" && ok "syntax error: line and column" || not_ok "syntax error: line and column" "$(cat "$TMP/err")"

printf 'now: "2026-11-29T10:00:00Z"\nhpa:\n  spec:\n    maxReplicas: many\nscale: {spec: {replicas: 1}}\n' >"$TMP/bad.yaml"
broken "YAML field error" "$TMP/bad.yaml" "bad.yaml:4:"
grep -qF "hpa.spec.maxReplicas" "$TMP/err" && ok "YAML field error: path" || not_ok "YAML field error: path" "$(cat "$TMP/err")"

printf 'now: "2026-11-29T10:00:00Z"\n---\nnow: "2026-11-29T10:00:00Z"\n' >"$TMP/two.yaml"
broken "two documents" "$TMP/two.yaml" "one snapshot"

: >"$TMP/empty.json"
broken "empty input" "$TMP/empty.json" "empty"

broken "missing file" "$TMP/does-not-exist.json" "does-not-exist.json"

"$ENGINE" recommend - <"$TMP/no-now.json" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc -eq 2 ] && [ ! -s "$TMP/out" ] && grep -q ': now: ' "$TMP/err"; then ok "error on stdin"; else not_ok "error on stdin (exit $rc)" "$(cat "$TMP/err")"; fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
