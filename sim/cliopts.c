/*
 * cliopts.c - the trace options simulate and tune share (cliopts.h).
 */
#include "cliopts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpa/timeutil.h"

void sim_trace_flags_init(sim_trace_flags *f)
{
    memset(f, 0, sizeof(*f));
    f->from = f->to = -1;
}

bool sim_trace_kind_valid(const char *kind)
{
    return !strcmp(kind, "requests") || !strcmp(kind, "cpu");
}

int sim_parse_seconds(const char *s, double *out)
{
    char *end;
    hpa_duration_t d;
    hpa_err e;
    size_t n = strlen(s);

    errno = 0;
    *out = strtod(s, &end);
    if (n && !*end && errno == 0 && *out >= 0)
        return 0;
    if (n > 1 && s[n - 1] == 'd') {
        *out = strtod(s, &end) * 86400;
        if (end == s + n - 1 && *out >= 0)
            return 0;
    }
    if (hpa_duration_parse(s, &d, &e) == HPA_OK && d >= 0) {
        *out = (double)d / 1000.0;
        return 0;
    }
    return -1;
}

int sim_parse_positive(const char *s, double *out)
{
    char *end;

    errno = 0;
    *out = strtod(s, &end);
    return (!*s || *end || errno || !(*out > 0)) ? -1 : 0;
}

const char *sim_trace_flags_set(sim_trace_flags *f, const char *name, const char *arg)
{
    const struct {
        const char *name;
        double *dst;
        bool seconds;       /* else a positive number */
    } nums[] = {
        {"load-scale", &f->load_scale, false}, {"peak", &f->peak, false},
        {"from", &f->from, true}, {"to", &f->to, true}, {"step", &f->step, true},
    };
    size_t i;

    if (!strcmp(name, "kind")) {
        if (!sim_trace_kind_valid(arg))
            return "requests or cpu";
        f->kind = arg;
        return NULL;
    }
    if (!strcmp(name, "unit")) {
        f->unit = arg;
        return NULL;
    }
    for (i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
        if (strcmp(name, nums[i].name))
            continue;
        if (nums[i].seconds)
            return sim_parse_seconds(arg, nums[i].dst) ? "seconds or a duration" : NULL;
        return sim_parse_positive(arg, nums[i].dst) ? "a positive number" : NULL;
    }
    return "one of the trace options";
}

void sim_trace_flags_apply(const sim_trace_flags *f, sim_workload *w)
{
    if (f->kind) {
        w->trace.kind = strcmp(f->kind, "cpu") ? SIM_TRACE_REQUESTS : SIM_TRACE_CPU;
        snprintf(w->trace.unit, sizeof(w->trace.unit), "%s",
                 w->trace.kind == SIM_TRACE_CPU ? "percent" : "perMinute");
    }
    if (f->unit)
        snprintf(w->trace.unit, sizeof(w->trace.unit), "%s", f->unit);
    if (f->load_scale > 0)
        w->trace.opts.load_scale = f->load_scale;
    if (f->peak > 0)
        w->trace.opts.peak = f->peak;
    if (f->from >= 0)
        w->trace.opts.from_s = f->from;
    if (f->to >= 0)
        w->trace.opts.to_s = f->to;
    if (f->step > 0)
        w->trace.opts.step_s = f->step;
}
