/*
 * cmd_simulate.c - `hpa-engine simulate`: replay a load trace through the
 * controller loop and the decision core against the modelled cluster, and
 * report cost and SLO (sim/).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "hpa/arena.h"
#include "hpa/error.h"
#include "cliopts.h"
#include "fleet.h"
#include "report.h"
#include "run.h"
#include "scenario.h"
#include "trace.h"

#define MAX_POLICIES 16

static void usage(FILE *out)
{
    fprintf(out,
            "usage: hpa-engine simulate --policy P.yaml --trace T.csv [options]\n"
            "       hpa-engine simulate --scenario S.yaml [options]\n\n"
            "Replay a load trace through the HPA controller against a modelled cluster.\n\n"
            "  --policy FILE       HPA manifest; give it several times to compare policies\n"
            "  --trace FILE        CSV trace (time_s,value or RFC 3339,value)\n"
            "  --scenario FILE     scenario: model settings, trace kind, or several workloads\n"
            "  --kind KIND         trace kind: requests (default) or cpu\n"
            "  --unit UNIT         perMinute (default), perSecond; percent, cores, normalized, millicores\n"
            "  --seed N            random seed (default: the scenario's, else 1)\n"
            "  --load-scale X      multiply the load by X\n"
            "  --peak X            scale the load so that its peak is X requests/s\n"
            "  --from S, --to S    cut the trace to [S, T) seconds (or durations: 10d, 36h)\n"
            "  --resample MODE     step (default) or linear\n"
            "  --step S            resampling step in seconds (default: the trace's median step)\n"
            "  --json FILE         write the summary as JSON ('-' for stdout)\n"
            "  --csv FILE          write the time series as CSV\n"
            "  --report FILE       write a self-contained HTML report with plots\n"
            "  --threads N         worker threads for fleets (default: all CPUs)\n"
            "  --quiet             do not print the summary table\n");
}

/* The run's name: the policy file's base name without extension. */
static char *policy_label(const char *path)
{
    const char *b = strrchr(path, '/');
    const char *dot;
    char *s;

    b = b ? b + 1 : path;
    dot = strrchr(b, '.');
    s = strndup(b, dot && dot != b ? (size_t)(dot - b) : strlen(b));
    return s;
}

typedef struct trace_cache {
    size_t n;
    char *path[64];
    sim_trace_raw raw[64];
} trace_cache;

static hpa_errcode cached_series(trace_cache *tc, const sim_workload *w, sim_series *out, hpa_err *e)
{
    size_t i;
    sim_trace_opts o = w->trace.opts;
    const sim_trace_raw *raw = NULL;
    sim_trace_raw tmp;
    hpa_errcode rc;

    if (!w->trace.file)
        return hpa_err_set(e, HPA_EMISSING, "trace.file", "no trace given for workload %s (use --trace)",
                           w->name ? w->name : "");
    for (i = 0; i < tc->n; i++)
        if (!strcmp(tc->path[i], w->trace.file))
            raw = &tc->raw[i];
    if (!raw) {
        if ((rc = sim_trace_read(w->trace.file, &tmp, e)) != HPA_OK)
            return rc;
        if (tc->n < 64 && (tc->path[tc->n] = strdup(w->trace.file))) {
            tc->raw[tc->n] = tmp;
            raw = &tc->raw[tc->n++];
        } else {
            o.unit_factor = sim_trace_unit_factor(&w->trace, &w->model);
            rc = sim_trace_resample(&tmp, &o, w->trace.file, out, e);
            sim_trace_raw_free(&tmp);
            return rc;
        }
    }
    o.unit_factor = sim_trace_unit_factor(&w->trace, &w->model);
    return sim_trace_resample(raw, &o, w->trace.file, out, e);
}

static void print_err(const hpa_err *e)
{
    char buf[1200];

    fprintf(stderr, "hpa-engine simulate: %s\n", hpa_err_format(e, buf, sizeof(buf)));
}

