/*
 * cmd_tune.c - `hpa-engine tune`: find the cheapest policy that keeps the
 * SLO by replaying traces through the simulator (sim/tune/), and
 * `hpa-engine tune merge SHARD.json...`: finish a sharded run.
 *
 * A shard file carries the options of the run it belongs to, so `merge`
 * needs only the shard files (and the same traces and policy at the same
 * paths); it writes exactly what the unsharded run would have written.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cli/cli.h"
#include "codec/codec.h"
#include "cliopts.h"
#include "hpa/timeutil.h"
#include "scenario.h"
#include "tune/output.h"
#include "tune/tune.h"

#define MAX_TRACES 32
#define SHARD_KIND "hpa-engine-tune-shard"

/* Everything that decides the result; what a shard file records. */
typedef struct tune_opts {
    const char *policy, *scenario, *minimize, *space, *deflt;
    const char *trace[MAX_TRACES], *vtrace[MAX_TRACES];
    size_t n_trace, n_vtrace;
    const char *cons[TUNE_MAX_CONSTRAINTS];
    size_t n_cons;
    size_t budget;
    unsigned long long seed;
    bool has_seed;
    double split;
    bool has_split;
    sim_trace_flags tr;
} tune_opts;

/* Where the output goes; not part of the result. */
typedef struct tune_outs {
    const char *out, *report, *json, *csv, *shard_out;
    size_t shard_k, shard_n;
    int threads;
    bool quiet;
} tune_outs;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: hpa-engine tune --policy BASE.yaml --trace T.csv [--trace ...] [options]\n"
            "       hpa-engine tune merge SHARD.json... [--out F] [--report F] [--json F] [--csv F]\n\n"
            "Search the settings of an HPA policy for the cheapest one that keeps the SLO, by\n"
            "replaying load traces through the simulator (docs/tuning.md).\n\n"
            "  --policy FILE          the base policy (an autoscaling/v2 HPA manifest)\n"
            "  --trace FILE           a load trace (repeatable); tuned on the first part of each\n"
            "  --validate-trace FILE  validate on these traces instead of a time split (repeatable)\n"
            "  --validate-split F     tune on the first F of each trace, validate on the rest (0.7;\n"
            "                         1 = no validation)\n"
            "  --scenario FILE        model settings and trace options (docs/simulator.md)\n"
            "  --kind K --unit U      the trace's kind (requests|cpu) and unit, as in simulate\n"
            "  --load-scale X --peak R --from T --to T --step T   trace options, as in simulate\n"
            "  --minimize EXPR        figure or weighted sum to minimize (podHours)\n"
            "  --constraint EXPR      e.g. overloadSeconds<=base, unservedFraction<=0.001,\n"
            "                         flaps<=base*1.1 (repeatable; default overloadSeconds<=base)\n"
            "  --space SPEC           name=lo:hi[:step],name=A|B,name=VALUE,name=fixed,*=fixed\n"
            "  --budget N             candidate evaluations (200)\n"
            "  --seed N               random seed (1)\n"
            "  --threads N            worker threads (all CPUs); does not change the result\n"
            "  --default-policy FILE  the 'Kubernetes default' reference (the base without behavior)\n"
            "  --out FILE             the best policy as a manifest\n"
            "  --report FILE          HTML report;  --json FILE  JSON result;  --csv FILE  Pareto fronts\n"
            "  --shard K/N            evaluate share K (0-based) of N of the start points, write\n"
            "  --shard-out FILE       them to FILE and stop; finish with `tune merge`\n"
            "  --quiet                no summary on stdout\n\n"
            "Exit status: 0 done, 1 no candidate met the constraints (the closest is written) or a\n"
            "run failed, 2 bad usage or input.\n");
}

static void print_err(const char *what, const hpa_err *e)
{
    char buf[HPA_ERR_MSG_MAX + HPA_ERR_PATH_MAX + HPA_ERR_FILE_MAX + 64];
    hpa_err c = *e;

    /* the messages of the tuner's own parsers already start with the option */
    if (c.path[0] == '-' && !strncmp(c.msg, c.path, strlen(c.path)))
        c.path[0] = '\0';
    fprintf(stderr, "hpa-engine %s: %s\n", what, hpa_err_format(&c, buf, sizeof(buf)));
}

static int parse_count(const char *s, unsigned long long *out)
{
    char *end;

    errno = 0;
    if (!*s || s[0] == '-')
        return -1;
    *out = strtoull(s, &end, 10);
    return (*end || errno) ? -1 : 0;
}

/* ---- options <-> JSON (shard files) ------------------------------------------------ */

static json_t *strs(const char *const *v, size_t n)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; i < n; i++)
        json_array_append_new(a, json_string(v[i]));
    return a;
}

