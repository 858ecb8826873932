/* faults.c - fault spec parsing and per-request draws (see faults.h). */
#include "server/faults.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t splitmix64(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

double sims_faults_uniform(sims_faults *f)
{
    return (double)(splitmix64(&f->rng) >> 11) * (1.0 / 9007199254740992.0);
}

static int parse_rate(const char *s, double *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0 && v <= 1))
        return -1;
    *out = v;
    return 0;
}

static int parse_seconds(const char *s, double *out)
{
    char *end;
    double v;
    hpa_duration_t d;

    errno = 0;
    v = strtod(s, &end);
    if (!errno && end != s && !*end && v >= 0 && isfinite(v)) {
        *out = v;
        return 0;
    }
    if (hpa_duration_parse(s, &d, NULL) != HPA_OK || d < 0)
        return -1;
    *out = (double)d / 1000.0;
    return 0;
}

/* Split `term` at ':' into at most 4 fields (in place). */
static int split(char *term, char **f, int max)
{
    int n = 0;
    char *p = term;

    for (;;) {
        char *c = strchr(p, ':');
        if (n == max)
            return -1;
        f[n++] = p;
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    return n;
}

static hpa_errcode bad(hpa_err *e, const char *term, const char *why)
{
    return hpa_err_set(e, HPA_EINVAL, "--faults", "bad fault term \"%s\": %s", term, why);
}

static hpa_errcode parse_term(sims_faults *o, char *term, unsigned *seen, hpa_err *e)
{
    char copy[128];
    char *f[4];
    int n;
    static const char *const kinds[] = {"500", "503", "429", "latency", "hang", "reset",
                                        "stale-metrics", "missing-metrics", "outage"};
    unsigned k;

    snprintf(copy, sizeof(copy), "%s", term);
    n = split(term, f, 4);
    if (n < 0)
        return bad(e, copy, "too many ':' fields");
    for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++)
        if (!strcmp(f[0], kinds[k]))
            break;
    if (k == sizeof(kinds) / sizeof(kinds[0]))
        return bad(e, copy, "unknown kind (500, 503, 429, latency, hang, reset, stale-metrics, "
                            "missing-metrics, outage)");
    if (*seen & (1u << k))
        return bad(e, copy, "given twice");
    *seen |= 1u << k;
    if (k == 8) {
        char *dash;
        if (n != 2 || !(dash = strchr(f[1], '-')))
            return bad(e, copy, "expected outage:FROM-TO in simulated seconds, e.g. outage:600s-720s");
        *dash = '\0';
        if (parse_seconds(f[1], &o->outage_from_s) || parse_seconds(dash + 1, &o->outage_to_s))
            return bad(e, copy, "FROM and TO must be seconds or Go durations");
        if (o->outage_to_s <= o->outage_from_s)
            return bad(e, copy, "TO must be after FROM");
        o->has_outage = true;
        return HPA_OK;
    }
    if (n < 2)
        return bad(e, copy, "missing the rate");
    {
        double *rates[] = {&o->p500, &o->p503, &o->p429, &o->p_latency, &o->p_hang,
                           &o->p_reset, &o->p_stale, &o->missing_fraction};
        if (parse_rate(f[1], rates[k]))
            return bad(e, copy, "the rate must be a number between 0 and 1");
    }
    if (k == 3 || k == 6) {
        hpa_duration_t d;
        if (n != 3)
            return bad(e, copy, k == 3 ? "expected latency:RATE:DURATION" : "expected stale-metrics:RATE:DURATION");
        if (hpa_duration_parse(f[2], &d, NULL) != HPA_OK || d < 0)
            return bad(e, copy, "the duration must be a Go duration such as 200ms or 2m");
        if (k == 3)
            o->latency = d;
        else
            o->stale_by = d;
        return HPA_OK;
    }
    if (k == 2 && n == 3) {
        char *end;
        long v;
        if (strncmp(f[2], "retry-after=", 12))
            return bad(e, copy, "expected 429:RATE[:retry-after=SECONDS]");
        errno = 0;
        v = strtol(f[2] + 12, &end, 10);
        if (errno || end == f[2] + 12 || *end || v < 0 || v > 86400)
            return bad(e, copy, "retry-after must be whole seconds (0..86400)");
        o->retry_after_s = (int)v;
        return HPA_OK;
    }
    if (n != 2)
        return bad(e, copy, "too many fields");
    return HPA_OK;
}

hpa_errcode sims_faults_parse(const char *spec, uint64_t seed, sims_faults *out, hpa_err *e)
{
    char term[128];
    const char *p = spec;
    unsigned seen = 0;

    memset(out, 0, sizeof(*out));
    out->retry_after_s = 1;
    out->rng = seed ^ 0xD1B54A32D192ED03ULL;
    if (!spec)
        return HPA_OK;
    while (*p) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        hpa_errcode rc;
        if (len == 0)
            return hpa_err_set(e, HPA_EINVAL, "--faults", "empty fault term in \"%s\"", spec);
        if (len >= sizeof(term))
            return hpa_err_set(e, HPA_EINVAL, "--faults", "fault term too long: \"%.40s...\"", p);
        memcpy(term, p, len);
        term[len] = '\0';
        if ((rc = parse_term(out, term, &seen, e)) != HPA_OK)
            return rc;
        p += len;
        if (*p == ',')
            p++;
    }
    return HPA_OK;
}

sims_fault_draw sims_faults_draw(sims_faults *f, double sim_s)
{
    sims_fault_draw d;
    double u;

    memset(&d, 0, sizeof(d));
    if (f->has_outage && sim_s >= f->outage_from_s && sim_s < f->outage_to_s) {
        d.kind = SIMS_FAULT_OUTAGE;
        return d;
    }
    /* one draw per kind, always in the same order, so that changing one
     * rate does not reshuffle the others */
    if (f->p_latency > 0 && sims_faults_uniform(f) < f->p_latency)
        d.delay = f->latency;
    if (f->p_stale > 0 && sims_faults_uniform(f) < f->p_stale)
        d.stale_by = f->stale_by;
    u = (f->p500 + f->p503 + f->p429 + f->p_hang + f->p_reset) > 0 ? sims_faults_uniform(f) : 2;
    if (u < f->p500)
        d.kind = SIMS_FAULT_500;
    else if ((u -= f->p500) < f->p503)
        d.kind = SIMS_FAULT_503;
    else if ((u -= f->p503) < f->p429)
        d.kind = SIMS_FAULT_429;
    else if ((u -= f->p429) < f->p_hang)
        d.kind = SIMS_FAULT_HANG;
    else if ((u -= f->p_hang) < f->p_reset)
        d.kind = SIMS_FAULT_RESET;
    return d;
}
