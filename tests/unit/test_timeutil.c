/* test_timeutil.c - RFC 3339 times and Go durations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hpa/timeutil.h"

typedef struct time_case {
    const char *text;
    hpa_errcode rc;
    hpa_time_t ms;
} time_case;

static const time_case time_cases[] = {
    {"1970-01-01T00:00:00Z", HPA_OK, 0},
    {"2026-11-29T10:00:00Z", HPA_OK, 1795946400000LL},
    {"2026-11-29T10:00:00.123456Z", HPA_OK, 1795946400123LL},
    {"2026-11-29T10:00:00.9999Z", HPA_OK, 1795946400999LL},
    {"2026-11-29T10:00:00.5Z", HPA_OK, 1795946400500LL},
    {"2026-11-29T12:00:00+02:00", HPA_OK, 1795946400000LL},
    {"2026-11-29T04:30:00-05:30", HPA_OK, 1795946400000LL},
    {"2026-11-29t10:00:00z", HPA_OK, 1795946400000LL},
    {"2024-02-29T00:00:00Z", HPA_OK, 1709164800000LL},
    {"2000-03-01T00:00:00Z", HPA_OK, 951868800000LL},
    {"1900-01-01T00:00:00Z", HPA_OK, -2208988800000LL},
    {"1969-12-31T23:59:59.999Z", HPA_OK, -1},
    {"", HPA_ESYNTAX, 0},
    {"garbage", HPA_ESYNTAX, 0},
    {"2026-13-01T00:00:00Z", HPA_ESYNTAX, 0},
    {"2026-00-01T00:00:00Z", HPA_ESYNTAX, 0},
    {"2026-01-32T00:00:00Z", HPA_ESYNTAX, 0},
    {"2026-04-31T00:00:00Z", HPA_ESYNTAX, 0},
    {"2023-02-29T00:00:00Z", HPA_ESYNTAX, 0},
    {"2026-01-01T24:00:00Z", HPA_ESYNTAX, 0},
    {"2026-01-01T23:60:00Z", HPA_ESYNTAX, 0},
    {"2026-01-01T23:00:60Z", HPA_ESYNTAX, 0},
    {"2026-11-29T10:00:00", HPA_ESYNTAX, 0},
    {"2026-11-29 10:00:00Z", HPA_ESYNTAX, 0},
    {"2026-11-29T10:00:00.Z", HPA_ESYNTAX, 0},
    {"2026-11-29T10:00:00Zjunk", HPA_ESYNTAX, 0},
    {"2026-11-29T10:00:00+0200", HPA_ESYNTAX, 0},
    {"2026-11-29T10:00:00+24:00", HPA_ESYNTAX, 0},
    {"26-11-29T10:00:00Z", HPA_ESYNTAX, 0},
    {"2026-11-29T1:00:00Z", HPA_ESYNTAX, 0},
};

static void test_time_parse_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(time_cases) / sizeof(time_cases[0]); i++) {
        const time_case *c = &time_cases[i];
        hpa_time_t t = 42;
        hpa_err e;
        hpa_errcode rc;

        hpa_err_clear(&e);
        rc = hpa_time_parse(c->text, &t, &e);
        if (rc != c->rc)
            fail_msg("case \"%s\": rc %d want %d (%s)", c->text, rc, c->rc, e.msg);
        if (rc == HPA_OK && t != c->ms)
            fail_msg("case \"%s\": %lld want %lld", c->text, (long long)t,
                     (long long)c->ms);
        if (rc != HPA_OK) {
            char want[64];

            snprintf(want, sizeof(want), "\"%s\"", c->text);
            if (!strstr(e.msg, want))
                fail_msg("case \"%s\": error does not name the text: %s",
                         c->text, e.msg);
        }
    }
}

static void test_time_missing_zone_message(void **state)
{
    hpa_time_t t;
    hpa_err e;

    (void)state;
    assert_int_equal(hpa_time_parse("2026-11-29T10:00:00", &t, &e), HPA_ESYNTAX);
    assert_non_null(strstr(e.msg, "2026-11-29T10:00:00"));
    assert_non_null(strstr(e.msg, "time zone"));
    assert_int_equal(hpa_time_parse(NULL, &t, NULL), HPA_ESYNTAX);
}

typedef struct tfmt_case {
    hpa_time_t t;
    const char *want;
} tfmt_case;

static const tfmt_case tfmt_cases[] = {
    {0, "1970-01-01T00:00:00Z"},
    {1795946400000LL, "2026-11-29T10:00:00Z"},
    {1795946400123LL, "2026-11-29T10:00:00.123Z"},
    {1795946400005LL, "2026-11-29T10:00:00.005Z"},
    {-1, "1969-12-31T23:59:59.999Z"},
    {-2208988800000LL, "1900-01-01T00:00:00Z"},
    {1709164800000LL + 86399000LL, "2024-02-29T23:59:59Z"},
    {253402300799000LL, "9999-12-31T23:59:59Z"},
};

static void test_time_format_and_roundtrip(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(tfmt_cases) / sizeof(tfmt_cases[0]); i++) {
        char buf[HPA_TIME_STR_MAX];
        hpa_time_t back;

        hpa_time_format(tfmt_cases[i].t, buf, sizeof(buf));
        if (strcmp(buf, tfmt_cases[i].want) != 0)
            fail_msg("format(%lld) = %s want %s", (long long)tfmt_cases[i].t,
                     buf, tfmt_cases[i].want);
        assert_int_equal(hpa_time_parse(buf, &back, NULL), HPA_OK);
        if (back != tfmt_cases[i].t)
            fail_msg("round trip of %s gave %lld", buf, (long long)back);
    }
}

static void test_time_roundtrip_sweep(void **state)
{
    hpa_time_t t;

    (void)state;
    /* Every ~3.7 days for 400 years, with odd milliseconds: exercises leap
     * years and century rules in both directions. */
    for (t = -6311433600000LL; t < 6311433600000LL; t += 319876543211LL / 1000) {
        char buf[HPA_TIME_STR_MAX];
        hpa_time_t back;

        hpa_time_format(t, buf, sizeof(buf));
        assert_int_equal(hpa_time_parse(buf, &back, NULL), HPA_OK);
        if (back != t)
            fail_msg("round trip of %lld via %s gave %lld", (long long)t, buf,
                     (long long)back);
    }
}

