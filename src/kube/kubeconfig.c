/*
 * kubeconfig.c - kubectl's configuration rules (see kubeconfig.h).
 *
 * The files stay loaded (with their node positions) until the selected
 * context is resolved, so an error found while resolving a user that came
 * from the second file of $KUBECONFIG still names that file and line.
 */
#include "kube/kubeconfig.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "codec/codec.h"

#define KUBE_MAX_FILE (16u << 20)

/* ---- helpers ----------------------------------------------------------- */

void kube_secret_free(void *p, size_t len)
{
    if (!p)
        return;
    explicit_bzero(p, len);
    free(p);
}

void kube_secret_free_str(char *s)
{
    if (s)
        kube_secret_free(s, strlen(s));
}

char *kube_read_file(const char *path, size_t *len)
{
    FILE *f;
    char *buf = NULL, *nb;
    size_t cap = 0, n = 0, r;

    f = fopen(path, "rb");
    if (!f)
        return NULL;
    for (;;) {
        if (cap - n < 4096) {
            if (cap >= KUBE_MAX_FILE) {
                errno = EFBIG;
                goto fail;
            }
            cap = cap ? cap * 2 : 8192;
            nb = realloc(buf, cap + 1);
            if (!nb) {
                errno = ENOMEM;
                goto fail;
            }
            buf = nb;
        }
        r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) {
            if (ferror(f)) {
                errno = EIO;
                goto fail;
            }
            break;
        }
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
fail:
    fclose(f);
    kube_secret_free(buf, n);
    return NULL;
}

static int b64val(int c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

unsigned char *kube_base64_decode(const char *in, size_t *outlen, bool *bad)
{
    size_t n = strlen(in), o = 0, q = 0, pad = 0;
    unsigned char *out;
    unsigned v = 0;

    *bad = false;
    out = malloc(n / 4 * 3 + 4);
    if (!out)
        return NULL;
    /* Go's StdEncoding (what []byte fields use) skips CR and LF only. */
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)in[i], d;

        if (c == '\r' || c == '\n')
            continue;
        if (c == '=') {
            pad++;
            if (pad > 2 || q < 2)
                goto bad_input;
            q++;
            if (q == 4) {
                out[o++] = (unsigned char)(v >> 16);
                if (pad == 1)
                    out[o++] = (unsigned char)(v >> 8);
                q = 0;
            }
            continue;
        }
        if (pad)
            goto bad_input;
        d = b64val(c);
        if (d < 0)
            goto bad_input;
        v = (q == 0 ? 0 : v) | (unsigned)d << (18 - 6 * q);
        if (++q == 4) {
            out[o++] = (unsigned char)(v >> 16);
            out[o++] = (unsigned char)(v >> 8);
            out[o++] = (unsigned char)v;
            q = 0;
        }
    }
    if (q != 0)
        goto bad_input;
    out[o] = '\0';
    *outlen = o;
    return out;
bad_input:
    *bad = true;
    kube_secret_free(out, n / 4 * 3 + 4);
    return NULL;
}

char *kube_base64_encode(const unsigned char *in, size_t len)
{
    static const char tbl[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = malloc((len + 2) / 3 * 4 + 1), *p;

    if (!out)
        return NULL;
    p = out;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        size_t rem = len - i;

        if (rem > 1)
            v |= (unsigned)in[i + 1] << 8;
        if (rem > 2)
            v |= in[i + 2];
        *p++ = tbl[(v >> 18) & 63];
        *p++ = tbl[(v >> 12) & 63];
        *p++ = rem > 1 ? tbl[(v >> 6) & 63] : '=';
        *p++ = rem > 2 ? tbl[v & 63] : '=';
    }
    *p = '\0';
    return out;
}

void kube_config_opts_from_env(kube_config_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->kubeconfig_env = getenv("KUBECONFIG");
    o->home = getenv("HOME");
    o->service_host = getenv("KUBERNETES_SERVICE_HOST");
    o->service_port = getenv("KUBERNETES_SERVICE_PORT");
    o->pod_namespace = getenv("POD_NAMESPACE");
}

static void exec_free(kube_exec_config *x)
{
    if (!x)
        return;
    free(x->api_version);
    free(x->command);
    for (size_t i = 0; i < x->nargs; i++)
        free(x->args[i]);
    free(x->args);
    for (size_t i = 0; i < x->nenv; i++) {
        free(x->env[i].name);
        kube_secret_free_str(x->env[i].value);
    }
    free(x->env);
    free(x->install_hint);
    free(x->interactive_mode);
    free(x);
}

