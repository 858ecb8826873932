/*
 * selector.c - Kubernetes label selectors (see hpa/selector.h).
 *
 * The string parser is apimachinery's labels.Parse: the same lexer (special
 * symbols = ! ( ) , > <, identifiers are anything else up to whitespace),
 * the same recursive descent and the same error texts, because upstream
 * puts those texts into the HPA's conditions. When a parse error concerns a
 * token, e->col holds its 1-based offset in the selector text.
 */
#include "hpa/selector.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- validation (apimachinery/pkg/util/validation) ---------------------- */

#define QNAME_FMT "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
#define QNAME_ERR \
    "must consist of alphanumeric characters, '-', '_' or '.', and must " \
    "start and end with an alphanumeric character (e.g. 'MyName',  or " \
    "'my.name',  or '123-abc', regex used for validation is '" QNAME_FMT "')"
#define LVALUE_ERR \
    "a valid label must be an empty string or consist of alphanumeric " \
    "characters, '-', '_' or '.', and must start and end with an " \
    "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', " \
    "regex used for validation is '(" QNAME_FMT ")?')"
#define DNS1123_ERR \
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric " \
    "characters, '-' or '.', and must start and end with an alphanumeric " \
    "character (e.g. 'example.com', regex used for validation is " \
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

static int is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9');
}

/* ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9] over s[0..n). */
static int match_qname(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || !is_alnum(s[0]) || !is_alnum(s[n - 1]))
        return 0;
    for (i = 1; i + 1 < n; i++)
        if (!is_alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
            return 0;
    return 1;
}

static int is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* RFC 1123 subdomain: dot-separated labels [a-z0-9]([-a-z0-9]*[a-z0-9])?. */
static int match_dns1123_subdomain(const char *s, size_t n)
{
    size_t i, start = 0;

    for (i = 0; i <= n; i++) {
        if (i == n || s[i] == '.') {
            size_t j;

            if (i == start || !is_lower_alnum(s[start]) ||
                !is_lower_alnum(s[i - 1]))
                return 0;
            for (j = start; j < i; j++)
                if (!is_lower_alnum(s[j]) && s[j] != '-')
                    return 0;
            start = i + 1;
        }
    }
    return 1;
}

/* Append one message to `why`, "; "-separated, as validateLabelKey joins. */
static void why_add(char *why, size_t why_len, const char *msg)
{
    size_t used;

    if (!why || why_len == 0)
        return;
    used = strlen(why);
    if (used >= why_len - 1)
        return;
    snprintf(why + used, why_len - used, "%s%s", used ? "; " : "", msg);
}

/* UPSTREAM: validation.IsQualifiedName. */
bool hpa_is_qualified_name(const char *s, char *why, size_t why_len)
{
    const char *slash, *name = s;
    size_t n;
    bool ok = true;

    if (why && why_len)
        why[0] = '\0';
    if (!s) {
        why_add(why, why_len, "name part must be non-empty");
        return false;
    }
    slash = strchr(s, '/');
    if (slash && strchr(slash + 1, '/')) {
        why_add(why, why_len,
                "a qualified name " QNAME_ERR " with an optional DNS subdomain "
                "prefix and '/' (e.g. 'example.com/MyName')");
        return false;
    }
    if (slash) {
        size_t pl = (size_t)(slash - s);

        name = slash + 1;
        if (pl == 0) {
            why_add(why, why_len, "prefix part must be non-empty");
            ok = false;
        } else {
            if (pl > 253) {
                why_add(why, why_len,
                        "prefix part must be no more than 253 characters");
                ok = false;
            }
            if (!match_dns1123_subdomain(s, pl)) {
                why_add(why, why_len, "prefix part " DNS1123_ERR);
                ok = false;
            }
        }
    }
    n = strlen(name);
    if (n == 0) {
        why_add(why, why_len, "name part must be non-empty");
        ok = false;
    } else if (n > 63) {
        why_add(why, why_len, "name part must be no more than 63 characters");
        ok = false;
    }
    if (!match_qname(name, n)) {
        why_add(why, why_len, "name part " QNAME_ERR);
        ok = false;
    }
    return ok;
}

