/*
 * lease.h - leader election on a coordination.k8s.io/v1 Lease, with
 * client-go's semantics (tools/leaderelection), as pure logic: the daemon
 * does the GET/POST/PUT and feeds the answers in.
 *
 * UPSTREAM: client-go tryAcquireOrRenew. A candidate may take the lease
 * when nobody holds it (holderIdentity ""), or when the record it last
 * observed has not changed for leaseDurationSeconds of ITS OWN clock (the
 * holder's clock is never compared with ours: the expiry runs from when
 * we saw the record change). Taking it from someone else increments
 * leaseTransitions and sets acquireTime; renewing keeps both. A leader
 * that has not renewed successfully for renewDeadline steps down. Release
 * (on SIGTERM) writes holderIdentity "" with leaseDurationSeconds 1, so a
 * standby takes over at its next retry instead of after a full lease.
 *
 * Times: `wall` (ms since the epoch) goes into the record; `mono` (a
 * monotonic clock in ms) measures expiry and the renew deadline. Both are
 * passed in; nothing here reads a clock or does I/O.
 */
#ifndef HPA_DAEMON_LEASE_H
#define HPA_DAEMON_LEASE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "hpa/error.h"
#include "hpa/timeutil.h"

#define LE_ID_MAX 256

/* The Lease's spec (LeaderElectionRecord). */
typedef struct le_record {
    char holder[LE_ID_MAX];         /* "" when released or unset */
    int32_t duration_s;             /* leaseDurationSeconds */
    bool has_acquire, has_renew;
    hpa_time_t acquire, renew;      /* acquireTime, renewTime (wall) */
    int32_t transitions;            /* leaseTransitions */
} le_record;

typedef struct le_config {
    char identity[LE_ID_MAX];
    hpa_duration_t lease_duration;  /* 15 s */
    hpa_duration_t renew_deadline;  /* 10 s */
    hpa_duration_t retry_period;    /* 2 s */
} le_config;

typedef struct le_elector {
    le_config cfg;
    bool have_observed;
    le_record observed;             /* last record seen (or written) */
    hpa_time_t observed_mono;       /* when it was seen to change */
    bool leader;
    hpa_time_t last_renew_mono;     /* last successful write as leader */
} le_elector;

typedef enum {
    LE_WAIT = 0,                    /* someone else holds a valid lease */
    LE_CREATE,                      /* no Lease: POST `out` */
    LE_UPDATE                       /* PUT `out` (with the read resourceVersion) */
} le_action;

/* client-go defaults 15 s / 10 s / 2 s. HPA_EINVAL when the identity is
 * empty or the durations are not lease > renew deadline > retry period > 0
 * (client-go's NewLeaderElector checks). */
hpa_errcode le_init(le_elector *el, const le_config *cfg, hpa_err *e) HPA_WUR;

/* One attempt: `current` is the Lease's record as read (NULL: the Lease
 * does not exist). Fills `out` for LE_CREATE / LE_UPDATE. */
le_action le_decide(le_elector *el, const le_record *current, hpa_time_t wall,
                    hpa_time_t mono, le_record *out);

/* The write of `written` succeeded (true) or failed/conflicted (false). */
void le_written(le_elector *el, const le_record *written, bool ok, hpa_time_t mono);

/* A leader past its renew deadline steps down: returns true (once) when
 * leadership is lost at `mono`. */
bool le_check_deadline(le_elector *el, hpa_time_t mono);

/* The record that releases the lease (leader only; false otherwise). */
bool le_release(le_elector *el, hpa_time_t wall, le_record *out);

/* Lease JSON <-> record. from_json reads obj.spec (missing fields are
 * zero); to_json returns a new spec object with MicroTime strings
 * ("2026-11-29T10:00:00.123000Z"). */
void le_record_from_json(const json_t *lease, le_record *out);
json_t *le_record_to_json(const le_record *r);

#endif
