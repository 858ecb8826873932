/* normalize.c - from the metrics' proposal to the replica count the
 * controller sets: stabilization over recorded recommendations and rate
 * limits over recorded scale events (with a behavior), or the older rules
 * (without). Also the recording of scale events and hpa_state_compact().
 * See docs/algorithm.md. */
#include <math.h>
#include <string.h>

#include "decide_int.h"

static hpa_time_t secs_before(hpa_time_t now, int32_t seconds)
{
    return now - (hpa_time_t)seconds * HPA_MS_PER_S;
}

/* UPSTREAM: maybeInitScaleDownStabilizationWindow: the controller's
 * setting in whole seconds, int32(d.Seconds()). */
static int32_t down_window(const hpa_spec *h, const hpa_options *o)
{
    if (h->scale_down.has_window)
        return h->scale_down.window_seconds;
    return (int32_t)(o->downscale_stabilization / 1000);
}

/* Record the unstabilized recommendation: replace the LAST slot older
 * than the cutoff(s) (old_idx), else append. */
static void record(hpa_dec_ctx *c, bool found_old, size_t old_idx, int32_t desired)
{
    hpa_recommendation r = {c->now, desired};

    if (found_old)
        c->state->recs[old_idx] = r;
    else if (hpa_state_push_rec(c->state, r) != HPA_OK)
        c->oom = true;
}

static void explain_recs(hpa_dec_ctx *c)
{
    size_t i;

    if (!c->ex)
        return;
    hpa_strbuf_printf(c->ex, "  recorded recommendations (%zu):", c->state->n_recs);
    for (i = 0; i < c->state->n_recs; i++)
        hpa_strbuf_printf(c->ex, " %d@%+llds", c->state->recs[i].replicas,
                          (long long)((c->state->recs[i].time - c->now) / 1000));
    hpa_strbuf_append(c->ex, "\n");
}

/* ---- with a behavior ----------------------------------------------------- */

/* UPSTREAM: stabilizeRecommendationWithBehaviors. */
static int32_t stabilize_behavior(hpa_dec_ctx *c, int32_t current, int32_t desired,
                                  const char **reason, const char **message)
{
    const hpa_spec *h = c->hpa;
    int32_t upw = h->scale_up.window_seconds, downw = down_window(h, c->opts);
    hpa_time_t up_cut = secs_before(c->now, upw), down_cut = secs_before(c->now, downw);
    int32_t up = desired, down = desired, rec;
    bool found_old = false;
    size_t i, old_idx = 0;

    hpa_dec_explain(c, "Stabilization (behavior): scale-up window %ds, scale-down window %ds.\n",
                    upw, downw);
    explain_recs(c);
    for (i = 0; i < c->state->n_recs; i++) {
        const hpa_recommendation *r = &c->state->recs[i];

        if (r->time > up_cut && r->replicas < up)
            up = r->replicas;
        if (r->time > down_cut && r->replicas > down)
            down = r->replicas;
        if (r->time < up_cut && r->time < down_cut) {
            found_old = true;
            old_idx = i;
        }
    }
    rec = current;
    if (rec < up)
        rec = up;
    if (rec > down)
        rec = down;
    hpa_dec_explain(c, "  lowest in the scale-up window %d, highest in the scale-down window %d: "
                    "min(max(%d, %d), %d) = %d\n", up, down, current, up, down, rec);
    record(c, found_old, old_idx, desired);
    if (desired >= current) {
        *reason = "ScaleUpStabilized";
        *message = "recent recommendations were lower than current one, applying the lowest recent recommendation";
    } else {
        *reason = "ScaleDownStabilized";
        *message = "recent recommendations were higher than current one, applying the highest recent recommendation";
    }
    return rec;
}

/* UPSTREAM: getReplicasChangePerPeriod: events strictly after the cutoff. */
static int32_t change_in_period(const hpa_dec_ctx *c, int32_t period,
                                const hpa_scale_event *ev, size_t n)
{
    hpa_time_t cut = secs_before(c->now, period);
    uint32_t sum = 0;
    size_t i;

    for (i = 0; i < n; i++)
        if (ev[i].time > cut)
            sum += (uint32_t)ev[i].change;
    return (int32_t)sum;
}

