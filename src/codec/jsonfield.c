/*
 * jsonfield.c - typed JSON field readers for the whole codec (jsonfield.h)
 * and the public hpa_codec_field_*() readers of codec.h.
 */
#include "codec/codec.h"
#include "codec/jsonfield.h"

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- shared ------------------------------------------------------------ */

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

/* ---- decoder dialect ----------------------------------------------------- */

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

hpa_jf_status hpa_jf_bad_type(const json_t *v, const char *path, const char *want, hpa_err *e)
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
            return hpa_jf_bad_type(v, path, "an integer", e);
        if (d < (double)INT32_MIN || d > (double)INT32_MAX) {
            hpa_err_set(e, HPA_ERANGE, path, "value %.17g does not fit in an int32", d);
            return HPA_JF_BAD;
        }
        *out = (int32_t)d;
        return HPA_JF_OK;
    }
    return hpa_jf_bad_type(v, path, "an integer", e);
}

hpa_jf_status hpa_jf_string(const json_t *v, const char *path, const char **out, hpa_err *e)
{
    if (!v || json_is_null(v))
        return HPA_JF_ABSENT;
    if (!json_is_string(v))
        return hpa_jf_bad_type(v, path, "a string", e);
    *out = json_string_value(v);
    return HPA_JF_OK;
}

hpa_jf_status hpa_jf_object(const json_t *v, const char *path, hpa_err *e)
{
    if (!v || json_is_null(v))
        return HPA_JF_ABSENT;
    return json_is_object(v) ? HPA_JF_OK : hpa_jf_bad_type(v, path, "an object", e);
}

hpa_jf_status hpa_jf_array(const json_t *v, const char *path, hpa_err *e)
{
    if (!v || json_is_null(v))
        return HPA_JF_ABSENT;
    return json_is_array(v) ? HPA_JF_OK : hpa_jf_bad_type(v, path, "an array", e);
}

void hpa_jf_number_text(const json_t *v, char *buf, size_t len)
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

hpa_jf_status hpa_jf_quantity(const json_t *v, const char *path, hpa_quantity *q, hpa_err *e)
{
    char text[64];
    const char *s;
    hpa_err qe;

    if (!v || json_is_null(v))
        return HPA_JF_ABSENT;
    if (json_is_string(v)) {
        s = json_string_value(v);
    } else if (json_is_number(v)) {
        hpa_jf_number_text(v, text, sizeof(text));
        s = text;
    } else {
        return hpa_jf_bad_type(v, path, "a quantity (string or number)", e);
    }
    hpa_err_clear(&qe);
    if (hpa_quantity_parse(s, q, &qe) != HPA_OK) {
        hpa_err_set(e, qe.code ? qe.code : HPA_EINVAL, path, "%s",
                    qe.msg[0] ? qe.msg : "not a valid quantity");
        return HPA_JF_BAD;
    }
    return HPA_JF_OK;
}