/* UPSTREAM: validation.IsValidLabelValue. */
bool hpa_is_label_value(const char *s, char *why, size_t why_len)
{
    size_t n = s ? strlen(s) : 0;
    bool ok = true;

    if (why && why_len)
        why[0] = '\0';
    if (n > 63) {
        why_add(why, why_len, "must be no more than 63 characters");
        ok = false;
    }
    if (n > 0 && !match_qname(s, n)) {
        why_add(why, why_len, LVALUE_ERR);
        ok = false;
    }
    return ok;
}

/* ---- requirements ------------------------------------------------------- */

/* strconv.ParseInt(s, 10, 64) succeeds. */
static int go_parse_int64(const char *s, int64_t *out)
{
    uint64_t v = 0, limit;
    int neg = 0;

    if (*s == '+' || *s == '-') {
        neg = *s == '-';
        s++;
    }
    if (!*s)
        return 0;
    limit = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return 0;
        if (v > (limit - (uint64_t)(*s - '0')) / 10)
            return 0;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 1;
}

typedef struct errlist {
    hpa_strbuf buf;
    int n;
} errlist;

static void errlist_add(errlist *l, const char *path, const char *value,
                        const char *detail)
{
    hpa_strbuf_printf(&l->buf, "%s%s: Invalid value: %s: %s",
                      l->n ? ", " : "", path, value, detail);
    l->n++;
}

/* Go's %#v of a []string: []string{"a", "b"}, []string(nil). */
static void go_strings_repr(hpa_strbuf *b, size_t n, const char *const *v)
{
    size_t i;

    if (n == 0) {
        hpa_strbuf_append(b, "[]string(nil)");
        return;
    }
    hpa_strbuf_append(b, "[]string{");
    for (i = 0; i < n; i++)
        hpa_strbuf_printf(b, "%s\"%s\"", i ? ", " : "", v[i]);
    hpa_strbuf_append(b, "}");
}

/* UPSTREAM: labels.NewRequirement's checks, with its field paths (nil path
 * + "key" / "values[i][key]"). 0 and `e` filled when invalid. */
static int requirement_check(const char *key, hpa_sel_op op, size_t n,
                             const char *const *vals, hpa_err *e)
{
    errlist l = {HPA_STRBUF_INIT, 0};
    char why[2048], path[512];
    hpa_strbuf repr = HPA_STRBUF_INIT;
    size_t i;
    int ok, oomed;

    if (!hpa_is_qualified_name(key, why, sizeof(why))) {
        hpa_strbuf qb = HPA_STRBUF_INIT;

        hpa_strbuf_printf(&qb, "\"%s\"", key);
        errlist_add(&l, "key", hpa_strbuf_cstr(&qb), why);
        hpa_strbuf_free(&qb);
    }
    go_strings_repr(&repr, n, vals);
    switch (op) {
    case HPA_SEL_IN:
    case HPA_SEL_NOT_IN:
        if (n == 0)
            errlist_add(&l, "values", hpa_strbuf_cstr(&repr),
                        "for 'in', 'notin' operators, values set can't be empty");
        break;
    case HPA_SEL_EQUALS:
    case HPA_SEL_NOT_EQUALS:
        if (n != 1)
            errlist_add(&l, "values", hpa_strbuf_cstr(&repr),
                        "exact-match compatibility requires one single value");
        break;
    case HPA_SEL_EXISTS:
    case HPA_SEL_DOES_NOT_EXIST:
        if (n != 0)
            errlist_add(&l, "values", hpa_strbuf_cstr(&repr),
                        "values set must be empty for exists and does not exist");
        break;
    case HPA_SEL_GT:
    case HPA_SEL_LT:
        if (n != 1)
            errlist_add(&l, "values", hpa_strbuf_cstr(&repr),
                        "for 'Gt', 'Lt' operators, exactly one value is required");
        for (i = 0; i < n; i++) {
            int64_t dummy;

            if (!go_parse_int64(vals[i], &dummy)) {
                hpa_strbuf qb = HPA_STRBUF_INIT;

                hpa_strbuf_printf(&qb, "\"%s\"", vals[i]);
                snprintf(path, sizeof(path), "values[%zu]", i);
                errlist_add(&l, path, hpa_strbuf_cstr(&qb),
                            "for 'Gt', 'Lt' operators, the value must be an integer");
                hpa_strbuf_free(&qb);
            }
        }
        break;
    }
    for (i = 0; i < n; i++) {
        if (!hpa_is_label_value(vals[i], why, sizeof(why))) {
            hpa_strbuf qb = HPA_STRBUF_INIT;

            hpa_strbuf_printf(&qb, "\"%s\"", vals[i]);
            snprintf(path, sizeof(path), "values[%zu][%s]", i, key);
            errlist_add(&l, path, hpa_strbuf_cstr(&qb), why);
            hpa_strbuf_free(&qb);
        }
    }
    oomed = l.buf.oom || repr.oom;
    hpa_strbuf_free(&repr);
    ok = l.n == 0 && !oomed;
    if (oomed)
        hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory validating a selector");
    else if (l.n == 1)
        hpa_err_set(e, HPA_EINVAL, NULL, "%s", hpa_strbuf_cstr(&l.buf));
    else if (l.n > 1) /* utilerrors.Aggregate of several: "[a, b]" */
        hpa_err_set(e, HPA_EINVAL, NULL, "[%s]", hpa_strbuf_cstr(&l.buf));
    hpa_strbuf_free(&l.buf);
    return ok;
}

