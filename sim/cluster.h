/*
 * cluster.h - the modelled cluster: one Deployment, its pods and their
 * life cycle, the load they serve and the metrics pipeline, behind the
 * controller loop's method table (ctl_cluster_ops).
 *
 * The model (docs/simulator.md has every setting and its default):
 *  - the load (requests/s) is spread evenly over the Ready pods; a Ready
 *    pod uses cpu = baseline + load_per_pod * cpu_per_rps, capped at its
 *    CPU limit, and memory = baseline + load_per_pod * memory_per_rps; a
 *    pod that is not Ready gets no traffic and uses the baselines;
 *  - a new pod is Pending for the scheduling delay (longer if the cluster
 *    is full), then Running (startTime set) but not Ready until the first
 *    readiness probe after its start-up time succeeds (probes at
 *    initialDelay, initialDelay + period, ...); it then counts as capacity;
 *  - a removed pod stops serving at once (Kubernetes takes a terminating
 *    pod out of the endpoints immediately) but exists, and costs, until its
 *    termination grace period has passed;
 *  - the metrics pipeline samples every `metrics_resolution` and reports
 *    for each running pod the mean usage over the last `metrics_window`;
 *    the controller sees only the last sample, with its timestamp, and the
 *    pods' real phase, startTime and Ready condition.
 *
 * Time inside the simulator is milliseconds from the start of the run
 * (sim_ms); the HPA sees epoch + sim_ms. Everything here is deterministic:
 * the only randomness is a GSL generator seeded by the caller.
 *
 * Ownership: the cluster owns its pods and snapshot buffers
 * (sim_cluster_free); it borrows the model, the series and the spec, which
 * must outlive it. No I/O, no clock, no global state.
 */
#ifndef SIM_CLUSTER_H
#define SIM_CLUSTER_H

#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "ctl/ctl.h"
#include "hpa/model.h"
#include "trace.h"

typedef int64_t sim_ms;
#define SIM_NEVER INT64_MAX

/* Every constant of the model; sim_model_default() gives the example
 * application's values. */
typedef struct sim_model {
    char name[64];                  /* workload (Deployment) name: python-app */
    char namespace_[64];            /* default */
    int32_t initial_replicas;       /* 0 = the policy's minReplicas */
    /* the pod template */
    int64_t cpu_request_m;          /* 250 */
    int64_t cpu_limit_m;            /* 500 */
    int64_t mem_request_b;          /* 256Mi */
    int64_t mem_limit_b;            /* 512Mi */
    /* the application */
    double cpu_baseline_m;          /* 10 */
    double cpu_per_rps_m;           /* 2.5 */
    double mem_baseline_b;          /* 150Mi */
    double mem_per_rps_b;           /* 0.1Mi */
    double noise;                   /* relative s.d. of each sample, 0 */
    /* the pod life cycle, seconds */
    double scheduling_delay_s;      /* 2 */
    double startup_s;               /* 15: time until the app answers */
    double startup_sd_s;            /* 0 = fixed; > 0: lognormal with this s.d. */
    double readiness_initial_delay_s;   /* 10 */
    double readiness_period_s;      /* 5 */
    double termination_grace_s;     /* 30 */
    int32_t max_pods;               /* schedulable pods; 0 = unlimited */
    /* the metrics pipeline, seconds */
    double metrics_resolution_s;    /* 15 */
    double metrics_window_s;        /* 15 (a multiple of the resolution) */
    /* the controller */
    double sync_period_s;           /* 15 */
    double sync_jitter_s;           /* 0 */
    hpa_options opts;               /* kube-controller-manager defaults */
    /* the response-time model */
    double saturated_response_s;    /* 10: charged per request when overloaded */
} sim_model;

void sim_model_default(sim_model *m);

/* Requests per second one Ready pod serves at its CPU limit. */
double sim_model_capacity_per_pod(const sim_model *m);

