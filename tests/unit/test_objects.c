/* test_objects.c - pods, PodMetrics, Scale, custom/external metric lists and
 * label selectors from the API server's JSON (src/codec/objects.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec/codec.h"

static json_t *load(const char *text)
{
    json_error_t je;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &je);

    if (!v)
        fail_msg("test JSON does not parse: %s: %s", je.text, text);
    return v;
}

static int64_t req(const hpa_resource_list *l, const char *name)
{
    int64_t m = -1;

    if (!hpa_resource_list_get(l, name, &m))
        fail_msg("resource %s missing", name);
    return m;
}

static const char *full_pod =
    "{\"apiVersion\":\"v1\",\"kind\":\"Pod\","
    " \"metadata\":{\"name\":\"web-1\",\"namespace\":\"shop\",\"uid\":\"u-1\","
    "   \"labels\":{\"app\":\"web\",\"tier\":\"front\"},"
    "   \"deletionTimestamp\":\"2026-11-29T09:59:00Z\","
    "   \"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\","
    "      \"name\":\"web-6d\",\"uid\":\"rs-1\",\"controller\":true}]},"
    " \"spec\":{"
    "   \"containers\":[{\"name\":\"app\",\"resources\":{\"requests\":{\"cpu\":\"250m\",\"memory\":\"256Mi\"},"
    "                                           \"limits\":{\"cpu\":\"500m\",\"memory\":\"512Mi\"}}},"
    "                  {\"name\":\"log\",\"resources\":{\"requests\":{\"cpu\":0.1}}}],"
    "   \"initContainers\":[{\"name\":\"init\",\"resources\":{\"requests\":{\"cpu\":\"1\"}}},"
    "                      {\"name\":\"proxy\",\"restartPolicy\":\"Always\","
    "                       \"resources\":{\"requests\":{\"cpu\":\"50m\"}}}],"
    "   \"resources\":{\"requests\":{\"cpu\":\"400m\"}}},"
    " \"status\":{\"phase\":\"Running\",\"startTime\":\"2026-11-29T09:00:00Z\","
    "   \"conditions\":[{\"type\":\"PodScheduled\",\"status\":\"True\"},"
    "                  {\"type\":\"Ready\",\"status\":\"False\","
    "                   \"lastTransitionTime\":\"2026-11-29T09:00:30.250Z\"}]}}";

static void test_pod_every_field(void **st)
{
    hpa_arena a = HPA_ARENA_INIT;
    hpa_err e;
    hpa_pod p;
    json_t *j = load(full_pod);
    hpa_time_t t;

    (void)st;
    assert_int_equal(hpa_codec_pod_from_json(j, &a, &p, &e), HPA_OK);
    assert_string_equal(p.name, "web-1");
    assert_string_equal(p.namespace_, "shop");
    assert_string_equal(p.uid, "u-1");
    assert_int_equal(p.labels.n, 2);
    assert_string_equal(p.labels.items[0].key, "app");
    assert_string_equal(p.labels.items[0].value, "web");
    assert_string_equal(p.labels.items[1].key, "tier");
    assert_true(p.deleting);
    assert_int_equal(p.n_owners, 1);
    assert_string_equal(p.owners[0].kind, "ReplicaSet");
    assert_string_equal(p.owners[0].name, "web-6d");
    assert_string_equal(p.owners[0].api_version, "apps/v1");
    assert_string_equal(p.owners[0].uid, "rs-1");
    assert_true(p.owners[0].controller);
    assert_int_equal(p.phase, HPA_POD_RUNNING);
    assert_true(p.has_start_time);
    assert_int_equal(hpa_time_parse("2026-11-29T09:00:00Z", &t, &e), HPA_OK);
    assert_int_equal(p.start_time, t);
    assert_int_equal(p.ready, HPA_COND_FALSE);
    assert_int_equal(p.ready_transition, t + 30250);
    assert_int_equal(p.n_containers, 2);
    assert_string_equal(p.containers[0].name, "app");
    assert_int_equal(req(&p.containers[0].requests, "cpu"), 250);
    assert_int_equal(req(&p.containers[0].requests, "memory"), 268435456000LL);
    assert_int_equal(req(&p.containers[0].limits, "cpu"), 500);
    assert_int_equal(req(&p.containers[0].limits, "memory"), 536870912000LL);
    assert_false(p.containers[0].restart_always);
    /* a bare JSON number is a quantity, as Quantity.UnmarshalJSON takes it */
    assert_int_equal(req(&p.containers[1].requests, "cpu"), 100);
    assert_int_equal(p.n_init_containers, 2);
    assert_false(p.init_containers[0].restart_always);
    assert_true(p.init_containers[1].restart_always);
    assert_string_equal(p.init_containers[1].name, "proxy");
    assert_int_equal(req(&p.init_containers[1].requests, "cpu"), 50);
    assert_true(p.has_pod_requests);
    assert_int_equal(req(&p.pod_requests, "cpu"), 400);
    json_decref(j);
    hpa_arena_free(&a);
}