static json_t *opts_json(const tune_opts *o)
{
    json_t *j = json_object();

    json_object_set_new(j, "policy", json_string(o->policy));
    json_object_set_new(j, "traces", strs(o->trace, o->n_trace));
    json_object_set_new(j, "validateTraces", strs(o->vtrace, o->n_vtrace));
    json_object_set_new(j, "scenario", o->scenario ? json_string(o->scenario) : json_null());
    json_object_set_new(j, "defaultPolicy", o->deflt ? json_string(o->deflt) : json_null());
    json_object_set_new(j, "minimize", json_string(o->minimize));
    json_object_set_new(j, "constraints", strs(o->cons, o->n_cons));
    json_object_set_new(j, "space", o->space ? json_string(o->space) : json_null());
    json_object_set_new(j, "budget", json_integer((json_int_t)o->budget));
    json_object_set_new(j, "seed", json_integer((json_int_t)o->seed));
    json_object_set_new(j, "hasSeed", json_boolean(o->has_seed));
    json_object_set_new(j, "validateSplit", json_real(o->split));
    json_object_set_new(j, "hasSplit", json_boolean(o->has_split));
    json_object_set_new(j, "kind", o->tr.kind ? json_string(o->tr.kind) : json_null());
    json_object_set_new(j, "unit", o->tr.unit ? json_string(o->tr.unit) : json_null());
    json_object_set_new(j, "loadScale", json_real(o->tr.load_scale));
    json_object_set_new(j, "peak", json_real(o->tr.peak));
    json_object_set_new(j, "from", json_real(o->tr.from));
    json_object_set_new(j, "to", json_real(o->tr.to));
    json_object_set_new(j, "step", json_real(o->tr.step));
    return j;
}

/* Strings point into `j`, which must outlive `o`. */
static int opts_from_json(const json_t *j, tune_opts *o)
{
    const json_t *v;
    size_t i;

#define STR(key, dst)                                                  \
    v = json_object_get(j, key);                                       \
    if (json_is_string(v))                                             \
        dst = json_string_value(v);                                    \
    else if (!json_is_null(v))                                         \
        return -1;
#define ARR(key, dst, n, max)                                          \
    v = json_object_get(j, key);                                       \
    if (!json_is_array(v) || json_array_size(v) > (max))               \
        return -1;                                                     \
    for (i = 0; i < json_array_size(v); i++) {                         \
        if (!json_is_string(json_array_get(v, i)))                     \
            return -1;                                                 \
        dst[i] = json_string_value(json_array_get(v, i));              \
    }                                                                  \
    n = json_array_size(v);
#define NUM(key, dst)                                                  \
    v = json_object_get(j, key);                                       \
    if (!json_is_number(v))                                            \
        return -1;                                                     \
    dst = json_number_value(v);

    memset(o, 0, sizeof(*o));
    STR("policy", o->policy)
    STR("scenario", o->scenario)
    STR("defaultPolicy", o->deflt)
    STR("minimize", o->minimize)
    STR("space", o->space)
    STR("kind", o->tr.kind)
    STR("unit", o->tr.unit)
    ARR("traces", o->trace, o->n_trace, MAX_TRACES)
    ARR("validateTraces", o->vtrace, o->n_vtrace, MAX_TRACES)
    ARR("constraints", o->cons, o->n_cons, TUNE_MAX_CONSTRAINTS)
    if (!json_is_integer(v = json_object_get(j, "budget")) || json_integer_value(v) < 1)
        return -1;
    o->budget = (size_t)json_integer_value(v);
    if (!json_is_integer(v = json_object_get(j, "seed")))
        return -1;
    o->seed = (unsigned long long)json_integer_value(v);
    o->has_seed = json_is_true(json_object_get(j, "hasSeed"));
    o->has_split = json_is_true(json_object_get(j, "hasSplit"));
    NUM("validateSplit", o->split)
    NUM("loadScale", o->tr.load_scale)
    NUM("peak", o->tr.peak)
    NUM("from", o->tr.from)
    NUM("to", o->tr.to)
    NUM("step", o->tr.step)
#undef STR
#undef ARR
#undef NUM
    return o->policy || o->scenario ? 0 : -1;
}

/* The command that reproduces the result: the options in a fixed order,
 * without where the output goes or how many threads ran it. */
