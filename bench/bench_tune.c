/* bench_tune.c - wall time to tune a 7-day trace at 1-minute resolution
 * over 6 parameters (issue 6: aim under 60 s on 2 cores). Run from the
 * repository root (`make bench`). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scenario.h"
#include "tune/tune.h"

#define SPACE "*=fixed,target.cpu=40:95,up.window=0:300:15,down.window=0:900:15," \
              "down.policy[0].value=10:100:5,down.policy[0].period=15:300:15,minReplicas=1:5"

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(void)
{
    sim_scenario sc;
    hpa_arena a = HPA_ARENA_INIT;
    hpa_spec base;
    sim_series whole, tune, val;
    tune_problem *p = calloc(1, sizeof(*p));
    tune_result r;
    hpa_err e;
    double t0, t1;
    int ret = 1;

    memset(&r, 0, sizeof(r));
    if (!p || sim_scenario_default(&sc, &e) != HPA_OK)
        return 1;
    sc.w[0].trace.file = strdup("sim/traces/nasa_jul95_requests_per_min.csv");
    sc.w[0].trace.opts.to_s = 7 * 86400;
    sc.w[0].trace.opts.peak = 2500;
    if (sim_workload_load_trace(&sc.w[0], &whole, &e) != HPA_OK ||
        sim_policy_load("policies/python-app-hpa.yaml", &a, &base, &e) != HPA_OK ||
        tune_split_series(&whole, 0.7, &tune, &val, &e) != HPA_OK) {
        fprintf(stderr, "bench_tune: %s %s\n", e.file, e.msg);
        return 1;
    }
    p->base = &base;
    p->model = &sc.w[0].model;
    p->n_tune = 1;
    p->tune = &tune;
    p->n_val = 1;
    p->val = &val;
    p->budget = 200;
    p->seed = 1;
    p->threads = 2;
    if (tune_space_default(&p->space, &base, &sc.w[0].model.opts, &e) != HPA_OK ||
        tune_space_parse(&p->space, SPACE, &e) != HPA_OK ||
        tune_expr_parse("podHours", "--minimize", &p->objective, &e) != HPA_OK ||
        tune_constraint_parse("overloadSeconds<=base", "--constraint", &p->cons[0], &e) != HPA_OK) {
        fprintf(stderr, "bench_tune: %s\n", e.msg);
        return 1;
    }
    p->n_cons = 1;
    t0 = now_s();
    if (tune_references(p, &r, &e) != HPA_OK || tune_run(p, NULL, 0, &r, &e) != HPA_OK) {
        fprintf(stderr, "bench_tune: %s\n", e.msg);
        goto out;
    }
    t1 = now_s();
    printf("bench_tune: 7-day trace (%zu one-minute steps), %zu free parameters, %zu candidates on 2 threads: "
           "%.2f s (aim < 60 s); podHours %.1f -> %.1f, overloadSeconds %.0f -> %.0f (tuning span)\n",
           whole.n, p->space.n_free, r.sims, t1 - t0, r.base_tune.pod_hours, r.c[r.best].sum.pod_hours,
           r.base_tune.overload_seconds, r.c[r.best].sum.overload_seconds);
    ret = t1 - t0 < 60 ? 0 : 1;
out:
    tune_result_free(&r);
    sim_series_free(&whole);
    sim_series_free(&tune);
    sim_series_free(&val);
    sim_scenario_free(&sc);
    hpa_arena_free(&a);
    free(p);
    return ret;
}
