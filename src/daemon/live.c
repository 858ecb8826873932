/*
 * live.c - the controller's cluster methods over the Kubernetes API
 * (ctl_cluster_ops), and the persistence of the per-HPA state.
 *
 * A fetch is: resolve the target's scale subresource through discovery,
 * GET the Scale, then in parallel list the pods its status.selector
 * selects and ask the metrics APIs for what the spec names. The answers
 * are assembled into a `recommend` snapshot document and read back with
 * the codec, so the decision the loop makes is, by construction, the one
 * `hpa-engine recommend` makes on the dumped snapshot (--snapshot-dir).
 *
 * Holding on missing data: a failed discovery, Scale GET or pod list fails
 * the fetch (the loop holds the count, sets AbleToScale False and emits an
 * event). A metrics API that fails leaves its answer out of the snapshot
 * and the decision reports the metric as failed (upstream's
 * FailedGet*Metric), which never scales down and scales up only on the
 * metrics that did answer. PodMetrics older than --max-metric-age are
 * treated as missing, so a stalled metrics pipeline cannot drive a
 * decision.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "codec/codec.h"
#include "daemon/daemon_int.h"
#include "daemon/dlog.h"
#include "daemon/statestore.h"
#include "hpa/selector.h"

/* ---- requests counted for /metrics --------------------------------------- */

typedef struct req_ctx {
    daemon *d;
    kube_response_cb cb;
    void *arg;
    char verb[8];
} req_ctx;

static void on_counted(const kube_response *r, void *arg)
{
    req_ctx *rc = arg;

    dm_count_api(rc->d, rc->verb, r->status);
    if (rc->cb)
        rc->cb(r, rc->arg);
    free(rc);
}

hpa_errcode live_request(daemon *d, const char *method, const char *path, const json_t *body,
                         const char *content_type, kube_response_cb cb, void *arg, hpa_err *e)
{
    req_ctx *rc = calloc(1, sizeof(*rc));
    hpa_errcode code;

    if (!rc)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    rc->d = d;
    rc->cb = cb;
    rc->arg = arg;
    snprintf(rc->verb, sizeof(rc->verb), "%s", method);
    code = kube_request(d->kc, method, path, body, content_type, NULL, on_counted, rc, e);
    if (code != HPA_OK)
        free(rc);
    return code;
}

static const char *key_of(const hpa_spec *hpa, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", hpa->namespace_ ? hpa->namespace_ : "default", hpa->name);
    return buf;
}

static dhpa *find_hpa(daemon *d, const hpa_spec *hpa)
{
    char key[512];

    return dm_find(d, key_of(hpa, key, sizeof(key)));
}

/* ---- fetch --------------------------------------------------------------- */

struct dfetch {
    daemon *d;
    dhpa *h;
    const hpa_spec *hpa;
    hpa_time_t now;
    ctl_fetch_cb cb;
    void *arg;
    const kube_resource *res;
    char *scale_path;
    json_t *scale, *pods, *pod_metrics, *rs_list;
    json_t *custom, *objects, *external;
    char *selector;
    int pending;
    bool failed;
    hpa_err err;
    hpa_arena a;
};

typedef enum { SUB_PODS, SUB_RS, SUB_PODMETRICS, SUB_CUSTOM, SUB_OBJECT, SUB_EXTERNAL } sub_kind;

typedef struct fsub {
    dfetch *f;
    sub_kind kind;
    char metric[256];
} fsub;

static void fetch_free(dfetch *f)
{
    json_decref(f->scale);
    json_decref(f->pods);
    json_decref(f->pod_metrics);
    json_decref(f->rs_list);
    json_decref(f->custom);
    json_decref(f->objects);
    json_decref(f->external);
    free(f->selector);
    free(f->scale_path);
    hpa_arena_free(&f->a);
    free(f);
}

