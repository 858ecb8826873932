/* space.c - the search space (see space.h). */
#include "tune/space.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hpa/quantity.h"

static tune_param *add(tune_space *s, const char *name, tune_pkind kind, tune_ptype type, int dir,
                       int index)
{
    tune_param *p;

    if (s->n >= TUNE_MAX_PARAMS)
        return NULL;
    p = &s->p[s->n++];
    memset(p, 0, sizeof(*p));
    snprintf(p->name, sizeof(p->name), "%s", name);
    p->kind = kind;
    p->type = type;
    p->dir = dir;
    p->index = index;
    return p;
}

static void range(tune_param *p, double base, double lo, double hi, double step, double vlo,
                  double vhi)
{
    p->base = base;
    p->lo = base < lo ? base : lo;
    p->hi = base > hi ? base : hi;
    p->step = step;
    p->valid_lo = vlo;
    p->valid_hi = vhi;
    if (p->lo < vlo)
        p->lo = vlo;
    if (p->hi > vhi)
        p->hi = vhi;
    p->value = base;
}

static void free_list(tune_space *s)
{
    size_t i;

    s->n_free = 0;
    for (i = 0; i < s->n; i++) {
        tune_param *p = &s->p[i];
        bool single = p->type == TUNE_CAT ? p->ncat <= 1 : p->lo == p->hi;
        if (single && !p->fixed) {
            p->fixed = true;
            p->value = p->type == TUNE_CAT ? p->cat[0] : p->lo;
        }
        if (!p->fixed)
            s->free_idx[s->n_free++] = i;
    }
}

static const hpa_scaling_rules *rules_of(const hpa_spec *b, int dir)
{
    return dir ? &b->scale_down : &b->scale_up;
}

/* The behavior Kubernetes applies when the policy has none (the defaults
 * of a present but empty behavior). */
static const hpa_scaling_policy default_up[2] = {{HPA_POLICY_PODS, 4, 15}, {HPA_POLICY_PERCENT, 100, 15}};
static const hpa_scaling_policy default_down[1] = {{HPA_POLICY_PERCENT, 100, 15}};

