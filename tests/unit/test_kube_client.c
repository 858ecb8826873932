/*
 * test_kube_client.c - the API client against a real HTTPS server
 * (tests/support/testserver): TLS verification, credentials, retries and
 * backoff, timeouts, resets, watch streams, rate limits, discovery.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <event2/event.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hpa/arena.h"
#include "kube/client.h"
#include "support/testserver.h"

/* Every secret used here contains "SECRET": no log line may. */
#define TOKEN "SECRET-bearer-token-1"
#define PASSWORD "SECRET-password"

static hpa_strbuf logbuf = HPA_STRBUF_INIT;

static void capture_log(int level, const char *line, void *arg)
{
    (void)level;
    (void)arg;
    hpa_strbuf_printf(&logbuf, "%s\n", line);
}

static int64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static json_t *held[512];
static size_t nheld;

static void release_held(void)
{
    while (nheld > 0)
        json_decref(held[--nheld]);
}

typedef struct result {
    int done;
    long status;
    hpa_errcode code;
    char msg[HPA_ERR_MSG_MAX];
    int attempts;
    json_t *body;
    int64_t at;
} result;

static void on_resp(const kube_response *r, void *arg)
{
    result *res = arg;

    res->done++;
    res->status = r->status;
    res->code = r->err.code;
    snprintf(res->msg, sizeof(res->msg), "%s", r->err.msg);
    res->attempts = r->attempts;
    res->body = r->body ? json_incref(r->body) : NULL;
    if (res->body) {
        /* released by fx_free */
        assert_true(nheld < sizeof(held) / sizeof(held[0]));
        held[nheld++] = res->body;
    }
    res->at = now_ms();
}

static void tick(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
}

/* Run the loop until *flag >= n or the limit passes. */
static void run_until(struct event_base *base, const int *flag, int n, int limit_ms)
{
    struct event *t = event_new(base, -1, EV_PERSIST, tick, NULL);
    struct timeval tv = {0, 20000};
    int64_t deadline = now_ms() + limit_ms;

    event_add(t, &tv);
    while (*flag < n && now_ms() < deadline)
        event_base_loop(base, EVLOOP_ONCE);
    event_free(t);
}

typedef struct fixture {
    struct event_base *base;
    ts_server *srv;
    kube_config cfg;
    kube_client_opts o;
    kube_client *c;
} fixture;

static void fx_init(fixture *f, bool tls, bool client_cert)
{
    ts_opts so = {tls, client_cert};

    memset(f, 0, sizeof(*f));
    f->base = event_base_new();
    f->srv = ts_start(&so);
    f->cfg.server = strdup(ts_url(f->srv));
    if (tls) {
        f->cfg.ca_pem = (unsigned char *)strdup(ts_ca_pem(f->srv));
        f->cfg.ca_len = strlen((char *)f->cfg.ca_pem);
    }
    kube_client_opts_default(&f->o);
    f->o.qps = 0;
    f->o.seed = 42;
    f->o.backoff_base_ms = 20;
    f->o.backoff_max_ms = 100;
    f->o.timeout_ms = 5000;
    f->o.log = capture_log;
}

static void fx_client(fixture *f)
{
    hpa_err e;

    f->c = kube_client_new(f->base, &f->cfg, &f->o, &e);
    if (!f->c)
        fail_msg("client: %s", e.msg);
}

static void fx_free(fixture *f)
{
    kube_client_free(f->c);
    ts_stop(f->srv);
    kube_config_free(&f->cfg);
    event_base_free(f->base);
    release_held();
    if (logbuf.s && (strstr(logbuf.s, "SECRET") || strstr(logbuf.s, "Bearer")))
        fail_msg("a log line shows a credential:\n%s", logbuf.s);
    hpa_strbuf_reset(&logbuf);
}

static void get(fixture *f, const char *path, const kube_req_opts *o, result *r)
{
    hpa_err e;

    memset(r, 0, sizeof(*r));
    assert_int_equal(kube_request(f->c, "GET", path, NULL, NULL, o, on_resp, r, &e),
                     HPA_OK);
}

static void result_free(result *r)
{
    r->body = NULL;
}



static ts_response json_reply(int status, const char *body)
{
    ts_response r = {0};

    r.status = status;
    r.body = body;
    return r;
}

/* ---- TLS and credentials ------------------------------------------------ */

