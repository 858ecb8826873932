/* test_validate.c - API-server validation of HPA manifests
 * (src/codec/validate.c). Each invalid case asserts the path and message
 * of one expected problem. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "codec/codec.h"

#define HEAD "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\n"
#define REF "  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
#define SPEC HEAD "spec:\n" REF
#define CPU "  metrics:\n  - type: Resource\n    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}\n"

typedef struct vcase {
    const char *name;
    const char *yaml;
    const char *path;     /* expected problem path */
    const char *msg;      /* expected message (substring) */
} vcase;

static const vcase invalid[] = {
    {"wrong kind", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n", "kind",
     "expected HorizontalPodAutoscaler, got \"Deployment\""},
    {"missing kind", "apiVersion: autoscaling/v2\nmetadata: {name: x}\n", "kind",
     "expected HorizontalPodAutoscaler"},
    {"old apiVersion", "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\n"
     "metadata: {name: web}\nspec:\n" REF "  maxReplicas: 3\n", "apiVersion",
     "Unsupported value: \"autoscaling/v1\": supported values: \"autoscaling/v2\""},
    {"not an object", "[1, 2]\n", "", "expected a HorizontalPodAutoscaler object, got array"},
    {"missing name", "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {}\n"
     "spec:\n" REF "  maxReplicas: 3\n", "metadata.name",
     "Required value: name or generateName is required"},
    {"bad name", "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
     "metadata: {name: Web_1}\nspec:\n" REF "  maxReplicas: 3\n", "metadata.name",
     "Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain"},
    {"bad namespace", "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"
     "metadata: {name: web, namespace: a.b}\nspec:\n" REF "  maxReplicas: 3\n",
     "metadata.namespace", "a lowercase RFC 1123 label"},
    {"missing target kind", HEAD "spec:\n  scaleTargetRef: {name: web}\n  maxReplicas: 3\n",
     "spec.scaleTargetRef.kind", "Required value"},
    {"missing target name", HEAD "spec:\n  scaleTargetRef: {kind: Deployment}\n  maxReplicas: 3\n",
     "spec.scaleTargetRef.name", "Required value"},
    {"missing scaleTargetRef", HEAD "spec:\n  maxReplicas: 3\n", "spec.scaleTargetRef.name",
     "Required value"},
    {"target name with slash", HEAD "spec:\n  scaleTargetRef: {kind: Deployment, name: a/b}\n"
     "  maxReplicas: 3\n", "spec.scaleTargetRef.name", "Invalid value: \"a/b\": may not contain '/'"},
    {"target name dot-dot", HEAD "spec:\n  scaleTargetRef: {kind: Deployment, name: ..}\n"
     "  maxReplicas: 3\n", "spec.scaleTargetRef.name", "may not be '..'"},
    {"bad apiVersion", HEAD "spec:\n  scaleTargetRef: {apiVersion: a/b/c, kind: Deployment, "
     "name: web}\n  maxReplicas: 3\n", "spec.scaleTargetRef.apiVersion",
     "unexpected GroupVersion string: a/b/c"},
    {"minReplicas zero", SPEC "  minReplicas: 0\n  maxReplicas: 3\n", "spec.minReplicas",
     "Invalid value: 0: must be greater than or equal to 1"},
    {"minReplicas negative", SPEC "  minReplicas: -2\n  maxReplicas: 3\n", "spec.minReplicas",
     "Invalid value: -2: must be greater than or equal to 1"},
    {"maxReplicas missing", SPEC "  minReplicas: 1\n", "spec.maxReplicas", "Required value"},
    {"maxReplicas zero", SPEC "  maxReplicas: 0\n", "spec.maxReplicas",
     "Invalid value: 0: must be greater than 0"},
    {"max below min", SPEC "  minReplicas: 5\n  maxReplicas: 3\n", "spec.maxReplicas",
     "Invalid value: 3: must be greater than or equal to `minReplicas`"},
    {"maxReplicas string", SPEC "  maxReplicas: ten\n", "spec.maxReplicas",
     "expected an integer, got string \"ten\""},
    {"maxReplicas fraction", SPEC "  maxReplicas: 2.5\n", "spec.maxReplicas",
     "expected an integer, got number 2.5"},
    {"maxReplicas too large", SPEC "  maxReplicas: 3000000000\n", "spec.maxReplicas",
     "does not fit in an int32"},
    {"metric type missing", SPEC "  maxReplicas: 3\n  metrics:\n  - resource: {name: cpu, "
     "target: {type: Utilization, averageUtilization: 5}}\n", "spec.metrics[0].type",
     "Required value: must specify a metric source type"},
    {"metric type unknown", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Foo\n",
     "spec.metrics[0].type", "Unsupported value: \"Foo\": supported values: \"ContainerResource\", "
     "\"External\", \"Object\", \"Pods\", \"Resource\""},
    {"metric source missing", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Pods\n",
     "spec.metrics[0].pods", "Required value: must populate information for the given metric source"},
    {"metric source mismatched", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Pods\n"
     "    resource: {name: cpu, target: {type: Utilization, averageUtilization: 5}}\n",
     "spec.metrics[0]", "Forbidden: must populate the given metric source only"},
    {"two metric sources", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Resource\n"
     "    resource: {name: cpu, target: {type: Utilization, averageUtilization: 5}}\n"
     "    external: {metric: {name: q}, target: {type: Value, value: 1}}\n",
     "spec.metrics[0]", "Forbidden: must populate the given metric source only"},
    {"resource name missing", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Resource\n"
     "    resource: {target: {type: Utilization, averageUtilization: 5}}\n",
     "spec.metrics[0].resource.name", "Required value: must specify a resource name"},
    {"resource name not standard", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Resource\n"
     "    resource: {name: gpu, target: {type: Utilization, averageUtilization: 5}}\n",
     "spec.metrics[0].resource.name", "must be a standard resource for containers"},
    {"utilization zero", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Resource\n"
     "    resource: {name: cpu, target: {type: Utilization, averageUtilization: 0}}\n",
     "spec.metrics[0].resource.target.averageUtilization", "Invalid value: 0: must be greater than 0"},
    {"resource no target value", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Resource\n"
     "    resource: {name: cpu, target: {type: Utilization}}\n",
     "spec.metrics[0].resource.target.averageUtilization",
     "Required value: must set either a target raw value or a target utilization"},
    {"resource both targets", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Resource\n"
     "    resource: {name: cpu, target: {type: Utilization, averageUtilization: 5, averageValue: 1}}\n",
     "spec.metrics[0].resource.target.averageValue",
     "Forbidden: may not set both a target raw value and a target utilization"},
    {"resource Value type", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Resource\n"
     "    resource: {name: cpu, target: {type: Value, averageValue: 100m}}\n",
     "spec.metrics[0].resource.target.type",
     "Invalid value: \"Value\": must be Utilization or AverageValue for a resource metric"},
    {"target type missing", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Resource\n"
     "    resource: {name: cpu, target: {averageUtilization: 5}}\n",
     "spec.metrics[0].resource.target.type", "Required value: must specify a metric target type"},
    {"target type invalid", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Resource\n"
     "    resource: {name: cpu, target: {type: Percent, averageUtilization: 5}}\n",
     "spec.metrics[0].resource.target.type",
     "Invalid value: \"Percent\": must be either Utilization, Value, or AverageValue"},
    {"type field not set", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Resource\n"
     "    resource: {name: cpu, target: {type: AverageValue, averageUtilization: 5}}\n",
     "spec.metrics[0].resource.target.averageValue",
     "Required value: must be set when the target type is AverageValue"},
    {"container missing", SPEC "  maxReplicas: 3\n  metrics:\n  - type: ContainerResource\n"
     "    containerResource: {name: cpu, target: {type: Utilization, averageUtilization: 5}}\n",
     "spec.metrics[0].containerResource.container", "Required value: must specify a container"},
    {"container bad name", SPEC "  maxReplicas: 3\n  metrics:\n  - type: ContainerResource\n"
     "    containerResource: {name: cpu, container: App, target: {type: Utilization, "
     "averageUtilization: 5}}\n",
     "spec.metrics[0].containerResource.container", "Invalid value: \"App\": a lowercase RFC 1123 label"},
    {"pods no averageValue", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Pods\n"
     "    pods: {metric: {name: rps}, target: {type: AverageValue}}\n",
     "spec.metrics[0].pods.target.averageValue",
     "Required value: must specify a positive target averageValue"},
    {"pods metric name missing", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Pods\n"
     "    pods: {metric: {}, target: {type: AverageValue, averageValue: 1}}\n",
     "spec.metrics[0].pods.metric.name", "Required value: must specify a metric name"},
    {"pods Value type", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Pods\n"
     "    pods: {metric: {name: rps}, target: {type: Value, value: 1, averageValue: 1}}\n",
     "spec.metrics[0].pods.target.type",
     "Invalid value: \"Value\": must be AverageValue for a pods metric"},
    {"pods averageValue negative", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Pods\n"
     "    pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: \"-1\"}}\n",
     "spec.metrics[0].pods.target.averageValue", "Invalid value: \"-1\": must be positive"},
    {"bad quantity", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Pods\n"
     "    pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: 12x}}\n",
     "spec.metrics[0].pods.target.averageValue", "12x"},
    {"bad selector operator", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Pods\n"
     "    pods: {metric: {name: rps, selector: {matchExpressions: [{key: a, operator: Near}]}}, "
     "target: {type: AverageValue, averageValue: 1}}\n",
     "spec.metrics[0].pods.metric.selector", "Near"},
    {"selector label not a string", SPEC "  maxReplicas: 3\n  metrics:\n  - type: External\n"
     "    external: {metric: {name: q, selector: {matchLabels: {a: [1]}}}, "
     "target: {type: Value, value: 1}}\n",
     "spec.metrics[0].external.metric.selector.matchLabels[a]", "expected a string, got array"},
    {"object described kind missing", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Object\n"
     "    object: {describedObject: {name: ing}, metric: {name: rps}, target: {type: Value, value: 1}}\n",
     "spec.metrics[0].object.describedObject.kind", "Required value"},
    {"object no target value", SPEC "  maxReplicas: 3\n  metrics:\n  - type: Object\n"
     "    object: {describedObject: {kind: Ingress, name: ing}, metric: {name: rps}, "
     "target: {type: Value}}\n",
     "spec.metrics[0].object.target.averageValue",
     "Required value: must set either a target value or averageValue"},
    {"external both", SPEC "  maxReplicas: 3\n  metrics:\n  - type: External\n"
     "    external: {metric: {name: q}, target: {type: Value, value: 1, averageValue: 2}}\n",
     "spec.metrics[0].external.target.value",
     "Forbidden: may not set both a target value for metric and a per-pod target"},
    {"external Utilization", SPEC "  maxReplicas: 3\n  metrics:\n  - type: External\n"
     "    external: {metric: {name: q}, target: {type: Utilization, value: 1}}\n",
     "spec.metrics[0].external.target.type",
     "Invalid value: \"Utilization\": must be Value or AverageValue for an external metric"},
    {"window negative", SPEC "  maxReplicas: 3\n  behavior:\n    scaleUp: {stabilizationWindowSeconds: -1}\n",
     "spec.behavior.scaleUp.stabilizationWindowSeconds",
     "Invalid value: -1: must be greater than or equal to zero"},
    {"window too long", SPEC "  maxReplicas: 3\n  behavior:\n    scaleDown: {stabilizationWindowSeconds: 3601}\n",
     "spec.behavior.scaleDown.stabilizationWindowSeconds",
     "Invalid value: 3601: must be less than or equal to 3600"},
    {"selectPolicy unknown", SPEC "  maxReplicas: 3\n  behavior:\n    scaleUp: {selectPolicy: max}\n",
     "spec.behavior.scaleUp.selectPolicy",
     "Unsupported value: \"max\": supported values: \"Disabled\", \"Max\", \"Min\""},
    {"empty policies", SPEC "  maxReplicas: 3\n  behavior:\n    scaleDown: {policies: []}\n",
     "spec.behavior.scaleDown.policies", "Required value: must specify at least one Policy"},
    {"policy type unknown", SPEC "  maxReplicas: 3\n  behavior:\n    scaleUp:\n      policies:\n"
     "      - {type: Pod, value: 1, periodSeconds: 15}\n",
     "spec.behavior.scaleUp.policies[0].type",
     "Unsupported value: \"Pod\": supported values: \"Percent\", \"Pods\""},
    {"policy value zero", SPEC "  maxReplicas: 3\n  behavior:\n    scaleUp:\n      policies:\n"
     "      - {type: Pods, value: 0, periodSeconds: 15}\n",
     "spec.behavior.scaleUp.policies[0].value", "Invalid value: 0: must be greater than zero"},
    {"policy period zero", SPEC "  maxReplicas: 3\n  behavior:\n    scaleUp:\n      policies:\n"
     "      - {type: Pods, value: 1}\n",
     "spec.behavior.scaleUp.policies[0].periodSeconds", "Invalid value: 0: must be greater than zero"},
    {"policy period too long", SPEC "  maxReplicas: 3\n  behavior:\n    scaleDown:\n      policies:\n"
     "      - {type: Pods, value: 1, periodSeconds: 15}\n"
     "      - {type: Percent, value: 10, periodSeconds: 1801}\n",
     "spec.behavior.scaleDown.policies[1].periodSeconds",
     "Invalid value: 1801: must be less than or equal to 1800"},
    {"policy value string", SPEC "  maxReplicas: 3\n  behavior:\n    scaleUp:\n      policies:\n"
     "      - {type: Pods, value: 1, periodSeconds: 15}\n      - {type: Pods, value: x, periodSeconds: 15}\n",
     "spec.behavior.scaleUp.policies[1].value", "expected an integer, got string \"x\""},
    {"tolerance negative", SPEC "  maxReplicas: 3\n  behavior:\n    scaleUp: {tolerance: \"-0.05\"}\n",
     "spec.behavior.scaleUp.tolerance",
     "Invalid value: \"-0.05\": must be greater than or equal to zero"},
    {"behavior not an object", SPEC "  maxReplicas: 3\n  behavior: fast\n", "spec.behavior",
     "expected an object, got string \"fast\""},
    {"metrics not an array", SPEC "  maxReplicas: 3\n  metrics: {type: Resource}\n", "spec.metrics",
     "expected an array, got object"},
};

