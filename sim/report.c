/* report.c - summary table, JSON, CSV and the HTML/SVG report (see report.h). */
#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "hpa/arena.h"
#include "svgplot.h"

static const char *const palette[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                      "#9467bd", "#8c564b", "#e377c2", "#17becf"};
#define NPAL (sizeof(palette) / sizeof(palette[0]))

json_t *sim_report_number(double v)
{
    char buf[64];

    if (!isfinite(v))
        return json_null();
    if (v == floor(v) && fabs(v) < 1e15)
        return json_integer((json_int_t)v);
    snprintf(buf, sizeof(buf), "%.9g", v);
    return json_real(strtod(buf, NULL));
}

json_t *sim_report_summary_json(const sim_summary *s)
{
    json_t *o = json_object();

    if (!o)
        return NULL;
    json_object_set_new(o, "podSeconds", sim_report_number(s->pod_seconds));
    json_object_set_new(o, "podHours", sim_report_number(s->pod_hours));
    json_object_set_new(o, "overloadSeconds", sim_report_number(s->overload_seconds));
    json_object_set_new(o, "unservedFraction", sim_report_number(s->unserved_fraction));
    json_object_set_new(o, "utilization",
                        json_pack("{s:o,s:o,s:o,s:o}", "mean", sim_report_number(s->util_mean), "p50",
                                  sim_report_number(s->util_p50), "p95", sim_report_number(s->util_p95), "p99", sim_report_number(s->util_p99)));
    json_object_set_new(o, "scaleUps", json_integer(s->scale_ups));
    json_object_set_new(o, "scaleDowns", json_integer(s->scale_downs));
    json_object_set_new(o, "flaps", json_integer(s->flaps));
    json_object_set_new(o, "minReplicas", json_integer(s->min_replicas));
    json_object_set_new(o, "maxReplicas", json_integer(s->max_replicas));
    json_object_set_new(o, "reactionSeconds", sim_report_number(s->reaction_seconds));
    json_object_set_new(o, "responseTime",
                        json_pack("{s:o,s:o}", "mean", sim_report_number(s->resp_mean), "p95", sim_report_number(s->resp_p95)));
    return o;
}

static json_t *run_json(const sim_labeled *l)
{
    json_t *o = sim_report_summary_json(&l->r->sum);

    if (!o)
        return NULL;
    json_object_set_new(o, "name", json_string(l->name ? l->name : ""));
    if (l->policy)
        json_object_set_new(o, "policy", json_string(l->policy));
    if (l->trace)
        json_object_set_new(o, "trace", json_string(l->trace));
    json_object_set_new(o, "durationSeconds", sim_report_number(l->r->sum.duration_s));
    json_object_set_new(o, "requests", sim_report_number(l->r->sum.requests));
    json_object_set_new(o, "syncs", json_integer((json_int_t)l->r->sum.syncs));
    return o;
}

/* Fleet totals: sums, with the fractions weighted by requests. */
static sim_summary fleet_total(const sim_labeled *runs, size_t n)
{
    sim_summary t;
    double unserved = 0, resp = 0, umean = 0, ut = 0, react = 0;
    size_t i;

    memset(&t, 0, sizeof(t));
    t.min_replicas = INT32_MAX;
    for (i = 0; i < n; i++) {
        const sim_summary *s = &runs[i].r->sum;
        t.pod_seconds += s->pod_seconds;
        t.overload_seconds += s->overload_seconds;
        t.requests += s->requests;
        unserved += s->unserved_fraction * s->requests;
        resp += s->resp_mean * s->requests;
        umean += s->util_mean * s->duration_s;
        ut += s->duration_s;
        t.scale_ups += s->scale_ups;
        t.scale_downs += s->scale_downs;
        t.flaps += s->flaps;
        react += s->reaction_seconds * s->reactions;
        t.reactions += s->reactions;
        t.syncs += s->syncs;
        if (s->min_replicas < t.min_replicas)
            t.min_replicas = s->min_replicas;
        if (s->max_replicas > t.max_replicas)
            t.max_replicas = s->max_replicas;
        /* quantiles do not add up: the total shows the largest */
        t.resp_p95 = fmax(t.resp_p95, s->resp_p95);
        t.util_p50 = fmax(t.util_p50, s->util_p50);
        t.util_p95 = fmax(t.util_p95, s->util_p95);
        t.util_p99 = fmax(t.util_p99, s->util_p99);
        t.duration_s = fmax(t.duration_s, s->duration_s);
    }
    if (t.min_replicas == INT32_MAX)
        t.min_replicas = 0;
    t.pod_hours = t.pod_seconds / 3600;
    t.unserved_fraction = t.requests > 0 ? unserved / t.requests : 0;
    t.resp_mean = t.requests > 0 ? resp / t.requests : 0;
    t.util_mean = ut > 0 ? umean / ut : 0;
    t.reaction_seconds = t.reactions ? react / t.reactions : 0;
    return t;
}

