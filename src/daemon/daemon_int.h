/*
 * daemon_int.h - the daemon's private parts, shared by daemon.c (loop,
 * table, leader election, health server), source.c (where the HPAs come
 * from) and live.c (the live ctl_cluster_ops and state persistence).
 *
 * Everything here runs on the one loop thread. A dhpa owns its parsed spec
 * (in an arena sized to fit, with the few fields of the HPA object it
 * still needs) and its ctl_hpa; it keeps no JSON between syncs. What a
 * sync needs while it runs (the snapshot's memory, the decision's
 * workspace, the Scale read) lives in a dslot taken from a small pool when
 * the sync starts and given back when it has finished, so memory grows
 * with the syncs in flight, not with the HPAs. A dhpa with a sync in
 * flight is never freed or re-specced under the loop's feet: the change
 * waits in `pending_obj` / `removed` until the sync has finished.
 */
#ifndef HPA_DAEMON_INT_H
#define HPA_DAEMON_INT_H

#include <event2/event.h>
#include <event2/http.h>
#include <jansson.h>

#include "ctl/ctl.h"
#include "daemon/daemon.h"
#include "daemon/lease.h"
#include "daemon/policy.h"
#include "daemon/prom.h"
#include "kube/client.h"

typedef struct dmn dmn;
typedef struct dfetch dfetch;

/* One metric's last value and target, for /metrics. */
typedef struct dmetric_val {
    char name[128];
    double value, target;
} dmetric_val;

/* What one sync in flight needs, pooled (dm_slot_get / dm_slot_put). The
 * decision made from the snapshot points into `arena` (conditions, metric
 * statuses) and into `ws` until the sync has finished. */
typedef struct dslot {
    hpa_arena arena;                /* the fetch's strings and its snapshot */
    hpa_workspace ws;               /* lent to the ctl_hpa for the sync */
    json_t *scale;                  /* the Scale this sync read (for the PUT) */
    char *scale_path;               /* its URL path (heap) */
    struct dslot *next;             /* free list */
} dslot;

typedef struct dhpa {
    dmn *d;
    char *key;                      /* "ns/name" (heap) */
    char *ns, *name;                /* heap */
    hpa_arena arena;                /* the spec and uid; sized to fit */
    uint64_t spec_digest;           /* of the object's spec: a new version
                                       with the same digest is not parsed */
    const char *uid;                /* metadata.uid, NULL if none */
    hpa_spec spec;
    ctl_hpa ctl;
    bool ctl_ready;
    struct event *timer;
    dslot *slot;                    /* while a sync is in flight */
    json_t *pending_obj;            /* new version waiting for the sync */
    bool removed;                   /* drop once the sync finished */
    char *persisted;                /* state JSON last written */
    char *dump_path;                /* snapshot written by the last fetch */
    double sync_started;            /* monotonic seconds */
    bool have_result;
    int32_t current, desired;
    size_t n_mv;
    dmetric_val *mv;
    char *last_event;               /* "reason|message" (heap), dedup */
    hpa_time_t last_event_time;
    unsigned mark;                  /* source bookkeeping */
    struct dhpa *next;              /* hash chain */
} dhpa;

struct dmn {
    const daemon_opts *o;
    struct event_base *base;
    kube_client *kc;
    kube_config kcfg;
    ctl_cluster_ops ops;
    ctl_config ccfg;
    /* the HPA table: chained hash on key */
    size_t n_hpas, n_buckets;
    dhpa **buckets;
    /* source */
    dpol_source pol;
    struct event *pol_timer;
    kube_watch *hpa_watch;
    char *hpa_rv;
    struct event *relist_timer;
    bool listed;
    unsigned mark;                  /* current pass of the source (sweep) */
    /* state */
    dstore_kind store;
    json_t *cm_data;                /* files mode: ConfigMap data read */
    bool cm_exists;
    void (*cm_loaded)(dmn *d);      /* called once the ConfigMap was read */
    /* leader election */
    le_elector le;
    struct event *le_timer;
    bool leading, started;
    json_t *lease_obj;              /* the Lease as last read or written (its
                                       resourceVersion, for the release) */
    const char *lease_ns;
    char identity[LE_ID_MAX];
    /* serving */
    struct evhttp *http;
    bool ready;
    struct event *sig_term, *sig_int, *sig_hup, *drain_timer;
    int drain_ticks;                /* 100 ms ticks waited for in-flight work */
    bool stopping;
    int exit_code;
    size_t in_flight;               /* syncs running */
    dslot *free_slots;              /* idle dslots, reused */
    size_t n_free_slots;
    size_t api_in_flight;           /* requests of ours not answered yet */
    /* --once */
    size_t once_total, once_done, once_decided, once_failed, once_rescaled;
    /* metrics */
    prom_vec m_reconciles, m_api;
    prom_hist m_duration;
    uint64_t n_syncs_total;
};

/* ---- daemon.c --------------------------------------------------------- */
hpa_time_t dm_now_wall(void);
double dm_now_mono(void);
dhpa *dm_find(dmn *d, const char *key);
/* Add or update the HPA from `obj` (borrowed); logs and skips a bad one. */
void dm_upsert(dmn *d, const json_t *obj);
void dm_remove(dmn *d, dhpa *h);
/* A cleared dslot from the pool (or the heap); NULL on out of memory. */
dslot *dm_slot_get(dmn *d);
/* Clear `s` and keep it for the next sync (a few are kept, the rest freed). */
void dm_slot_put(dmn *d, dslot *s);
/* Tell the loop the source has delivered its full set once. */
void dm_source_ready(dmn *d);
/* The kube client's per-attempt observer (`arg` is the dmn): counts
 * hpa_engine_api_requests_total by verb and code. */
void dm_count_api(const char *verb, long status, void *arg);

/* ---- source.c --------------------------------------------------------- */
hpa_errcode src_start(dmn *d, hpa_err *e) HPA_WUR;
void src_stop(dmn *d);
void src_reload(dmn *d, bool force);

/* ---- live.c ----------------------------------------------------------- */
void live_ops(ctl_cluster_ops *ops);
/* A request whose answer is counted in the API metrics. */
hpa_errcode live_request(dmn *d, const char *method, const char *path,
                         const json_t *body, const char *content_type,
                         kube_response_cb cb, void *arg, hpa_err *e) HPA_WUR;
/* The same with per-request options (`o` may be NULL). */
hpa_errcode live_request_opts(dmn *d, const char *method, const char *path,
                              const json_t *body, const char *content_type,
                              const kube_req_opts *o, kube_response_cb cb, void *arg,
                              hpa_err *e) HPA_WUR;
/* Restore the persisted state of `h` into its ctl (from the annotation of
 * `obj`, its HPA object, or the ConfigMap data read at start). */
void live_restore_state(dmn *d, dhpa *h, const json_t *obj);
/* After a sync: compact, and persist the state when it changed. */
void live_persist_state(dmn *d, dhpa *h);
/* Files mode: read the state ConfigMap, then call `done`. */
void live_load_configmap(dmn *d, void (*done)(dmn *d));
/* The decision sidecar next to the dumped snapshot. */
void live_dump_decision(dmn *d, dhpa *h, const ctl_result *res);

#endif
