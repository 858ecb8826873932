/* fuzz_docset.c - the YAML/JSON document loader and hpa_doc_locate().
 * Input: an optional field path, a NUL byte, then the document (without a
 * NUL the whole input is the document). Every path that exists in the
 * loaded documents is located too, with a few that do not. */
#include "fuzz_util.h"

#include <jansson.h>

#include "codec/codec.h"

static const char *const fz_paths[] = {
    "", "spec", "spec.metrics[0].resource.target", "items[3]", "[0]", "a..b",
    "spec.metrics[99999999999999999999]", "spec.metrics[-1]", "spec.[", "]", ".",
    "metadata.name.x.y.z", "spec.metrics[0", "spec.metrics[]", "a[0][1][2]",
};

static void locate(const hpa_docset *set, size_t doc, const char *path,
                   const char *strip)
{
    hpa_err e;
    hpa_err_clear(&e);
    snprintf(e.path, sizeof(e.path), "%s", path);
    hpa_doc_locate(set, doc, strip, &e);
}

/* Depth-first over the tree, locating each node by its path. */
static void walk(const hpa_docset *set, size_t doc, const json_t *j,
                 char *path, size_t len, int depth, int *budget)
{
    if (depth > 12 || --*budget < 0)
        return;
    locate(set, doc, path, NULL);
    if (json_is_object(j)) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)j, k, v) {
            int n = snprintf(path + len, HPA_ERR_PATH_MAX - len, "%s%s",
                             len ? "." : "", k);
            if (n > 0 && len + (size_t)n < HPA_ERR_PATH_MAX)
                walk(set, doc, v, path, len + (size_t)n, depth + 1, budget);
            path[len] = '\0';
        }
    } else if (json_is_array(j)) {
        size_t i;
        json_t *v;
        json_array_foreach(j, i, v) {
            int n = snprintf(path + len, HPA_ERR_PATH_MAX - len, "[%zu]", i);
            if (n > 0 && len + (size_t)n < HPA_ERR_PATH_MAX)
                walk(set, doc, v, path, len + (size_t)n, depth + 1, budget);
            path[len] = '\0';
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    const uint8_t *doc = data;
    size_t doclen = size, i, k;
    char *given = NULL;
    hpa_docset set = {0};
    hpa_err e;

    if (nul) {
        given = fuzz_strndup(data, (size_t)(nul - data));
        doc = nul + 1;
        doclen = size - (size_t)(nul - data) - 1;
    }
    if (hpa_docset_load_buffer((const char *)doc, doclen, "fuzz.yaml", &set, &e) == HPA_OK) {
        for (i = 0; i < set.n; i++) {
            char path[HPA_ERR_PATH_MAX] = "";
            int budget = 200;
            walk(&set, i, set.docs[i].root, path, 0, 0, &budget);
            for (k = 0; k < sizeof(fz_paths) / sizeof(fz_paths[0]); k++)
                locate(&set, i, fz_paths[k], NULL);
            if (given) {
                locate(&set, i, given, NULL);
                locate(&set, i, given, "spec");
                locate(&set, i, "spec.x", given);
            }
        }
        /* A document index past the end must be harmless too. */
        locate(&set, set.n, "spec", NULL);
        hpa_docset_free(&set);
    }
    free(given);
    return 0;
}
