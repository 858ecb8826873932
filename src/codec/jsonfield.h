/*
 * jsonfield.h - typed reads of one JSON field, shared by the HPA codec
 * (hpa_json.c) and the validator (validate.c). Private to src/codec/.
 *
 * Each reader takes the field's value (NULL or JSON null mean "absent")
 * and the field's path for messages, and says whether the field was
 * absent, read, or of the wrong type (then `e` names the path and what
 * was found, e.g. `expected an integer, got string "x"`). Strings and
 * selectors point into the json_t tree or the arena: no heap ownership.
 * Pure: no I/O.
 */
#ifndef HPA_CODEC_JSONFIELD_H
#define HPA_CODEC_JSONFIELD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "hpa/arena.h"
#include "hpa/error.h"
#include "hpa/quantity.h"
#include "hpa/selector.h"
#include "hpa/timeutil.h"

typedef enum { HPA_JF_ABSENT = 0, HPA_JF_OK, HPA_JF_BAD } hpa_jf_status;

/* "string", "number", "boolean", "object", "array", "null". */
const char *hpa_jf_kind(const json_t *v);

/* `base` + "." + `child` (or `base` + "[i]") into buf; returns buf. */
const char *hpa_jf_child(char *buf, size_t len, const char *base, const char *child);
const char *hpa_jf_index(char *buf, size_t len, const char *base, size_t i);
/* A map key, as field.Path.Key renders it: base[key]. */
const char *hpa_jf_key(char *buf, size_t len, const char *base, const char *key);

hpa_jf_status hpa_jf_int32(const json_t *v, const char *path, int32_t *out, hpa_err *e);
hpa_jf_status hpa_jf_string(const json_t *v, const char *path, const char **out, hpa_err *e);
hpa_jf_status hpa_jf_object(const json_t *v, const char *path, hpa_err *e);
hpa_jf_status hpa_jf_array(const json_t *v, const char *path, hpa_err *e);
/* A resource.Quantity: a string, or a bare number read as its text. */
hpa_jf_status hpa_jf_quantity(const json_t *v, const char *path, hpa_quantity *q, hpa_err *e);
hpa_jf_status hpa_jf_time(const json_t *v, const char *path, hpa_time_t *t, hpa_err *e);
/* A metav1.LabelSelector, copied into `a` (unvalidated). */
hpa_jf_status hpa_jf_selector(const json_t *v, const char *path, hpa_arena *a,
                              const hpa_label_selector **out, hpa_err *e);

#endif
