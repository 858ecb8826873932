/* test_snapshot.c - `recommend` snapshots in (src/codec/snapshot.c) and
 * decisions out (src/codec/decision_json.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec/codec.h"

/* A complete snapshot: every section present, every field used once. */
static const char *base_snapshot =
    "{\"now\":\"2026-11-29T10:00:00Z\","
    " \"hpa\":{\"apiVersion\":\"autoscaling/v2\",\"kind\":\"HorizontalPodAutoscaler\","
    "   \"metadata\":{\"name\":\"python-app-hpa\",\"namespace\":\"default\"},"
    "   \"spec\":{\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"python-app\"},"
    "     \"minReplicas\":3,\"maxReplicas\":10,"
    "     \"metrics\":[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":70}}}]}},"
    " \"scale\":{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"Scale\",\"metadata\":{\"resourceVersion\":\"9\"},"
    "   \"spec\":{\"replicas\":3},\"status\":{\"replicas\":3,\"selector\":\"app=python-app\"}},"
    " \"pods\":{\"kind\":\"PodList\",\"items\":["
    "   {\"metadata\":{\"name\":\"p1\",\"labels\":{\"app\":\"python-app\"},"
    "      \"ownerReferences\":[{\"kind\":\"ReplicaSet\",\"name\":\"rs\",\"controller\":true}]},"
    "    \"spec\":{\"containers\":[{\"name\":\"app\",\"resources\":{\"requests\":{\"cpu\":\"250m\",\"memory\":\"256Mi\"},"
    "                                                     \"limits\":{\"cpu\":\"500m\"}}}],"
    "             \"initContainers\":[{\"name\":\"side\",\"restartPolicy\":\"Always\",\"resources\":{\"limits\":{\"memory\":\"1Gi\"}}}],"
    "             \"resources\":{\"requests\":{\"cpu\":\"300m\"}}},"
    "    \"status\":{\"phase\":\"Running\",\"startTime\":\"2026-11-29T09:00:00Z\","
    "      \"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\"2026-11-29T09:00:20Z\"}]}}]},"
    " \"podMetrics\":{\"kind\":\"PodMetricsList\",\"items\":["
    "   {\"metadata\":{\"name\":\"p1\"},\"timestamp\":\"2026-11-29T09:59:30Z\",\"window\":\"30s\","
    "    \"containers\":[{\"name\":\"app\",\"usage\":{\"cpu\":\"225m\",\"memory\":\"100Mi\"}}]}]},"
    " \"objectMetrics\":[{\"metric\":{\"name\":\"rps\",\"selector\":{\"matchLabels\":{\"a\":\"b\"}}},"
    "    \"describedObject\":{\"kind\":\"Ingress\",\"name\":\"main\",\"apiVersion\":\"networking.k8s.io/v1\"},"
    "    \"value\":\"10\",\"timestamp\":\"2026-11-29T09:59:00Z\"}],"
    " \"podCustomMetrics\":{\"qps\":{\"kind\":\"MetricValueList\",\"items\":["
    "    {\"describedObject\":{\"kind\":\"Pod\",\"name\":\"p1\"},\"value\":\"100m\",\"timestamp\":\"2026-11-29T09:59:00Z\",\"windowSeconds\":60}]}},"
    " \"externalMetrics\":{\"queue\":{\"kind\":\"ExternalMetricValueList\",\"items\":["
    "    {\"value\":\"120\",\"timestamp\":\"2026-11-29T09:59:00Z\",\"metricLabels\":{\"q\":\"jobs\"}}]}},"
    " \"state\":{\"recommendations\":[{\"time\":\"2026-11-29T09:58:00Z\",\"replicas\":5}],"
    "   \"scaleUpEvents\":[{\"time\":\"2026-11-29T09:59:45Z\",\"change\":2}],"
    "   \"scaleDownEvents\":[{\"time\":\"2026-11-29T09:50:00Z\",\"change\":1}]},"
    " \"options\":{\"tolerance\":0.05,\"cpuInitializationPeriod\":\"3m\",\"initialReadinessDelay\":45,"
    "   \"downscaleStabilizationWindow\":\"10m\"}}";

