/*
 * testserver.h - a scriptable HTTP/1.1 (optionally HTTPS) server for tests.
 *
 * Listens on 127.0.0.1 on a free port and runs its own event_base in a
 * thread, so the code under test can run its loop (or block) on the main
 * thread. With TLS it makes, at start, a throw-away CA and a server
 * certificate (SANs 127.0.0.1, localhost, kubernetes.test) and a client
 * certificate (CN "test-client") signed by the same CA, all with the
 * OpenSSL API (no openssl CLI).
 *
 * Responses are scripted in FIFO order (ts_push); when the script is empty
 * the default response is sent (200 with "{}" unless ts_set_default).
 * A response can be delayed, can reset the connection without answering,
 * can close it in the middle of the body, or can stream a chunked body
 * (one chunk per entry, e.g. watch events) with a pause between chunks.
 * Every request is recorded (method, target, headers, body, the TLS client
 * certificate's CN, and which connection carried it).
 *
 * It is written directly on bufferevents (plain or OpenSSL) rather than
 * evhttp so that a test can break a connection at any byte.
 *
 * Ownership: ts_* getters return heap copies the caller frees; strings in
 * a ts_response are copied by ts_push. Thread-safe between the test thread
 * and the server thread.
 */
#ifndef HPA_TESTS_TESTSERVER_H
#define HPA_TESTS_TESTSERVER_H

#include <stdbool.h>
#include <stddef.h>

typedef struct ts_server ts_server;

typedef enum {
    TS_REPLY = 0,      /* status, headers, body */
    TS_RESET,          /* close the connection without answering */
    TS_CLOSE_MID,      /* headers and half of the body, then close */
    TS_STREAM,         /* chunked body: `chunks`, then end (or hold) */
} ts_action;

#define TS_MAX_HEADERS 8
#define TS_MAX_CHUNKS 16

typedef struct ts_response {
    ts_action action;
    int status;                         /* 0 -> 200 */
    const char *headers[TS_MAX_HEADERS]; /* "Name: value"; NULL-terminated */
    const char *body;                   /* NULL -> "" */
    int delay_ms;                       /* before anything is sent */
    const char *chunks[TS_MAX_CHUNKS];  /* TS_STREAM, NULL-terminated */
    int chunk_delay_ms;                 /* pause between chunks */
    bool hold_open;                     /* TS_STREAM: do not end the body */
} ts_response;

typedef struct ts_opts {
    bool tls;
    bool require_client_cert;           /* TLS: reject clients without one */
} ts_opts;

ts_server *ts_start(const ts_opts *o);
void ts_stop(ts_server *s);

int ts_port(const ts_server *s);
/* "https://127.0.0.1:PORT" or "http://..." (static in the server). */
const char *ts_url(const ts_server *s);
/* PEM strings owned by the server. */
const char *ts_ca_pem(const ts_server *s);
const char *ts_client_cert_pem(const ts_server *s);
const char *ts_client_key_pem(const ts_server *s);

void ts_push(ts_server *s, const ts_response *r);
void ts_set_default(ts_server *s, const ts_response *r);

/* Recorded requests. */
size_t ts_nrequests(ts_server *s);
/* Copies (heap, caller frees); NULL when i is out of range or absent. */
char *ts_req_method(ts_server *s, size_t i);
char *ts_req_target(ts_server *s, size_t i);
char *ts_req_header(ts_server *s, size_t i, const char *name);
char *ts_req_headers(ts_server *s, size_t i);   /* all, "Name: value\n" */
char *ts_req_body(ts_server *s, size_t i);
char *ts_req_client_cn(ts_server *s, size_t i);
int ts_req_conn(ts_server *s, size_t i);        /* connection number, 1-based */
/* Connections accepted so far. */
int ts_nconnections(ts_server *s);

/* A CA unrelated to any server (PEM, heap), for "wrong CA" tests. */
char *ts_make_unrelated_ca_pem(void);

/* A free TCP port on 127.0.0.1 with nothing listening (best effort). */
int ts_free_port(void);

#endif
