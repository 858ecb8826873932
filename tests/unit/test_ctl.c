/* test_ctl.c - the controller loop against a scripted cluster: actuation
 * only on rescale, holding on fetch errors, conflicts, asynchronous
 * completion, sync timing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec/codec.h"
#include "ctl/ctl.h"

#define T0 1767225600000LL      /* 2026-01-01T00:00:00Z */

static const char *const policy =
    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, namespace: prod}\n"
    "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n"
    "  minReplicas: 1\n  maxReplicas: 10\n"
    "  metrics:\n  - type: Resource\n    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}\n";

/* A scripted cluster: two Ready pods, each using `usage_m` of a 100m request. */
typedef struct fake {
    int32_t replicas;
    int64_t usage_m;
    bool fail_fetch;
    bool conflict;
    bool async;
    /* deferred completions (async) */
    int pending;                /* 0 none, 1 fetch, 2 set, 3 status */
    ctl_fetch_cb fcb;
    ctl_done_cb dcb;
    void *arg;
    /* what happened */
    int n_fetch, n_set, n_status;
    int32_t set_to;
    char set_rv[32];
    ctl_status last_status;
    char cond_reason[8][64];
    char cond_status[8][16];
    char cond_type[8][32];
    hpa_time_t cond_time[8];
    size_t n_cond;
    int n_events;
    char ev_reason[16][48];
    char ev_msg[16][256];
    /* snapshot storage */
    hpa_resource req[1];
    hpa_container c;
    hpa_pod pods[2];
    hpa_resource use[2][1];
    hpa_container_metrics cm[2];
    hpa_pod_metrics pm[2];
    hpa_label label;
    hpa_snapshot snap;
} fake;

static void build_snapshot(fake *f, const hpa_spec *hpa, hpa_time_t now)
{
    int i;

    memset(&f->snap, 0, sizeof(f->snap));
    f->label = (hpa_label){"app", "web"};
    f->req[0] = (hpa_resource){"cpu", 100};
    f->c.name = "app";
    f->c.requests = (hpa_resource_list){1, f->req};
    for (i = 0; i < 2; i++) {
        hpa_pod *p = &f->pods[i];
        memset(p, 0, sizeof(*p));
        p->name = i ? "web-b" : "web-a";
        p->namespace_ = "prod";
        p->labels = (hpa_labels){1, &f->label};
        p->phase = HPA_POD_RUNNING;
        p->has_start_time = true;
        p->start_time = T0 - 3600000;
        p->ready = HPA_COND_TRUE;
        p->ready_transition = T0 - 3500000;
        p->n_containers = 1;
        p->containers = &f->c;
        f->use[i][0] = (hpa_resource){"cpu", f->usage_m};
        f->cm[i] = (hpa_container_metrics){"app", {1, f->use[i]}};
        memset(&f->pm[i], 0, sizeof(f->pm[i]));
        f->pm[i].name = p->name;
        f->pm[i].timestamp = now - 5000;
        f->pm[i].window = 15000;
        f->pm[i].n_containers = 1;
        f->pm[i].containers = &f->cm[i];
    }
    f->snap.now = now;
    f->snap.hpa = hpa;
    f->snap.scale = (hpa_scale){f->replicas, f->replicas, "app=web", "42"};
    f->snap.n_pods = 2;
    f->snap.pods = f->pods;
    f->snap.has_pod_metrics = true;
    f->snap.n_pod_metrics = 2;
    f->snap.pod_metrics = f->pm;
}

static void complete_fetch(fake *f, ctl_fetch_cb cb, void *arg)
{
    if (f->fail_fetch) {
        hpa_err e;
        hpa_err_set(&e, HPA_EAPI, NULL, "deployments.apps \"web\" not found");
        cb(arg, NULL, &e);
        return;
    }
    cb(arg, &f->snap, NULL);
}

static void f_fetch(void *cluster, const hpa_spec *hpa, hpa_time_t now, ctl_fetch_cb cb, void *arg)
{
    fake *f = cluster;

    f->n_fetch++;
    build_snapshot(f, hpa, now);
    if (f->async) {
        f->pending = 1;
        f->fcb = cb;
        f->arg = arg;
        return;
    }
    complete_fetch(f, cb, arg);
}

static void complete_set(fake *f, ctl_done_cb cb, void *arg)
{
    if (f->conflict) {
        hpa_err e;
        hpa_err_set(&e, HPA_EAPI, NULL, "the object has been modified");
        cb(arg, &e);
        return;
    }
    f->replicas = f->set_to;
    cb(arg, NULL);
}

