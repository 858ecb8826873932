/* test_quantity.c - resource.Quantity parse, milli rounding, float, format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hpa/quantity.h"

#define DSI HPA_QFMT_DECIMAL_SI
#define BSI HPA_QFMT_BINARY_SI
#define DEX HPA_QFMT_DECIMAL_EXPONENT

typedef struct parse_case {
    const char *text;
    hpa_errcode rc;
    int64_t mantissa;
    int32_t scale;
    hpa_qformat format;
} parse_case;

static const parse_case parse_cases[] = {
    /* good */
    {"0", HPA_OK, 0, 0, DSI},
    {"-0", HPA_OK, 0, 0, DSI},
    {"1", HPA_OK, 1, 0, DSI},
    {"+1", HPA_OK, 1, 0, DSI},
    {"-1", HPA_OK, -1, 0, DSI},
    {"1.5", HPA_OK, 15, -1, DSI},
    {"1.50", HPA_OK, 150, -2, DSI},
    {".5", HPA_OK, 5, -1, DSI},
    {"1.", HPA_OK, 1, 0, DSI},
    {"007", HPA_OK, 7, 0, DSI},
    {"250m", HPA_OK, 250, -3, DSI},
    {"100n", HPA_OK, 100, -9, DSI},
    {"3u", HPA_OK, 3, -6, DSI},
    {"100k", HPA_OK, 100, 3, DSI},
    {"1M", HPA_OK, 1, 6, DSI},
    {"2G", HPA_OK, 2, 9, DSI},
    {"4T", HPA_OK, 4, 12, DSI},
    {"5P", HPA_OK, 5, 15, DSI},
    {"1E", HPA_OK, 1, 18, DSI},
    {"10E", HPA_OK, 10, 18, DSI},
    {"512Mi", HPA_OK, 536870912, 0, BSI},
    {"1Ki", HPA_OK, 1024, 0, BSI},
    {"1Gi", HPA_OK, 1073741824, 0, BSI},
    {"2Ti", HPA_OK, 2199023255552LL, 0, BSI},
    {"1Pi", HPA_OK, 1125899906842624LL, 0, BSI},
    {"7Ei", HPA_OK, 8070450532247928832LL, 0, BSI},
    {"-512Mi", HPA_OK, -536870912, 0, BSI},
    {"1.5Gi", HPA_OK, 1610612736, 0, BSI},
    {"-1.5Gi", HPA_OK, -1610612736, 0, BSI},
    {"0.5Ki", HPA_OK, 512, 0, BSI},
    {"1.1Ki", HPA_OK, 11264, -1, BSI},
    {"0.0001Ki", HPA_OK, 1024, -4, DSI},   /* below 1: shown as decimal */
    {"2e3", HPA_OK, 2, 3, DEX},
    {"2E-3", HPA_OK, 2, -3, DEX},
    {"1e+3", HPA_OK, 1, 3, DEX},
    {"1.5e3", HPA_OK, 15, 2, DEX},
    {"1e19", HPA_OK, 10, 18, DEX},
    {"0.000000001", HPA_OK, 1, -9, DSI},
    {"0.0000000001", HPA_OK, 1, -9, DSI},   /* rounded up to 1n */
    {"0.0000000015", HPA_OK, 2, -9, DSI},
    {"-0.0000000001", HPA_OK, -1, -9, DSI},
    {"1e-10", HPA_OK, 1, -9, DEX},
    {"0.1n", HPA_OK, 1, -9, DSI},
    {"1234567890123456789", HPA_OK, 1234567890123456789LL, 0, DSI},
    {"12345678901234567890", HPA_OK, 1234567890123456789LL, 1, DSI},
    {"12345678901234567890m", HPA_OK, 1234567890123456789LL, -2, DSI},
    {"9223372036854775807n", HPA_OK, INT64_MAX, -9, DSI},
    {"0.1234567890123456789012", HPA_OK, 123456790, -9, DSI},
    {"000000000000000000000000001", HPA_OK, 1, 0, DSI},
    /* bad */
    {"", HPA_ESYNTAX, 0, 0, DSI},
    {"12x", HPA_ESYNTAX, 0, 0, DSI},
    {"1..5", HPA_ESYNTAX, 0, 0, DSI},
    {"1.5.", HPA_ESYNTAX, 0, 0, DSI},
    {"--3", HPA_ESYNTAX, 0, 0, DSI},
    {"+-3", HPA_ESYNTAX, 0, 0, DSI},
    {" 1", HPA_ESYNTAX, 0, 0, DSI},
    {"1 ", HPA_ESYNTAX, 0, 0, DSI},
    {"Mi", HPA_ESYNTAX, 0, 0, DSI},
    {".", HPA_ESYNTAX, 0, 0, DSI},
    {"-", HPA_ESYNTAX, 0, 0, DSI},
    {"1e", HPA_ESYNTAX, 0, 0, DSI},
    {"1K", HPA_ESYNTAX, 0, 0, DSI},
    {"1mi", HPA_ESYNTAX, 0, 0, DSI},
    {"1i", HPA_ESYNTAX, 0, 0, DSI},
    {"1e3e", HPA_ESYNTAX, 0, 0, DSI},
    {"1e-", HPA_ESYNTAX, 0, 0, DSI},
    {"1Mi3", HPA_ESYNTAX, 0, 0, DSI},
    {"aoeu", HPA_ESYNTAX, 0, 0, DSI},
    {"16Ei", HPA_ERANGE, 0, 0, DSI},
    {"8Ei", HPA_ERANGE, 0, 0, DSI},
    {"12345678901234567891", HPA_ERANGE, 0, 0, DSI},
    {"1e40", HPA_ERANGE, 0, 0, DSI},
    {"99999999999999999999E", HPA_ERANGE, 0, 0, DSI},
};

