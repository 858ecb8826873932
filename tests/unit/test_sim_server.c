/* test_sim_server.c - the sim-server's API routing, selectors, Status bodies,
 * fault specs and conflicts, without a network: requests go straight to
 * sims_api_handle over a world built from a small trace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "server/api.h"
#include "server/openapi.h"
#include "server/faults.h"
#include "server/world.h"

static char g_dir[] = "/tmp/test_sim_server_XXXXXX";
static char g_policy[128], g_trace[128];

static const char *POLICY =
    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: python-app-hpa, namespace: default}\n"
    "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: python-app}\n  minReplicas: 3\n"
    "  maxReplicas: 10\n  metrics:\n  - type: Resource\n    resource: {name: cpu, target: {type: Utilization, "
    "averageUtilization: 70}}\n  - type: Pods\n    pods:\n      metric: {name: http_requests_per_second}\n"
    "      target: {type: AverageValue, averageValue: \"50\"}\n";

static void write_file(const char *path, const char *s)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(s, f);
    fclose(f);
}

static int setup_files(void **state)
{
    (void)state;
    if (!mkdtemp(g_dir))
        return -1;
    snprintf(g_policy, sizeof(g_policy), "%s/p.yaml", g_dir);
    snprintf(g_trace, sizeof(g_trace), "%s/t.csv", g_dir);
    write_file(g_policy, POLICY);
    write_file(g_trace, "time_s,value\n0,6000\n60,6000\n120,12000\n180,6000\n");
    return 0;
}

static int teardown_files(void **state)
{
    (void)state;
    unlink(g_policy);
    unlink(g_trace);
    rmdir(g_dir);
    return 0;
}

typedef struct fx {
    sims_world w;
    sims_api api;
} fx;

static int setup_world(void **state)
{
    fx *f = calloc(1, sizeof(*f));
    sims_world_opts o;
    hpa_err e;

    memset(&o, 0, sizeof(o));
    o.policy = g_policy;
    o.trace = g_trace;
    o.seed = 3;
    o.epoch = 1700000000000LL;
    if (!f || sims_world_init(&f->w, &o, &e) != HPA_OK) {
        fprintf(stderr, "world: %s\n", e.msg);
        return -1;
    }
    f->api.w = &f->w;
    snprintf(f->api.server_address, sizeof(f->api.server_address), "127.0.0.1:1");
    *state = f;
    return 0;
}

static int teardown_world(void **state)
{
    fx *f = *state;
    sims_world_free(&f->w);
    free(f);
    return 0;
}

/* One request; returns the code, body in *out (caller frees). */
static int req(fx *f, const char *method, const char *target, const char *ct, const char *body, json_t **out,
               const char *accept)
{
    char path[512];
    const char *q = strchr(target, '?');
    sims_req rq;
    sims_resp rs;
    int code;

    memset(&rq, 0, sizeof(rq));
    snprintf(path, sizeof(path), "%.*s", q ? (int)(q - target) : (int)strlen(target), target);
    rq.method = method;
    rq.path = path;
    rq.query = q ? q + 1 : NULL;
    rq.content_type = ct;
    rq.accept = accept;
    rq.body = body;
    rq.body_len = body ? strlen(body) : 0;
    sims_api_handle(&f->api, &rq, &rs);
    code = rs.code;
    if (out) {
        /* a list served as text must be valid JSON too */
        *out = rs.raw ? json_loadb(rs.raw, rs.raw_len, 0, NULL) : rs.body ? json_incref(rs.body) : NULL;
        if (rs.raw)
            assert_non_null(*out);
    }
    sims_resp_free(&rs);
    return code;
}

static const char *sget(const json_t *o, const char *k)
{
    return json_string_value(json_object_get(o, k));
}

/* ---- routing: a table of requests and the status they must get ---- */

typedef struct route_case {
    const char *name, *method, *target, *ct, *body;
    int code;
    const char *kind;       /* body kind */
    const char *reason;     /* Status reason, if a Status */
} route_case;

