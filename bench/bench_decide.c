/* bench_decide.c - time hpa_decide() on two inputs built as structs:
 *
 *  (a) 10 pods, one CPU metric, empty state    target: < 1 us per decision
 *  (b) 1,000 pods, CPU and memory metrics, 60 recorded recommendations,
 *      20 recorded scale events (behavior)      target: < 100 us
 *
 * Allocation check for (a): after a warm-up decision, every further
 * decision must leave the workspace's arena chunk pointer, its scratch
 * pointer and the state's array pointers and capacities unchanged. The
 * arena and the scratch block are the only places hpa_decide takes memory
 * from, and the state only grows through hpa_state_push_*, so unchanged
 * pointers and capacities mean no heap allocation happened. The state is
 * rewound to empty between iterations (as a fresh "empty state").
 *
 * The clock is read here only (clock_gettime), never in the core. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hpa/decide.h"

#define T0 1795860000000LL

static double now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

typedef struct input {
    hpa_spec spec;
    hpa_metric_spec metrics[2];
    hpa_scaling_policy up_pol[2], down_pol[1];
    hpa_label label;
    hpa_pod *pods;
    hpa_container *ctrs;
    hpa_resource *reqs;
    hpa_pod_metrics *pm;
    hpa_container_metrics *pmc;
    hpa_resource *usage;
    char (*names)[24];
    hpa_snapshot snap;
} input;

static int build(input *in, size_t n, bool memory, bool behavior)
{
    size_t i;

    memset(in, 0, sizeof(*in));
    in->pods = calloc(n, sizeof(*in->pods));
    in->ctrs = calloc(n, sizeof(*in->ctrs));
    in->reqs = calloc(2 * n, sizeof(*in->reqs));
    in->pm = calloc(n, sizeof(*in->pm));
    in->pmc = calloc(n, sizeof(*in->pmc));
    in->usage = calloc(2 * n, sizeof(*in->usage));
    in->names = calloc(n, sizeof(*in->names));
    if (!in->pods || !in->ctrs || !in->reqs || !in->pm || !in->pmc || !in->usage || !in->names)
        return -1;
    in->label = (hpa_label){"app", "web"};
    for (i = 0; i < n; i++) {
        hpa_pod *p = &in->pods[i];

        snprintf(in->names[i], sizeof(in->names[i]), "web-7d9f8c6b5-%05zu", i);
        p->name = in->names[i];
        p->labels = (hpa_labels){1, &in->label};
        p->phase = HPA_POD_RUNNING;
        p->has_start_time = true;
        p->start_time = T0 - 3600000;
        p->ready = HPA_COND_TRUE;
        p->ready_transition = T0 - 3500000;
        in->reqs[2 * i] = (hpa_resource){"cpu", 250};
        in->reqs[2 * i + 1] = (hpa_resource){"memory", 268435456000LL};
        in->ctrs[i].name = "app";
        in->ctrs[i].requests = (hpa_resource_list){2, &in->reqs[2 * i]};
        p->containers = &in->ctrs[i];
        p->n_containers = 1;
        in->usage[2 * i] = (hpa_resource){"cpu", 150 + (int64_t)(i % 100)};
        in->usage[2 * i + 1] = (hpa_resource){"memory", 200000000000LL + (int64_t)i * 1000};
        in->pmc[i].name = "app";
        in->pmc[i].usage = (hpa_resource_list){2, &in->usage[2 * i]};
        in->pm[i].name = in->names[i];
        in->pm[i].timestamp = T0 - 10000;
        in->pm[i].window = 30000;
        in->pm[i].containers = &in->pmc[i];
        in->pm[i].n_containers = 1;
    }
    in->spec.name = "web";
    in->spec.namespace_ = "default";
    in->spec.target = (hpa_object_ref){"apps/v1", "Deployment", "web"};
    in->spec.has_min_replicas = true;
    in->spec.min_replicas = 1;
    in->spec.max_replicas = (int32_t)(n * 2);
    in->metrics[0].type = HPA_METRIC_RESOURCE;
    in->metrics[0].resource = "cpu";
    in->metrics[0].target.type = HPA_TARGET_UTILIZATION;
    in->metrics[0].target.has_average_utilization = true;
    in->metrics[0].target.average_utilization = 70;
    in->metrics[1] = in->metrics[0];
    in->metrics[1].resource = "memory";
    in->metrics[1].target.average_utilization = 80;
    in->spec.metrics = in->metrics;
    in->spec.n_metrics = memory ? 2 : 1;
    if (behavior) {
        in->spec.has_behavior = true;
        in->up_pol[0] = (hpa_scaling_policy){HPA_POLICY_PERCENT, 100, 15};
        in->up_pol[1] = (hpa_scaling_policy){HPA_POLICY_PODS, 2, 15};
        in->down_pol[0] = (hpa_scaling_policy){HPA_POLICY_PERCENT, 50, 60};
        in->spec.scale_up = (hpa_scaling_rules){true, 0, HPA_SELECT_MAX, 2, in->up_pol, false, {0, 0, 0}};
        in->spec.scale_down = (hpa_scaling_rules){true, 300, HPA_SELECT_MAX, 1, in->down_pol, false, {0, 0, 0}};
    }
    in->snap.now = T0;
    in->snap.hpa = &in->spec;
    in->snap.scale = (hpa_scale){(int32_t)n, (int32_t)n, "app=web", NULL};
    in->snap.pods = in->pods;
    in->snap.n_pods = n;
    in->snap.has_pod_metrics = true;
    in->snap.pod_metrics = in->pm;
    in->snap.n_pod_metrics = n;
    return 0;
}

static void release(input *in)
{
    free(in->pods);
    free(in->ctrs);
    free(in->reqs);
    free(in->pm);
    free(in->pmc);
    free(in->usage);
    free(in->names);
}

/* State (b): 60 recommendations over the last 10 minutes, 10 + 10 events. */
static int fill_state(hpa_state *s, const hpa_state *proto)
{
    hpa_state_free(s);
    return hpa_state_copy(s, proto) == HPA_OK ? 0 : -1;
}

