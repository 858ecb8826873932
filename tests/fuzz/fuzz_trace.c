/* fuzz_trace.c - the trace CSV reader (sim_trace_parse) and the default
 * resampling that `simulate` applies to what it read. */
#include "fuzz_util.h"

#include "trace.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    sim_trace_raw raw = {0};
    sim_trace_opts o;
    sim_series s = {0};
    hpa_err e;

    if (sim_trace_parse((const char *)data, size, "fuzz.csv", &raw, &e) != HPA_OK)
        return 0;
    sim_trace_opts_init(&o);
    if (sim_trace_resample(&raw, &o, "fuzz.csv", &s, &e) == HPA_OK) {
        (void)sim_series_duration(&s);
        (void)sim_series_max(&s);
        sim_series_free(&s);
    }
    o.resample = SIM_RESAMPLE_LINEAR;
    o.peak = 10;
    if (sim_trace_resample(&raw, &o, "fuzz.csv", &s, &e) == HPA_OK)
        sim_series_free(&s);
    sim_trace_raw_free(&raw);
    return 0;
}