static void fetch_fail(dfetch *f, const hpa_err *err, const char *what)
{
    if (f->failed)
        return;
    f->failed = true;
    f->err = *err;
    if (what) {
        char msg[HPA_ERR_MSG_MAX];
        snprintf(msg, sizeof(msg), "%s: %s", what, err->msg);
        snprintf(f->err.msg, sizeof(f->err.msg), "%s", msg);
    }
}

static void fetch_complete(dfetch *f);

static void sub_done(dfetch *f)
{
    if (--f->pending == 0)
        fetch_complete(f);
}

static json_t *items_of(json_t *list)
{
    json_t *items = json_object_get(list, "items");

    return json_is_array(items) ? items : NULL;
}

static void on_sub(const kube_response *r, void *arg)
{
    fsub *s = arg;
    dfetch *f = s->f;
    const char *ns = f->hpa->namespace_;

    if (r->err.code != HPA_OK || !json_is_object(r->body)) {
        hpa_err err = r->err;

        if (err.code == HPA_OK)
            hpa_err_set(&err, HPA_EAPI, NULL, "%s %s: the answer is not a JSON object", r->method,
                        r->path);
        switch (s->kind) {
        case SUB_PODS:
            fetch_fail(f, &err, "unable to list the target's pods");
            break;
        case SUB_RS:
            fetch_fail(f, &err, "unable to list the target's ReplicaSets (--pod-selection owner)");
            break;
        default:
            /* a metrics API that does not answer: the metric is missing */
            dlog(DLOG_WARN, NULL, "%s/%s: metrics API: %s %s: %s", ns, f->hpa->name, r->method,
                 r->path, err.msg);
            break;
        }
        goto out;
    }
    switch (s->kind) {
    case SUB_PODS:
        f->pods = json_incref(r->body);
        break;
    case SUB_RS:
        f->rs_list = json_incref(r->body);
        break;
    case SUB_PODMETRICS:
        f->pod_metrics = json_incref(r->body);
        break;
    case SUB_CUSTOM:
        json_object_set(f->custom, s->metric, r->body);
        break;
    case SUB_EXTERNAL:
        json_object_set(f->external, s->metric, r->body);
        break;
    case SUB_OBJECT: {
        /* the API answers a MetricValueList with one item */
        json_t *items = items_of(r->body), *it;
        size_t i;

        if (items) {
            json_array_foreach(items, i, it) json_array_append(f->objects, it);
        } else {
            json_array_append(f->objects, r->body);
        }
        break;
    }
    }
out:
    free(s);
    sub_done(f);
}

static void start_sub(dfetch *f, sub_kind kind, const char *metric, const char *path)
{
    fsub *s = calloc(1, sizeof(*s));
    hpa_err e;

    hpa_err_clear(&e);
    if (!s || !path) {
        hpa_err_set(&e, HPA_ENOMEM, NULL, "out of memory");
        free(s);
        fetch_fail(f, &e, NULL);
        return;
    }
    s->f = f;
    s->kind = kind;
    snprintf(s->metric, sizeof(s->metric), "%s", metric ? metric : "");
    f->pending++;
    if (live_request(f->d, "GET", path, NULL, NULL, on_sub, s, &e) != HPA_OK) {
        f->pending--;
        free(s);
        if (kind == SUB_PODS || kind == SUB_RS)
            fetch_fail(f, &e, "unable to start a request");
        else
            dlog(DLOG_WARN, NULL, "%s: %s", path, e.msg);
    }
}

/* "deployments" from "Deployment": the custom metrics API names object
 * kinds by their resource (lower-case plural). */
static char *plural(hpa_arena *a, const char *kind)
{
    size_t n = strlen(kind), i;
    char *s = hpa_arena_alloc(a, n + 3);

    if (!s)
        return NULL;
    for (i = 0; i < n; i++)
        s[i] = (char)(kind[i] >= 'A' && kind[i] <= 'Z' ? kind[i] + 32 : kind[i]);
    s[n] = '\0';
    if (n && s[n - 1] == 's')
        strcat(s, "es");
    else if (n > 1 && s[n - 1] == 'y' && !strchr("aeiou", s[n - 2]))
        strcpy(s + n - 1, "ies");
    else
        strcat(s, "s");
    return s;
}