static void canonical_command(const tune_opts *o, const char *policy, hpa_strbuf *b)
{
    size_t i;

    hpa_strbuf_append(b, "hpa-engine tune");
    if (o->scenario)
        hpa_strbuf_printf(b, " --scenario %s", o->scenario);
    hpa_strbuf_printf(b, " --policy %s", policy);
    for (i = 0; i < o->n_trace; i++)
        hpa_strbuf_printf(b, " --trace %s", o->trace[i]);
    for (i = 0; i < o->n_vtrace; i++)
        hpa_strbuf_printf(b, " --validate-trace %s", o->vtrace[i]);
    if (o->tr.kind)
        hpa_strbuf_printf(b, " --kind %s", o->tr.kind);
    if (o->tr.unit)
        hpa_strbuf_printf(b, " --unit %s", o->tr.unit);
    if (o->tr.load_scale > 0)
        hpa_strbuf_printf(b, " --load-scale %g", o->tr.load_scale);
    if (o->tr.peak > 0)
        hpa_strbuf_printf(b, " --peak %g", o->tr.peak);
    if (o->tr.from >= 0)
        hpa_strbuf_printf(b, " --from %g", o->tr.from);
    if (o->tr.to >= 0)
        hpa_strbuf_printf(b, " --to %g", o->tr.to);
    if (o->tr.step > 0)
        hpa_strbuf_printf(b, " --step %g", o->tr.step);
    hpa_strbuf_printf(b, " --minimize '%s'", o->minimize);
    for (i = 0; i < o->n_cons; i++)
        hpa_strbuf_printf(b, " --constraint '%s'", o->cons[i]);
    if (o->space)
        hpa_strbuf_printf(b, " --space '%s'", o->space);
    if (o->deflt)
        hpa_strbuf_printf(b, " --default-policy %s", o->deflt);
    hpa_strbuf_printf(b, " --budget %zu --seed %llu", o->budget, o->seed);
    if (o->n_vtrace == 0)
        hpa_strbuf_printf(b, " --validate-split %g", o->split);
}

/* ---- the problem ------------------------------------------------------------------------ */

typedef struct loaded {
    sim_scenario sc;
    hpa_arena arena;
    hpa_spec base, deflt;
    size_t n_tune, n_val;
    sim_series tune[MAX_TRACES], val[MAX_TRACES];
    char *policy;
    char span_tune[512], span_val[512];
} loaded;

static void loaded_free(loaded *l)
{
    size_t i;

    for (i = 0; i < l->n_tune; i++)
        sim_series_free(&l->tune[i]);
    for (i = 0; i < l->n_val; i++)
        sim_series_free(&l->val[i]);
    sim_scenario_free(&l->sc);
    hpa_arena_free(&l->arena);
    free(l->policy);
}

static hpa_errcode load_trace(sim_workload *w, const char *path, sim_series *out, hpa_err *e)
{
    hpa_errcode rc;

    free(w->trace.file);
    w->trace.file = strdup(path);
    if (!w->trace.file)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    rc = sim_workload_load_trace(w, out, e);
    if (rc == HPA_OK && out->n < 2)
        rc = hpa_err_set(e, HPA_EINVAL, "--trace", "trace %s has fewer than two steps", path);
    return rc;
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');

    return s ? s + 1 : p;
}

