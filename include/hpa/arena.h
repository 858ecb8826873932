/*
 * arena.h - a bump allocator that owns everything parsed from one input.
 *
 * A snapshot, a policy, a pod list: each parsed object graph lives in one
 * arena and is freed at once with hpa_arena_free(). Nothing allocated from
 * an arena is freed individually. Allocation failure returns NULL (callers
 * turn it into HPA_ENOMEM); it never aborts.
 *
 * Also: hpa_strbuf, a growable NUL-terminated string buffer (heap, owned by
 * the struct; free with hpa_strbuf_free).
 */
#ifndef HPA_ARENA_H
#define HPA_ARENA_H

#include <stdarg.h>
#include <stddef.h>

#include "hpa/error.h"

typedef struct hpa_arena_chunk hpa_arena_chunk;

typedef struct hpa_arena {
    hpa_arena_chunk *head;  /* newest chunk first; NULL when empty */
    size_t chunk_size;      /* default size of new chunks; 0 = 16 KiB */
} hpa_arena;

#define HPA_ARENA_INIT {NULL, 0}

void hpa_arena_init(hpa_arena *a);
/* Free every chunk; the arena can be used again afterwards. */
void hpa_arena_free(hpa_arena *a);
/* Forget every allocation but keep the memory (the largest chunk) for
 * reuse: a workspace reset between decisions does not touch the heap. */
void hpa_arena_reset(hpa_arena *a);
/* `n` bytes, aligned for any type, zero-filled. NULL on out of memory. */
void *hpa_arena_alloc(hpa_arena *a, size_t n);
/* `count` elements of `size` bytes, zero-filled; NULL on overflow/OOM. */
void *hpa_arena_calloc(hpa_arena *a, size_t count, size_t size);
/* Copy of `s` (NULL gives NULL). */
char *hpa_arena_strdup(hpa_arena *a, const char *s);
char *hpa_arena_strndup(hpa_arena *a, const char *s, size_t n);
char *hpa_arena_sprintf(hpa_arena *a, const char *fmt, ...) HPA_PRINTF(2, 3);

typedef struct hpa_strbuf {
    char *s;      /* NUL-terminated; NULL until the first append */
    size_t len;   /* bytes used, without the NUL */
    size_t cap;
    int oom;      /* set when an append could not allocate */
} hpa_strbuf;

#define HPA_STRBUF_INIT {NULL, 0, 0, 0}

void hpa_strbuf_append(hpa_strbuf *b, const char *s);
void hpa_strbuf_appendn(hpa_strbuf *b, const char *s, size_t n);
void hpa_strbuf_printf(hpa_strbuf *b, const char *fmt, ...) HPA_PRINTF(2, 3);
void hpa_strbuf_vprintf(hpa_strbuf *b, const char *fmt, va_list ap);
/* "" when nothing was appended. */
const char *hpa_strbuf_cstr(const hpa_strbuf *b);
void hpa_strbuf_reset(hpa_strbuf *b);
void hpa_strbuf_free(hpa_strbuf *b);

#endif
