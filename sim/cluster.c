/* cluster.c - the modelled cluster behind ctl_cluster_ops (see cluster.h). */
#include "cluster.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>

#define MI (1024.0 * 1024.0)

void sim_model_default(sim_model *m)
{
    memset(m, 0, sizeof(*m));
    snprintf(m->name, sizeof(m->name), "python-app");
    snprintf(m->namespace_, sizeof(m->namespace_), "default");
    m->cpu_request_m = 250;
    m->cpu_limit_m = 500;
    m->mem_request_b = 256LL * 1024 * 1024;
    m->mem_limit_b = 512LL * 1024 * 1024;
    m->cpu_baseline_m = 10;
    m->cpu_per_rps_m = 2.5;
    m->mem_baseline_b = 150 * MI;
    m->mem_per_rps_b = 0.1 * MI;
    m->noise = 0;
    m->scheduling_delay_s = 2;
    m->startup_s = 15;
    m->startup_sd_s = 0;
    m->readiness_initial_delay_s = 10;
    m->readiness_period_s = 5;
    m->termination_grace_s = 30;
    m->max_pods = 0;
    m->metrics_resolution_s = 15;
    m->metrics_window_s = 15;
    m->sync_period_s = 15;
    m->sync_jitter_s = 0;
    m->opts = hpa_options_default();
    m->saturated_response_s = 10;
}

double sim_model_capacity_per_pod(const sim_model *m)
{
    double c = ((double)m->cpu_limit_m - m->cpu_baseline_m) / m->cpu_per_rps_m;
    return c > 0 ? c : 0;
}

double sim_model_pod_cpu(const sim_model *m, double l)
{
    double u = m->cpu_baseline_m + l * m->cpu_per_rps_m;
    return u > (double)m->cpu_limit_m ? (double)m->cpu_limit_m : u;
}

double sim_model_pod_mem(const sim_model *m, double l)
{
    double u = m->mem_baseline_b + l * m->mem_per_rps_b;
    return u > (double)m->mem_limit_b ? (double)m->mem_limit_b : u;
}

static sim_ms s2ms(double s)
{
    return (sim_ms)llround(s * 1000.0);
}

hpa_errcode sim_cluster_init(sim_cluster *c, const sim_model *m, const sim_series *load,
                             int32_t initial_replicas, uint64_t seed, hpa_err *e)
{
    int32_t i;
    sim_ms res = s2ms(m->metrics_resolution_s), win = s2ms(m->metrics_window_s);

    memset(c, 0, sizeof(*c));
    c->m = m;
    c->load = load;
    c->epoch = load->epoch;
    if (res <= 0 || win <= 0 || win % res != 0 || win / res > SIM_WINDOW_SLOTS)
        return hpa_err_set(e, HPA_EINVAL, "metrics.window",
                           "the metrics window (%g s) must be a positive multiple of the resolution (%g s), at most %d of them",
                           m->metrics_window_s, m->metrics_resolution_s, SIM_WINDOW_SLOTS);
    if (m->cpu_per_rps_m <= 0 || m->cpu_request_m <= 0 || m->cpu_limit_m < m->cpu_request_m)
        return hpa_err_set(e, HPA_EINVAL, "workload.cpuPerRps",
                           "cpu per request/s and the cpu request must be positive, and the limit at least the request");
    c->window_slots = (int)(win / res);
    c->rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!c->rng)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory (random generator)");
    gsl_rng_set(c->rng, (unsigned long)(seed ? seed : 1));
    snprintf(c->selector, sizeof(c->selector), "app=%s", m->name);
    c->label.key = "app";
    c->label.value = m->name;
    c->req_res[0].name = "cpu";
    c->req_res[0].milli = m->cpu_request_m;
    c->req_res[1].name = "memory";
    c->req_res[1].milli = m->mem_request_b * 1000;
    c->lim_res[0].name = "cpu";
    c->lim_res[0].milli = m->cpu_limit_m;
    c->lim_res[1].name = "memory";
    c->lim_res[1].milli = m->mem_limit_b * 1000;
    c->container.name = "app";
    c->container.requests.n = 2;
    c->container.requests.items = c->req_res;
    c->container.limits.n = 2;
    c->container.limits.items = c->lim_res;
    c->replicas = initial_replicas;
    c->rv = 1;
    /* the initial pods have been Ready for an hour */
    for (i = 0; i < initial_replicas; i++) {
        sim_pod *p;
        if (c->n_pods == c->cap_pods) {
            size_t nc = c->cap_pods ? c->cap_pods * 2 : 16;
            sim_pod *np = realloc(c->pods, nc * sizeof(*np));
            if (!np)
                return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory (pods)");
            c->pods = np;
            c->cap_pods = nc;
        }
        p = &c->pods[c->n_pods++];
        memset(p, 0, sizeof(*p));
        p->seq = c->next_seq++;
        snprintf(p->name, sizeof(p->name), "%s-%05u", m->name, p->seq);
        p->created = p->bound = -3600 * 1000;
        p->running = p->created + s2ms(m->scheduling_delay_s);
        p->ready = p->running + s2ms(m->readiness_initial_delay_s);
        p->deleted = p->gone = SIM_NEVER;
    }
    c->n_ready = c->n_alive = initial_replicas;
    return HPA_OK;
}