void kube_config_free(kube_config *c)
{
    if (!c)
        return;
    free(c->source);
    free(c->context);
    free(c->cluster_name);
    free(c->user_name);
    free(c->namespace_);
    free(c->server);
    free(c->ca_pem);
    free(c->tls_server_name);
    kube_secret_free_str(c->proxy_url);
    kube_secret_free_str(c->token);
    free(c->token_file);
    free(c->cert_pem);
    kube_secret_free(c->key_pem, c->key_len);
    free(c->username);
    kube_secret_free_str(c->password);
    exec_free(c->exec);
    memset(c, 0, sizeof(*c));
}

/* ---- the loader -------------------------------------------------------- */

typedef struct kc_file {
    char *path;
    char *dir;               /* for relative paths */
    hpa_docset set;
    const json_t *root;      /* NULL for an empty file */
} kc_file;

typedef struct kc_entry {
    const char *name;
    const json_t *obj;       /* the inner "cluster"/"user"/"context" */
    size_t file;
    char path[64];           /* "users[3]" */
} kc_entry;

typedef struct kc_list {
    kc_entry *v;
    size_t n, cap;
} kc_list;

typedef struct kc_loader {
    kc_file *files;
    size_t nfiles;
    kc_list clusters, users, contexts;
    const char *current;     /* borrowed from a file */
    size_t current_file;
    hpa_err *e;
} kc_loader;

static hpa_errcode oom(hpa_err *e)
{
    return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
}

/* An error at `path` inside file `fi`, with the line and column of the
 * node (or its nearest parent). */
static hpa_errcode HPA_PRINTF(5, 6)
kc_err(kc_loader *L, size_t fi, hpa_errcode code, const char *path,
       const char *fmt, ...)
{
    char msg[HPA_ERR_MSG_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    hpa_err_set(L->e, code, path, "%s", msg);
    if (!L->e)
        return code;
    if (fi < L->nfiles && L->files[fi].set.n > 0)
        hpa_doc_locate(&L->files[fi].set, 0, NULL, L->e);
    if (fi < L->nfiles && !L->e->file[0])
        snprintf(L->e->file, sizeof(L->e->file), "%s", L->files[fi].path);
    return code;
}

static void loader_free(kc_loader *L)
{
    for (size_t i = 0; i < L->nfiles; i++) {
        free(L->files[i].path);
        free(L->files[i].dir);
        hpa_docset_free(&L->files[i].set);
    }
    free(L->files);
    free(L->clusters.v);
    free(L->users.v);
    free(L->contexts.v);
}

static const kc_entry *list_find(const kc_list *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].name, name) == 0)
            return &l->v[i];
    return NULL;
}

/* UPSTREAM: clientcmd merge - the first file to define a name wins. */
static hpa_errcode merge_list(kc_loader *L, size_t fi, const char *key,
                              const char *inner, kc_list *l)
{
    const json_t *arr = json_object_get(L->files[fi].root, key);
    size_t i;
    json_t *item;

    if (!arr || json_is_null(arr))
        return HPA_OK;
    if (!json_is_array(arr))
        return kc_err(L, fi, HPA_ETYPE, key, "must be a list");
    json_array_foreach(arr, i, item) {
        char path[64];
        const json_t *name, *obj;

        snprintf(path, sizeof(path), "%s[%zu]", key, i);
        if (!json_is_object(item))
            return kc_err(L, fi, HPA_ETYPE, path, "must be a mapping");
        name = json_object_get(item, "name");
        if (!json_is_string(name) || !json_string_value(name)[0]) {
            char p2[80];

            snprintf(p2, sizeof(p2), "%s.name", path);
            return kc_err(L, fi, HPA_EMISSING, p2, "a name is required");
        }
        obj = json_object_get(item, inner);
        if (obj && !json_is_object(obj) && !json_is_null(obj)) {
            char p2[80];

            snprintf(p2, sizeof(p2), "%s.%s", path, inner);
            return kc_err(L, fi, HPA_ETYPE, p2, "must be a mapping");
        }
        if (list_find(l, json_string_value(name)))
            continue;
        if (l->n == l->cap) {
            size_t nc = l->cap ? l->cap * 2 : 8;
            kc_entry *nv = realloc(l->v, nc * sizeof(*nv));

            if (!nv)
                return oom(L->e);
            l->v = nv;
            l->cap = nc;
        }
        l->v[l->n].name = json_string_value(name);
        l->v[l->n].obj = json_is_object(obj) ? obj : NULL;
        l->v[l->n].file = fi;
        snprintf(l->v[l->n].path, sizeof(l->v[l->n].path), "%s", path);
        l->n++;
    }
    return HPA_OK;
}

