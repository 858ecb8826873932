/*
 * client.c - curl multi on libevent (see client.h).
 *
 * The glue is curl's "multi-event" pattern: curl tells us which sockets to
 * watch (CURLMOPT_SOCKETFUNCTION) and when to wake it
 * (CURLMOPT_TIMERFUNCTION); libevent calls curl_multi_socket_action() when
 * either happens; finished transfers are collected with
 * curl_multi_info_read() and either retried (after a backoff timer) or
 * handed to the caller.
 *
 * A request (kube_req) lives from kube_request() to its callback. Each
 * attempt gets a fresh easy handle; connections survive in the multi
 * handle's cache, so keep-alive and HTTP/2 multiplexing still apply.
 */
#include "kube/client.h"

#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "hpa/arena.h"

#ifndef HPA_VERSION
#define HPA_VERSION "dev"
#endif

#define KUBE_MAX_BODY ((size_t)512 << 20)

typedef enum { REQ_QUEUED, REQ_RUNNING, REQ_BACKOFF } req_state;

typedef struct kube_req kube_req;

struct kube_req {
    kube_client *c;
    kube_req *prev, *next;        /* c->all */
    kube_req *qnext;              /* c->qhead when REQ_QUEUED */
    req_state state;
    char *method, *path, *body, *content_type;
    size_t body_len;
    long timeout_ms;
    int max_retries;
    int attempt;                  /* attempts started */
    int retries;                  /* backoff retries made */
    bool idempotent, auth_retried;
    bool raw_body;                /* a 2xx answer is not parsed */
    kube_response_cb cb;
    void *arg;
    /* watch */
    bool is_watch, cancelled, in_event_cb, free_deferred;
    kube_watch_event_cb wev;
    kube_watch_done_cb wdone;
    hpa_strbuf line;
    hpa_err watch_err;
    /* the current attempt */
    CURL *easy;
    struct curl_slist *hdrs;
    char errbuf[CURL_ERROR_SIZE];
    hpa_strbuf resp;
    bool resp_overflow;
    long retry_after_ms;          /* -1: none */
    int64_t started_ms;
    struct event *timer;          /* backoff */
};

typedef struct disc_entry {
    char *api_version, *kind, *resource;
    bool namespaced;
} disc_entry;

typedef struct kube_defer {
    struct kube_defer *next;
    void (*fn)(kube_client *c, void *ctx);
    void (*free_fn)(void *ctx);
    void *ctx;
} kube_defer;

#define KUBE_EASY_POOL 64

struct kube_client {
    struct event_base *base;
    const kube_config *cfg;
    kube_client_opts o;
    char *ua;
    kube_creds *creds;
    CURLM *multi;
    struct event *curl_timer;
    struct event *pump_ev;
    struct event *defer_ev;
    kube_req *all;
    kube_req *qhead, *qtail;
    size_t nqueued, nrunning;
    /* finished easy handles, reset and kept for the next attempts: setting
     * one up anew costs a few large allocations per request */
    CURL *easy_pool[KUBE_EASY_POOL];
    size_t n_easy_pool;
    kube_defer *defers, *defers_tail;
    double tokens;
    int64_t tokens_at;
    uint64_t rng;
    char *url_base;               /* scheme://host:port/prefix */
    struct curl_slist *connect_to;
    char *host_hdr;
    disc_entry **disc;
    size_t ndisc;
    int in_curl_cb;               /* > 0 inside a curl write callback */
    kube_client_stats stats;
};

/* ---- small helpers ----------------------------------------------------- */

static int64_t mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* splitmix64: small, seedable, owned by the client. */
static uint64_t rng_next(kube_client *c)
{
    uint64_t z = (c->rng += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void HPA_PRINTF(3, 4) klog(kube_client *c, int level, const char *fmt, ...)
{
    char line[1024];
    va_list ap;

    if (!c->o.log)
        return;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    c->o.log(level, line, c->o.log_arg);
}

static void tv_from_ms(struct timeval *tv, long ms)
{
    if (ms < 0)
        ms = 0;
    tv->tv_sec = ms / 1000;
    tv->tv_usec = (ms % 1000) * 1000;
}

char *kube_escape(const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(s);
    char *out = malloc(n * 3 + 1), *p = out;

    if (!out)
        return NULL;
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;

        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
            (ch >= '0' && ch <= '9') || ch == '-' || ch == '.' || ch == '_' ||
            ch == '~') {
            *p++ = (char)ch;
        } else {
            *p++ = '%';
            *p++ = hex[ch >> 4];
            *p++ = hex[ch & 15];
        }
    }
    *p = '\0';
    return out;
}

char *kube_path_query(const char *path, const char *const *kv)
{
    hpa_strbuf b = HPA_STRBUF_INIT;
    char sep = strchr(path, '?') ? '&' : '?';

    hpa_strbuf_append(&b, path);
    for (size_t i = 0; kv && kv[i]; i += 2) {
        char *k, *v;

        if (!kv[i + 1])
            continue;
        k = kube_escape(kv[i]);
        v = kube_escape(kv[i + 1]);
        if (!k || !v) {
            free(k);
            free(v);
            hpa_strbuf_free(&b);
            return NULL;
        }
        hpa_strbuf_printf(&b, "%c%s=%s", sep, k, v);
        sep = '&';
        free(k);
        free(v);
    }
    if (b.oom) {
        hpa_strbuf_free(&b);
        return NULL;
    }
    if (!b.s)
        return strdup(path);
    return b.s;
}

/* ---- the multi <-> libevent glue --------------------------------------- */

static void check_done(kube_client *c);

static void on_socket_event(evutil_socket_t fd, short what, void *arg)
{
    kube_client *c = arg;
    int running = 0, flags = 0;

    if (what & EV_READ)
        flags |= CURL_CSELECT_IN;
    if (what & EV_WRITE)
        flags |= CURL_CSELECT_OUT;
    curl_multi_socket_action(c->multi, fd, flags, &running);
    check_done(c);
}

static void on_curl_timer(evutil_socket_t fd, short what, void *arg)
{
    kube_client *c = arg;
    int running = 0;

    (void)fd;
    (void)what;
    curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
    check_done(c);
}

