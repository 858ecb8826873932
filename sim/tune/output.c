/* output.c - the tuner's files (see output.h). */
#include "tune/output.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"
#include "hpa/arena.h"
#include "report.h"
#include "svgplot.h"

const tune_figure tune_slo_figures[TUNE_N_SLO] = {TUNE_F_OVERLOAD_SECONDS, TUNE_F_UNSERVED_FRACTION,
                                                  TUNE_F_FLAPS, TUNE_F_RESP_P95};

/* Write `b` to `path` and free it. */
static hpa_errcode write_buf(const char *path, hpa_strbuf *b, hpa_err *e)
{
    hpa_errcode rc = b->oom ? hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory") : sim_report_write_text(path, b, e);

    hpa_strbuf_free(b);
    return rc;
}

/* ---- exact summaries (shards) ---------------------------------------------------- */

#define SUM_FIELDS(X)                                                                      \
    X(duration_s, "durationSeconds") X(pod_seconds, "podSeconds") X(pod_hours, "podHours") \
    X(overload_seconds, "overloadSeconds") X(unserved_fraction, "unservedFraction")        \
    X(util_mean, "utilMean") X(util_p50, "utilP50") X(util_p95, "utilP95")                 \
    X(util_p99, "utilP99") X(reaction_seconds, "reactionSeconds")                         \
    X(resp_mean, "respMean") X(resp_p95, "respP95") X(requests, "requests")
#define SUM_INTS(X)                                                                            \
    X(scale_ups, "scaleUps") X(scale_downs, "scaleDowns") X(flaps, "flaps")                    \
    X(min_replicas, "minReplicas") X(max_replicas, "maxReplicas") X(reactions, "reactions")

json_t *tune_out_summary_exact(const sim_summary *s)
{
    json_t *o = json_object();

    if (!o)
        return NULL;
#define PUT_R(f, k) json_object_set_new(o, k, json_real(s->f));
#define PUT_I(f, k) json_object_set_new(o, k, json_integer(s->f));
    SUM_FIELDS(PUT_R)
    SUM_INTS(PUT_I)
#undef PUT_R
#undef PUT_I
    json_object_set_new(o, "syncs", json_integer((json_int_t)s->syncs));
    return o;
}

hpa_errcode tune_out_summary_read(const json_t *o, sim_summary *s, hpa_err *e)
{
    const json_t *v;

    memset(s, 0, sizeof(*s));
#define GET_R(f, k)                                                                      \
    if (!json_is_number(v = json_object_get(o, k)))                                      \
        return hpa_err_set(e, HPA_ETYPE, k, "shard summary: \"%s\" missing or not a number", k); \
    s->f = json_number_value(v);
#define GET_I(f, k)                                                                      \
    if (!json_is_integer(v = json_object_get(o, k)))                                     \
        return hpa_err_set(e, HPA_ETYPE, k, "shard summary: \"%s\" missing or not an integer", k); \
    s->f = (int)json_integer_value(v);
    SUM_FIELDS(GET_R)
    SUM_INTS(GET_I)
#undef GET_R
#undef GET_I
    if (!json_is_integer(v = json_object_get(o, "syncs")))
        return hpa_err_set(e, HPA_ETYPE, "syncs", "shard summary: \"syncs\" missing or not an integer");
    s->syncs = (uint64_t)json_integer_value(v);
    return HPA_OK;
}

json_t *tune_out_shard_candidates(const tune_problem *p, const tune_result *r)
{
    json_t *arr = json_array();
    size_t i, k;

    if (!arr)
        return NULL;
    for (i = 0; i < r->n_start; i++) {
        json_t *o, *x;
        if (!r->c[i].done)
            continue;
        o = json_object();
        x = json_array();
        for (k = 0; k < p->space.n; k++)
            json_array_append_new(x, json_real(r->c[i].x[k]));
        json_object_set_new(o, "index", json_integer((json_int_t)i));
        json_object_set_new(o, "x", x);
        json_object_set_new(o, "summary", tune_out_summary_exact(&r->c[i].sum));
        json_array_append_new(arr, o);
    }
    return arr;
}

