/*
 * validate.c - an autoscaling/v2 HorizontalPodAutoscaler checked as the
 * API server checks it (pkg/apis/autoscaling/validation,
 * ValidateHorizontalPodAutoscaler), after its defaults are applied.
 *
 * Every problem is reported, each with its field path and a message in
 * the API server's words ("Required value", "Invalid value: 0: must be
 * greater than or equal to 1", "Unsupported value: ..."). JSON type errors
 * are reported as the decoder would and stop only the field they concern.
 *
 * Stricter than upstream, on purpose (docs/validate.md): the target type
 * must suit the metric source (Resource: Utilization or AverageValue;
 * Pods: AverageValue; Object, External: Value or AverageValue), the field
 * the type names must be set, and metric selectors must compile.
 */
#include "codec/codec.h"
#include "codec/jsonfield.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "hpa/selector.h"

/* UPSTREAM: MaxPeriodSeconds, MaxStabilizationWindowSeconds. */
#define MAX_PERIOD_SECONDS 1800
#define MAX_WINDOW_SECONDS 3600

typedef struct vctx {
    hpa_errlist *out;
    size_t n;
} vctx;

static void add(vctx *v, hpa_errcode code, const char *path, const char *fmt, ...)
    HPA_PRINTF(4, 5);
static void add(vctx *v, hpa_errcode code, const char *path, const char *fmt, ...)
{
    char msg[HPA_ERR_MSG_MAX];
    hpa_err *e;
    va_list ap;
    size_t i;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* UPSTREAM: ErrorList.ToAggregate() drops duplicate messages. */
    for (i = v->out->n - v->n; i < v->out->n; i++)
        if (!strcmp(v->out->items[i].path, path) && !strcmp(v->out->items[i].msg, msg))
            return;
    if (!(e = hpa_errlist_add(v->out)))
        return;
    hpa_err_set(e, code, path, "%s", msg);
    v->n++;
}

static void add_err(vctx *v, const hpa_err *e)
{
    add(v, e->code ? e->code : HPA_EINVAL, e->path, "%s", e->msg);
}

/* ---- typed field access that records type errors ---------------------- */

/* Record a reader's type error (the reader's path is base.key). */
static hpa_jf_status v_note(vctx *v, hpa_jf_status st, const hpa_err *e)
{
    if (st == HPA_JF_BAD)
        add_err(v, e);
    return st;
}

static hpa_jf_status v_str(vctx *v, const json_t *o, const char *key, const char *base,
                           const char **out)
{
    char p[HPA_ERR_PATH_MAX];
    hpa_err e;

    hpa_err_clear(&e);
    *out = NULL;
    return v_note(v, hpa_jf_string(json_object_get(o, key), hpa_jf_child(p, sizeof(p), base, key),
                                   out, &e), &e);
}

static hpa_jf_status v_int(vctx *v, const json_t *o, const char *key, const char *base,
                           int32_t *out)
{
    char p[HPA_ERR_PATH_MAX];
    hpa_err e;

    hpa_err_clear(&e);
    *out = 0;
    return v_note(v, hpa_jf_int32(json_object_get(o, key), hpa_jf_child(p, sizeof(p), base, key),
                                  out, &e), &e);
}

static hpa_jf_status v_qty(vctx *v, const json_t *o, const char *key, const char *base,
                           hpa_quantity *q)
{
    char p[HPA_ERR_PATH_MAX];
    hpa_err e;

    hpa_err_clear(&e);
    return v_note(v, hpa_jf_quantity(json_object_get(o, key),
                                     hpa_jf_child(p, sizeof(p), base, key), q, &e), &e);
}

/* o[key] when it is an object; NULL when absent or of the wrong type. */
static const json_t *v_obj(vctx *v, const json_t *o, const char *key, const char *base,
                           hpa_jf_status *stp)
{
    char p[HPA_ERR_PATH_MAX];
    const json_t *c = json_object_get(o, key);
    hpa_err e;
    hpa_jf_status st;

    hpa_err_clear(&e);
    st = v_note(v, hpa_jf_object(c, hpa_jf_child(p, sizeof(p), base, key), &e), &e);
    if (stp)
        *stp = st;
    return st == HPA_JF_OK ? c : NULL;
}