static json_t *load(const char *text)
{
    json_error_t je;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &je);

    if (!v)
        fail_msg("test JSON does not parse: %s", je.text);
    return v;
}

static hpa_time_t T(const char *s)
{
    hpa_time_t t;
    hpa_err e;

    if (hpa_time_parse(s, &t, &e) != HPA_OK)
        fail_msg("bad test time %s", s);
    return t;
}

/* Set (value != NULL) or delete the node at a dotted path; numeric
 * segments index arrays: "pods.items.0.status.startTime". */
static void mutate(json_t *root, const char *path, const char *value)
{
    char buf[256], *seg, *next;
    json_t *node = root, *parent = NULL;
    char last[256] = "";

    snprintf(buf, sizeof(buf), "%s", path);
    for (seg = buf; seg; seg = next) {
        next = strchr(seg, '.');
        if (next)
            *next++ = '\0';
        parent = node;
        snprintf(last, sizeof(last), "%s", seg);
        if (!next)
            break;
        node = json_is_array(parent) ? json_array_get(parent, strtoul(seg, NULL, 10))
                                     : json_object_get(parent, seg);
        if (!node)
            fail_msg("mutate: no %s in %s", seg, path);
    }
    if (json_is_array(parent)) {
        size_t i = strtoul(last, NULL, 10);

        if (value)
            json_array_set_new(parent, i, load(value));
        else
            json_array_remove(parent, i);
    } else if (value) {
        json_object_set_new(parent, last, load(value));
    } else {
        json_object_del(parent, last);
    }
}

static void test_every_field(void **st)
{
    hpa_arena a = HPA_ARENA_INIT;
    hpa_snapshot s;
    hpa_state state;
    hpa_options o;
    hpa_err e;
    json_t *j = load(base_snapshot);
    int64_t m;

    (void)st;
    if (hpa_codec_snapshot_from_json(j, &a, &s, &state, &o, &e) != HPA_OK)
        fail_msg("%s: %s", e.path, e.msg);
    assert_int_equal(s.now, T("2026-11-29T10:00:00Z"));
    assert_non_null(s.hpa);
    assert_int_equal(s.hpa->max_replicas, 10);
    assert_int_equal(s.hpa->min_replicas, 3);
    assert_int_equal(s.scale.spec_replicas, 3);
    assert_int_equal(s.scale.status_replicas, 3);
    assert_string_equal(s.scale.selector, "app=python-app");
    assert_string_equal(s.scale.resource_version, "9");
    assert_int_equal(s.n_pods, 1);
    assert_string_equal(s.pods[0].name, "p1");
    assert_int_equal(s.pods[0].ready, HPA_COND_TRUE);
    assert_int_equal(s.pods[0].ready_transition, T("2026-11-29T09:00:20Z"));
    assert_true(s.pods[0].has_pod_requests);
    assert_true(hpa_resource_list_get(&s.pods[0].pod_requests, "cpu", &m));
    assert_int_equal(m, 300);
    assert_true(s.pods[0].init_containers[0].restart_always);
    assert_true(s.has_pod_metrics);
    assert_int_equal(s.n_pod_metrics, 1);
    assert_int_equal(s.pod_metrics[0].window, 30000);
    assert_int_equal(s.n_object_metrics, 1);
    assert_string_equal(s.object_metrics[0].metric, "rps");
    assert_int_equal(s.object_metrics[0].milli, 10000);
    assert_int_equal(s.n_pod_custom, 1);
    assert_string_equal(s.pod_custom[0].metric, "qps");
    assert_int_equal(s.pod_custom[0].items[0].milli, 100);
    assert_int_equal(s.n_external, 1);
    assert_string_equal(s.external[0].metric, "queue");
    assert_int_equal(s.external[0].items[0].milli, 120000);
    assert_true(state.known);
    assert_int_equal(state.n_recs, 1);
    assert_int_equal(state.recs[0].replicas, 5);
    assert_int_equal(state.recs[0].time, T("2026-11-29T09:58:00Z"));
    assert_int_equal(state.n_up, 1);
    assert_int_equal(state.up[0].change, 2);
    assert_false(state.up[0].outdated);
    assert_int_equal(state.n_down, 1);
    assert_int_equal(state.down[0].time, T("2026-11-29T09:50:00Z"));
    assert_true(o.tolerance == 0.05);
    assert_int_equal(o.cpu_initialization_period, 180000);
    assert_int_equal(o.initial_readiness_delay, 45000);
    assert_int_equal(o.downscale_stabilization, 600000);
    hpa_state_free(&state);
    json_decref(j);
    hpa_arena_free(&a);
}

