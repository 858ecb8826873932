/*
 * cmd_run.c - `hpa-engine run`: the live controller (src/daemon/).
 *
 * Parses the flags into daemon_opts and hands over to daemon_run(). Bad
 * flags exit 2 with one line naming the flag.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "daemon/daemon.h"
#include "daemon/dlog.h"

#define PROG "hpa-engine run"

static void usage(FILE *out)
{
    fprintf(out,
            "usage: hpa-engine run [options]\n"
            "\n"
            "Run the autoscaling/v2 HPA controller against a Kubernetes API server.\n"
            "\n"
            "cluster:\n"
            "  --kubeconfig FILE        kubeconfig (default: $KUBECONFIG, ~/.kube/config, in-cluster)\n"
            "  --context NAME           kubeconfig context\n"
            "  --qps N --burst N        client-side rate limit (20, 40; qps 0 = none)\n"
            "  --request-timeout 30s    limit of one API request attempt (then retried)\n"
            "HPAs:\n"
            "  --policies DIR|FILE      HPA manifests (YAML/JSON), reloaded on change and SIGHUP\n"
            "  --hpa-source cluster     list and watch HorizontalPodAutoscaler objects instead\n"
            "  --namespace NS           with --hpa-source cluster: only this namespace\n"
            "  --selector LABELS        with --hpa-source cluster: only HPAs with these labels\n"
            "reconciling:\n"
            "  --sync-period 15s        how often each HPA is reconciled (jittered by 10%%)\n"
            "  --dry-run                decide and log, never write anything to the cluster\n"
            "  --once                   one pass over every HPA, print a summary, exit\n"
            "                           (0: all decided, 1: some failed)\n"
            "  --snapshot-dir DIR       dump every decision's input as a `recommend` snapshot\n"
            "  --pod-selection selector|owner  count pods by label (upstream) or by ownership\n"
            "  --max-metric-age 5m      pod metrics older than this count as missing\n"
            "  --state-store annotation|configmap|none  where per-HPA state persists\n"
            "                           (default: annotation with --hpa-source cluster, else configmap)\n"
            "  --tolerance 0.1 --cpu-initialization-period 5m --initial-readiness-delay 30s\n"
            "  --downscale-stabilization 5m   kube-controller-manager's HPA flags\n"
            "high availability:\n"
            "  --leader-elect           only the holder of a coordination.k8s.io Lease writes\n"
            "  --lease-name hpa-engine --lease-namespace NS --identity ID\n"
            "  --lease-duration 15s --renew-deadline 10s --retry-period 2s\n"
            "serving:\n"
            "  --health-addr 127.0.0.1:8080  /healthz, /readyz, /metrics ('' = off; port 0 = any)\n"
            "  --log-format text|json --log-level debug|info|warn|error\n"
            "\n"
            "Signals: SIGTERM/SIGINT finish in-flight syncs, release the lease, exit 0;\n"
            "SIGHUP reloads the policies. See docs/operations.md.\n");
}

static int bad(const char *flag, const char *why, const char *val)
{
    fprintf(stderr, PROG ": %s: %s%s%s%s\n", flag, why, val ? " (got '" : "", val ? val : "",
            val ? "')" : "");
    return HPA_EXIT_USAGE;
}

static int duration(const char *flag, const char *v, hpa_duration_t *out, bool positive)
{
    hpa_err e;

    if (hpa_duration_parse(v, out, &e) != HPA_OK)
        return bad(flag, "not a duration like 15s or 1m30s", v);
    if (positive ? *out <= 0 : *out < 0)
        return bad(flag, positive ? "must be positive" : "must not be negative", v);
    return 0;
}

int cmd_run(int argc, char **argv)
{
    daemon_opts o;
    const char *log_format = "text", *log_level = "info", *source = NULL, *podsel = "selector";
    int i, level, rc;

    daemon_opts_default(&o);
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = true;

#define FLAG(name) (!strcmp(a, name))
        if (FLAG("-h") || FLAG("--help")) {
            usage(stdout);
            return HPA_EXIT_OK;
        } else if (FLAG("--dry-run")) {
            o.dry_run = true;
            takes = false;
        } else if (FLAG("--once")) {
            o.once = true;
            takes = false;
        } else if (FLAG("--leader-elect")) {
            o.leader_elect = true;
            takes = false;
        } else if (a[0] != '-' || a[1] != '-') {
            fprintf(stderr, PROG ": unexpected argument '%s'\n", a);
            usage(stderr);
            return HPA_EXIT_USAGE;
        } else if (!v) {
            return bad(a, "needs a value", NULL);
        } else if (FLAG("--kubeconfig")) {
            o.kubeconfig = v;
        } else if (FLAG("--context")) {
            o.context = v;
        } else if (FLAG("--policies")) {
            o.policies = v;
        } else if (FLAG("--hpa-source")) {
            source = v;
        } else if (FLAG("--namespace")) {
            o.namespace_ = v;
        } else if (FLAG("--selector")) {
            o.selector = v;
        } else if (FLAG("--sync-period")) {
            if ((rc = duration(a, v, &o.sync_period, true)))
                return rc;
        } else if (FLAG("--snapshot-dir")) {
            o.snapshot_dir = v;
        } else if (FLAG("--pod-selection")) {
            podsel = v;
        } else if (FLAG("--max-metric-age")) {
            if ((rc = duration(a, v, &o.max_metric_age, false)))
                return rc;
        } else if (FLAG("--lease-name")) {
            o.lease_name = v;
        } else if (FLAG("--lease-namespace")) {
            o.lease_namespace = v;
        } else if (FLAG("--identity")) {
            o.identity = v;
        } else if (FLAG("--lease-duration")) {
            if ((rc = duration(a, v, &o.lease_duration, true)))
                return rc;
        } else if (FLAG("--renew-deadline")) {
            if ((rc = duration(a, v, &o.renew_deadline, true)))
                return rc;
        } else if (FLAG("--retry-period")) {
            if ((rc = duration(a, v, &o.retry_period, true)))
                return rc;
        } else if (FLAG("--request-timeout")) {
            if ((rc = duration(a, v, &o.request_timeout, true)))
                return rc;
        } else if (FLAG("--health-addr")) {
            o.health_addr = v;
        } else if (FLAG("--log-format")) {
            log_format = v;
        } else if (FLAG("--log-level")) {
            log_level = v;
        } else if (FLAG("--qps") || FLAG("--burst") || FLAG("--tolerance")) {
            char *end;
            double x = strtod(v, &end);

            if (*end || end == v || x < 0)
                return bad(a, "expected a non-negative number", v);
            if (FLAG("--qps"))
                o.qps = x;
            else if (FLAG("--burst"))
                o.burst = (int)x;
            else
                o.hpa_opts.tolerance = x;
        } else if (FLAG("--cpu-initialization-period")) {
            if ((rc = duration(a, v, &o.hpa_opts.cpu_initialization_period, false)))
                return rc;
        } else if (FLAG("--initial-readiness-delay")) {
            if ((rc = duration(a, v, &o.hpa_opts.initial_readiness_delay, false)))
                return rc;
        } else if (FLAG("--downscale-stabilization")) {
            if ((rc = duration(a, v, &o.hpa_opts.downscale_stabilization, false)))
                return rc;
        } else if (FLAG("--state-store")) {
            if (!strcmp(v, "annotation"))
                o.state_store = DSTORE_ANNOTATION;
            else if (!strcmp(v, "configmap"))
                o.state_store = DSTORE_CONFIGMAP;
            else if (!strcmp(v, "none"))
                o.state_store = DSTORE_NONE;
            else
                return bad(a, "expected annotation, configmap or none", v);
        } else {
            fprintf(stderr, PROG ": unknown option '%s'\n", a);
            usage(stderr);
            return HPA_EXIT_USAGE;
        }
#undef FLAG
        if (takes)
            i++;
    }
    if (strcmp(log_format, "text") && strcmp(log_format, "json"))
        return bad("--log-format", "expected text or json", log_format);
    if ((level = dlog_level_parse(log_level)) < 0)
        return bad("--log-level", "expected debug, info, warn or error", log_level);
    dlog_setup((dlog_level)level, !strcmp(log_format, "json"), NULL);
    if (source && strcmp(source, "cluster"))
        return bad("--hpa-source", "the only source besides --policies is 'cluster'", source);
    o.hpa_source_cluster = source != NULL;
    if (o.hpa_source_cluster == (o.policies != NULL))
        return bad("--policies", "give exactly one of --policies DIR|FILE and --hpa-source cluster",
                   NULL);
    if (!o.hpa_source_cluster && (o.namespace_ || o.selector))
        return bad(o.namespace_ ? "--namespace" : "--selector", "only with --hpa-source cluster",
                   NULL);
    if (strcmp(podsel, "selector") && strcmp(podsel, "owner"))
        return bad("--pod-selection", "expected selector or owner", podsel);
    o.pod_owner = !strcmp(podsel, "owner");
    return daemon_run(&o);
}
