/* test_tune.c - the offline policy tuner (sim/tune/): expressions, the
 * search space, the start points, thread-count independence, shard+merge
 * identity, the manifest output and the search quality against a grid. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "codec/codec.h"
#include "fleet.h"
#include "scenario.h"
#include "tune/output.h"
#include "tune/tune.h"

/* ---- expressions ------------------------------------------------------------------ */

typedef struct ecase {
    const char *name;
    const char *text;
    bool constraint;
    double want;          /* value (objective) or violation (constraint) */
} ecase;

static sim_summary fig(double ph, double ov, double un, int flaps)
{
    sim_summary s;

    memset(&s, 0, sizeof(s));
    s.pod_hours = ph;
    s.overload_seconds = ov;
    s.unserved_fraction = un;
    s.flaps = flaps;
    s.resp_p95 = 0.25;
    return s;
}

static const ecase good[] = {
    {"figure", "podHours", false, 100},
    {"weighted sum", "podHours+0.01*overloadSeconds", false, 102},
    {"precedence and parens", "(podHours - 50) * 2 / 4", false, 25},
    {"unary minus", "-flaps + 10", false, 4},
    {"dotted figure", "responseTime.p95*1000", false, 250},
    {"explicit base", "podHours / base.podHours", false, 2},
    {"met: overload <= base", "overloadSeconds<=base", true, 0},
    {"broken: flaps <= base*1.1", "flaps <= base*1.1", true, (6 - 4.4) / 4.4},
    {"met: fraction", "unservedFraction<=0.001", true, 0},
    {"broken: >=", "podHours >= 150", true, 50.0 / 150},
    {"strict at equality", "overloadSeconds < base", true, 1e-12 / 200},
};

static void test_expr_good(void **state)
{
    sim_summary cur = fig(100, 200, 0.0005, 6), base = fig(50, 200, 0.001, 4);
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        hpa_err e;
        double v;
        hpa_err_clear(&e);
        if (good[i].constraint) {
            tune_constraint c;
            if (tune_constraint_parse(good[i].text, "--constraint", &c, &e) != HPA_OK)
                fail_msg("%s: %s", good[i].name, e.msg);
            v = tune_constraint_violation(&c, &cur, &base);
        } else {
            tune_expr x;
            if (tune_expr_parse(good[i].text, "--minimize", &x, &e) != HPA_OK)
                fail_msg("%s: %s", good[i].name, e.msg);
            v = tune_expr_eval(&x, &cur, &base);
        }
        if (fabs(v - good[i].want) > 1e-9 * fmax(1, fabs(good[i].want)))
            fail_msg("%s: got %g, want %g", good[i].name, v, good[i].want);
    }
}

typedef struct bcase {
    const char *name;
    const char *text;
    bool constraint;
    const char *term;     /* must appear in the message */
} bcase;

static const bcase bad[] = {
    {"unknown figure", "podHour", false, "unknown figure \"podHour\""},
    {"unknown figure in a sum", "podHours+0.1*overloadSecs", false, "\"overloadSecs\""},
    {"dangling operator", "podHours+", false, "at the end"},
    {"unbalanced paren", "(podHours+1", false, "missing ')'"},
    {"junk after", "podHours )", false, "unexpected \")\""},
    {"bad number", "2x*podHours", false, "bad number \"2x\""},
    {"base in objective", "podHours-base", false, "\"base\" needs a figure"},
    {"unknown base figure", "flaps<=base.flapz", true, "\"base.flapz\""},
    {"no comparison", "overloadSeconds", true, "expected <=, <, >= or >"},
    {"wrong comparison", "overloadSeconds=base", true, "expected <=, <, >= or > at \"=\""},
    {"ambiguous base", "podHours+flaps<=base", true, "ambiguous"},
    {"base without figure", "1<=base", true, "needs a figure"},
    {"unknown figure in a constraint", "overload<=base", true, "unknown figure \"overload\""},
};

