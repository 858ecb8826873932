/* trace.c - CSV load traces, resampling and scaling (see trace.h). */
#include "trace.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_interp.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

/* The most grid cells a resampled trace may have: 10 million cells is
 * 115 days at one second, 80 MB of doubles. */
#define SIM_TRACE_MAX_CELLS 10000000

/* Default epoch for traces given in seconds: 2000-01-01T00:00:00Z. Any
 * fixed value works; a fixed one keeps the outputs reproducible. */
#define SIM_DEFAULT_EPOCH 946684800000LL

void sim_trace_raw_free(sim_trace_raw *r)
{
    if (!r)
        return;
    free(r->t);
    free(r->v);
    memset(r, 0, sizeof(*r));
}

void sim_series_free(sim_series *s)
{
    if (!s)
        return;
    free(s->v);
    memset(s, 0, sizeof(*s));
}

void sim_trace_opts_init(sim_trace_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->resample = SIM_RESAMPLE_STEP;
    o->unit_factor = 1;
    o->load_scale = 1;
}

static hpa_errcode line_err(hpa_err *e, const char *name, int line, hpa_errcode code,
                            const char *fmt, const char *field)
{
    hpa_err_set(e, code, NULL, fmt, field);
    if (e) {
        snprintf(e->file, sizeof(e->file), "%s", name);
        e->line = line;
    }
    return code;
}

/* Copy field [s, end) trimmed into buf; returns buf. */
static char *field_copy(const char *s, const char *end, char *buf, size_t len)
{
    size_t n;

    while (s < end && isspace((unsigned char)*s))
        s++;
    while (end > s && isspace((unsigned char)end[-1]))
        end--;
    n = (size_t)(end - s);
    /* Cutting a long field would read a different number (and a NUL byte
     * would end it early): both are errors for the caller. */
    if (n >= len || memchr(s, '\0', n))
        return NULL;
    memcpy(buf, s, n);
    buf[n] = '\0';
    /* a quoted CSV field */
    if (n >= 2 && buf[0] == '"' && buf[n - 1] == '"') {
        memmove(buf, buf + 1, n - 2);
        buf[n - 2] = '\0';
    }
    return buf;
}

static int parse_number(const char *s, double *out)
{
    char *end;

    if (!*s)
        return -1;
    errno = 0;
    *out = strtod(s, &end);
    if (*end || errno == ERANGE)
        return -1;
    return 0;
}

static int grow(sim_trace_raw *r, size_t *cap)
{
    size_t nc = *cap ? *cap * 2 : 1024;
    double *t = realloc(r->t, nc * sizeof(double));
    double *v;

    if (!t)
        return -1;
    r->t = t;
    v = realloc(r->v, nc * sizeof(double));
    if (!v)
        return -1;
    r->v = v;
    *cap = nc;
    return 0;
}

