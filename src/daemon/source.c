/*
 * source.c - where the daemon's HPAs come from: policy files (polled for
 * changes every few seconds and re-read on SIGHUP, the last good version
 * of a file kept when an edit breaks it), or the cluster's
 * HorizontalPodAutoscaler objects (list, then watch from the list's
 * resourceVersion; a watch that ends is resumed, a 410 Gone relists).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "daemon/daemon_int.h"
#include "daemon/dlog.h"

/* ---- files --------------------------------------------------------------- */

static void visit_upsert(const json_t *obj, const char *file, void *arg)
{
    dmn *d = arg;
    const json_t *meta = json_object_get(obj, "metadata");
    const char *ns = json_string_value(json_object_get(meta, "namespace"));
    const char *name = json_string_value(json_object_get(meta, "name"));
    char key[512];
    dhpa *h;

    (void)file;
    snprintf(key, sizeof(key), "%s/%s", ns ? ns : "default", name ? name : "");
    if ((h = dm_find(d, key)) && h->mark == d->mark) {
        dlog(DLOG_WARN, key, "defined again in %s: the first definition wins", file);
        return;
    }
    dm_upsert(d, obj);
    if ((h = dm_find(d, key)))
        h->mark = d->mark;
}

/* Drop every HPA the last pass did not mark. */
static void sweep(dmn *d)
{
    size_t i;

    for (i = 0; i < d->n_buckets; i++) {
        dhpa *h = d->buckets[i], *next;

        for (; h; h = next) {
            next = h->next;
            if (h->mark != d->mark && !h->removed) {
                dlog(DLOG_INFO, h->key, "removed from the source");
                dm_remove(d, h);
            }
        }
    }
}

void src_reload(dmn *d, bool force)
{
    hpa_errlist problems = {0, 0, NULL};
    bool changed = false;
    char line[HPA_ERR_MSG_MAX + HPA_ERR_PATH_MAX + HPA_ERR_FILE_MAX + 32];
    hpa_err e;
    size_t i;

    if (d->o->hpa_source_cluster || !d->pol.root)
        return;
    hpa_err_clear(&e);
    if (dpol_reload(&d->pol, force, &problems, &changed, &e) != HPA_OK)
        dlog(DLOG_ERROR, NULL, "policies not reloaded, the previous ones stay: %s",
             hpa_err_format(&e, line, sizeof(line)));
    for (i = 0; i < problems.n; i++)
        dlog(DLOG_ERROR, NULL, "invalid policy, the last good version of its file is kept: %s",
             hpa_err_format(&problems.items[i], line, sizeof(line)));
    hpa_errlist_free(&problems);
    if (changed || force) {
        d->mark++;
        dpol_visit(&d->pol, visit_upsert, d);
        sweep(d);
        if (changed)
            dlog(DLOG_INFO, NULL, "policies loaded: %zu HPA(s) from %s", dpol_count(&d->pol),
                 d->pol.root);
    }
}

static void on_poll(evutil_socket_t fd, short what, void *arg)
{
    dmn *d = arg;

    (void)fd;
    (void)what;
    src_reload(d, false);
}

/* ---- cluster: list + watch ------------------------------------------------ */

static void start_watch(dmn *d);
static void start_list(dmn *d);

static char *hpas_path(dmn *d)
{
    hpa_strbuf p = HPA_STRBUF_INIT;

    if (d->o->namespace_ && d->o->namespace_[0])
        hpa_strbuf_printf(&p, "/apis/autoscaling/v2/namespaces/%s/horizontalpodautoscalers",
                          d->o->namespace_);
    else
        hpa_strbuf_append(&p, "/apis/autoscaling/v2/horizontalpodautoscalers");
    if (p.oom) {
        hpa_strbuf_free(&p);
        return NULL;
    }
    return p.s;
}

static void set_rv(dmn *d, const json_t *obj)
{
    const char *rv = json_string_value(json_object_get(json_object_get(obj, "metadata"),
                                                       "resourceVersion"));
    if (rv) {
        char *c = strdup(rv);
        if (c) {
            free(d->hpa_rv);
            d->hpa_rv = c;
        }
    }
}

static void later(dmn *d, double seconds, bool relist)
{
    struct timeval tv = {(time_t)seconds, (suseconds_t)((seconds - (double)(time_t)seconds) * 1e6)};

    if (d->stopping)
        return;
    if (relist) {
        free(d->hpa_rv);
        d->hpa_rv = NULL;
    }
    evtimer_add(d->relist_timer, &tv);
}

static void on_relist_timer(evutil_socket_t fd, short what, void *arg)
{
    dmn *d = arg;

    (void)fd;
    (void)what;
    if (d->hpa_rv)
        start_watch(d);
    else
        start_list(d);
}

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    return p;
}

