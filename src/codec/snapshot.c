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
#include "codec/jsonfield.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* root[key] as {"items": [...]}; NULL when absent. */
static hpa_errcode list_items(const json_t *root, const char *key,
                              const json_t **items, bool *present, hpa_err *e)
{
    const json_t *list = hpa_jf_get(root, key), *arr;
    char path[64];

    *items = NULL;
    *present = list != NULL;
    if (!list)
        return HPA_OK;
    if (!json_is_object(list))
        return want(e, key, "an object with \"items\"", list);
    arr = hpa_jf_get(list, "items");
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
    const json_t *obj = hpa_jf_get(root, "hpa");
    hpa_spec *spec;

    if (!obj)
        return hpa_err_set(e, HPA_EMISSING, "hpa",
                           "required field missing: the HorizontalPodAutoscaler object");
    if (!json_is_object(obj))
        return want(e, "hpa", "a HorizontalPodAutoscaler object", obj);
    spec = hpa_arena_alloc(a, sizeof(*spec));
    if (!spec)
        return hpa_jf_oom(e);
    if (hpa_codec_hpa_from_json(obj, a, spec, e) != HPA_OK)
        return hpa_jf_in(e, "hpa");
    snap->hpa = spec;
    return HPA_OK;
}

static hpa_errcode read_scale(const json_t *root, hpa_arena *a,
                              hpa_snapshot *snap, hpa_err *e)
{
    const json_t *obj = hpa_jf_get(root, "scale");

    if (!obj)
        return hpa_err_set(e, HPA_EMISSING, "scale.spec.replicas",
                           "required field missing: the target's Scale");
    if (hpa_codec_scale_from_json(obj, a, &snap->scale, e) != HPA_OK)
        return hpa_jf_in(e, "scale");
    return HPA_OK;
}

static hpa_errcode pod_item(const json_t *v, hpa_arena *a, void *item, hpa_err *e)
{
    return hpa_codec_pod_from_json(v, a, item, e);
}

static hpa_errcode pod_metrics_item(const json_t *v, hpa_arena *a, void *item,
                                    hpa_err *e)
{
    return hpa_codec_pod_metrics_from_json(v, a, item, e);
}

static hpa_errcode object_metric_item(const json_t *v, hpa_arena *a, void *item,
                                      hpa_err *e)
{
    return hpa_codec_object_metric_from_json(v, a, item, e);
}

static hpa_errcode read_pods(const json_t *root, hpa_arena *a,
                             hpa_snapshot *snap, hpa_err *e)
{
    const json_t *items;
    void *pods;
    bool present;

    if (list_items(root, "pods", &items, &present, e) != HPA_OK ||
        hpa_jf_items(items, "pods", "items", a, sizeof(*snap->pods), pod_item, &pods,
                     &snap->n_pods, e) != HPA_OK)
        return e->code;
    snap->pods = pods;
    return HPA_OK;
}

static hpa_errcode read_pod_metrics(const json_t *root, hpa_arena *a,
                                    hpa_snapshot *snap, hpa_err *e)
{
    const json_t *items;
    void *pm;

    /* An absent podMetrics is "the API gave nothing"; a present one with
     * no items is "the API answered an empty list". */
    if (list_items(root, "podMetrics", &items, &snap->has_pod_metrics, e) != HPA_OK ||
        hpa_jf_items(items, "podMetrics", "items", a, sizeof(*snap->pod_metrics),
                     pod_metrics_item, &pm, &snap->n_pod_metrics, e) != HPA_OK)
        return e->code;
    snap->pod_metrics = pm;
    return HPA_OK;
}

static hpa_errcode read_objects(const json_t *root, hpa_arena *a,
                                hpa_snapshot *snap, hpa_err *e)
{
    const json_t *arr = hpa_jf_get(root, "objectMetrics");
    void *vals;

    if (arr && !json_is_array(arr))
        return want(e, "objectMetrics", "a list", arr);
    if (hpa_jf_items(arr, NULL, "objectMetrics", a, sizeof(*snap->object_metrics),
                     object_metric_item, &vals, &snap->n_object_metrics, e) != HPA_OK)
        return e->code;
    snap->object_metrics = vals;
    return HPA_OK;
}

/* The custom and external metrics: an object keyed by metric name, each
 * value one metric's list, read by `fn` into `size`-byte items. */
typedef hpa_errcode (*metric_list_fn)(const json_t *v, const char *name, hpa_arena *a,
                                      void *item, hpa_err *e);

