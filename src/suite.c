/* What differs between the two suites (docs/protocol.md sections 1.4, 1.6 and 2): the size of an
 * encryption public key and of an HPKE encapsulation, how a public key is checked and derived, and
 * its binding (the key itself for X25519, the key hash for X-Wing). Every object of either suite
 * reaches the differences through these, so its layout code is written once. */

#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "xwing.h"

size_t cloak__suite_public_key_len(uint32_t suite)
{
    switch (suite) {
    case CLOAK_SUITE_X25519:
        return CLOAK_ENCRYPTION_PUBLICKEYBYTES;
    case CLOAK_SUITE_XWING:
        return CLOAK_XWING_PUBLICKEYBYTES;
    default:
        return 0;
    }
}

size_t cloak__suite_enc_len(uint32_t suite)
{
    switch (suite) {
    case CLOAK_SUITE_X25519:
        return CLOAK_HPKE_ENCBYTES;
    case CLOAK_SUITE_XWING:
        return CLOAK_XWING_ENCBYTES;
    default:
        return 0;
    }
}

uint32_t cloak__suite_of_public_key_len(size_t public_key_len)
{
    if (public_key_len == CLOAK_ENCRYPTION_PUBLICKEYBYTES) {
        return CLOAK_SUITE_X25519;
    }
    if (public_key_len == CLOAK_XWING_PUBLICKEYBYTES) {
        return CLOAK_SUITE_XWING;
    }
    return 0;
}

int cloak__encryption_public_key_check(uint32_t suite, const uint8_t *public_key)
{
    return suite == CLOAK_SUITE_XWING ? cloak__xwing_public_key_check(public_key)
                                      : cloak__x25519_public_key_check(public_key);
}

void cloak__encryption_key_binding(uint8_t binding[32], uint32_t suite, const uint8_t *public_key)
{
    if (suite == CLOAK_SUITE_XWING) {
        cloak__xwing_key_hash(binding, public_key);
    } else {
        memmove(binding, public_key, 32);
    }
}

void cloak__encryption_key_id(uint8_t key_id[CLOAK_KEYIDBYTES], uint32_t suite, const uint8_t *public_key)
{
    cloak__public_key_id_n(key_id, public_key, cloak__suite_public_key_len(suite));
}

void cloak__encryption_key_id_and_binding(uint8_t key_id[CLOAK_KEYIDBYTES], uint8_t binding[32], uint32_t suite,
                                          const uint8_t *public_key)
{
    /* An X-Wing key's id is its key hash's prefix: one SHA-256 over 1216 bytes gives both. */
    cloak__encryption_key_binding(binding, suite, public_key);
    if (suite == CLOAK_SUITE_XWING) {
        memcpy(key_id, binding, CLOAK_KEYIDBYTES);
    } else {
        cloak__public_key_id(key_id, public_key);
    }
}

void cloak__encryption_public_key_derive(uint8_t *public_key, uint32_t suite, const uint8_t secret_key[32])
{
    if (suite == CLOAK_SUITE_XWING) {
        cloak__xwing_public_key(public_key, secret_key);
    } else if (crypto_scalarmult_curve25519_base(public_key, secret_key) != 0) {
        /* Only a secret key that clamps to zero gives the neutral point: no public key matches it. */
        memset(public_key, 0, 32);
    }
}
