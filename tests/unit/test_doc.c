/* test_doc.c - YAML/JSON documents with positions (src/codec/doc.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "codec/codec.h"

static void load_ok(const char *text, hpa_docset *set)
{
    hpa_err e;

    if (hpa_docset_load_buffer(text, strlen(text), "t.yaml", set, &e) != HPA_OK)
        fail_msg("load failed: %s (line %d col %d)", e.msg, e.line, e.col);
}

/* ---- scalar typing: one document per row ------------------------------ */

typedef struct scalar_case {
    const char *name;
    const char *yaml;        /* "v: <yaml>" */
    json_type type;
    long long ival;
    double rval;
    const char *sval;
} scalar_case;

static const scalar_case scalar_cases[] = {
    {"null word", "v: null", JSON_NULL, 0, 0, NULL},
    {"tilde", "v: ~", JSON_NULL, 0, 0, NULL},
    {"empty", "v:", JSON_NULL, 0, 0, NULL},
    {"Null", "v: Null", JSON_NULL, 0, 0, NULL},
    {"true", "v: true", JSON_TRUE, 0, 0, NULL},
    {"True", "v: True", JSON_TRUE, 0, 0, NULL},
    {"yes", "v: yes", JSON_TRUE, 0, 0, NULL},
    {"ON", "v: ON", JSON_TRUE, 0, 0, NULL},
    {"y", "v: y", JSON_TRUE, 0, 0, NULL},
    {"no", "v: no", JSON_FALSE, 0, 0, NULL},
    {"Off", "v: Off", JSON_FALSE, 0, 0, NULL},
    {"FALSE", "v: FALSE", JSON_FALSE, 0, 0, NULL},
    {"int", "v: 42", JSON_INTEGER, 42, 0, NULL},
    {"negative int", "v: -7", JSON_INTEGER, -7, 0, NULL},
    {"plus int", "v: +7", JSON_INTEGER, 7, 0, NULL},
    {"hex", "v: 0x1F", JSON_INTEGER, 31, 0, NULL},
    {"octal 0o", "v: 0o17", JSON_INTEGER, 15, 0, NULL},
    {"octal 0", "v: 010", JSON_INTEGER, 8, 0, NULL},
    {"underscores", "v: 1_000", JSON_INTEGER, 1000, 0, NULL},
    {"float", "v: 1.5", JSON_REAL, 0, 1.5, NULL},
    {"exp float", "v: 1e3", JSON_REAL, 0, 1000.0, NULL},
    {"dot float", "v: .5", JSON_REAL, 0, 0.5, NULL},
    {"string", "v: hello", JSON_STRING, 0, 0, "hello"},
    {"quoted int", "v: \"42\"", JSON_STRING, 0, 0, "42"},
    {"single quoted bool", "v: 'yes'", JSON_STRING, 0, 0, "yes"},
    {"quoted empty", "v: \"\"", JSON_STRING, 0, 0, ""},
    {"quantity", "v: 500m", JSON_STRING, 0, 0, "500m"},
    {"version-like", "v: 1.2.3", JSON_STRING, 0, 0, "1.2.3"},
    {"tagged str", "v: !!str 12", JSON_STRING, 0, 0, "12"},
    {"json number", "{\"v\": 12}", JSON_INTEGER, 12, 0, NULL},
    {"json string", "{\"v\": \"12\"}", JSON_STRING, 0, 0, "12"},
    {"json false", "{\"v\": false}", JSON_FALSE, 0, 0, NULL},
};

static void test_scalars(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(scalar_cases) / sizeof(scalar_cases[0]); i++) {
        const scalar_case *c = &scalar_cases[i];
        hpa_docset set;
        const json_t *v;

        load_ok(c->yaml, &set);
        if (set.n != 1)
            fail_msg("%s: %zu documents", c->name, set.n);
        v = json_object_get(set.docs[0].root, "v");
        if (!v || json_typeof(v) != c->type)
            fail_msg("%s: type %d, want %d", c->name, v ? (int)json_typeof(v) : -1, (int)c->type);
        if (c->type == JSON_INTEGER && json_integer_value(v) != c->ival)
            fail_msg("%s: %lld", c->name, (long long)json_integer_value(v));
        if (c->type == JSON_REAL && json_real_value(v) != c->rval)
            fail_msg("%s: %g", c->name, json_real_value(v));
        if (c->type == JSON_STRING && strcmp(json_string_value(v), c->sval))
            fail_msg("%s: \"%s\"", c->name, json_string_value(v));
        hpa_docset_free(&set);
    }
}

/* ---- positions ------------------------------------------------------------ */

