/*
 * test_kubeconfig.c - kubectl's configuration rules, credentials (token
 * files, exec plugins) and the in-cluster configuration.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kube/creds.h"
#include "kube/kubeconfig.h"

static char tmpdir[256];

static int group_setup(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/hpa-kubeconfig-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
    char cmd[300];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Write `content` to tmpdir/name (creating subdirectories); returns the
 * full path in a static ring of buffers. */
static const char *put(const char *name, const char *content)
{
    static char ring[8][512];
    static int k;
    char *path = ring[k++ % 8];
    char dir[512], *slash;
    FILE *f;

    snprintf(path, 512, "%s/%s", tmpdir, name);
    snprintf(dir, sizeof(dir), "%s", path);
    for (slash = strchr(dir + strlen(tmpdir) + 1, '/'); slash;
         slash = strchr(slash + 1, '/')) {
        *slash = '\0';
        mkdir(dir, 0700);
        *slash = '/';
    }
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(content, f);
    fclose(f);
    return path;
}

static char *fmt_err(const hpa_err *e)
{
    static char buf[1024];

    return (char *)hpa_err_format(e, buf, sizeof(buf));
}

/* "Y2EtYnl0ZXM=" is base64 of "ca-bytes" and so on. */
static const char *full_yaml =
    "apiVersion: v1\n"
    "kind: Config\n"
    "current-context: dev\n"
    "clusters:\n"
    "- name: dev-cluster\n"
    "  cluster:\n"
    "    server: https://10.1.2.3:6443/\n"
    "    certificate-authority: certs/ca.pem\n"
    "    tls-server-name: kubernetes.test\n"
    "    proxy-url: http://proxy.test:3128\n"
    "- name: data-cluster\n"
    "  cluster:\n"
    "    server: https://api.test\n"
    "    certificate-authority-data: Y2EtYnl0ZXM=\n"
    "- name: insecure\n"
    "  cluster:\n"
    "    server: https://insecure.test\n"
    "    insecure-skip-tls-verify: true\n"
    "users:\n"
    "- name: token-user\n"
    "  user:\n"
    "    token: tok-123\n"
    "- name: cert-user\n"
    "  user:\n"
    "    client-certificate-data: Y2VydC1ieXRlcw==\n"
    "    client-key-data: a2V5LWJ5dGVz\n"
    "- name: file-cert-user\n"
    "  user:\n"
    "    client-certificate: certs/client.crt\n"
    "    client-key: certs/client.key\n"
    "- name: basic\n"
    "  user:\n"
    "    username: admin\n"
    "    password: pw\n"
    "- name: tf\n"
    "  user:\n"
    "    tokenFile: tokens/t\n"
    "contexts:\n"
    "- name: dev\n"
    "  context: {cluster: dev-cluster, user: token-user, namespace: team-a}\n"
    "- name: data\n"
    "  context: {cluster: data-cluster, user: cert-user}\n"
    "- name: files\n"
    "  context: {cluster: insecure, user: file-cert-user}\n"
    "- name: basic\n"
    "  context: {cluster: insecure, user: basic}\n"
    "- name: tf\n"
    "  context: {cluster: insecure, user: tf}\n"
    "- name: anon\n"
    "  context: {cluster: insecure}\n";

static const char *write_full(void)
{
    put("full/certs/ca.pem", "CA-PEM\n");
    put("full/certs/client.crt", "CLIENT-CRT\n");
    put("full/certs/client.key", "CLIENT-KEY\n");
    put("full/tokens/t", "file-token\n");
    return put("full/config", full_yaml);
}

static void test_cluster_fields(void **state)
{
    kube_config c;
    hpa_err e;
    const char *path = write_full();
    char expect_src[512];

    (void)state;
    assert_int_equal(kube_config_load_files(path, true, NULL, &c, &e), HPA_OK);
    snprintf(expect_src, sizeof(expect_src), "%s", path);
    assert_string_equal(c.source, expect_src);
    assert_string_equal(c.context, "dev");
    assert_string_equal(c.cluster_name, "dev-cluster");
    assert_string_equal(c.namespace_, "team-a");
    assert_string_equal(c.server, "https://10.1.2.3:6443");   /* no '/' */
    assert_int_equal(c.ca_len, 7);
    assert_memory_equal(c.ca_pem, "CA-PEM\n", 7);                /* relative */
    assert_string_equal(c.tls_server_name, "kubernetes.test");
    assert_string_equal(c.proxy_url, "http://proxy.test:3128");
    assert_false(c.insecure_skip_tls_verify);
    assert_string_equal(c.token, "tok-123");
    assert_null(c.cert_pem);
    assert_null(c.exec);
    kube_config_free(&c);
}