static void test_pod_minimal_defaults(void **st)
{
    hpa_arena a = HPA_ARENA_INIT;
    hpa_err e;
    hpa_pod p;
    json_t *j = load("{\"metadata\":{\"name\":\"p\",\"deletionTimestamp\":null},"
                     "\"spec\":{\"containers\":[{\"name\":\"c\"}]}}");

    (void)st;
    assert_int_equal(hpa_codec_pod_from_json(j, &a, &p, &e), HPA_OK);
    assert_string_equal(p.name, "p");
    assert_false(p.deleting);
    assert_int_equal(p.phase, HPA_POD_PHASE_UNKNOWN);
    assert_false(p.has_start_time);
    assert_int_equal(p.ready, HPA_COND_ABSENT);
    assert_int_equal(p.n_containers, 1);
    assert_int_equal(p.containers[0].requests.n, 0);
    assert_false(p.has_pod_requests);
    assert_int_equal(p.n_owners, 0);
    json_decref(j);
    hpa_arena_free(&a);
}

static void test_pod_phases_and_ready(void **st)
{
    static const struct {
        const char *name, *phase, *ready;
        hpa_pod_phase want_phase;
        hpa_cond_status want_ready;
    } cases[] = {
        {"pending", "Pending", "True", HPA_POD_PENDING, HPA_COND_TRUE},
        {"running", "Running", "False", HPA_POD_RUNNING, HPA_COND_FALSE},
        {"succeeded", "Succeeded", "Unknown", HPA_POD_SUCCEEDED, HPA_COND_UNKNOWN},
        {"failed", "Failed", "True", HPA_POD_FAILED, HPA_COND_TRUE},
        {"unknown phase", "Unknown", "True", HPA_POD_PHASE_UNKNOWN, HPA_COND_TRUE},
        {"odd phase", "Evicted", "True", HPA_POD_PHASE_UNKNOWN, HPA_COND_TRUE},
        {"odd ready status is not False", "Running", "maybe", HPA_POD_RUNNING, HPA_COND_UNKNOWN},
    };
    size_t i;

    (void)st;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hpa_arena a = HPA_ARENA_INIT;
        hpa_err e;
        hpa_pod p;
        char text[512];
        json_t *j;

        snprintf(text, sizeof(text),
                 "{\"metadata\":{\"name\":\"p\"},\"status\":{\"phase\":\"%s\","
                 "\"conditions\":[{\"type\":\"Ready\",\"status\":\"%s\"}]}}",
                 cases[i].phase, cases[i].ready);
        j = load(text);
        if (hpa_codec_pod_from_json(j, &a, &p, &e) != HPA_OK)
            fail_msg("%s: %s", cases[i].name, e.msg);
        if (p.phase != cases[i].want_phase || p.ready != cases[i].want_ready)
            fail_msg("%s: phase %d ready %d", cases[i].name, (int)p.phase, (int)p.ready);
        /* no lastTransitionTime: Go's zero time, 0001-01-01T00:00:00Z */
        if (p.ready_transition != -62135596800000LL)
            fail_msg("%s: transition %lld", cases[i].name, (long long)p.ready_transition);
        json_decref(j);
        hpa_arena_free(&a);
    }
}

