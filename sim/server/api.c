/* api.c - the Kubernetes REST API over the simulated world (see api.h). */
#include "server/api.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/queue.h>

#include <event2/http.h>
#include <event2/keyvalq_struct.h>

#include "codec/codec.h"
#include "hpa/quantity.h"
#include "hpa/timeutil.h"
#include "server/openapi.h"

/* ---- resources and discovery --------------------------------------------- */

typedef enum {
    K_PODS, K_DEPLOY, K_DEPLOY_SCALE, K_RS, K_HPA, K_HPA_STATUS, K_LEASE, K_EVENT, K_NS, K_NODE,
    K_PODMETRICS, K_NODEMETRICS, K_CUSTOM, K_EXTERNAL
} kind_id;

typedef struct resdef {
    const char *gv;
    const char *name;
    const char *singular;
    const char *kind;
    bool namespaced;
    const char *verbs;              /* comma separated */
    const char *shorts;
    const char *cats;
    kind_id id;
    const char *sub_group, *sub_version;    /* a subresource of another group */
} resdef;

static const resdef RESOURCES[] = {
    {"v1", "events", "event", "Event", true, "create,delete,get,list,watch", "ev", NULL, K_EVENT, NULL, NULL},
    {"v1", "namespaces", "namespace", "Namespace", false, "get,list,watch", "ns", NULL, K_NS, NULL, NULL},
    {"v1", "nodes", "node", "Node", false, "get,list,watch", "no", NULL, K_NODE, NULL, NULL},
    {"v1", "pods", "pod", "Pod", true, "get,list,watch", "po", "all", K_PODS, NULL, NULL},
    {"apps/v1", "deployments", "deployment", "Deployment", true, "get,list,patch,update,watch", "deploy", "all",
     K_DEPLOY, NULL, NULL},
    {"apps/v1", "deployments/scale", "", "Scale", true, "get,patch,update", NULL, NULL, K_DEPLOY_SCALE,
     "autoscaling", "v1"},
    {"apps/v1", "replicasets", "replicaset", "ReplicaSet", true, "get,list,watch", "rs", "all", K_RS, NULL, NULL},
    {"autoscaling/v2", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", true,
     "create,delete,get,list,patch,update,watch", "hpa", "all", K_HPA, NULL, NULL},
    {"autoscaling/v2", "horizontalpodautoscalers/status", "", "HorizontalPodAutoscaler", true, "get,patch,update",
     NULL, NULL, K_HPA_STATUS, NULL, NULL},
    {"autoscaling/v2beta2", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", true,
     "create,delete,get,list,patch,update,watch", "hpa", "all", K_HPA, NULL, NULL},
    {"autoscaling/v2beta2", "horizontalpodautoscalers/status", "", "HorizontalPodAutoscaler", true,
     "get,patch,update", NULL, NULL, K_HPA_STATUS, NULL, NULL},
    {"autoscaling/v1", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", true,
     "get,list,watch", "hpa", "all", K_HPA, NULL, NULL},
    {"metrics.k8s.io/v1beta1", "nodes", "", "NodeMetrics", false, "get,list", NULL, NULL, K_NODEMETRICS, NULL, NULL},
    {"metrics.k8s.io/v1beta1", "pods", "", "PodMetrics", true, "get,list", NULL, NULL, K_PODMETRICS, NULL, NULL},
    {"coordination.k8s.io/v1", "leases", "lease", "Lease", true, "create,delete,get,list,patch,update,watch", NULL,
     NULL, K_LEASE, NULL, NULL},
    {"custom.metrics.k8s.io/v1beta2", "pods/http_requests_per_second", "", "MetricValueList", true, "get", NULL,
     NULL, K_CUSTOM, NULL, NULL},
    {"external.metrics.k8s.io/v1beta1", "queue_length", "", "ExternalMetricValueList", true, "get", NULL, NULL,
     K_EXTERNAL, NULL, NULL},
};
#define N_RESOURCES (sizeof(RESOURCES) / sizeof(RESOURCES[0]))

typedef struct groupdef {
    const char *name;
    const char *versions[3];        /* preferred first */
} groupdef;

static const groupdef GROUPS[] = {
    {"apps", {"v1", NULL, NULL}},
    {"autoscaling", {"v2", "v1", "v2beta2"}},
    {"coordination.k8s.io", {"v1", NULL, NULL}},
    {"metrics.k8s.io", {"v1beta1", NULL, NULL}},
    {"custom.metrics.k8s.io", {"v1beta2", NULL, NULL}},
    {"external.metrics.k8s.io", {"v1beta1", NULL, NULL}},
};
#define N_GROUPS (sizeof(GROUPS) / sizeof(GROUPS[0]))

static const char *const NAMESPACES[] = {"default", "kube-system", "kube-public", "kube-node-lease"};

static json_t *split_list(const char *s)
{
    json_t *a = json_array();
    const char *p = s;

    while (a && p && *p) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        json_array_append_new(a, json_stringn(p, n));
        p = c ? c + 1 : NULL;
    }
    return a;
}

static json_t *resource_list(const char *gv)
{
    json_t *res = json_array();
    size_t i;

    for (i = 0; i < N_RESOURCES; i++) {
        const resdef *r = &RESOURCES[i];
        json_t *o;
        if (strcmp(r->gv, gv))
            continue;
        o = json_pack("{s:s,s:s,s:b,s:s,s:o}", "name", r->name, "singularName", r->singular, "namespaced",
                      r->namespaced, "kind", r->kind, "verbs", split_list(r->verbs));
        if (!o)
            continue;
        if (r->shorts)
            json_object_set_new(o, "shortNames", split_list(r->shorts));
        if (r->cats)
            json_object_set_new(o, "categories", split_list(r->cats));
        if (r->sub_group) {
            json_object_set_new(o, "group", json_string(r->sub_group));
            json_object_set_new(o, "version", json_string(r->sub_version));
        }
        json_array_append_new(res, o);
    }
    return json_pack("{s:s,s:s,s:s,s:o}", "kind", "APIResourceList", "apiVersion", "v1", "groupVersion", gv,
                     "resources", res);
}

static json_t *group_json(const groupdef *g)
{
    json_t *vs = json_array();
    char gv[96];
    int k;

    for (k = 0; k < 3 && g->versions[k]; k++) {
        snprintf(gv, sizeof(gv), "%s/%s", g->name, g->versions[k]);
        json_array_append_new(vs, json_pack("{s:s,s:s}", "groupVersion", gv, "version", g->versions[k]));
    }
    snprintf(gv, sizeof(gv), "%s/%s", g->name, g->versions[0]);
    return json_pack("{s:s,s:o,s:{s:s,s:s}}", "name", g->name, "versions", vs, "preferredVersion", "groupVersion",
                     gv, "version", g->versions[0]);
}

static bool gv_known(const char *gv)
{
    size_t i;

    for (i = 0; i < N_RESOURCES; i++)
        if (!strcmp(RESOURCES[i].gv, gv))
            return true;
    return false;
}

static const resdef *find_res(const char *gv, const char *name)
{
    size_t i;

    for (i = 0; i < N_RESOURCES; i++)
        if (!strcmp(RESOURCES[i].gv, gv) && !strcmp(RESOURCES[i].name, name))
            return &RESOURCES[i];
    return NULL;
}

/* ---- Status bodies ----------------------------------------------------------- */

json_t *sims_status(int code, const char *reason, const char *message, const char *name, const char *group,
                    const char *kind)
{
    json_t *o = json_pack("{s:s,s:s,s:{},s:s,s:s,s:s,s:i}", "kind", "Status", "apiVersion", "v1", "metadata",
                          "status", code < 300 ? "Success" : "Failure", "message", message ? message : "", "reason",
                          reason ? reason : "", "code", code);

    if (o && (name || group || kind)) {
        json_t *d = json_object();
        if (name)
            json_object_set_new(d, "name", json_string(name));
        if (group)
            json_object_set_new(d, "group", json_string(group));
        if (kind)
            json_object_set_new(d, "kind", json_string(kind));
        json_object_set_new(o, "details", d);
    }
    if (o && !reason)
        json_object_del(o, "reason");
    return o;
}

static void fail(sims_resp *rs, int code, const char *reason, const char *message)
{
    json_decref(rs->body);
    rs->code = code;
    rs->body = sims_status(code, reason, message, NULL, NULL, NULL);
}

static void failf(sims_resp *rs, int code, const char *reason, const char *fmt, ...) HPA_PRINTF(4, 5);
static void failf(sims_resp *rs, int code, const char *reason, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fail(rs, code, reason, msg);
}

static void not_found_path(sims_resp *rs)
{
    fail(rs, 404, "NotFound", "the server could not find the requested resource");
}