static int curl_socket_cb(CURL *easy, curl_socket_t s, int what, void *userp,
                          void *socketp)
{
    kube_client *c = userp;
    struct event *ev = socketp;
    short kind;

    (void)easy;
    if (what == CURL_POLL_REMOVE) {
        if (ev)
            event_free(ev);
        return 0;
    }
    kind = (short)(((what & CURL_POLL_IN) ? EV_READ : 0) |
                   ((what & CURL_POLL_OUT) ? EV_WRITE : 0) | EV_PERSIST);
    if (ev) {
        event_del(ev);
        event_assign(ev, c->base, s, kind, on_socket_event, c);
    } else {
        ev = event_new(c->base, s, kind, on_socket_event, c);
        if (!ev)
            return -1;
        curl_multi_assign(c->multi, s, ev);
    }
    event_add(ev, NULL);
    return 0;
}

static int curl_timer_cb(CURLM *multi, long timeout_ms, void *userp)
{
    kube_client *c = userp;
    struct timeval tv;

    (void)multi;
    if (timeout_ms < 0) {
        evtimer_del(c->curl_timer);
        return 0;
    }
    tv_from_ms(&tv, timeout_ms);
    evtimer_add(c->curl_timer, &tv);
    return 0;
}

/* ---- requests: lifecycle ----------------------------------------------- */

static void attempt_cleanup(kube_req *r)
{
    if (r->easy) {
        kube_client *c = r->c;

        curl_multi_remove_handle(c->multi, r->easy);
        if (c->n_easy_pool < KUBE_EASY_POOL) {
            /* drops every option (the Authorization header's list is
             * wiped below); keeps only curl's caches */
            curl_easy_reset(r->easy);
            c->easy_pool[c->n_easy_pool++] = r->easy;
        } else {
            curl_easy_cleanup(r->easy);
        }
        r->easy = NULL;
        r->c->nrunning--;
    }
    if (r->hdrs) {
        /* The Authorization header is a secret: wipe before freeing. */
        for (struct curl_slist *h = r->hdrs; h; h = h->next)
            explicit_bzero(h->data, strlen(h->data));
        curl_slist_free_all(r->hdrs);
        r->hdrs = NULL;
    }
}

static void queue_remove(kube_client *c, kube_req *r)
{
    kube_req **pp = &c->qhead, *prev = NULL;

    while (*pp && *pp != r) {
        prev = *pp;
        pp = &(*pp)->qnext;
    }
    if (!*pp)
        return;
    *pp = r->qnext;
    if (c->qtail == r)
        c->qtail = prev;
    r->qnext = NULL;
    c->nqueued--;
}

static void req_free(kube_req *r)
{
    kube_client *c = r->c;

    attempt_cleanup(r);
    if (r->state == REQ_QUEUED)
        queue_remove(c, r);
    if (r->timer)
        event_free(r->timer);
    if (r->prev)
        r->prev->next = r->next;
    else if (c->all == r)
        c->all = r->next;
    if (r->next)
        r->next->prev = r->prev;
    free(r->method);
    free(r->path);
    free(r->body);
    free(r->content_type);
    hpa_strbuf_free(&r->resp);
    hpa_strbuf_free(&r->line);
    free(r);
}

static void schedule_pump(kube_client *c, long delay_ms)
{
    struct timeval tv;

    tv_from_ms(&tv, delay_ms);
    evtimer_add(c->pump_ev, &tv);
}

static void enqueue(kube_req *r)
{
    kube_client *c = r->c;

    r->state = REQ_QUEUED;
    r->qnext = NULL;
    if (c->qtail)
        c->qtail->qnext = r;
    else
        c->qhead = r;
    c->qtail = r;
    c->nqueued++;
    schedule_pump(c, 0);
}

/* ---- finishing --------------------------------------------------------- */

static const char *reason_phrase(long status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
    }
}

static bool is_tls_config_error(CURLcode res)
{
    return res == CURLE_PEER_FAILED_VERIFICATION ||
           res == CURLE_SSL_CACERT_BADFILE || res == CURLE_SSL_CERTPROBLEM ||
           res == CURLE_SSL_CIPHER || res == CURLE_SSL_ISSUER_ERROR ||
           res == CURLE_SSL_CRL_BADFILE;
}

static void transport_error(kube_req *r, CURLcode res, hpa_err *e)
{
    const char *detail = r->errbuf[0] ? r->errbuf : curl_easy_strerror(res);
    const char *what;

    if (res == CURLE_OPERATION_TIMEDOUT) {
        hpa_err_set(e, HPA_ETIMEOUT, NULL, "%s %s: timed out (%s)", r->method,
                    r->path, detail);
        return;
    }
    if (is_tls_config_error(res))
        what = "TLS verification failed";
    else if (res == CURLE_SSL_CONNECT_ERROR)
        what = "TLS handshake failed";
    else if (res == CURLE_COULDNT_CONNECT || res == CURLE_COULDNT_RESOLVE_HOST)
        what = "cannot connect to the API server";
    else if (res == CURLE_COULDNT_RESOLVE_PROXY)
        what = "cannot reach the proxy";
    else
        what = "connection failed";
    hpa_err_set(e, HPA_EIO, NULL, "%s %s: %s: %s", r->method, r->path, what,
                detail);
}

static void http_error(kube_req *r, long status, const json_t *body, hpa_err *e)
{
    const char *msg = json_string_value(json_object_get(body, "message"));
    hpa_errcode code = status == 404 ? HPA_ENOTFOUND
                       : (status == 504 || status == 408) ? HPA_ETIMEOUT
                                                          : HPA_EAPI;

    hpa_err_set(e, code, NULL, "%s %s: %ld %s%s%s", r->method, r->path, status,
                reason_phrase(status), msg ? ": " : "", msg ? msg : "");
}

static bool content_is_json(CURL *easy)
{
    char *ct = NULL;

    if (!easy || curl_easy_getinfo(easy, CURLINFO_CONTENT_TYPE, &ct) != CURLE_OK)
        return false;
    return ct && strstr(ct, "json") != NULL;
}

