/* prom.c - Prometheus text format writers (see prom.h). */
#include "daemon/prom.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *prom_value(double v, char *buf, size_t len)
{
    if (isnan(v))
        snprintf(buf, len, "NaN");
    else if (isinf(v))
        snprintf(buf, len, v > 0 ? "+Inf" : "-Inf");
    else if (v == floor(v) && fabs(v) < 1e15)
        snprintf(buf, len, "%.0f", v);
    else
        snprintf(buf, len, "%.17g", v);
    return buf;
}

void prom_escape_label(hpa_strbuf *b, const char *s)
{
    const char *p;

    for (p = s ? s : ""; *p; p++) {
        if (*p == '\\')
            hpa_strbuf_append(b, "\\\\");
        else if (*p == '"')
            hpa_strbuf_append(b, "\\\"");
        else if (*p == '\n')
            hpa_strbuf_append(b, "\\n");
        else
            hpa_strbuf_appendn(b, p, 1);
    }
}

/* HELP text escapes backslash and newline only. */
static void escape_help(hpa_strbuf *b, const char *s)
{
    const char *p;

    for (p = s; *p; p++) {
        if (*p == '\\')
            hpa_strbuf_append(b, "\\\\");
        else if (*p == '\n')
            hpa_strbuf_append(b, "\\n");
        else
            hpa_strbuf_appendn(b, p, 1);
    }
}

void prom_header(hpa_strbuf *b, const char *name, const char *help, const char *type)
{
    hpa_strbuf_printf(b, "# HELP %s ", name);
    escape_help(b, help);
    hpa_strbuf_printf(b, "\n# TYPE %s %s\n", name, type);
}

static void labels(hpa_strbuf *b, const char *const *kv, bool *first)
{
    size_t i;

    for (i = 0; kv && kv[i] && kv[i + 1]; i += 2) {
        hpa_strbuf_append(b, *first ? "{" : ",");
        *first = false;
        hpa_strbuf_printf(b, "%s=\"", kv[i]);
        prom_escape_label(b, kv[i + 1]);
        hpa_strbuf_append(b, "\"");
    }
}

void prom_sample(hpa_strbuf *b, const char *name, const char *const *kv,
                 const char *const *suffix_kv, double value)
{
    char num[32];
    bool first = true;

    hpa_strbuf_append(b, name);
    labels(b, kv, &first);
    labels(b, suffix_kv, &first);
    if (!first)
        hpa_strbuf_append(b, "}");
    hpa_strbuf_printf(b, " %s\n", prom_value(value, num, sizeof(num)));
}

/* ---- prom_vec -------------------------------------------------------- */

void prom_vec_init(prom_vec *v, const char *name, const char *help,
                   const char *type, const char *const *lbl)
{
    memset(v, 0, sizeof(*v));
    v->name = name;
    v->help = help;
    v->type = type;
    while (lbl && lbl[v->n_labels] && v->n_labels < PROM_VEC_MAX_LABELS) {
        v->labels[v->n_labels] = lbl[v->n_labels];
        v->n_labels++;
    }
}

void prom_vec_free(prom_vec *v)
{
    size_t i, j;

    for (i = 0; i < v->n; i++)
        for (j = 0; j < v->n_labels; j++)
            free(v->items[i].values[j]);
    free(v->items);
    v->items = NULL;
    v->n = v->cap = 0;
}

static prom_vec_entry *vec_find(const prom_vec *v, const char *const *values)
{
    size_t i, j;

    for (i = 0; i < v->n; i++) {
        for (j = 0; j < v->n_labels; j++)
            if (strcmp(v->items[i].values[j], values[j] ? values[j] : ""))
                break;
        if (j == v->n_labels)
            return &v->items[i];
    }
    return NULL;
}

static prom_vec_entry *vec_get(prom_vec *v, const char *const *values)
{
    prom_vec_entry *e = vec_find(v, values);
    size_t j;

    if (e)
        return e;
    if (v->n == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 8;
        prom_vec_entry *p = realloc(v->items, cap * sizeof(*p));

        if (!p)
            return NULL;
        v->items = p;
        v->cap = cap;
    }
    e = &v->items[v->n];
    memset(e, 0, sizeof(*e));
    for (j = 0; j < v->n_labels; j++) {
        e->values[j] = strdup(values[j] ? values[j] : "");
        if (!e->values[j]) {
            while (j-- > 0)
                free(e->values[j]);
            return NULL;
        }
    }
    v->n++;
    return e;
}

