/* world.c - the sim-server's state and its simulated time (see world.h). */
#include "server/world.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"
#include "hpa/quantity.h"
#include "hpa/timeutil.h"
#include "scenario.h"

static sim_ms s2ms(double s)
{
    return (sim_ms)llround(s * 1000.0);
}

uint64_t sims_world_next_rv(sims_world *w)
{
    return ++w->rv;
}

hpa_time_t sims_world_time(const sims_world *w)
{
    return w->epoch + w->now;
}

static uint64_t mix(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static void uid_from(uint64_t a, uint64_t b, char *buf, size_t len)
{
    uint64_t x = mix(a * 0x9E3779B97F4A7C15ULL + b), y = mix(x ^ b);

    snprintf(buf, len, "%08x-%04x-4%03x-8%03x-%012llx", (unsigned)(x >> 32), (unsigned)(x & 0xffff),
             (unsigned)((x >> 16) & 0xfff), (unsigned)(y >> 52), (unsigned long long)(y & 0xffffffffffffULL));
}

void sims_world_uid(sims_world *w, char *buf, size_t len)
{
    uid_from(w->seed + 7, ++w->uid_seq, buf, len);
}

static const char *fmt_time(hpa_time_t t, char *buf)
{
    /* metav1.Time has whole seconds */
    return hpa_time_format(t - ((t % 1000) + 1000) % 1000, buf, HPA_TIME_STR_MAX);
}

const char *sims_meta_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(json_object_get(obj, "metadata"), key));
}

void sims_set_rv(json_t *obj, uint64_t rv)
{
    char b[24];
    json_t *meta = json_object_get(obj, "metadata");

    snprintf(b, sizeof(b), "%llu", (unsigned long long)rv);
    if (json_is_object(meta))
        json_object_set_new(meta, "resourceVersion", json_string(b));
}

/* ---- the object store ----------------------------------------------------- */

static uint64_t key_hash(const char *ns, const char *name)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    const char *p;

    for (p = ns ? ns : ""; *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    h = (h ^ 0xff) * 0x100000001b3ULL;
    for (p = name ? name : ""; *p; p++)
        h = (h ^ (unsigned char)*p) * 0x100000001b3ULL;
    return mix(h);
}

static uint64_t obj_key(const json_t *obj)
{
    return key_hash(sims_meta_str(obj, "namespace"), sims_meta_str(obj, "name"));
}

static void index_insert(size_t *index, size_t cap, uint64_t key, size_t value)
{
    size_t i = (size_t)key & (cap - 1);

    while (index[i])
        i = (i + 1) & (cap - 1);
    index[i] = value + 1;
}

/* (Re)build the index for `n` items, growing it to keep the load under 1/2. */
static bool store_reindex(sims_store *s)
{
    size_t cap = s->index_cap ? s->index_cap : 64, i;

    while (cap < 2 * (s->n + 1))
        cap *= 2;
    if (cap != s->index_cap) {
        size_t *ni = calloc(cap, sizeof(*ni));
        if (!ni)
            return false;
        free(s->index);
        s->index = ni;
        s->index_cap = cap;
    } else {
        memset(s->index, 0, cap * sizeof(*s->index));
    }
    for (i = 0; i < s->n; i++)
        index_insert(s->index, s->index_cap, s->items[i].key, i);
    s->index_stale = false;
    return true;
}

static sims_obj *store_scan(sims_store *s, const char *ns, const char *name)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        const char *n = sims_meta_str(s->items[i].obj, "name");
        const char *o = sims_meta_str(s->items[i].obj, "namespace");
        if (n && !strcmp(n, name) && !strcmp(o ? o : "", ns ? ns : ""))
            return &s->items[i];
    }
    return NULL;
}

sims_obj *sims_store_find(sims_store *s, const char *ns, const char *name)
{
    uint64_t key = key_hash(ns, name);
    size_t i;

    if ((s->index_stale || !s->index_cap) && !store_reindex(s))
        return store_scan(s, ns, name);
    for (i = (size_t)key & (s->index_cap - 1); s->index[i]; i = (i + 1) & (s->index_cap - 1)) {
        sims_obj *o = &s->items[s->index[i] - 1];
        const char *n, *on;
        if (o->key != key)
            continue;
        n = sims_meta_str(o->obj, "name");
        on = sims_meta_str(o->obj, "namespace");
        if (n && !strcmp(n, name) && !strcmp(on ? on : "", ns ? ns : ""))
            return o;
    }
    return NULL;
}

hpa_errcode sims_store_put(sims_store *s, json_t *obj, uint64_t rv)
{
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 16;
        sims_obj *ni = realloc(s->items, nc * sizeof(*ni));
        if (!ni) {
            json_decref(obj);
            return HPA_ENOMEM;
        }
        s->items = ni;
        s->cap = nc;
    }
    s->items[s->n].rv = rv;
    s->items[s->n].obj = obj;
    s->items[s->n].key = obj_key(obj);
    s->n++;
    if (s->index_stale || 2 * (s->n + 1) > s->index_cap)
        s->index_stale = true;
    else
        index_insert(s->index, s->index_cap, s->items[s->n - 1].key, s->n - 1);
    return HPA_OK;
}

void sims_store_remove(sims_store *s, sims_obj *o)
{
    size_t i = (size_t)(o - s->items);

    json_decref(o->obj);
    memmove(&s->items[i], &s->items[i + 1], (s->n - i - 1) * sizeof(*o));
    s->n--;
    s->index_stale = true;
}

void sims_world_log(sims_world *w, sims_res res, const char *type, json_t *obj, uint64_t rv)
{
    sims_log_entry *le;

    if (!obj)
        return;
    if (w->log_n == SIMS_LOG_CAP) {
        json_decref(w->log[w->log_head].obj);
        w->log_head = (w->log_head + 1) % SIMS_LOG_CAP;
        w->log_n--;
    }
    le = &w->log[(w->log_head + w->log_n) % SIMS_LOG_CAP];
    le->rv = rv;
    le->res = res;
    le->type = type;
    le->obj = json_incref(obj);
    w->log_n++;
    w->log_total++;
}