hpa_errcode tune_out_shard_read(const json_t *arr, const tune_problem *p, tune_cand *pre, size_t n,
                                hpa_err *e)
{
    size_t i, k;
    const json_t *o;

    if (!json_is_array(arr))
        return hpa_err_set(e, HPA_ETYPE, "candidates", "expected an array of candidates");
    json_array_foreach(arr, i, o) {
        const json_t *ix = json_object_get(o, "index"), *x = json_object_get(o, "x");
        size_t at;
        hpa_errcode rc;
        if (!json_is_integer(ix) || json_integer_value(ix) < 0 || (size_t)json_integer_value(ix) >= n)
            return hpa_err_set(e, HPA_ERANGE, "candidates", "candidates[%zu].index is not a start point of this problem", i);
        at = (size_t)json_integer_value(ix);
        if (!json_is_array(x) || json_array_size(x) != p->space.n)
            return hpa_err_set(e, HPA_EINVAL, "candidates", "candidates[%zu].x does not fit this space", i);
        if (pre[at].done)
            return hpa_err_set(e, HPA_EINVAL, "candidates", "start point %zu is in two shards", at);
        for (k = 0; k < p->space.n; k++)
            pre[at].x[k] = json_number_value(json_array_get(x, k));
        if ((rc = tune_out_summary_read(json_object_get(o, "summary"), &pre[at].sum, e)) != HPA_OK)
            return rc;
        pre[at].done = true;
    }
    return HPA_OK;
}

/* ---- the JSON result -------------------------------------------------------------- */

static json_t *params_json(const tune_problem *p, const double *x)
{
    json_t *o = json_object();
    size_t k;
    char buf[64];

    for (k = 0; k < p->space.n; k++) {
        const tune_param *pp = &p->space.p[k];
        json_object_set_new(o, pp->name,
                            pp->type == TUNE_CAT ? json_string(tune_space_format(pp, x[k], buf, sizeof(buf)))
                                                 : sim_report_number(x[k]));
    }
    return o;
}

static json_t *span_json(const tune_problem *p, const sim_summary *s, const sim_summary *base, bool has)
{
    json_t *o;
    double obj, viol;

    if (!has)
        return json_null();
    o = sim_report_summary_json(s);
    tune_judge(p, s, base, &obj, &viol);
    json_object_set_new(o, "objective", sim_report_number(obj));
    json_object_set_new(o, "violation", sim_report_number(viol));
    return o;
}