static const json_t *v_arr(vctx *v, const json_t *o, const char *key, const char *base)
{
    char p[HPA_ERR_PATH_MAX];
    const json_t *c = json_object_get(o, key);
    hpa_err e;

    hpa_err_clear(&e);
    if (v_note(v, hpa_jf_array(c, hpa_jf_child(p, sizeof(p), base, key), &e), &e) != HPA_JF_OK)
        return NULL;
    return c;
}

/* ---- name syntax (apimachinery validation) ------------------------------ */

static bool label_ok(const char *s, size_t n)
{
    size_t i;

    if (!n)
        return false;
    for (i = 0; i < n; i++) {
        char c = s[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');

        if (!alnum && (c != '-' || i == 0 || i == n - 1))
            return false;
    }
    return true;
}

#define DNS1123_LABEL_MSG                                                                    \
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', " \
    "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', " \
    "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
#define DNS1123_SUBDOMAIN_MSG                                                                \
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' " \
    "or '.', and must start and end with an alphanumeric character (e.g. 'example.com', "    \
    "regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*"      \
    "[a-z0-9])?)*')"

static void check_dns_label(vctx *v, const char *path, const char *s)
{
    if (strlen(s) > 63)
        add(v, HPA_EINVAL, path, "Invalid value: \"%s\": must be no more than 63 characters", s);
    if (!label_ok(s, strlen(s)))
        add(v, HPA_EINVAL, path, "Invalid value: \"%s\": " DNS1123_LABEL_MSG, s);
}

static void check_dns_subdomain(vctx *v, const char *path, const char *s)
{
    const char *p = s;
    bool ok = true;

    if (strlen(s) > 253)
        add(v, HPA_EINVAL, path, "Invalid value: \"%s\": must be no more than 253 characters", s);
    for (;;) {
        const char *dot = strchr(p, '.');
        size_t n = dot ? (size_t)(dot - p) : strlen(p);

        if (!label_ok(p, n))
            ok = false;
        if (!dot)
            break;
        p = dot + 1;
    }
    if (!ok)
        add(v, HPA_EINVAL, path, "Invalid value: \"%s\": " DNS1123_SUBDOMAIN_MSG, s);
}

/* UPSTREAM: path.IsValidPathSegmentName. */
static void check_path_segment(vctx *v, const char *path, const char *s)
{
    if (!strcmp(s, "."))
        add(v, HPA_EINVAL, path, "Invalid value: \"%s\": may not be '.'", s);
    else if (!strcmp(s, ".."))
        add(v, HPA_EINVAL, path, "Invalid value: \"%s\": may not be '..'", s);
    if (strchr(s, '/'))
        add(v, HPA_EINVAL, path, "Invalid value: \"%s\": may not contain '/'", s);
    if (strchr(s, '%'))
        add(v, HPA_EINVAL, path, "Invalid value: \"%s\": may not contain '%%'", s);
}

/* UPSTREAM: corevalidation.ValidateContainerResourceName. */
static void check_container_resource(vctx *v, const char *path, const char *s)
{
    char why[256];

    if (!strchr(s, '/')) {
        if (strcmp(s, "cpu") && strcmp(s, "memory") && strcmp(s, "ephemeral-storage") &&
            strncmp(s, "hugepages-", 10))
            add(v, HPA_EINVAL, path,
                "Invalid value: \"%s\": must be a standard resource for containers", s);
        return;
    }
    why[0] = '\0';
    if (!hpa_is_qualified_name(s, why, sizeof(why)))
        add(v, HPA_EINVAL, path, "Invalid value: \"%s\": %s", s,
            why[0] ? why : "must be a qualified name");
}

/* ---- pieces of the spec ------------------------------------------------- */

/* UPSTREAM: ValidateCrossVersionObjectReference. */
static void v_cross_ref(vctx *v, const json_t *ref, const char *path)
{
    char p[HPA_ERR_PATH_MAX];
    const char *kind = NULL, *name = NULL, *api = NULL;
    hpa_jf_status st;

    st = v_str(v, ref, "kind", path, &kind);
    hpa_jf_child(p, sizeof(p), path, "kind");
    if (st != HPA_JF_BAD && (!kind || !*kind))
        add(v, HPA_EMISSING, p, "Required value");
    else if (kind)
        check_path_segment(v, p, kind);
    st = v_str(v, ref, "name", path, &name);
    hpa_jf_child(p, sizeof(p), path, "name");
    if (st != HPA_JF_BAD && (!name || !*name))
        add(v, HPA_EMISSING, p, "Required value");
    else if (name)
        check_path_segment(v, p, name);
    if (v_str(v, ref, "apiVersion", path, &api) == HPA_JF_OK) {
        const char *slash = strchr(api, '/');

        /* UPSTREAM: schema.ParseGroupVersion accepts "", "v1", "g/v1". */
        if (slash && strchr(slash + 1, '/'))
            add(v, HPA_EINVAL, hpa_jf_child(p, sizeof(p), path, "apiVersion"),
                "Invalid value: \"%s\": unexpected GroupVersion string: %s", api, api);
    }
}

