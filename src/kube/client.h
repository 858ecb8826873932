/*
 * client.h - a non-blocking Kubernetes API client on a libevent loop.
 *
 * Requests run on the caller's struct event_base through curl's multi
 * interface (curl's sockets and timers become libevent events), so a
 * daemon can have thousands in flight on one thread. Connections are kept
 * alive and shared; HTTP/2 is used when the server offers it (ALPN), with
 * requests multiplexed on one connection.
 *
 * TLS: verification is on unless the kubeconfig says
 * insecure-skip-tls-verify; the configured CA replaces the system CAs;
 * client certificates, bearer tokens (static, token file, exec plugin) and
 * basic auth come from kube_creds; tls-server-name is honoured by asking
 * curl to connect to the configured host while verifying (and sending SNI
 * for) the given name.
 *
 * Retries (see docs/kube-client.md): connection errors, 5xx and 429 are
 * retried with exponential backoff and full jitter, at least Retry-After
 * seconds when the server sends it. Only idempotent methods (GET, HEAD,
 * PUT, DELETE) are retried after a request may have reached the server;
 * POST and PATCH are retried only when nothing was sent (the connection
 * was refused or the host did not resolve). A 401 with refreshable
 * credentials (token file, exec plugin) re-reads them and retries once.
 * Everything else, 409 Conflict included, goes back to the caller.
 *
 * Rate limit: a token bucket (qps, burst); requests over budget wait in a
 * FIFO queue. Every attempt, retries included, takes a token.
 *
 * SIGPIPE: kube_client_new() sets it to SIG_IGN when it still has the
 * default action (a peer closing a TLS connection must not kill the
 * process); a handler the program installed is kept.
 *
 * Callbacks: each accepted request gets exactly one callback, always from
 * the event loop (never from inside kube_request()). Callbacks may start
 * new requests; they must not free the client.
 *
 * Ownership: the client borrows the event_base and the kube_config (both
 * must outlive it) and owns its curl handles, events and queues. The
 * response passed to a callback is valid only during the callback
 * (json_incref the body to keep it). The client reads the clock
 * (monotonic for rate limits and timers, wall for credential expiry) and
 * does network I/O. Tokens, keys and passwords never reach a log line or
 * an error message.
 */
#ifndef HPA_KUBE_CLIENT_H
#define HPA_KUBE_CLIENT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hpa/error.h"
#include "kube/creds.h"
#include "kube/kubeconfig.h"

struct event_base;

typedef struct kube_client kube_client;

/* Log levels for kube_log_fn. */
enum { KUBE_LOG_DEBUG = 0, KUBE_LOG_INFO = 1, KUBE_LOG_WARN = 2 };

/* One line, no newline; never contains a secret. */
typedef void (*kube_log_fn)(int level, const char *line, void *arg);

typedef struct kube_client_opts {
    double qps;               /* <= 0: no client-side rate limit */
    int burst;                /* bucket size; < 1 means 1 */
    uint64_t seed;            /* jitter RNG seed; 0: time and pid */
    long timeout_ms;          /* default per-attempt timeout (0: none) */
    long connect_timeout_ms;  /* TCP + TLS handshake limit */
    int max_retries;          /* default retries per request */
    long backoff_base_ms;     /* first retry waits up to this */
    long backoff_max_ms;      /* cap of the exponential */
    long retry_after_max_ms;  /* cap on a server's Retry-After */
    long exec_timeout_ms;     /* exec credential plugin run limit */
    const char *user_agent;   /* copied; NULL: "hpa-engine/VERSION" */
    kube_log_fn log;          /* NULL: silent */
    void *log_arg;
    /* Called after every finished HTTP attempt, retries and watches
     * included, from the loop: `status` 0 means no answer (timeout, reset,
     * refused). Not called for cancelled requests. NULL: none. */
    void (*on_attempt)(const char *method, long status, void *arg);
    void *on_attempt_arg;
    /* At most this many connections to the server (HTTP/1.1 needs one per
     * request in flight; more requests wait in curl's queue), also the
     * number of idle connections kept for reuse. 0: curl's defaults
     * (unlimited). */
    long max_connections;
} kube_client_opts;

/* client-go's defaults where it has them: qps 5, burst 10, 30 s request
 * timeout; backoff 200 ms doubling to 30 s, 5 retries, Retry-After capped
 * at 60 s, 10 s connect timeout. */
void kube_client_opts_default(kube_client_opts *o);

/* NULL with `e` filled on failure (curl or libevent setup, bad server URL). */
kube_client *kube_client_new(struct event_base *base, const kube_config *cfg,
                             const kube_client_opts *o, hpa_err *e);
/* Drops queued and in-flight requests and watches WITHOUT calling their
 * callbacks. */
void kube_client_free(kube_client *c);

/* Per-request options; zero-initialise then set what differs. */
typedef struct kube_req_opts {
    long timeout_ms;          /* 0: the client's default; < 0: none */
    int max_retries;          /* used only when set_retries is true */
    bool set_retries;
    bool raw_body;            /* a 2xx answer is not parsed: body is NULL,
                                 the caller reads raw/raw_len (e.g. a large
                                 list read one item at a time); error
                                 answers are parsed as usual */
} kube_req_opts;

