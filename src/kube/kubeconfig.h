/*
 * kubeconfig.h - where the API server is and how to authenticate to it,
 * found exactly as kubectl finds it.
 *
 * Order (client-go's deferred loading rules):
 *   1. an explicit path (--kubeconfig): that file only, it must exist;
 *   2. else $KUBECONFIG: a ':'-separated list, missing files skipped,
 *      merged with kubectl's rules (the first file to set a cluster, user or
 *      context name wins; current-context comes from the first file that
 *      sets it);
 *   3. else $HOME/.kube/config when it exists;
 *   4. else the in-cluster configuration when KUBERNETES_SERVICE_HOST and
 *      _PORT are set (service-account token, CA and namespace).
 * --context overrides current-context.
 *
 * Files are read with the project's document loader (YAML or JSON), so an
 * error names the file, the line and the field path:
 *   "/root/.kube/config:12:5: users[0].user.client-key-data: invalid base64".
 * Errors never contain a token, key or password.
 *
 * Ownership: a kube_config owns every string and buffer in it (heap); free
 * with kube_config_free(), which also wipes the secrets. Nothing here reads
 * the process environment or the clock: the environment comes in through
 * kube_config_opts (kube_config_opts_from_env() is the one exception, for
 * main()). Loading does file I/O.
 */
#ifndef HPA_KUBE_KUBECONFIG_H
#define HPA_KUBE_KUBECONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "hpa/error.h"

/* One `env` entry of an exec plugin. */
typedef struct kube_exec_env {
    char *name;
    char *value;
} kube_exec_env;

/* users[].user.exec: a client-go credential plugin. */
typedef struct kube_exec_config {
    char *api_version;        /* client.authentication.k8s.io/v1 or v1beta1 */
    char *command;            /* resolved against the kubeconfig's directory
                                 when it is a relative path with a '/' */
    char **args;              /* nargs strings */
    size_t nargs;
    kube_exec_env *env;       /* nenv entries, added to the inherited env */
    size_t nenv;
    char *install_hint;       /* may be NULL */
    bool provide_cluster_info;
    char *interactive_mode;   /* "Never", "IfAvailable", "Always" or NULL */
} kube_exec_config;

typedef struct kube_config {
    char *source;             /* file the context came from, or "in-cluster" */
    char *context;            /* context name ("" in-cluster) */
    char *cluster_name;
    char *user_name;
    char *namespace_;         /* context namespace, "default" when unset */

    char *server;             /* "https://host:port[/prefix]", no trailing '/' */
    unsigned char *ca_pem;    /* CA bundle (PEM) or NULL: system CAs */
    size_t ca_len;
    bool insecure_skip_tls_verify;
    char *tls_server_name;    /* NULL: the server URL's host */
    char *proxy_url;          /* NULL: no proxy (curl ignores *_proxy env) */

    char *token;              /* static bearer token or NULL */
    char *token_file;         /* re-read periodically; wins over `token`
                                 once read (client-go BearerTokenFile) */
    unsigned char *cert_pem;  /* client certificate (PEM) or NULL */
    size_t cert_len;
    unsigned char *key_pem;   /* client key (PEM) or NULL */
    size_t key_len;
    char *username;           /* basic auth, both or neither */
    char *password;
    kube_exec_config *exec;   /* NULL unless an exec plugin is configured */
    bool in_cluster;
} kube_config;

/* Everything the loader would otherwise take from the process. */
typedef struct kube_config_opts {
    const char *kubeconfig;   /* --kubeconfig, NULL or "" when not given */
    const char *kubeconfig_env; /* $KUBECONFIG, NULL when unset */
    const char *home;         /* $HOME, NULL when unset */
    const char *context;      /* --context, NULL or "" when not given */
    /* In-cluster fallback. */
    const char *service_host; /* $KUBERNETES_SERVICE_HOST */
    const char *service_port; /* $KUBERNETES_SERVICE_PORT */
    const char *pod_namespace; /* $POD_NAMESPACE, overrides the file */
    const char *sa_dir;       /* NULL: /var/run/secrets/kubernetes.io/serviceaccount */
} kube_config_opts;

#define KUBE_SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

/* Fill opts from getenv() (kubeconfig and context stay NULL). The strings
 * point into the environment. */
void kube_config_opts_from_env(kube_config_opts *o);

/* Resolve the configuration as described above into `out` (zeroed first).
 * On error `out` is left empty. */
hpa_errcode kube_config_load(const kube_config_opts *o, kube_config *out,
                             hpa_err *e) HPA_WUR;

/* Load from the given kubeconfig file list only (no in-cluster fallback):
 * `paths` as in $KUBECONFIG; `explicit_file` makes a missing file an
 * error. `context` may be NULL. */
hpa_errcode kube_config_load_files(const char *paths, bool explicit_file,
                                   const char *context, kube_config *out,
                                   hpa_err *e) HPA_WUR;

/* The in-cluster configuration from the service-account directory `sa_dir`
 * (NULL: KUBE_SA_DIR) and the service host/port. */
hpa_errcode kube_config_in_cluster(const char *sa_dir, const char *host,
                                   const char *port, const char *pod_namespace,
                                   kube_config *out, hpa_err *e) HPA_WUR;

void kube_config_free(kube_config *c);

/* ---- small helpers shared by the kube module ------------------------- */

/* Standard base64 (padding required, CR/LF ignored). Returns a heap buffer
 * (NUL-terminated for convenience, *outlen excludes it) or NULL on bad
 * input / out of memory (*bad set to true for bad input). */
unsigned char *kube_base64_decode(const char *in, size_t *outlen, bool *bad);
/* Heap NUL-terminated standard base64; NULL on out of memory. */
char *kube_base64_encode(const unsigned char *in, size_t len);

/* Read a whole file (heap, NUL-terminated; *len excludes the NUL). NULL
 * with errno set on failure. At most 16 MiB. */
char *kube_read_file(const char *path, size_t *len);

/* Overwrite then free (secrets). Both accept NULL. */
void kube_secret_free(void *p, size_t len);
void kube_secret_free_str(char *s);

#endif