static const char *const valid[] = {
    SPEC "  maxReplicas: 3\n",
    SPEC "  minReplicas: 2\n  maxReplicas: 2\n" CPU,
    SPEC "  maxReplicas: 3\n  metrics:\n  - type: ContainerResource\n"
    "    containerResource: {name: memory, container: app, target: {type: AverageValue, averageValue: 512Mi}}\n",
    SPEC "  maxReplicas: 3\n  metrics:\n  - type: Pods\n"
    "    pods: {metric: {name: rps, selector: {matchLabels: {verb: GET}}}, target: {type: AverageValue, averageValue: 100m}}\n",
    SPEC "  maxReplicas: 3\n  metrics:\n  - type: Object\n"
    "    object: {describedObject: {apiVersion: networking.k8s.io/v1, kind: Ingress, name: main}, "
    "metric: {name: rps}, target: {type: Value, value: 10k}}\n",
    SPEC "  maxReplicas: 3\n  metrics:\n  - type: External\n"
    "    external: {metric: {name: queue, selector: {matchExpressions: [{key: q, operator: In, values: [a, b]}]}}, "
    "target: {type: AverageValue, averageValue: 30}}\n",
    SPEC "  maxReplicas: 3\n  behavior:\n    scaleDown: {selectPolicy: Disabled, policies: []}\n"
    "    scaleUp: {stabilizationWindowSeconds: 3600, tolerance: 0.05}\n",
    "{\"apiVersion\": \"autoscaling/v2\", \"kind\": \"HorizontalPodAutoscaler\", "
    "\"metadata\": {\"name\": \"web\"}, \"spec\": {\"scaleTargetRef\": {\"kind\": \"Deployment\", "
    "\"name\": \"web\"}, \"maxReplicas\": 4.0}}",
};

