/* decide.c - one reconcile of one HPA (see hpa/decide.h and
 * docs/algorithm.md). The per-metric calculation is in calc.c, the
 * stabilization and rate limits in normalize.c. */
#include "hpa/decide.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decide_int.h"

void hpa_workspace_init(hpa_workspace *ws)
{
    hpa_arena_init(&ws->arena);
    ws->scratch = NULL;
    ws->scratch_cap = 0;
    hpa_arena_init(&ws->sel_arena);
    ws->sel_text = NULL;
    memset(&ws->sel, 0, sizeof(ws->sel));
}

void hpa_workspace_free(hpa_workspace *ws)
{
    hpa_arena_free(&ws->arena);
    free(ws->scratch);
    ws->scratch = NULL;
    ws->scratch_cap = 0;
    hpa_arena_free(&ws->sel_arena);
    ws->sel_text = NULL;
}

/* labels.Parse with a one-entry cache in the workspace. */
static hpa_errcode parse_selector_cached(hpa_workspace *ws, const char *text,
                                         hpa_selector *out, hpa_err *err)
{
    hpa_errcode rc;

    if (ws->sel_text && !strcmp(ws->sel_text, text)) {
        *out = ws->sel;
        return HPA_OK;
    }
    ws->sel_text = NULL;
    hpa_arena_reset(&ws->sel_arena);
    rc = hpa_selector_parse(text, &ws->sel_arena, &ws->sel, err);
    if (rc != HPA_OK)
        return rc;
    ws->sel_text = hpa_arena_strdup(&ws->sel_arena, text);
    *out = ws->sel;
    return HPA_OK;
}

/* ---- output helpers ---------------------------------------------------- */

const char *hpa_dec_fmt(hpa_dec_ctx *c, const char *fmt, ...)
{
    va_list ap, ap2;
    int n;
    char *p;

    va_start(ap, fmt);
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    p = n < 0 ? NULL : hpa_arena_alloc(&c->ws->arena, (size_t)n + 1);
    if (p)
        vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    if (!p) {
        c->oom = true;
        return "";
    }
    return p;
}

const char *hpa_dec_cat(hpa_dec_ctx *c, ...)
{
    va_list ap;
    const char *s;
    size_t n = 0, k;
    char *p, *q;

    va_start(ap, c);
    while ((s = va_arg(ap, const char *)) != NULL)
        n += strlen(s);
    va_end(ap);
    p = hpa_arena_alloc(&c->ws->arena, n + 1);
    if (!p) {
        c->oom = true;
        return "";
    }
    q = p;
    va_start(ap, c);
    while ((s = va_arg(ap, const char *)) != NULL) {
        k = strlen(s);
        memcpy(q, s, k);
        q += k;
    }
    va_end(ap);
    *q = '\0';
    return p;
}

const char *hpa_dec_itoa(int32_t v, char *buf)
{
    char tmp[12];
    uint32_t u = v < 0 ? 0u - (uint32_t)v : (uint32_t)v;
    size_t n = 0, i = 0;

    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        buf[i++] = '-';
    while (n)
        buf[i++] = tmp[--n];
    buf[i] = '\0';
    return buf;
}

void hpa_dec_explain(hpa_dec_ctx *c, const char *fmt, ...)
{
    va_list ap;

    if (!c->ex)
        return;
    va_start(ap, fmt);
    hpa_strbuf_vprintf(c->ex, fmt, ap);
    va_end(ap);
}

/* UPSTREAM: setConditionInList: find by type or append; the transition
 * time moves only when the status changes. */
void hpa_dec_set_condition(hpa_dec_ctx *c, const char *type,
                           const char *status, const char *reason,
                           const char *message)
{
    hpa_condition *cond = NULL;
    size_t i;

    if (!type || !*type)
        return;
    for (i = 0; i < c->n_conds; i++) {
        if (c->conds[i].type && !strcmp(c->conds[i].type, type)) {
            cond = &c->conds[i];
            break;
        }
    }
    if (!cond) {
        if (c->n_conds == c->cap_conds) {
            c->oom = true;
            return;
        }
        cond = &c->conds[c->n_conds++];
        memset(cond, 0, sizeof(*cond));
        cond->type = type;
    }
    if (!cond->status || strcmp(cond->status, status)) {
        cond->has_transition = true;
        cond->last_transition = c->now;
    }
    cond->status = status;
    cond->reason = reason;
    cond->message = message;
}

