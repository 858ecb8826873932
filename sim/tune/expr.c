/* expr.c - objective and constraint expressions (see expr.h). */
#include "tune/expr.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OP_NUM = 1, OP_FIG, OP_BASE, OP_BASE_SUBJECT, OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_NEG };

static const char *const fig_names[TUNE_F_COUNT_] = {
    "podHours", "podSeconds", "overloadSeconds", "unservedFraction", "flaps",
    "scaleUps", "scaleDowns", "reactionSeconds", "responseTime.mean", "responseTime.p95",
    "utilization.mean", "utilization.p50", "utilization.p95", "utilization.p99",
    "minReplicas", "maxReplicas"};

const char *tune_figure_name(tune_figure f)
{
    return (unsigned)f < TUNE_F_COUNT_ ? fig_names[f] : NULL;
}

int tune_figure_lookup(const char *name, size_t len)
{
    int i;

    for (i = 0; i < TUNE_F_COUNT_; i++)
        if (strlen(fig_names[i]) == len && !strncmp(fig_names[i], name, len))
            return i;
    return -1;
}

const char *tune_figure_list(void)
{
    return "podHours, podSeconds, overloadSeconds, unservedFraction, flaps, scaleUps, "
           "scaleDowns, reactionSeconds, responseTime.mean, responseTime.p95, "
           "utilization.mean, utilization.p50, utilization.p95, utilization.p99, "
           "minReplicas, maxReplicas";
}

double tune_figure_get(const sim_summary *s, tune_figure f)
{
    switch (f) {
    case TUNE_F_POD_HOURS: return s->pod_hours;
    case TUNE_F_POD_SECONDS: return s->pod_seconds;
    case TUNE_F_OVERLOAD_SECONDS: return s->overload_seconds;
    case TUNE_F_UNSERVED_FRACTION: return s->unserved_fraction;
    case TUNE_F_FLAPS: return s->flaps;
    case TUNE_F_SCALE_UPS: return s->scale_ups;
    case TUNE_F_SCALE_DOWNS: return s->scale_downs;
    case TUNE_F_REACTION_SECONDS: return s->reaction_seconds;
    case TUNE_F_RESP_MEAN: return s->resp_mean;
    case TUNE_F_RESP_P95: return s->resp_p95;
    case TUNE_F_UTIL_MEAN: return s->util_mean;
    case TUNE_F_UTIL_P50: return s->util_p50;
    case TUNE_F_UTIL_P95: return s->util_p95;
    case TUNE_F_UTIL_P99: return s->util_p99;
    case TUNE_F_MIN_REPLICAS: return s->min_replicas;
    case TUNE_F_MAX_REPLICAS: return s->max_replicas;
    default: return NAN;
    }
}

/* ---- the parser ---------------------------------------------------------- */

typedef struct parser {
    const char *s;          /* the whole text */
    size_t pos;
    const char *what;       /* "--minimize", "--constraint" */
    tune_expr *x;
    hpa_err *e;
    bool failed;
} parser;

static void skip_ws(parser *p)
{
    while (p->s[p->pos] && isspace((unsigned char)p->s[p->pos]))
        p->pos++;
}

static int fail(parser *p, size_t col, const char *fmt, const char *term)
{
    char msg[HPA_ERR_MSG_MAX - 64];

    if (p->failed)
        return -1;
    p->failed = true;
    snprintf(msg, sizeof(msg), fmt, term);
    hpa_err_set(p->e, HPA_ESYNTAX, p->what, "%s \"%s\": %s (at column %zu)", p->what, p->s, msg,
                col + 1);
    return -1;
}

static int node(parser *p, int op, int a, int b, int fig, double num)
{
    tune_node *n;

    if (p->x->n >= TUNE_EXPR_NODES)
        return fail(p, p->pos, "expression too long%s", "");
    n = &p->x->nodes[p->x->n];
    n->op = op;
    n->a = a;
    n->b = b;
    n->fig = fig;
    n->num = num;
    return (int)p->x->n++;
}

static int parse_sum(parser *p);

/* The term at the cursor, for messages: up to the next operator. */
static void term_at(const parser *p, size_t at, char *buf, size_t len)
{
    size_t n = 0;

    while (p->s[at + n] && !strchr("+-*/()<>= \t", p->s[at + n]))
        n++;
    if (n == 0 && p->s[at])
        n = 1;
    if (n >= len)
        n = len - 1;
    memcpy(buf, p->s + at, n);
    buf[n] = '\0';
}