typedef struct tgt {
    const char *type;
    bool value, avg, util;
} tgt;

/* UPSTREAM: validateMetricTarget. */
static void v_target(vctx *v, const json_t *src, const char *base, tgt *t)
{
    char p[HPA_ERR_PATH_MAX], q[HPA_ERR_PATH_MAX];
    const json_t *o;
    hpa_quantity qv;
    int32_t util;
    hpa_jf_status st;

    memset(t, 0, sizeof(*t));
    hpa_jf_child(p, sizeof(p), base, "target");
    o = v_obj(v, src, "target", base, &st);
    if (st == HPA_JF_BAD)
        return;
    st = v_str(v, o, "type", p, &t->type);
    hpa_jf_child(q, sizeof(q), p, "type");
    if (st != HPA_JF_BAD) {
        if (!t->type || !*t->type)
            add(v, HPA_EMISSING, q, "Required value: must specify a metric target type");
        if (!t->type || (strcmp(t->type, "Utilization") && strcmp(t->type, "Value") &&
                         strcmp(t->type, "AverageValue")))
            add(v, HPA_EINVAL, q,
                "Invalid value: \"%s\": must be either Utilization, Value, or AverageValue",
                t->type ? t->type : "");
    }
    if ((st = v_qty(v, o, "value", p, &qv)) == HPA_JF_OK && qv.mantissa <= 0)
        add(v, HPA_EINVAL, hpa_jf_child(q, sizeof(q), p, "value"),
            "Invalid value: \"%s\": must be positive",
            json_is_string(json_object_get(o, "value"))
                ? json_string_value(json_object_get(o, "value")) : "0");
    t->value = st != HPA_JF_ABSENT;
    if ((st = v_qty(v, o, "averageValue", p, &qv)) == HPA_JF_OK && qv.mantissa <= 0)
        add(v, HPA_EINVAL, hpa_jf_child(q, sizeof(q), p, "averageValue"),
            "Invalid value: \"%s\": must be positive",
            json_is_string(json_object_get(o, "averageValue"))
                ? json_string_value(json_object_get(o, "averageValue")) : "0");
    t->avg = st != HPA_JF_ABSENT;
    if ((st = v_int(v, o, "averageUtilization", p, &util)) == HPA_JF_OK && util < 1)
        add(v, HPA_EINVAL, hpa_jf_child(q, sizeof(q), p, "averageUtilization"),
            "Invalid value: %d: must be greater than 0", (int)util);
    t->util = st != HPA_JF_ABSENT;
}

/* Stricter than upstream: the target type suits the source and its field
 * is set. `allowed` lists the valid types; `what` names the source. */
static void v_target_kind(vctx *v, const char *base, const tgt *t, const char *const *allowed,
                          const char *what, bool missing_reported)
{
    char p[HPA_ERR_PATH_MAX];
    const char *field = NULL;
    bool set = false;
    size_t i;

    if (!t->type || (strcmp(t->type, "Utilization") && strcmp(t->type, "Value") &&
                     strcmp(t->type, "AverageValue")))
        return;
    for (i = 0; allowed[i]; i++)
        if (!strcmp(t->type, allowed[i]))
            break;
    if (!allowed[i]) {
        hpa_jf_child(p, sizeof(p), base, "target.type");
        add(v, HPA_EINVAL, p, "Invalid value: \"%s\": must be %s%s%s for %s", t->type,
            allowed[0], allowed[1] ? " or " : "", allowed[1] ? allowed[1] : "", what);
        return;
    }
    if (!strcmp(t->type, "Utilization"))
        field = "averageUtilization", set = t->util;
    else if (!strcmp(t->type, "Value"))
        field = "value", set = t->value;
    else
        field = "averageValue", set = t->avg;
    if (!set && !missing_reported) {
        snprintf(p, sizeof(p), "%s.target.%s", base, field);
        add(v, HPA_EMISSING, p, "Required value: must be set when the target type is %s",
            t->type);
    }
}

