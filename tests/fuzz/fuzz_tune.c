/* fuzz_tune.c - the tuner's parsers. First byte, low two bits: 0 an
 * objective (tune_expr_parse), 1 a constraint, 2 and 3 a --space spec
 * applied to the default space of a fixed base policy (then a point is
 * built, snapped and turned into a policy, as the tuner does). */
#include "fuzz_util.h"

#include <jansson.h>

#include "codec/codec.h"
#include "tune/expr.h"
#include "tune/space.h"

static const char fz_base_json[] =
    "{\"apiVersion\":\"autoscaling/v2\",\"kind\":\"HorizontalPodAutoscaler\","
    "\"metadata\":{\"name\":\"web\"},\"spec\":{"
    "\"scaleTargetRef\":{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"name\":\"web\"},"
    "\"minReplicas\":2,\"maxReplicas\":20,"
    "\"metrics\":[{\"type\":\"Resource\",\"resource\":{\"name\":\"cpu\","
    "\"target\":{\"type\":\"Utilization\",\"averageUtilization\":70}}},"
    "{\"type\":\"ContainerResource\",\"containerResource\":{\"name\":\"memory\","
    "\"container\":\"app\",\"target\":{\"type\":\"Utilization\",\"averageUtilization\":80}}}],"
    "\"behavior\":{\"scaleUp\":{\"stabilizationWindowSeconds\":0,\"selectPolicy\":\"Max\","
    "\"policies\":[{\"type\":\"Percent\",\"value\":100,\"periodSeconds\":15},"
    "{\"type\":\"Pods\",\"value\":4,\"periodSeconds\":15}]},"
    "\"scaleDown\":{\"stabilizationWindowSeconds\":300,"
    "\"policies\":[{\"type\":\"Percent\",\"value\":100,\"periodSeconds\":15}]}}}}";

static void fuzz_expr(const char *s, int constraint)
{
    sim_summary cur, base;
    hpa_err e;

    memset(&cur, 0, sizeof(cur));
    memset(&base, 0, sizeof(base));
    cur.pod_hours = 3.5;
    base.pod_hours = 4;
    if (constraint) {
        tune_constraint c;
        if (tune_constraint_parse(s, "--constraint", &c, &e) == HPA_OK)
            (void)tune_constraint_violation(&c, &cur, &base);
    } else {
        tune_expr x;
        if (tune_expr_parse(s, "--minimize", &x, &e) == HPA_OK) {
            int f;
            (void)tune_expr_eval(&x, &cur, &base);
            for (f = 0; f < TUNE_F_COUNT_; f++)
                (void)tune_expr_uses(&x, (tune_figure)f);
        }
    }
}

static void fuzz_space(const char *s)
{
    static tune_space space;
    static double x[TUNE_MAX_PARAMS], u[TUNE_MAX_PARAMS];
    hpa_arena a = HPA_ARENA_INIT;
    hpa_options opts = hpa_options_default();
    json_error_t je;
    json_t *root = json_loads(fz_base_json, 0, &je);
    tune_specbuf sb;
    hpa_spec base;
    hpa_err e;
    size_t i;

    if (!root)
        return;
    if (hpa_codec_hpa_from_json(root, &a, &base, &e) != HPA_OK)
        goto out;
    if (tune_space_default(&space, &base, &opts, &e) != HPA_OK)
        goto out;
    if (tune_space_parse(&space, s, &e) != HPA_OK)
        goto out;
    tune_space_base_point(&space, x);
    tune_space_snap(&space, x);
    tune_space_to_unit(&space, x, u);
    for (i = 0; i < space.n_free; i++)
        u[i] = (double)(i % 3) / 2.0;
    tune_space_from_unit(&space, u, x);
    for (i = 0; i < space.n; i++) {
        char buf[64];
        (void)tune_space_format(&space.p[i], x[i], buf, sizeof(buf));
    }
    if (tune_specbuf_init(&sb, &base, &opts, &e) == HPA_OK) {
        tune_specbuf_apply(&sb, &space, x);
        tune_specbuf_free(&sb);
    }
out:
    json_decref(root);
    hpa_arena_free(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s;

    if (size < 1)
        return 0;
    s = fuzz_strndup(data + 1, size - 1);
    if (!s)
        return 0;
    switch (data[0] & 3) {
    case 0: fuzz_expr(s, 0); break;
    case 1: fuzz_expr(s, 1); break;
    default: fuzz_space(s); break;
    }
    free(s);
    return 0;
}
