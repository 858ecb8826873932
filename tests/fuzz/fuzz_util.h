/*
 * fuzz_util.h - small helpers shared by the fuzz harnesses.
 *
 * Each harness (fuzz_<name>.c) defines LLVMFuzzerTestOneInput(); it is
 * linked either with libFuzzer (tests/fuzz/run.sh, clang) or with
 * replay_main.c (tests/integration/test_fuzz_replay.sh, gcc), which feeds
 * every file of a corpus directory to it once.
 *
 * FUZZ_CHECK() is the harness's own invariant check (a round trip that
 * does not give back what went in): it prints the reason and aborts, which
 * both libFuzzer and the replay runner report as a failure.
 *
 * The helpers are static: each harness is its own program.
 */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond, ...)                                           \
    do {                                                                \
        if (!(cond)) {                                                  \
            fprintf(stderr, "%s:%d: fuzz invariant failed: %s: ",       \
                    __FILE__, __LINE__, #cond);                         \
            fprintf(stderr, __VA_ARGS__);                               \
            fputc('\n', stderr);                                        \
            abort();                                                    \
        }                                                               \
    } while (0)

/* NUL-terminated heap copy of the input (NULL on out of memory). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return NULL;
    if (size)
        memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* Write the input to a fresh temporary file; returns its path (static
 * buffer, unlink it when done) or NULL. */
static inline const char *fuzz_tempfile(const uint8_t *data, size_t size,
                                        const char *suffix)
{
    static char path[256];
    const char *dir = getenv("TMPDIR");
    FILE *f;
    int fd;

    snprintf(path, sizeof(path), "%s/hpa-fuzz-XXXXXX%s",
             dir && *dir ? dir : "/tmp", suffix);
    fd = mkstemps(path, (int)strlen(suffix));
    if (fd < 0)
        return NULL;
    f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        unlink(path);
        return NULL;
    }
    if (size && fwrite(data, 1, size, f) != size) {
        fclose(f);
        unlink(path);
        return NULL;
    }
    fclose(f);
    return path;
}

#endif
