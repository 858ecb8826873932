/* lease.c - client-go leader election logic (see lease.h). */
#include "daemon/lease.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

hpa_errcode le_init(le_elector *el, const le_config *cfg, hpa_err *e)
{
    memset(el, 0, sizeof(*el));
    if (!cfg->identity[0])
        return hpa_err_set(e, HPA_EINVAL, "--identity", "leader election needs a non-empty identity");
    /* UPSTREAM: NewLeaderElector: leaseDuration > renewDeadline >
     * JitterFactor(1.2) * retryPeriod, all positive. */
    if (cfg->retry_period <= 0 || cfg->renew_deadline <= cfg->retry_period * 12 / 10 ||
        cfg->lease_duration <= cfg->renew_deadline)
        return hpa_err_set(e, HPA_EINVAL, "--lease-duration",
                           "leader election needs lease duration > renew deadline > 1.2 x retry period > 0");
    el->cfg = *cfg;
    return HPA_OK;
}

static bool same_record(const le_record *a, const le_record *b)
{
    return !strcmp(a->holder, b->holder) && a->duration_s == b->duration_s &&
           a->has_acquire == b->has_acquire && a->has_renew == b->has_renew &&
           a->acquire == b->acquire && a->renew == b->renew && a->transitions == b->transitions;
}

le_action le_decide(le_elector *el, const le_record *current, hpa_time_t wall,
                    hpa_time_t mono, le_record *out)
{
    memset(out, 0, sizeof(*out));
    snprintf(out->holder, sizeof(out->holder), "%s", el->cfg.identity);
    out->duration_s = (int32_t)(el->cfg.lease_duration / 1000);
    out->has_acquire = out->has_renew = true;
    out->acquire = out->renew = wall;
    if (!current)
        return LE_CREATE;
    /* UPSTREAM: the expiry clock restarts whenever the record changes */
    if (!el->have_observed || !same_record(&el->observed, current)) {
        el->observed = *current;
        el->observed_mono = mono;
        el->have_observed = true;
    }
    if (current->holder[0] && strcmp(current->holder, el->cfg.identity) &&
        el->observed_mono + (hpa_duration_t)current->duration_s * 1000 > mono)
        return LE_WAIT;
    if (!strcmp(current->holder, el->cfg.identity)) {
        out->acquire = current->acquire;
        out->has_acquire = current->has_acquire;
        out->transitions = current->transitions;
    } else {
        out->transitions = current->transitions + 1;
    }
    return LE_UPDATE;
}

void le_written(le_elector *el, const le_record *written, bool ok, hpa_time_t mono)
{
    if (!ok)
        return;
    el->observed = *written;
    el->observed_mono = mono;
    el->have_observed = true;
    if (!strcmp(written->holder, el->cfg.identity)) {
        el->leader = true;
        el->last_renew_mono = mono;
    } else {
        el->leader = false;
    }
}

bool le_check_deadline(le_elector *el, hpa_time_t mono)
{
    if (el->leader && mono - el->last_renew_mono > el->cfg.renew_deadline) {
        el->leader = false;
        return true;
    }
    return false;
}

bool le_release(le_elector *el, hpa_time_t wall, le_record *out)
{
    if (!el->leader)
        return false;
    /* UPSTREAM: release() writes an empty holder, 1 s duration, renew and
     * acquire time now, transitions unchanged. */
    memset(out, 0, sizeof(*out));
    out->duration_s = 1;
    out->has_acquire = out->has_renew = true;
    out->acquire = out->renew = wall;
    out->transitions = el->observed.transitions;
    return true;
}

void le_record_from_json(const json_t *lease, le_record *out)
{
    const json_t *spec = json_object_get(lease, "spec"), *v;
    hpa_err e;

    memset(out, 0, sizeof(*out));
    if (!json_is_object(spec))
        return;
    if (json_is_string(v = json_object_get(spec, "holderIdentity")))
        snprintf(out->holder, sizeof(out->holder), "%s", json_string_value(v));
    if (json_is_integer(v = json_object_get(spec, "leaseDurationSeconds")))
        out->duration_s = (int32_t)json_integer_value(v);
    if (json_is_integer(v = json_object_get(spec, "leaseTransitions")))
        out->transitions = (int32_t)json_integer_value(v);
    if (json_is_string(v = json_object_get(spec, "acquireTime")))
        out->has_acquire = hpa_time_parse(json_string_value(v), &out->acquire, &e) == HPA_OK;
    if (json_is_string(v = json_object_get(spec, "renewTime")))
        out->has_renew = hpa_time_parse(json_string_value(v), &out->renew, &e) == HPA_OK;
}

/* metav1.MicroTime: RFC 3339 with exactly six fraction digits. */
static json_t *micro_time(hpa_time_t t)
{
    char buf[64];
    time_t secs = (time_t)(t >= 0 ? t / 1000 : (t - 999) / 1000);
    int ms = (int)(t - (hpa_time_t)secs * 1000);
    struct tm tm;

    gmtime_r(&secs, &tm);
    snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03d000Z", tm.tm_year + 1900,
             tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
    return json_string(buf);
}

json_t *le_record_to_json(const le_record *r)
{
    json_t *o = json_object();

    if (!o)
        return NULL;
    if (json_object_set_new(o, "holderIdentity", json_string(r->holder)) ||
        json_object_set_new(o, "leaseDurationSeconds", json_integer(r->duration_s)) ||
        (r->has_acquire && json_object_set_new(o, "acquireTime", micro_time(r->acquire))) ||
        (r->has_renew && json_object_set_new(o, "renewTime", micro_time(r->renew))) ||
        json_object_set_new(o, "leaseTransitions", json_integer(r->transitions))) {
        json_decref(o);
        return NULL;
    }
    return o;
}
