/* dlog.c - leveled text/JSON log lines (see dlog.h). */
#include "daemon/dlog.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "hpa/arena.h"
#include "hpa/timeutil.h"

static struct {
    dlog_level min;
    bool json;
    FILE *out;
} g_log = {DLOG_INFO, false, NULL};

int dlog_level_parse(const char *s)
{
    if (!s)
        return -1;
    if (!strcasecmp(s, "debug"))
        return DLOG_DEBUG;
    if (!strcasecmp(s, "info"))
        return DLOG_INFO;
    if (!strcasecmp(s, "warn") || !strcasecmp(s, "warning"))
        return DLOG_WARN;
    if (!strcasecmp(s, "error"))
        return DLOG_ERROR;
    return -1;
}

const char *dlog_level_name(dlog_level l)
{
    static const char *names[] = {"debug", "info", "warn", "error"};

    return (unsigned)l < 4 ? names[l] : "info";
}

void dlog_setup(dlog_level min, bool json, FILE *out)
{
    g_log.min = min;
    g_log.json = json;
    g_log.out = out;
}

bool dlog_enabled(dlog_level l)
{
    return l >= g_log.min;
}

static void now_str(char *buf, size_t len)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    hpa_time_format((hpa_time_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000, buf, len);
}

void dlog(dlog_level l, const char *hpa, const char *fmt, ...)
{
    char ts[HPA_TIME_STR_MAX];
    hpa_strbuf msg = HPA_STRBUF_INIT, line = HPA_STRBUF_INIT;
    FILE *out = g_log.out ? g_log.out : stderr;
    va_list ap;

    if (l < g_log.min)
        return;
    now_str(ts, sizeof(ts));
    va_start(ap, fmt);
    hpa_strbuf_vprintf(&msg, fmt, ap);
    va_end(ap);
    if (g_log.json) {
        json_t *o = json_object();
        char *s;

        if (o) {
            json_object_set_new(o, "ts", json_string(ts));
            json_object_set_new(o, "level", json_string(dlog_level_name(l)));
            if (hpa)
                json_object_set_new(o, "hpa", json_string(hpa));
            json_object_set_new(o, "msg", json_string(hpa_strbuf_cstr(&msg)));
            s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
            if (s) {
                hpa_strbuf_append(&line, s);
                free(s);
            }
            json_decref(o);
        }
    } else {
        static const char *tags[] = {"DEBUG", "INFO ", "WARN ", "ERROR"};

        hpa_strbuf_printf(&line, "%s %s ", ts, tags[(unsigned)l < 4 ? l : 1]);
        if (hpa)
            hpa_strbuf_printf(&line, "hpa=%s ", hpa);
        hpa_strbuf_append(&line, hpa_strbuf_cstr(&msg));
    }
    hpa_strbuf_append(&line, "\n");
    if (!line.oom) {
        fflush(out);
        if (write(fileno(out), line.s, line.len) < 0)
            clearerr(out);
    }
    hpa_strbuf_free(&msg);
    hpa_strbuf_free(&line);
}
