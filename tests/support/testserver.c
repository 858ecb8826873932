/*
 * testserver.c - scriptable HTTP(S) test server (see testserver.h).
 */
#include "support/testserver.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct ts_resp {
    ts_action action;
    int status;
    char *headers[TS_MAX_HEADERS];
    char *body;
    int delay_ms;
    char *chunks[TS_MAX_CHUNKS];
    int chunk_delay_ms;
    bool hold_open;
    struct ts_resp *next;
} ts_resp;

typedef struct ts_record {
    char *method, *target, *headers, *body, *cn;
    int conn;
} ts_record;

typedef struct ts_conn {
    ts_server *s;
    struct ts_conn *next;
    struct bufferevent *bev;
    int id;
    bool busy, close_after_write, in_read;
    ts_resp *resp;
    struct event *timer;
    int chunk_i;
} ts_conn;

struct ts_server {
    ts_opts o;
    struct event_base *base;
    struct evconnlistener *lis;
    struct event *stop_ev;
    int stop_pipe[2];
    pthread_t thread;
    SSL_CTX *ssl;
    int port;
    char url[64];
    char *ca_pem, *cert_pem, *key_pem, *client_cert_pem, *client_key_pem;
    ts_conn *conns;
    int nconns;
    pthread_mutex_t mu;
    ts_resp *qhead, *qtail;
    ts_resp *dflt;
    ts_record *recs;
    size_t nrecs, caprecs;
};

/* ---- certificates ------------------------------------------------------ */

static int serial_no = 1;

static void add_ext(X509 *x, X509V3_CTX *ctx, int nid, const char *value)
{
    X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, ctx, nid, value);

    if (ext) {
        X509_add_ext(x, ext, -1);
        X509_EXTENSION_free(ext);
    }
}

/* kind: 0 CA, 1 server, 2 client */
static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer,
                       EVP_PKEY *issuer_key, int kind)
{
    X509 *x = X509_new();
    X509_NAME *name;
    X509V3_CTX ctx;

    if (!x)
        return NULL;
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), __atomic_fetch_add(&serial_no, 1, __ATOMIC_SEQ_CST));
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 86400);
    X509_set_pubkey(x, key);
    name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn,
                               -1, -1, 0);
    X509_set_issuer_name(x, issuer ? X509_get_subject_name(issuer) : name);
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer ? issuer : x, x, NULL, NULL, 0);
    add_ext(x, &ctx, NID_subject_key_identifier, "hash");
    if (kind == 0) {
        add_ext(x, &ctx, NID_basic_constraints, "critical,CA:TRUE");
        add_ext(x, &ctx, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_ext(x, &ctx, NID_basic_constraints, "CA:FALSE");
        add_ext(x, &ctx, NID_authority_key_identifier, "keyid:always");
        add_ext(x, &ctx, NID_key_usage, "critical,digitalSignature,keyEncipherment");
        add_ext(x, &ctx, NID_ext_key_usage, kind == 1 ? "serverAuth" : "clientAuth");
        if (kind == 1)
            add_ext(x, &ctx, NID_subject_alt_name,
                    "IP:127.0.0.1,DNS:localhost,DNS:kubernetes.test");
    }
    if (!X509_sign(x, issuer_key ? issuer_key : key, EVP_sha256())) {
        X509_free(x);
        return NULL;
    }
    return x;
}

static char *bio_string(BIO *b)
{
    char *data = NULL, *out;
    long n = BIO_get_mem_data(b, &data);

    out = malloc((size_t)n + 1);
    if (out) {
        memcpy(out, data, (size_t)n);
        out[n] = '\0';
    }
    return out;
}

static char *cert_pem(X509 *x)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *s;

    PEM_write_bio_X509(b, x);
    s = bio_string(b);
    BIO_free(b);
    return s;
}

static char *key_pem(EVP_PKEY *k)
{
    BIO *b = BIO_new(BIO_s_mem());
    char *s;

    PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
    s = bio_string(b);
    BIO_free(b);
    return s;
}

