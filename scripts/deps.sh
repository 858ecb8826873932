#!/bin/sh
# Install the Debian packages hpa-engine needs to build and test, if any is
# missing. Called by the Makefile (target `deps`) and by .ci/run; safe to run
# again: it does nothing when everything is present.
set -eu
PKGS="build-essential pkg-config libcurl4-openssl-dev libjansson-dev libevent-dev \
libgsl-dev libcmocka-dev libyaml-dev libssl-dev openssl"
if [ "${HPA_WITH_TEST_TOOLS:-0}" = 1 ]; then
	PKGS="$PKGS valgrind curl chromium kubernetes-client wrk"
fi
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing" >&2
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
