/*
 * snapshot.c - a `recommend` snapshot (shared/spec/recommend-snapshot.md)
 * into the structs hpa_decide() reads.
 *
 * The snapshot is the API server's objects side by side, plus the engine's
 * remembered state and the controller options. Only `now`,
 * `hpa.spec.maxReplicas` and `scale.spec.replicas` are required; anything
 * the controller would meet at run time and report through a condition
 * (no pods, no metrics, a bad selector) is left for the decision.
 */
#include "codec/codec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static hpa_errcode oom(hpa_err *e)
{
    return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
}

static const json_t *field(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);

    return json_is_null(v) ? NULL : v;
}

static hpa_errcode want(hpa_err *e, const char *path, const char *what,
                        const json_t *got)
{
    char *text = NULL;
    hpa_errcode rc;

    if (!json_is_object(got) && !json_is_array(got))
        text = json_dumps(got, JSON_ENCODE_ANY | JSON_COMPACT);
    if (text && strlen(text) <= 60)
        rc = hpa_err_set(e, HPA_ETYPE, path, "expected %s, got %s", what, text);
    else
        rc = hpa_err_set(e, HPA_ETYPE, path, "expected %s, got %s", what,
                         json_is_array(got)    ? "a list"
                         : json_is_object(got) ? "an object"
                         : json_is_string(got) ? "a long string"
                                               : "a value");
    free(text);
    return rc;
}

static hpa_errcode prefixed(hpa_err *e, const char *prefix)
{
    hpa_err_prefix_path(e, prefix);
    return e->code;
}

static hpa_errcode indexed(hpa_err *e, const char *key, size_t i)
{
    char idx[32];

    snprintf(idx, sizeof(idx), "[%zu]", i);
    hpa_err_prefix_path(e, idx);
    hpa_err_prefix_path(e, key);
    return e->code;
}

/* root[key] as {"items": [...]}; NULL when absent. */
static hpa_errcode list_items(const json_t *root, const char *key,
                              const json_t **items, bool *present, hpa_err *e)
{
    const json_t *list = field(root, key), *arr;
    char path[64];

    *items = NULL;
    *present = list != NULL;
    if (!list)
        return HPA_OK;
    if (!json_is_object(list))
        return want(e, key, "an object with \"items\"", list);
    arr = field(list, "items");
    if (arr && !json_is_array(arr)) {
        snprintf(path, sizeof(path), "%s.items", key);
        return want(e, path, "a list", arr);
    }
    *items = arr;
    return HPA_OK;
}

static hpa_errcode read_hpa(const json_t *root, hpa_arena *a,
                            hpa_snapshot *snap, hpa_err *e)
{
    const json_t *obj = field(root, "hpa");
    hpa_spec *spec;

    if (!obj)
        return hpa_err_set(e, HPA_EMISSING, "hpa",
                           "required field missing: the HorizontalPodAutoscaler object");
    if (!json_is_object(obj))
        return want(e, "hpa", "a HorizontalPodAutoscaler object", obj);
    spec = hpa_arena_alloc(a, sizeof(*spec));
    if (!spec)
        return oom(e);
    if (hpa_codec_hpa_from_json(obj, a, spec, e) != HPA_OK)
        return prefixed(e, "hpa");
    snap->hpa = spec;
    return HPA_OK;
}

static hpa_errcode read_scale(const json_t *root, hpa_arena *a,
                              hpa_snapshot *snap, hpa_err *e)
{
    const json_t *obj = field(root, "scale");

    if (!obj)
        return hpa_err_set(e, HPA_EMISSING, "scale.spec.replicas",
                           "required field missing: the target's Scale");
    if (hpa_codec_scale_from_json(obj, a, &snap->scale, e) != HPA_OK)
        return prefixed(e, "scale");
    return HPA_OK;
}

static hpa_errcode read_pods(const json_t *root, hpa_arena *a,
                             hpa_snapshot *snap, hpa_err *e)
{
    const json_t *items, *v;
    hpa_pod *pods;
    bool present;
    size_t i;

    if (list_items(root, "pods", &items, &present, e) != HPA_OK)
        return e->code;
    if (!items || json_array_size(items) == 0)
        return HPA_OK;
    pods = hpa_arena_calloc(a, json_array_size(items), sizeof(*pods));
    if (!pods)
        return oom(e);
    json_array_foreach(items, i, v) {
        if (hpa_codec_pod_from_json(v, a, &pods[i], e) != HPA_OK) {
            indexed(e, "items", i);
            return prefixed(e, "pods");
        }
    }
    snap->n_pods = json_array_size(items);
    snap->pods = pods;
    return HPA_OK;
}