static void method_not_allowed(sims_resp *rs)
{
    fail(rs, 405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
}

/* "deployments.apps", "pods" */
static void qualified(const resdef *r, char *buf, size_t len)
{
    const char *slash = strchr(r->gv, '/');
    size_t n = strcspn(r->name, "/");

    if (slash)
        snprintf(buf, len, "%.*s.%.*s", (int)n, r->name, (int)(slash - r->gv), r->gv);
    else
        snprintf(buf, len, "%.*s", (int)n, r->name);
}

static void not_found_obj(sims_resp *rs, const resdef *r, const char *name)
{
    char q[128], msg[512];
    const char *slash = strchr(r->gv, '/');
    char group[64] = "";
    char kind[64];

    qualified(r, q, sizeof(q));
    if (slash)
        snprintf(group, sizeof(group), "%.*s", (int)(slash - r->gv), r->gv);
    snprintf(kind, sizeof(kind), "%.*s", (int)strcspn(r->name, "/"), r->name);
    snprintf(msg, sizeof(msg), "%s \"%s\" not found", q, name);
    json_decref(rs->body);
    rs->code = 404;
    rs->body = sims_status(404, "NotFound", msg, name, group, kind);
}

static void conflict(sims_resp *rs, const resdef *r, const char *name)
{
    char q[128], msg[512];

    qualified(r, q, sizeof(q));
    /* UPSTREAM: apiserver storage, errors.NewConflict + OptimisticLockErrorMsg */
    snprintf(msg, sizeof(msg),
             "Operation cannot be fulfilled on %s \"%s\": the object has been modified; please apply your changes "
             "to the latest version and try again",
             q, name);
    json_decref(rs->body);
    rs->code = 409;
    rs->body = sims_status(409, "Conflict", msg, name, NULL, NULL);
}

/* ---- selectors --------------------------------------------------------------- */

static const json_t *json_path(const json_t *o, const char *path)
{
    char key[64];

    while (o && *path) {
        size_t n = strcspn(path, ".");
        if (n >= sizeof(key))
            return NULL;
        memcpy(key, path, n);
        key[n] = '\0';
        o = json_object_get(o, key);
        path += n;
        if (*path == '.')
            path++;
    }
    return o;
}

hpa_errcode sims_filter_init(sims_filter *f, const char *ns, const char *label_sel, const char *field_sel,
                             hpa_err *e)
{
    const char *p = field_sel;

    memset(f, 0, sizeof(*f));
    hpa_arena_init(&f->arena);
    snprintf(f->ns, sizeof(f->ns), "%s", ns ? ns : "");
    if (label_sel && *label_sel) {
        hpa_errcode rc = hpa_selector_parse(label_sel, &f->arena, &f->labels, e);
        if (rc != HPA_OK) {
            char m[HPA_ERR_MSG_MAX];
            snprintf(m, sizeof(m), "%s", e ? e->msg : "");
            return hpa_err_set(e, rc, "labelSelector", "unable to parse requirement: %s", m);
        }
        f->has_labels = true;
    }
    while (p && *p) {
        size_t n = strcspn(p, ",");
        char term[400];
        char *op;
        sims_field_req *fr;
        if (n >= sizeof(term))
            return hpa_err_set(e, HPA_EINVAL, "fieldSelector", "field selector term too long");
        memcpy(term, p, n);
        term[n] = '\0';
        p += n;
        if (*p == ',')
            p++;
        if (!*term)
            continue;
        if (f->n_fields == SIMS_MAX_FIELD_REQS)
            return hpa_err_set(e, HPA_EINVAL, "fieldSelector", "too many field selector terms (at most %d)",
                               SIMS_MAX_FIELD_REQS);
        fr = &f->fields[f->n_fields];
        if ((op = strstr(term, "!=")) != NULL) {
            fr->neq = true;
            *op = '\0';
            op += 2;
        } else if ((op = strstr(term, "==")) != NULL) {
            *op = '\0';
            op += 2;
        } else if ((op = strchr(term, '=')) != NULL) {
            *op = '\0';
            op += 1;
        } else {
            return hpa_err_set(e, HPA_EINVAL, "fieldSelector", "invalid selector: '%s'; can't understand '%s'",
                               field_sel, term);
        }
        if (!*term || strlen(term) >= sizeof(fr->path) || strlen(op) >= sizeof(fr->value))
            return hpa_err_set(e, HPA_EINVAL, "fieldSelector", "invalid field selector term '%s'", term);
        /* lengths checked above */
        memcpy(fr->path, term, strlen(term) + 1);
        memcpy(fr->value, op, strlen(op) + 1);
        f->n_fields++;
    }
    return HPA_OK;
}

void sims_filter_free(sims_filter *f)
{
    hpa_arena_free(&f->arena);
}

bool sims_filter_matches(const sims_filter *f, const json_t *obj)
{
    size_t i;

    if (f->ns[0]) {
        const char *ns = sims_meta_str(obj, "namespace");
        if (!ns || strcmp(ns, f->ns))
            return false;
    }
    if (f->has_labels) {
        const json_t *labels = json_path(obj, "metadata.labels");
        hpa_label items[32];
        hpa_labels ls = {0, items};
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)labels, k, v) {
            if (ls.n < 32 && json_is_string(v)) {
                items[ls.n].key = k;
                items[ls.n].value = json_string_value(v);
                ls.n++;
            }
        }
        if (!hpa_selector_matches(&f->labels, &ls))
            return false;
    }
    for (i = 0; i < f->n_fields; i++) {
        const sims_field_req *fr = &f->fields[i];
        const json_t *v = json_path(obj, !strcmp(fr->path, "source") ? "source.component" : fr->path);
        const char *s = json_is_string(v) ? json_string_value(v) : "";
        if ((strcmp(s, fr->value) == 0) == fr->neq)
            return false;
    }
    return true;
}

static bool field_supported(kind_id k, const char *path)
{
    static const char *const pod_fields[] = {"status.phase", "spec.nodeName", "spec.restartPolicy",
                                             "spec.schedulerName", "spec.serviceAccountName", "status.podIP",
                                             "status.nominatedNodeName", NULL};
    static const char *const ev_fields[] = {"involvedObject.kind", "involvedObject.namespace",
                                            "involvedObject.name", "involvedObject.uid",
                                            "involvedObject.apiVersion", "involvedObject.resourceVersion",
                                            "involvedObject.fieldPath", "reason", "reportingComponent", "source",
                                            "type", NULL};
    const char *const *l = k == K_PODS || k == K_PODMETRICS ? pod_fields : k == K_EVENT ? ev_fields : NULL;

    if (!strcmp(path, "metadata.name") || !strcmp(path, "metadata.namespace"))
        return true;
    for (; l && *l; l++)
        if (!strcmp(*l, path))
            return true;
    return false;
}

/* ---- objects ------------------------------------------------------------------- */

static json_t *node_object(const sims_world *w)
{
    char ct[HPA_TIME_STR_MAX], now[HPA_TIME_STR_MAX];

    hpa_time_format(w->epoch - 86400 * 1000, ct, sizeof(ct));
    hpa_time_format(sims_world_time(w) - sims_world_time(w) % 1000, now, sizeof(now));
    return json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s}},s:{},s:{s:{s:s,s:s,s:s},s:{s:s,s:s,s:s},"
                     "s:[{s:s,s:s,s:s,s:s,s:s,s:s}],s:{s:s,s:s,s:s,s:s,s:s,s:s},s:[{s:s,s:s}]}}",
                     "kind", "Node", "apiVersion", "v1", "metadata", "name", "sim-node-1", "uid",
                     "5f0c8b52-3c2a-4c1e-9a51-000000000001", "resourceVersion", "1", "creationTimestamp", ct,
                     "labels", "kubernetes.io/hostname", "sim-node-1", "kubernetes.io/os", "linux",
                     "node-role.kubernetes.io/worker", "", "spec", "status", "capacity", "cpu", "64", "memory",
                     "256Gi", "pods", "1000", "allocatable", "cpu", "64", "memory", "256Gi", "pods", "1000",
                     "conditions", "type", "Ready", "status", "True", "lastHeartbeatTime", now,
                     "lastTransitionTime", ct, "reason", "KubeletReady", "message", "kubelet is posting ready status",
                     "nodeInfo", "kubeletVersion", "v1.30.0-sim", "kubeProxyVersion", "v1.30.0-sim", "osImage",
                     "hpa-engine simulated node", "operatingSystem", "linux", "architecture", "amd64",
                     "containerRuntimeVersion", "containerd://1.7.0", "addresses", "type", "InternalIP", "address",
                     "10.0.0.10");
}

static json_t *namespace_object(const sims_world *w, const char *name)
{
    char ct[HPA_TIME_STR_MAX];

    hpa_time_format(w->epoch - 86400 * 1000, ct, sizeof(ct));
    return json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:{s:s}},s:{s:[s]},s:{s:s}}", "kind", "Namespace", "apiVersion", "v1",
                     "metadata", "name", name, "resourceVersion", "1", "creationTimestamp", ct, "labels",
                     "kubernetes.io/metadata.name", name, "spec", "finalizers", "kubernetes", "status", "phase",
                     "Active");
}

static bool namespace_exists(const sims_world *w, const char *ns)
{
    size_t i;

    for (i = 0; i < sizeof(NAMESPACES) / sizeof(NAMESPACES[0]); i++)
        if (!strcmp(NAMESPACES[i], ns))
            return true;
    for (i = 0; i < w->n_wl; i++)
        if (!strcmp(w->wl[i].model.namespace_, ns))
            return true;
    return false;
}

static sims_store *store_of(sims_world *w, kind_id k)
{
    switch (k) {
    case K_HPA:
    case K_HPA_STATUS:
        return &w->store[SIMS_RES_HPAS];
    case K_LEASE:
        return &w->store[SIMS_RES_LEASES];
    case K_EVENT:
        return &w->store[SIMS_RES_EVENTS];
    default:
        return NULL;
    }
}

/* autoscaling/v2 -> the requested HPA version (new reference). */
static json_t *hpa_as(const json_t *obj, const char *gv)
{
    json_t *o, *v1, *spec, *st, *metrics;
    size_t i;

    if (!gv || !strcmp(gv, "autoscaling/v2")) {
        return json_deep_copy(obj);
    }
    if (strcmp(gv, "autoscaling/v1")) {
        o = json_deep_copy(obj);
        if (o)
            json_object_set_new(o, "apiVersion", json_string(gv));
        return o;
    }
    /* UPSTREAM: autoscaling v1 <-> v2 conversion keeps the CPU utilization
     * target only; the rest goes into annotations, which we leave out */
    spec = json_object_get(obj, "spec");
    st = json_object_get(obj, "status");
    v1 = json_pack("{s:s,s:s,s:O,s:{s:O,s:O*,s:O}}", "kind", "HorizontalPodAutoscaler", "apiVersion",
                   "autoscaling/v1", "metadata", json_object_get(obj, "metadata"), "spec", "scaleTargetRef",
                   json_object_get(spec, "scaleTargetRef"), "minReplicas", json_object_get(spec, "minReplicas"),
                   "maxReplicas", json_object_get(spec, "maxReplicas"));
    if (!v1)
        return NULL;
    metrics = json_object_get(spec, "metrics");
    for (i = 0; i < json_array_size(metrics); i++) {
        const json_t *m = json_array_get(metrics, i);
        const json_t *u = json_path(m, "resource.target.averageUtilization");
        if (json_is_string(json_object_get(m, "type")) && !strcmp(json_string_value(json_object_get(m, "type")), "Resource") &&
            !strcmp(json_string_value(json_path(m, "resource.name")) ? json_string_value(json_path(m, "resource.name")) : "", "cpu") &&
            json_is_integer(u))
            json_object_set(json_object_get(v1, "spec"), "targetCPUUtilizationPercentage", (json_t *)u);
    }
    {
        json_t *s1 = json_object();
        const char *keys[] = {"observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas"};
        size_t k;
        for (k = 0; k < 4; k++)
            if (json_object_get(st, keys[k]))
                json_object_set(s1, keys[k], json_object_get(st, keys[k]));
        if (!json_object_get(s1, "currentReplicas"))
            json_object_set_new(s1, "currentReplicas", json_integer(0));
        if (!json_object_get(s1, "desiredReplicas"))
            json_object_set_new(s1, "desiredReplicas", json_integer(0));
        metrics = json_object_get(st, "currentMetrics");
        for (i = 0; i < json_array_size(metrics); i++) {
            const json_t *u = json_path(json_array_get(metrics, i), "resource.current.averageUtilization");
            const json_t *n = json_path(json_array_get(metrics, i), "resource.name");
            if (json_is_integer(u) && json_is_string(n) && !strcmp(json_string_value(n), "cpu"))
                json_object_set(s1, "currentCPUUtilizationPercentage", (json_t *)u);
        }
        json_object_set_new(v1, "status", s1);
    }
    return v1;
}

