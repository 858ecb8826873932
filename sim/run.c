/* run.c - one simulation run and its summary (see run.h). */
#include "run.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "ctl/ctl.h"

void sim_result_free(sim_result *r)
{
    if (!r)
        return;
    free(r->rows);
    free(r->events);
    memset(r, 0, sizeof(*r));
}

double sim_mmc_response(double lambda, int32_t c, double mu, double saturated)
{
    double a, b = 1, erlang_c;
    int32_t k;

    if (mu <= 0)
        return saturated;
    if (lambda <= 0)
        return 1 / mu;
    if (c <= 0 || lambda >= c * mu)
        return saturated;
    a = lambda / mu;
    /* Erlang B by its stable recursion, then Erlang C */
    for (k = 1; k <= c; k++)
        b = a * b / (k + a * b);
    erlang_c = b / (1 - (a / c) * (1 - b));
    {
        double w = 1 / mu + erlang_c / (c * mu - lambda);
        return w < saturated ? w : saturated;
    }
}

/* Slot accumulators: what happened since the last metrics sample. */
typedef struct slot_acc {
    double dt;              /* seconds */
    double usage_int;       /* per-ready-pod cpu x s */
    double ready_time;      /* s with >= 1 ready pod */
    double load_int;        /* per-ready-pod load x s */
    double demand_int;      /* requests */
    double unserved_int;    /* requests */
    double cap_int;         /* capacity x s */
    double resp_int;        /* response time x requests */
    double overload_s;
    double pod_s;
} slot_acc;

typedef struct run_ctx {
    sim_cluster cl;
    const sim_model *m;
    double cpp;             /* capacity per pod, req/s */
    sim_ms step_ms;         /* series cell */
    slot_acc slot;
    sim_result *res;
    size_t cap_rows;
    bool oom;
} run_ctx;

static int32_t billed_pods(const sim_cluster *c, sim_ms t)
{
    int32_t n = 0;
    size_t i;

    for (i = 0; i < c->n_pods; i++)
        if (c->pods[i].bound <= t && c->pods[i].gone > t)
            n++;
    return n;
}

/* Integrate [a, b): pods are constant in between, the load is constant per
 * series cell. */
static void integrate(run_ctx *x, sim_ms a, sim_ms b)
{
    const sim_model *m = x->m;
    const sim_series *s = x->cl.load;
    int32_t n = x->cl.n_ready;
    double cap = n * x->cpp;
    double pods = billed_pods(&x->cl, a);
    slot_acc *sl = &x->slot;

    while (a < b) {
        size_t i = (size_t)(a / x->step_ms);
        sim_ms cell_end = (sim_ms)(i + 1) * x->step_ms;
        sim_ms e = cell_end < b ? cell_end : b;
        double dt = (double)(e - a) / 1000.0;
        double d = s->v[i < s->n ? i : s->n - 1];

        sl->dt += dt;
        sl->demand_int += d * dt;
        sl->cap_int += cap * dt;
        sl->pod_s += pods * dt;
        if (d > cap) {
            sl->unserved_int += (d - cap) * dt;
            sl->overload_s += dt;
        }
        if (n > 0) {
            double l = d / n;
            sl->usage_int += sim_model_pod_cpu(m, l) * dt;
            sl->load_int += l * dt;
            sl->ready_time += dt;
        }
        if (d > 0)
            sl->resp_int += sim_mmc_response(d, n, x->cpp, m->saturated_response_s) * d * dt;
        a = e;
    }
}

static void emit_row(run_ctx *x, sim_ms t_end)
{
    sim_result *r = x->res;
    slot_acc *sl = &x->slot;
    sim_row *row;

    if (sl->dt <= 0)
        return;
    if (r->n_rows == x->cap_rows) {
        size_t nc = x->cap_rows ? x->cap_rows * 2 : 1024;
        sim_row *nr = realloc(r->rows, nc * sizeof(*nr));
        if (!nr) {
            x->oom = true;
            return;
        }
        r->rows = nr;
        x->cap_rows = nc;
    }
    row = &r->rows[r->n_rows++];
    row->t_s = (double)t_end / 1000.0 - sl->dt;
    row->demand = sl->demand_int / sl->dt;
    row->desired = x->cl.replicas;
    row->ready = x->cl.n_ready;
    row->total = (int32_t)x->cl.n_pods;
    row->util_seen = x->cl.has_util_seen ? x->cl.util_seen : NAN;
    row->capacity = sl->cap_int / sl->dt;
    row->unserved = sl->unserved_int / sl->dt;
    row->util = sl->ready_time > 0 ? sl->usage_int / sl->ready_time / (double)x->m->cpu_request_m * 100 : NAN;
    row->resp = sl->demand_int > 0 ? sl->resp_int / sl->demand_int : NAN;
    row->requests = sl->demand_int;
    r->sum.pod_seconds += sl->pod_s;
    r->sum.overload_seconds += sl->overload_s;
    r->sum.requests += sl->demand_int;
    r->sum.unserved_fraction += sl->unserved_int;   /* normalised later */
    r->sum.resp_mean += sl->resp_int;               /* normalised later */
}

