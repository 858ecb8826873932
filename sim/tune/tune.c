/* tune.c - the tuner's search (see tune.h). */
#include "tune/tune.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_vector.h>

#include "fleet.h"

/* Share of the budget for the space-filling start and for Nelder-Mead;
 * the coordinate search gets the rest. */
#define START_SHARE 0.4
#define NM_SHARE 0.55
#define NM_MAX_STARTS 4
#define PENALTY_STEP 10.0
#define PENALTY_SLOPE 100.0
#define NM_UNEVALUATED 1e9

void tune_result_free(tune_result *r)
{
    if (!r)
        return;
    free(r->c);
    r->c = NULL;
    r->n = r->cap = 0;
}

/* ---- judging ------------------------------------------------------------------- */

void tune_combine(sim_summary *acc, const sim_summary *s, bool first)
{
    sim_summary a;

    if (first) {
        *acc = *s;
        return;
    }
    a = *acc;
    acc->duration_s = a.duration_s + s->duration_s;
    acc->pod_seconds = a.pod_seconds + s->pod_seconds;
    acc->pod_hours = a.pod_hours + s->pod_hours;
    acc->overload_seconds = a.overload_seconds + s->overload_seconds;
    acc->requests = a.requests + s->requests;
    if (acc->requests > 0) {
        acc->unserved_fraction = (a.unserved_fraction * a.requests + s->unserved_fraction * s->requests) / acc->requests;
        acc->resp_mean = (a.resp_mean * a.requests + s->resp_mean * s->requests) / acc->requests;
    }
    if (acc->duration_s > 0)
        acc->util_mean = (a.util_mean * a.duration_s + s->util_mean * s->duration_s) / acc->duration_s;
    /* quantiles of the union are not kept: the worst span's stands for it */
    acc->util_p50 = fmax(a.util_p50, s->util_p50);
    acc->util_p95 = fmax(a.util_p95, s->util_p95);
    acc->util_p99 = fmax(a.util_p99, s->util_p99);
    acc->resp_p95 = fmax(a.resp_p95, s->resp_p95);
    acc->scale_ups = a.scale_ups + s->scale_ups;
    acc->scale_downs = a.scale_downs + s->scale_downs;
    acc->flaps = a.flaps + s->flaps;
    acc->min_replicas = a.min_replicas < s->min_replicas ? a.min_replicas : s->min_replicas;
    acc->max_replicas = a.max_replicas > s->max_replicas ? a.max_replicas : s->max_replicas;
    acc->reactions = a.reactions + s->reactions;
    acc->reaction_seconds = acc->reactions
                                ? (a.reaction_seconds * a.reactions + s->reaction_seconds * s->reactions) / acc->reactions
                                : 0;
    acc->syncs = a.syncs + s->syncs;
}

void tune_judge(const tune_problem *p, const sim_summary *s, const sim_summary *base, double *obj,
                double *viol)
{
    size_t i;
    double v = 0;

    *obj = tune_expr_eval(&p->objective, s, base);
    if (isnan(*obj))
        *obj = INFINITY;
    for (i = 0; i < p->n_cons; i++)
        v += tune_constraint_violation(&p->cons[i], s, base);
    *viol = v;
}

bool tune_better(const tune_cand *a, size_t ia, const tune_cand *b, size_t ib)
{
    bool fa = a->viol <= 0, fb = b->viol <= 0;

    if (fa != fb)
        return fa;
    if (!fa && a->viol != b->viol)
        return a->viol < b->viol;
    if (a->obj != b->obj)
        return a->obj < b->obj;
    return ia < ib;
}

static double penalized(const tune_cand *c, double scale)
{
    return c->obj / scale + (c->viol > 0 ? PENALTY_STEP + PENALTY_SLOPE * c->viol : 0);
}

/* ---- evaluation ------------------------------------------------------------------ */

static uint64_t span_seed(const tune_problem *p, size_t j)
{
    return sim_fleet_seed(p->seed, j);
}

static hpa_errcode eval_spec(const tune_problem *p, const hpa_spec *spec, const sim_series *spans,
                             size_t n, sim_summary *out, hpa_err *e)
{
    size_t j;

    memset(out, 0, sizeof(*out));
    for (j = 0; j < n; j++) {
        sim_result res;
        hpa_errcode rc = sim_run(spec, p->model, &spans[j], span_seed(p, j), false, &res, e);
        if (rc != HPA_OK)
            return rc;
        tune_combine(out, &res.sum, j == 0);
        sim_result_free(&res);
    }
    return HPA_OK;
}

