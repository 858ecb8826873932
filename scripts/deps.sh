#!/bin/sh
# Install the Debian packages hpa-engine needs to build and test, when any
# is missing. Called by the Makefile (on the first build) and by .ci/run;
# does nothing when everything is present.
#
#   HPA_WITH_TEST_TOOLS=1  also the tools the integration tests drive for
#                          real: valgrind, curl, wrk, headless Chromium and
#                          kubectl (Debian's kubernetes-client, unless a
#                          kubectl is already on the PATH).
set -eu
PKGS="build-essential pkg-config libcurl4-openssl-dev libjansson-dev libevent-dev \
libgsl-dev libcmocka-dev libyaml-dev libssl-dev openssl python3"
if [ "${HPA_WITH_TEST_TOOLS:-0}" = 1 ]; then
	PKGS="$PKGS valgrind curl wrk chromium procps time"
	command -v kubectl >/dev/null 2>&1 || PKGS="$PKGS kubernetes-client"
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
if ! $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null 2>&1; then
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