json_t *tune_out_json(const tune_problem *p, const tune_result *r, const tune_meta *m)
{
    json_t *o = json_object(), *a, *fr, *sp;
    const tune_cand *b = &r->c[r->best];
    size_t i, k, *idx = malloc((r->n ? r->n : 1) * sizeof(size_t));
    char buf[64];

    if (!o || !idx) {
        json_decref(o);
        free(idx);
        return NULL;
    }
    json_object_set_new(o, "tool", json_string("hpa-engine tune"));
    json_object_set_new(o, "command", json_string(m->command));
    json_object_set_new(o, "policy", json_string(m->policy));
    json_object_set_new(o, "seed", json_integer((json_int_t)m->seed));
    json_object_set_new(o, "budget", json_integer((json_int_t)m->budget));
    json_object_set_new(o, "evaluations", json_integer((json_int_t)r->n));
    json_object_set_new(o, "simulations", json_integer((json_int_t)r->sims));
    json_object_set_new(o, "startPoints", json_integer((json_int_t)r->n_start));
    json_object_set_new(o, "minimize", json_string(m->minimize));
    a = json_array();
    for (i = 0; i < p->n_cons; i++)
        json_array_append_new(a, json_string(p->cons[i].text));
    json_object_set_new(o, "constraints", a);
    json_object_set_new(o, "spans", json_pack("{s:s,s:s?}", "tune", m->span_tune, "validate",
                                              r->has_val ? m->span_val : NULL));
    sp = json_array();
    for (k = 0; k < p->space.n; k++) {
        const tune_param *pp = &p->space.p[k];
        json_t *q = json_object();
        json_object_set_new(q, "name", json_string(pp->name));
        json_object_set_new(q, "fixed", json_boolean(pp->fixed));
        if (pp->type == TUNE_CAT) {
            json_t *vals = json_array();
            int c;
            for (c = 0; c < pp->ncat; c++)
                json_array_append_new(vals, json_string(hpa_select_policy_name((hpa_select_policy)pp->cat[c])));
            json_object_set_new(q, "values", vals);
            json_object_set_new(q, "base", json_string(tune_space_format(pp, pp->base, buf, sizeof(buf))));
            json_object_set_new(q, "best", json_string(tune_space_format(pp, b->x[k], buf, sizeof(buf))));
        } else {
            json_object_set_new(q, "lo", sim_report_number(pp->fixed ? pp->value : pp->lo));
            json_object_set_new(q, "hi", sim_report_number(pp->fixed ? pp->value : pp->hi));
            json_object_set_new(q, "step", sim_report_number(pp->step));
            json_object_set_new(q, "base", sim_report_number(pp->base));
            json_object_set_new(q, "best", sim_report_number(b->x[k]));
        }
        json_array_append_new(sp, q);
    }
    json_object_set_new(o, "space", sp);
    json_object_set_new(o, "feasible", json_boolean(r->feasible));
    json_object_set_new(o, "base", json_pack("{s:o,s:o}", "tune", span_json(p, &r->base_tune, &r->base_tune, true),
                                             "validate", span_json(p, &r->base_val, &r->base_val, r->has_val)));
    if (r->has_default)
        json_object_set_new(o, "default",
                            json_pack("{s:s,s:o,s:o}", "source", m->deflt ? m->deflt : "",
                                      "tune", span_json(p, &r->def_tune, &r->base_tune, true),
                                      "validate", span_json(p, &r->def_val, &r->base_val, r->has_val)));
    json_object_set_new(o, "best", json_pack("{s:I,s:o,s:o,s:o}", "index", (json_int_t)r->best,
                                             "params", params_json(p, b->x),
                                             "tune", span_json(p, &b->sum, &r->base_tune, true),
                                             "validate", span_json(p, &r->best_val, &r->base_val, r->has_val)));
    a = json_array();
    for (i = 0; i < r->n_warn; i++)
        json_array_append_new(a, json_string(r->warn[i]));
    json_object_set_new(o, "warnings", a);
    fr = json_object();
    for (k = 0; k < TUNE_N_SLO; k++) {
        size_t n = tune_front(r, tune_slo_figures[k], idx);
        json_t *arr = json_array();
        for (i = 0; i < n; i++) {
            const tune_cand *c = &r->c[idx[i]];
            json_array_append_new(arr, json_pack("{s:I,s:o,s:o,s:o,s:b,s:o}", "index", (json_int_t)idx[i],
                                                 "podHours", sim_report_number(c->sum.pod_hours),
                                                 tune_figure_name(tune_slo_figures[k]),
                                                 sim_report_number(tune_figure_get(&c->sum, tune_slo_figures[k])),
                                                 "objective", sim_report_number(c->obj), "feasible", c->viol <= 0,
                                                 "params", params_json(p, c->x)));
        }
        json_object_set_new(fr, tune_figure_name(tune_slo_figures[k]), arr);
    }
    json_object_set_new(o, "fronts", fr);
    a = json_array();
    for (i = 0; i < r->n; i++) {
        const tune_cand *c = &r->c[i];
        static const char *const stage[] = {"start", "nelder-mead", "coordinate"};
        json_t *x = json_array();
        for (k = 0; k < p->space.n; k++)
            json_array_append_new(x, sim_report_number(c->x[k]));
        json_array_append_new(a, json_pack("{s:I,s:s,s:o,s:o,s:o,s:o,s:o,s:o,s:o}", "index", (json_int_t)i,
                                           "stage", stage[c->stage], "x", x, "podHours", sim_report_number(c->sum.pod_hours),
                                           "overloadSeconds", sim_report_number(c->sum.overload_seconds),
                                           "unservedFraction", sim_report_number(c->sum.unserved_fraction),
                                           "flaps", json_integer(c->sum.flaps), "objective", sim_report_number(c->obj),
                                           "violation", sim_report_number(c->viol)));
    }
    json_object_set_new(o, "candidates", a);
    free(idx);
    return o;
}

