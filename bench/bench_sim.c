/*
 * bench_sim.c - how fast the simulator is.
 *
 *  (a) one workload, 30 days of load at 1 s resolution, 15 s sync
 *      (goal: under 1 s);
 *  (b) a fleet of 1,000 workloads x 1 day (goal: under 20 s on 2 cores).
 *
 * The loads are synthetic but shaped like the bundled traces (a daily
 * cycle, bursts, noise), made by a fixed generator so that every run does
 * the same work. Prints wall time and simulated seconds per wall second.
 * Run from the repository root (make bench): it reads
 * policies/python-app-hpa.yaml.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fleet.h"
#include "run.h"
#include "scenario.h"

static double wall(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Load in req/s at second t: a daily cycle between ~100 and ~900, with
 * bursts and noise from an LCG. */
static void make_load(sim_series *s, size_t n, double step, double phase, double scale, uint64_t seed)
{
    size_t i;
    uint64_t x = seed * 2862933555777941757ULL + 3037000493ULL;

    s->step_s = step;
    s->n = n;
    s->epoch = 946684800000LL;
    s->v = malloc(n * sizeof(double));
    if (!s->v) {
        fprintf(stderr, "bench_sim: out of memory\n");
        exit(1);
    }
    for (i = 0; i < n; i++) {
        double t = (double)i * step;
        double day = 500 - 400 * cos(2 * M_PI * (t / 86400.0 + phase));
        double burst = fmod(t, 7200) < 600 ? 300 : 0;
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        s->v[i] = scale * (day + burst) * (0.9 + 0.2 * (double)(x >> 40) / (double)(1ULL << 24));
    }
}

int main(void)
{
    hpa_arena a;
    hpa_spec spec;
    sim_model m;
    hpa_err e;
    sim_series s;
    sim_result r;
    double t0, dt;
    int cpus = sim_fleet_cpus();
    size_t i, n_fleet = 1000;
    sim_series *fs;
    sim_job *jobs;

    hpa_arena_init(&a);
    if (sim_policy_load("policies/python-app-hpa.yaml", &a, &spec, &e) != HPA_OK) {
        fprintf(stderr, "bench_sim: policies/python-app-hpa.yaml: %s\n", e.msg);
        return 1;
    }
    sim_model_default(&m);

    /* (a) */
    make_load(&s, 30 * 86400, 1, 0, 1, 1);
    t0 = wall();
    if (sim_run(&spec, &m, &s, 1, false, &r, &e) != HPA_OK) {
        fprintf(stderr, "bench_sim: %s\n", e.msg);
        return 1;
    }
    dt = wall() - t0;
    printf("bench_sim (a) 1 workload x 30 days @1 s, 15 s sync: %.3f s wall, %.3g simulated s/s "
           "(%llu syncs, %d scale events)%s\n",
           dt, 30 * 86400 / dt, (unsigned long long)r.sum.syncs, r.sum.scale_ups + r.sum.scale_downs,
           dt < 1 ? "" : "  [goal: < 1 s]");
    sim_result_free(&r);
    sim_series_free(&s);

    /* (b) */
    fs = calloc(n_fleet, sizeof(*fs));
    jobs = calloc(n_fleet, sizeof(*jobs));
    if (!fs || !jobs)
        return 1;
    for (i = 0; i < n_fleet; i++) {
        make_load(&fs[i], 1440, 60, (double)(i % 24) / 24.0, 0.5 + (double)(i % 7) * 0.25, i + 1);
        jobs[i].spec = &spec;
        jobs[i].model = &m;
        jobs[i].load = &fs[i];
        jobs[i].seed = sim_fleet_seed(1, i);
    }
    t0 = wall();
    if (sim_fleet_run(jobs, n_fleet, 0, &e) != HPA_OK) {
        fprintf(stderr, "bench_sim: %s\n", e.msg);
        return 1;
    }
    dt = wall() - t0;
    {
        unsigned long long syncs = 0;
        for (i = 0; i < n_fleet; i++)
            syncs += jobs[i].res.sum.syncs;
        printf("bench_sim (b) fleet of %zu workloads x 1 day on %d core%s: %.3f s wall, %.3g simulated s/s "
               "(%llu syncs)%s\n",
               n_fleet, cpus, cpus == 1 ? "" : "s", dt, (double)n_fleet * 86400 / dt, syncs,
               dt < 20 ? "" : "  [goal: < 20 s]");
    }
    for (i = 0; i < n_fleet; i++) {
        sim_result_free(&jobs[i].res);
        sim_series_free(&fs[i]);
    }
    free(fs);
    free(jobs);
    hpa_arena_free(&a);
    return 0;
}