static int parse_primary(parser *p)
{
    const char *s = p->s;
    size_t start;
    char term[96];

    skip_ws(p);
    start = p->pos;
    if (s[p->pos] == '(') {
        int r;
        p->pos++;
        r = parse_sum(p);
        if (r < 0)
            return -1;
        skip_ws(p);
        if (s[p->pos] != ')')
            return fail(p, start, "missing ')' for the '(' here%s", "");
        p->pos++;
        return r;
    }
    if (isdigit((unsigned char)s[p->pos]) || s[p->pos] == '.') {
        char *end;
        double v = strtod(s + p->pos, &end);
        size_t n = (size_t)(end - (s + p->pos));
        if (n == 0 || !isfinite(v)) {
            term_at(p, start, term, sizeof(term));
            return fail(p, start, "bad number \"%s\"", term);
        }
        p->pos += n;
        if (isalpha((unsigned char)s[p->pos])) {
            term_at(p, start, term, sizeof(term));
            return fail(p, start, "bad number \"%s\"", term);
        }
        return node(p, OP_NUM, -1, -1, -1, v);
    }
    if (isalpha((unsigned char)s[p->pos])) {
        size_t n = 0;
        int f;
        while (isalnum((unsigned char)s[p->pos + n]) || s[p->pos + n] == '_' || s[p->pos + n] == '.')
            n++;
        p->pos += n;
        if (n == 4 && !strncmp(s + start, "base", 4))
            return node(p, OP_BASE_SUBJECT, -1, -1, -1, 0);
        if (n > 5 && !strncmp(s + start, "base.", 5)) {
            f = tune_figure_lookup(s + start + 5, n - 5);
            if (f < 0) {
                term_at(p, start, term, sizeof(term));
                return fail(p, start + 5, "unknown figure in \"%s\"", term);
            }
            return node(p, OP_BASE, -1, -1, f, 0);
        }
        f = tune_figure_lookup(s + start, n);
        if (f < 0) {
            snprintf(term, sizeof(term), "%.*s", (int)(n < 80 ? n : 80), s + start);
            return fail(p, start, "unknown figure \"%s\"", term);
        }
        return node(p, OP_FIG, -1, -1, f, 0);
    }
    if (!s[p->pos])
        return fail(p, start, "expected a figure, a number or '(' at the end%s", "");
    term_at(p, start, term, sizeof(term));
    return fail(p, start, "expected a figure, a number or '(' at \"%s\"", term);
}

static int parse_unary(parser *p)
{
    skip_ws(p);
    if (p->s[p->pos] == '-') {
        int a;
        p->pos++;
        a = parse_unary(p);
        return a < 0 ? -1 : node(p, OP_NEG, a, -1, -1, 0);
    }
    if (p->s[p->pos] == '+') {
        p->pos++;
        return parse_unary(p);
    }
    return parse_primary(p);
}

static int parse_product(parser *p)
{
    int l = parse_unary(p);

    while (l >= 0) {
        char c;
        int r;
        skip_ws(p);
        c = p->s[p->pos];
        if (c != '*' && c != '/')
            break;
        p->pos++;
        r = parse_unary(p);
        if (r < 0)
            return -1;
        l = node(p, c == '*' ? OP_MUL : OP_DIV, l, r, -1, 0);
    }
    return l;
}

static int parse_sum(parser *p)
{
    int l = parse_product(p);

    while (l >= 0) {
        char c;
        int r;
        skip_ws(p);
        c = p->s[p->pos];
        if (c != '+' && c != '-')
            break;
        p->pos++;
        r = parse_product(p);
        if (r < 0)
            return -1;
        l = node(p, c == '+' ? OP_ADD : OP_SUB, l, r, -1, 0);
    }
    return l;
}

/* Figures named outside base terms, as a bit set. */
static unsigned figures_used(const tune_expr *x)
{
    unsigned m = 0;
    size_t i;

    for (i = 0; i < x->n; i++)
        if (x->nodes[i].op == OP_FIG)
            m |= 1u << x->nodes[i].fig;
    return m;
}

static bool has_subject_base(const tune_expr *x)
{
    size_t i;

    for (i = 0; i < x->n; i++)
        if (x->nodes[i].op == OP_BASE_SUBJECT)
            return true;
    return false;
}

static void resolve_subject(tune_expr *x, int fig)
{
    size_t i;

    for (i = 0; i < x->n; i++)
        if (x->nodes[i].op == OP_BASE_SUBJECT) {
            x->nodes[i].op = OP_BASE;
            x->nodes[i].fig = fig;
        }
}

static hpa_errcode parse_side(parser *p, tune_expr *x, bool at_end)
{
    char term[96];
    size_t at;

    memset(x, 0, sizeof(*x));
    p->x = x;
    x->root = parse_sum(p);
    if (x->root < 0)
        return HPA_ESYNTAX;
    skip_ws(p);
    at = p->pos;
    if (at_end && p->s[at]) {
        term_at(p, at, term, sizeof(term));
        fail(p, at, "unexpected \"%s\"", term);
        return HPA_ESYNTAX;
    }
    return HPA_OK;
}

hpa_errcode tune_expr_parse(const char *text, const char *what, tune_expr *out, hpa_err *e)
{
    parser p = {text, 0, what, out, e, false};
    hpa_errcode rc;

    if (strlen(text) >= TUNE_EXPR_TEXT)
        return hpa_err_set(e, HPA_EINVAL, what, "%s: expression longer than %d characters", what,
                           TUNE_EXPR_TEXT - 1);
    if ((rc = parse_side(&p, out, true)) != HPA_OK)
        return rc;
    if (has_subject_base(out))
        return hpa_err_set(e, HPA_ESYNTAX, what,
                           "%s \"%s\": term \"base\" needs a figure here; write base.podHours or the like",
                           what, text);
    return HPA_OK;
}

