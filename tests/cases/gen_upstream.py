#!/usr/bin/env python3
"""gen_upstream.py - write tests/cases/2NN-*.json from the upstream test tables.

The scenarios are those of kubernetes/pkg/controller/podautoscaler
(horizontal_test.go and replica_calculator_test.go), rebuilt as `recommend`
snapshots the way the upstream fakes build their objects:

  rc  (replica_calculator_test.go): pods "test-pod-N" with labels
      {"name": "test-pod"}, two containers container1/container2 that each
      request requests[i]; Ready without lastTransitionTime; startTime the
      Go zero time unless podStartTime is given; PodMetrics with the Go zero
      timestamp, a 1 min window, each container using levels[i].
  hz  (horizontal_test.go): the pods request reportedCPURequests[i] split
      over the two containers; Ready.lastTransitionTime = startTime; metrics
      stamped `now`, each container using level/2.

Options are the upstream test controller's: tolerance 0.1, CPU
initialization period 2 min, initial readiness delay 10 s, downscale
stabilization window 5 min.

The expected values are the upstream tests' own (expectedDesiredReplicas,
expectedConditions compared in order as upstream does with statusOk), or,
for the extra edge cases, computed by hand from the upstream code (the
arithmetic is in each description).

usage: python3 tests/cases/gen_upstream.py   (rewrites the 2NN files)
"""
import datetime
import json
import os

NOW = datetime.datetime(2026, 11, 29, 10, 0, 0)
ZERO = "0001-01-01T00:00:00Z"      # Go's zero time.Time
HERE = os.path.dirname(os.path.abspath(__file__))


def at(sec):
    """`now` + sec seconds, RFC 3339."""
    return (NOW + datetime.timedelta(seconds=sec)).strftime("%Y-%m-%dT%H:%M:%SZ")


HOT = at(0)        # hotCPUCreationTime(): time.Now()
COOL = at(-180)    # coolCPUCreationTime(): time.Now() - 3 min

OPTIONS = {"tolerance": 0.1, "cpuInitializationPeriod": "2m",
           "initialReadinessDelay": "10s", "downscaleStabilizationWindow": "5m"}


def milli(v):
    """resource.NewMilliQuantity(v, DecimalSI).String() for v >= 0."""
    if v == 0:
        return "0"
    m, e = v, -3
    while m % 10 == 0:
        m //= 10
        e += 1
    while e % 3 != 0:
        m *= 10
        e -= 1
    return str(m) + {-3: "m", 0: "", 3: "k", 6: "M", 9: "G", 12: "T"}[e]