hpa_errcode prom_vec_add(prom_vec *v, const char *const *values, double delta)
{
    prom_vec_entry *e = vec_get(v, values);

    if (!e)
        return HPA_ENOMEM;
    e->value += delta;
    return HPA_OK;
}

hpa_errcode prom_vec_set(prom_vec *v, const char *const *values, double value)
{
    prom_vec_entry *e = vec_get(v, values);

    if (!e)
        return HPA_ENOMEM;
    e->value = value;
    return HPA_OK;
}

double prom_vec_get(const prom_vec *v, const char *const *values)
{
    const prom_vec_entry *e = vec_find(v, values);

    return e ? e->value : 0;
}

void prom_vec_render(const prom_vec *v, hpa_strbuf *b)
{
    const char *kv[2 * PROM_VEC_MAX_LABELS + 1];
    size_t i, j;

    prom_header(b, v->name, v->help, v->type);
    for (i = 0; i < v->n; i++) {
        for (j = 0; j < v->n_labels; j++) {
            kv[2 * j] = v->labels[j];
            kv[2 * j + 1] = v->items[i].values[j];
        }
        kv[2 * v->n_labels] = NULL;
        prom_sample(b, v->name, kv, NULL, v->items[i].value);
    }
}

/* ---- prom_hist ------------------------------------------------------- */

void prom_hist_init(prom_hist *h, const char *name, const char *help,
                    const double *bounds, size_t n)
{
    memset(h, 0, sizeof(*h));
    h->name = name;
    h->help = help;
    if (n > PROM_HIST_MAX_BUCKETS)
        n = PROM_HIST_MAX_BUCKETS;
    memcpy(h->bounds, bounds, n * sizeof(*bounds));
    h->n_bounds = n;
}

void prom_hist_observe(prom_hist *h, double v)
{
    size_t i;

    h->count++;
    h->sum += v;
    for (i = 0; i < h->n_bounds; i++)
        if (v <= h->bounds[i]) {
            h->counts[i]++;
            return;
        }
}

void prom_hist_render(const prom_hist *h, hpa_strbuf *b)
{
    hpa_strbuf name = HPA_STRBUF_INIT;
    char le[32];
    const char *kv[3] = {"le", le, NULL};
    uint64_t cum = 0;
    size_t i;

    prom_header(b, h->name, h->help, "histogram");
    hpa_strbuf_printf(&name, "%s_bucket", h->name);
    for (i = 0; i < h->n_bounds; i++) {
        cum += h->counts[i];
        prom_value(h->bounds[i], le, sizeof(le));
        prom_sample(b, hpa_strbuf_cstr(&name), NULL, kv, (double)cum);
    }
    snprintf(le, sizeof(le), "+Inf");
    prom_sample(b, hpa_strbuf_cstr(&name), NULL, kv, (double)h->count);
    hpa_strbuf_reset(&name);
    hpa_strbuf_printf(&name, "%s_sum", h->name);
    prom_sample(b, hpa_strbuf_cstr(&name), NULL, NULL, h->sum);
    hpa_strbuf_reset(&name);
    hpa_strbuf_printf(&name, "%s_count", h->name);
    prom_sample(b, hpa_strbuf_cstr(&name), NULL, NULL, (double)h->count);
    hpa_strbuf_free(&name);
}

double prom_hist_quantile(const prom_hist *h, double q)
{
    double rank, lo = 0;
    uint64_t cum = 0;
    size_t i;

    if (!h->count)
        return 0;
    rank = q * (double)h->count;
    for (i = 0; i < h->n_bounds; i++) {
        if ((double)(cum + h->counts[i]) >= rank && h->counts[i]) {
            double within = (rank - (double)cum) / (double)h->counts[i];
            return lo + (h->bounds[i] - lo) * within;
        }
        cum += h->counts[i];
        lo = h->bounds[i];
    }
    return h->n_bounds ? h->bounds[h->n_bounds - 1] : 0;
}