static size_t *wl_slot(const sims_world *w, size_t *index, uint64_t key, const char *ns, const char *name,
                       bool rs)
{
    size_t i;

    for (i = (size_t)key & (w->wl_index_cap - 1); index[i]; i = (i + 1) & (w->wl_index_cap - 1)) {
        const sims_workload *wl = &w->wl[index[i] - 1];
        if (!strcmp(rs ? wl->rs_name : wl->model.name, name) && !strcmp(wl->model.namespace_, ns))
            break;
    }
    return &index[i];
}

sims_workload *sims_world_find(sims_world *w, const char *ns, const char *name)
{
    size_t i;

    if (ns && w->wl_index) {
        size_t *slot = wl_slot(w, w->wl_index, key_hash(ns, name), ns, name, false);
        return *slot ? &w->wl[*slot - 1] : NULL;
    }
    for (i = 0; i < w->n_wl; i++)
        if (!strcmp(w->wl[i].model.name, name) && (!ns || !strcmp(w->wl[i].model.namespace_, ns)))
            return &w->wl[i];
    return NULL;
}

sims_workload *sims_world_find_rs(sims_world *w, const char *ns, const char *name)
{
    size_t i;

    if (w->rs_index) {
        size_t *slot = wl_slot(w, w->rs_index, key_hash(ns, name), ns, name, true);
        return *slot ? &w->wl[*slot - 1] : NULL;
    }
    for (i = 0; i < w->n_wl; i++)
        if (!strcmp(w->wl[i].rs_name, name) && !strcmp(w->wl[i].model.namespace_, ns))
            return &w->wl[i];
    return NULL;
}

/* Index workload i; false when its Deployment name is taken. */
static bool index_workload(sims_world *w, size_t i)
{
    sims_workload *wl = &w->wl[i];
    size_t *slot = wl_slot(w, w->wl_index, key_hash(wl->model.namespace_, wl->model.name), wl->model.namespace_,
                           wl->model.name, false);

    if (*slot)
        return false;
    *slot = i + 1;
    slot = wl_slot(w, w->rs_index, key_hash(wl->model.namespace_, wl->rs_name), wl->model.namespace_, wl->rs_name,
                   true);
    if (!*slot)
        *slot = i + 1;
    return true;
}

/* ---- rendering -------------------------------------------------------------- */

static json_t *qty_milli(int64_t milli)
{
    char b[HPA_QUANTITY_STR_MAX];

    return json_string(hpa_quantity_format_milli(milli, b, sizeof(b)));
}

static json_t *qty_bytes(int64_t bytes)
{
    char b[HPA_QUANTITY_STR_MAX];
    hpa_quantity q;

    q.mantissa = bytes;
    q.scale = 0;
    q.format = HPA_QFMT_BINARY_SI;
    return json_string(hpa_quantity_format(&q, b, sizeof(b)));
}

static json_t *container_spec(const sims_workload *wl)
{
    const sim_model *m = &wl->model;

    return json_pack("{s:s,s:s,s:[{s:s,s:i,s:s}],s:{s:{s:o,s:o},s:{s:o,s:o}},"
                     "s:{s:{s:s,s:i,s:s},s:i,s:i,s:i,s:i,s:i},"
                     "s:{s:{s:s,s:i,s:s},s:i,s:i,s:i,s:i,s:i},"
                     "s:s,s:s,s:s}",
                     "name", "app", "image", "python-app:1.0",
                     "ports", "name", "http", "containerPort", 8080, "protocol", "TCP",
                     "resources", "requests", "cpu", qty_milli(m->cpu_request_m), "memory",
                     qty_bytes(m->mem_request_b), "limits", "cpu", qty_milli(m->cpu_limit_m), "memory",
                     qty_bytes(m->mem_limit_b),
                     "readinessProbe", "httpGet", "path", "/ready", "port", 8080, "scheme", "HTTP",
                     "initialDelaySeconds", (int)m->readiness_initial_delay_s, "periodSeconds",
                     (int)(m->readiness_period_s > 0 ? m->readiness_period_s : 1), "timeoutSeconds", 1,
                     "successThreshold", 1, "failureThreshold", 3,
                     "livenessProbe", "httpGet", "path", "/health", "port", 8080, "scheme", "HTTP",
                     "initialDelaySeconds", 30, "periodSeconds", 10, "timeoutSeconds", 1,
                     "successThreshold", 1, "failureThreshold", 3,
                     "imagePullPolicy", "IfNotPresent", "terminationMessagePath", "/dev/termination-log",
                     "terminationMessagePolicy", "File");
}

/* The seen entry of `p`: the tables are in pod order (ascending seq). */
static const sims_pod_seen *seen_of(const sims_workload *wl, const sim_pod *p)
{
    size_t i = (size_t)(p - wl->cl.pods), lo = 0, hi = wl->n_seen;

    if (i < wl->n_seen && wl->seen[i].seq == p->seq)
        return &wl->seen[i];
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (wl->seen[mid].seq == p->seq)
            return &wl->seen[mid];
        if (wl->seen[mid].seq < p->seq)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void seen_drop_view(sims_pod_seen *s)
{
    json_decref(s->obj);
    free(s->text);
    s->obj = NULL;
    s->text = NULL;
    s->text_len = 0;
}

static json_t *pod_meta(const sims_world *w, const sims_workload *wl, const sim_pod *p, uint64_t rv)
{
    char uid[40], rvs[24], ct[HPA_TIME_STR_MAX], gen[110];
    json_t *meta;

    uid_from((uint64_t)(wl - w->wl) + 1000, p->seq, uid, sizeof(uid));
    snprintf(rvs, sizeof(rvs), "%llu", (unsigned long long)rv);
    snprintf(gen, sizeof(gen), "%s-", wl->rs_name);
    meta = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:{s:s,s:s},s:[{s:s,s:s,s:s,s:s,s:b,s:b}]}",
                     "name", p->name, "generateName", gen, "namespace", wl->model.namespace_, "uid", uid,
                     "resourceVersion", rvs, "creationTimestamp",
                     fmt_time(w->epoch + p->created, ct), "labels", "app", wl->model.name,
                     "pod-template-hash", wl->hash, "ownerReferences", "apiVersion", "apps/v1", "kind",
                     "ReplicaSet", "name", wl->rs_name, "uid", wl->rs_uid, "controller", 1,
                     "blockOwnerDeletion", 1);
    if (meta && p->deleted <= w->now) {
        json_object_set_new(meta, "deletionTimestamp",
                            json_string(fmt_time(w->epoch + p->deleted + s2ms(wl->model.termination_grace_s), ct)));
        json_object_set_new(meta, "deletionGracePeriodSeconds",
                            json_integer((json_int_t)wl->model.termination_grace_s));
    }
    return meta;
}

