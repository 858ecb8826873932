/*
 * world.h - the state behind the sim-server: the simulated workloads (one
 * sim_cluster each), the API objects stored as JSON (HorizontalPodAutoscalers,
 * Leases, Events), resource versions and the change log that watches read.
 *
 * Time: the world is advanced by the caller (sims_world_advance) to a
 * simulated time in ms since the start; wall time of an object is
 * epoch + sim ms. Pods and Deployments are rendered from the sim_cluster on
 * demand; the world remembers, per pod and Deployment, a signature of what
 * the API shows so that a change bumps the resourceVersion and is logged
 * (ADDED / MODIFIED / DELETED) for watchers.
 *
 * With `autoscale`, each workload runs the controller loop (ctl_hpa) over
 * sim_cluster_ops, and its status and events are written into the stored
 * HPA object and the event store.
 *
 * Ownership: the world owns its workloads, series, stored objects and log
 * entries (sims_world_free). JSON returned by the render functions is a new
 * reference for the caller. No I/O after sims_world_init (which reads the
 * scenario, policy and trace files), no clock, no global state.
 */
#ifndef SIMS_WORLD_H
#define SIMS_WORLD_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cluster.h"
#include "ctl/ctl.h"
#include "hpa/arena.h"
#include "hpa/selector.h"
#include "trace.h"

typedef enum {
    SIMS_RES_PODS = 0,
    SIMS_RES_DEPLOYMENTS,
    SIMS_RES_REPLICASETS,
    SIMS_RES_HPAS,
    SIMS_RES_LEASES,
    SIMS_RES_EVENTS,
    SIMS_RES_COUNT
} sims_res;

enum { SIMS_SEEN_SAME = 0, SIMS_SEEN_ADDED, SIMS_SEEN_MODIFIED };

typedef struct sims_pod_seen {
    uint32_t seq;
    unsigned char change;           /* SIMS_SEEN_*, during a diff only */
    unsigned sig;                   /* bound/running/ready/deleting bits */
    uint64_t rv;
    bool live;                      /* seen in the last diff */
    /* The pod as the API shows it at `rv` (owned, made on first use): a
     * pod's JSON is a function of its signature and rv only, so lists
     * reuse it until the next change. */
    json_t *obj;
    char *text;                     /* obj as compact JSON */
    size_t text_len;
} sims_pod_seen;

typedef struct sims_workload {
    struct sims_world *world;       /* back pointer (borrowed) */
    sim_model model;
    sim_series load;
    bool load_shared;               /* load.v belongs to the first workload */
    sim_cluster cl;
    bool cl_ok;
    hpa_arena arena;                /* the policy */
    hpa_spec spec;                  /* copies borrow the first one's metrics */
    const char *policy_name;        /* the first copy: the policy's own name */
    char hash[12];                  /* pod-template-hash */
    char rs_name[96];
    char uid[40], rs_uid[40];
    hpa_time_t created;
    uint64_t rv;                    /* the Deployment's resourceVersion */
    int64_t generation;
    int32_t sig_replicas, sig_alive, sig_ready;    /* the Deployment as last logged */
    bool sig_set;
    hpa_label pod_labels[2];        /* app, pod-template-hash (borrowed) */
    size_t n_seen, cap_seen;
    sims_pod_seen *seen;
    /* metrics slot integrals since the last sample */
    double usage_int, ready_time, load_int;
    sim_ms next_sample;
    /* --autoscale */
    ctl_hpa ctl;
    bool ctl_ok;
} sims_workload;

typedef struct sims_obj {
    uint64_t rv;
    json_t *obj;                    /* owned; metadata.name/namespace set */
    uint64_t key;                   /* hash of namespace/name (never change) */
} sims_obj;

/* Objects in creation order, with a hash index on namespace/name that is
 * rebuilt lazily after a removal. */
typedef struct sims_store {
    size_t n, cap;
    sims_obj *items;
    size_t *index;                  /* open addressing: item index + 1, 0 = empty */
    size_t index_cap;               /* a power of two, or 0 */
    bool index_stale;
} sims_store;

typedef struct sims_log_entry {
    uint64_t rv;
    sims_res res;
    const char *type;               /* "ADDED", "MODIFIED", "DELETED" */
    json_t *obj;                    /* owned */
} sims_log_entry;

#define SIMS_LOG_CAP 4096
#define SIMS_MAX_EVENTS 2000