static const route_case ROUTES[] = {
    {"version", "GET", "/version", NULL, NULL, 200, NULL, NULL},
    {"core group", "GET", "/api", NULL, NULL, 200, "APIVersions", NULL},
    {"core resources", "GET", "/api/v1", NULL, NULL, 200, "APIResourceList", NULL},
    {"groups", "GET", "/apis", NULL, NULL, 200, "APIGroupList", NULL},
    {"apps resources", "GET", "/apis/apps/v1", NULL, NULL, 200, "APIResourceList", NULL},
    {"autoscaling v2beta2", "GET", "/apis/autoscaling/v2beta2", NULL, NULL, 200, "APIResourceList", NULL},
    {"metrics resources", "GET", "/apis/metrics.k8s.io/v1beta1", NULL, NULL, 200, "APIResourceList", NULL},
    {"unknown group", "GET", "/apis/nope/v1", NULL, NULL, 404, "Status", "NotFound"},
    {"unknown path", "GET", "/foo/bar", NULL, NULL, 404, "Status", "NotFound"},
    {"unknown resource", "GET", "/api/v1/namespaces/default/secrets", NULL, NULL, 404, "Status", "NotFound"},
    {"deployments all ns", "GET", "/apis/apps/v1/deployments", NULL, NULL, 200, "DeploymentList", NULL},
    {"deployment", "GET", "/apis/apps/v1/namespaces/default/deployments/python-app", NULL, NULL, 200, "Deployment", NULL},
    {"deployment missing", "GET", "/apis/apps/v1/namespaces/default/deployments/nope", NULL, NULL, 404, "Status", "NotFound"},
    {"scale", "GET", "/apis/apps/v1/namespaces/default/deployments/python-app/scale", NULL, NULL, 200, "Scale", NULL},
    {"replicasets", "GET", "/apis/apps/v1/namespaces/default/replicasets", NULL, NULL, 200, "ReplicaSetList", NULL},
    {"pods", "GET", "/api/v1/namespaces/default/pods", NULL, NULL, 200, "PodList", NULL},
    {"pods all ns", "GET", "/api/v1/pods", NULL, NULL, 200, "PodList", NULL},
    {"namespace", "GET", "/api/v1/namespaces/default", NULL, NULL, 200, "Namespace", NULL},
    {"namespace missing", "GET", "/api/v1/namespaces/zzz", NULL, NULL, 404, "Status", "NotFound"},
    {"pod metrics", "GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods", NULL, NULL, 200, "PodMetricsList", NULL},
    {"node metrics", "GET", "/apis/metrics.k8s.io/v1beta1/nodes", NULL, NULL, 200, "NodeMetricsList", NULL},
    {"custom metric", "GET", "/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/http_requests_per_second?labelSelector=app%3Dpython-app", NULL, NULL, 200, "MetricValueList", NULL},
    {"custom metric unknown", "GET", "/apis/custom.metrics.k8s.io/v1beta2/namespaces/default/pods/*/nope", NULL, NULL, 404, "Status", "NotFound"},
    {"external unknown", "GET", "/apis/external.metrics.k8s.io/v1beta1/namespaces/default/queue_length", NULL, NULL, 404, "Status", "NotFound"},
    {"hpas v2", "GET", "/apis/autoscaling/v2/horizontalpodautoscalers", NULL, NULL, 200, "HorizontalPodAutoscalerList", NULL},
    {"hpa v1", "GET", "/apis/autoscaling/v1/namespaces/default/horizontalpodautoscalers/python-app-hpa", NULL, NULL, 200, "HorizontalPodAutoscaler", NULL},
    {"hpa status", "GET", "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers/python-app-hpa/status", NULL, NULL, 200, "HorizontalPodAutoscaler", NULL},
    {"leases", "GET", "/apis/coordination.k8s.io/v1/namespaces/default/leases", NULL, NULL, 200, "LeaseList", NULL},
    {"events", "GET", "/api/v1/namespaces/default/events", NULL, NULL, 200, "EventList", NULL},
    {"delete pod: 405", "DELETE", "/api/v1/namespaces/default/pods/x", NULL, NULL, 405, "Status", "MethodNotAllowed"},
    {"post deployment: 405", "POST", "/apis/apps/v1/namespaces/default/deployments", "application/json", "{}", 405, "Status", "MethodNotAllowed"},
    {"put version: 405", "PUT", "/version", NULL, NULL, 405, "Status", "MethodNotAllowed"},
    {"garbage body: 400", "POST", "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers", "application/json", "{not json", 400, "Status", "BadRequest"},
    {"array body: 400", "POST", "/apis/coordination.k8s.io/v1/namespaces/default/leases", "application/json", "[1,2]", 400, "Status", "BadRequest"},
    {"empty body: 400", "PUT", "/apis/apps/v1/namespaces/default/deployments/python-app/scale", "application/json", "", 400, "Status", "BadRequest"},
    {"json patch: 415", "PATCH", "/apis/apps/v1/namespaces/default/deployments/python-app/scale", "application/json-patch+json", "[]", 415, "Status", "UnsupportedMediaType"},
    {"bad label selector", "GET", "/api/v1/pods?labelSelector=app%20in%20(", NULL, NULL, 400, "Status", "BadRequest"},
    {"bad field selector", "GET", "/api/v1/pods?fieldSelector=nonsense", NULL, NULL, 400, "Status", "BadRequest"},
    {"unsupported field", "GET", "/api/v1/pods?fieldSelector=spec.foo%3Dx", NULL, NULL, 400, "Status", "BadRequest"},
    {"too deep", "GET", "/api/v1/namespaces/default/pods/a/b/c/d", NULL, NULL, 404, "Status", "NotFound"},
    {"long segment", "GET", "/api/v1/namespaces/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/pods", NULL, NULL, 404, "Status", "NotFound"},
};