static bool metric_referenced(sims_world *w, const char *type_key, const char *metric)
{
    sims_store *s = &w->store[SIMS_RES_HPAS];
    size_t i, j;

    for (i = 0; i < s->n; i++) {
        const json_t *ms = json_path(s->items[i].obj, "spec.metrics");
        for (j = 0; j < json_array_size(ms); j++) {
            char path[64];
            const json_t *n;
            snprintf(path, sizeof(path), "%s.metric.name", type_key);
            n = json_path(json_array_get(ms, j), path);
            if (json_is_string(n) && !strcmp(json_string_value(n), metric))
                return true;
        }
    }
    return false;
}

/* The workloads whose pods `f` can match, as an index range: a selector
 * naming one app in one namespace (what a controller asks) is a lookup,
 * not a scan of every workload. */
static void wl_range(sims_world *w, const sims_filter *f, size_t *from, size_t *to)
{
    size_t i;

    *from = 0;
    *to = w->n_wl;
    if (!f->ns[0] || !f->has_labels)
        return;
    for (i = 0; i < f->labels.n; i++) {
        const hpa_requirement *r = &f->labels.reqs[i];
        if (!strcmp(r->key, "app") && r->n_values == 1 && (r->op == HPA_SEL_EQUALS || r->op == HPA_SEL_IN)) {
            sims_workload *wl = sims_world_find(w, f->ns, r->values[0]);
            *from = wl ? (size_t)(wl - w->wl) : 0;
            *to = wl ? *from + 1 : 0;
            return;
        }
    }
}

/* The pod as the API shows it (new reference): the world's cached view,
 * or a fresh rendering of a pod the world has not diffed yet. */
static json_t *pod_object(sims_world *w, sims_workload *wl, const sim_pod *p)
{
    const json_t *v = sims_pod_view(w, wl, p, NULL, NULL);

    return v ? json_incref((json_t *)v) : sims_render_pod(w, wl, p);
}

json_t *sims_api_items(sims_api *api, sims_res res, const sims_filter *f)
{
    sims_world *w = api->w;
    json_t *items = json_array();
    size_t i, j, end;

    if (!items)
        return NULL;
    switch (res) {
    case SIMS_RES_PODS:
        wl_range(w, f, &i, &end);
        for (; i < end; i++) {
            sims_workload *wl = &w->wl[i];
            if (!sims_workload_pods_match(wl, f->ns, f->has_labels ? &f->labels : NULL))
                continue;
            for (j = 0; j < wl->cl.n_pods; j++) {
                json_t *o = pod_object(w, wl, &wl->cl.pods[j]);
                if (o && sims_filter_matches(f, o))
                    json_array_append_new(items, o);
                else
                    json_decref(o);
            }
        }
        break;
    case SIMS_RES_DEPLOYMENTS:
    case SIMS_RES_REPLICASETS:
        for (i = 0; i < w->n_wl; i++) {
            json_t *o = res == SIMS_RES_DEPLOYMENTS ? sims_render_deployment(w, &w->wl[i])
                                                     : sims_render_replicaset(w, &w->wl[i]);
            if (o && sims_filter_matches(f, o))
                json_array_append_new(items, o);
            else
                json_decref(o);
        }
        break;
    default:
        for (i = 0; i < w->store[res].n; i++)
            if (sims_filter_matches(f, w->store[res].items[i].obj))
                json_array_append_new(items, json_deep_copy(w->store[res].items[i].obj));
        break;
    }
    return items;
}

/* ---- Tables -------------------------------------------------------------------- */

void sims_age(hpa_duration_t d, char *buf, size_t len)
{
    /* UPSTREAM: k8s.io/apimachinery/pkg/util/duration.HumanDuration */
    long long s = d / 1000, m, h, days;

    if (s < 0)
        s = 0;
    m = s / 60;
    h = s / 3600;
    days = h / 24;
    if (s < 60 * 2)
        snprintf(buf, len, "%llds", s);
    else if (m < 10)
        snprintf(buf, len, s % 60 ? "%lldm%llds" : "%lldm", m, s % 60);
    else if (m < 60 * 3)
        snprintf(buf, len, "%lldm", m);
    else if (h < 8)
        snprintf(buf, len, m % 60 ? "%lldh%lldm" : "%lldh", h, m % 60);
    else if (h < 48)
        snprintf(buf, len, "%lldh", h);
    else if (h < 24 * 8)
        snprintf(buf, len, h % 24 ? "%lldd%lldh" : "%lldd", days, h % 24);
    else if (h < 24 * 365 * 2)
        snprintf(buf, len, "%lldd", days);
    else
        snprintf(buf, len, "%lldy", days / 365);
}

static json_t *age_cell(const sims_world *w, const json_t *obj, const char *path)
{
    char buf[32];
    hpa_time_t t;
    const char *s = json_string_value(json_path(obj, path));

    if (!s || hpa_time_parse(s, &t, NULL) != HPA_OK)
        return json_string("<unknown>");
    sims_age(sims_world_time(w) - t, buf, sizeof(buf));
    return json_string(buf);
}

static const char *str_or(const json_t *obj, const char *path, const char *dflt)
{
    const char *s = json_string_value(json_path(obj, path));

    return s && *s ? s : dflt;
}

static json_int_t int_or0(const json_t *obj, const char *path)
{
    return json_integer_value(json_path(obj, path));
}

typedef struct coldef {
    const char *name, *type, *format, *desc;
    int priority;
} coldef;

static json_t *columns(const coldef *c, size_t n)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; i < n; i++)
        json_array_append_new(a, json_pack("{s:s,s:s,s:s,s:s,s:i}", "name", c[i].name, "type", c[i].type, "format",
                                           c[i].format, "description", c[i].desc, "priority", c[i].priority));
    return a;
}

