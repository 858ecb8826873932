#!/bin/sh
# demo.sh - the main job: replay a real, busy day of the 1998 World Cup web
# site through the example application's HPA (policies/python-app-hpa.yaml)
# and through the Kubernetes default behavior (policies/default-behavior.yaml),
# with the conservative and aggressive profiles of policies/ for contrast,
# print the comparison and write out/demo-report.html (+ .json, .csv).
#
# usage: scripts/demo.sh [path/to/hpa-engine]      (make demo passes it)
set -eu
ENGINE=${1:-./build/hpa-engine}
cd "$(dirname "$0")/.."
if [ ! -x "$ENGINE" ]; then
	echo "demo: $ENGINE is not an executable; run 'make' first" >&2
	exit 1
fi
OUT=out
mkdir -p "$OUT"
TRACE=sim/traces/worldcup98_requests_per_min.csv
# 24 hours from 1998-07-07 09:30 GMT: the day of the trace's busiest minute
# (21:41 GMT, the France-Croatia semi-final), with the busiest minute in the
# middle of the replay. The site served up to ~3,800 requests/s over 33
# servers; half of it makes a load of up to ~1,900 req/s for the example
# application, whose 10 pods serve ~1,960 req/s at their CPU limit.
FROM=5832000
TO=5918400
SCALE=0.5

echo "== hpa-engine demo: World Cup 98, 1998-07-07 09:30 GMT + 24 h (semi-final night), load x$SCALE"
echo "   policies: python-app-hpa (the example app's own behavior), default-behavior (the"
echo "   Kubernetes defaults: no behavior field), and the conservative and aggressive profiles"
echo
"$ENGINE" simulate \
	--policy policies/python-app-hpa.yaml \
	--policy policies/default-behavior.yaml \
	--policy policies/conservative.yaml \
	--policy policies/aggressive.yaml \
	--trace "$TRACE" --from "$FROM" --to "$TO" --load-scale "$SCALE" --seed 1 \
	--json "$OUT/demo-summary.json" --csv "$OUT/demo-timeseries.csv" \
	--report "$OUT/demo-report.html"
echo
echo "report:      $(pwd)/$OUT/demo-report.html  (open it in a browser; no network needed)"
echo "summary:     $(pwd)/$OUT/demo-summary.json"
echo "time series: $(pwd)/$OUT/demo-timeseries.csv"