/* Hand the final outcome of `r` to its owner and free it. */
static void deliver(kube_req *r, CURLcode res, long status, bool json_ct,
                    const hpa_err *pre)
{
    kube_client *c = r->c;
    kube_response resp;
    json_t *body = NULL;

    memset(&resp, 0, sizeof(resp));
    resp.method = r->method;
    resp.path = r->path;
    resp.status = status;
    resp.attempts = r->attempt;
    resp.raw = hpa_strbuf_cstr(&r->resp);
    resp.raw_len = r->resp.len;
    if (r->resp.len > 0 && (json_ct || resp.raw[0] == '{' || resp.raw[0] == '[') &&
        !(r->raw_body && res == CURLE_OK && status >= 200 && status <= 299))
        body = json_loadb(r->resp.s, r->resp.len, 0, NULL);
    resp.body = body;
    if (pre && pre->code != HPA_OK) {
        resp.err = *pre;
    } else if (res != CURLE_OK) {
        transport_error(r, res, &resp.err);
    } else if (r->resp_overflow) {
        hpa_err_set(&resp.err, HPA_EIO, NULL, "%s %s: response larger than %zu MiB",
                    r->method, r->path, KUBE_MAX_BODY >> 20);
    } else if (status < 200 || status > 299) {
        http_error(r, status, body, &resp.err);
    } else if (r->resp.len > 0 && json_ct && !body && !r->raw_body) {
        hpa_err_set(&resp.err, HPA_ESYNTAX, NULL,
                    "%s %s: the response body is not valid JSON", r->method,
                    r->path);
    }
    klog(c, resp.err.code ? KUBE_LOG_INFO : KUBE_LOG_DEBUG,
         "%s %s -> %ld in %lld ms (attempt %d)%s%s", r->method, r->path, status,
         (long long)(mono_ms() - r->started_ms), r->attempt,
         resp.err.code ? ": " : "", resp.err.code ? resp.err.msg : "");
    attempt_cleanup(r);
    if (r->is_watch) {
        if (r->wdone)
            r->wdone(&resp, r->arg);
    } else if (r->cb) {
        r->cb(&resp, r->arg);
    }
    json_decref(body);
    req_free(r);
}

static void on_backoff_done(evutil_socket_t fd, short what, void *arg)
{
    kube_req *r = arg;

    (void)fd;
    (void)what;
    enqueue(r);
}

/* UPSTREAM: client-go's backoff retries, but with full jitter: the wait
 * is uniform in [0, min(max, base * 2^(n-1))], and never shorter than the
 * server's Retry-After. */
static long backoff_delay(kube_client *c, int n, long retry_after_ms)
{
    long cap = c->o.backoff_base_ms, d;

    for (int i = 1; i < n && cap < c->o.backoff_max_ms; i++)
        cap *= 2;
    if (cap > c->o.backoff_max_ms)
        cap = c->o.backoff_max_ms;
    d = cap > 0 ? (long)(rng_next(c) % (uint64_t)(cap + 1)) : 0;
    if (retry_after_ms >= 0) {
        long ra = retry_after_ms < c->o.retry_after_max_ms ? retry_after_ms
                                                           : c->o.retry_after_max_ms;
        if (d < ra)
            d = ra;
    }
    return d;
}

static void retry_later(kube_req *r, long delay_ms, const char *why)
{
    kube_client *c = r->c;
    struct timeval tv;

    attempt_cleanup(r);
    r->state = REQ_BACKOFF;
    if (!r->timer)
        r->timer = evtimer_new(c->base, on_backoff_done, r);
    if (!r->timer) {
        hpa_err e;

        hpa_err_set(&e, HPA_ENOMEM, NULL, "out of memory");
        deliver(r, CURLE_OK, 0, false, &e);
        return;
    }
    klog(c, KUBE_LOG_INFO, "%s %s: %s; retry %d/%d in %ld ms", r->method,
         r->path, why, r->retries, r->max_retries, delay_ms);
    c->stats.retries++;
    tv_from_ms(&tv, delay_ms);
    evtimer_add(r->timer, &tv);
}

/* Nothing reached the server: safe to retry any method. */
static bool not_sent(CURLcode res)
{
    return res == CURLE_COULDNT_CONNECT || res == CURLE_COULDNT_RESOLVE_HOST ||
           res == CURLE_COULDNT_RESOLVE_PROXY;
}

static bool transient(CURLcode res)
{
    return res == CURLE_OPERATION_TIMEDOUT || res == CURLE_SEND_ERROR ||
           res == CURLE_RECV_ERROR || res == CURLE_GOT_NOTHING ||
           res == CURLE_PARTIAL_FILE || res == CURLE_HTTP2 ||
           res == CURLE_HTTP2_STREAM || res == CURLE_SSL_CONNECT_ERROR;
}

static bool retryable_status(long status)
{
    return status == 429 || status == 500 || status == 502 || status == 503 ||
           status == 504;
}

static void finish_watch(kube_req *r, CURLcode res, long status, bool json_ct)
{
    if (r->cancelled) {
        if (!r->free_deferred)
            req_free(r);
        return;
    }
    if (status >= 200 && status <= 299 && r->line.len > 0 &&
        r->watch_err.code == HPA_OK) {
        /* A last event without its newline. */
        json_t *ev = json_loadb(r->line.s, r->line.len, 0, NULL);

        if (ev && r->wev) {
            r->wev(json_string_value(json_object_get(ev, "type")),
                   json_object_get(ev, "object"), r->arg);
        }
        json_decref(ev);
        if (r->cancelled) {
            req_free(r);
            return;
        }
    }
    deliver(r, res, status, json_ct,
            r->watch_err.code != HPA_OK ? &r->watch_err : NULL);
}

static void finish_attempt(kube_req *r, CURLcode res)
{
    kube_client *c = r->c;
    long status = 0;
    bool json_ct;
    char why[CURL_ERROR_SIZE + 64];

    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
    json_ct = content_is_json(r->easy);
    if (c->o.on_attempt && !r->cancelled)
        c->o.on_attempt(r->method, res == CURLE_OK ? status : 0, c->o.on_attempt_arg);
    if (r->is_watch) {
        finish_watch(r, res, status, json_ct);
        return;
    }
    if (res == CURLE_OK && status == 401 && !r->auth_retried &&
        kube_creds_invalidate(c->creds)) {
        /* UPSTREAM: client-go exec authenticator - a 401 drops the cached
         * credential and the request is sent again once. */
        r->auth_retried = true;
        attempt_cleanup(r);
        klog(c, KUBE_LOG_INFO, "%s %s: 401; refreshing credentials", r->method,
             r->path);
        enqueue(r);
        return;
    }
    if (r->retries < r->max_retries) {
        bool retry = false;

        if (res != CURLE_OK) {
            retry = not_sent(res) || (r->idempotent && transient(res));
            snprintf(why, sizeof(why), "%s",
                     r->errbuf[0] ? r->errbuf : curl_easy_strerror(res));
        } else if (retryable_status(status) && r->idempotent) {
            retry = true;
            snprintf(why, sizeof(why), "%ld %s", status, reason_phrase(status));
        }
        if (retry) {
            r->retries++;
            retry_later(r, backoff_delay(c, r->retries, res == CURLE_OK
                                                            ? r->retry_after_ms
                                                            : -1),
                        why);
            return;
        }
    }
    deliver(r, res, status, json_ct, NULL);
}

