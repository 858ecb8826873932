/* errlist.c - a growable list of hpa_err records (see codec/codec.h). */
#include "codec/codec.h"

#include <stdlib.h>
#include <string.h>

void hpa_errlist_free(hpa_errlist *l)
{
    if (!l)
        return;
    free(l->items);
    memset(l, 0, sizeof(*l));
}

hpa_err *hpa_errlist_add(hpa_errlist *l)
{
    hpa_err *it;

    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 8;
        hpa_err *items = realloc(l->items, cap * sizeof(*items));

        if (!items)
            return NULL;
        l->items = items;
        l->cap = cap;
    }
    it = &l->items[l->n++];
    hpa_err_clear(it);
    return it;
}
