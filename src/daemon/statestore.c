/* statestore.c - hpa_state <-> JSON for persistence (see statestore.h). */
#include "daemon/statestore.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"

char *dstate_encode(const hpa_state *s)
{
    json_t *o = hpa_codec_state_to_json(s);
    char *out;

    if (!o)
        return NULL;
    out = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    return out;
}

static hpa_errcode read_time(const json_t *it, const char *arr, size_t i, hpa_time_t *t, hpa_err *e)
{
    const json_t *v = json_object_get(it, "time");
    char path[64];

    snprintf(path, sizeof(path), "%s[%zu].time", arr, i);
    if (!json_is_string(v))
        return hpa_err_set(e, HPA_ETYPE, path, "expected an RFC 3339 time string");
    if (hpa_time_parse(json_string_value(v), t, e) != HPA_OK) {
        snprintf(e->path, sizeof(e->path), "%s", path);
        return e->code;
    }
    return HPA_OK;
}

static hpa_errcode read_int(const json_t *it, const char *arr, size_t i, const char *key,
                            int32_t *out, hpa_err *e)
{
    const json_t *v = json_object_get(it, key);
    char path[64];

    snprintf(path, sizeof(path), "%s[%zu].%s", arr, i, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > INT32_MAX)
        return hpa_err_set(e, HPA_ETYPE, path, "expected a non-negative integer");
    *out = (int32_t)json_integer_value(v);
    return HPA_OK;
}

static hpa_errcode read_events(const json_t *root, const char *key, bool up, hpa_state *out,
                               hpa_err *e)
{
    const json_t *arr = json_object_get(root, key), *it;
    size_t i;

    if (!arr || json_is_null(arr))
        return HPA_OK;
    if (!json_is_array(arr))
        return hpa_err_set(e, HPA_ETYPE, key, "expected an array of scale events");
    json_array_foreach(arr, i, it) {
        hpa_scale_event ev = {0, 0, false};

        if (read_time(it, key, i, &ev.time, e) || read_int(it, key, i, "change", &ev.change, e))
            return e->code;
        if ((up ? hpa_state_push_up(out, ev) : hpa_state_push_down(out, ev)) != HPA_OK)
            return hpa_err_set(e, HPA_ENOMEM, key, "out of memory");
    }
    return HPA_OK;
}

hpa_errcode dstate_decode(const char *json, hpa_state *out, hpa_err *e)
{
    json_error_t je;
    json_t *root = json_loads(json, 0, &je);
    const json_t *recs, *it;
    hpa_errcode rc = HPA_OK;
    size_t i;

    hpa_state_free(out);
    hpa_state_init(out);
    if (!root)
        return hpa_err_set(e, HPA_ESYNTAX, NULL, "state is not JSON: %s (column %d)", je.text,
                           je.column);
    if (!json_is_object(root)) {
        rc = hpa_err_set(e, HPA_ETYPE, NULL, "state must be a JSON object");
        goto out;
    }
    recs = json_object_get(root, "recommendations");
    if (recs && !json_is_null(recs) && !json_is_array(recs)) {
        rc = hpa_err_set(e, HPA_ETYPE, "recommendations", "expected an array");
        goto out;
    }
    json_array_foreach(recs, i, it) {
        hpa_recommendation r = {0, 0};

        if ((rc = read_time(it, "recommendations", i, &r.time, e)) ||
            (rc = read_int(it, "recommendations", i, "replicas", &r.replicas, e)))
            goto out;
        if (hpa_state_push_rec(out, r) != HPA_OK) {
            rc = hpa_err_set(e, HPA_ENOMEM, "recommendations", "out of memory");
            goto out;
        }
    }
    if ((rc = read_events(root, "scaleUpEvents", true, out, e)) ||
        (rc = read_events(root, "scaleDownEvents", false, out, e)))
        goto out;
    out->known = true;
out:
    if (rc != HPA_OK) {
        hpa_state_free(out);
        hpa_state_init(out);
    }
    json_decref(root);
    return rc;
}

const char *dstate_key(const char *ns, const char *name, char *buf, size_t len)
{
    snprintf(buf, len, "%s.%s", ns ? ns : "default", name ? name : "");
    return buf;
}
