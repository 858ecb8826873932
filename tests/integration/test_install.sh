#!/bin/bash
# `make install` honours PREFIX and DESTDIR, and the installed libhpa (the
# pure decision core) is usable on its own: a program built with nothing but
# `pkg-config --cflags --libs libhpa` parses a quantity and makes a decision.
set -eu
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

make -s install PREFIX=/opt/hpa DESTDIR="$tmp/root" >"$tmp/log" 2>&1 || { cat "$tmp/log"; fail "make install"; }
for f in bin/hpa-engine lib/libhpa.a include/hpa/decide.h lib/pkgconfig/libhpa.pc; do
	[ -e "$tmp/root/opt/hpa/$f" ] || fail "$f was not installed under DESTDIR/PREFIX"
done
"$tmp/root/opt/hpa/bin/hpa-engine" --version | grep -q '^hpa-engine ' || fail "installed binary"

cat >"$tmp/use.c" <<'C'
#include <stdio.h>
#include <string.h>
#include <hpa/decide.h>
int main(void)
{
    hpa_quantity q;
    hpa_err e;
    int64_t m;
    char buf[HPA_QUANTITY_STR_MAX];
    hpa_spec spec;
    hpa_snapshot snap;
    hpa_state st;
    hpa_workspace ws;
    hpa_decision d;
    hpa_options o = hpa_options_default();
    hpa_arena a = HPA_ARENA_INIT;

    if (hpa_quantity_parse("1536Mi", &q, &e) != HPA_OK || hpa_quantity_milli(&q, &m, &e) != HPA_OK)
        return 1;
    printf("%s %lld\n", hpa_quantity_format(&q, buf, sizeof buf), (long long)m);
    /* current 0 with minReplicas 1: scaling is disabled, a decision all the same */
    memset(&spec, 0, sizeof spec);
    spec.name = "x";
    spec.namespace_ = "default";
    spec.max_replicas = 5;
    if (hpa_spec_apply_defaults(&spec, NULL, &a) != HPA_OK)
        return 1;
    memset(&snap, 0, sizeof snap);
    snap.hpa = &spec;
    snap.scale.selector = "app=x";
    hpa_state_init(&st);
    hpa_workspace_init(&ws);
    if (hpa_decide(&snap, &o, &st, &ws, NULL, &d, &e) != HPA_OK)
        return 1;
    printf("desired %d rescale %d\n", d.desired_replicas, d.rescale);
    hpa_workspace_free(&ws);
    hpa_state_free(&st);
    hpa_arena_free(&a);
    return 0;
}
C
export PKG_CONFIG_PATH="$tmp/root/opt/hpa/lib/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$tmp/root"
cc -std=c11 -Wall -Werror -o "$tmp/use" "$tmp/use.c" $(pkg-config --cflags --libs libhpa) ||
	fail "a program using only pkg-config libhpa does not build"
out=$("$tmp/use") || fail "the program failed"
[ "$out" = "$(printf '1536Mi 1610612736000\ndesired 0 rescale 0')" ] || fail "unexpected output: $out"
echo "test_install: ok"