static const char manifest[] =
    "apiVersion: autoscaling/v2\n"                         /* 1 */
    "kind: HorizontalPodAutoscaler\n"                      /* 2 */
    "metadata:\n"                                          /* 3 */
    "  name: web\n"                                        /* 4 */
    "spec:\n"                                              /* 5 */
    "  maxReplicas: 10\n"                                  /* 6 */
    "  metrics:\n"                                         /* 7 */
    "  - type: Resource\n"                                 /* 8 */
    "    resource:\n"                                      /* 9 */
    "      name: cpu\n"                                    /* 10 */
    "      target: {type: Utilization, averageUtilization: 70}\n" /* 11 */
    "  behavior:\n"                                        /* 12 */
    "    scaleUp:\n"                                       /* 13 */
    "      policies:\n"                                    /* 14 */
    "      - {type: Pods, value: 4, periodSeconds: 15}\n"  /* 15 */
    "      - {type: Percent, value: true, periodSeconds: 0}\n"; /* 16 */

typedef struct pos_case {
    const char *path;
    const char *strip;
    int line, col;
} pos_case;

static const pos_case pos_cases[] = {
    {"kind", NULL, 2, 7},
    {"metadata.name", NULL, 4, 9},
    {"spec.maxReplicas", NULL, 6, 16},
    {"spec.metrics[0].type", NULL, 8, 11},
    {"spec.metrics[0]", NULL, 8, 5},
    {"spec.metrics[0].resource.target.averageUtilization", NULL, 11, 55},
    {"spec.metrics[0].resource.target.type", NULL, 11, 22},
    {"spec.behavior.scaleUp.policies[1].periodSeconds", NULL, 16, 53},
    /* a boolean (a shared jansson singleton) still has its own position */
    {"spec.behavior.scaleUp.policies[1].value", NULL, 16, 32},
    {"spec.behavior.scaleUp.policies[0].value", NULL, 15, 29},
    /* missing fields: the nearest existing parent */
    {"spec.minReplicas", NULL, 6, 3},
    {"spec.behavior.scaleDown.policies", NULL, 13, 5},
    {"spec.metrics[5].type", NULL, 8, 3},
    {"hpa.spec.maxReplicas", "hpa", 6, 16},
    {"", NULL, 1, 1},
};

static void test_positions(void **state)
{
    hpa_docset set;
    size_t i;

    (void)state;
    load_ok(manifest, &set);
    assert_int_equal(set.n, 1);
    for (i = 0; i < sizeof(pos_cases) / sizeof(pos_cases[0]); i++) {
        hpa_err e;

        hpa_err_clear(&e);
        snprintf(e.path, sizeof(e.path), "%s", pos_cases[i].path);
        hpa_doc_locate(&set, 0, pos_cases[i].strip, &e);
        if (e.line != pos_cases[i].line || e.col != pos_cases[i].col)
            fail_msg("%s: got %d:%d, want %d:%d", pos_cases[i].path, e.line, e.col,
                     pos_cases[i].line, pos_cases[i].col);
        assert_string_equal(e.file, "t.yaml");
    }
    hpa_docset_free(&set);
}

static void test_json_positions(void **state)
{
    static const char text[] = "{\n  \"spec\": {\n    \"maxReplicas\": 3,\n"
                               "    \"metrics\": [ {\"type\": \"Pods\"} ]\n  }\n}\n";
    hpa_docset set;
    hpa_err e;

    (void)state;
    load_ok(text, &set);
    assert_int_equal(set.n, 1);
    hpa_err_clear(&e);
    strcpy(e.path, "spec.maxReplicas");
    hpa_doc_locate(&set, 0, NULL, &e);
    assert_int_equal(e.line, 3);
    assert_int_equal(e.col, 20);
    strcpy(e.path, "spec.metrics[0].type");
    hpa_doc_locate(&set, 0, NULL, &e);
    assert_int_equal(e.line, 4);
    assert_int_equal(e.col, 27);
    hpa_docset_free(&set);
}

/* ---- documents ------------------------------------------------------------ */

static void test_multi_document(void **state)
{
    static const char text[] = "# leading comment\n---\na: 1\n---\n# only a comment\n---\n"
                               "b: 2\n...\n---\nc: [1, 2]\n";
    hpa_docset set;

    (void)state;
    load_ok(text, &set);
    assert_int_equal(set.n, 3);
    assert_int_equal(json_integer_value(json_object_get(set.docs[0].root, "a")), 1);
    assert_int_equal(json_integer_value(json_object_get(set.docs[1].root, "b")), 2);
    assert_int_equal(json_array_size(json_object_get(set.docs[2].root, "c")), 2);
    assert_int_equal(set.docs[1].line, 7);
    hpa_docset_free(&set);
}

static void test_empty_input(void **state)
{
    hpa_docset set;

    (void)state;
    load_ok("", &set);
    assert_int_equal(set.n, 0);
    hpa_docset_free(&set);
    load_ok("---\n---\n# nothing\n", &set);
    assert_int_equal(set.n, 0);
    hpa_docset_free(&set);
}