static void test_https_ca_and_token(void **state)
{
    fixture f;
    result r;
    ts_response resp = json_reply(200, "{\"kind\":\"PodList\",\"items\":[{\"a\":1}]}");
    char *auth, *ua, *accept, *target;

    (void)state;
    fx_init(&f, true, false);
    f.cfg.token = strdup(TOKEN);
    fx_client(&f);
    ts_push(f.srv, &resp);
    get(&f, "/api/v1/namespaces/default/pods?limit=500", NULL, &r);
    run_until(f.base, &r.done, 1, 5000);
    assert_int_equal(r.done, 1);
    if (r.code != HPA_OK)
        fail_msg("%s", r.msg);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.attempts, 1);
    assert_string_equal(json_string_value(json_object_get(r.body, "kind")), "PodList");
    auth = ts_req_header(f.srv, 0, "Authorization");
    ua = ts_req_header(f.srv, 0, "User-Agent");
    accept = ts_req_header(f.srv, 0, "Accept");
    target = ts_req_target(f.srv, 0);
    assert_string_equal(auth, "Bearer " TOKEN);
    assert_non_null(strstr(ua, "hpa-engine/"));
    assert_string_equal(accept, "application/json");
    assert_string_equal(target, "/api/v1/namespaces/default/pods?limit=500");
    free(auth);
    free(ua);
    free(accept);
    free(target);
    assert_non_null(logbuf.s);          /* the request was logged ... */
    result_free(&r);
    fx_free(&f);                        /* ... without the token */
}

static void test_wrong_ca(void **state)
{
    fixture f;
    result r;

    (void)state;
    fx_init(&f, true, false);
    free(f.cfg.ca_pem);
    f.cfg.ca_pem = (unsigned char *)ts_make_unrelated_ca_pem();
    f.cfg.ca_len = strlen((char *)f.cfg.ca_pem);
    f.cfg.token = strdup(TOKEN);
    fx_client(&f);
    get(&f, "/api", NULL, &r);
    run_until(f.base, &r.done, 1, 5000);
    assert_int_equal(r.done, 1);
    assert_int_equal(r.code, HPA_EIO);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.msg, "TLS verification failed"));
    assert_non_null(strstr(r.msg, "GET /api"));
    assert_int_equal(r.attempts, 1);     /* a trust problem is not retried */
    assert_int_equal(ts_nrequests(f.srv), 0);
    assert_null(strstr(r.msg, "SECRET"));
    fx_free(&f);
}

static void test_insecure_skip_verify(void **state)
{
    fixture f;
    result r;

    (void)state;
    fx_init(&f, true, false);
    free(f.cfg.ca_pem);
    f.cfg.ca_pem = NULL;
    f.cfg.ca_len = 0;
    f.cfg.insecure_skip_tls_verify = true;
    fx_client(&f);
    get(&f, "/version", NULL, &r);
    run_until(f.base, &r.done, 1, 5000);
    assert_int_equal(r.code, HPA_OK);
    assert_int_equal(r.status, 200);
    fx_free(&f);

    /* without the flag and without a CA, the system CAs do not know ours */
    fx_init(&f, true, false);
    free(f.cfg.ca_pem);
    f.cfg.ca_pem = NULL;
    f.cfg.ca_len = 0;
    fx_client(&f);
    get(&f, "/version", NULL, &r);
    run_until(f.base, &r.done, 1, 5000);
    assert_int_equal(r.code, HPA_EIO);
    fx_free(&f);
}

static void test_tls_server_name(void **state)
{
    static const struct {
        const char *name;
        hpa_errcode code;
    } cases[] = {
        {"kubernetes.test", HPA_OK},      /* in the certificate's SANs */
        {"wrong.test", HPA_EIO},          /* not: verification must fail */
    };

    (void)state;
    for (size_t i = 0; i < 2; i++) {
        fixture f;
        result r;
        char *host, expect[64];

        fx_init(&f, true, false);
        f.cfg.tls_server_name = strdup(cases[i].name);
        fx_client(&f);
        get(&f, "/healthz", NULL, &r);
        run_until(f.base, &r.done, 1, 5000);
        if (r.code != cases[i].code)
            fail_msg("tls-server-name %s: code %d (%s)", cases[i].name, r.code, r.msg);
        if (r.code == HPA_OK) {
            /* the Host header still names the configured server */
            host = ts_req_header(f.srv, 0, "Host");
            snprintf(expect, sizeof(expect), "127.0.0.1:%d", ts_port(f.srv));
            assert_string_equal(host, expect);
            free(host);
        }
        fx_free(&f);
    }
}

static void test_client_cert(void **state)
{
    fixture f;
    result r;
    char *cn;

    (void)state;
    fx_init(&f, true, true);
    f.cfg.cert_pem = (unsigned char *)strdup(ts_client_cert_pem(f.srv));
    f.cfg.cert_len = strlen((char *)f.cfg.cert_pem);
    f.cfg.key_pem = (unsigned char *)strdup(ts_client_key_pem(f.srv));
    f.cfg.key_len = strlen((char *)f.cfg.key_pem);
    fx_client(&f);
    get(&f, "/api", NULL, &r);
    run_until(f.base, &r.done, 1, 5000);
    if (r.code != HPA_OK)
        fail_msg("%s", r.msg);
    cn = ts_req_client_cn(f.srv, 0);
    assert_string_equal(cn, "test-client");
    free(cn);
    fx_free(&f);

    /* the same server refuses a client without a certificate */
    fx_init(&f, true, true);
    fx_client(&f);
    {
        kube_req_opts o = {0};

        o.set_retries = true;
        get(&f, "/api", &o, &r);
    }
    run_until(f.base, &r.done, 1, 5000);
    assert_int_equal(r.done, 1);
    assert_int_equal(r.code, HPA_EIO);
    assert_int_equal(ts_nrequests(f.srv), 0);
    fx_free(&f);
}

