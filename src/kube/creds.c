/*
 * creds.c - token files and exec credential plugins (see creds.h).
 */
#include "kube/creds.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hpa/timeutil.h"

extern char **environ;

#define EXEC_MAX_OUTPUT (1u << 20)

struct kube_creds {
    const kube_config *cfg;
    long exec_timeout_ms;
    /* token file */
    char *file_token;
    bool file_read;              /* read at least once */
    int64_t file_read_mono;      /* when */
    /* exec plugin */
    bool exec_valid;
    char *exec_token;
    unsigned char *exec_cert, *exec_key;
    size_t exec_cert_len, exec_key_len;
    int64_t exec_expiry;         /* wall ms, 0 = until invalidated */
    unsigned exec_runs;
};

kube_creds *kube_creds_new(const kube_config *cfg)
{
    kube_creds *c = calloc(1, sizeof(*c));

    if (!c)
        return NULL;
    c->cfg = cfg;
    c->exec_timeout_ms = KUBE_EXEC_TIMEOUT_MS;
    return c;
}

static void exec_clear(kube_creds *c)
{
    kube_secret_free_str(c->exec_token);
    free(c->exec_cert);
    kube_secret_free(c->exec_key, c->exec_key_len);
    c->exec_token = NULL;
    c->exec_cert = c->exec_key = NULL;
    c->exec_cert_len = c->exec_key_len = 0;
    c->exec_valid = false;
    c->exec_expiry = 0;
}

void kube_creds_free(kube_creds *c)
{
    if (!c)
        return;
    exec_clear(c);
    kube_secret_free_str(c->file_token);
    free(c);
}

void kube_creds_set_exec_timeout(kube_creds *c, long timeout_ms)
{
    c->exec_timeout_ms = timeout_ms > 0 ? timeout_ms : KUBE_EXEC_TIMEOUT_MS;
}

unsigned kube_creds_exec_runs(const kube_creds *c)
{
    return c->exec_runs;
}

int kube_creds_invalidate(kube_creds *c)
{
    int refreshable = 0;

    if (c->cfg->exec) {
        exec_clear(c);
        refreshable = 1;
    }
    if (c->cfg->token_file) {
        c->file_read = false;
        refreshable = 1;
    }
    return refreshable;
}

/* UPSTREAM: transport.cachingTokenSource - the token file is re-read at
 * most once per period; a failed read keeps the previous token. */
static hpa_errcode refresh_token_file(kube_creds *c, int64_t mono_ms, hpa_err *e)
{
    char *t;
    size_t n;

    if (c->file_read && mono_ms - c->file_read_mono < KUBE_TOKEN_FILE_PERIOD_MS)
        return HPA_OK;
    t = kube_read_file(c->cfg->token_file, &n);
    if (!t) {
        if (c->file_token) {
            c->file_read = true;
            c->file_read_mono = mono_ms;
            return HPA_OK;
        }
        return hpa_err_set(e, HPA_EIO, NULL, "cannot read token file %s: %s",
                           c->cfg->token_file, strerror(errno));
    }
    while (n > 0 && (t[n - 1] == '\n' || t[n - 1] == '\r' || t[n - 1] == ' '))
        t[--n] = '\0';
    kube_secret_free_str(c->file_token);
    c->file_token = t;
    c->file_read = true;
    c->file_read_mono = mono_ms;
    return HPA_OK;
}

/* ---- exec plugin ------------------------------------------------------- */

static char *exec_info(const kube_config *cfg)
{
    const kube_exec_config *x = cfg->exec;
    json_t *root, *spec, *cl;
    char *s = NULL, *ca;

    root = json_pack("{s:s, s:s, s:{s:b}}", "kind", "ExecCredential",
                     "apiVersion", x->api_version, "spec", "interactive", 0);
    if (!root)
        return NULL;
    spec = json_object_get(root, "spec");
    if (x->provide_cluster_info) {
        cl = json_pack("{s:s}", "server", cfg->server);
        if (!cl)
            goto out;
        json_object_set_new(spec, "cluster", cl);
        if (cfg->tls_server_name)
            json_object_set_new(cl, "tls-server-name",
                                json_string(cfg->tls_server_name));
        if (cfg->insecure_skip_tls_verify)
            json_object_set_new(cl, "insecure-skip-tls-verify", json_true());
        if (cfg->proxy_url)
            json_object_set_new(cl, "proxy-url", json_string(cfg->proxy_url));
        if (cfg->ca_pem) {
            ca = kube_base64_encode(cfg->ca_pem, cfg->ca_len);
            if (!ca)
                goto out;
            json_object_set_new(cl, "certificate-authority-data",
                                json_string(ca));
            free(ca);
        }
    }
    s = json_dumps(root, JSON_COMPACT);
out:
    json_decref(root);
    return s;
}