/* One JSON value at `*p`; advances past it. NULL if there is none. */
static json_t *next_value(const char **p, const char *end)
{
    json_error_t je;
    json_t *v = json_loadb(*p, (size_t)(end - *p), JSON_DECODE_ANY | JSON_DISABLE_EOF_CHECK, &je);

    if (v)
        *p += je.position;
    return v;
}

/* Walk a list answer ({"metadata": {...}, "items": [...], ...}) one item
 * at a time, calling `fn` with each (borrowed), so that a list of
 * thousands of HPAs is never one tree in memory: only the raw text and
 * one item are. `*meta` gets the list's metadata (owned; NULL if none).
 * False when the text is not such an object. */
static bool each_list_item(const char *raw, size_t len, void (*fn)(dmn *d, json_t *item), dmn *d,
                           json_t **meta, size_t *n_items)
{
    const char *p = raw, *end = raw + len;
    bool items = false;

    *meta = NULL;
    *n_items = 0;
    p = skip_ws(p, end);
    if (p == end || *p++ != '{')
        return false;
    for (;;) {
        json_t *k, *v;
        bool is_items, is_meta;

        p = skip_ws(p, end);
        if (p < end && *p == '}')
            return items;
        if (!(k = next_value(&p, end)) || !json_is_string(k)) {
            json_decref(k);
            return false;
        }
        is_items = !strcmp(json_string_value(k), "items");
        is_meta = !strcmp(json_string_value(k), "metadata");
        json_decref(k);
        p = skip_ws(p, end);
        if (p == end || *p++ != ':')
            return false;
        p = skip_ws(p, end);
        if (is_items && p < end && *p == '[') {
            items = true;
            p = skip_ws(p + 1, end);
            while (p < end && *p != ']') {
                json_t *it = next_value(&p, end);

                if (!it)
                    return false;
                fn(d, it);
                json_decref(it);
                (*n_items)++;
                p = skip_ws(p, end);
                if (p < end && *p == ',')
                    p = skip_ws(p + 1, end);
                else if (p == end || *p != ']')
                    return false;
            }
            if (p == end)
                return false;
            p++;
        } else {
            if (!(v = next_value(&p, end)))
                return false;
            if (is_meta) {
                json_decref(*meta);
                *meta = v;
            } else {
                json_decref(v);
            }
        }
        p = skip_ws(p, end);
        if (p < end && *p == ',')
            p++;
        else if (p == end || *p != '}')
            return false;
    }
}

static void list_item(dmn *d, json_t *it)
{
    const json_t *meta = json_object_get(it, "metadata");
    const char *ns = json_string_value(json_object_get(meta, "namespace"));
    const char *name = json_string_value(json_object_get(meta, "name"));
    char key[512];
    dhpa *h;

    dm_upsert(d, it);
    snprintf(key, sizeof(key), "%s/%s", ns ? ns : "default", name ? name : "");
    if ((h = dm_find(d, key)))
        h->mark = d->mark;
}

#ifdef __GLIBC__
static void on_trim(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    (void)arg;
    malloc_trim(0);
}
#endif

static void on_list(const kube_response *r, void *arg)
{
    dmn *d = arg;
    json_t *meta = NULL, *wrap;
    size_t n = 0;

    if (d->stopping)
        return;
    if (r->err.code != HPA_OK) {
        dlog(DLOG_WARN, NULL, "cannot list HorizontalPodAutoscalers: %s; retrying in 2s",
             r->err.msg);
        later(d, 2, true);
        return;
    }
    d->mark++;
    if (!each_list_item(r->raw, r->raw_len, list_item, d, &meta, &n)) {
        json_decref(meta);
        /* the HPAs seen so far are updated; none is swept */
        dlog(DLOG_WARN, NULL, "cannot list HorizontalPodAutoscalers: %s; retrying in 2s",
             "the answer is not a list with items");
        later(d, 2, true);
        return;
    }
    sweep(d);
    if ((wrap = json_object()) && meta) {
        json_object_set(wrap, "metadata", meta);
        set_rv(d, wrap);
    }
    json_decref(wrap);
    json_decref(meta);
    dlog(DLOG_INFO, NULL, "listed %zu HorizontalPodAutoscaler(s)", n);
#ifdef __GLIBC__
    {
        /* the raw answer (megabytes for thousands of HPAs) is freed once
         * this returns: then give the free pages back to the system */
        struct timeval tv = {0, 0};

        if (event_base_once(d->base, -1, EV_TIMEOUT, on_trim, NULL, &tv) != 0)
            malloc_trim(0);
    }
#endif
    dm_source_ready(d);
    if (!d->o->once)
        start_watch(d);
}