static void test_minimal_and_defaults(void **st)
{
    hpa_arena a = HPA_ARENA_INIT;
    hpa_snapshot s;
    hpa_state state;
    hpa_options o, def = hpa_options_default();
    hpa_err e;
    json_t *j = load("{\"now\":\"2026-11-29T10:00:00Z\",\"hpa\":{\"spec\":{\"maxReplicas\":4,"
                     "\"scaleTargetRef\":{\"kind\":\"Deployment\",\"name\":\"x\"}}},"
                     "\"scale\":{\"spec\":{\"replicas\":1}}}");

    (void)st;
    if (hpa_codec_snapshot_from_json(j, &a, &s, &state, &o, &e) != HPA_OK)
        fail_msg("%s: %s", e.path, e.msg);
    assert_int_equal(s.n_pods, 0);
    assert_false(s.has_pod_metrics);
    assert_int_equal(s.n_pod_metrics, 0);
    assert_int_equal(s.n_object_metrics + s.n_pod_custom + s.n_external, 0);
    /* absent state: never seen this HPA */
    assert_false(state.known);
    assert_int_equal(state.n_recs + state.n_up + state.n_down, 0);
    assert_true(o.tolerance == def.tolerance);
    assert_int_equal(o.cpu_initialization_period, def.cpu_initialization_period);
    assert_int_equal(o.downscale_stabilization, def.downscale_stabilization);
    /* the API server's defaults are applied to the hpa */
    assert_int_equal(s.hpa->min_replicas, 1);
    assert_int_equal(s.hpa->n_metrics, 1);
    hpa_state_free(&state);
    json_decref(j);
    hpa_arena_free(&a);
}

/* podMetrics absent, null, {} and {"items": []}; recommendations absent,
 * null and []. */
static void test_presence_rules(void **st)
{
    static const struct {
        const char *name, *path, *value;
        bool has_pod_metrics, known;
    } cases[] = {
        {"podMetrics absent", "podMetrics", NULL, false, true},
        {"podMetrics null", "podMetrics", "null", false, true},
        {"podMetrics without items", "podMetrics", "{}", true, true},
        {"podMetrics empty items", "podMetrics", "{\"items\":[]}", true, true},
        {"recommendations absent", "state.recommendations", NULL, true, false},
        {"recommendations null", "state.recommendations", "null", true, false},
        {"recommendations empty", "state.recommendations", "[]", true, true},
        {"state null", "state", "null", true, false},
    };
    size_t i;

    (void)st;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hpa_arena a = HPA_ARENA_INIT;
        hpa_snapshot s;
        hpa_state state;
        hpa_options o;
        hpa_err e;
        json_t *j = load(base_snapshot);

        mutate(j, cases[i].path, cases[i].value);
        if (hpa_codec_snapshot_from_json(j, &a, &s, &state, &o, &e) != HPA_OK)
            fail_msg("%s: %s: %s", cases[i].name, e.path, e.msg);
        if (s.has_pod_metrics != cases[i].has_pod_metrics || state.known != cases[i].known)
            fail_msg("%s: has_pod_metrics %d known %d", cases[i].name, s.has_pod_metrics,
                     state.known);
        if (s.has_pod_metrics && s.n_pod_metrics != 0 && strcmp(cases[i].path, "podMetrics") == 0)
            fail_msg("%s: %zu pod metrics", cases[i].name, s.n_pod_metrics);
        hpa_state_free(&state);
        json_decref(j);
        hpa_arena_free(&a);
    }
}

