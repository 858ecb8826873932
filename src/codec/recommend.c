/*
 * recommend.c - the `recommend` pipeline, shared by the command, its fuzz
 * harness and its benchmark so that all three run the same steps in the
 * same order (codec.h).
 */
#include <string.h>

#include "codec/codec.h"

void hpa_codec_rec_init(hpa_codec_rec *r)
{
    memset(r, 0, sizeof(*r));
    hpa_arena_init(&r->arena);
    hpa_workspace_init(&r->ws);
    hpa_state_init(&r->state);
}

void hpa_codec_rec_free(hpa_codec_rec *r)
{
    hpa_workspace_free(&r->ws);
    hpa_state_free(&r->state);
    hpa_arena_free(&r->arena);
}

hpa_errcode hpa_codec_recommend(hpa_codec_rec *r, const json_t *root,
                                hpa_strbuf *explain, json_t **decision_out,
                                hpa_err *e)
{
    hpa_errcode code;

    if (decision_out)
        *decision_out = NULL;
    if ((code = hpa_codec_snapshot_from_json(root, &r->arena, &r->snap, &r->state,
                                             &r->opts, e)) != HPA_OK) {
        r->failed = HPA_CODEC_REC_SNAPSHOT;
        return code;
    }
    if ((code = hpa_decide(&r->snap, &r->opts, &r->state, &r->ws, explain, &r->d, e)) != HPA_OK) {
        r->failed = HPA_CODEC_REC_DECIDE;
        return code;
    }
    /* UPSTREAM: the controller keeps outdated entries only to reuse their
     * slots; what we print is what the next decision needs. */
    hpa_state_compact(&r->state, r->snap.hpa, &r->opts, r->snap.now);
    if (decision_out && !(*decision_out = hpa_codec_decision_to_json(&r->d, &r->state))) {
        r->failed = HPA_CODEC_REC_OUTPUT;
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    }
    return HPA_OK;
}