json_t *sim_report_json(const sim_report_meta *meta, const sim_labeled *runs, size_t n)
{
    json_t *o, *arr;
    size_t i;

    if (meta->mode == SIM_MODE_SINGLE && n == 1) {
        o = run_json(&runs[0]);
        if (o)
            json_object_set_new(o, "seed", json_integer((json_int_t)meta->seed));
        return o;
    }
    o = json_object();
    arr = json_array();
    if (!o || !arr) {
        json_decref(o);
        json_decref(arr);
        return NULL;
    }
    json_object_set_new(o, "mode", json_string(meta->mode == SIM_MODE_FLEET ? "fleet" : "compare"));
    json_object_set_new(o, "seed", json_integer((json_int_t)meta->seed));
    for (i = 0; i < n; i++)
        json_array_append_new(arr, run_json(&runs[i]));
    json_object_set_new(o, "runs", arr);
    if (meta->mode == SIM_MODE_FLEET) {
        sim_summary t = fleet_total(runs, n);
        json_t *tj = sim_report_summary_json(&t);
        if (tj)
            json_object_set_new(tj, "requests", sim_report_number(t.requests));
        json_object_set_new(o, "total", tj);
    }
    return o;
}

/* The failed call's errno, with the file named. */
static hpa_errcode io_error(const char *path, const char *what, hpa_err *e)
{
    hpa_err_set(e, HPA_EIO, NULL, "%s: %s", what, strerror(errno));
    if (e)
        snprintf(e->file, sizeof(e->file), "%s", path);
    return HPA_EIO;
}

hpa_errcode sim_report_open(const char *path, FILE **f, hpa_err *e)
{
    if (!strcmp(path, "-")) {
        *f = stdout;
        return HPA_OK;
    }
    *f = fopen(path, "wb");
    return *f ? HPA_OK : io_error(path, "cannot write", e);
}

hpa_errcode sim_report_close(const char *path, FILE *f, hpa_err *e)
{
    int bad = ferror(f);

    bad |= f == stdout ? fflush(f) != 0 : fclose(f) != 0;
    return bad ? io_error(path, "write failed", e) : HPA_OK;
}

hpa_errcode sim_report_dump_json(const char *path, json_t *o, hpa_err *e)
{
    FILE *f;
    hpa_errcode rc = sim_report_open(path, &f, e);

    if (rc == HPA_OK) {
        json_dumpf(o, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(9));
        fputc('\n', f);
        rc = sim_report_close(path, f, e);
    }
    json_decref(o);
    return rc;
}

hpa_errcode sim_report_write_text(const char *path, const hpa_strbuf *b, hpa_err *e)
{
    FILE *f;
    hpa_errcode rc = sim_report_open(path, &f, e);

    if (rc != HPA_OK)
        return rc;
    fwrite(hpa_strbuf_cstr(b), 1, b->len, f);
    return sim_report_close(path, f, e);
}

hpa_errcode sim_report_write_json(const char *path, const sim_report_meta *meta,
                                  const sim_labeled *runs, size_t n, hpa_err *e)
{
    json_t *o = sim_report_json(meta, runs, n);

    if (!o)
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory building the JSON summary");
    return sim_report_dump_json(path, o, e);
}

static void csv_num(FILE *f, double v)
{
    if (isfinite(v))
        fprintf(f, ",%.6g", v);
    else
        fputs(",", f);
}