hpa_errcode sim_trace_parse(const char *buf, size_t len, const char *name,
                            sim_trace_raw *out, hpa_err *e)
{
    const char *p = buf, *endbuf = buf + len;
    int line = 0;
    size_t cap = 0;
    int mode = 0;               /* 0 unknown, 1 seconds, 2 RFC 3339 */
    hpa_time_t first_abs = 0;
    double first_s = 0;
    hpa_errcode rc = HPA_OK;
    bool header = false;

    memset(out, 0, sizeof(*out));
    if (!name)
        name = "<trace>";
    while (p < endbuf) {
        const char *eol = memchr(p, '\n', (size_t)(endbuf - p));
        const char *comma;
        char f1[128], f2[128];
        double tv, vv;

        if (!eol)
            eol = endbuf;
        line++;
        {
            const char *q = p;
            while (q < eol && isspace((unsigned char)*q))
                q++;
            if (q == eol) {     /* blank line */
                p = eol + 1;
                continue;
            }
        }
        comma = memchr(p, ',', (size_t)(eol - p));
        if (!comma) {
            rc = line_err(e, name, line, HPA_ESYNTAX,
                          "expected two comma-separated columns (time,value)%s", "");
            goto out;
        }
        {
            const char *c2 = memchr(comma + 1, ',', (size_t)(eol - comma - 1));
            if (!field_copy(p, comma, f1, sizeof(f1)) ||
                !field_copy(comma + 1, c2 ? c2 : eol, f2, sizeof(f2))) {
                rc = line_err(e, name, line, HPA_ESYNTAX,
                              "a field is longer than 127 bytes or holds a NUL byte%s", "");
                goto out;
            }
        }
        p = eol + 1;
        if (!header) {
            header = true;
            if (parse_number(f1, &tv) != 0 && (f1[0] < '0' || f1[0] > '9'))
                continue;       /* the header line */
            rc = line_err(e, name, line, HPA_ESYNTAX,
                          "missing header line (expected e.g. \"time_s,value\"), got \"%s\"", f1);
            goto out;
        }
        if (parse_number(f1, &tv) == 0) {
            if (mode == 2) {
                rc = line_err(e, name, line, HPA_ESYNTAX,
                              "time \"%s\" is in seconds but earlier rows used RFC 3339 timestamps", f1);
                goto out;
            }
            mode = 1;
            if (!isfinite(tv)) {
                rc = line_err(e, name, line, HPA_EINVAL, "time \"%s\" is not a finite number", f1);
                goto out;
            }
        } else {
            hpa_time_t abs;
            hpa_err te;
            if (hpa_time_parse(f1, &abs, &te) != HPA_OK) {
                rc = line_err(e, name, line, HPA_ESYNTAX,
                              "unparsable time \"%s\" (want seconds or an RFC 3339 timestamp)", f1);
                goto out;
            }
            if (mode == 1) {
                rc = line_err(e, name, line, HPA_ESYNTAX,
                              "timestamp \"%s\" but earlier rows used seconds", f1);
                goto out;
            }
            if (mode == 0)
                first_abs = abs;
            mode = 2;
            tv = (double)(abs - first_abs) / 1000.0;
        }
        if (parse_number(f2, &vv) != 0) {
            rc = line_err(e, name, line, HPA_ESYNTAX, "unparsable value \"%s\"", f2);
            goto out;
        }
        if (isnan(vv) || !isfinite(vv)) {
            rc = line_err(e, name, line, HPA_EINVAL, "value \"%s\" is not a finite number", f2);
            goto out;
        }
        if (vv < 0) {
            rc = line_err(e, name, line, HPA_ERANGE, "negative value \"%s\"", f2);
            goto out;
        }
        if (out->n == 0)
            first_s = mode == 1 ? tv : 0;
        tv -= first_s;
        if (out->n > 0 && !(tv > out->t[out->n - 1])) {
            rc = line_err(e, name, line, HPA_EINVAL,
                          "time \"%s\" does not increase (times must be strictly increasing)", f1);
            goto out;
        }
        if (out->n == cap && grow(out, &cap)) {
            rc = hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory reading %s", name);
            goto out;
        }
        out->t[out->n] = tv;
        out->v[out->n] = vv;
        out->n++;
    }
    if (out->n == 0) {
        rc = line_err(e, name, line ? line : 1, HPA_EINVAL,
                      "trace has no data rows%s", header ? " after the header" : "");
        goto out;
    }
    out->has_epoch = mode == 2;
    out->epoch = mode == 2 ? first_abs : SIM_DEFAULT_EPOCH;
out:
    if (rc != HPA_OK)
        sim_trace_raw_free(out);
    return rc;
}

hpa_errcode sim_trace_read(const char *path, sim_trace_raw *out, hpa_err *e)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    hpa_errcode rc;

    memset(out, 0, sizeof(*out));
    if (!f) {
        hpa_err_set(e, HPA_EIO, NULL, "cannot open trace: %s", strerror(errno));
        if (e)
            snprintf(e->file, sizeof(e->file), "%s", path);
        return HPA_EIO;
    }
    for (;;) {
        size_t got;
        if (len + 65536 > cap) {
            char *nb = realloc(buf, cap ? cap * 2 : 1 << 20);
            if (!nb) {
                rc = hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory reading %s", path);
                goto out;
            }
            buf = nb;
            cap = cap ? cap * 2 : 1 << 20;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        rc = hpa_err_set(e, HPA_EIO, NULL, "cannot read trace: %s", strerror(errno));
        if (e)
            snprintf(e->file, sizeof(e->file), "%s", path);
        goto out;
    }
    rc = sim_trace_parse(buf ? buf : "", len, path, out, e);
out:
    free(buf);
    fclose(f);
    return rc;
}