hpa_jf_status hpa_jf_milli(const hpa_quantity *q, const char *path, int64_t *milli,
                           hpa_err *e)
{
    hpa_err qe;

    hpa_err_clear(&qe);
    if (hpa_quantity_milli(q, milli, &qe) != HPA_OK) {
        hpa_err_set(e, qe.code ? qe.code : HPA_ERANGE, path, "%s",
                    qe.msg[0] ? qe.msg : "quantity out of range");
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
        return hpa_jf_bad_type(v, path, "an RFC 3339 time string", e);
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
            return hpa_jf_bad_type(it, p, "an object", e);
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
                return hpa_jf_bad_type(val, hpa_jf_index(r, sizeof(r), q, j), "a string", e);
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
                return hpa_jf_bad_type(val, q, "a string", e);
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

/* ---- API-object dialect ------------------------------------------------- */

/* A short rendering of a JSON value for "expected X, got Y" messages. */
static void api_describe(const json_t *v, char *buf, size_t len)
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

hpa_errcode hpa_jf_type_error(hpa_err *e, const char *path, const char *want,
                              const json_t *got)
{
    char what[80];

    api_describe(got, what, sizeof(what));
    return hpa_err_set(e, HPA_ETYPE, path, "expected %s, got %s", want, what);
}

/* "expected <want>, got <value>" for a value of the right type that did
 * not parse. */
static hpa_errcode not_parsed(hpa_err *e, const char *path, const char *want,
                              const json_t *got)
{
    char what[80];

    api_describe(got, what, sizeof(what));
    return hpa_err_set(e, HPA_EINVAL, path, "expected %s, got %s", want, what);
}

hpa_errcode hpa_jf_oom(hpa_err *e)
{
    return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
}

const json_t *hpa_jf_get(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);

    return json_is_null(v) ? NULL : v;
}

hpa_errcode hpa_jf_in(hpa_err *e, const char *key)
{
    hpa_err_prefix_path(e, key);
    return e ? e->code : HPA_EINVAL;
}

hpa_errcode hpa_jf_in_item(hpa_err *e, const char *key, size_t i)
{
    char idx[32];

    snprintf(idx, sizeof(idx), "[%zu]", i);
    hpa_err_prefix_path(e, idx);
    return hpa_jf_in(e, key);
}

/* obj[key] that must satisfy `is` when present. */
static hpa_errcode sub_value(const json_t *obj, const char *key, int (*is)(const json_t *),
                             const char *want, const json_t **out, hpa_err *e)
{
    const json_t *v = hpa_jf_get(obj, key);

    *out = NULL;
    if (!v)
        return HPA_OK;
    if (!is(v))
        return hpa_jf_type_error(e, key, want, v);
    *out = v;
    return HPA_OK;
}

static int is_object(const json_t *v)
{
    return json_is_object(v);
}

static int is_array(const json_t *v)
{
    return json_is_array(v);
}

hpa_errcode hpa_jf_sub_object(const json_t *obj, const char *key, const json_t **out,
                              hpa_err *e)
{
    return sub_value(obj, key, is_object, "an object", out, e);
}

hpa_errcode hpa_jf_sub_array(const json_t *obj, const char *key, const json_t **out,
                             hpa_err *e)
{
    return sub_value(obj, key, is_array, "a list", out, e);
}

hpa_errcode hpa_jf_time_value(const json_t *v, const char *key, hpa_time_t *out,
                              hpa_err *e)
{
    if (!json_is_string(v))
        return hpa_jf_type_error(e, key, "an RFC 3339 time", v);
    if (hpa_time_parse(json_string_value(v), out, e) != HPA_OK)
        return not_parsed(e, key, "an RFC 3339 time", v);
    return HPA_OK;
}

hpa_errcode hpa_jf_milli_value(const json_t *v, const char *key, int64_t *out,
                               hpa_err *e)
{
    hpa_quantity q;

    if (!json_is_string(v) && !json_is_number(v))
        return hpa_jf_type_error(e, key, "a quantity such as \"250m\" or \"1Gi\"", v);
    if (hpa_jf_quantity(v, key, &q, e) != HPA_JF_OK || hpa_jf_milli(&q, key, out, e) != HPA_JF_OK)
        return e ? e->code : HPA_EINVAL;
    return HPA_OK;
}

hpa_errcode hpa_jf_items(const json_t *arr, const char *outer, const char *key,
                         hpa_arena *a, size_t size, hpa_jf_item_fn fn,
                         void **items, size_t *n, hpa_err *e)
{
    const json_t *v;
    char *buf;
    size_t i;

    *items = NULL;
    *n = 0;
    if (!arr || json_array_size(arr) == 0)
        return HPA_OK;
    buf = hpa_arena_calloc(a, json_array_size(arr), size);
    if (!buf)
        return hpa_jf_oom(e);
    json_array_foreach(arr, i, v) {
        if (fn(v, a, buf + i * size, e) != HPA_OK) {
            hpa_jf_in_item(e, key, i);
            return hpa_jf_in(e, outer);
        }
    }
    *items = buf;
    *n = json_array_size(arr);
    return HPA_OK;
}

/* ---- hpa_codec_field_*() (codec.h) --------------------------------------- */

/* Absent: not an error when the caller asked whether it is present. */
static hpa_errcode absent(const char *key, bool *present, hpa_err *e)
{
    if (present) {
        *present = false;
        return HPA_OK;
    }
    return hpa_err_set(e, HPA_EMISSING, key, "required field missing");
}

static hpa_errcode found(bool *present)
{
    if (present)
        *present = true;
    return HPA_OK;
}

hpa_errcode hpa_codec_field_string(const json_t *obj, const char *key,
                                   hpa_arena *a, const char **out,
                                   bool *present, hpa_err *e)
{
    const json_t *v = hpa_jf_get(obj, key);

    if (!v)
        return absent(key, present, e);
    if (!json_is_string(v))
        return hpa_jf_type_error(e, key, "a string", v);
    *out = hpa_arena_strndup(a, json_string_value(v), json_string_length(v));
    if (!*out)
        return hpa_jf_oom(e);
    return found(present);
}

hpa_errcode hpa_codec_field_int32(const json_t *obj, const char *key,
                                  int32_t *out, bool *present, hpa_err *e)
{
    const json_t *v = hpa_jf_get(obj, key);
    json_int_t i;

    if (!v)
        return absent(key, present, e);
    /* Unlike hpa_jf_int32(), a JSON real is a type error here. */
    if (!json_is_integer(v))
        return hpa_jf_type_error(e, key, "an integer", v);
    i = json_integer_value(v);
    if (i < INT32_MIN || i > INT32_MAX)
        return hpa_err_set(e, HPA_ERANGE, key,
                           "%" JSON_INTEGER_FORMAT " does not fit in a 32-bit integer", i);
    *out = (int32_t)i;
    return found(present);
}

hpa_errcode hpa_codec_field_time(const json_t *obj, const char *key,
                                 hpa_time_t *out, bool *present, hpa_err *e)
{
    const json_t *v = hpa_jf_get(obj, key);

    if (!v)
        return absent(key, present, e);
    if (hpa_jf_time_value(v, key, out, e) != HPA_OK)
        return e ? e->code : HPA_EINVAL;
    return found(present);
}

hpa_errcode hpa_codec_field_duration(const json_t *obj, const char *key,
                                     hpa_duration_t *out, bool *present,
                                     hpa_err *e)
{
    const json_t *v = hpa_jf_get(obj, key);
    double ms;

    if (!v)
        return absent(key, present, e);
    if (json_is_number(v)) {
        ms = json_number_value(v) * 1000.0;
        if (!isfinite(ms) || ms < -9.2e18 || ms > 9.2e18)
            return hpa_err_set(e, HPA_ERANGE, key, "duration out of range");
        *out = (hpa_duration_t)llround(ms);
    } else if (json_is_string(v)) {
        if (hpa_duration_parse(json_string_value(v), out, e) != HPA_OK)
            return not_parsed(e, key, "a duration such as \"30s\" or \"5m\"", v);
    } else {
        return hpa_jf_type_error(e, key, "a duration (\"30s\") or a number of seconds", v);
    }
    return found(present);
}

hpa_errcode hpa_codec_field_milli(const json_t *obj, const char *key,
                                  int64_t *out, bool *present, hpa_err *e)
{
    const json_t *v = hpa_jf_get(obj, key);

    if (!v)
        return absent(key, present, e);
    if (hpa_jf_milli_value(v, key, out, e) != HPA_OK)
        return e ? e->code : HPA_EINVAL;
    return found(present);
}
