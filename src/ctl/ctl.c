/* ctl.c - the per-HPA controller loop (see ctl.h). */
#include "ctl/ctl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

ctl_config ctl_config_default(void)
{
    ctl_config c;

    memset(&c, 0, sizeof(c));
    c.opts = hpa_options_default();
    c.sync_period = 15 * HPA_MS_PER_S;   /* --horizontal-pod-autoscaler-sync-period */
    c.jitter = 0;
    c.seed = 1;
    return c;
}

/* splitmix64: a tiny, well-mixed generator that needs no global state. */
static uint64_t rng_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

hpa_errcode ctl_hpa_init(ctl_hpa *c, const ctl_cluster_ops *ops, void *cluster,
                         const hpa_spec *spec, const ctl_config *cfg,
                         hpa_time_t first_sync, hpa_err *e)
{
    memset(c, 0, sizeof(*c));
    if (!ops || !ops->fetch || !ops->set_replicas || !ops->write_status || !spec)
        return hpa_err_set(e, HPA_EINVAL, NULL,
                           "controller needs a cluster with fetch, set_replicas and write_status, and an HPA");
    c->ops = ops;
    c->cluster = cluster;
    c->cfg = cfg ? *cfg : ctl_config_default();
    if (c->cfg.sync_period <= 0)
        return hpa_err_set(e, HPA_EINVAL, "syncPeriod", "sync period must be positive, got %lld ms",
                           (long long)c->cfg.sync_period);
    if (c->cfg.jitter < 0)
        return hpa_err_set(e, HPA_EINVAL, "syncJitter", "sync jitter must not be negative");
    c->spec = *spec;
    hpa_state_init(&c->state);
    hpa_workspace_init(&c->ws);
    hpa_arena_init(&c->status_arena[0]);
    hpa_arena_init(&c->status_arena[1]);
    /* a daemon keeps thousands of these: small chunks (an arena grows
     * geometrically when a decision needs more) */
    c->status_arena[0].chunk_size = c->status_arena[1].chunk_size = 1024;
    c->ws.arena.chunk_size = 4096;
    c->ws.sel_arena.chunk_size = 512;
    c->rng = c->cfg.seed;
    c->next_sync = first_sync;
    c->started = true;
    c->last_desired = 0;
    c->status.n_conditions = spec->n_conditions;
    c->status.conditions = spec->conditions;
    c->status.has_last_scale_time = spec->has_last_scale_time;
    c->status.last_scale_time = spec->last_scale_time;
    return HPA_OK;
}

void ctl_hpa_free(ctl_hpa *c)
{
    if (!c)
        return;
    hpa_state_free(&c->state);
    hpa_workspace_free(&c->ws);
    hpa_arena_free(&c->status_arena[0]);
    hpa_arena_free(&c->status_arena[1]);
    free(c->resource_version);
    free(c->saved_up);
    free(c->saved_down);
    memset(c, 0, sizeof(*c));
}

void ctl_hpa_set_spec(ctl_hpa *c, const hpa_spec *spec)
{
    c->spec = *spec;
    /* the status is the loop's: it is what it wrote last */
    c->spec.n_conditions = c->status.n_conditions;
    c->spec.conditions = c->status.conditions;
    c->spec.has_last_scale_time = c->status.has_last_scale_time;
    c->spec.last_scale_time = c->status.last_scale_time;
}

hpa_errcode ctl_hpa_restore_state(ctl_hpa *c, const hpa_state *st)
{
    if (c->busy)
        return HPA_EINVAL;
    return hpa_state_copy(&c->state, st);
}

hpa_time_t ctl_hpa_next_sync(const ctl_hpa *c)
{
    return c->next_sync;
}

const ctl_status *ctl_hpa_status(const ctl_hpa *c)
{
    return &c->status;
}

/* ---- status conditions ------------------------------------------------ */

/* The arena the next status is built in (the other holds the current one,
 * which is still read while the next is made). */
static hpa_arena *next_arena(ctl_hpa *c)
{
    hpa_arena *a = &c->status_arena[1 - c->cur_arena];

    hpa_arena_reset(a);
    return a;
}

