/* test_hpa_json.c - HPA object <-> hpa_spec (src/codec/hpa_json.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "codec/codec.h"

static const char full[] =
    "apiVersion: autoscaling/v2\n"
    "kind: HorizontalPodAutoscaler\n"
    "metadata: {name: web, namespace: shop}\n"
    "spec:\n"
    "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
    "  minReplicas: 2\n"
    "  maxReplicas: 12\n"
    "  metrics:\n"
    "  - type: Resource\n"
    "    resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}\n"
    "  - type: ContainerResource\n"
    "    containerResource: {name: memory, container: app, target: {type: AverageValue, averageValue: 256Mi}}\n"
    "  - type: Pods\n"
    "    pods:\n"
    "      metric:\n"
    "        name: rps\n"
    "        selector:\n"
    "          matchLabels: {verb: GET}\n"
    "          matchExpressions: [{key: tier, operator: In, values: [web, api]}]\n"
    "      target: {type: AverageValue, averageValue: 1500m}\n"
    "  - type: Object\n"
    "    object:\n"
    "      describedObject: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: main}\n"
    "      metric: {name: hits}\n"
    "      target: {type: Value, value: 10k}\n"
    "  - type: External\n"
    "    external: {metric: {name: queue}, target: {type: AverageValue, averageValue: 30}}\n"
    "  - type: Custom\n"
    "  behavior:\n"
    "    scaleUp:\n"
    "      stabilizationWindowSeconds: 30\n"
    "      selectPolicy: Min\n"
    "      policies: [{type: Pods, value: 2, periodSeconds: 60}, {type: Percent, value: 50, periodSeconds: 30}]\n"
    "      tolerance: 0.05\n"
    "    scaleDown:\n"
    "      selectPolicy: Disabled\n"
    "status:\n"
    "  lastScaleTime: \"2026-11-29T09:00:00Z\"\n"
    "  conditions:\n"
    "  - {type: AbleToScale, status: \"True\", reason: ReadyForNewScale, message: ok, lastTransitionTime: \"2026-11-29T08:00:00Z\"}\n";

static json_t *load_one(const char *text)
{
    hpa_docset set;
    hpa_err e;
    json_t *root;

    if (hpa_docset_load_buffer(text, strlen(text), "t.yaml", &set, &e) != HPA_OK)
        fail_msg("load: %s at %d:%d", e.msg, e.line, e.col);
    assert_int_equal(set.n, 1);
    root = json_incref(set.docs[0].root);
    hpa_docset_free(&set);
    return root;
}

static void test_all_fields(void **state)
{
    json_t *root = load_one(full);
    hpa_arena a = HPA_ARENA_INIT;
    hpa_spec s;
    hpa_err e;
    const hpa_metric_spec *m;
    hpa_time_t t;

    (void)state;
    if (hpa_codec_hpa_from_json(root, &a, &s, &e) != HPA_OK)
        fail_msg("%s: %s", e.path, e.msg);
    assert_string_equal(s.name, "web");
    assert_string_equal(s.namespace_, "shop");
    assert_string_equal(s.target.api_version, "apps/v1");
    assert_string_equal(s.target.kind, "Deployment");
    assert_string_equal(s.target.name, "web");
    assert_true(s.has_min_replicas);
    assert_int_equal(s.min_replicas, 2);
    assert_int_equal(s.max_replicas, 12);
    assert_int_equal(s.n_metrics, 6);
    m = &s.metrics[0];
    assert_int_equal(m->type, HPA_METRIC_RESOURCE);
    assert_string_equal(m->resource, "cpu");
    assert_int_equal(m->target.type, HPA_TARGET_UTILIZATION);
    assert_true(m->target.has_average_utilization);
    assert_int_equal(m->target.average_utilization, 70);
    m = &s.metrics[1];
    assert_int_equal(m->type, HPA_METRIC_CONTAINER_RESOURCE);
    assert_string_equal(m->container, "app");
    assert_string_equal(m->resource, "memory");
    assert_true(m->target.has_average_value);
    assert_int_equal(m->target.average_value_milli, 256LL * 1024 * 1024 * 1000);
    m = &s.metrics[2];
    assert_int_equal(m->type, HPA_METRIC_PODS);
    assert_string_equal(m->metric_name, "rps");
    assert_non_null(m->metric_selector);
    assert_int_equal(m->metric_selector->match_labels.n, 1);
    assert_string_equal(m->metric_selector->match_labels.items[0].key, "verb");
    assert_int_equal(m->metric_selector->n_exprs, 1);
    assert_string_equal(m->metric_selector->exprs[0].op, "In");
    assert_int_equal(m->metric_selector->exprs[0].n_values, 2);
    assert_string_equal(m->metric_selector->exprs[0].values[1], "api");
    assert_int_equal(m->target.average_value_milli, 1500);
    m = &s.metrics[3];
    assert_int_equal(m->type, HPA_METRIC_OBJECT);
    assert_string_equal(m->described.kind, "Ingress");
    assert_string_equal(m->described.api_version, "networking.k8s.io/v1");
    assert_null(m->metric_selector);
    assert_true(m->target.has_value);
    assert_int_equal(m->target.value_milli, 10000000);
    m = &s.metrics[4];
    assert_int_equal(m->type, HPA_METRIC_EXTERNAL);
    assert_string_equal(m->metric_name, "queue");
    assert_int_equal(m->target.average_value_milli, 30000);
    m = &s.metrics[5];
    assert_int_equal(m->type, HPA_METRIC_UNKNOWN);
    assert_string_equal(m->type_name, "Custom");
    assert_true(s.has_behavior);
    assert_int_equal(s.scale_up.window_seconds, 30);
    assert_int_equal(s.scale_up.select, HPA_SELECT_MIN);
    assert_int_equal(s.scale_up.n_policies, 2);
    assert_int_equal(s.scale_up.policies[1].type, HPA_POLICY_PERCENT);
    assert_int_equal(s.scale_up.policies[1].period_seconds, 30);
    assert_true(s.scale_up.has_tolerance);
    assert_int_equal(hpa_quantity_approx_float(&s.scale_up.tolerance) * 1000, 50);
    /* scale-down: only selectPolicy given, the rest defaulted */
    assert_int_equal(s.scale_down.select, HPA_SELECT_DISABLED);
    assert_false(s.scale_down.has_window);
    assert_int_equal(s.scale_down.n_policies, 1);
    assert_int_equal(s.scale_down.policies[0].type, HPA_POLICY_PERCENT);
    assert_int_equal(s.scale_down.policies[0].value, 100);
    assert_int_equal(s.n_conditions, 1);
    assert_string_equal(s.conditions[0].reason, "ReadyForNewScale");
    assert_true(s.conditions[0].has_transition);
    assert_int_equal(hpa_time_parse("2026-11-29T08:00:00Z", &t, NULL), HPA_OK);
    assert_int_equal(s.conditions[0].last_transition, t);
    assert_true(s.has_last_scale_time);
    hpa_arena_free(&a);
    json_decref(root);
}