static void test_expr_bad(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        hpa_err e;
        hpa_errcode rc;
        hpa_err_clear(&e);
        if (bad[i].constraint) {
            tune_constraint c;
            rc = tune_constraint_parse(bad[i].text, "--constraint", &c, &e);
        } else {
            tune_expr x;
            rc = tune_expr_parse(bad[i].text, "--minimize", &x, &e);
        }
        if (rc == HPA_OK)
            fail_msg("%s: accepted \"%s\"", bad[i].name, bad[i].text);
        if (!strstr(e.msg, bad[i].term))
            fail_msg("%s: message \"%s\" does not name %s", bad[i].name, e.msg, bad[i].term);
        if (strcmp(e.path, bad[i].constraint ? "--constraint" : "--minimize"))
            fail_msg("%s: path \"%s\"", bad[i].name, e.path);
    }
}

/* ---- the space ---------------------------------------------------------------------- */

static hpa_arena arena;
static hpa_spec base_spec;

static int load_base(void **state)
{
    hpa_err e;

    (void)state;
    hpa_arena_init(&arena);
    if (sim_policy_load("policies/python-app-hpa.yaml", &arena, &base_spec, &e) != HPA_OK) {
        fprintf(stderr, "policies/python-app-hpa.yaml: %s (run from the repository root)\n", e.msg);
        return -1;
    }
    return 0;
}

static int free_base(void **state)
{
    (void)state;
    hpa_arena_free(&arena);
    return 0;
}

static const tune_param *param(const tune_space *s, const char *name)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        if (!strcmp(s->p[i].name, name))
            return &s->p[i];
    return NULL;
}

static void test_space_default(void **state)
{
    tune_space s;
    hpa_options o = hpa_options_default();
    hpa_err e;
    const tune_param *p;

    (void)state;
    assert_int_equal(tune_space_default(&s, &base_spec, &o, &e), HPA_OK);
    p = param(&s, "target.cpu");
    assert_non_null(p);
    assert_true(p->base == 70 && p->lo <= 70 && p->hi >= 70 && !p->fixed);
    assert_non_null(param(&s, "target.memory"));
    p = param(&s, "down.window");
    assert_non_null(p);
    assert_true(p->base == 300);
    assert_non_null(param(&s, "up.policy[1].period"));
    p = param(&s, "up.select");
    assert_non_null(p);
    assert_int_equal(p->type, TUNE_CAT);
    assert_false(p->fixed);
    /* one scale-down policy: Max and Min are the same, not searched */
    assert_true(param(&s, "down.select")->fixed);
    assert_non_null(param(&s, "down.tolerance"));
    assert_non_null(param(&s, "minReplicas"));
    assert_non_null(param(&s, "maxReplicas"));
    assert_true(s.n_free >= 14);
}

typedef struct scase {
    const char *name;
    const char *spec;
    const char *param;
    double lo, hi, step;
    bool fixed;
} scase;

static const scase sgood[] = {
    {"range", "target.cpu=50:90", "target.cpu", 50, 90, 1, false},
    {"range and step", "down.window=60:600:60", "down.window", 60, 600, 60, false},
    {"one value pins", "minReplicas=2", "minReplicas", 2, 2, 1, true},
    {"fixed pins at base", "target.memory=fixed", "target.memory", 80, 80, 1, true},
    {"real step", "up.tolerance=0.05:0.2:0.05", "up.tolerance", 0.05, 0.2, 0.05, false},
    {"several terms, spaces", "target.cpu=60:80, up.window=0:60:15", "up.window", 0, 60, 15, false},
};

static void test_space_parse_good(void **state)
{
    hpa_options o = hpa_options_default();
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(sgood) / sizeof(sgood[0]); i++) {
        tune_space s;
        hpa_err e;
        const tune_param *p;
        assert_int_equal(tune_space_default(&s, &base_spec, &o, &e), HPA_OK);
        if (tune_space_parse(&s, sgood[i].spec, &e) != HPA_OK)
            fail_msg("%s: %s", sgood[i].name, e.msg);
        p = param(&s, sgood[i].param);
        assert_non_null(p);
        if (p->fixed != sgood[i].fixed)
            fail_msg("%s: fixed %d", sgood[i].name, p->fixed);
        if (p->fixed ? p->value != sgood[i].lo
                     : (p->lo != sgood[i].lo || p->hi != sgood[i].hi || fabs(p->step - sgood[i].step) > 1e-12))
            fail_msg("%s: %g..%g step %g value %g", sgood[i].name, p->lo, p->hi, p->step, p->value);
    }
}

