"""snapshots.py - what `hpa-engine run` leaves behind, read for the daemon
integration tests (tests/integration/lib/simserver.sh puts this directory
on PYTHONPATH): the times in its JSON log and the snapshot/decision pairs
of --snapshot-dir."""
import datetime
import glob
import json
import os


def ts(s):
    """An RFC 3339 UTC time ("...Z", fraction optional) in Unix seconds."""
    base, _, frac = s.rstrip("Z").partition(".")
    return datetime.datetime.strptime(base, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=datetime.timezone.utc).timestamp() + (float("0." + frac) if frac else 0)


def rows(d):
    """Each decision dumped in directory d, by time: (now, currentReplicas,
    desiredReplicas, rescale, the highest metric proposal)."""
    out = []
    for f in glob.glob(os.path.join(d, "*[0-9].json")):
        s, dec = json.load(open(f)), json.load(open(f + ".decision.json"))
        prop = max((p["replicas"] for p in dec.get("metricProposals", [])), default=0)
        out.append((ts(s["now"]), dec["currentReplicas"], dec["desiredReplicas"], dec["rescale"], prop))
    return sorted(out)
