/* server.c - evhttp transport, auth, faults, watches and the clock (see server.h). */
#include "server/server.h"

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "server/api.h"

typedef struct watcher {
    struct watcher *next;
    sims_server *srv;
    struct evhttp_request *req;
    sims_res res;
    const char *api_version;
    sims_filter filter;
    bool table, include_object, sent_columns;
    uint64_t cursor;                /* next log entry (w->log_total numbering) */
    double deadline;                /* monotonic seconds; 0 = none */
} watcher;

typedef struct pending {
    sims_server *srv;
    struct evhttp_request *req;
    sims_resp rs;
    bool reset;
} pending;

struct sims_server {
    sims_world *w;
    sims_faults *faults;
    sims_api api;
    sims_server_opts o;
    char token[512];
    struct event_base *base;
    struct evhttp *http;
    SSL_CTX *ssl;
    struct event *tick, *sigterm, *sigint;
    int port;
    double t0;                      /* monotonic start, seconds */
    watcher *watchers;
    uint64_t n_requests;
};

static double mono_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- watches ------------------------------------------------------------------ */

static void watcher_unlink(watcher *wt)
{
    watcher **pp = &wt->srv->watchers;

    while (*pp && *pp != wt)
        pp = &(*pp)->next;
    if (*pp)
        *pp = wt->next;
    sims_filter_free(&wt->filter);
    free(wt);
}

static void watch_closed(struct evhttp_connection *evcon, void *arg)
{
    (void)evcon;
    watcher_unlink(arg);
}

static void watch_send(watcher *wt, const char *type, sims_res res, const json_t *obj)
{
    json_t *o, *ev;
    char *line;
    struct evbuffer *b;

    if (res != wt->res || !sims_filter_matches(&wt->filter, obj))
        return;
    o = sims_api_watch_object(&wt->srv->api, res, obj, wt->api_version, wt->table, wt->include_object,
                              !wt->sent_columns);
    if (!o)
        return;
    wt->sent_columns = true;
    ev = json_pack("{s:s,s:o}", "type", type, "object", o);
    line = ev ? json_dumps(ev, JSON_COMPACT) : NULL;
    json_decref(ev);
    if (!line)
        return;
    b = evbuffer_new();
    if (b) {
        evbuffer_add(b, line, strlen(line));
        evbuffer_add(b, "\n", 1);
        evhttp_send_reply_chunk(wt->req, b);
        evbuffer_free(b);
    }
    free(line);
}

static void watch_flush(watcher *wt)
{
    sims_world *w = wt->srv->w;
    uint64_t first = w->log_total - w->log_n;

    if (wt->cursor < first)
        wt->cursor = first;
    for (; wt->cursor < w->log_total; wt->cursor++) {
        const sims_log_entry *le = &w->log[(w->log_head + (wt->cursor - first)) % SIMS_LOG_CAP];
        watch_send(wt, le->type, le->res, le->obj);
    }
}

static void watch_end(watcher *wt)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(wt->req);

    if (evcon)
        evhttp_connection_set_closecb(evcon, NULL, NULL);
    evhttp_send_reply_end(wt->req);
    watcher_unlink(wt);
}

static void start_watch(sims_server *s, struct evhttp_request *req, sims_resp *rs)
{
    sims_world *w = s->w;
    watcher *wt = calloc(1, sizeof(*wt));
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);

    if (!wt) {
        evhttp_send_error(req, 500, "out of memory");
        sims_resp_free(rs);
        return;
    }
    wt->srv = s;
    wt->req = req;
    wt->res = rs->watch_res;
    wt->api_version = rs->watch_api_version;
    wt->filter = rs->filter;
    rs->watch = false;          /* the watcher owns the filter now */
    wt->table = rs->table;
    wt->include_object = rs->include_object;
    wt->deadline = rs->timeout_s > 0 ? mono_s() + rs->timeout_s : 0;
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "application/json");
    evhttp_send_reply_start(req, 200, "OK");
    if (rs->has_watch_rv) {
        /* replay what changed after the given version */
        uint64_t first = w->log_total - w->log_n, i;
        for (i = first; i < w->log_total; i++) {
            const sims_log_entry *le = &w->log[(w->log_head + (i - first)) % SIMS_LOG_CAP];
            if (le->rv > rs->watch_rv)
                watch_send(wt, le->type, le->res, le->obj);
        }
    } else {
        json_t *items = sims_api_items(&s->api, wt->res, &wt->filter);
        size_t i;
        for (i = 0; i < json_array_size(items); i++)
            watch_send(wt, "ADDED", wt->res, json_array_get(items, i));
        json_decref(items);
    }
    wt->cursor = w->log_total;
    wt->next = s->watchers;
    s->watchers = wt;
    if (evcon)
        evhttp_connection_set_closecb(evcon, watch_closed, wt);
}