static hpa_errcode eval_point(const tune_problem *p, tune_specbuf *sb, const tune_result *r,
                              tune_cand *c, hpa_err *e)
{
    hpa_errcode rc;

    tune_specbuf_apply(sb, &p->space, c->x);
    rc = eval_spec(p, &sb->spec, p->tune, p->n_tune, &c->sum, e);
    if (rc != HPA_OK)
        return rc;
    tune_judge(p, &c->sum, &r->base_tune, &c->obj, &c->viol);
    c->done = true;
    return HPA_OK;
}

/* A pool of workers, each with its own policy buffer (sim_run keeps all
 * the rest of its state on its own). Task i's outcome lands in slot i. */
typedef struct pool {
    pthread_mutex_t mu;
    size_t next, n;
    const tune_problem *p;
    void (*fn)(struct pool *pl, size_t i, tune_specbuf *sb);
    void *arg;
    hpa_errcode *rc;
    hpa_err *err;
} pool;

static void *pool_worker(void *arg)
{
    pool *pl = arg;
    tune_specbuf sb;
    hpa_err e;
    bool ok;

    hpa_err_clear(&e);
    ok = tune_specbuf_init(&sb, pl->p->base, &pl->p->model->opts, &e) == HPA_OK;
    for (;;) {
        size_t i;
        pthread_mutex_lock(&pl->mu);
        i = pl->next++;
        pthread_mutex_unlock(&pl->mu);
        if (i >= pl->n)
            break;
        if (!ok) {
            pl->rc[i] = HPA_ENOMEM;
            pl->err[i] = e;
            continue;
        }
        pl->fn(pl, i, &sb);
    }
    if (ok)
        tune_specbuf_free(&sb);
    return NULL;
}

static int pool_threads(const tune_problem *p, size_t n)
{
    int t = p->threads > 0 ? p->threads : sim_fleet_cpus();

    if ((size_t)t > n)
        t = (int)n;
    return t < 1 ? 1 : t;
}

static hpa_errcode pool_run(const tune_problem *p, size_t n, void (*fn)(pool *, size_t, tune_specbuf *),
                            void *arg, hpa_err *e)
{
    pool pl;
    pthread_t *tid = NULL;
    int t, started = 0, threads = pool_threads(p, n);
    size_t i;
    hpa_errcode rc = HPA_OK;

    if (n == 0)
        return HPA_OK;
    memset(&pl, 0, sizeof(pl));
    pl.n = n;
    pl.p = p;
    pl.fn = fn;
    pl.arg = arg;
    pl.rc = calloc(n, sizeof(*pl.rc));
    pl.err = calloc(n, sizeof(*pl.err));
    if (!pl.rc || !pl.err || pthread_mutex_init(&pl.mu, NULL) != 0) {
        free(pl.rc);
        free(pl.err);
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory starting the workers");
    }
    if (threads > 1 && (tid = calloc((size_t)threads, sizeof(*tid))) != NULL)
        for (t = 0; t < threads; t++)
            if (pthread_create(&tid[started], NULL, pool_worker, &pl) == 0)
                started++;
    if (started == 0)
        pool_worker(&pl);
    for (t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    pthread_mutex_destroy(&pl.mu);
    for (i = 0; i < n; i++)
        if (pl.rc[i] != HPA_OK) {
            if (e)
                *e = pl.err[i];
            rc = pl.rc[i];
            break;
        }
    free(tid);
    free(pl.rc);
    free(pl.err);
    return rc;
}

typedef struct batch {
    const tune_result *r;
    tune_cand *c;
    size_t *which;
} batch;

static void batch_task(pool *pl, size_t i, tune_specbuf *sb)
{
    batch *b = pl->arg;

    pl->rc[i] = eval_point(pl->p, sb, b->r, &b->c[b->which[i]], &pl->err[i]);
}

/* Evaluate every candidate of c[0..n) that is not done. */
static hpa_errcode eval_batch(const tune_problem *p, const tune_result *r, tune_cand *c, size_t n,
                              size_t *simulated, hpa_err *e)
{
    batch b = {r, c, NULL};
    size_t i, m = 0;
    hpa_errcode rc;

    b.which = calloc(n ? n : 1, sizeof(size_t));
    if (!b.which)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    for (i = 0; i < n; i++)
        if (!c[i].done)
            b.which[m++] = i;
    rc = pool_run(p, m, batch_task, &b, e);
    free(b.which);
    if (rc == HPA_OK && simulated)
        *simulated += m;
    return rc;
}

/* ---- the candidate list ------------------------------------------------------------ */

static bool same_point(const tune_problem *p, const double *a, const double *b)
{
    return memcmp(a, b, p->space.n * sizeof(double)) == 0;
}

static long find_point(const tune_problem *p, const tune_cand *c, size_t n, const double *x)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (same_point(p, c[i].x, x))
            return (long)i;
    return -1;
}