static void test_defaults(void **state)
{
    json_t *root = load_one("kind: HorizontalPodAutoscaler\nspec:\n  maxReplicas: 5\n"
                            "  scaleTargetRef: {kind: Deployment, name: w}\n");
    hpa_arena a = HPA_ARENA_INIT;
    hpa_spec s;
    hpa_err e;

    (void)state;
    if (hpa_codec_hpa_from_json(root, &a, &s, &e) != HPA_OK)
        fail_msg("%s: %s", e.path, e.msg);
    assert_string_equal(s.namespace_, "default");
    assert_true(s.has_min_replicas);
    assert_int_equal(s.min_replicas, 1);
    assert_false(s.has_behavior);
    assert_int_equal(s.n_metrics, 1);
    assert_int_equal(s.metrics[0].type, HPA_METRIC_RESOURCE);
    assert_string_equal(s.metrics[0].resource, "cpu");
    assert_int_equal(s.metrics[0].target.average_utilization, 80);
    hpa_arena_free(&a);
    json_decref(root);

    /* a present behavior gets every missing part */
    root = load_one("spec:\n  maxReplicas: 5\n  behavior:\n    scaleDown: {stabilizationWindowSeconds: 60}\n");
    if (hpa_codec_hpa_from_json(root, &a, &s, &e) != HPA_OK)
        fail_msg("%s: %s", e.path, e.msg);
    assert_true(s.has_behavior);
    assert_true(s.scale_up.has_window);
    assert_int_equal(s.scale_up.window_seconds, 0);
    assert_int_equal(s.scale_up.n_policies, 2);
    assert_int_equal(s.scale_up.select, HPA_SELECT_MAX);
    assert_true(s.scale_down.has_window);
    assert_int_equal(s.scale_down.window_seconds, 60);
    hpa_arena_free(&a);
    json_decref(root);

    /* an explicit empty policy list replaces the defaults */
    root = load_one("spec:\n  maxReplicas: 5\n  behavior:\n    scaleUp: {policies: [], selectPolicy: Disabled}\n");
    if (hpa_codec_hpa_from_json(root, &a, &s, &e) != HPA_OK)
        fail_msg("%s: %s", e.path, e.msg);
    assert_int_equal(s.scale_up.n_policies, 0);
    assert_int_equal(s.scale_down.n_policies, 1);
    hpa_arena_free(&a);
    json_decref(root);
}

