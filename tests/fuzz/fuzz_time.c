/* fuzz_time.c - RFC 3339 times and Go durations; whatever parses must
 * format to text that parses back to the same value. The first byte picks
 * the parser, so one corpus covers both. */
#include "fuzz_util.h"

#include "hpa/timeutil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s;
    char buf[HPA_TIME_STR_MAX];
    hpa_err e;

    if (size < 1)
        return 0;
    s = fuzz_strndup(data + 1, size - 1);
    if (!s)
        return 0;
    if (data[0] & 1) {
        hpa_duration_t d, d2;
        if (hpa_duration_parse(s, &d, &e) == HPA_OK) {
            hpa_duration_format(d, buf, sizeof(buf));
            FUZZ_CHECK(hpa_duration_parse(buf, &d2, &e) == HPA_OK,
                       "duration \"%s\" formats as \"%s\", which does not parse: %s",
                       s, buf, e.msg);
            FUZZ_CHECK(d == d2, "duration \"%s\" (%lld ms) formats as \"%s\" (%lld ms)",
                       s, (long long)d, buf, (long long)d2);
        }
    } else {
        hpa_time_t t, t2;
        if (hpa_time_parse(s, &t, &e) == HPA_OK) {
            hpa_time_format(t, buf, sizeof(buf));
            FUZZ_CHECK(hpa_time_parse(buf, &t2, &e) == HPA_OK,
                       "time \"%s\" formats as \"%s\", which does not parse: %s",
                       s, buf, e.msg);
            FUZZ_CHECK(t == t2, "time \"%s\" (%lld) formats as \"%s\" (%lld)",
                       s, (long long)t, buf, (long long)t2);
        }
    }
    free(s);
    return 0;
}