static hpa_condition *copy_conditions(hpa_arena *a, size_t n,
                                      const hpa_condition *src, size_t extra)
{
    hpa_condition *dst = hpa_arena_calloc(a, n + extra + 1, sizeof(*dst));
    size_t i;

    if (!dst)
        return NULL;
    for (i = 0; i < n; i++) {
        dst[i] = src[i];
        dst[i].type = hpa_arena_strdup(a, src[i].type);
        dst[i].status = hpa_arena_strdup(a, src[i].status);
        dst[i].reason = hpa_arena_strdup(a, src[i].reason);
        dst[i].message = hpa_arena_strdup(a, src[i].message);
    }
    return dst;
}

/* UPSTREAM: setConditionInList: find by type or append; the transition
 * time moves only when the status changes. */
static void set_condition(hpa_arena *a, hpa_condition *list, size_t *n,
                          const char *type, const char *status,
                          const char *reason, const char *message,
                          hpa_time_t now)
{
    size_t i;
    hpa_condition *c = NULL;

    for (i = 0; i < *n; i++)
        if (list[i].type && !strcmp(list[i].type, type))
            c = &list[i];
    if (!c) {
        c = &list[(*n)++];
        memset(c, 0, sizeof(*c));
        c->type = hpa_arena_strdup(a, type);
    }
    if (!c->status || strcmp(c->status, status)) {
        c->has_transition = true;
        c->last_transition = now;
    }
    c->status = hpa_arena_strdup(a, status);
    c->reason = hpa_arena_strdup(a, reason);
    c->message = hpa_arena_strdup(a, message);
}

/* ---- one sync ------------------------------------------------------------ */

static void on_fetched(void *arg, const hpa_snapshot *snap, const hpa_err *err);
static void on_scaled(void *arg, const hpa_err *err);
static void on_written(void *arg, const hpa_err *err);

static void event(ctl_hpa *c, const char *type, const char *reason, const char *msg)
{
    if (c->ops->record_event)
        c->ops->record_event(c->cluster, &c->spec, c->res.now, type, reason, msg);
}

static void first_error(ctl_hpa *c, const hpa_err *err)
{
    if (err && c->res.err.code == HPA_OK)
        c->res.err = *err;
}

static hpa_errcode start_sync(ctl_hpa *c, hpa_time_t now, hpa_workspace *ws, bool lent,
                              ctl_sync_cb done, void *arg)
{
    hpa_duration_t jitter = 0;

    if (c->busy)
        return HPA_EINVAL;
    c->busy = true;
    c->cur_ws = ws;
    c->lent_ws = lent;
    memset(&c->res, 0, sizeof(c->res));
    c->res.now = now;
    c->done = done;
    c->done_arg = arg;
    if (c->cfg.jitter > 0)
        jitter = (hpa_duration_t)(rng_next(&c->rng) % (uint64_t)c->cfg.jitter);
    c->next_sync = now + c->cfg.sync_period + jitter;
    c->n_syncs++;
    c->ops->fetch(c->cluster, &c->spec, now, on_fetched, c);
    return HPA_OK;
}

hpa_errcode ctl_hpa_sync(ctl_hpa *c, hpa_time_t now, ctl_sync_cb done, void *arg)
{
    return start_sync(c, now, &c->ws, false, done, arg);
}

hpa_errcode ctl_hpa_sync_ws(ctl_hpa *c, hpa_time_t now, hpa_workspace *ws, ctl_sync_cb done,
                            void *arg)
{
    if (!ws)
        return HPA_EINVAL;
    return start_sync(c, now, ws, true, done, arg);
}

/* Finish the sync: publish the status (conditions copied out of the
 * workspace, plus `extra` changed by the loop itself) and write it. */
