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
    dmn *d;
    kube_response_cb cb;
    void *arg;
    char verb[8];
} req_ctx;

static void on_counted(const kube_response *r, void *arg)
{
    req_ctx *rc = arg;

    /* attempts are counted by the client's observer (dm_count_api) */
    rc->d->api_in_flight--;
    if (rc->cb)
        rc->cb(r, rc->arg);
    free(rc);
}

hpa_errcode live_request(dmn *d, const char *method, const char *path, const json_t *body,
                         const char *content_type, kube_response_cb cb, void *arg, hpa_err *e)
{
    return live_request_opts(d, method, path, body, content_type, NULL, cb, arg, e);
}

hpa_errcode live_request_opts(dmn *d, const char *method, const char *path, const json_t *body,
                              const char *content_type, const kube_req_opts *o,
                              kube_response_cb cb, void *arg, hpa_err *e)
{
    req_ctx *rc = calloc(1, sizeof(*rc));
    hpa_errcode code;

    if (!rc)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    rc->d = d;
    rc->cb = cb;
    rc->arg = arg;
    snprintf(rc->verb, sizeof(rc->verb), "%s", method);
    code = kube_request(d->kc, method, path, body, content_type, o, on_counted, rc, e);
    if (code != HPA_OK)
        free(rc);
    else
        d->api_in_flight++;
    return code;
}

static const char *key_of(const hpa_spec *hpa, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", hpa->namespace_ ? hpa->namespace_ : "default", hpa->name);
    return buf;
}

static dhpa *find_hpa(dmn *d, const hpa_spec *hpa)
{
    char key[512];

    return dm_find(d, key_of(hpa, key, sizeof(key)));
}

/* ---- fetch --------------------------------------------------------------- */

