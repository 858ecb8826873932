/* fuzz_faults.c - the sim-server's --faults spec, then a few draws. */
#include "fuzz_util.h"

#include "server/faults.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = fuzz_strndup(data, size);
    sims_faults f;
    hpa_err e;
    int i;

    if (!s)
        return 0;
    if (sims_faults_parse(s, 42, &f, &e) == HPA_OK) {
        for (i = 0; i < 16; i++) {
            (void)sims_faults_draw(&f, i * 60.0);
            (void)sims_faults_uniform(&f);
        }
    }
    free(s);
    return 0;
}