static void test_user_kinds(void **state)
{
    static const struct {
        const char *context;
        const char *cert, *key, *token, *user, *token_file_suffix;
        bool insecure;
        const char *ns;
    } cases[] = {
        {"data", "cert-bytes", "key-bytes", NULL, NULL, NULL, false, "default"},
        {"files", "CLIENT-CRT\n", "CLIENT-KEY\n", NULL, NULL, NULL, true, "default"},
        {"basic", NULL, NULL, NULL, "admin", NULL, true, "default"},
        {"tf", NULL, NULL, NULL, NULL, "/full/tokens/t", true, "default"},
        {"anon", NULL, NULL, NULL, NULL, NULL, true, "default"},
    };
    const char *path = write_full();

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        kube_config c;
        hpa_err e;

        if (kube_config_load_files(path, true, cases[i].context, &c, &e) != HPA_OK)
            fail_msg("case %s: %s", cases[i].context, fmt_err(&e));
        assert_string_equal(c.context, cases[i].context);
        assert_string_equal(c.namespace_, cases[i].ns);
        assert_int_equal(c.insecure_skip_tls_verify, cases[i].insecure);
        if (cases[i].cert) {
            assert_non_null(c.cert_pem);
            assert_int_equal(c.cert_len, strlen(cases[i].cert));
            assert_memory_equal(c.cert_pem, cases[i].cert, c.cert_len);
            assert_memory_equal(c.key_pem, cases[i].key, c.key_len);
        } else {
            assert_null(c.cert_pem);
            assert_null(c.key_pem);
        }
        if (cases[i].user) {
            assert_string_equal(c.username, cases[i].user);
            assert_string_equal(c.password, "pw");
        } else {
            assert_null(c.username);
        }
        if (cases[i].token_file_suffix) {
            size_t l = strlen(c.token_file), sl = strlen(cases[i].token_file_suffix);

            assert_true(l > sl);
            assert_string_equal(c.token_file + l - sl, cases[i].token_file_suffix);
            assert_true(c.token_file[0] == '/');
        } else {
            assert_null(c.token_file);
        }
        kube_config_free(&c);
    }
}

/* UPSTREAM: clientcmd merge rules for $KUBECONFIG. */
static void test_merge(void **state)
{
    const char *a = put("merge/a.yaml",
                        "clusters:\n"
                        "- name: c1\n"
                        "  cluster: {server: https://from-a}\n"
                        "users:\n"
                        "- name: u\n"
                        "  user: {token: token-a}\n");
    const char *b = put("merge/b.yaml",
                        "current-context: ctx-b\n"
                        "clusters:\n"
                        "- name: c1\n"
                        "  cluster: {server: https://from-b}\n"
                        "users:\n"
                        "- name: u\n"
                        "  user: {token: token-b}\n"
                        "contexts:\n"
                        "- name: ctx-b\n"
                        "  context: {cluster: c1, user: u}\n"
                        "- name: other\n"
                        "  context: {cluster: c1}\n");
    const char *c3 = put("merge/c.yaml", "current-context: ctx-c\n");
    char list[2048];
    kube_config c;
    hpa_err e;

    (void)state;
    /* a missing file in the list is skipped; a's cluster and user win;
     * current-context from b (the first that sets it) */
    snprintf(list, sizeof(list), "%s/merge/missing.yaml:%s::%s:%s", tmpdir, a, b, c3);
    assert_int_equal(kube_config_load_files(list, false, NULL, &c, &e), HPA_OK);
    assert_string_equal(c.context, "ctx-b");
    assert_string_equal(c.server, "https://from-a");
    assert_string_equal(c.token, "token-a");
    assert_string_equal(c.source, b);
    kube_config_free(&c);

    /* the same through kube_config_load and $KUBECONFIG, with --context */
    {
        kube_config_opts o = {0};

        o.kubeconfig_env = list;
        o.home = tmpdir;
        o.context = "other";
        assert_int_equal(kube_config_load(&o, &c, &e), HPA_OK);
        assert_string_equal(c.context, "other");
        assert_null(c.token);
        kube_config_free(&c);
    }

    /* c first: its current-context wins, and names a context nobody has */
    snprintf(list, sizeof(list), "%s:%s:%s", c3, a, b);
    assert_int_equal(kube_config_load_files(list, false, NULL, &c, &e),
                     HPA_ENOTFOUND);
    assert_string_equal(e.path, "current-context");
    assert_string_equal(e.file, c3);
    assert_int_equal(e.line, 1);
    assert_non_null(strstr(e.msg, "ctx-c"));
    assert_null(c.server);

    /* nothing in the list exists */
    snprintf(list, sizeof(list), "%s/nope1:%s/nope2", tmpdir, tmpdir);
    assert_int_equal(kube_config_load_files(list, false, NULL, &c, &e),
                     HPA_ENOTFOUND);
}

