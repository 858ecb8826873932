/* test_selector.c - label selectors: parse, match, from_object, printing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hpa/selector.h"

#define LONG63 "abcdefghijabcdefghijabcdefghijabcdefghijabcdefghijabcdefghij123"
#define LONG64 LONG63 "4"

typedef struct parse_case {
    const char *text;
    hpa_errcode rc;
    const char *want;   /* canonical string, or a substring of the error */
    int col;            /* expected e.col for errors, 0 = not checked */
} parse_case;

static const parse_case parse_cases[] = {
    {"", HPA_OK, "", 0},
    {"   ", HPA_OK, "", 0},
    {"app=web", HPA_OK, "app=web", 0},
    {"app==web", HPA_OK, "app=web", 0},
    {"app!=web", HPA_OK, "app!=web", 0},
    {"env in (b,a)", HPA_OK, "env in (a,b)", 0},
    {"env notin (x)", HPA_OK, "env notin (x)", 0},
    {"gpu", HPA_OK, "gpu", 0},
    {"!legacy", HPA_OK, "!legacy", 0},
    {"k>3", HPA_OK, "k>3", 0},
    {"k<30", HPA_OK, "k<30", 0},
    {"z=1,a=2", HPA_OK, "a=2,z=1", 0},
    {" app = web , tier != db ", HPA_OK, "app=web,tier!=db", 0},
    {"env in (a,a,b)", HPA_OK, "env in (a,b)", 0},
    {"env in ( a , b )", HPA_OK, "env in (a,b)", 0},
    {"env in ()", HPA_OK, "env in ()", 0},
    {"env in (,a)", HPA_OK, "env in (,a)", 0},
    {"a=", HPA_OK, "a=", 0},
    {"a=,b", HPA_OK, "a=,b", 0},
    {"example.com/app=web", HPA_OK, "example.com/app=web", 0},
    {"in=notin", HPA_OK, "in=notin", 0},
    {"x in (in,notin)", HPA_OK, "x in (in,notin)", 0},
    {"b=1,a=2,b!=3", HPA_OK, "a=2,b=1,b!=3", 0},
    {"app=web,tier!=db,env in (a,b),track notin (x),gpu,!legacy,k>3", HPA_OK,
     "app=web,env in (a,b),gpu,k>3,!legacy,tier!=db,track notin (x)", 0},
    {"k=" LONG63, HPA_OK, "k=" LONG63, 0},
    /* errors */
    {"app=web,", HPA_ESYNTAX, "found '', expected: identifier after ','", 9},
    {"app web", HPA_ESYNTAX,
     "unable to parse requirement: found 'web', expected: in, notin, =, ==, "
     "!=, gt, lt", 5},
    {"=web", HPA_ESYNTAX,
     "found '=', expected: !, identifier, or 'end of string'", 1},
    {"a,,b", HPA_ESYNTAX, "found ',', expected: identifier after ','", 3},
    {"a=b=c", HPA_ESYNTAX, "found '=', expected: ',' or 'end of string'", 4},
    {"!a=b", HPA_ESYNTAX, "found '=', expected: ',' or 'end of string'", 3},
    {"a=!b", HPA_ESYNTAX,
     "unable to parse requirement: found '!', expected: identifier", 3},
    {"k<=3", HPA_ESYNTAX,
     "unable to parse requirement: found '=', expected: identifier", 3},
    {"env in a", HPA_ESYNTAX,
     "unable to parse requirement: found 'a' expected: '('", 8},
    {"env in (a", HPA_ESYNTAX,
     "unable to parse requirement: found '', expected: ',' or ')'", 10},
    {"env in (a b)", HPA_ESYNTAX, "found 'b', expected: ',' or ')'", 11},
    {"env in (=)", HPA_ESYNTAX, "found '=', expected: ',', ')' or identifier", 9},
    {"a in (b) x", HPA_ESYNTAX, "found 'x', expected: ',' or 'end of string'", 10},
    {"(", HPA_ESYNTAX, "found '(', expected: !, identifier, or 'end of string'", 1},
    {"a (b)", HPA_ESYNTAX,
     "found '(', expected: in, notin, =, ==, !=, gt, lt", 3},
    {"a !! b", HPA_ESYNTAX,
     "found '!', expected: in, notin, =, ==, !=, gt, lt", 3},
    {"k>abc", HPA_EINVAL,
     "values[0]: Invalid value: \"abc\": for 'Gt', 'Lt' operators, the value "
     "must be an integer", 0},
    {"k>99999999999999999999", HPA_EINVAL, "the value must be an integer", 0},
    {"-bad=x", HPA_EINVAL,
     "unable to parse requirement: <nil>: Invalid value: \"-bad\": name part "
     "must consist of alphanumeric characters, '-', '_' or '.', and must start "
     "and end with an alphanumeric character", 1},
    {"a=-x", HPA_EINVAL,
     "values[0][a]: Invalid value: \"-x\": a valid label must be an empty "
     "string or consist of alphanumeric characters", 0},
    {"k=" LONG64, HPA_EINVAL, "must be no more than 63 characters", 0},
    {LONG64 "=v", HPA_EINVAL, "name part must be no more than 63 characters", 1},
    {"Example.com/a=b", HPA_EINVAL, "prefix part a lowercase RFC 1123 subdomain", 1},
    {"a/b/c", HPA_EINVAL, "a qualified name must consist of", 1},
    {"k<-3", HPA_EINVAL, "values[0][k]: Invalid value: \"-3\": a valid label", 0},
    {"k>-x", HPA_EINVAL,
     "[values[0]: Invalid value: \"-x\": for 'Gt', 'Lt' operators, the value "
     "must be an integer, values[0][k]: Invalid value: \"-x\": a valid label", 0},
};

