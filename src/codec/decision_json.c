/*
 * decision_json.c - a decision as JSON: the `recommend` output
 * (shared/spec/recommend-snapshot.md) and the HPA status pieces it is made
 * of (currentMetrics, conditions), plus the engine's remembered state.
 *
 * Field order is part of the output (the same snapshot must print the same
 * bytes): jansson keeps insertion order, so objects are built in the order
 * the contract lists. Every function returns a new reference, or NULL when
 * memory ran out.
 */
#include "codec/codec.h"

#include <string.h>

/* Steal `v` into obj[key]; false when v is NULL or the set failed. */
static bool put(json_t *obj, const char *key, json_t *v)
{
    return v && json_object_set_new(obj, key, v) == 0;
}

static bool push(json_t *arr, json_t *v)
{
    return v && json_array_append_new(arr, v) == 0;
}

static json_t *str_or_empty(const char *s)
{
    return json_string(s ? s : "");
}

static json_t *quantity(int64_t milli)
{
    char buf[HPA_QUANTITY_STR_MAX];

    return json_string(hpa_quantity_format_milli(milli, buf, sizeof(buf)));
}

static json_t *time_str(hpa_time_t t)
{
    char buf[HPA_TIME_STR_MAX];

    return json_string(hpa_time_format(t, buf, sizeof(buf)));
}