static void test_precedence(void **state)
{
    kube_config_opts o = {0};
    kube_config c;
    hpa_err e;
    char home[512], explicit_path[512];

    (void)state;
    snprintf(home, sizeof(home), "%s/home", tmpdir);
    put("home/.kube/config",
        "current-context: h\n"
        "clusters: [{name: hc, cluster: {server: 'https://home.test'}}]\n"
        "contexts: [{name: h, context: {cluster: hc}}]\n");
    snprintf(explicit_path, sizeof(explicit_path), "%s",
             put("explicit.yaml",
                 "current-context: x\n"
                 "clusters: [{name: xc, cluster: {server: 'https://explicit.test'}}]\n"
                 "contexts: [{name: x, context: {cluster: xc}}]\n"));
    o.home = home;
    assert_int_equal(kube_config_load(&o, &c, &e), HPA_OK);
    assert_string_equal(c.server, "https://home.test");
    kube_config_free(&c);

    o.kubeconfig = explicit_path;       /* --kubeconfig beats everything */
    o.kubeconfig_env = "/nonexistent";
    assert_int_equal(kube_config_load(&o, &c, &e), HPA_OK);
    assert_string_equal(c.server, "https://explicit.test");
    kube_config_free(&c);

    /* an explicit file that does not exist is an error naming it */
    o.kubeconfig = "/nonexistent/kubeconfig";
    assert_int_equal(kube_config_load(&o, &c, &e), HPA_EIO);
    assert_string_equal(e.file, "/nonexistent/kubeconfig");
    assert_non_null(strstr(fmt_err(&e), "/nonexistent/kubeconfig"));

    /* no file anywhere and not in a cluster */
    memset(&o, 0, sizeof(o));
    o.home = "/nonexistent";
    assert_int_equal(kube_config_load(&o, &c, &e), HPA_ENOTFOUND);
    assert_non_null(strstr(e.msg, "--kubeconfig"));

    /* --context that does not exist */
    o.kubeconfig = explicit_path;
    o.context = "ghost";
    assert_int_equal(kube_config_load(&o, &c, &e), HPA_ENOTFOUND);
    assert_non_null(strstr(e.msg, "ghost"));
}

static const char *bad_prefix =
    "current-context: c\n"                                    /* 1 */
    "contexts: [{name: c, context: {cluster: k, user: u}}]\n"  /* 2 */
    "clusters:\n"                                             /* 3 */
    "- name: k\n"                                             /* 4 */
    "  cluster:\n";                                           /* 5 */