struct dfetch {
    dmn *d;
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
    hpa_arena *a;                   /* the sync slot's arena, or `own` */
    hpa_arena own;                  /* when the HPA is gone */
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
    hpa_arena_free(&f->own);
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
        if (snprintf(msg, sizeof(msg), "%s: %s", what, err->msg) < 0)
            msg[0] = '\0';
        if (snprintf(f->err.msg, sizeof(f->err.msg), "%s", msg) < 0)
            f->err.msg[0] = '\0';
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
    if (hpa_selector_from_object(ls, f->a, &sel, NULL, &e) != HPA_OK)
        return NULL;
    return hpa_selector_string(&sel, f->a);
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
            char *res = m->described.kind ? plural(f->a, m->described.kind) : NULL;
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
    dmn *d = cluster;
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
    hpa_arena_init(&f->own);
    /* the sync's slot holds the snapshot until the sync has finished */
    f->a = f->h && f->h->slot ? &f->h->slot->arena : &f->own;
    f->custom = json_object();
    f->objects = json_array();
    f->external = json_object();
    if (!f->custom || !f->objects || !f->external) {
        hpa_err_set(&e, HPA_ENOMEM, NULL, "out of memory");
        fetch_fail(f, &e, NULL);
        fetch_complete(f);
        return;
    }
    if (!f->h || !f->h->slot) {
        /* the snapshot's memory is kept by the sync's slot (fetch_complete) */
        hpa_err_set(&e, HPA_EINVAL, NULL,
                    f->h ? "no sync slot for the HPA" : "the HPA is no longer in the daemon's table");
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
    if (hpa_codec_snapshot_from_json(root, f->a, &snap, &st, &opts, &e) != HPA_OK) {
        char msg[HPA_ERR_MSG_MAX];

        if (snprintf(msg, sizeof(msg), "the API's answers cannot be read: %s%s%s", e.path,
                     e.path[0] ? ": " : "", e.msg) < 0)
            msg[0] = '\0';
        if (snprintf(e.msg, sizeof(e.msg), "%s", msg) < 0)
            e.msg[0] = '\0';
        f->cb(f->arg, NULL, &e);
        goto out;
    }
    hpa_state_free(&st);
    dump_snapshot(f, root);
    /* the decision made from `snap` is read until the sync ends (the Scale
     * PUT and the status write answer later): the sync's slot keeps the
     * snapshot's memory (f->a) and the Scale until then */
    json_decref(f->h->slot->scale);
    f->h->slot->scale = json_incref(f->scale);
    free(f->h->slot->scale_path);
    f->h->slot->scale_path = f->scale_path;
    f->scale_path = NULL;
    f->cb(f->arg, &snap, NULL);
out:
    json_decref(root);
    fetch_free(f);
}

/* ---- set replicas, status, events ------------------------------------------ */

typedef struct wctx {
    dmn *d;
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
    dmn *d = cluster;
    dhpa *h = find_hpa(d, hpa);
    json_t *body = NULL, *spec, *meta;
    wctx *w = NULL;
    hpa_err e;

    (void)now;
    hpa_err_clear(&e);
    if (d->o->dry_run) {
        dlog(DLOG_INFO, h ? h->key : hpa->name, "dry-run: would scale %s %s to %d",
             hpa->target.kind, hpa->target.name, (int)replicas);
        cb(arg, NULL);
        return;
    }
    if (!d->leading) {
        hpa_err_set(&e, HPA_EINVAL, NULL, "not the leader: the scale is left alone");
        goto fail;
    }
    if (!h || !h->slot || !h->slot->scale || !h->slot->scale_path) {
        hpa_err_set(&e, HPA_EINVAL, NULL, "no Scale was read for this HPA");
        goto fail;
    }
    /* UPSTREAM: the controller updates the Scale it read, so the PUT
     * carries that resourceVersion and a concurrent change is a 409 that
     * the next sync re-reads; nothing is ever overwritten blindly */
    body = json_deep_copy(h->slot->scale);
    spec = json_object_get(body, "spec");
    meta = json_object_get(body, "metadata");
    if (!body || !json_is_object(meta) || !(w = calloc(1, sizeof(*w)))) {
        hpa_err_set(&e, HPA_ENOMEM, NULL, "out of memory");
        goto fail;
    }
    if (!json_is_object(spec)) {
        spec = json_object();
        json_object_set_new(body, "spec", spec);
    }
    json_object_set_new(spec, "replicas", json_integer(replicas));
    if (rv)
        json_object_set_new(meta, "resourceVersion", json_string(rv));
    w->d = d;
    w->cb = cb;
    w->arg = arg;
    w->replicas = replicas;
    snprintf(w->key, sizeof(w->key), "%s", h->key);
    if (live_request(d, "PUT", h->slot->scale_path, body, NULL, on_scaled, w, &e) != HPA_OK)
        goto fail;
    json_decref(body);
    return;
fail:
    json_decref(body);
    free(w);
    cb(arg, &e);
}

static void on_status(const kube_response *r, void *arg)
{
    wctx *w = arg;

    if (r->err.code != HPA_OK)
        dlog(DLOG_WARN, w->key, "status update failed: %s", r->err.msg);
    w->cb(w->arg, r->err.code == HPA_OK ? NULL : &r->err);
    free(w);
}

static char *hpa_path(const char *ns, const char *name, const char *sub)
{
    hpa_strbuf p = HPA_STRBUF_INIT;

    hpa_strbuf_printf(&p, "/apis/autoscaling/v2/namespaces/%s/horizontalpodautoscalers/%s%s", ns,
                      name, sub ? sub : "");
    if (p.oom) {
        hpa_strbuf_free(&p);
        return NULL;
    }
    return p.s;
}

static json_t *status_json(const ctl_status *st)
{
    json_t *s = json_object();
    char ts[HPA_TIME_STR_MAX];

    if (!s)
        return NULL;
    json_object_set_new(s, "currentReplicas", json_integer(st->current_replicas));
    json_object_set_new(s, "desiredReplicas", json_integer(st->desired_replicas));
    if (st->metrics_computed) {
        hpa_decision d;

        memset(&d, 0, sizeof(d));
        d.n_metrics = st->n_metrics;
        d.metrics = st->metrics;
        json_object_set_new(s, "currentMetrics", hpa_codec_metric_statuses_to_json(&d));
    }
    json_object_set_new(s, "conditions", hpa_codec_conditions_to_json(st->n_conditions, st->conditions));
    if (st->has_last_scale_time)
        json_object_set_new(s, "lastScaleTime",
                            json_string(hpa_time_format(st->last_scale_time, ts, sizeof(ts))));
    return s;
}

static void live_write_status(void *cluster, const hpa_spec *hpa, const ctl_status *st,
                              ctl_done_cb cb, void *arg)
{
    dmn *d = cluster;
    dhpa *h = find_hpa(d, hpa);
    json_t *body = NULL, *status;
    char *path = NULL;
    wctx *w = NULL;
    hpa_err e;

    hpa_err_clear(&e);
    /* files mode: the HPA is not an API object; the status lives in the
     * log and /metrics only */
    if (!d->o->hpa_source_cluster || d->o->dry_run || !h) {
        if (dlog_enabled(DLOG_DEBUG)) {
            json_t *sj = status_json(st);
            char *s = sj ? json_dumps(sj, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;

            dlog(DLOG_DEBUG, h ? h->key : hpa->name, "status %s", s ? s : "");
            free(s);
            json_decref(sj);
        }
        cb(arg, NULL);
        return;
    }
    if (!d->leading) {
        cb(arg, NULL);
        return;
    }
    status = status_json(st);
    body = json_object();
    path = hpa_path(h->ns, h->name, "/status");
    w = calloc(1, sizeof(*w));
    if (!status || !body || !path || !w) {
        json_decref(status);
        hpa_err_set(&e, HPA_ENOMEM, NULL, "out of memory");
        goto fail;
    }
    json_object_set_new(body, "status", status);
    w->d = d;
    w->cb = cb;
    w->arg = arg;
    snprintf(w->key, sizeof(w->key), "%s", h->key);
    if (live_request(d, "PATCH", path, body, "application/merge-patch+json", on_status, w, &e) !=
        HPA_OK)
        goto fail;
    json_decref(body);
    free(path);
    return;
fail:
    json_decref(body);
    free(path);
    free(w);
    cb(arg, &e);
}

static void on_event_posted(const kube_response *r, void *arg)
{
    char *key = arg;

    if (r->err.code != HPA_OK)
        dlog(DLOG_DEBUG, key, "event not recorded: %s", r->err.msg);
    free(key);
}

/* Same reason and message as the last event of this HPA within 5 minutes:
 * the event recorder would aggregate it; do not post it again. */
static bool event_is_repeat(dhpa *h, const char *reason, const char *msg, hpa_time_t now)
{
    char sig[256];

    snprintf(sig, sizeof(sig), "%s|%.200s", reason, msg);
    if (h->last_event && !strcmp(sig, h->last_event) &&
        now - h->last_event_time < 5 * 60 * HPA_MS_PER_S)
        return true;
    /* out of memory forgets the last event: it is posted again next time */
    free(h->last_event);
    h->last_event = strdup(sig);
    h->last_event_time = now;
    return false;
}

static void live_record_event(void *cluster, const hpa_spec *hpa, hpa_time_t now,
                              const char *type, const char *reason, const char *message)
{
    dmn *d = cluster;
    dhpa *h = find_hpa(d, hpa);
    json_t *ev = NULL, *meta, *inv, *src;
    char ts[HPA_TIME_STR_MAX], *key = NULL;
    hpa_strbuf path = HPA_STRBUF_INIT, gen = HPA_STRBUF_INIT;
    hpa_err e;

    dlog(!strcmp(type, "Warning") ? DLOG_WARN : DLOG_INFO, h ? h->key : hpa->name, "event %s %s: %s",
         type, reason, message);
    if (!h || d->o->dry_run || !d->leading || event_is_repeat(h, reason, message, now))
        return;
    hpa_time_format(now, ts, sizeof(ts));
    hpa_strbuf_printf(&path, "/api/v1/namespaces/%s/events", h->ns);
    hpa_strbuf_printf(&gen, "%s.", h->name);
    ev = json_object();
    meta = json_object();
    inv = json_object();
    src = json_object();
    key = strdup(h->key);
    if (!ev || !meta || !inv || !src || !key || path.oom || gen.oom) {
        json_decref(meta);
        json_decref(inv);
        json_decref(src);
        goto out;
    }
    json_object_set_new(meta, "generateName", json_string(gen.s));
    json_object_set_new(meta, "namespace", json_string(h->ns));
    json_object_set_new(ev, "metadata", meta);
    json_object_set_new(inv, "apiVersion", json_string("autoscaling/v2"));
    json_object_set_new(inv, "kind", json_string("HorizontalPodAutoscaler"));
    json_object_set_new(inv, "name", json_string(h->name));
    json_object_set_new(inv, "namespace", json_string(h->ns));
    if (h->uid)
        json_object_set_new(inv, "uid", json_string(h->uid));
    json_object_set_new(ev, "involvedObject", inv);
    json_object_set_new(ev, "type", json_string(type));
    json_object_set_new(ev, "reason", json_string(reason));
    json_object_set_new(ev, "message", json_string(message));
    json_object_set_new(src, "component", json_string("horizontal-pod-autoscaler"));
    json_object_set_new(ev, "source", src);
    json_object_set_new(ev, "reportingComponent", json_string("hpa-engine"));
    json_object_set_new(ev, "reportingInstance", json_string(d->identity));
    json_object_set_new(ev, "firstTimestamp", json_string(ts));
    json_object_set_new(ev, "lastTimestamp", json_string(ts));
    json_object_set_new(ev, "count", json_integer(1));
    if (live_request(d, "POST", path.s, ev, NULL, on_event_posted, key, &e) == HPA_OK)
        key = NULL;
out:
    free(key);
    json_decref(ev);
    hpa_strbuf_free(&path);
    hpa_strbuf_free(&gen);
}

void live_ops(ctl_cluster_ops *ops)
{
    ops->fetch = live_fetch;
    ops->set_replicas = live_set_replicas;
    ops->write_status = live_write_status;
    ops->record_event = live_record_event;
}

/* ---- state persistence --------------------------------------------------- */

void live_restore_state(dmn *d, dhpa *h, const json_t *obj)
{
    const char *s = NULL;
    hpa_state st;
    hpa_err e;
    char key[512];

    if (d->store == DSTORE_ANNOTATION) {
        s = json_string_value(json_object_get(
            json_object_get(json_object_get(obj, "metadata"), "annotations"), DSTATE_ANNOTATION));
    } else if (d->store == DSTORE_CONFIGMAP && d->cm_data) {
        s = json_string_value(json_object_get(d->cm_data, dstate_key(h->ns, h->name, key, sizeof(key))));
    }
    if (!s)
        return;
    hpa_state_init(&st);
    if (dstate_decode(s, &st, &e) != HPA_OK) {
        dlog(DLOG_WARN, h->key, "persisted state ignored: %s: %s", e.path, e.msg);
        return;
    }
    if (ctl_hpa_restore_state(&h->ctl, &st) == HPA_OK) {
        free(h->persisted);
        h->persisted = strdup(s);
        dlog(DLOG_INFO, h->key, "restored state: %zu recommendation(s), %zu/%zu scale event(s)",
             st.n_recs, st.n_up, st.n_down);
    }
    hpa_state_free(&st);
}

typedef struct pctx {
    dmn *d;
    char *key;          /* HPA key */
    char *json;         /* the state being written */
    bool created;
} pctx;

static void pctx_free(pctx *p)
{
    free(p->key);
    free(p->json);
    free(p);
}

static void persisted(pctx *p)
{
    dhpa *h = dm_find(p->d, p->key);

    if (h) {
        free(h->persisted);
        h->persisted = p->json;
        p->json = NULL;
    }
    if (p->d->cm_data) {
        char k[512];
        const char *slash = strchr(p->key, '/');

        if (slash) {
            snprintf(k, sizeof(k), "%.*s.%s", (int)(slash - p->key), p->key, slash + 1);
            json_object_set_new(p->d->cm_data, k, json_string(h && h->persisted ? h->persisted : ""));
        }
    }
}

static hpa_errcode cm_write(pctx *p, bool create, hpa_err *e);

static void on_cm_written(const kube_response *r, void *arg)
{
    pctx *p = arg;
    hpa_err e;

    if (r->err.code == HPA_OK) {
        p->d->cm_exists = true;
        persisted(p);
        pctx_free(p);
        return;
    }
    /* no ConfigMap yet: create it; someone else created it: patch */
    if ((r->status == 404 && !p->created) || (r->status == 409 && p->created)) {
        p->created = r->status == 404;
        if (cm_write(p, r->status == 404, &e) == HPA_OK)
            return;
    }
    dlog(DLOG_WARN, p->key, "state not persisted to ConfigMap %s/%s: %s", p->d->lease_ns,
         DSTATE_CONFIGMAP, r->err.msg);
    pctx_free(p);
}

static hpa_errcode cm_write(pctx *p, bool create, hpa_err *e)
{
    dmn *d = p->d;
    json_t *body = json_object(), *data = json_object(), *meta;
    hpa_strbuf path = HPA_STRBUF_INIT;
    char k[512];
    const char *slash = strchr(p->key, '/');
    hpa_errcode rc;

    if (!body || !data || !slash) {
        json_decref(body);
        json_decref(data);
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    }
    snprintf(k, sizeof(k), "%.*s.%s", (int)(slash - p->key), p->key, slash + 1);
    json_object_set_new(data, k, json_string(p->json));
    json_object_set_new(body, "data", data);
    if (create) {
        meta = json_object();
        json_object_set_new(meta, "name", json_string(DSTATE_CONFIGMAP));
        json_object_set_new(meta, "namespace", json_string(d->lease_ns));
        json_object_set_new(body, "metadata", meta);
        hpa_strbuf_printf(&path, "/api/v1/namespaces/%s/configmaps", d->lease_ns);
        rc = live_request(d, "POST", path.s, body, NULL, on_cm_written, p, e);
    } else {
        hpa_strbuf_printf(&path, "/api/v1/namespaces/%s/configmaps/%s", d->lease_ns, DSTATE_CONFIGMAP);
        rc = live_request(d, "PATCH", path.s, body, "application/merge-patch+json", on_cm_written, p, e);
    }
    json_decref(body);
    hpa_strbuf_free(&path);
    return rc;
}

static void on_annotated(const kube_response *r, void *arg)
{
    pctx *p = arg;

    if (r->err.code == HPA_OK)
        persisted(p);
    else
        dlog(DLOG_WARN, p->key, "state not persisted (annotation %s): %s", DSTATE_ANNOTATION,
             r->err.msg);
    pctx_free(p);
}

void live_persist_state(dmn *d, dhpa *h)
{
    pctx *p;
    char *json;
    hpa_err e;

    if (!h->ctl.state.known)
        return;
    hpa_state_compact(&h->ctl.state, &h->ctl.spec, &d->ccfg.opts, h->ctl.res.now);
    if (d->store == DSTORE_NONE || d->o->dry_run || !d->leading)
        return;
    if (!(json = dstate_encode(&h->ctl.state)))
        return;
    if (h->persisted && !strcmp(h->persisted, json)) {
        free(json);
        return;
    }
    p = calloc(1, sizeof(*p));
    if (!p || !(p->key = strdup(h->key))) {
        free(p);
        free(json);
        return;
    }
    p->d = d;
    p->json = json;
    if (d->store == DSTORE_CONFIGMAP) {
        if (cm_write(p, !d->cm_exists, &e) != HPA_OK) {
            dlog(DLOG_WARN, h->key, "state not persisted: %s", e.msg);
            pctx_free(p);
        }
        p = NULL;
        if (!d->cm_exists)
            d->cm_exists = true;   /* one create in flight is enough; 409 falls back to patch */
        return;
    }
    {
        json_t *body = json_object(), *meta = json_object(), *ann = json_object();
        char *path = hpa_path(h->ns, h->name, NULL);

        if (body && meta && ann && path) {
            json_object_set_new(ann, DSTATE_ANNOTATION, json_string(json));
            json_object_set_new(meta, "annotations", ann);
            json_object_set_new(body, "metadata", meta);
            meta = ann = NULL;
            if (live_request(d, "PATCH", path, body, "application/merge-patch+json", on_annotated,
                             p, &e) == HPA_OK)
                p = NULL;
        }
        json_decref(meta);
        json_decref(ann);
        json_decref(body);
        free(path);
        if (p)
            pctx_free(p);
    }
}

static void on_cm_read(const kube_response *r, void *arg)
{
    dmn *d = arg;

    if (r->err.code == HPA_OK && json_is_object(json_object_get(r->body, "data"))) {
        json_decref(d->cm_data);
        d->cm_data = json_deep_copy(json_object_get(r->body, "data"));
        d->cm_exists = true;
    } else if (r->status == 404) {
        d->cm_exists = false;
    } else if (r->err.code == HPA_OK) {
        d->cm_exists = true;
    } else {
        dlog(DLOG_WARN, NULL, "cannot read the state ConfigMap %s/%s: %s; starting without it",
             d->lease_ns, DSTATE_CONFIGMAP, r->err.msg);
    }
    if (!d->cm_data)
        d->cm_data = json_object();
    if (d->cm_loaded)
        d->cm_loaded(d);
}

void live_load_configmap(dmn *d, void (*done)(dmn *d))
{
    hpa_strbuf path = HPA_STRBUF_INIT;
    hpa_err e;

    d->cm_loaded = done;
    hpa_strbuf_printf(&path, "/api/v1/namespaces/%s/configmaps/%s", d->lease_ns, DSTATE_CONFIGMAP);
    if (live_request(d, "GET", path.s, NULL, NULL, on_cm_read, d, &e) != HPA_OK) {
        dlog(DLOG_WARN, NULL, "cannot read the state ConfigMap: %s", e.msg);
        if (!d->cm_data)
            d->cm_data = json_object();
        done(d);
    }
    hpa_strbuf_free(&path);
}

void live_dump_decision(dmn *d, dhpa *h, const ctl_result *res)
{
    hpa_strbuf p = HPA_STRBUF_INIT;
    json_t *j;

    if (!d->o->snapshot_dir || !h->dump_path || !res->decided || !res->decision)
        return;
    hpa_strbuf_printf(&p, "%s.decision.json", h->dump_path);
    j = hpa_codec_decision_to_json(res->decision, &h->ctl.state);
    if (j && !p.oom && json_dump_file(j, p.s, JSON_INDENT(1) | JSON_PRESERVE_ORDER) != 0)
        dlog(DLOG_WARN, h->key, "cannot write %s: %s", p.s, strerror(errno));
    json_decref(j);
    hpa_strbuf_free(&p);
}