void hpa_dec_event(hpa_dec_ctx *c, const char *type, const char *reason,
                   const char *message)
{
    hpa_event_out *ev;

    if (c->n_events == c->cap_events) {
        c->oom = true;
        return;
    }
    ev = &c->events[c->n_events++];
    ev->type = type;
    ev->reason = reason;
    ev->message = message;
}

/* ---- scratch ------------------------------------------------------------ */

static size_t align16(size_t n)
{
    return (n + 15u) & ~(size_t)15u;
}

/* Carve the per-pod tables out of ws->scratch, growing it only when this
 * decision is larger than every earlier one. */
static hpa_errcode scratch_setup(hpa_dec_ctx *c)
{
    const hpa_snapshot *s = c->snap;
    size_t max_entries = s->n_pod_metrics, i, slots, tsize = 16, need;
    unsigned char *p;

    for (i = 0; i < s->n_pod_custom; i++)
        if (s->pod_custom[i].n > max_entries)
            max_entries = s->pod_custom[i].n;
    slots = s->n_pods + max_entries;
    if (slots > UINT32_MAX / 4)
        return HPA_ENOMEM;
    while (tsize < 2 * slots)
        tsize *= 2;
    need = 2 * align16(s->n_pods * sizeof(uint32_t)) +
           align16(slots * sizeof(dec_slot)) +
           align16(tsize * sizeof(uint32_t));
    if (need > c->ws->scratch_cap) {
        void *np = malloc(need);

        if (!np)
            return HPA_ENOMEM;
        free(c->ws->scratch);
        c->ws->scratch = np;
        c->ws->scratch_cap = need;
    }
    p = c->ws->scratch;
    c->sel = (uint32_t *)(void *)p;
    p += align16(s->n_pods * sizeof(uint32_t));
    c->sel_slot = (uint32_t *)(void *)p;
    p += align16(s->n_pods * sizeof(uint32_t));
    c->slots = (dec_slot *)(void *)p;
    p += align16(slots * sizeof(dec_slot));
    c->table = (uint32_t *)(void *)p;
    c->table_mask = tsize - 1;
    c->max_slots = slots;
    c->n_sel = c->n_slots = c->n_pod_slots = 0;
    c->table_has_extras = false;
    return HPA_OK;
}

/* ---- computeReplicasForMetrics ------------------------------------------- */

typedef struct metrics_outcome {
    int32_t replicas;       /* -1: hold */
    const char *metric;
    const char *error;      /* NULL when every metric was computed */
    bool no_statuses;       /* the selector failed: status left empty */
} metrics_outcome;

static bool parse_scale_selector(hpa_dec_ctx *c, metrics_outcome *mo)
{
    const char *sel = c->snap->scale.selector;
    hpa_err err;
    size_t i;

    /* UPSTREAM: validateAndParseSelector. */
    if (!sel || !*sel) {
        hpa_dec_event(c, "Warning", "SelectorRequired", "selector is required");
        hpa_dec_set_condition(c, "ScalingActive", "False", "InvalidSelector",
                              "the HPA target's scale is missing a selector");
        mo->error = "selector is required";
        hpa_dec_explain(c, "The target's scale has no selector: no metric is read.\n");
        return false;
    }
    /* not hpa_err_clear(): a 1 KiB memset per decision for nothing */
    err.code = HPA_OK;
    err.msg[0] = '\0';
    if (parse_selector_cached(c->ws, sel, &c->selector, &err) != HPA_OK) {
        const char *msg = hpa_dec_fmt(c,
            "couldn't convert selector into a corresponding internal selector object: %s",
            err.msg);

        if (err.code == HPA_ENOMEM)
            c->oom = true;
        hpa_dec_event(c, "Warning", "InvalidSelector", msg);
        hpa_dec_set_condition(c, "ScalingActive", "False", "InvalidSelector", msg);
        mo->error = msg;
        hpa_dec_explain(c, "The scale's selector %s cannot be parsed: %s.\n", sel, err.msg);
        return false;
    }
    /* podLister.Pods(namespace).List(selector). The contract's `pods` are
     * the selected pods, so a pod that comes without metadata.labels (a
     * hand-written or converted snapshot) is taken as selected; a pod that
     * states its labels is matched as the lister would match it. */
    for (i = 0; i < c->snap->n_pods; i++) {
        const hpa_pod *p = &c->snap->pods[i];

        if (!p->has_labels || hpa_selector_matches(&c->selector, &p->labels))
            c->sel[c->n_sel++] = (uint32_t)i;
    }
    hpa_dec_explain(c, "Selector %s selects %zu of %zu pods.\n", sel, c->n_sel,
                    c->snap->n_pods);
    return true;
}

