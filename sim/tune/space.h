/*
 * space.h - the tuner's search space: which settings of an HPA policy the
 * tuner may change, within which bounds, and how a point of the space
 * becomes a policy.
 *
 * The parameters come from the base policy: `target.<resource>` for every
 * Resource metric with a Utilization target (`target.<container>.<resource>`
 * for ContainerResource), `up.window` and `down.window` (stabilization
 * windows, s), `up.policy[i].value` / `.period` for every rate policy,
 * `up.select` / `down.select` (categorical), `up.tolerance` /
 * `down.tolerance`, `minReplicas` and `maxReplicas`. A policy without a
 * `behavior` is searched from the behavior Kubernetes would apply.
 *
 * `--space "name=lo:hi[:step],name=A|B,name=VALUE,name=fixed,*=fixed"`
 * overrides bounds: a range frees the parameter, one value or `fixed` pins
 * it (`fixed` at the base policy's value), `*=fixed` pins everything given
 * before it and not named after it. Errors name the term.
 *
 * A point is a vector of parameter values (double, one per parameter, also
 * for pinned ones); the searchable ("free") parameters also map to the unit
 * cube, where the continuous search works, with rounding to the step.
 *
 * Ownership: a tune_space is a fixed-size value. tune_specbuf owns the
 * arrays of the policy it builds (tune_specbuf_free). Pure: no I/O, no
 * clock, no global state.
 */
#ifndef SIM_TUNE_SPACE_H
#define SIM_TUNE_SPACE_H

#include <stdbool.h>
#include <stddef.h>

#include "hpa/error.h"
#include "hpa/model.h"

#define TUNE_MAX_PARAMS 40
#define TUNE_NAME_MAX 64

typedef enum { TUNE_INT = 0, TUNE_REAL, TUNE_CAT } tune_ptype;

typedef enum {
    TUNE_K_TARGET = 0,      /* index = metric */
    TUNE_K_WINDOW,          /* dir */
    TUNE_K_POLICY_VALUE,    /* dir, index = policy */
    TUNE_K_POLICY_PERIOD,
    TUNE_K_SELECT,          /* dir; values are hpa_select_policy */
    TUNE_K_TOLERANCE,       /* dir */
    TUNE_K_MIN,
    TUNE_K_MAX
} tune_pkind;

typedef struct tune_param {
    char name[TUNE_NAME_MAX];
    tune_pkind kind;
    tune_ptype type;
    int dir;                /* 0 scale-up, 1 scale-down */
    int index;
    double lo, hi, step;    /* TUNE_CAT: unused */
    double valid_lo, valid_hi;  /* what the API server accepts */
    int ncat;
    int cat[3];             /* allowed hpa_select_policy values */
    double base;            /* the base policy's value */
    bool fixed;             /* not searched: stays at `value` */
    double value;           /* the pinned value */
} tune_param;

typedef struct tune_space {
    size_t n;
    tune_param p[TUNE_MAX_PARAMS];
    size_t n_free;
    size_t free_idx[TUNE_MAX_PARAMS];
} tune_space;

/* The default space around `base` (defaults applied). `opts` gives the
 * controller's tolerance and scale-down window, the values a policy
 * without them gets. */
hpa_errcode tune_space_default(tune_space *s, const hpa_spec *base, const hpa_options *opts,
                               hpa_err *e) HPA_WUR;
/* Apply a --space spec (may be NULL or empty). */
hpa_errcode tune_space_parse(tune_space *s, const char *spec, hpa_err *e) HPA_WUR;

/* Unit-cube coordinates of the free parameters -> a point (rounded). */
void tune_space_from_unit(const tune_space *s, const double *u, double *x);
/* A point -> unit-cube coordinates of its free parameters. */
void tune_space_to_unit(const tune_space *s, const double *x, double *u);
/* The base policy as a point (values clamped into the bounds). */
void tune_space_base_point(const tune_space *s, double *x);
/* Round and clamp every value to its parameter's grid; fixes the
 * minReplicas <= maxReplicas relation. */
void tune_space_snap(const tune_space *s, double *x);

/* "70", "0.05", "Max" */
const char *tune_space_format(const tune_param *p, double v, char *buf, size_t len);

/* A policy built from the base and a point. */
typedef struct tune_specbuf {
    hpa_spec spec;
    hpa_metric_spec *metrics;
    hpa_scaling_policy *up, *down;
    hpa_scaling_rules up0, down0;   /* the rules before any point */
} tune_specbuf;

hpa_errcode tune_specbuf_init(tune_specbuf *b, const hpa_spec *base, const hpa_options *opts,
                              hpa_err *e) HPA_WUR;
/* Overwrite the settings of `b` with point `x`. */
void tune_specbuf_apply(tune_specbuf *b, const tune_space *s, const double *x);
void tune_specbuf_free(tune_specbuf *b);

#endif