void sim_cluster_free(sim_cluster *c)
{
    if (!c)
        return;
    if (c->rng)
        gsl_rng_free(c->rng);
    free(c->pods);
    free(c->snap_pods);
    free(c->snap_pm);
    free(c->snap_cm);
    free(c->snap_usage);
    free(c->events);
    memset(c, 0, sizeof(*c));
}

double sim_cluster_load_at(const sim_cluster *c, sim_ms t)
{
    double s = (double)t / 1000.0;
    size_t i;

    if (s < 0)
        s = 0;
    i = (size_t)(s / c->load->step_s);
    if (i >= c->load->n)
        i = c->load->n - 1;
    return c->load->v[i];
}

/* ---- pod life cycle ------------------------------------------------------ */

static sim_ms draw_startup(sim_cluster *c)
{
    const sim_model *m = c->m;
    double s = m->startup_s;

    if (m->startup_sd_s > 0 && m->startup_s > 0) {
        /* lognormal with the given mean and s.d. */
        double v = log(1 + (m->startup_sd_s * m->startup_sd_s) / (m->startup_s * m->startup_s));
        double mu = log(m->startup_s) - v / 2;
        s = gsl_ran_lognormal(c->rng, mu, sqrt(v));
    }
    return s2ms(s);
}

/* A pod got a slot at `t`: it is Pending for the scheduling delay, then
 * Running; Ready at the first readiness probe after the app is up. */
static void bind_pod(sim_cluster *c, sim_pod *p, sim_ms t)
{
    const sim_model *m = c->m;
    sim_ms startup = draw_startup(c);
    sim_ms init = s2ms(m->readiness_initial_delay_s), period = s2ms(m->readiness_period_s);
    sim_ms k = 0;

    p->bound = t;
    p->running = t + s2ms(m->scheduling_delay_s);
    if (startup > init && period > 0)
        k = (startup - init + period - 1) / period;
    p->ready = p->running + init + k * period;
}

static int32_t slots_used(const sim_cluster *c, sim_ms t)
{
    int32_t n = 0;
    size_t i;

    for (i = 0; i < c->n_pods; i++)
        if (c->pods[i].bound != SIM_NEVER && c->pods[i].gone > t)
            n++;
    return n;
}

static void recount(sim_cluster *c, sim_ms t)
{
    size_t i;

    c->n_ready = c->n_alive = 0;
    for (i = 0; i < c->n_pods; i++) {
        const sim_pod *p = &c->pods[i];
        if (p->deleted != SIM_NEVER)
            continue;
        c->n_alive++;
        if (p->ready <= t)
            c->n_ready++;
    }
}

void sim_cluster_transitions(sim_cluster *c, sim_ms t)
{
    size_t i, j = 0;

    /* drop pods whose grace period is over */
    for (i = 0; i < c->n_pods; i++)
        if (c->pods[i].gone > t)
            c->pods[j++] = c->pods[i];
    c->n_pods = j;
    /* waiting pods get free slots, oldest first */
    if (c->m->max_pods <= 0) {
        for (i = 0; i < c->n_pods; i++)
            if (c->pods[i].bound == SIM_NEVER)
                bind_pod(c, &c->pods[i], t);
    } else {
        int32_t used = slots_used(c, t);
        for (i = 0; i < c->n_pods && used < c->m->max_pods; i++)
            if (c->pods[i].bound == SIM_NEVER && c->pods[i].deleted == SIM_NEVER) {
                bind_pod(c, &c->pods[i], t);
                used++;
            }
    }
    recount(c, t);
}

