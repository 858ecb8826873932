/*
 * doc.c - YAML and JSON documents read through libyaml into jansson trees,
 * with the line and column of every node kept for error messages.
 *
 * Scalars are resolved the way sigs.k8s.io/yaml does (go-yaml v2, YAML
 * 1.1 rules), so a manifest means the same thing here as to kubectl.
 *
 * Positions: jansson shares the true/false/null singletons, so a position
 * cannot be keyed by the node alone. The map is keyed by the slot instead:
 * (container, key) for object members, (container, index) for array
 * elements, and (container, -) for the container itself. Aliases are deep
 * copies; the copy is positioned at the alias, its inside is not.
 */
#include "codec/codec.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

typedef struct srcpos {
    const json_t *parent;   /* container holding the slot */
    const char *key;        /* object member; NULL for an index or self */
    size_t index;           /* array index; SIZE_MAX for the container */
    int line, col;          /* 1-based */
} srcpos;

struct hpa_srcmap {
    int refs;               /* documents expanded from a List share it */
    hpa_arena arena;        /* key strings */
    size_t n, cap;
    srcpos *items;
};

/* A go-yaml v2 style cap on what aliases may expand to ("billion laughs"). */
#define DOC_ALIAS_BUDGET 1000000
#define DOC_MAX_DEPTH 10000

typedef struct anchor {
    char *name;
    json_t *node;
} anchor;

typedef struct frame {
    json_t *node;
    char *anchor;           /* registered when the node ends */
    char *key;              /* pending member key (objects) */
    int key_line, key_col;
} frame;

typedef struct builder {
    const char *file;
    hpa_srcmap *map;
    frame *stack;
    size_t depth, cap;
    anchor *anchors;
    size_t n_anchors, cap_anchors;
    json_t *root;
    int root_line, root_col;
    size_t alias_budget;
    hpa_err *e;
} builder;

/* ---- the position map ------------------------------------------------- */

static hpa_srcmap *srcmap_new(void)
{
    hpa_srcmap *m = calloc(1, sizeof(*m));

    if (m) {
        m->refs = 1;
        hpa_arena_init(&m->arena);
    }
    return m;
}

static void srcmap_unref(hpa_srcmap *m)
{
    if (!m || --m->refs > 0)
        return;
    hpa_arena_free(&m->arena);
    free(m->items);
    free(m);
}

static int srcmap_add(hpa_srcmap *m, const json_t *parent, const char *key,
                      size_t index, int line, int col)
{
    srcpos *p;

    if (m->n == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        srcpos *items = realloc(m->items, cap * sizeof(*items));

        if (!items)
            return -1;
        m->items = items;
        m->cap = cap;
    }
    p = &m->items[m->n];
    p->parent = parent;
    p->key = NULL;
    if (key && !(p->key = hpa_arena_strdup(&m->arena, key)))
        return -1;
    p->index = index;
    p->line = line;
    p->col = col;
    m->n++;
    return 0;
}

static int srcpos_cmp(const void *va, const void *vb)
{
    const srcpos *a = va, *b = vb;
    uintptr_t pa = (uintptr_t)a->parent, pb = (uintptr_t)b->parent;

    if (pa != pb)
        return pa < pb ? -1 : 1;
    if (!a->key != !b->key)
        return a->key ? 1 : -1;
    if (a->key)
        return strcmp(a->key, b->key);
    if (a->index != b->index)
        return a->index < b->index ? -1 : 1;
    return 0;
}

static const srcpos *srcmap_find(const hpa_srcmap *m, const json_t *parent,
                                 const char *key, size_t index)
{
    srcpos probe = {parent, key, index, 0, 0};

    if (!m || !m->n)
        return NULL;
    return bsearch(&probe, m->items, m->n, sizeof(*m->items), srcpos_cmp);
}

/* ---- scalar resolution (go-yaml v2 resolve.go) ----------------------- */

static int in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (!strcmp(s, *list))
            return 1;
    return 0;
}

static const char *const yaml_true[] = {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE",
                                        "on", "On", "ON", NULL};
static const char *const yaml_false[] = {"n", "N", "no", "No", "NO", "false", "False", "FALSE",
                                         "off", "Off", "OFF", NULL};