static hpa_errcode push(tune_result *r, const tune_cand *c, hpa_err *e)
{
    if (r->n == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 256;
        tune_cand *nr = realloc(r->c, nc * sizeof(*nr));
        if (!nr)
            return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
        r->c = nr;
        r->cap = nc;
    }
    r->c[r->n++] = *c;
    return HPA_OK;
}

static size_t best_of(const tune_cand *c, size_t n)
{
    size_t i, b = 0;

    for (i = 1; i < n; i++)
        if (tune_better(&c[i], i, &c[b], b))
            b = i;
    return b;
}

/* ---- stage 1: the space-filling start ------------------------------------------------- */

size_t tune_start_count(const tune_problem *p)
{
    size_t d = p->space.n_free, n;

    if (p->budget <= 1 || d == 0)
        return 1;
    n = (size_t)ceil(START_SHARE * (double)p->budget);
    if (n < d + 2)
        n = d + 2;
    if (n > p->budget)
        n = p->budget;
    return n;
}

/* Start points: the base, then a Latin hypercube of n - 1 points. A point
 * that rounds onto an earlier one is redrawn (uniformly) a few times, then
 * dropped; returns the number of points kept through *kept. */
static hpa_errcode start_points(const tune_problem *p, double *x, size_t n, size_t *kept, hpa_err *e)
{
    size_t d = p->space.n_free, m = n > 1 ? n - 1 : 0, i, k, out = 0;
    size_t *perm = NULL;
    double *u = NULL, ui[TUNE_MAX_PARAMS];
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    hpa_errcode rc = HPA_OK;

    if (!rng)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    gsl_rng_set(rng, (unsigned long)(p->seed ^ 0x7475E5ULL));
    tune_space_base_point(&p->space, x);
    out = 1;
    if (m == 0 || d == 0)
        goto done;
    perm = malloc(m * sizeof(*perm));
    u = malloc(m * d * sizeof(*u));
    if (!perm || !u) {
        rc = hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
        goto done;
    }
    for (k = 0; k < d; k++) {
        for (i = 0; i < m; i++)
            perm[i] = i;
        gsl_ran_shuffle(rng, perm, m, sizeof(size_t));
        for (i = 0; i < m; i++)
            u[i * d + k] = ((double)perm[i] + gsl_rng_uniform(rng)) / (double)m;
    }
    for (i = 0; i < m; i++) {
        double *xi = x + out * TUNE_MAX_PARAMS;
        int tries;
        bool dup = true;
        memcpy(ui, u + i * d, d * sizeof(double));
        for (tries = 0; tries < 8 && dup; tries++) {
            size_t j;
            if (tries > 0)
                for (k = 0; k < d; k++)
                    ui[k] = gsl_rng_uniform(rng);
            tune_space_from_unit(&p->space, ui, xi);
            dup = false;
            for (j = 0; j < out && !dup; j++)
                dup = same_point(p, x + j * TUNE_MAX_PARAMS, xi);
        }
        if (!dup)
            out++;
    }
done:
    *kept = out;
    free(perm);
    free(u);
    gsl_rng_free(rng);
    return rc;
}

hpa_errcode tune_start_points(const tune_problem *p, double *x, size_t n, hpa_err *e)
{
    size_t kept;
    hpa_errcode rc = start_points(p, x, n, &kept, e);

    /* dropped duplicates leave the tail as copies of the base point */
    for (; rc == HPA_OK && kept < n; kept++)
        memcpy(x + kept * TUNE_MAX_PARAMS, x, TUNE_MAX_PARAMS * sizeof(double));
    return rc;
}