hpa_errcode sim_report_write_csv(const char *path, const sim_report_meta *meta,
                                 const sim_labeled *runs, size_t n, hpa_err *e)
{
    FILE *f;
    hpa_errcode rc;
    size_t i, k;
    bool label = n > 1 || meta->mode != SIM_MODE_SINGLE;

    if ((rc = sim_report_open(path, &f, e)) != HPA_OK)
        return rc;
    if (label)
        fputs("run,", f);
    fputs("time_s,demand_rps,desired,ready,total_pods,utilization_seen_pct,capacity_rps,unserved_rps,"
          "utilization_actual_pct,response_s\n", f);
    for (i = 0; i < n; i++) {
        const sim_result *r = runs[i].r;
        for (k = 0; k < r->n_rows; k++) {
            const sim_row *w = &r->rows[k];
            if (label)
                fprintf(f, "%s,", runs[i].name ? runs[i].name : "");
            fprintf(f, "%.3f", w->t_s);
            csv_num(f, w->demand);
            fprintf(f, ",%d,%d,%d", (int)w->desired, (int)w->ready, (int)w->total);
            csv_num(f, w->util_seen);
            csv_num(f, w->capacity);
            csv_num(f, w->unserved);
            csv_num(f, w->util);
            csv_num(f, w->resp);
            fputc('\n', f);
        }
    }
    return sim_report_close(path, f, e);
}

/* ---- the table ------------------------------------------------------------ */

static void table_row(FILE *out, const char *name, const sim_summary *s)
{
    fprintf(out, "%-24.24s %10.2f %9.0f %9.3f%% %6.1f %6.1f %5d %5d %5d %3d-%-3d %8.1f %9.1f %9.1f\n",
            name, s->pod_hours, s->overload_seconds, s->unserved_fraction * 100, s->util_mean,
            s->util_p95, s->scale_ups, s->scale_downs, s->flaps, (int)s->min_replicas,
            (int)s->max_replicas, s->reaction_seconds, s->resp_mean * 1000, s->resp_p95 * 1000);
}

void sim_report_table(FILE *out, const sim_report_meta *meta, const sim_labeled *runs, size_t n)
{
    size_t i;

    fprintf(out, "%-24s %10s %9s %10s %6s %6s %5s %5s %5s %7s %8s %9s %9s\n", "run", "pod-hours",
            "overload", "unserved", "util", "p95", "ups", "downs", "flaps", "replica", "react",
            "resp(ms)", "p95(ms)");
    fprintf(out, "%-24s %10s %9s %10s %6s %6s %5s %5s %5s %7s %8s %9s %9s\n", "", "", "(s)", "",
            "(%)", "(%)", "", "", "", "min-max", "(s)", "mean", "");
    for (i = 0; i < n; i++)
        table_row(out, runs[i].name ? runs[i].name : "", &runs[i].r->sum);
    if (meta->mode == SIM_MODE_FLEET && n > 1) {
        sim_summary t = fleet_total(runs, n);
        table_row(out, "TOTAL", &t);
    }
}

/* ---- HTML + SVG -------------------------------------------------------------- */

static const sim_svg_frame frame = {920, 280, 64, 16, 34, 42, false};

typedef struct pmark {
    double x, y;
    int up;
    const char *color;
} pmark;

static void svg_plot(hpa_strbuf *b, const char *title, const char *xunit, const char *ylabel,
                     double xmax, double ymax, const sim_svg_series *lines, size_t nl,
                     const pmark *marks, size_t nm)
{
    sim_svg_axes a = {&frame, 0, xmax, 0, 0, 1e-9};
    char xlabel[64];
    size_t i;
    double lx = frame.ml + 8;

    if (!(ymax > 0))
        ymax = 1;
    a.y1 = ymax * 1.05;
    sim_svg_begin(b, &frame, title, title);
    snprintf(xlabel, sizeof(xlabel), "time (%s)", xunit);
    sim_svg_axes_draw(b, &a, xlabel, ylabel);
    for (i = 0; i < nl; i++)
        sim_svg_series_draw(b, &a, &lines[i]);
    for (i = 0; i < nm; i++) {
        double x = sim_svg_x(&a, marks[i].x), y = sim_svg_y(&a, marks[i].y);
        if (marks[i].up)
            hpa_strbuf_printf(b, "<path class=\"ev\" d=\"M%.1f %.1fl-4 7h8z\" fill=\"%s\"/>\n", x, y - 9,
                              marks[i].color);
        else
            hpa_strbuf_printf(b, "<path class=\"ev\" d=\"M%.1f %.1fl-4 -7h8z\" fill=\"%s\" opacity=\"0.6\"/>\n",
                              x, y + 9, marks[i].color);
    }
    for (i = 0; i < nl; i++) {
        if (!lines[i].label)
            continue;
        sim_svg_legend_line(b, lx, frame.mt + 4, lines[i].color, lines[i].dash, lines[i].label);
        hpa_strbuf_append(b, "\n");
        lx += 30 + 6.5 * (double)strlen(lines[i].label);
    }
    sim_svg_end(b);
}
/* Column `field` of a run's rows, as doubles. */
enum { F_T, F_DEMAND, F_CAP, F_DESIRED, F_READY, F_SEEN, F_UTIL };

