/* calc.c - the replica count one metric proposes: upstream's
 * computeReplicasForMetric and ReplicaCalculator, rule for rule (see
 * docs/algorithm.md).
 *
 * Upstream keeps maps keyed by pod name (metrics, requests) and sets of
 * names (unready, missing, ignored). Here every name is one dec_slot in the
 * workspace's scratch block, found through an open-addressing table of
 * names; a metric entry at the same position as its pod is found without
 * hashing. Nothing is allocated per call beyond the arena's strings. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "decide_int.h"

/* ---- Go arithmetic ------------------------------------------------------- */

int32_t hpa_dec_go_int32(double v)
{
    /* amd64 CVTTSD2SL: NaN and out of range give 0x80000000 */
    if (!(v > -2147483649.0 && v < 2147483648.0))
        return INT32_MIN;
    return (int32_t)v;
}

int64_t hpa_dec_go_int64(double v)
{
    if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0))
        return INT64_MIN;
    return (int64_t)v;
}

/* Spec: replica counts from Object/External ratios are capped at the
 * int32 maximum instead of wrapping. */
static int32_t cap_int32(double v)
{
    if (v >= 2147483647.0)
        return INT32_MAX;
    return hpa_dec_go_int32(v);
}

/* int64 + and * as Go does them (two's complement wrap, no UB). */
static int64_t wadd(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a + (uint64_t)b);
}

static int64_t wmul(int64_t a, int64_t b)
{
    return (int64_t)((uint64_t)a * (uint64_t)b);
}

/* Go's int64 division (truncating; MinInt64 / -1 wraps). */
static int64_t gdiv(int64_t a, int64_t b)
{
    if (b == -1)
        return (int64_t)(0 - (uint64_t)a);
    return a / b;
}

static int64_t sat_add(int64_t a, int64_t b)
{
    if (b > 0 && a > INT64_MAX - b)
        return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b)
        return INT64_MIN;
    return a + b;
}

/* UPSTREAM: Tolerances.isWithin, both ends inclusive. */
static bool within(const hpa_dec_ctx *c, double ratio)
{
    return (1.0 - c->tol_down) <= ratio && ratio <= (1.0 + c->tol_up);
}

/* ---- the name table ------------------------------------------------------ */

static uint64_t name_hash(const char *s)
{
    /* 8 bytes per step (pod names are ~20-60 bytes): multiply-xorshift */
    size_t n = strlen(s);
    uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;

    for (; n >= 8; n -= 8, s += 8) {
        memcpy(&w, s, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdULL;
        h ^= h >> 32;
    }
    w = 0;
    memcpy(&w, s, n);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 29);
}

static void table_insert(hpa_dec_ctx *c, size_t slot)
{
    size_t i = (size_t)c->slots[slot].hash & c->table_mask;

    while (c->table[i])
        i = (i + 1) & c->table_mask;
    c->table[i] = (uint32_t)slot + 1;
}

/* The slot of `name`, created when absent (`pod` >= 0: a pod; -1: an
 * extra metric entry). `hint` is the position to try first. */
static size_t slot_get(hpa_dec_ctx *c, const char *name, size_t hint,
                       int32_t pod)
{
    uint64_t h;
    size_t i;
    dec_slot *s;

    if (!name)
        name = "";
    if (hint < c->n_pod_slots && !strcmp(c->slots[hint].name, name))
        return hint;
    h = name_hash(name);
    for (i = (size_t)h & c->table_mask; c->table[i]; i = (i + 1) & c->table_mask) {
        s = &c->slots[c->table[i] - 1];
        if (s->hash == h && !strcmp(s->name, name))
            return c->table[i] - 1;
    }
    s = &c->slots[c->n_slots];
    memset(s, 0, sizeof(*s));
    s->name = name;
    s->hash = h;
    s->pod = pod;
    c->table[i] = (uint32_t)c->n_slots + 1;
    if (pod < 0)
        c->table_has_extras = true;
    return c->n_slots++;
}

void hpa_dec_index_pods(hpa_dec_ctx *c)
{
    size_t k;

    memset(c->table, 0, (c->table_mask + 1) * sizeof(*c->table));
    c->n_slots = c->n_pod_slots = 0;
    for (k = 0; k < c->n_sel; k++) {
        const hpa_pod *p = &c->snap->pods[c->sel[k]];
        size_t s = slot_get(c, p->name, SIZE_MAX, (int32_t)c->sel[k]);

        c->slots[s].pod = (int32_t)c->sel[k];
        c->sel_slot[k] = (uint32_t)s;
    }
    c->n_pod_slots = c->n_slots;
    c->table_has_extras = false;
}