char *ts_make_unrelated_ca_pem(void)
{
    EVP_PKEY *k = EVP_EC_gen("P-256");
    X509 *ca = k ? make_cert(k, "unrelated-ca", NULL, NULL, 0) : NULL;
    char *s = ca ? cert_pem(ca) : NULL;

    X509_free(ca);
    EVP_PKEY_free(k);
    return s;
}

static int setup_tls(ts_server *s)
{
    EVP_PKEY *cak = EVP_EC_gen("P-256"), *sk = EVP_EC_gen("P-256"),
             *ck = EVP_EC_gen("P-256");
    X509 *ca = NULL, *srv = NULL, *cli = NULL;
    int rc = -1;

    if (!cak || !sk || !ck)
        goto out;
    ca = make_cert(cak, "hpa-engine test CA", NULL, NULL, 0);
    srv = ca ? make_cert(sk, "kubernetes.test", ca, cak, 1) : NULL;
    cli = ca ? make_cert(ck, "test-client", ca, cak, 2) : NULL;
    if (!srv || !cli)
        goto out;
    s->ca_pem = cert_pem(ca);
    s->cert_pem = cert_pem(srv);
    s->key_pem = key_pem(sk);
    s->client_cert_pem = cert_pem(cli);
    s->client_key_pem = key_pem(ck);
    s->ssl = SSL_CTX_new(TLS_server_method());
    if (!s->ssl || SSL_CTX_use_certificate(s->ssl, srv) != 1 ||
        SSL_CTX_use_PrivateKey(s->ssl, sk) != 1)
        goto out;
    if (s->o.require_client_cert) {
        X509_STORE_add_cert(SSL_CTX_get_cert_store(s->ssl), ca);
        SSL_CTX_add_client_CA(s->ssl, ca);
        SSL_CTX_set_verify(s->ssl, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                           NULL);
    }
    rc = 0;
out:
    X509_free(ca);
    X509_free(srv);
    X509_free(cli);
    EVP_PKEY_free(cak);
    EVP_PKEY_free(sk);
    EVP_PKEY_free(ck);
    return rc;
}

/* ---- responses --------------------------------------------------------- */

static ts_resp *resp_copy(const ts_response *r)
{
    ts_resp *c = calloc(1, sizeof(*c));

    if (!c)
        abort();
    c->action = r->action;
    c->status = r->status ? r->status : 200;
    for (int i = 0; i < TS_MAX_HEADERS && r->headers[i]; i++)
        c->headers[i] = strdup(r->headers[i]);
    c->body = strdup(r->body ? r->body : "");
    c->delay_ms = r->delay_ms;
    for (int i = 0; i < TS_MAX_CHUNKS && r->chunks[i]; i++)
        c->chunks[i] = strdup(r->chunks[i]);
    c->chunk_delay_ms = r->chunk_delay_ms;
    c->hold_open = r->hold_open;
    return c;
}

static void resp_free(ts_resp *r)
{
    if (!r)
        return;
    for (int i = 0; i < TS_MAX_HEADERS; i++)
        free(r->headers[i]);
    for (int i = 0; i < TS_MAX_CHUNKS; i++)
        free(r->chunks[i]);
    free(r->body);
    free(r);
}

void ts_push(ts_server *s, const ts_response *r)
{
    ts_resp *c = resp_copy(r);

    pthread_mutex_lock(&s->mu);
    if (s->qtail)
        s->qtail->next = c;
    else
        s->qhead = c;
    s->qtail = c;
    pthread_mutex_unlock(&s->mu);
}

void ts_set_default(ts_server *s, const ts_response *r)
{
    ts_resp *c = resp_copy(r);

    pthread_mutex_lock(&s->mu);
    resp_free(s->dflt);
    s->dflt = c;
    pthread_mutex_unlock(&s->mu);
}