/* environ, minus the names the plugin config sets, plus those. */
static char **exec_envp(const kube_exec_config *x, const char *info)
{
    size_t n = 0, k = 0, first_own;
    char **env;

    while (environ && environ[n])
        n++;
    env = calloc(n + x->nenv + 2, sizeof(char *));
    if (!env)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        bool overridden = strncmp(environ[i], "KUBERNETES_EXEC_INFO=", 21) == 0;

        for (size_t j = 0; j < x->nenv && !overridden; j++) {
            size_t l = strlen(x->env[j].name);

            overridden = strncmp(environ[i], x->env[j].name, l) == 0 &&
                         environ[i][l] == '=';
        }
        if (!overridden)
            env[k++] = environ[i];
    }
    first_own = k;
    for (size_t j = 0; j < x->nenv; j++) {
        char *kv = malloc(strlen(x->env[j].name) + strlen(x->env[j].value) + 2);

        if (!kv)
            goto fail;
        sprintf(kv, "%s=%s", x->env[j].name, x->env[j].value);
        env[k++] = kv;
    }
    env[k] = malloc(strlen(info) + 32);
    if (!env[k])
        goto fail;
    sprintf(env[k], "KUBERNETES_EXEC_INFO=%s", info);
    return env;
fail:
    for (size_t i = first_own; i < k; i++)
        kube_secret_free_str(env[i]);
    free(env);
    return NULL;
}

static void exec_envp_free(char **env, const kube_exec_config *x)
{
    size_t n = 0;

    if (!env)
        return;
    while (env[n])
        n++;
    /* The last nenv + 1 entries are ours. */
    for (size_t i = n - x->nenv - 1; i < n; i++)
        kube_secret_free_str(env[i]);
    free(env);
}

static int64_t mono_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Run the plugin, collect stdout. Returns the output (heap) or NULL with
 * `e` filled. stderr goes to our stderr, as kubectl does. */