static void check_done(kube_client *c)
{
    CURLMsg *msg;
    int left;

    while ((msg = curl_multi_info_read(c->multi, &left))) {
        kube_req *r = NULL;

        if (msg->msg != CURLMSG_DONE)
            continue;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        if (r)
            finish_attempt(r, msg->data.result);
    }
}

/* ---- starting an attempt ----------------------------------------------- */

static size_t on_header(char *buf, size_t size, size_t n, void *arg)
{
    kube_req *r = arg;
    size_t len = size * n;

    if (len > 12 && strncasecmp(buf, "Retry-After:", 12) == 0) {
        char tmp[32];
        size_t l = len - 12 < sizeof(tmp) - 1 ? len - 12 : sizeof(tmp) - 1;
        char *end;
        long v;

        memcpy(tmp, buf + 12, l);
        tmp[l] = '\0';
        errno = 0;
        v = strtol(tmp, &end, 10);
        while (*end == ' ' || *end == '\r' || *end == '\n' || *end == '\t')
            end++;
        /* Only delay-seconds; an HTTP-date falls back to the backoff. */
        if (errno == 0 && end != tmp && *end == '\0' && v >= 0 && v < 86400)
            r->retry_after_ms = v * 1000;
    } else if (len > 5 && strncmp(buf, "HTTP/", 5) == 0) {
        /* A new response (after a 100 Continue, say): forget the old one. */
        r->retry_after_ms = -1;
    }
    return len;
}

static size_t watch_lines(kube_req *r)
{
    char *nl;

    while (r->line.len > 0 && (nl = memchr(r->line.s, '\n', r->line.len))) {
        size_t l = (size_t)(nl - r->line.s), rest;

        if (l > 0 && !(l == 1 && r->line.s[0] == '\r')) {
            json_t *ev = json_loadb(r->line.s, l, 0, NULL);

            if (!json_is_object(ev)) {
                json_decref(ev);
                hpa_err_set(&r->watch_err, HPA_ESYNTAX, NULL,
                            "GET %s: a watch event is not a JSON object",
                            r->path);
                return 0;
            }
            r->in_event_cb = true;
            r->c->in_curl_cb++;
            if (r->wev)
                r->wev(json_string_value(json_object_get(ev, "type")),
                       json_object_get(ev, "object"), r->arg);
            r->c->in_curl_cb--;
            r->in_event_cb = false;
            json_decref(ev);
            if (r->cancelled)
                return 0;
        }
        rest = r->line.len - l - 1;
        memmove(r->line.s, nl + 1, rest);
        r->line.len = rest;
        r->line.s[rest] = '\0';
    }
    return 1;
}

static size_t on_write(char *buf, size_t size, size_t n, void *arg)
{
    kube_req *r = arg;
    size_t len = size * n;
    long status = 0;

    if (r->cancelled)
        return 0;
    if (r->is_watch) {
        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 200 && status <= 299) {
            hpa_strbuf_appendn(&r->line, buf, len);
            if (r->line.oom || r->line.len > KUBE_MAX_BODY)
                return 0;
            return watch_lines(r) ? len : 0;
        }
    }
    if (r->resp.len + len > KUBE_MAX_BODY) {
        r->resp_overflow = true;
        return 0;
    }
    hpa_strbuf_appendn(&r->resp, buf, len);
    return r->resp.oom ? 0 : len;
}

static bool add_header(struct curl_slist **l, const char *h)
{
    struct curl_slist *n = curl_slist_append(*l, h);

    if (!n)
        return false;
    *l = n;
    return true;
}