static void test_parse_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(parse_cases) / sizeof(parse_cases[0]); i++) {
        const parse_case *c = &parse_cases[i];
        hpa_arena a = HPA_ARENA_INIT;
        hpa_selector sel;
        hpa_err e;
        hpa_errcode rc;

        hpa_err_clear(&e);
        rc = hpa_selector_parse(c->text, &a, &sel, &e);
        if (rc != c->rc)
            fail_msg("case \"%s\": rc %d want %d (%s)", c->text, rc, c->rc, e.msg);
        if (rc == HPA_OK) {
            char *s = hpa_selector_string(&sel, &a);

            assert_non_null(s);
            if (strcmp(s, c->want) != 0)
                fail_msg("case \"%s\": string \"%s\" want \"%s\"", c->text, s,
                         c->want);
        } else {
            if (!strstr(e.msg, c->want))
                fail_msg("case \"%s\": error \"%s\" lacks \"%s\"", c->text,
                         e.msg, c->want);
            if (c->col && e.col != c->col)
                fail_msg("case \"%s\": col %d want %d", c->text, e.col, c->col);
        }
        hpa_arena_free(&a);
    }
}

static void test_parse_structure(void **state)
{
    hpa_arena a = HPA_ARENA_INIT;
    hpa_selector sel;

    (void)state;
    assert_int_equal(hpa_selector_parse("z notin (q,p),a,!b,c>7", &a, &sel, NULL),
                     HPA_OK);
    assert_int_equal(sel.n, 4);
    assert_string_equal(sel.reqs[0].key, "a");
    assert_int_equal(sel.reqs[0].op, HPA_SEL_EXISTS);
    assert_int_equal(sel.reqs[0].n_values, 0);
    assert_string_equal(sel.reqs[1].key, "b");
    assert_int_equal(sel.reqs[1].op, HPA_SEL_DOES_NOT_EXIST);
    assert_int_equal(sel.reqs[2].op, HPA_SEL_GT);
    assert_string_equal(sel.reqs[2].values[0], "7");
    assert_int_equal(sel.reqs[3].op, HPA_SEL_NOT_IN);
    assert_int_equal(sel.reqs[3].n_values, 2);
    assert_string_equal(sel.reqs[3].values[0], "p");
    assert_string_equal(sel.reqs[3].values[1], "q");
    assert_int_equal(hpa_selector_parse(NULL, &a, &sel, NULL), HPA_OK);
    assert_int_equal(sel.n, 0);
    hpa_arena_free(&a);
}

