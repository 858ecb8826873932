/* test_sim.c - the simulator's model, pinned by trajectories computed by
 * hand (the arithmetic is in the comments), plus bounds and determinism. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "codec/codec.h"
#include "fleet.h"
#include "report.h"
#include "run.h"
#include "scenario.h"

/* A policy from YAML text, defaulted by the codec as a file would be. */
static void load_policy(const char *yaml, hpa_arena *a, hpa_spec *spec)
{
    hpa_docset ds;
    hpa_err e;

    hpa_arena_init(a);
    assert_int_equal(hpa_docset_load_buffer(yaml, strlen(yaml), "policy", &ds, &e), HPA_OK);
    if (hpa_codec_hpa_from_json(ds.docs[0].root, a, spec, &e) != HPA_OK)
        fail_msg("policy: %s", e.msg);
    hpa_docset_free(&ds);
}

/* A model in which a new pod is Ready the moment it is created, so that
 * only the metrics pipeline's lag shapes the trajectory. */
static void instant_model(sim_model *m)
{
    sim_model_default(m);
    m->scheduling_delay_s = 0;
    m->startup_s = 0;
    m->readiness_initial_delay_s = 0;
    m->termination_grace_s = 0;
}

/* `n` cells of 15 s: `lo` before `t_step` seconds, `hi` from then on. */
static void step_series(sim_series *s, size_t n, double t_step, double lo, double hi)
{
    size_t i;

    s->step_s = 15;
    s->n = n;
    s->epoch = 1700000000000LL;
    s->v = malloc(n * sizeof(double));
    assert_non_null(s->v);
    for (i = 0; i < n; i++)
        s->v[i] = (double)i * 15 < t_step ? lo : hi;
}

static const char *const percent_up_only =
    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: t}\n"
    "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: app}\n"
    "  minReplicas: 1\n  maxReplicas: 64\n"
    "  metrics:\n  - type: Resource\n    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}\n"
    "  behavior:\n"
    "    scaleUp: {stabilizationWindowSeconds: 0, selectPolicy: Max, policies: [{type: Percent, value: 100, periodSeconds: 15}]}\n"
    "    scaleDown: {stabilizationWindowSeconds: 300, policies: [{type: Percent, value: 100, periodSeconds: 15}]}\n";

static const char *const no_behavior =
    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: t}\n"
    "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: app}\n"
    "  minReplicas: 1\n  maxReplicas: 64\n"
    "  metrics:\n  - type: Resource\n    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}\n";

typedef struct traj_case {
    const char *name;
    const char *policy;
    int32_t initial;
    double lo, hi, t_step;
    size_t n_events;
    sim_scale_event want[8];      /* t in ms */
} traj_case;

/* The target is 50 % of 250m = 125m = 10m + 46 req/s x 2.5m: 46 req/s per pod.
 *
 * "doubling": 1472 req/s = 32 x 46 from t = 300 s on 1 pod. Samples and syncs
 * are every 15 s, the sample first. At 315 the sample of [300, 315) shows
 * the pod at its 500m limit (200 %): ratio 4, proposal 4, the 100 % policy
 * allows 2. At 330 both pods have a sample (a pod needs one full window
 * of running: 315 <= 330 - 15) and are not initializing-unready (metric
 * timestamp 330 is not before Ready 315 + 15 s window): 200 % again, 2 -> 4
 * (the event at 315 is not strictly after 330 - 15). 345: 4 -> 8. 360:
 * 8 -> 16. 375: 16 pods get 92 req/s = 240m = 96 %, ratio 1.92, ceil(30.72)
 * = 31, within the limit of 32. 390: 31 pods at 47.5 req/s = 129m = 51 %
 * (int), ratio 1.02, inside the tolerance: no change.
 *
 * "step to 4": 184 req/s on 1 pod: 470m = 188 %, ratio 3.76 -> 4, limit 2 at
 * 315; at 330 two pods at 92 req/s = 96 %, ceil(1.92 x 2) = 4; 4 pods at
 * 46 req/s are exactly on target.
 *
 * "down, behavior": 4 pods on target until 600 s, then 20 req/s: 5 req/s a
 * pod = 22.5m -> 22m = 8 %, proposal 1. The recommendation of 4 recorded at
 * the 600 s sync holds the count while it is inside the 300 s window, i.e.
 * strictly after now - 300: the first scale-down is at 900 s.
 *
 * "down, no behavior": the older rule counts an entry exactly at the
 * cutoff too, so 600 still holds at 900: the scale-down comes at 915 s. */
