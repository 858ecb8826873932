/*
 * hpa_json.c - autoscaling/v2 HorizontalPodAutoscaler JSON <-> hpa_spec.
 * The typed field readers are in jsonfield.c, shared with the validator.
 *
 * Reading is lenient where the API server is (unknown fields ignored)
 * and strict where the Go decoder is (a string where an int32 belongs is
 * an error naming the field). Semantic checks live in validate.c.
 */
#include "codec/codec.h"
#include "codec/jsonfield.h"

#include <string.h>

/* ---- reading an HPA ----------------------------------------------------- */

typedef struct reader {
    hpa_arena *a;
    hpa_err *e;
} reader;

static hpa_errcode rd_status(hpa_jf_status st, const reader *r)
{
    if (st != HPA_JF_BAD)
        return HPA_OK;
    return r->e && r->e->code ? r->e->code : HPA_EINVAL;
}

static hpa_errcode rd_oom(const reader *r, const char *path)
{
    return hpa_err_set(r->e, HPA_ENOMEM, path, "out of memory");
}

/* obj[key] as a string copied into the arena; absent leaves *out. */
static hpa_errcode rd_str(const reader *r, const json_t *obj, const char *key, const char *base,
                          const char **out)
{
    char p[HPA_ERR_PATH_MAX];
    const char *s = NULL;
    hpa_jf_status st;

    hpa_jf_child(p, sizeof(p), base, key);
    st = hpa_jf_string(json_object_get(obj, key), p, &s, r->e);
    if (st != HPA_JF_OK)
        return rd_status(st, r);
    if (!(*out = hpa_arena_strdup(r->a, s)))
        return rd_oom(r, p);
    return HPA_OK;
}

static hpa_errcode rd_int(const reader *r, const json_t *obj, const char *key, const char *base,
                          bool *has, int32_t *out)
{
    char p[HPA_ERR_PATH_MAX];
    hpa_jf_status st;

    hpa_jf_child(p, sizeof(p), base, key);
    st = hpa_jf_int32(json_object_get(obj, key), p, out, r->e);
    if (has)
        *has = st == HPA_JF_OK;
    return rd_status(st, r);
}

static hpa_errcode rd_qty(const reader *r, const json_t *obj, const char *key, const char *base,
                          bool *has, hpa_quantity *q, int64_t *milli)
{
    char p[HPA_ERR_PATH_MAX];
    hpa_jf_status st;

    hpa_jf_child(p, sizeof(p), base, key);
    st = hpa_jf_quantity(json_object_get(obj, key), p, q, r->e);
    *has = st == HPA_JF_OK;
    if (st == HPA_JF_OK && milli)
        st = hpa_jf_milli(q, p, milli, r->e);
    return rd_status(st, r);
}

/* obj[key] that must be an object when present; *out NULL when absent. */
static hpa_errcode rd_obj(const reader *r, const json_t *obj, const char *key, const char *base,
                          const json_t **out)
{
    char p[HPA_ERR_PATH_MAX];
    const json_t *v = json_object_get(obj, key);
    hpa_jf_status st = hpa_jf_object(v, hpa_jf_child(p, sizeof(p), base, key), r->e);

    *out = st == HPA_JF_OK ? v : NULL;
    return rd_status(st, r);
}

static hpa_errcode rd_arr(const reader *r, const json_t *obj, const char *key, const char *base,
                          const json_t **out)
{
    char p[HPA_ERR_PATH_MAX];
    const json_t *v = json_object_get(obj, key);
    hpa_jf_status st = hpa_jf_array(v, hpa_jf_child(p, sizeof(p), base, key), r->e);

    *out = st == HPA_JF_OK ? v : NULL;
    return rd_status(st, r);
}

static hpa_errcode rd_ref(const reader *r, const json_t *obj, const char *key, const char *base,
                          hpa_object_ref *ref)
{
    char p[HPA_ERR_PATH_MAX];
    const json_t *o;
    hpa_errcode rc;

    hpa_jf_child(p, sizeof(p), base, key);
    if ((rc = rd_obj(r, obj, key, base, &o)) || !o)
        return rc;
    if ((rc = rd_str(r, o, "apiVersion", p, &ref->api_version)) ||
        (rc = rd_str(r, o, "kind", p, &ref->kind)) || (rc = rd_str(r, o, "name", p, &ref->name)))
        return rc;
    return HPA_OK;
}