/* UPSTREAM: validateMetricIdentifier (plus: the selector must compile). */
static void v_ident(vctx *v, const json_t *src, const char *base)
{
    char p[HPA_ERR_PATH_MAX], q[HPA_ERR_PATH_MAX];
    const json_t *o;
    const char *name = NULL;
    const hpa_label_selector *ls = NULL;
    hpa_arena a = HPA_ARENA_INIT;
    hpa_selector sel;
    hpa_err e;
    hpa_jf_status st;

    hpa_jf_child(p, sizeof(p), base, "metric");
    o = v_obj(v, src, "metric", base, &st);
    if (st == HPA_JF_BAD)
        return;
    st = v_str(v, o, "name", p, &name);
    hpa_jf_child(q, sizeof(q), p, "name");
    if (st != HPA_JF_BAD && (!name || !*name))
        add(v, HPA_EMISSING, q, "Required value: must specify a metric name");
    else if (name)
        check_path_segment(v, q, name);
    hpa_jf_child(q, sizeof(q), p, "selector");
    hpa_err_clear(&e);
    st = hpa_jf_selector(json_object_get(o, "selector"), q, &a, &ls, &e);
    if (st == HPA_JF_BAD) {
        add_err(v, &e);
    } else if (st == HPA_JF_OK) {
        hpa_err_clear(&e);
        if (hpa_selector_from_object(ls, &a, &sel, NULL, &e) != HPA_OK) {
            hpa_err_prefix_path(&e, q);
            add_err(v, &e);
        }
    }
    hpa_arena_free(&a);
}

static const char *const resource_types[] = {"Utilization", "AverageValue", NULL};
static const char *const pods_types[] = {"AverageValue", NULL};
static const char *const value_types[] = {"Value", "AverageValue", NULL};

/* UPSTREAM: validateResourceSource, validateContainerResourceSource. */
static void v_resource(vctx *v, const json_t *src, const char *base, bool container)
{
    char p[HPA_ERR_PATH_MAX];
    const char *name = NULL, *cont = NULL;
    bool missing = false;
    tgt t;

    hpa_jf_child(p, sizeof(p), base, "name");
    if (v_str(v, src, "name", base, &name) != HPA_JF_BAD) {
        if (!name || !*name)
            add(v, HPA_EMISSING, p, "Required value: must specify a resource name");
        else
            check_container_resource(v, p, name);
    }
    if (container) {
        hpa_jf_child(p, sizeof(p), base, "container");
        if (v_str(v, src, "container", base, &cont) != HPA_JF_BAD) {
            if (!cont || !*cont)
                add(v, HPA_EMISSING, p, "Required value: must specify a container");
            else
                check_dns_label(v, p, cont);
        }
    }
    v_target(v, src, base, &t);
    if (!t.util && !t.avg) {
        hpa_jf_child(p, sizeof(p), base, "target.averageUtilization");
        add(v, HPA_EMISSING, p,
            "Required value: must set either a target raw value or a target utilization");
        missing = true;
    }
    if (t.util && t.avg) {
        hpa_jf_child(p, sizeof(p), base, "target.averageValue");
        add(v, HPA_EINVAL, p, "Forbidden: may not set both a target raw value and a target "
                              "utilization");
    }
    v_target_kind(v, base, &t, resource_types,
                  container ? "a container resource metric" : "a resource metric", missing);
}

static void v_pods(vctx *v, const json_t *src, const char *base)
{
    char p[HPA_ERR_PATH_MAX];
    bool missing = false;
    tgt t;

    v_ident(v, src, base);
    v_target(v, src, base, &t);
    if (!t.avg) {
        hpa_jf_child(p, sizeof(p), base, "target.averageValue");
        add(v, HPA_EMISSING, p, "Required value: must specify a positive target averageValue");
        missing = true;
    }
    v_target_kind(v, base, &t, pods_types, "a pods metric", missing);
}

