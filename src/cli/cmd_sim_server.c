/*
 * cmd_sim_server.c - `hpa-engine sim-server`: the simulated cluster served
 * as a Kubernetes API on localhost (docs/sim-server.md).
 *
 * Prints "listening on http(s)://HOST:PORT" on stdout once the socket is
 * bound, writes a kubeconfig (mode 0600: it carries the token) and serves
 * until SIGTERM or SIGINT (exit 0).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "cli/cli.h"
#include "server/faults.h"
#include "server/server.h"
#include "server/world.h"
#include "util/tls_selfsigned.h"

static void sim_server_usage(FILE *out)
{
    fprintf(out,
            "usage: hpa-engine sim-server (--scenario S.yaml | --policy P.yaml --trace T.csv)\n"
            "           [--listen 127.0.0.1:PORT | --port PORT] [--kubeconfig-out FILE]\n"
            "           [--tls] [--tls-cert F --tls-key F] [--token TOKEN] [--speed X]\n"
            "           [--faults SPEC] [--seed N] [--autoscale] [--workloads N] [-v]\n\n"
            "Serve the simulated cluster as a Kubernetes API (deployments, pods, metrics,\n"
            "HorizontalPodAutoscalers, leases, events) for kubectl and `hpa-engine run`.\n\n"
            "  --listen H:P        address to listen on (default 127.0.0.1:0 = a free port)\n"
            "  --port P            the same, on 127.0.0.1\n"
            "  --kubeconfig-out F  write a kubeconfig for this server (mode 0600)\n"
            "  --tls               serve HTTPS with a generated CA and certificate\n"
            "  --tls-cert/--tls-key  serve HTTPS with this PEM certificate and key\n"
            "  --token T           require `Authorization: Bearer T` (401 otherwise)\n"
            "  --speed X           simulated seconds per real second (default 1)\n"
            "  --faults SPEC       inject faults, e.g. 500:0.05,429:0.05:retry-after=2,outage:600s-720s\n"
            "  --seed N            seed of the simulation and the faults (default 1)\n"
            "  --autoscale         run the engine's controller loop inside the server\n"
            "  --workloads N       N copies of the workload (python-app-0..N-1)\n"
            "  -v, --verbose       log every request on stderr\n");
}

static char *read_file(const char *path, hpa_err *e)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!f) {
        hpa_err_set(e, HPA_EIO, NULL, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && n < (1 << 20) && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) != NULL) {
        if (fread(buf, 1, (size_t)n, f) == (size_t)n) {
            buf[n] = '\0';
        } else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    if (!buf)
        hpa_err_set(e, HPA_EIO, NULL, "cannot read %s", path);
    return buf;
}

static char *base64(const char *s)
{
    size_t n = strlen(s);
    char *out = malloc(4 * ((n + 2) / 3) + 1);

    if (out)
        EVP_EncodeBlock((unsigned char *)out, (const unsigned char *)s, (int)n);
    return out;
}

/* The token is written to the file only, never printed. */
static int write_kubeconfig(const char *path, const char *url, const char *ca_pem, const char *token)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    FILE *f;
    char *ca = ca_pem ? base64(ca_pem) : NULL;
    int rc;

    if (fd < 0 || (ca_pem && !ca)) {
        if (fd >= 0)
            close(fd);
        free(ca);
        return -1;
    }
    f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        free(ca);
        return -1;
    }
    fprintf(f, "apiVersion: v1\nkind: Config\nclusters:\n- name: hpa-sim\n  cluster:\n    server: %s\n", url);
    if (ca)
        fprintf(f, "    certificate-authority-data: %s\n", ca);
    fprintf(f, "users:\n- name: hpa-sim\n  user:");
    if (token)
        fprintf(f, "\n    token: \"%s\"\n", token);
    else
        fprintf(f, " {}\n");
    fprintf(f, "contexts:\n- name: hpa-sim\n  context:\n    cluster: hpa-sim\n    user: hpa-sim\n"
               "    namespace: default\ncurrent-context: hpa-sim\npreferences: {}\n");
    rc = fclose(f) == 0 ? 0 : -1;
    free(ca);
    return rc;
}