/* "k=v,k2=v2" (no escaping; "k=" is an empty value) into `items`. */
static hpa_labels make_labels(const char *spec, hpa_arena *a)
{
    hpa_labels ls = {0, NULL};
    hpa_label *items = hpa_arena_calloc(a, 16, sizeof(*items));
    char *copy = hpa_arena_strdup(a, spec), *tok, *save = NULL;

    for (tok = strtok_r(copy, ",", &save); tok && ls.n < 16;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');

        *eq = '\0';
        items[ls.n].key = tok;
        items[ls.n].value = eq + 1;
        ls.n++;
    }
    ls.items = items;
    return ls;
}

typedef struct match_case {
    const char *sel;
    const char *labels;
    bool want;
} match_case;

static const match_case match_cases[] = {
    {"", "", true},
    {"", "a=b", true},
    {"app=web", "app=web", true},
    {"app=web", "app=db", false},
    {"app=web", "", false},
    {"app=web", "other=web", false},
    {"app!=web", "", true},
    {"app!=web", "app=web", false},
    {"app!=web", "app=db", true},
    {"env in (a,b)", "env=a", true},
    {"env in (a,b)", "env=b,x=y", true},
    {"env in (a,b)", "env=c", false},
    {"env in (a,b)", "", false},
    {"env notin (a,b)", "", true},
    {"env notin (a,b)", "env=a", false},
    {"env notin (a,b)", "env=c", true},
    {"gpu", "gpu=", true},
    {"gpu", "", false},
    {"!gpu", "", true},
    {"!gpu", "gpu=1", false},
    {"k>3", "k=4", true},
    {"k>3", "k=3", false},
    {"k>3", "k=x", false},
    {"k>3", "", false},
    {"k<3", "k=-1", true},
    {"k<3", "k=3", false},
    {"k<3", "k=+2", true},
    {"a=b,c=d", "a=b,c=d", true},
    {"a=b,c=d", "a=b", false},
    {"a=", "a=", true},
    {"a=", "a=x", false},
    {"env in ()", "env=", true},
};

static void test_match_table(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]); i++) {
        const match_case *c = &match_cases[i];
        hpa_arena a = HPA_ARENA_INIT;
        hpa_selector sel;
        hpa_labels ls = make_labels(c->labels, &a);

        assert_int_equal(hpa_selector_parse(c->sel, &a, &sel, NULL), HPA_OK);
        if (hpa_selector_matches(&sel, &ls) != c->want)
            fail_msg("\"%s\" on {%s}: want %d", c->sel, c->labels, c->want);
        hpa_arena_free(&a);
    }
}

static void test_string_roundtrip(void **state)
{
    static const char *const texts[] = {
        "app=web,tier!=db",
        "a in (x,y),b notin (z),c,!d,e>3,f<1",
        "example.com/x=y,k=",
        "env in (,a)",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        hpa_arena a = HPA_ARENA_INIT;
        hpa_selector s1, s2;
        char *t1, *t2;

        assert_int_equal(hpa_selector_parse(texts[i], &a, &s1, NULL), HPA_OK);
        t1 = hpa_selector_string(&s1, &a);
        assert_int_equal(hpa_selector_parse(t1, &a, &s2, NULL), HPA_OK);
        t2 = hpa_selector_string(&s2, &a);
        assert_string_equal(t1, t2);
        assert_string_equal(t1, texts[i]);
        hpa_arena_free(&a);
    }
}

static void test_from_object(void **state)
{
    hpa_arena a = HPA_ARENA_INIT;
    hpa_selector sel;
    hpa_label ml[] = {{"b", "2"}, {"a", "1"}};
    const char *env_vals[] = {"y", "x"};
    hpa_label_selector_expr exprs[] = {
        {"env", "In", 2, env_vals},
        {"gpu", "Exists", 0, NULL},
        {"legacy", "DoesNotExist", 0, NULL},
        {"zone", "NotIn", 1, env_vals},
    };
    hpa_label_selector ls = {{2, ml}, 4, exprs};
    hpa_label_selector empty = {{0, NULL}, 0, NULL};
    bool nothing = false;
    hpa_labels lab;
    hpa_err e;

    (void)state;
    assert_int_equal(hpa_selector_from_object(NULL, &a, &sel, &nothing, &e), HPA_OK);
    assert_true(nothing);
    assert_int_equal(sel.n, 0);
    assert_int_equal(hpa_selector_from_object(&empty, &a, &sel, &nothing, &e), HPA_OK);
    assert_false(nothing);
    assert_int_equal(sel.n, 0);
    assert_int_equal(hpa_selector_from_object(&ls, &a, &sel, &nothing, &e), HPA_OK);
    assert_false(nothing);
    assert_string_equal(hpa_selector_string(&sel, &a),
                        "a=1,b=2,env in (x,y),gpu,!legacy,zone notin (y)");
    /* The caller's values are not reordered. */
    assert_string_equal(env_vals[0], "y");
    lab = make_labels("a=1,b=2,env=x,gpu=,zone=x", &a);
    assert_true(hpa_selector_matches(&sel, &lab));
    lab = make_labels("a=1,b=2,env=x,gpu=,zone=y", &a);
    assert_false(hpa_selector_matches(&sel, &lab));
    lab = make_labels("a=1,b=2,env=x,gpu=,legacy=1", &a);
    assert_false(hpa_selector_matches(&sel, &lab));
    assert_int_equal(hpa_selector_from_object(&ls, &a, &sel, NULL, NULL), HPA_OK);
    hpa_arena_free(&a);
}

