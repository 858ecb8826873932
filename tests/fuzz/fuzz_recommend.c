/* fuzz_recommend.c - the whole `recommend` path: a snapshot document
 * through hpa_codec_snapshot_from_json, hpa_decide (with the explanation)
 * and hpa_codec_decision_to_json, as src/cli/cmd_recommend.c runs it. */
#include "fuzz_util.h"

#include <jansson.h>

#include "codec/codec.h"
#include "hpa/decide.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hpa_docset set = {0};
    hpa_arena arena = HPA_ARENA_INIT;
    hpa_workspace ws;
    hpa_snapshot snap;
    hpa_state state;
    hpa_options opts;
    hpa_decision d;
    hpa_strbuf sb = HPA_STRBUF_INIT;
    hpa_err e;

    hpa_state_init(&state);
    hpa_workspace_init(&ws);
    memset(&d, 0, sizeof(d));
    if (hpa_docset_load_buffer((const char *)data, size, "snapshot.json", &set, &e) != HPA_OK)
        goto out;
    if (set.n < 1)
        goto out;
    if (hpa_codec_snapshot_from_json(set.docs[0].root, &arena, &snap, &state, &opts, &e) != HPA_OK)
        goto out;
    if (hpa_decide(&snap, &opts, &state, &ws, &sb, &d, &e) == HPA_OK) {
        json_t *j = hpa_codec_decision_to_json(&d, &state);
        if (j) {
            char *s = json_dumps(j, JSON_INDENT(2));
            free(s);
            json_decref(j);
        }
        j = hpa_codec_state_to_json(&state);
        json_decref(j);
        if (snap.hpa)
            hpa_state_compact(&state, snap.hpa, &opts, snap.now);
    }
out:
    hpa_strbuf_free(&sb);
    hpa_workspace_free(&ws);
    hpa_state_free(&state);
    hpa_arena_free(&arena);
    hpa_docset_free(&set);
    return 0;
}