static json_t *condition(const char *type, bool status, hpa_time_t t)
{
    char ts[HPA_TIME_STR_MAX];

    return json_pack("{s:s,s:s,s:n,s:s}", "type", type, "status", status ? "True" : "False",
                     "lastProbeTime", "lastTransitionTime", fmt_time(t, ts));
}

json_t *sims_render_pod(const sims_world *w, const sims_workload *wl, const sim_pod *p)
{
    const sims_pod_seen *s = seen_of(wl, p);
    sim_ms t = w->now;
    bool bound = p->bound <= t, running = p->running <= t, deleting = p->deleted <= t;
    bool ready = p->ready <= t && !deleting;
    hpa_time_t ready_tt = w->epoch + (ready ? p->ready : deleting && p->ready <= t ? p->deleted : p->bound);
    char ts[HPA_TIME_STR_MAX], ip[32];
    json_t *o, *spec, *st, *conds, *cs, *state;

    o = json_pack("{s:s,s:s,s:o}", "kind", "Pod", "apiVersion", "v1", "metadata",
                  pod_meta(w, wl, p, s ? s->rv : w->rv));
    spec = json_pack("{s:[o],s:s,s:s,s:I,s:s,s:s,s:s}", "containers", container_spec(wl), "restartPolicy",
                     "Always", "dnsPolicy", "ClusterFirst", "terminationGracePeriodSeconds",
                     (json_int_t)wl->model.termination_grace_s, "serviceAccountName", "default",
                     "schedulerName", "default-scheduler", "priorityClassName", "");
    json_object_del(spec, "priorityClassName");
    if (bound)
        json_object_set_new(spec, "nodeName", json_string("sim-node-1"));
    st = json_pack("{s:s,s:s}", "phase", running ? "Running" : "Pending", "qosClass", "Burstable");
    conds = json_array();
    if (!o || !spec || !st || !conds) {
        json_decref(o);
        json_decref(spec);
        json_decref(st);
        json_decref(conds);
        return NULL;
    }
    json_object_set_new(o, "spec", spec);
    json_object_set_new(o, "status", st);
    json_object_set_new(st, "conditions", conds);
    if (!bound) {
        json_array_append_new(conds, condition("PodScheduled", false, w->epoch + p->created));
        return o;
    }
    json_array_append_new(conds, condition("Initialized", true, w->epoch + p->bound));
    json_array_append_new(conds, condition("Ready", ready, ready_tt));
    json_array_append_new(conds, condition("ContainersReady", ready, ready_tt));
    json_array_append_new(conds, condition("PodScheduled", true, w->epoch + p->bound));
    snprintf(ip, sizeof(ip), "10.244.%u.%u", (unsigned)((p->seq / 250) % 250), (unsigned)(p->seq % 250 + 2));
    json_object_set_new(st, "hostIP", json_string("10.0.0.10"));
    json_object_set_new(st, "startTime", json_string(fmt_time(w->epoch + p->bound, ts)));
    if (running) {
        json_object_set_new(st, "podIP", json_string(ip));
        json_object_set_new(st, "podIPs", json_pack("[{s:s}]", "ip", ip));
        state = json_pack("{s:{s:s}}", "running", "startedAt", fmt_time(w->epoch + p->running, ts));
    } else {
        state = json_pack("{s:{s:s}}", "waiting", "reason", "ContainerCreating");
    }
    cs = json_pack("[{s:s,s:o,s:{},s:b,s:i,s:s,s:s,s:b}]", "name", "app", "state", state, "lastState",
                   "ready", ready, "restartCount", 0, "image", "python-app:1.0", "imageID",
                   "docker.io/library/python-app@sha256:0f3b6a1c", "started", running);
    if (cs && running) {
        char cid[80];
        snprintf(cid, sizeof(cid), "containerd://%016llx%016llx", (unsigned long long)mix(p->seq + 1),
                 (unsigned long long)mix(p->seq + 2));
        json_object_set_new(json_array_get(cs, 0), "containerID", json_string(cid));
    }
    json_object_set_new(st, "containerStatuses", cs);
    return o;
}

static json_t *deploy_meta(const sims_world *w, const sims_workload *wl, const char *name, const char *uid)
{
    char rvs[24], ct[HPA_TIME_STR_MAX];

    (void)w;
    snprintf(rvs, sizeof(rvs), "%llu", (unsigned long long)wl->rv);
    return json_pack("{s:s,s:s,s:s,s:s,s:I,s:s,s:{s:s}}", "name", name, "namespace", wl->model.namespace_,
                     "uid", uid, "resourceVersion", rvs, "generation", (json_int_t)wl->generation,
                     "creationTimestamp", fmt_time(wl->created, ct), "labels", "app", wl->model.name);
}