sim_ms sim_cluster_next_transition(const sim_cluster *c, sim_ms t)
{
    sim_ms n = SIM_NEVER;
    size_t i;

    for (i = 0; i < c->n_pods; i++) {
        const sim_pod *p = &c->pods[i];
        if (p->gone > t && p->gone < n)
            n = p->gone;
        if (p->deleted != SIM_NEVER || p->bound == SIM_NEVER)
            continue;
        if (p->ready > t && p->ready < n)
            n = p->ready;
        if (p->running > t && p->running < n)
            n = p->running;
    }
    return n;
}

static hpa_errcode add_pod(sim_cluster *c, sim_ms t)
{
    sim_pod *p;

    if (c->n_pods == c->cap_pods) {
        size_t nc = c->cap_pods ? c->cap_pods * 2 : 16;
        sim_pod *np = realloc(c->pods, nc * sizeof(*np));
        if (!np)
            return HPA_ENOMEM;
        c->pods = np;
        c->cap_pods = nc;
    }
    p = &c->pods[c->n_pods++];
    memset(p, 0, sizeof(*p));
    p->seq = c->next_seq++;
    snprintf(p->name, sizeof(p->name), "%s-%05u", c->m->name, p->seq);
    p->created = t;
    p->bound = SIM_NEVER;
    p->running = p->ready = SIM_NEVER;
    p->deleted = p->gone = SIM_NEVER;
    return HPA_OK;
}

/* UPSTREAM (ReplicaSet controller, getPodsToDelete): unscheduled before
 * scheduled, Pending before Running, not Ready before Ready, Ready for a
 * shorter time first, newer first. Lower rank goes first. */
static int pod_before(const sim_pod *a, const sim_pod *b, sim_ms t)
{
    int ab = a->bound != SIM_NEVER, bb = b->bound != SIM_NEVER;
    int ar = a->running <= t, br = b->running <= t;
    int ay = a->ready <= t, by = b->ready <= t;

    if (ab != bb)
        return ab < bb;
    if (ar != br)
        return ar < br;
    if (ay != by)
        return ay < by;
    if (ay && a->ready != b->ready)
        return a->ready > b->ready;
    if (a->created != b->created)
        return a->created > b->created;
    return a->seq > b->seq;
}

static void delete_pods(sim_cluster *c, int32_t k, sim_ms t)
{
    sim_ms grace = s2ms(c->m->termination_grace_s);

    while (k-- > 0) {
        sim_pod *best = NULL;
        size_t i;
        for (i = 0; i < c->n_pods; i++) {
            sim_pod *p = &c->pods[i];
            if (p->deleted != SIM_NEVER)
                continue;
            if (!best || pod_before(p, best, t))
                best = p;
        }
        if (!best)
            return;
        best->deleted = t;
        /* a pod that never got a node is removed at once */
        best->gone = best->bound == SIM_NEVER ? t : t + grace;
    }
}

/* ---- metrics pipeline ------------------------------------------------------ */

void sim_cluster_sample(sim_cluster *c, sim_ms t, double usage_int, double ready_time,
                        double load_int)
{
    const sim_model *m = c->m;
    double u_sum = 0, t_sum = 0, l_sum = 0, cpu, mem, l;
    sim_ms win = s2ms(m->metrics_window_s);
    size_t i;
    int k;

    if (t > 0) {
        c->slot_head = (c->slot_head + 1) % SIM_WINDOW_SLOTS;
        c->slot_usage[c->slot_head] = usage_int;
        c->slot_time[c->slot_head] = ready_time;
        c->slot_load[c->slot_head] = load_int;
        for (k = 0; k < c->window_slots; k++) {
            int s = (c->slot_head - k + SIM_WINDOW_SLOTS) % SIM_WINDOW_SLOTS;
            u_sum += c->slot_usage[s];
            t_sum += c->slot_time[s];
            l_sum += c->slot_load[s];
        }
    }
    if (t_sum > 0) {
        cpu = u_sum / t_sum;
        l = l_sum / t_sum;
    } else {
        l = sim_cluster_load_at(c, t) / (c->n_ready > 0 ? c->n_ready : 1);
        cpu = sim_model_pod_cpu(m, l);
    }
    mem = sim_model_pod_mem(m, l);
    for (i = 0; i < c->n_pods; i++) {
        sim_pod *p = &c->pods[i];
        double pc, pm;
        /* metrics-server needs two scrapes of a running container */
        if (p->running == SIM_NEVER || p->running > t - win || p->gone <= t) {
            p->has_sample = false;
            continue;
        }
        if (p->ready <= t && p->deleted == SIM_NEVER) {
            pc = cpu;
            pm = mem;
        } else {
            pc = m->cpu_baseline_m;
            pm = m->mem_baseline_b;
        }
        if (m->noise > 0) {
            pc *= 1 + gsl_ran_gaussian(c->rng, m->noise);
            pm *= 1 + gsl_ran_gaussian(c->rng, m->noise / 4);
            if (pc < 0)
                pc = 0;
            if (pc > (double)m->cpu_limit_m)
                pc = (double)m->cpu_limit_m;
            if (pm < 0)
                pm = 0;
        }
        p->has_sample = true;
        p->sample_t = t;
        p->sample_cpu_m = llround(pc);
        p->sample_mem_b = llround(pm);
    }
}

