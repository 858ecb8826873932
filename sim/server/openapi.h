/*
 * openapi.h - the OpenAPI documents the sim-server serves so that kubectl
 * validates manifests (`kubectl apply` without --validate=false) as against
 * a real API server: the autoscaling/v2 HorizontalPodAutoscaler schema with
 * ObjectMeta and the types it refers to, carrying the
 * x-kubernetes-group-version-kind extension kubectl finds a kind's schema by.
 *
 * Served as /openapi/v3 (the index) and /openapi/v3/apis/autoscaling/{v2,
 * v2beta2} (new kubectl), and /openapi/v2 as JSON or as the gnostic
 * protobuf document (kubectl up to 1.26 asks for protobuf). Kinds without
 * a schema here (Deployments, Leases...) are not validated by kubectl.
 *
 * Ownership: every function returns a new document the caller frees
 * (json_decref, free). No I/O, no clock, no global state.
 */
#ifndef SIMS_OPENAPI_H
#define SIMS_OPENAPI_H

#include <jansson.h>
#include <stddef.h>

#define SIMS_OPENAPI_VERSION "v1.30.0"
/* changes with the document, so clients may cache by it */
#define SIMS_OPENAPI_HASH "5f1c0a7e9b2d4c36"

/* {"swagger": "2.0", "definitions": ...} */
json_t *sims_openapi_v2(void);
/* The same as a gnostic openapi_v2.Document in protobuf; NULL on OOM. */
char *sims_openapi_v2_pb(size_t *len);
/* {"paths": {"apis/autoscaling/v2": {"serverRelativeURL": ...}}} */
json_t *sims_openapi_v3_root(void);
/* The document of "apis/autoscaling/v2" (or v2beta2); NULL for others. */
json_t *sims_openapi_v3_group(const char *group_path);

#endif
