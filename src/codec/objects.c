/*
 * objects.c - pods, PodMetrics, Scale and the custom/external metrics APIs'
 * answers, from the JSON the API server returns (see codec.h).
 *
 * Every reader is strict about types (a number where a string belongs is an
 * error naming the field) and lenient about presence (unknown fields are
 * ignored, absent optional fields take Go's zero value). Error paths are
 * relative to the object read; callers prefix them ("pods.items[2]").
 */
#include "codec/codec.h"
#include "codec/jsonfield.h"

#include <string.h>

/* UPSTREAM: an absent (or null) metav1.Time is Go's zero time.Time,
 * 0001-01-01T00:00:00Z, not the Unix epoch; the CPU readiness rules compare
 * it with start times and metric timestamps. */
#define GO_ZERO_TIME_MS (-62135596800000LL)

/* ---- resource lists, labels, selectors ---------------------------------- */

/* {"cpu": "250m", "memory": "256Mi"} -> milli-units. */
static hpa_errcode resource_list(const json_t *obj, const char *key,
                                 hpa_arena *a, hpa_resource_list *out,
                                 bool *present, hpa_err *e)
{
    const json_t *m, *v;
    const char *name;
    hpa_resource *items;
    size_t i = 0;

    memset(out, 0, sizeof(*out));
    if (present)
        *present = false;
    if (hpa_jf_sub_object(obj, key, &m, e) != HPA_OK)
        return e->code;
    if (!m)
        return HPA_OK;
    if (present)
        *present = true;
    if (json_object_size(m) == 0)
        return HPA_OK;
    items = hpa_arena_calloc(a, json_object_size(m), sizeof(*items));
    if (!items)
        return hpa_jf_oom(e);
    json_object_foreach((json_t *)m, name, v) {
        items[i].name = hpa_arena_strdup(a, name);
        if (!items[i].name)
            return hpa_jf_oom(e);
        if (hpa_jf_milli_value(v, name, &items[i].milli, e) != HPA_OK)
            return hpa_jf_in(e, key);
        i++;
    }
    out->n = i;
    out->items = items;
    return HPA_OK;
}

/* {"app": "web"} -> labels, in the order given. */
static hpa_errcode string_map(const json_t *obj, const char *key, hpa_arena *a,
                              hpa_labels *out, hpa_err *e)
{
    const json_t *m, *v;
    const char *k;
    hpa_label *items;
    size_t i = 0;

    memset(out, 0, sizeof(*out));
    if (hpa_jf_sub_object(obj, key, &m, e) != HPA_OK)
        return e->code;
    if (!m || json_object_size(m) == 0)
        return HPA_OK;
    items = hpa_arena_calloc(a, json_object_size(m), sizeof(*items));
    if (!items)
        return hpa_jf_oom(e);
    json_object_foreach((json_t *)m, k, v) {
        if (!json_is_string(v)) {
            hpa_jf_type_error(e, k, "a string", v);
            return hpa_jf_in(e, key);
        }
        items[i].key = hpa_arena_strdup(a, k);
        items[i].value = hpa_arena_strndup(a, json_string_value(v),
                                           json_string_length(v));
        if (!items[i].key || !items[i].value)
            return hpa_jf_oom(e);
        i++;
    }
    out->n = i;
    out->items = items;
    return HPA_OK;
}

static hpa_errcode selector_expr(const json_t *o, hpa_arena *a, void *item,
                                 hpa_err *e)
{
    hpa_label_selector_expr *x = item;
    const json_t *vals, *v;
    const char **values;
    size_t i;

    if (!json_is_object(o))
        return hpa_jf_type_error(e, NULL, "an object", o);
    if (hpa_codec_field_string(o, "key", a, &x->key, NULL, e) != HPA_OK ||
        hpa_codec_field_string(o, "operator", a, &x->op, NULL, e) != HPA_OK ||
        hpa_jf_sub_array(o, "values", &vals, e) != HPA_OK)
        return e->code;
    if (!vals || json_array_size(vals) == 0)
        return HPA_OK;
    values = hpa_arena_calloc(a, json_array_size(vals), sizeof(*values));
    if (!values)
        return hpa_jf_oom(e);
    json_array_foreach(vals, i, v) {
        if (!json_is_string(v)) {
            hpa_jf_type_error(e, NULL, "a string", v);
            return hpa_jf_in_item(e, "values", i);
        }
        values[i] = hpa_arena_strndup(a, json_string_value(v), json_string_length(v));
        if (!values[i])
            return hpa_jf_oom(e);
    }
    x->n_values = json_array_size(vals);
    x->values = values;
    return HPA_OK;
}