json_t *sims_render_deployment(const sims_world *w, const sims_workload *wl)
{
    const sim_cluster *c = &wl->cl;
    char ts[HPA_TIME_STR_MAX];
    json_t *o, *meta = deploy_meta(w, wl, wl->model.name, wl->uid), *st;
    int32_t unavailable = c->replicas - c->n_ready;

    if (meta)
        json_object_set_new(meta, "annotations", json_pack("{s:s}", "deployment.kubernetes.io/revision", "1"));
    o = json_pack("{s:s,s:s,s:o,s:{s:i,s:{s:{s:s}},s:{s:{s:{s:s,s:s}},s:{s:[o],s:s,s:I}},"
                  "s:{s:s,s:{s:s,s:s}},s:i,s:i}}",
                  "kind", "Deployment", "apiVersion", "apps/v1", "metadata", meta, "spec", "replicas",
                  c->replicas, "selector", "matchLabels", "app", wl->model.name, "template", "metadata",
                  "labels", "app", wl->model.name, "pod-template-hash", wl->hash, "spec", "containers",
                  container_spec(wl), "restartPolicy", "Always", "terminationGracePeriodSeconds",
                  (json_int_t)wl->model.termination_grace_s, "strategy", "type", "RollingUpdate",
                  "rollingUpdate", "maxUnavailable", "25%", "maxSurge", "25%", "revisionHistoryLimit", 10,
                  "progressDeadlineSeconds", 600);
    if (!o)
        return NULL;
    /* the template's labels carry no pod-template-hash in a Deployment */
    json_object_del(json_object_get(json_object_get(json_object_get(json_object_get(o, "spec"), "template"),
                                                    "metadata"), "labels"), "pod-template-hash");
    st = json_pack("{s:I,s:i,s:i,s:i,s:i}", "observedGeneration", (json_int_t)wl->generation, "replicas",
                   c->n_alive, "updatedReplicas", c->n_alive, "readyReplicas", c->n_ready,
                   "availableReplicas", c->n_ready);
    if (!st) {
        json_decref(o);
        return NULL;
    }
    if (c->n_ready == 0)
        json_object_del(st, "readyReplicas");
    if (unavailable > 0)
        json_object_set_new(st, "unavailableReplicas", json_integer(unavailable));
    fmt_time(sims_world_time(w), ts);
    json_object_set_new(st, "conditions",
                        json_pack("[{s:s,s:s,s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s,s:s,s:s}]", "type", "Available",
                                  "status", unavailable > 0 ? "False" : "True", "lastUpdateTime", ts,
                                  "lastTransitionTime", ts, "reason",
                                  unavailable > 0 ? "MinimumReplicasUnavailable" : "MinimumReplicasAvailable",
                                  "message",
                                  unavailable > 0 ? "Deployment does not have minimum availability."
                                                  : "Deployment has minimum availability.",
                                  "type", "Progressing", "status", "True", "lastUpdateTime", ts,
                                  "lastTransitionTime", ts, "reason", "NewReplicaSetAvailable", "message",
                                  "ReplicaSet has successfully progressed."));
    json_object_set_new(o, "status", st);
    return o;
}

json_t *sims_render_replicaset(const sims_world *w, const sims_workload *wl)
{
    const sim_cluster *c = &wl->cl;
    json_t *meta = deploy_meta(w, wl, wl->rs_name, wl->rs_uid), *o;

    if (!meta)
        return NULL;
    json_object_set_new(json_object_get(meta, "labels"), "pod-template-hash", json_string(wl->hash));
    json_object_set_new(meta, "ownerReferences",
                        json_pack("[{s:s,s:s,s:s,s:s,s:b,s:b}]", "apiVersion", "apps/v1", "kind", "Deployment",
                                  "name", wl->model.name, "uid", wl->uid, "controller", 1,
                                  "blockOwnerDeletion", 1));
    json_object_set_new(meta, "annotations", json_pack("{s:s,s:s,s:s}", "deployment.kubernetes.io/revision", "1",
                                                       "deployment.kubernetes.io/desired-replicas", "",
                                                       "deployment.kubernetes.io/max-replicas", ""));
    {
        char b[16], mb[16];
        json_t *an = json_object_get(meta, "annotations");
        snprintf(b, sizeof(b), "%d", c->replicas);
        snprintf(mb, sizeof(mb), "%d", c->replicas + (c->replicas + 3) / 4);
        json_object_set_new(an, "deployment.kubernetes.io/desired-replicas", json_string(b));
        json_object_set_new(an, "deployment.kubernetes.io/max-replicas", json_string(mb));
    }
    o = json_pack("{s:s,s:s,s:o,s:{s:i,s:{s:{s:s,s:s}},s:{s:{s:{s:s,s:s}},s:{s:[o]}}},"
                  "s:{s:i,s:i,s:i,s:I}}",
                  "kind", "ReplicaSet", "apiVersion", "apps/v1", "metadata", meta, "spec", "replicas",
                  c->replicas, "selector", "matchLabels", "app", wl->model.name, "pod-template-hash", wl->hash,
                  "template", "metadata", "labels", "app", wl->model.name, "pod-template-hash", wl->hash,
                  "spec", "containers", container_spec(wl), "status", "replicas", c->n_alive,
                  "readyReplicas", c->n_ready, "availableReplicas", c->n_ready, "observedGeneration",
                  (json_int_t)wl->generation);
    return o;
}

json_t *sims_render_scale(const sims_world *w, const sims_workload *wl)
{
    char rvs[24], ct[HPA_TIME_STR_MAX];

    (void)w;
    snprintf(rvs, sizeof(rvs), "%llu", (unsigned long long)wl->rv);
    /* UPSTREAM: the Deployment's scale subresource reports
     * status.replicas = deployment.status.replicas and the selector as
     * a string */
    return json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s,s:s},s:{s:i},s:{s:i,s:s}}", "kind", "Scale", "apiVersion",
                     "autoscaling/v1", "metadata", "name", wl->model.name, "namespace", wl->model.namespace_,
                     "uid", wl->uid, "resourceVersion", rvs, "creationTimestamp", fmt_time(wl->created, ct),
                     "spec", "replicas", wl->cl.replicas, "status", "replicas", wl->cl.n_alive, "selector",
                     wl->cl.selector);
}

json_t *sims_render_pod_metrics(const sims_world *w, const sims_workload *wl, const sim_pod *p,
                                hpa_duration_t stale_by)
{
    char ts[HPA_TIME_STR_MAX], ct[HPA_TIME_STR_MAX], win[32];

    if (!p->has_sample || p->gone <= w->now)
        return NULL;
    hpa_duration_format(s2ms(wl->model.metrics_window_s), win, sizeof(win));
    return json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:{s:s,s:s}},s:s,s:s,s:[{s:s,s:{s:o,s:o}}]}", "kind",
                     "PodMetrics", "apiVersion", "metrics.k8s.io/v1beta1", "metadata", "name", p->name,
                     "namespace", wl->model.namespace_, "creationTimestamp",
                     fmt_time(sims_world_time(w), ct), "labels", "app", wl->model.name,
                     "pod-template-hash", wl->hash, "timestamp",
                     fmt_time(w->epoch + p->sample_t - stale_by, ts), "window", win, "containers", "name", "app",
                     "usage", "cpu", qty_milli(p->sample_cpu_m), "memory", qty_bytes(p->sample_mem_b / 1024 * 1024));
}