/* Load policy, traces and spans. Returns an exit code (0 = fine). */
static int load_problem(const tune_opts *o, loaded *l, tune_problem *p, hpa_err *e)
{
    sim_workload *w;
    size_t i;
    const char *traces[MAX_TRACES];
    size_t n_traces = 0;
    double split = o->has_split ? o->split : 0.7;
    hpa_spec_defaults_input none;

    memset(&none, 0, sizeof(none));
    if ((o->scenario ? sim_scenario_load(o->scenario, &l->sc, e) : sim_scenario_default(&l->sc, e)) != HPA_OK)
        return HPA_EXIT_USAGE;
    if (l->sc.n != 1) {
        hpa_err_set(e, HPA_EINVAL, "--scenario", "the tuner takes a scenario with one workload (this one has %zu)",
                    l->sc.n);
        return HPA_EXIT_USAGE;
    }
    w = &l->sc.w[0];
    sim_trace_flags_apply(&o->tr, w);
    l->policy = strdup(o->policy ? o->policy : w->policy ? w->policy : "");
    if (!l->policy || !l->policy[0]) {
        hpa_err_set(e, HPA_EMISSING, "--policy", "no policy given (use --policy)");
        return HPA_EXIT_USAGE;
    }
    if (sim_policy_load(l->policy, &l->arena, &l->base, e) != HPA_OK)
        return HPA_EXIT_USAGE;
    if (o->deflt) {
        if (sim_policy_load(o->deflt, &l->arena, &l->deflt, e) != HPA_OK)
            return HPA_EXIT_USAGE;
    } else {
        /* the base policy with behavior removed: the controller's own rules */
        l->deflt = l->base;
        l->deflt.has_behavior = false;
        memset(&l->deflt.scale_up, 0, sizeof(l->deflt.scale_up));
        memset(&l->deflt.scale_down, 0, sizeof(l->deflt.scale_down));
    }
    for (i = 0; i < o->n_trace; i++)
        traces[n_traces++] = o->trace[i];
    if (n_traces == 0 && w->trace.file)
        traces[n_traces++] = w->trace.file;
    if (n_traces == 0) {
        hpa_err_set(e, HPA_EMISSING, "--trace", "no trace given (use --trace)");
        return HPA_EXIT_USAGE;
    }
    if (o->n_vtrace > 0) {
        for (i = 0; i < n_traces; i++) {
            char *path = strdup(traces[i]);
            hpa_errcode rc = path ? load_trace(w, path, &l->tune[l->n_tune], e) : HPA_ENOMEM;
            free(path);
            if (rc != HPA_OK)
                return HPA_EXIT_USAGE;
            l->n_tune++;
        }
        for (i = 0; i < o->n_vtrace; i++) {
            if (load_trace(w, o->vtrace[i], &l->val[l->n_val], e) != HPA_OK)
                return HPA_EXIT_USAGE;
            l->n_val++;
        }
        snprintf(l->span_tune, sizeof(l->span_tune), "%zu tuning trace(s), whole", l->n_tune);
        snprintf(l->span_val, sizeof(l->span_val), "%zu validation trace(s), whole", l->n_val);
    } else {
        for (i = 0; i < n_traces; i++) {
            sim_series whole;
            char *path = strdup(traces[i]);
            hpa_errcode rc = path ? load_trace(w, path, &whole, e) : HPA_ENOMEM;
            free(path);
            if (rc != HPA_OK)
                return HPA_EXIT_USAGE;
            if (split >= 1) {
                l->tune[l->n_tune++] = whole;
                continue;
            }
            rc = tune_split_series(&whole, split, &l->tune[l->n_tune], &l->val[l->n_val], e);
            sim_series_free(&whole);
            if (rc != HPA_OK)
                return HPA_EXIT_USAGE;
            l->n_tune++;
            l->n_val++;
        }
        if (split >= 1) {
            snprintf(l->span_tune, sizeof(l->span_tune), "the whole of %s%s", base_name(traces[0]),
                     n_traces > 1 ? " and the other traces" : "");
        } else {
            snprintf(l->span_tune, sizeof(l->span_tune), "the first %g %% of %s%s (%.1f h)", split * 100,
                     base_name(traces[0]), n_traces > 1 ? " and of the other traces" : "",
                     sim_series_duration(&l->tune[0]) / 3600);
            snprintf(l->span_val, sizeof(l->span_val), "the last %g %% of %s%s (%.1f h)", (1 - split) * 100,
                     base_name(traces[0]), n_traces > 1 ? " and of the other traces" : "",
                     sim_series_duration(&l->val[0]) / 3600);
        }
    }
    memset(p, 0, sizeof(*p));
    p->base = &l->base;
    p->deflt = &l->deflt;
    p->model = &w->model;
    p->n_tune = l->n_tune;
    p->tune = l->tune;
    p->n_val = l->n_val;
    p->val = l->val;
    p->budget = o->budget;
    p->seed = o->seed;
    if (tune_space_default(&p->space, &l->base, &w->model.opts, e) != HPA_OK ||
        tune_space_parse(&p->space, o->space, e) != HPA_OK)
        return HPA_EXIT_USAGE;
    if (tune_expr_parse(o->minimize, "--minimize", &p->objective, e) != HPA_OK)
        return HPA_EXIT_USAGE;
    for (i = 0; i < o->n_cons; i++)
        if (tune_constraint_parse(o->cons[i], "--constraint", &p->cons[i], e) != HPA_OK)
            return HPA_EXIT_USAGE;
    p->n_cons = o->n_cons;
    return 0;
}

/* ---- results --------------------------------------------------------------------------- */

static void print_row(const char *name, const sim_summary *s, double obj, double viol)
{
    printf("  %-20s %10.2f %12.0f %12.6f %6d %12.6g %s\n", name, s->pod_hours, s->overload_seconds,
           s->unserved_fraction, s->flaps, obj, viol <= 0 ? "yes" : "no");
}

