#!/bin/sh
# test_report_browser.sh - the HTML report in a real browser: headless
# Chromium loads it with no console errors, the DOM holds the plots, and a
# screenshot of it is a real picture. Installs chromium (Debian package)
# when it is missing and we may; skips, saying so, only if that fails.
set -u
ENGINE=${HPA_ENGINE:-$(pwd)/build/hpa-engine}
cd "$(dirname "$0")/../.."
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM" ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
		echo "test_report_browser: installing chromium" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1 ||
			{ DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 &&
			  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null 2>&1; }
	fi
fi
if [ ! -x "$CHROMIUM" ]; then
	echo "SKIP test_report_browser: chromium is not installed and could not be installed (apt-get install chromium)"
	exit 0
fi
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0
ok() { echo "ok   - $1"; }
bad() { echo "FAIL - $1"; fails=$((fails + 1)); }
check() { if eval "$2"; then ok "$1"; else bad "$1"; fi; }

"$ENGINE" simulate --policy policies/python-app-hpa.yaml --policy policies/default-behavior.yaml \
	--trace sim/traces/worldcup98_requests_per_min.csv --from 5875200 --to 5961600 --load-scale 0.4 \
	--report "$TMP/report.html" --quiet
check "report written" "[ -s '$TMP/report.html' ]"

chrome() {
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$(mktemp -d "$TMP/profile.XXXXXX")" "$@"
}

chrome --enable-logging=stderr --v=0 --dump-dom "file://$TMP/report.html" >"$TMP/dom.html" 2>"$TMP/console.log"
check "chromium loaded the report" "[ -s '$TMP/dom.html' ]"
check "no console errors" "! grep -Eq 'Uncaught|ERROR:CONSOLE|CONSOLE\\(' '$TMP/console.log'"
check "three SVG plots in the DOM" "[ \$(grep -o '<svg class=\"plot\"' '$TMP/dom.html' | wc -l) -eq 3 ]"
check "plot lines in the DOM" "[ \$(grep -o '<polyline' '$TMP/dom.html' | wc -l) -ge 6 ]"
check "scale events marked" "grep -q 'class=\"ev\"' '$TMP/dom.html'"
check "summary table in the DOM" "grep -q '<table id=\"summary\">' '$TMP/dom.html'"

chrome --window-size=1000,1500 --hide-scrollbars --screenshot="$TMP/shot.png" "file://$TMP/report.html" \
	>/dev/null 2>"$TMP/shot.log"
check "screenshot taken" "[ -s '$TMP/shot.png' ]"
check "screenshot is a PNG" "[ \"\$(head -c 8 '$TMP/shot.png' | od -An -tx1 | tr -d ' \\n')\" = 89504e470d0a1a0a ]"
# a blank 1000x1500 page compresses to a few KB; plots and text do not
check "screenshot is not blank" "[ \$(wc -c < '$TMP/shot.png') -gt 40000 ]"
if [ -n "${KEEP_SCREENSHOT:-}" ]; then cp "$TMP/shot.png" "$KEEP_SCREENSHOT"; fi

if [ $fails -ne 0 ]; then
	echo "test_report_browser: $fails failure(s)"
	exit 1
fi
echo "test_report_browser: all passed"