/* Forget the previous metric's values and extras. */
static void slots_reset(hpa_dec_ctx *c)
{
    size_t i;

    if (c->table_has_extras) {
        memset(c->table, 0, (c->table_mask + 1) * sizeof(*c->table));
        for (i = 0; i < c->n_pod_slots; i++)
            table_insert(c, i);
        c->table_has_extras = false;
    }
    c->n_slots = c->n_pod_slots;
    for (i = 0; i < c->n_slots; i++) {
        c->slots[i].in_metrics = 0;
        c->slots[i].groups = 0;
        c->slots[i].has_request = 0;
        c->slots[i].value = 0;
    }
}

static void slot_set_metric(hpa_dec_ctx *c, const char *name, size_t hint,
                            int64_t value, hpa_time_t ts, hpa_duration_t window)
{
    dec_slot *s = &c->slots[slot_get(c, name, hint, -1)];

    /* a later entry for the same pod overwrites (upstream map) */
    s->in_metrics = 1;
    s->value = value;
    s->ts = ts;
    s->window = window;
}

/* ---- explain helpers ------------------------------------------------------ */

static void explain_names(hpa_dec_ctx *c, const char *label, unsigned flag)
{
    size_t i, n = 0;

    if (!c->ex)
        return;
    for (i = 0; i < c->n_slots; i++)
        if (c->slots[i].groups & flag)
            n++;
    if (!n)
        return;
    hpa_strbuf_printf(c->ex, "    %s (%zu):", label, n);
    for (i = 0; i < c->n_slots; i++)
        if (c->slots[i].groups & flag)
            hpa_strbuf_printf(c->ex, " %s", c->slots[i].name);
    hpa_strbuf_append(c->ex, "\n");
}

static void explain_groups(hpa_dec_ctx *c, int ready, bool cpu)
{
    size_t i, extras = 0;

    if (!c->ex)
        return;
    hpa_strbuf_printf(c->ex, "    ready pods with a metric: %d\n", ready);
    explain_names(c, "ignored (deleted, Failed or Succeeded)", DEC_IGNORED);
    explain_names(c, cpu ? "unready (Pending, or not ready / still initializing for cpu)"
                         : "unready (Pending)", DEC_UNREADY);
    explain_names(c, "missing a metric", DEC_MISSING);
    for (i = c->n_pod_slots; i < c->n_slots; i++)
        extras++;
    if (extras) {
        hpa_strbuf_printf(c->ex, "    metrics for pods not in the pod list (%zu):", extras);
        for (i = c->n_pod_slots; i < c->n_slots; i++)
            hpa_strbuf_printf(c->ex, " %s", c->slots[i].name);
        hpa_strbuf_append(c->ex, "\n");
    }
}

static void explain_band(hpa_dec_ctx *c, const char *what, double ratio)
{
    hpa_dec_explain(c, "    %s ratio %.6g: band [%.6g, %.6g] -> %s\n", what, ratio,
                    1.0 - c->tol_down, 1.0 + c->tol_up,
                    within(c, ratio) ? "inside (no change)" : "outside");
}

/* ---- pods: grouping, requests --------------------------------------------- */

/* UPSTREAM: groupPods. Returns the ready count (pods, not names). */
static int group_pods(hpa_dec_ctx *c, bool cpu)
{
    const hpa_options *o = c->opts;
    int ready = 0;
    size_t k;

    for (k = 0; k < c->n_sel; k++) {
        const hpa_pod *p = &c->snap->pods[c->sel[k]];
        dec_slot *s = &c->slots[c->sel_slot[k]];

        if (p->deleting || p->phase == HPA_POD_FAILED || p->phase == HPA_POD_SUCCEEDED) {
            s->groups |= DEC_IGNORED;
            continue;
        }
        if (p->phase == HPA_POD_PENDING) {
            s->groups |= DEC_UNREADY;
            continue;
        }
        if (!s->in_metrics) {
            s->groups |= DEC_MISSING;
            continue;
        }
        if (cpu) {
            bool unready;

            if (p->ready == HPA_COND_ABSENT || !p->has_start_time)
                unready = true;
            else if (p->start_time + o->cpu_initialization_period > c->now)
                /* still initializing: unready if not ready, or if the
                 * sample may predate readiness */
                unready = p->ready == HPA_COND_FALSE ||
                          s->ts < p->ready_transition + s->window;
            else
                /* unready only if it has never been ready */
                unready = p->ready == HPA_COND_FALSE &&
                          p->start_time + o->initial_readiness_delay > p->ready_transition;
            if (unready) {
                s->groups |= DEC_UNREADY;
                continue;
            }
        }
        ready++;
    }
    return ready;
}

