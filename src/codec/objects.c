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

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- describing what was found ---------------------------------------- */

/* A short rendering of a JSON value for "expected X, got Y" messages. */
static void describe(const json_t *v, char *buf, size_t len)
{
    char *s;

    if (!v) {
        snprintf(buf, len, "nothing");
        return;
    }
    if (json_is_object(v)) {
        snprintf(buf, len, "an object");
        return;
    }
    if (json_is_array(v)) {
        snprintf(buf, len, "an array");
        return;
    }
    s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
    if (!s) {
        snprintf(buf, len, "a %s", json_is_string(v) ? "string" : "value");
        return;
    }
    if (strlen(s) > 60)
        snprintf(buf, len, "%.57s...", s);
    else
        snprintf(buf, len, "%s", s);
    free(s);
}

static hpa_errcode type_error(hpa_err *e, const char *path, const char *want,
                              const json_t *got)
{
    char what[80];

    describe(got, what, sizeof(what));
    return hpa_err_set(e, HPA_ETYPE, path, "expected %s, got %s", want, what);
}

/* Rewrite an error from a value parser (quantity, time) to name `path`,
 * keeping its code and message. */
static hpa_errcode at_path(hpa_err *e, hpa_errcode code, const char *path)
{
    char msg[HPA_ERR_MSG_MAX];

    snprintf(msg, sizeof(msg), "%s", e ? e->msg : "");
    return hpa_err_set(e, code, path, "%s", msg);
}

static hpa_errcode oom(hpa_err *e)
{
    return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
}

/* obj[key] treating JSON null as absent. */
static const json_t *field(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);

    return json_is_null(v) ? NULL : v;
}

static hpa_errcode absent(const char *key, bool *present, hpa_err *e)
{
    if (present) {
        *present = false;
        return HPA_OK;
    }
    return hpa_err_set(e, HPA_EMISSING, key, "required field missing");
}

/* ---- field readers ----------------------------------------------------- */

hpa_errcode hpa_codec_field_string(const json_t *obj, const char *key,
                                   hpa_arena *a, const char **out,
                                   bool *present, hpa_err *e)
{
    const json_t *v = field(obj, key);

    if (!v)
        return absent(key, present, e);
    if (!json_is_string(v))
        return type_error(e, key, "a string", v);
    *out = hpa_arena_strndup(a, json_string_value(v), json_string_length(v));
    if (!*out)
        return oom(e);
    if (present)
        *present = true;
    return HPA_OK;
}

hpa_errcode hpa_codec_field_int32(const json_t *obj, const char *key,
                                  int32_t *out, bool *present, hpa_err *e)
{
    const json_t *v = field(obj, key);
    json_int_t i;

    if (!v)
        return absent(key, present, e);
    if (!json_is_integer(v))
        return type_error(e, key, "an integer", v);
    i = json_integer_value(v);
    if (i < INT32_MIN || i > INT32_MAX)
        return hpa_err_set(e, HPA_ERANGE, key,
                           "%" JSON_INTEGER_FORMAT " does not fit in a 32-bit integer", i);
    *out = (int32_t)i;
    if (present)
        *present = true;
    return HPA_OK;
}

static hpa_errcode time_value(const json_t *v, const char *key,
                              hpa_time_t *out, hpa_err *e)
{
    char what[80];

    if (!json_is_string(v))
        return type_error(e, key, "an RFC 3339 time", v);
    if (hpa_time_parse(json_string_value(v), out, e) != HPA_OK) {
        describe(v, what, sizeof(what));
        return hpa_err_set(e, HPA_EINVAL, key,
                           "expected an RFC 3339 time, got %s", what);
    }
    return HPA_OK;
}

hpa_errcode hpa_codec_field_time(const json_t *obj, const char *key,
                                 hpa_time_t *out, bool *present, hpa_err *e)
{
    const json_t *v = field(obj, key);

    if (!v)
        return absent(key, present, e);
    if (time_value(v, key, out, e) != HPA_OK)
        return e ? e->code : HPA_EINVAL;
    if (present)
        *present = true;
    return HPA_OK;
}