int main(int argc, char **argv)
{
    hpa_options opts = hpa_options_default();
    hpa_workspace ws;
    hpa_state st, proto;
    hpa_decision d;
    hpa_err e;
    input a, b;
    long i, iters_a = 2000000, iters_b = 20000;
    double t0, t1, ns_a, ns_b;
    void *scratch, *chunk, *recs;
    size_t cap_recs;
    int rc = 0;

    /* optional: bench_decide ITERS_A ITERS_B (for profiling one input) */
    if (argc == 3) {
        iters_a = atol(argv[1]);
        iters_b = atol(argv[2]);
    }
    if (iters_a < 1)
        iters_a = 1;
    if (iters_b < 1)
        iters_b = 1;
    if (build(&a, 10, false, false) || build(&b, 1000, true, true)) {
        fprintf(stderr, "bench_decide: out of memory\n");
        return 1;
    }
    hpa_workspace_init(&ws);
    hpa_state_init(&st);
    hpa_state_init(&proto);

    /* (a) */
    st.known = true;
    if (hpa_state_reserve(&st, 4, 4) != HPA_OK ||
        hpa_decide(&a.snap, &opts, &st, &ws, NULL, &d, &e) != HPA_OK) {
        fprintf(stderr, "bench_decide: warm-up failed\n");
        return 1;
    }
    scratch = ws.scratch;
    chunk = ws.arena.head;
    recs = st.recs;
    cap_recs = st.cap_recs;
    t0 = now_ns();
    for (i = 0; i < iters_a; i++) {
        st.n_recs = 0;  /* empty state each time */
        if (hpa_decide(&a.snap, &opts, &st, &ws, NULL, &d, &e) != HPA_OK)
            return 1;
        if (ws.scratch != scratch || (void *)ws.arena.head != chunk || st.recs != recs ||
            st.cap_recs != cap_recs) {
            fprintf(stderr, "bench_decide: (a) touched the heap at iteration %ld\n", i);
            rc = 1;
            break;
        }
    }
    t1 = now_ns();
    ns_a = (t1 - t0) / (double)iters_a;
    printf("bench_decide (a) 10 pods, 1 cpu metric, empty state: %.0f ns/decision "
           "(desired %d; no heap allocation after the first call: %s)\n",
           ns_a, d.desired_replicas, rc ? "FAILED" : "ok");

    /* (b) */
    proto.known = true;
    for (i = 0; i < 60; i++) {
        hpa_recommendation r = {T0 - 600000 + i * 10000, (int32_t)(900 + i)};

        if (hpa_state_push_rec(&proto, r) != HPA_OK)
            return 1;
    }
    for (i = 0; i < 10; i++) {
        hpa_scale_event ev = {T0 - 120000 + i * 10000, 2, false};

        if (hpa_state_push_up(&proto, ev) != HPA_OK || hpa_state_push_down(&proto, ev) != HPA_OK)
            return 1;
    }
    if (fill_state(&st, &proto) || hpa_state_reserve(&st, 2, 2) != HPA_OK)
        return 1;
    if (hpa_decide(&b.snap, &opts, &st, &ws, NULL, &d, &e) != HPA_OK)
        return 1;
    t0 = now_ns();
    for (i = 0; i < iters_b; i++) {
        /* rewind the state in place (no allocation: same sizes) */
        memcpy(st.recs, proto.recs, proto.n_recs * sizeof(*st.recs));
        st.n_recs = proto.n_recs;
        memcpy(st.up, proto.up, proto.n_up * sizeof(*st.up));
        st.n_up = proto.n_up;
        memcpy(st.down, proto.down, proto.n_down * sizeof(*st.down));
        st.n_down = proto.n_down;
        if (hpa_decide(&b.snap, &opts, &st, &ws, NULL, &d, &e) != HPA_OK)
            return 1;
    }
    t1 = now_ns();
    ns_b = (t1 - t0) / (double)iters_b;
    printf("bench_decide (b) 1000 pods, cpu+memory, 60 recommendations, 20 events: "
           "%.0f ns/decision (desired %d)\n", ns_b, d.desired_replicas);
    printf("bench_decide targets: (a) < 1000 ns %s, (b) < 100000 ns %s\n",
           ns_a < 1000 ? "met" : "MISSED", ns_b < 100000 ? "met" : "MISSED");

    hpa_state_free(&st);
    hpa_state_free(&proto);
    hpa_workspace_free(&ws);
    release(&a);
    release(&b);
    return rc;
}