static void test_list_expanded(void **state)
{
    static const char text[] = "apiVersion: v1\n"
                               "kind: List\n"
                               "items:\n"
                               "- kind: HorizontalPodAutoscaler\n"
                               "  metadata: {name: a}\n"
                               "- kind: HorizontalPodAutoscaler\n"
                               "  metadata: {name: b}\n"
                               "  spec: {maxReplicas: x}\n"
                               "---\n"
                               "kind: Other\n";
    hpa_docset set;
    hpa_err e;

    (void)state;
    load_ok(text, &set);
    assert_int_equal(set.n, 3);
    assert_string_equal(json_string_value(json_object_get(json_object_get(set.docs[1].root,
                                                                           "metadata"), "name")),
                        "b");
    assert_int_equal(set.docs[0].line, 4);
    assert_int_equal(set.docs[1].line, 6);
    hpa_err_clear(&e);
    strcpy(e.path, "spec.maxReplicas");
    hpa_doc_locate(&set, 1, NULL, &e);
    assert_int_equal(e.line, 8);
    assert_int_equal(e.col, 23);
    assert_string_equal(json_string_value(json_object_get(set.docs[2].root, "kind")), "Other");
    hpa_docset_free(&set);
}

static void test_aliases(void **state)
{
    static const char text[] = "base: &p {type: Pods, value: 4}\n"
                               "list: [*p, *p]\n"
                               "n: &n 5\n"
                               "m: *n\n";
    hpa_docset set;
    const json_t *list;

    (void)state;
    load_ok(text, &set);
    list = json_object_get(set.docs[0].root, "list");
    assert_int_equal(json_array_size(list), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(list, 1), "type")),
                        "Pods");
    assert_int_equal(json_integer_value(json_object_get(set.docs[0].root, "m")), 5);
    hpa_docset_free(&set);
}

typedef struct bad_case {
    const char *name;
    const char *text;
    int line, col;
    const char *msg_part;
} bad_case;

static const bad_case bad_cases[] = {
    {"bad indentation", "a: 1\n b: 2\n", 2, 3, "mapping values are not allowed"},
    {"unclosed flow", "a: [1, 2\nb: 3\n", 2, 2, "did not find expected"},
    {"unclosed quote", "a: \"abc\n", 2, 1, "found unexpected end of stream"},
    {"tab indentation", "a:\n\tb: 1\n", 2, 1, "cannot start any token"},
    {"broken json", "{\"a\": 1,, }\n", 1, 9, "did not find expected node content"},
    {"duplicate key", "a: 1\nb: 2\na: 3\n", 3, 1, "key \"a\" already set in map"},
    {"duplicate nested key", "spec:\n  x: 1\n  x: 2\n", 3, 3, "key \"x\" already set in map"},
    {"unknown alias", "a: *nope\n", 1, 4, "unknown anchor 'nope'"},
    {"infinity", "a: .inf\n", 1, 4, "cannot be represented in JSON"},
};

static void test_syntax_errors(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
        const bad_case *c = &bad_cases[i];
        hpa_docset set;
        hpa_err e;
        hpa_errcode rc;

        rc = hpa_docset_load_buffer(c->text, strlen(c->text), "bad.yaml", &set, &e);
        if (rc != HPA_ESYNTAX)
            fail_msg("%s: rc %d", c->name, (int)rc);
        if (e.line != c->line || e.col != c->col)
            fail_msg("%s: at %d:%d, want %d:%d (%s)", c->name, e.line, e.col, c->line, c->col,
                     e.msg);
        if (!strstr(e.msg, c->msg_part))
            fail_msg("%s: message \"%s\" lacks \"%s\"", c->name, e.msg, c->msg_part);
        assert_string_equal(e.file, "bad.yaml");
        assert_int_equal(set.n, 0);
        assert_null(set.docs);
    }
}

static void test_missing_file(void **state)
{
    hpa_docset set;
    hpa_err e;

    (void)state;
    assert_int_equal(hpa_docset_load_file("/nonexistent/x.yaml", &set, &e), HPA_EIO);
    assert_string_equal(e.file, "/nonexistent/x.yaml");
    assert_non_null(strstr(e.msg, "No such file"));
}

static void test_alias_bomb(void **state)
{
    char text[4096];
    size_t off = 0;
    int i;
    hpa_docset set;
    hpa_err e;

    (void)state;
    off += (size_t)snprintf(text + off, sizeof(text) - off, "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (i = 1; i < 10; i++)
        off += (size_t)snprintf(text + off, sizeof(text) - off,
                                "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n",
                                i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
    assert_int_equal(hpa_docset_load_buffer(text, off, "bomb.yaml", &set, &e), HPA_ESYNTAX);
    assert_non_null(strstr(e.msg, "excessive aliasing"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_scalars),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_json_positions),
        cmocka_unit_test(test_multi_document),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_list_expanded),
        cmocka_unit_test(test_aliases),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_missing_file),
        cmocka_unit_test(test_alias_bomb),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