static void compute_metrics(hpa_dec_ctx *c, hpa_metric_status *statuses,
                            hpa_metric_proposal *props, metrics_outcome *mo)
{
    const hpa_spec *h = c->hpa;
    int32_t replicas = 0;
    const char *metric = "";
    const char *inv_reason = NULL, *inv_msg = NULL, *inv_err = NULL;
    size_t i, invalid = 0;

    mo->replicas = -1;
    mo->metric = "";
    mo->error = NULL;
    mo->no_statuses = false;
    if (!parse_scale_selector(c, mo)) {
        mo->no_statuses = true;
        return;
    }
    hpa_dec_index_pods(c);
    for (i = 0; i < h->n_metrics; i++) {
        hpa_dec_result r;

        memset(&r, 0, sizeof(r));
        hpa_dec_metric(c, &h->metrics[i], c->snap->scale.spec_replicas,
                       c->snap->scale.status_replicas, &statuses[i], &r);
        props[i].metric = r.name ? r.name : "";
        if (r.error) {
            props[i].replicas = -1;
            props[i].error = r.error;
            statuses[i].type = HPA_METRIC_UNKNOWN;
            if (invalid == 0) {
                inv_reason = r.cond_reason;
                inv_msg = r.cond_message;
                inv_err = r.error;
            }
            invalid++;
            continue;
        }
        props[i].replicas = r.replicas;
        /* UPSTREAM: the largest proposal wins; on a tie the first; a
         * proposal replaces a current maximum of 0. */
        if (replicas == 0 || r.replicas > replicas) {
            replicas = r.replicas;
            metric = props[i].metric;
        }
    }
    if (inv_err)
        mo->error = hpa_dec_fmt(c, "invalid metrics (%zu invalid out of %zu), first error is: %s",
                                invalid, h->n_metrics, inv_err);
    if (invalid >= h->n_metrics ||
        (invalid > 0 && replicas < c->snap->scale.spec_replicas)) {
        /* UPSTREAM: every metric failed, or a failure blocks a scale-down. */
        if (inv_reason)
            hpa_dec_set_condition(c, "ScalingActive", "False", inv_reason, inv_msg);
        hpa_dec_explain(c, "%zu of %zu metrics failed%s: holding at the current count.\n",
                        invalid, h->n_metrics,
                        invalid < h->n_metrics ? " and the others propose a scale-down" : "");
        mo->replicas = -1;
        return;
    }
    hpa_dec_set_condition(c, "ScalingActive", "True", "ValidMetricFound",
        hpa_dec_cat(c, "the HPA was able to successfully calculate a replica count from ",
                    metric, (const char *)NULL));
    mo->replicas = replicas;
    mo->metric = metric;
    if (invalid)
        hpa_dec_explain(c, "%zu of %zu metrics failed, but the others propose %d >= current: "
                        "the failure does not block this.\n", invalid, h->n_metrics, replicas);
    hpa_dec_explain(c, "Largest proposal: %d from %s.\n", replicas, metric);
}

/* ---- the reconcile ------------------------------------------------------- */

static bool bad_group_version(const char *gv)
{
    const char *slash;

    /* schema.ParseGroupVersion: "", "v1", "group/version"; more than one
     * '/' is an error. */
    if (!gv)
        return false;
    slash = strchr(gv, '/');
    return slash && strchr(slash + 1, '/');
}