/* removeMetricsForPods(ignored), (unready); returns len(metrics). */
static size_t drop_grouped(hpa_dec_ctx *c, size_t *n_unready, size_t *n_missing)
{
    size_t i, n = 0;

    *n_unready = *n_missing = 0;
    for (i = 0; i < c->n_slots; i++) {
        dec_slot *s = &c->slots[i];

        if (s->groups & (DEC_IGNORED | DEC_UNREADY))
            s->in_metrics = 0;
        if (s->groups & DEC_UNREADY)
            (*n_unready)++;
        if (s->groups & DEC_MISSING)
            (*n_missing)++;
        n += s->in_metrics;
    }
    return n;
}

static size_t metrics_len(const hpa_dec_ctx *c)
{
    size_t i, n = 0;

    for (i = 0; i < c->n_slots; i++)
        n += c->slots[i].in_metrics;
    return n;
}

/* UPSTREAM: calculatePodRequests (every selected pod, also ignored ones). */
static const char *pod_requests(hpa_dec_ctx *c, const char *resource,
                                const char *container)
{
    size_t k, j;

    for (k = 0; k < c->n_sel; k++) {
        const hpa_pod *p = &c->snap->pods[c->sel[k]];
        dec_slot *s = &c->slots[c->sel_slot[k]];
        int64_t sum = 0, v;
        bool found = false;

        if (!container && p->has_pod_requests &&
            hpa_resource_list_get(&p->pod_requests, resource, &v)) {
            sum = v;    /* pod-level requests win */
            goto have;
        }
        for (j = 0; j < p->n_containers + p->n_init_containers; j++) {
            const hpa_container *ct = j < p->n_containers
                ? &p->containers[j] : &p->init_containers[j - p->n_containers];

            if (j >= p->n_containers && !ct->restart_always)
                continue;
            if (container && (!ct->name || strcmp(container, ct->name)))
                continue;
            found = true;
            if (!hpa_resource_list_get(&ct->requests, resource, &v))
                return hpa_dec_fmt(c, "missing request for %s in container %s of Pod %s",
                                   resource, ct->name ? ct->name : "",
                                   p->name ? p->name : "");
            sum = wadd(sum, v);
        }
        if (container && !found)
            /* spec: a pod without the named container fails the metric */
            return hpa_dec_fmt(c, "missing request for %s in container %s of Pod %s",
                               resource, container, p->name ? p->name : "");
have:
        s->has_request = 1;
        s->request = sum;
    }
    return NULL;
}

/* UPSTREAM: metricsclient.GetResourceUtilizationRatio. */
static const char *utilization_ratio(hpa_dec_ctx *c, int32_t target,
                                     double *ratio, int32_t *util, int64_t *raw)
{
    int64_t mt = 0, rt = 0, n = 0;
    size_t i;

    for (i = 0; i < c->n_slots; i++) {
        const dec_slot *s = &c->slots[i];

        if (!s->in_metrics || !s->has_request)
            continue;   /* a metric for a pod not in the pod list */
        mt = wadd(mt, s->value);
        rt = wadd(rt, s->request);
        n++;
    }
    if (rt == 0)
        return "no metrics returned matched known pods";
    *util = (int32_t)(uint32_t)(uint64_t)gdiv(wmul(mt, 100), rt);
    *ratio = (double)*util / (double)target;
    *raw = gdiv(mt, n);
    return NULL;
}

/* UPSTREAM: metricsclient.GetMetricUsageRatio (every entry counts). */
static double usage_ratio(const hpa_dec_ctx *c, int64_t target, int64_t *usage)
{
    int64_t total = 0, n = 0;
    size_t i;

    for (i = 0; i < c->n_slots; i++) {
        if (!c->slots[i].in_metrics)
            continue;
        total = wadd(total, c->slots[i].value);
        n++;
    }
    *usage = n ? gdiv(total, n) : 0;
    return (double)*usage / (double)target;
}

/* Fill the metrics map from PodMetrics: the pod sum, or one container. */
static void load_resource_metrics(hpa_dec_ctx *c, const char *resource,
                                  const char *container)
{
    const hpa_snapshot *sn = c->snap;
    size_t i, j;

    for (i = 0; i < sn->n_pod_metrics; i++) {
        const hpa_pod_metrics *m = &sn->pod_metrics[i];
        int64_t sum = 0, v;
        bool ok = m->n_containers > 0;

        if (container) {
            ok = false;
            for (j = 0; j < m->n_containers; j++) {
                if (m->containers[j].name && !strcmp(m->containers[j].name, container)) {
                    ok = hpa_resource_list_get(&m->containers[j].usage, resource, &sum);
                    break;
                }
            }
        } else {
            for (j = 0; j < m->n_containers && ok; j++) {
                if (!hpa_resource_list_get(&m->containers[j].usage, resource, &v))
                    ok = false;
                else
                    sum = wadd(sum, v);
            }
        }
        if (ok)
            slot_set_metric(c, m->name, i, sum, m->timestamp, m->window);
    }
}

