/*
 * tune.h - the offline policy tuner: search the space of an HPA policy's
 * settings (space.h) for the one that minimizes an objective over the
 * simulator's summary figures, subject to constraints (expr.h), by
 * replaying load traces through the simulator (run.h).
 *
 * The search, all of it deterministic for a given seed whatever the thread
 * count:
 *  1. space-filling start: the base policy's own point, then a Latin
 *     hypercube over the free parameters drawn from a gsl_rng seeded with
 *     the seed; evaluated in parallel, results by candidate index. The list
 *     is a function of seed + space + budget only, which is what --shard
 *     splits.
 *  2. Nelder-Mead (gsl_multimin nmsimplex2) on the unit-cube relaxation,
 *     rounded to the parameters' grids, with a penalty for violated
 *     constraints; a fixed number of starts (from the best start points),
 *     each with a fixed share of the budget, run side by side on the
 *     threads, each sequential in itself.
 *  3. coordinate search around the best point, for the integer and
 *     categorical parameters NM rounds over: every neighbour along every
 *     axis as one parallel batch, step halving.
 * Every candidate is simulated on every tuning span; --budget caps those
 * candidate evaluations (points already seen are not simulated again). The
 * reference runs (base and default behavior on both spans, the best on the
 * validation span) come on top.
 *
 * Ownership: a tune_problem borrows everything it points to; a tune_result
 * owns its candidate array (tune_result_free). Starts threads; no I/O, no
 * clock, no global state.
 */
#ifndef SIM_TUNE_TUNE_H
#define SIM_TUNE_TUNE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cluster.h"
#include "run.h"
#include "trace.h"
#include "tune/expr.h"
#include "tune/space.h"

#define TUNE_MAX_CONSTRAINTS 16
#define TUNE_MAX_WARNINGS 8

typedef struct tune_problem {
    const hpa_spec *base;           /* defaults applied */
    const hpa_spec *deflt;          /* the Kubernetes default behavior; may be NULL */
    const sim_model *model;
    size_t n_tune, n_val;
    const sim_series *tune;         /* the tuning spans */
    const sim_series *val;          /* the validation spans (n_val may be 0) */
    tune_space space;
    tune_expr objective;
    size_t n_cons;
    tune_constraint cons[TUNE_MAX_CONSTRAINTS];
    size_t budget;                  /* candidate evaluations */
    uint64_t seed;
    int threads;                    /* <= 0: all CPUs */
} tune_problem;

typedef enum { TUNE_STAGE_START = 0, TUNE_STAGE_NM, TUNE_STAGE_COORD } tune_stage;

typedef struct tune_cand {
    double x[TUNE_MAX_PARAMS];
    tune_stage stage;
    bool done;
    sim_summary sum;                /* over the tuning spans */
    double obj;                     /* objective */
    double viol;                    /* summed relative constraint violation */
} tune_cand;

typedef struct tune_result {
    sim_summary base_tune, base_val;
    sim_summary def_tune, def_val;
    sim_summary best_val;
    bool has_default, has_val;
    double base_obj_tune, base_obj_val, def_obj_tune, def_obj_val, best_obj_val;
    double best_viol_val, def_viol_tune, def_viol_val;
    size_t n, cap;
    tune_cand *c;                   /* unique candidates, in evaluation order */
    size_t n_start;                 /* how many came from stage 1 */
    size_t sims;                    /* candidate evaluations simulated */
    size_t best;
    bool feasible;                  /* the best meets every constraint */
    size_t n_warn;
    char warn[TUNE_MAX_WARNINGS][512];
} tune_result;

void tune_result_free(tune_result *r);

/* How many start points (stage 1) a budget gets, and the start list
 * itself: point 0 is the base policy. `x` gets n * TUNE_MAX_PARAMS values. */
size_t tune_start_count(const tune_problem *p);
hpa_errcode tune_start_points(const tune_problem *p, double *x, size_t n, hpa_err *e) HPA_WUR;

/* The references: base and default on both spans (fills the base_* and
 * def_* fields of `r`). Needed before any candidate is judged. */
hpa_errcode tune_references(const tune_problem *p, tune_result *r, hpa_err *e) HPA_WUR;

/* Stage 1 for shard `k` of `n`: evaluate the start points with
 * index % n == k (all of them when n == 1); others stay !done. */
hpa_errcode tune_run_starts(const tune_problem *p, size_t k, size_t n, tune_result *r,
                            hpa_err *e) HPA_WUR;

/* The whole search. `pre`: start points already evaluated (from shards),
 * n_pre of them, in start-list order, or NULL. Fills `r` (which must hold
 * the references from tune_references). */
hpa_errcode tune_run(const tune_problem *p, const tune_cand *pre, size_t n_pre, tune_result *r,
                     hpa_err *e) HPA_WUR;

/* Objective and violation of a summary (`base` is the base's summary on the
 * same span). */
void tune_judge(const tune_problem *p, const sim_summary *s, const sim_summary *base, double *obj,
                double *viol);

/* Is a better than b? (feasible first, then objective, then violation;
 * ties keep the earlier index.) */
bool tune_better(const tune_cand *a, size_t ia, const tune_cand *b, size_t ib);

/* Figures of several spans as one: sums, request-weighted means, extremes. */
void tune_combine(sim_summary *acc, const sim_summary *s, bool first);

/* The Pareto front of podHours against `slo` over the candidates: indices,
 * ascending podHours; returns how many (idx has room for r->n). */
size_t tune_front(const tune_result *r, tune_figure slo, size_t *idx);

/* The policy of candidate point `x` (for writing it out). */
hpa_errcode tune_policy_of(const tune_problem *p, const double *x, tune_specbuf *out,
                           hpa_err *e) HPA_WUR;

/* Cut `in` at fraction `split` of its cells: [0, k) and [k, n). */
hpa_errcode tune_split_series(const sim_series *in, double split, sim_series *head,
                              sim_series *tail, hpa_err *e) HPA_WUR;

#endif