static void test_basic_auth(void **state)
{
    fixture f;
    result r;
    char *auth;

    (void)state;
    fx_init(&f, true, false);
    f.cfg.username = strdup("admin");
    f.cfg.password = strdup(PASSWORD);
    fx_client(&f);
    get(&f, "/api", NULL, &r);
    run_until(f.base, &r.done, 1, 5000);
    assert_int_equal(r.code, HPA_OK);
    auth = ts_req_header(f.srv, 0, "Authorization");
    /* base64("admin:SECRET-password") */
    assert_string_equal(auth, "Basic YWRtaW46U0VDUkVULXBhc3N3b3Jk");
    free(auth);
    fx_free(&f);
}

/* A 401 re-reads a rotated token file and retries once. */
static void test_401_refreshes_token_file(void **state)
{
    fixture f;
    result r;
    char path[] = "/tmp/hpa-token-XXXXXX";
    int fd = mkstemp(path);
    ts_response unauth = json_reply(401, "{\"kind\":\"Status\",\"code\":401}");
    char *a0, *a1;

    (void)state;
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "SECRET-old\n", 11), 11);
    close(fd);
    fx_init(&f, true, false);
    f.cfg.token_file = strdup(path);
    fx_client(&f);
    unauth.delay_ms = 200;
    ts_push(f.srv, &unauth);
    get(&f, "/api", NULL, &r);
    /* the kubelet rotates the token while the first request is out */
    for (int64_t deadline = now_ms() + 3000;
         ts_nrequests(f.srv) == 0 && now_ms() < deadline;)
        event_base_loop(f.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
    assert_int_equal(ts_nrequests(f.srv), 1);
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_int_equal(write(fd, "SECRET-new\n", 11), 11);
    close(fd);
    run_until(f.base, &r.done, 1, 5000);
    assert_int_equal(r.code, HPA_OK);
    assert_int_equal(r.attempts, 2);
    a0 = ts_req_header(f.srv, 0, "Authorization");
    a1 = ts_req_header(f.srv, 1, "Authorization");
    assert_string_equal(a0, "Bearer SECRET-old");
    assert_string_equal(a1, "Bearer SECRET-new");
    free(a0);
    free(a1);
    unlink(path);
    fx_free(&f);
}

/* proxy-url: a plain-HTTP API server reached through an HTTP proxy (the
 * test server plays the proxy and sees the absolute URL). */
static void test_proxy_url(void **state)
{
    fixture f;
    result r;
    char *target;

    (void)state;
    fx_init(&f, false, false);
    f.cfg.proxy_url = strdup(ts_url(f.srv));
    free(f.cfg.server);
    f.cfg.server = strdup("http://kubernetes.invalid:8080");
    fx_client(&f);
    get(&f, "/api/v1/pods", NULL, &r);
    run_until(f.base, &r.done, 1, 5000);
    if (r.code != HPA_OK)
        fail_msg("%s", r.msg);
    target = ts_req_target(f.srv, 0);
    assert_string_equal(target, "http://kubernetes.invalid:8080/api/v1/pods");
    free(target);
    fx_free(&f);
}

/* ---- retries ------------------------------------------------------------ */

static void test_retry_5xx(void **state)
{
    fixture f;
    result r;
    ts_response e500 = json_reply(500, "{\"kind\":\"Status\",\"message\":\"etcd hiccup\"}");
    ts_response e503 = json_reply(503, "{}");
    ts_response ok = json_reply(200, "{\"kind\":\"Scale\"}");

    (void)state;
    fx_init(&f, true, false);
    fx_client(&f);
    ts_push(f.srv, &e500);
    ts_push(f.srv, &e503);
    ts_push(f.srv, &ok);
    get(&f, "/apis/apps/v1/namespaces/d/deployments/web/scale", NULL, &r);
    run_until(f.base, &r.done, 1, 5000);
    assert_int_equal(r.code, HPA_OK);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.attempts, 3);
    assert_int_equal(ts_nrequests(f.srv), 3);
    assert_non_null(strstr(logbuf.s, "500"));      /* retries are logged */
    result_free(&r);

    /* retries run out: the last answer goes back, with the server's message */
    {
        kube_req_opts o = {0};

        o.set_retries = true;
        o.max_retries = 1;
        ts_push(f.srv, &e500);
        ts_push(f.srv, &e500);
        get(&f, "/api", &o, &r);
        run_until(f.base, &r.done, 1, 5000);
        assert_int_equal(r.code, HPA_EAPI);
        assert_int_equal(r.status, 500);
        assert_int_equal(r.attempts, 2);
        assert_non_null(strstr(r.msg, "etcd hiccup"));
        result_free(&r);
    }
    fx_free(&f);
}