typedef struct dur_case {
    const char *text;
    hpa_errcode rc;
    hpa_duration_t ms;
    const char *msg;   /* expected error text, NULL for OK */
} dur_case;

static const dur_case dur_cases[] = {
    {"300ms", HPA_OK, 300, NULL},
    {"1.5h", HPA_OK, 5400000, NULL},
    {"2h45m", HPA_OK, 9900000, NULL},
    {"5m", HPA_OK, 300000, NULL},
    {"30s", HPA_OK, 30000, NULL},
    {"-1m30s", HPA_OK, -90000, NULL},
    {"0", HPA_OK, 0, NULL},
    {"-0", HPA_OK, 0, NULL},
    {"+5s", HPA_OK, 5000, NULL},
    {"0s", HPA_OK, 0, NULL},
    {"1500us", HPA_OK, 1, NULL},
    {"1500\xc2\xb5s", HPA_OK, 1, NULL},
    {"2000\xce\xbcs", HPA_OK, 2, NULL},
    {"999999ns", HPA_OK, 0, NULL},
    {"1000000ns", HPA_OK, 1, NULL},
    {"1.5s", HPA_OK, 1500, NULL},
    {".5s", HPA_OK, 500, NULL},
    {"1.s", HPA_OK, 1000, NULL},
    {"1h2m3.5s", HPA_OK, 3723500, NULL},
    {"1.0000000001s", HPA_OK, 1000, NULL},
    {"2562047h", HPA_OK, 9223369200000LL, NULL},
    {"", HPA_ESYNTAX, 0, "time: invalid duration \"\""},
    {"5", HPA_ESYNTAX, 0, "time: missing unit in duration \"5\""},
    {"5x", HPA_ESYNTAX, 0, "time: unknown unit \"x\" in duration \"5x\""},
    {"-", HPA_ESYNTAX, 0, "time: invalid duration \"-\""},
    {"s", HPA_ESYNTAX, 0, "time: invalid duration \"s\""},
    {".s", HPA_ESYNTAX, 0, "time: invalid duration \".s\""},
    {"1.5", HPA_ESYNTAX, 0, "time: missing unit in duration \"1.5\""},
    {"1h 2m", HPA_ESYNTAX, 0, "time: unknown unit \"h \" in duration \"1h 2m\""},
    {"2562048h", HPA_ESYNTAX, 0, "time: invalid duration \"2562048h\""},
    {"99999999999999999999s", HPA_ESYNTAX, 0,
     "time: invalid duration \"99999999999999999999s\""},
};

