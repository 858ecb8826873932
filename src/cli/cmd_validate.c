/*
 * cmd_validate.c - `hpa-engine validate [-v] FILE...`: check HPA manifests
 * as the API server would, one line per problem on stderr:
 *     FILE:LINE:COL: PATH: MESSAGE
 * Exit 0 when every document of every file is a valid HPA, 2 otherwise
 * (including unreadable files and syntax errors).
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "codec/codec.h"

static void validate_usage(FILE *out)
{
    fprintf(out,
            "usage: hpa-engine validate [-v] FILE...\n\n"
            "Check autoscaling/v2 HorizontalPodAutoscaler manifests (YAML or JSON,\n"
            "several documents per file, kubectl Lists) as the API server would.\n"
            "Every problem is printed to stderr as FILE:LINE:COL: PATH: MESSAGE.\n\n"
            "  -v, --verbose   also print a summary line per file\n"
            "  -h, --help      show this help\n"
            "  FILE            a manifest file, or - for standard input\n\n"
            "Exit status: 0 all valid, 2 a problem was found or a file could not be read.\n");
}

/* Returns the number of problems found in `path`. */
static size_t validate_file(const char *path, int verbose)
{
    char line[HPA_ERR_MSG_MAX + HPA_ERR_PATH_MAX + HPA_ERR_FILE_MAX + 64];
    hpa_docset set;
    hpa_err e;
    size_t i, j, problems = 0, valid = 0;

    hpa_err_clear(&e);
    if (hpa_docset_load_file(path, &set, &e) != HPA_OK) {
        if (!e.file[0])
            snprintf(e.file, sizeof(e.file), "%s", strcmp(path, "-") ? path : "<stdin>");
        fprintf(stderr, "%s\n", hpa_err_format(&e, line, sizeof(line)));
        return 1;
    }
    if (!set.n) {
        fprintf(stderr, "%s: no HorizontalPodAutoscaler found\n", set.file);
        problems = 1;
    }
    for (i = 0; i < set.n; i++) {
        hpa_errlist list = {0, 0, NULL};
        size_t n = hpa_validate_hpa_json(set.docs[i].root, &list);

        for (j = 0; j < list.n; j++) {
            hpa_doc_locate(&set, i, NULL, &list.items[j]);
            fprintf(stderr, "%s\n", hpa_err_format(&list.items[j], line, sizeof(line)));
        }
        if (n == 0)
            valid++;
        problems += n;
        hpa_errlist_free(&list);
    }
    if (verbose)
        fprintf(stderr, "%s: %zu HorizontalPodAutoscaler(s) valid, %zu problem(s)\n", set.file,
                valid, problems);
    hpa_docset_free(&set);
    return problems;
}

int cmd_validate(int argc, char **argv)
{
    int i, verbose = 0, files = 0, only_files = 0;
    size_t problems = 0;

    for (i = 1; i < argc; i++) {
        if (only_files || !strcmp(argv[i], "-") || argv[i][0] != '-')
            continue;
        if (!strcmp(argv[i], "--")) {
            only_files = 1;
        } else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
            validate_usage(stdout);
            return HPA_EXIT_OK;
        } else if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
            verbose = 1;
        } else {
            fprintf(stderr, "hpa-engine validate: unknown option '%s'\n", argv[i]);
            validate_usage(stderr);
            return HPA_EXIT_USAGE;
        }
    }
    only_files = 0;
    for (i = 1; i < argc; i++) {
        if (!only_files && !strcmp(argv[i], "--")) {
            only_files = 1;
            continue;
        }
        if (!only_files && argv[i][0] == '-' && strcmp(argv[i], "-"))
            continue;
        files++;
        problems += validate_file(argv[i], verbose);
    }
    if (!files) {
        fprintf(stderr, "hpa-engine validate: no FILE given\n");
        validate_usage(stderr);
        return HPA_EXIT_USAGE;
    }
    return problems ? HPA_EXIT_USAGE : HPA_EXIT_OK;
}