static int cmp_str_ptr(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Stable insertion sort by key (labels.ByKey; Go's sort is an insertion
 * sort at the sizes selectors have). */
static void sort_reqs(hpa_requirement *r, size_t n)
{
    size_t i, j;

    for (i = 1; i < n; i++) {
        hpa_requirement t = r[i];

        for (j = i; j > 0 && strcmp(r[j - 1].key, t.key) > 0; j--)
            r[j] = r[j - 1];
        r[j] = t;
    }
}

/* ---- lexer (labels.Lexer) ----------------------------------------------- */

typedef enum {
    TOK_ERROR,
    TOK_EOS,
    TOK_CLOSE_PAR,
    TOK_COMMA,
    TOK_NOT,       /* ! */
    TOK_DEQ,       /* == */
    TOK_EQ,        /* = */
    TOK_GT,
    TOK_IDENT,
    TOK_IN,
    TOK_LT,
    TOK_NEQ,       /* != */
    TOK_NOTIN,
    TOK_OPEN_PAR
} tok_kind;

typedef struct token {
    tok_kind kind;
    const char *lit;   /* arena copy */
    size_t off;        /* offset in the selector text */
} token;

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int is_special(char c)
{
    return c && strchr("=!(),><", c) != NULL;
}

static tok_kind special_kind(const char *s, size_t n)
{
    static const struct {
        const char *t;
        tok_kind k;
    } tab[] = {{")", TOK_CLOSE_PAR}, {",", TOK_COMMA}, {"!", TOK_NOT},
               {"==", TOK_DEQ},      {"=", TOK_EQ},    {">", TOK_GT},
               {"<", TOK_LT},        {"!=", TOK_NEQ},  {"(", TOK_OPEN_PAR},
               {"in", TOK_IN},       {"notin", TOK_NOTIN}};
    size_t i;

    for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
        if (strlen(tab[i].t) == n && memcmp(tab[i].t, s, n) == 0)
            return tab[i].k;
    return TOK_ERROR;
}

/* One token at s[*pos]. Returns 0 on out of memory. */
static int lex_one(const char *s, size_t *pos, hpa_arena *a, token *t)
{
    size_t p = *pos, start;

    while (is_ws(s[p]))
        p++;
    start = p;
    t->off = p;
    if (!s[p]) {
        t->kind = TOK_EOS;
        t->lit = "";
    } else if (is_special(s[p])) {
        /* Longest run of special symbols that is still a token. */
        tok_kind last = TOK_ERROR;
        size_t last_len = 0, n = 0;

        while (is_special(s[p + n])) {
            tok_kind k = special_kind(s + p, n + 1);

            n++;
            if (k != TOK_ERROR) {
                last = k;
                last_len = n;
            } else if (last != TOK_ERROR) {
                break;
            }
        }
        if (last == TOK_ERROR) {
            t->kind = TOK_ERROR;
            t->lit = hpa_arena_sprintf(a, "error expected: keyword found '%.*s'",
                                       (int)n, s + p);
            p += n;
        } else {
            t->kind = last;
            t->lit = hpa_arena_strndup(a, s + p, last_len);
            p += last_len;
        }
    } else {
        while (s[p] && !is_special(s[p]) && !is_ws(s[p]))
            p++;
        t->lit = hpa_arena_strndup(a, s + start, p - start);
        t->kind = special_kind(s + start, p - start);
        if (t->kind == TOK_ERROR)
            t->kind = TOK_IDENT;
    }
    *pos = p;
    return t->lit != NULL;
}

/* ---- parser (labels.Parser) --------------------------------------------- */

typedef struct parser {
    const char *text;
    token *toks;
    size_t pos;
    hpa_arena *a;
    hpa_err *e;
} parser;

/* lookahead/consume in the Values context: in/notin are identifiers. */
static token *peek_v(parser *p, tok_kind *k)
{
    token *t = &p->toks[p->pos];

    *k = (t->kind == TOK_IN || t->kind == TOK_NOTIN) ? TOK_IDENT : t->kind;
    return t;
}

static token *next_v(parser *p, tok_kind *k)
{
    token *t = peek_v(p, k);

    if (t->kind != TOK_EOS)
        p->pos++;
    return t;
}

static hpa_errcode parse_fail(parser *p, const token *t, const char *fmt,
                              const char *lit)
{
    char detail[HPA_ERR_MSG_MAX];

    snprintf(detail, sizeof(detail), fmt, lit);
    hpa_err_set(p->e, HPA_ESYNTAX, NULL, "%s", detail);
    if (p->e && t)
        p->e->col = (int)t->off + 1;
    return HPA_ESYNTAX;
}

/* A sorted, de-duplicated value set (sets.String.List()). */
typedef struct valset {
    size_t n, cap;
    const char **v;
} valset;

static int valset_add(parser *p, valset *s, const char *v)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        if (strcmp(s->v[i], v) == 0)
            return 1;
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 4;
        const char **nv = hpa_arena_calloc(p->a, cap, sizeof(*nv));

        if (!nv)
            return 0;
        if (s->n)
            memcpy(nv, s->v, s->n * sizeof(*nv));
        s->v = nv;
        s->cap = cap;
    }
    s->v[s->n++] = v;
    return 1;
}