static void v_object(vctx *v, const json_t *src, const char *base)
{
    char p[HPA_ERR_PATH_MAX];
    const json_t *d;
    hpa_jf_status st;
    bool missing = false;
    tgt t;

    hpa_jf_child(p, sizeof(p), base, "describedObject");
    d = v_obj(v, src, "describedObject", base, &st);
    if (st != HPA_JF_BAD)
        v_cross_ref(v, d, p);
    v_ident(v, src, base);
    v_target(v, src, base, &t);
    if (!t.value && !t.avg) {
        hpa_jf_child(p, sizeof(p), base, "target.averageValue");
        add(v, HPA_EMISSING, p, "Required value: must set either a target value or averageValue");
        missing = true;
    }
    v_target_kind(v, base, &t, value_types, "an object metric", missing);
}

static void v_external(vctx *v, const json_t *src, const char *base)
{
    char p[HPA_ERR_PATH_MAX];
    bool missing = false;
    tgt t;

    v_ident(v, src, base);
    v_target(v, src, base, &t);
    if (!t.value && !t.avg) {
        hpa_jf_child(p, sizeof(p), base, "target.averageValue");
        add(v, HPA_EMISSING, p, "Required value: must set either a target value for metric or "
                                "a per-pod target");
        missing = true;
    }
    if (t.value && t.avg) {
        hpa_jf_child(p, sizeof(p), base, "target.value");
        add(v, HPA_EINVAL, p, "Forbidden: may not set both a target value for metric and a "
                              "per-pod target");
    }
    v_target_kind(v, base, &t, value_types, "an external metric", missing);
}

#define METRIC_TYPES_MSG \
    "supported values: \"ContainerResource\", \"External\", \"Object\", \"Pods\", \"Resource\""

/* UPSTREAM: validateMetricSpec; blocks in its order. */
static const struct {
    const char *type, *block;
    int kind;
} blocks[] = {
    {"Object", "object", 0},     {"External", "external", 1},
    {"Pods", "pods", 2},         {"Resource", "resource", 3},
    {"ContainerResource", "containerResource", 4},
};

static void v_metric(vctx *v, const json_t *m, const char *path)
{
    char p[HPA_ERR_PATH_MAX];
    const char *type = NULL, *expected = NULL;
    size_t i, n_present = 0;
    hpa_jf_status st;
    bool expected_present = false;

    if (!json_is_object(m)) {
        hpa_err e;

        hpa_err_clear(&e);
        if (hpa_jf_object(m, path, &e) != HPA_JF_BAD)
            hpa_err_set(&e, HPA_ETYPE, path, "expected an object, got null");
        add_err(v, &e);
        return;
    }
    st = v_str(v, m, "type", path, &type);
    hpa_jf_child(p, sizeof(p), path, "type");
    if (st != HPA_JF_BAD) {
        if (!type || !*type)
            add(v, HPA_EMISSING, p, "Required value: must specify a metric source type");
        for (i = 0; i < 5; i++)
            if (type && !strcmp(type, blocks[i].type))
                expected = blocks[i].block;
        if (!expected)
            add(v, HPA_EINVAL, p, "Unsupported value: \"%s\": " METRIC_TYPES_MSG,
                type ? type : "");
    }
    for (i = 0; i < 5; i++) {
        const json_t *b = v_obj(v, m, blocks[i].block, path, &st);

        if (st == HPA_JF_ABSENT)
            continue;
        n_present++;
        if (expected && !strcmp(expected, blocks[i].block))
            expected_present = true;
        if (n_present != 1 || !b)
            continue;
        hpa_jf_child(p, sizeof(p), path, blocks[i].block);
        switch (blocks[i].kind) {
        case 0: v_object(v, b, p); break;
        case 1: v_external(v, b, p); break;
        case 2: v_pods(v, b, p); break;
        case 3: v_resource(v, b, p, false); break;
        default: v_resource(v, b, p, true); break;
        }
    }
    if (expected && !expected_present)
        add(v, HPA_EMISSING, hpa_jf_child(p, sizeof(p), path, expected),
            "Required value: must populate information for the given metric source");
    if (n_present > 1 || (n_present == 1 && !expected_present))
        add(v, HPA_EINVAL, path, "Forbidden: must populate the given metric source only");
}

