/* fuzz_hpa.c - an HPA manifest (YAML or JSON, every document): API-server
 * validation, the codec into hpa_spec, and back. The manifest the codec
 * writes must read back to a spec that writes the same manifest. */
#include "fuzz_util.h"

#include <jansson.h>

#include "codec/codec.h"

static void one(const json_t *obj)
{
    hpa_arena a = HPA_ARENA_INIT;
    hpa_errlist problems = {0};
    hpa_spec spec, spec2;
    hpa_err e;

    (void)hpa_validate_hpa_json(obj, &problems);
    hpa_errlist_free(&problems);
    if (hpa_codec_hpa_from_json(obj, &a, &spec, &e) == HPA_OK) {
        json_t *j1 = hpa_codec_hpa_to_json(&spec);
        if (j1) {
            FUZZ_CHECK(hpa_codec_hpa_from_json(j1, &a, &spec2, &e) == HPA_OK,
                       "the codec's own manifest does not read back: %s: %s", e.path, e.msg);
            {
                json_t *j2 = hpa_codec_hpa_to_json(&spec2);
                if (j2) {
                    if (!json_equal(j1, j2)) {
                        char *s1 = json_dumps(j1, JSON_SORT_KEYS | JSON_COMPACT);
                        char *s2 = json_dumps(j2, JSON_SORT_KEYS | JSON_COMPACT);
                        FUZZ_CHECK(0, "round trip differs:\n%s\n%s", s1 ? s1 : "", s2 ? s2 : "");
                    }
                    json_decref(j2);
                }
            }
            hpa_validate_hpa_json(j1, &problems);
            hpa_errlist_free(&problems);
            json_decref(j1);
        }
    }
    hpa_arena_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hpa_docset set = {0};
    hpa_err e;
    size_t i;

    if (hpa_docset_load_buffer((const char *)data, size, "hpa.yaml", &set, &e) != HPA_OK)
        return 0;
    for (i = 0; i < set.n && i < 8; i++)
        one(set.docs[i].root);
    hpa_docset_free(&set);
    return 0;
}
