/*
 * cmd_recommend.c - `hpa-engine recommend [--explain [--json]] [--compact] [FILE|-]`
 *
 * One snapshot in (JSON or YAML), one decision out, exactly as the
 * contract shared/spec/recommend-snapshot.md says: exit 0 with the decision
 * JSON on stdout; exit 2 with one line on stderr naming the file, line,
 * column and field path when the input cannot be read as a snapshot, and
 * nothing on stdout; exit 1 only when memory runs out or the output cannot
 * be written.
 *
 * --explain prints the decision core's step-by-step account instead of
 * the JSON (for a person); --explain --json prints the account on stderr
 * and the JSON on stdout (for a script that also logs why). Nothing here
 * reads the clock: the time is the snapshot's `now`.
 */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "codec/codec.h"
#include "hpa/decide.h"

#define PROG "hpa-engine recommend"

typedef struct rec_args {
    const char *file;   /* "-" for stdin */
    bool explain;
    bool json;          /* with --explain: JSON too */
    bool compact;
} rec_args;

static void usage(FILE *out)
{
    fprintf(out,
            "usage: hpa-engine recommend [--explain [--json]] [--compact] [FILE|-]\n"
            "\n"
            "Make one autoscaling/v2 decision from a snapshot (JSON or YAML) and print it\n"
            "as JSON. Without FILE, or with '-', the snapshot is read from stdin.\n"
            "\n"
            "options:\n"
            "  --explain   print a person-readable account of the decision instead of JSON\n"
            "  --json      with --explain: the account goes to stderr, the JSON to stdout\n"
            "  --compact   print the JSON on one line\n"
            "  -h, --help  show this help\n"
            "\n"
            "exit status: 0 a decision was made (holding is a decision), 2 the input is not\n"
            "a readable snapshot (the message names the file, line, column and field),\n"
            "1 out of memory or output error.\n"
            "The snapshot format: docs/recommend.md.\n");
}

static int parse_args(int argc, char **argv, rec_args *ra)
{
    int i;
    bool only_files = false;

    memset(ra, 0, sizeof(*ra));
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];

        if (!only_files && !strcmp(a, "--")) {
            only_files = true;
        } else if (!only_files && (!strcmp(a, "-h") || !strcmp(a, "--help"))) {
            usage(stdout);
            return -1;
        } else if (!only_files && !strcmp(a, "--explain")) {
            ra->explain = true;
        } else if (!only_files && !strcmp(a, "--json")) {
            ra->json = true;
        } else if (!only_files && !strcmp(a, "--compact")) {
            ra->compact = true;
        } else if (!only_files && a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, PROG ": unknown option '%s'\n", a);
            usage(stderr);
            return HPA_EXIT_USAGE;
        } else if (ra->file) {
            fprintf(stderr, PROG ": one snapshot at a time (got '%s' and '%s')\n",
                    ra->file, a);
            return HPA_EXIT_USAGE;
        } else {
            ra->file = a;
        }
    }
    if (!ra->file)
        ra->file = "-";
    return HPA_EXIT_OK;
}

/* One line on stderr; the exit status for the error's code. */
static int fail(const hpa_err *e)
{
    char line[HPA_ERR_MSG_MAX + HPA_ERR_PATH_MAX + HPA_ERR_FILE_MAX + 32];

    fprintf(stderr, PROG ": %s\n", hpa_err_format(e, line, sizeof(line)));
    return e->code == HPA_ENOMEM ? HPA_EXIT_FAIL : HPA_EXIT_USAGE;
}

/* Read the one document of the snapshot file into `set`. */
static int load(const char *file, hpa_docset *set, hpa_err *e)
{
    if (hpa_docset_load_file(file, set, e) != HPA_OK) {
        if (!e->file[0])
            snprintf(e->file, sizeof(e->file), "%s", !strcmp(file, "-") ? "<stdin>" : file);
        return fail(e);
    }
    if (set->n != 1) {
        hpa_err_set(e, HPA_EINVAL, NULL,
                    set->n == 0 ? "no snapshot: the input is empty"
                                : "expected one snapshot document, found %zu",
                    set->n);
        snprintf(e->file, sizeof(e->file), "%s", set->file ? set->file : file);
        if (set->n > 1) {
            e->line = set->docs[1].line;
            e->col = set->docs[1].col;
        }
        return fail(e);
    }
    return HPA_EXIT_OK;
}

