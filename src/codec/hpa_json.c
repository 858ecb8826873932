/*
 * hpa_json.c - autoscaling/v2 HorizontalPodAutoscaler JSON <-> hpa_spec,
 * and the typed field readers shared with the validator (jsonfield.h).
 *
 * Reading is lenient where the API server is (unknown fields ignored)
 * and strict where the Go decoder is (a string where an int32 belongs is
 * an error naming the field). Semantic checks live in validate.c.
 */
#include "codec/codec.h"
#include "codec/jsonfield.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- typed field readers -------------------------------------------- */

const char *hpa_jf_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER:
    case JSON_REAL: return "number";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    default: return "null";
    }
}

/* Paths longer than the buffer are cut; they only feed messages. */
static const char *path_fmt(char *buf, size_t len, const char *fmt, ...) HPA_PRINTF(3, 4);
static const char *path_fmt(char *buf, size_t len, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(buf, len, fmt, ap);
    va_end(ap);
    if (n < 0)
        buf[0] = '\0';
    return buf;
}

const char *hpa_jf_child(char *buf, size_t len, const char *base, const char *child)
{
    if (base && *base)
        return path_fmt(buf, len, "%s.%s", base, child);
    return path_fmt(buf, len, "%s", child);
}

const char *hpa_jf_index(char *buf, size_t len, const char *base, size_t i)
{
    return path_fmt(buf, len, "%s[%zu]", base ? base : "", i);
}

const char *hpa_jf_key(char *buf, size_t len, const char *base, const char *key)
{
    return path_fmt(buf, len, "%s[%s]", base ? base : "", key);
}

/* What was found, for "expected X, got ..." messages. */
static void describe(const json_t *v, char *buf, size_t len)
{
    if (json_is_string(v))
        snprintf(buf, len, "string \"%.64s\"", json_string_value(v));
    else if (json_is_integer(v))
        snprintf(buf, len, "number %" JSON_INTEGER_FORMAT, json_integer_value(v));
    else if (json_is_real(v))
        snprintf(buf, len, "number %.17g", json_real_value(v));
    else
        snprintf(buf, len, "%s", hpa_jf_kind(v));
}

static hpa_jf_status bad_type(const json_t *v, const char *path, const char *want, hpa_err *e)
{
    char got[96];

    describe(v, got, sizeof(got));
    hpa_err_set(e, HPA_ETYPE, path, "expected %s, got %s", want, got);
    return HPA_JF_BAD;
}

hpa_jf_status hpa_jf_int32(const json_t *v, const char *path, int32_t *out, hpa_err *e)
{
    double d;

    if (!v || json_is_null(v))
        return HPA_JF_ABSENT;
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);

        if (i < INT32_MIN || i > INT32_MAX) {
            hpa_err_set(e, HPA_ERANGE, path,
                        "value %" JSON_INTEGER_FORMAT " does not fit in an int32", i);
            return HPA_JF_BAD;
        }
        *out = (int32_t)i;
        return HPA_JF_OK;
    }
    /* YAML `3.0` reaches the API server as the JSON number 3. */
    if (json_is_real(v)) {
        d = json_real_value(v);
        if (d != floor(d))
            return bad_type(v, path, "an integer", e);
        if (d < (double)INT32_MIN || d > (double)INT32_MAX) {
            hpa_err_set(e, HPA_ERANGE, path, "value %.17g does not fit in an int32", d);
            return HPA_JF_BAD;
        }
        *out = (int32_t)d;
        return HPA_JF_OK;
    }
    return bad_type(v, path, "an integer", e);
}

hpa_jf_status hpa_jf_string(const json_t *v, const char *path, const char **out, hpa_err *e)
{
    if (!v || json_is_null(v))
        return HPA_JF_ABSENT;
    if (!json_is_string(v))
        return bad_type(v, path, "a string", e);
    *out = json_string_value(v);
    return HPA_JF_OK;
}

