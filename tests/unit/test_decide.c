/* test_decide.c - the decision, rule by rule (hpa_decide). Each row of the
 * table builds a snapshot as structs and names the upstream test or rule it
 * mirrors; expected values come from upstream's test tables
 * (horizontal_test.go, replica_calculator_test.go) or from the rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hpa/decide.h"

#define T0 1795860000000LL /* 2026-11-29T10:00:00Z */
#define SEC 1000LL
#define MAXP 12

/* ---- a snapshot under construction --------------------------------------- */

typedef struct fx {
    hpa_spec spec;
    hpa_metric_spec metrics[4];
    hpa_scaling_policy up_pol[4], down_pol[4];
    hpa_condition conds[4];
    hpa_pod pods[MAXP];
    hpa_container ctr[MAXP][2];
    hpa_resource req[MAXP][2][2];
    hpa_resource pod_req[MAXP];
    hpa_label lab;
    hpa_pod_metrics pm[MAXP];
    hpa_container_metrics pmc[MAXP][2];
    hpa_resource usage[MAXP][2][2];
    hpa_pod_metric_value pcv[MAXP];
    hpa_pod_metric_list pcl;
    hpa_object_metric_value obj;
    hpa_external_metric_value ext[4];
    hpa_external_metric_list extl;
    hpa_label_selector msel;
    hpa_label mlab;
    hpa_snapshot snap;
    hpa_options opts;
    hpa_state state;
    hpa_workspace ws;
    hpa_decision d;
    hpa_strbuf ex;
} fx;

static void fx_init(fx *f, int32_t current, int32_t min, int32_t max)
{
    memset(f, 0, sizeof(*f));
    f->spec.name = "test-hpa";
    f->spec.namespace_ = "test-namespace";
    f->spec.target.api_version = "apps/v1";
    f->spec.target.kind = "Deployment";
    f->spec.target.name = "web";
    f->spec.has_min_replicas = true;
    f->spec.min_replicas = min;
    f->spec.max_replicas = max;
    f->spec.metrics = f->metrics;
    f->lab.key = "app";
    f->lab.value = "web";
    f->snap.now = T0;
    f->snap.hpa = &f->spec;
    f->snap.scale.spec_replicas = current;
    f->snap.scale.status_replicas = current;
    f->snap.scale.selector = "app=web";
    f->snap.pods = f->pods;
    f->snap.pod_metrics = f->pm;
    f->opts = hpa_options_default();
    hpa_state_init(&f->state);
    f->state.known = true;  /* upstream tests mostly start with [] */
    hpa_workspace_init(&f->ws);
}

static void fx_free(fx *f)
{
    hpa_state_free(&f->state);
    hpa_workspace_free(&f->ws);
    hpa_strbuf_free(&f->ex);
}

static hpa_metric_spec *add_cpu(fx *f, int32_t target)
{
    hpa_metric_spec *m = &f->metrics[f->spec.n_metrics++];

    m->type = HPA_METRIC_RESOURCE;
    m->type_name = "Resource";
    m->resource = "cpu";
    m->target.type = HPA_TARGET_UTILIZATION;
    m->target.has_average_utilization = true;
    m->target.average_utilization = target;
    return m;
}

static hpa_metric_spec *add_resource(fx *f, const char *res, int32_t target)
{
    hpa_metric_spec *m = add_cpu(f, target);

    m->resource = res;
    return m;
}

/* A running, ready pod started long ago, one container "app" requesting
 * `req` milli of cpu (and memory) and using `use` (< 0: no PodMetrics). */
static hpa_pod *add_pod(fx *f, int64_t req, int64_t use)
{
    size_t i = f->snap.n_pods++;
    hpa_pod *p = &f->pods[i];
    static char names[MAXP][16];

    snprintf(names[i], sizeof(names[i]), "pod-%zu", i);
    p->name = names[i];
    p->labels.n = 1;
    p->labels.items = &f->lab;
    p->has_labels = true;
    p->phase = HPA_POD_RUNNING;
    p->has_start_time = true;
    p->start_time = T0 - 3600 * SEC;
    p->ready = HPA_COND_TRUE;
    p->ready_transition = T0 - 3500 * SEC;
    f->req[i][0][0].name = "cpu";
    f->req[i][0][0].milli = req;
    f->req[i][0][1].name = "memory";
    f->req[i][0][1].milli = req;
    f->ctr[i][0].name = "app";
    f->ctr[i][0].requests.n = req >= 0 ? 2 : 0;
    f->ctr[i][0].requests.items = f->req[i][0];
    p->containers = f->ctr[i];
    p->n_containers = 1;
    if (use >= 0) {
        size_t j = f->snap.n_pod_metrics++;

        f->snap.has_pod_metrics = true;
        f->pm[j].name = names[i];
        f->pm[j].timestamp = T0 - 10 * SEC;
        f->pm[j].window = 30 * SEC;
        f->usage[j][0][0].name = "cpu";
        f->usage[j][0][0].milli = use;
        f->usage[j][0][1].name = "memory";
        f->usage[j][0][1].milli = use;
        f->pmc[j][0].name = "app";
        f->pmc[j][0].usage.n = 2;
        f->pmc[j][0].usage.items = f->usage[j][0];
        f->pm[j].containers = f->pmc[j];
        f->pm[j].n_containers = 1;
    }
    return p;
}

static void add_pods(fx *f, size_t n, const int64_t *req, const int64_t *use)
{
    size_t i;

    for (i = 0; i < n; i++)
        add_pod(f, req[i], use[i]);
}

static hpa_metric_spec *add_pods_metric(fx *f, const char *name, int64_t target)
{
    hpa_metric_spec *m = &f->metrics[f->spec.n_metrics++];

    m->type = HPA_METRIC_PODS;
    m->type_name = "Pods";
    m->metric_name = name;
    m->target.type = HPA_TARGET_AVERAGE_VALUE;
    m->target.has_average_value = true;
    m->target.average_value_milli = target;
    f->pcl.metric = name;
    f->pcl.items = f->pcv;
    f->snap.pod_custom = &f->pcl;
    f->snap.n_pod_custom = 1;
    return m;
}

static void add_custom_value(fx *f, const char *pod, int64_t v)
{
    hpa_pod_metric_value *pv = &f->pcv[f->pcl.n++];

    pv->pod = pod;
    pv->milli = v;
    pv->timestamp = T0;
}

static hpa_metric_spec *add_object(fx *f, const char *name, int64_t value, bool avg, int64_t target)
{
    hpa_metric_spec *m = &f->metrics[f->spec.n_metrics++];

    m->type = HPA_METRIC_OBJECT;
    m->type_name = "Object";
    m->metric_name = name;
    m->described.api_version = "apps/v1";
    m->described.kind = "Deployment";
    m->described.name = "web";
    m->target.type = avg ? HPA_TARGET_AVERAGE_VALUE : HPA_TARGET_VALUE;
    if (avg) {
        m->target.has_average_value = true;
        m->target.average_value_milli = target;
    } else {
        m->target.has_value = true;
        m->target.value_milli = target;
    }
    if (value >= 0) {
        f->obj.metric = name;
        f->obj.described = m->described;
        f->obj.milli = value;
        f->snap.object_metrics = &f->obj;
        f->snap.n_object_metrics = 1;
    }
    return m;
}

static hpa_metric_spec *add_external(fx *f, const char *name, bool avg, int64_t target)
{
    hpa_metric_spec *m = &f->metrics[f->spec.n_metrics++];

    m->type = HPA_METRIC_EXTERNAL;
    m->type_name = "External";
    m->metric_name = name;
    if (avg) {
        m->target.type = HPA_TARGET_AVERAGE_VALUE;
        m->target.has_average_value = true;
        m->target.average_value_milli = target;
    } else {
        m->target.type = HPA_TARGET_VALUE;
        m->target.has_value = true;
        m->target.value_milli = target;
    }
    f->extl.metric = name;
    f->extl.items = f->ext;
    f->snap.external = &f->extl;
    f->snap.n_external = 1;
    return m;
}