static double policy_cpu_target(const hpa_spec *spec)
{
    size_t i;

    for (i = 0; i < spec->n_metrics; i++) {
        const hpa_metric_spec *ms = &spec->metrics[i];
        if ((ms->type == HPA_METRIC_RESOURCE || ms->type == HPA_METRIC_CONTAINER_RESOURCE) &&
            ms->resource && !strcmp(ms->resource, "cpu") && ms->target.has_average_utilization)
            return ms->target.average_utilization;
    }
    return 0;
}

hpa_errcode sim_run(const hpa_spec *spec, const sim_model *m, const sim_series *load,
                    uint64_t seed, bool keep_rows, sim_result *out, hpa_err *e)
{
    run_ctx x;
    ctl_hpa ctl;
    ctl_config cfg = ctl_config_default();
    sim_ms t = 0, end, res_ms, next_sample = 0;
    int32_t initial;
    hpa_errcode rc;
    bool ctl_ok = false;

    memset(out, 0, sizeof(*out));
    memset(&x, 0, sizeof(x));
    x.m = m;
    x.res = out;
    x.cpp = sim_model_capacity_per_pod(m);
    x.step_ms = (sim_ms)llround(load->step_s * 1000.0);
    res_ms = (sim_ms)llround(m->metrics_resolution_s * 1000.0);
    if (x.step_ms <= 0 || load->n == 0)
        return hpa_err_set(e, HPA_EINVAL, "trace", "the load series is empty");
    if (res_ms <= 0)
        return hpa_err_set(e, HPA_EINVAL, "metrics.resolution", "metrics resolution must be positive");
    end = (sim_ms)load->n * x.step_ms;
    initial = m->initial_replicas > 0 ? m->initial_replicas : spec->min_replicas;
    if (initial < 1)
        initial = 1;
    rc = sim_cluster_init(&x.cl, m, load, initial, seed, e);
    if (rc != HPA_OK)
        goto out;
    cfg.opts = m->opts;
    cfg.sync_period = (hpa_duration_t)llround(m->sync_period_s * 1000.0);
    cfg.jitter = (hpa_duration_t)llround(m->sync_jitter_s * 1000.0);
    cfg.seed = seed ^ 0x5851F42D4C957F2DULL;
    rc = ctl_hpa_init(&ctl, &sim_cluster_ops, &x.cl, spec, &cfg, load->epoch, e);
    if (rc != HPA_OK)
        goto out;
    ctl_ok = true;
    out->target_util = policy_cpu_target(spec);
    out->hpa_min = spec->min_replicas;
    out->hpa_max = spec->max_replicas;
    out->step_s = m->metrics_resolution_s;
    for (;;) {
        sim_ms tn, ts;
        sim_cluster_transitions(&x.cl, t);
        if (t == next_sample) {
            emit_row(&x, t);
            sim_cluster_sample(&x.cl, t, x.slot.usage_int, x.slot.ready_time, x.slot.load_int);
            memset(&x.slot, 0, sizeof(x.slot));
            next_sample += res_ms;
        }
        if (t >= end)
            break;
        ts = ctl_hpa_next_sync(&ctl) - load->epoch;
        if (t >= ts) {
            rc = ctl_hpa_sync(&ctl, load->epoch + t, NULL, NULL);
            if (rc != HPA_OK) {
                hpa_err_set(e, rc, NULL, "controller sync failed at %lld s", (long long)(t / 1000));
                goto out;
            }
            if (x.cl.oom || ctl.res.err.code == HPA_ENOMEM) {
                rc = hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory in the simulation");
                goto out;
            }
            ts = ctl_hpa_next_sync(&ctl) - load->epoch;
        }
        tn = next_sample < end ? next_sample : end;
        if (ts > t && ts < tn)
            tn = ts;
        {
            sim_ms tr = sim_cluster_next_transition(&x.cl, t);
            if (tr < tn)
                tn = tr;
        }
        integrate(&x, t, tn);
        t = tn;
    }
    emit_row(&x, end);     /* a last, partial step */
    if (x.oom) {
        rc = hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory recording the time series");
        goto out;
    }
    out->sum.syncs = ctl.n_syncs;
    out->n_events = x.cl.n_events;
    out->events = x.cl.events;
    x.cl.events = NULL;
    out->sum.duration_s = (double)end / 1000.0;
    sim_summarize(out, m, spec);
    {
        /* the summary counts the initial count too */
        if (initial < out->sum.min_replicas)
            out->sum.min_replicas = initial;
        if (initial > out->sum.max_replicas)
            out->sum.max_replicas = initial;
    }
    if (!keep_rows) {
        free(out->rows);
        out->rows = NULL;
        out->n_rows = 0;
    }
    rc = HPA_OK;
out:
    if (ctl_ok)
        ctl_hpa_free(&ctl);
    sim_cluster_free(&x.cl);
    if (rc != HPA_OK)
        sim_result_free(out);
    return rc;
}