static void test_space_select_and_star(void **state)
{
    hpa_options o = hpa_options_default();
    tune_space s;
    hpa_err e;
    const tune_param *p;

    (void)state;
    assert_int_equal(tune_space_default(&s, &base_spec, &o, &e), HPA_OK);
    assert_int_equal(tune_space_parse(&s, "*=fixed,target.cpu=40:90:5,up.select=Min|Disabled", &e), HPA_OK);
    assert_int_equal(s.n_free, 2);
    p = param(&s, "up.select");
    assert_int_equal(p->ncat, 2);
    assert_int_equal(p->cat[0], HPA_SELECT_MIN);
    assert_int_equal(p->cat[1], HPA_SELECT_DISABLED);
    assert_true(param(&s, "down.window")->fixed);
}

static const bcase sbad[] = {
    {"unknown parameter", "target.cpux=50:90", false, "unknown parameter \"target.cpux\""},
    {"lists the parameters", "foo=1", false, "target.cpu"},
    {"not a number", "target.cpu=50:abc", false, "\"abc\" is not a number"},
    {"reversed bounds", "down.window=600:60", false, "lower bound 600 is above upper bound 60"},
    {"zero step", "down.window=0:600:0", false, "step 0 must be positive"},
    {"fractional step for an integer", "down.window=0:600:7.5", false, "whole number"},
    {"outside what the API accepts", "down.window=0:7200", false, "within 0..3600"},
    {"no =", "target.cpu", false, "expected name=lo:hi"},
    {"unknown selectPolicy", "up.select=Max|Fastest", false, "unknown selectPolicy \"Fastest\""},
    {"too many colons", "target.cpu=1:2:1:4", false, "too many ':'"},
    {"min above max", "minReplicas=12,maxReplicas=5:10", false, "minReplicas"},
    {"star with a range", "*=1:2", false, "*=fixed"},
};

static void test_space_parse_bad(void **state)
{
    hpa_options o = hpa_options_default();
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(sbad) / sizeof(sbad[0]); i++) {
        tune_space s;
        hpa_err e;
        assert_int_equal(tune_space_default(&s, &base_spec, &o, &e), HPA_OK);
        hpa_err_clear(&e);
        if (tune_space_parse(&s, sbad[i].text, &e) == HPA_OK)
            fail_msg("%s: accepted", sbad[i].name);
        if (!strstr(e.msg, sbad[i].term))
            fail_msg("%s: message \"%s\" does not name %s", sbad[i].name, e.msg, sbad[i].term);
        assert_string_equal(e.path, "--space");
    }
}

/* ---- the search ---------------------------------------------------------------------- */

/* A day of load at one-minute steps: a daily swell with a few bursts. */
static void synth(sim_series *s, size_t n, double phase)
{
    size_t i;

    memset(s, 0, sizeof(*s));
    s->step_s = 60;
    s->n = n;
    s->v = malloc(n * sizeof(double));
    assert_non_null(s->v);
    for (i = 0; i < n; i++) {
        double t = (double)i / 60.0;
        s->v[i] = 250 + 600 * (0.5 - 0.5 * cos(2 * M_PI * (t + phase) / 12)) + ((i / 37) % 7 == 3 ? 500 : 0);
    }
    s->epoch = 1700000000000LL;
}

typedef struct fixture {
    sim_model model;
    sim_series tune[1], val[1];
    tune_problem p;
} fixture;