static void test_pod_metrics(void **st)
{
    hpa_arena a = HPA_ARENA_INIT;
    hpa_err e;
    hpa_pod_metrics m;
    hpa_time_t t;
    json_t *j = load("{\"metadata\":{\"name\":\"web-1\"},\"timestamp\":\"2026-11-29T09:59:45Z\","
                     "\"window\":\"30s\",\"containers\":[{\"name\":\"app\",\"usage\":"
                     "{\"cpu\":\"225m\",\"memory\":\"200Mi\"}},{\"name\":\"log\",\"usage\":{\"cpu\":\"99000001n\"}}]}");

    (void)st;
    assert_int_equal(hpa_codec_pod_metrics_from_json(j, &a, &m, &e), HPA_OK);
    assert_string_equal(m.name, "web-1");
    assert_int_equal(hpa_time_parse("2026-11-29T09:59:45Z", &t, &e), HPA_OK);
    assert_int_equal(m.timestamp, t);
    assert_int_equal(m.window, 30000);
    assert_int_equal(m.n_containers, 2);
    assert_string_equal(m.containers[0].name, "app");
    assert_int_equal(req(&m.containers[0].usage, "cpu"), 225);
    assert_int_equal(req(&m.containers[0].usage, "memory"), 209715200000LL);
    /* rounded up to the next milli-unit, as MilliValue() */
    assert_int_equal(req(&m.containers[1].usage, "cpu"), 100);
    json_decref(j);

    /* absent window: Go's zero duration */
    j = load("{\"metadata\":{\"name\":\"x\"},\"timestamp\":\"2026-11-29T09:59:45Z\"}");
    assert_int_equal(hpa_codec_pod_metrics_from_json(j, &a, &m, &e), HPA_OK);
    assert_int_equal(m.window, 0);
    assert_int_equal(m.n_containers, 0);
    json_decref(j);
    hpa_arena_free(&a);
}

static void test_scale(void **st)
{
    hpa_arena a = HPA_ARENA_INIT;
    hpa_err e;
    hpa_scale s;
    json_t *j = load("{\"metadata\":{\"resourceVersion\":\"77\"},\"spec\":{\"replicas\":4},"
                     "\"status\":{\"replicas\":5,\"selector\":\"app=web\"}}");

    (void)st;
    assert_int_equal(hpa_codec_scale_from_json(j, &a, &s, &e), HPA_OK);
    assert_int_equal(s.spec_replicas, 4);
    assert_int_equal(s.status_replicas, 5);
    assert_string_equal(s.selector, "app=web");
    assert_string_equal(s.resource_version, "77");
    json_decref(j);

    /* Go zero values: status.replicas 0 (not spec.replicas), no selector */
    j = load("{\"spec\":{\"replicas\":2}}");
    assert_int_equal(hpa_codec_scale_from_json(j, &a, &s, &e), HPA_OK);
    assert_int_equal(s.spec_replicas, 2);
    assert_int_equal(s.status_replicas, 0);
    assert_true(s.selector == NULL || s.selector[0] == '\0');
    json_decref(j);
    hpa_arena_free(&a);
}

