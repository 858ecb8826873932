/*
 * timeutil.h - time points and durations as the API server writes them.
 *
 * Time is never read from a clock here: every function takes the values it
 * needs. A time point is milliseconds since the Unix epoch (UTC); a
 * duration is milliseconds. RFC 3339 accepts "Z" and numeric offsets and a
 * fraction of any length (truncated to milliseconds); Go durations accept
 * "300ms", "1.5h", "5m", "1h2m3s", "-30s".
 *
 * Pure: no I/O, no allocation, no global state.
 */
#ifndef HPA_TIMEUTIL_H
#define HPA_TIMEUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "hpa/error.h"

typedef int64_t hpa_time_t;      /* ms since 1970-01-01T00:00:00Z */
typedef int64_t hpa_duration_t;  /* ms */

#define HPA_MS_PER_S 1000LL
#define HPA_TIME_STR_MAX 40

hpa_errcode hpa_time_parse(const char *s, hpa_time_t *t, hpa_err *e) HPA_WUR;

/* "2026-11-29T10:00:00Z", with ".123" only when the milliseconds are not
 * zero (metav1.Time prints whole seconds; we keep what we were given). */
const char *hpa_time_format(hpa_time_t t, char *buf, size_t len);

/* Go time.ParseDuration. */
hpa_errcode hpa_duration_parse(const char *s, hpa_duration_t *d,
                               hpa_err *e) HPA_WUR;

/* Go time.Duration.String(): "5m0s", "30s", "1h0m0s", "1.5s", "0s". */
const char *hpa_duration_format(hpa_duration_t d, char *buf, size_t len);

#endif
