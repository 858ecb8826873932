/*
 * fleet.h - many independent simulations on all cores.
 *
 * A fleet is a list of jobs (one workload under one policy each). Worker
 * threads take the next job from a shared counter; each job's result
 * depends only on its own inputs and seed, and lands in its own slot, so
 * the results are the same whatever the number of threads or the order in
 * which they finish.
 *
 * Ownership: the caller owns the jobs and what they point to; each job's
 * result is filled in place (sim_result_free it). Starts threads; no other
 * I/O, no clock.
 */
#ifndef SIM_FLEET_H
#define SIM_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run.h"

typedef struct sim_job {
    const hpa_spec *spec;
    const sim_model *model;
    const sim_series *load;
    uint64_t seed;
    bool keep_rows;
    /* filled by sim_fleet_run */
    hpa_errcode rc;
    hpa_err err;
    sim_result res;
} sim_job;

/* The number of online CPUs (at least 1). */
int sim_fleet_cpus(void);

/* The seed of job `i` of a run seeded with `seed`: well mixed, so that
 * neighbouring jobs do not share random streams. */
uint64_t sim_fleet_seed(uint64_t seed, size_t i);

/* Run every job with up to `threads` threads (<= 0: all CPUs). Returns the
 * first failing job's error (in job order), after all jobs have run. */
hpa_errcode sim_fleet_run(sim_job *jobs, size_t n, int threads, hpa_err *e) HPA_WUR;

#endif
