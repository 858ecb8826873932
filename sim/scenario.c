/* scenario.c - scenario files and policies (see scenario.h). */
#include "scenario.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "codec/codec.h"
#include "hpa/quantity.h"
#include "hpa/timeutil.h"

static char *xstrdup(const char *s)
{
    return s ? strdup(s) : NULL;
}

static void workload_free(sim_workload *w)
{
    free(w->name);
    free(w->policy);
    free(w->trace.file);
    memset(w, 0, sizeof(*w));
}

void sim_scenario_free(sim_scenario *s)
{
    size_t i;

    if (!s)
        return;
    for (i = 0; i < s->n; i++)
        workload_free(&s->w[i]);
    free(s->w);
    free(s->file);
    memset(s, 0, sizeof(*s));
}

static void workload_default(sim_workload *w)
{
    memset(w, 0, sizeof(*w));
    sim_model_default(&w->model);
    w->trace.kind = SIM_TRACE_REQUESTS;
    snprintf(w->trace.unit, sizeof(w->trace.unit), "perMinute");
    sim_trace_opts_init(&w->trace.opts);
}

hpa_errcode sim_scenario_default(sim_scenario *s, hpa_err *e)
{
    memset(s, 0, sizeof(*s));
    s->w = calloc(1, sizeof(*s->w));
    if (!s->w)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    s->n = 1;
    workload_default(&s->w[0]);
    s->w[0].name = xstrdup(s->w[0].model.name);
    if (!s->w[0].name) {
        sim_scenario_free(s);
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    }
    return HPA_OK;
}

/* ---- typed reads with paths -------------------------------------------- */

typedef struct rd {
    hpa_err *e;
    const char *dir;        /* of the scenario file, "" for none */
} rd;

static hpa_errcode bad(rd *r, const char *path, const char *fmt, const char *what)
{
    return hpa_err_set(r->e, HPA_EINVAL, path, fmt, what);
}

static hpa_errcode rd_number(rd *r, const json_t *v, const char *path, double *out)
{
    if (!json_is_number(v))
        return bad(r, path, "expected a number, got %s", json_is_string(v) ? "a string" : "another type");
    *out = json_number_value(v);
    if (!isfinite(*out))
        return bad(r, path, "expected a finite number%s", "");
    return HPA_OK;
}

static hpa_errcode rd_nonneg(rd *r, const json_t *v, const char *path, double *out)
{
    hpa_errcode rc = rd_number(r, v, path, out);

    if (rc == HPA_OK && *out < 0)
        return bad(r, path, "must not be negative%s", "");
    return rc;
}

/* A duration: a Go duration string ("15s", "5m") or a number of seconds. */
static hpa_errcode rd_duration(rd *r, const json_t *v, const char *path, double *out)
{
    if (json_is_string(v)) {
        hpa_duration_t d;
        hpa_err de;
        if (hpa_duration_parse(json_string_value(v), &d, &de) != HPA_OK)
            return hpa_err_set(r->e, HPA_EINVAL, path, "invalid duration \"%s\" (want e.g. \"15s\", \"5m\" or seconds)",
                               json_string_value(v));
        *out = (double)d / 1000.0;
    } else if (rd_number(r, v, path, out) != HPA_OK) {
        return hpa_err_set(r->e, HPA_EINVAL, path, "expected a duration (\"15s\") or a number of seconds");
    }
    if (*out < 0)
        return bad(r, path, "duration must not be negative%s", "");
    return HPA_OK;
}

