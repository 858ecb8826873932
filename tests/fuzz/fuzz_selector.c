/* fuzz_selector.c - label selectors. First byte even: the string form
 * (labels.Parse); its canonical text must parse back to the same text.
 * Odd: a metav1.LabelSelector as JSON (matchLabels, matchExpressions)
 * through the codec and hpa_selector_from_object. */
#include "fuzz_util.h"

#include <jansson.h>

#include "codec/codec.h"
#include "hpa/selector.h"

static const hpa_label fz_labels[] = {
    {"app", "web"}, {"env", "prod"}, {"tier", "db"}, {"k", "5"}, {"a.b/c", ""},
};

static void use(const hpa_selector *sel, hpa_arena *a)
{
    hpa_labels ls = {sizeof(fz_labels) / sizeof(fz_labels[0]), fz_labels};
    hpa_labels none = {0, NULL};
    (void)hpa_selector_matches(sel, &ls);
    (void)hpa_selector_matches(sel, &none);
    (void)hpa_selector_string(sel, a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hpa_arena a = HPA_ARENA_INIT;
    hpa_selector sel, sel2;
    hpa_err e;
    char *s;

    if (size < 1)
        return 0;
    s = fuzz_strndup(data + 1, size - 1);
    if (!s)
        return 0;
    if ((data[0] & 1) == 0) {
        if (hpa_selector_parse(s, &a, &sel, &e) == HPA_OK) {
            char *t1, *t2;
            use(&sel, &a);
            t1 = hpa_selector_string(&sel, &a);
            FUZZ_CHECK(t1 != NULL, "no canonical text for \"%s\"", s);
            FUZZ_CHECK(hpa_selector_parse(t1, &a, &sel2, &e) == HPA_OK,
                       "\"%s\" prints as \"%s\", which does not parse: %s", s, t1, e.msg);
            t2 = hpa_selector_string(&sel2, &a);
            FUZZ_CHECK(t2 && strcmp(t1, t2) == 0,
                       "\"%s\" prints as \"%s\", which prints as \"%s\"", s, t1, t2 ? t2 : "(null)");
        }
    } else {
        json_error_t je;
        json_t *root = json_loadb(s, size - 1, JSON_DECODE_ANY, &je);
        if (root) {
            const hpa_label_selector *ls = NULL;
            if (hpa_codec_label_selector_from_json(root, &a, &ls, &e) == HPA_OK) {
                bool nothing = false;
                json_t *back = hpa_codec_label_selector_to_json(ls);
                json_decref(back);
                (void)hpa_label_selector_gostring(ls, &a);
                if (hpa_selector_from_object(ls, &a, &sel, &nothing, &e) == HPA_OK)
                    use(&sel, &a);
            }
            json_decref(root);
        }
    }
    hpa_arena_free(&a);
    free(s);
    return 0;
}