static const traj_case traj_cases[] = {
    {"doubling", percent_up_only, 1, 1, 1472, 300, 5,
     {{315000, 1, 2}, {330000, 2, 4}, {345000, 4, 8}, {360000, 8, 16}, {375000, 16, 31}}},
    {"step to 4", percent_up_only, 1, 1, 184, 300, 2, {{315000, 1, 2}, {330000, 2, 4}}},
    {"down, behavior", percent_up_only, 4, 184, 20, 600, 1, {{900000, 4, 1}}},
    {"down, no behavior", no_behavior, 4, 184, 20, 600, 1, {{915000, 4, 1}}},
};

static void test_trajectories(void **state)
{
    size_t c, i;

    (void)state;
    for (c = 0; c < sizeof(traj_cases) / sizeof(traj_cases[0]); c++) {
        const traj_case *tc = &traj_cases[c];
        hpa_arena a;
        hpa_spec spec;
        sim_model m;
        sim_series s;
        sim_result r;
        hpa_err e;

        load_policy(tc->policy, &a, &spec);
        instant_model(&m);
        m.initial_replicas = tc->initial;
        step_series(&s, 120, tc->t_step, tc->lo, tc->hi);
        if (sim_run(&spec, &m, &s, 1, true, &r, &e) != HPA_OK)
            fail_msg("%s: %s", tc->name, e.msg);
        if (r.n_events != tc->n_events) {
            for (i = 0; i < r.n_events; i++)
                print_message("%s: event %zu at %lld: %d -> %d\n", tc->name, i, (long long)r.events[i].t,
                              r.events[i].from, r.events[i].to);
            fail_msg("%s: %zu scale events, want %zu", tc->name, r.n_events, tc->n_events);
        }
        for (i = 0; i < r.n_events; i++)
            if (r.events[i].t != tc->want[i].t || r.events[i].from != tc->want[i].from ||
                r.events[i].to != tc->want[i].to)
                fail_msg("%s: event %zu is %d -> %d at %lld ms, want %d -> %d at %lld ms", tc->name, i,
                         r.events[i].from, r.events[i].to, (long long)r.events[i].t, tc->want[i].from,
                         tc->want[i].to, (long long)tc->want[i].t);
        sim_result_free(&r);
        sim_series_free(&s);
        hpa_arena_free(&a);
    }
}

/* Pods serve only once Ready: with the default life cycle (2 s scheduling,
 * 15 s start-up, probes at 10 s then every 5 s) the pod the controller adds
 * at 315 s is Running at 317 s and Ready at 317 + 15 = 332 s. The step
 * [315, 330) has one pod of capacity (196 req/s = (500 - 10) / 2.5); the
 * step [330, 345) has 1 pod for 2 s and 2 pods for 13 s: 28/15 x 196 (pods
 * added at 330 s are Ready only at 347 s). */
static void test_capacity_only_when_ready(void **state)
{
    hpa_arena a;
    hpa_spec spec;
    sim_model m;
    sim_series s;
    sim_result r;
    hpa_err e;
    size_t i;
    int seen = 0;

    (void)state;
    load_policy(percent_up_only, &a, &spec);
    sim_model_default(&m);
    m.initial_replicas = 1;
    step_series(&s, 60, 300, 1, 184);
    assert_true(fabs(sim_model_capacity_per_pod(&m) - 196) < 1e-9);
    assert_int_equal(sim_run(&spec, &m, &s, 1, true, &r, &e), HPA_OK);
    assert_true(r.n_events >= 1);
    assert_int_equal(r.events[0].t, 315000);
    assert_int_equal(r.events[0].to, 2);
    for (i = 0; i < r.n_rows; i++) {
        if (r.rows[i].t_s == 315) {
            assert_true(fabs(r.rows[i].capacity - 196) < 1e-9);
            assert_int_equal(r.rows[i].ready, 1);
            assert_int_equal(r.rows[i].desired, 2);
            seen++;
        }
        if (r.rows[i].t_s == 330) {
            assert_true(fabs(r.rows[i].capacity - 28.0 / 15.0 * 196) < 1e-9);
            seen++;
        }
    }
    assert_int_equal(seen, 2);
    sim_result_free(&r);
    sim_series_free(&s);
    hpa_arena_free(&a);
}

