/*
 * creds.h - the credentials a request carries, kept fresh.
 *
 * A kube_config says where credentials come from; this module turns that
 * into what to send right now:
 *   - a static token, or a token file re-read at most once a minute (the
 *     kubelet rotates projected service-account tokens; a failed re-read
 *     keeps the last good token, as client-go does);
 *   - an exec credential plugin (client.authentication.k8s.io v1/v1beta1),
 *     run with its args and env plus KUBERNETES_EXEC_INFO, its
 *     ExecCredential cached until status.expirationTimestamp (or until a
 *     401 calls kube_creds_invalidate());
 *   - client certificates and basic auth, passed through.
 *
 * Running the plugin blocks the caller (fork/exec and reading its stdout,
 * bounded by a timeout); it happens once per credential lifetime.
 *
 * Ownership: kube_creds borrows the kube_config, which must outlive it.
 * The kube_auth filled by kube_creds_get() points into the kube_creds and
 * stays valid until the next kube_creds_get()/invalidate()/free(). Times
 * are passed in (wall clock ms for expiry, monotonic ms for the token file
 * period). Secrets never appear in an error message.
 */
#ifndef HPA_KUBE_CREDS_H
#define HPA_KUBE_CREDS_H

#include <stddef.h>
#include <stdint.h>

#include "hpa/error.h"
#include "kube/kubeconfig.h"

typedef struct kube_creds kube_creds;

typedef struct kube_auth {
    const char *token;             /* bearer token or NULL */
    const unsigned char *cert_pem; /* client certificate or NULL */
    size_t cert_len;
    const unsigned char *key_pem;
    size_t key_len;
    const char *username;          /* basic auth or NULL */
    const char *password;
} kube_auth;

#define KUBE_TOKEN_FILE_PERIOD_MS 60000
#define KUBE_EXEC_TIMEOUT_MS 30000

kube_creds *kube_creds_new(const kube_config *cfg);
void kube_creds_free(kube_creds *c);

/* Plugin run time limit (default KUBE_EXEC_TIMEOUT_MS). */
void kube_creds_set_exec_timeout(kube_creds *c, long timeout_ms);

/* The credentials to send now. `wall_ms` is Unix time in ms (exec
 * expiry), `mono_ms` a monotonic clock in ms (token file period). */
hpa_errcode kube_creds_get(kube_creds *c, int64_t wall_ms, int64_t mono_ms,
                           kube_auth *out, hpa_err *e) HPA_WUR;

/* Forget cached plugin output and force a token-file re-read: the server
 * answered 401. Returns 1 when something refreshable was dropped (a retry
 * may help), 0 when the credentials are static. */
int kube_creds_invalidate(kube_creds *c);

/* Number of times the exec plugin has run (for tests and metrics). */
unsigned kube_creds_exec_runs(const kube_creds *c);

#endif