static int32_t period_start(hpa_dec_ctx *c, int32_t current, int32_t period)
{
    int32_t added = change_in_period(c, period, c->state->up, c->state->n_up);
    int32_t deleted = change_in_period(c, period, c->state->down, c->state->n_down);

    return (int32_t)((uint32_t)current - (uint32_t)added + (uint32_t)deleted);
}

/* UPSTREAM: calculateScaleUpLimitWithScalingRules. */
static int32_t scale_up_limit(hpa_dec_ctx *c, int32_t current)
{
    const hpa_scaling_rules *r = &c->hpa->scale_up;
    int32_t result;
    size_t i;

    if (r->select == HPA_SELECT_DISABLED) {
        hpa_dec_explain(c, "  scale-up disabled (selectPolicy Disabled): limit %d\n", current);
        return current;
    }
    result = r->select == HPA_SELECT_MIN ? INT32_MAX : INT32_MIN;
    for (i = 0; i < r->n_policies; i++) {
        const hpa_scaling_policy *p = &r->policies[i];
        int32_t start = period_start(c, current, p->period_seconds), prop;

        if (p->type == HPA_POLICY_PODS)
            prop = (int32_t)((uint32_t)start + (uint32_t)p->value);
        else
            prop = hpa_dec_go_int32(ceil((double)start * (1 + (double)p->value / 100)));
        hpa_dec_explain(c, "  scale-up policy %s %d per %ds: period start %d -> limit %d\n",
                        hpa_policy_type_name(p->type), p->value, p->period_seconds, start, prop);
        if (r->select == HPA_SELECT_MIN ? prop < result : prop > result)
            result = prop;
    }
    return result;
}

/* UPSTREAM: calculateScaleDownLimitWithBehaviors. */
static int32_t scale_down_limit(hpa_dec_ctx *c, int32_t current)
{
    const hpa_scaling_rules *r = &c->hpa->scale_down;
    int32_t result;
    size_t i;

    if (r->select == HPA_SELECT_DISABLED) {
        hpa_dec_explain(c, "  scale-down disabled (selectPolicy Disabled): limit %d\n", current);
        return current;
    }
    result = r->select == HPA_SELECT_MIN ? INT32_MIN : INT32_MAX;
    for (i = 0; i < r->n_policies; i++) {
        const hpa_scaling_policy *p = &r->policies[i];
        int32_t start = period_start(c, current, p->period_seconds), prop;

        if (p->type == HPA_POLICY_PODS)
            prop = (int32_t)((uint32_t)start - (uint32_t)p->value);
        else
            prop = hpa_dec_go_int32((double)start * (1 - (double)p->value / 100));
        hpa_dec_explain(c, "  scale-down policy %s %d per %ds: period start %d -> limit %d\n",
                        hpa_policy_type_name(p->type), p->value, p->period_seconds, start, prop);
        if (r->select == HPA_SELECT_MIN ? prop > result : prop < result)
            result = prop;
    }
    return result;
}

/* UPSTREAM: convertDesiredReplicasWithBehaviorRate. */
static int32_t rate_limit(hpa_dec_ctx *c, int32_t current, int32_t desired,
                          int32_t min_replicas, const char **reason,
                          const char **message)
{
    const hpa_spec *h = c->hpa;

    if (desired > current) {
        int32_t limit = scale_up_limit(c, current), max_allowed = h->max_replicas;

        if (limit < current)
            limit = current;
        if (max_allowed > limit) {
            max_allowed = limit;
            *reason = "ScaleUpLimit";
            *message = "the desired replica count is increasing faster than the maximum scale rate";
        } else {
            *reason = "TooManyReplicas";
            *message = "the desired replica count is more than the maximum replica count";
        }
        hpa_dec_explain(c, "  scale-up limit %d, maxReplicas %d: at most %d\n", limit,
                        h->max_replicas, max_allowed);
        if (desired > max_allowed)
            return max_allowed;
    } else if (desired < current) {
        int32_t limit = scale_down_limit(c, current), min_allowed = min_replicas;

        if (limit > current)
            limit = current;
        if (min_allowed < limit) {
            min_allowed = limit;
            *reason = "ScaleDownLimit";
            *message = "the desired replica count is decreasing faster than the maximum scale rate";
        } else {
            *reason = "TooFewReplicas";
            *message = "the desired replica count is less than the minimum replica count";
        }
        hpa_dec_explain(c, "  scale-down limit %d, minReplicas %d: at least %d\n", limit,
                        min_replicas, min_allowed);
        if (desired < min_allowed)
            return min_allowed;
    }
    *reason = "DesiredWithinRange";
    *message = "the desired count is within the acceptable range";
    return desired;
}