/* Build the easy handle for the next attempt. On failure `e` says why. */
static hpa_errcode setup_easy(kube_req *r, hpa_err *e)
{
    kube_client *c = r->c;
    const kube_config *cfg = c->cfg;
    kube_auth a;
    CURL *h;
    char *url;
    hpa_errcode rc;
    bool ok = true;

    if ((rc = kube_creds_get(c->creds, wall_ms(), mono_ms(), &a, e)))
        return rc;
    h = c->n_easy_pool ? c->easy_pool[--c->n_easy_pool] : curl_easy_init();
    url = malloc(strlen(c->url_base) + strlen(r->path) + 1);
    if (!h || !url) {
        if (h)
            curl_easy_cleanup(h);
        free(url);
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    }
    sprintf(url, "%s%s", c->url_base, r->path);
    r->easy = h;
    c->nrunning++;
    r->errbuf[0] = '\0';
    r->retry_after_ms = -1;
    r->resp_overflow = false;
    hpa_strbuf_reset(&r->resp);
    hpa_strbuf_reset(&r->line);

    curl_easy_setopt(h, CURLOPT_URL, url);
    free(url);
    curl_easy_setopt(h, CURLOPT_PRIVATE, (char *)r);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
    curl_easy_setopt(h, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_USERAGENT, c->ua);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, r);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->o.connect_timeout_ms);
    if (r->timeout_ms > 0)
        curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, r->timeout_ms);
    /* libcurl silently sends a request again when a reused keep-alive
     * connection dies before any answer, even a POST that the server may
     * have acted on. A fresh connection rules that out. */
    if (!r->idempotent)
        curl_easy_setopt(h, CURLOPT_FRESH_CONNECT, 1L);

    /* TLS */
    if (cfg->insecure_skip_tls_verify) {
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
    } else if (cfg->ca_pem) {
        struct curl_blob ca = {cfg->ca_pem, cfg->ca_len, CURL_BLOB_COPY};

        /* The kubeconfig's CA is the only trust anchor, as in client-go. */
        curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca);
        curl_easy_setopt(h, CURLOPT_CAPATH, NULL);
    }
    if (a.cert_pem && a.key_pem) {
        struct curl_blob cert = {(void *)a.cert_pem, a.cert_len, CURL_BLOB_COPY};
        struct curl_blob key = {(void *)a.key_pem, a.key_len, CURL_BLOB_COPY};

        curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &cert);
        curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
        curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &key);
        curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
    }
    if (c->connect_to)
        curl_easy_setopt(h, CURLOPT_CONNECT_TO, c->connect_to);
    if (cfg->proxy_url)
        curl_easy_setopt(h, CURLOPT_PROXY, cfg->proxy_url);

    /* Credentials and headers */
    ok = add_header(&r->hdrs, "Accept: application/json") &&
         add_header(&r->hdrs, "Expect:");
    if (ok && c->host_hdr)
        ok = add_header(&r->hdrs, c->host_hdr);
    if (ok && a.token) {
        size_t l = strlen(a.token) + 32;
        char *hv = malloc(l);

        if (!hv) {
            ok = false;
        } else {
            snprintf(hv, l, "Authorization: Bearer %s", a.token);
            ok = add_header(&r->hdrs, hv);
            kube_secret_free(hv, l);
        }
    } else if (ok && a.username && a.password) {
        curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(h, CURLOPT_USERNAME, a.username);
        curl_easy_setopt(h, CURLOPT_PASSWORD, a.password);
    }

    /* Method and body */
    if (strcmp(r->method, "GET") == 0) {
        curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
    } else if (strcmp(r->method, "HEAD") == 0) {
        curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
    } else {
        curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, r->method);
        if (r->body || strcmp(r->method, "DELETE") != 0) {
            char ct[160];

            curl_easy_setopt(h, CURLOPT_POSTFIELDS, r->body ? r->body : "");
            curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE,
                             (curl_off_t)r->body_len);
            snprintf(ct, sizeof(ct), "Content-Type: %s", r->content_type);
            if (ok)
                ok = add_header(&r->hdrs, ct);
        }
    }
    if (!ok)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, r->hdrs);
    return HPA_OK;
}

static void start_attempt(kube_req *r)
{
    kube_client *c = r->c;
    hpa_err e;

    hpa_err_clear(&e);
    r->state = REQ_RUNNING;
    r->attempt++;
    r->started_ms = mono_ms();
    c->stats.attempts++;
    if (setup_easy(r, &e) != HPA_OK) {
        if (strncmp(e.msg, r->method, strlen(r->method)) != 0) {
            char tmp[HPA_ERR_MSG_MAX];

            if (snprintf(tmp, sizeof(tmp), "%s %s: %s", r->method, r->path,
                         e.msg) >= 0)
                memcpy(e.msg, tmp, sizeof(tmp));
        }
        deliver(r, CURLE_OK, 0, false, &e);
        return;
    }
    if (curl_multi_add_handle(c->multi, r->easy) != CURLM_OK) {
        hpa_err_set(&e, HPA_EIO, NULL, "%s %s: curl refused the request",
                    r->method, r->path);
        deliver(r, CURLE_OK, 0, false, &e);
    }
}

/* UPSTREAM: client-go's flowcontrol token bucket (qps, burst). */
static void on_pump(evutil_socket_t fd, short what, void *arg)
{
    kube_client *c = arg;

    (void)fd;
    (void)what;
    while (c->qhead) {
        kube_req *r = c->qhead;

        if (c->o.qps > 0) {
            int64_t now = mono_ms();

            c->tokens += (double)(now - c->tokens_at) * c->o.qps / 1000.0;
            if (c->tokens > c->o.burst)
                c->tokens = c->o.burst;
            c->tokens_at = now;
            if (c->tokens < 1.0) {
                long wait = (long)((1.0 - c->tokens) * 1000.0 / c->o.qps) + 1;

                c->stats.throttled++;
                schedule_pump(c, wait);
                return;
            }
            c->tokens -= 1.0;
        }
        c->qhead = r->qnext;
        if (!c->qhead)
            c->qtail = NULL;
        r->qnext = NULL;
        c->nqueued--;
        start_attempt(r);
    }
}

/* ---- deferred calls (callbacks that must not run synchronously) -------- */

static void on_defer(evutil_socket_t fd, short what, void *arg)
{
    kube_client *c = arg;
    kube_defer *d;

    (void)fd;
    (void)what;
    while ((d = c->defers)) {
        c->defers = d->next;
        if (!c->defers)
            c->defers_tail = NULL;
        d->fn(c, d->ctx);
        if (d->free_fn)
            d->free_fn(d->ctx);
        free(d);
    }
}

static bool defer_call(kube_client *c, void (*fn)(kube_client *, void *),
                       void (*free_fn)(void *), void *ctx)
{
    kube_defer *d = calloc(1, sizeof(*d));
    struct timeval tv = {0, 0};

    if (!d)
        return false;
    d->fn = fn;
    d->free_fn = free_fn;
    d->ctx = ctx;
    if (c->defers_tail)
        c->defers_tail->next = d;
    else
        c->defers = d;
    c->defers_tail = d;
    evtimer_add(c->defer_ev, &tv);
    return true;
}

/* ---- public: client ---------------------------------------------------- */

void kube_client_opts_default(kube_client_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->qps = 5;
    o->burst = 10;
    o->timeout_ms = 30000;
    o->connect_timeout_ms = 10000;
    o->max_retries = 5;
    o->backoff_base_ms = 200;
    o->backoff_max_ms = 30000;
    o->retry_after_max_ms = 60000;
    o->exec_timeout_ms = KUBE_EXEC_TIMEOUT_MS;
}

/* Split the server URL so tls-server-name can replace the host in the URL
 * (SNI and certificate check) while CONNECT_TO keeps the real address. */