/* A quantity in milli-units. */
static hpa_errcode rd_quantity(rd *r, const json_t *v, const char *path, int64_t *milli)
{
    char buf[64];
    const char *s = "";
    hpa_quantity q;
    hpa_err qe;

    if (json_is_string(v)) {
        s = json_string_value(v);
    } else if (json_is_integer(v)) {
        snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
        s = buf;
    } else {
        return bad(r, path, "expected a quantity such as \"250m\" or \"256Mi\"%s", "");
    }
    if (hpa_quantity_parse(s, &q, &qe) != HPA_OK || hpa_quantity_milli(&q, milli, &qe) != HPA_OK)
        return hpa_err_set(r->e, HPA_EINVAL, path, "invalid quantity \"%s\": %s", s, qe.msg);
    if (*milli <= 0)
        return bad(r, path, "quantity must be positive%s", "");
    return HPA_OK;
}

static hpa_errcode rd_string(rd *r, const json_t *v, const char *path, const char **out)
{
    if (!json_is_string(v))
        return bad(r, path, "expected a string%s", "");
    *out = json_string_value(v);
    return HPA_OK;
}

static char *join_path(const char *dir, const char *p)
{
    char *s;
    size_t n;

    if (!dir || !*dir || p[0] == '/')
        return strdup(p);
    n = strlen(dir) + strlen(p) + 2;
    s = malloc(n);
    if (s)
        snprintf(s, n, "%s/%s", dir, p);
    return s;
}

static hpa_errcode rd_path(rd *r, const json_t *v, const char *path, char **out)
{
    const char *s = "";
    hpa_errcode rc = rd_string(r, v, path, &s);

    if (rc != HPA_OK)
        return rc;
    free(*out);
    *out = join_path(r->dir, s);
    return *out ? HPA_OK : hpa_err_set(r->e, HPA_ENOMEM, path, "out of memory");
}

static hpa_errcode rd_int(rd *r, const json_t *v, const char *path, int32_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > INT32_MAX)
        return bad(r, path, "expected a non-negative integer%s", "");
    *out = (int32_t)json_integer_value(v);
    return HPA_OK;
}

/* ---- sections ---------------------------------------------------------------- */

#define P(buf, base, key) (snprintf(buf, sizeof(buf), "%.180s.%.60s", base, key), buf)

static hpa_errcode rd_trace(rd *r, const json_t *o, const char *base, sim_trace_spec *t)
{
    const char *key;
    const json_t *v;
    char p[HPA_ERR_PATH_MAX];
    hpa_errcode rc = HPA_OK;

    if (!json_is_object(o))
        return bad(r, base, "expected a mapping%s", "");
    json_object_foreach((json_t *)o, key, v) {
        const char *s = "";
        P(p, base, key);
        if (!strcmp(key, "file")) {
            rc = rd_path(r, v, p, &t->file);
        } else if (!strcmp(key, "kind")) {
            if ((rc = rd_string(r, v, p, &s)) != HPA_OK)
                break;
            if (!strcmp(s, "requests")) {
                t->kind = SIM_TRACE_REQUESTS;
                snprintf(t->unit, sizeof(t->unit), "perMinute");
            } else if (!strcmp(s, "cpu")) {
                t->kind = SIM_TRACE_CPU;
                snprintf(t->unit, sizeof(t->unit), "percent");
            } else {
                rc = bad(r, p, "unknown trace kind \"%s\" (want requests or cpu)", s);
            }
        } else if (!strcmp(key, "unit")) {
            if ((rc = rd_string(r, v, p, &s)) != HPA_OK)
                break;
            if (strcmp(s, "perMinute") && strcmp(s, "perSecond") && strcmp(s, "percent") &&
                strcmp(s, "cores") && strcmp(s, "normalized") && strcmp(s, "millicores"))
                rc = bad(r, p, "unknown unit \"%s\" (want perMinute, perSecond, percent, cores, normalized or millicores)", s);
            else
                snprintf(t->unit, sizeof(t->unit), "%s", s);
        } else if (!strcmp(key, "cpuPerUnitMillicores")) {
            rc = rd_nonneg(r, v, p, &t->cpu_per_unit_m);
        } else if (!strcmp(key, "resample")) {
            if ((rc = rd_string(r, v, p, &s)) != HPA_OK)
                break;
            if (!strcmp(s, "step"))
                t->opts.resample = SIM_RESAMPLE_STEP;
            else if (!strcmp(s, "linear"))
                t->opts.resample = SIM_RESAMPLE_LINEAR;
            else
                rc = bad(r, p, "unknown resampling \"%s\" (want step or linear)", s);
        } else if (!strcmp(key, "step")) {
            rc = rd_duration(r, v, p, &t->opts.step_s);
        } else if (!strcmp(key, "from")) {
            rc = rd_duration(r, v, p, &t->opts.from_s);
        } else if (!strcmp(key, "to")) {
            rc = rd_duration(r, v, p, &t->opts.to_s);
        } else if (!strcmp(key, "loadScale")) {
            rc = rd_nonneg(r, v, p, &t->opts.load_scale);
        } else if (!strcmp(key, "peak")) {
            rc = rd_nonneg(r, v, p, &t->opts.peak);
        } else {
            rc = bad(r, p, "unknown trace setting \"%s\"", key);
        }
        if (rc != HPA_OK)
            break;
    }
    return rc;
}

