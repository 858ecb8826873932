/*
 * cli.h - the hpa-engine subcommands. Each lives in src/cli/cmd_<name>.c
 * and has the signature of hpa_cli_fn: argv[0] is the subcommand name.
 * Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad input.
 */
#ifndef HPA_CLI_H
#define HPA_CLI_H

typedef int (*hpa_cli_fn)(int argc, char **argv);

typedef struct hpa_cli_cmd {
    const char *name;
    hpa_cli_fn fn;
    const char *summary;
} hpa_cli_cmd;

#define HPA_EXIT_OK 0
#define HPA_EXIT_FAIL 1
#define HPA_EXIT_USAGE 2

int cmd_recommend(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_tune(int argc, char **argv);
int cmd_sim_server(int argc, char **argv);
int cmd_run(int argc, char **argv);

#endif