static const char *const yaml_nonfinite[] = {".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN",
                                             NULL};
static const char *const yaml_null[] = {"", "~", "null", "Null", "NULL", NULL};

/* strconv.ParseInt(s, 0, 64) after go-yaml removed the underscores. */
static int parse_go_int(const char *s, long long *out)
{
    const char *p = s;
    int neg = 0, base = 10;
    unsigned long long v = 0, limit;
    int digits = 0;

    if (*p == '+' || *p == '-')
        neg = *p++ == '-';
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        base = 16;
        p += 2;
    } else if (p[0] == '0' && (p[1] == 'o' || p[1] == 'O')) {
        base = 8;
        p += 2;
    } else if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
        base = 2;
        p += 2;
    } else if (p[0] == '0' && p[1]) {
        base = 8;
        p++;
    }
    limit = neg ? (unsigned long long)LLONG_MAX + 1 : (unsigned long long)LLONG_MAX;
    for (; *p; p++) {
        int d;

        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (*p >= 'a' && *p <= 'f')
            d = *p - 'a' + 10;
        else if (*p >= 'A' && *p <= 'F')
            d = *p - 'A' + 10;
        else
            return 0;
        if (d >= base)
            return 0;
        if (v > (limit - (unsigned long long)d) / (unsigned long long)base)
            return 0;
        v = v * (unsigned long long)base + (unsigned long long)d;
        digits++;
    }
    if (!digits)
        return 0;
    if (neg)
        *out = v == (unsigned long long)LLONG_MAX + 1 ? LLONG_MIN : -(long long)v;
    else
        *out = (long long)v;
    return 1;
}

/* ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$ */
static int is_yaml_float(const char *s)
{
    const char *p = s;
    int n = 0;

    if (*p == '+' || *p == '-')
        p++;
    if (*p == '.') {
        p++;
        while (*p >= '0' && *p <= '9')
            p++, n++;
        if (!n)
            return 0;
    } else {
        while (*p >= '0' && *p <= '9')
            p++, n++;
        if (!n)
            return 0;
        if (*p == '.')
            for (p++; *p >= '0' && *p <= '9'; p++)
                ;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        n = 0;
        if (*p == '+' || *p == '-')
            p++;
        while (*p >= '0' && *p <= '9')
            p++, n++;
        if (!n)
            return 0;
    }
    return *p == '\0';
}

static json_t *resolve_number(const char *s)
{
    char plain[128];
    size_t i, j = 0;
    long long iv;

    for (i = 0; s[i] && j + 1 < sizeof(plain); i++)
        if (s[i] != '_')
            plain[j++] = s[i];
    if (s[i])
        return NULL;
    plain[j] = '\0';
    if (parse_go_int(plain, &iv))
        return json_integer(iv);
    if (is_yaml_float(plain)) {
        errno = 0;
        return json_real(strtod(plain, NULL));
    }
    return NULL;
}

/* UPSTREAM: go-yaml v2 resolve(): plain scalars become null, bool, int,
 * float or string; quoted ones are always strings. jansson cannot hold
 * NaN or infinities, which JSON cannot express either: sigs.k8s.io/yaml
 * fails to convert them too, so they are an error. */
static json_t *resolve_scalar(const yaml_event_t *ev, int *bad_float)
{
    const char *s = (const char *)ev->data.scalar.value;
    const char *tag = (const char *)ev->data.scalar.tag;
    int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    json_t *v;

    *bad_float = 0;
    if (tag && !strcmp(tag, YAML_STR_TAG))
        return json_string(s);
    if (!plain && !(tag && strcmp(tag, "!") != 0))
        return json_string(s);
    if (in_list(s, yaml_null))
        return json_null();
    if (in_list(s, yaml_true))
        return json_true();
    if (in_list(s, yaml_false))
        return json_false();
    if (in_list(s + (*s == '+' || *s == '-'), yaml_nonfinite)) {
        *bad_float = 1;
        return NULL;
    }
    if ((*s >= '0' && *s <= '9') || *s == '+' || *s == '-' || *s == '.') {
        v = resolve_number(s);
        if (v)
            return v;
    }
    return json_string(s);
}