/* ---- replica calculations ---------------------------------------------------- */

typedef struct calc_out {
    int32_t replicas;
    int32_t utilization;
    int64_t usage;      /* raw average (resource) or usage */
    const char *err;
} calc_out;

/* UPSTREAM: how GetResourceReplicas and calcPlainMetricReplicas both
 * start: no pods selected is an error; the pods are grouped (ready,
 * unready, missing, ignored); no pod left with a metric is an error.
 * Returns the number of pods with a metric; 0 with o->err set. */
static size_t group_or_fail(hpa_dec_ctx *c, bool cpu, int *ready, size_t *n_unready,
                            size_t *n_missing, calc_out *o)
{
    size_t n;

    if (c->n_sel == 0) {
        o->err = "no pods returned by selector while calculating replica count";
        return 0;
    }
    *ready = group_pods(c, cpu);
    n = drop_grouped(c, n_unready, n_missing);
    explain_groups(c, *ready, cpu);
    if (n == 0)
        o->err = "did not receive metrics for targeted pods (pods might be unready)";
    return n;
}

/* UPSTREAM: on a scale-up, unready pods count as using nothing (both
 * calcPlainMetricReplicas and GetResourceReplicas). */
static void unready_at_zero(hpa_dec_ctx *c)
{
    size_t i;

    for (i = 0; i < c->n_slots; i++) {
        if (c->slots[i].groups & DEC_UNREADY) {
            c->slots[i].in_metrics = 1;
            c->slots[i].value = 0;
        }
    }
    hpa_dec_explain(c, "    scale-up with unready pods: unready pods counted at 0\n");
}

/* UPSTREAM: the end of calcPlainMetricReplicas and GetResourceReplicas
 * (the same code twice upstream): with the missing and unready pods filled
 * in, `new_ratio` gives the count, unless it is inside the band, reverses
 * the direction of `ratio`, or would move against it. */
static int32_t rebalanced_replicas(hpa_dec_ctx *c, int32_t current, double ratio,
                                   double new_ratio)
{
    size_t n = metrics_len(c);
    int32_t nr;

    explain_band(c, "re-computed", new_ratio);
    if (within(c, new_ratio) || (ratio < 1.0 && new_ratio > 1.0) ||
        (ratio > 1.0 && new_ratio < 1.0)) {
        hpa_dec_explain(c, "    -> %d (inside the band or direction reversed)\n", current);
        return current;
    }
    nr = hpa_dec_go_int32(ceil(new_ratio * (double)n));
    if ((new_ratio < 1.0 && nr > current) || (new_ratio > 1.0 && nr < current)) {
        hpa_dec_explain(c, "    -> %d (ceil(%.6g x %zu) = %d would move against the ratio)\n",
                        current, new_ratio, n, nr);
        return current;
    }
    hpa_dec_explain(c, "    -> %d (ceil(%.6g x %zu))\n", nr, new_ratio, n);
    return nr;
}

/* UPSTREAM: GetResourceReplicas, after the metrics are loaded. */
static void resource_replicas(hpa_dec_ctx *c, int32_t current, int32_t target,
                              const char *resource, const char *container,
                              calc_out *o)
{
    bool cpu = !strcmp(resource, "cpu");
    size_t n_unready, n_missing, n, i;
    int ready;
    double ratio, new_ratio;
    int32_t new_util;
    int64_t new_raw;
    bool up_unready;

    if ((n = group_or_fail(c, cpu, &ready, &n_unready, &n_missing, o)) == 0)
        return;
    if ((o->err = pod_requests(c, resource, container)) != NULL)
        return;
    if ((o->err = utilization_ratio(c, target, &ratio, &o->utilization, &o->usage)) != NULL)
        return;
    hpa_dec_explain(c, "    utilization %d%% of request (target %d%%), average %lld milli\n",
                    o->utilization, target, (long long)o->usage);
    explain_band(c, "usage", ratio);
    up_unready = n_unready > 0 && ratio > 1.0;
    if (!up_unready && n_missing == 0) {
        o->replicas = within(c, ratio) ? current
                                       : hpa_dec_go_int32(ceil(ratio * (double)ready));
        hpa_dec_explain(c, "    -> %d (ceil(ratio x %d ready) unless inside the band)\n",
                        o->replicas, ready);
        return;
    }
    if (n_missing > 0) {
        /* UPSTREAM: missing pods count as the request x max(100, target)
         * on a scale-down, 0 on a scale-up, nothing at exactly 1. */
        int64_t fallback = target > 100 ? target : 100;

        for (i = 0; i < c->n_slots; i++) {
            dec_slot *s = &c->slots[i];

            if (!(s->groups & DEC_MISSING) || ratio == 1.0)
                continue;
            s->in_metrics = 1;
            s->value = ratio < 1.0 ? gdiv(wmul(s->request, fallback), 100) : 0;
        }
        if (ratio != 1.0)
            hpa_dec_explain(c, "    missing pods counted at %s\n",
                            ratio < 1.0 ? "request x max(100, target)/100" : "0");
    }
    if (up_unready)
        unready_at_zero(c);
    if ((o->err = utilization_ratio(c, target, &new_ratio, &new_util, &new_raw)) != NULL)
        return;
    o->replicas = rebalanced_replicas(c, current, ratio, new_ratio);
}