static int parse_listen(const char *v, char *host, size_t hlen, int *port)
{
    const char *c = strrchr(v, ':');
    char *end;
    long p;

    if (!c || c == v || (size_t)(c - v) >= hlen)
        return -1;
    p = strtol(c + 1, &end, 10);
    if (end == c + 1 || *end || p < 0 || p > 65535)
        return -1;
    memcpy(host, v, (size_t)(c - v));
    host[c - v] = '\0';
    *port = (int)p;
    return 0;
}

int cmd_sim_server(int argc, char **argv)
{
    sims_world_opts wo;
    sims_server_opts so;
    sims_world *w = NULL;
    sims_faults faults;
    sims_server *srv = NULL;
    hpa_tls_selfsigned tls;
    hpa_err e;
    char host[128] = "127.0.0.1", line[1100], url[200];
    const char *kubeconfig = NULL, *faults_spec = NULL, *cert_file = NULL, *key_file = NULL;
    char *cert = NULL, *key = NULL;
    bool tls_gen = false;
    int i, rc = HPA_EXIT_FAIL;
    struct timespec now;

    memset(&wo, 0, sizeof(wo));
    memset(&so, 0, sizeof(so));
    memset(&tls, 0, sizeof(tls));
    hpa_err_clear(&e);
    so.speed = 1;
    wo.seed = 1;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = true;
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            sim_server_usage(stdout);
            return HPA_EXIT_OK;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            so.verbose = true;
            takes = false;
        } else if (!strcmp(a, "--tls")) {
            tls_gen = true;
            takes = false;
        } else if (!strcmp(a, "--autoscale")) {
            wo.autoscale = true;
            takes = false;
        } else if (!v) {
            fprintf(stderr, "hpa-engine sim-server: %s needs a value (or is unknown)\n", a);
            sim_server_usage(stderr);
            return HPA_EXIT_USAGE;
        } else if (!strcmp(a, "--scenario")) {
            wo.scenario = v;
        } else if (!strcmp(a, "--policy")) {
            wo.policy = v;
        } else if (!strcmp(a, "--trace")) {
            wo.trace = v;
        } else if (!strcmp(a, "--listen")) {
            if (parse_listen(v, host, sizeof(host), &so.port)) {
                fprintf(stderr, "hpa-engine sim-server: --listen: expected HOST:PORT, got \"%s\"\n", v);
                return HPA_EXIT_USAGE;
            }
        } else if (!strcmp(a, "--port")) {
            char *end;
            long p = strtol(v, &end, 10);
            if (*end || end == v || p < 0 || p > 65535) {
                fprintf(stderr, "hpa-engine sim-server: --port: expected 0..65535, got \"%s\"\n", v);
                return HPA_EXIT_USAGE;
            }
            so.port = (int)p;
        } else if (!strcmp(a, "--kubeconfig-out")) {
            kubeconfig = v;
        } else if (!strcmp(a, "--tls-cert")) {
            cert_file = v;
        } else if (!strcmp(a, "--tls-key")) {
            key_file = v;
        } else if (!strcmp(a, "--token")) {
            so.token = v;
        } else if (!strcmp(a, "--speed")) {
            char *end;
            so.speed = strtod(v, &end);
            if (*end || end == v || !(so.speed > 0 && so.speed <= 1e6)) {
                fprintf(stderr, "hpa-engine sim-server: --speed: expected a number > 0, got \"%s\"\n", v);
                return HPA_EXIT_USAGE;
            }
        } else if (!strcmp(a, "--faults")) {
            faults_spec = v;
        } else if (!strcmp(a, "--seed")) {
            char *end;
            wo.seed = strtoull(v, &end, 10);
            if (*end || end == v) {
                fprintf(stderr, "hpa-engine sim-server: --seed: expected a whole number, got \"%s\"\n", v);
                return HPA_EXIT_USAGE;
            }
        } else if (!strcmp(a, "--workloads")) {
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || end == v || n < 1 || n > 10000) {
                fprintf(stderr, "hpa-engine sim-server: --workloads: expected 1..10000, got \"%s\"\n", v);
                return HPA_EXIT_USAGE;
            }
            wo.workloads = (int)n;
        } else {
            fprintf(stderr, "hpa-engine sim-server: unknown option %s\n", a);
            sim_server_usage(stderr);
            return HPA_EXIT_USAGE;
        }
        if (takes)
            i++;
    }
    if (!wo.scenario && (!wo.policy || !wo.trace)) {
        fprintf(stderr, "hpa-engine sim-server: give --scenario, or --policy and --trace\n");
        return HPA_EXIT_USAGE;
    }
    if (!cert_file != !key_file) {
        fprintf(stderr, "hpa-engine sim-server: --tls-cert and --tls-key go together\n");
        return HPA_EXIT_USAGE;
    }
    if (sims_faults_parse(faults_spec, wo.seed, &faults, &e) != HPA_OK) {
        fprintf(stderr, "hpa-engine sim-server: %s: %s\n", e.path, e.msg);
        return HPA_EXIT_USAGE;
    }
    clock_gettime(CLOCK_REALTIME, &now);
    wo.epoch = (hpa_time_t)now.tv_sec * 1000 + now.tv_nsec / 1000000;
    w = calloc(1, sizeof(*w));
    if (!w) {
        fprintf(stderr, "hpa-engine sim-server: out of memory\n");
        return HPA_EXIT_FAIL;
    }
    if (sims_world_init(w, &wo, &e) != HPA_OK) {
        fprintf(stderr, "hpa-engine sim-server: %s\n", hpa_err_format(&e, line, sizeof(line)));
        free(w);
        return HPA_EXIT_USAGE;
    }
    if (cert_file) {
        if (!(cert = read_file(cert_file, &e)) || !(key = read_file(key_file, &e))) {
            fprintf(stderr, "hpa-engine sim-server: %s\n", e.msg);
            rc = HPA_EXIT_USAGE;
            goto out;
        }
        so.cert_pem = cert;
        so.key_pem = key;
    } else if (tls_gen) {
        const char *names[] = {"127.0.0.1", "localhost", "::1", host};
        if (hpa_tls_selfsigned_make("hpa-engine-sim-server", names, strcmp(host, "127.0.0.1") &&
                                    strcmp(host, "localhost") ? 4 : 3, 365, &tls, &e) != HPA_OK) {
            fprintf(stderr, "hpa-engine sim-server: %s\n", e.msg);
            goto out;
        }
        so.cert_pem = tls.cert_pem;
        so.key_pem = tls.key_pem;
    }
    so.host = host;
    srv = sims_server_new(w, faults_spec ? &faults : NULL, &so, &e);
    if (!srv) {
        fprintf(stderr, "hpa-engine sim-server: %s\n", e.msg);
        goto out;
    }
    snprintf(url, sizeof(url), "%s://%s%s%s:%d", so.cert_pem ? "https" : "http", strchr(host, ':') ? "[" : "", host,
             strchr(host, ':') ? "]" : "", sims_server_port(srv));
    if (kubeconfig && write_kubeconfig(kubeconfig, url, cert_file ? cert : tls.ca_cert_pem, so.token)) {
        fprintf(stderr, "hpa-engine sim-server: cannot write %s: %s\n", kubeconfig, strerror(errno));
        goto out;
    }
    printf("listening on %s\n", url);
    fflush(stdout);
    if (sims_server_run(srv, &e) != HPA_OK) {
        fprintf(stderr, "hpa-engine sim-server: %s\n", e.msg);
        goto out;
    }
    if (so.verbose)
        fprintf(stderr, "sim-server: stopped at simulated %.1f s\n", (double)w->now / 1000.0);
    rc = HPA_EXIT_OK;
out:
    sims_server_free(srv);
    sims_world_free(w);
    free(w);
    hpa_tls_selfsigned_free(&tls);
    free(cert);
    if (key) {
        memset(key, 0, strlen(key));
        free(key);
    }
    return rc;
}
