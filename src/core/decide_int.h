/*
 * decide_int.h - private parts of the decision (decide.c, calc.c,
 * normalize.c). Not installed.
 *
 * One hpa_dec_ctx lives on hpa_decide()'s stack for one call. Everything it
 * points to is either the caller's input (read only), the workspace's arena
 * (strings and arrays of the decision) or the workspace's scratch block
 * (per-pod tables, reused from one call to the next). Nothing here reads
 * the clock or does I/O.
 */
#ifndef HPA_DECIDE_INT_H
#define HPA_DECIDE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hpa/arena.h"
#include "hpa/decide.h"
#include "hpa/model.h"

/* Group flags of a name (upstream keeps sets of pod names). */
#define DEC_IGNORED 0x1u
#define DEC_UNREADY 0x2u
#define DEC_MISSING 0x4u

/* One name known to the calculation of one metric: a selected pod, or a
 * metric entry for a pod that is not in the pod list ("extra"). Upstream
 * keeps maps keyed by pod name; a slot is one key of all of them. */
typedef struct dec_slot {
    const char *name;
    uint64_t hash;
    int32_t pod;            /* index in snap->pods of the last selected pod
                               with this name; -1 for an extra */
    uint8_t in_metrics;     /* key present in the metrics map */
    uint8_t groups;         /* DEC_* */
    uint8_t has_request;    /* key present in the requests map */
    int64_t value;          /* metric value, milli */
    hpa_time_t ts;
    hpa_duration_t window;
    int64_t request;
} dec_slot;

typedef struct hpa_dec_ctx {
    const hpa_snapshot *snap;
    const hpa_spec *hpa;
    const hpa_options *opts;
    hpa_state *state;
    hpa_workspace *ws;
    hpa_strbuf *ex;         /* explain; NULL: no formatting work at all */
    hpa_time_t now;
    double tol_up, tol_down;

    /* the scale's selector, parsed once */
    hpa_selector selector;

    /* scratch (ws->scratch) */
    uint32_t *sel;          /* indices of the selected pods, in order */
    uint32_t *sel_slot;     /* the slot of each selected pod */
    size_t n_sel;
    dec_slot *slots;
    size_t n_slots;         /* pod slots first, then extras */
    size_t n_pod_slots;
    size_t max_slots;
    uint32_t *table;        /* open addressing: slot index + 1, 0 empty */
    size_t table_mask;
    bool table_has_extras;

    /* output under construction (arena) */
    hpa_condition *conds;
    size_t n_conds, cap_conds;
    hpa_event_out *events;
    size_t n_events, cap_events;
    bool oom;               /* an allocation failed: HPA_ENOMEM at the end */
} hpa_dec_ctx;

/* What one metric gives (computeReplicasForMetric). */
typedef struct hpa_dec_result {
    int32_t replicas;
    const char *name;           /* metric name; set also on failure when known */
    const char *cond_reason;    /* failure: the ScalingActive reason */
    const char *cond_message;   /* failure: the condition message */
    const char *error;          /* failure: the wrapped error text */
} hpa_dec_result;

/* ---- decide.c ---- */
void hpa_dec_set_condition(hpa_dec_ctx *c, const char *type,
                           const char *status, const char *reason,
                           const char *message);
void hpa_dec_event(hpa_dec_ctx *c, const char *type, const char *reason,
                   const char *message);
/* arena sprintf that never returns NULL ("" when out of memory; the
 * caller checks c->oom at the end). */
const char *hpa_dec_fmt(hpa_dec_ctx *c, const char *fmt, ...) HPA_PRINTF(2, 3);
void hpa_dec_explain(hpa_dec_ctx *c, const char *fmt, ...) HPA_PRINTF(2, 3);
/* Concatenation of the NULL-terminated list of strings into the arena
 * (the hot path's messages: no printf machinery). */
const char *hpa_dec_cat(hpa_dec_ctx *c, ...);
/* Decimal text of v in buf (at least 12 bytes); returns buf. */
const char *hpa_dec_itoa(int32_t v, char *buf);

/* ---- calc.c ---- */
/* Fill the per-pod tables for the selected pods (once per decision). */
void hpa_dec_index_pods(hpa_dec_ctx *c);
/* computeReplicasForMetric for spec i: fills *st on success. */
void hpa_dec_metric(hpa_dec_ctx *c, const hpa_metric_spec *spec,
                    int32_t spec_replicas, int32_t status_replicas,
                    hpa_metric_status *st, hpa_dec_result *r);
/* Go's float64 -> int32 / int64 conversions on amd64 (out of range and
 * NaN give the minimum value). */
int32_t hpa_dec_go_int32(double v);
int64_t hpa_dec_go_int64(double v);

/* ---- normalize.c ---- */
int32_t hpa_dec_normalize_behavior(hpa_dec_ctx *c, int32_t current,
                                   int32_t desired, int32_t min_replicas);
int32_t hpa_dec_normalize_plain(hpa_dec_ctx *c, int32_t current,
                                int32_t desired, int32_t min_replicas);
/* storeScaleEvent; HPA_ENOMEM when the state cannot grow. */
hpa_errcode hpa_dec_store_scale_event(hpa_dec_ctx *c, int32_t prev,
                                      int32_t next);

#endif