static hpa_errcode oom(hpa_err *e)
{
    return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory parsing a selector");
}

static hpa_errcode parse_values(parser *p, valset *vs)
{
    tok_kind k;
    token *t = next_v(p, &k);

    if (k != TOK_OPEN_PAR)
        return parse_fail(p, t, "found '%s' expected: '('", t->lit);
    t = peek_v(p, &k);
    if (k == TOK_CLOSE_PAR) {   /* "()" is the set {""} */
        next_v(p, &k);
        return valset_add(p, vs, "") ? HPA_OK : oom(p->e);
    }
    if (k != TOK_IDENT && k != TOK_COMMA)
        return parse_fail(p, t, "found '%s', expected: ',', ')' or identifier",
                          t->lit);
    /* parseIdentifiersList */
    for (;;) {
        tok_kind k2;
        token *t2;

        t = next_v(p, &k);
        if (k == TOK_IDENT) {
            if (!valset_add(p, vs, t->lit))
                return oom(p->e);
            t2 = peek_v(p, &k2);
            if (k2 == TOK_COMMA)
                continue;
            if (k2 == TOK_CLOSE_PAR)
                break;
            return parse_fail(p, t2, "found '%s', expected: ',' or ')'", t2->lit);
        } else if (k == TOK_COMMA) {
            if (vs->n == 0 && !valset_add(p, vs, ""))
                return oom(p->e);
            t2 = peek_v(p, &k2);
            if (k2 == TOK_CLOSE_PAR) {
                if (!valset_add(p, vs, ""))
                    return oom(p->e);
                break;
            }
            if (k2 == TOK_COMMA) {
                next_v(p, &k2);
                if (!valset_add(p, vs, ""))
                    return oom(p->e);
            }
        } else {
            return parse_fail(p, t, "found '%s', expected: ',', or identifier",
                              t->lit);
        }
    }
    t = next_v(p, &k);
    if (k != TOK_CLOSE_PAR)
        return parse_fail(p, t, "found '%s', expected: ')'", t->lit);
    return HPA_OK;
}