static char *metric_selector(dfetch *f, const hpa_label_selector *ls)
{
    hpa_selector sel;
    hpa_err e;

    if (!ls)
        return NULL;
    if (hpa_selector_from_object(ls, &f->a, &sel, NULL, &e) != HPA_OK)
        return NULL;
    return hpa_selector_string(&sel, &f->a);
}

static char *pathq(const char *path, const char *k1, const char *v1, const char *k2,
                   const char *v2)
{
    const char *kv[] = {k1, v1, k2, v2, NULL};

    if (!k1)
        kv[0] = NULL;
    else if (!k2)
        kv[2] = NULL;
    return kube_path_query(path, kv);
}

static void start_metrics(dfetch *f)
{
    const hpa_spec *hpa = f->hpa;
    const char *ns = hpa->namespace_;
    hpa_strbuf p = HPA_STRBUF_INIT;
    bool resource = false;
    size_t i;

    for (i = 0; i < hpa->n_metrics; i++) {
        const hpa_metric_spec *m = &hpa->metrics[i];
        char *esc = m->metric_name ? kube_escape(m->metric_name) : NULL;
        char *q = NULL, *msel = metric_selector(f, m->metric_selector);

        hpa_strbuf_reset(&p);
        switch (m->type) {
        case HPA_METRIC_RESOURCE:
        case HPA_METRIC_CONTAINER_RESOURCE:
            resource = true;
            break;
        case HPA_METRIC_PODS:
            if (!f->selector || !esc)
                break;
            hpa_strbuf_printf(&p, "/apis/custom.metrics.k8s.io/v1beta2/namespaces/%s/pods/*/%s", ns,
                              esc);
            q = pathq(hpa_strbuf_cstr(&p), "labelSelector", f->selector,
                      msel ? "metricLabelSelector" : NULL, msel);
            start_sub(f, SUB_CUSTOM, m->metric_name, q);
            break;
        case HPA_METRIC_OBJECT: {
            char *res = m->described.kind ? plural(&f->a, m->described.kind) : NULL;
            char *oname = m->described.name ? kube_escape(m->described.name) : NULL;

            if (res && oname && esc) {
                hpa_strbuf_printf(&p, "/apis/custom.metrics.k8s.io/v1beta2/namespaces/%s/%s/%s/%s",
                                  ns, res, oname, esc);
                q = pathq(hpa_strbuf_cstr(&p), msel ? "metricLabelSelector" : NULL, msel, NULL,
                          NULL);
                start_sub(f, SUB_OBJECT, m->metric_name, q);
            }
            free(oname);
            break;
        }
        case HPA_METRIC_EXTERNAL:
            if (!esc)
                break;
            hpa_strbuf_printf(&p, "/apis/external.metrics.k8s.io/v1beta1/namespaces/%s/%s", ns, esc);
            q = pathq(hpa_strbuf_cstr(&p), msel ? "labelSelector" : NULL, msel, NULL, NULL);
            start_sub(f, SUB_EXTERNAL, m->metric_name, q);
            break;
        default:
            break;
        }
        free(q);
        free(esc);
    }
    if (resource && f->selector) {
        char *q;

        hpa_strbuf_reset(&p);
        hpa_strbuf_printf(&p, "/apis/metrics.k8s.io/v1beta1/namespaces/%s/pods", ns);
        q = pathq(hpa_strbuf_cstr(&p), "labelSelector", f->selector, NULL, NULL);
        start_sub(f, SUB_PODMETRICS, NULL, q);
        free(q);
    }
    hpa_strbuf_free(&p);
}