static void add_ext_value(fx *f, int64_t v)
{
    f->ext[f->extl.n++].milli = v;
}

/* behavior with the API defaults, then tweaked by the row */
static void add_behavior(fx *f)
{
    f->spec.has_behavior = true;
    f->up_pol[0] = (hpa_scaling_policy){HPA_POLICY_PODS, 4, 15};
    f->up_pol[1] = (hpa_scaling_policy){HPA_POLICY_PERCENT, 100, 15};
    f->down_pol[0] = (hpa_scaling_policy){HPA_POLICY_PERCENT, 100, 15};
    f->spec.scale_up = (hpa_scaling_rules){true, 0, HPA_SELECT_MAX, 2, f->up_pol, false, {0, 0, 0}};
    f->spec.scale_down = (hpa_scaling_rules){false, 0, HPA_SELECT_MAX, 1, f->down_pol, false, {0, 0, 0}};
}

static void add_rec(fx *f, int64_t ago_s, int32_t replicas)
{
    hpa_recommendation r = {T0 - ago_s * SEC, replicas};

    assert_int_equal(hpa_state_push_rec(&f->state, r), HPA_OK);
}

static void add_up_event(fx *f, int64_t ago_s, int32_t change)
{
    hpa_scale_event e = {T0 - ago_s * SEC, change, false};

    assert_int_equal(hpa_state_push_up(&f->state, e), HPA_OK);
}

static void add_down_event(fx *f, int64_t ago_s, int32_t change)
{
    hpa_scale_event e = {T0 - ago_s * SEC, change, false};

    assert_int_equal(hpa_state_push_down(&f->state, e), HPA_OK);
}

/* ---- the table ------------------------------------------------------------------ */

typedef struct row {
    const char *name;
    void (*setup)(fx *f);
    int32_t desired;
    const char *able;       /* AbleToScale reason, NULL: not checked */
    const char *active;     /* ScalingActive reason, NULL: not checked, "-": absent */
    const char *limited;    /* ScalingLimited reason, NULL: not checked, "-": absent */
    const char *reason;     /* rescale reason, NULL: not checked */
    int32_t util;           /* currentMetrics[0] utilization, -1: not checked */
    void (*check)(fx *f);   /* extra assertions, may be NULL */
} row;

static const int64_t R1[] = {1000, 1000, 1000, 1000, 1000, 1000};

/* replica_calculator_test.go / horizontal_test.go: testScaleUp */
static void s_scale_up(fx *f)
{
    static const int64_t use[] = {300, 500, 700};

    fx_init(f, 3, 2, 6);
    add_cpu(f, 30);
    add_pods(f, 3, R1, use);
}

static void s_scale_up_unready_less(fx *f)
{
    s_scale_up(f);
    f->pods[0].ready = HPA_COND_FALSE;
    f->pods[0].ready_transition = f->pods[0].start_time; /* never ready */
}

static void s_scale_up_unready_no_scale(fx *f)
{
    static const int64_t use[] = {400, 500, 700};

    fx_init(f, 3, 1, 6);
    add_cpu(f, 30);
    add_pods(f, 3, R1, use);
    f->pods[1].ready = HPA_COND_FALSE;
    f->pods[1].ready_transition = f->pods[1].start_time;
    f->pods[2].ready = HPA_COND_FALSE;
    f->pods[2].ready_transition = f->pods[2].start_time;
}

static void s_ignores_failed(fx *f)
{
    static const int64_t use[] = {500, 700, 100, 100};

    fx_init(f, 2, 1, 6);
    add_cpu(f, 30);
    add_pods(f, 4, R1, use);
    f->pods[2].phase = HPA_POD_FAILED;
    f->pods[3].phase = HPA_POD_FAILED;
}

static void s_ignores_deleted(fx *f)
{
    s_ignores_failed(f);
    f->pods[2].phase = HPA_POD_RUNNING;
    f->pods[3].phase = HPA_POD_RUNNING;
    f->pods[2].deleting = true;
    f->pods[3].deleting = true;
}

static void s_ignores_succeeded(fx *f)
{
    s_ignores_failed(f);
    f->pods[2].phase = HPA_POD_SUCCEEDED;
    f->pods[3].phase = HPA_POD_SUCCEEDED;
}

static void s_pending_unready(fx *f)
{
    s_scale_up(f);
    f->pods[0].phase = HPA_POD_PENDING;
}

static void s_scale_down(fx *f)
{
    static const int64_t use[] = {100, 300, 500, 250, 250};

    fx_init(f, 5, 2, 6);
    add_cpu(f, 50);
    add_pods(f, 5, R1, use);
}

static void s_scale_down_initial(fx *f)
{
    s_scale_down(f);
    f->state.known = false;
}

static void s_scale_down_ignores_unready(fx *f)
{
    s_scale_down(f);
    f->spec.min_replicas = 1;
    f->pods[3].ready = HPA_COND_FALSE;
    f->pods[3].ready_transition = f->pods[3].start_time;
    f->pods[4].ready = HPA_COND_FALSE;
    f->pods[4].ready_transition = f->pods[4].start_time;
}

static void s_tolerance(fx *f)
{
    static const int64_t req[] = {900, 1000, 1100};
    static const int64_t use[] = {1010, 1030, 1020};

    fx_init(f, 3, 1, 5);
    add_cpu(f, 100);
    add_pods(f, 3, req, use);
}

static void s_tolerance_edge_up(fx *f)
{
    static const int64_t use[] = {1100, 1100, 1100};

    fx_init(f, 3, 1, 10);
    add_cpu(f, 100);
    add_pods(f, 3, R1, use);    /* ratio exactly 1.1: inside */
}

static void s_tolerance_edge_out(fx *f)
{
    static const int64_t use[] = {1110, 1110, 1110};

    fx_init(f, 3, 1, 10);
    add_cpu(f, 100);
    add_pods(f, 3, R1, use);    /* 111 %: outside */
}

static void s_behavior_tolerance(fx *f)
{
    s_tolerance_edge_out(f);
    add_behavior(f);
    f->spec.scale_up.has_tolerance = true;
    f->spec.scale_up.tolerance = (hpa_quantity){2, -1, HPA_QFMT_DECIMAL_SI}; /* 0.2 */
}

static void s_behavior_tolerance_down(fx *f)
{
    static const int64_t use[] = {600, 600, 600};

    fx_init(f, 3, 1, 10);
    add_cpu(f, 100);
    add_pods(f, 3, R1, use);
    add_behavior(f);
    f->spec.scale_down.has_window = true;
    f->spec.scale_down.has_tolerance = true;
    f->spec.scale_down.tolerance = (hpa_quantity){5, -1, HPA_QFMT_DECIMAL_SI}; /* 0.5 */
}

static void s_min_replicas(fx *f)
{
    static const int64_t req[] = {900, 1000, 1100};
    static const int64_t use[] = {10, 95, 10};

    fx_init(f, 3, 2, 5);
    add_cpu(f, 90);
    add_pods(f, 3, req, use);
}

static void s_zero_min_desired_zero(fx *f)
{
    static const int64_t use[] = {0, 0, 0};

    fx_init(f, 3, 0, 5);
    add_cpu(f, 90);
    add_pods(f, 3, R1, use);
}

static void s_min_desired_zero(fx *f)
{
    s_zero_min_desired_zero(f);
    f->spec.min_replicas = 2;
}