static ts_resp *next_resp(ts_server *s)
{
    ts_resp *r;

    pthread_mutex_lock(&s->mu);
    r = s->qhead;
    if (r) {
        s->qhead = r->next;
        if (!s->qhead)
            s->qtail = NULL;
        r->next = NULL;
    } else {
        ts_response d = {0};

        d.body = "{}";
        d.headers[0] = "Content-Type: application/json";
        if (s->dflt) {
            r = calloc(1, sizeof(*r));
            *r = *s->dflt;
            for (int i = 0; i < TS_MAX_HEADERS; i++)
                r->headers[i] = s->dflt->headers[i] ? strdup(s->dflt->headers[i]) : NULL;
            for (int i = 0; i < TS_MAX_CHUNKS; i++)
                r->chunks[i] = s->dflt->chunks[i] ? strdup(s->dflt->chunks[i]) : NULL;
            r->body = strdup(s->dflt->body);
            r->next = NULL;
        } else {
            r = resp_copy(&d);
        }
    }
    pthread_mutex_unlock(&s->mu);
    return r;
}

/* ---- connections ------------------------------------------------------- */

static void conn_close(ts_conn *c)
{
    ts_server *s = c->s;
    ts_conn **pp = &s->conns;

    while (*pp && *pp != c)
        pp = &(*pp)->next;
    if (*pp)
        *pp = c->next;
    if (c->timer)
        event_free(c->timer);
    if (c->bev)
        bufferevent_free(c->bev);
    resp_free(c->resp);
    free(c);
}

static void on_read(struct bufferevent *bev, void *arg);

static void finish_response(ts_conn *c)
{
    resp_free(c->resp);
    c->resp = NULL;
    c->busy = false;
    /* A request may already be waiting behind this one (on_read's own
     * loop picks it up when we are inside it). */
    if (!c->in_read && evbuffer_get_length(bufferevent_get_input(c->bev)) > 0)
        on_read(c->bev, c);
}

static const char *reason(int st)
{
    switch (st) {
    case 200: return "OK";
    case 201: return "Created";
    case 401: return "Unauthorized";
    case 404: return "Not Found";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

static void write_head(ts_conn *c, const ts_resp *r, bool chunked, size_t clen)
{
    struct evbuffer *out = bufferevent_get_output(c->bev);
    bool has_ct = false;

    evbuffer_add_printf(out, "HTTP/1.1 %d %s\r\n", r->status, reason(r->status));
    for (int i = 0; i < TS_MAX_HEADERS && r->headers[i]; i++) {
        if (strncasecmp(r->headers[i], "Content-Type:", 13) == 0)
            has_ct = true;
        evbuffer_add_printf(out, "%s\r\n", r->headers[i]);
    }
    if (!has_ct)
        evbuffer_add_printf(out, "Content-Type: application/json\r\n");
    if (chunked)
        evbuffer_add_printf(out, "Transfer-Encoding: chunked\r\n\r\n");
    else
        evbuffer_add_printf(out, "Content-Length: %zu\r\n\r\n", clen);
}

static void on_timer(evutil_socket_t fd, short what, void *arg);

static void arm(ts_conn *c, int ms)
{
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};

    if (!c->timer)
        c->timer = evtimer_new(c->s->base, on_timer, c);
    evtimer_add(c->timer, &tv);
}

static void send_chunk(ts_conn *c)
{
    struct evbuffer *out = bufferevent_get_output(c->bev);
    ts_resp *r = c->resp;

    if (c->chunk_i < TS_MAX_CHUNKS && r->chunks[c->chunk_i]) {
        const char *ch = r->chunks[c->chunk_i++];

        evbuffer_add_printf(out, "%zx\r\n%s\r\n", strlen(ch), ch);
        if (c->chunk_i < TS_MAX_CHUNKS && r->chunks[c->chunk_i]) {
            arm(c, r->chunk_delay_ms);
            return;
        }
    }
    if (r->hold_open)
        return;            /* until the client goes away */
    evbuffer_add_printf(out, "0\r\n\r\n");
    finish_response(c);
}

/* Returns false when the connection was closed. */
static bool start_response(ts_conn *c)
{
    ts_resp *r = c->resp;
    struct evbuffer *out = bufferevent_get_output(c->bev);

    switch (r->action) {
    case TS_RESET: {
        struct linger lg = {1, 0};
        evutil_socket_t fd = bufferevent_getfd(c->bev);

        /* SO_LINGER 0: the close sends a RST. */
        if (fd >= 0)
            setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
        conn_close(c);
        return false;
    }
    case TS_CLOSE_MID:
        write_head(c, r, false, strlen(r->body));
        evbuffer_add(out, r->body, strlen(r->body) / 2);
        c->close_after_write = true;
        return true;
    case TS_STREAM:
        write_head(c, r, true, 0);
        c->chunk_i = 0;
        send_chunk(c);
        return true;
    case TS_REPLY:
    default:
        write_head(c, r, false, strlen(r->body));
        evbuffer_add(out, r->body, strlen(r->body));
        finish_response(c);
        return true;
    }
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
    ts_conn *c = arg;

    (void)fd;
    (void)what;
    if (!c->resp)
        return;
    if (c->resp->delay_ms > 0) {
        c->resp->delay_ms = 0;
        start_response(c);
        return;
    }
    send_chunk(c);
}

static char *client_cn(ts_conn *c)
{
    SSL *ssl;
    X509 *peer;
    char buf[256] = "";

    if (!c->s->ssl)
        return NULL;
    ssl = bufferevent_openssl_get_ssl(c->bev);
    peer = ssl ? SSL_get1_peer_certificate(ssl) : NULL;
    if (!peer)
        return NULL;
    X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, buf,
                              sizeof(buf));
    X509_free(peer);
    return strdup(buf);
}