static hpa_errcode add_file(kc_loader *L, const char *path, bool must_exist)
{
    kc_file *f, *nf;
    hpa_errcode rc;
    struct stat st;
    const char *slash;

    for (size_t i = 0; i < L->nfiles; i++)
        if (strcmp(L->files[i].path, path) == 0)
            return HPA_OK;       /* listed twice: the first one counts */
    if (stat(path, &st) != 0) {
        if (!must_exist && errno == ENOENT)
            return HPA_OK;
        hpa_err_set(L->e, HPA_EIO, NULL, "cannot read kubeconfig: %s",
                    strerror(errno));
        if (L->e)
            snprintf(L->e->file, sizeof(L->e->file), "%s", path);
        return HPA_EIO;
    }
    nf = realloc(L->files, (L->nfiles + 1) * sizeof(*nf));
    if (!nf)
        return oom(L->e);
    L->files = nf;
    f = &L->files[L->nfiles];
    memset(f, 0, sizeof(*f));
    f->path = strdup(path);
    slash = strrchr(path, '/');
    f->dir = slash ? strndup(path, (size_t)(slash - path) + (slash == path))
                   : strdup(".");
    if (!f->path || !f->dir) {
        free(f->path);
        free(f->dir);
        return oom(L->e);
    }
    L->nfiles++;
    rc = hpa_docset_load_file(path, &f->set, L->e);
    if (rc != HPA_OK) {
        if (L->e && !L->e->file[0])
            snprintf(L->e->file, sizeof(L->e->file), "%s", path);
        return rc;
    }
    if (f->set.n > 0 && f->set.docs[0].root &&
        !json_is_null(f->set.docs[0].root)) {
        f->root = f->set.docs[0].root;
        if (!json_is_object(f->root))
            return kc_err(L, L->nfiles - 1, HPA_ETYPE, "",
                          "a kubeconfig must be a mapping");
    }
    return HPA_OK;
}

static hpa_errcode merge_files(kc_loader *L)
{
    hpa_errcode rc;

    for (size_t i = 0; i < L->nfiles; i++) {
        const json_t *cc;

        if (!L->files[i].root)
            continue;
        if ((rc = merge_list(L, i, "clusters", "cluster", &L->clusters)) ||
            (rc = merge_list(L, i, "users", "user", &L->users)) ||
            (rc = merge_list(L, i, "contexts", "context", &L->contexts)))
            return rc;
        cc = json_object_get(L->files[i].root, "current-context");
        if (cc && !json_is_string(cc) && !json_is_null(cc))
            return kc_err(L, i, HPA_ETYPE, "current-context",
                          "must be a string");
        /* UPSTREAM: current-context from the first file that sets it. */
        if (!L->current && json_is_string(cc) && json_string_value(cc)[0]) {
            L->current = json_string_value(cc);
            L->current_file = i;
        }
    }
    return HPA_OK;
}

/* ---- field readers ----------------------------------------------------- */

typedef struct kc_field {
    kc_loader *L;
    const kc_entry *ent;
    const char *inner;       /* "cluster", "user", "context" */
} kc_field;

static void fpath(const kc_field *f, const char *key, char *buf, size_t len)
{
    snprintf(buf, len, "%s.%s.%s", f->ent->path, f->inner, key);
}

/* A string field: *out borrowed, NULL when absent or empty. */
static hpa_errcode get_str(const kc_field *f, const char *key, const char **out)
{
    const json_t *v = f->ent->obj ? json_object_get(f->ent->obj, key) : NULL;
    char p[160];

    *out = NULL;
    if (!v || json_is_null(v))
        return HPA_OK;
    if (!json_is_string(v)) {
        fpath(f, key, p, sizeof(p));
        return kc_err(f->L, f->ent->file, HPA_ETYPE, p, "must be a string");
    }
    if (json_string_value(v)[0])
        *out = json_string_value(v);
    return HPA_OK;
}

static hpa_errcode get_bool(const kc_field *f, const char *key, bool *out)
{
    const json_t *v = f->ent->obj ? json_object_get(f->ent->obj, key) : NULL;
    char p[160];

    *out = false;
    if (!v || json_is_null(v))
        return HPA_OK;
    if (!json_is_boolean(v)) {
        fpath(f, key, p, sizeof(p));
        return kc_err(f->L, f->ent->file, HPA_ETYPE, p,
                      "must be true or false");
    }
    *out = json_is_true(v);
    return HPA_OK;
}

/* Go's filepath.Clean for joined paths: drops "." and empty segments and
 * resolves ".." lexically. Works in place (the result is never longer). */