typedef struct obj_err_case {
    const char *name;
    hpa_label_selector ls;
    const char *want;
} obj_err_case;

static const char *const one_val[] = {"a"};
static const char *const bad_val[] = {"-a"};
static const hpa_label_selector_expr e_foo[] = {{"k", "Foo", 0, NULL}};
static const hpa_label_selector_expr e_in_empty[] = {{"k", "In", 0, NULL}};
static const hpa_label_selector_expr e_exists_vals[] = {{"k", "Exists", 1, one_val}};
static const hpa_label_selector_expr e_bad_key[] = {{"k/", "Exists", 0, NULL}};
static const hpa_label_selector_expr e_bad_val[] = {{"k", "NotIn", 1, bad_val}};
static const hpa_label_selector_expr e_lower_op[] = {{"k", "in", 1, one_val}};
static const hpa_label ml_bad_key[] = {{"-k", "v"}};
static const hpa_label ml_bad_val[] = {{"k", "v v"}};

static const obj_err_case obj_err_cases[] = {
    {"unknown operator", {{0, NULL}, 1, e_foo},
     "\"Foo\" is not a valid label selector operator"},
    {"lower-case operator", {{0, NULL}, 1, e_lower_op},
     "\"in\" is not a valid label selector operator"},
    {"In without values", {{0, NULL}, 1, e_in_empty},
     "values: Invalid value: []string(nil): for 'in', 'notin' operators, "
     "values set can't be empty"},
    {"Exists with values", {{0, NULL}, 1, e_exists_vals},
     "values: Invalid value: []string{\"a\"}: values set must be empty for "
     "exists and does not exist"},
    {"bad expression key", {{0, NULL}, 1, e_bad_key},
     "key: Invalid value: \"k/\": name part must be non-empty"},
    {"bad expression value", {{0, NULL}, 1, e_bad_val},
     "values[0][k]: Invalid value: \"-a\": a valid label must be"},
    {"bad matchLabels key", {{1, ml_bad_key}, 0, NULL},
     "key: Invalid value: \"-k\": name part must consist of"},
    {"bad matchLabels value", {{1, ml_bad_val}, 0, NULL},
     "values[0][k]: Invalid value: \"v v\""},
};

static void test_from_object_errors(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(obj_err_cases) / sizeof(obj_err_cases[0]); i++) {
        const obj_err_case *c = &obj_err_cases[i];
        hpa_arena a = HPA_ARENA_INIT;
        hpa_selector sel;
        hpa_err e;

        hpa_err_clear(&e);
        if (hpa_selector_from_object(&c->ls, &a, &sel, NULL, &e) != HPA_EINVAL)
            fail_msg("case %s: accepted", c->name);
        if (!strstr(e.msg, c->want))
            fail_msg("case %s: error \"%s\" lacks \"%s\"", c->name, e.msg, c->want);
        hpa_arena_free(&a);
    }
}

