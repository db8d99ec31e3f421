/* X-Wing encryption keys (docs/protocol.md section 1.6): random or by DeriveKeyPair, the public key
 * of a seed, and the key hash that stands for a 1216-byte key in infos, signed contents and rosters. */
#include <string.h>

#include <sodium.h>

#include "internal.h"
#include "xwing.h"

void cloak_xwing_keypair(uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES],
                         uint8_t secret_key[CLOAK_XWING_SECRETKEYBYTES])
{
    uint8_t seed[CLOAK_XWING_SECRETKEYBYTES];

    if (public_key == NULL || secret_key == NULL) {
        cloak__wipe(public_key, CLOAK_XWING_PUBLICKEYBYTES);
        cloak__wipe(secret_key, CLOAK_XWING_SECRETKEYBYTES);
        return;
    }
    /* Any 32 bytes are a seed: SHAKE256 expands them into both secret keys, and neither rejects. */
    randombytes_buf(seed, sizeof seed);
    cloak__xwing_public_key(public_key, seed);
    memcpy(secret_key, seed, sizeof seed);
    cloak__wipe(seed, sizeof seed);
}

int cloak_xwing_keypair_from_seed(uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES],
                                  uint8_t secret_key[CLOAK_XWING_SECRETKEYBYTES], const uint8_t *seed,
                                  size_t seed_len)
{
    return cloak__xwing_derive_keypair(public_key, secret_key, seed, seed_len);
}

void cloak_xwing_public_key(uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES],
                            const uint8_t secret_key[CLOAK_XWING_SECRETKEYBYTES])
{
    if (public_key == NULL || secret_key == NULL) {
        cloak__wipe(public_key, CLOAK_XWING_PUBLICKEYBYTES);
        return;
    }
    cloak__xwing_public_key(public_key, secret_key);
}

int cloak_xwing_key_hash(uint8_t key_hash[CLOAK_XWING_KEYHASHBYTES],
                         const uint8_t public_key[CLOAK_XWING_PUBLICKEYBYTES])
{
    int rc = CLOAK_E_BAD_PARAMS;

    if (key_hash == NULL || public_key == NULL) {
        goto done;
    }
    /* A key that is not one (a second encoding, a small-order X25519 half) gets no hash: the hash
     * stands for the key in signed contents. */
    rc = cloak__xwing_public_key_check(public_key);
    if (rc == CLOAK_OK) {
        cloak__xwing_key_hash(key_hash, public_key);
    }

done:
    if (rc != CLOAK_OK) {
        cloak__wipe(key_hash, CLOAK_XWING_KEYHASHBYTES);
    }
    return rc;
}