static hpa_errcode parse_requirement(parser *p, hpa_requirement *r)
{
    tok_kind k;
    token *t = next_v(p, &k);
    valset vs = {0, 0, NULL};
    int dne = 0;
    char why[2048];
    hpa_errcode rc;

    if (k == TOK_NOT) {
        dne = 1;
        t = next_v(p, &k);
    }
    if (k != TOK_IDENT)
        return parse_fail(p, t, "found '%s', expected: identifier", t->lit);
    r->key = t->lit;
    if (!hpa_is_qualified_name(r->key, why, sizeof(why))) {
        hpa_err_set(p->e, HPA_EINVAL, NULL, "<nil>: Invalid value: \"%s\": %s",
                    r->key, why);
        if (p->e)
            p->e->col = (int)t->off + 1;
        return HPA_EINVAL;
    }
    peek_v(p, &k);
    if (dne || k == TOK_EOS || k == TOK_COMMA) {
        r->op = dne ? HPA_SEL_DOES_NOT_EXIST : HPA_SEL_EXISTS;
        r->n_values = 0;
        r->values = NULL;
        return HPA_OK;
    }
    /* parseOperator: the KeyAndOperator context (in/notin are keywords). */
    t = &p->toks[p->pos];
    switch (t->kind) {
    case TOK_IN: r->op = HPA_SEL_IN; break;
    case TOK_NOTIN: r->op = HPA_SEL_NOT_IN; break;
    case TOK_EQ:
    case TOK_DEQ: r->op = HPA_SEL_EQUALS; break;
    case TOK_NEQ: r->op = HPA_SEL_NOT_EQUALS; break;
    case TOK_GT: r->op = HPA_SEL_GT; break;
    case TOK_LT: r->op = HPA_SEL_LT; break;
    default:
        return parse_fail(p, t, "found '%s', expected: in, notin, =, ==, !=, gt, lt",
                          t->lit);
    }
    if (t->kind != TOK_EOS)
        p->pos++;
    if (r->op == HPA_SEL_IN || r->op == HPA_SEL_NOT_IN) {
        if ((rc = parse_values(p, &vs)) != HPA_OK)
            return rc;
    } else {
        /* parseExactValue: "a=" is a="" */
        t = peek_v(p, &k);
        if (k == TOK_EOS || k == TOK_COMMA) {
            if (!valset_add(p, &vs, ""))
                return oom(p->e);
        } else {
            t = next_v(p, &k);
            if (k != TOK_IDENT)
                return parse_fail(p, t, "found '%s', expected: identifier", t->lit);
            if (!valset_add(p, &vs, t->lit))
                return oom(p->e);
        }
    }
    if (vs.n > 1)
        qsort(vs.v, vs.n, sizeof(*vs.v), cmp_str_ptr);
    r->n_values = vs.n;
    r->values = vs.v;
    if (!requirement_check(r->key, r->op, r->n_values, r->values, p->e))
        return p->e ? p->e->code : HPA_EINVAL;
    return HPA_OK;
}