static void print_summary(const tune_problem *p, const tune_result *r, const loaded *l)
{
    const tune_cand *c = &r->c[r->best];
    double obj, viol;
    int span;

    printf("tuned %s: %zu candidates simulated (%zu distinct), best #%zu%s\n", l->policy, r->sims, r->n, r->best,
           r->feasible ? "" : " (INFEASIBLE: the closest candidate)");
    for (span = 0; span < (r->has_val ? 2 : 1); span++) {
        const sim_summary *bs = span ? &r->base_val : &r->base_tune;
        printf("%s span (%s):\n  %-20s %10s %12s %12s %6s %12s %s\n", span ? "validation" : "tuning",
               span ? l->span_val : l->span_tune, "policy", "podHours", "overloadS", "unserved", "flaps",
               "objective", "ok");
        tune_judge(p, bs, bs, &obj, &viol);
        print_row("base", bs, obj, viol);
        if (r->has_default) {
            const sim_summary *d = span ? &r->def_val : &r->def_tune;
            tune_judge(p, d, bs, &obj, &viol);
            print_row("kubernetes default", d, obj, viol);
        }
        tune_judge(p, span ? &r->best_val : &c->sum, bs, &obj, &viol);
        print_row("best", span ? &r->best_val : &c->sum, obj, viol);
    }
    if (r->has_val) {
        const sim_summary *b = &r->base_val, *t = &r->best_val;
        bool cheaper = t->pod_hours < b->pod_hours && t->overload_seconds <= b->overload_seconds;
        bool safer = t->overload_seconds < b->overload_seconds && t->pod_hours <= b->pod_hours;
        printf("validation: %s (podHours %.2f vs %.2f, overloadSeconds %.0f vs %.0f)\n",
               cheaper ? "the tuned policy beats the base: fewer pod-hours, no more overload"
               : safer ? "the tuned policy beats the base: less overload at no more pod-hours"
                       : "the tuned policy does not beat the base on both figures",
               t->pod_hours, b->pod_hours, t->overload_seconds, b->overload_seconds);
    }
}

static int finish(const tune_opts *o, const tune_outs *w, const tune_problem *p, tune_result *r,
                  const loaded *l)
{
    hpa_strbuf cmd = HPA_STRBUF_INIT;
    tune_meta m;
    hpa_err e;
    int ret = HPA_EXIT_OK;
    size_t i;
    char buf[64];

    hpa_err_clear(&e);
    canonical_command(o, l->policy, &cmd);
    memset(&m, 0, sizeof(m));
    m.command = hpa_strbuf_cstr(&cmd);
    m.policy = l->policy;
    m.deflt = o->deflt ? o->deflt : "the base policy without behavior";
    m.minimize = o->minimize;
    m.span_tune = l->span_tune;
    m.span_val = l->span_val;
    m.seed = o->seed;
    m.budget = o->budget;
    if ((w->out && tune_out_write_manifest(w->out, p, r, &m, &e) != HPA_OK) ||
        (w->json && tune_out_write_json(w->json, p, r, &m, &e) != HPA_OK) ||
        (w->csv && tune_out_write_csv(w->csv, p, r, &e) != HPA_OK) ||
        (w->report && tune_out_write_html(w->report, p, r, &m, &e) != HPA_OK)) {
        print_err("tune", &e);
        ret = HPA_EXIT_FAIL;
    }
    if (!w->quiet)
        print_summary(p, r, l);
    for (i = 0; i < r->n_warn; i++)
        fprintf(stderr, "hpa-engine tune: warning: %s\n", r->warn[i]);
    if (!r->feasible) {
        const tune_cand *c = &r->c[r->best];
        size_t k;
        fprintf(stderr, "hpa-engine tune: no candidate met the constraints");
        for (k = 0; k < p->n_cons; k++)
            fprintf(stderr, "%s%s", k ? ", " : " (", p->cons[k].text);
        fprintf(stderr, "); the closest is #%zu (relative violation %.4g):", r->best, c->viol);
        for (k = 0; k < p->space.n; k++)
            if (!p->space.p[k].fixed)
                fprintf(stderr, " %s=%s", p->space.p[k].name, tune_space_format(&p->space.p[k], c->x[k], buf, sizeof(buf)));
        fprintf(stderr, "; podHours %.2f, overloadSeconds %.0f, unservedFraction %.6f, flaps %d\n",
                c->sum.pod_hours, c->sum.overload_seconds, c->sum.unserved_fraction, c->sum.flaps);
        ret = HPA_EXIT_FAIL;
    }
    hpa_strbuf_free(&cmd);
    return ret;
}