static void test_non_idempotent_not_retried(void **state)
{
    static const struct {
        const char *method, *content_type, *want_ct;
        bool retried;
    } cases[] = {
        {"POST", NULL, "application/json", false},
        {"PATCH", "application/json-patch+json", "application/json-patch+json", false},
        /* a merge patch is idempotent (RFC 7396): retried */
        {"PATCH", "application/merge-patch+json", "application/merge-patch+json", true},
        {"PUT", NULL, "application/json", true},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        fixture f;
        result r = {0};
        ts_response e503 = json_reply(503, "{}");
        ts_response reset = {0};
        json_t *body = json_pack("{s:s}", "kind", "Event");
        hpa_err e;
        char *ct;
        int want_attempts = cases[i].retried ? 2 : 1;

        reset.action = TS_RESET;
        fx_init(&f, true, false);
        fx_client(&f);
        /* warm a keep-alive connection: a reset on a reused connection is
         * where libcurl would otherwise re-send on its own */
        get(&f, "/api", NULL, &r);
        run_until(f.base, &r.done, 1, 5000);
        memset(&r, 0, sizeof(r));
        ts_push(f.srv, &e503);
        assert_int_equal(kube_request(f.c, cases[i].method, "/api/v1/namespaces/d/events",
                                      body, cases[i].content_type, NULL, on_resp, &r, &e),
                         HPA_OK);
        run_until(f.base, &r.done, 1, 5000);
        if (r.attempts != want_attempts)
            fail_msg("%s %s: 503: status %ld attempts %d", cases[i].method,
                     cases[i].want_ct, r.status, r.attempts);
        if (!cases[i].retried)
            assert_int_equal(r.status, 503);
        ct = ts_req_header(f.srv, 1, "Content-Type");
        assert_string_equal(ct, cases[i].want_ct);
        free(ct);
        ct = ts_req_body(f.srv, 1);
        assert_string_equal(ct, "{\"kind\":\"Event\"}");
        free(ct);

        /* a reset after the request was sent */
        memset(&r, 0, sizeof(r));
        ts_push(f.srv, &reset);
        assert_int_equal(kube_request(f.c, cases[i].method, "/x", body,
                                      cases[i].content_type, NULL, on_resp, &r, &e),
                         HPA_OK);
        run_until(f.base, &r.done, 1, 5000);
        if (cases[i].retried) {
            assert_int_equal(r.code, HPA_OK);
        } else {
            if (r.code != HPA_EIO || r.attempts != 1)
                fail_msg("%s %s: reset: code %d attempts %d, %zu requests seen",
                         cases[i].method, cases[i].want_ct, r.code, r.attempts,
                         ts_nrequests(f.srv));
            /* the server saw it exactly once */
            assert_int_equal(ts_nrequests(f.srv), want_attempts + 2);
        }
        json_decref(body);
        fx_free(&f);
    }
}

static void test_conflict_returned(void **state)
{
    fixture f;
    result r = {0};
    ts_response conflict = json_reply(409,
        "{\"kind\":\"Status\",\"reason\":\"Conflict\",\"message\":\"the object has been modified\"}");
    json_t *scale = json_pack("{s:{s:s}}", "metadata", "resourceVersion", "7");
    hpa_err e;

    (void)state;
    fx_init(&f, true, false);
    fx_client(&f);
    ts_push(f.srv, &conflict);
    assert_int_equal(kube_put_json(f.c, "/apis/apps/v1/namespaces/d/deployments/w/scale",
                                   scale, on_resp, &r, &e), HPA_OK);
    run_until(f.base, &r.done, 1, 5000);
    assert_int_equal(r.status, 409);
    assert_int_equal(r.code, HPA_EAPI);
    assert_int_equal(r.attempts, 1);
    assert_non_null(strstr(r.msg, "409 Conflict: the object has been modified"));
    assert_string_equal(json_string_value(json_object_get(r.body, "reason")), "Conflict");
    result_free(&r);
    json_decref(scale);

    /* 404 has its own code */
    {
        ts_response nf = json_reply(404, "{\"kind\":\"Status\",\"message\":\"not found\"}");

        ts_push(f.srv, &nf);
        get(&f, "/api/v1/namespaces/d/pods/x", NULL, &r);
        run_until(f.base, &r.done, 1, 5000);
        assert_int_equal(r.code, HPA_ENOTFOUND);
        result_free(&r);
    }
    fx_free(&f);
}