static void test_bad_inputs(void **state)
{
    static const struct {
        const char *name;
        const char *cluster;    /* lines after line 5 */
        const char *users;      /* the users section */
        hpa_errcode code;
        const char *path;
        int line;
        const char *msg;
    } cases[] = {
        {"no server", "    insecure-skip-tls-verify: true\n", "users: [{name: u, user: {}}]\n",
         HPA_EMISSING, "clusters[0].cluster.server", 6, "no server"},
        {"server not a URL", "    server: api.test\n", "users: [{name: u, user: {}}]\n",
         HPA_EINVAL, "clusters[0].cluster.server", 6, "https://"},
        {"CA file and data", "    server: https://a\n    certificate-authority: x\n"
                             "    certificate-authority-data: Y2E=\n",
         "users: [{name: u, user: {}}]\n", HPA_EINVAL,
         "clusters[0].cluster.certificate-authority-data", 8, "both specified"},
        {"insecure with CA", "    server: https://a\n    insecure-skip-tls-verify: true\n"
                             "    certificate-authority-data: Y2E=\n",
         "users: [{name: u, user: {}}]\n", HPA_EINVAL,
         "clusters[0].cluster.insecure-skip-tls-verify", 7, "insecure"},
        {"insecure not bool", "    server: https://a\n    insecure-skip-tls-verify: 3\n",
         "users: [{name: u, user: {}}]\n", HPA_ETYPE,
         "clusters[0].cluster.insecure-skip-tls-verify", 7, "true or false"},
        {"bad CA base64", "    server: https://a\n    certificate-authority-data: '%%%%'\n",
         "users: [{name: u, user: {}}]\n", HPA_EINVAL,
         "clusters[0].cluster.certificate-authority-data", 7, "invalid base64"},
        {"CA file missing", "    server: https://a\n    certificate-authority: nope.pem\n",
         "users: [{name: u, user: {}}]\n", HPA_EIO,
         "clusters[0].cluster.certificate-authority", 7, "nope.pem"},
        {"bad key base64", "    server: https://a\n",
         "users:\n- name: u\n  user:\n    client-certificate-data: Y2VydA==\n"
         "    client-key-data: SECRET!KEY\n",
         HPA_EINVAL, "users[0].user.client-key-data", 11, "invalid base64"},
        {"cert without key", "    server: https://a\n",
         "users:\n- name: u\n  user:\n    client-certificate-data: Y2VydA==\n",
         HPA_EMISSING, "users[0].user.client-key", 10, "client key"},
        {"token and basic", "    server: https://a\n",
         "users:\n- name: u\n  user:\n    token: SECRET-TOKEN\n    username: a\n"
         "    password: SECRET-PW\n",
         HPA_EINVAL, "users[0].user", 10, "more than one authentication"},
        {"username alone", "    server: https://a\n",
         "users:\n- name: u\n  user:\n    username: a\n",
         HPA_EMISSING, "users[0].user.password", 10, "username and password"},
        {"token file missing", "    server: https://a\n",
         "users:\n- name: u\n  user:\n    tokenFile: no-such-token\n",
         HPA_EIO, "users[0].user.tokenFile", 10, "no-such-token"},
        {"exec v1 without interactiveMode", "    server: https://a\n",
         "users:\n- name: u\n  user:\n    exec:\n"
         "      apiVersion: client.authentication.k8s.io/v1\n      command: x\n",
         HPA_EMISSING, "users[0].user.exec.interactiveMode", 11, "interactiveMode"},
        {"exec v1alpha1", "    server: https://a\n",
         "users:\n- name: u\n  user:\n    exec:\n"
         "      apiVersion: client.authentication.k8s.io/v1alpha1\n      command: x\n",
         HPA_EUNSUPPORTED, "users[0].user.exec.apiVersion", 11, "not supported"},
        {"exec without command", "    server: https://a\n",
         "users:\n- name: u\n  user:\n    exec:\n"
         "      apiVersion: client.authentication.k8s.io/v1beta1\n",
         HPA_EMISSING, "users[0].user.exec.command", 11, "command"},
        {"exec arg not string", "    server: https://a\n",
         "users:\n- name: u\n  user:\n    exec:\n"
         "      apiVersion: client.authentication.k8s.io/v1beta1\n      command: x\n"
         "      args: [ok, {a: b}]\n",
         HPA_ETYPE, "users[0].user.exec.args[1]", 13, "string"},
        {"auth-provider", "    server: https://a\n",
         "users:\n- name: u\n  user:\n    auth-provider: {name: gcp}\n",
         HPA_EUNSUPPORTED, "users[0].user.auth-provider", 10, "exec"},
        {"user missing", "    server: https://a\n", "users: [{name: other, user: {}}]\n",
         HPA_ENOTFOUND, "contexts[0].context.user", 2, "\"u\""},
        {"token not a string", "    server: https://a\n",
         "users:\n- name: u\n  user:\n    token: [1]\n",
         HPA_ETYPE, "users[0].user.token", 10, "string"},
        {"users not a list", "    server: https://a\n", "users: {u: 1}\n",
         HPA_ETYPE, "users", 7, "list"},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char yaml[2048], name[64], expect_loc[600];
        const char *path, *line;
        kube_config c;
        hpa_err e;

        snprintf(yaml, sizeof(yaml), "%s%s%s", bad_prefix, cases[i].cluster,
                 cases[i].users);
        snprintf(name, sizeof(name), "bad/%zu.yaml", i);
        path = put(name, yaml);
        if (kube_config_load_files(path, true, NULL, &c, &e) != cases[i].code)
            fail_msg("case '%s': want code %d, got %d: %s", cases[i].name,
                     cases[i].code, e.code, fmt_err(&e));
        if (strcmp(e.path, cases[i].path) != 0)
            fail_msg("case '%s': path %s, want %s", cases[i].name, e.path,
                     cases[i].path);
        if (e.line != cases[i].line)
            fail_msg("case '%s': line %d, want %d (%s)", cases[i].name, e.line,
                     cases[i].line, fmt_err(&e));
        line = fmt_err(&e);
        snprintf(expect_loc, sizeof(expect_loc), "%s:%d:", path, cases[i].line);
        if (strncmp(line, expect_loc, strlen(expect_loc)) != 0)
            fail_msg("case '%s': '%s' does not start with '%s'", cases[i].name,
                     line, expect_loc);
        if (!strstr(line, cases[i].msg))
            fail_msg("case '%s': '%s' lacks '%s'", cases[i].name, line,
                     cases[i].msg);
        /* never the secret itself */
        if (strstr(line, "SECRET"))
            fail_msg("case '%s': error shows a secret: %s", cases[i].name, line);
        assert_null(c.server);
    }
}