static int write_shard(const tune_opts *o, const tune_outs *w, const tune_problem *p, const tune_result *r)
{
    json_t *j = json_object();
    hpa_err e;
    FILE *f;
    int bad;

    json_object_set_new(j, "kind", json_string(SHARD_KIND));
    json_object_set_new(j, "shard", json_integer((json_int_t)w->shard_k));
    json_object_set_new(j, "shards", json_integer((json_int_t)w->shard_n));
    json_object_set_new(j, "options", opts_json(o));
    json_object_set_new(j, "baseTune", tune_out_summary_exact(&r->base_tune));
    json_object_set_new(j, "candidates", tune_out_shard_candidates(p, r));
    f = strcmp(w->shard_out, "-") ? fopen(w->shard_out, "wb") : stdout;
    if (!f) {
        hpa_err_set(&e, HPA_EIO, NULL, "cannot write %s: %s", w->shard_out, strerror(errno));
        print_err("tune", &e);
        json_decref(j);
        return HPA_EXIT_FAIL;
    }
    json_dumpf(j, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17));
    fputc('\n', f);
    bad = ferror(f);
    bad |= f == stdout ? fflush(f) : fclose(f);
    json_decref(j);
    if (bad) {
        fprintf(stderr, "hpa-engine tune: write failed: %s\n", w->shard_out);
        return HPA_EXIT_FAIL;
    }
    if (!w->quiet)
        printf("shard %zu/%zu: %zu start points evaluated, written to %s\n", w->shard_k, w->shard_n, r->sims,
               w->shard_out);
    return HPA_EXIT_OK;
}

/* Run (or merge, when shards != NULL) and write. */
static int run(const tune_opts *o, const tune_outs *w, json_t *const *shards, size_t n_shards)
{
    loaded *l = calloc(1, sizeof(*l));
    tune_problem *p = calloc(1, sizeof(*p));
    tune_result r;
    tune_cand *pre = NULL;
    hpa_err e;
    int ret;
    size_t i, n_pre = 0;

    memset(&r, 0, sizeof(r));
    hpa_err_clear(&e);
    if (!l || !p) {
        free(l);
        free(p);
        fprintf(stderr, "hpa-engine tune: out of memory\n");
        return HPA_EXIT_FAIL;
    }
    hpa_arena_init(&l->arena);
    if ((ret = load_problem(o, l, p, &e)) != 0) {
        print_err("tune", &e);
        goto out;
    }
    p->threads = w->threads;
    ret = HPA_EXIT_FAIL;
    if (tune_references(p, &r, &e) != HPA_OK) {
        print_err("tune", &e);
        goto out;
    }
    if (w->shard_out) {
        if (tune_run_starts(p, w->shard_k, w->shard_n, &r, &e) != HPA_OK) {
            print_err("tune", &e);
            goto out;
        }
        ret = write_shard(o, w, p, &r);
        goto out;
    }
    if (shards) {
        size_t cap = tune_start_count(p);
        pre = calloc(cap, sizeof(*pre));
        if (!pre) {
            fprintf(stderr, "hpa-engine tune: out of memory\n");
            goto out;
        }
        for (i = 0; i < n_shards; i++)
            if (tune_out_shard_read(json_object_get(shards[i], "candidates"), p, pre, cap, &e) != HPA_OK) {
                print_err("tune merge", &e);
                ret = HPA_EXIT_USAGE;
                goto out;
            }
        for (i = 0; i < cap; i++)
            n_pre += pre[i].done;
    }
    if (tune_run(p, pre, n_pre, &r, &e) != HPA_OK) {
        print_err(shards ? "tune merge" : "tune", &e);
        ret = shards ? HPA_EXIT_USAGE : HPA_EXIT_FAIL;
        goto out;
    }
    ret = finish(o, w, p, &r, l);
out:
    free(pre);
    tune_result_free(&r);
    loaded_free(l);
    free(l);
    free(p);
    return ret;
}

/* ---- the command line -------------------------------------------------------------------- */

enum { O_POLICY = 256, O_TRACE, O_VTRACE, O_SCENARIO, O_MINIMIZE, O_CONSTRAINT, O_SPACE, O_BUDGET, O_SEED,
       O_SPLIT, O_THREADS, O_OUT, O_REPORT, O_JSON, O_CSV, O_SHARD, O_SHARD_OUT, O_KIND, O_UNIT, O_SCALE,
       O_PEAK, O_FROM, O_TO, O_STEP, O_DEFAULT, O_QUIET, O_HELP };

static const struct option longopts[] = {
    {"policy", required_argument, NULL, O_POLICY}, {"trace", required_argument, NULL, O_TRACE},
    {"validate-trace", required_argument, NULL, O_VTRACE}, {"scenario", required_argument, NULL, O_SCENARIO},
    {"minimize", required_argument, NULL, O_MINIMIZE}, {"constraint", required_argument, NULL, O_CONSTRAINT},
    {"space", required_argument, NULL, O_SPACE}, {"budget", required_argument, NULL, O_BUDGET},
    {"seed", required_argument, NULL, O_SEED}, {"validate-split", required_argument, NULL, O_SPLIT},
    {"threads", required_argument, NULL, O_THREADS}, {"out", required_argument, NULL, O_OUT},
    {"report", required_argument, NULL, O_REPORT}, {"json", required_argument, NULL, O_JSON},
    {"csv", required_argument, NULL, O_CSV}, {"shard", required_argument, NULL, O_SHARD},
    {"shard-out", required_argument, NULL, O_SHARD_OUT}, {"kind", required_argument, NULL, O_KIND},
    {"unit", required_argument, NULL, O_UNIT}, {"load-scale", required_argument, NULL, O_SCALE},
    {"peak", required_argument, NULL, O_PEAK}, {"from", required_argument, NULL, O_FROM},
    {"to", required_argument, NULL, O_TO}, {"step", required_argument, NULL, O_STEP},
    {"default-policy", required_argument, NULL, O_DEFAULT}, {"quiet", no_argument, NULL, O_QUIET},
    {"help", no_argument, NULL, O_HELP}, {NULL, 0, NULL, 0}};

