/*
 * report.h - what a simulation tells a person: the summary table, the
 * JSON summary, the CSV time series, and one self-contained HTML report
 * with inline SVG plots (no script, no network).
 *
 * Every output is a pure function of the results: numbers are printed
 * with fixed formats, so the same inputs and seed give byte-identical
 * files. The writers open and write the files they are given; nothing
 * reads the clock. The HTML and SVG pieces live in svgplot.h; the file
 * and number helpers below are shared with the tuner's outputs.
 *
 * Ownership: runs are borrowed; json_t results are new references.
 */
#ifndef SIM_REPORT_H
#define SIM_REPORT_H

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>

#include "hpa/arena.h"
#include "hpa/error.h"
#include "run.h"

typedef enum {
    SIM_MODE_SINGLE = 0,    /* one policy, one workload */
    SIM_MODE_COMPARE,       /* one workload, several policies */
    SIM_MODE_FLEET          /* several workloads */
} sim_mode;

/* One run, with what it is called. */
typedef struct sim_labeled {
    const char *name;       /* the row label: policy name or workload name */
    const char *policy;     /* policy file */
    const char *trace;      /* trace file */
    const sim_result *r;
} sim_labeled;

typedef struct sim_report_meta {
    sim_mode mode;
    uint64_t seed;
    const char *title;      /* e.g. the scenario or trace name */
    const char *description;/* one line under the title, may be NULL */
} sim_report_meta;

/* The summary table, one row per run (and a fleet total). */
void sim_report_table(FILE *out, const sim_report_meta *meta, const sim_labeled *runs, size_t n);

/* {podSeconds, podHours, overloadSeconds, unservedFraction,
 *  utilization{mean,p50,p95,p99}, scaleUps, scaleDowns, flaps,
 *  minReplicas, maxReplicas, reactionSeconds, responseTime{mean,p95}} */
json_t *sim_report_summary_json(const sim_summary *s);
/* The whole JSON document (see docs/simulator.md for its shape). */
json_t *sim_report_json(const sim_report_meta *meta, const sim_labeled *runs, size_t n);

hpa_errcode sim_report_write_json(const char *path, const sim_report_meta *meta,
                                  const sim_labeled *runs, size_t n, hpa_err *e) HPA_WUR;
/* Runs without rows are left out of the CSV. */
hpa_errcode sim_report_write_csv(const char *path, const sim_report_meta *meta,
                                 const sim_labeled *runs, size_t n, hpa_err *e) HPA_WUR;
hpa_errcode sim_report_write_html(const char *path, const sim_report_meta *meta,
                                  const sim_labeled *runs, size_t n, hpa_err *e) HPA_WUR;

/* ---- shared with the tuner's outputs --------------------------------------- */

/* A JSON number rounded to 9 significant digits (an integer when whole,
 * null when not finite): stable and readable. New reference. */
json_t *sim_report_number(double v);
/* Open `path` for writing ("-" is stdout); the error names the file. */
hpa_errcode sim_report_open(const char *path, FILE **f, hpa_err *e) HPA_WUR;
/* Close (or flush stdout); a write error anywhere is reported here. */
hpa_errcode sim_report_close(const char *path, FILE *f, hpa_err *e) HPA_WUR;
/* Write `o` indented, keys in order, reals with 9 digits, and a newline.
 * Takes the reference to `o`. */
hpa_errcode sim_report_dump_json(const char *path, json_t *o, hpa_err *e) HPA_WUR;
/* Write the bytes of `b` (the caller checks b->oom first). */
hpa_errcode sim_report_write_text(const char *path, const hpa_strbuf *b, hpa_err *e) HPA_WUR;

#endif