static void clean_path(char *p)
{
    char *copy = strdup(p), *seg, *save = NULL;
    size_t o = 0, root, depth = 0;

    if (!copy)
        return;
    if (p[0] == '/')
        p[o++] = '/';
    root = o;
    for (seg = strtok_r(copy, "/", &save); seg; seg = strtok_r(NULL, "/", &save)) {
        size_t n = strlen(seg);

        if (strcmp(seg, ".") == 0)
            continue;
        if (strcmp(seg, "..") == 0) {
            if (depth > 0) {
                while (o > root && p[o - 1] != '/')
                    o--;
                if (o > root)
                    o--;
                depth--;
                continue;
            }
            if (root)
                continue;        /* "/.." is "/" */
        } else {
            depth++;
        }
        if (o > root)
            p[o++] = '/';
        memcpy(p + o, seg, n);
        o += n;
    }
    if (o == 0)
        p[o++] = '.';
    p[o] = '\0';
    free(copy);
}

/* Relative paths in a kubeconfig are relative to that file's directory
 * (UPSTREAM: clientcmd ResolveLocalPaths, filepath.Join). */
static char *resolve_path(const kc_field *f, const char *p)
{
    const char *dir = f->L->files[f->ent->file].dir;
    char *out;

    if (p[0] == '/')
        out = strdup(p);
    else if ((out = malloc(strlen(dir) + strlen(p) + 2)))
        sprintf(out, "%s/%s", dir, p);
    if (out)
        clean_path(out);
    return out;
}

/* A "-data" field (base64) or a file field; the data one may not be set
 * together with the file one (client-go validation). */
static hpa_errcode get_blob(const kc_field *f, const char *file_key,
                            const char *data_key, unsigned char **out,
                            size_t *outlen, bool *given)
{
    const char *file, *data;
    char p[160];
    hpa_errcode rc;

    *out = NULL;
    *outlen = 0;
    *given = false;
    if ((rc = get_str(f, file_key, &file)) || (rc = get_str(f, data_key, &data)))
        return rc;
    if (file && data) {
        fpath(f, data_key, p, sizeof(p));
        return kc_err(f->L, f->ent->file, HPA_EINVAL, p,
                      "%s and %s are both specified for %s", data_key,
                      file_key, f->ent->name);
    }
    if (data) {
        bool bad;

        *out = kube_base64_decode(data, outlen, &bad);
        if (!*out) {
            fpath(f, data_key, p, sizeof(p));
            if (!bad)
                return oom(f->L->e);
            /* The value itself is never quoted: it may be a key. */
            return kc_err(f->L, f->ent->file, HPA_EINVAL, p, "invalid base64");
        }
        *given = true;
    } else if (file) {
        char *full = resolve_path(f, file);

        if (!full)
            return oom(f->L->e);
        *out = (unsigned char *)kube_read_file(full, outlen);
        if (!*out) {
            int err = errno;

            fpath(f, file_key, p, sizeof(p));
            kc_err(f->L, f->ent->file, HPA_EIO, p, "cannot read %s: %s", full,
                   strerror(err));
            free(full);
            return HPA_EIO;
        }
        free(full);
        *given = true;
    }
    return HPA_OK;
}

static hpa_errcode dup_into(hpa_err *e, char **dst, const char *src)
{
    if (!src)
        return HPA_OK;
    *dst = strdup(src);
    return *dst ? HPA_OK : oom(e);
}

static hpa_errcode read_cluster(kc_loader *L, const kc_entry *ent,
                                kube_config *c)
{
    kc_field f = {L, ent, "cluster"};
    const char *server, *tsn, *proxy;
    char p[160];
    bool given;
    size_t n;
    hpa_errcode rc;

    if ((rc = get_str(&f, "server", &server)))
        return rc;
    if (!server) {
        fpath(&f, "server", p, sizeof(p));
        return kc_err(L, ent->file, HPA_EMISSING, p,
                      "cluster %s has no server", ent->name);
    }
    if (strncmp(server, "https://", 8) != 0 && strncmp(server, "http://", 7) != 0) {
        fpath(&f, "server", p, sizeof(p));
        return kc_err(L, ent->file, HPA_EINVAL, p,
                      "server must be an http:// or https:// URL");
    }
    if ((rc = dup_into(L->e, &c->server, server)))
        return rc;
    n = strlen(c->server);
    while (n > 0 && c->server[n - 1] == '/')
        c->server[--n] = '\0';
    if ((rc = get_bool(&f, "insecure-skip-tls-verify",
                       &c->insecure_skip_tls_verify)) ||
        (rc = get_blob(&f, "certificate-authority", "certificate-authority-data",
                       &c->ca_pem, &c->ca_len, &given)))
        return rc;
    if (given && c->insecure_skip_tls_verify) {
        fpath(&f, "insecure-skip-tls-verify", p, sizeof(p));
        return kc_err(L, ent->file, HPA_EINVAL, p,
                      "specifying a root certificates file with the insecure "
                      "flag is not allowed");
    }
    if ((rc = get_str(&f, "tls-server-name", &tsn)) ||
        (rc = get_str(&f, "proxy-url", &proxy)) ||
        (rc = dup_into(L->e, &c->tls_server_name, tsn)) ||
        (rc = dup_into(L->e, &c->proxy_url, proxy)))
        return rc;
    return HPA_OK;
}