int cmd_simulate(int argc, char **argv)
{
    enum { O_POLICY = 256, O_TRACE, O_SCENARIO, O_SEED, O_JSON, O_CSV, O_REPORT, O_SCALE,
           O_PEAK, O_FROM, O_TO, O_RESAMPLE, O_STEP, O_THREADS, O_QUIET, O_KIND, O_UNIT, O_HELP };
    static const struct option longopts[] = {
        {"policy", required_argument, NULL, O_POLICY}, {"trace", required_argument, NULL, O_TRACE},
        {"scenario", required_argument, NULL, O_SCENARIO}, {"seed", required_argument, NULL, O_SEED},
        {"json", required_argument, NULL, O_JSON}, {"csv", required_argument, NULL, O_CSV},
        {"report", required_argument, NULL, O_REPORT}, {"load-scale", required_argument, NULL, O_SCALE},
        {"peak", required_argument, NULL, O_PEAK}, {"from", required_argument, NULL, O_FROM},
        {"to", required_argument, NULL, O_TO}, {"resample", required_argument, NULL, O_RESAMPLE},
        {"step", required_argument, NULL, O_STEP}, {"threads", required_argument, NULL, O_THREADS},
        {"quiet", no_argument, NULL, O_QUIET}, {"kind", required_argument, NULL, O_KIND},
        {"unit", required_argument, NULL, O_UNIT}, {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0}};
    const char *policies[MAX_POLICIES];
    size_t n_pol = 0, i, n_jobs = 0;
    const char *trace = NULL, *scenario = NULL, *json = NULL, *csv = NULL, *report = NULL;
    const char *resample = NULL;
    sim_trace_flags tf;
    const char *want;
    bool has_seed = false, quiet = false;
    unsigned long long seed = 1;
    int threads = 0, opt, li = 0, ret = HPA_EXIT_FAIL;
    sim_scenario sc;
    hpa_err e;
    hpa_arena arenas[MAX_POLICIES];
    hpa_spec specs[MAX_POLICIES];
    char *labels[MAX_POLICIES];
    size_t n_specs = 0;
    sim_series *series = NULL;
    sim_job *jobs = NULL;
    sim_labeled *runs = NULL;
    hpa_arena *wl_arenas = NULL;
    hpa_spec *wl_specs = NULL;
    trace_cache tc;
    sim_report_meta meta;
    bool compare;
    char desc[512];

    memset(&sc, 0, sizeof(sc));
    memset(&tc, 0, sizeof(tc));
    memset(labels, 0, sizeof(labels));
    sim_trace_flags_init(&tf);
    hpa_err_clear(&e);
    optind = 1;
    while ((opt = getopt_long(argc, argv, "h", longopts, &li)) != -1) {
        const char *a = optarg;
        switch (opt) {
        case O_POLICY:
            if (n_pol == MAX_POLICIES) {
                fprintf(stderr, "hpa-engine simulate: at most %d policies\n", MAX_POLICIES);
                return HPA_EXIT_USAGE;
            }
            policies[n_pol++] = a;
            break;
        case O_TRACE: trace = a; break;
        case O_SCENARIO: scenario = a; break;
        case O_JSON: json = a; break;
        case O_CSV: csv = a; break;
        case O_REPORT: report = a; break;
        case O_RESAMPLE: resample = a; break;
        case O_KIND: tf.kind = a; break;   /* checked after all the options */
        case O_QUIET: quiet = true; break;
        case O_SEED: {
            char *end;
            errno = 0;
            seed = strtoull(a, &end, 10);
            if (!*a || *end || errno || a[0] == '-') {
                fprintf(stderr, "hpa-engine simulate: --seed: expected a non-negative integer, got \"%s\"\n", a);
                return HPA_EXIT_USAGE;
            }
            has_seed = true;
            break;
        }
        case O_UNIT:
        case O_SCALE:
        case O_PEAK:
        case O_FROM:
        case O_TO:
        case O_STEP:
            if ((want = sim_trace_flags_set(&tf, longopts[li].name, a)) != NULL) {
                fprintf(stderr, "hpa-engine simulate: --%s: expected %s, got \"%s\"\n",
                        longopts[li].name, want, a);
                return HPA_EXIT_USAGE;
            }
            break;
        case O_THREADS:
            threads = atoi(a);
            if (threads <= 0) {
                fprintf(stderr, "hpa-engine simulate: --threads: expected a positive integer\n");
                return HPA_EXIT_USAGE;
            }
            break;
        case 'h':
        case O_HELP:
            usage(stdout);
            return HPA_EXIT_OK;
        default:
            usage(stderr);
            return HPA_EXIT_USAGE;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "hpa-engine simulate: unexpected argument \"%s\"\n", argv[optind]);
        return HPA_EXIT_USAGE;
    }
    if (resample && strcmp(resample, "step") && strcmp(resample, "linear")) {
        fprintf(stderr, "hpa-engine simulate: --resample: expected step or linear, got \"%s\"\n", resample);
        return HPA_EXIT_USAGE;
    }
    if (tf.kind && !sim_trace_kind_valid(tf.kind)) {
        fprintf(stderr, "hpa-engine simulate: --kind: expected requests or cpu, got \"%s\"\n", tf.kind);
        return HPA_EXIT_USAGE;
    }
    if (!scenario && (!trace || n_pol == 0)) {
        fprintf(stderr, "hpa-engine simulate: need --policy and --trace (or a --scenario that names them)\n");
        usage(stderr);
        return HPA_EXIT_USAGE;
    }
    if ((scenario ? sim_scenario_load(scenario, &sc, &e) : sim_scenario_default(&sc, &e)) != HPA_OK) {
        print_err(&e);
        return HPA_EXIT_USAGE;
    }
    if (n_pol > 1 && sc.n > 1) {
        fprintf(stderr, "hpa-engine simulate: comparing policies needs a scenario with one workload\n");
        ret = HPA_EXIT_USAGE;
        goto out;
    }
    /* the command line overrides the scenario */
    for (i = 0; i < sc.n; i++) {
        sim_workload *w = &sc.w[i];
        if (trace) {
            free(w->trace.file);
            w->trace.file = strdup(trace);
        }
        sim_trace_flags_apply(&tf, w);
        if (resample)
            w->trace.opts.resample = strcmp(resample, "linear") ? SIM_RESAMPLE_STEP : SIM_RESAMPLE_LINEAR;
        if (n_pol == 1) {
            free(w->policy);
            w->policy = strdup(policies[0]);
        }
    }
    if (!has_seed)
        seed = sc.has_seed ? sc.seed : 1;
    compare = n_pol > 1;
    /* policies */
    if (compare) {
        for (i = 0; i < n_pol; i++) {
            hpa_arena_init(&arenas[i]);
            n_specs++;
            if (sim_policy_load(policies[i], &arenas[i], &specs[i], &e) != HPA_OK) {
                print_err(&e);
                ret = HPA_EXIT_USAGE;
                goto out;
            }
            labels[i] = policy_label(policies[i]);
        }
        n_jobs = n_pol;
    } else {
        n_jobs = sc.n;
    }
    series = calloc(sc.n, sizeof(*series));
    jobs = calloc(n_jobs, sizeof(*jobs));
    runs = calloc(n_jobs, sizeof(*runs));
    wl_arenas = calloc(sc.n, sizeof(*wl_arenas));
    wl_specs = calloc(sc.n, sizeof(*wl_specs));
    if (!series || !jobs || !runs || !wl_arenas || !wl_specs) {
        fprintf(stderr, "hpa-engine simulate: out of memory\n");
        goto out;
    }
    for (i = 0; i < sc.n; i++) {
        sim_workload *w = &sc.w[i];
        if (cached_series(&tc, w, &series[i], &e) != HPA_OK) {
            print_err(&e);
            ret = HPA_EXIT_USAGE;
            goto out;
        }
        if (compare)
            continue;
        if (!w->policy) {
            fprintf(stderr, "hpa-engine simulate: no policy for workload %s (use --policy)\n", w->name);
            ret = HPA_EXIT_USAGE;
            goto out;
        }
        hpa_arena_init(&wl_arenas[i]);
        if (sim_policy_load(w->policy, &wl_arenas[i], &wl_specs[i], &e) != HPA_OK) {
            print_err(&e);
            ret = HPA_EXIT_USAGE;
            goto out;
        }
    }
    for (i = 0; i < n_jobs; i++) {
        sim_job *j = &jobs[i];
        size_t wi = compare ? 0 : i;
        j->spec = compare ? &specs[i] : &wl_specs[i];
        j->model = &sc.w[wi].model;
        j->load = &series[wi];
        /* compare: the same seed under each policy; fleet: one per workload */
        j->seed = sc.fleet ? sim_fleet_seed(seed, i) : seed;
        j->keep_rows = csv || (report && (!sc.fleet || i < 8));
        if (!compare && !sc.fleet && n_pol == 1 && !labels[0])
            labels[0] = policy_label(policies[0]);
        runs[i].name = compare ? labels[i] : (!sc.fleet && n_pol == 1 && labels[0]) ? labels[0] : sc.w[wi].name;
        runs[i].policy = compare ? policies[i] : sc.w[wi].policy;
        runs[i].trace = sc.w[wi].trace.file;
        runs[i].r = &j->res;
    }
    if (sim_fleet_run(jobs, n_jobs, threads, &e) != HPA_OK) {
        print_err(&e);
        goto out;
    }
    meta.mode = sc.fleet ? SIM_MODE_FLEET : compare ? SIM_MODE_COMPARE : SIM_MODE_SINGLE;
    meta.seed = seed;
    meta.title = sc.fleet ? "hpa-engine fleet simulation" : "hpa-engine simulation";
    snprintf(desc, sizeof(desc), "%s%s, %.1f h simulated.", sc.fleet ? "Workloads from " : "Trace ",
             sc.fleet ? (sc.file ? sc.file : "-") : (sc.w[0].trace.file ? sc.w[0].trace.file : "-"),
             jobs[0].res.sum.duration_s / 3600);
    meta.description = desc;
    /* a file written to stdout is the output: no table around it */
    if ((json && !strcmp(json, "-")) || (csv && !strcmp(csv, "-")) || (report && !strcmp(report, "-")))
        quiet = true;
    if (!quiet)
        sim_report_table(stdout, &meta, runs, n_jobs);
    if ((json && sim_report_write_json(json, &meta, runs, n_jobs, &e) != HPA_OK) ||
        (csv && sim_report_write_csv(csv, &meta, runs, n_jobs, &e) != HPA_OK) ||
        (report && sim_report_write_html(report, &meta, runs, n_jobs, &e) != HPA_OK)) {
        print_err(&e);
        goto out;
    }
    ret = HPA_EXIT_OK;
out:
    if (jobs)
        for (i = 0; i < n_jobs; i++)
            sim_result_free(&jobs[i].res);
    if (series)
        for (i = 0; i < sc.n; i++)
            sim_series_free(&series[i]);
    if (wl_arenas)
        for (i = 0; i < sc.n; i++)
            hpa_arena_free(&wl_arenas[i]);
    for (i = 0; i < n_specs; i++)
        hpa_arena_free(&arenas[i]);
    for (i = 0; i < MAX_POLICIES; i++)
        free(labels[i]);
    for (i = 0; i < tc.n; i++) {
        free(tc.path[i]);
        sim_trace_raw_free(&tc.raw[i]);
    }
    free(series);
    free(jobs);
    free(runs);
    free(wl_arenas);
    free(wl_specs);
    sim_scenario_free(&sc);
    return ret;
}