static hpa_errcode setup_server(kube_client *c, hpa_err *e)
{
    const char *s = c->cfg->server, *hs, *he, *ps, *pe, *slash;
    const char *scheme_end = strstr(s, "://");
    bool https;
    char host[512], port[16];
    size_t hl;

    if (!scheme_end)
        return hpa_err_set(e, HPA_EINVAL, "server", "server %s is not a URL", s);
    https = strncmp(s, "https", 5) == 0;
    hs = scheme_end + 3;
    slash = strchr(hs, '/');
    pe = slash ? slash : hs + strlen(hs);
    if (*hs == '[') {
        he = strchr(hs, ']');
        if (!he || he > pe)
            return hpa_err_set(e, HPA_EINVAL, "server", "server %s: bad IPv6 host", s);
        he++;
    } else {
        he = memchr(hs, ':', (size_t)(pe - hs));
        if (!he)
            he = pe;
    }
    hl = (size_t)(he - hs);
    if (hl == 0 || hl >= sizeof(host))
        return hpa_err_set(e, HPA_EINVAL, "server", "server %s has no host", s);
    memcpy(host, hs, hl);
    host[hl] = '\0';
    if (*he == ':') {
        ps = he + 1;
        if ((size_t)(pe - ps) == 0 || (size_t)(pe - ps) >= sizeof(port))
            return hpa_err_set(e, HPA_EINVAL, "server", "server %s: bad port", s);
        memcpy(port, ps, (size_t)(pe - ps));
        port[pe - ps] = '\0';
    } else {
        snprintf(port, sizeof(port), "%s", https ? "443" : "80");
    }
    if (c->cfg->tls_server_name && https) {
        const char *tsn = c->cfg->tls_server_name;
        size_t l = strlen(tsn) + strlen(host) + 2 * strlen(port) + 8;
        char *ct = malloc(l);

        c->url_base = malloc(strlen(tsn) + strlen(port) + strlen(pe) + 16);
        c->host_hdr = malloc(strlen(host) + strlen(port) + 16);
        if (!ct || !c->url_base || !c->host_hdr) {
            free(ct);
            return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
        }
        sprintf(c->url_base, "https://%s:%s%s", tsn, port, pe);
        /* The Host header stays the configured server, as in client-go,
         * where ServerName changes only the TLS side. */
        sprintf(c->host_hdr, "Host: %s:%s", host, port);
        snprintf(ct, l, "%s:%s:%s:%s", tsn, port, host, port);
        c->connect_to = curl_slist_append(NULL, ct);
        free(ct);
        if (!c->connect_to)
            return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    } else {
        c->url_base = strdup(s);
        if (!c->url_base)
            return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    }
    return HPA_OK;
}

kube_client *kube_client_new(struct event_base *base, const kube_config *cfg,
                             const kube_client_opts *o, hpa_err *e)
{
    kube_client *c;
    kube_client_opts def;

    hpa_err_clear(e);
    if (!cfg || !cfg->server) {
        hpa_err_set(e, HPA_EINVAL, "server", "the configuration has no server");
        return NULL;
    }
    {
        /* With CURLOPT_NOSIGNAL (required with an event loop) a write to a
         * connection the server closed raises SIGPIPE inside OpenSSL;
         * the default action would kill the daemon. A handler the program
         * installed itself is left alone. */
        struct sigaction sa;

        if (sigaction(SIGPIPE, NULL, &sa) == 0 && sa.sa_handler == SIG_DFL) {
            sa.sa_handler = SIG_IGN;
            sigaction(SIGPIPE, &sa, NULL);
        }
    }
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        hpa_err_set(e, HPA_EIO, NULL, "libcurl could not be initialised");
        return NULL;
    }
    c = calloc(1, sizeof(*c));
    if (!c) {
        hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
        return NULL;
    }
    if (!o) {
        kube_client_opts_default(&def);
        o = &def;
    }
    c->base = base;
    c->cfg = cfg;
    c->o = *o;
    if (c->o.burst < 1)
        c->o.burst = 1;
    if (c->o.connect_timeout_ms <= 0)
        c->o.connect_timeout_ms = 10000;
    if (c->o.backoff_max_ms < c->o.backoff_base_ms)
        c->o.backoff_max_ms = c->o.backoff_base_ms;
    if (c->o.retry_after_max_ms <= 0)
        c->o.retry_after_max_ms = 60000;
    c->o.user_agent = NULL;
    c->ua = strdup(o->user_agent ? o->user_agent : "hpa-engine/" HPA_VERSION);
    c->rng = o->seed ? o->seed
                     : ((uint64_t)wall_ms() << 16) ^ (uint64_t)getpid();
    c->tokens = c->o.burst;
    c->tokens_at = mono_ms();
    c->creds = kube_creds_new(cfg);
    c->multi = curl_multi_init();
    c->curl_timer = evtimer_new(base, on_curl_timer, c);
    c->pump_ev = evtimer_new(base, on_pump, c);
    c->defer_ev = evtimer_new(base, on_defer, c);
    if (!c->ua || !c->creds || !c->multi || !c->curl_timer || !c->pump_ev ||
        !c->defer_ev) {
        hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
        goto fail;
    }
    kube_creds_set_exec_timeout(c->creds, o->exec_timeout_ms);
    if (setup_server(c, e) != HPA_OK)
        goto fail;
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, curl_socket_cb);
    curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, curl_timer_cb);
    curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
    curl_multi_setopt(c->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    if (c->o.max_connections > 0) {
        curl_multi_setopt(c->multi, CURLMOPT_MAX_HOST_CONNECTIONS, c->o.max_connections);
        curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, c->o.max_connections);
    }
    return c;
fail:
    kube_client_free(c);
    return NULL;
}

void kube_client_free(kube_client *c)
{
    if (!c)
        return;
    while (c->all)
        req_free(c->all);
    while (c->defers) {
        kube_defer *d = c->defers;

        c->defers = d->next;
        if (d->free_fn)
            d->free_fn(d->ctx);
        free(d);
    }
    while (c->n_easy_pool)
        curl_easy_cleanup(c->easy_pool[--c->n_easy_pool]);
    if (c->multi)
        curl_multi_cleanup(c->multi);
    if (c->curl_timer)
        event_free(c->curl_timer);
    if (c->pump_ev)
        event_free(c->pump_ev);
    if (c->defer_ev)
        event_free(c->defer_ev);
    kube_creds_free(c->creds);
    for (size_t i = 0; i < c->ndisc; i++) {
        free(c->disc[i]->api_version);
        free(c->disc[i]->kind);
        free(c->disc[i]->resource);
        free(c->disc[i]);
    }
    free(c->disc);
    free(c->url_base);
    free(c->host_hdr);
    curl_slist_free_all(c->connect_to);
    free(c->ua);
    free(c);
}