#define BAD(...)                                          \
    do {                                                  \
        fprintf(stderr, "hpa-engine tune: " __VA_ARGS__); \
        fputc('\n', stderr);                              \
        return HPA_EXIT_USAGE;                            \
    } while (0)

/* Parse argv into o and w. Returns -1 to go on, else an exit code. */
static int parse_args(int argc, char **argv, tune_opts *o, tune_outs *w, bool merge)
{
    int opt, li = 0;
    unsigned long long v;
    const char *want;

    optind = 1;
    opterr = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, &li)) != -1) {
        const char *a = optarg;
        if (merge && opt != O_OUT && opt != O_REPORT && opt != O_JSON && opt != O_CSV && opt != O_THREADS &&
            opt != O_QUIET && opt != O_HELP && opt != 'h')
            BAD("merge: only --out, --report, --json, --csv, --threads and --quiet are accepted; the rest "
                "comes from the shard files");
        switch (opt) {
        case O_POLICY: o->policy = a; break;
        case O_TRACE:
        case O_VTRACE:
            if ((opt == O_TRACE ? o->n_trace : o->n_vtrace) == MAX_TRACES)
                BAD("at most %d traces", MAX_TRACES);
            if (opt == O_TRACE)
                o->trace[o->n_trace++] = a;
            else
                o->vtrace[o->n_vtrace++] = a;
            break;
        case O_SCENARIO: o->scenario = a; break;
        case O_MINIMIZE: o->minimize = a; break;
        case O_CONSTRAINT:
            if (o->n_cons == TUNE_MAX_CONSTRAINTS)
                BAD("at most %d constraints", TUNE_MAX_CONSTRAINTS);
            o->cons[o->n_cons++] = a;
            break;
        case O_SPACE: o->space = a; break;
        case O_DEFAULT: o->deflt = a; break;
        case O_BUDGET:
            if (parse_count(a, &v) || v < 1 || v > 1000000)
                BAD("--budget: expected a whole number from 1 to 1000000, got \"%s\"", a);
            o->budget = (size_t)v;
            break;
        case O_SEED:
            if (parse_count(a, &v) || v > (unsigned long long)INT64_MAX)
                BAD("--seed: expected a non-negative integer, got \"%s\"", a);
            o->seed = v;
            o->has_seed = true;
            break;
        case O_SPLIT:
            if (sim_parse_positive(a, &o->split) || o->split > 1)
                BAD("--validate-split: expected a fraction in (0, 1], got \"%s\"", a);
            o->has_split = true;
            break;
        case O_THREADS:
            if (parse_count(a, &v) || v < 1 || v > 1024)
                BAD("--threads: expected a positive integer, got \"%s\"", a);
            w->threads = (int)v;
            break;
        case O_KIND:
        case O_UNIT:
        case O_SCALE:
        case O_PEAK:
        case O_FROM:
        case O_TO:
        case O_STEP:
            if ((want = sim_trace_flags_set(&o->tr, longopts[li].name, a)) != NULL)
                BAD("--%s: expected %s, got \"%s\"", longopts[li].name, want, a);
            break;
        case O_OUT: w->out = a; break;
        case O_REPORT: w->report = a; break;
        case O_JSON: w->json = a; break;
        case O_CSV: w->csv = a; break;
        case O_SHARD_OUT: w->shard_out = a; break;
        case O_SHARD: {
            char *end;
            unsigned long long k, n;
            errno = 0;
            k = strtoull(a, &end, 10);
            if (end == a || *end != '/' || a[0] == '-')
                BAD("--shard: expected K/N (K from 0 to N-1), got \"%s\"", a);
            n = strtoull(end + 1, &end, 10);
            if (*end || errno || n < 1 || k >= n || n > 100000)
                BAD("--shard: expected K/N with 0 <= K < N, got \"%s\"", a);
            w->shard_k = (size_t)k;
            w->shard_n = (size_t)n;
            break;
        }
        case O_QUIET: w->quiet = true; break;
        case 'h':
        case O_HELP:
            usage(stdout);
            return HPA_EXIT_OK;
        default:
            usage(stderr);
            return HPA_EXIT_USAGE;
        }
    }
    if ((w->shard_n > 0) != (w->shard_out != NULL))
        BAD("--shard K/N and --shard-out FILE go together");
    return -1;
}