static hpa_errcode make_starts(const tune_problem *p, tune_result *r, hpa_err *e)
{
    size_t n = tune_start_count(p), kept = 0, i;
    double *x = calloc(n * TUNE_MAX_PARAMS, sizeof(double));
    hpa_errcode rc;

    if (!x)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    rc = start_points(p, x, n, &kept, e);
    for (i = 0; rc == HPA_OK && i < kept; i++) {
        tune_cand c;
        memset(&c, 0, sizeof(c));
        memcpy(c.x, x + i * TUNE_MAX_PARAMS, sizeof(c.x));
        c.stage = TUNE_STAGE_START;
        rc = push(r, &c, e);
    }
    r->n_start = r->n;
    free(x);
    return rc;
}

/* ---- references ---------------------------------------------------------------------- */

hpa_errcode tune_references(const tune_problem *p, tune_result *r, hpa_err *e)
{
    sim_job *jobs;
    size_t nj = 0, j, spans = p->n_tune + p->n_val, set;
    const hpa_spec *specs[2] = {p->base, p->deflt};
    size_t nspec = p->deflt ? 2 : 1;
    hpa_errcode rc;

    jobs = calloc(2 * spans, sizeof(*jobs));
    if (!jobs)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    for (set = 0; set < nspec; set++)
        for (j = 0; j < spans; j++) {
            sim_job *jb = &jobs[nj++];
            jb->spec = specs[set];
            jb->model = p->model;
            jb->load = j < p->n_tune ? &p->tune[j] : &p->val[j - p->n_tune];
            jb->seed = span_seed(p, j < p->n_tune ? j : j - p->n_tune);
        }
    rc = sim_fleet_run(jobs, nj, p->threads, e);
    if (rc == HPA_OK) {
        for (set = 0; set < nspec; set++) {
            sim_summary *tu = set ? &r->def_tune : &r->base_tune, *va = set ? &r->def_val : &r->base_val;
            memset(va, 0, sizeof(*va));
            for (j = 0; j < spans; j++) {
                const sim_summary *s = &jobs[set * spans + j].res.sum;
                if (j < p->n_tune)
                    tune_combine(tu, s, j == 0);
                else
                    tune_combine(va, s, j == p->n_tune);
            }
        }
        r->has_default = p->deflt != NULL;
        r->has_val = p->n_val > 0;
        tune_judge(p, &r->base_tune, &r->base_tune, &r->base_obj_tune, &(double){0});
        tune_judge(p, &r->base_val, &r->base_val, &r->base_obj_val, &(double){0});
        if (p->deflt) {
            tune_judge(p, &r->def_tune, &r->base_tune, &r->def_obj_tune, &r->def_viol_tune);
            tune_judge(p, &r->def_val, &r->base_val, &r->def_obj_val, &r->def_viol_val);
        }
    }
    for (j = 0; j < nj; j++)
        sim_result_free(&jobs[j].res);
    free(jobs);
    return rc;
}

hpa_errcode tune_run_starts(const tune_problem *p, size_t k, size_t n, tune_result *r, hpa_err *e)
{
    size_t i;
    hpa_errcode rc;

    if (n == 0 || k >= n)
        return hpa_err_set(e, HPA_EINVAL, "--shard", "shard %zu of %zu does not exist", k, n);
    if ((rc = make_starts(p, r, e)) != HPA_OK)
        return rc;
    /* the other shards' points: mark them done so that they are skipped,
     * then clear the mark */
    for (i = 0; i < r->n; i++)
        r->c[i].done = i % n != k;
    rc = eval_batch(p, r, r->c, r->n, &r->sims, e);
    for (i = 0; i < r->n; i++)
        if (i % n != k)
            r->c[i].done = false;
    return rc;
}

/* ---- stage 2: Nelder-Mead --------------------------------------------------------------- */

typedef struct nm_inst {
    const tune_problem *p;
    const tune_result *r;       /* read-only during the stage */
    tune_specbuf *sb;
    double u0[TUNE_MAX_PARAMS];
    size_t budget, sims;
    tune_cand *own;
    size_t n_own, cap_own;
    double scale;
    hpa_errcode rc;
    hpa_err err;
} nm_inst;