static hpa_errcode read_pod_metrics(const json_t *root, hpa_arena *a,
                                    hpa_snapshot *snap, hpa_err *e)
{
    const json_t *items, *v;
    hpa_pod_metrics *pm;
    size_t i;

    /* An absent podMetrics is "the API gave nothing"; a present one with
     * no items is "the API answered an empty list". */
    if (list_items(root, "podMetrics", &items, &snap->has_pod_metrics, e) != HPA_OK)
        return e->code;
    if (!items || json_array_size(items) == 0)
        return HPA_OK;
    pm = hpa_arena_calloc(a, json_array_size(items), sizeof(*pm));
    if (!pm)
        return oom(e);
    json_array_foreach(items, i, v) {
        if (hpa_codec_pod_metrics_from_json(v, a, &pm[i], e) != HPA_OK) {
            indexed(e, "items", i);
            return prefixed(e, "podMetrics");
        }
    }
    snap->n_pod_metrics = json_array_size(items);
    snap->pod_metrics = pm;
    return HPA_OK;
}

static hpa_errcode read_custom(const json_t *root, hpa_arena *a,
                               hpa_snapshot *snap, hpa_err *e)
{
    const json_t *m = field(root, "podCustomMetrics"), *v;
    hpa_pod_metric_list *lists;
    const char *name;
    size_t i = 0;

    if (!m)
        return HPA_OK;
    if (!json_is_object(m))
        return want(e, "podCustomMetrics", "an object keyed by metric name", m);
    if (json_object_size(m) == 0)
        return HPA_OK;
    lists = hpa_arena_calloc(a, json_object_size(m), sizeof(*lists));
    if (!lists)
        return oom(e);
    json_object_foreach((json_t *)m, name, v) {
        if (hpa_codec_pod_metric_list_from_json(v, name, a, &lists[i], e) != HPA_OK) {
            hpa_err_prefix_path(e, name);
            return prefixed(e, "podCustomMetrics");
        }
        i++;
    }
    snap->n_pod_custom = i;
    snap->pod_custom = lists;
    return HPA_OK;
}

static hpa_errcode read_external(const json_t *root, hpa_arena *a,
                                 hpa_snapshot *snap, hpa_err *e)
{
    const json_t *m = field(root, "externalMetrics"), *v;
    hpa_external_metric_list *lists;
    const char *name;
    size_t i = 0;

    if (!m)
        return HPA_OK;
    if (!json_is_object(m))
        return want(e, "externalMetrics", "an object keyed by metric name", m);
    if (json_object_size(m) == 0)
        return HPA_OK;
    lists = hpa_arena_calloc(a, json_object_size(m), sizeof(*lists));
    if (!lists)
        return oom(e);
    json_object_foreach((json_t *)m, name, v) {
        if (hpa_codec_external_metric_list_from_json(v, name, a, &lists[i], e) != HPA_OK) {
            hpa_err_prefix_path(e, name);
            return prefixed(e, "externalMetrics");
        }
        i++;
    }
    snap->n_external = i;
    snap->external = lists;
    return HPA_OK;
}

static hpa_errcode read_objects(const json_t *root, hpa_arena *a,
                                hpa_snapshot *snap, hpa_err *e)
{
    const json_t *arr = field(root, "objectMetrics"), *v;
    hpa_object_metric_value *vals;
    size_t i;

    if (!arr)
        return HPA_OK;
    if (!json_is_array(arr))
        return want(e, "objectMetrics", "a list", arr);
    if (json_array_size(arr) == 0)
        return HPA_OK;
    vals = hpa_arena_calloc(a, json_array_size(arr), sizeof(*vals));
    if (!vals)
        return oom(e);
    json_array_foreach(arr, i, v) {
        if (hpa_codec_object_metric_from_json(v, a, &vals[i], e) != HPA_OK)
            return indexed(e, "objectMetrics", i);
    }
    snap->n_object_metrics = json_array_size(arr);
    snap->object_metrics = vals;
    return HPA_OK;
}

/* ---- state and options ---------------------------------------------------- */

static hpa_errcode read_recs(const json_t *arr, hpa_state *state, hpa_err *e)
{
    const json_t *v;
    hpa_recommendation r;
    size_t i;

    json_array_foreach(arr, i, v) {
        if (!json_is_object(v)) {
            want(e, NULL, "an object {time, replicas}", v);
            return indexed(e, "recommendations", i);
        }
        if (hpa_codec_field_time(v, "time", &r.time, NULL, e) != HPA_OK ||
            hpa_codec_field_int32(v, "replicas", &r.replicas, NULL, e) != HPA_OK)
            return indexed(e, "recommendations", i);
        if (hpa_state_push_rec(state, r) != HPA_OK)
            return oom(e);
    }
    return HPA_OK;
}