static void finish(ctl_hpa *c, size_t n_cond, hpa_condition *cond,
                   int32_t current, int32_t desired, bool scaled)
{
    ctl_status *st = &c->status;

    st->observed = c->res.now;
    st->current_replicas = current;
    st->desired_replicas = desired;
    if (c->res.decided && c->decision.metrics_computed) {
        st->metrics_computed = true;
        st->n_metrics = c->decision.n_metrics;
        st->metrics = c->decision.metrics;
    } else {
        st->metrics_computed = false;
    }
    st->n_conditions = n_cond;
    st->conditions = cond;
    if (scaled) {
        st->has_last_scale_time = true;
        st->last_scale_time = c->res.now;
    }
    c->cur_arena = 1 - c->cur_arena;
    c->last_desired = desired;
    c->spec.n_conditions = st->n_conditions;
    c->spec.conditions = st->conditions;
    c->spec.has_last_scale_time = st->has_last_scale_time;
    c->spec.last_scale_time = st->last_scale_time;
    c->res.current_replicas = current;
    c->res.desired_replicas = desired;
    c->ops->write_status(c->cluster, &c->spec, st, on_written, c);
}

/* A sync that cannot decide: hold the count, and say why in the status. */
static void hold(ctl_hpa *c, const char *cond_type, const char *reason,
                 const char *prefix, const hpa_err *err)
{
    hpa_arena *a = next_arena(c);
    size_t n = c->status.n_conditions;
    hpa_condition *cond = copy_conditions(a, n, c->status.conditions, 1);
    char *msg = hpa_arena_sprintf(a, "%s: %s", prefix, err->msg);

    event(c, "Warning", reason, msg ? msg : prefix);
    if (!cond || !msg) {
        /* out of memory: keep the previous conditions rather than lose them */
        cond = (hpa_condition *)c->status.conditions;
        n = c->status.n_conditions;
        c->cur_arena = 1 - c->cur_arena;   /* finish() flips it back */
    } else {
        set_condition(a, cond, &n, cond_type, "False", reason, msg, c->res.now);
    }
    finish(c, n, cond, c->status.current_replicas, c->last_desired, false);
}

static hpa_errcode save_events(ctl_hpa *c)
{
    const hpa_state *s = &c->state;

    if (s->n_up > c->saved_cap_up) {
        hpa_scale_event *p = realloc(c->saved_up, s->n_up * 2 * sizeof(*p));
        if (!p)
            return HPA_ENOMEM;
        c->saved_up = p;
        c->saved_cap_up = s->n_up * 2;
    }
    if (s->n_down > c->saved_cap_down) {
        hpa_scale_event *p = realloc(c->saved_down, s->n_down * 2 * sizeof(*p));
        if (!p)
            return HPA_ENOMEM;
        c->saved_down = p;
        c->saved_cap_down = s->n_down * 2;
    }
    if (s->n_up)
        memcpy(c->saved_up, s->up, s->n_up * sizeof(*s->up));
    if (s->n_down)
        memcpy(c->saved_down, s->down, s->n_down * sizeof(*s->down));
    c->saved_n_up = s->n_up;
    c->saved_n_down = s->n_down;
    return HPA_OK;
}

/* UPSTREAM: storeScaleEvent runs only after a successful update, so a
 * failed rescale must not leave its event in the rate-limit history. The
 * recommendation recorded during normalization stays, as upstream. */
static void restore_events(ctl_hpa *c)
{
    hpa_state *s = &c->state;

    if (c->saved_n_up <= s->cap_up) {
        if (c->saved_n_up)
            memcpy(s->up, c->saved_up, c->saved_n_up * sizeof(*s->up));
        s->n_up = c->saved_n_up;
    }
    if (c->saved_n_down <= s->cap_down) {
        if (c->saved_n_down)
            memcpy(s->down, c->saved_down, c->saved_n_down * sizeof(*s->down));
        s->n_down = c->saved_n_down;
    }
}

/* Keep the Scale's resourceVersion for the conditional update; the buffer
 * is reused from sync to sync. */
static int copy_rv(ctl_hpa *c, const char *rv)
{
    size_t n;

    c->has_rv = rv != NULL;
    if (!rv)
        return 0;
    n = strlen(rv) + 1;
    if (n > c->rv_cap) {
        char *p = realloc(c->resource_version, n < 32 ? 32 : n);
        if (!p)
            return -1;
        c->resource_version = p;
        c->rv_cap = n < 32 ? 32 : n;
    }
    memcpy(c->resource_version, rv, n);
    return 0;
}