hpa_errcode tune_space_default(tune_space *s, const hpa_spec *base, const hpa_options *opts,
                               hpa_err *e)
{
    char name[TUNE_NAME_MAX];
    size_t i;
    int dir;
    tune_param *p;

    memset(s, 0, sizeof(*s));
    for (i = 0; i < base->n_metrics; i++) {
        const hpa_metric_spec *m = &base->metrics[i];
        size_t j;
        bool dup = false;
        if ((m->type != HPA_METRIC_RESOURCE && m->type != HPA_METRIC_CONTAINER_RESOURCE) ||
            m->target.type != HPA_TARGET_UTILIZATION || !m->target.has_average_utilization || !m->resource)
            continue;
        if (m->type == HPA_METRIC_CONTAINER_RESOURCE)
            snprintf(name, sizeof(name), "target.%s.%s", m->container ? m->container : "", m->resource);
        else
            snprintf(name, sizeof(name), "target.%s", m->resource);
        for (j = 0; j < s->n; j++)
            dup |= !strcmp(s->p[j].name, name);
        if (dup)
            snprintf(name + strlen(name), sizeof(name) - strlen(name), "#%zu", i);
        if (!(p = add(s, name, TUNE_K_TARGET, TUNE_INT, 0, (int)i)))
            goto full;
        range(p, m->target.average_utilization, strcmp(m->resource, "cpu") ? 40 : 30, 95, 1, 1, 400);
    }
    for (dir = 0; dir < 2; dir++) {
        const char *d = dir ? "down" : "up";
        const hpa_scaling_rules *r = rules_of(base, dir);
        const hpa_scaling_policy *pol = dir ? default_down : default_up;
        size_t npol = dir ? 1 : 2;
        double win = dir ? (double)opts->downscale_stabilization / 1000.0 : 0;
        double tol = opts->tolerance;
        int sel = HPA_SELECT_MAX;
        if (base->has_behavior) {
            pol = r->policies;
            npol = r->n_policies;
            if (r->has_window)
                win = r->window_seconds;
            if (r->has_tolerance)
                tol = hpa_quantity_approx_float(&r->tolerance);
            sel = (int)r->select;
        }
        snprintf(name, sizeof(name), "%s.window", d);
        if (!(p = add(s, name, TUNE_K_WINDOW, TUNE_INT, dir, 0)))
            goto full;
        range(p, win, 0, dir ? 900 : 300, 15, 0, 3600);
        for (i = 0; i < npol; i++) {
            bool pct = pol[i].type == HPA_POLICY_PERCENT;
            snprintf(name, sizeof(name), "%s.policy[%zu].value", d, i);
            if (!(p = add(s, name, TUNE_K_POLICY_VALUE, TUNE_INT, dir, (int)i)))
                goto full;
            range(p, pol[i].value, pct ? 10 : 1, pct ? 400 : 10, pct ? 10 : 1, 1, 100000);
            snprintf(name, sizeof(name), "%s.policy[%zu].period", d, i);
            if (!(p = add(s, name, TUNE_K_POLICY_PERIOD, TUNE_INT, dir, (int)i)))
                goto full;
            range(p, pol[i].period_seconds, 15, 300, 15, 1, 1800);
        }
        snprintf(name, sizeof(name), "%s.select", d);
        if (!(p = add(s, name, TUNE_K_SELECT, TUNE_CAT, dir, 0)))
            goto full;
        p->base = p->value = sel;
        p->cat[p->ncat++] = HPA_SELECT_MAX;
        p->cat[p->ncat++] = HPA_SELECT_MIN;
        if (sel == HPA_SELECT_DISABLED)
            p->cat[p->ncat++] = HPA_SELECT_DISABLED;
        /* one policy: Max and Min mean the same, nothing to search */
        if (npol < 2 && sel != HPA_SELECT_DISABLED)
            p->fixed = true;
        snprintf(name, sizeof(name), "%s.tolerance", d);
        if (!(p = add(s, name, TUNE_K_TOLERANCE, TUNE_REAL, dir, 0)))
            goto full;
        range(p, tol, 0.01, 0.25, 0.01, 0, 1);
    }
    if (!(p = add(s, "minReplicas", TUNE_K_MIN, TUNE_INT, 0, 0)))
        goto full;
    range(p, base->min_replicas, 1, base->max_replicas, 1, 1, 100000);
    if (!(p = add(s, "maxReplicas", TUNE_K_MAX, TUNE_INT, 0, 0)))
        goto full;
    range(p, base->max_replicas, base->max_replicas, 2.0 * base->max_replicas, 1, 1, 100000);
    free_list(s);
    return HPA_OK;
full:
    return hpa_err_set(e, HPA_ERANGE, "--policy", "the policy has more than %d tunable settings",
                       TUNE_MAX_PARAMS);
}

/* ---- --space --------------------------------------------------------------- */

static int cat_lookup(const char *s, size_t n)
{
    if (n == 3 && !strncmp(s, "Max", 3))
        return HPA_SELECT_MAX;
    if (n == 3 && !strncmp(s, "Min", 3))
        return HPA_SELECT_MIN;
    if (n == 8 && !strncmp(s, "Disabled", 8))
        return HPA_SELECT_DISABLED;
    return -1;
}

static bool parse_num(const char *s, size_t n, double *out)
{
    char buf[64], *end;

    if (n == 0 || n >= sizeof(buf))
        return false;
    memcpy(buf, s, n);
    buf[n] = '\0';
    *out = strtod(buf, &end);
    return *end == '\0' && isfinite(*out);
}

static hpa_errcode bad_term(hpa_err *e, const char *term, size_t n, const char *why)
{
    return hpa_err_set(e, HPA_EINVAL, "--space", "--space term \"%.*s\": %s", (int)(n < 200 ? n : 200),
                       term, why);
}