/* UPSTREAM: calcPlainMetricReplicas (Pods metrics, Resource AverageValue),
 * after the metrics are loaded. `resource` "" for Pods metrics. */
static void plain_replicas(hpa_dec_ctx *c, int32_t current, int64_t target,
                           const char *resource, calc_out *o)
{
    bool cpu = !strcmp(resource, "cpu");
    size_t n_unready, n_missing, n, i;
    int ready;
    double ratio, new_ratio;
    int64_t new_usage;
    bool up_unready;

    if ((n = group_or_fail(c, cpu, &ready, &n_unready, &n_missing, o)) == 0)
        return;
    ratio = usage_ratio(c, target, &o->usage);
    hpa_dec_explain(c, "    average %lld milli over %zu entries (target %lld)\n",
                    (long long)o->usage, n, (long long)target);
    explain_band(c, "usage", ratio);
    up_unready = n_unready > 0 && ratio > 1.0;
    if (!up_unready && n_missing == 0) {
        o->replicas = within(c, ratio) ? current
                                       : hpa_dec_go_int32(ceil(ratio * (double)ready));
        hpa_dec_explain(c, "    -> %d (ceil(ratio x %d ready) unless inside the band)\n",
                        o->replicas, ready);
        return;
    }
    if (n_missing > 0) {
        /* UPSTREAM: the target on a scale-down, else 0 (also at exactly 1) */
        for (i = 0; i < c->n_slots; i++) {
            if (c->slots[i].groups & DEC_MISSING) {
                c->slots[i].in_metrics = 1;
                c->slots[i].value = ratio < 1.0 ? target : 0;
            }
        }
        hpa_dec_explain(c, "    missing pods counted at %s\n", ratio < 1.0 ? "the target" : "0");
    }
    if (up_unready)
        unready_at_zero(c);
    new_ratio = usage_ratio(c, target, &new_usage);
    o->replicas = rebalanced_replicas(c, current, ratio, new_ratio);
}

/* UPSTREAM: getUsageRatioReplicaCount (Object and External Value). */
static const char *usage_ratio_replicas(hpa_dec_ctx *c, int32_t current,
                                        double ratio, int32_t *out)
{
    size_t k;
    int64_t ready = 0;

    if (current == 0) {
        *out = cap_int32(ceil(ratio));  /* from zero: no tolerance */
        hpa_dec_explain(c, "    current 0: ceil(ratio %.6g) = %d\n", ratio, *out);
        return NULL;
    }
    explain_band(c, "usage", ratio);
    if (within(c, ratio)) {
        *out = current;
        return NULL;
    }
    if (c->n_sel == 0)
        return "unable to calculate ready pods: no pods returned by selector while calculating replica count";
    for (k = 0; k < c->n_sel; k++) {
        const hpa_pod *p = &c->snap->pods[c->sel[k]];

        if (p->phase == HPA_POD_RUNNING && p->ready == HPA_COND_TRUE)
            ready++;
    }
    *out = cap_int32(ceil(ratio * (double)ready));
    hpa_dec_explain(c, "    -> %d (ceil(ratio x %lld running and ready pods))\n", *out,
                    (long long)ready);
    return NULL;
}

/* GetObjectPerPodMetricReplicas / GetExternalPerPodMetricReplicas. */
static void per_pod_replicas(hpa_dec_ctx *c, int32_t status_replicas,
                             int64_t usage, int64_t target, calc_out *o)
{
    double ratio = (double)usage / ((double)target * (double)status_replicas);

    o->replicas = status_replicas;
    explain_band(c, "usage", ratio);
    if (!within(c, ratio))
        o->replicas = cap_int32(ceil((double)usage / (double)target));
    o->usage = hpa_dec_go_int64(ceil((double)usage / (double)status_replicas));
    hpa_dec_explain(c, "    -> %d (status.replicas %d, total %lld, target per pod %lld)\n",
                    o->replicas, status_replicas, (long long)usage, (long long)target);
}

/* ---- per metric type ---------------------------------------------------------- */

