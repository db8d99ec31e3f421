/* Encryption keys: X25519 key pairs, random or by HPKE's DeriveKeyPair (docs/protocol.md
 * section 5), and the encryption public key blob (section 5.1). */

#include <sodium.h>

#include "internal.h"

void cloak_encryption_keypair(uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                              uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES])
{
    if (public_key == NULL || secret_key == NULL) {
        cloak__wipe(public_key, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
        cloak__wipe(secret_key, CLOAK_ENCRYPTION_SECRETKEYBYTES);
        return;
    }
    /* A clamped scalar never gives the all-zero point, so this loop runs once; it stays in case
     * libsodium ever reports otherwise. */
    do {
        randombytes_buf(secret_key, CLOAK_ENCRYPTION_SECRETKEYBYTES);
    } while (crypto_scalarmult_curve25519_base(public_key, secret_key) != 0);
}

int cloak_encryption_keypair_from_seed(uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES],
                                       uint8_t secret_key[CLOAK_ENCRYPTION_SECRETKEYBYTES], const uint8_t *seed,
                                       size_t seed_len)
{
    /* RFC 9180 section 7.1.3 asks for at least Nsk bytes of entropy, and DeriveKeyPair refuses a
     * shorter seed (and any NULL) with both outputs cleared. The upper bound is the format's
     * (docs/protocol.md section 5): one accepted range for every implementation. */
    _Static_assert(CLOAK_ENCRYPTION_SEEDBYTES == CLOAK_ENCRYPTION_SECRETKEYBYTES, "a seed of Nsk bytes");
    if (seed_len > CLOAK_LABELBYTES_MAX) {
        cloak__wipe(public_key, CLOAK_ENCRYPTION_PUBLICKEYBYTES);
        cloak__wipe(secret_key, CLOAK_ENCRYPTION_SECRETKEYBYTES);
        return CLOAK_E_BAD_PARAMS;
    }
    return cloak__hpke_derive_keypair(public_key, secret_key, seed, seed_len);
}

void cloak_encryption_public_export(uint8_t blob[CLOAK_PUBLIC_KEY_BLOBBYTES],
                                    const uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES])
{
    (void)cloak__public_blob_export(blob, CLOAK_TYPE_ENCRYPTION_PUBLIC_KEY, public_key);
}

int cloak_encryption_public_import(uint8_t public_key[CLOAK_ENCRYPTION_PUBLICKEYBYTES], const uint8_t *blob,
                                   size_t blob_len)
{
    return cloak__public_blob_import(public_key, CLOAK_TYPE_ENCRYPTION_PUBLIC_KEY, blob, blob_len);
}

int cloak_xwing_public_export(uint8_t blob[CLOAK_XWING_PUBLIC_KEY_BLOBBYTES],
                              const uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES])
{
    /* Only a key that import accepts gets a blob (section 1.6). */
    const int rc = public_key == NULL ? CLOAK_E_BAD_PARAMS
                                      : cloak__encryption_public_key_check(CLOAK_SUITE_XWING, public_key);
    if (rc != CLOAK_OK) {
        cloak__wipe(blob, CLOAK_XWING_PUBLIC_KEY_BLOBBYTES);
        return rc;
    }
    return cloak__public_blob_export_suite(blob, CLOAK_TYPE_ENCRYPTION_PUBLIC_KEY, CLOAK_SUITE_XWING, public_key);
}

int cloak_xwing_public_import(uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES], const uint8_t *blob,
                              size_t blob_len)
{
    return cloak__public_blob_import_suite(public_key, CLOAK_TYPE_ENCRYPTION_PUBLIC_KEY, CLOAK_SUITE_XWING, blob,
                                           blob_len);
}