static void start_list(dmn *d)
{
    char *path = hpas_path(d), *q;
    const char *kv[] = {"labelSelector", d->o->selector && d->o->selector[0] ? d->o->selector : NULL,
                        NULL};
    kube_req_opts raw;
    hpa_err e;

    memset(&raw, 0, sizeof(raw));
    raw.raw_body = true;   /* read one item at a time (each_list_item) */
    if (!path)
        return;
    q = kube_path_query(path, kv);
    if (!q || live_request_opts(d, "GET", q, NULL, NULL, &raw, on_list, d, &e) != HPA_OK) {
        dlog(DLOG_WARN, NULL, "cannot list HorizontalPodAutoscalers: %s", q ? e.msg : "out of memory");
        later(d, 2, true);
    }
    free(q);
    free(path);
}

static void on_watch_event(const char *type, json_t *obj, void *arg)
{
    dmn *d = arg;
    const json_t *meta = json_object_get(obj, "metadata");
    const char *ns = json_string_value(json_object_get(meta, "namespace"));
    const char *name = json_string_value(json_object_get(meta, "name"));
    char key[512];
    dhpa *h;

    if (!strcmp(type, "ERROR")) {
        long code = (long)json_integer_value(json_object_get(obj, "code"));

        dlog(code == 410 ? DLOG_INFO : DLOG_WARN, NULL, "HPA watch error %ld: %s; relisting", code,
             json_string_value(json_object_get(obj, "message")) ?: "");
        kube_watch_cancel(d->hpa_watch);
        d->hpa_watch = NULL;
        later(d, code == 410 ? 0 : 1, true);
        return;
    }
    set_rv(d, obj);
    if (!strcmp(type, "BOOKMARK"))
        return;
    snprintf(key, sizeof(key), "%s/%s", ns ? ns : "default", name ? name : "");
    if (!strcmp(type, "DELETED")) {
        if ((h = dm_find(d, key))) {
            dlog(DLOG_INFO, key, "HPA deleted");
            dm_remove(d, h);
        }
        return;
    }
    dm_upsert(d, obj);
}

static void on_watch_done(const kube_response *r, void *arg)
{
    dmn *d = arg;

    d->hpa_watch = NULL;
    if (d->stopping)
        return;
    if (r->status == 410) {
        later(d, 0, true);
        return;
    }
    if (r->err.code != HPA_OK)
        dlog(DLOG_DEBUG, NULL, "HPA watch ended: %s", r->err.msg);
    later(d, r->err.code != HPA_OK ? 1 : 0, false);
}

static void start_watch(dmn *d)
{
    char *path = hpas_path(d), *q;
    const char *kv[] = {"watch", "1", "resourceVersion", d->hpa_rv, "allowWatchBookmarks", "true",
                        "timeoutSeconds", "300", "labelSelector",
                        d->o->selector && d->o->selector[0] ? d->o->selector : NULL, NULL};
    hpa_err e;

    if (!path)
        return;
    q = kube_path_query(path, kv);
    free(path);
    if (!q) {
        later(d, 1, false);
        return;
    }
    d->hpa_watch = kube_watch_start(d->kc, q, NULL, on_watch_event, on_watch_done, d, &e);
    if (!d->hpa_watch) {
        dlog(DLOG_WARN, NULL, "cannot watch HorizontalPodAutoscalers: %s", e.msg);
        later(d, 1, false);
    }
    free(q);
}

/* ---- start / stop ---------------------------------------------------------- */

hpa_errcode src_start(dmn *d, hpa_err *e)
{
    if (d->o->hpa_source_cluster) {
        if (!d->relist_timer && !(d->relist_timer = evtimer_new(d->base, on_relist_timer, d)))
            return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
        start_list(d);
        return HPA_OK;
    }
    if (!d->pol.root && dpol_open(&d->pol, d->o->policies, e) != HPA_OK)
        return e->code;
    src_reload(d, true);
    dm_source_ready(d);
    if (!d->o->once) {
        hpa_duration_t every = d->o->sync_period < 5000 ? d->o->sync_period : 5000;
        struct timeval tv = {(time_t)(every / 1000), (suseconds_t)(every % 1000) * 1000};

        if (!d->pol_timer &&
            !(d->pol_timer = event_new(d->base, -1, EV_PERSIST, on_poll, d)))
            return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
        evtimer_add(d->pol_timer, &tv);
    }
    return HPA_OK;
}

void src_stop(dmn *d)
{
    if (d->pol_timer)
        evtimer_del(d->pol_timer);
    if (d->relist_timer)
        evtimer_del(d->relist_timer);
    if (d->hpa_watch) {
        kube_watch_cancel(d->hpa_watch);
        d->hpa_watch = NULL;
    }
}