static void test_routes(void **state)
{
    fx *f = *state;
    size_t i;

    for (i = 0; i < sizeof(ROUTES) / sizeof(ROUTES[0]); i++) {
        const route_case *c = &ROUTES[i];
        json_t *b = NULL;
        int code = req(f, c->method, c->target, c->ct, c->body, &b, NULL);
        if (code != c->code)
            fail_msg("%s: got %d, want %d", c->name, code, c->code);
        assert_non_null(b);
        if (c->kind && (!sget(b, "kind") || strcmp(sget(b, "kind"), c->kind)))
            fail_msg("%s: kind %s, want %s", c->name, sget(b, "kind"), c->kind);
        if (c->reason) {
            assert_string_equal(sget(b, "reason"), c->reason);
            assert_string_equal(sget(b, "status"), "Failure");
            assert_int_equal(json_integer_value(json_object_get(b, "code")), c->code);
            assert_string_equal(sget(b, "apiVersion"), "v1");
        }
        json_decref(b);
    }
}

static void test_status_body_shape(void **state)
{
    json_t *s = sims_status(401, "Unauthorized", "Unauthorized", NULL, NULL, NULL);
    char *d = json_dumps(s, JSON_COMPACT | JSON_SORT_KEYS);

    (void)state;
    assert_string_equal(d, "{\"apiVersion\":\"v1\",\"code\":401,\"kind\":\"Status\",\"message\":\"Unauthorized\","
                           "\"metadata\":{},\"reason\":\"Unauthorized\",\"status\":\"Failure\"}");
    free(d);
    json_decref(s);
}

static void test_not_found_names_object(void **state)
{
    fx *f = *state;
    json_t *b;

    assert_int_equal(req(f, "GET", "/apis/apps/v1/namespaces/default/deployments/nope", NULL, NULL, &b, NULL), 404);
    assert_string_equal(sget(b, "message"), "deployments.apps \"nope\" not found");
    assert_string_equal(sget(json_object_get(b, "details"), "group"), "apps");
    json_decref(b);
}