/* UPSTREAM: client-go honours Retry-After on 429. */
static void test_429_retry_after(void **state)
{
    fixture f;
    result r;
    ts_response busy = json_reply(429, "{}");
    int64_t t0;

    (void)state;
    busy.headers[0] = "Retry-After: 1";
    fx_init(&f, true, false);
    fx_client(&f);
    ts_push(f.srv, &busy);
    t0 = now_ms();
    get(&f, "/api", NULL, &r);
    run_until(f.base, &r.done, 1, 5000);
    assert_int_equal(r.code, HPA_OK);
    assert_int_equal(r.attempts, 2);
    assert_true(r.at - t0 >= 1000);
    assert_true(r.at - t0 < 2500);
    fx_free(&f);
}

static void test_timeout(void **state)
{
    fixture f;
    result r;
    ts_response slow = json_reply(200, "{}");
    kube_req_opts o = {0};
    int64_t t0;

    (void)state;
    slow.delay_ms = 2000;
    o.timeout_ms = 300;
    o.set_retries = true;
    fx_init(&f, true, false);
    fx_client(&f);
    ts_push(f.srv, &slow);
    t0 = now_ms();
    get(&f, "/api", &o, &r);
    run_until(f.base, &r.done, 1, 5000);
    assert_int_equal(r.code, HPA_ETIMEOUT);
    assert_non_null(strstr(r.msg, "timed out"));
    assert_true(r.at - t0 >= 250);
    assert_true(r.at - t0 < 1500);
    fx_free(&f);
}

static void test_reset_and_cut(void **state)
{
    fixture f;
    result r;
    ts_response reset = {0}, cut = json_reply(200, "{\"kind\":\"PodList\",\"items\":[]}");
    kube_req_opts once = {0};

    (void)state;
    reset.action = TS_RESET;
    cut.action = TS_CLOSE_MID;
    fx_init(&f, true, false);
    fx_client(&f);
    /* GET: reset, then cut mid-body, then fine */
    ts_push(f.srv, &reset);
    ts_push(f.srv, &cut);
    get(&f, "/api/v1/pods", NULL, &r);
    run_until(f.base, &r.done, 1, 5000);
    if (r.code != HPA_OK)
        fail_msg("%s", r.msg);
    assert_int_equal(r.attempts, 3);
    result_free(&r);

    /* no retries: the cut body is an error, not a half document */
    once.set_retries = true;
    ts_push(f.srv, &cut);
    get(&f, "/api/v1/pods", &once, &r);
    run_until(f.base, &r.done, 1, 5000);
    assert_int_equal(r.code, HPA_EIO);
    assert_int_equal(r.attempts, 1);
    fx_free(&f);
}

/* POST is retried when nothing was sent: the connection was refused. */
static void test_connection_refused(void **state)
{
    kube_config cfg = {0};
    kube_client_opts o;
    struct event_base *base = event_base_new();
    kube_client *c;
    result r = {0};
    hpa_err e;
    char url[64];

    (void)state;
    snprintf(url, sizeof(url), "http://127.0.0.1:%d", ts_free_port());
    cfg.server = strdup(url);
    kube_client_opts_default(&o);
    o.backoff_base_ms = 10;
    o.max_retries = 2;
    o.log = capture_log;
    c = kube_client_new(base, &cfg, &o, &e);
    assert_non_null(c);
    assert_int_equal(kube_post_json(c, "/api/v1/namespaces/d/events", NULL, on_resp,
                                    &r, &e), HPA_OK);
    run_until(base, &r.done, 1, 5000);
    assert_int_equal(r.code, HPA_EIO);
    assert_int_equal(r.attempts, 3);
    assert_non_null(strstr(r.msg, "cannot connect"));
    kube_client_free(c);
    kube_config_free(&cfg);
    event_base_free(base);
    hpa_strbuf_reset(&logbuf);
}

/* ---- connections, rate limits ------------------------------------------- */

static void test_keepalive_and_parallel(void **state)
{
    fixture f;
    result r[20];

    (void)state;
    fx_init(&f, true, false);
    fx_client(&f);
    for (int i = 0; i < 3; i++) {
        get(&f, "/api", NULL, &r[0]);
        run_until(f.base, &r[0].done, 1, 5000);
        assert_int_equal(r[0].code, HPA_OK);
    }
    assert_int_equal(ts_nconnections(f.srv), 1);      /* one connection, reused */
    assert_int_equal(ts_req_conn(f.srv, 2), 1);

    /* many at once all complete */
    {
        int done = 0;

        for (int i = 0; i < 20; i++)
            get(&f, "/api", NULL, &r[i]);
        for (int64_t deadline = now_ms() + 5000; now_ms() < deadline;) {
            done = 0;
            for (int i = 0; i < 20; i++)
                done += r[i].done;
            if (done == 20)
                break;
            event_base_loop(f.base, EVLOOP_ONCE);
        }
        assert_int_equal(done, 20);
        for (int i = 0; i < 20; i++)
            assert_int_equal(r[i].code, HPA_OK);
    }
    fx_free(&f);
}