hpa_errcode hpa_codec_label_selector_from_json(const json_t *obj, hpa_arena *a,
                                               const hpa_label_selector **out,
                                               hpa_err *e)
{
    hpa_label_selector *ls;
    const json_t *arr;
    void *exprs;
    hpa_err scratch;

    if (!e)
        e = &scratch;
    *out = NULL;
    if (!obj || json_is_null(obj))
        return HPA_OK;
    if (!json_is_object(obj))
        return hpa_jf_type_error(e, NULL, "a label selector object", obj);
    ls = hpa_arena_alloc(a, sizeof(*ls));
    if (!ls)
        return hpa_jf_oom(e);
    if (string_map(obj, "matchLabels", a, &ls->match_labels, e) != HPA_OK ||
        hpa_jf_sub_array(obj, "matchExpressions", &arr, e) != HPA_OK)
        return e->code;
    if (hpa_jf_items(arr, NULL, "matchExpressions", a, sizeof(*ls->exprs), selector_expr,
                     &exprs, &ls->n_exprs, e) != HPA_OK)
        return e->code;
    ls->exprs = exprs;
    *out = ls;
    return HPA_OK;
}

json_t *hpa_codec_label_selector_to_json(const hpa_label_selector *ls)
{
    json_t *o, *m = NULL, *arr = NULL, *x, *vals;
    size_t i, j;

    if (!ls)
        return NULL;
    o = json_object();
    if (!o)
        return NULL;
    if (ls->match_labels.n > 0) {
        m = json_object();
        if (!m || json_object_set_new(o, "matchLabels", m))
            goto fail;
        for (i = 0; i < ls->match_labels.n; i++)
            if (json_object_set_new(m, ls->match_labels.items[i].key,
                                    json_string(ls->match_labels.items[i].value)))
                goto fail;
    }
    if (ls->n_exprs > 0) {
        arr = json_array();
        if (!arr || json_object_set_new(o, "matchExpressions", arr))
            goto fail;
        for (i = 0; i < ls->n_exprs; i++) {
            x = json_object();
            if (!x || json_array_append_new(arr, x))
                goto fail;
            if (json_object_set_new(x, "key", json_string(ls->exprs[i].key ? ls->exprs[i].key : "")) ||
                json_object_set_new(x, "operator", json_string(ls->exprs[i].op ? ls->exprs[i].op : "")))
                goto fail;
            if (ls->exprs[i].n_values == 0)
                continue;
            vals = json_array();
            if (!vals || json_object_set_new(x, "values", vals))
                goto fail;
            for (j = 0; j < ls->exprs[i].n_values; j++)
                if (json_array_append_new(vals, json_string(ls->exprs[i].values[j])))
                    goto fail;
        }
    }
    return o;
fail:
    json_decref(o);
    return NULL;
}

/* ---- pods ---------------------------------------------------------------- */

static hpa_errcode owner_ref(const json_t *o, hpa_arena *a, void *item,
                             hpa_err *e)
{
    hpa_owner_ref *r = item;
    const json_t *c;
    bool have;

    if (!json_is_object(o))
        return hpa_jf_type_error(e, NULL, "an object", o);
    if (hpa_codec_field_string(o, "apiVersion", a, &r->api_version, &have, e) != HPA_OK ||
        hpa_codec_field_string(o, "kind", a, &r->kind, &have, e) != HPA_OK ||
        hpa_codec_field_string(o, "name", a, &r->name, &have, e) != HPA_OK ||
        hpa_codec_field_string(o, "uid", a, &r->uid, &have, e) != HPA_OK)
        return e->code;
    c = hpa_jf_get(o, "controller");
    if (c && !json_is_boolean(c))
        return hpa_jf_type_error(e, "controller", "true or false", c);
    r->controller = json_is_true(c);
    return HPA_OK;
}