static void s_zero_replicas(fx *f)
{
    fx_init(f, 0, 3, 5);
    add_cpu(f, 90);
}

static void s_too_few(fx *f)
{
    fx_init(f, 2, 3, 5);
    add_cpu(f, 90);
}

static void s_too_many(fx *f)
{
    fx_init(f, 10, 3, 5);
    add_cpu(f, 90);
}

static void s_too_many_behavior(fx *f)
{
    s_too_many(f);
    add_behavior(f);
}

static void s_max_replicas(fx *f)
{
    static const int64_t req[] = {900, 1000, 1100};
    static const int64_t use[] = {8000, 9500, 1000};

    fx_init(f, 3, 2, 5);
    add_cpu(f, 90);
    add_pods(f, 3, req, use);
}

static void s_superfluous(fx *f)
{
    static const int64_t use[] = {4000, 9500, 3000, 7000};

    fx_init(f, 4, 2, 6);
    add_cpu(f, 100);
    add_pods(f, 4, R1, use);
    /* two metrics for pods that are not in the pod list */
    f->pm[4] = f->pm[0];
    f->pm[4].name = "extra-1";
    f->pm[5] = f->pm[0];
    f->pm[5].name = "extra-2";
    f->snap.n_pod_metrics = 6;
}

static void s_missing_metrics(fx *f)
{
    static const int64_t use[] = {400, 95, -1, -1};

    fx_init(f, 4, 2, 6);
    add_cpu(f, 100);
    add_pods(f, 4, R1, use);
}

static void s_missing_eq(fx *f)
{
    static const int64_t use[] = {1000, -1};

    fx_init(f, 2, 1, 6);
    add_cpu(f, 100);
    add_pods(f, 2, R1, use);
}

static void s_missing_gt(fx *f)
{
    static const int64_t use[] = {1900, -1};

    fx_init(f, 2, 1, 6);
    add_cpu(f, 100);
    add_pods(f, 2, R1, use);
}

static void s_missing_lt(fx *f)
{
    static const int64_t use[] = {600, -1};

    fx_init(f, 2, 1, 6);
    add_cpu(f, 100);
    add_pods(f, 2, R1, use);
}

static void s_missing_unready_change(fx *f)
{
    static const int64_t use[] = {100, 450, -1};

    fx_init(f, 3, 1, 6);
    add_cpu(f, 50);
    add_pods(f, 3, R1, use);
    f->pods[0].ready = HPA_COND_FALSE;
    f->pods[0].ready_transition = f->pods[0].start_time;
}

static void s_missing_unready_up(fx *f)
{
    static const int64_t use[] = {100, 2000, -1};

    fx_init(f, 3, 1, 6);
    add_cpu(f, 50);
    add_pods(f, 3, R1, use);
    f->pods[0].ready = HPA_COND_FALSE;
    f->pods[0].ready_transition = f->pods[0].start_time;
}

static void s_missing_unready_down(fx *f)
{
    static const int64_t use[] = {100, 100, 100, -1};

    fx_init(f, 4, 1, 6);
    add_cpu(f, 50);
    add_pods(f, 4, R1, use);
    f->pods[0].ready = HPA_COND_FALSE;
    f->pods[0].ready_transition = f->pods[0].start_time;
}

static void s_missing_target_above_100(fx *f)
{
    /* scale-down: missing pod counted at request x 150 / 100 */
    static const int64_t use[] = {300, 300, -1};

    fx_init(f, 3, 1, 6);
    add_cpu(f, 150);
    add_pods(f, 3, R1, use);
}

static void s_cpu_initializing_unready(fx *f)
{
    /* hot cpu: pod 0 started 1 minute ago, its sample predates readiness */
    s_scale_up(f);
    f->pods[0].start_time = T0 - 60 * SEC;
    f->pods[0].ready_transition = T0 - 20 * SEC;
    f->pm[0].timestamp = T0 - 15 * SEC;     /* before transition + window */
}

static void s_cpu_initializing_ready(fx *f)
{
    s_scale_up(f);
    f->pods[0].start_time = T0 - 120 * SEC;
    f->pods[0].ready_transition = T0 - 100 * SEC;
    f->pm[0].timestamp = T0 - 10 * SEC;     /* after transition + 30 s */
}

static void s_no_ready_condition(fx *f)
{
    s_scale_up(f);
    f->pods[0].ready = HPA_COND_ABSENT;
}

static void s_ready_unknown(fx *f)
{
    s_scale_up(f);
    f->pods[0].ready = HPA_COND_UNKNOWN;
    f->pods[0].ready_transition = f->pods[0].start_time;
}

static void s_became_unready_later(fx *f)
{
    /* Ready False but it was ready after the initial delay: counted ready */
    s_scale_up(f);
    f->pods[0].ready = HPA_COND_FALSE;
    f->pods[0].ready_transition = f->pods[0].start_time + 120 * SEC;
}

static void s_memory_ignores_readiness(fx *f)
{
    static const int64_t use[] = {300, 500, 700};

    fx_init(f, 3, 1, 6);
    add_resource(f, "memory", 30);
    add_pods(f, 3, R1, use);
    f->pods[0].ready = HPA_COND_FALSE;
    f->pods[0].ready_transition = f->pods[0].start_time;
}

static void s_empty_metrics(fx *f)
{
    static const int64_t use[] = {-1, -1, -1, -1};

    fx_init(f, 4, 2, 6);
    add_cpu(f, 100);
    add_pods(f, 4, R1, use);
}

static void s_empty_cpu_request(fx *f)
{
    static const int64_t req[] = {-1};
    static const int64_t use[] = {200};

    fx_init(f, 1, 1, 5);
    add_cpu(f, 100);
    add_pods(f, 1, req, use);
}

static void s_no_pods(fx *f)
{
    static const int64_t use[] = {200};

    fx_init(f, 1, 1, 5);
    add_cpu(f, 100);
    add_pods(f, 1, R1, use);
    f->pods[0].labels.n = 0;    /* not selected */
}

static void s_missing_selector(fx *f)
{
    s_scale_up(f);
    f->snap.scale.selector = "";
}

static void s_invalid_selector(fx *f)
{
    s_scale_up(f);
    f->snap.scale.selector = "app in (";
}

static void s_bad_api_version(fx *f)
{
    s_scale_up(f);
    f->spec.target.api_version = "apps/v1/extra";
}

static void s_unknown_type(fx *f)
{
    s_scale_up(f);
    f->metrics[0].type = HPA_METRIC_UNKNOWN;
    f->metrics[0].type_name = "Bogus";
}

static void s_container_resource(fx *f)
{
    s_scale_up(f);
    f->metrics[0].type = HPA_METRIC_CONTAINER_RESOURCE;
    f->metrics[0].container = "app";
}

static void s_container_missing(fx *f)
{
    s_scale_up(f);
    f->metrics[0].type = HPA_METRIC_CONTAINER_RESOURCE;
    f->metrics[0].container = "nope";
}

static void s_sidecar(fx *f)
{
    /* a sidecar init container's request counts: 2000 per pod */
    size_t i;
    static hpa_container side[3];
    static hpa_resource sreq[3];

    s_scale_up(f);
    for (i = 0; i < 3; i++) {
        sreq[i] = (hpa_resource){"cpu", 1000};
        side[i].name = "sidecar";
        side[i].restart_always = true;
        side[i].requests.n = 1;
        side[i].requests.items = &sreq[i];
        f->pods[i].init_containers = &side[i];
        f->pods[i].n_init_containers = 1;
    }
}

static void s_pod_level_requests(fx *f)
{
    size_t i;

    s_scale_up(f);
    for (i = 0; i < 3; i++) {
        f->pod_req[i] = (hpa_resource){"cpu", 500};
        f->pods[i].has_pod_requests = true;
        f->pods[i].pod_requests.n = 1;
        f->pods[i].pod_requests.items = &f->pod_req[i];
    }
}