static void test_custom_external_object(void **st)
{
    hpa_arena a = HPA_ARENA_INIT;
    hpa_err e;
    hpa_pod_metric_list pl;
    hpa_external_metric_list el;
    hpa_object_metric_value ov;
    json_t *j;

    (void)st;
    j = load("{\"kind\":\"MetricValueList\",\"items\":["
             "{\"describedObject\":{\"kind\":\"Pod\",\"name\":\"p1\"},\"value\":\"100m\","
             " \"timestamp\":\"2026-11-29T09:59:00Z\",\"windowSeconds\":30},"
             "{\"describedObject\":{\"kind\":\"Pod\",\"name\":\"p2\"},\"value\":2,"
             " \"timestamp\":\"2026-11-29T09:59:00Z\"}]}");
    assert_int_equal(hpa_codec_pod_metric_list_from_json(j, "qps", &a, &pl, &e), HPA_OK);
    assert_string_equal(pl.metric, "qps");
    assert_int_equal(pl.n, 2);
    assert_string_equal(pl.items[0].pod, "p1");
    assert_int_equal(pl.items[0].milli, 100);
    assert_true(pl.items[0].has_window);
    assert_int_equal(pl.items[0].window, 30000);
    assert_int_equal(pl.items[1].milli, 2000);
    assert_false(pl.items[1].has_window);
    assert_int_equal(pl.items[1].window, 60000);
    json_decref(j);

    j = load("{\"items\":[{\"value\":\"120\",\"timestamp\":\"2026-11-29T09:59:00Z\","
             "\"metricLabels\":{\"queue\":\"jobs\"}},{\"value\":\"1k\"}]}");
    assert_int_equal(hpa_codec_external_metric_list_from_json(j, "queue_depth", &a, &el, &e), HPA_OK);
    assert_string_equal(el.metric, "queue_depth");
    assert_int_equal(el.n, 2);
    assert_int_equal(el.items[0].milli, 120000);
    assert_int_equal(el.items[1].milli, 1000000);
    json_decref(j);

    j = load("{\"metric\":{\"name\":\"requests\",\"selector\":{\"matchLabels\":{\"path\":\"/\"},"
             "\"matchExpressions\":[{\"key\":\"verb\",\"operator\":\"In\",\"values\":[\"GET\",\"POST\"]}]}},"
             "\"describedObject\":{\"kind\":\"Ingress\",\"name\":\"main\",\"apiVersion\":\"networking.k8s.io/v1\"},"
             "\"value\":\"10\",\"timestamp\":\"2026-11-29T09:59:00Z\"}");
    assert_int_equal(hpa_codec_object_metric_from_json(j, &a, &ov, &e), HPA_OK);
    assert_string_equal(ov.metric, "requests");
    assert_string_equal(ov.described.kind, "Ingress");
    assert_string_equal(ov.described.name, "main");
    assert_string_equal(ov.described.api_version, "networking.k8s.io/v1");
    assert_int_equal(ov.milli, 10000);
    assert_non_null(ov.selector);
    assert_int_equal(ov.selector->match_labels.n, 1);
    assert_int_equal(ov.selector->n_exprs, 1);
    assert_string_equal(ov.selector->exprs[0].op, "In");
    assert_int_equal(ov.selector->exprs[0].n_values, 2);
    assert_string_equal(ov.selector->exprs[0].values[1], "POST");
    json_decref(j);
    hpa_arena_free(&a);
}

static void test_selector_round_trip(void **st)
{
    hpa_arena a = HPA_ARENA_INIT;
    hpa_err e;
    const hpa_label_selector *ls;
    const char *text = "{\"matchLabels\":{\"b\":\"2\",\"a\":\"1\"},\"matchExpressions\":"
                       "[{\"key\":\"k\",\"operator\":\"Exists\"},"
                       "{\"key\":\"z\",\"operator\":\"NotIn\",\"values\":[\"x\"]}]}";
    json_t *j = load(text), *back;
    char *out;

    (void)st;
    assert_int_equal(hpa_codec_label_selector_from_json(j, &a, &ls, &e), HPA_OK);
    back = hpa_codec_label_selector_to_json(ls);
    out = json_dumps(back, JSON_COMPACT);
    /* written back as given: key order and all */
    assert_string_equal(out, "{\"matchLabels\":{\"b\":\"2\",\"a\":\"1\"},\"matchExpressions\":"
                             "[{\"key\":\"k\",\"operator\":\"Exists\"},"
                             "{\"key\":\"z\",\"operator\":\"NotIn\",\"values\":[\"x\"]}]}");
    free(out);
    json_decref(back);
    json_decref(j);
    assert_int_equal(hpa_codec_label_selector_from_json(json_null(), &a, &ls, &e), HPA_OK);
    assert_null(ls);
    assert_null(hpa_codec_label_selector_to_json(NULL));
    hpa_arena_free(&a);
}

