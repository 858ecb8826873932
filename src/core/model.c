/* model.c - helpers over the model structs (see hpa/model.h): resource
 * lists, controller defaults, the remembered state, API-server defaulting
 * of an HPA, and the names of the enums. */
#include "hpa/model.h"

#include <stdlib.h>
#include <string.h>

#include "hpa/arena.h"

bool hpa_resource_list_get(const hpa_resource_list *l, const char *name,
                           int64_t *milli)
{
    size_t i;

    if (!l || !name)
        return false;
    for (i = 0; i < l->n; i++) {
        if (l->items[i].name && !strcmp(l->items[i].name, name)) {
            if (milli)
                *milli = l->items[i].milli;
            return true;
        }
    }
    return false;
}

hpa_options hpa_options_default(void)
{
    /* UPSTREAM: kube-controller-manager flag defaults
     * (--horizontal-pod-autoscaler-tolerance and friends). */
    hpa_options o;

    o.tolerance = 0.1;
    o.cpu_initialization_period = 5 * 60 * HPA_MS_PER_S;
    o.initial_readiness_delay = 30 * HPA_MS_PER_S;
    o.downscale_stabilization = 5 * 60 * HPA_MS_PER_S;
    return o;
}

/* ---- state ------------------------------------------------------------ */

void hpa_state_init(hpa_state *s)
{
    memset(s, 0, sizeof(*s));
}

void hpa_state_free(hpa_state *s)
{
    free(s->recs);
    free(s->up);
    free(s->down);
    memset(s, 0, sizeof(*s));
}

/* Grow *arr (element size `size`) so that it holds `need` elements. */
static hpa_errcode grow(void **arr, size_t *cap, size_t need, size_t size)
{
    size_t ncap;
    void *p;

    if (need <= *cap)
        return HPA_OK;
    ncap = *cap ? *cap : 8;
    while (ncap < need) {
        if (ncap > ((size_t)-1) / 2 / size)
            return HPA_ENOMEM;
        ncap *= 2;
    }
    p = realloc(*arr, ncap * size);
    if (!p)
        return HPA_ENOMEM;
    *arr = p;
    *cap = ncap;
    return HPA_OK;
}

hpa_errcode hpa_state_reserve(hpa_state *s, size_t recs, size_t events)
{
    void *p;

    p = s->recs;
    if (grow(&p, &s->cap_recs, s->n_recs + recs, sizeof(*s->recs)))
        return HPA_ENOMEM;
    s->recs = p;
    p = s->up;
    if (grow(&p, &s->cap_up, s->n_up + events, sizeof(*s->up)))
        return HPA_ENOMEM;
    s->up = p;
    p = s->down;
    if (grow(&p, &s->cap_down, s->n_down + events, sizeof(*s->down)))
        return HPA_ENOMEM;
    s->down = p;
    return HPA_OK;
}

hpa_errcode hpa_state_copy(hpa_state *dst, const hpa_state *src)
{
    hpa_state t;

    hpa_state_init(&t);
    t.known = src->known;
    if (hpa_state_reserve(&t, src->n_recs, src->n_up > src->n_down ? src->n_up : src->n_down)) {
        hpa_state_free(&t);
        return HPA_ENOMEM;
    }
    if (src->n_recs)
        memcpy(t.recs, src->recs, src->n_recs * sizeof(*t.recs));
    if (src->n_up)
        memcpy(t.up, src->up, src->n_up * sizeof(*t.up));
    if (src->n_down)
        memcpy(t.down, src->down, src->n_down * sizeof(*t.down));
    t.n_recs = src->n_recs;
    t.n_up = src->n_up;
    t.n_down = src->n_down;
    *dst = t;
    return HPA_OK;
}

hpa_errcode hpa_state_push_rec(hpa_state *s, hpa_recommendation r)
{
    void *p = s->recs;

    if (grow(&p, &s->cap_recs, s->n_recs + 1, sizeof(*s->recs)))
        return HPA_ENOMEM;
    s->recs = p;
    s->recs[s->n_recs++] = r;
    return HPA_OK;
}

hpa_errcode hpa_state_push_up(hpa_state *s, hpa_scale_event ev)
{
    void *p = s->up;

    if (grow(&p, &s->cap_up, s->n_up + 1, sizeof(*s->up)))
        return HPA_ENOMEM;
    s->up = p;
    s->up[s->n_up++] = ev;
    return HPA_OK;
}