typedef struct kube_response {
    const char *method;
    const char *path;
    long status;              /* HTTP status of the last attempt, 0: none */
    json_t *body;             /* parsed JSON body or NULL; borrowed */
    const char *raw;          /* raw body ("" when none) */
    size_t raw_len;
    int attempts;             /* 1 + retries made */
    hpa_err err;              /* HPA_OK iff 2xx; 404 -> HPA_ENOTFOUND,
                                 timeouts -> HPA_ETIMEOUT, other HTTP errors
                                 HPA_EAPI, transport and TLS errors HPA_EIO */
} kube_response;

typedef void (*kube_response_cb)(const kube_response *r, void *arg);

/* Queue a request. `path` starts with '/' and may carry a query string
 * (build it with kube_path_query). `body` (may be NULL) is serialised now;
 * `content_type` NULL means application/json. Returns HPA_OK when the
 * callback will be called. */
hpa_errcode kube_request(kube_client *c, const char *method, const char *path,
                         const json_t *body, const char *content_type,
                         const kube_req_opts *o, kube_response_cb cb,
                         void *arg, hpa_err *e) HPA_WUR;

hpa_errcode kube_get_json(kube_client *c, const char *path,
                          kube_response_cb cb, void *arg, hpa_err *e) HPA_WUR;
hpa_errcode kube_put_json(kube_client *c, const char *path, const json_t *body,
                          kube_response_cb cb, void *arg, hpa_err *e) HPA_WUR;
hpa_errcode kube_post_json(kube_client *c, const char *path, const json_t *body,
                           kube_response_cb cb, void *arg, hpa_err *e) HPA_WUR;
/* PATCH with application/merge-patch+json. */
hpa_errcode kube_patch_merge(kube_client *c, const char *path,
                             const json_t *body, kube_response_cb cb,
                             void *arg, hpa_err *e) HPA_WUR;

/* ---- watch -------------------------------------------------------------- */

typedef struct kube_watch kube_watch;

/* One watch event: type "ADDED", "MODIFIED", "DELETED", "BOOKMARK" or
 * "ERROR" (object is then a Status; code 410 means relist). `object` is
 * borrowed. */
typedef void (*kube_watch_event_cb)(const char *type, json_t *object,
                                    void *arg);
/* The stream ended (server closed it, an error, or a non-2xx answer such
 * as 410 Gone, in r->status / r->body). The caller restarts the watch. */
typedef void (*kube_watch_done_cb)(const kube_response *r, void *arg);

/* A streaming GET of `path` (which carries ?watch=1&resourceVersion=...).
 * Not retried: the caller decides how to resume. No timeout unless
 * o->timeout_ms > 0 (use the timeoutSeconds query parameter instead). */
kube_watch *kube_watch_start(kube_client *c, const char *path,
                             const kube_req_opts *o, kube_watch_event_cb ev,
                             kube_watch_done_cb done, void *arg, hpa_err *e);
/* Stop a watch; no callback follows. May be called from its own event
 * callback. Not after the done callback ran (the watch is gone then). */
void kube_watch_cancel(kube_watch *w);

/* ---- discovery ---------------------------------------------------------- */

typedef struct kube_resource {
    const char *api_version;  /* "apps/v1", "v1" */
    const char *kind;         /* "Deployment" */
    const char *resource;     /* "deployments" */
    bool namespaced;
} kube_resource;

/* `r` is NULL on failure (then `err` says why); both borrowed. */
typedef void (*kube_discover_cb)(const kube_resource *r, const hpa_err *err,
                                 void *arg);

/* Find the resource of `kind` in `api_version` that has a scale
 * subresource, via /api/v1 or /apis/<group>/<version>. Results are cached
 * for the client's life. The callback always runs from the loop. */
hpa_errcode kube_discover_scale(kube_client *c, const char *api_version,
                                const char *kind, kube_discover_cb cb,
                                void *arg, hpa_err *e) HPA_WUR;

/* "/apis/apps/v1/namespaces/NS/deployments/NAME/scale" (heap). `ns` is
 * ignored for cluster-scoped resources. NULL on out of memory. */
char *kube_scale_path(const kube_resource *r, const char *ns, const char *name);

/* ---- URLs ---------------------------------------------------------------- */

/* Percent-encode for a path segment or a query value (RFC 3986
 * unreserved characters stay). Heap; NULL on out of memory. */
char *kube_escape(const char *s);

/* `path` + "?k1=v1&k2=v2..." with values escaped. `kv` is a NULL-terminated
 * list of key, value pairs; a pair whose value is NULL is left out. Heap;
 * NULL on out of memory. */
char *kube_path_query(const char *path, const char *const *kv);

/* ---- introspection (tests, metrics) ------------------------------------ */

typedef struct kube_client_stats {
    uint64_t attempts;        /* HTTP attempts started */
    uint64_t retries;         /* attempts that were retries */
    uint64_t throttled;       /* attempts that waited for the rate limit */
    size_t queued;            /* waiting for a rate-limit token now */
    size_t in_flight;         /* running now */
} kube_client_stats;

void kube_client_get_stats(const kube_client *c, kube_client_stats *out);

#endif