hpa_errcode tune_out_write_json(const char *path, const tune_problem *p, const tune_result *r,
                                const tune_meta *m, hpa_err *e)
{
    json_t *o = tune_out_json(p, r, m);

    if (!o)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory building the JSON result");
    return sim_report_dump_json(path, o, e);
}

/* ---- CSV: the fronts ------------------------------------------------------------------ */

static void csv_num(hpa_strbuf *b, double v)
{
    if (isfinite(v))
        hpa_strbuf_printf(b, "%.9g", v);
}

hpa_errcode tune_out_write_csv(const char *path, const tune_problem *p, const tune_result *r, hpa_err *e)
{
    hpa_strbuf b = HPA_STRBUF_INIT;
    size_t *idx = malloc((r->n ? r->n : 1) * sizeof(size_t)), i, k, f;
    char buf[64];

    if (!idx)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    hpa_strbuf_append(&b, "slo,index,podHours,sloValue,overloadSeconds,unservedFraction,flaps,objective,feasible");
    for (k = 0; k < p->space.n; k++)
        hpa_strbuf_printf(&b, ",%s", p->space.p[k].name);
    hpa_strbuf_append(&b, "\n");
    for (f = 0; f < TUNE_N_SLO; f++) {
        size_t n = tune_front(r, tune_slo_figures[f], idx);
        for (i = 0; i < n; i++) {
            const tune_cand *c = &r->c[idx[i]];
            hpa_strbuf_printf(&b, "%s,%zu,", tune_figure_name(tune_slo_figures[f]), idx[i]);
            csv_num(&b, c->sum.pod_hours);
            hpa_strbuf_append(&b, ",");
            csv_num(&b, tune_figure_get(&c->sum, tune_slo_figures[f]));
            hpa_strbuf_append(&b, ",");
            csv_num(&b, c->sum.overload_seconds);
            hpa_strbuf_append(&b, ",");
            csv_num(&b, c->sum.unserved_fraction);
            hpa_strbuf_printf(&b, ",%d,", c->sum.flaps);
            csv_num(&b, c->obj);
            hpa_strbuf_printf(&b, ",%s", c->viol <= 0 ? "true" : "false");
            for (k = 0; k < p->space.n; k++)
                hpa_strbuf_printf(&b, ",%s", tune_space_format(&p->space.p[k], c->x[k], buf, sizeof(buf)));
            hpa_strbuf_append(&b, "\n");
        }
    }
    free(idx);
    return write_buf(path, &b, e);
}

/* ---- YAML and the manifest ------------------------------------------------------------- */

static bool plain_ok(const char *s)
{
    static const char *const words[] = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"};
    size_t i;
    char *end;

    if (!*s)
        return false;
    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (!strcasecmp(s, words[i]))
            return false;
    strtod(s, &end);
    if (*end == '\0')
        return false;   /* looks like a number */
    for (i = 0; s[i]; i++)
        if (!isalnum((unsigned char)s[i]) && !strchr("./_-", s[i]))
            return false;
    return !strchr("-.", s[0]);
}

static void yaml_scalar(hpa_strbuf *b, const json_t *v)
{
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        if (plain_ok(s)) {
            hpa_strbuf_append(b, s);
        } else {
            char *q = json_dumps(v, JSON_ENCODE_ANY);
            hpa_strbuf_append(b, q ? q : "\"\"");
            free(q);
        }
    } else if (json_is_integer(v)) {
        hpa_strbuf_printf(b, "%lld", (long long)json_integer_value(v));
    } else if (json_is_real(v)) {
        hpa_strbuf_printf(b, "%.9g", json_real_value(v));
    } else if (json_is_true(v)) {
        hpa_strbuf_append(b, "true");
    } else if (json_is_false(v)) {
        hpa_strbuf_append(b, "false");
    } else if (json_is_object(v)) {
        hpa_strbuf_append(b, "{}");
    } else if (json_is_array(v)) {
        hpa_strbuf_append(b, "[]");
    } else {
        hpa_strbuf_append(b, "null");
    }
}

