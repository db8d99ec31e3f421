/*
 * HMAC-SHA256 and HKDF-SHA256 (RFC 5869) on libsodium's HMAC, which libsodium 1.0.18 offers with a
 * key of any length through its init/update/final interface but without HKDF itself.
 *
 * Expand keys HMAC with the PRK once and reuses that keyed state for every output block, so the
 * usual single-block derivation (L <= 32, every key and key id of the protocol) costs exactly one
 * HMAC. Internal callers that pass NULL with a non-zero length have a bug: the void functions
 * abort rather than hand back an all-zero "key".
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "internal.h"

#define HKDF_MAX_OUTBYTES (255U * CLOAK_HASHBYTES)

/* Stands in for a NULL pointer of zero length, so libsodium never sees NULL. */
static const uint8_t empty_input[1] = {0};

static const uint8_t *nonnull_or_empty(const uint8_t *p, size_t len)
{
    if (p == NULL) {
        if (len != 0) {
            abort();
        }
        return empty_input;
    }
    return p;
}

void cloak__hmac_sha256(uint8_t out[CLOAK_HASHBYTES], const uint8_t *key, size_t key_len,
                        const uint8_t *msg, size_t msg_len)
{
    crypto_auth_hmacsha256_state st;

    if (out == NULL) {
        abort();
    }
    key = nonnull_or_empty(key, key_len);
    msg = nonnull_or_empty(msg, msg_len);
    crypto_auth_hmacsha256_init(&st, key, key_len);
    crypto_auth_hmacsha256_update(&st, msg, msg_len);
    crypto_auth_hmacsha256_final(&st, out);
    cloak__wipe(&st, sizeof st);
}

int cloak__hmac_sha256_verify(const uint8_t *tag, size_t tag_len, const uint8_t *key, size_t key_len,
                              const uint8_t *msg, size_t msg_len)
{
    uint8_t mac[CLOAK_HASHBYTES];
    int rc;

    /* An empty tag would accept everything. */
    if (tag == NULL || tag_len == 0 || tag_len > CLOAK_HASHBYTES || (key == NULL && key_len != 0) ||
        (msg == NULL && msg_len != 0)) {
        return CLOAK_E_BAD_PARAMS;
    }
    cloak__hmac_sha256(mac, key, key_len, msg, msg_len);
    rc = cloak__memcmp_ct(mac, tag, tag_len) == 0 ? CLOAK_OK : CLOAK_E_AUTH;
    cloak__wipe(mac, sizeof mac);
    return rc;
}

void cloak__hkdf_extract(uint8_t prk[CLOAK_HASHBYTES], const uint8_t *salt, size_t salt_len,
                         const uint8_t *ikm, size_t ikm_len)
{
    /* RFC 5869 replaces an absent salt with HashLen zero bytes; HMAC pads its key with zeros to the
     * block size, so an empty key is that same key and needs no special case. */
    cloak__hmac_sha256(prk, salt, salt_len, ikm, ikm_len);
}

int cloak__hkdf_expand(uint8_t *out, size_t out_len, const uint8_t *prk, size_t prk_len,
                       const uint8_t *info, size_t info_len)
{
    crypto_auth_hmacsha256_state keyed;
    crypto_auth_hmacsha256_state block_st = {0};
    uint8_t t[CLOAK_HASHBYTES];
    size_t done = 0;
    uint8_t counter = 1;

    if ((out == NULL && out_len != 0) || out_len > HKDF_MAX_OUTBYTES || prk == NULL || prk_len == 0 ||
        (info == NULL && info_len != 0)) {
        cloak__wipe(out, out_len);
        return CLOAK_E_BAD_PARAMS;
    }
    if (out_len == 0) {
        return CLOAK_OK;
    }
    info = nonnull_or_empty(info, info_len);

    /* Keying HMAC is half its cost for short inputs: do it once. After this the PRK is no longer
     * read, so out may overlap prk (in-place derivation); out must not overlap info. */
    crypto_auth_hmacsha256_init(&keyed, prk, prk_len);
    for (;;) {
        size_t take = out_len - done < CLOAK_HASHBYTES ? out_len - done : CLOAK_HASHBYTES;
        int last = done + take == out_len;
        /* The last block consumes the keyed state itself; earlier ones work on a copy. */
        crypto_auth_hmacsha256_state *st = last ? &keyed : &block_st;

        if (!last) {
            memcpy(&block_st, &keyed, sizeof keyed);
        }
        if (counter > 1) {
            crypto_auth_hmacsha256_update(st, t, CLOAK_HASHBYTES);
        }
        crypto_auth_hmacsha256_update(st, info, info_len);
        crypto_auth_hmacsha256_update(st, &counter, 1);
        crypto_auth_hmacsha256_final(st, t);
        memcpy(out + done, t, take);
        done += take;
        if (last) {
            break;
        }
        counter++;
    }
    cloak__wipe(&keyed, sizeof keyed);
    if (counter > 1) {
        cloak__wipe(&block_st, sizeof block_st);
    }
    cloak__wipe(t, sizeof t);
    return CLOAK_OK;
}