/* ---- the ctl_cluster_ops ------------------------------------------------- */

static int ensure_snap(sim_cluster *c, size_t n)
{
    if (n <= c->snap_cap)
        return 0;
    {
        size_t nc = n * 2;
        hpa_pod *a = realloc(c->snap_pods, nc * sizeof(*a));
        hpa_pod_metrics *b;
        hpa_container_metrics *d;
        hpa_resource *u;
        if (!a)
            return -1;
        c->snap_pods = a;
        b = realloc(c->snap_pm, nc * sizeof(*b));
        if (!b)
            return -1;
        c->snap_pm = b;
        d = realloc(c->snap_cm, nc * sizeof(*d));
        if (!d)
            return -1;
        c->snap_cm = d;
        u = realloc(c->snap_usage, nc * 2 * sizeof(*u));
        if (!u)
            return -1;
        c->snap_usage = u;
        c->snap_cap = nc;
    }
    return 0;
}

static void op_fetch(void *cluster, const hpa_spec *hpa, hpa_time_t now,
                     ctl_fetch_cb cb, void *arg)
{
    sim_cluster *c = cluster;
    sim_ms t = now - c->epoch;
    hpa_snapshot *s = &c->snap;
    size_t i, np = 0, nm = 0;
    hpa_err e;

    c->now = t;
    if (ensure_snap(c, c->n_pods + 1)) {
        hpa_err_set(&e, HPA_ENOMEM, NULL, "out of memory building the snapshot");
        c->oom = true;
        cb(arg, NULL, &e);
        return;
    }
    for (i = 0; i < c->n_pods; i++) {
        const sim_pod *p = &c->pods[i];
        hpa_pod *o = &c->snap_pods[np++];
        memset(o, 0, sizeof(*o));
        o->name = p->name;
        o->namespace_ = c->m->namespace_;
        o->labels.n = 1;
        o->labels.items = &c->label;
        o->deleting = p->deleted <= t;
        o->phase = p->running <= t ? HPA_POD_RUNNING : HPA_POD_PENDING;
        o->has_start_time = p->bound <= t;
        /* kubelet sets startTime when it accepts the pod */
        o->start_time = o->has_start_time ? c->epoch + p->bound : 0;
        if (p->bound > t) {
            o->ready = HPA_COND_ABSENT;
        } else if (p->ready <= t && !o->deleting) {
            o->ready = HPA_COND_TRUE;
            o->ready_transition = c->epoch + p->ready;
        } else if (p->ready <= t) {
            /* terminating: the endpoints controller sees it unready */
            o->ready = HPA_COND_FALSE;
            o->ready_transition = c->epoch + p->deleted;
        } else {
            o->ready = HPA_COND_FALSE;
            o->ready_transition = c->epoch + p->bound;
        }
        o->n_containers = 1;
        o->containers = &c->container;
        if (p->has_sample) {
            hpa_pod_metrics *pm = &c->snap_pm[nm];
            hpa_container_metrics *cm = &c->snap_cm[nm];
            hpa_resource *u = &c->snap_usage[2 * nm];
            u[0].name = "cpu";
            u[0].milli = p->sample_cpu_m;
            u[1].name = "memory";
            u[1].milli = p->sample_mem_b * 1000;
            cm->name = "app";
            cm->usage.n = 2;
            cm->usage.items = u;
            pm->name = p->name;
            pm->timestamp = c->epoch + p->sample_t;
            pm->window = s2ms(c->m->metrics_window_s);
            pm->n_containers = 1;
            pm->containers = cm;
            nm++;
        }
    }
    memset(s, 0, sizeof(*s));
    s->now = now;
    s->hpa = hpa;
    s->scale.spec_replicas = c->replicas;
    s->scale.status_replicas = c->n_alive;
    s->scale.selector = c->selector;
    snprintf(c->rv_str, sizeof(c->rv_str), "%llu", (unsigned long long)c->rv);
    s->scale.resource_version = c->rv_str;
    s->n_pods = np;
    s->pods = c->snap_pods;
    s->has_pod_metrics = true;
    s->n_pod_metrics = nm;
    s->pod_metrics = c->snap_pm;
    cb(arg, s, NULL);
}

