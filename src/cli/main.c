/* main.c - `hpa-engine <command> ...`: dispatch to one subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

/* One line per subcommand; keep the order of `hpa-engine --help`. */
static const hpa_cli_cmd commands[] = {
    {"recommend", cmd_recommend, "make one autoscaling decision from a snapshot"},
    {"validate", cmd_validate, "check HPA manifests as the API server would"},
    {"sim-server", cmd_sim_server, "serve the simulated cluster as a Kubernetes API"},
    {"simulate", cmd_simulate, "replay a load trace through the controller and report cost and SLO"},
    {"tune", cmd_tune, "search a policy's settings for the cheapest one that keeps the SLO"},
    {"run", cmd_run, "run the controller against a Kubernetes API server (the live daemon)"},
};

static void usage(FILE *out)
{
    size_t i;

    fprintf(out, "usage: hpa-engine <command> [options]\n"
                 "       hpa-engine --version\n\n"
                 "A standalone Kubernetes autoscaling/v2 Horizontal Pod Autoscaler.\n\n"
                 "commands:\n");
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-12s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'hpa-engine <command> --help' for the options of one command.\n");
}

int main(int argc, char **argv)
{
    size_t i;

    if (argc < 2) {
        usage(stderr);
        return HPA_EXIT_USAGE;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return HPA_EXIT_OK;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("hpa-engine %s\n", HPA_VERSION);
        return HPA_EXIT_OK;
    }
    for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "hpa-engine: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return HPA_EXIT_USAGE;
}