static hpa_errcode rd_model(rd *r, const json_t *o, const char *base, sim_model *m)
{
    const char *key;
    const json_t *v;
    char p[HPA_ERR_PATH_MAX];
    hpa_errcode rc = HPA_OK;
    double d;
    int64_t q;

    if (!json_is_object(o))
        return bad(r, base, "expected a mapping%s", "");
    json_object_foreach((json_t *)o, key, v) {
        P(p, base, key);
        if (!strcmp(key, "name") || !strcmp(key, "namespace")) {
            const char *s = "";
            if ((rc = rd_string(r, v, p, &s)) != HPA_OK)
                break;
            if (!*s || strlen(s) >= sizeof(m->name) - 8)
                rc = bad(r, p, "must be a name of 1 to 55 characters%s", "");
            else if (!strcmp(key, "name"))
                snprintf(m->name, sizeof(m->name), "%s", s);
            else
                snprintf(m->namespace_, sizeof(m->namespace_), "%s", s);
        } else if (!strcmp(key, "initialReplicas")) {
            rc = rd_int(r, v, p, &m->initial_replicas);
        } else if (!strcmp(key, "cpuRequest")) {
            if ((rc = rd_quantity(r, v, p, &q)) == HPA_OK)
                m->cpu_request_m = q;
        } else if (!strcmp(key, "cpuLimit")) {
            if ((rc = rd_quantity(r, v, p, &q)) == HPA_OK)
                m->cpu_limit_m = q;
        } else if (!strcmp(key, "memoryRequest")) {
            if ((rc = rd_quantity(r, v, p, &q)) == HPA_OK)
                m->mem_request_b = (q + 999) / 1000;
        } else if (!strcmp(key, "memoryLimit")) {
            if ((rc = rd_quantity(r, v, p, &q)) == HPA_OK)
                m->mem_limit_b = (q + 999) / 1000;
        } else if (!strcmp(key, "cpuBaselineMillicores")) {
            rc = rd_nonneg(r, v, p, &m->cpu_baseline_m);
        } else if (!strcmp(key, "cpuPerRpsMillicores")) {
            if ((rc = rd_nonneg(r, v, p, &m->cpu_per_rps_m)) == HPA_OK && m->cpu_per_rps_m <= 0)
                rc = bad(r, p, "must be positive%s", "");
        } else if (!strcmp(key, "memoryBaselineMi")) {
            if ((rc = rd_nonneg(r, v, p, &d)) == HPA_OK)
                m->mem_baseline_b = d * 1048576.0;
        } else if (!strcmp(key, "memoryPerRpsMi")) {
            if ((rc = rd_nonneg(r, v, p, &d)) == HPA_OK)
                m->mem_per_rps_b = d * 1048576.0;
        } else if (!strcmp(key, "noise")) {
            rc = rd_nonneg(r, v, p, &m->noise);
        } else if (!strcmp(key, "schedulingDelay")) {
            rc = rd_duration(r, v, p, &m->scheduling_delay_s);
        } else if (!strcmp(key, "startup")) {
            rc = rd_duration(r, v, p, &m->startup_s);
        } else if (!strcmp(key, "startupStddev")) {
            rc = rd_duration(r, v, p, &m->startup_sd_s);
        } else if (!strcmp(key, "readinessInitialDelay")) {
            rc = rd_duration(r, v, p, &m->readiness_initial_delay_s);
        } else if (!strcmp(key, "readinessPeriod")) {
            if ((rc = rd_duration(r, v, p, &m->readiness_period_s)) == HPA_OK && m->readiness_period_s <= 0)
                rc = bad(r, p, "must be positive%s", "");
        } else if (!strcmp(key, "terminationGracePeriod")) {
            rc = rd_duration(r, v, p, &m->termination_grace_s);
        } else if (!strcmp(key, "maxPods")) {
            rc = rd_int(r, v, p, &m->max_pods);
        } else if (!strcmp(key, "metricsResolution")) {
            if ((rc = rd_duration(r, v, p, &m->metrics_resolution_s)) == HPA_OK && m->metrics_resolution_s < 0.001)
                rc = bad(r, p, "must be positive%s", "");
        } else if (!strcmp(key, "metricsWindow")) {
            rc = rd_duration(r, v, p, &m->metrics_window_s);
        } else if (!strcmp(key, "syncPeriod")) {
            if ((rc = rd_duration(r, v, p, &m->sync_period_s)) == HPA_OK && m->sync_period_s < 0.001)
                rc = bad(r, p, "must be positive%s", "");
        } else if (!strcmp(key, "syncJitter")) {
            rc = rd_duration(r, v, p, &m->sync_jitter_s);
        } else if (!strcmp(key, "tolerance")) {
            rc = rd_nonneg(r, v, p, &m->opts.tolerance);
        } else if (!strcmp(key, "cpuInitializationPeriod")) {
            if ((rc = rd_duration(r, v, p, &d)) == HPA_OK)
                m->opts.cpu_initialization_period = (hpa_duration_t)llround(d * 1000);
        } else if (!strcmp(key, "initialReadinessDelay")) {
            if ((rc = rd_duration(r, v, p, &d)) == HPA_OK)
                m->opts.initial_readiness_delay = (hpa_duration_t)llround(d * 1000);
        } else if (!strcmp(key, "downscaleStabilization")) {
            if ((rc = rd_duration(r, v, p, &d)) == HPA_OK)
                m->opts.downscale_stabilization = (hpa_duration_t)llround(d * 1000);
        } else if (!strcmp(key, "saturatedResponse")) {
            rc = rd_duration(r, v, p, &m->saturated_response_s);
        } else {
            rc = bad(r, p, "unknown model setting \"%s\" (docs/simulator.md lists them)", key);
        }
        if (rc != HPA_OK)
            break;
    }
    return rc;
}