hpa_errcode hpa_codec_field_duration(const json_t *obj, const char *key,
                                     hpa_duration_t *out, bool *present,
                                     hpa_err *e)
{
    const json_t *v = field(obj, key);
    char what[80];
    double ms;

    if (!v)
        return absent(key, present, e);
    if (json_is_number(v)) {
        ms = json_number_value(v) * 1000.0;
        if (!isfinite(ms) || ms < -9.2e18 || ms > 9.2e18)
            return hpa_err_set(e, HPA_ERANGE, key, "duration out of range");
        *out = (hpa_duration_t)llround(ms);
    } else if (json_is_string(v)) {
        if (hpa_duration_parse(json_string_value(v), out, e) != HPA_OK) {
            describe(v, what, sizeof(what));
            return hpa_err_set(e, HPA_EINVAL, key,
                               "expected a duration such as \"30s\" or \"5m\", got %s",
                               what);
        }
    } else {
        return type_error(e, key, "a duration (\"30s\") or a number of seconds", v);
    }
    if (present)
        *present = true;
    return HPA_OK;
}

/* A JSON number written back as text, as Quantity.UnmarshalJSON reads
 * unquoted numbers: the shortest form that gives the same double. */
static void number_text(const json_t *v, char *buf, size_t len)
{
    int prec;
    double d;

    if (json_is_integer(v)) {
        snprintf(buf, len, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        return;
    }
    d = json_real_value(v);
    for (prec = 1; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            return;
    }
}

static hpa_errcode milli_value(const json_t *v, const char *key, int64_t *out,
                               hpa_err *e)
{
    char text[64];
    const char *s;
    hpa_quantity q;
    hpa_errcode rc;

    if (json_is_string(v)) {
        s = json_string_value(v);
    } else if (json_is_number(v)) {
        number_text(v, text, sizeof(text));
        s = text;
    } else {
        return type_error(e, key, "a quantity such as \"250m\" or \"1Gi\"", v);
    }
    rc = hpa_quantity_parse(s, &q, e);
    if (rc == HPA_OK)
        rc = hpa_quantity_milli(&q, out, e);
    if (rc != HPA_OK)
        return at_path(e, rc, key);
    return HPA_OK;
}

hpa_errcode hpa_codec_field_milli(const json_t *obj, const char *key,
                                  int64_t *out, bool *present, hpa_err *e)
{
    const json_t *v = field(obj, key);

    if (!v)
        return absent(key, present, e);
    if (milli_value(v, key, out, e) != HPA_OK)
        return e ? e->code : HPA_EINVAL;
    if (present)
        *present = true;
    return HPA_OK;
}

/* obj[key] as an object, or NULL when absent/null. */
static hpa_errcode sub_object(const json_t *obj, const char *key,
                              const json_t **out, hpa_err *e)
{
    const json_t *v = field(obj, key);

    *out = NULL;
    if (!v)
        return HPA_OK;
    if (!json_is_object(v))
        return type_error(e, key, "an object", v);
    *out = v;
    return HPA_OK;
}

static hpa_errcode sub_array(const json_t *obj, const char *key,
                             const json_t **out, hpa_err *e)
{
    const json_t *v = field(obj, key);

    *out = NULL;
    if (!v)
        return HPA_OK;
    if (!json_is_array(v))
        return type_error(e, key, "a list", v);
    *out = v;
    return HPA_OK;
}

/* Prefix the error path with "key[i]" and return its code. */
static hpa_errcode in_item(hpa_err *e, const char *key, size_t i)
{
    char idx[32];

    snprintf(idx, sizeof(idx), "[%zu]", i);
    hpa_err_prefix_path(e, idx);
    hpa_err_prefix_path(e, key);
    return e ? e->code : HPA_EINVAL;
}

static hpa_errcode in_field(hpa_err *e, const char *key)
{
    hpa_err_prefix_path(e, key);
    return e ? e->code : HPA_EINVAL;
}

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
    if (sub_object(obj, key, &m, e) != HPA_OK)
        return e->code;
    if (!m)
        return HPA_OK;
    if (present)
        *present = true;
    if (json_object_size(m) == 0)
        return HPA_OK;
    items = hpa_arena_calloc(a, json_object_size(m), sizeof(*items));
    if (!items)
        return oom(e);
    json_object_foreach((json_t *)m, name, v) {
        items[i].name = hpa_arena_strdup(a, name);
        if (!items[i].name)
            return oom(e);
        if (milli_value(v, name, &items[i].milli, e) != HPA_OK)
            return in_field(e, key);
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
    if (sub_object(obj, key, &m, e) != HPA_OK)
        return e->code;
    if (!m || json_object_size(m) == 0)
        return HPA_OK;
    items = hpa_arena_calloc(a, json_object_size(m), sizeof(*items));
    if (!items)
        return oom(e);
    json_object_foreach((json_t *)m, k, v) {
        if (!json_is_string(v)) {
            type_error(e, k, "a string", v);
            return in_field(e, key);
        }
        items[i].key = hpa_arena_strdup(a, k);
        items[i].value = hpa_arena_strndup(a, json_string_value(v),
                                           json_string_length(v));
        if (!items[i].key || !items[i].value)
            return oom(e);
        i++;
    }
    out->n = i;
    out->items = items;
    return HPA_OK;
}

static hpa_errcode selector_expr(const json_t *o, hpa_arena *a,
                                 hpa_label_selector_expr *x, hpa_err *e)
{
    const json_t *vals, *v;
    const char **values;
    size_t i;

    if (!json_is_object(o))
        return type_error(e, NULL, "an object", o);
    if (hpa_codec_field_string(o, "key", a, &x->key, NULL, e) != HPA_OK ||
        hpa_codec_field_string(o, "operator", a, &x->op, NULL, e) != HPA_OK ||
        sub_array(o, "values", &vals, e) != HPA_OK)
        return e->code;
    if (!vals || json_array_size(vals) == 0)
        return HPA_OK;
    values = hpa_arena_calloc(a, json_array_size(vals), sizeof(*values));
    if (!values)
        return oom(e);
    json_array_foreach(vals, i, v) {
        if (!json_is_string(v)) {
            type_error(e, NULL, "a string", v);
            return in_item(e, "values", i);
        }
        values[i] = hpa_arena_strndup(a, json_string_value(v), json_string_length(v));
        if (!values[i])
            return oom(e);
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
    hpa_label_selector_expr *exprs;
    const json_t *arr, *v;
    size_t i;
    hpa_err scratch;

    if (!e)
        e = &scratch;
    *out = NULL;
    if (!obj || json_is_null(obj))
        return HPA_OK;
    if (!json_is_object(obj))
        return type_error(e, NULL, "a label selector object", obj);
    ls = hpa_arena_alloc(a, sizeof(*ls));
    if (!ls)
        return oom(e);
    if (string_map(obj, "matchLabels", a, &ls->match_labels, e) != HPA_OK ||
        sub_array(obj, "matchExpressions", &arr, e) != HPA_OK)
        return e->code;
    if (arr && json_array_size(arr) > 0) {
        exprs = hpa_arena_calloc(a, json_array_size(arr), sizeof(*exprs));
        if (!exprs)
            return oom(e);
        json_array_foreach(arr, i, v) {
            if (selector_expr(v, a, &exprs[i], e) != HPA_OK)
                return in_item(e, "matchExpressions", i);
        }
        ls->n_exprs = json_array_size(arr);
        ls->exprs = exprs;
    }
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

static hpa_errcode owner_ref(const json_t *o, hpa_arena *a, hpa_owner_ref *r,
                             hpa_err *e)
{
    const json_t *c;
    bool have;

    if (!json_is_object(o))
        return type_error(e, NULL, "an object", o);
    if (hpa_codec_field_string(o, "apiVersion", a, &r->api_version, &have, e) != HPA_OK ||
        hpa_codec_field_string(o, "kind", a, &r->kind, &have, e) != HPA_OK ||
        hpa_codec_field_string(o, "name", a, &r->name, &have, e) != HPA_OK ||
        hpa_codec_field_string(o, "uid", a, &r->uid, &have, e) != HPA_OK)
        return e->code;
    c = field(o, "controller");
    if (c && !json_is_boolean(c))
        return type_error(e, "controller", "true or false", c);
    r->controller = json_is_true(c);
    return HPA_OK;
}

static hpa_errcode metadata(const json_t *obj, hpa_arena *a, hpa_pod *p,
                            hpa_err *e)
{
    const json_t *md, *owners, *v, *del;
    hpa_owner_ref *refs;
    hpa_time_t t;
    bool have;
    size_t i;

    p->name = "";
    if (sub_object(obj, "metadata", &md, e) != HPA_OK)
        return e->code;
    if (!md)
        return HPA_OK;
    if (hpa_codec_field_string(md, "name", a, &p->name, &have, e) != HPA_OK ||
        hpa_codec_field_string(md, "namespace", a, &p->namespace_, &have, e) != HPA_OK ||
        hpa_codec_field_string(md, "uid", a, &p->uid, &have, e) != HPA_OK ||
        string_map(md, "labels", a, &p->labels, e) != HPA_OK)
        return in_field(e, "metadata");
    /* only a pod that states its labels is matched against the selector */
    p->has_labels = json_is_object(json_object_get(md, "labels"));
    if (!p->name)
        p->name = "";
    del = field(md, "deletionTimestamp");
    if (del) {
        if (time_value(del, "deletionTimestamp", &t, e) != HPA_OK)
            return in_field(e, "metadata");
        p->deleting = true;
    }
    if (sub_array(md, "ownerReferences", &owners, e) != HPA_OK)
        return in_field(e, "metadata");
    if (owners && json_array_size(owners) > 0) {
        refs = hpa_arena_calloc(a, json_array_size(owners), sizeof(*refs));
        if (!refs)
            return oom(e);
        json_array_foreach(owners, i, v) {
            if (owner_ref(v, a, &refs[i], e) != HPA_OK) {
                in_item(e, "ownerReferences", i);
                return in_field(e, "metadata");
            }
        }
        p->n_owners = json_array_size(owners);
        p->owners = refs;
    }
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
            type_error(e, NULL, "an object", c);
            return in_item(e, "conditions", i);
        }
        type = field(c, "type");
        if (type && !json_is_string(type)) {
            type_error(e, "type", "a string", type);
            return in_item(e, "conditions", i);
        }
        if (!type || strcmp(json_string_value(type), "Ready") != 0)
            continue;
        if (field(c, "status") && !json_is_string(field(c, "status"))) {
            type_error(e, "status", "a string", field(c, "status"));
            return in_item(e, "conditions", i);
        }
        status = field(c, "status") ? json_string_value(field(c, "status")) : "";
        if (!strcmp(status, "True"))
            p->ready = HPA_COND_TRUE;
        else if (!strcmp(status, "False"))
            p->ready = HPA_COND_FALSE;
        else
            p->ready = HPA_COND_UNKNOWN;
        if (hpa_codec_field_time(c, "lastTransitionTime", &p->ready_transition,
                                 &have, e) != HPA_OK)
            return in_item(e, "conditions", i);
        if (!have)
            p->ready_transition = 0;
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

    if (sub_object(obj, "status", &st, e) != HPA_OK)
        return e->code;
    if (!st)
        return HPA_OK;
    if (hpa_codec_field_string(st, "phase", a, &phase, &have, e) != HPA_OK)
        return in_field(e, "status");
    p->phase = have ? phase_of(phase) : HPA_POD_PHASE_UNKNOWN;
    if (hpa_codec_field_time(st, "startTime", &p->start_time,
                             &p->has_start_time, e) != HPA_OK ||
        sub_array(st, "conditions", &conds, e) != HPA_OK)
        return in_field(e, "status");
    if (conds && ready_condition(conds, p, e) != HPA_OK)
        return in_field(e, "status");
    return HPA_OK;
}

static hpa_errcode container(const json_t *o, hpa_arena *a, hpa_container *c,
                             hpa_err *e)
{
    const json_t *res;
    const char *policy;
    bool have;

    if (!json_is_object(o))
        return type_error(e, NULL, "an object", o);
    if (hpa_codec_field_string(o, "name", a, &c->name, &have, e) != HPA_OK)
        return e->code;
    if (!have)
        c->name = "";
    if (sub_object(o, "resources", &res, e) != HPA_OK)
        return e->code;
    if (res && (resource_list(res, "requests", a, &c->requests, NULL, e) != HPA_OK ||
                resource_list(res, "limits", a, &c->limits, NULL, e) != HPA_OK))
        return in_field(e, "resources");
    if (hpa_codec_field_string(o, "restartPolicy", a, &policy, &have, e) != HPA_OK)
        return e->code;
    c->restart_always = have && !strcmp(policy, "Always");
    return HPA_OK;
}

static hpa_errcode container_list(const json_t *spec, const char *key,
                                  hpa_arena *a, size_t *n,
                                  const hpa_container **out, hpa_err *e)
{
    const json_t *arr, *v;
    hpa_container *cs;
    size_t i;

    *n = 0;
    *out = NULL;
    if (sub_array(spec, key, &arr, e) != HPA_OK)
        return e->code;
    if (!arr || json_array_size(arr) == 0)
        return HPA_OK;
    cs = hpa_arena_calloc(a, json_array_size(arr), sizeof(*cs));
    if (!cs)
        return oom(e);
    json_array_foreach(arr, i, v) {
        if (container(v, a, &cs[i], e) != HPA_OK)
            return in_item(e, key, i);
    }
    *n = json_array_size(arr);
    *out = cs;
    return HPA_OK;
}

static hpa_errcode pod_spec(const json_t *obj, hpa_arena *a, hpa_pod *p,
                            hpa_err *e)
{
    const json_t *spec, *res;

    if (sub_object(obj, "spec", &spec, e) != HPA_OK)
        return e->code;
    if (!spec)
        return HPA_OK;
    if (container_list(spec, "containers", a, &p->n_containers,
                       &p->containers, e) != HPA_OK ||
        container_list(spec, "initContainers", a, &p->n_init_containers,
                       &p->init_containers, e) != HPA_OK ||
        sub_object(spec, "resources", &res, e) != HPA_OK)
        return in_field(e, "spec");
    if (res && resource_list(res, "requests", a, &p->pod_requests,
                             &p->has_pod_requests, e) != HPA_OK) {
        in_field(e, "resources");
        return in_field(e, "spec");
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
        return type_error(e, NULL, "a Pod object", obj);
    if (metadata(obj, a, out, e) != HPA_OK || pod_status(obj, a, out, e) != HPA_OK ||
        pod_spec(obj, a, out, e) != HPA_OK)
        return e->code;
    return HPA_OK;
}

/* ---- PodMetrics ------------------------------------------------------------ */

hpa_errcode hpa_codec_pod_metrics_from_json(const json_t *obj, hpa_arena *a,
                                            hpa_pod_metrics *out, hpa_err *e)
{
    const json_t *md, *arr, *v;
    hpa_container_metrics *cs;
    bool have;
    size_t i;
    hpa_err scratch;

    if (!e)
        e = &scratch;
    memset(out, 0, sizeof(*out));
    out->name = "";
    if (!json_is_object(obj))
        return type_error(e, NULL, "a PodMetrics object", obj);
    if (sub_object(obj, "metadata", &md, e) != HPA_OK)
        return e->code;
    if (md && hpa_codec_field_string(md, "name", a, &out->name, &have, e) != HPA_OK)
        return in_field(e, "metadata");
    if (!out->name)
        out->name = "";
    /* UPSTREAM: the metrics client copies Timestamp and Window as the API
     * sent them; an absent window is Go's zero Duration. */
    if (hpa_codec_field_time(obj, "timestamp", &out->timestamp, &have, e) != HPA_OK ||
        hpa_codec_field_duration(obj, "window", &out->window, &have, e) != HPA_OK ||
        sub_array(obj, "containers", &arr, e) != HPA_OK)
        return e->code;
    if (!arr || json_array_size(arr) == 0)
        return HPA_OK;
    cs = hpa_arena_calloc(a, json_array_size(arr), sizeof(*cs));
    if (!cs)
        return oom(e);
    json_array_foreach(arr, i, v) {
        if (!json_is_object(v)) {
            type_error(e, NULL, "an object", v);
            return in_item(e, "containers", i);
        }
        if (hpa_codec_field_string(v, "name", a, &cs[i].name, &have, e) != HPA_OK ||
            resource_list(v, "usage", a, &cs[i].usage, NULL, e) != HPA_OK)
            return in_item(e, "containers", i);
        if (!have)
            cs[i].name = "";
    }
    out->n_containers = json_array_size(arr);
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
        return type_error(e, NULL, "a Scale object", obj);
    if (sub_object(obj, "spec", &spec, e) != HPA_OK)
        return e->code;
    if (!spec)
        return hpa_err_set(e, HPA_EMISSING, "spec.replicas", "required field missing");
    if (hpa_codec_field_int32(spec, "replicas", &out->spec_replicas, NULL, e) != HPA_OK)
        return in_field(e, "spec");
    /* Go's zero value when absent: status.replicas 0, selector "". */
    if (sub_object(obj, "status", &st, e) != HPA_OK)
        return e->code;
    if (st && (hpa_codec_field_int32(st, "replicas", &out->status_replicas, &have, e) != HPA_OK ||
               hpa_codec_field_string(st, "selector", a, &out->selector, &have, e) != HPA_OK))
        return in_field(e, "status");
    if (sub_object(obj, "metadata", &md, e) != HPA_OK)
        return e->code;
    if (md && hpa_codec_field_string(md, "resourceVersion", a,
                                     &out->resource_version, &have, e) != HPA_OK)
        return in_field(e, "metadata");
    return HPA_OK;
}

/* ---- custom and external metrics ------------------------------------------- */

static hpa_errcode items_of(const json_t *obj, const json_t **arr, hpa_err *e)
{
    if (!json_is_object(obj))
        return type_error(e, NULL, "an object with \"items\"", obj);
    return sub_array(obj, "items", arr, e);
}

static hpa_errcode pod_metric_value(const json_t *o, hpa_arena *a,
                                    hpa_pod_metric_value *v, hpa_err *e)
{
    const json_t *desc;
    int32_t secs = 0;
    bool have;

    if (!json_is_object(o))
        return type_error(e, NULL, "an object", o);
    if (sub_object(o, "describedObject", &desc, e) != HPA_OK)
        return e->code;
    if (!desc)
        return hpa_err_set(e, HPA_EMISSING, "describedObject.name", "required field missing");
    if (hpa_codec_field_string(desc, "name", a, &v->pod, NULL, e) != HPA_OK)
        return in_field(e, "describedObject");
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
    const json_t *arr, *v;
    hpa_pod_metric_value *items;
    size_t i;
    hpa_err scratch;

    if (!e)
        e = &scratch;
    memset(out, 0, sizeof(*out));
    out->metric = hpa_arena_strdup(a, metric ? metric : "");
    if (!out->metric)
        return oom(e);
    if (items_of(obj, &arr, e) != HPA_OK)
        return e->code;
    if (!arr || json_array_size(arr) == 0)
        return HPA_OK;
    items = hpa_arena_calloc(a, json_array_size(arr), sizeof(*items));
    if (!items)
        return oom(e);
    json_array_foreach(arr, i, v) {
        if (pod_metric_value(v, a, &items[i], e) != HPA_OK)
            return in_item(e, "items", i);
    }
    out->n = json_array_size(arr);
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
        return type_error(e, NULL, "an object", obj);
    if (sub_object(obj, "metric", &m, e) != HPA_OK)
        return e->code;
    if (!m)
        return hpa_err_set(e, HPA_EMISSING, "metric.name", "required field missing");
    if (hpa_codec_field_string(m, "name", a, &out->metric, NULL, e) != HPA_OK)
        return in_field(e, "metric");
    if (hpa_codec_label_selector_from_json(field(m, "selector"), a,
                                           &out->selector, e) != HPA_OK) {
        in_field(e, "selector");
        return in_field(e, "metric");
    }
    if (sub_object(obj, "describedObject", &desc, e) != HPA_OK)
        return e->code;
    if (desc && object_ref(desc, a, &out->described, e) != HPA_OK)
        return in_field(e, "describedObject");
    if (hpa_codec_field_milli(obj, "value", &out->milli, NULL, e) != HPA_OK ||
        hpa_codec_field_time(obj, "timestamp", &out->timestamp, &have, e) != HPA_OK)
        return e->code;
    return HPA_OK;
}

hpa_errcode hpa_codec_external_metric_list_from_json(const json_t *obj,
                                                     const char *metric,
                                                     hpa_arena *a,
                                                     hpa_external_metric_list *out,
                                                     hpa_err *e)
{
    const json_t *arr, *v, *labels;
    hpa_external_metric_value *items;
    bool have;
    size_t i;
    hpa_err scratch;

    if (!e)
        e = &scratch;
    memset(out, 0, sizeof(*out));
    out->metric = hpa_arena_strdup(a, metric ? metric : "");
    if (!out->metric)
        return oom(e);
    if (items_of(obj, &arr, e) != HPA_OK)
        return e->code;
    if (!arr || json_array_size(arr) == 0)
        return HPA_OK;
    items = hpa_arena_calloc(a, json_array_size(arr), sizeof(*items));
    if (!items)
        return oom(e);
    json_array_foreach(arr, i, v) {
        if (!json_is_object(v)) {
            type_error(e, NULL, "an object", v);
            return in_item(e, "items", i);
        }
        if (hpa_codec_field_milli(v, "value", &items[i].milli, NULL, e) != HPA_OK ||
            hpa_codec_field_time(v, "timestamp", &items[i].timestamp, &have, e) != HPA_OK ||
            sub_object(v, "metricLabels", &labels, e) != HPA_OK)
            return in_item(e, "items", i);
    }
    out->n = json_array_size(arr);
    out->items = items;
    return HPA_OK;
}