double sims_pod_load(const sims_world *w, const sims_workload *wl, const sim_pod *p)
{
    if (p->ready > w->now || p->deleted <= w->now || wl->cl.n_ready <= 0)
        return 0;
    return sim_cluster_load_at(&wl->cl, w->now) / wl->cl.n_ready;
}

/* ---- diffing: what the API shows changed ------------------------------------ */

static unsigned pod_sig(const sim_pod *p, sim_ms t)
{
    return (unsigned)(p->bound <= t) | (unsigned)(p->running <= t) << 1 | (unsigned)(p->ready <= t) << 2 |
           (unsigned)(p->deleted <= t) << 3;
}

const json_t *sims_pod_view(sims_world *w, sims_workload *wl, const sim_pod *p, const char **text, size_t *len)
{
    sims_pod_seen *s = (sims_pod_seen *)seen_of(wl, p);

    if (!s || s->sig != pod_sig(p, w->now))
        return NULL;
    if (!s->obj && !(s->obj = sims_render_pod(w, wl, p)))
        return NULL;
    if (text && !s->text) {
        if (!(s->text = json_dumps(s->obj, JSON_COMPACT)))
            return NULL;
        s->text_len = strlen(s->text);
    }
    if (text)
        *text = s->text;
    if (len)
        *len = s->text_len;
    return s->obj;
}

bool sims_workload_pods_match(const sims_workload *wl, const char *ns, const hpa_selector *labels)
{
    hpa_labels ls = {2, wl->pod_labels};

    if (ns && *ns && strcmp(ns, wl->model.namespace_))
        return false;
    return !labels || hpa_selector_matches(labels, &ls);
}

static json_t *deleted_pod(const sims_world *w, const sims_workload *wl, const sims_pod_seen *s)
{
    sim_pod p;

    memset(&p, 0, sizeof(p));
    p.seq = s->seq;
    snprintf(p.name, sizeof(p.name), "%s-%05u", wl->model.name, s->seq);
    p.created = p.bound = p.running = p.ready = w->now;
    p.deleted = SIM_NEVER;
    return json_pack("{s:s,s:s,s:o}", "kind", "Pod", "apiVersion", "v1", "metadata", pod_meta(w, wl, &p, s->rv));
}

static void diff_deployment(sims_world *w, sims_workload *wl)
{
    const sim_cluster *c = &wl->cl;
    json_t *o;

    if (wl->sig_set && wl->sig_replicas == c->replicas && wl->sig_alive == c->n_alive &&
        wl->sig_ready == c->n_ready)
        return;
    wl->sig_set = true;
    wl->sig_replicas = c->replicas;
    wl->sig_alive = c->n_alive;
    wl->sig_ready = c->n_ready;
    wl->rv = sims_world_next_rv(w);
    o = sims_render_deployment(w, wl);
    sims_world_log(w, SIMS_RES_DEPLOYMENTS, "MODIFIED", o, wl->rv);
    json_decref(o);
    o = sims_render_replicaset(w, wl);
    sims_world_log(w, SIMS_RES_REPLICASETS, "MODIFIED", o, wl->rv);
    json_decref(o);
}

/* Nothing the API shows of the pods changed since the last diff (the
 * common case of a clock tick: no allocation, no rendering). */
static bool pods_unchanged(const sims_world *w, const sims_workload *wl)
{
    size_t i;

    if (wl->n_seen != wl->cl.n_pods)
        return false;
    for (i = 0; i < wl->n_seen; i++)
        if (wl->seen[i].seq != wl->cl.pods[i].seq || wl->seen[i].sig != pod_sig(&wl->cl.pods[i], w->now))
            return false;
    return true;
}

static void diff_workload(sims_world *w, sims_workload *wl)
{
    sim_cluster *c = &wl->cl;
    size_t i, j;
    sims_pod_seen *ns, *old;
    size_t old_n = wl->n_seen;

    diff_deployment(w, wl);
    if (pods_unchanged(w, wl))
        return;
    ns = calloc(c->n_pods ? c->n_pods : 1, sizeof(*ns));
    if (!ns) {
        w->oom = true;
        return;
    }
    old = wl->seen;
    for (i = 0; i < old_n; i++)
        old[i].live = false;
    /* both tables are in ascending seq: walk them together */
    for (i = 0, j = 0; i < c->n_pods; i++) {
        const sim_pod *p = &c->pods[i];
        while (j < old_n && old[j].seq < p->seq)
            j++;
        ns[i].seq = p->seq;
        ns[i].sig = pod_sig(p, w->now);
        ns[i].live = true;
        if (j < old_n && old[j].seq == p->seq) {
            old[j].live = true;
            if (old[j].sig == ns[i].sig) {
                /* unchanged: keep its version and its cached view */
                ns[i].rv = old[j].rv;
                ns[i].obj = old[j].obj;
                ns[i].text = old[j].text;
                ns[i].text_len = old[j].text_len;
                old[j].obj = NULL;
                old[j].text = NULL;
                ns[i].change = SIMS_SEEN_SAME;
            } else {
                ns[i].rv = sims_world_next_rv(w);
                ns[i].change = SIMS_SEEN_MODIFIED;
            }
        } else {
            ns[i].rv = sims_world_next_rv(w);
            ns[i].change = SIMS_SEEN_ADDED;
        }
    }
    /* pods that went away */
    for (j = 0; j < old_n; j++) {
        if (!old[j].live) {
            json_t *o;
            uint64_t rv = sims_world_next_rv(w);
            old[j].rv = rv;
            o = deleted_pod(w, wl, &old[j]);
            sims_world_log(w, SIMS_RES_PODS, "DELETED", o, rv);
            json_decref(o);
        }
        seen_drop_view(&old[j]);
    }
    free(old);
    wl->seen = ns;
    wl->n_seen = c->n_pods;
    wl->cap_seen = c->n_pods;
    /* render what changed, at its new version; the rendering is the cache */
    for (i = 0; i < c->n_pods; i++) {
        sims_pod_seen *s = &ns[i];
        if (s->change == SIMS_SEEN_SAME)
            continue;
        s->obj = sims_render_pod(w, wl, &c->pods[i]);
        sims_world_log(w, SIMS_RES_PODS, s->change == SIMS_SEEN_ADDED ? "ADDED" : "MODIFIED", s->obj, s->rv);
        s->change = SIMS_SEEN_SAME;
    }
}