static hpa_errcode read_exec_list(kc_field *f, const json_t *x,
                                  kube_exec_config *ex, const char *base)
{
    const json_t *args = json_object_get(x, "args");
    const json_t *env = json_object_get(x, "env");
    char p[200];
    size_t i;
    json_t *v;

    if (args && !json_is_null(args)) {
        if (!json_is_array(args)) {
            snprintf(p, sizeof(p), "%s.args", base);
            return kc_err(f->L, f->ent->file, HPA_ETYPE, p, "must be a list");
        }
        ex->args = calloc(json_array_size(args) + 1, sizeof(char *));
        if (!ex->args)
            return oom(f->L->e);
        json_array_foreach(args, i, v) {
            if (!json_is_string(v)) {
                snprintf(p, sizeof(p), "%s.args[%zu]", base, i);
                return kc_err(f->L, f->ent->file, HPA_ETYPE, p,
                              "must be a string");
            }
            if (!(ex->args[ex->nargs] = strdup(json_string_value(v))))
                return oom(f->L->e);
            ex->nargs++;
        }
    }
    if (env && !json_is_null(env)) {
        if (!json_is_array(env)) {
            snprintf(p, sizeof(p), "%s.env", base);
            return kc_err(f->L, f->ent->file, HPA_ETYPE, p, "must be a list");
        }
        ex->env = calloc(json_array_size(env) + 1, sizeof(*ex->env));
        if (!ex->env)
            return oom(f->L->e);
        json_array_foreach(env, i, v) {
            const json_t *nm = json_object_get(v, "name");
            const json_t *val = json_object_get(v, "value");

            if (!json_is_string(nm) || !json_string_value(nm)[0]) {
                snprintf(p, sizeof(p), "%s.env[%zu].name", base, i);
                return kc_err(f->L, f->ent->file, HPA_EMISSING, p,
                              "a name is required");
            }
            if (val && !json_is_string(val)) {
                snprintf(p, sizeof(p), "%s.env[%zu].value", base, i);
                return kc_err(f->L, f->ent->file, HPA_ETYPE, p,
                              "must be a string");
            }
            ex->env[ex->nenv].name = strdup(json_string_value(nm));
            ex->env[ex->nenv].value = strdup(val ? json_string_value(val) : "");
            ex->nenv++;
            if (!ex->env[ex->nenv - 1].name || !ex->env[ex->nenv - 1].value)
                return oom(f->L->e);
        }
    }
    return HPA_OK;
}

