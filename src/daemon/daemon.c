/*
 * daemon.c - the live controller's loop: the HPA table and its timers,
 * leader election I/O, the health/metrics server, signals, --once.
 * See daemon.h and docs/operations.md.
 */
#include "daemon/daemon.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/http.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "codec/codec.h"
#include "daemon/daemon_int.h"
#include "daemon/dlog.h"
#include "daemon/statestore.h"

void daemon_opts_default(daemon_opts *o)
{
    memset(o, 0, sizeof(*o));
    o->sync_period = 15 * HPA_MS_PER_S;
    o->max_metric_age = 5 * 60 * HPA_MS_PER_S;
    o->lease_name = "hpa-engine";
    o->lease_duration = 15 * HPA_MS_PER_S;   /* client-go defaults */
    o->renew_deadline = 10 * HPA_MS_PER_S;
    o->retry_period = 2 * HPA_MS_PER_S;
    o->health_addr = "127.0.0.1:8080";
    o->request_timeout = 30 * HPA_MS_PER_S;  /* client-go's */
    o->qps = 20;
    o->burst = 40;
    o->state_store = DSTORE_AUTO;
    o->hpa_opts = hpa_options_default();
}

hpa_time_t dm_now_wall(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (hpa_time_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double dm_now_mono(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static hpa_time_t mono_ms(void)
{
    return (hpa_time_t)(dm_now_mono() * 1000);
}

static void tv_ms(struct timeval *tv, hpa_duration_t ms)
{
    if (ms < 0)
        ms = 0;
    tv->tv_sec = (time_t)(ms / 1000);
    tv->tv_usec = (suseconds_t)(ms % 1000) * 1000;
}

/* ---- the HPA table ----------------------------------------------------------- */

static size_t hash_key(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL;

    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return (size_t)(h % n);
}

dhpa *dm_find(dmn *d, const char *key)
{
    dhpa *h;

    if (!d->n_buckets)
        return NULL;
    for (h = d->buckets[hash_key(key, d->n_buckets)]; h; h = h->next)
        if (!strcmp(h->key, key))
            return h;
    return NULL;
}

static hpa_errcode table_grow(dmn *d)
{
    size_t n = d->n_buckets ? d->n_buckets * 4 : 1024, i;
    dhpa **b = calloc(n, sizeof(*b));

    if (!b)
        return HPA_ENOMEM;
    for (i = 0; i < d->n_buckets; i++) {
        dhpa *h = d->buckets[i], *next;

        for (; h; h = next) {
            size_t k = hash_key(h->key, n);

            next = h->next;
            h->next = b[k];
            b[k] = h;
        }
    }
    free(d->buckets);
    d->buckets = b;
    d->n_buckets = n;
    return HPA_OK;
}

static void table_unlink(dmn *d, dhpa *h)
{
    dhpa **pp = &d->buckets[hash_key(h->key, d->n_buckets)];

    for (; *pp; pp = &(*pp)->next)
        if (*pp == h) {
            *pp = h->next;
            d->n_hpas--;
            return;
        }
}

/* ---- sync slots ------------------------------------------------------------ */

/* Idle slots kept for reuse: a few dozen syncs are in flight at most at
 * 5,000 HPAs; more than this many idle ones go back to the heap. */
#define DSLOT_KEEP 32

static void slot_clear(dslot *s)
{
    json_decref(s->scale);
    s->scale = NULL;
    free(s->scale_path);
    s->scale_path = NULL;
}

static void slot_free(dslot *s)
{
    slot_clear(s);
    hpa_arena_free(&s->arena);
    hpa_workspace_free(&s->ws);
    free(s);
}

dslot *dm_slot_get(dmn *d)
{
    dslot *s = d->free_slots;

    if (s) {
        d->free_slots = s->next;
        d->n_free_slots--;
        s->next = NULL;
        return s;
    }
    if (!(s = calloc(1, sizeof(*s))))
        return NULL;
    hpa_arena_init(&s->arena);
    s->arena.chunk_size = 8192;
    hpa_workspace_init(&s->ws);
    return s;
}

void dm_slot_put(dmn *d, dslot *s)
{
    if (!s)
        return;
    slot_clear(s);
    if (d->n_free_slots >= DSLOT_KEEP) {
        slot_free(s);
        return;
    }
    /* the largest chunk stays: the next snapshot fits without malloc */
    hpa_arena_reset(&s->arena);
    s->next = d->free_slots;
    d->free_slots = s;
    d->n_free_slots++;
}

static void hpa_free(dhpa *h)
{
    if (h->timer)
        event_free(h->timer);
    if (h->ctl_ready)
        ctl_hpa_free(&h->ctl);
    if (h->slot)
        slot_free(h->slot);
    hpa_arena_free(&h->arena);
    json_decref(h->pending_obj);
    free(h->persisted);
    free(h->dump_path);
    free(h->last_event);
    free(h->mv);
    free(h->key);
    free(h->ns);
    free(h->name);
    free(h);
}

void dm_remove(dmn *d, dhpa *h)
{
    if (h->ctl_ready && h->ctl.busy) {
        h->removed = true;
        return;
    }
    table_unlink(d, h);
    hpa_free(h);
}

static void on_timer(evutil_socket_t fd, short what, void *arg);

static void schedule(dmn *d, dhpa *h, hpa_duration_t delay)
{
    struct timeval tv;

    if (d->stopping || !d->leading)
        return;
    tv_ms(&tv, delay);
    evtimer_add(h->timer, &tv);
}

static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t bytes_hash(const char *s, size_t n)
{
    uint64_t h = 1469598103934665603ULL ^ n;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    return mix64(h);
}

/* A 64-bit digest of a JSON value, independent of the order of object
 * keys (as json_equal), computed without allocating: the watch delivers
 * every HPA again after each status write, and only a changed spec is
 * parsed again. */
static uint64_t json_digest(const json_t *j)
{
    uint64_t h;
    size_t i;

    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        const char *k;
        const json_t *v;

        h = 0;
        /* a sum: the order of the keys does not matter */
        json_object_foreach((json_t *)j, k, v) {
            h += mix64(bytes_hash(k, strlen(k)) ^ json_digest(v) * 31);
        }
        return mix64(h ^ 0x6f626aULL ^ json_object_size(j));
    }
    case JSON_ARRAY:
        h = 0x617272ULL ^ json_array_size(j);
        for (i = 0; i < json_array_size(j); i++)
            h = mix64(h ^ json_digest(json_array_get(j, i)));
        return h;
    case JSON_STRING:
        return bytes_hash(json_string_value(j), json_string_length(j)) ^ 0x737472ULL;
    case JSON_INTEGER:
        return mix64((uint64_t)json_integer_value(j) ^ 0x696e74ULL);
    case JSON_REAL: {
        double r = json_real_value(j);
        uint64_t b;

        memcpy(&b, &r, sizeof(b));
        return mix64(b ^ 0x7265616cULL);
    }
    case JSON_TRUE:
        return 0x74727565ULL;
    case JSON_FALSE:
        return 0x66616c73ULL;
    default:
        return 0x6e756c6cULL;
    }
}

/* Two versions of an HPA whose specs have the same digest are the same
 * spec (a collision is a 2^-64 chance of missing one spec change until the
 * next one). A missing spec digests as null. */
static uint64_t spec_digest(const json_t *obj)
{
    return mix64(json_digest(json_object_get(obj, "spec")) + 1);
}

/* Everything an HPA keeps from its object, in `a`. */
static hpa_errcode parse_kept(const json_t *obj, hpa_arena *a, hpa_spec *spec,
                              const char **uid_out, hpa_err *e)
{
    const char *uid = json_string_value(json_object_get(json_object_get(obj, "metadata"), "uid"));

    if (hpa_codec_hpa_from_json(obj, a, spec, e) != HPA_OK)
        return e->code;
    *uid_out = uid ? hpa_arena_strdup(a, uid) : NULL;
    if (uid && !*uid_out)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    return HPA_OK;
}

/* Parse `obj` into an arena sized to fit (thousands of HPAs each keep
 * one); on success swap it into `h`. The arena is a bump allocator, so a
 * first parse between two probe allocations measures the bytes the spec
 * takes, and a second parse goes into one chunk of exactly that size. */
static hpa_errcode parse_into(dhpa *h, const json_t *obj, hpa_err *e)
{
    enum { PROBE_CHUNK = 64 * 1024 };
    hpa_arena a, fit;
    hpa_spec spec;
    const char *uid;
    unsigned char *p0, *p1;
    hpa_errcode rc;

    hpa_arena_init(&a);
    a.chunk_size = PROBE_CHUNK;
    p0 = hpa_arena_alloc(&a, 1);
    if (!p0) {
        hpa_arena_free(&a);
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    }
    if ((rc = parse_kept(obj, &a, &spec, &uid, e)) != HPA_OK) {
        hpa_arena_free(&a);
        return rc;
    }
    p1 = hpa_arena_alloc(&a, 1);
    if (p1 && p1 > p0 && (size_t)(p1 - p0) < PROBE_CHUNK) {
        hpa_arena_init(&fit);
        /* p0's own slot is not part of the spec */
        fit.chunk_size = (size_t)(p1 - p0) > 16 ? (size_t)(p1 - p0) - 16 : 16;
        if (parse_kept(obj, &fit, &spec, &uid, e) == HPA_OK) {
            hpa_arena_free(&a);
            a = fit;
        } else {
            /* the first parse succeeded: keep it, only larger */
            hpa_arena_free(&fit);
            hpa_err_clear(e);
            if ((rc = parse_kept(obj, &a, &spec, &uid, e)) != HPA_OK) {
                hpa_arena_free(&a);
                return rc;
            }
        }
    }
    hpa_arena_free(&h->arena);
    h->arena = a;
    h->spec = spec;
    h->spec_digest = spec_digest(obj);
    h->uid = uid;
    return HPA_OK;
}

static void apply_update(dmn *d, dhpa *h, const json_t *obj)
{
    char line[HPA_ERR_MSG_MAX + HPA_ERR_PATH_MAX + 32];
    hpa_err e;

    (void)d;
    hpa_err_clear(&e);
    if (spec_digest(obj) != h->spec_digest) {
        if (parse_into(h, obj, &e) != HPA_OK) {
            dlog(DLOG_ERROR, h->key, "new version ignored, the previous one stays: %s",
                 hpa_err_format(&e, line, sizeof(line)));
            return;
        }
        ctl_hpa_set_spec(&h->ctl, &h->spec);
        dlog(DLOG_INFO, h->key, "spec updated");
    } else {
        /* the object's uid is all a same-spec version can change that the
         * daemon keeps (a deleted and re-created HPA) */
        const char *uid =
            json_string_value(json_object_get(json_object_get(obj, "metadata"), "uid"));

        if (uid && (!h->uid || strcmp(h->uid, uid))) {
            const char *u = hpa_arena_strdup(&h->arena, uid);

            if (u)
                h->uid = u;
        }
    }
}

void dm_upsert(dmn *d, const json_t *obj)
{
    const json_t *meta = json_object_get(obj, "metadata");
    const char *ns = json_string_value(json_object_get(meta, "namespace"));
    const char *name = json_string_value(json_object_get(meta, "name"));
    char key[512], line[HPA_ERR_MSG_MAX + HPA_ERR_PATH_MAX + 32];
    dhpa *h;
    hpa_err e;

    hpa_err_clear(&e);
    if (!name)
        return;
    if (!ns)
        ns = "default";
    snprintf(key, sizeof(key), "%s/%s", ns, name);
    if ((h = dm_find(d, key))) {
        if (h->ctl.busy) {
            json_decref(h->pending_obj);
            h->pending_obj = json_incref((json_t *)obj);
        } else {
            apply_update(d, h, obj);
        }
        return;
    }
    if (d->n_hpas + 1 > d->n_buckets && table_grow(d) != HPA_OK)
        goto oom;
    if (!(h = calloc(1, sizeof(*h))))
        goto oom;
    h->d = d;
    hpa_arena_init(&h->arena);
    h->key = strdup(key);
    h->ns = strdup(ns);
    h->name = h->ns ? strdup(name) : NULL;
    if (!h->key || !h->ns || !h->name)
        goto oom_h;
    if (parse_into(h, obj, &e) != HPA_OK) {
        dlog(DLOG_ERROR, key, "HPA skipped: %s", hpa_err_format(&e, line, sizeof(line)));
        free(h->name);
        h->name = NULL;
        hpa_free(h);
        return;
    }
    if (ctl_hpa_init(&h->ctl, &d->ops, d, &h->spec, &d->ccfg, dm_now_wall(), &e) != HPA_OK) {
        dlog(DLOG_ERROR, key, "HPA skipped: %s", e.msg);
        free(h->name);
        h->name = NULL;
        hpa_free(h);
        return;
    }
    h->ctl_ready = true;
    if (!(h->timer = evtimer_new(d->base, on_timer, h)))
        goto oom_h;
    {
        size_t k = hash_key(h->key, d->n_buckets);
        h->next = d->buckets[k];
        d->buckets[k] = h;
        d->n_hpas++;
    }
    live_restore_state(d, h, obj);
    dlog(DLOG_INFO, key, "added (target %s %s, %d..%d replicas)", h->spec.target.kind,
         h->spec.target.name, (int)h->spec.min_replicas, (int)h->spec.max_replicas);
    if (d->o->once) {
        d->once_total++;
        schedule(d, h, 0);
    } else {
        /* UPSTREAM: a new HPA is synced at once; a large initial set is
         * spread over one period so it does not arrive as one burst */
        schedule(d, h, d->n_hpas > 64 ? (hpa_duration_t)(random() % d->o->sync_period) : 0);
    }
    return;
oom_h:
    free(h->name);
    h->name = NULL;
    hpa_free(h);
oom:
    dlog(DLOG_ERROR, key, "out of memory adding the HPA");
}

/* ---- syncs ------------------------------------------------------------------ */

static void once_check(dmn *d);

static void metric_label(const hpa_metric_status *ms, char *buf, size_t len)
{
    const hpa_metric_spec *s = ms->spec;

    if (!s) {
        snprintf(buf, len, "unknown");
    } else if (s->type == HPA_METRIC_RESOURCE) {
        snprintf(buf, len, "%s", s->resource ? s->resource : "");
    } else if (s->type == HPA_METRIC_CONTAINER_RESOURCE) {
        snprintf(buf, len, "%s/%s", s->container ? s->container : "", s->resource ? s->resource : "");
    } else {
        snprintf(buf, len, "%s", s->metric_name ? s->metric_name : hpa_metric_type_name(s->type));
    }
}

static void record_values(dhpa *h, const ctl_result *res)
{
    const hpa_decision *dec = res->decision;
    size_t i;

    h->have_result = true;
    h->current = res->current_replicas;
    h->desired = res->desired_replicas;
    if (!res->decided || !dec || !dec->metrics_computed)
        return;
    free(h->mv);
    h->n_mv = 0;
    h->mv = calloc(dec->n_metrics ? dec->n_metrics : 1, sizeof(*h->mv));
    if (!h->mv)
        return;
    for (i = 0; i < dec->n_metrics; i++) {
        const hpa_metric_status *ms = &dec->metrics[i];
        const hpa_metric_target *t = ms->spec ? &ms->spec->target : NULL;
        dmetric_val *v = &h->mv[h->n_mv];

        if (ms->type == HPA_METRIC_UNKNOWN || !t)
            continue;
        metric_label(ms, v->name, sizeof(v->name));
        if (ms->has_average_utilization && t->has_average_utilization) {
            v->value = ms->average_utilization;
            v->target = t->average_utilization;
        } else if (ms->has_average_value) {
            v->value = (double)ms->average_value_milli / 1000.0;
            v->target = (double)t->average_value_milli / 1000.0;
        } else {
            v->value = (double)ms->value_milli / 1000.0;
            v->target = (double)(t->has_value ? t->value_milli : t->average_value_milli) / 1000.0;
        }
        h->n_mv++;
    }
}

static void on_synced(void *arg, const ctl_result *res)
{
    dhpa *h = arg;
    dmn *d = h->d;
    double took = dm_now_mono() - h->sync_started;
    const char *result = res->err.code != HPA_OK ? "error" : res->decided ? "success" : "error";
    const char *kv[] = {result};

    d->in_flight--;
    d->n_syncs_total++;
    if (prom_vec_add(&d->m_reconciles, kv, 1) != HPA_OK)
        dlog(DLOG_WARN, NULL, "out of memory counting reconciles");
    prom_hist_observe(&d->m_duration, took);
    if (res->fetched)
        d->ready = true;
    record_values(h, res);
    if (res->err.code != HPA_OK)
        dlog(DLOG_WARN, h->key, "sync held at %d replicas: %s", (int)res->current_replicas,
             res->err.msg);
    else if (res->rescaled)
        dlog(DLOG_INFO, h->key, "%s %d -> %d: %s", d->o->dry_run ? "dry-run: decided" : "rescaled",
             (int)res->current_replicas, (int)res->decision->desired_replicas,
             res->decision->reason ? res->decision->reason : "");
    else if (res->decided)
        dlog(DLOG_DEBUG, h->key, "in %.3fs: %d replicas, desired %d", took,
             (int)res->current_replicas, (int)res->decision->desired_replicas);
    /* compacted first, as `recommend` prints it: the dumped decision's
     * state is what the next decision reads */
    live_persist_state(d, h);
    if (res->decided)
        live_dump_decision(d, h, res);
    /* nothing of this sync is read any more: the snapshot, the decision's
     * workspace and the Scale go back to the pool */
    dm_slot_put(d, h->slot);
    h->slot = NULL;
    if (d->o->once) {
        d->once_done++;
        if (res->decided && res->err.code == HPA_OK)
            d->once_decided++;
        else
            d->once_failed++;
        if (res->rescaled)
            d->once_rescaled++;
    }
    if (h->removed) {
        dm_remove(d, h);
    } else {
        if (h->pending_obj) {
            json_t *o = h->pending_obj;

            h->pending_obj = NULL;
            apply_update(d, h, o);
            json_decref(o);
        }
        if (!d->o->once)
            schedule(d, h, ctl_hpa_next_sync(&h->ctl) - dm_now_wall());
    }
    if (d->o->once)
        once_check(d);
}

static void on_timer(evutil_socket_t fd, short what, void *arg)
{
    dhpa *h = arg;
    dmn *d = h->d;

    (void)fd;
    (void)what;
    if (d->stopping || !d->leading)
        return;
    h->sync_started = dm_now_mono();
    if (!h->slot && !(h->slot = dm_slot_get(d))) {
        dlog(DLOG_WARN, h->key, "out of memory starting a sync; retrying in 1s");
        schedule(d, h, 1000);
        return;
    }
    /* in_flight first: a cluster may finish the sync before this returns */
    d->in_flight++;
    if (ctl_hpa_sync_ws(&h->ctl, dm_now_wall(), &h->slot->ws, on_synced, h) != HPA_OK) {
        d->in_flight--;
        schedule(d, h, 1000);
        return;
    }
}

/* ---- the API metrics ----------------------------------------------------------- */

void dm_count_api(const char *verb, long status, void *arg)
{
    dmn *d = arg;
    char code[24];
    const char *kv[2];

    if (status > 0)
        snprintf(code, sizeof(code), "%ld", status);
    else
        snprintf(code, sizeof(code), "error");
    kv[0] = verb;
    kv[1] = code;
    if (prom_vec_add(&d->m_api, kv, 1) != HPA_OK)
        dlog(DLOG_WARN, NULL, "out of memory counting API requests");
}

/* ---- shutdown and --once ---------------------------------------------------- */

static void stop_now(dmn *d)
{
    event_base_loopexit(d->base, NULL);
}

static void on_released(const kube_response *r, void *arg)
{
    dmn *d = arg;

    if (r->err.code == HPA_OK)
        dlog(DLOG_INFO, NULL, "lease %s/%s released", d->lease_ns, d->o->lease_name);
    else
        dlog(DLOG_WARN, NULL, "lease not released: %s", r->err.msg);
    stop_now(d);
}

static void release_and_stop(dmn *d)
{
    le_record rec;
    json_t *body;
    hpa_strbuf path = HPA_STRBUF_INIT;
    hpa_err e;

    if (!d->o->leader_elect || d->o->once || !d->leading || d->exit_code != 0 || !d->lease_obj ||
        !le_release(&d->le, dm_now_wall(), &rec)) {
        stop_now(d);
        return;
    }
    body = json_deep_copy(d->lease_obj);
    if (body)
        json_object_set_new(body, "spec", le_record_to_json(&rec));
    hpa_strbuf_printf(&path, "/apis/coordination.k8s.io/v1/namespaces/%s/leases/%s", d->lease_ns,
                      d->o->lease_name);
    if (!body || live_request(d, "PUT", path.s, body, NULL, on_released, d, &e) != HPA_OK)
        stop_now(d);
    json_decref(body);
    hpa_strbuf_free(&path);
}

static void on_drain(evutil_socket_t fd, short what, void *arg)
{
    dmn *d = arg;
    struct timeval tv = {0, 100000};

    (void)fd;
    (void)what;
    /* finish in-flight syncs (bounded: 10 s), then let go of the lease */
    if ((d->in_flight > 0 || d->api_in_flight > 0) && ++d->drain_ticks < 100) {
        evtimer_add(d->drain_timer, &tv);
        return;
    }
    if (d->in_flight > 0)
        dlog(DLOG_WARN, NULL, "%zu sync(s) still in flight after 10s; exiting anyway", d->in_flight);
    release_and_stop(d);
}

static void begin_stop(dmn *d, const char *why)
{
    size_t i;
    struct timeval tv = {0, 0};

    if (d->stopping)
        return;
    d->stopping = true;
    dlog(DLOG_INFO, NULL, "%s: finishing %zu sync(s) in flight", why, d->in_flight);
    src_stop(d);
    if (d->le_timer)
        evtimer_del(d->le_timer);
    for (i = 0; i < d->n_buckets; i++) {
        dhpa *h;
        for (h = d->buckets[i]; h; h = h->next)
            evtimer_del(h->timer);
    }
    evtimer_add(d->drain_timer, &tv);
}

static void once_check(dmn *d)
{
    if (!d->listed || d->once_done < d->once_total)
        return;
    printf("hpa-engine run --once: %zu HPA(s), %zu decided, %zu rescaled, %zu failed%s\n",
           d->once_total, d->once_decided, d->once_rescaled, d->once_failed,
           d->o->dry_run ? " (dry-run)" : "");
    fflush(stdout);
    d->exit_code = d->once_failed ? 1 : 0;
    begin_stop(d, "--once pass complete");
}

void dm_source_ready(dmn *d)
{
    d->listed = true;
    if (d->o->hpa_source_cluster || d->n_hpas == 0 || !d->o->once)
        d->ready = d->ready || d->o->hpa_source_cluster || d->n_hpas == 0;
    if (d->o->once)
        once_check(d);
}

/* ---- leadership ------------------------------------------------------------- */

static void start_source(dmn *d)
{
    hpa_err e;

    hpa_err_clear(&e);
    if (src_start(d, &e) != HPA_OK) {
        dlog(DLOG_ERROR, NULL, "cannot start: %s", e.msg);
        d->exit_code = 1;
        begin_stop(d, "fatal");
    }
}

static void start_controller(dmn *d)
{
    if (d->started)
        return;
    d->started = true;
    if (d->store == DSTORE_CONFIGMAP)
        live_load_configmap(d, start_source);
    else
        start_source(d);
}

static void le_schedule(dmn *d)
{
    struct timeval tv;
    hpa_duration_t delay = d->o->retry_period;

    if (d->stopping)
        return;
    /* UPSTREAM: acquire retries jitter by up to 1.2 x retryPeriod; a
     * leader renews every retryPeriod */
    if (!d->le.leader)
        delay += (hpa_duration_t)(random() % (d->o->retry_period * 12 / 10 + 1));
    tv_ms(&tv, delay);
    evtimer_add(d->le_timer, &tv);
}

typedef struct le_write {
    dmn *d;
    le_record rec;
} le_write;

static void on_lease_written(const kube_response *r, void *arg)
{
    le_write *w = arg;
    dmn *d = w->d;
    bool ok = r->err.code == HPA_OK;

    le_written(&d->le, &w->rec, ok, mono_ms());
    if (ok && json_is_object(r->body)) {
        json_decref(d->lease_obj);
        d->lease_obj = json_incref(r->body);
    }
    if (!ok)
        dlog(r->status == 409 ? DLOG_DEBUG : DLOG_WARN, NULL, "lease write failed: %s", r->err.msg);
    if (d->le.leader && !d->leading && !d->stopping) {
        d->leading = true;
        dlog(DLOG_INFO, NULL, "became the leader (lease %s/%s, identity %s)", d->lease_ns,
             d->o->lease_name, d->identity);
        start_controller(d);
    }
    free(w);
    le_schedule(d);
}

static void on_lease_read(const kube_response *r, void *arg)
{
    dmn *d = arg;
    le_record cur, out;
    le_action act;
    le_write *w;
    json_t *body = NULL;
    hpa_strbuf path = HPA_STRBUF_INIT;
    hpa_err e;

    if (d->stopping)
        return;
    if (r->err.code != HPA_OK && r->status != 404) {
        dlog(DLOG_WARN, NULL, "cannot read the lease: %s", r->err.msg);
        le_schedule(d);
        return;
    }
    d->ready = true;
    if (r->status == 404) {
        act = le_decide(&d->le, NULL, dm_now_wall(), mono_ms(), &out);
    } else {
        json_decref(d->lease_obj);
        d->lease_obj = json_incref(r->body);
        le_record_from_json(r->body, &cur);
        act = le_decide(&d->le, &cur, dm_now_wall(), mono_ms(), &out);
    }
    if (act == LE_WAIT || !(w = calloc(1, sizeof(*w)))) {
        le_schedule(d);
        return;
    }
    w->d = d;
    w->rec = out;
    if (act == LE_CREATE) {
        json_t *meta = json_object();

        body = json_object();
        json_object_set_new(meta, "name", json_string(d->o->lease_name));
        json_object_set_new(meta, "namespace", json_string(d->lease_ns));
        json_object_set_new(body, "apiVersion", json_string("coordination.k8s.io/v1"));
        json_object_set_new(body, "kind", json_string("Lease"));
        json_object_set_new(body, "metadata", meta);
        json_object_set_new(body, "spec", le_record_to_json(&out));
        hpa_strbuf_printf(&path, "/apis/coordination.k8s.io/v1/namespaces/%s/leases", d->lease_ns);
    } else {
        body = json_deep_copy(r->body);   /* keeps metadata.resourceVersion */
        if (body)
            json_object_set_new(body, "spec", le_record_to_json(&out));
        hpa_strbuf_printf(&path, "/apis/coordination.k8s.io/v1/namespaces/%s/leases/%s",
                          d->lease_ns, d->o->lease_name);
    }
    if (!body || live_request(d, act == LE_CREATE ? "POST" : "PUT", path.s, body, NULL,
                              on_lease_written, w, &e) != HPA_OK) {
        free(w);
        le_schedule(d);
    }
    json_decref(body);
    hpa_strbuf_free(&path);
}

static void on_le_timer(evutil_socket_t fd, short what, void *arg)
{
    dmn *d = arg;
    hpa_strbuf path = HPA_STRBUF_INIT;
    hpa_err e;

    (void)fd;
    (void)what;
    if (d->stopping)
        return;
    if (le_check_deadline(&d->le, mono_ms())) {
        /* UPSTREAM: kube-controller-manager exits when it loses the lease;
         * the Deployment restarts it as a standby */
        dlog(DLOG_ERROR, NULL, "leadership lost: the lease was not renewed within %lld ms",
             (long long)d->o->renew_deadline);
        d->leading = false;
        d->exit_code = 1;
        begin_stop(d, "leadership lost");
        return;
    }
    hpa_strbuf_printf(&path, "/apis/coordination.k8s.io/v1/namespaces/%s/leases/%s", d->lease_ns,
                      d->o->lease_name);
    if (live_request(d, "GET", path.s, NULL, NULL, on_lease_read, d, &e) != HPA_OK)
        le_schedule(d);
    hpa_strbuf_free(&path);
}

/* ---- health and metrics server ------------------------------------------------ */

static void render_metrics(dmn *d, hpa_strbuf *b)
{
    size_t i, j;
    const char *leader[] = {NULL};
    dhpa *h;

    prom_vec_render(&d->m_reconciles, b);
    prom_hist_render(&d->m_duration, b);
    prom_vec_render(&d->m_api, b);
    prom_header(b, "hpa_engine_desired_replicas", "Desired replicas of each HPA at its last sync.",
                "gauge");
    for (i = 0; i < d->n_buckets; i++)
        for (h = d->buckets[i]; h; h = h->next)
            if (h->have_result) {
                const char *kv[] = {"namespace", h->ns, "hpa", h->name, NULL};
                prom_sample(b, "hpa_engine_desired_replicas", kv, NULL, h->desired);
            }
    prom_header(b, "hpa_engine_current_replicas",
                "Replicas of each HPA's target (scale.spec.replicas) at its last sync.", "gauge");
    for (i = 0; i < d->n_buckets; i++)
        for (h = d->buckets[i]; h; h = h->next)
            if (h->have_result) {
                const char *kv[] = {"namespace", h->ns, "hpa", h->name, NULL};
                prom_sample(b, "hpa_engine_current_replicas", kv, NULL, h->current);
            }
    prom_header(b, "hpa_engine_metric_value",
                "Current value of each HPA metric (percent for utilization targets).", "gauge");
    for (i = 0; i < d->n_buckets; i++)
        for (h = d->buckets[i]; h; h = h->next)
            for (j = 0; j < h->n_mv; j++) {
                const char *kv[] = {"namespace", h->ns, "hpa", h->name, "metric", h->mv[j].name, NULL};
                prom_sample(b, "hpa_engine_metric_value", kv, NULL, h->mv[j].value);
            }
    prom_header(b, "hpa_engine_metric_target", "Target of each HPA metric.", "gauge");
    for (i = 0; i < d->n_buckets; i++)
        for (h = d->buckets[i]; h; h = h->next)
            for (j = 0; j < h->n_mv; j++) {
                const char *kv[] = {"namespace", h->ns, "hpa", h->name, "metric", h->mv[j].name, NULL};
                prom_sample(b, "hpa_engine_metric_target", kv, NULL, h->mv[j].target);
            }
    prom_header(b, "hpa_engine_hpas", "HPAs the controller currently reconciles.", "gauge");
    prom_sample(b, "hpa_engine_hpas", NULL, NULL, (double)d->n_hpas);
    prom_header(b, "hpa_engine_leader", "1 when this instance holds the lease and may write.",
                "gauge");
    prom_sample(b, "hpa_engine_leader", leader, NULL, d->leading ? 1 : 0);
}

static void on_http(struct evhttp_request *req, void *arg)
{
    dmn *d = arg;
    const char *uri = evhttp_request_get_uri(req);
    struct evbuffer *out = evbuffer_new();
    struct evkeyvalq *hdr = evhttp_request_get_output_headers(req);
    int code = 200;

    if (!out) {
        evhttp_send_error(req, 500, "out of memory");
        return;
    }
    if (!strncmp(uri, "/healthz", 8)) {
        evbuffer_add_printf(out, "ok\n");
    } else if (!strncmp(uri, "/readyz", 7)) {
        code = d->ready && !d->stopping ? 200 : 503;
        evbuffer_add_printf(out, code == 200 ? "ok\n" : "not ready\n");
    } else if (!strncmp(uri, "/metrics", 8)) {
        hpa_strbuf b = HPA_STRBUF_INIT;

        render_metrics(d, &b);
        if (b.oom) {
            code = 500;
        } else {
            evbuffer_add(out, b.s ? b.s : "", b.len);
        }
        hpa_strbuf_free(&b);
        evhttp_add_header(hdr, "Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    } else {
        code = 404;
        evbuffer_add_printf(out, "not found\n");
    }
    if (code != 200 || strncmp(uri, "/metrics", 8))
        evhttp_add_header(hdr, "Content-Type", "text/plain; charset=utf-8");
    evhttp_send_reply(req, code, code == 200 ? "OK" : "Error", out);
    evbuffer_free(out);
}

static hpa_errcode start_http(dmn *d, hpa_err *e)
{
    char host[256];
    const char *colon;
    struct evhttp_bound_socket *bs;
    long port;
    char *end;

    if (!d->o->health_addr || !d->o->health_addr[0])
        return HPA_OK;
    colon = strrchr(d->o->health_addr, ':');
    if (!colon || (size_t)(colon - d->o->health_addr) >= sizeof(host))
        return hpa_err_set(e, HPA_EINVAL, "--health-addr", "expected HOST:PORT, got '%s'",
                           d->o->health_addr);
    snprintf(host, sizeof(host), "%.*s", (int)(colon - d->o->health_addr), d->o->health_addr);
    port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535)
        return hpa_err_set(e, HPA_EINVAL, "--health-addr", "bad port in '%s'", d->o->health_addr);
    if (!(d->http = evhttp_new(d->base)))
        return hpa_err_set(e, HPA_ENOMEM, NULL, "cannot create the HTTP server");
    evhttp_set_gencb(d->http, on_http, d);
    bs = evhttp_bind_socket_with_handle(d->http, host[0] ? host : "0.0.0.0", (ev_uint16_t)port);
    if (!bs)
        return hpa_err_set(e, HPA_EIO, "--health-addr", "cannot listen on %s: %s", d->o->health_addr,
                           strerror(errno));
    {
        struct sockaddr_storage ss;
        socklen_t len = sizeof(ss);
        evutil_socket_t fd = evhttp_bound_socket_get_fd(bs);

        if (getsockname(fd, (struct sockaddr *)&ss, &len) == 0 && ss.ss_family == AF_INET)
            port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
        else if (ss.ss_family == AF_INET6)
            port = ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    }
    dlog(DLOG_INFO, NULL, "health server listening on %s:%ld", host, port);
    return HPA_OK;
}

/* ---- signals ------------------------------------------------------------------ */

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    dmn *d = arg;

    (void)what;
    if (sig == SIGHUP) {
        dlog(DLOG_INFO, NULL, "SIGHUP: reloading policies");
        src_reload(d, true);
        return;
    }
    begin_stop(d, sig == SIGTERM ? "SIGTERM" : "SIGINT");
}