static void record(ts_conn *c, const char *head, size_t headlen,
                   const char *body, size_t blen)
{
    ts_server *s = c->s;
    ts_record rec = {0};
    const char *sp1, *sp2, *eol;

    eol = memchr(head, '\r', headlen);
    sp1 = memchr(head, ' ', headlen);
    sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(head + headlen - sp1 - 1)) : NULL;
    if (!eol || !sp1 || !sp2 || sp2 > eol)
        sp1 = sp2 = NULL;
    rec.method = sp1 ? strndup(head, (size_t)(sp1 - head)) : strdup("?");
    rec.target = sp1 ? strndup(sp1 + 1, (size_t)(sp2 - sp1 - 1)) : strdup("?");
    {
        /* Headers without the request line, CRLF turned into LF. */
        const char *h = eol ? eol + 2 : head + headlen;
        size_t hl = (size_t)(head + headlen - h), o = 0;

        rec.headers = malloc(hl + 2);
        for (size_t i = 0; i < hl; i++)
            if (h[i] != '\r')
                rec.headers[o++] = h[i];
        if (o > 0 && rec.headers[o - 1] != '\n')
            rec.headers[o++] = '\n';
        rec.headers[o] = '\0';
    }
    rec.body = strndup(body ? body : "", blen);
    rec.cn = client_cn(c);
    rec.conn = c->id;
    pthread_mutex_lock(&s->mu);
    if (s->nrecs == s->caprecs) {
        s->caprecs = s->caprecs ? s->caprecs * 2 : 16;
        s->recs = realloc(s->recs, s->caprecs * sizeof(*s->recs));
    }
    s->recs[s->nrecs++] = rec;
    pthread_mutex_unlock(&s->mu);
}

static long content_length(const char *head, size_t len)
{
    const char *p = head, *end = head + len;

    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));

        if (!eol)
            eol = end;
        if ((size_t)(eol - p) > 15 && strncasecmp(p, "Content-Length:", 15) == 0)
            return strtol(p + 15, NULL, 10);
        p = eol + 1;
    }
    return 0;
}