static void fixture_init(fixture *f, const char *space, size_t budget, size_t cells)
{
    hpa_err e;

    memset(f, 0, sizeof(*f));
    sim_model_default(&f->model);
    synth(&f->tune[0], cells, 0);
    synth(&f->val[0], cells / 2, 3);
    f->p.base = &base_spec;
    f->p.deflt = NULL;
    f->p.model = &f->model;
    f->p.n_tune = 1;
    f->p.tune = f->tune;
    f->p.n_val = 1;
    f->p.val = f->val;
    f->p.budget = budget;
    f->p.seed = 42;
    f->p.threads = 1;
    assert_int_equal(tune_space_default(&f->p.space, &base_spec, &f->model.opts, &e), HPA_OK);
    if (tune_space_parse(&f->p.space, space, &e) != HPA_OK)
        fail_msg("%s", e.msg);
    assert_int_equal(tune_expr_parse("podHours", "--minimize", &f->p.objective, &e), HPA_OK);
    assert_int_equal(tune_constraint_parse("overloadSeconds<=base", "--constraint", &f->p.cons[0], &e), HPA_OK);
    f->p.n_cons = 1;
}

static void fixture_free(fixture *f)
{
    sim_series_free(&f->tune[0]);
    sim_series_free(&f->val[0]);
}

static void test_start_points_deterministic(void **state)
{
    fixture f;
    size_t n, i, k;
    double *a, *b, *c;
    hpa_err e;

    (void)state;
    fixture_init(&f, NULL, 100, 60);
    n = tune_start_count(&f.p);
    assert_true(n >= 40 && n <= 100);
    a = calloc(n * TUNE_MAX_PARAMS, sizeof(double));
    b = calloc(n * TUNE_MAX_PARAMS, sizeof(double));
    c = calloc(n * TUNE_MAX_PARAMS, sizeof(double));
    assert_int_equal(tune_start_points(&f.p, a, n, &e), HPA_OK);
    assert_int_equal(tune_start_points(&f.p, b, n, &e), HPA_OK);
    assert_memory_equal(a, b, n * TUNE_MAX_PARAMS * sizeof(double));
    /* point 0 is the base policy */
    assert_true(a[0] == 70);
    /* a Latin hypercube: every free parameter spreads over its range */
    for (k = 0; k < f.p.space.n_free; k++) {
        size_t pi = f.p.space.free_idx[k];
        const tune_param *pp = &f.p.space.p[pi];
        double lo = INFINITY, hi = -INFINITY;
        if (pp->type == TUNE_CAT)
            continue;
        for (i = 1; i < n; i++) {
            lo = fmin(lo, a[i * TUNE_MAX_PARAMS + pi]);
            hi = fmax(hi, a[i * TUNE_MAX_PARAMS + pi]);
        }
        if (lo > pp->lo + 0.1 * (pp->hi - pp->lo) || hi < pp->hi - 0.1 * (pp->hi - pp->lo))
            fail_msg("%s spans only %g..%g of %g..%g", pp->name, lo, hi, pp->lo, pp->hi);
    }
    /* another seed, other points */
    f.p.seed = 43;
    assert_int_equal(tune_start_points(&f.p, c, n, &e), HPA_OK);
    assert_true(memcmp(a + TUNE_MAX_PARAMS, c + TUNE_MAX_PARAMS, (n - 1) * TUNE_MAX_PARAMS * sizeof(double)) != 0);
    free(a);
    free(b);
    free(c);
    fixture_free(&f);
}

static json_t *result_json(const tune_problem *p, const tune_result *r)
{
    tune_meta m = {"cmd", "policies/python-app-hpa.yaml", "none", "podHours", "tune", "val", 42, p->budget};

    return tune_out_json(p, r, &m);
}

static void run_full(tune_problem *p, tune_result *r)
{
    hpa_err e;

    memset(r, 0, sizeof(*r));
    if (tune_references(p, r, &e) != HPA_OK || tune_run(p, NULL, 0, r, &e) != HPA_OK)
        fail_msg("tune: %s", e.msg);
}

static void test_threads_do_not_matter(void **state)
{
    fixture f;
    tune_result r1, r2;
    json_t *j1, *j2;

    (void)state;
    fixture_init(&f, "*=fixed,target.cpu=40:95,down.window=0:600:15,up.select=Max|Min,minReplicas=1:5", 40, 360);
    f.p.threads = 1;
    run_full(&f.p, &r1);
    f.p.threads = 2;
    run_full(&f.p, &r2);
    assert_int_equal(r1.n, r2.n);
    assert_int_equal(r1.best, r2.best);
    assert_true(r1.sims <= 40);
    j1 = result_json(&f.p, &r1);
    j2 = result_json(&f.p, &r2);
    assert_true(json_equal(j1, j2));
    json_decref(j1);
    json_decref(j2);
    tune_result_free(&r1);
    tune_result_free(&r2);
    fixture_free(&f);
}

