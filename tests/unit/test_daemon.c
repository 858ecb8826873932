/* test_daemon.c - the daemon's pieces that need no server: Prometheus
 * text rendering, the lease logic on a fake clock, the state JSON
 * round trip, policy loading that keeps the last good file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "daemon/lease.h"
#include "daemon/policy.h"
#include "daemon/prom.h"
#include "daemon/statestore.h"

/* ---- prom ------------------------------------------------------------- */

static void test_prom_sample_escaping(void **st)
{
    static const struct {
        const char *name, *value, *want;
    } cases[] = {
        {"plain", "default", "m{ns=\"default\"} 1\n"},
        {"quote", "a\"b", "m{ns=\"a\\\"b\"} 1\n"},
        {"backslash", "a\\b", "m{ns=\"a\\\\b\"} 1\n"},
        {"newline", "a\nb", "m{ns=\"a\\nb\"} 1\n"},
    };
    size_t i;

    (void)st;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hpa_strbuf b = HPA_STRBUF_INIT;
        const char *kv[] = {"ns", cases[i].value, NULL};

        prom_sample(&b, "m", kv, NULL, 1);
        if (strcmp(hpa_strbuf_cstr(&b), cases[i].want))
            fail_msg("case %s: got %s", cases[i].name, hpa_strbuf_cstr(&b));
        hpa_strbuf_free(&b);
    }
}

static void test_prom_values(void **st)
{
    static const struct {
        double v;
        const char *want;
    } cases[] = {{0, "0"}, {3, "3"}, {0.25, "0.25"}, {-2, "-2"}, {1.0 / 0.0, "+Inf"}};
    char buf[32];
    size_t i;

    (void)st;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        if (strcmp(prom_value(cases[i].v, buf, sizeof(buf)), cases[i].want))
            fail_msg("value %g: got %s want %s", cases[i].v, buf, cases[i].want);
}

static void test_prom_vec_render(void **st)
{
    prom_vec v;
    const char *labels[] = {"verb", "code", NULL};
    const char *a[] = {"GET", "200"}, *b[] = {"PUT", "409"};
    hpa_strbuf out = HPA_STRBUF_INIT;

    (void)st;
    prom_vec_init(&v, "hpa_engine_api_requests_total", "API requests.", "counter", labels);
    assert_int_equal(prom_vec_add(&v, a, 1), HPA_OK);
    assert_int_equal(prom_vec_add(&v, a, 2), HPA_OK);
    assert_int_equal(prom_vec_add(&v, b, 1), HPA_OK);
    assert_true(prom_vec_get(&v, a) == 3);
    prom_vec_render(&v, &out);
    assert_string_equal(hpa_strbuf_cstr(&out),
                        "# HELP hpa_engine_api_requests_total API requests.\n"
                        "# TYPE hpa_engine_api_requests_total counter\n"
                        "hpa_engine_api_requests_total{verb=\"GET\",code=\"200\"} 3\n"
                        "hpa_engine_api_requests_total{verb=\"PUT\",code=\"409\"} 1\n");
    hpa_strbuf_free(&out);
    prom_vec_free(&v);
}

static void test_prom_histogram(void **st)
{
    static const double bounds[] = {0.1, 1, 10};
    prom_hist h;
    hpa_strbuf out = HPA_STRBUF_INIT;

    (void)st;
    prom_hist_init(&h, "d_seconds", "Durations.", bounds, 3);
    prom_hist_observe(&h, 0.05);
    prom_hist_observe(&h, 0.5);
    prom_hist_observe(&h, 0.5);
    prom_hist_observe(&h, 50);
    prom_hist_render(&h, &out);
    assert_string_equal(hpa_strbuf_cstr(&out), "# HELP d_seconds Durations.\n"
                                               "# TYPE d_seconds histogram\n"
                                               "d_seconds_bucket{le=\"0.10000000000000001\"} 1\n"
                                               "d_seconds_bucket{le=\"1\"} 3\n"
                                               "d_seconds_bucket{le=\"10\"} 3\n"
                                               "d_seconds_bucket{le=\"+Inf\"} 4\n"
                                               "d_seconds_sum 51.049999999999997\n"
                                               "d_seconds_count 4\n");
    /* the median falls in the (0.1, 1] bucket */
    assert_true(prom_hist_quantile(&h, 0.5) > 0.1 && prom_hist_quantile(&h, 0.5) <= 1);
    hpa_strbuf_free(&out);
}