static void on_read(struct bufferevent *bev, void *arg)
{
    ts_conn *c = arg;
    struct evbuffer *in = bufferevent_get_input(bev);

    c->in_read = true;
    while (!c->busy) {
        struct evbuffer_ptr pos = evbuffer_search(in, "\r\n\r\n", 4, NULL);
        size_t headlen, total;
        long clen;
        char *all;

        if (pos.pos < 0)
            break;
        headlen = (size_t)pos.pos + 4;
        all = (char *)evbuffer_pullup(in, (ev_ssize_t)headlen);
        clen = content_length(all, headlen);
        if (clen < 0)
            clen = 0;
        total = headlen + (size_t)clen;
        if (evbuffer_get_length(in) < total)
            break;
        all = (char *)evbuffer_pullup(in, (ev_ssize_t)total);
        record(c, all, headlen - 2, all + headlen, (size_t)clen);
        evbuffer_drain(in, total);
        c->busy = true;
        c->resp = next_resp(c->s);
        if (c->resp->delay_ms > 0) {
            arm(c, c->resp->delay_ms);
            break;
        }
        if (!start_response(c))
            return;             /* closed: `c` is gone */
    }
    c->in_read = false;
}

static void on_write(struct bufferevent *bev, void *arg)
{
    ts_conn *c = arg;

    if (c->close_after_write &&
        evbuffer_get_length(bufferevent_get_output(bev)) == 0)
        conn_close(c);
}

static void on_event(struct bufferevent *bev, short what, void *arg)
{
    ts_conn *c = arg;

    (void)bev;
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
        conn_close(c);
}

static void on_accept(struct evconnlistener *lis, evutil_socket_t fd,
                      struct sockaddr *sa, int salen, void *arg)
{
    ts_server *s = arg;
    ts_conn *c = calloc(1, sizeof(*c));