#define ANY_ERR HPA_OK   /* the error code is another module's choice */

static const struct bad_case {
    const char *name;
    const char *path;       /* what to change (NULL: the whole root) */
    const char *value;      /* new JSON value, NULL to delete */
    hpa_errcode code;
    const char *want_path;  /* must equal e.path */
    const char *msg_part;
} bad[] = {
    {"now missing", "now", NULL, HPA_EMISSING, "now", NULL},
    {"now a number", "now", "12", HPA_ETYPE, "now", "expected an RFC 3339 time, got 12"},
    {"now not a time", "now", "\"yesterday\"", HPA_EINVAL, "now", "\"yesterday\""},
    {"hpa missing", "hpa", NULL, HPA_EMISSING, "hpa", NULL},
    {"hpa a list", "hpa", "[]", HPA_ETYPE, "hpa", NULL},
    {"maxReplicas missing", "hpa.spec.maxReplicas", NULL, HPA_EMISSING, "hpa.spec.maxReplicas", NULL},
    {"maxReplicas a string", "hpa.spec.maxReplicas", "\"ten\"", HPA_ETYPE, "hpa.spec.maxReplicas", NULL},
    {"scale missing", "scale", NULL, HPA_EMISSING, "scale.spec.replicas", NULL},
    {"scale replicas missing", "scale.spec.replicas", NULL, HPA_EMISSING, "scale.spec.replicas", NULL},
    {"scale replicas a string", "scale.spec.replicas", "\"3\"", HPA_ETYPE, "scale.spec.replicas", NULL},
    {"scale replicas a fraction", "scale.spec.replicas", "3.5", HPA_ETYPE, "scale.spec.replicas", NULL},
    {"scale status replicas", "scale.status.replicas", "\"x\"", HPA_ETYPE, "scale.status.replicas", NULL},
    {"scale selector a number", "scale.status.selector", "5", HPA_ETYPE, "scale.status.selector", NULL},
    {"pods a list", "pods", "[]", HPA_ETYPE, "pods", NULL},
    {"pods items an object", "pods.items", "{}", HPA_ETYPE, "pods.items", NULL},
    {"pod a string", "pods.items.0", "\"p1\"", HPA_ETYPE, "pods.items[0]", NULL},
    {"pod name a number", "pods.items.0.metadata.name", "1", HPA_ETYPE, "pods.items[0].metadata.name", NULL},
    {"pod label a number", "pods.items.0.metadata.labels.app", "1", HPA_ETYPE,
     "pods.items[0].metadata.labels.app", NULL},
    {"deletionTimestamp a number", "pods.items.0.metadata.deletionTimestamp", "5", HPA_ETYPE,
     "pods.items[0].metadata.deletionTimestamp", NULL},
    {"owner controller a string", "pods.items.0.metadata.ownerReferences.0.controller", "\"yes\"",
     HPA_ETYPE, "pods.items[0].metadata.ownerReferences[0].controller", NULL},
    {"startTime a number", "pods.items.0.status.startTime", "12", HPA_ETYPE,
     "pods.items[0].status.startTime", "expected an RFC 3339 time, got 12"},
    {"ready transition bad", "pods.items.0.status.conditions.0.lastTransitionTime", "\"soon\"",
     HPA_EINVAL, "pods.items[0].status.conditions[0].lastTransitionTime", NULL},
    {"phase a bool", "pods.items.0.status.phase", "true", HPA_ETYPE, "pods.items[0].status.phase", NULL},
    {"cpu request bad", "pods.items.0.spec.containers.0.resources.requests.cpu", "\"12x\"", ANY_ERR,
     "pods.items[0].spec.containers[0].resources.requests.cpu", "12x"},
    {"containers an object", "pods.items.0.spec.containers", "{}", HPA_ETYPE,
     "pods.items[0].spec.containers", NULL},
    {"sidecar limit a list", "pods.items.0.spec.initContainers.0.resources.limits.memory", "[]",
     HPA_ETYPE, "pods.items[0].spec.initContainers[0].resources.limits.memory", NULL},
    {"pod-level request bad", "pods.items.0.spec.resources.requests.cpu", "\"abc\"", ANY_ERR,
     "pods.items[0].spec.resources.requests.cpu", NULL},
    {"podMetrics a string", "podMetrics", "\"x\"", HPA_ETYPE, "podMetrics", NULL},
    {"metrics timestamp a number", "podMetrics.items.0.timestamp", "0", HPA_ETYPE,
     "podMetrics.items[0].timestamp", NULL},
    {"metrics window bad", "podMetrics.items.0.window", "\"30 seconds\"", HPA_EINVAL,
     "podMetrics.items[0].window", NULL},
    {"metrics usage bad", "podMetrics.items.0.containers.0.usage.cpu", "\"1.2.3\"", ANY_ERR,
     "podMetrics.items[0].containers[0].usage.cpu", NULL},
    {"objectMetrics an object", "objectMetrics", "{}", HPA_ETYPE, "objectMetrics", NULL},
    {"object value bad", "objectMetrics.0.value", "\"ten\"", ANY_ERR, "objectMetrics[0].value", NULL},
    {"object metric name missing", "objectMetrics.0.metric.name", NULL, HPA_EMISSING,
     "objectMetrics[0].metric.name", NULL},
    {"object selector label a number", "objectMetrics.0.metric.selector.matchLabels.a", "1", HPA_ETYPE,
     "objectMetrics[0].metric.selector.matchLabels.a", NULL},
    {"custom value an object", "podCustomMetrics.qps.items.0.value", "{}", HPA_ETYPE,
     "podCustomMetrics.qps.items[0].value", NULL},
    {"custom pod name missing", "podCustomMetrics.qps.items.0.describedObject.name", NULL,
     HPA_EMISSING, "podCustomMetrics.qps.items[0].describedObject.name", NULL},
    {"custom windowSeconds a string", "podCustomMetrics.qps.items.0.windowSeconds", "\"60\"",
     HPA_ETYPE, "podCustomMetrics.qps.items[0].windowSeconds", NULL},
    {"podCustomMetrics a list", "podCustomMetrics", "[]", HPA_ETYPE, "podCustomMetrics", NULL},
    {"external timestamp bad", "externalMetrics.queue.items.0.timestamp", "\"noon\"", HPA_EINVAL,
     "externalMetrics.queue.items[0].timestamp", NULL},
    {"external list a number", "externalMetrics.queue", "3", HPA_ETYPE, "externalMetrics.queue", NULL},
    {"state a list", "state", "[]", HPA_ETYPE, "state", NULL},
    {"recommendations an object", "state.recommendations", "{}", HPA_ETYPE,
     "state.recommendations", NULL},
    {"recommendation replicas a string", "state.recommendations.0.replicas", "\"5\"", HPA_ETYPE,
     "state.recommendations[0].replicas", NULL},
    {"recommendation time missing", "state.recommendations.0.time", NULL, HPA_EMISSING,
     "state.recommendations[0].time", NULL},
    {"scale-up change a fraction", "state.scaleUpEvents.0.change", "1.5", HPA_ETYPE,
     "state.scaleUpEvents[0].change", NULL},
    {"scale-down time a number", "state.scaleDownEvents.0.time", "7", HPA_ETYPE,
     "state.scaleDownEvents[0].time", NULL},
    {"scale-down events an object", "state.scaleDownEvents", "{}", HPA_ETYPE,
     "state.scaleDownEvents", NULL},
    {"tolerance a string", "options.tolerance", "\"0.1\"", HPA_ETYPE, "options.tolerance", NULL},
    {"cpu init period bad", "options.cpuInitializationPeriod", "\"five minutes\"", HPA_EINVAL,
     "options.cpuInitializationPeriod", NULL},
    {"stabilization window a bool", "options.downscaleStabilizationWindow", "true", HPA_ETYPE,
     "options.downscaleStabilizationWindow", NULL},
    {"options a list", "options", "[1]", HPA_ETYPE, "options", NULL},
    {"root a list", NULL, "[]", HPA_ETYPE, "", "snapshot"},
};