static char *exec_run(kube_creds *c, size_t *outlen, hpa_err *e)
{
    const kube_exec_config *x = c->cfg->exec;
    posix_spawn_file_actions_t fa;
    char **argv = NULL, **envp = NULL, *info = NULL, *buf = NULL;
    size_t len = 0, cap = 0;
    int pipefd[2] = {-1, -1}, status = 0, rc;
    pid_t pid = -1;
    bool fa_init = false, timed_out = false;
    int64_t deadline = mono_now_ms() + c->exec_timeout_ms;

    info = exec_info(c->cfg);
    envp = info ? exec_envp(x, info) : NULL;
    argv = calloc(x->nargs + 2, sizeof(char *));
    if (!info || !envp || !argv) {
        hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
        goto out;
    }
    argv[0] = x->command;
    for (size_t i = 0; i < x->nargs; i++)
        argv[i + 1] = x->args[i];
    if (pipe(pipefd) != 0 || fcntl(pipefd[0], F_SETFD, FD_CLOEXEC) != 0 ||
        fcntl(pipefd[1], F_SETFD, FD_CLOEXEC) != 0) {
        hpa_err_set(e, HPA_EIO, NULL, "exec plugin %s: pipe: %s", x->command,
                    strerror(errno));
        goto out;
    }
    posix_spawn_file_actions_init(&fa);
    fa_init = true;
    posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
    posix_spawn_file_actions_addopen(&fa, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    rc = posix_spawnp(&pid, x->command, &fa, NULL, argv, envp);
    close(pipefd[1]);
    pipefd[1] = -1;
    if (rc != 0) {
        pid = -1;
        hpa_err_set(e, HPA_EIO, NULL, "exec plugin: cannot run %s: %s%s%s",
                    x->command, strerror(rc), x->install_hint ? "\n" : "",
                    x->install_hint ? x->install_hint : "");
        goto out;
    }
    c->exec_runs++;
    for (;;) {
        struct pollfd pfd = {pipefd[0], POLLIN, 0};
        int64_t left = deadline - mono_now_ms();
        ssize_t r;

        if (left <= 0) {
            timed_out = true;
            break;
        }
        rc = poll(&pfd, 1, (int)(left > 1000 ? 1000 : left));
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc <= 0)
            continue;
        if (cap - len < 4096) {
            char *nb;

            if (cap >= EXEC_MAX_OUTPUT) {
                hpa_err_set(e, HPA_EIO, NULL,
                            "exec plugin %s: output larger than 1 MiB",
                            x->command);
                kill(pid, SIGKILL);
                goto reap;
            }
            nb = realloc(buf, (cap ? cap * 2 : 8192) + 1);
            if (!nb) {
                hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
                kill(pid, SIGKILL);
                goto reap;
            }
            buf = nb;
            cap = cap ? cap * 2 : 8192;
        }
        r = read(pipefd[0], buf + len, cap - len);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        len += (size_t)r;
    }
    if (timed_out) {
        kill(pid, SIGKILL);
        hpa_err_set(e, HPA_ETIMEOUT, NULL,
                    "exec plugin %s did not finish within %ld ms", x->command,
                    c->exec_timeout_ms);
    }
reap:
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    pid = -1;
    if (e && e->code != HPA_OK)
        goto out;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        hpa_err_set(e, HPA_EIO, NULL, "exec plugin %s failed (%s %d)",
                    x->command, WIFEXITED(status) ? "exit status" : "signal",
                    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        goto out;
    }
    if (!buf) {
        hpa_err_set(e, HPA_EIO, NULL, "exec plugin %s printed nothing",
                    x->command);
        goto out;
    }
    buf[len] = '\0';
    *outlen = len;
    if (pipefd[0] >= 0)
        close(pipefd[0]);
    if (fa_init)
        posix_spawn_file_actions_destroy(&fa);
    free(argv);
    exec_envp_free(envp, x);
    free(info);
    return buf;
out:
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
    }
    if (pipefd[0] >= 0)
        close(pipefd[0]);
    if (pipefd[1] >= 0)
        close(pipefd[1]);
    if (fa_init)
        posix_spawn_file_actions_destroy(&fa);
    free(argv);
    exec_envp_free(envp, x);
    free(info);
    kube_secret_free(buf, cap);
    return NULL;
}