static void test_field_readers(void **st)
{
    hpa_err e;
    json_t *j = load("{\"d1\":\"5m\",\"d2\":45,\"d3\":1.5,\"d4\":\"1h2m3s\",\"n\":null,"
                     "\"i\":7,\"big\":3000000000,\"q\":\"1.5\",\"s\":\"x\"}");
    hpa_duration_t d;
    int32_t i;
    int64_t m;
    bool have = true;

    (void)st;
    assert_int_equal(hpa_codec_field_duration(j, "d1", &d, NULL, &e), HPA_OK);
    assert_int_equal(d, 300000);
    assert_int_equal(hpa_codec_field_duration(j, "d2", &d, NULL, &e), HPA_OK);
    assert_int_equal(d, 45000);
    assert_int_equal(hpa_codec_field_duration(j, "d3", &d, NULL, &e), HPA_OK);
    assert_int_equal(d, 1500);
    assert_int_equal(hpa_codec_field_duration(j, "d4", &d, NULL, &e), HPA_OK);
    assert_int_equal(d, 3723000);
    /* null is absent */
    assert_int_equal(hpa_codec_field_duration(j, "n", &d, &have, &e), HPA_OK);
    assert_false(have);
    assert_int_equal(hpa_codec_field_int32(j, "n", &i, NULL, &e), HPA_EMISSING);
    assert_string_equal(e.path, "n");
    assert_int_equal(hpa_codec_field_int32(j, "i", &i, NULL, &e), HPA_OK);
    assert_int_equal(i, 7);
    assert_int_equal(hpa_codec_field_int32(j, "big", &i, NULL, &e), HPA_ERANGE);
    assert_string_equal(e.path, "big");
    assert_int_equal(hpa_codec_field_milli(j, "q", &m, NULL, &e), HPA_OK);
    assert_int_equal(m, 1500);
    assert_int_equal(hpa_codec_field_int32(j, "s", &i, NULL, &e), HPA_ETYPE);
    assert_string_equal(e.msg, "expected an integer, got \"x\"");
    json_decref(j);
}

/* Bad input: the error names the field, relative to the object. */
typedef enum { K_POD, K_PODMETRICS, K_SCALE, K_CUSTOM, K_EXTERNAL, K_OBJECT } kind;

/* The quantity parser picks its own code; the path is what matters. */
#define ANY_ERR HPA_OK

