/* test_sim_scenario.c - scenario files: defaults, inheritance in fleets,
 * paths relative to the file, and errors that name file, line and field. */
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

#include "scenario.h"

static void test_fleet_example(void **state)
{
    sim_scenario s;
    hpa_err e;
    const sim_workload *b;

    (void)state;
    if (sim_scenario_load("sim/scenarios/fleet-example.yaml", &s, &e) != HPA_OK)
        fail_msg("%s:%d: %s: %s", e.file, e.line, e.path, e.msg);
    assert_true(s.fleet);
    assert_true(s.has_seed);
    assert_int_equal(s.seed, 3);
    assert_int_equal(s.n, 4);
    assert_string_equal(s.w[0].name, "shop-frontend");
    /* inherited from the top level, paths relative to the scenario */
    assert_string_equal(s.w[0].policy, "sim/scenarios/../../policies/python-app-hpa.yaml");
    assert_string_equal(s.w[0].trace.file, "sim/scenarios/../traces/worldcup98_requests_per_min.csv");
    assert_true(s.w[0].trace.opts.from_s == 5875200);
    assert_true(s.w[0].trace.opts.load_scale == 0.4);
    assert_true(s.w[0].model.noise == 0.05);
    assert_string_equal(s.w[0].model.name, "shop-frontend");
    assert_string_equal(s.w[1].policy, "sim/scenarios/../../policies/default-behavior.yaml");
    /* overridden per workload; the rest stays at the defaults */
    b = &s.w[3];
    assert_string_equal(b->name, "batch-api");
    assert_int_equal(b->trace.kind, SIM_TRACE_CPU);
    assert_string_equal(b->trace.unit, "percent");
    assert_true(b->trace.cpu_per_unit_m == 30);
    assert_true(b->model.startup_s == 45);
    assert_int_equal(b->model.max_pods, 8);
    assert_true(b->model.noise == 0.05);
    assert_true(b->model.readiness_period_s == 5);
    assert_int_equal(b->model.cpu_request_m, 250);
    assert_true(s.w[2].trace.opts.peak == 800);
    sim_scenario_free(&s);
}

static void test_explicit_defaults(void **state)
{
    sim_scenario s;
    sim_model d;
    hpa_err e;
    const sim_model *m;

    (void)state;
    /* python-app.yaml writes every setting at its default */
    assert_int_equal(sim_scenario_load("sim/scenarios/python-app.yaml", &s, &e), HPA_OK);
    sim_model_default(&d);
    m = &s.w[0].model;
    assert_false(s.fleet);
    assert_int_equal(s.n, 1);
    assert_int_equal(m->cpu_request_m, d.cpu_request_m);
    assert_int_equal(m->cpu_limit_m, d.cpu_limit_m);
    assert_int_equal(m->mem_request_b, d.mem_request_b);
    assert_int_equal(m->mem_limit_b, d.mem_limit_b);
    assert_true(m->cpu_baseline_m == d.cpu_baseline_m && m->cpu_per_rps_m == d.cpu_per_rps_m);
    assert_true(fabs(m->mem_baseline_b - d.mem_baseline_b) < 1e-6);
    assert_true(fabs(m->mem_per_rps_b - d.mem_per_rps_b) < 1e-6);
    assert_true(m->scheduling_delay_s == d.scheduling_delay_s && m->startup_s == d.startup_s);
    assert_true(m->readiness_initial_delay_s == d.readiness_initial_delay_s);
    assert_true(m->termination_grace_s == d.termination_grace_s);
    assert_true(m->metrics_resolution_s == d.metrics_resolution_s);
    assert_true(m->metrics_window_s == d.metrics_window_s && m->sync_period_s == d.sync_period_s);
    assert_int_equal(m->opts.cpu_initialization_period, d.opts.cpu_initialization_period);
    assert_int_equal(m->opts.initial_readiness_delay, d.opts.initial_readiness_delay);
    assert_int_equal(m->opts.downscale_stabilization, d.opts.downscale_stabilization);
    assert_true(m->opts.tolerance == d.opts.tolerance);
    assert_true(m->saturated_response_s == d.saturated_response_s);
    sim_scenario_free(&s);
}

typedef struct bad_case {
    const char *name;
    const char *yaml;
    int line;
    const char *path;
    const char *msg;
} bad_case;

static const bad_case bad_cases[] = {
    {"typo in the model", "policy: p.yaml\nmodel:\n  startp: 5s\n", 3, "model.startp", "unknown model setting"},
    {"bad duration", "model:\n  startup: soon\n", 2, "model.startup", "invalid duration"},
    {"bad quantity", "model:\n  cpuRequest: lots\n", 2, "model.cpuRequest", "invalid quantity"},
    {"negative", "model:\n  noise: -1\n", 2, "model.noise", "negative"},
    {"trace kind", "trace:\n  kind: bytes\n", 2, "trace.kind", "unknown trace kind"},
    {"resample", "trace: {resample: cubic}\n", 1, "trace.resample", "step or linear"},
    {"workloads empty", "workloads: []\n", 1, "workloads", "non-empty"},
    {"workload typo", "workloads:\n- name: a\n  polcy: x\n", 3, "workloads[0].polcy", "unknown setting"},
    {"top-level typo", "seed: 1\ntrase: {}\n", 2, "trase", "unknown setting"},
};

static void test_bad_scenarios(void **state)
{
    size_t i;
    char dir[40];

    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/test_scn_%6s", "");
    memset(dir + strlen(dir) - 6, 'X', 6);
    assert_non_null(mkdtemp(dir));
    for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const bad_case *c = &bad_cases[i];
        char path[80];
        FILE *f;
        sim_scenario s;
        hpa_err e;
        snprintf(path, sizeof(path), "%s/s.yaml", dir);
        f = fopen(path, "w");
        assert_non_null(f);
        fputs(c->yaml, f);
        fclose(f);
        hpa_err_clear(&e);
        if (sim_scenario_load(path, &s, &e) == HPA_OK)
            fail_msg("%s: loaded", c->name);
        if (strcmp(e.path, c->path) || e.line != c->line || !strstr(e.msg, c->msg) || !strstr(e.file, "s.yaml"))
            fail_msg("%s: got %s:%d: %s: %s; want line %d, path %s, ...%s...", c->name, e.file, e.line, e.path,
                     e.msg, c->line, c->path, c->msg);
        unlink(path);
    }
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fleet_example),
        cmocka_unit_test(test_explicit_defaults),
        cmocka_unit_test(test_bad_scenarios),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