static double *column(const sim_result *r, int field, double tdiv)
{
    double *v = malloc((r->n_rows ? r->n_rows : 1) * sizeof(double));
    size_t i;

    if (!v)
        return NULL;
    for (i = 0; i < r->n_rows; i++) {
        const sim_row *w = &r->rows[i];
        switch (field) {
        case F_T: v[i] = (w->t_s + r->step_s) / tdiv; break;
        case F_DEMAND: v[i] = w->demand; break;
        case F_CAP: v[i] = w->capacity; break;
        case F_DESIRED: v[i] = w->desired; break;
        case F_READY: v[i] = w->ready; break;
        case F_SEEN: v[i] = w->util_seen; break;
        default: v[i] = w->util; break;
        }
    }
    return v;
}

static double col_max(const double *v, size_t n)
{
    double m = 0;
    size_t i;

    for (i = 0; i < n; i++)
        if (!isnan(v[i]) && v[i] > m)
            m = v[i];
    return m;
}

static void html_table(hpa_strbuf *b, const sim_report_meta *meta, const sim_labeled *runs, size_t n)
{
    static const char *const cols[] = {"run", "pod-hours", "overload s", "unserved %", "util mean %",
                                       "util p50 %", "util p95 %", "util p99 %", "scale-ups", "scale-downs",
                                       "flaps", "replicas", "reaction s", "resp. mean ms", "resp. p95 ms"};
    size_t i;

    sim_html_table_begin(b, "summary", cols, sizeof(cols) / sizeof(cols[0]));
    for (i = 0; i <= n; i++) {
        sim_summary t;
        const sim_summary *s;
        const char *name;
        if (i == n) {
            if (meta->mode != SIM_MODE_FLEET || n < 2)
                break;
            t = fleet_total(runs, n);
            s = &t;
            name = "TOTAL";
        } else {
            s = &runs[i].r->sum;
            name = runs[i].name ? runs[i].name : "";
        }
        sim_html_row_begin(b, i < n ? palette[i % NPAL] : "#000", name);
        hpa_strbuf_printf(b, "</td><td>%.2f</td><td>%.0f</td><td>%.3f</td><td>%.1f</td><td>%.1f</td>"
                             "<td>%.1f</td><td>%.1f</td><td>%d</td><td>%d</td><td>%d</td><td>%d&#8211;%d</td>"
                             "<td>%.1f</td><td>%.1f</td><td>%.1f</td></tr>\n",
                          s->pod_hours, s->overload_seconds, s->unserved_fraction * 100, s->util_mean,
                          s->util_p50, s->util_p95, s->util_p99, s->scale_ups, s->scale_downs, s->flaps,
                          (int)s->min_replicas, (int)s->max_replicas, s->reaction_seconds,
                          s->resp_mean * 1000, s->resp_p95 * 1000);
    }
    sim_html_table_end(b);
}

/* Overlaid runs often coincide: earlier ones are drawn wider so that
 * every run stays visible. */
static double run_width(size_t i, size_t n)
{
    return n > 1 ? 1.2 + 2.4 * (double)(n - 1 - i) / (double)(n - 1) : 1.4;
}