static hpa_errcode apply_cat(tune_param *p, const char *v, size_t vn, const char *term, size_t tn,
                             hpa_err *e)
{
    int cats[3], nc = 0;
    const char *q = v, *end = v + vn;

    if (vn == 5 && !strncmp(v, "fixed", 5)) {
        p->fixed = true;
        p->value = p->base;
        return HPA_OK;
    }
    while (q < end) {
        const char *bar = memchr(q, '|', (size_t)(end - q));
        size_t n = bar ? (size_t)(bar - q) : (size_t)(end - q);
        int c = cat_lookup(q, n), k;
        bool seen = false;
        if (c < 0) {
            char why[160];
            snprintf(why, sizeof(why), "unknown selectPolicy \"%.*s\" (want Max, Min or Disabled, joined by |)",
                     (int)(n < 40 ? n : 40), q);
            return bad_term(e, term, tn, why);
        }
        for (k = 0; k < nc; k++)
            seen |= cats[k] == c;
        if (!seen)
            cats[nc++] = c;
        q += n + (bar ? 1 : 0);
    }
    if (nc == 0)
        return bad_term(e, term, tn, "no selectPolicy given");
    memcpy(p->cat, cats, sizeof(cats));
    p->ncat = nc;
    p->fixed = nc == 1;
    p->value = cats[0];
    return HPA_OK;
}

static hpa_errcode apply_range(tune_param *p, const char *v, size_t vn, const char *term, size_t tn,
                               hpa_err *e)
{
    double f[3] = {0, 0, 0};
    int nf = 0;
    const char *q = v, *end = v + vn;
    char why[200];

    if (vn == 5 && !strncmp(v, "fixed", 5)) {
        p->fixed = true;
        p->value = p->base;
        return HPA_OK;
    }
    while (q <= end) {
        const char *colon = memchr(q, ':', (size_t)(end - q));
        size_t n = colon ? (size_t)(colon - q) : (size_t)(end - q);
        if (nf == 3)
            return bad_term(e, term, tn, "too many ':' (want lo:hi or lo:hi:step)");
        if (!parse_num(q, n, &f[nf])) {
            snprintf(why, sizeof(why), "\"%.*s\" is not a number (want VALUE, lo:hi, lo:hi:step or fixed)",
                     (int)(n < 40 ? n : 40), q);
            return bad_term(e, term, tn, why);
        }
        nf++;
        if (!colon)
            break;
        q = colon + 1;
    }
    if (nf == 1)
        f[1] = f[0];
    if (f[0] > f[1]) {
        snprintf(why, sizeof(why), "lower bound %g is above upper bound %g", f[0], f[1]);
        return bad_term(e, term, tn, why);
    }
    if (f[0] < p->valid_lo || f[1] > p->valid_hi) {
        snprintf(why, sizeof(why), "%s must lie within %g..%g", p->name, p->valid_lo, p->valid_hi);
        return bad_term(e, term, tn, why);
    }
    if (nf == 3 && !(f[2] > 0)) {
        snprintf(why, sizeof(why), "step %g must be positive", f[2]);
        return bad_term(e, term, tn, why);
    }
    if (nf == 3 && p->type == TUNE_INT && f[2] != floor(f[2])) {
        snprintf(why, sizeof(why), "step %g must be a whole number for %s", f[2], p->name);
        return bad_term(e, term, tn, why);
    }
    if (p->type == TUNE_INT && (f[0] != floor(f[0]) || f[1] != floor(f[1]))) {
        snprintf(why, sizeof(why), "%s takes whole numbers", p->name);
        return bad_term(e, term, tn, why);
    }
    p->lo = f[0];
    p->hi = f[1];
    if (nf == 3)
        p->step = f[2];
    p->fixed = nf == 1;
    p->value = f[0];
    return HPA_OK;
}

