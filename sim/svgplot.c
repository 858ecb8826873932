/* svgplot.c - HTML and inline-SVG pieces of the reports (see svgplot.h). */
#include "svgplot.h"

#include <math.h>
#include <stdint.h>

#define BUCKETS 900

/* ---- HTML ------------------------------------------------------------------ */

void sim_html_esc(hpa_strbuf *b, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': hpa_strbuf_append(b, "&lt;"); break;
        case '>': hpa_strbuf_append(b, "&gt;"); break;
        case '&': hpa_strbuf_append(b, "&amp;"); break;
        case '"': hpa_strbuf_append(b, "&quot;"); break;
        default: hpa_strbuf_appendn(b, s, 1);
        }
    }
}

void sim_html_begin(hpa_strbuf *b, const sim_html_page *pg)
{
    hpa_strbuf_append(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>");
    sim_html_esc(b, pg->title);
    hpa_strbuf_printf(b, "</title>\n<style>\nbody{font-family:sans-serif;margin:24px;color:#222;max-width:%dpx}"
                         "table{border-collapse:collapse;font-size:%dpx;margin:12px 0}"
                         "th,td{border:1px solid #ccc;padding:3px 7px;text-align:right%s}%s"
                         "td:first-child,th:first-child{text-align:left}"
                         ".sw{display:inline-block;width:10px;height:10px;margin-right:6px}"
                         "svg.plot{display:block;margin:14px 0;border:1px solid #ddd}"
                         "p.note{font-size:12px;color:#555}%s\n</style></head><body>\n",
                      pg->max_width_px, pg->table_font_px, pg->nowrap_cells ? ";white-space:nowrap" : "",
                      pg->nowrap_cells ? "th{white-space:normal}" : "", pg->extra_css ? pg->extra_css : "");
}

void sim_html_end(hpa_strbuf *b, const char *tool)
{
    hpa_strbuf_printf(b, "<p class=\"note\">Written by hpa-engine %s.</p>\n</body></html>\n", tool);
}

void sim_html_table_begin(hpa_strbuf *b, const char *id, const char *const *cols, size_t n)
{
    size_t i;

    hpa_strbuf_append(b, "<table");
    if (id) {
        hpa_strbuf_append(b, " id=\"");
        sim_html_esc(b, id);
        hpa_strbuf_append(b, "\"");
    }
    hpa_strbuf_append(b, "><thead><tr>");
    for (i = 0; i < n; i++) {
        hpa_strbuf_append(b, "<th>");
        sim_html_esc(b, cols[i]);
        hpa_strbuf_append(b, "</th>");
    }
    hpa_strbuf_append(b, "</tr></thead><tbody>\n");
}

void sim_html_table_end(hpa_strbuf *b)
{
    hpa_strbuf_append(b, "</tbody></table>\n");
}

void sim_html_row_begin(hpa_strbuf *b, const char *color, const char *name)
{
    hpa_strbuf_printf(b, "<tr><td><span class=\"sw\" style=\"background:%s\"></span>", color);
    sim_html_esc(b, name);
}

/* ---- SVG plots --------------------------------------------------------------- */

double sim_svg_nice_step(double range, int ticks)
{
    double raw = range / ticks, mag, f;

    if (!(raw > 0))
        return 1;
    mag = pow(10, floor(log10(raw)));
    f = raw / mag;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * mag;
}

double sim_svg_x(const sim_svg_axes *a, double x)
{
    const sim_svg_frame *fr = a->fr;

    return fr->ml + (a->x1 > a->x0 ? (x - a->x0) / (a->x1 - a->x0) : a->x_flat) * (fr->w - fr->ml - fr->mr);
}

double sim_svg_y(const sim_svg_axes *a, double y)
{
    const sim_svg_frame *fr = a->fr;
    double v = a->y1 > 0 ? y / a->y1 : 0;

    return fr->h - fr->mb - (v > 1.05 ? 1.05 : v) * (fr->h - fr->mt - fr->mb);
}

void sim_svg_begin(hpa_strbuf *b, const sim_svg_frame *fr, const char *aria_label, const char *title)
{
    hpa_strbuf_printf(b, "<svg%s class=\"plot\" width=\"%.0f\" height=\"%.0f\" "
                         "viewBox=\"0 0 %.0f %.0f\" role=\"img\" aria-label=\"",
                      fr->xmlns ? " xmlns=\"http://www.w3.org/2000/svg\"" : "", fr->w, fr->h, fr->w, fr->h);
    sim_html_esc(b, aria_label);
    hpa_strbuf_append(b, "\">\n<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n");
    hpa_strbuf_printf(b, "<text x=\"%.0f\" y=\"18\" font-size=\"14\" font-weight=\"bold\">", fr->ml);
    sim_html_esc(b, title);
    hpa_strbuf_append(b, "</text>\n");
}

void sim_svg_end(hpa_strbuf *b)
{
    hpa_strbuf_append(b, "</svg>\n");
}

void sim_svg_axes_draw(hpa_strbuf *b, const sim_svg_axes *a, const char *xlabel, const char *ylabel)
{
    const sim_svg_frame *fr = a->fr;
    double st, v;

    st = sim_svg_nice_step(a->y1, 5);
    for (v = 0; v <= a->y1 + a->y_slack; v += st)
        hpa_strbuf_printf(b, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#e5e5e5\"/>"
                             "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%g</text>\n",
                          fr->ml, fr->w - fr->mr, sim_svg_y(a, v), sim_svg_y(a, v), fr->ml - 4,
                          sim_svg_y(a, v) + 4, v);
    st = sim_svg_nice_step(a->x1 - a->x0, 8);
    for (v = a->x0; v <= a->x1 + 1e-9; v += st)
        hpa_strbuf_printf(b, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"#eee\"/>"
                             "<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"middle\">%g</text>\n",
                          sim_svg_x(a, v), sim_svg_x(a, v), fr->mt, fr->h - fr->mb, sim_svg_x(a, v),
                          fr->h - fr->mb + 14, v);
    hpa_strbuf_printf(b, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"#333\"/>"
                         "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"#333\"/>\n",
                      fr->ml, fr->w - fr->mr, fr->h - fr->mb, fr->h - fr->mb, fr->ml, fr->ml, fr->mt,
                      fr->h - fr->mb);
    hpa_strbuf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"middle\">",
                      (fr->ml + fr->w - fr->mr) / 2, fr->h - 8);
    sim_html_esc(b, xlabel);
    hpa_strbuf_printf(b, "</text>\n<text x=\"14\" y=\"%.0f\" font-size=\"11\" text-anchor=\"middle\" "
                         "transform=\"rotate(-90 14 %.0f)\">",
                      (fr->mt + fr->h - fr->mb) / 2, (fr->mt + fr->h - fr->mb) / 2);
    sim_html_esc(b, ylabel);
    hpa_strbuf_append(b, "</text>\n");
}