static bool is_block(const json_t *v)
{
    return (json_is_object(v) && json_object_size(v) > 0) || (json_is_array(v) && json_array_size(v) > 0);
}

void tune_out_yaml(hpa_strbuf *b, const json_t *v, int indent)
{
    const char *key;
    json_t *val;
    size_t i;

    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, key, val) {
            hpa_strbuf_printf(b, "%*s%s:", indent, "", key);
            if (is_block(val)) {
                hpa_strbuf_append(b, "\n");
                tune_out_yaml(b, val, indent + (json_is_array(val) ? 0 : 2));
            } else {
                hpa_strbuf_append(b, " ");
                yaml_scalar(b, val);
                hpa_strbuf_append(b, "\n");
            }
        }
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, val) {
            hpa_strbuf_printf(b, "%*s-", indent, "");
            if (json_is_object(val) && json_object_size(val) > 0) {
                /* the first key on the dash line, the rest aligned under it */
                hpa_strbuf b2 = HPA_STRBUF_INIT;
                tune_out_yaml(&b2, val, indent + 2);
                hpa_strbuf_append(b, " ");
                hpa_strbuf_append(b, hpa_strbuf_cstr(&b2) + indent + 2);
                b->oom |= b2.oom;
                hpa_strbuf_free(&b2);
            } else if (is_block(val)) {
                hpa_strbuf_append(b, "\n");
                tune_out_yaml(b, val, indent + 2);
            } else {
                hpa_strbuf_append(b, " ");
                yaml_scalar(b, val);
                hpa_strbuf_append(b, "\n");
            }
        }
    }
}

static void figures_line(hpa_strbuf *b, const char *what, const sim_summary *s, const sim_summary *base)
{
    hpa_strbuf_printf(b, "#   %-22s podHours %.2f, overloadSeconds %.0f, unservedFraction %.6f, flaps %d",
                      what, s->pod_hours, s->overload_seconds, s->unserved_fraction, s->flaps);
    if (base)
        hpa_strbuf_printf(b, "  (base: %.2f, %.0f, %.6f, %d)", base->pod_hours, base->overload_seconds,
                          base->unserved_fraction, base->flaps);
    hpa_strbuf_append(b, "\n");
}

hpa_errcode tune_out_write_manifest(const char *path, const tune_problem *p, const tune_result *r,
                                    const tune_meta *m, hpa_err *e)
{
    tune_specbuf sb;
    json_t *obj;
    hpa_errlist problems = {0, 0, NULL};
    hpa_strbuf b = HPA_STRBUF_INIT;
    const tune_cand *c = &r->c[r->best];
    hpa_errcode rc;
    size_t k, i;
    char v0[64], v1[64];
    bool changed = false;

    if ((rc = tune_policy_of(p, c->x, &sb, e)) != HPA_OK)
        return rc;
    obj = hpa_codec_hpa_to_json(&sb.spec);
    tune_specbuf_free(&sb);
    if (!obj)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory writing the policy");
    if (hpa_validate_hpa_json(obj, &problems) > 0) {
        rc = hpa_err_set(e, HPA_EINVAL, problems.items[0].path,
                         "the tuned policy does not validate: %s", problems.items[0].msg);
        hpa_errlist_free(&problems);
        json_decref(obj);
        return rc;
    }
    hpa_errlist_free(&problems);
    hpa_strbuf_printf(&b, "# Tuned by hpa-engine tune from %s (seed %llu, %zu candidates simulated).\n",
                      m->policy, (unsigned long long)m->seed, r->sims);
    hpa_strbuf_append(&b, "# command: ");
    hpa_strbuf_append(&b, m->command);
    hpa_strbuf_printf(&b, "\n# minimize: %s", m->minimize);
    for (i = 0; i < p->n_cons; i++)
        hpa_strbuf_printf(&b, "%s%s", i ? ", " : "; subject to: ", p->cons[i].text);
    hpa_strbuf_append(&b, "\n");
    if (!r->feasible)
        hpa_strbuf_append(&b, "# WARNING: no candidate met the constraints; this is the closest one.\n");
    hpa_strbuf_printf(&b, "# figures (tuning span: %s):\n", m->span_tune);
    figures_line(&b, "tuning span:", &c->sum, &r->base_tune);
    if (r->has_val) {
        hpa_strbuf_printf(&b, "# validation span: %s\n", m->span_val);
        figures_line(&b, "validation span:", &r->best_val, &r->base_val);
    }
    for (k = 0; k < p->space.n; k++) {
        const tune_param *pp = &p->space.p[k];
        if (c->x[k] == pp->base)
            continue;
        hpa_strbuf_printf(&b, "%s %s %s -> %s", changed ? "," : "# changed:", pp->name,
                          tune_space_format(pp, pp->base, v0, sizeof(v0)),
                          tune_space_format(pp, c->x[k], v1, sizeof(v1)));
        changed = true;
    }
    hpa_strbuf_append(&b, changed ? "\n" : "# changed: nothing (the base policy is the best found)\n");
    for (i = 0; i < r->n_warn; i++)
        hpa_strbuf_printf(&b, "# WARNING: %s\n", r->warn[i]);
    tune_out_yaml(&b, obj, 0);
    json_decref(obj);
    return write_buf(path, &b, e);
}