static hpa_target_type target_type_of(const char *s)
{
    if (!s)
        return HPA_TARGET_UNKNOWN;
    if (!strcmp(s, "Utilization"))
        return HPA_TARGET_UTILIZATION;
    if (!strcmp(s, "Value"))
        return HPA_TARGET_VALUE;
    if (!strcmp(s, "AverageValue"))
        return HPA_TARGET_AVERAGE_VALUE;
    return HPA_TARGET_UNKNOWN;
}

static hpa_errcode rd_target(const reader *r, const json_t *src, const char *base,
                             hpa_metric_target *t)
{
    char p[HPA_ERR_PATH_MAX];
    const json_t *o;
    hpa_errcode rc;

    hpa_jf_child(p, sizeof(p), base, "target");
    if ((rc = rd_obj(r, src, "target", base, &o)) || !o)
        return rc;
    if ((rc = rd_str(r, o, "type", p, &t->type_name)))
        return rc;
    t->type = target_type_of(t->type_name);
    if ((rc = rd_qty(r, o, "value", p, &t->has_value, &t->value, &t->value_milli)) ||
        (rc = rd_qty(r, o, "averageValue", p, &t->has_average_value, &t->average_value,
                     &t->average_value_milli)) ||
        (rc = rd_int(r, o, "averageUtilization", p, &t->has_average_utilization,
                     &t->average_utilization)))
        return rc;
    return HPA_OK;
}

/* MetricIdentifier: name and selector. */
static hpa_errcode rd_ident(const reader *r, const json_t *src, const char *base,
                            hpa_metric_spec *m)
{
    char p[HPA_ERR_PATH_MAX], q[HPA_ERR_PATH_MAX];
    const json_t *o;
    hpa_errcode rc;

    hpa_jf_child(p, sizeof(p), base, "metric");
    if ((rc = rd_obj(r, src, "metric", base, &o)) || !o)
        return rc;
    if ((rc = rd_str(r, o, "name", p, &m->metric_name)))
        return rc;
    return rd_status(hpa_jf_selector(json_object_get(o, "selector"),
                                     hpa_jf_child(q, sizeof(q), p, "selector"), r->a,
                                     &m->metric_selector, r->e), r);
}

static const struct {
    const char *name, *block;
    hpa_metric_type type;
} metric_types[] = {
    {"Resource", "resource", HPA_METRIC_RESOURCE},
    {"ContainerResource", "containerResource", HPA_METRIC_CONTAINER_RESOURCE},
    {"Pods", "pods", HPA_METRIC_PODS},
    {"Object", "object", HPA_METRIC_OBJECT},
    {"External", "external", HPA_METRIC_EXTERNAL},
};

/* UPSTREAM: an unknown metric source type is not a decoding error; the
 * controller reports it as InvalidMetricSourceType. */
static hpa_errcode rd_metric(const reader *r, const json_t *mo, const char *base,
                             hpa_metric_spec *m)
{
    char p[HPA_ERR_PATH_MAX];
    const json_t *src;
    hpa_errcode rc;
    size_t i;

    if ((rc = rd_str(r, mo, "type", base, &m->type_name)))
        return rc;
    m->type = HPA_METRIC_UNKNOWN;
    for (i = 0; i < sizeof(metric_types) / sizeof(metric_types[0]); i++)
        if (m->type_name && !strcmp(m->type_name, metric_types[i].name))
            break;
    if (i == sizeof(metric_types) / sizeof(metric_types[0]))
        return HPA_OK;
    m->type = metric_types[i].type;
    hpa_jf_child(p, sizeof(p), base, metric_types[i].block);
    if ((rc = rd_obj(r, mo, metric_types[i].block, base, &src)) || !src)
        return rc;
    switch (m->type) {
    case HPA_METRIC_CONTAINER_RESOURCE:
        if ((rc = rd_str(r, src, "container", p, &m->container)))
            return rc;
        /* fall through */
    case HPA_METRIC_RESOURCE:
        if ((rc = rd_str(r, src, "name", p, &m->resource)))
            return rc;
        break;
    case HPA_METRIC_OBJECT:
        if ((rc = rd_ref(r, src, "describedObject", p, &m->described)))
            return rc;
        /* fall through */
    default:
        if ((rc = rd_ident(r, src, p, m)))
            return rc;
        break;
    }
    return rd_target(r, src, p, &m->target);
}