static void opts_init(tune_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->budget = 200;
    o->seed = 1;
    o->split = 0.7;
    sim_trace_flags_init(&o->tr);
}

static int merge(int argc, char **argv)
{
    tune_opts o;
    tune_outs w;
    json_t *shards[1024];
    size_t n = 0, i, n_of = 0;
    bool *seen = NULL;
    int ret = HPA_EXIT_USAGE;

    opts_init(&o);
    memset(&w, 0, sizeof(w));
    if ((ret = parse_args(argc, argv, &o, &w, true)) >= 0)
        return ret;
    ret = HPA_EXIT_USAGE;
    if (optind >= argc) {
        fprintf(stderr, "hpa-engine tune merge: no shard files given\n");
        return HPA_EXIT_USAGE;
    }
    for (; optind < argc; optind++) {
        json_error_t je;
        json_t *j, *ns;
        if (n == sizeof(shards) / sizeof(shards[0])) {
            fprintf(stderr, "hpa-engine tune merge: too many shard files\n");
            goto out;
        }
        j = json_load_file(argv[optind], 0, &je);
        if (!j) {
            fprintf(stderr, "hpa-engine tune merge: %s:%d: %s\n", argv[optind], je.line, je.text);
            goto out;
        }
        shards[n++] = j;
        if (!json_is_string(json_object_get(j, "kind")) ||
            strcmp(json_string_value(json_object_get(j, "kind")), SHARD_KIND)) {
            fprintf(stderr, "hpa-engine tune merge: %s: not a tuner shard file (kind %s)\n", argv[optind], SHARD_KIND);
            goto out;
        }
        ns = json_object_get(j, "shards");
        if (n == 1)
            n_of = json_is_integer(ns) ? (size_t)json_integer_value(ns) : 0;
        if (!json_is_integer(ns) || (size_t)json_integer_value(ns) != n_of || n_of == 0) {
            fprintf(stderr, "hpa-engine tune merge: %s: belongs to a run with another number of shards\n", argv[optind]);
            goto out;
        }
        if (n > 1 && (!json_equal(json_object_get(j, "options"), json_object_get(shards[0], "options")) ||
                      !json_equal(json_object_get(j, "baseTune"), json_object_get(shards[0], "baseTune")))) {
            fprintf(stderr, "hpa-engine tune merge: %s: made with other options (or other inputs) than %s\n",
                    argv[optind], argv[optind - (int)n + 1]);
            goto out;
        }
    }
    seen = calloc(n_of, sizeof(bool));
    if (!seen)
        goto out;
    for (i = 0; i < n; i++) {
        json_int_t k = json_integer_value(json_object_get(shards[i], "shard"));
        if (k < 0 || (size_t)k >= n_of || seen[k]) {
            fprintf(stderr, "hpa-engine tune merge: shard %lld given twice or out of range\n", (long long)k);
            goto out;
        }
        seen[k] = true;
    }
    for (i = 0; i < n_of; i++)
        if (!seen[i]) {
            fprintf(stderr, "hpa-engine tune merge: shard %zu of %zu is missing\n", i, n_of);
            goto out;
        }
    if (opts_from_json(json_object_get(shards[0], "options"), &o) != 0) {
        fprintf(stderr, "hpa-engine tune merge: %s: the options are damaged\n", argv[argc - (int)n]);
        goto out;
    }
    ret = run(&o, &w, shards, n);
out:
    free(seen);
    for (i = 0; i < n; i++)
        json_decref(shards[i]);
    return ret;
}

int cmd_tune(int argc, char **argv)
{
    tune_opts o;
    tune_outs w;
    int ret;

    if (argc > 1 && !strcmp(argv[1], "merge"))
        return merge(argc - 1, argv + 1);
    opts_init(&o);
    memset(&w, 0, sizeof(w));
    if ((ret = parse_args(argc, argv, &o, &w, false)) >= 0)
        return ret;
    if (optind < argc)
        BAD("unexpected argument \"%s\"", argv[optind]);
    if (!o.policy && !o.scenario)
        BAD("need --policy (and --trace), or a --scenario that names them; see --help");
    if (o.n_vtrace > 0 && o.has_split)
        BAD("--validate-split and --validate-trace exclude each other");
    if (!o.minimize)
        o.minimize = "podHours";
    if (o.n_cons == 0)
        o.cons[o.n_cons++] = "overloadSeconds<=base";
    return run(&o, &w, NULL, 0);
}