/* UPSTREAM: validateScalingRules, validateScalingPolicy. */
static void v_rules(vctx *v, const json_t *beh, const char *key)
{
    char base[HPA_ERR_PATH_MAX], p[HPA_ERR_PATH_MAX], q[HPA_ERR_PATH_MAX];
    const json_t *o, *pols, *it;
    const char *sel = NULL;
    int32_t win;
    hpa_quantity tol;
    size_t i;

    hpa_jf_child(base, sizeof(base), "spec.behavior", key);
    if (!(o = v_obj(v, beh, key, "spec.behavior", NULL)))
        return;
    hpa_jf_child(p, sizeof(p), base, "stabilizationWindowSeconds");
    if (v_int(v, o, "stabilizationWindowSeconds", base, &win) == HPA_JF_OK) {
        if (win < 0)
            add(v, HPA_EINVAL, p, "Invalid value: %d: must be greater than or equal to zero",
                (int)win);
        if (win > MAX_WINDOW_SECONDS)
            add(v, HPA_EINVAL, p, "Invalid value: %d: must be less than or equal to %d",
                (int)win, MAX_WINDOW_SECONDS);
    }
    if (v_str(v, o, "selectPolicy", base, &sel) == HPA_JF_OK && strcmp(sel, "Max") &&
        strcmp(sel, "Min") && strcmp(sel, "Disabled"))
        add(v, HPA_EINVAL, hpa_jf_child(p, sizeof(p), base, "selectPolicy"),
            "Unsupported value: \"%s\": supported values: \"Disabled\", \"Max\", \"Min\"", sel);
    /* An absent list is defaulted before validation; an explicit empty one
     * replaces the defaults and is then an error unless scaling in this
     * direction is disabled. */
    hpa_jf_child(p, sizeof(p), base, "policies");
    pols = v_arr(v, o, "policies", base);
    if (pols && !json_array_size(pols) && !(sel && !strcmp(sel, "Disabled")))
        add(v, HPA_EMISSING, p, "Required value: must specify at least one Policy");
    json_array_foreach(pols, i, it) {
        const char *type = NULL;
        int32_t val, per;
        hpa_jf_status st;

        hpa_jf_index(q, sizeof(q), p, i);
        if (!json_is_object(it)) {
            hpa_err e;

            hpa_err_clear(&e);
            if (hpa_jf_object(it, q, &e) != HPA_JF_BAD)
                hpa_err_set(&e, HPA_ETYPE, q, "expected an object, got null");
            add_err(v, &e);
            continue;
        }
        if (v_str(v, it, "type", q, &type) != HPA_JF_BAD &&
            (!type || (strcmp(type, "Pods") && strcmp(type, "Percent")))) {
            char tp[HPA_ERR_PATH_MAX];

            add(v, HPA_EINVAL, hpa_jf_child(tp, sizeof(tp), q, "type"),
                "Unsupported value: \"%s\": supported values: \"Percent\", \"Pods\"",
                type ? type : "");
        }
        if ((st = v_int(v, it, "value", q, &val)) != HPA_JF_BAD && val <= 0) {
            char tp[HPA_ERR_PATH_MAX];

            add(v, HPA_EINVAL, hpa_jf_child(tp, sizeof(tp), q, "value"),
                "Invalid value: %d: must be greater than zero", (int)val);
        }
        if ((st = v_int(v, it, "periodSeconds", q, &per)) != HPA_JF_BAD) {
            char tp[HPA_ERR_PATH_MAX];

            hpa_jf_child(tp, sizeof(tp), q, "periodSeconds");
            if (per <= 0)
                add(v, HPA_EINVAL, tp, "Invalid value: %d: must be greater than zero", (int)per);
            if (per > MAX_PERIOD_SECONDS)
                add(v, HPA_EINVAL, tp, "Invalid value: %d: must be less than or equal to %d",
                    (int)per, MAX_PERIOD_SECONDS);
        }
    }
    if (v_qty(v, o, "tolerance", base, &tol) == HPA_JF_OK && tol.mantissa < 0) {
        const json_t *t = json_object_get(o, "tolerance");
        char buf[HPA_QUANTITY_STR_MAX];

        add(v, HPA_EINVAL, hpa_jf_child(p, sizeof(p), base, "tolerance"),
            "Invalid value: \"%s\": must be greater than or equal to zero",
            json_is_string(t) ? json_string_value(t) : hpa_quantity_format(&tol, buf, sizeof(buf)));
    }
}

