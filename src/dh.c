/* X25519 key agreement over libsodium, refusing the all-zero shared secret of a low-order peer key,
 * and the public key rules of docs/protocol.md 1.4 (canonical encoding, not of small order). */
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

/* The canonical encodings of the X25519 points of small order (docs/protocol.md 1.4): u = 0, 1,
 * p - 1 and the two points of order 8. */
static const uint8_t small_order_x25519[5][32] = {
    {0},
    {1},
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
    {0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
     0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00},
    {0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef, 0x5b,
     0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f, 0x11, 0x57},
};

/* Whether the little-endian u of pk (bit 255 clear) is at least p = 2^255 - 19, whose encoding is
 * ed ff .. ff 7f. */
static int x25519_at_least_p(const uint8_t pk[32])
{
    size_t i;

    if (pk[31] != 0x7fU || pk[0] < 0xedU) {
        return 0;
    }
    for (i = 1; i < 31; i++) {
        if (pk[i] != 0xffU) {
            return 0;
        }
    }
    return 1;
}

int cloak__x25519_public_key_check(const uint8_t pk[32])
{
    size_t i;

    if (pk == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    /* Public keys are public: variable time is fine. One encoding per key: bit 255 and u >= p
     * would be second encodings of keys (with their own key ids), so they are not keys at all. */
    if ((pk[31] & 0x80U) != 0U || x25519_at_least_p(pk)) {
        return CLOAK_E_MALFORMED;
    }
    for (i = 0; i < sizeof small_order_x25519 / sizeof small_order_x25519[0]; i++) {
        if (memcmp(pk, small_order_x25519[i], 32) == 0) {
            return CLOAK_E_INVALID_KEY;
        }
    }
    return CLOAK_OK;
}
