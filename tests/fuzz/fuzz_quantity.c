/* fuzz_quantity.c - hpa_quantity_parse, and the canonical text must parse
 * back to an equal quantity. */
#include "fuzz_util.h"

#include "hpa/quantity.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_strndup(data, size);
    hpa_quantity q, q2;
    char buf[HPA_QUANTITY_STR_MAX];
    int64_t v;
    hpa_err e;

    if (!s)
        return 0;
    if (hpa_quantity_parse(s, &q, &e) == HPA_OK) {
        /* Out of range is an answer too: only a crash would be wrong. */
        if (hpa_quantity_milli(&q, &v, &e) != HPA_OK)
            v = 0;
        if (hpa_quantity_value(&q, &v, &e) != HPA_OK)
            v = 0;
        (void)hpa_quantity_approx_float(&q);
        hpa_quantity_format(&q, buf, sizeof(buf));
        FUZZ_CHECK(hpa_quantity_parse(buf, &q2, &e) == HPA_OK,
                   "\"%s\" formats as \"%s\", which does not parse: %s", s, buf, e.msg);
        FUZZ_CHECK(hpa_quantity_cmp(&q, &q2) == 0,
                   "\"%s\" formats as \"%s\", a different value", s, buf);
        if (hpa_quantity_milli(&q, &v, &e) == HPA_OK) {
            hpa_quantity_format_milli(v, buf, sizeof(buf));
            FUZZ_CHECK(hpa_quantity_parse(buf, &q2, &e) == HPA_OK,
                       "milli %lld formats as \"%s\", which does not parse", (long long)v, buf);
        }
    }
    free(s);
    return 0;
}