static hpa_errcode read_exec(kc_field *f, const json_t *x, kube_config *c)
{
    kube_exec_config *ex;
    const json_t *v;
    char base[128], p[200];
    const char *av, *cmd, *mode;
    hpa_errcode rc;

    snprintf(base, sizeof(base), "%s.user.exec", f->ent->path);
    if (!json_is_object(x))
        return kc_err(f->L, f->ent->file, HPA_ETYPE, base, "must be a mapping");
    ex = calloc(1, sizeof(*ex));
    if (!ex)
        return oom(f->L->e);
    c->exec = ex;
#define EXEC_STR_(key, var)                                                   \
    do {                                                                      \
        v = json_object_get(x, key);                                          \
        var = NULL;                                                           \
        if (v && !json_is_null(v)) {                                          \
            if (!json_is_string(v)) {                                         \
                snprintf(p, sizeof(p), "%s.%s", base, key);                   \
                return kc_err(f->L, f->ent->file, HPA_ETYPE, p,               \
                              "must be a string");                            \
            }                                                                 \
            var = json_string_value(v)[0] ? json_string_value(v) : NULL;      \
        }                                                                     \
    } while (0)
    EXEC_STR_("apiVersion", av);
    EXEC_STR_("command", cmd);
    EXEC_STR_("interactiveMode", mode);
    snprintf(p, sizeof(p), "%s.apiVersion", base);
    if (!av)
        return kc_err(f->L, f->ent->file, HPA_EMISSING, p,
                      "exec plugin needs an apiVersion");
    if (strcmp(av, "client.authentication.k8s.io/v1") != 0 &&
        strcmp(av, "client.authentication.k8s.io/v1beta1") != 0)
        return kc_err(f->L, f->ent->file, HPA_EUNSUPPORTED, p,
                      "exec plugin apiVersion %s is not supported (use "
                      "client.authentication.k8s.io/v1 or v1beta1)", av);
    if (!cmd) {
        snprintf(p, sizeof(p), "%s.command", base);
        return kc_err(f->L, f->ent->file, HPA_EMISSING, p,
                      "exec plugin needs a command");
    }
    snprintf(p, sizeof(p), "%s.interactiveMode", base);
    /* UPSTREAM: v1 requires interactiveMode; v1beta1 defaults it. */
    if (!mode && strcmp(av, "client.authentication.k8s.io/v1") == 0)
        return kc_err(f->L, f->ent->file, HPA_EMISSING, p,
                      "interactiveMode must be specified for %s to use exec "
                      "authentication plugin", f->ent->name);
    if (mode && strcmp(mode, "Never") && strcmp(mode, "IfAvailable") &&
        strcmp(mode, "Always"))
        return kc_err(f->L, f->ent->file, HPA_EINVAL, p,
                      "must be Never, IfAvailable or Always");
    if ((rc = dup_into(f->L->e, &ex->api_version, av)) ||
        (rc = dup_into(f->L->e, &ex->interactive_mode,
                       mode ? mode : "IfAvailable")))
        return rc;
    /* UPSTREAM: clientcmd ResolveLocalPaths - a command with a path
     * separator is relative to the kubeconfig, a bare name uses $PATH. */
    ex->command = strchr(cmd, '/') ? resolve_path(f, cmd) : strdup(cmd);
    if (!ex->command)
        return oom(f->L->e);
    EXEC_STR_("installHint", av);
    if ((rc = dup_into(f->L->e, &ex->install_hint, av)))
        return rc;
#undef EXEC_STR_
    v = json_object_get(x, "provideClusterInfo");
    if (v && !json_is_null(v)) {
        if (!json_is_boolean(v)) {
            snprintf(p, sizeof(p), "%s.provideClusterInfo", base);
            return kc_err(f->L, f->ent->file, HPA_ETYPE, p,
                          "must be true or false");
        }
        ex->provide_cluster_info = json_is_true(v);
    }
    return read_exec_list(f, x, ex, base);
}

static hpa_errcode read_user(kc_loader *L, const kc_entry *ent, kube_config *c)
{
    kc_field f = {L, ent, "user"};
    const char *token, *token_file, *user, *pass;
    const json_t *x;
    char p[160];
    bool have_cert, have_key;
    int methods = 0;
    hpa_errcode rc;

    if ((rc = get_str(&f, "token", &token)) ||
        (rc = get_str(&f, "tokenFile", &token_file)) ||
        (rc = get_str(&f, "username", &user)) ||
        (rc = get_str(&f, "password", &pass)))
        return rc;
    if ((rc = get_blob(&f, "client-certificate", "client-certificate-data",
                       &c->cert_pem, &c->cert_len, &have_cert)) ||
        (rc = get_blob(&f, "client-key", "client-key-data", &c->key_pem,
                       &c->key_len, &have_key)))
        return rc;
    if (have_cert != have_key) {
        fpath(&f, have_cert ? "client-key" : "client-certificate", p, sizeof(p));
        return kc_err(L, ent->file, HPA_EMISSING, p,
                      "%s needs both a client certificate and a client key",
                      ent->name);
    }
    if (ent->obj && json_object_get(ent->obj, "auth-provider")) {
        fpath(&f, "auth-provider", p, sizeof(p));
        return kc_err(L, ent->file, HPA_EUNSUPPORTED, p,
                      "auth-provider plugins were removed from kubectl; use "
                      "an exec credential plugin");
    }
    x = ent->obj ? json_object_get(ent->obj, "exec") : NULL;
    methods = (token || token_file) + (user || pass) + (x && !json_is_null(x));
    if (methods > 1) {
        fpath(&f, "", p, sizeof(p));
        p[strlen(p) - 1] = '\0';
        return kc_err(L, ent->file, HPA_EINVAL, p,
                      "more than one authentication method found for %s "
                      "(token, basic auth, exec); only one is allowed",
                      ent->name);
    }
    if ((user || pass) && !(user && pass)) {
        fpath(&f, user ? "password" : "username", p, sizeof(p));
        return kc_err(L, ent->file, HPA_EMISSING, p,
                      "basic auth needs both username and password");
    }
    if ((rc = dup_into(L->e, &c->token, token)) ||
        (rc = dup_into(L->e, &c->username, user)) ||
        (rc = dup_into(L->e, &c->password, pass)))
        return rc;
    if (token_file) {
        size_t n;
        char *t;

        if (!(c->token_file = resolve_path(&f, token_file)))
            return oom(L->e);
        /* UPSTREAM: clientcmd validation - the token file must be readable. */
        t = kube_read_file(c->token_file, &n);
        if (!t) {
            int err = errno;

            fpath(&f, "tokenFile", p, sizeof(p));
            return kc_err(L, ent->file, HPA_EIO, p, "cannot read %s: %s",
                          c->token_file, strerror(err));
        }
        kube_secret_free(t, n);
    }
    if (x && !json_is_null(x))
        return read_exec(&f, x, c);
    return HPA_OK;
}