static void on_fetched(void *arg, const hpa_snapshot *snap, const hpa_err *err)
{
    ctl_hpa *c = arg;
    hpa_err e;
    size_t i;

    hpa_err_clear(&e);
    if (err || !snap) {
        hpa_err none;
        if (!err) {
            hpa_err_set(&none, HPA_EINVAL, NULL, "the cluster returned no snapshot");
            err = &none;
        }
        c->n_fetch_errors++;
        first_error(c, err);
        /* UPSTREAM: a failed Scale get sets AbleToScale False FailedGetScale
         * and makes no decision. */
        hold(c, "AbleToScale", "FailedGetScale",
             "the HPA controller was unable to get the target's current scale", err);
        return;
    }
    c->res.fetched = true;
    c->res.current_replicas = snap->scale.spec_replicas;
    c->status.current_replicas = snap->scale.spec_replicas;
    if (copy_rv(c, snap->scale.resource_version) || save_events(c) != HPA_OK) {
        hpa_err_set(&e, HPA_ENOMEM, NULL, "out of memory before the decision");
        first_error(c, &e);
        hold(c, "ScalingActive", "FailedComputeMetricsReplicas", "no decision", &e);
        return;
    }
    if (hpa_decide(snap, &c->cfg.opts, &c->state, c->cur_ws, NULL, &c->decision, &e) != HPA_OK) {
        first_error(c, &e);
        hold(c, "ScalingActive", "FailedComputeMetricsReplicas", "no decision", &e);
        return;
    }
    c->res.decided = true;
    c->res.decision = &c->decision;
    for (i = 0; i < c->decision.n_events; i++) {
        const hpa_event_out *ev = &c->decision.events[i];
        /* the rescale's own event waits for the update's outcome */
        if (!strcmp(ev->reason, "SuccessfulRescale"))
            continue;
        event(c, ev->type, ev->reason, ev->message);
    }
    if (c->decision.rescale) {
        c->ops->set_replicas(c->cluster, &c->spec, c->decision.desired_replicas,
                             c->has_rv ? c->resource_version : NULL, c->res.now, on_scaled, c);
        return;
    }
    {
        hpa_arena *a = next_arena(c);
        hpa_condition *cond = copy_conditions(a, c->decision.n_conditions,
                                              c->decision.conditions, 0);
        if (!cond) {
            hpa_err_set(&e, HPA_ENOMEM, NULL, "out of memory copying the status");
            first_error(c, &e);
            c->cur_arena = 1 - c->cur_arena;
            finish(c, c->status.n_conditions, (hpa_condition *)c->status.conditions,
                   c->decision.current_replicas, c->decision.current_replicas, false);
            return;
        }
        /* UPSTREAM: without a rescale, status.desiredReplicas = current */
        finish(c, c->decision.n_conditions, cond, c->decision.current_replicas,
               c->decision.current_replicas, false);
    }
}