static const coldef POD_COLS[] = {
    {"Name", "string", "name", "Name must be unique within a namespace.", 0},
    {"Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic.", 0},
    {"Status", "string", "", "The aggregate status of the containers in this pod.", 0},
    {"Restarts", "string", "", "The number of times the containers in this pod have been restarted.", 0},
    {"Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0},
    {"IP", "string", "", "IP address allocated to the pod.", 1},
    {"Node", "string", "", "Name of the Node this pod is running on.", 1},
    {"Nominated Node", "string", "", "Nominated node name, if any.", 1},
    {"Readiness Gates", "string", "", "Pod readiness gates.", 1},
};
static const coldef DEPLOY_COLS[] = {
    {"Name", "string", "name", "Name must be unique within a namespace.", 0},
    {"Ready", "string", "", "Number of the pod with ready state", 0},
    {"Up-to-date", "string", "", "Total number of non-terminated pods targeted by this deployment that have the desired template spec.", 0},
    {"Available", "string", "", "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.", 0},
    {"Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0},
    {"Containers", "string", "", "Names of each container in the template.", 1},
    {"Images", "string", "", "Images referenced by each container in the template.", 1},
    {"Selector", "string", "", "Label selector for pods.", 1},
};
static const coldef RS_COLS[] = {
    {"Name", "string", "name", "Name must be unique within a namespace.", 0},
    {"Desired", "integer", "", "Replicas is the number of desired replicas.", 0},
    {"Current", "integer", "", "Replicas is the most recently observed number of replicas.", 0},
    {"Ready", "integer", "", "The number of ready replicas for this replica set.", 0},
    {"Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0},
    {"Containers", "string", "", "Names of each container in the template.", 1},
    {"Images", "string", "", "Images referenced by each container in the template.", 1},
    {"Selector", "string", "", "Label selector for pods.", 1},
};
static const coldef HPA_COLS[] = {
    {"Name", "string", "name", "Name must be unique within a namespace.", 0},
    {"Reference", "string", "", "reference to scaled resource; horizontal pod autoscaler will learn the current resource consumption and will set the desired number of pods by using its Scale subresource.", 0},
    {"Targets", "string", "", "metrics contains the specifications for which to use to calculate the desired replica count.", 0},
    {"MinPods", "string", "", "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.", 0},
    {"MaxPods", "integer", "", "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up.", 0},
    {"Replicas", "integer", "", "currentReplicas is current number of replicas of pods managed by this autoscaler.", 0},
    {"Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0},
};
static const coldef LEASE_COLS[] = {
    {"Name", "string", "name", "Name must be unique within a namespace.", 0},
    {"Holder", "string", "", "holderIdentity contains the identity of the holder of a current lease.", 0},
    {"Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0},
};
static const coldef EVENT_COLS[] = {
    {"Last Seen", "string", "", "Time when last event was seen.", 0},
    {"Type", "string", "", "Type of this event.", 0},
    {"Reason", "string", "", "Reason of this event.", 0},
    {"Object", "string", "", "The object this event is about.", 0},
    {"Message", "string", "", "Message of this event.", 0},
    {"Name", "string", "name", "Name must be unique within a namespace.", 1},
};
static const coldef GENERIC_COLS[] = {
    {"Name", "string", "name", "Name must be unique within a namespace.", 0},
    {"Age", "string", "", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0},
};

static void col_set(kind_id k, const coldef **c, size_t *n)
{
#define SET(a) do { *c = a; *n = sizeof(a) / sizeof(a[0]); } while (0)
    switch (k) {
    case K_PODS: SET(POD_COLS); break;
    case K_DEPLOY: SET(DEPLOY_COLS); break;
    case K_RS: SET(RS_COLS); break;
    case K_HPA: SET(HPA_COLS); break;
    case K_LEASE: SET(LEASE_COLS); break;
    case K_EVENT: SET(EVENT_COLS); break;
    default: SET(GENERIC_COLS); break;
    }
#undef SET
}

static void hpa_targets(const json_t *o, char *buf, size_t len)
{
    const json_t *ms = json_path(o, "spec.metrics"), *cur = json_path(o, "status.currentMetrics");
    size_t i, used = 0;

    buf[0] = '\0';
    for (i = 0; i < json_array_size(ms) && used < len; i++) {
        const json_t *m = json_array_get(ms, i), *c = json_array_get(cur, i);
        const char *type = str_or(m, "type", "");
        char cv[48] = "<unknown>", tv[48] = "";
        const char *label = "";
        const json_t *t = NULL, *cu = NULL;
        if (!strcmp(type, "Resource") || !strcmp(type, "ContainerResource")) {
            const char *key = !strcmp(type, "Resource") ? "resource" : "containerResource";
            char p[64];
            snprintf(p, sizeof(p), "%s.name", key);
            label = str_or(m, p, "");
            snprintf(p, sizeof(p), "%s.target", key);
            t = json_path(m, p);
            snprintf(p, sizeof(p), "%s.current", key);
            cu = json_path(c, p);
        } else {
            const char *key = !strcmp(type, "Pods") ? "pods" : !strcmp(type, "Object") ? "object" : "external";
            char p[64];
            snprintf(p, sizeof(p), "%s.metric.name", key);
            label = str_or(m, p, "");
            snprintf(p, sizeof(p), "%s.target", key);
            t = json_path(m, p);
            snprintf(p, sizeof(p), "%s.current", key);
            cu = json_path(c, p);
        }
        if (json_is_integer(json_object_get(t, "averageUtilization"))) {
            snprintf(tv, sizeof(tv), "%lld%%", (long long)json_integer_value(json_object_get(t, "averageUtilization")));
            if (json_is_integer(json_object_get(cu, "averageUtilization")))
                snprintf(cv, sizeof(cv), "%lld%%",
                         (long long)json_integer_value(json_object_get(cu, "averageUtilization")));
        } else {
            const char *k = json_object_get(t, "averageValue") ? "averageValue" : "value";
            snprintf(tv, sizeof(tv), "%s", str_or(t, k, "<unset>"));
            if (json_is_string(json_object_get(cu, k)))
                snprintf(cv, sizeof(cv), "%s", json_string_value(json_object_get(cu, k)));
        }
        used += (size_t)snprintf(buf + used, len - used, "%s%s: %s/%s", used ? ", " : "", label, cv, tv);
    }
    if (!buf[0])
        snprintf(buf, len, "<none>");
}

static json_t *row_cells(const sims_world *w, kind_id k, const json_t *o)
{
    char a[64], b[1024];

    switch (k) {
    case K_PODS: {
        const char *status = str_or(o, "status.phase", "Pending");
        const json_t *cs = json_array_get(json_path(o, "status.containerStatuses"), 0);
        const char *waiting = str_or(cs, "state.waiting.reason", NULL);
        if (json_path(o, "metadata.deletionTimestamp"))
            status = "Terminating";
        else if (waiting)
            status = waiting;
        snprintf(a, sizeof(a), "%d/1", json_is_true(json_object_get(cs, "ready")) ? 1 : 0);
        return json_pack("[s,s,s,i,o,s,s,s,s]", str_or(o, "metadata.name", ""), a, status, 0,
                         age_cell(w, o, "metadata.creationTimestamp"), str_or(o, "status.podIP", "<none>"),
                         str_or(o, "spec.nodeName", "<none>"), "<none>", "<none>");
    }
    case K_DEPLOY:
    case K_RS: {
        const char *app = str_or(o, "spec.selector.matchLabels.app", "");
        const char *hash = str_or(o, "spec.selector.matchLabels.pod-template-hash", NULL);
        if (hash)
            snprintf(b, sizeof(b), "app=%s,pod-template-hash=%s", app, hash);
        else
            snprintf(b, sizeof(b), "app=%s", app);
        if (k == K_RS)
            return json_pack("[s,I,I,I,o,s,s,s]", str_or(o, "metadata.name", ""), int_or0(o, "spec.replicas"),
                             int_or0(o, "status.replicas"), int_or0(o, "status.readyReplicas"),
                             age_cell(w, o, "metadata.creationTimestamp"), "app", "python-app:1.0", b);
        snprintf(a, sizeof(a), "%lld/%lld", (long long)int_or0(o, "status.readyReplicas"),
                 (long long)int_or0(o, "spec.replicas"));
        return json_pack("[s,s,I,I,o,s,s,s]", str_or(o, "metadata.name", ""), a, int_or0(o, "status.updatedReplicas"),
                         int_or0(o, "status.availableReplicas"), age_cell(w, o, "metadata.creationTimestamp"), "app",
                         "python-app:1.0", b);
    }
    case K_HPA: {
        char ref[300];
        snprintf(ref, sizeof(ref), "%s/%s", str_or(o, "spec.scaleTargetRef.kind", ""),
                 str_or(o, "spec.scaleTargetRef.name", ""));
        hpa_targets(o, b, sizeof(b));
        snprintf(a, sizeof(a), "%lld",
                 (long long)(json_path(o, "spec.minReplicas") ? int_or0(o, "spec.minReplicas") : 1));
        return json_pack("[s,s,s,s,I,I,o]", str_or(o, "metadata.name", ""), ref, b, a, int_or0(o, "spec.maxReplicas"),
                         int_or0(o, "status.currentReplicas"), age_cell(w, o, "metadata.creationTimestamp"));
    }
    case K_LEASE:
        return json_pack("[s,s,o]", str_or(o, "metadata.name", ""), str_or(o, "spec.holderIdentity", ""),
                         age_cell(w, o, "metadata.creationTimestamp"));
    case K_EVENT: {
        char obj[300];
        snprintf(obj, sizeof(obj), "%s/%s", str_or(o, "involvedObject.kind", ""),
                 str_or(o, "involvedObject.name", ""));
        for (size_t i = 0; obj[i]; i++)
            obj[i] = (char)tolower((unsigned char)obj[i]);
        return json_pack("[o,s,s,s,s,s]", age_cell(w, o, "lastTimestamp"), str_or(o, "type", ""),
                         str_or(o, "reason", ""), obj, str_or(o, "message", ""), str_or(o, "metadata.name", ""));
    }
    default:
        return json_pack("[s,o]", str_or(o, "metadata.name", ""), age_cell(w, o, "metadata.creationTimestamp"));
    }
}

static json_t *row_object(const json_t *o, bool include_object)
{
    if (include_object)
        return json_incref((json_t *)o);
    return json_pack("{s:s,s:s,s:O}", "kind", "PartialObjectMetadata", "apiVersion", "meta.k8s.io/v1", "metadata",
                     json_object_get(o, "metadata"));
}

static json_t *table(const sims_world *w, kind_id k, const json_t *items, bool include_object, bool with_columns)
{
    const coldef *c;
    size_t n, i;
    char rv[24];
    json_t *rows = json_array(), *t;

    col_set(k, &c, &n);
    for (i = 0; i < json_array_size(items); i++) {
        const json_t *o = json_array_get(items, i);
        json_array_append_new(rows, json_pack("{s:o,s:o}", "cells", row_cells(w, k, o), "object",
                                              row_object(o, include_object)));
    }
    snprintf(rv, sizeof(rv), "%llu", (unsigned long long)w->rv);
    t = json_pack("{s:s,s:s,s:{s:s},s:o,s:o}", "kind", "Table", "apiVersion", "meta.k8s.io/v1", "metadata",
                  "resourceVersion", rv, "columnDefinitions", with_columns ? columns(c, n) : json_array(), "rows",
                  rows);
    return t;
}

static kind_id kind_of_res(sims_res r)
{
    static const kind_id m[] = {K_PODS, K_DEPLOY, K_RS, K_HPA, K_LEASE, K_EVENT};
    return m[r];
}

json_t *sims_api_watch_object(sims_api *api, sims_res res, const json_t *obj, const char *api_version, bool as_table,
                              bool include_object, bool with_columns)
{
    json_t *o = res == SIMS_RES_HPAS ? hpa_as(obj, api_version) : json_incref((json_t *)obj), *items, *t;

    if (!as_table || !o)
        return o;
    items = json_pack("[o]", o);
    t = table(api->w, kind_of_res(res), items, include_object, with_columns);
    json_decref(items);
    return t;
}

/* ---- request parsing --------------------------------------------------------------- */

typedef struct route {
    char gv[96];
    char ns[64];
    bool has_ns;
    char resource[128];             /* "pods", "deployments/scale" */
    char name[254];
    char extra[128];                /* custom metrics: metric name */
    const resdef *def;
} route;

static int split_path(const char *path, char segs[][256], int max)
{
    int n = 0;
    const char *p = path;

    while (*p) {
        size_t len;
        while (*p == '/')
            p++;
        if (!*p)
            break;
        len = strcspn(p, "/");
        if (n == max || len >= 256)
            return -1;
        memcpy(segs[n], p, len);
        segs[n][len] = '\0';
        n++;
        p += len;
    }
    return n;
}

static const char *qget(struct evkeyvalq *q, const char *k)
{
    return evhttp_find_header(q, k);
}

static bool truthy(const char *v)
{
    return v && (!strcmp(v, "1") || !strcmp(v, "true"));
}

static json_t *parse_body(const sims_req *rq, sims_resp *rs)
{
    json_error_t je;
    json_t *j;
    const char *ct = rq->content_type ? rq->content_type : "application/json";

    if (!rq->body || rq->body_len == 0) {
        fail(rs, 400, "BadRequest", "the request body is empty");
        return NULL;
    }
    if (strstr(ct, "yaml")) {
        hpa_docset ds;
        hpa_err e;
        hpa_err_clear(&e);
        if (hpa_docset_load_buffer(rq->body, rq->body_len, "body", &ds, &e) != HPA_OK || ds.n != 1) {
            if (e.code == HPA_OK)
                fail(rs, 400, "BadRequest", "the YAML body must hold exactly one object");
            else
                failf(rs, 400, "BadRequest", "error decoding YAML: line %d: %s", e.line, e.msg);
            if (e.code == HPA_OK || ds.n)
                hpa_docset_free(&ds);
            return NULL;
        }
        j = json_incref(ds.docs[0].root);
        hpa_docset_free(&ds);
    } else {
        j = json_loadb(rq->body, rq->body_len, 0, &je);
        if (!j) {
            failf(rs, 400, "BadRequest", "couldn't get version/kind; json parse error: %s (line %d, column %d)",
                  je.text, je.line, je.column);
            return NULL;
        }
    }
    if (!json_is_object(j)) {
        json_decref(j);
        fail(rs, 400, "BadRequest", "the request body must be a JSON object");
        return NULL;
    }
    return j;
}

void sims_merge_patch(json_t *target, const json_t *patch)
{
    const char *k;
    json_t *v;

    json_object_foreach((json_t *)patch, k, v) {
        if (json_is_null(v)) {
            json_object_del(target, k);
        } else if (json_is_object(v)) {
            json_t *t = json_object_get(target, k);
            if (!json_is_object(t)) {
                t = json_object();
                json_object_set_new(target, k, t);
            }
            sims_merge_patch(t, v);
        } else {
            json_object_set_new(target, k, json_deep_copy(v));
        }
    }
}

typedef enum { PATCH_MERGE, PATCH_APPLY, PATCH_BAD } patch_kind;

static patch_kind patch_kind_of(const char *ct)
{
    if (!ct)
        return PATCH_BAD;
    if (!strncmp(ct, "application/merge-patch+json", 28) || !strncmp(ct, "application/strategic-merge-patch+json", 38))
        return PATCH_MERGE;
    if (!strncmp(ct, "application/apply-patch+yaml", 28) || !strncmp(ct, "application/apply-patch+json", 28))
        return PATCH_APPLY;
    return PATCH_BAD;
}

static void unsupported_patch(sims_resp *rs, const char *ct)
{
    failf(rs, 415, "UnsupportedMediaType",
          "the body of the request was in an unknown format - accepted media types include: "
          "application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml (got %s)",
          ct ? ct : "none");
}

/* ---- handlers ---------------------------------------------------------------------- */

typedef struct ctx {
    sims_api *api;
    const sims_req *rq;
    sims_resp *rs;
    struct evkeyvalq q;
    route r;
    bool table, include_object;
} ctx;

static void list_reply(ctx *x, sims_res res, json_t *items, const char *kind, const char *api_version)
{
    char rv[24];

    snprintf(rv, sizeof(rv), "%llu", (unsigned long long)x->api->w->rv);
    if (x->table) {
        x->rs->body = table(x->api->w, x->r.def->id, items, x->include_object, true);
        json_decref(items);
        return;
    }
    if (res == SIMS_RES_HPAS) {
        size_t i;
        for (i = 0; i < json_array_size(items); i++)
            json_array_set_new(items, i, hpa_as(json_array_get(items, i), api_version));
    }
    x->rs->body = json_pack("{s:s,s:s,s:{s:s},s:o}", "kind", kind, "apiVersion", api_version, "metadata",
                            "resourceVersion", rv, "items", items);
}

static void one_reply(ctx *x, json_t *obj)
{
    if (x->table) {
        json_t *items = json_pack("[o]", obj);
        x->rs->body = table(x->api->w, x->r.def->id, items, x->include_object, true);
        json_decref(items);
        return;
    }
    x->rs->body = obj;
}

static bool make_filter(ctx *x, sims_filter *f, kind_id k)
{
    hpa_err e;
    const char *fs = qget(&x->q, "fieldSelector");

    hpa_err_clear(&e);
    if (sims_filter_init(f, x->r.has_ns ? x->r.ns : "", qget(&x->q, "labelSelector"), fs, &e) != HPA_OK) {
        sims_filter_free(f);
        failf(x->rs, 400, "BadRequest", "%s: %s", e.path, e.msg);
        return false;
    }
    for (size_t i = 0; i < f->n_fields; i++)
        if (!field_supported(k, f->fields[i].path)) {
            failf(x->rs, 400, "BadRequest", "\"%s\" is not a known field selector: only \"metadata.name\", "
                  "\"metadata.namespace\"%s", f->fields[i].path, k == K_PODS ? ", \"status.phase\", \"spec.nodeName\"" : "");
            sims_filter_free(f);
            return false;
        }
    return true;
}

static sims_res res_of(kind_id k)
{
    switch (k) {
    case K_PODS: return SIMS_RES_PODS;
    case K_DEPLOY: return SIMS_RES_DEPLOYMENTS;
    case K_RS: return SIMS_RES_REPLICASETS;
    case K_HPA: return SIMS_RES_HPAS;
    case K_LEASE: return SIMS_RES_LEASES;
    default: return SIMS_RES_EVENTS;
    }
}

static const char *list_kind(kind_id k)
{
    switch (k) {
    case K_PODS: return "PodList";
    case K_DEPLOY: return "DeploymentList";
    case K_RS: return "ReplicaSetList";
    case K_HPA: return "HorizontalPodAutoscalerList";
    case K_LEASE: return "LeaseList";
    case K_EVENT: return "EventList";
    case K_NS: return "NamespaceList";
    default: return "NodeList";
    }
}

/* A PodList as text, joined from the pods' cached JSON: the common list
 * (every sync of a controller) builds no tree and serialises nothing. The
 * pods of a workload share their labels, so the selector is matched once
 * per workload. */
static bool pod_list_raw(ctx *x, const sims_filter *f)
{
    sims_world *w = x->api->w;
    hpa_strbuf b = HPA_STRBUF_INIT;
    size_t i, j, end;
    bool first = true;

    hpa_strbuf_printf(&b, "{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"%llu\"},"
                      "\"items\":[", (unsigned long long)w->rv);
    wl_range(w, f, &i, &end);
    for (; i < end && !b.oom; i++) {
        sims_workload *wl = &w->wl[i];
        if (!sims_workload_pods_match(wl, f->ns, f->has_labels ? &f->labels : NULL))
            continue;
        for (j = 0; j < wl->cl.n_pods; j++) {
            const char *text = NULL;
            size_t len = 0;
            const json_t *o = sims_pod_view(w, wl, &wl->cl.pods[j], &text, &len);
            char *fresh = NULL;
            if (!o) {
                json_t *r = sims_render_pod(w, wl, &wl->cl.pods[j]);
                if (r && sims_filter_matches(f, r))
                    fresh = json_dumps(r, JSON_COMPACT);
                json_decref(r);
                if (!fresh)
                    continue;
                text = fresh;
                len = strlen(fresh);
            } else if (f->n_fields && !sims_filter_matches(f, o)) {
                continue;
            }
            if (!first)
                hpa_strbuf_appendn(&b, ",", 1);
            hpa_strbuf_appendn(&b, text, len);
            first = false;
            free(fresh);
        }
    }
    hpa_strbuf_appendn(&b, "]}", 2);
    if (b.oom) {
        hpa_strbuf_free(&b);
        return false;
    }
    x->rs->raw = b.s;
    x->rs->raw_len = b.len;
    return true;
}

static void do_list_or_watch(ctx *x)
{
    kind_id k = x->r.def->id;
    sims_filter f;

    if (!make_filter(x, &f, k))
        return;
    if (truthy(qget(&x->q, "watch"))) {
        const char *rv = qget(&x->q, "resourceVersion"), *to = qget(&x->q, "timeoutSeconds");
        if (k == K_NS || k == K_NODE) {
            sims_filter_free(&f);
            method_not_allowed(x->rs);
            return;
        }
        x->rs->code = 200;
        x->rs->watch = true;
        x->rs->watch_res = res_of(k);
        x->rs->watch_api_version = x->r.def->gv;
        x->rs->filter = f;
        x->rs->table = x->table;
        x->rs->include_object = x->include_object;
        if (rv && *rv && strcmp(rv, "0")) {
            x->rs->has_watch_rv = true;
            x->rs->watch_rv = strtoull(rv, NULL, 10);
        }
        x->rs->timeout_s = to ? atoi(to) : 0;
        return;
    }
    x->rs->code = 200;
    if (k == K_NS || k == K_NODE) {
        json_t *items = json_array();
        size_t i;
        if (k == K_NODE) {
            json_t *n = node_object(x->api->w);
            if (sims_filter_matches(&f, n))
                json_array_append_new(items, n);
            else
                json_decref(n);
        } else {
            for (i = 0; i < sizeof(NAMESPACES) / sizeof(NAMESPACES[0]); i++) {
                json_t *n = namespace_object(x->api->w, NAMESPACES[i]);
                if (sims_filter_matches(&f, n))
                    json_array_append_new(items, n);
                else
                    json_decref(n);
            }
        }
        list_reply(x, SIMS_RES_COUNT, items, list_kind(k), "v1");
    } else if (k != K_PODS || x->table || !pod_list_raw(x, &f)) {
        list_reply(x, res_of(k), sims_api_items(x->api, res_of(k), &f), list_kind(k), x->r.def->gv);
    }
    sims_filter_free(&f);
}

/* Pods are named <deployment>-<5-digit seq>: find the workload by the
 * prefix, then the pod. */
static sims_workload *pod_by_name(sims_world *w, const char *ns, const char *name, const sim_pod **out)
{
    const char *dash = strrchr(name, '-');
    char dep[sizeof(((sim_model *)0)->name)];
    sims_workload *wl;
    size_t j;

    if (!dash || (size_t)(dash - name) >= sizeof(dep))
        return NULL;
    memcpy(dep, name, (size_t)(dash - name));
    dep[dash - name] = '\0';
    if (!(wl = sims_world_find(w, ns, dep)))
        return NULL;
    for (j = 0; j < wl->cl.n_pods; j++)
        if (!strcmp(wl->cl.pods[j].name, name)) {
            *out = &wl->cl.pods[j];
            return wl;
        }
    return NULL;
}

static void do_get(ctx *x)
{
    sims_world *w = x->api->w;
    kind_id k = x->r.def->id;

    if (k == K_NS) {
        if (!namespace_exists(w, x->r.name))
            return not_found_obj(x->rs, x->r.def, x->r.name);
        x->rs->code = 200;
        return one_reply(x, namespace_object(w, x->r.name));
    }
    if (k == K_NODE) {
        if (strcmp(x->r.name, "sim-node-1"))
            return not_found_obj(x->rs, x->r.def, x->r.name);
        x->rs->code = 200;
        return one_reply(x, node_object(w));
    }
    if (k == K_DEPLOY || k == K_RS || k == K_DEPLOY_SCALE) {
        sims_workload *wl = k == K_RS ? sims_world_find_rs(w, x->r.ns, x->r.name)
                                      : sims_world_find(w, x->r.ns, x->r.name);
        if (!wl)
            return not_found_obj(x->rs, x->r.def, x->r.name);
        x->rs->code = 200;
        if (k == K_DEPLOY_SCALE) {
            x->rs->body = sims_render_scale(w, wl);
            return;
        }
        return one_reply(x, k == K_DEPLOY ? sims_render_deployment(w, wl) : sims_render_replicaset(w, wl));
    }
    if (k == K_PODS) {
        const sim_pod *p;
        sims_workload *wl = pod_by_name(w, x->r.ns, x->r.name, &p);
        if (!wl)
            return not_found_obj(x->rs, x->r.def, x->r.name);
        x->rs->code = 200;
        return one_reply(x, pod_object(w, wl, p));
    }
    {
        sims_store *s = store_of(w, k);
        sims_obj *o = s ? sims_store_find(s, x->r.ns, x->r.name) : NULL;
        if (!o)
            return not_found_obj(x->rs, x->r.def, x->r.name);
        x->rs->code = 200;
        if (k == K_HPA || k == K_HPA_STATUS) {
            json_t *c = hpa_as(o->obj, x->r.def->gv);
            if (k == K_HPA_STATUS)
                x->rs->body = c;
            else
                one_reply(x, c);
            return;
        }
        one_reply(x, json_deep_copy(o->obj));
    }
}

/* ---- writes -------------------------------------------------------------------------- */

static const char *rv_of(const json_t *obj)
{
    const char *rv = sims_meta_str(obj, "resourceVersion");

    return rv && *rv ? rv : NULL;
}

/* Validate and default an HPA body; 422 with causes on problems. */
static bool hpa_check(ctx *x, json_t *obj, const char *name)
{
    hpa_errlist l = {0, 0, NULL};
    size_t n = hpa_validate_hpa_json(obj, &l), i;
    hpa_arena a = HPA_ARENA_INIT;
    hpa_spec spec;
    hpa_err e;

    if (n > 0) {
        char msg[2048];
        size_t used;
        json_t *causes = json_array();
        used = (size_t)snprintf(msg, sizeof(msg), "HorizontalPodAutoscaler.autoscaling \"%s\" is invalid: ", name);
        if (n > 1 && used < sizeof(msg))
            used += (size_t)snprintf(msg + used, sizeof(msg) - used, "[");
        for (i = 0; i < n; i++) {
            if (used < sizeof(msg))
                used += (size_t)snprintf(msg + used, sizeof(msg) - used, "%s%s: %s", i ? ", " : "", l.items[i].path,
                                         l.items[i].msg);
            json_array_append_new(causes, json_pack("{s:s,s:s,s:s}", "reason", "FieldValueInvalid", "message",
                                                    l.items[i].msg, "field", l.items[i].path));
        }
        if (n > 1 && used < sizeof(msg))
            snprintf(msg + used, sizeof(msg) - used, "]");
        hpa_errlist_free(&l);
        json_decref(x->rs->body);
        x->rs->code = 422;
        x->rs->body = sims_status(422, "Invalid", msg, name, "autoscaling", "HorizontalPodAutoscaler");
        json_object_set_new(json_object_get(x->rs->body, "details"), "causes", causes);
        return false;
    }
    hpa_errlist_free(&l);
    hpa_err_clear(&e);
    /* the API server's defaults (minReplicas, metrics, behavior) */
    if (hpa_codec_hpa_from_json(obj, &a, &spec, &e) == HPA_OK) {
        json_t *d = hpa_codec_hpa_to_json(&spec);
        if (d && json_object_get(d, "spec"))
            json_object_set(obj, "spec", json_object_get(d, "spec"));
        json_decref(d);
    } else {
        failf(x->rs, 422, "Invalid", "HorizontalPodAutoscaler.autoscaling \"%s\" is invalid: %s: %s", name, e.path,
              e.msg);
        hpa_arena_free(&a);
        return false;
    }
    hpa_arena_free(&a);
    return true;
}

static void finish_store_write(ctx *x, sims_store *s, sims_obj *o, json_t *obj, bool created)
{
    sims_world *w = x->api->w;
    uint64_t rv = sims_world_next_rv(w);
    sims_res res = (sims_res)(s - w->store);

    sims_set_rv(obj, rv);
    if (created) {
        if (sims_store_put(s, obj, rv) != HPA_OK) {
            fail(x->rs, 500, "InternalError", "out of memory storing the object");
            return;
        }
    } else {
        json_decref(o->obj);
        o->obj = obj;
        o->rv = rv;
    }
    sims_world_log(w, res, created ? "ADDED" : "MODIFIED", obj, rv);
    x->rs->code = created ? 201 : 200;
    x->rs->body = res == SIMS_RES_HPAS ? hpa_as(obj, x->r.def->gv) : json_deep_copy(obj);
}

static bool prepare_new(ctx *x, json_t *obj, const char *name)
{
    sims_world *w = x->api->w;
    json_t *meta = json_object_get(obj, "metadata");
    char uid[40], ts[HPA_TIME_STR_MAX];
    hpa_time_t now = sims_world_time(w);

    if (!json_is_object(meta)) {
        meta = json_object();
        json_object_set_new(obj, "metadata", meta);
    }
    json_object_set_new(meta, "name", json_string(name));
    json_object_set_new(meta, "namespace", json_string(x->r.ns));
    sims_world_uid(w, uid, sizeof(uid));
    json_object_set_new(meta, "uid", json_string(uid));
    json_object_set_new(meta, "creationTimestamp", json_string(hpa_time_format(now - now % 1000, ts, sizeof(ts))));
    json_object_set_new(meta, "generation", json_integer(1));
    return true;
}

static bool check_identity(ctx *x, json_t *obj, const char *expect_kind, bool need_name, const char **name_out)
{
    const char *ns = sims_meta_str(obj, "namespace"), *name = sims_meta_str(obj, "name");
    const char *kind = json_string_value(json_object_get(obj, "kind"));

    if (kind && expect_kind && strcmp(kind, expect_kind)) {
        failf(x->rs, 400, "BadRequest", "the body is a %s, this resource takes a %s", kind, expect_kind);
        return false;
    }
    if (ns && *ns && strcmp(ns, x->r.ns)) {
        fail(x->rs, 400, "BadRequest",
             "the namespace of the provided object does not match the namespace sent on the request");
        return false;
    }
    if (x->r.name[0] && name && strcmp(name, x->r.name)) {
        fail(x->rs, 400, "BadRequest", "the name of the object does not match the name on the URL");
        return false;
    }
    if (!name && x->r.name[0])
        name = x->r.name;
    if (need_name && (!name || !*name)) {
        json_decref(x->rs->body);
        x->rs->code = 422;
        x->rs->body = sims_status(422, "Invalid", "metadata.name: Required value: name or generateName is required",
                                  NULL, NULL, expect_kind);
        return false;
    }
    *name_out = name;
    return true;
}

static const char *kind_name(kind_id k)
{
    return k == K_HPA || k == K_HPA_STATUS ? "HorizontalPodAutoscaler" : k == K_LEASE ? "Lease" : "Event";
}

static void do_create(ctx *x, json_t *body)
{
    sims_world *w = x->api->w;
    kind_id k = x->r.def->id;
    sims_store *s = store_of(w, k);
    const char *name = NULL;
    char gen[300];

    if (!s || k == K_HPA_STATUS || x->r.name[0] || !strcmp(x->r.def->gv, "autoscaling/v1"))
        return method_not_allowed(x->rs);
    if (!check_identity(x, body, kind_name(k), false, &name))
        return;
    if (!name || !*name) {
        const char *g = sims_meta_str(body, "generateName");
        if (!g || !*g) {
            check_identity(x, body, kind_name(k), true, &name);
            return;
        }
        snprintf(gen, sizeof(gen), "%.240s%05llx", g, (unsigned long long)(w->rv * 2654435761ULL) & 0xfffff);
        name = gen;
    }
    /* keep the name past the body's lifetime; a generated one is in gen */
    if (name != gen) {
        if (strlen(name) >= sizeof(gen)) {
            fail(x->rs, 400, "BadRequest", "metadata.name: must be no more than 253 characters");
            return;
        }
        memcpy(gen, name, strlen(name) + 1);
        name = gen;
    }
    if (sims_store_find(s, x->r.ns, name)) {
        char q[128], msg[512];
        qualified(x->r.def, q, sizeof(q));
        snprintf(msg, sizeof(msg), "%s \"%s\" already exists", q, name);
        json_decref(x->rs->body);
        x->rs->code = 409;
        x->rs->body = sims_status(409, "AlreadyExists", msg, name, NULL, NULL);
        return;
    }
    if (k == K_HPA) {
        json_object_set_new(body, "apiVersion", json_string("autoscaling/v2"));
        json_object_set_new(body, "kind", json_string("HorizontalPodAutoscaler"));
        if (!hpa_check(x, body, name))
            return;
        json_object_set_new(body, "status", json_pack("{s:i,s:i}", "currentReplicas", 0, "desiredReplicas", 0));
    } else {
        json_object_set_new(body, "apiVersion", json_string(x->r.def->gv));
        json_object_set_new(body, "kind", json_string(kind_name(k)));
    }
    prepare_new(x, body, name);
    finish_store_write(x, s, NULL, json_incref(body), true);
}

/* PUT or PATCH of a stored object (HPA, HPA status, Lease, Event). */
static void do_update_store(ctx *x, json_t *body, bool is_patch)
{
    sims_world *w = x->api->w;
    kind_id k = x->r.def->id;
    sims_store *s = store_of(w, k);
    sims_obj *o;
    json_t *next;
    const char *want = NULL, *name = NULL;
    char cur[24];
    patch_kind pk = is_patch ? patch_kind_of(x->rq->content_type) : PATCH_MERGE;

    if (!s || !strcmp(x->r.def->gv, "autoscaling/v1"))
        return method_not_allowed(x->rs);
    if (is_patch && pk == PATCH_BAD)
        return unsupported_patch(x->rs, x->rq->content_type);
    o = sims_store_find(s, x->r.ns, x->r.name);
    if (!o) {
        if (is_patch && pk == PATCH_APPLY && k != K_HPA_STATUS) {
            x->r.name[0] = '\0';
            json_object_set_new(json_object_get(body, "metadata"), "name", json_string(sims_meta_str(body, "name") ? sims_meta_str(body, "name") : ""));
            return do_create(x, body);
        }
        return not_found_obj(x->rs, x->r.def, x->r.name);
    }
    if (!check_identity(x, body, is_patch ? NULL : kind_name(k), false, &name))
        return;
    want = rv_of(body);
    snprintf(cur, sizeof(cur), "%llu", (unsigned long long)o->rv);
    if (want && strcmp(want, cur))
        return conflict(x->rs, x->r.def, x->r.name);
    if (is_patch) {
        next = json_deep_copy(o->obj);
        sims_merge_patch(next, body);
    } else {
        next = json_deep_copy(body);
    }
    if (!next)
        return fail(x->rs, 500, "InternalError", "out of memory");
    /* identity and bookkeeping are the server's */
    {
        json_t *meta = json_object_get(next, "metadata"), *om = json_object_get(o->obj, "metadata");
        const char *keep[] = {"name", "namespace", "uid", "creationTimestamp", "generation"};
        size_t i;
        if (!json_is_object(meta)) {
            meta = json_object();
            json_object_set_new(next, "metadata", meta);
        }
        for (i = 0; i < 5; i++)
            if (json_object_get(om, keep[i]))
                json_object_set(meta, keep[i], json_object_get(om, keep[i]));
        json_object_set(next, "apiVersion", json_object_get(o->obj, "apiVersion"));
        json_object_set(next, "kind", json_object_get(o->obj, "kind"));
    }
    if (k == K_HPA_STATUS) {
        /* the status subresource changes only the status */
        json_object_set(next, "spec", json_object_get(o->obj, "spec"));
    } else if (k == K_HPA) {
        json_t *old_spec = json_object_get(o->obj, "spec");
        if (json_object_get(o->obj, "status"))
            json_object_set(next, "status", json_object_get(o->obj, "status"));
        else
            json_object_del(next, "status");
        if (!hpa_check(x, next, x->r.name)) {
            json_decref(next);
            return;
        }
        if (!json_equal(old_spec, json_object_get(next, "spec")))
            json_object_set_new(json_object_get(next, "metadata"), "generation",
                                json_integer(json_integer_value(json_path(o->obj, "metadata.generation")) + 1));
    }
    finish_store_write(x, s, o, next, false);
}

static void do_delete(ctx *x)
{
    sims_world *w = x->api->w;
    kind_id k = x->r.def->id;
    sims_store *s = store_of(w, k);
    sims_obj *o;
    uint64_t rv;
    json_t *gone;

    if (!s || k == K_HPA_STATUS || !x->r.name[0] || !strcmp(x->r.def->gv, "autoscaling/v1"))
        return method_not_allowed(x->rs);
    o = sims_store_find(s, x->r.ns, x->r.name);
    if (!o)
        return not_found_obj(x->rs, x->r.def, x->r.name);
    rv = sims_world_next_rv(w);
    gone = json_incref(o->obj);
    sims_set_rv(gone, rv);
    sims_world_log(w, (sims_res)(s - w->store), "DELETED", gone, rv);
    x->rs->code = 200;
    x->rs->body = sims_status(200, NULL, NULL, x->r.name, strchr(x->r.def->gv, '/') ? "autoscaling" : "", x->r.def->name);
    if (k != K_HPA)
        json_object_set_new(json_object_get(x->rs->body, "details"), "group",
                            json_string(k == K_LEASE ? "coordination.k8s.io" : ""));
    json_object_set(json_object_get(x->rs->body, "details"), "uid", (json_t *)json_path(gone, "metadata.uid"));
    json_decref(gone);
    sims_store_remove(s, o);
}

/* Scale and Deployment writes: only spec.replicas changes anything. */
static void do_scale_write(ctx *x, json_t *body, bool is_patch)
{
    sims_world *w = x->api->w;
    sims_workload *wl = sims_world_find(w, x->r.ns, x->r.name);
    bool scale = x->r.def->id == K_DEPLOY_SCALE;
    json_t *cur, *reps;
    int32_t want_n;
    const char *want, *name = NULL;
    char rv[24];
    hpa_err e;
    patch_kind pk = is_patch ? patch_kind_of(x->rq->content_type) : PATCH_MERGE;

    if (!wl)
        return not_found_obj(x->rs, x->r.def, x->r.name);
    if (is_patch && pk == PATCH_BAD)
        return unsupported_patch(x->rs, x->rq->content_type);
    if (!check_identity(x, body, is_patch ? NULL : scale ? "Scale" : "Deployment", false, &name))
        return;
    snprintf(rv, sizeof(rv), "%llu", (unsigned long long)wl->rv);
    want = rv_of(body);
    if (want && strcmp(want, rv))
        return conflict(x->rs, x->r.def, x->r.name);
    cur = scale ? sims_render_scale(w, wl) : sims_render_deployment(w, wl);
    if (!cur)
        return fail(x->rs, 500, "InternalError", "out of memory");
    if (is_patch)
        sims_merge_patch(cur, body);
    else
        json_object_set(cur, "spec", json_object_get(body, "spec"));
    reps = (json_t *)json_path(cur, "spec.replicas");
    if (!json_is_integer(reps) || json_integer_value(reps) < 0 || json_integer_value(reps) > 100000) {
        json_decref(cur);
        json_decref(x->rs->body);
        x->rs->code = 422;
        x->rs->body = sims_status(422, "Invalid",
                                  scale ? "Scale.autoscaling \"\" is invalid: spec.replicas: Invalid value: must be "
                                          "an integer between 0 and 100000"
                                        : "Deployment.apps is invalid: spec.replicas: Invalid value: must be an "
                                          "integer between 0 and 100000",
                                  x->r.name, scale ? "autoscaling" : "apps", scale ? "Scale" : "Deployment");
        return;
    }
    want_n = (int32_t)json_integer_value(reps);
    json_decref(cur);
    hpa_err_clear(&e);
    if (sims_world_scale(w, wl, want_n, &e) != HPA_OK)
        return failf(x->rs, 500, "InternalError", "%s", e.msg);
    x->rs->code = 200;
    x->rs->body = scale ? sims_render_scale(w, wl) : sims_render_deployment(w, wl);
}

/* ---- metrics APIs ------------------------------------------------------------------------ */

static bool missing(ctx *x)
{
    sims_faults *f = x->api->faults;

    return f && f->missing_fraction > 0 && sims_faults_uniform(f) < f->missing_fraction;
}

static void do_pod_metrics(ctx *x)
{
    sims_world *w = x->api->w;
    sims_filter f;
    json_t *items;
    size_t i, j, end;

    if (!make_filter(x, &f, K_PODMETRICS))
        return;
    items = json_array();
    wl_range(w, &f, &i, &end);
    for (; i < end; i++) {
        if (!sims_workload_pods_match(&w->wl[i], f.ns, f.has_labels ? &f.labels : NULL))
            continue;
        for (j = 0; j < w->wl[i].cl.n_pods; j++) {
            const sim_pod *p = &w->wl[i].cl.pods[j];
            json_t *m;
            if (x->r.name[0] && (strcmp(p->name, x->r.name) || strcmp(w->wl[i].model.namespace_, x->r.ns)))
                continue;
            m = sims_render_pod_metrics(w, &w->wl[i], p, x->rq->fault.stale_by);
            if (!m)
                continue;
            if (!sims_filter_matches(&f, m) || missing(x)) {
                json_decref(m);
                continue;
            }
            json_array_append_new(items, m);
        }
    }
    sims_filter_free(&f);
    x->rs->code = 200;
    if (x->r.name[0]) {
        if (json_array_size(items) == 0) {
            json_decref(items);
            return failf(x->rs, 404, "NotFound", "podmetrics.metrics.k8s.io \"%s/%s\" not found", x->r.ns,
                         x->r.name);
        }
        x->rs->body = json_incref(json_array_get(items, 0));
        json_decref(items);
        return;
    }
    x->rs->body = json_pack("{s:s,s:s,s:{},s:o}", "kind", "PodMetricsList", "apiVersion", "metrics.k8s.io/v1beta1",
                            "metadata", "items", items);
}

static void do_node_metrics(ctx *x)
{
    sims_world *w = x->api->w;
    int64_t cpu = 200, mem = 1024LL * 1024 * 1024;
    size_t i, j;
    char ts[HPA_TIME_STR_MAX], cb[HPA_QUANTITY_STR_MAX], mb[HPA_QUANTITY_STR_MAX];
    hpa_quantity mq;
    json_t *n;

    if (x->r.name[0] && strcmp(x->r.name, "sim-node-1"))
        return failf(x->rs, 404, "NotFound", "nodemetrics.metrics.k8s.io \"%s\" not found", x->r.name);
    for (i = 0; i < w->n_wl; i++)
        for (j = 0; j < w->wl[i].cl.n_pods; j++)
            if (w->wl[i].cl.pods[j].has_sample) {
                cpu += w->wl[i].cl.pods[j].sample_cpu_m;
                mem += w->wl[i].cl.pods[j].sample_mem_b;
            }
    mq.mantissa = mem / 1024 * 1024;
    mq.scale = 0;
    mq.format = HPA_QFMT_BINARY_SI;
    n = json_pack("{s:s,s:s,s:{s:s,s:s,s:{s:s}},s:s,s:s,s:{s:s,s:s}}", "kind", "NodeMetrics", "apiVersion",
                  "metrics.k8s.io/v1beta1", "metadata", "name", "sim-node-1", "creationTimestamp",
                  hpa_time_format(sims_world_time(w) - sims_world_time(w) % 1000, ts, sizeof(ts)), "labels",
                  "kubernetes.io/hostname", "sim-node-1", "timestamp", ts, "window", "15s", "usage", "cpu",
                  hpa_quantity_format_milli(cpu, cb, sizeof(cb)), "memory", hpa_quantity_format(&mq, mb, sizeof(mb)));
    x->rs->code = 200;
    if (x->r.name[0]) {
        x->rs->body = n;
        return;
    }
    x->rs->body = json_pack("{s:s,s:s,s:{},s:[o]}", "kind", "NodeMetricsList", "apiVersion", "metrics.k8s.io/v1beta1",
                            "metadata", "items", n);
}

static void do_custom(ctx *x, const char *object, const char *metric)
{
    sims_world *w = x->api->w;
    sims_filter f;
    json_t *items;
    size_t i, j, end;
    char ts[HPA_TIME_STR_MAX], vb[HPA_QUANTITY_STR_MAX];

    if (strcmp(metric, "http_requests_per_second") || !metric_referenced(w, "pods", metric))
        return failf(x->rs, 404, "NotFound", "the server could not find the metric %s for pods", metric);
    if (!make_filter(x, &f, K_PODS))
        return;
    items = json_array();
    wl_range(w, &f, &i, &end);
    for (; i < end; i++) {
        sims_workload *wl = &w->wl[i];
        if (!sims_workload_pods_match(wl, x->r.ns, f.has_labels ? &f.labels : NULL))
            continue;
        for (j = 0; j < wl->cl.n_pods; j++) {
            const sim_pod *p = &wl->cl.pods[j];
            json_t *pod;
            if ((strcmp(object, "*") && strcmp(object, p->name)) || p->running > w->now || p->gone <= w->now)
                continue;
            pod = pod_object(w, wl, p);
            if (pod && sims_filter_matches(&f, pod) && !missing(x)) {
                hpa_time_t t = sims_world_time(w) - x->rq->fault.stale_by;
                json_array_append_new(
                    items, json_pack("{s:{s:s,s:s,s:s,s:s},s:{s:s,s:n},s:s,s:i,s:s}", "describedObject", "kind", "Pod",
                                     "namespace", wl->model.namespace_, "name", p->name, "apiVersion", "/v1", "metric",
                                     "name", metric, "selector", "timestamp",
                                     hpa_time_format(t - t % 1000, ts, sizeof(ts)), "windowSeconds",
                                     (int)wl->model.metrics_window_s, "value",
                                     hpa_quantity_format_milli(llround(sims_pod_load(w, wl, p) * 1000), vb, sizeof(vb))));
            }
            json_decref(pod);
        }
    }
    sims_filter_free(&f);
    x->rs->code = 200;
    x->rs->body = json_pack("{s:s,s:s,s:{},s:o}", "kind", "MetricValueList", "apiVersion",
                            "custom.metrics.k8s.io/v1beta2", "metadata", "items", items);
}

static void do_external(ctx *x, const char *metric)
{
    sims_world *w = x->api->w;
    double q = 0;
    size_t i;
    char ts[HPA_TIME_STR_MAX], vb[HPA_QUANTITY_STR_MAX];
    hpa_time_t t = sims_world_time(w) - x->rq->fault.stale_by;

    if (strcmp(metric, "queue_length") || !metric_referenced(w, "external", metric))
        return failf(x->rs, 404, "NotFound", "the server could not find the requested resource (external metric %s)",
                     metric);
    /* the queue: requests/s the Ready pods cannot serve, over one second */
    for (i = 0; i < w->n_wl; i++) {
        const sims_workload *wl = &w->wl[i];
        double load = sim_cluster_load_at(&wl->cl, w->now), cap = wl->cl.n_ready * sim_model_capacity_per_pod(&wl->model);
        if (!strcmp(wl->model.namespace_, x->r.ns) && load > cap)
            q += load - cap;
    }
    x->rs->code = 200;
    x->rs->body = json_pack("{s:s,s:s,s:{},s:[{s:s,s:{},s:s,s:i,s:s}]}", "kind", "ExternalMetricValueList",
                            "apiVersion", "external.metrics.k8s.io/v1beta1", "metadata", "items", "metricName", metric,
                            "metricLabels", "timestamp", hpa_time_format(t - t % 1000, ts, sizeof(ts)),
                            "windowSeconds", 15, "value", hpa_quantity_format_milli(llround(q) * 1000, vb, sizeof(vb)));
}

/* ---- routing ----------------------------------------------------------------------------- */

static bool is_get(const char *m)
{
    return !strcmp(m, "GET") || !strcmp(m, "HEAD");
}

static void discovery(ctx *x, char segs[][256], int n)
{
    sims_resp *rs = x->rs;
    size_t i;

    if (!is_get(x->rq->method))
        return method_not_allowed(rs);
    rs->code = 200;
    if (n == 1 && !strcmp(segs[0], "api")) {
        rs->body = json_pack("{s:s,s:[s],s:[{s:s,s:s}]}", "kind", "APIVersions", "versions", "v1",
                             "serverAddressByClientCIDRs", "clientCIDR", "0.0.0.0/0", "serverAddress",
                             x->api->server_address);
    } else if (n == 1) {
        json_t *groups = json_array();
        for (i = 0; i < N_GROUPS; i++)
            json_array_append_new(groups, group_json(&GROUPS[i]));
        rs->body = json_pack("{s:s,s:s,s:o}", "kind", "APIGroupList", "apiVersion", "v1", "groups", groups);
    } else if (n == 2 && !strcmp(segs[0], "api")) {
        if (strcmp(segs[1], "v1"))
            return not_found_path(rs);
        rs->body = resource_list("v1");
    } else if (n == 2) {
        for (i = 0; i < N_GROUPS; i++)
            if (!strcmp(GROUPS[i].name, segs[1])) {
                json_t *g = group_json(&GROUPS[i]);
                json_object_set_new(g, "kind", json_string("APIGroup"));
                json_object_set_new(g, "apiVersion", json_string("v1"));
                rs->body = g;
                return;
            }
        not_found_path(rs);
    } else {
        char gv[128];
        snprintf(gv, sizeof(gv), "%.60s/%.60s", segs[1], segs[2]);
        if (!gv_known(gv))
            return not_found_path(rs);
        rs->body = resource_list(gv);
    }
}

/* Resolve segs (after the group-version) into x->r. Returns false on 404. */
static bool resolve(ctx *x, char segs[][256], int n, int start)
{
    route *r = &x->r;
    int i = start;
    char res[300];

    if (i < n - 1 && !strcmp(segs[i], "namespaces") && n - i >= 3) {
        snprintf(r->ns, sizeof(r->ns), "%.63s", segs[i + 1]);
        r->has_ns = true;
        i += 2;
    }
    if (i >= n)
        return false;
    /* custom metrics: pods/NAME/METRIC; external: METRIC */
    if (!strcmp(r->gv, "custom.metrics.k8s.io/v1beta2")) {
        if (!r->has_ns || n - i != 3 || strcmp(segs[i], "pods"))
            return false;
        snprintf(r->name, sizeof(r->name), "%.253s", segs[i + 1]);
        snprintf(r->extra, sizeof(r->extra), "%.127s", segs[i + 2]);
        r->def = find_res(r->gv, "pods/http_requests_per_second");
        return true;
    }
    if (!strcmp(r->gv, "external.metrics.k8s.io/v1beta1")) {
        if (!r->has_ns || n - i != 1)
            return false;
        snprintf(r->extra, sizeof(r->extra), "%.127s", segs[i]);
        r->def = find_res(r->gv, "queue_length");
        return true;
    }
    snprintf(res, sizeof(res), "%s", segs[i]);
    if (n - i >= 2)
        snprintf(r->name, sizeof(r->name), "%.253s", segs[i + 1]);
    if (n - i == 3)
        snprintf(res, sizeof(res), "%.140s/%.140s", segs[i], segs[i + 2]);
    if (n - i > 3)
        return false;
    snprintf(r->resource, sizeof(r->resource), "%.127s", res);
    r->def = find_res(r->gv, r->resource);
    if (!r->def)
        return false;
    /* a namespaced resource needs a namespace for a single object */
    if (r->def->namespaced && r->name[0] && !r->has_ns)
        return false;
    if (!r->def->namespaced && r->has_ns)
        return false;
    return true;
}

static void dispatch(ctx *x)
{
    const char *m = x->rq->method;
    kind_id k = x->r.def->id;
    json_t *body;

    if (k == K_PODMETRICS || k == K_NODEMETRICS || k == K_CUSTOM || k == K_EXTERNAL) {
        if (!is_get(m))
            return method_not_allowed(x->rs);
        if (k == K_PODMETRICS)
            return do_pod_metrics(x);
        if (k == K_NODEMETRICS)
            return do_node_metrics(x);
        if (k == K_CUSTOM)
            return do_custom(x, x->r.name, x->r.extra);
        return do_external(x, x->r.extra);
    }
    if (is_get(m)) {
        if (x->r.name[0] && truthy(qget(&x->q, "watch")))
            return method_not_allowed(x->rs);
        if (!x->r.name[0])
            return do_list_or_watch(x);
        return do_get(x);
    }
    if (!strcmp(m, "DELETE"))
        return do_delete(x);
    if (strcmp(m, "POST") && strcmp(m, "PUT") && strcmp(m, "PATCH"))
        return method_not_allowed(x->rs);
    if (!strcmp(m, "POST") ? x->r.name[0] != '\0' : !x->r.name[0])
        return method_not_allowed(x->rs);
    if (k == K_PODS || k == K_RS || k == K_NS || k == K_NODE)
        return method_not_allowed(x->rs);
    if (!strcmp(m, "POST") && (k == K_DEPLOY || k == K_DEPLOY_SCALE))
        return method_not_allowed(x->rs);
    if (k == K_EVENT && strcmp(m, "POST"))
        return method_not_allowed(x->rs);
    if (!strcmp(m, "PATCH") && patch_kind_of(x->rq->content_type) == PATCH_BAD)
        return unsupported_patch(x->rs, x->rq->content_type);
    if (!(body = parse_body(x->rq, x->rs)))
        return;
    if (k == K_DEPLOY || k == K_DEPLOY_SCALE)
        do_scale_write(x, body, !strcmp(m, "PATCH"));
    else if (!strcmp(m, "POST"))
        do_create(x, body);
    else
        do_update_store(x, body, !strcmp(m, "PATCH"));
    json_decref(body);
}

/* UPSTREAM: kube-openapi answers the "...v2@v1.0+protobuf" Accept with a
 * Content-Type Go can parse (no "@") */
#define OPENAPI_PB "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"

/* /openapi/v2 (JSON, or protobuf when asked), /openapi/v3 and its groups. */
static void openapi(ctx *x, char segs[][256], int n)
{
    sims_resp *rs = x->rs;

    if (!is_get(x->rq->method))
        return method_not_allowed(rs);
    if (n == 2 && !strcmp(segs[1], "v2")) {
        rs->code = 200;
        if (x->rq->accept && strstr(x->rq->accept, "protobuf")) {
            rs->raw = sims_openapi_v2_pb(&rs->raw_len);
            rs->content_type = OPENAPI_PB;
        } else {
            rs->body = sims_openapi_v2();
        }
    } else if (n == 2 && !strcmp(segs[1], "v3")) {
        rs->code = 200;
        rs->body = sims_openapi_v3_root();
    } else if (n == 5 && !strcmp(segs[1], "v3") && !strcmp(segs[2], "apis")) {
        char gp[160];
        snprintf(gp, sizeof(gp), "apis/%.60s/%.60s", segs[3], segs[4]);
        if (!(rs->body = sims_openapi_v3_group(gp)))
            return not_found_path(rs);
        rs->code = 200;
    } else {
        not_found_path(rs);
    }
}

void sims_api_handle(sims_api *api, const sims_req *rq, sims_resp *rs)
{
    char segs[12][256];
    int n;
    ctx x;

    memset(rs, 0, sizeof(*rs));
    memset(&x, 0, sizeof(x));
    x.api = api;
    x.rq = rq;
    x.rs = rs;
    TAILQ_INIT(&x.q);
    n = split_path(rq->path ? rq->path : "", segs, 12);
    if (n < 0)
        return not_found_path(rs);
    if (rq->query && *rq->query && evhttp_parse_query_str(rq->query, &x.q) != 0) {
        evhttp_clear_headers(&x.q);
        return fail(rs, 400, "BadRequest", "the query string could not be parsed");
    }
    x.table = rq->accept && strstr(rq->accept, "as=Table") && strstr(rq->accept, "g=meta.k8s.io");
    {
        const char *io = qget(&x.q, "includeObject");
        x.include_object = io && !strcmp(io, "Object");
    }
    if (n == 1 && (!strcmp(segs[0], "healthz") || !strcmp(segs[0], "livez") || !strcmp(segs[0], "readyz"))) {
        rs->code = 200;
        rs->text = "ok";
    } else if (n == 1 && !strcmp(segs[0], "version")) {
        if (!is_get(rq->method))
            method_not_allowed(rs);
        else {
            rs->code = 200;
            rs->body = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "major", "1", "minor", "30", "gitVersion",
                                 "v1.30.0-hpa-engine-sim", "gitCommit", "0000000000000000000000000000000000000000",
                                 "gitTreeState", "clean", "buildDate", "2024-01-01T00:00:00Z", "goVersion", "go1.22",
                                 "compiler", "gc", "platform", "linux/amd64");
        }
    } else if (n >= 2 && !strcmp(segs[0], "openapi")) {
        openapi(&x, segs, n);
    } else if (n >= 1 && n <= 2 && !strcmp(segs[0], "api")) {
        discovery(&x, segs, n);
    } else if (n >= 1 && n <= 3 && !strcmp(segs[0], "apis")) {
        discovery(&x, segs, n);
    } else if (n >= 3 && !strcmp(segs[0], "api") && !strcmp(segs[1], "v1")) {
        snprintf(x.r.gv, sizeof(x.r.gv), "v1");
        /* /api/v1/namespaces/NAME is the Namespace itself */
        if (n == 4 && !strcmp(segs[2], "namespaces")) {
            x.r.def = find_res("v1", "namespaces");
            snprintf(x.r.name, sizeof(x.r.name), "%.253s", segs[3]);
            dispatch(&x);
        } else if (resolve(&x, segs, n, 2)) {
            dispatch(&x);
        } else {
            not_found_path(rs);
        }
    } else if (n >= 4 && !strcmp(segs[0], "apis")) {
        snprintf(x.r.gv, sizeof(x.r.gv), "%.60s/%.30s", segs[1], segs[2]);
        if (gv_known(x.r.gv) && resolve(&x, segs, n, 3))
            dispatch(&x);
        else
            not_found_path(rs);
    } else {
        not_found_path(rs);
    }
    evhttp_clear_headers(&x.q);
    if (!rs->body && !rs->raw && !rs->text && !rs->watch)
        fail(rs, 500, "InternalError", "out of memory building the response");
}

void sims_resp_free(sims_resp *rs)
{
    json_decref(rs->body);
    rs->body = NULL;
    free(rs->raw);
    rs->raw = NULL;
    if (rs->watch)
        sims_filter_free(&rs->filter);
    rs->watch = false;
}
