/*
 * model.h - the plain structs the decision reads: an autoscaling/v2
 * HorizontalPodAutoscaler spec, the target's Scale, pods, the metrics APIs'
 * answers, the controller options, and the state the engine remembers
 * between decisions.
 *
 * These are what the API server returns, already parsed (the codec in
 * src/codec/ turns JSON/YAML into them; the simulator builds them directly).
 * Every string and array hangs off one hpa_arena owned by whoever built the
 * object; the decision never frees or keeps pointers into them.
 *
 * Quantities are already in milli-units (rounded up as MilliValue()).
 * "has_" flags say whether an optional field was present: upstream tells
 * nil from zero in several places, and so must we.
 *
 * The state (hpa_state) is the one thing the decision writes; its arrays
 * are heap-owned by the struct (hpa_state_free).
 */
#ifndef HPA_MODEL_H
#define HPA_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hpa/quantity.h"
#include "hpa/selector.h"
#include "hpa/timeutil.h"

/* ---- resource lists (requests, usage) ------------------------------- */

typedef struct hpa_resource {
    const char *name;     /* "cpu", "memory", ... */
    int64_t milli;        /* value in milli-units, rounded up */
} hpa_resource;

typedef struct hpa_resource_list {
    size_t n;
    const hpa_resource *items;
} hpa_resource_list;

/* Returns true and sets *milli when `name` is in the list. */
bool hpa_resource_list_get(const hpa_resource_list *l, const char *name,
                           int64_t *milli);

/* ---- pods ------------------------------------------------------------ */

typedef enum {
    HPA_POD_PHASE_UNKNOWN = 0,  /* also: phase absent or not recognised */
    HPA_POD_PENDING,
    HPA_POD_RUNNING,
    HPA_POD_SUCCEEDED,
    HPA_POD_FAILED
} hpa_pod_phase;

typedef enum {
    HPA_COND_ABSENT = 0,        /* the pod has no Ready condition */
    HPA_COND_TRUE,
    HPA_COND_FALSE,
    HPA_COND_UNKNOWN
} hpa_cond_status;

typedef struct hpa_container {
    const char *name;
    hpa_resource_list requests;
    hpa_resource_list limits;
    bool restart_always;        /* initContainer with restartPolicy Always */
} hpa_container;

typedef struct hpa_owner_ref {
    const char *api_version;
    const char *kind;
    const char *name;
    const char *uid;
    bool controller;
} hpa_owner_ref;

typedef struct hpa_pod {
    const char *name;
    const char *namespace_;
    const char *uid;
    hpa_labels labels;
    bool has_labels;            /* metadata.labels was present (even {}):
                                   only then is the pod matched against the
                                   Scale's selector; a snapshot pod without
                                   it is taken as selected (the contract's
                                   `pods` are the selected pods) */
    size_t n_owners;
    const hpa_owner_ref *owners;
    bool deleting;              /* metadata.deletionTimestamp is set */
    hpa_pod_phase phase;
    bool has_start_time;
    hpa_time_t start_time;
    hpa_cond_status ready;      /* status of the Ready condition */
    hpa_time_t ready_transition;/* its lastTransitionTime; absent is Go's zero
                                   time (year 1), as upstream reads it */
    size_t n_containers;
    const hpa_container *containers;
    size_t n_init_containers;   /* all init containers, sidecars flagged */
    const hpa_container *init_containers;
    bool has_pod_requests;      /* pod-level spec.resources.requests */
    hpa_resource_list pod_requests;
} hpa_pod;

/* ---- metrics APIs' answers ----------------------------------------- */

typedef struct hpa_container_metrics {
    const char *name;
    hpa_resource_list usage;
} hpa_container_metrics;

/* metrics.k8s.io/v1beta1 PodMetrics */
typedef struct hpa_pod_metrics {
    const char *name;
    hpa_time_t timestamp;
    hpa_duration_t window;
    size_t n_containers;
    const hpa_container_metrics *containers;
} hpa_pod_metrics;

/* custom.metrics.k8s.io MetricValue describing one pod (Pods metrics). */
typedef struct hpa_pod_metric_value {
    const char *pod;            /* describedObject.name */
    int64_t milli;
    hpa_time_t timestamp;
    bool has_window;
    hpa_duration_t window;      /* windowSeconds, default 1 minute */
} hpa_pod_metric_value;