/* sigs.k8s.io/yaml turns non-string keys back into their text. */
static char *key_text(const json_t *v, const char *raw)
{
    char buf[64];

    if (json_is_true(v))
        return strdup("true");
    if (json_is_false(v))
        return strdup("false");
    if (json_is_integer(v)) {
        snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
        return strdup(buf);
    }
    if (json_is_null(v))
        return strdup("null");
    return strdup(raw);
}

/* ---- the tree builder --------------------------------------------------- */

static hpa_errcode b_fail(builder *b, hpa_errcode code, yaml_mark_t mark,
                          const char *fmt, const char *arg)
{
    hpa_err_set(b->e, code, NULL, fmt, arg);
    if (b->e) {
        snprintf(b->e->file, sizeof(b->e->file), "%s", b->file);
        b->e->line = (int)mark.line + 1;
        b->e->col = (int)mark.column + 1;
    }
    return code;
}

static hpa_errcode b_oom(builder *b)
{
    hpa_err_set(b->e, HPA_ENOMEM, NULL, "%s: out of memory", b->file);
    return HPA_ENOMEM;
}

static void builder_reset(builder *b)
{
    size_t i;

    for (i = 0; i < b->depth; i++) {
        free(b->stack[i].anchor);
        free(b->stack[i].key);
    }
    b->depth = 0;
    for (i = 0; i < b->n_anchors; i++) {
        free(b->anchors[i].name);
        json_decref(b->anchors[i].node);
    }
    b->n_anchors = 0;
    json_decref(b->root);
    b->root = NULL;
    b->alias_budget = DOC_ALIAS_BUDGET;
}

static void builder_free(builder *b)
{
    builder_reset(b);
    free(b->stack);
    free(b->anchors);
    srcmap_unref(b->map);
}

static hpa_errcode add_anchor(builder *b, const char *name, json_t *node)
{
    size_t i;

    /* A later anchor of the same name replaces the earlier one. */
    for (i = 0; i < b->n_anchors; i++) {
        if (!strcmp(b->anchors[i].name, name)) {
            json_decref(b->anchors[i].node);
            b->anchors[i].node = json_incref(node);
            return HPA_OK;
        }
    }
    if (b->n_anchors == b->cap_anchors) {
        size_t cap = b->cap_anchors ? b->cap_anchors * 2 : 8;
        anchor *a = realloc(b->anchors, cap * sizeof(*a));

        if (!a)
            return b_oom(b);
        b->anchors = a;
        b->cap_anchors = cap;
    }
    if (!(b->anchors[b->n_anchors].name = strdup(name)))
        return b_oom(b);
    b->anchors[b->n_anchors++].node = json_incref(node);
    return HPA_OK;
}

static json_t *find_anchor(builder *b, const char *name)
{
    size_t i;

    for (i = b->n_anchors; i-- > 0;)
        if (!strcmp(b->anchors[i].name, name))
            return b->anchors[i].node;
    return NULL;
}

static size_t count_nodes(const json_t *v)
{
    size_t n = 1, i;
    const char *k;
    json_t *c;

    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, k, c)
            n += count_nodes(c);
    } else if (json_is_array(v)) {
        json_array_foreach(v, i, c)
            n += count_nodes(c);
    }
    return n;
}

/* Put `v` (a new reference, consumed) into the open container or make it
 * the root. A scalar met where a key is expected becomes the key. */
static hpa_errcode attach(builder *b, json_t *v, yaml_mark_t mark,
                          const char *raw, int is_scalar)
{
    int line = (int)mark.line + 1, col = (int)mark.column + 1;
    frame *top;

    if (!b->depth) {
        json_decref(b->root);
        b->root = v;
        b->root_line = line;
        b->root_col = col;
        return HPA_OK;
    }
    top = &b->stack[b->depth - 1];
    if (json_is_array(top->node)) {
        size_t idx = json_array_size(top->node);

        if (json_array_append_new(top->node, v))
            return b_oom(b);
        if (srcmap_add(b->map, top->node, NULL, idx, line, col))
            return b_oom(b);
        return HPA_OK;
    }
    if (!top->key) {
        if (!is_scalar) {
            json_decref(v);
            return b_fail(b, HPA_ESYNTAX, mark, "%s",
                          "a mapping key must be a scalar (complex keys are not supported)");
        }
        top->key = key_text(v, raw);
        json_decref(v);
        if (!top->key)
            return b_oom(b);
        if (json_object_get(top->node, top->key)) {
            hpa_errcode rc = b_fail(b, HPA_ESYNTAX, mark, "key \"%s\" already set in map",
                                    top->key);

            free(top->key);
            top->key = NULL;
            return rc;
        }
        top->key_line = line;
        top->key_col = col;
        return HPA_OK;
    }
    if (json_object_set_new(top->node, top->key, v)) {
        free(top->key);
        top->key = NULL;
        return b_oom(b);
    }
    if (srcmap_add(b->map, top->node, top->key, SIZE_MAX, line, col)) {
        free(top->key);
        top->key = NULL;
        return b_oom(b);
    }
    free(top->key);
    top->key = NULL;
    return HPA_OK;
}