static hpa_errcode rd_metrics(const reader *r, const json_t *spec, hpa_spec *out)
{
    char p[HPA_ERR_PATH_MAX];
    const json_t *arr, *it;
    hpa_metric_spec *ms;
    hpa_errcode rc;
    size_t i;

    if ((rc = rd_arr(r, spec, "metrics", "spec", &arr)) || !arr || !json_array_size(arr))
        return rc;
    if (!(ms = hpa_arena_calloc(r->a, json_array_size(arr), sizeof(*ms))))
        return rd_oom(r, "spec.metrics");
    json_array_foreach(arr, i, it) {
        hpa_jf_index(p, sizeof(p), "spec.metrics", i);
        if (!json_is_object(it)) {
            hpa_jf_bad_type(it, p, "an object", r->e);
            return HPA_ETYPE;
        }
        if ((rc = rd_metric(r, it, p, &ms[i])))
            return rc;
    }
    out->n_metrics = json_array_size(arr);
    out->metrics = ms;
    return HPA_OK;
}

static hpa_errcode rd_policies(const reader *r, const json_t *rules, const char *base,
                               hpa_scaling_rules *sr, bool *given)
{
    char p[HPA_ERR_PATH_MAX], q[HPA_ERR_PATH_MAX];
    const json_t *arr, *it;
    hpa_scaling_policy *ps;
    hpa_errcode rc;
    size_t i;

    hpa_jf_child(q, sizeof(q), base, "policies");
    if ((rc = rd_arr(r, rules, "policies", base, &arr)) || !arr)
        return rc;
    /* UPSTREAM: an explicit empty list replaces the default policies. */
    *given = true;
    ps = hpa_arena_calloc(r->a, json_array_size(arr) ? json_array_size(arr) : 1, sizeof(*ps));
    if (!ps)
        return rd_oom(r, q);
    json_array_foreach(arr, i, it) {
        const char *type = NULL;

        hpa_jf_index(p, sizeof(p), q, i);
        if (!json_is_object(it)) {
            hpa_jf_bad_type(it, p, "an object", r->e);
            return HPA_ETYPE;
        }
        if ((rc = rd_str(r, it, "type", p, &type)) ||
            (rc = rd_int(r, it, "value", p, NULL, &ps[i].value)) ||
            (rc = rd_int(r, it, "periodSeconds", p, NULL, &ps[i].period_seconds)))
            return rc;
        if (type && !strcmp(type, "Pods")) {
            ps[i].type = HPA_POLICY_PODS;
        } else if (type && !strcmp(type, "Percent")) {
            ps[i].type = HPA_POLICY_PERCENT;
        } else {
            char tp[HPA_ERR_PATH_MAX];

            hpa_jf_child(tp, sizeof(tp), p, "type");
            if (!type)
                return hpa_err_set(r->e, HPA_EMISSING, tp, "Required value: supported values: "
                                   "\"Percent\", \"Pods\"");
            return hpa_err_set(r->e, HPA_EINVAL, tp, "Unsupported value: \"%s\": supported "
                               "values: \"Percent\", \"Pods\"", type);
        }
    }
    sr->n_policies = json_array_size(arr);
    sr->policies = ps;
    return HPA_OK;
}

static hpa_errcode rd_rules(const reader *r, const json_t *beh, const char *key,
                            hpa_scaling_rules *sr, bool *present, bool *window, bool *select,
                            bool *policies)
{
    char p[HPA_ERR_PATH_MAX], q[HPA_ERR_PATH_MAX];
    const json_t *o;
    const char *sel = NULL;
    hpa_errcode rc;
    hpa_jf_status st;

    hpa_jf_child(p, sizeof(p), "spec.behavior", key);
    if ((rc = rd_obj(r, beh, key, "spec.behavior", &o)) || !o)
        return rc;
    *present = true;
    if ((rc = rd_int(r, o, "stabilizationWindowSeconds", p, window, &sr->window_seconds)))
        return rc;
    sr->has_window = *window;
    hpa_jf_child(q, sizeof(q), p, "selectPolicy");
    st = hpa_jf_string(json_object_get(o, "selectPolicy"), q, &sel, r->e);
    if ((rc = rd_status(st, r)))
        return rc;
    if (st == HPA_JF_OK) {
        *select = true;
        if (!strcmp(sel, "Max"))
            sr->select = HPA_SELECT_MAX;
        else if (!strcmp(sel, "Min"))
            sr->select = HPA_SELECT_MIN;
        else if (!strcmp(sel, "Disabled"))
            sr->select = HPA_SELECT_DISABLED;
        else
            return hpa_err_set(r->e, HPA_EINVAL, q,
                               "Unsupported value: \"%s\": supported values: \"Disabled\", "
                               "\"Max\", \"Min\"", sel);
    }
    if ((rc = rd_policies(r, o, p, sr, policies)))
        return rc;
    return rd_qty(r, o, "tolerance", p, &sr->has_tolerance, &sr->tolerance, NULL);
}