static void test_scale_conflict_and_patch(void **state)
{
    fx *f = *state;
    json_t *b;
    char body[256];
    const char *rv;
    const char *path = "/apis/apps/v1/namespaces/default/deployments/python-app/scale";

    assert_int_equal(req(f, "GET", path, NULL, NULL, &b, NULL), 200);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(b, "spec"), "replicas")), 3);
    assert_string_equal(sget(json_object_get(b, "status"), "selector"), "app=python-app");
    rv = sims_meta_str(b, "resourceVersion");
    /* a stale resourceVersion */
    snprintf(body, sizeof(body), "{\"metadata\":{\"name\":\"python-app\",\"resourceVersion\":\"%llu\"},\"spec\":{\"replicas\":5}}",
             strtoull(rv, NULL, 10) - 1);
    json_decref(b);
    assert_int_equal(req(f, "PUT", path, "application/json", body, &b, NULL), 409);
    assert_string_equal(sget(b, "reason"), "Conflict");
    assert_string_equal(sget(b, "message"),
                        "Operation cannot be fulfilled on deployments.apps \"python-app\": the object has been "
                        "modified; please apply your changes to the latest version and try again");
    json_decref(b);
    assert_int_equal(f->w.wl[0].cl.replicas, 3);
    /* merge patch as kubectl scale sends it */
    assert_int_equal(req(f, "PATCH", path, "application/merge-patch+json", "{\"spec\":{\"replicas\":6}}", &b, NULL), 200);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(b, "spec"), "replicas")), 6);
    json_decref(b);
    assert_int_equal(f->w.wl[0].cl.replicas, 6);
    assert_int_equal(f->w.wl[0].cl.n_alive, 6);
    /* the new pods are Pending, then Ready after the modelled delays */
    assert_int_equal(req(f, "GET", "/api/v1/namespaces/default/pods?fieldSelector=status.phase%3DPending", NULL, NULL, &b, NULL), 200);
    assert_int_equal(json_array_size(json_object_get(b, "items")), 3);
    json_decref(b);
    sims_world_advance(&f->w, f->w.now + 60000);
    assert_int_equal(f->w.wl[0].cl.n_ready, 6);
    assert_int_equal(req(f, "GET", "/api/v1/namespaces/default/pods?fieldSelector=status.phase!%3DRunning", NULL, NULL, &b, NULL), 200);
    assert_int_equal(json_array_size(json_object_get(b, "items")), 0);
    json_decref(b);
    /* a bad replica count */
    assert_int_equal(req(f, "PATCH", path, "application/merge-patch+json", "{\"spec\":{\"replicas\":\"x\"}}", &b, NULL), 422);
    json_decref(b);
}

static void test_selectors(void **state)
{
    fx *f = *state;
    json_t *b;

    assert_int_equal(req(f, "GET", "/api/v1/pods?labelSelector=app%3Dpython-app", NULL, NULL, &b, NULL), 200);
    assert_int_equal(json_array_size(json_object_get(b, "items")), 3);
    json_decref(b);
    assert_int_equal(req(f, "GET", "/api/v1/pods?labelSelector=app%3Dother", NULL, NULL, &b, NULL), 200);
    assert_int_equal(json_array_size(json_object_get(b, "items")), 0);
    json_decref(b);
    assert_int_equal(req(f, "GET", "/api/v1/pods?labelSelector=app%20in%20(python-app,x),!legacy", NULL, NULL, &b, NULL), 200);
    assert_int_equal(json_array_size(json_object_get(b, "items")), 3);
    json_decref(b);
    assert_int_equal(req(f, "GET", "/api/v1/pods?fieldSelector=metadata.name%3Dpython-app-00001", NULL, NULL, &b, NULL), 200);
    assert_int_equal(json_array_size(json_object_get(b, "items")), 1);
    json_decref(b);
    assert_int_equal(req(f, "GET", "/api/v1/pods?fieldSelector=metadata.name!%3Dpython-app-00001,spec.nodeName%3Dsim-node-1", NULL, NULL, &b, NULL), 200);
    assert_int_equal(json_array_size(json_object_get(b, "items")), 2);
    json_decref(b);
    assert_int_equal(req(f, "GET", "/api/v1/namespaces/kube-system/pods", NULL, NULL, &b, NULL), 200);
    assert_int_equal(json_array_size(json_object_get(b, "items")), 0);
    json_decref(b);
    assert_int_equal(req(f, "GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dpython-app", NULL, NULL, &b, NULL), 200);
    assert_int_equal(json_array_size(json_object_get(b, "items")), 3);
    json_decref(b);
}