static void op_set_replicas(void *cluster, const hpa_spec *hpa, int32_t replicas,
                            const char *resource_version, hpa_time_t now,
                            ctl_done_cb cb, void *arg)
{
    sim_cluster *c = cluster;
    sim_ms t = now - c->epoch;
    char cur[24];
    hpa_err e;
    int32_t from = c->replicas;

    (void)hpa;
    snprintf(cur, sizeof(cur), "%llu", (unsigned long long)c->rv);
    if (resource_version && strcmp(resource_version, cur)) {
        hpa_err_set(&e, HPA_EAPI, NULL,
                    "Operation cannot be fulfilled on deployments.apps \"%s\": the object has been modified",
                    c->m->name);
        cb(arg, &e);
        return;
    }
    if (replicas < 0) {
        hpa_err_set(&e, HPA_EINVAL, "spec.replicas", "replicas must not be negative");
        cb(arg, &e);
        return;
    }
    if (c->n_events == c->cap_events) {
        size_t nc = c->cap_events ? c->cap_events * 2 : 64;
        sim_scale_event *ne = realloc(c->events, nc * sizeof(*ne));
        if (!ne) {
            c->oom = true;
            hpa_err_set(&e, HPA_ENOMEM, NULL, "out of memory recording a scale event");
            cb(arg, &e);
            return;
        }
        c->events = ne;
        c->cap_events = nc;
    }
    c->events[c->n_events].t = t;
    c->events[c->n_events].from = from;
    c->events[c->n_events].to = replicas;
    c->n_events++;
    c->replicas = replicas;
    c->rv++;
    /* the Deployment and ReplicaSet controllers act at once */
    if (replicas > c->n_alive) {
        int32_t k = replicas - c->n_alive;
        while (k-- > 0)
            if (add_pod(c, t) != HPA_OK) {
                c->oom = true;
                break;
            }
    } else if (replicas < c->n_alive) {
        delete_pods(c, c->n_alive - replicas, t);
    }
    sim_cluster_transitions(c, t);
    cb(arg, NULL);
}

static void op_write_status(void *cluster, const hpa_spec *hpa, const ctl_status *st,
                            ctl_done_cb cb, void *arg)
{
    sim_cluster *c = cluster;
    size_t i;

    (void)hpa;
    c->status_desired = st->desired_replicas;
    if (st->metrics_computed) {
        c->has_util_seen = false;
        for (i = 0; i < st->n_metrics; i++) {
            const hpa_metric_status *ms = &st->metrics[i];
            if (ms->type == HPA_METRIC_RESOURCE && ms->spec && ms->spec->resource &&
                !strcmp(ms->spec->resource, "cpu") && ms->has_average_utilization) {
                c->has_util_seen = true;
                c->util_seen = ms->average_utilization;
                break;
            }
        }
    }
    cb(arg, NULL);
}

static void op_record_event(void *cluster, const hpa_spec *hpa, hpa_time_t now,
                            const char *type, const char *reason, const char *message)
{
    sim_cluster *c = cluster;

    (void)hpa;
    (void)now;
    (void)type;
    (void)reason;
    (void)message;
    c->n_k8s_events++;
}

const ctl_cluster_ops sim_cluster_ops = {
    op_fetch,
    op_set_replicas,
    op_write_status,
    op_record_event,
};