static void test_bad_input_names_the_field(void **st)
{
    size_t i;

    (void)st;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const struct bad_case *c = &bad[i];
        hpa_arena a = HPA_ARENA_INIT;
        hpa_snapshot s;
        hpa_state state;
        hpa_options o;
        hpa_err e;
        hpa_errcode rc;
        json_t *j = c->path ? load(base_snapshot) : load(c->value);

        if (c->path)
            mutate(j, c->path, c->value);
        rc = hpa_codec_snapshot_from_json(j, &a, &s, &state, &o, &e);
        if (c->code == ANY_ERR ? rc == HPA_OK : rc != c->code)
            fail_msg("%s: code '%s', want '%s' (%s: %s)", c->name, hpa_strerror(rc),
                     hpa_strerror(c->code), e.path, e.msg);
        if (strcmp(e.path, c->want_path) != 0)
            fail_msg("%s: path '%s', want '%s' (%s)", c->name, e.path, c->want_path, e.msg);
        if (c->msg_part && !strstr(e.msg, c->msg_part))
            fail_msg("%s: message '%s' lacks '%s'", c->name, e.msg, c->msg_part);
        /* nothing half-read is left behind */
        if (state.n_recs || state.n_up || state.n_down || state.known)
            fail_msg("%s: state not reset", c->name);
        hpa_state_free(&state);
        json_decref(j);
        hpa_arena_free(&a);
    }
}