/* ---- replies -------------------------------------------------------------------- */

static const char *phrase(int code)
{
    switch (code) {
    case 200: return "OK";
    case 201: return "Created";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
    }
}

static void free_body(const void *data, size_t len, void *arg)
{
    (void)len;
    (void)arg;
    free((void *)data);
}

static void send_resp(sims_server *s, struct evhttp_request *req, sims_resp *rs, bool reset)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    struct evbuffer *b;
    char *body = NULL;
    size_t len;

    if (rs->watch) {
        start_watch(s, req, rs);
        sims_resp_free(rs);
        return;
    }
    if (rs->text) {
        body = strdup(rs->text);
        evhttp_add_header(h, "Content-Type", "text/plain; charset=utf-8");
        len = body ? strlen(body) : 0;
    } else if (rs->raw) {
        /* may be binary (protobuf): the length is the response's */
        body = rs->raw;
        len = rs->raw_len;
        rs->raw = NULL;
        evhttp_add_header(h, "Content-Type", rs->content_type ? rs->content_type : "application/json");
    } else {
        body = rs->body ? json_dumps(rs->body, JSON_COMPACT) : NULL;
        len = body ? strlen(body) : 0;
        evhttp_add_header(h, "Content-Type", "application/json");
    }
    evhttp_add_header(h, "Cache-Control", "no-cache, private");
    b = evbuffer_new();
    if (!b || !body) {
        free(body);
        if (b)
            evbuffer_free(b);
        evhttp_send_error(req, 500, "out of memory");
        sims_resp_free(rs);
        return;
    }
    if (reset) {
        /* headers and half the body, then the connection closes */
        char cl[24];
        snprintf(cl, sizeof(cl), "%zu", len + 1);
        evhttp_add_header(h, "Content-Length", cl);
        evhttp_add_header(h, "Connection", "close");
        evhttp_send_reply_start(req, rs->code, phrase(rs->code));
        evbuffer_add(b, body, len / 2);
        evhttp_send_reply_chunk(req, b);
        evhttp_send_reply_end(req);
    } else if (evbuffer_add_reference(b, body, len, free_body, NULL) == 0) {
        /* the buffer owns the body now: no copy of a large list */
        body = NULL;
        evhttp_send_reply(req, rs->code, phrase(rs->code), b);
    } else {
        evbuffer_add(b, body, len);
        evhttp_send_reply(req, rs->code, phrase(rs->code), b);
    }
    evbuffer_free(b);
    free(body);
    sims_resp_free(rs);
}

static void delayed_cb(evutil_socket_t fd, short what, void *arg)
{
    pending *p = arg;

    (void)fd;
    (void)what;
    send_resp(p->srv, p->req, &p->rs, p->reset);
    free(p);
}

static bool authorized(sims_server *s, struct evhttp_request *req)
{
    const char *a;
    size_t i, n;
    unsigned char diff = 0;

    if (!s->token[0])
        return true;
    a = evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");
    if (!a || strncmp(a, "Bearer ", 7))
        return false;
    a += 7;
    n = strlen(s->token);
    if (strlen(a) != n)
        return false;
    for (i = 0; i < n; i++)
        diff |= (unsigned char)(a[i] ^ s->token[i]);
    return diff == 0;
}

static const char *method_name(enum evhttp_cmd_type c)
{
    switch (c) {
    case EVHTTP_REQ_GET: return "GET";
    case EVHTTP_REQ_POST: return "POST";
    case EVHTTP_REQ_HEAD: return "HEAD";
    case EVHTTP_REQ_PUT: return "PUT";
    case EVHTTP_REQ_DELETE: return "DELETE";
    case EVHTTP_REQ_OPTIONS: return "OPTIONS";
    case EVHTTP_REQ_TRACE: return "TRACE";
    case EVHTTP_REQ_CONNECT: return "CONNECT";
    case EVHTTP_REQ_PATCH: return "PATCH";
    default: return "UNKNOWN";
    }
}