static void test_base64(void **state)
{
    static const struct {
        const char *in, *out;   /* out NULL: invalid */
    } cases[] = {
        {"", ""},
        {"QQ==", "A"},
        {"QUI=", "AB"},
        {"QUJD", "ABC"},
        {"QUJD\nREVG\r\n", "ABCDEF"},
        {"QQ", NULL},
        {"QQ=", NULL},
        {"Q===", NULL},
        {"QQ==QQ==", NULL},
        {"QU JD", NULL},
        {"QU*D", NULL},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t n = 0;
        bool bad = false;
        unsigned char *o = kube_base64_decode(cases[i].in, &n, &bad);

        if (!cases[i].out) {
            if (o || !bad)
                fail_msg("'%s' should be invalid", cases[i].in);
            continue;
        }
        if (!o)
            fail_msg("'%s' should decode", cases[i].in);
        assert_int_equal(n, strlen(cases[i].out));
        assert_memory_equal(o, cases[i].out, n);
        {
            char *back = kube_base64_encode(o, n);

            if (strchr(cases[i].in, '\n') == NULL)
                assert_string_equal(back, cases[i].in);
            free(back);
        }
        free(o);
    }
}

static void test_in_cluster(void **state)
{
    kube_config c;
    kube_config_opts o = {0};
    hpa_err e;
    char sa[512];

    (void)state;
    put("sa/token", "sa-token-1\n");
    put("sa/ca.crt", "SA-CA\n");
    put("sa/namespace", "kube-hpa\n");
    snprintf(sa, sizeof(sa), "%s/sa", tmpdir);
    assert_int_equal(kube_config_in_cluster(sa, "10.96.0.1", "443", NULL, &c, &e),
                     HPA_OK);
    assert_true(c.in_cluster);
    assert_string_equal(c.server, "https://10.96.0.1:443");
    assert_string_equal(c.token, "sa-token-1");
    assert_non_null(strstr(c.token_file, "/sa/token"));
    assert_memory_equal(c.ca_pem, "SA-CA\n", 6);
    assert_string_equal(c.namespace_, "kube-hpa");
    kube_config_free(&c);

    /* IPv6 service host, POD_NAMESPACE wins over the file */
    assert_int_equal(kube_config_in_cluster(sa, "fd00::1", "6443", "override",
                                            &c, &e), HPA_OK);
    assert_string_equal(c.server, "https://[fd00::1]:6443");
    assert_string_equal(c.namespace_, "override");
    kube_config_free(&c);

    /* the fallback of kube_config_load when no kubeconfig exists */
    o.home = "/nonexistent";
    o.service_host = "10.0.0.1";
    o.service_port = "443";
    o.sa_dir = sa;
    assert_int_equal(kube_config_load(&o, &c, &e), HPA_OK);
    assert_true(c.in_cluster);
    kube_config_free(&c);

    /* no token: not in a cluster, and the error says which file */
    assert_int_equal(kube_config_in_cluster("/nonexistent-sa", "10.0.0.1", "443",
                                            NULL, &c, &e), HPA_EIO);
    assert_non_null(strstr(e.msg, "/nonexistent-sa/token"));
    assert_int_equal(kube_config_in_cluster(sa, NULL, "443", NULL, &c, &e),
                     HPA_ENOTFOUND);
}