hpa_errcode tune_space_parse(tune_space *s, const char *spec, hpa_err *e)
{
    const char *q = spec;
    hpa_errcode rc;
    size_t i;
    bool named[TUNE_MAX_PARAMS] = {false};

    if (!spec)
        return HPA_OK;
    while (*q) {
        const char *comma = strchr(q, ',');
        size_t tn = comma ? (size_t)(comma - q) : strlen(q);
        const char *eq = memchr(q, '=', tn);
        size_t nn, vn;
        tune_param *p = NULL;
        while (tn > 0 && *q == ' ') {
            q++;
            tn--;
        }
        eq = memchr(q, '=', tn);
        if (tn == 0) {
            q += comma ? 1 : 0;
            continue;
        }
        if (!eq)
            return bad_term(e, q, tn, "expected name=lo:hi[:step], name=VALUE, name=A|B or name=fixed");
        nn = (size_t)(eq - q);
        vn = tn - nn - 1;
        if (nn == 1 && *q == '*') {
            if (vn != 5 || strncmp(eq + 1, "fixed", 5))
                return bad_term(e, q, tn, "only *=fixed is accepted for all parameters");
            for (i = 0; i < s->n; i++)
                if (!named[i]) {
                    s->p[i].fixed = true;
                    s->p[i].value = s->p[i].base;
                }
        } else {
            for (i = 0; i < s->n; i++)
                if (strlen(s->p[i].name) == nn && !strncmp(s->p[i].name, q, nn)) {
                    p = &s->p[i];
                    break;
                }
            if (!p) {
                char why[HPA_ERR_MSG_MAX - 80];
                size_t k, len;
                snprintf(why, sizeof(why), "unknown parameter \"%.*s\"; this policy has:", (int)(nn < 60 ? nn : 60), q);
                for (k = 0; k < s->n; k++) {
                    len = strlen(why);
                    snprintf(why + len, sizeof(why) - len, "%s %s", k ? "," : "", s->p[k].name);
                }
                return bad_term(e, q, tn, why);
            }
            named[i] = true;
            if (p->type == TUNE_CAT)
                rc = apply_cat(p, eq + 1, vn, q, tn, e);
            else
                rc = apply_range(p, eq + 1, vn, q, tn, e);
            if (rc != HPA_OK)
                return rc;
        }
        q += tn;
        if (*q == ',')
            q++;
    }
    /* re-derive the free list; pinned params keep their value */
    for (i = 0; i < s->n; i++) {
        tune_param *p = &s->p[i];
        if (!p->fixed && p->type != TUNE_CAT && p->lo == p->hi) {
            p->fixed = true;
            p->value = p->lo;
        }
    }
    s->n_free = 0;
    for (i = 0; i < s->n; i++)
        if (!s->p[i].fixed)
            s->free_idx[s->n_free++] = i;
    {
        const tune_param *mn = NULL, *mx = NULL;
        for (i = 0; i < s->n; i++) {
            if (s->p[i].kind == TUNE_K_MIN)
                mn = &s->p[i];
            if (s->p[i].kind == TUNE_K_MAX)
                mx = &s->p[i];
        }
        if (mn && mx) {
            double lo_min = mn->fixed ? mn->value : mn->lo, hi_max = mx->fixed ? mx->value : mx->hi;
            if (lo_min > hi_max)
                return hpa_err_set(e, HPA_EINVAL, "--space",
                                   "--space: minReplicas (at least %g) can never be at most maxReplicas (at most %g)",
                                   lo_min, hi_max);
        }
    }
    return HPA_OK;
}

/* ---- points ------------------------------------------------------------------ */

static double snap_one(const tune_param *p, double v)
{
    if (p->fixed)
        return p->value;
    if (p->type == TUNE_CAT) {
        int k;
        for (k = 0; k < p->ncat; k++)
            if (p->cat[k] == (int)v)
                return v;
        return p->cat[0];
    }
    if (p->step > 0)
        v = p->lo + floor((v - p->lo) / p->step + 0.5) * p->step;
    if (v > p->hi)
        v = p->hi;
    if (v < p->lo)
        v = p->lo;
    if (p->type == TUNE_INT)
        v = floor(v + 0.5);
    else
        v = floor(v * 1e6 + 0.5) / 1e6;   /* 0.1 + 0.2: keep the decimal */
    return v;
}

