#!/bin/bash
# test_validate.sh - `hpa-engine validate` end to end: the shipped policies
# pass, a bad manifest is reported at FILE:LINE:COL with its path, syntax
# errors and missing files fail with exit 2.
set -eu

: "${HPA_ENGINE:?set HPA_ENGINE to the hpa-engine binary}"
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# 1. every shipped policy is valid
"$HPA_ENGINE" validate -v "$here"/policies/*.yaml 2>"$tmp/err" || fail "policies rejected: $(cat "$tmp/err")"
grep -q "python-app-hpa.yaml: 1 HorizontalPodAutoscaler(s) valid" "$tmp/err" || fail "no -v summary"

# 2. a bad manifest: exit 2, problem at line:col with its path
cat >"$tmp/bad.yaml" <<'YAML'
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 5
  behavior:
    scaleUp:
      policies:
      - {type: Pods, value: 4, periodSeconds: 15}
      - {type: Percent, value: 100, periodSeconds: 3600}
YAML
rc=0; "$HPA_ENGINE" validate "$tmp/bad.yaml" 2>"$tmp/err" || rc=$?
[ "$rc" = 2 ] || fail "bad manifest: exit $rc"
grep -qF "$tmp/bad.yaml:12:52: spec.behavior.scaleUp.policies[1].periodSeconds: Invalid value: 3600: must be less than or equal to 1800" "$tmp/err" \
  || fail "bad manifest message: $(cat "$tmp/err")"

# 3. stdin, and a List with one good and one bad item
cat >"$tmp/list.json" <<'JSON'
{"apiVersion": "v1", "kind": "List", "items": [
 {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "a"},
  "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "a"}, "maxReplicas": 3}},
 {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "b"},
  "spec": {"scaleTargetRef": {"kind": "Deployment", "name": "b"}, "maxReplicas": 0}}]}
JSON
rc=0; "$HPA_ENGINE" validate - <"$tmp/list.json" 2>"$tmp/err" || rc=$?
[ "$rc" = 2 ] || fail "list: exit $rc"
grep -qF "<stdin>:5:82: spec.maxReplicas: Invalid value: 0: must be greater than 0" "$tmp/err" \
  || fail "list message: $(cat "$tmp/err")"
[ "$(wc -l <"$tmp/err")" = 1 ] || fail "list: expected one problem: $(cat "$tmp/err")"

# 4. a syntax error names the line and column
printf 'kind: HorizontalPodAutoscaler\nspec:\n  maxReplicas: 3\n minReplicas: 1\n' >"$tmp/syntax.yaml"
rc=0; "$HPA_ENGINE" validate "$tmp/syntax.yaml" 2>"$tmp/err" || rc=$?
[ "$rc" = 2 ] || fail "syntax: exit $rc"
grep -qE "^$tmp/syntax.yaml:4:[0-9]+: " "$tmp/err" || fail "syntax message: $(cat "$tmp/err")"

# 5. a missing file
rc=0; "$HPA_ENGINE" validate "$tmp/nope.yaml" 2>"$tmp/err" || rc=$?
[ "$rc" = 2 ] || fail "missing file: exit $rc"
grep -qF "$tmp/nope.yaml: cannot open: No such file or directory" "$tmp/err" || fail "missing file message: $(cat "$tmp/err")"

# 6. --help
"$HPA_ENGINE" validate --help | grep -q "usage: hpa-engine validate" || fail "--help"

echo "test_validate.sh: ok"