static int ok_calls;
static void done_ok(void *arg, const hpa_err *err)
{
    (void)arg;
    assert_null(err);
    ok_calls++;
}

static void test_pod_lifecycle(void **state)
{
    static const struct {
        const char *name;
        sim_ms t;
        int32_t ready, alive;
        size_t objects;
    } steps[] = {
        {"before the scale-up", 314999, 1, 1, 1},
        {"scheduling", 316000, 1, 3, 3},
        {"running, not ready", 331999, 1, 3, 3},
        {"ready at 332 s", 332000, 3, 3, 3},
    };
    sim_model m;
    sim_series s;
    sim_cluster c;
    hpa_spec dummy;
    hpa_err e;
    size_t i;

    (void)state;
    sim_model_default(&m);
    step_series(&s, 100, 0, 100, 100);
    assert_int_equal(sim_cluster_init(&c, &m, &s, 1, 1, &e), HPA_OK);
    memset(&dummy, 0, sizeof(dummy));
    for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
        if (i == 1) {
            ok_calls = 0;
            sim_cluster_transitions(&c, 315000);
            sim_cluster_ops.set_replicas(&c, &dummy, 3, "1", s.epoch + 315000, done_ok, NULL);
            assert_int_equal(ok_calls, 1);
        }
        sim_cluster_transitions(&c, steps[i].t);
        if (c.n_ready != steps[i].ready || c.n_alive != steps[i].alive || c.n_pods != steps[i].objects)
            fail_msg("%s: ready %d alive %d objects %zu, want %d %d %zu", steps[i].name, c.n_ready,
                     c.n_alive, c.n_pods, steps[i].ready, steps[i].alive, steps[i].objects);
    }
    /* the next transition after 316 s is the Running at 317 s */
    assert_int_equal(sim_cluster_next_transition(&c, 316000), 317000);
    /* scale down to 1: the two newest Ready pods stop serving at once and
     * disappear after the 30 s grace period */
    ok_calls = 0;
    sim_cluster_ops.set_replicas(&c, &dummy, 1, "2", s.epoch + 400000, done_ok, NULL);
    assert_int_equal(ok_calls, 1);
    assert_int_equal(c.n_ready, 1);
    assert_int_equal(c.n_pods, 3);
    assert_string_equal(c.pods[0].name, "python-app-00000");
    assert_int_equal(c.pods[0].deleted, SIM_NEVER);
    sim_cluster_transitions(&c, 430000);
    assert_int_equal(c.n_pods, 1);
    sim_cluster_free(&c);
    sim_series_free(&s);
}

/* A stale resourceVersion is a conflict, as an API server's would be. */
static int conflict_calls;
static void done_conflict(void *arg, const hpa_err *err)
{
    (void)arg;
    assert_non_null(err);
    assert_non_null(strstr(err->msg, "the object has been modified"));
    conflict_calls++;
}

static void test_conflict(void **state)
{
    sim_model m;
    sim_series s;
    sim_cluster c;
    hpa_spec dummy;
    hpa_err e;

    (void)state;
    sim_model_default(&m);
    step_series(&s, 10, 0, 1, 1);
    assert_int_equal(sim_cluster_init(&c, &m, &s, 2, 1, &e), HPA_OK);
    memset(&dummy, 0, sizeof(dummy));
    sim_cluster_ops.set_replicas(&c, &dummy, 5, "999", s.epoch, done_conflict, NULL);
    assert_int_equal(conflict_calls, 1);
    assert_int_equal(c.replicas, 2);
    sim_cluster_free(&c);
    sim_series_free(&s);
}

