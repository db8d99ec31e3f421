/* Key ids of public keys (docs/protocol.md section 1.2): a truncated, labelled SHA-256, so a blob
 * names the key it needs without a hash that could be confused with any other use of the key; and the
 * public key blobs that carry them (section 5.1), one layout for identity and encryption keys. */
#include <string.h>

#include <sodium.h>

#include "internal.h"

void cloak__public_key_id(uint8_t key_id[CLOAK_KEYIDBYTES], const uint8_t public_key[32])
{
    crypto_hash_sha256_state st;
    uint8_t digest[crypto_hash_sha256_BYTES];
    const uint8_t label_len = (uint8_t)CLOAK_LABEL_LEN(CLOAK_LABEL_PUBLIC_KEY_ID);

    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &label_len, 1);
    crypto_hash_sha256_update(&st, (const uint8_t *)CLOAK_LABEL_PUBLIC_KEY_ID, label_len);
    crypto_hash_sha256_update(&st, public_key, 32);
    crypto_hash_sha256_final(&st, digest);
    memcpy(key_id, digest, CLOAK_KEYIDBYTES);
}

void cloak__public_blob_export(uint8_t blob[CLOAK_PUBLIC_KEY_BLOBBYTES], uint8_t type, const uint8_t public_key[32])
{
    uint8_t key_id[CLOAK_KEYIDBYTES];

    if (blob == NULL) {
        return;
    }
    if (public_key == NULL) {
        memset(blob, 0, CLOAK_PUBLIC_KEY_BLOBBYTES);
        return;
    }
    cloak__public_key_id(key_id, public_key);
    memmove(blob + CLOAK_HEADERBYTES, public_key, 32);
    cloak__header_write(blob, type, key_id);
}

int cloak__public_blob_import(uint8_t public_key[32], uint8_t type, const uint8_t *blob, size_t blob_len)
{
    uint8_t key_id[CLOAK_KEYIDBYTES];
    int rc;

    if (public_key == NULL) {
        return CLOAK_E_BAD_PARAMS;
    }
    memset(public_key, 0, 32);
    rc = cloak__header_check(blob, blob_len, type);
    if (rc != CLOAK_OK) {
        return rc;
    }
    if (blob_len != CLOAK_PUBLIC_KEY_BLOBBYTES) {
        return CLOAK_E_MALFORMED;
    }
    cloak__public_key_id(key_id, blob + CLOAK_HEADERBYTES);
    if (memcmp(key_id, blob + 4, CLOAK_KEYIDBYTES) != 0) {
        return CLOAK_E_MALFORMED;
    }
    memcpy(public_key, blob + CLOAK_HEADERBYTES, 32);
    return CLOAK_OK;
}