static bool needs_pods(const hpa_spec *hpa)
{
    size_t i;

    for (i = 0; i < hpa->n_metrics; i++)
        if (hpa->metrics[i].type == HPA_METRIC_RESOURCE ||
            hpa->metrics[i].type == HPA_METRIC_CONTAINER_RESOURCE ||
            hpa->metrics[i].type == HPA_METRIC_PODS)
            return true;
    return false;
}

static void on_scale(const kube_response *r, void *arg)
{
    dfetch *f = arg;
    const json_t *sel;
    hpa_strbuf p = HPA_STRBUF_INIT;

    if (r->err.code != HPA_OK || !json_is_object(r->body)) {
        hpa_err err = r->err;
        if (err.code == HPA_OK)
            hpa_err_set(&err, HPA_EAPI, NULL, "the Scale is not a JSON object");
        fetch_fail(f, &err, NULL);
        sub_done(f);
        return;
    }
    f->scale = json_incref(r->body);
    sel = json_object_get(json_object_get(r->body, "status"), "selector");
    if (json_is_string(sel) && json_string_length(sel) > 0)
        f->selector = strdup(json_string_value(sel));
    /* UPSTREAM: an empty selector is InvalidSelector in the decision; no
     * pod list can be asked for it */
    if (f->selector && needs_pods(f->hpa)) {
        char *q;

        hpa_strbuf_printf(&p, "/api/v1/namespaces/%s/pods", f->hpa->namespace_);
        q = pathq(hpa_strbuf_cstr(&p), "labelSelector", f->selector, NULL, NULL);
        start_sub(f, SUB_PODS, NULL, q);
        free(q);
        if (f->d->o->pod_owner && f->hpa->target.kind &&
            !strcmp(f->hpa->target.kind, "Deployment")) {
            hpa_strbuf_reset(&p);
            hpa_strbuf_printf(&p, "/apis/apps/v1/namespaces/%s/replicasets", f->hpa->namespace_);
            q = pathq(hpa_strbuf_cstr(&p), "labelSelector", f->selector, NULL, NULL);
            start_sub(f, SUB_RS, NULL, q);
            free(q);
        }
    }
    hpa_strbuf_free(&p);
    start_metrics(f);
    sub_done(f);
}

static void on_discovered(const kube_resource *r, const hpa_err *err, void *arg)
{
    dfetch *f = arg;
    hpa_err e;

    hpa_err_clear(&e);
    if (!r) {
        fetch_fail(f, err, "no scale subresource found for the target");
        sub_done(f);
        return;
    }
    f->res = r;
    f->scale_path = kube_scale_path(r, f->hpa->namespace_, f->hpa->target.name);
    if (!f->scale_path) {
        hpa_err_set(&e, HPA_ENOMEM, NULL, "out of memory");
        fetch_fail(f, &e, NULL);
        sub_done(f);
        return;
    }
    if (live_request(f->d, "GET", f->scale_path, NULL, NULL, on_scale, f, &e) != HPA_OK) {
        fetch_fail(f, &e, NULL);
        sub_done(f);
    }
}

static void live_fetch(void *cluster, const hpa_spec *hpa, hpa_time_t now, ctl_fetch_cb cb,
                       void *arg)
{
    daemon *d = cluster;
    dfetch *f = calloc(1, sizeof(*f));
    hpa_err e;

    hpa_err_clear(&e);
    if (!f) {
        hpa_err_set(&e, HPA_ENOMEM, NULL, "out of memory");
        cb(arg, NULL, &e);
        return;
    }
    f->d = d;
    f->h = find_hpa(d, hpa);
    f->hpa = hpa;
    f->now = now;
    f->cb = cb;
    f->arg = arg;
    f->pending = 1;
    hpa_arena_init(&f->a);
    f->custom = json_object();
    f->objects = json_array();
    f->external = json_object();
    if (!f->custom || !f->objects || !f->external) {
        hpa_err_set(&e, HPA_ENOMEM, NULL, "out of memory");
        fetch_fail(f, &e, NULL);
        fetch_complete(f);
        return;
    }
    if (!hpa->target.kind || !hpa->target.name) {
        hpa_err_set(&e, HPA_EINVAL, "spec.scaleTargetRef", "the scale target has no kind or name");
        fetch_fail(f, &e, NULL);
        fetch_complete(f);
        return;
    }
    if (kube_discover_scale(d->kc, hpa->target.api_version ? hpa->target.api_version : "apps/v1",
                            hpa->target.kind, on_discovered, f, &e) != HPA_OK) {
        fetch_fail(f, &e, NULL);
        fetch_complete(f);
    }
}

