/*
 * trace.h - load traces: read a CSV, resample it onto a regular grid, scale
 * and cut it, and turn it into the load the simulated cluster serves.
 *
 * A trace file is CSV with a header line and two columns: the time (seconds
 * from the start, as in ../shared/traces: `time_s,value`, or an RFC 3339
 * timestamp) and a non-negative value. Times must strictly increase. Every
 * error names the file and the line (hpa_err file/line).
 *
 * A sample's value holds from its time to the next sample (a per-minute
 * count is the count in [t, t+60)); the last sample holds for one median
 * step. Resampling puts the trace on a grid of `step` seconds: "step" takes
 * the value of the last sample at or before the cell start, "linear"
 * interpolates between samples (GSL), and each cell then keeps one value.
 *
 * Ownership: sim_trace_raw and sim_series own their arrays (the _free
 * functions). sim_trace_read reads the file; nothing else does I/O, reads
 * the clock or keeps global state.
 */
#ifndef SIM_TRACE_H
#define SIM_TRACE_H

#include <stdbool.h>
#include <stddef.h>

#include "hpa/error.h"
#include "hpa/timeutil.h"

typedef enum {
    SIM_RESAMPLE_STEP = 0,
    SIM_RESAMPLE_LINEAR
} sim_resample;

/* What the file holds, as read. */
typedef struct sim_trace_raw {
    size_t n;
    double *t;              /* seconds from the first sample (t[0] == 0) */
    double *v;
    bool has_epoch;         /* the file used RFC 3339 timestamps */
    hpa_time_t epoch;       /* the first sample's time, if has_epoch */
} sim_trace_raw;

void sim_trace_raw_free(sim_trace_raw *r);

/* Read a trace file. `name` (may be NULL: `path`) is used in messages. */
hpa_errcode sim_trace_read(const char *path, sim_trace_raw *out, hpa_err *e) HPA_WUR;
/* The same from memory. */
hpa_errcode sim_trace_parse(const char *buf, size_t len, const char *name,
                            sim_trace_raw *out, hpa_err *e) HPA_WUR;

/* How to turn a raw trace into load. The value is multiplied by
 * `unit_factor` (1/60 for a per-minute count, CPU units -> load) and then
 * by `load_scale`; if `peak` > 0 the result is instead normalised so that
 * its maximum over the cut is `peak`. */
typedef struct sim_trace_opts {
    sim_resample resample;
    double step_s;          /* grid step; 0 = the median sample interval */
    double from_s;          /* cut start, seconds from the trace start */
    double to_s;            /* cut end; <= 0 = the end of the trace */
    double unit_factor;     /* 1 when 0 */
    double load_scale;      /* 1 when 0 */
    double peak;            /* > 0: normalise the maximum to this */
} sim_trace_opts;

void sim_trace_opts_init(sim_trace_opts *o);

/* Load on a regular grid: cell i covers [i*step, (i+1)*step) seconds of
 * simulated time and its load is v[i] (requests per second). */
typedef struct sim_series {
    double step_s;
    size_t n;
    double *v;
    hpa_time_t epoch;       /* wall time of simulated t = 0 */
} sim_series;

void sim_series_free(sim_series *s);

/* Resample, cut and scale. `name` is used in messages. */
hpa_errcode sim_trace_resample(const sim_trace_raw *raw, const sim_trace_opts *o,
                               const char *name, sim_series *out, hpa_err *e) HPA_WUR;

/* Duration in seconds. */
double sim_series_duration(const sim_series *s);
double sim_series_max(const sim_series *s);

#endif
