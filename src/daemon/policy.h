/*
 * policy.h - HPA manifests from files (--policies DIR|FILE), reloaded
 * without ever dropping a working policy because of a bad edit.
 *
 * A source is one file or one directory (its *.yaml, *.yml and *.json
 * files, not recursive, in name order). Each file may hold several
 * documents or a kubectl List. A reload stats every file and re-reads only
 * those whose mtime or size changed (or all, when forced: SIGHUP). A file
 * is accepted as a whole or not at all: when any document in it fails
 * hpa_validate_hpa_json (the API server's validation) or cannot be read,
 * every problem is reported with file:line:col and field path, and the
 * objects last read from that file stay in force. A deleted file takes its
 * HPAs with it.
 *
 * Ownership: the source owns its paths and json_t objects; objects handed
 * to a dpol_visit_fn are borrowed (json_incref to keep). Does file I/O;
 * reads no clock.
 */
#ifndef HPA_DAEMON_POLICY_H
#define HPA_DAEMON_POLICY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "codec/codec.h"
#include "hpa/error.h"

typedef struct dpol_file {
    char *path;                 /* heap */
    struct timespec mtime;
    off_t size;
    bool present;               /* seen by the last scan */
    bool valid;                 /* the last read was accepted */
    size_t n;
    json_t **objs;              /* last good HPA objects (owned refs) */
} dpol_file;

typedef struct dpol_source {
    char *root;                 /* heap */
    bool is_dir;
    size_t n_files, cap_files;
    dpol_file *files;
    unsigned generation;        /* bumped when the object set changes */
} dpol_source;

/* `path` must exist (file or directory). */
hpa_errcode dpol_open(dpol_source *s, const char *path, hpa_err *e) HPA_WUR;
void dpol_close(dpol_source *s);

/* Rescan. `force` re-reads unchanged files too. Problems are appended to
 * `problems` (may be NULL); *changed tells whether the set of objects
 * changed. Returns HPA_ENOMEM or HPA_EIO (the root vanished) on failure:
 * the previous objects are kept then too. */
hpa_errcode dpol_reload(dpol_source *s, bool force, hpa_errlist *problems,
                        bool *changed, hpa_err *e) HPA_WUR;

/* Every object in force, file by file. */
typedef void (*dpol_visit_fn)(const json_t *hpa, const char *file, void *arg);
void dpol_visit(const dpol_source *s, dpol_visit_fn fn, void *arg);
size_t dpol_count(const dpol_source *s);

#endif
