/*
 * prom.h - the Prometheus text exposition format (version 0.0.4), written
 * by hand: a few counters, gauges and one histogram do not need a client
 * library, and none is packaged for C in Debian.
 *
 * Two layers: writers that append HELP/TYPE lines and samples to an
 * hpa_strbuf (label values escaped as the format requires: backslash,
 * double quote, newline), and two small containers the daemon updates as
 * it runs: a labelled counter family (prom_vec, e.g.
 * hpa_engine_api_requests_total{verb,code}) and a histogram with fixed
 * buckets (prom_hist). Per-HPA gauges are rendered straight from the
 * daemon's table at scrape time, so they never go stale.
 *
 * Ownership: a prom_vec / prom_hist owns its heap arrays (_free). No I/O,
 * no clock.
 */
#ifndef HPA_DAEMON_PROM_H
#define HPA_DAEMON_PROM_H

#include <stddef.h>
#include <stdint.h>

#include "hpa/arena.h"
#include "hpa/error.h"

/* "# HELP name help\n# TYPE name type\n" (help escaped). */
void prom_header(hpa_strbuf *b, const char *name, const char *help, const char *type);

/* name{k1="v1",k2="v2"} value\n. `kv` is a NULL-terminated list of key,
 * value pairs (may be NULL: no labels). `suffix_kv` is appended after kv
 * (the histogram's "le"); may be NULL. */
void prom_sample(hpa_strbuf *b, const char *name, const char *const *kv,
                 const char *const *suffix_kv, double value);

/* A value as the format spells it: "+Inf", "-Inf", "NaN", integers
 * without a fraction, otherwise %.17g. `buf` needs 32 bytes. */
const char *prom_value(double v, char *buf, size_t len);

/* Append `s` escaped for a label value. */
void prom_escape_label(hpa_strbuf *b, const char *s);

/* ---- a counter family with labels ---------------------------------- */

#define PROM_VEC_MAX_LABELS 4

typedef struct prom_vec_entry {
    char *values[PROM_VEC_MAX_LABELS];    /* heap */
    double value;
} prom_vec_entry;

typedef struct prom_vec {
    const char *name, *help, *type;       /* static strings */
    size_t n_labels;
    const char *labels[PROM_VEC_MAX_LABELS];
    size_t n, cap;
    prom_vec_entry *items;
} prom_vec;

/* `labels` NULL-terminated, at most PROM_VEC_MAX_LABELS. */
void prom_vec_init(prom_vec *v, const char *name, const char *help,
                   const char *type, const char *const *labels);
void prom_vec_free(prom_vec *v);
/* Add `delta` to the series with these label values (n_labels of them),
 * creating it at 0 first. HPA_ENOMEM on failure. */
hpa_errcode prom_vec_add(prom_vec *v, const char *const *values, double delta) HPA_WUR;
/* Set a gauge series. */
hpa_errcode prom_vec_set(prom_vec *v, const char *const *values, double value) HPA_WUR;
/* The value of a series (0 when absent). */
double prom_vec_get(const prom_vec *v, const char *const *values);
void prom_vec_render(const prom_vec *v, hpa_strbuf *b);

/* ---- a histogram with fixed buckets -------------------------------- */

#define PROM_HIST_MAX_BUCKETS 16

typedef struct prom_hist {
    const char *name, *help;
    size_t n_bounds;
    double bounds[PROM_HIST_MAX_BUCKETS]; /* upper bounds, ascending */
    uint64_t counts[PROM_HIST_MAX_BUCKETS]; /* per bucket, not cumulative */
    uint64_t count;
    double sum;
} prom_hist;

/* `bounds` ascending, at most PROM_HIST_MAX_BUCKETS (more are dropped). */
void prom_hist_init(prom_hist *h, const char *name, const char *help,
                    const double *bounds, size_t n);
void prom_hist_observe(prom_hist *h, double v);
/* Cumulative buckets, +Inf, _sum and _count, with the header. */
void prom_hist_render(const prom_hist *h, hpa_strbuf *b);
/* The q-quantile (0..1) estimated by linear interpolation inside the
 * bucket, as histogram_quantile() does; 0 when empty. */
double prom_hist_quantile(const prom_hist *h, double q);

#endif
