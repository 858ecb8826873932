/* fuzz_kubeconfig.c - the kubeconfig loader on a file holding the input
 * (the explicit --kubeconfig case), the first byte choosing a --context.
 * Files a kubeconfig names (certificate-authority, tokenFile) are looked
 * up relative to the temporary directory; they do not exist there. */
#include "fuzz_util.h"

#include "kube/kubeconfig.h"

static const char *const fz_contexts[] = {NULL, "", "dev", "prod", "a"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *context;
    const char *path;
    kube_config c;
    hpa_err e;

    if (size < 1)
        return 0;
    context = fz_contexts[data[0] % (sizeof(fz_contexts) / sizeof(fz_contexts[0]))];
    path = fuzz_tempfile(data + 1, size - 1, ".yaml");
    if (!path)
        return 0;
    memset(&c, 0, sizeof(c));
    if (kube_config_load_files(path, true, context, &c, &e) == HPA_OK)
        kube_config_free(&c);
    unlink(path);
    return 0;
}