static hpa_errcode ctx_init(hpa_dec_ctx *c, const hpa_snapshot *snap,
                            const hpa_options *opts, hpa_state *state,
                            hpa_workspace *ws, hpa_strbuf *explain)
{
    const hpa_spec *h = snap->hpa;

    memset(c, 0, sizeof(*c));
    c->snap = snap;
    c->hpa = h;
    c->opts = opts;
    c->state = state;
    c->ws = ws;
    c->ex = explain;
    c->now = snap->now;
    /* UPSTREAM: tolerancesForHpa. */
    c->tol_up = c->tol_down = opts->tolerance;
    if (h->has_behavior) {
        if (h->scale_up.has_tolerance)
            c->tol_up = hpa_quantity_approx_float(&h->scale_up.tolerance);
        if (h->scale_down.has_tolerance)
            c->tol_down = hpa_quantity_approx_float(&h->scale_down.tolerance);
    }
    c->cap_conds = h->n_conditions + 3;
    c->conds = hpa_arena_calloc(&ws->arena, c->cap_conds, sizeof(*c->conds));
    c->cap_events = h->n_metrics + 4;
    c->events = hpa_arena_calloc(&ws->arena, c->cap_events, sizeof(*c->events));
    if (!c->conds || !c->events)
        return HPA_ENOMEM;
    if (h->n_conditions)
        memcpy(c->conds, h->conditions, h->n_conditions * sizeof(*c->conds));
    c->n_conds = h->n_conditions;
    return scratch_setup(c);
}

static void finish(hpa_dec_ctx *c, hpa_decision *out)
{
    out->conditions = c->conds;
    out->n_conditions = c->n_conds;
    out->events = c->events;
    out->n_events = c->n_events;
    if (!out->reason)
        out->reason = "";
}

/* The metrics branch of reconcileAutoscaler. Returns false on a hold
 * (out filled), true with *desired set otherwise. */
static bool decide_from_metrics(hpa_dec_ctx *c, int32_t current,
                                int32_t min_replicas, hpa_decision *out,
                                int32_t *desired)
{
    const hpa_spec *h = c->hpa;
    hpa_metric_status *st;
    hpa_metric_proposal *props;
    metrics_outcome mo;
    const char *rescale_metric = "";
    int32_t d = 0;

    st = hpa_arena_calloc(&c->ws->arena, h->n_metrics ? h->n_metrics : 1, sizeof(*st));
    props = hpa_arena_calloc(&c->ws->arena, h->n_metrics ? h->n_metrics : 1, sizeof(*props));
    if (!st || !props) {
        c->oom = true;
        return false;
    }
    compute_metrics(c, st, props, &mo);
    out->metrics_computed = true;
    if (mo.no_statuses) {
        /* UPSTREAM: a selector failure returns no statuses at all */
        out->n_metrics = 0;
    } else {
        out->metrics = st;
        out->n_metrics = h->n_metrics;
        out->proposals = props;
        out->n_proposals = h->n_metrics;
    }
    if (mo.error && mo.replicas == -1) {
        /* UPSTREAM: FailedComputeMetricsReplicas: no normalization, no
         * rescale, nothing recorded. */
        hpa_dec_event(c, "Warning", "FailedComputeMetricsReplicas", mo.error);
        out->error = hpa_dec_fmt(c,
            "failed to compute desired number of replicas based on listed metrics for %s/%s/%s: %s",
            h->target.kind ? h->target.kind : "", h->namespace_ ? h->namespace_ : "",
            h->target.name ? h->target.name : "", mo.error);
        return false;
    }
    if (mo.error)
        out->error = mo.error;
    if (mo.replicas > d) {
        d = mo.replicas;
        rescale_metric = mo.metric;
    }
    if (d > current)
        out->reason = hpa_dec_cat(c, rescale_metric, " above target", (const char *)NULL);
    if (d < current)
        out->reason = "All metrics below target";
    if (!h->has_behavior)
        d = hpa_dec_normalize_plain(c, current, d, min_replicas);
    else
        d = hpa_dec_normalize_behavior(c, current, d, min_replicas);
    *desired = d;
    return true;
}

