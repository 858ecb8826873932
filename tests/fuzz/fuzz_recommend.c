/* fuzz_recommend.c - the whole `recommend` path: a snapshot document
 * through hpa_codec_recommend (hpa_codec_snapshot_from_json, hpa_decide with
 * the explanation, hpa_state_compact, hpa_codec_decision_to_json), as
 * src/cli/cmd_recommend.c runs it, then the state as JSON. */
#include "fuzz_util.h"

#include <jansson.h>

#include "codec/codec.h"
#include "hpa/decide.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hpa_docset set = {0};
    hpa_codec_rec r;
    hpa_strbuf sb = HPA_STRBUF_INIT;
    json_t *j = NULL;
    hpa_err e;

    hpa_codec_rec_init(&r);
    if (hpa_docset_load_buffer((const char *)data, size, "snapshot.json", &set, &e) != HPA_OK)
        goto out;
    if (set.n < 1)
        goto out;
    if (hpa_codec_recommend(&r, set.docs[0].root, &sb, &j, &e) == HPA_OK) {
        char *s = json_dumps(j, JSON_INDENT(2));
        json_t *st = hpa_codec_state_to_json(&r.state);

        free(s);
        json_decref(st);
    }
out:
    json_decref(j);
    hpa_strbuf_free(&sb);
    hpa_codec_rec_free(&r);
    hpa_docset_free(&set);
    return 0;
}