/* Prefix the message with "unable to parse requirement: ", as parse() does. */
static hpa_errcode wrap_requirement_err(hpa_err *e, hpa_errcode rc)
{
    char tmp[HPA_ERR_MSG_MAX];
    int col;

    if (!e)
        return rc;
    col = e->col;
    snprintf(tmp, sizeof(tmp), "%s", e->msg);
    hpa_err_set(e, rc, NULL, "unable to parse requirement: %s", tmp);
    e->col = col;
    return rc;
}

hpa_errcode hpa_selector_parse(const char *s, hpa_arena *a, hpa_selector *out,
                               hpa_err *e)
{
    parser p;
    size_t len, ntok = 0, pos = 0, nreq = 0;
    hpa_requirement *reqs;
    hpa_errcode rc;

    out->n = 0;
    out->reqs = NULL;
    if (!s)
        s = "";
    len = strlen(s);
    p.toks = hpa_arena_calloc(a, len + 2, sizeof(token));
    reqs = hpa_arena_calloc(a, len / 2 + 1, sizeof(*reqs));
    if (!p.toks || !reqs)
        return oom(e);
    do {
        if (!lex_one(s, &pos, a, &p.toks[ntok]))
            return oom(e);
    } while (p.toks[ntok++].kind != TOK_EOS);
    p.text = s;
    p.pos = 0;
    p.a = a;
    p.e = e;
    for (;;) {
        tok_kind k;
        token *t = peek_v(&p, &k);

        if (k == TOK_EOS)
            break;
        if (k != TOK_IDENT && k != TOK_NOT)
            return parse_fail(&p, t,
                              "found '%s', expected: !, identifier, or 'end of string'",
                              t->lit);
        if ((rc = parse_requirement(&p, &reqs[nreq])) != HPA_OK)
            return wrap_requirement_err(e, rc);
        nreq++;
        t = next_v(&p, &k);
        if (k == TOK_EOS)
            break;
        if (k != TOK_COMMA)
            return parse_fail(&p, t, "found '%s', expected: ',' or 'end of string'",
                              t->lit);
        t = peek_v(&p, &k);
        if (k != TOK_IDENT && k != TOK_NOT)
            return parse_fail(&p, t, "found '%s', expected: identifier after ','",
                              t->lit);
    }
    sort_reqs(reqs, nreq);
    out->n = nreq;
    out->reqs = reqs;
    return HPA_OK;
}

/* ---- metav1.LabelSelector ----------------------------------------------- */

/* Indexes of match_labels sorted by key, a repeated key keeping its last
 * value (a Go map keeps the last one written). Returns the count. */
static size_t sorted_labels(const hpa_labels *ml, size_t *idx)
{
    size_t i, j, n = 0;

    for (i = 0; i < ml->n; i++) {
        for (j = 0; j < n; j++)
            if (strcmp(ml->items[idx[j]].key, ml->items[i].key) == 0)
                break;
        if (j < n) {
            idx[j] = i;
            continue;
        }
        for (j = n; j > 0 && strcmp(ml->items[idx[j - 1]].key, ml->items[i].key) > 0; j--)
            idx[j] = idx[j - 1];
        idx[j] = i;
        n++;
    }
    return n;
}