static void fix_minmax(const tune_space *s, double *x)
{
    size_t i, imin = SIZE_MAX, imax = SIZE_MAX;

    for (i = 0; i < s->n; i++) {
        if (s->p[i].kind == TUNE_K_MIN)
            imin = i;
        if (s->p[i].kind == TUNE_K_MAX)
            imax = i;
    }
    if (imin == SIZE_MAX || imax == SIZE_MAX || x[imin] <= x[imax])
        return;
    /* lower the floor rather than raise the ceiling: the cheaper repair */
    if (!s->p[imin].fixed)
        x[imin] = x[imax];
    else
        x[imax] = x[imin];
}

void tune_space_snap(const tune_space *s, double *x)
{
    size_t i;

    for (i = 0; i < s->n; i++)
        x[i] = snap_one(&s->p[i], x[i]);
    fix_minmax(s, x);
}

void tune_space_from_unit(const tune_space *s, const double *u, double *x)
{
    size_t i, k;

    for (i = 0; i < s->n; i++)
        x[i] = s->p[i].fixed ? s->p[i].value : s->p[i].base;
    for (k = 0; k < s->n_free; k++) {
        const tune_param *p = &s->p[s->free_idx[k]];
        double v = u[k] < 0 ? 0 : u[k] > 1 ? 1 : u[k];
        if (p->type == TUNE_CAT) {
            int c = (int)floor(v * p->ncat);
            x[s->free_idx[k]] = p->cat[c >= p->ncat ? p->ncat - 1 : c];
        } else {
            x[s->free_idx[k]] = p->lo + v * (p->hi - p->lo);
        }
    }
    tune_space_snap(s, x);
}

void tune_space_to_unit(const tune_space *s, const double *x, double *u)
{
    size_t k;

    for (k = 0; k < s->n_free; k++) {
        const tune_param *p = &s->p[s->free_idx[k]];
        double v = x[s->free_idx[k]];
        if (p->type == TUNE_CAT) {
            int c, idx = 0;
            for (c = 0; c < p->ncat; c++)
                if (p->cat[c] == (int)v)
                    idx = c;
            u[k] = (idx + 0.5) / p->ncat;
        } else {
            u[k] = p->hi > p->lo ? (v - p->lo) / (p->hi - p->lo) : 0.5;
            if (u[k] < 0)
                u[k] = 0;
            if (u[k] > 1)
                u[k] = 1;
        }
    }
}

void tune_space_base_point(const tune_space *s, double *x)
{
    size_t i;

    for (i = 0; i < s->n; i++) {
        const tune_param *p = &s->p[i];
        double v = p->fixed ? p->value : p->base;
        if (!p->fixed && p->type != TUNE_CAT) {
            if (v < p->lo)
                v = p->lo;
            if (v > p->hi)
                v = p->hi;
        } else if (!p->fixed) {
            v = snap_one(p, v);
        }
        x[i] = v;
    }
    fix_minmax(s, x);
}

const char *tune_space_format(const tune_param *p, double v, char *buf, size_t len)
{
    if (p->type == TUNE_CAT)
        snprintf(buf, len, "%s", hpa_select_policy_name((hpa_select_policy)(int)v));
    else if (p->type == TUNE_INT)
        snprintf(buf, len, "%.0f", v);
    else
        snprintf(buf, len, "%g", v);
    return buf;
}

/* ---- policies ------------------------------------------------------------------ */