    (void)lis;
    (void)sa;
    (void)salen;
    if (!c) {
        close(fd);
        return;
    }
    c->s = s;
    if (s->ssl) {
        SSL *ssl = SSL_new(s->ssl);

        c->bev = bufferevent_openssl_socket_new(s->base, fd, ssl,
                                                BUFFEREVENT_SSL_ACCEPTING,
                                                BEV_OPT_CLOSE_ON_FREE);
        if (c->bev)
            bufferevent_openssl_set_allow_dirty_shutdown(c->bev, 1);
    } else {
        c->bev = bufferevent_socket_new(s->base, fd, BEV_OPT_CLOSE_ON_FREE);
    }
    if (!c->bev) {
        close(fd);
        free(c);
        return;
    }
    pthread_mutex_lock(&s->mu);
    c->id = ++s->nconns;
    pthread_mutex_unlock(&s->mu);
    c->next = s->conns;
    s->conns = c;
    bufferevent_setcb(c->bev, on_read, on_write, on_event, c);
    bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

/* ---- server lifecycle -------------------------------------------------- */

static void on_stop(evutil_socket_t fd, short what, void *arg)
{
    ts_server *s = arg;

    (void)fd;
    (void)what;
    event_base_loopbreak(s->base);
}

static void *server_main(void *arg)
{
    ts_server *s = arg;

    event_base_dispatch(s->base);
    return NULL;
}

ts_server *ts_start(const ts_opts *o)
{
    ts_server *s = calloc(1, sizeof(*s));
    struct sockaddr_in sin;
    socklen_t sl = sizeof(sin);

    if (!s)
        return NULL;
    /* A client that drops the connection must not kill the test. */
    signal(SIGPIPE, SIG_IGN);
    if (o)
        s->o = *o;
    pthread_mutex_init(&s->mu, NULL);
    s->stop_pipe[0] = s->stop_pipe[1] = -1;
    if (s->o.tls && setup_tls(s) != 0)
        goto fail;
    s->base = event_base_new();
    if (!s->base || pipe(s->stop_pipe) != 0)
        goto fail;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    sin.sin_port = 0;
    s->lis = evconnlistener_new_bind(s->base, on_accept, s,
                                     LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE,
                                     64, (struct sockaddr *)&sin, sizeof(sin));
    if (!s->lis)
        goto fail;
    getsockname(evconnlistener_get_fd(s->lis), (struct sockaddr *)&sin, &sl);
    s->port = ntohs(sin.sin_port);
    snprintf(s->url, sizeof(s->url), "%s://127.0.0.1:%d", s->o.tls ? "https" : "http",
             s->port);
    s->stop_ev = event_new(s->base, s->stop_pipe[0], EV_READ, on_stop, s);
    if (!s->stop_ev || event_add(s->stop_ev, NULL) != 0)
        goto fail;
    if (pthread_create(&s->thread, NULL, server_main, s) != 0)
        goto fail;
    return s;
fail:
    fprintf(stderr, "testserver: cannot start\n");
    ERR_print_errors_fp(stderr);
    abort();
}

void ts_stop(ts_server *s)
{
    char b = 1;

    if (!s)
        return;
    if (write(s->stop_pipe[1], &b, 1) != 1)
        abort();
    pthread_join(s->thread, NULL);
    while (s->conns)
        conn_close(s->conns);
    event_free(s->stop_ev);
    evconnlistener_free(s->lis);
    event_base_free(s->base);
    close(s->stop_pipe[0]);
    close(s->stop_pipe[1]);
    SSL_CTX_free(s->ssl);
    while (s->qhead) {
        ts_resp *r = s->qhead;

        s->qhead = r->next;
        resp_free(r);
    }
    resp_free(s->dflt);
    for (size_t i = 0; i < s->nrecs; i++) {
        free(s->recs[i].method);
        free(s->recs[i].target);
        free(s->recs[i].headers);
        free(s->recs[i].body);
        free(s->recs[i].cn);
    }
    free(s->recs);
    free(s->ca_pem);
    free(s->cert_pem);
    free(s->key_pem);
    free(s->client_cert_pem);
    free(s->client_key_pem);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

int ts_port(const ts_server *s) { return s->port; }
const char *ts_url(const ts_server *s) { return s->url; }
const char *ts_ca_pem(const ts_server *s) { return s->ca_pem; }
const char *ts_client_cert_pem(const ts_server *s) { return s->client_cert_pem; }
const char *ts_client_key_pem(const ts_server *s) { return s->client_key_pem; }

size_t ts_nrequests(ts_server *s)
{
    size_t n;

    pthread_mutex_lock(&s->mu);
    n = s->nrecs;
    pthread_mutex_unlock(&s->mu);
    return n;
}

int ts_nconnections(ts_server *s)
{
    int n;

    pthread_mutex_lock(&s->mu);
    n = s->nconns;
    pthread_mutex_unlock(&s->mu);
    return n;
}

#define TS_GETTER_(fn, field)                                          \
    char *fn(ts_server *s, size_t i)                                   \
    {                                                                  \
        char *v = NULL;                                                \
        pthread_mutex_lock(&s->mu);                                    \
        if (i < s->nrecs && s->recs[i].field)                          \
            v = strdup(s->recs[i].field);                              \
        pthread_mutex_unlock(&s->mu);                                  \
        return v;                                                      \
    }
TS_GETTER_(ts_req_method, method)
TS_GETTER_(ts_req_target, target)
TS_GETTER_(ts_req_headers, headers)
TS_GETTER_(ts_req_body, body)
TS_GETTER_(ts_req_client_cn, cn)
#undef TS_GETTER_

int ts_req_conn(ts_server *s, size_t i)
{
    int v = 0;

    pthread_mutex_lock(&s->mu);
    if (i < s->nrecs)
        v = s->recs[i].conn;
    pthread_mutex_unlock(&s->mu);
    return v;
}

char *ts_req_header(ts_server *s, size_t i, const char *name)
{
    char *all = ts_req_headers(s, i), *p, *v = NULL;
    size_t nl = strlen(name);

    if (!all)
        return NULL;
    for (p = all; *p;) {
        char *eol = strchr(p, '\n');

        if (!eol)
            eol = p + strlen(p);
        if ((size_t)(eol - p) > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *val = p + nl + 1;

            while (*val == ' ')
                val++;
            v = strndup(val, (size_t)(eol - val));
            break;
        }
        p = *eol ? eol + 1 : eol;
    }
    free(all);
    return v;
}

int ts_free_port(void)
{
    struct sockaddr_in sin;
    socklen_t sl = sizeof(sin);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = 0;

    if (fd < 0)
        return 0;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 &&
        getsockname(fd, (struct sockaddr *)&sin, &sl) == 0)
        port = ntohs(sin.sin_port);
    close(fd);
    return port;
}
