/*
 * timeutil.c - RFC 3339 time points and Go durations (see hpa/timeutil.h).
 *
 * Calendar arithmetic is done here (days from civil date, proleptic
 * Gregorian) rather than with timegm()/mktime(), which read the process'
 * TZ state.
 */
#include "hpa/timeutil.h"

#include <stdio.h>
#include <string.h>

#define MS_PER_DAY 86400000LL

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Days since 1970-01-01 of y-m-d (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    int64_t era, yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
    int64_t era, doe, yoe, doy, mp;

    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

static int days_in_month(int64_t y, int m)
{
    static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

    return m == 2 && leap ? 29 : dim[m - 1];
}

/* Exactly `n` digits at *p; advances. -1 when they are not there. */
static int take_digits(const char **p, int n)
{
    int v = 0, i;

    for (i = 0; i < n; i++) {
        if (!is_digit((*p)[i]))
            return -1;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    return v;
}

static int take_char(const char **p, char c)
{
    if (**p != c)
        return 0;
    (*p)++;
    return 1;
}

static hpa_errcode time_bad(hpa_err *e, const char *s, const char *why)
{
    return hpa_err_set(e, HPA_ESYNTAX, NULL,
                       "invalid time \"%s\": %s (expected RFC 3339, "
                       "e.g. \"2026-11-29T10:00:00Z\")", s, why);
}

hpa_errcode hpa_time_parse(const char *s, hpa_time_t *t, hpa_err *e)
{
    const char *p = s;
    int year, mon, day, hh, mm, ss, ms = 0, off = 0;
    int64_t days;

    if (!s)
        return time_bad(e, "", "empty");
    if ((year = take_digits(&p, 4)) < 0 || !take_char(&p, '-') ||
        (mon = take_digits(&p, 2)) < 0 || !take_char(&p, '-') ||
        (day = take_digits(&p, 2)) < 0)
        return time_bad(e, s, "bad date");
    if (!take_char(&p, 'T') && !take_char(&p, 't'))
        return time_bad(e, s, "missing 'T' between date and time");
    if ((hh = take_digits(&p, 2)) < 0 || !take_char(&p, ':') ||
        (mm = take_digits(&p, 2)) < 0 || !take_char(&p, ':') ||
        (ss = take_digits(&p, 2)) < 0)
        return time_bad(e, s, "bad time of day");
    if (mon < 1 || mon > 12)
        return time_bad(e, s, "month out of range");
    if (day < 1 || day > days_in_month(year, mon))
        return time_bad(e, s, "day out of range");
    if (hh > 23)
        return time_bad(e, s, "hour out of range");
    if (mm > 59)
        return time_bad(e, s, "minute out of range");
    if (ss > 59)
        return time_bad(e, s, "second out of range");
    if (*p == '.') {
        int n = 0;

        p++;
        if (!is_digit(*p))
            return time_bad(e, s, "empty fraction of a second");
        /* Any number of digits; milliseconds keep the first three. */
        for (; is_digit(*p); p++, n++)
            if (n < 3)
                ms = ms * 10 + (*p - '0');
        for (; n < 3; n++)
            ms *= 10;
    }
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if (*p == '+' || *p == '-') {
        int sign = *p == '-' ? -1 : 1, oh, om;

        p++;
        if ((oh = take_digits(&p, 2)) < 0 || !take_char(&p, ':') ||
            (om = take_digits(&p, 2)) < 0)
            return time_bad(e, s, "bad time zone offset");
        if (oh > 23 || om > 59)
            return time_bad(e, s, "time zone offset out of range");
        off = sign * (oh * 60 + om);
    } else if (*p == '\0') {
        return time_bad(e, s, "missing time zone ('Z' or an offset such as +02:00)");
    } else {
        return time_bad(e, s, "unexpected text after the time");
    }
    if (*p)
        return time_bad(e, s, "unexpected text after the time zone");
    days = days_from_civil(year, mon, day);
    *t = days * MS_PER_DAY + ((int64_t)hh * 3600 + mm * 60 + ss) * 1000 + ms -
         (int64_t)off * 60000;
    /* UPSTREAM: metav1.Time marshals only years 0000-9999 (in UTC); an
     * offset can push an edge date outside, where it could not be written
     * back ("0000-01-01T00:00:00+01:00" is in year -1). */
    if (*t < days_from_civil(0, 1, 1) * MS_PER_DAY ||
        *t >= days_from_civil(10000, 1, 1) * MS_PER_DAY)
        return time_bad(e, s, "year outside of range [0,9999] in UTC");
    return HPA_OK;
}

const char *hpa_time_format(hpa_time_t t, char *buf, size_t len)
{
    int64_t days = t / MS_PER_DAY, rem = t % MS_PER_DAY, y;
    int m, d, hh, mm, ss, ms;

    if (!buf || len == 0)
        return buf;
    if (rem < 0) {
        rem += MS_PER_DAY;
        days--;
    }
    civil_from_days(days, &y, &m, &d);
    ms = (int)(rem % 1000);
    rem /= 1000;
    ss = (int)(rem % 60);
    mm = (int)(rem / 60 % 60);
    hh = (int)(rem / 3600);
    if (ms)
        snprintf(buf, len, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ",
                 (long long)y, m, d, hh, mm, ss, ms);
    else
        snprintf(buf, len, "%04lld-%02d-%02dT%02d:%02d:%02dZ",
                 (long long)y, m, d, hh, mm, ss);
    return buf;
}

static hpa_errcode dur_bad(hpa_err *e, const char *s)
{
    return hpa_err_set(e, HPA_ESYNTAX, NULL, "time: invalid duration \"%s\"", s);
}

/* UPSTREAM: time.ParseDuration, in nanoseconds, truncated to ms at the
 * end (Duration.Milliseconds()). */
hpa_errcode hpa_duration_parse(const char *s, hpa_duration_t *d, hpa_err *e)
{
    static const struct {
        const char *name;
        uint64_t ns;
    } units[] = {
        {"ns", 1ULL},
        {"us", 1000ULL},
        {"\xc2\xb5s", 1000ULL},   /* U+00B5 micro sign */
        {"\xce\xbcs", 1000ULL},   /* U+03BC Greek mu */
        {"ms", 1000000ULL},
        {"s", 1000000000ULL},
        {"m", 60000000000ULL},
        {"h", 3600000000000ULL},
    };
    const char *p;
    uint64_t total = 0;
    int neg = 0;

    if (!s)
        return dur_bad(e, "");
    p = s;
    if (*p == '-' || *p == '+') {
        neg = *p == '-';
        p++;
    }
    if (strcmp(p, "0") == 0) {
        *d = 0;
        return HPA_OK;
    }
    if (!*p)
        return dur_bad(e, s);
    while (*p) {
        uint64_t v = 0, f = 0, unit = 0;
        double scale = 1;
        int pre = 0, post = 0, overflow = 0;
        const char *u;
        size_t ul, i;

        if (!(*p == '.' || is_digit(*p)))
            return dur_bad(e, s);
        for (; is_digit(*p); p++, pre = 1) {
            if (v > (UINT64_C(1) << 63) / 10)
                return dur_bad(e, s);
            v = v * 10 + (uint64_t)(*p - '0');
            if (v > (UINT64_C(1) << 63))
                return dur_bad(e, s);
        }
        if (*p == '.') {
            p++;
            /* leadingFraction: digits past what fits are ignored. */
            for (; is_digit(*p); p++, post = 1) {
                if (overflow)
                    continue;
                if (f > (UINT64_C(1) << 63) / 10) {
                    overflow = 1;
                    continue;
                }
                f = f * 10 + (uint64_t)(*p - '0');
                if (f > (UINT64_C(1) << 63)) {
                    overflow = 1;
                    continue;
                }
                scale *= 10;
            }
        }
        if (!pre && !post)
            return dur_bad(e, s);
        u = p;
        while (*p && *p != '.' && !is_digit(*p))
            p++;
        ul = (size_t)(p - u);
        if (ul == 0)
            return hpa_err_set(e, HPA_ESYNTAX, NULL,
                               "time: missing unit in duration \"%s\"", s);
        for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
            if (strlen(units[i].name) == ul && memcmp(units[i].name, u, ul) == 0)
                unit = units[i].ns;
        if (!unit)
            return hpa_err_set(e, HPA_ESYNTAX, NULL,
                               "time: unknown unit \"%.*s\" in duration \"%s\"",
                               (int)ul, u, s);
        if (v > (UINT64_C(1) << 63) / unit)
            return dur_bad(e, s);
        v *= unit;
        if (f > 0) {
            v += (uint64_t)((double)f * ((double)unit / scale));
            if (v > (UINT64_C(1) << 63))
                return dur_bad(e, s);
        }
        total += v;
        if (total > (UINT64_C(1) << 63))
            return dur_bad(e, s);
    }
    if (!neg && total > (uint64_t)INT64_MAX)
        return dur_bad(e, s);
    /* Truncate towards zero, as Duration.Milliseconds(). */
    total /= 1000000ULL;
    *d = neg ? -(hpa_duration_t)total : (hpa_duration_t)total;
    return HPA_OK;
}

/* UPSTREAM: time.Duration.String(), for a value in whole milliseconds. */
const char *hpa_duration_format(hpa_duration_t d, char *buf, size_t len)
{
    char tmp[64], frac[8];
    uint64_t u = d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
    const char *sign = d < 0 ? "-" : "";
    uint64_t secs, ms;

    if (!buf || len == 0)
        return buf;
    if (u == 0) {
        snprintf(buf, len, "0s");
        return buf;
    }
    if (u < 1000) {
        snprintf(buf, len, "%s%llums", sign, (unsigned long long)u);
        return buf;
    }
    secs = u / 1000;
    ms = u % 1000;
    frac[0] = '\0';
    if (ms) {
        int n;

        snprintf(frac, sizeof(frac), ".%03llu", (unsigned long long)ms);
        for (n = (int)strlen(frac); frac[n - 1] == '0'; n--)
            frac[n - 1] = '\0';
    }
    if (secs < 60)
        snprintf(tmp, sizeof(tmp), "%s%llu%ss", sign,
                 (unsigned long long)secs, frac);
    else if (secs < 3600)
        snprintf(tmp, sizeof(tmp), "%s%llum%llu%ss", sign,
                 (unsigned long long)(secs / 60),
                 (unsigned long long)(secs % 60), frac);
    else
        snprintf(tmp, sizeof(tmp), "%s%lluh%llum%llu%ss", sign,
                 (unsigned long long)(secs / 3600),
                 (unsigned long long)(secs / 60 % 60),
                 (unsigned long long)(secs % 60), frac);
    snprintf(buf, len, "%s", tmp);
    return buf;
}
