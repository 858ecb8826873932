/* test_trace.c - trace CSV parsing (errors name file and line), resampling,
 * scaling and cutting. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "scenario.h"
#include "trace.h"

typedef struct bad_case {
    const char *name;
    const char *csv;
    int line;
    const char *msg;        /* substring of the message */
} bad_case;

static const bad_case bad_cases[] = {
    {"empty file", "", 1, "no data rows"},
    {"header only", "time_s,value\n", 1, "no data rows after the header"},
    {"no header", "0,1\n60,2\n", 1, "missing header"},
    {"non-monotonic", "time_s,value\n0,1\n60,2\n60,3\n", 4, "does not increase"},
    {"going back", "time_s,value\n0,1\n120,2\n60,3\n", 4, "does not increase"},
    {"negative", "time_s,value\n0,1\n60,-2\n", 3, "negative value \"-2\""},
    {"NaN", "time_s,value\n0,1\n60,nan\n", 3, "not a finite number"},
    {"infinite", "time_s,value\n0,1\n60,inf\n", 3, "not a finite number"},
    {"unparsable value", "time_s,value\n0,1\n60,abc\n", 3, "unparsable value \"abc\""},
    {"missing value", "time_s,value\n0,1\n60,\n", 3, "unparsable value \"\""},
    {"unparsable time", "time_s,value\n0,1\nsoon,2\n", 3, "unparsable time \"soon\""},
    {"one column", "time_s,value\n0,1\n60\n", 3, "two comma-separated columns"},
    {"mixed times", "t,v\n2026-01-01T00:00:00Z,1\n60,2\n", 3, "earlier rows used RFC 3339"},
    {"blank lines counted", "time_s,value\n\n0,1\n\n60,x\n", 5, "unparsable value"},
};

static void test_bad_traces(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const bad_case *c = &bad_cases[i];
        sim_trace_raw r;
        hpa_err e;
        hpa_err_clear(&e);
        if (sim_trace_parse(c->csv, strlen(c->csv), "bad.csv", &r, &e) == HPA_OK)
            fail_msg("%s: parsed", c->name);
        if (strcmp(e.file, "bad.csv") || e.line != c->line || !strstr(e.msg, c->msg))
            fail_msg("%s: got %s:%d: %s; want bad.csv:%d: ...%s...", c->name, e.file, e.line, e.msg,
                     c->line, c->msg);
        assert_null(r.t);
    }
}

static void test_read_file_errors(void **state)
{
    char path[32];
    int fd;
    sim_trace_raw r;
    hpa_err e;
    char buf[600];
    const char *text = "time_s,value\n0,5\n30,-1\n";

    (void)state;
    /* mkstemp's template: six 'X' at the end */
    snprintf(path, sizeof(path), "/tmp/test_trace_%6s", "");
    memset(path + strlen(path) - 6, 'X', 6);
    fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    assert_int_equal(sim_trace_read(path, &r, &e), HPA_ERANGE);
    hpa_err_format(&e, buf, sizeof(buf));
    assert_non_null(strstr(buf, path));
    assert_non_null(strstr(buf, ":3:"));
    unlink(path);
    assert_int_equal(sim_trace_read("/nonexistent/x.csv", &r, &e), HPA_EIO);
    assert_string_equal(e.file, "/nonexistent/x.csv");
}

static void test_parse_ok(void **state)
{
    const char *csv = "time_s,value\n100,6\n160,12\n220,0\n";
    const char *rfc = "timestamp,value\n2026-01-01T00:00:00Z,1\n\"2026-01-01T00:01:30Z\",2\n";
    sim_trace_raw r;
    hpa_err e;

    (void)state;
    assert_int_equal(sim_trace_parse(csv, strlen(csv), "ok.csv", &r, &e), HPA_OK);
    assert_int_equal(r.n, 3);
    /* times are made relative to the first row */
    assert_true(r.t[0] == 0 && r.t[1] == 60 && r.t[2] == 120);
    assert_true(r.v[1] == 12);
    assert_false(r.has_epoch);
    sim_trace_raw_free(&r);
    assert_int_equal(sim_trace_parse(rfc, strlen(rfc), "rfc.csv", &r, &e), HPA_OK);
    assert_int_equal(r.n, 2);
    assert_true(r.has_epoch);
    assert_int_equal(r.epoch, 1767225600000LL);
    assert_true(r.t[1] == 90);
    sim_trace_raw_free(&r);
}

typedef struct rs_case {
    const char *name;
    sim_resample mode;
    double step, from, to, factor, scale, peak;
    size_t n;
    double want[8];
} rs_case;

/* Samples at 0, 60, 90, 180 s with values 60, 120, 0, 240: irregular. The
 * last sample holds for one median step (60 s): the trace ends at 240 s. */
