/*
 * quantity.c - Kubernetes resource.Quantity (see hpa/quantity.h).
 *
 * Parsing follows apimachinery's ParseQuantity: the fast path keeps the
 * digits as written (num + denom as an int64, scale = exponent - len(denom)),
 * and everything else goes through an exact slow path on the digit string
 * (apimachinery uses inf.Dec there). Where apimachinery silently caps a huge
 * value at 2^63-1, we report HPA_ERANGE: a manifest that asks for more than
 * an int64 mantissa with a scale of at most 10^18 is a mistake.
 */
#include "hpa/quantity.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* UPSTREAM: the error text of resource.ErrFormatWrong. */
#define QTY_REGEX_MSG \
    "quantities must match the regular expression " \
    "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"

#define QTY_MIN_SCALE (-9)   /* nano */
#define QTY_MAX_SCALE 18     /* exa */

typedef struct qty_suffix {
    int base;       /* 10 or 2 */
    int exponent;   /* power of base */
    hpa_qformat format;
} qty_suffix;

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* UPSTREAM: quantitySuffixer.interpret(). */
static int qty_interpret_suffix(const char *s, size_t n, qty_suffix *out)
{
    static const struct {
        const char *text;
        int base, exponent;
    } table[] = {
        {"n", 10, -9}, {"u", 10, -6}, {"m", 10, -3}, {"", 10, 0},
        {"k", 10, 3},  {"M", 10, 6},  {"G", 10, 9},  {"T", 10, 12},
        {"P", 10, 15}, {"E", 10, 18},
        {"Ki", 2, 10}, {"Mi", 2, 20}, {"Gi", 2, 30}, {"Ti", 2, 40},
        {"Pi", 2, 50}, {"Ei", 2, 60},
    };
    size_t i;
    long long exp = 0;
    int neg = 0;

    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (strlen(table[i].text) == n && memcmp(table[i].text, s, n) == 0) {
            out->base = table[i].base;
            out->exponent = table[i].exponent;
            out->format = table[i].base == 2 ? HPA_QFMT_BINARY_SI
                                             : HPA_QFMT_DECIMAL_SI;
            return 1;
        }
    }
    /* "e3", "E-3", "e+12": a decimal exponent (strconv.ParseInt of the rest). */
    if (n < 2 || (s[0] != 'e' && s[0] != 'E'))
        return 0;
    i = 1;
    if (s[i] == '+' || s[i] == '-') {
        neg = s[i] == '-';
        i++;
    }
    if (i >= n)
        return 0;
    for (; i < n; i++) {
        if (!is_digit(s[i]))
            return 0;
        exp = exp * 10 + (s[i] - '0');
        if (exp > 1000000000LL)
            return 0;   /* far outside any representable quantity */
    }
    out->base = 10;
    out->exponent = (int)(neg ? -exp : exp);
    out->format = HPA_QFMT_DECIMAL_EXPONENT;
    return 1;
}

typedef struct qty_text {
    int negative;
    const char *num;     /* integer digits, leading zeros stripped */
    size_t num_len;
    const char *denom;   /* fraction digits */
    size_t denom_len;
    const char *suffix;
    size_t suffix_len;
} qty_text;

/* UPSTREAM: parseQuantityString(), except that at least one digit is
 * required ("Mi", "." and "-" are errors here). Returns 0 on a format
 * error. */
static int qty_split(const char *s, qty_text *t)
{
    const char *p = s;
    int digits = 0;

    memset(t, 0, sizeof(*t));
    if (*p == '+' || *p == '-') {
        t->negative = *p == '-';
        p++;
    }
    while (*p == '0') {
        p++;
        digits = 1;
    }
    t->num = p;
    while (is_digit(*p))
        p++;
    t->num_len = (size_t)(p - t->num);
    digits |= t->num_len > 0;
    if (*p == '.') {
        p++;
        t->denom = p;
        while (is_digit(*p))
            p++;
        t->denom_len = (size_t)(p - t->denom);
        digits |= t->denom_len > 0;
    }
    if (!digits)
        return 0;
    t->suffix = p;
    while (*p && strchr("eEinumkKMGTP", *p))
        p++;
    if (*p == '+' || *p == '-')
        p++;
    while (is_digit(*p))
        p++;
    if (*p)
        return 0;
    t->suffix_len = (size_t)(p - t->suffix);
    return 1;
}