static double nm_f(const gsl_vector *v, void *arg)
{
    nm_inst *in = arg;
    const tune_problem *p = in->p;
    double u[TUNE_MAX_PARAMS];
    tune_cand c;
    size_t k;
    long at;

    for (k = 0; k < p->space.n_free; k++)
        u[k] = gsl_vector_get(v, k);
    memset(&c, 0, sizeof(c));
    tune_space_from_unit(&p->space, u, c.x);
    /* leaving the cube costs a little, so that the simplex comes back */
    {
        double out = 0;
        for (k = 0; k < p->space.n_free; k++)
            out += u[k] < 0 ? -u[k] : u[k] > 1 ? u[k] - 1 : 0;
        if ((at = find_point(p, in->r->c, in->r->n, c.x)) >= 0)
            return penalized(&in->r->c[at], in->scale) + out;
        if ((at = find_point(p, in->own, in->n_own, c.x)) >= 0)
            return penalized(&in->own[at], in->scale) + out;
        if (in->rc != HPA_OK || in->sims >= in->budget)
            return NM_UNEVALUATED;
        c.stage = TUNE_STAGE_NM;
        in->rc = eval_point(p, in->sb, in->r, &c, &in->err);
        if (in->rc != HPA_OK)
            return NM_UNEVALUATED;
        in->sims++;
        if (in->n_own == in->cap_own) {
            size_t nc = in->cap_own ? in->cap_own * 2 : 64;
            tune_cand *no = realloc(in->own, nc * sizeof(*no));
            if (!no) {
                in->rc = hpa_err_set(&in->err, HPA_ENOMEM, NULL, "out of memory");
                return NM_UNEVALUATED;
            }
            in->own = no;
            in->cap_own = nc;
        }
        in->own[in->n_own++] = c;
        return penalized(&c, in->scale) + out;
    }
}

static void nm_task(pool *pl, size_t i, tune_specbuf *sb)
{
    nm_inst *in = &((nm_inst *)pl->arg)[i];
    const tune_problem *p = in->p;
    size_t d = p->space.n_free, k;
    static const double steps[] = {0.25, 0.12, 0.06, 0.03};
    gsl_multimin_fminimizer *s = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, d);
    gsl_vector *x0 = gsl_vector_alloc(d), *st = gsl_vector_alloc(d);
    gsl_multimin_function fn;
    size_t restart;

    in->sb = sb;
    if (!s || !x0 || !st) {
        in->rc = hpa_err_set(&in->err, HPA_ENOMEM, NULL, "out of memory");
        goto out;
    }
    fn.n = d;
    fn.f = nm_f;
    fn.params = in;
    for (restart = 0; restart < sizeof(steps) / sizeof(steps[0]); restart++) {
        size_t iter, before = in->sims;
        if (in->sims >= in->budget || in->rc != HPA_OK)
            break;
        for (k = 0; k < d; k++) {
            gsl_vector_set(x0, k, in->u0[k]);
            gsl_vector_set(st, k, steps[restart]);
        }
        if (gsl_multimin_fminimizer_set(s, &fn, x0, st) != GSL_SUCCESS)
            break;
        for (iter = 0; iter < 40 * (d + 1); iter++) {
            if (in->sims >= in->budget || in->rc != HPA_OK)
                break;
            if (gsl_multimin_fminimizer_iterate(s) != GSL_SUCCESS)
                break;
            if (gsl_multimin_fminimizer_size(s) < 1e-3)
                break;
        }
        /* restart from the best point, with a smaller simplex */
        {
            gsl_vector *bx = gsl_multimin_fminimizer_x(s);
            for (k = 0; k < d; k++) {
                double v = gsl_vector_get(bx, k);
                in->u0[k] = v < 0 ? 0 : v > 1 ? 1 : v;
            }
        }
        (void)before;
    }
out:
    gsl_vector_free(x0);
    gsl_vector_free(st);
    if (s)
        gsl_multimin_fminimizer_free(s);
    pl->rc[i] = in->rc;
    pl->err[i] = in->err;
    in->sb = NULL;
}