/* Apply the settings a workload entry (or the top level) names. */
static hpa_errcode rd_workload(rd *r, const json_t *o, const char *base, sim_workload *w,
                               bool top)
{
    const char *key;
    const json_t *v;
    char p[HPA_ERR_PATH_MAX];
    hpa_errcode rc = HPA_OK;

    json_object_foreach((json_t *)o, key, v) {
        if (base && *base)
            P(p, base, key);
        else
            snprintf(p, sizeof(p), "%s", key);
        if (!strcmp(key, "trace"))
            rc = rd_trace(r, v, p, &w->trace);
        else if (!strcmp(key, "policy"))
            rc = rd_path(r, v, p, &w->policy);
        else if (!strcmp(key, "model"))
            rc = rd_model(r, v, p, &w->model);
        else if (!top && !strcmp(key, "name")) {
            const char *s = "";
            if ((rc = rd_string(r, v, p, &s)) == HPA_OK) {
                free(w->name);
                w->name = strdup(s);
                if (!w->name)
                    rc = hpa_err_set(r->e, HPA_ENOMEM, p, "out of memory");
            }
        } else if (top && (!strcmp(key, "apiVersion") || !strcmp(key, "kind") ||
                           !strcmp(key, "metadata") || !strcmp(key, "seed") ||
                           !strcmp(key, "workloads") || !strcmp(key, "description")))
            continue;
        else
            rc = bad(r, p, "unknown setting \"%s\"", key);
        if (rc != HPA_OK)
            break;
    }
    return rc;
}