/* All values of one Pods metric, as the custom metrics API lists them. */
typedef struct hpa_pod_metric_list {
    const char *metric;         /* metric name (the snapshot's key) */
    size_t n;
    const hpa_pod_metric_value *items;
} hpa_pod_metric_list;

typedef struct hpa_object_ref {
    const char *api_version;
    const char *kind;
    const char *name;
} hpa_object_ref;

/* custom.metrics.k8s.io value for one object (Object metrics). */
typedef struct hpa_object_metric_value {
    const char *metric;
    const hpa_label_selector *selector;   /* NULL when none */
    hpa_object_ref described;
    int64_t milli;
    hpa_time_t timestamp;
} hpa_object_metric_value;

/* external.metrics.k8s.io values of one metric. */
typedef struct hpa_external_metric_value {
    int64_t milli;
    hpa_time_t timestamp;
} hpa_external_metric_value;

typedef struct hpa_external_metric_list {
    const char *metric;
    size_t n;
    const hpa_external_metric_value *items;
} hpa_external_metric_list;

/* ---- the HPA spec ---------------------------------------------------- */

typedef enum {
    HPA_METRIC_UNKNOWN = 0,     /* type_name holds what was written */
    HPA_METRIC_OBJECT,
    HPA_METRIC_PODS,
    HPA_METRIC_RESOURCE,
    HPA_METRIC_CONTAINER_RESOURCE,
    HPA_METRIC_EXTERNAL
} hpa_metric_type;

typedef enum {
    HPA_TARGET_UNKNOWN = 0,
    HPA_TARGET_UTILIZATION,
    HPA_TARGET_VALUE,
    HPA_TARGET_AVERAGE_VALUE
} hpa_target_type;

typedef struct hpa_metric_target {
    hpa_target_type type;
    const char *type_name;      /* as written, for messages */
    bool has_value;
    hpa_quantity value;
    int64_t value_milli;
    bool has_average_value;
    hpa_quantity average_value;
    int64_t average_value_milli;
    bool has_average_utilization;
    int32_t average_utilization;
} hpa_metric_target;

typedef struct hpa_metric_spec {
    hpa_metric_type type;
    const char *type_name;      /* "Resource", ... as written */
    /* Resource, ContainerResource */
    const char *resource;       /* resource name */
    const char *container;      /* ContainerResource only */
    /* Pods, Object, External: metric identifier */
    const char *metric_name;
    const hpa_label_selector *metric_selector;  /* NULL when absent */
    /* Object */
    hpa_object_ref described;
    hpa_metric_target target;
} hpa_metric_spec;

typedef enum {
    HPA_POLICY_PODS = 0,
    HPA_POLICY_PERCENT
} hpa_policy_type;

typedef struct hpa_scaling_policy {
    hpa_policy_type type;
    int32_t value;
    int32_t period_seconds;
} hpa_scaling_policy;

typedef enum {
    HPA_SELECT_MAX = 0,
    HPA_SELECT_MIN,
    HPA_SELECT_DISABLED
} hpa_select_policy;

/* One direction of spec.behavior, after defaulting. */
typedef struct hpa_scaling_rules {
    bool has_window;            /* false only for scale-down when the
                                   controller's setting is to be used */
    int32_t window_seconds;
    hpa_select_policy select;
    size_t n_policies;
    const hpa_scaling_policy *policies;
    bool has_tolerance;
    hpa_quantity tolerance;     /* behavior.scaleX.tolerance */
} hpa_scaling_rules;

typedef struct hpa_condition {
    const char *type;           /* AbleToScale, ScalingActive, ScalingLimited */
    const char *status;         /* "True", "False", "Unknown" */
    const char *reason;
    const char *message;
    bool has_transition;
    hpa_time_t last_transition;
} hpa_condition;

typedef struct hpa_spec {
    const char *name;
    const char *namespace_;     /* "default" when absent */
    hpa_object_ref target;      /* spec.scaleTargetRef */
    bool has_min_replicas;      /* false before defaulting only */
    int32_t min_replicas;
    int32_t max_replicas;
    size_t n_metrics;
    const hpa_metric_spec *metrics;
    bool has_behavior;
    hpa_scaling_rules scale_up;     /* meaningful when has_behavior */
    hpa_scaling_rules scale_down;
    /* status.conditions as read, kept when the decision does not set them */
    size_t n_conditions;
    const hpa_condition *conditions;
    bool has_last_scale_time;
    hpa_time_t last_scale_time;
} hpa_spec;