void sim_svg_polyline_begin(hpa_strbuf *b, const char *color, double width, const char *dash)
{
    hpa_strbuf_printf(b, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\"%s%s%s points=\"", color,
                      width, dash ? " stroke-dasharray=\"" : "", dash ? dash : "", dash ? "\"" : "");
}

void sim_svg_point(hpa_strbuf *b, const sim_svg_axes *a, double x, double y)
{
    hpa_strbuf_printf(b, "%.1f,%.1f ", sim_svg_x(a, x), sim_svg_y(a, y));
}

void sim_svg_polyline_end(hpa_strbuf *b)
{
    hpa_strbuf_append(b, "\"/>\n");
}

void sim_svg_series_draw(hpa_strbuf *b, const sim_svg_axes *a, const sim_svg_series *s)
{
    size_t per = s->n > 2 * BUCKETS ? (s->n + BUCKETS - 1) / BUCKETS : 1;
    size_t i;
    bool open = false;

    for (i = 0; i < s->n; i += per) {
        size_t j, end = i + per < s->n ? i + per : s->n, imin = SIZE_MAX, imax = SIZE_MAX;
        for (j = i; j < end; j++) {
            if (isnan(s->y[j]))
                continue;
            if (imin == SIZE_MAX || s->y[j] < s->y[imin])
                imin = j;
            if (imax == SIZE_MAX || s->y[j] > s->y[imax])
                imax = j;
        }
        if (imin == SIZE_MAX) {
            if (open)
                sim_svg_polyline_end(b);
            open = false;
            continue;
        }
        if (!open) {
            sim_svg_polyline_begin(b, s->color, s->width, s->dash);
            open = true;
        }
        if (imin == imax) {
            sim_svg_point(b, a, s->x[imin], s->y[imin]);
        } else {
            /* both extremes, in time order */
            size_t lo = imin < imax ? imin : imax, hi = imin < imax ? imax : imin;
            sim_svg_point(b, a, s->x[lo], s->y[lo]);
            sim_svg_point(b, a, s->x[hi], s->y[hi]);
        }
    }
    if (open)
        sim_svg_polyline_end(b);
}

void sim_svg_legend_line(hpa_strbuf *b, double x, double y, const char *color, const char *dash,
                         const char *label)
{
    hpa_strbuf_printf(b, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" stroke-width=\"2\"%s%s%s/>"
                         "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">",
                      x, x + 18, y, y, color, dash ? " stroke-dasharray=\"" : "", dash ? dash : "",
                      dash ? "\"" : "", x + 22, y + 4);
    sim_html_esc(b, label);
    hpa_strbuf_append(b, "</text>");
}