static hpa_errcode copy_workload(sim_workload *dst, const sim_workload *src)
{
    *dst = *src;
    dst->name = xstrdup(src->name);
    dst->policy = xstrdup(src->policy);
    dst->trace.file = xstrdup(src->trace.file);
    if ((src->name && !dst->name) || (src->policy && !dst->policy) ||
        (src->trace.file && !dst->trace.file))
        return HPA_ENOMEM;
    return HPA_OK;
}

hpa_errcode sim_scenario_load(const char *path, sim_scenario *s, hpa_err *e)
{
    hpa_docset ds;
    const json_t *root, *ws, *seed;
    sim_workload top;
    rd r;
    char dir[1024];
    const char *slash;
    hpa_errcode rc;
    size_t i;

    memset(s, 0, sizeof(*s));
    workload_default(&top);
    if ((rc = hpa_docset_load_file(path, &ds, e)) != HPA_OK)
        return rc;
    slash = strrchr(path, '/');
    snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - path) : 0, path);
    r.e = e;
    r.dir = dir;
    s->file = strdup(path);
    if (!s->file) {
        rc = hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
        goto out;
    }
    if (ds.n < 1 || !json_is_object(ds.docs[0].root)) {
        rc = hpa_err_set(e, HPA_EINVAL, NULL, "a scenario is one YAML/JSON mapping");
        goto out_locate;
    }
    root = ds.docs[0].root;
    seed = json_object_get(root, "seed");
    if (seed) {
        if (!json_is_integer(seed) || json_integer_value(seed) < 0) {
            rc = hpa_err_set(e, HPA_EINVAL, "seed", "expected a non-negative integer");
            goto out_locate;
        }
        s->has_seed = true;
        s->seed = (uint64_t)json_integer_value(seed);
    }
    {
        const json_t *meta = json_object_get(root, "metadata");
        const json_t *nm = meta ? json_object_get(meta, "name") : NULL;
        top.name = xstrdup(json_is_string(nm) ? json_string_value(nm) : top.model.name);
        if (!top.name) {
            rc = hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
            goto out;
        }
    }
    if ((rc = rd_workload(&r, root, "", &top, true)) != HPA_OK)
        goto out_locate;
    ws = json_object_get(root, "workloads");
    if (ws) {
        if (!json_is_array(ws) || json_array_size(ws) == 0) {
            rc = hpa_err_set(e, HPA_EINVAL, "workloads", "expected a non-empty list of workloads");
            goto out_locate;
        }
        s->fleet = true;
        s->n = json_array_size(ws);
    } else {
        s->n = 1;
    }
    s->w = calloc(s->n, sizeof(*s->w));
    if (!s->w) {
        s->n = 0;
        rc = hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
        goto out;
    }
    for (i = 0; i < s->n; i++) {
        char base[64];
        const json_t *item = ws ? json_array_get(ws, i) : NULL;
        if (copy_workload(&s->w[i], &top) != HPA_OK) {
            rc = hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
            goto out;
        }
        if (!item)
            continue;
        snprintf(base, sizeof(base), "workloads[%zu]", i);
        if (!json_is_object(item)) {
            rc = hpa_err_set(e, HPA_EINVAL, base, "expected a mapping");
            goto out_locate;
        }
        if ((rc = rd_workload(&r, item, base, &s->w[i], false)) != HPA_OK)
            goto out_locate;
        if (!json_object_get(item, "name")) {
            char nm[80];
            snprintf(nm, sizeof(nm), "%s-%zu", top.name, i);
            free(s->w[i].name);
            s->w[i].name = strdup(nm);
        }
        /* pods are named after the workload unless the model says otherwise */
        if (!json_object_get(json_object_get(item, "model"), "name") && s->w[i].name &&
            strlen(s->w[i].name) < sizeof(s->w[i].model.name) - 8)
            snprintf(s->w[i].model.name, sizeof(s->w[i].model.name), "%s", s->w[i].name);
    }
    rc = HPA_OK;
    goto out;
