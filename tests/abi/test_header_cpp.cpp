// The public header as a C++ program sees it: compiled with -pedantic -Werror. Linking proves the
// declarations carry C linkage.
#include <cstdio>
#include <cstring>

#include "cloak.h"

int main()
{
    if (cloak_init() != CLOAK_OK) {
        std::puts("not ok: cloak_init failed");
        return 1;
    }
    cloak_vault vault;
    std::memset(&vault, 0, sizeof vault);
    static_assert(sizeof(cloak_vault) == CLOAK_VAULT_STATEBYTES, "vault state size");
    static_assert(sizeof(cloak_batch) == CLOAK_BATCH_STATEBYTES, "batch state size");
    static_assert(sizeof(cloak_hpke_context) == CLOAK_HPKE_CONTEXTBYTES, "hpke context size");
    const bool ok = std::strcmp(cloak_version_string(), CLOAK_VERSION_STRING) == 0 &&
                    cloak_keybytes() == CLOAK_KEYBYTES;
    std::printf("%s passed, %s failed\n", ok ? "1" : "0", ok ? "0" : "1");
    return ok ? 0 : 1;
}