static void test_parse_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        const parse_case *c = &parse_cases[i];
        hpa_quantity q = {-99, -99, DEX};
        hpa_err e;
        hpa_errcode rc;
        char want[64];

        hpa_err_clear(&e);
        rc = hpa_quantity_parse(c->text, &q, &e);
        if (rc != c->rc)
            fail_msg("case \"%s\": rc %d, want %d (%s)", c->text, rc, c->rc, e.msg);
        if (rc != HPA_OK) {
            snprintf(want, sizeof(want), "\"%s\"", c->text);
            if (!strstr(e.msg, want))
                fail_msg("case \"%s\": error does not name the text: %s",
                         c->text, e.msg);
            continue;
        }
        if (q.mantissa != c->mantissa || q.scale != c->scale ||
            q.format != c->format)
            fail_msg("case \"%s\": got (%lld, %d, fmt %d), want (%lld, %d, fmt %d)",
                     c->text, (long long)q.mantissa, q.scale, q.format,
                     (long long)c->mantissa, c->scale, c->format);
    }
}

static void test_parse_messages(void **state)
{
    hpa_quantity q;
    hpa_err e;

    (void)state;
    assert_int_equal(hpa_quantity_parse("1K", &q, &e), HPA_ESYNTAX);
    assert_string_equal(e.msg, "invalid quantity \"1K\": unknown suffix \"K\"");
    assert_int_equal(hpa_quantity_parse("12x", &q, &e), HPA_ESYNTAX);
    assert_non_null(strstr(e.msg, "quantities must match the regular expression"));
    assert_int_equal(hpa_quantity_parse(NULL, &q, &e), HPA_ESYNTAX);
    assert_int_equal(hpa_quantity_parse("16Ei", &q, NULL), HPA_ERANGE);
}

typedef struct format_case {
    const char *name;
    hpa_quantity q;
    const char *want;
} format_case;

static const format_case format_cases[] = {
    {"zero", {0, 0, DSI}, "0"},
    {"zero milli", {0, -3, BSI}, "0"},
    {"1500m", {1500, -3, DSI}, "1500m"},
    {"2000m", {2000, -3, DSI}, "2"},
    {"157286400000m", {157286400000LL, -3, DSI}, "157286400"},
    {"5e11m", {500000000000LL, -3, DSI}, "500M"},
    {"1m", {1, -3, DSI}, "1m"},
    {"-1500m", {-1500, -3, DSI}, "-1500m"},
    {"1000000m", {1000000, -3, DSI}, "1k"},
    {"1.5 as (15,-1)", {15, -1, DSI}, "1500m"},
    {"0.1", {1, -1, DSI}, "100m"},
    {"1000u", {1000, -6, DSI}, "1m"},
    {"100n", {100, -9, DSI}, "100n"},
    {"1n", {1, -9, DSI}, "1n"},
    {"12345n", {12345, -9, DSI}, "12345n"},
    {"1234567n", {1234567, -9, DSI}, "1234567n"},
    {"10E", {10, 18, DSI}, "10E"},
    {"1000E", {1000, 18, DSI}, "1000E"},
    {"100k", {100, 3, DSI}, "100k"},
    {"1e3 exp", {1, 3, DEX}, "1e3"},
    {"2e-3 exp", {2, -3, DEX}, "2e-3"},
    {"1.5e3 exp", {15, 2, DEX}, "1500"},
    {"12e-1 exp", {12, -1, DEX}, "1200e-3"},
    {"1e19 exp", {10, 18, DEX}, "10e18"},
    {"512Mi", {536870912, 0, BSI}, "512Mi"},
    {"1Gi", {1073741824, 0, BSI}, "1Gi"},
    {"1.5Gi", {1610612736, 0, BSI}, "1536Mi"},
    {"-1.5Gi", {-1610612736, 0, BSI}, "-1536Mi"},
    {"1024Ki", {1048576, 0, BSI}, "1Mi"},
    {"7Ei", {8070450532247928832LL, 0, BSI}, "7Ei"},
    {"1025 binary", {1025, 0, BSI}, "1025"},
    {"1023 binary", {1023, 0, BSI}, "1023"},
    {"1.1Ki binary", {11264, -1, BSI}, "1126400m"},
    {"binary milli 1024000m", {1024000, -3, BSI}, "1Ki"},
    {"binary milli 1500m", {1500, -3, BSI}, "1500m"},
    {"int64 max milli", {INT64_MAX, -3, DSI}, "9223372036854775807m"},
    {"int64 min", {INT64_MIN, 0, DSI}, "-9223372036854775808"},
    {"int64 max x100", {INT64_MAX, 1, DSI}, "92233720368547758070"},
};