hpa_errcode hpa_decide(const hpa_snapshot *snap, const hpa_options *opts,
                       hpa_state *state, hpa_workspace *ws,
                       hpa_strbuf *explain, hpa_decision *out, hpa_err *e)
{
    hpa_dec_ctx c;
    const hpa_spec *h;
    int32_t current, min_replicas, desired = 0;
    bool rescale = true;

    if (!snap || !snap->hpa || !opts || !state || !ws || !out)
        return hpa_err_set(e, HPA_EINVAL, NULL, "hpa_decide: missing snapshot, HPA, options, state, workspace or output");
    memset(out, 0, sizeof(*out));
    hpa_arena_reset(&ws->arena);
    h = snap->hpa;
    if (ctx_init(&c, snap, opts, state, ws, explain) != HPA_OK)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory making the decision");
    current = snap->scale.spec_replicas;
    out->current_replicas = current;
    out->desired_replicas = current;
    out->reason = "";

    if (bad_group_version(h->target.api_version)) {
        /* UPSTREAM: ParseGroupVersion fails before the scale is read. */
        const char *err = hpa_dec_fmt(&c, "unexpected GroupVersion string: %s", h->target.api_version);

        hpa_dec_event(&c, "Warning", "FailedGetScale", err);
        hpa_dec_set_condition(&c, "AbleToScale", "False", "FailedGetScale",
            hpa_dec_fmt(&c, "the HPA controller was unable to get the target's current scale: %s", err));
        out->error = hpa_dec_fmt(&c, "invalid API version in scale target reference: %s", err);
        hpa_dec_explain(&c, "scaleTargetRef.apiVersion %s is not a group/version: no decision.\n",
                        h->target.api_version);
        goto out;
    }
    hpa_dec_set_condition(&c, "AbleToScale", "True", "SucceededGetScale",
                          "the HPA controller was able to get the target's current scale");
    /* UPSTREAM: recordInitialRecommendation. */
    if (!state->known) {
        hpa_recommendation r = {c.now, current};

        if (hpa_state_push_rec(state, r) != HPA_OK)
            c.oom = true;
        state->known = true;
        hpa_dec_explain(&c, "First decision for this HPA: recorded {%d, now} as its first recommendation.\n",
                        current);
    }
    min_replicas = h->has_min_replicas ? h->min_replicas : 1;
    hpa_dec_explain(&c, "Current replicas %d (scale.spec.replicas), bounds [%d, %d].\n",
                    current, min_replicas, h->max_replicas);

    if (current == 0 && min_replicas != 0) {
        rescale = false;
        desired = 0;
        hpa_dec_set_condition(&c, "ScalingActive", "False", "ScalingDisabled",
                              "scaling is disabled since the replica count of the target is zero");
        hpa_dec_explain(&c, "Replica count 0 with minReplicas %d: scaling is disabled.\n", min_replicas);
    } else if (current > h->max_replicas) {
        out->reason = "Current number of replicas above Spec.MaxReplicas";
        desired = h->max_replicas;
        hpa_dec_explain(&c, "Current %d is above maxReplicas: desired = %d, no metric read.\n",
                        current, desired);
    } else if (current < min_replicas) {
        out->reason = "Current number of replicas below Spec.MinReplicas";
        desired = min_replicas;
        hpa_dec_explain(&c, "Current %d is below minReplicas: desired = %d, no metric read.\n",
                        current, desired);
    } else {
        if (!decide_from_metrics(&c, current, min_replicas, out, &desired)) {
            out->desired_replicas = current;
            goto out;
        }
        rescale = desired != current;
    }
    if (rescale) {
        char num[12];

        hpa_dec_itoa(desired, num);
        hpa_dec_set_condition(&c, "AbleToScale", "True", "SucceededRescale",
            hpa_dec_cat(&c, "the HPA controller was able to update the target scale to ", num,
                        (const char *)NULL));
        hpa_dec_event(&c, "Normal", "SuccessfulRescale",
            hpa_dec_cat(&c, "New size: ", num, "; reason: ", out->reason, (const char *)NULL));
        if (hpa_dec_store_scale_event(&c, current, desired) != HPA_OK)
            c.oom = true;
    } else {
        desired = current;
    }
    out->desired_replicas = desired;
    out->rescale = rescale;
    hpa_dec_explain(&c, "Decision: %d -> %d%s.\n", current, desired,
                    rescale ? " (rescale)" : " (no change)");
out:
    finish(&c, out);
    if (c.oom)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory making the decision");
    return HPA_OK;
}
