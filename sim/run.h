/*
 * run.h - one simulation: a load series replayed through the controller
 * loop (src/ctl) against the modelled cluster (cluster.h), with the
 * accounting that the summary and the reports are made of.
 *
 * The run is event-driven: it stops only at metrics samples, controller
 * syncs and pod transitions, and integrates the piecewise-constant load
 * between them exactly, cell by cell of the series. Nothing is done per
 * simulated second, and nothing is allocated per step once the buffers
 * have grown.
 *
 * Ownership: sim_result owns its rows and events (sim_result_free). The
 * spec, model and series are borrowed for the duration of the call.
 * No I/O, no clock, no global state: the same inputs and seed give the
 * same result, bit for bit, on any thread.
 */
#ifndef SIM_RUN_H
#define SIM_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cluster.h"
#include "hpa/model.h"
#include "trace.h"

/* One metrics-resolution step of the time series (--csv). */
typedef struct sim_row {
    double t_s;             /* start of the step, seconds from the start */
    double demand;          /* mean load, requests/s */
    int32_t desired;        /* the Deployment's replicas at the step's end */
    int32_t ready;          /* Ready pods at the step's end */
    int32_t total;          /* pod objects at the step's end (incl. terminating) */
    double util_seen;       /* CPU utilization (% of request) in the HPA
                               status at the step's end; NaN if none */
    double capacity;        /* mean requests/s the Ready pods serve at limit */
    double unserved;        /* mean requests/s beyond that */
    double util;            /* true mean CPU utilization of Ready pods, %; NaN if none */
    double resp;            /* mean response time, s (M/M/c); NaN if no load */
    double requests;        /* requests in the step (the weight of resp) */
} sim_row;

/* The summary: the JSON keys are in the comments. */
typedef struct sim_summary {
    double duration_s;
    double pod_seconds;         /* podSeconds: scheduled pods x time */
    double pod_hours;           /* podHours */
    double overload_seconds;    /* overloadSeconds: load > Ready capacity at limit */
    double unserved_fraction;   /* unservedFraction: of all requests */
    double util_mean, util_p50, util_p95, util_p99;  /* utilization.* (%) */
    int scale_ups, scale_downs; /* scaleUps, scaleDowns */
    int flaps;                  /* flaps: reversals within the scale-down window */
    int32_t min_replicas, max_replicas;  /* minReplicas, maxReplicas */
    double reaction_seconds;    /* reactionSeconds (mean; 0 if no rise) */
    int reactions;              /* how many rises were measured */
    double resp_mean, resp_p95; /* responseTime.mean, responseTime.p95 (s) */
    double requests;            /* total requests */
    uint64_t syncs;             /* controller syncs */
} sim_summary;

typedef struct sim_result {
    sim_summary sum;
    size_t n_rows;
    sim_row *rows;              /* NULL unless rows were kept */
    size_t n_events;
    sim_scale_event *events;
    double target_util;         /* the policy's CPU target (%), 0 if none */
    int32_t hpa_min, hpa_max;
    double step_s;              /* metrics resolution = row step */
} sim_result;

void sim_result_free(sim_result *r);

/* Run `spec` (defaults applied) over `load` with model `m`. `keep_rows`:
 * keep the time series in the result (reports need it; fleet summaries do
 * not). */
hpa_errcode sim_run(const hpa_spec *spec, const sim_model *m, const sim_series *load,
                    uint64_t seed, bool keep_rows, sim_result *out, hpa_err *e) HPA_WUR;

/* Mean response time (s) of an M/M/c queue with arrival rate `lambda`,
 * `c` servers of rate `mu` each; `saturated` when lambda >= c*mu. */
double sim_mmc_response(double lambda, int32_t c, double mu, double saturated);

/* The summary from rows and events (exposed for tests). */
void sim_summarize(sim_result *r, const sim_model *m, const hpa_spec *spec);

#endif