static void f_set(void *cluster, const hpa_spec *hpa, int32_t replicas, const char *rv, hpa_time_t now,
                  ctl_done_cb cb, void *arg)
{
    fake *f = cluster;

    (void)hpa;
    (void)now;
    f->n_set++;
    f->set_to = replicas;
    snprintf(f->set_rv, sizeof(f->set_rv), "%s", rv ? rv : "");
    if (f->async) {
        f->pending = 2;
        f->dcb = cb;
        f->arg = arg;
        return;
    }
    complete_set(f, cb, arg);
}

static void f_status(void *cluster, const hpa_spec *hpa, const ctl_status *st, ctl_done_cb cb, void *arg)
{
    fake *f = cluster;
    size_t i;

    (void)hpa;
    f->n_status++;
    f->last_status = *st;
    f->n_cond = st->n_conditions < 8 ? st->n_conditions : 8;
    for (i = 0; i < f->n_cond; i++) {
        snprintf(f->cond_type[i], sizeof(f->cond_type[i]), "%s", st->conditions[i].type);
        snprintf(f->cond_status[i], sizeof(f->cond_status[i]), "%s", st->conditions[i].status);
        snprintf(f->cond_reason[i], sizeof(f->cond_reason[i]), "%s", st->conditions[i].reason);
        f->cond_time[i] = st->conditions[i].last_transition;
    }
    if (f->async) {
        f->pending = 3;
        f->dcb = cb;
        f->arg = arg;
        return;
    }
    cb(arg, NULL);
}

static void f_event(void *cluster, const hpa_spec *hpa, hpa_time_t now, const char *type, const char *reason,
                    const char *msg)
{
    fake *f = cluster;

    (void)hpa;
    (void)now;
    (void)type;
    if (f->n_events < 16) {
        snprintf(f->ev_reason[f->n_events], sizeof(f->ev_reason[0]), "%s", reason);
        snprintf(f->ev_msg[f->n_events], sizeof(f->ev_msg[0]), "%s", msg);
    }
    f->n_events++;
}

static const ctl_cluster_ops fake_ops = {f_fetch, f_set, f_status, f_event};

/* Run the deferred completion, if any; returns whether one ran. */
static int pump(fake *f)
{
    int p = f->pending;

    f->pending = 0;
    if (p == 1)
        complete_fetch(f, f->fcb, f->arg);
    else if (p == 2)
        complete_set(f, f->dcb, f->arg);
    else if (p == 3)
        f->dcb(f->arg, NULL);
    return p != 0;
}

static const char *cond(const fake *f, const char *type, const char **status)
{
    size_t i;

    for (i = 0; i < f->n_cond; i++)
        if (!strcmp(f->cond_type[i], type)) {
            if (status)
                *status = f->cond_status[i];
            return f->cond_reason[i];
        }
    return NULL;
}

static bool has_event(const fake *f, const char *reason, const char *msg_part)
{
    int i;

    for (i = 0; i < f->n_events && i < 16; i++)
        if (!strcmp(f->ev_reason[i], reason) && (!msg_part || strstr(f->ev_msg[i], msg_part)))
            return true;
    return false;
}

typedef struct fixture {
    hpa_arena a;
    hpa_spec spec;
    fake f;
    ctl_hpa c;
    int done_calls;
    ctl_result last;
} fixture;

static int setup(void **state)
{
    fixture *x = calloc(1, sizeof(*x));
    hpa_docset ds;
    hpa_err e;

    assert_non_null(x);
    hpa_arena_init(&x->a);
    assert_int_equal(hpa_docset_load_buffer(policy, strlen(policy), "p", &ds, &e), HPA_OK);
    assert_int_equal(hpa_codec_hpa_from_json(ds.docs[0].root, &x->a, &x->spec, &e), HPA_OK);
    hpa_docset_free(&ds);
    x->f.replicas = 2;
    x->f.usage_m = 100;             /* 100 % of the request: desired 4 */
    assert_int_equal(ctl_hpa_init(&x->c, &fake_ops, &x->f, &x->spec, NULL, T0, &e), HPA_OK);
    *state = x;
    return 0;
}

static int teardown(void **state)
{
    fixture *x = *state;

    ctl_hpa_free(&x->c);
    hpa_arena_free(&x->a);
    free(x);
    return 0;
}

static void on_done(void *arg, const ctl_result *r)
{
    fixture *x = arg;

    x->done_calls++;
    x->last = *r;
}

