/* Identity keys: Ed25519 key pairs, signatures under a caller context (docs/protocol.md
 * section 5.3) and the identity public key blob (section 5.1). */
#include <string.h>

#include <sodium.h>

#include "internal.h"

/* lp8(context) || SHA-512(message) */
#define USER_CONTENT_MAXBYTES (1U + CLOAK_LABELBYTES_MAX + crypto_hash_sha512_BYTES)

void cloak_identity_keypair(uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                            uint8_t secret_key[CLOAK_IDENTITY_SECRETKEYBYTES])
{
    if (public_key == NULL || secret_key == NULL) {
        cloak__wipe(public_key, CLOAK_IDENTITY_PUBLICKEYBYTES);
        cloak__wipe(secret_key, CLOAK_IDENTITY_SECRETKEYBYTES);
        return;
    }
    crypto_sign_ed25519_keypair(public_key, secret_key);
}

int cloak_identity_keypair_from_seed(uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES],
                                     uint8_t secret_key[CLOAK_IDENTITY_SECRETKEYBYTES],
                                     const uint8_t seed[CLOAK_IDENTITY_SEEDBYTES])
{
    uint8_t s[CLOAK_IDENTITY_SEEDBYTES];

    if (public_key == NULL || secret_key == NULL || seed == NULL) {
        cloak__wipe(public_key, CLOAK_IDENTITY_PUBLICKEYBYTES);
        cloak__wipe(secret_key, CLOAK_IDENTITY_SECRETKEYBYTES);
        return CLOAK_E_BAD_PARAMS;
    }
    /* The seed may be the first half of secret_key itself. */
    memcpy(s, seed, sizeof s);
    crypto_sign_ed25519_seed_keypair(public_key, secret_key, s);
    cloak__wipe(s, sizeof s);
    return CLOAK_OK;
}

/* Builds lp8(context) || SHA-512(message); the caller has checked context_len. */
static size_t user_content(uint8_t content[USER_CONTENT_MAXBYTES], const uint8_t *message, size_t message_len,
                           const uint8_t *context, size_t context_len)
{
    const size_t n = cloak__put_lp8(content, 0, context, context_len);
    crypto_hash_sha512(content + n, message, (unsigned long long)message_len);
    return n + crypto_hash_sha512_BYTES;
}

int cloak_identity_sign(uint8_t signature[CLOAK_SIGNATUREBYTES], const uint8_t *message, size_t message_len,
                        const uint8_t *context, size_t context_len,
                        const uint8_t secret_key[CLOAK_IDENTITY_SECRETKEYBYTES])
{
    uint8_t content[USER_CONTENT_MAXBYTES];
    size_t content_len;
    int rc;

    if (signature == NULL || secret_key == NULL || (message == NULL && message_len > 0) ||
        (context == NULL && context_len > 0) || context_len > CLOAK_LABELBYTES_MAX) {
        cloak__wipe(signature, CLOAK_SIGNATUREBYTES);
        return CLOAK_E_BAD_PARAMS;
    }
    content_len = user_content(content, message, message_len, context, context_len);
    /* Checks the key (CLOAK_E_INVALID_KEY, signature zeroed) before it signs. */
    rc = cloak__sign_labeled(signature, CLOAK_LABEL_SIG_USER, content, content_len, secret_key);
    /* The digest stands for a message the caller may hold secret. */
    cloak__wipe(content, sizeof content);
    return rc;
}

int cloak_identity_verify(const uint8_t signature[CLOAK_SIGNATUREBYTES], const uint8_t *message,
                          size_t message_len, const uint8_t *context, size_t context_len,
                          const uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES])
{
    uint8_t content[USER_CONTENT_MAXBYTES];
    size_t content_len;
    int rc;

    if (signature == NULL || public_key == NULL || (message == NULL && message_len > 0) ||
        (context == NULL && context_len > 0) || context_len > CLOAK_LABELBYTES_MAX) {
        return CLOAK_E_BAD_PARAMS;
    }
    content_len = user_content(content, message, message_len, context, context_len);
    rc = cloak__verify_labeled(signature, CLOAK_LABEL_SIG_USER, content, content_len, public_key);
    cloak__wipe(content, sizeof content);
    return rc;
}

void cloak_identity_public_export(uint8_t blob[CLOAK_PUBLIC_KEY_BLOBBYTES],
                                  const uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES])
{
    (void)cloak__public_blob_export(blob, CLOAK_TYPE_IDENTITY_PUBLIC_KEY, public_key);
}

int cloak_identity_public_import(uint8_t public_key[CLOAK_IDENTITY_PUBLICKEYBYTES], const uint8_t *blob,
                                 size_t blob_len)
{
    return cloak__public_blob_import(public_key, CLOAK_TYPE_IDENTITY_PUBLIC_KEY, blob, blob_len);
}