static const struct bad_case {
    const char *name;
    kind k;
    const char *json;
    hpa_errcode code;
    const char *path;
    const char *msg_part;       /* NULL: not checked */
} bad[] = {
    {"pod not an object", K_POD, "[]", HPA_ETYPE, "", "expected a Pod object"},
    {"metadata a string", K_POD, "{\"metadata\":\"x\"}", HPA_ETYPE, "metadata", "an object"},
    {"name a number", K_POD, "{\"metadata\":{\"name\":3}}", HPA_ETYPE, "metadata.name", "got 3"},
    {"label value a bool", K_POD, "{\"metadata\":{\"labels\":{\"app\":true}}}", HPA_ETYPE,
     "metadata.labels.app", "a string"},
    {"deletionTimestamp a number", K_POD, "{\"metadata\":{\"deletionTimestamp\":5}}", HPA_ETYPE,
     "metadata.deletionTimestamp", "RFC 3339"},
    {"owner controller a string", K_POD,
     "{\"metadata\":{\"ownerReferences\":[{\"kind\":\"RS\"},{\"controller\":\"yes\"}]}}", HPA_ETYPE,
     "metadata.ownerReferences[1].controller", NULL},
    {"startTime a number", K_POD, "{\"status\":{\"startTime\":12}}", HPA_ETYPE,
     "status.startTime", "expected an RFC 3339 time, got 12"},
    {"startTime not a time", K_POD, "{\"status\":{\"startTime\":\"noon\"}}", HPA_EINVAL,
     "status.startTime", "\"noon\""},
    {"phase a bool", K_POD, "{\"status\":{\"phase\":true}}", HPA_ETYPE, "status.phase", NULL},
    {"conditions an object", K_POD, "{\"status\":{\"conditions\":{}}}", HPA_ETYPE,
     "status.conditions", "a list"},
    {"ready lastTransitionTime bad", K_POD,
     "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\"x\"}]}}",
     HPA_EINVAL, "status.conditions[0].lastTransitionTime", NULL},
    {"containers an object", K_POD, "{\"spec\":{\"containers\":{}}}", HPA_ETYPE,
     "spec.containers", NULL},
    {"container a string", K_POD, "{\"spec\":{\"containers\":[\"app\"]}}", HPA_ETYPE,
     "spec.containers[0]", NULL},
    {"bad cpu request", K_POD,
     "{\"spec\":{\"containers\":[{\"name\":\"a\",\"resources\":{\"requests\":{\"cpu\":\"12x\"}}}]}}",
     ANY_ERR, "spec.containers[0].resources.requests.cpu", NULL},
    {"limit an array", K_POD,
     "{\"spec\":{\"initContainers\":[{},{\"resources\":{\"limits\":{\"memory\":[]}}}]}}",
     HPA_ETYPE, "spec.initContainers[1].resources.limits.memory", "quantity"},
    {"pod-level request bad", K_POD, "{\"spec\":{\"resources\":{\"requests\":{\"cpu\":\"abc\"}}}}",
     ANY_ERR, "spec.resources.requests.cpu", NULL},
    {"metrics timestamp a number", K_PODMETRICS, "{\"timestamp\":0}", HPA_ETYPE, "timestamp", NULL},
    {"metrics window bad", K_PODMETRICS, "{\"window\":\"30 seconds\"}", HPA_EINVAL, "window", NULL},
    {"metrics usage bad", K_PODMETRICS,
     "{\"containers\":[{\"name\":\"a\",\"usage\":{\"cpu\":\"1.2.3\"}}]}", ANY_ERR,
     "containers[0].usage.cpu", NULL},
    {"scale without spec", K_SCALE, "{}", HPA_EMISSING, "spec.replicas", NULL},
    {"scale replicas a string", K_SCALE, "{\"spec\":{\"replicas\":\"3\"}}", HPA_ETYPE,
     "spec.replicas", "expected an integer"},
    {"scale replicas a fraction", K_SCALE, "{\"spec\":{\"replicas\":2.5}}", HPA_ETYPE,
     "spec.replicas", NULL},
    {"scale selector a number", K_SCALE, "{\"spec\":{\"replicas\":1},\"status\":{\"selector\":1}}",
     HPA_ETYPE, "status.selector", NULL},
    {"custom value an object", K_CUSTOM,
     "{\"items\":[{\"describedObject\":{\"name\":\"p\"},\"value\":{}}]}", HPA_ETYPE,
     "items[0].value", NULL},
    {"custom pod name missing", K_CUSTOM, "{\"items\":[{\"describedObject\":{},\"value\":\"1\"}]}",
     HPA_EMISSING, "items[0].describedObject.name", NULL},
    {"custom windowSeconds a string", K_CUSTOM,
     "{\"items\":[{\"describedObject\":{\"name\":\"p\"},\"value\":\"1\",\"windowSeconds\":\"60\"}]}",
     HPA_ETYPE, "items[0].windowSeconds", NULL},
    {"custom items an object", K_CUSTOM, "{\"items\":{}}", HPA_ETYPE, "items", NULL},
    {"external value missing", K_EXTERNAL, "{\"items\":[{}]}", HPA_EMISSING, "items[0].value", NULL},
    {"external timestamp bad", K_EXTERNAL, "{\"items\":[{\"value\":\"1\",\"timestamp\":\"noon\"}]}",
     HPA_EINVAL, "items[0].timestamp", NULL},
    {"object metric name missing", K_OBJECT, "{\"metric\":{},\"value\":\"1\"}", HPA_EMISSING,
     "metric.name", NULL},
    {"object selector label a number", K_OBJECT,
     "{\"metric\":{\"name\":\"m\",\"selector\":{\"matchLabels\":{\"a\":1}}},\"value\":\"1\"}",
     HPA_ETYPE, "metric.selector.matchLabels.a", NULL},
    {"object selector values a string", K_OBJECT,
     "{\"metric\":{\"name\":\"m\",\"selector\":{\"matchExpressions\":[{\"key\":\"k\",\"operator\":\"In\",\"values\":\"v\"}]}},\"value\":\"1\"}",
     HPA_ETYPE, "metric.selector.matchExpressions[0].values", NULL},
    {"object value bad", K_OBJECT, "{\"metric\":{\"name\":\"m\"},\"value\":\"ten\"}", ANY_ERR,
     "value", NULL},
};