typedef struct bad_case {
    const char *name;
    const char *yaml;
    hpa_errcode code;
    const char *path;
    const char *msg;
} bad_case;

#define B "spec:\n  maxReplicas: 5\n"

static const bad_case bad[] = {
    {"no maxReplicas", "spec: {minReplicas: 1}\n", HPA_EMISSING, "spec.maxReplicas", "missing"},
    {"no spec", "kind: HorizontalPodAutoscaler\n", HPA_EMISSING, "spec.maxReplicas", "missing"},
    {"string maxReplicas", "spec: {maxReplicas: \"5\"}\n", HPA_ETYPE, "spec.maxReplicas",
     "expected an integer, got string \"5\""},
    {"fraction minReplicas", "spec: {maxReplicas: 5, minReplicas: 1.5}\n", HPA_ETYPE,
     "spec.minReplicas", "expected an integer, got number 1.5"},
    {"int32 overflow", "spec: {maxReplicas: 2147483648}\n", HPA_ERANGE, "spec.maxReplicas",
     "does not fit in an int32"},
    {"bool minReplicas", "spec: {maxReplicas: 5, minReplicas: yes}\n", HPA_ETYPE,
     "spec.minReplicas", "expected an integer, got boolean"},
    {"policy value string", B "  behavior:\n    scaleUp:\n      policies:\n"
     "      - {type: Pods, value: 1, periodSeconds: 15}\n      - {type: Pods, value: x, periodSeconds: 15}\n",
     HPA_ETYPE, "spec.behavior.scaleUp.policies[1].value", "expected an integer, got string \"x\""},
    {"policy type unknown", B "  behavior:\n    scaleDown:\n      policies: [{type: Pod, value: 1, periodSeconds: 15}]\n",
     HPA_EINVAL, "spec.behavior.scaleDown.policies[0].type", "Unsupported value: \"Pod\""},
    {"selectPolicy unknown", B "  behavior:\n    scaleUp: {selectPolicy: Biggest}\n", HPA_EINVAL,
     "spec.behavior.scaleUp.selectPolicy", "Unsupported value: \"Biggest\""},
    {"bad quantity", B "  metrics:\n  - type: Pods\n    pods: {metric: {name: a}, target: {type: AverageValue, averageValue: 1.2.3}}\n",
     HPA_EINVAL, "spec.metrics[0].pods.target.averageValue", "1.2.3"},
    {"bad tolerance", B "  behavior:\n    scaleUp: {tolerance: lots}\n", HPA_EINVAL,
     "spec.behavior.scaleUp.tolerance", "lots"},
    {"metric not object", B "  metrics: [cpu]\n", HPA_ETYPE, "spec.metrics[0]",
     "expected an object, got string \"cpu\""},
    {"metrics not array", B "  metrics: cpu\n", HPA_ETYPE, "spec.metrics", "expected an array"},
    {"name not string", "metadata: {name: 12}\n" B, HPA_ETYPE, "metadata.name",
     "expected a string, got number 12"},
    {"selector labels array", B "  metrics:\n  - type: External\n    external: {metric: {name: q, selector: {matchLabels: [a]}}, target: {type: Value, value: 1}}\n",
     HPA_ETYPE, "spec.metrics[0].external.metric.selector.matchLabels", "expected an object"},
    {"selector value number", B "  metrics:\n  - type: External\n    external: {metric: {name: q, selector: {matchExpressions: [{key: a, operator: In, values: [1]}]}}, target: {type: Value, value: 1}}\n",
     HPA_ETYPE, "spec.metrics[0].external.metric.selector.matchExpressions[0].values[0]",
     "expected a string, got number 1"},
    {"bad condition time", B "status:\n  conditions: [{type: AbleToScale, status: \"True\", lastTransitionTime: yesterday}]\n",
     HPA_EINVAL, "status.conditions[0].lastTransitionTime", ""},
    {"bad lastScaleTime", B "status: {lastScaleTime: 5}\n", HPA_ETYPE, "status.lastScaleTime",
     "expected an RFC 3339 time string"},
};