/* MetricValueStatus: only the fields that were set. */
static json_t *current_value(const hpa_metric_status *m)
{
    json_t *o = json_object();

    if (!o)
        return NULL;
    if ((m->has_value && !put(o, "value", quantity(m->value_milli))) ||
        (m->has_average_utilization &&
         !put(o, "averageUtilization", json_integer(m->average_utilization))) ||
        (m->has_average_value &&
         !put(o, "averageValue", quantity(m->average_value_milli)))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* MetricIdentifier {name, selector?}. */
static json_t *metric_id(const hpa_metric_spec *s)
{
    json_t *o = json_object();

    if (!o)
        return NULL;
    if (!put(o, "name", str_or_empty(s->metric_name)) ||
        (s->metric_selector &&
         !put(o, "selector", hpa_codec_label_selector_to_json(s->metric_selector)))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* CrossVersionObjectReference {kind, name, apiVersion?}. */
static json_t *object_ref(const hpa_object_ref *r)
{
    json_t *o = json_object();

    if (!o)
        return NULL;
    if (!put(o, "kind", str_or_empty(r->kind)) ||
        !put(o, "name", str_or_empty(r->name)) ||
        (r->api_version && r->api_version[0] &&
         !put(o, "apiVersion", json_string(r->api_version)))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The body under "resource"/"pods"/... for one status entry. */
static json_t *status_body(const hpa_metric_status *m, const hpa_metric_spec *s)
{
    json_t *o = json_object();
    bool ok = o != NULL;

    switch (m->type) {
    case HPA_METRIC_RESOURCE:
        ok = ok && put(o, "name", str_or_empty(s->resource));
        break;
    case HPA_METRIC_CONTAINER_RESOURCE:
        ok = ok && put(o, "name", str_or_empty(s->resource)) &&
             put(o, "container", str_or_empty(s->container));
        break;
    case HPA_METRIC_PODS:
    case HPA_METRIC_EXTERNAL:
        ok = ok && put(o, "metric", metric_id(s));
        break;
    case HPA_METRIC_OBJECT:
        ok = ok && put(o, "describedObject", object_ref(&s->described)) &&
             put(o, "metric", metric_id(s));
        break;
    case HPA_METRIC_UNKNOWN:
        break;
    }
    ok = ok && put(o, "current", current_value(m));
    if (!ok) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static const char *status_key(hpa_metric_type t)
{
    switch (t) {
    case HPA_METRIC_RESOURCE:
        return "resource";
    case HPA_METRIC_CONTAINER_RESOURCE:
        return "containerResource";
    case HPA_METRIC_PODS:
        return "pods";
    case HPA_METRIC_OBJECT:
        return "object";
    case HPA_METRIC_EXTERNAL:
        return "external";
    case HPA_METRIC_UNKNOWN:
        break;
    }
    return NULL;
}

static const char *status_type(hpa_metric_type t)
{
    switch (t) {
    case HPA_METRIC_RESOURCE:
        return "Resource";
    case HPA_METRIC_CONTAINER_RESOURCE:
        return "ContainerResource";
    case HPA_METRIC_PODS:
        return "Pods";
    case HPA_METRIC_OBJECT:
        return "Object";
    case HPA_METRIC_EXTERNAL:
        return "External";
    case HPA_METRIC_UNKNOWN:
        break;
    }
    return "";
}

/* UPSTREAM: computeReplicasForMetrics leaves a failed metric's status at
 * the zero MetricStatus, which serializes as {"type": ""}. */
static json_t *metric_status(const hpa_metric_status *m)
{
    json_t *o = json_object();
    const char *key = status_key(m->type);

    if (!o)
        return NULL;
    if (!put(o, "type", json_string(status_type(m->type))) ||
        (key && m->spec && !put(o, key, status_body(m, m->spec)))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *hpa_codec_metric_statuses_to_json(const hpa_decision *d)
{
    json_t *arr = json_array();
    size_t i;

    if (!arr)
        return NULL;
    for (i = 0; i < d->n_metrics; i++) {
        if (!push(arr, metric_status(&d->metrics[i]))) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static json_t *condition(const hpa_condition *c)
{
    json_t *o = json_object();

    if (!o)
        return NULL;
    if (!put(o, "type", str_or_empty(c->type)) ||
        !put(o, "status", str_or_empty(c->status)) ||
        !put(o, "reason", str_or_empty(c->reason)) ||
        !put(o, "message", str_or_empty(c->message)) ||
        (c->has_transition && !put(o, "lastTransitionTime", time_str(c->last_transition)))) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *hpa_codec_conditions_to_json(size_t n, const hpa_condition *c)
{
    json_t *arr = json_array();
    size_t i;

    if (!arr)
        return NULL;
    for (i = 0; i < n; i++) {
        if (!push(arr, condition(&c[i]))) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static json_t *events_json(size_t n, const hpa_scale_event *ev)
{
    json_t *arr = json_array(), *o;
    size_t i;

    if (!arr)
        return NULL;
    for (i = 0; i < n; i++) {
        o = json_object();
        if (!push(arr, o) || !put(o, "time", time_str(ev[i].time)) ||
            !put(o, "change", json_integer(ev[i].change))) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

json_t *hpa_codec_state_to_json(const hpa_state *state)
{
    json_t *o = json_object(), *recs = json_array(), *r;
    size_t i;

    if (!o || !put(o, "recommendations", recs))
        goto fail;
    for (i = 0; i < state->n_recs; i++) {
        r = json_object();
        if (!push(recs, r) || !put(r, "time", time_str(state->recs[i].time)) ||
            !put(r, "replicas", json_integer(state->recs[i].replicas)))
            goto fail;
    }
    if (!put(o, "scaleUpEvents", events_json(state->n_up, state->up)) ||
        !put(o, "scaleDownEvents", events_json(state->n_down, state->down)))
        goto fail;
    return o;
fail:
    if (!o)
        json_decref(recs);
    json_decref(o);
    return NULL;
}

static json_t *proposals_json(const hpa_decision *d)
{
    json_t *arr = json_array(), *o;
    size_t i;

    if (!arr)
        return NULL;
    for (i = 0; i < d->n_proposals; i++) {
        o = json_object();
        if (!push(arr, o) || !put(o, "metric", str_or_empty(d->proposals[i].metric)) ||
            !put(o, "replicas", json_integer(d->proposals[i].replicas)) ||
            (d->proposals[i].error && !put(o, "error", json_string(d->proposals[i].error)))) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

static json_t *emitted_events(const hpa_decision *d)
{
    json_t *arr = json_array(), *o;
    size_t i;

    if (!arr)
        return NULL;
    for (i = 0; i < d->n_events; i++) {
        o = json_object();
        if (!push(arr, o) || !put(o, "type", str_or_empty(d->events[i].type)) ||
            !put(o, "reason", str_or_empty(d->events[i].reason)) ||
            !put(o, "message", str_or_empty(d->events[i].message))) {
            json_decref(arr);
            return NULL;
        }
    }
    return arr;
}

json_t *hpa_codec_decision_to_json(const hpa_decision *d, const hpa_state *state)
{
    json_t *o = json_object();
    hpa_state empty;

    if (!o)
        return NULL;
    if (!state) {
        memset(&empty, 0, sizeof(empty));
        state = &empty;
    }
    /* The contract's fields in its order, then the additive ones. */
    if (!put(o, "desiredReplicas", json_integer(d->desired_replicas)) ||
        !put(o, "currentReplicas", json_integer(d->current_replicas)) ||
        !put(o, "rescale", json_boolean(d->rescale)) ||
        !put(o, "reason", str_or_empty(d->reason)) ||
        !put(o, "currentMetrics", hpa_codec_metric_statuses_to_json(d)) ||
        !put(o, "metricProposals", proposals_json(d)) ||
        !put(o, "conditions", hpa_codec_conditions_to_json(d->n_conditions, d->conditions)) ||
        !put(o, "state", hpa_codec_state_to_json(state)) ||
        !put(o, "events", emitted_events(d)) ||
        (d->error && !put(o, "error", json_string(d->error)))) {
        json_decref(o);
        return NULL;
    }
    return o;
}