/* ---- lease ------------------------------------------------------------ */

static le_elector make(const char *id)
{
    le_elector el;
    le_config c;
    hpa_err e;

    memset(&c, 0, sizeof(c));
    snprintf(c.identity, sizeof(c.identity), "%s", id);
    c.lease_duration = 15000;
    c.renew_deadline = 10000;
    c.retry_period = 2000;
    assert_int_equal(le_init(&el, &c, &e), HPA_OK);
    return el;
}

static void test_lease_create_and_renew(void **st)
{
    le_elector a = make("a");
    le_record out, again;

    (void)st;
    assert_int_equal(le_decide(&a, NULL, 1000, 0, &out), LE_CREATE);
    assert_string_equal(out.holder, "a");
    assert_int_equal(out.duration_s, 15);
    assert_int_equal(out.transitions, 0);
    le_written(&a, &out, true, 0);
    assert_true(a.leader);
    /* renewing keeps acquireTime and transitions, moves renewTime */
    assert_int_equal(le_decide(&a, &out, 3000, 2000, &again), LE_UPDATE);
    assert_true(again.acquire == 1000);
    assert_true(again.renew == 3000);
    assert_int_equal(again.transitions, 0);
}

static void test_lease_standby_waits_then_takes_over(void **st)
{
    le_elector a = make("a"), b = make("b");
    le_record held, out;

    (void)st;
    assert_int_equal(le_decide(&a, NULL, 0, 0, &held), LE_CREATE);
    le_written(&a, &held, true, 0);
    /* b sees a's record at its mono 100; it stays valid 15 s of b's clock */
    assert_int_equal(le_decide(&b, &held, 0, 100, &out), LE_WAIT);
    assert_int_equal(le_decide(&b, &held, 0, 15000, &out), LE_WAIT);
    assert_int_equal(le_decide(&b, &held, 0, 15101, &out), LE_UPDATE);
    assert_string_equal(out.holder, "b");
    assert_int_equal(out.transitions, 1);
    assert_false(b.leader);
    le_written(&b, &out, true, 15101);
    assert_true(b.leader);
}

static void test_lease_renewed_record_restarts_expiry(void **st)
{
    le_elector b = make("b");
    le_record r1, r2, out;

    (void)st;
    memset(&r1, 0, sizeof(r1));
    snprintf(r1.holder, sizeof(r1.holder), "a");
    r1.duration_s = 15;
    r1.has_renew = true;
    r1.renew = 1000;
    r2 = r1;
    r2.renew = 3000;
    assert_int_equal(le_decide(&b, &r1, 0, 0, &out), LE_WAIT);
    assert_int_equal(le_decide(&b, &r2, 0, 14000, &out), LE_WAIT);   /* changed: restart */
    assert_int_equal(le_decide(&b, &r2, 0, 28000, &out), LE_WAIT);
    assert_int_equal(le_decide(&b, &r2, 0, 29001, &out), LE_UPDATE);
}

static void test_lease_release_and_deadline(void **st)
{
    le_elector a = make("a"), b = make("b");
    le_record held, rel, out;
    hpa_err e;
    le_config bad;

    (void)st;
    assert_int_equal(le_decide(&a, NULL, 0, 0, &held), LE_CREATE);
    le_written(&a, &held, true, 0);
    assert_true(le_release(&a, 5000, &rel));
    assert_string_equal(rel.holder, "");
    assert_int_equal(rel.duration_s, 1);
    /* a released lease is taken at once */
    assert_int_equal(le_decide(&b, &rel, 5000, 10, &out), LE_UPDATE);
    /* a leader that cannot renew steps down after the renew deadline */
    assert_false(le_check_deadline(&a, 10000));
    assert_true(le_check_deadline(&a, 10001));
    assert_false(a.leader);
    assert_false(le_release(&a, 0, &rel));
    memset(&bad, 0, sizeof(bad));
    snprintf(bad.identity, sizeof(bad.identity), "x");
    bad.lease_duration = 10000;
    bad.renew_deadline = 10000;
    bad.retry_period = 2000;
    assert_int_equal(le_init(&a, &bad, &e), HPA_EINVAL);
    assert_string_equal(e.path, "--lease-duration");
}

