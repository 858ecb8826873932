/*
 * expr.h - the tuner's objective and constraint expressions.
 *
 * `--minimize` takes an arithmetic expression over the simulator's summary
 * figures ("podHours", "podHours+0.01*overloadSeconds"); `--constraint`
 * takes two such expressions joined by <=, <, >= or > ("overloadSeconds<=base",
 * "unservedFraction<=0.001", "flaps<=base*1.1"). `base` alone stands for
 * the base policy's value of the figure the left-hand side names (so the
 * left side must name exactly one figure); `base.FIGURE` names one
 * explicitly. Figures are spelled as the simulator's JSON summary spells
 * them (responseTime.p95, utilization.mean, ...).
 *
 * The parser is recursive descent over
 *     constraint := sum CMP sum          CMP := <= | < | >= | >
 *     sum        := product (('+'|'-') product)*
 *     product    := unary (('*'|'/') unary)*
 *     unary      := '-' unary | primary
 *     primary    := NUMBER | FIGURE | base | base.FIGURE | '(' sum ')'
 * Errors name the offending term and its column.
 *
 * Ownership: expressions are fixed-size values (no heap). Pure: no I/O,
 * no clock, no global state.
 */
#ifndef SIM_TUNE_EXPR_H
#define SIM_TUNE_EXPR_H

#include <stdbool.h>
#include <stddef.h>

#include "hpa/error.h"
#include "run.h"

/* The summary figures an expression can name. */
typedef enum {
    TUNE_F_POD_HOURS = 0,
    TUNE_F_POD_SECONDS,
    TUNE_F_OVERLOAD_SECONDS,
    TUNE_F_UNSERVED_FRACTION,
    TUNE_F_FLAPS,
    TUNE_F_SCALE_UPS,
    TUNE_F_SCALE_DOWNS,
    TUNE_F_REACTION_SECONDS,
    TUNE_F_RESP_MEAN,
    TUNE_F_RESP_P95,
    TUNE_F_UTIL_MEAN,
    TUNE_F_UTIL_P50,
    TUNE_F_UTIL_P95,
    TUNE_F_UTIL_P99,
    TUNE_F_MIN_REPLICAS,
    TUNE_F_MAX_REPLICAS,
    TUNE_F_COUNT_
} tune_figure;

/* "podHours" ...; NULL when out of range. */
const char *tune_figure_name(tune_figure f);
/* -1 when unknown. */
int tune_figure_lookup(const char *name, size_t len);
double tune_figure_get(const sim_summary *s, tune_figure f);
/* "podHours, podSeconds, ..." for messages. */
const char *tune_figure_list(void);

#define TUNE_EXPR_NODES 64
#define TUNE_EXPR_TEXT 256

typedef struct tune_node {
    int op;             /* internal opcode */
    int a, b;           /* operand node indices */
    int fig;            /* figure, for figure and base nodes */
    double num;
} tune_node;

typedef struct tune_expr {
    size_t n;
    tune_node nodes[TUNE_EXPR_NODES];
    int root;
} tune_expr;

typedef enum { TUNE_CMP_LE = 0, TUNE_CMP_LT, TUNE_CMP_GE, TUNE_CMP_GT } tune_cmp;

typedef struct tune_constraint {
    char text[TUNE_EXPR_TEXT];
    tune_expr lhs, rhs;
    tune_cmp cmp;
} tune_constraint;

/* Parse an objective. `what` ("--minimize") starts every message and is
 * the error path. */
hpa_errcode tune_expr_parse(const char *text, const char *what, tune_expr *out,
                            hpa_err *e) HPA_WUR;
hpa_errcode tune_constraint_parse(const char *text, const char *what, tune_constraint *out,
                                  hpa_err *e) HPA_WUR;

/* Value with the figures of `cur`; `base` answers `base` terms. */
double tune_expr_eval(const tune_expr *x, const sim_summary *cur, const sim_summary *base);

/* How far `cur` is from meeting the constraint, relative to the size of
 * the bound (0 when met). */
double tune_constraint_violation(const tune_constraint *c, const sim_summary *cur,
                                 const sim_summary *base);

/* Does the expression name figure `f` (outside base terms)? */
bool tune_expr_uses(const tune_expr *x, tune_figure f);

#endif
