/*
 * bench_recommend.c - the cost of a whole `recommend` call for input (a)
 * of bench_decide (10 pods, one CPU metric, empty state):
 *
 *   in process: read the snapshot text (libyaml, with positions), build
 *   the model, decide, write the decision JSON - everything the command
 *   does except starting a process and reading a file;
 *
 *   as a command: `hpa-engine recommend FILE` run N times (fork + exec),
 *   when $HPA_ENGINE names the binary (make bench sets it).
 *
 * Uses the wall clock (this is a benchmark, not the core).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "codec/codec.h"
#include "hpa/decide.h"

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Snapshot (a): 10 ready pods at 90 % of a 250m request, target 70 %. */
static char *snapshot_a(void)
{
    hpa_strbuf b = HPA_STRBUF_INIT;
    int i;

    hpa_strbuf_append(&b,
        "{\"now\":\"2026-11-29T10:00:00Z\",\"hpa\":{\"apiVersion\":\"autoscaling/v2\","
        "\"kind\":\"HorizontalPodAutoscaler\",\"metadata\":{\"name\":\"web\",\"namespace\":\"default\"},"
        "\"spec\":{\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"web\"},"
        "\"minReplicas\":1,\"maxReplicas\":50,\"metrics\":[{\"type\":\"Resource\",\"resource\":"
        "{\"name\":\"cpu\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":70}}}]}},"
        "\"scale\":{\"spec\":{\"replicas\":10},\"status\":{\"replicas\":10,\"selector\":\"app=web\"}},"
        "\"pods\":{\"items\":[");
    for (i = 0; i < 10; i++)
        hpa_strbuf_printf(&b,
            "%s{\"metadata\":{\"name\":\"web-%d\",\"labels\":{\"app\":\"web\"}},"
            "\"spec\":{\"containers\":[{\"name\":\"app\",\"resources\":{\"requests\":{\"cpu\":\"250m\"}}}]},"
            "\"status\":{\"phase\":\"Running\",\"startTime\":\"2026-11-29T08:00:00Z\",\"conditions\":"
            "[{\"type\":\"Ready\",\"status\":\"True\",\"lastTransitionTime\":\"2026-11-29T08:01:00Z\"}]}}",
            i ? "," : "", i);
    hpa_strbuf_append(&b, "]},\"podMetrics\":{\"items\":[");
    for (i = 0; i < 10; i++)
        hpa_strbuf_printf(&b,
            "%s{\"metadata\":{\"name\":\"web-%d\"},\"timestamp\":\"2026-11-29T09:59:45Z\","
            "\"window\":\"30s\",\"containers\":[{\"name\":\"app\",\"usage\":{\"cpu\":\"225m\"}}]}",
            i ? "," : "", i);
    hpa_strbuf_append(&b, "]},\"state\":{\"recommendations\":[]}}");
    return b.s;
}

/* One recommend, in process. Returns the length of the output (so that
 * the work cannot be optimised away), -1 on failure. */
static long recommend_once(const char *text, size_t len)
{
    hpa_docset set = {0};
    hpa_codec_rec r;
    hpa_err e;
    json_t *doc = NULL;
    char *out = NULL;
    long n = -1;

    hpa_codec_rec_init(&r);
    if (hpa_docset_load_buffer(text, len, "bench", &set, &e) != HPA_OK || set.n != 1)
        goto out;
    if (hpa_codec_recommend(&r, set.docs[0].root, NULL, &doc, &e) != HPA_OK)
        goto out;
    out = json_dumps(doc, JSON_INDENT(2));
    if (out)
        n = (long)strlen(out);
out:
    free(out);
    json_decref(doc);
    hpa_codec_rec_free(&r);
    hpa_docset_free(&set);
    return n;
}

static double run_command(const char *bin, const char *file, int n)
{
    double t0;
    int i, status;

    fflush(stdout);     /* the children must not inherit buffered output */
    t0 = now_ns();
    for (i = 0; i < n; i++) {
        pid_t pid = fork();

        if (pid < 0)
            return -1;
        if (pid == 0) {
            if (!freopen("/dev/null", "w", stdout))
                _exit(127);
            execl(bin, bin, "recommend", file, (char *)NULL);
            _exit(127);
        }
        if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
            return -1;
    }
    return (now_ns() - t0) / n;
}

int main(void)
{
    char *text = snapshot_a();
    size_t len;
    const char *bin = getenv("HPA_ENGINE");
    long iters = 20000, i, total = 0;
    double t0, per;

    if (!text) {
        fprintf(stderr, "bench_recommend: out of memory\n");
        return 1;
    }
    len = strlen(text);
    if (recommend_once(text, len) <= 0) {
        fprintf(stderr, "bench_recommend: the snapshot did not give a decision\n");
        free(text);
        return 1;
    }
    t0 = now_ns();
    for (i = 0; i < iters; i++)
        total += recommend_once(text, len);
    per = (now_ns() - t0) / (double)iters;
    printf("bench_recommend (a) parse + decide + print, in process: %.1f us/call "
           "(%ld bytes of output)\n", per / 1000.0, total / iters);
    if (bin && *bin) {
        char path[] = "/tmp/hpa-bench-recommend-XXXXXX";
        int fd = mkstemp(path);
        double cmd;

        if (fd < 0 || write(fd, text, len) != (ssize_t)len) {
            fprintf(stderr, "bench_recommend: cannot write a temporary snapshot\n");
            free(text);
            return 1;
        }
        close(fd);
        cmd = run_command(bin, path, 200);
        unlink(path);
        if (cmd < 0) {
            fprintf(stderr, "bench_recommend: '%s recommend' failed\n", bin);
            free(text);
            return 1;
        }
        printf("bench_recommend (a) `hpa-engine recommend FILE` as a process: %.2f ms/call\n",
               cmd / 1e6);
    }
    free(text);
    return 0;
}
