/*
 * svgplot.h - the HTML and inline-SVG pieces shared by the simulator's
 * report (report.c) and the tuner's report (tune/output.c): the page head
 * with its style sheet, escaping, tables with colour swatches, and plots
 * (frames, axes with round-numbered ticks, polylines, legend entries).
 *
 * Everything appends to an hpa_strbuf; an allocation failure only sets
 * the buffer's `oom` flag, which the caller checks once at the end. No
 * I/O and no clock: numbers are printed with fixed formats, so the same
 * inputs give the same bytes. Strings are borrowed; those that come from
 * the user (titles, labels, names) are HTML-escaped where noted.
 */
#ifndef SIM_SVGPLOT_H
#define SIM_SVGPLOT_H

#include <stdbool.h>
#include <stddef.h>

#include "hpa/arena.h"

/* ---- HTML ------------------------------------------------------------------ */

/* `s` with < > & " escaped; NULL appends nothing. */
void sim_html_esc(hpa_strbuf *b, const char *s);

/* What differs between the pages: the rest of the style sheet is shared. */
typedef struct sim_html_page {
    const char *title;      /* the <title>, escaped */
    int max_width_px;       /* width of the body */
    int table_font_px;
    bool nowrap_cells;      /* table cells on one line (wide numeric tables); headers still wrap */
    const char *extra_css;  /* rules after the shared ones; NULL for none */
} sim_html_page;

/* Everything from <!DOCTYPE html> to <body> and its newline. */
void sim_html_begin(hpa_strbuf *b, const sim_html_page *pg);
/* "Written by hpa-engine <tool>." and the closing tags. */
void sim_html_end(hpa_strbuf *b, const char *tool);

/* <table> (with id="<id>" unless NULL), a header row of the escaped column
 * names, and <tbody>. */
void sim_html_table_begin(hpa_strbuf *b, const char *id, const char *const *cols, size_t n);
void sim_html_table_end(hpa_strbuf *b);
/* "<tr><td>", a swatch of `color` (the run's colour in the plots) and the
 * escaped name; the caller goes on with "</td><td>...". */
void sim_html_row_begin(hpa_strbuf *b, const char *color, const char *name);

/* ---- SVG plots --------------------------------------------------------------- */

/* A picture: its size and the margins around the plot area, in px. */
typedef struct sim_svg_frame {
    double w, h;
    double ml, mr, mt, mb;
    bool xmlns;             /* declare the SVG namespace on <svg> */
} sim_svg_frame;

/* The scales: x runs from x0 to x1 across the plot area, y from 0 up to
 * y1; values above 1.05 * y1 are drawn at 1.05 * y1. */
typedef struct sim_svg_axes {
    const sim_svg_frame *fr;
    double x0, x1, y1;
    double x_flat;          /* where every x lands (a fraction of the width) when x1 <= x0 */
    double y_slack;         /* a y tick is drawn while it is <= y1 + y_slack */
} sim_svg_axes;

/* One series: points (x[i], y[i]) for i < n; a NaN y breaks the line. */
typedef struct sim_svg_series {
    const char *color;
    const char *dash;       /* stroke-dasharray; NULL: solid */
    double width;
    const char *label;      /* legend text; NULL: not in the legend */
    size_t n;
    const double *x, *y;    /* borrowed */
} sim_svg_series;

/* A round tick spacing (1, 2 or 5 times a power of ten) that cuts `range`
 * into about `ticks` parts; 1 when the range is not positive. */
double sim_svg_nice_step(double range, int ticks);
/* Picture coordinates of a value. */
double sim_svg_x(const sim_svg_axes *a, double x);
double sim_svg_y(const sim_svg_axes *a, double y);

/* <svg> with a white background and a bold title; both texts escaped. */
void sim_svg_begin(hpa_strbuf *b, const sim_svg_frame *fr, const char *aria_label, const char *title);
void sim_svg_end(hpa_strbuf *b);
/* The grid with about 5 y and 8 x ticks from sim_svg_nice_step, the two
 * axes, and their labels (escaped; the y label reads upwards). */
void sim_svg_axes_draw(hpa_strbuf *b, const sim_svg_axes *a, const char *xlabel, const char *ylabel);

/* A polyline point by point: begin, any number of points, end. */
void sim_svg_polyline_begin(hpa_strbuf *b, const char *color, double width, const char *dash);
void sim_svg_point(hpa_strbuf *b, const sim_svg_axes *a, double x, double y);
void sim_svg_polyline_end(hpa_strbuf *b);
/* A whole series, decimated to a min/max envelope of about 900 buckets so
 * that long series stay small and their peaks survive. */
void sim_svg_series_draw(hpa_strbuf *b, const sim_svg_axes *a, const sim_svg_series *s);

/* A legend entry: an 18 px line sample from (x, y) and the escaped label
 * after it (no newline, so that entries can share a line). */
void sim_svg_legend_line(hpa_strbuf *b, double x, double y, const char *color, const char *dash,
                         const char *label);

#endif