/* ---- decision JSON ------------------------------------------------------ */

static char *dump(json_t *v)
{
    char *s;

    assert_non_null(v);
    s = json_dumps(v, JSON_COMPACT);
    json_decref(v);
    assert_non_null(s);
    return s;
}

static void test_decision_shape(void **st)
{
    hpa_metric_spec cpu = {0};
    hpa_metric_status ms[1] = {{0}};
    hpa_metric_proposal mp[1] = {{"cpu resource utilization (percentage of request)", 5, NULL}};
    hpa_condition conds[3] = {
        {"AbleToScale", "True", "SucceededRescale", "the HPA controller was able to update the target scale to 5", true, 0},
        {"ScalingActive", "True", "ValidMetricFound", "m", false, 0},
        {"ScalingLimited", "False", "DesiredWithinRange", "the desired count is within the acceptable range", false, 0},
    };
    hpa_event_out ev[1] = {{"Normal", "SuccessfulRescale", "New size: 5; reason: cpu above target"}};
    hpa_recommendation recs[1];
    hpa_scale_event up[1];
    hpa_state state = {0};
    hpa_decision d = {0};
    char *s;

    (void)st;
    cpu.type = HPA_METRIC_RESOURCE;
    cpu.resource = "cpu";
    ms[0].type = HPA_METRIC_RESOURCE;
    ms[0].spec = &cpu;
    ms[0].has_average_utilization = true;
    ms[0].average_utilization = 90;
    ms[0].has_average_value = true;
    ms[0].average_value_milli = 225;
    conds[0].last_transition = T("2026-11-29T10:00:00Z");
    recs[0].time = T("2026-11-29T10:00:00Z");
    recs[0].replicas = 4;
    up[0].time = T("2026-11-29T10:00:00.5Z");
    up[0].change = 2;
    up[0].outdated = false;
    state.known = true;
    state.n_recs = 1;
    state.recs = recs;
    state.n_up = 1;
    state.up = up;
    d.current_replicas = 3;
    d.desired_replicas = 5;
    d.rescale = true;
    d.reason = "cpu resource utilization (percentage of request) above target";
    d.metrics_computed = true;
    d.n_metrics = 1;
    d.metrics = ms;
    d.n_proposals = 1;
    d.proposals = mp;
    d.n_conditions = 3;
    d.conditions = conds;
    d.n_events = 1;
    d.events = ev;
    s = dump(hpa_codec_decision_to_json(&d, &state));
    assert_string_equal(s,
        "{\"desiredReplicas\":5,\"currentReplicas\":3,\"rescale\":true,"
        "\"reason\":\"cpu resource utilization (percentage of request) above target\","
        "\"currentMetrics\":[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\","
        "\"current\":{\"averageUtilization\":90,\"averageValue\":\"225m\"}}}],"
        "\"metricProposals\":[{\"metric\":\"cpu resource utilization (percentage of request)\",\"replicas\":5}],"
        "\"conditions\":[{\"type\":\"AbleToScale\",\"status\":\"True\",\"reason\":\"SucceededRescale\","
        "\"message\":\"the HPA controller was able to update the target scale to 5\","
        "\"lastTransitionTime\":\"2026-11-29T10:00:00Z\"},"
        "{\"type\":\"ScalingActive\",\"status\":\"True\",\"reason\":\"ValidMetricFound\",\"message\":\"m\"},"
        "{\"type\":\"ScalingLimited\",\"status\":\"False\",\"reason\":\"DesiredWithinRange\","
        "\"message\":\"the desired count is within the acceptable range\"}],"
        "\"state\":{\"recommendations\":[{\"time\":\"2026-11-29T10:00:00Z\",\"replicas\":4}],"
        "\"scaleUpEvents\":[{\"time\":\"2026-11-29T10:00:00.500Z\",\"change\":2}],\"scaleDownEvents\":[]},"
        "\"events\":[{\"type\":\"Normal\",\"reason\":\"SuccessfulRescale\","
        "\"message\":\"New size: 5; reason: cpu above target\"}]}");
    free(s);

    /* a hold with a reconcile error and a failed proposal */
    d.rescale = false;
    d.desired_replicas = 3;
    d.reason = NULL;
    d.n_metrics = 0;
    d.n_conditions = 0;
    d.n_events = 0;
    mp[0].replicas = -1;
    mp[0].error = "no metrics";
    d.error = "invalid metrics (1 invalid out of 1)";
    s = dump(hpa_codec_decision_to_json(&d, NULL));
    assert_string_equal(s,
        "{\"desiredReplicas\":3,\"currentReplicas\":3,\"rescale\":false,\"reason\":\"\","
        "\"currentMetrics\":[],\"metricProposals\":[{\"metric\":\"cpu resource utilization "
        "(percentage of request)\",\"replicas\":-1,\"error\":\"no metrics\"}],\"conditions\":[],"
        "\"state\":{\"recommendations\":[],\"scaleUpEvents\":[],\"scaleDownEvents\":[]},"
        "\"events\":[],\"error\":\"invalid metrics (1 invalid out of 1)\"}");
    free(s);
}