/* The i-th digit of num followed by denom. */
static int qty_digit(const qty_text *t, size_t i)
{
    if (i < t->num_len)
        return t->num[i] - '0';
    return t->denom[i - t->num_len] - '0';
}

/* The slow path needs a little more than 64 bits (a 19-digit mantissa
 * times 2^60); GCC and Clang provide 128-bit integers on every target we
 * build for. */
__extension__ typedef unsigned __int128 qty_u128;

#define QTY_U128_MAX (~(qty_u128)0)

static hpa_errcode qty_range(hpa_err *e, const char *s)
{
    return hpa_err_set(e, HPA_ERANGE, NULL,
                       "invalid quantity \"%s\": value out of range "
                       "(the largest is 9223372036854775807 x 10^18)", s);
}

/* Fit (u * 10^scale) into an int64 mantissa with scale in [-9, 18]. `u` is
 * exact and without trailing zeros when scale < 0 was produced by rounding. */
static hpa_errcode qty_store(const char *s, int negative, qty_u128 u,
                             long long scale, hpa_qformat fmt,
                             hpa_quantity *q, hpa_err *e)
{
    if (u == 0) {
        q->mantissa = 0;
        q->scale = 0;
        q->format = fmt;
        return HPA_OK;
    }
    while (scale > QTY_MAX_SCALE) {
        if (u > QTY_U128_MAX / 10)
            return qty_range(e, s);
        u *= 10;
        scale--;
    }
    while (scale < QTY_MIN_SCALE && u % 10 == 0) {
        u /= 10;
        scale++;
    }
    if (scale < QTY_MIN_SCALE) {
        /* UPSTREAM: ParseQuantity rounds a non-zero value up (away from
         * zero) to the nearest nano: asking for a tiny amount gets some. */
        while (scale < QTY_MIN_SCALE - 1) {
            u /= 10;
            scale++;
            if (u == 0) {
                scale = QTY_MIN_SCALE - 1;
                break;
            }
        }
        u = u / 10 + 1;
        scale = QTY_MIN_SCALE;
    }
    if (u > (qty_u128)INT64_MAX)
        return qty_range(e, s);
    q->mantissa = negative ? -(int64_t)u : (int64_t)u;
    q->scale = (int32_t)scale;
    q->format = fmt;
    return HPA_OK;
}

/* Exact path for what the int64 fast path cannot hold: long digit strings,
 * fractional binary values, scales below nano. */
static hpa_errcode qty_slow(const char *s, const qty_text *t,
                            const qty_suffix *sf, hpa_quantity *q, hpa_err *e)
{
    size_t n = t->num_len + t->denom_len, first = 0, last = n, i;
    long long scale;
    qty_u128 u = 0;
    hpa_qformat fmt = sf->format;

    while (first < n && qty_digit(t, first) == 0)
        first++;
    while (last > first && qty_digit(t, last - 1) == 0)
        last--;
    if (first == last)
        return qty_store(s, t->negative, 0, 0, fmt, q, e);
    /* Scale of the last significant digit. */
    scale = (long long)(n - last) - (long long)t->denom_len;
    if (sf->base == 10) {
        scale += sf->exponent;
        if (scale < QTY_MIN_SCALE) {
            /* Digits below nano only decide the rounding (up, as
             * qty_store does): keep one of them as a sticky digit. */
            long long below = QTY_MIN_SCALE - scale;

            if ((long long)(last - first) <= below) {
                return qty_store(s, t->negative, 1, QTY_MIN_SCALE, fmt, q, e);
            }
            last -= (size_t)below;
            for (i = first; i < last; i++) {
                if (u > (qty_u128)INT64_MAX)
                    return qty_range(e, s);
                u = u * 10 + (qty_u128)qty_digit(t, i);
            }
            return qty_store(s, t->negative, u * 10 + 1, QTY_MIN_SCALE - 1,
                             fmt, q, e);
        }
    }
    if (last - first > 30)
        return qty_range(e, s);
    for (i = first; i < last; i++)
        u = u * 10 + (qty_u128)qty_digit(t, i);
    if (sf->base == 2) {
        int k;

        for (k = 0; k < sf->exponent; k++) {
            if (u > QTY_U128_MAX / 2)
                return qty_range(e, s);
            u *= 2;
        }
        while (scale < 0 && u % 10 == 0) {
            u /= 10;
            scale++;
        }
        /* UPSTREAM: a binary quantity between 0 and 1 becomes DecimalSI
         * ("this avoids rounding and hopefully confusion, too"). */
        if (scale < 0) {
            qty_u128 p10 = 1;
            long long k2;
            int below_one = 1;

            for (k2 = 0; k2 < -scale; k2++) {
                if (p10 > u) {
                    break;
                }
                p10 *= 10;
            }
            if (k2 == -scale && p10 <= u)
                below_one = 0;
            if (below_one)
                fmt = HPA_QFMT_DECIMAL_SI;
        }
    }
    return qty_store(s, t->negative, u, scale, fmt, q, e);
}

