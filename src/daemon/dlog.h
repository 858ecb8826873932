/*
 * dlog.h - the daemon's leveled log lines on stderr, as text or JSON.
 *
 *   text: 2026-11-29T10:00:00.123Z INFO  hpa=default/web rescaled 3 -> 5
 *   json: {"ts":"2026-11-29T10:00:00.123Z","level":"info","hpa":"default/web","msg":"rescaled 3 -> 5"}
 *
 * The logger is process-wide (one daemon per process): dlog_setup() once
 * from the command, then dlog() from anywhere on the loop thread. Lines
 * are written with one write(2) each so that two processes sharing a
 * terminal do not interleave inside a line. Callers never pass a token,
 * key or password; the kube client already keeps them out of its lines.
 *
 * Reads the wall clock (timestamps) and writes to stderr (or the stream
 * given to dlog_setup, for tests).
 */
#ifndef HPA_DAEMON_DLOG_H
#define HPA_DAEMON_DLOG_H

#include <stdbool.h>
#include <stdio.h>

#include "hpa/error.h"

typedef enum { DLOG_DEBUG = 0, DLOG_INFO, DLOG_WARN, DLOG_ERROR } dlog_level;

/* "debug", "info", "warn"/"warning", "error" -> level; -1 if unknown. */
int dlog_level_parse(const char *s);
const char *dlog_level_name(dlog_level l);

/* `json` selects the JSON format; `out` NULL means stderr (borrowed). */
void dlog_setup(dlog_level min, bool json, FILE *out);
bool dlog_enabled(dlog_level l);

/* `hpa` ("ns/name") may be NULL when the line is not about one HPA. */
void dlog(dlog_level l, const char *hpa, const char *fmt, ...) HPA_PRINTF(3, 4);

#endif