static void test_shards_merge_to_the_same(void **state)
{
    fixture f;
    tune_result whole, sh[3], merged;
    tune_cand *pre;
    size_t k, n_pre = 0, cap, i;
    json_t *j1, *j2;
    hpa_err e;

    (void)state;
    fixture_init(&f, "*=fixed,target.cpu=40:95,down.window=0:600:15,minReplicas=1:5", 30, 240);
    f.p.threads = 2;
    run_full(&f.p, &whole);
    cap = tune_start_count(&f.p);
    pre = calloc(cap, sizeof(*pre));
    assert_non_null(pre);
    for (k = 0; k < 3; k++) {
        json_t *arr;
        memset(&sh[k], 0, sizeof(sh[k]));
        assert_int_equal(tune_references(&f.p, &sh[k], &e), HPA_OK);
        assert_int_equal(tune_run_starts(&f.p, k, 3, &sh[k], &e), HPA_OK);
        /* through the shard file format and back */
        arr = tune_out_shard_candidates(&f.p, &sh[k]);
        {
            char *txt = json_dumps(arr, JSON_REAL_PRECISION(17));
            json_t *back = json_loads(txt, 0, NULL);
            assert_int_equal(tune_out_shard_read(back, &f.p, pre, cap, &e), HPA_OK);
            json_decref(back);
            free(txt);
        }
        json_decref(arr);
        tune_result_free(&sh[k]);
    }
    for (i = 0; i < cap; i++)
        n_pre += pre[i].done;
    memset(&merged, 0, sizeof(merged));
    assert_int_equal(tune_references(&f.p, &merged, &e), HPA_OK);
    if (tune_run(&f.p, pre, n_pre, &merged, &e) != HPA_OK)
        fail_msg("merge: %s", e.msg);
    j1 = result_json(&f.p, &whole);
    j2 = result_json(&f.p, &merged);
    {
        char *a = json_dumps(j1, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9));
        char *b = json_dumps(j2, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9));
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
    /* a shard missing: refused */
    pre[1].done = false;
    tune_result_free(&merged);
    memset(&merged, 0, sizeof(merged));
    assert_int_equal(tune_references(&f.p, &merged, &e), HPA_OK);
    assert_int_not_equal(tune_run(&f.p, pre, n_pre, &merged, &e), HPA_OK);
    assert_non_null(strstr(e.msg, "start point 1"));
    json_decref(j1);
    json_decref(j2);
    free(pre);
    tune_result_free(&whole);
    tune_result_free(&merged);
    fixture_free(&f);
}

static void test_manifest_validates(void **state)
{
    fixture f;
    tune_result r;
    tune_meta m = {"hpa-engine tune --policy policies/python-app-hpa.yaml", "policies/python-app-hpa.yaml", "none",
                   "podHours", "tune", "val", 42, 40};
    char path[32] = "/tmp/test_tune_";
    int fd;
    hpa_docset ds;
    hpa_errlist probs = {0, 0, NULL};
    hpa_err e;
    hpa_spec back;
    hpa_arena a = HPA_ARENA_INIT;

    (void)state;
    /* mkstemp's template: six capital X at the end */
    memset(path + strlen(path), 'X', 6);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    fixture_init(&f, "up.tolerance=0.05:0.2:0.05,down.window=0:600:15", 30, 240);
    run_full(&f.p, &r);
    assert_int_equal(tune_out_write_manifest(path, &f.p, &r, &m, &e), HPA_OK);
    assert_int_equal(hpa_docset_load_file(path, &ds, &e), HPA_OK);
    assert_int_equal(ds.n, 1);
    assert_int_equal(hpa_validate_hpa_json(ds.docs[0].root, &probs), 0);
    assert_int_equal(hpa_codec_hpa_from_json(ds.docs[0].root, &a, &back, &e), HPA_OK);
    /* it is the best candidate's policy */
    {
        const tune_param *p = param(&f.p.space, "down.window");
        size_t pi = (size_t)(p - f.p.space.p);
        assert_true(back.has_behavior && back.scale_down.has_window);
        assert_int_equal(back.scale_down.window_seconds, (int)r.c[r.best].x[pi]);
        assert_int_equal(back.max_replicas, (int)r.c[r.best].x[param(&f.p.space, "maxReplicas") - f.p.space.p]);
    }
    hpa_errlist_free(&probs);
    hpa_docset_free(&ds);
    hpa_arena_free(&a);
    unlink(path);
    tune_result_free(&r);
    fixture_free(&f);
}