hpa_errcode hpa_state_push_down(hpa_state *s, hpa_scale_event ev)
{
    void *p = s->down;

    if (grow(&p, &s->cap_down, s->n_down + 1, sizeof(*s->down)))
        return HPA_ENOMEM;
    s->down = p;
    s->down[s->n_down++] = ev;
    return HPA_OK;
}

/* ---- API-server defaulting ------------------------------------------- */

/* UPSTREAM: GenerateHPAScaleUpRules / GenerateHPAScaleDownRules defaults. */
static const hpa_scaling_policy default_up_policies[] = {
    {HPA_POLICY_PODS, 4, 15},
    {HPA_POLICY_PERCENT, 100, 15},
};
static const hpa_scaling_policy default_down_policies[] = {
    {HPA_POLICY_PERCENT, 100, 15},
};

static void default_rules(hpa_scaling_rules *r, bool present, bool window,
                          bool select, bool policies, bool up)
{
    /* copyHPAScalingRules: an absent direction takes every default; a
     * present one keeps what was given (an explicit empty policy list
     * stays empty). */
    if (!present || !window) {
        r->has_window = up;     /* scale-down: the controller fills it in */
        r->window_seconds = 0;
    }
    if (!present || !select)
        r->select = HPA_SELECT_MAX;
    if (!present || !policies) {
        r->policies = up ? default_up_policies : default_down_policies;
        r->n_policies = up ? 2 : 1;
    }
    if (!present)
        r->has_tolerance = false;
}

hpa_errcode hpa_spec_apply_defaults(hpa_spec *spec,
                                    const hpa_spec_defaults_input *given,
                                    hpa_arena *a)
{
    if (!spec->has_min_replicas) {
        spec->has_min_replicas = true;
        spec->min_replicas = 1;
    }
    if (spec->n_metrics == 0) {
        /* UPSTREAM: SetDefaults_HorizontalPodAutoscaler: CPU 80 %. */
        hpa_metric_spec *m = a ? hpa_arena_calloc(a, 1, sizeof(*m)) : NULL;

        if (!m)
            return HPA_ENOMEM;
        m->type = HPA_METRIC_RESOURCE;
        m->type_name = "Resource";
        m->resource = "cpu";
        m->target.type = HPA_TARGET_UTILIZATION;
        m->target.type_name = "Utilization";
        m->target.has_average_utilization = true;
        m->target.average_utilization = 80;
        spec->metrics = m;
        spec->n_metrics = 1;
    }
    if (spec->has_behavior && given) {
        default_rules(&spec->scale_up, given->up_present, given->up_window,
                      given->up_select, given->up_policies, true);
        default_rules(&spec->scale_down, given->down_present,
                      given->down_window, given->down_select,
                      given->down_policies, false);
    }
    return HPA_OK;
}

/* ---- names ------------------------------------------------------------ */

const char *hpa_metric_type_name(hpa_metric_type t)
{
    switch (t) {
    case HPA_METRIC_OBJECT: return "Object";
    case HPA_METRIC_PODS: return "Pods";
    case HPA_METRIC_RESOURCE: return "Resource";
    case HPA_METRIC_CONTAINER_RESOURCE: return "ContainerResource";
    case HPA_METRIC_EXTERNAL: return "External";
    case HPA_METRIC_UNKNOWN: break;
    }
    return "";
}

const char *hpa_target_type_name(hpa_target_type t)
{
    switch (t) {
    case HPA_TARGET_UTILIZATION: return "Utilization";
    case HPA_TARGET_VALUE: return "Value";
    case HPA_TARGET_AVERAGE_VALUE: return "AverageValue";
    case HPA_TARGET_UNKNOWN: break;
    }
    return "";
}

const char *hpa_select_policy_name(hpa_select_policy p)
{
    switch (p) {
    case HPA_SELECT_MAX: return "Max";
    case HPA_SELECT_MIN: return "Min";
    case HPA_SELECT_DISABLED: return "Disabled";
    }
    return "";
}

const char *hpa_policy_type_name(hpa_policy_type p)
{
    switch (p) {
    case HPA_POLICY_PODS: return "Pods";
    case HPA_POLICY_PERCENT: return "Percent";
    }
    return "";
}
