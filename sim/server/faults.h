/*
 * faults.h - the sim-server's fault injection: parse a `--faults` spec and
 * draw, per request, what goes wrong with it.
 *
 * Grammar (docs/sim-server.md): comma-separated terms
 *     500:RATE  503:RATE  429:RATE[:retry-after=SECONDS]
 *     latency:RATE:DURATION   hang:RATE   reset:RATE
 *     stale-metrics:RATE:DURATION   missing-metrics:FRACTION
 *     outage:FROM-TO          (simulated seconds, "600s-720s" or "600-720")
 * RATE is a probability in [0, 1] per request; DURATION a Go duration
 * ("200ms", "2m"). Each term may appear once.
 *
 * Draws come from a splitmix64 generator owned by the sims_faults value and
 * seeded by the caller: the same spec, seed and request sequence give the
 * same faults. No I/O, no clock, no global state.
 */
#ifndef SIMS_FAULTS_H
#define SIMS_FAULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "hpa/error.h"
#include "hpa/timeutil.h"

typedef struct sims_faults {
    double p500, p503, p429;
    int retry_after_s;              /* 429's Retry-After, 1 by default */
    double p_latency;
    hpa_duration_t latency;
    double p_hang, p_reset;
    double p_stale;
    hpa_duration_t stale_by;
    double missing_fraction;
    bool has_outage;
    double outage_from_s, outage_to_s;
    uint64_t rng;
} sims_faults;

/* What to do with one request. */
typedef enum {
    SIMS_FAULT_NONE = 0,
    SIMS_FAULT_500,
    SIMS_FAULT_503,
    SIMS_FAULT_429,
    SIMS_FAULT_HANG,
    SIMS_FAULT_RESET,
    SIMS_FAULT_OUTAGE
} sims_fault_kind;

typedef struct sims_fault_draw {
    sims_fault_kind kind;
    hpa_duration_t delay;           /* added latency before answering */
    hpa_duration_t stale_by;        /* metrics answers: timestamps older by this */
} sims_fault_draw;

/* Parse `spec` (NULL or "" = no faults). Errors name the term. */
hpa_errcode sims_faults_parse(const char *spec, uint64_t seed, sims_faults *out,
                              hpa_err *e) HPA_WUR;

/* Draw the fault of one request at simulated second `sim_s`. */
sims_fault_draw sims_faults_draw(sims_faults *f, double sim_s);

/* A uniform draw in [0, 1) from the fault generator (missing metrics). */
double sims_faults_uniform(sims_faults *f);

#endif