static void test_metric_status_shapes(void **st)
{
    static const char *const ev[] = {"a", "b"};
    hpa_label ml[1] = {{"queue", "jobs"}};
    hpa_label_selector_expr ex[1] = {{"verb", "In", 2, ev}};
    hpa_label_selector sel = {{1, ml}, 1, ex};
    hpa_metric_spec sp[5];
    hpa_metric_status ms[6];
    hpa_decision d = {0};
    char *s;
    size_t i;

    (void)st;
    memset(sp, 0, sizeof(sp));
    memset(ms, 0, sizeof(ms));
    sp[0].type = HPA_METRIC_CONTAINER_RESOURCE;
    sp[0].resource = "memory";
    sp[0].container = "app";
    sp[1].type = HPA_METRIC_PODS;
    sp[1].metric_name = "qps";
    sp[2].type = HPA_METRIC_OBJECT;
    sp[2].metric_name = "rps";
    sp[2].described.kind = "Ingress";
    sp[2].described.name = "main";
    sp[2].described.api_version = "networking.k8s.io/v1";
    sp[3].type = HPA_METRIC_EXTERNAL;
    sp[3].metric_name = "queue_depth";
    sp[3].metric_selector = &sel;
    sp[4] = sp[2];
    for (i = 0; i < 5; i++) {
        ms[i].type = sp[i].type;
        ms[i].spec = &sp[i];
    }
    ms[0].has_average_utilization = true;
    ms[0].average_utilization = 41;
    ms[0].has_average_value = true;
    ms[0].average_value_milli = 104857600000LL;
    ms[1].has_average_value = true;
    ms[1].average_value_milli = 1500;
    ms[2].has_value = true;
    ms[2].value_milli = 10000;
    ms[3].has_average_value = true;
    ms[3].average_value_milli = 40000;
    ms[4].has_average_value = true;
    ms[4].average_value_milli = 3334;
    ms[5].type = HPA_METRIC_UNKNOWN;    /* a failed metric */
    d.n_metrics = 6;
    d.metrics = ms;
    s = dump(hpa_codec_metric_statuses_to_json(&d));
    assert_string_equal(s,
        "[{\"type\":\"ContainerResource\",\"containerResource\":{\"name\":\"memory\",\"container\":\"app\","
        "\"current\":{\"averageUtilization\":41,\"averageValue\":\"104857600\"}}},"
        "{\"type\":\"Pods\",\"pods\":{\"metric\":{\"name\":\"qps\"},\"current\":{\"averageValue\":\"1500m\"}}},"
        "{\"type\":\"Object\",\"object\":{\"describedObject\":{\"kind\":\"Ingress\",\"name\":\"main\","
        "\"apiVersion\":\"networking.k8s.io/v1\"},\"metric\":{\"name\":\"rps\"},\"current\":{\"value\":\"10\"}}},"
        "{\"type\":\"External\",\"external\":{\"metric\":{\"name\":\"queue_depth\",\"selector\":"
        "{\"matchLabels\":{\"queue\":\"jobs\"},\"matchExpressions\":[{\"key\":\"verb\",\"operator\":\"In\","
        "\"values\":[\"a\",\"b\"]}]}},\"current\":{\"averageValue\":\"40\"}}},"
        "{\"type\":\"Object\",\"object\":{\"describedObject\":{\"kind\":\"Ingress\",\"name\":\"main\","
        "\"apiVersion\":\"networking.k8s.io/v1\"},\"metric\":{\"name\":\"rps\"},\"current\":{\"averageValue\":\"3334m\"}}},"
        "{\"type\":\"\"}]");
    free(s);
}