static void test_gostring(void **state)
{
    hpa_arena a = HPA_ARENA_INIT;
    hpa_label ml[] = {{"b", "2"}, {"a", "1"}, {"b", "3"}};
    const char *vals[] = {"y", "x"};
    hpa_label_selector_expr exprs[] = {
        {"env", "In", 2, vals},
        {"gpu", "Exists", 0, NULL},
    };
    hpa_label_selector ls = {{3, ml}, 2, exprs};
    hpa_label_selector only_labels = {{1, ml + 1}, 0, NULL};
    hpa_label_selector empty = {{0, NULL}, 0, NULL};

    (void)state;
    assert_string_equal(hpa_label_selector_gostring(NULL, &a), "nil");
    assert_string_equal(hpa_label_selector_gostring(&empty, &a),
                        "&LabelSelector{MatchLabels:map[string]string{},"
                        "MatchExpressions:[]LabelSelectorRequirement{},}");
    assert_string_equal(hpa_label_selector_gostring(&only_labels, &a),
                        "&LabelSelector{MatchLabels:map[string]string{a: 1,},"
                        "MatchExpressions:[]LabelSelectorRequirement{},}");
    assert_string_equal(
        hpa_label_selector_gostring(&ls, &a),
        "&LabelSelector{MatchLabels:map[string]string{a: 1,b: 3,},"
        "MatchExpressions:[]LabelSelectorRequirement{"
        "LabelSelectorRequirement{Key:env,Operator:In,Values:[y x],},"
        "LabelSelectorRequirement{Key:gpu,Operator:Exists,Values:[],},},}");
    hpa_arena_free(&a);
}

typedef struct name_case {
    const char *s;
    bool qualified;
    bool value;
    const char *why;   /* substring of the qualified-name message */
} name_case;

static const name_case name_cases[] = {
    {"a", true, true, NULL},
    {"a_b.c-d", true, true, NULL},
    {"A1", true, true, NULL},
    {"example.com/a", true, false, NULL},
    {"", false, true, "name part must be non-empty"},
    {"-a", false, false, "name part must consist of"},
    {"a-", false, false, "name part must consist of"},
    {"a b", false, false, "name part must consist of"},
    {"/a", false, false, "prefix part must be non-empty"},
    {"a/", false, false, "name part must be non-empty"},
    {"a/b/c", false, false, "a qualified name must consist of"},
    {"Example.com/a", false, false, "prefix part a lowercase RFC 1123 subdomain"},
    {"exa_mple.com/a", false, false, "prefix part a lowercase RFC 1123 subdomain"},
    {LONG63, true, true, NULL},
    {LONG64, false, false, "name part must be no more than 63 characters"},
};

static void test_names(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(name_cases) / sizeof(name_cases[0]); i++) {
        const name_case *c = &name_cases[i];
        char why[1024];

        if (hpa_is_qualified_name(c->s, why, sizeof(why)) != c->qualified)
            fail_msg("qualified(\"%s\") want %d", c->s, c->qualified);
        if (c->why && !strstr(why, c->why))
            fail_msg("qualified(\"%s\"): \"%s\" lacks \"%s\"", c->s, why, c->why);
        if (c->qualified && why[0])
            fail_msg("qualified(\"%s\"): message on success", c->s);
        if (hpa_is_label_value(c->s, why, sizeof(why)) != c->value)
            fail_msg("label_value(\"%s\") want %d", c->s, c->value);
    }
}

static void test_label_value_messages(void **state)
{
    char why[1024], small[8];

    (void)state;
    assert_false(hpa_is_label_value(LONG64, why, sizeof(why)));
    assert_string_equal(why, "must be no more than 63 characters");
    assert_false(hpa_is_label_value("-x", why, sizeof(why)));
    assert_string_equal(
        why,
        "a valid label must be an empty string or consist of alphanumeric "
        "characters, '-', '_' or '.', and must start and end with an "
        "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
        "regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')");
    assert_false(hpa_is_label_value("-" LONG64, why, sizeof(why)));
    assert_non_null(strstr(why, "63 characters; a valid label"));
    /* A short buffer is truncated, not overrun; NULL is allowed. */
    assert_false(hpa_is_label_value("-x", small, sizeof(small)));
    assert_int_equal(strlen(small), sizeof(small) - 1);
    assert_false(hpa_is_qualified_name("-x", NULL, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),
        cmocka_unit_test(test_parse_structure),
        cmocka_unit_test(test_match_table),
        cmocka_unit_test(test_string_roundtrip),
        cmocka_unit_test(test_from_object),
        cmocka_unit_test(test_from_object_errors),
        cmocka_unit_test(test_gostring),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_label_value_messages),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