/* ---- setup ----------------------------------------------------------------------- */

static void kube_log(int level, const char *line, void *arg)
{
    (void)arg;
    dlog(level == KUBE_LOG_WARN ? DLOG_WARN : level == KUBE_LOG_INFO ? DLOG_INFO : DLOG_DEBUG, NULL,
         "kube: %s", line);
}

static void default_identity(char *buf, size_t len)
{
    char host[128] = "hpa-engine";

    if (gethostname(host, sizeof(host)) != 0)
        snprintf(host, sizeof(host), "hpa-engine");
    host[sizeof(host) - 1] = '\0';
    snprintf(buf, len, "%s_%ld_%08lx", host, (long)getpid(), (unsigned long)random());
}

static void teardown(dmn *d)
{
    size_t i;

    for (i = 0; i < d->n_buckets; i++) {
        dhpa *h = d->buckets[i], *next;
        for (; h; h = next) {
            next = h->next;
            hpa_free(h);
        }
    }
    free(d->buckets);
    while (d->free_slots) {
        dslot *s = d->free_slots;

        d->free_slots = s->next;
        slot_free(s);
    }
    dpol_close(&d->pol);
    if (d->kc)
        kube_client_free(d->kc);
    kube_config_free(&d->kcfg);
    if (d->http)
        evhttp_free(d->http);
    if (d->pol_timer)
        event_free(d->pol_timer);
    if (d->relist_timer)
        event_free(d->relist_timer);
    if (d->le_timer)
        event_free(d->le_timer);
    if (d->drain_timer)
        event_free(d->drain_timer);
    if (d->sig_term)
        event_free(d->sig_term);
    if (d->sig_int)
        event_free(d->sig_int);
    if (d->sig_hup)
        event_free(d->sig_hup);
    json_decref(d->cm_data);
    json_decref(d->lease_obj);
    d->lease_obj = NULL;
    free(d->hpa_rv);
    prom_vec_free(&d->m_reconciles);
    prom_vec_free(&d->m_api);
    if (d->base)
        event_base_free(d->base);
}

