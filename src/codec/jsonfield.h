/*
 * jsonfield.h - typed reads of JSON fields for every codec file
 * (src/codec/jsonfield.c). Private to src/codec/; the public
 * hpa_codec_field_*() readers of codec.h are implemented here too.
 *
 * Two message dialects live side by side because the tests and users
 * already see both, word for word:
 *  - the decoder dialect (hpa_jf_int32 ... hpa_jf_selector), used for
 *    HPA objects by hpa_json.c and validate.c: the reader takes the
 *    field's value and its full path, and a wrong type reads
 *    `expected an integer, got string "x"`;
 *  - the API-object dialect (hpa_jf_get ... hpa_jf_items and
 *    hpa_codec_field_*), used for pods, metrics, Scale and snapshots by
 *    objects.c and snapshot.c: the reader names only the key, callers
 *    prefix the path on the way out, and a wrong type reads
 *    `expected an integer, got "x"`.
 * Both share path building, null-as-absent, number text and quantity
 * parsing.
 *
 * Ownership: strings and selectors from the decoder readers point into
 * the json_t tree or the arena; hpa_codec_field_string() and the list
 * readers copy into the arena. No heap ownership, no I/O, no clock.
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

/* ---- shared ----------------------------------------------------------- */

/* "string", "number", "boolean", "object", "array", "null". */
const char *hpa_jf_kind(const json_t *v);

/* `base` + "." + `child` (or `base` + "[i]") into buf; returns buf. */
const char *hpa_jf_child(char *buf, size_t len, const char *base, const char *child);
const char *hpa_jf_index(char *buf, size_t len, const char *base, size_t i);
/* A map key, as field.Path.Key renders it: base[key]. */
const char *hpa_jf_key(char *buf, size_t len, const char *base, const char *key);

/* A JSON number written back as text, as Quantity.UnmarshalJSON reads
 * unquoted numbers: integers as is, reals in the shortest form that
 * gives the same double (Go's 'g' -1). */
void hpa_jf_number_text(const json_t *v, char *buf, size_t len);

/* ---- decoder dialect: value + full path ------------------------------- */

/* Each reader takes the field's value (NULL or JSON null mean "absent")
 * and says whether the field was absent, read, or bad (then `e` names
 * the path and what was found). */
typedef enum { HPA_JF_ABSENT = 0, HPA_JF_OK, HPA_JF_BAD } hpa_jf_status;

/* HPA_ETYPE at `path`: "expected <want>, got <kind and value>". */
hpa_jf_status hpa_jf_bad_type(const json_t *v, const char *path, const char *want,
                              hpa_err *e);
/* An integral JSON real (YAML `3.0`) is accepted. */
hpa_jf_status hpa_jf_int32(const json_t *v, const char *path, int32_t *out, hpa_err *e);
hpa_jf_status hpa_jf_string(const json_t *v, const char *path, const char **out, hpa_err *e);
hpa_jf_status hpa_jf_object(const json_t *v, const char *path, hpa_err *e);
hpa_jf_status hpa_jf_array(const json_t *v, const char *path, hpa_err *e);
/* A resource.Quantity: a string, or a bare number read as its text. */
hpa_jf_status hpa_jf_quantity(const json_t *v, const char *path, hpa_quantity *q, hpa_err *e);
/* A quantity read above in milli-units (rounded up); errors at `path`. */
hpa_jf_status hpa_jf_milli(const hpa_quantity *q, const char *path, int64_t *milli,
                           hpa_err *e);
hpa_jf_status hpa_jf_time(const json_t *v, const char *path, hpa_time_t *t, hpa_err *e);
/* A metav1.LabelSelector, copied into `a` (unvalidated). */
hpa_jf_status hpa_jf_selector(const json_t *v, const char *path, hpa_arena *a,
                              const hpa_label_selector **out, hpa_err *e);

/* ---- API-object dialect: obj[key], paths prefixed by callers ---------- */

/* obj[key], with JSON null read as absent (NULL). */
const json_t *hpa_jf_get(const json_t *obj, const char *key);

/* HPA_ETYPE at `path`: "expected <want>, got <a short rendering>". */
hpa_errcode hpa_jf_type_error(hpa_err *e, const char *path, const char *want,
                              const json_t *got);
hpa_errcode hpa_jf_oom(hpa_err *e);

/* Prefix e->path with `key` (or with "key[i]"); return e's code. A NULL
 * or empty key adds nothing. */
hpa_errcode hpa_jf_in(hpa_err *e, const char *key);
hpa_errcode hpa_jf_in_item(hpa_err *e, const char *key, size_t i);

/* obj[key] that must be an object / a list when present; *out is NULL
 * when absent. */
hpa_errcode hpa_jf_sub_object(const json_t *obj, const char *key, const json_t **out,
                              hpa_err *e) HPA_WUR;
hpa_errcode hpa_jf_sub_array(const json_t *obj, const char *key, const json_t **out,
                             hpa_err *e) HPA_WUR;

/* One value (not absent) read as a time / a quantity in milli-units;
 * errors are at path `key`. */
hpa_errcode hpa_jf_time_value(const json_t *v, const char *key, hpa_time_t *out,
                              hpa_err *e) HPA_WUR;
hpa_errcode hpa_jf_milli_value(const json_t *v, const char *key, int64_t *out,
                               hpa_err *e) HPA_WUR;

/* Reads one list element into `item` (zeroed, `size` bytes). */
typedef hpa_errcode (*hpa_jf_item_fn)(const json_t *v, hpa_arena *a, void *item,
                                      hpa_err *e);

/* Every element of `arr` (NULL: none) through `fn` into an arena array
 * of `size`-byte items: *items and *n are set only on success, and stay
 * NULL/0 for an empty list. An element's error path is prefixed with
 * "key[i]", then with `outer` (may be NULL). */
hpa_errcode hpa_jf_items(const json_t *arr, const char *outer, const char *key,
                         hpa_arena *a, size_t size, hpa_jf_item_fn fn,
                         void **items, size_t *n, hpa_err *e) HPA_WUR;

#endif
