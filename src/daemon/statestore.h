/*
 * statestore.h - the per-HPA controller memory (hpa_state: unstabilized
 * recommendations and scale events) as a small JSON string, so that a
 * restart or a new leader continues the stabilization window and the
 * rate-limit history instead of starting blind, as the built-in HPA does.
 *
 * Where it is kept (docs/operations.md, "State"):
 *   --hpa-source cluster: annotation `hpa-engine.io/state` on the HPA
 *     object itself (it lives and dies with the HPA, needs no extra RBAC
 *     beyond patch on HPAs, and arrives with the HPA list a new leader
 *     reads anyway);
 *   --policies (files): ConfigMap `hpa-engine-state` in the lease
 *     namespace, one key per HPA ("<namespace>.<name>").
 * The JSON is the `state` object of a `recommend` snapshot
 * ({"recommendations":[...],"scaleUpEvents":[...],"scaleDownEvents":[...]}),
 * so a persisted state can be pasted into a snapshot as is.
 *
 * Ownership: encode returns heap memory the caller frees; decode fills a
 * caller-initialised hpa_state (heap arrays, hpa_state_free). No I/O, no
 * clock.
 */
#ifndef HPA_DAEMON_STATESTORE_H
#define HPA_DAEMON_STATESTORE_H

#include <stddef.h>

#include "hpa/error.h"
#include "hpa/model.h"

#define DSTATE_ANNOTATION "hpa-engine.io/state"
#define DSTATE_CONFIGMAP "hpa-engine-state"

/* Compact JSON; NULL on out of memory. */
char *dstate_encode(const hpa_state *s);

/* Parse `json` into `out` (emptied first). `out->known` is true after a
 * successful decode. Errors name the field ("scaleUpEvents[2].time"). */
hpa_errcode dstate_decode(const char *json, hpa_state *out, hpa_err *e) HPA_WUR;

/* The ConfigMap key for an HPA: "<namespace>.<name>" (both are DNS
 * names, so the key is valid). Returns `buf`. */
const char *dstate_key(const char *ns, const char *name, char *buf, size_t len);

#endif