def pod(i, req=None, ready="True", start=ZERO, ltt=None, phase="Running",
        deleting=False, split=False, name=None):
    c1 = {"name": "container1"}
    c2 = {"name": "container2"}
    if req is not None:
        if split:   # horizontal_test: MilliValue()/2 per container
            c1["resources"] = {"requests": {"cpu": milli(req // 2)}}
            c2["resources"] = {"requests": {"cpu": milli(req // 2)}}
        else:
            c1["resources"] = {"requests": {"cpu": milli(req)}}
            c2["resources"] = {"requests": {"cpu": milli(req)}}
    cond = {"type": "Ready", "status": ready}
    if ltt is not None:
        cond["lastTransitionTime"] = ltt
    md = {"name": name or "test-pod-%d" % i, "namespace": "test-namespace",
          "labels": {"name": "test-pod"}}
    if deleting:
        md["deletionTimestamp"] = at(-1)
    st = {"phase": phase, "conditions": [cond]}
    if start is not None:
        st["startTime"] = start
    return {"metadata": md, "spec": {"containers": [c1, c2]}, "status": st}


def podmetric(name, c1, c2, ts, res="cpu"):
    conts = []
    if c1 is not None:
        conts.append({"name": "container1", "usage": {res: milli(c1)}})
    if c2 is not None:
        conts.append({"name": "container2", "usage": {res: milli(c2)}})
    return {"metadata": {"name": name, "namespace": "test-namespace",
                         "labels": {"name": "test-pod"}},
            "timestamp": ts, "window": "1m0s", "containers": conts}


def rc_pods(current, requests=None, readiness=None, start=None, phase=None,
            deletion=None):
    """prepareTestClientSet's pod list (replica_calculator_test.go)."""
    n = current
    if phase and len(phase) > n:
        n = len(phase)
    items = []
    for i in range(n):
        items.append(pod(
            i,
            req=requests[i] if requests and i < len(requests) else None,
            ready=readiness[i] if readiness and i < len(readiness) else "True",
            start=start[i] if start else ZERO,
            phase=phase[i] if phase else "Running",
            deleting=deletion[i] if deletion else False))
    return items


def rc_metrics(levels, names=None, ts=ZERO):
    return [podmetric(names[i] if names and i < len(names) else "test-pod-%d" % i,
                      lv, lv, ts) for i, lv in enumerate(levels)]


def hz_pods(status_replicas, requests=None, readiness=None, start=None,
            phase=None, deletion=None):
    """prepareTestClient's pod list (horizontal_test.go)."""
    n = len(requests) if requests is not None else status_replicas
    items = []
    for i in range(n):
        s = start[i] if start else ZERO
        items.append(pod(
            i, req=requests[i] if requests is not None else 1000,
            ready=readiness[i] if readiness else "True", start=s, ltt=s,
            phase=phase[i] if phase else "Running",
            deleting=deletion[i] if deletion else False, split=True))
    return items


def hz_metrics(levels):
    return [podmetric("test-pod-%d" % i, lv // 2, lv // 2, at(0))
            for i, lv in enumerate(levels)]


def cpu_util(target):
    return {"type": "Resource", "resource": {"name": "cpu", "target": {
        "type": "Utilization", "averageUtilization": target}}}


def pods_metric(name, avg):
    return {"type": "Pods", "pods": {"metric": {"name": name},
                                     "target": {"type": "AverageValue", "averageValue": avg}}}


def object_metric(name, value=None, avg=None):
    tgt = {"type": "Value", "value": value} if value is not None else \
        {"type": "AverageValue", "averageValue": avg}
    return {"type": "Object", "object": {
        "describedObject": {"apiVersion": "apps/v1", "kind": "Deployment",
                            "name": "some-deployment"},
        "metric": {"name": name}, "target": tgt}}


def external_metric(name, value=None, avg=None, selector=True):
    tgt = {"type": "Value", "value": value} if value is not None else \
        {"type": "AverageValue", "averageValue": avg}
    m = {"name": name}
    if selector:
        m["selector"] = {"matchLabels": {"label": "value"}}
    return {"type": "External", "external": {"metric": m, "target": tgt}}


def hpa(minr, maxr, metrics, behavior=None, kind="Deployment", conditions=None):
    spec = {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": kind,
                               "name": "test-target"},
            "maxReplicas": maxr, "metrics": metrics}
    if minr is not None:
        spec["minReplicas"] = minr
    if behavior is not None:
        spec["behavior"] = behavior
    h = {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
         "metadata": {"name": "test-hpa", "namespace": "test-namespace"},
         "spec": spec}
    if conditions is not None:
        h["status"] = {"conditions": conditions}
    return h


def scale(spec, status=None, selector="name=test-pod"):
    st = {"replicas": spec if status is None else status}
    if selector is not None:
        st["selector"] = selector
    return {"apiVersion": "autoscaling/v1", "kind": "Scale",
            "spec": {"replicas": spec}, "status": st}


def snapshot(h, sc, pods=None, metrics=None, objects=None, podcm=None,
             external=None, state=None, options=None):
    s = {"now": at(0), "hpa": h, "scale": sc}
    if pods is not None:
        s["pods"] = {"apiVersion": "v1", "kind": "PodList", "items": pods}
    if metrics is not None:
        s["podMetrics"] = {"apiVersion": "metrics.k8s.io/v1beta1",
                           "kind": "PodMetricsList", "items": metrics}
    if objects is not None:
        s["objectMetrics"] = objects
    if podcm is not None:
        s["podCustomMetrics"] = podcm
    if external is not None:
        s["externalMetrics"] = external
    if state is not None:
        s["state"] = state
    s["options"] = dict(OPTIONS, **(options or {}))
    return s


def podcm_list(name, levels, ts=None):
    return {name: {"kind": "MetricValueList", "items": [
        {"describedObject": {"kind": "Pod", "name": "test-pod-%d" % i,
                             "namespace": "test-namespace"},
         "metric": {"name": name}, "value": milli(lv), "timestamp": ts or at(0)}
        for i, lv in enumerate(levels)]}}


def object_value(name, level):
    return [{"metric": {"name": name},
             "describedObject": {"apiVersion": "apps/v1", "kind": "Deployment",
                                 "name": "some-deployment"},
             "value": milli(level), "timestamp": at(0)}]


def external_list(name, levels):
    return {name: {"kind": "ExternalMetricValueList", "items": [
        {"metricName": name, "metricLabels": {"label": "value"},
         "value": milli(lv), "timestamp": at(0)} for lv in levels]}}


def C(t, status, reason):
    return {"type": t, "status": status, "reason": reason}


def status_ok(*over):
    """statusOkWithOverrides(...) of horizontal_test.go."""
    conds = [C("AbleToScale", "True", "SucceededRescale"),
             C("ScalingActive", "True", "ValidMetricFound"),
             C("ScalingLimited", "False", "DesiredWithinRange")]
    for o in over:
        for i, c in enumerate(conds):
            if c["type"] == o["type"]:
                conds[i] = o
                break
        else:
            conds.append(o)
    return conds


def held(reason):
    return [C("AbleToScale", "True", "SucceededGetScale"),
            C("ScalingActive", "False", reason)]


def res_status(util, avg, container=None):
    if container:
        return [{"type": "ContainerResource", "containerResource": {
            "name": "cpu", "container": container,
            "current": {"averageUtilization": util, "averageValue": milli(avg)}}}]
    return [{"type": "Resource", "resource": {
        "name": "cpu", "current": {"averageUtilization": util, "averageValue": milli(avg)}}}]


CASES = []


def case(slug, description, snap, **expect):
    ordered = expect.pop("ordered", None)
    if ordered is not None:
        expect["conditions"] = ordered
        expect["conditionsOrdered"] = True
    CASES.append((slug, {"description": description, "snapshot": snap,
                         "expect": expect}))


def rules(pods=0, pods_period=0, percent=0, percent_period=0, window=0,
          select="Max"):
    """generateScalingRules of horizontal_test.go."""
    r = {"stabilizationWindowSeconds": window, "selectPolicy": select}
    pol = []
    if pods:
        pol.append({"type": "Pods", "value": pods, "periodSeconds": pods_period})
    if percent:
        pol.append({"type": "Percent", "value": percent, "periodSeconds": percent_period})
    if pol:
        r["policies"] = pol
    return r


def uniform_events(raw, period):
    """generateEventsUniformDistribution: event idx at
    period - seg*idx - seg/2 seconds ago (seg = period/len)."""
    seg = period / len(raw)
    out = []
    for idx, ch in enumerate(raw):
        ago = int(period - seg * idx - seg / 2)
        out.append({"time": at(-ago), "change": ch})
    return out


def desired_via_external(desired, current, minr, maxr, behavior=None,
                         state=None):
    """A snapshot whose only metric proposes exactly `desired`: an External
    AverageValue target of 1 with a total of `desired` (ceil(usage/target)
    over status.replicas = current, outside the band as desired != current)."""
    h = hpa(minr, maxr, [external_metric("qps", avg="1")], behavior=behavior)
    return snapshot(h, scale(current), external=external_list("qps", [desired * 1000]),
                    state=state if state is not None else {"recommendations": []})


# ---- the cases --------------------------------------------------------------
# CASES_BEGIN
# == replica_calculator_test.go (rc harness) ==================================
# The calculation alone is under test there, so these HPAs have a wide range
# (min 1, max 1000), no behavior and an empty history: desiredReplicas is the
# calculator's answer unless the max(2 x current, 4) cap binds (said so).


def rc_res(slug, desc, current, expected, requests, levels, target, util, avg,
           container=None, readiness=None, start=None, phase=None,
           deletion=None, names=None, extra=None, proposal=None):
    m = cpu_util(target)
    if container:
        m = {"type": "ContainerResource", "containerResource": {
            "name": "cpu", "container": container,
            "target": {"type": "Utilization", "averageUtilization": target}}}
    snap = snapshot(hpa(1, 1000, [m]), scale(current),
                    pods=rc_pods(current, requests, readiness, start, phase, deletion),
                    metrics=rc_metrics(levels, names),
                    state={"recommendations": []})
    exp = {"desiredReplicas": expected,
           "currentMetrics": res_status(util, avg, container),
           "metricProposals": [{"replicas": proposal if proposal is not None else expected}]}
    exp.update(extra or {})
    case(slug, desc, snap, **exp)


R3 = [1000, 1000, 1000]
R5 = [1000] * 5
rc_res("rc-scale-up", "TestReplicaCalcScaleUp: 50% vs 30 -> ceil(1.667 x 3) = 5",
       3, 5, R3, [300, 500, 700], 30, 50, 1000)
rc_res("rc-scale-up-container", "TestReplicaCalcScaleUpContainer: container1 only, 50% -> 5",
       3, 5, R3, [300, 500, 700], 30, 50, 500, container="container1")
rc_res("rc-scale-up-unready-less-scale",
       "TestReplicaCalcScaleUpUnreadyLessScale: pod 0 unready; ready 60% -> unready at 0: 40% -> ceil(1.333 x 3) = 4",
       3, 4, R3, [300, 500, 700], 30, 60, 1200, readiness=["False", "True", "True"])
rc_res("rc-scale-up-hot-cpu-less-scale",
       "TestReplicaCalcScaleUpHotCpuLessScale: pod 0 started now (metric older than Ready + window) is unready -> 4",
       3, 4, R3, [300, 500, 700], 30, 60, 1200, start=[HOT, COOL, COOL])
rc_res("rc-scale-up-unready-no-scale",
       "TestReplicaCalcScaleUpUnreadyNoScale: 40% on one ready pod; with the two unready at 0 the ratio falls below 1 -> 3",
       3, 3, R3, [400, 500, 700], 30, 40, 800, readiness=["True", "False", "False"])
rc_res("rc-scale-hot-cpu-no-scale",
       "TestReplicaCalcScaleHotCpuNoScale: two hot unready pods at 0 flip the ratio -> 3",
       3, 3, R3, [400, 500, 700], 30, 40, 800, readiness=["True", "False", "False"],
       start=[COOL, HOT, HOT])
rc_res("rc-scale-up-ignores-failed",
       "TestReplicaCalcScaleUpIgnoresFailedPods: 2 Failed pods ignored -> 60% -> ceil(2 x 2) = 4",
       2, 4, [1000] * 4, [500, 700], 30, 60, 1200, readiness=["True", "True", "False", "False"],
       phase=["Running", "Running", "Failed", "Failed"])
rc_res("rc-scale-up-container-ignores-failed",
       "TestReplicaCalcScaleUpContainerIgnoresFailedPods -> 4",
       2, 4, [1000] * 4, [500, 700], 30, 60, 600, container="container1",
       readiness=["True", "True", "False", "False"],
       phase=["Running", "Running", "Failed", "Failed"])
rc_res("rc-scale-up-ignores-deletion",
       "TestReplicaCalcScaleUpIgnoresDeletionPods: 2 deleted pods ignored -> 4",
       2, 4, [1000] * 4, [500, 700], 30, 60, 1200, readiness=["True", "True", "False", "False"],
       phase=["Running"] * 4, deletion=[False, False, True, True])
rc_res("rc-scale-up-container-ignores-deletion",
       "TestReplicaCalcScaleUpContainerIgnoresDeletionPods -> 4",
       2, 4, [1000] * 4, [500, 700], 30, 60, 600, container="container1",
       readiness=["True", "True", "False", "False"],
       phase=["Running"] * 4, deletion=[False, False, True, True])
rc_res("rc-scale-down", "TestReplicaCalcScaleDown: 28% vs 50 -> ceil(0.56 x 5) = 3",
       5, 3, R5, [100, 300, 500, 250, 250], 50, 28, 560)
rc_res("rc-scale-down-container", "TestReplicaCalcScaleDownContainer -> 3",
       5, 3, R5, [100, 300, 500, 250, 250], 50, 28, 280, container="container1")
rc_res("rc-scale-down-exclude-unready",
       "TestReplicaCalcScaleDownExcludeUnreadyPods: 30% over 3 ready pods -> ceil(0.6 x 3) = 2",
       5, 2, R5, [100, 300, 500, 250, 250], 50, 30, 600,
       readiness=["True", "True", "True", "False", "False"])
rc_res("rc-scale-down-exclude-unscheduled",
       "TestReplicaCalcScaleDownExcludeUnscheduledPods: 4 Pending pods unready -> ceil(0.2 x 1) = 1",
       5, 1, R5, [100], 50, 10, 200, readiness=["True", "False", "False", "False", "False"],
       phase=["Running", "Pending", "Pending", "Pending", "Pending"])
rc_res("rc-scale-down-ignore-hot-cpu",
       "TestReplicaCalcScaleDownIgnoreHotCpuPods: 2 hot pods unready -> 2",
       5, 2, R5, [100, 300, 500, 250, 250], 50, 30, 600, start=[COOL, COOL, COOL, HOT, HOT])
rc_res("rc-scale-down-ignores-failed",
       "TestReplicaCalcScaleDownIgnoresFailedPods -> 3",
       5, 3, [1000] * 7, [100, 300, 500, 250, 250], 50, 28, 560,
       readiness=["True"] * 5 + ["False"] * 2, phase=["Running"] * 5 + ["Failed"] * 2)
rc_res("rc-scale-down-ignores-deletion",
       "TestReplicaCalcScaleDownIgnoresDeletionPods -> 3",
       5, 3, [1000] * 7, [100, 300, 500, 250, 250], 50, 28, 560,
       readiness=["True"] * 5 + ["False"] * 2, phase=["Running"] * 7,
       deletion=[False] * 5 + [True] * 2)
rc_res("rc-tolerance", "TestReplicaCalcTolerance: 102% vs 100 inside the band -> 3",
       3, 3, [900, 1000, 1100], [1010, 1030, 1020], 100, 102, 2040)
rc_res("rc-superfluous-metrics",
       "TestReplicaCalcSuperfluousMetrics: 6 metrics, 4 pods: 587% -> ceil(5.87 x 4) = 24 (desired capped at max(2 x 4, 4) = 8)",
       4, 8, [1000] * 4, [4000, 9500, 3000, 7000, 3200, 2000], 100, 587, 11750, proposal=24,
       extra={"conditions": [C("ScalingLimited", "True", "ScaleUpLimit")]})
rc_res("rc-missing-metrics",
       "TestReplicaCalcMissingMetrics: 24%, 2 missing pods at 100% -> 62% -> ceil(0.62 x 4) = 3",
       4, 3, [1000] * 4, [400, 95], 100, 24, 495)
rc_res("rc-missing-metrics-no-change-eq",
       "TestReplicaCalcMissingMetricsNoChangeEq: ratio exactly 1, missing pod not added -> 2",
       2, 2, [1000] * 2, [1000], 100, 100, 2000)
rc_res("rc-missing-metrics-no-change-gt",
       "TestReplicaCalcMissingMetricsNoChangeGt: 190%, missing at 0 -> 95% inside the band -> 2",
       2, 2, [1000] * 2, [1900], 100, 190, 3800)
rc_res("rc-missing-metrics-no-change-lt",
       "TestReplicaCalcMissingMetricsNoChangeLt: 60%, missing at 100% -> 80% -> ceil(1.6) = 2",
       2, 2, [1000] * 2, [600], 100, 60, 1200)
rc_res("rc-missing-metrics-unready-change",
       "TestReplicaCalcMissingMetricsUnreadyChange: 45% vs 50, missing at 100% -> 72% crosses 1 -> 3",
       3, 3, R3, [100, 450], 50, 45, 900, readiness=["False", "True", "True"])
rc_res("rc-missing-metrics-unready-scale-up",
       "TestReplicaCalcMissingMetricsUnreadyScaleUp: 200%, missing and unready at 0 -> 66% -> ceil(1.32 x 3) = 4",
       3, 4, R3, [100, 2000], 50, 200, 4000, readiness=["False", "True", "True"])
rc_res("rc-missing-metrics-unready-scale-down",
       "TestReplicaCalcMissingMetricsUnreadyScaleDown: 10%, missing at 100% -> 40% -> ceil(0.8 x 3) = 3",
       4, 3, [1000] * 4, [100, 100, 100], 50, 10, 200, readiness=["False", "True", "True", "True"])
rc_res("rc-rolling-update-max-surge",
       "TestReplicaCalcDuringRollingUpdateWithMaxSurge: 3 pods, current 2: would be 3 > 2 on a scale-down -> 2",
       2, 2, R3, [100, 100], 50, 10, 200, phase=["Running"] * 3)

# TestReplicaCalcComputedToleranceAlgImplementation
_used = 150
_reqs = [300 + d for d in (100, -100, 10, -10, 2, -2, 1, -1, 0, 0)]
rc_res("rc-computed-tolerance-scale",
       "TestReplicaCalcComputedToleranceAlgImplementation: target int32((1/(2 x 0.9) + .01) x 100) = 56, 50% -> ceil(0.893 x 10) = 9",
       10, 9, _reqs, [_used] * 10, 56, 50, 300)
rc_res("rc-computed-tolerance-no-scale",
       "TestReplicaCalcComputedToleranceAlgImplementation (second run): target 55, 50/55 = 0.909 inside -> 10",
       10, 10, _reqs, [_used] * 10, 55, 50, 300)


def rc_cm(slug, desc, current, expected, levels, target, usage, readiness=None,
          start=None, phase=None, proposal=None):
    snap = snapshot(hpa(1, 1000, [pods_metric("qps", milli(target))]), scale(current),
                    pods=rc_pods(current, None, readiness, start, phase),
                    podcm=podcm_list("qps", levels), state={"recommendations": []})
    case(slug, desc, snap, desiredReplicas=expected,
         metricProposals=[{"replicas": proposal if proposal is not None else expected}],
         currentMetrics=[{"type": "Pods", "pods": {"metric": {"name": "qps"},
                                                   "current": {"averageValue": milli(usage)}}}])


rc_cm("rc-scale-up-cm", "TestReplicaCalcScaleUpCM: avg 20 vs 15 -> 4", 3, 4,
      [20000, 10000, 30000], 15000, 20000)
rc_cm("rc-scale-up-cm-unready-hot-cpu-no-less-scale",
      "TestReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale: readiness is ignored for a Pods metric: avg 30 -> 6",
      3, 6, [50000, 10000, 30000], 15000, 30000, readiness=["False", "True", "False"],
      start=[HOT, COOL, HOT])
rc_cm("rc-scale-up-cm-unready-hot-cpu-would-scale-down",
      "TestReplicaCalcScaleUpCMUnreadyHotCpuScaleWouldScaleDown: avg 31666m -> ceil(2.111 x 3) = 7 (desired capped at max(2 x 3, 4) = 6)",
      3, 6, [50000, 15000, 30000], 15000, 31666, readiness=["False", "True", "False"],
      start=[HOT, COOL, HOT], proposal=7)
rc_cm("rc-scale-down-cm", "TestReplicaCalcScaleDownCM: avg 12 vs 20 -> 3", 5, 3,
      [12000] * 5, 20000, 12000)
rc_cm("rc-tolerance-cm", "TestReplicaCalcToleranceCM: avg 20666m vs 20 inside -> 3", 3, 3,
      [20000, 21000, 21000], 20000, 20666)
rc_cm("rc-rolling-update-max-surge-cm",
      "TestReplicaCalcDuringRollingUpdateWithMaxSurgeCM: missing 3rd pod at target -> ceil(0.725 x 3) = 3 > 2 -> 2",
      2, 2, [10000, 10000], 17000, 10000, phase=["Running"] * 3)


def rc_obj(slug, desc, current, expected, level, value=None, avg=None, usage=None,
           readiness=None):
    snap = snapshot(hpa(1, 1000, [object_metric("qps", value=milli(value) if value else None,
                                                avg=milli(avg) if avg else None)]),
                    scale(current), pods=rc_pods(current, None, readiness),
                    objects=object_value("qps", level), state={"recommendations": []})
    cur = {"value": milli(level)} if value else {"averageValue": milli(usage)}
    case(slug, desc, snap, desiredReplicas=expected,
         currentMetrics=[{"type": "Object", "object": {
             "describedObject": {"apiVersion": "apps/v1", "kind": "Deployment",
                                 "name": "some-deployment"},
             "metric": {"name": "qps"}, "current": cur}}])


rc_obj("rc-scale-up-cm-object", "TestReplicaCalcScaleUpCMObject: 20/15 x 3 ready pods -> 4",
       3, 4, 20000, value=15000)
rc_obj("rc-scale-up-cm-per-pod-object",
       "TestReplicaCalcScaleUpCMPerPodObject: 20 / (5 x 3) outside -> ceil(20/5) = 4, average ceil(20000m/3)",
       3, 4, 20000, avg=5000, usage=6667)
rc_obj("rc-scale-up-cm-object-ignores-unready",
       "TestReplicaCalcScaleUpCMObjectIgnoresUnreadyPods: 50/10 x 1 ready pod -> 5",
       3, 5, 50000, value=10000, readiness=["False", "True", "False"])
rc_obj("rc-scale-down-per-pod-cm-object",
       "TestReplicaCalcScaleDownPerPodCMObject: 6 / (2 x 5) -> ceil(6/2) = 3, average 1200m",
       5, 3, 6000, avg=2000, usage=1200)
rc_obj("rc-scale-down-cm-object", "TestReplicaCalcScaleDownCMObject: 12/20 x 5 -> 3",
       5, 3, 12000, value=20000)
rc_obj("rc-tolerance-cm-object", "TestReplicaCalcToleranceCMObject: 20666m/20 inside -> 3",
       3, 3, 20666, value=20000)
rc_obj("rc-tolerance-per-pod-cm-object",
       "TestReplicaCalcTolerancePerPodCMObject: 20166m / (5 x 4) inside -> 4, average ceil(20166/4) = 5042m",
       4, 4, 20166, avg=5000, usage=5042)


def rc_ext(slug, desc, current, expected, level, value=None, avg=None, usage=None,
           readiness=None, selector=True):
    snap = snapshot(hpa(1, 1000, [external_metric("qps", value=milli(value) if value else None,
                                                  avg=milli(avg) if avg else None,
                                                  selector=selector)]),
                    scale(current), pods=rc_pods(current, None, readiness),
                    external=external_list("qps", [level]), state={"recommendations": []})
    cur = {"value": milli(level)} if value else {"averageValue": milli(usage)}
    m = {"name": "qps"}
    if selector:
        m["selector"] = {"matchLabels": {"label": "value"}}
    case(slug, desc, snap, desiredReplicas=expected,
         currentMetrics=[{"type": "External", "external": {"metric": m, "current": cur}}])


rc_ext("rc-scale-up-cm-external", "TestReplicaCalcScaleUpCMExternal: 8600m/4400m x 1 -> 2",
       1, 2, 8600, value=4400)
rc_ext("rc-scale-up-cm-external-ignores-unready",
       "TestReplicaCalcScaleUpCMExternalIgnoresUnreadyPods: x 1 ready pod -> 2",
       3, 2, 8600, value=4400, readiness=["False", "True", "False"])
rc_ext("rc-scale-up-cm-external-no-labels",
       "TestReplicaCalcScaleUpCMExternalNoLabels: no metric selector -> 2",
       1, 2, 8600, value=4400, selector=False)
rc_ext("rc-scale-up-per-pod-cm-external",
       "TestReplicaCalcScaleUpPerPodCMExternal: ceil(8600/2150) = 4, average ceil(8600/3) = 2867m",
       3, 4, 8600, avg=2150, usage=2867)
rc_ext("rc-scale-down-cm-external",
       "TestReplicaCalcScaleDownCMExternal: 8600/14334 x 5 = 2.9998 -> 3",
       5, 3, 8600, value=14334)
rc_ext("rc-scale-down-per-pod-cm-external",
       "TestReplicaCalcScaleDownPerPodCMExternal: ceil(8600/2867) = 3, average 1720m",
       5, 3, 8600, avg=2867, usage=1720)
rc_ext("rc-tolerance-cm-external", "TestReplicaCalcToleranceCMExternal: 8600/8888 inside -> 3",
       3, 3, 8600, value=8888)
rc_ext("rc-tolerance-per-pod-cm-external",
       "TestReplicaCalcTolerancePerPodCMExternal: 8600/(2900 x 3) inside -> 3, average 2867m",
       3, 3, 8600, avg=2900, usage=2867)

case("rc-empty-metrics", "TestReplicaCalcEmptyMetrics: no PodMetrics -> the metric fails, hold at 4",
     snapshot(hpa(1, 1000, [cpu_util(100)]), scale(4), pods=rc_pods(4, [1000] * 4),
              metrics=[], state={"recommendations": []}),
     desiredReplicas=4, rescale=False,
     ordered=held("FailedGetResourceMetric"),
     currentMetrics=[{"type": ""}])
_c = held("FailedGetResourceMetric")
_c[1]["message"] = ("the HPA was unable to compute the replica count: failed to get cpu "
                    "utilization: missing request for cpu in container container1 of Pod test-pod-0")
case("rc-empty-cpu-request", "TestReplicaCalcEmptyCPURequest: pods without a cpu request",
     snapshot(hpa(1, 1000, [cpu_util(100)]), scale(1), pods=rc_pods(1),
              metrics=rc_metrics([200]), state={"recommendations": []}),
     desiredReplicas=1, rescale=False, ordered=_c)
# == horizontal_test.go (hz harness) =========================================
# Whole reconciles; the expected conditions are compared in order and in full,
# as upstream's status reactor compares them with statusOkWithOverrides.


def hz(slug, desc, minr, maxr, spec, expected, metrics=None, cpu=None, levels=None,
       requests=None, readiness=None, start=None, phase=None, deletion=None,
       conds=None, status=None, podcm=None, objects=None, external=None,
       recs=None, behavior=None, selector="name=test-pod", kind="Deployment",
       extra=None, with_metrics=True):
    ms = []
    if cpu:
        ms.append(cpu_util(cpu))
    ms += metrics or []
    st = spec if status is None else status
    snap = snapshot(hpa(minr, maxr, ms, behavior=behavior, kind=kind),
                    scale(spec, st, selector),
                    pods=hz_pods(st, requests, readiness, start, phase, deletion),
                    metrics=hz_metrics(levels or []) if with_metrics else None,
                    podcm=podcm, objects=objects, external=external,
                    state={"recommendations": recs} if recs is not None else {})
    exp = {"desiredReplicas": expected, "rescale": expected != spec}
    if conds is not None:
        exp["ordered"] = conds
    exp.update(extra or {})
    case(slug, desc, snap, **exp)


Q3 = [1000] * 3
Q5 = [1000] * 5
LV5 = [100, 300, 500, 250, 250]
hz("hz-scale-up", "TestScaleUp: 50% vs 30 -> 5", 2, 6, 3, 5, cpu=30,
   levels=[300, 500, 700], requests=Q3, conds=status_ok(),
   extra={"currentMetrics": res_status(50, 500),
          "reason": "cpu resource utilization (percentage of request) above target"})
hz("hz-scale-up-container", "TestScaleUpContainer: container1 at 50% of its request -> 5",
   2, 6, 3, 5, metrics=[{"type": "ContainerResource", "containerResource": {
       "name": "cpu", "container": "container1",
       "target": {"type": "Utilization", "averageUtilization": 30}}}],
   levels=[300, 500, 700], requests=Q3, conds=status_ok(),
   extra={"reason": "cpu container resource utilization (percentage of request) above target"})
hz("hz-scale-up-unready-less-scale", "TestScaleUpUnreadyLessScale -> 4", 2, 6, 3, 4, cpu=30,
   levels=[300, 500, 700], requests=Q3, readiness=["False", "True", "True"], recs=[],
   conds=status_ok(), extra={"currentMetrics": res_status(60, 600)})
hz("hz-scale-up-hot-cpu-less-scale", "TestScaleUpHotCpuLessScale -> 4", 2, 6, 3, 4, cpu=30,
   levels=[300, 500, 700], requests=Q3, start=[HOT, COOL, COOL], recs=[],
   conds=status_ok(), extra={"currentMetrics": res_status(60, 600)})
hz("hz-scale-up-unready-no-scale", "TestScaleUpUnreadyNoScale -> 3, ReadyForNewScale",
   2, 6, 3, 3, cpu=30, levels=[400, 500, 700], requests=Q3,
   readiness=["True", "False", "False"], recs=[],
   conds=status_ok(C("AbleToScale", "True", "ReadyForNewScale")),
   extra={"currentMetrics": res_status(40, 400)})
hz("hz-scale-up-hot-cpu-no-scale", "TestScaleUpHotCpuNoScale -> 3, ReadyForNewScale",
   2, 6, 3, 3, cpu=30, levels=[400, 500, 700], requests=Q3, start=[COOL, HOT, HOT],
   recs=[], conds=status_ok(C("AbleToScale", "True", "ReadyForNewScale")),
   extra={"currentMetrics": res_status(40, 400)})
hz("hz-scale-up-ignores-failed", "TestScaleUpIgnoresFailedPods -> 4", 2, 6, 2, 4, cpu=30,
   levels=[500, 700], requests=[1000] * 4, readiness=["True", "True", "False", "False"],
   phase=["Running", "Running", "Failed", "Failed"], recs=[], conds=status_ok())
hz("hz-scale-up-ignores-deletion", "TestScaleUpIgnoresDeletionPods -> 4", 2, 6, 2, 4, cpu=30,
   levels=[500, 700], requests=[1000] * 4, readiness=["True", "True", "False", "False"],
   deletion=[False, False, True, True], recs=[], conds=status_ok())
hz("hz-scale-up-replicaset", "TestScaleUpReplicaSet -> 5", 2, 6, 3, 5, cpu=30,
   levels=[300, 500, 700], requests=Q3, kind="ReplicaSet", conds=status_ok())
hz("hz-scale-up-cm", "TestScaleUpCM: pods qps avg 20 vs 15 -> 4", 2, 6, 3, 4,
   metrics=[pods_metric("qps", "15.0")], requests=Q3,
   podcm=podcm_list("qps", [20000, 10000, 30000]), conds=status_ok(),
   extra={"reason": "pods metric qps above target"})
hz("hz-scale-up-cm-unready-and-hot-cpu-no-less-scale",
   "TestScaleUpCMUnreadyAndHotCpuNoLessScale: readiness ignored for pods metrics -> 6",
   2, 6, 3, 6, metrics=[pods_metric("qps", "15.0")], requests=Q3,
   readiness=["True", "True", "False"], start=[COOL, COOL, HOT],
   podcm=podcm_list("qps", [50000, 10000, 30000]), conds=status_ok())
hz("hz-scale-up-cm-unready-and-cpu-hot",
   "TestScaleUpCMUnreadyandCpuHot: 7 -> 6 TooManyReplicas", 2, 6, 3, 6,
   metrics=[pods_metric("qps", "15.0")], requests=Q3,
   readiness=["False", "True", "False"], start=[HOT, COOL, HOT],
   podcm=podcm_list("qps", [50000, 15000, 30000]),
   conds=status_ok(C("ScalingLimited", "True", "TooManyReplicas")))
hz("hz-scale-up-cm-object", "TestScaleUpCMObject: 20/15 x 3 -> 4", 2, 6, 3, 4,
   metrics=[object_metric("qps", value="15.0")], objects=object_value("qps", 20000),
   conds=status_ok(), extra={"reason": "Deployment metric qps above target"})
hz("hz-scale-up-from-zero-cm-object", "TestScaleUpFromZeroCMObject: ceil(20/15) = 2",
   0, 6, 0, 2, metrics=[object_metric("qps", value="15.0")],
   objects=object_value("qps", 20000), conds=status_ok())
hz("hz-scale-up-from-zero-ignores-tolerance-cm-object",
   "TestScaleUpFromZeroIgnoresToleranceCMObject: ratio 1 from zero -> ceil(1) = 1",
   0, 6, 0, 1, metrics=[object_metric("qps", value="1.0")],
   objects=object_value("qps", 1000), conds=status_ok())
hz("hz-scale-up-per-pod-cm-object", "TestScaleUpPerPodCMObject: ceil(8/2) = 4", 2, 6, 3, 4,
   metrics=[object_metric("qps", avg="2.0")], objects=object_value("qps", 8000),
   conds=status_ok())
hz("hz-scale-up-cm-external", "TestScaleUpCMExternal: 8600m/6666m x 3 -> 4", 2, 6, 3, 4,
   metrics=[external_metric("qps", value="6666m")], external=external_list("qps", [8600]),
   conds=status_ok())
hz("hz-scale-up-per-pod-cm-external", "TestScaleUpPerPodCMExternal: ceil(8600/2222) = 4",
   2, 6, 3, 4, metrics=[external_metric("qps", avg="2222m")],
   external=external_list("qps", [8600]), conds=status_ok())
hz("hz-scale-down", "TestScaleDown -> 3", 2, 6, 5, 3, cpu=50, levels=LV5, requests=Q5,
   recs=[], conds=status_ok(), extra={"reason": "All metrics below target"})
hz("hz-scale-down-with-scaling-rules",
   "TestScaleDownWithScalingRules: only scaleUp given, scaleDown defaulted -> 3",
   2, 6, 5, 3, cpu=50, levels=LV5, requests=Q5, recs=[],
   behavior={"scaleUp": rules(0, 0, 100, 15, 30)}, conds=status_ok())
hz("hz-scale-down-stabilize-initial-size",
   "TestScaleDownStabilizeInitialSize: no history -> {5, now} recorded -> stays 5",
   2, 6, 5, 5, cpu=50, levels=LV5, requests=Q5,
   conds=status_ok(C("AbleToScale", "True", "ScaleDownStabilized")))
hz("hz-scale-down-cm", "TestScaleDownCM -> 3", 2, 6, 5, 3,
   metrics=[pods_metric("qps", "20.0")], requests=Q5,
   podcm=podcm_list("qps", [12000] * 5), recs=[], conds=status_ok())
hz("hz-scale-down-cm-object", "TestScaleDownCMObject -> 3", 2, 6, 5, 3,
   metrics=[object_metric("qps", value="20.0")], requests=Q5,
   objects=object_value("qps", 12000), recs=[], conds=status_ok())
hz("hz-scale-down-to-zero-cm-object", "TestScaleDownToZeroCMObject -> 0", 0, 6, 5, 0,
   metrics=[object_metric("qps", value="20.0")], requests=Q5,
   objects=object_value("qps", 0), recs=[], conds=status_ok())
hz("hz-scale-down-per-pod-cm-object", "TestScaleDownPerPodCMObject: ceil(12/4) = 3",
   2, 6, 5, 3, metrics=[object_metric("qps", avg="4.0")], requests=Q5,
   objects=object_value("qps", 12000), recs=[], conds=status_ok())
hz("hz-scale-down-cm-external", "TestScaleDownCMExternal: 8600/14400 x 5 -> 3", 2, 6, 5, 3,
   metrics=[external_metric("qps", value="14.4")], requests=Q5,
   external=external_list("qps", [8600]), recs=[], conds=status_ok())
hz("hz-scale-down-to-zero-cm-external", "TestScaleDownToZeroCMExternal -> 0", 0, 6, 5, 0,
   metrics=[external_metric("qps", value="14.4")], requests=Q5,
   external=external_list("qps", [0]), recs=[], conds=status_ok())
hz("hz-scale-down-per-pod-cm-external", "TestScaleDownPerPodCMExternal: ceil(8.6/3) = 3",
   2, 6, 5, 3, metrics=[external_metric("qps", avg="3.0")], requests=Q5,
   external=external_list("qps", [8600]), recs=[], conds=status_ok())
hz("hz-scale-down-include-unready", "TestScaleDownIncludeUnreadyPods -> 2", 2, 6, 5, 2,
   cpu=50, levels=LV5, requests=Q5, readiness=["True", "True", "True", "False", "False"],
   recs=[], conds=status_ok(), extra={"currentMetrics": res_status(30, 300)})
hz("hz-scale-down-ignore-hot-cpu", "TestScaleDownIgnoreHotCpuPods -> 2", 2, 6, 5, 2,
   cpu=50, levels=LV5, requests=Q5, start=[COOL, COOL, COOL, HOT, HOT], recs=[],
   conds=status_ok(), extra={"currentMetrics": res_status(30, 300)})
hz("hz-scale-down-ignores-failed", "TestScaleDownIgnoresFailedPods -> 3", 2, 6, 5, 3,
   cpu=50, levels=LV5, requests=[1000] * 7, readiness=["True"] * 5 + ["False"] * 2,
   phase=["Running"] * 5 + ["Failed"] * 2, recs=[], conds=status_ok(),
   extra={"currentMetrics": res_status(28, 280)})
hz("hz-scale-down-ignores-deletion", "TestScaleDownIgnoresDeletionPods -> 3", 2, 6, 5, 3,
   cpu=50, levels=LV5, requests=[1000] * 7, readiness=["True"] * 5 + ["False"] * 2,
   deletion=[False] * 5 + [True] * 2, recs=[], conds=status_ok(),
   extra={"currentMetrics": res_status(28, 280)})
hz("hz-scale-up-one-metric-invalid", "TestScaleUpOneMetricInvalid: the cpu scale-up wins -> 4",
   2, 6, 3, 4, cpu=30, metrics=[{"type": "CheddarCheese"}], levels=[300, 400, 500],
   requests=Q3, conds=status_ok(),
   extra={"currentMetrics": [{"type": "Resource"}, {"type": ""}]})
hz("hz-scale-up-from-zero-one-metric-invalid",
   "TestScaleUpFromZeroOneMetricInvalid: external from zero ceil(8600/2150) = 4 beside an invalid metric",
   0, 6, 0, 4, metrics=[external_metric("qps", value="2150m"), {"type": "CheddarCheese"}],
   external=external_list("qps", [8600]), recs=[], conds=status_ok())
hz("hz-scale-up-both-metrics-empty", "TestScaleUpBothMetricsEmpty: every metric fails -> hold 3",
   2, 6, 3, 3, metrics=[{"type": "CheddarCheese"}, external_metric("qps", value="1")],
   requests=Q3, conds=held("InvalidMetricSourceType"))
hz("hz-scale-down-one-metric-invalid",
   "TestScaleDownOneMetricInvalid: an invalid metric blocks the scale-down -> 5",
   2, 6, 5, 5, cpu=50, metrics=[{"type": "CheddarCheese"}], levels=LV5, requests=Q5,
   recs=[], conds=held("InvalidMetricSourceType"))
hz("hz-scale-down-one-metric-empty",
   "TestScaleDownOneMetricEmpty: an external metric without values blocks the scale-down -> 5",
   2, 6, 5, 5, cpu=50, metrics=[external_metric("qps", value="1000m")], levels=LV5,
   requests=Q5, recs=[], conds=held("FailedGetExternalMetric"))
hz("hz-tolerance", "TestTolerance: 102% -> 3, ReadyForNewScale", 1, 5, 3, 3, cpu=100,
   levels=[1010, 1030, 1020], requests=[900, 1000, 1100],
   conds=status_ok(C("AbleToScale", "True", "ReadyForNewScale")))
hz("hz-tolerance-cm", "TestToleranceCM: avg 20333m vs 20 -> 3", 1, 5, 3, 3,
   metrics=[pods_metric("qps", "20.0")], requests=Q3,
   podcm=podcm_list("qps", [20000, 20001, 21000]),
   conds=status_ok(C("AbleToScale", "True", "ReadyForNewScale")))
hz("hz-tolerance-cm-object", "TestToleranceCMObject: 20050m/20 -> 3", 1, 5, 3, 3,
   metrics=[object_metric("qps", value="20")], requests=Q3,
   objects=object_value("qps", 20050),
   conds=status_ok(C("AbleToScale", "True", "ReadyForNewScale")))
hz("hz-tolerance-cm-external", "TestToleranceCMExternal: 8600/8666 -> 3", 1, 5, 3, 3,
   metrics=[external_metric("qps", value="8666m")], requests=Q3,
   external=external_list("qps", [8600]),
   conds=status_ok(C("AbleToScale", "True", "ReadyForNewScale")))
hz("hz-tolerance-per-pod-cm-object", "TestTolerancePerPodCMObject: 20050m/(5 x 4) -> 4",
   1, 5, 4, 4, metrics=[object_metric("qps", avg="5")], requests=[1000] * 4,
   objects=object_value("qps", 20050),
   conds=status_ok(C("AbleToScale", "True", "ReadyForNewScale")))
hz("hz-tolerance-per-pod-cm-external", "TestTolerancePerPodCMExternal: 8600m/(2200m x 4) -> 4",
   1, 5, 4, 4, metrics=[external_metric("qps", avg="2200m")], requests=[1000] * 4,
   external=external_list("qps", [8600]),
   conds=status_ok(C("AbleToScale", "True", "ReadyForNewScale")))
hz("hz-min-replicas", "TestMinReplicas: 1 -> min 2, TooFewReplicas", 2, 5, 3, 2, cpu=90,
   levels=[10, 95, 10], requests=[900, 1000, 1100], recs=[],
   conds=status_ok(C("ScalingLimited", "True", "TooFewReplicas")))
hz("hz-zero-min-replicas-desired-zero", "TestZeroMinReplicasDesiredZero -> 0", 0, 5, 3, 0,
   cpu=90, levels=[0, 0, 0], requests=[900, 1000, 1100], recs=[],
   conds=status_ok(C("ScalingLimited", "False", "DesiredWithinRange")))
hz("hz-min-replicas-desired-zero", "TestMinReplicasDesiredZero -> 2", 2, 5, 3, 2, cpu=90,
   levels=[0, 0, 0], requests=[900, 1000, 1100], recs=[],
   conds=status_ok(C("ScalingLimited", "True", "TooFewReplicas")))
hz("hz-zero-replicas", "TestZeroReplicas: scaling disabled", 3, 5, 0, 0, cpu=90,
   levels=[], requests=[],
   conds=[C("AbleToScale", "True", "SucceededGetScale"),
          C("ScalingActive", "False", "ScalingDisabled")])
hz("hz-too-few-replicas", "TestTooFewReplicas -> 3", 3, 5, 2, 3, cpu=90, levels=[],
   requests=[], conds=[C("AbleToScale", "True", "SucceededRescale")],
   extra={"reason": "Current number of replicas below Spec.MinReplicas"})
hz("hz-too-many-replicas", "TestTooManyReplicas -> 5", 3, 5, 10, 5, cpu=90, levels=[],
   requests=[], conds=[C("AbleToScale", "True", "SucceededRescale")],
   extra={"reason": "Current number of replicas above Spec.MaxReplicas"})
hz("hz-max-replicas", "TestMaxReplicas -> 5 TooManyReplicas", 2, 5, 3, 5, cpu=90,
   levels=[8000, 9500, 1000], requests=[900, 1000, 1100],
   conds=status_ok(C("ScalingLimited", "True", "TooManyReplicas")))
hz("hz-superfluous-metrics", "TestSuperfluousMetrics -> 6 TooManyReplicas", 2, 6, 4, 6,
   cpu=100, levels=[4000, 9500, 3000, 7000, 3200, 2000], requests=[1000] * 4,
   conds=status_ok(C("ScalingLimited", "True", "TooManyReplicas")))
hz("hz-missing-metrics", "TestMissingMetrics -> 3", 2, 6, 4, 3, cpu=100, levels=[400, 95],
   requests=[1000] * 4, recs=[], conds=status_ok())
hz("hz-empty-metrics", "TestEmptyMetrics -> hold 4", 2, 6, 4, 4, cpu=100, levels=[],
   requests=[1000] * 4, conds=held("FailedGetResourceMetric"))
hz("hz-empty-cpu-request", "TestEmptyCPURequest: no pods -> hold 1", 1, 5, 1, 1, cpu=100,
   levels=[200], requests=[], conds=held("FailedGetResourceMetric"))
hz("hz-event-created", "TestEventCreated: 100% vs 50 -> 2", 1, 5, 1, 2, cpu=50, levels=[200],
   requests=[200], conds=status_ok())
hz("hz-event-not-created", "TestEventNotCreated: 50% vs 50 -> 2", 1, 5, 2, 2, cpu=50,
   levels=[200, 200], requests=[400, 400],
   conds=status_ok(C("AbleToScale", "True", "ReadyForNewScale")))
hz("hz-missing-reports", "TestMissingReports: one pod at 100% vs 50 -> 2", 1, 5, 4, 2,
   cpu=50, levels=[200], requests=[200], recs=[], conds=status_ok())
hz("hz-upscale-cap", "TestUpscaleCap: 60 -> max(2 x 3, 4) = 6 ScaleUpLimit", 1, 100, 3, 6,
   cpu=10, levels=[100, 200, 300], requests=[100] * 3,
   conds=status_ok(C("ScalingLimited", "True", "ScaleUpLimit")))
hz("hz-upscale-cap-greater-than-max", "TestUpscaleCapGreaterThanMaxReplicas -> 6 ScaleUpLimit",
   1, 20, 3, 6, cpu=10, levels=[100, 150, 150], requests=[100] * 3,
   conds=status_ok(C("ScalingLimited", "True", "ScaleUpLimit")))
hz("hz-more-replicas-than-spec-no-scale",
   "TestMoreReplicasThanSpecNoScale: 5 pods, spec 4, ratio 1 -> 4", 1, 8, 4, 4, cpu=50,
   levels=[500] * 5, requests=Q5, status=5,
   conds=status_ok(C("AbleToScale", "True", "ReadyForNewScale")))
hz("hz-condition-invalid-selector-missing", "TestConditionInvalidSelectorMissing", 1, 5, 3, 3,
   cpu=10, levels=[100, 200, 300], requests=[100] * 3, selector=None,
   conds=held("InvalidSelector"))
hz("hz-condition-invalid-selector-unparsable", "TestConditionInvalidSelectorUnparsable",
   1, 5, 3, 3, cpu=10, levels=[100, 200, 300], requests=[100] * 3,
   selector="cheddar cheese", conds=held("InvalidSelector"))
hz("hz-condition-failed-get-metrics-resource", "TestConditionFailedGetMetrics (Resource)",
   1, 5, 3, 3, cpu=10, requests=[100] * 3, with_metrics=False,
   conds=held("FailedGetResourceMetric"))
hz("hz-condition-failed-get-metrics-pods", "TestConditionFailedGetMetrics (Pods)",
   1, 5, 3, 3, metrics=[pods_metric("qps", "10")], requests=[100] * 3,
   conds=held("FailedGetPodsMetric"))
hz("hz-condition-failed-get-metrics-object", "TestConditionFailedGetMetrics (Object)",
   1, 5, 3, 3, metrics=[object_metric("qps", value="10")], requests=[100] * 3,
   conds=held("FailedGetObjectMetric"))
hz("hz-condition-failed-get-metrics-external", "TestConditionFailedGetMetrics (External)",
   1, 5, 3, 3, metrics=[external_metric("qps", value="10")], requests=[100] * 3,
   conds=held("FailedGetExternalMetric"))
_c = held("InvalidMetricSourceType")
_c[1]["message"] = ('the HPA was unable to compute the replica count: '
                    'unknown metric source type "CheddarCheese"')
hz("hz-condition-invalid-metric-source-type", "TestConditionInvalidMetricSourceType",
   1, 5, 3, 3, metrics=[{"type": "CheddarCheese"}], levels=[100, 200, 300],
   requests=[100] * 3, conds=_c)
hz("hz-no-backoff-upscale-cm", "TestNoBackoffUpscaleCM -> 4", 1, 5, 3, 4,
   metrics=[pods_metric("qps", "15.0")], requests=Q3,
   podcm=podcm_list("qps", [20000, 10000, 30000]), conds=status_ok())
hz("hz-no-backoff-upscale-cm-no-backoff-cpu",
   "TestNoBackoffUpscaleCMNoBackoffCpu: cpu 2000% -> 5 TooManyReplicas", 1, 5, 3, 5,
   cpu=10, metrics=[pods_metric("qps", "15.0")], levels=[20000, 10000, 30000],
   requests=Q3, podcm=podcm_list("qps", [20000, 10000, 30000]),
   conds=status_ok(C("ScalingLimited", "True", "TooManyReplicas")))
hz("hz-stabilize-downscale", "TestStabilizeDownscale: {4, -3 min} keeps 4", 1, 5, 4, 4,
   cpu=100, levels=[50, 50, 50], requests=Q3,
   recs=[{"time": at(-600), "replicas": 10}, {"time": at(-180), "replicas": 4}],
   conds=status_ok(C("AbleToScale", "True", "ScaleDownStabilized")))
_reqs_hz = [300 + d for d in (100, -100, 10, -10, 2, -2, 1, -1, 0, 0)]
hz("hz-computed-tolerance-scale",
   "TestComputedToleranceAlgImplementation: target 56 -> 9 (requests halved per container)",
   0, 1000, 10, 9, cpu=56, levels=[150] * 10, requests=_reqs_hz, recs=[], conds=status_ok())
hz("hz-computed-tolerance-no-scale",
   "TestComputedToleranceAlgImplementation (second run): target 55 -> 10", 0, 1000, 10, 10,
   cpu=55, levels=[150] * 10, requests=_reqs_hz, recs=[],
   conds=status_ok(C("AbleToScale", "True", "ReadyForNewScale")))
hz("hz-scale-up-rc-immediately", "TestScaleUpRCImmediately: 1 < min 2 -> 2", 2, 6, 1, 2,
   levels=[0, 0, 0, 0], requests=[1000] * 4,
   conds=[C("AbleToScale", "True", "SucceededRescale")])
hz("hz-scale-down-rc-immediately", "TestScaleDownRCImmediately: 6 > max 5 -> 5", 2, 5, 6, 5,
   cpu=50, levels=[8000, 9500, 1000], requests=[900, 1000, 1100],
   conds=[C("AbleToScale", "True", "SucceededRescale")])
# == TestScalingWithRules (convertDesiredReplicasWithBehaviorRate with the
# rules defaulted by GenerateHPAScaleUp/DownRules) ============================
# The prenormalized desired count comes from an External AverageValue metric
# (ceil(total / 1) over status.replicas = current); the history is empty.


def rate(slug, desc, current, desired, expected, cond, minr=1, maxr=1000,
         up=None, down=None, up_events=None, down_events=None, extra=None):
    beh = {}
    if up is not None:
        beh["scaleUp"] = up
    if down is not None:
        beh["scaleDown"] = down
    state = {"recommendations": []}
    if up_events:
        state["scaleUpEvents"] = up_events
    if down_events:
        state["scaleDownEvents"] = down_events
    snap = desired_via_external(desired, current, minr, maxr, behavior=beh, state=state)
    exp = {"desiredReplicas": expected, "rescale": expected != current,
           "metricProposals": [{"replicas": desired}],
           "conditions": [C("ScalingLimited", "False" if cond == "DesiredWithinRange" else "True", cond)]}
    exp.update(extra or {})
    case(slug, desc, snap, **exp)


E159 = uniform_events([1, 5, 9], 120)
rate("rules-scale-up-default-behavior",
     "TestScalingWithRules 'scaleUp with default behavior': max(10 + 4, 10 x 2) = 20",
     10, 50, 20, "ScaleUpLimit")
rate("rules-scale-up-pods-larger-than-percent",
     "TestScalingWithRules 'scaleUp with pods policy larger than percent policy': 110",
     10, 500, 110, "ScaleUpLimit", up=rules(100, 60, 100, 60, 0))
rate("rules-scale-up-percent-larger-than-pods",
     "TestScalingWithRules 'scaleUp with percent policy larger than pods policy': 20",
     10, 500, 20, "ScaleUpLimit", up=rules(2, 60, 100, 60, 0))
rate("rules-scale-up-large-pod-policy",
     "TestScalingWithRules 'scaleUp with spec MaxReplicas limitation with large pod policy': 50",
     10, 50, 50, "DesiredWithinRange", up=rules(100, 60, 0, 0, 0))
rate("rules-scale-up-large-percent-policy",
     "TestScalingWithRules 'scaleUp with spec MaxReplicas limitation with large percent policy': 50",
     10, 50, 50, "DesiredWithinRange", up=rules(10000, 60, 0, 0, 0))
rate("rules-scale-up-pod-policy-limitation",
     "TestScalingWithRules 'scaleUp with pod policy limitation': 10 + 30 = 40",
     10, 50, 40, "ScaleUpLimit", up=rules(30, 60, 0, 0, 0))
rate("rules-scale-up-percent-policy-limitation",
     "TestScalingWithRules 'scaleUp with percent policy limitation': ceil(10 x 3) = 30",
     10, 50, 30, "ScaleUpLimit", up=rules(0, 0, 200, 60, 0))
rate("rules-scale-down-percent-larger-than-pod",
     "TestScalingWithRules 'scaleDown with percent policy larger than pod policy': min(80, 99) = 80",
     100, 2, 80, "ScaleDownLimit", down=rules(20, 60, 1, 60, 300))
rate("rules-scale-down-pod-larger-than-percent",
     "TestScalingWithRules 'scaleDown with pod policy larger than percent policy': min(98, 99) = 98",
     100, 2, 98, "ScaleDownLimit", down=rules(2, 60, 1, 60, 300))
rate("rules-scale-down-min-replicas-large-pod-policy",
     "TestScalingWithRules 'scaleDown with spec MinReplicas limitation with large pod policy': 1",
     10, 0, 1, "TooFewReplicas", down=rules(100, 60, 0, 0, 300))
rate("rules-scale-up-max-large-pod-policy-events",
     "TestScalingWithRules '... large pod policy and events': 91 + 300 > max 200 -> 200",
     100, 500, 200, "TooManyReplicas", maxr=200, up=rules(300, 60, 0, 0, 0), up_events=E159)
rate("rules-scale-up-max-large-percent-policy-events",
     "TestScalingWithRules '... large percent policy and events': -> max 200",
     100, 500, 200, "TooManyReplicas", maxr=200, up=rules(0, 0, 10000, 60, 0), up_events=E159)
rate("rules-scale-up-current-limitation-recent-events",
     "TestScalingWithRules 'scaleUp with currentReplicas limitation ...': 85 + 5 < 100 -> 100",
     100, 500, 100, "ScaleUpLimit", up=rules(5, 120, 0, 0, 0), up_events=E159)
rate("rules-scale-up-pod-policy-previous-events",
     "TestScalingWithRules 'scaleUp with pod policy and previous scale up events': 85 + 150 = 235",
     100, 500, 235, "ScaleUpLimit", up=rules(150, 120, 0, 0, 0), up_events=E159)
rate("rules-scale-up-percent-policy-previous-events",
     "TestScalingWithRules 'scaleUp with percent policy and previous scale up events': ceil(85 x 1.5) = 128",
     100, 500, 128, "ScaleUpLimit", up=rules(0, 0, 50, 120, 0), up_events=E159)
rate("rules-scale-up-percent-up-and-down-events",
     "TestScalingWithRules 'scaleUp with percent policy and previous scale up and down events': (6-4+2) x 4 = 16",
     6, 24, 16, "ScaleUpLimit", up=rules(0, 0, 300, 300, 0),
     up_events=uniform_events([4], 120), down_events=uniform_events([2], 120))
rate("rules-scale-down-default-policy-previous-events",
     "TestScalingWithRules 'scaleDown with default policy and previous events': 5",
     10, 5, 5, "DesiredWithinRange", down_events=E159)
rate("rules-scale-down-min-nil-large-pod-policy-events",
     "TestScalingWithRules 'scaleDown with spec MinReplicas=nil limitation with large pod policy and previous events': 1",
     100, 0, 1, "TooFewReplicas", down=rules(115, 120, 0, 0, 300), down_events=E159)
rate("rules-scale-down-min-large-pod-policy-events",
     "TestScalingWithRules 'scaleDown with spec MinReplicas limitation with large pod policy and previous events': 5",
     100, 0, 5, "TooFewReplicas", minr=5, down=rules(130, 120, 0, 0, 300), down_events=E159)
rate("rules-scale-down-min-large-percent-policy-events",
     "TestScalingWithRules 'scaleDown with spec MinReplicas limitation with large percent policy and previous events': 5",
     100, 2, 5, "TooFewReplicas", minr=5, down=rules(0, 0, 100, 120, 300), down_events=E159)
rate("rules-scale-down-pod-policy-limitation-events",
     "TestScalingWithRules 'scaleDown with pod policy limitation and previous events': 115 - 5 > 100 -> 100",
     100, 2, 100, "ScaleDownLimit", down=rules(5, 120, 0, 0, 300), down_events=E159)
rate("rules-scale-down-percent-policy-limitation-events",
     "TestScalingWithRules 'scaleDown with percent policy limitation and previous events': 112 x 0.5 = 56",
     100, 0, 56, "ScaleDownLimit", down=rules(0, 0, 50, 120, 300),
     down_events=uniform_events([2, 4, 6], 120))
rate("rules-scale-down-percent-up-and-down-events",
     "TestScalingWithRules 'scaleDown with percent policy and previous scale up and down events': (10-2+4) x 0.5 = 6",
     10, 1, 6, "ScaleDownLimit", down=rules(0, 0, 50, 180, 0),
     up_events=uniform_events([2], 120), down_events=uniform_events([4], 120))
rate("rules-scale-down-previous-events-prevent",
     "TestScalingWithRules 'scaleDown with previous events preventing further scale down': 117 > 100 -> 100",
     100, 0, 100, "ScaleDownLimit", down=rules(0, 0, 10, 120, 300),
     down_events=uniform_events([10, 10, 10], 120))
rate("rules-scale-down-previous-events-still-allow",
     "TestScalingWithRules 'scaleDown with with previous events still allowing more scale down': 5",
     10, 5, 5, "DesiredWithinRange", down=rules(0, 0, 1000, 120, 300),
     down_events=uniform_events([10, 10, 10], 120))
rate("rules-scale-up-select-min",
     "scaleUp with selectPolicy Min: min(10 + 2, ceil(10 x 1.5)) = 12",
     10, 50, 12, "ScaleUpLimit", up=rules(2, 60, 50, 60, 0, "Min"))
rate("rules-scale-up-disabled",
     "scaleUp with selectPolicy Disabled: the limit is the current count",
     10, 50, 10, "ScaleUpLimit", up=rules(2, 60, 50, 60, 0, "Disabled"))
rate("rules-scale-down-disabled",
     "scaleDown with selectPolicy Disabled: the limit is the current count",
     10, 5, 10, "ScaleDownLimit", down=rules(2, 60, 50, 60, 0, "Disabled"))
rate("rules-scale-down-select-min",
     "scaleDown with selectPolicy Min: max(10 - 2, trunc(10 x 0.5)) = 8",
     10, 1, 8, "ScaleDownLimit", down=rules(2, 60, 50, 60, 0, "Min"))
rate("calc-scale-up-limit-min",
     "TestCalculateScaleUpLimitWithScalingRules: Min of 1 + 2 and ceil(1 x 1.5) = 2",
     1, 10, 2, "ScaleUpLimit",
     up={"stabilizationWindowSeconds": 300, "selectPolicy": "Min", "policies": [
         {"type": "Pods", "value": 2, "periodSeconds": 60},
         {"type": "Percent", "value": 50, "periodSeconds": 60}]})
rate("calc-scale-down-limit-min",
     "TestCalculateScaleDownLimitWithBehaviors: Min of 5 - 2 and trunc(5 x 0.5) = 3",
     5, 1, 3, "ScaleDownLimit",
     down={"stabilizationWindowSeconds": 300, "selectPolicy": "Min", "policies": [
         {"type": "Pods", "value": 2, "periodSeconds": 60},
         {"type": "Percent", "value": 50, "periodSeconds": 60}]})


# == TestNormalizeDesiredReplicasWithBehavior ==================================
def stab(slug, desc, recs, current, desired, expected, upw=0, downw=0, reason=None,
         extra=None):
    beh = {"scaleUp": {"stabilizationWindowSeconds": upw,
                       "policies": [{"type": "Pods", "value": 1000, "periodSeconds": 15}]},
           "scaleDown": {"stabilizationWindowSeconds": downw}}
    snap = desired_via_external(desired, current, 1, 1000, behavior=beh,
                                state={"recommendations": [
                                    {"time": at(-ago), "replicas": r} for r, ago in recs]})
    exp = {"desiredReplicas": expected, "metricProposals": [{"replicas": desired}]}
    if reason:
        exp["conditions"] = [C("AbleToScale", "True", reason)]
    exp.update(extra or {})
    case(slug, desc, snap, **exp)


stab("stab-empty-scale-down", "TestNormalizeDesiredReplicasWithBehavior 'empty recommendations for scaling down'",
     [], 100, 5, 5, reason="SucceededRescale")
stab("stab-simple-scale-down", "'simple scale down stabilization': max(3, 4, 5) = 5",
     [(4, 120), (5, 60)], 100, 3, 5, downw=180,
     extra={"conditions": [C("AbleToScale", "True", "SucceededRescale")],
            "state": {"recommendations": [{"time": at(-120), "replicas": 4},
                                          {"time": at(-60), "replicas": 5},
                                          {"time": at(0), "replicas": 3}]}})
stab("stab-simple-scale-up", "'simple scale up stabilization': min(7, 4, 5) = 4",
     [(4, 120), (5, 60)], 1, 7, 4, upw=300)
stab("stab-no-scale-down", "'no scale down stabilization': 3", [(1, 120), (2, 60)], 100, 3, 3,
     upw=300)
stab("stab-no-scale-up", "'no scale up stabilization': 3", [(4, 120), (5, 60)], 1, 3, 3,
     downw=300)
stab("stab-no-scale-down-reuse", "'no scale down stabilization, reuse recommendation element'",
     [(10, 600), (9, 540)], 100, 3, 3)
stab("stab-no-scale-up-reuse", "'no scale up stabilization, reuse recommendation element'",
     [(10, 600), (9, 540)], 1, 100, 100)
stab("stab-scale-down-reuse-obsolete",
     "'scale down stabilization, reuse one of obsolete recommendation element': 5; the last obsolete slot (9) is reused",
     [(10, 600), (4, 60), (5, 120), (9, 540)], 100, 3, 5, downw=180,
     extra={"state": {"recommendations": [{"time": at(-60), "replicas": 4},
                                          {"time": at(-120), "replicas": 5},
                                          {"time": at(0), "replicas": 3}]}})
stab("stab-scale-up-reuse-obsolete",
     "'scale up stabilization, reuse one of obsolete recommendation element': 5",
     [(10, 6000), (6, 60), (5, 120), (9, 180)], 1, 100, 5, upw=300,
     extra={"state": {"recommendations": [{"time": at(0), "replicas": 100},
                                          {"time": at(-60), "replicas": 6},
                                          {"time": at(-120), "replicas": 5},
                                          {"time": at(-180), "replicas": 9}]}})
stab("stab-scale-up-stabilized-reason",
     "raw 7 >= current 1, stabilized to 4 and not rescaled by it: AbleToScale ScaleUpStabilized before the rescale",
     [(4, 120), (5, 60)], 4, 7, 4, upw=300,
     extra={"rescale": False, "conditions": [C("AbleToScale", "True", "ScaleUpStabilized")]})
stab("stab-scale-down-stabilized-reason",
     "raw 3 < current 5, held at 5 by a recent 5: ScaleDownStabilized",
     [(5, 60)], 5, 3, 5, downw=180,
     extra={"rescale": False, "conditions": [C("AbleToScale", "True", "ScaleDownStabilized")]})


# == TestStoreScaleEvents (through a rescale 5 -> 10) ===========================
def store(slug, desc, prev, expected_events, up):
    snap = desired_via_external(10, 5, 1, 1000, behavior={"scaleUp": up} if up else None,
                                state={"recommendations": [], "scaleUpEvents": [
                                    {"time": at(-ago), "change": ch} for ch, ago in prev]})
    case(slug, desc, snap, desiredReplicas=10,
         state={"scaleUpEvents": [{"time": at(-ago), "change": ch}
                                  for ch, ago in expected_events]})


store("store-empty-two-policy", "TestStoreScaleEvents 'empty entries with two-policy-behavior'",
      [], [(5, 0)], rules(100, 60, 100, 60, 0))
store("store-outdated-kept-without-behavior",
      "TestStoreScaleEvents 'one outdated entry to be kept untouched without behavior'",
      [(7, 61)], [(7, 61)], None)
store("store-outdated-replaced", "TestStoreScaleEvents 'one outdated entry to be replaced'",
      [(7, 61)], [(5, 0)], rules(100, 60, 100, 60, 0))
store("store-actual-untouched", "TestStoreScaleEvents 'one actual entry to be not touched'",
      [(7, 58)], [(7, 58), (5, 0)], rules(100, 60, 100, 60, 0))
store("store-two-one-replaced", "TestStoreScaleEvents 'two entries, one of them to be replaced'",
      [(7, 61), (6, 59)], [(5, 0), (6, 59)], rules(100, 60, 0, 0, 0))
store("store-different-periods",
      "TestStoreScaleEvents 'replace one entry, use policies with different periods': the last outdated slot is reused; the other outdated one is dropped (contract: outdated entries dropped)",
      [(8, 29), (6, 121), (7, 123)], [(8, 29), (5, 0)], rules(100, 60, 100, 120, 0))
store("store-two-replace-last",
      "TestStoreScaleEvents 'two entries, replace all of them': the last outdated slot is reused, the other dropped",
      [(7, 61), (10, 62)], [(5, 0)], rules(100, 60, 0, 0, 0))


# == TestConvertDesiredReplicasWithRules (no behavior) ==========================
def conv(slug, desc, current, desired, minr, maxr, expected, cond):
    snap = desired_via_external(desired, current, minr, maxr)
    case(slug, desc, snap, desiredReplicas=expected,
         conditions=[C("ScalingLimited", "False" if expected == desired else "True", cond)])


conv("convert-within-range", "TestConvertDesiredReplicasWithRules: within range", 5, 7, 3, 8, 7,
     "DesiredWithinRange")
conv("convert-below-min", "TestConvertDesiredReplicasWithRules: < minReplicas", 3, 1, 2, 8, 2,
     "TooFewReplicas")
conv("convert-zero-min", "TestConvertDesiredReplicasWithRules: minReplicas 0, desired 0", 1, 0,
     0, 10, 0, "DesiredWithinRange")
conv("convert-scale-up-limit", "TestConvertDesiredReplicasWithRules: calculateScaleUpLimit(3) = 6",
     3, 1000, 1, 2000, 6, "ScaleUpLimit")
conv("convert-max-below-scale-up-limit",
     "TestConvertDesiredReplicasWithRules: maxReplicas 30 < scale-up limit 40", 20, 1000, 1, 30,
     30, "TooManyReplicas")
# == Edge cases read off the upstream code (expected values by hand) ===========
PCT = lambda p: {"type": "Percent", "value": p, "periodSeconds": 15}

rate("float-percent-up-ceil",
     "Percent 12 from 25: Go float64(25) * (1 + 12/100) = 28.000000000000004 -> ceil = 29 (not 28)",
     25, 100, 29, "ScaleUpLimit", up={"policies": [PCT(12)]})
rate("float-percent-down-trunc",
     "Percent 80 down from 20: float64(20) * (1 - 0.8) = 3.999999999999999 -> int32 = 3 (not 4)",
     20, 1, 3, "ScaleDownLimit", down={"policies": [PCT(80)]})
rate("float-percent-down-trunc-small",
     "Percent 10 down from 3: 3 x 0.9 = 2.7 -> 2",
     3, 1, 2, "ScaleDownLimit", down={"policies": [PCT(10)]})
rate("behavior-only-scale-down-defaults-up",
     "behavior with only scaleDown: scaleUp is the default (4 Pods / 100 Percent per 15 s, Max) -> 20",
     10, 50, 20, "ScaleUpLimit", down={"policies": [PCT(50)]})
rate("behavior-only-scale-up-defaults-down",
     "behavior with only scaleUp: scaleDown is the default 100 Percent per 15 s -> 1 (min)",
     10, 0, 1, "TooFewReplicas", up={"policies": [PCT(10)]})
rate("policies-empty-scale-up-max",
     "scaleUp.policies [] replaces the defaults with nothing: Max over no policy is MinInt32 -> held at current",
     10, 50, 10, "ScaleUpLimit", up={"policies": []})
rate("policies-empty-scale-up-min",
     "scaleUp.policies [] with selectPolicy Min: MaxInt32 -> only maxReplicas limits",
     10, 50, 20, "TooManyReplicas", maxr=20, up={"policies": [], "selectPolicy": "Min"})
rate("policies-empty-scale-down-max",
     "scaleDown.policies [] with Max: MaxInt32 capped at current -> no scale-down",
     10, 2, 10, "ScaleDownLimit", down={"policies": []})
rate("policies-empty-scale-down-min",
     "scaleDown.policies [] with Min: MinInt32 -> only minReplicas limits",
     10, 0, 1, "TooFewReplicas", down={"policies": [], "selectPolicy": "Min"})
rate("scale-up-limit-equal-max-too-many",
     "scale-up limit max(5+4, 10) = 10 equals maxReplicas 10: not strictly below -> TooManyReplicas",
     5, 20, 10, "TooManyReplicas", maxr=10)
rate("scale-down-limit-equal-min-too-few",
     "scale-down limit 4 - 2 = 2 equals minReplicas 2: not strictly above -> TooFewReplicas",
     4, 1, 2, "TooFewReplicas", minr=2,
     down={"policies": [{"type": "Pods", "value": 2, "periodSeconds": 60}]})
rate("rate-events-in-both-directions-window",
     "period start 10 - 3 (up at -10 s) + 1 (down at -5 s) = 8; Pods 4 -> 12",
     10, 50, 12, "ScaleUpLimit",
     up={"policies": [{"type": "Pods", "value": 4, "periodSeconds": 60}]},
     up_events=[{"time": at(-10), "change": 3}], down_events=[{"time": at(-5), "change": 1}])


def stab_opts(slug, desc, recs, current, desired, expected, options, behavior, extra=None):
    snap = desired_via_external(desired, current, 1, 1000, behavior=behavior,
                                state={"recommendations": [
                                    {"time": t, "replicas": r} for r, t in recs]})
    snap["options"].update(options)
    exp = {"desiredReplicas": expected}
    exp.update(extra or {})
    case(slug, desc, snap, **exp)


stab_opts("down-window-option-with-behavior",
          "scaleDown without stabilizationWindowSeconds takes options.downscaleStabilizationWindow (2m): the 6 at -1 min counts, the 9 at -3 min not",
          [(9, at(-180)), (6, at(-60))], 10, 3, 6, {"downscaleStabilizationWindow": "2m"},
          {"scaleDown": {"policies": [PCT(100)]}})
stab_opts("down-window-option-truncated-seconds",
          "maybeInitScaleDownStabilizationWindow: int32(90.5 s .Seconds()) = 90: a 7 at -90.3 s is outside",
          [(7, "2026-11-29T09:58:29.700Z")], 10, 3, 3, {"downscaleStabilizationWindow": "90500ms"},
          {"scaleDown": {"policies": [PCT(100)]}})
stab_opts("down-window-option-full-without-behavior",
          "without a behavior the cutoff is now - 90.5 s (full duration): a 7 at -90.3 s counts",
          [(7, "2026-11-29T09:58:29.700Z")], 10, 3, 7, {"downscaleStabilizationWindow": "90500ms"},
          None, extra={"conditions": [C("AbleToScale", "True", "SucceededRescale")]})
stab_opts("behavior-first-decision-records-current",
          "behavior, no history (recommendations absent): {10, now} is recorded first and holds a scale-down in the default 300 s window",
          [], 10, 3, 10, {}, {"scaleUp": {"policies": [PCT(100)]}},
          extra={"rescale": False, "conditions": [C("AbleToScale", "True", "ScaleDownStabilized")]})
CASES[-1][1]["snapshot"]["state"] = {}
stab_opts("behavior-records-raw-desired",
          "the raw metric proposal (50, above maxReplicas) is what is recorded",
          [], 10, 50, 20, {}, {"scaleUp": {"policies": [PCT(100)]}},
          extra={"state": {"recommendations": [{"time": at(0), "replicas": 50}]}})


# -- tolerances ---------------------------------------------------------------
def tol(slug, desc, current, util_levels, target, expected, behavior=None, options=None,
        extra=None):
    n = len(util_levels)
    h = hpa(1, 1000, [cpu_util(target)], behavior=behavior)
    snap = snapshot(h, scale(current), pods=hz_pods(n, [1000] * n),
                    metrics=hz_metrics(util_levels), state={"recommendations": []},
                    options=options)
    exp = {"desiredReplicas": expected}
    exp.update(extra or {})
    case(slug, desc, snap, **exp)


tol("tolerance-scale-up-wide", "behavior.scaleUp.tolerance 0.5: ratio 1.4 is inside -> 4",
    4, [700] * 4, 50, 4,
    behavior={"scaleUp": {"tolerance": "0.5", "policies": [PCT(900)]}})
tol("tolerance-scale-up-wide-outside", "behavior.scaleUp.tolerance 0.5: ratio 1.6 is outside -> ceil(6.4) = 7",
    4, [800] * 4, 50, 7,
    behavior={"scaleUp": {"tolerance": "0.5", "policies": [PCT(900)]}})
tol("tolerance-scale-down-narrow", "behavior.scaleDown.tolerance 50m: ratio 0.92 is outside (< 0.95) -> ceil(3.68) = 4",
    4, [460] * 4, 50, 4,
    behavior={"scaleDown": {"tolerance": "50m", "stabilizationWindowSeconds": 0}})
tol("tolerance-scale-down-narrow-up-default",
    "scaleDown.tolerance only: the scale-up side keeps options.tolerance 0.1 -> ratio 1.08 inside",
    4, [540] * 4, 50, 4,
    behavior={"scaleDown": {"tolerance": "0.05", "stabilizationWindowSeconds": 0}})
tol("tolerance-zero-both", "tolerance 0 both ways: ratio 1.02 -> ceil(4.08) = 5",
    4, [510] * 4, 50, 5,
    behavior={"scaleUp": {"tolerance": "0"}, "scaleDown": {"tolerance": "0"}})
tol("tolerance-edge-inclusive-005", "scaleUp.tolerance 0.05 and ratio 105/100: 1.05 <= 1 + 0.05 -> inside",
    4, [1050] * 4, 100, 4,
    behavior={"scaleUp": {"tolerance": "0.05"}})
tol("tolerance-option-without-behavior", "options.tolerance 0.2 and no behavior: ratio 0.82 inside -> 4",
    4, [410] * 4, 50, 4, options={"tolerance": 0.2})
tol("tolerance-option-without-behavior-outside", "options.tolerance 0.2 and no behavior: ratio 0.78 outside -> ceil(3.12) = 4",
    5, [390] * 5, 50, 4, options={"tolerance": 0.2})
tol("tolerance-recompute-uses-direction",
    "missing pod, ratio 0.5 < 1; recomputed ratio 0.625 vs scaleDown.tolerance 0.4 -> inside (>= 0.6) -> current",
    4, [500] * 3, 100, 4,
    behavior={"scaleDown": {"tolerance": "0.4", "stabilizationWindowSeconds": 0}})
CASES[-1][1]["snapshot"]["pods"]["items"].append(pod(3, req=1000, ltt=ZERO, split=True))


# -- per-pod Object / External: status.replicas, not spec.replicas --------------
def perpod(slug, desc, spec, status, level, avg, expected, kind="Object", extra=None):
    m = object_metric("qps", avg=avg) if kind == "Object" else external_metric("qps", avg=avg)
    snap = snapshot(hpa(1, 1000, [m]), scale(spec, status), pods=[],
                    objects=object_value("qps", level) if kind == "Object" else None,
                    external=external_list("qps", [level]) if kind != "Object" else None,
                    state={"recommendations": []})
    exp = {"desiredReplicas": expected}
    exp.update(extra or {})
    case(slug, desc, snap, **exp)


perpod("object-per-pod-status-replicas",
       "Object AverageValue: 10 / (2 x status 5) = 1 inside -> status.replicas 5, not spec 3",
       3, 5, 10000, "2", 5,
       extra={"currentMetrics": [{"type": "Object", "object": {"current": {"averageValue": "2"}}}]})
perpod("external-per-pod-status-replicas",
       "External AverageValue: 12 / (3 x status 4) = 1 inside -> 4 with spec 6: a scale-down",
       6, 4, 12000, "3", 4, kind="External",
       extra={"reason": "All metrics below target"})
perpod("object-per-pod-status-zero",
       "Object AverageValue with status.replicas 0: ratio +Inf is outside -> ceil(10/2) = 5; average int64(+Inf) as Go on amd64",
       3, 0, 10000, "2", 5,
       extra={"currentMetrics": [{"type": "Object", "object": {
           "current": {"averageValue": "-9223372036854775808m"}}}]})
perpod("external-reason-names-selector",
       "External metric name is fmt %+v of the selector",
       2, 2, 8000, "2", 4, kind="External",
       extra={"reason": "external metric qps(&LabelSelector{MatchLabels:map[string]string{label: value,},MatchExpressions:[]LabelSelectorRequirement{},}) above target"})
perpod("object-average-reason-sic",
       "Object AverageValue is named 'external metric ...(nil)' upstream (sic)",
       2, 2, 8000, "2", 4,
       extra={"reason": "external metric qps(nil) above target"})

# -- several metrics ------------------------------------------------------------
_h = hpa(0, 10, [object_metric("qps", value="10"),
                 {"type": "Object", "object": {
                     "describedObject": {"apiVersion": "apps/v1", "kind": "Deployment",
                                         "name": "some-deployment"},
                     "metric": {"name": "rps"}, "target": {"type": "Value", "value": "10"}}}])
_s = snapshot(_h, scale(3), pods=hz_pods(3, Q3),
              objects=object_value("qps", 0) + object_value("rps", 0),
              state={"recommendations": []})
_c = C("ScalingActive", "True", "ValidMetricFound")
_c["message"] = "the HPA was able to successfully calculate a replica count from Deployment metric rps"
case("two-zero-proposals-name-last",
     "replicas == 0 || proposal > replicas: two proposals of 0 -> the second metric is named",
     _s, desiredReplicas=0, conditions=[_c])
hz("invalid-metric-equal-spec-not-held",
   "an invalid metric beside a proposal equal to spec.replicas does not hold (not < spec): ValidMetricFound",
   1, 10, 3, 3, cpu=50, metrics=[{"type": "CheddarCheese"}], levels=[500, 500, 500],
   requests=Q3, recs=[],
   conds=status_ok(C("AbleToScale", "True", "ReadyForNewScale")))
hz("scale-from-zero-cpu-fails",
   "min 0, current 0, a CPU metric and no pods: the metric fails -> hold at 0",
   0, 10, 0, 0, cpu=50, requests=[], levels=[], conds=held("FailedGetResourceMetric"))
hz("external-needs-scale-selector",
   "the scale's selector is checked before any metric, External too", 1, 10, 3, 3,
   metrics=[external_metric("qps", value="1")], external=external_list("qps", [9000]),
   selector=None, conds=held("InvalidSelector"))
hz("external-values-summed", "External Value: 3000m + 6000m = 9 vs 3 -> ceil(3 x 3 ready) = 9, capped at max(2 x 3, 4) = 6",
   1, 20, 3, 6, metrics=[external_metric("qps", value="3")],
   external=external_list("qps", [3000, 6000]),
   conds=status_ok(C("ScalingLimited", "True", "ScaleUpLimit")),
   extra={"metricProposals": [{"replicas": 9}]})

# -- Pods metric quirks -----------------------------------------------------------
_s = snapshot(hpa(1, 10, [pods_metric("qps", "10")]), scale(3), pods=hz_pods(3, Q3),
              podcm=podcm_list("qps", [10000, 10000]), state={"recommendations": []})
case("pods-metric-ratio-one-missing-scales-down",
     "calcPlainMetricReplicas: ratio exactly 1 with a missing pod adds it at 0 (plain else) -> 0.667 -> ceil(2) = 2",
     _s, desiredReplicas=2)
_s = snapshot(hpa(1, 10, [{"type": "Resource", "resource": {"name": "cpu", "target": {
    "type": "AverageValue", "averageValue": "250m"}}}]), scale(3),
    pods=hz_pods(3, Q3, readiness=["False", "True", "True"]),
    metrics=hz_metrics([900, 500, 500]), state={"recommendations": []})
case("cpu-average-value-unready-pod",
     "cpu AverageValue: readiness applies (pod 0 unready); avg 500m vs 250m -> unready at 0: 333m -> ceil(1.333 x 3) = 4",
     _s, desiredReplicas=4, reason="cpu resource above target",
     currentMetrics=[{"type": "Resource", "resource": {"name": "cpu", "current": {"averageValue": "500m"}}}])
_s = snapshot(hpa(1, 10, [{"type": "Resource", "resource": {"name": "memory", "target": {
    "type": "Utilization", "averageUtilization": 50}}}]), scale(3),
    pods=[dict(p, spec={"containers": [{"name": "container1", "resources": {"requests": {"memory": "100Mi"}}}]})
          for p in hz_pods(3, Q3, readiness=["False", "True", "True"], start=[HOT, HOT, HOT])],
    metrics=[{"metadata": {"name": "test-pod-%d" % i}, "timestamp": at(0), "window": "1m",
              "containers": [{"name": "container1", "usage": {"memory": "80Mi"}}]} for i in range(3)],
    state={"recommendations": []})
case("memory-utilization-ignores-readiness",
     "memory: unready and hot pods count (CPU rules only) -> 80% vs 50 -> ceil(1.6 x 3) = 5",
     _s, desiredReplicas=5, currentMetrics=[{"type": "Resource", "resource": {
         "name": "memory", "current": {"averageUtilization": 80, "averageValue": "83886080"}}}])

# -- ContainerResource with a missing container metric -----------------------------
_m = hz_metrics([400, 400, 400])
_m[2]["containers"] = [_m[2]["containers"][1]]      # pod 2 reports only container2
_s = snapshot(hpa(1, 10, [{"type": "ContainerResource", "containerResource": {
    "name": "cpu", "container": "container1",
    "target": {"type": "Utilization", "averageUtilization": 80}}}]), scale(3),
    pods=hz_pods(3, Q3), metrics=_m, state={"recommendations": []})
case("container-metric-missing-is-missing-pod",
     "container1 absent from pod 2's metrics: missing, not an error; 40% vs 80 -> missing at 500m x 100% -> 60% -> ceil(0.75 x 3) = 3 (no change)",
     _s, desiredReplicas=3, currentMetrics=res_status(40, 200, "container1"))
_m = hz_metrics([100, 100, 100])
_m[2]["containers"] = [_m[2]["containers"][1]]
_s = snapshot(hpa(1, 10, [{"type": "ContainerResource", "containerResource": {
    "name": "cpu", "container": "container1",
    "target": {"type": "Utilization", "averageUtilization": 50}}}]), scale(3),
    pods=hz_pods(3, Q3), metrics=_m, state={"recommendations": []})
case("container-metric-missing-scale-down",
     "container1 missing on pod 2: 10% vs 50 -> missing at 500m -> (50+50+500)/1500 = 40% -> ceil(0.8 x 3) = 3",
     _s, desiredReplicas=3)
_p = hz_pods(2, [1000, 1000])
for p in _p:
    p["spec"]["initContainers"] = [{"name": "proxy", "restartPolicy": "Always",
                                    "resources": {"requests": {"cpu": "200m"}}}]
_m = hz_metrics([400, 400])
for m in _m:
    m["containers"].append({"name": "proxy", "usage": {"cpu": "300m"}})
_s = snapshot(hpa(1, 10, [{"type": "ContainerResource", "containerResource": {
    "name": "cpu", "container": "proxy",
    "target": {"type": "Utilization", "averageUtilization": 50}}}]), scale(2),
    pods=_p, metrics=_m, state={"recommendations": []})
case("container-resource-named-sidecar",
     "ContainerResource naming a sidecar init container: 300m of 200m = 150% vs 50 -> ceil(3 x 2) = 6",
     _s, desiredReplicas=4, metricProposals=[{"replicas": 6}],
     currentMetrics=res_status(150, 300, "proxy"))

# -- conditions carried over from hpa.status.conditions -----------------------------
_old = [dict(C("AbleToScale", "True", "ReadyForNewScale"), message="m",
             lastTransitionTime=at(-3600)),
        dict(C("ScalingActive", "False", "FailedGetResourceMetric"), message="m",
             lastTransitionTime=at(-3600)),
        dict(C("ScalingLimited", "True", "TooManyReplicas"), message="m",
             lastTransitionTime=at(-3600))]
_s = snapshot(hpa(1, 10, [cpu_util(50)], conditions=_old), scale(3), pods=hz_pods(3, Q3),
              metrics=hz_metrics([500, 500, 500]), state={"recommendations": []})
case("conditions-transition-times",
     "status kept for AbleToScale (True -> True keeps its time), ScalingActive and ScalingLimited change status -> now",
     _s, desiredReplicas=3, conditionsOrdered=True, conditions=[
         dict(C("AbleToScale", "True", "ReadyForNewScale"), lastTransitionTime=at(-3600)),
         dict(C("ScalingActive", "True", "ValidMetricFound"), lastTransitionTime=at(0)),
         dict(C("ScalingLimited", "False", "DesiredWithinRange"), lastTransitionTime=at(0))])
_s = snapshot(hpa(4, 10, [cpu_util(50)], conditions=_old), scale(3), pods=hz_pods(3, Q3),
              metrics=hz_metrics([500, 500, 500]), state={"recommendations": []})
case("conditions-out-of-range-untouched",
     "current below min: only AbleToScale is set; ScalingActive/ScalingLimited keep the input's values",
     _s, desiredReplicas=4, conditionsOrdered=True, conditions=[
         dict(C("AbleToScale", "True", "SucceededRescale"), lastTransitionTime=at(-3600)),
         dict(C("ScalingActive", "False", "FailedGetResourceMetric"), lastTransitionTime=at(-3600)),
         dict(C("ScalingLimited", "True", "TooManyReplicas"), lastTransitionTime=at(-3600))])

# -- Go zero times ---------------------------------------------------------------
_p = hz_pods(3, Q3, readiness=["False", "True", "True"])
for p in _p:
    del p["status"]["conditions"][0]["lastTransitionTime"]
_s = snapshot(hpa(1, 10, [cpu_util(30)]), scale(3), pods=_p,
              metrics=hz_metrics([300, 500, 700]), state={"recommendations": []})
case("ready-false-zero-start-no-transition",
     "startTime 0001-01-01 and no Ready.lastTransitionTime (Go zero): start + 10 s > zero -> never ready -> unready (ScaleUpUnreadyLessScale) -> 4",
     _s, desiredReplicas=4)
_p = hz_pods(3, Q3, start=[HOT, COOL, COOL])
for p in _p:
    p["status"]["conditions"][0]["lastTransitionTime"] = None
_m = hz_metrics([300, 500, 700])
for m in _m:
    m["timestamp"] = None
_s = snapshot(hpa(1, 10, [cpu_util(30)]), scale(3), pods=_p, metrics=_m,
              state={"recommendations": []})
case("null-times-are-go-zero",
     "lastTransitionTime and timestamp null (how Go marshals a zero metav1.Time): zero < zero + window -> the hot pod is unready -> 4",
     _s, desiredReplicas=4)
# -- state kept for the next decision ---------------------------------------------
_s = desired_via_external(8, 8, 1, 100,
                          behavior={"scaleUp": {"policies": [{"type": "Pods", "value": 2, "periodSeconds": 300}]}},
                          state={"recommendations": [],
                                 "scaleDownEvents": [{"time": at(-100), "change": 2}]})
case("state-keeps-down-event-for-up-period",
     "a scale-down event 100 s old is past the scale-down period (15 s) but inside the scale-up policy's 300 s, whose period start reads it: the output state must keep it",
     _s, desiredReplicas=8,
     state={"scaleDownEvents": [{"time": at(-100), "change": 2}]})
_s = desired_via_external(20, 8, 1, 100,
                          behavior={"scaleUp": {"policies": [{"type": "Pods", "value": 2, "periodSeconds": 300}]}},
                          state={"recommendations": [],
                                 "scaleDownEvents": [{"time": at(-100), "change": 2}]})
case("up-period-start-counts-down-events",
     "the same state one decision later: period start 8 - 0 + 2 = 10 -> limit 12",
     _s, desiredReplicas=12, conditions=[C("ScalingLimited", "True", "ScaleUpLimit")])
# == TestGroupPods-style readiness rows (CPU, options 2 min / 10 s) =============
# Pod A is ready and uses 20% of its request; pod B (the row's subject) uses
# 80%. B counted as ready: 50% vs 50 -> 2 (no change); B unready: 20% ->
# ceil(0.4 x 1) = 1. History empty, minReplicas 1.
def grp(slug, desc, ready_b, start, ltt=None, ts=at(0), window="1m",
        status="True", phase="Running"):
    a = pod(0, req=1000, start=at(-3600), ltt=at(-3590), split=True)
    b = pod(1, req=1000, ready=status, start=start, ltt=ltt, phase=phase, split=True)
    ms = [podmetric("test-pod-0", 100, 100, at(0)), podmetric("test-pod-1", 400, 400, ts)]
    ms[0]["window"] = "1m"
    ms[1]["window"] = window
    snap = snapshot(hpa(1, 10, [cpu_util(50)]), scale(2), pods=[a, b], metrics=ms,
                    state={"recommendations": []})
    case(slug, desc, snap, desiredReplicas=2 if ready_b else 1)


grp("group-ready-stale-metrics-after-init",
    "TestGroupPods 'count in a ready pod without fresh metrics after initialization period'",
    True, at(-180), ltt=at(-60), ts=at(-120))
grp("group-unready-was-ready-after-init",
    "TestGroupPods 'count in an unready pod that was ready after initialization period'",
    True, at(-600), ltt=at(-540), ts=at(-120), status="False")
grp("group-never-ready-after-init",
    "TestGroupPods 'unready pod that was never ready after initialization period': start + 10 s > Ready transition",
    False, at(-600), ltt=at(-594), status="False")
grp("group-fresh-metrics-during-init",
    "TestGroupPods 'count in a ready pod with fresh metrics during initialization period': ts >= transition + window",
    True, at(-60), ltt=at(-30), window="30s")
grp("group-stale-metrics-during-init",
    "TestGroupPods 'count out as unready a ready pod without fresh metrics during initialization period'",
    False, at(-60), ltt=at(-30), window="1m")
grp("group-metric-1ms-before-ready-plus-window",
    "during initialization: timestamp 1 ms before Ready transition + window -> unready",
    False, at(-60), ltt=at(-30), ts="2026-11-29T09:59:59.999Z", window="30s")
grp("group-init-period-ends-exactly-now",
    "start + cpuInitializationPeriod == now is not After(now): the after-init rule applies, Ready True -> ready",
    True, at(-120), ltt=at(-30), ts=at(-300))
grp("group-init-period-ends-1ms-after-now",
    "start + cpuInitializationPeriod 1 ms after now: still initializing, stale sample -> unready",
    False, "2026-11-29T09:58:00.001Z", ltt=at(-30), ts=at(-300))
grp("group-ready-false-during-init",
    "during initialization Ready False is unready whatever the sample",
    False, at(-60), ltt=at(-600), ts=at(0), window="1s", status="False")
grp("group-readiness-delay-boundary",
    "after init, Ready False with transition exactly start + 10 s: not After -> it has been ready -> counted",
    True, at(-600), ltt=at(-590), status="False")
grp("group-ready-unknown-after-init", "Ready Unknown is not False: counted after init",
    True, at(-600), ltt=at(-590), status="Unknown")
grp("group-ready-unknown-during-init-fresh",
    "Ready Unknown during init with a sample after transition + window: counted",
    True, at(-60), ltt=at(-50), ts=at(0), window="30s", status="Unknown")
grp("group-phase-unknown-counts", "phase Unknown is neither Pending nor Failed/Succeeded: counted",
    True, at(-600), ltt=at(-590), phase="Unknown")
grp("group-no-start-time", "no startTime -> unready for CPU", False, None, ltt=at(-590))
# == more edges: quantities, scale from zero, target shapes, selectors ==========
_m = hz_metrics([0, 0, 0])
for m in _m:
    m["containers"] = [{"name": "container1", "usage": {"cpu": "333333334n"}}]
_s = snapshot(hpa(1, 100, [cpu_util(10)]), scale(3), pods=hz_pods(3, Q3), metrics=_m,
              state={"recommendations": []})
case("quantity-nanocores-round-up",
     "333333334n is 334m (MilliValue rounds up): 1002m of 3 cores = 33% vs 10 -> ceil(9.9) = 10, capped at 6",
     _s, desiredReplicas=6, metricProposals=[{"replicas": 10}],
     currentMetrics=res_status(33, 334))
hz("scale-from-zero-limit-no-behavior",
   "from 0 (min 0): Object proposes ceil(10) = 10, the no-behavior cap is max(2 x 0, 4) = 4",
   0, 20, 0, 4, metrics=[object_metric("qps", value="1")], objects=object_value("qps", 10000),
   conds=status_ok(C("ScalingLimited", "True", "ScaleUpLimit")))
hz("scale-from-zero-limit-default-behavior",
   "from 0 (min 0) with the default behavior: Pods 0 + 4 = 4, Percent ceil(0 x 2) = 0 -> 4",
   0, 20, 0, 4, metrics=[object_metric("qps", value="1")], objects=object_value("qps", 10000),
   behavior={}, recs=[], conds=status_ok(C("ScalingLimited", "True", "ScaleUpLimit")),
   extra={"state": {"scaleUpEvents": [{"time": at(0), "change": 4}]}})
hz("resource-no-target",
   "Resource target with neither averageUtilization nor averageValue: the metric fails",
   1, 10, 3, 3, metrics=[{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization"}}}],
   levels=[500, 500, 500], requests=Q3, conds=held("FailedGetResourceMetric"))
hz("object-value-type-without-value",
   "Object goes by target.type: type Value with only averageValue set is invalid",
   1, 10, 3, 3, metrics=[{"type": "Object", "object": {
       "describedObject": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "some-deployment"},
       "metric": {"name": "qps"}, "target": {"type": "Value", "averageValue": "2"}}}],
   objects=object_value("qps", 8000), conds=held("FailedGetObjectMetric"))
hz("external-average-value-first",
   "External reads averageValue first whatever target.type says: ceil(8/2) = 4 (not the Value path)",
   1, 10, 3, 4, metrics=[{"type": "External", "external": {
       "metric": {"name": "qps"}, "target": {"type": "Value", "value": "100", "averageValue": "2"}}}],
   external=external_list("qps", [8000]), conds=status_ok())
hz("container-resource-average-value",
   "ContainerResource with averageValue: container1 averages 400m vs 200m -> ceil(2 x 3) = 6, named 'cpu resource'",
   1, 10, 3, 6, metrics=[{"type": "ContainerResource", "containerResource": {
       "name": "cpu", "container": "container1",
       "target": {"type": "AverageValue", "averageValue": "200m"}}}],
   levels=[800, 800, 800], requests=Q3, conds=status_ok(),
   extra={"reason": "cpu resource above target",
          "currentMetrics": [{"type": "ContainerResource", "containerResource": {
              "name": "cpu", "container": "container1", "current": {"averageValue": "400m"}}}]})
hz("selector-set-based", "status.selector 'name in (test-pod,other),tier notin (db)' selects the pods",
   1, 10, 3, 5, cpu=30, levels=[300, 500, 700], requests=Q3,
   selector="name in (test-pod,other),tier notin (db)", conds=status_ok())
hz("selector-not-matching-pods", "status.selector 'name=other' selects none of the (labelled) pods",
   1, 10, 3, 3, cpu=30, levels=[300, 500, 700], requests=Q3, selector="name=other",
   conds=held("FailedGetResourceMetric"))
_e = external_metric("qps", value="1")
_e["external"]["metric"]["selector"] = {"matchLabels": {"b": "2", "a": "1"}, "matchExpressions": [
    {"key": "zone", "operator": "In", "values": ["x", "y"]}]}
_s = snapshot(hpa(1, 10, [_e]), scale(3), pods=hz_pods(3, Q3),
              external={"qps": {"kind": "ExternalMetricValueList", "items": [
                  {"metricName": "qps", "metricLabels": {"a": "1", "b": "2", "zone": "x"},
                   "value": "6", "timestamp": at(0)}]}},
              state={"recommendations": []})
case("external-reason-selector-expressions",
     "External name %+v: matchLabels sorted by key, expression values space-separated; 6/1 x 3 -> 18, capped at 6",
     _s, desiredReplicas=6,
     reason="external metric qps(&LabelSelector{MatchLabels:map[string]string{a: 1,b: 2,},MatchExpressions:[]LabelSelectorRequirement{LabelSelectorRequirement{Key:zone,Operator:In,Values:[x y],},},}) above target")
hz("object-value-ready-count-needs-running",
   "Object Value counts pods Running with Ready True: a Pending-but-Ready pod does not count -> ceil(2 x 2) = 4",
   1, 10, 3, 4, metrics=[object_metric("qps", value="10")], objects=object_value("qps", 20000),
   phase=["Running", "Running", "Pending"], conds=status_ok())
hz("object-value-deleted-pods-count",
   "getReadyPodsCount does not skip deleted pods: 3 Running Ready (one deleting) -> ceil(2 x 3) = 6",
   1, 10, 3, 6, metrics=[object_metric("qps", value="10")], objects=object_value("qps", 20000),
   deletion=[False, False, True], conds=status_ok())
# == Go integer conversions ====================================================
_m = hz_metrics([0, 0, 0])
for m in _m:
    m["containers"] = [{"name": "container1", "usage": {"cpu": "42949673160m"}}]
_s = snapshot(hpa(1, 1000, [cpu_util(50)]), scale(3), pods=hz_pods(3, Q3), metrics=_m,
              state={"recommendations": []})
case("utilization-int32-wraps",
     "int32((metricsTotal*100)/requestsTotal): 2^32 + 20 percent truncates to 20 -> ratio 0.4 -> ceil(1.2) = 2",
     _s, desiredReplicas=2, currentMetrics=res_status(20, 42949673160))
_m = hz_metrics([0, 0, 0])
for m in _m:
    m["containers"] = [{"name": "container1", "usage": {"cpu": "20k"}}]
_p = hz_pods(3, [2, 2, 2])
for p in _p:
    p["spec"]["containers"] = [{"name": "container1", "resources": {"requests": {"cpu": "1m"}}}]
_s = snapshot(hpa(1, 1000, [cpu_util(1)]), scale(3), pods=_p, metrics=_m,
              state={"recommendations": []})
case("replicas-int32-conversion-overflow",
     "int32(math.Ceil(2e9 x 3)) is MinInt32 on amd64: the proposal loses to the initial 0 -> desired 0 -> minReplicas 1",
     _s, desiredReplicas=1, reason="All metrics below target",
     metricProposals=[{"replicas": -2147483648}],
     conditions=[C("ScalingLimited", "True", "TooFewReplicas")])
tol("tolerance-approx-float-literal-decimal",
    "AsApproximateFloat64 of \"0.7\" is 7 x Pow(10,-1) = 0.7000000000000001: the band's low end 0.29999999999999993 takes ratio 0.3 -> no change",
    4, [300] * 4, 100, 4,
    behavior={"scaleDown": {"tolerance": "0.7", "stabilizationWindowSeconds": 0}})
tol("tolerance-approx-float-literal-milli",
    "\"700m\" is 700 x Pow(10,-3) = 0.7000000000000001 too (strtod's 0.7 would leave ratio 0.3 outside the band) -> no change",
    4, [300] * 4, 100, 4,
    behavior={"scaleDown": {"tolerance": "700m", "stabilizationWindowSeconds": 0}})
# == remaining upstream rows ====================================================
hz("hz-scale-up-deployment", "TestScaleUpDeployment -> 5", 2, 6, 3, 5, cpu=30,
   levels=[300, 500, 700], requests=Q3, conds=status_ok())
hz("hz-scale-up-hot-cpu-no-scale-would-scale-down",
   "TestScaleUpHotCpuNoScaleWouldScaleDown: pods qps avg 31666m -> 7 -> 6 TooManyReplicas",
   2, 6, 3, 6, metrics=[pods_metric("qps", "15.0")], requests=Q3,
   start=[HOT, COOL, HOT], podcm=podcm_list("qps", [50000, 15000, 30000]),
   conds=status_ok(C("ScalingLimited", "True", "TooManyReplicas")))
rc_res("rc-scale-up-unready-less-scale-container",
       "TestReplicaCalcScaleUpUnreadyLessScale with container1 -> 4",
       3, 4, R3, [300, 500, 700], 30, 60, 600, container="container1",
       readiness=["False", "True", "True"])
rc_res("rc-missing-metrics-unready-no-change",
       "TestReplicaCalcMissingMetricsUnreadyChange plus a PodMetrics entry for a pod not in the list (skipped for utilization): 45%, missing at 100% -> 72% crosses 1 -> 3",
       3, 3, R3, [100, 450, 0], 50, 45, 900, readiness=["False", "True", "True"],
       names=["test-pod-0", "test-pod-1", "test-pod-9"])
_c = held("FailedGetContainerResourceMetric")
_c[1]["message"] = ("the HPA was unable to compute the replica count: failed to get cpu utilization: "
                    "unable to get metrics for resource cpu: no metrics returned from resource metrics API")
hz("container-resource-no-metrics", "ContainerResource without PodMetrics: FailedGetContainerResourceMetric",
   1, 10, 3, 3, metrics=[{"type": "ContainerResource", "containerResource": {
       "name": "cpu", "container": "container1",
       "target": {"type": "Utilization", "averageUtilization": 50}}}],
   requests=Q3, levels=[], conds=_c)
_c = held("FailedGetContainerResourceMetric")
_c[1]["message"] = ("the HPA was unable to compute the replica count: failed to get cpu utilization: "
                    "missing request for cpu in container sidecar of Pod test-pod-0")
hz("container-resource-container-absent-from-pod",
   "spec: a named container absent from the pod fails the metric (upstream would count a 0 request)",
   1, 10, 3, 3, metrics=[{"type": "ContainerResource", "containerResource": {
       "name": "cpu", "container": "sidecar",
       "target": {"type": "Utilization", "averageUtilization": 50}}}],
   requests=Q3, levels=[500, 500, 500], conds=_c)
for _pm in CASES[-1][1]["snapshot"]["podMetrics"]["items"]:
    _pm["containers"].append({"name": "sidecar", "usage": {"cpu": "100m"}})
# CASES_END


def main():
    for old in os.listdir(HERE):
        if old[:3].isdigit() and int(old[:3]) >= 200 and old.endswith(".json"):
            os.remove(os.path.join(HERE, old))
    for n, (slug, body) in enumerate(CASES):
        path = os.path.join(HERE, "%03d-%s.json" % (200 + n, slug))
        with open(path, "w") as fh:
            json.dump(body, fh, indent=1)
            fh.write("\n")
    print("wrote %d cases" % len(CASES))


if __name__ == "__main__":
    main()