static hpa_errcode read_metric_map(const json_t *root, const char *key, hpa_arena *a,
                                   size_t size, metric_list_fn fn, void **out, size_t *n,
                                   hpa_err *e)
{
    const json_t *m = hpa_jf_get(root, key), *v;
    const char *name;
    char *lists;
    size_t i = 0;

    if (!m)
        return HPA_OK;
    if (!json_is_object(m))
        return want(e, key, "an object keyed by metric name", m);
    if (json_object_size(m) == 0)
        return HPA_OK;
    lists = hpa_arena_calloc(a, json_object_size(m), size);
    if (!lists)
        return hpa_jf_oom(e);
    json_object_foreach((json_t *)m, name, v) {
        if (fn(v, name, a, lists + i * size, e) != HPA_OK) {
            hpa_err_prefix_path(e, name);
            return hpa_jf_in(e, key);
        }
        i++;
    }
    *n = i;
    *out = lists;
    return HPA_OK;
}

static hpa_errcode custom_list(const json_t *v, const char *name, hpa_arena *a,
                               void *item, hpa_err *e)
{
    return hpa_codec_pod_metric_list_from_json(v, name, a, item, e);
}

static hpa_errcode external_list(const json_t *v, const char *name, hpa_arena *a,
                                 void *item, hpa_err *e)
{
    return hpa_codec_external_metric_list_from_json(v, name, a, item, e);
}

static hpa_errcode read_custom(const json_t *root, hpa_arena *a,
                               hpa_snapshot *snap, hpa_err *e)
{
    void *lists = NULL;

    if (read_metric_map(root, "podCustomMetrics", a, sizeof(*snap->pod_custom),
                        custom_list, &lists, &snap->n_pod_custom, e) != HPA_OK)
        return e->code;
    snap->pod_custom = lists;
    return HPA_OK;
}

static hpa_errcode read_external(const json_t *root, hpa_arena *a,
                                 hpa_snapshot *snap, hpa_err *e)
{
    void *lists = NULL;

    if (read_metric_map(root, "externalMetrics", a, sizeof(*snap->external),
                        external_list, &lists, &snap->n_external, e) != HPA_OK)
        return e->code;
    snap->external = lists;
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
            return hpa_jf_in_item(e, "recommendations", i);
        }
        if (hpa_codec_field_time(v, "time", &r.time, NULL, e) != HPA_OK ||
            hpa_codec_field_int32(v, "replicas", &r.replicas, NULL, e) != HPA_OK)
            return hpa_jf_in_item(e, "recommendations", i);
        if (hpa_state_push_rec(state, r) != HPA_OK)
            return hpa_jf_oom(e);
    }
    return HPA_OK;
}

static hpa_errcode read_events(const json_t *st, const char *key, bool up,
                               hpa_state *state, hpa_err *e)
{
    const json_t *arr = hpa_jf_get(st, key), *v;
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
            return hpa_jf_in_item(e, key, i);
        }
        if (hpa_codec_field_time(v, "time", &ev.time, NULL, e) != HPA_OK ||
            hpa_codec_field_int32(v, "change", &ev.change, NULL, e) != HPA_OK)
            return hpa_jf_in_item(e, key, i);
        rc = up ? hpa_state_push_up(state, ev) : hpa_state_push_down(state, ev);
        if (rc != HPA_OK)
            return hpa_jf_oom(e);
    }
    return HPA_OK;
}

static hpa_errcode read_state(const json_t *root, hpa_state *state, hpa_err *e)
{
    const json_t *st = hpa_jf_get(root, "state"), *recs;

    if (!st)
        return HPA_OK;
    if (!json_is_object(st))
        return want(e, "state", "an object", st);
    /* UPSTREAM: recordInitialRecommendation - a nil history (absent or
     * null here) means the controller has never seen this HPA. */
    recs = hpa_jf_get(st, "recommendations");
    if (recs) {
        if (!json_is_array(recs)) {
            want(e, "recommendations", "a list", recs);
            return hpa_jf_in(e, "state");
        }
        state->known = true;
        if (read_recs(recs, state, e) != HPA_OK)
            return hpa_jf_in(e, "state");
    }
    if (read_events(st, "scaleUpEvents", true, state, e) != HPA_OK ||
        read_events(st, "scaleDownEvents", false, state, e) != HPA_OK)
        return hpa_jf_in(e, "state");
    return HPA_OK;
}

static hpa_errcode read_options(const json_t *root, hpa_options *opts,
                                hpa_err *e)
{
    const json_t *o = hpa_jf_get(root, "options"), *tol;
    bool have;

    if (!o)
        return HPA_OK;
    if (!json_is_object(o))
        return want(e, "options", "an object", o);
    tol = hpa_jf_get(o, "tolerance");
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
        return hpa_jf_in(e, "options");
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