hpa_errcode hpa_selector_from_object(const hpa_label_selector *ls,
                                     hpa_arena *a, hpa_selector *out,
                                     bool *nothing, hpa_err *e)
{
    hpa_requirement *reqs;
    size_t *idx, nl, i, n = 0;

    out->n = 0;
    out->reqs = NULL;
    if (nothing)
        *nothing = ls == NULL;
    /* UPSTREAM: LabelSelectorAsSelector(nil) is labels.Nothing(); an empty
     * one is labels.Everything(). Both have no requirements. */
    if (!ls || ls->match_labels.n + ls->n_exprs == 0)
        return HPA_OK;
    reqs = hpa_arena_calloc(a, ls->match_labels.n + ls->n_exprs, sizeof(*reqs));
    idx = hpa_arena_calloc(a, ls->match_labels.n + 1, sizeof(*idx));
    if (!reqs || !idx)
        return oom(e);
    nl = sorted_labels(&ls->match_labels, idx);
    for (i = 0; i < nl; i++) {
        const hpa_label *l = &ls->match_labels.items[idx[i]];
        const char **v = hpa_arena_calloc(a, 1, sizeof(*v));

        if (!v)
            return oom(e);
        v[0] = l->value ? l->value : "";
        reqs[n].key = l->key ? l->key : "";
        reqs[n].op = HPA_SEL_EQUALS;
        reqs[n].n_values = 1;
        reqs[n].values = v;
        if (!requirement_check(reqs[n].key, HPA_SEL_EQUALS, 1, v, e))
            return e ? e->code : HPA_EINVAL;
        n++;
    }
    for (i = 0; i < ls->n_exprs; i++) {
        const hpa_label_selector_expr *x = &ls->exprs[i];
        const char *op = x->op ? x->op : "";
        const char **v = NULL;
        size_t j;

        if (strcmp(op, "In") == 0)
            reqs[n].op = HPA_SEL_IN;
        else if (strcmp(op, "NotIn") == 0)
            reqs[n].op = HPA_SEL_NOT_IN;
        else if (strcmp(op, "Exists") == 0)
            reqs[n].op = HPA_SEL_EXISTS;
        else if (strcmp(op, "DoesNotExist") == 0)
            reqs[n].op = HPA_SEL_DOES_NOT_EXIST;
        else
            return hpa_err_set(e, HPA_EINVAL, NULL,
                               "\"%s\" is not a valid label selector operator", op);
        if (x->n_values) {
            v = hpa_arena_calloc(a, x->n_values, sizeof(*v));
            if (!v)
                return oom(e);
            for (j = 0; j < x->n_values; j++)
                v[j] = x->values[j] ? x->values[j] : "";
        }
        reqs[n].key = x->key ? x->key : "";
        reqs[n].n_values = x->n_values;
        reqs[n].values = v;
        if (!requirement_check(reqs[n].key, reqs[n].op, x->n_values, v, e))
            return e ? e->code : HPA_EINVAL;
        /* Kept as given upstream, printed sorted: sort once here. */
        if (x->n_values > 1)
            qsort(v, x->n_values, sizeof(*v), cmp_str_ptr);
        n++;
    }
    sort_reqs(reqs, n);
    out->n = n;
    out->reqs = reqs;
    return HPA_OK;
}

/* ---- matching and printing ---------------------------------------------- */

static const char *label_get(const hpa_labels *ls, const char *key)
{
    size_t i;

    if (!ls)
        return NULL;
    for (i = 0; i < ls->n; i++)
        if (ls->items[i].key && strcmp(ls->items[i].key, key) == 0)
            return ls->items[i].value ? ls->items[i].value : "";
    return NULL;
}

static int has_value(const hpa_requirement *r, const char *v)
{
    size_t i;

    for (i = 0; i < r->n_values; i++)
        if (strcmp(r->values[i], v) == 0)
            return 1;
    return 0;
}

/* UPSTREAM: labels.Requirement.Matches. */
static int requirement_matches(const hpa_requirement *r, const hpa_labels *ls)
{
    const char *v = label_get(ls, r->key);
    int64_t lv, rv;

    switch (r->op) {
    case HPA_SEL_EQUALS:
    case HPA_SEL_IN:
        return v && has_value(r, v);
    case HPA_SEL_NOT_EQUALS:
    case HPA_SEL_NOT_IN:
        return !v || !has_value(r, v);
    case HPA_SEL_EXISTS:
        return v != NULL;
    case HPA_SEL_DOES_NOT_EXIST:
        return v == NULL;
    case HPA_SEL_GT:
    case HPA_SEL_LT:
        if (!v || r->n_values != 1 || !go_parse_int64(v, &lv) ||
            !go_parse_int64(r->values[0], &rv))
            return 0;
        return r->op == HPA_SEL_GT ? lv > rv : lv < rv;
    }
    return 0;
}