static hpa_errcode push(builder *b, json_t *node, const yaml_char_t *anchor_name,
                        yaml_mark_t mark)
{
    hpa_errcode rc;
    frame *f;

    if (!node)
        return b_oom(b);
    if (b->depth >= DOC_MAX_DEPTH) {
        json_decref(node);
        return b_fail(b, HPA_ESYNTAX, mark, "%s", "document nested too deeply");
    }
    if (b->depth == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 16;
        frame *s = realloc(b->stack, cap * sizeof(*s));

        if (!s) {
            json_decref(node);
            return b_oom(b);
        }
        b->stack = s;
        b->cap = cap;
    }
    if (srcmap_add(b->map, node, NULL, SIZE_MAX, (int)mark.line + 1, (int)mark.column + 1)) {
        json_decref(node);
        return b_oom(b);
    }
    /* attach() consumes one reference; the frame keeps a borrowed one. */
    rc = attach(b, json_incref(node), mark, NULL, 0);
    if (rc) {
        json_decref(node);
        return rc;
    }
    f = &b->stack[b->depth++];
    f->node = node;
    json_decref(node);
    f->key = NULL;
    f->anchor = NULL;
    if (anchor_name && !(f->anchor = strdup((const char *)anchor_name)))
        return b_oom(b);
    return HPA_OK;
}

static hpa_errcode pop(builder *b)
{
    frame *f = &b->stack[--b->depth];
    hpa_errcode rc = HPA_OK;

    if (f->anchor)
        rc = add_anchor(b, f->anchor, f->node);
    free(f->anchor);
    free(f->key);
    return rc;
}

static hpa_errcode on_scalar(builder *b, const yaml_event_t *ev)
{
    int bad_float;
    json_t *v = resolve_scalar(ev, &bad_float);
    hpa_errcode rc;

    if (bad_float)
        return b_fail(b, HPA_ESYNTAX, ev->start_mark,
                      "%s cannot be represented in JSON", (const char *)ev->data.scalar.value);
    if (!v)
        return b_oom(b);
    if (ev->data.scalar.anchor) {
        rc = add_anchor(b, (const char *)ev->data.scalar.anchor, v);
        if (rc) {
            json_decref(v);
            return rc;
        }
    }
    return attach(b, v, ev->start_mark, (const char *)ev->data.scalar.value, 1);
}

static hpa_errcode on_alias(builder *b, const yaml_event_t *ev)
{
    const char *name = (const char *)ev->data.alias.anchor;
    json_t *target = find_anchor(b, name), *copy;
    size_t cost;

    /* An anchor whose node is still open is not registered yet: that is
     * a recursive alias, which JSON cannot express. */
    if (!target)
        return b_fail(b, HPA_ESYNTAX, ev->start_mark, "unknown anchor '%s' referenced", name);
    cost = count_nodes(target);
    if (cost > b->alias_budget)
        return b_fail(b, HPA_ESYNTAX, ev->start_mark,
                      "document contains excessive aliasing (at alias '%s')", name);
    b->alias_budget -= cost;
    copy = json_deep_copy(target);
    if (!copy)
        return b_oom(b);
    return attach(b, copy, ev->start_mark,
                  json_is_string(copy) ? json_string_value(copy) : "", !json_is_object(copy) &&
                  !json_is_array(copy));
}

/* ---- the docset ------------------------------------------------------ */