static void handle(struct evhttp_request *req, void *arg)
{
    sims_server *s = arg;
    const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(req);
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    struct evbuffer *ib = evhttp_request_get_input_buffer(req);
    const char *method = method_name(evhttp_request_get_command(req));
    sims_fault_draw fd;
    sims_req rq;
    sims_resp rs;
    pending *p;

    s->n_requests++;
    if (s->o.verbose)
        fprintf(stderr, "sim-server: debug: %s %s\n", method, evhttp_request_get_uri(req));
    memset(&rs, 0, sizeof(rs));
    if (!authorized(s, req)) {
        rs.code = 401;
        rs.body = sims_status(401, "Unauthorized", "Unauthorized", NULL, NULL, NULL);
        send_resp(s, req, &rs, false);
        return;
    }
    fd = s->faults ? sims_faults_draw(s->faults, (double)s->w->now / 1000.0) : (sims_fault_draw){0};
    if (fd.kind == SIMS_FAULT_HANG)
        return;     /* never answered; evhttp frees it with the connection */
    memset(&rq, 0, sizeof(rq));
    rq.method = method;
    rq.path = uri ? evhttp_uri_get_path(uri) : "/";
    rq.query = uri ? evhttp_uri_get_query(uri) : NULL;
    rq.accept = evhttp_find_header(in, "Accept");
    rq.content_type = evhttp_find_header(in, "Content-Type");
    rq.body_len = evbuffer_get_length(ib);
    rq.body = rq.body_len ? (const char *)evbuffer_pullup(ib, -1) : NULL;
    rq.fault = fd;
    switch (fd.kind) {
    case SIMS_FAULT_OUTAGE:
    case SIMS_FAULT_503:
        rs.code = 503;
        rs.body = sims_status(503, "ServiceUnavailable", "the server is currently unable to handle the request",
                              NULL, NULL, NULL);
        break;
    case SIMS_FAULT_500:
        rs.code = 500;
        rs.body = sims_status(500, "InternalError", "Internal error occurred: injected fault", NULL, NULL, NULL);
        break;
    case SIMS_FAULT_429: {
        char ra[16];
        snprintf(ra, sizeof(ra), "%d", s->faults->retry_after_s);
        evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", ra);
        rs.code = 429;
        rs.body = sims_status(429, "TooManyRequests", "Too many requests, please try again later.", NULL, NULL, NULL);
        json_object_set_new(rs.body, "details", json_pack("{s:i}", "retryAfterSeconds", s->faults->retry_after_s));
        break;
    }
    default:
        sims_api_handle(&s->api, &rq, &rs);
        break;
    }
    if (fd.delay <= 0) {
        send_resp(s, req, &rs, fd.kind == SIMS_FAULT_RESET);
        return;
    }
    p = calloc(1, sizeof(*p));
    if (!p) {
        send_resp(s, req, &rs, fd.kind == SIMS_FAULT_RESET);
        return;
    }
    p->srv = s;
    p->req = req;
    p->rs = rs;
    p->reset = fd.kind == SIMS_FAULT_RESET;
    {
        struct timeval tv = {(time_t)(fd.delay / 1000), (suseconds_t)((fd.delay % 1000) * 1000)};
        if (event_base_once(s->base, -1, EV_TIMEOUT, delayed_cb, p, &tv) != 0)
            delayed_cb(-1, 0, p);
    }
}

/* ---- the clock ---------------------------------------------------------------------- */

static void tick_cb(evutil_socket_t fd, short what, void *arg)
{
    sims_server *s = arg;
    double now = mono_s();
    sim_ms t = (sim_ms)llround((now - s->t0) * s->o.speed * 1000.0);
    watcher *wt, *next;

    (void)fd;
    (void)what;
    sims_world_advance(s->w, t);
    for (wt = s->watchers; wt; wt = next) {
        next = wt->next;
        watch_flush(wt);
        if (wt->deadline > 0 && now >= wt->deadline)
            watch_end(wt);
    }
}

static void signal_cb(evutil_socket_t sig, short what, void *arg)
{
    sims_server *s = arg;

    (void)sig;
    (void)what;
    event_base_loopexit(s->base, NULL);
}

/* ---- TLS ------------------------------------------------------------------------------ */

static struct bufferevent *bevcb(struct event_base *base, void *arg)
{
    SSL_CTX *ctx = arg;
    SSL *ssl = SSL_new(ctx);

    if (!ssl)
        return NULL;
    return bufferevent_openssl_socket_new(base, -1, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
}

static SSL_CTX *make_ssl(const char *cert_pem, const char *key_pem, hpa_err *e)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    BIO *cb = BIO_new_mem_buf(cert_pem, -1), *kb = BIO_new_mem_buf(key_pem, -1);
    X509 *x = cb ? PEM_read_bio_X509(cb, NULL, NULL, NULL) : NULL;
    EVP_PKEY *k = kb ? PEM_read_bio_PrivateKey(kb, NULL, NULL, NULL) : NULL;
    bool ok = ctx && x && k && SSL_CTX_use_certificate(ctx, x) == 1 && SSL_CTX_use_PrivateKey(ctx, k) == 1 &&
              SSL_CTX_check_private_key(ctx) == 1;