static void test_format_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(format_cases) / sizeof(format_cases[0]); i++) {
        const format_case *c = &format_cases[i];
        char buf[HPA_QUANTITY_STR_MAX];

        hpa_quantity_format(&c->q, buf, sizeof(buf));
        if (strcmp(buf, c->want) != 0)
            fail_msg("case %s: got \"%s\", want \"%s\"", c->name, buf, c->want);
    }
}

static void test_format_parse_roundtrip(void **state)
{
    static const char *const texts[] = {
        "100m", "1", "512Mi", "1Gi", "100n", "2e3", "1536Mi", "500M", "7Ei",
        "-250m", "1126400m", "3u", "100k",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        hpa_quantity q, q2;
        char buf[HPA_QUANTITY_STR_MAX];

        assert_int_equal(hpa_quantity_parse(texts[i], &q, NULL), HPA_OK);
        hpa_quantity_format(&q, buf, sizeof(buf));
        if (strcmp(buf, texts[i]) != 0)
            fail_msg("%s: canonical form \"%s\"", texts[i], buf);
        assert_int_equal(hpa_quantity_parse(buf, &q2, NULL), HPA_OK);
        assert_int_equal(hpa_quantity_cmp(&q, &q2), 0);
    }
}

static void test_format_milli_and_truncation(void **state)
{
    char buf[HPA_QUANTITY_STR_MAX], small[4];
    hpa_quantity q = hpa_quantity_from_milli(1500, BSI);

    (void)state;
    assert_int_equal(q.mantissa, 1500);
    assert_int_equal(q.scale, -3);
    assert_int_equal(q.format, BSI);
    assert_string_equal(hpa_quantity_format_milli(1500, buf, sizeof(buf)), "1500m");
    assert_string_equal(hpa_quantity_format_milli(2000, buf, sizeof(buf)), "2");
    assert_string_equal(hpa_quantity_format_milli(0, buf, sizeof(buf)), "0");
    assert_string_equal(hpa_quantity_format_milli(536870912000LL, buf, sizeof(buf)),
                        "536870912");
    /* Never writes past len. */
    hpa_quantity_format_milli(123456, small, sizeof(small));
    assert_string_equal(small, "123");
}

typedef struct milli_case {
    const char *text;
    hpa_errcode rc;
    int64_t milli;
    int64_t value;
} milli_case;

static const milli_case milli_cases[] = {
    {"99000001n", HPA_OK, 100, 1},
    {"1n", HPA_OK, 1, 1},
    {"-1n", HPA_OK, 0, 0},
    {"1", HPA_OK, 1000, 1},
    {"512Mi", HPA_OK, 536870912000LL, 536870912},
    {"1.5", HPA_OK, 1500, 2},
    {"-1.5", HPA_OK, -1500, -1},
    {"100m", HPA_OK, 100, 1},
    {"-2.5m", HPA_OK, -2, 0},
    {"1.0001m", HPA_OK, 2, 1},
    {"2e3", HPA_OK, 2000000, 2000},
    {"0", HPA_OK, 0, 0},
    {"9223372036854775807n", HPA_OK, 9223372036855LL, 9223372037LL},
    {"9223372036854775m", HPA_OK, 9223372036854775LL, 9223372036855LL},
    {"10E", HPA_ERANGE, 0, 0},
    {"9223372036854775807", HPA_ERANGE, 0, INT64_MAX},
};