static hpa_errcode metadata(const json_t *obj, hpa_arena *a, hpa_pod *p,
                            hpa_err *e)
{
    const json_t *md, *owners, *del;
    void *refs;
    hpa_time_t t;
    bool have;

    p->name = "";
    if (hpa_jf_sub_object(obj, "metadata", &md, e) != HPA_OK)
        return e->code;
    if (!md)
        return HPA_OK;
    if (hpa_codec_field_string(md, "name", a, &p->name, &have, e) != HPA_OK ||
        hpa_codec_field_string(md, "namespace", a, &p->namespace_, &have, e) != HPA_OK ||
        hpa_codec_field_string(md, "uid", a, &p->uid, &have, e) != HPA_OK ||
        string_map(md, "labels", a, &p->labels, e) != HPA_OK)
        return hpa_jf_in(e, "metadata");
    /* only a pod that states its labels is matched against the selector */
    p->has_labels = json_is_object(json_object_get(md, "labels"));
    if (!p->name)
        p->name = "";
    del = hpa_jf_get(md, "deletionTimestamp");
    if (del) {
        if (hpa_jf_time_value(del, "deletionTimestamp", &t, e) != HPA_OK)
            return hpa_jf_in(e, "metadata");
        p->deleting = true;
    }
    if (hpa_jf_sub_array(md, "ownerReferences", &owners, e) != HPA_OK)
        return hpa_jf_in(e, "metadata");
    if (hpa_jf_items(owners, "metadata", "ownerReferences", a, sizeof(*p->owners),
                     owner_ref, &refs, &p->n_owners, e) != HPA_OK)
        return e->code;
    p->owners = refs;
    return HPA_OK;
}

static hpa_pod_phase phase_of(const char *s)
{
    if (!strcmp(s, "Pending"))
        return HPA_POD_PENDING;
    if (!strcmp(s, "Running"))
        return HPA_POD_RUNNING;
    if (!strcmp(s, "Succeeded"))
        return HPA_POD_SUCCEEDED;
    if (!strcmp(s, "Failed"))
        return HPA_POD_FAILED;
    return HPA_POD_PHASE_UNKNOWN;
}

/* UPSTREAM: podutil.GetPodCondition(status, PodReady) - the first entry
 * of type Ready; any status other than "True"/"False" is not False. */
static hpa_errcode ready_condition(const json_t *conds, hpa_pod *p, hpa_err *e)
{
    const json_t *c, *type;
    const char *status;
    bool have;
    size_t i;

    json_array_foreach(conds, i, c) {
        if (!json_is_object(c)) {
            hpa_jf_type_error(e, NULL, "an object", c);
            return hpa_jf_in_item(e, "conditions", i);
        }
        type = hpa_jf_get(c, "type");
        if (type && !json_is_string(type)) {
            hpa_jf_type_error(e, "type", "a string", type);
            return hpa_jf_in_item(e, "conditions", i);
        }
        if (!type || strcmp(json_string_value(type), "Ready") != 0)
            continue;
        if (hpa_jf_get(c, "status") && !json_is_string(hpa_jf_get(c, "status"))) {
            hpa_jf_type_error(e, "status", "a string", hpa_jf_get(c, "status"));
            return hpa_jf_in_item(e, "conditions", i);
        }
        status = hpa_jf_get(c, "status") ? json_string_value(hpa_jf_get(c, "status")) : "";
        if (!strcmp(status, "True"))
            p->ready = HPA_COND_TRUE;
        else if (!strcmp(status, "False"))
            p->ready = HPA_COND_FALSE;
        else
            p->ready = HPA_COND_UNKNOWN;
        if (hpa_codec_field_time(c, "lastTransitionTime", &p->ready_transition,
                                 &have, e) != HPA_OK)
            return hpa_jf_in_item(e, "conditions", i);
        if (!have)
            p->ready_transition = GO_ZERO_TIME_MS;
        break;
    }
    return HPA_OK;
}

static hpa_errcode pod_status(const json_t *obj, hpa_arena *a, hpa_pod *p,
                              hpa_err *e)
{
    const json_t *st, *conds;
    const char *phase;
    bool have;

    if (hpa_jf_sub_object(obj, "status", &st, e) != HPA_OK)
        return e->code;
    if (!st)
        return HPA_OK;
    if (hpa_codec_field_string(st, "phase", a, &phase, &have, e) != HPA_OK)
        return hpa_jf_in(e, "status");
    p->phase = have ? phase_of(phase) : HPA_POD_PHASE_UNKNOWN;
    if (hpa_codec_field_time(st, "startTime", &p->start_time,
                             &p->has_start_time, e) != HPA_OK ||
        hpa_jf_sub_array(st, "conditions", &conds, e) != HPA_OK)
        return hpa_jf_in(e, "status");
    if (conds && ready_condition(conds, p, e) != HPA_OK)
        return hpa_jf_in(e, "status");
    return HPA_OK;
}