out_locate:
    hpa_doc_locate(&ds, 0, NULL, e);
out:
    workload_free(&top);
    hpa_docset_free(&ds);
    if (rc != HPA_OK)
        sim_scenario_free(s);
    return rc;
}

double sim_trace_unit_factor(const sim_trace_spec *t, const sim_model *m)
{
    double per;

    if (t->kind == SIM_TRACE_REQUESTS)
        return strcmp(t->unit, "perSecond") ? 1.0 / 60.0 : 1.0;
    /* CPU demand -> the request rate that would cause it */
    per = t->cpu_per_unit_m;
    if (per <= 0) {
        if (!strcmp(t->unit, "cores") || !strcmp(t->unit, "normalized"))
            per = 1000;
        else if (!strcmp(t->unit, "millicores"))
            per = 1;
        else
            per = 20;
    }
    return per / m->cpu_per_rps_m;
}

hpa_errcode sim_workload_load_trace(const sim_workload *w, sim_series *out, hpa_err *e)
{
    sim_trace_raw raw;
    sim_trace_opts o = w->trace.opts;
    hpa_errcode rc;

    if (!w->trace.file)
        return hpa_err_set(e, HPA_EMISSING, "trace.file", "no trace given for workload %s (use --trace)",
                           w->name ? w->name : "");
    if ((rc = sim_trace_read(w->trace.file, &raw, e)) != HPA_OK)
        return rc;
    o.unit_factor = sim_trace_unit_factor(&w->trace, &w->model);
    rc = sim_trace_resample(&raw, &o, w->trace.file, out, e);
    sim_trace_raw_free(&raw);
    return rc;
}

hpa_errcode sim_policy_load(const char *path, hpa_arena *a, hpa_spec *out, hpa_err *e)
{
    hpa_docset ds;
    hpa_errcode rc;
    size_t i;

    if ((rc = hpa_docset_load_file(path, &ds, e)) != HPA_OK)
        return rc;
    for (i = 0; i < ds.n; i++) {
        const json_t *kind = json_object_get(ds.docs[i].root, "kind");
        if (json_is_string(kind) && !strcmp(json_string_value(kind), "HorizontalPodAutoscaler"))
            break;
    }
    if (i == ds.n) {
        rc = hpa_err_set(e, HPA_ENOTFOUND, "kind", "no HorizontalPodAutoscaler in the file");
        if (e)
            snprintf(e->file, sizeof(e->file), "%s", path);
        goto out;
    }
    {
        hpa_errlist problems = {0, 0, NULL};
        if (hpa_validate_hpa_json(ds.docs[i].root, &problems) > 0) {
            if (e) {
                *e = problems.items[0];
                hpa_doc_locate(&ds, i, NULL, e);
            }
            rc = problems.items[0].code != HPA_OK ? problems.items[0].code : HPA_EINVAL;
            hpa_errlist_free(&problems);
            goto out;
        }
        hpa_errlist_free(&problems);
    }
    if ((rc = hpa_codec_hpa_from_json(ds.docs[i].root, a, out, e)) != HPA_OK) {
        hpa_doc_locate(&ds, i, NULL, e);
        goto out;
    }
out:
    hpa_docset_free(&ds);
    return rc;
}