hpa_errcode hpa_quantity_parse(const char *s, hpa_quantity *q, hpa_err *e)
{
    qty_text t;
    qty_suffix sf;
    size_t i, n;

    if (!s || !*s)
        return hpa_err_set(e, HPA_ESYNTAX, NULL,
                           "invalid quantity \"\": quantities must not be empty");
    if (!qty_split(s, &t))
        return hpa_err_set(e, HPA_ESYNTAX, NULL, "invalid quantity \"%s\": %s",
                           s, QTY_REGEX_MSG);
    if (!qty_interpret_suffix(t.suffix, t.suffix_len, &sf))
        return hpa_err_set(e, HPA_ESYNTAX, NULL,
                           "invalid quantity \"%s\": unknown suffix \"%.*s\"",
                           s, (int)t.suffix_len, t.suffix);
    if (t.num_len == 0) {
        /* parseQuantityString: "if we stripped all numerator positions,
         * always return 0" - num becomes "0". */
        static const char zero[] = "0";

        t.num = zero;
        t.num_len = 1;
    }
    n = t.num_len + t.denom_len;

    /* UPSTREAM: the int64 fast path of ParseQuantity. */
    if (sf.base == 10 && n <= 18) {
        long long scale = (long long)sf.exponent - (long long)t.denom_len;

        if (scale >= QTY_MIN_SCALE && scale <= QTY_MAX_SCALE) {
            int64_t v = 0;

            for (i = 0; i < n; i++)
                v = v * 10 + qty_digit(&t, i);
            q->mantissa = t.negative ? -v : v;
            q->scale = (int32_t)scale;
            q->format = sf.format;
            return HPA_OK;
        }
    } else if (sf.base == 2 && t.denom_len == 0 && n <= 15) {
        int64_t v = 0;

        for (i = 0; i < n; i++)
            v = v * 10 + qty_digit(&t, i);
        if (v <= (INT64_MAX >> sf.exponent)) {
            q->mantissa = (t.negative ? -v : v) * ((int64_t)1 << sf.exponent);
            q->scale = 0;
            q->format = sf.format;
            return HPA_OK;
        }
        return qty_range(e, s);
    }
    return qty_slow(s, &t, &sf, q, e);
}

/* m * 10^exp rounded up (towards +inf) into an int64. */
static int qty_scaled(int64_t m, long long exp, int64_t *out)
{
    if (exp >= 0) {
        long long k;

        for (k = 0; k < exp && m != 0; k++) {
            if (m > INT64_MAX / 10 || m < INT64_MIN / 10)
                return 0;
            m *= 10;
        }
        *out = m;
        return 1;
    }
    if (exp < -18) {
        /* |m| < 10^19 <= 10^-exp: the value is in (-1, 1). */
        *out = m > 0 ? 1 : 0;
        return 1;
    }
    {
        int64_t d = 1, r;
        long long k;

        for (k = 0; k < -exp; k++)
            d *= 10;
        r = m / d;                  /* truncates towards zero */
        if (m % d != 0 && m > 0)    /* UPSTREAM: AsScaledInt64 rounds up */
            r++;
        *out = r;
        return 1;
    }
}

