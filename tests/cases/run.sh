#!/usr/bin/env bash
# run.sh - replay every tests/cases/NNN-*.json through `hpa-engine recommend`.
#
# usage: tests/cases/run.sh path/to/hpa-engine
#
# Each case is {"description", "snapshot", "expect"}. Every field of
# "expect" must equal the same field of the output: objects are compared
# field by field (only the fields given), arrays element by element (same
# length). "conditions" is compared by type (status and reason, plus any
# other field given; {"type": X, "absent": true} means X must not be
# there); with "conditionsOrdered": true it is compared in order instead.
# Prints one line per failing case and the count; exits 1 if any fails.
set -u
engine=${1:?usage: run.sh path/to/hpa-engine}
dir=$(cd "$(dirname "$0")" && pwd)
exec python3 - "$engine" "$dir" <<'PY'
import glob, json, os, subprocess, sys

engine, d = sys.argv[1], sys.argv[2]

def diff(want, got, path):
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return "%s: want an object, got %s" % (path, json.dumps(got))
        for k, v in want.items():
            if k not in got:
                return "%s.%s: missing (want %s)" % (path, k, json.dumps(v))
            r = diff(v, got[k], path + "." + k)
            if r:
                return r
        return None
    if isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            return "%s: want %s, got %s" % (path, json.dumps(want), json.dumps(got))
        for i, (w, g) in enumerate(zip(want, got)):
            r = diff(w, g, "%s[%d]" % (path, i))
            if r:
                return r
        return None
    if isinstance(want, float) or isinstance(got, float):
        ok = isinstance(got, (int, float)) and not isinstance(got, bool) and abs(want - got) < 1e-9
    else:
        ok = type(want) == type(got) and want == got
    return None if ok else "%s: want %s, got %s" % (path, json.dumps(want), json.dumps(got))

def cond_diff(want, got):
    got = got or []
    for w in want:
        found = [c for c in got if c.get("type") == w.get("type")]
        if w.get("absent"):
            if found:
                return "conditions: %s should be absent, got %s" % (w["type"], json.dumps(found[0]))
            continue
        if not found:
            return "conditions: no %s condition" % w.get("type")
        r = diff(w, found[0], "conditions[%s]" % w.get("type"))
        if r:
            return r
    return None

files = sorted(glob.glob(os.path.join(d, "[0-9][0-9][0-9]-*.json")))
failed = 0
for f in files:
    name = os.path.basename(f)[:-5]
    try:
        with open(f) as fh:
            case = json.load(fh)
        p = subprocess.run([engine, "recommend", "-"], input=json.dumps(case["snapshot"]).encode(),
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=30)
        if p.returncode != 0:
            raise RuntimeError("exit %d: %s" % (p.returncode, p.stderr.decode(errors="replace").strip()))
        out = json.loads(p.stdout)
        expect = dict(case["expect"])
        ordered = expect.pop("conditionsOrdered", False)
        err = None
        for k, v in expect.items():
            if k == "conditions" and not ordered:
                err = cond_diff(v, out.get("conditions"))
            elif k not in out:
                err = "%s: missing in the output" % k
            else:
                err = diff(v, out[k], k)
            if err:
                break
    except Exception as e:  # a broken case or engine is a failure, not a crash
        err = str(e)
    if err:
        failed += 1
        print("FAIL %s: %s" % (name, err))
print("cases: %d passed, %d failed, %d total" % (len(files) - failed, failed, len(files)))
sys.exit(1 if failed else 0)
PY