static hpa_errcode rd_conditions(const reader *r, const json_t *status, hpa_spec *out)
{
    char p[HPA_ERR_PATH_MAX], q[HPA_ERR_PATH_MAX];
    const json_t *arr, *it;
    hpa_condition *cs;
    hpa_errcode rc;
    size_t i;

    if ((rc = rd_arr(r, status, "conditions", "status", &arr)) || !arr ||
        !json_array_size(arr))
        return rc;
    if (!(cs = hpa_arena_calloc(r->a, json_array_size(arr), sizeof(*cs))))
        return rd_oom(r, "status.conditions");
    json_array_foreach(arr, i, it) {
        hpa_jf_status st;

        hpa_jf_index(p, sizeof(p), "status.conditions", i);
        if (!json_is_object(it)) {
            hpa_jf_bad_type(it, p, "an object", r->e);
            return HPA_ETYPE;
        }
        if ((rc = rd_str(r, it, "type", p, &cs[i].type)) ||
            (rc = rd_str(r, it, "status", p, &cs[i].status)) ||
            (rc = rd_str(r, it, "reason", p, &cs[i].reason)) ||
            (rc = rd_str(r, it, "message", p, &cs[i].message)))
            return rc;
        st = hpa_jf_time(json_object_get(it, "lastTransitionTime"),
                         hpa_jf_child(q, sizeof(q), p, "lastTransitionTime"),
                         &cs[i].last_transition, r->e);
        if ((rc = rd_status(st, r)))
            return rc;
        cs[i].has_transition = st == HPA_JF_OK;
    }
    out->n_conditions = json_array_size(arr);
    out->conditions = cs;
    return HPA_OK;
}

hpa_errcode hpa_codec_hpa_from_json(const json_t *obj, hpa_arena *a, hpa_spec *out, hpa_err *e)
{
    reader r = {a, e};
    hpa_spec_defaults_input given;
    const json_t *meta, *spec, *beh, *status;
    hpa_errcode rc;
    bool has_max = false;
    hpa_jf_status st;

    memset(out, 0, sizeof(*out));
    memset(&given, 0, sizeof(given));
    hpa_err_clear(e);
    if (!json_is_object(obj)) {
        hpa_jf_bad_type(obj, "", "an object", e);
        return HPA_ETYPE;
    }
    if ((rc = rd_obj(&r, obj, "metadata", "", &meta)))
        return rc;
    if (meta && ((rc = rd_str(&r, meta, "name", "metadata", &out->name)) ||
                 (rc = rd_str(&r, meta, "namespace", "metadata", &out->namespace_))))
        return rc;
    if (!out->namespace_ || !*out->namespace_)
        out->namespace_ = "default";
    if ((rc = rd_obj(&r, obj, "spec", "", &spec)))
        return rc;
    if (!spec)
        return hpa_err_set(e, HPA_EMISSING, "spec.maxReplicas", "required field missing");
    if ((rc = rd_ref(&r, spec, "scaleTargetRef", "spec", &out->target)) ||
        (rc = rd_int(&r, spec, "minReplicas", "spec", &out->has_min_replicas,
                     &out->min_replicas)) ||
        (rc = rd_int(&r, spec, "maxReplicas", "spec", &has_max, &out->max_replicas)))
        return rc;
    if (!has_max)
        return hpa_err_set(e, HPA_EMISSING, "spec.maxReplicas", "required field missing");
    if ((rc = rd_metrics(&r, spec, out)))
        return rc;
    if ((rc = rd_obj(&r, spec, "behavior", "spec", &beh)))
        return rc;
    if (beh) {
        out->has_behavior = true;
        if ((rc = rd_rules(&r, beh, "scaleUp", &out->scale_up, &given.up_present,
                           &given.up_window, &given.up_select, &given.up_policies)) ||
            (rc = rd_rules(&r, beh, "scaleDown", &out->scale_down, &given.down_present,
                           &given.down_window, &given.down_select, &given.down_policies)))
            return rc;
    }
    if ((rc = rd_obj(&r, obj, "status", "", &status)))
        return rc;
    if (status) {
        if ((rc = rd_conditions(&r, status, out)))
            return rc;
        st = hpa_jf_time(json_object_get(status, "lastScaleTime"), "status.lastScaleTime",
                         &out->last_scale_time, e);
        if ((rc = rd_status(st, &r)))
            return rc;
        out->has_last_scale_time = st == HPA_JF_OK;
    }
    if ((rc = hpa_spec_apply_defaults(out, &given, a)) != HPA_OK) {
        if (e && !e->code)
            hpa_err_set(e, rc, "spec", "applying defaults failed");
        return rc;
    }
    return HPA_OK;
}