static hpa_errcode container(const json_t *o, hpa_arena *a, void *item, hpa_err *e)
{
    hpa_container *c = item;
    const json_t *res;
    const char *policy;
    bool have;

    if (!json_is_object(o))
        return hpa_jf_type_error(e, NULL, "an object", o);
    if (hpa_codec_field_string(o, "name", a, &c->name, &have, e) != HPA_OK)
        return e->code;
    if (!have)
        c->name = "";
    if (hpa_jf_sub_object(o, "resources", &res, e) != HPA_OK)
        return e->code;
    if (res && (resource_list(res, "requests", a, &c->requests, NULL, e) != HPA_OK ||
                resource_list(res, "limits", a, &c->limits, NULL, e) != HPA_OK))
        return hpa_jf_in(e, "resources");
    if (hpa_codec_field_string(o, "restartPolicy", a, &policy, &have, e) != HPA_OK)
        return e->code;
    c->restart_always = have && !strcmp(policy, "Always");
    return HPA_OK;
}

static hpa_errcode container_list(const json_t *spec, const char *key,
                                  hpa_arena *a, size_t *n,
                                  const hpa_container **out, hpa_err *e)
{
    const json_t *arr;
    void *cs;

    *n = 0;
    *out = NULL;
    if (hpa_jf_sub_array(spec, key, &arr, e) != HPA_OK ||
        hpa_jf_items(arr, NULL, key, a, sizeof(**out), container, &cs, n, e) != HPA_OK)
        return e->code;
    *out = cs;
    return HPA_OK;
}

static hpa_errcode pod_spec(const json_t *obj, hpa_arena *a, hpa_pod *p,
                            hpa_err *e)
{
    const json_t *spec, *res;

    if (hpa_jf_sub_object(obj, "spec", &spec, e) != HPA_OK)
        return e->code;
    if (!spec)
        return HPA_OK;
    if (container_list(spec, "containers", a, &p->n_containers,
                       &p->containers, e) != HPA_OK ||
        container_list(spec, "initContainers", a, &p->n_init_containers,
                       &p->init_containers, e) != HPA_OK ||
        hpa_jf_sub_object(spec, "resources", &res, e) != HPA_OK)
        return hpa_jf_in(e, "spec");
    if (res && resource_list(res, "requests", a, &p->pod_requests,
                             &p->has_pod_requests, e) != HPA_OK) {
        hpa_jf_in(e, "resources");
        return hpa_jf_in(e, "spec");
    }
    return HPA_OK;
}

hpa_errcode hpa_codec_pod_from_json(const json_t *obj, hpa_arena *a,
                                    hpa_pod *out, hpa_err *e)
{
    hpa_err scratch;

    if (!e)
        e = &scratch;
    memset(out, 0, sizeof(*out));
    if (!json_is_object(obj))
        return hpa_jf_type_error(e, NULL, "a Pod object", obj);
    if (metadata(obj, a, out, e) != HPA_OK || pod_status(obj, a, out, e) != HPA_OK ||
        pod_spec(obj, a, out, e) != HPA_OK)
        return e->code;
    return HPA_OK;
}

/* ---- PodMetrics ------------------------------------------------------------ */

static hpa_errcode container_metrics(const json_t *v, hpa_arena *a, void *item,
                                     hpa_err *e)
{
    hpa_container_metrics *c = item;
    bool have;

    if (!json_is_object(v))
        return hpa_jf_type_error(e, NULL, "an object", v);
    if (hpa_codec_field_string(v, "name", a, &c->name, &have, e) != HPA_OK ||
        resource_list(v, "usage", a, &c->usage, NULL, e) != HPA_OK)
        return e->code;
    if (!have)
        c->name = "";
    return HPA_OK;
}