/* Plots for runs[0..n): overlaid (compare) or one set per run (fleet). */
static int html_plots(hpa_strbuf *b, const sim_labeled *runs, size_t n, size_t color0)
{
    double xmax = 0, dmax = 0, rmax = 0, umax = 0, tdiv = 3600, target = 0;
    const char *xunit = "hours";
    sim_svg_series *lines = calloc(3 * n + 2, sizeof(sim_svg_series));
    double **cols = calloc(8 * n + 1, sizeof(double *));
    pmark *marks = NULL;
    size_t i, nl, nm = 0, cap_m = 0;
    int rc = -1;

    if (!lines || !cols)
        goto out;
    for (i = 0; i < n; i++)
        if (runs[i].r->sum.duration_s > xmax)
            xmax = runs[i].r->sum.duration_s;
    if (xmax < 3 * 3600) {
        tdiv = 60;
        xunit = "minutes";
    }
    xmax /= tdiv;
    for (i = 0; i < n; i++) {
        const sim_result *r = runs[i].r;
        int f;
        for (f = 0; f < 7; f++)
            if (!(cols[7 * i + f] = column(r, f, tdiv)))
                goto out;
        dmax = fmax(dmax, fmax(col_max(cols[7 * i + F_DEMAND], r->n_rows), col_max(cols[7 * i + F_CAP], r->n_rows)));
        rmax = fmax(rmax, fmax(col_max(cols[7 * i + F_DESIRED], r->n_rows), r->hpa_max));
        umax = fmax(umax, fmax(col_max(cols[7 * i + F_SEEN], r->n_rows), col_max(cols[7 * i + F_UTIL], r->n_rows)));
        if (r->target_util > target)
            target = r->target_util;
        cap_m += r->n_events < 3000 ? r->n_events : 3000;
    }
    marks = calloc(cap_m + 1, sizeof(*marks));
    if (!marks)
        goto out;
    /* 1: demand against ready capacity */
    nl = 0;
    lines[nl++] = (sim_svg_series){"#444", NULL, 1.2, "demand", runs[0].r->n_rows, cols[F_T], cols[F_DEMAND]};
    for (i = 0; i < n; i++)
        lines[nl++] = (sim_svg_series){palette[(color0 + i) % NPAL], NULL, run_width(i, n),
                              n > 1 ? runs[i].name : "ready capacity (at CPU limit)", runs[i].r->n_rows,
                              cols[7 * i + F_T], cols[7 * i + F_CAP]};
    svg_plot(b, "Demand against ready capacity", xunit, "requests / s", xmax, dmax, lines, nl, NULL, 0);
    /* 2: replicas, with the scale events */
    nl = 0;
    for (i = 0; i < n; i++) {
        const sim_result *r = runs[i].r;
        size_t k;
        lines[nl++] = (sim_svg_series){palette[(color0 + i) % NPAL], "5 3", 1.2, n > 1 ? NULL : "desired",
                              r->n_rows, cols[7 * i + F_T], cols[7 * i + F_DESIRED]};
        lines[nl++] = (sim_svg_series){palette[(color0 + i) % NPAL], NULL, run_width(i, n), n > 1 ? runs[i].name : "ready",
                              r->n_rows, cols[7 * i + F_T], cols[7 * i + F_READY]};
        for (k = 0; k < r->n_events && k < 3000; k++)
            marks[nm++] = (pmark){(double)r->events[k].t / 1000.0 / tdiv, r->events[k].to,
                                  r->events[k].to > r->events[k].from, palette[(color0 + i) % NPAL]};
    }
    svg_plot(b, "Replicas: desired (dashed) and ready (solid); triangles mark scale events", xunit,
             "pods", xmax, rmax, lines, nl, marks, nm);
    /* 3: utilization as the controller saw it, against the target */
    nl = 0;
    for (i = 0; i < n; i++)
        lines[nl++] = (sim_svg_series){palette[(color0 + i) % NPAL], NULL, run_width(i, n),
                              n > 1 ? runs[i].name : "CPU utilization in the HPA status", runs[i].r->n_rows,
                              cols[7 * i + F_T], cols[7 * i + F_SEEN]};
    /* One target line when the runs share their target; else one per run,
     * dashed in the run's colour, so that a comparison is not read
     * against another policy's target. */
    for (i = 0; i < n; i++) {
        const sim_result *r = runs[i].r;
        bool shared = true, labelled = nl > n;
        size_t k;
        double *txp;

        if (!(r->target_util > 0))
            continue;
        for (k = 0; k < n; k++)
            if (runs[k].r->target_util != r->target_util)
                shared = false;
        if (shared && i > 0)
            break;
        if (!(txp = cols[7 * n + i] = malloc(4 * sizeof(double))))
            goto out;
        txp[0] = 0;
        txp[1] = xmax;
        txp[2] = r->target_util;
        txp[3] = r->target_util;
        if (shared) {
            lines[nl++] = (sim_svg_series){"#000", "2 4", 1.2, "target", 2, txp, txp + 2};
            break;
        }
        lines[nl++] = (sim_svg_series){palette[(color0 + i) % NPAL], "2 4", 1.2,
                                       labelled ? NULL : "targets (dotted)", 2, txp, txp + 2};
        labelled = true;
    }
    svg_plot(b, "CPU utilization (% of request) seen by the controller, against the target", xunit,
             "% of request", xmax, fmax(umax, target * 1.2), lines, nl, NULL, 0);
    rc = 0;
out:
    if (cols)
        for (i = 0; i < 8 * n + 1; i++)
            free(cols[i]);
    free(cols);
    free(lines);
    free(marks);
    return rc;
}