static void test_hpa_lifecycle(void **state)
{
    fx *f = *state;
    json_t *b;
    const char *base = "/apis/autoscaling/v2/namespaces/default/horizontalpodautoscalers";
    const char *hpa = "{\"apiVersion\":\"autoscaling/v2\",\"kind\":\"HorizontalPodAutoscaler\",\"metadata\":{\"name\":\"web\"},"
                      "\"spec\":{\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"python-app\"},"
                      "\"maxReplicas\":5}}";
    char body[512], path[256];

    assert_int_equal(req(f, "POST", base, "application/json", hpa, &b, NULL), 201);
    /* defaults applied by the server */
    assert_int_equal(json_integer_value(json_object_get(json_object_get(b, "spec"), "minReplicas")), 1);
    json_decref(b);
    assert_int_equal(req(f, "POST", base, "application/json", hpa, &b, NULL), 409);
    assert_string_equal(sget(b, "reason"), "AlreadyExists");
    json_decref(b);
    /* invalid: 422 naming the field */
    assert_int_equal(req(f, "POST", base, "application/json",
                         "{\"kind\":\"HorizontalPodAutoscaler\",\"metadata\":{\"name\":\"bad\"},\"spec\":{\"scaleTargetRef\":"
                         "{\"kind\":\"Deployment\",\"name\":\"x\"},\"minReplicas\":4,\"maxReplicas\":2}}", &b, NULL), 422);
    assert_string_equal(sget(b, "reason"), "Invalid");
    assert_non_null(strstr(sget(b, "message"), "spec.maxReplicas"));
    assert_true(json_array_size(json_object_get(json_object_get(b, "details"), "causes")) >= 1);
    json_decref(b);
    snprintf(path, sizeof(path), "%s/web", base);
    /* update with a stale version */
    snprintf(body, sizeof(body), "{\"metadata\":{\"name\":\"web\",\"resourceVersion\":\"1\"},\"spec\":{\"scaleTargetRef\":"
                                 "{\"kind\":\"Deployment\",\"name\":\"python-app\"},\"maxReplicas\":6}}");
    assert_int_equal(req(f, "PUT", path, "application/json", body, &b, NULL), 409);
    json_decref(b);
    /* merge patch */
    assert_int_equal(req(f, "PATCH", path, "application/merge-patch+json", "{\"spec\":{\"maxReplicas\":7}}", &b, NULL), 200);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(b, "spec"), "maxReplicas")), 7);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(b, "metadata"), "generation")), 2);
    json_decref(b);
    /* status subresource changes only the status */
    snprintf(path, sizeof(path), "%s/web/status", base);
    assert_int_equal(req(f, "PATCH", path, "application/merge-patch+json",
                         "{\"spec\":{\"maxReplicas\":99},\"status\":{\"currentReplicas\":4,\"desiredReplicas\":5}}", &b, NULL), 200);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(b, "status"), "desiredReplicas")), 5);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(b, "spec"), "maxReplicas")), 7);
    json_decref(b);
    /* table output */
    assert_int_equal(req(f, "GET", base, NULL, NULL, &b, "application/json;as=Table;v=v1;g=meta.k8s.io"), 200);
    assert_string_equal(sget(b, "kind"), "Table");
    assert_int_equal(json_array_size(json_object_get(b, "rows")), 2);
    json_decref(b);
    snprintf(path, sizeof(path), "%s/web", base);
    assert_int_equal(req(f, "DELETE", path, NULL, NULL, &b, NULL), 200);
    assert_string_equal(sget(b, "status"), "Success");
    json_decref(b);
    assert_int_equal(req(f, "GET", path, NULL, NULL, &b, NULL), 404);
    json_decref(b);
}