void sims_world_diff(sims_world *w)
{
    size_t i;

    for (i = 0; i < w->n_wl; i++)
        diff_workload(w, &w->wl[i]);
}

/* ---- simulated time ------------------------------------------------------------ */

/* Per-ready-pod integrals over [a, b): the pods do not change in between. */
static void integrate(sims_workload *wl, sim_ms a, sim_ms b)
{
    const sim_series *s = &wl->load;
    int32_t n = wl->cl.n_ready;
    sim_ms step = s2ms(s->step_s);

    if (n <= 0 || step <= 0)
        return;
    while (a < b) {
        sim_ms i = a / step, e = (i + 1) * step < b ? (i + 1) * step : b;
        double dt = (double)(e - a) / 1000.0;
        double d = s->v[(size_t)i < s->n ? (size_t)i : s->n - 1], l = d / n;
        wl->usage_int += sim_model_pod_cpu(&wl->model, l) * dt;
        wl->load_int += l * dt;
        wl->ready_time += dt;
        a = e;
    }
}

static void advance_workload(sims_world *w, sims_workload *wl, sim_ms target)
{
    sim_ms t = w->now, res = s2ms(wl->model.metrics_resolution_s);

    for (;;) {
        sim_ms tn = target, tr, ts = SIM_NEVER;
        sim_cluster_transitions(&wl->cl, t);
        if (t >= wl->next_sample) {
            sim_cluster_sample(&wl->cl, t, wl->usage_int, wl->ready_time, wl->load_int);
            wl->usage_int = wl->ready_time = wl->load_int = 0;
            wl->next_sample += res;
        }
        if (wl->ctl_ok) {
            ts = ctl_hpa_next_sync(&wl->ctl) - w->epoch;
            if (t >= ts) {
                w->now = t;
                if (ctl_hpa_sync(&wl->ctl, w->epoch + t, NULL, NULL) != HPA_OK)
                    w->oom = w->oom || wl->cl.oom;
                ts = ctl_hpa_next_sync(&wl->ctl) - w->epoch;
            }
        }
        if (t >= target)
            break;
        if (wl->next_sample < tn)
            tn = wl->next_sample;
        if (ts > t && ts < tn)
            tn = ts;
        tr = sim_cluster_next_transition(&wl->cl, t);
        if (tr > t && tr < tn)
            tn = tr;
        integrate(wl, t, tn);
        t = tn;
    }
}

void sims_world_advance(sims_world *w, sim_ms t)
{
    sim_ms start = w->now;
    size_t i;

    if (t < start)
        t = start;
    for (i = 0; i < w->n_wl; i++) {
        w->now = start;
        advance_workload(w, &w->wl[i], t);
    }
    w->now = t;
    sims_world_diff(w);
}

static void scale_done(void *arg, const hpa_err *err)
{
    if (err)
        *(hpa_err *)arg = *err;
}

hpa_errcode sims_world_scale(sims_world *w, sims_workload *wl, int32_t replicas, hpa_err *e)
{
    hpa_err res;

    hpa_err_clear(&res);
    if (replicas < 0)
        return hpa_err_set(e, HPA_EINVAL, "spec.replicas", "must be greater than or equal to 0");
    if (replicas == wl->cl.replicas)
        return HPA_OK;
    /* sim_cluster_ops completes synchronously */
    sim_cluster_ops.set_replicas(&wl->cl, &wl->spec, replicas, NULL, sims_world_time(w), scale_done, &res);
    if (res.code != HPA_OK) {
        if (e)
            *e = res;
        return res.code;
    }
    wl->generation++;
    sims_world_diff(w);
    if (wl->cl.oom)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory adding pods");
    return HPA_OK;
}

/* ---- --autoscale: the controller loop writes into the API objects ---------- */

static void as_fetch(void *cluster, const hpa_spec *hpa, hpa_time_t now, ctl_fetch_cb cb, void *arg)
{
    sims_workload *wl = cluster;

    sim_cluster_ops.fetch(&wl->cl, hpa, now, cb, arg);
}

static void as_set_replicas(void *cluster, const hpa_spec *hpa, int32_t replicas, const char *rv,
                            hpa_time_t now, ctl_done_cb cb, void *arg)
{
    sims_workload *wl = cluster;

    if (replicas != wl->cl.replicas)
        wl->generation++;
    sim_cluster_ops.set_replicas(&wl->cl, hpa, replicas, rv, now, cb, arg);
}

static void status_done(void *arg, const hpa_err *err)
{
    (void)arg;
    (void)err;
}

static void as_write_status(void *cluster, const hpa_spec *hpa, const ctl_status *st, ctl_done_cb cb,
                            void *arg)
{
    sims_workload *wl = cluster;
    sims_world *w = wl->world;
    sims_obj *o = sims_store_find(&w->store[SIMS_RES_HPAS], hpa->namespace_, hpa->name);
    char ts[HPA_TIME_STR_MAX];
    json_t *status;

    sim_cluster_ops.write_status(&wl->cl, hpa, st, status_done, NULL);
    if (o) {
        json_t *old = json_object_get(o->obj, "status");
        json_t *gen = json_object_get(json_object_get(o->obj, "metadata"), "generation");
        status = json_pack("{s:I,s:i,s:i}", "observedGeneration", json_is_integer(gen) ? json_integer_value(gen) : 1,
                           "currentReplicas", st->current_replicas, "desiredReplicas", st->desired_replicas);
        if (status) {
            if (st->has_last_scale_time)
                json_object_set_new(status, "lastScaleTime", json_string(fmt_time(st->last_scale_time, ts)));
            if (st->metrics_computed) {
                hpa_decision d;
                memset(&d, 0, sizeof(d));
                d.n_metrics = st->n_metrics;
                d.metrics = st->metrics;
                d.metrics_computed = true;
                json_object_set_new(status, "currentMetrics", hpa_codec_metric_statuses_to_json(&d));
            } else if (json_object_get(old, "currentMetrics")) {
                json_object_set(status, "currentMetrics", json_object_get(old, "currentMetrics"));
            }
            json_object_set_new(status, "conditions", hpa_codec_conditions_to_json(st->n_conditions, st->conditions));
            json_object_set_new(o->obj, "status", status);
            o->rv = sims_world_next_rv(w);
            sims_set_rv(o->obj, o->rv);
            sims_world_log(w, SIMS_RES_HPAS, "MODIFIED", o->obj, o->rv);
        }
    }
    cb(arg, NULL);
}