/* UPSTREAM: the service-account token file is re-read every minute. */
static void test_token_file_rotation(void **state)
{
    kube_config c;
    kube_creds *cr;
    kube_auth a;
    hpa_err e;
    char sa[512];

    (void)state;
    put("rot/token", "first\n");
    put("rot/ca.crt", "CA\n");
    snprintf(sa, sizeof(sa), "%s/rot", tmpdir);
    assert_int_equal(kube_config_in_cluster(sa, "h", "1", NULL, &c, &e), HPA_OK);
    cr = kube_creds_new(&c);
    assert_int_equal(kube_creds_get(cr, 0, 1000, &a, &e), HPA_OK);
    assert_string_equal(a.token, "first");
    put("rot/token", "second\n");
    assert_int_equal(kube_creds_get(cr, 0, 31000, &a, &e), HPA_OK);
    assert_string_equal(a.token, "first");          /* within the minute */
    assert_int_equal(kube_creds_get(cr, 0, 61001, &a, &e), HPA_OK);
    assert_string_equal(a.token, "second");
    /* a failed re-read keeps the last good token */
    unlink(c.token_file);
    assert_int_equal(kube_creds_get(cr, 0, 200000, &a, &e), HPA_OK);
    assert_string_equal(a.token, "second");
    /* a 401 forces a re-read */
    put("rot/token", "third\n");
    assert_int_equal(kube_creds_invalidate(cr), 1);
    assert_int_equal(kube_creds_get(cr, 0, 200001, &a, &e), HPA_OK);
    assert_string_equal(a.token, "third");
    kube_creds_free(cr);
    kube_config_free(&c);
}

/* The plugin script: records its arguments and environment, answers with
 * the ExecCredential in $PLUGIN_OUT (a file), or fails as told. */
static const char *plugin_sh =
    "#!/bin/sh\n"
    "echo \"args=$*\" > \"$PLUGIN_LOG\"\n"
    "echo \"team=$TEAM\" >> \"$PLUGIN_LOG\"\n"
    "echo \"info=$KUBERNETES_EXEC_INFO\" >> \"$PLUGIN_LOG\"\n"
    "n=$(cat \"$PLUGIN_COUNT\" 2>/dev/null || echo 0)\n"
    "echo $((n+1)) > \"$PLUGIN_COUNT\"\n"
    "[ -n \"$PLUGIN_SLEEP\" ] && sleep \"$PLUGIN_SLEEP\"\n"
    "[ -n \"$PLUGIN_FAIL\" ] && exit \"$PLUGIN_FAIL\"\n"
    "cat \"$PLUGIN_OUT\"\n";

static const char *exec_config(const char *name, const char *extra_env)
{
    char yaml[4096];

    snprintf(yaml, sizeof(yaml),
             "current-context: c\n"
             "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
             "clusters:\n"
             "- name: k\n"
             "  cluster:\n"
             "    server: https://exec.test\n"
             "    certificate-authority-data: Y2EtYnl0ZXM=\n"
             "users:\n"
             "- name: u\n"
             "  user:\n"
             "    exec:\n"
             "      apiVersion: client.authentication.k8s.io/v1\n"
             "      command: ./plugin.sh\n"
             "      args: [get-token, --cluster, prod]\n"
             "      interactiveMode: Never\n"
             "      provideClusterInfo: true\n"
             "      installHint: install the test plugin\n"
             "      env:\n"
             "      - {name: TEAM, value: blue}\n"
             "      - {name: PLUGIN_LOG, value: '%s/exec/log'}\n"
             "      - {name: PLUGIN_COUNT, value: '%s/exec/count'}\n"
             "      - {name: PLUGIN_OUT, value: '%s/exec/out.json'}\n"
             "%s",
             tmpdir, tmpdir, tmpdir, extra_env ? extra_env : "");
    return put(name, yaml);
}

static int plugin_count(void)
{
    char p[512];
    FILE *f;
    int n = 0;

    snprintf(p, sizeof(p), "%s/exec/count", tmpdir);
    f = fopen(p, "r");
    if (f) {
        if (fscanf(f, "%d", &n) != 1)
            n = -1;
        fclose(f);
    }
    return n;
}