hpa_jf_status hpa_jf_object(const json_t *v, const char *path, hpa_err *e)
{
    if (!v || json_is_null(v))
        return HPA_JF_ABSENT;
    return json_is_object(v) ? HPA_JF_OK : bad_type(v, path, "an object", e);
}

hpa_jf_status hpa_jf_array(const json_t *v, const char *path, hpa_err *e)
{
    if (!v || json_is_null(v))
        return HPA_JF_ABSENT;
    return json_is_array(v) ? HPA_JF_OK : bad_type(v, path, "an array", e);
}

/* Shortest text that reads back as the same double (Go's 'g' -1). */
static void real_text(double d, char *buf, size_t len)
{
    int prec;

    for (prec = 1; prec <= 17; prec++) {
        snprintf(buf, len, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            return;
    }
}

hpa_jf_status hpa_jf_quantity(const json_t *v, const char *path, hpa_quantity *q, hpa_err *e)
{
    char text[64];
    const char *s;
    hpa_err qe;

    if (!v || json_is_null(v))
        return HPA_JF_ABSENT;
    if (json_is_string(v)) {
        s = json_string_value(v);
    } else if (json_is_integer(v)) {
        snprintf(text, sizeof(text), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        s = text;
    } else if (json_is_real(v)) {
        real_text(json_real_value(v), text, sizeof(text));
        s = text;
    } else {
        return bad_type(v, path, "a quantity (string or number)", e);
    }
    hpa_err_clear(&qe);
    if (hpa_quantity_parse(s, q, &qe) != HPA_OK) {
        hpa_err_set(e, qe.code ? qe.code : HPA_EINVAL, path, "%s",
                    qe.msg[0] ? qe.msg : "not a valid quantity");
        return HPA_JF_BAD;
    }
    return HPA_JF_OK;
}

hpa_jf_status hpa_jf_time(const json_t *v, const char *path, hpa_time_t *t, hpa_err *e)
{
    hpa_err te;

    if (!v || json_is_null(v))
        return HPA_JF_ABSENT;
    if (!json_is_string(v))
        return bad_type(v, path, "an RFC 3339 time string", e);
    hpa_err_clear(&te);
    if (hpa_time_parse(json_string_value(v), t, &te) != HPA_OK) {
        hpa_err_set(e, te.code ? te.code : HPA_EINVAL, path, "%s",
                    te.msg[0] ? te.msg : "not an RFC 3339 time");
        return HPA_JF_BAD;
    }
    return HPA_JF_OK;
}

static hpa_jf_status jf_oom(const char *path, hpa_err *e)
{
    hpa_err_set(e, HPA_ENOMEM, path, "out of memory");
    return HPA_JF_BAD;
}

static hpa_jf_status selector_exprs(const json_t *arr, const char *path, hpa_arena *a,
                                    hpa_label_selector *ls, hpa_err *e)
{
    hpa_label_selector_expr *ex;
    char p[HPA_ERR_PATH_MAX], q[HPA_ERR_PATH_MAX], r[HPA_ERR_PATH_MAX];
    size_t i, j;
    json_t *it, *val;

    ex = hpa_arena_calloc(a, json_array_size(arr) ? json_array_size(arr) : 1, sizeof(*ex));
    if (!ex)
        return jf_oom(path, e);
    json_array_foreach(arr, i, it) {
        const char *key = NULL, *op = NULL;
        const json_t *vals;
        const char **vv;

        hpa_jf_index(p, sizeof(p), path, i);
        if (!json_is_object(it))
            return bad_type(it, p, "an object", e);
        if (hpa_jf_string(json_object_get(it, "key"), hpa_jf_child(q, sizeof(q), p, "key"),
                          &key, e) == HPA_JF_BAD ||
            hpa_jf_string(json_object_get(it, "operator"),
                          hpa_jf_child(q, sizeof(q), p, "operator"), &op, e) == HPA_JF_BAD)
            return HPA_JF_BAD;
        vals = json_object_get(it, "values");
        hpa_jf_child(q, sizeof(q), p, "values");
        if (hpa_jf_array(vals, q, e) == HPA_JF_BAD)
            return HPA_JF_BAD;
        ex[i].key = hpa_arena_strdup(a, key ? key : "");
        ex[i].op = hpa_arena_strdup(a, op ? op : "");
        if (!ex[i].key || !ex[i].op)
            return jf_oom(path, e);
        if (!json_is_array(vals))
            continue;
        vv = hpa_arena_calloc(a, json_array_size(vals) + 1, sizeof(*vv));
        if (!vv)
            return jf_oom(path, e);
        json_array_foreach(vals, j, val) {
            const char *s = NULL;

            if (!json_is_string(val))
                return bad_type(val, hpa_jf_index(r, sizeof(r), q, j), "a string", e);
            s = json_string_value(val);
            if (!(vv[j] = hpa_arena_strdup(a, s)))
                return jf_oom(path, e);
        }
        ex[i].n_values = json_array_size(vals);
        ex[i].values = vv;
    }
    ls->n_exprs = json_array_size(arr);
    ls->exprs = ex;
    return HPA_JF_OK;
}

hpa_jf_status hpa_jf_selector(const json_t *v, const char *path, hpa_arena *a,
                              const hpa_label_selector **out, hpa_err *e)
{
    hpa_label_selector *ls;
    char p[HPA_ERR_PATH_MAX], q[HPA_ERR_PATH_MAX];
    const json_t *ml, *me, *val;
    const char *k;
    hpa_jf_status st;

    *out = NULL;
    if ((st = hpa_jf_object(v, path, e)) != HPA_JF_OK)
        return st;
    if (!(ls = hpa_arena_calloc(a, 1, sizeof(*ls))))
        return jf_oom(path, e);
    ml = json_object_get(v, "matchLabels");
    hpa_jf_child(p, sizeof(p), path, "matchLabels");
    if (hpa_jf_object(ml, p, e) == HPA_JF_BAD)
        return HPA_JF_BAD;
    if (json_is_object(ml) && json_object_size(ml)) {
        hpa_label *labels = hpa_arena_calloc(a, json_object_size(ml), sizeof(*labels));
        size_t n = 0;

        if (!labels)
            return jf_oom(path, e);
        json_object_foreach((json_t *)ml, k, val) {
            hpa_jf_key(q, sizeof(q), p, k);
            if (!json_is_string(val))
                return bad_type(val, q, "a string", e);
            labels[n].key = hpa_arena_strdup(a, k);
            labels[n].value = hpa_arena_strdup(a, json_string_value(val));
            if (!labels[n].key || !labels[n].value)
                return jf_oom(path, e);
            n++;
        }
        ls->match_labels.n = n;
        ls->match_labels.items = labels;
    }
    me = json_object_get(v, "matchExpressions");
    hpa_jf_child(p, sizeof(p), path, "matchExpressions");
    if ((st = hpa_jf_array(me, p, e)) == HPA_JF_BAD)
        return HPA_JF_BAD;
    if (st == HPA_JF_OK && selector_exprs(me, p, a, ls, e) != HPA_JF_OK)
        return HPA_JF_BAD;
    *out = ls;
    return HPA_JF_OK;
}

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
    hpa_err qe;

    hpa_jf_child(p, sizeof(p), base, key);
    st = hpa_jf_quantity(json_object_get(obj, key), p, q, r->e);
    *has = st == HPA_JF_OK;
    if (st != HPA_JF_OK || !milli)
        return rd_status(st, r);
    hpa_err_clear(&qe);
    if (hpa_quantity_milli(q, milli, &qe) != HPA_OK)
        return hpa_err_set(r->e, qe.code ? qe.code : HPA_ERANGE, p, "%s",
                           qe.msg[0] ? qe.msg : "quantity out of range");
    return HPA_OK;
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
            bad_type(it, p, "an object", r->e);
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
            bad_type(it, p, "an object", r->e);
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
            bad_type(it, p, "an object", r->e);
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
        bad_type(obj, "", "an object", e);
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