static void fail(hpa_dec_ctx *c, hpa_dec_result *r, const char *reason,
                 const char *inner, const char *outer)
{
    /* UPSTREAM: getUnableComputeReplicaCountCondition emits the event. */
    hpa_dec_event(c, "Warning", reason, inner);
    r->cond_reason = reason;
    r->cond_message = hpa_dec_fmt(c, "the HPA was unable to compute the replica count: %s", inner);
    r->error = outer;
    r->replicas = -1;
    hpa_dec_explain(c, "    failed: %s\n", inner);
}

static void metric_resource(hpa_dec_ctx *c, const hpa_metric_spec *m,
                            int32_t current, hpa_metric_status *st,
                            hpa_dec_result *r)
{
    bool cres = m->type == HPA_METRIC_CONTAINER_RESOURCE;
    const char *res = m->resource ? m->resource : "";
    const char *ctn = cres ? (m->container ? m->container : "") : NULL;
    const char *reason = cres ? "FailedGetContainerResourceMetric" : "FailedGetResourceMetric";
    const char *inner = NULL;
    calc_out o;

    memset(&o, 0, sizeof(o));
    slots_reset(c);
    if (m->target.has_average_value) {
        /* UPSTREAM: averageValue first, whatever target.type says */
        r->name = hpa_dec_fmt(c, "%s resource", res);
        hpa_dec_explain(c, "Metric %s (target average %lld milli):\n", r->name,
                        (long long)m->target.average_value_milli);
        if (!c->snap->has_pod_metrics || c->snap->n_pod_metrics == 0)
            o.err = hpa_dec_fmt(c, "unable to get metrics for resource %s: no metrics returned from resource metrics API", res);
        else {
            load_resource_metrics(c, res, ctn);
            plain_replicas(c, current, m->target.average_value_milli, res, &o);
        }
        if (o.err)
            inner = hpa_dec_fmt(c, "failed to get %s usage: %s", res, o.err);
        else {
            st->has_average_value = true;
            st->average_value_milli = o.usage;
        }
    } else if (!m->target.has_average_utilization) {
        r->name = hpa_dec_fmt(c, "%s %sresource utilization (percentage of request)", res,
                              cres ? "container " : "");
        hpa_dec_explain(c, "Metric %s:\n", r->name);
        inner = "invalid resource metric source: neither an average utilization target nor an average value (usage) target was set";
    } else {
        int32_t t = m->target.average_utilization;

        r->name = hpa_dec_cat(c, res, cres ? " container" : "",
                              " resource utilization (percentage of request)", (const char *)NULL);
        hpa_dec_explain(c, "Metric %s (target %d%%):\n", r->name, t);
        if (!c->snap->has_pod_metrics || c->snap->n_pod_metrics == 0)
            o.err = hpa_dec_fmt(c, "unable to get metrics for resource %s: no metrics returned from resource metrics API", res);
        else {
            load_resource_metrics(c, res, ctn);
            resource_replicas(c, current, t, res, ctn, &o);
        }
        if (o.err)
            inner = hpa_dec_fmt(c, "failed to get %s utilization: %s", res, o.err);
        else {
            st->has_average_utilization = true;
            st->average_utilization = o.utilization;
            st->has_average_value = true;
            st->average_value_milli = o.usage;
        }
    }
    if (inner) {
        fail(c, r, reason, inner,
             cres ? hpa_dec_fmt(c, "failed to get %s container metric value: %s", ctn, inner)
                  : hpa_dec_fmt(c, "failed to get %s resource metric value: %s", res, inner));
        return;
    }
    st->type = m->type;
    r->replicas = o.replicas;
}

static const char *metric_selector_error(hpa_dec_ctx *c, const hpa_label_selector *ls)
{
    hpa_selector sel;
    hpa_err err;

    hpa_err_clear(&err);
    if (hpa_selector_from_object(ls, &c->ws->arena, &sel, NULL, &err) != HPA_OK) {
        if (err.code == HPA_ENOMEM)
            c->oom = true;
        return hpa_dec_fmt(c, "%s", err.msg);
    }
    return NULL;
}