typedef struct sims_world_opts {
    const char *scenario;           /* or policy + trace */
    const char *policy;
    const char *trace;
    int workloads;                  /* copies of the first workload; 0/1 = as given */
    bool autoscale;
    uint64_t seed;
    hpa_time_t epoch;               /* wall time of simulated 0 */
} sims_world_opts;

typedef struct sims_world {
    size_t n_wl;
    sims_workload *wl;
    /* hash indexes of the workloads: namespace/name and namespace/rs name;
     * entries are index + 1, 0 = empty */
    size_t *wl_index, *rs_index;
    size_t wl_index_cap;
    hpa_time_t epoch;
    sim_ms now;
    uint64_t rv;                    /* the last resourceVersion handed out */
    uint64_t uid_seq;
    uint64_t seed;
    bool autoscale;
    sims_store store[SIMS_RES_COUNT];   /* HPAS, LEASES, EVENTS are used */
    sims_log_entry log[SIMS_LOG_CAP];   /* ring */
    size_t log_head, log_n;
    uint64_t log_total;             /* entries ever appended (watch cursors) */
    bool oom;
} sims_world;

hpa_errcode sims_world_init(sims_world *w, const sims_world_opts *o, hpa_err *e) HPA_WUR;
void sims_world_free(sims_world *w);

/* Advance every workload to simulated time `t` (>= now), then log what the
 * API shows differently. */
void sims_world_advance(sims_world *w, sim_ms t);

/* Record API-visible changes of pods and Deployments (advance does it). */
void sims_world_diff(sims_world *w);

/* Next resourceVersion. */
uint64_t sims_world_next_rv(sims_world *w);
/* A new uid (deterministic from the seed). */
void sims_world_uid(sims_world *w, char *buf, size_t len);
hpa_time_t sims_world_time(const sims_world *w);

/* Append a change to the log (takes a reference of `obj`). */
void sims_world_log(sims_world *w, sims_res res, const char *type, json_t *obj, uint64_t rv);

/* The workload whose Deployment is ns/name (any namespace when ns is NULL). */
sims_workload *sims_world_find(sims_world *w, const char *ns, const char *name);
/* The workload whose ReplicaSet is ns/name. */
sims_workload *sims_world_find_rs(sims_world *w, const char *ns, const char *name);

/* Set the Deployment's replicas through sim_cluster_ops (the pods follow). */
hpa_errcode sims_world_scale(sims_world *w, sims_workload *wl, int32_t replicas, hpa_err *e) HPA_WUR;

/* Record a v1 Event about `involved` (an API object). */
hpa_errcode sims_world_add_event(sims_world *w, const json_t *involved, const char *type,
                                 const char *reason, const char *message,
                                 const char *component) HPA_WUR;

/* ---- rendering (new references) ---- */
json_t *sims_render_pod(const sims_world *w, const sims_workload *wl, const sim_pod *p);
/* The pod as the API shows it now, cached until it changes (borrowed; NULL
 * on out of memory). `text`/`len`, when not NULL, get its compact JSON. */
const json_t *sims_pod_view(sims_world *w, sims_workload *wl, const sim_pod *p, const char **text,
                            size_t *len);
/* Whether the workload's pods (which all carry the same labels) can match. */
bool sims_workload_pods_match(const sims_workload *wl, const char *ns, const hpa_selector *labels);
json_t *sims_render_deployment(const sims_world *w, const sims_workload *wl);
json_t *sims_render_replicaset(const sims_world *w, const sims_workload *wl);
json_t *sims_render_scale(const sims_world *w, const sims_workload *wl);
/* PodMetrics of a pod, NULL when it has no sample; `stale_by` ages the timestamp. */
json_t *sims_render_pod_metrics(const sims_world *w, const sims_workload *wl, const sim_pod *p,
                                hpa_duration_t stale_by);
/* Per-pod load (requests/s) the custom metric http_requests_per_second reports. */
double sims_pod_load(const sims_world *w, const sims_workload *wl, const sim_pod *p);

/* ---- the object store ---- */
sims_obj *sims_store_find(sims_store *s, const char *ns, const char *name);
/* Takes ownership of `obj`. */
hpa_errcode sims_store_put(sims_store *s, json_t *obj, uint64_t rv);
void sims_store_remove(sims_store *s, sims_obj *o);

/* metadata helpers */
const char *sims_meta_str(const json_t *obj, const char *key);
void sims_set_rv(json_t *obj, uint64_t rv);

#endif