static hpa_errcode docset_push(hpa_docset *set, json_t *root, hpa_srcmap *map, int line,
                               int col)
{
    hpa_doc *docs = realloc(set->docs, (set->n + 1) * sizeof(*docs));

    if (!docs)
        return HPA_ENOMEM;
    set->docs = docs;
    docs[set->n].root = json_incref(root);
    docs[set->n].map = map;
    if (map)
        map->refs++;
    docs[set->n].line = line;
    docs[set->n].col = col;
    set->n++;
    return HPA_OK;
}

static int is_list(const json_t *root)
{
    const char *kind = json_string_value(json_object_get(root, "kind"));
    size_t n;

    if (!kind || !json_is_array(json_object_get(root, "items")))
        return 0;
    n = strlen(kind);
    return n >= 4 && !strcmp(kind + n - 4, "List");
}

/* UPSTREAM: kubectl treats every `*List` kind with items as a list and
 * works on its items one by one. */
static hpa_errcode finish_document(builder *b, hpa_docset *set)
{
    hpa_errcode rc = HPA_OK;

    if (!b->root || json_is_null(b->root))
        goto out;
    /* A scalar document has no positions: qsort(NULL, 0) is undefined. */
    if (b->map->n > 1)
        qsort(b->map->items, b->map->n, sizeof(*b->map->items), srcpos_cmp);
    if (is_list(b->root)) {
        const json_t *items = json_object_get(b->root, "items");
        size_t i;
        json_t *it;

        json_array_foreach(items, i, it) {
            const srcpos *p = srcmap_find(b->map, items, NULL, i);

            rc = docset_push(set, it, b->map, p ? p->line : b->root_line,
                             p ? p->col : b->root_col);
            if (rc)
                break;
        }
    } else {
        rc = docset_push(set, b->root, b->map, b->root_line, b->root_col);
    }
out:
    if (rc)
        return b_oom(b);
    builder_reset(b);
    srcmap_unref(b->map);
    b->map = srcmap_new();
    return b->map ? HPA_OK : b_oom(b);
}

static hpa_errcode parse_error(builder *b, const yaml_parser_t *p)
{
    char msg[HPA_ERR_MSG_MAX];
    yaml_mark_t mark = p->problem_mark;

    if (p->error == YAML_MEMORY_ERROR)
        return b_oom(b);
    if (p->context)
        snprintf(msg, sizeof(msg), "%s: %s", p->context, p->problem ? p->problem : "syntax error");
    else
        snprintf(msg, sizeof(msg), "%s", p->problem ? p->problem : "syntax error");
    if (p->error == YAML_READER_ERROR) {
        /* The reader reports a byte offset, not a line. */
        mark.line = 0;
        mark.column = p->problem_offset;
    }
    return b_fail(b, HPA_ESYNTAX, mark, "%s", msg);
}

void hpa_docset_free(hpa_docset *d)
{
    size_t i;

    if (!d)
        return;
    for (i = 0; i < d->n; i++) {
        json_decref(d->docs[i].root);
        srcmap_unref(d->docs[i].map);
    }
    free(d->docs);
    free(d->file);
    memset(d, 0, sizeof(*d));
}