void kube_client_get_stats(const kube_client *c, kube_client_stats *out)
{
    *out = c->stats;
    out->queued = c->nqueued;
    out->in_flight = c->nrunning;
}

/* ---- public: requests -------------------------------------------------- */

/* Whether sending the request twice has the effect of sending it once.
 * A JSON merge patch (RFC 7396), a strategic merge patch and a server-side
 * apply are; a JSON patch (it may append to a list) and a POST are not. */
static bool request_idempotent(const char *m, const char *content_type)
{
    if (strcmp(m, "PATCH") == 0)
        return content_type &&
               (strncmp(content_type, "application/merge-patch+json", 28) == 0 ||
                strncmp(content_type, "application/strategic-merge-patch+json", 38) == 0 ||
                strncmp(content_type, "application/apply-patch+yaml", 28) == 0);
    return strcmp(m, "GET") == 0 || strcmp(m, "HEAD") == 0 ||
           strcmp(m, "PUT") == 0 || strcmp(m, "DELETE") == 0 ||
           strcmp(m, "OPTIONS") == 0;
}

static kube_req *req_new(kube_client *c, const char *method, const char *path,
                         const json_t *body, const char *content_type,
                         const kube_req_opts *o, hpa_err *e)
{
    kube_req *r;

    if (!path || path[0] != '/') {
        hpa_err_set(e, HPA_EINVAL, NULL, "%s %s: the path must start with '/'",
                    method, path ? path : "(null)");
        return NULL;
    }
    r = calloc(1, sizeof(*r));
    if (!r)
        goto nomem;
    r->c = c;
    r->method = strdup(method);
    r->path = strdup(path);
    r->content_type = strdup(content_type ? content_type : "application/json");
    if (!r->method || !r->path || !r->content_type)
        goto nomem;
    if (body) {
        r->body = json_dumps(body, JSON_COMPACT | JSON_ENCODE_ANY);
        if (!r->body)
            goto nomem;
        r->body_len = strlen(r->body);
    }
    r->idempotent = request_idempotent(method, r->content_type);
    r->timeout_ms = c->o.timeout_ms;
    r->max_retries = c->o.max_retries;
    if (o && o->timeout_ms)
        r->timeout_ms = o->timeout_ms;
    if (o && o->set_retries)
        r->max_retries = o->max_retries < 0 ? 0 : o->max_retries;
    r->raw_body = o && o->raw_body;
    r->retry_after_ms = -1;
    r->next = c->all;
    if (c->all)
        c->all->prev = r;
    c->all = r;
    r->state = REQ_BACKOFF;     /* not queued yet */
    return r;
nomem:
    if (r) {
        free(r->method);
        free(r->path);
        free(r->content_type);
        free(r->body);
        free(r);
    }
    hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    return NULL;
}

hpa_errcode kube_request(kube_client *c, const char *method, const char *path,
                         const json_t *body, const char *content_type,
                         const kube_req_opts *o, kube_response_cb cb,
                         void *arg, hpa_err *e)
{
    kube_req *r;

    hpa_err_clear(e);
    r = req_new(c, method, path, body, content_type, o, e);
    if (!r)
        return e ? e->code : HPA_ENOMEM;
    r->cb = cb;
    r->arg = arg;
    enqueue(r);
    return HPA_OK;
}

hpa_errcode kube_get_json(kube_client *c, const char *path,
                          kube_response_cb cb, void *arg, hpa_err *e)
{
    return kube_request(c, "GET", path, NULL, NULL, NULL, cb, arg, e);
}

hpa_errcode kube_put_json(kube_client *c, const char *path, const json_t *body,
                          kube_response_cb cb, void *arg, hpa_err *e)
{
    return kube_request(c, "PUT", path, body, NULL, NULL, cb, arg, e);
}

hpa_errcode kube_post_json(kube_client *c, const char *path, const json_t *body,
                           kube_response_cb cb, void *arg, hpa_err *e)
{
    return kube_request(c, "POST", path, body, NULL, NULL, cb, arg, e);
}

hpa_errcode kube_patch_merge(kube_client *c, const char *path,
                             const json_t *body, kube_response_cb cb,
                             void *arg, hpa_err *e)
{
    return kube_request(c, "PATCH", path, body,
                        "application/merge-patch+json", NULL, cb, arg, e);
}

/* ---- public: watch ----------------------------------------------------- */

static void watch_free_deferred(kube_client *c, void *p)
{
    (void)c;
    req_free(p);
}

kube_watch *kube_watch_start(kube_client *c, const char *path,
                             const kube_req_opts *o, kube_watch_event_cb ev,
                             kube_watch_done_cb done, void *arg, hpa_err *e)
{
    kube_req *r;
    kube_req_opts wo = {0, 0, true, false};

    hpa_err_clear(e);
    wo.timeout_ms = o && o->timeout_ms > 0 ? o->timeout_ms : -1;
    r = req_new(c, "GET", path, NULL, NULL, &wo, e);
    if (!r)
        return NULL;
    r->is_watch = true;
    r->wev = ev;
    r->wdone = done;
    r->arg = arg;
    enqueue(r);
    return (kube_watch *)r;
}

void kube_watch_cancel(kube_watch *w)
{
    kube_req *r = (kube_req *)w;

    if (!r)
        return;
    if (r->cancelled)
        return;
    r->cancelled = true;
    /* Inside its own event callback curl is still writing into this
     * transfer: the write function aborts it and finish_watch frees it. */
    if (r->in_event_cb)
        return;
    /* Inside another transfer's curl callback a handle may not be removed
     * (libcurl's rule): free it from the loop instead. */
    if (r->c->in_curl_cb > 0) {
        r->free_deferred = true;
        if (defer_call(r->c, watch_free_deferred, NULL, r))
            return;
        r->free_deferred = false;   /* out of memory: the write callback
                                       aborts it at its next data */
        return;
    }
    req_free(r);
}

/* ---- public: discovery ------------------------------------------------- */

typedef struct disc_ctx {
    kube_client *c;
    char *api_version, *kind;
    kube_discover_cb cb;
    void *arg;
    size_t hit;                   /* cache index for a deferred hit */
} disc_ctx;

static void disc_ctx_free(void *p)
{
    disc_ctx *d = p;

    free(d->api_version);
    free(d->kind);
    free(d);
}