static hpa_errcode resolve(kc_loader *L, const char *context, kube_config *c)
{
    const kc_entry *ctx, *cl, *us = NULL;
    const char *name = context && *context ? context : L->current;
    const char *cluster, *user, *ns;
    kc_field f;
    char p[160];
    hpa_errcode rc;

    if (!name) {
        hpa_err_set(L->e, HPA_EMISSING, "current-context",
                    "no context selected: current-context is not set in %s%s "
                    "and --context was not given",
                    L->nfiles ? L->files[0].path : "any kubeconfig",
                    L->nfiles > 1 ? " (or the other $KUBECONFIG files)" : "");
        return HPA_EMISSING;
    }
    ctx = list_find(&L->contexts, name);
    if (!ctx) {
        if (context && *context)
            return hpa_err_set(L->e, HPA_ENOTFOUND, "contexts",
                               "--context %s: no such context in the "
                               "kubeconfig", name);
        return kc_err(L, L->current_file, HPA_ENOTFOUND, "current-context",
                      "context \"%s\" does not exist", name);
    }
    f = (kc_field){L, ctx, "context"};
    if ((rc = get_str(&f, "cluster", &cluster)) ||
        (rc = get_str(&f, "user", &user)) ||
        (rc = get_str(&f, "namespace", &ns)))
        return rc;
    fpath(&f, "cluster", p, sizeof(p));
    if (!cluster)
        return kc_err(L, ctx->file, HPA_EMISSING, p, "context %s names no cluster",
                      name);
    cl = list_find(&L->clusters, cluster);
    if (!cl)
        return kc_err(L, ctx->file, HPA_ENOTFOUND, p,
                      "cluster \"%s\" does not exist", cluster);
    if (user) {
        us = list_find(&L->users, user);
        if (!us) {
            fpath(&f, "user", p, sizeof(p));
            return kc_err(L, ctx->file, HPA_ENOTFOUND, p,
                          "user \"%s\" does not exist", user);
        }
    }
    if ((rc = dup_into(L->e, &c->source, L->files[ctx->file].path)) ||
        (rc = dup_into(L->e, &c->context, name)) ||
        (rc = dup_into(L->e, &c->cluster_name, cluster)) ||
        (rc = dup_into(L->e, &c->user_name, user ? user : "")) ||
        (rc = dup_into(L->e, &c->namespace_, ns ? ns : "default")))
        return rc;
    if ((rc = read_cluster(L, cl, c)))
        return rc;
    return us ? read_user(L, us, c) : HPA_OK;
}

hpa_errcode kube_config_load_files(const char *paths, bool explicit_file,
                                   const char *context, kube_config *out,
                                   hpa_err *e)
{
    kc_loader L;
    char *copy = NULL, *save = NULL, *tok;
    hpa_errcode rc = HPA_OK;

    memset(&L, 0, sizeof(L));
    memset(out, 0, sizeof(*out));
    L.e = e;
    hpa_err_clear(e);
    if (explicit_file) {
        rc = add_file(&L, paths, true);
    } else {
        if (!(copy = strdup(paths))) {
            rc = oom(e);
            goto out;
        }
        for (tok = strtok_r(copy, ":", &save); tok && rc == HPA_OK;
             tok = strtok_r(NULL, ":", &save))
            rc = add_file(&L, tok, false);
    }
    if (rc)
        goto out;
    if (L.nfiles == 0) {
        rc = hpa_err_set(e, HPA_ENOTFOUND, NULL,
                         "no kubeconfig found: none of the files in "
                         "$KUBECONFIG (%s) exists", paths);
        goto out;
    }
    if ((rc = merge_files(&L)) || (rc = resolve(&L, context, out)))
        goto out;
out:
    if (rc)
        kube_config_free(out);
    free(copy);
    loader_free(&L);
    return rc;
}