static void test_lease_conflict(void **state)
{
    fx *f = *state;
    json_t *b;
    const char *base = "/apis/coordination.k8s.io/v1/namespaces/default/leases";
    char body[256];
    char rv[24];

    assert_int_equal(req(f, "POST", base, "application/json",
                         "{\"metadata\":{\"name\":\"hpa-engine\"},\"spec\":{\"holderIdentity\":\"a\"}}", &b, NULL), 201);
    snprintf(rv, sizeof(rv), "%s", sims_meta_str(b, "resourceVersion"));
    json_decref(b);
    snprintf(body, sizeof(body), "{\"metadata\":{\"name\":\"hpa-engine\",\"resourceVersion\":\"%s\"},\"spec\":{\"holderIdentity\":\"b\"}}", rv);
    assert_int_equal(req(f, "PUT", "/apis/coordination.k8s.io/v1/namespaces/default/leases/hpa-engine", "application/json", body, &b, NULL), 200);
    json_decref(b);
    /* the same (now stale) version again */
    assert_int_equal(req(f, "PUT", "/apis/coordination.k8s.io/v1/namespaces/default/leases/hpa-engine", "application/json", body, &b, NULL), 409);
    assert_non_null(strstr(sget(b, "message"), "leases.coordination.k8s.io \"hpa-engine\""));
    json_decref(b);
}

/* ---- fault specs ---- */

typedef struct fault_case {
    const char *name, *spec;
    bool ok;
    const char *err_has;
} fault_case;

static const fault_case FAULTS[] = {
    {"empty", "", true, NULL},
    {"full", "500:0.05,503:0.02,429:0.05:retry-after=2,latency:0.1:200ms,hang:0.01,reset:0.01,stale-metrics:0.1:120s,missing-metrics:0.2,outage:600s-720s", true, NULL},
    {"plain outage", "outage:600-720", true, NULL},
    {"unknown kind", "404:0.1", false, "\"404:0.1\""},
    {"rate > 1", "500:1.5", false, "\"500:1.5\""},
    {"missing rate", "hang", false, "\"hang\""},
    {"latency without duration", "latency:0.1", false, "latency:RATE:DURATION"},
    {"bad duration", "latency:0.1:fast", false, "\"latency:0.1:fast\""},
    {"bad retry-after", "429:0.1:wait=2", false, "retry-after"},
    {"outage reversed", "outage:700s-600s", false, "TO must be after FROM"},
    {"twice", "500:0.1,500:0.2", false, "given twice"},
    {"empty term", "500:0.1,,503:0.1", false, "empty fault term"},
};

static void test_fault_specs(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(FAULTS) / sizeof(FAULTS[0]); i++) {
        sims_faults f;
        hpa_err e;
        hpa_errcode rc;
        hpa_err_clear(&e);
        rc = sims_faults_parse(FAULTS[i].spec, 1, &f, &e);
        if ((rc == HPA_OK) != FAULTS[i].ok)
            fail_msg("%s: rc %d (%s)", FAULTS[i].name, rc, e.msg);
        if (FAULTS[i].err_has && !strstr(e.msg, FAULTS[i].err_has))
            fail_msg("%s: message \"%s\" lacks \"%s\"", FAULTS[i].name, e.msg, FAULTS[i].err_has);
    }
}