static void disc_fill(const disc_entry *de, kube_resource *r)
{
    r->api_version = de->api_version;
    r->kind = de->kind;
    r->resource = de->resource;
    r->namespaced = de->namespaced;
}

static void disc_deferred_hit(kube_client *c, void *p)
{
    disc_ctx *d = p;
    kube_resource r;

    disc_fill(c->disc[d->hit], &r);
    d->cb(&r, NULL, d->arg);
}

static const disc_entry *disc_lookup(kube_client *c, const char *av,
                                     const char *kind, size_t *idx)
{
    for (size_t i = 0; i < c->ndisc; i++)
        if (strcmp(c->disc[i]->api_version, av) == 0 &&
            strcmp(c->disc[i]->kind, kind) == 0) {
            *idx = i;
            return c->disc[i];
        }
    return NULL;
}

/* UPSTREAM: the HPA controller's scale client resolves scaleTargetRef via
 * discovery (RESTMapper) to the resource whose Kind matches and which has
 * a "<resource>/scale" subresource. */
static void on_discovery(const kube_response *resp, void *arg)
{
    disc_ctx *d = arg;
    kube_client *c = d->c;
    const json_t *list = json_object_get(resp->body, "resources");
    const json_t *item, *found = NULL;
    bool has_scale = false;
    size_t i, idx;
    hpa_err err;

    hpa_err_clear(&err);
    if (resp->err.code != HPA_OK) {
        err = resp->err;
        goto fail;
    }
    if (!json_is_array(list)) {
        hpa_err_set(&err, HPA_EAPI, NULL, "%s: discovery answer has no resources",
                    resp->path);
        goto fail;
    }
    json_array_foreach(list, i, item) {
        const char *name = json_string_value(json_object_get(item, "name"));
        const char *kind = json_string_value(json_object_get(item, "kind"));

        if (name && kind && !strchr(name, '/') && strcmp(kind, d->kind) == 0 &&
            !found)
            found = item;
    }
    if (found) {
        const char *rn = json_string_value(json_object_get(found, "name"));
        size_t l = strlen(rn);

        json_array_foreach(list, i, item) {
            const char *name = json_string_value(json_object_get(item, "name"));

            if (name && strncmp(name, rn, l) == 0 && strcmp(name + l, "/scale") == 0)
                has_scale = true;
        }
    }
    if (!found) {
        hpa_err_set(&err, HPA_ENOTFOUND, "scaleTargetRef.kind",
                    "no resource of kind %s in %s", d->kind, d->api_version);
        goto fail;
    }
    if (!has_scale) {
        hpa_err_set(&err, HPA_EUNSUPPORTED, "scaleTargetRef.kind",
                    "%s %s has no scale subresource", d->api_version, d->kind);
        goto fail;
    }
    if (!disc_lookup(c, d->api_version, d->kind, &idx)) {
        disc_entry *de = calloc(1, sizeof(*de));
        disc_entry **nd = realloc(c->disc, (c->ndisc + 1) * sizeof(*nd));

        if (nd)
            c->disc = nd;
        if (de) {
            de->api_version = strdup(d->api_version);
            de->kind = strdup(d->kind);
            de->resource = strdup(json_string_value(json_object_get(found, "name")));
            de->namespaced = json_is_true(json_object_get(found, "namespaced"));
        }
        if (!nd || !de || !de->api_version || !de->kind || !de->resource) {
            if (de) {
                free(de->api_version);
                free(de->kind);
                free(de->resource);
                free(de);
            }
            hpa_err_set(&err, HPA_ENOMEM, NULL, "out of memory");
            goto fail;
        }
        c->disc[c->ndisc++] = de;
        idx = c->ndisc - 1;
    }
    {
        kube_resource r;

        disc_fill(c->disc[idx], &r);
        d->cb(&r, NULL, d->arg);
    }
    disc_ctx_free(d);
    return;
fail:
    d->cb(NULL, &err, d->arg);
    disc_ctx_free(d);
}

hpa_errcode kube_discover_scale(kube_client *c, const char *api_version,
                                const char *kind, kube_discover_cb cb,
                                void *arg, hpa_err *e)
{
    disc_ctx *d;
    char *path;
    size_t idx;
    hpa_errcode rc;

    hpa_err_clear(e);
    if (!api_version || !*api_version || !kind || !*kind)
        return hpa_err_set(e, HPA_EMISSING, "scaleTargetRef",
                           "apiVersion and kind are required");
    d = calloc(1, sizeof(*d));
    if (!d || !(d->api_version = strdup(api_version)) ||
        !(d->kind = strdup(kind))) {
        if (d)
            disc_ctx_free(d);
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    }
    d->c = c;
    d->cb = cb;
    d->arg = arg;
    if (disc_lookup(c, api_version, kind, &idx)) {
        d->hit = idx;
        if (!defer_call(c, disc_deferred_hit, disc_ctx_free, d)) {
            disc_ctx_free(d);
            return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
        }
        return HPA_OK;
    }
    /* "v1" is the core group at /api/v1; "group/version" lives under /apis. */
    path = malloc(strlen(api_version) + 8);
    if (!path) {
        disc_ctx_free(d);
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    }
    sprintf(path, "%s/%s", strchr(api_version, '/') ? "/apis" : "/api",
            api_version);
    rc = kube_request(c, "GET", path, NULL, NULL, NULL, on_discovery, d, e);
    free(path);
    if (rc)
        disc_ctx_free(d);
    return rc;
}

char *kube_scale_path(const kube_resource *r, const char *ns, const char *name)
{
    hpa_strbuf b = HPA_STRBUF_INIT;
    char *ens = kube_escape(ns ? ns : ""), *ename = kube_escape(name);

    if (!ens || !ename) {
        free(ens);
        free(ename);
        return NULL;
    }
    hpa_strbuf_printf(&b, "%s/%s", strchr(r->api_version, '/') ? "/apis" : "/api",
                      r->api_version);
    if (r->namespaced)
        hpa_strbuf_printf(&b, "/namespaces/%s", ens);
    hpa_strbuf_printf(&b, "/%s/%s/scale", r->resource, ename);
    free(ens);
    free(ename);
    if (b.oom) {
        hpa_strbuf_free(&b);
        return NULL;
    }
    return b.s;
}