hpa_errcode tune_specbuf_init(tune_specbuf *b, const hpa_spec *base, const hpa_options *opts,
                              hpa_err *e)
{
    const hpa_scaling_policy *up = base->scale_up.policies, *down = base->scale_down.policies;
    size_t nup = base->scale_up.n_policies, ndown = base->scale_down.n_policies;

    memset(b, 0, sizeof(*b));
    b->spec = *base;
    if (!base->has_behavior) {
        up = default_up;
        nup = 2;
        down = default_down;
        ndown = 1;
        memset(&b->spec.scale_up, 0, sizeof(b->spec.scale_up));
        memset(&b->spec.scale_down, 0, sizeof(b->spec.scale_down));
        b->spec.has_behavior = true;
        b->spec.scale_up.has_window = true;
        b->spec.scale_up.window_seconds = 0;
        b->spec.scale_down.has_window = true;
        b->spec.scale_down.window_seconds = (int32_t)(opts->downscale_stabilization / 1000);
    }
    b->metrics = calloc(base->n_metrics ? base->n_metrics : 1, sizeof(*b->metrics));
    b->up = calloc(nup ? nup : 1, sizeof(*b->up));
    b->down = calloc(ndown ? ndown : 1, sizeof(*b->down));
    if (!b->metrics || !b->up || !b->down) {
        tune_specbuf_free(b);
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory");
    }
    if (base->n_metrics)
        memcpy(b->metrics, base->metrics, base->n_metrics * sizeof(*b->metrics));
    if (nup)
        memcpy(b->up, up, nup * sizeof(*b->up));
    if (ndown)
        memcpy(b->down, down, ndown * sizeof(*b->down));
    b->spec.metrics = b->metrics;
    b->spec.scale_up.policies = b->up;
    b->spec.scale_up.n_policies = nup;
    b->spec.scale_down.policies = b->down;
    b->spec.scale_down.n_policies = ndown;
    /* a tuned policy carries no status */
    b->spec.n_conditions = 0;
    b->spec.conditions = NULL;
    b->spec.has_last_scale_time = false;
    b->up0 = b->spec.scale_up;
    b->down0 = b->spec.scale_down;
    return HPA_OK;
}

void tune_specbuf_apply(tune_specbuf *b, const tune_space *s, const double *x)
{
    size_t i;

    /* every point starts from the base: the result depends on `x` only */
    b->spec.scale_up = b->up0;
    b->spec.scale_down = b->down0;
    for (i = 0; i < s->n; i++) {
        const tune_param *p = &s->p[i];
        hpa_scaling_rules *r = p->dir ? &b->spec.scale_down : &b->spec.scale_up;
        hpa_scaling_policy *pol = p->dir ? b->down : b->up;
        int v = (int)floor(x[i] + 0.5);
        switch (p->kind) {
        case TUNE_K_TARGET:
            b->metrics[p->index].target.average_utilization = v;
            break;
        case TUNE_K_WINDOW:
            /* a scale-down window equal to the controller's may stay unset */
            if (p->dir && !r->has_window && x[i] == p->base)
                break;
            r->has_window = true;
            r->window_seconds = v;
            break;
        case TUNE_K_POLICY_VALUE:
            pol[p->index].value = v;
            break;
        case TUNE_K_POLICY_PERIOD:
            pol[p->index].period_seconds = v;
            break;
        case TUNE_K_SELECT:
            r->select = (hpa_select_policy)v;
            break;
        case TUNE_K_TOLERANCE:
            if (!r->has_tolerance && x[i] == p->base)
                break;   /* the controller's tolerance: leave it unset */
            r->has_tolerance = true;
            r->tolerance = hpa_quantity_from_milli((int64_t)llround(x[i] * 1000.0), HPA_QFMT_DECIMAL_SI);
            break;
        case TUNE_K_MIN:
            b->spec.min_replicas = v;
            b->spec.has_min_replicas = true;
            break;
        case TUNE_K_MAX:
            b->spec.max_replicas = v;
            break;
        }
    }
}

void tune_specbuf_free(tune_specbuf *b)
{
    free(b->metrics);
    free(b->up);
    free(b->down);
    memset(b, 0, sizeof(*b));
}