static void s_average_value(fx *f)
{
    s_scale_up(f);
    f->metrics[0].target.type = HPA_TARGET_AVERAGE_VALUE;
    f->metrics[0].target.has_average_value = true;
    f->metrics[0].target.average_value_milli = 300;
}

static void s_pods_metric(fx *f)
{
    fx_init(f, 3, 2, 6);
    add_pods(f, 3, R1, (const int64_t[]){-1, -1, -1});
    add_pods_metric(f, "qps", 15000);
    add_custom_value(f, "pod-0", 20000);
    add_custom_value(f, "pod-1", 10000);
    add_custom_value(f, "pod-2", 30000);
}

static void s_pods_metric_unready(fx *f)
{
    /* Pods metrics ignore readiness: testReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale */
    fx_init(f, 3, 1, 10);
    add_pods(f, 3, R1, (const int64_t[]){-1, -1, -1});
    f->pods[0].ready = HPA_COND_FALSE;
    f->pods[2].ready = HPA_COND_FALSE;
    add_pods_metric(f, "qps", 15000);
    add_custom_value(f, "pod-0", 50000);
    add_custom_value(f, "pod-1", 10000);
    add_custom_value(f, "pod-2", 30000);
}

static void s_pods_metric_missing_down(fx *f)
{
    /* missing pod counted at the target on a scale-down */
    fx_init(f, 4, 1, 10);
    add_pods(f, 4, R1, (const int64_t[]){-1, -1, -1, -1});
    add_pods_metric(f, "qps", 10000);
    add_custom_value(f, "pod-0", 1000);
    add_custom_value(f, "pod-1", 1000);
    add_custom_value(f, "pod-2", 1000);
}

static void s_pods_metric_none(fx *f)
{
    fx_init(f, 3, 1, 10);
    add_pods(f, 3, R1, (const int64_t[]){-1, -1, -1});
    add_pods_metric(f, "qps", 10000);
}

static void s_object_value(fx *f)
{
    fx_init(f, 3, 2, 6);
    add_pods(f, 3, R1, (const int64_t[]){-1, -1, -1});
    add_object(f, "qps", 20000, false, 6666);
}

static void s_object_avg(fx *f)
{
    fx_init(f, 3, 2, 10);
    add_object(f, "qps", 20000, true, 2000);
}

static void s_object_missing(fx *f)
{
    fx_init(f, 3, 2, 10);
    add_object(f, "qps", -1, false, 2000);
}

static void s_external_value(fx *f)
{
    fx_init(f, 3, 2, 6);
    add_pods(f, 3, R1, (const int64_t[]){-1, -1, -1});
    add_external(f, "qps", false, 6666);
    add_ext_value(f, 8600);
}

static void s_external_avg(fx *f)
{
    fx_init(f, 3, 1, 10);
    add_external(f, "qps", true, 2000);
    add_ext_value(f, 4300);
    add_ext_value(f, 4300);
}

static void s_external_saturates(fx *f)
{
    fx_init(f, 3, 1, 100);
    add_external(f, "qps", true, 1000);
    add_ext_value(f, INT64_MAX);
    add_ext_value(f, INT64_MAX);
}

static void s_external_none(fx *f)
{
    fx_init(f, 3, 1, 10);
    add_external(f, "qps", false, 2000);
}

static void s_external_bad_selector(fx *f)
{
    hpa_metric_spec *m;
    static hpa_label_selector_expr ex = {"env", "Bogus", 0, NULL};

    fx_init(f, 3, 1, 10);
    m = add_external(f, "qps", false, 2000);
    add_ext_value(f, 8000);
    f->msel.n_exprs = 1;
    f->msel.exprs = &ex;
    m->metric_selector = &f->msel;
}

static void s_scale_from_zero(fx *f)
{
    fx_init(f, 0, 0, 10);
    add_external(f, "qps", false, 2000);
    add_ext_value(f, 5000);
}

static void s_two_metrics_max(fx *f)
{
    static const int64_t use[] = {300, 500, 700};

    fx_init(f, 3, 1, 20);
    add_cpu(f, 30);             /* -> 5 */
    add_resource(f, "memory", 10); /* -> 15 */
    add_pods(f, 3, R1, use);
}

static void s_two_metrics_tie(fx *f)
{
    static const int64_t use[] = {300, 500, 700};

    fx_init(f, 3, 1, 20);
    add_cpu(f, 30);
    add_resource(f, "memory", 30);
    add_pods(f, 3, R1, use);
}

static void s_one_invalid_blocks_down(fx *f)
{
    s_scale_down(f);
    add_external(f, "qps", false, 2000);   /* no values: fails */
}

static void s_one_invalid_allows_up(fx *f)
{
    s_scale_up(f);
    add_external(f, "qps", false, 2000);
}

static void s_all_invalid(fx *f)
{
    s_empty_metrics(f);
    add_external(f, "qps", false, 2000);
}

static void s_stabilize_plain(fx *f)
{
    s_scale_down(f);
    add_rec(f, 60, 4);
    add_rec(f, 301, 6);         /* outside the 5 min window */
}

static void s_stabilize_plain_cutoff(fx *f)
{
    s_scale_down(f);
    add_rec(f, 300, 4);         /* exactly at the cutoff: counts */
}

static void s_scale_up_limit_plain(fx *f)
{
    static const int64_t use[] = {3000, 3000};

    fx_init(f, 2, 1, 20);
    add_cpu(f, 50);
    add_pods(f, 2, R1, use);    /* -> 12, limited to max(4, 4) */
}

static void s_behavior_up_pods_limit(fx *f)
{
    static const int64_t use[] = {3000, 3000, 3000, 3000, 3000};

    fx_init(f, 5, 1, 100);
    add_cpu(f, 50);
    add_pods(f, 5, R1, use);    /* -> 30 */
    add_behavior(f);
    f->spec.scale_up.n_policies = 1;    /* Pods 4 per 15 s */
}

static void s_behavior_up_percent_with_events(fx *f)
{
    s_behavior_up_pods_limit(f);
    f->up_pol[0] = (hpa_scaling_policy){HPA_POLICY_PERCENT, 50, 60};
    add_up_event(f, 30, 1);     /* period start 4: ceil(4 x 1.5) = 6 */
    add_up_event(f, 61, 10);    /* outside */
}

static void s_behavior_up_min_select(fx *f)
{
    s_behavior_up_pods_limit(f);
    f->spec.scale_up.n_policies = 2;
    f->spec.scale_up.select = HPA_SELECT_MIN;   /* min(5+4, 10) = 9 */
}

static void s_behavior_up_disabled(fx *f)
{
    s_behavior_up_pods_limit(f);
    f->spec.scale_up.select = HPA_SELECT_DISABLED;
}