int32_t hpa_dec_normalize_behavior(hpa_dec_ctx *c, int32_t current,
                                   int32_t desired, int32_t min_replicas)
{
    const char *reason, *message;
    int32_t stab, out;

    stab = stabilize_behavior(c, current, desired, &reason, &message);
    if (stab != desired)
        hpa_dec_set_condition(c, "AbleToScale", "True", reason, message);
    else
        hpa_dec_set_condition(c, "AbleToScale", "True", "ReadyForNewScale",
                              "recommended size matches current size");
    hpa_dec_explain(c, "Rate limits (behavior) on %d:\n", stab);
    out = rate_limit(c, current, stab, min_replicas, &reason, &message);
    hpa_dec_set_condition(c, "ScalingLimited", out == stab ? "False" : "True", reason, message);
    hpa_dec_explain(c, "  -> %d (%s)\n", out, reason);
    return out;
}

/* ---- without a behavior ------------------------------------------------------ */

int32_t hpa_dec_normalize_plain(hpa_dec_ctx *c, int32_t current,
                                int32_t desired, int32_t min_replicas)
{
    const hpa_spec *h = c->hpa;
    hpa_time_t cut = c->now - c->opts->downscale_stabilization;
    int32_t stab = desired, out, up_limit, max_allowed;
    const char *cond, *msg, *reason, *message;
    bool found_old = false;
    size_t i, old_idx = 0;

    /* UPSTREAM: stabilizeRecommendation: full duration, an entry exactly
     * at the cutoff counts. */
    hpa_dec_explain(c, "Stabilization (no behavior): highest recommendation in the last %lld ms.\n",
                    (long long)c->opts->downscale_stabilization);
    explain_recs(c);
    for (i = 0; i < c->state->n_recs; i++) {
        const hpa_recommendation *r = &c->state->recs[i];

        if (r->time < cut) {
            found_old = true;
            old_idx = i;
        } else if (r->replicas > stab) {
            stab = r->replicas;
        }
    }
    record(c, found_old, old_idx, desired);
    hpa_dec_explain(c, "  %d -> %d\n", desired, stab);
    if (stab != desired)
        hpa_dec_set_condition(c, "AbleToScale", "True", "ScaleDownStabilized",
                              "recent recommendations were higher than current one, applying the highest recent recommendation");
    else
        hpa_dec_set_condition(c, "AbleToScale", "True", "ReadyForNewScale",
                              "recommended size matches current size");
    /* UPSTREAM: convertDesiredReplicasWithRules. */
    up_limit = hpa_dec_go_int32(fmax(2.0 * (double)current, 4.0));
    if (h->max_replicas > up_limit) {
        max_allowed = up_limit;
        cond = "ScaleUpLimit";
        msg = "the desired replica count is increasing faster than the maximum scale rate";
    } else {
        max_allowed = h->max_replicas;
        cond = "TooManyReplicas";
        msg = "the desired replica count is more than the maximum replica count";
    }
    if (stab < min_replicas) {
        out = min_replicas;
        reason = "TooFewReplicas";
        message = "the desired replica count is less than the minimum replica count";
    } else if (stab > max_allowed) {
        out = max_allowed;
        reason = cond;
        message = msg;
    } else {
        out = stab;
        reason = "DesiredWithinRange";
        message = "the desired count is within the acceptable range";
    }
    hpa_dec_set_condition(c, "ScalingLimited", out == stab ? "False" : "True", reason, message);
    hpa_dec_explain(c, "Bounds: [%d, %d] (scale-up limit max(2 x %d, 4) = %d): %d -> %d (%s)\n",
                    min_replicas, max_allowed, current, up_limit, stab, out, reason);
    return out;
}