hpa_errcode hpa_quantity_milli(const hpa_quantity *q, int64_t *milli,
                               hpa_err *e)
{
    char buf[HPA_QUANTITY_STR_MAX];

    if (qty_scaled(q->mantissa, (long long)q->scale + 3, milli))
        return HPA_OK;
    return hpa_err_set(e, HPA_ERANGE, NULL,
                       "quantity %s is too large to be counted in milli-units",
                       hpa_quantity_format(q, buf, sizeof(buf)));
}

hpa_errcode hpa_quantity_value(const hpa_quantity *q, int64_t *value,
                               hpa_err *e)
{
    char buf[HPA_QUANTITY_STR_MAX];

    if (qty_scaled(q->mantissa, q->scale, value))
        return HPA_OK;
    return hpa_err_set(e, HPA_ERANGE, NULL,
                       "quantity %s does not fit in a 64-bit integer",
                       hpa_quantity_format(q, buf, sizeof(buf)));
}

/* UPSTREAM: Go's math.Pow(x, y) for an integral y: repeated squaring on the
 * frexp() mantissa, exponent tracked apart, 1/x for negative y. The
 * doubles it gives differ from C's pow() in the last bit for some y. */
static double qty_go_pow(double x, long long y)
{
    double a1 = 1.0, x1;
    int ae = 0, xe;
    long long i = y < 0 ? -y : y;

    if (y == 0)
        return 1.0;
    x1 = frexp(x, &xe);
    for (; i != 0; i >>= 1) {
        if (xe < -(1 << 12) || (1 << 12) < xe) {
            ae += xe;
            break;
        }
        if (i & 1) {
            a1 *= x1;
            ae += xe;
        }
        x1 *= x1;
        xe <<= 1;
        if (x1 < .5) {
            x1 += x1;
            xe--;
        }
    }
    if (y < 0) {
        a1 = 1 / a1;
        ae = -ae;
    }
    return ldexp(a1, ae);
}

double hpa_quantity_approx_float(const hpa_quantity *q)
{
    double base = (double)q->mantissa;

    if (q->scale == 0)
        return base;
    return base * qty_go_pow(10.0, q->scale);
}

hpa_quantity hpa_quantity_from_milli(int64_t milli, hpa_qformat format)
{
    hpa_quantity q;

    q.mantissa = milli;
    q.scale = -3;
    q.format = format;
    return q;
}

/* Decimal digits of |v| into d (no NUL); returns the count. */
static size_t qty_udigits(uint64_t v, char *d)
{
    char tmp[24];
    size_t n = 0, i;

    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (i = 0; i < n; i++)
        d[i] = tmp[n - 1 - i];
    return n;
}