/* ---- HTML ------------------------------------------------------------------------------ */

static const sim_svg_frame frame = {900, 330, 70, 20, 30, 40, true};

static void marker(hpa_strbuf *b, const sim_svg_axes *a, double x, double y, const char *shape,
                   const char *color, const char *label)
{
    double px = sim_svg_x(a, x), py = sim_svg_y(a, y);

    if (!strcmp(shape, "square"))
        hpa_strbuf_printf(b, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\"/>", px - 5, py - 5, color);
    else if (!strcmp(shape, "diamond"))
        hpa_strbuf_printf(b, "<path d=\"M%.1f %.1fl6 6l-6 6l-6 -6z\" fill=\"%s\"/>", px, py - 6, color);
    else
        hpa_strbuf_printf(b, "<path d=\"M%.1f %.1fl2.4 4.9l5.4 0.8l-3.9 3.8l0.9 5.4l-4.8 -2.5l-4.8 2.5l0.9 -5.4"
                             "l-3.9 -3.8l5.4 -0.8z\" fill=\"%s\"/>",
                          px, py - 7, color);
    hpa_strbuf_printf(b, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"%s\">", px + 9, py - 6, color);
    sim_html_esc(b, label);
    hpa_strbuf_append(b, "</text>\n");
}

static void front_plot(hpa_strbuf *b, const tune_result *r, tune_figure slo, size_t *idx)
{
    /* a degenerate x range puts the points in the middle */
    sim_svg_axes a = {&frame, 0, 0, 0, 0.5, 1e-12};
    size_t i, n = tune_front(r, slo, idx);
    double st, xmin = INFINITY, xmax = -INFINITY, ymax = 0;
    const tune_cand *best = &r->c[r->best];
    const char *name = tune_figure_name(slo);
    char aria[96], title[128];
    struct {
        const sim_summary *s;
        bool on;
    } refs[3] = {{&r->base_tune, true}, {&r->def_tune, r->has_default}, {&best->sum, true}};

    for (i = 0; i < r->n; i++) {
        xmin = fmin(xmin, r->c[i].sum.pod_hours);
        xmax = fmax(xmax, r->c[i].sum.pod_hours);
        ymax = fmax(ymax, tune_figure_get(&r->c[i].sum, slo));
    }
    for (i = 0; i < 3; i++)
        if (refs[i].on) {
            xmin = fmin(xmin, refs[i].s->pod_hours);
            xmax = fmax(xmax, refs[i].s->pod_hours);
            ymax = fmax(ymax, tune_figure_get(refs[i].s, slo));
        }
    if (!isfinite(ymax) || ymax <= 0)
        ymax = 1;
    if (!(xmax > xmin)) {
        xmin -= 1;
        xmax += 1;
    }
    st = sim_svg_nice_step(xmax - xmin, 8);
    a.x0 = floor(xmin / st) * st;
    a.x1 = ceil(xmax / st) * st;
    a.y1 = ymax * 1.08;
    snprintf(aria, sizeof(aria), "pod-hours against %s", name);
    snprintf(title, sizeof(title), "Trade-off: pod-hours against %s (tuning span)", name);
    sim_svg_begin(b, &frame, aria, title);
    sim_svg_axes_draw(b, &a, "pod-hours", name);
    for (i = 0; i < r->n; i++)
        hpa_strbuf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2.5\" fill=\"%s\" opacity=\"0.5\"/>\n",
                          sim_svg_x(&a, r->c[i].sum.pod_hours), sim_svg_y(&a, tune_figure_get(&r->c[i].sum, slo)),
                          r->c[i].viol <= 0 ? "#9aa" : "#dbb");
    if (n > 0) {
        sim_svg_polyline_begin(b, "#1f77b4", 1.6, NULL);
        for (i = 0; i < n; i++)
            sim_svg_point(b, &a, r->c[idx[i]].sum.pod_hours, tune_figure_get(&r->c[idx[i]].sum, slo));
        sim_svg_polyline_end(b);
        for (i = 0; i < n; i++)
            hpa_strbuf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#1f77b4\"/>\n",
                              sim_svg_x(&a, r->c[idx[i]].sum.pod_hours),
                              sim_svg_y(&a, tune_figure_get(&r->c[idx[i]].sum, slo)));
    }
    marker(b, &a, r->base_tune.pod_hours, tune_figure_get(&r->base_tune, slo), "square", "#d62728", "base");
    if (r->has_default)
        marker(b, &a, r->def_tune.pod_hours, tune_figure_get(&r->def_tune, slo), "diamond", "#2ca02c",
               "Kubernetes default");
    marker(b, &a, best->sum.pod_hours, tune_figure_get(&best->sum, slo), "star", "#ff7f0e", "best");
    sim_svg_legend_line(b, frame.w - 330, frame.mt + 4, "#1f77b4", NULL, "Pareto front");
    hpa_strbuf_printf(b, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"3\" fill=\"#9aa\"/><text x=\"%.0f\" y=\"%.0f\" "
                         "font-size=\"11\">candidates (pink: breaks a constraint)</text>\n",
                      frame.w - 220, frame.mt + 4, frame.w - 214, frame.mt + 8);
    sim_svg_end(b);
}