/* Add a v1 Event about `involved` (an object with kind/apiVersion/metadata). */
static void add_event(sims_world *w, const json_t *involved, const char *type, const char *reason,
                      const char *message, const char *component)
{
    sims_store *s = &w->store[SIMS_RES_EVENTS];
    char name[320], ts[HPA_TIME_STR_MAX], rvs[24], uid[40];
    const char *iname = sims_meta_str(involved, "name"), *ins = sims_meta_str(involved, "namespace");
    uint64_t rv;
    json_t *ev;

    if (!iname)
        return;
    while (s->n >= SIMS_MAX_EVENTS)
        sims_store_remove(s, &s->items[0]);
    rv = sims_world_next_rv(w);
    snprintf(name, sizeof(name), "%s.%016llx", iname, (unsigned long long)mix(rv + w->seed));
    snprintf(rvs, sizeof(rvs), "%llu", (unsigned long long)rv);
    sims_world_uid(w, uid, sizeof(uid));
    fmt_time(sims_world_time(w), ts);
    ev = json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s,s:s},s:{s:s,s:s,s:s,s:s?,s:s?},s:s,s:s,s:{s:s},"
                   "s:s,s:s,s:i,s:s,s:s,s:s}",
                   "kind", "Event", "apiVersion", "v1", "metadata", "name", name, "namespace", ins ? ins : "default",
                   "uid", uid, "resourceVersion", rvs, "creationTimestamp", ts, "involvedObject", "kind",
                   json_string_value(json_object_get(involved, "kind")), "namespace", ins ? ins : "default",
                   "name", iname, "uid", sims_meta_str(involved, "uid"), "apiVersion",
                   json_string_value(json_object_get(involved, "apiVersion")), "reason", reason, "message",
                   message, "source", "component", component, "firstTimestamp", ts, "lastTimestamp", ts,
                   "count", 1, "type", type, "reportingComponent", component, "reportingInstance", "");
    if (!ev)
        return;
    if (sims_store_put(s, ev, rv) == HPA_OK)
        sims_world_log(w, SIMS_RES_EVENTS, "ADDED", ev, rv);
}

static void as_record_event(void *cluster, const hpa_spec *hpa, hpa_time_t now, const char *type,
                            const char *reason, const char *message)
{
    sims_workload *wl = cluster;
    sims_obj *o = sims_store_find(&wl->world->store[SIMS_RES_HPAS], hpa->namespace_, hpa->name);

    sim_cluster_ops.record_event(&wl->cl, hpa, now, type, reason, message);
    if (o)
        add_event(wl->world, o->obj, type, reason, message, "horizontal-pod-autoscaler");
}

static const ctl_cluster_ops autoscale_ops = {as_fetch, as_set_replicas, as_write_status, as_record_event};

/* ---- init / free ---------------------------------------------------------------- */

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);

    if (d)
        memcpy(d, s, n);
    return d;
}

static hpa_errcode store_policy_hpa(sims_world *w, sims_workload *wl, int32_t initial, hpa_err *e)
{
    json_t *o = hpa_codec_hpa_to_json(&wl->spec), *meta;
    char uid[40], ct[HPA_TIME_STR_MAX];
    uint64_t rv = sims_world_next_rv(w);

    if (!o)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory rendering the policy");
    meta = json_object_get(o, "metadata");
    sims_world_uid(w, uid, sizeof(uid));
    json_object_set_new(meta, "uid", json_string(uid));
    json_object_set_new(meta, "generation", json_integer(1));
    json_object_set_new(meta, "creationTimestamp", json_string(fmt_time(wl->created, ct)));
    json_object_set_new(o, "status", json_pack("{s:i,s:i}", "currentReplicas", initial, "desiredReplicas", initial));
    sims_set_rv(o, rv);
    if (sims_store_put(&w->store[SIMS_RES_HPAS], o, rv) != HPA_OK)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory storing the policy");
    return HPA_OK;
}