static uint64_t qty_abs(int64_t v)
{
    return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

static const char *qty_put(char *buf, size_t len, int neg, const char *digits,
                           size_t nd, size_t zeros, const char *suffix)
{
    char tmp[128];
    size_t off = 0;

    if (!buf || len == 0)
        return buf;
    if (neg)
        tmp[off++] = '-';
    memcpy(tmp + off, digits, nd);
    off += nd;
    while (zeros-- > 0 && off < 64)
        tmp[off++] = '0';
    tmp[off] = '\0';
    snprintf(buf, len, "%s%s", tmp, suffix);
    return buf;
}

/* UPSTREAM: int64Amount.AsCanonicalBytes + the decimal suffixes: strip
 * factors of ten into the exponent, lower the exponent to a multiple of 3. */
static const char *qty_format_decimal(int64_t m, long long exp, int exponent_form,
                                      char *buf, size_t len)
{
    static const char *const si[] = {"n", "u", "m", "", "k", "M", "G", "T",
                                     "P", "E"};
    char digits[24], suffix[24];
    uint64_t a = qty_abs(m);
    size_t nd, zeros = 0;

    while (a >= 10 && a % 10 == 0) {
        a /= 10;
        exp++;
    }
    switch (((exp % 3) + 3) % 3) {
    case 1:
        zeros = 1;
        exp -= 1;
        break;
    case 2:
        zeros = 2;
        exp -= 2;
        break;
    default:
        break;
    }
    if (!exponent_form) {
        /* Beyond exa there is no suffix: write the zeros out. */
        while (exp > 18) {
            zeros += 3;
            exp -= 3;
        }
        /* Below nano is not produced by parsing (scale >= -9), only by a
         * hand-built struct: show it exactly rather than with no suffix. */
        if (exp < -9)
            exponent_form = 1;
    }
    nd = qty_udigits(a, digits);
    if (exponent_form) {
        if (exp == 0)
            suffix[0] = '\0';
        else
            snprintf(suffix, sizeof(suffix), "e%lld", exp);
    } else {
        snprintf(suffix, sizeof(suffix), "%s", si[(exp + 9) / 3]);
    }
    return qty_put(buf, len, m < 0, digits, nd, zeros, suffix);
}

const char *hpa_quantity_format(const hpa_quantity *q, char *buf, size_t len)
{
    static const char *const bin[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
    int64_t whole;
    uint64_t a;
    char digits[24];
    size_t nd;
    int times = 0;

    if (q->mantissa == 0)
        return qty_put(buf, len, 0, "0", 1, 0, "");
    if (q->format == HPA_QFMT_BINARY_SI) {
        int64_t m = q->mantissa;
        long long s = q->scale;
        int exact = 1;

        /* Whole units, if the value is an integer that fits. */
        while (s < 0 && exact) {
            if (m % 10 != 0)
                exact = 0;
            else {
                m /= 10;
                s++;
            }
        }
        if (exact && qty_scaled(m, s, &whole) && (whole <= -1024 || whole >= 1024)) {
            a = qty_abs(whole);
            while (a >= 1024 && a % 1024 == 0 && times < 6) {
                a /= 1024;
                times++;
            }
            nd = qty_udigits(a, digits);
            return qty_put(buf, len, whole < 0, digits, nd, 0, bin[times]);
        }
        /* UPSTREAM: small or fractional binary values print as DecimalSI. */
        return qty_format_decimal(q->mantissa, q->scale, 0, buf, len);
    }
    return qty_format_decimal(q->mantissa, q->scale,
                              q->format == HPA_QFMT_DECIMAL_EXPONENT, buf, len);
}

const char *hpa_quantity_format_milli(int64_t milli, char *buf, size_t len)
{
    hpa_quantity q = hpa_quantity_from_milli(milli, HPA_QFMT_DECIMAL_SI);

    return hpa_quantity_format(&q, buf, len);
}

/* |q| as significant digits (no trailing zeros) and the decimal exponent
 * of the last digit. */
static size_t qty_sig(const hpa_quantity *q, char *d, long long *exp)
{
    uint64_t a = qty_abs(q->mantissa);
    long long x = q->scale;

    while (a >= 10 && a % 10 == 0) {
        a /= 10;
        x++;
    }
    *exp = x;
    return qty_udigits(a, d);
}

int hpa_quantity_cmp(const hpa_quantity *a, const hpa_quantity *b)
{
    int sa = (a->mantissa > 0) - (a->mantissa < 0);
    int sb = (b->mantissa > 0) - (b->mantissa < 0);
    char da[24], db[24];
    long long ea, eb, ta, tb, pos;
    size_t na, nb;
    int r = 0;

    if (sa != sb)
        return sa < sb ? -1 : 1;
    if (sa == 0)
        return 0;
    na = qty_sig(a, da, &ea);
    nb = qty_sig(b, db, &eb);
    /* Exponent of the leading digit decides first. */
    ta = ea + (long long)na;
    tb = eb + (long long)nb;
    if (ta != tb)
        r = ta < tb ? -1 : 1;
    else {
        /* Same magnitude: compare digit by digit from the top. */
        for (pos = ta - 1; r == 0; pos--) {
            long long ia = ta - 1 - pos, ib = tb - 1 - pos;
            int ca = ia < (long long)na ? da[ia] : -1;
            int cb = ib < (long long)nb ? db[ib] : -1;

            if (ca == -1 && cb == -1)
                break;
            if (ca != cb)
                r = ca < cb ? -1 : 1;
        }
    }
    return sa < 0 ? -r : r;
}