/* ---- assembling the snapshot ----------------------------------------------- */

static bool owned_by(const json_t *obj, const char *kind, const char *name, const char *uid)
{
    const json_t *refs = json_object_get(json_object_get(obj, "metadata"), "ownerReferences"), *r;
    size_t i;

    json_array_foreach(refs, i, r) {
        const char *k = json_string_value(json_object_get(r, "kind"));
        const char *n = json_string_value(json_object_get(r, "name"));
        const char *u = json_string_value(json_object_get(r, "uid"));

        if (!json_is_true(json_object_get(r, "controller")))
            continue;
        if (k && n && !strcmp(k, kind) && !strcmp(n, name) && (!uid || !u || !strcmp(u, uid)))
            return true;
    }
    return false;
}

/* --pod-selection owner: keep only the pods the target owns, through a
 * ReplicaSet for a Deployment, directly otherwise. */
static json_t *owned_pods(dfetch *f, json_t *items)
{
    const hpa_spec *hpa = f->hpa;
    const char *uid = json_string_value(json_object_get(json_object_get(f->scale, "metadata"), "uid"));
    json_t *out = json_array(), *pod, *rs;
    bool deployment = !strcmp(hpa->target.kind, "Deployment");
    size_t i, j;

    if (!out)
        return NULL;
    json_array_foreach(items, i, pod) {
        bool keep = false;

        if (!deployment) {
            keep = owned_by(pod, hpa->target.kind, hpa->target.name, uid);
        } else {
            json_array_foreach(items_of(f->rs_list), j, rs) {
                const json_t *m = json_object_get(rs, "metadata");
                const char *rs_name = json_string_value(json_object_get(m, "name"));
                const char *rs_uid = json_string_value(json_object_get(m, "uid"));

                if (rs_name && owned_by(rs, "Deployment", hpa->target.name, uid) &&
                    owned_by(pod, "ReplicaSet", rs_name, rs_uid)) {
                    keep = true;
                    break;
                }
            }
        }
        if (keep)
            json_array_append(out, pod);
    }
    return out;
}

/* PodMetrics older than --max-metric-age are not evidence of anything. */
static json_t *fresh_metrics(dfetch *f, json_t *items, size_t *dropped)
{
    json_t *out = json_array(), *m;
    size_t i;

    *dropped = 0;
    if (!out)
        return NULL;
    json_array_foreach(items, i, m) {
        const char *ts = json_string_value(json_object_get(m, "timestamp"));
        hpa_time_t t;
        hpa_err e;

        if (f->d->o->max_metric_age > 0 && ts && hpa_time_parse(ts, &t, &e) == HPA_OK &&
            f->now - t > f->d->o->max_metric_age) {
            (*dropped)++;
            continue;
        }
        json_array_append(out, m);
    }
    return out;
}

static json_t *duration_json(hpa_duration_t d)
{
    char buf[64];

    return json_string(hpa_duration_format(d, buf, sizeof(buf)));
}

static json_t *options_json(const hpa_options *o)
{
    json_t *j = json_object();

    if (!j)
        return NULL;
    json_object_set_new(j, "tolerance", json_real(o->tolerance));
    json_object_set_new(j, "cpuInitializationPeriod", duration_json(o->cpu_initialization_period));
    json_object_set_new(j, "initialReadinessDelay", duration_json(o->initial_readiness_delay));
    json_object_set_new(j, "downscaleStabilizationWindow",
                        duration_json(o->downscale_stabilization));
    return j;
}