static void metric_pods(hpa_dec_ctx *c, const hpa_metric_spec *m, int32_t current,
                        hpa_metric_status *st, hpa_dec_result *r)
{
    const char *name = m->metric_name ? m->metric_name : "";
    const hpa_pod_metric_list *list = NULL;
    const char *err;
    calc_out o;
    size_t i;

    memset(&o, 0, sizeof(o));
    r->name = hpa_dec_fmt(c, "pods metric %s", name);
    hpa_dec_explain(c, "Metric %s (target average %lld milli):\n", r->name,
                    (long long)m->target.average_value_milli);
    if ((err = metric_selector_error(c, m->metric_selector)) != NULL) {
        fail(c, r, "FailedGetPodsMetric", err,
             hpa_dec_fmt(c, "failed to get pods metric value: %s", err));
        return;
    }
    if (!m->target.has_average_value) {
        err = "invalid pods metric source: no average value target was set";
        fail(c, r, "FailedGetPodsMetric", err,
             hpa_dec_fmt(c, "failed to get pods metric value: %s", err));
        return;
    }
    slots_reset(c);
    for (i = 0; i < c->snap->n_pod_custom; i++) {
        if (c->snap->pod_custom[i].metric && !strcmp(c->snap->pod_custom[i].metric, name)) {
            list = &c->snap->pod_custom[i];
            break;
        }
    }
    if (!list || list->n == 0) {
        o.err = hpa_dec_fmt(c, "unable to get metric %s: no metrics returned from custom metrics API", name);
    } else {
        for (i = 0; i < list->n; i++) {
            const hpa_pod_metric_value *v = &list->items[i];

            slot_set_metric(c, v->pod, i, v->milli, v->timestamp,
                            v->has_window ? v->window : 60 * HPA_MS_PER_S);
        }
        plain_replicas(c, current, m->target.average_value_milli, "", &o);
    }
    if (o.err) {
        fail(c, r, "FailedGetPodsMetric", o.err,
             hpa_dec_fmt(c, "failed to get pods metric value: %s", o.err));
        return;
    }
    st->type = HPA_METRIC_PODS;
    st->has_average_value = true;
    st->average_value_milli = o.usage;
    r->replicas = o.replicas;
}

static const hpa_object_metric_value *find_object(const hpa_dec_ctx *c,
                                                  const hpa_metric_spec *m)
{
    size_t i;

    for (i = 0; i < c->snap->n_object_metrics; i++) {
        const hpa_object_metric_value *v = &c->snap->object_metrics[i];

        if (!v->metric || !m->metric_name || strcmp(v->metric, m->metric_name))
            continue;
        if (v->described.kind && m->described.kind && strcmp(v->described.kind, m->described.kind))
            continue;
        if (v->described.name && m->described.name && strcmp(v->described.name, m->described.name))
            continue;
        return v;
    }
    return NULL;
}

static void metric_object(hpa_dec_ctx *c, const hpa_metric_spec *m, int32_t spec_replicas,
                          int32_t status_replicas, hpa_metric_status *st, hpa_dec_result *r)
{
    const char *name = m->metric_name ? m->metric_name : "";
    const char *kind = m->described.kind ? m->described.kind : "";
    const hpa_object_metric_value *v;
    const char *err, *inner;
    bool is_value = m->target.type == HPA_TARGET_VALUE && m->target.has_value;
    bool is_avg = m->target.type == HPA_TARGET_AVERAGE_VALUE && m->target.has_average_value;
    calc_out o;

    memset(&o, 0, sizeof(o));
    if (is_avg)
        r->name = hpa_dec_fmt(c, "external metric %s(%s)", name,
                              hpa_label_selector_gostring(m->metric_selector, &c->ws->arena));
    else
        r->name = hpa_dec_fmt(c, "%s metric %s", kind, name);
    hpa_dec_explain(c, "Metric %s:\n", r->name);
    if ((err = metric_selector_error(c, m->metric_selector)) != NULL) {
        fail(c, r, "FailedGetObjectMetric", err,
             hpa_dec_fmt(c, "failed to get object metric value: %s", err));
        return;
    }
    if (!is_value && !is_avg) {
        err = "invalid object metric source: neither a value target nor an average value target was set";
        fail(c, r, "FailedGetObjectMetric", err,
             hpa_dec_fmt(c, "failed to get object metric value: %s", err));
        return;
    }
    v = find_object(c, m);
    if (!v) {
        /* UPSTREAM: the arguments of this message are in upstream's order */
        inner = hpa_dec_fmt(c, "unable to get metric %s: %s on %s %s/unable to fetch metrics from custom metrics API: the server could not find the metric %s for %s %s",
                            name, kind, c->hpa->namespace_ ? c->hpa->namespace_ : "default",
                            m->described.name ? m->described.name : "", name, kind,
                            m->described.name ? m->described.name : "");
        fail(c, r, "FailedGetObjectMetric", inner,
             is_avg ? hpa_dec_fmt(c, "failed to get object metric value: failed to get %s object metric: %s", name, inner)
                    : hpa_dec_fmt(c, "failed to get object metric value: %s", inner));
        return;
    }
    hpa_dec_explain(c, "    value %lld milli\n", (long long)v->milli);
    if (is_value) {
        double ratio = (double)v->milli / (double)m->target.value_milli;

        err = usage_ratio_replicas(c, spec_replicas, ratio, &o.replicas);
        if (err) {
            fail(c, r, "FailedGetObjectMetric", err,
                 hpa_dec_fmt(c, "failed to get object metric value: %s", err));
            return;
        }
        st->has_value = true;
        st->value_milli = v->milli;
    } else {
        per_pod_replicas(c, status_replicas, v->milli, m->target.average_value_milli, &o);
        st->has_average_value = true;
        st->average_value_milli = o.usage;
    }
    st->type = HPA_METRIC_OBJECT;
    r->replicas = o.replicas;
}

