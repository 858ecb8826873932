/*
 * scenario.h - what to simulate: the scenario file (YAML or JSON), the
 * policies (HPA manifests) and how a trace becomes load.
 *
 * A scenario names one workload (top-level `trace`, `policy`, `model`) or
 * several (`workloads:`, each inheriting the top-level settings and
 * overriding what it names). Every setting of the model has a default
 * (sim_model_default); docs/simulator.md lists them. Unknown keys are
 * errors, so a typo does not silently leave a default in place. Errors
 * carry the file, line and column and the field path.
 *
 * Paths inside a scenario are relative to the scenario file.
 *
 * Ownership: a sim_scenario owns its strings and workloads
 * (sim_scenario_free); a loaded policy lives in the arena passed in.
 * Reads files; no clock, no global state.
 */
#ifndef SIM_SCENARIO_H
#define SIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cluster.h"
#include "hpa/arena.h"
#include "hpa/model.h"
#include "trace.h"

typedef enum {
    SIM_TRACE_REQUESTS = 0,     /* requests per `unit` */
    SIM_TRACE_CPU               /* CPU demand in `unit` */
} sim_trace_kind;

typedef struct sim_trace_spec {
    char *file;                 /* NULL: given on the command line */
    sim_trace_kind kind;
    char unit[16];              /* requests: perMinute (default), perSecond;
                                   cpu: percent (default), cores, normalized, millicores */
    double cpu_per_unit_m;      /* cpu: millicores of demand per unit; 0 = the
                                   unit's default (percent 20, cores 1000,
                                   normalized 1000, millicores 1) */
    sim_trace_opts opts;        /* resample, step, cut, scale, peak */
} sim_trace_spec;

typedef struct sim_workload {
    char *name;
    char *policy;               /* path; NULL: given on the command line */
    sim_trace_spec trace;
    sim_model model;
} sim_workload;

typedef struct sim_scenario {
    char *file;                 /* NULL when built in code */
    bool has_seed;
    uint64_t seed;
    bool fleet;                 /* the file had `workloads:` */
    size_t n;
    sim_workload *w;
} sim_scenario;

/* The built-in scenario: one workload, the example application. */
hpa_errcode sim_scenario_default(sim_scenario *s, hpa_err *e) HPA_WUR;
hpa_errcode sim_scenario_load(const char *path, sim_scenario *s, hpa_err *e) HPA_WUR;
void sim_scenario_free(sim_scenario *s);

/* The factor that turns a trace value into load (requests/s). */
double sim_trace_unit_factor(const sim_trace_spec *t, const sim_model *m);

/* Read a trace file and make the load series of a workload. */
hpa_errcode sim_workload_load_trace(const sim_workload *w, sim_series *out,
                                    hpa_err *e) HPA_WUR;

/* Load the first HorizontalPodAutoscaler of a manifest file (YAML or
 * JSON), defaulted, into `a`. Validation problems are errors naming the
 * file, line and field. */
hpa_errcode sim_policy_load(const char *path, hpa_arena *a, hpa_spec *out,
                            hpa_err *e) HPA_WUR;

#endif