static void test_exec_plugin(void **state)
{
    kube_config c;
    kube_creds *cr;
    kube_auth a;
    hpa_err e;
    const char *path;
    char *log;
    char p[512];
    size_t n;

    (void)state;
    path = exec_config("exec/config", NULL);
    snprintf(p, sizeof(p), "%s/exec/plugin.sh", tmpdir);
    put("exec/plugin.sh", plugin_sh);
    chmod(p, 0755);
    put("exec/out.json",
        "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
        "\"status\":{\"token\":\"exec-token-1\","
        "\"expirationTimestamp\":\"2030-01-01T00:00:00Z\"}}\n");
    assert_int_equal(kube_config_load_files(path, true, NULL, &c, &e), HPA_OK);
    assert_non_null(c.exec);
    assert_string_equal(c.exec->command, p);    /* relative to the file */
    assert_int_equal(c.exec->nargs, 3);
    assert_int_equal(c.exec->nenv, 4);
    cr = kube_creds_new(&c);

    assert_int_equal(kube_creds_get(cr, 1000, 0, &a, &e), HPA_OK);
    assert_string_equal(a.token, "exec-token-1");
    assert_int_equal(plugin_count(), 1);
    snprintf(p, sizeof(p), "%s/exec/log", tmpdir);
    log = kube_read_file(p, &n);
    assert_non_null(log);
    assert_non_null(strstr(log, "args=get-token --cluster prod"));
    assert_non_null(strstr(log, "team=blue"));
    assert_non_null(strstr(log, "\"kind\":\"ExecCredential\""));
    assert_non_null(strstr(log, "\"interactive\":false"));
    assert_non_null(strstr(log, "\"server\":\"https://exec.test\""));
    assert_non_null(strstr(log, "\"certificate-authority-data\":\"Y2EtYnl0ZXM=\""));
    free(log);

    /* cached until the expiry */
    assert_int_equal(kube_creds_get(cr, 1000000, 0, &a, &e), HPA_OK);
    assert_int_equal(plugin_count(), 1);
    assert_int_equal(kube_creds_exec_runs(cr), 1);
    put("exec/out.json",
        "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
        "\"status\":{\"token\":\"exec-token-2\"}}\n");
    /* 2030-01-01 has passed: run again */
    assert_int_equal(kube_creds_get(cr, 1893456000000LL, 0, &a, &e), HPA_OK);
    assert_string_equal(a.token, "exec-token-2");
    assert_int_equal(plugin_count(), 2);
    /* no expiry: cached until a 401 */
    assert_int_equal(kube_creds_get(cr, 4000000000000LL, 0, &a, &e), HPA_OK);
    assert_int_equal(plugin_count(), 2);
    assert_int_equal(kube_creds_invalidate(cr), 1);
    assert_int_equal(kube_creds_get(cr, 4000000000000LL, 0, &a, &e), HPA_OK);
    assert_int_equal(plugin_count(), 3);

    /* client certificates from the plugin */
    put("exec/out.json",
        "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
        "\"status\":{\"clientCertificateData\":\"CERT\",\"clientKeyData\":\"KEY\"}}\n");
    kube_creds_invalidate(cr);
    assert_int_equal(kube_creds_get(cr, 0, 0, &a, &e), HPA_OK);
    assert_null(a.token);
    assert_memory_equal(a.cert_pem, "CERT", 4);
    assert_memory_equal(a.key_pem, "KEY", 3);
    kube_creds_free(cr);
    kube_config_free(&c);
}