/* UPSTREAM: client-go's token-bucket rate limiter (qps, burst). */
static void test_rate_limit(void **state)
{
    fixture f;
    result r[6];
    int64_t t0, last = 0;
    kube_client_stats st;

    (void)state;
    fx_init(&f, false, false);
    f.o.qps = 10;
    f.o.burst = 2;
    fx_client(&f);
    t0 = now_ms();
    for (int i = 0; i < 6; i++)
        get(&f, "/api", NULL, &r[i]);
    kube_client_get_stats(f.c, &st);
    assert_int_equal(st.queued, 6);
    run_until(f.base, &r[5].done, 1, 5000);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(r[i].code, HPA_OK);
        if (r[i].at > last)
            last = r[i].at;
    }
    /* 2 at once, then one per 100 ms: the last starts after >= 400 ms */
    assert_true(last - t0 >= 380);
    assert_true(last - t0 < 2000);
    /* FIFO: the requests were served in the order they were made */
    for (int i = 1; i < 6; i++)
        assert_true(r[i].at >= r[i - 1].at);
    kube_client_get_stats(f.c, &st);
    assert_true(st.throttled > 0);
    assert_int_equal(st.attempts, 6);
    fx_free(&f);
}

/* ---- watch -------------------------------------------------------------- */

typedef struct watch_state {
    int events, done;
    char types[8][16];
    char names[8][32];
    long status;
    hpa_errcode code;
    kube_watch *w;
    int cancel_after;
} watch_state;

static void on_event(const char *type, json_t *obj, void *arg)
{
    watch_state *ws = arg;
    const char *name = json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));

    if (ws->events < 8) {
        snprintf(ws->types[ws->events], 16, "%s", type ? type : "?");
        snprintf(ws->names[ws->events], 32, "%s", name ? name : "?");
    }
    ws->events++;
    if (ws->cancel_after && ws->events == ws->cancel_after)
        kube_watch_cancel(ws->w);
}

static void on_watch_done(const kube_response *r, void *arg)
{
    watch_state *ws = arg;

    ws->done++;
    ws->status = r->status;
    ws->code = r->err.code;
}

static void test_watch_stream(void **state)
{
    fixture f;
    watch_state ws = {0};
    ts_response stream = {0}, gone = json_reply(410,
        "{\"kind\":\"Status\",\"code\":410,\"reason\":\"Expired\",\"message\":\"too old resource version\"}");
    hpa_err e;
    char *target;

    (void)state;
    stream.action = TS_STREAM;
    stream.chunks[0] = "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\"}}}\n"
                       "{\"type\":\"MODIFIED\",\"object\":{\"metadata\":{\"name\":\"a\"}}}\n"
                       "{\"type\":\"DELETED\",\"obj";
    stream.chunks[1] = "ect\":{\"metadata\":{\"name\":\"b\"}}}\n";
    stream.chunks[2] = "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"name\":\"c\"}}}";
    stream.chunk_delay_ms = 20;
    fx_init(&f, true, false);
    f.cfg.token = strdup(TOKEN);
    fx_client(&f);
    ts_push(f.srv, &stream);
    {
        const char *kv[] = {"watch", "1", "resourceVersion", "100",
                            "labelSelector", "app=web,tier in (a,b)", NULL};
        char *path = kube_path_query("/api/v1/namespaces/d/pods", kv);

        ws.w = kube_watch_start(f.c, path, NULL, on_event, on_watch_done, &ws, &e);
        free(path);
    }
    assert_non_null(ws.w);
    run_until(f.base, &ws.done, 1, 5000);
    assert_int_equal(ws.done, 1);
    assert_int_equal(ws.events, 4);
    assert_string_equal(ws.types[0], "ADDED");
    assert_string_equal(ws.types[1], "MODIFIED");
    assert_string_equal(ws.types[2], "DELETED");
    assert_string_equal(ws.names[2], "b");       /* split across chunks */
    assert_string_equal(ws.types[3], "BOOKMARK"); /* last line, no newline */
    assert_int_equal(ws.status, 200);
    assert_int_equal(ws.code, HPA_OK);
    target = ts_req_target(f.srv, 0);
    assert_string_equal(target, "/api/v1/namespaces/d/pods?watch=1&resourceVersion=100"
                                "&labelSelector=app%3Dweb%2Ctier%20in%20%28a%2Cb%29");
    free(target);

    /* 410 Gone: the caller learns it must relist */
    memset(&ws, 0, sizeof(ws));
    ts_push(f.srv, &gone);
    ws.w = kube_watch_start(f.c, "/api/v1/pods?watch=1&resourceVersion=1", NULL,
                            on_event, on_watch_done, &ws, &e);
    run_until(f.base, &ws.done, 1, 5000);
    assert_int_equal(ws.status, 410);
    assert_int_equal(ws.code, HPA_EAPI);
    assert_int_equal(ws.events, 0);
    fx_free(&f);
}

