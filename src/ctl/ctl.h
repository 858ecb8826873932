/*
 * ctl.h - the controller loop: one HorizontalPodAutoscaler reconciled on a
 * sync period against a cluster it reaches only through a method table.
 *
 * This is the piece the simulator and the live daemon share unchanged. Per
 * HPA it keeps the sync timing (every sync period, optional jitter from a
 * caller-seeded generator), the remembered hpa_state, the HPA status it
 * wrote last (conditions, lastScaleTime, desiredReplicas), and one
 * hpa_workspace reused from one decision to the next. A sync is:
 *
 *   fetch (Scale, pods, metrics -> hpa_snapshot)
 *     -> hpa_decide
 *     -> set_replicas, only when the decision says rescale
 *     -> write_status, record_event for every event of the decision
 *
 * Every cluster operation completes through a callback, so the same code
 * runs synchronously in the simulator (the callback fires before the
 * operation returns) and asynchronously on the daemon's libevent loop (it
 * fires later). "Never scale on data you do not have": a fetch error gives
 * no decision; the replica count is held and the status and an event say
 * why.
 *
 * Ownership: the caller owns the cluster, the ops table and the hpa_spec
 * given to ctl_hpa_init/ctl_hpa_set_spec; both must outlive the ctl_hpa.
 * The ctl_hpa owns its state, workspace and status copy (ctl_hpa_free).
 * Pointers in a ctl_status stay valid until the next sync starts (with
 * ctl_hpa_sync; ctl_hpa_sync_ws keeps no metrics, see there).
 *
 * No I/O, no clock (time is passed in), no global state. The only
 * randomness is the jitter, drawn from a generator seeded by the caller.
 */
#ifndef HPA_CTL_H
#define HPA_CTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hpa/arena.h"
#include "hpa/decide.h"
#include "hpa/error.h"
#include "hpa/model.h"

/* Completion of a fetch. It is NULL exactly when `err` is not NULL. The
 * decision made from `snap` points into it (conditions, metric statuses)
 * and is read until the sync has finished (set_replicas, write_status and
 * the ctl_sync_cb): a cluster that completes those later must keep `snap`
 * and what it points to alive until then (the daemon keeps it until the
 * sync's callback has returned; a synchronous cluster finishes within the
 * call). */
typedef void (*ctl_fetch_cb)(void *arg, const hpa_snapshot *snap,
                             const hpa_err *err);
/* Completion of a write. `err` NULL means success. */
typedef void (*ctl_done_cb)(void *arg, const hpa_err *err);

/* The HPA status the controller writes (status subresource). */
typedef struct ctl_status {
    hpa_time_t observed;            /* when this status was computed */
    int32_t current_replicas;
    int32_t desired_replicas;
    size_t n_metrics;               /* currentMetrics; 0 when untouched */
    const hpa_metric_status *metrics;
    bool metrics_computed;          /* false: keep currentMetrics as is */
    size_t n_conditions;
    const hpa_condition *conditions;
    bool has_last_scale_time;
    hpa_time_t last_scale_time;
} ctl_status;

/* How the loop reaches a cluster. Each method receives `&c->spec`, the
 * loop's own copy of the caller's spec (status fields replaced by what the
 * loop wrote last), not the pointer given to ctl_hpa_init: a cluster that
 * keys its HPAs must do so by namespace/name, never by address. Every
 * function must call its callback
 * exactly once, either before returning or later; the loop does not start
 * the next step of a sync before the callback. */
typedef struct ctl_cluster_ops {
    /* Gather what one decision for `hpa` at `now` needs: the target's
     * Scale, the pods its selector selects, the metrics its spec names.
     * A failure to get the Scale (or anything without which no decision
     * can be made) is an error; a metrics API that answers nothing is not
     * (snapshot.has_pod_metrics false: the decision reports it). */
    void (*fetch)(void *cluster, const hpa_spec *hpa, hpa_time_t now,
                  ctl_fetch_cb cb, void *arg);
    /* Set scale.spec.replicas, conditionally on `resource_version` (may be
     * NULL: unconditional); a conflict is an error. */
    void (*set_replicas)(void *cluster, const hpa_spec *hpa, int32_t replicas,
                         const char *resource_version, hpa_time_t now,
                         ctl_done_cb cb, void *arg);
    /* Write the HPA status. */
    void (*write_status)(void *cluster, const hpa_spec *hpa,
                         const ctl_status *st, ctl_done_cb cb, void *arg);
    /* Record an event about `hpa`; fire and forget (never fails the sync).
     * May be NULL. */
    void (*record_event)(void *cluster, const hpa_spec *hpa, hpa_time_t now,
                         const char *type, const char *reason,
                         const char *message);
} ctl_cluster_ops;

typedef struct ctl_config {
    hpa_options opts;               /* the controller's flags */
    hpa_duration_t sync_period;     /* default 15 s */
    hpa_duration_t jitter;          /* each sync is delayed by a uniform
                                       draw in [0, jitter); 0 = none */
    uint64_t seed;                  /* seeds the jitter generator */
} ctl_config;

