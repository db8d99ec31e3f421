/* X25519 key agreement over libsodium, refusing the all-zero shared secret of a low-order peer key. */
#include <string.h>

#include <sodium.h>

#include "declassify.h"
#include "internal.h"

int cloak__x25519(uint8_t shared[32], const uint8_t secret_key[32], const uint8_t public_key[32])
{
    int zero;

    if (shared == NULL || secret_key == NULL || public_key == NULL) {
        cloak__wipe(shared, 32);
        return CLOAK_E_BAD_PARAMS;
    }
    /* libsodium refuses the known low-order points and any all-zero result with -1; the explicit
     * zero check keeps the guarantee independent of which implementation libsodium picked. Both
     * are computed without a branch on the secret result. */
    zero = crypto_scalarmult_curve25519(shared, secret_key, public_key) != 0;
    zero |= sodium_is_zero(shared, 32);
    /* Public: a clamped scalar maps exactly the points of small order to zero, so whether the
     * result is zero depends on the peer's public key alone. */
    cloak__declassify(&zero, sizeof zero);
    if (zero) {
        cloak__wipe(shared, 32);
        return CLOAK_E_INVALID_KEY;
    }
    return CLOAK_OK;
}
