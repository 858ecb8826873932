/* fuzz_scenario.c - the scenario loader (sim_scenario_load) on a file
 * holding the input. Paths the scenario names are only recorded, not
 * opened, so nothing outside the temporary file is read. */
#include "fuzz_util.h"

#include "scenario.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path = fuzz_tempfile(data, size, ".yaml");
    sim_scenario sc;
    hpa_err e;

    if (!path)
        return 0;
    memset(&sc, 0, sizeof(sc));
    if (sim_scenario_load(path, &sc, &e) == HPA_OK) {
        size_t i;
        for (i = 0; i < sc.n; i++)
            (void)sim_trace_unit_factor(&sc.w[i].trace, &sc.w[i].model);
        sim_scenario_free(&sc);
    }
    unlink(path);
    return 0;
}