static hpa_errcode read_events(const json_t *st, const char *key, bool up,
                               hpa_state *state, hpa_err *e)
{
    const json_t *arr = field(st, key), *v;
    hpa_scale_event ev;
    hpa_errcode rc;
    size_t i;

    if (!arr)
        return HPA_OK;
    if (!json_is_array(arr))
        return want(e, key, "a list", arr);
    json_array_foreach(arr, i, v) {
        memset(&ev, 0, sizeof(ev));
        if (!json_is_object(v)) {
            want(e, NULL, "an object {time, change}", v);
            return indexed(e, key, i);
        }
        if (hpa_codec_field_time(v, "time", &ev.time, NULL, e) != HPA_OK ||
            hpa_codec_field_int32(v, "change", &ev.change, NULL, e) != HPA_OK)
            return indexed(e, key, i);
        rc = up ? hpa_state_push_up(state, ev) : hpa_state_push_down(state, ev);
        if (rc != HPA_OK)
            return oom(e);
    }
    return HPA_OK;
}

static hpa_errcode read_state(const json_t *root, hpa_state *state, hpa_err *e)
{
    const json_t *st = field(root, "state"), *recs;

    if (!st)
        return HPA_OK;
    if (!json_is_object(st))
        return want(e, "state", "an object", st);
    /* UPSTREAM: recordInitialRecommendation - a nil history (absent or
     * null here) means the controller has never seen this HPA. */
    recs = field(st, "recommendations");
    if (recs) {
        if (!json_is_array(recs)) {
            want(e, "recommendations", "a list", recs);
            return prefixed(e, "state");
        }
        state->known = true;
        if (read_recs(recs, state, e) != HPA_OK)
            return prefixed(e, "state");
    }
    if (read_events(st, "scaleUpEvents", true, state, e) != HPA_OK ||
        read_events(st, "scaleDownEvents", false, state, e) != HPA_OK)
        return prefixed(e, "state");
    return HPA_OK;
}

static hpa_errcode read_options(const json_t *root, hpa_options *opts,
                                hpa_err *e)
{
    const json_t *o = field(root, "options"), *tol;
    bool have;

    if (!o)
        return HPA_OK;
    if (!json_is_object(o))
        return want(e, "options", "an object", o);
    tol = field(o, "tolerance");
    if (tol) {
        if (!json_is_number(tol))
            return want(e, "options.tolerance", "a number", tol);
        opts->tolerance = json_number_value(tol);
    }
    if (hpa_codec_field_duration(o, "cpuInitializationPeriod",
                                 &opts->cpu_initialization_period, &have, e) != HPA_OK ||
        hpa_codec_field_duration(o, "initialReadinessDelay",
                                 &opts->initial_readiness_delay, &have, e) != HPA_OK ||
        hpa_codec_field_duration(o, "downscaleStabilizationWindow",
                                 &opts->downscale_stabilization, &have, e) != HPA_OK)
        return prefixed(e, "options");
    return HPA_OK;
}

hpa_errcode hpa_codec_snapshot_from_json(const json_t *root, hpa_arena *a,
                                         hpa_snapshot *snap, hpa_state *state,
                                         hpa_options *opts, hpa_err *e)
{
    hpa_err scratch;
    hpa_errcode rc;

    if (!e)
        e = &scratch;
    hpa_err_clear(e);
    memset(snap, 0, sizeof(*snap));
    hpa_state_init(state);
    *opts = hpa_options_default();
    if (!json_is_object(root)) {
        rc = want(e, NULL, "a snapshot object {\"now\", \"hpa\", \"scale\", ...}", root);
        goto out;
    }
    rc = hpa_codec_field_time(root, "now", &snap->now, NULL, e);
    if (rc == HPA_OK)
        rc = read_hpa(root, a, snap, e);
    if (rc == HPA_OK)
        rc = read_scale(root, a, snap, e);
    if (rc == HPA_OK)
        rc = read_pods(root, a, snap, e);
    if (rc == HPA_OK)
        rc = read_pod_metrics(root, a, snap, e);
    if (rc == HPA_OK)
        rc = read_objects(root, a, snap, e);
    if (rc == HPA_OK)
        rc = read_custom(root, a, snap, e);
    if (rc == HPA_OK)
        rc = read_external(root, a, snap, e);
    if (rc == HPA_OK)
        rc = read_state(root, state, e);
    if (rc == HPA_OK)
        rc = read_options(root, opts, e);
out:
    if (rc != HPA_OK) {
        /* Leave nothing half-read behind; the caller's free stays safe. */
        hpa_state_free(state);
        hpa_state_init(state);
        memset(snap, 0, sizeof(*snap));
    }
    return rc;
}