static void test_fault_draws(void **state)
{
    sims_faults a, b;
    hpa_err e;
    int i, n500 = 0, n429 = 0, same = 1;

    (void)state;
    assert_int_equal(sims_faults_parse("500:0.2,429:0.1:retry-after=3,outage:10-20", 42, &a, &e), HPA_OK);
    assert_int_equal(sims_faults_parse("500:0.2,429:0.1:retry-after=3,outage:10-20", 42, &b, &e), HPA_OK);
    assert_int_equal(a.retry_after_s, 3);
    for (i = 0; i < 10000; i++) {
        sims_fault_draw da = sims_faults_draw(&a, 0), db = sims_faults_draw(&b, 0);
        same &= da.kind == db.kind;
        n500 += da.kind == SIMS_FAULT_500;
        n429 += da.kind == SIMS_FAULT_429;
    }
    assert_true(same);
    assert_in_range(n500, 1800, 2200);
    assert_in_range(n429, 850, 1150);
    assert_int_equal(sims_faults_draw(&a, 15).kind, SIMS_FAULT_OUTAGE);
    assert_int_not_equal(sims_faults_draw(&a, 20).kind, SIMS_FAULT_OUTAGE);
}

static void test_age(void **state)
{
    static const struct { hpa_duration_t d; const char *want; } cases[] = {
        {5000, "5s"}, {119000, "119s"}, {200000, "3m20s"}, {3600000, "60m"}, {4 * 3600000 + 60000, "4h1m"},
        {30 * 3600000LL, "30h"}, {50 * 3600000LL, "2d2h"}, {20 * 86400000LL, "20d"}};
    size_t i;
    char buf[32];

    (void)state;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        sims_age(cases[i].d, buf, sizeof(buf));
        assert_string_equal(buf, cases[i].want);
    }
}

/* The cached pod views and the text-joined list equal a fresh rendering at
 * every step of a scale-up and a scale-down. */
static void test_pod_cache_matches_render(void **state)
{
    fx *f = *state;
    static const struct {
        const char *name;
        int32_t replicas;           /* -1: only advance */
        sim_ms advance;
    } steps[] = {
        {"start", -1, 0}, {"scale up to 7", 7, 0}, {"bound", -1, 2000}, {"running", -1, 20000},
        {"ready", -1, 60000}, {"scale down to 2", 2, 0}, {"terminating", -1, 1000}, {"gone", -1, 120000},
    };
    size_t k, i, j;

    for (k = 0; k < sizeof(steps) / sizeof(steps[0]); k++) {
        json_t *list = NULL, *items;
        hpa_err e;
        size_t n = 0;
        if (steps[k].replicas >= 0)
            assert_int_equal(sims_world_scale(&f->w, &f->w.wl[0], steps[k].replicas, &e), HPA_OK);
        sims_world_advance(&f->w, f->w.now + steps[k].advance);
        for (i = 0; i < f->w.n_wl; i++)
            for (j = 0; j < f->w.wl[i].cl.n_pods; j++, n++) {
                const char *text = NULL;
                size_t len = 0;
                const json_t *v = sims_pod_view(&f->w, &f->w.wl[i], &f->w.wl[i].cl.pods[j], &text, &len);
                json_t *fresh = sims_render_pod(&f->w, &f->w.wl[i], &f->w.wl[i].cl.pods[j]);
                json_t *parsed = text ? json_loadb(text, len, 0, NULL) : NULL;
                if (!v || !json_equal((json_t *)v, fresh) || !json_equal(parsed, fresh))
                    fail_msg("step %s: pod %s: the cached view differs from a fresh rendering", steps[k].name,
                             f->w.wl[i].cl.pods[j].name);
                json_decref(fresh);
                json_decref(parsed);
            }
        assert_int_equal(req(f, "GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dpython-app", NULL, NULL,
                             &list, NULL), 200);
        items = json_object_get(list, "items");
        if (json_array_size(items) != n)
            fail_msg("step %s: list has %zu pods, the world %zu", steps[k].name, json_array_size(items), n);
        json_decref(list);
    }
}

/* kubectl finds the HPA schema by x-kubernetes-group-version-kind, in v3 (refs
 * under components) and v2 (JSON and protobuf). */