hpa_errcode hpa_codec_pod_metrics_from_json(const json_t *obj, hpa_arena *a,
                                            hpa_pod_metrics *out, hpa_err *e)
{
    const json_t *md, *arr;
    void *cs;
    bool have;
    hpa_err scratch;

    if (!e)
        e = &scratch;
    memset(out, 0, sizeof(*out));
    out->name = "";
    if (!json_is_object(obj))
        return hpa_jf_type_error(e, NULL, "a PodMetrics object", obj);
    if (hpa_jf_sub_object(obj, "metadata", &md, e) != HPA_OK)
        return e->code;
    if (md && hpa_codec_field_string(md, "name", a, &out->name, &have, e) != HPA_OK)
        return hpa_jf_in(e, "metadata");
    if (!out->name)
        out->name = "";
    /* UPSTREAM: the metrics client copies Timestamp and Window as the API
     * sent them; an absent window is Go's zero Duration. */
    out->timestamp = GO_ZERO_TIME_MS;
    if (hpa_codec_field_time(obj, "timestamp", &out->timestamp, &have, e) != HPA_OK ||
        hpa_codec_field_duration(obj, "window", &out->window, &have, e) != HPA_OK ||
        hpa_jf_sub_array(obj, "containers", &arr, e) != HPA_OK ||
        hpa_jf_items(arr, NULL, "containers", a, sizeof(*out->containers),
                     container_metrics, &cs, &out->n_containers, e) != HPA_OK)
        return e->code;
    out->containers = cs;
    return HPA_OK;
}

/* ---- Scale ------------------------------------------------------------------ */

hpa_errcode hpa_codec_scale_from_json(const json_t *obj, hpa_arena *a,
                                      hpa_scale *out, hpa_err *e)
{
    const json_t *spec, *st, *md;
    bool have;
    hpa_err scratch;

    if (!e)
        e = &scratch;
    memset(out, 0, sizeof(*out));
    if (!json_is_object(obj))
        return hpa_jf_type_error(e, NULL, "a Scale object", obj);
    if (hpa_jf_sub_object(obj, "spec", &spec, e) != HPA_OK)
        return e->code;
    if (!spec)
        return hpa_err_set(e, HPA_EMISSING, "spec.replicas", "required field missing");
    if (hpa_codec_field_int32(spec, "replicas", &out->spec_replicas, NULL, e) != HPA_OK)
        return hpa_jf_in(e, "spec");
    /* Go's zero value when absent: status.replicas 0, selector "". */
    if (hpa_jf_sub_object(obj, "status", &st, e) != HPA_OK)
        return e->code;
    if (st && (hpa_codec_field_int32(st, "replicas", &out->status_replicas, &have, e) != HPA_OK ||
               hpa_codec_field_string(st, "selector", a, &out->selector, &have, e) != HPA_OK))
        return hpa_jf_in(e, "status");
    if (hpa_jf_sub_object(obj, "metadata", &md, e) != HPA_OK)
        return e->code;
    if (md && hpa_codec_field_string(md, "resourceVersion", a,
                                     &out->resource_version, &have, e) != HPA_OK)
        return hpa_jf_in(e, "metadata");
    return HPA_OK;
}

/* ---- custom and external metrics ------------------------------------------- */

/* A MetricValueList or an ExternalMetricValueList: {"items": [...]},
 * each item read by `fn`; `metric` is copied to *name first. */
static hpa_errcode metric_list(const json_t *obj, const char *metric, hpa_arena *a,
                               size_t size, hpa_jf_item_fn fn, const char **name,
                               void **items, size_t *n, hpa_err *e)
{
    const json_t *arr;

    *name = hpa_arena_strdup(a, metric ? metric : "");
    if (!*name)
        return hpa_jf_oom(e);
    if (!json_is_object(obj))
        return hpa_jf_type_error(e, NULL, "an object with \"items\"", obj);
    if (hpa_jf_sub_array(obj, "items", &arr, e) != HPA_OK)
        return e->code;
    return hpa_jf_items(arr, NULL, "items", a, size, fn, items, n, e);
}

static hpa_errcode pod_metric_value(const json_t *o, hpa_arena *a, void *item,
                                    hpa_err *e)
{
    hpa_pod_metric_value *v = item;
    const json_t *desc;
    int32_t secs = 0;
    bool have;

    if (!json_is_object(o))
        return hpa_jf_type_error(e, NULL, "an object", o);
    if (hpa_jf_sub_object(o, "describedObject", &desc, e) != HPA_OK)
        return e->code;
    if (!desc)
        return hpa_err_set(e, HPA_EMISSING, "describedObject.name", "required field missing");
    if (hpa_codec_field_string(desc, "name", a, &v->pod, NULL, e) != HPA_OK)
        return hpa_jf_in(e, "describedObject");
    if (hpa_codec_field_milli(o, "value", &v->milli, NULL, e) != HPA_OK ||
        hpa_codec_field_time(o, "timestamp", &v->timestamp, &have, e) != HPA_OK ||
        hpa_codec_field_int32(o, "windowSeconds", &secs, &v->has_window, e) != HPA_OK)
        return e->code;
    /* UPSTREAM: custom metrics client - window = windowSeconds, or one
     * minute when the adapter does not say. */
    v->window = v->has_window ? (hpa_duration_t)secs * HPA_MS_PER_S : 60 * HPA_MS_PER_S;
    return HPA_OK;
}