static hpa_errcode exec_parse(kube_creds *c, const char *out, size_t len,
                              hpa_err *e)
{
    const kube_exec_config *x = c->cfg->exec;
    json_t *root, *st;
    const char *kind, *av, *tok, *cert, *key, *exp;
    hpa_errcode rc = HPA_OK;

    /* The output holds the secret: jansson's error text (which may quote
     * it) is not passed on. */
    root = json_loadb(out, len, 0, NULL);
    if (!json_is_object(root)) {
        rc = hpa_err_set(e, HPA_ESYNTAX, NULL,
                         "exec plugin %s: output is not a JSON object",
                         x->command);
        goto out;
    }
    kind = json_string_value(json_object_get(root, "kind"));
    av = json_string_value(json_object_get(root, "apiVersion"));
    if (!kind || strcmp(kind, "ExecCredential") != 0) {
        rc = hpa_err_set(e, HPA_EINVAL, "kind",
                         "exec plugin %s: output is not an ExecCredential",
                         x->command);
        goto out;
    }
    /* UPSTREAM: exec.Authenticator - the plugin must answer in the
     * apiVersion it was asked for. */
    if (!av || strcmp(av, x->api_version) != 0) {
        rc = hpa_err_set(e, HPA_EINVAL, "apiVersion",
                         "exec plugin %s: ExecCredential apiVersion %s does "
                         "not match %s", x->command, av ? av : "(none)",
                         x->api_version);
        goto out;
    }
    st = json_object_get(root, "status");
    if (!json_is_object(st)) {
        rc = hpa_err_set(e, HPA_EMISSING, "status",
                         "exec plugin %s: ExecCredential has no status",
                         x->command);
        goto out;
    }
    tok = json_string_value(json_object_get(st, "token"));
    cert = json_string_value(json_object_get(st, "clientCertificateData"));
    key = json_string_value(json_object_get(st, "clientKeyData"));
    exp = json_string_value(json_object_get(st, "expirationTimestamp"));
    if (tok && !*tok)
        tok = NULL;
    if ((cert && *cert) != (key && *key)) {
        rc = hpa_err_set(e, HPA_EMISSING,
                         cert ? "status.clientKeyData" : "status.clientCertificateData",
                         "exec plugin %s: clientCertificateData and "
                         "clientKeyData must both be present", x->command);
        goto out;
    }
    if (!tok && !(cert && *cert)) {
        rc = hpa_err_set(e, HPA_EMISSING, "status.token",
                         "exec plugin %s: ExecCredential has neither a token "
                         "nor a client certificate", x->command);
        goto out;
    }
    exec_clear(c);
    if (exp && *exp) {
        hpa_time_t t;
        hpa_err te;

        if (hpa_time_parse(exp, &t, &te) != HPA_OK) {
            rc = hpa_err_set(e, HPA_EINVAL, "status.expirationTimestamp",
                             "exec plugin %s: status.expirationTimestamp: %s",
                             x->command, te.msg);
            goto out;
        }
        c->exec_expiry = t;
    }
    if (tok && !(c->exec_token = strdup(tok)))
        goto nomem;
    if (cert && *cert) {
        c->exec_cert_len = strlen(cert);
        c->exec_key_len = strlen(key);
        c->exec_cert = (unsigned char *)strdup(cert);
        c->exec_key = (unsigned char *)strdup(key);
        if (!c->exec_cert || !c->exec_key)
            goto nomem;
    }
    c->exec_valid = true;
    goto out;
nomem:
    exec_clear(c);
    rc = hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
out:
    json_decref(root);
    return rc;
}

static hpa_errcode refresh_exec(kube_creds *c, int64_t wall_ms, hpa_err *e)
{
    const kube_exec_config *x = c->cfg->exec;
    char *out;
    size_t len = 0;
    hpa_errcode rc;

    if (c->exec_valid && (c->exec_expiry == 0 || wall_ms < c->exec_expiry))
        return HPA_OK;
    if (strcmp(x->interactive_mode, "Always") == 0)
        return hpa_err_set(e, HPA_EUNSUPPORTED, NULL,
                           "exec plugin %s needs an interactive terminal "
                           "(interactiveMode: Always); a daemon has none",
                           x->command);
    out = exec_run(c, &len, e);
    if (!out)
        return e ? e->code : HPA_EIO;
    rc = exec_parse(c, out, len, e);
    kube_secret_free(out, len);
    return rc;
}

hpa_errcode kube_creds_get(kube_creds *c, int64_t wall_ms, int64_t mono_ms,
                           kube_auth *out, hpa_err *e)
{
    const kube_config *cfg = c->cfg;
    hpa_errcode rc;

    memset(out, 0, sizeof(*out));
    hpa_err_clear(e);
    out->token = cfg->token;
    out->cert_pem = cfg->cert_pem;
    out->cert_len = cfg->cert_len;
    out->key_pem = cfg->key_pem;
    out->key_len = cfg->key_len;
    out->username = cfg->username;
    out->password = cfg->password;
    if (cfg->token_file) {
        if ((rc = refresh_token_file(c, mono_ms, e)))
            return rc;
        if (c->file_token && *c->file_token)
            out->token = c->file_token;
    }
    if (cfg->exec) {
        if ((rc = refresh_exec(c, wall_ms, e)))
            return rc;
        if (c->exec_token)
            out->token = c->exec_token;
        if (c->exec_cert) {
            out->cert_pem = c->exec_cert;
            out->cert_len = c->exec_cert_len;
            out->key_pem = c->exec_key;
            out->key_len = c->exec_key_len;
        }
    }
    return HPA_OK;
}
