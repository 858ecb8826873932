/*
 * codec.h - Kubernetes JSON/YAML in and out of the model structs.
 *
 * The one place that knows how the API server spells things. The live
 * client, the sim-server, `recommend`, `validate` and the simulator all use
 * these functions, so a pod or an HPA is read the same way everywhere.
 *
 * Documents: YAML (multi-document, `---`) and JSON are both read through
 * libyaml so that every node keeps its line and column; a field path
 * ("spec.behavior.scaleUp.policies[1].periodSeconds") can be turned back
 * into a position for error messages. kubectl `List` objects (any `*List`
 * kind with `items`) are expanded by hpa_docset_load_*(): each item becomes
 * its own hpa_doc, with its own positions. Empty documents are skipped.
 *
 * Ownership: a docset owns its json_t trees and position maps; model
 * structs produced from JSON are allocated in the arena the caller passes
 * and copy every string they keep (they do not point into json_t).
 */
#ifndef HPA_CODEC_H
#define HPA_CODEC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "hpa/arena.h"
#include "hpa/decide.h"
#include "hpa/error.h"
#include "hpa/model.h"

/* ---- documents with positions (src/codec/doc.c, yaml.c) ------------- */

typedef struct hpa_srcmap hpa_srcmap;

typedef struct hpa_doc {
    json_t *root;           /* owned */
    hpa_srcmap *map;        /* node positions; owned; may be NULL */
    int line, col;          /* where the document starts */
} hpa_doc;

typedef struct hpa_docset {
    char *file;             /* name used in messages ("<stdin>" for "-") */
    size_t n;
    hpa_doc *docs;
} hpa_docset;

/* Read `path` ("-" is stdin) as YAML or JSON, every document. A syntax
 * error fills e->file/line/col. */
hpa_errcode hpa_docset_load_file(const char *path, hpa_docset *out,
                                 hpa_err *e) HPA_WUR;
hpa_errcode hpa_docset_load_buffer(const char *buf, size_t len,
                                   const char *name, hpa_docset *out,
                                   hpa_err *e) HPA_WUR;
void hpa_docset_free(hpa_docset *d);

/* Fill e->file, e->line, e->col from e->path. The path is relative to
 * the document root after removing `strip_prefix` (may be NULL); when the
 * exact node does not exist (a missing field) the nearest existing parent
 * is used. */
void hpa_doc_locate(const hpa_docset *set, size_t doc, const char *strip_prefix,
                    hpa_err *e);

/* ---- HPA objects (src/codec/hpa_json.c) ------------------------------- */

/* An autoscaling/v2 HorizontalPodAutoscaler object -> hpa_spec with the
 * API server's defaults applied. Only what the decision cannot read at all
 * is an error here (wrong JSON types, unparsable quantities, a missing
 * spec.maxReplicas); e->path is relative to the object
 * ("spec.metrics[0].resource.target.averageUtilization"). */
hpa_errcode hpa_codec_hpa_from_json(const json_t *obj, hpa_arena *a,
                                    hpa_spec *out, hpa_err *e) HPA_WUR;

/* A problem list for validation: every problem, not just the first. */
typedef struct hpa_errlist {
    size_t n, cap;
    hpa_err *items;
} hpa_errlist;

void hpa_errlist_free(hpa_errlist *l);
hpa_err *hpa_errlist_add(hpa_errlist *l);   /* NULL on out of memory */

/* Validate as the API server does (ValidateHorizontalPodAutoscaler):
 * appends one entry per problem, paths relative to the object. Returns the
 * number of problems appended. */
size_t hpa_validate_hpa_json(const json_t *obj, hpa_errlist *out);

/* hpa_spec -> a complete autoscaling/v2 manifest object (new reference). */
json_t *hpa_codec_hpa_to_json(const hpa_spec *spec);

/* ---- pods, metrics, scale, snapshot (src/codec/objects.c, snapshot.c) -- */

hpa_errcode hpa_codec_pod_from_json(const json_t *obj, hpa_arena *a,
                                    hpa_pod *out, hpa_err *e) HPA_WUR;
hpa_errcode hpa_codec_pod_metrics_from_json(const json_t *obj, hpa_arena *a,
                                            hpa_pod_metrics *out,
                                            hpa_err *e) HPA_WUR;
hpa_errcode hpa_codec_scale_from_json(const json_t *obj, hpa_arena *a,
                                      hpa_scale *out, hpa_err *e) HPA_WUR;

/* The custom and external metrics APIs' answers, one metric each:
 * a MetricValueList ({"items": [...]}) for Pods metrics, one object-metric
 * value, an ExternalMetricValueList. `metric` is the metric name the
 * answer is for (copied). Paths in errors are relative to `obj`. */
hpa_errcode hpa_codec_pod_metric_list_from_json(const json_t *obj,
                                                const char *metric,
                                                hpa_arena *a,
                                                hpa_pod_metric_list *out,
                                                hpa_err *e) HPA_WUR;