static void metric_external(hpa_dec_ctx *c, const hpa_metric_spec *m, int32_t spec_replicas,
                            int32_t status_replicas, hpa_metric_status *st, hpa_dec_result *r)
{
    const char *name = m->metric_name ? m->metric_name : "";
    const char *sel = hpa_label_selector_gostring(m->metric_selector, &c->ws->arena);
    const hpa_external_metric_list *list = NULL;
    const char *err;
    int64_t usage = 0;
    calc_out o;
    size_t i;

    if (!sel) {
        c->oom = true;
        sel = "";
    }
    memset(&o, 0, sizeof(o));
    r->name = hpa_dec_fmt(c, "external metric %s(%s)", name, sel);
    hpa_dec_explain(c, "Metric %s:\n", r->name);
    if (!m->target.has_average_value && !m->target.has_value) {
        err = "invalid external metric source: neither a value target nor an average value target was set";
        fail(c, r, "FailedGetExternalMetric", err,
             hpa_dec_fmt(c, "failed to get %s external metric value: %s", name, err));
        return;
    }
    if ((err = metric_selector_error(c, m->metric_selector)) != NULL)
        goto failed;
    for (i = 0; i < c->snap->n_external; i++) {
        if (c->snap->external[i].metric && !strcmp(c->snap->external[i].metric, name)) {
            list = &c->snap->external[i];
            break;
        }
    }
    if (!list || list->n == 0) {
        err = hpa_dec_fmt(c, "unable to get external metric %s/%s/%s: no metrics returned from external metrics API",
                          c->hpa->namespace_ ? c->hpa->namespace_ : "default", name, sel);
        goto failed;
    }
    for (i = 0; i < list->n; i++)
        usage = sat_add(usage, list->items[i].milli);   /* spec: saturating */
    hpa_dec_explain(c, "    sum of %zu values: %lld milli\n", list->n, (long long)usage);
    if (m->target.has_average_value) {
        per_pod_replicas(c, status_replicas, usage, m->target.average_value_milli, &o);
        st->has_average_value = true;
        st->average_value_milli = o.usage;
    } else {
        double ratio = (double)usage / (double)m->target.value_milli;

        if ((err = usage_ratio_replicas(c, spec_replicas, ratio, &o.replicas)) != NULL)
            goto failed;
        st->has_value = true;
        st->value_milli = usage;
    }
    st->type = HPA_METRIC_EXTERNAL;
    r->replicas = o.replicas;
    return;
failed:
    fail(c, r, "FailedGetExternalMetric", err,
         m->target.has_average_value
             ? hpa_dec_fmt(c, "failed to get %s external metric value: failed to get %s external metric: %s", name, name, err)
             : hpa_dec_fmt(c, "failed to get %s external metric value: %s", name, err));
}

void hpa_dec_metric(hpa_dec_ctx *c, const hpa_metric_spec *spec,
                    int32_t spec_replicas, int32_t status_replicas,
                    hpa_metric_status *st, hpa_dec_result *r)
{
    const char *err;

    memset(st, 0, sizeof(*st));
    st->spec = spec;
    switch (spec->type) {
    case HPA_METRIC_RESOURCE:
    case HPA_METRIC_CONTAINER_RESOURCE:
        metric_resource(c, spec, spec_replicas, st, r);
        break;
    case HPA_METRIC_PODS:
        metric_pods(c, spec, spec_replicas, st, r);
        break;
    case HPA_METRIC_OBJECT:
        metric_object(c, spec, spec_replicas, status_replicas, st, r);
        break;
    case HPA_METRIC_EXTERNAL:
        metric_external(c, spec, spec_replicas, status_replicas, st, r);
        break;
    case HPA_METRIC_UNKNOWN:
    default:
        err = hpa_dec_fmt(c, "unknown metric source type \"%s\"",
                          spec->type_name ? spec->type_name : "");
        r->name = "";
        hpa_dec_explain(c, "Metric of type \"%s\":\n", spec->type_name ? spec->type_name : "");
        fail(c, r, "InvalidMetricSourceType", err, err);
        break;
    }
    if (r->error)
        st->type = HPA_METRIC_UNKNOWN;
}