/* The decision core's account, under a line saying which HPA and when. */
static void print_explanation(FILE *out, const hpa_strbuf *sb, const hpa_snapshot *snap)
{
    const char *text = hpa_strbuf_cstr(sb);
    size_t len = strlen(text);
    char when[HPA_TIME_STR_MAX];

    fprintf(out, "HorizontalPodAutoscaler %s/%s at %s\n",
            snap->hpa->namespace_ ? snap->hpa->namespace_ : "default",
            snap->hpa->name ? snap->hpa->name : "",
            hpa_time_format(snap->now, when, sizeof(when)));
    fputs(text, out);
    if (len > 0 && text[len - 1] != '\n')
        fputc('\n', out);
}

/* Print the account and/or `doc` (the decision JSON when the options
 * want it; NULL then means memory ran out making it). */
static int emit(const rec_args *ra, const hpa_snapshot *snap, const json_t *doc,
                const hpa_strbuf *sb)
{
    char *text = NULL;
    int rc = HPA_EXIT_FAIL;

    if (sb->oom)
        goto out;
    if (!ra->explain || ra->json) {
        if (!doc)
            goto out;
        text = json_dumps(doc, ra->compact ? JSON_COMPACT : JSON_INDENT(2));
        if (!text)
            goto out;
    }
    if (ra->explain)
        print_explanation(ra->json ? stderr : stdout, sb, snap);
    if (text) {
        fputs(text, stdout);
        fputc('\n', stdout);
    }
    rc = HPA_EXIT_OK;
out:
    if (rc != HPA_EXIT_OK)
        fprintf(stderr, PROG ": out of memory\n");
    free(text);
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, PROG ": cannot write the decision to stdout\n");
        rc = HPA_EXIT_FAIL;
    }
    return rc;
}

int cmd_recommend(int argc, char **argv)
{
    rec_args ra;
    hpa_docset set = {0};
    hpa_codec_rec r;
    json_t *doc = NULL;
    hpa_strbuf sb = HPA_STRBUF_INIT;
    hpa_err e;
    hpa_errcode code;
    int rc;

    rc = parse_args(argc, argv, &ra);
    if (rc != HPA_EXIT_OK)
        return rc < 0 ? HPA_EXIT_OK : rc;
    hpa_err_clear(&e);
    hpa_codec_rec_init(&r);

    rc = load(ra.file, &set, &e);
    if (rc != HPA_EXIT_OK)
        goto out;
    code = hpa_codec_recommend(&r, set.docs[0].root, ra.explain ? &sb : NULL,
                               !ra.explain || ra.json ? &doc : NULL, &e);
    if (code == HPA_OK || r.failed == HPA_CODEC_REC_OUTPUT) {
        rc = emit(&ra, &r.snap, doc, &sb);
    } else if (r.failed == HPA_CODEC_REC_SNAPSHOT) {
        if (e.code != HPA_ENOMEM)
            hpa_doc_locate(&set, 0, NULL, &e);
        if (!e.file[0])
            snprintf(e.file, sizeof(e.file), "%s", set.file ? set.file : ra.file);
        rc = fail(&e);
    } else {
        /* EINVAL: a snapshot the decision cannot read is bad input;
         * anything else (out of memory) is ours. */
        fail(&e);
        rc = code == HPA_EINVAL ? HPA_EXIT_USAGE : HPA_EXIT_FAIL;
    }
out:
    json_decref(doc);
    hpa_strbuf_free(&sb);
    hpa_codec_rec_free(&r);
    hpa_docset_free(&set);
    return rc;
}