static void s_behavior_down_percent(fx *f)
{
    static const int64_t use[] = {100, 100, 100, 100, 100, 100, 100, 100, 100, 100};

    fx_init(f, 10, 1, 20);
    add_cpu(f, 50);
    add_pods(f, 10, (const int64_t[]){1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, use);
    add_behavior(f);
    f->spec.scale_down.has_window = true;
    f->spec.scale_down.window_seconds = 0;
    f->down_pol[0] = (hpa_scaling_policy){HPA_POLICY_PERCENT, 25, 60};
    add_down_event(f, 10, 2);   /* period start 12: trunc(12 x 0.75) = 9 */
}

static void s_behavior_down_pods_min(fx *f)
{
    s_behavior_down_percent(f);
    f->state.n_down = 0;
    f->down_pol[1] = (hpa_scaling_policy){HPA_POLICY_PODS, 1, 60};
    f->spec.scale_down.n_policies = 2;
    f->spec.scale_down.select = HPA_SELECT_MIN; /* max(7, 9) = 9 */
}

static void s_behavior_down_too_few(fx *f)
{
    s_behavior_down_percent(f);
    f->state.n_down = 0;
    f->spec.min_replicas = 5;
    f->down_pol[0] = (hpa_scaling_policy){HPA_POLICY_PERCENT, 100, 15};
}

static void s_behavior_stabilize_down(fx *f)
{
    s_scale_down(f);
    add_behavior(f);            /* down window = options' 300 s */
    add_rec(f, 100, 5);
}

static void s_behavior_stabilize_up(fx *f)
{
    s_scale_up(f);
    add_behavior(f);
    f->spec.scale_up.window_seconds = 120;
    add_rec(f, 60, 4);
    add_rec(f, 121, 2);
}

static void s_behavior_window_cutoff(fx *f)
{
    s_scale_down(f);
    add_behavior(f);
    add_rec(f, 300, 5);         /* exactly at the cutoff: does not count */
}

static void s_behavior_too_many(fx *f)
{
    s_max_replicas(f);
    add_behavior(f);
}

/* ---- extra checks ------------------------------------------------------------------ */

static const hpa_condition *cond(const fx *f, const char *type)
{
    size_t i;

    for (i = 0; i < f->d.n_conditions; i++)
        if (!strcmp(f->d.conditions[i].type, type))
            return &f->d.conditions[i];
    return NULL;
}

static bool has_event(const fx *f, const char *reason, const char *msg_part)
{
    size_t i;

    for (i = 0; i < f->d.n_events; i++)
        if (!strcmp(f->d.events[i].reason, reason) &&
            (!msg_part || strstr(f->d.events[i].message, msg_part)))
            return true;
    return false;
}

static void c_scale_up(fx *f)
{
    assert_true(has_event(f, "SuccessfulRescale",
        "New size: 5; reason: cpu resource utilization (percentage of request) above target"));
    assert_int_equal(f->d.metrics[0].average_value_milli, 500);
    assert_string_equal(cond(f, "ScalingActive")->message,
        "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)");
    /* no behavior: no scale event recorded; the recommendation is */
    assert_int_equal(f->state.n_up, 0);
    assert_int_equal(f->state.n_recs, 1);
    assert_int_equal(f->state.recs[0].replicas, 5);
}

static void c_initial(fx *f)
{
    assert_true(f->state.known);
    assert_int_equal(f->state.n_recs, 2);
    assert_int_equal(f->state.recs[0].replicas, 5);
    assert_int_equal(f->state.recs[1].replicas, 3);
}

static void c_failed_metric(fx *f)
{
    assert_int_equal(f->d.metrics[0].type, HPA_METRIC_UNKNOWN);
    assert_false(f->d.rescale);
    assert_non_null(f->d.error);
    assert_true(has_event(f, "FailedComputeMetricsReplicas", "invalid metrics (1 invalid out of 1)"));
    assert_int_equal(f->state.n_recs, 0);   /* nothing recorded */
}

static void c_empty_metrics(fx *f)
{
    c_failed_metric(f);
    assert_string_equal(cond(f, "ScalingActive")->message,
        "the HPA was unable to compute the replica count: failed to get cpu utilization: "
        "unable to get metrics for resource cpu: no metrics returned from resource metrics API");
}

static void c_missing_request(fx *f)
{
    c_failed_metric(f);
    assert_non_null(strstr(cond(f, "ScalingActive")->message,
                           "missing request for cpu in container app of Pod pod-0"));
}

static void c_missing_selector(fx *f)
{
    assert_string_equal(cond(f, "ScalingActive")->message,
                        "the HPA target's scale is missing a selector");
    assert_true(has_event(f, "SelectorRequired", "selector is required"));
    assert_int_equal(f->d.n_metrics, 0);
}

static void c_invalid_selector(fx *f)
{
    assert_true(has_event(f, "InvalidSelector", "couldn't convert selector"));
}

static void c_bad_api(fx *f)
{
    assert_string_equal(cond(f, "AbleToScale")->status, "False");
    assert_true(has_event(f, "FailedGetScale", "apps/v1/extra"));
    assert_null(cond(f, "ScalingActive"));
}

static void c_unknown_type(fx *f)
{
    assert_true(has_event(f, "InvalidMetricSourceType", "unknown metric source type \"Bogus\""));
}

static void c_container_name(fx *f)
{
    assert_string_equal(f->d.proposals[0].metric,
                        "cpu container resource utilization (percentage of request)");
}

static void c_average_value(fx *f)
{
    assert_string_equal(f->d.proposals[0].metric, "cpu resource");
    assert_false(f->d.metrics[0].has_average_utilization);
    assert_int_equal(f->d.metrics[0].average_value_milli, 500);
}

static void c_pods_metric(fx *f)
{
    assert_string_equal(f->d.proposals[0].metric, "pods metric qps");
    assert_int_equal(f->d.metrics[0].type, HPA_METRIC_PODS);
    assert_int_equal(f->d.metrics[0].average_value_milli, 20000);
}

static void c_object_value(fx *f)
{
    assert_string_equal(f->d.proposals[0].metric, "Deployment metric qps");
    assert_int_equal(f->d.metrics[0].value_milli, 20000);
}

static void c_object_avg(fx *f)
{
    assert_string_equal(f->d.proposals[0].metric, "external metric qps(nil)");
    assert_int_equal(f->d.metrics[0].average_value_milli, 6667);
}

static void c_external_value(fx *f)
{
    assert_string_equal(f->d.proposals[0].metric, "external metric qps(nil)");
    assert_int_equal(f->d.metrics[0].value_milli, 8600);
}

static void c_external_avg(fx *f)
{
    assert_int_equal(f->d.metrics[0].average_value_milli, 2867);
}

static void c_two_metrics_max(fx *f)
{
    assert_string_equal(f->d.reason, "memory resource utilization (percentage of request) above target");
    assert_int_equal(f->d.n_proposals, 2);
    assert_int_equal(f->d.proposals[0].replicas, 5);
    assert_int_equal(f->d.proposals[1].replicas, 15);
}

static void c_partial_failure(fx *f)
{
    assert_int_equal(f->d.n_metrics, 2);
    assert_int_equal(f->d.metrics[1].type, HPA_METRIC_UNKNOWN);
    assert_int_equal(f->d.metrics[0].type, HPA_METRIC_RESOURCE);
}

static void c_up_event(fx *f)
{
    assert_int_equal(f->state.n_up, 1);
    assert_int_equal(f->state.up[0].change, 4);
    assert_int_equal(f->state.up[0].time, T0);
}

static void c_up_event_reuse(fx *f)
{
    /* the 61 s old event is outdated (longest period 60 s): slot reused */
    assert_int_equal(f->state.n_up, 2);
    assert_int_equal(f->state.up[1].change, 1);
    assert_int_equal(f->state.up[1].time, T0);
}

static void c_down_event(fx *f)
{
    assert_int_equal(f->state.n_down, 2);
    assert_int_equal(f->state.down[1].change, 1);
}

static void c_stabilize_plain(fx *f)
{
    /* the 301 s old entry is replaced by the new recommendation (3) */
    assert_int_equal(f->state.n_recs, 2);
    assert_int_equal(f->state.recs[1].replicas, 3);
    assert_int_equal(f->state.recs[1].time, T0);
}

static void c_too_many_event(fx *f)
{
    assert_true(has_event(f, "SuccessfulRescale",
                          "New size: 5; reason: Current number of replicas above Spec.MaxReplicas"));
    assert_false(f->d.metrics_computed);
    assert_int_equal(f->state.n_down, 1);   /* storeScaleEvent with a behavior */
    assert_int_equal(f->state.down[0].change, 5);
}

static void c_scale_from_zero(fx *f)
{
    assert_true(f->d.rescale);
}

static const row rows[] = {
    {"testScaleUp", s_scale_up, 5, "SucceededRescale", "ValidMetricFound", "DesiredWithinRange",
     "cpu resource utilization (percentage of request) above target", 50, c_scale_up},
    {"testScaleUpUnreadyLessScale", s_scale_up_unready_less, 4, "SucceededRescale", "ValidMetricFound", NULL, NULL, 60, NULL},
    {"testScaleUpUnreadyNoScale", s_scale_up_unready_no_scale, 3, "ReadyForNewScale", "ValidMetricFound", "DesiredWithinRange", "", 40, NULL},
    {"testScaleUpIgnoresFailedPods", s_ignores_failed, 4, "SucceededRescale", NULL, NULL, NULL, 60, NULL},
    {"testScaleUpIgnoresDeletionPods", s_ignores_deleted, 4, "SucceededRescale", NULL, NULL, NULL, 60, NULL},
    {"ignoresSucceededPods", s_ignores_succeeded, 4, NULL, NULL, NULL, NULL, 60, NULL},
    {"pendingPodIsUnready", s_pending_unready, 4, NULL, NULL, NULL, NULL, 60, NULL},
    {"testScaleDown", s_scale_down, 3, "SucceededRescale", "ValidMetricFound", "DesiredWithinRange", "All metrics below target", 28, NULL},
    {"testScaleDownStabilizeInitialSize", s_scale_down_initial, 5, "ScaleDownStabilized", "ValidMetricFound", NULL, "All metrics below target", 28, c_initial},
    {"testScaleDownIgnoresUnreadyPods", s_scale_down_ignores_unready, 2, NULL, NULL, NULL, NULL, 30, NULL},
    {"testTolerance", s_tolerance, 3, "ReadyForNewScale", "ValidMetricFound", "DesiredWithinRange", "", 102, NULL},
    {"toleranceBandInclusive", s_tolerance_edge_up, 3, "ReadyForNewScale", NULL, NULL, NULL, 110, NULL},
    {"toleranceBandOutside", s_tolerance_edge_out, 4, NULL, NULL, NULL, NULL, 111, NULL},
    {"behaviorScaleUpTolerance", s_behavior_tolerance, 3, "ReadyForNewScale", NULL, NULL, NULL, 111, NULL},
    {"behaviorScaleDownTolerance", s_behavior_tolerance_down, 3, "ReadyForNewScale", NULL, NULL, NULL, 60, NULL},
    {"testMinReplicas", s_min_replicas, 2, "SucceededRescale", "ValidMetricFound", "TooFewReplicas", "All metrics below target", 3, NULL},
    {"testZeroMinReplicasDesiredZero", s_zero_min_desired_zero, 0, "SucceededRescale", NULL, "DesiredWithinRange", NULL, 0, NULL},
    {"testMinReplicasDesiredZero", s_min_desired_zero, 2, NULL, NULL, "TooFewReplicas", NULL, 0, NULL},
    {"testZeroReplicas", s_zero_replicas, 0, "SucceededGetScale", "ScalingDisabled", "-", "", -1, NULL},
    {"testTooFewReplicas", s_too_few, 3, "SucceededRescale", "-", "-", "Current number of replicas below Spec.MinReplicas", -1, NULL},
    {"testTooManyReplicas", s_too_many, 5, "SucceededRescale", "-", "-", "Current number of replicas above Spec.MaxReplicas", -1, NULL},
    {"tooManyReplicasRecordsScaleEvent", s_too_many_behavior, 5, "SucceededRescale", "-", "-", NULL, -1, c_too_many_event},
    {"testMaxReplicas", s_max_replicas, 5, NULL, NULL, "TooManyReplicas", NULL, 616, NULL},
    {"testSuperfluousMetrics", s_superfluous, 6, NULL, NULL, "TooManyReplicas", NULL, 587, NULL},
    {"testMissingMetrics", s_missing_metrics, 3, NULL, NULL, NULL, NULL, 24, NULL},
    {"testMissingMetricsNoChangeEq", s_missing_eq, 2, NULL, NULL, NULL, NULL, 100, NULL},
    {"testMissingMetricsNoChangeGt", s_missing_gt, 2, NULL, NULL, NULL, NULL, 190, NULL},
    {"testMissingMetricsNoChangeLt", s_missing_lt, 2, NULL, NULL, NULL, NULL, 60, NULL},
    {"testMissingMetricsUnreadyChange", s_missing_unready_change, 3, NULL, NULL, NULL, NULL, 45, NULL},
    {"testMissingMetricsUnreadyScaleUp", s_missing_unready_up, 4, NULL, NULL, NULL, NULL, 200, NULL},
    {"testMissingMetricsUnreadyScaleDown", s_missing_unready_down, 3, NULL, NULL, NULL, NULL, 10, NULL},
    {"missingPodFallbackTargetAbove100", s_missing_target_above_100, 2, NULL, NULL, NULL, NULL, 30, NULL},
    {"cpuInitializingSampleBeforeReadyIsUnready", s_cpu_initializing_unready, 4, NULL, NULL, NULL, NULL, 60, NULL},
    {"cpuInitializingSampleAfterReadyCounts", s_cpu_initializing_ready, 5, NULL, NULL, NULL, NULL, 50, NULL},
    {"cpuNoReadyConditionIsUnready", s_no_ready_condition, 4, NULL, NULL, NULL, NULL, 60, NULL},
    {"cpuReadyUnknownIsNotFalse", s_ready_unknown, 5, NULL, NULL, NULL, NULL, 50, NULL},
    {"cpuUnreadyAfterInitialDelayCounts", s_became_unready_later, 5, NULL, NULL, NULL, NULL, 50, NULL},
    {"memoryIgnoresReadiness", s_memory_ignores_readiness, 5, NULL, NULL, NULL, NULL, 50, NULL},
    {"testEmptyMetrics", s_empty_metrics, 4, "SucceededGetScale", "FailedGetResourceMetric", "-", "", -1, c_empty_metrics},
    {"testEmptyCPURequest", s_empty_cpu_request, 1, "SucceededGetScale", "FailedGetResourceMetric", "-", NULL, -1, c_missing_request},
    {"noPodsSelected", s_no_pods, 1, NULL, "FailedGetResourceMetric", "-", NULL, -1, c_failed_metric},
    {"testMissingSelector", s_missing_selector, 3, "SucceededGetScale", "InvalidSelector", "-", NULL, -1, c_missing_selector},
    {"testInvalidSelector", s_invalid_selector, 3, "SucceededGetScale", "InvalidSelector", "-", NULL, -1, c_invalid_selector},
    {"invalidScaleTargetApiVersion", s_bad_api_version, 3, "FailedGetScale", "-", "-", NULL, -1, c_bad_api},
    {"unknownMetricSourceType", s_unknown_type, 3, NULL, "InvalidMetricSourceType", "-", NULL, -1, c_unknown_type},
    {"testScaleUpContainer", s_container_resource, 5, NULL, "ValidMetricFound", NULL, NULL, 50, c_container_name},
    {"containerResourceMissingContainer", s_container_missing, 3, NULL, "FailedGetContainerResourceMetric", "-", NULL, -1, NULL},
    {"sidecarRequestsCount", s_sidecar, 3, NULL, NULL, NULL, NULL, 25, NULL},
    {"podLevelRequestsWin", s_pod_level_requests, 6, NULL, NULL, NULL, NULL, 100, NULL},
    {"resourceAverageValue", s_average_value, 5, NULL, "ValidMetricFound", NULL, NULL, -1, c_average_value},
    {"testScaleUpCM", s_pods_metric, 4, "SucceededRescale", "ValidMetricFound", NULL, "pods metric qps above target", -1, c_pods_metric},
    {"testReplicaCalcScaleUpCMUnreadyHotCpuNoLessScale", s_pods_metric_unready, 6, NULL, NULL, NULL, NULL, -1, NULL},
    {"podsMetricMissingCountsTargetOnScaleDown", s_pods_metric_missing_down, 2, NULL, NULL, NULL, NULL, -1, NULL},
    {"podsMetricNoValues", s_pods_metric_none, 3, NULL, "FailedGetPodsMetric", "-", NULL, -1, NULL},
    {"testScaleUpCMObject", s_object_value, 6, NULL, "ValidMetricFound", "TooManyReplicas", "Deployment metric qps above target", -1, c_object_value},
    {"objectAverageValueUsesStatusReplicas", s_object_avg, 6, NULL, NULL, "ScaleUpLimit", NULL, -1, c_object_avg},
    {"objectMetricMissing", s_object_missing, 3, NULL, "FailedGetObjectMetric", "-", NULL, -1, NULL},
    {"testScaleUpCMExternal", s_external_value, 4, NULL, "ValidMetricFound", NULL, "external metric qps(nil) above target", -1, c_external_value},
    {"externalAverageValue", s_external_avg, 5, NULL, NULL, NULL, NULL, -1, c_external_avg},
    {"externalSumSaturates", s_external_saturates, 6, NULL, NULL, "ScaleUpLimit", NULL, -1, NULL},
    {"externalNoValues", s_external_none, 3, NULL, "FailedGetExternalMetric", "-", NULL, -1, NULL},
    {"externalBadMetricSelector", s_external_bad_selector, 3, NULL, "FailedGetExternalMetric", "-", NULL, -1, NULL},
    {"scaleFromZeroNoTolerance", s_scale_from_zero, 3, "SucceededRescale", "ValidMetricFound", NULL, NULL, -1, c_scale_from_zero},
    {"severalMetricsMaximum", s_two_metrics_max, 6, NULL, NULL, "ScaleUpLimit", NULL, 50, c_two_metrics_max},
    {"severalMetricsTieFirstNamed", s_two_metrics_tie, 5, NULL, NULL, NULL, "cpu resource utilization (percentage of request) above target", 50, NULL},
    {"TestScaleDownOneMetricInvalid", s_one_invalid_blocks_down, 5, "SucceededGetScale", "FailedGetExternalMetric", "-", NULL, 28, c_partial_failure},
    {"TestScaleUpOneMetricInvalid", s_one_invalid_allows_up, 5, "SucceededRescale", "ValidMetricFound", NULL, NULL, 50, c_partial_failure},
    {"allMetricsInvalid", s_all_invalid, 4, NULL, "FailedGetResourceMetric", "-", NULL, -1, NULL},
    {"stabilizeNoBehaviorWindow", s_stabilize_plain, 4, "SucceededRescale", NULL, NULL, NULL, 28, c_stabilize_plain},
    {"stabilizeNoBehaviorCutoffCounts", s_stabilize_plain_cutoff, 4, "SucceededRescale", NULL, NULL, NULL, 28, NULL},
    {"scaleUpLimitNoBehavior", s_scale_up_limit_plain, 4, NULL, NULL, "ScaleUpLimit", NULL, 300, NULL},
    {"behaviorScaleUpPodsPolicy", s_behavior_up_pods_limit, 9, "SucceededRescale", NULL, "ScaleUpLimit", NULL, 300, c_up_event},
    {"behaviorScaleUpPercentWithEvents", s_behavior_up_percent_with_events, 6, NULL, NULL, "ScaleUpLimit", NULL, 300, c_up_event_reuse},
    {"behaviorSelectPolicyMin", s_behavior_up_min_select, 9, NULL, NULL, "ScaleUpLimit", NULL, 300, NULL},
    {"behaviorSelectPolicyDisabled", s_behavior_up_disabled, 5, "ReadyForNewScale", NULL, "ScaleUpLimit", NULL, 300, NULL},
    {"behaviorScaleDownPercentWithEvents", s_behavior_down_percent, 9, "SucceededRescale", NULL, "ScaleDownLimit", "All metrics below target", 10, c_down_event},
    {"behaviorScaleDownSelectMin", s_behavior_down_pods_min, 9, NULL, NULL, "ScaleDownLimit", NULL, 10, NULL},
    {"behaviorScaleDownTooFew", s_behavior_down_too_few, 5, NULL, NULL, "TooFewReplicas", NULL, 10, NULL},
    {"behaviorStabilizeDown", s_behavior_stabilize_down, 5, "ScaleDownStabilized", NULL, "DesiredWithinRange", NULL, 28, NULL},
    {"behaviorStabilizeUp", s_behavior_stabilize_up, 4, "SucceededRescale", NULL, "DesiredWithinRange", NULL, 50, NULL},
    {"behaviorWindowCutoffExcluded", s_behavior_window_cutoff, 3, "SucceededRescale", NULL, NULL, NULL, 28, NULL},
    {"behaviorTooManyReplicas", s_behavior_too_many, 5, NULL, NULL, "TooManyReplicas", NULL, 616, NULL},
};

static void check_cond(const fx *f, const char *type, const char *want, const char *rowname)
{
    const hpa_condition *c;

    if (!want)
        return;
    c = cond(f, type);
    if (!strcmp(want, "-")) {
        if (c)
            fail_msg("%s: %s should be absent, is %s", rowname, type, c->reason);
        return;
    }
    if (!c)
        fail_msg("%s: no %s condition", rowname, type);
    if (strcmp(c->reason, want))
        fail_msg("%s: %s reason %s, want %s (%s)", rowname, type, c->reason, want, c->message);
}

static void run_row(void **state)
{
    const row *r = *state;
    fx *f = calloc(1, sizeof(*f));
    hpa_err e;

    assert_non_null(f);
    r->setup(f);
    hpa_err_clear(&e);
    assert_int_equal(hpa_decide(&f->snap, &f->opts, &f->state, &f->ws, &f->ex, &f->d, &e), HPA_OK);
    if (f->d.desired_replicas != r->desired)
        fail_msg("%s: desired %d, want %d\n%s", r->name, f->d.desired_replicas, r->desired,
                 hpa_strbuf_cstr(&f->ex));
    check_cond(f, "AbleToScale", r->able, r->name);
    check_cond(f, "ScalingActive", r->active, r->name);
    check_cond(f, "ScalingLimited", r->limited, r->name);
    if (r->reason && strcmp(f->d.reason, r->reason))
        fail_msg("%s: reason \"%s\", want \"%s\"", r->name, f->d.reason, r->reason);
    if (r->util >= 0) {
        assert_true(f->d.n_metrics > 0);
        if (f->d.metrics[0].average_utilization != r->util)
            fail_msg("%s: utilization %d, want %d", r->name, f->d.metrics[0].average_utilization, r->util);
    }
    assert_int_equal(f->d.rescale, f->d.desired_replicas != f->d.current_replicas);
    if (r->check)
        r->check(f);
    fx_free(f);
    free(f);
}

/* ---- non-table tests ------------------------------------------------------------------ */

/* The same decision again reuses the workspace: no new chunk, no new
 * scratch block (the allocation-free hot path). */
static void test_workspace_reuse(void **state)
{
    fx *f = calloc(1, sizeof(*f));
    hpa_err e;
    void *scratch;
    hpa_arena_chunk *chunk;
    int i;

    (void)state;
    assert_non_null(f);
    s_scale_up(f);
    assert_int_equal(hpa_decide(&f->snap, &f->opts, &f->state, &f->ws, NULL, &f->d, &e), HPA_OK);
    scratch = f->ws.scratch;
    chunk = f->ws.arena.head;
    for (i = 0; i < 100; i++) {
        f->state.n_recs = 0;
        assert_int_equal(hpa_decide(&f->snap, &f->opts, &f->state, &f->ws, NULL, &f->d, &e), HPA_OK);
        assert_ptr_equal(f->ws.scratch, scratch);
        assert_ptr_equal(f->ws.arena.head, chunk);
        assert_int_equal(f->d.desired_replicas, 5);
    }
    fx_free(f);
    free(f);
}

static void test_conditions_kept_and_transition(void **state)
{
    fx *f = calloc(1, sizeof(*f));
    hpa_err e;

    (void)state;
    assert_non_null(f);
    s_scale_up(f);
    /* existing: ScalingLimited first (kept in place), AbleToScale True
     * with an old time (status unchanged: time kept) */
    f->conds[0] = (hpa_condition){"ScalingLimited", "True", "TooManyReplicas", "m", true, T0 - 500 * SEC};
    f->conds[1] = (hpa_condition){"AbleToScale", "True", "ReadyForNewScale", "m", true, T0 - 400 * SEC};
    f->conds[2] = (hpa_condition){"ScalingActive", "False", "FailedGetResourceMetric", "m", true, T0 - 300 * SEC};
    f->spec.conditions = f->conds;
    f->spec.n_conditions = 3;
    assert_int_equal(hpa_decide(&f->snap, &f->opts, &f->state, &f->ws, NULL, &f->d, &e), HPA_OK);
    assert_int_equal(f->d.n_conditions, 3);
    assert_string_equal(f->d.conditions[0].type, "ScalingLimited");
    assert_string_equal(f->d.conditions[0].status, "False");
    assert_int_equal(f->d.conditions[0].last_transition, T0);
    assert_string_equal(f->d.conditions[1].reason, "SucceededRescale");
    assert_int_equal(f->d.conditions[1].last_transition, T0 - 400 * SEC);
    assert_string_equal(f->d.conditions[2].status, "True");
    assert_int_equal(f->d.conditions[2].last_transition, T0);
    /* the input is not modified */
    assert_string_equal(f->conds[1].reason, "ReadyForNewScale");
    fx_free(f);
    free(f);
}

static void test_new_conditions_order(void **state)
{
    fx *f = calloc(1, sizeof(*f));
    hpa_err e;

    (void)state;
    assert_non_null(f);
    s_scale_up(f);
    assert_int_equal(hpa_decide(&f->snap, &f->opts, &f->state, &f->ws, NULL, &f->d, &e), HPA_OK);
    assert_int_equal(f->d.n_conditions, 3);
    assert_string_equal(f->d.conditions[0].type, "AbleToScale");
    assert_string_equal(f->d.conditions[1].type, "ScalingActive");
    assert_string_equal(f->d.conditions[2].type, "ScalingLimited");
    assert_true(f->d.conditions[0].has_transition);
    fx_free(f);
    free(f);
}

static void test_explain(void **state)
{
    fx *f = calloc(1, sizeof(*f));
    hpa_err e;
    const char *s;

    (void)state;
    assert_non_null(f);
    s_missing_unready_up(f);
    assert_int_equal(hpa_decide(&f->snap, &f->opts, &f->state, &f->ws, &f->ex, &f->d, &e), HPA_OK);
    s = hpa_strbuf_cstr(&f->ex);
    assert_non_null(strstr(s, "unready"));
    assert_non_null(strstr(s, "pod-0"));
    assert_non_null(strstr(s, "missing a metric (1): pod-2"));
    assert_non_null(strstr(s, "utilization 200%"));
    assert_non_null(strstr(s, "band [0.9, 1.1]"));
    fx_free(f);
    free(f);
}

static void test_compact(void **state)
{
    fx *f = calloc(1, sizeof(*f));

    (void)state;
    assert_non_null(f);
    s_scale_down(f);
    add_behavior(f);
    f->spec.scale_down.has_window = true;
    f->spec.scale_down.window_seconds = 60;
    add_rec(f, 60, 4);  /* at the cutoff: never counts again */
    add_rec(f, 59, 5);
    add_up_event(f, 15, 1);
    add_up_event(f, 14, 2);
    hpa_state_compact(&f->state, &f->spec, &f->opts, T0);
    assert_int_equal(f->state.n_recs, 1);
    assert_int_equal(f->state.recs[0].replicas, 5);
    assert_int_equal(f->state.n_up, 1);
    assert_int_equal(f->state.up[0].change, 2);
    /* without a behavior: an entry exactly at the cutoff still counts */
    f->spec.has_behavior = false;
    f->state.n_recs = 0;
    add_rec(f, 300, 4);
    add_rec(f, 301, 4);
    hpa_state_compact(&f->state, &f->spec, &f->opts, T0);
    assert_int_equal(f->state.n_recs, 1);
    fx_free(f);
    free(f);
}

/* UPSTREAM: each direction's period start reads both event lists, so a
 * scale-down event past the scale-down period (15 s) still counts for a
 * 300 s scale-up policy and must survive compaction. */
static void test_compact_cross_direction(void **state)
{
    fx *f = calloc(1, sizeof(*f));

    (void)state;
    assert_non_null(f);
    s_scale_down(f);
    add_behavior(f);
    f->up_pol[0] = (hpa_scaling_policy){HPA_POLICY_PODS, 2, 300};
    f->spec.scale_up.n_policies = 1;
    add_down_event(f, 100, 2);  /* inside the scale-up period */
    add_down_event(f, 300, 3);  /* at the longest cutoff: never counts again */
    add_up_event(f, 200, 1);
    hpa_state_compact(&f->state, &f->spec, &f->opts, T0);
    assert_int_equal(f->state.n_down, 1);
    assert_int_equal(f->state.down[0].change, 2);
    assert_int_equal(f->state.n_up, 1);
    assert_int_equal(f->state.up[0].change, 1);
    fx_free(f);
    free(f);
}

static void test_null_input(void **state)
{
    hpa_workspace ws;
    hpa_state st;
    hpa_decision d;
    hpa_options o = hpa_options_default();
    hpa_snapshot snap;
    hpa_err e;

    (void)state;
    memset(&snap, 0, sizeof(snap));
    hpa_workspace_init(&ws);
    hpa_state_init(&st);
    assert_int_equal(hpa_decide(&snap, &o, &st, &ws, NULL, &d, &e), HPA_EINVAL);
    assert_non_null(strstr(e.msg, "HPA"));
    hpa_workspace_free(&ws);
}

int main(void)
{
    size_t n = sizeof(rows) / sizeof(rows[0]), i;
    struct CMUnitTest *t = calloc(n + 7, sizeof(*t));
    int rc;

    if (!t)
        return 1;
    for (i = 0; i < n; i++) {
        t[i].name = rows[i].name;
        t[i].test_func = run_row;
        t[i].initial_state = (void *)&rows[i];
    }
    t[n++] = (struct CMUnitTest)cmocka_unit_test(test_workspace_reuse);
    t[n++] = (struct CMUnitTest)cmocka_unit_test(test_conditions_kept_and_transition);
    t[n++] = (struct CMUnitTest)cmocka_unit_test(test_new_conditions_order);
    t[n++] = (struct CMUnitTest)cmocka_unit_test(test_explain);
    t[n++] = (struct CMUnitTest)cmocka_unit_test(test_compact);
    t[n++] = (struct CMUnitTest)cmocka_unit_test(test_compact_cross_direction);
    t[n++] = (struct CMUnitTest)cmocka_unit_test(test_null_input);
    rc = _cmocka_run_group_tests("decide", t, n, NULL, NULL);
    free(t);
    return rc;
}