static void test_milli_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(milli_cases) / sizeof(milli_cases[0]); i++) {
        const milli_case *c = &milli_cases[i];
        hpa_quantity q;
        hpa_err e;
        int64_t m = -7, v = -7;
        hpa_errcode rc;

        assert_int_equal(hpa_quantity_parse(c->text, &q, NULL), HPA_OK);
        hpa_err_clear(&e);
        rc = hpa_quantity_milli(&q, &m, &e);
        if (rc != c->rc)
            fail_msg("case %s: milli rc %d want %d", c->text, rc, c->rc);
        if (rc == HPA_OK && m != c->milli)
            fail_msg("case %s: milli %lld want %lld", c->text, (long long)m,
                     (long long)c->milli);
        if (rc != HPA_OK && e.msg[0] == '\0')
            fail_msg("case %s: no error message", c->text);
        if (hpa_quantity_value(&q, &v, NULL) == HPA_OK && c->rc == HPA_OK &&
            v != c->value)
            fail_msg("case %s: value %lld want %lld", c->text, (long long)v,
                     (long long)c->value);
    }
}

static void test_milli_overflow_message(void **state)
{
    hpa_quantity q;
    hpa_err e;
    int64_t m;

    (void)state;
    assert_int_equal(hpa_quantity_parse("10E", &q, NULL), HPA_OK);
    assert_int_equal(hpa_quantity_milli(&q, &m, &e), HPA_ERANGE);
    assert_non_null(strstr(e.msg, "10E"));
    assert_int_equal(hpa_quantity_parse("1e21", &q, NULL), HPA_OK);
    assert_int_equal(hpa_quantity_value(&q, &m, &e), HPA_ERANGE);
    assert_non_null(strstr(e.msg, "1e21"));
}

typedef struct float_case {
    const char *text;
    double want;
} float_case;

static const float_case float_cases[] = {
    {"0.1", 0.1},       {"100m", 0.1},     {"50m", 0.05},
    {"0.05", 0.05},     {"1.5", 1.5},      {"2e3", 2000.0},
    {"512Mi", 536870912.0}, {"0", 0.0},    {"-250m", -0.25},
    {"1n", 1e-9},       {"0.3", 0.30000000000000004}, /* Go: 3 * 0.1 */      {"10E", 1e19},
};

static void test_approx_float(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(float_cases) / sizeof(float_cases[0]); i++) {
        hpa_quantity q;
        double got;

        assert_int_equal(hpa_quantity_parse(float_cases[i].text, &q, NULL), HPA_OK);
        got = hpa_quantity_approx_float(&q);
        if (got != float_cases[i].want)
            fail_msg("case %s: %.17g want %.17g", float_cases[i].text, got,
                     float_cases[i].want);
    }
}

typedef struct cmp_case {
    const char *a, *b;
    int want;
} cmp_case;

static const cmp_case cmp_cases[] = {
    {"1", "1000m", 0},       {"1.5", "1500m", 0},   {"1Ki", "1024", 0},
    {"1", "999m", 1},        {"999m", "1", -1},     {"-1", "1", -1},
    {"10E", "1e19", 0},      {"1n", "0", 1},        {"-1n", "-2n", 1},
    {"1e18", "999999999999999999", 1},              {"0", "-0", 0},
    {"1E", "1e18", 0},       {"100n", "0.1u", 0},   {"-1Gi", "-1G", -1},
    {"9223372036854775807", "9223372036854775806", 1},
    {"1e-9", "0.000000001", 0},
};

static void test_cmp_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cmp_cases) / sizeof(cmp_cases[0]); i++) {
        hpa_quantity a, b;
        int got;

        assert_int_equal(hpa_quantity_parse(cmp_cases[i].a, &a, NULL), HPA_OK);
        assert_int_equal(hpa_quantity_parse(cmp_cases[i].b, &b, NULL), HPA_OK);
        got = hpa_quantity_cmp(&a, &b);
        if (got != cmp_cases[i].want)
            fail_msg("cmp(%s, %s) = %d want %d", cmp_cases[i].a, cmp_cases[i].b,
                     got, cmp_cases[i].want);
        if (hpa_quantity_cmp(&b, &a) != -cmp_cases[i].want)
            fail_msg("cmp(%s, %s) not antisymmetric", cmp_cases[i].b,
                     cmp_cases[i].a);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_parse_messages),
        cmocka_unit_test(test_format_table),
        cmocka_unit_test(test_format_parse_roundtrip),
        cmocka_unit_test(test_format_milli_and_truncation),
        cmocka_unit_test(test_milli_table),
        cmocka_unit_test(test_milli_overflow_message),
        cmocka_unit_test(test_approx_float),
        cmocka_unit_test(test_cmp_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