static void cmp_row(hpa_strbuf *b, const char *name, const char *color, const tune_problem *p,
                    const sim_summary *s, const sim_summary *base)
{
    double obj, viol;

    tune_judge(p, s, base, &obj, &viol);
    sim_html_row_begin(b, color, name);
    hpa_strbuf_printf(b, "</td><td>%.2f</td><td>%.0f</td><td>%.4f %%</td><td>%d</td><td>%.1f ms</td>"
                         "<td>%.6g</td><td>%s</td></tr>\n",
                      s->pod_hours, s->overload_seconds, s->unserved_fraction * 100, s->flaps,
                      s->resp_p95 * 1000, obj, viol <= 0 ? "yes" : "no");
}

hpa_errcode tune_out_write_html(const char *path, const tune_problem *p, const tune_result *r,
                                const tune_meta *m, hpa_err *e)
{
    static const char *const span_cols[] = {"policy", "pod-hours", "overload s", "unserved", "flaps",
                                            "resp. p95", "objective", "meets constraints"};
    static const char *const set_cols[] = {"parameter", "searched", "base", "best"};
    static const sim_html_page page = {"hpa-engine tune", 980, 13, false, "p.warn{color:#a00}"};
    hpa_strbuf b = HPA_STRBUF_INIT;
    size_t *idx = malloc((r->n ? r->n : 1) * sizeof(size_t)), i, k;
    const tune_cand *c = &r->c[r->best];
    char v0[64], v1[64];
    int span;

    if (!idx)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    sim_html_begin(&b, &page);
    hpa_strbuf_append(&b, "<h1>Policy tuning: ");
    sim_html_esc(&b, m->policy);
    hpa_strbuf_append(&b, "</h1>\n<p>Minimize <b>");
    sim_html_esc(&b, m->minimize);
    hpa_strbuf_append(&b, "</b>");
    for (i = 0; i < p->n_cons; i++) {
        hpa_strbuf_append(&b, i ? ", " : " subject to <b>");
        sim_html_esc(&b, p->cons[i].text);
    }
    hpa_strbuf_append(&b, p->n_cons ? "</b>" : "");
    hpa_strbuf_printf(&b, " (<i>base</i> is the base policy's own figure on the same span). %zu candidates "
                          "simulated of a budget of %zu, seed %llu.</p>\n",
                      r->sims, m->budget, (unsigned long long)m->seed);
    hpa_strbuf_append(&b, "<p class=\"note\">Command: <code>");
    sim_html_esc(&b, m->command);
    hpa_strbuf_append(&b, "</code></p>\n");
    if (!r->feasible)
        hpa_strbuf_append(&b, "<p class=\"warn\">No candidate met the constraints: the best shown is the "
                              "closest one (smallest violation).</p>\n");
    for (i = 0; i < r->n_warn; i++) {
        hpa_strbuf_append(&b, "<p class=\"warn\">Warning: ");
        sim_html_esc(&b, r->warn[i]);
        hpa_strbuf_append(&b, "</p>\n");
    }
    for (span = 0; span < (r->has_val ? 2 : 1); span++) {
        hpa_strbuf_append(&b, span ? "<h2>Validation span: " : "<h2>Tuning span: ");
        sim_html_esc(&b, span ? m->span_val : m->span_tune);
        hpa_strbuf_append(&b, "</h2>\n");
        sim_html_table_begin(&b, NULL, span_cols, sizeof(span_cols) / sizeof(span_cols[0]));
        cmp_row(&b, "base", "#d62728", p, span ? &r->base_val : &r->base_tune, span ? &r->base_val : &r->base_tune);
        if (r->has_default)
            cmp_row(&b, "Kubernetes default", "#2ca02c", p, span ? &r->def_val : &r->def_tune,
                    span ? &r->base_val : &r->base_tune);
        cmp_row(&b, "best", "#ff7f0e", p, span ? &r->best_val : &c->sum, span ? &r->base_val : &r->base_tune);
        sim_html_table_end(&b);
    }
    for (k = 0; k < TUNE_N_SLO; k++)
        front_plot(&b, r, tune_slo_figures[k], idx);
    hpa_strbuf_append(&b, "<h2>Settings</h2>\n");
    sim_html_table_begin(&b, NULL, set_cols, sizeof(set_cols) / sizeof(set_cols[0]));
    for (k = 0; k < p->space.n; k++) {
        const tune_param *pp = &p->space.p[k];
        hpa_strbuf_append(&b, "<tr><td>");
        sim_html_esc(&b, pp->name);
        if (pp->fixed)
            hpa_strbuf_printf(&b, "</td><td>fixed at %s", tune_space_format(pp, pp->value, v0, sizeof(v0)));
        else if (pp->type == TUNE_CAT) {
            int cc;
            hpa_strbuf_append(&b, "</td><td>");
            for (cc = 0; cc < pp->ncat; cc++)
                hpa_strbuf_printf(&b, "%s%s", cc ? " | " : "", hpa_select_policy_name((hpa_select_policy)pp->cat[cc]));
        } else
            hpa_strbuf_printf(&b, "</td><td>%g .. %g step %g", pp->lo, pp->hi, pp->step);
        hpa_strbuf_printf(&b, "</td><td>%s</td><td>%s%s%s</td></tr>\n", tune_space_format(pp, pp->base, v0, sizeof(v0)),
                          c->x[k] != pp->base ? "<b>" : "", tune_space_format(pp, c->x[k], v1, sizeof(v1)),
                          c->x[k] != pp->base ? "</b>" : "");
    }
    sim_html_table_end(&b);
    hpa_strbuf_append(&b, "<p class=\"note\">Pod-hours count scheduled pods; overload is time "
                          "in which the load exceeded what the Ready pods serve at their CPU limit "
                          "(docs/simulator.md). The fronts hold the candidates no other candidate beats on both "
                          "figures; docs/tuning.md explains the search.</p>\n");
    sim_html_end(&b, "tune");
    free(idx);
    return write_buf(path, &b, e);
}