static void test_bad_input_names_the_field(void **st)
{
    size_t i;

    (void)st;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const struct bad_case *c = &bad[i];
        hpa_arena a = HPA_ARENA_INIT;
        hpa_err e;
        hpa_errcode rc = HPA_OK;
        json_t *j = load(c->json);
        union {
            hpa_pod p;
            hpa_pod_metrics m;
            hpa_scale s;
            hpa_pod_metric_list pl;
            hpa_external_metric_list el;
            hpa_object_metric_value ov;
        } u;

        hpa_err_clear(&e);
        switch (c->k) {
        case K_POD: rc = hpa_codec_pod_from_json(j, &a, &u.p, &e); break;
        case K_PODMETRICS: rc = hpa_codec_pod_metrics_from_json(j, &a, &u.m, &e); break;
        case K_SCALE: rc = hpa_codec_scale_from_json(j, &a, &u.s, &e); break;
        case K_CUSTOM: rc = hpa_codec_pod_metric_list_from_json(j, "m", &a, &u.pl, &e); break;
        case K_EXTERNAL: rc = hpa_codec_external_metric_list_from_json(j, "m", &a, &u.el, &e); break;
        case K_OBJECT: rc = hpa_codec_object_metric_from_json(j, &a, &u.ov, &e); break;
        }
        if (c->code == ANY_ERR ? rc == HPA_OK : rc != c->code)
            fail_msg("%s: code %s, want %s (%s: %s)", c->name, hpa_strerror(rc),
                     hpa_strerror(c->code), e.path, e.msg);
        if (strcmp(e.path, c->path) != 0)
            fail_msg("%s: path '%s', want '%s'", c->name, e.path, c->path);
        if (c->msg_part && !strstr(e.msg, c->msg_part))
            fail_msg("%s: message '%s' lacks '%s'", c->name, e.msg, c->msg_part);
        json_decref(j);
        hpa_arena_free(&a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pod_every_field),
        cmocka_unit_test(test_pod_minimal_defaults),
        cmocka_unit_test(test_pod_phases_and_ready),
        cmocka_unit_test(test_pod_metrics),
        cmocka_unit_test(test_scale),
        cmocka_unit_test(test_custom_external_object),
        cmocka_unit_test(test_selector_round_trip),
        cmocka_unit_test(test_field_readers),
        cmocka_unit_test(test_bad_input_names_the_field),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
