/* Key ids of public keys (docs/protocol.md section 1.2): a truncated, labelled SHA-256, so a blob
 * names the key it needs without a hash that could be confused with any other use of the key. */
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