hpa_errcode hpa_codec_object_metric_from_json(const json_t *obj, hpa_arena *a,
                                              hpa_object_metric_value *out,
                                              hpa_err *e) HPA_WUR;
hpa_errcode hpa_codec_external_metric_list_from_json(const json_t *obj,
                                                     const char *metric,
                                                     hpa_arena *a,
                                                     hpa_external_metric_list *out,
                                                     hpa_err *e) HPA_WUR;
/* A metav1.LabelSelector object (matchLabels, matchExpressions) as
 * written, unvalidated; JSON null gives *out = NULL. */
hpa_errcode hpa_codec_label_selector_from_json(const json_t *obj, hpa_arena *a,
                                               const hpa_label_selector **out,
                                               hpa_err *e) HPA_WUR;
/* ...and back, as given (new reference; NULL selector -> NULL). */
json_t *hpa_codec_label_selector_to_json(const hpa_label_selector *ls);

/* Field readers shared by the codec (src/codec/jsonfield.c). Each reads
 * obj[key]; absent or JSON null is "not present": *present = false (when
 * `present` is not NULL) and HPA_OK, or HPA_EMISSING when `present` is
 * NULL. A wrong type is HPA_ETYPE; e->path is `key`, for the caller to
 * prefix. Strings are copied into `a`. */
hpa_errcode hpa_codec_field_string(const json_t *obj, const char *key,
                                   hpa_arena *a, const char **out,
                                   bool *present, hpa_err *e) HPA_WUR;
hpa_errcode hpa_codec_field_int32(const json_t *obj, const char *key,
                                  int32_t *out, bool *present,
                                  hpa_err *e) HPA_WUR;
hpa_errcode hpa_codec_field_time(const json_t *obj, const char *key,
                                 hpa_time_t *out, bool *present,
                                 hpa_err *e) HPA_WUR;
/* A Go duration string ("5m", "30s") or a number of seconds. */
hpa_errcode hpa_codec_field_duration(const json_t *obj, const char *key,
                                     hpa_duration_t *out, bool *present,
                                     hpa_err *e) HPA_WUR;
/* A quantity (string, or a JSON number as Quantity.UnmarshalJSON takes
 * it) in milli-units, rounded up. */
hpa_errcode hpa_codec_field_milli(const json_t *obj, const char *key,
                                  int64_t *out, bool *present,
                                  hpa_err *e) HPA_WUR;

/* A `recommend` snapshot (../shared/spec/recommend-snapshot.md). The
 * snapshot's hpa is defaulted; `state` is filled (heap, caller frees with
 * hpa_state_free); `opts` starts from hpa_options_default(). Paths in
 * errors are full snapshot paths ("hpa.spec.maxReplicas"). */
hpa_errcode hpa_codec_snapshot_from_json(const json_t *root, hpa_arena *a,
                                         hpa_snapshot *snap, hpa_state *state,
                                         hpa_options *opts, hpa_err *e) HPA_WUR;

/* The decision as `recommend` prints it (contract fields, in order). */
json_t *hpa_codec_decision_to_json(const hpa_decision *d,
                                   const hpa_state *state);

/* Current-metrics array in HPA status shape (used by status writers). */
json_t *hpa_codec_metric_statuses_to_json(const hpa_decision *d);
json_t *hpa_codec_conditions_to_json(size_t n, const hpa_condition *c);
json_t *hpa_codec_state_to_json(const hpa_state *state);

/* ---- the recommend pipeline (src/codec/recommend.c) ------------------ */

/* The step of hpa_codec_recommend that failed. */
typedef enum {
    HPA_CODEC_REC_SNAPSHOT = 1, /* the document is not a snapshot (e->path) */
    HPA_CODEC_REC_DECIDE,       /* hpa_decide refused it */
    HPA_CODEC_REC_OUTPUT        /* the decision JSON (out of memory) */
} hpa_codec_rec_step;

/* What one `recommend` holds, all owned (hpa_codec_rec_free). */
typedef struct hpa_codec_rec {
    hpa_arena arena;            /* the snapshot's objects */
    hpa_workspace ws;
    hpa_snapshot snap;
    hpa_options opts;
    hpa_state state;            /* after success: compacted, what the next
                                   decision needs */
    hpa_decision d;
    hpa_codec_rec_step failed;  /* on error: which step */
} hpa_codec_rec;

void hpa_codec_rec_init(hpa_codec_rec *r);
void hpa_codec_rec_free(hpa_codec_rec *r);

/* One snapshot document through hpa_codec_snapshot_from_json, hpa_decide
 * (its account appended to `explain`, may be NULL), hpa_state_compact and,
 * when `decision_out` is not NULL, hpa_codec_decision_to_json (a new
 * reference for the caller). `r` must be freshly initialised. Returns the
 * failing step's code; r->failed says which step. No I/O, no clock. */
hpa_errcode hpa_codec_recommend(hpa_codec_rec *r, const json_t *root,
                                hpa_strbuf *explain, json_t **decision_out,
                                hpa_err *e) HPA_WUR;

#endif
