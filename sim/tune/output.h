/*
 * output.h - what the tuner writes: the best policy as a manifest (YAML,
 * with its figures and the tuning command in a comment header), the JSON
 * result, the Pareto fronts as CSV, the HTML report (the simulator's
 * style: one self-contained page, inline SVG, no script), and the shard
 * files that `tune merge` combines.
 *
 * Every output is a pure function of the problem, the result and the meta
 * data (no thread count, no shard layout, no clock), so a merged run and
 * an unsharded one write the same bytes. Numbers have fixed formats.
 *
 * Ownership: everything is borrowed; json_t results are new references.
 * The writers open and write the files they are given.
 */
#ifndef SIM_TUNE_OUTPUT_H
#define SIM_TUNE_OUTPUT_H

#include <jansson.h>

#include "tune/tune.h"

typedef struct tune_meta {
    const char *command;            /* the canonical tuning command */
    const char *policy;             /* base policy file */
    const char *deflt;              /* where the default behavior came from */
    const char *minimize;           /* objective text */
    const char *span_tune;          /* "first 70 % of nasa.csv" */
    const char *span_val;
    uint64_t seed;
    size_t budget;
} tune_meta;

/* The SLO figures the fronts are drawn against. */
#define TUNE_N_SLO 4
extern const tune_figure tune_slo_figures[TUNE_N_SLO];

json_t *tune_out_json(const tune_problem *p, const tune_result *r, const tune_meta *m);
hpa_errcode tune_out_write_json(const char *path, const tune_problem *p, const tune_result *r,
                                const tune_meta *m, hpa_err *e) HPA_WUR;
hpa_errcode tune_out_write_csv(const char *path, const tune_problem *p, const tune_result *r,
                               hpa_err *e) HPA_WUR;
hpa_errcode tune_out_write_html(const char *path, const tune_problem *p, const tune_result *r,
                                const tune_meta *m, hpa_err *e) HPA_WUR;
/* The best candidate's policy; also checks it as the API server would. */
hpa_errcode tune_out_write_manifest(const char *path, const tune_problem *p, const tune_result *r,
                                    const tune_meta *m, hpa_err *e) HPA_WUR;
/* The YAML text of a JSON object (block style), appended to `b`. */
void tune_out_yaml(hpa_strbuf *b, const json_t *v, int indent);

/* A summary with every digit (for shards): what is read back is equal. */
json_t *tune_out_summary_exact(const sim_summary *s);
hpa_errcode tune_out_summary_read(const json_t *o, sim_summary *s, hpa_err *e) HPA_WUR;

/* Shard file body: the start points this shard evaluated, exactly. */
json_t *tune_out_shard_candidates(const tune_problem *p, const tune_result *r);
/* Add the candidates of one shard file to pre[0..n) (points checked). */
hpa_errcode tune_out_shard_read(const json_t *arr, const tune_problem *p, tune_cand *pre, size_t n,
                                hpa_err *e) HPA_WUR;

#endif
