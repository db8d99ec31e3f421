/* Small wire-format helpers shared by the encoders: appending fields to a buffer, with or without
 * the one-byte length prefix (lp8) of docs/protocol.md section 1, and the labelled SHA-256 that key
 * ids and text checksums are made of. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"

size_t cloak__put(uint8_t *buf, size_t off, const void *p, size_t n)
{
    if (n > 0U) {
        memcpy(buf + off, p, n);
    }
    return off + n;
}

size_t cloak__put_lp8(uint8_t *buf, size_t off, const void *p, size_t n)
{
    if (n > CLOAK_LABELBYTES_MAX) {
        abort();
    }
    buf[off] = (uint8_t)n;
    return cloak__put(buf, off + 1U, p, n);
}

void cloak__labeled_sha256(uint8_t out[CLOAK_HASHBYTES], const char *label, const uint8_t *data, size_t data_len)
{
    crypto_hash_sha256_state st;
    const size_t label_len = strlen(label);
    const uint8_t lp = (uint8_t)label_len;

    if (label_len > CLOAK_LABELBYTES_MAX || (data == NULL && data_len != 0U)) {
        abort();
    }
    crypto_hash_sha256_init(&st);
    crypto_hash_sha256_update(&st, &lp, 1);
    crypto_hash_sha256_update(&st, (const uint8_t *)label, label_len);
    if (data_len > 0U) {
        crypto_hash_sha256_update(&st, data, data_len);
    }
    crypto_hash_sha256_final(&st, out);
    /* The state saw the data, which may be a private key in the clear (a text checksum). */
    cloak__wipe(&st, sizeof st);
}