static void test_watch_cancel(void **state)
{
    fixture f;
    watch_state ws = {0}, ws2 = {0};
    ts_response stream = {0};
    hpa_err e;
    result r;

    (void)state;
    stream.action = TS_STREAM;
    stream.chunks[0] = "{\"type\":\"ADDED\",\"object\":{}}\n{\"type\":\"ADDED\",\"object\":{}}\n";
    stream.chunks[1] = "{\"type\":\"ADDED\",\"object\":{}}\n";
    stream.chunk_delay_ms = 50;
    stream.hold_open = true;
    fx_init(&f, true, false);
    fx_client(&f);
    /* cancelled from inside its own event callback */
    ts_push(f.srv, &stream);
    ws.cancel_after = 1;
    ws.w = kube_watch_start(f.c, "/api/v1/pods?watch=1", NULL, on_event,
                            on_watch_done, &ws, &e);
    /* cancelled from outside while the server holds the stream open */
    ts_push(f.srv, &stream);
    ws2.w = kube_watch_start(f.c, "/api/v1/pods?watch=1", NULL, on_event,
                             on_watch_done, &ws2, &e);
    run_until(f.base, &ws2.events, 3, 3000);
    assert_int_equal(ws2.events, 3);
    kube_watch_cancel(ws2.w);
    /* the loop goes on; neither watch reports again */
    get(&f, "/api", NULL, &r);
    run_until(f.base, &r.done, 1, 3000);
    assert_int_equal(r.code, HPA_OK);
    assert_int_equal(ws.events, 1);
    assert_int_equal(ws.done, 0);
    assert_int_equal(ws2.events, 3);
    assert_int_equal(ws2.done, 0);
    fx_free(&f);
}

/* ---- discovery and URLs ------------------------------------------------- */

typedef struct disc_result {
    int done;
    char resource[64], api_version[64];
    bool namespaced;
    hpa_errcode code;
    char msg[HPA_ERR_MSG_MAX];
} disc_result;

static void on_disc(const kube_resource *r, const hpa_err *err, void *arg)
{
    disc_result *d = arg;

    d->done++;
    d->code = err ? err->code : HPA_OK;
    if (err)
        snprintf(d->msg, sizeof(d->msg), "%s", err->msg);
    if (r) {
        snprintf(d->resource, sizeof(d->resource), "%s", r->resource);
        snprintf(d->api_version, sizeof(d->api_version), "%s", r->api_version);
        d->namespaced = r->namespaced;
    }
}

static void test_discovery(void **state)
{
    fixture f;
    ts_response apps = json_reply(200,
        "{\"kind\":\"APIResourceList\",\"groupVersion\":\"apps/v1\",\"resources\":["
        "{\"name\":\"deployments\",\"kind\":\"Deployment\",\"namespaced\":true},"
        "{\"name\":\"deployments/scale\",\"kind\":\"Scale\",\"group\":\"autoscaling\",\"namespaced\":true},"
        "{\"name\":\"deployments/status\",\"kind\":\"Deployment\",\"namespaced\":true},"
        "{\"name\":\"controllerrevisions\",\"kind\":\"ControllerRevision\",\"namespaced\":true}]}");
    ts_response argo = json_reply(200,
        "{\"resources\":[{\"name\":\"rollouts\",\"kind\":\"Rollout\",\"namespaced\":true},"
        "{\"name\":\"rollouts/scale\",\"kind\":\"Scale\",\"namespaced\":true}]}");
    disc_result d = {0};
    hpa_err e;
    char *target, *path;
    kube_resource res;

    (void)state;
    fx_init(&f, true, false);
    fx_client(&f);
    ts_push(f.srv, &apps);
    assert_int_equal(kube_discover_scale(f.c, "apps/v1", "Deployment", on_disc, &d, &e),
                     HPA_OK);
    run_until(f.base, &d.done, 1, 5000);
    assert_int_equal(d.code, HPA_OK);
    assert_string_equal(d.resource, "deployments");
    assert_true(d.namespaced);
    target = ts_req_target(f.srv, 0);
    assert_string_equal(target, "/apis/apps/v1");
    free(target);

    /* cached: no second request, callback still from the loop */
    memset(&d, 0, sizeof(d));
    assert_int_equal(kube_discover_scale(f.c, "apps/v1", "Deployment", on_disc, &d, &e),
                     HPA_OK);
    assert_int_equal(d.done, 0);
    run_until(f.base, &d.done, 1, 5000);
    assert_string_equal(d.resource, "deployments");
    assert_int_equal(ts_nrequests(f.srv), 1);

    /* a kind without a scale subresource */
    ts_push(f.srv, &apps);
    memset(&d, 0, sizeof(d));
    assert_int_equal(kube_discover_scale(f.c, "apps/v1", "ControllerRevision", on_disc,
                                         &d, &e), HPA_OK);
    run_until(f.base, &d.done, 1, 5000);
    assert_int_equal(d.code, HPA_EUNSUPPORTED);
    assert_non_null(strstr(d.msg, "no scale subresource"));

    /* an unknown kind */
    ts_push(f.srv, &apps);
    memset(&d, 0, sizeof(d));
    assert_int_equal(kube_discover_scale(f.c, "apps/v1", "Nope", on_disc, &d, &e), HPA_OK);
    run_until(f.base, &d.done, 1, 5000);
    assert_int_equal(d.code, HPA_ENOTFOUND);

    /* a custom resource (Argo Rollouts) */
    ts_push(f.srv, &argo);
    memset(&d, 0, sizeof(d));
    assert_int_equal(kube_discover_scale(f.c, "argoproj.io/v1alpha1", "Rollout", on_disc,
                                         &d, &e), HPA_OK);
    run_until(f.base, &d.done, 1, 5000);
    assert_string_equal(d.resource, "rollouts");
    res = (kube_resource){"argoproj.io/v1alpha1", "Rollout", "rollouts", true};
    path = kube_scale_path(&res, "prod", "web");
    assert_string_equal(path, "/apis/argoproj.io/v1alpha1/namespaces/prod/rollouts/web/scale");
    free(path);
    res = (kube_resource){"v1", "ReplicationController", "replicationcontrollers", true};
    path = kube_scale_path(&res, "d", "rc");
    assert_string_equal(path, "/api/v1/namespaces/d/replicationcontrollers/rc/scale");
    free(path);

    /* core group: /api/v1 */
    ts_push(f.srv, &apps);
    memset(&d, 0, sizeof(d));
    assert_int_equal(kube_discover_scale(f.c, "v1", "ReplicationController", on_disc,
                                         &d, &e), HPA_OK);
    run_until(f.base, &d.done, 1, 5000);
    target = ts_req_target(f.srv, ts_nrequests(f.srv) - 1);
    assert_string_equal(target, "/api/v1");
    free(target);
    fx_free(&f);
}