/* The tuner's best against the best of an exhaustive grid, under the same
 * constraint, with at most a tenth of the evaluations. */
static void test_search_quality_against_grid(void **state)
{
    fixture f;
    tune_result r;
    tune_specbuf sb;
    hpa_err e;
    const tune_param *pc, *pw;
    size_t ic, iw, grid = 0;
    double cpu, win, best_grid = INFINITY;

    (void)state;
    fixture_init(&f, "*=fixed,target.cpu=40:95:1,down.window=0:600:15", 1, 360);
    f.p.threads = 0;
    pc = param(&f.p.space, "target.cpu");
    pw = param(&f.p.space, "down.window");
    ic = (size_t)(pc - f.p.space.p);
    iw = (size_t)(pw - f.p.space.p);
    memset(&r, 0, sizeof(r));
    assert_int_equal(tune_references(&f.p, &r, &e), HPA_OK);
    assert_int_equal(tune_specbuf_init(&sb, &base_spec, &f.model.opts, &e), HPA_OK);
    for (cpu = pc->lo; cpu <= pc->hi; cpu += pc->step)
        for (win = pw->lo; win <= pw->hi; win += pw->step) {
            double x[TUNE_MAX_PARAMS], obj, viol;
            sim_summary s;
            sim_result res;
            tune_space_base_point(&f.p.space, x);
            x[ic] = cpu;
            x[iw] = win;
            tune_specbuf_apply(&sb, &f.p.space, x);
            assert_int_equal(sim_run(&sb.spec, &f.model, &f.tune[0], sim_fleet_seed(42, 0), false, &res, &e),
                             HPA_OK);
            s = res.sum;
            sim_result_free(&res);
            tune_judge(&f.p, &s, &r.base_tune, &obj, &viol);
            if (viol <= 0 && obj < best_grid)
                best_grid = obj;
            grid++;
        }
    tune_specbuf_free(&sb);
    tune_result_free(&r);
    f.p.budget = grid / 10;
    run_full(&f.p, &r);
    assert_true(r.feasible);
    assert_true(r.sims <= grid / 10);
    if (r.c[r.best].obj > best_grid * 1.02)
        fail_msg("tuner %g pod-hours, grid %g (%zu points, tuner %zu)", r.c[r.best].obj, best_grid, grid, r.sims);
    print_message("grid %zu points: best %.3f pod-hours; tuner %zu evaluations: %.3f (%+.2f %%)\n", grid, best_grid,
                  r.sims, r.c[r.best].obj, 100 * (r.c[r.best].obj / best_grid - 1));
    tune_result_free(&r);
    fixture_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_expr_good),
        cmocka_unit_test(test_expr_bad),
        cmocka_unit_test(test_space_default),
        cmocka_unit_test(test_space_parse_good),
        cmocka_unit_test(test_space_select_and_star),
        cmocka_unit_test(test_space_parse_bad),
        cmocka_unit_test(test_start_points_deterministic),
        cmocka_unit_test(test_threads_do_not_matter),
        cmocka_unit_test(test_shards_merge_to_the_same),
        cmocka_unit_test(test_manifest_validates),
        cmocka_unit_test(test_search_quality_against_grid),
    };

    return cmocka_run_group_tests(tests, load_base, free_base);
}