int daemon_run(const daemon_opts *o)
{
    static const double buckets[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};
    static const char *res_labels[] = {"result", NULL};
    static const char *api_labels[] = {"verb", "code", NULL};
    dmn d;
    kube_config_opts ko;
    kube_client_opts co;
    hpa_err e;
    char line[HPA_ERR_MSG_MAX + HPA_ERR_PATH_MAX + HPA_ERR_FILE_MAX + 32];
    int rc = 1;

    memset(&d, 0, sizeof(d));
    hpa_err_clear(&e);
    d.o = o;
    srandom((unsigned)(getpid() ^ dm_now_wall()));
    prom_vec_init(&d.m_reconciles, "hpa_engine_reconciles_total",
                  "HPA syncs by result: success (a decision was made) or error (held).", "counter",
                  res_labels);
    prom_vec_init(&d.m_api, "hpa_engine_api_requests_total",
                  "Kubernetes API request attempts (retries included) by verb and HTTP code "
                  "(error: no answer: timeout, reset, refused).",
                  "counter", api_labels);
    prom_hist_init(&d.m_duration, "hpa_engine_reconcile_duration_seconds",
                   "Time from the start of an HPA sync to its status written.", buckets,
                   sizeof(buckets) / sizeof(buckets[0]));
    d.ccfg = ctl_config_default();
    d.ccfg.opts = o->hpa_opts;
    d.ccfg.sync_period = o->sync_period;
    d.ccfg.jitter = o->sync_period / 10;
    d.ccfg.seed = (uint64_t)dm_now_wall();
    live_ops(&d.ops);
    d.store = o->state_store;
    if (d.store == DSTORE_AUTO)
        d.store = o->hpa_source_cluster ? DSTORE_ANNOTATION : DSTORE_CONFIGMAP;
    if (d.store == DSTORE_ANNOTATION && !o->hpa_source_cluster) {
        dlog(DLOG_ERROR, NULL, "--state-store annotation needs --hpa-source cluster");
        rc = 2;
        goto out;
    }
    if (o->snapshot_dir && mkdir(o->snapshot_dir, 0755) != 0 && errno != EEXIST) {
        dlog(DLOG_ERROR, NULL, "--snapshot-dir: cannot create %s: %s", o->snapshot_dir,
             strerror(errno));
        rc = 2;
        goto out;
    }
    signal(SIGPIPE, SIG_IGN);
    if (!(d.base = event_base_new())) {
        dlog(DLOG_ERROR, NULL, "cannot create the event loop");
        goto out;
    }
    kube_config_opts_from_env(&ko);
    ko.kubeconfig = o->kubeconfig;
    ko.context = o->context;
    if (kube_config_load(&ko, &d.kcfg, &e) != HPA_OK) {
        dlog(DLOG_ERROR, NULL, "no cluster configuration: %s", hpa_err_format(&e, line, sizeof(line)));
        rc = 2;
        goto out;
    }
    d.lease_ns = o->lease_namespace && o->lease_namespace[0] ? o->lease_namespace
                 : d.kcfg.namespace_                         ? d.kcfg.namespace_
                                                             : "default";
    if (o->identity && o->identity[0])
        snprintf(d.identity, sizeof(d.identity), "%s", o->identity);
    else
        default_identity(d.identity, sizeof(d.identity));
    kube_client_opts_default(&co);
    co.qps = o->qps;
    co.burst = o->burst;
    co.log = kube_log;
    /* bounded connections, reused: thousands of HPAs over HTTP/1.1 would
     * otherwise open (and TLS-handshake) one connection per request */
    co.max_connections = 64;
    co.on_attempt = dm_count_api;
    co.on_attempt_arg = &d;
    if (o->request_timeout > 0)
        co.timeout_ms = (long)o->request_timeout;
    if (!(d.kc = kube_client_new(d.base, &d.kcfg, &co, &e))) {
        dlog(DLOG_ERROR, NULL, "cannot create the API client: %s", e.msg);
        goto out;
    }
    dlog(DLOG_INFO, NULL, "hpa-engine %s: server %s (context %s), %s, sync every %lld ms%s%s",
         HPA_VERSION, d.kcfg.server, d.kcfg.context ? d.kcfg.context : "",
         o->hpa_source_cluster ? "HPAs from the cluster" : "HPAs from files",
         (long long)o->sync_period, o->dry_run ? ", dry-run" : "", o->once ? ", once" : "");
    if (!(d.drain_timer = evtimer_new(d.base, on_drain, &d)) ||
        !(d.sig_term = evsignal_new(d.base, SIGTERM, on_signal, &d)) ||
        !(d.sig_int = evsignal_new(d.base, SIGINT, on_signal, &d)) ||
        !(d.sig_hup = evsignal_new(d.base, SIGHUP, on_signal, &d)) || evsignal_add(d.sig_term, NULL) ||
        evsignal_add(d.sig_int, NULL) || evsignal_add(d.sig_hup, NULL)) {
        dlog(DLOG_ERROR, NULL, "cannot set up signals");
        goto out;
    }
    if (!o->once && start_http(&d, &e) != HPA_OK) {
        dlog(DLOG_ERROR, NULL, "%s", hpa_err_format(&e, line, sizeof(line)));
        rc = 2;
        goto out;
    }
    if (o->leader_elect && !o->once) {
        le_config lc;

        memset(&lc, 0, sizeof(lc));
        snprintf(lc.identity, sizeof(lc.identity), "%s", d.identity);
        lc.lease_duration = o->lease_duration;
        lc.renew_deadline = o->renew_deadline;
        lc.retry_period = o->retry_period;
        if (le_init(&d.le, &lc, &e) != HPA_OK) {
            dlog(DLOG_ERROR, NULL, "%s: %s", e.path, e.msg);
            rc = 2;
            goto out;
        }
        if (!(d.le_timer = evtimer_new(d.base, on_le_timer, &d))) {
            dlog(DLOG_ERROR, NULL, "out of memory");
            goto out;
        }
        dlog(DLOG_INFO, NULL, "waiting for lease %s/%s as %s", d.lease_ns, o->lease_name, d.identity);
        on_le_timer(-1, 0, &d);
    } else {
        d.leading = true;
        start_controller(&d);
    }
    event_base_dispatch(d.base);
    rc = d.exit_code;
    dlog(DLOG_INFO, NULL, "stopped after %llu sync(s)", (unsigned long long)d.n_syncs_total);
out:
    teardown(&d);
    return rc;
}