/* ---- writing an HPA ----------------------------------------------------- */

static int set_new(json_t *o, const char *k, json_t *v)
{
    return v ? json_object_set_new(o, k, v) : -1;
}

static int set_str(json_t *o, const char *k, const char *s)
{
    return s ? set_new(o, k, json_string(s)) : 0;
}

static int set_qty(json_t *o, const char *k, const hpa_quantity *q)
{
    char buf[HPA_QUANTITY_STR_MAX];

    return set_new(o, k, json_string(hpa_quantity_format(q, buf, sizeof(buf))));
}

static json_t *ref_to_json(const hpa_object_ref *ref)
{
    json_t *o = json_object();

    if (!o || set_str(o, "apiVersion", ref->api_version) || set_str(o, "kind", ref->kind) ||
        set_str(o, "name", ref->name)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *target_to_json(const hpa_metric_target *t)
{
    json_t *o = json_object();
    const char *type = t->type_name ? t->type_name
                       : t->type != HPA_TARGET_UNKNOWN ? hpa_target_type_name(t->type) : NULL;

    if (!o || set_str(o, "type", type) ||
        (t->has_value && set_qty(o, "value", &t->value)) ||
        (t->has_average_value && set_qty(o, "averageValue", &t->average_value)) ||
        (t->has_average_utilization &&
         set_new(o, "averageUtilization", json_integer(t->average_utilization)))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *selector_to_json(const hpa_label_selector *ls)
{
    json_t *o = json_object(), *ml = NULL, *me = NULL;
    size_t i, j;

    if (!o)
        return NULL;
    if (ls->match_labels.n) {
        if (set_new(o, "matchLabels", ml = json_object()))
            goto fail;
        for (i = 0; i < ls->match_labels.n; i++)
            if (set_str(ml, ls->match_labels.items[i].key, ls->match_labels.items[i].value))
                goto fail;
    }
    if (ls->n_exprs) {
        if (set_new(o, "matchExpressions", me = json_array()))
            goto fail;
        for (i = 0; i < ls->n_exprs; i++) {
            const hpa_label_selector_expr *x = &ls->exprs[i];
            json_t *xo = json_object(), *vals = NULL;

            if (json_array_append_new(me, xo) || set_str(xo, "key", x->key) ||
                set_str(xo, "operator", x->op))
                goto fail;
            if (x->values) {
                if (set_new(xo, "values", vals = json_array()))
                    goto fail;
                for (j = 0; j < x->n_values; j++)
                    if (json_array_append_new(vals, json_string(x->values[j])))
                        goto fail;
            }
        }
    }
    return o;
fail:
    json_decref(o);
    return NULL;
}

static json_t *ident_to_json(const hpa_metric_spec *m)
{
    json_t *o = json_object();

    if (!o || set_str(o, "name", m->metric_name) ||
        (m->metric_selector && set_new(o, "selector", selector_to_json(m->metric_selector)))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *metric_to_json(const hpa_metric_spec *m)
{
    json_t *o = json_object(), *src = NULL;
    const char *block = NULL;
    size_t i;

    if (!o || set_str(o, "type", m->type_name ? m->type_name : hpa_metric_type_name(m->type)))
        goto fail;
    for (i = 0; i < sizeof(metric_types) / sizeof(metric_types[0]); i++)
        if (metric_types[i].type == m->type)
            block = metric_types[i].block;
    if (!block)
        return o;
    if (set_new(o, block, src = json_object()))
        goto fail;
    switch (m->type) {
    case HPA_METRIC_CONTAINER_RESOURCE:
        if (set_str(src, "container", m->container))
            goto fail;
        /* fall through */
    case HPA_METRIC_RESOURCE:
        if (set_str(src, "name", m->resource))
            goto fail;
        break;
    case HPA_METRIC_OBJECT:
        if (set_new(src, "describedObject", ref_to_json(&m->described)))
            goto fail;
        /* fall through */
    default:
        if (set_new(src, "metric", ident_to_json(m)))
            goto fail;
        break;
    }
    if (set_new(src, "target", target_to_json(&m->target)))
        goto fail;
    return o;
fail:
    json_decref(o);
    return NULL;
}

static json_t *rules_to_json(const hpa_scaling_rules *sr)
{
    json_t *o = json_object(), *ps = NULL;
    size_t i;

    if (!o || (sr->has_window &&
               set_new(o, "stabilizationWindowSeconds", json_integer(sr->window_seconds))) ||
        set_str(o, "selectPolicy", hpa_select_policy_name(sr->select)) ||
        set_new(o, "policies", ps = json_array()) ||
        (sr->has_tolerance && set_qty(o, "tolerance", &sr->tolerance)))
        goto fail;
    for (i = 0; i < sr->n_policies; i++) {
        json_t *p = json_object();

        if (json_array_append_new(ps, p) ||
            set_str(p, "type", hpa_policy_type_name(sr->policies[i].type)) ||
            set_new(p, "value", json_integer(sr->policies[i].value)) ||
            set_new(p, "periodSeconds", json_integer(sr->policies[i].period_seconds)))
            goto fail;
    }
    return o;
fail:
    json_decref(o);
    return NULL;
}

static json_t *status_to_json(const hpa_spec *s)
{
    char buf[HPA_TIME_STR_MAX];
    json_t *o = json_object(), *cs = NULL;
    size_t i;

    if (!o || (s->has_last_scale_time &&
               set_str(o, "lastScaleTime", hpa_time_format(s->last_scale_time, buf, sizeof(buf)))))
        goto fail;
    if (s->n_conditions && set_new(o, "conditions", cs = json_array()))
        goto fail;
    for (i = 0; i < s->n_conditions; i++) {
        const hpa_condition *c = &s->conditions[i];
        json_t *co = json_object();

        if (json_array_append_new(cs, co) || set_str(co, "type", c->type) ||
            set_str(co, "status", c->status) ||
            (c->has_transition &&
             set_str(co, "lastTransitionTime", hpa_time_format(c->last_transition, buf,
                                                                sizeof(buf)))) ||
            set_str(co, "reason", c->reason) || set_str(co, "message", c->message))
            goto fail;
    }
    return o;
fail:
    json_decref(o);
    return NULL;
}

json_t *hpa_codec_hpa_to_json(const hpa_spec *spec)
{
    json_t *o = json_object(), *meta = NULL, *sp = NULL, *ms = NULL, *beh = NULL;
    size_t i;

    if (!o || set_str(o, "apiVersion", "autoscaling/v2") ||
        set_str(o, "kind", "HorizontalPodAutoscaler") || set_new(o, "metadata", meta = json_object()) ||
        set_str(meta, "name", spec->name) || set_str(meta, "namespace", spec->namespace_) ||
        set_new(o, "spec", sp = json_object()) ||
        set_new(sp, "scaleTargetRef", ref_to_json(&spec->target)) ||
        (spec->has_min_replicas && set_new(sp, "minReplicas", json_integer(spec->min_replicas))) ||
        set_new(sp, "maxReplicas", json_integer(spec->max_replicas)))
        goto fail;
    if (spec->n_metrics && set_new(sp, "metrics", ms = json_array()))
        goto fail;
    for (i = 0; i < spec->n_metrics; i++)
        if (json_array_append_new(ms, metric_to_json(&spec->metrics[i])))
            goto fail;
    if (spec->has_behavior &&
        (set_new(sp, "behavior", beh = json_object()) ||
         set_new(beh, "scaleUp", rules_to_json(&spec->scale_up)) ||
         set_new(beh, "scaleDown", rules_to_json(&spec->scale_down))))
        goto fail;
    if ((spec->n_conditions || spec->has_last_scale_time) &&
        set_new(o, "status", status_to_json(spec)))
        goto fail;
    return o;
fail:
    json_decref(o);
    return NULL;
}