/* Indices of the best `want` candidates, in rank order. */
static size_t top(const tune_result *r, size_t want, size_t *out)
{
    size_t n = 0, i, j;

    for (i = 0; i < r->n; i++) {
        size_t pos = n;
        while (pos > 0 && tune_better(&r->c[i], i, &r->c[out[pos - 1]], out[pos - 1]))
            pos--;
        if (pos >= want)
            continue;
        if (n < want)
            n++;
        for (j = n - 1; j > pos; j--)
            out[j] = out[j - 1];
        out[pos] = i;
    }
    return n;
}

static hpa_errcode stage_nm(const tune_problem *p, tune_result *r, size_t budget, hpa_err *e)
{
    size_t k, i, starts, idx[NM_MAX_STARTS];
    nm_inst in[NM_MAX_STARTS];
    hpa_errcode rc = HPA_OK;
    gsl_error_handler_t *old;

    if (p->space.n_free == 0 || budget == 0)
        return HPA_OK;
    starts = budget / (4 * (p->space.n_free + 1));
    if (starts < 1)
        starts = 1;
    if (starts > NM_MAX_STARTS)
        starts = NM_MAX_STARTS;
    starts = top(r, starts, idx);
    memset(in, 0, sizeof(in));
    for (k = 0; k < starts; k++) {
        in[k].p = p;
        in[k].r = r;
        in[k].budget = budget / starts + (k < budget % starts ? 1 : 0);
        in[k].scale = fabs(r->base_obj_tune) > 1e-12 ? fabs(r->base_obj_tune) : 1;
        tune_space_to_unit(&p->space, r->c[idx[k]].x, in[k].u0);
    }
    old = gsl_set_error_handler_off();
    rc = pool_run(p, starts, nm_task, in, e);
    gsl_set_error_handler(old);
    /* the instances' points, instance by instance: the order does not
     * depend on which thread ran what */
    for (k = 0; k < starts; k++) {
        r->sims += in[k].sims;
        for (i = 0; rc == HPA_OK && i < in[k].n_own; i++)
            if (find_point(p, r->c, r->n, in[k].own[i].x) < 0)
                rc = push(r, &in[k].own[i], e);
        free(in[k].own);
    }
    return rc;
}

/* ---- stage 3: coordinate search ------------------------------------------------------------ */

/* nb[m] := the point `x` with parameter `pi` set to `v`, snapped to the
 * grid; true when that point is new (neither evaluated nor among nb[0..m)). */
static bool neighbour(const tune_problem *p, const tune_result *r, const double *x, size_t pi, double v,
                      tune_cand *nb, size_t m)
{
    tune_cand *c1 = &nb[m];

    memset(c1, 0, sizeof(*c1));
    memcpy(c1->x, x, sizeof(c1->x));
    c1->x[pi] = v;
    tune_space_snap(&p->space, c1->x);
    c1->stage = TUNE_STAGE_COORD;
    return find_point(p, r->c, r->n, c1->x) < 0 && find_point(p, nb, m, c1->x) < 0;
}

static hpa_errcode stage_coord(const tune_problem *p, tune_result *r, size_t budget, hpa_err *e)
{
    const tune_space *s = &p->space;
    double delta[TUNE_MAX_PARAMS];
    size_t k, cur = best_of(r->c, r->n), used = 0;
    tune_cand *nb = NULL;
    hpa_errcode rc = HPA_OK;

    if (s->n_free == 0 || budget == 0)
        return HPA_OK;
    nb = calloc(2 * TUNE_MAX_PARAMS + 4 * TUNE_MAX_PARAMS, sizeof(*nb));
    if (!nb)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    for (k = 0; k < s->n_free; k++) {
        const tune_param *pp = &s->p[s->free_idx[k]];
        double st = pp->step > 0 ? pp->step : (pp->hi - pp->lo) / 64;
        delta[k] = pp->type == TUNE_CAT ? 1 : fmax(st, st * floor((pp->hi - pp->lo) / 8 / st));
    }
    while (used < budget) {
        size_t m = 0, j, before = r->n;
        bool finest = true;
        for (k = 0; k < s->n_free && m < budget - used; k++) {
            size_t pi = s->free_idx[k];
            const tune_param *pp = &s->p[pi];
            int dirn;
            if (pp->type == TUNE_CAT) {
                int c;
                for (c = 0; c < pp->ncat && m < budget - used; c++)
                    if (pp->cat[c] != (int)r->c[cur].x[pi] && neighbour(p, r, r->c[cur].x, pi, pp->cat[c], nb, m))
                        m++;
                continue;
            }
            if (delta[k] > (pp->step > 0 ? pp->step : 0) + 1e-12)
                finest = false;
            for (dirn = -1; dirn <= 1 && m < budget - used; dirn += 2) {
                double v = r->c[cur].x[pi] + dirn * delta[k];
                if (!(v < pp->lo || v > pp->hi) && neighbour(p, r, r->c[cur].x, pi, v, nb, m))
                    m++;
            }
        }
        if (m > 0) {
            if ((rc = eval_batch(p, r, nb, m, &r->sims, e)) != HPA_OK)
                break;
            used += m;
            for (j = 0; j < m; j++)
                if ((rc = push(r, &nb[j], e)) != HPA_OK)
                    goto out;
        }
        {
            size_t b = cur;
            for (j = before; j < r->n; j++)
                if (tune_better(&r->c[j], j, &r->c[b], b))
                    b = j;
            if (b != cur) {
                cur = b;
                continue;
            }
        }
        if (finest)
            break;
        for (k = 0; k < s->n_free; k++) {
            const tune_param *pp = &s->p[s->free_idx[k]];
            double st = pp->step > 0 ? pp->step : (pp->hi - pp->lo) / 64;
            if (pp->type != TUNE_CAT)
                delta[k] = fmax(st, st * floor(delta[k] / 2 / st));
        }
    }
out:
    free(nb);
    return rc;
}