hpa_errcode sim_report_write_html(const char *path, const sim_report_meta *meta,
                                  const sim_labeled *runs, size_t n, hpa_err *e)
{
    hpa_strbuf b = HPA_STRBUF_INIT;
    hpa_errcode rc;
    sim_html_page page = {meta->title ? meta->title : "hpa-engine simulation", 1000, 12, true, NULL};
    size_t i;
    int bad = 0;

    sim_html_begin(&b, &page);
    hpa_strbuf_append(&b, "<h1>");
    sim_html_esc(&b, meta->title ? meta->title : "hpa-engine simulation");
    hpa_strbuf_append(&b, "</h1>\n");
    if (meta->description) {
        hpa_strbuf_append(&b, "<p>");
        sim_html_esc(&b, meta->description);
        hpa_strbuf_append(&b, "</p>\n");
    }
    hpa_strbuf_printf(&b, "<p class=\"note\">Mode: %s; seed %llu. Pod-hours count scheduled pods "
                          "(terminating ones until their grace period ends); overload is time in which the "
                          "load exceeded what the Ready pods serve at their CPU limit; response times come "
                          "from an M/M/c model per step (docs/simulator.md).</p>\n",
                      meta->mode == SIM_MODE_FLEET ? "fleet" : meta->mode == SIM_MODE_COMPARE ? "compare" : "single",
                      (unsigned long long)meta->seed);
    html_table(&b, meta, runs, n);
    for (i = 0; i < n; i++) {
        hpa_strbuf_append(&b, "<p class=\"note\">");
        sim_html_esc(&b, runs[i].name ? runs[i].name : "");
        hpa_strbuf_append(&b, ": policy ");
        sim_html_esc(&b, runs[i].policy ? runs[i].policy : "-");
        hpa_strbuf_append(&b, ", trace ");
        sim_html_esc(&b, runs[i].trace ? runs[i].trace : "-");
        hpa_strbuf_append(&b, "</p>\n");
    }
    if (meta->mode == SIM_MODE_FLEET) {
        size_t shown = 0;
        for (i = 0; i < n && shown < 8; i++) {
            if (!runs[i].r->rows)
                continue;
            hpa_strbuf_append(&b, "<h2>");
            sim_html_esc(&b, runs[i].name ? runs[i].name : "");
            hpa_strbuf_append(&b, "</h2>\n");
            bad |= html_plots(&b, &runs[i], 1, i);
            shown++;
        }
        if (shown < n)
            hpa_strbuf_printf(&b, "<p class=\"note\">Plots are shown for the first %zu of %zu workloads.</p>\n",
                              shown, n);
    } else if (n > 0) {
        bad |= html_plots(&b, runs, n, 0);
    }
    sim_html_end(&b, "simulate");
    if (bad || b.oom) {
        hpa_strbuf_free(&b);
        return hpa_err_set(e, HPA_ENOMEM, NULL, "out of memory writing the report");
    }
    rc = sim_report_write_text(path, &b, e);
    hpa_strbuf_free(&b);
    return rc;
}