static void test_bad(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const bad_case *c = &bad[i];
        json_t *root = load_one(c->yaml);
        hpa_arena a = HPA_ARENA_INIT;
        hpa_spec s;
        hpa_err e;
        hpa_errcode rc = hpa_codec_hpa_from_json(root, &a, &s, &e);

        if (rc == HPA_OK)
            fail_msg("%s: accepted", c->name);
        if (strcmp(e.path, c->path) || !strstr(e.msg, c->msg))
            fail_msg("%s: got \"%s: %s\"", c->name, e.path, e.msg);
        if (c->code != HPA_EINVAL && rc != c->code)
            fail_msg("%s: code %d, want %d", c->name, (int)rc, (int)c->code);
        hpa_arena_free(&a);
        json_decref(root);
    }
}

static void assert_spec_equal(const hpa_spec *x, const hpa_spec *y)
{
    size_t i;

    assert_string_equal(x->name, y->name);
    assert_string_equal(x->namespace_, y->namespace_);
    assert_string_equal(x->target.kind, y->target.kind);
    assert_string_equal(x->target.name, y->target.name);
    assert_int_equal(x->min_replicas, y->min_replicas);
    assert_int_equal(x->max_replicas, y->max_replicas);
    assert_int_equal(x->n_metrics, y->n_metrics);
    for (i = 0; i < x->n_metrics; i++) {
        const hpa_metric_spec *a = &x->metrics[i], *b = &y->metrics[i];

        assert_int_equal(a->type, b->type);
        assert_string_equal(a->type_name, b->type_name);
        assert_int_equal(a->target.type, b->target.type);
        assert_int_equal(a->target.has_value, b->target.has_value);
        assert_int_equal(a->target.value_milli, b->target.value_milli);
        assert_int_equal(a->target.has_average_value, b->target.has_average_value);
        assert_int_equal(a->target.average_value_milli, b->target.average_value_milli);
        assert_int_equal(a->target.average_utilization, b->target.average_utilization);
        assert_int_equal(!a->metric_selector, !b->metric_selector);
        if (a->metric_selector) {
            assert_int_equal(a->metric_selector->match_labels.n, b->metric_selector->match_labels.n);
            assert_int_equal(a->metric_selector->n_exprs, b->metric_selector->n_exprs);
        }
        if (a->resource)
            assert_string_equal(a->resource, b->resource);
        if (a->container)
            assert_string_equal(a->container, b->container);
        if (a->metric_name)
            assert_string_equal(a->metric_name, b->metric_name);
        if (a->described.name)
            assert_string_equal(a->described.name, b->described.name);
    }
    assert_int_equal(x->has_behavior, y->has_behavior);
    if (x->has_behavior) {
        const hpa_scaling_rules *r[2][2] = {{&x->scale_up, &y->scale_up},
                                            {&x->scale_down, &y->scale_down}};

        for (i = 0; i < 2; i++) {
            const hpa_scaling_rules *a = r[i][0], *b = r[i][1];

            assert_int_equal(a->has_window, b->has_window);
            assert_int_equal(a->window_seconds, b->window_seconds);
            assert_int_equal(a->select, b->select);
            assert_int_equal(a->n_policies, b->n_policies);
            assert_memory_equal(a->policies, b->policies, a->n_policies * sizeof(*a->policies));
            assert_int_equal(a->has_tolerance, b->has_tolerance);
            if (a->has_tolerance)
                assert_int_equal(hpa_quantity_cmp(&a->tolerance, &b->tolerance), 0);
        }
    }
    assert_int_equal(x->n_conditions, y->n_conditions);
    assert_int_equal(x->has_last_scale_time, y->has_last_scale_time);
    assert_int_equal(x->last_scale_time, y->last_scale_time);
}

