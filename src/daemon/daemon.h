/*
 * daemon.h - `hpa-engine run`: the live controller beside a cluster.
 *
 * One libevent loop drives everything: the kube client's requests, one
 * timer per HPA (each reconciled by the shared controller loop in
 * src/ctl/ over the live cluster methods in live.c), the HPA source (files
 * polled for changes, or a list + watch of HPA objects), leader election,
 * the health/metrics HTTP server and the signals. See docs/operations.md.
 *
 * Ownership: daemon_run borrows the options for its whole run. It reads
 * the clock, the network, the policy files and the environment (kubeconfig
 * discovery), and writes logs to stderr and the --once summary to stdout.
 */
#ifndef HPA_DAEMON_DAEMON_H
#define HPA_DAEMON_DAEMON_H

#include <stdbool.h>

#include "hpa/model.h"
#include "hpa/timeutil.h"

typedef enum {
    DSTORE_AUTO = 0,        /* annotation in cluster mode, ConfigMap with files */
    DSTORE_ANNOTATION,
    DSTORE_CONFIGMAP,
    DSTORE_NONE
} dstore_kind;

typedef struct daemon_opts {
    const char *kubeconfig;         /* NULL: kubectl's discovery */
    const char *context;
    const char *policies;           /* files mode: DIR or FILE */
    bool hpa_source_cluster;        /* --hpa-source cluster */
    const char *namespace_;         /* cluster mode: NULL = all */
    const char *selector;           /* cluster mode label selector */
    hpa_duration_t sync_period;     /* 15 s */
    bool dry_run, once;
    const char *snapshot_dir;
    bool pod_owner;                 /* --pod-selection owner */
    hpa_duration_t max_metric_age;  /* PodMetrics older than this: missing */
    bool leader_elect;
    const char *lease_name, *lease_namespace, *identity;
    hpa_duration_t lease_duration, renew_deadline, retry_period;
    const char *health_addr;        /* "host:port"; NULL or "" = off */
    hpa_duration_t request_timeout; /* per API attempt (30 s) */
    double qps;
    int burst;
    dstore_kind state_store;
    hpa_options hpa_opts;
} daemon_opts;

void daemon_opts_default(daemon_opts *o);

/* Run until SIGTERM/SIGINT (exit 0), a lost lease (exit 1), or the end of
 * the --once pass (0 if every HPA was decided, 1 otherwise). Setup errors
 * print one line and return 2 (bad flags/config) or 1. */
int daemon_run(const daemon_opts *o);

#endif