static hpa_errcode init_workload(sims_world *w, sims_workload *wl, const sim_workload *src, int copy,
                                 hpa_err *e)
{
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    int32_t initial;
    hpa_errcode rc;
    uint64_t h;
    int k;

    wl->world = w;
    wl->model = src->model;
    if (copy >= 0)
        snprintf(wl->model.name, sizeof(wl->model.name), "%.50s-%d", src->model.name, copy);
    if (!src->policy)
        return hpa_err_set(e, HPA_EMISSING, "policy", "no policy for workload %s (use --policy)", wl->model.name);
    hpa_arena_init(&wl->arena);
    if (copy > 0) {
        /* copies share the first one's policy (read only); their own
         * names live in a small arena */
        wl->arena.chunk_size = 1024;
        wl->spec = w->wl[0].spec;
        wl->spec.name = w->wl[0].policy_name;
    } else if ((rc = sim_policy_load(src->policy, &wl->arena, &wl->spec, e)) != HPA_OK) {
        return rc;
    }
    if (copy == 0)
        wl->policy_name = wl->spec.name;
    if (copy >= 0)
        wl->spec.name = hpa_arena_sprintf(&wl->arena, "%s-%d", wl->spec.name, copy);
    wl->spec.namespace_ = hpa_arena_strdup(&wl->arena, wl->model.namespace_);
    wl->spec.target.name = hpa_arena_strdup(&wl->arena, wl->model.name);
    if (!wl->spec.name || !wl->spec.namespace_ || !wl->spec.target.name)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    if (copy > 0) {
        /* copies replay the same trace: share the first one's series
         * (5,000 copies of a month of samples would be gigabytes) */
        wl->load = w->wl[0].load;
        wl->load_shared = true;
    } else if ((rc = sim_workload_load_trace(src, &wl->load, e)) != HPA_OK) {
        return rc;
    }
    wl->load.epoch = w->epoch;
    initial = wl->model.initial_replicas > 0 ? wl->model.initial_replicas : wl->spec.min_replicas;
    if (initial < 1)
        initial = 1;
    if ((rc = sim_cluster_init(&wl->cl, &wl->model, &wl->load, initial, w->seed + (uint64_t)(wl - w->wl), e)) != HPA_OK)
        return rc;
    wl->cl_ok = true;
    h = mix(w->seed * 31 + (uint64_t)(wl - w->wl) + 1);
    for (k = 0; k < 10; k++, h /= 27)
        wl->hash[k] = alphabet[h % 27];
    wl->hash[10] = '\0';
    snprintf(wl->rs_name, sizeof(wl->rs_name), "%s-%s", wl->model.name, wl->hash);
    wl->pod_labels[0].key = "app";
    wl->pod_labels[0].value = wl->model.name;
    wl->pod_labels[1].key = "pod-template-hash";
    wl->pod_labels[1].value = wl->hash;
    sims_world_uid(w, wl->uid, sizeof(wl->uid));
    sims_world_uid(w, wl->rs_uid, sizeof(wl->rs_uid));
    wl->created = w->epoch - 3600 * 1000;
    wl->generation = 1;
    wl->rv = sims_world_next_rv(w);
    if ((rc = store_policy_hpa(w, wl, initial, e)) != HPA_OK)
        return rc;
    if (w->autoscale) {
        ctl_config cfg = ctl_config_default();
        cfg.opts = wl->model.opts;
        cfg.sync_period = s2ms(wl->model.sync_period_s);
        cfg.jitter = s2ms(wl->model.sync_jitter_s);
        cfg.seed = w->seed ^ 0x5851F42D4C957F2DULL;
        if ((rc = ctl_hpa_init(&wl->ctl, &autoscale_ops, wl, &wl->spec, &cfg, w->epoch, e)) != HPA_OK)
            return rc;
        wl->ctl_ok = true;
    }
    return HPA_OK;
}

static hpa_errcode override(char **slot, const char *v, hpa_err *e)
{
    char *d;

    if (!v)
        return HPA_OK;
    if (!(d = dup_str(v)))
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    free(*slot);
    *slot = d;
    return HPA_OK;
}

hpa_errcode sims_world_init(sims_world *w, const sims_world_opts *o, hpa_err *e)
{
    sim_scenario sc;
    hpa_errcode rc;
    size_t i, n;
    bool copies = o->workloads > 1;

    memset(w, 0, sizeof(*w));
    w->epoch = o->epoch;
    w->seed = o->seed ? o->seed : 1;
    w->autoscale = o->autoscale;
    rc = o->scenario ? sim_scenario_load(o->scenario, &sc, e) : sim_scenario_default(&sc, e);
    if (rc != HPA_OK)
        return rc;
    if (sc.n == 0) {
        rc = hpa_err_set(e, HPA_EINVAL, "workloads", "the scenario has no workload");
        goto out;
    }
    for (i = 0; i < sc.n; i++)
        if ((rc = override(&sc.w[i].policy, o->policy, e)) != HPA_OK ||
            (rc = override(&sc.w[i].trace.file, o->trace, e)) != HPA_OK)
            goto out;
    if (!o->seed && sc.has_seed)
        w->seed = sc.seed;
    n = copies ? (size_t)o->workloads : sc.n;
    w->wl = calloc(n, sizeof(*w->wl));
    if (!w->wl) {
        rc = hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
        goto out;
    }
    w->n_wl = n;
    for (w->wl_index_cap = 64; w->wl_index_cap < 2 * n; w->wl_index_cap *= 2)
        ;
    w->wl_index = calloc(w->wl_index_cap, sizeof(*w->wl_index));
    w->rs_index = calloc(w->wl_index_cap, sizeof(*w->rs_index));
    if (!w->wl_index || !w->rs_index) {
        rc = hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
        goto out;
    }
    for (i = 0; i < n; i++) {
        rc = init_workload(w, &w->wl[i], &sc.w[copies ? 0 : i], copies ? (int)i : -1, e);
        if (rc != HPA_OK)
            goto out;
        if (!index_workload(w, i)) {
            rc = hpa_err_set(e, HPA_EINVAL, "workloads", "two workloads are named %s", w->wl[i].model.name);
            goto out;
        }
    }
    sims_world_advance(w, 0);
    rc = HPA_OK;
out:
    sim_scenario_free(&sc);
    if (rc != HPA_OK)
        sims_world_free(w);
    return rc;
}

void sims_world_free(sims_world *w)
{
    size_t i, k;

    for (i = 0; i < w->n_wl; i++) {
        sims_workload *wl = &w->wl[i];
        if (wl->ctl_ok)
            ctl_hpa_free(&wl->ctl);
        if (wl->cl_ok)
            sim_cluster_free(&wl->cl);
        if (!wl->load_shared)
            sim_series_free(&wl->load);
        hpa_arena_free(&wl->arena);
        for (k = 0; k < wl->n_seen; k++)
            seen_drop_view(&wl->seen[k]);
        free(wl->seen);
    }
    free(w->wl);
    for (k = 0; k < SIMS_RES_COUNT; k++) {
        for (i = 0; i < w->store[k].n; i++)
            json_decref(w->store[k].items[i].obj);
        free(w->store[k].items);
        free(w->store[k].index);
    }
    free(w->wl_index);
    free(w->rs_index);
    for (i = 0; i < w->log_n; i++)
        json_decref(w->log[(w->log_head + i) % SIMS_LOG_CAP].obj);
    memset(w, 0, sizeof(*w));
}

hpa_errcode sims_world_add_event(sims_world *w, const json_t *involved, const char *type, const char *reason,
                                 const char *message, const char *component)
{
    size_t before = w->store[SIMS_RES_EVENTS].n;

    add_event(w, involved, type, reason, message, component);
    return w->store[SIMS_RES_EVENTS].n > before || before >= SIMS_MAX_EVENTS ? HPA_OK : HPA_ENOMEM;
}
