/* arena.c - bump allocator and string buffer (see hpa/arena.h). */
#include "hpa/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_ALIGN 16u
#define ARENA_DEFAULT_CHUNK (16u * 1024u)

struct hpa_arena_chunk {
    hpa_arena_chunk *next;
    size_t size;   /* usable bytes in data[] */
    size_t used;
    _Alignas(16) unsigned char data[];
};

void hpa_arena_init(hpa_arena *a)
{
    a->head = NULL;
    a->chunk_size = 0;
}

void hpa_arena_free(hpa_arena *a)
{
    hpa_arena_chunk *c = a->head;

    while (c) {
        hpa_arena_chunk *next = c->next;
        free(c);
        c = next;
    }
    a->head = NULL;
}

void hpa_arena_reset(hpa_arena *a)
{
    hpa_arena_chunk *c, *keep = NULL, *next;

    /* Keep the largest chunk: after a few decisions it fits a whole one. */
    for (c = a->head; c; c = c->next)
        if (!keep || c->size > keep->size)
            keep = c;
    for (c = a->head; c; c = next) {
        next = c->next;
        if (c != keep)
            free(c);
    }
    if (keep) {
        keep->next = NULL;
        keep->used = 0;
    }
    a->head = keep;
}

void *hpa_arena_alloc(hpa_arena *a, size_t n)
{
    hpa_arena_chunk *c = a->head;
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    void *p;

    if (need < n)
        return NULL;
    if (!c || c->size - c->used < need) {
        size_t size = a->chunk_size ? a->chunk_size : ARENA_DEFAULT_CHUNK;
        /* Grow geometrically so that a large input needs few chunks. */
        if (c && c->size * 2 > size)
            size = c->size * 2;
        if (size < need)
            size = need;
        if (size > SIZE_MAX - sizeof(*c))
            return NULL;
        c = malloc(sizeof(*c) + size);
        if (!c)
            return NULL;
        c->size = size;
        c->used = 0;
        c->next = a->head;
        a->head = c;
    }
    p = c->data + c->used;
    c->used += need;
    memset(p, 0, n);
    return p;
}

void *hpa_arena_calloc(hpa_arena *a, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    size_t n = count * size;

    return hpa_arena_alloc(a, n > 0 ? n : 1);
}

char *hpa_arena_strndup(hpa_arena *a, const char *s, size_t n)
{
    char *p;

    if (!s)
        return NULL;
    p = hpa_arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *hpa_arena_strdup(hpa_arena *a, const char *s)
{
    return s ? hpa_arena_strndup(a, s, strlen(s)) : NULL;
}

char *hpa_arena_sprintf(hpa_arena *a, const char *fmt, ...)
{
    va_list ap, ap2;
    int n;
    char *p;

    va_start(ap, fmt);
    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        va_end(ap2);
        return NULL;
    }
    p = hpa_arena_alloc(a, (size_t)n + 1);
    if (p)
        vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

static int strbuf_grow(hpa_strbuf *b, size_t extra)
{
    size_t need = b->len + extra + 1, cap;
    char *p;

    if (b->oom)
        return -1;
    if (need <= b->cap)
        return 0;
    cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    p = realloc(b->s, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->s = p;
    b->cap = cap;
    return 0;
}

void hpa_strbuf_appendn(hpa_strbuf *b, const char *s, size_t n)
{
    if (strbuf_grow(b, n) < 0)
        return;
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void hpa_strbuf_append(hpa_strbuf *b, const char *s)
{
    hpa_strbuf_appendn(b, s, strlen(s));
}

void hpa_strbuf_vprintf(hpa_strbuf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    int n;

    va_copy(ap2, ap);
    n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0 || strbuf_grow(b, (size_t)n) < 0)
        return;
    vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
}

void hpa_strbuf_printf(hpa_strbuf *b, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    hpa_strbuf_vprintf(b, fmt, ap);
    va_end(ap);
}

const char *hpa_strbuf_cstr(const hpa_strbuf *b)
{
    return b->s ? b->s : "";
}

void hpa_strbuf_reset(hpa_strbuf *b)
{
    b->len = 0;
    if (b->s)
        b->s[0] = '\0';
}

void hpa_strbuf_free(hpa_strbuf *b)
{
    free(b->s);
    b->s = NULL;
    b->len = b->cap = 0;
    b->oom = 0;
}