static void test_lease_json_round_trip(void **st)
{
    le_record r, back;
    json_t *spec, *lease;

    (void)st;
    memset(&r, 0, sizeof(r));
    snprintf(r.holder, sizeof(r.holder), "pod-1");
    r.duration_s = 15;
    r.has_acquire = r.has_renew = true;
    r.acquire = 1795950000123;
    r.renew = 1795950002456;
    r.transitions = 4;
    spec = le_record_to_json(&r);
    assert_non_null(spec);
    assert_string_equal(json_string_value(json_object_get(spec, "renewTime")),
                        "2026-11-29T11:00:02.456000Z");
    lease = json_pack("{s:o}", "spec", spec);
    le_record_from_json(lease, &back);
    assert_string_equal(back.holder, "pod-1");
    assert_true(back.renew == r.renew && back.acquire == r.acquire);
    assert_int_equal(back.transitions, 4);
    json_decref(lease);
}

/* ---- state ------------------------------------------------------------ */

static void test_state_round_trip(void **st)
{
    hpa_state s, back;
    hpa_recommendation r1 = {1795950000000, 5}, r2 = {1795950015000, 7};
    hpa_scale_event up = {1795950015000, 2, false}, down = {1795949000000, 1, false};
    char *json, *again;
    hpa_err e;

    (void)st;
    hpa_state_init(&s);
    hpa_state_init(&back);
    assert_int_equal(hpa_state_push_rec(&s, r1), HPA_OK);
    assert_int_equal(hpa_state_push_rec(&s, r2), HPA_OK);
    assert_int_equal(hpa_state_push_up(&s, up), HPA_OK);
    assert_int_equal(hpa_state_push_down(&s, down), HPA_OK);
    s.known = true;
    json = dstate_encode(&s);
    assert_non_null(json);
    assert_int_equal(dstate_decode(json, &back, &e), HPA_OK);
    assert_true(back.known);
    assert_int_equal(back.n_recs, 2);
    assert_int_equal(back.recs[1].replicas, 7);
    assert_true(back.recs[1].time == r2.time);
    assert_int_equal(back.n_up, 1);
    assert_int_equal(back.up[0].change, 2);
    assert_int_equal(back.n_down, 1);
    again = dstate_encode(&back);
    assert_string_equal(json, again);
    free(json);
    free(again);
    hpa_state_free(&s);
    hpa_state_free(&back);
}

static void test_state_bad_input_names_field(void **st)
{
    static const struct {
        const char *name, *json, *path;
    } cases[] = {
        {"not json", "{", ""},
        {"recs not array", "{\"recommendations\": 3}", "recommendations"},
        {"bad time", "{\"recommendations\": [{\"time\": \"yesterday\", \"replicas\": 1}]}",
         "recommendations[0].time"},
        {"negative change", "{\"scaleUpEvents\": [{\"time\": \"2026-11-29T10:00:00Z\", \"change\": -1}]}",
         "scaleUpEvents[0].change"},
    };
    size_t i;

    (void)st;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        hpa_state s;
        hpa_err e;

        hpa_state_init(&s);
        hpa_err_clear(&e);
        if (dstate_decode(cases[i].json, &s, &e) == HPA_OK)
            fail_msg("case %s: accepted", cases[i].name);
        if (strcmp(e.path, cases[i].path))
            fail_msg("case %s: path '%s', want '%s'", cases[i].name, e.path, cases[i].path);
        assert_false(s.known);
        hpa_state_free(&s);
    }
}

/* ---- policies ----------------------------------------------------------- */

static const char *good_a =
    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: a}\n"
    "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: a}\n  maxReplicas: 5\n";
static const char *good_a2 =
    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: a}\n"
    "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: a}\n  maxReplicas: 9\n";
static const char *bad_a =
    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: a}\n"
    "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: a}\n  maxReplicas: 0\n";
static const char *good_b =
    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: b}\n"
    "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: b}\n  maxReplicas: 3\n"
    "---\n"
    "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: c}\n"
    "spec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: c}\n  maxReplicas: 3\n";

