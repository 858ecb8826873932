/*
 * decide.h - the autoscaling/v2 decision: one reconcile of one HPA, exactly
 * as kube-controller-manager's HorizontalController makes it.
 *
 *   hpa_decide(snapshot, options, state, workspace, explain, &decision)
 *
 * reads a snapshot (the HPA with defaults applied, its target's Scale, the
 * pods, the metrics), updates `state` as the controller updates its memory
 * (recommendations, scale events) and fills `decision` (desired replicas,
 * conditions, currentMetrics, the reason). The rules, one by one, are in
 * docs/algorithm.md; code that mirrors a rule carries an `UPSTREAM:` note.
 *
 * Memory: the decision's strings and arrays live in the workspace and stay
 * valid until the workspace is used again or freed. A workspace that has
 * served one decision of a given size serves the next one of that size
 * without touching the heap (nor does the state, if reserved). `explain`
 * may be NULL; when given, a person-readable account of every step is
 * appended to it.
 *
 * Pure: no I/O, no clock (time is snapshot->now), no global state.
 */
#ifndef HPA_DECIDE_H
#define HPA_DECIDE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hpa/arena.h"
#include "hpa/model.h"

/* Scratch memory reused from one decision to the next. */
typedef struct hpa_workspace {
    hpa_arena arena;        /* decision output, reset per call */
    void *scratch;          /* per-pod arrays, grown on demand */
    size_t scratch_cap;
    /* the last scale selector parsed, reused while the text is the same
     * (parsing costs a third of a small decision) */
    hpa_arena sel_arena;
    const char *sel_text;   /* copy in sel_arena; NULL: nothing cached */
    hpa_selector sel;
} hpa_workspace;

void hpa_workspace_init(hpa_workspace *ws);
void hpa_workspace_free(hpa_workspace *ws);

/* One entry of status.currentMetrics. type HPA_METRIC_UNKNOWN is a metric
 * that failed: it is written as {"type": ""}, as upstream does. */
typedef struct hpa_metric_status {
    hpa_metric_type type;
    const hpa_metric_spec *spec;    /* the spec entry it answers */
    bool has_average_utilization;
    int32_t average_utilization;
    bool has_average_value;
    int64_t average_value_milli;
    bool has_value;
    int64_t value_milli;
} hpa_metric_status;

/* What one metric proposed. */
typedef struct hpa_metric_proposal {
    const char *metric;     /* upstream's name: "cpu resource utilization
                               (percentage of request)", "pods metric qps"... */
    int32_t replicas;       /* -1 when the metric failed */
    const char *error;      /* NULL unless failed */
} hpa_metric_proposal;

typedef struct hpa_decision {
    int32_t current_replicas;       /* scale.spec.replicas */
    int32_t desired_replicas;       /* what the controller would set now */
    bool rescale;                   /* desired != current: write the scale */
    const char *reason;             /* rescale reason, "" when none */
    bool metrics_computed;          /* false: currentMetrics not touched
                                       (out of bounds, scaling disabled) */
    size_t n_metrics;
    const hpa_metric_status *metrics;   /* currentMetrics */
    size_t n_proposals;
    const hpa_metric_proposal *proposals;
    /* status.conditions after the decision: the input's conditions with
     * the ones this decision set updated in place (lastTransitionTime moves
     * only when the status changes), new ones appended, upstream order. */
    size_t n_conditions;
    const hpa_condition *conditions;
    /* Events the controller would emit (reason, type, message). */
    size_t n_events;
    const struct hpa_event_out {
        const char *type;           /* "Normal" or "Warning" */
        const char *reason;         /* SuccessfulRescale, FailedGetResourceMetric... */
        const char *message;
    } *events;
    const char *error;              /* the reconcile's error, NULL if none */
} hpa_decision;

typedef struct hpa_event_out hpa_event_out;

/* Make the decision. Returns HPA_ENOMEM if scratch memory could not be
 * had, HPA_EINVAL for a snapshot the decision cannot read (NULL hpa);
 * everything the upstream controller reports through conditions (missing
 * metrics, bad selectors, missing requests) is a decision, HPA_OK. */
hpa_errcode hpa_decide(const hpa_snapshot *snap, const hpa_options *opts,
                       hpa_state *state, hpa_workspace *ws,
                       hpa_strbuf *explain, hpa_decision *out,
                       hpa_err *e) HPA_WUR;

/* Drop what can never count again (upstream keeps such entries only to
 * reuse their slots): recommendations older than both stabilization
 * windows and scale events older than the longest policy period, as of
 * `now`. The live controller and `recommend` call it before persisting. */
void hpa_state_compact(hpa_state *state, const hpa_spec *hpa,
                       const hpa_options *opts, hpa_time_t now);

#endif