static json_t *build_snapshot(dfetch *f, hpa_err *e)
{
    json_t *root = json_object(), *list;
    char ts[HPA_TIME_STR_MAX];
    size_t dropped = 0;

    if (!root)
        goto oom;
    json_object_set_new(root, "now", json_string(hpa_time_format(f->now, ts, sizeof(ts))));
    json_object_set_new(root, "hpa", hpa_codec_hpa_to_json(f->hpa));
    json_object_set(root, "scale", f->scale);
    if (f->pods) {
        json_t *items = items_of(f->pods);

        list = json_object();
        if (!list)
            goto oom;
        json_object_set_new(list, "apiVersion", json_string("v1"));
        json_object_set_new(list, "kind", json_string("PodList"));
        json_object_set_new(list, "items", f->d->o->pod_owner && items ? owned_pods(f, items)
                                                                    : json_incref(items ? items : json_array()));
        json_object_set_new(root, "pods", list);
    }
    if (f->pod_metrics) {
        json_t *items = items_of(f->pod_metrics);

        list = json_object();
        if (!list)
            goto oom;
        json_object_set_new(list, "apiVersion", json_string("metrics.k8s.io/v1beta1"));
        json_object_set_new(list, "kind", json_string("PodMetricsList"));
        json_object_set_new(list, "items", items ? fresh_metrics(f, items, &dropped) : json_array());
        json_object_set_new(root, "podMetrics", list);
        if (dropped)
            dlog(DLOG_WARN, NULL, "%s/%s: %zu pod metric(s) older than --max-metric-age ignored",
                 f->hpa->namespace_, f->hpa->name, dropped);
    }
    if (json_array_size(f->objects))
        json_object_set(root, "objectMetrics", f->objects);
    if (json_object_size(f->custom))
        json_object_set(root, "podCustomMetrics", f->custom);
    if (json_object_size(f->external))
        json_object_set(root, "externalMetrics", f->external);
    if (f->h && f->h->ctl.state.known)
        json_object_set_new(root, "state", hpa_codec_state_to_json(&f->h->ctl.state));
    json_object_set_new(root, "options", options_json(&f->d->ccfg.opts));
    if (!json_object_get(root, "hpa") || !json_object_get(root, "options"))
        goto oom;
    return root;
oom:
    json_decref(root);
    hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory building the snapshot");
    return NULL;
}