/* ---- scale events ---------------------------------------------------------------- */

static int32_t longest_period(const hpa_scaling_rules *r)
{
    int32_t longest = 0;
    size_t i;

    for (i = 0; i < r->n_policies; i++)
        if (r->policies[i].period_seconds > longest)
            longest = r->policies[i].period_seconds;
    return longest;
}

/* UPSTREAM: storeScaleEvent: mark events older than the longest period
 * outdated (sticky), reuse the LAST outdated slot, else append. */
hpa_errcode hpa_dec_store_scale_event(hpa_dec_ctx *c, int32_t prev, int32_t next)
{
    const hpa_spec *h = c->hpa;
    bool up = next > prev;
    hpa_scale_event *ev = up ? c->state->up : c->state->down;
    size_t n = up ? c->state->n_up : c->state->n_down, i, idx = 0;
    hpa_time_t cut;
    hpa_scale_event e;
    bool found = false;

    if (!h->has_behavior)
        return HPA_OK;
    cut = secs_before(c->now, longest_period(up ? &h->scale_up : &h->scale_down));
    for (i = 0; i < n; i++)
        if (ev[i].time < cut)
            ev[i].outdated = true;
    for (i = 0; i < n; i++) {
        if (ev[i].outdated) {
            found = true;
            idx = i;
        }
    }
    e.time = c->now;
    e.change = up ? (int32_t)((uint32_t)next - (uint32_t)prev)
                  : (int32_t)((uint32_t)prev - (uint32_t)next);
    e.outdated = false;
    hpa_dec_explain(c, "Recorded a scale-%s event of %d.\n", up ? "up" : "down", e.change);
    if (found) {
        ev[idx] = e;
        return HPA_OK;
    }
    return up ? hpa_state_push_up(c->state, e) : hpa_state_push_down(c->state, e);
}

/* ---- compaction --------------------------------------------------------------------- */

static size_t compact_events(hpa_scale_event *ev, size_t n, hpa_time_t cut)
{
    size_t i, k = 0;

    /* an event counts for a period while strictly after now - period */
    for (i = 0; i < n; i++)
        if (ev[i].time > cut)
            ev[k++] = ev[i];
    return k;
}

void hpa_state_compact(hpa_state *state, const hpa_spec *hpa,
                       const hpa_options *opts, hpa_time_t now)
{
    size_t i, k = 0;

    if (!state || !hpa || !opts)
        return;
    if (hpa->has_behavior) {
        int32_t upw = hpa->scale_up.window_seconds, downw = down_window(hpa, opts);
        int32_t w = upw > downw ? upw : downw;
        hpa_time_t cut = secs_before(now, w);

        /* counts while strictly after now - window: at or before the
         * longer cutoff it never counts again */
        for (i = 0; i < state->n_recs; i++)
            if (state->recs[i].time > cut)
                state->recs[k++] = state->recs[i];
        state->n_recs = k;
        /* UPSTREAM: getReplicasChangePerPeriod reads BOTH lists with each
         * direction's policy periods (the period start is current - up +
         * down), so an event counts until the longest period of either
         * direction has passed, not just its own direction's. */
        upw = longest_period(&hpa->scale_up);
        downw = longest_period(&hpa->scale_down);
        cut = secs_before(now, upw > downw ? upw : downw);
        state->n_up = compact_events(state->up, state->n_up, cut);
        state->n_down = compact_events(state->down, state->n_down, cut);
    } else {
        hpa_time_t cut = now - opts->downscale_stabilization;

        /* counts while at or after now - window */
        for (i = 0; i < state->n_recs; i++)
            if (state->recs[i].time >= cut)
                state->recs[k++] = state->recs[i];
        state->n_recs = k;
    }
}
