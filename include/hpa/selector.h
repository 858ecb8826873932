/*
 * selector.h - Kubernetes label selectors.
 *
 * Two ways in, as in apimachinery:
 *  - hpa_selector_parse(): the string form that a Scale's status.selector
 *    and the `labelSelector` query parameter use (labels.Parse):
 *    "app=web,tier!=db,env in (a,b),track notin (x),gpu,!legacy,k>3";
 *  - hpa_selector_from_object(): a metav1.LabelSelector (matchLabels and
 *    matchExpressions), validated as LabelSelectorAsSelector does
 *    (operators, value counts, label key and value syntax).
 * Both give the same compiled hpa_selector, which matches label sets and
 * prints back in canonical string form (labels.Selector.String()).
 *
 * Memory: everything a function returns is allocated from the arena it is
 * given. Pure: no I/O, no global state.
 */
#ifndef HPA_SELECTOR_H
#define HPA_SELECTOR_H

#include <stdbool.h>
#include <stddef.h>

#include "hpa/arena.h"
#include "hpa/error.h"

typedef struct hpa_label {
    const char *key;
    const char *value;
} hpa_label;

typedef struct hpa_labels {
    size_t n;
    const hpa_label *items;
} hpa_labels;

typedef enum {
    HPA_SEL_EQUALS,        /* =, == ; matchLabels */
    HPA_SEL_NOT_EQUALS,    /* != */
    HPA_SEL_IN,
    HPA_SEL_NOT_IN,
    HPA_SEL_EXISTS,        /* key */
    HPA_SEL_DOES_NOT_EXIST,/* !key */
    HPA_SEL_GT,
    HPA_SEL_LT
} hpa_sel_op;

typedef struct hpa_requirement {
    const char *key;
    hpa_sel_op op;
    size_t n_values;
    const char *const *values;   /* sorted, as apimachinery keeps them */
} hpa_requirement;

/* A compiled selector: the AND of its requirements, sorted by key. An
 * empty selector (n == 0) matches everything. */
typedef struct hpa_selector {
    size_t n;
    const hpa_requirement *reqs;
} hpa_selector;

/* metav1.LabelSelector as written in a manifest (unvalidated). */
typedef struct hpa_label_selector_expr {
    const char *key;
    const char *op;           /* "In", "NotIn", "Exists", "DoesNotExist" */
    size_t n_values;
    const char *const *values;
} hpa_label_selector_expr;

typedef struct hpa_label_selector {
    hpa_labels match_labels;  /* in the order given */
    size_t n_exprs;
    const hpa_label_selector_expr *exprs;
} hpa_label_selector;

hpa_errcode hpa_selector_parse(const char *s, hpa_arena *a, hpa_selector *out,
                               hpa_err *e) HPA_WUR;

/* `ls` NULL means "no selector" and gives the empty selector, as
 * LabelSelectorAsSelector(nil) gives labels.Nothing()... note: upstream
 * returns Nothing() for nil and Everything() for an empty one; `*nothing`
 * tells which (may be NULL when the caller does not care). */
hpa_errcode hpa_selector_from_object(const hpa_label_selector *ls,
                                     hpa_arena *a, hpa_selector *out,
                                     bool *nothing, hpa_err *e) HPA_WUR;

bool hpa_selector_matches(const hpa_selector *sel, const hpa_labels *labels);

/* Canonical string ("app=web,env in (a,b)"). Allocated in `a`. */
char *hpa_selector_string(const hpa_selector *sel, hpa_arena *a);

/* The text Go's "%+v" prints for a *metav1.LabelSelector, which upstream
 * puts in metric names: "nil", or
 * "&LabelSelector{MatchLabels:map[string]string{a: b,},MatchExpressions:[]LabelSelectorRequirement{},}".
 * Allocated in `a`. */
char *hpa_label_selector_gostring(const hpa_label_selector *ls, hpa_arena *a);

/* Validation helpers shared with the manifest validator. */
bool hpa_is_qualified_name(const char *s, char *why, size_t why_len);
bool hpa_is_label_value(const char *s, char *why, size_t why_len);

#endif