bool hpa_selector_matches(const hpa_selector *sel, const hpa_labels *labels)
{
    size_t i;

    for (i = 0; i < sel->n; i++)
        if (!requirement_matches(&sel->reqs[i], labels))
            return false;
    return true;
}

static char *strbuf_to_arena(hpa_strbuf *b, hpa_arena *a)
{
    char *r = b->oom ? NULL : hpa_arena_strdup(a, hpa_strbuf_cstr(b));

    hpa_strbuf_free(b);
    return r;
}

/* UPSTREAM: labels.Requirement.String, joined with ",". */
char *hpa_selector_string(const hpa_selector *sel, hpa_arena *a)
{
    hpa_strbuf b = HPA_STRBUF_INIT;
    size_t i, j;

    hpa_strbuf_append(&b, "");
    for (i = 0; i < sel->n; i++) {
        const hpa_requirement *r = &sel->reqs[i];
        static const char *const opstr[] = {
            [HPA_SEL_EQUALS] = "=",   [HPA_SEL_NOT_EQUALS] = "!=",
            [HPA_SEL_IN] = " in (",   [HPA_SEL_NOT_IN] = " notin (",
            [HPA_SEL_EXISTS] = "",    [HPA_SEL_DOES_NOT_EXIST] = "",
            [HPA_SEL_GT] = ">",       [HPA_SEL_LT] = "<",
        };

        if (i)
            hpa_strbuf_append(&b, ",");
        if (r->op == HPA_SEL_DOES_NOT_EXIST)
            hpa_strbuf_append(&b, "!");
        hpa_strbuf_append(&b, r->key);
        if (r->op == HPA_SEL_EXISTS || r->op == HPA_SEL_DOES_NOT_EXIST)
            continue;
        hpa_strbuf_append(&b, opstr[r->op]);
        for (j = 0; j < r->n_values; j++) {
            if (j)
                hpa_strbuf_append(&b, ",");
            hpa_strbuf_append(&b, r->values[j]);
        }
        if (r->op == HPA_SEL_IN || r->op == HPA_SEL_NOT_IN)
            hpa_strbuf_append(&b, ")");
    }
    return strbuf_to_arena(&b, a);
}

/* UPSTREAM: the gogo-protobuf String() of *metav1.LabelSelector, which is
 * what %+v prints. */
char *hpa_label_selector_gostring(const hpa_label_selector *ls, hpa_arena *a)
{
    hpa_strbuf b = HPA_STRBUF_INIT;
    size_t *idx, n, i, j;

    if (!ls)
        return hpa_arena_strdup(a, "nil");
    idx = hpa_arena_calloc(a, ls->match_labels.n + 1, sizeof(*idx));
    if (!idx)
        return NULL;
    n = sorted_labels(&ls->match_labels, idx);
    hpa_strbuf_append(&b, "&LabelSelector{MatchLabels:map[string]string{");
    for (i = 0; i < n; i++) {
        const hpa_label *l = &ls->match_labels.items[idx[i]];

        hpa_strbuf_printf(&b, "%s: %s,", l->key ? l->key : "",
                          l->value ? l->value : "");
    }
    hpa_strbuf_append(&b, "},MatchExpressions:[]LabelSelectorRequirement{");
    for (i = 0; i < ls->n_exprs; i++) {
        const hpa_label_selector_expr *x = &ls->exprs[i];

        hpa_strbuf_printf(&b, "LabelSelectorRequirement{Key:%s,Operator:%s,Values:[",
                          x->key ? x->key : "", x->op ? x->op : "");
        for (j = 0; j < x->n_values; j++)
            hpa_strbuf_printf(&b, "%s%s", j ? " " : "",
                              x->values[j] ? x->values[j] : "");
        hpa_strbuf_append(&b, "],},");
    }
    hpa_strbuf_append(&b, "},}");
    return strbuf_to_arena(&b, a);
}