static void on_scaled(void *arg, const hpa_err *err)
{
    ctl_hpa *c = arg;
    const hpa_decision *d = &c->decision;
    hpa_arena *a = next_arena(c);
    size_t n = d->n_conditions;
    hpa_condition *cond = copy_conditions(a, n, d->conditions, 1);
    size_t i;

    if (err) {
        char *msg = hpa_arena_sprintf(a, "the HPA controller was unable to update the target scale: %s",
                                      err->msg);
        first_error(c, err);
        restore_events(c);
        event(c, "Warning", "FailedRescale", msg ? msg : err->msg);
        if (cond && msg)
            set_condition(a, cond, &n, "AbleToScale", "False", "FailedUpdateScale", msg, c->res.now);
        /* UPSTREAM: setCurrentReplicasAndMetricsInStatus keeps the previous
         * desiredReplicas */
        if (!cond) {
            c->cur_arena = 1 - c->cur_arena;
            finish(c, c->status.n_conditions, (hpa_condition *)c->status.conditions,
                   d->current_replicas, c->last_desired, false);
            return;
        }
        finish(c, n, cond, d->current_replicas, c->last_desired, false);
        return;
    }
    c->res.rescaled = true;
    c->n_rescales++;
    for (i = 0; i < d->n_events; i++)
        if (!strcmp(d->events[i].reason, "SuccessfulRescale"))
            break;
    if (i < d->n_events) {
        event(c, d->events[i].type, d->events[i].reason, d->events[i].message);
    } else {
        char *msg = hpa_arena_sprintf(a, "New size: %d; reason: %s", (int)d->desired_replicas,
                                      d->reason ? d->reason : "");
        event(c, "Normal", "SuccessfulRescale", msg ? msg : "New size");
    }
    if (!cond) {
        c->cur_arena = 1 - c->cur_arena;
        finish(c, c->status.n_conditions, (hpa_condition *)c->status.conditions,
               d->current_replicas, d->desired_replicas, true);
        return;
    }
    finish(c, n, cond, d->current_replicas, d->desired_replicas, true);
}

static size_t fit16(size_t n)
{
    return (n + 15) & ~(size_t)15;   /* the arena's alignment */
}

static size_t str_fit(const char *s)
{
    return s ? fit16(strlen(s) + 1) : 0;
}

/* A lent-workspace loop between syncs: the kept conditions move into one
 * block sized to fit, and both build arenas go back to the heap (a daemon
 * keeps thousands of idle loops; the next sync builds in a fresh arena).
 * Out of memory keeps the arenas as they are: still valid, only larger. */
static void compact_status(ctl_hpa *c)
{
    ctl_status *st = &c->status;
    hpa_condition *cond = NULL;
    hpa_arena a;
    size_t need = 0, i;

    for (i = 0; i < st->n_conditions; i++)
        need += str_fit(st->conditions[i].type) + str_fit(st->conditions[i].status) +
                str_fit(st->conditions[i].reason) + str_fit(st->conditions[i].message);
    if (st->n_conditions)
        need += fit16(st->n_conditions * sizeof(*cond));
    hpa_arena_init(&a);
    a.chunk_size = need ? need : 16;
    if (st->n_conditions) {
        cond = hpa_arena_calloc(&a, st->n_conditions, sizeof(*cond));
        if (!cond) {
            hpa_arena_free(&a);
            return;
        }
        for (i = 0; i < st->n_conditions; i++) {
            cond[i] = st->conditions[i];
            cond[i].type = hpa_arena_strdup(&a, st->conditions[i].type);
            cond[i].status = hpa_arena_strdup(&a, st->conditions[i].status);
            cond[i].reason = hpa_arena_strdup(&a, st->conditions[i].reason);
            cond[i].message = hpa_arena_strdup(&a, st->conditions[i].message);
            if ((st->conditions[i].type && !cond[i].type) ||
                (st->conditions[i].status && !cond[i].status) ||
                (st->conditions[i].reason && !cond[i].reason) ||
                (st->conditions[i].message && !cond[i].message)) {
                hpa_arena_free(&a);
                return;
            }
        }
    }
    hpa_arena_free(&c->status_arena[0]);
    hpa_arena_free(&c->status_arena[1]);
    c->status_arena[c->cur_arena] = a;
    /* below glibc's large-request size (1 KiB), which consolidates the
     * fast bins at every call; the arena grows if a status needs more */
    c->status_arena[1 - c->cur_arena].chunk_size = 512;
    st->conditions = cond;
    c->spec.conditions = cond;
}

static void on_written(void *arg, const hpa_err *err)
{
    ctl_hpa *c = arg;
    ctl_sync_cb done = c->done;

    first_error(c, err);
    c->busy = false;
    if (c->lent_ws) {
        /* the metrics point into the lent workspace: written, not kept */
        c->status.n_metrics = 0;
        c->status.metrics = NULL;
        c->status.metrics_computed = false;
        compact_status(c);
        c->cur_ws = &c->ws;
    }
    if (done)
        done(c->done_arg, &c->res);
}