static void test_openapi(void **state)
{
    fx *f = *state;
    static const struct {
        const char *name, *path;
        int code;
    } cases[] = {
        {"v3 index", "/openapi/v3", 200},
        {"v3 autoscaling/v2", "/openapi/v3/apis/autoscaling/v2", 200},
        {"v3 autoscaling/v2beta2", "/openapi/v3/apis/autoscaling/v2beta2", 200},
        {"v3 other group", "/openapi/v3/apis/apps/v1", 404},
        {"v2", "/openapi/v2", 200},
        {"unknown", "/openapi/v4", 404},
    };
    json_t *b = NULL, *hpa;
    char *text;
    size_t i;
    sims_req rq;
    sims_resp rs;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int code = req(f, "GET", cases[i].path, NULL, NULL, NULL, NULL);
        if (code != cases[i].code)
            fail_msg("%s: %s gave %d, want %d", cases[i].name, cases[i].path, code, cases[i].code);
    }
    assert_int_equal(req(f, "GET", "/openapi/v3", NULL, NULL, &b, NULL), 200);
    assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(b, "paths"),
                                                                            "apis/autoscaling/v2"),
                                                           "serverRelativeURL")),
                        "/openapi/v3/apis/autoscaling/v2?hash=" SIMS_OPENAPI_HASH);
    json_decref(b);
    assert_int_equal(req(f, "GET", "/openapi/v3/apis/autoscaling/v2", NULL, NULL, &b, NULL), 200);
    hpa = json_object_get(json_object_get(json_object_get(b, "components"), "schemas"),
                          "io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler");
    assert_non_null(hpa);
    assert_string_equal(json_string_value(json_object_get(json_object_get(json_object_get(hpa, "properties"), "spec"),
                                                          "$ref")),
                        "#/components/schemas/io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec");
    text = json_dumps(json_object_get(hpa, "x-kubernetes-group-version-kind"), JSON_COMPACT);
    assert_non_null(strstr(text, "\"version\":\"v2\""));
    assert_non_null(strstr(text, "\"version\":\"v2beta2\""));
    free(text);
    text = json_dumps(b, JSON_COMPACT);
    assert_null(strstr(text, "#/definitions/"));
    free(text);
    json_decref(b);
    /* protobuf when asked: a gnostic Document, field 1 = "2.0" */
    memset(&rq, 0, sizeof(rq));
    rq.method = "GET";
    rq.path = "/openapi/v2";
    rq.accept = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
    sims_api_handle(&f->api, &rq, &rs);
    assert_int_equal(rs.code, 200);
    assert_non_null(rs.raw);
    assert_true(rs.raw_len > 1000);
    assert_memory_equal(rs.raw, "\x0a\x03" "2.0", 5);
    assert_string_equal(rs.content_type, "application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
    {
        static const char ext[] = "x-kubernetes-group-version-kind";
        size_t at, found = 0;
        for (at = 0; at + sizeof(ext) - 1 <= rs.raw_len; at++)
            found += !memcmp(rs.raw + at, ext, sizeof(ext) - 1);
        assert_int_equal(found, 2);     /* the HPA and its List */
    }
    sims_resp_free(&rs);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_routes, setup_world, teardown_world),
        cmocka_unit_test(test_status_body_shape),
        cmocka_unit_test_setup_teardown(test_not_found_names_object, setup_world, teardown_world),
        cmocka_unit_test_setup_teardown(test_scale_conflict_and_patch, setup_world, teardown_world),
        cmocka_unit_test_setup_teardown(test_selectors, setup_world, teardown_world),
        cmocka_unit_test_setup_teardown(test_hpa_lifecycle, setup_world, teardown_world),
        cmocka_unit_test_setup_teardown(test_lease_conflict, setup_world, teardown_world),
        cmocka_unit_test(test_fault_specs),
        cmocka_unit_test(test_fault_draws),
        cmocka_unit_test(test_age),
        cmocka_unit_test_setup_teardown(test_pod_cache_matches_render, setup_world, teardown_world),
        cmocka_unit_test_setup_teardown(test_openapi, setup_world, teardown_world),
    };
    return cmocka_run_group_tests(tests, setup_files, teardown_files);
}