/* ---- the whole search ---------------------------------------------------------------------- */

static void warn(tune_result *r, const char *fmt, double a, double b, double c)
{
    if (r->n_warn >= TUNE_MAX_WARNINGS)
        return;
    snprintf(r->warn[r->n_warn++], sizeof(r->warn[0]), fmt, a, b, c);
}

static hpa_errcode validate_best(const tune_problem *p, tune_result *r, hpa_err *e)
{
    tune_specbuf sb;
    hpa_errcode rc;
    const tune_cand *b = &r->c[r->best];
    double gain_tune, gain_val;

    if (p->n_val == 0)
        return HPA_OK;
    if ((rc = tune_specbuf_init(&sb, p->base, &p->model->opts, e)) != HPA_OK)
        return rc;
    tune_specbuf_apply(&sb, &p->space, b->x);
    rc = eval_spec(p, &sb.spec, p->val, p->n_val, &r->best_val, e);
    tune_specbuf_free(&sb);
    if (rc != HPA_OK)
        return rc;
    tune_judge(p, &r->best_val, &r->base_val, &r->best_obj_val, &r->best_viol_val);
    /* gains relative to the base, so that spans of different length compare */
    gain_tune = (r->base_obj_tune - b->obj) / (fabs(r->base_obj_tune) > 1e-12 ? fabs(r->base_obj_tune) : 1);
    gain_val = (r->base_obj_val - r->best_obj_val) / (fabs(r->base_obj_val) > 1e-12 ? fabs(r->base_obj_val) : 1);
    if (gain_tune > 0 && gain_val <= 0)
        warn(r, "validation loses what tuning gained: the objective improved by %.1f %% on the tuning span "
                "but changed by %+.1f %% on the validation span",
             100 * gain_tune, -100 * gain_val, 0);
    else if (gain_tune > 0 && gain_val < 0.5 * gain_tune)
        warn(r, "validation keeps only part of the tuning gain: %.1f %% better on the tuning span, %.1f %% on "
                "the validation span (%.0f %% of the gain)",
             100 * gain_tune, 100 * gain_val, 100 * gain_val / gain_tune);
    if (r->best_viol_val > 0 && r->n_warn < TUNE_MAX_WARNINGS)
        snprintf(r->warn[r->n_warn++], sizeof(r->warn[0]),
                 "validation loses what tuning gained: the best policy breaks a constraint on the validation "
                 "span (relative violation %.4g; on the tuning span %.4g)",
                 r->best_viol_val, b->viol);
    return HPA_OK;
}