hpa_errcode hpa_docset_load_buffer(const char *buf, size_t len, const char *name,
                                   hpa_docset *out, hpa_err *e)
{
    yaml_parser_t parser;
    yaml_event_t ev;
    builder b;
    hpa_errcode rc = HPA_OK;
    int done = 0;

    memset(out, 0, sizeof(*out));
    memset(&b, 0, sizeof(b));
    hpa_err_clear(e);
    b.e = e;
    b.alias_budget = DOC_ALIAS_BUDGET;
    out->file = strdup(name ? name : "<input>");
    b.map = srcmap_new();
    if (!out->file || !b.map) {
        free(out->file);
        out->file = NULL;
        srcmap_unref(b.map);
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    }
    b.file = out->file;
    if (!yaml_parser_initialize(&parser)) {
        builder_free(&b);
        hpa_docset_free(out);
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
    while (!done && !rc) {
        if (!yaml_parser_parse(&parser, &ev)) {
            rc = parse_error(&b, &parser);
            break;
        }
        switch (ev.type) {
        case YAML_STREAM_END_EVENT:
            done = 1;
            break;
        case YAML_DOCUMENT_START_EVENT:
            builder_reset(&b);
            break;
        case YAML_DOCUMENT_END_EVENT:
            rc = finish_document(&b, out);
            break;
        case YAML_SCALAR_EVENT:
            rc = on_scalar(&b, &ev);
            break;
        case YAML_ALIAS_EVENT:
            rc = on_alias(&b, &ev);
            break;
        case YAML_SEQUENCE_START_EVENT:
            rc = push(&b, json_array(), ev.data.sequence_start.anchor, ev.start_mark);
            break;
        case YAML_MAPPING_START_EVENT:
            rc = push(&b, json_object(), ev.data.mapping_start.anchor, ev.start_mark);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            rc = pop(&b);
            break;
        default:
            break;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    builder_free(&b);
    if (rc) {
        hpa_docset_free(out);
        return rc;
    }
    return HPA_OK;
}

hpa_errcode hpa_docset_load_file(const char *path, hpa_docset *out, hpa_err *e)
{
    const char *name = strcmp(path, "-") ? path : "<stdin>";
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    char *buf = NULL;
    size_t len = 0, cap = 0;
    hpa_errcode rc;

    memset(out, 0, sizeof(*out));
    if (!f) {
        rc = hpa_err_set(e, HPA_EIO, NULL, "cannot open: %s", strerror(errno));
        if (e)
            snprintf(e->file, sizeof(e->file), "%s", name);
        return rc;
    }
    for (;;) {
        size_t got;

        if (cap - len < 4096) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, ncap);

            if (!nb) {
                rc = hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory reading %s", name);
                goto out;
            }
            buf = nb;
            cap = ncap;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        rc = hpa_err_set(e, HPA_EIO, NULL, "read error: %s", strerror(errno));
        if (e)
            snprintf(e->file, sizeof(e->file), "%s", name);
        goto out;
    }
    rc = hpa_docset_load_buffer(buf, len, name, out, e);
out:
    free(buf);
    if (f != stdin)
        fclose(f);
    return rc;
}

/* ---- paths back to positions -------------------------------------------- */

void hpa_doc_locate(const hpa_docset *set, size_t doc, const char *strip_prefix, hpa_err *e)
{
    const hpa_doc *d;
    const json_t *node;
    const char *p;
    char seg[HPA_ERR_PATH_MAX];
    int line, col;

    if (!set || !e || doc >= set->n)
        return;
    d = &set->docs[doc];
    snprintf(e->file, sizeof(e->file), "%s", set->file ? set->file : "");
    line = d->line;
    col = d->col;
    node = d->root;
    p = e->path;
    if (strip_prefix && *strip_prefix) {
        size_t n = strlen(strip_prefix);

        if (!strncmp(p, strip_prefix, n) && (p[n] == '\0' || p[n] == '.' || p[n] == '['))
            p += n + (p[n] == '.');
    }
    while (*p && node) {
        const srcpos *pos = NULL;
        const json_t *child = NULL;
        size_t n = 0;
        int bracket = *p == '[';

        if (bracket) {
            const char *end = strchr(p, ']');

            if (!end)
                break;
            n = (size_t)(end - p - 1);
            if (n >= sizeof(seg))
                break;
            memcpy(seg, p + 1, n);
            seg[n] = '\0';
            p = end + 1;
        } else {
            while (p[n] && p[n] != '.' && p[n] != '[')
                n++;
            if (n >= sizeof(seg))
                break;
            memcpy(seg, p, n);
            seg[n] = '\0';
            p += n;
        }
        if (*p == '.')
            p++;
        if (json_is_array(node) && bracket) {
            char *end;
            unsigned long idx = strtoul(seg, &end, 10);

            if (*end || !seg[0] || idx >= json_array_size(node))
                break;
            child = json_array_get(node, idx);
            pos = srcmap_find(d->map, node, NULL, idx);
        } else if (json_is_object(node)) {
            child = json_object_get(node, seg);
            if (!child)
                break;
            pos = srcmap_find(d->map, node, seg, SIZE_MAX);
        } else {
            break;
        }
        if (pos) {
            line = pos->line;
            col = pos->col;
        }
        node = child;
    }
    e->line = line;
    e->col = col;
}