static void test_state_round_trip(void **st)
{
    hpa_arena a = HPA_ARENA_INIT;
    hpa_snapshot s;
    hpa_state state;
    hpa_options o;
    hpa_err e;
    json_t *j = load(base_snapshot);
    char *out;

    (void)st;
    assert_int_equal(hpa_codec_snapshot_from_json(j, &a, &s, &state, &o, &e), HPA_OK);
    out = dump(hpa_codec_state_to_json(&state));
    /* what is read is written back the same, so decisions can be chained */
    assert_string_equal(out,
        "{\"recommendations\":[{\"time\":\"2026-11-29T09:58:00Z\",\"replicas\":5}],"
        "\"scaleUpEvents\":[{\"time\":\"2026-11-29T09:59:45Z\",\"change\":2}],"
        "\"scaleDownEvents\":[{\"time\":\"2026-11-29T09:50:00Z\",\"change\":1}]}");
    free(out);
    hpa_state_free(&state);
    json_decref(j);
    hpa_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_field),
        cmocka_unit_test(test_minimal_and_defaults),
        cmocka_unit_test(test_presence_rules),
        cmocka_unit_test(test_bad_input_names_the_field),
        cmocka_unit_test(test_decision_shape),
        cmocka_unit_test(test_metric_status_shapes),
        cmocka_unit_test(test_state_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