/* ---- the target's Scale subresource ---------------------------------- */

typedef struct hpa_scale {
    int32_t spec_replicas;
    int32_t status_replicas;
    const char *selector;       /* status.selector; NULL or "" when absent */
    const char *resource_version;
} hpa_scale;

/* ---- controller options ---------------------------------------------- */

typedef struct hpa_options {
    double tolerance;                       /* 0.1 */
    hpa_duration_t cpu_initialization_period;   /* 5m */
    hpa_duration_t initial_readiness_delay;     /* 30s */
    hpa_duration_t downscale_stabilization;     /* 5m */
} hpa_options;

/* The kube-controller-manager defaults. */
hpa_options hpa_options_default(void);

/* ---- remembered state -------------------------------------------------- */

typedef struct hpa_recommendation {
    hpa_time_t time;
    int32_t replicas;
} hpa_recommendation;

typedef struct hpa_scale_event {
    hpa_time_t time;
    int32_t change;             /* > 0 */
    bool outdated;              /* marked for reuse (upstream) */
} hpa_scale_event;

/* Heap-owned growable arrays. `known` false means "never seen this HPA"
 * (recommendations absent or null in a snapshot). */
typedef struct hpa_state {
    bool known;
    size_t n_recs, cap_recs;
    hpa_recommendation *recs;
    size_t n_up, cap_up;
    hpa_scale_event *up;
    size_t n_down, cap_down;
    hpa_scale_event *down;
} hpa_state;

void hpa_state_init(hpa_state *s);
void hpa_state_free(hpa_state *s);
/* Make room so that the next `recs`/`events` appends do not allocate. */
hpa_errcode hpa_state_reserve(hpa_state *s, size_t recs, size_t events) HPA_WUR;
hpa_errcode hpa_state_copy(hpa_state *dst, const hpa_state *src) HPA_WUR;
hpa_errcode hpa_state_push_rec(hpa_state *s, hpa_recommendation r) HPA_WUR;
hpa_errcode hpa_state_push_up(hpa_state *s, hpa_scale_event ev) HPA_WUR;
hpa_errcode hpa_state_push_down(hpa_state *s, hpa_scale_event ev) HPA_WUR;

/* ---- one decision's input ---------------------------------------------- */

typedef struct hpa_snapshot {
    hpa_time_t now;
    const hpa_spec *hpa;        /* defaults applied (hpa_spec_apply_defaults) */
    hpa_scale scale;
    size_t n_pods;
    const hpa_pod *pods;
    bool has_pod_metrics;       /* false: the metrics API answered nothing */
    size_t n_pod_metrics;
    const hpa_pod_metrics *pod_metrics;
    size_t n_pod_custom;        /* one list per Pods metric name */
    const hpa_pod_metric_list *pod_custom;
    size_t n_object_metrics;
    const hpa_object_metric_value *object_metrics;
    size_t n_external;
    const hpa_external_metric_list *external;
} hpa_snapshot;

/* API-server defaulting of an autoscaling/v2 HPA, in place: minReplicas 1,
 * no metrics -> CPU 80 % utilization (allocated from `a`), a present
 * behavior gets its missing parts (scale-up: window 0, 4 Pods and 100
 * Percent per 15 s, Max; scale-down: window left unset for the controller,
 * 100 Percent per 15 s, Max). The `*_explicit` bits say which parts were
 * given; see hpa_spec_defaults_input. */
typedef struct hpa_spec_defaults_input {
    bool up_present, up_window, up_select, up_policies;
    bool down_present, down_window, down_select, down_policies;
} hpa_spec_defaults_input;

hpa_errcode hpa_spec_apply_defaults(hpa_spec *spec,
                                    const hpa_spec_defaults_input *given,
                                    hpa_arena *a) HPA_WUR;

const char *hpa_metric_type_name(hpa_metric_type t);
const char *hpa_target_type_name(hpa_target_type t);
const char *hpa_select_policy_name(hpa_select_policy p);
const char *hpa_policy_type_name(hpa_policy_type p);

#endif