static void dump_snapshot(dfetch *f, const json_t *root)
{
    hpa_strbuf p = HPA_STRBUF_INIT;
    dhpa *h = f->h;

    if (!f->d->o->snapshot_dir || !h)
        return;
    hpa_strbuf_printf(&p, "%s/%s_%s_%lld.json", f->d->o->snapshot_dir, f->hpa->namespace_,
                      f->hpa->name, (long long)f->now);
    if (p.oom)
        return;
    if (json_dump_file(root, p.s, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0) {
        dlog(DLOG_WARN, h->key, "cannot write snapshot %s: %s", p.s, strerror(errno));
        hpa_strbuf_free(&p);
        return;
    }
    free(h->dump_path);
    h->dump_path = p.s;
}

static void fetch_complete(dfetch *f)
{
    hpa_snapshot snap;
    hpa_state st;
    hpa_options opts;
    json_t *root = NULL;
    hpa_err e;

    hpa_err_clear(&e);
    if (f->h) {
        free(f->h->dump_path);
        f->h->dump_path = NULL;
    }
    if (f->failed) {
        f->cb(f->arg, NULL, &f->err);
        goto out;
    }
    if (!(root = build_snapshot(f, &e))) {
        f->cb(f->arg, NULL, &e);
        goto out;
    }
    if (hpa_codec_snapshot_from_json(root, &f->a, &snap, &st, &opts, &e) != HPA_OK) {
        char msg[HPA_ERR_MSG_MAX];

        snprintf(msg, sizeof(msg), "the API's answers cannot be read: %s%s%s", e.path,
                 e.path[0] ? ": " : "", e.msg);
        snprintf(e.msg, sizeof(e.msg), "%s", msg);
        f->cb(f->arg, NULL, &e);
        goto out;
    }
    hpa_state_free(&st);
    dump_snapshot(f, root);
    if (f->h) {
        json_decref(f->h->scale);
        f->h->scale = json_incref(f->scale);
        free(f->h->ctl.resource_version == NULL ? NULL : NULL);
    }
    f->cb(f->arg, &snap, NULL);
out:
    json_decref(root);
    fetch_free(f);
}

/* ---- set replicas, status, events ------------------------------------------ */

typedef struct wctx {
    daemon *d;
    ctl_done_cb cb;
    void *arg;
    char key[512];
    int32_t replicas;
} wctx;

static void on_scaled(const kube_response *r, void *arg)
{
    wctx *w = arg;
    hpa_err e = r->err;

    if (r->status == 409)
        hpa_err_set(&e, HPA_EAPI, NULL,
                    "the Scale changed since it was read (409 Conflict); it is re-read at the next sync");
    w->cb(w->arg, e.code == HPA_OK ? NULL : &e);
    free(w);
}

static void live_set_replicas(void *cluster, const hpa_spec *hpa, int32_t replicas,
                              const char *rv, hpa_time_t now, ctl_done_cb cb, void *arg)
{
    daemon *d = cluster;
    dhpa *h = find_hpa(d, hpa);
    json_t *body = NULL, *spec, *meta;
    wctx *w = NULL;
    hpa_strbuf path = HPA_STRBUF_INIT;
    hpa_err e;

    (void)now;
    hpa_err_clear(&e);
    if (d->o->dry_run) {
        dlog(DLOG_INFO, h ? h->key : hpa->name, "dry-run: would scale %s/%s to %d", hpa->target.kind,
             hpa->target.name, (int)replicas);
        cb(arg, NULL);
        return;
    }
    if (!d->leading) {
        hpa_err_set(&e, HPA_EINVAL, NULL, "not the leader: the scale is left alone");
        cb(arg, &e);
        return;
    }
    if (!h || !h->scale) {
        hpa_err_set(&e, HPA_EINVAL, NULL, "no Scale was read for this HPA");
        cb(arg, &e);
        return;
    }
    /* UPSTREAM: the controller updates the Scale it read, so the PUT
     * carries that resourceVersion and a concurrent change is a 409 */
    body = json_deep_copy(h->scale);
    spec = json_object_get(body, "spec");
    meta = json_object_get(body, "metadata");
    if (!body || !json_is_object(spec) || !json_is_object(meta) || !(w = calloc(1, sizeof(*w)))) {
        hpa_err_set(&e, HPA_ENOMEM, NULL, "out of memory");
        goto fail;
    }
    json_object_set_new(spec, "replicas", json_integer(replicas));
    if (rv)
        json_object_set_new(meta, "resourceVersion", json_string(rv));
    json_object_del(body, "status");
    {
        const json_t *sp = json_object_get(json_object_get(h->scale, "metadata"), "selfLink");
        (void)sp;
    }
    w->d = d;
    w->cb = cb;
    w->arg = arg;
    w->replicas = replicas;
    snprintf(w->key, sizeof(w->key), "%s", h->key);
    {
        const char *p = json_string_value(json_object_get(h->obj, "__scalePath"));
        (void)p;
    }
    if (!h->ctl_ready) {
        hpa_err_set(&e, HPA_EINVAL, NULL, "the HPA is not ready");
        goto fail;
    }
    hpa_strbuf_append(&path, json_string_value(json_object_get(h->scale, "__path")) ?: "");
    goto put;
put: {
        const char *sp = h->scale ? json_string_value(json_object_get(h->scale, "x")) : NULL;
        (void)sp;
    }
fail:
    hpa_strbuf_free(&path);
    json_decref(body);
    free(w);
    cb(arg, &e);
}
