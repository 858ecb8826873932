/*
 * api.h - the Kubernetes REST API over a sims_world: one request in, one
 * response (status code and JSON body) out, as a real API server shapes it.
 *
 * This module knows paths, verbs, query parameters (labelSelector,
 * fieldSelector, watch, resourceVersion, includeObject), discovery,
 * Tables, Status bodies and conflicts; it knows nothing of sockets. The
 * server (server.h) turns a response that asks for a watch into a stream
 * and applies the transport faults; metrics faults (stale timestamps,
 * missing pods) are applied here, from the draw passed with the request.
 *
 * Ownership: the response's body (and watch filter) belong to the response
 * (sims_resp_free). The world and faults are borrowed. No I/O, no clock.
 */
#ifndef SIMS_API_H
#define SIMS_API_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "hpa/arena.h"
#include "hpa/selector.h"
#include "server/faults.h"
#include "server/world.h"

#define SIMS_MAX_FIELD_REQS 8

typedef struct sims_field_req {
    char path[64];
    bool neq;
    char value[256];
} sims_field_req;

/* labelSelector + fieldSelector + namespace, compiled. */
typedef struct sims_filter {
    hpa_arena arena;
    bool has_labels;
    hpa_selector labels;
    size_t n_fields;
    sims_field_req fields[SIMS_MAX_FIELD_REQS];
    char ns[64];                    /* "" = all namespaces */
} sims_filter;

typedef struct sims_req {
    const char *method;
    const char *path;               /* without the query */
    const char *query;              /* raw, may be NULL */
    const char *accept;             /* may be NULL */
    const char *content_type;       /* may be NULL */
    const char *body;
    size_t body_len;
    sims_fault_draw fault;          /* metrics faults of this request */
} sims_req;

typedef struct sims_resp {
    int code;
    json_t *body;                   /* owned; NULL with `text` or `raw` */
    char *raw;                      /* owned body bytes (fast lists, protobuf); NULL = use body */
    size_t raw_len;
    const char *content_type;       /* static; NULL = application/json */
    const char *text;               /* static plain-text body (healthz) */
    /* a watch: the server streams events matching `filter` */
    bool watch;
    sims_res watch_res;
    const char *watch_api_version;  /* apiVersion to present objects in */
    bool has_watch_rv;
    uint64_t watch_rv;
    bool table;                     /* Accept asked for a meta.k8s.io Table */
    bool include_object;
    int timeout_s;                  /* timeoutSeconds, 0 = none */
    sims_filter filter;
} sims_resp;

typedef struct sims_api {
    sims_world *w;
    sims_faults *faults;            /* may be NULL */
    char server_address[64];        /* "127.0.0.1:PORT" for /api */
} sims_api;

void sims_api_handle(sims_api *api, const sims_req *rq, sims_resp *rs);
void sims_resp_free(sims_resp *rs);

/* A Kubernetes Status object (new reference). `name`, `group`, `kind`
 * fill details when not NULL. */
json_t *sims_status(int code, const char *reason, const char *message, const char *name,
                    const char *group, const char *kind);

/* Selectors. Errors name the selector and the term. */
hpa_errcode sims_filter_init(sims_filter *f, const char *ns, const char *label_sel, const char *field_sel,
                             hpa_err *e) HPA_WUR;
bool sims_filter_matches(const sims_filter *f, const json_t *obj);
void sims_filter_free(sims_filter *f);

/* Every object of `res` that matches (new array), as the list shows them. */
json_t *sims_api_items(sims_api *api, sims_res res, const sims_filter *f);

/* Present `obj` for a watch event: converted to `api_version` (for the HPA
 * versions) and, with `table`, wrapped in a one-row Table (columns only
 * when `with_columns`). New reference. */
json_t *sims_api_watch_object(sims_api *api, sims_res res, const json_t *obj, const char *api_version,
                              bool table, bool include_object, bool with_columns);

/* RFC 7386 JSON merge patch, in place on `target`. */
void sims_merge_patch(json_t *target, const json_t *patch);

/* kubectl's age text ("5s", "3m20s", "2d4h"). */
void sims_age(hpa_duration_t d, char *buf, size_t len);

#endif