static void test_exec_failures(void **state)
{
    static const struct {
        const char *name;
        const char *out;         /* plugin output */
        const char *env;         /* extra env lines */
        hpa_errcode code;
        const char *msg;
    } cases[] = {
        {"exit status", "{}", "      - {name: PLUGIN_FAIL, value: '3'}\n", HPA_EIO,
         "exit status 3"},
        {"not JSON", "SECRET-not-json", NULL, HPA_ESYNTAX, "not a JSON object"},
        {"wrong apiVersion",
         "{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\","
         "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"SECRET-T\"}}",
         NULL, HPA_EINVAL, "does not match"},
        {"no credential",
         "{\"apiVersion\":\"client.authentication.k8s.io/v1\","
         "\"kind\":\"ExecCredential\",\"status\":{}}",
         NULL, HPA_EMISSING, "neither a token"},
        {"cert without key",
         "{\"apiVersion\":\"client.authentication.k8s.io/v1\","
         "\"kind\":\"ExecCredential\",\"status\":{\"clientCertificateData\":\"SECRET-C\"}}",
         NULL, HPA_EMISSING, "both be present"},
        {"bad expiry",
         "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\","
         "\"status\":{\"token\":\"SECRET-T\",\"expirationTimestamp\":\"tomorrow\"}}",
         NULL, HPA_EINVAL, "expirationTimestamp"},
        {"timeout", "{}", "      - {name: PLUGIN_SLEEP, value: '5'}\n", HPA_ETIMEOUT,
         "did not finish"},
    };
    char p[512];

    (void)state;
    snprintf(p, sizeof(p), "%s/exec/plugin.sh", tmpdir);
    put("exec/plugin.sh", plugin_sh);
    chmod(p, 0755);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char name[64];
        const char *path;
        kube_config c;
        kube_creds *cr;
        kube_auth a;
        hpa_err e;

        snprintf(name, sizeof(name), "exec/fail%zu", i);
        put("exec/out.json", cases[i].out);
        path = exec_config(name, cases[i].env);
        /* the config lives beside plugin.sh */
        assert_int_equal(kube_config_load_files(path, true, NULL, &c, &e), HPA_OK);
        cr = kube_creds_new(&c);
        kube_creds_set_exec_timeout(cr, 300);
        if (kube_creds_get(cr, 0, 0, &a, &e) != cases[i].code)
            fail_msg("case '%s': code %d: %s", cases[i].name, e.code, e.msg);
        if (!strstr(e.msg, cases[i].msg))
            fail_msg("case '%s': '%s' lacks '%s'", cases[i].name, e.msg,
                     cases[i].msg);
        if (strstr(e.msg, "SECRET"))
            fail_msg("case '%s': secret in '%s'", cases[i].name, e.msg);
        kube_creds_free(cr);
        kube_config_free(&c);
    }

    /* a plugin that is not installed: the install hint is shown */
    {
        const char *path = put("exec/missing.yaml",
                               "current-context: c\n"
                               "contexts: [{name: c, context: {cluster: k, user: u}}]\n"
                               "clusters: [{name: k, cluster: {server: 'https://x'}}]\n"
                               "users:\n- name: u\n  user:\n    exec:\n"
                               "      apiVersion: client.authentication.k8s.io/v1beta1\n"
                               "      command: hpa-no-such-plugin\n"
                               "      installHint: run apt-get install it\n");
        kube_config c;
        kube_creds *cr;
        kube_auth a;
        hpa_err e;

        assert_int_equal(kube_config_load_files(path, true, NULL, &c, &e), HPA_OK);
        assert_string_equal(c.exec->interactive_mode, "IfAvailable");
        cr = kube_creds_new(&c);
        assert_int_equal(kube_creds_get(cr, 0, 0, &a, &e), HPA_EIO);
        assert_non_null(strstr(e.msg, "hpa-no-such-plugin"));
        assert_non_null(strstr(e.msg, "run apt-get install it"));
        kube_creds_free(cr);
        kube_config_free(&c);
    }
}

static void test_json_kubeconfig(void **state)
{
    const char *path = put("json/config.json",
                           "{\"current-context\": \"j\",\n"
                           " \"contexts\": [{\"name\": \"j\", \"context\": "
                           "{\"cluster\": \"k\", \"user\": \"u\"}}],\n"
                           " \"clusters\": [{\"name\": \"k\", \"cluster\": "
                           "{\"server\": \"http://json.test:8080\"}}],\n"
                           " \"users\": [{\"name\": \"u\", \"user\": "
                           "{\"client-key-data\": \"@@\", \"client-certificate-data\": \"QQ==\"}}]}\n");
    kube_config c;
    hpa_err e;

    (void)state;
    assert_int_equal(kube_config_load_files(path, true, NULL, &c, &e), HPA_EINVAL);
    assert_string_equal(e.path, "users[0].user.client-key-data");
    assert_int_equal(e.line, 4);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cluster_fields),
        cmocka_unit_test(test_user_kinds),
        cmocka_unit_test(test_merge),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_bad_inputs),
        cmocka_unit_test(test_base64),
        cmocka_unit_test(test_in_cluster),
        cmocka_unit_test(test_token_file_rotation),
        cmocka_unit_test(test_exec_plugin),
        cmocka_unit_test(test_exec_failures),
        cmocka_unit_test(test_json_kubeconfig),
    };

    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