static void test_url_building(void **state)
{
    static const struct {
        const char *path;
        const char *kv[7];
        const char *want;
    } cases[] = {
        {"/api/v1/pods", {"labelSelector", "app=web", NULL}, "/api/v1/pods?labelSelector=app%3Dweb"},
        {"/api/v1/pods", {"fieldSelector", "status.phase!=Failed", "limit", "500", NULL},
         "/api/v1/pods?fieldSelector=status.phase%21%3DFailed&limit=500"},
        {"/api/v1/pods?watch=1", {"resourceVersion", "12", NULL},
         "/api/v1/pods?watch=1&resourceVersion=12"},
        {"/api/v1/pods", {"labelSelector", NULL, "limit", "1", NULL}, "/api/v1/pods?limit=1"},
        {"/api/v1/pods", {NULL}, "/api/v1/pods"},
        {"/x", {"q", "a b/c&d=e~_-.", NULL}, "/x?q=a%20b%2Fc%26d%3De~_-."},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *p = kube_path_query(cases[i].path, cases[i].kv);

        if (strcmp(p, cases[i].want) != 0)
            fail_msg("case %zu: %s, want %s", i, p, cases[i].want);
        free(p);
    }
}

static void test_bad_requests(void **state)
{
    fixture f;
    result r;
    hpa_err e;
    kube_config bad = {0};

    (void)state;
    fx_init(&f, true, false);
    fx_client(&f);
    assert_int_equal(kube_request(f.c, "GET", "api", NULL, NULL, NULL, on_resp, &r, &e),
                     HPA_EINVAL);
    assert_non_null(strstr(e.msg, "must start with '/'"));
    fx_free(&f);
    assert_null(kube_client_new(NULL, &bad, NULL, &e));
    assert_int_equal(e.code, HPA_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_https_ca_and_token),
        cmocka_unit_test(test_wrong_ca),
        cmocka_unit_test(test_insecure_skip_verify),
        cmocka_unit_test(test_tls_server_name),
        cmocka_unit_test(test_client_cert),
        cmocka_unit_test(test_basic_auth),
        cmocka_unit_test(test_401_refreshes_token_file),
        cmocka_unit_test(test_proxy_url),
        cmocka_unit_test(test_retry_5xx),
        cmocka_unit_test(test_non_idempotent_not_retried),
        cmocka_unit_test(test_conflict_returned),
        cmocka_unit_test(test_429_retry_after),
        cmocka_unit_test(test_timeout),
        cmocka_unit_test(test_reset_and_cut),
        cmocka_unit_test(test_connection_refused),
        cmocka_unit_test(test_keepalive_and_parallel),
        cmocka_unit_test(test_rate_limit),
        cmocka_unit_test(test_watch_stream),
        cmocka_unit_test(test_watch_cancel),
        cmocka_unit_test(test_discovery),
        cmocka_unit_test(test_url_building),
        cmocka_unit_test(test_bad_requests),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);

    hpa_strbuf_free(&logbuf);
    return rc;
}