hpa_errcode tune_constraint_parse(const char *text, const char *what, tune_constraint *out,
                                  hpa_err *e)
{
    parser p = {text, 0, what, NULL, e, false};
    hpa_errcode rc;
    const char *s;
    unsigned used;
    int fig = -1, k;

    memset(out, 0, sizeof(*out));
    if (strlen(text) >= TUNE_EXPR_TEXT)
        return hpa_err_set(e, HPA_EINVAL, what, "%s: expression longer than %d characters", what,
                           TUNE_EXPR_TEXT - 1);
    snprintf(out->text, sizeof(out->text), "%s", text);
    if ((rc = parse_side(&p, &out->lhs, false)) != HPA_OK)
        return rc;
    s = text + p.pos;
    if (!strncmp(s, "<=", 2)) {
        out->cmp = TUNE_CMP_LE;
        p.pos += 2;
    } else if (!strncmp(s, ">=", 2)) {
        out->cmp = TUNE_CMP_GE;
        p.pos += 2;
    } else if (*s == '<') {
        out->cmp = TUNE_CMP_LT;
        p.pos++;
    } else if (*s == '>') {
        out->cmp = TUNE_CMP_GT;
        p.pos++;
    } else {
        char term[96];
        term_at(&p, p.pos, term, sizeof(term));
        fail(&p, p.pos, *s ? "expected <=, <, >= or > at \"%s\"" : "expected <=, <, >= or > and a bound%s",
             term);
        return HPA_ESYNTAX;
    }
    if ((rc = parse_side(&p, &out->rhs, true)) != HPA_OK)
        return rc;
    if (has_subject_base(&out->lhs) || has_subject_base(&out->rhs)) {
        used = figures_used(&out->lhs) | figures_used(&out->rhs);
        for (k = 0; k < TUNE_F_COUNT_; k++)
            if (used & (1u << k)) {
                if (fig >= 0)
                    return hpa_err_set(e, HPA_ESYNTAX, what,
                                       "%s \"%s\": term \"base\" is ambiguous: the constraint names %s and %s; "
                                       "write base.%s or base.%s",
                                       what, text, fig_names[fig], fig_names[k], fig_names[fig], fig_names[k]);
                fig = k;
            }
        if (fig < 0)
            return hpa_err_set(e, HPA_ESYNTAX, what,
                               "%s \"%s\": term \"base\" needs a figure to stand for; name one (flaps<=base*1.1) "
                               "or write base.FIGURE",
                               what, text);
        resolve_subject(&out->lhs, fig);
        resolve_subject(&out->rhs, fig);
    }
    return HPA_OK;
}

static double eval_node(const tune_expr *x, int i, const sim_summary *cur, const sim_summary *base)
{
    const tune_node *n = &x->nodes[i];

    switch (n->op) {
    case OP_NUM: return n->num;
    case OP_FIG: return tune_figure_get(cur, (tune_figure)n->fig);
    case OP_BASE: return base ? tune_figure_get(base, (tune_figure)n->fig) : NAN;
    case OP_ADD: return eval_node(x, n->a, cur, base) + eval_node(x, n->b, cur, base);
    case OP_SUB: return eval_node(x, n->a, cur, base) - eval_node(x, n->b, cur, base);
    case OP_MUL: return eval_node(x, n->a, cur, base) * eval_node(x, n->b, cur, base);
    case OP_DIV: return eval_node(x, n->a, cur, base) / eval_node(x, n->b, cur, base);
    case OP_NEG: return -eval_node(x, n->a, cur, base);
    default: return NAN;
    }
}

double tune_expr_eval(const tune_expr *x, const sim_summary *cur, const sim_summary *base)
{
    return x->root >= 0 && x->n ? eval_node(x, x->root, cur, base) : NAN;
}

double tune_constraint_violation(const tune_constraint *c, const sim_summary *cur,
                                 const sim_summary *base)
{
    double l = tune_expr_eval(&c->lhs, cur, base), r = tune_expr_eval(&c->rhs, cur, base);
    double d, scale;

    if (isnan(l) || isnan(r))
        return INFINITY;
    d = c->cmp == TUNE_CMP_LE || c->cmp == TUNE_CMP_LT ? l - r : r - l;
    /* strict bounds: equality is a (tiny) violation */
    if ((c->cmp == TUNE_CMP_LT || c->cmp == TUNE_CMP_GT) && d == 0)
        d = 1e-12;
    if (d <= 0)
        return 0;
    scale = fabs(r) > 1e-9 ? fabs(r) : 1;
    return d / scale;
}

bool tune_expr_uses(const tune_expr *x, tune_figure f)
{
    return (figures_used(x) >> f) & 1u;
}