hpa_errcode tune_run(const tune_problem *p, const tune_cand *pre, size_t n_pre, tune_result *r,
                     hpa_err *e)
{
    size_t i, left;
    hpa_errcode rc;

    if ((rc = make_starts(p, r, e)) != HPA_OK)
        return rc;
    if (pre) {
        if (n_pre != r->n)
            return hpa_err_set(e, HPA_EINVAL, "shards",
                               "the shards hold %zu start points but this problem has %zu: they were made with "
                               "other options",
                               n_pre, r->n);
        for (i = 0; i < r->n; i++) {
            if (!pre[i].done)
                return hpa_err_set(e, HPA_EMISSING, "shards", "start point %zu was evaluated by no shard", i);
            if (!same_point(p, pre[i].x, r->c[i].x))
                return hpa_err_set(e, HPA_EINVAL, "shards",
                                   "start point %zu of the shards differs from this problem's: they were made "
                                   "with another seed, space or budget",
                                   i);
            r->c[i].sum = pre[i].sum;
            tune_judge(p, &r->c[i].sum, &r->base_tune, &r->c[i].obj, &r->c[i].viol);
            r->c[i].done = true;
        }
        r->sims += r->n;
    } else if ((rc = eval_batch(p, r, r->c, r->n, &r->sims, e)) != HPA_OK) {
        return rc;
    }
    left = p->budget > r->sims ? p->budget - r->sims : 0;
    if ((rc = stage_nm(p, r, (size_t)floor(NM_SHARE / (1 - START_SHARE) * (double)left), e)) != HPA_OK)
        return rc;
    left = p->budget > r->sims ? p->budget - r->sims : 0;
    if ((rc = stage_coord(p, r, left, e)) != HPA_OK)
        return rc;
    r->best = best_of(r->c, r->n);
    r->feasible = r->c[r->best].viol <= 0;
    return validate_best(p, r, e);
}

/* ---- Pareto fronts ---------------------------------------------------------------------------- */

size_t tune_front(const tune_result *r, tune_figure slo, size_t *idx)
{
    size_t i, j, n = 0;

    for (i = 0; i < r->n; i++) {
        double hi = r->c[i].sum.pod_hours, si = tune_figure_get(&r->c[i].sum, slo);
        bool dominated = false;
        for (j = 0; j < r->n && !dominated; j++) {
            double hj = r->c[j].sum.pod_hours, sj = tune_figure_get(&r->c[j].sum, slo);
            if (j == i)
                continue;
            if (hj <= hi && sj <= si && (hj < hi || sj < si))
                dominated = true;
            else if (hj == hi && sj == si && j < i)
                dominated = true;   /* the same point twice: keep the first */
        }
        if (!dominated)
            idx[n++] = i;
    }
    /* insertion sort by podHours, then index */
    for (i = 1; i < n; i++) {
        size_t v = idx[i];
        for (j = i; j > 0; j--) {
            const tune_cand *a = &r->c[idx[j - 1]], *b = &r->c[v];
            if (a->sum.pod_hours < b->sum.pod_hours || (a->sum.pod_hours == b->sum.pod_hours && idx[j - 1] < v))
                break;
            idx[j] = idx[j - 1];
        }
        idx[j] = v;
    }
    return n;
}

hpa_errcode tune_policy_of(const tune_problem *p, const double *x, tune_specbuf *out, hpa_err *e)
{
    hpa_errcode rc = tune_specbuf_init(out, p->base, &p->model->opts, e);

    if (rc == HPA_OK)
        tune_specbuf_apply(out, &p->space, x);
    return rc;
}

hpa_errcode tune_split_series(const sim_series *in, double split, sim_series *head, sim_series *tail,
                              hpa_err *e)
{
    size_t k = (size_t)floor(split * (double)in->n + 0.5);

    memset(head, 0, sizeof(*head));
    memset(tail, 0, sizeof(*tail));
    if (k < 1 || k >= in->n)
        return hpa_err_set(e, HPA_EINVAL, "--validate-split",
                           "--validate-split %g leaves an empty span of the %zu-step trace", split, in->n);
    head->step_s = tail->step_s = in->step_s;
    head->n = k;
    tail->n = in->n - k;
    head->v = malloc(k * sizeof(double));
    tail->v = malloc(tail->n * sizeof(double));
    if (!head->v || !tail->v) {
        sim_series_free(head);
        sim_series_free(tail);
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    }
    memcpy(head->v, in->v, k * sizeof(double));
    memcpy(tail->v, in->v + k, tail->n * sizeof(double));
    head->epoch = in->epoch;
    tail->epoch = in->epoch + (hpa_time_t)llround((double)k * in->step_s * 1000.0);
    return HPA_OK;
}