    /* the rest of a chain, if the certificate file has one */
    if (ok && cb) {
        X509 *extra;
        while ((extra = PEM_read_bio_X509(cb, NULL, NULL, NULL)) != NULL)
            if (SSL_CTX_add_extra_chain_cert(ctx, extra) != 1)
                X509_free(extra);
        ERR_clear_error();
    }
    X509_free(x);
    EVP_PKEY_free(k);
    BIO_free(cb);
    BIO_free(kb);
    if (!ok) {
        SSL_CTX_free(ctx);
        hpa_err_set(e, HPA_EINVAL, "--tls-cert", "could not use the TLS certificate and key (PEM expected, and the key must match the certificate)");
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION);
    return ctx;
}

/* ---- life cycle ------------------------------------------------------------------------ */

sims_server *sims_server_new(sims_world *w, sims_faults *faults, const sims_server_opts *o, hpa_err *e)
{
    sims_server *s = calloc(1, sizeof(*s));
    struct evhttp_bound_socket *bs;
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    struct timeval tv = {0, 100 * 1000};

    if (!s) {
        hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
        return NULL;
    }
    s->w = w;
    s->faults = faults;
    s->o = *o;
    if (s->o.speed <= 0)
        s->o.speed = 1;
    if (o->token)
        snprintf(s->token, sizeof(s->token), "%s", o->token);
    s->api.w = w;
    s->api.faults = faults;
    s->base = event_base_new();
    s->http = s->base ? evhttp_new(s->base) : NULL;
    if (!s->http) {
        hpa_err_set(e, HPA_ENOMEM, NULL, "could not create the event loop");
        goto fail;
    }
    if (o->cert_pem) {
        if (!(s->ssl = make_ssl(o->cert_pem, o->key_pem, e)))
            goto fail;
        evhttp_set_bevcb(s->http, bevcb, s->ssl);
    }
    evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
                                            EVHTTP_REQ_DELETE | EVHTTP_REQ_PATCH | EVHTTP_REQ_OPTIONS);
    evhttp_set_max_body_size(s->http, 3 * 1024 * 1024);
    evhttp_set_timeout(s->http, 3600);
    evhttp_set_gencb(s->http, handle, s);
    bs = evhttp_bind_socket_with_handle(s->http, o->host ? o->host : "127.0.0.1", (ev_uint16_t)o->port);
    if (!bs) {
        hpa_err_set(e, HPA_EIO, "--listen", "cannot listen on %s:%d (address in use or not local?)",
                    o->host ? o->host : "127.0.0.1", o->port);
        goto fail;
    }
    {
        /* Accepted sockets inherit TCP_NODELAY from the listener (Linux):
         * without it, a response written in more than one segment waits
         * for the client's delayed ACK (Nagle), ~40 ms per list. */
        int one = 1;
        setsockopt(evhttp_bound_socket_get_fd(bs), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    }
    if (getsockname(evhttp_bound_socket_get_fd(bs), (struct sockaddr *)&ss, &sl) == 0)
        s->port = ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                            : ntohs(((struct sockaddr_in *)&ss)->sin_port);
    snprintf(s->api.server_address, sizeof(s->api.server_address), "%s:%d", o->host ? o->host : "127.0.0.1",
             s->port);
    s->tick = event_new(s->base, -1, EV_PERSIST, tick_cb, s);
    s->sigterm = evsignal_new(s->base, SIGTERM, signal_cb, s);
    s->sigint = evsignal_new(s->base, SIGINT, signal_cb, s);
    if (!s->tick || !s->sigterm || !s->sigint || event_add(s->tick, &tv) || event_add(s->sigterm, NULL) ||
        event_add(s->sigint, NULL)) {
        hpa_err_set(e, HPA_ENOMEM, NULL, "could not set up the timers and signals");
        goto fail;
    }
    return s;
fail:
    sims_server_free(s);
    return NULL;
}

int sims_server_port(const sims_server *s)
{
    return s->port;
}

hpa_errcode sims_server_run(sims_server *s, hpa_err *e)
{
    signal(SIGPIPE, SIG_IGN);
    s->t0 = mono_s() - (double)s->w->now / 1000.0 / s->o.speed;
    if (event_base_dispatch(s->base) < 0)
        return hpa_err_set(e, HPA_EIO, NULL, "the event loop failed");
    return HPA_OK;
}

void sims_server_free(sims_server *s)
{
    if (!s)
        return;
    while (s->watchers) {
        watcher *wt = s->watchers;
        struct evhttp_connection *evcon = evhttp_request_get_connection(wt->req);
        if (evcon)
            evhttp_connection_set_closecb(evcon, NULL, NULL);
        s->watchers = wt->next;
        sims_filter_free(&wt->filter);
        free(wt);
    }
    if (s->tick)
        event_free(s->tick);
    if (s->sigterm)
        event_free(s->sigterm);
    if (s->sigint)
        event_free(s->sigint);
    if (s->http)
        evhttp_free(s->http);
    if (s->ssl)
        SSL_CTX_free(s->ssl);
    if (s->base)
        event_base_free(s->base);
    free(s);
}