static void test_duration_parse_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(dur_cases) / sizeof(dur_cases[0]); i++) {
        const dur_case *c = &dur_cases[i];
        hpa_duration_t d = 42;
        hpa_err e;
        hpa_errcode rc;

        hpa_err_clear(&e);
        rc = hpa_duration_parse(c->text, &d, &e);
        if (rc != c->rc)
            fail_msg("case \"%s\": rc %d want %d (%s)", c->text, rc, c->rc, e.msg);
        if (rc == HPA_OK && d != c->ms)
            fail_msg("case \"%s\": %lld want %lld", c->text, (long long)d,
                     (long long)c->ms);
        if (c->msg && strcmp(e.msg, c->msg) != 0)
            fail_msg("case \"%s\": message \"%s\" want \"%s\"", c->text, e.msg,
                     c->msg);
    }
}

typedef struct dfmt_case {
    hpa_duration_t d;
    const char *want;
} dfmt_case;

static const dfmt_case dfmt_cases[] = {
    {0, "0s"},
    {1, "1ms"},
    {300, "300ms"},
    {-300, "-300ms"},
    {1000, "1s"},
    {1500, "1.5s"},
    {1001, "1.001s"},
    {1010, "1.01s"},
    {30000, "30s"},
    {60000, "1m0s"},
    {90000, "1m30s"},
    {-90000, "-1m30s"},
    {300000, "5m0s"},
    {3600000, "1h0m0s"},
    {3723500, "1h2m3.5s"},
    {86400000, "24h0m0s"},
    {9223369200000LL, "2562047h0m0s"},
};

static void test_duration_format_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(dfmt_cases) / sizeof(dfmt_cases[0]); i++) {
        char buf[64];
        hpa_duration_t back;

        hpa_duration_format(dfmt_cases[i].d, buf, sizeof(buf));
        if (strcmp(buf, dfmt_cases[i].want) != 0)
            fail_msg("format(%lld) = %s want %s", (long long)dfmt_cases[i].d,
                     buf, dfmt_cases[i].want);
        assert_int_equal(hpa_duration_parse(buf, &back, NULL), HPA_OK);
        assert_int_equal(back, dfmt_cases[i].d);
    }
}

static void test_duration_format_extremes(void **state)
{
    char buf[64], tiny[3];

    (void)state;
    hpa_duration_format(INT64_MIN, buf, sizeof(buf));
    assert_string_equal(buf, "-2562047788015h12m55.808s");
    hpa_duration_format(INT64_MAX, buf, sizeof(buf));
    assert_string_equal(buf, "2562047788015h12m55.807s");
    hpa_duration_format(3723500, tiny, sizeof(tiny));
    assert_string_equal(tiny, "1h");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_time_parse_table),
        cmocka_unit_test(test_time_missing_zone_message),
        cmocka_unit_test(test_time_format_and_roundtrip),
        cmocka_unit_test(test_time_roundtrip_sweep),
        cmocka_unit_test(test_duration_parse_table),
        cmocka_unit_test(test_duration_format_table),
        cmocka_unit_test(test_duration_format_extremes),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