static void v_metadata(vctx *v, const json_t *obj)
{
    const json_t *meta;
    const char *name = NULL, *gen = NULL, *ns = NULL;
    hpa_jf_status st, mst;

    meta = v_obj(v, obj, "metadata", "", &mst);
    if (mst == HPA_JF_BAD)
        return;
    st = v_str(v, meta, "name", "metadata", &name);
    (void)v_str(v, meta, "generateName", "metadata", &gen);
    if (st != HPA_JF_BAD) {
        if ((!name || !*name) && (!gen || !*gen))
            add(v, HPA_EMISSING, "metadata.name",
                "Required value: name or generateName is required");
        else if (name && *name)
            check_dns_subdomain(v, "metadata.name", name);
    }
    if (v_str(v, meta, "namespace", "metadata", &ns) == HPA_JF_OK && *ns)
        check_dns_label(v, "metadata.namespace", ns);
}

size_t hpa_validate_hpa_json(const json_t *obj, hpa_errlist *out)
{
    vctx v = {out, 0};
    const char *kind = NULL, *api = NULL;
    const json_t *spec, *ref, *metrics, *beh, *it;
    int32_t minr = 0, maxr = 0;
    hpa_jf_status st_min, st_max, st;
    size_t i;

    if (!json_is_object(obj)) {
        add(&v, HPA_ETYPE, "", "expected a HorizontalPodAutoscaler object, got %s",
            hpa_jf_kind(obj));
        return v.n;
    }
    st = v_str(&v, obj, "kind", "", &kind);
    if (st == HPA_JF_BAD)
        return v.n;
    if (!kind || strcmp(kind, "HorizontalPodAutoscaler")) {
        if (kind)
            add(&v, HPA_EINVAL, "kind", "expected HorizontalPodAutoscaler, got \"%s\"", kind);
        else
            add(&v, HPA_EMISSING, "kind", "expected HorizontalPodAutoscaler");
        return v.n;
    }
    if (v_str(&v, obj, "apiVersion", "", &api) != HPA_JF_BAD) {
        if (!api || !*api)
            add(&v, HPA_EMISSING, "apiVersion", "Required value: must be autoscaling/v2");
        else if (strcmp(api, "autoscaling/v2"))
            add(&v, HPA_EINVAL, "apiVersion",
                "Unsupported value: \"%s\": supported values: \"autoscaling/v2\"", api);
    }
    v_metadata(&v, obj);
    spec = v_obj(&v, obj, "spec", "", &st);
    if (st == HPA_JF_BAD)
        return v.n;
    ref = v_obj(&v, spec, "scaleTargetRef", "spec", &st);
    if (st != HPA_JF_BAD)
        v_cross_ref(&v, ref, "spec.scaleTargetRef");
    st_min = v_int(&v, spec, "minReplicas", "spec", &minr);
    st_max = v_int(&v, spec, "maxReplicas", "spec", &maxr);
    /* UPSTREAM: minReplicas 0 needs the HPAScaleToZero feature gate, off
     * by default; without it the lower bound is 1. */
    if (st_min == HPA_JF_OK && minr < 1)
        add(&v, HPA_EINVAL, "spec.minReplicas",
            "Invalid value: %d: must be greater than or equal to 1", (int)minr);
    if (st_max == HPA_JF_ABSENT)
        add(&v, HPA_EMISSING, "spec.maxReplicas", "Required value");
    else if (st_max == HPA_JF_OK && maxr < 1)
        add(&v, HPA_EINVAL, "spec.maxReplicas", "Invalid value: %d: must be greater than 0",
            (int)maxr);
    if (st_max == HPA_JF_OK && st_min == HPA_JF_OK && maxr < minr)
        add(&v, HPA_EINVAL, "spec.maxReplicas",
            "Invalid value: %d: must be greater than or equal to `minReplicas`", (int)maxr);
    metrics = v_arr(&v, spec, "metrics", "spec");
    json_array_foreach(metrics, i, it) {
        char p[HPA_ERR_PATH_MAX];

        v_metric(&v, it, hpa_jf_index(p, sizeof(p), "spec.metrics", i));
    }
    beh = v_obj(&v, spec, "behavior", "spec", NULL);
    if (beh) {
        v_rules(&v, beh, "scaleUp");
        v_rules(&v, beh, "scaleDown");
    }
    return v.n;
}
