/*
 * error.h - error codes and the diagnostics record every fallible libhpa
 * function fills in.
 *
 * A user-facing error must let a person act: it carries a message, the
 * field path it concerns ("spec.behavior.scaleUp.policies[1].periodSeconds"),
 * and, when the input came from a file, the file, line and column. The
 * record is caller-owned and fixed-size: filling it never allocates.
 *
 * Codes are appended, never renumbered.
 */
#ifndef HPA_ERROR_H
#define HPA_ERROR_H

#include <stdarg.h>
#include <stddef.h>

#define HPA_ERRNO_MAP(X)                                        \
    X(OK, "ok")                                                 \
    X(ENOMEM, "out of memory")                                  \
    X(EINVAL, "invalid value")                                  \
    X(ESYNTAX, "syntax error")                                  \
    X(ERANGE, "value out of range")                             \
    X(EMISSING, "required field missing")                       \
    X(ETYPE, "field has the wrong type")                        \
    X(EIO, "input/output error")                                \
    X(ENOTFOUND, "not found")                                   \
    X(EAPI, "API server error")                                 \
    X(ETIMEOUT, "timed out")                                    \
    X(EUNSUPPORTED, "not supported")

typedef enum {
#define HPA_ERR_ENUM_(name, str) HPA_##name,
    HPA_ERRNO_MAP(HPA_ERR_ENUM_)
#undef HPA_ERR_ENUM_
    HPA_ERR_MAX_
} hpa_errcode;

#define HPA_ERR_MSG_MAX 512
#define HPA_ERR_PATH_MAX 256
#define HPA_ERR_FILE_MAX 256

typedef struct hpa_err {
    hpa_errcode code;             /* HPA_OK when nothing went wrong */
    char msg[HPA_ERR_MSG_MAX];    /* human readable, no trailing newline */
    char path[HPA_ERR_PATH_MAX];  /* field path, "" when not about a field */
    char file[HPA_ERR_FILE_MAX];  /* input file, "" when unknown or stdin */
    int line;                     /* 1-based; 0 when unknown */
    int col;                      /* 1-based; 0 when unknown */
} hpa_err;

#if defined(__GNUC__)
#define HPA_WUR __attribute__((warn_unused_result))
#define HPA_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define HPA_WUR
#define HPA_PRINTF(a, b)
#endif

/* Name of a code ("syntax error"). Never NULL. */
const char *hpa_strerror(hpa_errcode code);

/* Reset to HPA_OK with empty fields. `e` may be NULL (then a no-op). */
void hpa_err_clear(hpa_err *e);

/* Set code, path (may be NULL) and a printf-style message. Returns `code`
 * so that callers can `return hpa_err_set(...)`. `e` may be NULL. */
hpa_errcode hpa_err_set(hpa_err *e, hpa_errcode code, const char *path,
                        const char *fmt, ...) HPA_PRINTF(4, 5);

/* Prefix the path with `prefix` ("hpa" + "spec.maxReplicas" ->
 * "hpa.spec.maxReplicas"; a path starting with '[' is joined without a
 * dot). */
void hpa_err_prefix_path(hpa_err *e, const char *prefix);

/* Format as one line: "FILE:LINE:COL: PATH: MSG" leaving out what is
 * unknown. Returns `buf`. */
const char *hpa_err_format(const hpa_err *e, char *buf, size_t len);

#endif
