/* error.c - the diagnostics record (see hpa/error.h). */
#include "hpa/error.h"

#include <stdio.h>
#include <string.h>

static const char *const hpa_errstr[] = {
#define HPA_ERR_STR_(name, str) str,
    HPA_ERRNO_MAP(HPA_ERR_STR_)
#undef HPA_ERR_STR_
};

const char *hpa_strerror(hpa_errcode code)
{
    if ((int)code < 0 || code >= HPA_ERR_MAX_)
        return "unknown error";
    return hpa_errstr[code];
}

void hpa_err_clear(hpa_err *e)
{
    if (e)
        memset(e, 0, sizeof(*e));
}

hpa_errcode hpa_err_set(hpa_err *e, hpa_errcode code, const char *path,
                        const char *fmt, ...)
{
    va_list ap;

    if (!e)
        return code;
    e->code = code;
    snprintf(e->path, sizeof(e->path), "%s", path ? path : "");
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
    va_end(ap);
    return code;
}

void hpa_err_prefix_path(hpa_err *e, const char *prefix)
{
    char tmp[HPA_ERR_PATH_MAX];
    size_t plen, rlen, off;

    if (!e || !prefix || !*prefix)
        return;
    /* Join by hand: snprintf of two bounded strings trips
     * -Wformat-truncation, and a cut path is still better than none. */
    plen = strnlen(prefix, sizeof(tmp) - 1);
    memcpy(tmp, prefix, plen);
    off = plen;
    if (e->path[0] && e->path[0] != '[' && off < sizeof(tmp) - 1)
        tmp[off++] = '.';
    rlen = strnlen(e->path, sizeof(e->path));
    if (rlen > sizeof(tmp) - 1 - off)
        rlen = sizeof(tmp) - 1 - off;
    memcpy(tmp + off, e->path, rlen);
    tmp[off + rlen] = '\0';
    memcpy(e->path, tmp, sizeof(tmp));
}

const char *hpa_err_format(const hpa_err *e, char *buf, size_t len)
{
    size_t off = 0;
    int n;

    if (!buf || len == 0)
        return buf;
    buf[0] = '\0';
    if (!e)
        return buf;
#define HPA_APPEND_(...)                                              \
    do {                                                              \
        n = snprintf(buf + off, len - off, __VA_ARGS__);              \
        if (n < 0)                                                    \
            return buf;                                               \
        off += (size_t)n < len - off ? (size_t)n : len - off - 1;     \
    } while (0)
    if (e->file[0]) {
        HPA_APPEND_("%s:", e->file);
        if (e->line > 0) {
            HPA_APPEND_("%d:", e->line);
            if (e->col > 0)
                HPA_APPEND_("%d:", e->col);
        }
        HPA_APPEND_(" ");
    } else if (e->line > 0) {
        HPA_APPEND_("line %d, column %d: ", e->line, e->col);
    }
    if (e->path[0])
        HPA_APPEND_("%s: ", e->path);
    HPA_APPEND_("%s", e->msg[0] ? e->msg : hpa_strerror(e->code));
#undef HPA_APPEND_
    return buf;
}
