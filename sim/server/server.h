/*
 * server.h - the sim-server's transport: libevent's evhttp (HTTPS through
 * bufferevent_openssl), bearer-token authentication, fault injection,
 * watch streams, and the timer that advances simulated time.
 *
 * Simulated time is speed x (real time elapsed since sims_server_run
 * started), read from the monotonic clock every 100 ms; the world is
 * advanced to it and watchers get what changed.
 *
 * Ownership: the server borrows the world and the faults (both must
 * outlive it) and owns its event base, listener, TLS context and watchers
 * (sims_server_free). Does network I/O, reads the clock, installs SIGTERM
 * and SIGINT handlers on its event base while running.
 */
#ifndef SIMS_SERVER_H
#define SIMS_SERVER_H

#include <stdbool.h>

#include "hpa/error.h"
#include "server/faults.h"
#include "server/world.h"

typedef struct sims_server_opts {
    const char *host;               /* "127.0.0.1" */
    int port;                       /* 0 = a free port */
    const char *cert_pem;           /* TLS when not NULL */
    const char *key_pem;
    const char *token;              /* NULL = no authentication */
    double speed;                   /* simulated seconds per real second */
    bool verbose;                   /* log every request on stderr */
} sims_server_opts;

typedef struct sims_server sims_server;

sims_server *sims_server_new(sims_world *w, sims_faults *faults, const sims_server_opts *o,
                             hpa_err *e);
int sims_server_port(const sims_server *s);
/* Serve until SIGTERM or SIGINT. */
hpa_errcode sims_server_run(sims_server *s, hpa_err *e) HPA_WUR;
void sims_server_free(sims_server *s);

#endif