typedef struct sim_pod {
    char name[80];
    uint32_t seq;
    sim_ms created;
    sim_ms bound;                   /* got a slot; SIM_NEVER while waiting */
    sim_ms running;                 /* phase Running, startTime */
    sim_ms ready;                   /* Ready condition True */
    sim_ms deleted;                 /* deletionTimestamp; SIM_NEVER if none */
    sim_ms gone;                    /* object removed */
    /* the pod's last metrics sample */
    bool has_sample;
    sim_ms sample_t;
    int64_t sample_cpu_m;
    int64_t sample_mem_b;
} sim_pod;

/* A rescale, as the cluster saw it. */
typedef struct sim_scale_event {
    sim_ms t;
    int32_t from, to;
} sim_scale_event;

#define SIM_WINDOW_SLOTS 32

typedef struct sim_cluster {
    const sim_model *m;
    const sim_series *load;
    hpa_time_t epoch;
    gsl_rng *rng;
    char selector[96];
    /* the Deployment */
    int32_t replicas;
    uint64_t rv;
    char rv_str[24];
    uint32_t next_seq;
    size_t n_pods, cap_pods;
    sim_pod *pods;
    int32_t n_ready;                /* Ready and not deleted */
    int32_t n_alive;                /* not deleted */
    /* metrics pipeline: usage integrals of the last slots (ring) */
    double slot_usage[SIM_WINDOW_SLOTS];   /* per-ready-pod cpu_m x s */
    double slot_time[SIM_WINDOW_SLOTS];    /* seconds with a ready pod */
    double slot_load[SIM_WINDOW_SLOTS];    /* per-ready-pod load x s */
    int slot_head;
    int window_slots;
    /* snapshot buffers, reused */
    hpa_pod *snap_pods;
    hpa_pod_metrics *snap_pm;
    hpa_container_metrics *snap_cm;
    hpa_resource *snap_usage;
    size_t snap_cap;
    hpa_resource req_res[2], lim_res[2];
    hpa_container container;
    hpa_label label;
    hpa_snapshot snap;
    /* what the controller did, for the report */
    size_t n_events, cap_events;
    sim_scale_event *events;
    bool has_util_seen;
    int32_t util_seen;              /* status cpu averageUtilization */
    int32_t status_desired;
    uint64_t n_k8s_events;          /* record_event calls */
    hpa_err last_err;
    bool oom;
    sim_ms now;                     /* the time of the current sync */
} sim_cluster;

/* The method table the controller loop uses for a sim_cluster. */
extern const ctl_cluster_ops sim_cluster_ops;

hpa_errcode sim_cluster_init(sim_cluster *c, const sim_model *m, const sim_series *load,
                             int32_t initial_replicas, uint64_t seed, hpa_err *e) HPA_WUR;
void sim_cluster_free(sim_cluster *c);

/* Load (requests/s) at `t`. */
double sim_cluster_load_at(const sim_cluster *c, sim_ms t);

/* Advance pod transitions to `t` (pods become Running/Ready, terminated
 * pods disappear, waiting pods get slots). */
void sim_cluster_transitions(sim_cluster *c, sim_ms t);

/* The next time after `t` at which a pod changes state (SIM_NEVER if none). */
sim_ms sim_cluster_next_transition(const sim_cluster *c, sim_ms t);

/* Close a metrics slot: `usage_int`, `ready_time`, `load_int` are the
 * per-ready-pod integrals of the slot that ends at `t`; then take the
 * sample at `t`. Call with zeros at t = 0 (the first sample uses the
 * load at 0). */
void sim_cluster_sample(sim_cluster *c, sim_ms t, double usage_int, double ready_time,
                        double load_int);

/* Per-ready-pod cpu (millicores) and memory (bytes) at load per pod `l`. */
double sim_model_pod_cpu(const sim_model *m, double l);
double sim_model_pod_mem(const sim_model *m, double l);

#endif