static const rs_case rs_cases[] = {
    {"step, 30 s", SIM_RESAMPLE_STEP, 30, 0, 0, 1, 1, 0, 8, {60, 60, 120, 0, 0, 0, 240, 240}},
    {"linear, 30 s", SIM_RESAMPLE_LINEAR, 30, 0, 0, 1, 1, 0, 8, {60, 90, 120, 0, 80, 160, 240, 240}},
    {"per-minute counts as a rate", SIM_RESAMPLE_STEP, 60, 0, 0, 1.0 / 60, 1, 0, 4, {1, 2, 0, 4}},
    {"load scale", SIM_RESAMPLE_STEP, 60, 0, 0, 1, 0.5, 0, 4, {30, 60, 0, 120}},
    {"peak", SIM_RESAMPLE_STEP, 60, 0, 0, 1, 1, 10, 4, {2.5, 5, 0, 10}},
    {"cut", SIM_RESAMPLE_STEP, 30, 60, 150, 1, 1, 0, 3, {120, 0, 0}},
    {"median step by default", SIM_RESAMPLE_STEP, 0, 0, 0, 1, 1, 0, 4, {60, 120, 0, 240}},
};

static void test_resample(void **state)
{
    const char *csv = "time_s,value\n0,60\n60,120\n90,0\n180,240\n";
    sim_trace_raw r;
    hpa_err e;
    size_t i, k;

    (void)state;
    assert_int_equal(sim_trace_parse(csv, strlen(csv), "rs.csv", &r, &e), HPA_OK);
    for (i = 0; i < sizeof(rs_cases) / sizeof(rs_cases[0]); i++) {
        const rs_case *c = &rs_cases[i];
        sim_trace_opts o;
        sim_series s;
        sim_trace_opts_init(&o);
        o.resample = c->mode;
        o.step_s = c->step;
        o.from_s = c->from;
        o.to_s = c->to;
        o.unit_factor = c->factor;
        o.load_scale = c->scale;
        o.peak = c->peak;
        if (sim_trace_resample(&r, &o, "rs.csv", &s, &e) != HPA_OK)
            fail_msg("%s: %s", c->name, e.msg);
        if (s.n != c->n)
            fail_msg("%s: %zu cells, want %zu", c->name, s.n, c->n);
        for (k = 0; k < s.n; k++)
            if (fabs(s.v[k] - c->want[k]) > 1e-9)
                fail_msg("%s: cell %zu is %g, want %g", c->name, k, s.v[k], c->want[k]);
        sim_series_free(&s);
    }
    {
        /* an empty cut is an error that names the range */
        sim_trace_opts o;
        sim_series s;
        sim_trace_opts_init(&o);
        o.from_s = 500;
        assert_int_equal(sim_trace_resample(&r, &o, "rs.csv", &s, &e), HPA_ERANGE);
        assert_non_null(strstr(e.msg, "is empty"));
    }
    sim_trace_raw_free(&r);
}

static void test_unit_factor(void **state)
{
    sim_trace_spec t;
    sim_model m;

    (void)state;
    sim_model_default(&m);
    memset(&t, 0, sizeof(t));
    t.kind = SIM_TRACE_REQUESTS;
    strcpy(t.unit, "perMinute");
    assert_true(fabs(sim_trace_unit_factor(&t, &m) - 1.0 / 60) < 1e-15);
    strcpy(t.unit, "perSecond");
    assert_true(sim_trace_unit_factor(&t, &m) == 1);
    /* CPU: 1 core of demand = 1000m = 400 req/s at 2.5m per req/s */
    t.kind = SIM_TRACE_CPU;
    strcpy(t.unit, "cores");
    assert_true(fabs(sim_trace_unit_factor(&t, &m) - 400) < 1e-9);
    strcpy(t.unit, "percent");
    assert_true(fabs(sim_trace_unit_factor(&t, &m) - 8) < 1e-9);
    t.cpu_per_unit_m = 5;
    assert_true(fabs(sim_trace_unit_factor(&t, &m) - 2) < 1e-9);
}

/* The bundled traces parse. */
static void test_bundled(void **state)
{
    static const struct {
        const char *file;
        size_t rows;
    } files[] = {
        {"sim/traces/worldcup98_requests_per_min.csv", 125310},
        {"sim/traces/nasa_jul95_requests_per_min.csv", 39692},
        {"sim/traces/alibaba2018_cluster_cpu_30s.csv", 17280},
    };
    size_t i;

    (void)state;
    for (i = 0; i < 3; i++) {
        sim_trace_raw r;
        hpa_err e;
        if (sim_trace_read(files[i].file, &r, &e) != HPA_OK)
            fail_msg("%s: %s", files[i].file, e.msg);
        if (r.n != files[i].rows)
            fail_msg("%s: %zu rows, want %zu", files[i].file, r.n, files[i].rows);
        sim_trace_raw_free(&r);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bad_traces),
        cmocka_unit_test(test_read_file_errors),
        cmocka_unit_test(test_parse_ok),
        cmocka_unit_test(test_resample),
        cmocka_unit_test(test_unit_factor),
        cmocka_unit_test(test_bundled),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