hpa_errcode hpa_codec_pod_metric_list_from_json(const json_t *obj,
                                                const char *metric,
                                                hpa_arena *a,
                                                hpa_pod_metric_list *out,
                                                hpa_err *e)
{
    void *items;
    hpa_err scratch;

    if (!e)
        e = &scratch;
    memset(out, 0, sizeof(*out));
    if (metric_list(obj, metric, a, sizeof(*out->items), pod_metric_value, &out->metric,
                    &items, &out->n, e) != HPA_OK)
        return e->code;
    out->items = items;
    return HPA_OK;
}

static hpa_errcode object_ref(const json_t *o, hpa_arena *a, hpa_object_ref *r,
                              hpa_err *e)
{
    bool have;

    if (hpa_codec_field_string(o, "kind", a, &r->kind, &have, e) != HPA_OK ||
        hpa_codec_field_string(o, "name", a, &r->name, &have, e) != HPA_OK ||
        hpa_codec_field_string(o, "apiVersion", a, &r->api_version, &have, e) != HPA_OK)
        return e->code;
    return HPA_OK;
}

hpa_errcode hpa_codec_object_metric_from_json(const json_t *obj, hpa_arena *a,
                                              hpa_object_metric_value *out,
                                              hpa_err *e)
{
    const json_t *m, *desc;
    bool have;
    hpa_err scratch;

    if (!e)
        e = &scratch;
    memset(out, 0, sizeof(*out));
    if (!json_is_object(obj))
        return hpa_jf_type_error(e, NULL, "an object", obj);
    if (hpa_jf_sub_object(obj, "metric", &m, e) != HPA_OK)
        return e->code;
    if (!m)
        return hpa_err_set(e, HPA_EMISSING, "metric.name", "required field missing");
    if (hpa_codec_field_string(m, "name", a, &out->metric, NULL, e) != HPA_OK)
        return hpa_jf_in(e, "metric");
    if (hpa_codec_label_selector_from_json(hpa_jf_get(m, "selector"), a,
                                           &out->selector, e) != HPA_OK) {
        hpa_jf_in(e, "selector");
        return hpa_jf_in(e, "metric");
    }
    if (hpa_jf_sub_object(obj, "describedObject", &desc, e) != HPA_OK)
        return e->code;
    if (desc && object_ref(desc, a, &out->described, e) != HPA_OK)
        return hpa_jf_in(e, "describedObject");
    if (hpa_codec_field_milli(obj, "value", &out->milli, NULL, e) != HPA_OK ||
        hpa_codec_field_time(obj, "timestamp", &out->timestamp, &have, e) != HPA_OK)
        return e->code;
    return HPA_OK;
}

static hpa_errcode external_value(const json_t *v, hpa_arena *a, void *item,
                                  hpa_err *e)
{
    hpa_external_metric_value *x = item;
    const json_t *labels;
    bool have;

    (void)a;
    if (!json_is_object(v))
        return hpa_jf_type_error(e, NULL, "an object", v);
    if (hpa_codec_field_milli(v, "value", &x->milli, NULL, e) != HPA_OK ||
        hpa_codec_field_time(v, "timestamp", &x->timestamp, &have, e) != HPA_OK ||
        hpa_jf_sub_object(v, "metricLabels", &labels, e) != HPA_OK)
        return e->code;
    return HPA_OK;
}

hpa_errcode hpa_codec_external_metric_list_from_json(const json_t *obj,
                                                     const char *metric,
                                                     hpa_arena *a,
                                                     hpa_external_metric_list *out,
                                                     hpa_err *e)
{
    void *items;
    hpa_err scratch;

    if (!e)
        e = &scratch;
    memset(out, 0, sizeof(*out));
    if (metric_list(obj, metric, a, sizeof(*out->items), external_value, &out->metric,
                    &items, &out->n, e) != HPA_OK)
        return e->code;
    out->items = items;
    return HPA_OK;
}