/* Weighted quantile: the smallest value whose cumulative weight reaches q. */
static double weighted_quantile(const double *v, const double *w, size_t n, double q)
{
    size_t *idx, i;
    double total = 0, acc = 0, r = NAN;

    if (n == 0)
        return NAN;
    idx = malloc(n * sizeof(*idx));
    if (!idx)
        return NAN;
    gsl_sort_index(idx, v, 1, n);
    for (i = 0; i < n; i++)
        total += w[i];
    for (i = 0; i < n; i++) {
        acc += w[idx[i]];
        if (acc >= q * total) {
            r = v[idx[i]];
            break;
        }
    }
    if (isnan(r))
        r = v[idx[n - 1]];
    free(idx);
    return r;
}

void sim_summarize(sim_result *r, const sim_model *m, const hpa_spec *spec)
{
    sim_summary *s = &r->sum;
    double *u = NULL, *rv = NULL, *rw = NULL;
    size_t i, nu = 0, nr = 0;
    double tol = m->opts.tolerance;
    double target = r->target_util > 0 ? r->target_util : 100;
    double per_pod = (target / 100.0 * (double)m->cpu_request_m - m->cpu_baseline_m) / m->cpu_per_rps_m;
    hpa_duration_t win = m->opts.downscale_stabilization;
    bool in_ep = false;
    double ep_start = 0, ep_total = 0;

    s->pod_hours = s->pod_seconds / 3600.0;
    if (s->requests > 0) {
        s->unserved_fraction /= s->requests;
        s->resp_mean /= s->requests;
    } else {
        s->unserved_fraction = 0;
        s->resp_mean = 0;
    }
    if (r->n_rows) {
        u = malloc(r->n_rows * sizeof(double));
        rv = malloc(r->n_rows * sizeof(double));
        rw = malloc(r->n_rows * sizeof(double));
    }
    s->min_replicas = INT32_MAX;
    s->max_replicas = 0;
    for (i = 0; i < r->n_rows; i++) {
        const sim_row *row = &r->rows[i];
        int32_t need;
        if (u && !isnan(row->util))
            u[nu++] = row->util;
        if (rv && rw && !isnan(row->resp) && row->requests > 0) {
            rv[nr] = row->resp;
            rw[nr++] = row->requests;
        }
        if (row->desired < s->min_replicas)
            s->min_replicas = row->desired;
        if (row->desired > s->max_replicas)
            s->max_replicas = row->desired;
        /* a rise that needs more pods: the load wants more Ready pods than
         * there are, at the target and beyond the tolerance */
        need = per_pod > 0 ? (int32_t)ceil(row->demand / (per_pod * (1 + tol)) - 1e-9) : 0;
        if (need > r->hpa_max)
            need = r->hpa_max;
        if (need > row->ready) {
            if (!in_ep) {
                in_ep = true;
                ep_start = row->t_s;
            }
        } else if (in_ep) {
            in_ep = false;
            ep_total += row->t_s - ep_start;
            s->reactions++;
        }
    }
    if (in_ep && r->n_rows) {
        ep_total += r->rows[r->n_rows - 1].t_s + r->step_s - ep_start;
        s->reactions++;
    }
    s->reaction_seconds = s->reactions ? ep_total / s->reactions : 0;
    if (s->min_replicas == INT32_MAX)
        s->min_replicas = 0;
    if (nu > 0) {
        gsl_sort(u, 1, nu);
        s->util_mean = gsl_stats_mean(u, 1, nu);
        s->util_p50 = gsl_stats_quantile_from_sorted_data(u, 1, nu, 0.50);
        s->util_p95 = gsl_stats_quantile_from_sorted_data(u, 1, nu, 0.95);
        s->util_p99 = gsl_stats_quantile_from_sorted_data(u, 1, nu, 0.99);
    }
    s->resp_p95 = nr ? weighted_quantile(rv, rw, nr, 0.95) : 0;
    if (isnan(s->resp_p95))
        s->resp_p95 = 0;
    free(u);
    free(rv);
    free(rw);
    /* the scale-down window that flaps are measured against */
    if (spec->has_behavior && spec->scale_down.has_window)
        win = (hpa_duration_t)spec->scale_down.window_seconds * 1000;
    s->scale_ups = s->scale_downs = s->flaps = 0;
    for (i = 0; i < r->n_events; i++) {
        const sim_scale_event *ev = &r->events[i];
        if (ev->to > ev->from)
            s->scale_ups++;
        else if (ev->to < ev->from)
            s->scale_downs++;
        if (i > 0) {
            const sim_scale_event *pv = &r->events[i - 1];
            int d0 = (pv->to > pv->from) - (pv->to < pv->from);
            int d1 = (ev->to > ev->from) - (ev->to < ev->from);
            if (d0 && d1 && d0 != d1 && ev->t - pv->t < win)
                s->flaps++;
        }
    }
}
