#!/bin/bash
# The CLI paths under valgrind: no leaks, no invalid reads or writes.
# Each command runs on real inputs (good and bad); valgrind's exit code 99
# marks an error or a definite/indirect/possible leak.
set -u
cd "$(dirname "$0")/../.."
BIN=${HPA_ENGINE:-build/hpa-engine}
if ! command -v valgrind >/dev/null 2>&1; then
	echo "test_valgrind: valgrind is not installed (scripts/deps.sh installs it with HPA_WITH_TEST_TOOLS=1)" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
vg() {
	local name=$1; shift
	valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible "$BIN" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ $rc -eq 99 ] || grep -q '^==[0-9]*==' "$tmp/err"; then
		echo "FAIL $name (valgrind rc=$rc)"; sed -n 1,40p "$tmp/err"; fail=$((fail + 1))
	else
		pass=$((pass + 1))
	fi
}
printf '{"now": 12}' >"$tmp/bad.json"
printf 'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: x}\nspec:\n  maxReplicas: 0\n' >"$tmp/bad.yaml"
printf 'time_s,value\n0,1\n0,2\n' >"$tmp/bad.csv"
for f in examples/*.json examples/*.yaml; do
	vg "recommend $f" recommend "$f"
	vg "recommend --explain $f" recommend --explain "$f"
done
vg "recommend bad" recommend "$tmp/bad.json"
vg "validate policies" validate policies/*.yaml
vg "validate bad" validate "$tmp/bad.yaml"
vg "--help" --help
if "$BIN" simulate --help >/dev/null 2>&1; then
	head -n 2000 sim/traces/nasa_jul95_requests_per_min.csv >"$tmp/nasa.csv"
	vg "simulate" simulate --policy policies/python-app-hpa.yaml --trace "$tmp/nasa.csv" \
		--json "$tmp/s.json" --csv "$tmp/s.csv" --report "$tmp/s.html"
	vg "simulate bad trace" simulate --policy policies/python-app-hpa.yaml --trace "$tmp/bad.csv"
fi
if "$BIN" tune --help >/dev/null 2>&1; then
	vg "tune" tune --policy policies/python-app-hpa.yaml \
		--trace sim/traces/nasa_jul95_requests_per_min.csv --to 1d --peak 2500 \
		--space '*=fixed,target.cpu=50:95,down.window=0:600:15' --budget 6 --seed 7 --threads 2 \
		--out "$tmp/best.yaml" --json "$tmp/t.json" --report "$tmp/t.html" --quiet
	vg "tune bad space" tune --policy policies/python-app-hpa.yaml \
		--trace sim/traces/nasa_jul95_requests_per_min.csv --space 'bogus=1:2'
fi
if "$BIN" run --help >/dev/null 2>&1; then
	vg "run bad flag" run --sync-period nonsense
fi
if "$BIN" sim-server --help >/dev/null 2>&1; then
	vg "sim-server bad faults" sim-server --policy policies/python-app-hpa.yaml \
		--trace sim/traces/nasa_jul95_requests_per_min.csv --faults 'bogus:1'
fi
echo "test_valgrind: $pass passed, $fail failed"
[ $fail -eq 0 ]