static double median_interval(const sim_trace_raw *r)
{
    double *d, m;
    size_t i;

    if (r->n < 2)
        return 60;
    d = malloc((r->n - 1) * sizeof(double));
    if (!d)
        return r->t[1] - r->t[0];
    for (i = 1; i < r->n; i++)
        d[i - 1] = r->t[i] - r->t[i - 1];
    gsl_sort(d, 1, r->n - 1);
    m = gsl_stats_median_from_sorted_data(d, 1, r->n - 1);
    free(d);
    return m;
}

hpa_errcode sim_trace_resample(const sim_trace_raw *raw, const sim_trace_opts *o,
                               const char *name, sim_series *out, hpa_err *e)
{
    double med = median_interval(raw);
    double step = o->step_s > 0 ? o->step_s : med;
    double end = raw->t[raw->n - 1] + med;
    double from = o->from_s, to = o->to_s > 0 ? o->to_s : end;
    double factor = (o->unit_factor > 0 ? o->unit_factor : 1) * (o->load_scale > 0 ? o->load_scale : 1);
    gsl_interp *lin = NULL;
    gsl_interp_accel *acc = NULL;
    size_t i, n, idx = 0;
    double cells;
    hpa_errcode rc = HPA_OK;

    memset(out, 0, sizeof(*out));
    if (!name)
        name = "<trace>";
    if (to > end)
        to = end;
    if (from < 0 || from >= to) {
        hpa_err_set(e, HPA_ERANGE, "from", "cut [%.0f s, %.0f s) is empty for %s (the trace spans 0 to %.0f s)",
                    from, to, name, end);
        return HPA_ERANGE;
    }
    if (!(step > 0) || !isfinite(step)) {
        hpa_err_set(e, HPA_EINVAL, "step", "resampling step must be positive");
        return HPA_EINVAL;
    }
    cells = floor((to - from) / step + 1e-9);
    /* A tiny step over a long span (or a span of 1e300 s) must be an error,
     * not a huge allocation or an out-of-range conversion. */
    if (!(cells <= SIM_TRACE_MAX_CELLS)) {
        hpa_err_set(e, HPA_ERANGE, "step",
                    "resampling %s at %g s steps over %g s gives more than %d cells; "
                    "use a larger step or a shorter cut", name, step, to - from,
                    SIM_TRACE_MAX_CELLS);
        return HPA_ERANGE;
    }
    n = (size_t)cells;
    if (n == 0) {
        hpa_err_set(e, HPA_ERANGE, "to", "cut of %s is shorter than one step (%g s)", name, step);
        return HPA_ERANGE;
    }
    out->v = malloc(n * sizeof(double));
    if (!out->v)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory resampling %s", name);
    out->n = n;
    out->step_s = step;
    out->epoch = raw->epoch + (hpa_time_t)llround(from * 1000.0);
    if (o->resample == SIM_RESAMPLE_LINEAR && raw->n >= 2) {
        lin = gsl_interp_alloc(gsl_interp_linear, raw->n);
        acc = gsl_interp_accel_alloc();
        if (!lin || !acc) {
            rc = hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory resampling %s", name);
            goto out;
        }
        gsl_interp_init(lin, raw->t, raw->v, raw->n);
    }
    for (i = 0; i < n; i++) {
        double ts = from + (double)i * step, v;
        if (lin) {
            if (ts >= raw->t[raw->n - 1])
                v = raw->v[raw->n - 1];
            else
                v = gsl_interp_eval(lin, raw->t, raw->v, ts, acc);
        } else {
            /* last sample at or before ts; the grid moves forward, so a
             * forward scan from the previous index is linear overall */
            if (idx == 0 && i == 0)
                idx = ts > raw->t[0] ? gsl_interp_bsearch(raw->t, ts, 0, raw->n - 1) : 0;
            while (idx + 1 < raw->n && raw->t[idx + 1] <= ts)
                idx++;
            v = raw->v[idx];
        }
        out->v[i] = v * factor;
    }
    if (o->peak > 0) {
        double mx = sim_series_max(out);
        if (mx > 0)
            for (i = 0; i < n; i++)
                out->v[i] *= o->peak / mx;
    }
out:
    if (lin)
        gsl_interp_free(lin);
    if (acc)
        gsl_interp_accel_free(acc);
    if (rc != HPA_OK)
        sim_series_free(out);
    return rc;
}

double sim_series_duration(const sim_series *s)
{
    return (double)s->n * s->step_s;
}

double sim_series_max(const sim_series *s)
{
    double m = 0;
    size_t i;

    for (i = 0; i < s->n; i++)
        if (s->v[i] > m)
            m = s->v[i];
    return m;
}
