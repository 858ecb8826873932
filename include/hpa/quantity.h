/*
 * quantity.h - Kubernetes resource.Quantity: parse, compare, format.
 *
 * A quantity is kept the way apimachinery keeps its fast path: an int64
 * mantissa and a base-10 scale (value = mantissa * 10^scale), plus the
 * format it was written in (decimal SI, binary SI, decimal exponent).
 * Binary suffixes are multiplied out on parse (1Ki -> mantissa 1024, scale
 * 0). Anything that does not fit that form exactly (more than 18 digits,
 * overflow after applying the suffix) is reported as HPA_ERANGE instead of
 * being silently rounded or wrapped.
 *
 * The controller computes in milli-units: hpa_quantity_milli() rounds up to
 * the next milli-unit as Quantity.MilliValue() does (99000001n -> 100m; for
 * memory, 1 byte is 1000 milli-bytes).
 *
 * Pure: no I/O, no allocation, no global state.
 */
#ifndef HPA_QUANTITY_H
#define HPA_QUANTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hpa/error.h"

typedef enum {
    HPA_QFMT_DECIMAL_SI = 0,   /* 500m, 2, 100k, 1M */
    HPA_QFMT_BINARY_SI,        /* 512Mi, 1Gi */
    HPA_QFMT_DECIMAL_EXPONENT  /* 1e3, 2E-3 */
} hpa_qformat;

typedef struct hpa_quantity {
    int64_t mantissa;   /* signed */
    int32_t scale;      /* base-10 exponent, >= -9 after parsing */
    hpa_qformat format;
} hpa_quantity;

/* Longest text hpa_quantity_format() can produce, with the NUL. */
#define HPA_QUANTITY_STR_MAX 48

/* Parse `s` (the whole string; no surrounding blanks allowed, as
 * Kubernetes). On error `e` names the text, e.g.
 * `quantities must match the regular expression ...: "12x"`. */
hpa_errcode hpa_quantity_parse(const char *s, hpa_quantity *q,
                               hpa_err *e) HPA_WUR;

/* Value in milli-units, rounded up (towards +infinity) as MilliValue().
 * HPA_ERANGE when it does not fit in int64. */
hpa_errcode hpa_quantity_milli(const hpa_quantity *q, int64_t *milli,
                               hpa_err *e) HPA_WUR;

/* Value in whole units, rounded up as Quantity.Value(). */
hpa_errcode hpa_quantity_value(const hpa_quantity *q, int64_t *value,
                               hpa_err *e) HPA_WUR;

/* As Quantity.AsApproximateFloat64(): mantissa * 10^scale in float64,
 * with the power of ten computed the way Go's math.Pow does for integer
 * exponents, so tolerances read from manifests give the same doubles. */
double hpa_quantity_approx_float(const hpa_quantity *q);

/* Quantity from milli-units (resource.NewMilliQuantity). */
hpa_quantity hpa_quantity_from_milli(int64_t milli, hpa_qformat format);

/* Canonical text, as Quantity.String(): NewMilliQuantity(1500, DecimalSI)
 * -> "1500m", 2000m -> "2", 536870912 bytes BinarySI -> "512Mi". Writes at
 * most `len` bytes including the NUL; returns `buf`. */
const char *hpa_quantity_format(const hpa_quantity *q, char *buf, size_t len);

/* Shorthand: canonical DecimalSI text of a milli-value (the shape of
 * averageValue in HPA status). */
const char *hpa_quantity_format_milli(int64_t milli, char *buf, size_t len);

/* -1, 0, 1 as a < b, a == b, a > b (exact). */
int hpa_quantity_cmp(const hpa_quantity *a, const hpa_quantity *b);

#endif