static void test_rescale(void **state)
{
    fixture *x = *state;
    const char *st;

    assert_int_equal(ctl_hpa_sync(&x->c, T0, on_done, x), HPA_OK);
    assert_int_equal(x->done_calls, 1);
    assert_true(x->last.rescaled);
    assert_int_equal(x->f.n_set, 1);
    assert_int_equal(x->f.set_to, 4);
    assert_string_equal(x->f.set_rv, "42");
    assert_int_equal(x->f.n_status, 1);
    assert_int_equal(x->f.last_status.current_replicas, 2);
    assert_int_equal(x->f.last_status.desired_replicas, 4);
    assert_true(x->f.last_status.has_last_scale_time);
    assert_int_equal(x->f.last_status.last_scale_time, T0);
    assert_string_equal(cond(&x->f, "AbleToScale", &st), "SucceededRescale");
    assert_string_equal(st, "True");
    assert_true(has_event(&x->f, "SuccessfulRescale", "New size: 4"));
    assert_int_equal(ctl_hpa_next_sync(&x->c), T0 + 15000);
}

static void test_no_rescale_within_tolerance(void **state)
{
    fixture *x = *state;

    x->f.usage_m = 52;              /* 52 %: ratio 1.04, inside 10 % */
    assert_int_equal(ctl_hpa_sync(&x->c, T0, on_done, x), HPA_OK);
    assert_true(x->last.decided);
    assert_false(x->last.rescaled);
    assert_int_equal(x->f.n_set, 0);
    assert_int_equal(x->f.last_status.desired_replicas, 2);
    assert_false(x->f.last_status.has_last_scale_time);
    assert_false(has_event(&x->f, "SuccessfulRescale", NULL));
}

static void test_fetch_error_holds(void **state)
{
    fixture *x = *state;
    const char *st;

    /* one good sync first, so that there is a count to hold */
    assert_int_equal(ctl_hpa_sync(&x->c, T0, on_done, x), HPA_OK);
    x->f.fail_fetch = true;
    assert_int_equal(ctl_hpa_sync(&x->c, T0 + 15000, on_done, x), HPA_OK);
    assert_int_equal(x->done_calls, 2);
    assert_false(x->last.fetched);
    assert_false(x->last.decided);
    assert_int_equal(x->last.err.code, HPA_EAPI);
    assert_int_equal(x->f.n_set, 1);           /* only the first sync's */
    assert_int_equal(x->f.last_status.desired_replicas, 4);
    assert_string_equal(cond(&x->f, "AbleToScale", &st), "FailedGetScale");
    assert_string_equal(st, "False");
    assert_true(has_event(&x->f, "FailedGetScale", "not found"));
    /* the last scale time survives */
    assert_true(x->f.last_status.has_last_scale_time);
    assert_int_equal(x->f.last_status.last_scale_time, T0);
}

static void test_conflict(void **state)
{
    fixture *x = *state;
    const char *st;
    static const hpa_scaling_policy up = {HPA_POLICY_PERCENT, 100, 15};
    static const hpa_scaling_policy down = {HPA_POLICY_PERCENT, 100, 15};

    /* with a behavior, a rescale records a scale event; a failed one must not */
    x->spec.has_behavior = true;
    memset(&x->spec.scale_up, 0, sizeof(x->spec.scale_up));
    x->spec.scale_up.has_window = true;
    x->spec.scale_up.select = HPA_SELECT_MAX;
    x->spec.scale_up.n_policies = 1;
    x->spec.scale_up.policies = &up;
    x->spec.scale_down = x->spec.scale_up;
    x->spec.scale_down.window_seconds = 300;
    x->spec.scale_down.policies = &down;
    ctl_hpa_set_spec(&x->c, &x->spec);
    x->f.conflict = true;
    assert_int_equal(ctl_hpa_sync(&x->c, T0, on_done, x), HPA_OK);
    assert_false(x->last.rescaled);
    assert_int_equal(x->last.err.code, HPA_EAPI);
    assert_int_equal(x->f.n_set, 1);
    assert_string_equal(cond(&x->f, "AbleToScale", &st), "FailedUpdateScale");
    assert_string_equal(st, "False");
    assert_true(has_event(&x->f, "FailedRescale", "the object has been modified"));
    assert_false(has_event(&x->f, "SuccessfulRescale", NULL));
    assert_false(x->f.last_status.has_last_scale_time);
    assert_int_equal(x->c.state.n_up, 0);
    /* the same sync without the conflict records the event */
    x->f.conflict = false;
    assert_int_equal(ctl_hpa_sync(&x->c, T0 + 15000, on_done, x), HPA_OK);
    assert_true(x->last.rescaled);
    assert_int_equal(x->c.state.n_up, 1);
}