/* kube-controller-manager defaults: 15 s sync, no jitter, seed 1. */
ctl_config ctl_config_default(void);

/* What one sync did (for the caller's bookkeeping and tests). */
typedef struct ctl_result {
    hpa_time_t now;
    bool fetched;                   /* false: fetch failed, no decision */
    bool decided;                   /* hpa_decide ran */
    bool rescaled;                  /* set_replicas succeeded */
    int32_t current_replicas;       /* as the Scale said */
    int32_t desired_replicas;       /* written to the status */
    const hpa_decision *decision;   /* NULL unless decided; valid until the
                                       next sync starts */
    hpa_err err;                    /* first error of the sync, if any */
} ctl_result;

/* Called when a sync has finished (after write_status completed). */
typedef void (*ctl_sync_cb)(void *arg, const ctl_result *res);

typedef struct ctl_hpa {
    /* configuration, read-only after init */
    const ctl_cluster_ops *ops;
    void *cluster;
    ctl_config cfg;
    /* the HPA as the loop presents it to the cluster and the decision: the
     * caller's spec, with status fields replaced by what the loop wrote */
    hpa_spec spec;
    /* memory of the controller */
    hpa_state state;
    hpa_workspace ws;               /* used by ctl_hpa_sync */
    hpa_workspace *cur_ws;          /* the sync's: &ws, or a lent one */
    bool lent_ws;                   /* the sync runs in a lent workspace */
    hpa_decision decision;
    ctl_status status;
    int32_t last_desired;           /* status.desiredReplicas written last */
    hpa_arena status_arena[2];      /* double buffer for conditions etc. */
    int cur_arena;
    char *resource_version;         /* the fetched Scale's, heap, reused */
    size_t rv_cap;
    bool has_rv;
    hpa_scale_event *saved_up, *saved_down;   /* undo for a failed rescale */
    size_t saved_cap_up, saved_cap_down, saved_n_up, saved_n_down;
    /* timing */
    hpa_time_t next_sync;
    bool started;                   /* next_sync is meaningful */
    bool busy;                      /* a sync is in flight */
    uint64_t rng;                   /* jitter generator (splitmix64) */
    /* the sync in flight */
    ctl_result res;
    ctl_sync_cb done;
    void *done_arg;
    /* counters over the loop's life */
    uint64_t n_syncs, n_rescales, n_fetch_errors;
} ctl_hpa;

/* `spec` must have its defaults applied and outlive the ctl_hpa (or be
 * replaced with ctl_hpa_set_spec). The first sync is due at `first_sync`
 * (upstream syncs an HPA as soon as it is added). */
hpa_errcode ctl_hpa_init(ctl_hpa *c, const ctl_cluster_ops *ops, void *cluster,
                         const hpa_spec *spec, const ctl_config *cfg,
                         hpa_time_t first_sync, hpa_err *e) HPA_WUR;
void ctl_hpa_free(ctl_hpa *c);

/* Replace the spec (the daemon's informer saw a new version). The status
 * the loop remembers is kept; the remembered state is kept too, as the
 * upstream controller keys it by namespace/name. */
void ctl_hpa_set_spec(ctl_hpa *c, const hpa_spec *spec);

/* Replace the remembered state (recommendations, scale events) with a copy
 * of `st`, e.g. the state a daemon persisted before a restart or a leader
 * change. `st` stays the caller's. HPA_EINVAL while a sync is in flight
 * (the sync's decision is updating the state); HPA_ENOMEM leaves the
 * previous state as it was. */
hpa_errcode ctl_hpa_restore_state(ctl_hpa *c, const hpa_state *st) HPA_WUR;

/* When the next sync is due. */
hpa_time_t ctl_hpa_next_sync(const ctl_hpa *c);

/* Run one sync at `now` (callers call it when now >= ctl_hpa_next_sync,
 * but any time works). `done` (may be NULL) is called once the sync has
 * finished; with a synchronous cluster that is before this returns.
 * Returns HPA_EINVAL if a sync is still in flight. */
hpa_errcode ctl_hpa_sync(ctl_hpa *c, hpa_time_t now, ctl_sync_cb done,
                         void *arg) HPA_WUR;

/* ctl_hpa_sync for a caller that keeps many loops (the daemon): the
 * decision runs in `ws`, which the caller lends until `done` has returned
 * and may then lend to another loop; the loop's own workspace stays empty.
 * So that an idle loop holds no more than it needs, the status it keeps
 * (conditions) is moved into memory sized to fit once the sync has
 * finished. With a lent workspace, `res->decision` is valid only during
 * `done`, and the kept ctl_status has no metrics (n_metrics 0,
 * metrics_computed false) once `done` is called: they were written. The
 * decision itself is the one ctl_hpa_sync makes. */
hpa_errcode ctl_hpa_sync_ws(ctl_hpa *c, hpa_time_t now, hpa_workspace *ws,
                            ctl_sync_cb done, void *arg) HPA_WUR;

/* The status the loop wrote last (zeroed before the first sync). */
const ctl_status *ctl_hpa_status(const ctl_hpa *c);

#endif