static void test_invalid(void **state)
{
    size_t i, j;

    (void)state;
    for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        const vcase *c = &invalid[i];
        hpa_docset set;
        hpa_errlist list = {0, 0, NULL};
        hpa_err e;
        size_t n;
        int found = 0;

        if (hpa_docset_load_buffer(c->yaml, strlen(c->yaml), "v.yaml", &set, &e) != HPA_OK)
            fail_msg("%s: load: %s", c->name, e.msg);
        assert_int_equal(set.n, 1);
        n = hpa_validate_hpa_json(set.docs[0].root, &list);
        if (n == 0 || n != list.n)
            fail_msg("%s: %zu problems", c->name, n);
        for (j = 0; j < list.n; j++)
            if (!strcmp(list.items[j].path, c->path) && strstr(list.items[j].msg, c->msg))
                found = 1;
        if (!found) {
            for (j = 0; j < list.n; j++)
                print_message("  got %s: %s\n", list.items[j].path, list.items[j].msg);
            fail_msg("%s: no problem \"%s: %s\"", c->name, c->path, c->msg);
        }
        hpa_errlist_free(&list);
        hpa_docset_free(&set);
    }
}

static void test_valid(void **state)
{
    size_t i, j;

    (void)state;
    for (i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
        hpa_docset set;
        hpa_errlist list = {0, 0, NULL};
        hpa_err e;

        if (hpa_docset_load_buffer(valid[i], strlen(valid[i]), "v.yaml", &set, &e) != HPA_OK)
            fail_msg("valid[%zu]: load: %s", i, e.msg);
        if (hpa_validate_hpa_json(set.docs[0].root, &list)) {
            for (j = 0; j < list.n; j++)
                print_message("  %s: %s\n", list.items[j].path, list.items[j].msg);
            fail_msg("valid[%zu] reported problems", i);
        }
        hpa_errlist_free(&list);
        hpa_docset_free(&set);
    }
}