hpa_errcode kube_config_in_cluster(const char *sa_dir, const char *host,
                                   const char *port, const char *pod_namespace,
                                   kube_config *out, hpa_err *e)
{
    char path[4096];
    char *ns = NULL;
    size_t n;
    hpa_errcode rc;

    memset(out, 0, sizeof(*out));
    hpa_err_clear(e);
    if (!sa_dir)
        sa_dir = KUBE_SA_DIR;
    if (!host || !*host || !port || !*port)
        return hpa_err_set(e, HPA_ENOTFOUND, NULL,
                           "not running in a cluster: KUBERNETES_SERVICE_HOST "
                           "and KUBERNETES_SERVICE_PORT must be set");
    out->in_cluster = true;
    snprintf(path, sizeof(path), "%s/token", sa_dir);
    out->token_file = strdup(path);
    out->token = kube_read_file(path, &n);
    if (!out->token) {
        rc = hpa_err_set(e, HPA_EIO, NULL,
                         "in-cluster configuration: cannot read the "
                         "service-account token %s: %s", path, strerror(errno));
        goto fail;
    }
    /* The file ends with the token; a trailing newline is not part of it. */
    while (n > 0 && (out->token[n - 1] == '\n' || out->token[n - 1] == '\r'))
        out->token[--n] = '\0';
    snprintf(path, sizeof(path), "%s/ca.crt", sa_dir);
    out->ca_pem = (unsigned char *)kube_read_file(path, &out->ca_len);
    if (!out->ca_pem) {
        rc = hpa_err_set(e, HPA_EIO, NULL,
                         "in-cluster configuration: cannot read the CA %s: %s",
                         path, strerror(errno));
        goto fail;
    }
    if (pod_namespace && *pod_namespace) {
        ns = strdup(pod_namespace);
    } else {
        snprintf(path, sizeof(path), "%s/namespace", sa_dir);
        ns = kube_read_file(path, &n);
        if (ns) {
            while (n > 0 && (ns[n - 1] == '\n' || ns[n - 1] == ' '))
                ns[--n] = '\0';
            if (n == 0) {
                free(ns);
                ns = NULL;
            }
        }
        if (!ns)
            ns = strdup("default");
    }
    out->namespace_ = ns;
    out->server = malloc(strlen(host) + strlen(port) + 16);
    if (out->server)
        /* UPSTREAM: rest.InClusterConfig joins host and port
         * (net.JoinHostPort), bracketing IPv6 literals. */
        sprintf(out->server, strchr(host, ':') ? "https://[%s]:%s" : "https://%s:%s",
                host, port);
    out->source = strdup("in-cluster");
    out->context = strdup("");
    out->cluster_name = strdup("in-cluster");
    out->user_name = strdup("serviceaccount");
    if (!out->token_file || !out->namespace_ || !out->server || !out->source ||
        !out->context || !out->cluster_name || !out->user_name) {
        rc = oom(e);
        goto fail;
    }
    return HPA_OK;
fail:
    kube_config_free(out);
    return rc;
}

hpa_errcode kube_config_load(const kube_config_opts *o, kube_config *out,
                             hpa_err *e)
{
    char *home_cfg;
    struct stat st;
    hpa_errcode rc;

    memset(out, 0, sizeof(*out));
    if (o->kubeconfig && *o->kubeconfig)
        return kube_config_load_files(o->kubeconfig, true, o->context, out, e);
    if (o->kubeconfig_env && *o->kubeconfig_env)
        return kube_config_load_files(o->kubeconfig_env, false, o->context,
                                      out, e);
    if (o->home && *o->home) {
        home_cfg = malloc(strlen(o->home) + 16);
        if (!home_cfg)
            return oom(e);
        sprintf(home_cfg, "%s/.kube/config", o->home);
        if (stat(home_cfg, &st) == 0) {
            rc = kube_config_load_files(home_cfg, true, o->context, out, e);
            free(home_cfg);
            return rc;
        }
        free(home_cfg);
    }
    if (o->service_host && *o->service_host)
        return kube_config_in_cluster(o->sa_dir, o->service_host,
                                      o->service_port, o->pod_namespace, out, e);
    return hpa_err_set(e, HPA_ENOTFOUND, NULL,
                       "no configuration: give --kubeconfig, set $KUBECONFIG, "
                       "create ~/.kube/config, or run in a cluster");
}