static void test_async(void **state)
{
    fixture *x = *state;
    int steps = 0;

    x->f.async = true;
    assert_int_equal(ctl_hpa_sync(&x->c, T0, on_done, x), HPA_OK);
    assert_int_equal(x->done_calls, 0);
    /* a sync in flight refuses another */
    assert_int_equal(ctl_hpa_sync(&x->c, T0 + 1, on_done, x), HPA_EINVAL);
    while (pump(&x->f))
        steps++;
    assert_int_equal(steps, 3);                 /* fetch, set, status */
    assert_int_equal(x->done_calls, 1);
    assert_true(x->last.rescaled);
    assert_int_equal(x->f.replicas, 4);
    assert_int_equal(ctl_hpa_sync(&x->c, T0 + 15000, on_done, x), HPA_OK);
    while (pump(&x->f))
        ;
    assert_int_equal(x->done_calls, 2);
}

/* The condition's lastTransitionTime moves only when its status changes:
 * the status the loop wrote is what the next decision reads. */
static void test_status_carried(void **state)
{
    fixture *x = *state;
    size_t i;
    hpa_time_t first = 0;

    assert_int_equal(ctl_hpa_sync(&x->c, T0, on_done, x), HPA_OK);
    for (i = 0; i < x->f.n_cond; i++)
        if (!strcmp(x->f.cond_type[i], "ScalingActive"))
            first = x->f.cond_time[i];
    assert_int_equal(first, T0);
    x->f.usage_m = 50;
    assert_int_equal(ctl_hpa_sync(&x->c, T0 + 15000, on_done, x), HPA_OK);
    for (i = 0; i < x->f.n_cond; i++)
        if (!strcmp(x->f.cond_type[i], "ScalingActive"))
            assert_int_equal(x->f.cond_time[i], T0);
    assert_int_equal(x->c.n_syncs, 2);
}

static void test_jitter(void **state)
{
    fixture *x = *state;
    ctl_config cfg = ctl_config_default();
    ctl_hpa a, b, c;
    hpa_err e;
    int i, differ = 0;

    assert_int_equal(cfg.sync_period, 15000);
    cfg.jitter = 3000;
    cfg.seed = 7;
    assert_int_equal(ctl_hpa_init(&a, &fake_ops, &x->f, &x->spec, &cfg, T0, &e), HPA_OK);
    assert_int_equal(ctl_hpa_init(&b, &fake_ops, &x->f, &x->spec, &cfg, T0, &e), HPA_OK);
    cfg.seed = 8;
    assert_int_equal(ctl_hpa_init(&c, &fake_ops, &x->f, &x->spec, &cfg, T0, &e), HPA_OK);
    assert_int_equal(ctl_hpa_next_sync(&a), T0);
    for (i = 0; i < 20; i++) {
        hpa_time_t t = ctl_hpa_next_sync(&a);
        hpa_duration_t d;
        assert_int_equal(ctl_hpa_sync(&a, t, NULL, NULL), HPA_OK);
        assert_int_equal(ctl_hpa_sync(&b, t, NULL, NULL), HPA_OK);
        assert_int_equal(ctl_hpa_sync(&c, t, NULL, NULL), HPA_OK);
        d = ctl_hpa_next_sync(&a) - t;
        assert_true(d >= 15000 && d < 18000);
        assert_int_equal(ctl_hpa_next_sync(&a), ctl_hpa_next_sync(&b));
        differ += ctl_hpa_next_sync(&a) != ctl_hpa_next_sync(&c);
    }
    assert_true(differ > 0);
    ctl_hpa_free(&a);
    ctl_hpa_free(&b);
    ctl_hpa_free(&c);
    cfg.sync_period = 0;
    assert_int_equal(ctl_hpa_init(&a, &fake_ops, &x->f, &x->spec, &cfg, T0, &e), HPA_EINVAL);
    assert_string_equal(e.path, "syncPeriod");
    ctl_hpa_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_rescale, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_rescale_within_tolerance, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fetch_error_holds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_conflict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_async, setup, teardown),
        cmocka_unit_test_setup_teardown(test_status_carried, setup, teardown),
        cmocka_unit_test_setup_teardown(test_jitter, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
