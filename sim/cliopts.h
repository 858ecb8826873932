/*
 * cliopts.h - the trace options `hpa-engine simulate` and `hpa-engine tune`
 * share on the command line (--kind --unit --load-scale --peak --from --to
 * --step): their values parsed and checked the same way, with the same
 * messages, and laid over a workload's trace settings. Each command keeps
 * its own getopt table and --help text.
 *
 * Ownership: the strings in sim_trace_flags point at the caller's (argv,
 * or a shard file's JSON) and must outlive it. No I/O, no clock, no global
 * state.
 */
#ifndef SIM_CLIOPTS_H
#define SIM_CLIOPTS_H

#include <stdbool.h>

#include "scenario.h"

/* What the command line said; "not given" leaves the workload's setting. */
typedef struct sim_trace_flags {
    const char *kind;       /* "requests" or "cpu"; NULL: not given */
    const char *unit;       /* NULL: not given */
    double load_scale;      /* > 0 when given */
    double peak;            /* > 0 when given */
    double from, to;        /* >= 0 when given (-1 after init) */
    double step;            /* > 0 when given */
} sim_trace_flags;

void sim_trace_flags_init(sim_trace_flags *f);

/* Take the option `name` (its long name without "--") with value `arg`.
 * Returns NULL, or when the value is bad what was expected ("a positive
 * number"), for the command's message: --NAME: expected WHAT, got "ARG". */
const char *sim_trace_flags_set(sim_trace_flags *f, const char *name, const char *arg);

/* "requests" or "cpu". */
bool sim_trace_kind_valid(const char *kind);

/* A number > 0 (not NaN), the whole of `s`; -1 when not. */
int sim_parse_positive(const char *s, double *out);

/* Seconds, or a Go duration ("36h"); days are allowed as "Nd". -1 when
 * `s` is neither or negative. */
int sim_parse_seconds(const char *s, double *out);

/* The given flags over w's trace settings (--kind also resets the unit to
 * the kind's default, which --unit then overrides). */
void sim_trace_flags_apply(const sim_trace_flags *f, sim_workload *w);

#endif