static void write_file(const char *path, const char *text, int bump)
{
    FILE *f = fopen(path, "w");
    struct timespec ts[2];

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    /* make the change visible to the mtime check even within one tick */
    clock_gettime(CLOCK_REALTIME, &ts[0]);
    ts[0].tv_sec += bump;
    ts[1] = ts[0];
    utimensat(AT_FDCWD, path, ts, 0);
}

static int max_replicas_of(const dpol_source *s, const char *name)
{
    size_t i, j;

    for (i = 0; i < s->n_files; i++)
        for (j = 0; j < s->files[i].n; j++) {
            const json_t *o = s->files[i].objs[j];
            if (!strcmp(json_string_value(json_object_get(json_object_get(o, "metadata"), "name")), name))
                return (int)json_integer_value(json_object_get(json_object_get(o, "spec"), "maxReplicas"));
        }
    return -1;
}

static void test_policy_reload_keeps_last_good(void **st)
{
    char dir[] = "/tmp/hpa-policy-XXXXXX", pa[128], pb[128];
    dpol_source s;
    hpa_errlist problems = {0, 0, NULL};
    bool changed;
    hpa_err e;

    (void)st;
    assert_non_null(mkdtemp(dir));
    snprintf(pa, sizeof(pa), "%s/a.yaml", dir);
    snprintf(pb, sizeof(pb), "%s/b.yml", dir);
    write_file(pa, good_a, 0);
    write_file(pb, good_b, 0);
    assert_int_equal(dpol_open(&s, dir, &e), HPA_OK);
    assert_int_equal(dpol_reload(&s, true, &problems, &changed, &e), HPA_OK);
    assert_true(changed);
    assert_int_equal(problems.n, 0);
    assert_int_equal(dpol_count(&s), 3);
    assert_int_equal(max_replicas_of(&s, "a"), 5);

    /* nothing changed on disk: nothing reloads */
    assert_int_equal(dpol_reload(&s, false, &problems, &changed, &e), HPA_OK);
    assert_false(changed);

    /* a broken edit is reported with its file and field; the old a stays */
    write_file(pa, bad_a, 2);
    assert_int_equal(dpol_reload(&s, false, &problems, &changed, &e), HPA_OK);
    assert_false(changed);
    assert_true(problems.n >= 1);
    assert_non_null(strstr(problems.items[0].file, "a.yaml"));
    assert_string_equal(problems.items[0].path, "spec.maxReplicas");
    assert_int_equal(problems.items[0].line, 6);
    assert_int_equal(max_replicas_of(&s, "a"), 5);
    hpa_errlist_free(&problems);

    /* the fix is picked up */
    write_file(pa, good_a2, 4);
    assert_int_equal(dpol_reload(&s, false, &problems, &changed, &e), HPA_OK);
    assert_true(changed);
    assert_int_equal(max_replicas_of(&s, "a"), 9);

    /* a deleted file takes its HPAs with it */
    unlink(pb);
    assert_int_equal(dpol_reload(&s, false, &problems, &changed, &e), HPA_OK);
    assert_true(changed);
    assert_int_equal(dpol_count(&s), 1);
    assert_int_equal(max_replicas_of(&s, "c"), -1);

    dpol_close(&s);
    hpa_errlist_free(&problems);
    unlink(pa);
    rmdir(dir);
}

static void test_policy_missing_path(void **st)
{
    dpol_source s;
    hpa_err e;

    (void)st;
    assert_int_equal(dpol_open(&s, "/nonexistent/policies", &e), HPA_EIO);
    assert_string_equal(e.path, "--policies");
    assert_non_null(strstr(e.msg, "/nonexistent/policies"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prom_sample_escaping),
        cmocka_unit_test(test_prom_values),
        cmocka_unit_test(test_prom_vec_render),
        cmocka_unit_test(test_prom_histogram),
        cmocka_unit_test(test_lease_create_and_renew),
        cmocka_unit_test(test_lease_standby_waits_then_takes_over),
        cmocka_unit_test(test_lease_renewed_record_restarts_expiry),
        cmocka_unit_test(test_lease_release_and_deadline),
        cmocka_unit_test(test_lease_json_round_trip),
        cmocka_unit_test(test_state_round_trip),
        cmocka_unit_test(test_state_bad_input_names_field),
        cmocka_unit_test(test_policy_reload_keeps_last_good),
        cmocka_unit_test(test_policy_missing_path),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