/* Every problem is reported, not only the first, each once. */
static void test_all_problems(void **state)
{
    static const char text[] = HEAD "spec:\n  scaleTargetRef: {}\n  minReplicas: 0\n"
                               "  metrics:\n  - type: Foo\n";
    hpa_docset set;
    hpa_errlist list = {0, 0, NULL};
    hpa_err e;
    size_t j, unsupported = 0;

    (void)state;
    assert_int_equal(hpa_docset_load_buffer(text, strlen(text), "v.yaml", &set, &e), HPA_OK);
    assert_int_equal(hpa_validate_hpa_json(set.docs[0].root, &list), 5);
    for (j = 0; j < list.n; j++)
        if (!strcmp(list.items[j].path, "spec.metrics[0].type"))
            unsupported++;
    assert_int_equal(unsupported, 1);
    assert_string_equal(list.items[0].path, "spec.scaleTargetRef.kind");
    assert_string_equal(list.items[1].path, "spec.scaleTargetRef.name");
    assert_string_equal(list.items[2].path, "spec.minReplicas");
    assert_string_equal(list.items[3].path, "spec.maxReplicas");
    hpa_errlist_free(&list);
    hpa_docset_free(&set);
}

static void test_errlist(void **state)
{
    hpa_errlist l = {0, 0, NULL};
    size_t i;

    (void)state;
    for (i = 0; i < 100; i++) {
        hpa_err *e = hpa_errlist_add(&l);

        assert_non_null(e);
        assert_int_equal(e->code, HPA_OK);
        hpa_err_set(e, HPA_EINVAL, "p", "m%zu", i);
    }
    assert_int_equal(l.n, 100);
    assert_string_equal(l.items[99].msg, "m99");
    hpa_errlist_free(&l);
    assert_int_equal(l.n, 0);
    assert_null(l.items);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_all_problems),
        cmocka_unit_test(test_errlist),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