static void round_trip(const char *text)
{
    json_t *root = load_one(text), *out;
    hpa_arena a = HPA_ARENA_INIT;
    hpa_spec s1, s2;
    hpa_errlist list = {0, 0, NULL};
    hpa_err e;

    if (hpa_codec_hpa_from_json(root, &a, &s1, &e) != HPA_OK)
        fail_msg("%s: %s", e.path, e.msg);
    out = hpa_codec_hpa_to_json(&s1);
    assert_non_null(out);
    assert_string_equal(json_string_value(json_object_get(out, "apiVersion")), "autoscaling/v2");
    assert_string_equal(json_string_value(json_object_get(out, "kind")), "HorizontalPodAutoscaler");
    if (hpa_codec_hpa_from_json(out, &a, &s2, &e) != HPA_OK)
        fail_msg("re-read: %s: %s", e.path, e.msg);
    assert_spec_equal(&s1, &s2);
    json_decref(out);
    hpa_arena_free(&a);
    hpa_errlist_free(&list);
    json_decref(root);
}

static void test_round_trip(void **state)
{
    json_t *out;
    hpa_arena a = HPA_ARENA_INIT;
    hpa_spec s;
    hpa_err e;
    json_t *root;
    hpa_errlist list = {0, 0, NULL};

    (void)state;
    round_trip(full);
    round_trip("metadata: {name: x}\nspec: {maxReplicas: 3, scaleTargetRef: {kind: Deployment, name: x}}\n");
    /* the written manifest of a valid policy is itself valid, in canonical text */
    root = load_one("metadata: {name: web}\nspec:\n  scaleTargetRef: {kind: Deployment, name: web}\n"
                    "  maxReplicas: 3\n  metrics:\n  - type: Pods\n"
                    "    pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: 1.5}}\n"
                    "  behavior: {}\n");
    if (hpa_codec_hpa_from_json(root, &a, &s, &e) != HPA_OK)
        fail_msg("%s: %s", e.path, e.msg);
    out = hpa_codec_hpa_to_json(&s);
    assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(
                            json_array_get(json_object_get(json_object_get(out, "spec"), "metrics"), 0),
                            "pods"), "target"), "averageValue")),
                        "1500m");
    assert_int_equal(hpa_validate_hpa_json(out, &list), 0);
    hpa_errlist_free(&list);
    json_decref(out);
    json_decref(root);
    hpa_arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_all_fields),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_bad),
        cmocka_unit_test(test_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