/* Capacity: with room for 4 pods, a scale to 6 leaves 2 Pending. */
static void test_cluster_capacity(void **state)
{
    sim_model m;
    sim_series s;
    sim_cluster c;
    hpa_spec dummy;
    hpa_err e;
    size_t i, bound = 0;

    (void)state;
    sim_model_default(&m);
    m.max_pods = 4;
    step_series(&s, 10, 0, 1, 1);
    assert_int_equal(sim_cluster_init(&c, &m, &s, 2, 1, &e), HPA_OK);
    memset(&dummy, 0, sizeof(dummy));
    ok_calls = 0;
    sim_cluster_ops.set_replicas(&c, &dummy, 6, "1", s.epoch + 1000, done_ok, NULL);
    sim_cluster_transitions(&c, 600000);
    for (i = 0; i < c.n_pods; i++)
        bound += c.pods[i].bound != SIM_NEVER;
    assert_int_equal(c.n_pods, 6);
    assert_int_equal(bound, 4);
    assert_int_equal(c.n_ready, 4);
    sim_cluster_free(&c);
    sim_series_free(&s);
}

/* Replicas never leave [min, max], whatever the load does. */
static void test_bounds(void **state)
{
    static const char *const policy =
        "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: b}\n"
        "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: app}\n"
        "  minReplicas: 2\n  maxReplicas: 7\n"
        "  metrics:\n  - type: Resource\n    resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}\n"
        "  behavior:\n    scaleDown: {stabilizationWindowSeconds: 30}\n";
    hpa_arena a;
    hpa_spec spec;
    sim_model m;
    sim_series s;
    sim_result r;
    hpa_err e;
    size_t i;
    uint64_t x = 12345;

    (void)state;
    load_policy(policy, &a, &spec);
    sim_model_default(&m);
    m.noise = 0.2;
    m.startup_sd_s = 10;
    s.step_s = 60;
    s.n = 600;
    s.epoch = 0;
    s.v = malloc(s.n * sizeof(double));
    assert_non_null(s.v);
    for (i = 0; i < s.n; i++) {
        /* a rough random walk from 0 to 3000 req/s */
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        s.v[i] = (double)((x >> 33) % 3000);
    }
    assert_int_equal(sim_run(&spec, &m, &s, 9, true, &r, &e), HPA_OK);
    assert_true(r.n_events > 10);
    for (i = 0; i < r.n_rows; i++)
        if (r.rows[i].desired < 2 || r.rows[i].desired > 7)
            fail_msg("row %zu: %d replicas outside [2, 7]", i, r.rows[i].desired);
    for (i = 0; i < r.n_events; i++)
        assert_true(r.events[i].to >= 2 && r.events[i].to <= 7);
    assert_true(r.sum.min_replicas >= 2 && r.sum.max_replicas <= 7);
    assert_true(r.sum.overload_seconds > 0);
    assert_true(r.sum.unserved_fraction > 0 && r.sum.unserved_fraction < 1);
    sim_result_free(&r);
    sim_series_free(&s);
    hpa_arena_free(&a);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *b;
    long n;

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = malloc((size_t)n + 1);
    assert_non_null(b);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* Same inputs and seed -> identical bytes, also across thread counts. */
static void test_determinism(void **state)
{
    hpa_arena a;
    hpa_spec spec;
    sim_model m;
    sim_series s;
    sim_job jobs[2][6];
    sim_labeled runs[2][6];
    char dir[32];
    const char *kinds[3] = {"json", "csv", "html"};
    char *files[2][3];
    size_t len[2][3], i, k;
    int t;
    hpa_err e;
    sim_report_meta meta = {SIM_MODE_FLEET, 5, "determinism", NULL};

    (void)state;
    /* mkdtemp's template: six 'X' at the end */
    snprintf(dir, sizeof(dir), "/tmp/test_sim_%6s", "");
    memset(dir + strlen(dir) - 6, 'X', 6);
    assert_non_null(mkdtemp(dir));
    load_policy(percent_up_only, &a, &spec);
    sim_model_default(&m);
    m.noise = 0.1;
    m.startup_sd_s = 5;
    m.sync_jitter_s = 2;
    step_series(&s, 400, 1800, 50, 900);
    for (t = 0; t < 2; t++) {
        for (i = 0; i < 6; i++) {
            memset(&jobs[t][i], 0, sizeof(jobs[t][i]));
            jobs[t][i].spec = &spec;
            jobs[t][i].model = &m;
            jobs[t][i].load = &s;
            jobs[t][i].seed = sim_fleet_seed(5, i);
            jobs[t][i].keep_rows = true;
            memset(&runs[t][i], 0, sizeof(runs[t][i]));
            runs[t][i].name = "w";
            runs[t][i].r = &jobs[t][i].res;
        }
        /* one thread, then four */
        assert_int_equal(sim_fleet_run(jobs[t], 6, t == 0 ? 1 : 4, &e), HPA_OK);
        for (k = 0; k < 3; k++) {
            char path[256];
            hpa_errcode rc;
            snprintf(path, sizeof(path), "%s/out%d.%s", dir, t, kinds[k]);
            rc = k == 0 ? sim_report_write_json(path, &meta, runs[t], 6, &e)
               : k == 1 ? sim_report_write_csv(path, &meta, runs[t], 6, &e)
                        : sim_report_write_html(path, &meta, runs[t], 6, &e);
            assert_int_equal(rc, HPA_OK);
            files[t][k] = slurp(path, &len[t][k]);
            unlink(path);
        }
    }
    for (k = 0; k < 3; k++) {
        if (len[0][k] != len[1][k] || memcmp(files[0][k], files[1][k], len[0][k]))
            fail_msg("%s output differs between runs", kinds[k]);
        assert_true(len[0][k] > 100);
    }
    /* the noise makes the workloads differ from each other */
    assert_true(jobs[0][0].res.sum.util_p99 != jobs[0][1].res.sum.util_p99 ||
                jobs[0][0].res.sum.pod_seconds != jobs[0][1].res.sum.pod_seconds);
    for (t = 0; t < 2; t++) {
        for (k = 0; k < 3; k++)
            free(files[t][k]);
        for (i = 0; i < 6; i++)
            sim_result_free(&jobs[t][i].res);
    }
    rmdir(dir);
    sim_series_free(&s);
    hpa_arena_free(&a);
}

/* M/M/c against values worked out by hand: c = 1 is M/M/1, W = 1/(mu -
 * lambda); c = 2, lambda = mu = 1: a = 1, B = 1/5, C = 1/3, W = 1 + 1/3. */
static void test_mmc(void **state)
{
    (void)state;
    assert_true(fabs(sim_mmc_response(1, 1, 2, 10) - 1.0) < 1e-12);
    assert_true(fabs(sim_mmc_response(1, 2, 1, 10) - 4.0 / 3.0) < 1e-12);
    assert_true(sim_mmc_response(5, 2, 2, 10) == 10);
    assert_true(sim_mmc_response(1, 0, 2, 10) == 10);
    assert_true(fabs(sim_mmc_response(0, 3, 4, 10) - 0.25) < 1e-12);
}

/* The summary: flaps are reversals within the scale-down window. */
static void test_summary_flaps(void **state)
{
    sim_result r;
    sim_model m;
    hpa_spec spec;
    sim_scale_event ev[] = {{0, 3, 6}, {100000, 6, 4}, {500000, 4, 8}, {520000, 8, 8}, {530000, 8, 5}};

    (void)state;
    memset(&r, 0, sizeof(r));
    memset(&spec, 0, sizeof(spec));
    sim_model_default(&m);
    spec.min_replicas = 3;
    spec.max_replicas = 10;
    r.events = ev;
    r.n_events = 5;
    r.hpa_max = 10;
    r.step_s = 15;
    sim_summarize(&r, &m, &spec);
    assert_int_equal(r.sum.scale_ups, 2);
    assert_int_equal(r.sum.scale_downs, 2);
    /* 0 -> 100 s: up then down within 300 s; 100 -> 500 s: 400 s apart */
    assert_int_equal(r.sum.flaps, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_trajectories),
        cmocka_unit_test(test_capacity_only_when_ready),
        cmocka_unit_test(test_pod_lifecycle),
        cmocka_unit_test(test_conflict),
        cmocka_unit_test(test_cluster_capacity),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_determinism),
        cmocka_unit_test(test_mmc),
        cmocka_unit_test(test_summary_flaps),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
